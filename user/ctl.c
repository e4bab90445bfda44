// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <net/if.h>
#include <bpf/bpf.h>
#include <linux/rtnetlink.h>

#include "ageing.h"
#include "autoport.h"
#include "bridge.h"
#include "ctl.h"
#include "events.h"
#include "fdb.h"
#include "log.h"
#include "netlink.h"
#include "metrics.h"
#include "port.h"
#include "stp_ctl.h"
#include "sys.h"
#include "tc.h"
#include "xdpbridge.skel.h"

#ifndef IFF_LOWER_UP
#define IFF_LOWER_UP 0x10000	/* linux/if.h; net/if.h lacks it and clashes with it */
#endif

static volatile sig_atomic_t ctl_stop;
static volatile sig_atomic_t ctl_reload;

static void on_signal(int sig)
{
	if (sig == SIGHUP)
		ctl_reload = 1;
	else
		ctl_stop = 1;
}

struct vanished {
	__u32 ifindexes[XB_MAX_PORTS];
	char names[XB_MAX_PORTS][XB_IFNAMSIZ];
	size_t n;
	/* ports renamed since the last tick: followed, not removed */
	__u32 renamed[XB_MAX_PORTS];
	char new_names[XB_MAX_PORTS][XB_IFNAMSIZ];
	size_t nrenamed;
};

/* A port is gone when its ifindex names no interface any more: the kernel
 * already dropped its XDP link and TC filter; forget the rest. By ifindex,
 * not by name: `ip link set dev P name Q` keeps the port (and its programs),
 * and the registry follows the new name. A different name on an ifindex
 * that lost our TC filter (every mode has one) is another interface that
 * reused the index: the port is gone too. */
static int find_vanished(__u32 ifindex, const struct xb_port_info *info, void *ctx)
{
	struct vanished *v = ctx;
	char name[IF_NAMESIZE];

	if (if_indextoname(ifindex, name)) {
		if (!strcmp(name, info->ifname))
			return 0;
		if (port_tc_prog_id((int)ifindex) && v->nrenamed < XB_MAX_PORTS) {
			v->renamed[v->nrenamed] = ifindex;
			snprintf(v->new_names[v->nrenamed], XB_IFNAMSIZ, "%s", name);
			v->nrenamed++;
			return 0;
		}
	}
	if (v->n < XB_MAX_PORTS) {
		v->ifindexes[v->n] = ifindex;
		memcpy(v->names[v->n], info->ifname, XB_IFNAMSIZ);
		v->n++;
	}
	return 0;
}

/* What the loop keeps between ticks: its event socket, the link events, the
 * auto-port patterns and each port's last carrier state. */
struct ctl_state {
	struct xb_bridge *br;
	struct events_server ev;
	struct dp_events dp;	/* the data path's FDB events, relayed to monitors */
	struct mnl_socket *nl;
	struct auto_ports ap;
	__u32 skipped[256];	/* auto-port matches that failed: not retried until they go */
	int nskipped;
	struct {
		__u32 ifindex;
		bool lower_up;
	} carrier[XB_MAX_PORTS];
	int ncarrier;
	bool scanning;		/* the start-up dump: record carrier, emit nothing */
	struct stp_ctl *stp;	/* spanning tree, while the bridge has it on */
};

static void emit_port(struct ctl_state *c, __u32 type, __u32 ifindex, const char *ifname, int error)
{
	struct xb_event ev = { .type = type, .ifindex = ifindex, .error = error };

	snprintf(ev.ifname, sizeof(ev.ifname), "%s", ifname);
	events_emit(&c->ev, c->br->name, &ev);
}

static int watch_ports(struct xb_bridge *br, struct ctl_state *c)
{
	struct vanished *v;
	int lock_fd, err = 0;

	v = calloc(1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	port_for_each(br, find_vanished, v);
	if (!v->n && !v->nrenamed)
		goto cleanup;
	/* port_remove rewrites config: not while a command changes it. */
	lock_fd = xb_lock_take();
	if (lock_fd < 0) {
		err = lock_fd;
		goto cleanup;
	}
	for (size_t i = 0; i < v->nrenamed; i++)
		if (!port_rename(br, v->renamed[i], v->new_names[i]))
			pr_info("bridge %s: port ifindex %u renamed to %s; following it", br->name,
				v->renamed[i], v->new_names[i]);
	for (size_t i = 0; i < v->n; i++) {
		pr_info("bridge %s: port %s disappeared; removed it", br->name, v->names[i]);
		port_remove(br, v->ifindexes[i]);
		if (c)
			emit_port(c, XB_EV_PORT_REMOVED, v->ifindexes[i], v->names[i], 0);
	}
	xb_lock_release(lock_fd);
cleanup:
	free(v);
	return err;
}

int ctl_watch_ports(struct xb_bridge *br)
{
	return watch_ports(br, NULL);
}

static bool skipped(const struct ctl_state *c, __u32 ifindex)
{
	for (int i = 0; i < c->nskipped; i++)
		if (c->skipped[i] == ifindex)
			return true;
	return false;
}

static void forget_link(struct ctl_state *c, __u32 ifindex)
{
	for (int i = 0; i < c->nskipped; i++)
		if (c->skipped[i] == ifindex)
			c->skipped[i--] = c->skipped[--c->nskipped];
	for (int i = 0; i < c->ncarrier; i++)
		if (c->carrier[i].ifindex == ifindex)
			c->carrier[i--] = c->carrier[--c->ncarrier];
}

/* A port lost its carrier: its learned stations go (and are counted). */
static void carrier_lost(struct ctl_state *c, const struct nl_link *link)
{
	struct xb_event ev = { .type = XB_EV_FLUSHED, .ifindex = (__u32)link->ifindex };
	int lock_fd, removed;

	lock_fd = xb_lock_take();
	if (lock_fd < 0)
		return;
	removed = port_carrier_lost(c->br, (__u32)link->ifindex);
	xb_lock_release(lock_fd);
	if (removed < 0) {
		pr_warn("bridge %s: port %s lost its carrier; cannot flush its FDB entries: %s",
			c->br->name, link->ifname, strerror(-removed));
		return;
	}
	pr_info("bridge %s: port %s lost its carrier: flushed %d learned entries", c->br->name,
		link->ifname, removed);
	ev.count = (__u32)removed;
	snprintf(ev.ifname, sizeof(ev.ifname), "%s", link->ifname);
	events_emit(&c->ev, c->br->name, &ev);
}

/* A port's carrier: an event when it changed since the last message. */
static void carrier_update(struct ctl_state *c, const struct nl_link *link)
{
	bool up = link->flags & IFF_LOWER_UP;
	int i;

	for (i = 0; i < c->ncarrier; i++)
		if (c->carrier[i].ifindex == (__u32)link->ifindex)
			break;
	if (i == c->ncarrier) {
		if (c->ncarrier == XB_MAX_PORTS)
			return;
		c->ncarrier++;
	} else if (c->carrier[i].lower_up == up) {
		return;
	} else if (!c->scanning) {
		emit_port(c, up ? XB_EV_PORT_UP : XB_EV_PORT_DOWN, (__u32)link->ifindex, link->ifname, 0);
		if (!up)
			carrier_lost(c, link);
	}
	c->carrier[i].ifindex = (__u32)link->ifindex;
	c->carrier[i].lower_up = up;
}

/* An interface matching an auto-port pattern appeared: make it a port, with
 * the same checks as `port add`. A failure is logged and remembered, and the
 * loop goes on. */
static void auto_port_add(struct ctl_state *c, const struct nl_link *seen, enum xb_xdp_mode mode)
{
	struct xb_bridge *br = c->br;
	const char *name = seen->ifname;
	struct xb_config cfg = {};
	struct nl_link link;
	int lock_fd, err;

	lock_fd = xb_lock_take();
	if (lock_fd < 0)
		return;		/* retried at the interface's next message */
	bridge_config_get(br, &cfg);
	err = ports_validate(br->name, &name, 1, cfg.flags & XB_CFG_HOST_PORT, &link);
	if (!err)
		err = port_add(br, &link, mode, 0);
	xb_lock_release(lock_fd);
	if (err == -ENODEV) {	/* gone already (a guest stopped at once): nothing to say */
		pr_debug("bridge %s: auto-port %s vanished before it could join", br->name, name);
		return;
	}
	if (err) {
		pr_warn("bridge %s: auto-port %s skipped (%s)", br->name, name, strerror(-err));
		if (c->nskipped < (int)(sizeof(c->skipped) / sizeof(c->skipped[0])))
			c->skipped[c->nskipped++] = (__u32)seen->ifindex;
		emit_port(c, XB_EV_PORT_SKIPPED, (__u32)seen->ifindex, name, err);
		return;
	}
	pr_info("bridge %s: auto-port %s added (%s mode)", br->name, name, xb_mode_name(mode));
	ports_warn_peers(&link, 1, mode);
	emit_port(c, XB_EV_PORT_ADDED, (__u32)link.ifindex, name, 0);
	carrier_update(c, &link);
}

/* The bridge's own host interface (and its peer, already a port): a pattern
 * like 'xb*' may match them, they are never auto-ports. */
static bool is_host_iface(const struct xb_bridge *br, const char *ifname)
{
	char peer[XB_IFNAMSIZ * 2];

	bridge_host_port_name(br->name, peer, sizeof(peer));
	return !strcmp(ifname, br->name) || !strcmp(ifname, peer);
}

static void on_link(int type, const struct nl_link *link, void *ctx)
{
	struct ctl_state *c = ctx;
	struct xb_port_info info;
	__u32 ifindex = (__u32)link->ifindex;
	enum xb_xdp_mode mode;

	if (type == RTM_DELLINK) {
		forget_link(c, ifindex);	/* the port itself goes in watch_ports */
		return;
	}
	if (!bpf_map_lookup_elem(c->br->info_fd, &ifindex, &info)) {
		carrier_update(c, link);
		return;
	}
	if (link->ifname[0] && !skipped(c, ifindex) && !is_host_iface(c->br, link->ifname) &&
	    autoport_match(&c->ap, link->ifname, &mode))
		auto_port_add(c, link, mode);
}

/* Every link now: auto-ports that appeared while no loop ran, carriers. */
static void links_scan(struct ctl_state *c)
{
	c->scanning = true;
	nl_link_dump(on_link, c);
	c->scanning = false;
}

/* A data-path event (learned, moved): to every monitor, ifnames theirs to fill. */
static void relay_dp_event(struct xb_event *ev, void *ctx)
{
	struct ctl_state *c = ctx;

	events_emit(&c->ev, c->br->name, ev);
}

static void ctl_state_open(struct ctl_state *c, struct xb_bridge *br)
{
	int err;

	memset(c, 0, sizeof(*c));
	c->br = br;
	c->ev.listen_fd = -1;
	err = events_listen(&c->ev, br->name);
	if (err)
		pr_warn("bridge %s: no event socket (%s): 'xdpbridge monitor' shows FDB events only",
			br->name, strerror(-err));
	/* The ring buffer's one reader, monitors or not: drained, it never
	 * fills, and a monitor started later gets fresh events. */
	err = c->ev.listen_fd >= 0 ? dp_events_open(&c->dp, br->events_fd, relay_dp_event, c) : -ENOTCONN;
	if (err && c->ev.listen_fd >= 0)
		pr_warn("bridge %s: cannot read the data path's events (%s): 'xdpbridge monitor' shows no learned or moved stations",
			br->name, strerror(-err));
	err = autoport_read(br, &c->ap);
	if (err)
		pr_warn("bridge %s: cannot read its auto-port patterns: %s", br->name, strerror(-err));
	c->nl = nl_link_events_open();
	if (!c->nl)
		pr_warn("bridge %s: cannot follow link events (%s): auto-ports and carrier events off",
			br->name, strerror(errno));
	links_scan(c);
	c->stp = stp_ctl_open(br);
}

static void ctl_state_close(struct ctl_state *c)
{
	stp_ctl_close(c->stp);
	dp_events_close(&c->dp);
	events_close(&c->ev);
	nl_link_events_close(c->nl);
	autoport_free(&c->ap);
}

/* Wait up to timeout_ms for link events or monitors, and handle them. */
static void ctl_wait(struct ctl_state *c, uint32_t timeout_ms)
{
	struct pollfd fds[EVENTS_MAX_CLIENTS + 4];
	int n = 0, first, err;

	fds[n++] = (struct pollfd){ .fd = dp_events_fd(&c->dp), .events = POLLIN };	/* -1: ignored */
	fds[n++] = (struct pollfd){ .fd = stp_ctl_fd(c->stp), .events = POLLIN };	/* BPDUs */
	if (c->nl)
		fds[n++] = (struct pollfd){ .fd = nl_link_events_fd(c->nl), .events = POLLIN };
	first = n;
	n += events_pollfds(&c->ev, fds + n, EVENTS_MAX_CLIENTS + 4 - n);
	if (poll(fds, (nfds_t)n, (int)timeout_ms) <= 0)
		return;
	if (fds[0].revents)
		dp_events_consume(&c->dp);
	if (fds[1].revents)
		stp_ctl_rx(c->stp);
	if (c->nl && fds[2].revents) {
		err = nl_link_events_read(c->nl, on_link, c);
		if (err == -ENOBUFS)	/* events were lost: look at every link */
			links_scan(c);
	}
	events_service(&c->ev, fds + first, n - first);
}

/* The host interface's MAC changed (ip link set dev BR address ...): move
 * the bridge's local entry with it. One ioctl a tick; the lock only for a
 * change. */
static void local_watch(struct xb_bridge *br, __u8 *last)
{
	__u8 mac[XB_ETH_ALEN] = { 0 };
	bool changed;
	int lock_fd, err;

	iface_mac(br->name, mac);	/* none (--no-host-port): all zero */
	if (!memcmp(mac, last, XB_ETH_ALEN))
		return;
	lock_fd = xb_lock_take();
	if (lock_fd < 0)
		return;		/* next tick */
	err = fdb_local_sync(br, &changed);
	xb_lock_release(lock_fd);
	if (err) {
		pr_warn("bridge %s: cannot update the local FDB entry of %s: %s", br->name, br->name,
			strerror(-err));
		return;
	}
	if (changed)
		pr_info("bridge %s: local FDB entry follows host interface %s", br->name, br->name);
	memcpy(last, mac, XB_ETH_ALEN);
}

/* After a sweep, at most once a second: the learning limits' counts from a
 * walk of the FDB (entries evicted or swept are in no count otherwise). The
 * re-sync also says whether the FDB is full (enum ctl_fdb_full). */
struct learn_sync {
	uint64_t sweeps_synced;
	uint64_t last_ns;
	__u32 aged;			/* entries the sweeps removed since the last re-sync */
	enum ctl_fdb_full full;
	bool evicting;			/* the LRU evicts (whatever max-learned says) */
	__s64 evicting_at;		/* learned count when it began to */
	uint64_t full_said_ns;		/* when the loop last said so */
};

#define FDB_FULL_REPEAT_NS	(60 * 1000000000ULL)	/* say it again while it lasts */

/*
 * Full, or no longer? The data path counts every learn but no eviction: its
 * total before the walk, less the walk's, less what the sweeps removed since
 * the last re-sync, is what the LRU evicted to make room. An LRU evicts before
 * it holds --fdb-size entries (other CPUs keep free entries of their own), so
 * "at --fdb-size" means "evicted while at least half full", and it lasts until
 * an eighth of the entries are gone. At max-learned is said first. One line
 * when it starts or changes (and once a minute while it lasts), one when it
 * ends; monitor gets XB_EV_LIMIT_HIT.
 */
static void fdb_full_update(struct xb_bridge *br, struct ctl_state *c, struct learn_sync *ls,
			    __s64 evicted, __s64 learned, uint64_t now)
{
	__u32 size = bridge_map_capacity(br->fdb_fd);
	enum ctl_fdb_full was = ls->full, is = CTL_FDB_ROOM;
	struct xb_event ev = { .type = XB_EV_LIMIT_HIT, .count = (__u32)learned };
	struct xb_config cfg;

	if (evicted > 0 && learned >= (__s64)size / 2) {
		if (!ls->evicting)
			ls->evicting_at = learned;
		ls->evicting = true;
	} else if (ls->evicting && learned <= ls->evicting_at - ls->evicting_at / 8) {
		ls->evicting = false;
	}
	if (!bridge_config_get(br, &cfg) && cfg.max_learned && learned >= (__s64)cfg.max_learned)
		is = CTL_FDB_AT_LIMIT;
	else if (ls->evicting)
		is = CTL_FDB_EVICTING;
	ls->full = is;
	if (is == CTL_FDB_ROOM) {
		if (was != CTL_FDB_ROOM)
			pr_info("bridge %s: FDB no longer full (%lld learned stations)", br->name,
				(long long)learned);
		return;
	}
	if (is == was && now - ls->full_said_ns < FDB_FULL_REPEAT_NS)
		return;
	ls->full_said_ns = now;
	if (is == CTL_FDB_AT_LIMIT)
		pr_warn("bridge %s: FDB full: %lld learned stations, its max-learned; new stations are not learned and frames to them flood; fix: 'xdpbridge set %s max-learned N' with a larger N (0: no limit)",
			br->name, (long long)learned, br->name);
	else
		pr_warn("bridge %s: FDB full (%lld learned, --fdb-size %u): it evicts stations to learn new ones, and frames to an evicted station flood until it sends again; fix: load it with a larger --fdb-size, or limit the port that floods ('xdpbridge port set %s PORT max-learned N')",
			br->name, (long long)learned, size, br->name);
	events_emit(&c->ev, br->name, &ev);
}

static void learn_count_resync(struct xb_bridge *br, struct ctl_state *c,
			       const struct ageing_schedule *ageing, struct learn_sync *ls)
{
	__s64 before[XB_LEARN_SLOTS], after[XB_LEARN_SLOTS];
	uint64_t now = monotonic_ns();
	int err;

	if (ageing->sweeps == ls->sweeps_synced || now - ls->last_ns < 1000000000ULL)
		return;
	ls->sweeps_synced = ageing->sweeps;
	ls->last_ns = now;
	err = fdb_learn_counts(br, before);
	if (!err)
		err = fdb_learn_count_sync(br);
	if (!err)
		err = fdb_learn_counts(br, after);
	if (err) {
		pr_debug("bridge %s: cannot re-sync the learned counts: %s", br->name, strerror(-err));
		return;
	}
	fdb_full_update(br, c, ls, before[XB_LEARN_TOTAL] - after[XB_LEARN_TOTAL] - ls->aged,
			after[XB_LEARN_TOTAL], now);
	ls->aged = 0;
}

/* Fork; the child detaches and reports readiness through a pipe. Returns 1 in
 * the parent (after the child is ready), 0 in the child, -errno on failure. */
static int daemonize(const char *bridge, int lock_fd)
{
	int pipefd[2], devnull;
	char ok = 0;
	pid_t pid;

	if (pipe(pipefd))
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid > 0) {
		close(pipefd[1]);
		if (read(pipefd[0], &ok, 1) != 1)
			ok = 0;
		close(pipefd[0]);
		return ok ? 1 : -ECHILD;
	}
	close(pipefd[0]);
	setsid();
	devnull = open("/dev/null", O_RDWR);
	if (devnull >= 0) {
		dup2(devnull, STDIN_FILENO);
		dup2(devnull, STDOUT_FILENO);
		dup2(devnull, STDERR_FILENO);
		if (devnull > STDERR_FILENO)
			close(devnull);
	}
	if (pidfile_write(bridge) == 0)
		ok = 1;
	xb_lock_release(lock_fd);
	if (write(pipefd[1], &ok, 1) != 1)
		_exit(1);
	close(pipefd[1]);
	if (!ok)
		_exit(1);
	return 0;
}

/* What the loop publishes: its status file, and with --textfile the metrics
 * for node_exporter. After a sweep (a tenth of the ageing time, 0.1 to 10 s
 * apart), at most once a second: a metrics snapshot walks the FDB. */
struct publisher {
	const char *textfile;	/* absolute directory, or NULL */
	uint64_t sweeps_published;
	uint64_t last_ns;
	bool done_once;
};

static void ctl_publish(struct xb_bridge *br, const struct ageing_schedule *ageing,
			struct publisher *pub, enum ctl_fdb_full full)
{
	struct ctl_status st = {
		.pid = getpid(),
		.fdb_full = full,
		.sweeps = ageing->sweeps,
		.full_walks = ageing->full_walks,
		.sweep_ns_total = ageing->sweep_ns_total,
		.last_sweep_ns = ageing->last_sweep_ns,
	};
	struct bridge_metrics m;
	uint64_t now = monotonic_ns();
	int err;

	if (pub->done_once && (ageing->sweeps == pub->sweeps_published ||
			       now - pub->last_ns < 1000000000ULL))
		return;
	pub->done_once = true;
	pub->sweeps_published = ageing->sweeps;
	pub->last_ns = now;
	if (pub->textfile)
		metrics_textfile_path(pub->textfile, br->name, st.textfile, sizeof(st.textfile));
	err = ctl_status_write(br->name, &st);
	if (err)
		pr_debug("bridge %s: cannot write the status file: %s", br->name, strerror(-err));
	if (!pub->textfile)
		return;
	err = metrics_collect(br, &m);
	if (!err)
		err = metrics_textfile_write(pub->textfile, &m);
	metrics_free(&m);
	if (err)
		pr_warn("bridge %s: cannot write the metrics file %s: %s", br->name, st.textfile,
			strerror(-err));
}

/* SIGHUP: run the loop's own command line again in this process. The new
 * image adopts the pinned bridge (ports and FDB stay, frames keep flowing)
 * and re-reads whatever configuration that command line names. Returns only
 * on failure. */
static void ctl_reexec(const char *name, char *const *argv)
{
	static const char deleted[] = " (deleted)";
	char exe[PATH_MAX], **args;
	ssize_t len;
	int n = 0, k = 0;

	/* The binary by its path, not /proc/self/exe: replaced by an upgrade,
	 * the path now names the new binary, as a restart would run. The
	 * bridge's lock (close-on-exec) goes with the old image; the new one
	 * takes it again in `load` (a `load` racing in between may win it and
	 * this reload then fails with its one line). */
	len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (len <= 0) {
		pr_warn("bridge %s: reload failed: cannot find my binary: %s", name, strerror(errno));
		return;
	}
	exe[len] = '\0';
	if ((size_t)len > sizeof(deleted) - 1 && !strcmp(exe + len - (sizeof(deleted) - 1), deleted))
		exe[len - (sizeof(deleted) - 1)] = '\0';
	while (argv[n])
		n++;
	args = calloc((size_t)n + 1, sizeof(*args));
	if (!args)
		return;
	for (int i = 0; i < n; i++)
		if (strcmp(argv[i], "--detach"))	/* already detached */
			args[k++] = argv[i];
	pr_info("bridge %s: reloading (SIGHUP): re-running the control loop's command line", name);
	execv(exe, args);
	pr_warn("bridge %s: reload failed: %s; the control loop goes on as it was", name,
		strerror(errno));
	free(args);
}

static bool stp_on_now(const struct xb_bridge *br)
{
	struct xb_config cfg;

	return !bridge_config_get(br, &cfg) && (cfg.flags & XB_CFG_STP);
}

int ctl_run(struct xb_bridge *br, const struct ctl_opts *opts, int lock_fd)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct xdpbridge_bpf *ager = NULL;
	sigset_t mask;
	struct ageing_schedule ageing = { 0 };
	struct ctl_state *c = NULL;
	uint32_t wait_ms, stp_ms;
	struct publisher pub = { .textfile = opts->textfile };
	struct learn_sync learn_sync = { 0 };
	__u8 local_mac[XB_ETH_ALEN] = { 0 };
	bool detach = opts->detach;
	int err;

	err = fdb_ager_open(br, &ager);
	if (err) {
		pr_err("cannot load the FDB ageing program: %s; the bridge forwards, but nothing ages out",
		       strerror(-err));
		goto cleanup;
	}
	if (detach) {
		err = daemonize(br->name, lock_fd);
		if (err) {	/* the parent (1) once the child runs, or a failure */
			err = err > 0 ? 0 : err;
			goto cleanup;
		}
		lock_fd = -1;	/* the child released it after writing the pid file */
	} else {
		err = pidfile_write(br->name);
		if (err) {
			pr_err("cannot write the pid file in %s: %s", XB_RUN_DIR, strerror(-err));
			goto cleanup;
		}
		xb_lock_release(lock_fd);
		lock_fd = -1;
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (opts->argv)
		sigaction(SIGHUP, &sa, NULL);
	else
		signal(SIGHUP, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	/* load held these back while it built the bridge: now the handlers
	 * take them (one that came meanwhile stops the loop at once). */
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_UNBLOCK, &mask, NULL);

	c = calloc(1, sizeof(*c));
	if (!c) {
		err = -ENOMEM;
		pidfile_remove(br->name, true);
		goto cleanup;
	}
	ctl_state_open(c, br);
	while (!ctl_stop) {
		if (!bridge_exists(br->name) && !bridge_bpffs_mounted()) {
			bridge_destroy_unpinned(br);
			pr_err("bpffs was unmounted from %s under bridge %s: its pins and XDP links are gone; removed its TC filters and host interface, control loop exits (load it again)",
			       XB_BPFFS, br->name);
			break;
		}
		if (!bridge_exists(br->name)) {
			pr_info("bridge %s was unloaded; control loop exits", br->name);
			break;
		}
		if (ctl_reload) {
			ctl_reload = 0;
			ctl_reexec(br->name, opts->argv);
		}
		watch_ports(br, c);
		local_watch(br, local_mac);
		wait_ms = ageing_tick(br, ager, &ageing);
		stp_ms = stp_ctl_tick(c->stp);
		if (stp_ms < wait_ms)
			wait_ms = stp_ms;
		learn_sync.aged += ageing.removed;
		learn_count_resync(br, c, &ageing, &learn_sync);
		ctl_publish(br, &ageing, &pub, learn_sync.full);
		if (ageing.removed) {
			struct xb_event ev = { .type = XB_EV_AGED, .count = ageing.removed };

			events_emit(&c->ev, br->name, &ev);
			ageing.removed = 0;
		}
		ctl_wait(c, wait_ms);	/* a signal cuts it short: that is the point */
	}
	ctl_state_close(c);
	err = 0;
	if (pidfile_running(br->name) == getpid())
		ctl_status_remove(br->name);
	pidfile_remove(br->name, true);
	if (!detach && ctl_stop && stp_on_now(br))
		pr_info("control loop stopped; bridge %s runs STP: its ports stop forwarding after max-age unless a control loop runs again ('xdpbridge load %s')",
			br->name, br->name);
	else if (!detach && ctl_stop)
		pr_info("control loop stopped; bridge %s keeps forwarding (remove it with 'xdpbridge unload %s')",
			br->name, br->name);
cleanup:
	free(c);
	xb_lock_release(lock_fd);
	xdpbridge_bpf__destroy(ager);
	return err;
}
