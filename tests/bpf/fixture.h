/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The bridge under test, shared by every tests/bpf/test_*.c file.
 *
 * Criterion forks once per test; fixture_setup() moves that child into a
 * private network namespace (veth pairs <pfx>a0/a1, b0/b1, c0/c1, z0/z1) and
 * a private mount namespace with its own bpffs, then builds the bridge the
 * way the loader does: bridge_create() pins the maps, port_add() attaches one
 * program instance per port (its counters slot in .rodata). The "0" ends are
 * ports, the "1" ends are not. Namespaces, veths, pins and BPF objects all
 * vanish with the child, even when it is killed mid-test.
 *
 * Ports are native XDP (with the TC program behind it) unless the suite's
 * setup says otherwise: fixture_setup_tc (every port in mode tc: the TC
 * program alone) or fixture_setup_tap (port A a tap, without a peer).
 *
 * Frames are run through a port's attached program with
 * bpf_prog_test_run_opts(). Without BPF_F_TEST_XDP_LIVE_FRAMES the kernel does
 * not perform an XDP redirect, so "forwarded to one port" and "flooded" are
 * told apart by the per-CPU counters; test_live.c really delivers frames.
 * (A TC run does send: its redirects and clones leave through the veths.)
 */
#ifndef XB_FIXTURE_H
#define XB_FIXTURE_H

#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <linux/types.h>
#include <net/if.h>
#include <criterion/criterion.h>

#include "xdpbridge.h"
#include "bridge.h"
#include "fdb.h"
#include "xb_test_util.h"

#define NS_PER_SEC	1000000000ULL
#define NS_PER_MS	1000000ULL
#define AGEING_NS	(300 * NS_PER_SEC)	/* what the loader configures */
#define FDB_SIZE	64
/*
 * Slack for comparing the program's bpf_ktime_get_coarse_ns() with this
 * process's CLOCK_MONOTONIC_COARSE: the same clock, but allow a few ticks.
 */
#define CLOCK_SLACK_NS	(50 * NS_PER_MS)

enum { A, B, C, NPORTS };

extern struct xb_bridge test_br;	/* the bridge, as the loader opens it */
extern int port[NPORTS];		/* ifindex of <pfx>a0, b0, c0: ports */
extern int peer[NPORTS];		/* ifindex of <pfx>a1, b1, c1: not ports (a tap: 0) */
extern char port_name[NPORTS][IF_NAMESIZE];
extern char peer_name[NPORTS][IF_NAMESIZE];

void fixture_setup(void);	/* veths in native mode */
void fixture_setup_tc(void);	/* veths in mode tc */
void fixture_setup_tap(void);	/* native, port A a tap (link kind "tun") */
void fixture_setup_with(enum xb_xdp_mode mode, bool tap_a);
void fixture_teardown(void);

/* One Criterion suite per file (or per setup), each test in a fresh bridge. */
#define XB_SUITE_WITH(name, setup_fn)						\
	TestSuite(name, .init = setup_fn, .fini = fixture_teardown, .timeout = 30)
#define XB_SUITE(name)	XB_SUITE_WITH(name, fixture_setup)

/* Run a shell command in the test's namespaces; it must succeed. */
void sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- clock ---- */

/* The clock behind bpf_ktime_get_coarse_ns(). */
__u64 now_coarse(void);
/* A coarse timestamp `age` in the past (waits if the clock is younger). */
__u64 ago(__u64 age);
__u64 now_mono(void);
void sleep_ms(long ms);

/* ---- the bridge's maps ---- */

/* The slot port_add gave ifindex (its key in "ports" and "port_stats"). */
__u32 slot_of(int ifindex);
struct xb_config get_config(void);
/* Write ageing and static_count, bumping fdb_generation as the loader does. */
void set_config(__u64 ageing_ns, __u32 static_count);
/* The counters data path and user space both bump ("fdb_sync"). */
struct xb_fdb_sync get_sync(void);
/* The FDB generation now (every change but a refresh bumps it). */
__u32 fdb_generation(void);
/* Bump fdb_generation only: no CPU trusts its FDB cache any more. */
void fdb_changed(void);
/* Per-port counters summed over every possible CPU. */
struct xb_port_stats port_stats(int ifindex);
/* Every counter of the port must equal want (unnamed fields: zero). */
#define assert_stats(ifindex, what, ...)					\
	assert_stats_eq(ifindex, (struct xb_port_stats){ __VA_ARGS__ }, what)
void assert_stats_eq(int ifindex, struct xb_port_stats want, const char *what);

struct xb_fdb_key fdb_key(const uint8_t *mac);
/* 0 and *e filled, or -ENOENT. */
int fdb_get(const uint8_t *mac, struct xb_fdb_entry *e);
/* A learned entry as if learned at last_seen_ns, with its ageing record
 * (the loader's fdb_learned_put; bumps the generation). */
void fdb_put(const uint8_t *mac, int ifindex, __u64 last_seen_ns);
/* Move an entry behind the loader's back: no generation bump, the entry
 * keeps its ageing record. */
void fdb_put_raw(const uint8_t *mac, int ifindex, __u64 last_seen_ns);
/* A static entry; bumps the generation but leaves static_count alone. */
void static_put(const uint8_t *mac, int ifindex);
unsigned int fdb_count(void);

void assert_learned(const uint8_t *mac, int ifindex, __u64 t0, __u64 t1, const char *what);
void assert_not_learned(const uint8_t *mac, const char *what);

/* ---- the ageing index ("fdb_ages") ---- */

struct xb_age_record age_record(__u32 idx);
/* Records holding a station. */
unsigned int age_records_used(void);
/* Overwrite every record with fake stations seen at last_seen_ns. */
void age_records_fill(__u64 last_seen_ns);
/* mac's entry has a record in one of its two blocks, mirroring it. */
void assert_record_of(const uint8_t *mac, const char *what);
/* The loader's in-kernel sweep (fdb_ager_open); the caller destroys it. */
struct xdpbridge_bpf *ager_open(void);

/* ---- running the program ---- */

/* The linear part xdp_run gives a longer frame (the rest: fragments). */
#define XDP_LINEAR_MAX	3000

/*
 * One bpf_prog_test_run_opts() through the XDP program attached to ingress:
 * size bytes of data, of which the first meta are XDP metadata and data_end
 * ends the linear part (the rest, if any, becomes fragments on kernels that
 * support it). 0 or -errno.
 */
int test_run_raw(int ingress, const void *data, __u32 size, __u32 meta,
		 __u32 data_end, __u32 flags, __u32 *retval);
/* A frame longer than XDP_LINEAR_MAX runs with fragments (skips where the
 * kernel cannot). */
__u32 xdp_run(int ingress, const void *frame, __u32 len);
/* The XDP program on one linear frame, with the frame as it left into out
 * (*out_len: its room in, the frame's length out). */
__u32 xdp_run_out(int ingress, const void *frame, __u32 len, void *out, __u32 *out_len);
/* The TC program attached to ingress on one frame: its verdict (TC_ACT_*). */
int tc_run(int ingress, const void *frame, __u32 len);
/* The XDP program attached to ingress, for callers that run it from their
 * own threads (Criterion's asserts belong to the test's main thread). */
int xdp_prog_fd(int ingress);
/* Run one XB_FRAME_LEN-byte frame src -> dst received on ingress. */
__u32 send_frame(int ingress, const uint8_t *dst, const uint8_t *src);

#define assert_verdict(got, want, what)						\
	cr_assert_eq(got, want, "%s: verdict %s, want %s", what,		\
		     xb_verdict_str(got), xb_verdict_str(want))


/* Live delivery (BPF_F_TEST_XDP_LIVE_FRAMES), for the tests that count what
 * really arrives on the peers. GRO on ifname (a veth's peer then runs NAPI):
 * 0 or -errno. */
int set_gro(const char *ifname);
/* Test frames from src each peer's packet socket in fds received, until every
 * peer has its want (or 2 s), then 200 ms more for copies that should not come. */
void sniff(const int fds[NPORTS], const uint8_t *src, const int want[NPORTS], int got[NPORTS]);
/* Before 6.3, BPF_F_TEST_XDP_LIVE_FRAMES hands broadcast clones a frame whose
 * data was overwritten ("bpf, test_run: fix &xdp_frame misplacement for
 * LIVE_FRAMES", seen on Debian's 6.1 in vmtest). Real traffic is unaffected. */
bool live_clones_broken(void);
/* One frame through ingress's XDP program, really delivered (skips the test
 * where the kernel lacks live frames). Where live clones are broken, the
 * frame goes into ingress's peer instead, as real traffic. */
void live_send(int ingress, const uint8_t *dst, const uint8_t *src);
/* frame written into port p's peer (p: A, B, C), so it enters port p as
 * real traffic: the stack moves a tag into skb metadata before TC. */
void inject(int p, const void *frame, __u32 len);

#endif /* XB_FIXTURE_H */
