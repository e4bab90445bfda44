// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The XDP program's hand-over to the skb path (XDP_PASS + to_skb) of what a
 * redirect would lose: frames beyond an MTU, frames for ports that take
 * skbs only, every flood while the bridge has one. Long frames run with
 * fragments, as tools/testing/selftests/bpf/prog_tests/xdp_adjust_frags.c.
 * A tap's checksum-offloaded frames: test_tap_csum.c.
 */
#include <stdlib.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf.h>

#include "fixture.h"
#include "sys.h"

XB_SUITE(handover);

/* A frame of len bytes (>= XB_FRAME_LEN) dst <- src; the caller frees it. */
static uint8_t *big_frame(__u32 len, const uint8_t *dst, const uint8_t *src)
{
	uint8_t *buf = calloc(1, len);

	cr_assert_not_null(buf, "calloc(%u) must succeed", len);
	xb_frame(buf, dst, src);
	for (__u32 k = XB_FRAME_LEN; k < len; k++)
		buf[k] = (uint8_t)k;
	return buf;
}

/* A 2000-byte frame to a known station on a 1500-MTU port: the kernel would
 * drop the redirect; XDP passes it to TC and counts to_skb, nothing else. */
Test(handover, frame_beyond_egress_mtu)
{
	uint8_t f[XB_FRAME_LEN], *big = big_frame(2000, MAC_D, MAC_S);
	__u32 v;

	xdp_run(port[B], f, xb_frame(f, MAC_BCAST, MAC_D));
	assert_learned(MAC_D, port[B], 0, now_coarse(), "D, speaking on B");
	v = xdp_run(port[A], big, 2000);
	assert_verdict(v, XDP_PASS, "2000 bytes to a 1500-MTU port");
	assert_stats(port[A], "one over-MTU unicast", .rx_packets = 1, .rx_bytes = 2000, .to_skb = 1);
	/* and the TC program behind XDP forwards it */
	cr_assert_eq(tc_run(port[A], big, 2000), TC_ACT_REDIRECT, "TC forwards the handed-over frame");
	assert_stats(port[A], "XDP handed over, TC forwarded", .rx_packets = 1, .rx_bytes = 2000,
		     .to_skb = 1, .forwarded = 1,
		     .forwarded_bytes = 2000);
	free(big);
}

/* A 9000-byte frame (fragments) floods on a 1500-MTU ingress: a GSO-sized
 * frame goes to the skb path; once the MTU is 9000, XDP floods it itself,
 * where the kernel's redirect carries fragments (6.12 on; before, the skb
 * path takes it: frags_to_skb). */
Test(handover, jumbo_frames)
{
	uint8_t *big = big_frame(9000, MAC_BCAST, MAC_S);
	__u32 v;

	v = xdp_run(port[A], big, 9000);
	assert_verdict(v, XDP_PASS, "9000 bytes in at MTU 1500");
	assert_stats(port[A], "beyond the ingress MTU", .rx_packets = 1, .rx_bytes = 9000, .to_skb = 1);

	sh("ip link set %s mtu 9000", port_name[A]);
	v = xdp_run(port[A], big, 9000);
	if (!sys_xdp_frags_redirect()) {
		assert_verdict(v, XDP_PASS, "9000 bytes in at MTU 9000, a kernel that loses them");
		assert_stats(port[A], "then the skb path", .rx_packets = 2, .rx_bytes = 18000,
			     .to_skb = 2);
	} else {
		assert_verdict(v, XDP_REDIRECT, "9000 bytes in at MTU 9000");
		assert_stats(port[A], "then flooded by XDP", .rx_packets = 2, .rx_bytes = 18000,
			     .to_skb = 1, .flooded = 1, .flooded_bytes = 9000);
	}
	free(big);
}

/* Standard frames never take the MTU check's branch. */
Test(handover, standard_frame_stays_in_xdp)
{
	uint8_t f[XB_FRAME_LEN], *full = big_frame(XB_FRAME_STD_MAX, MAC_D, MAC_S);
	__u32 v;

	xdp_run(port[B], f, xb_frame(f, MAC_BCAST, MAC_D));
	v = xdp_run(port[A], full, XB_FRAME_STD_MAX);
	assert_verdict(v, XDP_REDIRECT, "a full-size tagged frame (MTU 1500 + header + tag)");
	assert_stats(port[A], "a full-size tagged frame", .rx_packets = 1, .rx_bytes = XB_FRAME_STD_MAX,
		     .forwarded = 1,
		     .forwarded_bytes = XB_FRAME_STD_MAX);
	free(full);
}

/* A port without native XDP (mode generic or tc) may lack ndo_xdp_xmit: a
 * devmap redirect to it, a broadcast one above all, is dropped silently. XDP
 * hands frames for it, and every flood, to the skb path. */
Test(handover, for_skb_only_ports)
{
	struct xb_port_slot rec = { .ifindex = (__u32)port[B], .flags = XB_SLOT_FLOOD | XB_SLOT_SKB };
	struct xb_config cfg;
	uint8_t f[XB_FRAME_LEN];
	__u32 zero = 0, slot = slot_of(port[B]), v;

	xdp_run(port[B], f, xb_frame(f, MAC_BCAST, MAC_D));
	v = xdp_run(port[A], f, xb_frame(f, MAC_D, MAC_S));
	assert_verdict(v, XDP_REDIRECT, "all ports native");

	/* what port_add does for a port in mode generic or tc */
	cfg = get_config();
	cfg.flags |= XB_CFG_SKB_PORTS;
	cr_assert_eq(bpf_map_update_elem(test_br.slots_fd, &slot, &rec, BPF_ANY), 0,
		     "marking port B skb-only: %s", strerror(errno));
	cr_assert_eq(bpf_map_update_elem(test_br.config_fd, &zero, &cfg, BPF_ANY), 0,
		     "setting XB_CFG_SKB_PORTS: %s", strerror(errno));

	v = xdp_run(port[A], f, xb_frame(f, MAC_D, MAC_S));
	assert_verdict(v, XDP_PASS, "unicast to an skb-only port");
	v = xdp_run(port[A], f, xb_frame(f, MAC_BCAST, MAC_S));
	assert_verdict(v, XDP_PASS, "flood with an skb-only port");
	assert_stats(port[A], "one forwarded by XDP, two handed over", .rx_packets = 3,
		     .rx_bytes = 3 * XB_FRAME_LEN, .forwarded = 1, .to_skb = 2,
		     .forwarded_bytes = XB_FRAME_LEN);
}
