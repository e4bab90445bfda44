/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Command-line words: per-command options, typed values, usage errors. */
#ifndef XB_ARGS_H
#define XB_ARGS_H

#include <stdbool.h>
#include <stdint.h>

#include "xdpbridge.h"

#define EXIT_USAGE 2
#define ARGS_MAX_POSITIONAL 64

struct opt_spec {
	const char *name;	/* "--ageing" */
	bool has_value;
};

struct parsed_args {
	const char *pos[ARGS_MAX_POSITIONAL];
	int npos;
	const char *values[8];	/* per opt_spec index: value, or "" for a flag; NULL if absent */
};

/* Split argv into positionals and the options in specs (at most 8).
 * Prints a usage error and returns -EINVAL for unknown or incomplete options. */
int args_parse(int argc, char **argv, const struct opt_spec *specs, int nspecs,
	       struct parsed_args *out);

/* Command-word lookup by unique prefix, as bpftool and ip do. */
struct cmd {
	const char *name;
	int (*func)(int argc, char **argv);
};
/* Index of the matching entry, -1 if none, -2 if ambiguous. */
int cmd_match(const struct cmd *cmds, const char *word);

int parse_mode(const char *s, enum xb_xdp_mode *mode);

#endif
