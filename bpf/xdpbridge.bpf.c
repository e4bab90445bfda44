// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * xdpbridge data path: one XDP program attached to every port of a bridge.
 *
 * Per frame: count, validate the Ethernet header, learn the source MAC, then
 * redirect known unicast to its port through "ports", flood everything else
 * through "flood_ports" (BPF_F_BROADCAST | BPF_F_EXCLUDE_INGRESS), and pass
 * IEEE link-local frames (01:80:C2:00:00:0X) to the host stack.
 *
 * By concern, as the kernel's selftests split theirs: maps.h (maps and
 * per-instance constants), fdb_key.h, ageing.h (ageing index and sweeps),
 * fdb.h (learn and lookup). This file holds the programs only.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <bpf/bpf_helpers.h>
#include "xdpbridge.h"
#include "maps.h"
#include "fdb_key.h"
#include "ageing.h"
#include "fdb.h"

SEC("xdp")
int xdpbridge_rx(struct xdp_md *ctx)
{
	void *data_end = (void *)(long)ctx->data_end;
	void *data = (void *)(long)ctx->data;
	__u32 ifindex = ctx->ingress_ifindex;
	struct xb_port_stats *st;
	struct xb_fdb_cache *cache;
	struct xb_config *cfg;
	struct xb_fdb_key key;
	struct ethhdr *eth = data;
	__u32 zero = 0, slot = port_slot, out, out_slot = 0, gen;
	__u64 now;
	long ret;

	st = bpf_map_lookup_elem(&port_stats, &slot);
	cfg = bpf_map_lookup_elem(&config, &zero);
	cache = bpf_map_lookup_elem(&fdb_cache, &zero);
	if (!st || !cfg || !cache)
		return XDP_PASS;	/* cannot happen: arrays, slot < max ports */

	st->rx_packets++;
	st->rx_bytes += data_end - data;

	if ((void *)(eth + 1) > data_end) {
		st->dropped[XB_DROP_RUNT]++;
		return XDP_DROP;
	}
	if (!xb_mac_is_station(eth->h_source)) {
		st->dropped[XB_DROP_BAD_SRC]++;
		return XDP_DROP;
	}
	if (xb_mac_is_link_local(eth->h_dest)) {
		st->to_host++;
		return XDP_PASS;
	}

	now = bpf_ktime_get_coarse_ns();
	/* Read before any lookup: a change after it makes the caches miss. */
	gen = cfg->fdb_generation;
	fdb_key_set(&key, eth->h_source, XB_VLAN_NONE);
	fdb_learn(cfg, cache, gen, &key, ifindex, now);

	if (!xb_mac_is_multicast(eth->h_dest)) {
		fdb_key_set(&key, eth->h_dest, XB_VLAN_NONE);
		out = fdb_lookup(cfg, cache, gen, &key, now, &out_slot);
		if (out == ifindex) {
			st->dropped[XB_DROP_REFLECT]++;
			return XDP_DROP;
		}
		if (out) {
			/* A port removed under a stale entry falls back to flooding. */
			ret = bpf_redirect_map(&ports, out_slot, 0);
			if (ret == XDP_REDIRECT) {
				st->forwarded++;
				return ret;
			}
		}
	}
	st->flooded++;
	return bpf_redirect_map(&flood_ports, 0, BPF_F_BROADCAST | BPF_F_EXCLUDE_INGRESS);
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
