// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The full walk's schedule under unindexed learning that never stops
 * (issue 10, item 7), in simulated time: the control loop's tick, the data
 * path counting one untracked station per second.
 * Also the refresh and cache intervals a short ageing time scales down (item 9).
 */
#include <criterion/criterion.h>

#include "ageing.h"
#include "xdpbridge.h"

#define SEC 1000000000ULL
#define MAX_WALKS 64

Test(ageing_schedule, full_walk_runs_while_untracked_learning_goes_on)
{
	const uint64_t ageing = 300 * SEC, end = 1200 * SEC;
	const uint64_t interval = (uint64_t)ageing_sweep_interval_ms(300) * 1000000ULL;
	const uint64_t deadline = ageing + interval;	/* a station has expired by then */
	struct full_walk_state st = { 0 };
	uint64_t walks[MAX_WALKS];
	unsigned int n = 0;
	uint32_t untracked = 0;

	/* A tick per second (ageing_tick sleeps at most 1 s); each second the
	 * data path learns one more station without a record. */
	for (uint64_t now = 1 * SEC; now <= end; now += SEC) {
		untracked++;
		if (full_walk_due(&st, untracked, now, ageing, interval)) {
			cr_assert_lt(n, MAX_WALKS, "at most one walk per deadline, %u walks by %llu s", n,
				     (unsigned long long)(now / SEC));
			walks[n++] = now;
			full_walk_done(&st, now);
		}
	}
	cr_log_info("%u full walks in %llu simulated seconds", n, (unsigned long long)(end / SEC));
	cr_assert_geq(n, 2, "%u full walks in %llu s of untracked learning (ageing %llu s): want one per deadline",
		      n, (unsigned long long)(end / SEC), (unsigned long long)(ageing / SEC));
	cr_assert_eq(walks[0], 1 * SEC + deadline,
		     "the first walk at %llu s, want %llu s: once the first untracked station can have expired",
		     (unsigned long long)(walks[0] / SEC), (unsigned long long)((1 * SEC + deadline) / SEC));
	/* Every station counted at t is covered (t <= walk - deadline) by a
	 * walk no later than two deadlines after t. */
	for (uint64_t t = 1 * SEC; t + 2 * deadline <= end; t += SEC) {
		bool covered = false;

		for (unsigned int i = 0; i < n && !covered; i++)
			covered = t + deadline <= walks[i] && walks[i] <= t + 2 * deadline;
		cr_assert(covered, "a station untracked at %llu s has no full walk between %llu s and %llu s",
			  (unsigned long long)(t / SEC), (unsigned long long)((t + deadline) / SEC),
			  (unsigned long long)((t + 2 * deadline) / SEC));
	}
}

Test(ageing_schedule, no_walk_once_the_last_untracked_station_is_covered)
{
	const uint64_t ageing = 10 * SEC, interval = 1 * SEC;
	struct full_walk_state st = { 0 };

	cr_assert_not(full_walk_due(&st, 1, 100 * SEC, ageing, interval), "first untracked: deadline 111 s");
	cr_assert_not(full_walk_due(&st, 2, 105 * SEC, ageing, interval), "second: its own deadline, 116 s");
	cr_assert(full_walk_due(&st, 2, 111 * SEC, ageing, interval), "the first deadline holds");
	full_walk_done(&st, 111 * SEC);
	cr_assert_not(full_walk_due(&st, 2, 115 * SEC, ageing, interval), "the second is not due yet");
	cr_assert(full_walk_due(&st, 2, 116 * SEC, ageing, interval), "then it is");
	full_walk_done(&st, 116 * SEC);
	cr_assert_not(full_walk_due(&st, 2, 500 * SEC, ageing, interval), "nothing new: no more walks");

	cr_assert_not(full_walk_due(&st, 3, 600 * SEC, ageing, interval), "a third: deadline 611 s");
	cr_assert_not(full_walk_due(&st, 4, 605 * SEC, ageing, interval), "a fourth: deadline 616 s");
	/* A late loop: the walk at 700 s covers both deadlines at once. */
	cr_assert(full_walk_due(&st, 4, 700 * SEC, ageing, interval), "due, late");
	full_walk_done(&st, 700 * SEC);
	cr_assert_not(full_walk_due(&st, 4, 701 * SEC, ageing, interval),
		      "one late walk covers every station counted before 700 s - ageing - interval");
}

Test(ageing_schedule, refresh_and_cache_scale_to_a_short_ageing_time)
{
	const uint64_t short_ageing = 1 * SEC, dflt = XB_DEFAULT_AGEING_SEC * SEC;

	/* An entry lags its station's last frame by a refresh plus a cache
	 * interval: under a quarter of the ageing time, however short. */
	cr_assert_leq(xb_refresh_ns(short_ageing) + xb_cache_ns(short_ageing), short_ageing / 4,
		      "ageing 1 s: refresh %llu ms + cache %llu ms must stay under 250 ms",
		      (unsigned long long)(xb_refresh_ns(short_ageing) / 1000000),
		      (unsigned long long)(xb_cache_ns(short_ageing) / 1000000));
	cr_assert_eq(xb_refresh_ns(dflt), XB_REFRESH_NS, "the default ageing refreshes every 1 s, as before");
	cr_assert_eq(xb_cache_ns(dflt), XB_CACHE_NS, "the default ageing caches for 250 ms, as before");
	cr_assert_eq(xb_refresh_ns(8 * SEC), XB_REFRESH_NS, "from 8 s on, the 1 s ceiling");
	cr_assert_eq(xb_cache_ns(2 * SEC), XB_CACHE_NS, "from 2 s on, the 250 ms ceiling");
}
