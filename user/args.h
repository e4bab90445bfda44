/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Command-line grammar, after bpftool and xdp-tools: a table of commands per
 * level (resolved by unique prefix, `help` at every level, usage lines made
 * from the table), and typed arguments parsed once, each type with its one
 * error message. Pure: no system state, unit tested.
 */
#ifndef XB_ARGS_H
#define XB_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <linux/types.h>

#include "xdpbridge.h"

#define EXIT_USAGE 2
#define ARGS_MAX_OPTS 16
#define ARG_GLOB_MAX 64	/* bytes of an --auto-port glob, NUL included */

enum arg_type {
	ARG_FLAG,	/* an option without a value */
	ARG_KEYWORD,	/* a positional that must be its name, e.g. `set BR ageing SEC` */
	ARG_U32,	/* decimal in [min, max] */
	ARG_MODE,	/* attach mode: native (drv), generic (skb) or tc */
	ARG_ONOFF,	/* on or off */
	ARG_IFNAME,	/* an interface name */
	ARG_BRIDGE,	/* a bridge name: an interface name leaving room for "-p" */
	ARG_MAC,	/* aa:bb:cc:dd:ee:ff */
	ARG_STATION,	/* a MAC that may be a station's (unicast, not zero) */
	ARG_GLOB,	/* an fnmatch(3) pattern of interface names: vnet-br0-* */
	ARG_PATH,	/* a file name: non-empty */
	ARG_ENUM,	/* one of choices[]; the value is its index (u32) */
};

struct arg_spec {
	const char *name;	/* "--ageing"; a positional's name in messages */
	enum arg_type type;
	const char *metavar;	/* in usage: "SEC", "BRIDGE" */
	__u32 min, max;		/* ARG_U32 */
	const char *unit;	/* ARG_U32: "seconds", "a number of ports" */
	bool repeat;		/* an option that may be given more than once */
	const char *const *choices;	/* ARG_ENUM: NULL-terminated */
};

#define ARG_SPEC(n, t, m) { .name = (n), .type = (t), .metavar = (m) }
#define ARG_SPEC_U32(n, m, lo, hi, u) \
	{ .name = (n), .type = ARG_U32, .metavar = (m), .min = (lo), .max = (hi), .unit = (u) }
/* ARG_ENUM: the metavar lists the choices as usage shows them ("a|b|c"). */
#define ARG_SPEC_ENUM(n, m, c) { .name = (n), .type = ARG_ENUM, .metavar = (m), .choices = (c) }
#define ARG_SPEC_END { .name = NULL }

struct arg_value {
	const char *str;	/* as given */
	__u32 u32;
	bool on;		/* ARG_ONOFF; ARG_FLAG: given */
	enum xb_xdp_mode mode;
	__u8 mac[XB_ETH_ALEN];
};

/* Parse s as spec says; prints the type's error. 0 or -EINVAL. */
int arg_parse(const struct arg_spec *spec, const char *s, struct arg_value *out);
/* Writes the message to why (len bytes) and returns -EINVAL: the one-line
 * error of a value refused without printing (the bridge file, settings.c). */
int why_fmt(char *why, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* The same, the error written to why instead of printed (the config file
 * prefixes it with FILE:LINE): one message per type for both. */
int arg_check(const struct arg_spec *spec, const char *s, struct arg_value *out,
	      char *why, size_t len);

struct parsed_args {
	struct arg_value *pos;	/* the positionals, in order */
	int npos;
	struct arg_value opt[ARGS_MAX_OPTS];	/* per option spec */
	bool given[ARGS_MAX_OPTS];
	/* A repeatable option's every value, in order (opt[] holds the last). */
	struct arg_value *rep[ARGS_MAX_OPTS];
	int nrep[ARGS_MAX_OPTS];
};

/* Free what args_parse allocated (also after a failure). */
void args_free(struct parsed_args *a);

/* One command at one level: a function, or a deeper table. */
struct cmd {
	const char *name;
	int (*func)(const struct parsed_args *a);	/* returns an exit code */
	const struct cmd *sub;
	const struct arg_spec *const *pos;	/* positionals in order, NULL-terminated */
	int min_pos;				/* how many of them are required */
	bool pos_repeat;			/* the last one repeats: PORT... */
	const struct arg_spec *opts;		/* options, ended by a NULL name */
};

/* Index of the entry word names exactly or by unique prefix; -1 if none,
 * -2 if ambiguous. Tables end with a NULL name. */
int cmd_match(const struct cmd *cmds, const char *word);

/* Split argv into typed positionals and options as c declares them (path:
 * the words before c's name, for messages); prints the usage error. The
 * caller calls args_free (also on failure). 0 or -EINVAL. */
int args_parse(const struct cmd *c, const char *path, int argc, char **argv,
	       struct parsed_args *out);

/* "PATH NAME POSITIONALS [OPTIONS]" of one command, into buf. */
void cmd_usage_line(const struct cmd *c, const char *path, char *buf, size_t len);
/* Every usage line of a table, sub-tables included, then "PATH help". */
void cmd_usage(FILE *f, const struct cmd *cmds, const char *path);

/*
 * Run the command argv[0] names in cmds (path: the words so far, e.g.
 * "xdpbridge fdb"): descend into sub-tables, print help for `help` at any
 * level (help_top, when set, prints the level's help instead), parse the
 * command's arguments and call it. Returns an exit code.
 */
int cmd_select(const struct cmd *cmds, const char *path, int argc, char **argv,
	       void (*help_top)(FILE *f));

#endif
