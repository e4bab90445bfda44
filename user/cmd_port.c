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
#include "json_print.h"
#include "log.h"
#include "policy.h"
#include "port.h"
#include "print.h"

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

/*
 * `port set` keys, in iproute2's words where it has them (`bridge link set`:
 * isolated, learning, flood, mcast_flood, bcast_flood); '-' and '_' are the
 * same character in a key. A switch is an XB_PCONF_* bit (flag_means_off:
 * the bit is set when the switch is off), a number a __u32 of xb_port_conf.
 */
struct port_setting {
	const char *name;
	struct arg_spec value;
	__u32 flag;
	bool flag_means_off;
	size_t field;
};

#define SETTING_SWITCH(n, f, off) \
	{ .name = (n), .value = ARG_SPEC(n, ARG_ONOFF, "on|off"), .flag = (f), .flag_means_off = (off) }
#define SETTING_U32(n, m, hi, u, f) \
	{ .name = (n), .value = ARG_SPEC_U32(n, m, 0, hi, u), .field = offsetof(struct xb_port_conf, f) }
#define STORM_MAX 100000000U	/* frames/s: beyond any port's line rate */

static const struct port_setting port_settings[] = {
	SETTING_SWITCH("isolated", XB_PCONF_ISOLATED, false),
	SETTING_SWITCH("learning", XB_PCONF_NO_LEARNING, true),
	SETTING_SWITCH("flood", XB_PCONF_NO_FLOOD, true),
	SETTING_SWITCH("mcast_flood", XB_PCONF_NO_MCAST_FLOOD, true),
	SETTING_SWITCH("bcast_flood", XB_PCONF_NO_BCAST_FLOOD, true),
	SETTING_U32("storm-bcast", "N", STORM_MAX, "frames per second (0: no limit)", storm_bcast),
	SETTING_U32("storm-mcast", "N", STORM_MAX, "frames per second (0: no limit)", storm_mcast),
	SETTING_U32("storm-unknown", "N", STORM_MAX, "frames per second (0: no limit)", storm_unknown),
	SETTING_U32("max-learned", "N", UINT32_MAX, "a number of stations (0: no limit)", max_learned),
	{ .name = NULL },
};

/* word names key: equal but for '-' == '_'. */
static bool setting_name_is(const char *key, const char *word)
{
	for (; *key && *word; key++, word++)
		if (*key != *word && !((*key == '-' || *key == '_') && (*word == '-' || *word == '_')))
			return false;
	return !*key && !*word;
}

static const struct port_setting *port_setting_find(const char *word)
{
	for (const struct port_setting *k = port_settings; k->name; k++)
		if (setting_name_is(k->name, word))
			return k;
	return NULL;
}

/* Apply KEY VALUE pairs (words, n of them) to conf; prints the first error. */
static int port_settings_apply(const struct parsed_args *a, int first, struct xb_port_conf *conf)
{
	for (int i = first; i < a->npos; i += 2) {
		const struct port_setting *k = port_setting_find(a->pos[i].str);
		struct arg_value v;

		if (!k) {
			char names[256] = "";

			for (k = port_settings; k->name; k++)
				snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%s %s",
					 k == port_settings ? "" : ", ", k->name, k->value.metavar);
			pr_err("unknown port setting '%s': one of %s", a->pos[i].str, names);
			return -EINVAL;
		}
		if (i + 1 >= a->npos) {
			pr_err("port setting %s needs a value: %s %s", k->name, k->name, k->value.metavar);
			return -EINVAL;
		}
		if (arg_parse(&k->value, a->pos[i + 1].str, &v))
			return -EINVAL;
		if (k->value.type == ARG_ONOFF) {
			if (v.on != k->flag_means_off)
				conf->flags |= k->flag;
			else
				conf->flags &= ~k->flag;
		} else {
			memcpy((char *)conf + k->field, &v.u32, sizeof(v.u32));
		}
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

/* Every value is checked before anything is written: one error changes nothing. */
static int port_set_locked(struct xb_bridge *br, const struct parsed_args *a)
{
	struct xb_port_conf conf;
	__u32 slot;
	int err;

	err = port_slot_by_name(br, a->pos[1].str, &slot);
	if (err)
		return err;
	err = port_conf_read(br, slot, &conf);
	if (err) {
		pr_err("cannot read the settings of port %s: %s", a->pos[1].str, strerror(-err));
		return err;
	}
	err = port_settings_apply(a, 2, &conf);
	if (err)
		return err;
	return port_conf_write(br, slot, &conf);
}

static int do_port_set(const struct parsed_args *a)
{
	/* Usage errors first, before the bridge is opened. */
	struct xb_port_conf scratch = { 0 };

	if (port_settings_apply(a, 2, &scratch))
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
