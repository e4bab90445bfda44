/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * VLAN filtering from user space: the bridge's switches (filtering, protocol,
 * default PVID in "config") and each port's membership ("port_vlans") and
 * PVID ("port_conf"), with the Linux bridge's rules (br_vlan.c). Above
 * bridge.h and fdb.h; the data path's side is bpf/vlan.h.
 */
#ifndef XB_VLAN_H
#define XB_VLAN_H

#include <stdbool.h>
#include <linux/types.h>

#include "xdpbridge.h"

struct xb_bridge;

#define XB_VLANF_PVID		(1U << 0)	/* `pvid`: untagged frames in get this VID */
#define XB_VLANF_UNTAGGED	(1U << 1)	/* `untagged`: frames of it leave untagged */

static inline bool vlan_bit(const __u64 *bitmap, __u32 vid)
{
	return (bitmap[vid / 64] >> (vid % 64)) & 1;
}

/* "VID" or "VID-VID", each 1..4094, ascending: 0, or -EINVAL. Pure (in
 * settings.c, which the bridge file shares with the commands). */
int vlan_range_parse(const char *s, __u16 *lo, __u16 *hi);

/* A port's membership and PVID (0: none). */
int vlan_port_get(const struct xb_bridge *br, __u32 slot, struct xb_port_vlans *pv, __u16 *pvid);
/*
 * Add VIDs lo..hi to the port in slot, as `bridge vlan add`: flags replace
 * those of a VID already there (re-adding without `pvid` clears the PVID, as
 * the Linux bridge does). XB_VLANF_PVID only with lo == hi: -EINVAL.
 */
int vlan_add(const struct xb_bridge *br, __u32 slot, __u16 lo, __u16 hi, __u32 flags);
/* Remove VIDs lo..hi (and the PVID among them) and forget the learned
 * stations of the port in those VLANs. */
int vlan_del(const struct xb_bridge *br, __u32 slot, __u32 ifindex, __u16 lo, __u16 hi);
/* A new port (port_add): the bridge's default PVID, `pvid untagged`. */
int vlan_port_join(const struct xb_bridge *br, __u32 slot);

int vlan_set_filtering(const struct xb_bridge *br, bool on);
/* proto: XB_VLAN_PROTO_8021Q or XB_VLAN_PROTO_8021AD. */
int vlan_set_protocol(const struct xb_bridge *br, __u16 proto);
/* Every port whose PVID is the old default, `pvid untagged`, moves to vid
 * (0: none), as the Linux bridge's default_pvid does. */
int vlan_set_default_pvid(const struct xb_bridge *br, __u16 vid);

#endif
