/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Per-port policy (`port set`, struct xb_port_conf): learning off, port
 * isolation, the flood switches and storm control. A bridge where no port
 * has such a setting pays one flag test per frame (XB_CFG_PORT_POLICY) and
 * nothing per flooded copy (XB_CFG_EGRESS_FILTER).
 */
#ifndef XB_BPF_POLICY_H
#define XB_BPF_POLICY_H

#include "maps.h"
#include "storm.h"

/* The ingress port's settings when some port has any, else NULL. */
static __always_inline const struct xb_port_conf *xb_policy_in_conf(const struct xb_config *cfg)
{
	__u32 slot = port_slot;

	if (!(cfg->flags & XB_CFG_PORT_POLICY))
		return NULL;
	return bpf_map_lookup_elem(&port_conf, &slot);
}

/* The kind of a frame to dst, were it flooded: a unicast one is unknown. */
static __always_inline __u32 xb_flood_kind(const __u8 *dst)
{
	if (!xb_mac_is_multicast(dst))
		return XB_KIND_UNKNOWN;
	return xb_mac_is_broadcast(dst) ? XB_KIND_BCAST : XB_KIND_MCAST;
}

/* Does the port with settings in (NULL: defaults) learn its sources? */
static __always_inline int xb_policy_learns(const struct xb_port_conf *in)
{
	return !in || !(in->flags & XB_PCONF_NO_LEARNING);
}

/*
 * May a flooded frame of kind (enum xb_frame_kind) that came in through a
 * port with settings in leave through a port with settings out? The one
 * rule for every flooded copy: the devmap egress program (XDP) and the TC
 * flood walk both ask it. An isolated port reaches only non-isolated ones;
 * a flood switch turned off keeps its kind of frame off that port, but
 * for the host's broadcast and multicast. VLAN membership joins here.
 */
static __always_inline int xb_egress_allowed(const struct xb_port_conf *in,
					     const struct xb_port_conf *out, __u32 kind)
{
	__u32 off;

	if (in->flags & out->flags & XB_PCONF_ISOLATED)
		return 0;
	/* The host's own broadcast and multicast reach every port (br_flood). */
	if ((in->flags & XB_PCONF_HOST) && kind != XB_KIND_UNKNOWN)
		return 1;
	off = kind == XB_KIND_BCAST ? XB_PCONF_NO_BCAST_FLOOD :
	      kind == XB_KIND_MCAST ? XB_PCONF_NO_MCAST_FLOOD : XB_PCONF_NO_FLOOD;
	return !(out->flags & off);
}

/*
 * What the ingress port's policy (in: its settings) says about a frame the
 * bridge would forward: known unicast (unicast) to the port in out_slot, or
 * a flood of kind. Its drop reason, or XB_DROP_MAX to let it go: unicast
 * from an isolated port to another isolated one is dropped (isolated), a
 * flood over the port's storm limit for its kind too (storm).
 */
static __always_inline __u32 xb_policy_verdict(const struct xb_port_conf *in, int unicast,
					       __u32 out_slot, __u32 kind, __u64 now)
{
	const struct xb_port_conf *out;

	if (unicast) {
		if (!(in->flags & XB_PCONF_ISOLATED))
			return XB_DROP_MAX;
		out = bpf_map_lookup_elem(&port_conf, &out_slot);
		return out && (out->flags & XB_PCONF_ISOLATED) ? XB_DROP_ISOLATED : XB_DROP_MAX;
	}
	/* A frame the XDP program handed to the skb path was charged there. */
	if (tc_after_xdp)
		return XB_DROP_MAX;
	return xb_storm_over(in, port_slot, kind, now) ? XB_DROP_STORM : XB_DROP_MAX;
}

#endif /* XB_BPF_POLICY_H */
