// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "ethtool.h"
#include "log.h"
#include "vethcheck.h"

struct peer_state {
	char ifname[IF_NAMESIZE];
	int gro;
	int tx_csum;
	int tx_vlan;
	int tx_vlan_stag;
};

/* Read the peer's name and offloads, entering netns_fd (-1: ours) in a child
 * so this process never changes namespace. */
static int peer_state_read(int netns_fd, int ifindex, struct peer_state *ps)
{
	int pipefd[2], status, ret = 0;
	pid_t pid;

	if (netns_fd < 0) {
		if (!if_indextoname(ifindex, ps->ifname))
			return -errno;
		ps->gro = ethtool_get_gro(ps->ifname);
		ps->tx_csum = ethtool_get_tx_csum(ps->ifname);
		ps->tx_vlan = ethtool_get_tx_vlan(ps->ifname);
		ps->tx_vlan_stag = ethtool_get_tx_vlan_stag(ps->ifname);
		return 0;
	}
	if (pipe(pipefd))
		return -errno;
	pid = fork();
	if (pid < 0) {
		ret = -errno;
		close(pipefd[0]);
		close(pipefd[1]);
		return ret;
	}
	if (pid == 0) {
		close(pipefd[0]);
		if (setns(netns_fd, CLONE_NEWNET) || !if_indextoname(ifindex, ps->ifname))
			_exit(1);
		ps->gro = ethtool_get_gro(ps->ifname);
		ps->tx_csum = ethtool_get_tx_csum(ps->ifname);
		ps->tx_vlan = ethtool_get_tx_vlan(ps->ifname);
		ps->tx_vlan_stag = ethtool_get_tx_vlan_stag(ps->ifname);
		_exit(write(pipefd[1], ps, sizeof(*ps)) == sizeof(*ps) ? 0 : 1);
	}
	close(pipefd[1]);
	if (read(pipefd[0], ps, sizeof(*ps)) != sizeof(*ps))
		ret = -EIO;
	close(pipefd[0]);
	waitpid(pid, &status, 0);
	return ret;
}

/* Open the netns whose id (as seen from ours) is nsid. The command prefix
 * that runs a command there goes to prefix: a named netns first, else a pid. */
static int netns_open_by_id(int nsid, char *prefix, size_t prefix_len)
{
	static const char *const dirs[] = { "/run/netns", "/proc" };
	char path[PATH_MAX];
	struct dirent *de;

	for (size_t d = 0; d < 2; d++) {
		DIR *dir = opendir(dirs[d]);

		if (!dir)
			continue;
		while ((de = readdir(dir))) {
			int fd;

			if (de->d_name[0] == '.')
				continue;
			if (d == 0)
				snprintf(path, sizeof(path), "/run/netns/%s", de->d_name);
			else if (strspn(de->d_name, "0123456789") == strlen(de->d_name))
				snprintf(path, sizeof(path), "/proc/%s/ns/net", de->d_name);
			else
				continue;
			fd = open(path, O_RDONLY | O_CLOEXEC);
			if (fd < 0)
				continue;
			if (nl_netnsid_of_fd(fd) == nsid) {
				if (d == 0)
					snprintf(prefix, prefix_len, "ip netns exec %s ", de->d_name);
				else
					snprintf(prefix, prefix_len, "nsenter -t %s -n ", de->d_name);
				closedir(dir);
				return fd;
			}
			close(fd);
		}
		closedir(dir);
	}
	return -ENOENT;
}

int veth_peer_warn(const struct nl_link *port)
{
	struct peer_state ps = { .gro = -1, .tx_csum = -1, .tx_vlan = -1, .tx_vlan_stag = -1 };
	char prefix[PATH_MAX] = "";
	struct nl_link peer;
	int netns_fd = -1, ret;

	if (strcmp(port->kind, "veth") || port->peer_ifindex <= 0)
		return 0;

	ret = nl_link_get(port->peer_netnsid, port->peer_ifindex, &peer);
	if (ret)
		goto unknown;
	if (port->peer_netnsid != NL_NO_NETNSID) {
		netns_fd = netns_open_by_id(port->peer_netnsid, prefix, sizeof(prefix));
		if (netns_fd < 0) {
			ret = netns_fd;
			goto unknown;
		}
	}
	ret = peer_state_read(netns_fd, port->peer_ifindex, &ps);
	if (netns_fd >= 0)
		close(netns_fd);
	if (ret)
		goto unknown;

	if (!peer.xdp_attached && ps.gro == 0)
		pr_warn("port %s: its veth peer %s runs neither XDP nor GRO, so frames to it take the slower skb path (kernels before 6.3 drop them); fix: %sethtool -K %s gro on",
			port->ifname, ps.ifname, prefix, ps.ifname);
	if (ps.tx_csum == 1)
		pr_warn("port %s: its veth peer %s has TX checksum offload on, so TCP through the bridge stalls; fix: %sethtool -K %s tx off",
			port->ifname, ps.ifname, prefix, ps.ifname);
	/* 802.1Q and 802.1ad tags have one feature each: the fix names both */
	if (ps.tx_vlan == 1 || ps.tx_vlan_stag == 1)
		pr_warn("port %s: its veth peer %s sends VLAN tags beside the frame (tx-vlan-offload, tx-vlan-stag-hw-insert), where XDP cannot see them, so tagged frames leave untagged; fix: %sethtool -K %s txvlan off tx-vlan-stag-hw-insert off, or --mode tc",
			port->ifname, ps.ifname, prefix, ps.ifname);
	return 0;
unknown:
	pr_debug("port %s: cannot inspect its veth peer: %s", port->ifname, strerror(-ret));
	pr_warn("port %s: could not check its veth peer; make sure the peer has GRO on ('ethtool -K PEER gro on') and TX checksum offload off ('ethtool -K PEER tx off')",
		port->ifname);
	return 0;
}

void nic_rx_vlan_warn(const struct nl_link *port)
{
	if (!strcmp(port->kind, "veth") || !strcmp(port->kind, "tun"))
		return;
	if (ethtool_get_rx_vlan(port->ifname) == 1)
		pr_warn("port %s: its driver strips VLAN tags on receive (rx-vlan-offload), before native XDP sees the frame, so tagged frames would leave untagged; fix: ethtool -K %s rxvlan off, or load it with --mode tc",
			port->ifname, port->ifname);
}
