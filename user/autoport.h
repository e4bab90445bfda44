/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Auto-ports: interface name patterns (`--auto-port GLOB`, `auto-port` in the
 * bridge file) whose matching interfaces the control loop adds as they appear,
 * and per-port modes (`port IF mode MODE`) for them. Kept in the bridge's pinned
 * state so a restarted control loop (adoption) finds them: a hash map
 * "auto_ports" created from user space with bpf_map_create and pinned beside
 * the data path's maps (bpffs holds only BPF objects; the data path never
 * reads it, so bpf/ does not declare it). Above bridge.h; port.h does the
 * adding. Absent for a bridge loaded without patterns.
 */
#ifndef XB_AUTOPORT_H
#define XB_AUTOPORT_H

#include <stdbool.h>
#include <linux/types.h>

#include "args.h"
#include "config.h"
#include "xdpbridge.h"

#define AUTO_PORTS_MAP "auto_ports"
#define AUTO_PORTS_MAX_ENTRIES (XB_MAX_AUTO_PORTS + XB_MAX_PORTS)

enum auto_kind {
	AUTO_GLOB = 1,		/* name: a pattern; mode: its ports' mode */
	AUTO_PORT_MODE = 2,	/* name: an interface; mode: its own */
};

/* Map layout (user space only: bpftool map dump shows it as bytes). */
struct xb_auto_key {
	__u32 kind;		/* enum auto_kind */
	char name[ARG_GLOB_MAX];
};

struct xb_auto_val {
	__u32 mode;		/* enum xb_xdp_mode */
	__u32 pad;
};

struct auto_ports {
	char globs[XB_MAX_AUTO_PORTS][ARG_GLOB_MAX];
	enum xb_xdp_mode glob_mode[XB_MAX_AUTO_PORTS];
	int nglobs;
	struct { char ifname[XB_IFNAMSIZ]; enum xb_xdp_mode mode; } *port_modes;
	int nport_modes;
};

struct xb_bridge;

/* Add one entry (creating and pinning the map on first use). 0 or -errno. */
int autoport_put(const struct xb_bridge *br, enum auto_kind kind, const char *name,
		 enum xb_xdp_mode mode);
/* Every entry; an empty set when the bridge has no map. 0 or -errno. */
int autoport_read(const struct xb_bridge *br, struct auto_ports *ap);
void autoport_free(struct auto_ports *ap);
/* Does ifname match a pattern? Its mode into *mode (a per-port one wins). */
bool autoport_match(const struct auto_ports *ap, const char *ifname, enum xb_xdp_mode *mode);

#endif
