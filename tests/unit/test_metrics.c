// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The Prometheus text format of a bridge's metrics, and the control loop's
 * status file. (tests/integration/host_integration.sh also feeds real output
 * to prometheus_client's parser.) */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <criterion/criterion.h>

#include "metrics.h"

static char *buf;
static size_t buflen;

static void teardown(void)
{
	free(buf);
	buf = NULL;
}

static const char *prometheus(const struct bridge_metrics *m)
{
	FILE *f = open_memstream(&buf, &buflen);

	cr_assert_not_null(f, "open_memstream");
	metrics_write_prometheus(f, m);
	fclose(f);
	return buf;
}

static struct port_row ports[] = {
	{ .ifindex = 5, .info = { .ifname = "eth1" },
	  .stats = { .rx_packets = 10, .rx_bytes = 1500, .forwarded = 7, .flooded = 2, .to_host = 1,
		     .dropped = { [XB_DROP_RUNT] = 3, [XB_DROP_REFLECT] = 4 }, .to_skb = 5,
		     .kernel_dropped = 6, .forwarded_bytes = 700, .flooded_bytes = 200,
		     .to_host_bytes = 100, .dropped_bytes = 420 } },
	{ .ifindex = 6, .info = { .ifname = "br0-p", .flags = XB_PORT_HOST } },
};

static struct bridge_metrics metrics(bool ctl)
{
	struct bridge_metrics m = {
		.name = "br0",
		.cfg = { .ageing_ns = 300000000000ULL, .static_count = 2 },
		.sync = { .age_untracked = 9 },
		.fdb_size = 65536, .max_ports = 64, .learned = 12,
		.ports = ports, .nports = 2,
		.ctl_up = ctl, .ctl_valid = ctl,
		.ctl = { .pid = 42, .sweeps = 30, .full_walks = 1, .sweep_ns_total = 1500000000ULL,
			 .last_sweep_ns = 20500 },
	};
	return m;
}

Test(metrics, port_counters_carry_bridge_and_port_labels, .fini = teardown)
{
	struct bridge_metrics m = metrics(false);
	const char *out = prometheus(&m);

	cr_assert(strstr(out, "# HELP xdpbridge_port_rx_packets_total Frames received on the port.\n"
			      "# TYPE xdpbridge_port_rx_packets_total counter\n"
			      "xdpbridge_port_rx_packets_total{bridge=\"br0\",port=\"eth1\"} 10\n"
			      "xdpbridge_port_rx_packets_total{bridge=\"br0\",port=\"br0-p\"} 0\n"),
		  "rx_packets family: HELP, TYPE, one sample per port:\n%s", out);
	cr_assert(strstr(out, "xdpbridge_port_rx_bytes_total{bridge=\"br0\",port=\"eth1\"} 1500\n"), "rx_bytes");
	cr_assert(strstr(out, "xdpbridge_port_forwarded_packets_total{bridge=\"br0\",port=\"eth1\"} 7\n"), "forwarded");
	cr_assert(strstr(out, "xdpbridge_port_flooded_packets_total{bridge=\"br0\",port=\"eth1\"} 2\n"), "flooded");
	cr_assert(strstr(out, "xdpbridge_port_to_host_packets_total{bridge=\"br0\",port=\"eth1\"} 1\n"), "to_host");
	cr_assert(strstr(out, "# TYPE xdpbridge_port_forwarded_bytes_total counter\n"
			      "xdpbridge_port_forwarded_bytes_total{bridge=\"br0\",port=\"eth1\"} 700\n"
			      "xdpbridge_port_forwarded_bytes_total{bridge=\"br0\",port=\"br0-p\"} 0\n"),
		  "forwarded bytes:\n%s", out);
	cr_assert(strstr(out, "xdpbridge_port_flooded_bytes_total{bridge=\"br0\",port=\"eth1\"} 200\n"), "flooded bytes");
	cr_assert(strstr(out, "xdpbridge_port_to_host_bytes_total{bridge=\"br0\",port=\"eth1\"} 100\n"), "to_host bytes");
	cr_assert(strstr(out, "xdpbridge_port_dropped_bytes_total{bridge=\"br0\",port=\"eth1\"} 420\n"),
		  "dropped bytes, every reason together");
	cr_assert(strstr(out, "xdpbridge_port_to_skb_packets_total{bridge=\"br0\",port=\"eth1\"} 5\n"), "to_skb");
	cr_assert(strstr(out, "xdpbridge_port_kernel_dropped_packets_total{bridge=\"br0\",port=\"eth1\"} 6\n"),
		  "kernel_dropped");
	cr_assert(strstr(out, "xdpbridge_port_dropped_packets_total{bridge=\"br0\",port=\"eth1\",reason=\"runt\"} 3\n"
			      "xdpbridge_port_dropped_packets_total{bridge=\"br0\",port=\"eth1\",reason=\"bad_src\"} 0\n"
			      "xdpbridge_port_dropped_packets_total{bridge=\"br0\",port=\"eth1\",reason=\"reflect\"} 4\n"),
		  "dropped by reason:\n%s", out);
}

Test(metrics, bridge_gauges, .fini = teardown)
{
	struct bridge_metrics m = metrics(false);
	const char *out = prometheus(&m);

	cr_assert(strstr(out, "# TYPE xdpbridge_fdb_capacity_entries gauge\n"
			      "xdpbridge_fdb_capacity_entries{bridge=\"br0\"} 65536\n"), "capacity:\n%s", out);
	cr_assert(strstr(out, "xdpbridge_fdb_learned_entries{bridge=\"br0\"} 12\n"), "learned");
	cr_assert(strstr(out, "xdpbridge_fdb_static_entries{bridge=\"br0\"} 2\n"), "static");
	cr_assert(strstr(out, "# TYPE xdpbridge_fdb_unindexed_total counter\n"
			      "xdpbridge_fdb_unindexed_total{bridge=\"br0\"} 9\n"), "unindexed: a counter");
	cr_assert(strstr(out, "xdpbridge_ports{bridge=\"br0\"} 2\n"), "ports");
	cr_assert(strstr(out, "xdpbridge_ageing_time_seconds{bridge=\"br0\"} 300.000000000\n"), "ageing");
	cr_assert(strstr(out, "xdpbridge_control_loop_up{bridge=\"br0\"} 0\n"), "no loop");
	cr_assert_null(strstr(out, "sweep"), "no sweep metrics without a loop's status:\n%s", out);
}

Test(metrics, sweep_metrics_from_the_loop_status, .fini = teardown)
{
	struct bridge_metrics m = metrics(true);
	const char *out = prometheus(&m);

	cr_assert(strstr(out, "xdpbridge_control_loop_up{bridge=\"br0\"} 1\n"), "loop up");
	cr_assert(strstr(out, "xdpbridge_ageing_sweeps_total{bridge=\"br0\"} 30\n"), "sweeps:\n%s", out);
	cr_assert(strstr(out, "xdpbridge_ageing_full_walks_total{bridge=\"br0\"} 1\n"), "full walks");
	cr_assert(strstr(out, "# TYPE xdpbridge_ageing_sweep_seconds_total counter\n"
			      "xdpbridge_ageing_sweep_seconds_total{bridge=\"br0\"} 1.500000000\n"), "sweep time");
	cr_assert(strstr(out, "# TYPE xdpbridge_ageing_last_sweep_duration_seconds gauge\n"
			      "xdpbridge_ageing_last_sweep_duration_seconds{bridge=\"br0\"} 0.000020500\n"),
		  "last sweep in seconds, ns precision");
}

Test(metrics, every_line_is_a_comment_or_a_sample, .fini = teardown)
{
	struct bridge_metrics m = metrics(true);
	char *save, *line, *copy = strdup(prometheus(&m));
	int samples = 0;

	cr_assert(buflen > 0 && buf[buflen - 1] == '\n', "ends with a newline");
	for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(line, "# HELP xdpbridge_", 17) || !strncmp(line, "# TYPE xdpbridge_", 17))
			continue;
		cr_assert(!strncmp(line, "xdpbridge_", 10) && strchr(line, '{') && strstr(line, "} "),
			  "a sample line: name{labels} value: '%s'", line);
		samples++;
	}
	free(copy);
	cr_assert_gt(samples, 20, "samples written");
}

Test(metrics, label_values_are_escaped, .fini = teardown)
{
	FILE *f = open_memstream(&buf, &buflen);

	prom_write_label_value(f, "a\"b\\c\nd");
	fclose(f);
	cr_assert_str_eq(buf, "\"a\\\"b\\\\c\\nd\"", "quote, backslash, newline escaped");
}

Test(metrics, status_parses_what_the_loop_writes)
{
	struct ctl_status st;

	cr_assert_eq(ctl_status_parse("pid 42\nsweeps 3\nfull_walks 1\nsweep_ns_total 900\n"
				      "last_sweep_ns 300\nfdb_full 1\ntextfile /var/lib/x y/xdpbridge_br0.prom\n"
				      "from_a_newer_loop 1\n", &st), 0, "parses");
	cr_assert_eq(st.pid, 42, "pid");
	cr_assert_eq(st.sweeps, 3, "sweeps");
	cr_assert_eq(st.full_walks, 1, "full walks");
	cr_assert_eq(st.sweep_ns_total, 900, "total");
	cr_assert_eq(st.last_sweep_ns, 300, "last");
	cr_assert_eq(st.fdb_full, CTL_FDB_EVICTING, "fdb_full");
	cr_assert_str_eq(st.textfile, "/var/lib/x y/xdpbridge_br0.prom", "a path with a space");
	cr_assert_eq(ctl_status_parse("sweeps 3\n", &st), -EINVAL, "no pid: not a status");
	cr_assert_eq(ctl_status_parse("pid\n", &st), -EINVAL, "a key without a value");
}

Test(metrics, textfile_is_replaced_whole, .fini = teardown)
{
	char dir[] = "/tmp/xb-unit-textfile.XXXXXX", path[256], *text = NULL;
	struct bridge_metrics m = metrics(false);
	size_t len = 0;
	FILE *f;

	cr_assert_not_null(mkdtemp(dir), "mkdtemp");
	metrics_textfile_path(dir, "br0", path, sizeof(path));
	f = fopen(path, "w");
	fputs("old and longer than nothing\n", f);
	fclose(f);
	cr_assert_eq(metrics_textfile_write(dir, &m), 0, "written");
	f = fopen(path, "r");
	cr_assert_not_null(f, "%s exists", path);
	cr_assert_gt(getdelim(&text, &len, '\0', f), 0, "read back");
	fclose(f);
	cr_assert_str_eq(text, prometheus(&m), "the file holds exactly the metrics");
	free(text);
	unlink(path);
	cr_assert_eq(rmdir(dir), 0, "no temporary file left in %s", dir);
}
