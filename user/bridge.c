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
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <linux/magic.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/if_link.h>

#include "bridge.h"
#include "ethtool.h"
#include "log.h"
#include "netlink.h"
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
	{ "flood_ports", MAP_FD(flood_fd), sizeof(struct bpf_devmap_val) },
	{ "port_stats", MAP_FD(stats_fd), sizeof(struct xb_port_stats) },
	{ "port_info", MAP_FD(info_fd), sizeof(struct xb_port_info) },
	{ "config", MAP_FD(config_fd), sizeof(struct xb_config) },
	{ "fdb_sync", MAP_FD(sync_fd), sizeof(struct xb_fdb_sync) },
	{ "fdb_cache", MAP_FD(cache_fd), sizeof(struct xb_fdb_cache) },
	{ "fdb_ages", MAP_FD(ages_fd), sizeof(struct xb_age_block) },
	{ "port_slots", MAP_FD(slots_fd), sizeof(struct xb_port_slot) },
	{ "events", MAP_FD(events_fd), 0 },
	{ "event_bucket", MAP_FD(event_bucket_fd), sizeof(struct xb_event_bucket) },
	{ "port_conf", MAP_FD(conf_fd), sizeof(struct xb_port_conf) },
	{ "port_vlans", MAP_FD(vlans_fd), sizeof(struct xb_port_vlans) },
	{ "stp", MAP_FD(stp_fd), sizeof(struct xb_stp) },
	{ "stp_bridge", MAP_FD(stp_bridge_fd), sizeof(struct xb_stp_bridge) },
	{ "stp_ports", MAP_FD(stp_ports_fd), sizeof(struct xb_stp_port) },
	{ "stp_port_conf", MAP_FD(stp_port_conf_fd), sizeof(struct xb_stp_port_conf) },
	{ "storm_buckets", MAP_FD(storm_fd), sizeof(struct xb_storm_bucket) },
	{ "egress_filtered", MAP_FD(egress_filtered_fd), sizeof(__u64) },
	{ "learn_count", MAP_FD(learn_fd), sizeof(__s64) },
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

void bridge_host_port_name(const char *name, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s", name, XB_HOST_PORT_SUFFIX);
}

int bridge_create(const char *name, const struct xb_create_opts *opts, struct xb_bridge *out)
{
	struct xb_config cfg = {
		.ageing_ns = (__u64)opts->ageing_sec * 1000000000ULL,
		.flags = (opts->host_port ? XB_CFG_HOST_PORT : 0) |
			 /* VLAN floods are filtered per egress port (policy.c) */
			 (opts->vlan_filtering ? XB_CFG_VLAN_FILTERING | XB_CFG_EGRESS_FILTER : 0),
		.vlan_proto = XB_VLAN_PROTO_8021Q,
		.default_pvid = XB_VLAN_DEFAULT_PVID,
		.max_learned = opts->max_learned,
	};
	char dir[PATH_MAX], path[PATH_MAX * 2];
	struct xdpbridge_bpf *skel;
	struct bpf_program *prog;
	struct bpf_map *map;
	int err;

	bridge_init(out, name);	/* closable whatever fails below */
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
	if (!err)
		err = bpf_map__set_max_entries(skel->maps.port_conf, opts->max_ports);
	if (!err)
		err = bpf_map__set_max_entries(skel->maps.port_vlans, opts->max_ports);
	if (!err)
		err = bpf_map__set_max_entries(skel->maps.stp_ports, opts->max_ports);
	if (!err)
		err = bpf_map__set_max_entries(skel->maps.stp_port_conf, opts->max_ports);
	if (!err)
		err = bpf_map__set_max_entries(skel->maps.storm_buckets, opts->max_ports);
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
	err = bridge_open(name, out);
	if (err)
		goto cleanup;
	xb_fault_point("pin");
	err = bridge_config_set(out, &cfg);
	if (err)
		pr_err("cannot write the bridge configuration: %s", strerror(-err));
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
	br->sync = mmap(NULL, sizeof(*br->sync), PROT_READ | PROT_WRITE, MAP_SHARED, br->sync_fd, 0);
	if (br->sync == MAP_FAILED) {
		br->sync = NULL;
		err = -errno;
		if (report)
			pr_err("bridge %s was loaded by an incompatible xdpbridge (fdb_sync not mappable: %s): run 'xdpbridge unload %s' first",
			       name, strerror(-err), name);
		goto cleanup;
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

_Static_assert(offsetof(struct xb_config, flags) == 12,
	       "config.flags keeps its offset: unload reads it from other versions' pins");

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
	if (br->sync)
		munmap(br->sync, sizeof(*br->sync));
	br->sync = NULL;
	for (size_t i = 0; i < NR_PINNED_MAPS; i++) {
		int *fd = bridge_fd(br, &pinned_maps[i]);

		if (*fd >= 0)
			close(*fd);
		*fd = -1;
	}
}

/* One try at loading; frags: the XDP program may span buffers (xdp.frags). */
static int bridge_prog_load_once(const struct xb_bridge *br, enum xb_prog which,
				 const struct xb_prog_opts *o, bool frags, struct xdpbridge_bpf **out)
{
	struct xdpbridge_bpf *skel;
	struct bpf_map *map;
	__u32 flags;
	int err = 0;

	skel = xdpbridge_bpf__open();
	if (!skel)
		return -errno;
	skel->rodata->port_slot = o->port_slot;
	skel->rodata->age_block_mask = br->age_block_mask;
	skel->rodata->tc_after_xdp = which == XB_PROG_TC_AFTER_XDP;
	skel->rodata->partial_csum_check = which == XB_PROG_RX && o->partial_csum_check;
	skel->rodata->frags_to_skb = which == XB_PROG_RX && !sys_xdp_frags_redirect();
	bpf_program__set_autoload(skel->progs.xdpbridge_rx, which == XB_PROG_RX);
	bpf_program__set_autoload(skel->progs.xdpbridge_age, which == XB_PROG_AGE);
	bpf_program__set_autoload(skel->progs.xdpbridge_age_full, which == XB_PROG_AGE);
	bpf_program__set_autoload(skel->progs.xdpbridge_tc,
				  which == XB_PROG_TC || which == XB_PROG_TC_AFTER_XDP);
	bpf_program__set_autoload(skel->progs.xdpbridge_kdrop_redirect, which == XB_PROG_KDROP);
	bpf_program__set_autoload(skel->progs.xdpbridge_kdrop_xmit, which == XB_PROG_KDROP);
	bpf_program__set_autoload(skel->progs.xdpbridge_egress, which == XB_PROG_EGRESS);
	flags = bpf_program__flags(skel->progs.xdpbridge_rx);
	if (!frags)
		bpf_program__set_flags(skel->progs.xdpbridge_rx, flags & ~BPF_F_XDP_HAS_FRAGS);
	flags = bpf_program__flags(skel->progs.xdpbridge_egress);
	if (!frags)
		bpf_program__set_flags(skel->progs.xdpbridge_egress, flags & ~BPF_F_XDP_HAS_FRAGS);
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

int bridge_prog_load_opts(const struct xb_bridge *br, enum xb_prog which,
			  const struct xb_prog_opts *opts, struct xdpbridge_bpf **out)
{
	int err;

	err = bridge_prog_load_once(br, which, opts, true, out);
	if (err && (which == XB_PROG_RX || which == XB_PROG_EGRESS)) {
		/* Before 5.18 there are no XDP fragments: no jumbo frames either. */
		pr_debug("XDP program with fragments refused (%s); loading it without", strerror(-err));
		err = bridge_prog_load_once(br, which, opts, false, out);
	}
	return err;
}

int bridge_prog_load(const struct xb_bridge *br, enum xb_prog which, __u32 port_slot,
		     struct xdpbridge_bpf **out)
{
	const struct xb_prog_opts opts = { .port_slot = port_slot };

	return bridge_prog_load_opts(br, which, &opts, out);
}

int bridge_config_get(const struct xb_bridge *br, struct xb_config *cfg)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(br->config_fd, &zero, cfg) ? -errno : 0;
}

int bridge_config_set(const struct xb_bridge *br, const struct xb_config *cfg)
{
	struct xb_config c = *cfg;
	__u32 zero = 0;

	c.refresh_ns = xb_refresh_ns(c.ageing_ns);
	c.cache_ns = xb_cache_ns(c.ageing_ns);
	return bpf_map_update_elem(br->config_fd, &zero, &c, BPF_ANY) ? -errno : 0;
}

int bridge_ageing_set(const struct xb_bridge *br, __u32 ageing_sec)
{
	struct xb_config cfg;
	int err;

	err = bridge_config_get(br, &cfg);
	if (err)
		return err;
	cfg.ageing_ns = (__u64)ageing_sec * 1000000000ULL;
	return bridge_config_set(br, &cfg);
}

struct xb_fdb_sync bridge_sync_read(const struct xb_bridge *br)
{
	struct xb_fdb_sync s = {
		.fdb_generation = __atomic_load_n(&br->sync->fdb_generation, __ATOMIC_SEQ_CST),
		.age_untracked = __atomic_load_n(&br->sync->age_untracked, __ATOMIC_SEQ_CST),
	};

	return s;
}

void bridge_fdb_changed(const struct xb_bridge *br)
{
	__atomic_fetch_add(&br->sync->fdb_generation, 1, __ATOMIC_SEQ_CST);
}

void bridge_untracked_add(const struct xb_bridge *br, __u32 n)
{
	__atomic_fetch_add(&br->sync->age_untracked, n, __ATOMIC_SEQ_CST);
}

int bridge_host_iface_create(const char *name)
{
	char peer[XB_IFNAMSIZ * 2];	/* the host port */
	int err, ifindex, peer_ifindex;

	bridge_host_port_name(name, peer, sizeof(peer));
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
	/* Tags the host sends must be in the frame for XDP on the peer to keep:
	 * 802.1Q (txvlan) and 802.1ad (tx-vlan-stag-hw-insert) alike. */
	if (!err)
		err = ethtool_set_tx_vlan(name, false);
	if (!err) {
		err = ethtool_set_tx_vlan_stag(name, false);
		if (err == -ENOENT || err == -EOPNOTSUPP)
			err = 0;	/* no S-tag insert offload: nothing to put back */
	}
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


/* Only a veth by that name: never an interface the bridge did not create. */
static void bridge_host_iface_delete(const char *name)
{
	int ifindex = (int)if_nametoindex(name);
	struct nl_link link;

	if (ifindex && !nl_link_get(NL_NO_NETNSID, ifindex, &link) && !strcmp(link.kind, "veth"))
		nl_link_delete(ifindex);
}

__u32 bridge_map_capacity(int map_fd)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);

	return bpf_obj_get_info_by_fd(map_fd, &info, &len) ? 0 : info.max_entries;
}

__u32 bridge_max_ports(const struct xb_bridge *br)
{
	__u32 n = bridge_map_capacity(br->info_fd);

	if (!n)
		return XB_DEFAULT_MAX_PORTS;
	return n < XB_MAX_PORTS ? n : XB_MAX_PORTS;
}

/* Take every port out of the forwarding maps: no port redirects to another
 * one while the links are going, one by one. Port-sized, never FDB-sized. */
static void bridge_unreach_all(const struct xb_bridge *br)
{
	__u32 max = bridge_max_ports(br);

	struct xb_port_slot none = { 0 };

	for (__u32 port_slot = 0; port_slot < max; port_slot++) {
		bpf_map_delete_elem(br->flood_fd, &port_slot);
		bpf_map_delete_elem(br->ports_fd, &port_slot);
		bpf_map_update_elem(br->slots_fd, &port_slot, &none, BPF_ANY);
	}
}

/* Unlink the pins of dir whose name starts with prefix ("" for all);
 * detach: they are links, detached first (another holder of a link would
 * keep its program running on the interface). */
static void pins_unlink(const char *dir_path, const char *prefix, bool detach)
{
	struct dirent *de;
	DIR *dir;

	dir = opendir(dir_path);
	if (!dir)
		return;
	while ((de = readdir(dir))) {
		char file[PATH_MAX * 2 + 256];

		if (de->d_name[0] == '.' || strncmp(de->d_name, prefix, strlen(prefix)))
			continue;
		snprintf(file, sizeof(file), "%s/%s", dir_path, de->d_name);
		if (detach) {
			int fd = bpf_obj_get(file);

			if (fd >= 0) {
				bpf_link_detach(fd);
				close(fd);
			}
		}
		unlink(file);
	}
	closedir(dir);
}

void bridge_destroy_unpinned(struct xb_bridge *br)
{
	__u32 key, next, *prev = NULL;
	struct xb_config cfg = {};

	/* The XDP links went with their pins; TC filters hold no pin. */
	while (!bpf_map_get_next_key(br->info_fd, prev, &next)) {
		key = next;
		prev = &key;
		port_tc_detach((int)key);
	}
	if (!bridge_config_get(br, &cfg) && (cfg.flags & XB_CFG_HOST_PORT))
		bridge_host_iface_delete(br->name);
}

bool bridge_bpffs_mounted(void)
{
	struct statfs st;

	return !statfs(XB_BPFFS, &st) && st.f_type == BPF_FS_MAGIC;
}

/*
 * The maps go with their pins (nothing else holds them), the ports detach
 * with their link pins: no FDB flush, no per-port cleanup of maps that are
 * about to disappear.
 */
int bridge_destroy(const char *name)
{
	char path[PATH_MAX * 2];
	struct xb_config cfg = {};
	struct xb_bridge br;
	int err;

	err = bridge_open_pins(name, &br, false);
	if (!err) {
		bridge_unreach_all(&br);
		bridge_config_get(&br, &cfg);
		bridge_close(&br);
	} else {
		cfg.flags = bridge_flags_from_pin(name);
	}
	bridge_pin_dir(name, path, sizeof(path));
	/* Detach every port first: TC filters hold no pin (found through the
	 * pinned registry), XDP programs go with their link pins. */
	ports_tc_detach_pinned(path);
	pins_unlink(path, "link_", true);
	/* The host interface goes with the bridge (its host port with it). */
	if (cfg.flags & XB_CFG_HOST_PORT)
		bridge_host_iface_delete(name);
	/* Every pin, including those a partial load or a failed open left. */
	pins_unlink(path, "", false);
	if (rmdir(path) && errno != ENOENT) {
		err = -errno;
		pr_err("cannot remove %s: %s", path, strerror(-err));
		return err;
	}
	rmdir(XB_PIN_ROOT);	/* only when empty: other bridges keep it */
	return 0;
}
