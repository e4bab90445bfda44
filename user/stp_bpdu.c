// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* BPDU encoding: stubs so the API can be merged early. */
#include <errno.h>

#include "stp.h"

int stp_bpdu_encode(const struct stp_bpdu *bpdu, uint8_t *buf, size_t cap)
{
	return -ENOSYS;
}

int stp_bpdu_decode(const uint8_t *buf, size_t len, struct stp_bpdu *bpdu)
{
	return -ENOSYS;
}

int stp_frame_encode(const uint8_t src[XB_ETH_ALEN], const struct stp_bpdu *bpdu,
		     uint8_t *frame, size_t cap)
{
	return -ENOSYS;
}

int stp_frame_decode(const uint8_t *frame, size_t len, struct stp_bpdu *bpdu)
{
	return -ENOSYS;
}
