// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bridge.h"
#include "fdb.h"
#include "metrics.h"
#include "names.h"
#include "sys.h"

int metrics_collect(const struct xb_bridge *br, struct bridge_metrics *m)
{
	pid_t pid;
	int err;

	memset(m, 0, sizeof(*m));
	snprintf(m->name, sizeof(m->name), "%s", br->name);
	err = bridge_config_get(br, &m->cfg);
	if (err)
		return err;
	m->sync = bridge_sync_read(br);
	m->fdb_size = bridge_map_capacity(br->fdb_fd);
	m->max_ports = bridge_map_capacity(br->info_fd);
	err = fdb_count_learned(br, &m->learned);
	if (err)
		return err;
	err = port_rows_read(br, &m->ports, &m->nports);
	if (err)
		return err;
	pid = pidfile_running(br->name);
	m->ctl_up = pid != 0;
	m->ctl_valid = pid && !ctl_status_read(br->name, &m->ctl) && m->ctl.pid == pid;
	return 0;
}

void metrics_free(struct bridge_metrics *m)
{
	free(m->ports);
	m->ports = NULL;
	m->nports = 0;
}

void prom_write_label_value(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			fprintf(f, "\\%c", *s);
		else if (*s == '\n')
			fputs("\\n", f);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

static void family(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* name{bridge="B"[,port="P"][,reason="R"]} */
static void sample_start(FILE *f, const char *name, const char *bridge, const char *port,
			 const char *reason)
{
	fprintf(f, "%s{bridge=", name);
	prom_write_label_value(f, bridge);
	if (port) {
		fputs(",port=", f);
		prom_write_label_value(f, port);
	}
	if (reason) {
		fputs(",reason=", f);
		prom_write_label_value(f, reason);
	}
	fputc('}', f);
}

static void bridge_u64(FILE *f, const struct bridge_metrics *m, const char *name,
		       const char *type, const char *help, uint64_t v)
{
	family(f, name, type, help);
	sample_start(f, name, m->name, NULL, NULL);
	fprintf(f, " %" PRIu64 "\n", v);
}

static void bridge_seconds(FILE *f, const struct bridge_metrics *m, const char *name,
			   const char *type, const char *help, uint64_t ns)
{
	family(f, name, type, help);
	sample_start(f, name, m->name, NULL, NULL);
	fprintf(f, " %" PRIu64 ".%09" PRIu64 "\n", ns / 1000000000U, ns % 1000000000U);
}

/* One counter family over every port; off: the field's offset in xb_port_stats. */
static void port_counter(FILE *f, const struct bridge_metrics *m, const char *name,
			 const char *help, size_t off)
{
	family(f, name, "counter", help);
	for (size_t i = 0; i < m->nports; i++) {
		uint64_t v;

		memcpy(&v, (const char *)&m->ports[i].stats + off, sizeof(v));
		sample_start(f, name, m->name, m->ports[i].info.ifname, NULL);
		fprintf(f, " %" PRIu64 "\n", v);
	}
}

void metrics_write_prometheus(FILE *f, const struct bridge_metrics *m)
{
	static const char dropped[] = "xdpbridge_port_dropped_packets_total";

	port_counter(f, m, "xdpbridge_port_rx_packets_total", "Frames received on the port.",
		     offsetof(struct xb_port_stats, rx_packets));
	port_counter(f, m, "xdpbridge_port_rx_bytes_total", "Bytes received on the port.",
		     offsetof(struct xb_port_stats, rx_bytes));
	port_counter(f, m, "xdpbridge_port_forwarded_packets_total",
		     "Known-unicast frames received on the port and redirected to one port.",
		     offsetof(struct xb_port_stats, forwarded));
	port_counter(f, m, "xdpbridge_port_flooded_packets_total",
		     "Broadcast, multicast and unknown-unicast frames received on the port and flooded.",
		     offsetof(struct xb_port_stats, flooded));
	port_counter(f, m, "xdpbridge_port_to_host_packets_total",
		     "Frames received on the port and passed to its own network stack.",
		     offsetof(struct xb_port_stats, to_host));
	port_counter(f, m, "xdpbridge_port_forwarded_bytes_total",
		     "Bytes of the frames counted by xdpbridge_port_forwarded_packets_total.",
		     offsetof(struct xb_port_stats, forwarded_bytes));
	port_counter(f, m, "xdpbridge_port_flooded_bytes_total",
		     "Bytes of the frames counted by xdpbridge_port_flooded_packets_total.",
		     offsetof(struct xb_port_stats, flooded_bytes));
	port_counter(f, m, "xdpbridge_port_to_host_bytes_total",
		     "Bytes of the frames counted by xdpbridge_port_to_host_packets_total.",
		     offsetof(struct xb_port_stats, to_host_bytes));
	port_counter(f, m, "xdpbridge_port_dropped_bytes_total",
		     "Bytes of the frames counted by xdpbridge_port_dropped_packets_total, every reason together.",
		     offsetof(struct xb_port_stats, dropped_bytes));
	port_counter(f, m, "xdpbridge_port_to_skb_packets_total",
		     "Frames received on the port that XDP handed to the skb (TC) path.",
		     offsetof(struct xb_port_stats, to_skb));
	port_counter(f, m, "xdpbridge_port_kernel_dropped_packets_total",
		     "Copies of frames received on the port that the kernel dropped after the forwarding decision.",
		     offsetof(struct xb_port_stats, kernel_dropped));
	port_counter(f, m, "xdpbridge_port_learn_limit_total",
		     "Frames received on the port whose new source was not learned: the port or the bridge was at its max_learned.",
		     offsetof(struct xb_port_stats, learn_limit));
	family(f, dropped, "counter", "Frames received on the port and dropped, by reason.");
	for (size_t i = 0; i < m->nports; i++) {
		for (int r = 0; r < XB_DROP_MAX; r++) {
			sample_start(f, dropped, m->name, m->ports[i].info.ifname, xb_drop_name(r));
			fprintf(f, " %" PRIu64 "\n", (uint64_t)m->ports[i].stats.dropped[r]);
		}
	}

	bridge_u64(f, m, "xdpbridge_ports", "gauge", "Ports of the bridge, the host port included.",
		   m->nports);
	bridge_u64(f, m, "xdpbridge_max_ports", "gauge", "Ports the bridge has room for (--max-ports).",
		   m->max_ports);
	bridge_u64(f, m, "xdpbridge_fdb_capacity_entries", "gauge",
		   "Entries the learned FDB holds (--fdb-size).", m->fdb_size);
	bridge_u64(f, m, "xdpbridge_fdb_learned_entries", "gauge",
		   "Learned FDB entries younger than the ageing time.", m->learned);
	bridge_u64(f, m, "xdpbridge_fdb_static_entries", "gauge", "Static FDB entries.",
		   m->cfg.static_count);
	bridge_u64(f, m, "xdpbridge_fdb_unindexed_total", "counter",
		   "Stations learned without an ageing-index record; growth means --fdb-size is too small.",
		   m->sync.age_untracked);
	bridge_seconds(f, m, "xdpbridge_ageing_time_seconds", "gauge",
		       "Ageing time of learned FDB entries.", m->cfg.ageing_ns);
	bridge_u64(f, m, "xdpbridge_control_loop_up", "gauge",
		   "1 while the bridge's control loop runs (the data path forwards either way).",
		   m->ctl_up);
	if (!m->ctl_valid)
		return;
	bridge_u64(f, m, "xdpbridge_ageing_sweeps_total", "counter",
		   "FDB ageing sweeps run by the control loop, full walks included.", m->ctl.sweeps);
	bridge_u64(f, m, "xdpbridge_ageing_full_walks_total", "counter",
		   "FDB ageing sweeps that walked the whole FDB.", m->ctl.full_walks);
	bridge_seconds(f, m, "xdpbridge_ageing_sweep_seconds_total", "counter",
		       "Time the control loop spent in FDB ageing sweeps.", m->ctl.sweep_ns_total);
	bridge_seconds(f, m, "xdpbridge_ageing_last_sweep_duration_seconds", "gauge",
		       "Duration of the control loop's latest FDB ageing sweep.", m->ctl.last_sweep_ns);
}

/* Write path through a temporary file in the same directory and rename it
 * over path: readers see the old file or the new one, never a part. */
static int write_atomic(const char *path, void (*fill)(FILE *f, const void *ctx), const void *ctx)
{
	char tmp[PATH_MAX + 32];
	const char *base = strrchr(path, '/');
	int dirlen = base ? (int)(base - path + 1) : 0;
	int err = 0;
	FILE *f;

	/* A dot name: node_exporter reads only *.prom, and no one else lists it. */
	snprintf(tmp, sizeof(tmp), "%.*s.%s.%d.tmp", dirlen, path, base ? base + 1 : path,
		 (int)getpid());
	f = fopen(tmp, "w");
	if (!f)
		return -errno;
	fill(f, ctx);
	if (fflush(f) || ferror(f))
		err = errno ? -errno : -EIO;
	if (fclose(f) && !err)
		err = -errno;
	if (!err && rename(tmp, path))
		err = -errno;
	if (err)
		unlink(tmp);
	return err;
}

void metrics_textfile_path(const char *dir, const char *bridge, char *buf, size_t len)
{
	snprintf(buf, len, "%s/xdpbridge_%s.prom", dir, bridge);
}

static void fill_prometheus(FILE *f, const void *ctx)
{
	metrics_write_prometheus(f, ctx);
}

int metrics_textfile_write(const char *dir, const struct bridge_metrics *m)
{
	char path[PATH_MAX];

	metrics_textfile_path(dir, m->name, path, sizeof(path));
	return write_atomic(path, fill_prometheus, m);
}

static void status_path(const char *bridge, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s.status", XB_RUN_DIR, bridge);
}

static void fill_status(FILE *f, const void *ctx)
{
	const struct ctl_status *st = ctx;

	fprintf(f, "pid %d\nsweeps %llu\nfull_walks %llu\nsweep_ns_total %llu\nlast_sweep_ns %llu\n",
		(int)st->pid, (unsigned long long)st->sweeps, (unsigned long long)st->full_walks,
		(unsigned long long)st->sweep_ns_total, (unsigned long long)st->last_sweep_ns);
	if (st->fdb_full)
		fprintf(f, "fdb_full %u\n", st->fdb_full);
	if (st->textfile[0])
		fprintf(f, "textfile %s\n", st->textfile);
}

int ctl_status_write(const char *bridge, const struct ctl_status *st)
{
	char path[PATH_MAX];

	if (mkdir(XB_RUN_DIR, 0755) && errno != EEXIST)
		return -errno;
	status_path(bridge, path, sizeof(path));
	return write_atomic(path, fill_status, st);
}

int ctl_status_parse(const char *text, struct ctl_status *st)
{
	const char *line = text;
	bool have_pid = false;

	memset(st, 0, sizeof(*st));
	while (*line) {
		const char *end = strchrnul(line, '\n');
		char key[32], val[PATH_MAX];
		int klen, n;

		n = sscanf(line, "%31s %n", key, &klen);
		if (n != 1 || end - line - klen <= 0 || end - line - klen >= (int)sizeof(val))
			return -EINVAL;
		memcpy(val, line + klen, (size_t)(end - line - klen));
		val[end - line - klen] = '\0';
		if (!strcmp(key, "pid")) {
			st->pid = (pid_t)strtol(val, NULL, 10);
			have_pid = st->pid > 0;
		} else if (!strcmp(key, "sweeps")) {
			st->sweeps = strtoull(val, NULL, 10);
		} else if (!strcmp(key, "full_walks")) {
			st->full_walks = strtoull(val, NULL, 10);
		} else if (!strcmp(key, "sweep_ns_total")) {
			st->sweep_ns_total = strtoull(val, NULL, 10);
		} else if (!strcmp(key, "last_sweep_ns")) {
			st->last_sweep_ns = strtoull(val, NULL, 10);
		} else if (!strcmp(key, "fdb_full")) {
			st->fdb_full = (__u32)strtoul(val, NULL, 10);
		} else if (!strcmp(key, "textfile")) {
			snprintf(st->textfile, sizeof(st->textfile), "%s", val);
		}	/* unknown keys: a newer loop's; ignore */
		line = *end ? end + 1 : end;
	}
	return have_pid ? 0 : -EINVAL;
}

int ctl_status_read(const char *bridge, struct ctl_status *st)
{
	char path[PATH_MAX], text[2 * PATH_MAX];
	size_t n;
	FILE *f;

	status_path(bridge, path, sizeof(path));
	f = fopen(path, "r");
	if (!f)
		return -errno;
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	return ctl_status_parse(text, st);
}

void ctl_status_remove(const char *bridge)
{
	char path[PATH_MAX];
	struct ctl_status st;

	if (!ctl_status_read(bridge, &st) && st.textfile[0])
		unlink(st.textfile);
	status_path(bridge, path, sizeof(path));
	unlink(path);
}
