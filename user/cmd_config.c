// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * config show: the running bridge as a bridge file (config.h) which, given to
 * `load --config`, makes the same bridge. The words are the file's and the
 * commands' (settings.c); a setting at its default is left out.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "autoport.h"
#include "bridge.h"
#include "cmd.h"
#include "config.h"
#include "fdb.h"
#include "log.h"
#include "policy.h"
#include "port.h"
#include "settings.h"
#include "stp_conf.h"
#include "vlan.h"

struct config_view {
	struct xb_bridge *br;
	struct xb_config cfg;
	struct xb_stp stp;
	struct auto_ports ap;
	struct port_row *rows;	/* sorted by name */
	size_t nrows;
	struct fdb_row *fdb;
	size_t nfdb;
	__u32 fdb_size;
};

static int row_by_name(const void *a, const void *b)
{
	return strcmp(((const struct port_row *)a)->info.ifname, ((const struct port_row *)b)->info.ifname);
}

/* A port an auto-port pattern covers: the control loop adds it again, with
 * nothing but its mode. */
static bool is_auto(const struct config_view *v, const struct port_row *r)
{
	return !(r->info.flags & XB_PORT_HOST) &&
	       glob_match_any((const char (*)[ARG_GLOB_MAX])v->ap.globs, v->ap.nglobs, r->info.ifname);
}

static const struct port_row *row_of(const struct config_view *v, __u32 ifindex)
{
	for (size_t i = 0; i < v->nrows; i++)
		if (v->rows[i].ifindex == ifindex)
			return &v->rows[i];
	return NULL;
}

static bool is_listed(const struct config_view *v, const char *ifname)
{
	for (size_t i = 0; i < v->nrows; i++)
		if (!strcmp(v->rows[i].info.ifname, ifname))
			return !(v->rows[i].info.flags & XB_PORT_HOST) && !is_auto(v, &v->rows[i]);
	return false;
}

/* The `port set` words of a port that differ from a joining port's:
 * "isolated on cost 4 ..." into buf; settings.c's table, in its order. */
static void port_set_words(const struct config_view *v, const struct port_row *r, char *buf, size_t len)
{
	struct xb_stp_port_conf stp = {};
	struct xb_port_conf conf = {};
	size_t used = 0;

	buf[0] = '\0';
	if (port_conf_read(v->br, r->info.slot, &conf) ||
	    stp_port_conf_get(v->br, r->info.slot, r->ifindex, &stp))
		return;
	for (const struct port_setting *k = port_settings; k->name; k++) {
		char word[32];
		__u32 u;

		if (k->stp == PSET_STP_COST) {
			if (!stp.path_cost)
				continue;
			snprintf(word, sizeof(word), "%u", stp.path_cost);
		} else if (k->stp == PSET_STP_PRIO) {
			if (!stp.priority_set)
				continue;
			snprintf(word, sizeof(word), "%u", stp.priority);
		} else if (k->value.type == ARG_ONOFF) {
			if (!(conf.flags & k->flag))	/* every bit clear: the defaults */
				continue;
			snprintf(word, sizeof(word), "%s", k->flag_means_off ? "off" : "on");
		} else {
			memcpy(&u, (const char *)&conf + k->field, sizeof(u));
			if (u == (k->field == offsetof(struct xb_port_conf, max_learned) ?
				  xb_default_port_max_learned(v->fdb_size) : 0))
				continue;
			snprintf(word, sizeof(word), "%u", u);
		}
		used += (size_t)snprintf(buf + used, used < len ? len - used : 0, " %s %s", k->name, word);
	}
}

/* `vlan PORT ...` lines: runs of VIDs with the same egress flag, the PVID
 * last (adding a VID without pvid clears the PVID if it was that VID). */
static void print_port_vlans(const struct config_view *v, const struct port_row *r)
{
	const char *name = r->info.ifname;
	struct xb_port_vlans pv;
	__u16 pvid;

	if (vlan_port_get(v->br, r->info.slot, &pv, &pvid))
		return;
	for (__u32 vid = 1; vid <= XB_VLAN_VID_MAX; vid++) {
		bool untagged;
		__u32 last = vid;

		if (!vlan_bit(pv.member, vid) || vid == pvid)
			continue;
		untagged = vlan_bit(pv.untagged, vid);
		while (last + 1 <= XB_VLAN_VID_MAX && last + 1 != pvid && vlan_bit(pv.member, last + 1) &&
		       vlan_bit(pv.untagged, last + 1) == untagged)
			last++;
		if (last == vid)
			printf("vlan %s %u%s\n", name, vid, untagged ? " untagged" : "");
		else
			printf("vlan %s %u-%u%s\n", name, vid, last, untagged ? " untagged" : "");
		vid = last;
	}
	if (pvid)
		printf("vlan %s %u pvid%s\n", name, pvid, vlan_bit(pv.untagged, pvid) ? " untagged" : "");
	/* A joining port gets the default PVID; the file cannot take it away. */
	if (v->cfg.default_pvid && !vlan_bit(pv.member, v->cfg.default_pvid))
		printf("# %s has left VLAN %u, the default PVID it joins with: after loading, run 'xdpbridge vlan del %s %s %u'\n",
		       name, v->cfg.default_pvid, v->br->name, name, v->cfg.default_pvid);
}

static void print_bridge_keys(const struct config_view *v)
{
	__u64 ageing_ns = v->stp.ageing_ns ? v->stp.ageing_ns : v->cfg.ageing_ns;	/* a TC shortens it */

	printf("ageing %llu\n", (unsigned long long)(ageing_ns / 1000000000ULL));
	printf("fdb-size %u\n", v->fdb_size);
	printf("max-ports %u\n", bridge_map_capacity(v->br->info_fd));
	printf("max-learned %u\n", v->cfg.max_learned);
	printf("host-port %s\n", v->cfg.flags & XB_CFG_HOST_PORT ? "on" : "off");
	for (int i = 0; i < v->ap.nglobs; i++)
		printf("auto-port %s\n", v->ap.globs[i]);
	/* The patterns' mode (load's --mode or `mode`): the listed ports have theirs. */
	if (v->ap.nglobs && v->ap.glob_mode[0] != XB_MODE_AUTO)
		printf("mode %s\n", xb_mode_name(v->ap.glob_mode[0]));
	printf("vlan-filtering %s\n", v->cfg.flags & XB_CFG_VLAN_FILTERING ? "on" : "off");
	printf("vlan-protocol %s\n", v->cfg.vlan_proto == XB_VLAN_PROTO_8021AD ? "802.1ad" : "802.1Q");
	printf("default-pvid %u\n", v->cfg.default_pvid);
	printf("stp %s\n", v->cfg.flags & XB_CFG_STP ? "on" : "off");
	if (v->stp.priority_set)
		printf("priority %u\n", v->stp.priority);
	if (v->stp.hello_sec)
		printf("hello %u\n", v->stp.hello_sec);
	if (v->stp.forward_delay_sec)
		printf("forward-delay %u\n", v->stp.forward_delay_sec);
	if (v->stp.max_age_sec)
		printf("max-age %u\n", v->stp.max_age_sec);
}

static void print_ports(const struct config_view *v)
{
	char words[512];
	bool any = false;

	for (size_t i = 0; i < v->nrows; i++) {
		const struct port_row *r = &v->rows[i];

		if (r->info.flags & XB_PORT_HOST || is_auto(v, r))
			continue;
		printf("%s%s", any ? " " : "ports ", r->info.ifname);
		any = true;
	}
	if (any)
		putchar('\n');
	/* The auto-ports' own modes (`port IF mode` for a pattern's port). */
	for (int i = 0; i < v->ap.nport_modes; i++) {
		const char *name = v->ap.port_modes[i].ifname;

		if (!is_listed(v, name) &&
		    glob_match_any((const char (*)[ARG_GLOB_MAX])v->ap.globs, v->ap.nglobs, name))
			printf("port %s mode %s\n", name, xb_mode_name(v->ap.port_modes[i].mode));
	}
	for (size_t i = 0; i < v->nrows; i++) {
		const struct port_row *r = &v->rows[i];
		bool host = r->info.flags & XB_PORT_HOST;

		port_set_words(v, r, words, sizeof(words));
		if (is_auto(v, r)) {
			if (words[0])
				printf("# %s (an auto-port) has settings the file cannot keep for it:%s\n",
				       r->info.ifname, words);
			continue;
		}
		if (!host || words[0])
			printf("port %s%s%s%s\n", r->info.ifname, host ? "" : " mode ",
			       host ? "" : xb_mode_name((enum xb_xdp_mode)r->info.xdp_mode), words);
	}
	for (size_t i = 0; i < v->nrows; i++)
		if (!is_auto(v, &v->rows[i]))
			print_port_vlans(v, &v->rows[i]);
}

static void print_static_entries(const struct config_view *v)
{
	for (size_t i = 0; i < v->nfdb; i++) {
		const struct fdb_row *e = &v->fdb[i];
		const struct port_row *r = row_of(v, e->ifindex);
		const __u8 *m = e->key.mac;

		if (!e->is_static || e->is_local || !r)
			continue;
		/* The file's `fdb` lines name listed ports only. */
		printf("%sfdb %02x:%02x:%02x:%02x:%02x:%02x %s", is_listed(v, r->info.ifname) ? "" : "# ",
		       m[0], m[1], m[2], m[3], m[4], m[5], r->info.ifname);
		if (e->key.vlan)
			printf(" vlan %u", e->key.vlan);
		putchar('\n');
	}
}

static int config_show_open(struct xb_bridge *br, const struct parsed_args *a)
{
	struct config_view v = { .br = br };
	int err;

	err = bridge_config_get(br, &v.cfg);
	if (!err)
		err = stp_conf_get(br, &v.stp);
	if (!err)
		err = autoport_read(br, &v.ap);
	if (!err)
		err = port_rows_read(br, &v.rows, &v.nrows);
	if (!err)
		err = fdb_dump(br, &v.fdb, &v.nfdb);
	if (err) {
		pr_err("cannot read bridge %s: %s", br->name, strerror(-err));
		goto cleanup;
	}
	if (v.nrows)
		qsort(v.rows, v.nrows, sizeof(*v.rows), row_by_name);
	v.fdb_size = bridge_map_capacity(br->fdb_fd);
	printf("# bridge %s, as 'xdpbridge config show %s' printed it: load it with\n"
	       "# 'xdpbridge load %s --config FILE'\n", br->name, br->name, br->name);
	print_bridge_keys(&v);
	print_ports(&v);
	print_static_entries(&v);
cleanup:
	free(v.rows);
	free(v.fdb);
	autoport_free(&v.ap);
	return err;
}

static int do_config_show(const struct parsed_args *a)
{
	if (opt_json) {
		pr_err("config show prints a bridge file, which has no JSON form: run it without -j");
		return EXIT_USAGE;
	}
	return cmd_with_bridge(a, false, config_show_open);
}

const struct cmd config_cmds[] = {
	{ .name = "show", .func = do_config_show, .pos = bridge_pos, .min_pos = 1 },
	{ .name = NULL },
};
