// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * monitor [BRIDGE] [-j]: live events, like `bridge monitor fdb`.
 *
 * Two sources. The control loop's own events (ports added, removed, down, up,
 * auto-port skipped, ageing sweeps) and those of commands (fdb flush, port
 * add/del) arrive on the bridge's event socket (events.h). FDB events
 * (learned, moved, aged, deleted) come from diffing the FDB: this process
 * dumps it with batch lookups once per interval, so the cost is paid only
 * while someone watches, and an idle bridge pays nothing. A station learned
 * and gone within one interval is not seen. The data path's own producer (a
 * ring buffer, see README "Events") would replace the diff.
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

struct watched {
	struct xb_bridge br;
	int events_fd;		/* -1: no control loop runs */
	struct fdb_row *rows;	/* the last dump, sorted by key, ifnames filled */
	size_t n;
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

/* Dump the FDB and print what changed since the last dump (first: nothing). */
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
	qsort(rows, n, sizeof(*rows), row_cmp);
	while (report && (i < w->n || j < n)) {
		int d = i == w->n ? 1 : j == n ? -1 : key_cmp(&w->rows[i].key, &rows[j].key);
		const struct fdb_row *old = &w->rows[i];

		if (d < 0) {	/* gone: aged when it had expired, else deleted */
			bool aged = !old->is_static && xb_older_than(now, old->last_seen_ns, cfg.ageing_ns);

			station_event(w, aged ? XB_EV_AGED : XB_EV_DELETED, old, NULL);
			i++;
		} else if (d > 0) {
			station_event(w, XB_EV_LEARNED, &rows[j++], NULL);
		} else {
			if (rows[j].ifindex != old->ifindex)
				station_event(w, XB_EV_MOVED, &rows[j], old);
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
	bridge_close(&w->br);
	free(w->rows);
	w->open = false;
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
	w->events_fd = events_connect(name);
	if (w->events_fd < 0)
		pr_warn("bridge %s has no control loop: only FDB events are shown ('xdpbridge load %s' starts one)",
			name, name);
	return fdb_diff(w, false);
}

/* Read one event from the control loop; false when it went away. */
static bool events_read(struct watched *w)
{
	struct xb_event ev;
	ssize_t n = recv(w->events_fd, &ev, sizeof(ev), MSG_DONTWAIT);

	if (n == (ssize_t)sizeof(ev)) {
		ev.bridge[XB_IFNAMSIZ - 1] = ev.ifname[XB_IFNAMSIZ - 1] = ev.old_ifname[XB_IFNAMSIZ - 1] = '\0';
		emit(&ev);
		return true;
	}
	return n < 0 && errno == EAGAIN;
}

static int monitor_loop(struct watched *w, int nw)
{
	struct pollfd fds[MONITOR_MAX_BRIDGES];
	int idx[MONITOR_MAX_BRIDGES], n, live, wait_ms;
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
			if (w[i].events_fd < 0)
				w[i].events_fd = events_connect(w[i].br.name);	/* a loop started */
			if (w[i].events_fd >= 0) {
				fds[n] = (struct pollfd){ .fd = w[i].events_fd, .events = POLLIN };
				idx[n++] = i;
			}
		}
		if (!live || monitor_stop)
			return 0;
		now = monotonic_ns();
		wait_ms = next_diff > now ? (int)((next_diff - now) / 1000000ULL) : 0;
		if (poll(fds, (nfds_t)n, wait_ms) > 0) {
			for (int k = 0; k < n; k++) {
				if (fds[k].revents && !events_read(&w[idx[k]])) {
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

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int do_monitor(const struct parsed_args *a)
{
	struct sigaction sa = { .sa_handler = on_signal };
	char *names[MONITOR_MAX_BRIDGES];
	struct watched *w = NULL;
	int n = 0, nw = 0, ret = 1;
	struct dirent *de;
	DIR *dir;

	monitor_json = opt_json || a->given[0];
	log_json = log_json || monitor_json;
	if (cmd_preflight(false))
		return 1;
	if (a->npos == 1) {
		if (!bridge_exists(a->pos[0].str)) {
			pr_err("bridge %s is not loaded: see 'xdpbridge show'", a->pos[0].str);
			return 1;
		}
		names[n++] = strdup(a->pos[0].str);
	} else if ((dir = opendir(XB_PIN_ROOT))) {
		while ((de = readdir(dir)) && n < MONITOR_MAX_BRIDGES)
			if (de->d_name[0] != '.')
				names[n++] = strdup(de->d_name);
		closedir(dir);
	}
	if (!n) {
		pr_err("no bridge is loaded: load one first ('xdpbridge load BRIDGE PORT...')");
		return 1;
	}
	qsort(names, (size_t)n, sizeof(names[0]), name_cmp);
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
