// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Per-port policy (`port set`, issue 10 items 3 and 4): port isolation,
 * learning off, the flood switches and storm control, on the XDP path (the
 * egress programs in flood_ports, observed with live frames) and on the skb
 * path (the TC flood walk). Settings are written through the loader's
 * port_conf_write, as `port set` does. The bridge under test: fixture.h.
 */
#define _GNU_SOURCE
#include <poll.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/ethtool.h>
#include <linux/if_packet.h>
#include <linux/pkt_cls.h>
#include <linux/sockios.h>
#include <bpf/bpf.h>

#include "fixture.h"
#include "policy.h"

XB_SUITE(policy);
XB_SUITE_WITH(policy_tc, fixture_setup_tc);

static void fixture_setup_generic(void)
{
	fixture_setup_with(XB_MODE_GENERIC, false);
}

XB_SUITE_WITH(policy_generic, fixture_setup_generic);

/* ---- helpers ---------------------------------------------------------------- */

static void conf_set(int ifindex, __u32 flags, __u32 storm_bcast, __u32 storm_mcast,
		     __u32 storm_unknown)
{
	struct xb_port_conf conf;
	__u32 slot = slot_of(ifindex);
	int err;

	cr_assert_eq(port_conf_read(&test_br, slot, &conf), 0, "port_conf[%u] must be readable", slot);
	conf.flags = flags;
	conf.storm_bcast = storm_bcast;
	conf.storm_mcast = storm_mcast;
	conf.storm_unknown = storm_unknown;
	err = port_conf_write(&test_br, slot, &conf);
	cr_assert_eq(err, 0, "port_conf_write(slot %u) must succeed: %s", slot, strerror(-err));
}

static void set_flags(int ifindex, __u32 flags)
{
	conf_set(ifindex, flags, 0, 0, 0);
}

static __u64 dropped(int ifindex, enum xb_drop_reason r)
{
	return port_stats(ifindex).dropped[r];
}


/* A packet socket on each peer (GRO on: a veth drops XDP redirects into it
 * unless its peer runs NAPI). */
static void sniffers_open(int fds[NPORTS])
{
	for (int i = 0; i < NPORTS; i++) {
		struct sockaddr_ll sll = {
			.sll_family = AF_PACKET,
			.sll_protocol = htons(ETH_P_ALL),
			.sll_ifindex = peer[i],
		};
		int err = set_gro(peer_name[i]);

		if (err)
			cr_skip_test("cannot enable GRO on %s: %s", peer_name[i], strerror(-err));
		fds[i] = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, htons(ETH_P_ALL));
		cr_assert_geq(fds[i], 0, "an AF_PACKET socket must open: %s", strerror(errno));
		cr_assert_eq(bind(fds[i], (struct sockaddr *)&sll, sizeof(sll)), 0,
			     "binding to %s: %s", peer_name[i], strerror(errno));
	}
}

static void sniffers_close(int fds[NPORTS])
{
	for (int i = 0; i < NPORTS; i++)
		close(fds[i]);
}



/* Send dst <- src into ingress (XDP live, or TC) and compare what each peer got. */
static void expect_delivery(bool tc, int ingress, const uint8_t *dst, const uint8_t *src,
			    const int want[NPORTS], const char *what)
{
	int fds[NPORTS], got[NPORTS];
	uint8_t f[XB_FRAME_LEN];

	sniffers_open(fds);
	if (tc)
		tc_run(ingress, f, xb_frame(f, dst, src));
	else
		live_send(ingress, dst, src);
	sniff(fds, src, want, got);
	sniffers_close(fds);
	for (int i = 0; i < NPORTS; i++)
		cr_assert_eq(got[i], want[i], "%s: %d copies arrived at %s, want %d", what, got[i],
			     peer_name[i], want[i]);
}

/* Keep this process on one CPU: storm buckets are per CPU. */
static void pin_cpu(void)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(sched_getcpu(), &set);
	cr_assert_eq(sched_setaffinity(0, sizeof(set), &set), 0, "sched_setaffinity: %s", strerror(errno));
}

/* ---- the gates: a default bridge pays nothing ----------------------------------- */

Test(policy, default_bridge_has_no_gates_and_no_egress_programs)
{
	struct bpf_devmap_val val;
	__u32 slot = slot_of(port[B]);

	cr_assert_eq(get_config().flags & (XB_CFG_PORT_POLICY | XB_CFG_EGRESS_FILTER), 0,
		     "a bridge without settings must not set the policy gates");
	set_flags(port[A], XB_PCONF_ISOLATED);
	cr_assert_eq(get_config().flags & (XB_CFG_PORT_POLICY | XB_CFG_EGRESS_FILTER),
		     XB_CFG_PORT_POLICY | XB_CFG_EGRESS_FILTER, "isolation sets both gates");
	cr_assert_eq(bpf_map_lookup_elem(test_br.flood_fd, &slot, &val), 0, "flood_ports[B]");
	cr_assert_neq(val.bpf_prog.id, 0, "B's flood entry must run its egress program");
	cr_assert_eq(val.ifindex, (__u32)port[B], "B's flood entry keeps its ifindex");

	set_flags(port[A], 0);
	cr_assert_eq(get_config().flags & (XB_CFG_PORT_POLICY | XB_CFG_EGRESS_FILTER), 0,
		     "back to defaults: both gates clear");
	cr_assert_eq(bpf_map_lookup_elem(test_br.flood_fd, &slot, &val), 0, "flood_ports[B]");
	cr_assert_eq(val.bpf_prog.id, 0, "back to defaults: no egress program");

	conf_set(port[A], 0, 1000, 0, 0);
	cr_assert_eq(get_config().flags & (XB_CFG_PORT_POLICY | XB_CFG_EGRESS_FILTER),
		     XB_CFG_PORT_POLICY, "storm control alone: ingress checks, no egress filter");
	set_flags(port[A], XB_PCONF_NO_LEARNING);
	cr_assert_eq(get_config().flags & (XB_CFG_PORT_POLICY | XB_CFG_EGRESS_FILTER),
		     XB_CFG_PORT_POLICY, "learning off alone: ingress checks, no egress filter");
}

/* ---- isolation: unicast ------------------------------------------------------------ */

Test(policy, isolated_to_isolated_unicast_is_dropped_and_counted)
{
	__u32 v;

	set_flags(port[A], XB_PCONF_ISOLATED);
	set_flags(port[B], XB_PCONF_ISOLATED);
	fdb_put(MAC_D, port[B], now_coarse());
	v = send_frame(port[A], MAC_D, MAC_S);
	assert_verdict(v, XDP_DROP, "isolated A to D on isolated B");
	cr_assert_eq(dropped(port[A], XB_DROP_ISOLATED), 1, "A counts one isolated drop");
	cr_assert_eq(port_stats(port[A]).forwarded, 0, "nothing forwarded");
}

Test(policy, isolated_to_non_isolated_unicast_passes)
{
	__u32 v;

	set_flags(port[A], XB_PCONF_ISOLATED);
	fdb_put(MAC_D, port[C], now_coarse());
	v = send_frame(port[A], MAC_D, MAC_S);
	assert_verdict(v, XDP_REDIRECT, "isolated A to D on non-isolated C");
	cr_assert_eq(port_stats(port[A]).forwarded, 1, "forwarded once");
	cr_assert_eq(dropped(port[A], XB_DROP_ISOLATED), 0, "no isolated drop");
}

Test(policy, non_isolated_to_isolated_unicast_passes)
{
	__u32 v;

	set_flags(port[A], XB_PCONF_ISOLATED);
	fdb_put(MAC_D, port[A], now_coarse());
	v = send_frame(port[C], MAC_D, MAC_S);
	assert_verdict(v, XDP_REDIRECT, "C to D on isolated A");
	cr_assert_eq(port_stats(port[C]).forwarded, 1, "forwarded once");
}

/* ---- isolation: floods (XDP egress programs, live frames) ---------------------------- */

Test(policy, isolated_flood_skips_isolated_ports)
{
	set_flags(port[A], XB_PCONF_ISOLATED);
	set_flags(port[B], XB_PCONF_ISOLATED);
	expect_delivery(false, port[A], MAC_BCAST, MAC_S, (int[NPORTS]){ [B] = 0, [C] = 1 },
			"broadcast from isolated A");
	expect_delivery(false, port[A], MAC_U, MAC_S, (int[NPORTS]){ [B] = 0, [C] = 1 },
			"unknown unicast from isolated A");
	expect_delivery(false, port[A], MAC_MCAST_V4, MAC_S, (int[NPORTS]){ [B] = 0, [C] = 1 },
			"multicast from isolated A");
	expect_delivery(false, port[C], MAC_BCAST, MAC_D, (int[NPORTS]){ [A] = 1, [B] = 1 },
			"broadcast from non-isolated C reaches isolated ports");
	cr_assert_eq(port_stats(port[A]).flooded, 3, "A flooded three frames");
}

/* ---- flood switches (XDP) ------------------------------------------------------------- */

Test(policy, flood_off_keeps_unknown_unicast_off_the_port)
{
	set_flags(port[B], XB_PCONF_NO_FLOOD);
	expect_delivery(false, port[A], MAC_U, MAC_S, (int[NPORTS]){ [B] = 0, [C] = 1 },
			"unknown unicast, B flood off");
	expect_delivery(false, port[A], MAC_BCAST, MAC_S, (int[NPORTS]){ [B] = 1, [C] = 1 },
			"broadcast, B flood off");
	expect_delivery(false, port[A], MAC_MCAST_V6, MAC_S, (int[NPORTS]){ [B] = 1, [C] = 1 },
			"multicast, B flood off");
}

Test(policy, mcast_flood_off_keeps_multicast_off_the_port)
{
	set_flags(port[B], XB_PCONF_NO_MCAST_FLOOD);
	expect_delivery(false, port[A], MAC_MCAST_V4, MAC_S, (int[NPORTS]){ [B] = 0, [C] = 1 },
			"multicast, B mcast_flood off");
	expect_delivery(false, port[A], MAC_BCAST, MAC_S, (int[NPORTS]){ [B] = 1, [C] = 1 },
			"broadcast, B mcast_flood off");
	expect_delivery(false, port[A], MAC_U, MAC_S, (int[NPORTS]){ [B] = 1, [C] = 1 },
			"unknown unicast, B mcast_flood off");
}

Test(policy, bcast_flood_off_keeps_broadcast_off_the_port)
{
	set_flags(port[B], XB_PCONF_NO_BCAST_FLOOD);
	expect_delivery(false, port[A], MAC_BCAST, MAC_S, (int[NPORTS]){ [B] = 0, [C] = 1 },
			"broadcast, B bcast_flood off");
	expect_delivery(false, port[A], MAC_MCAST_V4, MAC_S, (int[NPORTS]){ [B] = 1, [C] = 1 },
			"multicast, B bcast_flood off");
	expect_delivery(false, port[A], MAC_U, MAC_S, (int[NPORTS]){ [B] = 1, [C] = 1 },
			"unknown unicast, B bcast_flood off");
}

/* A port added while floods are filtered gets its egress program too. */
Test(policy, flood_switch_survives_reapplying_and_known_unicast_ignores_it)
{
	set_flags(port[B], XB_PCONF_NO_FLOOD);
	cr_assert_eq(policy_sync(&test_br), 0, "policy_sync again");
	fdb_put(MAC_D, port[B], now_coarse());
	expect_delivery(false, port[A], MAC_D, MAC_S, (int[NPORTS]){ [B] = 1 },
			"known unicast to B, flood off");
}

/* The host's own broadcast and multicast ignore the flood switches, as the
 * Linux bridge's device's do; its unknown unicast does not. C plays the
 * host port here. */
Test(policy, host_port_broadcast_ignores_flood_switches)
{
	set_flags(port[C], XB_PCONF_HOST);
	set_flags(port[B], XB_PCONF_NO_FLOOD | XB_PCONF_NO_MCAST_FLOOD | XB_PCONF_NO_BCAST_FLOOD);
	expect_delivery(false, port[C], MAC_BCAST, MAC_D, (int[NPORTS]){ [A] = 1, [B] = 1 },
			"broadcast from the host port, B bcast_flood off");
	expect_delivery(false, port[C], MAC_MCAST_V4, MAC_D, (int[NPORTS]){ [A] = 1, [B] = 1 },
			"multicast from the host port, B mcast_flood off");
	expect_delivery(false, port[C], MAC_U, MAC_D, (int[NPORTS]){ [A] = 1, [B] = 0 },
			"unknown unicast from the host port, B flood off");
	expect_delivery(false, port[A], MAC_BCAST, MAC_S, (int[NPORTS]){ [B] = 0, [C] = 1 },
			"broadcast from another port, B bcast_flood off");
}

/* ---- learning off ---------------------------------------------------------------- */

Test(policy, learning_off_learns_nothing_but_forwards)
{
	__u32 v;

	set_flags(port[A], XB_PCONF_NO_LEARNING);
	v = send_frame(port[A], MAC_BCAST, MAC_S);
	assert_verdict(v, XDP_REDIRECT, "broadcast from A, learning off");
	assert_not_learned(MAC_S, "source on a port with learning off");
	v = send_frame(port[B], MAC_BCAST, MAC_D);
	assert_learned(MAC_D, port[B], 0, now_coarse(), "B still learns");
	set_flags(port[A], 0);
	send_frame(port[A], MAC_BCAST, MAC_S);
	assert_learned(MAC_S, port[A], 0, now_coarse(), "learning back on");
}

/* ---- storm control ----------------------------------------------------------------- */

/*
 * n frames dst <- src into A as fast as the test run goes; how many passed.
 * *elapsed_ns: how long the sends took, so the bucket's refill is known.
 */
static int storm_burst(const uint8_t *dst, int n, __u64 *elapsed_ns)
{
	__u64 drops0 = dropped(port[A], XB_DROP_STORM), t0;
	int dropped_now;

	t0 = now_mono();
	for (int i = 0; i < n; i++)
		send_frame(port[A], dst, MAC_S);
	*elapsed_ns = now_mono() - t0;
	dropped_now = (int)(dropped(port[A], XB_DROP_STORM) - drops0);
	return n - dropped_now;
}

/* The bucket: a burst of rate/10 frames (XB_STORM_BURST_NS), then rate/s:
 * over elapsed, at most burst + rate * elapsed (+1 for the clock tick). */
static void assert_storm_passed(int passed, __u32 rate, __u64 elapsed_ns, const char *what)
{
	int burst = (int)(XB_STORM_BURST_NS * rate / NS_PER_SEC);
	int most = burst + (int)((elapsed_ns + 10 * NS_PER_MS) * rate / NS_PER_SEC) + 1;

	cr_assert(passed >= burst && passed <= most, "%s: %d frames passed, want %d..%d (rate %u/s, %llu ns)",
		  what, passed, burst, most, rate, (unsigned long long)elapsed_ns);
}

Test(policy, storm_bcast_limits_broadcast_only)
{
	__u64 elapsed;
	int passed;

	pin_cpu();
	conf_set(port[A], 0, 100, 0, 0);
	passed = storm_burst(MAC_BCAST, 200, &elapsed);
	assert_storm_passed(passed, 100, elapsed, "200 broadcasts at 100/s");
	cr_assert_eq(port_stats(port[A]).flooded, (__u64)passed, "what passed was flooded");
	passed = storm_burst(MAC_MCAST_V4, 50, &elapsed);
	cr_assert_eq(passed, 50, "multicast has no limit: %d of 50 passed", passed);
	passed = storm_burst(MAC_U, 50, &elapsed);
	cr_assert_eq(passed, 50, "unknown unicast has no limit: %d of 50 passed", passed);
}

Test(policy, storm_mcast_and_unknown_have_their_own_buckets)
{
	__u64 elapsed;
	int passed;

	pin_cpu();
	conf_set(port[A], 0, 0, 50, 20);
	passed = storm_burst(MAC_MCAST_V6, 100, &elapsed);
	assert_storm_passed(passed, 50, elapsed, "100 multicast at 50/s");
	passed = storm_burst(MAC_U, 100, &elapsed);
	assert_storm_passed(passed, 20, elapsed, "100 unknown unicast at 20/s");
	fdb_put(MAC_D, port[B], now_coarse());
	passed = storm_burst(MAC_D, 50, &elapsed);
	cr_assert_eq(passed, 50, "known unicast is never limited: %d of 50 passed", passed);
	passed = storm_burst(MAC_BCAST, 50, &elapsed);
	cr_assert_eq(passed, 50, "broadcast has no limit here: %d of 50 passed", passed);
}

Test(policy, storm_refills_with_time)
{
	__u64 elapsed;
	int passed;

	pin_cpu();
	conf_set(port[A], 0, 10, 0, 0);	/* 1 frame per 100 ms, burst 1 */
	passed = storm_burst(MAC_BCAST, 20, &elapsed);
	assert_storm_passed(passed, 10, elapsed, "20 broadcasts at 10/s");
	sleep_ms(350);
	passed = storm_burst(MAC_BCAST, 20, &elapsed);
	assert_storm_passed(passed, 10, elapsed, "after 350 ms: the burst (1 frame) again");
	conf_set(port[A], 0, 0, 0, 0);
	passed = storm_burst(MAC_BCAST, 20, &elapsed);
	cr_assert_eq(passed, 20, "limit off: %d of 20 passed", passed);
}

/* ---- the skb path: the TC flood walk asks the same rule -------------------------------- */

Test(policy_tc, tc_isolated_flood_skips_isolated_ports)
{
	set_flags(port[A], XB_PCONF_ISOLATED);
	set_flags(port[B], XB_PCONF_ISOLATED);
	/* C is the walk's last member: it gets the skb itself, which a test run
	 * does not send; B, were it not skipped, would get a clone. */
	expect_delivery(true, port[A], MAC_BCAST, MAC_S, (int[NPORTS]){ [B] = 0 },
			"TC broadcast from isolated A");
}

Test(policy_tc, tc_flood_switches_skip_ports)
{
	uint8_t f[XB_FRAME_LEN];
	int v;

	set_flags(port[B], XB_PCONF_NO_FLOOD | XB_PCONF_NO_MCAST_FLOOD | XB_PCONF_NO_BCAST_FLOOD);
	expect_delivery(true, port[A], MAC_U, MAC_S, (int[NPORTS]){ [B] = 0 }, "TC unknown unicast");
	expect_delivery(true, port[A], MAC_BCAST, MAC_S, (int[NPORTS]){ [B] = 0 }, "TC broadcast");
	expect_delivery(true, port[A], MAC_MCAST_V4, MAC_S, (int[NPORTS]){ [B] = 0 }, "TC multicast");
	set_flags(port[B], XB_PCONF_NO_MCAST_FLOOD);
	expect_delivery(true, port[A], MAC_U, MAC_S, (int[NPORTS]){ [B] = 1 },
			"TC unknown unicast, only mcast_flood off");
	/* Every other member filtered out: nothing to send. */
	set_flags(port[A], XB_PCONF_ISOLATED);
	set_flags(port[B], XB_PCONF_ISOLATED);
	set_flags(port[C], XB_PCONF_ISOLATED);
	{
		struct xb_port_info info;
		__u32 key, next, *prev = NULL;

		while (!bpf_map_get_next_key(test_br.info_fd, prev, &next)) {
			key = next;
			prev = &key;
			if (!bpf_map_lookup_elem(test_br.info_fd, &key, &info))
				set_flags((int)key, XB_PCONF_ISOLATED);	/* the spare port too */
		}
	}
	v = tc_run(port[A], f, xb_frame(f, MAC_BCAST, MAC_S));
	cr_assert_eq(v, TC_ACT_SHOT, "flood from isolated A with every port isolated: verdict %d, want TC_ACT_SHOT", v);
}

Test(policy_tc, tc_isolated_unicast_dropped_and_storm_limited)
{
	uint8_t f[XB_FRAME_LEN];
	__u64 t0;
	int v;

	set_flags(port[A], XB_PCONF_ISOLATED);
	set_flags(port[B], XB_PCONF_ISOLATED);
	fdb_put(MAC_D, port[B], now_coarse());
	v = tc_run(port[A], f, xb_frame(f, MAC_D, MAC_S));
	cr_assert_eq(v, TC_ACT_SHOT, "TC isolated to isolated: verdict %d, want TC_ACT_SHOT", v);
	cr_assert_eq(dropped(port[A], XB_DROP_ISOLATED), 1, "A counts one isolated drop");

	pin_cpu();
	conf_set(port[C], 0, 10, 0, 0);	/* burst 1 */
	t0 = now_mono();
	for (int i = 0; i < 5; i++)
		tc_run(port[C], f, xb_frame(f, MAC_BCAST, MAC_D));
	assert_storm_passed(5 - (int)dropped(port[C], XB_DROP_STORM), 10, now_mono() - t0,
			    "TC: 5 broadcasts at 10/s");
}

/* A flood XDP hands to the skb path (the bridge has generic ports) pays its
 * storm token once, in XDP: the TC program behind it does not charge again. */
Test(policy_generic, storm_charged_once_across_the_handover)
{
	uint8_t f[XB_FRAME_LEN];
	__u32 v;
	int t;

	pin_cpu();
	conf_set(port[A], 0, 10, 0, 0);	/* burst 1 */
	v = send_frame(port[A], MAC_BCAST, MAC_S);
	assert_verdict(v, XDP_PASS, "broadcast with skb-only ports: to the skb path");
	t = tc_run(port[A], f, xb_frame(f, MAC_BCAST, MAC_S));
	cr_assert_neq(t, TC_ACT_SHOT, "the TC program behind XDP floods it (verdict %d)", t);
	cr_assert_eq(dropped(port[A], XB_DROP_STORM), 0, "no storm drop for the one broadcast");
	v = send_frame(port[A], MAC_BCAST, MAC_S);
	assert_verdict(v, XDP_DROP, "the second broadcast at 10/s: over the limit, in XDP");
	cr_assert_eq(dropped(port[A], XB_DROP_STORM), 1, "one storm drop");
}
