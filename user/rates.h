/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Per-second rates of each port between two readings of its counters, for
 * `top`. Pure: unit tested.
 *
 * The data path counts frames and bytes per class (forwarded, flooded, to
 * host, dropped), each frame once; to_skb is no class (its outcome is
 * counted by the TC program), so the classes add up to what was received
 * once the handed-over frames are decided.
 */
#ifndef XB_RATES_H
#define XB_RATES_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#include "port.h"
#include "xdpbridge.h"

struct port_rates {
	__u32 ifindex;
	char ifname[XB_IFNAMSIZ];
	bool host;		/* the bridge's host port */
	bool fresh;		/* not in the earlier reading: no rate yet (zeros) */
	double rx_pps;		/* frames per second received */
	double rx_bps;		/* bits per second received */
	double forwarded_pps;
	double flooded_pps;
	double to_host_pps;
	double dropped_pps;	/* every drop reason */
	double forwarded_bps;	/* bits per second of each class */
	double flooded_bps;
	double to_host_bps;
	double dropped_bps;
	double learn_limit_pps;	/* frames whose source was not learned (max_learned): no class */
};

/* Rates of each port of cur (in its order) against prev over interval_ns
 * into out (room for ncur). Ports are matched by ifindex; a counter lower
 * than before (the port was removed and added again) counts from zero. */
void rates_compute(const struct port_row *prev, size_t nprev, const struct port_row *cur,
		   size_t ncur, __u64 interval_ns, struct port_rates *out);

#endif
