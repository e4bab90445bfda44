// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The STP engine (user/stp.c): BPDUs byte for byte as the Linux bridge
 * sends them, and bridges wired together in memory on a simulated clock
 * (frames are delivered at once; time jumps from one timer to the next).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <criterion/criterion.h>

#include "names.h"
#include "stp.h"

#define SEC 1000000000ULL
#define MS 1000000ULL
#define T0 (1000 * SEC)	/* the simulated clock starts here */

/* ---- BPDUs ---- */

/* A Linux bridge (priority 32768, MAC 52:54:00:12:34:56, defaults: hello 2,
 * max age 20, forward delay 15) as root, port 1, from the port address
 * 52:54:00:12:34:57: br_send_config_bpdu's buffer behind llc_mac_hdr_init. */
static const uint8_t linux_root_config[] = {
	0x01, 0x80, 0xc2, 0x00, 0x00, 0x00,		/* 01:80:C2:00:00:00 */
	0x52, 0x54, 0x00, 0x12, 0x34, 0x57,		/* the port's address */
	0x00, 0x26,					/* 802.3 length: 3 + 35 */
	0x42, 0x42, 0x03,				/* LLC: BSPAN, BSPAN, UI */
	0x00, 0x00, 0x00, 0x00,				/* protocol 0, version 0, config */
	0x00,						/* flags */
	0x80, 0x00, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56,	/* root id */
	0x00, 0x00, 0x00, 0x00,				/* root path cost */
	0x80, 0x00, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56,	/* bridge id */
	0x80, 0x01,					/* port id: 32 << 10 | 1 */
	0x00, 0x00,					/* message age */
	0x14, 0x00,					/* max age 20 s in 1/256 s */
	0x02, 0x00,					/* hello 2 s */
	0x0f, 0x00,					/* forward delay 15 s */
};

static const uint8_t linux_tcn[] = {
	0x01, 0x80, 0xc2, 0x00, 0x00, 0x00, 0x52, 0x54, 0x00, 0x12, 0x34, 0x57,
	0x00, 0x07, 0x42, 0x42, 0x03, 0x00, 0x00, 0x00, 0x80,
};

/*
 * Captured from the Linux 6.18 bridge of this machine (stp_state 1,
 * hello_time 100, max_age 600, forward_delay 400: 1, 6, 4 s) on a veth
 * through a packet socket: as root, a config BPDU with no flags and one
 * with TC and TC ack (it had just heard a TCN); as non-root, a TCN.
 */
static const uint8_t captured_config[] = {
	0x01, 0x80, 0xc2, 0x00, 0x00, 0x00, 0xde, 0xa3, 0x7d, 0xee, 0xc6, 0x3d, 0x00, 0x26,
	0x42, 0x42, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x80, 0x00, 0xde, 0xa3, 0x7d, 0xee,
	0xc6, 0x3d, 0x00, 0x00, 0x00, 0x00, 0x80, 0x00, 0xde, 0xa3, 0x7d, 0xee, 0xc6, 0x3d,
	0x80, 0x01, 0x00, 0x00, 0x06, 0x00, 0x01, 0x00, 0x04, 0x00,
};
static const uint8_t captured_config_tc_tca[] = {
	0x01, 0x80, 0xc2, 0x00, 0x00, 0x00, 0xde, 0xa3, 0x7d, 0xee, 0xc6, 0x3d, 0x00, 0x26,
	0x42, 0x42, 0x03, 0x00, 0x00, 0x00, 0x00, 0x81, 0x80, 0x00, 0xde, 0xa3, 0x7d, 0xee,
	0xc6, 0x3d, 0x00, 0x00, 0x00, 0x00, 0x80, 0x00, 0xde, 0xa3, 0x7d, 0xee, 0xc6, 0x3d,
	0x80, 0x01, 0x00, 0x00, 0x06, 0x00, 0x01, 0x00, 0x04, 0x00,
};
static const uint8_t captured_tcn[] = {
	0x01, 0x80, 0xc2, 0x00, 0x00, 0x00, 0x02, 0xd6, 0x5f, 0x44, 0xf1, 0x8e, 0x00, 0x07,
	0x42, 0x42, 0x03, 0x00, 0x00, 0x00, 0x80,
};

static const uint8_t port_mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x57 };
static const uint8_t br_mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };

Test(stp_bpdu, config_encodes_as_the_linux_bridge_sends_it)
{
	struct stp_bpdu b = {
		.type = STP_BPDU_CONFIG,
		.root_id = stp_make_id(32768, br_mac),
		.bridge_id = stp_make_id(32768, br_mac),
		.port_id = 0x8001,
		.max_age = 20 * 256, .hello_time = 2 * 256, .forward_delay = 15 * 256,
	};
	uint8_t frame[STP_FRAME_MAX + 8];
	int len = stp_frame_encode(port_mac, &b, frame, sizeof(frame));

	cr_assert_eq(len, (int)sizeof(linux_root_config), "config frame: 14 + 3 + 35 bytes, got %d", len);
	cr_assert_arr_eq(frame, linux_root_config, sizeof(linux_root_config), "byte for byte as Linux");

	b.flags = STP_FLAG_TC | STP_FLAG_TCA;
	b.root_path_cost = 0x01020304;
	b.message_age = 0x0102;
	len = stp_frame_encode(port_mac, &b, frame, sizeof(frame));
	cr_assert_eq(frame[21], 0x81, "flags: TC 0x01 | TCA 0x80");
	cr_assert_eq(frame[30], 0x01, "path cost big-endian");
	cr_assert_eq(frame[33], 0x04, "path cost big-endian");
	cr_assert_eq(frame[44], 0x01, "message age big-endian");
	cr_assert_eq(frame[45], 0x02, "message age big-endian");
	cr_assert_eq(stp_frame_encode(port_mac, &b, frame, 51), -ENOSPC, "too small a buffer");
}

Test(stp_bpdu, tcn_encodes_as_the_linux_bridge_sends_it)
{
	struct stp_bpdu b = { .type = STP_BPDU_TCN };
	uint8_t frame[STP_FRAME_MAX];
	int len = stp_frame_encode(port_mac, &b, frame, sizeof(frame));

	cr_assert_eq(len, (int)sizeof(linux_tcn), "TCN frame: 14 + 3 + 4 bytes, got %d", len);
	cr_assert_arr_eq(frame, linux_tcn, sizeof(linux_tcn), "byte for byte as Linux");
}

Test(stp_bpdu, decodes_what_linux_sends)
{
	struct stp_bpdu b;
	char id[32];

	cr_assert_eq(stp_frame_decode(linux_root_config, sizeof(linux_root_config), &b), 0, "config decodes");
	cr_assert_eq(b.type, STP_BPDU_CONFIG);
	cr_assert_str_eq(stp_id_format(b.root_id, id, sizeof(id)), "8000.52:54:00:12:34:56", "root id");
	cr_assert_eq(b.bridge_id, b.root_id, "a root's bridge id is the root id");
	cr_assert_eq(b.port_id, 0x8001);
	cr_assert_eq(b.root_path_cost, 0);
	cr_assert_eq(b.max_age, 5120, "20 s in 1/256 s");
	cr_assert_eq(b.hello_time, 512);
	cr_assert_eq(b.forward_delay, 3840);

	cr_assert_eq(stp_frame_decode(linux_tcn, sizeof(linux_tcn), &b), 0, "TCN decodes");
	cr_assert_eq(b.type, STP_BPDU_TCN);

	/* Ethernet minimum: the NIC pads to 60; the length field says 38. */
	uint8_t padded[64] = { 0 };

	memcpy(padded, linux_root_config, sizeof(linux_root_config));
	cr_assert_eq(stp_frame_decode(padded, 60, &b), 0, "padded frame decodes");
	cr_assert_eq(b.forward_delay, 3840, "padding ignored");
}

Test(stp_bpdu, round_trips_frames_captured_from_linux)
{
	static const uint8_t src[6] = { 0xde, 0xa3, 0x7d, 0xee, 0xc6, 0x3d };
	static const uint8_t tcn_src[6] = { 0x02, 0xd6, 0x5f, 0x44, 0xf1, 0x8e };
	uint8_t frame[STP_FRAME_MAX];
	struct stp_bpdu b;
	char id[32];

	cr_assert_eq(stp_frame_decode(captured_config, sizeof(captured_config), &b), 0);
	cr_assert_str_eq(stp_id_format(b.root_id, id, sizeof(id)), "8000.de:a3:7d:ee:c6:3d");
	cr_assert_eq(b.bridge_id, b.root_id);
	cr_assert_eq(b.port_id, 0x8001);
	cr_assert_eq(b.flags, 0);
	cr_assert_eq(b.max_age, 6 * 256, "6 s");
	cr_assert_eq(b.hello_time, 1 * 256, "1 s");
	cr_assert_eq(b.forward_delay, 4 * 256, "4 s");
	cr_assert_eq(stp_frame_encode(src, &b, frame, sizeof(frame)), (int)sizeof(captured_config));
	cr_assert_arr_eq(frame, captured_config, sizeof(captured_config), "encodes back byte for byte");

	cr_assert_eq(stp_frame_decode(captured_config_tc_tca, sizeof(captured_config_tc_tca), &b), 0);
	cr_assert_eq(b.flags, STP_FLAG_TC | STP_FLAG_TCA);
	cr_assert_eq(stp_frame_encode(src, &b, frame, sizeof(frame)), (int)sizeof(captured_config_tc_tca));
	cr_assert_arr_eq(frame, captured_config_tc_tca, sizeof(captured_config_tc_tca), "TC + TCA");

	cr_assert_eq(stp_frame_decode(captured_tcn, sizeof(captured_tcn), &b), 0);
	cr_assert_eq(b.type, STP_BPDU_TCN);
	cr_assert_eq(stp_frame_encode(tcn_src, &b, frame, sizeof(frame)), (int)sizeof(captured_tcn));
	cr_assert_arr_eq(frame, captured_tcn, sizeof(captured_tcn), "TCN byte for byte");
}

Test(stp_bpdu, rejects_what_linux_rejects)
{
	uint8_t f[sizeof(linux_root_config)];
	struct stp_bpdu b;

	memcpy(f, linux_root_config, sizeof(f));
	f[5] = 0x0e;	/* LLDP's 01:80:C2:00:00:0E */
	cr_assert_eq(stp_frame_decode(f, sizeof(f), &b), -ENOENT, "other group address");

	memcpy(f, linux_root_config, sizeof(f));
	f[12] = 0x88, f[13] = 0xcc;	/* an EtherType, not an 802.3 length */
	cr_assert_eq(stp_frame_decode(f, sizeof(f), &b), -ENOENT, "Ethernet II frame");

	memcpy(f, linux_root_config, sizeof(f));
	f[14] = 0xaa, f[15] = 0xaa;	/* SNAP */
	cr_assert_eq(stp_frame_decode(f, sizeof(f), &b), -ENOENT, "other SAP");

	memcpy(f, linux_root_config, sizeof(f));
	cr_assert_eq(stp_frame_decode(f, sizeof(f) - 1, &b), -ENOENT, "length field beyond the frame");

	memcpy(f, linux_root_config, sizeof(f));
	f[19] = 2, f[20] = 2;	/* an RST BPDU: version 2, type 2 */
	cr_assert_eq(stp_frame_decode(f, sizeof(f), &b), -EPROTONOSUPPORT, "RST BPDUs are not read");

	memcpy(f, linux_root_config, sizeof(f));
	f[20] = 0x42;
	cr_assert_eq(stp_frame_decode(f, sizeof(f), &b), -ENOMSG, "unknown BPDU type");

	memcpy(f, linux_root_config, sizeof(f));
	f[13] = 3 + 20;	/* a config BPDU cut to 20 bytes */
	cr_assert_eq(stp_frame_decode(f, sizeof(f), &b), -EBADMSG, "short config BPDU");
}

Test(stp_bpdu, helpers)
{
	cr_assert_eq(stp_port_cost_for_speed(10000), 2, "10G");
	cr_assert_eq(stp_port_cost_for_speed(1000), 4, "1G");
	cr_assert_eq(stp_port_cost_for_speed(100), 19, "100M");
	cr_assert_eq(stp_port_cost_for_speed(10), 100, "10M");
	cr_assert_eq(stp_port_cost_for_speed(0), 100, "unknown");
	cr_assert_eq(stp_port_cost_for_speed(UINT32_MAX), 100, "SPEED_UNKNOWN");
	cr_assert_eq(stp_port_cost_for_speed(25000), 1, "faster than 10G");
	cr_assert_eq(stp_timer_left_ms(0, T0), 0, "stopped");
	cr_assert_eq(stp_timer_left_ms(T0 + 1500 * MS, T0), 1500);
	cr_assert_str_eq(stp_role_name(STP_ROLE_DESIGNATED), "designated");
}

/* ---- a simulated network ---- */

#define MAX_BR 4
#define MAX_LINKS 8
#define QLEN 4096

struct sim;
struct sim_ctx {
	struct sim *sim;
	int idx;
};

struct sim_frame {
	int br;
	uint16_t port;
	uint8_t frame[STP_FRAME_MAX];
	uint32_t len;
};

struct sim_link {
	int a, b;		/* bridges */
	uint16_t pa, pb;	/* their ports */
	bool silent;		/* frames lost, carrier kept (max age must notice) */
};

/* A BPDU some bridge sent, for the tests to read back. */
struct sent {
	uint64_t time;
	int br;
	uint16_t port;
	struct stp_bpdu bpdu;
};

struct sim {
	struct stp_bridge br[MAX_BR];
	struct sim_ctx ctx[MAX_BR];
	int nbr;
	struct sim_link link[MAX_LINKS];
	int nlinks;
	bool down[MAX_BR];		/* its control loop is not running */
	struct sim_frame q[QLEN];
	int qhead, qtail;
	uint64_t now;
	/* what the callbacks saw */
	int tc[MAX_BR];			/* last STP_EV_TOPOLOGY_CHANGE */
	uint64_t tc_ageing[MAX_BR];
	int tc_events[MAX_BR];
	int guard_events[MAX_BR];
	int root_blocked_events[MAX_BR];
	int state_events[MAX_BR];
	uint8_t seen_state[MAX_BR][XB_STP_MAX_PORT_NO + 1];	/* from PORT_STATE events */
	struct sent *sent;
	int nsent;
};

static struct sim *S;

static void on_event(void *c, const struct stp_event *ev)
{
	struct sim_ctx *ctx = c;
	struct sim *s = ctx->sim;
	int i = ctx->idx;

	switch (ev->type) {
	case STP_EV_SEND: {
		struct sim_frame *f = &s->q[s->qtail++ % QLEN];

		cr_assert(s->qtail - s->qhead < QLEN, "queue overflow: a BPDU storm");
		cr_assert(ev->len <= STP_FRAME_MAX, "frame length");
		f->br = i;
		f->port = ev->port_no;
		f->len = ev->len;
		memcpy(f->frame, ev->frame, ev->len);
		if (s->nsent < 100000) {
			struct sent *r = &s->sent[s->nsent++];

			r->time = s->now;
			r->br = i;
			r->port = ev->port_no;
			cr_assert_eq(stp_frame_decode(ev->frame, ev->len, &r->bpdu), 0,
				     "the engine sends frames it can decode");
		}
		break;
	}
	case STP_EV_PORT_STATE:
		s->state_events[i]++;
		s->seen_state[i][ev->port_no] = ev->state;
		break;
	case STP_EV_TOPOLOGY_CHANGE:
		s->tc[i] = ev->tc;
		s->tc_ageing[i] = ev->ageing_ns;
		s->tc_events[i]++;
		break;
	case STP_EV_BPDU_GUARD:
		s->guard_events[i]++;
		break;
	case STP_EV_ROOT_BLOCKED:
		s->root_blocked_events[i]++;
		break;
	default:
		break;
	}
}

static uint8_t bmac(int i, int port)
{
	return (uint8_t)(i * 16 + port);
}

static void mac_of(int i, int port, uint8_t mac[6])
{
	uint8_t m[6] = { 0x02, 0, 0, 0, 0, bmac(i, port) };

	memcpy(mac, m, 6);
}

static struct sim *sim_new(int nbr, const uint16_t *prio, uint32_t hello, uint32_t max_age, uint32_t fd)
{
	struct sim *s = calloc(1, sizeof(*s));
	struct stp_timers t = { hello * 1000, max_age * 1000, fd * 1000 };

	cr_assert_not_null(s);
	s->sent = calloc(100000, sizeof(*s->sent));
	cr_assert_not_null(s->sent);
	s->nbr = nbr;
	s->now = T0;
	for (int i = 0; i < nbr; i++) {
		uint8_t mac[6];

		mac_of(i, 0, mac);
		s->ctx[i] = (struct sim_ctx){ s, i };
		cr_assert_eq(stp_bridge_init(&s->br[i], mac, prio[i], &t, on_event, &s->ctx[i], s->now), 0,
			     "init bridge %d", i);
	}
	S = s;
	return s;
}

static void sim_free(void)
{
	if (!S)
		return;
	for (int i = 0; i < S->nbr; i++)
		if (!S->down[i])
			stp_bridge_free(&S->br[i]);
	free(S->sent);
	free(S);
	S = NULL;
}

static struct sim_link *link_of(struct sim *s, int br, uint16_t port, int *peer, uint16_t *peer_port)
{
	for (int l = 0; l < s->nlinks; l++) {
		struct sim_link *k = &s->link[l];

		if (k->a == br && k->pa == port) {
			*peer = k->b, *peer_port = k->pb;
			return k;
		}
		if (k->b == br && k->pb == port) {
			*peer = k->a, *peer_port = k->pa;
			return k;
		}
	}
	return NULL;
}

/* Deliver every queued frame (and what they provoke). */
static void sim_drain(struct sim *s)
{
	while (s->qhead != s->qtail) {
		struct sim_frame f = s->q[s->qhead++ % QLEN];
		struct sim_link *k;
		uint16_t pp;
		int peer;

		k = link_of(s, f.br, f.port, &peer, &pp);
		if (!k || k->silent || s->down[peer])
			continue;
		cr_assert_geq(stp_rx_frame(&s->br[peer], pp, f.frame, f.len, s->now), 0, "rx");
	}
}

static void port_add(struct sim *s, int i, uint16_t port, uint32_t cost)
{
	uint8_t mac[6];

	mac_of(i, port, mac);
	cr_assert_eq(stp_port_add(&s->br[i], port, mac, cost, STP_DEFAULT_PORT_PRIORITY, s->now), 0,
		     "add port %d.%d", i, port);
	cr_assert_eq(stp_port_enable(&s->br[i], port, s->now), 0);
	sim_drain(s);
}

/* Wire bridge a's port pa to bridge b's port pb (both links come up). */
static void sim_link(struct sim *s, int a, uint16_t pa, int b, uint16_t pb, uint32_t cost)
{
	s->link[s->nlinks++] = (struct sim_link){ a, b, pa, pb, false };
	port_add(s, a, pa, cost);
	port_add(s, b, pb, cost);
}

/* Run the clock to `until`, firing each bridge's timers when due. */
static void sim_run_until(struct sim *s, uint64_t until)
{
	for (;;) {
		uint64_t next = UINT64_MAX;

		for (int i = 0; i < s->nbr; i++) {
			uint64_t d = s->down[i] ? UINT64_MAX : stp_next_deadline(&s->br[i]);

			if (d < next)
				next = d;
		}
		if (next > until)
			break;
		if (next > s->now)
			s->now = next;
		for (int i = 0; i < s->nbr; i++) {
			if (s->down[i])
				continue;
			cr_assert_geq(stp_tick(&s->br[i], s->now), 0, "tick");
			sim_drain(s);
		}
	}
	s->now = until;
	for (int i = 0; i < s->nbr; i++)
		if (!s->down[i])
			stp_tick(&s->br[i], s->now);
	sim_drain(s);
}

static void sim_run(struct sim *s, uint64_t ns)
{
	sim_run_until(s, s->now + ns);
}

/* STP_DEBUG=1: print every bridge's view (when a test fails). */
static void sim_dump(struct sim *s, const char *when)
{
	char a[32], b[32];

	if (!getenv("STP_DEBUG"))
		return;
	fprintf(stderr, "--- %s at %.3f s\n", when, (double)(s->now - T0) / SEC);
	for (int i = 0; i < s->nbr; i++) {
		struct stp_bridge *br = &s->br[i];

		if (s->down[i])
			continue;
		fprintf(stderr, "br%d %s root %s cost %u rp %u flags %x\n", i,
			stp_id_format(br->b.bridge_id, a, sizeof(a)),
			stp_id_format(br->b.designated_root, b, sizeof(b)), br->b.root_path_cost,
			br->b.root_port, br->b.flags);
		for (struct xb_stp_port *p = &br->port[1]; p <= &br->port[XB_STP_MAX_PORT_NO]; p++)
			if (p->port_no)
				fprintf(stderr, "  %d.%u %-10s %-10s droot %s dbr %s dport %x dcost %u fl %x\n",
					i, p->port_no, xb_stp_state_name(p->state),
					stp_role_name(stp_port_role(&br->b, p)),
					stp_id_format(p->designated_root, a, sizeof(a)),
					stp_id_format(p->designated_bridge, b, sizeof(b)),
					p->designated_port, p->designated_cost, p->flags);
	}
}

static uint8_t state(struct sim *s, int i, uint16_t port)
{
	return s->br[i].port[port].state;
}

static uint64_t root_of(struct sim *s, int i)
{
	return s->br[i].b.designated_root;
}

/* The live links whose both ends forward must form a spanning tree over the
 * bridges: n-1 of them, every bridge reached. Ports on dead (silent) links
 * do not count. Returns how many ports block (or listen/learn) on live links. */
static int assert_spanning_tree(struct sim *s)
{
	int parent[MAX_BR], active = 0, closed = 0;

	for (int i = 0; i < s->nbr; i++)
		parent[i] = i;
	for (int l = 0; l < s->nlinks; l++) {
		struct sim_link *k = &s->link[l];
		bool fa = state(s, k->a, k->pa) == XB_STP_FORWARDING;
		bool fb = state(s, k->b, k->pb) == XB_STP_FORWARDING;
		int ra = k->a, rb = k->b;

		if (k->silent)
			continue;
		closed += !fa + !fb;
		if (!fa || !fb)
			continue;
		active++;
		while (parent[ra] != ra)
			ra = parent[ra];
		while (parent[rb] != rb)
			rb = parent[rb];
		cr_assert_neq(ra, rb, "forwarding links make a loop (link %d)", l);
		parent[ra] = rb;
	}
	cr_assert_eq(active, s->nbr - 1, "%d forwarding links for %d bridges: not a spanning tree",
		     active, s->nbr);
	for (int i = 1; i < s->nbr; i++)
		cr_assert_eq(root_of(s, i), root_of(s, 0), "bridges 0 and %d disagree on the root", i);
	return closed;
}

static uint64_t lowest_id(struct sim *s)
{
	uint64_t id = UINT64_MAX;

	for (int i = 0; i < s->nbr; i++)
		if (s->br[i].b.bridge_id < id)
			id = s->br[i].b.bridge_id;
	return id;
}

/* Every state the engine reported is the state it holds. */
static void assert_events_match(struct sim *s)
{
	for (int i = 0; i < s->nbr; i++) {
		struct xb_stp_port *p;

		for (p = &s->br[i].port[1]; p <= &s->br[i].port[XB_STP_MAX_PORT_NO]; p++)
			if (p->port_no)
				cr_assert_eq(s->seen_state[i][p->port_no], p->state,
					     "bridge %d port %d: events said %d, engine holds %d", i,
					     p->port_no, s->seen_state[i][p->port_no], p->state);
	}
}

/* Three bridges in a ring: 0.1-1.1, 1.2-2.1, 2.2-0.2. */
static struct sim *ring3(const uint16_t *prio, uint32_t cost)
{
	struct sim *s = sim_new(3, prio, 1, 6, 4);

	sim_link(s, 0, 1, 1, 1, cost);
	sim_link(s, 1, 2, 2, 1, cost);
	sim_link(s, 2, 2, 0, 2, cost);
	return s;
}

/* ---- one bridge ---- */

Test(stp, a_lone_bridge_is_root_and_opens_after_two_forward_delays, .fini = sim_free)
{
	uint16_t prio[] = { 32768 };
	struct sim *s = sim_new(1, prio, 2, 20, 15);
	uint64_t t0 = s->now;

	cr_assert(stp_is_root_bridge(&s->br[0].b), "a bridge alone is the root");
	cr_assert_eq(s->br[0].b.root_port, 0);
	port_add(s, 0, 1, 2);
	cr_assert_eq(s->state_events[0], 2, "disabled (add), listening (enable): net changes only");
	cr_assert_eq(state(s, 0, 1), XB_STP_LISTENING, "an enabled designated port listens");
	cr_assert_eq(stp_port_role(&s->br[0].b, &s->br[0].port[1]), STP_ROLE_DESIGNATED);

	sim_run_until(s, t0 + 15 * SEC - 1);
	cr_assert_eq(state(s, 0, 1), XB_STP_LISTENING, "still listening just before forward delay");
	sim_run_until(s, t0 + 15 * SEC);
	cr_assert_eq(state(s, 0, 1), XB_STP_LEARNING, "learning after one forward delay");
	sim_run_until(s, t0 + 30 * SEC - 1);
	cr_assert_eq(state(s, 0, 1), XB_STP_LEARNING);
	cr_assert_eq(s->tc[0], 0, "no topology change while nothing forwards");
	sim_run_until(s, t0 + 30 * SEC);
	cr_assert_eq(state(s, 0, 1), XB_STP_FORWARDING, "forwarding after two");
	cr_assert_eq(s->tc[0], 1, "a port starting to forward is a topology change");
	cr_assert_eq(s->tc_ageing[0], 30 * SEC, "short ageing: 2 x forward delay, as Linux");
	cr_assert_eq(s->br[0].b.tc_count, 1);

	/* The root sends a config BPDU every hello time on its designated port. */
	int n0 = s->nsent;

	sim_run(s, 10 * SEC);
	cr_assert_eq(s->nsent - n0, 5, "5 hellos in 10 s at hello 2, got %d", s->nsent - n0);
	cr_assert_eq(s->sent[s->nsent - 1].bpdu.message_age, 0, "the root's BPDUs are age 0");
	cr_assert(s->sent[s->nsent - 1].bpdu.flags & STP_FLAG_TC, "TC while the timer runs");
	assert_events_match(s);
}

Test(stp, settings_are_checked, .fini = sim_free)
{
	uint16_t prio[] = { 32768 };
	struct sim *s = sim_new(1, prio, 2, 20, 15);
	struct stp_bridge *br = &s->br[0];
	struct stp_bridge other;
	struct stp_timers bad = { 500, 20000, 15000 };
	uint8_t mac[6] = { 2 };

	cr_assert_eq(stp_bridge_init(&other, mac, 1000, NULL, NULL, NULL, T0), -EINVAL, "not a multiple of 4096");
	cr_assert_eq(stp_bridge_init(&other, mac, 65535, NULL, NULL, NULL, T0), -EINVAL, "above 61440");
	cr_assert_eq(stp_bridge_init(&other, mac, 4096, &bad, NULL, NULL, T0), -ERANGE, "hello below 1 s");
	cr_assert_eq(stp_set_priority(br, 61441, T0), -EINVAL);
	cr_assert_eq(stp_set_priority(br, 61440, T0), 0);
	cr_assert_eq(br->b.bridge_id >> 48, 61440);
	cr_assert_eq(stp_port_add(br, 0, mac, 2, 32, T0), -ERANGE, "port 0 is none");
	cr_assert_eq(stp_port_add(br, 1024, mac, 2, 32, T0), -ERANGE, "10 bits of port number");
	cr_assert_eq(stp_port_add(br, 1, mac, 0, 32, T0), -ERANGE, "cost 0");
	cr_assert_eq(stp_port_add(br, 1, mac, 65536, 32, T0), -ERANGE, "cost above 65535");
	cr_assert_eq(stp_port_add(br, 1, mac, 2, 64, T0), -ERANGE, "port priority above 63");
	cr_assert_eq(stp_port_add(br, 1, mac, 2, 32, T0), 0);
	cr_assert_eq(stp_port_add(br, 1, mac, 2, 32, T0), -EEXIST);
	cr_assert_eq(br->port[1].port_id, 0x8001, "port id as Linux: 32 << 10 | 1");
	cr_assert_eq(stp_set_port_priority(br, 1, 8, T0), 0);
	cr_assert_eq(br->port[1].port_id, 0x2001);
	cr_assert_eq(stp_set_port_cost(br, 2, 5, T0), -ENOENT);
	cr_assert_eq(stp_port_enable(br, 2, T0), -ENOENT);
	cr_assert_eq(stp_port_del(br, 1, T0), 0);
	cr_assert_eq(stp_port_del(br, 1, T0), -ENOENT);
}

/* ---- two and three bridges ---- */

static void two_bridges_two_links(const uint16_t *prio, int root, int other)
{
	struct sim *s = sim_new(2, prio, 2, 20, 15);

	sim_link(s, 0, 1, 1, 1, 4);
	sim_link(s, 0, 2, 1, 2, 4);
	sim_run(s, 31 * SEC);

	cr_assert_eq(root_of(s, 0), s->br[root].b.bridge_id, "root: the lower bridge id");
	cr_assert_eq(root_of(s, 1), s->br[root].b.bridge_id, "both agree");
	cr_assert(stp_is_root_bridge(&s->br[root].b));
	cr_assert_eq(s->br[other].b.root_port, 1, "root port: the one to the root's lower port id");
	cr_assert_eq(s->br[other].b.root_path_cost, 4);
	cr_assert_eq(state(s, root, 1), XB_STP_FORWARDING);
	cr_assert_eq(state(s, root, 2), XB_STP_FORWARDING, "the root's ports are all designated");
	cr_assert_eq(state(s, other, 1), XB_STP_FORWARDING);
	cr_assert_eq(state(s, other, 2), XB_STP_BLOCKING, "the other link blocks at the non-root");
	cr_assert_eq(stp_port_role(&s->br[other].b, &s->br[other].port[2]), STP_ROLE_BLOCKING);
	cr_assert_eq(stp_port_role(&s->br[other].b, &s->br[other].port[1]), STP_ROLE_ROOT);
	cr_assert_eq(assert_spanning_tree(s), 1, "exactly one port closed");
	assert_events_match(s);
}

Test(stp, two_bridges_two_links_lower_id_wins, .fini = sim_free)
{
	uint16_t prio[] = { 32768, 32768 };	/* equal priority: the lower MAC */

	two_bridges_two_links(prio, 0, 1);
}

Test(stp, two_bridges_two_links_priority_wins, .fini = sim_free)
{
	uint16_t prio[] = { 32768, 4096 };

	two_bridges_two_links(prio, 1, 0);
}

/* `stp on` on a running bridge: ports stay forwarding until BPDUs arrive,
 * then the loop closes at once (as the Linux bridge's br_stp_start). */
Test(stp, stp_on_keeps_forwarding_ports_until_bpdus_say_otherwise, .fini = sim_free)
{
	uint16_t prio[] = { 4096, 8192 };
	struct sim *s = sim_new(2, prio, 1, 6, 4);

	for (int l = 0; l < 2; l++) {
		uint16_t port = (uint16_t)(l + 1);

		s->link[s->nlinks++] = (struct sim_link){ 0, 1, port, port, false };
		for (int i = 0; i < 2; i++) {
			uint8_t mac[6];

			mac_of(i, port, mac);
			cr_assert_eq(stp_port_add(&s->br[i], port, mac, 2, 32, s->now), 0);
			cr_assert_eq(stp_port_enable_forwarding(&s->br[i], port, s->now), 0);
			cr_assert_eq(state(s, i, port), XB_STP_FORWARDING, "%d.%d keeps forwarding", i, port);
			cr_assert_eq(s->seen_state[i][port], XB_STP_FORWARDING, "and says so");
		}
	}
	cr_assert_eq(stp_port_enable_forwarding(&s->br[0], 1, s->now), -EBUSY, "only right after add");
	sim_drain(s);
	cr_assert_eq(s->tc_events[0] + s->tc_events[1], 0, "no topology change for that");
	sim_run(s, 1 * SEC);	/* the first hello */
	cr_assert_eq(root_of(s, 1), s->br[0].b.bridge_id, "bridge 1 heard the root");
	cr_assert_eq(state(s, 1, 2), XB_STP_BLOCKING, "the loop closed at the first hello");
	cr_assert_eq(assert_spanning_tree(s), 1);
	assert_events_match(s);
}

static void ring_converges(const uint16_t *prio)
{
	struct sim *s = ring3(prio, 2);
	uint64_t t0 = s->now;

	/* Forward delay 4: nothing forwards before 8 s, all settled at 8 s
	 * (plus the BPDUs' own delay: none here). */
	sim_run_until(s, t0 + 8 * SEC - 1);
	for (int i = 0; i < 3; i++)
		for (uint16_t p = 1; p <= 2; p++)
			cr_assert_neq(state(s, i, p), XB_STP_FORWARDING, "%d.%d forwards before 2 x fd", i, p);
	sim_run_until(s, t0 + 8 * SEC);
	cr_assert_eq(root_of(s, 0), lowest_id(s), "root: the lowest bridge id");
	cr_assert_eq(assert_spanning_tree(s), 1, "a ring converges with exactly one port closed");

	int blocked_br = -1, blocked_port = 0;

	for (int i = 0; i < 3; i++)
		for (uint16_t p = 1; p <= 2; p++)
			if (state(s, i, p) == XB_STP_BLOCKING)
				blocked_br = i, blocked_port = p;
	cr_assert_neq(blocked_br, -1, "one port is blocking");
	/* It is on the link opposite the root, at the bridge with the higher id. */
	int root = -1;

	for (int i = 0; i < 3; i++)
		if (stp_is_root_bridge(&s->br[i].b))
			root = i;
	cr_assert_neq(blocked_br, root, "the root blocks nothing");
	int peer;
	uint16_t pp;

	link_of(s, blocked_br, blocked_port, &peer, &pp);
	cr_assert_neq(peer, root, "the blocked link is the one away from the root");
	cr_assert_gt(s->br[blocked_br].b.bridge_id, s->br[peer].b.bridge_id,
		     "the higher id of the two blocks");

	sim_run(s, 60 * SEC);
	cr_assert_eq(assert_spanning_tree(s), 1, "and it stays so");
	cr_assert_eq(state(s, blocked_br, blocked_port), XB_STP_BLOCKING);
	assert_events_match(s);
}

Test(stp, ring_of_three_converges_order_012, .fini = sim_free)
{
	uint16_t prio[] = { 4096, 8192, 12288 };

	ring_converges(prio);
}

Test(stp, ring_of_three_converges_order_210, .fini = sim_free)
{
	uint16_t prio[] = { 12288, 8192, 4096 };

	ring_converges(prio);
}

Test(stp, ring_of_three_converges_order_102, .fini = sim_free)
{
	uint16_t prio[] = { 8192, 4096, 12288 };

	ring_converges(prio);
}

Test(stp, ring_of_three_equal_priority_mac_decides, .fini = sim_free)
{
	uint16_t prio[] = { 32768, 32768, 32768 };

	ring_converges(prio);
}

/* Silent link loss: the bridge behind it hears nothing more, its
 * information ages out after max age, and the blocked port takes over. */
Test(stp, silent_link_loss_reconverges_within_max_age_plus_two_forward_delays, .fini = sim_free)
{
	uint16_t prio[] = { 4096, 8192, 12288 };
	struct sim *s = ring3(prio, 2);

	sim_run(s, 30 * SEC);
	cr_assert_eq(state(s, 2, 2), XB_STP_FORWARDING, "2.2: root port to the root");
	cr_assert_eq(state(s, 2, 1), XB_STP_BLOCKING, "2.1: blocked");

	uint64_t cut = s->now;

	s->link[2].silent = true;	/* 2.2 - 0.2 stops carrying frames */
	sim_run_until(s, cut + 6 * SEC + 8 * SEC + 2 * SEC);	/* max age + 2 fd + one hello */
	cr_assert_eq(assert_spanning_tree(s), 0, "re-converged: every live port forwards");
	cr_assert_eq(s->br[2].b.root_port, 1, "bridge 2 reaches the root through bridge 1");
	cr_assert_eq(s->br[2].b.root_path_cost, 4);
	cr_assert_eq(root_of(s, 2), s->br[0].b.bridge_id);

	/* The new path opened no sooner than the old information aged out. */
	sim_free();
	s = ring3(prio, 2);
	sim_run(s, 30 * SEC);
	cut = s->now;
	s->link[2].silent = true;
	sim_run_until(s, cut + 5 * SEC);
	cr_assert_eq(state(s, 2, 1), XB_STP_BLOCKING, "still blocked before max age");
	cr_assert_eq(s->br[2].b.root_port, 2, "still believes its old root port");
}

/* Carrier loss: both ends are disabled at once, no max age wait. */
Test(stp, link_down_reconverges_within_two_forward_delays, .fini = sim_free)
{
	uint16_t prio[] = { 4096, 8192, 12288 };
	struct sim *s = ring3(prio, 2);

	sim_run(s, 30 * SEC);
	uint64_t cut = s->now;

	cr_assert_eq(stp_port_disable(&s->br[2], 2, s->now), 0);
	sim_drain(s);
	cr_assert_eq(stp_port_disable(&s->br[0], 2, s->now), 0);
	sim_drain(s);
	cr_assert_eq(state(s, 2, 2), XB_STP_DISABLED);
	cr_assert_eq(s->br[2].b.root_port, 1, "the blocked port is the new root port at once");
	cr_assert_eq(state(s, 2, 1), XB_STP_LISTENING, "and starts listening");
	s->link[2].silent = true;	/* no carrier: nothing passes */
	sim_run_until(s, cut + 8 * SEC);
	cr_assert_eq(state(s, 2, 1), XB_STP_FORWARDING, "forwarding after 2 x forward delay");
	assert_spanning_tree(s);

	/* Link back: 2.2 becomes root port again, 2.1 blocks at once. */
	s->link[2].silent = false;
	cr_assert_eq(stp_port_enable(&s->br[2], 2, s->now), 0);
	sim_drain(s);
	cr_assert_eq(stp_port_enable(&s->br[0], 2, s->now), 0);
	sim_drain(s);
	sim_run(s, 2 * SEC);
	cr_assert_eq(s->br[2].b.root_port, 2, "the cheaper path wins again");
	cr_assert_eq(state(s, 2, 1), XB_STP_BLOCKING, "the loop closes at once (no delay to block)");
	sim_run(s, 8 * SEC);
	cr_assert_eq(assert_spanning_tree(s), 1);
	assert_events_match(s);
}

/* The root dies (silently on both its links). */
Test(stp, root_loss_elects_the_next_lowest, .fini = sim_free)
{
	uint16_t prio[] = { 4096, 8192, 12288 };
	struct sim *s = ring3(prio, 2);

	sim_run(s, 30 * SEC);
	s->link[0].silent = true;
	s->link[2].silent = true;
	sim_run(s, 6 * SEC + 8 * SEC + 2 * SEC);
	cr_assert_eq(root_of(s, 1), s->br[1].b.bridge_id, "bridge 1 is the new root");
	cr_assert_eq(root_of(s, 2), s->br[1].b.bridge_id, "bridge 2 agrees");
	cr_assert_eq(state(s, 1, 2), XB_STP_FORWARDING);
	cr_assert_eq(state(s, 2, 1), XB_STP_FORWARDING, "the link between the survivors forwards");
	cr_assert_eq(s->br[2].b.max_age_ns, 6 * SEC, "the new root's times");
}

/* ---- topology change ---- */

static int sent_with(struct sim *s, int br, int from, uint8_t type, uint8_t flag, uint64_t *first,
		     uint64_t *last)
{
	int n = 0;

	*first = *last = 0;
	for (int k = from; k < s->nsent; k++) {
		struct sent *r = &s->sent[k];

		if (r->br != br || r->bpdu.type != type || (flag && !(r->bpdu.flags & flag)))
			continue;
		if (!n++)
			*first = r->time;
		*last = r->time;
	}
	return n;
}

Test(stp, tcn_reaches_the_root_and_tc_lasts_max_age_plus_forward_delay, .fini = sim_free)
{
	uint16_t prio[] = { 4096, 8192, 12288 };
	struct sim *s = ring3(prio, 2);
	uint64_t first, last;

	/* Converge, and let the start-up topology change run out (6 + 4 s). */
	sim_run(s, 30 * SEC);
	for (int i = 0; i < 3; i++) {
		cr_assert_eq(s->tc[i], 0, "bridge %d: no TC any more", i);
		cr_assert_eq(s->br[i].b.flags & (XB_STPB_TC | XB_STPB_TC_DETECTED), 0);
	}

	/* A new edge port on bridge 2 opens: bridge 2 detects a change. */
	int from = s->nsent;
	uint64_t t_up = s->now;

	port_add(s, 2, 3, 2);
	sim_run_until(s, t_up + 8 * SEC);
	cr_assert_eq(state(s, 2, 3), XB_STP_FORWARDING);
	cr_assert_eq(sent_with(s, 2, from, STP_BPDU_TCN, 0, &first, &last), 1, "bridge 2 sent a TCN");
	cr_assert_eq(first, t_up + 8 * SEC, "when the port started forwarding");
	cr_assert(s->br[0].b.flags & XB_STPB_TC, "the root heard it: topology change");
	/* The root acknowledges in its next config BPDU on that port, which
	 * the hold timer may delay by up to 1 s (it sent a hello just now). */
	sim_run_until(s, t_up + 9 * SEC);
	sim_dump(s, "edge port up + 1 s");
	int tcns = sent_with(s, 2, from, STP_BPDU_TCN, 0, &first, &last);

	cr_assert(tcns == 1 || tcns == 2, "one TCN, or one retry at hello time: %d", tcns);
	/* Each TCN restarts the root's TC timer: max age + forward delay. */
	uint64_t tc_end = s->br[0].b.topology_change_timer;

	cr_assert_eq(tc_end, last + 10 * SEC, "TC timer: 6 + 4 s from the last TCN");
	for (int k = from; k < s->nsent; k++)
		if (s->sent[k].br == 2 && s->sent[k].bpdu.type == STP_BPDU_TCN)
			cr_assert_eq(s->sent[k].port, 2, "the TCN goes out the root port");
	cr_assert_eq(s->br[2].b.flags & XB_STPB_TC_DETECTED, 0, "the root acknowledged it");
	cr_assert_eq(s->br[2].b.tcn_timer, 0, "no more TCNs");
	cr_assert_eq(sent_with(s, 0, from, STP_BPDU_CONFIG, STP_FLAG_TCA, &first, &last), 1,
		     "the root acknowledged once");
	cr_assert_eq(s->br[0].port[2].rx_tcn, (uint64_t)tcns, "on its port to bridge 2");

	/* The root sets TC in its BPDUs for its max age + forward delay. */
	sim_run(s, 20 * SEC);
	cr_assert_gt(sent_with(s, 0, from, STP_BPDU_CONFIG, STP_FLAG_TC, &first, &last), 0);
	uint64_t tc_start = s->br[0].b.tc_last_ns;

	cr_assert_eq(tc_start, t_up + 8 * SEC, "TC from the TCN on");
	cr_assert_geq(first, tc_start, "TC in the root's BPDUs from then");
	cr_assert_leq(first, tc_start + 1 * SEC, "(after at most a hold time)");
	cr_assert_lt(last, tc_end, "not past max age + forward delay");
	cr_assert_geq(last, tc_end - 1 * SEC, "until the last hello before it");
	cr_assert_gt(sent_with(s, 1, from, STP_BPDU_CONFIG, STP_FLAG_TC, &first, &last), 0,
		     "bridge 1 relays the root's TC flag");
	for (int i = 0; i < 3; i++) {
		cr_assert_eq(s->tc_events[i] % 2, 0, "bridge %d: TC went on and off again", i);
		cr_assert_eq(s->tc[i], 0, "bridge %d: TC over", i);
		cr_assert_eq(s->br[i].b.tc_count, 2, "bridge %d: start-up and this change", i);
	}
}

Test(stp, tc_events_carry_the_short_ageing_to_every_bridge, .fini = sim_free)
{
	uint16_t prio[] = { 4096, 8192, 12288 };
	struct sim *s = ring3(prio, 2);

	sim_run(s, 30 * SEC);
	port_add(s, 2, 3, 2);
	sim_run(s, 8 * SEC + 1 * SEC);
	for (int i = 0; i < 3; i++) {
		cr_assert_eq(s->tc[i], 1, "bridge %d in topology change", i);
		cr_assert_eq(s->tc_ageing[i], 8 * SEC, "bridge %d ages after 2 x the root's fd", i);
	}
}

/* A non-root bridge whose TCN is lost retries every hello time. */
Test(stp, tcn_repeats_until_acknowledged, .fini = sim_free)
{
	uint16_t prio[] = { 4096, 8192 };
	struct sim *s = sim_new(2, prio, 1, 6, 4);
	uint64_t first, last;

	sim_link(s, 0, 1, 1, 1, 2);
	sim_run(s, 30 * SEC);
	int from = s->nsent;

	port_add(s, 1, 2, 2);
	sim_run(s, 7500 * MS);
	s->link[0].silent = true;	/* for 3 s (< max age): TCNs lost */
	sim_run(s, 2500 * MS);
	cr_assert_eq(sent_with(s, 1, from, STP_BPDU_TCN, 0, &first, &last), 3,
		     "a TCN at once and one per hello time: %d", sent_with(s, 1, from, STP_BPDU_TCN, 0, &first, &last));
	s->link[0].silent = false;
	sim_run(s, 3 * SEC);
	cr_assert_eq(s->br[1].b.flags & XB_STPB_TC_DETECTED, 0, "acknowledged at last");
	int n = sent_with(s, 1, from, STP_BPDU_TCN, 0, &first, &last);

	sim_run(s, 5 * SEC);
	cr_assert_eq(sent_with(s, 1, from, STP_BPDU_TCN, 0, &first, &last), n, "no TCN after the ack");
}

/* ---- settings re-elect ---- */

Test(stp, priority_change_elects_a_new_root, .fini = sim_free)
{
	uint16_t prio[] = { 4096, 8192, 12288 };
	struct sim *s = ring3(prio, 2);

	sim_run(s, 30 * SEC);
	cr_assert_eq(root_of(s, 1), s->br[0].b.bridge_id);
	cr_assert_eq(stp_set_priority(&s->br[2], 0, s->now), 0);
	sim_drain(s);
	sim_run(s, 2 * SEC);
	for (int i = 0; i < 3; i++)
		cr_assert_eq(root_of(s, i), s->br[2].b.bridge_id, "bridge %d follows the new root", i);
	sim_run(s, 10 * SEC);
	cr_assert_eq(assert_spanning_tree(s), 1);
	/* Opposite the new root (bridge 2) is the 0-1 link: bridge 1 blocks there. */
	cr_assert_eq(state(s, 1, 1), XB_STP_BLOCKING, "1.1 blocks, the higher id on link 0-1");
	assert_events_match(s);
}

Test(stp, cost_change_moves_the_blocked_port, .fini = sim_free)
{
	uint16_t prio[] = { 4096, 8192, 12288 };
	struct sim *s = ring3(prio, 2);

	sim_run(s, 30 * SEC);
	cr_assert_eq(state(s, 2, 1), XB_STP_BLOCKING, "before: 2.1 blocks");
	cr_assert_eq(s->br[2].b.root_port, 2);
	cr_assert_eq(stp_set_port_cost(&s->br[2], 2, 100, s->now), 0);
	sim_drain(s);
	sim_run(s, 20 * SEC);
	cr_assert_eq(s->br[2].b.root_port, 1, "the path through bridge 1 is cheaper now (4 < 100)");
	cr_assert_eq(s->br[2].b.root_path_cost, 4);
	cr_assert_eq(state(s, 2, 2), XB_STP_BLOCKING, "after: 2.2 blocks");
	cr_assert_eq(assert_spanning_tree(s), 1);
	assert_events_match(s);
}

Test(stp, port_priority_breaks_a_tie_between_parallel_links, .fini = sim_free)
{
	uint16_t prio[] = { 4096, 8192 };
	struct sim *s = sim_new(2, prio, 1, 6, 4);

	sim_link(s, 0, 1, 1, 1, 2);
	sim_link(s, 0, 2, 1, 2, 2);
	sim_run(s, 20 * SEC);
	cr_assert_eq(s->br[1].b.root_port, 1, "the root's lower port id wins");
	/* The root's port 2 gets a better (lower) priority: the link through
	 * it wins on designated port id. */
	cr_assert_eq(stp_set_port_priority(&s->br[0], 2, 16, s->now), 0);
	sim_drain(s);
	sim_run(s, 20 * SEC);
	cr_assert_eq(s->br[1].b.root_port, 2, "now the link to the root's port 2");
	cr_assert_eq(state(s, 1, 1), XB_STP_BLOCKING);
	cr_assert_eq(state(s, 1, 2), XB_STP_FORWARDING);
}

/* ---- root block and BPDU guard ---- */

Test(stp, root_block_keeps_a_port_from_becoming_root_port, .fini = sim_free)
{
	uint16_t prio[] = { 4096, 8192 };
	struct sim *s = sim_new(2, prio, 1, 6, 4);

	sim_link(s, 0, 1, 1, 1, 2);
	cr_assert_eq(stp_set_port_root_block(&s->br[1], 1, true, s->now), 0);
	sim_run(s, 60 * SEC);
	cr_assert(stp_is_root_bridge(&s->br[1].b), "bridge 1 does not follow the better root");
	cr_assert_eq(state(s, 1, 1), XB_STP_LISTENING,
		     "superior BPDUs keep the root-blocked port listening (Linux)");
	cr_assert(s->br[1].port[1].flags & XB_STPP_ROOT_BLOCKED, "shown as root-blocked");
	cr_assert_eq(s->root_blocked_events[1], 1, "one event, not one per BPDU");

	cr_assert_eq(stp_set_port_root_block(&s->br[1], 1, false, s->now), 0);
	sim_drain(s);
	sim_run(s, 2 * SEC);
	cr_assert_eq(s->br[1].b.root_port, 1, "root-block off: it is the root port");
	cr_assert_eq(root_of(s, 1), s->br[0].b.bridge_id);
	sim_run(s, 8 * SEC);
	cr_assert_eq(state(s, 1, 1), XB_STP_FORWARDING);
	cr_assert_eq(s->br[1].port[1].flags & XB_STPP_ROOT_BLOCKED, 0);
}

Test(stp, root_block_in_a_ring_takes_the_other_path, .fini = sim_free)
{
	uint16_t prio[] = { 4096, 8192, 12288 };
	struct sim *s = ring3(prio, 2);

	sim_run(s, 30 * SEC);
	cr_assert_eq(s->br[2].b.root_port, 2);
	cr_assert_eq(stp_set_port_root_block(&s->br[2], 2, true, s->now), 0);
	sim_drain(s);
	sim_run(s, 30 * SEC);
	sim_dump(s, "root-blocked 2.2");
	cr_assert_eq(s->br[2].b.root_port, 1, "root port through bridge 1 instead");
	cr_assert_eq(root_of(s, 2), s->br[0].b.bridge_id, "the root is still bridge 0");
	/* Not designated either (bridge 0's information is better): blocking,
	 * after a moment in listening at every BPDU that the caller never sees. */
	cr_assert_eq(state(s, 2, 2), XB_STP_BLOCKING, "the root-blocked port never forwards");
	cr_assert(s->br[2].port[2].flags & XB_STPP_ROOT_BLOCKED, "shown as root-blocked");
	cr_assert_eq(s->root_blocked_events[2], 1, "one event");
	cr_assert_eq(state(s, 2, 1), XB_STP_FORWARDING);
	cr_assert_eq(assert_spanning_tree(s), 1);
	assert_events_match(s);
}

static void rx(struct sim *s, int i, uint16_t port, const uint8_t *f, size_t len, int want)
{
	cr_assert_eq(stp_rx_frame(&s->br[i], port, f, len, s->now), want, "rx on %d.%d", i, port);
	sim_drain(s);
}

Test(stp, bpdu_guard_disables_the_port_until_link_flap_or_guard_off, .fini = sim_free)
{
	uint16_t prio[] = { 4096 };
	struct sim *s = sim_new(1, prio, 2, 20, 15);
	uint8_t rst[sizeof(linux_tcn)];

	port_add(s, 0, 1, 2);
	cr_assert_eq(stp_set_port_bpdu_guard(&s->br[0], 1, true, s->now), 0);
	memcpy(rst, linux_tcn, sizeof(rst));
	rst[19] = 2;	/* version 2: the kernel drops it before the guard */
	rx(s, 0, 1, rst, sizeof(rst), 0);
	cr_assert_eq(s->guard_events[0], 0, "RST BPDUs do not trip the guard (as Linux)");

	rx(s, 0, 1, linux_tcn, sizeof(linux_tcn), 1);
	cr_assert_eq(s->guard_events[0], 1, "BPDU guard event");
	cr_assert_eq(state(s, 0, 1), XB_STP_DISABLED, "port disabled");
	cr_assert(s->br[0].port[1].flags & XB_STPP_GUARD_TRIPPED);
	rx(s, 0, 1, linux_tcn, sizeof(linux_tcn), 0);
	cr_assert_eq(s->guard_events[0], 1, "a disabled port hears nothing");
	sim_run(s, 60 * SEC);
	cr_assert_eq(state(s, 0, 1), XB_STP_DISABLED, "stays disabled");

	/* Link down and up lets it back. */
	cr_assert_eq(stp_port_disable(&s->br[0], 1, s->now), 0);
	cr_assert_eq(stp_port_enable(&s->br[0], 1, s->now), 0);
	cr_assert_eq(state(s, 0, 1), XB_STP_LISTENING, "back after a link flap");

	/* A config BPDU trips it too; guard off lets it back. */
	rx(s, 0, 1, linux_root_config, sizeof(linux_root_config), 1);
	cr_assert_eq(s->guard_events[0], 2);
	cr_assert_eq(state(s, 0, 1), XB_STP_DISABLED);
	cr_assert_eq(stp_set_port_bpdu_guard(&s->br[0], 1, false, s->now), 0);
	cr_assert_eq(state(s, 0, 1), XB_STP_LISTENING, "back after guard off");
	rx(s, 0, 1, linux_root_config, sizeof(linux_root_config), 1);
	cr_assert_eq(s->guard_events[0], 2, "guard off: BPDUs are processed");
	assert_events_match(s);
}

/* ---- the kernel's details ---- */

Test(stp, relayed_config_ages_by_the_time_since_the_root_sent_it, .fini = sim_free)
{
	uint16_t prio[] = { 4096, 8192, 12288 };
	struct sim *s = sim_new(3, prio, 2, 20, 15);

	/* A line 0 - 1 - 2: bridge 1 relays the root's BPDUs to bridge 2. */
	sim_link(s, 0, 1, 1, 1, 4);
	sim_link(s, 1, 2, 2, 1, 4);
	sim_run(s, 40 * SEC);
	int from = s->nsent;

	sim_run(s, 10 * SEC);
	for (int k = from; k < s->nsent; k++) {
		struct sent *r = &s->sent[k];

		if (r->br == 1 && r->bpdu.type == STP_BPDU_CONFIG) {
			cr_assert_eq(r->bpdu.message_age, 1, "relayed at once: age 0 + one 1/256 s tick");
			cr_assert_eq(r->bpdu.root_path_cost, 4, "its root path cost");
			cr_assert_eq(r->bpdu.root_id, s->br[0].b.bridge_id);
			cr_assert_eq(r->bpdu.max_age, 20 * 256, "the root's times");
		}
	}
	cr_assert_eq(s->br[2].b.root_path_cost, 8, "two hops of 4");
	/* Information from a BPDU older than max age is dropped. */
	struct stp_bpdu b;
	uint8_t f[sizeof(linux_root_config)];

	memcpy(f, linux_root_config, sizeof(f));
	f[44] = 0x15;	/* message age 21 s > max age 20 s */
	stp_frame_decode(f, sizeof(f), &b);
	rx(s, 2, 1, f, sizeof(f), 0);
}

Test(stp, hold_timer_limits_config_bpdus_to_one_per_second, .fini = sim_free)
{
	uint16_t prio[] = { 4096, 8192 };
	struct sim *s = sim_new(2, prio, 2, 20, 15);

	sim_link(s, 0, 1, 1, 1, 4);
	sim_run(s, 40 * SEC);
	/* Inferior BPDUs on a designated port make it reply; in one second it
	 * replies once, the other reply waits for the hold timer. */
	struct stp_bpdu b = { .type = STP_BPDU_CONFIG, .root_id = stp_make_id(61440, port_mac),
			      .bridge_id = stp_make_id(61440, port_mac), .port_id = 0x8001,
			      .max_age = 20 * 256, .hello_time = 512, .forward_delay = 15 * 256 };
	uint8_t f[STP_FRAME_MAX];
	int len = stp_frame_encode(port_mac, &b, f, sizeof(f));
	int from = s->nsent;

	s->link[0].silent = true;	/* read what bridge 0 sends, deliver nothing */
	sim_run(s, 100 * MS);		/* clear of the last hello's hold time... */
	sim_run_until(s, s->br[0].b.hello_timer + 1100 * MS);	/* ... and of the next one */
	from = s->nsent;
	for (int k = 0; k < 5; k++)
		rx(s, 0, 1, f, (size_t)len, 1);
	cr_assert_eq(s->nsent - from, 1, "one reply at once");
	cr_assert(s->br[0].port[1].flags & XB_STPP_CONFIG_PENDING, "the next one waits");
	sim_run_until(s, s->br[0].port[1].hold_timer);
	cr_assert_eq(s->nsent - from, 2, "sent when the hold timer expires");
}

Test(stp, port_priority_and_costs_as_linux_defaults, .fini = sim_free)
{
	uint16_t prio[] = { 32768 };
	struct sim *s = sim_new(1, prio, 2, 20, 15);
	int from;

	port_add(s, 0, 5, 2);
	from = s->nsent;
	sim_run(s, 2 * SEC);
	cr_assert_eq(s->nsent - from, 1);
	cr_assert_eq(s->sent[from].bpdu.port_id, 0x8005, "port 5, priority 32");
	cr_assert_eq(s->sent[from].bpdu.bridge_id >> 48, 0x8000);
	cr_assert_eq(s->sent[from].bpdu.hello_time, 512);
}

Test(stp, a_bridge_without_address_stays_silent_until_it_has_one, .fini = sim_free)
{
	uint16_t prio[] = { 32768 };
	struct sim *s = sim_new(1, prio, 1, 6, 4);
	uint8_t zero[6] = { 0 }, mac[6] = { 0x02, 0, 0, 0, 0x77, 0x01 };

	stp_bridge_free(&s->br[0]);
	cr_assert_eq(stp_bridge_init(&s->br[0], zero, 32768, NULL, on_event, &s->ctx[0], s->now), 0);
	port_add(s, 0, 1, 2);
	sim_run(s, 5 * SEC);
	cr_assert_eq(s->nsent, 0, "no BPDU from 8000.00:00:00:00:00:00");
	cr_assert_eq(stp_set_bridge_mac(&s->br[0], mac, s->now), 0);
	cr_assert_eq(s->br[0].b.bridge_id, stp_make_id(32768, mac), "new bridge id");
	cr_assert(stp_is_root_bridge(&s->br[0].b), "still its own root, under its new id");
	cr_assert_eq(s->br[0].port[1].designated_bridge, s->br[0].b.bridge_id,
		     "its designated port follows the new id");
	sim_run(s, 2 * SEC + 1);
	cr_assert_gt(s->nsent, 0, "it speaks now");
	cr_assert_eq(s->sent[0].bpdu.bridge_id, stp_make_id(32768, mac));
	cr_assert_eq(s->sent[0].bpdu.root_id, stp_make_id(32768, mac));
}

/* A Linux bridge's BPDU (captured) makes the engine follow it. */
Test(stp, follows_a_linux_root, .fini = sim_free)
{
	uint16_t prio[] = { 61440 };
	struct sim *s = sim_new(1, prio, 2, 20, 15);

	port_add(s, 0, 1, 2);
	rx(s, 0, 1, captured_config, sizeof(captured_config), 1);
	cr_assert_eq(s->br[0].b.root_port, 1, "root port toward the Linux bridge");
	cr_assert_eq(s->br[0].b.root_path_cost, 2);
	cr_assert_eq(s->br[0].b.designated_root >> 48, 0x8000);
	cr_assert_eq(s->br[0].b.max_age_ns, 6 * SEC, "its max age");
	cr_assert_eq(s->br[0].b.hello_time_ns, 1 * SEC, "its hello time");
	cr_assert_eq(s->br[0].b.forward_delay_ns, 4 * SEC, "its forward delay");
	cr_assert_eq(s->br[0].b.hello_timer, 0, "a non-root sends no hellos of its own");
	/* No further BPDU: the information ages out after the Linux max age. */
	sim_run(s, 6 * SEC - 1);
	cr_assert_eq(s->br[0].b.root_port, 1);
	sim_run(s, 1);
	cr_assert(stp_is_root_bridge(&s->br[0].b), "its own root again after max age");
	cr_assert_eq(s->br[0].b.max_age_ns, 20 * SEC, "with its own times");
}

/* A BPDU relayed with the age it would reach max age is not sent. */
Test(stp, information_at_max_age_is_not_relayed, .fini = sim_free)
{
	uint16_t prio[] = { 61440 };
	struct sim *s = sim_new(1, prio, 2, 20, 15);
	uint8_t f[sizeof(captured_config)];

	port_add(s, 0, 1, 2);
	port_add(s, 0, 2, 2);
	memcpy(f, captured_config, sizeof(f));
	f[44] = 0x05, f[45] = 0xfe;	/* message age 6 s - 2/256 s, max age 6 s */
	int from = s->nsent;

	rx(s, 0, 1, f, sizeof(f), 1);
	cr_assert_eq(s->br[0].b.root_port, 1);
	cr_assert_eq(s->nsent - from, 1, "relayed on the designated port 2");
	cr_assert_eq(s->sent[from].port, 2);
	cr_assert_eq(s->sent[from].bpdu.message_age, 6 * 256 - 1, "one tick older");

	sim_free();
	s = sim_new(1, prio, 2, 20, 15);
	port_add(s, 0, 1, 2);
	port_add(s, 0, 2, 2);
	f[45] = 0xff;	/* 6 s - 1/256 s: one more tick reaches max age */
	from = s->nsent;
	rx(s, 0, 1, f, sizeof(f), 1);
	cr_assert_eq(s->br[0].b.root_port, 1, "the information is used");
	cr_assert_eq(s->nsent - from, 0, "but not relayed: it would be max age old");
}

Test(stp, timers_apply_when_root_and_are_the_roots_otherwise, .fini = sim_free)
{
	uint16_t prio[] = { 4096, 8192 };
	struct sim *s = sim_new(2, prio, 2, 20, 15);
	struct stp_timers t = { 1000, 6000, 4000 };
	struct stp_timers bad = { 1000, 41000, 4000 };

	sim_link(s, 0, 1, 1, 1, 2);
	sim_run(s, 31 * SEC);
	cr_assert_eq(stp_set_timers(&s->br[1], &bad, s->now), -ERANGE, "max age above 40 s");
	cr_assert_eq(stp_set_timers(&s->br[1], &t, s->now), 0);
	cr_assert_eq(s->br[1].b.bridge_max_age_ns, 6 * SEC, "its own, for when it is root");
	cr_assert_eq(s->br[1].b.max_age_ns, 20 * SEC, "a non-root keeps the root's");
	cr_assert_eq(stp_set_timers(&s->br[0], &t, s->now), 0);
	cr_assert_eq(s->br[0].b.max_age_ns, 6 * SEC, "the root uses its new times at once");
	sim_run(s, 3 * SEC);
	cr_assert_eq(s->br[1].b.max_age_ns, 6 * SEC, "and the others adopt them from its BPDUs");
	cr_assert_eq(s->br[1].b.forward_delay_ns, 4 * SEC);
	cr_assert_eq(s->br[1].b.hello_time_ns, 1 * SEC);
}

Test(stp, deleting_the_root_port_reelects, .fini = sim_free)
{
	uint16_t prio[] = { 4096, 8192 };
	struct sim *s = sim_new(2, prio, 1, 6, 4);

	sim_link(s, 0, 1, 1, 1, 2);
	sim_link(s, 0, 2, 1, 2, 2);
	sim_run(s, 20 * SEC);
	cr_assert_eq(s->br[1].b.root_port, 1);
	cr_assert_eq(state(s, 1, 2), XB_STP_BLOCKING);
	cr_assert_eq(stp_port_del(&s->br[1], 1, s->now), 0);
	s->link[0].silent = true;
	sim_drain(s);
	cr_assert_eq(s->seen_state[1][1], XB_STP_DISABLED, "the deleted port was reported disabled");
	cr_assert_eq(s->br[1].b.root_port, 2, "the other link is the root port now");
	cr_assert_eq(state(s, 1, 2), XB_STP_LISTENING);
	sim_run(s, 8 * SEC);
	cr_assert_eq(state(s, 1, 2), XB_STP_FORWARDING);
}

/* Garbage in: no crash, and the engine's invariants hold. */
Test(stp, random_frames_do_not_break_it, .fini = sim_free)
{
	uint16_t prio[] = { 4096, 8192, 12288 };
	struct sim *s = ring3(prio, 2);
	uint32_t seed = 12345;
	int used = 0;

	sim_run(s, 20 * SEC);
	for (int k = 0; k < 20000; k++) {
		uint8_t f[STP_FRAME_MAX];
		size_t len;

		memcpy(f, captured_config, sizeof(captured_config));
		for (size_t j = 0; j < sizeof(f); j++) {
			seed = seed * 1103515245 + 12345;
			/* mostly valid headers, random BPDU bodies */
			if (j >= 17 || (seed >> 16) % 50 == 0)
				f[j] = (uint8_t)(seed >> 8);
		}
		if (k % 3)
			f[17] = f[18] = f[19] = 0;	/* protocol 0 version 0, mostly */
		if (k % 5 == 0)
			f[20] = 0x80;
		else if (k % 5 != 1)
			f[20] = 0;	/* config, mostly */
		len = k % 4 ? sizeof(f) : (seed >> 4) % (sizeof(f) + 1);
		int i = k % 3;
		uint16_t port = (uint16_t)(1 + (seed >> 20) % 3);	/* port 3 does not exist */
		int r = stp_rx_frame(&s->br[i], port, f, len, s->now);

		cr_assert(r == 0 || r == 1 || (port == 3 && r == -ENOENT), "rx: %d", r);
		used += r == 1;
		sim_drain(s);
		if (k % 100 == 0)
			sim_run(s, 100 * MS);
	}
	cr_assert_gt(used, 1000, "many of them were BPDUs the engine read: %d", used);
	for (int i = 0; i < 3; i++)
		for (uint16_t p = 1; p <= 2; p++)
			cr_assert_leq(state(s, i, p), XB_STP_BLOCKING, "a valid state");
	assert_events_match(s);
	/* And with the garbage gone it converges again. */
	sim_run(s, 60 * SEC);
	cr_assert_eq(assert_spanning_tree(s), 1, "back to one blocked port");
	cr_assert_eq(root_of(s, 2), s->br[0].b.bridge_id);
}

/* ---- persistence ---- */

struct saved {
	struct xb_stp_bridge b;
	struct xb_stp_port p[8];
	int n;
};

static void save(struct stp_bridge *br, struct saved *sv)
{
	struct xb_stp_port *p;

	sv->b = br->b;
	sv->n = 0;
	for (p = &br->port[1]; p <= &br->port[XB_STP_MAX_PORT_NO]; p++)
		if (p->port_no)
			sv->p[sv->n++] = *p;
}

Test(stp, restored_state_resumes_without_opening_blocked_ports, .fini = sim_free)
{
	uint16_t prio[] = { 4096, 8192, 12288 };
	struct sim *s = ring3(prio, 2);
	struct saved sv;

	sim_run(s, 30 * SEC);
	cr_assert_eq(state(s, 2, 1), XB_STP_BLOCKING);
	save(&s->br[2], &sv);
	stp_bridge_free(&s->br[2]);
	s->down[2] = true;

	/* The control loop of bridge 2 restarts 2 s later (under max age). */
	sim_run(s, 2 * SEC);
	int events = s->state_events[2];

	cr_assert_eq(stp_bridge_restore(&s->br[2], &sv.b, on_event, &s->ctx[2], s->now), 0);
	s->down[2] = false;
	for (int k = 0; k < sv.n; k++)
		cr_assert_eq(stp_port_restore(&s->br[2], &sv.p[k]), 0);
	cr_assert_eq(state(s, 2, 1), XB_STP_BLOCKING, "blocked after restore");
	cr_assert_eq(state(s, 2, 2), XB_STP_FORWARDING, "forwarding after restore");
	cr_assert_eq(s->br[2].b.root_port, 2);
	sim_run(s, 60 * SEC);
	cr_assert_eq(s->state_events[2], events, "no port of the restored bridge changed state");
	cr_assert_eq(assert_spanning_tree(s), 1);
	cr_assert_eq(state(s, 2, 1), XB_STP_BLOCKING, "still blocked");

	/* A layout from another version is refused. */
	struct stp_bridge other;

	sv.b.version++;
	cr_assert_eq(stp_bridge_restore(&other, &sv.b, NULL, NULL, s->now), -EPROTO);
	sv.b.version--;
	cr_assert_eq(stp_bridge_restore(&other, &sv.b, NULL, NULL, s->now), 0);
	cr_assert_eq(stp_port_restore(&other, &sv.p[0]), 0);
	cr_assert_eq(stp_port_restore(&other, &sv.p[0]), -EEXIST, "a port restored twice");
	stp_bridge_free(&other);
}

Test(stp, a_loop_restarted_after_max_age_never_jumps_a_port_to_forwarding, .fini = sim_free)
{
	uint16_t prio[] = { 4096, 8192, 12288 };
	struct sim *s = ring3(prio, 2);
	struct saved sv;

	sim_run(s, 30 * SEC);
	save(&s->br[2], &sv);
	stp_bridge_free(&s->br[2]);
	s->down[2] = true;
	/* Bridge 2's loop is gone for 30 s: its neighbours' information about it
	 * ages out; its own timers expire all at once when it is back. */
	s->link[1].silent = s->link[2].silent = true;
	sim_run(s, 30 * SEC);
	s->link[1].silent = s->link[2].silent = false;
	memset(s->seen_state[2], 0, sizeof(s->seen_state[2]));
	cr_assert_eq(stp_bridge_restore(&s->br[2], &sv.b, on_event, &s->ctx[2], s->now), 0);
	s->down[2] = false;
	for (int k = 0; k < sv.n; k++) {
		cr_assert_eq(stp_port_restore(&s->br[2], &sv.p[k]), 0);
		s->seen_state[2][sv.p[k].port_no] = sv.p[k].state;
	}
	uint8_t before = state(s, 2, 1);

	cr_assert_eq(before, XB_STP_BLOCKING);
	cr_assert_geq(stp_tick(&s->br[2], s->now), 1, "expired timers run");
	sim_drain(s);
	cr_assert_neq(state(s, 2, 1), XB_STP_FORWARDING, "no blocked port jumps to forwarding");
	cr_assert_neq(state(s, 2, 1), XB_STP_LEARNING);
	sim_run(s, 20 * SEC);
	cr_assert_eq(assert_spanning_tree(s), 1, "and it converges again");
	assert_events_match(s);
}
