// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <string.h>
#include <time.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>

#include "ageing.h"
#include "bridge.h"
#include "log.h"
#include "xdpbridge.skel.h"

__u64 monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (__u64)ts.tv_sec * 1000000000ULL + (__u64)ts.tv_nsec;
}

int fdb_ager_open(const struct xb_bridge *br, struct xdpbridge_bpf **ager)
{
	return bridge_prog_load(br, XB_PROG_AGE, 0, ager);
}

static int ager_run(struct bpf_program *prog, struct xdpbridge_bpf *ager)
{
	unsigned char frame[ETH_ZLEN] = { 0 };	/* the program ignores it */
	LIBBPF_OPTS(bpf_test_run_opts, run, .data_in = frame, .data_size_in = sizeof(frame),
		    .repeat = 1);

	if (bpf_prog_test_run_opts(bpf_program__fd(prog), &run))
		return -errno;
	if (run.retval != XDP_DROP)
		return -EIO;
	return (int)ager->bss->sweep_removed;
}

/* No generation bump: an expired entry is already a miss in every cache
 * (the cache keeps the entry's last_seen and checks it against the ageing). */
int fdb_age(struct xdpbridge_bpf *ager)
{
	return ager_run(ager->progs.xdpbridge_age, ager);
}

int fdb_age_full(struct xdpbridge_bpf *ager)
{
	return ager_run(ager->progs.xdpbridge_age_full, ager);
}

int ageing_sweep(const struct xb_bridge *br, struct xdpbridge_bpf *ager, bool full)
{
	int removed = full ? fdb_age_full(ager) : fdb_age(ager);

	if (removed > 0)
		pr_debug("bridge %s: aged out %d FDB entries%s", br->name, removed,
			 full ? " (full walk)" : "");
	return removed;
}

uint32_t ageing_sweep_interval_ms(uint32_t ageing_sec)
{
	uint64_t ms = (uint64_t)ageing_sec * 1000 / 10;

	if (ms < 100)
		return 100;
	return ms > 10000 ? 10000 : (uint32_t)ms;
}

bool full_walk_due(struct full_walk_state *st, uint32_t untracked, uint64_t now_ns,
		   uint64_t ageing_ns, uint64_t interval_ns)
{
	if (untracked != st->untracked_seen) {
		uint64_t deadline = now_ns + ageing_ns + interval_ns;

		st->untracked_seen = untracked;
		/* A pending deadline stays: moved on every change, it would never
		 * come while unindexed learning goes on. Later stations wait for
		 * the next one. */
		if (!st->expired_ns)
			st->expired_ns = deadline;
		else
			st->next_expired_ns = deadline;
	}
	return st->expired_ns && now_ns >= st->expired_ns;
}

void full_walk_done(struct full_walk_state *st, uint64_t now_ns)
{
	st->last_full_ns = now_ns;
	if (!st->expired_ns || now_ns < st->expired_ns)
		return;
	/* The walk aged every station counted before now - ageing - interval:
	 * the later deadline becomes the pending one, unless it is covered too. */
	st->expired_ns = st->next_expired_ns > now_ns ? st->next_expired_ns : 0;
	st->next_expired_ns = 0;
}

uint32_t ageing_tick(const struct xb_bridge *br, struct xdpbridge_bpf *ager,
		     struct ageing_schedule *s)
{
	struct xb_config cfg;
	__u32 untracked = bridge_sync_read(br).age_untracked;
	uint32_t interval_ms;
	__u64 now, interval_ns;
	bool full;
	int err;

	if (bridge_config_get(br, &cfg))
		cfg.ageing_ns = XB_DEFAULT_AGEING_SEC * 1000000000ULL;
	interval_ms = ageing_sweep_interval_ms((uint32_t)(cfg.ageing_ns / 1000000000ULL));
	interval_ns = (__u64)interval_ms * 1000000ULL;
	now = monotonic_ns();
	/* `set ageing` may shorten the interval: never wait past it. */
	if (s->next_sweep_ns > now + interval_ns)
		s->next_sweep_ns = now;
	full = full_walk_due(&s->full_walk, untracked, now, cfg.ageing_ns, interval_ns);
	if (now >= s->next_sweep_ns || full) {
		struct timespec t0, t1;

		clock_gettime(CLOCK_MONOTONIC, &t0);
		err = ageing_sweep(br, ager, full);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		s->last_sweep_ns = (uint64_t)(t1.tv_sec - t0.tv_sec) * 1000000000ULL +
				   (uint64_t)t1.tv_nsec - (uint64_t)t0.tv_nsec;
		s->sweep_ns_total += s->last_sweep_ns;
		s->sweeps++;
		s->full_walks += full;
		s->removed += err > 0 ? (__u32)err : 0;
		err = err > 0 ? 0 : err;
		if (err)
			pr_warn("bridge %s: FDB ageing sweep failed: %s", br->name, strerror(-err));
		else if (full)
			full_walk_done(&s->full_walk, now);
		s->next_sweep_ns = now + interval_ns;
	}
	return interval_ms < 1000 ? interval_ms : 1000;
}
