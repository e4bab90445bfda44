/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * FDB keys and the per-CPU cache's freshness rule.
 */
#ifndef XB_BPF_FDB_KEY_H
#define XB_BPF_FDB_KEY_H

#include "maps.h"

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

/* Still trustworthy: same generation, checked within cache_ns (config's). */
static __always_inline int cache_fresh(__u32 generation, __u32 cfg_generation,
				       __u64 checked_ns, __u64 now, __u64 cache_ns)
{
	return generation == cfg_generation && !xb_older_than(now, checked_ns, cache_ns);
}

static __always_inline __u64 *fdb_key_word(struct xb_fdb_key *key)
{
	return (__u64 *)key;
}

#endif /* XB_BPF_FDB_KEY_H */
