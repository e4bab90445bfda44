// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Spanning tree commands: `stp show` and the STP rows of `set` (stp,
 * priority, hello, forward-delay, max-age); those of `port set` (cost,
 * priority, bpdu-guard, root-block) are in cmd_port.c. The protocol runs in the control loop
 * (stp_ctl.c); these commands write settings it follows at its next tick.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>

#include "ageing.h"
#include "bridge.h"
#include "cmd.h"
#include "json_print.h"
#include "log.h"
#include "names.h"
#include "port.h"
#include "settings.h"
#include "stp.h"
#include "stp_conf.h"
#include "sys.h"

/* ---- `set BR stp|priority|hello|forward-delay|max-age` ---- */

int stp_set_on(struct xb_bridge *br, const struct arg_value *v)
{
	int err = stp_enable_set(br, v->on);

	if (err)
		pr_err("cannot turn STP %s on bridge %s: %s", v->on ? "on" : "off", br->name,
		       strerror(-err));
	else if (v->on && !pidfile_running(br->name))
		pr_warn("bridge %s has no control loop running: its ports stay blocked until one runs STP ('xdpbridge load %s')",
			br->name, br->name);
	return err;
}

/* Read-modify-write of the STP settings; the loop applies them. */
static int stp_setting(struct xb_bridge *br, const char *what, void (*change)(struct xb_stp *, __u32),
		       __u32 value)
{
	struct xb_stp st;
	int err;

	err = stp_conf_get(br, &st);
	if (!err) {
		change(&st, value);
		err = stp_conf_set(br, &st);
	}
	if (err)
		pr_err("cannot change the STP %s of bridge %s: %s", what, br->name, strerror(-err));
	return err;
}

static void change_priority(struct xb_stp *st, __u32 v)
{
	st->priority = (__u16)v;
	st->priority_set = 1;
}

static void change_hello(struct xb_stp *st, __u32 v)
{
	st->hello_sec = (__u8)v;
}

static void change_forward_delay(struct xb_stp *st, __u32 v)
{
	st->forward_delay_sec = (__u8)v;
}

static void change_max_age(struct xb_stp *st, __u32 v)
{
	st->max_age_sec = (__u8)v;
}

int stp_check_bridge_priority(const struct arg_value *v)
{
	char why[128];

	if (!stp_priority_check(v->u32, why, sizeof(why)))
		return 0;
	pr_err("%s", why);
	return -EINVAL;
}

int stp_set_bridge_priority(struct xb_bridge *br, const struct arg_value *v)
{
	return stp_setting(br, "priority", change_priority, v->u32);
}

int stp_set_hello(struct xb_bridge *br, const struct arg_value *v)
{
	return stp_setting(br, "hello time", change_hello, v->u32);
}

int stp_set_forward_delay(struct xb_bridge *br, const struct arg_value *v)
{
	return stp_setting(br, "forward delay", change_forward_delay, v->u32);
}

int stp_set_max_age(struct xb_bridge *br, const struct arg_value *v)
{
	return stp_setting(br, "max age", change_max_age, v->u32);
}

/* ---- `stp show BR [-j]` ---- */

struct stp_view {
	struct xb_bridge *br;
	struct xb_config cfg;
	struct xb_stp st;
	struct xb_stp_bridge b;
	struct port_row *rows;
	size_t nrows;
	__u64 now;
};

static void print_id(const char *key, const char *fmt, __u64 id)
{
	char buf[32];

	print_string(PRINT_ANY, key, fmt, stp_id_format(id, buf, sizeof(buf)));
}

static void print_secs(const char *key, const char *fmt, __u64 ns)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%.2f", (double)ns / 1e9);
	if (output_is_json())
		print_uint(PRINT_JSON, key, NULL, (ns + 5000000) / 10000000 * 10);	/* ms, 10 ms steps */
	else
		print_string(PRINT_TEXT, key, fmt, buf);
}

static void print_timer(const char *key, const char *fmt, __u64 deadline, __u64 now)
{
	print_secs(key, fmt, stp_timer_left_ms(deadline, now) * 1000000ULL);
}

static const char *port_name_of(const struct stp_view *v, __u16 port_no)
{
	for (size_t i = 0; i < v->nrows; i++)
		if (v->rows[i].info.slot + 1 == port_no)
			return v->rows[i].info.ifname;
	return NULL;
}

static void stp_show_bridge(const struct stp_view *v)
{
	const struct xb_stp_bridge *b = &v->b;
	const char *root_port = b->root_port ? port_name_of(v, b->root_port) : NULL;
	struct stp_timers t;
	pid_t pid = pidfile_running(v->br->name);

	stp_conf_timers(&v->st, &t);
	print_string(PRINT_ANY, "bridge", "%s\n", v->br->name);
	print_bool(PRINT_ANY, "stp", v->cfg.flags & XB_CFG_STP ? " stp on" : " stp off",
		   v->cfg.flags & XB_CFG_STP);
	if (pid && b->version)
		print_string(PRINT_ANY, "control_loop", "  control loop %s\n", "running");
	else if (pid)
		print_string(PRINT_ANY, "control_loop", "  control loop %s\n", "starting");
	else
		print_string(PRINT_ANY, "control_loop", "  control loop %s\n",
			     v->st.alive_ns && xb_older_than(v->now, v->st.alive_ns, v->st.dead_after_ns) ?
			     "gone past max-age: every port blocks" : "none");
	if (!b->version) {
		/* STP off, or no loop has run it yet: the settings only. */
		print_uint(PRINT_ANY, "priority", " priority %" PRIu64, stp_conf_priority(&v->st));
		print_uint(PRINT_ANY, "hello_time", " hello %" PRIu64, t.hello_ms / 1000);
		print_uint(PRINT_ANY, "forward_delay", " forward-delay %" PRIu64, t.forward_delay_ms / 1000);
		print_uint(PRINT_ANY, "max_age", " max-age %" PRIu64 "\n", t.max_age_ms / 1000);
		return;
	}
	print_id("bridge_id", " bridge id\t\t%s\n", b->bridge_id);
	print_id("designated_root", " designated root\t%s\n", b->designated_root);
	if (root_port)
		print_string(PRINT_ANY, "root_port", " root port\t\t%s", root_port);
	else
		print_null(PRINT_ANY, "root_port", " root port\t\tnone");
	print_uint(PRINT_ANY, "root_path_cost", "\t\tpath cost\t\t%" PRIu64 "\n", b->root_path_cost);
	print_secs("max_age", " max age\t\t%s", b->max_age_ns);
	print_secs("bridge_max_age", "\t\tbridge max age\t\t%s\n", b->bridge_max_age_ns);
	print_secs("hello_time", " hello time\t\t%s", b->hello_time_ns);
	print_secs("bridge_hello_time", "\t\tbridge hello time\t%s\n", b->bridge_hello_time_ns);
	print_secs("forward_delay", " forward delay\t\t%s", b->forward_delay_ns);
	print_secs("bridge_forward_delay", "\t\tbridge forward delay\t%s\n", b->bridge_forward_delay_ns);
	print_bool(PRINT_ANY, "topology_change", b->flags & XB_STPB_TC ? " topology change\t1" :
		   " topology change\t0", b->flags & XB_STPB_TC);
	print_bool(PRINT_ANY, "topology_change_detected",
		   b->flags & XB_STPB_TC_DETECTED ? "\t\ttopology change detected 1\n" :
		   "\t\ttopology change detected 0\n", b->flags & XB_STPB_TC_DETECTED);
	print_uint(PRINT_ANY, "topology_change_count", " topology change count\t%" PRIu64, b->tc_count);
	if (b->tc_count)
		print_secs("time_since_topology_change", "\t\ttime since change\t%s\n",
			   v->now > b->tc_last_ns ? v->now - b->tc_last_ns : 0);
	else
		print_null(PRINT_ANY, "time_since_topology_change", "\t\ttime since change\tnever\n");
	print_timer("hello_timer", " hello timer\t\t%s", b->hello_timer, v->now);
	print_timer("tcn_timer", "\t\ttcn timer\t\t%s\n", b->tcn_timer, v->now);
	print_timer("topology_change_timer", " topology change timer\t%s\n", b->topology_change_timer,
		    v->now);
	print_uint(PRINT_ANY, "ageing", " ageing\t\t\t%" PRIu64 "\n", v->cfg.ageing_ns / 1000000000ULL);
}

static void stp_show_port(const struct stp_view *v, const struct port_row *r)
{
	struct xb_stp_port p = {};
	struct xb_port_conf conf = {};
	__u32 slot = r->info.slot;
	char pid[8];

	bpf_map_lookup_elem(v->br->conf_fd, &slot, &conf);
	if (v->b.version && bpf_map_lookup_elem(v->br->stp_ports_fd, &slot, &p) == 0 &&
	    p.port_no != slot + 1)
		memset(&p, 0, sizeof(p));	/* not (yet) in STP */
	open_json_object(NULL);
	print_nl();
	print_string(PRINT_ANY, "ifname", "%s", r->info.ifname);
	print_uint(PRINT_ANY, "port_no", " (%" PRIu64 ")\n", slot + 1);
	print_string(PRINT_ANY, "state", " state\t\t\t%s", xb_stp_state_name(conf.stp_state));
	print_string(PRINT_ANY, "role", "\t\trole\t\t\t%s\n",
		     p.port_no ? stp_role_name(stp_port_role(&v->b, &p)) : "none");
	if (p.port_no) {
		snprintf(pid, sizeof(pid), "%04x", p.port_id);
		print_string(PRINT_ANY, "port_id", " port id\t\t%s", pid);
		print_uint(PRINT_ANY, "path_cost", "\t\tpath cost\t\t%" PRIu64 "\n", p.path_cost);
		print_uint(PRINT_ANY, "priority", " priority\t\t%" PRIu64, p.priority);
		print_uint(PRINT_ANY, "designated_cost", "\t\tdesignated cost\t\t%" PRIu64 "\n",
			   p.designated_cost);
		print_id("designated_root", " designated root\t%s\n", p.designated_root);
		print_id("designated_bridge", " designated bridge\t%s\n", p.designated_bridge);
		snprintf(pid, sizeof(pid), "%04x", p.designated_port);
		print_string(PRINT_ANY, "designated_port", " designated port\t%s", pid);
		print_timer("message_age_timer", "\t\tmessage age timer\t%s\n", p.message_age_timer, v->now);
		print_timer("forward_delay_timer", " forward delay timer\t%s", p.forward_delay_timer,
			    v->now);
		print_timer("hold_timer", "\t\thold timer\t\t%s\n", p.hold_timer, v->now);
		print_uint(PRINT_ANY, "rx_bpdu", " bpdus rx\t\t%" PRIu64, p.rx_bpdu);
		print_uint(PRINT_ANY, "tx_bpdu", "\t\tbpdus tx\t\t%" PRIu64 "\n", p.tx_bpdu);
		print_uint(PRINT_ANY, "rx_tcn", " tcns rx\t\t%" PRIu64, p.rx_tcn);
		print_uint(PRINT_ANY, "tx_tcn", "\t\ttcns tx\t\t\t%" PRIu64 "\n", p.tx_tcn);
	}
	print_bool(PRINT_ANY, "bpdu_guard", conf.flags & XB_PCONF_BPDU_GUARD ? " bpdu-guard on" :
		   " bpdu-guard off", conf.flags & XB_PCONF_BPDU_GUARD);
	print_bool(PRINT_ANY, "root_block", conf.flags & XB_PCONF_ROOT_BLOCK ? "  root-block on" :
		   "  root-block off", conf.flags & XB_PCONF_ROOT_BLOCK);
	/* Why a port is disabled, when STP holds it so. */
	if (p.port_no && (p.flags & XB_STPP_GUARD_TRIPPED))
		print_string(PRINT_ANY, "disabled_reason", "  disabled by %s", "bpdu-guard");
	else if (p.port_no && !(p.flags & XB_STPP_LINK_UP))
		print_string(PRINT_ANY, "disabled_reason", "  disabled by %s", "link-down");
	else
		print_null(PRINT_JSON, "disabled_reason", NULL);
	if (p.port_no && (p.flags & XB_STPP_ROOT_BLOCKED))
		print_bool(PRINT_ANY, "root_blocked", "  (root-block holds it back)", true);
	print_nl();
	close_json_object();
}

static int stp_show_locked(struct xb_bridge *br, const struct parsed_args *a)
{
	struct stp_view v = { .br = br, .now = monotonic_ns() };
	__u32 zero = 0;
	int err;

	err = bridge_config_get(br, &v.cfg);
	if (!err)
		err = stp_conf_get(br, &v.st);
	if (!err && bpf_map_lookup_elem(br->stp_bridge_fd, &zero, &v.b))
		err = -errno;
	if (!err)
		err = port_rows_read(br, &v.rows, &v.nrows);
	if (err) {
		pr_err("cannot read the STP state of bridge %s: %s", br->name, strerror(-err));
		return err;
	}
	if (v.b.version != XB_STP_STATE_VERSION)
		memset(&v.b, 0, sizeof(v.b));
	output_begin(NULL, opt_json || a->given[0], opt_pretty);
	open_json_object(NULL);
	stp_show_bridge(&v);
	open_json_array("ports");
	for (size_t i = 0; i < v.nrows; i++)
		stp_show_port(&v, &v.rows[i]);
	close_json_array();
	close_json_object();
	output_end();
	free(v.rows);
	return 0;
}

static int do_stp_show(const struct parsed_args *a)
{
	return cmd_with_bridge(a, false, stp_show_locked);
}

static const struct arg_spec *const stp_show_pos[] = { &arg_bridge, NULL };
static const struct arg_spec stp_show_opts[] = { ARG_SPEC("-j", ARG_FLAG, NULL), ARG_SPEC_END };

const struct cmd stp_cmds[] = {
	{ .name = "show", .func = do_stp_show, .pos = stp_show_pos, .min_pos = 1, .opts = stp_show_opts },
	{ .name = NULL },
};
