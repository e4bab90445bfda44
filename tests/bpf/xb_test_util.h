/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Frame crafting for the data-path tests: Ethernet frames built in a caller
 * buffer, MAC constants, and XDP verdict names for assertion messages.
 */
#ifndef XB_TEST_UTIL_H
#define XB_TEST_UTIL_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>

/* Minimum Ethernet frame without FCS; every crafted frame is this long. */
#define XB_FRAME_LEN		60
/* Local experimental EtherType (IEEE 802), so nothing in a namespace reacts. */
#define XB_TEST_ETHERTYPE	0x88B5

typedef uint8_t xb_mac_t[ETH_ALEN];

/* Locally administered unicast stations. */
static const xb_mac_t MAC_S = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };
static const xb_mac_t MAC_D = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x02 };
static const xb_mac_t MAC_U = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x99 };	/* never learned */
static const xb_mac_t MAC_BCAST = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const xb_mac_t MAC_ZERO = { 0, 0, 0, 0, 0, 0 };
static const xb_mac_t MAC_MCAST_V4 = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb };
static const xb_mac_t MAC_MCAST_V6 = { 0x33, 0x33, 0x00, 0x00, 0x00, 0x01 };
static const xb_mac_t MAC_STP = { 0x01, 0x80, 0xc2, 0x00, 0x00, 0x00 };	/* STP BPDU */
static const xb_mac_t MAC_LLDP = { 0x01, 0x80, 0xc2, 0x00, 0x00, 0x0e };	/* LLDP */
static const xb_mac_t MAC_LACP = { 0x01, 0x80, 0xc2, 0x00, 0x00, 0x02 };	/* slow protocols: LACP */
static const xb_mac_t MAC_LL_LAST = { 0x01, 0x80, 0xc2, 0x00, 0x00, 0x0f };
static const xb_mac_t MAC_LL_PAST = { 0x01, 0x80, 0xc2, 0x00, 0x00, 0x10 };	/* not link-local */

/*
 * Build a XB_FRAME_LEN-byte frame dst <- src with XB_TEST_ETHERTYPE into buf
 * (at least XB_FRAME_LEN bytes); the payload is a recognisable pattern.
 * Returns the frame length.
 */
static inline uint32_t xb_frame(uint8_t *buf, const uint8_t *dst, const uint8_t *src)
{
	struct ethhdr *eth = (struct ethhdr *)buf;
	uint32_t i;

	memcpy(eth->h_dest, dst, ETH_ALEN);
	memcpy(eth->h_source, src, ETH_ALEN);
	eth->h_proto = __builtin_bswap16(XB_TEST_ETHERTYPE);
	for (i = ETH_HLEN; i < XB_FRAME_LEN; i++)
		buf[i] = (uint8_t)i;
	return XB_FRAME_LEN;
}

/* "aa:bb:cc:dd:ee:ff" in a static buffer (one of four rotating slots). */
static inline const char *xb_mac_str(const uint8_t *mac)
{
	static char bufs[4][18];
	static unsigned int n;
	char *b = bufs[n++ % 4];

	snprintf(b, 18, "%02x:%02x:%02x:%02x:%02x:%02x",
		 mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
	return b;
}

static inline const char *xb_verdict_str(uint32_t v)
{
	switch (v) {
	case XDP_ABORTED:	return "XDP_ABORTED";
	case XDP_DROP:		return "XDP_DROP";
	case XDP_PASS:		return "XDP_PASS";
	case XDP_TX:		return "XDP_TX";
	case XDP_REDIRECT:	return "XDP_REDIRECT";
	default:		return "XDP_?";
	}
}

#endif /* XB_TEST_UTIL_H */
