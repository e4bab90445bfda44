// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * xbpkt: send and count crafted Ethernet frames on one interface through an
 * AF_PACKET raw socket. Used by the integration tests to prove exactly where
 * a frame went (flooded, forwarded, never reflected).
 *
 *   xbpkt send IFACE --src MAC --dst MAC [--count N] [--ethertype 0xXXXX]
 *                    [--len BYTES] [--vlan VID [--pcp P] [--tpid 0x8100|0x88a8]]
 *                    [--interval USEC] [--seq N] [--src-count N] [--payload HEX]
 *   xbpkt recv IFACE [--src MAC] [--dst MAC] [--ethertype 0xXXXX] [--vlan VID]
 *                    [--pcp P] [--tpid 0xXXXX] [--untagged] [--tag-in aux|data]
 *                    [--outgoing] [--timeout MS] [--expect N] [--ready-file PATH]
 *                    [--print]
 *
 * recv binds, prints "ready" (and creates --ready-file) once frames can be
 * counted, counts received frames matching every given filter for --timeout
 * milliseconds or until SIGTERM/SIGINT (never its own or other outgoing
 * frames), then prints the count alone on the last line. With --expect N it exits 0 only if the count
 * is exactly N. Exit codes: 0 ok, 1 failure, 2 usage.
 *
 * The kernel hands a receiver the outer VLAN tag in PACKET_AUXDATA
 * (tp_vlan_tci, tp_vlan_tpid), not in the data, whether it travelled in the
 * frame or in skb metadata: the tag filters look there first, then in the
 * data. --tag-in says where the tag must be; --outgoing counts only frames
 * this host sends on IFACE (to check where a sender's tag travels).
 *
 * send numbers its frames from --seq (default 0) in the payload; recv --print
 * also prints one line per matching frame that carries such a payload:
 * "seq=N dst=MAC src=MAC tags=TPID/VID/PCP,... etype=0xXXXX" (tags outermost
 * first, the auxdata one included, "tags=-" for none), so a differential test
 * can compare two bridges' deliveries frame by frame.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#ifndef PACKET_IGNORE_OUTGOING
#define PACKET_IGNORE_OUTGOING 23
#endif
#ifndef TP_STATUS_VLAN_VALID
#define TP_STATUS_VLAN_VALID (1 << 4)
#endif
#ifndef TP_STATUS_VLAN_TPID_VALID
#define TP_STATUS_VLAN_TPID_VALID (1 << 6)
#endif

#define ETH_HDR_LEN	14
#define VLAN_HDR_LEN	4
#define MIN_FRAME_LEN	60	/* without FCS */
#define MAX_FRAME_LEN	9000
#define DEFAULT_ETYPE	0x88b5	/* IEEE 802 local experimental ethertype 1 */
#define MAGIC		"xbpkt"

struct opts {
	const char *cmd;
	const char *ifname;
	uint8_t src[6], dst[6];
	bool has_src, has_dst;
	long count;		/* send */
	long ethertype;		/* -1: any (recv) */
	long len;		/* send: total frame length without FCS */
	long vlan;		/* -1: none / any */
	long pcp;		/* -1: 0 (send) / any (recv) */
	long tpid;		/* -1: 0x8100 (send) / any (recv) */
	bool untagged;		/* recv: only frames without a tag */
	bool outgoing;		/* recv: only frames sent by this host */
	const char *tag_in;	/* recv: "aux", "data" or NULL (either) */
	long interval_us;	/* send */
	long seq;		/* send: first sequence number */
	long src_count;		/* send: frame i comes from src + i % src_count */
	uint8_t payload[MAX_FRAME_LEN];	/* send --payload: all after the MACs */
	size_t payload_len;
	bool print;		/* recv: one line per matching frame */
	long timeout_ms;	/* recv */
	long expect;		/* recv, -1: not given */
	const char *ready_file;	/* recv */
};

static const char *prog = "xbpkt";

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: %s send IFACE --src MAC --dst MAC [--count N] [--ethertype 0xXXXX]\n"
		"                 [--len BYTES] [--vlan VID [--pcp P] [--tpid 0x8100|0x88a8]]\n"
		"                 [--interval USEC] [--seq N] [--src-count N] [--payload HEX]\n"
		"       %s recv IFACE [--src MAC] [--dst MAC] [--ethertype 0xXXXX] [--vlan VID]\n"
		"                 [--pcp P] [--tpid 0xXXXX] [--untagged] [--tag-in aux|data]\n"
		"                 [--outgoing] [--timeout MS] [--expect N] [--ready-file PATH]\n"
		"                 [--print]\n"
		"recv prints \"ready\" once bound, then the number of matching frames\n"
		"received within --timeout (default 1000 ms); with --expect N it exits 0\n"
		"only if that number is exactly N. Exit codes: 0 ok, 1 failure, 2 usage.\n",
		prog, prog);
}

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "%s: ", prog);
	fprintf(stderr, fmt, arg);
	fprintf(stderr, " (see '%s --help')\n", prog);
	return 2;
}

static int parse_mac(const char *s, uint8_t mac[6])
{
	unsigned int b[6];

	if (strlen(s) != 17)
		return -1;
	for (int i = 0; i < 17; i++) {
		if (i % 3 == 2 ? s[i] != ':' : !isxdigit((unsigned char)s[i]))
			return -1;
	}
	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x", &b[0], &b[1], &b[2], &b[3],
		   &b[4], &b[5]) != 6)
		return -1;
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)b[i];
	return 0;
}

static int parse_long(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 0);
	if (errno || end == s || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

static int parse_hex(const char *s, uint8_t *out, size_t room, size_t *len)
{
	size_t n = strlen(s) / 2;
	unsigned int b;

	if (!n || strlen(s) % 2 || n > room)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (!isxdigit((unsigned char)s[2 * i]) || !isxdigit((unsigned char)s[2 * i + 1]) ||
		    sscanf(s + 2 * i, "%2x", &b) != 1)
			return -1;
		out[i] = (uint8_t)b;
	}
	*len = n;
	return 0;
}

static int parse_args(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "src", required_argument, NULL, 's' },
		{ "dst", required_argument, NULL, 'd' },
		{ "count", required_argument, NULL, 'c' },
		{ "ethertype", required_argument, NULL, 'e' },
		{ "len", required_argument, NULL, 'l' },
		{ "vlan", required_argument, NULL, 'v' },
		{ "pcp", required_argument, NULL, 'p' },
		{ "tpid", required_argument, NULL, 'T' },
		{ "untagged", no_argument, NULL, 'u' },
		{ "tag-in", required_argument, NULL, 'a' },
		{ "outgoing", no_argument, NULL, 'o' },
		{ "interval", required_argument, NULL, 'i' },
		{ "timeout", required_argument, NULL, 't' },
		{ "expect", required_argument, NULL, 'x' },
		{ "ready-file", required_argument, NULL, 'r' },
		{ "seq", required_argument, NULL, 'q' },
		{ "src-count", required_argument, NULL, 'S' },
		{ "payload", required_argument, NULL, 'y' },
		{ "print", no_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	bool send;
	int c;

	if (argc < 2)
		return usage_error("%smissing command", "");
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		exit(0);
	}
	o->cmd = argv[1];
	if (strcmp(o->cmd, "send") && strcmp(o->cmd, "recv"))
		return usage_error("unknown command '%s'", o->cmd);
	send = !strcmp(o->cmd, "send");
	if (argc < 3 || argv[2][0] == '-')
		return usage_error("%s: missing IFACE", o->cmd);
	o->ifname = argv[2];

	optind = 3;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			if (parse_mac(optarg, o->src))
				return usage_error("invalid MAC '%s' (want xx:xx:xx:xx:xx:xx)", optarg);
			o->has_src = true;
			break;
		case 'd':
			if (parse_mac(optarg, o->dst))
				return usage_error("invalid MAC '%s' (want xx:xx:xx:xx:xx:xx)", optarg);
			o->has_dst = true;
			break;
		case 'c':
			if (!send || parse_long(optarg, 1, LONG_MAX, &o->count))
				return usage_error("invalid --count '%s'", optarg);
			break;
		case 'y':	/* a frame no option builds (a BPDU: 802.3 length, LLC) */
			if (!send || parse_hex(optarg, o->payload, MAX_FRAME_LEN - 12, &o->payload_len))
				return usage_error("invalid --payload '%s' (want an even number of hex digits)",
						   optarg);
			break;
		case 'S':	/* many stations in one process (filling an FDB) */
			if (!send || parse_long(optarg, 1, 1L << 24, &o->src_count))
				return usage_error("invalid --src-count '%s' (want 1-16777216)", optarg);
			break;
		case 'e':
			if (parse_long(optarg, 0x600, 0xffff, &o->ethertype))
				return usage_error("invalid --ethertype '%s' (want 0x0600-0xffff)", optarg);
			break;
		case 'l':
			if (!send || parse_long(optarg, ETH_HDR_LEN, MAX_FRAME_LEN, &o->len))
				return usage_error("invalid --len '%s' (want 14-9000)", optarg);
			break;
		case 'v':
			if (parse_long(optarg, 0, 4095, &o->vlan))
				return usage_error("invalid --vlan '%s' (want 0-4095)", optarg);
			break;
		case 'p':
			if (parse_long(optarg, 0, 7, &o->pcp))
				return usage_error("invalid --pcp '%s' (want 0-7)", optarg);
			break;
		case 'T':
			if (parse_long(optarg, 0x600, 0xffff, &o->tpid) ||
			    (send && o->tpid != 0x8100 && o->tpid != 0x88a8))
				return usage_error("invalid --tpid '%s' (want 0x8100 or 0x88a8)", optarg);
			break;
		case 'u':
			if (send)
				return usage_error("%s--untagged is for recv", "");
			o->untagged = true;
			break;
		case 'a':
			if (send || (strcmp(optarg, "aux") && strcmp(optarg, "data")))
				return usage_error("invalid --tag-in '%s' (recv: aux or data)", optarg);
			o->tag_in = optarg;
			break;
		case 'o':
			if (send)
				return usage_error("%s--outgoing is for recv", "");
			o->outgoing = true;
			break;
		case 'i':
			if (!send || parse_long(optarg, 0, 10000000, &o->interval_us))
				return usage_error("invalid --interval '%s' (microseconds)", optarg);
			break;
		case 't':
			if (send || parse_long(optarg, 0, 3600000, &o->timeout_ms))
				return usage_error("invalid --timeout '%s' (milliseconds)", optarg);
			break;
		case 'x':
			if (send || parse_long(optarg, 0, LONG_MAX, &o->expect))
				return usage_error("invalid --expect '%s'", optarg);
			break;
		case 'r':
			if (send)
				return usage_error("%s--ready-file is for recv", "");
			o->ready_file = optarg;
			break;
		case 'q':
			if (!send || parse_long(optarg, 0, UINT32_MAX, &o->seq))
				return usage_error("invalid --seq '%s' (send: 0-4294967295)", optarg);
			break;
		case 'P':
			if (send)
				return usage_error("%s--print is for recv", "");
			o->print = true;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			return usage_error("unknown or incomplete option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return usage_error("unexpected argument '%s'", argv[optind]);
	if (send && (!o->has_src || !o->has_dst))
		return usage_error("%ssend needs --src MAC and --dst MAC", "");
	if (send && o->ethertype < 0)
		o->ethertype = DEFAULT_ETYPE;
	if (send && o->vlan < 0 && (o->pcp >= 0 || o->tpid >= 0))
		return usage_error("%s--pcp and --tpid need --vlan VID", "");
	if (o->untagged && (o->vlan >= 0 || o->pcp >= 0 || o->tpid >= 0 || o->tag_in))
		return usage_error("%s--untagged excludes the tag filters", "");
	return 0;
}

static int open_socket(const char *ifname, int *ifindex)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET };
	int fd;

	*ifindex = if_nametoindex(ifname);
	if (!*ifindex) {
		fprintf(stderr, "%s: interface '%s' not found: %s\n", prog, ifname,
			strerror(errno));
		return -1;
	}
	/* Protocol 0: nothing is queued before bind() picks the interface. */
	fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		fprintf(stderr, "%s: AF_PACKET socket: %s (needs CAP_NET_RAW)\n", prog,
			strerror(errno));
		return -1;
	}
	sll.sll_protocol = htons(ETH_P_ALL);
	sll.sll_ifindex = *ifindex;
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll))) {
		fprintf(stderr, "%s: bind to '%s': %s\n", prog, ifname, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * One frame; a full device queue (ENOBUFS: 6.1's veth under a burst) is
 * waited out, up to 5 s without progress. 0, or -1 with errno set.
 */
static int send_frame(int fd, const void *frame, size_t len)
{
	for (int tries = 0; tries < 50000; tries++) {
		if (send(fd, frame, len, 0) == (ssize_t)len)
			return 0;
		if (errno != ENOBUFS && errno != EAGAIN)
			return -1;
		usleep(100);
	}
	return -1;
}

static int do_send(const struct opts *o)
{
	uint8_t frame[MAX_FRAME_LEN] = { 0 };
	size_t hdr = ETH_HDR_LEN + (o->vlan >= 0 ? VLAN_HDR_LEN : 0);
	size_t len = o->len > 0 ? (size_t)o->len : MIN_FRAME_LEN;
	size_t off = 12;
	int fd, ifindex;

	if (len < hdr) {
		fprintf(stderr, "%s: --len %zu is shorter than the %zu-byte header\n",
			prog, len, hdr);
		return 2;
	}
	memcpy(frame, o->dst, 6);
	memcpy(frame + 6, o->src, 6);
	if (o->vlan >= 0) {
		long tpid = o->tpid >= 0 ? o->tpid : 0x8100;
		long tci = (o->pcp >= 0 ? o->pcp << 13 : 0) | o->vlan;

		frame[off++] = (uint8_t)(tpid >> 8);
		frame[off++] = (uint8_t)tpid;
		frame[off++] = (uint8_t)(tci >> 8);
		frame[off++] = (uint8_t)tci;
	}
	frame[off++] = (uint8_t)(o->ethertype >> 8);
	frame[off++] = (uint8_t)o->ethertype;
	if (o->payload_len) {	/* exactly these bytes, padded to the minimum */
		off = 12;
		memcpy(frame + off, o->payload, o->payload_len);
		off += o->payload_len;
		if (o->len <= 0)
			len = off > MIN_FRAME_LEN ? off : MIN_FRAME_LEN;
	}

	fd = open_socket(o->ifname, &ifindex);
	if (fd < 0)
		return 1;
	for (long i = 0; i < o->count; i++) {
		/* Payload: magic and sequence number, handy in a capture. */
		if (!o->payload_len && len >= off + sizeof(MAGIC) + 4) {
			uint32_t seq = htonl((uint32_t)(o->seq + i));

			memcpy(frame + off, MAGIC, sizeof(MAGIC));
			memcpy(frame + off + sizeof(MAGIC), &seq, 4);
		}
		if (o->src_count > 1) {	/* the low 3 bytes of src, plus i */
			long low = ((long)o->src[3] << 16 | o->src[4] << 8 | o->src[5]) +
				   i % o->src_count;

			frame[9] = (uint8_t)(low >> 16);
			frame[10] = (uint8_t)(low >> 8);
			frame[11] = (uint8_t)low;
		}
		if (send_frame(fd, frame, len)) {
			fprintf(stderr, "%s: send on '%s' (frame %ld of %ld): %s\n", prog,
				o->ifname, i + 1, o->count, strerror(errno));
			close(fd);
			return 1;
		}
		if (o->interval_us && i + 1 < o->count)
			usleep((useconds_t)o->interval_us);
	}
	close(fd);
	return 0;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Does a received frame (VLAN tag possibly stripped into auxdata) match? */
static bool frame_matches(const struct opts *o, const uint8_t *buf, ssize_t n,
			  const struct tpacket_auxdata *aux)
{
	long tci = -1, tpid = -1, etype;
	bool in_aux = false;
	size_t off = 12;

	if (n < ETH_HDR_LEN)
		return false;
	if (o->has_dst && memcmp(buf, o->dst, 6))
		return false;
	if (o->has_src && memcmp(buf + 6, o->src, 6))
		return false;
	if (aux && (aux->tp_status & TP_STATUS_VLAN_VALID)) {
		tci = aux->tp_vlan_tci;
		/* Kernels before 3.14 leave the TPID out: 802.1Q then. */
		tpid = aux->tp_status & TP_STATUS_VLAN_TPID_VALID ? aux->tp_vlan_tpid : 0x8100;
		in_aux = true;
	}
	etype = (buf[off] << 8) | buf[off + 1];
	if (tci < 0 && (etype == 0x8100 || etype == 0x88a8) && n >= ETH_HDR_LEN + 4) {
		tpid = etype;
		tci = (buf[off + 2] << 8) | buf[off + 3];
		etype = (buf[off + 4] << 8) | buf[off + 5];
	}
	if (o->untagged && tci >= 0)
		return false;
	if (o->tag_in && (tci < 0 || in_aux != !strcmp(o->tag_in, "aux")))
		return false;
	if (o->vlan >= 0 && (tci < 0 || (tci & 0x0fff) != o->vlan))
		return false;
	if (o->pcp >= 0 && (tci < 0 || tci >> 13 != o->pcp))
		return false;
	if (o->tpid >= 0 && tpid != o->tpid)
		return false;
	if (o->ethertype >= 0 && etype != o->ethertype)
		return false;
	return true;
}

/*
 * One line describing a received frame with an xbpkt payload (none without):
 * its sequence number, addresses, every tag outermost first (the auxdata one,
 * then those in the data) and the ethertype after them.
 */
static void print_frame(const uint8_t *buf, ssize_t n, const struct tpacket_auxdata *aux)
{
	char tags[128] = "";
	size_t off = 12, tl = 0;
	uint32_t seq;
	long etype;

	if (aux && (aux->tp_status & TP_STATUS_VLAN_VALID))
		tl += (size_t)snprintf(tags + tl, sizeof(tags) - tl, "0x%04x/%u/%u",
			aux->tp_status & TP_STATUS_VLAN_TPID_VALID ? aux->tp_vlan_tpid : 0x8100,
			aux->tp_vlan_tci & 0x0fff, aux->tp_vlan_tci >> 13);
	etype = (buf[off] << 8) | buf[off + 1];
	while ((etype == 0x8100 || etype == 0x88a8) && (size_t)n >= off + 6 && tl < sizeof(tags) - 24) {
		long tci = (buf[off + 2] << 8) | buf[off + 3];

		tl += (size_t)snprintf(tags + tl, sizeof(tags) - tl, "%s0x%04lx/%ld/%ld",
				       tl ? "," : "", etype, tci & 0x0fff, tci >> 13);
		off += 4;
		etype = (buf[off] << 8) | buf[off + 1];
	}
	off += 2;
	if ((size_t)n < off + sizeof(MAGIC) + 4 || memcmp(buf + off, MAGIC, sizeof(MAGIC)))
		return;
	memcpy(&seq, buf + off + sizeof(MAGIC), 4);
	printf("seq=%u dst=%02x:%02x:%02x:%02x:%02x:%02x src=%02x:%02x:%02x:%02x:%02x:%02x "
	       "tags=%s etype=0x%04lx\n", ntohl(seq),
	       buf[0], buf[1], buf[2], buf[3], buf[4], buf[5],
	       buf[6], buf[7], buf[8], buf[9], buf[10], buf[11], tl ? tags : "-", etype);
	fflush(stdout);
}

static volatile sig_atomic_t recv_stop;

static void on_stop(int sig)
{
	(void)sig;
	recv_stop = 1;
}

static int do_recv(const struct opts *o)
{
	struct sigaction sa = { .sa_handler = on_stop };	/* no SA_RESTART: poll returns */
	struct packet_mreq mreq = { .mr_type = PACKET_MR_PROMISC };
	uint8_t buf[MAX_FRAME_LEN + 64];
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(struct tpacket_auxdata))];
	} ctrl;
	int fd, ifindex, one = 1;
	long count = 0;
	int64_t deadline;

	fd = open_socket(o->ifname, &ifindex);
	if (fd < 0)
		return 1;
	/* Older kernels lack it: the pkttype check below still filters. */
	if (!o->outgoing)
		(void)setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof(one));
	if (setsockopt(fd, SOL_PACKET, PACKET_AUXDATA, &one, sizeof(one))) {
		fprintf(stderr, "%s: PACKET_AUXDATA: %s\n", prog, strerror(errno));
		close(fd);
		return 1;
	}
	/* Frames for other stations must reach us even on real NICs. */
	mreq.mr_ifindex = ifindex;
	if (setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mreq, sizeof(mreq))) {
		fprintf(stderr, "%s: promiscuous mode on '%s': %s\n", prog, o->ifname,
			strerror(errno));
		close(fd);
		return 1;
	}
	if (o->ready_file) {
		int rfd = open(o->ready_file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

		if (rfd < 0) {
			fprintf(stderr, "%s: cannot create ready file '%s': %s\n", prog,
				o->ready_file, strerror(errno));
			close(fd);
			return 1;
		}
		close(rfd);
	}
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	printf("ready\n");
	fflush(stdout);

	deadline = now_ms() + (o->timeout_ms >= 0 ? o->timeout_ms : 1000);
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		struct sockaddr_ll from;
		struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
		struct msghdr msg = {
			.msg_name = &from, .msg_namelen = sizeof(from),
			.msg_iov = &iov, .msg_iovlen = 1,
			.msg_control = ctrl.buf, .msg_controllen = sizeof(ctrl.buf),
		};
		const struct tpacket_auxdata *aux = NULL;
		struct cmsghdr *cm;
		int64_t left = deadline - now_ms();
		ssize_t n;
		int r;

		if (left <= 0 || recv_stop)
			break;
		r = poll(&pfd, 1, (int)left);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			fprintf(stderr, "%s: poll: %s\n", prog, strerror(errno));
			close(fd);
			return 1;
		}
		if (r == 0)
			break;
		n = recvmsg(fd, &msg, MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			fprintf(stderr, "%s: recv on '%s': %s\n", prog, o->ifname,
				strerror(errno));
			close(fd);
			return 1;
		}
		if ((from.sll_pkttype == PACKET_OUTGOING) != o->outgoing)
			continue;
		for (cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm))
			if (cm->cmsg_level == SOL_PACKET && cm->cmsg_type == PACKET_AUXDATA)
				aux = (const struct tpacket_auxdata *)CMSG_DATA(cm);
		if (frame_matches(o, buf, n, aux)) {
			count++;
			if (o->print)
				print_frame(buf, n, aux);
		}
	}
	close(fd);
	printf("%ld\n", count);
	fflush(stdout);
	if (o->expect >= 0 && count != o->expect) {
		fprintf(stderr, "%s: expected %ld matching frames on '%s', received %ld\n",
			prog, o->expect, o->ifname, count);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o = {
		.count = 1, .ethertype = -1, .len = 0, .vlan = -1, .pcp = -1, .tpid = -1,
		.timeout_ms = -1, .expect = -1,
	};
	int ret;

	ret = parse_args(argc, argv, &o);
	if (ret)
		return ret;
	return !strcmp(o.cmd, "send") ? do_send(&o) : do_recv(&o);
}
