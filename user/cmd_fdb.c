// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* fdb show | add | del | flush */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "bridge.h"
#include "cmd.h"
#include "fdb.h"
#include "log.h"
#include "output.h"
#include "parse.h"
#include "print.h"
#include "sys.h"

static const char fdb_usage[] =
	"Usage: xdpbridge fdb show BRIDGE [--port PORT]\n"
	"       xdpbridge fdb add BRIDGE MAC PORT\n"
	"       xdpbridge fdb del BRIDGE MAC\n"
	"       xdpbridge fdb flush BRIDGE [--port PORT]";

static int fdb_usage_error(void)
{
	pr_err("bad fdb command; usage: xdpbridge fdb { show | add | del | flush } BRIDGE ... (see 'xdpbridge fdb help')");
	return EXIT_USAGE;
}

/* Parse a unicast MAC for a static entry; prints the usage error. */
static int parse_unicast_mac(const char *s, struct xb_fdb_key *key)
{
	memset(key, 0, sizeof(*key));
	if (parse_mac(s, key->mac)) {
		pr_err("'%s' is not a MAC address: write it as aa:bb:cc:dd:ee:ff", s);
		return -EINVAL;
	}
	if ((key->mac[0] & 1) || !(key->mac[0] | key->mac[1] | key->mac[2] | key->mac[3] |
				   key->mac[4] | key->mac[5])) {
		pr_err("%s is not a unicast address: static FDB entries take a station's unicast MAC", s);
		return -EINVAL;
	}
	return 0;
}

static int port_ifindex(const struct xb_bridge *br, const char *ifname, __u32 *ifindex)
{
	if (!port_lookup_by_name(br, ifname, ifindex))
		return 0;
	pr_err("%s is not a port of bridge %s: see 'xdpbridge show %s'", ifname, br->name, br->name);
	return -ENOENT;
}

static int fdb_show(struct xb_bridge *br, const char *port)
{
	struct fdb_row *rows = NULL;
	__u32 ifindex = 0;
	size_t n = 0, kept = 0;
	int err;

	if (port && port_ifindex(br, port, &ifindex))
		return 1;
	err = fdb_dump(br, &rows, &n);
	if (err) {
		pr_err("cannot read the FDB of bridge %s: %s", br->name, strerror(-err));
		return 1;
	}
	for (size_t i = 0; i < n; i++)
		if (!ifindex || rows[i].ifindex == ifindex)
			rows[kept++] = rows[i];
	output_begin(NULL, opt_json, opt_pretty);
	print_fdb(br->name, rows, kept, monotonic_ns());
	output_end();
	free(rows);
	return 0;
}

int cmd_fdb(int argc, char **argv)
{
	static const struct opt_spec opts[] = { { "--port", true } };
	struct parsed_args a;
	struct xb_fdb_key key;
	struct xb_bridge br;
	const char *verb;
	__u32 ifindex = 0;
	int ret, lock_fd = -1, err = 0;

	if (argc >= 1 && !strcmp(argv[0], "help")) {
		printf("%s\n", fdb_usage);
		return 0;
	}
	if (args_parse(argc, argv, opts, 1, &a))
		return EXIT_USAGE;
	if (a.npos < 2)
		return fdb_usage_error();
	verb = a.pos[0];
	if (!strcmp(verb, "show") || !strcmp(verb, "flush")) {
		if (a.npos != 2)
			return fdb_usage_error();
	} else if (!strcmp(verb, "add")) {
		if (a.npos != 4 || a.values[0] || parse_unicast_mac(a.pos[2], &key))
			return a.npos != 4 || a.values[0] ? fdb_usage_error() : EXIT_USAGE;
	} else if (!strcmp(verb, "del")) {
		if (a.npos != 3 || a.values[0])
			return fdb_usage_error();
		memset(&key, 0, sizeof(key));
		if (parse_mac(a.pos[2], key.mac)) {
			pr_err("'%s' is not a MAC address: write it as aa:bb:cc:dd:ee:ff", a.pos[2]);
			return EXIT_USAGE;
		}
	} else {
		return fdb_usage_error();
	}

	ret = open_loaded_bridge(a.pos[1], &br);
	if (ret)
		return ret;
	if (!strcmp(verb, "show")) {
		ret = fdb_show(&br, a.values[0]);
		bridge_close(&br);
		return ret;
	}

	lock_fd = xb_lock_take();
	if (lock_fd < 0) {
		bridge_close(&br);
		return 1;
	}
	if (!strcmp(verb, "add")) {
		err = port_ifindex(&br, a.pos[3], &ifindex);
		if (!err) {
			err = fdb_static_add(&br, &key, ifindex);
			if (err)
				pr_err("cannot add the static entry: %s", strerror(-err));
		}
	} else if (!strcmp(verb, "del")) {
		err = fdb_del(&br, &key);
		if (err == -ENOENT)
			pr_err("bridge %s has no FDB entry for %s: see 'xdpbridge fdb show %s'",
			       br.name, a.pos[2], br.name);
		else if (err)
			pr_err("cannot delete the entry: %s", strerror(-err));
	} else {
		if (a.values[0])
			err = port_ifindex(&br, a.values[0], &ifindex);
		if (!err) {
			int removed = fdb_flush(&br, ifindex, false);

			err = removed < 0 ? removed : 0;
			if (err)
				pr_err("cannot flush the FDB: %s", strerror(-err));
			else
				pr_debug("flushed %d learned entries", removed);
		}
	}
	xb_lock_release(lock_fd);
	bridge_close(&br);
	return err ? 1 : 0;
}
