// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* load, unload, show, set, stats, port add|del */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <net/if.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "args.h"
#include "bridge.h"
#include "cmd.h"
#include "ctl.h"
#include "fdb.h"
#include "log.h"
#include "output.h"
#include "parse.h"
#include "print.h"
#include "sys.h"
#include "vethcheck.h"

#define MAX_FDB_SIZE (1U << 26)
#define MAX_AGEING_SEC 1000000U

int cmd_preflight(void)
{
	int err = sys_check_privileges();

	if (!err)
		err = sys_check_kernel();
	if (!err)
		err = sys_ensure_bpffs();
	return err;
}

int cmd_bridge_name(const char *name)
{
	int err = validate_bridge_name(name);

	if (err == -ENAMETOOLONG)
		pr_err("bridge name '%s' is too long: at most %d characters (its host port is '%s-p')",
		       name, XB_BRIDGE_NAME_MAX, name);
	else if (err)
		pr_err("'%s' is not a valid bridge name: use an interface-style name, e.g. br0", name);
	return err;
}

/* Validate every requested port before anything changes. */
static int ports_validate(const char *bridge, const char *const *names, int n, bool host_port,
			  struct nl_link *links)
{
	char host_peer[XB_IFNAMSIZ * 2];
	int err;

	bridge_host_peer_name(bridge, host_peer, sizeof(host_peer));
	for (int i = 0; i < n; i++) {
		if (validate_ifname(names[i])) {
			pr_err("'%s' is not a valid interface name", names[i]);
			return -EINVAL;
		}
		for (int j = 0; j < i; j++) {
			if (!strcmp(names[i], names[j])) {
				pr_err("port %s is given twice: list each port once", names[i]);
				return -EINVAL;
			}
		}
		if (host_port && (!strcmp(names[i], bridge) || !strcmp(names[i], host_peer))) {
			pr_err("%s is the bridge's own host interface: do not list it as a port", names[i]);
			return -EINVAL;
		}
		err = port_validate(names[i], &links[i]);
		if (err)
			return err;
	}
	return 0;
}

/* A port in tc mode needs nothing from its peer (no XDP redirect into it). */
static void warn_peers(const struct nl_link *links, int n, enum xb_xdp_mode mode)
{
	for (int i = 0; mode != XB_MODE_TC && i < n; i++)
		veth_peer_warn(&links[i]);
}

/* What `load` was asked for, parsed and checked once. */
struct load_request {
	const char *name;
	const char *ports[ARGS_MAX_POSITIONAL];
	int nports;
	struct xb_create_opts create;
	enum xb_xdp_mode mode;
	bool detach;
	bool ageing_given, fdb_size_given, max_ports_given;
};

static int load_fresh(const char *name, const struct xb_create_opts *copts, enum xb_xdp_mode mode,
		      const char *const *port_names, int nports, struct xb_bridge *br)
{
	struct nl_link links[ARGS_MAX_POSITIONAL], host;
	char host_peer[XB_IFNAMSIZ * 2];
	int err;

	err = ports_validate(name, port_names, nports, copts->host_port, links);
	if (err)
		return err;
	if (copts->host_port && if_nametoindex(name)) {
		pr_err("an interface named %s already exists: choose another bridge name, or load with --no-host-port",
		       name);
		return -EEXIST;
	}
	bridge_host_peer_name(name, host_peer, sizeof(host_peer));
	if (copts->host_port && if_nametoindex(host_peer)) {
		pr_err("an interface named %s already exists: choose another bridge name, or load with --no-host-port",
		       host_peer);
		return -EEXIST;
	}

	/* From here on, any failure removes everything. */
	err = bridge_create(name, copts, br);
	if (err)
		goto rollback;
	if (copts->host_port) {
		err = bridge_host_iface_create(name);
		if (!err)
			err = port_validate(host_peer, &host);
		if (!err)
			err = port_add(br, &host, XB_MODE_NATIVE, XB_PORT_HOST);
		if (err)
			goto rollback;
	}
	for (int i = 0; i < nports; i++) {
		err = port_add(br, &links[i], mode, 0);
		if (err)
			goto rollback;
	}
	warn_peers(links, nports, mode);
	return 0;
rollback:
	bridge_close(br);
	bridge_destroy(name);
	return err;
}

static int load_adopt(const struct load_request *req, struct xb_bridge *br)
{
	struct nl_link links[ARGS_MAX_POSITIONAL];
	const char *fresh[ARGS_MAX_POSITIONAL];
	const char *name = req->name;
	int nfresh = 0, added = 0, err;
	struct bpf_map_info info = {};
	__u32 len = sizeof(info), ifindex;
	struct xb_config cfg;
	pid_t pid;

	pid = pidfile_running(name);
	if (pid) {
		pr_err("bridge %s is already loaded and its control loop runs (pid %d): use 'xdpbridge port add %s PORT', or 'xdpbridge unload %s'",
		       name, pid, name, name);
		return -EBUSY;
	}
	err = bridge_open(name, br);
	if (err)
		return err;
	for (int i = 0; i < req->nports; i++)
		if (port_lookup_by_name(br, req->ports[i], &ifindex))
			fresh[nfresh++] = req->ports[i];
	err = bridge_config_get(br, &cfg);
	if (!err)
		err = ports_validate(name, fresh, nfresh, cfg.flags & XB_CFG_HOST_PORT, links);
	if (err)
		goto fail;
	if (req->fdb_size_given && !bpf_obj_get_info_by_fd(br->fdb_fd, &info, &len) &&
	    info.max_entries != req->create.fdb_size)
		pr_warn("--fdb-size ignored: bridge %s keeps its FDB of %u entries (unload it to change the size)",
			name, info.max_entries);
	len = sizeof(info);
	if (req->max_ports_given && !bpf_obj_get_info_by_fd(br->info_fd, &info, &len) &&
	    info.max_entries != req->create.max_ports)
		pr_warn("--max-ports ignored: bridge %s keeps room for %u ports (unload it to change that)",
			name, info.max_entries);
	for (added = 0; added < nfresh; added++) {
		err = port_add(br, &links[added], req->mode, 0);
		if (err)
			goto fail;
	}
	if (req->ageing_given) {
		cfg.ageing_ns = (__u64)req->create.ageing_sec * 1000000000ULL;
		err = bridge_config_set(br, &cfg);
		if (err)
			goto fail;
	}
	warn_peers(links, nfresh, req->mode);
	pr_info("adopted bridge %s: pinned FDB and ports kept", name);
	return 0;
fail:
	/* Undo only what this command added. */
	while (added-- > 0)
		port_remove(br, (__u32)links[added].ifindex);
	bridge_close(br);
	return err;
}

enum load_opt { OPT_AGEING, OPT_FDB_SIZE, OPT_MODE, OPT_NO_HOST_PORT, OPT_DETACH, OPT_MAX_PORTS };

static const struct opt_spec load_opts[] = {
	[OPT_AGEING] = { "--ageing", true },
	[OPT_FDB_SIZE] = { "--fdb-size", true },
	[OPT_MODE] = { "--mode", true },
	[OPT_NO_HOST_PORT] = { "--no-host-port", false },
	[OPT_DETACH] = { "--detach", false },
	[OPT_MAX_PORTS] = { "--max-ports", true },
};

/* Parse and check load's arguments; prints the usage error. */
static int load_request_parse(int argc, char **argv, struct load_request *req)
{
	struct parsed_args a;
	const char *const *v = a.values;

	*req = (struct load_request){
		.create = {
			.ageing_sec = XB_DEFAULT_AGEING_SEC,
			.fdb_size = XB_DEFAULT_FDB_SIZE,
			.max_ports = XB_DEFAULT_MAX_PORTS,
			.host_port = true,
		},
		.mode = XB_MODE_NATIVE,
	};
	if (args_parse(argc, argv, load_opts, sizeof(load_opts) / sizeof(load_opts[0]), &a))
		return -EINVAL;
	if (a.npos < 1) {
		pr_err("load needs a bridge name: xdpbridge load BRIDGE [PORT...]");
		return -EINVAL;
	}
	req->name = a.pos[0];
	for (int i = 1; i < a.npos; i++)
		req->ports[req->nports++] = a.pos[i];
	if (cmd_bridge_name(req->name))
		return -EINVAL;
	if (v[OPT_AGEING] && parse_u32(v[OPT_AGEING], 1, MAX_AGEING_SEC, &req->create.ageing_sec)) {
		pr_err("--ageing takes seconds between 1 and %u, not '%s'", MAX_AGEING_SEC, v[OPT_AGEING]);
		return -EINVAL;
	}
	if (v[OPT_FDB_SIZE] && parse_u32(v[OPT_FDB_SIZE], 1, MAX_FDB_SIZE, &req->create.fdb_size)) {
		pr_err("--fdb-size takes a number of entries between 1 and %u, not '%s'", MAX_FDB_SIZE,
		       v[OPT_FDB_SIZE]);
		return -EINVAL;
	}
	if (v[OPT_MODE] && parse_mode(v[OPT_MODE], &req->mode)) {
		pr_err("--mode is native, generic or tc, not '%s'", v[OPT_MODE]);
		return -EINVAL;
	}
	if (v[OPT_MAX_PORTS] && parse_u32(v[OPT_MAX_PORTS], 2, XB_MAX_PORTS, &req->create.max_ports)) {
		pr_err("--max-ports takes a number of ports between 2 and %d, not '%s'", XB_MAX_PORTS,
		       v[OPT_MAX_PORTS]);
		return -EINVAL;
	}
	req->create.host_port = !v[OPT_NO_HOST_PORT];
	req->detach = v[OPT_DETACH];
	req->ageing_given = v[OPT_AGEING];
	req->fdb_size_given = v[OPT_FDB_SIZE];
	req->max_ports_given = v[OPT_MAX_PORTS];
	if (req->nports + req->create.host_port > (int)req->create.max_ports) {
		pr_err("%d ports do not fit --max-ports %u: raise --max-ports",
		       req->nports + req->create.host_port, req->create.max_ports);
		return -EINVAL;
	}
	return 0;
}

int cmd_load(int argc, char **argv)
{
	struct load_request req;
	struct xb_bridge br;
	int lock_fd, err;
	bool fresh;

	if (load_request_parse(argc, argv, &req))
		return EXIT_USAGE;
	if (cmd_preflight())
		return 1;
	lock_fd = xb_lock_take();
	if (lock_fd < 0)
		return 1;
	fresh = !bridge_exists(req.name);
	if (fresh)
		err = load_fresh(req.name, &req.create, req.mode, req.ports, req.nports, &br);
	else
		err = load_adopt(&req, &br);
	if (err) {
		xb_lock_release(lock_fd);
		return 1;
	}
	/* Ready: start the loop before releasing the lock, so a racing `load`
	 * sees it running (the pid file) and does not start a second one. */
	pr_info("bridge %s forwarding; control loop %s", req.name,
		req.detach ? "detached" : "running (Ctrl-C stops it, forwarding continues)");
	err = ctl_run(&br, req.detach, lock_fd);
	bridge_close(&br);
	if (err && fresh) {
		/* The control loop never started (ctl_run fails only before its
		 * loop): a bridge this command created must not stay behind. */
		lock_fd = xb_lock_take();
		bridge_destroy(req.name);
		xb_lock_release(lock_fd);
	}
	return err ? 1 : 0;
}

/* Stop the bridge's control loop, if one runs: SIGTERM, then SIGKILL. */
static void control_loop_stop(const char *name)
{
	pid_t pid = pidfile_running(name);
	struct timespec tick = { .tv_nsec = 5 * 1000000L };

	if (!pid)
		return;
	kill(pid, SIGTERM);
	/* pidfile_running() also treats an unreaped (zombie) loop as gone. */
	for (int i = 0; i < 100 && pidfile_running(name) == pid; i++)
		nanosleep(&tick, NULL);
	if (pidfile_running(name) == pid)
		kill(pid, SIGKILL);
}

/* Open a loaded bridge for a command; prints why not. 0 or 1 (exit code). */
int open_loaded_bridge(const char *name, struct xb_bridge *br)
{
	int err;

	if (cmd_bridge_name(name))
		return EXIT_USAGE;
	if (cmd_preflight())
		return 1;
	if (!bridge_exists(name)) {
		pr_err("bridge %s is not loaded: see 'xdpbridge show'", name);
		return 1;
	}
	err = bridge_open(name, br);
	return err ? 1 : 0;
}

int cmd_unload(int argc, char **argv)
{
	int lock_fd, err;

	if (argc != 1) {
		pr_err("usage: xdpbridge unload BRIDGE");
		return EXIT_USAGE;
	}
	if (cmd_bridge_name(argv[0]))
		return EXIT_USAGE;
	if (cmd_preflight())
		return 1;
	lock_fd = xb_lock_take();
	if (lock_fd < 0)
		return 1;
	if (!bridge_exists(argv[0])) {
		pr_err("bridge %s is not loaded: see 'xdpbridge show'", argv[0]);
		xb_lock_release(lock_fd);
		return 1;
	}
	control_loop_stop(argv[0]);
	pidfile_remove(argv[0], false);	/* stale after a SIGKILLed loop */
	err = bridge_destroy(argv[0]);
	xb_lock_release(lock_fd);
	return err ? 1 : 0;
}

static int collect_port_row(__u32 ifindex, const struct xb_port_info *info, void *ctx)
{
	struct bridge_summary *b = ctx;
	struct port_row *row;
	void *p = realloc(b->ports, (b->nports + 1) * sizeof(*b->ports));

	if (!p)
		return -ENOMEM;
	b->ports = p;
	row = &b->ports[b->nports++];
	memset(row, 0, sizeof(*row));
	row->ifindex = ifindex;
	row->info = *info;
	return 0;
}

static int port_row_cmp(const void *a, const void *b)
{
	return strcmp(((const struct port_row *)a)->info.ifname, ((const struct port_row *)b)->info.ifname);
}

/* Per-port rows with counters summed over CPUs, sorted by name. */
static int ports_collect(const struct xb_bridge *br, struct bridge_summary *b)
{
	int ncpus = libbpf_num_possible_cpus();
	struct xb_port_stats *percpu;
	int err;

	err = port_for_each(br, collect_port_row, b);
	if (err)
		return err;
	if (ncpus < 0)
		return ncpus;
	percpu = calloc((size_t)ncpus, sizeof(*percpu));
	if (!percpu)
		return -ENOMEM;
	for (size_t i = 0; i < b->nports; i++) {
		struct xb_port_stats *sum = &b->ports[i].stats;

		if (bpf_map_lookup_elem(br->stats_fd, &b->ports[i].info.slot, percpu))
			continue;
		for (int c = 0; c < ncpus; c++) {
			const struct xb_port_stats *s = &percpu[c];

			sum->rx_packets += s->rx_packets;
			sum->rx_bytes += s->rx_bytes;
			sum->forwarded += s->forwarded;
			sum->flooded += s->flooded;
			sum->to_host += s->to_host;
			sum->to_skb += s->to_skb;
			sum->kernel_dropped += s->kernel_dropped;
			for (int r = 0; r < XB_DROP_MAX; r++)
				sum->dropped[r] += s->dropped[r];
		}
	}
	free(percpu);
	qsort(b->ports, b->nports, sizeof(*b->ports), port_row_cmp);
	return 0;
}

static int bridge_summarize(const char *name, struct bridge_summary *b)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	struct fdb_row *rows = NULL;
	struct xb_bridge br;
	size_t n = 0;
	int err;

	memset(b, 0, sizeof(*b));
	snprintf(b->name, sizeof(b->name), "%s", name);
	err = bridge_open(name, &br);
	if (err)
		return err;
	err = bridge_config_get(&br, &b->cfg);
	if (!err && !bpf_obj_get_info_by_fd(br.fdb_fd, &info, &len))
		b->fdb_size = info.max_entries;
	len = sizeof(info);
	if (!err && !bpf_obj_get_info_by_fd(br.info_fd, &info, &len))
		b->max_ports = info.max_entries;
	if (!err)
		err = fdb_dump(&br, &rows, &n);
	if (!err) {
		b->learned = (__u32)(n - b->cfg.static_count);
		err = ports_collect(&br, b);
	}
	b->control_pid = pidfile_running(name);
	free(rows);
	bridge_close(&br);
	return err;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int cmd_show(int argc, char **argv)
{
	char *names[256];
	int n = 0, ret = 0;
	struct dirent *de;
	DIR *dir;

	if (argc > 1) {
		pr_err("usage: xdpbridge show [BRIDGE]");
		return EXIT_USAGE;
	}
	if (argc == 1 && cmd_bridge_name(argv[0]))
		return EXIT_USAGE;
	if (cmd_preflight())
		return 1;
	if (argc == 1) {
		if (!bridge_exists(argv[0])) {
			pr_err("bridge %s is not loaded: see 'xdpbridge show'", argv[0]);
			return 1;
		}
		names[n++] = strdup(argv[0]);
	} else if ((dir = opendir(XB_PIN_ROOT))) {
		while ((de = readdir(dir)) && n < 256)
			if (de->d_name[0] != '.')
				names[n++] = strdup(de->d_name);
		closedir(dir);
	}
	qsort(names, (size_t)n, sizeof(names[0]), name_cmp);

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

int cmd_stats(int argc, char **argv)
{
	struct bridge_summary b = {};
	struct xb_bridge br;
	int ret;

	if (argc != 1) {
		pr_err("usage: xdpbridge stats BRIDGE");
		return EXIT_USAGE;
	}
	ret = open_loaded_bridge(argv[0], &br);
	if (ret)
		return ret;
	if (ports_collect(&br, &b)) {
		pr_err("cannot read the counters of bridge %s", argv[0]);
		ret = 1;
	} else {
		output_begin(NULL, opt_json, opt_pretty);
		print_stats(argv[0], b.ports, b.nports);
		output_end();
	}
	free(b.ports);
	bridge_close(&br);
	return ret;
}

int cmd_set(int argc, char **argv)
{
	struct xb_config cfg;
	struct xb_bridge br;
	__u32 ageing;
	int ret, lock_fd;

	if (argc != 3 || strcmp(argv[1], "ageing")) {
		pr_err("usage: xdpbridge set BRIDGE ageing SEC");
		return EXIT_USAGE;
	}
	if (parse_u32(argv[2], 1, MAX_AGEING_SEC, &ageing)) {
		pr_err("ageing takes seconds between 1 and %u, not '%s'", MAX_AGEING_SEC, argv[2]);
		return EXIT_USAGE;
	}
	ret = open_loaded_bridge(argv[0], &br);
	if (ret)
		return ret;
	lock_fd = xb_lock_take();	/* prints its own error */
	if (lock_fd >= 0) {
		ret = bridge_config_get(&br, &cfg) != 0;
		if (!ret) {
			/* Read by the data path on the next frame and by the loop's next tick. */
			cfg.ageing_ns = (__u64)ageing * 1000000000ULL;
			ret = bridge_config_set(&br, &cfg) != 0;
		}
		if (ret)
			pr_err("cannot change the ageing time of bridge %s", argv[0]);
		xb_lock_release(lock_fd);
	} else {
		ret = 1;
	}
	bridge_close(&br);
	return ret;
}

static int port_add_cmd(struct xb_bridge *br, const char *ifname, enum xb_xdp_mode mode)
{
	struct xb_config cfg = {};
	struct nl_link link;
	int err;

	bridge_config_get(br, &cfg);
	err = ports_validate(br->name, &ifname, 1, cfg.flags & XB_CFG_HOST_PORT, &link);
	if (!err)
		err = port_add(br, &link, mode, 0);
	if (!err)
		warn_peers(&link, 1, mode);
	return err;
}

static int port_del_cmd(struct xb_bridge *br, const char *ifname)
{
	struct xb_port_info info;
	__u32 ifindex;

	if (port_lookup_by_name(br, ifname, &ifindex)) {
		pr_err("%s is not a port of bridge %s: see 'xdpbridge show %s'", ifname, br->name, br->name);
		return -ENOENT;
	}
	if (!bpf_map_lookup_elem(br->info_fd, &ifindex, &info) && (info.flags & XB_PORT_HOST)) {
		pr_err("%s carries the bridge's host interface; to run without it, load the bridge with --no-host-port",
		       ifname);
		return -EPERM;
	}
	return port_remove(br, ifindex);
}

static const char port_usage[] =
	"Usage: xdpbridge port { add | del } BRIDGE PORT [--mode native|generic|tc]";

int cmd_port(int argc, char **argv)
{
	static const struct opt_spec opts[] = { { "--mode", true } };
	enum xb_xdp_mode mode = XB_MODE_NATIVE;
	struct parsed_args a;
	struct xb_bridge br;
	int ret, lock_fd, err;
	bool add;

	if (argc >= 1 && !strcmp(argv[0], "help")) {
		printf("%s\n", port_usage);
		return 0;
	}
	if (args_parse(argc, argv, opts, 1, &a))
		return EXIT_USAGE;
	if (a.npos != 3 || (strcmp(a.pos[0], "add") && strcmp(a.pos[0], "del"))) {
		pr_err("%s", port_usage);
		return EXIT_USAGE;
	}
	add = !strcmp(a.pos[0], "add");
	if (a.values[0] && (!add || parse_mode(a.values[0], &mode))) {
		pr_err("--mode is native, generic or tc and goes with 'port add'");
		return EXIT_USAGE;
	}
	ret = open_loaded_bridge(a.pos[1], &br);
	if (ret)
		return ret;
	lock_fd = xb_lock_take();
	if (lock_fd < 0) {
		bridge_close(&br);
		return 1;
	}
	err = add ? port_add_cmd(&br, a.pos[2], mode) : port_del_cmd(&br, a.pos[2]);
	xb_lock_release(lock_fd);
	bridge_close(&br);
	return err ? 1 : 0;
}
