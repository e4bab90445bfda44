// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * libFuzzer target: the bridge file parser (user/config.c), then the
 * cross-line checks with a fixed command line. Input: the file's text. What
 * it accepts must satisfy what load relies on: every port and `fdb` port a
 * valid interface name, listed once, values inside their ranges, every error
 * a "FILE:LINE: reason" line.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "parse.h"

#define CHECK(cond) do { if (!(cond)) { fprintf(stderr, "contract broken: %s\n", #cond); abort(); } } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const cli[] = { "veth0", "eth1" };
	char why[CONFIG_WHY_LEN] = "", *text;
	struct bridge_file f;
	int err;

	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	err = config_parse("fuzz.conf", text, &f, why, sizeof(why));
	if (err) {
		CHECK(err == -EINVAL || err == -ENOMEM);
		CHECK(err == -ENOMEM || !strncmp(why, "fuzz.conf:", 10));
		CHECK(strlen(why) < sizeof(why));
	} else {
		CHECK(!f.ageing_line || (f.ageing_sec >= 1 && f.ageing_sec <= XB_MAX_AGEING_SEC));
		CHECK(!f.fdb_size_line || (f.fdb_size >= 1 && f.fdb_size <= XB_MAX_FDB_SIZE));
		CHECK(!f.max_ports_line || (f.max_ports >= 2 && f.max_ports <= XB_MAX_PORTS));
		CHECK(f.nglobs >= 0 && f.nglobs <= XB_MAX_AUTO_PORTS);
		for (int i = 0; i < f.nports; i++) {
			CHECK(!validate_ifname(f.ports[i]));
			for (int j = 0; j < i; j++)
				CHECK(strcmp(f.ports[i], f.ports[j]));
		}
		for (int i = 0; i < f.nfdb; i++)
			CHECK(!validate_ifname(f.fdb[i].port) && xb_mac_is_station(f.fdb[i].mac));
		for (int i = 0; i < f.nport_modes; i++) {
			CHECK(!validate_ifname(f.port_modes[i].ifname));
			CHECK(config_port_mode(&f, f.port_modes[i].ifname) == &f.port_modes[i]);
		}
		for (int i = 0; i < f.nvlans; i++)
			CHECK(f.vlans[i].lo >= 1 && f.vlans[i].lo <= f.vlans[i].hi && f.vlans[i].hi <= 4094);
		for (int i = 0; i < f.nport_sets; i++)
			CHECK(f.port_sets[i].nwords > 0 && f.port_sets[i].nwords % 2 == 0);
		why[0] = '\0';
		err = config_check("fuzz.conf", &f, cli, 2, "br0-p", why, sizeof(why));
		CHECK(!err || (err == -EINVAL && why[0]));
		(void)glob_match_any((const char (*)[ARG_GLOB_MAX])f.globs, f.nglobs, "vnet-br0-1");
	}
	config_free(&f);
	free(text);
	return 0;
}
