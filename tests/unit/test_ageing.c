// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The control loop's ageing schedule and what `fdb show` says of an age. */
#include <criterion/criterion.h>

#include "ageing.h"
#include "xdpbridge.h"

#define SEC 1000000000ULL

Test(ageing, expiry_decision_with_injected_clock)
{
	__u64 ageing = 300 * SEC, seen = 1000 * SEC;

	cr_assert_not(xb_older_than(seen, seen, ageing), "just seen");
	cr_assert_not(xb_older_than(seen + ageing, seen, ageing), "exactly the ageing time is still alive");
	cr_assert(xb_older_than(seen + ageing + 1, seen, ageing), "one ns past expires");
	cr_assert_not(xb_older_than(seen - SEC, seen, ageing), "last_seen in the future (CPU skew) is not expired");
	cr_assert_eq(fdb_entry_age_sec(seen + 42 * SEC + 5, seen), 42, "age in whole seconds");
	cr_assert_eq(fdb_entry_age_sec(seen, seen + SEC), 0, "future last_seen shows age 0");
}

Test(ageing, sweep_interval_bounds)
{
	cr_assert_eq(ageing_sweep_interval_ms(1), 100, "short ageing sweeps at the floor");
	cr_assert_eq(ageing_sweep_interval_ms(2), 200, "a tenth of 2 s");
	cr_assert_eq(ageing_sweep_interval_ms(30), 3000, "a tenth of 30 s");
	cr_assert_eq(ageing_sweep_interval_ms(300), 10000, "default ageing sweeps at the ceiling");
	cr_assert_eq(ageing_sweep_interval_ms(1000000), 10000, "the longest ageing sweeps at the ceiling");
}

Test(ageing, one_full_walk_once_untracked_stations_can_have_expired)
{
	const uint64_t s = 1000000000ULL, ageing = 10 * s, interval = 1 * s;
	struct full_walk_state st = { 0 };

	cr_assert(!full_walk_due(&st, 0, 100 * s, ageing, interval), "nothing untracked: index sweeps");
	cr_assert(!full_walk_due(&st, 1, 200 * s, ageing, interval),
		  "an untracked station was just seen: nothing to delete yet");
	cr_assert(!full_walk_due(&st, 1, 210 * s, ageing, interval), "not before ageing + one interval");
	cr_assert(full_walk_due(&st, 1, 211 * s, ageing, interval), "due once it can have expired");
	cr_assert(full_walk_due(&st, 1, 250 * s, ageing, interval), "stays due until a full walk ran");
	full_walk_done(&st, 250 * s);
	cr_assert(!full_walk_due(&st, 1, 251 * s, ageing, interval), "one walk is enough");

	cr_assert(!full_walk_due(&st, 3, 300 * s, ageing, interval), "more untracked: a new deadline");
	cr_assert(!full_walk_due(&st, 4, 305 * s, ageing, interval), "another keeps it (and waits for the next)");
	cr_assert(!full_walk_due(&st, 4, 310 * s, ageing, interval), "not before the new deadline");
	cr_assert(full_walk_due(&st, 4, 311 * s, ageing, interval), "due once the first of them can have expired");
	full_walk_done(&st, 311 * s);
	cr_assert(!full_walk_due(&st, 4, 315 * s, ageing, interval), "the later one's deadline is not yet");
	cr_assert(full_walk_due(&st, 4, 316 * s, ageing, interval), "due after the last one can have expired");
	full_walk_done(&st, 316 * s);
	cr_assert(!full_walk_due(&st, 4, 400 * s, ageing, interval), "no new untracked station: no walk");

	st = (struct full_walk_state){ 0 };
	cr_assert(!full_walk_due(&st, 7, 500 * s, ageing, interval),
		  "a restarted loop seeing a non-zero count starts a deadline");
	cr_assert(full_walk_due(&st, 7, 511 * s, ageing, interval), "due one ageing time later");
}
