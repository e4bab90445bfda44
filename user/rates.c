// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <string.h>

#include "rates.h"

static double per_sec(__u64 before, __u64 now, __u64 interval_ns)
{
	__u64 delta = now >= before ? now - before : now;

	return interval_ns ? (double)delta * 1e9 / (double)interval_ns : 0.0;
}

static __u64 dropped(const struct xb_port_stats *s)
{
	__u64 sum = 0;

	for (int r = 0; r < XB_DROP_MAX; r++)
		sum += s->dropped[r];
	return sum;
}

static const struct port_row *find(const struct port_row *rows, size_t n, __u32 ifindex)
{
	for (size_t i = 0; i < n; i++)
		if (rows[i].ifindex == ifindex)
			return &rows[i];
	return NULL;
}

void rates_compute(const struct port_row *prev, size_t nprev, const struct port_row *cur,
		   size_t ncur, __u64 interval_ns, struct port_rates *out)
{
	for (size_t i = 0; i < ncur; i++) {
		const struct port_row *c = &cur[i], *p = find(prev, nprev, c->ifindex);
		const struct xb_port_stats *a, *b = &c->stats;
		struct port_rates *r = &out[i];

		memset(r, 0, sizeof(*r));
		r->ifindex = c->ifindex;
		memcpy(r->ifname, c->info.ifname, sizeof(r->ifname));
		r->ifname[sizeof(r->ifname) - 1] = '\0';
		r->host = c->info.flags & XB_PORT_HOST;
		/* A new port, or the same ifindex under another name (another
		 * interface): no earlier reading of its counters. */
		if (!p || strncmp(p->info.ifname, c->info.ifname, sizeof(r->ifname))) {
			r->fresh = true;
			continue;
		}
		a = &p->stats;
		r->rx_pps = per_sec(a->rx_packets, b->rx_packets, interval_ns);
		r->rx_bps = 8 * per_sec(a->rx_bytes, b->rx_bytes, interval_ns);
		r->forwarded_pps = per_sec(a->forwarded, b->forwarded, interval_ns);
		r->flooded_pps = per_sec(a->flooded, b->flooded, interval_ns);
		r->to_host_pps = per_sec(a->to_host, b->to_host, interval_ns);
		r->dropped_pps = per_sec(dropped(a), dropped(b), interval_ns);
		r->forwarded_bps = 8 * per_sec(a->forwarded_bytes, b->forwarded_bytes, interval_ns);
		r->flooded_bps = 8 * per_sec(a->flooded_bytes, b->flooded_bytes, interval_ns);
		r->to_host_bps = 8 * per_sec(a->to_host_bytes, b->to_host_bytes, interval_ns);
		r->dropped_bps = 8 * per_sec(a->dropped_bytes, b->dropped_bytes, interval_ns);
		r->learn_limit_pps = per_sec(a->learn_limit, b->learn_limit, interval_ns);
	}
}
