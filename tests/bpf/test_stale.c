// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Stale state (issue 10, items 8 and 9): an entry left by a removed port
 * whose slot a new port reuses, a removed port's program that another
 * holder of its link kept running, and a short ageing time against the
 * refresh and cache intervals.
 * The bridge under test: fixture.h.
 */
#include <stdlib.h>
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

/* ---- item 9: a short ageing time against the refresh and cache intervals ---- */

#define SHORT_AGEING_NS	(1 * NS_PER_SEC)	/* --ageing 1 */

/* Every CPU's cache as if it confirmed mac on ifindex checked_ns ago. */
static void src_cache_put(const uint8_t *mac, int ifindex, __u64 checked_ns)
{
	int ncpu = libbpf_num_possible_cpus();
	struct xb_fdb_cache *c = calloc((size_t)ncpu, sizeof(*c));
	__u32 zero = 0;

	cr_assert_not_null(c, "calloc");
	cr_assert_eq(bpf_map_lookup_elem(test_br.cache_fd, &zero, c), 0, "fdb_cache readable: %s",
		     strerror(errno));
	for (int i = 0; i < ncpu; i++) {
		c[i].src = fdb_key(mac);
		c[i].src_ifindex = (__u32)ifindex;
		c[i].src_generation = fdb_generation();
		c[i].src_checked_ns = checked_ns;
	}
	cr_assert_eq(bpf_map_update_elem(test_br.cache_fd, &zero, c, BPF_ANY), 0,
		     "fdb_cache writable: %s", strerror(errno));
	free(c);
}

static void assert_refreshed(const uint8_t *mac, __u64 t0, const char *what)
{
	struct xb_fdb_entry e;

	cr_assert_eq(fdb_get(mac, &e), 0, "%s: %s must be in fdb", what, xb_mac_str(mac));
	cr_assert_geq(e.last_seen_ns + CLOCK_SLACK_NS / 10, t0,
		      "%s: fdb[%s] last seen %llu ms before the frame: with ageing %llu ms it expires before the station's next refresh",
		      what, xb_mac_str(mac), (unsigned long long)((t0 - e.last_seen_ns) / NS_PER_MS),
		      (unsigned long long)(SHORT_AGEING_NS / NS_PER_MS));
}

Test(stale, short_ageing_refreshes_an_active_station_in_time)
{
	__u64 t0;

	set_config(SHORT_AGEING_NS, 0);
	send_frame(port[A], MAC_BCAST, MAC_S);
	/* S last stamped 300 ms ago, no CPU caches it: its next frame must
	 * stamp it again (a 1 s refresh would leave it, and every frame to S
	 * would flood once 1 s is over). */
	fdb_put_raw(MAC_S, port[A], ago(300 * NS_PER_MS));
	fdb_changed();
	t0 = now_coarse();
	send_frame(port[A], MAC_BCAST, MAC_S);
	assert_refreshed(MAC_S, t0, "refresh within an eighth of the ageing time");
}

Test(stale, short_ageing_trusts_the_source_cache_less)
{
	__u64 t0;

	set_config(SHORT_AGEING_NS, 0);
	send_frame(port[A], MAC_BCAST, MAC_S);
	/* Every CPU confirmed S 200 ms ago, its entry was stamped then: a
	 * 250 ms cache would skip the refresh. */
	fdb_put_raw(MAC_S, port[A], ago(200 * NS_PER_MS));
	src_cache_put(MAC_S, port[A], ago(200 * NS_PER_MS));
	t0 = now_coarse();
	send_frame(port[A], MAC_BCAST, MAC_S);
	assert_refreshed(MAC_S, t0, "the cache trusted for an eighth of the ageing time");
}

Test(stale, default_ageing_keeps_the_refresh_interval)
{
	struct xb_fdb_entry e;
	__u64 t;

	/* The default ageing (300 s): a frame within the 1 s refresh interval
	 * does not rewrite the entry, as before. */
	send_frame(port[A], MAC_BCAST, MAC_S);
	t = ago(XB_REFRESH_NS / 2);
	fdb_put_raw(MAC_S, port[A], t);
	fdb_changed();
	send_frame(port[A], MAC_BCAST, MAC_S);
	cr_assert_eq(fdb_get(MAC_S, &e), 0, "S must be in fdb");
	cr_assert_eq(e.last_seen_ns, t, "with ageing 300 s an entry seen %llu ms ago is not rewritten",
		     (unsigned long long)(XB_REFRESH_NS / 2 / NS_PER_MS));
}
