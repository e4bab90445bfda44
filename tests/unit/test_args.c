// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Command-line splitting and command lookup. */
#include <errno.h>
#include <criterion/criterion.h>
#include <criterion/redirect.h>

#include "args.h"

static const struct opt_spec specs[] = {
	{ "--ageing", true }, { "--detach", false },
};

Test(args, positionals_and_options_anywhere)
{
	char *argv[] = { "br0", "--ageing", "10", "eth1", "--detach", "eth2" };
	struct parsed_args a;

	cr_assert_eq(args_parse(6, argv, specs, 2, &a), 0);
	cr_assert_eq(a.npos, 3);
	cr_assert_str_eq(a.pos[0], "br0");
	cr_assert_str_eq(a.pos[1], "eth1");
	cr_assert_str_eq(a.pos[2], "eth2");
	cr_assert_str_eq(a.values[0], "10");
	cr_assert_str_eq(a.values[1], "", "a flag is present as an empty string");
}

Test(args, absent_option_is_null)
{
	char *argv[] = { "br0" };
	struct parsed_args a;

	cr_assert_eq(args_parse(1, argv, specs, 2, &a), 0);
	cr_assert_null(a.values[0]);
	cr_assert_null(a.values[1]);
}

Test(args, unknown_and_missing_value_fail, .init = cr_redirect_stderr)
{
	char *unknown[] = { "br0", "--bogus" };
	char *missing[] = { "br0", "--ageing" };
	struct parsed_args a;

	cr_assert_eq(args_parse(2, unknown, specs, 2, &a), -EINVAL);
	cr_assert_eq(args_parse(2, missing, specs, 2, &a), -EINVAL);
	fflush(stderr);
	cr_assert_stderr_eq_str("Error: unknown option '--bogus'; see 'xdpbridge help'\n"
				"Error: option --ageing needs a value\n");
}

static int dummy(int argc, char **argv)
{
	return 0;
}

Test(args, command_prefix_matching)
{
	static const struct cmd cmds[] = {
		{ "show", dummy }, { "set", dummy }, { "stats", dummy }, { "fdb", dummy }, { NULL, NULL },
	};

	cr_assert_eq(cmd_match(cmds, "show"), 0);
	cr_assert_eq(cmd_match(cmds, "sh"), 0, "unique prefix");
	cr_assert_eq(cmd_match(cmds, "se"), 1);
	cr_assert_eq(cmd_match(cmds, "s"), -2, "ambiguous prefix");
	cr_assert_eq(cmd_match(cmds, "fdbx"), -1);
	cr_assert_eq(cmd_match(cmds, ""), -1);
}

Test(args, modes)
{
	enum xb_xdp_mode m;

	cr_assert_eq(parse_mode("native", &m), 0);
	cr_assert_eq(m, XB_MODE_NATIVE);
	cr_assert_eq(parse_mode("generic", &m), 0);
	cr_assert_eq(m, XB_MODE_GENERIC);
	cr_assert_eq(parse_mode("offload", &m), -EINVAL);
}
