/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* System preconditions and per-bridge run-time files (lock, pid file). */
#ifndef XB_SYS_H
#define XB_SYS_H

#include <stdbool.h>
#include <sys/types.h>
#include "xdpbridge.h"

#define XB_BPFFS	"/sys/fs/bpf"
#define XB_PIN_ROOT	XB_BPFFS "/xdpbridge"
#define XB_RUN_DIR	"/run/xdpbridge"

/* Each check prints its own one-line error and returns a negative errno. */
/* ifname's MAC address (SIOCGIFHWADDR). 0 or -errno. */
int iface_mac(const char *ifname, __u8 mac[XB_ETH_ALEN]);
int sys_check_privileges(void);
int sys_check_kernel(void);
/* The running kernel's major and minor version (uname); 0 or -EINVAL. */
int sys_kernel_version(int *major, int *minor);
/* Whether this kernel's XDP redirect carries multi-buffer frames
 * (kernel_redirects_xdp_frags on uname's release; unknown: no). */
bool sys_xdp_frags_redirect(void);
/* Mount bpffs on /sys/fs/bpf unless it is already there. */
int sys_ensure_bpffs(void);

/* One exclusive lock (a file in XB_RUN_DIR) serialises the commands that
 * change bridges: they are short, and one lock leaves no per-bridge files
 * behind. Returns the fd holding it, or -errno. */
int xb_lock_take(void);
void xb_lock_release(int lock_fd);

/*
 * Per bridge: XB_RUN_DIR/BRIDGE.lock, an exclusive flock held by the process
 * that runs the bridge's control loop for its whole life (by `load` from
 * the moment it starts). "Running" means that lock is held, never a pid
 * and a process name: a pid is reused, a lock dies with its holder.
 * Run-time files are opened O_NOFOLLOW (a symlink is refused) and are 0644
 * at most whatever the umask.
 * bridge_lock_take: the fd holding it, -EWOULDBLOCK when another process
 * holds it, or -errno (-ELOOP: a symlink). Callers hold the command lock.
 */
int bridge_lock_take(const char *bridge);
/* After unload (under the command lock, once no loop holds it). */
void bridge_lock_remove(const char *bridge);

/* The pid file names the lock's holder, for messages and for unload. */
int pidfile_write(const char *bridge);
void pidfile_remove(const char *bridge, bool only_own);
/* PID of the process holding the bridge's lock (its control loop), or 0
 * when nobody holds it. A stale pid file never names a process. */
pid_t pidfile_running(const char *bridge);

/*
 * Test hook, compiled in always, read from the environment only: when
 * XB_FAULT_STEP names step, the process raises XB_FAULT_SIGNAL there (INT,
 * TERM, STOP; SIGKILL when unset). Steps of `load`: "pin" (maps pinned),
 * "tc" (a port's TC filter attached, its XDP not yet), "attach" (the
 * first port attached), "host" (the host interface created, its port not
 * yet), "loop" (the bridge whole, the control loop not started).
 * tests/integration/faults.sh kills a load at each one.
 */
void xb_fault_point(const char *step);

#endif
