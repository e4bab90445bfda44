// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* port add | del | set | show */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
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
#include "policy.h"
#include "port.h"
#include "print.h"
#include "settings.h"
#include "stp_conf.h"

/* For `monitor`, through the control loop (if one runs). */
static void port_event(const struct xb_bridge *br, __u32 type, __u32 ifindex, const char *ifname)
{
	struct xb_event ev = { .type = type, .ifindex = ifindex };

	snprintf(ev.ifname, sizeof(ev.ifname), "%s", ifname);
	events_publish(br->name, &ev);
}

static int port_add_locked(struct xb_bridge *br, const struct parsed_args *a)
{
	const char *ifname = a->pos[1].str;
	enum xb_xdp_mode mode = a->given[0] ? a->opt[0].mode : XB_MODE_AUTO;
	struct xb_config cfg = {};
	struct nl_link link;
	int err;

	bridge_config_get(br, &cfg);
	err = ports_validate(br->name, &ifname, 1, cfg.flags & XB_CFG_HOST_PORT, &link);
	if (!err)
		err = port_add(br, &link, mode, 0);
	if (!err) {
		ports_warn_peers(&link, 1, mode);
		port_event(br, XB_EV_PORT_ADDED, (__u32)link.ifindex, ifname);
	}
	return err;
}

static int do_port_add(const struct parsed_args *a)
{
	/* Attaching XDP: the kernel must flood as the data path expects. */
	if (cmd_preflight(true))
		return 1;
	return cmd_with_bridge(a, true, port_add_locked);
}

static int port_del_locked(struct xb_bridge *br, const struct parsed_args *a)
{
	const char *ifname = a->pos[1].str;
	struct xb_port_info info;
	__u32 ifindex;
	int err;

	if (port_lookup_by_name(br, ifname, &ifindex)) {
		pr_err("%s is not a port of bridge %s: see 'xdpbridge show %s'", ifname, br->name, br->name);
		return -ENOENT;
	}
	if (!bpf_map_lookup_elem(br->info_fd, &ifindex, &info) && (info.flags & XB_PORT_HOST)) {
		pr_err("%s carries the bridge's host interface; to run without it, load the bridge with --no-host-port",
		       ifname);
		return -EPERM;
	}
	err = port_remove(br, ifindex);
	if (err)
		return err;
	port_event(br, XB_EV_PORT_REMOVED, ifindex, ifname);
	return 0;
}

static int do_port_del(const struct parsed_args *a)
{
	return cmd_with_bridge(a, true, port_del_locked);
}

/* Apply KEY VALUE pairs (the words from first on) to conf and stp, with
 * the `port set` words (settings.c); prints the first error. */
static int port_settings_apply(const struct parsed_args *a, int first, struct xb_port_conf *conf,
			       struct xb_stp_port_conf *stp)
{
	for (int i = first; i < a->npos; i += 2) {
		const char *value = i + 1 < a->npos ? a->pos[i + 1].str : NULL;
		const struct port_setting *k;
		struct arg_value v;
		char why[640];

		k = port_setting_check(a->pos[i].str, value, &v, why, sizeof(why));
		if (!k) {
			pr_err("%s", why);
			return -EINVAL;
		}
		port_setting_store(k, &v, conf, stp);
	}
	return 0;
}

static int port_slot_by_name(const struct xb_bridge *br, const char *ifname, __u32 *slot)
{
	struct xb_port_info info;
	__u32 ifindex;

	if (port_lookup_by_name(br, ifname, &ifindex) ||
	    bpf_map_lookup_elem(br->info_fd, &ifindex, &info)) {
		pr_err("%s is not a port of bridge %s: see 'xdpbridge port show %s'", ifname, br->name,
		       br->name);
		return -ENOENT;
	}
	*slot = info.slot;
	return 0;
}

/* Every value is checked before anything is written: one error changes nothing.
 * Also the bridge file's `port IF KEY VALUE...` lines (cmd_bridge.c). */
int port_set_locked(struct xb_bridge *br, const struct parsed_args *a)
{
	struct xb_stp_port_conf stp, stp_was;
	struct xb_port_conf conf;
	__u32 slot, ifindex = 0;
	int err;

	err = port_slot_by_name(br, a->pos[1].str, &slot);
	if (err)
		return err;
	port_lookup_by_name(br, a->pos[1].str, &ifindex);
	err = port_conf_read(br, slot, &conf);
	if (!err)
		err = stp_port_conf_get(br, slot, ifindex, &stp);
	if (err) {
		pr_err("cannot read the settings of port %s: %s", a->pos[1].str, strerror(-err));
		return err;
	}
	stp_was = stp;
	err = port_settings_apply(a, 2, &conf, &stp);
	if (err)
		return err;
	if (memcmp(&stp, &stp_was, sizeof(stp))) {
		err = stp_port_conf_set(br, slot, &stp);
		if (err) {
			pr_err("cannot write the STP settings of port %s: %s", a->pos[1].str, strerror(-err));
			return err;
		}
	}
	err = port_conf_write(br, slot, &conf);
	/* A new limit bites on exact counts, not on the last sweep's. */
	if (!err && conf.max_learned)
		err = fdb_learn_count_sync(br);
	return err;
}

static int do_port_set(const struct parsed_args *a)
{
	/* Usage errors first, before the bridge is opened. */
	struct xb_port_conf scratch = { 0 };
	struct xb_stp_port_conf stp_scratch = { 0 };

	if (port_settings_apply(a, 2, &scratch, &stp_scratch))
		return EXIT_USAGE;
	return cmd_with_bridge(a, true, port_set_locked);
}

struct conf_rows {
	const struct xb_bridge *br;
	const char *only;	/* NULL: every port */
	struct port_conf_row *rows;
	size_t n;
};

static int collect_conf_row(__u32 ifindex, const struct xb_port_info *info, void *ctx)
{
	struct conf_rows *l = ctx;
	struct port_conf_row *row;
	void *p;

	if (l->only && strcmp(l->only, info->ifname))
		return 0;
	p = realloc(l->rows, (l->n + 1) * sizeof(*l->rows));
	if (!p)
		return -ENOMEM;
	l->rows = p;
	row = &l->rows[l->n++];
	memset(row, 0, sizeof(*row));
	row->ifindex = ifindex;
	row->info = *info;
	return port_conf_read(l->br, info->slot, &row->conf);
}

static int conf_row_cmp(const void *a, const void *b)
{
	return strcmp(((const struct port_conf_row *)a)->info.ifname,
		      ((const struct port_conf_row *)b)->info.ifname);
}

static int port_show_open(struct xb_bridge *br, const struct parsed_args *a)
{
	struct conf_rows l = { .br = br, .only = a->npos > 1 ? a->pos[1].str : NULL };
	int err;

	err = port_for_each(br, collect_conf_row, &l);
	if (err) {
		pr_err("cannot read the ports of bridge %s: %s", br->name, strerror(-err));
	} else if (l.only && !l.n) {
		pr_err("%s is not a port of bridge %s: see 'xdpbridge port show %s'", l.only, br->name,
		       br->name);
		err = -ENOENT;
	} else {
		qsort(l.rows, l.n, sizeof(*l.rows), conf_row_cmp);
		output_begin(NULL, opt_json || a->given[0], opt_pretty);
		print_port_conf(br->name, l.rows, l.n);
		output_end();
	}
	free(l.rows);
	return err;
}

static int do_port_show(const struct parsed_args *a)
{
	return cmd_with_bridge(a, false, port_show_open);
}

static const struct arg_spec arg_setting = ARG_SPEC("KEY VALUE", ARG_PATH, "KEY VALUE");
static const struct arg_spec *const port_set_pos[] = { &arg_bridge, &arg_port, &arg_setting, NULL };
static const struct arg_spec port_show_opts[] = { ARG_SPEC("-j", ARG_FLAG, NULL), ARG_SPEC_END };
static const struct arg_spec *const port_pos[] = { &arg_bridge, &arg_port, NULL };
static const struct arg_spec port_add_opts[] = { OPT_SPEC_MODE, ARG_SPEC_END };

const struct cmd port_cmds[] = {
	{ .name = "add", .func = do_port_add, .pos = port_pos, .min_pos = 2, .opts = port_add_opts },
	{ .name = "del", .func = do_port_del, .pos = port_pos, .min_pos = 2 },
	{ .name = "set", .func = do_port_set, .pos = port_set_pos, .min_pos = 4, .pos_repeat = true },
	{ .name = "show", .func = do_port_show, .pos = port_pos, .min_pos = 1, .opts = port_show_opts },
	{ .name = NULL },
};
