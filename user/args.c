// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <string.h>

#include "args.h"
#include "log.h"

int args_parse(int argc, char **argv, const struct opt_spec *specs, int nspecs,
	       struct parsed_args *out)
{
	memset(out, 0, sizeof(*out));
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		int k;

		if (a[0] != '-' || a[1] == '\0') {
			if (out->npos == ARGS_MAX_POSITIONAL) {
				pr_err("too many arguments (at most %d)", ARGS_MAX_POSITIONAL);
				return -EINVAL;
			}
			out->pos[out->npos++] = a;
			continue;
		}
		for (k = 0; k < nspecs; k++)
			if (!strcmp(a, specs[k].name))
				break;
		if (k == nspecs) {
			pr_err("unknown option '%s'; see 'xdpbridge help'", a);
			return -EINVAL;
		}
		if (!specs[k].has_value) {
			out->values[k] = "";
			continue;
		}
		if (i + 1 >= argc) {
			pr_err("option %s needs a value", a);
			return -EINVAL;
		}
		out->values[k] = argv[++i];
	}
	return 0;
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

int parse_mode(const char *s, enum xb_xdp_mode *mode)
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
