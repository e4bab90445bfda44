/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Drops after the data path's decision (MTU, port down, no ndo_xdp_xmit):
 * two tracepoint programs, xdp:xdp_redirect_err and xdp:xdp_devmap_xmit,
 * add them to the ingress port's kernel_dropped. One pair per bridge, their
 * links pinned as kdrop_redirect_err and kdrop_devmap_xmit in its pin dir.
 */
#ifndef XB_KDROP_H
#define XB_KDROP_H

struct xb_bridge;

/* Attach (or re-attach, replacing the pins) the tracepoint programs. Without
 * tracepoint support the bridge works, uncounted: a warning, and 0. */
int bridge_kdrop_attach(const struct xb_bridge *br);

#endif
