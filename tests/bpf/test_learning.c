// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Learning: a new source is learned with its port and time, refreshed in
 * place at most every XB_REFRESH_NS, and moved when seen on another port.
 * The bridge under test: fixture.h.
 */
#include "fixture.h"

XB_SUITE(learning);

Test(learning, learns_new_source)
{
	__u64 t0, t1;
	__u32 v;

	cr_assert_eq(fdb_count(), 0, "the fdb must start empty, has %u", fdb_count());
	t0 = now_coarse();
	v = send_frame(port[A], MAC_BCAST, MAC_S);
	t1 = now_coarse();

	assert_verdict(v, XDP_REDIRECT, "broadcast from a new station");
	assert_learned(MAC_S, port[A], t0, t1, "new source");
	cr_assert_eq(fdb_count(), 1, "exactly one entry (the source), got %u", fdb_count());
	assert_stats(port[A], "after one broadcast",
		     .rx_packets = 1, .rx_bytes = XB_FRAME_LEN, .flooded = 1,
		     .flooded_bytes = XB_FRAME_LEN);
}

Test(learning, refreshes_in_place)
{
	struct xb_fdb_entry e1, e2;
	__u64 t0, t1, old;

	send_frame(port[A], MAC_BCAST, MAC_S);
	cr_assert_eq(fdb_get(MAC_S, &e1), 0, "first frame must learn %s", xb_mac_str(MAC_S));

	/* Seen again on the same port within XB_REFRESH_NS: no write. */
	send_frame(port[A], MAC_BCAST, MAC_S);
	cr_assert_lt(now_coarse() - e1.last_seen_ns, XB_REFRESH_NS - CLOCK_SLACK_NS,
		     "precondition: the two frames must be less than 1 s apart");
	cr_assert_eq(fdb_get(MAC_S, &e2), 0, "S must still be learned after the second frame");
	cr_assert_eq(e2.ifindex, (__u32)port[A], "port changed to %u on a same-port frame, want A", e2.ifindex);
	cr_assert_eq(e2.last_seen_ns, e1.last_seen_ns,
		     "last_seen_ns rewritten within 1 s: %llu -> %llu",
		     (unsigned long long)e1.last_seen_ns, (unsigned long long)e2.last_seen_ns);

	/* Half a second old: still not rewritten. */
	old = ago(XB_REFRESH_NS / 2);
	fdb_put(MAC_S, port[A], old);
	send_frame(port[A], MAC_BCAST, MAC_S);
	cr_assert_eq(fdb_get(MAC_S, &e2), 0, "S must still be learned");
	cr_assert_eq(e2.last_seen_ns, old, "a 0.5 s old entry was refreshed: %llu -> %llu",
		     (unsigned long long)old, (unsigned long long)e2.last_seen_ns);

	/* Two seconds old: refreshed in place, port unchanged. */
	fdb_put(MAC_S, port[A], ago(2 * NS_PER_SEC));
	t0 = now_coarse();
	send_frame(port[A], MAC_BCAST, MAC_S);
	t1 = now_coarse();
	assert_learned(MAC_S, port[A], t0, t1, "refresh of a 2 s old entry");
	cr_assert_eq(fdb_count(), 1, "refresh must not add entries, fdb has %u", fdb_count());
}

Test(learning, relearns_moved_station)
{
	__u64 t0, t1;
	__u32 v;

	send_frame(port[A], MAC_BCAST, MAC_S);
	t0 = now_coarse();
	v = send_frame(port[B], MAC_BCAST, MAC_S);
	t1 = now_coarse();
	assert_verdict(v, XDP_REDIRECT, "broadcast from the moved station");
	assert_learned(MAC_S, port[B], t0, t1, "station moved from A to B");
	cr_assert_eq(fdb_count(), 1, "a move must not duplicate the entry, fdb has %u", fdb_count());

	/* The data path now uses the new port: from B it is a reflection ... */
	v = send_frame(port[B], MAC_S, MAC_D);
	assert_verdict(v, XDP_DROP, "frame to the moved station from its new port");
	/* ... and from A it is a known unicast. */
	v = send_frame(port[A], MAC_S, MAC_U);
	assert_verdict(v, XDP_REDIRECT, "frame to the moved station from its old port");
	assert_stats(port[A], "old port", .rx_packets = 2, .rx_bytes = 2 * XB_FRAME_LEN,
		     .flooded = 1, .forwarded = 1,
		     .forwarded_bytes = XB_FRAME_LEN, .flooded_bytes = XB_FRAME_LEN);
	assert_stats(port[B], "new port", .rx_packets = 2, .rx_bytes = 2 * XB_FRAME_LEN,
		     .flooded = 1, .dropped[XB_DROP_REFLECT] = 1,
		     .flooded_bytes = XB_FRAME_LEN, .dropped_bytes = XB_FRAME_LEN);
}
