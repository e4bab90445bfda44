// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * FDB events: the data path writes a new station (XB_EV_LEARNED) and a moved
 * one (XB_EV_MOVED, with the old port) into the ring buffer "events", never a
 * refresh or a cache hit, and no more than its per-CPU token bucket allows
 * (XB_EVENTS_BURST, then XB_EVENTS_RATE a second); the rest is counted in
 * the ingress port's events_dropped. The bridge under test: fixture.h.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/pkt_cls.h>

#include "fixture.h"
#include "xdpbridge.skel.h"

XB_SUITE(events);

#define MAX_EVENTS 4096

static struct xb_event got[MAX_EVENTS];
static unsigned int ngot;

static int on_event(void *ctx, void *data, size_t size)
{
	cr_assert_eq(size, sizeof(struct xb_event), "event of %zu bytes, want %zu", size,
		     sizeof(struct xb_event));
	if (ngot < MAX_EVENTS)
		memcpy(&got[ngot], data, sizeof(got[0]));
	ngot++;
	return 0;
}

/* Everything the data path wrote since the last call, into got[]. */
static unsigned int events_read(void)
{
	struct ring_buffer *rb = ring_buffer__new(test_br.events_fd, on_event, NULL, NULL);

	cr_assert_not_null(rb, "ring_buffer__new on the pinned \"events\": %s", strerror(errno));
	ngot = 0;
	cr_assert_geq(ring_buffer__consume(rb), 0, "ring_buffer__consume: %s", strerror(errno));
	ring_buffer__free(rb);
	return ngot;
}

static void assert_event(const struct xb_event *ev, __u32 type, const uint8_t *mac, int ifindex,
			 int old_ifindex, __u64 t0, __u64 t1, const char *what)
{
	cr_assert_eq(ev->type, type, "%s: type %u, want %u", what, ev->type, type);
	cr_assert_eq(memcmp(ev->key.mac, mac, XB_ETH_ALEN), 0, "%s: mac %s, want %s", what,
		     xb_mac_str(ev->key.mac), xb_mac_str(mac));
	cr_assert_eq(ev->key.vlan, XB_VLAN_NONE, "%s: vlan %u", what, ev->key.vlan);
	cr_assert_eq(ev->ifindex, (__u32)ifindex, "%s: ifindex %u, want %d", what, ev->ifindex, ifindex);
	cr_assert_eq(ev->old_ifindex, (__u32)old_ifindex, "%s: old_ifindex %u, want %d", what,
		     ev->old_ifindex, old_ifindex);
	cr_assert_eq(ev->flags, XB_EVF_KEY, "%s: flags %#x, want XB_EVF_KEY", what, ev->flags);
	cr_assert(ev->time_ns + CLOCK_SLACK_NS >= t0 && ev->time_ns <= t1 + CLOCK_SLACK_NS,
		  "%s: time %llu outside [%llu, %llu]", what, (unsigned long long)ev->time_ns,
		  (unsigned long long)t0, (unsigned long long)t1);
	cr_assert(!ev->ifname[0] && !ev->old_ifname[0] && !ev->bridge[0],
		  "%s: the data path must leave names to user space", what);
}

Test(events, new_station_is_learned)
{
	__u64 t0 = now_coarse(), t1;

	send_frame(port[A], MAC_BCAST, MAC_S);
	t1 = now_coarse();
	cr_assert_eq(events_read(), 1, "one new station: %u events, want 1", ngot);
	assert_event(&got[0], XB_EV_LEARNED, MAC_S, port[A], 0, t0, t1, "new station on A");
	cr_assert_eq(port_stats(port[A]).events_dropped, 0, "nothing may be dropped");
}

Test(events, moved_station_names_both_ports)
{
	__u64 t0 = now_coarse(), t1;

	send_frame(port[A], MAC_BCAST, MAC_S);
	send_frame(port[B], MAC_BCAST, MAC_S);
	t1 = now_coarse();
	cr_assert_eq(events_read(), 2, "learned then moved: %u events, want 2", ngot);
	assert_event(&got[0], XB_EV_LEARNED, MAC_S, port[A], 0, t0, t1, "first seen on A");
	assert_event(&got[1], XB_EV_MOVED, MAC_S, port[B], port[A], t0, t1, "moved A -> B");
}

Test(events, refresh_and_cache_hits_are_silent)
{
	send_frame(port[A], MAC_BCAST, MAC_S);
	send_frame(port[B], MAC_BCAST, MAC_D);
	cr_assert_eq(events_read(), 2, "two new stations: %u events", ngot);

	/* Known unicast both ways, again and again: cache hits, FDB hits. */
	for (int i = 0; i < 10; i++) {
		send_frame(port[A], MAC_D, MAC_S);
		send_frame(port[B], MAC_S, MAC_D);
	}
	cr_assert_eq(events_read(), 0, "cache and FDB hits made %u events", ngot);

	/* A 2 s old entry is refreshed in place (an FDB write, no event). */
	fdb_put(MAC_S, port[A], ago(2 * NS_PER_SEC));
	send_frame(port[A], MAC_D, MAC_S);
	cr_assert_eq(fdb_get(MAC_S, &(struct xb_fdb_entry){ 0 }), 0, "S must stay learned");
	cr_assert_eq(events_read(), 0, "a refresh made %u events", ngot);
}

/* The TC program learns through the same fdb_learn: it reports too. */
Test(events, tc_program_reports)
{
	struct xdpbridge_bpf *tc = NULL;
	uint8_t frame[XB_FRAME_LEN];
	struct __sk_buff ctx = { .ifindex = (__u32)port[C] };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame, .data_size_in = sizeof(frame),
		    .ctx_in = &ctx, .ctx_size_in = sizeof(ctx), .repeat = 1);
	__u64 t0 = now_coarse(), t1;
	int err;

	err = bridge_prog_load(&test_br, XB_PROG_TC, slot_of(port[C]), &tc);
	cr_assert_eq(err, 0, "load the TC program for C: %s", strerror(-err));
	send_frame(port[A], MAC_BCAST, MAC_S);
	xb_frame(frame, MAC_BCAST, MAC_S);
	err = bpf_prog_test_run_opts(bpf_program__fd(tc->progs.xdpbridge_tc), &opts);
	cr_assert_eq(err, 0, "TC test run: %s", strerror(errno));
	t1 = now_coarse();
	xdpbridge_bpf__destroy(tc);
	cr_assert_eq(events_read(), 2, "learned by XDP, moved by TC: %u events", ngot);
	assert_event(&got[1], XB_EV_MOVED, MAC_S, port[C], port[A], t0, t1, "moved A -> C by TC");
}

/*
 * A MAC flood: 10,000 new sources from one port, on one CPU. The bucket lets
 * through its burst plus the rate times the time the flood took (one more for
 * the coarse clock's tick), and counts every other event as dropped.
 */
Test(events, flood_is_rate_limited)
{
	const unsigned int flood = 10000;
	unsigned int seen = 0;
	cpu_set_t one;
	__u64 t0, t1, allowed, dropped;
	uint8_t src[XB_ETH_ALEN] = { 0x02, 0xf1, 0x00, 0x00, 0x00, 0x00 };

	CPU_ZERO(&one);
	CPU_SET(sched_getcpu(), &one);
	cr_assert_eq(sched_setaffinity(0, sizeof(one), &one), 0, "pin to one CPU: %s", strerror(errno));
	{	/* every source learned: no per-port learning limit (test_learn_limit.c) */
		struct xb_port_conf conf = { .stp_state = XB_STP_FORWARDING };
		__u32 slot = slot_of(port[A]);

		cr_assert_eq(bpf_map_update_elem(test_br.conf_fd, &slot, &conf, BPF_ANY), 0,
			     "port_conf[A] without max_learned: %s", strerror(errno));
	}
	t0 = now_coarse();
	for (unsigned int i = 0; i < flood; i++) {
		src[4] = (uint8_t)(i >> 8);
		src[5] = (uint8_t)i;
		send_frame(port[A], MAC_BCAST, src);
		if (i % 1000 == 999)
			seen += events_read();	/* the ring never fills: only the limit drops */
	}
	t1 = now_coarse();
	seen += events_read();
	dropped = port_stats(port[A]).events_dropped;
	allowed = XB_EVENTS_BURST + (t1 - t0) / XB_EVENT_COST_NS + 1 +
		  (CLOCK_SLACK_NS / XB_EVENT_COST_NS);
	cr_log_info("flood of %u sources in %llu ms: %u events, %llu dropped, %llu allowed", flood,
		    (unsigned long long)((t1 - t0) / NS_PER_MS), seen, (unsigned long long)dropped,
		    (unsigned long long)allowed);
	cr_assert_geq(seen, XB_EVENTS_BURST, "the burst must get through: %u events", seen);
	cr_assert_leq(seen, allowed, "%u events in %llu ms, the limit allows %llu", seen,
		      (unsigned long long)((t1 - t0) / NS_PER_MS), (unsigned long long)allowed);
	cr_assert_eq(seen + dropped, flood, "every event is delivered or counted: %u + %llu != %u",
		     seen, (unsigned long long)dropped, flood);
	cr_assert_eq(port_stats(port[B]).events_dropped, 0, "drops are charged to the ingress port");
}
