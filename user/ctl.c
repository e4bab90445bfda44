// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
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
#include "port.h"
#include "sys.h"
#include "xdpbridge.skel.h"

static volatile sig_atomic_t ctl_stop;

static void on_signal(int sig)
{
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

int ctl_run(struct xb_bridge *br, bool detach, int lock_fd)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct xdpbridge_bpf *ager = NULL;
	struct ageing_schedule ageing = { 0 };
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
	signal(SIGPIPE, SIG_IGN);

	while (!ctl_stop) {
		if (!bridge_exists(br->name)) {
			pr_info("bridge %s was unloaded; control loop exits", br->name);
			break;
		}
		ctl_watch_ports(br);
		sleep_ms(ageing_tick(br, ager, &ageing));
	}
	err = 0;
	pidfile_remove(br->name, true);
	if (!detach && ctl_stop)
		pr_info("control loop stopped; bridge %s keeps forwarding (remove it with 'xdpbridge unload %s')",
			br->name, br->name);
cleanup:
	xb_lock_release(lock_fd);
	xdpbridge_bpf__destroy(ager);
	return err;
}
