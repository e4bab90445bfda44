/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* FDB reads and changes from user space: dump, static entries, flush (batch
 * map operations), and the ageing sweep (a BPF program walking the FDB). */
#ifndef XB_FDB_H
#define XB_FDB_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#include "xdpbridge.h"

struct xb_bridge;

struct fdb_row {
	struct xb_fdb_key key;
	__u32 ifindex;
	bool is_static;
	__u64 last_seen_ns;	/* learned entries only */
	char ifname[XB_IFNAMSIZ];	/* from the port registry */
};

/* CLOCK_MONOTONIC_COARSE in ns: the clock of bpf_ktime_get_coarse_ns(). */
__u64 monotonic_ns(void);

/* Static and live learned entries (expired ones the sweep has not removed
 * yet are left out, as the data path ignores them), sorted by MAC; the
 * caller frees *rows. */
int fdb_dump(const struct xb_bridge *br, struct fdb_row **rows, size_t *n);
/* Remove learned entries (and static ones with include_static) on ifindex,
 * or on every port when ifindex is 0. Returns the number removed or -errno. */
int fdb_flush(const struct xb_bridge *br, __u32 ifindex, bool include_static);
struct xdpbridge_bpf;
/* Load the in-kernel ageing sweep for br; the caller destroys it. */
int fdb_ager_open(const struct xb_bridge *br, struct xdpbridge_bpf **ager);
/* One ageing sweep in the kernel over the ageing index ("fdb_ages"): deletes
 * learned entries older than the configured ageing time and frees records
 * whose entry is gone. Returns the number removed or -errno. */
int fdb_age(struct xdpbridge_bpf *ager);
/* The same by walking the whole FDB: also ages entries without a record
 * (config.age_untracked). Slower: ~90 ns per entry. */
int fdb_age_full(struct xdpbridge_bpf *ager);
/* Write n learned entries (keys[i] -> entries[i], last_seen as given) the way
 * the data path learns them, each with its ageing record (entries[i].age_slot
 * is filled in). For tests, tools and the benchmark. Returns 0 or -errno. */
int fdb_learned_put(const struct xb_bridge *br, const struct xb_fdb_key *keys,
		    struct xb_fdb_entry *entries, __u32 n);

int fdb_static_add(const struct xb_bridge *br, const struct xb_fdb_key *key, __u32 ifindex);
/* Delete key: static entry if there is one, else the learned one. */
int fdb_del(const struct xb_bridge *br, const struct xb_fdb_key *key);

#endif
