// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Config and TCN BPDUs, byte for byte as the Linux bridge sends and accepts
 * them (net/bridge/br_stp_bpdu.c, net/802/stp.c, net/llc): an 802.3 frame
 * (length field, not an EtherType) to 01:80:C2:00:00:00 carrying LLC
 * 42 42 03 and the BPDU. Protocol id 0, version 0: the kernel drops any other
 * version (RST BPDUs included) before looking at the type.
 */
#include <errno.h>
#include <string.h>

#include "stp.h"

const uint8_t stp_group_addr[XB_ETH_ALEN] = { 0x01, 0x80, 0xC2, 0x00, 0x00, 0x00 };

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static void put_id(uint8_t *p, uint64_t id)
{
	for (int i = 7; i >= 0; i--, id >>= 8)
		p[i] = (uint8_t)id;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint64_t get_id(const uint8_t *p)
{
	uint64_t id = 0;

	for (int i = 0; i < 8; i++)
		id = id << 8 | p[i];
	return id;
}

int stp_bpdu_encode(const struct stp_bpdu *bpdu, uint8_t *buf, size_t cap)
{
	size_t len;

	if (bpdu->type == STP_BPDU_TCN)
		len = STP_TCN_LEN;
	else if (bpdu->type == STP_BPDU_CONFIG)
		len = STP_CONFIG_LEN;
	else
		return -EINVAL;
	if (cap < len)
		return -ENOSPC;
	buf[0] = 0;		/* protocol id */
	buf[1] = 0;
	buf[2] = 0;		/* version */
	buf[3] = bpdu->type;
	if (bpdu->type == STP_BPDU_TCN)
		return (int)len;
	buf[4] = bpdu->flags & (STP_FLAG_TC | STP_FLAG_TCA);
	put_id(buf + 5, bpdu->root_id);
	buf[13] = bpdu->root_path_cost >> 24;
	buf[14] = bpdu->root_path_cost >> 16;
	buf[15] = bpdu->root_path_cost >> 8;
	buf[16] = bpdu->root_path_cost;
	put_id(buf + 17, bpdu->bridge_id);
	put16(buf + 25, bpdu->port_id);
	put16(buf + 27, bpdu->message_age);
	put16(buf + 29, bpdu->max_age);
	put16(buf + 31, bpdu->hello_time);
	put16(buf + 33, bpdu->forward_delay);
	return (int)len;
}

int stp_bpdu_decode(const uint8_t *buf, size_t len, struct stp_bpdu *bpdu)
{
	memset(bpdu, 0, sizeof(*bpdu));
	if (len < STP_TCN_LEN)
		return -EBADMSG;
	if (buf[0] || buf[1] || buf[2])
		return -EPROTONOSUPPORT;
	bpdu->type = buf[3];
	if (bpdu->type == STP_BPDU_TCN)
		return 0;
	if (bpdu->type != STP_BPDU_CONFIG)
		return -ENOMSG;
	if (len < STP_CONFIG_LEN)
		return -EBADMSG;
	/* Only the two defined flags: the kernel reads bits 0x01 and 0x80. */
	bpdu->flags = buf[4] & (STP_FLAG_TC | STP_FLAG_TCA);
	bpdu->root_id = get_id(buf + 5);
	bpdu->root_path_cost = (uint32_t)buf[13] << 24 | (uint32_t)buf[14] << 16 |
			       (uint32_t)buf[15] << 8 | buf[16];
	bpdu->bridge_id = get_id(buf + 17);
	bpdu->port_id = get16(buf + 25);
	bpdu->message_age = get16(buf + 27);
	bpdu->max_age = get16(buf + 29);
	bpdu->hello_time = get16(buf + 31);
	bpdu->forward_delay = get16(buf + 33);
	return 0;
}

int stp_frame_encode(const uint8_t src[XB_ETH_ALEN], const struct stp_bpdu *bpdu,
		     uint8_t *frame, size_t cap)
{
	size_t hdr = STP_ETH_HLEN + STP_LLC_LEN;
	int len;

	if (cap < hdr)
		return -ENOSPC;
	len = stp_bpdu_encode(bpdu, frame + hdr, cap - hdr);
	if (len < 0)
		return len;
	memcpy(frame, stp_group_addr, XB_ETH_ALEN);
	memcpy(frame + XB_ETH_ALEN, src, XB_ETH_ALEN);
	put16(frame + 12, (uint16_t)(STP_LLC_LEN + len));	/* 802.3 length: LLC + BPDU */
	frame[14] = 0x42;	/* DSAP: bridge spanning tree */
	frame[15] = 0x42;	/* SSAP */
	frame[16] = 0x03;	/* UI */
	return (int)hdr + len;
}

int stp_frame_decode(const uint8_t *frame, size_t len, struct stp_bpdu *bpdu)
{
	size_t hdr = STP_ETH_HLEN + STP_LLC_LEN;
	uint16_t pdulen;

	memset(bpdu, 0, sizeof(*bpdu));
	if (len < hdr || memcmp(frame, stp_group_addr, XB_ETH_ALEN))
		return -ENOENT;
	pdulen = get16(frame + 12);
	/* An EtherType (>= 0x600) is not 802.3/LLC; the LLC layer trims the
	 * frame to the length field and drops it when the frame is shorter. */
	if (pdulen >= 0x600 || pdulen < STP_LLC_LEN || pdulen > len - STP_ETH_HLEN)
		return -ENOENT;
	if (frame[14] != 0x42 || frame[15] != 0x42 || frame[16] != 0x03)
		return -ENOENT;
	return stp_bpdu_decode(frame + hdr, pdulen - STP_LLC_LEN, bpdu);
}
