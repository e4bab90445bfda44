// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The bridge file (user/config.c): every key, and every bad line gets its
 * line number and a reason. */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "config.h"

static struct bridge_file f;
static char why[CONFIG_WHY_LEN];

static void teardown(void)
{
	config_free(&f);
}

TestSuite(config, .fini = teardown);

Test(config, every_key)
{
	const char *text =
		"# br0: two NICs and libvirt guests\n"
		"ports eth1 eth2   # uplinks\n"
		"ports eth3\n"
		"\n"
		"ageing 120\n"
		"fdb-size 4096\n"
		"max-ports 32\n"
		"max-learned 5000\n"
		"mode generic\n"
		"host-port off\n"
		"auto-port vnet-br0-*\n"
		"auto-port veth[0-9]\n"
		"\tfdb 02:00:00:00:00:01 eth1\n"
		"port eth3 mode native\n"
		"port vnet-br0-7 mode tc\n";

	cr_assert_eq(config_parse("br0.conf", text, &f, why, sizeof(why)), 0, "parses: %s", why);
	cr_assert_eq(f.nports, 3, "three ports, got %d", f.nports);
	cr_assert_str_eq(f.ports[2], "eth3");
	cr_assert_eq(f.port_lines[2], 3, "eth3 listed on line 3");
	cr_assert_eq(f.ageing_sec, 120);
	cr_assert_eq(f.ageing_line, 5);
	cr_assert_eq(f.fdb_size, 4096);
	cr_assert_eq(f.max_ports, 32);
	cr_assert_eq(f.max_learned, 5000);
	cr_assert(f.max_learned_line, "max-learned marked as set");
	cr_assert_eq(f.mode, XB_MODE_GENERIC);
	cr_assert(!f.host_port, "host-port off");
	cr_assert(f.host_port_line);
	cr_assert_eq(f.nglobs, 2);
	cr_assert_str_eq(f.globs[0], "vnet-br0-*");
	cr_assert_eq(f.nfdb, 1);
	cr_assert_eq(f.fdb[0].mac[5], 1);
	cr_assert_str_eq(f.fdb[0].port, "eth1");
	cr_assert_eq(f.nport_modes, 2);
	cr_assert_eq(f.port_modes[1].mode, XB_MODE_TC, "port mode tc accepted");
	cr_assert_eq(config_check("br0.conf", &f, NULL, 0, why, sizeof(why)), 0, "consistent: %s", why);
	cr_assert(glob_match_any((const char (*)[ARG_GLOB_MAX])f.globs, f.nglobs, "vnet-br0-12"));
	cr_assert(!glob_match_any((const char (*)[ARG_GLOB_MAX])f.globs, f.nglobs, "vnet-br1-0"));
	cr_assert_eq(config_port_mode(&f, "eth3")->mode, XB_MODE_NATIVE);
	cr_assert_null(config_port_mode(&f, "eth1"));
}

Test(config, defaults_of_an_empty_file)
{
	cr_assert_eq(config_parse("e.conf", "", &f, why, sizeof(why)), 0);
	cr_assert(f.host_port, "host port on unless the file says off");
	cr_assert_eq(f.ageing_line + f.fdb_size_line + f.max_ports_line + f.mode_line, 0,
		     "no key marked as set");
}

/* text's first bad line is `line`; the message names the file, the line and says why. */
static void bad(const char *text, int line, const char *reason)
{
	char prefix[64];

	config_free(&f);
	cr_assert_eq(config_parse("br0.conf", text, &f, why, sizeof(why)), -EINVAL,
		     "'%s' is refused", text);
	snprintf(prefix, sizeof(prefix), "br0.conf:%d: ", line);
	cr_assert(!strncmp(why, prefix, strlen(prefix)), "'%s': message starts with '%s': %s", text,
		  prefix, why);
	cr_assert(strstr(why, reason), "'%s': message says '%s': %s", text, reason, why);
	cr_assert(!strchr(why, '\n'), "one line: %s", why);
}

Test(config, bad_lines)
{
	bad("ports eth1\n\n\n\n\n\nageing 3x\n", 7, "ageing takes seconds between 1 and 1000000, not '3x'");
	bad("ageing 0\n", 1, "between 1 and 1000000");
	bad("ageing\n", 1, "ageing takes 1 value");
	bad("ageing 10 20\n", 1, "ageing takes 1 value");
	bad("ageing 10\nageing 20\n", 2, "already set on line 1");
	bad("fdb-size 0\n", 1, "fdb-size takes a number of entries");
	bad("max-ports 1\n", 1, "max-ports takes a number of ports between 2 and");
	bad("max-learned many\n", 1, "max-learned takes a number of stations");
	bad("mode turbo\n", 1, "mode is native, generic or tc, not 'turbo'");
	bad("host-port maybe\n", 1, "host-port is on or off");
	bad("ports\n", 1, "ports takes one or more interfaces");
	bad("ports eth1 eth1\n", 1, "already listed on line 1");
	bad("ports eth1\nports eth1\n", 2, "already listed on line 1");
	bad("ports eth/1\n", 1, "'eth/1' is not a valid interface name");
	bad("ports waytoolonginterfacename\n", 1, "not a valid interface name");
	bad("fdb 01:00:5e:00:00:01 eth1\n", 1, "not a unicast address");
	bad("fdb 02:00:00:00:00:zz eth1\n", 1, "is not a MAC address");
	bad("fdb 02:00:00:00:00:01\n", 1, "fdb takes 2 values");
	bad("ports eth1\nfdb 02:00:00:00:00:01 eth1\nfdb 02:00:00:00:00:01 eth1\n", 3, "one static entry per MAC");
	bad("port eth1 speed 10\n", 1, "'port IF mode native|generic|tc'");
	bad("port eth1 mode fast\n", 1, "mode is native, generic or tc");
	bad("auto-port\n", 1, "auto-port takes 1 value");
	bad("auto-port a/b\n", 1, "is not an interface name pattern");
	bad("auto-port x*\nauto-port x*\n", 2, "given twice");
	bad("# fine\nbridge-ports eth1\n", 2, "unknown key 'bridge-ports'");
}

/* Mistakes that only show across lines (or with the command line's ports). */
static void inconsistent(const char *text, const char *const *cli, int ncli, const char *reason)
{
	config_free(&f);
	cr_assert_eq(config_parse("br0.conf", text, &f, why, sizeof(why)), 0, "parses: %s", why);
	cr_assert_eq(config_check("br0.conf", &f, cli, ncli, why, sizeof(why)), -EINVAL,
		     "'%s' is inconsistent", text);
	cr_assert(strstr(why, reason), "'%s': message says '%s': %s", text, reason, why);
}

Test(config, cross_line_checks)
{
	const char *cli[] = { "eth9" };

	inconsistent("ports eth1\nfdb 02:00:00:00:00:01 eth2\n", NULL, 0,
		     "br0.conf:2: fdb: eth2 is not a port of the bridge");
	inconsistent("port eth5 mode generic\n", NULL, 0,
		     "br0.conf:1: port eth5 is neither listed");
	inconsistent("ports eth9\n", cli, 1, "port eth9 is given on the command line and in br0.conf (line 1)");
	/* A port named only on the command line may carry static entries. */
	config_free(&f);
	cr_assert_eq(config_parse("br0.conf", "fdb 02:00:00:00:00:01 eth9\nport eth9 mode generic\n", &f,
				  why, sizeof(why)), 0);
	cr_assert_eq(config_check("br0.conf", &f, cli, 1, why, sizeof(why)), 0, "%s", why);
}
