// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The control loop's spanning tree (stp_ctl.h): I/O and bookkeeping around
 * the engine (stp.h). Port number = slot + 1.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <bpf/bpf.h>

#include "ageing.h"
#include "bridge.h"
#include "fdb.h"
#include "log.h"
#include "names.h"
#include "port.h"
#include "stp.h"
#include "stp_conf.h"
#include "stp_ctl.h"
#include "sys.h"

/* How often the loop looks at links and settings while STP runs: a carrier
 * change reaches the engine within this. */
#define STP_POLL_MS	200

struct ctl_port {
	__u32 ifindex;		/* 0: no port in this slot */
	char ifname[XB_IFNAMSIZ];
	__u8 mac[XB_ETH_ALEN];
	bool up;
	__u8 dp_state;		/* the state last written to the data path */
	bool dp_known;
	__u32 cost;
	__u8 prio;
	bool guard, root_block;
};

struct stp_ctl {
	struct xb_bridge *br;
	bool running;
	struct stp_bridge eng;
	int fd;			/* the BPDU socket */
	__u32 nslots;
	struct xb_stp conf_seen;	/* settings the engine runs with */
	__u8 bridge_mac[XB_ETH_ALEN];
	__u64 tc_ageing_written;	/* config.ageing_ns this loop wrote for a TC */
	struct ctl_port port[XB_MAX_PORTS];
	/* What the pinned maps hold: written only when it changed. */
	struct xb_stp_bridge saved_b;
	struct xb_stp_port saved_p[XB_MAX_PORTS];
};

/* Slots with a port number: 1..XB_STP_MAX_PORT_NO. */
static __u32 stp_slots(const struct stp_ctl *s)
{
	return s->nslots < XB_STP_MAX_PORT_NO ? s->nslots : XB_STP_MAX_PORT_NO;
}

/* Up and with carrier (operationally up): what the Linux bridge calls an
 * enabled port. */
static bool iface_running(const char *ifname)
{
	struct ifreq ifr = {};
	bool up = false;
	int fd;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return false;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (!ioctl(fd, SIOCGIFFLAGS, &ifr))
		up = (ifr.ifr_flags & IFF_UP) && (ifr.ifr_flags & IFF_RUNNING);
	close(fd);
	return up;
}

/* Only frames to 01:80:C2:00:00:00 reach the socket. */
static int bpdu_socket_open(void)
{
	struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0x0180c200, 0, 3),
		BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 4),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0x0000, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, 0xffff),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};
	struct sock_fprog prog = { .len = sizeof(code) / sizeof(code[0]), .filter = code };
	int fd, err;

	/* ETH_P_802_2, not ETH_P_ALL: delivered after the TC hook, so the
	 * socket sees only BPDUs the data path passed up, never a flooded one. */
	fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, htons(ETH_P_802_2));
	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog))) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

static const char *slot_name(const struct stp_ctl *s, __u16 port_no)
{
	if (!port_no || port_no > stp_slots(s) || !s->port[port_no - 1].ifindex)
		return "?";
	return s->port[port_no - 1].ifname;
}

/* ---- applying the engine's decisions ---- */

static bool stp_on(const struct stp_ctl *s)
{
	struct xb_config cfg;

	return !bridge_config_get(s->br, &cfg) && (cfg.flags & XB_CFG_STP);
}

/*
 * The ageing time while a topology change is active: the one place the loop
 * writes config.ageing_ns. The configured time waits in struct xb_stp (a
 * restarted loop finds it); a time `set ageing` wrote meanwhile wins.
 */
static void stp_ageing_apply(struct stp_ctl *s, bool tc, __u64 tc_ageing_ns)
{
	struct xb_config cfg;
	struct xb_stp st;

	if (bridge_config_get(s->br, &cfg) || stp_conf_get(s->br, &st))
		return;
	if (tc) {
		if (!st.ageing_ns)
			st.ageing_ns = cfg.ageing_ns;
		cfg.ageing_ns = tc_ageing_ns;
		s->tc_ageing_written = tc_ageing_ns;
	} else {
		if (!st.ageing_ns)
			return;
		if (!s->tc_ageing_written || cfg.ageing_ns == s->tc_ageing_written)
			cfg.ageing_ns = st.ageing_ns;
		st.ageing_ns = 0;
		s->tc_ageing_written = 0;
	}
	bridge_config_set(s->br, &cfg);
	stp_conf_set(s->br, &st);
	pr_info("bridge %s: topology change %s: FDB ageing %llu s", s->br->name,
		tc ? "started" : "over", (unsigned long long)(cfg.ageing_ns / 1000000000ULL));
}

static void bpdu_send(struct stp_ctl *s, __u16 port_no, const __u8 *frame, __u32 len)
{
	struct sockaddr_ll to = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_802_2),
		.sll_halen = XB_ETH_ALEN,
	};

	if (!port_no || port_no > stp_slots(s) || !s->port[port_no - 1].ifindex || s->fd < 0)
		return;
	to.sll_ifindex = (int)s->port[port_no - 1].ifindex;
	memcpy(to.sll_addr, stp_group_addr, XB_ETH_ALEN);
	if (sendto(s->fd, frame, len, 0, (struct sockaddr *)&to, sizeof(to)) < 0)
		pr_debug("bridge %s: cannot send a BPDU on %s: %s", s->br->name,
			 s->port[port_no - 1].ifname, strerror(errno));
}

static void port_state_apply(struct stp_ctl *s, __u16 port_no, __u8 state)
{
	struct ctl_port *p;
	int err;

	if (!port_no || port_no > stp_slots(s) || !s->port[port_no - 1].ifindex)
		return;
	p = &s->port[port_no - 1];
	if (!stp_on(s))
		return;		/* `set stp off` put every port in forwarding */
	err = stp_port_state_write(s->br, port_no - 1, p->ifindex, state);
	if (err) {
		pr_warn("bridge %s: cannot set port %s %s: %s", s->br->name, p->ifname,
			xb_stp_state_name(state), strerror(-err));
		return;
	}
	p->dp_state = state;
	p->dp_known = true;
	pr_debug("bridge %s: port %s %s", s->br->name, p->ifname, xb_stp_state_name(state));
	/* As br_stp_disable_port: what was learned there is gone. */
	if (state == XB_STP_DISABLED)
		fdb_flush(s->br, p->ifindex, false);
}

static void on_event(void *ctx, const struct stp_event *ev)
{
	struct stp_ctl *s = ctx;
	char id[32];

	switch (ev->type) {
	case STP_EV_SEND:
		bpdu_send(s, ev->port_no, ev->frame, ev->len);
		break;
	case STP_EV_PORT_STATE:
		port_state_apply(s, ev->port_no, ev->state);
		break;
	case STP_EV_TOPOLOGY_CHANGE:
		stp_ageing_apply(s, ev->tc, ev->ageing_ns);
		break;
	case STP_EV_BPDU_GUARD:
		pr_warn("bridge %s: BPDU received on port %s with bpdu-guard on: port disabled until 'xdpbridge port set %s %s bpdu-guard off' or its link goes down and up",
			s->br->name, slot_name(s, ev->port_no), s->br->name, slot_name(s, ev->port_no));
		break;
	case STP_EV_ROOT_BLOCKED:
		pr_info("bridge %s: port %s heard a better root but has root-block: kept from becoming root port",
			s->br->name, slot_name(s, ev->port_no));
		break;
	case STP_EV_ROOT_CHANGED:
		pr_info("bridge %s: designated root %s, root port %s", s->br->name,
			stp_id_format(s->eng.b.designated_root, id, sizeof(id)),
			s->eng.b.root_port ? slot_name(s, s->eng.b.root_port) : "none (this bridge is the root)");
		break;
	case STP_EV_NEIGHBOR_LOST:
		pr_info("bridge %s: port %s: no BPDU for max-age, neighbour information aged out",
			s->br->name, slot_name(s, ev->port_no));
		break;
	}
}

/* ---- the pinned state ---- */

static void state_save(struct stp_ctl *s)
{
	__u32 zero = 0;

	if (memcmp(&s->saved_b, &s->eng.b, sizeof(s->saved_b)) &&
	    !bpf_map_update_elem(s->br->stp_bridge_fd, &zero, &s->eng.b, BPF_ANY))
		s->saved_b = s->eng.b;
	for (__u32 slot = 0; slot < stp_slots(s); slot++) {
		static const struct xb_stp_port none;
		const struct xb_stp_port *rec = s->port[slot].ifindex ? &s->eng.port[slot + 1] : &none;

		if (memcmp(&s->saved_p[slot], rec, sizeof(*rec)) &&
		    !bpf_map_update_elem(s->br->stp_ports_fd, &slot, rec, BPF_ANY))
			s->saved_p[slot] = *rec;
	}
}

/* Every record zero: nothing to resume (STP turned off, or a fresh start). */
static void state_clear(struct stp_ctl *s)
{
	struct xb_stp_bridge b = {};
	struct xb_stp_port p = {};
	__u32 zero = 0;

	bpf_map_update_elem(s->br->stp_bridge_fd, &zero, &b, BPF_ANY);
	for (__u32 slot = 0; slot < s->nslots; slot++)
		bpf_map_update_elem(s->br->stp_ports_fd, &slot, &p, BPF_ANY);
	memset(&s->saved_b, 0, sizeof(s->saved_b));
	memset(s->saved_p, 0, sizeof(s->saved_p));
}

/* The heartbeat the data path checks (struct xb_stp). */
static void heartbeat(struct stp_ctl *s)
{
	struct xb_stp st;

	if (stp_conf_get(s->br, &st))
		return;
	st.alive_ns = monotonic_ns();
	st.dead_after_ns = s->eng.b.max_age_ns ? s->eng.b.max_age_ns :
			   STP_DEFAULT_MAX_AGE_MS * 1000000ULL;
	stp_conf_set(s->br, &st);
}

/* ---- ports and settings ---- */

struct port_list {
	struct stp_ctl *s;
	__u32 ifindex[XB_MAX_PORTS];	/* by slot; 0: none */
	char ifname[XB_MAX_PORTS][XB_IFNAMSIZ];
};

static int list_port(__u32 ifindex, const struct xb_port_info *info, void *ctx)
{
	struct port_list *l = ctx;

	if (info->slot < stp_slots(l->s)) {
		l->ifindex[info->slot] = ifindex;
		memcpy(l->ifname[info->slot], info->ifname, XB_IFNAMSIZ);
	} else if (info->slot < XB_MAX_PORTS) {
		pr_debug("bridge %s: port %s in slot %u has no STP port number: left out of STP",
			 l->s->br->name, info->ifname, info->slot);
	}
	return 0;
}

static void port_drop(struct stp_ctl *s, __u32 slot, __u64 now)
{
	stp_port_del(&s->eng, (uint16_t)(slot + 1), now);
	memset(&s->port[slot], 0, sizeof(s->port[slot]));
}

/* Bring the engine's port in slot in line with the bridge: added, settings,
 * carrier. */
static void port_sync(struct stp_ctl *s, __u32 slot, __u32 ifindex, const char *ifname, __u64 now)
{
	struct ctl_port *p = &s->port[slot];
	uint16_t no = (uint16_t)(slot + 1);
	struct xb_stp_port_conf pc;
	struct xb_port_conf conf = {};
	bool up, guard, rb;
	__u8 prio;
	int err;

	if (p->ifindex && p->ifindex != ifindex)
		port_drop(s, slot, now);
	if (stp_port_conf_get(s->br, slot, ifindex, &pc))
		return;
	bpf_map_lookup_elem(s->br->conf_fd, &slot, &conf);
	prio = pc.priority_set ? pc.priority : STP_DEFAULT_PORT_PRIORITY;
	guard = conf.flags & XB_PCONF_BPDU_GUARD;
	rb = conf.flags & XB_PCONF_ROOT_BLOCK;
	up = iface_running(ifname);
	if (!p->ifindex) {
		__u8 mac[XB_ETH_ALEN] = {};
		__u32 cost = stp_port_cost(ifname, &pc);

		iface_mac(ifname, mac);
		err = stp_port_add(&s->eng, no, mac, cost, prio, now);
		if (err && err != -EEXIST) {
			pr_warn("bridge %s: port %s cannot join STP: %s", s->br->name, ifname, strerror(-err));
			return;
		}
		*p = (struct ctl_port){ .ifindex = ifindex, .cost = cost, .prio = prio };
		memcpy(p->mac, mac, sizeof(mac));
		snprintf(p->ifname, sizeof(p->ifname), "%s", ifname);
	}
	if (pc.path_cost && pc.path_cost != p->cost) {
		if (!stp_set_port_cost(&s->eng, no, pc.path_cost, now))
			p->cost = pc.path_cost;
	} else if (!pc.path_cost && up && !p->up) {	/* from the speed the link came up with */
		__u32 cost = stp_port_cost(ifname, &pc);

		if (cost != p->cost && !stp_set_port_cost(&s->eng, no, cost, now))
			p->cost = cost;
	}
	if (prio != p->prio && !stp_set_port_priority(&s->eng, no, prio, now))
		p->prio = prio;
	if (guard != p->guard && !stp_set_port_bpdu_guard(&s->eng, no, guard, now))
		p->guard = guard;
	if (rb != p->root_block && !stp_set_port_root_block(&s->eng, no, rb, now))
		p->root_block = rb;
	if (up != p->up) {
		pr_info("bridge %s: port %s link %s", s->br->name, ifname, up ? "up" : "down");
		err = up ? stp_port_enable(&s->eng, no, now) : stp_port_disable(&s->eng, no, now);
		if (!err)
			p->up = up;
	}
}

/* The bridge id's address: the lowest of its ports', as the Linux bridge
 * picks it (br_stp_recalculate_bridge_id). 0 when it has no port. */
static int lowest_port_mac(const struct stp_ctl *s, __u8 *mac)
{
	bool found = false;

	for (__u32 slot = 0; slot < stp_slots(s); slot++) {
		const struct ctl_port *p = &s->port[slot];

		if (!p->ifindex || xb_mac_is_zero(p->mac))
			continue;
		if (!found || memcmp(p->mac, mac, XB_ETH_ALEN) < 0)
			memcpy(mac, p->mac, XB_ETH_ALEN);
		found = true;
	}
	return found ? 0 : -ENOENT;
}

/* The same before the engine knows any port (a fresh start): from the
 * bridge's ports directly; all zero when it has none yet. */
static void bridge_mac_of_ports(struct stp_ctl *s, __u8 *mac)
{
	struct port_list *l = calloc(1, sizeof(*l));
	bool found = false;

	memset(mac, 0, XB_ETH_ALEN);
	if (!l)
		return;
	l->s = s;
	port_for_each(s->br, list_port, l);
	for (__u32 slot = 0; slot < stp_slots(s); slot++) {
		__u8 m[XB_ETH_ALEN];

		if (!l->ifindex[slot] || iface_mac(l->ifname[slot], m) || xb_mac_is_zero(m))
			continue;
		if (!found || memcmp(m, mac, XB_ETH_ALEN) < 0)
			memcpy(mac, m, XB_ETH_ALEN);
		found = true;
	}
	free(l);
}

static void settings_sync(struct stp_ctl *s, __u64 now)
{
	struct stp_timers t, seen;
	struct xb_stp st;
	__u8 mac[XB_ETH_ALEN];

	if (stp_conf_get(s->br, &st))
		return;
	if (stp_conf_priority(&st) != stp_conf_priority(&s->conf_seen) &&
	    !stp_set_priority(&s->eng, stp_conf_priority(&st), now))
		pr_info("bridge %s: STP priority %u", s->br->name, stp_conf_priority(&st));
	stp_conf_timers(&st, &t);
	stp_conf_timers(&s->conf_seen, &seen);
	if (memcmp(&t, &seen, sizeof(t)) && stp_set_timers(&s->eng, &t, now))
		pr_warn("bridge %s: STP timers refused (hello %u ms, forward delay %u ms, max age %u ms): 2 x (forward-delay - 1) >= max-age >= 2 x (hello + 1) must hold",
			s->br->name, t.hello_ms, t.forward_delay_ms, t.max_age_ms);
	s->conf_seen = st;
	if (!lowest_port_mac(s, mac) && memcmp(mac, s->bridge_mac, sizeof(mac))) {
		stp_set_bridge_mac(&s->eng, mac, now);
		memcpy(s->bridge_mac, mac, sizeof(mac));
	}
}

/* The data path has each port in the engine's state, also those the engine
 * gave without an event (a port added while its link is down). */
static void states_sync(struct stp_ctl *s)
{
	for (__u32 slot = 0; slot < stp_slots(s); slot++) {
		const struct ctl_port *p = &s->port[slot];
		__u8 state = s->eng.port[slot + 1].state;

		if (p->ifindex && (!p->dp_known || p->dp_state != state))
			port_state_apply(s, (__u16)(slot + 1), state);
	}
}

static void ports_sync(struct stp_ctl *s, __u64 now)
{
	struct port_list *l = calloc(1, sizeof(*l));

	if (!l)
		return;
	l->s = s;
	port_for_each(s->br, list_port, l);
	for (__u32 slot = 0; slot < stp_slots(s); slot++) {
		if (l->ifindex[slot])
			port_sync(s, slot, l->ifindex[slot], l->ifname[slot], now);
		else if (s->port[slot].ifindex)
			port_drop(s, slot, now);
	}
	free(l);
}

/* ---- start, stop ---- */

/* Resume the saved protocol state, if a loop saved one and was alive within
 * max-age: the ports keep their states. 0, or -errno to start afresh. */
static int stp_resume(struct stp_ctl *s, __u64 now)
{
	struct xb_stp_bridge saved;
	struct port_list *l;
	struct xb_stp st;
	__u32 zero = 0;
	char id[32];
	int err;

	if (stp_conf_get(s->br, &st) || bpf_map_lookup_elem(s->br->stp_bridge_fd, &zero, &saved))
		return -ENOENT;
	if (saved.version != XB_STP_STATE_VERSION || !st.alive_ns)
		return -ENOENT;
	if (xb_older_than(monotonic_ns(), st.alive_ns, st.dead_after_ns)) {
		pr_info("bridge %s: the last STP control loop is gone for more than max-age: STP starts afresh",
			s->br->name);
		return -ETIMEDOUT;
	}
	err = stp_bridge_restore(&s->eng, &saved, on_event, s, now);
	if (err)
		return err;
	l = calloc(1, sizeof(*l));
	if (!l)
		return -ENOMEM;
	l->s = s;
	port_for_each(s->br, list_port, l);
	for (__u32 slot = 0; slot < stp_slots(s) && !err; slot++) {
		struct xb_stp_port rec;
		struct ctl_port *p = &s->port[slot];
		__u8 mac[XB_ETH_ALEN] = {};

		if (bpf_map_lookup_elem(s->br->stp_ports_fd, &slot, &rec) || rec.port_no != slot + 1)
			continue;
		/* Only the port that saved it: the slot may have changed hands. */
		if (!l->ifindex[slot] || iface_mac(l->ifname[slot], mac) ||
		    memcmp(mac, rec.mac, sizeof(mac)))
			continue;
		err = stp_port_restore(&s->eng, &rec);
		if (err)
			break;
		*p = (struct ctl_port){
			.ifindex = l->ifindex[slot], .up = rec.flags & XB_STPP_LINK_UP,
			.cost = rec.path_cost, .prio = rec.priority,
			.guard = rec.flags & XB_STPP_BPDU_GUARD,
			.root_block = rec.flags & XB_STPP_ROOT_BLOCK,
		};
		memcpy(p->mac, mac, sizeof(mac));
		memcpy(p->ifname, l->ifname[slot], XB_IFNAMSIZ);
		s->saved_p[slot] = rec;
	}
	free(l);
	if (err) {
		stp_bridge_free(&s->eng);
		memset(s->port, 0, sizeof(s->port));
		return err;
	}
	s->saved_b = saved;
	for (int i = 0; i < XB_ETH_ALEN; i++)
		s->bridge_mac[i] = (__u8)(saved.bridge_id >> (8 * (XB_ETH_ALEN - 1 - i)));
	/* The settings it ran with are those it saved: any change since is
	 * applied by the next settings_sync. */
	s->conf_seen = st;
	s->conf_seen.priority = (__u16)(saved.bridge_id >> 48);
	s->conf_seen.priority_set = 1;
	s->conf_seen.hello_sec = (__u8)(saved.bridge_hello_time_ns / 1000000000ULL);
	s->conf_seen.forward_delay_sec = (__u8)(saved.bridge_forward_delay_ns / 1000000000ULL);
	s->conf_seen.max_age_sec = (__u8)(saved.bridge_max_age_ns / 1000000000ULL);
	pr_info("bridge %s: STP resumed from its saved state (root %s): port states kept",
		s->br->name, stp_id_format(saved.designated_root, id, sizeof(id)));
	return 0;
}

static int stp_start(struct stp_ctl *s)
{
	__u64 now = monotonic_ns();
	struct stp_timers t;
	struct xb_stp st;
	int err;

	s->fd = bpdu_socket_open();
	if (s->fd < 0) {
		err = s->fd;
		pr_warn("bridge %s: cannot open the BPDU socket (%s): STP does not run, ports stay blocked",
			s->br->name, strerror(-err));
		return err;
	}
	s->nslots = bridge_max_ports(s->br);
	if (!stp_resume(s, now))
		goto running;
	/* Afresh: nothing forwards until the protocol says so. */
	stp_ports_state_reset(s->br, XB_STP_BLOCKING);
	state_clear(s);
	err = stp_conf_get(s->br, &st);
	if (err)
		goto fail;
	stp_conf_timers(&st, &t);
	bridge_mac_of_ports(s, s->bridge_mac);
	err = stp_bridge_init(&s->eng, s->bridge_mac, stp_conf_priority(&st), &t, on_event, s, now);
	if (err == -EINVAL || err == -ERANGE) {
		pr_warn("bridge %s: STP timers refused (hello %u ms, forward delay %u ms, max age %u ms): running with the defaults",
			s->br->name, t.hello_ms, t.forward_delay_ms, t.max_age_ms);
		err = stp_bridge_init(&s->eng, s->bridge_mac, stp_conf_priority(&st), NULL, on_event,
				      s, now);
	}
	if (err)
		goto fail;
	s->conf_seen = st;
	pr_info("bridge %s: STP started: ports blocking, then listening and learning for 2 x forward-delay",
		s->br->name);
running:
	s->running = true;
	return 0;
fail:
	pr_warn("bridge %s: the STP engine did not start (%s): ports stay blocked", s->br->name,
		strerror(-err));
	close(s->fd);
	s->fd = -1;
	return err;
}

static void stp_stop(struct stp_ctl *s)
{
	struct xb_stp st;

	stp_ageing_apply(s, false, 0);
	stp_bridge_free(&s->eng);
	memset(&s->eng, 0, sizeof(s->eng));
	memset(s->port, 0, sizeof(s->port));
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	s->running = false;
	state_clear(s);
	if (!stp_conf_get(s->br, &st)) {
		st.alive_ns = 0;
		stp_conf_set(s->br, &st);
	}
	pr_info("bridge %s: STP stopped", s->br->name);
}

/* ---- the loop's calls ---- */

struct stp_ctl *stp_ctl_open(struct xb_bridge *br)
{
	struct stp_ctl *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->br = br;
	s->fd = -1;
	return s;
}

void stp_ctl_close(struct stp_ctl *s)
{
	if (!s)
		return;
	/* The saved state stays: a successor within max-age resumes it. */
	stp_bridge_free(&s->eng);
	if (s->fd >= 0)
		close(s->fd);
	free(s);
}

int stp_ctl_fd(const struct stp_ctl *s)
{
	return s && s->running ? s->fd : -1;
}

uint32_t stp_ctl_tick(struct stp_ctl *s)
{
	uint64_t next, now;
	uint32_t ms = STP_POLL_MS;
	bool on;
	int lock_fd;

	if (!s)
		return UINT32_MAX;
	on = stp_on(s);
	if (!on && !s->running)
		return UINT32_MAX;
	lock_fd = xb_lock_take();	/* port_conf and config are the commands' too */
	if (lock_fd < 0)
		return STP_POLL_MS;
	on = stp_on(s);
	if (on && !s->running && stp_start(s)) {
		xb_lock_release(lock_fd);
		return 1000;	/* retried */
	}
	if (!on && s->running) {
		stp_stop(s);
		xb_lock_release(lock_fd);
		return UINT32_MAX;
	}
	now = monotonic_ns();
	ports_sync(s, now);
	settings_sync(s, now);
	stp_tick(&s->eng, now);
	states_sync(s);
	state_save(s);
	heartbeat(s);
	xb_lock_release(lock_fd);
	next = stp_next_deadline(&s->eng);
	now = monotonic_ns();
	if (next != UINT64_MAX && next > now && (next - now) / 1000000ULL < ms)
		ms = (uint32_t)((next - now) / 1000000ULL) + 1;
	else if (next != UINT64_MAX && next <= now)
		ms = 1;
	return ms;
}

void stp_ctl_rx(struct stp_ctl *s)
{
	__u8 frame[1600];
	int lock_fd = -1, n;

	if (!s || !s->running)
		return;
	for (;;) {
		struct sockaddr_ll from;
		socklen_t len = sizeof(from);
		__u32 slot;

		n = (int)recvfrom(s->fd, frame, sizeof(frame), 0, (struct sockaddr *)&from, &len);
		if (n < 0)
			break;
		if (from.sll_pkttype == PACKET_OUTGOING)
			continue;
		for (slot = 0; slot < stp_slots(s); slot++)
			if (s->port[slot].ifindex == (__u32)from.sll_ifindex)
				break;
		if (slot == stp_slots(s))
			continue;	/* not a port of this bridge (or not yet known) */
		if (lock_fd < 0 && (lock_fd = xb_lock_take()) < 0)
			return;
		stp_rx_frame(&s->eng, (uint16_t)(slot + 1), frame, (size_t)n, monotonic_ns());
	}
	if (lock_fd >= 0) {
		state_save(s);
		xb_lock_release(lock_fd);
	}
}
