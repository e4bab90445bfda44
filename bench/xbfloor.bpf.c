// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The floor: the least an XDP bridge port can do. Every frame is redirected
 * to devmap slot 0 (unicast), or broadcast to every slot except the ingress
 * port (flood). No parsing, no lookups, no counters.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "xbbench.h"

const volatile __u32 broadcast = 0;

struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP);
	__uint(max_entries, XBB_FLOOR_MAX_OUT);
	__type(key, __u32);
	__type(value, __u32);
} xbfloor_out SEC(".maps");

static __always_inline int floor_redirect(void)
{
	if (broadcast)
		return bpf_redirect_map(&xbfloor_out, 0,
					BPF_F_BROADCAST | BPF_F_EXCLUDE_INGRESS);
	return bpf_redirect_map(&xbfloor_out, 0, 0);
}

SEC("xdp")
int xbfloor(struct xdp_md *ctx)
{
	return floor_redirect();
}

/* The same for jumbo frames: a frags-aware program lets a veth take MTU 9000. */
SEC("xdp.frags")
int xbfloor_frags(struct xdp_md *ctx)
{
	return floor_redirect();
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
