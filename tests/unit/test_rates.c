// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* top's per-second rates between two readings. */
#include <stdio.h>
#include <criterion/criterion.h>

#include "print.h"
#include "rates.h"

#define MS 1000000ULL

/* Equal up to rounding. */
static bool near(double a, double b)
{
	double d = a > b ? a - b : b - a;

	return d <= 1e-9 * (b > 0 ? b : -b) + 1e-12;
}

static struct port_row row(__u32 ifindex, const char *name, __u64 rx, __u64 bytes, __u64 fwd,
			   __u64 flood, __u64 host, __u64 drop)
{
	struct port_row r = { .ifindex = ifindex };

	snprintf(r.info.ifname, sizeof(r.info.ifname), "%s", name);
	r.stats = (struct xb_port_stats){ .rx_packets = rx, .rx_bytes = bytes, .forwarded = fwd,
					  .flooded = flood, .to_host = host,
					  .dropped = { drop, 1, 0 } };
	return r;
}

Test(rates, per_second_over_the_interval)
{
	struct port_row prev[] = { row(5, "eth1", 100, 10000, 50, 40, 10, 0) };
	struct port_row cur[] = { row(5, "eth1", 300, 30000, 150, 80, 30, 40) };
	struct port_rates r;

	rates_compute(prev, 1, cur, 1, 500 * MS, &r);	/* half a second */
	cr_assert_not(r.fresh, "known port");
	cr_assert_str_eq(r.ifname, "eth1", "name");
	cr_assert(near(r.rx_pps, 400.0), "200 frames in 0.5 s: %f", r.rx_pps);
	cr_assert(near(r.rx_bps, 320000.0), "20000 bytes in 0.5 s = 320 kbit/s: %f", r.rx_bps);
	cr_assert(near(r.forwarded_pps, 200.0), "forwarded: %f", r.forwarded_pps);
	cr_assert(near(r.flooded_pps, 80.0), "flooded: %f", r.flooded_pps);
	cr_assert(near(r.to_host_pps, 40.0), "to host: %f", r.to_host_pps);
	cr_assert(near(r.dropped_pps, 80.0), "every drop reason summed: %f", r.dropped_pps);
}

/* Each class's bits/s from its own byte counter, each field from its own. */
Test(rates, bits_per_second_by_class)
{
	struct port_row prev[] = { row(5, "eth1", 0, 0, 0, 0, 0, 0) };
	struct port_row cur[] = { row(5, "eth1", 0, 0, 0, 0, 0, 0) };
	struct port_rates r;

	prev[0].stats.forwarded_bytes = 1000;
	prev[0].stats.flooded_bytes = 2000;
	prev[0].stats.to_host_bytes = 3000;
	prev[0].stats.dropped_bytes = 4000;
	cur[0].stats.forwarded_bytes = 1000 + 125000;	/* 1 Mbit in 0.5 s */
	cur[0].stats.flooded_bytes = 2000 + 12500;
	cur[0].stats.to_host_bytes = 3000 + 1250;
	cur[0].stats.dropped_bytes = 4000 + 125;
	rates_compute(prev, 1, cur, 1, 500 * MS, &r);
	cr_assert(near(r.forwarded_bps, 2e6), "forwarded: %f", r.forwarded_bps);
	cr_assert(near(r.flooded_bps, 2e5), "flooded: %f", r.flooded_bps);
	cr_assert(near(r.to_host_bps, 2e4), "to host: %f", r.to_host_bps);
	cr_assert(near(r.dropped_bps, 2e3), "dropped: %f", r.dropped_bps);

	cur[0].stats.flooded_bytes = 500;	/* port re-added: counts from zero */
	rates_compute(prev, 1, cur, 1, 1000 * MS, &r);
	cr_assert(near(r.flooded_bps, 4000.0), "flooded after a reset: %f", r.flooded_bps);
}

Test(rates, ports_matched_by_ifindex_new_ones_fresh)
{
	struct port_row prev[] = { row(7, "eth2", 0, 0, 0, 0, 0, 0), row(5, "eth1", 10, 0, 0, 0, 0, 0) };
	struct port_row cur[] = { row(5, "eth1", 20, 0, 0, 0, 0, 0), row(9, "tap0", 99, 0, 0, 0, 0, 0),
				  row(7, "eth7", 5, 0, 0, 0, 0, 0) };
	struct port_rates r[3];

	rates_compute(prev, 2, cur, 3, 1000 * MS, r);
	cr_assert(!r[0].fresh && near(r[0].rx_pps, 10.0), "eth1 matched out of order");
	cr_assert(r[1].fresh && r[1].rx_pps == 0.0, "tap0 is new: no rate yet");
	cr_assert(r[2].fresh, "ifindex 7 now names another interface: no rate");
}

Test(rates, counter_reset_counts_from_zero)
{
	struct port_row prev[] = { row(5, "eth1", 1000, 0, 0, 0, 0, 0) };
	struct port_row cur[] = { row(5, "eth1", 30, 0, 0, 0, 0, 0) };
	struct port_rates r;

	rates_compute(prev, 1, cur, 1, 1000 * MS, &r);
	cr_assert(near(r.rx_pps, 30.0), "re-added port: 30 frames since, not 2^64 - 970");
}

Test(rates, zero_interval_gives_zero)
{
	struct port_row prev[] = { row(5, "eth1", 0, 0, 0, 0, 0, 0) };
	struct port_row cur[] = { row(5, "eth1", 30, 0, 0, 0, 0, 0) };
	struct port_rates r;

	rates_compute(prev, 1, cur, 1, 0, &r);
	cr_assert(r.rx_pps == 0.0, "no division by zero");
}

Test(rates, si_units_for_bits)
{
	char b[16];

	format_si(950, b, sizeof(b));
	cr_assert_str_eq(b, "950", "below 1000: as is");
	format_si(12345, b, sizeof(b));
	cr_assert_str_eq(b, "12.3k", "kilo");
	format_si(4560000, b, sizeof(b));
	cr_assert_str_eq(b, "4.56M", "mega, three digits");
	format_si(1.2e9, b, sizeof(b));
	cr_assert_str_eq(b, "1.20G", "giga");
	format_si(999.99, b, sizeof(b));
	cr_assert_str_eq(b, "1.00k", "rounds up into the next unit");
}
