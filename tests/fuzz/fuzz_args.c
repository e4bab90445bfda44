// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * libFuzzer target: the command-line grammar (user/args.c): command tables
 * resolved by prefix, `help` at every level, typed positionals and options
 * (every enum arg_type), repeats. The tables mirror the CLI's shapes (the
 * real ones sit beside code that loads bridges); each command checks what
 * args_parse promised: enough positionals, each value of its type and range.
 * Input: one byte of flags (JSON errors), then words separated by NUL.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "log.h"
#include "parse.h"

#define CHECK(cond) do { if (!(cond)) { fprintf(stderr, "contract broken: %s\n", #cond); abort(); } } while (0)

static const char *const colours[] = { "red", "green", "blue", NULL };

static const struct arg_spec a_bridge = ARG_SPEC("BRIDGE", ARG_BRIDGE, "BRIDGE");
static const struct arg_spec a_port = ARG_SPEC("PORT", ARG_IFNAME, "PORT");
static const struct arg_spec a_mac = ARG_SPEC("MAC", ARG_MAC, "MAC");
static const struct arg_spec a_station = ARG_SPEC("MAC", ARG_STATION, "MAC");
static const struct arg_spec a_key = ARG_SPEC("ageing", ARG_KEYWORD, "ageing");
static const struct arg_spec a_sec = ARG_SPEC_U32("SEC", "SEC", 1, 1000000, "seconds");
static const struct arg_spec a_onoff = ARG_SPEC("STATE", ARG_ONOFF, "on|off");

static const struct arg_spec *const pos_bridge[] = { &a_bridge, NULL };
static const struct arg_spec *const pos_ports[] = { &a_bridge, &a_port, NULL };
static const struct arg_spec *const pos_fdb[] = { &a_bridge, &a_station, &a_port, NULL };
static const struct arg_spec *const pos_fdb_del[] = { &a_bridge, &a_mac, NULL };
static const struct arg_spec *const pos_set[] = { &a_bridge, &a_key, &a_sec, NULL };
static const struct arg_spec *const pos_iso[] = { &a_bridge, &a_port, &a_onoff, NULL };

static const struct arg_spec opts_load[] = {
	ARG_SPEC_U32("--ageing", "SEC", 1, 1000000, "seconds"),
	ARG_SPEC_U32("--fdb-size", "N", 1, 1U << 26, "a number of entries"),
	ARG_SPEC("--mode", ARG_MODE, "native|generic|tc"),
	ARG_SPEC("--no-host-port", ARG_FLAG, NULL),
	{ .name = "--auto-port", .type = ARG_GLOB, .metavar = "GLOB", .repeat = true },
	ARG_SPEC("--config", ARG_PATH, "FILE"),
	ARG_SPEC_ENUM("--colour", "red|green|blue", colours),
	ARG_SPEC_END,
};

static int checked(const struct parsed_args *a, const struct arg_spec *const *pos, int min_pos)
{
	int npos = 0;

	while (pos && pos[npos])
		npos++;
	CHECK(a->npos >= min_pos);
	for (int i = 0; i < a->npos; i++) {
		const struct arg_spec *s = pos[i < npos ? i : npos - 1];
		const struct arg_value *v = &a->pos[i];

		CHECK(v->str);
		switch (s->type) {
		case ARG_BRIDGE: CHECK(!validate_bridge_name(v->str)); break;
		case ARG_IFNAME: CHECK(!validate_ifname(v->str)); break;
		case ARG_STATION: CHECK(xb_mac_is_station(v->mac)); break;
		case ARG_U32: CHECK(v->u32 >= s->min && v->u32 <= s->max); break;
		case ARG_KEYWORD: CHECK(!strcmp(v->str, s->name)); break;
		case ARG_ONOFF: CHECK(v->on == !strcmp(v->str, "on")); break;
		default: break;
		}
	}
	return 0;
}

static int do_load(const struct parsed_args *a)
{
	checked(a, pos_ports, 1);
	if (a->given[0])
		CHECK(a->opt[0].u32 >= 1 && a->opt[0].u32 <= 1000000);
	if (a->given[2])
		CHECK(a->opt[2].mode <= XB_MODE_TC);
	CHECK(!a->given[4] || (a->nrep[4] >= 1 && a->rep[4]));
	if (a->given[6])
		CHECK(a->opt[6].u32 < 3);
	return 0;
}
static int do_bridge(const struct parsed_args *a) { return checked(a, pos_bridge, 0); }
static int do_ports(const struct parsed_args *a) { return checked(a, pos_ports, 2); }
static int do_fdb_add(const struct parsed_args *a) { return checked(a, pos_fdb, 3); }
static int do_fdb_del(const struct parsed_args *a) { return checked(a, pos_fdb_del, 2); }
static int do_set(const struct parsed_args *a) { return checked(a, pos_set, 3); }
static int do_iso(const struct parsed_args *a) { return checked(a, pos_iso, 3); }

static const struct cmd fdb_cmds[] = {
	{ .name = "add", .func = do_fdb_add, .pos = pos_fdb, .min_pos = 3 },
	{ .name = "del", .func = do_fdb_del, .pos = pos_fdb_del, .min_pos = 2 },
	{ .name = "show", .func = do_bridge, .pos = pos_bridge, .min_pos = 0 },
	{ .name = NULL },
};

static const struct cmd port_cmds[] = {
	{ .name = "add", .func = do_ports, .pos = pos_ports, .min_pos = 2, .pos_repeat = true,
	  .opts = opts_load + 2 },
	{ .name = "del", .func = do_ports, .pos = pos_ports, .min_pos = 2, .pos_repeat = true },
	{ .name = "isolated", .func = do_iso, .pos = pos_iso, .min_pos = 3 },
	{ .name = NULL },
};

static const struct cmd top[] = {
	{ .name = "load", .func = do_load, .pos = pos_ports, .min_pos = 1, .pos_repeat = true,
	  .opts = opts_load },
	{ .name = "unload", .func = do_bridge, .pos = pos_bridge, .min_pos = 1 },
	{ .name = "show", .func = do_bridge, .pos = pos_bridge, .min_pos = 0 },
	{ .name = "set", .func = do_set, .pos = pos_set, .min_pos = 3 },
	{ .name = "port", .sub = port_cmds },
	{ .name = "fdb", .sub = fdb_cmds },
	{ .name = NULL },
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf, **argv;
	int argc = 0, ret;

	if (size < 1)
		return 0;
	log_json = data[0] & 1;
	buf = malloc(size);
	argv = calloc(size + 1, sizeof(*argv));
	if (!buf || !argv)
		goto out;
	memcpy(buf, data + 1, size - 1);
	buf[size - 1] = '\0';
	for (size_t i = 0; i < size - 1; i += strlen(buf + i) + 1)
		argv[argc++] = buf + i;
	ret = cmd_select(top, "xdpbridge", argc, argv, NULL);
	CHECK(ret == 0 || ret == EXIT_USAGE);
out:
	free(buf);
	free(argv);
	return 0;
}
