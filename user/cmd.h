/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* The CLI's commands: each returns an exit code (0, 1, or EXIT_USAGE). */
#ifndef XB_CMD_H
#define XB_CMD_H

#include <stdbool.h>

extern bool opt_json, opt_pretty;

int cmd_load(int argc, char **argv);
int cmd_unload(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_set(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_port(int argc, char **argv);
int cmd_fdb(int argc, char **argv);

/* Shared by the commands: checks every command that touches a bridge needs. */
int cmd_preflight(void);
struct xb_bridge;
/* Open a loaded bridge named on the command line; prints why not.
 * Returns an exit code: 0, 1, or EXIT_USAGE for a malformed name. */
int open_loaded_bridge(const char *name, struct xb_bridge *br);
/* Bridge name from the command line: prints the usage error. */
int cmd_bridge_name(const char *name);

#endif
