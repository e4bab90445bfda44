// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Flooding: unknown unicast, broadcast and multicast go to every port.
 * The bridge under test: fixture.h.
 */
#include "fixture.h"

XB_SUITE(flooding);

Test(flooding, floods_unknown_unicast)
{
	__u32 v = send_frame(port[A], MAC_U, MAC_S);

	assert_verdict(v, XDP_REDIRECT, "unicast to an unknown station");
	assert_stats(port[A], "unknown unicast",
		     .rx_packets = 1, .rx_bytes = XB_FRAME_LEN, .flooded = 1,
		     .flooded_bytes = XB_FRAME_LEN);
	assert_not_learned(MAC_U, "destination of a flooded frame");
	cr_assert_eq(fdb_count(), 1, "only the source is learned, fdb has %u", fdb_count());
}

/* A broadcast is flooded even while stations are known: it is not sent to a
 * learned port as unicast, and it leaves what was learned alone. */
Test(flooding, floods_broadcast)
{
	__u64 t0, t1;
	__u32 v;

	t0 = now_coarse();
	send_frame(port[B], MAC_BCAST, MAC_D);		/* B has a station too */
	t1 = now_coarse();
	assert_learned(MAC_D, port[B], t0, t1, "precondition: D known on B");

	v = send_frame(port[A], MAC_BCAST, MAC_S);
	assert_verdict(v, XDP_REDIRECT, "broadcast");
	assert_stats(port[A], "broadcast with D known on B: flooded, not forwarded",
		     .rx_packets = 1, .rx_bytes = XB_FRAME_LEN, .flooded = 1,
		     .flooded_bytes = XB_FRAME_LEN);
	assert_not_learned(MAC_BCAST, "broadcast destination");
	assert_learned(MAC_D, port[B], t0, t1, "D after A's broadcast (unchanged)");
	cr_assert_eq(fdb_count(), 2, "S and D learned, nothing else; fdb has %u", fdb_count());
}

Test(flooding, floods_multicast)
{
	__u32 v;

	v = send_frame(port[A], MAC_MCAST_V4, MAC_S);
	assert_verdict(v, XDP_REDIRECT, "IPv4 multicast 01:00:5e:00:00:fb");
	v = send_frame(port[A], MAC_MCAST_V6, MAC_S);
	assert_verdict(v, XDP_REDIRECT, "IPv6 multicast 33:33:00:00:00:01");
	assert_stats(port[A], "two multicast frames",
		     .rx_packets = 2, .rx_bytes = 2 * XB_FRAME_LEN, .flooded = 2,
		     .flooded_bytes = 2 * XB_FRAME_LEN);
}
