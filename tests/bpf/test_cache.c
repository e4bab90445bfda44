// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The per-CPU FDB cache (fdb_cache): it answers for at most XB_CACHE_NS,
 * forgets everything when config.fdb_generation changes, and never serves an
 * aged destination. Each test pins itself to CPU 0: the cache is per CPU.
 * The bridge under test: fixture.h.
 */
#define _GNU_SOURCE
#include <sched.h>

#include "fixture.h"

XB_SUITE(cache);

static void pin_to_cpu0(void)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(0, &set);
	cr_assert_eq(sched_setaffinity(0, sizeof(set), &set), 0,
		     "pinning to CPU 0 must succeed: %s", strerror(errno));
}

/* A machine busy enough to stall us past half the cache TTL would make a
 * "within the TTL" check meaningless: such attempts are redone. */
#define CACHE_ATTEMPTS 5

Test(cache, cache_serves_a_destination_for_its_ttl)
{
	__u64 t_fill;
	int attempt;
	__u32 v;

	pin_to_cpu0();
	for (attempt = 0; attempt < CACHE_ATTEMPTS; attempt++) {
		fdb_put(MAC_D, port[B], now_coarse());
		/* The first frame learns S (a new station: no generation
		 * bump) and fills the cache; the second one finds it there. */
		for (int i = 0; i < 2; i++) {
			v = send_frame(port[A], MAC_D, MAC_S);
			assert_verdict(v, XDP_REDIRECT, "D on B: forwarded (fills the cache)");
		}
		t_fill = now_coarse();
		/* Moved to the ingress port without telling the data path: the
		 * cache still answers B, which proves the lookup was skipped... */
		fdb_put_raw(MAC_D, port[A], now_coarse());
		v = send_frame(port[A], MAC_D, MAC_S);
		if (now_coarse() - t_fill < XB_CACHE_NS / 2)
			break;
	}
	cr_assert_lt(attempt, CACHE_ATTEMPTS, "the machine never left us 125 ms between two frames");
	assert_verdict(v, XDP_REDIRECT, "within the cache TTL the cached port B is used");
	/* ...but never longer than XB_CACHE_NS. */
	sleep_ms(XB_CACHE_NS / NS_PER_MS + 50);
	v = send_frame(port[A], MAC_D, MAC_S);
	assert_verdict(v, XDP_DROP, "after the cache TTL the FDB (D on A, the ingress) decides");
	assert_stats(port[A], "forwarded three times per attempt, then reflected",
		     .rx_packets = 3 * (attempt + 1) + 1, .rx_bytes = (3 * (attempt + 1) + 1) * XB_FRAME_LEN,
		     .forwarded = 3 * (attempt + 1), .dropped[XB_DROP_REFLECT] = 1,
		     .forwarded_bytes = 3 * (attempt + 1) * XB_FRAME_LEN, .dropped_bytes = XB_FRAME_LEN);
}

Test(cache, cache_forgets_when_the_generation_changes)
{
	__u32 v;

	pin_to_cpu0();
	fdb_put(MAC_D, port[B], now_coarse());
	v = send_frame(port[A], MAC_D, MAC_S);
	assert_verdict(v, XDP_REDIRECT, "D on B: forwarded (fills the cache)");

	/* A user-space change (fdb_put bumps the generation, as the loader does). */
	fdb_put(MAC_D, port[A], now_coarse());
	v = send_frame(port[A], MAC_D, MAC_S);
	assert_verdict(v, XDP_DROP, "after a generation bump the cache must not answer B");

	/* A station move seen by the data path bumps it too. */
	fdb_put(MAC_D, port[B], now_coarse());
	v = send_frame(port[C], MAC_D, MAC_S);
	assert_verdict(v, XDP_REDIRECT, "D on B from C: forwarded (fills the cache)");
	v = send_frame(port[C], MAC_BCAST, MAC_D);	/* D moves to C */
	assert_verdict(v, XDP_REDIRECT, "broadcast from D on C");
	v = send_frame(port[C], MAC_D, MAC_S);
	assert_verdict(v, XDP_DROP, "D moved to C (the ingress): reflected, not sent to B");
}

Test(cache, cached_destination_still_ages)
{
	__u32 v;

	pin_to_cpu0();
	set_config(NS_PER_SEC, 0);			/* ageing 1 s */
	send_frame(port[A], MAC_BCAST, MAC_S);		/* learn S now: its bump is behind us */
	fdb_put(MAC_D, port[B], ago(NS_PER_SEC - 100 * NS_PER_MS));
	v = send_frame(port[A], MAC_D, MAC_S);
	assert_verdict(v, XDP_REDIRECT, "D seen 0.9 s ago with 1 s ageing: forwarded");
	sleep_ms(150);					/* cache still fresh, D now aged */
	v = send_frame(port[A], MAC_D, MAC_S);
	assert_verdict(v, XDP_REDIRECT, "aged D: flooded");
	assert_stats(port[A], "forwarded, then flooded once D aged (even from the cache)",
		     .rx_packets = 3, .rx_bytes = 3 * XB_FRAME_LEN, .forwarded = 1, .flooded = 2,
		     .forwarded_bytes = XB_FRAME_LEN, .flooded_bytes = 2 * XB_FRAME_LEN);
}

Test(cache, cached_source_is_refreshed_after_the_ttl)
{
	struct xb_fdb_entry e;
	__u64 t_fill;
	int attempt;

	pin_to_cpu0();
	for (attempt = 0; attempt < CACHE_ATTEMPTS; attempt++) {
		fdb_changed();				/* start from an empty cache */
		send_frame(port[A], MAC_BCAST, MAC_S);	/* learn S on A (may bump the generation) */
		send_frame(port[A], MAC_BCAST, MAC_S);	/* cache S under the current one */
		t_fill = now_coarse();
		fdb_put_raw(MAC_S, port[A], ago(2 * NS_PER_SEC));
		send_frame(port[A], MAC_BCAST, MAC_S);
		if (now_coarse() - t_fill < XB_CACHE_NS / 2)
			break;
	}
	cr_assert_lt(attempt, CACHE_ATTEMPTS, "the machine never left us 125 ms between two frames");
	cr_assert_eq(fdb_get(MAC_S, &e), 0, "S must be learned");
	cr_assert_lt(e.last_seen_ns, now_coarse() - NS_PER_SEC,
		     "within the cache TTL the FDB is not touched (last_seen stays 2 s old)");
	sleep_ms(XB_CACHE_NS / NS_PER_MS + 50);
	send_frame(port[A], MAC_BCAST, MAC_S);
	cr_assert_eq(fdb_get(MAC_S, &e), 0, "S must still be learned");
	cr_assert_geq(e.last_seen_ns + CLOCK_SLACK_NS, now_coarse() - 100 * NS_PER_MS,
		      "after the cache TTL a 2 s old entry must be refreshed");
	cr_assert_eq(e.ifindex, (__u32)port[A], "S must stay on A, is on %u", e.ifindex);
}
