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
	bool is_local;		/* static entry of the bridge's own address (XB_FDB_LOCAL) */
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

/* -EADDRINUSE when key is the bridge's local entry (it follows the host
 * interface and cannot be moved). */
int fdb_static_add(const struct xb_bridge *br, const struct xb_fdb_key *key, __u32 ifindex);
/* Delete key: static entry if there is one, else the learned one;
 * -EADDRINUSE for the local entry. */
int fdb_del(const struct xb_bridge *br, const struct xb_fdb_key *key);
/* Delete key's learned entry and take it off its port's learned count. */
int fdb_learned_del(const struct xb_bridge *br, const struct xb_fdb_key *key);

/*
 * The bridge's local entry: the host interface's MAC, a static entry on the
 * host port flagged XB_FDB_LOCAL, never moved (a frame from another port with
 * that source is dropped as mac_hijack). Installs it, moves it to the
 * interface's current MAC, or removes it when the bridge has no host
 * interface; *changed says whether anything was written. Callers hold the
 * command lock. 0 or -errno.
 */
int fdb_local_sync(const struct xb_bridge *br, bool *changed);
/* ifname's MAC address. 0 or -errno. */
int iface_mac(const char *ifname, __u8 mac[XB_ETH_ALEN]);

/*
 * Re-sync "learn_count" (learned stations per port slot, and in all at
 * XB_LEARN_TOTAL) from one batch walk of the FDB, adding each difference
 * atomically so the data path's own increments are kept. The control loop
 * runs it after sweeps; fdb flush after flushing.
 */
int fdb_learn_count_sync(const struct xb_bridge *br);
/* The counts now (XB_LEARN_SLOTS of them). */
int fdb_learn_counts(const struct xb_bridge *br, __s64 *counts);
/*
 * After user space changed the FDB or the ports: recount static entries into
 * config.static_count and XB_CFG_LOCAL (the data path's fast skips) and bump
 * config.fdb_generation so no CPU trusts its per-CPU FDB cache. Callers hold
 * the command lock (a read-modify-write of config). The data path's own
 * increments may race with it; a lost one leaves a cache stale for at most
 * XB_CACHE_NS.
 */
int fdb_mark_changed(const struct xb_bridge *br);

#endif
