// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * skb-path tests: the TC program (xdpbridge_tc) on crafted skbs, and the XDP
 * program's hand-over to it (XDP_PASS + to_skb) for frames beyond an MTU,
 * run with bpf_prog_test_run_opts() like the kernel's
 * tools/testing/selftests/bpf/prog_tests/tc_redirect.c and xdp_adjust_frags.c.
 *
 * Self-contained for now (its own small fixture, copied from the one in
 * test_datapath.c: a private netns, three veth pairs, the maps set up as the
 * loader does, one program instance per port through bridge_prog_load());
 * to move onto the shared fixture once that exists. Every counter of a port
 * is asserted, so a frame counted twice or not at all fails.
 *
 * Run as root: ./build/test_bpf --filter 'skb_path/<all>' (a star for <all>)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <net/if.h>
#include <linux/pkt_cls.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <criterion/criterion.h>

#include "xdpbridge.h"
#include "xdpbridge.skel.h"
#include "bridge.h"
#include "xb_test_util.h"

#define SKB_FDB_SIZE	64
#define SKB_AGEING_NS	(300ULL * 1000000000ULL)

enum { SA, SB, SC, SNPORTS };

static struct xdpbridge_bpf *maps_skel;		/* owns the maps */
static struct xdpbridge_bpf *tc_skel[SNPORTS];	/* TC alone (mode tc) */
static struct xdpbridge_bpf *tc_after_skel[SNPORTS];	/* TC behind XDP */
static struct xdpbridge_bpf *xdp_skel[SNPORTS];	/* the XDP program */
static int sport[SNPORTS];
static char sport_name[SNPORTS][IF_NAMESIZE];
static int sncpu;

/* Port i uses slot i + 1, as in test_datapath.c. */
static __u32 sslot(int i)
{
	return (__u32)i + 1;
}

static void skb_run_cmd(const char *cmd)
{
	int st = system(cmd);

	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "'%s' failed (status %d)", cmd, st);
}

static void skb_setup(void)
{
	struct xb_config cfg = { .ageing_ns = SKB_AGEING_NS };
	struct xb_bridge br;
	char cmd[512];
	__u32 zero = 0;
	int i, err;

	if (geteuid() != 0)
		cr_skip_test("needs root (CAP_BPF, CAP_NET_ADMIN, CAP_SYS_ADMIN)");
	if (unshare(CLONE_NEWNET))
		cr_skip_test("unshare(CLONE_NEWNET): %s", strerror(errno));
	skb_run_cmd("ip link set lo up");
	for (i = 0; i < SNPORTS; i++) {
		snprintf(sport_name[i], IF_NAMESIZE, "xbs%d%c0", (int)getpid(), 'a' + i);
		snprintf(cmd, sizeof(cmd),
			 "ip link add %s type veth peer name xbs%d%c1 && ip link set %s up && ip link set xbs%d%c1 up",
			 sport_name[i], (int)getpid(), 'a' + i, sport_name[i], (int)getpid(), 'a' + i);
		skb_run_cmd(cmd);
		sport[i] = (int)if_nametoindex(sport_name[i]);
		cr_assert_gt(sport[i], 0, "ifindex of %s", sport_name[i]);
	}
	sncpu = libbpf_num_possible_cpus();
	cr_assert_gt(sncpu, 0, "libbpf_num_possible_cpus");

	maps_skel = xdpbridge_bpf__open();
	cr_assert_not_null(maps_skel, "xdpbridge_bpf__open: %s", strerror(errno));
	bpf_map__set_max_entries(maps_skel->maps.fdb, SKB_FDB_SIZE);
	bpf_map__set_max_entries(maps_skel->maps.fdb_ages, xb_age_blocks(SKB_FDB_SIZE));
	maps_skel->rodata->age_block_mask = xb_age_blocks(SKB_FDB_SIZE) - 1;
	err = xdpbridge_bpf__load(maps_skel);
	if (err == -EPERM || err == -EACCES || err == -ENOSYS || err == -EOPNOTSUPP)
		cr_skip_test("BPF unavailable: %s", strerror(-err));
	cr_assert_eq(err, 0, "xdpbridge_bpf__load: %s", strerror(-err));
	err = bpf_map__update_elem(maps_skel->maps.config, &zero, sizeof(zero), &cfg, sizeof(cfg), 0);
	cr_assert_eq(err, 0, "config: %s", strerror(-err));

	/* The maps as port_add() fills them. */
	for (i = 0; i < SNPORTS; i++) {
		struct xb_port_info info = { .slot = sslot(i) };
		struct xb_port_slot rec = { .ifindex = (__u32)sport[i], .flags = XB_SLOT_FLOOD };
		__u32 slot = sslot(i), ifindex = (__u32)sport[i];

		snprintf(info.ifname, sizeof(info.ifname), "%s", sport_name[i]);
		err = bpf_map__update_elem(maps_skel->maps.ports, &slot, 4, &ifindex, 4, 0);
		err = err ?: bpf_map__update_elem(maps_skel->maps.flood_ports, &slot, 4, &ifindex, 4, 0);
		err = err ?: bpf_map__update_elem(maps_skel->maps.port_slots, &slot, 4, &rec, sizeof(rec), 0);
		err = err ?: bpf_map__update_elem(maps_skel->maps.port_info, &ifindex, 4, &info, sizeof(info), 0);
		cr_assert_eq(err, 0, "registering port %s: %s", sport_name[i], strerror(-err));
	}

	br = (struct xb_bridge){
		.name = "skbtest",
		.fdb_fd = bpf_map__fd(maps_skel->maps.fdb),
		.fdb_static_fd = bpf_map__fd(maps_skel->maps.fdb_static),
		.ports_fd = bpf_map__fd(maps_skel->maps.ports),
		.flood_fd = bpf_map__fd(maps_skel->maps.flood_ports),
		.stats_fd = bpf_map__fd(maps_skel->maps.port_stats),
		.info_fd = bpf_map__fd(maps_skel->maps.port_info),
		.config_fd = bpf_map__fd(maps_skel->maps.config),
		.cache_fd = bpf_map__fd(maps_skel->maps.fdb_cache),
		.ages_fd = bpf_map__fd(maps_skel->maps.fdb_ages),
		.slots_fd = bpf_map__fd(maps_skel->maps.port_slots),
		.events_fd = bpf_map__fd(maps_skel->maps.events),
		.event_bucket_fd = bpf_map__fd(maps_skel->maps.event_bucket),
		.age_block_mask = xb_age_blocks(SKB_FDB_SIZE) - 1,
	};
	for (i = 0; i < SNPORTS; i++) {
		err = bridge_prog_load(&br, XB_PROG_TC, sslot(i), &tc_skel[i]);
		cr_assert_eq(err, 0, "TC instance for slot %u: %s", sslot(i), strerror(-err));
		err = bridge_prog_load(&br, XB_PROG_TC_AFTER_XDP, sslot(i), &tc_after_skel[i]);
		cr_assert_eq(err, 0, "TC-after-XDP instance for slot %u: %s", sslot(i), strerror(-err));
		err = bridge_prog_load(&br, XB_PROG_RX, sslot(i), &xdp_skel[i]);
		cr_assert_eq(err, 0, "XDP instance for slot %u: %s", sslot(i), strerror(-err));
	}
}

static void skb_teardown(void)
{
	for (int i = 0; i < SNPORTS; i++) {
		xdpbridge_bpf__destroy(tc_skel[i]);
		xdpbridge_bpf__destroy(tc_after_skel[i]);
		xdpbridge_bpf__destroy(xdp_skel[i]);
		tc_skel[i] = tc_after_skel[i] = xdp_skel[i] = NULL;
	}
	xdpbridge_bpf__destroy(maps_skel);
	maps_skel = NULL;
}

TestSuite(skb_path, .init = skb_setup, .fini = skb_teardown, .timeout = 30);

/* ---- running ------------------------------------------------------------- */

/* Run the TC instance of port i (after_xdp: the one behind XDP) on a frame. */
static int tc_run(int i, bool after_xdp, const void *frame, __u32 len)
{
	struct __sk_buff ctx = { .ifindex = (__u32)sport[i] };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame, .data_size_in = len,
		    .ctx_in = &ctx, .ctx_size_in = sizeof(ctx), .repeat = 1);
	struct xdpbridge_bpf *s = after_xdp ? tc_after_skel[i] : tc_skel[i];
	int err;

	err = bpf_prog_test_run_opts(bpf_program__fd(s->progs.xdpbridge_tc), &opts);
	cr_assert_eq(err, 0, "TC test run on port %d (%u bytes): %s", i, len, strerror(errno));
	return (int)opts.retval;
}

/* Run port i's XDP instance on len bytes (fragments past the first page). */
static __u32 xdp_run_len(int i, const void *frame, __u32 len)
{
	struct xdp_md ctx = { .ingress_ifindex = (__u32)sport[i] };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame, .data_size_in = len,
		    .ctx_in = &ctx, .ctx_size_in = sizeof(ctx), .repeat = 1);
	int err;

	if (len > 3000) {
		/* linear part: one page minus headroom and skb_shared_info */
		ctx.data_end = 3000;
	}
	ctx.data_end = ctx.data_end ?: len;
	err = bpf_prog_test_run_opts(bpf_program__fd(xdp_skel[i]->progs.xdpbridge_rx), &opts);
	if (err && errno == EINVAL && len > 3000)
		cr_skip_test("this kernel's test_run refuses a %u-byte XDP frame with fragments", len);
	cr_assert_eq(err, 0, "XDP test run on port %d (%u bytes): %s", i, len, strerror(errno));
	return opts.retval;
}

static struct xb_port_stats sstats(int i)
{
	struct xb_port_stats *pc, sum = { 0 };
	__u32 key = sslot(i);
	int err;

	pc = calloc((size_t)sncpu, sizeof(*pc));
	cr_assert_not_null(pc);
	err = bpf_map__lookup_elem(maps_skel->maps.port_stats, &key, sizeof(key), pc,
				   sizeof(*pc) * sncpu, 0);
	cr_assert_eq(err, 0, "port_stats[%u]: %s", key, strerror(-err));
	for (int c = 0; c < sncpu; c++) {
		sum.rx_packets += pc[c].rx_packets;
		sum.rx_bytes += pc[c].rx_bytes;
		sum.forwarded += pc[c].forwarded;
		sum.flooded += pc[c].flooded;
		sum.to_host += pc[c].to_host;
		sum.to_skb += pc[c].to_skb;
		sum.kernel_dropped += pc[c].kernel_dropped;
		for (int r = 0; r < XB_DROP_MAX; r++)
			sum.dropped[r] += pc[c].dropped[r];
	}
	free(pc);
	return sum;
}

/* Every counter of port i equals want's (unnamed fields: zero). */
#define assert_sstats(i, what, ...) assert_sstats_eq(i, (struct xb_port_stats){ __VA_ARGS__ }, what)

static void assert_sstats_eq(int i, struct xb_port_stats want, const char *what)
{
	struct xb_port_stats got = sstats(i);

#define SCHECK(f) cr_assert_eq(got.f, want.f, "%s: port %d " #f " = %llu, want %llu", what, i, \
			       (unsigned long long)got.f, (unsigned long long)want.f)
	SCHECK(rx_packets);
	SCHECK(rx_bytes);
	SCHECK(forwarded);
	SCHECK(flooded);
	SCHECK(to_host);
	SCHECK(to_skb);
	SCHECK(kernel_dropped);
	SCHECK(dropped[XB_DROP_RUNT]);
	SCHECK(dropped[XB_DROP_BAD_SRC]);
	SCHECK(dropped[XB_DROP_REFLECT]);
#undef SCHECK
}

static bool learned_on(const uint8_t *mac, int i)
{
	struct xb_fdb_key key = { .vlan = XB_VLAN_NONE };
	struct xb_fdb_entry e;

	memcpy(key.mac, mac, ETH_ALEN);
	if (bpf_map__lookup_elem(maps_skel->maps.fdb, &key, sizeof(key), &e, sizeof(e), 0))
		return false;
	return e.ifindex == (__u32)sport[i] && e.slot == sslot(i);
}

static __u32 fdb_entries(void)
{
	struct xb_fdb_key k, next;
	__u32 n = 0;
	void *prev = NULL;

	while (!bpf_map__get_next_key(maps_skel->maps.fdb, prev, &next, sizeof(next))) {
		n++;
		k = next;
		prev = &k;
	}
	return n;
}

/* A frame of len bytes (>= XB_FRAME_LEN) dst <- src. */
static uint8_t *big_frame(__u32 len, const uint8_t *dst, const uint8_t *src)
{
	uint8_t *buf = calloc(1, len);

	cr_assert_not_null(buf);
	xb_frame(buf, dst, src);
	for (__u32 k = XB_FRAME_LEN; k < len; k++)
		buf[k] = (uint8_t)k;
	return buf;
}

/* ---- the TC program alone (mode tc) ------------------------------------- */

Test(skb_path, tc_learns_and_floods)
{
	uint8_t f[XB_FRAME_LEN];
	int v;

	v = tc_run(SA, false, f, xb_frame(f, MAC_BCAST, MAC_S));
	/* clones to B, the skb itself to C */
	cr_assert_eq(v, TC_ACT_REDIRECT, "broadcast: verdict %d, want TC_ACT_REDIRECT", v);
	cr_assert(learned_on(MAC_S, SA), "the source is learned on A");
	assert_sstats(SA, "one broadcast", .rx_packets = 1, .rx_bytes = XB_FRAME_LEN, .flooded = 1);
}

Test(skb_path, tc_unicast_redirects)
{
	uint8_t f[XB_FRAME_LEN];
	int v;

	tc_run(SB, false, f, xb_frame(f, MAC_BCAST, MAC_D));
	cr_assert(learned_on(MAC_D, SB), "D is learned on B");
	v = tc_run(SA, false, f, xb_frame(f, MAC_D, MAC_S));
	cr_assert_eq(v, TC_ACT_REDIRECT, "known unicast: verdict %d, want TC_ACT_REDIRECT", v);
	assert_sstats(SA, "one known unicast", .rx_packets = 1, .rx_bytes = XB_FRAME_LEN, .forwarded = 1);
}

Test(skb_path, tc_flood_without_members_drops)
{
	struct xb_port_slot none = { 0 };
	uint8_t f[XB_FRAME_LEN];
	int v;

	for (__u32 i = SB; i < SNPORTS; i++) {
		__u32 slot = sslot((int)i);

		bpf_map__update_elem(maps_skel->maps.port_slots, &slot, 4, &none, sizeof(none), 0);
	}
	v = tc_run(SA, false, f, xb_frame(f, MAC_BCAST, MAC_S));
	cr_assert_eq(v, TC_ACT_SHOT, "a flood with no other member: verdict %d, want TC_ACT_SHOT", v);
	assert_sstats(SA, "flood to nobody", .rx_packets = 1, .rx_bytes = XB_FRAME_LEN, .flooded = 1);
}

Test(skb_path, tc_link_local_stays_on_host)
{
	const uint8_t *ll[] = { MAC_STP, MAC_LLDP, MAC_LL_LAST };
	uint8_t f[XB_FRAME_LEN];

	for (size_t k = 0; k < 3; k++) {
		int v = tc_run(SA, false, f, xb_frame(f, ll[k], MAC_S));

		cr_assert_eq(v, TC_ACT_OK, "%s: verdict %d, want TC_ACT_OK (host)", xb_mac_str(ll[k]), v);
	}
	cr_assert_eq(fdb_entries(), 0, "link-local frames are not learned from");
	assert_sstats(SA, "three link-local frames", .rx_packets = 3, .rx_bytes = 3 * XB_FRAME_LEN,
		      .to_host = 3);
}

Test(skb_path, tc_drops_bad_source_and_reflection)
{
	uint8_t f[XB_FRAME_LEN];
	int v;

	v = tc_run(SA, false, f, xb_frame(f, MAC_BCAST, MAC_ZERO));
	cr_assert_eq(v, TC_ACT_SHOT, "zero source: verdict %d, want TC_ACT_SHOT", v);
	v = tc_run(SA, false, f, xb_frame(f, MAC_BCAST, MAC_MCAST_V4));
	cr_assert_eq(v, TC_ACT_SHOT, "multicast source: verdict %d, want TC_ACT_SHOT", v);
	tc_run(SA, false, f, xb_frame(f, MAC_BCAST, MAC_D));	/* D lives on A */
	v = tc_run(SA, false, f, xb_frame(f, MAC_D, MAC_S));
	cr_assert_eq(v, TC_ACT_SHOT, "destination on the ingress port: verdict %d, want TC_ACT_SHOT", v);
	assert_sstats(SA, "two bad sources, one flood, one reflection", .rx_packets = 4,
		      .rx_bytes = 4 * XB_FRAME_LEN, .flooded = 1,
		      .dropped[XB_DROP_BAD_SRC] = 2, .dropped[XB_DROP_REFLECT] = 1);
}

/* ---- TC behind XDP: XDP counted rx (and to_host); TC counts the rest ----- */

Test(skb_path, tc_after_xdp_counts_only_outcomes)
{
	uint8_t f[XB_FRAME_LEN];
	int v;

	v = tc_run(SA, true, f, xb_frame(f, MAC_STP, MAC_S));
	cr_assert_eq(v, TC_ACT_OK, "link-local behind XDP: verdict %d, want TC_ACT_OK", v);
	assert_sstats(SA, "link-local XDP passed to the host (XDP counted it)");

	tc_run(SB, true, f, xb_frame(f, MAC_BCAST, MAC_D));
	v = tc_run(SA, true, f, xb_frame(f, MAC_D, MAC_S));
	cr_assert_eq(v, TC_ACT_REDIRECT, "known unicast behind XDP: verdict %d", v);
	assert_sstats(SA, "a frame XDP handed over", .forwarded = 1);
	assert_sstats(SB, "a flood behind XDP", .flooded = 1);
}

/* ---- the XDP program's hand-over to the skb path ------------------------- */

/* A 2000-byte frame to a known station on a 1500-MTU port: the kernel would
 * drop the redirect; XDP passes it to TC and counts to_skb, nothing else. */
Test(skb_path, xdp_passes_frame_beyond_egress_mtu)
{
	uint8_t f[XB_FRAME_LEN], *big = big_frame(2000, MAC_D, MAC_S);
	__u32 v;

	xdp_run_len(SB, f, xb_frame(f, MAC_BCAST, MAC_D));
	cr_assert(learned_on(MAC_D, SB), "D is learned on B");
	v = xdp_run_len(SA, big, 2000);
	cr_assert_eq(v, XDP_PASS, "2000 bytes to a 1500-MTU port: verdict %s, want XDP_PASS",
		     xb_verdict_str(v));
	assert_sstats(SA, "one over-MTU unicast", .rx_packets = 1, .rx_bytes = 2000, .to_skb = 1);
	/* and the TC program behind XDP forwards it */
	cr_assert_eq(tc_run(SA, true, big, 2000), TC_ACT_REDIRECT, "TC forwards the handed-over frame");
	assert_sstats(SA, "XDP handed over, TC forwarded", .rx_packets = 1, .rx_bytes = 2000,
		      .to_skb = 1, .forwarded = 1);
	free(big);
}

/* A 9000-byte frame (fragments) floods on a 1500-MTU ingress: a GSO-sized
 * frame goes to the skb path; once every MTU is 9000, XDP floods it itself. */
Test(skb_path, xdp_jumbo_frames)
{
	uint8_t *big = big_frame(9000, MAC_BCAST, MAC_S);
	char cmd[256];
	__u32 v;

	v = xdp_run_len(SA, big, 9000);
	cr_assert_eq(v, XDP_PASS, "9000 bytes in at MTU 1500: verdict %s, want XDP_PASS",
		     xb_verdict_str(v));
	assert_sstats(SA, "beyond the ingress MTU", .rx_packets = 1, .rx_bytes = 9000, .to_skb = 1);

	snprintf(cmd, sizeof(cmd), "ip link set %s mtu 9000", sport_name[SA]);
	skb_run_cmd(cmd);
	v = xdp_run_len(SA, big, 9000);
	cr_assert_eq(v, XDP_REDIRECT, "9000 bytes in at MTU 9000: verdict %s, want XDP_REDIRECT",
		     xb_verdict_str(v));
	assert_sstats(SA, "then flooded by XDP", .rx_packets = 2, .rx_bytes = 18000, .to_skb = 1,
		      .flooded = 1);
	free(big);
}

/* Standard frames never take the MTU check's branch. */
Test(skb_path, xdp_standard_frame_stays_in_xdp)
{
	uint8_t f[XB_FRAME_LEN], *full = big_frame(XB_FRAME_STD_MAX, MAC_D, MAC_S);
	__u32 v;

	xdp_run_len(SB, f, xb_frame(f, MAC_BCAST, MAC_D));
	v = xdp_run_len(SA, full, XB_FRAME_STD_MAX);
	cr_assert_eq(v, XDP_REDIRECT, "%d bytes (MTU 1500 + tag): verdict %s, want XDP_REDIRECT",
		     XB_FRAME_STD_MAX, xb_verdict_str(v));
	assert_sstats(SA, "a full-size tagged frame", .rx_packets = 1, .rx_bytes = XB_FRAME_STD_MAX,
		      .forwarded = 1);
	free(full);
}

/* A port without native XDP (mode generic or tc) may lack ndo_xdp_xmit: a
 * devmap redirect to it, a broadcast one above all, is dropped silently. XDP
 * hands frames for it, and every flood, to the skb path. */
Test(skb_path, xdp_hands_over_for_skb_only_ports)
{
	struct xb_port_slot rec = { .ifindex = (__u32)sport[SB], .flags = XB_SLOT_FLOOD | XB_SLOT_SKB };
	struct xb_config cfg;
	uint8_t f[XB_FRAME_LEN];
	__u32 zero = 0, slot = sslot(SB), v;
	int err;

	xdp_run_len(SB, f, xb_frame(f, MAC_BCAST, MAC_D));
	v = xdp_run_len(SA, f, xb_frame(f, MAC_D, MAC_S));
	cr_assert_eq(v, XDP_REDIRECT, "all ports native: verdict %s", xb_verdict_str(v));

	err = bpf_map__update_elem(maps_skel->maps.port_slots, &slot, 4, &rec, sizeof(rec), 0);
	err = err ?: bpf_map__lookup_elem(maps_skel->maps.config, &zero, 4, &cfg, sizeof(cfg), 0);
	cfg.flags |= XB_CFG_SKB_PORTS;
	err = err ?: bpf_map__update_elem(maps_skel->maps.config, &zero, 4, &cfg, sizeof(cfg), 0);
	cr_assert_eq(err, 0, "marking port B skb-only: %s", strerror(-err));

	v = xdp_run_len(SA, f, xb_frame(f, MAC_D, MAC_S));
	cr_assert_eq(v, XDP_PASS, "unicast to an skb-only port: verdict %s, want XDP_PASS",
		     xb_verdict_str(v));
	v = xdp_run_len(SA, f, xb_frame(f, MAC_BCAST, MAC_S));
	cr_assert_eq(v, XDP_PASS, "flood with an skb-only port: verdict %s, want XDP_PASS",
		     xb_verdict_str(v));
	assert_sstats(SA, "one forwarded by XDP, two handed over", .rx_packets = 3,
		      .rx_bytes = 3 * XB_FRAME_LEN, .forwarded = 1, .to_skb = 2);
}
