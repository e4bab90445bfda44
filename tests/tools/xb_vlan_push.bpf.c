// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * TC egress program for the VLAN transparency tests: puts a VLAN tag on the
 * test frames (ethertype 0x88b5) the way a VLAN device or the Linux bridge
 * does, with bpf_skb_vlan_push. With the device's tx-vlan-offload on, the tag
 * then travels in skb metadata (skb->vlan_tci), not in the frame.
 *
 *   tc filter add dev eth0 egress bpf direct-action obj xb_vlan_push.bpf.o sec tc/ctag
 *
 * tc/ctag: 802.1Q  (TPID 0x8100) PCP 5, VID 10  (TCI 0xa00a)
 * tc/stag: 802.1ad (TPID 0x88a8) PCP 3, VID 20  (TCI 0x6014)
 * Compiled by the integration test itself (clang -target bpf).
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define TEST_ETYPE 0x88b5

static __always_inline int push_tag(struct __sk_buff *skb, __u16 tpid, __u16 tci)
{
	__be16 etype;

	/* Only untagged test frames: ARP and the rest leave as they came. */
	if (skb->vlan_present ||
	    bpf_skb_load_bytes(skb, 12, &etype, sizeof(etype)) ||
	    etype != bpf_htons(TEST_ETYPE))
		return TC_ACT_OK;
	if (bpf_skb_vlan_push(skb, bpf_htons(tpid), tci))
		return TC_ACT_SHOT;	/* never send it untagged by mistake */
	return TC_ACT_OK;
}

SEC("tc/ctag")
int push_ctag(struct __sk_buff *skb)
{
	return push_tag(skb, 0x8100, 5 << 13 | 10);
}

SEC("tc/stag")
int push_stag(struct __sk_buff *skb)
{
	return push_tag(skb, 0x88a8, 3 << 13 | 20);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
