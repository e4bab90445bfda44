// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Each port type's default mode, and the modes' names. */
#include <stdio.h>
#include <string.h>
#include <criterion/criterion.h>

#include "port.h"

static enum xb_xdp_mode default_of(const char *kind)
{
	struct nl_link link = { .ifindex = 7, .peer_netnsid = NL_NO_NETNSID };

	snprintf(link.kind, sizeof(link.kind), "%s", kind);
	return port_default_mode(&link);
}

Test(modes, veth_and_tap_default_to_tc)
{
	cr_assert_eq(default_of("veth"), XB_MODE_TC, "veth: tc (TCP parity, tags and checksum state kept)");
	cr_assert_eq(default_of("tun"), XB_MODE_TC, "tun/tap: tc (a guest's NEEDS_CSUM frames)");
}

Test(modes, other_kinds_try_native)
{
	static const char *const kinds[] = { "", "vxlan", "bond", "ifb", "macvlan" };

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		cr_assert_eq(default_of(kinds[i]), XB_MODE_NATIVE,
			     "kind '%s': native first (port_add falls back to tc)", kinds[i]);
}

Test(modes, names)
{
	cr_assert_str_eq(xb_mode_name(XB_MODE_NATIVE), "native");
	cr_assert_str_eq(xb_mode_name(XB_MODE_GENERIC), "generic");
	cr_assert_str_eq(xb_mode_name(XB_MODE_TC), "tc");
	cr_assert_str_eq(xb_mode_name(XB_MODE_AUTO), "auto", "no --mode given");
	cr_assert_neq(XB_MODE_AUTO, XB_MODE_NATIVE, "auto is not a stored mode");
	cr_assert_neq(XB_MODE_AUTO, XB_MODE_GENERIC);
	cr_assert_neq(XB_MODE_AUTO, XB_MODE_TC);
}
