/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Every type, constant and map layout shared by the XDP data path (bpf/) and
 * the loader (user/). Fixed-width types and explicit padding only: the same
 * bytes are read by the BPF program, by the loader and by `bpftool map dump`.
 */
#ifndef XDPBRIDGE_H
#define XDPBRIDGE_H

#include <linux/types.h>

#define XB_ETH_ALEN		6
#define XB_IFNAMSIZ		16
#define XB_MAX_PORTS		1024	/* devmap / port-table capacity */
#define XB_DEFAULT_FDB_SIZE	65536
#define XB_DEFAULT_AGEING_SEC	300	/* IEEE 802.1D default */
/* A learned entry is rewritten at most this often while its port is unchanged. */
#define XB_REFRESH_NS		1000000000ULL
#define XB_VLAN_NONE		0	/* VLAN id used until VLAN filtering exists */

/* FDB key: MAC plus VLAN id, so VLAN filtering needs no new layout. */
struct xb_fdb_key {
	__u8 mac[XB_ETH_ALEN];
	__u16 vlan;
};

/* Learned entry (LRU hash "fdb"). */
struct xb_fdb_entry {
	__u32 ifindex;		/* port the MAC was last seen on */
	__u32 pad;
	__u64 last_seen_ns;	/* bpf_ktime_get_coarse_ns(): CLOCK_MONOTONIC_COARSE */
};

/* Static entry (plain hash "fdb_static"): never evicted, never moved. */
struct xb_fdb_static {
	__u32 ifindex;
	__u32 pad;
};

/* Bridge-wide settings (array "config", one element), read on every frame. */
struct xb_config {
	__u64 ageing_ns;	/* a learned entry older than this is unknown */
	__u32 static_count;	/* 0 lets the data path skip "fdb_static" */
	__u32 flags;		/* XB_CFG_* */
};

#define XB_CFG_HOST_PORT	(1U << 0)	/* bridge owns a host veth pair */

/* Port registry (hash "port_info", key ifindex): read by user space only. */
struct xb_port_info {
	char ifname[XB_IFNAMSIZ];
	__u32 flags;		/* XB_PORT_* */
	__u32 xdp_mode;		/* enum xb_xdp_mode */
	__u32 slot;		/* index into "port_stats"; the port program's port_slot */
	__u32 pad;
};

#define XB_PORT_HOST	(1U << 0)	/* the peer of the bridge's host interface */

enum xb_xdp_mode {
	XB_MODE_NATIVE = 0,
	XB_MODE_GENERIC = 1,
};

/* Why a frame was dropped; indexes xb_port_stats.dropped[]. */
enum xb_drop_reason {
	XB_DROP_RUNT = 0,	/* shorter than an Ethernet header */
	XB_DROP_BAD_SRC,	/* multicast or all-zero source MAC */
	XB_DROP_REFLECT,	/* destination lives on the ingress port */
	XB_DROP_MAX,
};

/* Per-port, per-CPU counters (per-CPU array "port_stats", key: port slot). */
struct xb_port_stats {
	__u64 rx_packets;
	__u64 rx_bytes;
	__u64 forwarded;	/* known unicast redirected to one port */
	__u64 flooded;		/* broadcast, multicast or unknown unicast */
	__u64 to_host;		/* passed to this interface's own stack */
	__u64 dropped[XB_DROP_MAX];
};

#endif /* XDPBRIDGE_H */
