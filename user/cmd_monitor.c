// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * monitor [BRIDGE] [-j]: live events, like `bridge monitor fdb`.
 *
 * Three sources.
 * - The bridge's event socket (events.h): the control loop's own events
 *   (ports added, removed, down, up, auto-port skipped, ageing sweeps), those
 *   of commands (fdb flush, port add/del), and the data path's learned and
 *   moved stations, which the loop reads from the ring buffer "events" and
 *   relays. The loop is the ring's one reader: a BPF ring buffer has a single
 *   consumer position, so two monitors reading it would steal each other's
 *   events; through the loop, every monitor gets every event.
 * - Without a control loop, this process reads the ring buffer itself (and
 *   says so), until a loop appears.
 * - What the data path does not report: entries that vanish (aged one by one,
 *   deleted, flushed, evicted by the LRU) and static entries added. For those
 *   the FDB is dumped with batch lookups once per interval and compared with
 *   the last dump, a cost paid only while someone watches. An entry added and
 *   gone within one interval is seen learned, never deleted.
 * ifnames: the data path knows ifindexes; one port walk names them, redone
 * when a port comes or goes or an ifindex is unknown.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/socket.h>

#include "bridge.h"
#include "cmd.h"
#include "events.h"
#include "fdb.h"
#include "json_print.h"
#include "log.h"
#include "port.h"
#include "print.h"
#include "sys.h"

#define MONITOR_MAX_BRIDGES 64
#define MONITOR_INTERVAL_MS 1000

struct port_name {
	__u32 ifindex;
	char ifname[XB_IFNAMSIZ];
};

struct watched {
	struct xb_bridge br;
	int events_fd;		/* -1: no control loop runs */
	struct dp_events dp;	/* the ring buffer, read only while no loop runs */
	struct fdb_row *rows;	/* the last dump, sorted by key, ifnames filled */
	size_t n;
	struct port_name *names;	/* from the last port walk */
	size_t nnames;
	bool open;
};

static volatile sig_atomic_t monitor_stop;
static bool monitor_json;

static void on_signal(int sig)
{
	monitor_stop = 1;
}

static void emit(const struct xb_event *ev)
{
	output_begin(NULL, monitor_json, false);
	print_event(ev);
	output_end();
}

static int collect_name(__u32 ifindex, const struct xb_port_info *info, void *ctx)
{
	struct watched *w = ctx;
	struct port_name *more = realloc(w->names, (w->nnames + 1) * sizeof(*more));

	if (!more)
		return -ENOMEM;
	w->names = more;
	w->names[w->nnames].ifindex = ifindex;
	memcpy(w->names[w->nnames].ifname, info->ifname, XB_IFNAMSIZ);
	w->names[w->nnames++].ifname[XB_IFNAMSIZ - 1] = '\0';
	return 0;
}

static void names_refresh(struct watched *w)
{
	w->nnames = 0;
	port_for_each(&w->br, collect_name, w);
}

static const char *names_find(const struct watched *w, __u32 ifindex)
{
	for (size_t i = 0; i < w->nnames; i++)
		if (w->names[i].ifindex == ifindex)
			return w->names[i].ifname;
	return NULL;
}

/* Name ifindex into buf: a port's registered name, walking the ports again
 * when it is new, else the kernel's name, else "?". */
static void name_of(struct watched *w, __u32 ifindex, char *buf)
{
	const char *name = names_find(w, ifindex);
	char kname[IF_NAMESIZE];

	if (!name) {
		names_refresh(w);
		name = names_find(w, ifindex);
	}
	if (!name)
		name = if_indextoname(ifindex, kname) ? kname : "?";
	snprintf(buf, XB_IFNAMSIZ, "%.15s", name);
}

/* An event from the socket or the ring: fill in what the data path left
 * empty, then print it. */
static void station_emit(struct watched *w, struct xb_event *ev)
{
	ev->bridge[XB_IFNAMSIZ - 1] = ev->ifname[XB_IFNAMSIZ - 1] = ev->old_ifname[XB_IFNAMSIZ - 1] = '\0';
	if (ev->type == XB_EV_PORT_ADDED || ev->type == XB_EV_PORT_REMOVED)
		names_refresh(w);
	if (!ev->bridge[0])
		snprintf(ev->bridge, sizeof(ev->bridge), "%s", w->br.name);
	if ((ev->flags & XB_EVF_KEY) && !ev->ifname[0])
		name_of(w, ev->ifindex, ev->ifname);
	if (ev->type == XB_EV_MOVED && !ev->old_ifname[0])
		name_of(w, ev->old_ifindex, ev->old_ifname);
	emit(ev);
}

static void dp_event(struct xb_event *ev, void *ctx)
{
	station_emit(ctx, ev);
}

struct name_ctx {
	struct fdb_row *rows;
	size_t n;
};

static int name_rows(__u32 ifindex, const struct xb_port_info *info, void *ctx)
{
	struct name_ctx *c = ctx;

	for (size_t i = 0; i < c->n; i++)
		if (c->rows[i].ifindex == ifindex)
			memcpy(c->rows[i].ifname, info->ifname, XB_IFNAMSIZ);
	return 0;
}

static int key_cmp(const struct xb_fdb_key *a, const struct xb_fdb_key *b)
{
	int d = memcmp(a->mac, b->mac, XB_ETH_ALEN);

	return d ? d : (int)a->vlan - (int)b->vlan;
}

static int row_cmp(const void *a, const void *b)
{
	return key_cmp(&((const struct fdb_row *)a)->key, &((const struct fdb_row *)b)->key);
}

static void station_event(const struct watched *w, __u32 type, const struct fdb_row *r,
			  const struct fdb_row *old)
{
	struct xb_event ev = { .type = type, .ifindex = r->ifindex, .flags = XB_EVF_KEY };

	ev.key = r->key;
	if (r->is_static)
		ev.flags |= XB_EVF_STATIC;
	snprintf(ev.bridge, sizeof(ev.bridge), "%s", w->br.name);
	snprintf(ev.ifname, sizeof(ev.ifname), "%.15s", r->ifname[0] ? r->ifname : "?");
	if (old) {
		ev.old_ifindex = old->ifindex;
		snprintf(ev.old_ifname, sizeof(ev.old_ifname), "%.15s", old->ifname[0] ? old->ifname : "?");
	}
	emit(&ev);
}

/* Dump the FDB and print what the data path does not report since the last
 * dump (first: nothing): entries gone, static entries added. */
static int fdb_diff(struct watched *w, bool report)
{
	struct fdb_row *rows = NULL;
	struct xb_config cfg = {};
	size_t n = 0, i = 0, j = 0;
	__u64 now;
	int err;

	err = fdb_dump(&w->br, &rows, &n);
	if (err)
		return err;
	bridge_config_get(&w->br, &cfg);
	now = monotonic_ns();
	port_for_each(&w->br, name_rows, &(struct name_ctx){ rows, n });
	if (n)	/* qsort(NULL, 0, ...) is undefined */
		qsort(rows, n, sizeof(*rows), row_cmp);
	while (report && (i < w->n || j < n)) {
		int d = i == w->n ? 1 : j == n ? -1 : key_cmp(&w->rows[i].key, &rows[j].key);
		const struct fdb_row *old = &w->rows[i];

		if (d < 0) {	/* gone: aged when it had expired, else deleted */
			bool aged = !old->is_static && xb_older_than(now, old->last_seen_ns, cfg.ageing_ns);

			station_event(w, aged ? XB_EV_AGED : XB_EV_DELETED, old, NULL);
			i++;
		} else if (d > 0) {	/* learned ones come from the data path */
			if (rows[j].is_static)
				station_event(w, XB_EV_LEARNED, &rows[j], NULL);
			j++;
		} else {		/* moves too */
			i++;
			j++;
		}
	}
	free(w->rows);
	w->rows = rows;
	w->n = n;
	return 0;
}

static void watched_close(struct watched *w)
{
	if (!w->open)
		return;
	if (w->events_fd >= 0)
		close(w->events_fd);
	dp_events_close(&w->dp);
	bridge_close(&w->br);
	free(w->rows);
	free(w->names);
	w->open = false;
}

/* No control loop: read the ring buffer here, until one starts. Said at
 * start; a loop restarting later is no news (-v shows it), and stdout stays
 * events only for scripts that merge the two streams. */
static void dp_read_directly(struct watched *w, bool at_start)
{
	int err = dp_events_open(&w->dp, w->br.events_fd, dp_event, w);

	if (!at_start)
		pr_debug("bridge %s: its control loop went; reading the data path's events directly (%s)",
			 w->br.name, err ? strerror(-err) : "ok");
	else if (err)
		pr_warn("bridge %s has no control loop, and its data path's events cannot be read (%s): only FDB changes seen once a second are shown",
			w->br.name, strerror(-err));
	else
		pr_warn("bridge %s has no control loop: reading the data path's events directly, which one monitor at a time can do ('xdpbridge load %s' starts a loop)",
			w->br.name, w->br.name);
}

static int watched_open(struct watched *w, const char *name)
{
	int err;

	memset(w, 0, sizeof(*w));
	w->events_fd = -1;
	err = bridge_open(name, &w->br);
	if (err)
		return err;
	w->open = true;
	names_refresh(w);
	w->events_fd = events_connect(name);
	if (w->events_fd < 0)
		dp_read_directly(w, true);
	return fdb_diff(w, false);
}

/* Read one event from the control loop; false when it went away. */
static bool events_read(struct watched *w)
{
	struct xb_event ev;
	ssize_t n = recv(w->events_fd, &ev, sizeof(ev), MSG_DONTWAIT);

	if (n == (ssize_t)sizeof(ev)) {
		station_emit(w, &ev);
		return true;
	}
	return n < 0 && errno == EAGAIN;
}

static int monitor_loop(struct watched *w, int nw)
{
	struct pollfd fds[MONITOR_MAX_BRIDGES];
	int idx[MONITOR_MAX_BRIDGES], n, live, wait_ms;
	bool ring[MONITOR_MAX_BRIDGES];
	__u64 next_diff = monotonic_ns() + MONITOR_INTERVAL_MS * 1000000ULL, now;

	for (;;) {
		n = 0;
		live = 0;
		for (int i = 0; i < nw; i++) {
			if (!w[i].open)
				continue;
			if (!bridge_exists(w[i].br.name)) {
				watched_close(&w[i]);
				continue;
			}
			live++;
			if (w[i].events_fd < 0) {
				w[i].events_fd = events_connect(w[i].br.name);
				if (w[i].events_fd >= 0) {	/* a loop started: it reads the ring now */
					dp_events_consume(&w[i].dp);
					dp_events_close(&w[i].dp);
					pr_debug("bridge %s: its control loop started; events come from it", w[i].br.name);
				} else if (dp_events_fd(&w[i].dp) < 0) {	/* the loop went */
					dp_read_directly(&w[i], false);
				}
			}
			if (w[i].events_fd >= 0) {
				fds[n] = (struct pollfd){ .fd = w[i].events_fd, .events = POLLIN };
				ring[n] = false;
				idx[n++] = i;
			} else if (dp_events_fd(&w[i].dp) >= 0) {
				fds[n] = (struct pollfd){ .fd = dp_events_fd(&w[i].dp), .events = POLLIN };
				ring[n] = true;
				idx[n++] = i;
			}
		}
		if (!live || monitor_stop)
			return 0;
		now = monotonic_ns();
		wait_ms = next_diff > now ? (int)((next_diff - now) / 1000000ULL) : 0;
		if (poll(fds, (nfds_t)n, wait_ms) > 0) {
			for (int k = 0; k < n; k++) {
				if (!fds[k].revents)
					continue;
				if (ring[k]) {
					dp_events_consume(&w[idx[k]].dp);
				} else if (!events_read(&w[idx[k]])) {
					close(w[idx[k]].events_fd);
					w[idx[k]].events_fd = -1;
				}
			}
		}
		if (monotonic_ns() < next_diff)
			continue;
		next_diff = monotonic_ns() + MONITOR_INTERVAL_MS * 1000000ULL;
		for (int i = 0; i < nw; i++)
			if (w[i].open)
				fdb_diff(&w[i], true);
	}
}

int do_monitor(const struct parsed_args *a)
{
	struct sigaction sa = { .sa_handler = on_signal };
	char *names[MONITOR_MAX_BRIDGES];
	struct watched *w = NULL;
	int n, nw = 0, ret = 1;

	monitor_json = opt_json || a->given[0];
	log_json = log_json || monitor_json;
	if (cmd_preflight(false))
		return 1;
	n = cmd_bridge_names(a, names, MONITOR_MAX_BRIDGES);
	if (n < 0)
		return 1;
	if (!n) {
		pr_err("no bridge is loaded: load one first ('xdpbridge load BRIDGE PORT...')");
		return 1;
	}
	w = calloc((size_t)n, sizeof(*w));
	if (!w)
		goto cleanup;
	for (int i = 0; i < n; i++)
		if (!watched_open(&w[nw], names[i]))
			nw++;
	if (!nw)
		goto cleanup;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);
	ret = monitor_loop(w, nw) ? 1 : 0;
cleanup:
	for (int i = 0; i < nw; i++)
		watched_close(&w[i]);
	free(w);
	for (int i = 0; i < n; i++)
		free(names[i]);
	return ret;
}

const struct arg_spec monitor_opts[] = { ARG_SPEC("-j", ARG_FLAG, NULL), ARG_SPEC_END };
