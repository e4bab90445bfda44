// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* fdb show | add | del | flush */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>

#include "bridge.h"
#include "cmd.h"
#include "events.h"
#include "fdb.h"
#include "json_print.h"
#include "log.h"
#include "port.h"
#include "print.h"
#include "settings.h"
#include "vlan.h"

static int port_ifindex(const struct xb_bridge *br, const char *ifname, __u32 *ifindex)
{
	if (!port_lookup_by_name(br, ifname, ifindex))
		return 0;
	pr_err("%s is not a port of bridge %s: see 'xdpbridge show %s'", ifname, br->name, br->name);
	return -ENOENT;
}

struct port_name {
	__u32 ifindex;
	char ifname[XB_IFNAMSIZ];
};

struct port_names {
	struct port_name *v;
	size_t n;
};

static int port_name_add(__u32 ifindex, const struct xb_port_info *info, void *ctx)
{
	struct port_names *names = ctx;
	void *p = realloc(names->v, (names->n + 1) * sizeof(*names->v));

	if (!p)
		return -ENOMEM;
	names->v = p;
	names->v[names->n].ifindex = ifindex;
	memcpy(names->v[names->n++].ifname, info->ifname, XB_IFNAMSIZ);
	return 0;
}

static int port_name_cmp(const void *a, const void *b)
{
	__u32 x = ((const struct port_name *)a)->ifindex, y = ((const struct port_name *)b)->ifindex;

	return x < y ? -1 : x > y;
}

/* The port names of rows, from one walk of the port registry. */
static void fdb_rows_name(const struct xb_bridge *br, struct fdb_row *rows, size_t n)
{
	struct port_names names = { NULL, 0 };

	port_for_each(br, port_name_add, &names);	/* unnamed on failure: "ifN" */
	if (names.n)	/* qsort(NULL, 0, ...) is undefined */
		qsort(names.v, names.n, sizeof(*names.v), port_name_cmp);
	for (size_t i = 0; i < n; i++) {
		struct port_name want = { .ifindex = rows[i].ifindex };
		const struct port_name *p = names.n ? bsearch(&want, names.v, names.n, sizeof(*names.v),
							      port_name_cmp) : NULL;

		if (p)
			memcpy(rows[i].ifname, p->ifname, XB_IFNAMSIZ);
		else
			snprintf(rows[i].ifname, XB_IFNAMSIZ, "if%u", rows[i].ifindex);
	}
	free(names.v);
}

static int fdb_show_open(struct xb_bridge *br, const struct parsed_args *a)
{
	struct fdb_row *rows = NULL;
	__u32 ifindex = 0;
	size_t n = 0, kept = 0;
	int err;

	if (a->given[0] && port_ifindex(br, a->opt[0].str, &ifindex))
		return 1;
	err = fdb_dump(br, &rows, &n);
	if (err) {
		pr_err("cannot read the FDB of bridge %s: %s", br->name, strerror(-err));
		return 1;
	}
	for (size_t i = 0; i < n; i++)
		if (!ifindex || rows[i].ifindex == ifindex)
			rows[kept++] = rows[i];
	fdb_rows_name(br, rows, kept);
	output_begin(NULL, opt_json, opt_pretty);
	print_fdb(br->name, rows, kept, monotonic_ns());
	output_end();
	free(rows);
	return 0;
}

/* `[vlan VID]` after the fixed positionals (at first): 0 without it. */
static int vlan_arg(const struct parsed_args *a, int first, __u16 *vid)
{
	*vid = XB_VLAN_NONE;
	if (a->npos == first)
		return 0;
	if (a->npos != first + 2) {
		pr_err("vlan takes a VLAN id 1-4094: vlan VID");
		return -EINVAL;
	}
	*vid = (__u16)a->pos[first + 1].u32;
	return 0;
}

/*
 * A static entry in VLAN vid; without one, as `bridge fdb add`: one without
 * a VLAN (the VLAN-unaware bridge's) and, with VLAN filtering on, one in
 * every VLAN of the port. Also the bridge file's `fdb` lines (cmd_bridge.c).
 */
int fdb_add_locked(struct xb_bridge *br, const struct parsed_args *a)
{
	struct xb_fdb_key key = {};
	struct xb_port_info info;
	struct xb_port_vlans pv;
	struct xb_config cfg;
	__u32 ifindex;
	__u16 vid, pvid;
	int err;

	memcpy(key.mac, a->pos[1].mac, sizeof(key.mac));
	err = vlan_arg(a, 3, &vid);
	if (!err)
		err = port_ifindex(br, a->pos[2].str, &ifindex);
	if (err)
		return err;
	key.vlan = vid;
	err = fdb_static_add(br, &key, ifindex);
	if (!err && !vid && !bridge_config_get(br, &cfg) && (cfg.flags & XB_CFG_VLAN_FILTERING) &&
	    !bpf_map_lookup_elem(br->info_fd, &ifindex, &info) &&
	    !vlan_port_get(br, info.slot, &pv, &pvid)) {
		for (__u32 v = 1; v <= XB_VLAN_VID_MAX && !err; v++) {
			if (!vlan_bit(pv.member, v))
				continue;
			key.vlan = (__u16)v;
			err = fdb_static_add(br, &key, ifindex);
		}
	}
	if (err == -EADDRINUSE)
		pr_err("%s is the address of host interface %s (a local entry, never moved): change it with 'ip link set dev %s address MAC'",
		       a->pos[1].str, br->name, br->name);
	else if (err)
		pr_err("cannot add the static entry: %s", strerror(-err));
	return err;
}

/* Without `vlan VID`: the MAC in every VLAN, as `bridge fdb del`. */
static int fdb_del_every_vlan(struct xb_bridge *br, const __u8 *mac)
{
	struct xb_fdb_key key = { .vlan = XB_VLAN_NONE };
	struct fdb_row *rows = NULL;
	size_t n = 0;
	int err, found = 0;

	/* The entry without VLAN by its key, as before VLANs (the dump leaves
	 * out learned entries that expired but are not swept yet). */
	memcpy(key.mac, mac, XB_ETH_ALEN);
	err = fdb_del(br, &key);
	if (!err)
		found++;
	else if (err != -ENOENT)
		return err;
	err = fdb_dump(br, &rows, &n);
	for (size_t i = 0; i < n && !err; i++) {
		if (memcmp(rows[i].key.mac, mac, XB_ETH_ALEN) || rows[i].key.vlan == XB_VLAN_NONE)
			continue;
		err = fdb_del(br, &rows[i].key);
		if (err == -ENOENT)
			err = 0;	/* aged meanwhile, or its static and learned rows */
		found++;
	}
	free(rows);
	return err ? err : found ? 0 : -ENOENT;
}

static int fdb_del_locked(struct xb_bridge *br, const struct parsed_args *a)
{
	struct xb_fdb_key key = {};
	int err;

	memcpy(key.mac, a->pos[1].mac, sizeof(key.mac));
	err = vlan_arg(a, 2, &key.vlan);
	if (err)
		return err;
	err = a->npos > 2 ? fdb_del(br, &key) : fdb_del_every_vlan(br, key.mac);
	if (err == -ENOENT)
		pr_err("bridge %s has no FDB entry for %s: see 'xdpbridge fdb show %s'",
		       br->name, a->pos[1].str, br->name);
	else if (err == -EADDRINUSE)
		pr_err("%s is the address of host interface %s: its local entry goes with the interface ('xdpbridge unload %s')",
		       a->pos[1].str, br->name, br->name);
	else if (err)
		pr_err("cannot delete the entry: %s", strerror(-err));
	return err;
}

static int fdb_flush_locked(struct xb_bridge *br, const struct parsed_args *a)
{
	__u32 ifindex = 0;
	int removed;

	if (a->given[0] && port_ifindex(br, a->opt[0].str, &ifindex))
		return -ENOENT;
	removed = fdb_flush(br, ifindex, false);
	if (removed < 0) {
		pr_err("cannot flush the FDB: %s", strerror(-removed));
		return removed;
	}
	pr_debug("flushed %d learned entries", removed);
	struct xb_event ev = { .type = XB_EV_FLUSHED, .ifindex = ifindex, .count = (__u32)removed };

	if (a->given[0])
		snprintf(ev.ifname, sizeof(ev.ifname), "%s", a->opt[0].str);
	events_publish(br->name, &ev);
	return 0;
}

static int do_fdb_show(const struct parsed_args *a)
{
	return cmd_with_bridge(a, false, fdb_show_open);
}

static int do_fdb_add(const struct parsed_args *a)
{
	return cmd_with_bridge(a, true, fdb_add_locked);
}

static int do_fdb_del(const struct parsed_args *a)
{
	return cmd_with_bridge(a, true, fdb_del_locked);
}

static int do_fdb_flush(const struct parsed_args *a)
{
	return cmd_with_bridge(a, true, fdb_flush_locked);
}

static const struct arg_spec arg_mac = ARG_SPEC("MAC", ARG_MAC, "MAC");
static const struct arg_spec arg_station = ARG_SPEC("MAC", ARG_STATION, "MAC");
static const struct arg_spec *const show_pos[] = { &arg_bridge, NULL };
static const struct arg_spec arg_vlan_word = ARG_SPEC("vlan", ARG_KEYWORD, "vlan");
static const struct arg_spec *const add_pos[] = {
	&arg_bridge, &arg_station, &arg_port, &arg_vlan_word, &spec_fdb_vlan, NULL
};
static const struct arg_spec *const del_pos[] = { &arg_bridge, &arg_mac, &arg_vlan_word, &spec_fdb_vlan, NULL };
static const struct arg_spec port_opts[] = { ARG_SPEC("--port", ARG_IFNAME, "PORT"), ARG_SPEC_END };

const struct cmd fdb_cmds[] = {
	{ .name = "show", .func = do_fdb_show, .pos = show_pos, .min_pos = 1, .opts = port_opts },
	{ .name = "add", .func = do_fdb_add, .pos = add_pos, .min_pos = 3 },
	{ .name = "del", .func = do_fdb_del, .pos = del_pos, .min_pos = 2 },
	{ .name = "flush", .func = do_fdb_flush, .pos = show_pos, .min_pos = 1, .opts = port_opts },
	{ .name = NULL },
};
