/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The control loop's spanning tree: while the bridge has STP on, it runs
 * the 802.1D engine (stp.h) on the bridge's ports. BPDUs come from one packet
 * socket (ETH_P_802_2, filtered to 01:80:C2:00:00:00) that sees only what the
 * data path passes up, i.e. BPDUs of the bridge's ports (the ingress ifindex
 * says which); the engine's BPDUs leave through the same socket. States go to
 * the data path (stp_conf.h), the engine's state to the pinned maps after
 * every change, and a heartbeat to "stp" every tick (see struct xb_stp).
 */
#ifndef XB_STP_CTL_H
#define XB_STP_CTL_H

#include <stdint.h>

struct xb_bridge;
struct stp_ctl;

struct stp_ctl *stp_ctl_open(struct xb_bridge *br);
void stp_ctl_close(struct stp_ctl *s);
/* Follow the settings, ports and links; run the engine's timers; write the
 * heartbeat. Starts or stops the engine as XB_CFG_STP says. Returns how long
 * the loop may sleep, in ms (UINT32_MAX: STP is off). */
uint32_t stp_ctl_tick(struct stp_ctl *s);
/* The socket to poll for BPDUs, -1 while STP is off. */
int stp_ctl_fd(const struct stp_ctl *s);
/* Read every pending BPDU and feed it to the engine. */
void stp_ctl_rx(struct stp_ctl *s);

#endif
