// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Forwarding: a known unicast goes to its one port, never back out of the
 * port it came in on, and falls back to flooding when its port is gone.
 * The bridge under test: fixture.h.
 */
#include <bpf/bpf.h>

#include "fixture.h"

XB_SUITE(forwarding);

Test(forwarding, forwards_known_unicast)
{
	__u64 t0, t1;
	__u32 v;

	send_frame(port[B], MAC_BCAST, MAC_D);		/* learn D on B */
	t0 = now_coarse();
	v = send_frame(port[A], MAC_D, MAC_S);
	t1 = now_coarse();

	assert_verdict(v, XDP_REDIRECT, "unicast to D, known on another port");
	assert_stats(port[A], "ingress of the unicast",
		     .rx_packets = 1, .rx_bytes = XB_FRAME_LEN, .forwarded = 1,
		     .forwarded_bytes = XB_FRAME_LEN);
	assert_stats(port[B], "port that learned D",
		     .rx_packets = 1, .rx_bytes = XB_FRAME_LEN, .flooded = 1,
		     .flooded_bytes = XB_FRAME_LEN);
	assert_stats(port[C], "idle port");
	assert_learned(MAC_S, port[A], t0, t1, "source of the unicast");
	assert_learned(MAC_D, port[B], 0, t1, "destination");
}

Test(forwarding, no_reflection_to_ingress)
{
	__u32 v;

	send_frame(port[A], MAC_BCAST, MAC_D);		/* learn D on A */
	v = send_frame(port[A], MAC_D, MAC_S);
	assert_verdict(v, XDP_DROP, "unicast to a station on the ingress port");
	assert_stats(port[A], "learning broadcast + reflected unicast",
		     .rx_packets = 2, .rx_bytes = 2 * XB_FRAME_LEN, .flooded = 1,
		     .dropped[XB_DROP_REFLECT] = 1,
		     .flooded_bytes = XB_FRAME_LEN, .dropped_bytes = XB_FRAME_LEN);
	assert_learned(MAC_S, port[A], 0, now_coarse(), "source of the dropped frame");
}

Test(forwarding, stale_port_falls_back_to_flood)
{
	__u32 key = slot_of(port[C]), v;
	int err;

	fdb_put(MAC_D, port[C], now_coarse());
	err = bpf_map_delete_elem(test_br.ports_fd, &key) ? -errno : 0;
	cr_assert_eq(err, 0, "deleting ports[slot %u] (port C) must succeed: %s", key, strerror(-err));

	v = send_frame(port[A], MAC_D, MAC_S);
	assert_verdict(v, XDP_REDIRECT, "unicast to a station on a removed port");
	assert_stats(port[A], "redirect to the removed port must fall back to flooding",
		     .rx_packets = 1, .rx_bytes = XB_FRAME_LEN, .flooded = 1,
		     .flooded_bytes = XB_FRAME_LEN);
}
