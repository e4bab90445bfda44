// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * VLAN filtering (issue 11), case by case as the Linux bridge's
 * __allowed_ingress / br_allowed_egress / br_handle_vlan: ingress
 * classification, per-(MAC, VID) learning, egress membership and the tag
 * each port wants. XDP unicast is checked on the frame the program leaves
 * (it pushes and pops in place before the redirect); floods and the skb path
 * on frames really delivered to the peers, read with PACKET_AUXDATA (where
 * the kernel puts a received tag). Every port joins with VID 1 `pvid
 * untagged` (the default PVID), as in the Linux bridge.
 */
#define _GNU_SOURCE
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf.h>

#include "fixture.h"
#include "vlan.h"

XB_SUITE(vlan);
XB_SUITE_WITH(vlan_tc, fixture_setup_tc);

#define PVID_UNTAGGED	(XB_VLANF_PVID | XB_VLANF_UNTAGGED)
#define TAGGED		0
#define PCP(p)		((__u16)((p) << 13))
#define TAGGED_LEN	(XB_FRAME_LEN + 4)

/* As `set BR vlan-protocol` and `set BR vlan-filtering on`: XDP floods
 * then run the ports' egress programs (XB_CFG_EGRESS_FILTER). */
static void filtering_on(__u16 proto)
{
	int err = vlan_set_protocol(&test_br, proto);

	cr_assert_eq(err, 0, "vlan_set_protocol: %s", strerror(-err));
	err = vlan_set_filtering(&test_br, true);
	cr_assert_eq(err, 0, "vlan_set_filtering: %s", strerror(-err));
	cr_assert(get_config().flags & XB_CFG_EGRESS_FILTER, "VLAN filtering filters floods at egress");
}

/* Only the flag, as in the moment before the egress programs are in place:
 * XDP hands VLAN floods to the TC flood walk. */
static void filtering_on_without_egress_programs(void)
{
	struct xb_config cfg = get_config();
	__u32 zero = 0;

	cfg.flags |= XB_CFG_VLAN_FILTERING;
	cfg.vlan_proto = ETH_P_8021Q;
	cr_assert_eq(bpf_map_update_elem(test_br.config_fd, &zero, &cfg, BPF_ANY), 0,
		     "config must be writable: %s", strerror(errno));
	bridge_fdb_changed(&test_br);
}

static void vlan(int p, __u16 vid, __u32 flags)
{
	int err = vlan_add(&test_br, slot_of(port[p]), vid, vid, flags);

	cr_assert_eq(err, 0, "vlan add %s %u: %s", port_name[p], vid, strerror(-err));
}

static void vlan_remove(int p, __u16 vid)
{
	int err = vlan_del(&test_br, slot_of(port[p]), (__u32)port[p], vid, vid);

	cr_assert_eq(err, 0, "vlan del %s %u: %s", port_name[p], vid, strerror(-err));
}

/* A XB_FRAME_LEN frame dst <- src behind a tag (tpid, tci): TAGGED_LEN. */
static __u32 tagged_frame(uint8_t *buf, const uint8_t *dst, const uint8_t *src, __u16 tpid,
			  __u16 tci)
{
	uint8_t plain[XB_FRAME_LEN];

	xb_frame(plain, dst, src);
	memcpy(buf, plain, 2 * ETH_ALEN);
	buf[12] = tpid >> 8;
	buf[13] = tpid & 0xff;
	buf[14] = tci >> 8;
	buf[15] = tci & 0xff;
	memcpy(buf + 16, plain + 12, XB_FRAME_LEN - 12);
	return TAGGED_LEN;
}

static void assert_learned_in(const uint8_t *mac, __u16 vid, int ifindex, const char *what)
{
	struct xb_fdb_key key = { .vlan = vid };
	struct xb_fdb_entry e;

	memcpy(key.mac, mac, ETH_ALEN);
	cr_assert_eq(bpf_map_lookup_elem(test_br.fdb_fd, &key, &e), 0,
		     "%s: %s must be learned in VLAN %u", what, xb_mac_str(mac), vid);
	cr_assert_eq(e.ifindex, (__u32)ifindex, "%s: %s in VLAN %u on ifindex %u, want %d", what,
		     xb_mac_str(mac), vid, e.ifindex, ifindex);
}

/* Run frame in on port p by XDP; want the verdict and (unicast) the frame
 * that leaves, want/want_len. */
static void xdp_expect(int p, const uint8_t *f, __u32 len, __u32 verdict, const uint8_t *want,
		       __u32 want_len, const char *what)
{
	uint8_t out[256];
	__u32 out_len = sizeof(out), v;

	v = xdp_run_out(port[p], f, len, out, &out_len);
	assert_verdict(v, verdict, what);
	if (!want)
		return;
	cr_assert_eq(out_len, want_len, "%s: %u bytes leave, want %u", what, out_len, want_len);
	cr_assert_eq(memcmp(out, want, want_len), 0,
		     "%s: the frame that leaves differs (bytes 12-17: %02x%02x %02x%02x %02x%02x)",
		     what, out[12], out[13], out[14], out[15], out[16], out[17]);
}

/* ---- ingress ---- */

Test(vlan, off_is_transparent)
{
	uint8_t f[TAGGED_LEN];

	tagged_frame(f, MAC_BCAST, MAC_S, ETH_P_8021Q, 30);
	xdp_expect(A, f, TAGGED_LEN, XDP_REDIRECT, NULL, 0, "VLAN filtering off: a tag of VID 30");
	assert_learned_in(MAC_S, XB_VLAN_NONE, port[A], "filtering off learns without a VID");
}

Test(vlan, untagged_gets_pvid)
{
	uint8_t f[XB_FRAME_LEN], t[TAGGED_LEN];

	filtering_on(ETH_P_8021Q);
	vlan(A, 10, PVID_UNTAGGED);
	vlan(B, 10, TAGGED);
	/* D speaks on B in VLAN 10: learned there, and only there */
	xdp_expect(B, t, tagged_frame(t, MAC_BCAST, MAC_D, ETH_P_8021Q, 10), XDP_REDIRECT, NULL, 0,
		   "a tagged broadcast");
	assert_learned_in(MAC_D, 10, port[B], "tagged VID 10 on B");
	assert_stats(port[B], "one VLAN flood", .rx_packets = 1, .rx_bytes = TAGGED_LEN,
		     .flooded = 1, .flooded_bytes = TAGGED_LEN);
	/* untagged on A: PVID 10, pushed for B (access to trunk) */
	xb_frame(f, MAC_D, MAC_S);
	tagged_frame(t, MAC_D, MAC_S, ETH_P_8021Q, 10);
	xdp_expect(A, f, XB_FRAME_LEN, XDP_REDIRECT, t, TAGGED_LEN, "untagged A -> tagged B");
	assert_learned_in(MAC_S, 10, port[A], "untagged on A, PVID 10");
	cr_assert_eq(fdb_get(MAC_S, &(struct xb_fdb_entry){}), -ENOENT,
		     "no entry without a VID once filtering is on");
}

Test(vlan, trunk_to_access_pops)
{
	uint8_t f[XB_FRAME_LEN], t[TAGGED_LEN];

	filtering_on(ETH_P_8021Q);
	vlan(A, 10, PVID_UNTAGGED);
	vlan(B, 10, TAGGED);
	send_frame(port[A], MAC_BCAST, MAC_S);	/* S on A in VLAN 10 */
	tagged_frame(t, MAC_S, MAC_D, ETH_P_8021Q, 10);
	xb_frame(f, MAC_S, MAC_D);
	xdp_expect(B, t, TAGGED_LEN, XDP_REDIRECT, f, XB_FRAME_LEN, "tagged B -> untagged A");
	assert_stats(port[B], "one forwarded", .rx_packets = 1, .rx_bytes = TAGGED_LEN, .forwarded = 1,
		     .forwarded_bytes = TAGGED_LEN);
}

Test(vlan, tagged_to_tagged_keeps_tag)
{
	uint8_t t[TAGGED_LEN];

	filtering_on(ETH_P_8021Q);
	vlan(A, 10, TAGGED);
	vlan(B, 10, TAGGED);
	xdp_run(port[B], t, tagged_frame(t, MAC_BCAST, MAC_D, ETH_P_8021Q, PCP(3) | 10));
	tagged_frame(t, MAC_D, MAC_S, ETH_P_8021Q, PCP(3) | 10);
	xdp_expect(A, t, TAGGED_LEN, XDP_REDIRECT, t, TAGGED_LEN, "trunk to trunk");
}

Test(vlan, untagged_to_untagged_stays_untagged)
{
	uint8_t f[XB_FRAME_LEN];

	filtering_on(ETH_P_8021Q);
	send_frame(port[B], MAC_BCAST, MAC_D);	/* VLAN 1, the default PVID */
	assert_learned_in(MAC_D, 1, port[B], "untagged on B: the default PVID 1");
	xb_frame(f, MAC_D, MAC_S);
	xdp_expect(A, f, XB_FRAME_LEN, XDP_REDIRECT, f, XB_FRAME_LEN, "VLAN 1 untagged both ends");
}

Test(vlan, priority_tag_keeps_pcp)
{
	uint8_t f[XB_FRAME_LEN], t[TAGGED_LEN], want[TAGGED_LEN];

	filtering_on(ETH_P_8021Q);
	vlan(A, 10, PVID_UNTAGGED);
	vlan(B, 10, TAGGED);
	vlan(C, 10, PVID_UNTAGGED);
	xdp_run(port[B], t, tagged_frame(t, MAC_BCAST, MAC_D, ETH_P_8021Q, 10));
	xdp_run(port[C], f, xb_frame(f, MAC_BCAST, MAC_U));
	/* VID 0, PCP 5 on A: PVID 10, PCP 5 to the trunk */
	tagged_frame(t, MAC_D, MAC_S, ETH_P_8021Q, PCP(5));
	tagged_frame(want, MAC_D, MAC_S, ETH_P_8021Q, PCP(5) | 10);
	xdp_expect(A, t, TAGGED_LEN, XDP_REDIRECT, want, TAGGED_LEN, "priority tag to a trunk");
	assert_learned_in(MAC_S, 10, port[A], "a priority-tagged frame is in the PVID");
	/* and untagged to an access port */
	tagged_frame(t, MAC_U, MAC_S, ETH_P_8021Q, PCP(5));
	xb_frame(f, MAC_U, MAC_S);
	xdp_expect(A, t, TAGGED_LEN, XDP_REDIRECT, f, XB_FRAME_LEN, "priority tag to an access port");
}

Test(vlan, no_pvid_drops_untagged)
{
	uint8_t f[XB_FRAME_LEN], t[TAGGED_LEN];
	struct xb_port_stats want = { .rx_packets = 2, .rx_bytes = XB_FRAME_LEN + TAGGED_LEN,
				      .dropped_bytes = XB_FRAME_LEN + TAGGED_LEN };

	filtering_on(ETH_P_8021Q);
	vlan_remove(A, 1);	/* A keeps no VLAN, no PVID */
	xdp_expect(A, f, xb_frame(f, MAC_BCAST, MAC_S), XDP_DROP, NULL, 0, "untagged, no PVID");
	xdp_expect(A, t, tagged_frame(t, MAC_BCAST, MAC_S, ETH_P_8021Q, PCP(2)), XDP_DROP, NULL, 0,
		   "priority-tagged, no PVID");
	want.dropped[XB_DROP_VLAN_NO_PVID] = 2;
	assert_stats_eq(port[A], want, "two frames without a PVID");
	cr_assert_eq(fdb_count(), 0, "a dropped frame is not learned from");
}

Test(vlan, non_member_vid_dropped)
{
	uint8_t t[TAGGED_LEN];
	struct xb_port_stats want = { .rx_packets = 1, .rx_bytes = TAGGED_LEN,
				      .dropped_bytes = TAGGED_LEN };

	filtering_on(ETH_P_8021Q);
	xdp_expect(A, t, tagged_frame(t, MAC_BCAST, MAC_S, ETH_P_8021Q, 30), XDP_DROP, NULL, 0,
		   "VID 30 on a port outside VLAN 30");
	want.dropped[XB_DROP_VLAN_INGRESS] = 1;
	assert_stats_eq(port[A], want, "one frame of a foreign VID");
	cr_assert_eq(fdb_count(), 0, "a dropped frame is not learned from");
}

Test(vlan, vid_4095_dropped)
{
	uint8_t t[TAGGED_LEN];

	filtering_on(ETH_P_8021Q);
	xdp_expect(A, t, tagged_frame(t, MAC_BCAST, MAC_S, ETH_P_8021Q, 4095), XDP_DROP, NULL, 0,
		   "reserved VID 4095");
	cr_assert_eq(port_stats(port[A]).dropped[XB_DROP_VLAN_INGRESS], 1, "counted as vlan_ingress");
}

Test(vlan, other_tpid_is_untagged)
{
	uint8_t s[TAGGED_LEN], want[TAGGED_LEN + 4];

	filtering_on(ETH_P_8021Q);
	vlan(B, 1, TAGGED);
	xdp_run(port[B], s, tagged_frame(s, MAC_BCAST, MAC_D, ETH_P_8021Q, 1));
	/* an 802.1ad tag of VID 20 on an 802.1Q bridge: payload, PVID 1 */
	tagged_frame(s, MAC_D, MAC_S, ETH_P_8021AD, 20);
	memcpy(want, s, 12);
	want[12] = 0x81, want[13] = 0x00, want[14] = 0, want[15] = 1;
	memcpy(want + 16, s + 12, TAGGED_LEN - 12);
	xdp_expect(A, s, TAGGED_LEN, XDP_REDIRECT, want, TAGGED_LEN + 4,
		   "an S-tagged frame leaves a trunk with a C-tag in front");
	assert_learned_in(MAC_S, 1, port[A], "an S-tagged frame is in the PVID");
}

Test(vlan, protocol_8021ad)
{
	uint8_t t[TAGGED_LEN], q[TAGGED_LEN];

	filtering_on(ETH_P_8021AD);
	vlan(A, 20, TAGGED);
	vlan(B, 20, TAGGED);
	xdp_run(port[B], t, tagged_frame(t, MAC_BCAST, MAC_D, ETH_P_8021AD, 20));
	assert_learned_in(MAC_D, 20, port[B], "an S-tag on an 802.1ad bridge");
	tagged_frame(t, MAC_D, MAC_S, ETH_P_8021AD, 20);
	xdp_expect(A, t, TAGGED_LEN, XDP_REDIRECT, t, TAGGED_LEN, "S-tagged trunk to trunk");
	/* a C-tag is payload there: PVID 1, which B has untagged */
	tagged_frame(q, MAC_BCAST, MAC_S, ETH_P_8021Q, 20);
	xdp_run(port[A], q, TAGGED_LEN);
	assert_learned_in(MAC_S, 1, port[A], "a C-tag on an 802.1ad bridge: the PVID");
}

/* ---- learning and egress ---- */

Test(vlan, same_mac_in_two_vlans)
{
	uint8_t t[TAGGED_LEN];

	filtering_on(ETH_P_8021Q);
	vlan(A, 10, TAGGED);
	vlan(B, 20, TAGGED);
	vlan(C, 10, TAGGED);
	vlan(C, 20, TAGGED);
	xdp_run(port[A], t, tagged_frame(t, MAC_BCAST, MAC_S, ETH_P_8021Q, 10));
	xdp_run(port[B], t, tagged_frame(t, MAC_BCAST, MAC_S, ETH_P_8021Q, 20));
	assert_learned_in(MAC_S, 10, port[A], "S in VLAN 10");
	assert_learned_in(MAC_S, 20, port[B], "the same S in VLAN 20");
	cr_assert_eq(fdb_count(), 2, "two entries, one per VLAN");
	/* C reaches each by its VLAN */
	tagged_frame(t, MAC_S, MAC_D, ETH_P_8021Q, 20);
	xdp_run(port[C], t, TAGGED_LEN);
	tagged_frame(t, MAC_S, MAC_D, ETH_P_8021Q, 10);
	xdp_run(port[C], t, TAGGED_LEN);
	cr_assert_eq(port_stats(port[C]).forwarded, 2, "both known unicast");
	assert_learned_in(MAC_D, 10, port[C], "D in VLAN 10");
	assert_learned_in(MAC_D, 20, port[C], "D in VLAN 20");
}

Test(vlan, unicast_to_non_member_dropped)
{
	struct xb_fdb_key key = { .vlan = 10 };
	struct xb_port_stats want = { .rx_packets = 1, .rx_bytes = TAGGED_LEN,
				      .dropped_bytes = TAGGED_LEN };
	uint8_t t[TAGGED_LEN];
	int err;

	filtering_on(ETH_P_8021Q);
	vlan(A, 10, TAGGED);
	memcpy(key.mac, MAC_D, ETH_ALEN);
	err = fdb_static_add(&test_br, &key, (__u32)port[C]);	/* C is not in VLAN 10 */
	cr_assert_eq(err, 0, "a static entry in VLAN 10 on C: %s", strerror(-err));
	cr_assert_eq(fdb_mark_changed(&test_br), 0, "static_count");
	xdp_expect(A, t, tagged_frame(t, MAC_D, MAC_S, ETH_P_8021Q, 10), XDP_DROP, NULL, 0,
		   "known unicast to a port outside the VLAN");
	want.dropped[XB_DROP_VLAN_EGRESS] = 1;
	assert_stats_eq(port[A], want, "one egress drop");
}

Test(vlan, static_entry_per_vid)
{
	struct xb_fdb_key key = { .vlan = 20 };
	uint8_t t[TAGGED_LEN];

	filtering_on(ETH_P_8021Q);
	vlan(A, 10, TAGGED);
	vlan(A, 20, TAGGED);
	vlan(B, 10, TAGGED);
	vlan(B, 20, TAGGED);
	memcpy(key.mac, MAC_D, ETH_ALEN);
	cr_assert_eq(fdb_static_add(&test_br, &key, (__u32)port[B]), 0, "static D in VLAN 20 on B");
	cr_assert_eq(fdb_mark_changed(&test_br), 0, "static_count");
	xdp_run(port[A], t, tagged_frame(t, MAC_D, MAC_S, ETH_P_8021Q, 20));
	cr_assert_eq(port_stats(port[A]).forwarded, 1, "VLAN 20: the static entry");
	xdp_run(port[A], t, tagged_frame(t, MAC_D, MAC_S, ETH_P_8021Q, 10));
	cr_assert_eq(port_stats(port[A]).flooded, 1, "VLAN 10: unknown, flooded");
}

Test(vlan, vlan_del_forgets_stations)
{
	uint8_t t[TAGGED_LEN];

	filtering_on(ETH_P_8021Q);
	vlan(A, 10, TAGGED);
	xdp_run(port[A], t, tagged_frame(t, MAC_BCAST, MAC_S, ETH_P_8021Q, 10));
	send_frame(port[A], MAC_BCAST, MAC_S);
	cr_assert_eq(fdb_count(), 2, "S in VLANs 1 and 10");
	vlan_remove(A, 10);
	cr_assert_eq(fdb_count(), 1, "vlan del forgets S in VLAN 10 only");
	assert_learned_in(MAC_S, 1, port[A], "the PVID keeps working");
	cr_assert_eq(xdp_run(port[A], t, TAGGED_LEN), XDP_DROP, "VID 10 is gone from A");
}

Test(vlan, link_local_not_filtered)
{
	uint8_t f[XB_FRAME_LEN];

	filtering_on(ETH_P_8021Q);
	vlan_remove(A, 1);
	assert_verdict(xdp_run(port[A], f, xb_frame(f, MAC_LACP, MAC_S)), XDP_PASS,
		       "LACP on a port without PVID still reaches the host, as in br_handle_frame");
	/* With STP off a BPDU is bridged (br_handle_frame's "forward"), so the
	 * port's VLANs apply: no PVID, dropped, as the Linux bridge does. */
	assert_verdict(xdp_run(port[A], f, xb_frame(f, MAC_STP, MAC_S)), XDP_DROP,
		       "a BPDU with STP off on a port without PVID is filtered like data");
}

/* ---- the skb path, and floods: frames really delivered ---- */

struct seen {
	int n;		/* frames from the source */
	int tagged;	/* with a tag in PACKET_AUXDATA */
	__u16 tci, tpid;
	uint8_t data[128];
	int len;
};

static int open_capture(int ifindex)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL),
				   .sll_ifindex = ifindex };
	int fd, one = 1;

	fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, htons(ETH_P_ALL));
	cr_assert_geq(fd, 0, "AF_PACKET socket: %s", strerror(errno));
	cr_assert_eq(setsockopt(fd, SOL_PACKET, PACKET_AUXDATA, &one, sizeof(one)), 0,
		     "PACKET_AUXDATA: %s", strerror(errno));
	cr_assert_eq(bind(fd, (struct sockaddr *)&sll, sizeof(sll)), 0, "bind: %s", strerror(errno));
	return fd;
}

/* Frames from src received on fd within 300 ms (the TC run sent them
 * before returning; this only drains the sockets). */
static struct seen capture(int fd, const uint8_t *src)
{
	struct seen s = { 0 };
	__u64 deadline = now_mono() + 300 * NS_PER_MS;

	while (now_mono() < deadline) {
		union { struct cmsghdr h; char buf[CMSG_SPACE(sizeof(struct tpacket_auxdata))]; } c;
		struct sockaddr_ll from;
		uint8_t buf[2048];
		struct iovec iov = { buf, sizeof(buf) };
		struct msghdr m = { .msg_name = &from, .msg_namelen = sizeof(from), .msg_iov = &iov,
				    .msg_iovlen = 1, .msg_control = &c, .msg_controllen = sizeof(c) };
		struct pollfd p = { .fd = fd, .events = POLLIN };
		struct cmsghdr *cm;
		ssize_t n;

		if (poll(&p, 1, 50) <= 0)
			continue;
		n = recvmsg(fd, &m, 0);
		if (n < ETH_HLEN || from.sll_pkttype == PACKET_OUTGOING || memcmp(buf + 6, src, 6))
			continue;
		s.n++;
		s.len = (int)n;
		memcpy(s.data, buf, n < (ssize_t)sizeof(s.data) ? (size_t)n : sizeof(s.data));
		for (cm = CMSG_FIRSTHDR(&m); cm; cm = CMSG_NXTHDR(&m, cm)) {
			struct tpacket_auxdata *aux = (void *)CMSG_DATA(cm);

			if (cm->cmsg_level != SOL_PACKET || cm->cmsg_type != PACKET_AUXDATA)
				continue;
			if (aux->tp_status & TP_STATUS_VLAN_VALID) {
				s.tagged = 1;
				s.tci = aux->tp_vlan_tci;
				s.tpid = (aux->tp_status & TP_STATUS_VLAN_TPID_VALID) ?
					 aux->tp_vlan_tpid : ETH_P_8021Q;
			}
		}
	}
	return s;
}

/* The fixture's peers share the ports' netns, where bpf_redirect_peer
 * (XB_SLOT_PEER, set as if they did not) drops: plain redirects. */
static void no_peer_redirect(void)
{
	for (int i = 0; i < NPORTS; i++) {
		__u32 slot = slot_of(port[i]);
		struct xb_port_slot ps;

		cr_assert_eq(bpf_map_lookup_elem(test_br.slots_fd, &slot, &ps), 0, "port_slots");
		ps.flags &= ~XB_SLOT_PEER;
		cr_assert_eq(bpf_map_update_elem(test_br.slots_fd, &slot, &ps, BPF_ANY), 0,
			     "port_slots");
	}
}

/* GRO on the peers: a frame XDP redirects into a veth is dropped unless its
 * peer runs NAPI (PLATFORM.md). */
static void captures_open(int fds[NPORTS])
{
	for (int i = 0; i < NPORTS; i++) {
		sh("ethtool -K %s gro on >/dev/null", peer_name[i]);
		fds[i] = open_capture(peer[i]);
	}
}

static void captures_close(int fds[NPORTS])
{
	for (int i = 0; i < NPORTS; i++)
		close(fds[i]);
}

#define assert_untagged(s, what)						\
	do {									\
		cr_assert_eq((s).n, 1, "%s: %d frames, want 1", what, (s).n);	\
		cr_assert_eq((s).tagged, 0, "%s: arrived tagged (tci %#x)", what, (s).tci); \
	} while (0)
#define assert_tagged(s, want_tpid, want_tci, what)				\
	do {									\
		cr_assert_eq((s).n, 1, "%s: %d frames, want 1", what, (s).n);	\
		cr_assert_eq((s).tagged, 1, "%s: arrived untagged", what);	\
		cr_assert_eq((s).tci, (want_tci), "%s: tci %#x, want %#x", what, (s).tci,	\
			     (unsigned int)(want_tci));				\
		cr_assert_eq((s).tpid, (want_tpid), "%s: TPID %#x, want %#x", what, (s).tpid,	\
			     (unsigned int)(want_tpid));			\
	} while (0)

/* A VLAN flood: members only, each with its tag, never the ingress. */
static void flood_per_vid(bool egress_programs)
{
	uint8_t f[XB_FRAME_LEN];
	struct seen s[NPORTS];
	int fds[NPORTS];

	if (egress_programs)
		filtering_on(ETH_P_8021Q);
	else
		filtering_on_without_egress_programs();
	vlan(A, 10, PVID_UNTAGGED);
	vlan(B, 10, TAGGED);
	/* C stays in VLAN 1 only */
	captures_open(fds);
	inject(A, f, xb_frame(f, MAC_BCAST, MAC_S));
	for (int i = 0; i < NPORTS; i++)
		s[i] = capture(fds[i], MAC_S);
	captures_close(fds);
	assert_tagged(s[B], ETH_P_8021Q, 10, "the trunk B gets VLAN 10 tagged");
	cr_assert_eq(s[C].n, 0, "C is not in VLAN 10: %d frames", s[C].n);
	cr_assert_eq(s[A].n, 0, "never out the ingress port: %d frames", s[A].n);
	assert_learned_in(MAC_S, 10, port[A], "the flood's source");
}

Test(vlan_tc, flood_per_vid)
{
	flood_per_vid(true);
}

/* XDP floods through the devmap egress programs. */
Test(vlan, flood_per_vid_xdp)
{
	flood_per_vid(true);
	cr_assert_eq(port_stats(port[A]).to_skb, 0, "flooded by XDP, not handed to TC");
	cr_assert_eq(port_stats(port[A]).flooded, 1, "one flood");
}

/* Until the egress programs are in place, XDP hands VLAN floods to TC. */
Test(vlan, flood_per_vid_skb_fallback)
{
	flood_per_vid(false);
	cr_assert_eq(port_stats(port[A]).to_skb, 1, "handed to the TC flood walk");
}

static void flood_mixed_tagging(void)
{
	uint8_t t[TAGGED_LEN];
	struct seen s[NPORTS];
	int fds[NPORTS];

	filtering_on(ETH_P_8021Q);
	vlan(A, 10, TAGGED);
	vlan(B, 10, PVID_UNTAGGED);
	vlan(C, 10, TAGGED);
	captures_open(fds);
	inject(A, t, tagged_frame(t, MAC_BCAST, MAC_S, ETH_P_8021Q, PCP(6) | 10));
	for (int i = 0; i < NPORTS; i++)
		s[i] = capture(fds[i], MAC_S);
	captures_close(fds);
	assert_untagged(s[B], "B has VLAN 10 untagged");
	cr_assert_eq(s[B].len, XB_FRAME_LEN, "B: the tag popped, %d bytes", s[B].len);
	assert_tagged(s[C], ETH_P_8021Q, PCP(6) | 10, "C: the tag kept, PCP and all");
	cr_assert_eq(s[A].n, 0, "never out the ingress port");
}

Test(vlan_tc, flood_mixed_tagging)
{
	flood_mixed_tagging();
}

Test(vlan, flood_mixed_tagging_xdp)
{
	flood_mixed_tagging();
	cr_assert_eq(port_stats(port[A]).to_skb, 0, "flooded by XDP");
}

/* An untagged frame flooded to a trunk and an access port: one copy pushed. */
Test(vlan, flood_push_per_copy_xdp)
{
	uint8_t f[XB_FRAME_LEN];
	struct seen s[NPORTS];
	int fds[NPORTS];

	filtering_on(ETH_P_8021Q);
	vlan(A, 10, PVID_UNTAGGED);
	vlan(B, 10, TAGGED);
	vlan(C, 10, PVID_UNTAGGED);
	captures_open(fds);
	inject(A, f, xb_frame(f, MAC_BCAST, MAC_S));
	for (int i = 0; i < NPORTS; i++)
		s[i] = capture(fds[i], MAC_S);
	captures_close(fds);
	assert_tagged(s[B], ETH_P_8021Q, 10, "B: pushed");
	assert_untagged(s[C], "C: as it came");
	cr_assert_eq(s[C].len, XB_FRAME_LEN, "C: %d bytes", s[C].len);
}

Test(vlan_tc, unicast_push_and_pop)
{
	uint8_t f[XB_FRAME_LEN], t[TAGGED_LEN];
	struct seen s;
	int fd;

	filtering_on(ETH_P_8021Q);
	vlan(A, 10, PVID_UNTAGGED);
	vlan(B, 10, TAGGED);
	tc_run(port[B], t, tagged_frame(t, MAC_BCAST, MAC_D, ETH_P_8021Q, 10));
	tc_run(port[A], f, xb_frame(f, MAC_BCAST, MAC_S));
	no_peer_redirect();
	fd = open_capture(peer[B]);
	inject(A, f, xb_frame(f, MAC_D, MAC_S));
	s = capture(fd, MAC_S);
	close(fd);
	assert_tagged(s, ETH_P_8021Q, 10, "access A to trunk B: pushed");
	fd = open_capture(peer[A]);
	inject(B, t, tagged_frame(t, MAC_S, MAC_D, ETH_P_8021Q, 10));
	s = capture(fd, MAC_D);
	close(fd);
	assert_untagged(s, "trunk B to access A: popped");
	cr_assert_eq(s.len, XB_FRAME_LEN, "popped to %d bytes", s.len);
}

Test(vlan_tc, other_tpid_is_untagged)
{
	uint8_t t[TAGGED_LEN];
	struct seen s;
	int fd;

	filtering_on(ETH_P_8021Q);
	vlan(B, 1, TAGGED);
	vlan_remove(C, 1);
	fd = open_capture(peer[B]);
	inject(A, t, tagged_frame(t, MAC_BCAST, MAC_S, ETH_P_8021AD, 20));
	s = capture(fd, MAC_S);
	close(fd);
	assert_tagged(s, ETH_P_8021Q, 1, "an S-tagged frame on an 802.1Q bridge: PVID 1, tagged to B");
	cr_assert(s.len >= 16 && s.data[12] == 0x88 && s.data[13] == 0xa8 && s.data[15] == 20,
		  "the S-tag stays in the frame (bytes 12-15 %02x%02x %02x%02x)", s.data[12],
		  s.data[13], s.data[14], s.data[15]);
	assert_learned_in(MAC_S, 1, port[A], "in the PVID");
}

Test(vlan_tc, ingress_drops)
{
	uint8_t f[XB_FRAME_LEN], t[TAGGED_LEN];

	filtering_on(ETH_P_8021Q);
	vlan_remove(A, 1);
	cr_assert_eq(tc_run(port[A], f, xb_frame(f, MAC_BCAST, MAC_S)), TC_ACT_SHOT, "no PVID");
	cr_assert_eq(tc_run(port[A], t, tagged_frame(t, MAC_BCAST, MAC_S, ETH_P_8021Q, 7)),
		     TC_ACT_SHOT, "not a member of 7");
	cr_assert_eq(port_stats(port[A]).dropped[XB_DROP_VLAN_NO_PVID], 1, "vlan_no_pvid");
	cr_assert_eq(port_stats(port[A]).dropped[XB_DROP_VLAN_INGRESS], 1, "vlan_ingress");
}
