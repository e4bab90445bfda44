/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Constants shared by the benchmark's BPF programs (xbgen, xbsink, xbfloor, xbvflood)
 * and its user-space tool (xbbench).
 */
#ifndef XBBENCH_H
#define XBBENCH_H

/* UDP destination port of generated frames; the sink counts and drops only these. */
#define XBB_UDP_PORT		7777
#define XBB_FLOOR_MAX_OUT	64	/* devmap slots of the floor program */

/* xbvflood: the VLAN flood prototype (issue 11's two designs) */
#define XBVF_MAX_PORTS		10	/* ports (slots); one xbvf_filter_N program each */
#define XBVF_DEVMAP_SIZE	64	/* entries of each flood devmap, as xdpbridge's --max-ports */
enum xbvf_design {
	XBVF_FILTER = 0,	/* one devmap of every port, egress programs filter by membership */
	XBVF_PERVLAN,		/* a devmap per VLAN of its members, from an ARRAY_OF_MAPS */
	XBVF_FIXED,		/* a devmap per VLAN, declared in the program, chosen by a switch */
};
#define XBVF_VID		10	/* the flooded VLAN (the ingress port's PVID) */
#define XBVF_VID_OTHER		20	/* the VLAN of the ports outside XBVF_VID */

enum xbb_sink_counter {
	XBB_SINK_FRAMES = 0,
	XBB_SINK_BYTES,
	XBB_SINK_MAX,
};

#endif /* XBBENCH_H */
