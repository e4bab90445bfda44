// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#define _GNU_SOURCE
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
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

int sys_kernel_version(int *major, int *minor)
{
	struct utsname u;

	if (uname(&u))
		return -errno;
	return parse_kernel_release(u.release, major, minor);
}

bool sys_xdp_frags_redirect(void)
{
	int major, minor;

	return !sys_kernel_version(&major, &minor) && kernel_redirects_xdp_frags(major, minor);
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

/* Open a file of XB_RUN_DIR: never through a symlink (O_NOFOLLOW), a
 * regular file only, created 0644 whatever the umask (and an existing one
 * made 0644 at most). Returns the fd or -errno (-ELOOP: a symlink). */
static int run_file_open(const char *path, int flags)
{
	struct stat st;
	int fd, err;

	if ((flags & O_CREAT) && mkdir(XB_RUN_DIR, 0755) && errno != EEXIST)
		return -errno;
	fd = open(path, flags | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st)) {
		err = -errno;
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		err = -EINVAL;
		goto fail;
	}
	if ((flags & O_CREAT) && (st.st_mode & 07777 & ~0644) && fchmod(fd, st.st_mode & 0644)) {
		err = -errno;
		goto fail;
	}
	return fd;
fail:
	close(fd);
	return err;
}

int xb_lock_take(void)
{
	const char *path = XB_RUN_DIR "/lock";
	int fd, err;

	fd = run_file_open(path, O_RDWR | O_CREAT);
	if (fd < 0) {
		pr_err("cannot open %s: %s%s", path, strerror(-fd),
		       fd == -ELOOP ? " (a symlink: remove it)" : "");
		return fd;
	}
	if (flock(fd, LOCK_EX)) {
		err = -errno;
		pr_err("cannot lock %s: %s", path, strerror(-err));
		close(fd);
		return err;
	}
	return fd;
}

void xb_lock_release(int lock_fd)
{
	if (lock_fd >= 0)
		close(lock_fd);
}

int bridge_lock_take(const char *bridge)
{
	struct timespec tick = { .tv_nsec = 5 * 1000000L };
	char path[PATH_MAX];
	int fd, i;

	run_path(path, sizeof(path), bridge, "lock");
	fd = run_file_open(path, O_RDWR | O_CREAT);
	if (fd < 0)
		return fd;
	/* A `show` tests the lock with a shared lock for a moment: retry a
	 * little before calling it held. */
	for (i = 0; i < 40 && flock(fd, LOCK_EX | LOCK_NB); i++) {
		if (errno != EWOULDBLOCK) {
			i = -errno;
			close(fd);
			return i;
		}
		nanosleep(&tick, NULL);
	}
	if (i == 40) {
		close(fd);
		return -EWOULDBLOCK;
	}
	return fd;
}

/* Is the bridge's lock held? By someone else, or by this process through
 * another open file (the loop asking about itself). */
static bool bridge_lock_held(const char *bridge, struct stat *lock_st)
{
	char path[PATH_MAX];
	bool held;
	int fd;

	run_path(path, sizeof(path), bridge, "lock");
	fd = run_file_open(path, O_RDONLY);
	if (fd < 0)
		return false;	/* never created, or removed by unload: nobody holds it */
	held = flock(fd, LOCK_SH | LOCK_NB) && errno == EWOULDBLOCK;
	if (lock_st && fstat(fd, lock_st))
		held = false;
	close(fd);
	return held;
}

/* Has process pid the file st open? */
static bool pid_has_file(pid_t pid, const struct stat *st)
{
	char dir_path[64], path[64 + 256];
	struct dirent *de;
	struct stat fst;
	bool found = false;
	DIR *dir;

	snprintf(dir_path, sizeof(dir_path), "/proc/%d/fd", (int)pid);
	dir = opendir(dir_path);
	if (!dir)
		return false;
	while (!found && (de = readdir(dir))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir_path, de->d_name);
		found = !stat(path, &fst) && fst.st_dev == st->st_dev && fst.st_ino == st->st_ino;
	}
	closedir(dir);
	return found;
}

static pid_t pidfile_read(const char *bridge)
{
	char path[PATH_MAX], text[32];
	ssize_t n;
	int fd;

	run_path(path, sizeof(path), bridge, "pid");
	fd = run_file_open(path, O_RDONLY);
	if (fd < 0)
		return 0;
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	text[n] = '\0';
	n = strtol(text, NULL, 10);
	return n > 0 && n <= INT_MAX ? (pid_t)n : 0;
}

pid_t pidfile_running(const char *bridge)
{
	struct stat lock_st;
	struct dirent *de;
	pid_t pid, self = getpid();
	DIR *dir;

	if (!bridge_lock_held(bridge, &lock_st))
		return 0;
	/* The pid file names the holder, unless it is stale: then whoever has
	 * the lock file open (the loop; a lock lives only while it is open). */
	pid = pidfile_read(bridge);
	if (pid > 0 && pid_has_file(pid, &lock_st))
		return pid;
	dir = opendir("/proc");
	if (!dir)
		return 0;
	pid = 0;
	while (!pid && (de = readdir(dir))) {
		pid_t p = (pid_t)strtol(de->d_name, NULL, 10);

		if (p > 0 && p != self && pid_has_file(p, &lock_st))
			pid = p;
	}
	closedir(dir);
	return pid;
}

int pidfile_write(const char *bridge)
{
	char path[PATH_MAX], text[32];
	int fd, len, err = 0;

	run_path(path, sizeof(path), bridge, "pid");
	fd = run_file_open(path, O_WRONLY | O_CREAT | O_TRUNC);
	if (fd < 0)
		return fd;
	len = snprintf(text, sizeof(text), "%d\n", (int)getpid());
	if (write(fd, text, (size_t)len) != len)
		err = errno ? -errno : -EIO;
	if (close(fd) && !err)
		err = -errno;
	return err;
}

void pidfile_remove(const char *bridge, bool only_own)
{
	char path[PATH_MAX];

	run_path(path, sizeof(path), bridge, "pid");
	/* A loop removes only its own: a newer loop may have taken over. */
	if (!only_own || pidfile_read(bridge) == getpid())
		unlink(path);
}

void bridge_lock_remove(const char *bridge)
{
	char path[PATH_MAX];

	run_path(path, sizeof(path), bridge, "lock");
	unlink(path);
}

void xb_fault_point(const char *step)
{
	const char *want = getenv("XB_FAULT_STEP");
	const char *sig = getenv("XB_FAULT_SIGNAL");

	if (!want || strcmp(want, step))
		return;
	if (sig && !strcmp(sig, "INT"))
		raise(SIGINT);
	else if (sig && !strcmp(sig, "TERM"))
		raise(SIGTERM);
	else if (sig && !strcmp(sig, "STOP"))
		raise(SIGSTOP);
	else
		raise(SIGKILL);
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
