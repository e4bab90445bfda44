// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Static entries: they beat learned ones, are never learned over or moved,
 * and are consulted only while config.static_count says there are any.
 * The bridge under test: fixture.h.
 */
#include "fixture.h"

XB_SUITE(static);

Test(static, static_destination_wins)
{
	__u32 v;

	set_config(AGEING_NS, 1);

	/* Learned on the ingress port, static elsewhere: forwarded, not reflected. */
	static_put(MAC_D, port[B]);
	fdb_put(MAC_D, port[A], now_coarse());
	v = send_frame(port[A], MAC_D, MAC_S);
	assert_verdict(v, XDP_REDIRECT, "static D on B beats learned D on A (ingress)");

	/* Static on the ingress port, learned elsewhere: reflected, dropped. */
	static_put(MAC_D, port[A]);
	fdb_put(MAC_D, port[C], now_coarse());
	v = send_frame(port[A], MAC_D, MAC_S);
	assert_verdict(v, XDP_DROP, "static D on A (ingress) beats learned D on C");

	assert_stats(port[A], "one forward by static entry, one reflection by static entry",
		     .rx_packets = 2, .rx_bytes = 2 * XB_FRAME_LEN, .forwarded = 1,
		     .dropped[XB_DROP_REFLECT] = 1,
		     .forwarded_bytes = XB_FRAME_LEN, .dropped_bytes = XB_FRAME_LEN);
}

Test(static, static_source_is_not_learned_or_moved)
{
	struct xb_fdb_entry e;
	__u64 seen;
	__u32 v;

	set_config(AGEING_NS, 1);
	static_put(MAC_D, port[B]);

	/* From its own port: forwarded, and not learned. */
	v = send_frame(port[B], MAC_BCAST, MAC_D);
	assert_verdict(v, XDP_REDIRECT, "broadcast from a static MAC on its own port");
	assert_not_learned(MAC_D, "static MAC seen on its own port");

	/* From another port: a hijack attempt, dropped (test_hijack.c). */
	v = send_frame(port[C], MAC_BCAST, MAC_D);
	assert_verdict(v, XDP_DROP, "broadcast from a static MAC on another port");
	assert_not_learned(MAC_D, "static MAC seen on another port");

	seen = ago(2 * NS_PER_SEC);
	fdb_put(MAC_D, port[A], seen);
	send_frame(port[C], MAC_BCAST, MAC_D);
	cr_assert_eq(fdb_get(MAC_D, &e), 0, "the pre-existing learned entry of a static MAC must stay");
	cr_assert_eq(e.ifindex, (__u32)port[A],
		     "learned entry of a static MAC moved to %u, want it left on A", e.ifindex);
	cr_assert_eq(e.last_seen_ns, seen, "learned entry of a static MAC must not be refreshed");
	assert_stats(port[C], "two broadcasts from a static MAC of another port",
		     .rx_packets = 2, .rx_bytes = 2 * XB_FRAME_LEN,
		     .dropped[XB_DROP_MAC_HIJACK] = 2, .dropped_bytes = 2 * XB_FRAME_LEN);
}

/* The loader's contract: static_count == 0 means fdb_static is not consulted. */
Test(static, static_table_skipped_while_static_count_zero)
{
	__u32 v;

	static_put(MAC_D, port[A]);
	v = send_frame(port[A], MAC_D, MAC_S);
	assert_verdict(v, XDP_REDIRECT, "static_count 0: D is unknown, flooded");
	assert_stats(port[A], "static table ignored",
		     .rx_packets = 1, .rx_bytes = XB_FRAME_LEN, .flooded = 1,
		     .flooded_bytes = XB_FRAME_LEN);
	send_frame(port[C], MAC_BCAST, MAC_D);
	assert_learned(MAC_D, port[C], 0, now_coarse(), "static_count 0: D learned normally");
}
