// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#define _GNU_SOURCE
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "autoport.h"
#include "bridge.h"

static void map_path(const struct xb_bridge *br, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", br->pin_dir, AUTO_PORTS_MAP);
}

static int map_open(const struct xb_bridge *br, bool create)
{
	char path[PATH_MAX * 2];
	int fd;

	map_path(br, path, sizeof(path));
	fd = bpf_obj_get(path);
	if (fd >= 0 || !create || errno != ENOENT)
		return fd < 0 ? -errno : fd;
	fd = bpf_map_create(BPF_MAP_TYPE_HASH, AUTO_PORTS_MAP, sizeof(struct xb_auto_key),
			    sizeof(struct xb_auto_val), AUTO_PORTS_MAX_ENTRIES, NULL);
	if (fd < 0)
		return -errno;
	if (bpf_obj_pin(fd, path)) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

int autoport_put(const struct xb_bridge *br, enum auto_kind kind, const char *name,
		 enum xb_xdp_mode mode)
{
	struct xb_auto_key key = { .kind = kind };
	struct xb_auto_val val = { .mode = mode };
	__u32 nglobs = 0;
	int fd, err = 0;

	snprintf(key.name, sizeof(key.name), "%s", name);
	fd = map_open(br, true);
	if (fd < 0)
		return fd;
	if (kind == AUTO_GLOB) {
		struct xb_auto_key k, cur, *prev = NULL;

		while (!bpf_map_get_next_key(fd, prev, &k)) {
			nglobs += k.kind == AUTO_GLOB && strcmp(k.name, key.name);
			cur = k;
			prev = &cur;
		}
		if (nglobs >= XB_MAX_AUTO_PORTS)
			err = -E2BIG;
	}
	if (!err && bpf_map_update_elem(fd, &key, &val, BPF_ANY))
		err = -errno;
	close(fd);
	return err;
}

int autoport_read(const struct xb_bridge *br, struct auto_ports *ap)
{
	struct xb_auto_key key, cur, *prev = NULL;
	struct xb_auto_val val;
	int fd;

	memset(ap, 0, sizeof(*ap));
	fd = map_open(br, false);
	if (fd == -ENOENT)
		return 0;
	if (fd < 0)
		return fd;
	while (!bpf_map_get_next_key(fd, prev, &key)) {
		cur = key;
		prev = &cur;
		if (bpf_map_lookup_elem(fd, &key, &val))
			continue;
		key.name[ARG_GLOB_MAX - 1] = '\0';
		if (key.kind == AUTO_GLOB && ap->nglobs < XB_MAX_AUTO_PORTS) {
			snprintf(ap->globs[ap->nglobs], ARG_GLOB_MAX, "%s", key.name);
			ap->glob_mode[ap->nglobs++] = (enum xb_xdp_mode)val.mode;
		} else if (key.kind == AUTO_PORT_MODE) {
			void *p = realloc(ap->port_modes, (size_t)(ap->nport_modes + 1) * sizeof(*ap->port_modes));

			if (!p)
				break;
			ap->port_modes = p;
			snprintf(ap->port_modes[ap->nport_modes].ifname, XB_IFNAMSIZ, "%.15s", key.name);
			ap->port_modes[ap->nport_modes++].mode = (enum xb_xdp_mode)val.mode;
		}
	}
	close(fd);
	return 0;
}

void autoport_free(struct auto_ports *ap)
{
	free(ap->port_modes);
	memset(ap, 0, sizeof(*ap));
}

bool autoport_match(const struct auto_ports *ap, const char *ifname, enum xb_xdp_mode *mode)
{
	int i;

	for (i = 0; i < ap->nglobs; i++)
		if (!fnmatch(ap->globs[i], ifname, 0))
			break;
	if (i == ap->nglobs)
		return false;
	*mode = ap->glob_mode[i];
	for (int j = 0; j < ap->nport_modes; j++)
		if (!strcmp(ap->port_modes[j].ifname, ifname))
			*mode = ap->port_modes[j].mode;
	return true;
}
