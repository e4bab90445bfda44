// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Races between the data path and user space (issue 10, items 5 and 6):
 * stress runs with the real programs on two threads, checked once both are
 * quiet. Each counts what went wrong rather than timing anything.
 * The bridge under test: fixture.h.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <bpf/bpf.h>

#include "fixture.h"
#include "xdpbridge.skel.h"

XB_SUITE(races);

/* One frame src -> dst through an XDP program, from any thread: 0 or -errno. */
static int run_frame(int prog_fd, int ingress, const uint8_t *dst, const uint8_t *src)
{
	uint8_t buf[XB_FRAME_LEN];
	__u32 len = xb_frame(buf, dst, src);
	struct xdp_md ctx = { .data_end = len, .ingress_ifindex = (__u32)ingress };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = buf, .data_size_in = len,
		    .ctx_in = &ctx, .ctx_size_in = sizeof(ctx), .repeat = 1);

	return bpf_prog_test_run_opts(prog_fd, &opts) ? -errno : 0;
}

/* ---- item 5: the data path's generation bumps against user space's ---- */

struct moves {
	int prog_fd[2];		/* ports A and B */
	int ifindex[2];
	unsigned int frames;	/* each one learns or moves S: one bump */
	unsigned int done;	/* frames run */
	int err;
	atomic_bool stop;
};

/* S alternates between A and B: every frame is a move, every move a bump. */
static void *move_station(void *arg)
{
	struct moves *m = arg;

	for (m->done = 0; m->done < m->frames; m->done++) {
		int i = m->done & 1;

		m->err = run_frame(m->prog_fd[i], m->ifindex[i], MAC_BCAST, MAC_S);
		if (m->err)
			break;
	}
	atomic_store(&m->stop, true);
	return NULL;
}

Test(races, user_space_fdb_changes_lose_no_data_path_generation_bump)
{
	struct moves m = { .prog_fd = { xdp_prog_fd(port[A]), xdp_prog_fd(port[B]) },
			   .ifindex = { port[A], port[B] }, .frames = 100000 };
	unsigned int user_bumps = 0;
	__u32 gen0, gen1, want;
	pthread_t t;
	int err = 0;

	/* S known on B first: a new station bumps nothing, a move does. */
	cr_assert_eq(run_frame(m.prog_fd[1], m.ifindex[1], MAC_BCAST, MAC_S), 0, "S learned on B");
	gen0 = fdb_generation();
	cr_assert_eq(pthread_create(&t, NULL, move_station, &m), 0, "the data-path thread must start");
	/* User space's own changes (fdb add/del, port add/del, flush) meanwhile. */
	while (!atomic_load(&m.stop) && !err) {
		err = fdb_mark_changed(&test_br);
		user_bumps += !err;
	}
	pthread_join(t, NULL);
	cr_assert_eq(m.err, 0, "every frame must run: %s", strerror(-m.err));
	cr_assert_eq(err, 0, "fdb_mark_changed must succeed: %s", strerror(-err));

	gen1 = fdb_generation();
	want = gen0 + m.done + user_bumps;
	cr_log_info("generation: %u data-path bumps, %u user-space bumps, %d lost",
		    m.done, user_bumps, (int)(want - gen1));
	cr_assert_eq(gen1, want,
		     "fdb_generation %u, want %u (%u moves + %u user-space changes): %d increments lost",
		     gen1, want, m.done, user_bumps, (int)(want - gen1));
}

/* ---- item 6: a record the sweep frees while the data path re-claims it ---- */

#define STATIONS	32
#define ROUNDS		2000

static void station_mac(uint8_t *mac, int i)
{
	memcpy(mac, MAC_S, ETH_ALEN);
	mac[4] = 0x10;
	mac[5] = (uint8_t)i;
}

struct relearn {
	pthread_barrier_t start, end;
	int prog_fd;
	int ifindex;
	struct xdpbridge_bpf *ager;
	atomic_bool learned;	/* this round's frames are all in */
	atomic_bool quit;
	unsigned long sweeps;
	int err;
};

/* Each round: one frame from every station, which relearns it. */
static void *relearn_stations(void *arg)
{
	struct relearn *r = arg;
	uint8_t mac[ETH_ALEN];

	for (;;) {
		pthread_barrier_wait(&r->start);
		if (atomic_load(&r->quit))
			break;
		for (int i = 0; i < STATIONS && !r->err; i++) {
			station_mac(mac, i);
			r->err = run_frame(r->prog_fd, r->ifindex, MAC_BCAST, mac);
		}
		atomic_store(&r->learned, true);
		pthread_barrier_wait(&r->end);
	}
	return NULL;
}

/* Each round: index sweeps until the stations are relearned. */
static void *sweep_meanwhile(void *arg)
{
	struct relearn *r = arg;
	int ret;

	for (;;) {
		pthread_barrier_wait(&r->start);
		if (atomic_load(&r->quit))
			break;
		do {
			ret = fdb_age(r->ager);
			r->sweeps++;
		} while (ret >= 0 && !atomic_load(&r->learned));
		if (ret < 0)
			r->err = ret;
		pthread_barrier_wait(&r->end);
	}
	return NULL;
}

/* The state a full walk, an LRU eviction or `fdb del` leaves: the stations'
 * entries gone, their records still there (and old: the sweep looks at them). */
static void entries_gone_records_stay(__u64 old)
{
	uint8_t mac[ETH_ALEN];
	struct xb_age_block b;

	for (int i = 0; i < STATIONS; i++) {
		struct xb_fdb_key key;

		station_mac(mac, i);
		key = fdb_key(mac);
		bpf_map_delete_elem(test_br.fdb_fd, &key);
	}
	for (__u32 blk = 0; blk <= test_br.age_block_mask; blk++) {
		bool used = false;

		cr_assert_eq(bpf_map_lookup_elem(test_br.ages_fd, &blk, &b), 0, "fdb_ages[%u] readable", blk);
		for (int w = 0; w < XB_AGE_WAYS; w++) {
			if (b.way[w].key.mac[0]) {
				b.way[w].last_seen_ns = old;
				used = true;
			}
		}
		if (used)
			cr_assert_eq(bpf_map_update_elem(test_br.ages_fd, &blk, &b, BPF_ANY), 0,
				     "fdb_ages[%u] writable", blk);
	}
}

/* Stations whose entry's age_slot is not a record holding them: no index
 * sweep will ever age them. */
static int stations_without_record(void)
{
	uint8_t mac[ETH_ALEN];
	int n = 0;

	for (int i = 0; i < STATIONS; i++) {
		struct xb_fdb_key key;
		struct xb_age_record rec;
		struct xb_fdb_entry e;

		station_mac(mac, i);
		key = fdb_key(mac);
		if (fdb_get(mac, &e))
			continue;
		if (e.age_slot == XB_AGE_NONE) {
			n++;
			continue;
		}
		rec = age_record(e.age_slot);
		n += memcmp(&rec.key, &key, sizeof(key)) != 0;
	}
	return n;
}

Test(races, swept_record_reclaimed_by_the_data_path_keeps_its_station, .timeout = 120)
{
	struct relearn r = { .prog_fd = xdp_prog_fd(port[A]), .ifindex = port[A], .ager = ager_open() };
	unsigned int escaped = 0, covered = 0, rounds;
	__u64 old = ago(20 * NS_PER_SEC);
	pthread_t dp, sweep;
	uint8_t mac[ETH_ALEN];

	set_config(10 * NS_PER_SEC, 0);
	for (int i = 0; i < STATIONS; i++) {
		station_mac(mac, i);
		fdb_put(mac, port[A], now_coarse());
	}
	pthread_barrier_init(&r.start, NULL, 3);
	pthread_barrier_init(&r.end, NULL, 3);
	cr_assert_eq(pthread_create(&dp, NULL, relearn_stations, &r), 0, "data-path thread");
	cr_assert_eq(pthread_create(&sweep, NULL, sweep_meanwhile, &r), 0, "sweep thread");
	for (rounds = 0; rounds < ROUNDS && !r.err; rounds++) {
		__u32 untracked = get_sync().age_untracked;
		int lost, reported;

		entries_gone_records_stay(old);
		atomic_store(&r.learned, false);
		pthread_barrier_wait(&r.start);
		pthread_barrier_wait(&r.end);
		lost = stations_without_record();
		/* A station the data path counted as untracked is the full walk's. */
		reported = (int)(get_sync().age_untracked - untracked);
		covered += lost < reported ? lost : reported;
		escaped += lost > reported ? lost - reported : 0;
	}
	atomic_store(&r.quit, true);
	pthread_barrier_wait(&r.start);
	pthread_join(dp, NULL);
	pthread_join(sweep, NULL);
	xdpbridge_bpf__destroy(r.ager);
	cr_assert_eq(r.err, 0, "every frame and sweep must run: %s", strerror(-r.err));

	cr_log_info("%u rounds, %lu sweeps: %u stations escaped ageing, %u left to the full walk",
		    rounds, r.sweeps, escaped, covered);
	cr_assert_eq(escaped, 0,
		     "%u of %u relearned stations point at a record the sweep freed, with no full walk due: they never age",
		     escaped, rounds * STATIONS);
}
