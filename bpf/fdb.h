/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Learning and lookup, both through the per-CPU cache (struct xb_fdb_cache).
 */
#ifndef XB_BPF_FDB_H
#define XB_BPF_FDB_H

#include "ageing.h"

/*
 * Learn src -> ifindex. Most frames come from the station this CPU confirmed
 * a moment ago: no lookup at all. Otherwise one lookup; a same-port entry is
 * refreshed in place at most once a second; only a new or moved station pays
 * for a map update, and bumps the generation so every CPU's cache forgets.
 * A MAC with a static entry is never learned (sticky).
 */
static __always_inline void fdb_learn(struct xb_config *cfg, struct xb_fdb_cache *c,
				      __u32 gen, const struct xb_fdb_key *key,
				      __u32 ifindex, __u64 now)
{
	struct xb_fdb_entry *e, fresh = {};

	if (c->src_ifindex == ifindex && fdb_key_eq(&c->src, key) &&
	    cache_fresh(c->src_generation, gen, c->src_checked_ns, now))
		return;

	if (!cfg->static_count || !bpf_map_lookup_elem(&fdb_static, key)) {
		e = bpf_map_lookup_elem(&fdb, key);
		if (e && e->ifindex == ifindex) {
			if (xb_older_than(now, e->last_seen_ns, XB_REFRESH_NS)) {
				e->last_seen_ns = now;
				age_touch(cfg, e, key, now);
			}
		} else {
			fresh.ifindex = ifindex;
			fresh.slot = port_slot;
			fresh.last_seen_ns = now;
			fresh.age_slot = e ? e->age_slot : XB_AGE_NONE;	/* a move keeps it */
			age_touch(cfg, &fresh, key, now);
			bpf_map_update_elem(&fdb, key, &fresh, BPF_ANY);
			__sync_fetch_and_add(&cfg->fdb_generation, 1);
		}
	}
	c->src = *key;
	c->src_ifindex = ifindex;
	c->src_generation = gen;
	c->src_checked_ns = now;
}

/* Port (ifindex, and its slot in *slot) for dst, or 0 when unknown (or
 * aged out while user space was away). */
static __always_inline __u32 fdb_lookup(const struct xb_config *cfg, struct xb_fdb_cache *c,
					__u32 gen, const struct xb_fdb_key *key, __u64 now,
					__u32 *slot)
{
	struct xb_fdb_static *s;
	struct xb_fdb_entry *e;

	if (c->dst_ifindex && fdb_key_eq(&c->dst, key) &&
	    cache_fresh(c->dst_generation, gen, c->dst_checked_ns, now) &&
	    (!c->dst_last_seen_ns || !xb_older_than(now, c->dst_last_seen_ns, cfg->ageing_ns))) {
		*slot = c->dst_slot;
		return c->dst_ifindex;
	}

	if (cfg->static_count) {
		s = bpf_map_lookup_elem(&fdb_static, key);
		if (s) {
			c->dst_last_seen_ns = 0;	/* never ages */
			c->dst_ifindex = s->ifindex;
			c->dst_slot = s->slot;
			goto fill;
		}
	}
	e = bpf_map_lookup_elem(&fdb, key);
	if (!e || xb_older_than(now, e->last_seen_ns, cfg->ageing_ns))
		return 0;
	c->dst_last_seen_ns = e->last_seen_ns;
	c->dst_ifindex = e->ifindex;
	c->dst_slot = e->slot;
fill:
	c->dst = *key;
	c->dst_generation = gen;
	c->dst_checked_ns = now;
	*slot = c->dst_slot;
	return c->dst_ifindex;
}

#endif /* XB_BPF_FDB_H */
