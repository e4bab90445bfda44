// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The bridge file (user/config.c): every key, and every bad line gets its
 * line number and a reason. */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "config.h"
#include "vlan.h"

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
	cr_assert_eq(config_check("br0.conf", &f, NULL, 0, NULL, why, sizeof(why)), 0, "consistent: %s", why);
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
	bad("port eth1 speed 10\n", 1, "unknown port setting 'speed': one of isolated on|off");
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
	cr_assert_eq(config_check("br0.conf", &f, cli, ncli, NULL, why, sizeof(why)), -EINVAL,
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
	cr_assert_eq(config_check("br0.conf", &f, cli, 1, NULL, why, sizeof(why)), 0, "%s", why);
}

/* The run-time settings: the keys of `set`, `port set`, `vlan add`, `fdb add ... vlan`. */
Test(config, every_runtime_key)
{
	const char *text =
		"ports eth1 eth2 eth3\n"
		"vlan-filtering on\n"
		"vlan-protocol 802.1ad\n"
		"default-pvid 0\n"
		"stp on\n"
		"priority 8192\n"
		"hello 1\n"
		"forward-delay 4\n"
		"max-age 6\n"
		"port eth1 mode generic isolated on learning off\n"
		"port eth1 flood off mcast_flood off bcast-flood off\n"
		"port eth2 max-learned 100 storm-bcast 1000 storm-mcast 2000 storm-unknown 3000\n"
		"port eth3 cost 19 priority 10 bpdu-guard on root-block on\n"
		"vlan eth1 10 pvid untagged\n"
		"vlan eth2 100-199\n"
		"vlan eth3 20 untagged pvid\n"
		"fdb 02:00:00:00:00:01 eth1 vlan 10\n"
		"fdb 02:00:00:00:00:01 eth2 vlan 100\n"
		"fdb 02:00:00:00:00:02 eth3\n";
	const struct arg_spec *const keys[] = { &spec_vlan_filtering, &spec_vlan_protocol, &spec_default_pvid,
		&spec_stp, &spec_stp_priority, &spec_stp_hello, &spec_stp_forward_delay, &spec_stp_max_age };
	const __u32 u32s[] = { 0, 1, 0, 0, 8192, 1, 4, 6 };

	cr_assert_eq(config_parse("br0.conf", text, &f, why, sizeof(why)), 0, "parses: %s", why);
	cr_assert_eq(f.nsettings, 8, "eight bridge-wide settings, got %d", f.nsettings);
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const struct config_setting *cs = config_setting(&f, keys[i]);

		cr_assert_not_null(cs, "%s is set", keys[i]->name);
		cr_assert_eq(cs->line, (int)i + 2, "%s on line %zu", keys[i]->name, i + 2);
		if (keys[i]->type == ARG_ONOFF)
			cr_assert(cs->v.on, "%s on", keys[i]->name);
		else
			cr_assert_eq(cs->v.u32, u32s[i], "%s = %u, got %u", keys[i]->name, u32s[i], cs->v.u32);
	}
	cr_assert_eq(vlan_protocol_of(config_setting(&f, &spec_vlan_protocol)->v.u32), XB_VLAN_PROTO_8021AD);
	/* mode apart, the rest of each `port` line is `port set`'s words. */
	cr_assert_eq(config_port_mode(&f, "eth1")->mode, XB_MODE_GENERIC);
	cr_assert_eq(f.nport_sets, 4, "four port lines with port set keys, got %d", f.nport_sets);
	cr_assert_str_eq(f.port_sets[0].ifname, "eth1");
	cr_assert_eq(f.port_sets[0].nwords, 4, "mode is not a port set word");
	cr_assert_str_eq(f.port_sets[0].words[0], "isolated");
	cr_assert_str_eq(f.port_sets[1].words[5], "off");
	cr_assert_eq(f.port_sets[3].line, 13);
	cr_assert_eq(f.port_sets[3].nwords, 8);
	cr_assert_eq(f.nvlans, 3);
	cr_assert_eq(f.vlans[0].lo, 10);
	cr_assert_eq(f.vlans[0].flags, XB_VLANF_PVID | XB_VLANF_UNTAGGED);
	cr_assert_eq(f.vlans[1].lo, 100);
	cr_assert_eq(f.vlans[1].hi, 199);
	cr_assert_eq(f.vlans[1].flags, 0);
	cr_assert_str_eq(f.vlans[1].vids, "100-199");
	cr_assert_eq(f.vlans[2].flags, XB_VLANF_PVID | XB_VLANF_UNTAGGED, "flags in any order");
	cr_assert_eq(f.nfdb, 3, "one MAC in two VLANs is two entries");
	cr_assert_eq(f.fdb[0].vlan, 10);
	cr_assert_eq(f.fdb[1].vlan, 100);
	cr_assert_eq(f.fdb[2].vlan, 0, "without vlan: 0 (every VLAN of the port, as fdb add)");
	cr_assert_eq(config_check("br0.conf", &f, NULL, 0, "br0-p", why, sizeof(why)), 0, "consistent: %s", why);
}

Test(config, runtime_keys_off)
{
	cr_assert_eq(config_parse("br0.conf", "vlan-filtering off\nstp off\nvlan-protocol 802.1Q\n", &f, why,
				  sizeof(why)), 0, "%s", why);
	cr_assert(!config_setting(&f, &spec_vlan_filtering)->v.on);
	cr_assert(!config_setting(&f, &spec_stp)->v.on);
	cr_assert_eq(vlan_protocol_of(config_setting(&f, &spec_vlan_protocol)->v.u32), XB_VLAN_PROTO_8021Q);
	cr_assert_null(config_setting(&f, &spec_stp_hello), "hello not set");
}

Test(config, bad_runtime_lines)
{
	bad("vlan-filtering yes\n", 1, "vlan-filtering is on or off, not 'yes'");
	bad("vlan-filtering\n", 1, "vlan-filtering takes 1 value: 'vlan-filtering on|off'");
	bad("vlan-protocol 802.1q\n", 1, "vlan-protocol is one of 802.1Q|802.1ad, not '802.1q'");
	bad("default-pvid 4095\n", 1, "default-pvid takes a VLAN id (0: none) between 0 and 4094, not '4095'");
	bad("stp maybe\n", 1, "stp is on or off, not 'maybe'");
	bad("priority 100\n", 1, "priority takes a multiple of 4096 between 0 and 61440 (802.1D's steps), not 100");
	bad("priority 65536\n", 1, "priority takes a multiple of 4096 between 0 and 61440, not '65536'");
	bad("hello 0\n", 1, "hello takes seconds between 1 and 10, not '0'");
	bad("hello 11\n", 1, "between 1 and 10");
	bad("forward-delay 1\n", 1, "forward-delay takes seconds between 2 and 30, not '1'");
	bad("max-age 41\n", 1, "max-age takes seconds between 6 and 40, not '41'");
	bad("hello 2 3\n", 1, "hello takes 1 value");
	bad("hello 2\nstp on\nhello 3\n", 3, "hello is already set on line 1: set it once");
	bad("stp on\nstp off\n", 2, "stp is already set on line 1");
	/* port IF KEY VALUE...: `port set`'s words. */
	bad("port eth1\n", 1, "port takes an interface and settings: 'port IF KEY VALUE...'");
	bad("port eth1 isolated\n", 1, "port setting isolated needs a value: isolated on|off");
	bad("port eth1 isolated maybe\n", 1, "isolated is on or off, not 'maybe'");
	bad("port eth1 learning on flood\n", 1, "port setting flood needs a value");
	bad("port eth1 storm-bcast 100000001\n", 1, "storm-bcast takes frames per second (0: no limit) between 0 and 100000000");
	bad("port eth1 max-learned -1\n", 1, "max-learned takes a number of stations");
	bad("port eth1 cost 0\n", 1, "cost takes a path cost between 1 and 65535, not '0'");
	bad("port eth1 priority 64\n", 1, "priority takes a port priority between 0 and 63, not '64'");
	bad("port eth1 bpdu-guard 1\n", 1, "bpdu-guard is on or off, not '1'");
	bad("port eth1 mode\n", 1, "port setting mode needs a value");
	bad("port eth1 isolated on\nport eth1 learning off isolated off\n", 2,
	    "port eth1 isolated is already set on line 1: set it once");
	bad("port eth1 mcast_flood on mcast-flood off\n", 1, "port eth1 mcast_flood is already set on line 1");
	bad("port eth1 mode tc\nport eth1 cost 4 mode generic\n", 2, "port eth1 mode is already set on line 1");
	bad("port eth/1 isolated on\n", 1, "'eth/1' is not a valid interface name");
	/* vlan PORT VID[-VID] [pvid] [untagged]: `vlan add`'s words. */
	bad("vlan eth1\n", 1, "vlan takes a port, VIDs and flags: 'vlan PORT VID[-VID] [pvid] [untagged]'");
	bad("vlan eth1 10 pvid untagged pvid\n", 1, "vlan takes a port, VIDs and flags");
	bad("vlan eth1 0\n", 1, "VID takes a VLAN id 1-4094 or a range VID-VID, not '0'");
	bad("vlan eth1 4095\n", 1, "not '4095'");
	bad("vlan eth1 20-10\n", 1, "not '20-10'");
	bad("vlan eth1 10 native\n", 1, "expected 'pvid' or 'untagged', not 'native'");
	bad("vlan eth1 10-20 pvid\n", 1, "pvid takes one VID, not the range 10-20");
	bad("vlan eth1 10 pvid\nvlan eth2 10 pvid\nvlan eth1 20 pvid untagged\n", 3,
	    "port eth1 has its pvid on line 1: a port has one PVID");
	bad("vlan eth1: 10\n", 1, "is not a valid interface name");
	/* fdb MAC PORT [vlan VID] */
	bad("fdb 02:00:00:00:00:01 eth1 vlan 0\n", 1, "vlan takes a VLAN id between 1 and 4094, not '0'");
	bad("fdb 02:00:00:00:00:01 eth1 vid 10\n", 1, "expected 'vlan', not 'vid'");
	bad("fdb 02:00:00:00:00:01 eth1 vlan\n", 1, "'fdb MAC PORT [vlan VID]'");
	bad("fdb 02:00:00:00:00:01 eth1 vlan 10\nfdb 02:00:00:00:00:01 eth2 vlan 10\n", 2,
	    "one static entry per MAC and VLAN");
}

/* The file's message is the command's, after FILE:LINE: one set of words, one checker. */
Test(config, same_messages_as_the_commands)
{
	const char *pairs[][2] = {
		{ "isolated", "yes" }, { "storm-unknown", "x" }, { "cost", "70000" }, { "speed", "10" },
		{ "root_block", "2" },
	};
	char cli[CONFIG_WHY_LEN], line[CONFIG_WHY_LEN * 2];
	struct arg_value v;
	__u16 lo, hi;

	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		cr_assert_null(port_setting_check(pairs[i][0], pairs[i][1], &v, cli, sizeof(cli)),
			       "port set refuses %s %s", pairs[i][0], pairs[i][1]);
		snprintf(line, sizeof(line), "port eth1 %s %s\n", pairs[i][0], pairs[i][1]);
		config_free(&f);
		cr_assert_eq(config_parse("br0.conf", line, &f, why, sizeof(why)), -EINVAL);
		cr_assert_str_eq(why + strlen("br0.conf:1: "), cli, "same message for '%s'", line);
	}
	cr_assert_eq(vlan_range_check("7-3", &lo, &hi, cli, sizeof(cli)), -EINVAL);
	config_free(&f);
	cr_assert_eq(config_parse("br0.conf", "vlan eth1 7-3\n", &f, why, sizeof(why)), -EINVAL);
	cr_assert_str_eq(why + strlen("br0.conf:1: "), cli);
	cr_assert_eq(arg_check(&spec_stp_hello, "0", &v, cli, sizeof(cli)), -EINVAL);
	config_free(&f);
	cr_assert_eq(config_parse("br0.conf", "hello 0\n", &f, why, sizeof(why)), -EINVAL);
	cr_assert_str_eq(why + strlen("br0.conf:1: "), cli);
	/* '-' and '_' are one character in a port set key, in the file too. */
	cr_assert_eq(port_setting_find("bcast-flood"), port_setting_find("bcast_flood"));
	cr_assert_not_null(port_setting_find("bpdu_guard"));
}

Test(config, runtime_cross_line_checks)
{
	const char *cli[] = { "eth9" };

	inconsistent("ports eth1\nvlan eth2 10\n", NULL, 0, "br0.conf:2: vlan: eth2 is not a port of the bridge");
	inconsistent("ports eth1\nport eth2 isolated on\n", NULL, 0,
		     "br0.conf:2: port eth2 is neither listed in 'ports' nor matched by an 'auto-port' pattern");
	/* A glob-only port keeps its mode, nothing else (ctl.c adds it later). */
	inconsistent("auto-port vnet*\nport vnet3 mode generic\nport vnet3 isolated on\n", NULL, 0,
		     "br0.conf:3: port vnet3: only 'mode' applies to a port an auto-port pattern adds");
	inconsistent("auto-port vnet*\nvlan vnet3 10\n", NULL, 0,
		     "br0.conf:2: vlan: port vnet3: only 'mode' applies");
	inconsistent("vlan br0-p 10\n", NULL, 0, "vlan: br0-p is not a port of the bridge");
	/* Listed, on the command line, or the host interface's port: fine. */
	config_free(&f);
	cr_assert_eq(config_parse("br0.conf",
				  "auto-port vnet*\nports vnet3\nport vnet3 isolated on\nvlan vnet3 10\n"
				  "vlan eth9 20 pvid untagged\nport eth9 cost 4\nvlan br0-p 10 pvid untagged\n"
				  "port br0-p learning off\n",
				  &f, why, sizeof(why)), 0, "%s", why);
	cr_assert_eq(config_check("br0.conf", &f, cli, 1, "br0-p", why, sizeof(why)), 0, "%s", why);
	/* Without a host interface (host-port off), br0-p is no port. */
	cr_assert_eq(config_check("br0.conf", &f, cli, 1, NULL, why, sizeof(why)), -EINVAL);
	cr_assert(strstr(why, "br0.conf:8: port br0-p is neither listed"), "%s", why);
}

/* A key with the wrong number of values leaves the field as it was (the
 * value was never parsed: the fuzzer saw it read uninitialised). */
Test(config, wrong_count_keeps_the_default)
{
	bad("host-port on off\n", 1, "host-port takes 1 value");
	cr_assert(f.host_port, "host port still on after a refused line");
	bad("ageing 10 20\n", 1, "ageing takes 1 value");
	cr_assert_eq(f.ageing_sec, 0, "ageing untouched");
}
