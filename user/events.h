/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The bridge's event bus: a SOCK_SEQPACKET unix socket the control loop
 * listens on, /run/xdpbridge/BRIDGE.events. `monitor` connects and reads one
 * struct xb_event per message; commands that change the bridge (port add/del,
 * fdb flush) connect, send one event and close, and the loop relays it to
 * every monitor. Why a socket and not the BPF ring buffer: user space cannot
 * write into a BPF_MAP_TYPE_RINGBUF (USER_RINGBUF goes the other way, to BPF),
 * and a socket tells the loop who listens, so it sends nothing when nobody does.
 * A slow monitor loses events (non-blocking sends), it never slows the loop.
 */
#ifndef XB_EVENTS_H
#define XB_EVENTS_H

#include <poll.h>
#include <stddef.h>
#include <linux/types.h>

#include "xdpbridge.h"

#define EVENTS_MAX_CLIENTS 32

struct events_server {
	int listen_fd;
	int clients[EVENTS_MAX_CLIENTS];
	int nclients;
	char path[108];
	__u64 dropped;	/* events a full monitor did not get */
};

void events_path(const char *bridge, char *buf, size_t len);
/* Listen on the bridge's socket (replacing a stale one). 0 or -errno. */
int events_listen(struct events_server *s, const char *bridge);
void events_close(struct events_server *s);
/* Fill the fds to poll into fds (listen + clients); returns how many. */
int events_pollfds(const struct events_server *s, struct pollfd *fds, int max);
/* Handle readable fds: accept monitors, relay published events. */
void events_service(struct events_server *s, const struct pollfd *fds, int n);
/* Send ev (bridge and time filled in here) to every monitor. */
void events_emit(struct events_server *s, const char *bridge, struct xb_event *ev);
/* From any process: hand ev to the bridge's control loop, if one listens
 * (best effort: no loop, no monitor, no event). */
void events_publish(const char *bridge, struct xb_event *ev);
/* Connect as a monitor: the fd to read events from, or -errno. */
int events_connect(const char *bridge);

#endif
