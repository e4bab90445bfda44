// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <net/if.h>

#include "ageing.h"
#include "bridge.h"
#include "ctl.h"
#include "log.h"
#include "metrics.h"
#include "port.h"
#include "sys.h"
#include "xdpbridge.skel.h"

static volatile sig_atomic_t ctl_stop, ctl_reload;

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
};

/* A port whose ifindex no longer names the same interface is gone: the kernel
 * already dropped its devmap entries and XDP link; forget the rest. */
static int find_vanished(__u32 ifindex, const struct xb_port_info *info, void *ctx)
{
	struct vanished *v = ctx;
	char name[IF_NAMESIZE];

	if (if_indextoname(ifindex, name) && !strcmp(name, info->ifname))
		return 0;
	if (v->n < XB_MAX_PORTS) {
		v->ifindexes[v->n] = ifindex;
		memcpy(v->names[v->n], info->ifname, XB_IFNAMSIZ);
		v->n++;
	}
	return 0;
}

int ctl_watch_ports(struct xb_bridge *br)
{
	struct vanished v = { .n = 0 };
	int lock_fd;

	port_for_each(br, find_vanished, &v);
	if (!v.n)
		return 0;
	/* port_remove rewrites config: not while a command changes it. */
	lock_fd = xb_lock_take();
	if (lock_fd < 0)
		return lock_fd;
	for (size_t i = 0; i < v.n; i++) {
		pr_info("bridge %s: port %s disappeared; removed it", br->name, v.names[i]);
		port_remove(br, v.ifindexes[i]);
	}
	xb_lock_release(lock_fd);
	return 0;
}

static void sleep_ms(uint32_t ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);	/* a signal cuts it short: that is the point */
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
			struct publisher *pub)
{
	struct ctl_status st = {
		.pid = getpid(),
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

	/* The binary by its path, not /proc/self/exe: the process name (the
	 * pid file check) is the file's. Replaced by an upgrade, the path now
	 * names the new binary, as a restart would run. */
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

int ctl_run(struct xb_bridge *br, const struct ctl_opts *opts, int lock_fd)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct xdpbridge_bpf *ager = NULL;
	struct ageing_schedule ageing = { 0 };
	struct publisher pub = { .textfile = opts->textfile };
	bool detach = opts->detach;
	uint32_t sleep_for;
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

	while (!ctl_stop) {
		if (!bridge_exists(br->name)) {
			pr_info("bridge %s was unloaded; control loop exits", br->name);
			break;
		}
		if (ctl_reload) {
			ctl_reload = 0;
			ctl_reexec(br->name, opts->argv);
		}
		ctl_watch_ports(br);
		sleep_for = ageing_tick(br, ager, &ageing);
		ctl_publish(br, &ageing, &pub);
		sleep_ms(sleep_for);
	}
	err = 0;
	if (pidfile_running(br->name) == getpid())
		ctl_status_remove(br->name);
	pidfile_remove(br->name, true);
	if (!detach && ctl_stop)
		pr_info("control loop stopped; bridge %s keeps forwarding (remove it with 'xdpbridge unload %s')",
			br->name, br->name);
cleanup:
	xb_lock_release(lock_fd);
	xdpbridge_bpf__destroy(ager);
	return err;
}
