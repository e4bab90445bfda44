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

struct ring_buffer;

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

/*
 * The data path's FDB events: the bridge's ring buffer "events" (learned,
 * moved; ifnames empty). A BPF ring buffer has ONE consumer position: two
 * readers steal each other's events. So the control loop is its reader and
 * relays every event to its monitors with events_emit; `monitor` reads it
 * only while no control loop runs.
 */
typedef void (*dp_event_cb)(struct xb_event *ev, void *ctx);

struct dp_events {
	struct ring_buffer *rb;
	__u64 since_ns;		/* events stamped earlier were left by nobody reading */
	dp_event_cb cb;
	void *ctx;
};

/* Read events_fd's ring buffer; events older than now are skipped. 0 or -errno. */
int dp_events_open(struct dp_events *d, int events_fd, dp_event_cb cb, void *ctx);
/* The fd to poll for new events (-1 when closed). */
int dp_events_fd(const struct dp_events *d);
/* Hand every waiting event to cb. */
void dp_events_consume(struct dp_events *d);
void dp_events_close(struct dp_events *d);

#endif
