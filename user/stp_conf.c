// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <string.h>
#include <bpf/bpf.h>

#include "bridge.h"
#include "ethtool.h"
#include "policy.h"
#include "port.h"
#include "stp.h"
#include "stp_conf.h"

int stp_conf_get(const struct xb_bridge *br, struct xb_stp *s)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(br->stp_fd, &zero, s) ? -errno : 0;
}

int stp_conf_set(const struct xb_bridge *br, const struct xb_stp *s)
{
	__u32 zero = 0;

	return bpf_map_update_elem(br->stp_fd, &zero, s, BPF_ANY) ? -errno : 0;
}

__u16 stp_conf_priority(const struct xb_stp *s)
{
	return s->priority_set ? s->priority : STP_DEFAULT_PRIORITY;
}

void stp_conf_timers(const struct xb_stp *s, struct stp_timers *t)
{
	t->hello_ms = s->hello_sec ? s->hello_sec * 1000U : STP_DEFAULT_HELLO_MS;
	t->max_age_ms = s->max_age_sec ? s->max_age_sec * 1000U : STP_DEFAULT_MAX_AGE_MS;
	t->forward_delay_ms = s->forward_delay_sec ? s->forward_delay_sec * 1000U :
			      STP_DEFAULT_FORWARD_DELAY_MS;
}

int stp_port_conf_get(const struct xb_bridge *br, __u32 slot, __u32 ifindex,
		      struct xb_stp_port_conf *pc)
{
	if (bpf_map_lookup_elem(br->stp_port_conf_fd, &slot, pc))
		return -errno;
	if (pc->ifindex != ifindex) {	/* a former port's: defaults */
		memset(pc, 0, sizeof(*pc));
		pc->ifindex = ifindex;
	}
	return 0;
}

int stp_port_conf_set(const struct xb_bridge *br, __u32 slot, const struct xb_stp_port_conf *pc)
{
	return bpf_map_update_elem(br->stp_port_conf_fd, &slot, pc, BPF_ANY) ? -errno : 0;
}

__u32 stp_port_cost(const char *ifname, const struct xb_stp_port_conf *pc)
{
	int mbps;

	if (pc->path_cost)
		return pc->path_cost;
	mbps = ethtool_get_speed(ifname);
	return stp_port_cost_for_speed(mbps > 0 ? (__u32)mbps : 0);
}

int stp_flood_member_set(const struct xb_bridge *br, __u32 slot, __u32 ifindex, bool member)
{
	struct xb_port_slot rec;
	int err = 0;

	/* In: with its egress program while the bridge filters floods. */
	if (member && (err = policy_flood_add(br, slot, ifindex)))
		return err;
	if (!member && bpf_map_delete_elem(br->flood_fd, &slot) && errno != ENOENT)
		return -errno;
	if (bpf_map_lookup_elem(br->slots_fd, &slot, &rec))
		return -errno;
	if (rec.ifindex != ifindex)
		return 0;	/* the slot changed hands meanwhile */
	if (member)
		rec.flags |= XB_SLOT_FLOOD;
	else
		rec.flags &= ~XB_SLOT_FLOOD;
	if (bpf_map_update_elem(br->slots_fd, &slot, &rec, BPF_ANY))
		err = -errno;
	return err;
}

int stp_port_state_write(const struct xb_bridge *br, __u32 slot, __u32 ifindex, __u32 state)
{
	struct xb_port_conf conf;
	int err;

	if (bpf_map_lookup_elem(br->conf_fd, &slot, &conf))
		return -errno;
	/* Out of the flood domain before a state stops forwarding, in after
	 * one starts: no flood reaches a port that drops what it sends back. */
	if (state != XB_STP_FORWARDING) {
		err = stp_flood_member_set(br, slot, ifindex, false);
		if (err)
			return err;
	}
	conf.stp_state = state;
	if (bpf_map_update_elem(br->conf_fd, &slot, &conf, BPF_ANY))
		return -errno;
	if (state == XB_STP_FORWARDING)
		return stp_flood_member_set(br, slot, ifindex, true);
	return 0;
}

__u32 stp_port_state_read(const struct xb_bridge *br, __u32 slot)
{
	struct xb_port_conf conf;

	if (bpf_map_lookup_elem(br->conf_fd, &slot, &conf))
		return XB_STP_DISABLED;
	return conf.stp_state;
}

struct reset_walk {
	const struct xb_bridge *br;
	__u32 state;
	int err;
};

static int reset_one(__u32 ifindex, const struct xb_port_info *info, void *ctx)
{
	struct reset_walk *w = ctx;
	int err = stp_port_state_write(w->br, info->slot, ifindex, w->state);

	if (err && !w->err)
		w->err = err;
	return 0;
}

int stp_ports_state_reset(const struct xb_bridge *br, __u32 state)
{
	struct reset_walk w = { .br = br, .state = state };

	port_for_each(br, reset_one, &w);
	return w.err;
}

int stp_enable_set(const struct xb_bridge *br, bool on)
{
	struct xb_stp_bridge none = {};
	struct xb_config cfg;
	struct xb_stp st;
	__u32 zero = 0;
	int err;

	err = bridge_config_get(br, &cfg);
	if (!err)
		err = stp_conf_get(br, &st);
	if (err || !!(cfg.flags & XB_CFG_STP) == on)
		return err;
	st.alive_ns = 0;	/* no loop has run STP yet: nothing is stale */
	if (on) {
		/* A fresh start, never a resume of an older run's state. */
		if (bpf_map_update_elem(br->stp_bridge_fd, &zero, &none, BPF_ANY))
			return -errno;
		err = stp_conf_set(br, &st);
		if (!err)	/* blocked before the data path obeys the states */
			err = stp_ports_state_reset(br, XB_STP_BLOCKING);
		cfg.flags |= XB_CFG_STP;
		if (!err)
			err = bridge_config_set(br, &cfg);
		return err;
	}
	cfg.flags &= ~XB_CFG_STP;
	if (st.ageing_ns) {	/* a topology change had shortened it */
		cfg.ageing_ns = st.ageing_ns;
		st.ageing_ns = 0;
	}
	err = bridge_config_set(br, &cfg);
	if (!err)
		err = stp_conf_set(br, &st);
	if (!err)
		err = stp_ports_state_reset(br, XB_STP_FORWARDING);
	return err;
}
