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

/* Learned entry older than the ageing time? The data path's rule. */
static inline bool fdb_entry_expired(__u64 now_ns, __u64 last_seen_ns, __u64 ageing_ns)
{
	return xb_older_than(now_ns, last_seen_ns, ageing_ns);
}

/* Seconds since last_seen, for display (0 when in the future). */
static inline __u64 fdb_entry_age_sec(__u64 now_ns, __u64 last_seen_ns)
{
	return now_ns > last_seen_ns ? (now_ns - last_seen_ns) / 1000000000ULL : 0;
}

/* How often the control loop sweeps the FDB: a tenth of the ageing time,
 * between 100 ms (short ageing still works) and 10 s (a big FDB costs little).
 * The data path itself ignores expired entries, so this only bounds how long
 * an expired entry stays visible and occupies a slot. */
uint32_t ageing_sweep_interval_ms(uint32_t ageing_sec);

/* Whether the next sweep must walk the whole FDB instead of the ageing
 * index. The data path counts the stations it learned without an index
 * record (config.age_untracked). Each such station was last seen before the
 * count last changed (a refresh retries the claim and counts a new failure),
 * so it has expired one ageing time (plus a sweep interval of slack) after
 * that: one full walk then deletes it. The walk stays due until it ran
 * (full_walk_done), however late the loop gets there. A zeroed state that
 * sees a non-zero count treats it as a change: a restarted loop cannot know
 * when those stations were learned. */
struct full_walk_state {
	uint32_t untracked_seen;
	uint64_t expired_ns;	/* every untracked station has expired by then; 0: none */
	uint64_t last_full_ns;	/* when the last full walk ran */
};
bool full_walk_due(struct full_walk_state *st, uint32_t untracked, uint64_t now_ns,
		   uint64_t ageing_ns, uint64_t interval_ns);
void full_walk_done(struct full_walk_state *st, uint64_t now_ns);

#endif
