/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Messages: errors and warnings go to stderr, one line each. */
#ifndef XB_LOG_H
#define XB_LOG_H

#include <stdbool.h>

extern bool log_verbose;	/* -v: pr_debug and libbpf's own log */
extern bool log_json;		/* -j: errors as {"error": "..."} */

void pr_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void pr_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void pr_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void pr_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Route libbpf's messages through pr_debug (shown only with -v). */
void log_setup_libbpf(void);

#endif
