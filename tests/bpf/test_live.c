// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Live delivery: frames injected with BPF_F_TEST_XDP_LIVE_FRAMES really leave
 * through the ports and are counted by packet sockets on the peers.
 * The bridge under test: fixture.h.
 */
#define _GNU_SOURCE
#include <poll.h>
#include <stdbool.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/ethtool.h>
#include <linux/if_packet.h>
#include <linux/sockios.h>

#include "fixture.h"

XB_SUITE(live);


static int open_sniffer(int ifindex)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_ALL),
		.sll_ifindex = ifindex,
	};
	int fd;

	fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, htons(ETH_P_ALL));
	cr_assert_geq(fd, 0, "an AF_PACKET socket must open: %s", strerror(errno));
	cr_assert_eq(bind(fd, (struct sockaddr *)&sll, sizeof(sll)), 0,
		     "the AF_PACKET socket must bind to ifindex %d: %s", ifindex, strerror(errno));
	return fd;
}

/*
 * Veth peers: GRO on (a frame XDP-redirected into a veth is dropped unless
 * its peer runs NAPI) and a packet socket on each.
 */
static void live_prepare(int fds[NPORTS])
{
	int i, err;

	for (i = 0; i < NPORTS; i++) {
		err = set_gro(peer_name[i]);
		if (err)
			cr_skip_test("cannot enable GRO on %s (needed to receive XDP "
				     "redirects on veth): %s", peer_name[i], strerror(-err));
		fds[i] = open_sniffer(peer[i]);
	}
}



Test(live, live_broadcast_reaches_every_other_port)
{
	int fds[NPORTS], got[NPORTS], want[NPORTS] = { [A] = 0, [B] = 1, [C] = 1 };
	int i;

	if (live_clones_broken())
		cr_skip_test("live-frame test mode corrupts broadcast clones before Linux 6.3");

	live_prepare(fds);
	live_send(port[A], MAC_BCAST, MAC_S);
	sniff(fds, MAC_S, want, got);

	for (i = 0; i < NPORTS; i++)
		cr_assert_eq(got[i], want[i], "broadcast from %s: %d copies arrived at %s, want %d",
			     port_name[A], got[i], peer_name[i], want[i]);
	assert_stats(port[A], "live broadcast", .rx_packets = 1, .rx_bytes = XB_FRAME_LEN,
		     .flooded = 1,
		     .flooded_bytes = XB_FRAME_LEN);
	assert_learned(MAC_S, port[A], 0, now_coarse(), "source of the live broadcast");
	for (i = 0; i < NPORTS; i++)
		close(fds[i]);
}

Test(live, live_unicast_reaches_only_its_port)
{
	int fds[NPORTS], got[NPORTS], want[NPORTS] = { [A] = 0, [B] = 0, [C] = 1 };
	int i;

	live_prepare(fds);
	fdb_put(MAC_D, port[C], now_coarse());
	live_send(port[A], MAC_D, MAC_S);
	sniff(fds, MAC_S, want, got);

	for (i = 0; i < NPORTS; i++)
		cr_assert_eq(got[i], want[i], "unicast to D (on %s): %d copies arrived at %s, want %d",
			     port_name[C], got[i], peer_name[i], want[i]);
	assert_stats(port[A], "live unicast", .rx_packets = 1, .rx_bytes = XB_FRAME_LEN,
		     .forwarded = 1,
		     .forwarded_bytes = XB_FRAME_LEN);
	for (i = 0; i < NPORTS; i++)
		close(fds[i]);
}
