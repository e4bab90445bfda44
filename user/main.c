// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* xdpbridge [-j|--json] [-p|--pretty] [-v] OBJECT COMMAND ... */
#include <stdio.h>
#include <string.h>

#include "args.h"
#include "cmd.h"
#include "log.h"

bool opt_json, opt_pretty;

static const char usage[] =
	"Usage: xdpbridge [-j|--json] [-p|--pretty] [-v] OBJECT ...\n"
	"  xdpbridge load BRIDGE [PORT...] [--ageing SEC] [--fdb-size N] [--mode native|generic|tc]\n"
	"                 [--max-ports N] [--no-host-port] [--detach]\n"
	"  xdpbridge unload BRIDGE\n"
	"  xdpbridge show [BRIDGE]\n"
	"  xdpbridge port { add | del } BRIDGE PORT [--mode native|generic|tc]\n"
	"  xdpbridge fdb show BRIDGE [--port PORT]\n"
	"  xdpbridge fdb { add BRIDGE MAC PORT | del BRIDGE MAC | flush BRIDGE [--port PORT] }\n"
	"  xdpbridge set BRIDGE ageing SEC\n"
	"  xdpbridge stats BRIDGE\n"
	"  xdpbridge help\n"
	"Without --detach, load stays in the foreground as the bridge's control loop (FDB ageing);\n"
	"stopping it leaves the bridge forwarding. Pinned state: /sys/fs/bpf/xdpbridge/BRIDGE/.\n";

static int cmd_help(int argc, char **argv)
{
	fputs(usage, stdout);
	return 0;
}

static bool is_help(const char *arg)
{
	return !strcmp(arg, "help") || !strcmp(arg, "-h") || !strcmp(arg, "--help");
}

/* The usage lines of one command (those naming it). */
static int command_help(const char *name)
{
	char prefix[32];
	const char *line = usage;
	bool match = false;

	snprintf(prefix, sizeof(prefix), "  xdpbridge %s", name);
	puts("Usage:");
	while (*line) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);

		/* A line deeper indented continues the previous one. */
		if (strncmp(line, "    ", 4))
			match = !strncmp(line, prefix, strlen(prefix));
		if (match)
			printf("%.*s\n", (int)len, line);
		line += len + (end ? 1 : 0);
	}
	return 0;
}

static const struct cmd commands[] = {
	{ "load", cmd_load },
	{ "unload", cmd_unload },
	{ "show", cmd_show },
	{ "port", cmd_port },
	{ "fdb", cmd_fdb },
	{ "set", cmd_set },
	{ "stats", cmd_stats },
	{ "help", cmd_help },
	{ NULL, NULL },
};

int main(int argc, char **argv)
{
	int i, c;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		const char *o = argv[i];

		if (!strcmp(o, "-j") || !strcmp(o, "--json"))
			opt_json = true;
		else if (!strcmp(o, "-p") || !strcmp(o, "--pretty"))
			opt_json = opt_pretty = true;
		else if (!strcmp(o, "-v") || !strcmp(o, "--verbose"))
			log_verbose = true;
		else if (!strcmp(o, "-h") || !strcmp(o, "--help"))
			return cmd_help(0, NULL);
		else {
			pr_err("unknown option '%s'; see 'xdpbridge help'", o);
			return EXIT_USAGE;
		}
	}
	log_json = opt_json;
	log_setup_libbpf();
	if (i == argc) {
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	c = cmd_match(commands, argv[i]);
	if (c < 0) {
		pr_err("%s command '%s'; see 'xdpbridge help'", c == -2 ? "ambiguous" : "unknown", argv[i]);
		return EXIT_USAGE;
	}
	/* `xdpbridge OBJECT help` at every level, never a bridge named "help". */
	if (i + 1 < argc && is_help(argv[i + 1]))
		return command_help(commands[c].name);
	return commands[c].func(argc - i - 1, argv + i + 1);
}
