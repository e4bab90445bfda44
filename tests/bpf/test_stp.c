// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Spanning tree in the data path (bpf/stp.h): each 802.1D port state's
 * effect on learning and forwarding, BPDUs up to the port's stack with STP on
 * and flooded with it off, pause frames dropped, and every port blocking once
 * the control loop is silent past max-age. The states are written here as
 * the control loop writes them ("port_conf"). The bridge under test:
 * fixture.h.
 */
#include <bpf/bpf.h>
#include <linux/pkt_cls.h>

#include "fixture.h"
#include "names.h"
#include "stp_conf.h"

static const xb_mac_t MAC_PAUSE = { 0x01, 0x80, 0xc2, 0x00, 0x00, 0x01 };

static void stp_enable(bool on)
{
	struct xb_config cfg = get_config();
	__u32 zero = 0;

	if (on)
		cfg.flags |= XB_CFG_STP;
	else
		cfg.flags &= ~XB_CFG_STP;
	cr_assert_eq(bpf_map_update_elem(test_br.config_fd, &zero, &cfg, BPF_ANY), 0,
		     "config[0] must be writable: %s", strerror(errno));
}

static void port_state_set(int ifindex, __u32 state)
{
	struct xb_port_conf conf = {};
	__u32 slot = slot_of(ifindex);

	cr_assert_eq(bpf_map_lookup_elem(test_br.conf_fd, &slot, &conf), 0,
		     "port_conf[%u] must be readable: %s", slot, strerror(errno));
	conf.stp_state = state;
	cr_assert_eq(bpf_map_update_elem(test_br.conf_fd, &slot, &conf, BPF_ANY), 0,
		     "port_conf[%u] must be writable: %s", slot, strerror(errno));
}

/* The control loop's heartbeat: last tick `age` ago, dead after dead_after. */
static void loop_alive_set(__u64 age, __u64 dead_after)
{
	struct xb_stp s = {};
	__u32 zero = 0;

	s.alive_ns = ago(age);
	s.dead_after_ns = dead_after;
	cr_assert_eq(bpf_map_update_elem(test_br.stp_fd, &zero, &s, BPF_ANY), 0,
		     "stp[0] must be writable: %s", strerror(errno));
}

static __u64 dropped(int ifindex, enum xb_drop_reason r)
{
	return port_stats(ifindex).dropped[r];
}

XB_SUITE(stp);

/* STP off: port states are not read at all (a bridge without STP pays
 * nothing, and its ports forward whatever port_conf says). */
Test(stp, states_ignored_with_stp_off)
{
	__u32 v;

	port_state_set(port[A], XB_STP_BLOCKING);
	port_state_set(port[B], XB_STP_BLOCKING);
	send_frame(port[B], MAC_BCAST, MAC_D);
	v = send_frame(port[A], MAC_D, MAC_S);
	assert_verdict(v, XDP_REDIRECT, "STP off: unicast between two 'blocking' ports");
	assert_stats(port[A], "STP off, state blocking: forwarded",
		     .rx_packets = 1, .rx_bytes = XB_FRAME_LEN, .forwarded = 1,
		     .forwarded_bytes = XB_FRAME_LEN);
}

Test(stp, forwarding_port_forwards_and_learns)
{
	__u32 v;

	stp_enable(true);
	send_frame(port[B], MAC_BCAST, MAC_D);
	v = send_frame(port[A], MAC_D, MAC_S);
	assert_verdict(v, XDP_REDIRECT, "STP on, both ports forwarding: known unicast");
	assert_stats(port[A], "forwarding ingress", .rx_packets = 1, .rx_bytes = XB_FRAME_LEN,
		     .forwarded = 1, .forwarded_bytes = XB_FRAME_LEN);
	assert_learned(MAC_S, port[A], 0, now_coarse(), "source on a forwarding port");
}

/* disabled, blocking and listening: data dropped, source not learned. */
Test(stp, blocked_states_drop_and_do_not_learn)
{
	static const __u32 states[] = { XB_STP_DISABLED, XB_STP_BLOCKING, XB_STP_LISTENING };
	__u32 v;

	stp_enable(true);
	for (size_t i = 0; i < sizeof(states) / sizeof(states[0]); i++) {
		port_state_set(port[A], states[i]);
		v = send_frame(port[A], MAC_BCAST, MAC_S);
		assert_verdict(v, XDP_DROP, xb_stp_state_name(states[i]));
		assert_not_learned(MAC_S, xb_stp_state_name(states[i]));
		cr_assert_eq(dropped(port[A], XB_DROP_PORT_STATE), i + 1,
			     "%s: dropped_port_state %llu, want %zu", xb_stp_state_name(states[i]),
			     (unsigned long long)dropped(port[A], XB_DROP_PORT_STATE), i + 1);
	}
	cr_assert_eq(port_stats(port[A]).flooded, 0, "nothing flooded from a blocked port");
}

Test(stp, learning_learns_then_drops)
{
	__u32 v;

	stp_enable(true);
	port_state_set(port[A], XB_STP_LEARNING);
	send_frame(port[B], MAC_BCAST, MAC_D);
	v = send_frame(port[A], MAC_D, MAC_S);
	assert_verdict(v, XDP_DROP, "learning port: known unicast in");
	assert_learned(MAC_S, port[A], 0, now_coarse(), "source on a learning port");
	cr_assert_eq(dropped(port[A], XB_DROP_PORT_STATE), 1, "learning: one port_state drop");
	cr_assert_eq(port_stats(port[A]).forwarded, 0, "learning: nothing forwarded");
}

/* Known unicast to a port that is not forwarding: dropped, not flooded. */
Test(stp, unicast_to_blocked_port_dropped)
{
	static const __u32 states[] = { XB_STP_DISABLED, XB_STP_BLOCKING, XB_STP_LISTENING,
					XB_STP_LEARNING };
	__u32 v;

	stp_enable(true);
	fdb_put(MAC_D, port[B], now_coarse());
	for (size_t i = 0; i < sizeof(states) / sizeof(states[0]); i++) {
		port_state_set(port[B], states[i]);
		v = send_frame(port[A], MAC_D, MAC_S);
		assert_verdict(v, XDP_DROP, xb_stp_state_name(states[i]));
	}
	cr_assert_eq(dropped(port[A], XB_DROP_PORT_STATE), 4, "four port_state drops at the ingress");
	cr_assert_eq(port_stats(port[A]).flooded + port_stats(port[A]).forwarded, 0,
		     "nothing forwarded or flooded to a blocked destination");
	port_state_set(port[B], XB_STP_FORWARDING);
	v = send_frame(port[A], MAC_D, MAC_S);
	assert_verdict(v, XDP_REDIRECT, "destination port forwarding again");
}

Test(stp, bpdu_up_with_stp_on_whatever_the_state)
{
	static const __u32 states[] = { XB_STP_DISABLED, XB_STP_BLOCKING, XB_STP_LISTENING,
					XB_STP_LEARNING, XB_STP_FORWARDING };
	__u32 v;

	stp_enable(true);
	for (size_t i = 0; i < sizeof(states) / sizeof(states[0]); i++) {
		port_state_set(port[A], states[i]);
		v = send_frame(port[A], MAC_STP, MAC_S);
		assert_verdict(v, XDP_PASS, xb_stp_state_name(states[i]));
	}
	assert_stats(port[A], "five BPDUs to the port's stack", .rx_packets = 5,
		     .rx_bytes = 5 * XB_FRAME_LEN, .to_host = 5, .to_host_bytes = 5 * XB_FRAME_LEN);
	assert_not_learned(MAC_S, "a BPDU's source");
}

/* STP off: a BPDU is bridged like any multicast (the Linux bridge's way, so
 * an STP around us sees the loop); other link-local groups stay local. */
Test(stp, bpdu_flooded_with_stp_off)
{
	__u32 v;

	v = send_frame(port[A], MAC_STP, MAC_S);
	assert_verdict(v, XDP_REDIRECT, "BPDU, STP off");
	assert_learned(MAC_S, port[A], 0, now_coarse(), "a flooded BPDU's source");
	v = send_frame(port[A], MAC_LLDP, MAC_S);
	assert_verdict(v, XDP_PASS, "LLDP, STP off");
	assert_stats(port[A], "BPDU flooded, LLDP up", .rx_packets = 2,
		     .rx_bytes = 2 * XB_FRAME_LEN, .flooded = 1, .flooded_bytes = XB_FRAME_LEN,
		     .to_host = 1, .to_host_bytes = XB_FRAME_LEN);
}

Test(stp, pause_dropped_stp_on_or_off)
{
	__u32 v;

	v = send_frame(port[A], MAC_PAUSE, MAC_S);
	assert_verdict(v, XDP_DROP, "pause, STP off");
	stp_enable(true);
	v = send_frame(port[A], MAC_PAUSE, MAC_S);
	assert_verdict(v, XDP_DROP, "pause, STP on");
	cr_assert_eq(dropped(port[A], XB_DROP_PAUSE), 2, "two pause drops");
	assert_not_learned(MAC_S, "a pause frame's source");
}

/* The control loop silent past max-age: every port blocks (a neighbour is
 * about to open its alternate port); BPDUs still go up. */
Test(stp, dead_loop_blocks_every_port)
{
	__u32 v;

	stp_enable(true);
	fdb_put(MAC_D, port[B], now_coarse());
	loop_alive_set(0, 20 * NS_PER_SEC);
	v = send_frame(port[A], MAC_D, MAC_S);
	assert_verdict(v, XDP_REDIRECT, "loop alive: forwarding port forwards");
	loop_alive_set(7 * NS_PER_SEC, 6 * NS_PER_SEC);
	v = send_frame(port[A], MAC_D, MAC_S);
	assert_verdict(v, XDP_DROP, "loop silent for 7 s, max-age 6 s: forwarding port blocks");
	v = send_frame(port[A], MAC_BCAST, MAC_S);
	assert_verdict(v, XDP_DROP, "loop silent: broadcast blocked too");
	cr_assert_eq(dropped(port[A], XB_DROP_PORT_STATE), 2, "two port_state drops");
	v = send_frame(port[A], MAC_STP, MAC_S);
	assert_verdict(v, XDP_PASS, "loop silent: a BPDU still goes up");
	loop_alive_set(0, 6 * NS_PER_SEC);
	v = send_frame(port[A], MAC_D, MAC_S);
	assert_verdict(v, XDP_REDIRECT, "loop back: forwarding again");
}

XB_SUITE_WITH(stp_tc, fixture_setup_tc);

/* The skb path takes the same decision (forward.h): spot checks. */
Test(stp_tc, states_apply_on_the_skb_path)
{
	uint8_t buf[XB_FRAME_LEN];

	stp_enable(true);
	port_state_set(port[A], XB_STP_BLOCKING);
	cr_assert_eq(tc_run(port[A], buf, xb_frame(buf, MAC_BCAST, MAC_S)), TC_ACT_SHOT,
		     "tc: broadcast in on a blocking port is dropped");
	cr_assert_eq(tc_run(port[A], buf, xb_frame(buf, MAC_STP, MAC_S)), TC_ACT_OK,
		     "tc: a BPDU on a blocking port goes up");
	assert_not_learned(MAC_S, "tc: source on a blocking port");
	stp_enable(false);
	cr_assert_neq(tc_run(port[A], buf, xb_frame(buf, MAC_STP, MAC_S)), TC_ACT_OK,
		      "tc, STP off: a BPDU is flooded, not passed up");
	cr_assert_eq(dropped(port[A], XB_DROP_PORT_STATE), 1, "tc: one port_state drop");
}

/* The control loop's writer (stp_conf.c): a state in "port_conf", and the
 * flood domain (XDP's devmap, TC's XB_SLOT_FLOOD) holding forwarding ports
 * only. */
Test(stp, state_write_keeps_flood_domain_to_forwarding_ports)
{
	static const __u32 states[] = { XB_STP_BLOCKING, XB_STP_LISTENING, XB_STP_LEARNING,
					XB_STP_DISABLED };
	__u32 slot = slot_of(port[B]);
	struct bpf_devmap_val val;
	struct xb_port_slot rec;
	struct xb_port_conf conf;

	for (size_t i = 0; i < sizeof(states) / sizeof(states[0]); i++) {
		cr_assert_eq(stp_port_state_write(&test_br, slot, port[B], states[i]), 0,
			     "stp_port_state_write(%s)", xb_stp_state_name(states[i]));
		cr_assert_eq(bpf_map_lookup_elem(test_br.conf_fd, &slot, &conf), 0, "port_conf");
		cr_assert_eq(conf.stp_state, states[i], "port_conf state %u, want %u", conf.stp_state,
			     states[i]);
		cr_assert_neq(bpf_map_lookup_elem(test_br.flood_fd, &slot, &val), 0,
			      "%s: port must be out of flood_ports", xb_stp_state_name(states[i]));
		cr_assert_eq(bpf_map_lookup_elem(test_br.slots_fd, &slot, &rec), 0, "port_slots");
		cr_assert(!(rec.flags & XB_SLOT_FLOOD), "%s: XB_SLOT_FLOOD must be clear",
			  xb_stp_state_name(states[i]));
	}
	cr_assert_eq(stp_port_state_write(&test_br, slot, port[B], XB_STP_FORWARDING), 0,
		     "stp_port_state_write(forwarding)");
	cr_assert_eq(bpf_map_lookup_elem(test_br.flood_fd, &slot, &val), 0,
		     "forwarding: port must be in flood_ports");
	cr_assert_eq(val.ifindex, (__u32)port[B], "flood_ports[%u] ifindex %u, want %d", slot,
		     val.ifindex, port[B]);
	cr_assert_eq(bpf_map_lookup_elem(test_br.slots_fd, &slot, &rec), 0, "port_slots");
	cr_assert(rec.flags & XB_SLOT_FLOOD, "forwarding: XB_SLOT_FLOOD must be set");
}
