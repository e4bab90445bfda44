/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The declarative bridge file, /etc/xdpbridge/BRIDGE.conf: one `key value...`
 * per line, `#` starts a comment. Each value is parsed by the same typed
 * argument parser as the command line (args.h) and the same words as the
 * run-time commands (settings.h), so the file and the CLI accept and refuse
 * exactly the same words. Pure: no system state, unit tested.
 *
 *   ports IF...            (repeatable)        auto-port GLOB   (repeatable)
 *   ageing SEC             fdb-size N          max-ports N
 *   max-learned N          (the bridge-wide learning limit)
 *   mode native|generic|tc host-port on|off
 *   vlan-filtering on|off  vlan-protocol 802.1Q|802.1ad     default-pvid VID
 *   stp on|off  priority N  hello SEC  forward-delay SEC  max-age SEC
 *   port IF KEY VALUE...   (mode, and every `port set` key; repeatable)
 *   vlan PORT VID[-VID] [pvid] [untagged]      (repeatable, `vlan add`)
 *   fdb MAC PORT [vlan VID]                    (a static entry, `fdb add`)
 */
#ifndef XB_CONFIG_H
#define XB_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#include "args.h"
#include "settings.h"
#include "xdpbridge.h"

#define XB_CONFIG_DIR		"/etc/xdpbridge"
#define XB_MAX_AGEING_SEC	1000000U
/* About 128 bytes of kernel memory per entry (the LRU hash "fdb" and its
 * ageing index "fdb_ages", measured: 2^20 entries take 134 MB): 2^22 is
 * ~540 MB, and its full walk (the ageing fallback, one non-preemptible
 * program run) stays well under a second. 2^26 was ~8.6 GB. */
#define XB_MAX_FDB_SIZE		(1U << 22)
#define XB_FDB_SIZE_UNIT	"a number of entries (~128 bytes of kernel memory each)"
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

struct config_fdb {		/* `fdb MAC PORT [vlan VID]` */
	__u8 mac[XB_ETH_ALEN];
	__u16 vlan;		/* 0: without `vlan` */
	char port[XB_IFNAMSIZ];
	int line;
};

/* A `set` key of the file (vlan-filtering, stp, priority, ...): its spec is
 * the `set` command's, v its value (v.str is not kept). */
struct config_setting {
	const struct arg_spec *spec;
	struct arg_value v;
	int line;
};
#define CONFIG_MAX_SETTINGS 16

struct config_port_set {	/* `port IF KEY VALUE...`: the `port set` pairs (mode apart) */
	char ifname[XB_IFNAMSIZ];
	char **words;		/* KEY VALUE KEY VALUE..., as written */
	int nwords;
	int line;
};

struct config_vlan {		/* `vlan PORT VID[-VID] [pvid] [untagged]` */
	char port[XB_IFNAMSIZ];
	char vids[16];		/* as written: "10", "100-199" */
	__u16 lo, hi;
	__u32 flags;		/* XB_VLANF_* */
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
	struct config_setting settings[CONFIG_MAX_SETTINGS];	/* in the file's order */
	int nsettings;
	struct config_port_set *port_sets;
	int nport_sets;
	struct config_vlan *vlans;
	int nvlans;
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
 * file's): each `fdb` and `vlan` line names a port of the bridge (a listed
 * port, or host_port: the host interface's port, NULL without one), each
 * `port IF` line a listed port or a name an auto-port glob matches (only
 * `mode` for those: the other settings of a port that joins later are not
 * kept), and no port is listed twice. 0 or -EINVAL with why set.
 */
int config_check(const char *fname, const struct bridge_file *f, const char *const *cli_ports,
		 int ncli, const char *host_port, char *why, size_t len);
/* The file's line for a `set` key (spec: settings.h's), or NULL. */
const struct config_setting *config_setting(const struct bridge_file *f, const struct arg_spec *spec);
/* The mode `port IF mode` sets for ifname; the file's (or default) otherwise. */
const struct config_port_mode *config_port_mode(const struct bridge_file *f, const char *ifname);
/* Does ifname match one of globs (fnmatch)? */
bool glob_match_any(const char (*globs)[ARG_GLOB_MAX], int n, const char *ifname);

#endif
