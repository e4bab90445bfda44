/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The forwarding decision, written once: the XDP and the TC program both
 * call xb_decide() and only carry out its answer in their own way.
 */
#ifndef XB_BPF_FORWARD_H
#define XB_BPF_FORWARD_H

#include <linux/if_ether.h>
#include "fdb.h"
#include "policy.h"

enum xb_action {
	XB_ACT_DROP,		/* reason in xb_decision.reason */
	XB_ACT_HOST,		/* IEEE link-local: this interface's own stack */
	XB_ACT_UNICAST,		/* known unicast: ifindex and slot */
	XB_ACT_FLOOD,		/* every flood member but the ingress port */
};

struct xb_decision {
	__u32 action;		/* enum xb_action */
	__u32 reason;		/* enum xb_drop_reason, for XB_ACT_DROP */
	__u32 ifindex;		/* egress, for XB_ACT_UNICAST */
	__u32 slot;
	__u32 kind;		/* enum xb_frame_kind, for XB_ACT_FLOOD */
	__u32 pad;
};

/*
 * Decide for a frame whose Ethernet header is eth (NULL: shorter than one)
 * arriving on ifindex; learns its source. VLAN-unaware: a tag, in the data
 * or beside it, is payload that leaves as it came.
 */
static __always_inline void xb_decide(struct xb_config *cfg, struct xb_fdb_cache *cache,
				      const struct ethhdr *eth, __u32 ifindex,
				      struct xb_decision *d)
{
	const struct xb_port_conf *in;
	struct xb_fdb_key key;
	__u32 gen, out, out_slot = 0, verdict;
	__u64 now;

	d->action = XB_ACT_DROP;
	if (!eth) {
		d->reason = XB_DROP_RUNT;
		return;
	}
	if (!xb_mac_is_station(eth->h_source)) {
		d->reason = XB_DROP_BAD_SRC;
		return;
	}
	if (xb_mac_is_link_local(eth->h_dest)) {
		d->action = XB_ACT_HOST;
		return;
	}

	now = bpf_ktime_get_coarse_ns();
	in = xb_policy_in_conf(cfg);	/* NULL unless some port has a `port set` */
	/* Read before any lookup: a change after it makes the caches miss. */
	gen = cfg->fdb_generation;
	fdb_key_set(&key, eth->h_source, XB_VLAN_NONE);
	if (xb_policy_learns(in) && fdb_learn(cfg, cache, gen, &key, ifindex, now)) {
		d->reason = XB_DROP_MAC_HIJACK;	/* a static or local MAC of another port */
		return;
	}

	d->action = XB_ACT_FLOOD;
	d->kind = xb_flood_kind(eth->h_dest);	/* what it is if flooded */
	if (xb_mac_is_multicast(eth->h_dest))
		goto policy;
	fdb_key_set(&key, eth->h_dest, XB_VLAN_NONE);
	out = fdb_lookup(cfg, cache, gen, &key, now, &out_slot);
	if (out == ifindex) {
		d->action = XB_ACT_DROP;
		d->reason = XB_DROP_REFLECT;
		return;
	} else if (out) {
		d->action = XB_ACT_UNICAST;
		d->ifindex = out;
		d->slot = out_slot;
	}
policy:
	/* The ingress port's `port set` policy: isolation, storm control. */
	if (in && (verdict = xb_policy_verdict(in, d->action == XB_ACT_UNICAST, out_slot, d->kind,
					      now)) != XB_DROP_MAX) {
		d->action = XB_ACT_DROP;
		d->reason = verdict;
	}
}

/* The frame's one outcome counter and its bytes, len (rx is counted by the
 * caller). */
static __always_inline void xb_count_outcome(struct xb_port_stats *st, const struct xb_decision *d,
					     __u64 len)
{
	switch (d->action) {
	case XB_ACT_DROP:
		if (d->reason < XB_DROP_MAX) {
			st->dropped[d->reason]++;
			st->dropped_bytes += len;
		}
		break;
	case XB_ACT_HOST:
		st->to_host++;
		st->to_host_bytes += len;
		break;
	case XB_ACT_UNICAST:
		st->forwarded++;
		st->forwarded_bytes += len;
		break;
	default:
		st->flooded++;
		st->flooded_bytes += len;
		break;
	}
}

#endif /* XB_BPF_FORWARD_H */
