/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* FDB reads and changes from user space: dump, count, static entries, flush
 * (batch map operations). Above bridge.h and ageing.h; the sweeps themselves
 * (a BPF program walking the ageing index) are in ageing.h, included here
 * for the callers that age what they wrote. */
#ifndef XB_FDB_H
#define XB_FDB_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#include "ageing.h"
#include "xdpbridge.h"

struct xb_bridge;

struct fdb_row {
	struct xb_fdb_key key;
	__u32 ifindex;
	bool is_static;
	__u64 last_seen_ns;	/* learned entries only */
	char ifname[XB_IFNAMSIZ];	/* the port's name: filled by the caller (cmd_fdb.c) */
};

/* Static and live learned entries (expired ones the sweep has not removed
 * yet are left out, as the data path ignores them), sorted by MAC; ifname
 * left empty. The caller frees *rows. */
int fdb_dump(const struct xb_bridge *br, struct fdb_row **rows, size_t *n);
/* Live learned entries. Exact counting needs a walk (an LRU map evicts
 * without telling anyone, so no counter can follow it): batch lookups,
 * 4096 entries per syscall, nothing kept. */
int fdb_count_learned(const struct xb_bridge *br, __u32 *count);
/* Remove learned entries (and static ones with include_static) on ifindex,
 * or on every port when ifindex is 0. Returns the number removed or -errno. */
int fdb_flush(const struct xb_bridge *br, __u32 ifindex, bool include_static);
/* Write n learned entries (keys[i] -> entries[i], last_seen as given) the way
 * the data path learns them, each with its ageing record (entries[i].age_slot
 * is filled in). For tests, tools and the benchmark. Returns 0 or -errno. */
int fdb_learned_put(const struct xb_bridge *br, const struct xb_fdb_key *keys,
		    struct xb_fdb_entry *entries, __u32 n);

int fdb_static_add(const struct xb_bridge *br, const struct xb_fdb_key *key, __u32 ifindex);
/* Delete key: static entry if there is one, else the learned one. */
int fdb_del(const struct xb_bridge *br, const struct xb_fdb_key *key);
/*
 * After user space changed the FDB or the ports: recount static entries into
 * config.static_count (the data path's fast skip) and bump
 * fdb_sync.fdb_generation so no CPU trusts its per-CPU FDB cache. Callers
 * hold the command lock (config is user space's alone); the bump is atomic
 * against the data path's own.
 */
int fdb_mark_changed(const struct xb_bridge *br);

#endif
