/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The bridge's maps, shared by every program instance (the loader pins them
 * under /sys/fs/bpf/xdpbridge/BRIDGE/ and reuses them by name), and the
 * per-instance constants the loader writes into .rodata.
 */
#ifndef XB_BPF_MAPS_H
#define XB_BPF_MAPS_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "xdpbridge.h"

/* Learned stations; LRU so a full table evicts the least recently used. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, XB_DEFAULT_FDB_SIZE);	/* set by the loader */
	__type(key, struct xb_fdb_key);
	__type(value, struct xb_fdb_entry);
} fdb SEC(".maps");

/* Ageing index (see struct xb_age_record): sized by the loader to
 * xb_age_blocks(FDB size); its mask reaches each program as age_block_mask. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, XB_DEFAULT_FDB_SIZE * 2 / XB_AGE_WAYS);	/* set by the loader */
	__type(key, __u32);
	__type(value, struct xb_age_block);
} fdb_ages SEC(".maps");

/* Static entries, consulted before "fdb"; a plain hash is never evicted. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, XB_MAX_PORTS * 16);
	__type(key, struct xb_fdb_key);
	__type(value, struct xb_fdb_static);
} fdb_static SEC(".maps");

/* Every port, keyed by slot (value: ifindex): known-unicast redirects. An
 * array devmap is the cheapest lookup; the loader sizes it to --max-ports. */
struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP);
	__uint(max_entries, XB_DEFAULT_MAX_PORTS);
	__type(key, __u32);
	__type(value, __u32);
} ports SEC(".maps");

/* The flood domain, keyed by slot; user space owns its membership (e.g. STP
 * blocking). A broadcast redirect walks every slot: keep it small. Values
 * are struct bpf_devmap_val: while XB_CFG_EGRESS_FILTER is set, each entry
 * carries its port's egress program (xdpbridge_egress), else none. */
struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP);
	__uint(max_entries, XB_DEFAULT_MAX_PORTS);
	__type(key, __u32);
	__type(value, struct bpf_devmap_val);
} flood_ports SEC(".maps");

/* Every port again, keyed by slot, for the TC program (struct xb_port_slot):
 * it redirects by ifindex and floods by walking this array. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, XB_DEFAULT_MAX_PORTS);
	__type(key, __u32);
	__type(value, struct xb_port_slot);
} port_slots SEC(".maps");

/* Per-port settings and STP state, keyed by slot (struct xb_port_conf). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, XB_DEFAULT_MAX_PORTS);
	__type(key, __u32);
	__type(value, struct xb_port_conf);
} port_conf SEC(".maps");

/* STP settings and the control loop's heartbeat (struct xb_stp); the data
 * path reads only whether the loop is alive. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xb_stp);
} stp SEC(".maps");

/* The STP engine's saved state (user space only): the bridge's, and each
 * port's keyed by slot; and the per-port settings. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xb_stp_bridge);
} stp_bridge SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, XB_DEFAULT_MAX_PORTS);
	__type(key, __u32);
	__type(value, struct xb_stp_port);
} stp_ports SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, XB_DEFAULT_MAX_PORTS);
	__type(key, __u32);
	__type(value, struct xb_stp_port_conf);
} stp_port_conf SEC(".maps");

/* VLAN membership per port slot (struct xb_port_vlans). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, XB_DEFAULT_MAX_PORTS);
	__type(key, __u32);
	__type(value, struct xb_port_vlans);
} port_vlans SEC(".maps");

/* Storm control: per port slot, each CPU's token buckets (struct xb_storm_bucket). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, XB_DEFAULT_MAX_PORTS);
	__type(key, __u32);
	__type(value, struct xb_storm_bucket);
} storm_buckets SEC(".maps");

/*
 * Flood copies this CPU's egress programs filtered out since the kernel last
 * reported a devmap transmit: the xdp_devmap_xmit tracepoint counts them as
 * drops, and the kdrop program takes them back out of kernel_dropped.
 */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} egress_filtered SEC(".maps");

/* Learned stations per port slot and in all (XB_LEARN_TOTAL), for the
 * learning limits; mmapable so the loader's re-sync adds atomically. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, XB_LEARN_SLOTS);
	__type(key, __u32);
	__type(value, __s64);
} learn_count SEC(".maps");

/* Counters per port slot: an array lookup is inlined, a hash one is not. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, XB_DEFAULT_MAX_PORTS);
	__type(key, __u32);
	__type(value, struct xb_port_stats);
} port_stats SEC(".maps");

/* Port registry for user space (names survive the interface's removal). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, XB_DEFAULT_MAX_PORTS);
	__type(key, __u32);
	__type(value, struct xb_port_info);
} port_info SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xb_config);
} config SEC(".maps");

/* Counters both sides bump atomically (struct xb_fdb_sync); user space
 * mmaps it. Apart from "config", whose settings user space writes whole. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct xb_fdb_sync);
} fdb_sync SEC(".maps");

/* Each CPU's last source and destination: a hit skips both hash lookups. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xb_fdb_cache);
} fdb_cache SEC(".maps");

/* FDB events for `monitor` (struct xb_event), see XB_EVENTS_RATE. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, XB_EVENTS_RING_SIZE);
} events SEC(".maps");

/* Each CPU's token bucket for "events". */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xb_event_bucket);
} event_bucket SEC(".maps");

/*
 * Each port runs its own instance of this program (same maps), loaded with
 * the port's slot: the ingress port's counters need no lookup by ifindex.
 */
const volatile __u32 port_slot = 0;
const volatile __u32 age_block_mask = 0;	/* "fdb_ages" blocks - 1 */
/*
 * TC instance only: 1 when the XDP program runs before it on the same port
 * (native and generic modes). XDP has then counted the frame's rx and, for a
 * frame it passed to the host, its outcome; TC counts only the outcome of
 * what XDP handed to the skb path.
 */
const volatile __u32 tc_after_xdp = 0;
/*
 * XDP instance only: 1 on a tun/tap port in native mode, where a guest's
 * checksum-offloaded frame reaches XDP without its NEEDS_CSUM flag (csum.h).
 * 0 elsewhere: the verifier then removes the check, veth and NIC ports pay
 * nothing.
 */
const volatile __u32 partial_csum_check = 0;
/*
 * XDP instance only: 1 where the kernel's XDP redirect loses multi-buffer
 * (jumbo) frames (6.1: counted forwarded, never delivered): such a frame goes
 * to the skb path, which forwards it. 0 (6.12 and later): XDP redirects it.
 */
const volatile __u32 frags_to_skb = 0;

#endif /* XB_BPF_MAPS_H */
