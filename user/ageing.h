/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * FDB ageing: the in-kernel sweeps (a BPF program walking the ageing index
 * "fdb_ages", or the whole FDB) and the control loop's schedule for them.
 * The expiry rule itself is xb_older_than (include/xdpbridge.h), shared with
 * the data path. Above bridge.h only.
 */
#ifndef XB_AGEING_H
#define XB_AGEING_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/types.h>

struct xb_bridge;
struct xdpbridge_bpf;

/* CLOCK_MONOTONIC_COARSE in ns: the clock of bpf_ktime_get_coarse_ns(). */
__u64 monotonic_ns(void);

/* Seconds since last_seen, for display (0 when in the future). */
static inline __u64 fdb_entry_age_sec(__u64 now_ns, __u64 last_seen_ns)
{
	return now_ns > last_seen_ns ? (now_ns - last_seen_ns) / 1000000000ULL : 0;
}

/* Load the in-kernel ageing sweep for br; the caller destroys it. */
int fdb_ager_open(const struct xb_bridge *br, struct xdpbridge_bpf **ager);
/* One ageing sweep in the kernel over the ageing index ("fdb_ages"): deletes
 * learned entries older than the configured ageing time and frees records
 * whose entry is gone. Returns the number removed or -errno. */
int fdb_age(struct xdpbridge_bpf *ager);
/* The same by walking the whole FDB: also ages entries without a record
 * (fdb_sync.age_untracked). Slower: ~90 ns per entry. */
int fdb_age_full(struct xdpbridge_bpf *ager);
/* fdb_age or fdb_age_full, logging what it removed; how many, or -errno. */
int ageing_sweep(const struct xb_bridge *br, struct xdpbridge_bpf *ager, bool full);

/* How often the control loop sweeps the FDB: a tenth of the ageing time,
 * between 100 ms (short ageing still works) and 10 s (a big FDB costs little).
 * The data path itself ignores expired entries, so this only bounds how long
 * an expired entry stays visible and occupies a slot. */
uint32_t ageing_sweep_interval_ms(uint32_t ageing_sec);

/* Whether the next sweep must walk the whole FDB instead of the ageing
 * index. The data path counts the stations it learned without an index
 * record (fdb_sync.age_untracked). Each such station was last seen before the
 * count changed (a refresh retries the claim and counts a new failure), so
 * it has expired one ageing time (plus a sweep interval of slack) after
 * that: one full walk then deletes it. The first change sets the deadline
 * and later changes never move it (that starved the walk while unindexed
 * learning went on); they set the deadline after it, which the walk turns
 * into the pending one. So a station counted at t is walked over between
 * t + ageing + interval and twice that. The walk stays due until it ran
 * (full_walk_done), however late the loop gets there. A zeroed state that
 * sees a non-zero count treats it as a change: a restarted loop cannot know
 * when those stations were learned. */
struct full_walk_state {
	uint32_t untracked_seen;
	uint64_t expired_ns;	/* the pending walk: stations counted before it was */
				/* set have expired by then; 0: none */
	uint64_t next_expired_ns;	/* the same for the stations counted since; 0: none */
	uint64_t last_full_ns;	/* when the last full walk ran */
};
bool full_walk_due(struct full_walk_state *st, uint32_t untracked, uint64_t now_ns,
		   uint64_t ageing_ns, uint64_t interval_ns);
void full_walk_done(struct full_walk_state *st, uint64_t now_ns);

/* The control loop's ageing: when the next sweep is due, and whether the
 * last full walk still covers every untracked station. Zeroed to start. */
struct ageing_schedule {
	uint64_t next_sweep_ns;
	struct full_walk_state full_walk;
	/* What the sweeps cost, for metrics (CLOCK_MONOTONIC, fine-grained). */
	uint64_t sweeps;		/* sweeps run, full walks included */
	uint64_t full_walks;
	uint64_t sweep_ns_total;
	uint64_t last_sweep_ns;		/* duration of the latest sweep */
	__u32 removed;		/* entries the sweeps removed; the caller resets it */
};
/* One tick of the control loop: sweep (index or full walk) when due, with the
 * ageing time configured now. Returns how long to sleep before the next tick,
 * in ms (at most 1 s, so an unload or a vanished port is seen soon). */
uint32_t ageing_tick(const struct xb_bridge *br, struct xdpbridge_bpf *ager,
		     struct ageing_schedule *s);

#endif
