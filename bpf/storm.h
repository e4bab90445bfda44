/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Storm control: a port's broadcast, multicast and unknown unicast frames
 * in, each kind limited to its storm_* frames/s (struct xb_port_conf), by a
 * per-CPU token bucket (struct xb_storm_bucket, see XB_STORM_BURST_NS).
 */
#ifndef XB_BPF_STORM_H
#define XB_BPF_STORM_H

#include "maps.h"

/* The limit of kind in conf, frames/s; 0: none. */
static __always_inline __u32 xb_storm_rate(const struct xb_port_conf *conf, __u32 kind)
{
	if (kind == XB_KIND_BCAST)
		return conf->storm_bcast;
	if (kind == XB_KIND_MCAST)
		return conf->storm_mcast;
	return conf->storm_unknown;
}

/*
 * Is a flooded frame of kind, in through slot at now, over the port's limit?
 * Takes its cost from this CPU's bucket when it is not. Credit is kept in
 * nanoseconds: a frame costs cost_ns, divided out once per rate change.
 */
static __always_inline int xb_storm_over(const struct xb_port_conf *conf, __u32 slot,
					 __u32 kind, __u64 now)
{
	__u32 rate = xb_storm_rate(conf, kind);
	struct xb_storm_bucket *b;
	struct xb_storm_class *c;
	__u64 credit, cap;

	if (!rate)
		return 0;
	b = bpf_map_lookup_elem(&storm_buckets, &slot);
	if (!b)
		return 0;
	if (kind == XB_KIND_BCAST)
		c = &b->kind[XB_KIND_BCAST];
	else if (kind == XB_KIND_MCAST)
		c = &b->kind[XB_KIND_MCAST];
	else
		c = &b->kind[XB_KIND_UNKNOWN];
	if (c->rate != rate) {
		/* A new limit (or the first frame): start with a full burst. */
		c->rate = rate;
		c->cost_ns = 1000000000ULL / rate;
		c->credit_ns = XB_STORM_BURST_NS > c->cost_ns ? XB_STORM_BURST_NS : c->cost_ns;
		c->last_ns = now;
	}
	cap = XB_STORM_BURST_NS > c->cost_ns ? XB_STORM_BURST_NS : c->cost_ns;
	credit = c->credit_ns;
	if ((__s64)(now - c->last_ns) > 0)
		credit += now - c->last_ns;
	if (credit > cap)
		credit = cap;
	c->last_ns = now;
	if (credit < c->cost_ns) {
		c->credit_ns = credit;
		return 1;
	}
	c->credit_ns = credit - c->cost_ns;
	return 0;
}

#endif /* XB_BPF_STORM_H */
