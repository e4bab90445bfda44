// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Frames that are not bridged: runts and bad sources are dropped, link-local
 * groups (01:80:c2:00:00:0x) go to the host, and the first address past them
 * is an ordinary group.
 * The bridge under test: fixture.h.
 */
#include "fixture.h"

XB_SUITE(validation);

Test(validation, drops_multicast_source)
{
	__u32 v;

	v = send_frame(port[A], MAC_BCAST, MAC_MCAST_V4);
	assert_verdict(v, XDP_DROP, "multicast source 01:00:5e:00:00:fb");
	v = send_frame(port[A], MAC_D, MAC_BCAST);
	assert_verdict(v, XDP_DROP, "broadcast source");
	assert_stats(port[A], "two frames with a group source",
		     .rx_packets = 2, .rx_bytes = 2 * XB_FRAME_LEN,
		     .dropped[XB_DROP_BAD_SRC] = 2,
		     .dropped_bytes = 2 * XB_FRAME_LEN);
	assert_not_learned(MAC_MCAST_V4, "multicast source");
	assert_not_learned(MAC_BCAST, "broadcast source");
	cr_assert_eq(fdb_count(), 0, "nothing may be learned, fdb has %u", fdb_count());
}

Test(validation, drops_zero_source)
{
	__u32 v = send_frame(port[A], MAC_BCAST, MAC_ZERO);

	assert_verdict(v, XDP_DROP, "all-zero source");
	assert_stats(port[A], "all-zero source",
		     .rx_packets = 1, .rx_bytes = XB_FRAME_LEN, .dropped[XB_DROP_BAD_SRC] = 1,
		     .dropped_bytes = XB_FRAME_LEN);
	assert_not_learned(MAC_ZERO, "all-zero source");
	cr_assert_eq(fdb_count(), 0, "nothing may be learned, fdb has %u", fdb_count());
}

/*
 * The kernel refuses test input shorter than ETH_HLEN (EINVAL), so a runt is
 * made by one of, in order: a short buffer (if a kernel ever accepts it); a
 * 14-byte buffer whose linear part ends after 10 bytes (ctx.data_end <
 * data_size_in, newer kernels put the rest in a fragment); 4 bytes of XDP
 * metadata in front of 10 frame bytes (older kernels count the metadata in
 * the 14). The program sees a 10-byte frame in every case.
 */
Test(validation, drops_runt)
{
	uint8_t frame[XB_FRAME_LEN], with_meta[4 + ETH_HLEN];
	const __u32 runt = 10;
	__u32 bytes = runt;	/* rx_bytes: the whole frame, fragments included */
	const char *how;
	__u32 v = XDP_ABORTED;
	int err;

	xb_frame(frame, MAC_BCAST, MAC_S);
	memset(with_meta, 0, 4);
	memcpy(with_meta + 4, frame, ETH_HLEN);

	how = "a 10-byte buffer";
	err = test_run_raw(port[A], frame, runt, 0, runt, 0, &v);
	if (err == -EINVAL) {
		how = "14 bytes with ctx.data_end = 10 (10-byte linear part)";
		bytes = ETH_HLEN;
		err = test_run_raw(port[A], frame, ETH_HLEN, 0, runt, 0, &v);
	}
	if (err == -EINVAL) {
		how = "4 bytes of metadata + 10 frame bytes";
		bytes = runt;
		err = test_run_raw(port[A], with_meta, 4 + runt, 4, 4 + runt, 0, &v);
	}
	if (err == -EINVAL)
		cr_skip_test("this kernel's test_run refuses every way to pass a frame "
			     "shorter than ETH_HLEN; runt handling untested");
	cr_assert_eq(err, 0, "the test run with %s must succeed: %s", how, strerror(-err));
	cr_log_info("runt crafted as %s", how);

	assert_verdict(v, XDP_DROP, how);
	assert_stats(port[A], how, .rx_packets = 1, .rx_bytes = bytes,
		     .dropped[XB_DROP_RUNT] = 1,
		     .dropped_bytes = bytes);
	cr_assert_eq(fdb_count(), 0, "a runt must not be learned from, fdb has %u", fdb_count());
}

Test(validation, header_only_frame_is_not_runt)
{
	uint8_t frame[XB_FRAME_LEN];
	__u32 v;

	xb_frame(frame, MAC_BCAST, MAC_S);
	v = xdp_run(port[A], frame, ETH_HLEN);
	assert_verdict(v, XDP_REDIRECT, "14-byte broadcast (header only)");
	assert_stats(port[A], "14-byte frame", .rx_packets = 1, .rx_bytes = ETH_HLEN,
		     .flooded = 1,
		     .flooded_bytes = ETH_HLEN);
}

Test(validation, passes_link_local_to_host)
{
	__u32 v;

	v = send_frame(port[A], MAC_LACP, MAC_S);
	assert_verdict(v, XDP_PASS, "LACP to 01:80:c2:00:00:02 (BPDUs: test_stp.c)");
	v = send_frame(port[A], MAC_LLDP, MAC_S);
	assert_verdict(v, XDP_PASS, "LLDP to 01:80:c2:00:00:0e");
	v = send_frame(port[A], MAC_LL_LAST, MAC_S);
	assert_verdict(v, XDP_PASS, "01:80:c2:00:00:0f (last link-local address)");
	assert_stats(port[A], "three link-local frames",
		     .rx_packets = 3, .rx_bytes = 3 * XB_FRAME_LEN, .to_host = 3,
		     .to_host_bytes = 3 * XB_FRAME_LEN);
}

Test(validation, floods_first_non_link_local_group)
{
	__u32 v = send_frame(port[A], MAC_LL_PAST, MAC_S);

	assert_verdict(v, XDP_REDIRECT, "01:80:c2:00:00:10 is not link-local");
	assert_stats(port[A], "01:80:c2:00:00:10",
		     .rx_packets = 1, .rx_bytes = XB_FRAME_LEN, .flooded = 1,
		     .flooded_bytes = XB_FRAME_LEN);
}
