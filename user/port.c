// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/if_link.h>

#include "bridge.h"
#include "fdb.h"
#include "log.h"
#include "policy.h"
#include "port.h"
#include "vlan.h"
#include "xdpfeat.h"
#include "sys.h"
#include "tc.h"
#include "vethcheck.h"
#include "xdpbridge.skel.h"

/* Does the registry at fd hold ifindex? Keys only: another bridge may have
 * been loaded by another xdpbridge version whose xb_port_info differs in
 * size (reading its values into ours would overrun the stack); the key, an
 * ifindex, is checked to be one. */
static bool registry_has(int fd, __u32 ifindex)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info), key, next, *prev = NULL;

	if (bpf_obj_get_info_by_fd(fd, &info, &len) || info.type != BPF_MAP_TYPE_HASH ||
	    info.key_size != sizeof(__u32))
		return false;
	while (!bpf_map_get_next_key(fd, prev, &next)) {
		if (next == ifindex)
			return true;
		key = next;
		prev = &key;
	}
	return false;
}

int port_find_owner(int ifindex, char *owner, size_t len)
{
	struct dirent *de;
	DIR *dir;
	int found = 0;

	dir = opendir(XB_PIN_ROOT);
	if (!dir)
		return 0;
	while (!found && (de = readdir(dir))) {
		char path[PATH_MAX];
		int fd;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s/port_info", XB_PIN_ROOT, de->d_name);
		fd = bpf_obj_get(path);
		if (fd < 0)
			continue;
		if (registry_has(fd, (__u32)ifindex)) {
			snprintf(owner, len, "%s", de->d_name);
			found = 1;
		}
		close(fd);
	}
	closedir(dir);
	return found;
}

int port_validate(const char *ifname, struct nl_link *link)
{
	char owner[XB_IFNAMSIZ * 2];
	int ifindex, err;

	ifindex = (int)if_nametoindex(ifname);
	if (!ifindex) {
		pr_err("interface %s does not exist: check 'ip link show'", ifname);
		return -ENODEV;
	}
	err = nl_link_get(NL_NO_NETNSID, ifindex, link);
	if (err) {
		pr_err("cannot read interface %s: %s", ifname, strerror(-err));
		return err;
	}
	if (link->flags & IFF_LOOPBACK) {
		pr_err("%s is a loopback interface and cannot be a bridge port", ifname);
		return -EINVAL;
	}
	if (port_find_owner(ifindex, owner, sizeof(owner))) {
		pr_err("%s is already a port of xdpbridge %s: run 'xdpbridge port del %s %s' first",
		       ifname, owner, owner, ifname);
		return -EBUSY;
	}
	if (link->master) {
		char master[IF_NAMESIZE] = "?";

		if_indextoname(link->master, master);
		pr_err("%s is enslaved to %s (a Linux bridge or bond): run 'ip link set dev %s nomaster' first",
		       ifname, master, ifname);
		return -EBUSY;
	}
	if (link->xdp_attached) {
		pr_err("%s already runs an XDP program (id %u): detach it first ('ip link set dev %s xdp off')",
		       ifname, link->xdp_prog_id, ifname);
		return -EBUSY;
	}
	return 0;
}

static void port_link_pin_path(const struct xb_bridge *br, __u32 ifindex, char *buf, size_t len)
{
	snprintf(buf, len, "%s/link_%u", br->pin_dir, ifindex);
}

static int port_stats_zero(const struct xb_bridge *br, __u32 port_slot)
{
	int ncpus = libbpf_num_possible_cpus();
	struct xb_port_stats *zeros;
	int err = 0;

	if (ncpus < 0)
		return ncpus;
	zeros = calloc((size_t)ncpus, sizeof(*zeros));
	if (!zeros)
		return -ENOMEM;
	if (bpf_map_update_elem(br->stats_fd, &port_slot, zeros, BPF_ANY))
		err = -errno;
	free(zeros);
	return err;
}

/* Stop sending to a port: no more flooding to it, no more unicast. */
static void port_unreach(struct xb_bridge *br, __u32 port_slot)
{
	struct xb_port_slot none = { 0 };

	bpf_map_delete_elem(br->flood_fd, &port_slot);
	bpf_map_delete_elem(br->ports_fd, &port_slot);
	bpf_map_update_elem(br->slots_fd, &port_slot, &none, BPF_ANY);
}

static int bridge_skb_ports_update(const struct xb_bridge *br);

/* Forget a port in every map (the link is handled by the caller). */
static void port_forget(struct xb_bridge *br, __u32 ifindex, __u32 port_slot)
{
	port_unreach(br, port_slot);
	port_stats_zero(br, port_slot);	/* the next port in this slot starts at 0 */
	bpf_map_delete_elem(br->info_fd, &ifindex);
	bridge_skb_ports_update(br);	/* floods back on XDP when none is left */
	policy_sync(br);	/* its settings no longer count */
}

static int mark_slot(__u32 ifindex, const struct xb_port_info *info, void *ctx)
{
	bool *used = ctx;

	if (info->slot < XB_MAX_PORTS)
		used[info->slot] = true;
	return 0;
}

/* Lowest slot no port uses, or -ENOSPC. */
static int port_slot_alloc(const struct xb_bridge *br)
{
	bool used[XB_MAX_PORTS] = { false };
	__u32 max = bridge_max_ports(br);

	port_for_each(br, mark_slot, used);
	for (__u32 i = 0; i < max; i++)
		if (!used[i])
			return (int)i;
	return -ENOSPC;
}

static int find_skb_port(__u32 ifindex, const struct xb_port_info *info, void *ctx)
{
	const struct xb_bridge *br = ctx;
	struct xb_port_slot rec;

	if (info->xdp_mode != XB_MODE_NATIVE)
		return 1;
	/* native, but its driver takes no XDP redirects (port_takes_redirects) */
	return !bpf_map_lookup_elem(br->slots_fd, &info->slot, &rec) && (rec.flags & XB_SLOT_SKB);
}

/* XB_CFG_SKB_PORTS says some port takes skbs only (so XDP hands floods to
 * the skb path): set it while any port is generic or tc, clear it when the
 * last one left. Written right after the read, only when it must flip;
 * callers hold the command lock (config is user space's alone). */
static int bridge_skb_ports_update(const struct xb_bridge *br)
{
	bool want = port_for_each(br, find_skb_port, (void *)br) > 0;
	struct xb_config cfg;
	int err;

	err = bridge_config_get(br, &cfg);
	if (err || want == !!(cfg.flags & XB_CFG_SKB_PORTS))
		return err;
	if (want)
		cfg.flags |= XB_CFG_SKB_PORTS;
	else
		cfg.flags &= ~XB_CFG_SKB_PORTS;
	return bridge_config_set(br, &cfg);
}

/* Load the port's TC program instance (after_xdp: behind the XDP program,
 * which counts rx) and attach it. Prints the error; 0 or -errno. */
static int port_skb_path_attach(const struct xb_bridge *br, int ifindex, const char *ifname,
			 __u32 slot, bool after_xdp)
{
	struct xdpbridge_bpf *skel = NULL;
	int err;

	err = bridge_prog_load(br, after_xdp ? XB_PROG_TC_AFTER_XDP : XB_PROG_TC, slot, &skel);
	if (err) {
		pr_err("the kernel refused the TC program for %s (%s); run with -v for the verifier log",
		       ifname, strerror(-err));
		return err;
	}
	err = port_tc_attach(ifindex, ifname, bpf_program__fd(skel->progs.xdpbridge_tc));
	xdpbridge_bpf__destroy(skel);	/* the filter holds the program */
	return err;
}

/* Why an XDP attach failed, and the fix. */
static void port_xdp_attach_error(const struct nl_link *link, enum xb_xdp_mode mode, int err)
{
	int mtu = iface_mtu(link->ifname);

	/* Without fragments (kernel < 5.18) XDP caps a port at about 3.5 KB:
	 * veth says ERANGE ("Peer MTU is too large to set XDP"), others EINVAL. */
	if ((err == -ERANGE || err == -EINVAL) && mtu > 3000)
		pr_err("cannot attach XDP to %s with its MTU %d (%s): lower it ('ip link set dev %s mtu 1500') or use --mode tc",
		       link->ifname, mtu, strerror(-err), link->ifname);
	else if (mode == XB_MODE_NATIVE && (err == -EOPNOTSUPP || err == -EINVAL))
		pr_err("%s does not support native XDP (%s): load it with --mode generic or --mode tc",
		       link->ifname, strerror(-err));
	else
		pr_err("cannot attach XDP to %s: %s", link->ifname, strerror(-err));
}

enum xb_xdp_mode port_default_mode(const struct nl_link *link)
{
	if (!strcmp(link->kind, "veth") || !strcmp(link->kind, "tun"))
		return XB_MODE_TC;
	return XB_MODE_NATIVE;
}

/*
 * Can the kernel XDP-redirect frames into this native port? A driver without
 * ndo_xdp_xmit (a veth whose peer has neither XDP nor GRO) drops every frame
 * redirected to it, invisibly to the program: such a port takes skbs
 * (XB_SLOT_SKB), as a generic one. The netdev family (kernel >= 6.3) says;
 * without it nothing is known and the port keeps the XDP path.
 */
static bool port_takes_redirects(const struct nl_link *link)
{
	__u64 features;
	int err = xdp_features_get(link->ifindex, &features);

	if (err) {
		pr_debug("port %s: no XDP features from the kernel (%s): assuming it takes XDP redirects",
			 link->ifname, strerror(-err));
		return true;
	}
	/* No native XDP at all: the attach fails and auto mode falls back to tc. */
	if ((features & XB_NETDEV_XDP_ACT_NDO_XMIT) || !(features & XB_NETDEV_XDP_ACT_BASIC))
		return true;
	/* A veth's peer gets its own warning with the fix (veth_peer_warn). */
	if (strcmp(link->kind, "veth"))
		pr_warn("port %s: its driver cannot send XDP-redirected frames (no ndo_xdp_xmit): frames to it take the slower skb path; fix: a driver with XDP transmit, or load it with --mode tc",
			link->ifname);
	else
		pr_debug("port %s: its veth peer runs neither XDP nor GRO: frames to it take the skb path",
			 link->ifname);
	return false;
}

/* Attach in mode (never auto). try_native: a device without native XDP
 * returns -EOPNOTSUPP, cleaned up and with nothing printed, for the caller
 * to fall back to tc. Prints any other error; 0 or -errno. */
static int port_attach(struct xb_bridge *br, const struct nl_link *link, enum xb_xdp_mode mode,
		       __u32 flags, bool try_native)
{
	LIBBPF_OPTS(bpf_link_create_opts, opts,
		    .flags = mode == XB_MODE_GENERIC ? XDP_FLAGS_SKB_MODE : XDP_FLAGS_DRV_MODE);
	struct xb_port_info info = { .flags = flags, .xdp_mode = mode };
	struct xb_port_slot rec = { .ifindex = (__u32)link->ifindex, .flags = XB_SLOT_FLOOD };
	__u32 ifindex = (__u32)link->ifindex;
	struct xb_port_conf conf = {	/* as br0's defaults */
		.stp_state = XB_STP_FORWARDING,
		.flags = flags & XB_PORT_HOST ? XB_PCONF_HOST : 0,
		/* a learning limit br0 lacks: a MAC flood on one port leaves room */
		.max_learned = xb_default_port_max_learned(bridge_map_capacity(br->fdb_fd)),
	};
	struct xb_prog_opts rx_opts = {};	/* tun hides NEEDS_CSUM from native XDP */
	struct xdpbridge_bpf *skel = NULL;
	char path[PATH_MAX * 2];
	struct xb_config cfg;
	bool stp_on = !bridge_config_get(br, &cfg) && (cfg.flags & XB_CFG_STP);
	int port_slot, link_fd, err;

	/* Unicast into a veth whose peer lives in another netns goes straight
	 * there (bpf_redirect_peer); a port XDP cannot redirect into takes skbs. */
	if (!strcmp(link->kind, "veth") && link->peer_netnsid != NL_NO_NETNSID)
		rec.flags |= XB_SLOT_PEER;
	if (mode != XB_MODE_NATIVE || !port_takes_redirects(link))
		rec.flags |= XB_SLOT_SKB;

	port_slot = port_slot_alloc(br);
	if (port_slot < 0) {
		pr_err("bridge %s is full (%u ports, its --max-ports): unload it and load it with a larger --max-ports (at most %d)",
		       br->name, bridge_max_ports(br), XB_MAX_PORTS);
		return port_slot;
	}
	info.slot = (__u32)port_slot;
	snprintf(info.ifname, sizeof(info.ifname), "%s", link->ifname);
	/* Maps first: the first frame after attach is already bridged. */
	err = port_stats_zero(br, info.slot);
	if (!err && bpf_map_update_elem(br->info_fd, &ifindex, &info, BPF_ANY))
		err = -errno;
	if (!err && bpf_map_update_elem(br->ports_fd, &info.slot, &ifindex, BPF_ANY))
		err = -errno;
	/* With STP on, a new port blocks until the control loop's STP says
	 * otherwise: state blocking, outside the flood domain. */
	if (!err && stp_on) {
		rec.flags &= ~XB_SLOT_FLOOD;
		conf.stp_state = XB_STP_BLOCKING;
	}
	if (!err && bpf_map_update_elem(br->slots_fd, &info.slot, &rec, BPF_ANY))
		err = -errno;
	if (!err && bpf_map_update_elem(br->conf_fd, &info.slot, &conf, BPF_ANY))
		err = -errno;
	if (!err)
		err = vlan_port_join(br, info.slot);	/* default PVID, also for the host port */
	/* With its egress program while the bridge filters floods. */
	if (!err && !stp_on)
		err = policy_flood_add(br, info.slot, ifindex);
	if (!err && (rec.flags & XB_SLOT_SKB))
		err = bridge_skb_ports_update(br);
	if (err) {
		pr_err("cannot register port %s: %s", link->ifname, strerror(-err));
		goto forget;
	}

	/* The skb path first: XDP hands it frames from its first frame on. */
	err = port_skb_path_attach(br, (int)ifindex, link->ifname, info.slot, mode != XB_MODE_TC);
	if (err)
		goto forget;
	xb_fault_point("tc");
	if (mode == XB_MODE_TC)
		goto done;

	rx_opts.port_slot = info.slot;
	rx_opts.partial_csum_check = mode == XB_MODE_NATIVE && !strcmp(link->kind, "tun");
	err = bridge_prog_load_opts(br, XB_PROG_RX, &rx_opts, &skel);
	if (err) {
		pr_err("the kernel refused the XDP program for %s (%s); run with -v for the verifier log",
		       link->ifname, strerror(-err));
		goto forget;
	}
	link_fd = bpf_link_create(bpf_program__fd(skel->progs.xdpbridge_rx), (int)ifindex, BPF_XDP, &opts);
	if (link_fd < 0) {
		err = -errno;
		if (try_native && (err == -EOPNOTSUPP || err == -EINVAL)) {
			err = -EOPNOTSUPP;
			goto forget;
		}
		port_xdp_attach_error(link, mode, err);
		goto forget;
	}
	port_link_pin_path(br, ifindex, path, sizeof(path));
	if (bpf_obj_pin(link_fd, path)) {
		err = -errno;
		pr_err("cannot pin the XDP link of %s at %s: %s", link->ifname, path, strerror(-err));
		close(link_fd);	/* detaches: this was the only reference */
		goto forget;
	}
	close(link_fd);	/* the pin keeps the program attached */
	xdpbridge_bpf__destroy(skel);
done:
	pr_debug("port %s (ifindex %u, port slot %u) attached in %s mode", link->ifname, ifindex,
		 info.slot, xb_mode_name(mode));
	return 0;
forget:
	xdpbridge_bpf__destroy(skel);
	port_tc_detach((int)ifindex);
	port_forget(br, ifindex, info.slot);
	return err;
}

int port_add(struct xb_bridge *br, const struct nl_link *link, enum xb_xdp_mode mode, __u32 flags)
{
	bool try_native;
	int err;

	if (mode != XB_MODE_AUTO)
		return port_attach(br, link, mode, flags, false);
	mode = port_default_mode(link);
	try_native = mode == XB_MODE_NATIVE;
	err = port_attach(br, link, mode, flags, try_native);
	if (err != -EOPNOTSUPP || !try_native)
		return err;
	pr_info("%s has no native XDP: attached in tc mode (the skb path); --mode generic runs XDP on skbs instead",
		link->ifname);
	return port_attach(br, link, XB_MODE_TC, flags, false);
}

/* Detach the XDP link pinned at path. Unpinning alone detaches only when
 * nothing else holds the link (bpftool, another loader): the program would
 * keep running on the interface, learning with its slot, which the next
 * port gets. */
static void port_link_detach(const char *path)
{
	int fd = bpf_obj_get(path);

	if (fd < 0)
		return;
	if (bpf_link_detach(fd))
		pr_warn("cannot detach the XDP link %s: %s", path, strerror(errno));
	close(fd);
}

int port_remove(struct xb_bridge *br, __u32 ifindex)
{
	struct xb_port_info info;
	char path[PATH_MAX * 2];
	bool known;
	int err;

	/* Stop sending to it, then detach, then drop what was learned there. */
	known = !bpf_map_lookup_elem(br->info_fd, &ifindex, &info);
	if (known)
		port_unreach(br, info.slot);
	port_link_pin_path(br, ifindex, path, sizeof(path));
	port_link_detach(path);
	if (unlink(path) && errno != ENOENT) {
		err = -errno;
		pr_err("cannot remove %s: %s", path, strerror(-err));
		return err;
	}
	err = port_tc_detach((int)ifindex);
	if (err)
		pr_warn("cannot remove the TC filter from ifindex %u (%s): 'tc filter del dev DEV ingress handle 0x%x prio %u' removes it",
			ifindex, strerror(-err), XB_TC_HANDLE, XB_TC_PRIORITY);
	fdb_flush(br, ifindex, true);
	if (known)
		port_forget(br, ifindex, info.slot);
	fdb_mark_changed(br);	/* no CPU may keep forwarding to it from its cache */
	return 0;
}

int port_carrier_lost(struct xb_bridge *br, __u32 ifindex)
{
	struct xb_port_info info;
	int removed;

	if (bpf_map_lookup_elem(br->info_fd, &ifindex, &info))
		return -errno;
	/* Learned entries only, as the Linux bridge does: static ones stay. */
	removed = fdb_flush(br, ifindex, false);
	info.carrier_flushes++;
	if (bpf_map_update_elem(br->info_fd, &ifindex, &info, BPF_EXIST))
		return -errno;
	return removed;
}

int port_rename(struct xb_bridge *br, __u32 ifindex, const char *ifname)
{
	struct xb_port_info info;

	if (bpf_map_lookup_elem(br->info_fd, &ifindex, &info))
		return -errno;
	snprintf(info.ifname, sizeof(info.ifname), "%s", ifname);
	/* BPF_EXIST: a port removed meanwhile stays removed. */
	return bpf_map_update_elem(br->info_fd, &ifindex, &info, BPF_EXIST) ? -errno : 0;
}

int port_for_each(const struct xb_bridge *br, port_cb cb, void *ctx)
{
	__u32 key, next, *prev = NULL;
	struct xb_port_info info;
	int ret;

	while (!bpf_map_get_next_key(br->info_fd, prev, &next)) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(br->info_fd, &key, &info))
			continue;	/* removed meanwhile */
		ret = cb(key, &info, ctx);
		if (ret)
			return ret;
	}
	return 0;
}

struct name_search {
	const char *ifname;
	__u32 ifindex;
};

static int name_match(__u32 ifindex, const struct xb_port_info *info, void *ctx)
{
	struct name_search *s = ctx;

	if (strcmp(info->ifname, s->ifname))
		return 0;
	s->ifindex = ifindex;
	return 1;
}

int port_lookup_by_name(const struct xb_bridge *br, const char *ifname, __u32 *ifindex)
{
	struct name_search s = { .ifname = ifname };

	if (!port_for_each(br, name_match, &s))
		return -ENOENT;
	*ifindex = s.ifindex;
	return 0;
}


int ports_validate(const char *bridge, const char *const *names, int n, bool host_port,
		   struct nl_link *links)
{
	char host_port_name[XB_IFNAMSIZ * 2];
	int err;

	bridge_host_port_name(bridge, host_port_name, sizeof(host_port_name));
	for (int i = 0; i < n; i++) {
		for (int j = 0; j < i; j++) {
			if (!strcmp(names[i], names[j])) {
				pr_err("port %s is given twice: list each port once", names[i]);
				return -EINVAL;
			}
		}
		if (host_port && (!strcmp(names[i], bridge) || !strcmp(names[i], host_port_name))) {
			pr_err("%s is the bridge's own host interface: do not list it as a port", names[i]);
			return -EINVAL;
		}
		err = port_validate(names[i], &links[i]);
		if (err)
			return err;
	}
	return 0;
}

/* A port in tc mode needs nothing from its peer (no XDP redirect into it). */
void ports_warn_peers(const struct nl_link *links, int n, enum xb_xdp_mode mode)
{
	for (int i = 0; i < n; i++) {
		enum xb_xdp_mode m = mode == XB_MODE_AUTO ? port_default_mode(&links[i]) : mode;

		if (m != XB_MODE_TC)
			veth_peer_warn(&links[i]);
		if (m == XB_MODE_NATIVE)
			nic_rx_vlan_warn(&links[i]);
	}
}

struct row_list {
	struct port_row *rows;
	size_t n;
};

static int collect_port_row(__u32 ifindex, const struct xb_port_info *info, void *ctx)
{
	struct row_list *l = ctx;
	struct port_row *row;
	void *p = realloc(l->rows, (l->n + 1) * sizeof(*l->rows));

	if (!p)
		return -ENOMEM;
	l->rows = p;
	row = &l->rows[l->n++];
	memset(row, 0, sizeof(*row));
	row->ifindex = ifindex;
	row->info = *info;
	return 0;
}

static int port_row_cmp(const void *a, const void *b)
{
	return strcmp(((const struct port_row *)a)->info.ifname, ((const struct port_row *)b)->info.ifname);
}

/* Every field is a __u64 counter: summed word by word, so a counter added
 * to xb_port_stats is summed without being named here. */
_Static_assert(sizeof(struct xb_port_stats) % sizeof(__u64) == 0,
	       "xb_port_stats holds __u64 counters only");

static void port_stats_sum(const struct xb_port_stats *percpu, int ncpus, struct xb_port_stats *sum)
{
	const size_t words = sizeof(*sum) / sizeof(__u64);
	__u64 *out = (__u64 *)sum;

	for (int c = 0; c < ncpus; c++) {
		const __u64 *in = (const __u64 *)&percpu[c];

		for (size_t w = 0; w < words; w++)
			out[w] += in[w];
	}
}

int port_rows_read(const struct xb_bridge *br, struct port_row **rows, size_t *n)
{
	int ncpus = libbpf_num_possible_cpus();
	struct row_list l = { NULL, 0 };
	struct xb_port_stats *percpu = NULL;
	int err;

	err = port_for_each(br, collect_port_row, &l);
	if (!err && ncpus < 0)
		err = ncpus;
	if (!err && !(percpu = calloc((size_t)ncpus, sizeof(*percpu))))
		err = -ENOMEM;
	if (err)
		goto cleanup;
	for (size_t i = 0; i < l.n; i++)
		if (!bpf_map_lookup_elem(br->stats_fd, &l.rows[i].info.slot, percpu))
			port_stats_sum(percpu, ncpus, &l.rows[i].stats);
	if (l.n)	/* qsort(NULL, 0, ...) is undefined */
		qsort(l.rows, l.n, sizeof(*l.rows), port_row_cmp);
	*rows = l.rows;
	*n = l.n;
	l.rows = NULL;
cleanup:
	free(percpu);
	free(l.rows);
	return err;
}
