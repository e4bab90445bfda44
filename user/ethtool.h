/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* The offload settings a veth needs right for XDP redirect (README.md, "veth caveats"). */
#ifndef XB_ETHTOOL_H
#define XB_ETHTOOL_H

#include <stdbool.h>

/* In the calling thread's netns; 0/1, or a negative errno. */
int ethtool_get_gro(const char *ifname);
int ethtool_set_gro(const char *ifname, bool on);
int ethtool_get_tx_csum(const char *ifname);
int ethtool_set_tx_csum(const char *ifname, bool on);
/* tx-vlan-offload: on, a sent tag travels beside the frame, where XDP on
 * the peer cannot see it and a redirect loses it. */
int ethtool_get_tx_vlan(const char *ifname);
int ethtool_set_tx_vlan(const char *ifname, bool on);
/* rx-vlan-offload: on, a NIC strips a received tag into its descriptor,
 * where native XDP does not see it. */
int ethtool_get_rx_vlan(const char *ifname);
/* tx-vlan-stag-hw-insert: the same for 802.1ad (S-tag, 0x88a8) tags, a
 * separate feature that txvlan does not touch. -ENOENT: no such feature. */
int ethtool_get_tx_vlan_stag(const char *ifname);
int ethtool_set_tx_vlan_stag(const char *ifname, bool on);

/* Link speed in Mb/s (STP's default path cost); 0 when unknown. */
int ethtool_get_speed(const char *ifname);

#endif
