// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <bpf/libbpf.h>

#include "ageing.h"
#include "events.h"
#include "sys.h"

void events_path(const char *bridge, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s.events", XB_RUN_DIR, bridge);
}

static int events_addr(const char *bridge, struct sockaddr_un *addr)
{
	memset(addr, 0, sizeof(*addr));
	addr->sun_family = AF_UNIX;
	events_path(bridge, addr->sun_path, sizeof(addr->sun_path));
	return 0;
}

int events_listen(struct events_server *s, const char *bridge)
{
	struct sockaddr_un addr;
	int err;

	memset(s, 0, sizeof(*s));
	events_addr(bridge, &addr);
	snprintf(s->path, sizeof(s->path), "%s", addr.sun_path);
	mkdir(XB_RUN_DIR, 0755);
	s->listen_fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->listen_fd < 0)
		return -errno;
	unlink(addr.sun_path);	/* a previous loop's: only one loop runs (pid file) */
	if (bind(s->listen_fd, (struct sockaddr *)&addr, sizeof(addr)) ||
	    chmod(addr.sun_path, 0600) || listen(s->listen_fd, 8)) {
		err = -errno;
		close(s->listen_fd);
		s->listen_fd = -1;
		return err;
	}
	return 0;
}

void events_close(struct events_server *s)
{
	for (int i = 0; i < s->nclients; i++)
		close(s->clients[i]);
	s->nclients = 0;
	if (s->listen_fd >= 0) {
		close(s->listen_fd);
		unlink(s->path);
	}
	s->listen_fd = -1;
}

int events_pollfds(const struct events_server *s, struct pollfd *fds, int max)
{
	int n = 0;

	if (s->listen_fd < 0 || max < 1)
		return 0;
	fds[n++] = (struct pollfd){ .fd = s->listen_fd, .events = POLLIN };
	for (int i = 0; i < s->nclients && n < max; i++)
		fds[n++] = (struct pollfd){ .fd = s->clients[i], .events = POLLIN };
	return n;
}

static void client_drop(struct events_server *s, int fd)
{
	for (int i = 0; i < s->nclients; i++) {
		if (s->clients[i] == fd) {
			close(fd);
			s->clients[i] = s->clients[--s->nclients];
			return;
		}
	}
}

static void broadcast(struct events_server *s, const struct xb_event *ev, int except_fd)
{
	for (int i = 0; i < s->nclients; i++) {
		if (s->clients[i] == except_fd)
			continue;
		if (send(s->clients[i], ev, sizeof(*ev), MSG_DONTWAIT | MSG_NOSIGNAL) < 0 &&
		    (errno == EAGAIN || errno == EWOULDBLOCK))
			s->dropped++;
	}
}

void events_service(struct events_server *s, const struct pollfd *fds, int n)
{
	struct xb_event ev;
	ssize_t got;
	int fd;

	for (int i = 0; i < n; i++) {
		if (!fds[i].revents)
			continue;
		if (fds[i].fd == s->listen_fd) {
			while ((fd = accept4(s->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
				if (s->nclients == EVENTS_MAX_CLIENTS)
					close(fd);
				else
					s->clients[s->nclients++] = fd;
			}
			continue;
		}
		got = recv(fds[i].fd, &ev, sizeof(ev), MSG_DONTWAIT);
		if (got == (ssize_t)sizeof(ev) && ev.type && ev.type < XB_EV_MAX)
			broadcast(s, &ev, fds[i].fd);
		else if (got == 0 || (got < 0 && errno != EAGAIN))
			client_drop(s, fds[i].fd);
	}
}

void events_emit(struct events_server *s, const char *bridge, struct xb_event *ev)
{
	snprintf(ev->bridge, sizeof(ev->bridge), "%s", bridge);
	if (!ev->time_ns)
		ev->time_ns = monotonic_ns();
	broadcast(s, ev, -1);
}

int events_connect(const char *bridge)
{
	struct sockaddr_un addr;
	int fd, err;

	events_addr(bridge, &addr);
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr))) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

void events_publish(const char *bridge, struct xb_event *ev)
{
	int fd = events_connect(bridge);

	if (fd < 0)
		return;
	snprintf(ev->bridge, sizeof(ev->bridge), "%s", bridge);
	if (!ev->time_ns)
		ev->time_ns = monotonic_ns();
	send(fd, ev, sizeof(*ev), MSG_NOSIGNAL);
	close(fd);
}

static int dp_event_handle(void *ctx, void *data, size_t size)
{
	struct dp_events *d = ctx;
	struct xb_event ev;

	if (size < sizeof(ev))
		return 0;	/* another xdpbridge's layout: skip, never misread */
	memcpy(&ev, data, sizeof(ev));
	if (!ev.type || ev.type >= XB_EV_MAX || ev.time_ns < d->since_ns)
		return 0;
	ev.ifname[0] = ev.old_ifname[0] = ev.bridge[0] = '\0';
	d->cb(&ev, d->ctx);
	return 0;
}

int dp_events_open(struct dp_events *d, int events_fd, dp_event_cb cb, void *ctx)
{
	memset(d, 0, sizeof(*d));
	d->cb = cb;
	d->ctx = ctx;
	/* The ring keeps what was written while nobody read it (until full):
	 * old news, not events. Same clock as the data path's stamps. */
	d->since_ns = monotonic_ns();
	d->rb = ring_buffer__new(events_fd, dp_event_handle, d, NULL);
	return d->rb ? 0 : -errno;
}

int dp_events_fd(const struct dp_events *d)
{
	return d->rb ? ring_buffer__epoll_fd(d->rb) : -1;
}

void dp_events_consume(struct dp_events *d)
{
	if (d->rb)
		ring_buffer__consume(d->rb);
}

void dp_events_close(struct dp_events *d)
{
	ring_buffer__free(d->rb);
	d->rb = NULL;
}
