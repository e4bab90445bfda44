/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Spanning tree in the data path: what each port's 802.1D state lets through.
 * The control loop runs the protocol and writes the states ("port_conf"
 * stp_state) and the flood domain ("flood_ports", XB_SLOT_FLOOD: forwarding
 * ports only); here the states are obeyed. Everything below runs only while
 * XB_CFG_STP is set: a bridge without STP pays one flag test per frame.
 */
#ifndef XB_BPF_STP_H
#define XB_BPF_STP_H

#include "maps.h"

/* The group address 01:80:C2:00:00:XX's last byte that is a BPDU's and a
 * pause frame's. */
#define XB_LL_STP	0x00
#define XB_LL_PAUSE	0x01

/* What to do with a frame to an IEEE link-local group (01:80:C2:00:00:0X).
 * Returns 1 when decided (d set), 0 when the frame is bridged like any
 * multicast: a BPDU while STP is off, as the Linux bridge does, so that an
 * STP around this bridge sees the loops through it. */
static __always_inline int stp_link_local(const struct xb_config *cfg, const __u8 *dst,
					  struct xb_decision *d)
{
	if (dst[5] == XB_LL_PAUSE) {	/* the link's own flow control: never beyond it */
		d->action = XB_ACT_DROP;
		d->reason = XB_DROP_PAUSE;
		return 1;
	}
	if (dst[5] == XB_LL_STP && !(cfg->flags & XB_CFG_STP))
		return 0;
	/* A BPDU with STP on (whatever the port's state: blocking ports
	 * listen), LLDP, LACP, 802.1X: this port's own stack. */
	d->action = XB_ACT_HOST;
	return 1;
}

static __always_inline __u32 stp_state_of(__u32 slot)
{
	struct xb_port_conf *pc = bpf_map_lookup_elem(&port_conf, &slot);

	return pc ? pc->stp_state : XB_STP_DISABLED;
}

/*
 * The ingress port's state as the data path obeys it: its own, or blocking
 * for every port once the control loop has been silent past max-age (see
 * struct xb_stp). Only with XB_CFG_STP.
 */
static __always_inline __u32 stp_ingress_state(__u64 now)
{
	struct xb_stp *s;
	__u32 zero = 0;

	s = bpf_map_lookup_elem(&stp, &zero);
	if (s && s->alive_ns && xb_older_than(now, s->alive_ns, s->dead_after_ns))
		return XB_STP_BLOCKING;
	return stp_state_of(port_slot);
}

/* May a frame in this state be learned from? learning and forwarding. */
static __always_inline int stp_state_learns(__u32 state)
{
	return state == XB_STP_LEARNING || state == XB_STP_FORWARDING;
}

#endif /* XB_BPF_STP_H */
