/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Constants shared by the benchmark's BPF programs (xbgen, xbsink, xbfloor)
 * and its user-space tool (xbbench).
 */
#ifndef XBBENCH_H
#define XBBENCH_H

/* UDP destination port of generated frames; the sink counts and drops only these. */
#define XBB_UDP_PORT		7777
#define XBB_FLOOR_MAX_OUT	64	/* devmap slots of the floor program */

enum xbb_sink_counter {
	XBB_SINK_FRAMES = 0,
	XBB_SINK_BYTES,
	XBB_SINK_MAX,
};

#endif /* XBBENCH_H */
