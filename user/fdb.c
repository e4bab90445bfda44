// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "bridge.h"
#include "ageing.h"
#include "fdb.h"
#include "sys.h"

#define FDB_BATCH 4096

/* Growable array of keys to delete in one batch. */
struct key_list {
	struct xb_fdb_key *keys;
	size_t n, cap;
};

static int key_list_push(struct key_list *l, const struct xb_fdb_key *key)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 1024;
		void *p = realloc(l->keys, cap * sizeof(*l->keys));

		if (!p)
			return -ENOMEM;
		l->keys = p;
		l->cap = cap;
	}
	l->keys[l->n++] = *key;
	return 0;
}

/* Delete every key; one syscall per FDB_BATCH keys, per-key fallback when an
 * entry vanished meanwhile (the data path may replace it). */
static int key_list_delete(int fd, const struct key_list *l)
{
	size_t done = 0, removed = 0;

	while (done < l->n) {
		__u32 count = (__u32)(l->n - done < FDB_BATCH ? l->n - done : FDB_BATCH);

		if (!bpf_map_delete_batch(fd, l->keys + done, &count, NULL)) {
			done += count;
			removed += count;
			continue;
		}
		done += count;	/* count says how many went before the failure */
		removed += count;
		if (done < l->n) {
			if (!bpf_map_delete_elem(fd, &l->keys[done]))
				removed++;
			done++;
		}
	}
	return (int)removed;
}

typedef int (*fdb_visit_cb)(const struct xb_fdb_key *key, const void *value, void *ctx);

/* Visit every entry of a hash map with batch lookups (FDB_BATCH per syscall). */
static int fdb_walk(int fd, size_t value_size, fdb_visit_cb cb, void *ctx)
{
	struct xb_fdb_key *keys;
	__u64 in_batch = 0, out_batch = 0;	/* hash maps use a bucket cursor */
	bool first = true;
	char *values;
	int err = 0;

	keys = calloc(FDB_BATCH, sizeof(*keys));
	values = calloc(FDB_BATCH, value_size);
	if (!keys || !values) {
		err = -ENOMEM;
		goto cleanup;
	}
	for (;;) {
		__u32 count = FDB_BATCH;
		int ret = bpf_map_lookup_batch(fd, first ? NULL : &in_batch, &out_batch,
					       keys, values, &count, NULL);
		bool last = ret && errno == ENOENT;

		if (ret && !last) {
			err = -errno;
			goto cleanup;
		}
		for (__u32 i = 0; i < count; i++) {
			err = cb(&keys[i], values + i * value_size, ctx);
			if (err)
				goto cleanup;
		}
		if (last)
			break;
		in_batch = out_batch;
		first = false;
	}
cleanup:
	free(keys);
	free(values);
	return err;
}

/* Now and the ageing time: what decides whether a learned entry is live. */
struct fdb_clock {
	__u64 now_ns, ageing_ns;
};

static int fdb_clock_read(const struct xb_bridge *br, struct fdb_clock *clk)
{
	struct xb_config cfg;
	int err = bridge_config_get(br, &cfg);

	clk->now_ns = monotonic_ns();
	clk->ageing_ns = cfg.ageing_ns;
	return err;
}

/* Expired but not yet swept: the data path already ignores it. */
static bool fdb_entry_live(const struct fdb_clock *clk, const struct xb_fdb_entry *e)
{
	return !xb_older_than(clk->now_ns, e->last_seen_ns, clk->ageing_ns);
}

struct dump_ctx {
	struct fdb_row *rows;
	size_t n, cap;
	bool is_static;
	struct fdb_clock clk;
};

static int dump_visit(const struct xb_fdb_key *key, const void *value, void *ctx)
{
	const struct xb_fdb_entry *e = value;
	struct dump_ctx *d = ctx;
	struct fdb_row *row;

	if (!d->is_static && !fdb_entry_live(&d->clk, e))
		return 0;

	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 256;
		void *p = realloc(d->rows, cap * sizeof(*d->rows));

		if (!p)
			return -ENOMEM;
		d->rows = p;
		d->cap = cap;
	}
	row = &d->rows[d->n++];
	memset(row, 0, sizeof(*row));
	row->key = *key;
	row->is_static = d->is_static;
	if (d->is_static) {
		row->ifindex = ((const struct xb_fdb_static *)value)->ifindex;
		row->is_local = ((const struct xb_fdb_static *)value)->flags & XB_FDB_LOCAL;
	} else {
		row->ifindex = e->ifindex;
		row->last_seen_ns = e->last_seen_ns;
	}
	return 0;
}

static int row_cmp(const void *a, const void *b)
{
	const struct fdb_row *x = a, *y = b;
	int c = memcmp(x->key.mac, y->key.mac, sizeof(x->key.mac));

	if (c)
		return c;
	if (x->key.vlan != y->key.vlan)
		return x->key.vlan < y->key.vlan ? -1 : 1;
	return (int)y->is_static - (int)x->is_static;
}

int fdb_dump(const struct xb_bridge *br, struct fdb_row **rows, size_t *n)
{
	struct dump_ctx d = { .is_static = true };
	int err;

	err = fdb_clock_read(br, &d.clk);
	if (err)
		return err;
	err = fdb_walk(br->fdb_static_fd, sizeof(struct xb_fdb_static), dump_visit, &d);
	d.is_static = false;
	if (!err)
		err = fdb_walk(br->fdb_fd, sizeof(struct xb_fdb_entry), dump_visit, &d);
	if (err) {
		free(d.rows);
		return err;
	}
	if (d.n)	/* qsort(NULL, 0, ...) is undefined */
		qsort(d.rows, d.n, sizeof(*d.rows), row_cmp);
	*rows = d.rows;
	*n = d.n;
	return 0;
}

struct select_ctx {
	struct key_list list;
	__u32 ifindex;		/* 0: any port */
};

static int select_learned(const struct xb_fdb_key *key, const void *value, void *ctx)
{
	const struct xb_fdb_entry *e = value;
	struct select_ctx *s = ctx;

	if (s->ifindex && e->ifindex != s->ifindex)
		return 0;
	return key_list_push(&s->list, key);
}

static int select_static(const struct xb_fdb_key *key, const void *value, void *ctx)
{
	const struct xb_fdb_static *e = value;
	struct select_ctx *s = ctx;

	if (s->ifindex && e->ifindex != s->ifindex)
		return 0;
	return key_list_push(&s->list, key);
}

static int select_and_delete(int fd, size_t value_size, fdb_visit_cb cb, struct select_ctx *s)
{
	int err = fdb_walk(fd, value_size, cb, s);

	if (!err)
		err = key_list_delete(fd, &s->list);
	free(s->list.keys);
	s->list = (struct key_list){};
	return err;
}

int fdb_flush(const struct xb_bridge *br, __u32 ifindex, bool include_static)
{
	struct select_ctx s = { .ifindex = ifindex };
	int removed, more;

	removed = select_and_delete(br->fdb_fd, sizeof(struct xb_fdb_entry), select_learned, &s);
	if (removed >= 0 && include_static) {
		more = select_and_delete(br->fdb_static_fd, sizeof(struct xb_fdb_static),
					 select_static, &s);
		removed = more < 0 ? more : removed + more;
	}
	fdb_mark_changed(br);
	fdb_learn_count_sync(br);	/* the learning limits see the room at once */
	return removed;
}

/* The data path's age_claim, for entries written from user space: key's own
 * record or a free one in key's two blocks (never an expired station's: its
 * entry would lose its record). Fills *block with that block, the record
 * written in, for the caller to store after the entry; returns the record's
 * index in "fdb_ages" (the entry's age_slot, not a port slot) or XB_AGE_NONE. */
static __u32 age_record_place(const struct xb_bridge *br, const struct xb_fdb_key *key,
			      __u64 last_seen_ns, __u32 *blk_out, struct xb_age_block *block)
{
	struct xb_age_block b[2];
	__u64 want = *(const __u64 *)key;
	__u32 blk[2];

	for (int which = 0; which < 2; which++) {
		blk[which] = xb_age_block_of(key, br->age_block_mask, which);
		if (bpf_map_lookup_elem(br->ages_fd, &blk[which], &b[which]))
			return XB_AGE_NONE;
	}
	/* Pass 0: key's own record; pass 1: a free one. */
	for (int pass = 0; pass < 2; pass++) {
		for (int which = 0; which < 2; which++) {
			for (__u32 way = 0; way < XB_AGE_WAYS; way++) {
				struct xb_age_record *r = &b[which].way[way];
				__u64 cur = *(const __u64 *)&r->key;

				if (cur != (pass ? 0 : want))
					continue;
				r->key = *key;
				r->last_seen_ns = last_seen_ns;
				*blk_out = blk[which];
				*block = b[which];
				return blk[which] * XB_AGE_WAYS + way;
			}
		}
	}
	return XB_AGE_NONE;
}

/*
 * Entry first, record second: a sweep in between sees the old record (or
 * none) next to the new entry, and at worst copies the entry's time into it.
 * The other order would let a sweep copy the old entry's time into the new
 * record and keep an expired entry for another ageing time. Not atomic
 * against the data path (a whole block is rewritten); a record lost that way
 * is claimed again at the station's next refresh.
 */
int fdb_learned_put(const struct xb_bridge *br, const struct xb_fdb_key *keys,
		    struct xb_fdb_entry *entries, __u32 n)
{
	struct xb_age_block block;
	__u32 untracked = 0, blk = 0;

	for (__u32 i = 0; i < n; i++) {
		struct xb_fdb_entry *e = &entries[i];

		e->age_slot = age_record_place(br, &keys[i], e->last_seen_ns, &blk, &block);
		e->pad = 0;
		if (bpf_map_update_elem(br->fdb_fd, &keys[i], e, BPF_ANY))
			return -errno;
		if (e->age_slot == XB_AGE_NONE)
			untracked++;
		else if (bpf_map_update_elem(br->ages_fd, &blk, &block, BPF_ANY))
			return -errno;
	}
	if (untracked)	/* as the data path does: the control loop walks the FDB */
		bridge_untracked_add(br, untracked);
	return fdb_mark_changed(br);
}

int fdb_mark_changed(const struct xb_bridge *br)
{
	struct xb_fdb_key key, next;
	struct xb_fdb_static st;
	struct xb_config cfg;
	__u32 count = 0;
	bool local = false;
	void *prev = NULL;
	int err;

	while (!bpf_map_get_next_key(br->fdb_static_fd, prev, &next)) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(br->fdb_static_fd, &key, &st))
			continue;	/* deleted meanwhile */
		if (st.flags & XB_FDB_LOCAL)
			local = true;
		else
			count++;
	}
	err = bridge_config_get(br, &cfg);
	if (err)
		return err;
	cfg.static_count = count;
	if (local)
		cfg.flags |= XB_CFG_LOCAL;
	else
		cfg.flags &= ~XB_CFG_LOCAL;
	err = bridge_config_set(br, &cfg);
	/* After the count: a cache refilled after the bump sees it. */
	bridge_fdb_changed(br);
	return err;
}

struct count_ctx {
	struct fdb_clock clk;
	__u32 live;
};

static int count_visit(const struct xb_fdb_key *key, const void *value, void *ctx)
{
	struct count_ctx *c = ctx;

	c->live += fdb_entry_live(&c->clk, value);
	return 0;
}

int fdb_count_learned(const struct xb_bridge *br, __u32 *count)
{
	struct count_ctx c = { .live = 0 };
	int err;

	err = fdb_clock_read(br, &c.clk);
	if (err)
		return err;
	err = fdb_walk(br->fdb_fd, sizeof(struct xb_fdb_entry), count_visit, &c);
	if (!err)
		*count = c.live;
	return err;
}

/* The static or local entry of key: 0 and *st, or -ENOENT. */
static int fdb_static_get(const struct xb_bridge *br, const struct xb_fdb_key *key,
			  struct xb_fdb_static *st)
{
	return bpf_map_lookup_elem(br->fdb_static_fd, key, st) ? -errno : 0;
}

/*
 * A learned copy of key, now static or local, must go. Twice: the data path
 * may have read the static table just before the insert and write its entry
 * just after the first delete; it runs each frame in microseconds without
 * sleeping, so a millisecond later such a write has landed.
 */
static void fdb_learned_purge(const struct xb_bridge *br, const struct xb_fdb_key *key)
{
	const struct timespec ms = { .tv_nsec = 1000000 };

	fdb_learned_del(br, key);
	nanosleep(&ms, NULL);
	fdb_learned_del(br, key);
}

int fdb_static_add(const struct xb_bridge *br, const struct xb_fdb_key *key, __u32 ifindex)
{
	struct xb_fdb_static st = { .ifindex = ifindex }, old;
	struct xb_port_info info;
	int err;

	if (bpf_map_lookup_elem(br->info_fd, &ifindex, &info))
		return -ENOENT;		/* not a port */
	if (!fdb_static_get(br, key, &old) && (old.flags & XB_FDB_LOCAL))
		return -EADDRINUSE;	/* the host interface's own address */
	st.slot = info.slot;

	if (bpf_map_update_elem(br->fdb_static_fd, key, &st, BPF_ANY))
		return -errno;
	/* The static entry now decides; a learned copy would only show twice
	 * (and, beside a local entry, be found first). */
	fdb_learned_purge(br, key);
	err = fdb_mark_changed(br);
	return err;
}

int fdb_del(const struct xb_bridge *br, const struct xb_fdb_key *key)
{
	struct xb_fdb_static old;
	int err;

	if (!fdb_static_get(br, key, &old) && (old.flags & XB_FDB_LOCAL))
		return -EADDRINUSE;
	if (!bpf_map_delete_elem(br->fdb_static_fd, key))
		return fdb_mark_changed(br);
	if (errno != ENOENT)
		return -errno;
	err = fdb_learned_del(br, key);
	if (err)
		return err;
	return fdb_mark_changed(br);
}

/* ---- the bridge's local entry ------------------------------------------------- */

struct host_port_search {
	__u32 ifindex;
	__u32 slot;
	bool found;
};

static int find_host_port(const struct xb_bridge *br, struct host_port_search *h)
{
	__u32 key, next, *prev = NULL;
	struct xb_port_info info;

	h->found = false;
	while (!bpf_map_get_next_key(br->info_fd, prev, &next)) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(br->info_fd, &key, &info) || !(info.flags & XB_PORT_HOST))
			continue;
		h->ifindex = key;
		h->slot = info.slot;
		h->found = true;
		return 0;
	}
	return -ENOENT;
}

struct local_list {
	struct key_list stale;
	struct xb_fdb_key want;
	bool have;		/* want is there already, on the host port */
	__u32 host_ifindex;
};

static int select_local(const struct xb_fdb_key *key, const void *value, void *ctx)
{
	const struct xb_fdb_static *st = value;
	struct local_list *l = ctx;

	if (!(st->flags & XB_FDB_LOCAL))
		return 0;
	if (!memcmp(key, &l->want, sizeof(*key)) && st->ifindex == l->host_ifindex) {
		l->have = true;
		return 0;
	}
	return key_list_push(&l->stale, key);
}

int fdb_local_sync(const struct xb_bridge *br, bool *changed)
{
	struct local_list l = { .stale = { NULL, 0, 0 } };
	struct host_port_search h = { 0 };
	struct xb_fdb_static st;
	struct xb_config cfg;
	int err;

	*changed = false;
	memset(&l.want, 0, sizeof(l.want));
	err = bridge_config_get(br, &cfg);
	if (err)
		return err;
	/* No host interface (--no-host-port), or its port is gone: no local
	 * entry; one left behind is removed. */
	if ((cfg.flags & XB_CFG_HOST_PORT) && !find_host_port(br, &h) &&
	    !iface_mac(br->name, l.want.mac) && xb_mac_is_station(l.want.mac))
		l.host_ifindex = h.ifindex;
	err = fdb_walk(br->fdb_static_fd, sizeof(struct xb_fdb_static), select_local, &l);
	if (err)
		goto cleanup;
	if (l.stale.n && key_list_delete(br->fdb_static_fd, &l.stale) < 0)
		err = -EIO;
	*changed = l.stale.n > 0;
	if (!err && l.host_ifindex && !l.have) {
		st = (struct xb_fdb_static){ .ifindex = h.ifindex, .slot = h.slot, .flags = XB_FDB_LOCAL };
		/* Over a static entry the user made for that MAC: it is the
		 * bridge's own address now, and follows the host interface. */
		if (bpf_map_update_elem(br->fdb_static_fd, &l.want, &st, BPF_ANY))
			err = -errno;
		else
			fdb_learned_purge(br, &l.want);
		*changed = true;
	}
	if (*changed) {
		int e = fdb_mark_changed(br);

		err = err ? err : e;
	}
cleanup:
	free(l.stale.keys);
	return err;
}

/* ---- learning limits ------------------------------------------------------------ */

/* "learn_count" mapped into this process: atomic adds beside the data path's. */
static __s64 *learn_count_map(const struct xb_bridge *br, size_t *len)
{
	long page = sysconf(_SC_PAGESIZE);
	void *p;

	*len = (XB_LEARN_SLOTS * sizeof(__s64) + (size_t)page - 1) / (size_t)page * (size_t)page;
	p = mmap(NULL, *len, PROT_READ | PROT_WRITE, MAP_SHARED, br->learn_fd, 0);
	return p == MAP_FAILED ? NULL : p;
}

int fdb_learned_del(const struct xb_bridge *br, const struct xb_fdb_key *key)
{
	struct xb_fdb_entry e;
	__s64 *cnt;
	size_t len;

	if (bpf_map_lookup_and_delete_elem(br->fdb_fd, key, &e)) {
		if (errno == ENOENT)
			return -ENOENT;
		/* kernels before 5.14 cannot look up and delete in a hash */
		if (bpf_map_lookup_elem(br->fdb_fd, key, &e) || bpf_map_delete_elem(br->fdb_fd, key))
			return -errno;
	}
	cnt = learn_count_map(br, &len);
	if (!cnt)
		return 0;	/* the next re-sync corrects the counts */
	if (e.slot < XB_MAX_PORTS)
		__atomic_fetch_sub(&cnt[e.slot], 1, __ATOMIC_RELAXED);
	__atomic_fetch_sub(&cnt[XB_LEARN_TOTAL], 1, __ATOMIC_RELAXED);
	munmap(cnt, len);
	return 0;
}

struct learn_walk {
	__s64 n[XB_LEARN_SLOTS];
};

static int learn_visit(const struct xb_fdb_key *key, const void *value, void *ctx)
{
	const struct xb_fdb_entry *e = value;
	struct learn_walk *w = ctx;

	if (e->slot < XB_MAX_PORTS)
		w->n[e->slot]++;
	w->n[XB_LEARN_TOTAL]++;
	return 0;
}

int fdb_learn_count_sync(const struct xb_bridge *br)
{
	struct learn_walk *w;
	__s64 *cnt = NULL;
	size_t len = 0;
	int err;

	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	cnt = learn_count_map(br, &len);
	if (!cnt) {
		err = -errno;
		goto cleanup;
	}
	err = fdb_walk(br->fdb_fd, sizeof(struct xb_fdb_entry), learn_visit, w);
	if (err)
		goto cleanup;
	/* Add the difference, never store: a learn the data path counts after
	 * this load stays counted (and the walk did not see it). */
	for (__u32 i = 0; i < XB_LEARN_SLOTS; i++) {
		__s64 cur = __atomic_load_n(&cnt[i], __ATOMIC_RELAXED);

		if (cur != w->n[i])
			__atomic_fetch_add(&cnt[i], w->n[i] - cur, __ATOMIC_RELAXED);
	}
cleanup:
	if (cnt)
		munmap(cnt, len);
	free(w);
	return err;
}

int fdb_learn_counts(const struct xb_bridge *br, __s64 *counts)
{
	__s64 *cnt;
	size_t len;

	cnt = learn_count_map(br, &len);
	if (!cnt)
		return -errno;
	for (__u32 i = 0; i < XB_LEARN_SLOTS; i++)
		counts[i] = __atomic_load_n(&cnt[i], __ATOMIC_RELAXED);
	munmap(cnt, len);
	return 0;
}
