// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * xdpbridge data path: one XDP program attached to every port of a bridge.
 *
 * Per frame: count, validate the Ethernet header, learn the source MAC, then
 * redirect known unicast to its port through "ports", flood everything else
 * through "flood_ports" (BPF_F_BROADCAST | BPF_F_EXCLUDE_INGRESS), and pass
 * IEEE link-local frames (01:80:C2:00:00:0X) to the host stack.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <bpf/bpf_helpers.h>
#include "xdpbridge.h"

/* Learned stations; LRU so a full table evicts the least recently used. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, XB_DEFAULT_FDB_SIZE);	/* set by the loader */
	__type(key, struct xb_fdb_key);
	__type(value, struct xb_fdb_entry);
} fdb SEC(".maps");

/* Ageing index (see struct xb_age_record): sized by the loader to
 * xb_age_blocks(FDB size); its mask reaches each program as age_block_mask. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, XB_DEFAULT_FDB_SIZE * 2 / XB_AGE_WAYS);	/* set by the loader */
	__type(key, __u32);
	__type(value, struct xb_age_block);
} fdb_ages SEC(".maps");

/* Static entries, consulted before "fdb"; a plain hash is never evicted. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, XB_MAX_PORTS * 16);
	__type(key, struct xb_fdb_key);
	__type(value, struct xb_fdb_static);
} fdb_static SEC(".maps");

/* Every port, keyed by slot (value: ifindex): known-unicast redirects. An
 * array devmap is the cheapest lookup; the loader sizes it to --max-ports. */
struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP);
	__uint(max_entries, XB_DEFAULT_MAX_PORTS);
	__type(key, __u32);
	__type(value, __u32);
} ports SEC(".maps");

/* The flood domain, keyed by slot; user space owns its membership (e.g. STP
 * blocking). A broadcast redirect walks every slot: keep it small. */
struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP);
	__uint(max_entries, XB_DEFAULT_MAX_PORTS);
	__type(key, __u32);
	__type(value, __u32);
} flood_ports SEC(".maps");

/* Counters per port slot: an array lookup is inlined, a hash one is not. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, XB_DEFAULT_MAX_PORTS);
	__type(key, __u32);
	__type(value, struct xb_port_stats);
} port_stats SEC(".maps");

/* Port registry for user space (names survive the interface's removal). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, XB_DEFAULT_MAX_PORTS);
	__type(key, __u32);
	__type(value, struct xb_port_info);
} port_info SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xb_config);
} config SEC(".maps");

/* Each CPU's last source and destination: a hit skips both hash lookups. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xb_fdb_cache);
} fdb_cache SEC(".maps");

/*
 * Each port runs its own instance of this program (same maps), loaded with
 * the port's slot: the ingress port's counters need no lookup by ifindex.
 */
const volatile __u32 port_slot = 0;
const volatile __u32 age_block_mask = 0;	/* "fdb_ages" blocks - 1 */

static __always_inline void fdb_key_set(struct xb_fdb_key *key, const __u8 *mac,
					__u16 vlan)
{
	__builtin_memcpy(key->mac, mac, XB_ETH_ALEN);
	key->vlan = vlan;
}

static __always_inline int fdb_key_eq(const struct xb_fdb_key *a, const struct xb_fdb_key *b)
{
	return *(const __u64 *)a == *(const __u64 *)b;
}

/* Still trustworthy: same generation, checked within XB_CACHE_NS. */
static __always_inline int cache_fresh(__u32 generation, __u32 cfg_generation,
				       __u64 checked_ns, __u64 now)
{
	return generation == cfg_generation && !xb_older_than(now, checked_ns, XB_CACHE_NS);
}

static __always_inline __u64 *fdb_key_word(struct xb_fdb_key *key)
{
	return (__u64 *)key;
}

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

/* Stamp e's record with now; claim another if the record is no longer e's
 * (freed by a sweep, or lost to a user-space writer). */
static __always_inline void age_touch(struct xb_config *cfg, struct xb_fdb_entry *e,
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
		__sync_fetch_and_add(&cfg->age_untracked, 1);
}

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

SEC("xdp")
int xdpbridge_rx(struct xdp_md *ctx)
{
	void *data_end = (void *)(long)ctx->data_end;
	void *data = (void *)(long)ctx->data;
	__u32 ifindex = ctx->ingress_ifindex;
	struct xb_port_stats *st;
	struct xb_fdb_cache *cache;
	struct xb_config *cfg;
	struct xb_fdb_key key;
	struct ethhdr *eth = data;
	__u32 zero = 0, slot = port_slot, out, out_slot = 0, gen;
	__u64 now;
	long ret;

	st = bpf_map_lookup_elem(&port_stats, &slot);
	cfg = bpf_map_lookup_elem(&config, &zero);
	cache = bpf_map_lookup_elem(&fdb_cache, &zero);
	if (!st || !cfg || !cache)
		return XDP_PASS;	/* cannot happen: arrays, slot < max ports */

	st->rx_packets++;
	st->rx_bytes += data_end - data;

	if ((void *)(eth + 1) > data_end) {
		st->dropped[XB_DROP_RUNT]++;
		return XDP_DROP;
	}
	if (!xb_mac_is_station(eth->h_source)) {
		st->dropped[XB_DROP_BAD_SRC]++;
		return XDP_DROP;
	}
	if (xb_mac_is_link_local(eth->h_dest)) {
		st->to_host++;
		return XDP_PASS;
	}

	now = bpf_ktime_get_coarse_ns();
	/* Read before any lookup: a change after it makes the caches miss. */
	gen = cfg->fdb_generation;
	fdb_key_set(&key, eth->h_source, XB_VLAN_NONE);
	fdb_learn(cfg, cache, gen, &key, ifindex, now);

	if (!xb_mac_is_multicast(eth->h_dest)) {
		fdb_key_set(&key, eth->h_dest, XB_VLAN_NONE);
		out = fdb_lookup(cfg, cache, gen, &key, now, &out_slot);
		if (out == ifindex) {
			st->dropped[XB_DROP_REFLECT]++;
			return XDP_DROP;
		}
		if (out) {
			/* A port removed under a stale entry falls back to flooding. */
			ret = bpf_redirect_map(&ports, out_slot, 0);
			if (ret == XDP_REDIRECT) {
				st->forwarded++;
				return ret;
			}
		}
	}
	st->flooded++;
	return bpf_redirect_map(&flood_ports, 0, BPF_F_BROADCAST | BPF_F_EXCLUDE_INGRESS);
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
 * the data path could not index (config.age_untracked) can have expired.
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

static long age_block_sweep(void *map, __u32 *blk, struct xb_age_block *b, struct fdb_sweep *s)
{
	struct xb_fdb_entry *e;
	struct xb_age_record *r;
	struct xb_fdb_key key;
	__u64 word;
	__u32 way;

	for (way = 0; way < XB_AGE_WAYS; way++) {
		r = &b->way[way];
		word = *fdb_key_word(&r->key);
		if (!word)
			continue;
		s->seen++;
		if (!entry_expired(s, r->last_seen_ns))
			continue;
		key = r->key;
		e = bpf_map_lookup_elem(&fdb, &key);
		if (e && e->age_slot == *blk * XB_AGE_WAYS + way) {
			if (!entry_expired(s, e->last_seen_ns)) {
				r->last_seen_ns = e->last_seen_ns;	/* refreshed since */
				continue;
			}
			if (!bpf_map_delete_elem(&fdb, &key))
				s->removed++;
		}
		/* Free it unless the data path re-claimed it meanwhile. */
		__sync_val_compare_and_swap(fdb_key_word(&r->key), word, 0);
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

SEC("xdp")
int xdpbridge_age(struct xdp_md *ctx)
{
	struct fdb_sweep s = {};

	if (sweep_start(&s))
		return XDP_ABORTED;
	bpf_for_each_map_elem(&fdb_ages, age_block_sweep, &s, 0);
	return sweep_done(&s);
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

SEC("xdp")
int xdpbridge_age_full(struct xdp_md *ctx)
{
	struct fdb_sweep s = {};

	if (sweep_start(&s))
		return XDP_ABORTED;
	bpf_for_each_map_elem(&fdb, fdb_entry_sweep, &s, 0);
	return sweep_done(&s);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
