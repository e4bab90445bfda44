/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Metrics of one bridge for monitoring systems: collected once (counters,
 * FDB fill, the control loop's sweep costs) and written in the Prometheus
 * text exposition format, by `stats --format prometheus` and by the control
 * loop's `--textfile DIR` (node_exporter's textfile collector).
 *
 * The control loop publishes what only it knows (how long its FDB sweeps
 * take) in a status file, XB_RUN_DIR/BRIDGE.status, rewritten atomically
 * ("key value" lines); any process reads it. Above bridge.h, port.h, fdb.h;
 * below ctl.c and the CLI.
 */
#ifndef XB_METRICS_H
#define XB_METRICS_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>
#include <linux/types.h>

#include "port.h"
#include "xdpbridge.h"

struct xb_bridge;

/* Is the FDB full (the control loop decides, after each re-sync of the
 * learned counts)? An LRU never refuses a station: full means it evicts
 * learned stations to make room (their frames flood until they send again),
 * or the learned count is at the bridge's max-learned (new stations are not
 * learned, their frames still go out). */
enum ctl_fdb_full {
	CTL_FDB_ROOM = 0,
	CTL_FDB_EVICTING,	/* at --fdb-size: the LRU evicts */
	CTL_FDB_AT_LIMIT,	/* at the bridge's max-learned */
};

/* What the control loop publishes (see ageing_schedule). */
struct ctl_status {
	pid_t pid;			/* the loop that wrote it */
	__u64 sweeps;			/* FDB sweeps run, full walks included */
	__u64 full_walks;
	__u64 sweep_ns_total;
	__u64 last_sweep_ns;		/* duration of the latest sweep */
	__u32 fdb_full;			/* enum ctl_fdb_full: as of the latest re-sync */
	char textfile[PATH_MAX];	/* the --textfile it writes; "" for none */
};

struct bridge_metrics {
	char name[XB_IFNAMSIZ];
	struct xb_config cfg;
	struct xb_fdb_sync sync;
	__u32 fdb_size;		/* capacity (--fdb-size) */
	__u32 max_ports;
	__u32 learned;		/* live learned entries */
	struct port_row *ports;	/* sorted by name */
	size_t nports;
	bool ctl_up;		/* a control loop runs */
	bool ctl_valid;		/* ctl holds that loop's status */
	struct ctl_status ctl;
};

/* Read every metric of br; the control loop's status only when a loop runs
 * and wrote it. Free with metrics_free (also after a failure). 0 or -errno. */
int metrics_collect(const struct xb_bridge *br, struct bridge_metrics *m);
void metrics_free(struct bridge_metrics *m);

/* The Prometheus text format (version 0.0.4) of m: per port with labels
 * bridge and port (drops also reason), per bridge with label bridge. Pure. */
void metrics_write_prometheus(FILE *f, const struct bridge_metrics *m);
/* Write s as a label value: backslash, double quote and newline escaped. */
void prom_write_label_value(FILE *f, const char *s);

/* DIR/xdpbridge_BRIDGE.prom, the file a --textfile loop writes. */
void metrics_textfile_path(const char *dir, const char *bridge, char *buf, size_t len);
/* Write m there atomically (a temporary file renamed over it), so the
 * collector never reads half a file. 0 or -errno. */
int metrics_textfile_write(const char *dir, const struct bridge_metrics *m);

/* The control loop's status file: write (atomically), read, remove. */
int ctl_status_write(const char *bridge, const struct ctl_status *st);
/* 0, -ENOENT when there is none, -EINVAL when it does not parse. */
int ctl_status_read(const char *bridge, struct ctl_status *st);
/* Parse a status file's text (pure; ctl_status_read's core). 0 or -EINVAL. */
int ctl_status_parse(const char *text, struct ctl_status *st);
/* Remove the status file and the textfile it names (a loop that cannot
 * clean up after itself, e.g. killed by SIGKILL, leaves them to unload). */
void ctl_status_remove(const char *bridge);

#endif
