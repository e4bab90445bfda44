// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "bridge.h"
#include "ageing.h"
#include "fdb.h"

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
	struct xb_config cfg;
	int err;

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
	if (untracked) {	/* as the data path does: the control loop walks the FDB */
		err = bridge_config_get(br, &cfg);
		if (err)
			return err;
		cfg.age_untracked += untracked;
		err = bridge_config_set(br, &cfg);
		if (err)
			return err;
	}
	return fdb_mark_changed(br);
}

int fdb_mark_changed(const struct xb_bridge *br)
{
	struct xb_fdb_key key, next;
	struct xb_config cfg;
	__u32 count = 0;
	void *prev = NULL;
	int err;

	while (!bpf_map_get_next_key(br->fdb_static_fd, prev, &next)) {
		count++;
		key = next;
		prev = &key;
	}
	err = bridge_config_get(br, &cfg);
	if (err)
		return err;
	cfg.static_count = count;
	cfg.fdb_generation++;
	return bridge_config_set(br, &cfg);
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

int fdb_static_add(const struct xb_bridge *br, const struct xb_fdb_key *key, __u32 ifindex)
{
	struct xb_fdb_static st = { .ifindex = ifindex };
	struct xb_port_info info;
	int err;

	if (bpf_map_lookup_elem(br->info_fd, &ifindex, &info))
		return -ENOENT;		/* not a port */
	st.slot = info.slot;

	if (bpf_map_update_elem(br->fdb_static_fd, key, &st, BPF_ANY))
		return -errno;
	/* The static entry now decides; a learned copy would only show twice. */
	bpf_map_delete_elem(br->fdb_fd, key);
	err = fdb_mark_changed(br);
	return err;
}

int fdb_del(const struct xb_bridge *br, const struct xb_fdb_key *key)
{
	if (!bpf_map_delete_elem(br->fdb_static_fd, key))
		return fdb_mark_changed(br);
	if (errno != ENOENT)
		return -errno;
	if (bpf_map_delete_elem(br->fdb_fd, key))
		return -errno;
	return fdb_mark_changed(br);
}
