/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * A veth port silently loses XDP-redirected frames unless its peer runs NAPI
 * (an XDP program or GRO on), and TCP stalls while the peer sends with TX
 * checksum offload (README.md, "veth caveats"). Find the peer, wherever its netns is, and
 * say exactly which command fixes it.
 */
#ifndef XB_VETHCHECK_H
#define XB_VETHCHECK_H

#include "netlink.h"

/* Print a warning per problem found on port's veth peer; 0 or -errno
 * (failing to inspect the peer is reported by a warning, not an error). */
int veth_peer_warn(const struct nl_link *port);
/* A NIC port in native mode that strips VLAN tags on receive
 * (rx-vlan-offload) hands XDP untagged frames: the tag would be lost.
 * Warns with the fix; veth and tap ports have nothing to strip. */
void nic_rx_vlan_warn(const struct nl_link *port);

#endif
