// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Receiver: counts generated frames (IPv4/UDP to XBB_UDP_PORT, with or without
 * one 802.1Q/802.1ad tag in the data) into a per-CPU array and drops them;
 * every other frame (ARP, TCP, echo traffic) passes.
 * Attached to a veth, it also gives the veth the NAPI context that frames
 * XDP-redirected into it need.
 * xbsink_tc does the same at TC ingress, for skbs that skip XDP: a TC
 * bpf_redirect_peer (xdpbridge --mode tc) hands the skb straight to the
 * peer's ingress, so the peer's XDP program never sees it.
 */
#include <stdbool.h>
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/in.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "xbbench.h"

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, XBB_SINK_MAX);
	__type(key, __u32);
	__type(value, __u64);
} xbsink_counts SEC(".maps");

/* Whether [data, data_end) is a generated frame (IPv4/UDP to XBB_UDP_PORT). */
static __always_inline bool is_generated(void *data, void *data_end)
{
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	struct udphdr *udp;
	__u16 proto;

	if ((void *)(eth + 1) > data_end)
		return false;
	proto = eth->h_proto;
	if (proto == bpf_htons(ETH_P_8021Q) || proto == bpf_htons(ETH_P_8021AD)) {
		/* the tag's TCI, then the inner EtherType */
		if ((void *)ip + 4 > data_end)
			return false;
		proto = *(__u16 *)((void *)ip + 2);
		ip = (void *)ip + 4;
	}
	udp = (void *)(ip + 1);
	if ((void *)(udp + 1) > data_end)
		return false;
	return proto == bpf_htons(ETH_P_IP) && ip->protocol == IPPROTO_UDP &&
	       udp->dest == bpf_htons(XBB_UDP_PORT);
}

static __always_inline void count(__u64 bytes)
{
	__u32 key = XBB_SINK_FRAMES;
	__u64 *v;

	v = bpf_map_lookup_elem(&xbsink_counts, &key);
	if (v)
		*v += 1;
	key = XBB_SINK_BYTES;
	v = bpf_map_lookup_elem(&xbsink_counts, &key);
	if (v)
		*v += bytes;
}

static __always_inline int sink(struct xdp_md *ctx, bool frags)
{
	void *data_end = (void *)(long)ctx->data_end;
	void *data = (void *)(long)ctx->data;

	if (!is_generated(data, data_end))
		return XDP_PASS;
	count(frags ? bpf_xdp_get_buff_len(ctx) : (__u64)(data_end - data));
	return XDP_DROP;
}

SEC("xdp")
int xbsink(struct xdp_md *ctx)
{
	return sink(ctx, false);
}

/* The same for jumbo frames: a frags-aware program lets a veth take MTU 9000. */
SEC("xdp.frags")
int xbsink_frags(struct xdp_md *ctx)
{
	return sink(ctx, true);
}

/* At TC ingress: counts and drops generated skbs (the headers are linear here). */
SEC("tc")
int xbsink_tc(struct __sk_buff *skb)
{
	if (!is_generated((void *)(long)skb->data, (void *)(long)skb->data_end))
		return TC_ACT_OK;
	count(skb->len);
	return TC_ACT_SHOT;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
