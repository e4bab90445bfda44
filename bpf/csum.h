/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * A guest's checksum-offloaded frame through tun's native XDP path.
 *
 * A guest with checksum offload (virtio-net's default) sends TCP and UDP with
 * VIRTIO_NET_HDR_F_NEEDS_CSUM and, in the checksum field, only the
 * pseudo-header sum for the device to complete. tun runs native XDP on such
 * a frame before it reads the vnet header into an skb (tun_build_skb,
 * tun_xdp_one): the program cannot see the flag, and a redirect forwards the
 * frame with the checksum never completed. On XDP_PASS tun builds the skb
 * from the header (CHECKSUM_PARTIAL) and the TC program forwards that.
 *
 * So a tap port's XDP program hands the skb path every frame whose TCP or
 * UDP checksum field holds the pseudo-header seed: the sender's
 * ~csum_tcpudp_magic(saddr, daddr, len, proto, 0), i.e. the folded
 * ones'-complement sum of the pseudo-header, not inverted. Cheap (addresses,
 * protocol, L4 length; no payload walk). A complete checksum equals the seed
 * by 1-in-65536 chance: such a frame just takes the slower, still correct,
 * skb path.
 *
 * Recognised: IPv4 (options allowed, not a fragment) and IPv6 whose next
 * header is TCP or UDP directly, untagged or behind one 802.1Q / 802.1ad tag.
 * Not recognised (forwarded by XDP as they are): IPv6 extension headers
 * before TCP/UDP, offload of an inner checksum inside a tunnel.
 */
#ifndef XB_BPF_CSUM_H
#define XB_BPF_CSUM_H

#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <bpf/bpf_endian.h>
#include "xdpbridge.h"

#define XB_IP_FRAG_MASK		0x3fff	/* IP_MF | IP_OFFSET */

struct xb_vlan_hdr {
	__be16 tci;
	__be16 proto;		/* what follows the tag */
};

/* A ones'-complement sum of 32-bit words folded to 16 bits (0 only for 0). */
static __always_inline __u32 xb_csum_fold(__u64 sum)
{
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__u32)sum;
}

/*
 * Does the frame in [data, data_end) carry a TCP or UDP checksum field equal
 * to its pseudo-header seed? Words are summed as they lie in memory, so the
 * fold compares with the field as read, in either byte order.
 */
static __always_inline int xb_l4_csum_is_seed(void *data, void *data_end)
{
	struct ethhdr *eth = data;
	void *l3 = eth + 1, *l4;
	__u32 seed, l4len;
	__u16 *field;
	__u64 sum;
	__be16 proto;
	__u8 l4proto;

	/* A frame for the host is counted to_host by XDP, not handed over. */
	if (l3 > data_end || xb_mac_is_link_local(eth->h_dest))
		return 0;
	proto = eth->h_proto;
	if (proto == bpf_htons(ETH_P_8021Q) || proto == bpf_htons(ETH_P_8021AD)) {
		struct xb_vlan_hdr *tag = l3;

		if ((void *)(tag + 1) > data_end)
			return 0;
		proto = tag->proto;
		l3 = tag + 1;
	}

	if (proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *ip = l3;
		__u32 ihl;

		if ((void *)(ip + 1) > data_end)
			return 0;
		ihl = ip->ihl * 4;
		if (ihl < sizeof(*ip) || (ip->frag_off & bpf_htons(XB_IP_FRAG_MASK)))
			return 0;
		l4len = bpf_ntohs(ip->tot_len);
		if (l4len < ihl)
			return 0;
		l4len -= ihl;
		l4proto = ip->protocol;
		sum = (__u64)ip->saddr + ip->daddr;
		l4 = l3 + ihl;
	} else if (proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = l3;

		if ((void *)(ip6 + 1) > data_end)
			return 0;
		l4len = bpf_ntohs(ip6->payload_len);	/* 0: a jumbogram, never offloaded */
		l4proto = ip6->nexthdr;
		sum = (__u64)ip6->saddr.in6_u.u6_addr32[0] + ip6->saddr.in6_u.u6_addr32[1] +
		      ip6->saddr.in6_u.u6_addr32[2] + ip6->saddr.in6_u.u6_addr32[3] +
		      ip6->daddr.in6_u.u6_addr32[0] + ip6->daddr.in6_u.u6_addr32[1] +
		      ip6->daddr.in6_u.u6_addr32[2] + ip6->daddr.in6_u.u6_addr32[3];
		l4 = ip6 + 1;
	} else {
		return 0;
	}

	if (l4proto == IPPROTO_TCP)
		field = l4 + 16;	/* struct tcphdr.check */
	else if (l4proto == IPPROTO_UDP)
		field = l4 + 6;		/* struct udphdr.check */
	else
		return 0;
	if ((void *)(field + 1) > data_end)
		return 0;
	/* The rest of the pseudo-header: a zero byte and the protocol, the
	 * L4 length (IPv6: 32 bits, the high half zero). */
	sum += bpf_htons((__u16)l4proto) + bpf_htons((__u16)l4len);
	seed = xb_csum_fold(sum);
	/* A seed of 0xffff (a sum that is 0 mod 0xffff) some senders write as 0. */
	return *field == seed || (seed == 0xffff && *field == 0);
}

#endif /* XB_BPF_CSUM_H */
