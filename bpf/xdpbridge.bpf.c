// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * xdpbridge data path: an XDP program (xdpbridge_rx) and a TC ingress program
 * (xdpbridge_tc) attached to every port of a bridge, one instance per port.
 *
 * Per frame, both take the one decision in forward.h: validate the Ethernet
 * header, learn the source MAC, then forward known unicast to its port, flood
 * everything else, and pass IEEE link-local frames (01:80:C2:00:00:0X) to the
 * host stack. XDP forwards through the devmaps "ports" and "flood_ports"
 * (BPF_F_BROADCAST | BPF_F_EXCLUDE_INGRESS), TC through bpf_redirect and
 * bpf_clone_redirect with "port_slots".
 *
 * By concern, as the kernel's selftests split theirs: maps.h (maps and
 * per-instance constants), fdb_key.h, ageing.h (ageing index and sweeps),
 * fdb.h (learn and lookup), forward.h (the decision). This file holds the
 * programs only.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include "xdpbridge.h"
#include "maps.h"
#include "fdb_key.h"
#include "ageing.h"
#include "fdb.h"
#include "forward.h"
#include "egress.h"
#include "vlan.h"
#include "csum.h"

/* The frame's length, fragments included (xdp.frags). */
static __always_inline __u64 xdp_frame_len(struct xdp_md *ctx)
{
	/* Resolved at load: kernels before 5.18 have neither the helper nor
	 * fragments, and the verifier never sees the branch they cannot run. */
	if (bpf_core_enum_value_exists(enum bpf_func_id, BPF_FUNC_xdp_get_buff_len))
		return bpf_xdp_get_buff_len(ctx);
	return ctx->data_end - ctx->data;
}

/*
 * Can this frame leave through ifindex (0: the ingress port)? The kernel's
 * own redirect check, which drops silently: MTU + Ethernet header + one VLAN
 * tag. len_diff -VLAN_HLEN grants the tag. An unknown port "fits": the
 * redirect then fails visibly.
 */
static __always_inline int xdp_fits(struct xdp_md *ctx, __u32 ifindex)
{
	__u32 mtu = 0;

	return bpf_check_mtu(ctx, ifindex, &mtu, -4, 0) != BPF_MTU_CHK_RET_FRAG_NEEDED;
}

/* Is the port in slot attached without native XDP (XB_SLOT_SKB)? */
static __always_inline int slot_takes_skb_only(__u32 slot)
{
	struct xb_port_slot *p = bpf_map_lookup_elem(&port_slots, &slot);

	return p && (p->flags & XB_SLOT_SKB);
}

/*
 * The XDP data path. What it cannot forward, a frame beyond the egress
 * port's MTU (tun hands a guest's 60 KB GSO frame to generic XDP), goes to
 * the skb path with XDP_PASS: the TC program behind it forwards it as one
 * skb, GSO metadata and all. So does a frame for a port that takes skbs only,
 * every flood while the bridge has such a port (XB_CFG_SKB_PORTS), and on a
 * tap a guest's frame that still needs its checksum (partial_csum_check).
 */
SEC("xdp.frags")
int xdpbridge_rx(struct xdp_md *ctx)
{
	void *data_end = (void *)(long)ctx->data_end;
	void *data = (void *)(long)ctx->data;
	struct ethhdr *eth = data;
	__u32 zero = 0, slot = port_slot;
	struct xb_port_stats *st;
	struct xb_fdb_cache *cache;
	struct xb_fdb_sync *sync;
	struct xb_config *cfg;
	struct xb_decision d = {};	/* no undefined field: clang 14 once spilled a pointer for one */
	__u64 len;
	long ret;

	st = bpf_map_lookup_elem(&port_stats, &slot);
	cfg = bpf_map_lookup_elem(&config, &zero);
	sync = bpf_map_lookup_elem(&fdb_sync, &zero);
	cache = bpf_map_lookup_elem(&fdb_cache, &zero);
	if (!st || !cfg || !sync || !cache)
		return XDP_PASS;	/* cannot happen: arrays, slot < max ports */

	len = xdp_frame_len(ctx);
	st->rx_packets++;
	st->rx_bytes += len;

	/* tun builds the skb, CHECKSUM_PARTIAL from the vnet header, on
	 * XDP_PASS; the TC program then decides and forwards it. */
	if (partial_csum_check && xb_l4_csum_is_seed(data, data_end))
		goto to_skb;

	xb_vlan_xdp_in(cfg, data, data_end, &d.vlan);
	xb_decide(cfg, sync, cache, (void *)(eth + 1) <= data_end ? eth : NULL,
		  ctx->ingress_ifindex, &d);
	/* Fragments: this kernel's redirect would lose the frame. */
	if (frags_to_skb && (d.action == XB_ACT_UNICAST || d.action == XB_ACT_FLOOD) &&
	    len > (__u64)(data_end - data))
		goto to_skb;
	if (d.action == XB_ACT_UNICAST) {
		if (len > XB_FRAME_STD_MAX && !xdp_fits(ctx, d.ifindex))
			goto to_skb;
		if ((cfg->flags & XB_CFG_SKB_PORTS) && slot_takes_skb_only(d.slot))
			goto to_skb;
		ret = bpf_redirect_map(&ports, d.slot, 0);
		if (ret == XDP_REDIRECT) {
			/* The redirect happens after return: tag it now. */
			if (d.vlan.vid && xb_vlan_xdp_out(ctx, &d.vlan, cfg->vlan_proto)) {
				st->kernel_dropped++;
				return XDP_DROP;
			}
			st->forwarded++;
			st->forwarded_bytes += len;
			return ret;
		}
		d.action = XB_ACT_FLOOD;	/* a port removed under a stale entry */
	}
	if (d.action == XB_ACT_FLOOD) {
		/* Beyond the ingress MTU: a GSO super-frame, too big for any port. */
		if (len > XB_FRAME_STD_MAX && !xdp_fits(ctx, 0))
			goto to_skb;
		if (cfg->flags & XB_CFG_SKB_PORTS)
			goto to_skb;	/* a broadcast redirect would skip those ports */
		/* With VLAN filtering each copy needs its port's membership and
		 * tag: the egress programs give it (policy_sync sets
		 * XB_CFG_EGRESS_FILTER with it); until they run, the TC flood walk. */
		if ((cfg->flags & (XB_CFG_VLAN_FILTERING | XB_CFG_EGRESS_FILTER)) ==
		    XB_CFG_VLAN_FILTERING)
			goto to_skb;
		/* The egress programs filter copies by what the frame is. */
		if ((cfg->flags & XB_CFG_EGRESS_FILTER) &&
		    xb_meta_put(ctx, slot, d.kind, d.vlan.vid))
			goto to_skb;
		st->flooded++;
		st->flooded_bytes += len;
		return bpf_redirect_map(&flood_ports, 0, BPF_F_BROADCAST | BPF_F_EXCLUDE_INGRESS);
	}
	xb_count_outcome(st, &d, len);
	return d.action == XB_ACT_HOST ? XDP_PASS : XDP_DROP;
to_skb:
	st->to_skb++;
	return XDP_PASS;
}

/*
 * What the walk changes as it goes lives in a per-CPU map value, which the
 * verifier does not track, not on the stack: a verifier that checks a
 * bpf_loop body once (before 6.7's "verify callbacks as if they are called
 * unknown number of times") takes stack fields for the constants they start
 * as and removes the branches they steer. Debian's 6.1 removed the pop for
 * a member that sends the VID untagged (vmtest: vlan_tc.flood_mixed_tagging).
 */
struct tc_flood_state {
	__u32 last;		/* the member found last: gets the skb itself */
	__s32 last_untag;	/* VLAN filtering: last sends the VID untagged */
	struct xb_vlan vlan;	/* the skb's tag state; vid 0: VLAN filtering off */
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct tc_flood_state);
} tc_flood_scratch SEC(".maps");

/* What stays the same through the walk (bpf_loop's context is on the stack). */
struct tc_flood_walk {
	struct __sk_buff *skb;
	struct xb_port_stats *st;
	const struct xb_port_conf *in;	/* XB_CFG_EGRESS_FILTER: the ingress port's settings */
	struct tc_flood_state *s;
	__u32 ingress;
	__u32 kind;	/* enum xb_frame_kind */
	__u16 vlan_proto;
};

/* Clone the skb to the member found before, tagged as it wants. */
static __always_inline void tc_flood_clone(struct tc_flood_walk *w)
{
	struct tc_flood_state *s = w->s;

	if (s->vlan.vid && xb_vlan_skb_out(w->skb, &s->vlan, w->vlan_proto, s->last_untag)) {
		w->st->kernel_dropped++;
		return;
	}
	if (bpf_clone_redirect(w->skb, s->last, 0))
		w->st->kernel_dropped++;
}

/* One slot of the walk; 1 stops it (past the bridge's --max-ports). */
static long tc_flood_slot(__u32 i, struct tc_flood_walk *w)
{
	struct tc_flood_state *s = w->s;
	const struct xb_port_conf *out;
	struct xb_port_slot *p;
	int untag = 0;

	p = bpf_map_lookup_elem(&port_slots, &i);
	if (!p)
		return 1;
	if (!(p->flags & XB_SLOT_FLOOD) || !p->ifindex || p->ifindex == w->ingress)
		return 0;
	if (w->in) {
		/* The XDP flood's egress programs decide the same way. */
		out = bpf_map_lookup_elem(&port_conf, &i);
		if (out && !xb_egress_allowed(w->in, out, w->kind))
			return 0;
	}
	if (s->vlan.vid && (untag = xb_vlan_flood_member(&s->vlan, i)) < 0)
		return 0;
	if (s->last)
		tc_flood_clone(w);
	s->last = p->ifindex;
	s->last_untag = untag;
	return 0;
}

/*
 * Flood an skb: a clone to every flood member but the ingress port, the
 * skb itself to the last one. A clone the kernel refuses is counted.
 */
static __always_inline int tc_flood(struct __sk_buff *skb, __u32 ingress,
				    struct xb_port_stats *st, const struct xb_config *cfg,
				    __u32 kind, const struct xb_vlan *vlan)
{
	struct tc_flood_walk w = { .skb = skb, .st = st, .ingress = ingress, .kind = kind,
				   .vlan_proto = cfg->vlan_proto };
	__u32 i, zero = 0, slot = port_slot;
	struct tc_flood_state *s;

	s = bpf_map_lookup_elem(&tc_flood_scratch, &zero);
	if (!s)
		return TC_ACT_SHOT;	/* cannot happen: an array */
	s->last = 0;
	s->last_untag = 0;
	s->vlan = *vlan;
	w.s = s;
	if (cfg->flags & XB_CFG_EGRESS_FILTER)
		w.in = bpf_map_lookup_elem(&port_conf, &slot);

	/* bpf_loop (5.17) has the verifier check the body once; the unrolled
	 * walk costs it XB_MAX_PORTS passes (~140 ms per port at load). */
	if (bpf_core_enum_value_exists(enum bpf_func_id, BPF_FUNC_loop)) {
		bpf_loop(XB_MAX_PORTS, tc_flood_slot, &w, 0);
	} else {
		for (i = 0; i < XB_MAX_PORTS; i++)
			if (tc_flood_slot(i, &w))
				break;
	}
	if (!s->last)
		return TC_ACT_SHOT;
	if (s->vlan.vid && xb_vlan_skb_out(skb, &s->vlan, w.vlan_proto, s->last_untag)) {
		st->kernel_dropped++;
		return TC_ACT_SHOT;
	}
	return bpf_redirect(s->last, 0);
}

/*
 * Generic XDP (seen on 6.18) hands TC a nonlinear skb it had to copy for XDP
 * (a guest's GSO frame from a tap) with its MAC header outside skb->data:
 * TC would read the IP header as the Ethernet one and send the frame
 * without it. Put the header back in front. Only behind XDP, and a frame
 * there is rare (to_skb, to_host). Returns -1 when the skb is unusable.
 */
static __always_inline int tc_mac_restore(struct __sk_buff *skb)
{
	struct { __u32 w[3]; __u16 h; } __attribute__((packed)) mac, at_data;

	if (bpf_skb_load_bytes_relative(skb, 0, &mac, sizeof(mac), BPF_HDR_START_MAC) ||
	    bpf_skb_load_bytes(skb, 0, &at_data, sizeof(at_data)))
		return 0;	/* no MAC header recorded, or a runt: nothing to restore */
	if (mac.w[0] == at_data.w[0] && mac.w[1] == at_data.w[1] &&
	    mac.w[2] == at_data.w[2] && mac.h == at_data.h)
		return 0;
	if (bpf_skb_change_head(skb, ETH_HLEN, 0) ||
	    bpf_skb_store_bytes(skb, 0, &mac, sizeof(mac), 0))
		return -1;
	return 0;
}

/*
 * The skb data path (clsact ingress): the same decision as xdpbridge_rx,
 * carried out with bpf_redirect / bpf_clone_redirect, which keep the skb's
 * GSO metadata, checksum state and skb->vlan_tci. Alone on a port (mode tc)
 * it counts every frame; behind XDP (tc_after_xdp) it sees only what XDP
 * passed, whose rx XDP has counted, and frames for the host, counted too.
 */
SEC("tc")
int xdpbridge_tc(struct __sk_buff *skb)
{
	__u32 zero = 0, slot = port_slot, ifindex = skb->ifindex;
	struct xb_port_stats *st;
	struct xb_fdb_cache *cache;
	struct xb_port_slot *p;
	struct xb_fdb_sync *sync;
	struct xb_config *cfg;
	struct xb_decision d = {};	/* no undefined field: clang 14 once spilled a pointer for one */
	struct ethhdr *eth;
	void *data, *data_end;
	__u64 len;

	st = bpf_map_lookup_elem(&port_stats, &slot);
	cfg = bpf_map_lookup_elem(&config, &zero);
	sync = bpf_map_lookup_elem(&fdb_sync, &zero);
	cache = bpf_map_lookup_elem(&fdb_cache, &zero);
	if (!st || !cfg || !sync || !cache)
		return TC_ACT_OK;	/* cannot happen: arrays, slot < max ports */

	if (!tc_after_xdp) {
		st->rx_packets++;
		st->rx_bytes += skb->len;
	}
	if (tc_after_xdp && tc_mac_restore(skb)) {
		st->kernel_dropped++;
		return TC_ACT_SHOT;
	}
	if (xb_vlan_skb_in(skb, cfg, &d.vlan)) {
		st->kernel_dropped++;
		return TC_ACT_SHOT;
	}
	/* After the restore: the whole frame, as XDP's rx_bytes counted it. */
	len = skb->len;
	if (skb->data + ETH_HLEN > skb->data_end)
		bpf_skb_pull_data(skb, ETH_HLEN);	/* header in a fragment */
	data = (void *)(long)skb->data;
	data_end = (void *)(long)skb->data_end;
	eth = data;
	xb_decide(cfg, sync, cache, (void *)(eth + 1) <= data_end ? eth : NULL, ifindex, &d);

	switch (d.action) {
	case XB_ACT_HOST:
		if (!tc_after_xdp) {
			st->to_host++;
			st->to_host_bytes += len;
		}
		return TC_ACT_OK;
	case XB_ACT_UNICAST:
		p = bpf_map_lookup_elem(&port_slots, &d.slot);
		if (p && p->ifindex == d.ifindex) {
			if (d.vlan.vid && xb_vlan_skb_out(skb, &d.vlan, cfg->vlan_proto,
							  d.vlan.untag_out)) {
				st->kernel_dropped++;
				return TC_ACT_SHOT;
			}
			st->forwarded++;
			st->forwarded_bytes += len;
			if (p->flags & XB_SLOT_PEER)
				return bpf_redirect_peer(d.ifindex, 0);
			return bpf_redirect(d.ifindex, 0);
		}
		/* a port removed under a stale entry: flood */
		/* fallthrough */
	case XB_ACT_FLOOD:
		st->flooded++;
		st->flooded_bytes += len;
		return tc_flood(skb, ifindex, st, cfg, d.kind, &d.vlan);
	default:
		xb_count_outcome(st, &d, len);
		return TC_ACT_SHOT;
	}
}

/*
 * Drops after the decision: the kernel reports a failed XDP redirect and a
 * devmap transmit that dropped frames through these tracepoints (the
 * layouts of /sys/kernel/tracing/events/xdp/.../format, unchanged since
 * 4.18). Charged to the ingress port, whose counters counted the frame.
 */
struct xdp_redirect_err_args {
	__u64 common;
	int prog_id;
	__u32 act;
	int ifindex;
	int err;
	int to_ifindex;
	__u32 map_id;
	int map_index;
};

struct xdp_devmap_xmit_args {
	__u64 common;
	int from_ifindex;
	__u32 act;
	int to_ifindex;
	int drops;
	int sent;
	int err;
};

static __always_inline void kernel_dropped_add(int ifindex, int n)
{
	struct xb_port_info *info;
	struct xb_port_stats *st;
	__u32 key = (__u32)ifindex;

	info = bpf_map_lookup_elem(&port_info, &key);
	if (!info)
		return;		/* not a port of this bridge */
	key = info->slot;
	st = bpf_map_lookup_elem(&port_stats, &key);
	if (st)
		__sync_fetch_and_add(&st->kernel_dropped, n);	/* any CPU's slot */
}

SEC("tracepoint/xdp/xdp_redirect_err")
int xdpbridge_kdrop_redirect(struct xdp_redirect_err_args *a)
{
	kernel_dropped_add(a->ifindex, 1);
	return 0;
}

SEC("tracepoint/xdp/xdp_devmap_xmit")
int xdpbridge_kdrop_xmit(struct xdp_devmap_xmit_args *a)
{
	int drops = xb_egress_unfiltered(a->drops);

	if (drops > 0)
		kernel_dropped_add(a->from_ifindex, drops);
	return 0;
}

/*
 * A port's egress program (one instance per port, its slot in port_slot),
 * in the port's "flood_ports" entry while XB_CFG_EGRESS_FILTER is set: runs
 * on each flooded copy leaving through the port (egress.h). xdp.frags, as
 * xdpbridge_rx: a devmap takes programs of one kind only.
 */
SEC("xdp.frags/devmap")
int xdpbridge_egress(struct xdp_md *ctx)
{
	return xb_egress(ctx, port_slot);
}

SEC("xdp")
int xdpbridge_age(struct xdp_md *ctx)
{
	struct fdb_sweep s = {};

	if (sweep_start(&s))
		return XDP_ABORTED;
	bpf_for_each_map_elem(&fdb_ages, age_block_sweep, &s, 0);
	return sweep_done(&s);
}

SEC("xdp")
int xdpbridge_age_full(struct xdp_md *ctx)
{
	struct fdb_sweep s = {};

	if (sweep_start(&s))
		return XDP_ABORTED;
	bpf_for_each_map_elem(&fdb, fdb_entry_sweep, &s, 0);
	return sweep_done(&s);
}


char LICENSE[] SEC("license") = "Dual BSD/GPL";
