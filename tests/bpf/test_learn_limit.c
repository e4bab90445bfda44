// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * MAC-table flooding (issue 10, item 2): per-port and bridge-wide learning
 * limits (a new source over the limit is forwarded, not learned, and counted
 * in learn_limit), the per-port counts ("learn_count") and their re-sync, and
 * no generation bump for a new station. The bridge under test: fixture.h.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <bpf/bpf.h>

#include "fixture.h"

/* One CPU: the per-CPU source cache then holds what this test sent last. */
static void setup_on_cpu0(void)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(0, &set);
	cr_assert_eq(sched_setaffinity(0, sizeof(set), &set), 0, "pin to CPU 0: %s", strerror(errno));
	fixture_setup();
}

XB_SUITE_WITH(learn_limit, setup_on_cpu0);

/* Station i: 02:1e:00:00:00:i. */
static const uint8_t *station(int i)
{
	static uint8_t macs[256][ETH_ALEN];

	macs[i][0] = 0x02;
	macs[i][1] = 0x1e;
	macs[i][5] = (uint8_t)i;
	return macs[i];
}

static void port_max_learned(int ifindex, __u32 max)
{
	struct xb_port_conf conf;
	__u32 slot = slot_of(ifindex);

	cr_assert_eq(bpf_map_lookup_elem(test_br.conf_fd, &slot, &conf), 0, "port_conf[%u]", slot);
	conf.max_learned = max;
	cr_assert_eq(bpf_map_update_elem(test_br.conf_fd, &slot, &conf, BPF_ANY), 0,
		     "port_conf[%u] write: %s", slot, strerror(errno));
}

static void bridge_max_learned(__u32 max)
{
	struct xb_config cfg = get_config();
	__u32 zero = 0;

	cfg.max_learned = max;
	cr_assert_eq(bpf_map_update_elem(test_br.config_fd, &zero, &cfg, BPF_ANY), 0,
		     "config write: %s", strerror(errno));
}

static __s64 learned_on(int ifindex)
{
	__s64 n[XB_LEARN_SLOTS];

	cr_assert_eq(fdb_learn_counts(&test_br, n), 0, "learn_count must be mappable");
	return ifindex ? n[slot_of(ifindex)] : n[XB_LEARN_TOTAL];
}

Test(learn_limit, a_port_gets_a_quarter_of_the_fdb_when_it_joins)
{
	struct xb_port_conf conf;
	__u32 slot = slot_of(port[A]);

	cr_assert_eq(bpf_map_lookup_elem(test_br.conf_fd, &slot, &conf), 0, "port_conf[A]");
	cr_assert_eq(conf.max_learned, FDB_SIZE / 4, "default max_learned %u, want %u (FDB %u / 4)",
		     conf.max_learned, FDB_SIZE / 4, FDB_SIZE);
}

Test(learn_limit, a_port_at_its_limit_forwards_but_does_not_learn)
{
	__u32 v;

	port_max_learned(port[A], 3);
	for (int i = 1; i <= 5; i++) {
		v = send_frame(port[A], MAC_BCAST, station(i));
		assert_verdict(v, XDP_REDIRECT, "a broadcast from a new station is flooded, limit or not");
	}
	for (int i = 1; i <= 3; i++)
		assert_learned(station(i), port[A], 0, now_coarse(), "under the limit");
	assert_not_learned(station(4), "over A's limit of 3");
	assert_not_learned(station(5), "over A's limit of 3");
	cr_assert_eq(learned_on(port[A]), 3, "A's count %lld, want 3", (long long)learned_on(port[A]));
	cr_assert_eq(learned_on(0), 3, "total %lld, want 3", (long long)learned_on(0));
	assert_stats(port[A], "five floods, two sources not learned",
		     .rx_packets = 5, .rx_bytes = 5 * XB_FRAME_LEN, .flooded = 5,
		     .flooded_bytes = 5 * XB_FRAME_LEN, .learn_limit = 2);

	/* Each frame of an unlearned source counts again; it is still delivered. */
	fdb_put(MAC_D, port[B], now_coarse());
	v = send_frame(port[A], MAC_D, station(4));
	assert_verdict(v, XDP_REDIRECT, "unicast from an unlearned source");
	cr_assert_eq(port_stats(port[A]).forwarded, 1, "forwarded to D's port, not flooded");
	cr_assert_eq(port_stats(port[A]).learn_limit, 3, "a third refusal");

	/* Other ports are not limited by A's limit. */
	v = send_frame(port[B], MAC_BCAST, station(9));
	assert_learned(station(9), port[B], 0, now_coarse(), "B learns");
	/* Known stations of A keep being refreshed at the limit. */
	fdb_put_raw(station(1), port[A], ago(2 * XB_REFRESH_NS));
	send_frame(port[A], MAC_BCAST, station(1));
	assert_learned(station(1), port[A], now_coarse() - NS_PER_SEC / 2, now_coarse(),
		       "a known station refreshed at the limit");
}

Test(learn_limit, the_bridge_wide_limit_counts_every_port)
{
	port_max_learned(port[A], 0);
	port_max_learned(port[B], 0);
	port_max_learned(port[C], 0);
	bridge_max_learned(4);
	send_frame(port[A], MAC_BCAST, station(1));
	send_frame(port[A], MAC_BCAST, station(2));
	send_frame(port[B], MAC_BCAST, station(3));
	send_frame(port[C], MAC_BCAST, station(4));
	send_frame(port[C], MAC_BCAST, station(5));
	send_frame(port[B], MAC_BCAST, station(6));
	for (int i = 1; i <= 4; i++)
		cr_assert_eq(fdb_get(station(i), &(struct xb_fdb_entry){ 0 }), 0, "station %d learned", i);
	assert_not_learned(station(5), "over the bridge's limit of 4");
	assert_not_learned(station(6), "over the bridge's limit of 4");
	cr_assert_eq(learned_on(0), 4, "total %lld, want 4", (long long)learned_on(0));
	cr_assert_eq(port_stats(port[C]).learn_limit, 1, "C's refusal");
	cr_assert_eq(port_stats(port[B]).learn_limit, 1, "B's refusal");

	/* A move is no new station: allowed at the limit, the counts follow it. */
	send_frame(port[B], MAC_BCAST, station(1));
	assert_learned(station(1), port[B], 0, now_coarse(), "station 1 moved to B at the limit");
	cr_assert_eq(learned_on(port[A]), 1, "A lost one: %lld", (long long)learned_on(port[A]));
	cr_assert_eq(learned_on(port[B]), 2, "B gained one: %lld", (long long)learned_on(port[B]));
	cr_assert_eq(learned_on(0), 4, "total unchanged by a move");
}

Test(learn_limit, counts_resync_after_silent_removals)
{
	struct xb_fdb_key key = fdb_key(station(1));
	int err;

	port_max_learned(port[A], 2);
	send_frame(port[A], MAC_BCAST, station(1));
	send_frame(port[A], MAC_BCAST, station(2));
	/* Gone without the data path knowing (as an LRU eviction or a sweep). */
	cr_assert_eq(bpf_map_delete_elem(test_br.fdb_fd, &key), 0, "raw delete");
	send_frame(port[A], MAC_BCAST, station(3));
	assert_not_learned(station(3), "the count still says 2");
	err = fdb_learn_count_sync(&test_br);
	cr_assert_eq(err, 0, "fdb_learn_count_sync: %s", strerror(-err));
	cr_assert_eq(learned_on(port[A]), 1, "re-synced A: %lld, want 1", (long long)learned_on(port[A]));
	cr_assert_eq(learned_on(0), 1, "re-synced total");
	send_frame(port[A], MAC_BCAST, station(3));
	assert_learned(station(3), port[A], 0, now_coarse(), "room again after the re-sync");

	/* A delete through the loader takes the station off its count at once. */
	key = fdb_key(station(2));
	cr_assert_eq(fdb_del(&test_br, &key), 0, "fdb_del");
	cr_assert_eq(learned_on(port[A]), 1, "fdb_del counted: %lld", (long long)learned_on(port[A]));
	cr_assert_eq(fdb_flush(&test_br, 0, false), 1, "flush removes station 3");
	cr_assert_eq(learned_on(port[A]), 0, "flushed: %lld", (long long)learned_on(port[A]));
	cr_assert_eq(learned_on(0), 0, "flushed total");
}

/* A new station is in no CPU's cache (fdb_lookup caches only entries it
 * found): learning it must not make every CPU forget its cache. */
Test(learn_limit, only_a_move_bumps_the_generation)
{
	__u32 gen = get_config().fdb_generation;

	for (int i = 1; i <= 8; i++)
		send_frame(port[A], MAC_BCAST, station(i));
	cr_assert_eq(get_config().fdb_generation, gen, "8 new stations bumped the generation %u -> %u",
		     gen, get_config().fdb_generation);
	send_frame(port[B], MAC_BCAST, station(1));
	cr_assert_eq(get_config().fdb_generation, gen + 1, "a move must bump the generation once");
	/* A refresh is no change either. */
	fdb_put_raw(station(2), port[A], ago(2 * XB_REFRESH_NS));
	send_frame(port[A], MAC_BCAST, station(2));
	cr_assert_eq(get_config().fdb_generation, gen + 1, "a refresh must not bump it");
}
