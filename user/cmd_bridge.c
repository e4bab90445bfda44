// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The bridge's own commands: load, unload, show, set, stats. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <net/if.h>

#include "autoport.h"
#include "bridge.h"
#include "cmd.h"
#include "config.h"
#include "ctl.h"
#include "fdb.h"
#include "json_print.h"
#include "kdrop.h"
#include "log.h"
#include "metrics.h"
#include "port.h"
#include "print.h"
#include "settings.h"
#include "stp_conf.h"
#include "sys.h"
#include "vlan.h"

#define MAX_FDB_SIZE XB_MAX_FDB_SIZE
#define MAX_AGEING_SEC XB_MAX_AGEING_SEC

/* What `load` was asked for, parsed and checked once: the command line over
 * the bridge file (--config), see load_request_make. */
struct load_request {
	const char *name;
	const char **ports;	/* the file's, then the command line's */
	int nports;
	struct xb_create_opts create;
	enum xb_xdp_mode mode;	/* XB_MODE_AUTO: each port its type's default */
	bool detach;
	const char *textfile;	/* --textfile DIR made absolute (textfile_dir), or NULL */
	char textfile_dir[PATH_MAX];
	bool ageing_given, fdb_size_given, max_ports_given, max_learned_given;
	bool stp;		/* --stp or `stp on`: spanning tree on, before any port joins */
	bool stp_off;		/* `stp off` (an adopted bridge turns it off) */
	bool vlan_filtering_off;	/* `vlan-filtering off` (likewise) */
	char host_port[XB_IFNAMSIZ * 2];	/* its port's name; "" without one */
	const char *config_path;	/* NULL: no --config */
	struct bridge_file file;	/* empty without --config; globs: the file's and --auto-port's */
};

/* The mode of port ifname: `port IF mode` in the file, else the bridge's. */
static enum xb_xdp_mode port_mode(const struct load_request *req, const char *ifname)
{
	const struct config_port_mode *pm = config_port_mode(&req->file, ifname);

	return pm ? pm->mode : req->mode;
}

static int file_settings_apply(const struct load_request *req, struct xb_bridge *br);

/* The words of a file line as a command's positionals (BRIDGE WORDS...),
 * run by that command's own function: the file applies nothing its own way. */
#define FILE_LINE_WORDS 64
static int file_line_run(struct xb_bridge *br, int (*fn)(struct xb_bridge *, const struct parsed_args *),
			 const char *const *words, int n)
{
	struct arg_value pos[FILE_LINE_WORDS + 1] = {};
	struct parsed_args a = { .pos = pos, .npos = n + 1 };

	if (n > FILE_LINE_WORDS)
		return -E2BIG;
	pos[0].str = br->name;
	for (int i = 0; i < n; i++)
		pos[i + 1].str = words[i];
	return fn(br, &a);
}

/* `fdb MAC PORT [vlan VID]` as `fdb add` runs it. */
static int file_fdb_run(struct xb_bridge *br, const struct config_fdb *e)
{
	struct arg_value pos[5] = {};
	struct parsed_args a = { .pos = pos, .npos = e->vlan ? 5 : 3 };
	char mac[18];

	snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", e->mac[0], e->mac[1], e->mac[2],
		 e->mac[3], e->mac[4], e->mac[5]);
	pos[0].str = br->name;
	pos[1].str = mac;
	memcpy(pos[1].mac, e->mac, sizeof(pos[1].mac));
	pos[2].str = e->port;
	pos[3].str = "vlan";
	pos[4].u32 = e->vlan;
	return fdb_add_locked(br, &a);
}

/*
 * After the ports: the file's per-port settings (`port IF KEY VALUE`, as
 * `port set`), VLAN membership (`vlan`, as `vlan add`: after the ports, which
 * joined with the default PVID), static entries (`fdb`, as `fdb add`), then
 * the auto-port patterns and per-port modes the control loop (and its
 * successors) will use. A failure rolls the load back (the caller).
 */
static int load_finish(const struct load_request *req, struct xb_bridge *br)
{
	const struct bridge_file *f = &req->file;
	bool changed;
	int err;

	/* The host interface's MAC as a local entry (or where it moved to
	 * while no loop ran) before the file's static entries, which must not
	 * take it. */
	err = fdb_local_sync(br, &changed);
	if (err)
		pr_err("cannot install the local FDB entry of host interface %s: %s", br->name,
		       strerror(-err));

	for (int i = 0; i < f->nport_sets && !err; i++) {
		const char *words[FILE_LINE_WORDS];
		const struct config_port_set *ps = &f->port_sets[i];

		words[0] = ps->ifname;
		for (int w = 0; w < ps->nwords && w + 1 < FILE_LINE_WORDS; w++)
			words[w + 1] = ps->words[w];
		err = file_line_run(br, port_set_locked, words, ps->nwords + 1);
	}
	for (int i = 0; i < f->nvlans && !err; i++) {
		const struct config_vlan *v = &f->vlans[i];
		const char *words[4] = { v->port, v->vids };
		int n = 2;

		if (v->flags & XB_VLANF_PVID)
			words[n++] = "pvid";
		if (v->flags & XB_VLANF_UNTAGGED)
			words[n++] = "untagged";
		err = file_line_run(br, vlan_add_locked, words, n);
	}
	for (int i = 0; i < f->nfdb && !err; i++)
		err = file_fdb_run(br, &f->fdb[i]);
	for (int i = 0; i < f->nglobs && !err; i++) {
		err = autoport_put(br, AUTO_GLOB, f->globs[i], req->mode);
		if (err)
			pr_err("cannot keep auto-port pattern '%s' in %s/%s: %s%s", f->globs[i], br->pin_dir,
			       AUTO_PORTS_MAP, strerror(-err),
			       err == -E2BIG ? " (at most 16 patterns per bridge)" : "");
	}
	for (int i = 0; i < f->nport_modes && !err; i++) {
		err = autoport_put(br, AUTO_PORT_MODE, f->port_modes[i].ifname, f->port_modes[i].mode);
		if (err)
			pr_err("cannot keep the mode of port %s in %s/%s: %s", f->port_modes[i].ifname,
			       br->pin_dir, AUTO_PORTS_MAP, strerror(-err));
	}
	return err;
}

static int load_fresh(const struct load_request *req, struct xb_bridge *br)
{
	const char *name = req->name;
	const struct xb_create_opts *copts = &req->create;
	const char *const *port_names = req->ports;
	int nports = req->nports;
	char host_port_name[XB_IFNAMSIZ * 2];
	struct nl_link *links, host;
	int err;

	links = calloc((size_t)nports + 1, sizeof(*links));
	if (!links)
		return -ENOMEM;
	err = ports_validate(name, port_names, nports, copts->host_port, links);
	if (err)
		goto cleanup;
	if (copts->host_port && if_nametoindex(name)) {
		pr_err("an interface named %s already exists: choose another bridge name, or load with --no-host-port",
		       name);
		err = -EEXIST;
		goto cleanup;
	}
	bridge_host_port_name(name, host_port_name, sizeof(host_port_name));
	if (copts->host_port && if_nametoindex(host_port_name)) {
		pr_err("an interface named %s already exists: choose another bridge name, or load with --no-host-port",
		       host_port_name);
		err = -EEXIST;
		goto cleanup;
	}

	/* From here on, any failure removes everything. */
	err = bridge_create(name, copts, br);
	if (err)
		goto rollback;
	bridge_kdrop_attach(br);	/* counts kernel drops; warns if it cannot */
	/* Before the ports: each joins blocked, none forwards a loop. */
	if (req->stp && (err = stp_enable_set(br, true))) {
		pr_err("cannot turn STP on for bridge %s: %s", name, strerror(-err));
		goto rollback;
	}
	/* The file's bridge-wide settings before any port joins (default-pvid
	 * is what a joining port gets). */
	err = file_settings_apply(req, br);
	if (err)
		goto rollback;
	if (copts->host_port) {
		err = bridge_host_iface_create(name);
		if (!err)
			xb_fault_point("host");
		if (!err)
			err = port_validate(host_port_name, &host);
		/* Native whatever the other ports' mode: the loader set its peer up
		 * for XDP (GRO on, TX checksum and VLAN offload off), and a tc
		 * host port would send every flood of a native bridge to the skb
		 * path (XB_CFG_SKB_PORTS). */
		if (!err)
			err = port_add(br, &host, XB_MODE_NATIVE, XB_PORT_HOST);
		if (err)
			goto rollback;
	}
	for (int i = 0; i < nports; i++) {
		err = port_add(br, &links[i], port_mode(req, links[i].ifname), 0);
		if (err)
			goto rollback;
		if (i == 0)
			xb_fault_point("attach");
	}
	err = load_finish(req, br);
	if (err)
		goto rollback;
	for (int i = 0; i < nports; i++)
		ports_warn_peers(&links[i], 1, port_mode(req, links[i].ifname));
	goto cleanup;
rollback:
	bridge_close(br);
	bridge_destroy(name);
cleanup:
	free(links);
	return err;
}

static int load_adopt(const struct load_request *req, struct xb_bridge *br)
{
	const char *name = req->name;
	int nfresh = 0, added = 0, err;
	struct nl_link *links = NULL;
	const char **fresh = NULL;
	struct xb_config cfg;
	__u32 ifindex, cap;

	/* No loop runs: do_load holds the bridge's lock. */
	err = bridge_open(name, br);
	if (err)
		return err;
	bridge_kdrop_attach(br);	/* re-attach: a bridge from before kdrop gains it */
	links = calloc((size_t)req->nports + 1, sizeof(*links));
	fresh = calloc((size_t)req->nports + 1, sizeof(*fresh));
	if (!links || !fresh) {
		err = -ENOMEM;
		goto fail;
	}
	for (int i = 0; i < req->nports; i++)
		if (port_lookup_by_name(br, req->ports[i], &ifindex))
			fresh[nfresh++] = req->ports[i];
	err = bridge_config_get(br, &cfg);
	if (!err)
		err = ports_validate(name, fresh, nfresh, cfg.flags & XB_CFG_HOST_PORT, links);
	if (err)
		goto fail;
	cap = bridge_map_capacity(br->fdb_fd);
	if (req->fdb_size_given && cap && cap != req->create.fdb_size)
		pr_warn("--fdb-size ignored: bridge %s keeps its FDB of %u entries (unload it to change the size)",
			name, cap);
	cap = bridge_map_capacity(br->info_fd);
	if (req->max_ports_given && cap && cap != req->create.max_ports)
		pr_warn("--max-ports ignored: bridge %s keeps room for %u ports (unload it to change that)",
			name, cap);
	if ((req->stp || req->stp_off) && (err = stp_enable_set(br, req->stp))) {
		pr_err("cannot turn STP %s for bridge %s: %s", req->stp ? "on" : "off", name, strerror(-err));
		goto fail;
	}
	err = file_settings_apply(req, br);
	if (err)
		goto fail;
	for (added = 0; added < nfresh; added++) {
		err = port_add(br, &links[added], port_mode(req, links[added].ifname), 0);
		if (err)
			goto fail;
	}
	err = load_finish(req, br);
	if (err)
		goto fail;
	/* Not the config read above: port_add has changed it since. */
	if (req->ageing_given) {
		err = bridge_ageing_set(br, req->create.ageing_sec);
		if (err)
			goto fail;
	}
	if (req->max_learned_given) {
		err = bridge_config_get(br, &cfg);	/* port_add and load_finish wrote it */
		cfg.max_learned = req->create.max_learned;
		if (!err)
			err = bridge_config_set(br, &cfg);
		if (err)
			goto fail;
	}
	/* --vlan-filtering (or the file) turns it on, `vlan-filtering off` off;
	 * without either, the bridge keeps its setting. */
	if (req->create.vlan_filtering || req->vlan_filtering_off) {
		err = vlan_set_filtering(br, req->create.vlan_filtering);
		if (err)
			goto fail;
	}
	fdb_learn_count_sync(br);	/* whatever changed while no loop ran */
	ports_warn_peers(links, nfresh, req->mode);
	pr_info("adopted bridge %s: pinned FDB and ports kept", name);
	goto cleanup;
fail:
	/* Undo only what this command added. */
	while (added-- > 0)
		port_remove(br, (__u32)links[added].ifindex);
	bridge_close(br);
cleanup:
	free(links);
	free(fresh);
	return err;
}


enum load_opt {
	OPT_AGEING, OPT_FDB_SIZE, OPT_MODE, OPT_MAX_PORTS, OPT_NO_HOST_PORT, OPT_DETACH,
	OPT_CONFIG, OPT_AUTO_PORT, OPT_TEXTFILE, OPT_VLAN_FILTERING, OPT_STP, OPT_MAX_LEARNED,
};

const struct arg_spec load_opts[] = {
	[OPT_AGEING] = ARG_SPEC_U32("--ageing", "SEC", 1, MAX_AGEING_SEC, "seconds"),
	[OPT_FDB_SIZE] = ARG_SPEC_U32("--fdb-size", "N", 1, MAX_FDB_SIZE, XB_FDB_SIZE_UNIT),
	[OPT_MODE] = OPT_SPEC_MODE,
	[OPT_MAX_PORTS] = ARG_SPEC_U32("--max-ports", "N", 2, XB_MAX_PORTS, "a number of ports"),
	[OPT_NO_HOST_PORT] = ARG_SPEC("--no-host-port", ARG_FLAG, NULL),
	[OPT_DETACH] = ARG_SPEC("--detach", ARG_FLAG, NULL),
	[OPT_CONFIG] = ARG_SPEC("--config", ARG_PATH, "FILE"),
	[OPT_AUTO_PORT] = { .name = "--auto-port", .type = ARG_GLOB, .metavar = "GLOB", .repeat = true },
	[OPT_TEXTFILE] = ARG_SPEC("--textfile", ARG_PATH, "DIR"),
	[OPT_VLAN_FILTERING] = ARG_SPEC("--vlan-filtering", ARG_FLAG, NULL),
	[OPT_STP] = ARG_SPEC("--stp", ARG_FLAG, NULL),
	[OPT_MAX_LEARNED] = ARG_SPEC_U32("--max-learned", "N", 0, UINT32_MAX,
					 "a number of stations (0: no limit)"),	/* spec_max_learned's */
	ARG_SPEC_END,
};
const struct arg_spec *const load_pos[] = { &arg_bridge, &arg_port, NULL };
const struct arg_spec *const bridge_pos[] = { &arg_bridge, NULL };
/* `set BRIDGE KEY VALUE...`: the words after the bridge, typed by set_keys.
 * The usage line lists the keys (bash completion offers them from it). */
static const struct arg_spec arg_set_word =
	ARG_SPEC("KEY VALUE", ARG_PATH, "ageing|stp|priority|hello|forward-delay|max-age VALUE");
const struct arg_spec *const set_pos[] = { &arg_bridge, &arg_set_word, NULL };

static int usage_err(const char *why)
{
	pr_err("%s", why);
	return -EINVAL;
}

/*
 * load's arguments as a request; prints the usage error. With --config FILE,
 * the file gives the defaults and the command line adds to them and
 * overrides them: its PORTs and --auto-port patterns join the file's (a port
 * in both is a mistake), its --ageing, --fdb-size, --max-ports, --max-learned,
 * --mode, --stp, --vlan-filtering and --no-host-port win over the file's keys.
 */
static int load_request_make(const struct parsed_args *a, struct load_request *req)
{
	struct bridge_file *f = &req->file;
	const char **cli_ports = NULL;
	char why[CONFIG_WHY_LEN];
	int ncli = a->npos - 1, err;

	*req = (struct load_request){ .name = a->pos[0].str, .detach = a->given[OPT_DETACH],
				      .stp = a->given[OPT_STP] };
	if (a->given[OPT_CONFIG]) {
		req->config_path = a->opt[OPT_CONFIG].str;
		err = config_read(req->config_path, f, why, sizeof(why));
		if (err) {
			pr_err("%s", why);
			return err;	/* -EINVAL: the file is wrong (exit 2); else unreadable (1) */
		}
	} else {
		f->host_port = true;
	}
	/* The command line over the file, the file over the defaults. */
	req->create = (struct xb_create_opts){
		.ageing_sec = a->given[OPT_AGEING] ? a->opt[OPT_AGEING].u32 :
			      f->ageing_line ? f->ageing_sec : XB_DEFAULT_AGEING_SEC,
		.fdb_size = a->given[OPT_FDB_SIZE] ? a->opt[OPT_FDB_SIZE].u32 :
			    f->fdb_size_line ? f->fdb_size : XB_DEFAULT_FDB_SIZE,
		.max_ports = a->given[OPT_MAX_PORTS] ? a->opt[OPT_MAX_PORTS].u32 :
			     f->max_ports_line ? f->max_ports : XB_DEFAULT_MAX_PORTS,
		.host_port = !a->given[OPT_NO_HOST_PORT] && f->host_port,
		.vlan_filtering = a->given[OPT_VLAN_FILTERING],
	};
	req->mode = a->given[OPT_MODE] ? a->opt[OPT_MODE].mode : f->mode_line ? f->mode : XB_MODE_AUTO;
	/* --stp and --vlan-filtering win over the file's `stp`, `vlan-filtering`. */
	const struct config_setting *stp = config_setting(f, &spec_stp);
	const struct config_setting *vf = config_setting(f, &spec_vlan_filtering);

	req->stp |= stp && stp->v.on;
	req->stp_off = stp && !stp->v.on && !req->stp;
	req->create.vlan_filtering |= vf && vf->v.on;
	req->vlan_filtering_off = vf && !vf->v.on && !req->create.vlan_filtering;
	if (req->create.host_port)
		bridge_host_port_name(req->name, req->host_port, sizeof(req->host_port));
	req->ageing_given = a->given[OPT_AGEING] || f->ageing_line;
	req->fdb_size_given = a->given[OPT_FDB_SIZE] || f->fdb_size_line;
	req->max_ports_given = a->given[OPT_MAX_PORTS] || f->max_ports_line;
	req->max_learned_given = a->given[OPT_MAX_LEARNED] || f->max_learned_line;
	req->create.max_learned = a->given[OPT_MAX_LEARNED] ? a->opt[OPT_MAX_LEARNED].u32 :
				  f->max_learned_line ? f->max_learned : 0;
	for (int i = 0; i < a->nrep[OPT_AUTO_PORT]; i++) {
		const char *g = a->rep[OPT_AUTO_PORT][i].str;
		bool dup = false;

		for (int j = 0; j < f->nglobs; j++)
			dup |= !strcmp(f->globs[j], g);
		if (dup)
			continue;
		if (f->nglobs == XB_MAX_AUTO_PORTS) {
			pr_err("at most %d --auto-port patterns per bridge", XB_MAX_AUTO_PORTS);
			return -EINVAL;
		}
		snprintf(f->globs[f->nglobs++], ARG_GLOB_MAX, "%s", g);
	}
	cli_ports = calloc((size_t)ncli + 1, sizeof(*cli_ports));
	req->ports = calloc((size_t)(f->nports + ncli) + 1, sizeof(*req->ports));
	if (!cli_ports || !req->ports) {
		free(cli_ports);
		return -ENOMEM;
	}
	for (int i = 0; i < ncli; i++)
		cli_ports[i] = a->pos[i + 1].str;
	if (req->config_path && config_check(req->config_path, f, cli_ports, ncli,
						      req->host_port[0] ? req->host_port : NULL, why, sizeof(why))) {
		free(cli_ports);
		return usage_err(why);
	}
	for (int i = 0; i < f->nports; i++)
		req->ports[req->nports++] = f->ports[i];
	for (int i = 0; i < ncli; i++)
		req->ports[req->nports++] = cli_ports[i];
	free(cli_ports);
	if (req->nports + req->create.host_port > (int)req->create.max_ports) {
		pr_err("%d ports do not fit --max-ports %u: raise --max-ports",
		       req->nports + req->create.host_port, req->create.max_ports);
		return -EINVAL;
	}
	/* Before anything changes; absolute, as the loop may outlive the cwd. */
	req->textfile = a->given[OPT_TEXTFILE] ? a->opt[OPT_TEXTFILE].str : NULL;
	if (req->textfile) {
		if (!realpath(req->textfile, req->textfile_dir)) {
			pr_err("--textfile %s: %s: give an existing directory (node_exporter's is often /var/lib/prometheus/node-exporter)",
			       req->textfile, strerror(errno));
			return -ENOENT;
		}
		req->textfile = req->textfile_dir;
	}
	return 0;
}

static sigset_t load_signals;

/*
 * A signal that stops a load (SIGINT, SIGTERM, SIGHUP) arriving while a
 * fresh bridge is built is held back (sigprocmask) until it is whole, then
 * the bridge is rolled back: Ctrl-C during load means "do not load it", and
 * nothing is left. During an adopt the bridge was whole before: the adopt
 * finishes, and the signal then reaches the control loop, which stops at
 * once (the bridge keeps forwarding, as after any stopped loop).
 */
static bool load_interrupted(const char *name)
{
	sigset_t pending;

	if (sigpending(&pending))
		return false;
	for (int sig = 1; sig < NSIG; sig++) {
		if (sigismember(&load_signals, sig) && sigismember(&pending, sig)) {
			pr_err("load of bridge %s interrupted (%s): rolled back, nothing left",
			       name, strsignal(sig));
			return true;
		}
	}
	return false;
}

/*
 * A SIGKILLed load cannot roll back itself: a child process, the janitor,
 * waits on a pipe while the fresh bridge is built. The load writes one byte
 * once the bridge is whole (or rolled back); if the load dies first, the
 * pipe closes empty and the janitor removes whatever was made (pins, XDP
 * links, TC filters, host interface: each is recorded in the pins before it
 * is made, so bridge_destroy finds them). It inherits both locks, so no
 * other command sees the bridge half-made. Returns the pipe's write end or
 * -1 (no janitor: a kill then leaves what 'xdpbridge unload' removes).
 */
static int janitor_start(const char *name)
{
	int pipefd[2];
	char ok;
	pid_t pid;

	if (pipe2(pipefd, O_CLOEXEC))
		return -1;
	pid = fork();
	if (pid < 0) {
		close(pipefd[0]);
		close(pipefd[1]);
		return -1;
	}
	if (pid > 0) {
		close(pipefd[0]);
		return pipefd[1];
	}
	/* Ctrl-C reaches the whole process group: the janitor outlives it. */
	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	close(pipefd[1]);
	if (read(pipefd[0], &ok, 1) != 1 && bridge_exists(name)) {
		bridge_destroy(name);
		pr_err("load of bridge %s was killed before the bridge was whole: removed what it had made",
		       name);
	}
	_exit(0);
}

static void janitor_release(int fd)
{
	char ok = 1;

	if (fd < 0)
		return;
	if (write(fd, &ok, 1) != 1)
		pr_debug("cannot release the load's janitor: %s", strerror(errno));
	close(fd);
}

/* Why the bridge's lock could not be taken, and what to do. */
static void bridge_lock_error(const char *name, int err)
{
	pid_t pid = pidfile_running(name);

	if (err == -EWOULDBLOCK && bridge_exists(name))
		pr_err("bridge %s is already loaded and its control loop runs (pid %d): use 'xdpbridge port add %s PORT', or 'xdpbridge unload %s'",
		       name, (int)pid, name, name);
	else if (err == -EWOULDBLOCK)
		pr_err("bridge %s is being loaded by another xdpbridge (pid %d): wait for it, or run 'xdpbridge unload %s'",
		       name, (int)pid, name);
	else
		pr_err("cannot lock %s/%s.lock: %s%s", XB_RUN_DIR, name, strerror(-err),
		       err == -ELOOP ? " (a symlink: remove it)" : "");
}

int do_load(const struct parsed_args *a)
{
	struct load_request req;
	struct xb_bridge br;
	int lock_fd, bridge_lock_fd, janitor_fd, err, ret = 1;
	bool fresh;

	sigemptyset(&load_signals);
	sigaddset(&load_signals, SIGINT);
	sigaddset(&load_signals, SIGTERM);
	sigaddset(&load_signals, SIGHUP);
	err = load_request_make(a, &req);
	if (err) {
		ret = err == -EINVAL ? EXIT_USAGE : 1;
		goto cleanup;
	}
	if (cmd_preflight(true))
		goto cleanup;
	lock_fd = xb_lock_take();
	if (lock_fd < 0)
		goto cleanup;
	/* Held from here to the end of the control loop: one loop per bridge. */
	bridge_lock_fd = bridge_lock_take(req.name);
	if (bridge_lock_fd < 0) {
		bridge_lock_error(req.name, bridge_lock_fd);
		xb_lock_release(lock_fd);
		goto cleanup;
	}
	fresh = !bridge_exists(req.name);
	/* Ctrl-C (SIGINT), SIGTERM, SIGHUP wait until the bridge is whole or
	 * rolled back: see load_interrupted. ctl_run unblocks them. */
	sigprocmask(SIG_BLOCK, &load_signals, NULL);
	janitor_fd = fresh ? janitor_start(req.name) : -1;
	if (fresh)
		err = load_fresh(&req, &br);
	else
		err = load_adopt(&req, &br);
	if (!err && fresh && load_interrupted(req.name)) {
		bridge_close(&br);
		bridge_destroy(req.name);
		err = -EINTR;
	}
	janitor_release(janitor_fd);
	if (err) {
		xb_lock_release(bridge_lock_fd);
		xb_lock_release(lock_fd);
		goto cleanup;
	}
	xb_fault_point("loop");
	/* Ready: the loop takes over the bridge's lock (a detached loop
	 * inherits it); the command lock goes once the pid file names it. */
	pr_info("bridge %s forwarding; control loop %s", req.name,
		req.detach ? "detached" : "running (Ctrl-C stops it, forwarding continues)");
	err = ctl_run(&br, &(struct ctl_opts){ .detach = req.detach, .textfile = req.textfile,
					       .argv = cmd_argv },
		      lock_fd);
	bridge_close(&br);
	if (err && fresh) {
		/* The control loop never started (ctl_run fails only before its
		 * loop): a bridge this command created must not stay behind. */
		lock_fd = xb_lock_take();
		bridge_destroy(req.name);
		xb_lock_release(lock_fd);
	}
	xb_lock_release(bridge_lock_fd);
	ret = err ? 1 : 0;
cleanup:
	free(req.ports);
	config_free(&req.file);
	return ret;
}

/* Stop the process holding the bridge's lock (its control loop), if any:
 * SIGTERM, then SIGKILL. Never a process that merely has the pid the pid
 * file names: that pid may have been reused. */
static void control_loop_stop(const char *name)
{
	pid_t pid = pidfile_running(name);
	struct timespec tick = { .tv_nsec = 5 * 1000000L };
	int i;

	if (pid <= 0)
		return;
	kill(pid, SIGTERM);
	/* An exited loop (even unreaped) holds no lock. */
	for (i = 0; i < 100 && pidfile_running(name) == pid; i++)
		nanosleep(&tick, NULL);
	if (pidfile_running(name) != pid)
		return;
	kill(pid, SIGKILL);
	for (i = 0; i < 100 && pidfile_running(name) == pid; i++)
		nanosleep(&tick, NULL);
}

int do_unload(const struct parsed_args *a)
{
	const char *name = a->pos[0].str;
	int lock_fd, err;

	if (cmd_preflight(false))
		return 1;
	lock_fd = xb_lock_take();
	if (lock_fd < 0)
		return 1;
	if (!bridge_exists(name)) {
		pr_err("bridge %s is not loaded: see 'xdpbridge show'", name);
		xb_lock_release(lock_fd);
		return 1;
	}
	control_loop_stop(name);
	ctl_status_remove(name);	/* what a SIGKILLed loop left */
	pidfile_remove(name, false);	/* stale after a SIGKILLed loop */
	if (!pidfile_running(name))
		bridge_lock_remove(name);
	err = bridge_destroy(name);
	xb_lock_release(lock_fd);
	return err ? 1 : 0;
}

/* Cost independent of the FDB's size but for the learned count: one batch
 * walk (fdb_count_learned), no rows kept, no per-entry syscall. */
static int bridge_summarize(const char *name, struct bridge_summary *b)
{
	struct xb_bridge br;
	int err;

	memset(b, 0, sizeof(*b));
	snprintf(b->name, sizeof(b->name), "%s", name);
	err = bridge_open(name, &br);
	if (err)
		return err;
	err = bridge_config_get(&br, &b->cfg);
	b->sync = bridge_sync_read(&br);
	b->fdb_size = bridge_map_capacity(br.fdb_fd);
	b->max_ports = bridge_map_capacity(br.info_fd);
	if (!err)
		err = fdb_count_learned(&br, &b->learned);
	if (!err)
		err = port_rows_read(&br, &b->ports, &b->nports);
	b->control_pid = pidfile_running(name);
	if (b->control_pid) {
		struct ctl_status st;

		if (!ctl_status_read(name, &st) && st.pid == b->control_pid)
			b->fdb_full = st.fdb_full;
	}
	bridge_close(&br);
	return err;
}

int do_show(const struct parsed_args *a)
{
	char *names[256];
	int n, ret = 0;

	if (cmd_preflight(false))
		return 1;
	n = cmd_bridge_names(a, names, 256);
	if (n < 0)
		return 1;

	output_begin(NULL, opt_json, opt_pretty);
	open_json_array(NULL);
	for (int i = 0; i < n; i++) {
		struct bridge_summary b;

		if (bridge_summarize(names[i], &b))
			ret = 1;
		else
			print_bridge(&b);
		free(b.ports);
		free(names[i]);
	}
	close_json_array();
	output_end();
	return ret;
}

enum stats_format { FORMAT_TEXT, FORMAT_JSON, FORMAT_PROMETHEUS };
static const char *const stats_formats[] = { "text", "json", "prometheus", NULL };
const struct arg_spec stats_opts[] = {
	ARG_SPEC_ENUM("--format", "text|json|prometheus", stats_formats),
	ARG_SPEC_END,
};

static int stats_prometheus(const struct xb_bridge *br)
{
	struct bridge_metrics m;
	int err;

	err = metrics_collect(br, &m);
	if (err)
		pr_err("cannot read the metrics of bridge %s: %s", br->name, strerror(-err));
	else
		metrics_write_prometheus(stdout, &m);
	metrics_free(&m);
	return err ? 1 : 0;
}

int do_stats(const struct parsed_args *a)
{
	const char *name = a->pos[0].str;
	enum stats_format format = a->given[0] ? a->opt[0].u32 : FORMAT_TEXT;
	bool json = opt_json || format == FORMAT_JSON;
	struct port_row *rows = NULL;
	struct xb_bridge br;
	size_t n = 0;
	int ret;

	if (format == FORMAT_PROMETHEUS && opt_json) {
		pr_err("-j and --format prometheus exclude each other: give one");
		return EXIT_USAGE;
	}
	ret = open_loaded_bridge(name, &br);
	if (ret)
		return ret;
	if (format == FORMAT_PROMETHEUS) {
		ret = stats_prometheus(&br);
		bridge_close(&br);
		return ret;
	}
	if (port_rows_read(&br, &rows, &n)) {
		pr_err("cannot read the counters of bridge %s", name);
		ret = 1;
	} else {
		output_begin(NULL, json, opt_pretty);
		print_stats(name, rows, n);
		output_end();
	}
	free(rows);
	bridge_close(&br);
	return ret;
}

static int set_ageing(struct xb_bridge *br, const struct arg_value *v)
{
	/* Read by the data path on the next frame and by the loop's next tick. */
	int err = bridge_ageing_set(br, v->u32);

	if (err)
		pr_err("cannot change the ageing time of bridge %s", br->name);
	return err;
}

static int set_max_learned(struct xb_bridge *br, const struct arg_value *v)
{
	struct xb_config cfg;
	int err;

	err = bridge_config_get(br, &cfg);
	if (!err) {
		cfg.max_learned = v->u32;
		err = bridge_config_set(br, &cfg);
	}
	/* Exact counts before the limit bites (the loop re-syncs after sweeps). */
	if (!err)
		err = fdb_learn_count_sync(br);
	if (err)
		pr_err("cannot change the learning limit of bridge %s: %s", br->name, strerror(-err));
	return err;
}

static int set_vlan_filtering(struct xb_bridge *br, const struct arg_value *v)
{
	int err = vlan_set_filtering(br, v->on);

	if (err)
		pr_err("cannot turn VLAN filtering %s on bridge %s: %s", v->on ? "on" : "off",
		       br->name, strerror(-err));
	return err;
}

static int set_vlan_protocol(struct xb_bridge *br, const struct arg_value *v)
{
	int err = vlan_set_protocol(br, vlan_protocol_of(v->u32));

	if (err)
		pr_err("cannot change the VLAN protocol of bridge %s: %s", br->name, strerror(-err));
	return err;
}

static int set_default_pvid(struct xb_bridge *br, const struct arg_value *v)
{
	int err = vlan_set_default_pvid(br, (__u16)v->u32);

	if (err)
		pr_err("cannot change the default PVID of bridge %s: %s", br->name, strerror(-err));
	return err;
}

/* One row per key of `set`: its value's type (parsed and checked before
 * anything changes; settings.c's specs, which the bridge file shares) and
 * what applies it, under the command lock. */
struct set_key {
	const struct arg_spec *value;	/* ->name is the key */
	int (*apply)(struct xb_bridge *br, const struct arg_value *v);
	int (*check)(const struct arg_value *v);	/* beyond the type; prints why */
};

static const struct set_key set_keys[] = {
	{ &spec_ageing, set_ageing, NULL },
	/* VLAN filtering (vlan.c). */
	{ &spec_vlan_filtering, set_vlan_filtering, NULL },
	{ &spec_vlan_protocol, set_vlan_protocol, NULL },
	{ &spec_default_pvid, set_default_pvid, NULL },
	{ &spec_max_learned, set_max_learned, NULL },
	/* Spanning tree (cmd_stp.c). */
	{ &spec_stp, stp_set_on, NULL },
	{ &spec_stp_priority, stp_set_bridge_priority, stp_check_bridge_priority },
	{ &spec_stp_hello, stp_set_hello, NULL },
	{ &spec_stp_forward_delay, stp_set_forward_delay, NULL },
	{ &spec_stp_max_age, stp_set_max_age, NULL },
};
#define NR_SET_KEYS (sizeof(set_keys) / sizeof(set_keys[0]))

static const struct set_key *set_key_find(const char *name)
{
	for (size_t i = 0; i < NR_SET_KEYS; i++)
		if (!strcmp(set_keys[i].value->name, name))
			return &set_keys[i];
	return NULL;
}

/*
 * The file's `set` keys but stp and vlan-filtering (load's own, above), in
 * the file's order, each by its `set` row. Under the command lock, before
 * the ports join.
 */
static int file_settings_apply(const struct load_request *req, struct xb_bridge *br)
{
	const struct bridge_file *f = &req->file;
	int err = 0;

	for (int i = 0; i < f->nsettings && !err; i++) {
		const struct set_key *k = set_key_find(f->settings[i].spec->name);

		if (f->settings[i].spec == &spec_stp || f->settings[i].spec == &spec_vlan_filtering)
			continue;
		err = k ? k->apply(br, &f->settings[i].v) : -ENOENT;
	}
	return err;
}

static void set_keys_list(char *buf, size_t len)
{
	buf[0] = '\0';
	for (size_t i = 0; i < NR_SET_KEYS; i++) {
		size_t used = strlen(buf);

		snprintf(buf + used, len - used, "%s%s %s", i ? ", " : "", set_keys[i].value->name,
			 set_keys[i].value->metavar);
	}
}

/* What `set` was asked, every value checked before the bridge is touched. */
static struct {
	const struct set_key *key[16];
	struct arg_value val[16];
	int n;
} set_req;

static int set_locked(struct xb_bridge *br, const struct parsed_args *a)
{
	int err = 0;

	for (int i = 0; i < set_req.n && !err; i++)
		err = set_req.key[i]->apply(br, &set_req.val[i]);
	return err;
}

int do_set(const struct parsed_args *a)
{
	int npairs = (a->npos - 1) / 2;
	char list[512];

	set_keys_list(list, sizeof(list));
	if ((a->npos - 1) % 2 || npairs > (int)(sizeof(set_req.key) / sizeof(set_req.key[0]))) {
		pr_err("set takes KEY VALUE pairs: %s", list);
		return EXIT_USAGE;
	}
	set_req.n = npairs;
	for (int i = 0; i < npairs; i++) {
		set_req.key[i] = set_key_find(a->pos[1 + 2 * i].str);
		if (!set_req.key[i]) {
			pr_err("unknown key '%s' for set: %s", a->pos[1 + 2 * i].str, list);
			return EXIT_USAGE;
		}
		if (arg_parse(set_req.key[i]->value, a->pos[2 + 2 * i].str, &set_req.val[i]) ||
		    (set_req.key[i]->check && set_req.key[i]->check(&set_req.val[i])))
			return EXIT_USAGE;
	}
	return cmd_with_bridge(a, true, set_locked);
}
