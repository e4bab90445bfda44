/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The skb path's attachment: the TC program as a cls_bpf filter on a port's
 * clsact ingress hook, at XB_TC_HANDLE / XB_TC_PRIORITY. libbpf 1.1 has no
 * TC bpf_link, so the filter outlives the loader by itself (no pin); detach,
 * unload and a later loader find it again by ifindex, handle and priority.
 */
#ifndef XB_TC_H
#define XB_TC_H

#include <stdbool.h>
#include <linux/types.h>

/* Attach prog_fd to ifindex's ingress, replacing a filter of ours there
 * (adoption). Prints the error; 0 or -errno. */
int port_tc_attach(int ifindex, const char *ifname, int prog_fd);
/* Remove our filter; 0 also when there is none (port half gone). The
 * clsact qdisc stays: other filters may live on it. */
int port_tc_detach(int ifindex);
/* Id of the program in our filter on ifindex, or 0 when none. */
__u32 port_tc_prog_id(int ifindex);

/* Remove our filter from every port in the bridge's pinned port_info: for a
 * bridge too broken to open, whose TC programs would keep forwarding. */
void ports_tc_detach_pinned(const char *pin_dir);
/* The interface's MTU, or -errno. */
int iface_mtu(const char *ifname);

#endif
