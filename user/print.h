/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* What each command prints: one call per field serves text and JSON
 * (json_print.h is the writer underneath). */
#ifndef XB_PRINT_H
#define XB_PRINT_H

#include <stddef.h>
#include <sys/types.h>
#include <linux/types.h>

#include "fdb.h"
#include "port.h"
#include "rates.h"
#include "xdpbridge.h"

/* What `show` prints for one bridge. */
struct bridge_summary {
	char name[XB_IFNAMSIZ];
	struct xb_config cfg;
	struct xb_fdb_sync sync;
	__u32 fdb_size;
	__u32 max_ports;
	__u32 learned;
	pid_t control_pid;		/* 0: no control loop runs */
	__u32 fdb_full;			/* enum ctl_fdb_full, as that loop last saw it */
	struct port_row *ports;
	size_t nports;
};

/* `fdb show`: "MAC dev PORT [vlan VID] master BRIDGE permanent|static|learned [age SEC]". */
void print_fdb(const char *bridge, const struct fdb_row *rows, size_t n, __u64 now_ns);
void print_bridge(const struct bridge_summary *b);
void print_stats(const char *bridge, const struct port_row *ports, size_t n);
/* One port's settings as `port show` prints them. */
struct port_conf_row {
	__u32 ifindex;
	struct xb_port_info info;
	struct xb_port_conf conf;
};

/* `port show`: "port IFNAME slot N mode M state S isolated on|off learning
 * on|off flood ... max_learned N", iproute2's words (`bridge -d link`);
 * JSON booleans for the switches. */
void print_port_conf(const char *bridge, const struct port_conf_row *rows, size_t n);
/* `monitor`: one event, one line (text like `bridge monitor fdb`, or one JSON
 * object). ev->bridge names the bridge, ifname fields are filled. */
void print_event(const struct xb_event *ev);
/* One interval of `top`: a table (text) or one object (JSON) of per-second
 * rates, rounded to whole frames and bits. */
void print_top(const char *bridge, __u64 interval_ns, const struct port_rates *r, size_t n);
/* "950", "12.3k", "4.56M", "1.20G": for bits per second in text. */
void format_si(double v, char *buf, size_t len);

#endif
