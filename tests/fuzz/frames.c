// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The frame fuzzer: random and mutated frames through the real programs
 * (xdpbridge_rx, and xdpbridge_tc behind it or alone) of a bridge built by the
 * BPF suites' fixture (tests/bpf/fixture.h: private netns, mount ns, bpffs),
 * interleaved with what user space does to a running bridge (static entries
 * added and deleted, learned entries written, ports removed and re-added in
 * another mode, port settings, ageing sweeps, flushes, the ageing time).
 * After every frame it checks the invariants of issue 10:
 *
 *   - counted once: the ingress port's rx grew by one and exactly one outcome
 *     counter (forwarded, flooded, to_host, one dropped[] reason) by one, with
 *     the frame's bytes; to_skb grew iff XDP handed the frame to the TC
 *     program, which then counted the outcome; the verdict agrees;
 *   - never out the ingress port: a forwarded frame's target (the slot and
 *     ifindex the decision took, read back from this CPU's fdb_cache, which
 *     the lookup fills) is another port, and the port in that slot;
 *   - never learn an invalid source: a group or zero source is dropped and
 *     never in the FDB; a learned source points at the ingress port and slot;
 *   - a static (or local) entry never moves, and a frame to one goes to its
 *     port or is dropped, never flooded; where the data path drops hijacks
 *     (hijack_dropped), a frame from elsewhere with its MAC as source is
 *     dropped;
 *   - an isolated port never reaches another isolated port: unicast by its
 *     target, floods by the copies seen at the ports' veth peers (where the
 *     data path knows isolation at all, see isolation_supported).
 * Every 1024 frames it also checks every port's counters (nothing counted
 * on a port that did not receive the frame, rx == sum of outcomes) and the
 * whole FDB (every key a station, every entry on a live port and its slot).
 *
 * Reproducible: everything random comes from one splitmix64 stream seeded by
 * XB_FUZZ_SEED (printed at start; random when unset), so
 *   XB_FUZZ_SEED=0x... build/test_fuzz --filter 'fuzz/frames_native'
 * replays the same frames and operations. (The data path also reads the
 * clock: its caches and refreshes may differ from run to run.) A failure
 * prints the seed, the iteration and the frame in hex. XB_FUZZ_FRAMES sets
 * how many frames frames_native runs (default 80,000, `make test`: with the
 * others' shares about 200,000 in all; `make fuzz` 1,000,000 per seed), the
 * others half of that (frames_stale 40 %).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <arpa/inet.h>
#include <inttypes.h>
#include <net/if.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/pkt_cls.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "fixture.h"
#include "netlink.h"
#include "port.h"
#include "tc.h"
#include "xdpbridge.skel.h"
/* Port settings through the loader where it has them (`port set`: the config
 * gates and egress programs follow the settings), else raw map writes. */
#if __has_include("policy.h")
#include "policy.h"
#define HAVE_PORT_POLICY 1
#endif

#define DEFAULT_FRAMES	80000	/* frames_native's; the others run a share */
#define MAX_FRAME	1600
#define NSTATIONS	24
#define MAX_STATICS	12
#define CHECK_EVERY	1024
/* Ports of the fuzzed bridge: the fixture's spare (slot 0), A, B, C and two of
 * our own, D and E. The spare never leaves; A stays too, so frames always
 * have somewhere to come from. */
enum { PZ, PA, PB, PC, PD, PE, NFP };

struct fport {
	char name[IF_NAMESIZE];
	int ifindex;
	bool attached;
	enum xb_xdp_mode mode;
	int xdp_fd, tc_fd;
	__u32 slot;
	__u32 old_slot;			/* detached: the slot it had (for stale entries) */
	__u8 mac[ETH_ALEN];		/* the interface's own address */
	struct xb_port_stats seen;	/* counters after the last check */
	int sniff_fd;			/* frames_isolation: packet socket on its peer */
	__u64 unfinished;		/* XDP handed to the skb path, TC could not run */
};

/* An FDB entry as a lost race leaves it: a removed port's ifindex and old
 * slot (issue 10 item 8). The whole-state check lets it be. */
struct stale_ent {
	__u8 mac[ETH_ALEN];
	__u32 ifindex, slot;
};
#define MAX_STALE	8
#define MAX_SLOTS	8	/* the fixture's --max-ports */

struct static_ent {
	__u8 mac[ETH_ALEN];
	int port;			/* index into fz.p */
	__u32 ifindex, slot;
	bool local;			/* XB_FDB_LOCAL: the bridge's own address */
};

/* What a run did, for the report and the final sanity checks. */
struct fuzz_tally {
	uint64_t frames, xdp, tc, to_skb, unrunnable, tc_refused;
	uint64_t forwarded, flooded, to_host, dropped[XB_DROP_MAX];
	uint64_t ops, port_moves, sweeps, statics, learn_absent, stale;
	uint64_t iso_floods, iso_copies;	/* isolated floods sniffed, copies seen */
	double ops_secs;		/* time spent in operations, not frames */
};

static struct fuzz {
	const char *test;
	uint64_t seed, rng, iter;
	struct fport p[NFP];
	struct static_ent st[MAX_STATICS];
	int nst;
	struct stale_ent stale[MAX_STALE];
	int nstale;
	bool with_stale;		/* craft stale entries (frames_stale) */
	bool check_hijack;		/* the data path drops a static MAC from elsewhere */
	struct xb_port_conf conf[MAX_SLOTS];	/* "port_conf" as we wrote it */
	__u8 stations[NSTATIONS][ETH_ALEN];
	__u8 frame[MAX_FRAME], prev[MAX_FRAME];
	__u32 len, prev_len;
	int cpu, ncpu;
	bool check_isolation;
	int runt_how;			/* how a frame < ETH_HLEN is run (see run_xdp) */
	struct xdpbridge_bpf *ager;
	struct xb_port_stats *pcpu;
	struct xb_fdb_cache *cache_pcpu;
	struct fuzz_tally t;
} fz;

/* ---- randomness ----------------------------------------------------------- */

static uint64_t splitmix64(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t rnd(void)
{
	return splitmix64(&fz.rng);
}

/* Uniform enough in [0, n) for n far below 2^32. */
static uint32_t below(uint32_t n)
{
	return n ? (uint32_t)(rnd() % n) : 0;
}

static bool chance(uint32_t percent)
{
	return below(100) < percent;
}

static uint64_t fuzz_seed(void)
{
	const char *s = getenv("XB_FUZZ_SEED");

	return s && *s ? strtoull(s, NULL, 0) : 0;
}

/*
 * One seed for the whole run: chosen in the runner before Criterion starts
 * its workers (each test runs in a fresh process that inherits the
 * environment), so every test of the run replays from the one printed.
 */
__attribute__((constructor)) static void fuzz_seed_choose(void)
{
	uint64_t seed;
	char buf[32];

	if (getenv("XB_FUZZ_SEED"))
		return;
	if (getrandom(&seed, sizeof(seed), 0) != sizeof(seed))
		seed = (uint64_t)time(NULL) ^ (uint64_t)getpid() << 32;
	snprintf(buf, sizeof(buf), "0x%016" PRIx64, seed);
	setenv("XB_FUZZ_SEED", buf, 1);
	fprintf(stderr, "fuzz: seed %s (XB_FUZZ_SEED=%s to replay)\n", buf, buf);
}

static uint64_t fuzz_frames(uint32_t share_percent)
{
	const char *s = getenv("XB_FUZZ_FRAMES");
	uint64_t total = s && *s ? strtoull(s, NULL, 0) : DEFAULT_FRAMES;

	return total * share_percent / 100;
}

/* ---- failure report ---------------------------------------------------------- */

static void dump_frame(FILE *out)
{
	fprintf(out, "fuzz: frame (%u bytes):", fz.len);
	for (__u32 i = 0; i < fz.len; i++)
		fprintf(out, "%s%02x", i % 32 ? "" : "\n  ", fz.frame[i]);
	fprintf(out, "\n");
}

#define FUZZ_FAIL(fmt, ...) do {							\
		fprintf(stderr, "fuzz: FAILED %s seed 0x%016" PRIx64 " iteration %" PRIu64	\
			": " fmt "\n", fz.test, fz.seed, fz.iter, ##__VA_ARGS__);	\
		dump_frame(stderr);							\
		fprintf(stderr, "fuzz: replay: XB_FUZZ_SEED=0x%016" PRIx64		\
			" build/test_fuzz --filter 'fuzz/%s'\n", fz.seed, fz.test);	\
		cr_assert_fail("%s: seed 0x%016" PRIx64 " iteration %" PRIu64 ": " fmt,	\
			       fz.test, fz.seed, fz.iter, ##__VA_ARGS__);		\
	} while (0)

#define FUZZ_CHECK(cond, fmt, ...) do {						\
		if (!(cond))								\
			FUZZ_FAIL(fmt, ##__VA_ARGS__);					\
	} while (0)

/* ---- the bridge ------------------------------------------------------------------ */

static void read_hwaddr(const char *ifname, __u8 *mac)
{
	struct ifreq ifr = { 0 };
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	cr_assert_geq(s, 0, "socket: %s", strerror(errno));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	cr_assert_eq(ioctl(s, SIOCGIFHWADDR, &ifr), 0, "SIOCGIFHWADDR %s: %s", ifname,
		     strerror(errno));
	memcpy(mac, ifr.ifr_hwaddr.sa_data, ETH_ALEN);
	close(s);
}

static struct xb_port_stats stats_of_slot(__u32 slot)
{
	struct xb_port_stats sum = { 0 };

	cr_assert_eq(bpf_map_lookup_elem(test_br.stats_fd, &slot, fz.pcpu), 0,
		     "port_stats[%u] must be readable: %s", slot, strerror(errno));
	for (int c = 0; c < fz.ncpu; c++) {
		const __u64 *src = (const __u64 *)&fz.pcpu[c];
		__u64 *dst = (__u64 *)&sum;

		for (size_t i = 0; i < sizeof(sum) / sizeof(__u64); i++)
			dst[i] += src[i];
	}
	return sum;
}

static int prog_fd_of(int ifindex, bool xdp)
{
	__u32 id = 0;
	int fd;

	if (xdp) {
		if (bpf_xdp_query_id(ifindex, 0, &id))
			id = 0;
	} else {
		id = port_tc_prog_id(ifindex);
	}
	if (!id)
		return -1;
	fd = bpf_prog_get_fd_by_id(id);
	cr_assert_geq(fd, 0, "program %u of ifindex %d must open: %s", id, ifindex, strerror(errno));
	return fd;
}

/* The port's programs, slot and counters, after port_add (or setup). */
static void port_refresh(struct fport *p)
{
	struct xb_port_info info;
	__u32 key = (__u32)p->ifindex;

	cr_assert_eq(bpf_map_lookup_elem(test_br.info_fd, &key, &info), 0,
		     "%s must be a port: %s", p->name, strerror(errno));
	p->slot = info.slot;
	p->mode = (enum xb_xdp_mode)info.xdp_mode;
	if (p->xdp_fd >= 0)
		close(p->xdp_fd);
	if (p->tc_fd >= 0)
		close(p->tc_fd);
	p->xdp_fd = p->mode == XB_MODE_TC ? -1 : prog_fd_of(p->ifindex, true);
	p->tc_fd = prog_fd_of(p->ifindex, false);
	cr_assert(p->mode == XB_MODE_TC || p->xdp_fd >= 0, "%s must have its XDP program", p->name);
	cr_assert_geq(p->tc_fd, 0, "%s must have its TC program", p->name);
	p->seen = stats_of_slot(p->slot);	/* port_add zeroed them */
	cr_assert_lt(p->slot, MAX_SLOTS, "slot %u within the fixture's ports", p->slot);
	cr_assert_eq(bpf_map_lookup_elem(test_br.conf_fd, &p->slot, &fz.conf[p->slot]), 0,
		     "port_conf[%u] must be readable: %s", p->slot, strerror(errno));
	p->unfinished = 0;
	p->attached = true;
}

static void port_attach(struct fport *p, enum xb_xdp_mode mode)
{
	struct nl_link link = { .ifindex = p->ifindex };
	int err;

	snprintf(link.ifname, sizeof(link.ifname), "%s", p->name);
	snprintf(link.kind, sizeof(link.kind), "veth");
	err = port_add(&test_br, &link, mode, 0);
	cr_assert_eq(err, 0, "port_add(%s, %s) must attach: %s", p->name, xb_mode_name(mode),
		     strerror(-err));
	port_refresh(p);
}

static bool hijack_dropped(void);
static void probe_run(struct fport *p, const char *what);

/* libbpf's warnings, but not the one a tc-mode port's attach provokes each
 * time (clsact exists: expected, handled). */
static int fuzz_libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG || strstr(fmt, "Kernel error message"))
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static void fuzz_setup(const char *test, int salt)
{
	const int fixture_ports[] = { [PA] = A, [PB] = B, [PC] = C };
	char spare[IF_NAMESIZE];

	memset(&fz, 0, sizeof(fz));
	fz.test = test;
	fz.seed = fuzz_seed();
	fz.rng = fz.seed ^ (uint64_t)salt * 0x9e3779b97f4a7c15ULL;
	fz.ncpu = libbpf_num_possible_cpus();
	fz.pcpu = calloc(fz.ncpu, sizeof(*fz.pcpu));
	fz.cache_pcpu = calloc(fz.ncpu, sizeof(*fz.cache_pcpu));
	cr_assert(fz.pcpu && fz.cache_pcpu, "calloc");
	for (int i = 0; i < NFP; i++)
		fz.p[i].xdp_fd = fz.p[i].tc_fd = fz.p[i].sniff_fd = -1;

	/* One CPU: the test run executes here, and its fdb_cache is ours to read. */
	{
		cpu_set_t set;

		fz.cpu = sched_getcpu();
		CPU_ZERO(&set);
		CPU_SET(fz.cpu, &set);
		cr_assert_eq(sched_setaffinity(0, sizeof(set), &set), 0, "pinning to CPU %d: %s",
			     fz.cpu, strerror(errno));
	}

	snprintf(spare, sizeof(spare), "xbt%dz0", (int)getpid());
	for (int i = PZ; i < NFP; i++) {
		struct fport *p = &fz.p[i];

		if (i == PZ)
			snprintf(p->name, sizeof(p->name), "%s", spare);
		else if (i <= PC)
			snprintf(p->name, sizeof(p->name), "%s", port_name[fixture_ports[i]]);
		else
			snprintf(p->name, sizeof(p->name), "xbt%d%c0", (int)getpid(), 'd' + i - PD);
		if (i >= PD)
			sh("set -e; ip link add %s type veth peer name xbt%d%c1; ip link set %s up; "
			   "ip link set xbt%d%c1 up", p->name, (int)getpid(), 'd' + i - PD, p->name,
			   (int)getpid(), 'd' + i - PD);
		p->ifindex = (int)if_nametoindex(p->name);
		cr_assert_gt(p->ifindex, 0, "%s must exist", p->name);
		read_hwaddr(p->name, p->mac);
		if (i >= PD)
			port_attach(p, i == PE ? XB_MODE_TC : XB_MODE_NATIVE);
		else
			port_refresh(p);
	}
	for (int i = 0; i < NSTATIONS; i++) {
		uint64_t r = rnd();

		memcpy(fz.stations[i], &r, ETH_ALEN);
		fz.stations[i][0] = (fz.stations[i][0] & 0xfc) | 0x02;	/* local unicast */
	}
	fz.ager = ager_open();
	libbpf_set_print(fuzz_libbpf_print);
	fprintf(stderr, "fuzz: %s: seed 0x%016" PRIx64 ", CPU %d\n", test, fz.seed, fz.cpu);
	fz.check_hijack = hijack_dropped();
	if (!fz.check_hijack)
		fprintf(stderr, "fuzz: %s: a static MAC from another port is not dropped here "
			"(issue 10 item 1 not in): that invariant is not checked\n", test);

}

static void fuzz_teardown(void)
{
	for (int i = 0; i < NFP; i++) {
		if (fz.p[i].sniff_fd >= 0)
			close(fz.p[i].sniff_fd);
		if (fz.p[i].xdp_fd >= 0)
			close(fz.p[i].xdp_fd);
		if (fz.p[i].tc_fd >= 0)
			close(fz.p[i].tc_fd);
	}
	if (fz.ager)
		xdpbridge_bpf__destroy(fz.ager);
	free(fz.pcpu);
	free(fz.cache_pcpu);
	fz.ager = NULL;
	fz.pcpu = NULL;
	fz.cache_pcpu = NULL;
	fixture_teardown();
}

/* Only this process writes "port_conf" (and port_add, see port_refresh):
 * the mirror spares a syscall per frame. */
static struct xb_port_conf conf_of(__u32 slot)
{
	return fz.conf[slot < MAX_SLOTS ? slot : 0];
}

static void conf_set(__u32 slot, const struct xb_port_conf *c)
{
#ifdef HAVE_PORT_POLICY
	int err = port_conf_write(&test_br, slot, c);

	cr_assert_eq(err, 0, "port_conf_write(slot %u): %s", slot, strerror(-err));
#else
	cr_assert_eq(bpf_map_update_elem(test_br.conf_fd, &slot, c, BPF_ANY), 0,
		     "port_conf[%u] must be writable: %s", slot, strerror(errno));
#endif
	fz.conf[slot] = *c;
}

static struct stale_ent *stale_find(const __u8 *mac)
{
	for (int i = 0; i < fz.nstale; i++)
		if (!memcmp(fz.stale[i].mac, mac, ETH_ALEN))
			return &fz.stale[i];
	return NULL;
}

static struct fport *port_by_slot(__u32 slot)
{
	for (int i = 0; i < NFP; i++)
		if (fz.p[i].attached && fz.p[i].slot == slot)
			return &fz.p[i];
	return NULL;
}

static struct fport *port_by_ifindex(__u32 ifindex)
{
	for (int i = 0; i < NFP; i++)
		if (fz.p[i].attached && (__u32)fz.p[i].ifindex == ifindex)
			return &fz.p[i];
	return NULL;
}

static int random_attached(bool with_spare)
{
	int i;

	do
		i = (int)below(NFP);
	while (!fz.p[i].attached || (i == PZ && !with_spare));
	return i;
}

static struct static_ent *static_find(const __u8 *mac)
{
	for (int i = 0; i < fz.nst; i++)
		if (!memcmp(fz.st[i].mac, mac, ETH_ALEN))
			return &fz.st[i];
	return NULL;
}

static void static_forget(int i)
{
	fz.st[i] = fz.st[--fz.nst];
}

/* ---- frames ------------------------------------------------------------------------ */

static void random_bytes(__u8 *b, size_t n)
{
	for (size_t i = 0; i < n; i += 8) {
		uint64_t r = rnd();

		memcpy(b + i, &r, n - i < 8 ? n - i : 8);
	}
}

/* A MAC an attacker or a broken NIC might use: group, zero, link-local, the
 * bridge's own, a static entry's, a known station's, anything. */
static void pick_mac(__u8 *mac, bool as_source)
{
	uint32_t r = below(100);

	if (as_source)
		r = r < 55 ? 0 : r;	/* sources: known stations more often */
	if (r < 30) {
		memcpy(mac, fz.stations[below(NSTATIONS)], ETH_ALEN);
	} else if (r < 40 && fz.nst) {
		memcpy(mac, fz.st[below(fz.nst)].mac, ETH_ALEN);
	} else if (r < 46) {
		memcpy(mac, fz.p[below(NFP)].mac, ETH_ALEN);
	} else if (r < 53) {
		memset(mac, 0xff, ETH_ALEN);
	} else if (r < 58) {
		memset(mac, 0, ETH_ALEN);
	} else if (r < 66) {
		static const __u8 groups[][3] = { { 0x01, 0x00, 0x5e }, { 0x33, 0x33, 0x00 },
						  { 0x01, 0x1b, 0x19 }, { 0x01, 0x00, 0x0c } };

		random_bytes(mac, ETH_ALEN);
		if (chance(50))
			memcpy(mac, groups[below(4)], 3);
		mac[0] |= 1;
	} else if (r < 75) {
		const __u8 ll[ETH_ALEN] = { 0x01, 0x80, 0xc2, 0x00, 0x00, (__u8)below(0x20) };

		memcpy(mac, ll, ETH_ALEN);
	} else {
		random_bytes(mac, ETH_ALEN);
		if (chance(50))
			mac[0] &= 0xfe;
	}
}

static void put16(__u8 *b, __u16 v)
{
	b[0] = v >> 8;
	b[1] = v & 0xff;
}

static __u32 random_length(void)
{
	uint32_t r = below(100);

	if (r < 8)
		return below(ETH_HLEN);			/* runt */
	if (r < 15)
		return ETH_HLEN + below(12);		/* header, maybe half a tag */
	if (r < 55)
		return 14 + below(51);			/* up to the minimum frame */
	if (r < 90)
		return 64 + below(XB_FRAME_STD_MAX - 64 + 1);
	return XB_FRAME_STD_MAX + 1 + below(MAX_FRAME - XB_FRAME_STD_MAX);	/* > MTU */
}

static void make_frame(void)
{
	static const __u16 tpids[] = { 0x8100, 0x88a8, 0x9100 };
	static const __u16 types[] = { 0x0800, 0x86dd, 0x0806, 0x8808, 0x88cc, 0x888e,
				       0x88b5, 0x0000, 0xffff, 0x05dc };
	__u32 off = 2 * ETH_ALEN, tags;

	if (fz.prev_len && chance(20)) {
		/* mutate the previous frame: a few bytes, maybe its length */
		memcpy(fz.frame, fz.prev, MAX_FRAME);
		fz.len = chance(30) ? random_length() : fz.prev_len;
		for (uint32_t n = 1 + below(8); n; n--)
			fz.frame[below(fz.len > 0 ? fz.len : 1)] ^= (__u8)(1 + below(255));
		goto done;
	}
	random_bytes(fz.frame, MAX_FRAME);
	fz.len = random_length();
	pick_mac(fz.frame, false);
	pick_mac(fz.frame + ETH_ALEN, true);

	tags = below(10);
	tags = tags < 5 ? 0 : tags < 7 ? 1 : tags < 9 ? 2 : 3 + below(4);
	for (__u32 i = 0; i < tags; i++) {
		/* QinQ the usual way round (S-tag outside); sometimes any order */
		__u16 tpid = tags == 2 && chance(70) ? (i ? 0x8100 : 0x88a8) : tpids[below(3)];

		put16(fz.frame + off, tpid);
		put16(fz.frame + off + 2, (__u16)rnd());	/* PCP, DEI, VID 0..4095 */
		off += 4;
	}
	put16(fz.frame + off, chance(70) ? types[below(10)] : (__u16)rnd());
done:
	memcpy(fz.prev, fz.frame, MAX_FRAME);
	fz.prev_len = fz.len;
}

/* ---- running a frame ------------------------------------------------------------------ */

static int xdp_test_run(int fd, int ifindex, const void *data, __u32 size, __u32 meta,
			__u32 data_end, __u32 *retval)
{
	struct xdp_md ctx = { .data = meta, .data_end = data_end, .ingress_ifindex = ifindex };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = data, .data_size_in = size,
		    .ctx_in = &ctx, .ctx_size_in = sizeof(ctx), .repeat = 1);

	if (bpf_prog_test_run_opts(fd, &opts))
		return -errno;
	*retval = opts.retval;
	return 0;
}

/*
 * The XDP program on the frame. The kernel refuses test input shorter than
 * ETH_HLEN; a runt goes in as test_validation.c's drops_runt makes one
 * (runt_how: 0 a short buffer, 1 a 14-byte buffer with a short linear part,
 * 2 XDP metadata in front), the first way this kernel takes. *bytes: the
 * length the program sees, fragments included. -EINVAL: no way for this one.
 */
static int run_xdp(struct fport *p, __u32 *verdict, __u32 *bytes)
{
	__u8 buf[32 + ETH_HLEN];
	__u32 meta;
	int err = -EINVAL;

	*bytes = fz.len;
	if (fz.len >= ETH_HLEN)
		return xdp_test_run(p->xdp_fd, p->ifindex, fz.frame, fz.len, 0, fz.len, verdict);
	for (; fz.runt_how <= 2; fz.runt_how++) {
		switch (fz.runt_how) {
		case 0:
			err = xdp_test_run(p->xdp_fd, p->ifindex, fz.frame, fz.len, 0, fz.len, verdict);
			break;
		case 1:
			*bytes = ETH_HLEN;
			err = xdp_test_run(p->xdp_fd, p->ifindex, fz.frame, ETH_HLEN, 0, fz.len, verdict);
			break;
		default:
			*bytes = fz.len;
			meta = (ETH_HLEN - fz.len + 3) & ~3U;
			memset(buf, 0, meta);
			memcpy(buf + meta, fz.frame, fz.len);
			err = xdp_test_run(p->xdp_fd, p->ifindex, buf, meta + fz.len, meta,
					   meta + fz.len, verdict);
			break;
		}
		if (err != -EINVAL)
			return err;
		if (fz.len == 0)
			return err;	/* maybe only this length: keep the way for others */
	}
	fz.runt_how = 2;
	return err;
}

/*
 * The kernel's skb test run refuses (EINVAL) an IPv4 or IPv6 frame shorter
 * than its network header (seen on 6.18: 34 and 54 bytes), though a port
 * would receive one.
 */
static bool tc_refuses(void)
{
	__u16 proto = fz.len >= ETH_HLEN ? (__u16)(fz.frame[12] << 8 | fz.frame[13]) : 0;

	return fz.len < ETH_HLEN || (proto == ETH_P_IP && fz.len < ETH_HLEN + 20) ||
	       (proto == ETH_P_IPV6 && fz.len < ETH_HLEN + 40);
}

static int run_tc(struct fport *p, int *verdict)
{
	struct __sk_buff ctx = { .ifindex = (__u32)p->ifindex };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = fz.frame, .data_size_in = fz.len,
		    .ctx_in = &ctx, .ctx_size_in = sizeof(ctx), .repeat = 1);

	if (bpf_prog_test_run_opts(p->tc_fd, &opts))
		return -errno == -EINVAL && tc_refuses() ? -EMSGSIZE : -errno;
	*verdict = (int)opts.retval;
	return 0;
}

static struct xb_fdb_cache my_cache(void)
{
	__u32 zero = 0;

	cr_assert_eq(bpf_map_lookup_elem(test_br.cache_fd, &zero, fz.cache_pcpu), 0,
		     "fdb_cache must be readable: %s", strerror(errno));
	return fz.cache_pcpu[fz.cpu];
}

static int fdb_lookup_mac(const __u8 *mac, struct xb_fdb_entry *e)
{
	struct xb_fdb_key key = fdb_key(mac);

	return bpf_map_lookup_elem(test_br.fdb_fd, &key, e) ? -errno : 0;
}

static int static_lookup_mac(const __u8 *mac, struct xb_fdb_static *s)
{
	struct xb_fdb_key key = fdb_key(mac);

	return bpf_map_lookup_elem(test_br.fdb_static_fd, &key, s) ? -errno : 0;
}


static struct xb_port_stats stats_delta(const struct xb_port_stats *now,
					const struct xb_port_stats *before)
{
	struct xb_port_stats d;
	const __u64 *a = (const __u64 *)now, *b = (const __u64 *)before;
	__u64 *out = (__u64 *)&d;

	for (size_t i = 0; i < sizeof(d) / sizeof(__u64); i++)
		out[i] = a[i] - b[i];
	return d;
}

/*
 * Floods from an isolated port, seen where they arrive. The TC program's
 * flood walk clones the frame into every member but the last (bpf_clone_redirect
 * transmits at once: the copy reaches the port's veth peer, where a packet
 * socket reads it); in frames_isolation a mode-tc port makes every XDP flood
 * take that path too (XB_CFG_SKB_PORTS). A copy of the frame at an isolated
 * port's peer is a violation; a copy that has not arrived yet proves nothing,
 * so only what is seen counts (iso_copies says how much that was).
 */
static void sniffers_open(void)
{
	for (int i = 0; i < NFP; i++) {
		char peer_if[IF_NAMESIZE];
		struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL) };
		size_t n = strlen(fz.p[i].name);

		snprintf(peer_if, sizeof(peer_if), "%.*s1", (int)(n - 1), fz.p[i].name);
		sll.sll_ifindex = (int)if_nametoindex(peer_if);
		cr_assert_gt(sll.sll_ifindex, 0, "peer %s of %s must exist", peer_if, fz.p[i].name);
		fz.p[i].sniff_fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
					  htons(ETH_P_ALL));
		cr_assert_geq(fz.p[i].sniff_fd, 0, "AF_PACKET socket: %s", strerror(errno));
		cr_assert_eq(bind(fz.p[i].sniff_fd, (struct sockaddr *)&sll, sizeof(sll)), 0,
			     "bind to %s: %s", peer_if, strerror(errno));
	}
}

/* Read what each peer got; count copies of the current frame (match: all its
 * bytes, padding aside) at ports for which want_violation says so. */
static void sniff_drain(struct fport *ingress, bool check)
{
	__u8 buf[MAX_FRAME + 64];

	for (int i = 0; i < NFP; i++) {
		struct fport *q = &fz.p[i];
		struct sockaddr_ll from;
		socklen_t fromlen = sizeof(from);
		ssize_t n;

		if (q->sniff_fd < 0)
			continue;
		while ((n = recvfrom(q->sniff_fd, buf, sizeof(buf), 0, (struct sockaddr *)&from,
				     &fromlen)) >= 0) {
			fromlen = sizeof(from);
			if (!check || from.sll_pkttype == PACKET_OUTGOING || (size_t)n < fz.len ||
			    memcmp(buf, fz.frame, fz.len))
				continue;
			fz.t.iso_copies++;
			FUZZ_CHECK(!q->attached || q == ingress ||
				   !(conf_of(q->slot).flags & XB_PCONF_ISOLATED),
				   "isolated %s flooded a copy to isolated %s", ingress->name, q->name);
		}
	}
}

/* Run the frame into port p as the kernel would, and check it. */
static void fuzz_one(struct fport *p)
{
	const __u8 *dst = fz.frame, *src = fz.frame + ETH_ALEN;
	bool runt = fz.len < ETH_HLEN, xdp_to_skb = false, tc_refused = false;
	__u32 bytes = fz.len, xdp_verdict = 0, outcomes, reason = XB_DROP_MAX;
	struct xb_port_conf in_conf = conf_of(p->slot);
	struct xb_port_stats cur, d;
	__u64 out_bytes, drops = 0;
	int tc_verdict = -1, err;

	if (fz.check_isolation && fz.p[0].sniff_fd >= 0)
		sniff_drain(p, false);		/* only this frame's copies count */
	if (p->mode != XB_MODE_TC) {
		err = run_xdp(p, &xdp_verdict, &bytes);
		if (err == -EINVAL && runt) {
			fz.t.unrunnable++;
			return;
		}
		FUZZ_CHECK(!err, "XDP test run on %s: %s", p->name, strerror(-err));
		fz.t.xdp++;
		FUZZ_CHECK(xdp_verdict == XDP_DROP || xdp_verdict == XDP_PASS ||
			   xdp_verdict == XDP_REDIRECT, "XDP verdict %u (%s) on %s", xdp_verdict,
			   xb_verdict_str(xdp_verdict), p->name);
		/* what the kernel does next: an XDP_PASS skb meets the TC program */
		if (xdp_verdict == XDP_PASS) {
			err = run_tc(p, &tc_verdict);
			if (err == -EMSGSIZE) {
				tc_refused = true;
				fz.t.tc_refused++;
			} else {
				FUZZ_CHECK(!err, "TC test run behind XDP on %s: %s", p->name,
					   strerror(-err));
			}
		}
	} else {
		err = run_tc(p, &tc_verdict);
		if (err == -EMSGSIZE) {
			fz.t.unrunnable++;
			return;
		}
		FUZZ_CHECK(!err, "TC test run on %s: %s", p->name, strerror(-err));
		fz.t.tc++;
	}
	fz.t.frames++;

	/* ---- counted once ---- */
	cur = stats_of_slot(p->slot);
	d = stats_delta(&cur, &p->seen);
	p->seen = cur;
	for (int r = 0; r < XB_DROP_MAX; r++) {
		drops += d.dropped[r];
		if (d.dropped[r])
			reason = (__u32)r;
	}
	outcomes = (__u32)(d.forwarded + d.flooded + d.to_host + drops);
	out_bytes = d.forwarded_bytes + d.flooded_bytes + d.to_host_bytes +
		    d.dropped_bytes;
	FUZZ_CHECK(d.rx_packets == 1 && d.rx_bytes == bytes,
		   "%s: rx grew by %llu frames, %llu bytes; want 1, %u", p->name,
		   (unsigned long long)d.rx_packets, (unsigned long long)d.rx_bytes, bytes);
	if (tc_refused && d.to_skb == 1 && outcomes == 0) {
		/* XDP's part checked; the outcome is TC's, which did not run */
		FUZZ_CHECK(d.rx_packets == 1, "%s: rx grew by %llu", p->name,
			   (unsigned long long)d.rx_packets);
		p->unfinished++;
		return;
	}
	FUZZ_CHECK(outcomes == 1, "%s: %u outcomes counted (forwarded +%llu flooded +%llu to_host +%llu "
		   "dropped +%llu), want exactly 1", p->name, outcomes,
		   (unsigned long long)d.forwarded, (unsigned long long)d.flooded,
		   (unsigned long long)d.to_host, (unsigned long long)drops);
	FUZZ_CHECK(out_bytes == bytes, "%s: outcome bytes grew by %llu, want %u", p->name,
		   (unsigned long long)out_bytes, bytes);
	xdp_to_skb = d.to_skb != 0;
	FUZZ_CHECK(d.to_skb <= 1 && (!xdp_to_skb || xdp_verdict == XDP_PASS),
		   "%s: to_skb grew by %llu with XDP verdict %s", p->name,
		   (unsigned long long)d.to_skb, xb_verdict_str(xdp_verdict));
	if (p->mode != XB_MODE_TC && !xdp_to_skb) {
		/* XDP decided alone: its verdict says which outcome */
		__u32 want = d.forwarded || d.flooded ? XDP_REDIRECT :
			     d.to_host ? XDP_PASS : XDP_DROP;

		FUZZ_CHECK(xdp_verdict == want, "%s: XDP verdict %s for outcome %s, want %s", p->name,
			   xb_verdict_str(xdp_verdict), d.forwarded ? "forwarded" :
			   d.flooded ? "flooded" : d.to_host ? "to_host" : "dropped",
			   xb_verdict_str(want));
	} else {
		/* the TC program decided */
		FUZZ_CHECK(!drops || tc_verdict == TC_ACT_SHOT, "%s: a TC drop with verdict %d",
			   p->name, tc_verdict);
		FUZZ_CHECK(!d.to_host || tc_verdict == TC_ACT_OK, "%s: TC to_host with verdict %d",
			   p->name, tc_verdict);
	}

	/* ---- what the decision may and may not be ---- */
	if (drops)
		fz.t.dropped[reason]++;
	if (runt) {
		FUZZ_CHECK(drops, "%s: a %u-byte runt was not dropped", p->name, fz.len);
		return;
	}
	if (!xb_mac_is_station(src)) {
		struct xb_fdb_entry e;

		FUZZ_CHECK(drops, "%s: a frame from group or zero source %s was not dropped", p->name,
			   xb_mac_str(src));
		FUZZ_CHECK(fdb_lookup_mac(src, &e) == -ENOENT,
			   "invalid source %s is in the FDB (port %u)", xb_mac_str(src), e.ifindex);
	}
	if (d.forwarded) {
		struct xb_fdb_cache c = my_cache();
		struct fport *out = port_by_slot(c.dst_slot);
		struct static_ent *s = static_find(dst);

		fz.t.forwarded++;
		FUZZ_CHECK(!xb_mac_is_multicast(dst), "%s: group destination %s forwarded as unicast",
			   p->name, xb_mac_str(dst));
		FUZZ_CHECK(!memcmp(c.dst.mac, dst, ETH_ALEN),
			   "%s: forwarded, but this CPU's cache holds destination %s, not %s",
			   p->name, xb_mac_str(c.dst.mac), xb_mac_str(dst));
		FUZZ_CHECK(c.dst_slot != p->slot && c.dst_ifindex != (__u32)p->ifindex,
			   "%s (slot %u): forwarded out its ingress port (slot %u, ifindex %u)",
			   p->name, p->slot, c.dst_slot, c.dst_ifindex);
		/* a stale entry may send to whoever has its slot now, never back */
		FUZZ_CHECK(out && ((__u32)out->ifindex == c.dst_ifindex || stale_find(dst)),
			   "%s: forwarded to slot %u ifindex %u, but that slot holds %s", p->name,
			   c.dst_slot, c.dst_ifindex, out ? out->name : "no port");
		FUZZ_CHECK(out != p, "%s: forwarded into its own slot %u (a stale entry for %s "
			   "with ifindex %u)", p->name, c.dst_slot, xb_mac_str(dst), c.dst_ifindex);
		FUZZ_CHECK(!s || (c.dst_slot == s->slot && c.dst_ifindex == s->ifindex),
			   "%s: static %s lives on %s, forwarded to %s", p->name, xb_mac_str(dst),
			   fz.p[s->port].name, out->name);
		if (fz.check_isolation) {
			struct xb_port_conf oc = conf_of(c.dst_slot);

			FUZZ_CHECK(!(in_conf.flags & oc.flags & XB_PCONF_ISOLATED),
				   "isolated %s reached isolated %s", p->name, out->name);
		}
	} else if (d.flooded) {
		struct static_ent *s = static_find(dst);

		fz.t.flooded++;
		if (fz.check_isolation && fz.p[0].sniff_fd >= 0 && (in_conf.flags & XB_PCONF_ISOLATED)) {
			fz.t.iso_floods++;
			sniff_drain(p, true);
		}
		FUZZ_CHECK(!s || xb_mac_is_multicast(dst), "%s: frame to static %s (on %s) flooded",
			   p->name, xb_mac_str(dst), fz.p[s->port].name);
	} else if (d.to_host) {
		fz.t.to_host++;
		FUZZ_CHECK(xb_mac_is_link_local(dst), "%s: frame to %s passed to the host", p->name,
			   xb_mac_str(dst));
	}
	if (xdp_to_skb)
		fz.t.to_skb++;

	/* ---- learning and static entries ---- */
	{
		struct static_ent *s = static_find(src), *sd = static_find(dst);
		struct xb_fdb_static got;
		struct xb_fdb_entry e;

		/* (a port with learning off learns nothing: no hijack to stop) */
		if (s && fz.check_hijack && s->slot != p->slot && !xb_mac_is_link_local(dst) &&
		    !(in_conf.flags & XB_PCONF_NO_LEARNING))
			FUZZ_CHECK(drops, "%s (slot %u): a frame from %s, %s entry on %s (ifindex %u "
				   "slot %u, %s), was not dropped but %s (port flags 0x%x)", p->name, p->slot,
				   xb_mac_str(src), s->local ? "local" : "static", fz.p[s->port].name,
				   s->ifindex, s->slot, fz.p[s->port].attached ? "attached" : "removed",
				   d.forwarded ? "forwarded" : d.flooded ? "flooded" : "passed up",
				   in_conf.flags);
		if (s) {
			FUZZ_CHECK(!static_lookup_mac(src, &got) && got.ifindex == s->ifindex &&
				   got.slot == s->slot, "static %s moved: ifindex %u slot %u, want %u %u",
				   xb_mac_str(src), got.ifindex, got.slot, s->ifindex, s->slot);
		} else if (xb_mac_is_station(src) && !xb_mac_is_link_local(dst) &&
			   !(in_conf.flags & XB_PCONF_NO_LEARNING) &&
			   (!drops || reason == XB_DROP_REFLECT)) {
			if (fdb_lookup_mac(src, &e))
				fz.t.learn_absent++;	/* a limit, or a cache hit on a swept entry */
			else
				FUZZ_CHECK(e.ifindex == (__u32)p->ifindex && e.slot == p->slot,
					   "%s (slot %u) sent from %s, learned on ifindex %u slot %u",
					   p->name, p->slot, xb_mac_str(src), e.ifindex, e.slot);
		}
		if (sd)
			FUZZ_CHECK(!static_lookup_mac(dst, &got) && got.ifindex == sd->ifindex &&
				   got.slot == sd->slot, "static %s moved", xb_mac_str(dst));
	}
}

/* ---- the whole state, every CHECK_EVERY frames ------------------------------------------ */

static void fuzz_check_all(void)
{
	struct xb_fdb_key key, next, *prev = NULL;
	int nstatic = 0;

	for (int i = 0; i < NFP; i++) {
		struct fport *p = &fz.p[i];
		struct xb_port_stats cur;
		__u64 out = 0;

		if (!p->attached)
			continue;
		cur = stats_of_slot(p->slot);
		/* the data path's own, not per frame: kernel drops after the
		 * decision (TC clones), events it could not report */
		cur.kernel_dropped = p->seen.kernel_dropped;
		cur.events_dropped = p->seen.events_dropped;
		FUZZ_CHECK(!memcmp(&cur, &p->seen, sizeof(cur)),
			   "%s: counters changed without a frame in (rx %llu -> %llu)", p->name,
			   (unsigned long long)p->seen.rx_packets, (unsigned long long)cur.rx_packets);
		for (int r = 0; r < XB_DROP_MAX; r++)
			out += cur.dropped[r];
		out += cur.forwarded + cur.flooded + cur.to_host + p->unfinished;
		FUZZ_CHECK(out == cur.rx_packets, "%s: rx %llu but %llu outcomes", p->name,
			   (unsigned long long)cur.rx_packets, (unsigned long long)out);
	}

	while (!bpf_map_get_next_key(test_br.fdb_fd, prev, &next)) {
		struct xb_fdb_entry e;
		struct fport *p;

		struct stale_ent *se;

		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(test_br.fdb_fd, &key, &e))
			continue;
		FUZZ_CHECK(xb_mac_is_station(key.mac), "FDB holds invalid source %s",
			   xb_mac_str(key.mac));
		se = stale_find(key.mac);
		if (se && se->ifindex == e.ifindex && se->slot == e.slot)
			continue;	/* ours */
		p = port_by_ifindex(e.ifindex);
		FUZZ_CHECK(p && p->slot == e.slot, "FDB entry %s on ifindex %u slot %u: %s",
			   xb_mac_str(key.mac), e.ifindex, e.slot,
			   p ? "that port has another slot" : "no such port");
	}
	prev = NULL;
	while (!bpf_map_get_next_key(test_br.fdb_static_fd, prev, &next)) {
		struct xb_fdb_static s;
		struct static_ent *m;

		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(test_br.fdb_static_fd, &key, &s))
			continue;
		m = static_find(key.mac);
		FUZZ_CHECK(m && m->ifindex == s.ifindex && m->slot == s.slot,
			   "static %s on ifindex %u slot %u: %s", xb_mac_str(key.mac), s.ifindex,
			   s.slot, m ? "moved" : "nobody added it");
		nstatic++;
	}
	FUZZ_CHECK(nstatic == fz.nst, "%d static entries, want %d", nstatic, fz.nst);
}

/* ---- what user space does meanwhile -------------------------------------------------------- */

static void op_static_add(void)
{
	int port = random_attached(true);
	struct xb_fdb_key key;
	struct static_ent *s;
	__u8 mac[ETH_ALEN];
	int err;

	if (chance(70))
		memcpy(mac, fz.stations[below(NSTATIONS)], ETH_ALEN);
	else
		memcpy(mac, fz.p[below(NFP)].mac, ETH_ALEN);	/* the bridge's own, as local */
	s = static_find(mac);
	if (!s && fz.nst == MAX_STATICS)
		return;
	key = fdb_key(mac);
	if (s && s->local) {
		/* the loader refuses to move the bridge's own address */
		err = fdb_static_add(&test_br, &key, (__u32)fz.p[port].ifindex);
		cr_assert(err == -EADDRINUSE || (err == 0 && port == s->port),
			  "fdb_static_add(local %s) to another port: %s, want EADDRINUSE",
			  xb_mac_str(mac), strerror(-err));
		return;
	}
#ifdef XB_FDB_LOCAL
	if (!s && chance(30)) {
		/* a local entry, as fdb_local_sync installs the host interface's
		 * (the fixture has no host interface): the port's own MAC */
		struct xb_fdb_static v = { .ifindex = (__u32)fz.p[port].ifindex,
					   .slot = fz.p[port].slot, .flags = XB_FDB_LOCAL };

		memcpy(mac, fz.p[port].mac, ETH_ALEN);
		key = fdb_key(mac);
		if (static_find(mac))
			return;
		cr_assert_eq(bpf_map_update_elem(test_br.fdb_static_fd, &key, &v, BPF_ANY), 0,
			     "a local entry must be writable: %s", strerror(errno));
		bpf_map_delete_elem(test_br.fdb_fd, &key);
		fdb_mark_changed(&test_br);
		s = &fz.st[fz.nst++];
		memcpy(s->mac, mac, ETH_ALEN);
		s->port = port;
		s->ifindex = v.ifindex;
		s->slot = v.slot;
		s->local = true;
		return;
	}
#endif
	err = fdb_static_add(&test_br, &key, (__u32)fz.p[port].ifindex);
	cr_assert_eq(err, 0, "fdb_static_add(%s): %s", xb_mac_str(mac), strerror(-err));
	if (!s)
		s = &fz.st[fz.nst++];
	memcpy(s->mac, mac, ETH_ALEN);
	s->port = port;
	s->ifindex = (__u32)fz.p[port].ifindex;
	s->slot = fz.p[port].slot;
	s->local = false;
	fz.t.statics++;
	/* a static entry replaces a stale one (fdb_static_add deletes it) */
	for (int i = fz.nstale - 1; i >= 0; i--)
		if (!memcmp(fz.stale[i].mac, mac, ETH_ALEN))
			fz.stale[i] = fz.stale[--fz.nstale];
}

static void op_fdb_del(void)
{
	struct xb_fdb_key key;
	int i;

	if (fz.nst && chance(50)) {
		int err;

		i = (int)below((uint32_t)fz.nst);
		key = fdb_key(fz.st[i].mac);
		err = fdb_del(&test_br, &key);
		if (fz.st[i].local) {
			cr_assert_eq(err, -EADDRINUSE, "fdb_del(local %s): %s, want EADDRINUSE",
				     xb_mac_str(key.mac), strerror(-err));
			return;
		}
		cr_assert_eq(err, 0, "fdb_del(static %s): %s", xb_mac_str(key.mac), strerror(-err));
		static_forget(i);
		return;
	}
	key = fdb_key(fz.stations[below(NSTATIONS)]);
	if (static_find(key.mac))
		return;
	i = fdb_del(&test_br, &key);
	cr_assert(i == 0 || i == -ENOENT, "fdb_del(%s): %s", xb_mac_str(key.mac), strerror(-i));
}

/*
 * After a flush or a port removal took static entries: forget the statics of
 * that port (port < 0: all); a local entry may stay or go (the loader
 * decides), never move.
 */
static void statics_removed(int port)
{
	for (int i = fz.nst - 1; i >= 0; i--) {
		struct static_ent *s = &fz.st[i];
		struct xb_fdb_static got;

		if (port >= 0 && s->port != port)
			continue;
		if (!s->local || static_lookup_mac(s->mac, &got)) {
			static_forget(i);
			continue;
		}
		cr_assert(got.ifindex == s->ifindex && got.slot == s->slot,
			  "local %s moved to ifindex %u slot %u", xb_mac_str(s->mac), got.ifindex,
			  got.slot);
	}
}

static void op_learned_put(void)
{
	struct xb_fdb_entry e = { 0 };
	struct xb_fdb_key key;
	int port = random_attached(true), err;

	key = fdb_key(fz.stations[below(NSTATIONS)]);
	/* Never a learned copy of a static MAC: no path of the loader writes
	 * one, and the data path then checks the static table only when the
	 * copy is refreshed (hsec1's fdb_learn), so its port could send as the
	 * static MAC for up to XB_REFRESH_NS. */
	if (static_find(key.mac))
		return;
	e.ifindex = (__u32)fz.p[port].ifindex;
	e.slot = fz.p[port].slot;
	e.last_seen_ns = ago((__u64)below(600) * NS_PER_SEC);	/* fresh or long expired */
	err = fdb_learned_put(&test_br, &key, &e, 1);
	cr_assert_eq(err, 0, "fdb_learned_put(%s): %s", xb_mac_str(key.mac), strerror(-err));
}

static void op_port_move(void)
{
	struct fport *p = &fz.p[PB + below(NFP - PB)];	/* never the spare nor A */
	int err;

	fz.t.port_moves++;
	if (p->attached) {
		err = port_remove(&test_br, (__u32)p->ifindex);
		cr_assert_eq(err, 0, "port_remove(%s): %s", p->name, strerror(-err));
		p->attached = false;
		p->old_slot = p->slot;
		statics_removed((int)(p - fz.p));	/* its static entries go with it */
		return;
	}
	port_attach(p, chance(60) ? XB_MODE_NATIVE : XB_MODE_TC);
	/* port_add may have reset a reused slot's counters: every port afresh */
	for (int i = 0; i < NFP; i++)
		if (fz.p[i].attached)
			fz.p[i].seen = stats_of_slot(fz.p[i].slot);
}

/* What a CPU learning on a port while user space removed it leaves behind:
 * an entry with the removed port's ifindex and old slot, which another port
 * may hold by now. */
static void op_stale_entry(void)
{
	struct xb_fdb_entry e = { .age_slot = XB_AGE_NONE };
	struct stale_ent *se;
	struct xb_fdb_key key;
	struct fport *gone = NULL;

	for (int i = PB; i < NFP && !gone; i++)
		if (!fz.p[i].attached && fz.p[i].old_slot)
			gone = &fz.p[i];
	key = fdb_key(fz.stations[below(NSTATIONS)]);
	if (!gone || static_find(key.mac))
		return;
	se = stale_find(key.mac);
	if (!se && fz.nstale == MAX_STALE)
		se = &fz.stale[below(MAX_STALE)];
	else if (!se)
		se = &fz.stale[fz.nstale++];
	memcpy(se->mac, key.mac, ETH_ALEN);
	se->ifindex = e.ifindex = (__u32)gone->ifindex;
	se->slot = e.slot = gone->old_slot;
	e.last_seen_ns = now_coarse();
	cr_assert_eq(bpf_map_update_elem(test_br.fdb_fd, &key, &e, BPF_ANY), 0,
		     "a stale fdb entry must be writable: %s", strerror(errno));
	fdb_mark_changed(&test_br);
	fz.t.stale++;
}

static void op_port_settings(void)
{
	struct fport *p = &fz.p[random_attached(true)];
	struct xb_port_conf c = conf_of(p->slot);
	static const __u32 flags[] = { XB_PCONF_ISOLATED, XB_PCONF_NO_LEARNING, XB_PCONF_NO_FLOOD,
				       XB_PCONF_NO_MCAST_FLOOD, XB_PCONF_NO_BCAST_FLOOD };

	/* One switch at a time, as an operator flips them: the loader's flood
	 * filter (egress programs, loaded when the first port needs one) then
	 * comes and goes now and then, not on every change. */
	if (fz.check_isolation && chance(50))
		c.flags ^= XB_PCONF_ISOLATED;
	else
		c.flags ^= flags[below(sizeof(flags) / sizeof(flags[0]))];
	c.stp_state = XB_STP_FORWARDING;
	conf_set(p->slot, &c);
}

static void op_sweep(void)
{
	int n = chance(80) ? fdb_age(fz.ager) : fdb_age_full(fz.ager);

	cr_assert_geq(n, 0, "ageing sweep: %s", strerror(-n));
	fz.t.sweeps++;
}

static void op_ageing(void)
{
	static const __u64 ageing[] = { AGEING_NS, 2 * NS_PER_SEC, 300 * NS_PER_MS, 60 * NS_PER_SEC };
	struct xb_config cfg = get_config();

	set_config(ageing[below(4)], cfg.static_count);
}

static void op_flush(void)
{
	bool with_static = chance(30);
	int port = chance(30) ? -1 : random_attached(true);
	int n;

	n = fdb_flush(&test_br, port < 0 ? 0 : (__u32)fz.p[port].ifindex, with_static);
	cr_assert_geq(n, 0, "fdb_flush: %s", strerror(-n));
	if (with_static)
		statics_removed(port);
	fdb_mark_changed(&test_br);
}

static double mono_secs(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void fuzz_op(void)
{
	double t0 = mono_secs();
	uint32_t k;

	fz.t.ops++;
	/* weights out of 64: what costs a program load (port add, a setting
	 * that turns the flood filter on or off) is rare */
	k = below(64);
	if (k < 12)
		op_static_add();
	else if (k < 20)
		op_fdb_del();
	else if (k < 38)
		op_learned_put();
	else if (k < 40 && chance(50))
		op_port_move();
	else if (k < 40 && fz.with_stale)
		op_stale_entry();
	else if (k < 42)
		op_port_settings();
	else if (k < 52)
		op_sweep();
	else if (k < 56)
		op_ageing();
	else
		op_flush();
	fz.t.ops_secs += mono_secs() - t0;
}

/* ---- the runs ------------------------------------------------------------------------------- */

static void fuzz_run(uint64_t frames)
{
	struct timespec t0, t1;
	double secs;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (fz.iter = 0; fz.iter < frames; fz.iter++) {
		if (below(32) == 0)
			fuzz_op();
		make_frame();
		fuzz_one(&fz.p[random_attached(true)]);
		if (fz.iter % CHECK_EVERY == CHECK_EVERY - 1)
			fuzz_check_all();
	}
	fuzz_check_all();
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;

	fprintf(stderr, "fuzz: %s: %" PRIu64 " frames (%" PRIu64 " XDP, %" PRIu64 " TC alone; %"
		PRIu64 " frames the kernel's test run refused, %" PRIu64 " of them after XDP) in %.1f s"
		" (%.1f s of it operations), %.0f frames/s: forwarded %" PRIu64
		", flooded %" PRIu64 ", to host %" PRIu64 ", to skb %" PRIu64 ", dropped runt %" PRIu64
		" bad_src %" PRIu64 " reflect %" PRIu64 " other %" PRIu64 "; %" PRIu64 " operations (%"
		PRIu64 " port del/add, %" PRIu64 " sweeps, %" PRIu64 " static adds, %" PRIu64
		" stale entries); %" PRIu64 " sources not learned\n", fz.test, fz.t.frames, fz.t.xdp, fz.t.tc, fz.t.unrunnable + fz.t.tc_refused, fz.t.tc_refused, secs, fz.t.ops_secs,
		secs > 0 ? (double)fz.t.frames / secs : 0.0, fz.t.forwarded, fz.t.flooded, fz.t.to_host,
		fz.t.to_skb, fz.t.dropped[XB_DROP_RUNT], fz.t.dropped[XB_DROP_BAD_SRC],
		fz.t.dropped[XB_DROP_REFLECT],
		fz.t.frames - fz.t.forwarded - fz.t.flooded - fz.t.to_host - fz.t.dropped[XB_DROP_RUNT] -
		fz.t.dropped[XB_DROP_BAD_SRC] - fz.t.dropped[XB_DROP_REFLECT], fz.t.ops, fz.t.port_moves,
		fz.t.sweeps, fz.t.statics, fz.t.stale, fz.t.learn_absent);
	/* a fuzzer that never reached an outcome did not test it */
	cr_assert(frames < 1000 || (fz.t.forwarded && fz.t.flooded && fz.t.to_host &&
				    fz.t.dropped[XB_DROP_BAD_SRC] && fz.t.dropped[XB_DROP_REFLECT]),
		  "%s: some outcome never happened in %" PRIu64 " frames (seed 0x%016" PRIx64 ")",
		  fz.test, frames, fz.seed);
}

/*
 * Does the data path know port isolation? A crafted case: A and B isolated,
 * a station learned on B, a frame from A to it. Forwarded: not implemented
 * (the isolation invariant is then skipped, not passed).
 */
static bool isolation_supported(void)
{
	const __u8 st_b[ETH_ALEN] = { 0x02, 0x15, 0x01, 0, 0, 0x0b };
	const __u8 st_a[ETH_ALEN] = { 0x02, 0x15, 0x01, 0, 0, 0x0a };
	struct xb_port_conf iso = { .flags = XB_PCONF_ISOLATED, .stp_state = XB_STP_FORWARDING };
	struct xb_port_conf plain = { .stp_state = XB_STP_FORWARDING };
	struct fport *a = &fz.p[PA], *b = &fz.p[PB];
	struct xb_port_stats before, after;

	conf_set(a->slot, &iso);
	conf_set(b->slot, &iso);
	fz.len = xb_frame(fz.frame, MAC_BCAST, st_b);
	probe_run(b, "isolation probe: frame from B");
	fz.len = xb_frame(fz.frame, st_b, st_a);
	before = stats_of_slot(a->slot);
	probe_run(a, "isolation probe: frame from A");
	after = stats_of_slot(a->slot);
	conf_set(a->slot, &plain);
	conf_set(b->slot, &plain);
	fdb_flush(&test_br, 0, false);
	fdb_mark_changed(&test_br);
	a->seen = stats_of_slot(a->slot);
	b->seen = stats_of_slot(b->slot);
	return after.forwarded == before.forwarded;
}

/*
 * Does the data path refuse to send a frame back into its ingress slot when
 * an entry names another ifindex (issue 10 item 8)? A crafted entry: a
 * station on a vanished port's ifindex with A's slot, a frame from A to it.
 */
static bool stale_entry_safe(void)
{
	const __u8 st[ETH_ALEN] = { 0x02, 0x15, 0x02, 0, 0, 0x01 };
	struct fport *a = &fz.p[PA];
	struct xb_fdb_entry e = { .ifindex = 0x7ffffff0, .slot = a->slot, .age_slot = XB_AGE_NONE,
				  .last_seen_ns = now_coarse() };
	struct xb_fdb_key key = fdb_key(st);
	struct xb_port_stats before, after;

	cr_assert_eq(bpf_map_update_elem(test_br.fdb_fd, &key, &e, BPF_ANY), 0,
		     "stale probe entry: %s", strerror(errno));
	fdb_mark_changed(&test_br);
	fz.len = xb_frame(fz.frame, st, fz.stations[0]);
	before = stats_of_slot(a->slot);
	probe_run(a, "stale probe: frame from A");
	after = stats_of_slot(a->slot);
	fdb_flush(&test_br, 0, false);
	bpf_map_delete_elem(test_br.fdb_fd, &key);
	fdb_mark_changed(&test_br);
	a->seen = after;
	return after.forwarded == before.forwarded;
}

/*
 * Does the data path drop a frame whose source is a static entry of another
 * port (issue 10 item 1)? Then every such frame must be dropped.
 */
/* A crafted frame into p, by whichever program p runs first. */
static void probe_run(struct fport *p, const char *what)
{
	__u32 v, bytes;
	int tv;

	if (p->mode != XB_MODE_TC) {
		cr_assert_eq(run_xdp(p, &v, &bytes), 0, "%s: XDP run", what);
		if (v != XDP_PASS)
			return;
	}
	cr_assert_eq(run_tc(p, &tv), 0, "%s: TC run", what);	/* alone, or behind XDP_PASS */
}

static __u64 drops_of(const struct xb_port_stats *st)
{
	__u64 n = 0;

	for (int r = 0; r < XB_DROP_MAX; r++)
		n += st->dropped[r];
	return n;
}

static bool hijack_dropped(void)
{
	const __u8 st[ETH_ALEN] = { 0x02, 0x15, 0x03, 0, 0, 0x01 };
	struct xb_fdb_key key = fdb_key(st);
	struct fport *a = &fz.p[PA], *b = &fz.p[PB];
	struct xb_port_stats before, after;

	cr_assert_eq(fdb_static_add(&test_br, &key, (__u32)b->ifindex), 0, "hijack probe: static");
	fz.len = xb_frame(fz.frame, MAC_BCAST, st);
	before = stats_of_slot(a->slot);
	probe_run(a, "hijack probe: frame from A");
	after = stats_of_slot(a->slot);
	cr_assert_eq(fdb_del(&test_br, &key), 0, "hijack probe: static del");
	fdb_flush(&test_br, 0, false);
	fdb_mark_changed(&test_br);
	a->seen = after;
	return drops_of(&after) > drops_of(&before);
}

/* No time limit that fits every XB_FUZZ_FRAMES: two hours. */
TestSuite(fuzz, .timeout = 7200);

/* Native XDP ports (TC behind them) with a mode-tc port mixed in. */
Test(fuzz, frames_native, .init = fixture_setup, .fini = fuzz_teardown)
{
	fuzz_setup("frames_native", 1);
	fuzz_run(fuzz_frames(100));
}

/* Every port in mode tc: the TC program alone. */
Test(fuzz, frames_tc, .init = fixture_setup_tc, .fini = fuzz_teardown)
{
	fuzz_setup("frames_tc", 2);
	fuzz_run(fuzz_frames(50));
}

/* Entries left behind by a removed port (a lost race) while ports come and
 * go: never out the ingress port. */
Test(fuzz, frames_stale, .init = fixture_setup, .fini = fuzz_teardown)
{
	fuzz_setup("frames_stale", 4);
	if (!stale_entry_safe())
		cr_skip_test("issue 10 item 8 is not fixed: an entry with another ifindex and the "
			     "ingress port's slot sends a frame back out its ingress port (a crafted "
			     "entry shows it); stale-entry fuzzing not run");
	fz.with_stale = true;
	fuzz_run(fuzz_frames(40));
}

/* Ports isolated often; the isolation invariant on every forwarded frame. */
Test(fuzz, frames_isolation, .init = fixture_setup, .fini = fuzz_teardown)
{
	fuzz_setup("frames_isolation", 3);
	if (!isolation_supported())
		cr_skip_test("the data path does not isolate ports yet (an isolated port "
			     "reached another): isolation invariant not checked");
	fz.check_isolation = true;
	sniffers_open();
	fuzz_run(fuzz_frames(50));
	fprintf(stderr, "fuzz: frames_isolation: %" PRIu64 " floods from isolated ports, %" PRIu64
		" of their copies seen at the peers (none at an isolated port)\n", fz.t.iso_floods,
		fz.t.iso_copies);
}
