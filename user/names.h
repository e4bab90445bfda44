/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Names user space prints for the shared enums, written once. */
#ifndef XB_NAMES_H
#define XB_NAMES_H

#include "xdpbridge.h"

/* A drop reason as `stats` (dropped_NAME), Prometheus (reason="NAME") and
 * `top` print it; "?" for a value out of range. */
const char *xb_drop_name(unsigned int reason);

/* An STP port state in the Linux bridge's words ("forwarding", ...). */
const char *xb_stp_state_name(unsigned int state);

#endif /* XB_NAMES_H */
