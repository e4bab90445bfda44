// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The skb path's verdicts: the TC program (xdpbridge_tc) port_add attached,
 * run on crafted skbs with bpf_prog_test_run_opts() as the kernel's
 * tools/testing/selftests/bpf/prog_tests/tc_redirect.c does. Alone on a port
 * (mode tc) it counts every frame; behind XDP only the outcome of what XDP
 * handed over. Every counter of a port is asserted, so a frame counted twice
 * or not at all fails. XDP's hand-over itself: test_handover.c.
 */
#include <linux/pkt_cls.h>
#include <bpf/bpf.h>

#include "fixture.h"

XB_SUITE_WITH(skb_path, fixture_setup_tc);

Test(skb_path, tc_learns_and_floods)
{
	uint8_t f[XB_FRAME_LEN];
	int v;

	v = tc_run(port[A], f, xb_frame(f, MAC_BCAST, MAC_S));
	/* clones to the other members, the skb itself to the last */
	cr_assert_eq(v, TC_ACT_REDIRECT, "broadcast: verdict %d, want TC_ACT_REDIRECT", v);
	assert_learned(MAC_S, port[A], 0, now_coarse(), "the broadcast's source");
	assert_stats(port[A], "one broadcast", .rx_packets = 1, .rx_bytes = XB_FRAME_LEN, .flooded = 1,
		     .flooded_bytes = XB_FRAME_LEN);
}

Test(skb_path, tc_unicast_redirects)
{
	uint8_t f[XB_FRAME_LEN];
	int v;

	tc_run(port[B], f, xb_frame(f, MAC_BCAST, MAC_D));
	assert_learned(MAC_D, port[B], 0, now_coarse(), "D, speaking on B");
	v = tc_run(port[A], f, xb_frame(f, MAC_D, MAC_S));
	cr_assert_eq(v, TC_ACT_REDIRECT, "known unicast: verdict %d, want TC_ACT_REDIRECT", v);
	assert_stats(port[A], "one known unicast", .rx_packets = 1, .rx_bytes = XB_FRAME_LEN,
		     .forwarded = 1,
		     .forwarded_bytes = XB_FRAME_LEN);
}

Test(skb_path, tc_flood_without_members_drops)
{
	struct xb_port_slot none = { 0 };
	__u32 own = slot_of(port[A]), n = bridge_max_ports(&test_br);
	uint8_t f[XB_FRAME_LEN];
	int v;

	for (__u32 slot = 0; slot < n; slot++)
		if (slot != own)
			cr_assert_eq(bpf_map_update_elem(test_br.slots_fd, &slot, &none, BPF_ANY), 0,
				     "clearing port_slots[%u]: %s", slot, strerror(errno));
	v = tc_run(port[A], f, xb_frame(f, MAC_BCAST, MAC_S));
	cr_assert_eq(v, TC_ACT_SHOT, "a flood with no other member: verdict %d, want TC_ACT_SHOT", v);
	assert_stats(port[A], "flood to nobody", .rx_packets = 1, .rx_bytes = XB_FRAME_LEN, .flooded = 1,
		     .flooded_bytes = XB_FRAME_LEN);
}

Test(skb_path, tc_link_local_stays_on_host)
{
	const uint8_t *ll[] = { MAC_LACP, MAC_LLDP, MAC_LL_LAST };
	uint8_t f[XB_FRAME_LEN];

	for (size_t k = 0; k < 3; k++) {
		int v = tc_run(port[A], f, xb_frame(f, ll[k], MAC_S));

		cr_assert_eq(v, TC_ACT_OK, "%s: verdict %d, want TC_ACT_OK (host)", xb_mac_str(ll[k]), v);
	}
	cr_assert_eq(fdb_count(), 0, "link-local frames are not learned from");
	assert_stats(port[A], "three link-local frames", .rx_packets = 3, .rx_bytes = 3 * XB_FRAME_LEN,
		     .to_host = 3,
		     .to_host_bytes = 3 * XB_FRAME_LEN);
}

Test(skb_path, tc_drops_bad_source_and_reflection)
{
	uint8_t f[XB_FRAME_LEN];
	int v;

	v = tc_run(port[A], f, xb_frame(f, MAC_BCAST, MAC_ZERO));
	cr_assert_eq(v, TC_ACT_SHOT, "zero source: verdict %d, want TC_ACT_SHOT", v);
	v = tc_run(port[A], f, xb_frame(f, MAC_BCAST, MAC_MCAST_V4));
	cr_assert_eq(v, TC_ACT_SHOT, "multicast source: verdict %d, want TC_ACT_SHOT", v);
	tc_run(port[A], f, xb_frame(f, MAC_BCAST, MAC_D));	/* D lives on A */
	v = tc_run(port[A], f, xb_frame(f, MAC_D, MAC_S));
	cr_assert_eq(v, TC_ACT_SHOT, "destination on the ingress port: verdict %d, want TC_ACT_SHOT", v);
	assert_stats(port[A], "two bad sources, one flood, one reflection", .rx_packets = 4,
		     .rx_bytes = 4 * XB_FRAME_LEN, .flooded = 1,
		     .dropped[XB_DROP_BAD_SRC] = 2, .dropped[XB_DROP_REFLECT] = 1,
		     .flooded_bytes = XB_FRAME_LEN, .dropped_bytes = 3 * XB_FRAME_LEN);
}

/* ---- TC behind XDP (native): XDP counted rx (and to_host); TC the rest ---- */

XB_SUITE(skb_path_after_xdp);

Test(skb_path_after_xdp, tc_counts_only_outcomes)
{
	uint8_t f[XB_FRAME_LEN];
	int v;

	v = tc_run(port[A], f, xb_frame(f, MAC_LACP, MAC_S));
	cr_assert_eq(v, TC_ACT_OK, "link-local behind XDP: verdict %d, want TC_ACT_OK", v);
	assert_stats(port[A], "link-local XDP passed to the host (XDP counted it)");

	tc_run(port[B], f, xb_frame(f, MAC_BCAST, MAC_D));
	v = tc_run(port[A], f, xb_frame(f, MAC_D, MAC_S));
	cr_assert_eq(v, TC_ACT_REDIRECT, "known unicast behind XDP: verdict %d", v);
	assert_stats(port[A], "a frame XDP handed over", .forwarded = 1,
		     .forwarded_bytes = XB_FRAME_LEN);
	assert_stats(port[B], "a flood behind XDP", .flooded = 1,
		     .flooded_bytes = XB_FRAME_LEN);
}
