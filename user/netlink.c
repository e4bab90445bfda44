// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <net/if.h>
#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/net_namespace.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>

#include "netlink.h"

/* Send one request and feed every reply message to cb; 0 or -errno. */
static int nl_talk(struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct mnl_socket *nl;
	unsigned int portid, seq;
	int ret;

	nl = mnl_socket_open(NETLINK_ROUTE);
	if (!nl)
		return -errno;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		ret = -errno;
		goto cleanup;
	}
	portid = mnl_socket_get_portid(nl);
	seq = (unsigned int)time(NULL);
	nlh->nlmsg_seq = seq;
	nlh->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;

	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		ret = -errno;
		goto cleanup;
	}
	do {
		ret = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (ret < 0) {
			ret = -errno;
			goto cleanup;
		}
		ret = mnl_cb_run(buf, ret, seq, portid, cb, data);
	} while (ret > MNL_CB_STOP);
	ret = ret < 0 ? -errno : 0;
cleanup:
	mnl_socket_close(nl);
	return ret;
}

static int parse_linkinfo(const struct nlattr *nest, struct nl_link *link)
{
	struct nlattr *attr;

	mnl_attr_for_each_nested(attr, nest) {
		if (mnl_attr_get_type(attr) == IFLA_INFO_KIND)
			strncpy(link->kind, mnl_attr_get_str(attr), sizeof(link->kind) - 1);
	}
	return 0;
}

static int parse_xdp(const struct nlattr *nest, struct nl_link *link)
{
	struct nlattr *attr;

	mnl_attr_for_each_nested(attr, nest) {
		switch (mnl_attr_get_type(attr)) {
		case IFLA_XDP_ATTACHED:
			link->xdp_attached = mnl_attr_get_u8(attr);
			break;
		case IFLA_XDP_PROG_ID:
			link->xdp_prog_id = mnl_attr_get_u32(attr);
			break;
		}
	}
	return 0;
}

static int link_cb(const struct nlmsghdr *nlh, void *data)
{
	struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);
	struct nl_link *link = data;
	struct nlattr *attr;

	link->ifindex = ifm->ifi_index;
	link->flags = ifm->ifi_flags;
	mnl_attr_for_each(attr, nlh, sizeof(*ifm)) {
		switch (mnl_attr_get_type(attr)) {
		case IFLA_IFNAME:
			strncpy(link->ifname, mnl_attr_get_str(attr), sizeof(link->ifname) - 1);
			break;
		case IFLA_MASTER:
			link->master = (int)mnl_attr_get_u32(attr);
			break;
		case IFLA_LINK:
			link->peer_ifindex = (int)mnl_attr_get_u32(attr);
			break;
		case IFLA_LINK_NETNSID:
			link->peer_netnsid = (int)mnl_attr_get_u32(attr);
			break;
		case IFLA_LINKINFO:
			parse_linkinfo(attr, link);
			break;
		case IFLA_XDP:
			parse_xdp(attr, link);
			break;
		}
	}
	return MNL_CB_OK;
}

int nl_link_get(int netnsid, int ifindex, struct nl_link *link)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifm;

	memset(link, 0, sizeof(*link));
	link->peer_netnsid = NL_NO_NETNSID;
	nlh->nlmsg_type = RTM_GETLINK;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_index = ifindex;
	if (netnsid != NL_NO_NETNSID)
		mnl_attr_put_u32(nlh, IFLA_TARGET_NETNSID, (__u32)netnsid);
	return nl_talk(nlh, link_cb, link);
}

int nl_veth_create(const char *name, const char *peer_name)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nlattr *linkinfo, *info_data, *peer;
	struct ifinfomsg *ifm, *peer_ifm;

	nlh->nlmsg_type = RTM_NEWLINK;
	nlh->nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);

	linkinfo = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
	info_data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	peer = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
	/* The peer's attributes follow its own ifinfomsg header. */
	peer_ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*peer_ifm));
	peer_ifm->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, peer_name);
	mnl_attr_nest_end(nlh, peer);
	mnl_attr_nest_end(nlh, info_data);
	mnl_attr_nest_end(nlh, linkinfo);
	return nl_talk(nlh, NULL, NULL);
}

int nl_link_delete(int ifindex)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifm;

	nlh->nlmsg_type = RTM_DELLINK;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_index = ifindex;
	return nl_talk(nlh, NULL, NULL);
}

int nl_link_set_up(int ifindex)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifm;

	nlh->nlmsg_type = RTM_NEWLINK;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_index = ifindex;
	ifm->ifi_flags = IFF_UP;
	ifm->ifi_change = IFF_UP;
	return nl_talk(nlh, NULL, NULL);
}

static int nsid_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nlattr *attr;
	int *nsid = data;

	mnl_attr_for_each(attr, nlh, sizeof(struct rtgenmsg)) {
		if (mnl_attr_get_type(attr) == NETNSA_NSID)
			*nsid = (int)mnl_attr_get_u32(attr);
	}
	return MNL_CB_OK;
}

int nl_netnsid_of_fd(int netns_fd)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtgenmsg *rt;
	int nsid = NL_NO_NETNSID, ret;

	nlh->nlmsg_type = RTM_GETNSID;
	rt = mnl_nlmsg_put_extra_header(nlh, sizeof(*rt));
	rt->rtgen_family = AF_UNSPEC;
	mnl_attr_put_u32(nlh, NETNSA_FD, (__u32)netns_fd);
	ret = nl_talk(nlh, nsid_cb, &nsid);
	if (ret)
		return ret;
	return nsid < 0 ? -ENOENT : nsid;
}

struct event_ctx {
	nl_link_event_cb cb;
	void *ctx;
};

static int event_cb(const struct nlmsghdr *nlh, void *data)
{
	struct event_ctx *e = data;
	struct nl_link link;

	if (nlh->nlmsg_type != RTM_NEWLINK && nlh->nlmsg_type != RTM_DELLINK)
		return MNL_CB_OK;
	memset(&link, 0, sizeof(link));
	link.peer_netnsid = NL_NO_NETNSID;
	link_cb(nlh, &link);
	e->cb(nlh->nlmsg_type, &link, e->ctx);
	return MNL_CB_OK;
}

struct mnl_socket *nl_link_events_open(void)
{
	struct mnl_socket *nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_NONBLOCK | SOCK_CLOEXEC);

	if (!nl)
		return NULL;
	if (mnl_socket_bind(nl, RTMGRP_LINK, MNL_SOCKET_AUTOPID) < 0) {
		int err = errno;

		mnl_socket_close(nl);
		errno = err;
		return NULL;
	}
	return nl;
}

int nl_link_events_fd(struct mnl_socket *nl)
{
	return mnl_socket_get_fd(nl);
}

int nl_link_events_read(struct mnl_socket *nl, nl_link_event_cb cb, void *ctx)
{
	char buf[MNL_SOCKET_BUFFER_SIZE * 2];
	struct event_ctx e = { cb, ctx };
	ssize_t n;

	for (;;) {
		n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (n < 0)
			return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -errno;
		if (mnl_cb_run(buf, (size_t)n, 0, 0, event_cb, &e) < 0 && errno != ESRCH)
			return -errno;
	}
}

void nl_link_events_close(struct mnl_socket *nl)
{
	if (nl)
		mnl_socket_close(nl);
}

int nl_link_dump(nl_link_event_cb cb, void *ctx)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct event_ctx e = { cb, ctx };
	struct ifinfomsg *ifm;

	nlh->nlmsg_type = RTM_GETLINK;
	nlh->nlmsg_flags = NLM_F_DUMP;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	return nl_talk(nlh, event_cb, &e);
}
