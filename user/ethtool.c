// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>

#include "ethtool.h"

/* SIOCETHTOOL with @cmd_buf (starting with its __u32 cmd): the ioctl's
 * return value (>= 0) or a negative errno. */
static int ethtool_ioctl(const char *ifname, void *cmd_buf)
{
	struct ifreq ifr = {};
	int fd, ret;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	strncpy(ifr.ifr_name, ifname, IFNAMSIZ - 1);
	ifr.ifr_data = cmd_buf;
	ret = ioctl(fd, SIOCETHTOOL, &ifr);
	if (ret < 0)
		ret = -errno;
	close(fd);
	return ret;
}

static int ethtool_value(const char *ifname, __u32 cmd, __u32 *data)
{
	struct ethtool_value ev = { .cmd = cmd, .data = *data };
	int ret = ethtool_ioctl(ifname, &ev);

	if (ret < 0)
		return ret;
	*data = ev.data;
	return 0;
}

static int get_flag(const char *ifname, __u32 cmd)
{
	__u32 v = 0;
	int ret = ethtool_value(ifname, cmd, &v);

	return ret ? ret : !!v;
}

static int set_flag(const char *ifname, __u32 cmd, bool on)
{
	__u32 v = on;

	return ethtool_value(ifname, cmd, &v);
}

int ethtool_get_gro(const char *ifname)
{
	return get_flag(ifname, ETHTOOL_GGRO);
}

int ethtool_set_gro(const char *ifname, bool on)
{
	return set_flag(ifname, ETHTOOL_SGRO, on);
}

int ethtool_get_tx_csum(const char *ifname)
{
	return get_flag(ifname, ETHTOOL_GTXCSUM);
}

int ethtool_set_tx_csum(const char *ifname, bool on)
{
	return set_flag(ifname, ETHTOOL_STXCSUM, on);
}

/* tx-vlan-offload through the legacy flags word (ETH_FLAG_TXVLAN), which
 * every kernel maps onto NETIF_F_HW_VLAN_CTAG_TX. */
int ethtool_get_tx_vlan(const char *ifname)
{
	__u32 flags = 0;
	int ret = ethtool_value(ifname, ETHTOOL_GFLAGS, &flags);

	return ret ? ret : !!(flags & ETH_FLAG_TXVLAN);
}

int ethtool_get_rx_vlan(const char *ifname)
{
	__u32 flags = 0;
	int ret = ethtool_value(ifname, ETHTOOL_GFLAGS, &flags);

	return ret ? ret : !!(flags & ETH_FLAG_RXVLAN);
}

int ethtool_set_tx_vlan(const char *ifname, bool on)
{
	__u32 flags = 0;
	int ret = ethtool_value(ifname, ETHTOOL_GFLAGS, &flags);

	if (ret)
		return ret;
	flags = on ? flags | ETH_FLAG_TXVLAN : flags & ~ETH_FLAG_TXVLAN;
	return ethtool_value(ifname, ETHTOOL_SFLAGS, &flags);
}

/* Bit index of the feature called @name in the device's ETH_SS_FEATURES
 * strings (ethtool -k names), or a negative errno (-ENOENT: no such feature). */
static int ethtool_feature_index(const char *ifname, const char *name, __u32 *count)
{
	struct {
		struct ethtool_sset_info hdr;
		__u32 len;
	} sset = { .hdr = { .cmd = ETHTOOL_GSSET_INFO, .sset_mask = 1ULL << ETH_SS_FEATURES } };
	struct ethtool_gstrings *strings = NULL;
	int ret;

	ret = ethtool_ioctl(ifname, &sset);
	if (ret < 0)
		return ret;
	if (!(sset.hdr.sset_mask & (1ULL << ETH_SS_FEATURES)) || !sset.len)
		return -EOPNOTSUPP;
	strings = calloc(1, sizeof(*strings) + (size_t)sset.len * ETH_GSTRING_LEN);
	if (!strings)
		return -ENOMEM;
	strings->cmd = ETHTOOL_GSTRINGS;
	strings->string_set = ETH_SS_FEATURES;
	strings->len = sset.len;
	ret = ethtool_ioctl(ifname, strings);
	if (ret >= 0) {
		ret = -ENOENT;
		for (__u32 i = 0; i < strings->len && i < sset.len; i++) {
			if (!strncmp((char *)strings->data + (size_t)i * ETH_GSTRING_LEN, name,
				     ETH_GSTRING_LEN)) {
				ret = (int)i;
				break;
			}
		}
	}
	*count = sset.len;
	free(strings);
	return ret;
}

/* A feature by its ethtool -k name (ETHTOOL_GFEATURES): 0/1 (active), or a negative errno. */
static int ethtool_get_feature(const char *ifname, const char *name)
{
	struct ethtool_gfeatures *gf;
	__u32 count = 0, blocks;
	int idx, ret;

	idx = ethtool_feature_index(ifname, name, &count);
	if (idx < 0)
		return idx;
	blocks = (count + 31) / 32;
	gf = calloc(1, sizeof(*gf) + blocks * sizeof(gf->features[0]));
	if (!gf)
		return -ENOMEM;
	gf->cmd = ETHTOOL_GFEATURES;
	gf->size = blocks;
	ret = ethtool_ioctl(ifname, gf);
	if (ret >= 0)
		ret = !!(gf->features[idx / 32].active & (1U << (idx % 32)));
	free(gf);
	return ret;
}

/* Set a feature by its ethtool -k name (ETHTOOL_SFEATURES), as ethtool -K does. */
static int ethtool_set_feature(const char *ifname, const char *name, bool on)
{
	struct ethtool_sfeatures *sf;
	__u32 count = 0, blocks, bit;
	int idx, ret;

	idx = ethtool_feature_index(ifname, name, &count);
	if (idx < 0)
		return idx;
	blocks = (count + 31) / 32;
	sf = calloc(1, sizeof(*sf) + blocks * sizeof(sf->features[0]));
	if (!sf)
		return -ENOMEM;
	sf->cmd = ETHTOOL_SFEATURES;
	sf->size = blocks;
	bit = 1U << (idx % 32);
	sf->features[idx / 32].valid = bit;
	sf->features[idx / 32].requested = on ? bit : 0;
	ret = ethtool_ioctl(ifname, sf);
	free(sf);
	/* a positive return: the feature is fixed (unsupported) or did not take */
	if (ret > 0)
		return (ret & ETHTOOL_F_UNSUPPORTED) ? -EOPNOTSUPP : -EIO;
	return ret;
}

/* tx-vlan-stag-hw-insert (NETIF_F_HW_VLAN_STAG_TX) has no legacy flag: by name. */
int ethtool_get_tx_vlan_stag(const char *ifname)
{
	return ethtool_get_feature(ifname, "tx-vlan-stag-hw-insert");
}

int ethtool_set_tx_vlan_stag(const char *ifname, bool on)
{
	return ethtool_set_feature(ifname, "tx-vlan-stag-hw-insert", on);
}

int ethtool_get_speed(const char *ifname)
{
	struct ethtool_cmd cmd = { .cmd = ETHTOOL_GSET };
	int ret = ethtool_ioctl(ifname, &cmd);
	__u32 speed;

	if (ret < 0)
		return ret;
	speed = ethtool_cmd_speed(&cmd);
	return speed == (__u32)SPEED_UNKNOWN || speed > INT32_MAX ? 0 : (int)speed;
}
