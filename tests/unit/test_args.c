// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Command tables (prefix matching, help, usage lines) and typed arguments. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <criterion/criterion.h>
#include <criterion/redirect.h>

#include "args.h"

static const struct arg_spec bridge = ARG_SPEC("BRIDGE", ARG_BRIDGE, "BRIDGE");
static const struct arg_spec port = ARG_SPEC("PORT", ARG_IFNAME, "PORT");
static const struct arg_spec *const load_pos[] = { &bridge, &port, NULL };
static const struct arg_spec load_opts[] = {
	ARG_SPEC_U32("--ageing", "SEC", 1, 1000, "seconds"),
	ARG_SPEC("--detach", ARG_FLAG, NULL),
	ARG_SPEC("--mode", ARG_MODE, "native|generic"),
	ARG_SPEC_END,
};

static int calls;
static const struct parsed_args *last;

static int record(const struct parsed_args *a)
{
	calls++;
	last = a;
	return a->npos;	/* an exit code the tests can see */
}

static const struct cmd sub_cmds[] = {
	{ .name = "show", .func = record, .pos = load_pos, .min_pos = 1 },
	{ .name = "flush", .func = record, .pos = load_pos, .min_pos = 1 },
	{ .name = NULL },
};

static const struct cmd top_cmds[] = {
	{ .name = "load", .func = record, .pos = load_pos, .min_pos = 1, .pos_repeat = true,
	  .opts = load_opts },
	{ .name = "set", .func = record },
	{ .name = "stats", .func = record },
	{ .name = "fdb", .sub = sub_cmds },
	{ .name = NULL },
};

/* argv for the functions under test, which reorder nothing but want char **. */
#define ARGV(...) ((char *[]){ __VA_ARGS__ })
#define ARGC(...) ((int)(sizeof((char *[]){ __VA_ARGS__ }) / sizeof(char *)))

Test(args, positionals_and_options_anywhere)
{
	char **argv = ARGV("br0", "--ageing", "10", "eth1", "--detach", "eth2");
	struct parsed_args a;

	cr_assert_eq(args_parse(&top_cmds[0], "xdpbridge", 6, argv, &a), 0, "parses");
	cr_assert_eq(a.npos, 3, "three positionals");
	cr_assert_str_eq(a.pos[0].str, "br0", "bridge first");
	cr_assert_str_eq(a.pos[1].str, "eth1", "ports in order");
	cr_assert_str_eq(a.pos[2].str, "eth2", "ports in order");
	cr_assert(a.given[0], "--ageing given");
	cr_assert_eq(a.opt[0].u32, 10, "--ageing typed as u32");
	cr_assert(a.given[1] && a.opt[1].on, "--detach is a flag");
	cr_assert_not(a.given[2], "--mode absent");
	free(a.pos);
}

Test(args, repeated_positional_has_no_cap)
{
	enum { N = 1100 };	/* beyond the --max-ports limit of 1024 */
	char *argv[N], names[N][16];
	struct parsed_args a;

	argv[0] = "br0";
	for (int i = 1; i < N; i++) {
		snprintf(names[i], sizeof(names[i]), "p%d", i);
		argv[i] = names[i];
	}
	cr_assert_eq(args_parse(&top_cmds[0], "xdpbridge", N, argv, &a), 0, "1099 ports parse");
	cr_assert_eq(a.npos, N, "every positional kept");
	cr_assert_str_eq(a.pos[N - 1].str, "p1099", "the last one too");
	free(a.pos);
}

Test(args, usage_errors, .init = cr_redirect_stderr)
{
	struct parsed_args a;

	cr_assert_eq(args_parse(&top_cmds[0], "xdpbridge", 2, ARGV("br0", "--bogus"), &a), -EINVAL,
		     "unknown option");
	free(a.pos);
	cr_assert_eq(args_parse(&top_cmds[0], "xdpbridge", 2, ARGV("br0", "--ageing"), &a), -EINVAL,
		     "option without its value");
	free(a.pos);
	cr_assert_eq(args_parse(&top_cmds[0], "xdpbridge", 0, NULL, &a), -EINVAL,
		     "missing positional");
	free(a.pos);
	cr_assert_eq(args_parse(&sub_cmds[0], "xdpbridge fdb", 3, ARGV("br0", "eth1", "eth2"), &a),
		     -EINVAL, "one positional too many");
	free(a.pos);
	fflush(stderr);
	cr_assert_stderr_eq_str("Error: unknown option '--bogus'; see 'xdpbridge load help'\n"
				"Error: option --ageing needs a value\n"
				"Error: usage: xdpbridge load BRIDGE [PORT...] [--ageing SEC] [--detach] [--mode native|generic]\n"
				"Error: usage: xdpbridge fdb show BRIDGE [PORT]\n");
}

static void assert_arg_error(const struct arg_spec *spec, const char *input, const char *message)
{
	struct arg_value v;
	char *out = NULL;
	size_t len = 0;
	FILE *saved = stderr;

	stderr = open_memstream(&out, &len);
	cr_assert_eq(arg_parse(spec, input, &v), -EINVAL, "%s '%s' is refused", spec->name, input);
	fclose(stderr);
	stderr = saved;
	cr_assert_str_eq(out, message, "the one message for %s '%s'", spec->name, input);
	free(out);
}

Test(arg_types, each_has_its_one_error_message)
{
	static const struct arg_spec ageing = ARG_SPEC_U32("--ageing", "SEC", 1, 1000, "seconds");
	static const struct arg_spec mode = ARG_SPEC("--mode", ARG_MODE, "native|generic");
	static const struct arg_spec onoff = ARG_SPEC("--learning", ARG_ONOFF, "on|off");
	static const struct arg_spec mac = ARG_SPEC("MAC", ARG_MAC, "MAC");
	static const struct arg_spec station = ARG_SPEC("MAC", ARG_STATION, "MAC");
	static const struct arg_spec keyword = ARG_SPEC("ageing", ARG_KEYWORD, "ageing");

	assert_arg_error(&ageing, "abc", "Error: --ageing takes seconds between 1 and 1000, not 'abc'\n");
	assert_arg_error(&ageing, "0", "Error: --ageing takes seconds between 1 and 1000, not '0'\n");
	assert_arg_error(&ageing, "-5", "Error: --ageing takes seconds between 1 and 1000, not '-5'\n");
	assert_arg_error(&mode, "offload", "Error: --mode is native, generic or tc, not 'offload'\n");
	assert_arg_error(&onoff, "yes", "Error: --learning is on or off, not 'yes'\n");
	assert_arg_error(&port, "a/b", "Error: 'a/b' is not a valid interface name\n");
	assert_arg_error(&bridge, "fourteen-chars",
			 "Error: bridge name 'fourteen-chars' is too long: at most 13 characters "
			 "(its host port is 'fourteen-chars-p')\n");
	assert_arg_error(&bridge, "a b",
			 "Error: 'a b' is not a valid bridge name: 1-13 characters, none of '.', '/', ':' "
			 "or blanks (bpffs refuses '.'), e.g. br0\n");
	assert_arg_error(&bridge, "br.0",
			 "Error: 'br.0' is not a valid bridge name: 1-13 characters, none of '.', '/', ':' "
			 "or blanks (bpffs refuses '.'), e.g. br0\n");
	assert_arg_error(&mac, "02:00:00:00:01",
			 "Error: '02:00:00:00:01' is not a MAC address: write it as aa:bb:cc:dd:ee:ff\n");
	assert_arg_error(&station, "01:00:5e:00:00:01",
			 "Error: 01:00:5e:00:00:01 is not a unicast address: static FDB entries take a "
			 "station's unicast MAC\n");
	assert_arg_error(&station, "00:00:00:00:00:00",
			 "Error: 00:00:00:00:00:00 is not a unicast address: static FDB entries take a "
			 "station's unicast MAC\n");
	assert_arg_error(&keyword, "learning", "Error: expected 'ageing', not 'learning'\n");
}

Test(arg_types, values)
{
	static const struct arg_spec mode = ARG_SPEC("--mode", ARG_MODE, "native|generic");
	static const struct arg_spec onoff = ARG_SPEC("--learning", ARG_ONOFF, "on|off");
	static const struct arg_spec station = ARG_SPEC("MAC", ARG_STATION, "MAC");
	static const __u8 want[6] = { 0x02, 0, 0, 0, 0x01, 0xab };
	struct arg_value v;

	cr_assert_eq(arg_parse(&mode, "native", &v), 0, "native parses");
	cr_assert_eq(v.mode, XB_MODE_NATIVE, "native mode");
	cr_assert_eq(arg_parse(&mode, "skb", &v), 0, "skb parses");
	cr_assert_eq(v.mode, XB_MODE_GENERIC, "skb is generic");
	cr_assert_eq(arg_parse(&mode, "tc", &v), 0, "tc parses");
	cr_assert_eq(v.mode, XB_MODE_TC, "tc mode");
	cr_assert_eq(arg_parse(&onoff, "off", &v), 0, "off parses");
	cr_assert_not(v.on, "off is off");
	cr_assert_eq(arg_parse(&onoff, "on", &v), 0, "on parses");
	cr_assert(v.on, "on is on");
	cr_assert_eq(arg_parse(&station, "02:00:00:00:01:AB", &v), 0, "a unicast MAC is a station's");
	cr_assert_arr_eq(v.mac, want, 6, "MAC bytes");
	cr_assert_str_eq(v.str, "02:00:00:00:01:AB", "the text as given is kept for messages");
}

static const char *const formats[] = { "text", "json", "prometheus", NULL };

Test(arg_types, enum_and_path, .init = cr_redirect_stderr)
{
	static const struct arg_spec format = ARG_SPEC_ENUM("--format", "text|json|prometheus", formats);
	static const struct arg_spec dir = ARG_SPEC("--textfile", ARG_PATH, "DIR");
	struct arg_value v;

	cr_assert_eq(arg_parse(&format, "prometheus", &v), 0, "a choice parses");
	cr_assert_eq(v.u32, 2, "its index is the value");
	cr_assert_eq(arg_parse(&format, "prom", &v), -EINVAL, "no prefix of a choice");
	cr_assert_eq(arg_parse(&dir, "/var/lib/prometheus/node-exporter", &v), 0, "a path parses");
	cr_assert_str_eq(v.str, "/var/lib/prometheus/node-exporter", "kept as given");
	cr_assert_eq(arg_parse(&dir, "", &v), -EINVAL, "an empty path does not");
	fflush(stderr);
	cr_assert_stderr_eq_str("Error: --format is one of text|json|prometheus, not 'prom'\n"
				"Error: --textfile takes a path name, not ''\n");
}

Test(cmd_table, prefix_matching)
{
	cr_assert_eq(cmd_match(top_cmds, "load"), 0, "exact");
	cr_assert_eq(cmd_match(top_cmds, "l"), 0, "unique prefix");
	cr_assert_eq(cmd_match(top_cmds, "se"), 1, "unique prefix among s*");
	cr_assert_eq(cmd_match(top_cmds, "s"), -2, "ambiguous prefix");
	cr_assert_eq(cmd_match(top_cmds, "fdbx"), -1, "longer than any name");
	cr_assert_eq(cmd_match(top_cmds, ""), -1, "empty word");
}

Test(cmd_table, usage_lines_come_from_the_table)
{
	char line[256];

	cmd_usage_line(&top_cmds[0], "xdpbridge", line, sizeof(line));
	cr_assert_str_eq(line, "xdpbridge load BRIDGE [PORT...] [--ageing SEC] [--detach] [--mode native|generic]",
			 "positionals, repeat, options");
	cmd_usage_line(&sub_cmds[1], "xdpbridge fdb", line, sizeof(line));
	cr_assert_str_eq(line, "xdpbridge fdb flush BRIDGE [PORT]", "optional positional in brackets");
}

Test(cmd_table, help_at_every_level, .init = cr_redirect_stdout)
{
	cr_assert_eq(cmd_select(top_cmds, "xdpbridge", 2, ARGV("fdb", "help"), NULL), 0, "fdb help");
	cr_assert_eq(cmd_select(top_cmds, "xdpbridge", 3, ARGV("fdb", "show", "help"), NULL), 0,
		     "fdb show help");
	cr_assert_eq(cmd_select(top_cmds, "xdpbridge", 2, ARGV("load", "-h"), NULL), 0, "load -h");
	cr_assert_eq(cmd_select(top_cmds, "xdpbridge", 1, ARGV("he"), NULL), 0, "a prefix of help");
	cr_assert_eq(calls, 0, "help never runs a command (no bridge named help)");
	fflush(stdout);
	cr_assert_stdout_eq_str("Usage:\n"
				"  xdpbridge fdb show BRIDGE [PORT]\n"
				"  xdpbridge fdb flush BRIDGE [PORT]\n"
				"  xdpbridge fdb help\n"
				"Usage:\n"
				"  xdpbridge fdb show BRIDGE [PORT]\n"
				"Usage:\n"
				"  xdpbridge load BRIDGE [PORT...] [--ageing SEC] [--detach] [--mode native|generic]\n"
				"Usage:\n"
				"  xdpbridge load BRIDGE [PORT...] [--ageing SEC] [--detach] [--mode native|generic]\n"
				"  xdpbridge set\n"
				"  xdpbridge stats\n"
				"  xdpbridge fdb show BRIDGE [PORT]\n"
				"  xdpbridge fdb flush BRIDGE [PORT]\n"
				"  xdpbridge help\n");
}

Test(cmd_table, dispatch_and_errors, .init = cr_redirect_stderr)
{
	cr_assert_eq(cmd_select(top_cmds, "xdpbridge", 3, ARGV("fd", "fl", "br0"), NULL), 1,
		     "prefixes at two levels reach fdb flush with one positional");
	cr_assert_eq(calls, 1, "the command ran once");
	cr_assert_eq(cmd_select(top_cmds, "xdpbridge", 1, ARGV("s"), NULL), EXIT_USAGE, "ambiguous");
	cr_assert_eq(cmd_select(top_cmds, "xdpbridge", 1, ARGV("frob"), NULL), EXIT_USAGE, "unknown");
	cr_assert_eq(cmd_select(top_cmds, "xdpbridge", 1, ARGV("fdb"), NULL), EXIT_USAGE,
		     "an object without its command");
	cr_assert_eq(cmd_select(top_cmds, "xdpbridge", 2, ARGV("fdb", "show"), NULL), EXIT_USAGE,
		     "a command without its bridge");
	cr_assert_eq(calls, 1, "no usage error runs a command");
	fflush(stderr);
	cr_assert_stderr_eq_str("Error: ambiguous command 's'; see 'xdpbridge help'\n"
				"Error: unknown command 'frob'; see 'xdpbridge help'\n"
				"Error: 'xdpbridge fdb' needs a command: see 'xdpbridge fdb help'\n"
				"Error: usage: xdpbridge fdb show BRIDGE [PORT]\n");
}

Test(args, repeatable_option_and_glob)
{
	static const struct arg_spec opts[] = {
		{ .name = "--auto-port", .type = ARG_GLOB, .metavar = "GLOB", .repeat = true },
		ARG_SPEC_END,
	};
	static const struct arg_spec *const pos[] = { &bridge, NULL };
	static const struct cmd c = { .name = "load", .pos = pos, .min_pos = 1, .opts = opts };
	struct parsed_args a;
	struct arg_value v;
	char why[256];

	cr_assert_eq(args_parse(&c, "xdpbridge", 5, ARGV("br0", "--auto-port", "vnet-*", "--auto-port", "tap[0-9]"), &a), 0);
	cr_assert_eq(a.nrep[0], 2, "both patterns kept");
	cr_assert_str_eq(a.rep[0][0].str, "vnet-*");
	cr_assert_str_eq(a.rep[0][1].str, "tap[0-9]");
	args_free(&a);
	cr_assert_eq(arg_check(&opts[0], "a b", &v, why, sizeof(why)), -EINVAL, "a blank is refused");
	cr_assert(strstr(why, "not an interface name pattern"), "%s", why);
	cr_assert_eq(arg_check(&opts[0], "", &v, why, sizeof(why)), -EINVAL, "empty is refused");
	cr_assert_eq(arg_check(&opts[0], "eth/0", &v, why, sizeof(why)), -EINVAL, "'/' is refused");
}
