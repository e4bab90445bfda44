// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/capability.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <linux/magic.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>

#include "log.h"
#include "parse.h"
#include "sys.h"

#ifndef CAP_BPF
#define CAP_BPF 39
#endif

static bool cap_effective(__u32 caps[2], int cap)
{
	return caps[cap / 32] & (1U << (cap % 32));
}

int sys_check_privileges(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2] = {};
	__u32 eff[2];

	if (syscall(SYS_capget, &hdr, data)) {
		pr_err("cannot read this process's capabilities: %s", strerror(errno));
		return -errno;
	}
	eff[0] = data[0].effective;
	eff[1] = data[1].effective;
	if (cap_effective(eff, CAP_NET_ADMIN) &&
	    (cap_effective(eff, CAP_SYS_ADMIN) || cap_effective(eff, CAP_BPF)))
		return 0;
	pr_err("xdpbridge needs root (CAP_NET_ADMIN and CAP_BPF or CAP_SYS_ADMIN): run it with sudo");
	return -EPERM;
}

/*
 * Does bpf_redirect_map() take BPF_F_BROADCAST | BPF_F_EXCLUDE_INGRESS? Older
 * kernels load a program using them but return XDP_ABORTED at run time, so
 * every flood would be silently lost: run a 5-instruction program once.
 * Returns 1 supported, 0 not, -errno when the probe itself could not run.
 */
static int probe_devmap_broadcast(void)
{
	struct bpf_insn insns[] = {
		/* r1 = map (ld_imm64 with BPF_PSEUDO_MAP_FD: two slots) */
		{ .code = BPF_LD | BPF_DW | BPF_IMM, .dst_reg = BPF_REG_1, .src_reg = BPF_PSEUDO_MAP_FD },
		{ 0 },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_2, .imm = 0 },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_3,
		  .imm = BPF_F_BROADCAST | BPF_F_EXCLUDE_INGRESS },
		{ .code = BPF_JMP | BPF_CALL, .imm = BPF_FUNC_redirect_map },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	unsigned char frame[64] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02 };
	LIBBPF_OPTS(bpf_test_run_opts, run, .data_in = frame, .data_size_in = sizeof(frame),
		    .repeat = 1);
	int map_fd, prog_fd = -1, ret;

	map_fd = bpf_map_create(BPF_MAP_TYPE_DEVMAP, "xb_probe", 4, 4, 1, NULL);
	if (map_fd < 0)
		return -errno;
	insns[0].imm = map_fd;
	prog_fd = bpf_prog_load(BPF_PROG_TYPE_XDP, "xb_probe", "GPL", insns,
				sizeof(insns) / sizeof(insns[0]), NULL);
	if (prog_fd < 0) {
		ret = -errno;
		goto cleanup;
	}
	ret = bpf_prog_test_run_opts(prog_fd, &run) ? -errno : run.retval == XDP_REDIRECT;
cleanup:
	if (prog_fd >= 0)
		close(prog_fd);
	close(map_fd);
	return ret;
}

int sys_check_kernel(void)
{
	struct utsname u;
	int major = 0, minor = 0, ret;

	if (uname(&u) || parse_kernel_release(u.release, &major, &minor))
		snprintf(u.release, sizeof(u.release), "(unknown)");
	/* The probe decides (distributions backport); the version explains. */
	ret = probe_devmap_broadcast();
	if (ret == 1)
		return 0;
	if (ret == 0 || !kernel_version_supported(major, minor)) {
		pr_err("kernel %s is too old: xdpbridge needs Linux %d.%d or newer (XDP devmap broadcast flooding); upgrade the kernel",
		       u.release, XB_MIN_KERNEL_MAJOR, XB_MIN_KERNEL_MINOR);
		return -EOPNOTSUPP;
	}
	pr_err("cannot use BPF on this system (%s): check that BPF is enabled and not restricted (kernel.unprivileged_bpf_disabled, lockdown)",
	       strerror(-ret));
	return ret;
}

int sys_ensure_bpffs(void)
{
	struct statfs st;

	if (!statfs(XB_BPFFS, &st) && st.f_type == BPF_FS_MAGIC)
		return 0;
	if (mkdir(XB_BPFFS, 0700) && errno != EEXIST) {
		pr_err("cannot create %s: %s; mount bpffs there ('mount -t bpf bpf %s')",
		       XB_BPFFS, strerror(errno), XB_BPFFS);
		return -errno;
	}
	if (mount("bpf", XB_BPFFS, "bpf", 0, "mode=0700")) {
		int err = errno;

		pr_err("bpffs is not mounted on %s and mounting it failed (%s): run 'mount -t bpf bpf %s'",
		       XB_BPFFS, strerror(err), XB_BPFFS);
		return -err;
	}
	pr_debug("mounted bpffs on %s", XB_BPFFS);
	return 0;
}

static void run_path(char *buf, size_t len, const char *bridge, const char *suffix)
{
	snprintf(buf, len, "%s/%s.%s", XB_RUN_DIR, bridge, suffix);
}

int xb_lock_take(void)
{
	const char *path = XB_RUN_DIR "/lock";
	int fd;

	if (mkdir(XB_RUN_DIR, 0755) && errno != EEXIST) {
		pr_err("cannot create %s: %s", XB_RUN_DIR, strerror(errno));
		return -errno;
	}
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0 || flock(fd, LOCK_EX)) {
		int err = errno;

		pr_err("cannot lock %s: %s", path, strerror(err));
		if (fd >= 0)
			close(fd);
		return -err;
	}
	return fd;
}

void xb_lock_release(int lock_fd)
{
	if (lock_fd >= 0)
		close(lock_fd);
}

int pidfile_write(const char *bridge)
{
	char path[PATH_MAX];
	FILE *f;

	if (mkdir(XB_RUN_DIR, 0755) && errno != EEXIST)
		return -errno;
	run_path(path, sizeof(path), bridge, "pid");
	f = fopen(path, "w");
	if (!f)
		return -errno;
	fprintf(f, "%d\n", getpid());
	return fclose(f) ? -errno : 0;
}

void pidfile_remove(const char *bridge, bool only_own)
{
	char path[PATH_MAX];

	run_path(path, sizeof(path), bridge, "pid");
	/* A loop removes only its own: a newer loop may have taken over. */
	if (!only_own || pidfile_running(bridge) == getpid())
		unlink(path);
}

pid_t pidfile_running(const char *bridge)
{
	char path[PATH_MAX], stat[256] = "", *comm, *state;
	FILE *f;
	int pid = 0;

	run_path(path, sizeof(path), bridge, "pid");
	f = fopen(path, "r");
	if (!f)
		return 0;
	if (fscanf(f, "%d", &pid) != 1)
		pid = 0;
	fclose(f);
	if (pid <= 0 || kill(pid, 0))
		return 0;
	/* /proc/PID/stat is "PID (COMM) STATE ...": a recycled PID is not our
	 * loop, and a zombie (an exited loop not yet reaped) no longer runs. */
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	if (!fgets(stat, sizeof(stat), f))
		stat[0] = 0;
	fclose(f);
	comm = strchr(stat, '(');
	state = strrchr(stat, ')');
	if (!comm || !state || strncmp(comm + 1, "xdpbridge", 9) || state[1] != ' ' || state[2] == 'Z')
		return 0;
	return pid;
}

int iface_mac(const char *ifname, __u8 mac[XB_ETH_ALEN])
{
	struct ifreq ifr = { 0 };
	int fd, err = 0;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr))
		err = -errno;
	else
		memcpy(mac, ifr.ifr_hwaddr.sa_data, XB_ETH_ALEN);
	close(fd);
	return err;
}
