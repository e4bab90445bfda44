// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The bridge under test, built through the loader's library (build/libxb.a):
 * bridge_create() and port_add() set up maps, pins and one attached program
 * instance per port exactly as `xdpbridge load` does. See fixture.h.
 */
#define _GNU_SOURCE
#include <sys/socket.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <linux/sockios.h>
#include <linux/if_packet.h>
#include <linux/ethtool.h>
#include <sys/ioctl.h>
#include <poll.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "fixture.h"
#include "sys.h"
#include "port.h"
#include "tc.h"
#include "xdpbridge.skel.h"

/* Where the loader pins (XB_PIN_ROOT lives below it); here a private bpffs. */
#define BPFFS		"/sys/fs/bpf"
#define MAX_PORTS	8

struct xb_bridge test_br = { .fdb_fd = -1 };
int port[NPORTS];
int peer[NPORTS];
char port_name[NPORTS][IF_NAMESIZE];
char peer_name[NPORTS][IF_NAMESIZE];

static char bridge_name[XB_IFNAMSIZ];
static bool bridge_created;
static bool bpffs_mounted;
static int xdp_fd[NPORTS] = { -1, -1, -1 };	/* the attached programs */
static int tc_fd[NPORTS] = { -1, -1, -1 };
static int ncpu;

/* ---- clock ---------------------------------------------------------------- */

__u64 now_coarse(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (__u64)ts.tv_sec * NS_PER_SEC + ts.tv_nsec;
}

/* Right after boot (a fresh VM) the monotonic clock may be younger than
 * `age`: wait until it is not. */
__u64 ago(__u64 age)
{
	__u64 now = now_coarse();

	if (now < age + NS_PER_SEC) {
		__u64 wait = age + NS_PER_SEC - now;
		struct timespec ts = { .tv_sec = wait / NS_PER_SEC, .tv_nsec = wait % NS_PER_SEC };

		nanosleep(&ts, NULL);
		now = now_coarse();
	}
	return now - age;
}

__u64 now_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * NS_PER_SEC + ts.tv_nsec;
}

void sleep_ms(long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * NS_PER_MS };

	nanosleep(&ts, NULL);
}

/* ---- the bridge's maps ------------------------------------------------------ */

__u32 slot_of(int ifindex)
{
	struct xb_port_info info;
	__u32 key = (__u32)ifindex;

	cr_assert_eq(bpf_map_lookup_elem(test_br.info_fd, &key, &info), 0,
		     "ifindex %d must be a port (port_info lookup: %s)", ifindex, strerror(errno));
	return info.slot;
}

struct xb_config get_config(void)
{
	struct xb_config cfg;
	__u32 zero = 0;

	cr_assert_eq(bpf_map_lookup_elem(test_br.config_fd, &zero, &cfg), 0,
		     "config[0] must be readable: %s", strerror(errno));
	return cfg;
}

/* Through bridge_config_set, not fdb_mark_changed(), which would recount
 * static_count: some tests need it to disagree with fdb_static. */
void set_config(__u64 ageing_ns, __u32 static_count)
{
	struct xb_config cfg = get_config();
	int err;

	cfg.ageing_ns = ageing_ns;
	cfg.static_count = static_count;
	err = bridge_config_set(&test_br, &cfg);	/* derives refresh_ns and cache_ns */
	cr_assert_eq(err, 0, "config[0] must be writable: %s", strerror(-err));
	bridge_fdb_changed(&test_br);
}

struct xb_fdb_sync get_sync(void)
{
	return bridge_sync_read(&test_br);
}

__u32 fdb_generation(void)
{
	return get_sync().fdb_generation;
}

void fdb_changed(void)
{
	struct xb_config cfg = get_config();

	set_config(cfg.ageing_ns, cfg.static_count);
}

struct xb_port_stats port_stats(int ifindex)
{
	struct xb_port_stats *pc, sum = { 0 };
	__u32 key = slot_of(ifindex);
	int err, i, j;

	pc = calloc(ncpu, sizeof(*pc));
	cr_assert_not_null(pc, "calloc of per-CPU stats must succeed");
	err = bpf_map_lookup_elem(test_br.stats_fd, &key, pc) ? -errno : 0;
	cr_assert_eq(err, 0, "port_stats[%d] must be readable: %s", ifindex, strerror(-err));
	for (i = 0; i < ncpu; i++) {
		sum.rx_packets += pc[i].rx_packets;
		sum.rx_bytes += pc[i].rx_bytes;
		sum.forwarded += pc[i].forwarded;
		sum.flooded += pc[i].flooded;
		sum.to_host += pc[i].to_host;
		sum.to_skb += pc[i].to_skb;
		sum.kernel_dropped += pc[i].kernel_dropped;
		sum.events_dropped += pc[i].events_dropped;
		sum.forwarded_bytes += pc[i].forwarded_bytes;
		sum.flooded_bytes += pc[i].flooded_bytes;
		sum.to_host_bytes += pc[i].to_host_bytes;
		sum.dropped_bytes += pc[i].dropped_bytes;
		sum.learn_limit += pc[i].learn_limit;
		for (j = 0; j < XB_DROP_MAX; j++)
			sum.dropped[j] += pc[i].dropped[j];
	}
	free(pc);
	return sum;
}

void assert_stats_eq(int ifindex, struct xb_port_stats want, const char *what)
{
	struct xb_port_stats got = port_stats(ifindex);

#define CHECK_FIELD(f)								\
	cr_assert_eq(got.f, want.f, "%s: port %d " #f " = %llu, want %llu",	\
		     what, ifindex, (unsigned long long)got.f,			\
		     (unsigned long long)want.f)
	CHECK_FIELD(rx_packets);
	CHECK_FIELD(rx_bytes);
	CHECK_FIELD(forwarded);
	CHECK_FIELD(flooded);
	CHECK_FIELD(to_host);
	CHECK_FIELD(to_skb);
	CHECK_FIELD(kernel_dropped);
	CHECK_FIELD(dropped[XB_DROP_RUNT]);
	CHECK_FIELD(dropped[XB_DROP_BAD_SRC]);
	CHECK_FIELD(dropped[XB_DROP_REFLECT]);
	CHECK_FIELD(dropped[XB_DROP_MAC_HIJACK]);
	CHECK_FIELD(learn_limit);
	CHECK_FIELD(forwarded_bytes);
	CHECK_FIELD(flooded_bytes);
	CHECK_FIELD(to_host_bytes);
	CHECK_FIELD(dropped_bytes);
#undef CHECK_FIELD
}

struct xb_fdb_key fdb_key(const uint8_t *mac)
{
	struct xb_fdb_key key;

	memset(&key, 0, sizeof(key));
	memcpy(key.mac, mac, XB_ETH_ALEN);
	key.vlan = XB_VLAN_NONE;
	return key;
}

int fdb_get(const uint8_t *mac, struct xb_fdb_entry *e)
{
	struct xb_fdb_key key = fdb_key(mac);

	return bpf_map_lookup_elem(test_br.fdb_fd, &key, e) ? -errno : 0;
}

void fdb_put(const uint8_t *mac, int ifindex, __u64 last_seen_ns)
{
	struct xb_fdb_entry e = { .ifindex = ifindex, .slot = slot_of(ifindex),
				  .last_seen_ns = last_seen_ns };
	struct xb_fdb_key key = fdb_key(mac);
	int err;

	err = fdb_learned_put(&test_br, &key, &e, 1);
	cr_assert_eq(err, 0, "fdb_learned_put(%s) must succeed: %s", xb_mac_str(mac), strerror(-err));
	cr_assert_neq(e.age_slot, XB_AGE_NONE, "fdb[%s] must get an ageing record", xb_mac_str(mac));
}

void fdb_put_raw(const uint8_t *mac, int ifindex, __u64 last_seen_ns)
{
	struct xb_fdb_entry e = { .ifindex = ifindex, .slot = slot_of(ifindex),
				  .last_seen_ns = last_seen_ns, .age_slot = XB_AGE_NONE };
	struct xb_fdb_key key = fdb_key(mac);
	struct xb_fdb_entry old;

	if (!fdb_get(mac, &old))
		e.age_slot = old.age_slot;
	cr_assert_eq(bpf_map_update_elem(test_br.fdb_fd, &key, &e, BPF_ANY), 0,
		     "raw update of fdb[%s] must succeed: %s", xb_mac_str(mac), strerror(errno));
}

void static_put(const uint8_t *mac, int ifindex)
{
	struct xb_fdb_static s = { .ifindex = ifindex, .slot = slot_of(ifindex) };
	struct xb_fdb_key key = fdb_key(mac);

	cr_assert_eq(bpf_map_update_elem(test_br.fdb_static_fd, &key, &s, BPF_ANY), 0,
		     "update of fdb_static[%s] must succeed: %s", xb_mac_str(mac), strerror(errno));
	fdb_changed();
}

unsigned int fdb_count(void)
{
	struct xb_fdb_key key, next;
	unsigned int n = 0;
	void *prev = NULL;

	while (!bpf_map_get_next_key(test_br.fdb_fd, prev, &next)) {
		key = next;
		prev = &key;
		n++;
	}
	return n;
}

void assert_learned(const uint8_t *mac, int ifindex, __u64 t0, __u64 t1, const char *what)
{
	struct xb_fdb_entry e;
	int err = fdb_get(mac, &e);

	cr_assert_eq(err, 0, "%s: %s must be in fdb (%s)", what, xb_mac_str(mac), strerror(-err));
	cr_assert_eq(e.ifindex, (__u32)ifindex, "%s: fdb[%s] port %u, want %d",
		     what, xb_mac_str(mac), e.ifindex, ifindex);
	cr_assert_eq(e.slot, slot_of(ifindex), "%s: fdb[%s] slot %u, want %u (the port's)",
		     what, xb_mac_str(mac), e.slot, slot_of(ifindex));
	cr_assert(e.last_seen_ns + CLOCK_SLACK_NS >= t0 && e.last_seen_ns <= t1 + CLOCK_SLACK_NS,
		  "%s: fdb[%s] last_seen_ns %llu, want within [%llu, %llu] (the run)",
		  what, xb_mac_str(mac), (unsigned long long)e.last_seen_ns,
		  (unsigned long long)t0, (unsigned long long)t1);
}

void assert_not_learned(const uint8_t *mac, const char *what)
{
	struct xb_fdb_entry e;
	int err = fdb_get(mac, &e);

	cr_assert_eq(err, -ENOENT, "%s: %s must not be in fdb (lookup: %s, port %u)",
		     what, xb_mac_str(mac), err ? strerror(-err) : "found",
		     err ? 0 : e.ifindex);
}

/* ---- the ageing index --------------------------------------------------------- */

struct xb_age_record age_record(__u32 idx)
{
	struct xb_age_block b;
	__u32 blk = idx / XB_AGE_WAYS;

	cr_assert_leq(blk, test_br.age_block_mask, "record %u must be inside the table", idx);
	cr_assert_eq(bpf_map_lookup_elem(test_br.ages_fd, &blk, &b), 0,
		     "fdb_ages[%u] must be readable: %s", blk, strerror(errno));
	return b.way[idx % XB_AGE_WAYS];
}

unsigned int age_records_used(void)
{
	static const struct xb_fdb_key free_key;	/* all zero */
	struct xb_age_block b;
	unsigned int n = 0;

	for (__u32 blk = 0; blk <= test_br.age_block_mask; blk++) {
		if (bpf_map_lookup_elem(test_br.ages_fd, &blk, &b))
			continue;
		for (__u32 way = 0; way < XB_AGE_WAYS; way++)
			n += memcmp(&b.way[way].key, &free_key, sizeof(free_key)) != 0;
	}
	return n;
}

void age_records_fill(__u64 last_seen_ns)
{
	struct xb_age_block b;

	for (__u32 blk = 0; blk <= test_br.age_block_mask; blk++) {
		for (__u32 way = 0; way < XB_AGE_WAYS; way++) {
			memset(&b.way[way].key, 0, sizeof(b.way[way].key));
			b.way[way].key.mac[0] = 0x02;
			b.way[way].key.mac[1] = 0xee;
			b.way[way].key.mac[4] = (uint8_t)blk;
			b.way[way].key.mac[5] = (uint8_t)way;
			b.way[way].last_seen_ns = last_seen_ns;
		}
		cr_assert_eq(bpf_map_update_elem(test_br.ages_fd, &blk, &b, BPF_ANY), 0,
			     "fdb_ages[%u] must be writable: %s", blk, strerror(errno));
	}
}

void assert_record_of(const uint8_t *mac, const char *what)
{
	struct xb_fdb_key key = fdb_key(mac);
	__u32 mask = test_br.age_block_mask, blk;
	struct xb_age_record r;
	struct xb_fdb_entry e;

	cr_assert_eq(fdb_get(mac, &e), 0, "%s: %s must be in fdb", what, xb_mac_str(mac));
	cr_assert_neq(e.age_slot, XB_AGE_NONE, "%s: fdb[%s] must have an ageing record",
		      what, xb_mac_str(mac));
	r = age_record(e.age_slot);
	cr_assert(!memcmp(&r.key, &key, sizeof(key)), "%s: record %u holds %s, want %s", what,
		  e.age_slot, xb_mac_str(r.key.mac), xb_mac_str(mac));
	cr_assert_eq(r.last_seen_ns, e.last_seen_ns, "%s: record %u last_seen %llu, want the entry's %llu",
		     what, e.age_slot, (unsigned long long)r.last_seen_ns,
		     (unsigned long long)e.last_seen_ns);
	blk = e.age_slot / XB_AGE_WAYS;
	cr_assert(blk == xb_age_block_of(&key, mask, 0) || blk == xb_age_block_of(&key, mask, 1),
		  "%s: record %u must be in one of %s's two blocks", what, e.age_slot, xb_mac_str(mac));
}

struct xdpbridge_bpf *ager_open(void)
{
	struct xdpbridge_bpf *ager = NULL;
	int err = fdb_ager_open(&test_br, &ager);

	cr_assert_eq(err, 0, "fdb_ager_open must load the sweep: %s", strerror(-err));
	return ager;
}

/* ---- running the program -------------------------------------------------------- */

/* The program of that hook the loader attached to ingress (there is no other). */
static int prog_fd_for(int ingress, const int *fds, const char *hook)
{
	for (int i = 0; i < NPORTS; i++) {
		if (port[i] != ingress)
			continue;
		cr_assert_geq(fds[i], 0, "port %d must have a %s program (the fixture's mode)",
			      ingress, hook);
		return fds[i];
	}
	cr_assert_fail("ifindex %d must be a port to run its program", ingress);
	return -1;
}

int test_run_raw(int ingress, const void *data, __u32 size, __u32 meta,
		 __u32 data_end, __u32 flags, __u32 *retval)
{
	struct xdp_md ctx = {
		.data = meta,
		.data_end = data_end,
		.ingress_ifindex = ingress,
		.rx_queue_index = 0,
	};
	LIBBPF_OPTS(bpf_test_run_opts, opts,
		.data_in = data,
		.data_size_in = size,
		.ctx_in = &ctx,
		.ctx_size_in = sizeof(ctx),
		.repeat = 1,
		.flags = flags,
	);
	int err;

	err = bpf_prog_test_run_opts(prog_fd_for(ingress, xdp_fd, "XDP"), &opts);
	if (retval)
		*retval = opts.retval;
	return err < 0 ? -errno : 0;
}

__u32 xdp_run_out(int ingress, const void *frame, __u32 len, void *out, __u32 *out_len)
{
	struct xdp_md ctx = { .data_end = len, .ingress_ifindex = ingress };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame, .data_size_in = len,
		    .data_out = out, .data_size_out = *out_len,
		    .ctx_in = &ctx, .ctx_size_in = sizeof(ctx), .repeat = 1);
	int err;

	err = bpf_prog_test_run_opts(prog_fd_for(ingress, xdp_fd, "XDP"), &opts) ? -errno : 0;
	cr_assert_eq(err, 0, "XDP test run (ingress %d, %u bytes) must run: %s",
		     ingress, len, strerror(-err));
	*out_len = opts.data_size_out;
	return opts.retval;
}

__u32 xdp_run(int ingress, const void *frame, __u32 len)
{
	__u32 linear = len > XDP_LINEAR_MAX ? XDP_LINEAR_MAX : len;
	__u32 verdict = XDP_ABORTED;
	int err;

	err = test_run_raw(ingress, frame, len, 0, linear, 0, &verdict);
	if (err == -EINVAL && linear < len)
		cr_skip_test("this kernel's test_run refuses a %u-byte XDP frame with fragments", len);
	cr_assert_eq(err, 0, "bpf_prog_test_run_opts(ingress %d, %u bytes) must run: %s",
		     ingress, len, strerror(-err));
	return verdict;
}

int tc_run(int ingress, const void *frame, __u32 len)
{
	struct __sk_buff ctx = { .ifindex = (__u32)ingress };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame, .data_size_in = len,
		    .ctx_in = &ctx, .ctx_size_in = sizeof(ctx), .repeat = 1);
	int err;

	err = bpf_prog_test_run_opts(prog_fd_for(ingress, tc_fd, "TC"), &opts) ? -errno : 0;
	cr_assert_eq(err, 0, "TC test run (ingress %d, %u bytes) must run: %s",
		     ingress, len, strerror(-err));
	return (int)opts.retval;
}

int xdp_prog_fd(int ingress)
{
	return prog_fd_for(ingress, xdp_fd, "XDP");
}

__u32 send_frame(int ingress, const uint8_t *dst, const uint8_t *src)
{
	uint8_t buf[XB_FRAME_LEN];

	return xdp_run(ingress, buf, xb_frame(buf, dst, src));
}

/* ---- setup and teardown ------------------------------------------------------------ */

/* How fixture_setup_with() builds the bridge. */
static struct {
	enum xb_xdp_mode mode;	/* every port's */
	bool tap_a;		/* port A is a tap */
} setup;

void sh(const char *fmt, ...)
{
	char cmd[512];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	st = system(cmd);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "'%s' must succeed (status %d)", cmd, st);
}

static void write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return;
	if (write(fd, s, strlen(s)) < 0) {
		/* best effort: only keeps IPv6 chatter off the veths */
	}
	close(fd);
}

/*
 * Private network and mount namespaces: veths and a bpffs of our own, both
 * gone when this (forked) process exits, however it exits. The mount tree is
 * made private first, or the bpffs mount would propagate to the host.
 */
static void enter_namespaces(void)
{
	if (geteuid() != 0)
		cr_skip_test("needs root (CAP_BPF, CAP_NET_ADMIN, CAP_SYS_ADMIN)");
	if (unshare(CLONE_NEWNET | CLONE_NEWNS))
		cr_skip_test("unshare(CLONE_NEWNET | CLONE_NEWNS): %s", strerror(errno));
	cr_assert_eq(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL), 0,
		     "making the mount tree private must succeed: %s", strerror(errno));
	if (mount("bpf", BPFFS, "bpf", 0, NULL))
		cr_skip_test("cannot mount a private bpffs on %s: %s", BPFFS, strerror(errno));
	bpffs_mounted = true;

	/* The new namespace only: no IPv6 autoconf or MLD frames on the veths. */
	write_file("/proc/sys/net/ipv6/conf/default/disable_ipv6", "1");
	write_file("/proc/sys/net/ipv6/conf/all/disable_ipv6", "1");
}

/* Veth pair <pfx><c>0 / <pfx><c>1, both up; their ifindexes. The peer has
 * GRO on, as the loader asks of a native port's peer: its veth then takes
 * XDP redirects (ndo_xdp_xmit), else the port would be skb-only (port.c). */
static void make_veth(char c, char *name0, char *name1, int *ifindex0, int *ifindex1)
{
	snprintf(name0, IF_NAMESIZE, "xbt%d%c0", (int)getpid(), c);
	snprintf(name1, IF_NAMESIZE, "xbt%d%c1", (int)getpid(), c);
	sh("set -e; ip link add %s type veth peer name %s; ip link set %s up; ip link set %s up; "
	   "ethtool -K %s gro on >/dev/null",
	   name0, name1, name0, name1, name1);
	*ifindex0 = (int)if_nametoindex(name0);
	*ifindex1 = (int)if_nametoindex(name1);
	cr_assert(*ifindex0 > 0 && *ifindex1 > 0, "%s / %s must have an ifindex: %s",
		  name0, name1, strerror(errno));
}

/* A tap <pfx><c>0 (no peer: *ifindex1 = 0), as qemu opens one. */
static void make_tap(char c, char *name0, char *name1, int *ifindex0, int *ifindex1)
{
	snprintf(name0, IF_NAMESIZE, "xbt%d%c0", (int)getpid(), c);
	name1[0] = 0;
	if (access("/dev/net/tun", R_OK | W_OK))
		cr_skip_test("/dev/net/tun: %s (CONFIG_TUN)", strerror(errno));
	sh("set -e; ip tuntap add dev %s mode tap vnet_hdr; ip link set %s up", name0, name0);
	*ifindex0 = (int)if_nametoindex(name0);
	*ifindex1 = 0;
	cr_assert_gt(*ifindex0, 0, "%s must have an ifindex: %s", name0, strerror(errno));
}

/* Attach the bridge to ifname through the loader's port_add(). */
static void add_port(const char *ifname, int ifindex, const char *kind)
{
	struct nl_link link = { .ifindex = ifindex };
	int err;

	snprintf(link.ifname, sizeof(link.ifname), "%s", ifname);
	snprintf(link.kind, sizeof(link.kind), "%s", kind);
	err = port_add(&test_br, &link, setup.mode, 0);
	cr_assert_eq(err, 0, "port_add(%s, mode %s) must attach the bridge: %s", ifname,
		     xb_mode_name(setup.mode), strerror(-err));
}

/* An fd for the program instance port_add() attached to ifindex. */
static int attached_prog_fd(int ifindex, bool xdp)
{
	__u32 id = 0;
	int fd, err = 0;

	if (xdp)
		err = bpf_xdp_query_id(ifindex, 0, &id);
	else
		id = port_tc_prog_id(ifindex);
	cr_assert(!err && id, "ifindex %d must have its %s program attached (%s, id %u)",
		  ifindex, xdp ? "XDP" : "TC", strerror(-err), id);
	fd = bpf_prog_get_fd_by_id(id);
	cr_assert_geq(fd, 0, "program %u must be openable: %s", id, strerror(errno));
	return fd;
}

void fixture_setup(void)
{
	fixture_setup_with(XB_MODE_NATIVE, false);
}

void fixture_setup_tc(void)
{
	fixture_setup_with(XB_MODE_TC, false);
}

void fixture_setup_tap(void)
{
	fixture_setup_with(XB_MODE_NATIVE, true);
}

void fixture_setup_with(enum xb_xdp_mode mode, bool tap_a)
{
	struct xb_create_opts opts = {
		.ageing_sec = AGEING_NS / NS_PER_SEC,
		.fdb_size = FDB_SIZE,
		.max_ports = MAX_PORTS,
		.host_port = false,
	};
	char spare_name[IF_NAMESIZE], spare_peer_name[IF_NAMESIZE];
	int spare, spare_peer, i, err;

	setup.mode = mode;
	setup.tap_a = tap_a;
	enter_namespaces();
	ncpu = libbpf_num_possible_cpus();
	cr_assert_gt(ncpu, 0, "libbpf_num_possible_cpus must count CPUs: %s", strerror(-ncpu));

	snprintf(bridge_name, sizeof(bridge_name), "xbt%d", (int)getpid());
	err = bridge_create(bridge_name, &opts, &test_br);
	if (err == -EPERM || err == -EACCES || err == -ENOSYS || err == -EOPNOTSUPP)
		cr_skip_test("BPF unavailable: bridge_create failed: %s", strerror(-err));
	cr_assert_eq(err, 0, "bridge_create(%s) must succeed: %s", bridge_name, strerror(-err));
	bridge_created = true;

	/*
	 * A spare port takes slot 0, so A, B and C count in slots 1..3: a
	 * program instance that ignored its slot would count in slot 0, which
	 * no test reads as a port's, and every counter check would fail.
	 */
	make_veth('z', spare_name, spare_peer_name, &spare, &spare_peer);
	add_port(spare_name, spare, "veth");
	for (i = 0; i < NPORTS; i++) {
		bool tap = i == A && tap_a;

		(tap ? make_tap : make_veth)('a' + i, port_name[i], peer_name[i], &port[i], &peer[i]);
		add_port(port_name[i], port[i], tap ? "tun" : "veth");
		if (mode != XB_MODE_TC)
			xdp_fd[i] = attached_prog_fd(port[i], true);
		tc_fd[i] = attached_prog_fd(port[i], false);
		cr_assert_neq(slot_of(port[i]), 0, "slot 0 must be the spare port's");
	}
}

void fixture_teardown(void)
{
	/* Tidy up on the normal path; the namespaces remove whatever is left. */
	for (int i = 0; i < NPORTS; i++) {
		if (xdp_fd[i] >= 0)
			close(xdp_fd[i]);
		if (tc_fd[i] >= 0)
			close(tc_fd[i]);
		xdp_fd[i] = tc_fd[i] = -1;
	}
	if (bridge_created) {
		bridge_close(&test_br);
		bridge_destroy(bridge_name);
		bridge_created = false;
	}
	if (bpffs_mounted) {
		umount2(BPFFS, MNT_DETACH);
		bpffs_mounted = false;
	}
}

/* ---- live delivery: shared by test_live.c and test_policy.c ---- */

int set_gro(const char *ifname)
{
	struct ethtool_value ev = { .cmd = ETHTOOL_SGRO, .data = 1 };
	struct ifreq ifr;
	int fd, err = 0;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	ifr.ifr_data = (void *)&ev;
	if (ioctl(fd, SIOCETHTOOL, &ifr))
		err = -errno;
	close(fd);
	return err;
}

/*
 * Count received test frames from src on each peer until every peer has
 * what it should (or 2 s pass), then 200 ms more to catch extra copies.
 */
void sniff(const int fds[NPORTS], const uint8_t *src, const int want[NPORTS],
		  int got[NPORTS])
{
	__u64 deadline = now_mono() + 2 * NS_PER_SEC, grace = 0, t;
	struct pollfd pfd[NPORTS];
	uint8_t buf[2048];
	int i;

	for (i = 0; i < NPORTS; i++) {
		pfd[i] = (struct pollfd){ .fd = fds[i], .events = POLLIN };
		got[i] = 0;
	}
	for (;;) {
		bool done = true;

		for (i = 0; i < NPORTS; i++)
			done &= got[i] >= want[i];
		t = now_mono();
		if (done && !grace)
			grace = t + 200 * NS_PER_MS;
		if (t >= (grace ? grace : deadline))
			break;
		if (poll(pfd, NPORTS, ((grace ? grace : deadline) - t) / NS_PER_MS + 1) <= 0)
			continue;
		for (i = 0; i < NPORTS; i++) {
			struct sockaddr_ll from;
			socklen_t fromlen;
			ssize_t n;

			for (;;) {
				fromlen = sizeof(from);
				n = recvfrom(fds[i], buf, sizeof(buf), 0,
					     (struct sockaddr *)&from, &fromlen);
				if (n < 0)
					break;
				if (from.sll_pkttype == PACKET_OUTGOING || n < ETH_HLEN)
					continue;
				if (!memcmp(buf + ETH_ALEN, src, ETH_ALEN) &&
				    buf[12] == (XB_TEST_ETHERTYPE >> 8) &&
				    buf[13] == (XB_TEST_ETHERTYPE & 0xff))
					got[i]++;
			}
		}
	}
}

bool live_clones_broken(void)
{
	int major, minor;

	return !sys_kernel_version(&major, &minor) && (major < 6 || (major == 6 && minor < 3));
}

void inject(int p, const void *frame, __u32 len)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_ifindex = peer[p],
				   .sll_halen = ETH_ALEN };
	int fd;

	fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	cr_assert_geq(fd, 0, "AF_PACKET socket: %s", strerror(errno));
	cr_assert_eq(sendto(fd, frame, len, 0, (struct sockaddr *)&sll, sizeof(sll)), (ssize_t)len,
		     "send on %s: %s", peer_name[p], strerror(errno));
	close(fd);
}

void live_send(int ingress, const uint8_t *dst, const uint8_t *src)
{
	uint8_t frame[XB_FRAME_LEN];
	__u32 len = xb_frame(frame, dst, src);
	int err;

	if (live_clones_broken()) {
		int p;

		for (p = 0; p < NPORTS && port[p] != ingress; p++)
			;
		cr_assert_lt(p, NPORTS, "ifindex %d is not a fixture port", ingress);
		inject(p, frame, len);
		return;
	}
	err = test_run_raw(ingress, frame, len, 0, len, BPF_F_TEST_XDP_LIVE_FRAMES, NULL);
	if (err == -EINVAL || err == -EOPNOTSUPP)
		cr_skip_test("BPF_F_TEST_XDP_LIVE_FRAMES not supported here: %s", strerror(-err));
	cr_assert_eq(err, 0, "the live test run must succeed: %s", strerror(-err));
}
