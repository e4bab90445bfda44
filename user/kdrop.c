// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/libbpf.h>

#include "bridge.h"
#include "kdrop.h"
#include "log.h"
#include "xdpbridge.skel.h"

static int kdrop_attach_one(const struct xb_bridge *br, struct bpf_program *prog,
			    const char *event, const char *pin)
{
	char path[PATH_MAX * 2];
	struct bpf_link *link;
	int err;

	link = bpf_program__attach_tracepoint(prog, "xdp", event);
	if (!link)
		return -errno;
	snprintf(path, sizeof(path), "%s/%s", br->pin_dir, pin);
	unlink(path);	/* a re-attach replaces the old link */
	err = bpf_link__pin(link, path);
	bpf_link__destroy(link);	/* the pin keeps it attached */
	return err;
}

int bridge_kdrop_attach(const struct xb_bridge *br)
{
	struct xdpbridge_bpf *skel = NULL;
	int err;

	err = bridge_prog_load(br, XB_PROG_KDROP, 0, &skel);
	if (!err)
		err = kdrop_attach_one(br, skel->progs.xdpbridge_kdrop_redirect,
				       "xdp_redirect_err", "kdrop_redirect_err");
	if (!err)
		err = kdrop_attach_one(br, skel->progs.xdpbridge_kdrop_xmit,
				       "xdp_devmap_xmit", "kdrop_devmap_xmit");
	if (err)
		pr_warn("bridge %s: cannot count the kernel's drops after forwarding (xdp tracepoints: %s); stats shows kernel_dropped 0. Needs CONFIG_BPF_EVENTS",
			br->name, strerror(-err));
	xdpbridge_bpf__destroy(skel);
	return 0;
}
