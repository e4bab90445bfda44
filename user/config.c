// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#define _GNU_SOURCE
#include <errno.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "vlan.h"

/* Named after the keys, so a value's error reads "ageing takes seconds ...";
 * ranges are load's (cmd_bridge.c uses the same constants). */
const struct arg_spec spec_ageing = ARG_SPEC_U32("ageing", "SEC", 1, XB_MAX_AGEING_SEC, "seconds");
const struct arg_spec spec_fdb_size = ARG_SPEC_U32("fdb-size", "N", 1, XB_MAX_FDB_SIZE, XB_FDB_SIZE_UNIT);
const struct arg_spec spec_max_ports = ARG_SPEC_U32("max-ports", "N", 2, XB_MAX_PORTS, "a number of ports");
const struct arg_spec spec_max_learned = ARG_SPEC_U32("max-learned", "N", 0, UINT32_MAX,
						      "a number of stations (0: no limit)");
const struct arg_spec spec_mode = ARG_SPEC("mode", ARG_MODE, "native|generic|tc");
const struct arg_spec spec_auto_port = ARG_SPEC("auto-port", ARG_GLOB, "GLOB");
static const struct arg_spec spec_host_port = ARG_SPEC("host-port", ARG_ONOFF, "on|off");
static const struct arg_spec spec_ifname = ARG_SPEC("PORT", ARG_IFNAME, "IF");
static const struct arg_spec spec_station = ARG_SPEC("MAC", ARG_STATION, "MAC");
static const struct arg_spec spec_vlan_word = ARG_SPEC("vlan", ARG_KEYWORD, "vlan");	/* fdb's */

/* The keys the file shares with `set BRIDGE KEY VALUE` (its specs). */
static const struct arg_spec *const set_specs[] = {
	&spec_vlan_filtering, &spec_vlan_protocol, &spec_default_pvid, &spec_stp, &spec_stp_priority,
	&spec_stp_hello, &spec_stp_forward_delay, &spec_stp_max_age, NULL,
};

#define MAX_TOKENS 64
#define MAX_LINE 4096

struct line_ctx {
	const char *fname;
	int line;
	char *why;
	size_t len;
};

static int line_err(const struct line_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int line_err(const struct line_ctx *c, const char *fmt, ...)
{
	char msg[CONFIG_WHY_LEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(c->why, c->len, "%s:%d: %s", c->fname, c->line, msg);
	return -EINVAL;
}

/* One value through the CLI's parser, its message prefixed with FILE:LINE. */
static int value(const struct line_ctx *c, const struct arg_spec *spec, const char *s,
		 struct arg_value *v)
{
	char msg[CONFIG_WHY_LEN];

	if (!arg_check(spec, s, v, msg, sizeof(msg)))
		return 0;
	return line_err(c, "%s", msg);
}

/* A key set once: a second line for it is a mistake, not an override. */
static int once(const struct line_ctx *c, const char *key, int *seen_line)
{
	if (*seen_line)
		return line_err(c, "%s is already set on line %d: set it once", key, *seen_line);
	*seen_line = c->line;
	return 0;
}

static int nargs(const struct line_ctx *c, const char *key, int ntok, int want, const char *usage)
{
	if (ntok - 1 == want)
		return 0;
	return line_err(c, "%s takes %d value%s: '%s'", key, want, want == 1 ? "" : "s", usage);
}

static int mode_value(const struct line_ctx *c, const char *key, const char *s,
		      enum xb_xdp_mode *mode)
{
	struct arg_value v;
	char msg[CONFIG_WHY_LEN];

	if (!arg_check(&spec_mode, s, &v, msg, sizeof(msg))) {
		*mode = v.mode;
		return 0;
	}
	return line_err(c, "%s is native, generic or tc, not '%s'", key, s);
}

static void *grow(void *p, int n, size_t size)
{
	return realloc(p, (size_t)(n + 1) * size);
}

static int port_listed(const struct bridge_file *f, const char *name)
{
	for (int i = 0; i < f->nports; i++)
		if (!strcmp(f->ports[i], name))
			return f->port_lines[i];
	return 0;
}

static int parse_ports(const struct line_ctx *c, struct bridge_file *f, char **tok, int ntok)
{
	struct arg_value v;
	int err, seen;

	if (ntok < 2)
		return line_err(c, "ports takes one or more interfaces: 'ports IF...'");
	for (int i = 1; i < ntok; i++) {
		err = value(c, &spec_ifname, tok[i], &v);
		if (err)
			return err;
		seen = port_listed(f, tok[i]);
		if (seen)
			return line_err(c, "port %s is already listed on line %d: list each port once",
					tok[i], seen);
		void *p = grow(f->ports, f->nports, sizeof(*f->ports));
		void *l = p ? grow(f->port_lines, f->nports, sizeof(*f->port_lines)) : NULL;

		if (p)
			f->ports = p;
		if (!p || !l)
			return -ENOMEM;
		f->port_lines = l;
		snprintf(f->ports[f->nports], XB_IFNAMSIZ, "%s", tok[i]);
		f->port_lines[f->nports++] = c->line;
	}
	return 0;
}

/* Where a `port set` key of ifname was set before (this line's earlier
 * pairs included): its line, or 0. */
static int port_key_line(const struct bridge_file *f, const char *ifname, const struct port_setting *k)
{
	for (int i = 0; i < f->nport_sets; i++) {
		const struct config_port_set *ps = &f->port_sets[i];

		if (strcmp(ps->ifname, ifname))
			continue;
		for (int w = 0; w + 1 < ps->nwords; w += 2)
			if (port_setting_find(ps->words[w]) == k)
				return ps->line;
	}
	return 0;
}

static int port_mode_put(const struct line_ctx *c, struct bridge_file *f, const char *ifname,
			 const char *word)
{
	struct config_port_mode pm = { .line = c->line };
	int err = mode_value(c, "mode", word, &pm.mode);

	if (err)
		return err;
	for (int i = 0; i < f->nport_modes; i++)
		if (!strcmp(f->port_modes[i].ifname, ifname))
			return line_err(c, "port %s mode is already set on line %d: set it once", ifname,
					f->port_modes[i].line);
	snprintf(pm.ifname, sizeof(pm.ifname), "%s", ifname);
	void *p = grow(f->port_modes, f->nport_modes, sizeof(*f->port_modes));

	if (!p)
		return -ENOMEM;
	f->port_modes = p;
	f->port_modes[f->nport_modes++] = pm;
	return 0;
}

/* `port IF KEY VALUE...`: mode, or any `port set` key (settings.c's words
 * and checks); each key of a port set once. */
static int parse_port_setting(const struct line_ctx *c, struct bridge_file *f, char **tok, int ntok)
{
	struct config_port_set *ps;
	struct arg_value v;
	char msg[CONFIG_WHY_LEN];
	int err, seen;

	if (ntok < 3)
		return line_err(c, "port takes an interface and settings: 'port IF KEY VALUE...' (mode native|generic|tc, or a 'port set' key)");
	err = value(c, &spec_ifname, tok[1], &v);
	if (err)
		return err;
	void *p = grow(f->port_sets, f->nport_sets, sizeof(*f->port_sets));

	if (!p)
		return -ENOMEM;
	f->port_sets = p;
	ps = &f->port_sets[f->nport_sets++];	/* freed by config_free, also half-filled */
	memset(ps, 0, sizeof(*ps));
	snprintf(ps->ifname, sizeof(ps->ifname), "%s", tok[1]);
	ps->line = c->line;
	ps->words = calloc((size_t)ntok, sizeof(*ps->words));
	if (!ps->words)
		return -ENOMEM;
	for (int i = 2; i < ntok; i += 2) {
		const char *val = i + 1 < ntok ? tok[i + 1] : NULL;
		const struct port_setting *k;

		if (!strcmp(tok[i], "mode")) {
			if (!val)
				return line_err(c, "port setting mode needs a value: mode native|generic|tc");
			err = port_mode_put(c, f, tok[1], val);
			if (err)
				return err;
			continue;
		}
		k = port_setting_check(tok[i], val, &v, msg, sizeof(msg));
		if (!k)
			return line_err(c, "%s", msg);
		seen = port_key_line(f, tok[1], k);
		if (seen)
			return line_err(c, "port %s %s is already set on line %d: set it once", tok[1], k->name,
					seen);
		ps->words[ps->nwords] = strdup(tok[i]);
		ps->words[ps->nwords + 1] = strdup(val);
		ps->nwords += 2;	/* counted before the check: config_free frees them */
		if (!ps->words[ps->nwords - 2] || !ps->words[ps->nwords - 1])
			return -ENOMEM;
	}
	if (!ps->nwords) {	/* mode only: nothing for `port set` */
		free(ps->words);
		f->nport_sets--;
	}
	return 0;
}

/* `vlan PORT VID[-VID] [pvid] [untagged]`: `vlan add`'s words (settings.c). */
static int parse_vlan(const struct line_ctx *c, struct bridge_file *f, char **tok, int ntok)
{
	struct config_vlan e = { .line = c->line };
	char msg[CONFIG_WHY_LEN];
	struct arg_value port;
	int err;

	if (ntok < 3 || ntok > 5)
		return line_err(c, "vlan takes a port, VIDs and flags: 'vlan PORT VID[-VID] [pvid] [untagged]'");
	err = value(c, &spec_ifname, tok[1], &port);
	if (err)
		return err;
	if (vlan_range_check(tok[2], &e.lo, &e.hi, msg, sizeof(msg)))
		return line_err(c, "%s", msg);
	for (int i = 3; i < ntok; i++)
		if (vlan_flag_word(tok[i], &e.flags, msg, sizeof(msg)))
			return line_err(c, "%s", msg);
	if (vlan_pvid_check(tok[2], e.lo, e.hi, e.flags, msg, sizeof(msg)))
		return line_err(c, "%s", msg);
	for (int i = 0; i < f->nvlans && (e.flags & XB_VLANF_PVID); i++)
		if ((f->vlans[i].flags & XB_VLANF_PVID) && !strcmp(f->vlans[i].port, tok[1]))
			return line_err(c, "port %s has its pvid on line %d: a port has one PVID", tok[1],
					f->vlans[i].line);
	snprintf(e.port, sizeof(e.port), "%s", tok[1]);
	snprintf(e.vids, sizeof(e.vids), "%s", tok[2]);
	void *p = grow(f->vlans, f->nvlans, sizeof(*f->vlans));

	if (!p)
		return -ENOMEM;
	f->vlans = p;
	f->vlans[f->nvlans++] = e;
	return 0;
}

/* A `set` key: its spec's parser and check, once per file. */
static int parse_set_key(const struct line_ctx *c, struct bridge_file *f, const struct arg_spec *spec,
			 char **tok, int ntok)
{
	struct config_setting *cs = &f->settings[f->nsettings];
	char usage[128], msg[CONFIG_WHY_LEN];
	int err, seen = 0;

	snprintf(usage, sizeof(usage), "%s %s", spec->name, spec->metavar);
	err = nargs(c, spec->name, ntok, 1, usage);
	if (!err)
		err = value(c, spec, tok[1], &cs->v);
	if (!err && spec == &spec_stp_priority && stp_priority_check(cs->v.u32, msg, sizeof(msg)))
		err = line_err(c, "%s", msg);
	if (err)
		return err;
	for (int i = 0; i < f->nsettings; i++)
		if (f->settings[i].spec == spec)
			seen = f->settings[i].line;
	err = once(c, spec->name, &seen);
	if (err)
		return err;
	if (f->nsettings == CONFIG_MAX_SETTINGS)	/* each key once: cannot happen */
		return line_err(c, "too many settings");
	cs->spec = spec;
	cs->v.str = NULL;
	cs->line = c->line;
	f->nsettings++;
	return 0;
}

static int parse_fdb(const struct line_ctx *c, struct bridge_file *f, char **tok, int ntok)
{
	struct config_fdb e = { .line = c->line };
	struct arg_value mac, port, word, vid;
	int err;

	if (ntok != 3 && ntok != 5)
		return line_err(c, "fdb takes 2 values and an optional VLAN: 'fdb MAC PORT [vlan VID]'");
	err = value(c, &spec_station, tok[1], &mac);
	if (!err)
		err = value(c, &spec_ifname, tok[2], &port);
	if (!err && ntok == 5)
		err = value(c, &spec_vlan_word, tok[3], &word);
	if (!err && ntok == 5)
		err = value(c, &spec_fdb_vlan, tok[4], &vid);
	if (err)
		return err;
	e.vlan = ntok == 5 ? (__u16)vid.u32 : 0;
	for (int i = 0; i < f->nfdb; i++)
		if (!memcmp(f->fdb[i].mac, mac.mac, XB_ETH_ALEN) && f->fdb[i].vlan == e.vlan)
			return line_err(c, "fdb %s%s is already set on line %d: one static entry per MAC and VLAN",
					tok[1], e.vlan ? " in that VLAN" : "", f->fdb[i].line);
	memcpy(e.mac, mac.mac, XB_ETH_ALEN);
	snprintf(e.port, sizeof(e.port), "%s", tok[2]);
	void *p = grow(f->fdb, f->nfdb, sizeof(*f->fdb));

	if (!p)
		return -ENOMEM;
	f->fdb = p;
	f->fdb[f->nfdb++] = e;
	return 0;
}

static int parse_line(const struct line_ctx *c, struct bridge_file *f, char **tok, int ntok)
{
	const char *key = tok[0];
	struct arg_value v;
	int err;

	if (!strcmp(key, "ports"))
		return parse_ports(c, f, tok, ntok);
	if (!strcmp(key, "port"))
		return parse_port_setting(c, f, tok, ntok);
	if (!strcmp(key, "fdb"))
		return parse_fdb(c, f, tok, ntok);
	if (!strcmp(key, "vlan"))
		return parse_vlan(c, f, tok, ntok);
	for (int i = 0; set_specs[i]; i++)
		if (!strcmp(key, set_specs[i]->name))
			return parse_set_key(c, f, set_specs[i], tok, ntok);
	if (!strcmp(key, "auto-port")) {
		err = nargs(c, key, ntok, 1, "auto-port GLOB");
		if (!err)
			err = value(c, &spec_auto_port, tok[1], &v);
		if (err)
			return err;
		for (int i = 0; i < f->nglobs; i++)
			if (!strcmp(f->globs[i], tok[1]))
				return line_err(c, "auto-port %s is given twice", tok[1]);
		if (f->nglobs >= XB_MAX_AUTO_PORTS)
			return line_err(c, "auto-port: at most %d patterns", XB_MAX_AUTO_PORTS);
		snprintf(f->globs[f->nglobs++], ARG_GLOB_MAX, "%s", tok[1]);
		return 0;
	}
	if (!strcmp(key, "ageing")) {
		err = nargs(c, key, ntok, 1, "ageing SEC");
		if (!err)
			err = value(c, &spec_ageing, tok[1], &v);
		if (!err)
			err = once(c, key, &f->ageing_line);
		if (!err)	/* v is unset after a wrong count */
			f->ageing_sec = v.u32;
		return err;
	}
	if (!strcmp(key, "fdb-size")) {
		err = nargs(c, key, ntok, 1, "fdb-size N");
		if (!err)
			err = value(c, &spec_fdb_size, tok[1], &v);
		if (!err)
			err = once(c, key, &f->fdb_size_line);
		if (!err)	/* v is unset after a wrong count */
			f->fdb_size = v.u32;
		return err;
	}
	if (!strcmp(key, "max-ports")) {
		err = nargs(c, key, ntok, 1, "max-ports N");
		if (!err)
			err = value(c, &spec_max_ports, tok[1], &v);
		if (!err)
			err = once(c, key, &f->max_ports_line);
		if (!err)	/* v is unset after a wrong count */
			f->max_ports = v.u32;
		return err;
	}
	if (!strcmp(key, "max-learned")) {
		err = nargs(c, key, ntok, 1, "max-learned N");
		if (!err)
			err = value(c, &spec_max_learned, tok[1], &v);
		if (!err)
			err = once(c, key, &f->max_learned_line);
		if (!err)	/* v is unset after a wrong count */
			f->max_learned = v.u32;
		return err;
	}
	if (!strcmp(key, "mode")) {
		err = nargs(c, key, ntok, 1, "mode native|generic|tc");
		if (!err)
			err = mode_value(c, key, tok[1], &f->mode);
		if (!err)
			err = once(c, key, &f->mode_line);
		return err;
	}
	if (!strcmp(key, "host-port")) {
		err = nargs(c, key, ntok, 1, "host-port on|off");
		if (!err)
			err = value(c, &spec_host_port, tok[1], &v);
		if (!err)
			err = once(c, key, &f->host_port_line);
		if (!err)	/* v is unset after a wrong count */
			f->host_port = v.on;
		return err;
	}
	return line_err(c, "unknown key '%s' (keys: ports, ageing, fdb-size, max-ports, max-learned, mode, host-port, auto-port, vlan-filtering, vlan-protocol, default-pvid, stp, priority, hello, forward-delay, max-age, port, vlan, fdb)",
			key);
}

int config_parse(const char *fname, const char *text, struct bridge_file *f, char *why, size_t len)
{
	struct line_ctx c = { .fname = fname, .why = why, .len = len };
	const char *p = text;
	char buf[MAX_LINE];

	memset(f, 0, sizeof(*f));
	f->host_port = true;
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		char *tok[MAX_TOKENS], *save = NULL, *t, *hash;
		int ntok = 0, err;

		c.line++;
		if (n >= sizeof(buf))
			return line_err(&c, "line longer than %d characters", MAX_LINE - 1);
		memcpy(buf, p, n);
		buf[n] = '\0';
		p += n + (nl ? 1 : 0);
		hash = strchr(buf, '#');
		if (hash)
			*hash = '\0';
		for (t = strtok_r(buf, " \t\r", &save); t; t = strtok_r(NULL, " \t\r", &save)) {
			if (ntok == MAX_TOKENS)
				return line_err(&c, "more than %d words on one line: split it", MAX_TOKENS - 1);
			tok[ntok++] = t;
		}
		if (!ntok)
			continue;
		err = parse_line(&c, f, tok, ntok);
		if (err)
			return err;
	}
	return 0;
}

int config_read(const char *path, struct bridge_file *f, char *why, size_t len)
{
	char *text = NULL;
	size_t size = 0;
	FILE *in;
	int err;

	memset(f, 0, sizeof(*f));
	in = fopen(path, "re");
	if (!in) {
		err = -errno;
		snprintf(why, len, "cannot read %s: %s", path, strerror(-err));
		return err;
	}
	err = getdelim(&text, &size, '\0', in) < 0 && ferror(in) ? -EIO : 0;
	fclose(in);
	if (err) {
		snprintf(why, len, "cannot read %s", path);
	} else {
		if (!text)
			text = strdup("");
		err = text ? config_parse(path, text, f, why, len) : -ENOMEM;
	}
	free(text);
	return err;
}

void config_free(struct bridge_file *f)
{
	free(f->ports);
	free(f->port_lines);
	free(f->port_modes);
	free(f->fdb);
	for (int i = 0; i < f->nport_sets; i++) {
		for (int w = 0; w < f->port_sets[i].nwords; w++)
			free(f->port_sets[i].words[w]);
		free(f->port_sets[i].words);
	}
	free(f->port_sets);
	free(f->vlans);
	memset(f, 0, sizeof(*f));
}

bool glob_match_any(const char (*globs)[ARG_GLOB_MAX], int n, const char *ifname)
{
	for (int i = 0; i < n; i++)
		if (!fnmatch(globs[i], ifname, 0))
			return true;
	return false;
}

static bool cli_listed(const char *const *cli, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(cli[i], name))
			return true;
	return false;
}

/* A port the bridge has from the start: listed, on the command line, or
 * the host interface's. */
static bool port_known(const struct bridge_file *f, const char *const *cli, int ncli,
		       const char *host_port, const char *name)
{
	return port_listed(f, name) || cli_listed(cli, ncli, name) || (host_port && !strcmp(host_port, name));
}

static bool port_auto(const struct bridge_file *f, const char *name)
{
	return glob_match_any((const char (*)[ARG_GLOB_MAX])f->globs, f->nglobs, name);
}

/* Only `mode` is kept for a port an auto-port pattern adds later: the
 * control loop (ctl.c) attaches it with that mode and nothing else. */
#define AUTO_ONLY_MODE "only 'mode' applies to a port an auto-port pattern adds when it appears: list it in 'ports', or give the setting with 'xdpbridge %s' once it has joined"

int config_check(const char *fname, const struct bridge_file *f, const char *const *cli_ports,
		 int ncli, const char *host_port, char *why, size_t len)
{
	struct line_ctx c = { .fname = fname, .why = why, .len = len };
	int line;

	for (int i = 0; i < ncli; i++) {
		line = port_listed(f, cli_ports[i]);
		if (line) {
			snprintf(why, len, "port %s is given on the command line and in %s (line %d): list it once",
				 cli_ports[i], fname, line);
			return -EINVAL;
		}
	}
	for (int i = 0; i < f->nfdb; i++) {
		c.line = f->fdb[i].line;
		if (!port_listed(f, f->fdb[i].port) && !cli_listed(cli_ports, ncli, f->fdb[i].port))
			return line_err(&c, "fdb: %s is not a port of the bridge: add it to 'ports'",
					f->fdb[i].port);
	}
	for (int i = 0; i < f->nport_modes; i++) {
		const char *name = f->port_modes[i].ifname;

		c.line = f->port_modes[i].line;
		if (!port_listed(f, name) && !cli_listed(cli_ports, ncli, name) && !port_auto(f, name))
			return line_err(&c, "port %s is neither listed in 'ports' nor matched by an 'auto-port' pattern",
					name);
	}
	for (int i = 0; i < f->nport_sets; i++) {
		const char *name = f->port_sets[i].ifname;

		c.line = f->port_sets[i].line;
		if (port_known(f, cli_ports, ncli, host_port, name))
			continue;
		if (port_auto(f, name))
			return line_err(&c, "port %s: " AUTO_ONLY_MODE, name, "port set");
		return line_err(&c, "port %s is neither listed in 'ports' nor matched by an 'auto-port' pattern",
				name);
	}
	for (int i = 0; i < f->nvlans; i++) {
		const char *name = f->vlans[i].port;

		c.line = f->vlans[i].line;
		if (port_known(f, cli_ports, ncli, host_port, name))
			continue;
		if (port_auto(f, name))
			return line_err(&c, "vlan: port %s: " AUTO_ONLY_MODE, name, "vlan add");
		return line_err(&c, "vlan: %s is not a port of the bridge: add it to 'ports'", name);
	}
	return 0;
}

const struct config_setting *config_setting(const struct bridge_file *f, const struct arg_spec *spec)
{
	for (int i = 0; i < f->nsettings; i++)
		if (f->settings[i].spec == spec)
			return &f->settings[i];
	return NULL;
}

const struct config_port_mode *config_port_mode(const struct bridge_file *f, const char *ifname)
{
	for (int i = 0; i < f->nport_modes; i++)
		if (!strcmp(f->port_modes[i].ifname, ifname))
			return &f->port_modes[i];
	return NULL;
}
