// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The words of the run-time settings: see settings.h. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "settings.h"
#include "vlan.h"

static const char *const vlan_protocols[] = { "802.1Q", "802.1ad", NULL };

/* Named after the keys: a value's error reads "hello takes seconds ...". */
const struct arg_spec spec_vlan_filtering = ARG_SPEC("vlan-filtering", ARG_ONOFF, "on|off");
const struct arg_spec spec_vlan_protocol = ARG_SPEC_ENUM("vlan-protocol", "802.1Q|802.1ad", vlan_protocols);
const struct arg_spec spec_default_pvid = ARG_SPEC_U32("default-pvid", "VID", 0, XB_VLAN_VID_MAX,
						       "a VLAN id (0: none)");
const struct arg_spec spec_stp = ARG_SPEC("stp", ARG_ONOFF, "on|off");
const struct arg_spec spec_stp_priority = ARG_SPEC_U32("priority", "N", 0, 61440, "a multiple of 4096");
const struct arg_spec spec_stp_hello = ARG_SPEC_U32("hello", "SEC", 1, 10, "seconds");
const struct arg_spec spec_stp_forward_delay = ARG_SPEC_U32("forward-delay", "SEC", 2, 30, "seconds");
const struct arg_spec spec_stp_max_age = ARG_SPEC_U32("max-age", "SEC", 6, 40, "seconds");
const struct arg_spec spec_fdb_vlan = ARG_SPEC_U32("vlan", "VID", 1, XB_VLAN_VID_MAX, "a VLAN id");

__u16 vlan_protocol_of(__u32 choice)
{
	return choice ? XB_VLAN_PROTO_8021AD : XB_VLAN_PROTO_8021Q;
}

int stp_priority_check(__u32 prio, char *why, size_t len)
{
	if (prio % 4096)
		return why_fmt(why, len,
			       "priority takes a multiple of 4096 between 0 and 61440 (802.1D's steps), not %u",
			       prio);
	return 0;
}

#define SETTING_STP(n, m, lo, hi, u, which) \
	{ .name = (n), .value = ARG_SPEC_U32(n, m, lo, hi, u), .stp = (which) }
#define SETTING_SWITCH(n, f, off) \
	{ .name = (n), .value = ARG_SPEC(n, ARG_ONOFF, "on|off"), .flag = (f), .flag_means_off = (off) }
#define SETTING_U32(n, m, hi, u, f) \
	{ .name = (n), .value = ARG_SPEC_U32(n, m, 0, hi, u), .field = offsetof(struct xb_port_conf, f) }
#define STORM_MAX 100000000U	/* frames/s: beyond any port's line rate */

const struct port_setting port_settings[] = {
	SETTING_SWITCH("isolated", XB_PCONF_ISOLATED, false),
	SETTING_SWITCH("learning", XB_PCONF_NO_LEARNING, true),
	SETTING_SWITCH("flood", XB_PCONF_NO_FLOOD, true),
	SETTING_SWITCH("mcast_flood", XB_PCONF_NO_MCAST_FLOOD, true),
	SETTING_SWITCH("bcast_flood", XB_PCONF_NO_BCAST_FLOOD, true),
	SETTING_U32("storm-bcast", "N", STORM_MAX, "frames per second (0: no limit)", storm_bcast),
	SETTING_U32("storm-mcast", "N", STORM_MAX, "frames per second (0: no limit)", storm_mcast),
	SETTING_U32("storm-unknown", "N", STORM_MAX, "frames per second (0: no limit)", storm_unknown),
	SETTING_U32("max-learned", "N", UINT32_MAX, "a number of stations (0: no limit)", max_learned),
	/* Spanning tree (cmd_stp.c, stp_ctl.c): `bridge link set` words. */
	SETTING_STP("cost", "N", 1, 65535, "a path cost", PSET_STP_COST),
	SETTING_STP("priority", "N", 0, XB_STP_MAX_PORT_PRIO, "a port priority", PSET_STP_PRIO),
	SETTING_SWITCH("bpdu-guard", XB_PCONF_BPDU_GUARD, false),
	SETTING_SWITCH("root-block", XB_PCONF_ROOT_BLOCK, false),
	{ .name = NULL },
};

/* word names key: equal but for '-' == '_'. */
static bool setting_name_is(const char *key, const char *word)
{
	for (; *key && *word; key++, word++)
		if (*key != *word && !((*key == '-' || *key == '_') && (*word == '-' || *word == '_')))
			return false;
	return !*key && !*word;
}

const struct port_setting *port_setting_find(const char *word)
{
	for (const struct port_setting *k = port_settings; k->name; k++)
		if (setting_name_is(k->name, word))
			return k;
	return NULL;
}

const struct port_setting *port_setting_check(const char *key, const char *value, struct arg_value *v,
					      char *why, size_t len)
{
	const struct port_setting *k = port_setting_find(key);

	if (!k) {
		char names[512] = "";

		for (k = port_settings; k->name; k++)
			snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%s %s",
				 k == port_settings ? "" : ", ", k->name, k->value.metavar);
		why_fmt(why, len, "unknown port setting '%s': one of %s", key, names);
		return NULL;
	}
	if (!value) {
		why_fmt(why, len, "port setting %s needs a value: %s %s", k->name, k->name, k->value.metavar);
		return NULL;
	}
	return arg_check(&k->value, value, v, why, len) ? NULL : k;
}

void port_setting_store(const struct port_setting *k, const struct arg_value *v,
			struct xb_port_conf *conf, struct xb_stp_port_conf *stp)
{
	if (k->stp == PSET_STP_COST) {
		stp->path_cost = v->u32;
	} else if (k->stp == PSET_STP_PRIO) {
		stp->priority = (__u8)v->u32;
		stp->priority_set = 1;
	} else if (k->value.type == ARG_ONOFF) {
		if (v->on != k->flag_means_off)
			conf->flags |= k->flag;
		else
			conf->flags &= ~k->flag;
	} else {
		memcpy((char *)conf + k->field, &v->u32, sizeof(v->u32));
	}
}

static int vid_parse(const char *s, char **end, __u16 *vid)
{
	unsigned long v;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoul(s, end, 10);
	if (errno || v < 1 || v > XB_VLAN_VID_MAX)
		return -EINVAL;
	*vid = (__u16)v;
	return 0;
}

int vlan_range_parse(const char *s, __u16 *lo, __u16 *hi)
{
	char *end;

	if (vid_parse(s, &end, lo))
		return -EINVAL;
	if (!*end) {
		*hi = *lo;
		return 0;
	}
	if (*end != '-' || vid_parse(end + 1, &end, hi) || *end || *hi < *lo)
		return -EINVAL;
	return 0;
}

int vlan_range_check(const char *s, __u16 *lo, __u16 *hi, char *why, size_t len)
{
	if (!vlan_range_parse(s, lo, hi))
		return 0;
	return why_fmt(why, len, "VID takes a VLAN id 1-4094 or a range VID-VID, not '%s'", s);
}

int vlan_flag_word(const char *s, __u32 *flags, char *why, size_t len)
{
	if (!strcmp(s, "pvid"))
		*flags |= XB_VLANF_PVID;
	else if (!strcmp(s, "untagged"))
		*flags |= XB_VLANF_UNTAGGED;
	else
		return why_fmt(why, len, "expected 'pvid' or 'untagged', not '%s'", s);
	return 0;
}

int vlan_pvid_check(const char *vids, __u16 lo, __u16 hi, __u32 flags, char *why, size_t len)
{
	if ((flags & XB_VLANF_PVID) && lo != hi)
		return why_fmt(why, len, "pvid takes one VID, not the range %s", vids);
	return 0;
}
