// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Local and static entries never move (issue 10, item 1): a frame from
 * another port whose source is a static or local MAC is dropped and counted
 * as mac_hijack; the bridge's host interface MAC is a local entry on the host
 * port that follows the interface. The bridge under test: fixture.h.
 */
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/pkt_cls.h>

#include "fixture.h"
#include "netlink.h"
#include "port.h"

XB_SUITE(hijack);

static struct xb_fdb_static static_get(const uint8_t *mac)
{
	struct xb_fdb_key key = fdb_key(mac);
	struct xb_fdb_static s;

	cr_assert_eq(bpf_map_lookup_elem(test_br.fdb_static_fd, &key, &s), 0,
		     "fdb_static[%s] must exist: %s", xb_mac_str(mac), strerror(errno));
	return s;
}

Test(hijack, static_mac_from_another_port_is_dropped_and_counted)
{
	__u32 v;

	set_config(AGEING_NS, 1);
	static_put(MAC_D, port[B]);

	v = send_frame(port[A], MAC_BCAST, MAC_D);
	assert_verdict(v, XDP_DROP, "broadcast with B's static source, from A");
	v = send_frame(port[C], MAC_S, MAC_D);
	assert_verdict(v, XDP_DROP, "unicast with B's static source, from C");
	assert_not_learned(MAC_D, "a static MAC seen elsewhere");
	assert_stats(port[A], "one hijack attempt on A", .rx_packets = 1, .rx_bytes = XB_FRAME_LEN,
		     .dropped[XB_DROP_MAC_HIJACK] = 1, .dropped_bytes = XB_FRAME_LEN);
	assert_stats(port[C], "one hijack attempt on C", .rx_packets = 1, .rx_bytes = XB_FRAME_LEN,
		     .dropped[XB_DROP_MAC_HIJACK] = 1, .dropped_bytes = XB_FRAME_LEN);

	/* The static entry stays where it was: D still reaches B. */
	cr_assert_eq(static_get(MAC_D).ifindex, (__u32)port[B], "static D must stay on B");
	v = send_frame(port[A], MAC_D, MAC_S);
	assert_verdict(v, XDP_REDIRECT, "A to D after the attempts");
	cr_assert_eq(port_stats(port[A]).forwarded, 1, "A to D must be forwarded (to B), not flooded");

	/* From its own port the static MAC is no attack. */
	v = send_frame(port[B], MAC_S, MAC_D);
	assert_verdict(v, XDP_REDIRECT, "D from its own port B");
	cr_assert_eq(port_stats(port[B]).dropped[XB_DROP_MAC_HIJACK], 0, "B's own MAC is no hijack");
}

/* The data path read the static table before `fdb add` wrote it and learned
 * the MAC after `fdb add` deleted the learned copy: the copy must not keep
 * the attacker's port in business past the next refresh. */
Test(hijack, learned_copy_of_a_static_mac_stops_at_refresh)
{
	__u32 v;

	set_config(AGEING_NS, 1);
	static_put(MAC_D, port[B]);
	fdb_put_raw(MAC_D, port[C], ago(2 * XB_REFRESH_NS));
	v = send_frame(port[C], MAC_BCAST, MAC_D);
	assert_verdict(v, XDP_DROP, "a learned copy on C of B's static MAC, due for refresh");
	assert_stats(port[C], "a hijack caught at refresh", .rx_packets = 1, .rx_bytes = XB_FRAME_LEN,
		     .dropped[XB_DROP_MAC_HIJACK] = 1, .dropped_bytes = XB_FRAME_LEN);
}

Test(hijack, user_space_keeps_static_entries_where_they_are)
{
	struct xb_fdb_key key = fdb_key(MAC_D);
	int err;

	err = fdb_static_add(&test_br, &key, (__u32)port[B]);
	cr_assert_eq(err, 0, "fdb_static_add(D on B): %s", strerror(-err));
	for (int i = 0; i < 3; i++) {
		assert_verdict(send_frame(port[A], MAC_BCAST, MAC_D), XDP_DROP, "D from A");
		assert_verdict(send_frame(port[C], MAC_BCAST, MAC_D), XDP_DROP, "D from C");
	}
	cr_assert_eq(static_get(MAC_D).ifindex, (__u32)port[B], "static D must stay on B");
	cr_assert_eq(static_get(MAC_D).slot, slot_of(port[B]), "static D must keep B's slot");
	assert_not_learned(MAC_D, "static D sent from A and C");
	cr_assert_eq(port_stats(port[A]).dropped[XB_DROP_MAC_HIJACK], 3, "three attempts on A");
	cr_assert_eq(port_stats(port[C]).dropped[XB_DROP_MAC_HIJACK], 3, "three attempts on C");
}

/* ---- the host interface's MAC ---------------------------------------------- */

struct host {
	int ifindex;		/* the host interface, named as the bridge */
	int port;		/* its peer, the host port */
	int prog_fd;		/* the host port's XDP program */
	uint8_t mac[ETH_ALEN];
};

/* Give the fixture's bridge a host interface as `load` does: the veth pair
 * BRIDGE / BRIDGE-p, the peer a port flagged XB_PORT_HOST, config flag
 * XB_CFG_HOST_PORT, then the loader's local-entry sync. */
static struct host host_add(void)
{
	char peer[XB_IFNAMSIZ * 2];
	struct xb_config cfg = get_config();
	struct nl_link link;
	struct host h = { 0 };
	bool changed = false;
	__u32 zero = 0, id = 0;
	int err;

	cfg.flags |= XB_CFG_HOST_PORT;
	cr_assert_eq(bpf_map_update_elem(test_br.config_fd, &zero, &cfg, BPF_ANY), 0, "config write");
	err = bridge_host_iface_create(test_br.name);
	cr_assert_eq(err, 0, "bridge_host_iface_create(%s): %s", test_br.name, strerror(-err));
	bridge_host_port_name(test_br.name, peer, sizeof(peer));
	cr_assert_eq(port_validate(peer, &link), 0, "host port %s must validate", peer);
	err = port_add(&test_br, &link, XB_MODE_NATIVE, XB_PORT_HOST);
	cr_assert_eq(err, 0, "port_add(host port %s): %s", peer, strerror(-err));
	err = fdb_local_sync(&test_br, &changed);
	cr_assert_eq(err, 0, "fdb_local_sync: %s", strerror(-err));
	cr_assert(changed, "the first sync must install the local entry");

	h.ifindex = (int)if_nametoindex(test_br.name);
	h.port = link.ifindex;
	cr_assert_eq(iface_mac(test_br.name, h.mac), 0, "the host interface's MAC");
	cr_assert_eq(bpf_xdp_query_id(h.port, 0, &id), 0, "the host port's XDP program");
	h.prog_fd = bpf_prog_get_fd_by_id(id);
	cr_assert_geq(h.prog_fd, 0, "program %u: %s", id, strerror(errno));
	return h;
}

static __u32 send_from_host(const struct host *h, const uint8_t *dst)
{
	uint8_t buf[XB_FRAME_LEN];
	struct xdp_md ctx = { .data_end = XB_FRAME_LEN, .ingress_ifindex = (__u32)h->port };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = buf, .data_size_in = XB_FRAME_LEN,
		    .ctx_in = &ctx, .ctx_size_in = sizeof(ctx), .repeat = 1);

	xb_frame(buf, dst, h->mac);
	cr_assert_eq(bpf_prog_test_run_opts(h->prog_fd, &opts), 0, "host port test run: %s",
		     strerror(errno));
	return opts.retval;
}

static void assert_local_entry(const struct host *h, const char *what)
{
	struct xb_fdb_static s = static_get(h->mac);

	cr_assert_eq(s.ifindex, (__u32)h->port, "%s: local entry on ifindex %u, want the host port %d",
		     what, s.ifindex, h->port);
	cr_assert_eq(s.slot, slot_of(h->port), "%s: local entry in the host port's slot", what);
	cr_assert(s.flags & XB_FDB_LOCAL, "%s: the entry must be flagged local", what);
	cr_assert(get_config().flags & XB_CFG_LOCAL, "%s: config must say there is a local entry", what);
	cr_assert_eq(get_config().static_count, 0, "%s: static_count counts the user's entries only", what);
}

Test(hijack, host_mac_is_a_local_entry_that_never_moves)
{
	struct host h = host_add();
	struct xb_fdb_key key;
	struct fdb_row *rows;
	size_t n;
	__u32 v;

	assert_local_entry(&h, "after the sync");

	/* A spoofer on A: dropped, counted, and the host keeps its address. */
	v = send_frame(port[A], MAC_BCAST, h.mac);
	assert_verdict(v, XDP_DROP, "the host's MAC as source from A");
	assert_stats(port[A], "one spoofed frame", .rx_packets = 1, .rx_bytes = XB_FRAME_LEN,
		     .dropped[XB_DROP_MAC_HIJACK] = 1, .dropped_bytes = XB_FRAME_LEN);
	assert_not_learned(h.mac, "the host's MAC spoofed from A");
	v = send_frame(port[B], h.mac, MAC_S);
	assert_verdict(v, XDP_REDIRECT, "B to the host");
	cr_assert_eq(port_stats(port[B]).forwarded, 1, "B to the host: forwarded to the host port");

	/* The host itself, through its port: forwarded, no hijack. */
	v = send_from_host(&h, MAC_BCAST);
	assert_verdict(v, XDP_REDIRECT, "a broadcast from the host");
	cr_assert_eq(port_stats(h.port).dropped[XB_DROP_MAC_HIJACK], 0, "the host is no hijacker");

	/* `fdb show` calls it permanent; `fdb add` and `fdb del` leave it alone. */
	cr_assert_eq(fdb_dump(&test_br, &rows, &n), 0, "fdb_dump");
	{
		size_t local = 0;

		for (size_t i = 0; i < n; i++) {
			if (!rows[i].is_local)
				continue;
			local++;
			cr_assert(rows[i].is_static && !memcmp(rows[i].key.mac, h.mac, ETH_ALEN),
				  "the local row must be the host MAC's static entry");
		}
		cr_assert_eq(local, 1, "one local row, got %zu", local);
	}
	free(rows);
	key = fdb_key(h.mac);
	cr_assert_eq(fdb_static_add(&test_br, &key, (__u32)port[A]), -EADDRINUSE,
		     "fdb add of the host MAC on A must be refused");
	cr_assert_eq(fdb_del(&test_br, &key), -EADDRINUSE, "fdb del of the local entry must be refused");
	assert_local_entry(&h, "after fdb add/del attempts");
	close(h.prog_fd);
}

Test(hijack, local_entry_follows_the_host_mac)
{
	struct host h = host_add();
	uint8_t old[ETH_ALEN];
	bool changed = true;
	int err;

	memcpy(old, h.mac, sizeof(old));
	err = fdb_local_sync(&test_br, &changed);
	cr_assert(!err && !changed, "a second sync with the same MAC changes nothing (%d)", err);

	sh("ip link set dev %s address 02:12:34:56:78:9a", test_br.name);
	err = fdb_local_sync(&test_br, &changed);
	cr_assert(!err && changed, "a sync after a MAC change must rewrite the entry (%d)", err);
	cr_assert_eq(iface_mac(test_br.name, h.mac), 0, "the new MAC");
	assert_local_entry(&h, "after the MAC change");
	{
		struct xb_fdb_key key = fdb_key(old);
		struct xb_fdb_static s;

		cr_assert_neq(bpf_map_lookup_elem(test_br.fdb_static_fd, &key, &s), 0,
			      "the old MAC's local entry must be gone");
	}
	/* The old address is an ordinary station now; the new one is guarded. */
	assert_verdict(send_frame(port[A], MAC_BCAST, old), XDP_REDIRECT, "old host MAC from A");
	assert_learned(old, port[A], 0, now_coarse(), "the old host MAC, free now");
	assert_verdict(send_frame(port[A], MAC_BCAST, h.mac), XDP_DROP, "new host MAC from A");
	close(h.prog_fd);
}

/* The skb path (mode tc) takes the same decision. */
TestSuite(hijack_tc, .init = fixture_setup_tc, .fini = fixture_teardown, .timeout = 30);

Test(hijack_tc, static_mac_from_another_port_is_shot)
{
	uint8_t buf[XB_FRAME_LEN];

	set_config(AGEING_NS, 1);
	static_put(MAC_D, port[B]);
	cr_assert_eq(tc_run(port[C], buf, xb_frame(buf, MAC_BCAST, MAC_D)), TC_ACT_SHOT,
		     "B's static source from C, on the skb path: shot");
	assert_not_learned(MAC_D, "a static MAC seen elsewhere on the skb path");
	assert_stats(port[C], "one hijack attempt on the skb path", .rx_packets = 1,
		     .rx_bytes = XB_FRAME_LEN, .dropped[XB_DROP_MAC_HIJACK] = 1,
		     .dropped_bytes = XB_FRAME_LEN);
}
