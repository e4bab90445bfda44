// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * A guest's checksum-offloaded frame on a tap in native XDP (bpf/csum.h):
 * tun hides the frame's NEEDS_CSUM flag from XDP, so the XDP instance of a
 * tap port (partial_csum_check, set by port_add for link kind "tun") hands
 * every TCP/UDP frame whose checksum field holds the pseudo-header seed to
 * the skb path, and forwards frames with a complete checksum itself. Port A
 * is a tap, B and C veths (whose instance has the check compiled out).
 * That tun then builds a CHECKSUM_PARTIAL skb the TC program forwards is
 * the kernel's part: tests/integration (test_tap_guest_csum_offload).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <linux/pkt_cls.h>

#include "fixture.h"

XB_SUITE_WITH(tap_csum, fixture_setup_tap);

#define PAYLOAD_LEN	26

enum l4_kind { TCP4, UDP4, TCP6, NKINDS };
static const char *const kind_name[NKINDS] = { "TCP/IPv4", "UDP/IPv4", "TCP/IPv6" };

/* Ones'-complement sum of len bytes as big-endian 16-bit words, unfolded. */
static uint32_t sum16(const uint8_t *p, size_t len, uint32_t acc)
{
	for (size_t i = 0; i + 1 < len; i += 2)
		acc += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		acc += (uint32_t)p[len - 1] << 8;
	return acc;
}

static uint16_t fold(uint32_t acc)
{
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	return (uint16_t)acc;
}

/*
 * A dst <- src frame of that kind (tpid: one tag in front, 0 none) into buf
 * (>= 128 bytes); its TCP/UDP checksum field holds the pseudo-header seed a
 * checksum-offloading sender leaves (seed) or the complete checksum.
 * Returns the frame's length.
 */
static uint32_t l4_frame(uint8_t *buf, enum l4_kind kind, uint16_t tpid, bool seed,
			 const uint8_t *dst, const uint8_t *src)
{
	static const uint8_t a4[] = { 203, 0, 113, 1 }, b4[] = { 203, 0, 113, 2 };
	struct in6_addr a6, b6;
	uint32_t l2 = 12, l3, l4, pseudo;
	uint16_t l4len, csum_at, c, proto = kind == UDP4 ? IPPROTO_UDP : IPPROTO_TCP;
	uint8_t *p;

	inet_pton(AF_INET6, "2001:db8::1", &a6);
	inet_pton(AF_INET6, "2001:db8::2", &b6);
	memset(buf, 0, 128);
	memcpy(buf, dst, ETH_ALEN);
	memcpy(buf + ETH_ALEN, src, ETH_ALEN);
	if (tpid) {
		buf[12] = tpid >> 8, buf[13] = tpid & 0xff;
		buf[14] = 0x00, buf[15] = 10;		/* VID 10 */
		l2 += 4;
	}
	l3 = l2 + 2;
	l4len = (proto == IPPROTO_TCP ? 20 : 8) + PAYLOAD_LEN;
	p = buf + l3;
	if (kind == TCP6) {
		buf[l2] = 0x86, buf[l2 + 1] = 0xdd;
		p[0] = 0x60;
		p[4] = l4len >> 8, p[5] = l4len & 0xff;
		p[6] = (uint8_t)proto;
		p[7] = 64;
		memcpy(p + 8, &a6, 16);
		memcpy(p + 24, &b6, 16);
		pseudo = sum16(p + 8, 32, 0);
		l4 = l3 + 40;
	} else {
		buf[l2] = 0x08, buf[l2 + 1] = 0x00;
		p[0] = 0x45;
		p[2] = (20 + l4len) >> 8, p[3] = (20 + l4len) & 0xff;
		p[6] = 0x40;				/* DF */
		p[8] = 64;
		p[9] = (uint8_t)proto;
		memcpy(p + 12, a4, 4);
		memcpy(p + 16, b4, 4);
		c = (uint16_t)~fold(sum16(p, 20, 0));
		p[10] = c >> 8, p[11] = c & 0xff;
		pseudo = sum16(p + 12, 8, 0);
		l4 = l3 + 20;
	}
	pseudo += proto + l4len;
	p = buf + l4;
	p[0] = 0x9c, p[1] = 0x41;			/* ports 40001 -> 5201 */
	p[2] = 0x14, p[3] = 0x51;
	if (proto == IPPROTO_TCP) {
		p[12] = 5 << 4;
		p[13] = 0x18;				/* PSH|ACK */
		p[14] = 0x01, p[15] = 0xf6;
		csum_at = 16;
	} else {
		p[4] = l4len >> 8, p[5] = l4len & 0xff;
		csum_at = 6;
	}
	for (int i = l4len - PAYLOAD_LEN; i < l4len; i++)
		p[i] = (uint8_t)(i * 7);
	c = seed ? fold(pseudo) : (uint16_t)~fold(sum16(p, l4len, pseudo));
	p[csum_at] = c >> 8, p[csum_at + 1] = c & 0xff;
	if (!seed)	/* as a receiver checks it */
		cr_assert_eq(fold(sum16(p, l4len, pseudo)), 0xffff, "%s: crafted checksum must verify",
			     kind_name[kind]);
	return l4 + l4len;
}

/* D speaks on B, so A -> D is known unicast. */
static void learn_d_on_b(void)
{
	uint8_t f[XB_FRAME_LEN];

	xdp_run(port[B], f, xb_frame(f, MAC_BCAST, MAC_D));
	assert_learned(MAC_D, port[B], 0, now_coarse(), "D, speaking on B");
}

/* One frame of every kind src -> dst into ingress's XDP program, each with
 * verdict want; the bytes sent. */
static __u64 run_every_kind(int ingress, const uint8_t *dst, const uint8_t *src, uint16_t tpid,
			    bool seed, __u32 want)
{
	uint8_t f[128];
	char what[96];
	__u64 bytes = 0;

	for (int k = 0; k < NKINDS; k++) {
		uint32_t len = l4_frame(f, k, tpid, seed, dst, src);

		snprintf(what, sizeof(what), "%s, TPID %#06x (0: untagged), %s checksum", kind_name[k],
			 tpid, seed ? "seed (partial)" : "complete");
		assert_verdict(xdp_run(ingress, f, len), want, what);
		bytes += len;
	}
	return bytes;
}

Test(tap_csum, seed_goes_to_skb_path)
{
	__u64 bytes;

	learn_d_on_b();
	bytes = run_every_kind(port[A], MAC_D, MAC_S, 0, true, XDP_PASS);
	/* a flood too: unknown destination */
	bytes += run_every_kind(port[A], MAC_U, MAC_S, 0, true, XDP_PASS);
	assert_stats(port[A], "six seeds handed over", .rx_packets = 6, .rx_bytes = bytes, .to_skb = 6);
}

Test(tap_csum, complete_checksum_stays_in_xdp)
{
	__u64 bytes;

	learn_d_on_b();
	bytes = run_every_kind(port[A], MAC_D, MAC_S, 0, false, XDP_REDIRECT);
	assert_stats(port[A], "three complete checksums", .rx_packets = 3, .rx_bytes = bytes,
		     .forwarded = 3, .forwarded_bytes = bytes);
}

Test(tap_csum, tagged_seed_goes_to_skb_path)
{
	__u64 bytes, fwd;

	learn_d_on_b();
	bytes = run_every_kind(port[A], MAC_D, MAC_S, ETH_P_8021Q, true, XDP_PASS);
	bytes += run_every_kind(port[A], MAC_D, MAC_S, ETH_P_8021AD, true, XDP_PASS);
	fwd = run_every_kind(port[A], MAC_D, MAC_S, ETH_P_8021Q, false, XDP_REDIRECT);
	/* handed-over frames get no class bytes until TC decides them */
	assert_stats(port[A], "six tagged seeds, three complete", .rx_packets = 9,
		     .rx_bytes = bytes + fwd, .to_skb = 6, .forwarded = 3, .forwarded_bytes = fwd);
}

/* A frame for the host stays XDP's (counted to_host there): TC behind XDP
 * counts no to_host. */
Test(tap_csum, link_local_seed_stays_in_xdp)
{
	uint8_t f[128];
	uint32_t len = l4_frame(f, TCP4, 0, true, MAC_LLDP, MAC_S);

	assert_verdict(xdp_run(port[A], f, len), XDP_PASS, "TCP/IPv4 seed to a link-local address");
	assert_stats(port[A], "one frame for the host", .rx_packets = 1, .rx_bytes = len, .to_host = 1,
		     .to_host_bytes = len);
}

/* A veth's instance has the check compiled out: XDP forwards seeds as they are. */
Test(tap_csum, veth_port_forwards_seed)
{
	uint8_t f[XB_FRAME_LEN];
	__u64 bytes;

	xdp_run(port[C], f, xb_frame(f, MAC_BCAST, MAC_S));	/* S speaks on C */
	bytes = run_every_kind(port[B], MAC_S, MAC_D, 0, true, XDP_REDIRECT);
	assert_stats(port[B], "three seeds into a veth", .rx_packets = 3, .rx_bytes = bytes,
		     .forwarded = 3, .forwarded_bytes = bytes);
}

/* What XDP handed over, the TC program behind it forwards. */
Test(tap_csum, handed_over_frame_forwarded_by_tc)
{
	uint8_t f[128];
	uint32_t len;

	learn_d_on_b();
	len = l4_frame(f, UDP4, 0, true, MAC_D, MAC_S);
	assert_verdict(xdp_run(port[A], f, len), XDP_PASS, "UDP/IPv4 seed");
	cr_assert_eq(tc_run(port[A], f, len), TC_ACT_REDIRECT, "TC forwards the handed-over frame");
	assert_stats(port[A], "XDP handed over, TC forwarded", .rx_packets = 1, .rx_bytes = len,
		     .to_skb = 1, .forwarded = 1,
		     .forwarded_bytes = len);
}
