/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* What a device's driver can do with XDP, from the netdev generic-netlink
 * family (kernel >= 6.3). */
#ifndef XB_XDPFEAT_H
#define XB_XDPFEAT_H

#include <linux/types.h>

/* From linux/netdev.h (uapi since 6.3; Debian 12's headers predate it). */
#define XB_NETDEV_XDP_ACT_BASIC		(1ULL << 0)
#define XB_NETDEV_XDP_ACT_REDIRECT	(1ULL << 1)
#define XB_NETDEV_XDP_ACT_NDO_XMIT	(1ULL << 2)

/* The NETDEV_XDP_ACT_* bits of ifindex (in our netns) into *features; 0, or
 * -EOPNOTSUPP when the kernel has no netdev family, or another -errno. */
int xdp_features_get(int ifindex, __u64 *features);

#endif
