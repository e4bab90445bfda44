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
/* Mount bpffs on /sys/fs/bpf unless it is already there. */
int sys_ensure_bpffs(void);

/* One exclusive lock (a file in XB_RUN_DIR) serialises the commands that
 * change bridges: they are short, and one lock leaves no per-bridge files
 * behind. Returns the fd holding it, or -errno. */
int xb_lock_take(void);
void xb_lock_release(int lock_fd);

int pidfile_write(const char *bridge);
void pidfile_remove(const char *bridge, bool only_own);
/* PID of the bridge's running control loop, or 0 when none runs. */
pid_t pidfile_running(const char *bridge);

#endif
