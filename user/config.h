/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The declarative bridge file, /etc/xdpbridge/BRIDGE.conf: one `key value...`
 * per line, `#` starts a comment. Each value is parsed by the same typed
 * argument parser as the command line (args.h), so the file and the CLI
 * accept and refuse exactly the same words. Pure: no system state, unit tested.
 *
 *   ports IF...            (repeatable)        auto-port GLOB   (repeatable)
 *   ageing SEC             fdb-size N          max-ports N
 *   max-learned N          (the bridge-wide learning limit)
 *   mode native|generic|tc host-port on|off
 *   fdb MAC PORT           (a static entry)    port IF mode MODE
 */
#ifndef XB_CONFIG_H
#define XB_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#include "args.h"
#include "xdpbridge.h"

#define XB_CONFIG_DIR		"/etc/xdpbridge"
#define XB_MAX_AGEING_SEC	1000000U
#define XB_MAX_FDB_SIZE		(1U << 26)
#define XB_MAX_AUTO_PORTS	16	/* globs a bridge keeps (pinned "auto_ports") */
#define CONFIG_WHY_LEN		512

/* The value specs load's options and the file's keys share. */
extern const struct arg_spec spec_ageing, spec_fdb_size, spec_max_ports, spec_mode, spec_auto_port,
	spec_max_learned;

struct config_port_mode {	/* `port IF mode MODE` */
	char ifname[XB_IFNAMSIZ];
	enum xb_xdp_mode mode;
	int line;
};

struct config_fdb {		/* `fdb MAC PORT` */
	__u8 mac[XB_ETH_ALEN];
	char port[XB_IFNAMSIZ];
	int line;
};

struct bridge_file {
	char (*ports)[XB_IFNAMSIZ];
	int *port_lines;
	int nports;
	__u32 ageing_sec, fdb_size, max_ports, max_learned;
	enum xb_xdp_mode mode;
	bool host_port;
	/* which keys the file sets: the line that set it, 0 if none */
	int ageing_line, fdb_size_line, max_ports_line, mode_line, host_port_line, max_learned_line;
	char globs[XB_MAX_AUTO_PORTS][ARG_GLOB_MAX];
	int nglobs;
	struct config_port_mode *port_modes;
	int nport_modes;
	struct config_fdb *fdb;
	int nfdb;
};

/* Parse text (the contents of the file named fname, for messages). On error,
 * why holds "FNAME:LINE: reason" and the result is -EINVAL (or -ENOMEM).
 * The caller frees f with config_free, also on failure. */
int config_parse(const char *fname, const char *text, struct bridge_file *f, char *why, size_t len);
/* Read and parse the file; -errno with why set when it cannot be read. */
int config_read(const char *path, struct bridge_file *f, char *why, size_t len);
void config_free(struct bridge_file *f);

/*
 * Cross-line checks once the command line's ports are known (they add to the
 * file's): each `fdb` line names a port of the bridge (a listed port), each
 * `port IF` line a listed port or a name an auto-port glob matches, and no
 * port is listed twice. 0 or -EINVAL with why set.
 */
int config_check(const char *fname, const struct bridge_file *f, const char *const *cli_ports,
		 int ncli, char *why, size_t len);
/* The mode `port IF mode` sets for ifname; the file's (or default) otherwise. */
const struct config_port_mode *config_port_mode(const struct bridge_file *f, const char *ifname);
/* Does ifname match one of globs (fnmatch)? */
bool glob_match_any(const char (*globs)[ARG_GLOB_MAX], int n, const char *ifname);

#endif
