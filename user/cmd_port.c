// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* port add | del */
#include <errno.h>
#include <stdio.h>
#include <bpf/bpf.h>

#include "bridge.h"
#include "cmd.h"
#include "events.h"
#include "log.h"
#include "port.h"

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

static const struct arg_spec *const port_pos[] = { &arg_bridge, &arg_port, NULL };
static const struct arg_spec port_add_opts[] = { OPT_SPEC_MODE, ARG_SPEC_END };

const struct cmd port_cmds[] = {
	{ .name = "add", .func = do_port_add, .pos = port_pos, .min_pos = 2, .opts = port_add_opts },
	{ .name = "del", .func = do_port_del, .pos = port_pos, .min_pos = 2 },
	{ .name = NULL },
};
