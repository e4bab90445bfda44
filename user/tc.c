// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "log.h"
#include "tc.h"
#include "xdpbridge.h"

static void port_tc_hook(struct bpf_tc_hook *hook, int ifindex)
{
	memset(hook, 0, sizeof(*hook));
	hook->sz = sizeof(*hook);
	hook->ifindex = ifindex;
	hook->attach_point = BPF_TC_INGRESS;
}

int port_tc_attach(int ifindex, const char *ifname, int prog_fd)
{
	LIBBPF_OPTS(bpf_tc_opts, opts, .handle = XB_TC_HANDLE, .priority = XB_TC_PRIORITY,
		    .prog_fd = prog_fd, .flags = BPF_TC_F_REPLACE);
	struct bpf_tc_hook hook;
	int err;

	port_tc_hook(&hook, ifindex);
	err = bpf_tc_hook_create(&hook);	/* the clsact qdisc */
	if (err && err != -EEXIST) {
		pr_err("cannot add a clsact qdisc to %s (%s): check 'tc qdisc show dev %s'",
		       ifname, strerror(-err), ifname);
		return err;
	}
	err = bpf_tc_attach(&hook, &opts);
	if (err)
		pr_err("cannot attach the TC program to %s (%s): check 'tc filter show dev %s ingress'",
		       ifname, strerror(-err), ifname);
	return err;
}

int port_tc_detach(int ifindex)
{
	LIBBPF_OPTS(bpf_tc_opts, opts, .handle = XB_TC_HANDLE, .priority = XB_TC_PRIORITY);
	struct bpf_tc_hook hook;
	int err;

	port_tc_hook(&hook, ifindex);
	err = bpf_tc_detach(&hook, &opts);
	if (err == -ENOENT || err == -ENODEV || err == -EINVAL)
		return 0;	/* no filter, no qdisc, or no interface */
	return err;
}

__u32 port_tc_prog_id(int ifindex)
{
	LIBBPF_OPTS(bpf_tc_opts, opts, .handle = XB_TC_HANDLE, .priority = XB_TC_PRIORITY);
	struct bpf_tc_hook hook;

	port_tc_hook(&hook, ifindex);
	if (bpf_tc_query(&hook, &opts))
		return 0;
	return opts.prog_id;
}

int iface_mtu(const char *ifname)
{
	struct ifreq ifr = { 0 };
	int fd, mtu;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	mtu = ioctl(fd, SIOCGIFMTU, &ifr) ? -errno : ifr.ifr_mtu;
	close(fd);
	return mtu;
}

void ports_tc_detach_pinned(const char *pin_dir)
{
	char path[PATH_MAX * 2];
	__u32 key, next, *prev = NULL;
	int fd;

	snprintf(path, sizeof(path), "%s/port_info", pin_dir);
	fd = bpf_obj_get(path);
	if (fd < 0)
		return;
	while (!bpf_map_get_next_key(fd, prev, &next)) {
		key = next;
		prev = &key;
		port_tc_detach((int)key);
	}
	close(fd);
}
