// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * xbbench: the benchmark's own tools, one binary.
 *
 *   xbbench gen   --dev DEV[,DEV...] --count N [--rounds R] [--size B] [--src MAC] [--dst MAC]
 *                 [--churn N [--alt-dev IFNAME]] [--churn-base N] [--churn-repeat K] [--batch N] [--vlan VID]
 *                 [--restore] (rewrite each frame's header: for bridges that push/pop tags)
 *                 [--reset-meta] (each frame leaves with the same 4 bytes of XDP
 *                 metadata: for bridges whose floods leave metadata on recycled frames)
 *       (--churn-repeat K: K frames from each source MAC of the set before the next)
 *       Inject N frames with bpf_prog_test_run_opts(BPF_F_TEST_XDP_LIVE_FRAMES)
 *       out of DEV (they enter DEV's veth peer). Prints "sent=N ns=T pps=R".
 *   xbbench pgen  --dev DEV --count N [--size B] [--src MAC] [--dst MAC] [--batch N]
 *       Send N frames from DEV through an AF_PACKET socket (sendmmsg, qdisc
 *       bypassed): skbs, so sizes up to the MTU (jumbo), which live XDP frames
 *       cannot carry. Prints "sent=N ns=T pps=R".
 *   xbbench tapgen --in NS/TAP --out NS/TAP --count N [--size B] [--mss M]
 *       What a guest with TSO hands qemu: N TCP frames of B bytes (default
 *       65000) with a virtio_net_hdr (GSO_TCPV4, gso_size M, NEEDS_CSUM),
 *       written non-blocking into TAP --in (opened IFF_VNET_HDR, as qemu does);
 *       TAP --out is read between batches, with TSO/CSUM offloads on like a
 *       guest's. Prints "sent=N ns=T pps=R frames_out=F bytes_out=B gbps=G":
 *       B counts frame bytes read from --out (without virtio headers).
 *   xbbench sink  attach|attach-frags|attach-tc|detach|detach-tc|read|reset DEV...
 *       Counting XDP_DROP receiver. read prints "DEV FRAMES BYTES" per device.
 *       attach-frags: the xdp.frags variant (a jumbo MTU on the peer).
 *       attach-tc: the same at TC ingress (sharing the XDP sink's counters),
 *       for skbs a TC bpf_redirect_peer delivers past XDP; detach-tc removes
 *       it with its clsact qdisc.
 *   xbbench floor IN OUT[,OUT...] [--frags]
 *       Attach the floor program to IN: redirect every frame to OUT (one) or
 *       broadcast to all OUTs except IN (several); --frags: xdp.frags variant.
 *   xbbench vflood NS/IN --design filter|pervlan|fixed --ports P,P,... --members P,...
 *                  [--trunks P,...]
 *       Attach the VLAN flood prototype (xbvflood.bpf.c) to IN: every frame
 *       in IN's PVID (XBVF_VID) is flooded to the --members (P: ports in IN's
 *       netns, all of them in --ports, which holds IN too), tagged on the
 *       --trunks, untagged on the others; the rest of --ports are untagged
 *       members of XBVF_VID_OTHER. filter: one devmap of every port, egress
 *       programs drop non-members (xdpbridge's design); pervlan: a devmap
 *       per VLAN of its members, picked from an ARRAY_OF_MAPS; fixed: the
 *       same with devmaps chosen by a switch. Detach with `detach`.
 *   xbbench detach DEV...
 *   xbbench fdbfill BRIDGE N IFINDEX [AGE_SEC]
 *       Insert N learned entries as the data path learns them (fdb_learned_put:
 *       FDB entry plus ageing record).
 *   xbbench sweep BRIDGE [--full]
 *       One run of the loader's own ageing sweep (fdb_age() from build/libxb.a:
 *       the xdpbridge_age program reading the ageing index in the kernel; with
 *       --full, fdb_age_full() walking the whole FDB), timed.
 *   xbbench echo --port P [--idle SEC]
 *   xbbench ping --to IPV4 --port P --count N [--warmup N] [--size B]
 *       UDP request/response latency; ping prints min/p50/p99/p999/max (us).
 *
 * DEV is IFNAME or NETNS/IFNAME (NETNS as in /run/netns). Programs attached
 * by this tool are attached through netlink and stay after it exits.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/if_packet.h>
#include <linux/if_link.h>
#include <linux/if_tun.h>
#include <linux/virtio_net.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/uio.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "xdpbridge.h"
#include "xbbench.h"
#include "xbgen.skel.h"
#include "xbsink.skel.h"
#include "xbfloor.skel.h"
#include "xbvflood.skel.h"
/* The loader's library, for its real ageing sweep. */
#include "bridge.h"
#include "fdb.h"
#include "parse.h"
#include "xdpbridge.skel.h"

#define pr_err(...) fprintf(stderr, "xbbench: " __VA_ARGS__)

static int orig_netns = -1;

static uint64_t now_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG && !getenv("XBBENCH_DEBUG"))
		return 0;
	return vfprintf(stderr, fmt, ap);
}

/* "NS/IFNAME" -> enter NS (from the original netns), return ifindex; 0 on error. */
static int dev_resolve(const char *spec)
{
	const char *slash = strchr(spec, '/');
	char path[256];
	unsigned int ifindex;
	int fd;

	if (orig_netns < 0)
		orig_netns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (setns(orig_netns, CLONE_NEWNET)) {
		pr_err("setns back: %s\n", strerror(errno));
		return 0;
	}
	if (slash) {
		snprintf(path, sizeof(path), "/run/netns/%.*s", (int)(slash - spec), spec);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || setns(fd, CLONE_NEWNET)) {
			pr_err("netns %s: %s\n", path, strerror(errno));
			if (fd >= 0)
				close(fd);
			return 0;
		}
		close(fd);
		spec = slash + 1;
	}
	ifindex = if_nametoindex(spec);
	if (!ifindex)
		pr_err("no interface %s\n", spec);
	return (int)ifindex;
}

/*
 * CPU time (ns) ksoftirqd of the CPU this thread runs on has used so far
 * (/proc/PID/schedstat), or 0. With the generator pinned, the softirq work
 * of its frames runs either in its own context (counted in its thread CPU
 * time, as this kernel has no IRQ_TIME_ACCOUNTING) or in that ksoftirqd.
 */
static uint64_t ksoftirqd_ns(void)
{
	static int found_pid, found_cpu = -1;
	char path[64], want[32], comm[32];
	unsigned long long ns = 0;
	int cpu = sched_getcpu();
	FILE *f;

	snprintf(want, sizeof(want), "ksoftirqd/%d\n", cpu);
	/* ksoftirqd/N is started early: its pid is small; scan a bounded range */
	for (int pid = found_cpu == cpu ? found_pid : 2; pid < 4096; pid++) {
		snprintf(path, sizeof(path), "/proc/%d/comm", pid);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (!fgets(comm, sizeof(comm), f) || strcmp(comm, want)) {
			fclose(f);
			continue;
		}
		fclose(f);
		found_pid = pid;
		found_cpu = cpu;
		snprintf(path, sizeof(path), "/proc/%d/schedstat", pid);
		f = fopen(path, "r");
		if (f) {
			if (fscanf(f, "%llu", &ns) != 1)
				ns = 0;
			fclose(f);
		}
		break;
	}
	return ns;
}

static uint16_t ip_csum(const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((uint16_t)~sum);
}

/* Ethernet [+ 802.1Q tag with @vid, in the data] + IPv4 (valid header
 * checksum) + UDP (no checksum) to XBB_UDP_PORT; @size includes the tag. */
static void build_frame(uint8_t *f, unsigned int size, const uint8_t dst[6],
			const uint8_t src[6], bool broadcast, unsigned int vid)
{
	unsigned int l2 = vid ? 18 : 14;
	uint8_t *ip = f + l2, *udp = ip + 20;
	unsigned int ip_len = size - l2, udp_len = ip_len - 20;

	memset(f, 0, size);
	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	if (vid) {
		f[12] = 0x81;
		f[13] = 0x00;
		f[14] = (vid >> 8) & 0x0f;
		f[15] = vid & 0xff;
	}
	f[l2 - 2] = 0x08;
	f[l2 - 1] = 0x00;
	ip[0] = 0x45;
	ip[2] = ip_len >> 8;
	ip[3] = ip_len & 0xff;
	ip[6] = 0x40;		/* DF */
	ip[8] = 64;		/* TTL */
	ip[9] = IPPROTO_UDP;
	ip[12] = 10; ip[13] = 77; ip[14] = 0; ip[15] = 1;
	ip[16] = 10; ip[17] = 77; ip[18] = broadcast ? 255 : 0; ip[19] = broadcast ? 255 : 2;
	*(uint16_t *)(ip + 10) = ip_csum(ip, 20);
	udp[0] = 9000 >> 8;
	udp[1] = 9000 & 0xff;
	udp[2] = XBB_UDP_PORT >> 8;
	udp[3] = XBB_UDP_PORT & 0xff;
	udp[4] = udp_len >> 8;
	udp[5] = udp_len & 0xff;
}

static int cmd_gen(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dev", required_argument, NULL, 'd' },
		{ "count", required_argument, NULL, 'c' },
		{ "size", required_argument, NULL, 's' },
		{ "src", required_argument, NULL, 'S' },
		{ "dst", required_argument, NULL, 'D' },
		{ "churn", required_argument, NULL, 'C' },
		{ "churn-base", required_argument, NULL, 'B' },
		{ "churn-repeat", required_argument, NULL, 'R' },
		{ "batch", required_argument, NULL, 'b' },
		{ "rounds", required_argument, NULL, 'r' },
		{ "alt-dev", required_argument, NULL, 'a' },
		{ "vlan", required_argument, NULL, 'V' },
		{ "restore", no_argument, NULL, 'H' },
		{ "reset-meta", no_argument, NULL, 'M' },
		{ 0 },
	};
	uint8_t src[6] = { 0x02, 0xb0, 0, 0, 0, 1 }, dst[6] = { 0x02, 0xb0, 0, 0, 0, 2 };
	unsigned long count = 1000000, size = 64, churn = 0, churn_base = 0, batch = 64;
	unsigned long rounds = 1, r, sent = 0, vid = 0, churn_repeat = 1;
	char *devs[16], *devlist = NULL, *save = NULL, *tok;
	uint64_t busy = 0, cpu = 0, softirqd = 0, c0, k0;
	int ndev = 0, d, alt_ifindex = 0, restore = 0, reset_meta = 0;
	const char *alt_dev = NULL;
	struct xdp_md ctx = {};
	struct xbgen_bpf *skel = NULL;
	uint8_t *frame = NULL;
	uint64_t t0, t1;
	int opt, ifindex, err = 1;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'd': devlist = optarg; break;
		case 'r': rounds = strtoul(optarg, NULL, 0); break;
		case 'a': alt_dev = optarg; break;
		case 'c': count = strtoul(optarg, NULL, 0); break;
		case 's': size = strtoul(optarg, NULL, 0); break;
		case 'C': churn = strtoul(optarg, NULL, 0); break;
		case 'B': churn_base = strtoul(optarg, NULL, 0); break;
		case 'R': churn_repeat = strtoul(optarg, NULL, 0); break;
		case 'b': batch = strtoul(optarg, NULL, 0); break;
		case 'V': vid = strtoul(optarg, NULL, 0); break;
		case 'H': restore = 1; break;
		case 'M': reset_meta = 1; break;
		case 'S':
			if (parse_mac(optarg, src)) { pr_err("bad MAC %s\n", optarg); return 2; }
			break;
		case 'D':
			if (parse_mac(optarg, dst)) { pr_err("bad MAC %s\n", optarg); return 2; }
			break;
		default: return 2;
		}
	}
	for (tok = devlist ? strtok_r(devlist, ",", &save) : NULL; tok && ndev < 16;
	     tok = strtok_r(NULL, ",", &save))
		devs[ndev++] = tok;
	if (!ndev || !rounds || !count || count > UINT32_MAX || size < 60 || size > 3000 ||
	    !batch || batch > 256 || vid > 4094) {
		pr_err("gen: need --dev DEV[,DEV...], rounds > 0, 0 < count < 2^32, 60 <= size <= 3000, 1 <= batch <= 256, vlan <= 4094\n");
		return 2;
	}
	if (alt_dev) {	/* an interface in the netns of the first --dev */
		if (!dev_resolve(devs[0]))
			return 1;
		alt_ifindex = (int)if_nametoindex(alt_dev);
		if (!alt_ifindex || !churn) {
			pr_err("gen: --alt-dev needs --churn and an interface %s next to %s\n",
			       alt_dev, devs[0]);
			return 2;
		}
	}
	skel = xbgen_bpf__open();
	if (!skel) {
		pr_err("open xbgen: %s\n", strerror(errno));
		return 1;
	}
	skel->rodata->alt_ifindex = (uint32_t)alt_ifindex;
	skel->rodata->churn = (uint32_t)churn;
	skel->rodata->churn_base = (uint32_t)churn_base;
	skel->rodata->churn_repeat = churn_repeat ? (uint32_t)churn_repeat : 1;
	frame = malloc(size);
	if (!frame)
		goto cleanup;
	build_frame(frame, (unsigned int)size, dst, src, dst[0] & 1, (unsigned int)vid);
	skel->rodata->restore = (uint32_t)restore;
	skel->rodata->reset_meta = (uint32_t)reset_meta;
	memcpy((void *)skel->rodata->template_hdr, frame, sizeof(skel->rodata->template_hdr));
	if (xbgen_bpf__load(skel)) {
		pr_err("load xbgen: %s\n", strerror(errno));
		goto cleanup;
	}

	/* Each test run injects @count frames; several devices take turns, the
	 * time reported is the sum of the test runs (setup outside it excluded). */
	for (r = 0; r < rounds; r++) {
		for (d = 0; d < ndev; d++) {
			ifindex = dev_resolve(devs[d]);	/* enters the device's netns */
			if (!ifindex)
				goto cleanup;
			memset(&ctx, 0, sizeof(ctx));
			ctx.data_end = (uint32_t)size;
			ctx.ingress_ifindex = (uint32_t)ifindex;
			LIBBPF_OPTS(bpf_test_run_opts, topts,
				    .data_in = frame,
				    .data_size_in = (uint32_t)size,
				    .ctx_in = &ctx,
				    .ctx_size_in = sizeof(ctx),
				    .repeat = (uint32_t)count,
				    .flags = BPF_F_TEST_XDP_LIVE_FRAMES,
				    .batch_size = (uint32_t)batch);
			k0 = ksoftirqd_ns();
			c0 = now_ns(CLOCK_THREAD_CPUTIME_ID);
			t0 = now_ns(CLOCK_MONOTONIC);
			if (bpf_prog_test_run_opts(bpf_program__fd(skel->progs.xbgen), &topts)) {
				pr_err("test_run on %s: %s\n", devs[d], strerror(errno));
				goto cleanup;
			}
			t1 = now_ns(CLOCK_MONOTONIC);
			busy += t1 - t0;
			cpu += now_ns(CLOCK_THREAD_CPUTIME_ID) - c0;
			softirqd += ksoftirqd_ns() - k0;
			sent += count;
		}
	}
	/* cpu_fps: frames per second of CPU time (this thread's plus the
	 * ksoftirqd's of its CPU): what other tenants' share of the CPU does
	 * not change, unlike pps (per second of wall time). */
	printf("sent=%lu ns=%llu pps=%.0f cpu_ns=%llu softirqd_ns=%llu cpu_fps=%.0f\n", sent,
	       (unsigned long long)busy, (double)sent * 1e9 / (double)busy, (unsigned long long)cpu,
	       (unsigned long long)softirqd, (double)sent * 1e9 / (double)(cpu + softirqd));
	err = 0;
cleanup:
	free(frame);
	xbgen_bpf__destroy(skel);
	return err;
}

/* Frames as skbs through an AF_PACKET socket on DEV: what a host's own
 * sender produces, in any size up to the MTU. With the qdisc bypassed, the
 * veth hands each skb to its peer's NAPI on this CPU; the time is the wall
 * time of the whole loop, so that work counts wherever it runs. */
static int cmd_pgen(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dev", required_argument, NULL, 'd' },
		{ "count", required_argument, NULL, 'c' },
		{ "size", required_argument, NULL, 's' },
		{ "src", required_argument, NULL, 'S' },
		{ "dst", required_argument, NULL, 'D' },
		{ "batch", required_argument, NULL, 'b' },
		{ 0 },
	};
	uint8_t src[6] = { 0x02, 0xb0, 0, 0, 0, 1 }, dst[6] = { 0x02, 0xb0, 0, 0, 0, 2 };
	unsigned long count = 100000, size = 1500, batch = 32, sent = 0, n, i;
	const char *dev = NULL;
	struct mmsghdr msgs[256];
	struct iovec iov;
	struct sockaddr_ll sll = { .sll_family = AF_PACKET };
	uint8_t *frame = NULL;
	uint64_t busy = 0, t0;
	int opt, fd = -1, ifindex, one = 1, err = 1, r, retries = 0;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'd': dev = optarg; break;
		case 'c': count = strtoul(optarg, NULL, 0); break;
		case 's': size = strtoul(optarg, NULL, 0); break;
		case 'b': batch = strtoul(optarg, NULL, 0); break;
		case 'S':
			if (parse_mac(optarg, src)) { pr_err("bad MAC %s\n", optarg); return 2; }
			break;
		case 'D':
			if (parse_mac(optarg, dst)) { pr_err("bad MAC %s\n", optarg); return 2; }
			break;
		default: return 2;
		}
	}
	if (!dev || !count || size < 60 || size > 16000 || !batch || batch > 256) {
		pr_err("pgen: need --dev DEV, count > 0, 60 <= size <= 16000, 1 <= batch <= 256\n");
		return 2;
	}
	ifindex = dev_resolve(dev);
	if (!ifindex)
		return 1;
	fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);	/* protocol 0: send only */
	if (fd < 0) {
		pr_err("pgen: socket: %s\n", strerror(errno));
		return 1;
	}
	if (setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one)))
		pr_err("pgen: PACKET_QDISC_BYPASS: %s (sending through the qdisc)\n", strerror(errno));
	sll.sll_ifindex = ifindex;
	sll.sll_halen = 6;
	memcpy(sll.sll_addr, dst, 6);
	frame = malloc(size);
	if (!frame)
		goto cleanup;
	build_frame(frame, (unsigned int)size, dst, src, dst[0] & 1, 0);
	iov.iov_base = frame;
	iov.iov_len = size;
	memset(msgs, 0, sizeof(msgs));
	for (i = 0; i < batch; i++) {
		msgs[i].msg_hdr.msg_iov = &iov;
		msgs[i].msg_hdr.msg_iovlen = 1;
		msgs[i].msg_hdr.msg_name = &sll;
		msgs[i].msg_hdr.msg_namelen = sizeof(sll);
	}
	t0 = now_ns(CLOCK_MONOTONIC);
	while (sent < count) {
		n = count - sent < batch ? count - sent : batch;
		r = sendmmsg(fd, msgs, (unsigned int)n, 0);
		if (r < 0) {
			/* a full ring: the receiver is behind; retry, but not forever */
			if ((errno == ENOBUFS || errno == EAGAIN) && ++retries < 1000000)
				continue;
			pr_err("pgen: sendmmsg on %s: %s\n", dev, strerror(errno));
			goto cleanup;
		}
		sent += (unsigned long)r;
	}
	busy = now_ns(CLOCK_MONOTONIC) - t0;
	printf("sent=%lu ns=%llu pps=%.0f\n", sent, (unsigned long long)busy,
	       (double)sent * 1e9 / (double)busy);
	err = 0;
cleanup:
	free(frame);
	close(fd);
	return err;
}

/* Open the existing tap @spec (NS/NAME) the way qemu does: IFF_VNET_HDR,
 * non-blocking; offloads: what the "guest" behind it accepts. */
static int tap_open(const char *spec)
{
	const char *name = strchr(spec, '/') ? strchr(spec, '/') + 1 : spec;
	struct ifreq ifr = {};
	int fd;

	if (!dev_resolve(spec))
		return -1;
	fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		pr_err("tapgen: /dev/net/tun: %s\n", strerror(errno));
		return -1;
	}
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
	if (ioctl(fd, TUNSETIFF, &ifr) ||
	    ioctl(fd, TUNSETOFFLOAD, TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6)) {
		pr_err("tapgen: tap %s: %s\n", spec, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* Read everything queued on @fd; add frames and frame bytes. */
static void tap_drain(int fd, uint8_t *buf, size_t len, unsigned long *frames,
		      unsigned long long *bytes)
{
	ssize_t n;

	while ((n = read(fd, buf, len)) > (ssize_t)sizeof(struct virtio_net_hdr)) {
		*frames += 1;
		*bytes += (unsigned long long)n - sizeof(struct virtio_net_hdr);
	}
}

static int cmd_tapgen(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "in", required_argument, NULL, 'i' },
		{ "out", required_argument, NULL, 'o' },
		{ "count", required_argument, NULL, 'c' },
		{ "size", required_argument, NULL, 's' },
		{ "mss", required_argument, NULL, 'm' },
		{ 0 },
	};
	/* h1 -> h2, as the rate scenarios use */
	const uint8_t a[6] = { 0x02, 0xb0, 0, 0, 0, 1 }, b[6] = { 0x02, 0xb0, 0, 0, 0, 2 };
	unsigned long count = 20000, size = 65000, mss = 1448, sent = 0, frames_out = 0, i;
	unsigned long long bytes_out = 0;
	const char *in_spec = NULL, *out_spec = NULL;
	struct virtio_net_hdr vh = {};
	uint8_t *frame = NULL, *buf = NULL, *ip, *tcp;
	struct iovec iov[2];
	uint32_t sum;
	uint64_t t0, ns;
	int opt, in = -1, out = -1, err = 1, spins;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'i': in_spec = optarg; break;
		case 'o': out_spec = optarg; break;
		case 'c': count = strtoul(optarg, NULL, 0); break;
		case 's': size = strtoul(optarg, NULL, 0); break;
		case 'm': mss = strtoul(optarg, NULL, 0); break;
		default: return 2;
		}
	}
	if (!in_spec || !out_spec || !count || size < 128 || size > 65535 - 14 || mss < 500 || mss > 9000) {
		pr_err("tapgen: need --in NS/TAP --out NS/TAP, count > 0, 128 <= size <= 65521, 500 <= mss <= 9000\n");
		return 2;
	}
	in = tap_open(in_spec);
	out = tap_open(out_spec);
	frame = calloc(1, size);
	buf = malloc(65536 + 64);
	if (in < 0 || out < 0 || !frame || !buf)
		goto cleanup;

	/* Teach the bridge where b lives: a small frame written into --out. */
	build_frame(frame, 60, a, b, false, 0);
	memset(&vh, 0, sizeof(vh));
	iov[0] = (struct iovec){ &vh, sizeof(vh) };
	iov[1] = (struct iovec){ frame, 60 };
	for (i = 0; i < 4; i++)
		if (writev(out, iov, 2) < 0)
			pr_err("tapgen: learning frame: %s\n", strerror(errno));
	usleep(100000);
	tap_drain(in, buf, 65536 + 64, &frames_out, &bytes_out);
	tap_drain(out, buf, 65536 + 64, &frames_out, &bytes_out);
	frames_out = 0;
	bytes_out = 0;

	/* Ethernet, IPv4, TCP (20 bytes), payload; partial TCP checksum: the
	 * pseudo-header sum, as a guest leaves it for the device to finish. */
	memset(frame, 0, size);
	memcpy(frame, b, 6);
	memcpy(frame + 6, a, 6);
	frame[12] = 0x08;
	ip = frame + 14;
	tcp = ip + 20;
	ip[0] = 0x45;
	ip[2] = (size - 14) >> 8;
	ip[3] = (size - 14) & 0xff;
	ip[6] = 0x40;
	ip[8] = 64;
	ip[9] = IPPROTO_TCP;
	ip[12] = 10; ip[13] = 77; ip[14] = 0; ip[15] = 1;
	ip[16] = 10; ip[17] = 77; ip[18] = 0; ip[19] = 2;
	*(uint16_t *)(ip + 10) = ip_csum(ip, 20);
	tcp[0] = 0x9c; tcp[1] = 0x40;	/* 40000 -> 5201 */
	tcp[2] = 0x14; tcp[3] = 0x51;
	tcp[12] = 5 << 4;
	tcp[13] = 0x10;			/* ACK */
	tcp[14] = 0xff; tcp[15] = 0xff;
	sum = (10 << 8 | 77) * 2 + 1 + 2 + IPPROTO_TCP + (uint32_t)(size - 34);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	*(uint16_t *)(tcp + 16) = htons((uint16_t)sum);
	vh.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	vh.gso_type = size - 54 > mss ? VIRTIO_NET_HDR_GSO_TCPV4 : VIRTIO_NET_HDR_GSO_NONE;
	vh.hdr_len = 54;
	vh.gso_size = vh.gso_type == VIRTIO_NET_HDR_GSO_NONE ? 0 : (uint16_t)mss;
	vh.csum_start = 34;
	vh.csum_offset = 16;
	iov[1] = (struct iovec){ frame, size };

	t0 = now_ns(CLOCK_MONOTONIC);
	while (sent < count) {
		for (i = 0; i < 16 && sent < count; i++) {
			for (spins = 0; writev(in, iov, 2) < 0; spins++) {
				if (errno != EAGAIN || spins > 100000) {
					pr_err("tapgen: write %s: %s\n", in_spec, strerror(errno));
					goto cleanup;
				}
				tap_drain(out, buf, 65536 + 64, &frames_out, &bytes_out);
			}
			sent++;
		}
		tap_drain(out, buf, 65536 + 64, &frames_out, &bytes_out);
	}
	ns = now_ns(CLOCK_MONOTONIC) - t0;
	usleep(100000);	/* stragglers, not timed */
	tap_drain(out, buf, 65536 + 64, &frames_out, &bytes_out);
	printf("sent=%lu ns=%llu pps=%.0f frames_out=%lu bytes_out=%llu gbps=%.3f\n", sent,
	       (unsigned long long)ns, (double)sent * 1e9 / (double)ns, frames_out, bytes_out,
	       (double)bytes_out * 8 / (double)ns);
	err = 0;
cleanup:
	free(frame);
	free(buf);
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	return err;
}

/* Map fd of the map called @name used by program @prog_id, or -1. */
static int prog_map_fd(uint32_t prog_id, const char *name)
{
	struct bpf_prog_info pinfo = {};
	struct bpf_map_info minfo;
	uint32_t len, ids[16], i;
	int prog_fd, map_fd;

	prog_fd = bpf_prog_get_fd_by_id(prog_id);
	if (prog_fd < 0)
		return -1;
	pinfo.nr_map_ids = 16;
	pinfo.map_ids = (uint64_t)(unsigned long)ids;
	len = sizeof(pinfo);
	if (bpf_obj_get_info_by_fd(prog_fd, &pinfo, &len)) {
		close(prog_fd);
		return -1;
	}
	close(prog_fd);
	for (i = 0; i < pinfo.nr_map_ids && i < 16; i++) {
		map_fd = bpf_map_get_fd_by_id(ids[i]);
		if (map_fd < 0)
			continue;
		memset(&minfo, 0, sizeof(minfo));
		len = sizeof(minfo);
		if (!bpf_obj_get_info_by_fd(map_fd, &minfo, &len) && !strcmp(minfo.name, name))
			return map_fd;
		close(map_fd);
	}
	return -1;
}

/* The TC ingress filter of the sink: one fixed handle and priority. */
#define XBB_SINK_TC_HANDLE	0x7b
#define XBB_SINK_TC_PRIO	1

/* Id of the sink's TC ingress program on @ifindex, or 0. */
static uint32_t sink_tc_prog_id(int ifindex)
{
	DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex, .attach_point = BPF_TC_INGRESS);
	DECLARE_LIBBPF_OPTS(bpf_tc_opts, opts, .handle = XBB_SINK_TC_HANDLE,
			    .priority = XBB_SINK_TC_PRIO);

	return bpf_tc_query(&hook, &opts) ? 0 : opts.prog_id;
}

/*
 * Map fd of the sink's counters on @ifindex: those of its XDP program, else
 * those of its TC ingress program (attach-tc shares the XDP sink's map when
 * both are attached, so one read covers both paths).
 */
static int sink_map_fd(int ifindex, bool quiet)
{
	uint32_t prog_id = 0;
	int fd = -1;

	if (!bpf_xdp_query_id(ifindex, 0, &prog_id) && prog_id)
		fd = prog_map_fd(prog_id, "xbsink_counts");
	if (fd < 0 && (prog_id = sink_tc_prog_id(ifindex)))
		fd = prog_map_fd(prog_id, "xbsink_counts");
	if (fd < 0 && !quiet)
		pr_err("no sink (XDP or TC ingress) with map xbsink_counts on ifindex %d\n", ifindex);
	return fd;
}

/*
 * TC ingress variant of the sink, for skbs that skip the XDP sink (a TC
 * bpf_redirect_peer into the device's namespace). It reuses the XDP sink's
 * counters when one is attached.
 */
static int sink_tc_attach(int ifindex, const char *dev)
{
	DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex, .attach_point = BPF_TC_INGRESS);
	DECLARE_LIBBPF_OPTS(bpf_tc_opts, opts, .handle = XBB_SINK_TC_HANDLE,
			    .priority = XBB_SINK_TC_PRIO, .flags = BPF_TC_F_REPLACE);
	struct xbsink_bpf *skel;
	int map_fd, err;

	skel = xbsink_bpf__open();
	if (!skel) {
		pr_err("open xbsink: %s\n", strerror(errno));
		return 1;
	}
	map_fd = sink_map_fd(ifindex, true);
	err = map_fd >= 0 ? bpf_map__reuse_fd(skel->maps.xbsink_counts, map_fd) : 0;
	if (!err)
		err = xbsink_bpf__load(skel);
	if (err) {
		pr_err("load xbsink: %s\n", strerror(-err));
		goto cleanup;
	}
	err = bpf_tc_hook_create(&hook);
	if (err && err != -EEXIST) {
		pr_err("clsact on %s: %s\n", dev, strerror(-err));
		goto cleanup;
	}
	opts.prog_fd = bpf_program__fd(skel->progs.xbsink_tc);
	err = bpf_tc_attach(&hook, &opts);
	if (err)
		pr_err("attach TC sink to %s: %s\n", dev, strerror(-err));
cleanup:
	if (map_fd >= 0)
		close(map_fd);
	xbsink_bpf__destroy(skel);
	return err ? 1 : 0;
}

/* Removes the TC sink and the clsact qdisc it lives in (with any other filter). */
static int sink_tc_detach(int ifindex)
{
	DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex,
			    .attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS);

	return bpf_tc_hook_destroy(&hook) && errno != ENOENT ? 1 : 0;
}

static int sink_one(const char *op, const char *dev)
{
	int ncpu = libbpf_num_possible_cpus(), ifindex, fd, err = 0;
	uint64_t vals[XBB_SINK_MAX], *percpu;
	struct xbsink_bpf *skel;
	uint32_t key;
	int c;

	ifindex = dev_resolve(dev);
	if (!ifindex)
		return 1;
	if (!strcmp(op, "attach") || !strcmp(op, "attach-frags")) {
		bool frags = !strcmp(op, "attach-frags");

		skel = xbsink_bpf__open_and_load();
		if (!skel) {
			pr_err("load xbsink: %s\n", strerror(errno));
			return 1;
		}
		err = bpf_xdp_attach(ifindex, bpf_program__fd(frags ? skel->progs.xbsink_frags :
								      skel->progs.xbsink),
				     XDP_FLAGS_DRV_MODE, NULL);
		if (err)
			pr_err("attach sink to %s: %s\n", dev, strerror(-err));
		xbsink_bpf__destroy(skel);
		return err ? 1 : 0;
	}
	if (!strcmp(op, "attach-tc"))
		return sink_tc_attach(ifindex, dev);
	if (!strcmp(op, "detach-tc"))
		return sink_tc_detach(ifindex);
	if (!strcmp(op, "detach"))
		return bpf_xdp_detach(ifindex, XDP_FLAGS_DRV_MODE, NULL) ? 1 : 0;

	fd = sink_map_fd(ifindex, false);
	if (fd < 0)
		return 1;
	percpu = calloc(ncpu, sizeof(uint64_t));
	if (!percpu) {
		close(fd);
		return 1;
	}
	for (key = 0; key < XBB_SINK_MAX; key++) {
		vals[key] = 0;
		if (!strcmp(op, "reset")) {
			if (bpf_map_update_elem(fd, &key, percpu, BPF_ANY))
				err = 1;
			continue;
		}
		if (bpf_map_lookup_elem(fd, &key, percpu)) {
			err = 1;
			continue;
		}
		for (c = 0; c < ncpu; c++)
			vals[key] += percpu[c];
	}
	if (!strcmp(op, "read"))
		printf("%s %llu %llu\n", dev, (unsigned long long)vals[XBB_SINK_FRAMES],
		       (unsigned long long)vals[XBB_SINK_BYTES]);
	free(percpu);
	close(fd);
	return err;
}

static int cmd_sink(int argc, char **argv)
{
	int i, err = 0;

	if (argc < 3 || (strcmp(argv[1], "attach") && strcmp(argv[1], "attach-frags") &&
			 strcmp(argv[1], "attach-tc") && strcmp(argv[1], "detach") &&
			 strcmp(argv[1], "detach-tc") && strcmp(argv[1], "read") &&
			 strcmp(argv[1], "reset"))) {
		pr_err("usage: sink attach|attach-frags|attach-tc|detach|detach-tc|read|reset DEV...\n");
		return 2;
	}
	for (i = 2; i < argc; i++)
		err |= sink_one(argv[1], argv[i]);
	return err;
}

static int cmd_floor(int argc, char **argv)
{
	char *outs, *tok, *save = NULL, spec[256], prefix[128] = "";
	const char *slash;
	struct xbfloor_bpf *skel;
	int in, out, n = 0, err = 1;
	uint32_t slot, ifindexes[XBB_FLOOR_MAX_OUT];
	bool frags = argc == 4 && !strcmp(argv[3], "--frags");

	if (argc != 3 && !frags) {
		pr_err("usage: floor IN OUT[,OUT...] [--frags]\n");
		return 2;
	}
	slash = strchr(argv[1], '/');
	if (slash)
		snprintf(prefix, sizeof(prefix), "%.*s", (int)(slash - argv[1] + 1), argv[1]);
	outs = strdup(argv[2]);
	for (tok = strtok_r(outs, ",", &save); tok && n < XBB_FLOOR_MAX_OUT;
	     tok = strtok_r(NULL, ",", &save)) {
		snprintf(spec, sizeof(spec), "%s%s", strchr(tok, '/') ? "" : prefix, tok);
		out = dev_resolve(spec);
		if (!out) {
			free(outs);
			return 1;
		}
		ifindexes[n++] = (uint32_t)out;
	}
	free(outs);
	in = dev_resolve(argv[1]);
	if (!in || !n)
		return 1;

	skel = xbfloor_bpf__open();
	if (!skel)
		return 1;
	skel->rodata->broadcast = n > 1;
	/* Load only the variant asked for: the kernel requires every program
	 * that uses a devmap to agree on frags (map_type_contains_progs). */
	bpf_program__set_autoload(frags ? skel->progs.xbfloor : skel->progs.xbfloor_frags, false);
	if (xbfloor_bpf__load(skel)) {
		pr_err("load xbfloor: %s\n", strerror(errno));
		goto cleanup;
	}
	for (slot = 0; slot < (uint32_t)n; slot++) {
		if (bpf_map_update_elem(bpf_map__fd(skel->maps.xbfloor_out), &slot,
					&ifindexes[slot], BPF_ANY)) {
			pr_err("devmap slot %u: %s\n", slot, strerror(errno));
			goto cleanup;
		}
	}
	err = bpf_xdp_attach(in, bpf_program__fd(frags ? skel->progs.xbfloor_frags : skel->progs.xbfloor),
			     XDP_FLAGS_DRV_MODE, NULL);
	if (err)
		pr_err("attach floor to %s: %s\n", argv[1], strerror(-err));
cleanup:
	xbfloor_bpf__destroy(skel);
	return err ? 1 : 0;
}

/* Slots of the comma-separated port names in @list among @names[0..n):
 * a bit per slot, or -1 (a name not in the list). */
static long vflood_slots(const char *list, char names[][IF_NAMESIZE], int n)
{
	char *copy = strdup(list), *tok, *save = NULL;
	long bits = 0;
	int i;

	if (!copy)
		return -1;
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < n && strcmp(names[i], tok); i++)
			;
		if (i == n) {
			pr_err("vflood: %s is not in --ports\n", tok);
			bits = -1;
			break;
		}
		bits |= 1L << i;
	}
	free(copy);
	return bits;
}

/* Fill the flood devmap @map_fd of one VLAN with the ports in @slots; trunk
 * ports (@trunks) get the tag-pushing egress program @push_fd. */
static int vflood_vlan_fill(int map_fd, long slots, long trunks, const uint32_t *ifindexes,
			    int n, int push_fd)
{
	struct bpf_devmap_val val;
	uint32_t slot;

	for (slot = 0; slot < (uint32_t)n; slot++) {
		if (!(slots & (1L << slot)))
			continue;
		memset(&val, 0, sizeof(val));
		val.ifindex = ifindexes[slot];
		val.bpf_prog.fd = (trunks & (1L << slot)) ? push_fd : 0;
		if (bpf_map_update_elem(map_fd, &slot, &val, BPF_ANY)) {
			pr_err("vflood: devmap slot %u: %s\n", slot, strerror(errno));
			return -errno;
		}
	}
	return 0;
}

static int cmd_vflood(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "design", required_argument, NULL, 'd' },
		{ "ports", required_argument, NULL, 'p' },
		{ "members", required_argument, NULL, 'm' },
		{ "trunks", required_argument, NULL, 't' },
		{ 0 },
	};
	static const char *const designs[] = { [XBVF_FILTER] = "filter", [XBVF_PERVLAN] = "pervlan",
					       [XBVF_FIXED] = "fixed" };
	const char *design_name = NULL, *ports = NULL, *members_arg = NULL, *trunks_arg = "";
	char names[XBVF_MAX_PORTS][IF_NAMESIZE], *copy = NULL, *tok, *save = NULL;
	char spec[256], prefix[128] = "", progname[32];
	uint32_t ifindexes[XBVF_MAX_PORTS], slot, vid, design = 0;
	long members, trunks, others, in_bit;
	int opt, n = 0, in, in_slot = -1, inner[2] = { -1, -1 }, push_fd, fd, err = 1;
	struct xbvflood_bpf *skel = NULL;
	struct xb_port_vlans pv;
	struct bpf_program *prog;
	struct bpf_devmap_val val;
	const char *slash;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'd': design_name = optarg; break;
		case 'p': ports = optarg; break;
		case 'm': members_arg = optarg; break;
		case 't': trunks_arg = optarg; break;
		default: return 2;
		}
	}
	for (design = 0; design_name && design < 3 && strcmp(design_name, designs[design]); design++)
		;
	if (optind != argc - 1 || !design_name || design == 3 || !ports || !members_arg) {
		pr_err("usage: vflood NS/IN --design filter|pervlan|fixed --ports P,P,... --members P,... [--trunks P,...]\n");
		return 2;
	}
	slash = strchr(argv[optind], '/');
	if (slash)
		snprintf(prefix, sizeof(prefix), "%.*s", (int)(slash - argv[optind] + 1), argv[optind]);
	copy = strdup(ports);
	if (!copy)
		return 1;
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (n == XBVF_MAX_PORTS) {
			pr_err("vflood: at most %d ports\n", XBVF_MAX_PORTS);
			goto cleanup;
		}
		snprintf(names[n], IF_NAMESIZE, "%s", tok);
		snprintf(spec, sizeof(spec), "%s%s", prefix, tok);
		ifindexes[n] = (uint32_t)dev_resolve(spec);
		if (!ifindexes[n])
			goto cleanup;
		if (!strcmp(tok, slash ? slash + 1 : argv[optind]))
			in_slot = n;
		n++;
	}
	members = vflood_slots(members_arg, names, n);
	trunks = vflood_slots(trunks_arg, names, n);
	if (in_slot < 0 || members < 0 || trunks < 0 || (trunks & ~members)) {
		pr_err("vflood: IN must be in --ports, --trunks among --members\n");
		err = 2;
		goto cleanup;
	}
	in_bit = 1L << in_slot;
	members |= in_bit;
	trunks &= ~in_bit;	/* IN is an access port (PVID XBVF_VID, untagged) */
	others = ((1L << n) - 1) & ~members;
	in = dev_resolve(argv[optind]);
	if (!in)
		goto cleanup;

	skel = xbvflood_bpf__open();
	if (!skel) {
		pr_err("open xbvflood: %s\n", strerror(errno));
		goto cleanup;
	}
	skel->rodata->design = design;
	skel->rodata->in_slot = (uint32_t)in_slot;
	if (xbvflood_bpf__load(skel)) {
		pr_err("load xbvflood: %s\n", strerror(errno));
		goto cleanup;
	}
	push_fd = bpf_program__fd(skel->progs.xbvf_push);

	/* Membership as xdpbridge keeps it: XBVF_VID on the members (untagged
	 * unless a trunk), XBVF_VID_OTHER untagged on the others. */
	for (slot = 0; slot < (uint32_t)n; slot++) {
		memset(&pv, 0, sizeof(pv));
		vid = (members & (1L << slot)) ? XBVF_VID : XBVF_VID_OTHER;
		pv.member[vid / 64] |= 1ULL << (vid % 64);
		if (!(trunks & (1L << slot)))
			pv.untagged[vid / 64] |= 1ULL << (vid % 64);
		if (bpf_map_update_elem(bpf_map__fd(skel->maps.xbvf_port_vlans), &slot, &pv, BPF_ANY))
			goto map_err;
	}
	slot = (uint32_t)in_slot;
	vid = XBVF_VID;
	if (bpf_map_update_elem(bpf_map__fd(skel->maps.xbvf_pvid), &slot, &vid, BPF_ANY))
		goto map_err;

	switch (design) {
	case XBVF_FILTER:	/* every port, each with its slot's filter program */
		for (slot = 0; slot < (uint32_t)n; slot++) {
			snprintf(progname, sizeof(progname), "xbvf_filter_%u", slot);
			prog = bpf_object__find_program_by_name(skel->obj, progname);
			memset(&val, 0, sizeof(val));
			val.ifindex = ifindexes[slot];
			val.bpf_prog.fd = prog ? bpf_program__fd(prog) : -1;
			if (bpf_map_update_elem(bpf_map__fd(skel->maps.xbvf_all), &slot, &val, BPF_ANY))
				goto map_err;
		}
		break;
	case XBVF_PERVLAN:	/* a devmap per VLAN, made here, into the ARRAY_OF_MAPS */
		for (int i = 0; i < 2; i++) {
			vid = i ? XBVF_VID_OTHER : XBVF_VID;
			inner[i] = bpf_map_create(BPF_MAP_TYPE_DEVMAP, i ? "xbvf_vid20" : "xbvf_vid10",
						  sizeof(uint32_t), sizeof(struct bpf_devmap_val),
						  XBVF_DEVMAP_SIZE, NULL);
			if (inner[i] < 0 ||
			    vflood_vlan_fill(inner[i], i ? others : members, i ? 0 : trunks, ifindexes, n, push_fd) ||
			    bpf_map_update_elem(bpf_map__fd(skel->maps.xbvf_vlan_floods), &vid, &inner[i], BPF_ANY))
				goto map_err;
		}
		break;
	case XBVF_FIXED:
		if (vflood_vlan_fill(bpf_map__fd(skel->maps.xbvf_v10), members, trunks, ifindexes, n, push_fd) ||
		    vflood_vlan_fill(bpf_map__fd(skel->maps.xbvf_v20), others, 0, ifindexes, n, push_fd))
			goto map_err;
		break;
	}
	fd = bpf_program__fd(skel->progs.xbvflood);
	err = bpf_xdp_attach(in, fd, XDP_FLAGS_DRV_MODE, NULL);
	if (err) {
		pr_err("attach xbvflood to %s: %s\n", argv[optind], strerror(-err));
		err = 1;
		goto cleanup;
	}
	printf("design=%s ports=%d members=%d trunks=%d\n", designs[design], n,
	       __builtin_popcountl(members & ~in_bit), __builtin_popcountl(trunks));
	err = 0;
	goto cleanup;
map_err:
	pr_err("vflood: map update: %s\n", strerror(errno));
cleanup:
	for (int i = 0; i < 2; i++)
		if (inner[i] >= 0)
			close(inner[i]);
	xbvflood_bpf__destroy(skel);
	free(copy);
	return err;
}

static int cmd_detach(int argc, char **argv)
{
	int i, ifindex, err = 0;

	for (i = 1; i < argc; i++) {
		ifindex = dev_resolve(argv[i]);
		if (!ifindex || bpf_xdp_detach(ifindex, XDP_FLAGS_DRV_MODE, NULL))
			err = 1;
	}
	return err;
}

/* Write N learned entries (02:fd:xx:xx:xx:xx on IFINDEX, seen AGE_SEC ago)
 * the way the data path learns them: FDB entry plus ageing record. */
static int cmd_fdbfill(int argc, char **argv)
{
	const uint32_t chunk = 65536;
	struct xb_fdb_entry *vals;
	struct xb_fdb_key *keys;
	unsigned long n, age = 0, i, done = 0, untracked = 0;
	uint32_t ifindex, cnt;
	struct xb_bridge br;
	uint64_t now, t0;
	int err = 0;

	if (argc < 4) {
		pr_err("usage: fdbfill BRIDGE N IFINDEX [AGE_SEC]\n");
		return 2;
	}
	n = strtoul(argv[2], NULL, 0);
	ifindex = (uint32_t)strtoul(argv[3], NULL, 0);
	if (argc > 4)
		age = strtoul(argv[4], NULL, 0);
	if (bridge_open(argv[1], &br))
		return 1;
	keys = calloc(chunk, sizeof(*keys));
	vals = calloc(chunk, sizeof(*vals));
	if (!keys || !vals) {
		err = 1;
		goto cleanup;
	}
	now = monotonic_ns();
	t0 = now_ns(CLOCK_MONOTONIC);
	while (done < n) {
		cnt = n - done < chunk ? (uint32_t)(n - done) : chunk;
		for (i = 0; i < cnt; i++) {
			uint32_t idx = (uint32_t)(done + i);

			memset(&keys[i], 0, sizeof(keys[i]));
			keys[i].mac[0] = 0x02;
			keys[i].mac[1] = 0xfd;
			keys[i].mac[2] = idx >> 24;
			keys[i].mac[3] = idx >> 16;
			keys[i].mac[4] = idx >> 8;
			keys[i].mac[5] = idx;
			keys[i].vlan = XB_VLAN_NONE;
			memset(&vals[i], 0, sizeof(vals[i]));
			vals[i].ifindex = ifindex;
			vals[i].last_seen_ns = now - age * 1000000000ULL;
		}
		err = fdb_learned_put(&br, keys, vals, cnt);
		if (err) {
			pr_err("fdb_learned_put after %lu: %s\n", done, strerror(-err));
			err = 1;
			break;
		}
		for (i = 0; i < cnt; i++)
			untracked += vals[i].age_slot == XB_AGE_NONE;
		done += cnt;
	}
	printf("inserted=%lu untracked=%lu ms=%.1f\n", done, untracked,
	       (double)(now_ns(CLOCK_MONOTONIC) - t0) / 1e6);
cleanup:
	free(keys);
	free(vals);
	bridge_close(&br);
	return err;
}

/* One run of the loader's own ageing sweep (user/fdb.c: fdb_ager_open, then
 * fdb_age over the ageing index, or with --full fdb_age_full walking the
 * whole FDB) over bridge BRIDGE, timed. */
static int cmd_sweep(int argc, char **argv)
{
	struct xdpbridge_bpf *ager = NULL;
	struct xb_bridge br;
	uint64_t t0, t1;
	int removed, err;

	bool full = argc > 2 && !strcmp(argv[2], "--full");

	if (argc < 2) {
		pr_err("usage: sweep BRIDGE [--full]\n");
		return 2;
	}
	err = bridge_open(argv[1], &br);
	if (err)
		return 1;
	err = fdb_ager_open(&br, &ager);
	if (err) {
		pr_err("load the ageing program: %s\n", strerror(-err));
		bridge_close(&br);
		return 1;
	}
	t0 = now_ns(CLOCK_MONOTONIC);
	removed = full ? fdb_age_full(ager) : fdb_age(ager);
	t1 = now_ns(CLOCK_MONOTONIC);
	if (removed < 0)
		pr_err("sweep: %s\n", strerror(-removed));
	else
		printf("entries=%u expired=%d ms=%.1f\n", ager->bss->sweep_seen, removed,
		       (double)(t1 - t0) / 1e6);
	xdpbridge_bpf__destroy(ager);
	bridge_close(&br);
	return removed < 0;
}

static int cmd_echo(int argc, char **argv)
{
	struct sockaddr_in addr = { .sin_family = AF_INET }, peer;
	struct timeval tv = { .tv_sec = 10 };
	socklen_t plen;
	char buf[2048];
	ssize_t n;
	int fd;

	if (argc < 2) {
		pr_err("usage: echo PORT [IDLE_SEC]\n");
		return 2;
	}
	addr.sin_port = htons((uint16_t)atoi(argv[1]));
	if (argc > 2)
		tv.tv_sec = atoi(argv[2]);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof(addr))) {
		pr_err("echo: %s\n", strerror(errno));
		return 1;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	for (;;) {
		plen = sizeof(peer);
		n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&peer, &plen);
		if (n < 0)
			break;	/* idle timeout: done */
		sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&peer, plen);
	}
	close(fd);
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int cmd_ping(int argc, char **argv)
{
	struct sockaddr_in addr = { .sin_family = AF_INET };
	struct timeval tv = { .tv_sec = 1 };
	unsigned long count, warmup = 1000, size = 64, i, lost = 0, got = 0;
	uint64_t *rtt, t0;
	char buf[2048] = { 0 };
	int fd;

	if (argc < 4) {
		pr_err("usage: ping IPV4 PORT COUNT [WARMUP] [SIZE]\n");
		return 2;
	}
	if (inet_pton(AF_INET, argv[1], &addr.sin_addr) != 1)
		return 2;
	addr.sin_port = htons((uint16_t)atoi(argv[2]));
	count = strtoul(argv[3], NULL, 0);
	if (argc > 4)
		warmup = strtoul(argv[4], NULL, 0);
	if (argc > 5)
		size = strtoul(argv[5], NULL, 0);
	if (!count || size > sizeof(buf))
		return 2;
	rtt = calloc(count, sizeof(*rtt));
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (!rtt || fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr))) {
		pr_err("ping: %s\n", strerror(errno));
		return 1;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	for (i = 0; i < warmup + count; i++) {
		t0 = now_ns(CLOCK_MONOTONIC);
		if (send(fd, buf, size, 0) < 0 || recv(fd, buf, sizeof(buf), 0) < 0) {
			lost++;
			if (lost > 10)
				break;
			continue;
		}
		if (i >= warmup)
			rtt[got++] = now_ns(CLOCK_MONOTONIC) - t0;
	}
	close(fd);
	if (!got) {
		pr_err("ping: no replies\n");
		return 1;
	}
	qsort(rtt, got, sizeof(*rtt), cmp_u64);
	printf("count=%lu lost=%lu min_us=%.1f p50_us=%.1f p99_us=%.1f p999_us=%.1f max_us=%.1f\n",
	       got, lost, rtt[0] / 1e3, rtt[got / 2] / 1e3, rtt[got * 99 / 100] / 1e3,
	       rtt[got * 999 / 1000] / 1e3, rtt[got - 1] / 1e3);
	free(rtt);
	return lost ? 1 : 0;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: xbbench gen --dev DEV[,DEV...] --count N [--rounds R] [--size B] [--src MAC] [--dst MAC]\n"
		"                   [--churn N [--alt-dev IFNAME]] [--churn-base N] [--churn-repeat K] [--batch N]\n"
		"                   [--vlan VID] [--restore] [--reset-meta]\n"
		"       xbbench pgen --dev DEV --count N [--size B] [--src MAC] [--dst MAC] [--batch N]\n"
		"       xbbench tapgen --in NS/TAP --out NS/TAP --count N [--size B] [--mss M]\n"
		"       xbbench sink { attach | attach-frags | attach-tc | detach | detach-tc | read | reset } DEV...\n"
		"       xbbench floor IN OUT[,OUT...] [--frags]\n"
		"       xbbench vflood NS/IN --design filter|pervlan|fixed --ports P,P,... --members P,... [--trunks P,...]\n"
		"       xbbench detach DEV...\n"
		"       xbbench fdbfill BRIDGE N IFINDEX [AGE_SEC]\n"
		"       xbbench sweep BRIDGE [--full]\n"
		"       xbbench echo PORT [IDLE_SEC]\n"
		"       xbbench ping IPV4 PORT COUNT [WARMUP] [SIZE]\n"
		"DEV is IFNAME or NETNS/IFNAME.\n");
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(int, char **);
	} cmds[] = {
		{ "gen", cmd_gen }, { "pgen", cmd_pgen }, { "tapgen", cmd_tapgen }, { "sink", cmd_sink }, { "floor", cmd_floor },
		{ "vflood", cmd_vflood },
		{ "detach", cmd_detach }, { "fdbfill", cmd_fdbfill }, { "sweep", cmd_sweep },
		{ "echo", cmd_echo }, { "ping", cmd_ping },
	};
	size_t i;

	if (argc < 2) {
		usage();
		return 2;
	}
	libbpf_set_print(libbpf_print);
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(argv[1], cmds[i].name))
			return cmds[i].fn(argc - 1, argv + 1);
	usage();
	return 2;
}
