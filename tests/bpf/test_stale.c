// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Stale state (issue 10, items 8 and 9): an entry left by a removed port
 * whose slot a new port reuses, a removed port's program that another
 * holder of its link kept running, and a short ageing time against the
 * refresh and cache intervals.
 * The bridge under test: fixture.h.
 */
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/if_link.h>
#include <linux/pkt_cls.h>

#include "fixture.h"
#include "port.h"

XB_SUITE(stale);

/* An entry as a removed port's leftover: the old ifindex (no interface of
 * this bridge) with the slot port slot_port holds now. */
static void stale_entry_put(const uint8_t *mac, __u32 old_ifindex, int slot_port)
{
	struct xb_fdb_entry e = { .ifindex = old_ifindex, .slot = slot_of(slot_port),
				  .last_seen_ns = now_coarse(), .age_slot = XB_AGE_NONE };
	struct xb_fdb_key key = fdb_key(mac);

	cr_assert_eq(bpf_map_update_elem(test_br.fdb_fd, &key, &e, BPF_ANY), 0,
		     "crafting fdb[%s] must succeed: %s", xb_mac_str(mac), strerror(errno));
}

Test(stale, entry_on_the_ingress_ports_reused_slot_is_not_sent_back)
{
	__u32 v;

	stale_entry_put(MAC_D, 0x7ffffff0, port[A]);
	v = send_frame(port[A], MAC_D, MAC_S);
	assert_verdict(v, XDP_DROP, "unicast to D, whose stale entry names A's slot");
	assert_stats(port[A], "never out of its ingress port (redirects go by slot)",
		     .rx_packets = 1, .rx_bytes = XB_FRAME_LEN,
		     .dropped[XB_DROP_REFLECT] = 1, .dropped_bytes = XB_FRAME_LEN);

	/* The same entry from another port is forwarded (to the slot). */
	v = send_frame(port[B], MAC_D, MAC_S);
	assert_verdict(v, XDP_REDIRECT, "from B, D's entry names another port's slot");
}

Test(stale, tc_path_entry_on_the_ingress_ports_reused_slot_is_not_sent_back,
     .init = fixture_setup_tc)
{
	uint8_t f[XB_FRAME_LEN];
	int v;

	stale_entry_put(MAC_D, 0x7ffffff0, port[A]);
	v = tc_run(port[A], f, xb_frame(f, MAC_D, MAC_S));
	cr_assert_eq(v, TC_ACT_SHOT, "the skb path takes the same decision: drop, verdict %d", v);
	assert_stats(port[A], "a reflection on the skb path too",
		     .rx_packets = 1, .rx_bytes = XB_FRAME_LEN,
		     .dropped[XB_DROP_REFLECT] = 1, .dropped_bytes = XB_FRAME_LEN);
}

Test(stale, removed_port_is_detached_even_when_its_link_is_held)
{
	char path[PATH_MAX * 2];
	__u32 id = 0;
	int link_fd, err;

	snprintf(path, sizeof(path), "%s/link_%d", test_br.pin_dir, port[C]);
	link_fd = bpf_obj_get(path);
	cr_assert_geq(link_fd, 0, "port C's link pin %s must open: %s", path, strerror(errno));
	/* Someone else holds the link (bpftool, a second loader). */
	err = port_remove(&test_br, (__u32)port[C]);
	cr_assert_eq(err, 0, "port_remove(C) must succeed: %s", strerror(-err));
	err = bpf_xdp_query_id(port[C], 0, &id);
	close(link_fd);
	cr_assert_eq(err, 0, "querying C's XDP program must succeed: %s", strerror(-err));
	cr_assert_eq(id, 0, "a removed port must run no program (it still runs %u, learning with a slot the next port gets)",
		     id);
}
