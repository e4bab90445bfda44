/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The bridge's control loop: ages the FDB and drops ports whose interface
 * disappeared. The data path does not depend on it: kill it and forwarding
 * goes on (learned entries then just stop ageing out of the map; the data path
 * itself ignores entries older than the ageing time).
 */
#ifndef XB_CTL_H
#define XB_CTL_H

#include <stdbool.h>

struct xb_bridge;

struct ctl_opts {
	bool detach;		/* fork into the background first */
	const char *textfile;	/* an absolute directory: keep DIR/xdpbridge_BRIDGE.prom current; or NULL */
	/* The command line that started the loop: SIGHUP re-executes it in
	 * place (same pid, --detach dropped), which adopts the pinned bridge
	 * and so re-reads its configuration without stopping forwarding.
	 * NULL: SIGHUP is ignored. */
	char *const *argv;
};

/* Run until SIGINT/SIGTERM or until the bridge is unloaded; an error return
 * means the loop never started. With opts->detach,
 * fork into the background first; the parent returns 0 once the child runs.
 * lock_fd (the command lock) is released once the pid file names the loop.
 * The loop publishes its status (metrics.h) after each FDB sweep, at most
 * once a second. */
int ctl_run(struct xb_bridge *br, const struct ctl_opts *opts, int lock_fd);
/* Forget ports whose interface disappeared. */
int ctl_watch_ports(struct xb_bridge *br);

#endif
