// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* VLAN filtering from user space: see vlan.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>

#include "bridge.h"
#include "fdb.h"
#include "policy.h"
#include "vlan.h"

static void vlan_bit_set(__u64 *bitmap, __u32 vid, bool on)
{
	if (on)
		bitmap[vid / 64] |= 1ULL << (vid % 64);
	else
		bitmap[vid / 64] &= ~(1ULL << (vid % 64));
}

int vlan_port_get(const struct xb_bridge *br, __u32 slot, struct xb_port_vlans *pv, __u16 *pvid)
{
	struct xb_port_conf conf;

	if (bpf_map_lookup_elem(br->vlans_fd, &slot, pv) ||
	    bpf_map_lookup_elem(br->conf_fd, &slot, &conf))
		return -errno;
	*pvid = conf.pvid;
	return 0;
}

/* Membership first, then the PVID: a frame never gets a PVID its port is
 * not (yet) a member of. */
static int vlan_port_put(const struct xb_bridge *br, __u32 slot, const struct xb_port_vlans *pv,
			 __u16 pvid)
{
	struct xb_port_conf conf;

	if (bpf_map_update_elem(br->vlans_fd, &slot, pv, BPF_ANY) ||
	    bpf_map_lookup_elem(br->conf_fd, &slot, &conf))
		return -errno;
	conf.pvid = pvid;
	if (bpf_map_update_elem(br->conf_fd, &slot, &conf, BPF_ANY))
		return -errno;
	return 0;
}

int vlan_add(const struct xb_bridge *br, __u32 slot, __u16 lo, __u16 hi, __u32 flags)
{
	struct xb_port_vlans pv;
	__u16 pvid;
	__u32 vid;
	int err;

	if (!lo || lo > hi || hi > XB_VLAN_VID_MAX || ((flags & XB_VLANF_PVID) && lo != hi))
		return -EINVAL;
	err = vlan_port_get(br, slot, &pv, &pvid);
	if (err)
		return err;
	for (vid = lo; vid <= hi; vid++) {
		vlan_bit_set(pv.member, vid, true);
		vlan_bit_set(pv.untagged, vid, flags & XB_VLANF_UNTAGGED);
		if (flags & XB_VLANF_PVID)
			pvid = (__u16)vid;
		else if (pvid == vid)
			pvid = 0;
	}
	return vlan_port_put(br, slot, &pv, pvid);
}

/* Learned and static entries of ifindex in VIDs lo..hi. */
static int vlan_fdb_forget(const struct xb_bridge *br, __u32 ifindex, __u16 lo, __u16 hi)
{
	struct fdb_row *rows = NULL;
	size_t n = 0, i;
	int err;

	err = fdb_dump(br, &rows, &n);
	for (i = 0; !err && i < n; i++)
		if (rows[i].ifindex == ifindex && rows[i].key.vlan >= lo && rows[i].key.vlan <= hi)
			err = fdb_del(br, &rows[i].key);
	free(rows);
	if (err == -ENOENT)
		err = 0;	/* aged or evicted meanwhile */
	return err ? err : fdb_mark_changed(br);
}

int vlan_del(const struct xb_bridge *br, __u32 slot, __u32 ifindex, __u16 lo, __u16 hi)
{
	struct xb_port_vlans pv;
	__u16 pvid;
	__u32 vid;
	int err;

	if (!lo || lo > hi || hi > XB_VLAN_VID_MAX)
		return -EINVAL;
	err = vlan_port_get(br, slot, &pv, &pvid);
	if (err)
		return err;
	for (vid = lo; vid <= hi; vid++) {
		vlan_bit_set(pv.member, vid, false);
		vlan_bit_set(pv.untagged, vid, false);
	}
	if (pvid >= lo && pvid <= hi)
		pvid = 0;
	/* The PVID first: no frame is classified into a VID being removed. */
	err = vlan_port_put(br, slot, &pv, pvid);
	return err ? err : vlan_fdb_forget(br, ifindex, lo, hi);
}

int vlan_port_join(const struct xb_bridge *br, __u32 slot)
{
	struct xb_port_vlans pv = {};
	struct xb_config cfg;
	__u16 pvid;
	int err;

	err = bridge_config_get(br, &cfg);
	if (err)
		return err;
	pvid = cfg.default_pvid <= XB_VLAN_VID_MAX ? cfg.default_pvid : 0;
	if (pvid) {
		vlan_bit_set(pv.member, pvid, true);
		vlan_bit_set(pv.untagged, pvid, true);
	}
	return vlan_port_put(br, slot, &pv, pvid);
}

/* config is read, changed and written under the command lock. */
static int vlan_config_update(const struct xb_bridge *br, __u32 set, __u32 clear,
			      const __u16 *proto, const __u16 *default_pvid)
{
	struct xb_config cfg;
	int err;

	err = bridge_config_get(br, &cfg);
	if (err)
		return err;
	cfg.flags = (cfg.flags & ~clear) | set;
	if (proto)
		cfg.vlan_proto = *proto;
	if (default_pvid)
		cfg.default_pvid = *default_pvid;
	err = bridge_config_set(br, &cfg);
	if (!err)
		bridge_fdb_changed(br);	/* keys change meaning: no CPU trusts its cache */
	return err;
}

/* On: the egress programs follow the flag (policy_sync); off: the flag
 * first. A flood in between goes to the skb path (xdpbridge_rx). */
int vlan_set_filtering(const struct xb_bridge *br, bool on)
{
	int err;

	err = vlan_config_update(br, on ? XB_CFG_VLAN_FILTERING : 0,
				 on ? 0 : XB_CFG_VLAN_FILTERING, NULL, NULL);
	return err ? err : policy_sync(br);
}

int vlan_set_protocol(const struct xb_bridge *br, __u16 proto)
{
	if (proto != XB_VLAN_PROTO_8021Q && proto != XB_VLAN_PROTO_8021AD)
		return -EINVAL;
	return vlan_config_update(br, 0, 0, &proto, NULL);
}

struct default_pvid_walk {
	const struct xb_bridge *br;
	__u16 old_vid, new_vid;
	int err;
};

static int default_pvid_port(__u32 ifindex, const struct xb_port_info *info,
			     struct default_pvid_walk *w)
{
	struct xb_port_vlans pv;
	__u16 pvid;
	int err;

	err = vlan_port_get(w->br, info->slot, &pv, &pvid);
	if (err)
		goto out;
	/* Only a port still on the old default, `pvid untagged`, follows. */
	if (!w->old_vid || pvid != w->old_vid || !vlan_bit(pv.untagged, w->old_vid))
		return 0;
	err = vlan_del(w->br, info->slot, ifindex, w->old_vid, w->old_vid);
	if (!err && w->new_vid)
		err = vlan_add(w->br, info->slot, w->new_vid, w->new_vid,
			       XB_VLANF_PVID | XB_VLANF_UNTAGGED);
out:
	if (err && !w->err)
		w->err = err;
	return 0;
}

static int vlan_for_each_port(const struct xb_bridge *br, struct default_pvid_walk *w)
{
	struct xb_port_info info;
	__u32 key, next, *prev = NULL;

	while (!bpf_map_get_next_key(br->info_fd, prev, &next)) {
		key = next;
		prev = &key;
		if (!bpf_map_lookup_elem(br->info_fd, &key, &info))
			default_pvid_port(key, &info, w);
	}
	return errno == ENOENT ? w->err : -errno;
}

int vlan_set_default_pvid(const struct xb_bridge *br, __u16 vid)
{
	struct default_pvid_walk w = { .br = br, .new_vid = vid };
	struct xb_config cfg;
	int err;

	if (vid > XB_VLAN_VID_MAX)
		return -EINVAL;
	err = bridge_config_get(br, &cfg);
	if (err)
		return err;
	w.old_vid = cfg.default_pvid;
	if (w.old_vid == vid)
		return 0;
	/* The registry directly: port.c calls vlan_port_join, not the reverse. */
	err = vlan_for_each_port(br, &w);
	return err ? err : vlan_config_update(br, 0, 0, NULL, &vid);
}
