/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The CLI, above everything else in user/: one table of commands per object
 * (cmd_bridge.c, cmd_port.c, cmd_fdb.c; main.c puts them at the top level),
 * each command an exit code (0, 1, or EXIT_USAGE), and what they share
 * (cmd.c): argument types, preflight checks, opening a loaded bridge.
 */
#ifndef XB_CMD_H
#define XB_CMD_H

#include <stdbool.h>

#include "args.h"

extern bool opt_json, opt_pretty;
/* The command line as main() got it (a control loop re-runs it on SIGHUP). */
extern char **cmd_argv;

/* Argument types every object uses. */
extern const struct arg_spec arg_bridge;	/* BRIDGE */
extern const struct arg_spec arg_port;		/* PORT */
#define OPT_SPEC_MODE ARG_SPEC("--mode", ARG_MODE, "native|generic|tc")

/* cmd_bridge.c */
int do_load(const struct parsed_args *a);
int do_unload(const struct parsed_args *a);
int do_show(const struct parsed_args *a);
int do_set(const struct parsed_args *a);
int do_stats(const struct parsed_args *a);
extern const struct arg_spec *const load_pos[], *const bridge_pos[], *const set_pos[];
extern const struct arg_spec load_opts[], stats_opts[];
/* cmd_monitor.c */
int do_monitor(const struct parsed_args *a);
extern const struct arg_spec monitor_opts[];
/* cmd_top.c */
int do_top(const struct parsed_args *a);
extern const struct arg_spec top_opts[];
/* cmd_port.c, cmd_fdb.c, cmd_stp.c, cmd_vlan.c, cmd_config.c */
extern const struct cmd port_cmds[], fdb_cmds[], stp_cmds[], vlan_cmds[], config_cmds[];
struct xb_bridge;
struct arg_value;
/* `set` rows of the spanning tree (cmd_stp.c): apply under the lock. */
int stp_set_on(struct xb_bridge *br, const struct arg_value *v);
int stp_set_bridge_priority(struct xb_bridge *br, const struct arg_value *v);
int stp_check_bridge_priority(const struct arg_value *v);
int stp_set_hello(struct xb_bridge *br, const struct arg_value *v);
int stp_set_forward_delay(struct xb_bridge *br, const struct arg_value *v);
int stp_set_max_age(struct xb_bridge *br, const struct arg_value *v);
/* What `port set`, `vlan add` and `fdb add` run under the lock; load applies
 * the bridge file's `port`, `vlan` and `fdb` lines with them (the words as
 * the commands' positionals: BRIDGE PORT ...). Print their error. */
int port_set_locked(struct xb_bridge *br, const struct parsed_args *a);
int vlan_add_locked(struct xb_bridge *br, const struct parsed_args *a);
int fdb_add_locked(struct xb_bridge *br, const struct parsed_args *a);

/* Checks every command touching a bridge needs; probe_kernel (commands that
 * create or attach) also runs the kernel-feature probe. 0 or -errno. */
int cmd_preflight(bool probe_kernel);
struct xb_bridge;
/* Open a loaded bridge named on the command line; prints why not.
 * Returns an exit code: 0 or 1. */
int open_loaded_bridge(const char *name, struct xb_bridge *br);
/* Open the bridge named by the first positional and run fn, under the
 * command lock when lock (fn changes the bridge). fn returns 0 or -errno
 * after printing its error; returns an exit code. */
/* The bridge the first positional names (it must be loaded), or every
 * loaded bridge without one, sorted, into names (strdup'ed, at most max).
 * Returns how many, or -ENOENT after printing why. */
int cmd_bridge_names(const struct parsed_args *a, char **names, int max);
int cmd_with_bridge(const struct parsed_args *a, bool lock,
		    int (*fn)(struct xb_bridge *br, const struct parsed_args *a));

#endif
