// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bridge.h"
#include "log.h"
#include "policy.h"
#include "xdpbridge.skel.h"

int port_conf_read(const struct xb_bridge *br, __u32 slot, struct xb_port_conf *conf)
{
	return bpf_map_lookup_elem(br->conf_fd, &slot, conf) ? -errno : 0;
}

int port_conf_write(const struct xb_bridge *br, __u32 slot, const struct xb_port_conf *conf)
{
	int err = 0;

	if (bpf_map_update_elem(br->conf_fd, &slot, conf, BPF_ANY))
		err = -errno;
	if (err) {
		pr_err("cannot write the settings of port slot %u of bridge %s: %s", slot, br->name,
		       strerror(-err));
		return err;
	}
	return policy_sync(br);
}

bool port_conf_needs_egress(const struct xb_port_conf *conf)
{
	return conf->flags & XB_PCONF_EGRESS_MASK;
}

bool port_conf_needs_ingress(const struct xb_port_conf *conf)
{
	/* Isolation is checked on both sides: unicast at ingress, floods at egress
	 * (which needs the ingress port's flags, read by the same lookup). */
	return (conf->flags & (XB_PCONF_INGRESS_MASK | XB_PCONF_EGRESS_MASK)) ||
	       conf->storm_bcast || conf->storm_mcast || conf->storm_unknown;
}

/* Is slot a port (its "port_slots" record names an interface)? */
static bool slot_in_use(const struct xb_bridge *br, __u32 slot, __u32 *ifindex)
{
	struct xb_port_slot rec;

	if (bpf_map_lookup_elem(br->slots_fd, &slot, &rec) || !rec.ifindex)
		return false;
	*ifindex = rec.ifindex;
	return true;
}

/* Flip only the bits of config.flags in mask to want, written right after
 * the read and only when they must change: the data path bumps other
 * fields of config (see bridge_skb_ports_update). */
static int config_flags_put(const struct xb_bridge *br, __u32 mask, __u32 want)
{
	struct xb_config cfg;
	int err;

	err = bridge_config_get(br, &cfg);
	if (err || (cfg.flags & mask) == want)
		return err;
	cfg.flags = (cfg.flags & ~mask) | want;
	return bridge_config_set(br, &cfg);
}

/* Write slot's flood_ports entry: ifindex, with its egress program when
 * egress. A devmap takes programs of one kind only (with or without XDP
 * fragments, as the ports' own): the other kind is tried on -EINVAL. */
static int flood_entry_put(const struct xb_bridge *br, __u32 slot, __u32 ifindex, bool egress)
{
	struct bpf_devmap_val val = { .ifindex = ifindex };
	struct xdpbridge_bpf *skel = NULL;
	struct xb_prog_opts opts = { .port_slot = slot };
	int err;

	if (!egress)
		return bpf_map_update_elem(br->flood_fd, &slot, &val, BPF_ANY) ? -errno : 0;
	err = bridge_prog_load_opts(br, XB_PROG_EGRESS, &opts, &skel);
	if (err) {
		pr_err("the kernel refused the egress program for port slot %u (%s); run with -v for the verifier log",
		       slot, strerror(-err));
		return err;
	}
	val.bpf_prog.fd = bpf_program__fd(skel->progs.xdpbridge_egress);
	err = bpf_map_update_elem(br->flood_fd, &slot, &val, BPF_ANY) ? -errno : 0;
	xdpbridge_bpf__destroy(skel);	/* the devmap entry holds the program */
	if (err)
		pr_err("cannot put the egress program of port slot %u into flood_ports: %s", slot,
		       strerror(-err));
	return err;
}

int policy_flood_add(const struct xb_bridge *br, __u32 slot, __u32 ifindex)
{
	struct xb_config cfg;
	int err;

	err = bridge_config_get(br, &cfg);
	if (err)
		return err;
	return flood_entry_put(br, slot, ifindex, cfg.flags & XB_CFG_EGRESS_FILTER);
}

/* Give every flood_ports entry its egress program (egress), or take them
 * away. Entries STP or anything else removed stay removed. */
static int flood_entries_sync(const struct xb_bridge *br, bool egress)
{
	__u32 max = bridge_max_ports(br), ifindex;
	struct bpf_devmap_val val;
	int err;

	for (__u32 slot = 0; slot < max; slot++) {
		if (!slot_in_use(br, slot, &ifindex) ||
		    bpf_map_lookup_elem(br->flood_fd, &slot, &val))
			continue;	/* not a port, or out of the flood domain */
		if (egress == (val.bpf_prog.id != 0) && val.ifindex == ifindex)
			continue;	/* already so */
		err = flood_entry_put(br, slot, ifindex, egress);
		if (err)
			return err;
	}
	return 0;
}

int policy_sync(const struct xb_bridge *br)
{
	__u32 max = bridge_max_ports(br), ifindex, want = 0;
	struct xb_port_conf conf;
	int err;

	for (__u32 slot = 0; slot < max; slot++) {
		if (!slot_in_use(br, slot, &ifindex) || port_conf_read(br, slot, &conf))
			continue;
		if (port_conf_needs_ingress(&conf))
			want |= XB_CFG_PORT_POLICY;
		if (port_conf_needs_egress(&conf))
			want |= XB_CFG_EGRESS_FILTER;
	}
	/* VLAN filtering (issue 11) will filter floods per egress port too: its
	 * condition joins want here. */
	/* On: programs first, then the flag (a copy without metadata passes);
	 * off: the flag first, then the programs. Either order is safe. */
	if (want & XB_CFG_EGRESS_FILTER) {
		err = flood_entries_sync(br, true);
		if (!err)
			err = config_flags_put(br, XB_CFG_PORT_POLICY | XB_CFG_EGRESS_FILTER, want);
	} else {
		err = config_flags_put(br, XB_CFG_PORT_POLICY | XB_CFG_EGRESS_FILTER, want);
		if (!err)
			err = flood_entries_sync(br, false);
	}
	if (err)
		pr_err("cannot apply the port settings of bridge %s: %s", br->name, strerror(-err));
	return err;
}
