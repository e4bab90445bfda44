// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>

#include "ethtool.h"

static int ethtool_value(const char *ifname, __u32 cmd, __u32 *data)
{
	struct ethtool_value ev = { .cmd = cmd, .data = *data };
	struct ifreq ifr = {};
	int fd, ret = 0;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	strncpy(ifr.ifr_name, ifname, IFNAMSIZ - 1);
	ifr.ifr_data = (void *)&ev;
	if (ioctl(fd, SIOCETHTOOL, &ifr) < 0)
		ret = -errno;
	else
		*data = ev.data;
	close(fd);
	return ret;
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

int ethtool_set_tx_vlan(const char *ifname, bool on)
{
	__u32 flags = 0;
	int ret = ethtool_value(ifname, ETHTOOL_GFLAGS, &flags);

	if (ret)
		return ret;
	flags = on ? flags | ETH_FLAG_TXVLAN : flags & ~ETH_FLAG_TXVLAN;
	return ethtool_value(ifname, ETHTOOL_SFLAGS, &flags);
}
