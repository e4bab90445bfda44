// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* vlan add | del | show: per-port VLAN membership in iproute2's words
 * (`bridge vlan`). The rules are vlan.c's. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>

#include "bridge.h"
#include "cmd.h"
#include "json_print.h"
#include "log.h"
#include "port.h"
#include "settings.h"
#include "vlan.h"

/* A VID range as typed, checked before the lock: a usage error. */
static int range_arg(const struct arg_value *v, __u16 *lo, __u16 *hi)
{
	char why[256];

	if (!vlan_range_check(v->str, lo, hi, why, sizeof(why)))
		return 0;
	pr_err("%s", why);
	return -EINVAL;
}

/* The words after the VIDs of `vlan add`: pvid, untagged. */
static int add_flags(const struct parsed_args *a, __u32 *flags)
{
	char why[256];

	*flags = 0;
	for (int i = 3; i < a->npos; i++) {
		if (vlan_flag_word(a->pos[i].str, flags, why, sizeof(why))) {
			pr_err("%s", why);
			return -EINVAL;
		}
	}
	return 0;
}

static int port_of(const struct xb_bridge *br, const char *ifname, __u32 *ifindex,
		   struct xb_port_info *info)
{
	if (!port_lookup_by_name(br, ifname, ifindex) &&
	    !bpf_map_lookup_elem(br->info_fd, ifindex, info))
		return 0;
	pr_err("%s is not a port of bridge %s: see 'xdpbridge show %s'", ifname, br->name, br->name);
	return -ENOENT;
}

/* Also the bridge file's `vlan PORT VID...` lines (cmd_bridge.c). */
int vlan_add_locked(struct xb_bridge *br, const struct parsed_args *a)
{
	struct xb_port_info info;
	__u32 ifindex, flags;
	__u16 lo, hi;
	int err;

	if (range_arg(&a->pos[2], &lo, &hi) || add_flags(a, &flags))
		return -EINVAL;
	err = port_of(br, a->pos[1].str, &ifindex, &info);
	if (err)
		return err;
	err = vlan_add(br, info.slot, lo, hi, flags);
	if (err)
		pr_err("cannot add VLAN %s to port %s: %s", a->pos[2].str, a->pos[1].str, strerror(-err));
	return err;
}

static int vlan_del_locked(struct xb_bridge *br, const struct parsed_args *a)
{
	struct xb_port_info info;
	__u32 ifindex;
	__u16 lo, hi;
	int err;

	if (range_arg(&a->pos[2], &lo, &hi))
		return -EINVAL;
	err = port_of(br, a->pos[1].str, &ifindex, &info);
	if (err)
		return err;
	err = vlan_del(br, info.slot, ifindex, lo, hi);
	if (err)
		pr_err("cannot delete VLAN %s from port %s: %s", a->pos[2].str, a->pos[1].str,
		       strerror(-err));
	return err;
}

/* One port: `PORT  VID [PVID] [Egress Untagged]` lines, as `bridge vlan show`. */
static void print_port_vlans(const char *ifname, const struct xb_port_vlans *pv, __u16 pvid)
{
	bool first = true;

	open_json_object(NULL);
	print_string(PRINT_ANY, "ifname", "%-16s", ifname);
	open_json_array("vlans");
	for (__u32 vid = 1; vid <= XB_VLAN_VID_MAX; vid++) {
		if (!vlan_bit(pv->member, vid))
			continue;
		if (!first)
			print_string(PRINT_TEXT, NULL, "%-16s", "");
		first = false;
		open_json_object(NULL);
		print_uint(PRINT_ANY, "vlan", " %" PRIu64, vid);
		open_json_array("flags");
		if (vid == pvid)
			print_string(PRINT_ANY, NULL, " %s", "PVID");
		if (vlan_bit(pv->untagged, vid))
			print_string(PRINT_ANY, NULL, " %s", "Egress Untagged");
		close_json_array();
		close_json_object();
		print_nl();
	}
	if (first)
		print_nl();
	close_json_array();
	close_json_object();
}

static int port_row_by_name(const void *a, const void *b)
{
	return strcmp(((const struct port_row *)a)->info.ifname,
		      ((const struct port_row *)b)->info.ifname);
}

static int vlan_show_open(struct xb_bridge *br, const struct parsed_args *a)
{
	struct port_row *rows = NULL;
	struct xb_port_vlans pv;
	size_t n = 0;
	__u16 pvid;
	int err, shown = 0;

	err = port_rows_read(br, &rows, &n);
	if (err) {
		pr_err("cannot read the ports of bridge %s: %s", br->name, strerror(-err));
		return 1;
	}
	qsort(rows, n, sizeof(*rows), port_row_by_name);
	output_begin(NULL, opt_json || a->given[0], opt_pretty);
	open_json_array(NULL);
	print_string(PRINT_TEXT, NULL, "%-16s", "port");
	print_string(PRINT_TEXT, NULL, " %s\n", "vlan-id");
	for (size_t i = 0; i < n; i++) {
		if (a->npos > 1 && strcmp(rows[i].info.ifname, a->pos[1].str))
			continue;
		shown++;
		err = vlan_port_get(br, rows[i].info.slot, &pv, &pvid);
		if (err)
			break;
		print_port_vlans(rows[i].info.ifname, &pv, pvid);
	}
	close_json_array();
	output_end();
	free(rows);
	if (err) {
		pr_err("cannot read the VLANs of bridge %s: %s", br->name, strerror(-err));
		return 1;
	}
	if (a->npos > 1 && !shown) {
		pr_err("%s is not a port of bridge %s: see 'xdpbridge show %s'", a->pos[1].str,
		       br->name, br->name);
		return 1;
	}
	return 0;
}

static int do_vlan_add(const struct parsed_args *a)
{
	char why[256];
	__u16 lo, hi;
	__u32 flags;

	/* Usage errors before the bridge is opened: exit 2. */
	if (range_arg(&a->pos[2], &lo, &hi) || add_flags(a, &flags))
		return EXIT_USAGE;
	if (vlan_pvid_check(a->pos[2].str, lo, hi, flags, why, sizeof(why))) {
		pr_err("%s", why);
		return EXIT_USAGE;
	}
	return cmd_with_bridge(a, true, vlan_add_locked);
}

static int do_vlan_del(const struct parsed_args *a)
{
	__u16 lo, hi;

	if (range_arg(&a->pos[2], &lo, &hi))
		return EXIT_USAGE;
	return cmd_with_bridge(a, true, vlan_del_locked);
}

static int do_vlan_show(const struct parsed_args *a)
{
	return cmd_with_bridge(a, false, vlan_show_open);
}

static const struct arg_spec arg_vids = ARG_SPEC("VID", ARG_PATH, "VID[-VID]");
static const struct arg_spec arg_flag_word = ARG_SPEC("pvid|untagged", ARG_PATH, "pvid|untagged");
static const struct arg_spec *const add_pos[] = {
	&arg_bridge, &arg_port, &arg_vids, &arg_flag_word, &arg_flag_word, NULL
};
static const struct arg_spec *const del_pos[] = { &arg_bridge, &arg_port, &arg_vids, NULL };
static const struct arg_spec *const show_pos[] = { &arg_bridge, &arg_port, NULL };
static const struct arg_spec show_opts[] = { ARG_SPEC("-j", ARG_FLAG, NULL), ARG_SPEC_END };

const struct cmd vlan_cmds[] = {
	{ .name = "add", .func = do_vlan_add, .pos = add_pos, .min_pos = 3 },
	{ .name = "del", .func = do_vlan_del, .pos = del_pos, .min_pos = 3 },
	{ .name = "show", .func = do_vlan_show, .pos = show_pos, .min_pos = 1, .opts = show_opts },
	{ .name = NULL },
};
