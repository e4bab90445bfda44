// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Prototype of the two VLAN flood designs issue 11 asks to measure: the
 * ingress program (on the access port IN, PVID from "xbvf_pvid") floods
 * every frame of its VLAN to the other members, in one of three designs
 * (rodata design, enum xbvf_design):
 *
 *  XBVF_FILTER   what xdpbridge does: one broadcast into a devmap of every
 *                port; every entry runs an egress program (one instance per
 *                slot, like xdpbridge_egress) that reads the VID from XDP
 *                metadata, looks the port's membership bitmap up
 *                (struct xb_port_vlans, as xdpbridge's "port_vlans"), drops
 *                non-members and pushes an 802.1Q tag on trunk members.
 *  XBVF_PERVLAN  one devmap per VLAN holding only its members, picked by
 *                the VID from an ARRAY_OF_MAPS: non-members cost no clone.
 *                Trunk entries run xbvf_push (push the tag, VID from the
 *                metadata); access entries run no program at all.
 *  XBVF_FIXED    the same with two devmaps declared here (XBVF_VID and
 *                XBVF_VID_OTHER)
 *                picked by a switch on the VID: what a kernel without
 *                devmaps as inner maps would need.
 *
 * The ingress port is in every flood devmap, as in xdpbridge, and left out
 * by BPF_F_EXCLUDE_INGRESS. Slot N of a devmap is the Nth port given to
 * `xbbench vflood`.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "xdpbridge.h"
#include "xbbench.h"

const volatile __u32 design = XBVF_FILTER;
const volatile __u32 in_slot = 0;	/* slot of the port this program runs on */

#define XBVF_FLAGS (BPF_F_BROADCAST | BPF_F_EXCLUDE_INGRESS)

/* Every port (XBVF_FILTER), each entry with its xbvf_filter_N program. */
struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP);
	__uint(max_entries, XBVF_DEVMAP_SIZE);
	__type(key, __u32);
	__type(value, struct bpf_devmap_val);
} xbvf_all SEC(".maps");

/* One devmap per VLAN in use, keyed by VID (XBVF_PERVLAN); user space
 * creates the inner maps. */
struct xbvf_vlan_devmap {
	__uint(type, BPF_MAP_TYPE_DEVMAP);
	__uint(max_entries, XBVF_DEVMAP_SIZE);
	__type(key, __u32);
	__type(value, struct bpf_devmap_val);
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, XB_VLAN_VID_MAX + 1);
	__type(key, __u32);
	__array(values, struct xbvf_vlan_devmap);
} xbvf_vlan_floods SEC(".maps");

/* XBVF_FIXED: a devmap per VLAN, known at compile time (XBVF_VID, XBVF_VID_OTHER). */
struct xbvf_vlan_devmap xbvf_v10 SEC(".maps");
struct xbvf_vlan_devmap xbvf_v20 SEC(".maps");

/* Per slot: VLAN membership and untagged bits, as xdpbridge's "port_vlans". */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, XBVF_MAX_PORTS);
	__type(key, __u32);
	__type(value, struct xb_port_vlans);
} xbvf_port_vlans SEC(".maps");

/* Per slot: the PVID (xdpbridge keeps it in "port_conf"). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, XBVF_MAX_PORTS);
	__type(key, __u32);
	__type(value, __u32);
} xbvf_pvid SEC(".maps");

/* Copies the egress programs dropped (xdpbridge's "egress_filtered"). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} xbvf_filtered SEC(".maps");

static __always_inline int vlan_bit(const __u64 *bitmap, __u32 vid)
{
	return (bitmap[(vid >> 6) & (XB_VLAN_WORDS - 1)] >> (vid & 63)) & 1;
}

SEC("xdp")
int xbvflood(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *data_end = (void *)(long)ctx->data_end;
	struct xb_port_vlans *pv;
	struct xb_xdp_meta *m;
	__u32 slot = in_slot, vid, *pvid;
	void *flood;

	/* Ingress classification of an untagged frame on an access port, as
	 * xb_vlan_ingress: the PVID, then the port's membership of it. */
	if (data + ETH_HLEN > data_end)
		return XDP_DROP;
	pvid = bpf_map_lookup_elem(&xbvf_pvid, &slot);
	if (!pvid || !*pvid)
		return XDP_DROP;
	vid = *pvid & 0xfff;
	pv = bpf_map_lookup_elem(&xbvf_port_vlans, &slot);
	if (!pv || !vlan_bit(pv->member, vid))
		return XDP_DROP;

	/* The VID for the egress programs, as xb_meta_put. */
	if (bpf_xdp_adjust_meta(ctx, -(int)sizeof(*m)))
		return XDP_DROP;
	m = (void *)(long)ctx->data_meta;
	if ((void *)(m + 1) > (void *)(long)ctx->data)
		return XDP_DROP;
	m->magic = XB_META_MAGIC;
	m->vid = (__u16)vid;
	m->in_slot = (__u16)slot;
	m->kind = 0;
	m->pad = 0;

	if (design == XBVF_FILTER)
		return bpf_redirect_map(&xbvf_all, 0, XBVF_FLAGS);
	if (design == XBVF_PERVLAN) {
		flood = bpf_map_lookup_elem(&xbvf_vlan_floods, &vid);
		if (!flood)
			return XDP_DROP;
		return bpf_redirect_map(flood, 0, XBVF_FLAGS);
	}
	switch (vid) {
	case XBVF_VID:
		return bpf_redirect_map(&xbvf_v10, 0, XBVF_FLAGS);
	case XBVF_VID_OTHER:
		return bpf_redirect_map(&xbvf_v20, 0, XBVF_FLAGS);
	}
	return XDP_DROP;
}

struct xbvf_eth_addrs {
	__u32 w[3];
};

/* Push an 802.1Q tag with @vid in front of the EtherType, as
 * xb_vlan_xdp_out does for an untagged frame; 0 or -1. */
static __always_inline int push_tag(struct xdp_md *ctx, __u32 vid)
{
	struct xbvf_eth_addrs addrs;
	void *data = (void *)(long)ctx->data, *data_end = (void *)(long)ctx->data_end;
	__be16 *tag;

	if (data + ETH_HLEN > data_end)
		return -1;
	__builtin_memcpy(&addrs, data, sizeof(addrs));
	if (bpf_xdp_adjust_head(ctx, -4))
		return -1;
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	if (data + ETH_HLEN + 4 > data_end)
		return -1;
	__builtin_memcpy(data, &addrs, sizeof(addrs));
	tag = data + 2 * ETH_ALEN;
	tag[0] = bpf_htons(ETH_P_8021Q);
	tag[1] = bpf_htons((__u16)vid);
	return 0;
}

/* XBVF_FILTER: one flooded copy leaving through @slot. */
static __always_inline int filter_egress(struct xdp_md *ctx, __u32 slot)
{
	struct xb_xdp_meta *m = (void *)(long)ctx->data_meta;
	struct xb_port_vlans *pv;
	__u32 vid, zero = 0;
	__u64 *filtered;

	if ((void *)(m + 1) > (void *)(long)ctx->data || m->magic != XB_META_MAGIC)
		return XDP_PASS;
	vid = m->vid;
	pv = bpf_map_lookup_elem(&xbvf_port_vlans, &slot);
	if (!pv || !vlan_bit(pv->member, vid)) {
		filtered = bpf_map_lookup_elem(&xbvf_filtered, &zero);
		if (filtered)
			(*filtered)++;
		return XDP_DROP;
	}
	bpf_xdp_adjust_meta(ctx, (int)sizeof(*m));
	if (vlan_bit(pv->untagged, vid))
		return XDP_PASS;
	return push_tag(ctx, vid) ? XDP_DROP : XDP_PASS;
}

/* One instance per slot, the slot a constant (xdpbridge: one program
 * instance per port, its slot in .rodata). */
#define XBVF_FILTER_PROG(n)						\
	SEC("xdp/devmap")						\
	int xbvf_filter_##n(struct xdp_md *ctx)				\
	{								\
		return filter_egress(ctx, n);				\
	}
XBVF_FILTER_PROG(0)
XBVF_FILTER_PROG(1)
XBVF_FILTER_PROG(2)
XBVF_FILTER_PROG(3)
XBVF_FILTER_PROG(4)
XBVF_FILTER_PROG(5)
XBVF_FILTER_PROG(6)
XBVF_FILTER_PROG(7)
XBVF_FILTER_PROG(8)
XBVF_FILTER_PROG(9)

/* XBVF_PERVLAN, XBVF_FIXED: a trunk member's entry in a VLAN's devmap. The
 * devmap already says the port is a member; only the tag is left to do. */
SEC("xdp/devmap")
int xbvf_push(struct xdp_md *ctx)
{
	struct xb_xdp_meta *m = (void *)(long)ctx->data_meta;
	__u32 vid;

	if ((void *)(m + 1) > (void *)(long)ctx->data || m->magic != XB_META_MAGIC)
		return XDP_DROP;
	vid = m->vid;
	bpf_xdp_adjust_meta(ctx, (int)sizeof(*m));
	return push_tag(ctx, vid) ? XDP_DROP : XDP_PASS;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
