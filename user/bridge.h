/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * A bridge is its pinned state under /sys/fs/bpf/xdpbridge/<name>/: the maps
 * and one bpf_link per port (each holding that port's program instance). Any process can open it; the data
 * path keeps forwarding whether or not a loader runs.
 */
#ifndef XB_BRIDGE_H
#define XB_BRIDGE_H

#include <limits.h>
#include <stdbool.h>
#include <linux/types.h>

#include "xdpbridge.h"
#include "netlink.h"

#define XB_HOST_PEER_SUFFIX "-p"

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
	__u32 age_block_mask;	/* "fdb_ages" blocks - 1 */
};

struct xdpbridge_bpf;

struct xb_create_opts {
	__u32 ageing_sec;
	__u32 fdb_size;
	__u32 max_ports;	/* sizes ports, flood_ports, port_stats, port_info */
	bool host_port;
};

void bridge_pin_dir(const char *name, char *buf, size_t len);
bool bridge_exists(const char *name);
/* Load the program, pin maps and program, write the config. */
int bridge_create(const char *name, const struct xb_create_opts *opts, struct xb_bridge *br);
/* Open the pinned state; -ENOENT when the bridge is not loaded. */
int bridge_open(const char *name, struct xb_bridge *br);
void bridge_close(struct xb_bridge *br);
enum xb_prog {
	XB_PROG_RX,	/* the data path, one instance per port */
	XB_PROG_AGE,	/* the FDB ageing sweeps (index and full walk), run by the control loop */
	XB_PROG_TC,	/* the skb path alone on a port (mode tc) */
	XB_PROG_TC_AFTER_XDP,	/* the skb path behind XDP (modes native, generic) */
	XB_PROG_KDROP,	/* tracepoint programs counting drops after the decision */
};

/* Load one instance of a program sharing the bridge's maps; for XB_PROG_RX,
 * the port's counters slot. The caller destroys the skeleton (an attached
 * program stays alive through its link). */
int bridge_prog_load(const struct xb_bridge *br, enum xb_prog which, __u32 slot,
		     struct xdpbridge_bpf **skel);
/* Remove ports, host interface, pins: whatever of them exists. */
int bridge_destroy(const char *name);

int bridge_config_get(const struct xb_bridge *br, struct xb_config *cfg);
int bridge_config_set(const struct xb_bridge *br, const struct xb_config *cfg);
/*
 * After user space changed the FDB or the ports: recount static entries into
 * config.static_count (the data path's fast skip) and bump
 * config.fdb_generation so no CPU trusts its per-CPU FDB cache. Callers hold
 * the command lock (a read-modify-write of config). The data path's own
 * increments may race with it; a lost one leaves a cache stale for at most
 * XB_CACHE_NS.
 */
int bridge_fdb_changed(const struct xb_bridge *br);

/* Host interface: veth "<name>" in the host, peer "<name>-p" is a port. */
void bridge_host_peer_name(const char *name, char *buf, size_t len);
int bridge_host_iface_create(const char *name);

/*
 * Check that ifname can become a port (exists, not loopback, not enslaved,
 * not in any xdpbridge, no XDP program). Prints the error; 0 or -errno.
 */
int port_validate(const char *ifname, struct nl_link *link);
/* Bridge owning ifindex, if any: its name into owner; 1 found, 0 not. */
int port_find_owner(int ifindex, char *owner, size_t len);
int port_add(struct xb_bridge *br, const struct nl_link *link, enum xb_xdp_mode mode, __u32 flags);
/* Detach and forget a port; tolerant of a port already half gone. */
int port_remove(struct xb_bridge *br, __u32 ifindex);

typedef int (*port_cb)(__u32 ifindex, const struct xb_port_info *info, void *ctx);
/* Call cb for every port (stops at the first non-zero return). */
int port_for_each(const struct xb_bridge *br, port_cb cb, void *ctx);
int port_lookup_by_name(const struct xb_bridge *br, const char *ifname, __u32 *ifindex);

#endif
