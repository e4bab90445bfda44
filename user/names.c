// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include "names.h"

static const char *const drop_names[XB_DROP_MAX] = {
	[XB_DROP_RUNT] = "runt",
	[XB_DROP_BAD_SRC] = "bad_src",
	[XB_DROP_REFLECT] = "reflect",
	[XB_DROP_MAC_HIJACK] = "mac_hijack",
	[XB_DROP_ISOLATED] = "isolated",
	[XB_DROP_STORM] = "storm",
	[XB_DROP_PORT_STATE] = "port_state",
	[XB_DROP_VLAN_INGRESS] = "vlan_ingress",
	[XB_DROP_VLAN_NO_PVID] = "vlan_no_pvid",
	[XB_DROP_VLAN_EGRESS] = "vlan_egress",
	[XB_DROP_PAUSE] = "pause",
};
_Static_assert(sizeof(drop_names) / sizeof(drop_names[0]) == XB_DROP_MAX, "name every drop reason");

const char *xb_drop_name(unsigned int reason)
{
	return reason < XB_DROP_MAX && drop_names[reason] ? drop_names[reason] : "?";
}

static const char *const stp_state_names[] = {
	[XB_STP_DISABLED] = "disabled",
	[XB_STP_LISTENING] = "listening",
	[XB_STP_LEARNING] = "learning",
	[XB_STP_FORWARDING] = "forwarding",
	[XB_STP_BLOCKING] = "blocking",
};

const char *xb_stp_state_name(unsigned int state)
{
	if (state >= sizeof(stp_state_names) / sizeof(stp_state_names[0]))
		return "?";
	return stp_state_names[state];
}
