// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * 802.1D-1998 spanning tree as the Linux bridge's kernel STP runs it
 * (net/bridge/br_stp.c, br_stp_if.c, br_stp_timer.c, br_stp_bpdu.c): the
 * same procedures under the same names, so the two interoperate and behave
 * alike. Where the kernel departs from the standard we follow the kernel:
 *
 * - A config BPDU's message age is the time since the root sent the
 *   information plus one STP tick (1/256 s, the kernel's MESSAGE_AGE_INCR),
 *   not +1 s per hop; a bridge stops relaying information older than max age.
 * - Equal information from another bridge "supersedes" (it refreshes the
 *   port's message age timer); see supersedes_port_info.
 * - Root block (BR_ROOT_BLOCK): a port that would become root port stays
 *   listening, and its forward delay timer restarts each time, so it stays
 *   there while the superior BPDUs keep coming (it is then designated, or
 *   blocking when another port reaches that root).
 * - A port whose link goes down is no topology change by itself (only
 *   the states it makes other ports change count), as br_stp_disable_port.
 * - BPDU guard (BR_BPDU_GUARD): any version-0 BPDU on the port disables it.
 * - Topology change: while the TC flag is set, learned entries age after
 *   2 x forward delay (__br_set_topology_change), not 802.1D's forward
 *   delay: the Linux bridge's choice, kept so a mixed ring flushes alike.
 *   The root keeps TC for its own max age + forward delay.
 * - The hold timer is exactly 1 s (the kernel rounds it to a whole second).
 *
 * Timers are deadlines in ns on the caller's clock (0: stopped). A timer
 * that expired runs at the next call, in deadline order, as if now.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stp.h"

#define MS 1000000ULL
#define MAX_PATH_COST 65535
#define ADDR_MASK ((1ULL << 48) - 1)	/* the MAC in a bridge id */

_Static_assert(sizeof(struct xb_stp_bridge) % 8 == 0, "no tail padding");
_Static_assert(sizeof(struct xb_stp_port) % 8 == 0, "no tail padding");

/* ---- helpers ---- */

static struct xb_stp_port *port_get(struct stp_bridge *br, uint16_t port_no)
{
	if (!br->port || port_no == 0 || port_no > XB_STP_MAX_PORT_NO)
		return NULL;
	return br->port[port_no].port_no ? &br->port[port_no] : NULL;
}

#define for_each_port(br, p)                                                         \
	for ((p) = &(br)->port[1]; (p) <= &(br)->port[XB_STP_MAX_PORT_NO]; (p)++)   \
		if ((p)->port_no)

static void emit(struct stp_bridge *br, const struct stp_event *ev)
{
	if (br->emit)
		br->emit(br->ctx, ev);
}

static void timer_start(struct stp_bridge *br, __u64 *timer, uint64_t delay_ns)
{
	*timer = br->now + delay_ns;
	if (!*timer)	/* 0 means stopped */
		*timer = 1;
}

static bool is_root_bridge(const struct stp_bridge *br)
{
	return stp_is_root_bridge(&br->b);
}

static bool is_designated_port(const struct stp_bridge *br, const struct xb_stp_port *p)
{
	return p->designated_bridge == br->b.bridge_id && p->designated_port == p->port_id;
}

/* A state change is reported when the call that made it ends (report_states):
 * a root-blocked port's listening-then-blocking within one BPDU, which the
 * kernel logs every hello time, is no change at all to the data path. */
static void set_state(struct stp_bridge *br, struct xb_stp_port *p, uint8_t state)
{
	/* Root-blocked until it moves on (root-block off, BPDUs gone, link). */
	if (state != XB_STP_LISTENING && state != XB_STP_BLOCKING)
		p->flags &= ~XB_STPP_ROOT_BLOCKED;
	p->state = state;
}

#define STATE_UNREPORTED 0xff

static void report_states(struct stp_bridge *br)
{
	struct xb_stp_port *p;

	if (!br->port || !br->reported)
		return;
	for_each_port(br, p) {
		if (br->reported[p->port_no] == p->state)
			continue;
		br->reported[p->port_no] = p->state;
		emit(br, &(struct stp_event){ .type = STP_EV_PORT_STATE, .port_no = p->port_no,
					      .state = p->state });
	}
}

static uint16_t ns_to_ticks(uint64_t ns)
{
	uint64_t t = ns / STP_TICK_NS;	/* the kernel's br_set_ticks rounds down */

	return t > 0xffff ? 0xffff : (uint16_t)t;
}

static uint64_t ticks_to_ns(uint16_t ticks)
{
	return ticks * STP_TICK_NS;
}

static void set_topology_change(struct stp_bridge *br, bool on)
{
	bool was = br->b.flags & XB_STPB_TC;

	if (on)
		br->b.flags |= XB_STPB_TC;
	else
		br->b.flags &= ~XB_STPB_TC;
	if (was == on)
		return;
	if (on) {
		br->b.tc_count++;
		br->b.tc_last_ns = br->now;
	}
	emit(br, &(struct stp_event){ .type = STP_EV_TOPOLOGY_CHANGE, .tc = on,
				      .ageing_ns = on ? 2 * br->b.forward_delay_ns : 0 });
}

/* ---- transmission (br_stp_bpdu.c) ---- */

static void send_bpdu(struct stp_bridge *br, struct xb_stp_port *p, const struct stp_bpdu *bpdu)
{
	uint8_t frame[STP_FRAME_MAX];
	int len = stp_frame_encode(p->mac, bpdu, frame, sizeof(frame));

	if (len < 0)
		return;
	emit(br, &(struct stp_event){ .type = STP_EV_SEND, .port_no = p->port_no,
				      .frame = frame, .len = (uint32_t)len });
}

static void transmit_config(struct stp_bridge *br, struct xb_stp_port *p)
{
	struct stp_bpdu bpdu = { .type = STP_BPDU_CONFIG };
	uint64_t message_age = 0;

	/* No address yet (set by stp_set_bridge_mac once a port has one): a
	 * BPDU from 8000.00:00:00:00:00:00 would make every bridge that hears
	 * it follow a phantom root for max age. */
	if (!(br->b.bridge_id & ADDR_MASK))
		return;
	if (p->hold_timer) {
		p->flags |= XB_STPP_CONFIG_PENDING;
		return;
	}
	if (br->b.flags & XB_STPB_TC)
		bpdu.flags |= STP_FLAG_TC;
	if (p->flags & XB_STPP_TC_ACK)
		bpdu.flags |= STP_FLAG_TCA;
	bpdu.root_id = br->b.designated_root;
	bpdu.root_path_cost = br->b.root_path_cost;
	bpdu.bridge_id = br->b.bridge_id;
	bpdu.port_id = p->port_id;
	if (!is_root_bridge(br)) {
		struct xb_stp_port *root = port_get(br, br->b.root_port);

		/* Modular: designated_age may lie "before 0" on a young clock. */
		if (root)
			message_age = br->now - root->designated_age;
		message_age += STP_TICK_NS;	/* MESSAGE_AGE_INCR: at least one tick */
	}
	bpdu.message_age = ns_to_ticks(message_age);
	bpdu.max_age = ns_to_ticks(br->b.max_age_ns);
	bpdu.hello_time = ns_to_ticks(br->b.hello_time_ns);
	bpdu.forward_delay = ns_to_ticks(br->b.forward_delay_ns);

	if (message_age < br->b.max_age_ns) {
		send_bpdu(br, p, &bpdu);
		p->tx_bpdu++;
		p->flags &= ~(XB_STPP_TC_ACK | XB_STPP_CONFIG_PENDING);
		timer_start(br, &p->hold_timer, STP_HOLD_NS);
	}
}

static void transmit_tcn(struct stp_bridge *br)
{
	struct xb_stp_port *p = port_get(br, br->b.root_port);
	struct stp_bpdu bpdu = { .type = STP_BPDU_TCN };

	if (!p)
		return;
	send_bpdu(br, p, &bpdu);
	p->tx_tcn++;
}

/* ---- br_stp.c ---- */

static bool should_become_root_port(struct stp_bridge *br, const struct xb_stp_port *p,
				    uint16_t root_port)
{
	const struct xb_stp_port *rp;
	uint64_t pc, rc;

	if (p->state == XB_STP_DISABLED || is_designated_port(br, p))
		return false;
	if (br->b.bridge_id <= p->designated_root)
		return false;
	if (!root_port)
		return true;
	rp = port_get(br, root_port);
	if (p->designated_root != rp->designated_root)
		return p->designated_root < rp->designated_root;
	pc = (uint64_t)p->designated_cost + p->path_cost;
	rc = (uint64_t)rp->designated_cost + rp->path_cost;
	if (pc != rc)
		return pc < rc;
	if (p->designated_bridge != rp->designated_bridge)
		return p->designated_bridge < rp->designated_bridge;
	if (p->designated_port != rp->designated_port)
		return p->designated_port < rp->designated_port;
	return p->port_id < rp->port_id;
}

static void root_port_block(struct stp_bridge *br, struct xb_stp_port *p)
{
	if (!(p->flags & XB_STPP_ROOT_BLOCKED))
		emit(br, &(struct stp_event){ .type = STP_EV_ROOT_BLOCKED,
					      .port_no = p->port_no });
	set_state(br, p, XB_STP_LISTENING);
	p->flags |= XB_STPP_ROOT_BLOCKED;
	if (br->b.forward_delay_ns)
		timer_start(br, &p->forward_delay_timer, br->b.forward_delay_ns);
}

static void root_selection(struct stp_bridge *br)
{
	uint64_t old_root = br->b.designated_root;
	uint16_t old_port = br->b.root_port, root_port = 0;
	struct xb_stp_port *p;

	for_each_port(br, p) {
		if (!should_become_root_port(br, p, root_port))
			continue;
		if (p->flags & XB_STPP_ROOT_BLOCK)
			root_port_block(br, p);
		else
			root_port = p->port_no;
	}
	br->b.root_port = root_port;
	if (!root_port) {
		br->b.designated_root = br->b.bridge_id;
		br->b.root_path_cost = 0;
	} else {
		p = port_get(br, root_port);
		br->b.designated_root = p->designated_root;
		br->b.root_path_cost = p->designated_cost + p->path_cost;
	}
	if (old_root != br->b.designated_root || old_port != root_port)
		emit(br, &(struct stp_event){ .type = STP_EV_ROOT_CHANGED, .port_no = root_port });
}

static void become_designated_port(struct stp_bridge *br, struct xb_stp_port *p)
{
	p->designated_root = br->b.designated_root;
	p->designated_cost = br->b.root_path_cost;
	p->designated_bridge = br->b.bridge_id;
	p->designated_port = p->port_id;
}

static void topology_change_detection(struct stp_bridge *br)
{
	if (is_root_bridge(br)) {
		set_topology_change(br, true);
		timer_start(br, &br->b.topology_change_timer,
			    br->b.bridge_forward_delay_ns + br->b.bridge_max_age_ns);
	} else if (!(br->b.flags & XB_STPB_TC_DETECTED)) {
		transmit_tcn(br);
		timer_start(br, &br->b.tcn_timer, br->b.bridge_hello_time_ns);
	}
	br->b.flags |= XB_STPB_TC_DETECTED;
}

static void config_bpdu_generation(struct stp_bridge *br)
{
	struct xb_stp_port *p;

	for_each_port(br, p)
		if (p->state != XB_STP_DISABLED && is_designated_port(br, p))
			transmit_config(br, p);
}

static void become_root_bridge(struct stp_bridge *br)
{
	br->b.max_age_ns = br->b.bridge_max_age_ns;
	br->b.hello_time_ns = br->b.bridge_hello_time_ns;
	br->b.forward_delay_ns = br->b.bridge_forward_delay_ns;
	topology_change_detection(br);
	br->b.tcn_timer = 0;
	config_bpdu_generation(br);
	timer_start(br, &br->b.hello_timer, br->b.hello_time_ns);
}

static void record_config_information(struct stp_bridge *br, struct xb_stp_port *p,
				      const struct stp_bpdu *bpdu)
{
	uint64_t age = ticks_to_ns(bpdu->message_age);

	p->designated_root = bpdu->root_id;
	p->designated_cost = bpdu->root_path_cost;
	p->designated_bridge = bpdu->bridge_id;
	p->designated_port = bpdu->port_id;
	p->designated_age = br->now - age;
	timer_start(br, &p->message_age_timer, ticks_to_ns(bpdu->max_age) - age);
}

static void record_config_timeout_values(struct stp_bridge *br, const struct stp_bpdu *bpdu)
{
	br->b.max_age_ns = ticks_to_ns(bpdu->max_age);
	br->b.hello_time_ns = ticks_to_ns(bpdu->hello_time);
	br->b.forward_delay_ns = ticks_to_ns(bpdu->forward_delay);
	set_topology_change(br, bpdu->flags & STP_FLAG_TC);
}

static bool should_become_designated_port(struct stp_bridge *br, const struct xb_stp_port *p)
{
	if (is_designated_port(br, p))
		return true;
	if (p->designated_root != br->b.designated_root)
		return true;
	if (br->b.root_path_cost != p->designated_cost)
		return br->b.root_path_cost < p->designated_cost;
	if (br->b.bridge_id != p->designated_bridge)
		return br->b.bridge_id < p->designated_bridge;
	return p->port_id < p->designated_port;
}

static void designated_port_selection(struct stp_bridge *br)
{
	struct xb_stp_port *p;

	for_each_port(br, p)
		if (p->state != XB_STP_DISABLED && should_become_designated_port(br, p))
			become_designated_port(br, p);
}

/* Does bpdu carry information better than (or, from another bridge, as good
 * as) what port p holds? */
static bool supersedes_port_info(struct stp_bridge *br, const struct xb_stp_port *p,
				 const struct stp_bpdu *bpdu)
{
	if (bpdu->root_id != p->designated_root)
		return bpdu->root_id < p->designated_root;
	if (bpdu->root_path_cost != p->designated_cost)
		return bpdu->root_path_cost < p->designated_cost;
	if (bpdu->bridge_id != p->designated_bridge)
		return bpdu->bridge_id < p->designated_bridge;
	if (bpdu->bridge_id != br->b.bridge_id)
		return true;
	return bpdu->port_id <= p->designated_port;
}

static void configuration_update(struct stp_bridge *br)
{
	root_selection(br);
	designated_port_selection(br);
}

static void make_blocking(struct stp_bridge *br, struct xb_stp_port *p)
{
	if (p->state == XB_STP_DISABLED || p->state == XB_STP_BLOCKING)
		return;
	if (p->state == XB_STP_FORWARDING || p->state == XB_STP_LEARNING)
		topology_change_detection(br);
	set_state(br, p, XB_STP_BLOCKING);
	p->forward_delay_timer = 0;
}

static void make_forwarding(struct stp_bridge *br, struct xb_stp_port *p)
{
	if (p->state != XB_STP_BLOCKING)
		return;
	if (br->b.forward_delay_ns == 0) {
		set_state(br, p, XB_STP_FORWARDING);
		topology_change_detection(br);
		p->forward_delay_timer = 0;
		return;
	}
	set_state(br, p, XB_STP_LISTENING);
	timer_start(br, &p->forward_delay_timer, br->b.forward_delay_ns);
}

static void port_state_selection(struct stp_bridge *br)
{
	struct xb_stp_port *p;

	for_each_port(br, p) {
		if (p->state == XB_STP_DISABLED)
			continue;
		if (p->port_no == br->b.root_port) {
			p->flags &= ~(XB_STPP_CONFIG_PENDING | XB_STPP_TC_ACK);
			make_forwarding(br, p);
		} else if (is_designated_port(br, p)) {
			p->message_age_timer = 0;
			make_forwarding(br, p);
		} else {
			p->flags &= ~(XB_STPP_CONFIG_PENDING | XB_STPP_TC_ACK);
			make_blocking(br, p);
		}
	}
}

static void received_config_bpdu(struct stp_bridge *br, struct xb_stp_port *p,
				 const struct stp_bpdu *bpdu)
{
	bool was_root = is_root_bridge(br);

	p->rx_bpdu++;
	if (supersedes_port_info(br, p, bpdu)) {
		record_config_information(br, p, bpdu);
		configuration_update(br);
		port_state_selection(br);

		if (!is_root_bridge(br) && was_root) {
			br->b.hello_timer = 0;
			if (br->b.flags & XB_STPB_TC_DETECTED) {
				br->b.topology_change_timer = 0;
				transmit_tcn(br);
				timer_start(br, &br->b.tcn_timer, br->b.bridge_hello_time_ns);
			}
		}
		if (p->port_no == br->b.root_port) {
			record_config_timeout_values(br, bpdu);
			config_bpdu_generation(br);
			if (bpdu->flags & STP_FLAG_TCA) {	/* topology change acknowledged */
				br->b.flags &= ~XB_STPB_TC_DETECTED;
				br->b.tcn_timer = 0;
			}
		}
	} else if (is_designated_port(br, p)) {
		transmit_config(br, p);	/* reply: tell the sender what is better */
	}
}

static void received_tcn_bpdu(struct stp_bridge *br, struct xb_stp_port *p)
{
	p->rx_tcn++;
	if (is_designated_port(br, p)) {
		topology_change_detection(br);
		p->flags |= XB_STPP_TC_ACK;	/* topology change acknowledge */
		transmit_config(br, p);
	}
}

/* ---- br_stp_if.c ---- */

static void init_port(struct stp_bridge *br, struct xb_stp_port *p)
{
	p->port_id = (uint16_t)(p->priority << XB_STP_PORT_BITS | p->port_no);
	become_designated_port(br, p);
	set_state(br, p, XB_STP_BLOCKING);
	p->flags &= ~(XB_STPP_TC_ACK | XB_STPP_CONFIG_PENDING);
}

static void enable_port(struct stp_bridge *br, struct xb_stp_port *p)
{
	init_port(br, p);
	port_state_selection(br);
}

static void disable_port(struct stp_bridge *br, struct xb_stp_port *p)
{
	bool was_root = is_root_bridge(br);

	become_designated_port(br, p);
	set_state(br, p, XB_STP_DISABLED);
	p->flags &= ~(XB_STPP_TC_ACK | XB_STPP_CONFIG_PENDING);
	p->message_age_timer = 0;
	p->forward_delay_timer = 0;
	p->hold_timer = 0;
	configuration_update(br);
	port_state_selection(br);
	if (is_root_bridge(br) && !was_root)
		become_root_bridge(br);
}

/* After a setting changed: what br_stp_set_bridge_priority and friends do. */
static void reselect(struct stp_bridge *br, bool was_root)
{
	configuration_update(br);
	port_state_selection(br);
	if (is_root_bridge(br) && !was_root)
		become_root_bridge(br);
}

/* ---- br_stp_timer.c ---- */

static bool designated_for_some_port(struct stp_bridge *br)
{
	struct xb_stp_port *p;

	for_each_port(br, p)
		if (p->state != XB_STP_DISABLED && p->designated_bridge == br->b.bridge_id)
			return true;
	return false;
}

static void hello_timer_expired(struct stp_bridge *br)
{
	config_bpdu_generation(br);
	timer_start(br, &br->b.hello_timer, br->b.hello_time_ns);
}

static void message_age_timer_expired(struct stp_bridge *br, struct xb_stp_port *p)
{
	bool was_root;

	if (p->state == XB_STP_DISABLED)
		return;
	emit(br, &(struct stp_event){ .type = STP_EV_NEIGHBOR_LOST, .port_no = p->port_no });
	was_root = is_root_bridge(br);
	become_designated_port(br, p);
	configuration_update(br);
	port_state_selection(br);
	if (is_root_bridge(br) && !was_root)
		become_root_bridge(br);
}

static void forward_delay_timer_expired(struct stp_bridge *br, struct xb_stp_port *p)
{
	if (p->state == XB_STP_LISTENING) {
		set_state(br, p, XB_STP_LEARNING);
		timer_start(br, &p->forward_delay_timer, br->b.forward_delay_ns);
	} else if (p->state == XB_STP_LEARNING) {
		set_state(br, p, XB_STP_FORWARDING);
		if (designated_for_some_port(br))
			topology_change_detection(br);
	}
}

static void tcn_timer_expired(struct stp_bridge *br)
{
	if (is_root_bridge(br))
		return;
	transmit_tcn(br);
	timer_start(br, &br->b.tcn_timer, br->b.bridge_hello_time_ns);
}

static void topology_change_timer_expired(struct stp_bridge *br)
{
	br->b.flags &= ~XB_STPB_TC_DETECTED;
	set_topology_change(br, false);
}

static void hold_timer_expired(struct stp_bridge *br, struct xb_stp_port *p)
{
	if (p->flags & XB_STPP_CONFIG_PENDING)
		transmit_config(br, p);
}

/* The earliest expired timer by now: its address, and its port (NULL for
 * a bridge timer). */
static __u64 *earliest_timer(struct stp_bridge *br, uint64_t now, struct xb_stp_port **port)
{
	__u64 *best = NULL;
	struct xb_stp_port *p;

#define CONSIDER(t, pp)                                                  \
	do {                                                              \
		if ((t) && (t) <= now && (!best || (t) < *best)) {       \
			best = &(t);                                      \
			*port = (pp);                                     \
		}                                                         \
	} while (0)
	CONSIDER(br->b.hello_timer, NULL);
	CONSIDER(br->b.tcn_timer, NULL);
	CONSIDER(br->b.topology_change_timer, NULL);
	for_each_port(br, p) {
		CONSIDER(p->message_age_timer, p);
		CONSIDER(p->forward_delay_timer, p);
		CONSIDER(p->hold_timer, p);
	}
#undef CONSIDER
	return best;
}

int stp_tick(struct stp_bridge *br, uint64_t now)
{
	struct xb_stp_port *p = NULL;
	__u64 *t;
	int fired = 0;

	if (!br->port)
		return -EINVAL;
	br->now = now;
	/* Bounded: a timer restarts at now + its period (> 0), so each runs
	 * at most once per call; the bound guards against a period of 0. */
	while (fired < 4 * (XB_STP_MAX_PORT_NO + 1) && (t = earliest_timer(br, now, &p))) {
		*t = 0;	/* expired: no longer pending while it runs */
		fired++;
		if (t == &br->b.hello_timer)
			hello_timer_expired(br);
		else if (t == &br->b.tcn_timer)
			tcn_timer_expired(br);
		else if (t == &br->b.topology_change_timer)
			topology_change_timer_expired(br);
		else if (t == &p->message_age_timer)
			message_age_timer_expired(br, p);
		else if (t == &p->forward_delay_timer)
			forward_delay_timer_expired(br, p);
		else
			hold_timer_expired(br, p);
	}
	report_states(br);
	return fired;
}

uint64_t stp_next_deadline(const struct stp_bridge *br)
{
	uint64_t next = UINT64_MAX;
	const struct xb_stp_port *p;

#define EARLIER(t)                       \
	do {                             \
		if ((t) && (t) < next)   \
			next = (t);      \
	} while (0)
	EARLIER(br->b.hello_timer);
	EARLIER(br->b.tcn_timer);
	EARLIER(br->b.topology_change_timer);
	if (br->port)
		for_each_port(br, p) {
			EARLIER(p->message_age_timer);
			EARLIER(p->forward_delay_timer);
			EARLIER(p->hold_timer);
		}
#undef EARLIER
	return next;
}

/* ---- the API ---- */

static int timers_check(const struct stp_timers *t)
{
	if (t->hello_ms < 1000 || t->hello_ms > 10000 || t->max_age_ms < 6000 ||
	    t->max_age_ms > 40000 || t->forward_delay_ms < 2000 || t->forward_delay_ms > 30000)
		return -ERANGE;
	return 0;
}

static int priority_check(uint32_t prio)
{
	return prio > 61440 || prio % 4096 ? -EINVAL : 0;
}

/* Start an API call at now: run what expired first, as the kernel's timers
 * would have before the event. */
static int begin(struct stp_bridge *br, uint64_t now)
{
	int err = stp_tick(br, now);

	return err < 0 ? err : 0;
}

/* End an API call: report the port states it changed; ret passes through. */
static int end(struct stp_bridge *br, int ret)
{
	report_states(br);
	return ret;
}

/* begin() for a call about one port: *p, or -ENOENT when there is none. */
static int port_begin(struct stp_bridge *br, uint16_t port_no, uint64_t now,
		      struct xb_stp_port **p)
{
	int err = begin(br, now);

	if (err)
		return err;
	*p = port_get(br, port_no);
	return *p ? 0 : -ENOENT;
}

static int alloc_ports(struct stp_bridge *br)
{
	br->port = calloc(XB_STP_MAX_PORT_NO + 1, sizeof(*br->port));
	br->reported = malloc(XB_STP_MAX_PORT_NO + 1);
	if (!br->port || !br->reported) {
		stp_bridge_free(br);
		return -ENOMEM;
	}
	memset(br->reported, STATE_UNREPORTED, XB_STP_MAX_PORT_NO + 1);
	return 0;
}

int stp_bridge_init(struct stp_bridge *br, const uint8_t mac[XB_ETH_ALEN], uint16_t prio,
		    const struct stp_timers *timers, stp_event_fn emit_fn, void *ctx, uint64_t now)
{
	struct stp_timers def = { STP_DEFAULT_HELLO_MS, STP_DEFAULT_MAX_AGE_MS,
				  STP_DEFAULT_FORWARD_DELAY_MS };
	int err;

	memset(br, 0, sizeof(*br));
	if (!timers)
		timers = &def;
	err = priority_check(prio);
	if (!err)
		err = timers_check(timers);
	if (err)
		return err;
	if (alloc_ports(br))
		return -ENOMEM;
	br->emit = emit_fn;
	br->ctx = ctx;
	br->now = now;
	br->b.version = XB_STP_STATE_VERSION;
	br->b.bridge_id = stp_make_id(prio, mac);
	br->b.designated_root = br->b.bridge_id;
	br->b.bridge_hello_time_ns = br->b.hello_time_ns = timers->hello_ms * MS;
	br->b.bridge_max_age_ns = br->b.max_age_ns = timers->max_age_ms * MS;
	br->b.bridge_forward_delay_ns = br->b.forward_delay_ns = timers->forward_delay_ms * MS;
	/* br_stp_start: the root's hello timer runs from the start. */
	timer_start(br, &br->b.hello_timer, br->b.hello_time_ns);
	return 0;
}

void stp_bridge_free(struct stp_bridge *br)
{
	free(br->port);
	free(br->reported);
	br->port = NULL;
	br->reported = NULL;
}

int stp_bridge_restore(struct stp_bridge *br, const struct xb_stp_bridge *saved,
		       stp_event_fn emit_fn, void *ctx, uint64_t now)
{
	memset(br, 0, sizeof(*br));
	if (saved->version != XB_STP_STATE_VERSION)
		return -EPROTO;
	if (alloc_ports(br))
		return -ENOMEM;
	br->b = *saved;
	br->emit = emit_fn;
	br->ctx = ctx;
	br->now = now;
	return 0;
}

int stp_port_restore(struct stp_bridge *br, const struct xb_stp_port *saved)
{
	uint16_t no = saved->port_no;

	if (!br->port || no == 0 || no > XB_STP_MAX_PORT_NO || saved->state > XB_STP_BLOCKING)
		return -EINVAL;
	if (br->port[no].port_no)
		return -EEXIST;
	br->port[no] = *saved;
	br->reported[no] = saved->state;	/* the data path has it already */
	return 0;
}

int stp_port_add(struct stp_bridge *br, uint16_t port_no, const uint8_t mac[XB_ETH_ALEN],
		 uint32_t cost, uint8_t prio, uint64_t now)
{
	struct xb_stp_port *p;
	int err;

	if (port_no == 0 || port_no > XB_STP_MAX_PORT_NO || cost < 1 || cost > MAX_PATH_COST ||
	    prio > XB_STP_MAX_PORT_PRIO)
		return end(br, -ERANGE);
	err = begin(br, now);
	if (err)
		return end(br, err);
	if (port_get(br, port_no))
		return end(br, -EEXIST);
	p = &br->port[port_no];
	memset(p, 0, sizeof(*p));
	br->reported[port_no] = STATE_UNREPORTED;
	p->port_no = port_no;
	p->priority = prio;
	p->path_cost = cost;
	memcpy(p->mac, mac, XB_ETH_ALEN);
	p->state = XB_STP_BLOCKING;	/* silently: the one event says disabled */
	/* new_nbp: br_init_port, then disabled until the link is up. */
	init_port(br, p);
	set_state(br, p, XB_STP_DISABLED);
	return end(br, 0);
}

int stp_port_del(struct stp_bridge *br, uint16_t port_no, uint64_t now)
{
	struct xb_stp_port *p;
	int err = port_begin(br, port_no, now, &p);

	if (err)
		return end(br, err);
	if (p->state != XB_STP_DISABLED)
		disable_port(br, p);
	report_states(br);
	memset(p, 0, sizeof(*p));
	br->reported[port_no] = STATE_UNREPORTED;
	return end(br, 0);
}

int stp_port_enable(struct stp_bridge *br, uint16_t port_no, uint64_t now)
{
	struct xb_stp_port *p;
	int err = port_begin(br, port_no, now, &p);

	if (err)
		return end(br, err);
	p->flags |= XB_STPP_LINK_UP;
	p->flags &= ~XB_STPP_GUARD_TRIPPED;
	if (p->state == XB_STP_DISABLED)
		enable_port(br, p);
	return end(br, 0);
}

int stp_port_disable(struct stp_bridge *br, uint16_t port_no, uint64_t now)
{
	struct xb_stp_port *p;
	int err = port_begin(br, port_no, now, &p);

	if (err)
		return end(br, err);
	p->flags &= ~(XB_STPP_LINK_UP | XB_STPP_GUARD_TRIPPED);
	if (p->state != XB_STP_DISABLED)
		disable_port(br, p);
	return end(br, 0);
}

int stp_port_enable_forwarding(struct stp_bridge *br, uint16_t port_no, uint64_t now)
{
	struct xb_stp_port *p;
	int err = port_begin(br, port_no, now, &p);

	if (err)
		return end(br, err);
	if (p->state != XB_STP_DISABLED)
		return end(br, -EBUSY);	/* for a port just added only */
	p->flags |= XB_STPP_LINK_UP;
	init_port(br, p);
	/* What a port enabled without STP is (br_make_forwarding, BR_NO_STP):
	 * br_stp_start's state selection then leaves a designated port so. */
	set_state(br, p, XB_STP_FORWARDING);
	port_state_selection(br);
	return end(br, 0);
}

int stp_rx_frame(struct stp_bridge *br, uint16_t port_no, const uint8_t *frame, size_t len,
		 uint64_t now)
{
	struct stp_bpdu bpdu;
	struct xb_stp_port *p;
	int err = port_begin(br, port_no, now, &p);

	if (err)
		return end(br, err);
	err = stp_frame_decode(frame, len, &bpdu);
	/* br_stp_rcv's order: not a BPDU of protocol 0 version 0, or shorter
	 * than 4 bytes: dropped before anything; a disabled port hears
	 * nothing; BPDU guard fires for any such BPDU, even one it would not
	 * parse further (an unknown type, a short config). */
	if (err == -ENOENT || err == -EPROTONOSUPPORT)
		return end(br, 0);
	if (err == -EBADMSG && (size_t)(frame[12] << 8 | frame[13]) < STP_LLC_LEN + STP_TCN_LEN)
		return end(br, 0);
	if (p->state == XB_STP_DISABLED)
		return end(br, 0);
	if (p->flags & XB_STPP_BPDU_GUARD) {
		emit(br, &(struct stp_event){ .type = STP_EV_BPDU_GUARD, .port_no = port_no });
		p->flags |= XB_STPP_GUARD_TRIPPED;
		disable_port(br, p);
		return end(br, 1);
	}
	if (err)
		return end(br, 0);
	if (bpdu.type == STP_BPDU_TCN) {
		received_tcn_bpdu(br, p);
		return end(br, 1);
	}
	if (bpdu.message_age > bpdu.max_age)	/* the kernel drops these, with a notice */
		return end(br, 0);
	received_config_bpdu(br, p, &bpdu);
	return end(br, 1);
}

int stp_set_priority(struct stp_bridge *br, uint16_t prio, uint64_t now)
{
	struct xb_stp_port *p;
	bool was_root;
	uint64_t mask = 0xffffULL << 48;
	int err = priority_check(prio);

	if (!err)
		err = begin(br, now);
	if (err)
		return end(br, err);
	was_root = is_root_bridge(br);
	for_each_port(br, p)
		if (p->state != XB_STP_DISABLED && is_designated_port(br, p))
			p->designated_bridge = (p->designated_bridge & ~mask) | (uint64_t)prio << 48;
	br->b.bridge_id = (br->b.bridge_id & ~mask) | (uint64_t)prio << 48;
	reselect(br, was_root);
	return end(br, 0);
}

int stp_set_bridge_mac(struct stp_bridge *br, const uint8_t mac[XB_ETH_ALEN], uint64_t now)
{
	uint64_t mask = ADDR_MASK, old_addr, new_addr;
	struct xb_stp_port *p;
	bool was_root;
	int err = begin(br, now);

	if (err)
		return end(br, err);
	was_root = is_root_bridge(br);
	old_addr = br->b.bridge_id & mask;
	new_addr = stp_make_id(0, mac);
	br->b.bridge_id = (br->b.bridge_id & ~mask) | new_addr;
	/* br_stp_change_bridge_id: ids naming the old address name the new */
	for_each_port(br, p) {
		if ((p->designated_bridge & mask) == old_addr)
			p->designated_bridge = (p->designated_bridge & ~mask) | new_addr;
		if ((p->designated_root & mask) == old_addr)
			p->designated_root = (p->designated_root & ~mask) | new_addr;
	}
	reselect(br, was_root);
	return end(br, 0);
}

int stp_set_timers(struct stp_bridge *br, const struct stp_timers *timers, uint64_t now)
{
	int err = timers_check(timers);

	if (!err)
		err = begin(br, now);
	if (err)
		return end(br, err);
	br->b.bridge_hello_time_ns = timers->hello_ms * MS;
	br->b.bridge_max_age_ns = timers->max_age_ms * MS;
	br->b.bridge_forward_delay_ns = timers->forward_delay_ms * MS;
	/* Only the root uses its own times; the others keep the root's. */
	if (is_root_bridge(br)) {
		br->b.hello_time_ns = br->b.bridge_hello_time_ns;
		br->b.max_age_ns = br->b.bridge_max_age_ns;
		br->b.forward_delay_ns = br->b.bridge_forward_delay_ns;
	}
	return end(br, 0);
}

int stp_set_port_cost(struct stp_bridge *br, uint16_t port_no, uint32_t cost, uint64_t now)
{
	struct xb_stp_port *p;
	int err;

	if (cost < 1 || cost > MAX_PATH_COST)
		return end(br, -ERANGE);
	err = begin(br, now);
	if (err)
		return end(br, err);
	p = port_get(br, port_no);
	if (!p)
		return end(br, -ENOENT);
	p->path_cost = cost;
	configuration_update(br);
	port_state_selection(br);
	return end(br, 0);
}

int stp_set_port_priority(struct stp_bridge *br, uint16_t port_no, uint8_t prio, uint64_t now)
{
	struct xb_stp_port *p;
	uint16_t id;
	int err;

	if (prio > XB_STP_MAX_PORT_PRIO)
		return end(br, -ERANGE);
	err = begin(br, now);
	if (err)
		return end(br, err);
	p = port_get(br, port_no);
	if (!p)
		return end(br, -ENOENT);
	id = (uint16_t)(prio << XB_STP_PORT_BITS | p->port_no);
	if (is_designated_port(br, p))
		p->designated_port = id;
	p->port_id = id;
	p->priority = prio;
	if (p->designated_bridge == br->b.bridge_id && p->port_id < p->designated_port) {
		become_designated_port(br, p);
		port_state_selection(br);
	}
	return end(br, 0);
}

int stp_set_port_bpdu_guard(struct stp_bridge *br, uint16_t port_no, bool on, uint64_t now)
{
	struct xb_stp_port *p;
	int err = port_begin(br, port_no, now, &p);

	if (err)
		return end(br, err);
	if (on) {
		p->flags |= XB_STPP_BPDU_GUARD;
		return end(br, 0);
	}
	p->flags &= ~XB_STPP_BPDU_GUARD;
	if (p->flags & XB_STPP_GUARD_TRIPPED) {
		/* The issue: guard off lets the port back in (Linux waits for
		 * the link to go down and up). */
		p->flags &= ~XB_STPP_GUARD_TRIPPED;
		if ((p->flags & XB_STPP_LINK_UP) && p->state == XB_STP_DISABLED)
			enable_port(br, p);
	}
	return end(br, 0);
}

int stp_set_port_root_block(struct stp_bridge *br, uint16_t port_no, bool on, uint64_t now)
{
	struct xb_stp_port *p;
	bool was_root;
	int err = begin(br, now);

	if (err)
		return end(br, err);
	p = port_get(br, port_no);
	if (!p)
		return end(br, -ENOENT);
	if (on)
		p->flags |= XB_STPP_ROOT_BLOCK;
	else
		p->flags &= ~XB_STPP_ROOT_BLOCK;
	/* The kernel applies the flag at the next BPDU (every hello time);
	 * here at once. */
	was_root = is_root_bridge(br);
	reselect(br, was_root);
	return end(br, 0);
}

/* ---- for `stp show` ---- */

enum stp_role stp_port_role(const struct xb_stp_bridge *b, const struct xb_stp_port *p)
{
	if (!p->port_no || p->state == XB_STP_DISABLED)
		return STP_ROLE_DISABLED;
	if (p->port_no == b->root_port)
		return STP_ROLE_ROOT;
	if (p->designated_bridge == b->bridge_id && p->designated_port == p->port_id)
		return STP_ROLE_DESIGNATED;
	return STP_ROLE_BLOCKING;
}

const char *stp_role_name(enum stp_role role)
{
	static const char *const names[] = {
		[STP_ROLE_DISABLED] = "disabled",
		[STP_ROLE_ROOT] = "root",
		[STP_ROLE_DESIGNATED] = "designated",
		[STP_ROLE_BLOCKING] = "blocking",
	};

	if ((unsigned int)role >= sizeof(names) / sizeof(names[0]))
		return "?";
	return names[role];
}

char *stp_id_format(uint64_t id, char *buf, size_t len)
{
	snprintf(buf, len, "%04x.%02x:%02x:%02x:%02x:%02x:%02x", (unsigned int)(id >> 48),
		 (unsigned int)(id >> 40) & 0xff, (unsigned int)(id >> 32) & 0xff,
		 (unsigned int)(id >> 24) & 0xff, (unsigned int)(id >> 16) & 0xff,
		 (unsigned int)(id >> 8) & 0xff, (unsigned int)id & 0xff);
	return buf;
}

uint64_t stp_make_id(uint16_t prio, const uint8_t mac[XB_ETH_ALEN])
{
	uint64_t id = prio;

	for (int i = 0; i < XB_ETH_ALEN; i++)
		id = id << 8 | mac[i];
	return id;
}

uint64_t stp_timer_left_ms(uint64_t deadline, uint64_t now)
{
	return deadline && deadline > now ? (deadline - now) / MS : 0;
}

uint32_t stp_port_cost_for_speed(uint32_t mbps)
{
	switch (mbps) {
	case 10000:
		return 2;
	case 5000:
		return 3;
	case 2500:
	case 1000:
		return 4;
	case 100:
		return 19;
	case 10:
		return 100;
	default:
		/* Faster than 10G: 1; unknown (0, -1) or odd speeds: 100. */
		return mbps > 10000 && mbps != UINT32_MAX ? 1 : 100;
	}
}
