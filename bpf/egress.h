/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Per-egress filtering of XDP floods (XB_CFG_EGRESS_FILTER): the ingress
 * program writes a struct xb_xdp_meta in front of a flooded frame, the one
 * broadcast redirect clones it to every "flood_ports" entry, and each
 * entry's egress program (xdpbridge_egress, one instance per port, its slot
 * in port_slot) keeps or drops its copy by xb_egress_allowed.
 */
#ifndef XB_BPF_EGRESS_H
#define XB_BPF_EGRESS_H

#include "maps.h"
#include "policy.h"

/* Tell the egress programs about a flooded frame; 0, or -1 when the frame
 * has no room for metadata (the caller then floods it on the skb path). */
static __always_inline int xb_meta_put(struct xdp_md *ctx, __u32 in_slot, __u32 kind, __u32 vid)
{
	struct xb_xdp_meta *m;

	if (bpf_xdp_adjust_meta(ctx, -(int)sizeof(*m)))
		return -1;
	m = (void *)(long)ctx->data_meta;
	if ((void *)(m + 1) > (void *)(long)ctx->data)
		return -1;
	m->magic = XB_META_MAGIC;
	m->vid = (__u16)vid;
	m->in_slot = (__u16)in_slot;
	m->kind = (__u8)kind;
	m->pad = 0;
	return 0;
}

/*
 * The egress decision for one flooded copy leaving through out_slot: XDP_PASS
 * (transmit) or XDP_DROP. A copy without our metadata passes: the filter is
 * being switched on or off, and the ingress program did not write it. The
 * metadata is removed before transmit, so a peer never sees it.
 */
static __always_inline int xb_egress(struct xdp_md *ctx, __u32 out_slot)
{
	struct xb_xdp_meta *m = (void *)(long)ctx->data_meta;
	const struct xb_port_conf *in, *out;
	__u32 in_slot, zero = 0;
	__u64 *filtered;

	if ((void *)(m + 1) > (void *)(long)ctx->data || m->magic != XB_META_MAGIC)
		return XDP_PASS;
	in_slot = m->in_slot;
	in = bpf_map_lookup_elem(&port_conf, &in_slot);
	out = bpf_map_lookup_elem(&port_conf, &out_slot);
	if (!in || !out || xb_egress_allowed(in, out, m->kind)) {
		bpf_xdp_adjust_meta(ctx, (int)sizeof(*m));
		return XDP_PASS;
	}
	/* The kernel counts this copy as a devmap transmit drop: kdrop
	 * takes it back out of kernel_dropped. */
	filtered = bpf_map_lookup_elem(&egress_filtered, &zero);
	if (filtered)
		(*filtered)++;
	return XDP_DROP;
}

/* kdrop: of the drops of one devmap transmit, those egress programs chose. */
static __always_inline int xb_egress_unfiltered(int drops)
{
	__u32 zero = 0;
	__u64 *filtered = bpf_map_lookup_elem(&egress_filtered, &zero);

	if (!filtered || !*filtered || drops <= 0)
		return drops;
	if (*filtered >= (__u64)drops) {
		*filtered -= (__u64)drops;
		return 0;
	}
	drops -= (int)*filtered;
	*filtered = 0;
	return drops;
}

#endif /* XB_BPF_EGRESS_H */
