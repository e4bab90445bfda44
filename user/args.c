// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <stdarg.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "log.h"
#include "parse.h"

static int parse_mode(const char *s, enum xb_xdp_mode *mode)
{
	if (!strcmp(s, "native") || !strcmp(s, "drv")) {
		*mode = XB_MODE_NATIVE;
		return 0;
	}
	if (!strcmp(s, "generic") || !strcmp(s, "skb")) {
		*mode = XB_MODE_GENERIC;
		return 0;
	}
	if (!strcmp(s, "tc")) {
		*mode = XB_MODE_TC;
		return 0;
	}
	return -EINVAL;
}

static int parse_onoff(const char *s, bool *on)
{
	if (strcmp(s, "on") && strcmp(s, "off"))
		return -EINVAL;
	*on = !strcmp(s, "on");
	return 0;
}

int why_fmt(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* What fnmatch(3) gets: printable, no blank, no '/' (never in an ifname). */
static int validate_glob(const char *s)
{
	size_t n = strlen(s);

	if (!n || n >= ARG_GLOB_MAX)
		return -EINVAL;
	for (const char *c = s; *c; c++)
		if (*c <= ' ' || *c > '~' || *c == '/')
			return -EINVAL;
	return 0;
}

int arg_check(const struct arg_spec *spec, const char *s, struct arg_value *out,
	      char *why, size_t len)
{
	int err;

	memset(out, 0, sizeof(*out));
	out->str = s;
	switch (spec->type) {
	case ARG_FLAG:
		out->on = true;
		return 0;
	case ARG_KEYWORD:
		if (!strcmp(s, spec->name))
			return 0;
		return why_fmt(why, len, "expected '%s', not '%s'", spec->name, s);
	case ARG_U32:
		if (!parse_u32(s, spec->min, spec->max, &out->u32))
			return 0;
		return why_fmt(why, len, "%s takes %s between %u and %u, not '%s'", spec->name,
			       spec->unit, spec->min, spec->max, s);
	case ARG_MODE:
		if (!parse_mode(s, &out->mode))
			return 0;
		return why_fmt(why, len, "%s is native, generic or tc, not '%s'", spec->name, s);
	case ARG_ONOFF:
		if (!parse_onoff(s, &out->on))
			return 0;
		return why_fmt(why, len, "%s is on or off, not '%s'", spec->name, s);
	case ARG_IFNAME:
		if (!validate_ifname(s))
			return 0;
		return why_fmt(why, len, "'%s' is not a valid interface name", s);
	case ARG_BRIDGE:
		err = validate_bridge_name(s);
		if (!err)
			return 0;
		if (err == -ENAMETOOLONG)
			return why_fmt(why, len,
				       "bridge name '%s' is too long: at most %d characters (its host port is '%s-p')",
				       s, XB_BRIDGE_NAME_MAX, s);
		return why_fmt(why, len,
			       "'%s' is not a valid bridge name: 1-%d characters, none of '.', '/', ':' or blanks (bpffs refuses '.'), e.g. br0",
			       s, XB_BRIDGE_NAME_MAX);
	case ARG_MAC:
	case ARG_STATION:
		if (parse_mac(s, out->mac))
			return why_fmt(why, len, "'%s' is not a MAC address: write it as aa:bb:cc:dd:ee:ff", s);
		if (spec->type == ARG_STATION && !xb_mac_is_station(out->mac))
			return why_fmt(why, len,
				       "%s is not a unicast address: static FDB entries take a station's unicast MAC", s);
		return 0;
	case ARG_GLOB:
		if (!validate_glob(s))
			return 0;
		return why_fmt(why, len,
			       "%s '%s' is not an interface name pattern: 1-%d printable characters, no blank or '/', e.g. 'vnet-br0-*'",
			       spec->name, s, ARG_GLOB_MAX - 1);
	case ARG_PATH:
		if (*s && strlen(s) < 4096)
			return 0;
		return why_fmt(why, len, "%s takes a path name, not '%s'", spec->name, s);
	case ARG_ENUM:
		for (__u32 i = 0; spec->choices && spec->choices[i]; i++) {
			if (!strcmp(s, spec->choices[i])) {
				out->u32 = i;
				return 0;
			}
		}
		return why_fmt(why, len, "%s is one of %s, not '%s'", spec->name, spec->metavar, s);
	}
	return why_fmt(why, len, "%s: unknown argument type", spec->name);
}

int arg_parse(const struct arg_spec *spec, const char *s, struct arg_value *out)
{
	char why[256];
	int err = arg_check(spec, s, out, why, sizeof(why));

	if (err)
		pr_err("%s", why);
	return err;
}

int cmd_match(const struct cmd *cmds, const char *word)
{
	size_t len = strlen(word);
	int found = -1;

	if (!len)
		return -1;
	for (int i = 0; cmds[i].name; i++) {
		if (!strcmp(cmds[i].name, word))
			return i;
		if (!strncmp(cmds[i].name, word, len))
			found = found == -1 ? i : -2;
	}
	return found;
}

static int count_pos(const struct cmd *c)
{
	int n = 0;

	while (c->pos && c->pos[n])
		n++;
	return n;
}

/* Append to buf, truncating. */
static void append(char *buf, size_t len, const char *a, const char *b, const char *z)
{
	size_t used = strlen(buf);

	if (used < len)
		snprintf(buf + used, len - used, "%s%s%s", a, b, z);
}

void cmd_usage_line(const struct cmd *c, const char *path, char *buf, size_t len)
{
	int npos = count_pos(c);

	snprintf(buf, len, "%s %s", path, c->name);
	for (int i = 0; i < npos; i++) {
		const char *more = c->pos_repeat && i == npos - 1 ? "..." : "";
		const char *meta = c->pos[i]->metavar;

		if (i < c->min_pos) {
			append(buf, len, " ", meta, more);
		} else {
			append(buf, len, " [", meta, more);
			append(buf, len, "]", "", "");
		}
	}
	for (const struct arg_spec *o = c->opts; o && o->name; o++) {
		if (o->type == ARG_FLAG) {
			append(buf, len, " [", o->name, "]");
		} else {
			append(buf, len, " [", o->name, " ");
			append(buf, len, o->metavar, "]", o->repeat ? "..." : "");
		}
	}
}

static void usage_lines(FILE *f, const struct cmd *cmds, const char *path)
{
	char line[512];

	for (const struct cmd *c = cmds; c->name; c++) {
		if (c->sub) {
			snprintf(line, sizeof(line), "%s %s", path, c->name);
			usage_lines(f, c->sub, line);
			continue;
		}
		cmd_usage_line(c, path, line, sizeof(line));
		fprintf(f, "  %s\n", line);
	}
}

void cmd_usage(FILE *f, const struct cmd *cmds, const char *path)
{
	usage_lines(f, cmds, path);
	fprintf(f, "  %s help\n", path);
}

static int usage_error(const struct cmd *c, const char *path)
{
	char line[512];

	cmd_usage_line(c, path, line, sizeof(line));
	pr_err("usage: %s", line);
	return -EINVAL;
}

int args_parse(const struct cmd *c, const char *path, int argc, char **argv,
	       struct parsed_args *out)
{
	int npos_spec = count_pos(c), nopts = 0;

	memset(out, 0, sizeof(*out));
	while (c->opts && c->opts[nopts].name)
		nopts++;
	out->pos = calloc((size_t)argc + 1, sizeof(*out->pos));
	if (!out->pos)
		return -ENOMEM;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		const struct arg_spec *spec;
		int k;

		if (a[0] != '-' || a[1] == '\0') {
			int at = out->npos;

			if (at >= npos_spec && !(c->pos_repeat && npos_spec))
				return usage_error(c, path);
			spec = c->pos[at < npos_spec ? at : npos_spec - 1];
			if (arg_parse(spec, a, &out->pos[out->npos++]))
				return -EINVAL;
			continue;
		}
		for (k = 0; k < nopts; k++)
			if (!strcmp(a, c->opts[k].name))
				break;
		if (k == nopts) {
			pr_err("unknown option '%s'; see '%s %s help'", a, path, c->name);
			return -EINVAL;
		}
		spec = &c->opts[k];
		if (spec->type != ARG_FLAG && i + 1 >= argc) {
			pr_err("option %s needs a value", a);
			return -EINVAL;
		}
		if (arg_parse(spec, spec->type == ARG_FLAG ? a : argv[++i], &out->opt[k]))
			return -EINVAL;
		out->given[k] = true;
		if (spec->repeat) {
			if (!out->rep[k] && !(out->rep[k] = calloc((size_t)argc, sizeof(*out->rep[k]))))
				return -ENOMEM;
			out->rep[k][out->nrep[k]++] = out->opt[k];
		}
	}
	if (out->npos < c->min_pos)
		return usage_error(c, path);
	return 0;
}

void args_free(struct parsed_args *a)
{
	free(a->pos);
	a->pos = NULL;
	for (int k = 0; k < ARGS_MAX_OPTS; k++) {
		free(a->rep[k]);
		a->rep[k] = NULL;
	}
}

static bool is_help(const char *word)
{
	return !strcmp(word, "help") || !strcmp(word, "-h") || !strcmp(word, "--help");
}

/* Where a command word is expected: also a prefix of help ("he"). */
static bool is_help_word(const char *word)
{
	return is_help(word) || (*word && !strncmp("help", word, strlen(word)));
}

int cmd_select(const struct cmd *cmds, const char *path, int argc, char **argv,
	       void (*help_top)(FILE *f))
{
	struct parsed_args a;
	char sub_path[256], line[512];
	const struct cmd *c;
	int i, ret;

	if (argc < 1) {
		pr_err("'%s' needs a command: see '%s help'", path, path);
		return EXIT_USAGE;
	}
	i = cmd_match(cmds, argv[0]);
	if (i == -1 && is_help_word(argv[0])) {
		if (help_top) {
			help_top(stdout);
		} else {
			puts("Usage:");
			cmd_usage(stdout, cmds, path);
		}
		return 0;
	}
	if (i < 0) {
		pr_err("%s command '%s'; see '%s help'", i == -2 ? "ambiguous" : "unknown", argv[0], path);
		return EXIT_USAGE;
	}
	c = &cmds[i];
	snprintf(sub_path, sizeof(sub_path), "%s %s", path, c->name);
	if (c->sub)
		return cmd_select(c->sub, sub_path, argc - 1, argv + 1, NULL);
	/* `COMMAND help` at every level, never a bridge named "help". */
	if (argc > 1 && is_help(argv[1])) {
		cmd_usage_line(c, path, line, sizeof(line));
		printf("Usage:\n  %s\n", line);
		return 0;
	}
	if (args_parse(c, path, argc - 1, argv + 1, &a))
		ret = EXIT_USAGE;
	else
		ret = c->func(&a);
	args_free(&a);
	return ret;
}
