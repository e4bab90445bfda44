// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#define _GNU_SOURCE
#include <dirent.h>
#include <stddef.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/stat.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/if_link.h>

#include "bridge.h"
#include "ethtool.h"
#include "fdb.h"
#include "kdrop.h"
#include "log.h"
#include "sys.h"
#include "tc.h"
#include "xdpbridge.skel.h"

/* Pinned maps, the fd each lands in, and the value size that must match. */
struct pinned_map {
	const char *name;
	size_t fd_offset;
	__u32 value_size;	/* 0: not checked */
};

#define MAP_FD(field) offsetof(struct xb_bridge, field)
static const struct pinned_map pinned_maps[] = {
	{ "fdb", MAP_FD(fdb_fd), sizeof(struct xb_fdb_entry) },
	{ "fdb_static", MAP_FD(fdb_static_fd), sizeof(struct xb_fdb_static) },
	{ "ports", MAP_FD(ports_fd), 0 },
	{ "flood_ports", MAP_FD(flood_fd), 0 },
	{ "port_stats", MAP_FD(stats_fd), sizeof(struct xb_port_stats) },
	{ "port_info", MAP_FD(info_fd), sizeof(struct xb_port_info) },
	{ "config", MAP_FD(config_fd), sizeof(struct xb_config) },
	{ "fdb_cache", MAP_FD(cache_fd), sizeof(struct xb_fdb_cache) },
	{ "fdb_ages", MAP_FD(ages_fd), sizeof(struct xb_age_block) },
	{ "port_slots", MAP_FD(slots_fd), sizeof(struct xb_port_slot) },
};
#define NR_PINNED_MAPS (sizeof(pinned_maps) / sizeof(pinned_maps[0]))

static int *bridge_fd(struct xb_bridge *br, const struct pinned_map *m)
{
	return (int *)((char *)br + m->fd_offset);
}

static void bridge_init(struct xb_bridge *br, const char *name)
{
	memset(br, 0, sizeof(*br));
	snprintf(br->name, sizeof(br->name), "%s", name);
	bridge_pin_dir(name, br->pin_dir, sizeof(br->pin_dir));
	for (size_t i = 0; i < NR_PINNED_MAPS; i++)
		*bridge_fd(br, &pinned_maps[i]) = -1;
}

void bridge_pin_dir(const char *name, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", XB_PIN_ROOT, name);
}

bool bridge_exists(const char *name)
{
	char dir[PATH_MAX];
	struct stat st;

	bridge_pin_dir(name, dir, sizeof(dir));
	return !stat(dir, &st) && S_ISDIR(st.st_mode);
}

void bridge_host_peer_name(const char *name, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s", name, XB_HOST_PEER_SUFFIX);
}

int bridge_create(const char *name, const struct xb_create_opts *opts, struct xb_bridge *out)
{
	struct xb_config cfg = {
		.ageing_ns = (__u64)opts->ageing_sec * 1000000000ULL,
		.flags = opts->host_port ? XB_CFG_HOST_PORT : 0,
	};
	char dir[PATH_MAX], path[PATH_MAX * 2];
	struct xdpbridge_bpf *skel;
	struct bpf_program *prog;
	struct bpf_map *map;
	__u32 zero = 0;
	int err;

	skel = xdpbridge_bpf__open();
	if (!skel) {
		err = -errno;
		pr_err("cannot open the BPF object: %s", strerror(-err));
		return err;
	}
	err = bpf_map__set_max_entries(skel->maps.fdb, opts->fdb_size);
	if (!err)
		err = bpf_map__set_max_entries(skel->maps.fdb_ages, xb_age_blocks(opts->fdb_size));
	if (!err)
		err = bpf_map__set_max_entries(skel->maps.ports, opts->max_ports);
	if (!err)
		err = bpf_map__set_max_entries(skel->maps.flood_ports, opts->max_ports);
	if (!err)
		err = bpf_map__set_max_entries(skel->maps.port_stats, opts->max_ports);
	if (!err)
		err = bpf_map__set_max_entries(skel->maps.port_info, opts->max_ports);
	if (!err)
		err = bpf_map__set_max_entries(skel->maps.port_slots, opts->max_ports);
	if (err)
		goto cleanup;
	/* Maps only: each port loads its own program instance (port_add). */
	bpf_object__for_each_program(prog, skel->obj)
		bpf_program__set_autoload(prog, false);
	err = xdpbridge_bpf__load(skel);
	if (err) {
		pr_err("the kernel refused the bridge's maps (%s); run with -v for details", strerror(-err));
		goto cleanup;
	}

	if (mkdir(XB_PIN_ROOT, 0700) && errno != EEXIST) {
		err = -errno;
		pr_err("cannot create %s: %s", XB_PIN_ROOT, strerror(-err));
		goto cleanup;
	}
	bridge_pin_dir(name, dir, sizeof(dir));
	if (mkdir(dir, 0700)) {
		err = -errno;
		pr_err("cannot create %s: %s", dir, strerror(-err));
		goto cleanup;
	}
	bpf_object__for_each_map(map, skel->obj) {
		if (bpf_map__is_internal(map))
			continue;	/* .rodata: per program instance */
		snprintf(path, sizeof(path), "%s/%s", dir, bpf_map__name(map));
		err = bpf_map__pin(map, path);
		if (err) {
			pr_err("cannot pin map %s: %s", path, strerror(-err));
			goto cleanup;
		}
	}
	err = bpf_map_update_elem(bpf_map__fd(skel->maps.config), &zero, &cfg, BPF_ANY);
	if (err) {
		err = -errno;
		pr_err("cannot write the bridge configuration: %s", strerror(-err));
		goto cleanup;
	}
	err = bridge_open(name, out);
	if (!err)
		bridge_kdrop_attach(out);
cleanup:
	xdpbridge_bpf__destroy(skel);
	return err;
}

/* report: print what is wrong (unload opens quietly: it removes either way). */
static int bridge_open_pins(const char *name, struct xb_bridge *br, bool report)
{
	char path[PATH_MAX * 2];
	int err;

	bridge_init(br, name);
	if (!bridge_exists(name))
		return -ENOENT;
	for (size_t i = 0; i < NR_PINNED_MAPS; i++) {
		const struct pinned_map *m = &pinned_maps[i];
		struct bpf_map_info info = {};
		__u32 len = sizeof(info);
		int fd;

		snprintf(path, sizeof(path), "%s/%s", br->pin_dir, m->name);
		fd = bpf_obj_get(path);
		if (fd < 0) {
			err = -errno;
			if (report)
				pr_err("bridge %s is incomplete (%s: %s): run 'xdpbridge unload %s' and load it again",
				       name, path, strerror(-err), name);
			goto cleanup;
		}
		*bridge_fd(br, m) = fd;
		if (m->value_size && (bpf_obj_get_info_by_fd(fd, &info, &len) ||
				      info.value_size != m->value_size)) {
			err = -EPROTO;
			if (report)
				pr_err("bridge %s was loaded by an incompatible xdpbridge (map %s): run 'xdpbridge unload %s' first",
				       name, m->name, name);
			goto cleanup;
		}
		if (fd == br->ages_fd)	/* info was read just above */
			br->age_block_mask = info.max_entries - 1;	/* a power of two */
	}
	return 0;
cleanup:
	bridge_close(br);
	return err;
}

int bridge_open(const char *name, struct xb_bridge *br)
{
	return bridge_open_pins(name, br, true);
}

/* config.flags read straight from the pin, for a bridge bridge_open refuses
 * (incomplete, or pinned by another xdpbridge version: flags has kept its
 * offset). 0 when unreadable. */
static __u32 bridge_flags_from_pin(const char *name)
{
	unsigned char value[256] = { 0 };
	struct bpf_map_info info = {};
	__u32 len = sizeof(info), zero = 0, flags = 0;
	char dir[PATH_MAX], path[PATH_MAX * 2];
	int fd;

	bridge_pin_dir(name, dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/config", dir);
	fd = bpf_obj_get(path);
	if (fd < 0)
		return 0;
	if (!bpf_obj_get_info_by_fd(fd, &info, &len) && info.value_size <= sizeof(value) &&
	    info.value_size >= offsetof(struct xb_config, flags) + sizeof(flags) &&
	    !bpf_map_lookup_elem(fd, &zero, value))
		memcpy(&flags, value + offsetof(struct xb_config, flags), sizeof(flags));
	close(fd);
	return flags;
}

void bridge_close(struct xb_bridge *br)
{
	for (size_t i = 0; i < NR_PINNED_MAPS; i++) {
		int *fd = bridge_fd(br, &pinned_maps[i]);

		if (*fd >= 0)
			close(*fd);
		*fd = -1;
	}
}

/* One try at loading; frags: the XDP program may span buffers (xdp.frags). */
static int bridge_prog_load_once(const struct xb_bridge *br, enum xb_prog which, __u32 slot,
				 bool frags, struct xdpbridge_bpf **out)
{
	struct xdpbridge_bpf *skel;
	struct bpf_map *map;
	__u32 flags;
	int err = 0;

	skel = xdpbridge_bpf__open();
	if (!skel)
		return -errno;
	skel->rodata->port_slot = slot;
	skel->rodata->age_block_mask = br->age_block_mask;
	skel->rodata->tc_after_xdp = which == XB_PROG_TC_AFTER_XDP;
	bpf_program__set_autoload(skel->progs.xdpbridge_rx, which == XB_PROG_RX);
	bpf_program__set_autoload(skel->progs.xdpbridge_age, which == XB_PROG_AGE);
	bpf_program__set_autoload(skel->progs.xdpbridge_age_full, which == XB_PROG_AGE);
	bpf_program__set_autoload(skel->progs.xdpbridge_tc,
				  which == XB_PROG_TC || which == XB_PROG_TC_AFTER_XDP);
	bpf_program__set_autoload(skel->progs.xdpbridge_kdrop_redirect, which == XB_PROG_KDROP);
	bpf_program__set_autoload(skel->progs.xdpbridge_kdrop_xmit, which == XB_PROG_KDROP);
	flags = bpf_program__flags(skel->progs.xdpbridge_rx);
	if (!frags)
		bpf_program__set_flags(skel->progs.xdpbridge_rx, flags & ~BPF_F_XDP_HAS_FRAGS);
	bpf_object__for_each_map(map, skel->obj) {
		const struct pinned_map *m = NULL;

		for (size_t i = 0; i < NR_PINNED_MAPS; i++)
			if (!strcmp(pinned_maps[i].name, bpf_map__name(map)))
				m = &pinned_maps[i];
		if (!m)
			continue;	/* .rodata: this instance's own */
		err = bpf_map__reuse_fd(map, *bridge_fd((struct xb_bridge *)br, m));
		if (err)
			goto fail;
	}
	err = xdpbridge_bpf__load(skel);
	if (err)
		goto fail;
	*out = skel;
	return 0;
fail:
	xdpbridge_bpf__destroy(skel);
	return err;
}

int bridge_prog_load(const struct xb_bridge *br, enum xb_prog which, __u32 slot,
		     struct xdpbridge_bpf **out)
{
	int err;

	err = bridge_prog_load_once(br, which, slot, true, out);
	if (err && which == XB_PROG_RX) {
		/* Before 5.18 there are no XDP fragments: no jumbo frames either. */
		pr_debug("XDP program with fragments refused (%s); loading it without", strerror(-err));
		err = bridge_prog_load_once(br, which, slot, false, out);
	}
	return err;
}

int bridge_config_get(const struct xb_bridge *br, struct xb_config *cfg)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(br->config_fd, &zero, cfg) ? -errno : 0;
}

int bridge_config_set(const struct xb_bridge *br, const struct xb_config *cfg)
{
	__u32 zero = 0;

	return bpf_map_update_elem(br->config_fd, &zero, cfg, BPF_ANY) ? -errno : 0;
}

int bridge_fdb_changed(const struct xb_bridge *br)
{
	struct xb_fdb_key key, next;
	struct xb_config cfg;
	__u32 count = 0;
	void *prev = NULL;
	int err;

	while (!bpf_map_get_next_key(br->fdb_static_fd, prev, &next)) {
		count++;
		key = next;
		prev = &key;
	}
	err = bridge_config_get(br, &cfg);
	if (err)
		return err;
	cfg.static_count = count;
	cfg.fdb_generation++;
	return bridge_config_set(br, &cfg);
}

int bridge_host_iface_create(const char *name)
{
	char peer[XB_IFNAMSIZ * 2];
	int err, ifindex, peer_ifindex;

	bridge_host_peer_name(name, peer, sizeof(peer));
	err = nl_veth_create(name, peer);
	if (err) {
		pr_err("cannot create the host interface %s (veth peer %s): %s", name, peer, strerror(-err));
		return err;
	}
	ifindex = (int)if_nametoindex(name);
	peer_ifindex = (int)if_nametoindex(peer);
	if (!ifindex || !peer_ifindex) {
		pr_err("the host interface %s (veth peer %s) vanished right after its creation", name, peer);
		return -ENODEV;
	}
	/*
	 * Frames the bridge redirects into the peer arrive on <name>: it needs
	 * NAPI (GRO) to receive them. The host's own TCP leaves <name> with a
	 * partial checksum nobody completes on the XDP path: compute it in software.
	 * Likewise a VLAN tag beside the frame: put it in the frame.
	 */
	err = ethtool_set_gro(name, true);
	if (!err)
		err = ethtool_set_tx_csum(name, false);
	/* Tags the host sends must be in the frame for XDP on the peer to keep. */
	if (!err)
		err = ethtool_set_tx_vlan(name, false);
	if (err) {
		pr_err("cannot configure offloads on host interface %s: %s", name, strerror(-err));
		return err;
	}
	err = nl_link_set_up(peer_ifindex);
	if (!err)
		err = nl_link_set_up(ifindex);
	if (err)
		pr_err("cannot bring up host interface %s: %s", name, strerror(-err));
	return err;
}

struct owner_search {
	int ifindex;
	bool found;
};

static int owner_match(__u32 ifindex, const struct xb_port_info *info, void *ctx)
{
	struct owner_search *s = ctx;

	if ((int)ifindex == s->ifindex)
		s->found = true;
	return s->found;
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
		struct owner_search s = { .ifindex = ifindex };
		char path[PATH_MAX];
		struct xb_bridge br;
		int fd;

		if (de->d_name[0] == '.')
			continue;
		bridge_init(&br, de->d_name);
		snprintf(path, sizeof(path), "%s/%s/port_info", XB_PIN_ROOT, de->d_name);
		fd = bpf_obj_get(path);
		if (fd < 0)
			continue;
		br.info_fd = fd;
		port_for_each(&br, owner_match, &s);
		close(fd);
		if (s.found) {
			snprintf(owner, len, "%s", de->d_name);
			found = 1;
		}
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

static int port_stats_zero(const struct xb_bridge *br, __u32 slot)
{
	int ncpus = libbpf_num_possible_cpus();
	struct xb_port_stats *zeros;
	int err = 0;

	if (ncpus < 0)
		return ncpus;
	zeros = calloc((size_t)ncpus, sizeof(*zeros));
	if (!zeros)
		return -ENOMEM;
	if (bpf_map_update_elem(br->stats_fd, &slot, zeros, BPF_ANY))
		err = -errno;
	free(zeros);
	return err;
}

/* Stop sending to a port: no more flooding to it, no more unicast. */
static void port_unreach(struct xb_bridge *br, __u32 slot)
{
	struct xb_port_slot none = { 0 };

	bpf_map_delete_elem(br->flood_fd, &slot);
	bpf_map_delete_elem(br->ports_fd, &slot);
	bpf_map_update_elem(br->slots_fd, &slot, &none, BPF_ANY);
}

/* Forget a port in every map (the link is handled by the caller). */
static void port_forget(struct xb_bridge *br, __u32 ifindex, __u32 slot)
{
	port_unreach(br, slot);
	port_stats_zero(br, slot);	/* the next port in this slot starts at 0 */
	bpf_map_delete_elem(br->info_fd, &ifindex);
}

/* How many ports the bridge was loaded for (--max-ports). */
static __u32 bridge_max_ports(const struct xb_bridge *br)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);

	if (bpf_obj_get_info_by_fd(br->info_fd, &info, &len))
		return XB_DEFAULT_MAX_PORTS;
	return info.max_entries < XB_MAX_PORTS ? info.max_entries : XB_MAX_PORTS;
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

/* A port takes skbs only: from now on XDP hands floods to the skb path.
 * Never cleared (a later port del leaves floods on the skb path: slower,
 * still correct). Callers hold the command lock (config read-modify-write). */
static int bridge_skb_ports_mark(const struct xb_bridge *br)
{
	struct xb_config cfg;
	int err;

	err = bridge_config_get(br, &cfg);
	if (err || (cfg.flags & XB_CFG_SKB_PORTS))
		return err;
	cfg.flags |= XB_CFG_SKB_PORTS;
	return bridge_config_set(br, &cfg);
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

int port_add(struct xb_bridge *br, const struct nl_link *link, enum xb_xdp_mode mode, __u32 flags)
{
	LIBBPF_OPTS(bpf_link_create_opts, opts,
		    .flags = mode == XB_MODE_GENERIC ? XDP_FLAGS_SKB_MODE : XDP_FLAGS_DRV_MODE);
	struct xb_port_info info = { .flags = flags, .xdp_mode = mode };
	struct xb_port_slot rec = { .ifindex = (__u32)link->ifindex, .flags = XB_SLOT_FLOOD };
	__u32 ifindex = (__u32)link->ifindex;
	struct xdpbridge_bpf *skel = NULL;
	char path[PATH_MAX * 2];
	int slot, link_fd, err;

	if (!strcmp(link->kind, "veth") && link->peer_netnsid != NL_NO_NETNSID)
		rec.flags |= XB_SLOT_PEER;
	if (mode != XB_MODE_NATIVE)
		rec.flags |= XB_SLOT_SKB;
	slot = port_slot_alloc(br);
	if (slot < 0) {
		pr_err("bridge %s is full (%u ports, its --max-ports): unload it and load it with a larger --max-ports (at most %d)",
		       br->name, bridge_max_ports(br), XB_MAX_PORTS);
		return slot;
	}
	info.slot = (__u32)slot;
	snprintf(info.ifname, sizeof(info.ifname), "%s", link->ifname);
	/* Maps first: the first frame after attach is already bridged. */
	err = port_stats_zero(br, info.slot);
	if (!err && bpf_map_update_elem(br->info_fd, &ifindex, &info, BPF_ANY))
		err = -errno;
	if (!err && bpf_map_update_elem(br->ports_fd, &info.slot, &ifindex, BPF_ANY))
		err = -errno;
	if (!err && bpf_map_update_elem(br->flood_fd, &info.slot, &ifindex, BPF_ANY))
		err = -errno;
	if (!err && bpf_map_update_elem(br->slots_fd, &info.slot, &rec, BPF_ANY))
		err = -errno;
	if (!err && mode != XB_MODE_NATIVE)
		err = bridge_skb_ports_mark(br);
	if (err) {
		pr_err("cannot register port %s: %s", link->ifname, strerror(-err));
		goto forget;
	}

	/* The skb path first: XDP hands it frames from its first frame on. */
	err = port_skb_path_attach(br, (int)ifindex, link->ifname, info.slot, mode != XB_MODE_TC);
	if (err)
		goto forget;
	if (mode == XB_MODE_TC)
		goto done;

	err = bridge_prog_load(br, XB_PROG_RX, info.slot, &skel);
	if (err) {
		pr_err("the kernel refused the XDP program for %s (%s); run with -v for the verifier log",
		       link->ifname, strerror(-err));
		goto forget;
	}
	link_fd = bpf_link_create(bpf_program__fd(skel->progs.xdpbridge_rx), (int)ifindex, BPF_XDP, &opts);
	if (link_fd < 0) {
		err = -errno;
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
	pr_debug("port %s (ifindex %u, slot %u) attached in %s mode", link->ifname, ifindex,
		 info.slot, mode == XB_MODE_TC ? "tc" : mode == XB_MODE_GENERIC ? "generic" : "native");
	return 0;
forget:
	xdpbridge_bpf__destroy(skel);
	port_tc_detach((int)ifindex);
	port_forget(br, ifindex, info.slot);
	return err;
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
	bridge_fdb_changed(br);	/* no CPU may keep forwarding to it from its cache */
	return 0;
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

static int collect_port(__u32 ifindex, const struct xb_port_info *info, void *ctx)
{
	__u32 **cursor = ctx;

	*(*cursor)++ = ifindex;
	return 0;
}

int bridge_destroy(const char *name)
{
	__u32 ifindexes[XB_MAX_PORTS], *cursor = ifindexes;
	char path[PATH_MAX * 2];
	struct xb_config cfg = {};
	struct xb_bridge br;
	struct dirent *de;
	DIR *dir;
	int err;

	err = bridge_open_pins(name, &br, false);
	if (!err) {
		port_for_each(&br, collect_port, &cursor);
		for (__u32 *p = ifindexes; p < cursor; p++)
			port_remove(&br, *p);
		bridge_config_get(&br, &cfg);
		bridge_close(&br);
	} else {
		/* Its ports' XDP detaches when their link pins go, below; TC
		 * filters hold no pin: remove them by the registry. */
		cfg.flags = bridge_flags_from_pin(name);
		bridge_pin_dir(name, path, sizeof(path));
		ports_tc_detach_pinned(path);
	}
	/* The host interface goes with the bridge (its peer, a port, with it). */
	if (cfg.flags & XB_CFG_HOST_PORT) {
		struct nl_link link;
		int ifindex = (int)if_nametoindex(name);

		if (ifindex && !nl_link_get(NL_NO_NETNSID, ifindex, &link) && !strcmp(link.kind, "veth"))
			nl_link_delete(ifindex);
	}
	/* Every pin, including those a partial load or a failed open left. */
	bridge_pin_dir(name, path, sizeof(path));
	dir = opendir(path);
	if (dir) {
		while ((de = readdir(dir))) {
			char file[PATH_MAX * 2 + 256];

			if (de->d_name[0] == '.')
				continue;
			snprintf(file, sizeof(file), "%s/%s", path, de->d_name);
			unlink(file);
		}
		closedir(dir);
	}
	if (rmdir(path) && errno != ENOENT) {
		err = -errno;
		pr_err("cannot remove %s: %s", path, strerror(-err));
		return err;
	}
	rmdir(XB_PIN_ROOT);	/* only when empty: other bridges keep it */
	return 0;
}
