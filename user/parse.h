/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Pure parsing and validation helpers: no system state, unit tested. */
#ifndef XB_PARSE_H
#define XB_PARSE_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/types.h>

#include "xdpbridge.h"

#define XB_BRIDGE_NAME_MAX 13	/* the host port is named "<bridge>-p" (IFNAMSIZ 16) */
#define XB_MAC_STR_LEN 18

/* Minimum kernel: BPF_F_BROADCAST | BPF_F_EXCLUDE_INGRESS on devmaps (5.14,
 * commit e624d4ed4aa8); see vmtest/README.md for every feature's version. */
#define XB_MIN_KERNEL_MAJOR 5
#define XB_MIN_KERNEL_MINOR 14

/* "aa:bb:cc:dd:ee:ff" (also '-' separated); 0 or -EINVAL. */
int parse_mac(const char *s, __u8 mac[6]);
void format_mac(const __u8 mac[6], char buf[XB_MAC_STR_LEN]);
/* Decimal u32 within [min, max]; 0, -EINVAL or -ERANGE. */
int parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out);
/* Interface name rules of the kernel (dev_valid_name); 0 or -EINVAL. */
int validate_ifname(const char *name);
/* Bridge names additionally leave room for the "-p" host port suffix. */
int validate_bridge_name(const char *name);
/* "6.1.0-47-cloud-amd64" -> 6, 1; 0 or -EINVAL. */
int parse_kernel_release(const char *release, int *major, int *minor);
bool kernel_version_supported(int major, int minor);
/* Does an XDP redirect carry a multi-buffer frame (beyond a page: jumbo) to
 * a veth? Lost without a trace on 6.1 (Debian's 6.1.0-56, make vmtest),
 * delivered on 6.12 and 6.18; kernels between were not tried. */
bool kernel_redirects_xdp_frags(int major, int minor);

#endif
