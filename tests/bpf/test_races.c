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
