/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* rtnetlink through libmnl: the few link operations the loader needs. */
#ifndef XB_NETLINK_H
#define XB_NETLINK_H

#include <stdbool.h>
#include <linux/types.h>

#define NL_NO_NETNSID (-1)

struct nl_link {
	int ifindex;
	char ifname[16];
	unsigned int flags;	/* IFF_* */
	int master;		/* ifindex of the master device (Linux bridge, bond), 0 if none */
	char kind[16];		/* IFLA_INFO_KIND: "veth", "tun", "" for physical */
	int peer_ifindex;	/* IFLA_LINK: a veth's peer */
	int peer_netnsid;	/* IFLA_LINK_NETNSID, NL_NO_NETNSID when the peer is in our netns */
	__u8 xdp_attached;	/* XDP_ATTACHED_* */
	__u32 xdp_prog_id;
};

/* Look up by ifindex, in the netns with id netnsid (NL_NO_NETNSID: ours). */
int nl_link_get(int netnsid, int ifindex, struct nl_link *link);
int nl_veth_create(const char *name, const char *peer_name);
int nl_link_delete(int ifindex);
int nl_link_set_up(int ifindex);
/* The id our netns gives the netns behind fd, or a negative errno. */
int nl_netnsid_of_fd(int netns_fd);


/*
 * Link events (RTM_NEWLINK / RTM_DELLINK) for the control loop: a netlink
 * socket subscribed to RTNLGRP_LINK. nl_link_events_read handles what is
 * pending without blocking; a lost event (ENOBUFS: the socket overflowed)
 * returns -ENOBUFS and the caller rescans with nl_link_dump.
 */
struct mnl_socket;
typedef void (*nl_link_event_cb)(int msg_type, const struct nl_link *link, void *ctx);
struct mnl_socket *nl_link_events_open(void);
int nl_link_events_fd(struct mnl_socket *nl);
int nl_link_events_read(struct mnl_socket *nl, nl_link_event_cb cb, void *ctx);
void nl_link_events_close(struct mnl_socket *nl);
/* Every link of our netns, as RTM_NEWLINK events. 0 or -errno. */
int nl_link_dump(nl_link_event_cb cb, void *ctx);

#endif
