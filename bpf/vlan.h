/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * VLAN filtering (XB_CFG_VLAN_FILTERING), as the Linux bridge's br_vlan.c:
 * ingress classification (__allowed_ingress), egress membership
 * (br_allowed_egress) and the tag each egress port wants (br_handle_vlan).
 *
 * Everything here runs only on a bridge with VLAN filtering on: the callers
 * test the flag, so a VLAN-unaware bridge pays one branch per frame.
 *
 * Where the tag lives: XDP sees it in the frame (the loader turns tx VLAN
 * offload off on veth peers, docs/SKB_PATH.md) and pushes or pops it with
 * bpf_xdp_adjust_head; TC sees it in skb metadata (the stack moved the outer
 * tag there before the TC hook) and uses bpf_skb_vlan_push/pop.
 */
#ifndef XB_BPF_VLAN_H
#define XB_BPF_VLAN_H

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <bpf/bpf_endian.h>
#include "maps.h"

#define XB_VLAN_HLEN		4
#define XB_VLAN_VID_MASK	0x0fff
#define XB_VLAN_PRIO_MASK	0xf000	/* PCP and DEI: kept when the VID is set */

/* A frame's VLAN state, from ingress classification to egress. */
struct xb_vlan {
	__u16 vid;		/* classified VID; 0: VLAN filtering off */
	__u16 tci;		/* TCI when it leaves tagged: PCP/DEI as received, VID vid */
	__u16 tci_in;		/* the tag it carries now, if tagged */
	__u8 tagged;		/* carries a tag of the bridge's protocol */
	__u8 untag_out;		/* unicast: the egress port sends vid untagged */
};

static __always_inline int xb_vlan_bit(const __u64 *bitmap, __u16 vid)
{
	return (bitmap[(vid >> 6) & (XB_VLAN_WORDS - 1)] >> (vid & 63)) & 1;
}

/*
 * Classify a frame on the ingress port (port_slot) whose tag state the
 * program put in *v. 0 with v->vid and v->tci set, or the drop reason:
 * untagged and priority-tagged (VID 0) frames get the port's PVID, keeping
 * their PCP, and are dropped without one; a VID the port is not a member of
 * is dropped.
 */
static __always_inline __u32 xb_vlan_ingress(struct xb_vlan *v)
{
	__u32 slot = port_slot;
	struct xb_port_conf *pc;
	struct xb_port_vlans *pv;
	__u16 vid = v->tagged ? v->tci_in & XB_VLAN_VID_MASK : 0;

	if (!vid) {
		pc = bpf_map_lookup_elem(&port_conf, &slot);
		if (!pc || !pc->pvid)
			return XB_DROP_VLAN_NO_PVID;
		vid = pc->pvid & XB_VLAN_VID_MASK;
	}
	pv = bpf_map_lookup_elem(&port_vlans, &slot);
	if (!pv || !xb_vlan_bit(pv->member, vid))
		return XB_DROP_VLAN_INGRESS;
	v->vid = vid;
	v->tci = (v->tagged ? v->tci_in & XB_VLAN_PRIO_MASK : 0) | vid;
	return 0;
}

/* May a frame of v->vid leave the port in slot? 0 (v->untag_out set) or
 * XB_DROP_VLAN_EGRESS. */
static __always_inline __u32 xb_vlan_egress(struct xb_vlan *v, __u32 slot)
{
	struct xb_port_vlans *pv = bpf_map_lookup_elem(&port_vlans, &slot);

	if (!pv || !xb_vlan_bit(pv->member, v->vid))
		return XB_DROP_VLAN_EGRESS;
	v->untag_out = xb_vlan_bit(pv->untagged, v->vid);
	return 0;
}

/* ---- XDP: the tag is in the frame ---- */

/* The tag state of a frame in XDP: an outer tag of another protocol (802.1ad
 * on an 802.1Q bridge) is payload, the frame untagged. */
static __always_inline void xb_vlan_xdp_in(const struct xb_config *cfg, void *data,
					   void *data_end, struct xb_vlan *v)
{
	struct ethhdr *eth = data;
	__be16 *tci = (void *)(eth + 1);

	*v = (struct xb_vlan){};
	if (!(cfg->flags & XB_CFG_VLAN_FILTERING))
		return;
	if ((void *)(tci + 2) > data_end || eth->h_proto != bpf_htons(cfg->vlan_proto))
		return;
	v->tagged = 1;
	v->tci_in = bpf_ntohs(*tci);
}

struct xb_eth_addrs {
	__u32 w[3];
};

/*
 * Give the frame the tag the egress port wants (v->untag_out): pop, push
 * (proto, host order) or rewrite a priority tag's VID. 0 or -1 (drop).
 */
static __always_inline int xb_vlan_xdp_out(struct xdp_md *ctx, struct xb_vlan *v, __u16 proto)
{
	struct xb_eth_addrs addrs;
	void *data, *data_end;
	__be16 *tag;

	if (v->untag_out && !v->tagged)
		return 0;
	if (!v->untag_out && v->tagged && v->tci == v->tci_in)
		return 0;
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	if (data + ETH_HLEN + XB_VLAN_HLEN > data_end)
		return -1;
	if (v->untag_out) {
		/* Addresses 4 bytes on, over the tag; then drop the front. */
		__builtin_memcpy(&addrs, data, sizeof(addrs));
		__builtin_memcpy(data + XB_VLAN_HLEN, &addrs, sizeof(addrs));
		if (bpf_xdp_adjust_head(ctx, XB_VLAN_HLEN))
			return -1;
		v->tagged = 0;
		return 0;
	}
	if (!v->tagged) {
		__builtin_memcpy(&addrs, data, sizeof(addrs));
		if (bpf_xdp_adjust_head(ctx, -XB_VLAN_HLEN))
			return -1;
		data = (void *)(long)ctx->data;
		data_end = (void *)(long)ctx->data_end;
		if (data + ETH_HLEN + XB_VLAN_HLEN > data_end)
			return -1;
		__builtin_memcpy(data, &addrs, sizeof(addrs));
		tag = data + 2 * ETH_ALEN;
		tag[0] = bpf_htons(proto);
	} else {
		tag = data + 2 * ETH_ALEN;
	}
	tag[1] = bpf_htons(v->tci);
	v->tagged = 1;
	v->tci_in = v->tci;
	return 0;
}

/*
 * The devmap egress program (egress.h), on one flooded copy of VLAN vid
 * leaving through out_slot: a member gets the copy tagged as it wants, others
 * none. The tag state is read again from the copy: the same bytes ingress
 * read. 0 (transmit) or -1 (drop).
 */
static __always_inline int xb_vlan_xdp_egress(struct xdp_md *ctx, __u16 vid, __u32 out_slot)
{
	struct xb_config *cfg;
	struct xb_vlan v;
	__u32 zero = 0;

	cfg = bpf_map_lookup_elem(&config, &zero);
	if (!cfg)
		return -1;
	xb_vlan_xdp_in(cfg, (void *)(long)ctx->data, (void *)(long)ctx->data_end, &v);
	v.vid = vid;
	v.tci = (v.tagged ? v.tci_in & XB_VLAN_PRIO_MASK : 0) | vid;
	if (xb_vlan_egress(&v, out_slot))
		return -1;
	return xb_vlan_xdp_out(ctx, &v, cfg->vlan_proto);
}

/* ---- TC: the tag is in skb metadata ---- */

/*
 * The tag state of an skb, normalised so that only a tag of the bridge's
 * protocol sits in metadata and any other outer tag in the data, as the
 * Linux bridge's br_allowed_ingress leaves it. The stack moved the outer tag,
 * whatever its protocol, to metadata before the TC hook; a frame run by
 * bpf_prog_test_run still has it in the data. 0, or -1 (drop).
 */
static __always_inline int xb_vlan_skb_in(struct __sk_buff *skb, const struct xb_config *cfg,
					  struct xb_vlan *v)
{
	__be16 proto = bpf_htons(cfg->vlan_proto), hdr[2];

	*v = (struct xb_vlan){};
	if (!(cfg->flags & XB_CFG_VLAN_FILTERING))
		return 0;
	if (skb->vlan_present) {
		if (skb->vlan_proto == proto) {
			v->tagged = 1;
			v->tci_in = skb->vlan_tci;
			return 0;
		}
		/* Another protocol's tag goes back into the data. */
		if (bpf_skb_vlan_push(skb, proto, 0) || bpf_skb_vlan_pop(skb))
			return -1;
		return 0;
	}
	if (bpf_skb_load_bytes(skb, 2 * ETH_ALEN, hdr, sizeof(hdr)) || hdr[0] != proto)
		return 0;
	/* Our tag in the data: into metadata (a pop moves an inner tag there,
	 * the push puts it back). */
	if (bpf_skb_vlan_pop(skb) || bpf_skb_vlan_push(skb, proto, bpf_ntohs(hdr[1])))
		return -1;
	v->tagged = 1;
	v->tci_in = bpf_ntohs(hdr[1]);
	return 0;
}

/* Give the skb the tag an egress port wants (untag: it sends v->vid
 * untagged); v follows the skb's state. 0 or -1. */
static __always_inline int xb_vlan_skb_out(struct __sk_buff *skb, struct xb_vlan *v, __u16 proto,
					   int untag)
{
	if (untag) {
		if (!v->tagged)
			return 0;
		v->tagged = 0;
		return bpf_skb_vlan_pop(skb) ? -1 : 0;
	}
	if (v->tagged && v->tci_in == v->tci)
		return 0;
	if (v->tagged && bpf_skb_vlan_pop(skb))
		return -1;
	v->tagged = 1;
	v->tci_in = v->tci;
	return bpf_skb_vlan_push(skb, bpf_htons(proto), v->tci) ? -1 : 0;
}

/* Flood walk: may the clone for slot leave, and untagged? -1: not a member. */
static __always_inline int xb_vlan_flood_member(const struct xb_vlan *v, __u32 slot)
{
	struct xb_port_vlans *pv = bpf_map_lookup_elem(&port_vlans, &slot);

	if (!pv || !xb_vlan_bit(pv->member, v->vid))
		return -1;
	return xb_vlan_bit(pv->untagged, v->vid);
}

#endif /* XB_BPF_VLAN_H */
