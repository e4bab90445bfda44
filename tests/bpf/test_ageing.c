// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Ageing in the data path: an entry older than the ageing time is unknown, one
 * stamped slightly in the future is just seen; and the ageing index
 * (fdb_ages): learning claims a record, refreshes and moves stamp it.
 * The bridge under test: fixture.h.
 */
#include <bpf/bpf.h>

#include "fixture.h"

XB_SUITE(ageing);

Test(ageing, aged_entry_is_unknown)
{
	__u64 seen = ago(3 * NS_PER_SEC);
	__u32 v;

	fdb_put(MAC_D, port[B], seen);
	v = send_frame(port[A], MAC_D, MAC_S);
	assert_verdict(v, XDP_REDIRECT, "D seen 3 s ago, ageing 300 s");
	assert_stats(port[A], "3 s old entry within 300 s ageing: forwarded",
		     .rx_packets = 1, .rx_bytes = XB_FRAME_LEN, .forwarded = 1,
		     .forwarded_bytes = XB_FRAME_LEN);

	set_config(NS_PER_SEC, 0);
	v = send_frame(port[A], MAC_D, MAC_S);
	assert_verdict(v, XDP_REDIRECT, "D seen 3 s ago, ageing 1 s");
	assert_stats(port[A], "3 s old entry beyond 1 s ageing: flooded",
		     .rx_packets = 2, .rx_bytes = 2 * XB_FRAME_LEN, .forwarded = 1, .flooded = 1,
		     .forwarded_bytes = XB_FRAME_LEN, .flooded_bytes = XB_FRAME_LEN);

	/* An aged entry on the ingress port is unknown too: flooded, not dropped. */
	fdb_put(MAC_D, port[A], seen);
	v = send_frame(port[A], MAC_D, MAC_S);
	assert_verdict(v, XDP_REDIRECT, "aged D on the ingress port");
	assert_stats(port[A], "aged entry on the ingress port: flooded",
		     .rx_packets = 3, .rx_bytes = 3 * XB_FRAME_LEN, .forwarded = 1, .flooded = 2,
		     .forwarded_bytes = XB_FRAME_LEN, .flooded_bytes = 2 * XB_FRAME_LEN);
}

/*
 * A CPU that read the clock a tick earlier than the CPU that just refreshed
 * an entry sees last_seen_ns slightly in the future; so does any entry that
 * user space stamps with CLOCK_MONOTONIC (ahead of the coarse clock by up to
 * a tick). Both are "just seen" (xb_older_than compares signed): an
 * unsigned difference would wrap and make D look aged, flooded instead of
 * forwarded, and a reflection flooded instead of dropped.
 */
Test(ageing, future_timestamp_is_just_seen)
{
	__u32 v;

	fdb_put(MAC_D, port[B], now_coarse() + 20 * NS_PER_MS);
	v = send_frame(port[A], MAC_D, MAC_S);
	assert_verdict(v, XDP_REDIRECT, "D stamped 20 ms ahead, on another port");
	assert_stats(port[A], "entry stamped 20 ms ahead must be forwarded, not flooded",
		     .rx_packets = 1, .rx_bytes = XB_FRAME_LEN, .forwarded = 1,
		     .forwarded_bytes = XB_FRAME_LEN);

	fdb_put(MAC_D, port[A], now_coarse() + 20 * NS_PER_MS);
	v = send_frame(port[A], MAC_D, MAC_S);
	assert_verdict(v, XDP_DROP, "D stamped 20 ms ahead, on the ingress port");
}

Test(ageing, learning_claims_an_ageing_record_and_refresh_stamps_it)
{
	struct xb_fdb_entry e1, e2;

	send_frame(port[A], MAC_BCAST, MAC_S);
	assert_record_of(MAC_S, "new station");
	cr_assert_eq(age_records_used(), 1, "one record in use, got %u", age_records_used());
	cr_assert_eq(fdb_get(MAC_S, &e1), 0, "S must be learned");

	fdb_put(MAC_S, port[A], ago(2 * NS_PER_SEC));		/* entry and record 2 s old */
	send_frame(port[A], MAC_BCAST, MAC_S);			/* due for a refresh */
	cr_assert_eq(fdb_get(MAC_S, &e2), 0, "S must still be learned");
	cr_assert_gt(e2.last_seen_ns, now_coarse() - NS_PER_SEC, "a 2 s old entry must be refreshed by a frame");
	assert_record_of(MAC_S, "refreshed station (its record stamped too)");

	fdb_changed();
	send_frame(port[B], MAC_BCAST, MAC_S);			/* S moves to B */
	assert_record_of(MAC_S, "moved station");
	cr_assert_eq(fdb_get(MAC_S, &e2), 0, "S must still be learned");
	cr_assert_eq(e2.ifindex, (__u32)port[B], "S must be on B after its frame from B, is on %u",
		     e2.ifindex);
	cr_assert_eq(e2.age_slot, e1.age_slot, "a move keeps the record (%u -> %u)",
		     e1.age_slot, e2.age_slot);
	cr_assert_eq(age_records_used(), 1, "still one record in use, got %u", age_records_used());
}

Test(ageing, lost_record_is_claimed_again_at_the_next_refresh)
{
	struct xb_fdb_entry e;
	struct xb_age_block b;
	__u32 blk;
	int err;

	send_frame(port[A], MAC_BCAST, MAC_S);
	cr_assert_eq(fdb_get(MAC_S, &e), 0, "S must be learned");
	blk = e.age_slot / XB_AGE_WAYS;		/* a user-space writer lost it */
	err = bpf_map_lookup_elem(test_br.ages_fd, &blk, &b) ? -errno : 0;
	cr_assert_eq(err, 0, "fdb_ages[%u] must be readable: %s", blk, strerror(-err));
	memset(&b.way[e.age_slot % XB_AGE_WAYS], 0, sizeof(b.way[0]));
	err = bpf_map_update_elem(test_br.ages_fd, &blk, &b, BPF_ANY) ? -errno : 0;
	cr_assert_eq(err, 0, "fdb_ages[%u] must be writable: %s", blk, strerror(-err));

	fdb_put_raw(MAC_S, port[A], ago(2 * NS_PER_SEC));
	fdb_changed();
	send_frame(port[A], MAC_BCAST, MAC_S);
	assert_record_of(MAC_S, "station after its record was lost");
}
