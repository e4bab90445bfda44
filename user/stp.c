// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* STP protocol engine: stubs so the API can be merged early; the state
 * machine follows. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stp.h"

const uint8_t stp_group_addr[XB_ETH_ALEN] = { 0x01, 0x80, 0xC2, 0x00, 0x00, 0x00 };

int stp_bridge_init(struct stp_bridge *br, const uint8_t mac[XB_ETH_ALEN], uint16_t prio,
		    const struct stp_timers *timers, stp_event_fn emit, void *ctx, uint64_t now)
{
	return -ENOSYS;
}

void stp_bridge_free(struct stp_bridge *br)
{
	free(br->port);
	br->port = NULL;
}

int stp_bridge_restore(struct stp_bridge *br, const struct xb_stp_bridge *saved,
		       stp_event_fn emit, void *ctx, uint64_t now)
{
	return -ENOSYS;
}

int stp_port_restore(struct stp_bridge *br, const struct xb_stp_port *saved)
{
	return -ENOSYS;
}

int stp_port_add(struct stp_bridge *br, uint16_t port_no, const uint8_t mac[XB_ETH_ALEN],
		 uint32_t cost, uint8_t prio, uint64_t now)
{
	return -ENOSYS;
}

int stp_port_del(struct stp_bridge *br, uint16_t port_no, uint64_t now)
{
	return -ENOSYS;
}

int stp_port_enable(struct stp_bridge *br, uint16_t port_no, uint64_t now)
{
	return -ENOSYS;
}

int stp_port_disable(struct stp_bridge *br, uint16_t port_no, uint64_t now)
{
	return -ENOSYS;
}

int stp_rx_frame(struct stp_bridge *br, uint16_t port_no, const uint8_t *frame, size_t len,
		 uint64_t now)
{
	return -ENOSYS;
}

int stp_tick(struct stp_bridge *br, uint64_t now)
{
	return 0;
}

uint64_t stp_next_deadline(const struct stp_bridge *br)
{
	return UINT64_MAX;
}

int stp_set_priority(struct stp_bridge *br, uint16_t prio, uint64_t now)
{
	return -ENOSYS;
}

int stp_set_timers(struct stp_bridge *br, const struct stp_timers *timers, uint64_t now)
{
	return -ENOSYS;
}

int stp_set_port_cost(struct stp_bridge *br, uint16_t port_no, uint32_t cost, uint64_t now)
{
	return -ENOSYS;
}

int stp_set_port_priority(struct stp_bridge *br, uint16_t port_no, uint8_t prio, uint64_t now)
{
	return -ENOSYS;
}

int stp_set_port_bpdu_guard(struct stp_bridge *br, uint16_t port_no, bool on, uint64_t now)
{
	return -ENOSYS;
}

int stp_set_port_root_block(struct stp_bridge *br, uint16_t port_no, bool on, uint64_t now)
{
	return -ENOSYS;
}

int stp_set_bridge_mac(struct stp_bridge *br, const uint8_t mac[XB_ETH_ALEN], uint64_t now)
{
	return -ENOSYS;
}

enum stp_role stp_port_role(const struct xb_stp_bridge *b, const struct xb_stp_port *p)
{
	return STP_ROLE_DISABLED;
}

const char *stp_role_name(enum stp_role role)
{
	return "?";
}

char *stp_id_format(uint64_t id, char *buf, size_t len)
{
	snprintf(buf, len, "%04x.%02x:%02x:%02x:%02x:%02x:%02x", (unsigned)(id >> 48),
		 (unsigned)(id >> 40) & 0xff, (unsigned)(id >> 32) & 0xff,
		 (unsigned)(id >> 24) & 0xff, (unsigned)(id >> 16) & 0xff,
		 (unsigned)(id >> 8) & 0xff, (unsigned)id & 0xff);
	return buf;
}

uint64_t stp_make_id(uint16_t prio, const uint8_t mac[XB_ETH_ALEN])
{
	uint64_t id = prio;

	for (int i = 0; i < XB_ETH_ALEN; i++)
		id = id << 8 | mac[i];
	return id;
}

uint64_t stp_timer_left_ms(uint64_t deadline, uint64_t now)
{
	return deadline && deadline > now ? (deadline - now) / 1000000ULL : 0;
}

uint32_t stp_port_cost_for_speed(uint32_t mbps)
{
	return 100;
}
