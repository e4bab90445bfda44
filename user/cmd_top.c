// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* top BRIDGE: per-port rates, once a second. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bridge.h"
#include "cmd.h"
#include "json_print.h"
#include "log.h"
#include "port.h"
#include "print.h"
#include "rates.h"

#define TOP_INTERVAL_NS 1000000000ULL

static volatile sig_atomic_t top_stop;

static void on_signal(int sig)
{
	top_stop = 1;
}

static __u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ULL + (__u64)ts.tv_nsec;
}

/* Sleep until deadline (absolute CLOCK_MONOTONIC), so intervals do not drift
 * by the time each reading takes; a signal ends it early. */
static void sleep_until(__u64 deadline)
{
	struct timespec ts = { .tv_sec = (time_t)(deadline / 1000000000ULL),
			       .tv_nsec = (long)(deadline % 1000000000ULL) };

	clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
}

enum top_opt { TOP_COUNT };
const struct arg_spec top_opts[] = {
	[TOP_COUNT] = ARG_SPEC_U32("--count", "N", 1, 1000000, "a number of intervals"),
	ARG_SPEC_END,
};

int do_top(const struct parsed_args *a)
{
	struct sigaction sa = { .sa_handler = on_signal };
	const char *name = a->pos[0].str;
	__u32 count = a->given[TOP_COUNT] ? a->opt[TOP_COUNT].u32 : 0;	/* 0: until Ctrl-C */
	struct port_row *prev = NULL, *cur = NULL;
	size_t nprev = 0, ncur = 0;
	struct port_rates *rates = NULL;
	bool redraw = !opt_json && isatty(STDOUT_FILENO);
	struct xb_bridge br;
	__u64 t_prev, t_cur;
	int ret;

	ret = open_loaded_bridge(name, &br);
	if (ret)
		return ret;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (port_rows_read(&br, &prev, &nprev))
		goto read_failed;
	t_prev = now_ns();
	for (__u32 done = 0; !top_stop && (!count || done < count); done++) {
		sleep_until(t_prev + TOP_INTERVAL_NS);
		if (top_stop)
			break;
		if (!bridge_exists(name)) {
			pr_err("bridge %s was unloaded", name);
			ret = 1;
			goto cleanup;
		}
		if (port_rows_read(&br, &cur, &ncur))
			goto read_failed;
		t_cur = now_ns();
		free(rates);
		rates = calloc(ncur + 1, sizeof(*rates));
		if (!rates) {
			pr_err("out of memory");
			ret = 1;
			goto cleanup;
		}
		rates_compute(prev, nprev, cur, ncur, t_cur - t_prev, rates);
		if (redraw)
			fputs("\033[H\033[2J", stdout);	/* home, clear screen */
		output_begin(NULL, opt_json, opt_pretty);
		print_top(name, t_cur - t_prev, rates, ncur);
		output_end();
		if (!redraw && !opt_json && (!count || done + 1 < count))
			putchar('\n');
		free(prev);
		prev = cur;
		nprev = ncur;
		cur = NULL;
		t_prev = t_cur;
	}
	ret = 0;
	goto cleanup;
read_failed:
	pr_err("cannot read the counters of bridge %s", name);
	ret = 1;
cleanup:
	free(prev);
	free(cur);
	free(rates);
	bridge_close(&br);
	return ret;
}
