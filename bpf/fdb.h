/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Learning and lookup, both through the per-CPU cache (struct xb_fdb_cache).
 */
#ifndef XB_BPF_FDB_H
#define XB_BPF_FDB_H

#include "ageing.h"

/*
 * Tell `monitor` about a new or moved station: one struct xb_event into the
 * ring buffer "events", if this CPU's token bucket has credit (a MAC flood
 * must not swamp the consumer), else counted in the ingress port's
 * events_dropped. Runs only where the FDB is written, never for a cache hit
 * or a refresh. Wakeup flags 0: the kernel wakes the consumer only when it
 * has caught up and sleeps, so a busy ring costs no wakeup per event.
 * Global: verified once, and keeps its stack out of the callers' frames.
 */
__noinline int fdb_event(const struct xb_fdb_key *key, __u32 type, __u32 ifindex,
			 __u32 old_ifindex, __u64 now)
{
	__u32 zero = 0, slot = port_slot;
	struct xb_event_bucket *b;
	struct xb_port_stats *st;
	struct xb_event *ev;
	__u64 credit;

	b = bpf_map_lookup_elem(&event_bucket, &zero);
	if (!b || !key)
		return 0;
	credit = b->credit_ns;
	if ((__s64)(now - b->last_ns) > 0)
		credit += now - b->last_ns;
	if (credit > XB_EVENTS_BURST * XB_EVENT_COST_NS)
		credit = XB_EVENTS_BURST * XB_EVENT_COST_NS;
	b->last_ns = now;
	b->credit_ns = credit;
	if (credit < XB_EVENT_COST_NS)
		goto drop;
	ev = bpf_ringbuf_reserve(&events, sizeof(*ev), 0);
	if (!ev)
		goto drop;	/* nobody drains it: no control loop, no monitor */
	b->credit_ns = credit - XB_EVENT_COST_NS;
	__builtin_memset(ev, 0, sizeof(*ev));
	ev->type = type;
	ev->ifindex = ifindex;
	ev->old_ifindex = old_ifindex;
	ev->flags = XB_EVF_KEY;
	ev->time_ns = now;
	ev->key = *key;
	bpf_ringbuf_submit(ev, 0);
	return 1;
drop:
	st = bpf_map_lookup_elem(&port_stats, &slot);
	if (st)
		st->events_dropped++;
	return 0;
}

/*
 * Is a static or local entry of key on another port (the frame's source
 * would hijack it)? 0 also when key has none, or config says there is none
 * at all (static_count 0, no XB_CFG_LOCAL).
 */
static __always_inline int fdb_static_elsewhere(const struct xb_config *cfg,
						const struct xb_fdb_key *key, int *found)
{
	struct xb_fdb_static *s;

	*found = 0;
	if (!cfg->static_count && !(cfg->flags & XB_CFG_LOCAL))
		return 0;
	s = bpf_map_lookup_elem(&fdb_static, key);
	if (!s)
		return 0;
	*found = 1;
	return s->slot != port_slot;
}

/*
 * May this port learn one more station? No when it holds its max_learned
 * (port_conf) or the bridge its own (config). Read, not reserved: CPUs
 * learning at the same moment may each pass, so a limit can be exceeded by
 * up to one station per CPU. Counts the refusal in the port's learn_limit.
 */
static __always_inline int learn_allowed(const struct xb_config *cfg)
{
	__u32 slot = port_slot, total = XB_LEARN_TOTAL;
	struct xb_port_stats *st;
	struct xb_port_conf *pc;
	__s64 *n;

	pc = bpf_map_lookup_elem(&port_conf, &slot);
	if (pc && pc->max_learned) {
		n = bpf_map_lookup_elem(&learn_count, &slot);
		if (n && *n >= (__s64)pc->max_learned)
			goto refuse;
	}
	if (cfg->max_learned) {
		n = bpf_map_lookup_elem(&learn_count, &total);
		if (n && *n >= (__s64)cfg->max_learned)
			goto refuse;
	}
	return 1;
refuse:
	st = bpf_map_lookup_elem(&port_stats, &slot);
	if (st)
		st->learn_limit++;
	return 0;
}

/* A station learned on this port (from_slot: moved in from there, or
 * XB_LEARN_TOTAL for a new one). */
static __always_inline void learn_count_add(__u32 from_slot)
{
	__u32 slot = port_slot, total = XB_LEARN_TOTAL;
	__s64 *n;

	n = bpf_map_lookup_elem(&learn_count, &slot);
	if (n)
		__sync_fetch_and_add(n, 1);
	n = bpf_map_lookup_elem(&learn_count, &from_slot);
	if (n)
		__sync_fetch_and_add(n, from_slot == total ? 1 : -1);
}

/*
 * Learn src -> ifindex. Most frames come from the station this CPU confirmed
 * a moment ago: no lookup at all. Otherwise one lookup; a same-port entry is
 * refreshed in place at most once a second; only a new or moved station pays
 * for a map update, and only a move bumps the generation so every CPU's cache
 * forgets: a new station is in no CPU's cache (fdb_lookup caches found
 * entries only; a negative cache would need the bump back). The exception is
 * a station the LRU evicted, silently, while a CPU had it cached: that CPU
 * may send to its old port for the rest of XB_CACHE_NS, as it already did
 * between the eviction and the new learn.
 *
 * A MAC with a static or local entry is never learned: from its own port it
 * passes, from any other the frame is a hijack attempt and the caller drops
 * it (returns 1). The static table is read only for a new or moving station,
 * and at each refresh (a learned copy of a MAC made static meanwhile, the
 * data path racing `fdb add`, is caught within XB_REFRESH_NS).
 */
static __always_inline int fdb_learn(struct xb_config *cfg, struct xb_fdb_cache *c,
				     __u32 gen, const struct xb_fdb_key *key,
				     __u32 ifindex, __u64 now)
{
	struct xb_fdb_entry *e, fresh = {};
	__u32 old_ifindex, old_slot;
	int is_static;

	if (c->src_ifindex == ifindex && fdb_key_eq(&c->src, key) &&
	    cache_fresh(c->src_generation, gen, c->src_checked_ns, now))
		return 0;

	e = bpf_map_lookup_elem(&fdb, key);
	if (e && e->ifindex == ifindex) {
		if (xb_older_than(now, e->last_seen_ns, XB_REFRESH_NS)) {
			if (fdb_static_elsewhere(cfg, key, &is_static))
				return 1;
			e->last_seen_ns = now;
			age_touch(cfg, e, key, now);
		}
		goto confirmed;
	}
	if (fdb_static_elsewhere(cfg, key, &is_static))
		return 1;
	if (is_static)
		goto confirmed;		/* its own port: nothing to learn */
	if (!e && !learn_allowed(cfg))
		return 0;		/* forwarded, not learned, not cached */

	old_ifindex = e ? e->ifindex : 0;	/* e may be reused after the update */
	old_slot = e ? e->slot : XB_LEARN_TOTAL;
	fresh.ifindex = ifindex;
	fresh.slot = port_slot;
	fresh.last_seen_ns = now;
	fresh.age_slot = e ? e->age_slot : XB_AGE_NONE;	/* a move keeps it */
	age_touch(cfg, &fresh, key, now);
	if (bpf_map_update_elem(&fdb, key, &fresh, BPF_ANY))
		return 0;
	learn_count_add(old_slot);
	if (old_ifindex)
		__sync_fetch_and_add(&cfg->fdb_generation, 1);
	fdb_event(key, old_ifindex ? XB_EV_MOVED : XB_EV_LEARNED, ifindex, old_ifindex, now);
confirmed:
	c->src = *key;
	c->src_ifindex = ifindex;
	c->src_generation = gen;
	c->src_checked_ns = now;
	return 0;
}

/* Port (ifindex, and its slot in *slot) for dst, or 0 when unknown (or
 * aged out while user space was away). A user's static entry beats a learned
 * one, so with static_count it is looked up first; the local entry alone is
 * never learned and costs a lookup only when "fdb" has no answer. */
static __always_inline __u32 fdb_lookup(const struct xb_config *cfg, struct xb_fdb_cache *c,
					__u32 gen, const struct xb_fdb_key *key, __u64 now,
					__u32 *slot)
{
	struct xb_fdb_static *s = NULL;
	struct xb_fdb_entry *e;

	if (c->dst_ifindex && fdb_key_eq(&c->dst, key) &&
	    cache_fresh(c->dst_generation, gen, c->dst_checked_ns, now) &&
	    (!c->dst_last_seen_ns || !xb_older_than(now, c->dst_last_seen_ns, cfg->ageing_ns))) {
		*slot = c->dst_slot;
		return c->dst_ifindex;
	}

	if (cfg->static_count)
		s = bpf_map_lookup_elem(&fdb_static, key);
	if (!s) {
		e = bpf_map_lookup_elem(&fdb, key);
		if (e && !xb_older_than(now, e->last_seen_ns, cfg->ageing_ns)) {
			c->dst_last_seen_ns = e->last_seen_ns;
			c->dst_ifindex = e->ifindex;
			c->dst_slot = e->slot;
			goto fill;
		}
		if (cfg->static_count || !(cfg->flags & XB_CFG_LOCAL))
			return 0;
		s = bpf_map_lookup_elem(&fdb_static, key);
		if (!s)
			return 0;
	}
	c->dst_last_seen_ns = 0;	/* never ages */
	c->dst_ifindex = s->ifindex;
	c->dst_slot = s->slot;
fill:
	c->dst = *key;
	c->dst_generation = gen;
	c->dst_checked_ns = now;
	*slot = c->dst_slot;
	return c->dst_ifindex;
}

#endif /* XB_BPF_FDB_H */
