// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Output formatting: text and JSON from the same calls. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <criterion/criterion.h>

#include "json_print.h"
#include "metrics.h"
#include "print.h"
#include "rates.h"

#define SEC 1000000000ULL

static char *buf;
static size_t buflen;
static FILE *out;

static void capture(bool json, bool pretty)
{
	out = open_memstream(&buf, &buflen);
	cr_assert_not_null(out, "open_memstream");
	output_begin(out, json, pretty);
}

static const char *captured(void)
{
	output_end();
	fclose(out);
	return buf;
}

static void teardown(void)
{
	free(buf);
	buf = NULL;
}

static struct fdb_row rows[] = {
	{ .key = { .mac = { 0x02, 0, 0, 0, 0, 0x01 } }, .ifindex = 5, .is_static = true, .ifname = "veth1" },
	{ .key = { .mac = { 0x02, 0, 0, 0, 0, 0x02 }, .vlan = 10 }, .ifindex = 6,
	  .last_seen_ns = 100 * SEC, .ifname = "veth2" },
};

Test(print, fdb_text_uses_iproute2_words, .fini = teardown)
{
	capture(false, false);
	print_fdb("br0", rows, 2, 107 * SEC + 1);
	cr_assert_str_eq(captured(),
			 "02:00:00:00:00:01 dev veth1 master br0 static\n"
			 "02:00:00:00:00:02 dev veth2 vlan 10 master br0 learned age 7\n", "fdb text: iproute2 words");
}

Test(print, fdb_json_keys, .fini = teardown)
{
	capture(true, false);
	print_fdb("br0", rows, 2, 107 * SEC);
	cr_assert_str_eq(captured(),
			 "[{\"mac\":\"02:00:00:00:00:01\",\"ifname\":\"veth1\",\"vlan\":null,\"master\":\"br0\","
			 "\"state\":\"static\",\"age\":null},"
			 "{\"mac\":\"02:00:00:00:00:02\",\"ifname\":\"veth2\",\"vlan\":10,\"master\":\"br0\","
			 "\"state\":\"learned\",\"age\":7}]\n", "fdb JSON: iproute2 keys, null for absent");
}

Test(print, fdb_empty_json_is_empty_array, .fini = teardown)
{
	capture(true, false);
	print_fdb("br0", rows, 0, 0);
	cr_assert_str_eq(captured(), "[]\n", "no rows: an empty JSON array");
}

Test(print, pretty_json_indents, .fini = teardown)
{
	capture(true, true);
	open_json_array(NULL);
	open_json_object(NULL);
	print_uint(PRINT_ANY, "a", NULL, 1);
	close_json_object();
	close_json_array();
	cr_assert_str_eq(captured(), "[\n    {\n        \"a\": 1\n    }\n]\n", "pretty JSON: 4-space indent");
}

Test(print, json_strings_are_escaped, .fini = teardown)
{
	capture(true, false);
	open_json_object(NULL);
	print_string(PRINT_ANY, "s", NULL, "a\"b\\c\n\x01");
	close_json_object();
	cr_assert_str_eq(captured(), "{\"s\":\"a\\\"b\\\\c\\n\\u0001\"}\n", "JSON escapes quotes, backslashes, controls");
}

Test(print, stats_text_and_json, .fini = teardown)
{
	struct port_row p = { .ifindex = 3, .info = { .ifname = "veth1" },
			      .stats = { .rx_packets = 10, .rx_bytes = 640, .forwarded = 7, .flooded = 2,
					 .to_host = 1, .dropped = { 3, 4, 5 },
					 .to_skb = 6, .kernel_dropped = 8, .events_dropped = 9,
					 .learn_limit = 11, .forwarded_bytes = 448, .flooded_bytes = 128, .to_host_bytes = 64,
					 .dropped_bytes = 768 } };
	char *text;

	capture(false, false);
	print_stats("br0", &p, 1);
	text = strdup(captured());
	teardown();
	cr_assert_str_eq(text, "port veth1: rx 10 packets 640 bytes forwarded 7 packets 448 bytes "
			       "flooded 2 packets 128 bytes to_host 1 packets 64 bytes "
			       "dropped runt 3 bad_src 4 reflect 5 mac_hijack 0 isolated 0 storm 0 "
			       "port_state 0 vlan_ingress 0 vlan_no_pvid 0 vlan_egress 0 pause 0 total 768 bytes "
			       "to_skb 6 kernel_dropped 8 events_dropped 9 learn_limit 11\n", "stats text");
	free(text);

	capture(true, false);
	print_stats("br0", &p, 1);
	cr_assert_str_eq(captured(),
			 "[{\"ifname\":\"veth1\",\"rx_packets\":10,\"rx_bytes\":640,\"forwarded\":7,"
			 "\"forwarded_bytes\":448,\"flooded\":2,\"flooded_bytes\":128,\"to_host\":1,"
			 "\"to_host_bytes\":64,\"dropped_runt\":3,\"dropped_bad_src\":4,"
			 "\"dropped_reflect\":5,\"dropped_mac_hijack\":0,\"dropped_isolated\":0,\"dropped_storm\":0,"
			 "\"dropped_port_state\":0,\"dropped_vlan_ingress\":0,\"dropped_vlan_no_pvid\":0,"
			 "\"dropped_vlan_egress\":0,\"dropped_pause\":0,\"dropped_bytes\":768,\"to_skb\":6,\"kernel_dropped\":8,\"events_dropped\":9,\"learn_limit\":11,\"carrier_flushes\":0}]\n", "stats JSON: one key per counter");
}

Test(print, top_text_and_json_bits_by_class, .fini = teardown)
{
	struct port_rates r = { .ifindex = 3, .ifname = "veth1", .rx_pps = 1000, .rx_bps = 1.5e6,
				.forwarded_pps = 600, .forwarded_bps = 1.2e6, .flooded_pps = 200,
				.flooded_bps = 12345, .to_host_pps = 100, .to_host_bps = 950,
				.dropped_pps = 100, .dropped_bps = 51200.4, .learn_limit_pps = 42 };
	char *text;

	capture(false, false);
	print_top("br0", 1000 * 1000000ULL, &r, 1);
	text = strdup(captured());
	teardown();
	cr_assert_str_eq(text,
			 "bridge br0: per second over 1000 ms\n"
			 "                  RECEIVED          FORWARDED         FLOODED           TO HOST           DROPPED  NOT LEARNED\n"
			 "PORT                  fr/s   bit/s      fr/s   bit/s      fr/s   bit/s      fr/s   bit/s      fr/s   bit/s         fr/s\n"
			 "veth1                 1000   1.50M       600   1.20M       200   12.3k       100     950       100   51.2k           42\n",
			 "top text: a frames/s and a bits/s column per class");
	free(text);

	capture(true, false);
	print_top("br0", 1000 * 1000000ULL, &r, 1);
	cr_assert_str_eq(captured(),
			 "{\"bridge\":\"br0\",\"interval_ms\":1000,\"ports\":[{\"ifname\":\"veth1\",\"host\":false,"
			 "\"rx_pps\":1000,\"rx_bps\":1500000,\"forwarded_pps\":600,\"forwarded_bps\":1200000,"
			 "\"flooded_pps\":200,\"flooded_bps\":12345,\"to_host_pps\":100,\"to_host_bps\":950,"
			 "\"dropped_pps\":100,\"dropped_bps\":51200,\"learn_limit_pps\":42}]}\n", "top JSON: _pps and _bps per class");
}

Test(print, bridge_summary, .fini = teardown)
{
	struct port_row ports[] = {
		{ .ifindex = 9, .info = { .ifname = "br0-p", .flags = XB_PORT_HOST } },
		{ .ifindex = 4, .info = { .ifname = "eth1", .xdp_mode = XB_MODE_GENERIC } },
	};
	struct bridge_summary b = { .name = "br0", .cfg = { .ageing_ns = 300 * SEC, .static_count = 1,
							    .flags = XB_CFG_HOST_PORT },
				    .fdb_size = 65536, .max_ports = 64, .learned = 3, .control_pid = 0,
				    .ports = ports, .nports = 2 };

	capture(false, false);
	print_bridge(&b);
	cr_assert_str_eq(captured(),
			 "bridge br0 ageing 300 fdb_size 65536 max_ports 64 learned 3 static 1 host_iface br0 control_pid none\n"
			 "    port br0-p ifindex 9 mode native host\n"
			 "    port eth1 ifindex 4 mode generic\n", "show text: bridge line, then one line per port");
}

Test(print, bridge_summary_unindexed, .fini = teardown)
{
	struct bridge_summary b = { .name = "br0", .cfg = { .ageing_ns = 300 * SEC }, .sync = { .age_untracked = 7 },
				    .fdb_size = 16, .max_ports = 64 };

	capture(false, false);
	print_bridge(&b);
	cr_assert_str_eq(captured(),
			 "bridge br0 ageing 300 fdb_size 16 max_ports 64 learned 0 static 0 unindexed 7 "
			 "control_pid none\n", "text shows unindexed learns once there are any");
}

/* monitor: the words of `bridge monitor fdb`, and one JSON object per event. */
static const char *event_text(const struct xb_event *ev, bool json)
{
	free(buf);
	buf = NULL;
	capture(json, false);
	print_event(ev);
	return captured();
}

Test(print, monitor_events, .fini = teardown)
{
	struct xb_event ev = { .type = XB_EV_LEARNED, .flags = XB_EVF_KEY,
			       .key = { .mac = { 0x02, 0, 0, 0, 1, 1 } },
			       .ifname = "vnet0", .bridge = "br0" };

	cr_assert_str_eq(event_text(&ev, false), "02:00:00:00:01:01 dev vnet0 master br0 learned\n");
	ev.type = XB_EV_AGED;
	cr_assert_str_eq(event_text(&ev, false), "Deleted 02:00:00:00:01:01 dev vnet0 master br0 aged\n");
	ev.type = XB_EV_MOVED;
	memcpy(ev.old_ifname, "vnet1", 6);
	cr_assert_str_eq(event_text(&ev, false), "02:00:00:00:01:01 dev vnet0 master br0 moved from vnet1\n");
	cr_assert_str_eq(event_text(&ev, true),
			 "{\"event\":\"moved\",\"mac\":\"02:00:00:00:01:01\",\"ifname\":\"vnet0\",\"master\":\"br0\",\"old_ifname\":\"vnet1\"}\n");
	ev = (struct xb_event){ .type = XB_EV_PORT_ADDED, .ifname = "vnet1", .bridge = "br0" };
	cr_assert_str_eq(event_text(&ev, false), "port vnet1 master br0 added\n");
	ev.type = XB_EV_PORT_SKIPPED;
	ev.error = -95;	/* EOPNOTSUPP */
	cr_assert_str_eq(event_text(&ev, true),
			 "{\"event\":\"port_skipped\",\"ifname\":\"vnet1\",\"master\":\"br0\",\"error\":\"Operation not supported\"}\n");
	ev = (struct xb_event){ .type = XB_EV_AGED, .count = 3, .bridge = "br0" };
	cr_assert_str_eq(event_text(&ev, false), "fdb 3 entries aged master br0\n");
	ev.type = XB_EV_LIMIT_HIT;
	cr_assert_str_eq(event_text(&ev, false), "fdb 3 entries learned, full master br0\n");
	cr_assert_str_eq(event_text(&ev, true),
			 "{\"event\":\"limit_hit\",\"count\":3,\"master\":\"br0\"}\n");
}

Test(print, bridge_summary_fdb_full, .fini = teardown)
{
	struct bridge_summary b = { .name = "br0", .cfg = { .ageing_ns = 300 * SEC },
				    .fdb_size = 64, .max_ports = 64, .learned = 40,
				    .fdb_full = CTL_FDB_AT_LIMIT, .control_pid = 7 };

	capture(false, false);
	print_bridge(&b);
	cr_assert_str_eq(captured(),
			 "bridge br0 ageing 300 fdb_size 64 max_ports 64 learned 40 static 0 "
			 "fdb_full max_learned control_pid 7\n", "text says why the FDB is full");
	b.fdb_full = CTL_FDB_EVICTING;
	free(buf);
	buf = NULL;
	capture(false, false);
	print_bridge(&b);
	cr_assert(strstr(captured(), " fdb_full evicting "), "evicting: %s", captured());
}

Test(print, bridge_summary_vlan_filtering, .fini = teardown)
{
	struct bridge_summary b = { .name = "br0", .cfg = { .ageing_ns = 300 * SEC,
							    .flags = XB_CFG_VLAN_FILTERING,
							    .vlan_proto = XB_VLAN_PROTO_8021AD,
							    .default_pvid = 1 },
				    .fdb_size = 16, .max_ports = 64 };

	capture(false, false);
	print_bridge(&b);
	cr_assert_str_eq(captured(),
			 "bridge br0 ageing 300 fdb_size 16 max_ports 64 learned 0 static 0 vlan_filtering on "
			 "vlan_protocol 802.1ad default_pvid 1 control_pid none\n",
			 "text shows VLAN filtering only when it is on");
}

static struct port_conf_row conf_rows[] = {
	{ .ifindex = 5, .info = { .ifname = "veth1", .slot = 1, .xdp_mode = XB_MODE_NATIVE },
	  .conf = { .flags = XB_PCONF_ISOLATED | XB_PCONF_NO_LEARNING | XB_PCONF_NO_BCAST_FLOOD,
		    .stp_state = XB_STP_FORWARDING, .storm_bcast = 1000, .max_learned = 7 } },
};

Test(print, port_conf_text_uses_bridge_link_words, .fini = teardown)
{
	capture(false, false);
	print_port_conf("br0", conf_rows, 1);
	cr_assert_str_eq(captured(),
			 "port veth1 slot 1 mode native state forwarding isolated on learning off flood on "
			 "mcast_flood on bcast_flood off bpdu_guard off root_block off storm_bcast 1000 "
			 "storm_mcast 0 storm_unknown 0 max_learned 7\n", "port show text");
}

Test(print, port_conf_json_switches_are_booleans, .fini = teardown)
{
	capture(true, false);
	print_port_conf("br0", conf_rows, 1);
	cr_assert_str_eq(captured(),
			 "[{\"ifname\":\"veth1\",\"master\":\"br0\",\"slot\":1,\"mode\":\"native\",\"host\":false,"
			 "\"state\":\"forwarding\",\"isolated\":true,\"learning\":false,\"flood\":true,"
			 "\"mcast_flood\":true,\"bcast_flood\":false,\"bpdu_guard\":false,\"root_block\":false,"
			 "\"storm_bcast\":1000,\"storm_mcast\":0,\"storm_unknown\":0,\"max_learned\":7}]\n",
			 "port show JSON");
}
