/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The spanning tree protocol engine (issue 12): 802.1D-1998 STP with the
 * Linux bridge's kernel STP semantics (net/bridge/br_stp*.c), in user space,
 * without I/O. The caller (the control loop) feeds it received frames, link
 * changes, settings and the time; the engine answers through one callback:
 * frames to send, port states to apply, topology change on/off, BPDU guard.
 *
 * Time: every call takes `now`, CLOCK_MONOTONIC ns (monotonic_ns() or a
 * test's simulated clock; never 0). Timers are deadlines on that clock; a
 * call first runs every timer that expired by `now`. stp_next_deadline says
 * when to call stp_tick next.
 *
 * State: struct xb_stp_bridge and struct xb_stp_port (include/xdpbridge.h)
 * ARE the engine's state. Write br->b and every used br->port[n] to the
 * pinned maps "stp_bridge" / "stp_ports" after each call that returned > 0
 * or changed something (rx, setters, enable/disable); a restarted loop
 * restores them (stp_bridge_restore) and goes on, with the same port states.
 *
 * Not reentrant: the callback must not call back into the engine (queue the
 * work instead). One engine per bridge; not thread-safe.
 */
#ifndef XB_STP_H
#define XB_STP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xdpbridge.h"

/* ---- BPDUs on the wire (net/bridge/br_stp_bpdu.c) ---- */

#define STP_BPDU_CONFIG		0x00
#define STP_BPDU_TCN		0x80
#define STP_FLAG_TC		0x01
#define STP_FLAG_TCA		0x80
#define STP_CONFIG_LEN		35	/* protocol id .. forward delay */
#define STP_TCN_LEN		4
#define STP_LLC_LEN		3	/* DSAP 0x42, SSAP 0x42, UI 0x03 */
#define STP_ETH_HLEN		14	/* dst, src, 802.3 length */
/* The longest frame the engine sends: 802.3 header, LLC, config BPDU (52
 * bytes; like the kernel, not padded to 60: the NIC pads). */
#define STP_FRAME_MAX		(STP_ETH_HLEN + STP_LLC_LEN + STP_CONFIG_LEN)
/* Times in BPDUs count 1/256 s; 1/256 s is exactly 3906250 ns. */
#define STP_TICK_NS		3906250ULL

extern const uint8_t stp_group_addr[XB_ETH_ALEN];	/* 01:80:C2:00:00:00 */

/* A decoded BPDU, fields as on the wire (times in 1/256 s). */
struct stp_bpdu {
	uint8_t type;		/* STP_BPDU_CONFIG or STP_BPDU_TCN */
	uint8_t flags;		/* STP_FLAG_TC | STP_FLAG_TCA (config only) */
	uint16_t port_id;
	uint32_t root_path_cost;
	uint64_t root_id;	/* priority << 48 | MAC */
	uint64_t bridge_id;
	uint16_t message_age;
	uint16_t max_age;
	uint16_t hello_time;
	uint16_t forward_delay;
};

/* The BPDU (protocol id onwards, what follows the LLC header) into buf:
 * its length (35 or 4), -ENOSPC, or -EINVAL for an unknown type. */
int stp_bpdu_encode(const struct stp_bpdu *bpdu, uint8_t *buf, size_t cap);
/* BPDU bytes (after the LLC header) to bpdu: 0; -EPROTONOSUPPORT when the
 * protocol id or version is not 0 (RST BPDUs: the kernel drops them too),
 * -ENOMSG for another BPDU type, -EBADMSG when too short. */
int stp_bpdu_decode(const uint8_t *buf, size_t len, struct stp_bpdu *bpdu);
/* The whole 802.3 frame the kernel sends: to 01:80:C2:00:00:00 from src,
 * length field, LLC 42 42 03, the BPDU. Its length or -errno. */
int stp_frame_encode(const uint8_t src[XB_ETH_ALEN], const struct stp_bpdu *bpdu,
		     uint8_t *frame, size_t cap);
/* An Ethernet frame as a packet socket reads it: -ENOENT when it is not an
 * 802.3/LLC frame to 01:80:C2:00:00:00 with SAPs 0x42, else as
 * stp_bpdu_decode. */
int stp_frame_decode(const uint8_t *frame, size_t len, struct stp_bpdu *bpdu);

/* ---- What the engine asks of its caller ---- */

enum stp_event_type {
	/* Send frame (len bytes: a complete 802.3 frame) out port_no. */
	STP_EV_SEND = 1,
	/* port_no entered state (enum xb_stp_state): write port_conf and the
	 * flood domain. Entering DISABLED the Linux bridge also deletes the
	 * port's learned FDB entries (br_stp_disable_port). Reported once per
	 * call, after the call's other events, for the net change only. */
	STP_EV_PORT_STATE,
	/* Topology change started (tc 1) or ended (tc 0). While on, learned
	 * entries age after ageing_ns = 2 x forward delay, as the Linux
	 * bridge (__br_set_topology_change) does; off: the configured ageing
	 * time again (ageing_ns 0). */
	STP_EV_TOPOLOGY_CHANGE,
	/* A BPDU came in on port_no with BPDU guard on: the engine disabled
	 * the port (a STP_EV_PORT_STATE disabled follows). Log it. */
	STP_EV_BPDU_GUARD,
	/* port_no heard a better root but has root-block: kept from becoming
	 * root port (listening while those BPDUs come, as Linux; blocking if
	 * another port leads to that root). Once until it moves on. Log it. */
	STP_EV_ROOT_BLOCKED,
	/* The designated root or the root port changed (for logs). */
	STP_EV_ROOT_CHANGED,
	/* port_no's information aged out (message age timer): the neighbour
	 * is lost (for logs). */
	STP_EV_NEIGHBOR_LOST,
};

struct stp_event {
	enum stp_event_type type;
	uint16_t port_no;	/* 0 for bridge-wide events */
	uint8_t state;		/* STP_EV_PORT_STATE: enum xb_stp_state */
	uint8_t tc;		/* STP_EV_TOPOLOGY_CHANGE */
	uint64_t ageing_ns;	/* STP_EV_TOPOLOGY_CHANGE */
	const uint8_t *frame;	/* STP_EV_SEND: valid during the callback only */
	uint32_t len;
};

typedef void (*stp_event_fn)(void *ctx, const struct stp_event *ev);

/* ---- The engine ---- */

/* Defaults, as the Linux bridge and the issue. */
#define STP_DEFAULT_PRIORITY		32768
#define STP_DEFAULT_PORT_PRIORITY	32
#define STP_DEFAULT_HELLO_MS		2000
#define STP_DEFAULT_MAX_AGE_MS		20000
#define STP_DEFAULT_FORWARD_DELAY_MS	15000
#define STP_HOLD_NS			1000000000ULL	/* BR_HOLD_TIME: 1 BPDU/s/port */

struct stp_timers {
	uint32_t hello_ms;		/* 1000..10000 */
	uint32_t max_age_ms;		/* 6000..40000 */
	uint32_t forward_delay_ms;	/* 2000..30000 */
};

struct stp_bridge {
	struct xb_stp_bridge b;		/* the bridge's protocol state (pinned) */
	struct xb_stp_port *port;	/* [0..XB_STP_MAX_PORT_NO], by port number;
					 * port[n].port_no == 0: no port n */
	uint8_t *reported;		/* by port number: the state last reported */
	stp_event_fn emit;
	void *ctx;
	uint64_t now;			/* the time of the call running */
};

/* A bridge running STP with address mac, priority prio (0..61440, a
 * multiple of 4096) and timers (NULL: defaults), without ports: it is its
 * own root. emit (may be NULL) gets every event with ctx. 0 or -errno. */
int stp_bridge_init(struct stp_bridge *br, const uint8_t mac[XB_ETH_ALEN], uint16_t prio,
		    const struct stp_timers *timers, stp_event_fn emit, void *ctx, uint64_t now);
/* Frees what init or restore allocated (no events). */
void stp_bridge_free(struct stp_bridge *br);
/* Resume from saved state (the pinned maps): the bridge record, then every
 * saved port through stp_port_restore. No events: the data path already has
 * these states. Then reconcile what changed while no loop ran: stp_port_del
 * for ports gone, stp_port_add for new ones, stp_port_disable where a port
 * has XB_STPP_LINK_UP but no carrier now, stp_port_enable where it has
 * carrier but not XB_STPP_LINK_UP (never on a port that kept its link: that
 * would undo a BPDU guard trip); then stp_tick: timers that expired meanwhile
 * run (a neighbour's information ages out, ports go on listening, ...), none
 * opens a blocked port at once. -EPROTO when saved->version is not
 * XB_STP_STATE_VERSION: start fresh with init (every port listens again). */
int stp_bridge_restore(struct stp_bridge *br, const struct xb_stp_bridge *saved,
		       stp_event_fn emit, void *ctx, uint64_t now);
int stp_port_restore(struct stp_bridge *br, const struct xb_stp_port *saved);

/* Port number port_no (1..XB_STP_MAX_PORT_NO; the caller picks one per port,
 * e.g. slot + 1) with its MAC (BPDUs' source), path cost (1..65535; see
 * stp_port_cost_for_speed) and priority (0..63; port id = prio << 10 | no).
 * It starts DISABLED, as a Linux bridge port without carrier: call
 * stp_port_enable when its link is up. -EEXIST, -ERANGE. */
int stp_port_add(struct stp_bridge *br, uint16_t port_no, const uint8_t mac[XB_ETH_ALEN],
		 uint32_t cost, uint8_t prio, uint64_t now);
/* Remove a port (disables it first: states and roles are recomputed). */
int stp_port_del(struct stp_bridge *br, uint16_t port_no, uint64_t now);
/* Link (carrier) up: the port joins STP in blocking, then listening ... as
 * its role says. Clears a BPDU guard trip. -ENOENT for no such port. */
int stp_port_enable(struct stp_bridge *br, uint16_t port_no, uint64_t now);
/* Link down: the port goes DISABLED and its information is dropped. */
int stp_port_disable(struct stp_bridge *br, uint16_t port_no, uint64_t now);
/* `stp on` on a running bridge: the port (link up) was forwarding with STP
 * off. As the Linux bridge (br_stp_start), it stays forwarding as a
 * designated port until BPDUs say otherwise (a better root elsewhere blocks
 * it at once), instead of closing for 2 x forward delay. Right after
 * stp_port_add only (-EBUSY otherwise). */
int stp_port_enable_forwarding(struct stp_bridge *br, uint16_t port_no, uint64_t now);

/* A received frame (the whole Ethernet frame, as a packet socket gives it)
 * on port_no. 1 when the engine used it, 0 when it ignored it (not a BPDU,
 * port disabled, RST BPDU, message age > max age ...), -ENOENT for no such
 * port. */
int stp_rx_frame(struct stp_bridge *br, uint16_t port_no, const uint8_t *frame, size_t len,
		 uint64_t now);
/* Run the timers that expired by now: how many ran (> 0: save the state). */
int stp_tick(struct stp_bridge *br, uint64_t now);
/* The earliest running timer's deadline (UINT64_MAX: none). */
uint64_t stp_next_deadline(const struct stp_bridge *br);

/* Settings, as the Linux bridge's (br_stp_if.c): each re-runs root and
 * port role selection. -EINVAL / -ERANGE for a value out of range. */
int stp_set_priority(struct stp_bridge *br, uint16_t prio, uint64_t now);
int stp_set_timers(struct stp_bridge *br, const struct stp_timers *timers, uint64_t now);
int stp_set_port_cost(struct stp_bridge *br, uint16_t port_no, uint32_t cost, uint64_t now);
int stp_set_port_priority(struct stp_bridge *br, uint16_t port_no, uint8_t prio, uint64_t now);
/* Turning BPDU guard off re-enables a port it disabled (link still up). */
int stp_set_port_bpdu_guard(struct stp_bridge *br, uint16_t port_no, bool on, uint64_t now);
int stp_set_port_root_block(struct stp_bridge *br, uint16_t port_no, bool on, uint64_t now);
/* The bridge's MAC changed (br_stp_change_bridge_id). A bridge whose MAC
 * is still all zero sends no config BPDU. */
int stp_set_bridge_mac(struct stp_bridge *br, const uint8_t mac[XB_ETH_ALEN], uint64_t now);

/* ---- For `stp show` (work on the pinned records too) ----
 *
 * brctl showstp / `ip -d link` words and where they are:
 *   bridge id, designated root, root port, path cost  b.bridge_id, b.designated_root,
 *                                                     b.root_port, b.root_path_cost
 *   max age, hello time, forward delay (in use; the    b.max_age_ns ... and
 *   bridge's own: "bridge max age" ...)               b.bridge_max_age_ns ...
 *   topology change, topology change detected         b.flags XB_STPB_TC, _TC_DETECTED
 *   topology change count, time since                 b.tc_count, now - b.tc_last_ns
 *   hello/tcn/topology change timer                   stp_timer_left_ms(b.hello_timer, now) ...
 *   port: state, role, port id, path cost, priority   p.state, stp_port_role(), p.port_id,
 *                                                     p.path_cost, p.priority
 *   designated root/bridge/port/cost                  p.designated_*
 *   message age/forward delay/hold timer              stp_timer_left_ms(p.message_age_timer, now)
 *   bpdu guard, root block, why disabled              p.flags XB_STPP_BPDU_GUARD, _ROOT_BLOCK,
 *                                                     _GUARD_TRIPPED ("bpdu-guard"),
 *                                                     _ROOT_BLOCKED (root-block holding it)
 *   counters                                          p.tx_bpdu, rx_bpdu, tx_tcn, rx_tcn
 */

enum stp_role {
	STP_ROLE_DISABLED = 0,
	STP_ROLE_ROOT,
	STP_ROLE_DESIGNATED,
	STP_ROLE_BLOCKING,	/* neither: 802.1w's alternate or backup */
};

enum stp_role stp_port_role(const struct xb_stp_bridge *b, const struct xb_stp_port *p);
const char *stp_role_name(enum stp_role role);	/* "root", "designated", ... */
static inline bool stp_is_root_bridge(const struct xb_stp_bridge *b)
{
	return b->bridge_id == b->designated_root;
}
/* "8000.aa:bb:cc:dd:ee:ff", as `ip -d link` prints a bridge id; buf >= 24. */
char *stp_id_format(uint64_t id, char *buf, size_t len);
uint64_t stp_make_id(uint16_t prio, const uint8_t mac[XB_ETH_ALEN]);
/* ms left on a timer (0 when stopped or due). */
uint64_t stp_timer_left_ms(uint64_t deadline, uint64_t now);
/* The Linux bridge's default path cost for a link speed in Mb/s
 * (br_if.c port_cost: 10G 2, 1G 4, 100M 19, 10M 100; unknown 100). */
uint32_t stp_port_cost_for_speed(uint32_t mbps);

#endif /* XB_STP_H */
