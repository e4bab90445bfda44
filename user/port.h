/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Ports of a bridge: the registry ("port_info", key ifindex), each port's
 * slot (its key in "ports", "flood_ports" and "port_stats") and its XDP link.
 * Above bridge.h and fdb.h (removing a port drops what was learned on it).
 */
#ifndef XB_PORT_H
#define XB_PORT_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#include "xdpbridge.h"
#include "netlink.h"

struct xb_bridge;

/* A port as `show` and `stats` see it. */
struct port_row {
	__u32 ifindex;
	struct xb_port_info info;
	struct xb_port_stats stats;	/* summed over CPUs */
};

/*
 * Check that ifname can become a port (exists, not loopback, not enslaved,
 * not in any xdpbridge, no XDP program). Prints the error; 0 or -errno.
 */
int port_validate(const char *ifname, struct nl_link *link);
/* The same for every port a command names (also: each once, not the bridge's
 * own host interface), before anything changes. */
int ports_validate(const char *bridge, const char *const *names, int n, bool host_port,
		   struct nl_link *links);
/* Warn about each veth port whose peer drops redirected frames (vethcheck.h),
 * when it is attached with XDP (mode as given to port_add). */
void ports_warn_peers(const struct nl_link *links, int n, enum xb_xdp_mode mode);
/* Bridge owning ifindex, if any: its name into owner; 1 found, 0 not. */
int port_find_owner(int ifindex, char *owner, size_t len);
/*
 * No --mode given: port_add attaches the port in its type's default mode
 * (port_default_mode). User space only: port_info always holds the mode the
 * port was attached in.
 */
#define XB_MODE_AUTO ((enum xb_xdp_mode)3)

/* "native", "generic" or "tc", as the CLI spells them ("auto": none given). */
static inline const char *xb_mode_name(enum xb_xdp_mode mode)
{
	return mode == XB_MODE_AUTO ? "auto" : mode == XB_MODE_TC ? "tc" :
	       mode == XB_MODE_GENERIC ? "generic" : "native";
}

/*
 * A port type's default mode (docs/SKB_PATH.md has the numbers): veth and
 * tun/tap take tc (TCP at the Linux bridge's speed, VLAN tags and checksum
 * state in skb metadata kept, nothing asked of the peer); any other kind
 * native, which port_add turns into tc where the device has no native XDP.
 */
enum xb_xdp_mode port_default_mode(const struct nl_link *link);

/* Attach a port in mode (XB_MODE_AUTO: its type's default, falling back
 * from native to tc with an info line). Prints the error; 0 or -errno. */
int port_add(struct xb_bridge *br, const struct nl_link *link, enum xb_xdp_mode mode, __u32 flags);
/* Detach and forget a port and what was learned on it; tolerant of a port
 * already half gone. */
int port_remove(struct xb_bridge *br, __u32 ifindex);

/* The port's link went down (carrier lost): flush what was learned on it,
 * as the Linux bridge does (the stations may be anywhere when it comes
 * back), and count it (carrier_flushes). Callers hold the lock. Returns the
 * entries removed or -errno. */
int port_carrier_lost(struct xb_bridge *br, __u32 ifindex);
/* The port's interface was renamed (same ifindex): keep its new name in
 * the registry, which show, stats and fdb print. Callers hold the lock. */
int port_rename(struct xb_bridge *br, __u32 ifindex, const char *ifname);

typedef int (*port_cb)(__u32 ifindex, const struct xb_port_info *info, void *ctx);
/* Call cb for every port (stops at the first non-zero return). */
int port_for_each(const struct xb_bridge *br, port_cb cb, void *ctx);
int port_lookup_by_name(const struct xb_bridge *br, const char *ifname, __u32 *ifindex);
/* Every port with its counters summed over CPUs, sorted by name; the caller
 * frees *rows. */
int port_rows_read(const struct xb_bridge *br, struct port_row **rows, size_t *n);

#endif
