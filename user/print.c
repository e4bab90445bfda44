// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <inttypes.h>
#include <string.h>

#include "json_print.h"
#include "names.h"
#include "parse.h"
#include "metrics.h"
#include "print.h"

void print_fdb(const char *bridge, const struct fdb_row *rows, size_t n, __u64 now_ns)
{
	char mac[XB_MAC_STR_LEN];

	open_json_array(NULL);
	for (size_t i = 0; i < n; i++) {
		const struct fdb_row *r = &rows[i];

		open_json_object(NULL);
		format_mac(r->key.mac, mac);
		print_string(PRINT_ANY, "mac", "%s ", mac);
		print_string(PRINT_ANY, "ifname", "dev %s ", r->ifname);
		if (r->key.vlan)
			print_uint(PRINT_ANY, "vlan", "vlan %" PRIu64 " ", r->key.vlan);
		else
			print_null(PRINT_JSON, "vlan", NULL);
		print_string(PRINT_ANY, "master", "master %s ", bridge);
		/* As `bridge fdb`: the bridge's own address is "permanent". */
		print_string(PRINT_ANY, "state", "%s",
			     r->is_local ? "permanent" : r->is_static ? "static" : "learned");
		if (r->is_static)
			print_null(PRINT_JSON, "age", NULL);
		else
			print_uint(PRINT_ANY, "age", " age %" PRIu64,
				   fdb_entry_age_sec(now_ns, r->last_seen_ns));
		close_json_object();
		print_nl();
	}
	close_json_array();
}

void print_bridge(const struct bridge_summary *b)
{
	bool vlan_on;

	open_json_object(NULL);
	print_string(PRINT_ANY, "name", "bridge %s", b->name);
	print_uint(PRINT_ANY, "ageing", " ageing %" PRIu64, b->cfg.ageing_ns / 1000000000ULL);
	print_uint(PRINT_ANY, "fdb_size", " fdb_size %" PRIu64, b->fdb_size);
	print_uint(PRINT_ANY, "max_ports", " max_ports %" PRIu64, b->max_ports);
	print_uint(PRINT_ANY, "learned", " learned %" PRIu64, b->learned);
	print_uint(PRINT_ANY, "static", " static %" PRIu64, b->cfg.static_count);
	/* Stations learned without an ageing record (the index was full): the
	 * control loop then walks the whole FDB. Text shows it only when it
	 * happened; a growing count says --fdb-size is too small. */
	if (b->sync.age_untracked)
		print_uint(PRINT_ANY, "unindexed", " unindexed %" PRIu64, b->sync.age_untracked);
	else
		print_uint(PRINT_JSON, "unindexed", NULL, 0);
	/* VLAN filtering: text only when on, so a VLAN-transparent bridge's line
	 * reads as before; JSON always. */
	vlan_on = b->cfg.flags & XB_CFG_VLAN_FILTERING;
	print_bool(PRINT_JSON, "vlan_filtering", NULL, vlan_on);
	if (vlan_on)
		print_string(PRINT_TEXT, NULL, " vlan_filtering %s", "on");
	print_string(vlan_on ? PRINT_ANY : PRINT_JSON, "vlan_protocol", " vlan_protocol %s",
		     b->cfg.vlan_proto == XB_VLAN_PROTO_8021AD ? "802.1ad" : "802.1Q");
	print_uint(vlan_on ? PRINT_ANY : PRINT_JSON, "default_pvid", " default_pvid %" PRIu64,
		   b->cfg.default_pvid);
	if (b->cfg.flags & XB_CFG_HOST_PORT)
		print_string(PRINT_ANY, "host_iface", " host_iface %s", b->name);
	else
		print_null(PRINT_JSON, "host_iface", NULL);
	/* Text: only while full; JSON: always (null: room, or no loop to tell). */
	if (b->fdb_full)
		print_string(PRINT_ANY, "fdb_full", " fdb_full %s",
			     b->fdb_full == CTL_FDB_AT_LIMIT ? "max_learned" : "evicting");
	else
		print_null(PRINT_JSON, "fdb_full", NULL);
	if (b->control_pid)
		print_uint(PRINT_ANY, "control_pid", " control_pid %" PRIu64, (uint64_t)b->control_pid);
	else
		print_null(PRINT_ANY, "control_pid", " control_pid none");
	print_nl();
	open_json_array("ports");
	for (size_t i = 0; i < b->nports; i++) {
		const struct port_row *p = &b->ports[i];

		open_json_object(NULL);
		print_string(PRINT_ANY, "ifname", "    port %s", p->info.ifname);
		print_uint(PRINT_ANY, "ifindex", " ifindex %" PRIu64, p->ifindex);
		print_string(PRINT_ANY, "mode", " mode %s",
			     xb_mode_name(p->info.xdp_mode));
		print_bool(PRINT_ANY, "host", p->info.flags & XB_PORT_HOST ? " host" : "",
			   p->info.flags & XB_PORT_HOST);
		/* Text: once it happened (JSON: always). */
		print_uint(p->info.carrier_flushes ? PRINT_ANY : PRINT_JSON, "carrier_flushes",
			   " carrier_flushes %" PRIu64, p->info.carrier_flushes);
		close_json_object();
		print_nl();
	}
	close_json_array();
	close_json_object();
}

void print_stats(const char *bridge, const struct port_row *ports, size_t n)
{
	open_json_array(NULL);
	for (size_t i = 0; i < n; i++) {
		const struct xb_port_stats *s = &ports[i].stats;
		char key[32];

		open_json_object(NULL);
		print_string(PRINT_ANY, "ifname", "port %s:", ports[i].info.ifname);
		print_uint(PRINT_ANY, "rx_packets", " rx %" PRIu64 " packets", s->rx_packets);
		print_uint(PRINT_ANY, "rx_bytes", " %" PRIu64 " bytes", s->rx_bytes);
		print_uint(PRINT_ANY, "forwarded", " forwarded %" PRIu64 " packets", s->forwarded);
		print_uint(PRINT_ANY, "forwarded_bytes", " %" PRIu64 " bytes", s->forwarded_bytes);
		print_uint(PRINT_ANY, "flooded", " flooded %" PRIu64 " packets", s->flooded);
		print_uint(PRINT_ANY, "flooded_bytes", " %" PRIu64 " bytes", s->flooded_bytes);
		print_uint(PRINT_ANY, "to_host", " to_host %" PRIu64 " packets", s->to_host);
		print_uint(PRINT_ANY, "to_host_bytes", " %" PRIu64 " bytes", s->to_host_bytes);
		print_string(PRINT_TEXT, NULL, "%s", " dropped");
		for (int r = 0; r < XB_DROP_MAX; r++) {
			char fmt[48];

			snprintf(key, sizeof(key), "dropped_%s", xb_drop_name(r));
			snprintf(fmt, sizeof(fmt), " %s %%" PRIu64, xb_drop_name(r));
			print_uint(PRINT_ANY, key, fmt, s->dropped[r]);
		}
		/* Every reason together: the data path adds bytes once per drop. */
		print_uint(PRINT_ANY, "dropped_bytes", " total %" PRIu64 " bytes", s->dropped_bytes);
		/* Not outcomes: frames XDP handed to the skb path, and copies the
		 * kernel dropped after a forward or flood (see xb_port_stats). */
		print_uint(PRINT_ANY, "to_skb", " to_skb %" PRIu64, s->to_skb);
		print_uint(PRINT_ANY, "kernel_dropped", " kernel_dropped %" PRIu64, s->kernel_dropped);
		print_uint(PRINT_ANY, "events_dropped", " events_dropped %" PRIu64, s->events_dropped);
		/* Not a drop: sources not learned over max_learned, frames forwarded. */
		print_uint(PRINT_ANY, "learn_limit", " learn_limit %" PRIu64, s->learn_limit);
		/* Not a frame count: link losses that flushed the port's stations. */
		print_uint(ports[i].info.carrier_flushes ? PRINT_ANY : PRINT_JSON, "carrier_flushes",
			   " carrier_flushes %" PRIu64, ports[i].info.carrier_flushes);
		close_json_object();
		print_nl();
	}
	close_json_array();
}

static const char *const event_names[XB_EV_MAX] = {
	[XB_EV_LEARNED] = "learned",
	[XB_EV_MOVED] = "moved",
	[XB_EV_AGED] = "aged",
	[XB_EV_DELETED] = "deleted",
	[XB_EV_FLUSHED] = "flushed",
	[XB_EV_PORT_ADDED] = "port_added",
	[XB_EV_PORT_REMOVED] = "port_removed",
	[XB_EV_PORT_DOWN] = "port_down",
	[XB_EV_PORT_UP] = "port_up",
	[XB_EV_PORT_SKIPPED] = "port_skipped",
	[XB_EV_LIMIT_HIT] = "limit_hit",
	[XB_EV_STORM_START] = "storm_start",
	[XB_EV_STORM_STOP] = "storm_stop",
};

/* "MAC dev PORT master BR" as in `fdb show`; Deleted first for gone entries. */
static void print_event_station(const struct xb_event *ev)
{
	char mac[XB_MAC_STR_LEN];

	if (ev->type == XB_EV_AGED || ev->type == XB_EV_DELETED)
		print_string(PRINT_TEXT, NULL, "%s ", "Deleted");
	format_mac(ev->key.mac, mac);
	print_string(PRINT_ANY, "mac", "%s ", mac);
	print_string(PRINT_ANY, "ifname", "dev %s ", ev->ifname);
	if (ev->key.vlan)	/* VLAN filtering: as `bridge monitor fdb` */
		print_uint(PRINT_ANY, "vlan", "vlan %" PRIu64 " ", ev->key.vlan);
	print_string(PRINT_ANY, "master", "master %s", ev->bridge);
	switch (ev->type) {
	case XB_EV_LEARNED:
		print_string(PRINT_ANY, "state", " %s", ev->flags & XB_EVF_STATIC ? "static" : "learned");
		break;
	case XB_EV_MOVED:
		print_string(PRINT_ANY, "old_ifname", " moved from %s", ev->old_ifname);
		break;
	case XB_EV_AGED:
		print_string(PRINT_TEXT, NULL, " %s", "aged");
		break;
	default:
		break;
	}
}

void print_event(const struct xb_event *ev)
{
	const char *name = ev->type < XB_EV_MAX && event_names[ev->type] ? event_names[ev->type] : "unknown";

	open_json_object(NULL);
	print_string(PRINT_JSON, "event", NULL, name);
	if (ev->flags & XB_EVF_KEY) {
		print_event_station(ev);
	} else if (ev->type == XB_EV_AGED || ev->type == XB_EV_FLUSHED || ev->type == XB_EV_LIMIT_HIT) {
		/* limit_hit: the FDB is full with count learned stations */
		print_uint(PRINT_ANY, "count", "fdb %" PRIu64, ev->count);
		print_string(PRINT_TEXT, NULL, " entries %s", ev->type == XB_EV_AGED ? "aged" :
			     ev->type == XB_EV_FLUSHED ? "flushed" : "learned, full");
		if (ev->ifname[0])
			print_string(PRINT_ANY, "ifname", " dev %s", ev->ifname);
		print_string(PRINT_ANY, "master", " master %s", ev->bridge);
	} else {
		const char *what = strchr(name, '_') ? strchr(name, '_') + 1 : name;

		print_string(PRINT_ANY, "ifname", "port %s ", ev->ifname);
		print_string(PRINT_ANY, "master", "master %s ", ev->bridge);
		print_string(PRINT_TEXT, NULL, "%s", what);
		if (ev->error) {
			print_string(PRINT_ANY, "error", ": %s", strerror(-ev->error));
		}
	}
	close_json_object();
	print_nl();
}

void format_si(double v, char *buf, size_t len)
{
	static const char units[] = { 'k', 'M', 'G', 'T' };
	int u = -1;

	while (v >= 999.95 && u < 3) {
		v /= 1000;
		u++;
	}
	if (u < 0)
		snprintf(buf, len, "%.0f", v);
	else
		snprintf(buf, len, "%.*f%c", v < 9.995 ? 2 : v < 99.95 ? 1 : 0, v, units[u]);
}

static uint64_t whole(double v)
{
	return v > 0 ? (uint64_t)(v + 0.5) : 0;
}

/* One class's "fr/s bit/s" pair: a column pair in text, two keys in JSON. */
static void print_top_class(const char *name, double pps, double bps)
{
	char key[32], bits[16];

	snprintf(key, sizeof(key), "%s_pps", name);
	print_uint(PRINT_ANY, key, " %9" PRIu64, whole(pps));
	snprintf(key, sizeof(key), "%s_bps", name);
	format_si(bps, bits, sizeof(bits));
	print_string(PRINT_TEXT, NULL, " %7s", bits);
	print_uint(PRINT_JSON, key, NULL, whole(bps));
}

void print_top(const char *bridge, __u64 interval_ns, const struct port_rates *r, size_t n)
{
	open_json_object(NULL);
	print_string(PRINT_ANY, "bridge", "bridge %s", bridge);
	print_uint(PRINT_ANY, "interval_ms", ": per second over %" PRIu64 " ms",
		   interval_ns / 1000000ULL);
	print_nl();
	print_string(PRINT_TEXT, NULL, "%s\n",
		     "                  RECEIVED          FORWARDED         FLOODE"
		     "D           TO HOST           DROPPED  NOT LEARNED");
	print_string(PRINT_TEXT, NULL, "%s\n",
		     "PORT                  fr/s   bit/s      fr/s   bit/s      fr"
		     "/s   bit/s      fr/s   bit/s      fr/s   bit/s         fr/s");
	open_json_array("ports");
	for (size_t i = 0; i < n; i++) {
		open_json_object(NULL);
		print_string(PRINT_ANY, "ifname", "%-16s", r[i].ifname);
		print_bool(PRINT_JSON, "host", NULL, r[i].host);
		print_top_class("rx", r[i].rx_pps, r[i].rx_bps);
		print_top_class("forwarded", r[i].forwarded_pps, r[i].forwarded_bps);
		print_top_class("flooded", r[i].flooded_pps, r[i].flooded_bps);
		print_top_class("to_host", r[i].to_host_pps, r[i].to_host_bps);
		print_top_class("dropped", r[i].dropped_pps, r[i].dropped_bps);
		/* Over max_learned: forwarded, but their sources not learned. */
		print_uint(PRINT_ANY, "learn_limit_pps", "    %9" PRIu64, whole(r[i].learn_limit_pps));
		close_json_object();
		print_nl();
	}
	close_json_array();
	close_json_object();
}

/* A switch: on|off in text, a boolean in JSON (iproute2's `bridge -j link`). */
static void print_onoff(const char *key, const char *text_fmt, bool on)
{
	print_bool(PRINT_JSON, key, NULL, on);
	print_string(PRINT_TEXT, key, text_fmt, on ? "on" : "off");
}

void print_port_conf(const char *bridge, const struct port_conf_row *rows, size_t n)
{
	open_json_array(NULL);
	for (size_t i = 0; i < n; i++) {
		const struct xb_port_conf *c = &rows[i].conf;

		open_json_object(NULL);
		print_string(PRINT_ANY, "ifname", "port %s", rows[i].info.ifname);
		print_string(PRINT_JSON, "master", NULL, bridge);
		print_uint(PRINT_ANY, "slot", " slot %" PRIu64, rows[i].info.slot);
		print_string(PRINT_ANY, "mode", " mode %s", xb_mode_name(rows[i].info.xdp_mode));
		print_bool(PRINT_ANY, "host", rows[i].info.flags & XB_PORT_HOST ? " host" : "",
			   rows[i].info.flags & XB_PORT_HOST);
		print_string(PRINT_ANY, "state", " state %s", xb_stp_state_name(c->stp_state));
		print_onoff("isolated", " isolated %s", c->flags & XB_PCONF_ISOLATED);
		print_onoff("learning", " learning %s", !(c->flags & XB_PCONF_NO_LEARNING));
		print_onoff("flood", " flood %s", !(c->flags & XB_PCONF_NO_FLOOD));
		print_onoff("mcast_flood", " mcast_flood %s", !(c->flags & XB_PCONF_NO_MCAST_FLOOD));
		print_onoff("bcast_flood", " bcast_flood %s", !(c->flags & XB_PCONF_NO_BCAST_FLOOD));
		print_onoff("bpdu_guard", " bpdu_guard %s", c->flags & XB_PCONF_BPDU_GUARD);
		print_onoff("root_block", " root_block %s", c->flags & XB_PCONF_ROOT_BLOCK);
		print_uint(PRINT_ANY, "storm_bcast", " storm_bcast %" PRIu64, c->storm_bcast);
		print_uint(PRINT_ANY, "storm_mcast", " storm_mcast %" PRIu64, c->storm_mcast);
		print_uint(PRINT_ANY, "storm_unknown", " storm_unknown %" PRIu64, c->storm_unknown);
		print_uint(PRINT_ANY, "max_learned", " max_learned %" PRIu64, c->max_learned);
		close_json_object();
		print_nl();
	}
	close_json_array();
}
