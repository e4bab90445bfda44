/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The ageing index (see struct xb_age_record): the data path claims a record
 * for a station and stamps it on refresh; the sweeps, run by the control
 * loop, expire stations from it (or from the whole FDB).
 */
#ifndef XB_BPF_AGEING_H
#define XB_BPF_AGEING_H

#include "fdb_key.h"

/*
 * Claim a record in "fdb_ages" for key: its own (a re-learned station) or a
 * free one, in key's two blocks. Runs only for a new station or one whose
 * record was lost. last_seen is written before the key, so a sweep never
 * sees a claimed record with a stale time. Returns the record's index, or
 * XB_AGE_NONE when both blocks hold live stations (records are freed only by
 * the sweep: a bridge without its control loop fills up) or a race was lost.
 * Global: the verifier checks it once, not at every call site.
 */
__noinline __u32 age_claim(const struct xb_fdb_key *key, __u64 now)
{
	struct xb_age_block *b;
	struct xb_age_record *r;
	__u64 want, cur;
	__u32 blk, way;
	int which;

	if (!key)
		return XB_AGE_NONE;
	want = *(const __u64 *)key;
	for (which = 0; which < 2; which++) {
		blk = xb_age_block_of(key, age_block_mask, which);
		b = bpf_map_lookup_elem(&fdb_ages, &blk);
		if (!b)
			return XB_AGE_NONE;
		for (way = 0; way < XB_AGE_WAYS; way++) {
			r = &b->way[way];
			cur = *fdb_key_word(&r->key);
			if (cur == want) {
				r->last_seen_ns = now;
				return blk * XB_AGE_WAYS + way;
			}
			if (cur)
				continue;
			r->last_seen_ns = now;
			if (!__sync_val_compare_and_swap(fdb_key_word(&r->key), 0, want))
				return blk * XB_AGE_WAYS + way;
		}
	}
	return XB_AGE_NONE;
}

/*
 * After an entry naming record idx became visible (the FDB updated, or a
 * live entry's age_slot written): is the record still key's? A sweep may
 * have freed it meanwhile without noticing (see age_unfree). The sweep
 * re-checks the entry after freeing, this re-checks the record after
 * publishing, so one of the two always sees the other. A CAS (want -> want)
 * reads with a full barrier: a plain load could pass the entry's store.
 * A record lost that way: the entry is counted untracked (the full walk
 * ages it; its next refresh claims a record again).
 */
static __always_inline void age_verify(struct xb_fdb_sync *sync, const struct xb_fdb_key *key,
				       __u32 idx)
{
	__u32 blk = idx / XB_AGE_WAYS;
	struct xb_age_block *b;
	__u64 want;

	if (idx == XB_AGE_NONE)
		return;		/* already counted */
	b = bpf_map_lookup_elem(&fdb_ages, &blk);
	if (!b)
		return;
	want = *(const __u64 *)key;
	if (__sync_val_compare_and_swap(fdb_key_word(&b->way[idx & (XB_AGE_WAYS - 1)].key),
					want, want) != want)
		__sync_fetch_and_add(&sync->age_untracked, 1);
}

/* Stamp e's record with now; claim another if the record is no longer e's
 * (freed by a sweep, or lost to a user-space writer). For a live entry the
 * claim is then verified; the caller verifies an entry it publishes later. */
static __always_inline void age_touch(struct xb_fdb_sync *sync, struct xb_fdb_entry *e,
				      const struct xb_fdb_key *key, __u64 now)
{
	__u32 idx = e->age_slot, blk = idx / XB_AGE_WAYS;
	struct xb_age_block *b;
	struct xb_age_record *r;

	if (idx != XB_AGE_NONE) {
		b = bpf_map_lookup_elem(&fdb_ages, &blk);
		if (b) {
			r = &b->way[idx & (XB_AGE_WAYS - 1)];
			if (fdb_key_eq(&r->key, key)) {
				r->last_seen_ns = now;
				return;
			}
		}
	}
	e->age_slot = age_claim(key, now);
	if (e->age_slot == XB_AGE_NONE)
		__sync_fetch_and_add(&sync->age_untracked, 1);
	else
		age_verify(sync, key, e->age_slot);
}

/*
 * FDB ageing, run by the control loop with bpf_prog_test_run().
 *
 * xdpbridge_age reads the ageing index ("fdb_ages"), a flat array: a live
 * record costs one compare, and only a record older than the ageing time
 * costs an FDB lookup (then a delete, or a resync if the entry was refreshed
 * after the record). Walking the FDB hash itself costs ~90 ns per entry
 * (a cache miss per element); this costs ~2 ns per record.
 *
 * xdpbridge_age_full walks the FDB hash (bpf_for_each_map_elem) and deletes
 * every expired entry, tracked or not: the loader runs it once the entries
 * the data path could not index (fdb_sync.age_untracked) can have expired.
 */
struct fdb_sweep {
	__u64 now;
	__u64 ageing_ns;
	__u32 removed;
	__u32 seen;
};

__u32 sweep_removed;	/* result of the last xdpbridge_age(_full) run */
__u32 sweep_seen;	/* records in use (age), entries visited (age_full) */

static __always_inline int entry_expired(const struct fdb_sweep *s, __u64 last_seen_ns)
{
	return xb_older_than(s->now, last_seen_ns, s->ageing_ns);
}

/*
 * The sweep just freed record idx, which held key (word). age_claim may have
 * found key there a moment before and only stamped it (the CAS could not
 * tell), and the data path may have published an entry naming idx since:
 * give that entry its record back. If another station took the record
 * first, the entry has none: count it untracked, for the full walk.
 */
static __always_inline void age_unfree(struct xb_age_record *r, const struct xb_fdb_key *key,
				       __u64 word, __u32 idx)
{
	struct xb_fdb_sync *sync;
	struct xb_fdb_entry *e;
	__u32 zero = 0;
	__u64 cur;

	e = bpf_map_lookup_elem(&fdb, key);
	if (!e || e->age_slot != idx)
		return;
	r->last_seen_ns = e->last_seen_ns;
	cur = __sync_val_compare_and_swap(fdb_key_word(&r->key), 0, word);
	if (!cur || cur == word)
		return;		/* back, or claimed again by the data path */
	sync = bpf_map_lookup_elem(&fdb_sync, &zero);
	if (sync)
		__sync_fetch_and_add(&sync->age_untracked, 1);
}

static long age_block_sweep(void *map, __u32 *blk, struct xb_age_block *b, struct fdb_sweep *s)
{
	struct xb_fdb_entry *e;
	struct xb_age_record *r;
	struct xb_fdb_key key;
	__u64 word;
	__u32 way, idx;

	for (way = 0; way < XB_AGE_WAYS; way++) {
		r = &b->way[way];
		word = *fdb_key_word(&r->key);
		if (!word)
			continue;
		s->seen++;
		if (!entry_expired(s, r->last_seen_ns))
			continue;
		key = r->key;
		idx = *blk * XB_AGE_WAYS + way;
		e = bpf_map_lookup_elem(&fdb, &key);
		if (e && e->age_slot == idx) {
			if (!entry_expired(s, e->last_seen_ns)) {
				r->last_seen_ns = e->last_seen_ns;	/* refreshed since */
				continue;
			}
			if (!bpf_map_delete_elem(&fdb, &key))
				s->removed++;
		}
		/* Free it unless another writer changed it meanwhile. */
		if (__sync_val_compare_and_swap(fdb_key_word(&r->key), word, 0) == word)
			age_unfree(r, &key, word, idx);
	}
	return 0;
}

/* The sweep's clock and ageing time: 0, or -1 without a config. */
static __always_inline int sweep_start(struct fdb_sweep *s)
{
	struct xb_config *cfg;
	__u32 zero = 0;

	cfg = bpf_map_lookup_elem(&config, &zero);
	if (!cfg)
		return -1;
	s->now = bpf_ktime_get_coarse_ns();
	s->ageing_ns = cfg->ageing_ns;
	return 0;
}

static __always_inline int sweep_done(const struct fdb_sweep *s)
{
	sweep_removed = s->removed;
	sweep_seen = s->seen;
	return XDP_DROP;
}

static long fdb_entry_sweep(void *map, struct xb_fdb_key *key,
			    struct xb_fdb_entry *e, struct fdb_sweep *s)
{
	s->seen++;
	/* Deleting the element being visited is allowed for hash maps; the
	 * entry's record, if any, is freed by the next xdpbridge_age. */
	if (entry_expired(s, e->last_seen_ns) && !bpf_map_delete_elem(map, key))
		s->removed++;
	return 0;
}

#endif /* XB_BPF_AGEING_H */
