/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Per-port policy (`port set`): the "port_conf" record of each port slot,
 * and what the data path needs to obey it: the config flags
 * XB_CFG_PORT_POLICY and XB_CFG_EGRESS_FILTER, and each flood_ports entry's
 * egress program. Above bridge.h only (ports are found through
 * "port_slots"), so port.c can call it.
 */
#ifndef XB_POLICY_H
#define XB_POLICY_H

#include <stdbool.h>
#include <linux/types.h>

#include "xdpbridge.h"

struct xb_bridge;

/* The settings of the port in slot. 0 or -errno. */
int port_conf_read(const struct xb_bridge *br, __u32 slot, struct xb_port_conf *conf);
/* Write them, then bring the data path in step (policy_sync). 0 or -errno;
 * prints the error. */
int port_conf_write(const struct xb_bridge *br, __u32 slot, const struct xb_port_conf *conf);

/* Does conf differ from the defaults in a way the ingress must check
 * (XB_CFG_PORT_POLICY) / that filters floods per egress port? */
bool port_conf_needs_ingress(const struct xb_port_conf *conf);
bool port_conf_needs_egress(const struct xb_port_conf *conf);

/*
 * From every port's settings: set or clear XB_CFG_PORT_POLICY and
 * XB_CFG_EGRESS_FILTER, and give every flood_ports entry its port's egress
 * program while floods are filtered (none otherwise: a default bridge's
 * floods pay nothing). Idempotent; callers hold the command lock. 0 or
 * -errno; prints the error.
 */
int policy_sync(const struct xb_bridge *br);

/* Put the port (slot, ifindex) into the flood domain: its flood_ports entry,
 * with its egress program while the bridge filters floods. 0 or -errno. */
int policy_flood_add(const struct xb_bridge *br, __u32 slot, __u32 ifindex);

#endif
