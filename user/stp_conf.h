/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Spanning tree as the data path and the CLI see it: the STP settings (map
 * "stp", "stp_port_conf"), each port's 802.1D state in "port_conf" and its
 * membership of the flood domain. Used by the commands (`set BR stp`, `port
 * set`) and by the control loop (stp_ctl.h), which runs the protocol. Above
 * bridge.h and port.h.
 */
#ifndef XB_STP_CONF_H
#define XB_STP_CONF_H

#include <stdbool.h>
#include <linux/types.h>

#include "xdpbridge.h"

struct xb_bridge;
struct stp_timers;

int stp_conf_get(const struct xb_bridge *br, struct xb_stp *s);
int stp_conf_set(const struct xb_bridge *br, const struct xb_stp *s);
/* The bridge priority and timers the settings say (defaults filled in). */
__u16 stp_conf_priority(const struct xb_stp *s);
void stp_conf_timers(const struct xb_stp *s, struct stp_timers *t);

/* A port's settings; defaults (cost 0: from the link speed) when the slot's
 * record belongs to another port. */
int stp_port_conf_get(const struct xb_bridge *br, __u32 slot, __u32 ifindex,
		      struct xb_stp_port_conf *pc);
int stp_port_conf_set(const struct xb_bridge *br, __u32 slot, const struct xb_stp_port_conf *pc);
/* The port's path cost: its setting, else from its link speed (ethtool). */
__u32 stp_port_cost(const char *ifname, const struct xb_stp_port_conf *pc);

/*
 * The one place that moves a port in or out of the flood domain: the
 * devmap "flood_ports" (XDP) and XB_SLOT_FLOOD in "port_slots" (TC).
 * Floods reach only forwarding ports. 0 or -errno.
 */
int stp_flood_member_set(const struct xb_bridge *br, __u32 slot, __u32 ifindex, bool member);
/* Write a port's STP state into "port_conf" and the flood domain. Callers
 * hold the command lock (read-modify-write of the port's record). */
int stp_port_state_write(const struct xb_bridge *br, __u32 slot, __u32 ifindex, __u32 state);
/* Every port to state: STP on (blocking, until the protocol says otherwise)
 * or off (forwarding, as a bridge without STP). Under the command lock. */
int stp_ports_state_reset(const struct xb_bridge *br, __u32 state);
/* `set BR stp on|off`: on, every port blocks and the control loop starts
 * the protocol afresh; off, every port forwards and the configured ageing
 * time is back. Under the command lock. */
int stp_enable_set(const struct xb_bridge *br, bool on);
/* A port's state as the data path has it (XB_STP_DISABLED when unreadable). */
__u32 stp_port_state_read(const struct xb_bridge *br, __u32 slot);

#endif
