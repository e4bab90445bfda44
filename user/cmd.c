// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bridge.h"
#include "cmd.h"
#include "log.h"
#include "sys.h"

bool opt_json, opt_pretty;
char **cmd_argv;

const struct arg_spec arg_bridge = ARG_SPEC("BRIDGE", ARG_BRIDGE, "BRIDGE");
const struct arg_spec arg_port = ARG_SPEC("PORT", ARG_IFNAME, "PORT");

int cmd_preflight(bool probe_kernel)
{
	int err = sys_check_privileges();

	if (!err && probe_kernel)
		err = sys_check_kernel();
	if (!err)
		err = sys_ensure_bpffs();
	return err;
}

int open_loaded_bridge(const char *name, struct xb_bridge *br)
{
	if (cmd_preflight(false))
		return 1;
	if (!bridge_exists(name)) {
		pr_err("bridge %s is not loaded: see 'xdpbridge show'", name);
		return 1;
	}
	return bridge_open(name, br) ? 1 : 0;
}

int cmd_with_bridge(const struct parsed_args *a, bool lock,
		    int (*fn)(struct xb_bridge *br, const struct parsed_args *a))
{
	struct xb_bridge br;
	int ret, lock_fd = -1, err;

	ret = open_loaded_bridge(a->pos[0].str, &br);
	if (ret)
		return ret;
	if (lock && (lock_fd = xb_lock_take()) < 0) {
		bridge_close(&br);
		return 1;
	}
	err = fn(&br, a);
	xb_lock_release(lock_fd);
	bridge_close(&br);
	return err ? 1 : 0;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int cmd_bridge_names(const struct parsed_args *a, char **names, int max)
{
	struct dirent *de;
	int n = 0;
	DIR *dir;

	if (a->npos == 1) {
		if (!bridge_exists(a->pos[0].str)) {
			pr_err("bridge %s is not loaded: see 'xdpbridge show'", a->pos[0].str);
			return -ENOENT;
		}
		names[n++] = strdup(a->pos[0].str);
	} else if ((dir = opendir(XB_PIN_ROOT))) {
		while ((de = readdir(dir)) && n < max)
			if (de->d_name[0] != '.')
				names[n++] = strdup(de->d_name);
		closedir(dir);
	}
	qsort(names, (size_t)n, sizeof(names[0]), name_cmp);
	return n;
}
