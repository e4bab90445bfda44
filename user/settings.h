/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The words of the run-time settings, shared by the commands (`set`, `port
 * set`, `vlan add`, `fdb add`) and the bridge file (config.c), so both accept
 * and refuse the same words with the same messages. Each check writes its
 * message to why (the CLI prints it, the file prefixes it with FILE:LINE).
 * Pure: no system state, unit tested, linked into the config fuzzer.
 */
#ifndef XB_SETTINGS_H
#define XB_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#include "args.h"
#include "xdpbridge.h"

/* `set BRIDGE KEY VALUE` values that are also keys of the bridge file. */
extern const struct arg_spec spec_vlan_filtering, spec_vlan_protocol, spec_default_pvid,
	spec_stp, spec_stp_priority, spec_stp_hello, spec_stp_forward_delay, spec_stp_max_age;
/* fdb's `vlan VID`. */
extern const struct arg_spec spec_fdb_vlan;
/* spec_vlan_protocol's value (an index of its choices) as a TPID, host order. */
__u16 vlan_protocol_of(__u32 choice);
/* The bridge priority beyond its range: a multiple of 4096 (802.1D's
 * steps). 0 or -EINVAL with why set. */
int stp_priority_check(__u32 prio, char *why, size_t len);

/*
 * `port set` keys, in iproute2's words where it has them (`bridge link set`:
 * isolated, learning, flood, mcast_flood, bcast_flood); '-' and '_' are the
 * same character in a key. A switch is an XB_PCONF_* bit (flag_means_off:
 * the bit is set when the switch is off), a number a __u32 of xb_port_conf,
 * or (stp) a field of xb_stp_port_conf.
 */
enum port_setting_stp { PSET_CONF, PSET_STP_COST, PSET_STP_PRIO };

struct port_setting {
	const char *name;
	struct arg_spec value;
	__u32 flag;
	bool flag_means_off;
	size_t field;
	enum port_setting_stp stp;
};

extern const struct port_setting port_settings[];	/* ended by a NULL name */

/* The row word names ('-' == '_'), or NULL. */
const struct port_setting *port_setting_find(const char *word);
/* KEY VALUE as `port set` checks them (value NULL: it is missing): the
 * key's row, the value in *v; NULL with why set. */
const struct port_setting *port_setting_check(const char *key, const char *value, struct arg_value *v,
					      char *why, size_t len);
/* Write a checked value into the port's records. */
void port_setting_store(const struct port_setting *k, const struct arg_value *v,
			struct xb_port_conf *conf, struct xb_stp_port_conf *stp);

/* `vlan add`'s VID[-VID] (vlan_range_parse, vlan.h): 0 or -EINVAL, why set. */
int vlan_range_check(const char *s, __u16 *lo, __u16 *hi, char *why, size_t len);
/* One of `vlan add`'s words after the VIDs, pvid or untagged, into *flags
 * (XB_VLANF_*, vlan.h). 0 or -EINVAL, why set. */
int vlan_flag_word(const char *s, __u32 *flags, char *why, size_t len);
/* `pvid` takes one VID, not a range (vids as typed). 0 or -EINVAL, why set. */
int vlan_pvid_check(const char *vids, __u16 lo, __u16 hi, __u32 flags, char *why, size_t len);

#endif
