// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* xdpbridge [-j|--json] [-p|--pretty] [-v] OBJECT COMMAND ... */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "log.h"

static const struct cmd commands[] = {
	{ .name = "load", .func = do_load, .pos = load_pos, .min_pos = 1, .pos_repeat = true, .opts = load_opts },
	{ .name = "unload", .func = do_unload, .pos = bridge_pos, .min_pos = 1 },
	{ .name = "show", .func = do_show, .pos = bridge_pos, .min_pos = 0 },
	{ .name = "port", .sub = port_cmds },
	{ .name = "fdb", .sub = fdb_cmds },
	{ .name = "vlan", .sub = vlan_cmds },
	{ .name = "set", .func = do_set, .pos = set_pos, .min_pos = 3, .pos_repeat = true },
	{ .name = "stp", .sub = stp_cmds },
	{ .name = "stats", .func = do_stats, .pos = bridge_pos, .min_pos = 1, .opts = stats_opts },
	{ .name = "monitor", .func = do_monitor, .pos = bridge_pos, .min_pos = 0, .opts = monitor_opts },
	{ .name = "top", .func = do_top, .pos = bridge_pos, .min_pos = 1, .opts = top_opts },
	{ .name = "config", .sub = config_cmds },
	{ .name = NULL },
};

static void usage(FILE *f)
{
	fputs("Usage: xdpbridge [-j|--json] [-p|--pretty] [-v] OBJECT ...\n", f);
	cmd_usage(f, commands, "xdpbridge");
	fputs("Without --detach, load stays in the foreground as the bridge's control loop (FDB ageing);\n"
	      "stopping it leaves the bridge forwarding. Pinned state: /sys/fs/bpf/xdpbridge/BRIDGE/.\n", f);
}

int main(int argc, char **argv)
{
	int i;

	cmd_argv = argv;
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		const char *o = argv[i];

		if (!strcmp(o, "-j") || !strcmp(o, "--json"))
			opt_json = true;
		else if (!strcmp(o, "-p") || !strcmp(o, "--pretty"))
			opt_json = opt_pretty = true;
		else if (!strcmp(o, "-v") || !strcmp(o, "--verbose"))
			log_verbose = true;
		else if (!strcmp(o, "-h") || !strcmp(o, "--help")) {
			usage(stdout);
			return 0;
		} else {
			pr_err("unknown option '%s'; see 'xdpbridge help'", o);
			return EXIT_USAGE;
		}
	}
	log_json = opt_json;
	log_setup_libbpf();
	if (i == argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	return cmd_select(commands, "xdpbridge", argc - i, argv + i, usage);
}
