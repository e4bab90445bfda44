/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * A bridge is its pinned state under /sys/fs/bpf/xdpbridge/<name>/: the maps
 * and one bpf_link per port (each holding that port's program instance). Any
 * process can open it; the data path keeps forwarding whether or not a loader
 * runs. The bottom of user/: ports (port.h), the FDB (fdb.h) and ageing
 * (ageing.h) build on it, never the other way round.
 */
#ifndef XB_BRIDGE_H
#define XB_BRIDGE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#include "xdpbridge.h"

/* The host interface is veth "<bridge>"; its peer "<bridge>-p", the host
 * port, is a port of the bridge. */
#define XB_HOST_PORT_SUFFIX "-p"

struct xb_bridge {
	char name[XB_IFNAMSIZ];
	char pin_dir[PATH_MAX];
	int fdb_fd;
	int fdb_static_fd;
	int ports_fd;
	int flood_fd;
	int stats_fd;
	int info_fd;
	int config_fd;
	int cache_fd;
	int ages_fd;
	int slots_fd;
	int events_fd;		/* ring buffer of the data path's FDB events */
	int event_bucket_fd;
	int conf_fd;		/* "port_conf": per-port settings and STP state */
	int vlans_fd;		/* "port_vlans": VLAN membership per port */
	int storm_fd;		/* "storm_buckets": storm control's per-CPU token buckets */
	int egress_filtered_fd;	/* "egress_filtered": see bpf/maps.h */
	int learn_fd;		/* "learn_count": learned stations per port (mmapable) */
	__u32 age_block_mask;	/* "fdb_ages" blocks - 1 */
};

struct xdpbridge_bpf;

struct xb_create_opts {
	__u32 ageing_sec;
	__u32 fdb_size;
	__u32 max_ports;	/* sizes ports, flood_ports, port_stats, port_info */
	__u32 max_learned;	/* learned stations the bridge may hold; 0: no limit */
	bool host_port;
};

void bridge_pin_dir(const char *name, char *buf, size_t len);
bool bridge_exists(const char *name);
/* Create and pin the maps, write the config; no program yet (each port loads
 * its own instance, see bridge_prog_load). */
int bridge_create(const char *name, const struct xb_create_opts *opts, struct xb_bridge *br);
/* Open the pinned state; -ENOENT when the bridge is not loaded. */
int bridge_open(const char *name, struct xb_bridge *br);
void bridge_close(struct xb_bridge *br);
/* Detach every port, delete the host interface and every pin: whatever of
 * them exists. */
int bridge_destroy(const char *name);

enum xb_prog {
	XB_PROG_RX,	/* the data path, one instance per port */
	XB_PROG_AGE,	/* the FDB ageing sweeps (index and full walk), run by the control loop */
	XB_PROG_TC,	/* the skb path alone on a port (mode tc) */
	XB_PROG_TC_AFTER_XDP,	/* the skb path behind XDP (modes native, generic) */
	XB_PROG_KDROP,	/* tracepoint programs counting drops after the decision */
	XB_PROG_EGRESS,	/* a port's devmap egress program (policy.h), one instance per port */
};

/* Load one instance of a program sharing the bridge's maps; for XB_PROG_RX,
 * the port's slot (its counters, its devmap key). The caller destroys the
 * skeleton (an attached program stays alive through its link). */
int bridge_prog_load(const struct xb_bridge *br, enum xb_prog which, __u32 port_slot,
		     struct xdpbridge_bpf **skel);

/* An instance's settings (its .rodata) beyond the slot. */
struct xb_prog_opts {
	__u32 port_slot;
	/* XB_PROG_RX on a tun/tap port in native mode: tun hides a guest's
	 * NEEDS_CSUM flag from XDP, so such frames go to the skb path
	 * (bpf/csum.h). */
	bool partial_csum_check;
};

int bridge_prog_load_opts(const struct xb_bridge *br, enum xb_prog which,
			  const struct xb_prog_opts *opts, struct xdpbridge_bpf **skel);

int bridge_config_get(const struct xb_bridge *br, struct xb_config *cfg);
int bridge_config_set(const struct xb_bridge *br, const struct xb_config *cfg);
/* max_entries of a map, 0 when unreadable (fdb: --fdb-size; port_info: --max-ports). */
__u32 bridge_map_capacity(int map_fd);
/* How many ports the bridge was loaded for (--max-ports). */
__u32 bridge_max_ports(const struct xb_bridge *br);

/* The host interface of bridge name: create it (up, offloads set). */
void bridge_host_port_name(const char *name, char *buf, size_t len);
int bridge_host_iface_create(const char *name);

#endif
