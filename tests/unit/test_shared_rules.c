// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The rules include/xdpbridge.h gives the data path and user space alike:
 * ageing-index sizing and hashing, expiry, and what a MAC address is.
 */
#include <stdint.h>
#include <string.h>
#include <criterion/criterion.h>

#include "xdpbridge.h"

/* ---- xb_age_blocks ---------------------------------------------------------- */

static const __u32 fdb_sizes[] = {
	0, 1, 2, 7, 8, 9, 15, 16, 17, 64, 100, 1000, 4096, XB_DEFAULT_FDB_SIZE,
	XB_DEFAULT_FDB_SIZE + 1, 1000000, 1U << 24, 0x7fffffffU,
};
#define N_FDB_SIZES (sizeof(fdb_sizes) / sizeof(fdb_sizes[0]))

Test(age_blocks, is_a_power_of_two)
{
	for (size_t i = 0; i < N_FDB_SIZES; i++) {
		__u32 blocks = xb_age_blocks(fdb_sizes[i]);

		cr_assert(blocks && !(blocks & (blocks - 1)),
			  "fdb_size %u: %u blocks, want a power of two (the mask is blocks - 1)",
			  fdb_sizes[i], blocks);
	}
}

Test(age_blocks, holds_at_least_twice_the_fdb_and_no_more_than_needed)
{
	for (size_t i = 0; i < N_FDB_SIZES; i++) {
		__u64 size = fdb_sizes[i], blocks = xb_age_blocks(fdb_sizes[i]);

		cr_assert_geq(blocks * XB_AGE_WAYS, 2 * size,
			      "fdb_size %llu: %llu records, want >= %llu (2x the FDB)",
			      (unsigned long long)size, (unsigned long long)(blocks * XB_AGE_WAYS),
			      (unsigned long long)(2 * size));
		if (blocks > 1)
			cr_assert_lt(blocks / 2 * XB_AGE_WAYS, 2 * size,
				     "fdb_size %llu: %llu blocks, want the smallest power of two "
				     "(half as many would hold 2x too)",
				     (unsigned long long)size, (unsigned long long)blocks);
	}
}

Test(age_blocks, default_fdb)
{
	cr_assert_eq(xb_age_blocks(XB_DEFAULT_FDB_SIZE), 8192,
		     "65536 entries: want 8192 blocks of %d (131072 records), got %u",
		     XB_AGE_WAYS, xb_age_blocks(XB_DEFAULT_FDB_SIZE));
}

/* ---- xb_age_block_of --------------------------------------------------------- */

/* Deterministic pseudo-random station keys (xorshift64). */
static struct xb_fdb_key random_key(uint64_t *state)
{
	struct xb_fdb_key key;
	uint64_t r;

	*state ^= *state << 13;
	*state ^= *state >> 7;
	*state ^= *state << 17;
	r = *state;
	memset(&key, 0, sizeof(key));
	key.mac[0] = 0x02;	/* locally administered unicast */
	for (int i = 1; i < XB_ETH_ALEN; i++)
		key.mac[i] = (__u8)(r >> (8 * i));
	key.vlan = XB_VLAN_NONE;
	return key;
}

static const __u32 masks[] = { 0, 1, 7, 255, 8191, (1U << 20) - 1 };
#define N_MASKS (sizeof(masks) / sizeof(masks[0]))

Test(age_block_of, stays_inside_the_table)
{
	uint64_t state = 0x243f6a8885a308d3ULL;

	for (size_t m = 0; m < N_MASKS; m++)
		for (int i = 0; i < 2000; i++) {
			struct xb_fdb_key key = random_key(&state);

			for (int which = 0; which < 2; which++)
				cr_assert_leq(xb_age_block_of(&key, masks[m], which), masks[m],
					      "%02x:..:%02x block %d with mask %u: want <= the mask",
					      key.mac[0], key.mac[5], which, masks[m]);
		}
}

Test(age_block_of, two_distinct_blocks_whenever_there_are_two)
{
	uint64_t state = 0x13198a2e03707344ULL;

	for (size_t m = 0; m < N_MASKS; m++)
		for (int i = 0; i < 2000; i++) {
			struct xb_fdb_key key = random_key(&state);
			__u32 b0 = xb_age_block_of(&key, masks[m], 0);
			__u32 b1 = xb_age_block_of(&key, masks[m], 1);

			if (masks[m])
				cr_assert_neq(b0, b1, "mask %u: both candidates are block %u, "
					      "want two different blocks", masks[m], b0);
			else
				cr_assert(b0 == 0 && b1 == 0,
					  "mask 0 (one block): blocks %u and %u, want 0 and 0", b0, b1);
		}
}

Test(age_block_of, is_deterministic_and_reads_only_the_key)
{
	uint64_t state = 0xa4093822299f31d0ULL;

	for (int i = 0; i < 1000; i++) {
		struct xb_fdb_key key = random_key(&state), copy;

		copy = key;	/* another object, same bytes */
		for (int which = 0; which < 2; which++)
			cr_assert_eq(xb_age_block_of(&key, 8191, which),
				     xb_age_block_of(&copy, 8191, which),
				     "block %d of one key computed twice: want the same block", which);
	}
}

/*
 * Random stations, 16 per block on average (the table's ways): every block
 * is some station's first choice, and none is chosen by more than 3x the
 * mean. A hash that ignored most of the key would fail both.
 */
Test(age_block_of, spreads_random_stations_over_the_blocks)
{
	static __u32 count[8192];

	for (__u32 mask = 7; mask <= 8191; mask = mask * 8 + 7) {
		for (int which = 0; which < 2; which++) {
			uint64_t state = 0x082efa98ec4e6c89ULL;
			__u32 unused = 0, busiest = 0;

			memset(count, 0, sizeof(count));
			for (__u32 i = 0; i < (mask + 1) * XB_AGE_WAYS; i++) {
				struct xb_fdb_key key = random_key(&state);

							count[xb_age_block_of(&key, mask, which)]++;
			}
			for (__u32 b = 0; b <= mask; b++) {
				unused += !count[b];
				busiest = count[b] > busiest ? count[b] : busiest;
			}
			cr_assert_eq(unused, 0, "mask %u, block %d: %u of %u blocks never chosen, want 0",
				     mask, which, unused, mask + 1);
			cr_assert_leq(busiest, 3 * XB_AGE_WAYS,
				      "mask %u, block %d: busiest block chosen %u times, want <= %d "
				      "(3x the mean)", mask, which, busiest, 3 * XB_AGE_WAYS);
		}
	}
}

/*
 * Sequential stations, as Docker (02:42:ac:11:xx:yy) or a VM manager hands
 * them out, in a small table: each station must find room in one of its two
 * blocks (a weak hash piles them into a few blocks and leaves them unindexed).
 */
Test(age_block_of, sequential_stations_all_find_a_record)
{
	static __u32 used[1024];

	for (__u32 fdb_size = 64; fdb_size <= 8192; fdb_size *= 4) {
		__u32 mask = xb_age_blocks(fdb_size) - 1, unplaced = 0;

		memset(used, 0, sizeof(used));
		for (__u32 i = 0; i < fdb_size; i++) {
			struct xb_fdb_key key = { .mac = { 0x02, 0x42, 0xac, 0x11,
							   (__u8)(i >> 8), (__u8)i } };
			__u32 b0 = xb_age_block_of(&key, mask, 0), b1 = xb_age_block_of(&key, mask, 1);

			if (used[b0] < XB_AGE_WAYS)
				used[b0]++;
			else if (used[b1] < XB_AGE_WAYS)
				used[b1]++;
			else
				unplaced++;
		}
		cr_assert_eq(unplaced, 0, "FDB of %u sequential stations (%u blocks): %u found no "
			     "record in either block, want 0", fdb_size, mask + 1, unplaced);
	}
}

/* ---- xb_older_than ------------------------------------------------------------- */

#define SEC 1000000000ULL

Test(older_than, boundary)
{
	__u64 now = 1000 * SEC, age = 300 * SEC;

	cr_assert(!xb_older_than(now, now - age, age), "exactly the ageing time old: want not expired");
	cr_assert(xb_older_than(now, now - age - 1, age), "1 ns past the ageing time: want expired");
	cr_assert(!xb_older_than(now, now, age), "seen just now: want not expired");
	cr_assert(!xb_older_than(now, now, 0), "age 0, seen now: want not expired");
	cr_assert(xb_older_than(now, now - 1, 0), "age 0, seen 1 ns ago: want expired");
	cr_assert(xb_older_than(now, 0, age), "seen at boot, 1000 s ago: want expired");
}

Test(older_than, future_timestamp_is_never_expired)
{
	__u64 now = 1000 * SEC;
	static const __u64 ahead[] = { 1, 1000, 20 * 1000000ULL, SEC, 300 * SEC };

	for (size_t i = 0; i < sizeof(ahead) / sizeof(ahead[0]); i++) {
		cr_assert(!xb_older_than(now, now + ahead[i], 300 * SEC),
			  "stamped %llu ns ahead (another CPU's clock): want 'just seen', not expired",
			  (unsigned long long)ahead[i]);
		cr_assert(!xb_older_than(now, now + ahead[i], 0),
			  "stamped %llu ns ahead, age 0: want not expired (the unsigned difference "
			  "would wrap to a huge age)", (unsigned long long)ahead[i]);
	}
}

Test(older_than, early_clock)
{
	/* A fresh VM: the clock is younger than the ageing time. */
	cr_assert(!xb_older_than(5 * SEC, 1 * SEC, 300 * SEC),
		  "seen at 1 s, now 5 s, ageing 300 s: want not expired");
	cr_assert(!xb_older_than(0, 0, 0), "everything at 0: want not expired");
}

/* ---- MAC rules --------------------------------------------------------------------- */

static const __u8 mac_zero[6] = { 0, 0, 0, 0, 0, 0 };
static const __u8 mac_bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const __u8 mac_local[6] = { 0x02, 0, 0, 0, 0, 0x01 };
static const __u8 mac_global[6] = { 0x00, 0x1b, 0x21, 0x3c, 0x4d, 0x5e };
static const __u8 mac_low[6] = { 0, 0, 0, 0, 0, 0x01 };		/* lowest non-zero */
static const __u8 mac_even_high[6] = { 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff };
static const __u8 mac_mcast_v4[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb };
static const __u8 mac_mcast_v6[6] = { 0x33, 0x33, 0x00, 0x00, 0x00, 0x01 };
static const __u8 mac_local_group[6] = { 0x03, 0, 0, 0, 0, 0x01 };	/* local + group bit */
static const __u8 mac_stp[6] = { 0x01, 0x80, 0xc2, 0x00, 0x00, 0x00 };

Test(mac_rules, station)
{
	cr_assert(xb_mac_is_station(mac_local), "02:00:00:00:00:01: want a station");
	cr_assert(xb_mac_is_station(mac_global), "00:1b:21:3c:4d:5e: want a station");
	cr_assert(xb_mac_is_station(mac_low), "00:00:00:00:00:01: want a station");
	cr_assert(xb_mac_is_station(mac_even_high), "fe:ff:ff:ff:ff:ff: want a station (I/G bit clear)");
	cr_assert(!xb_mac_is_station(mac_zero), "00:00:00:00:00:00: want not a station");
	cr_assert(!xb_mac_is_station(mac_bcast), "broadcast: want not a station");
	cr_assert(!xb_mac_is_station(mac_mcast_v4), "01:00:5e:00:00:fb: want not a station");
	cr_assert(!xb_mac_is_station(mac_mcast_v6), "33:33:00:00:00:01: want not a station");
	cr_assert(!xb_mac_is_station(mac_local_group), "03:00:00:00:00:01: want not a station");
	cr_assert(!xb_mac_is_station(mac_stp), "01:80:c2:00:00:00: want not a station");
}

Test(mac_rules, multicast_is_the_group_bit)
{
	cr_assert(xb_mac_is_multicast(mac_bcast), "broadcast: want multicast (a group)");
	cr_assert(xb_mac_is_multicast(mac_mcast_v4), "01:00:5e:00:00:fb: want multicast");
	cr_assert(xb_mac_is_multicast(mac_mcast_v6), "33:33:00:00:00:01: want multicast");
	cr_assert(xb_mac_is_multicast(mac_local_group), "03:00:00:00:00:01: want multicast");
	cr_assert(xb_mac_is_multicast(mac_stp), "01:80:c2:00:00:00: want multicast");
	cr_assert(!xb_mac_is_multicast(mac_local), "02:00:00:00:00:01: want unicast");
	cr_assert(!xb_mac_is_multicast(mac_even_high), "fe:ff:ff:ff:ff:ff: want unicast");
	cr_assert(!xb_mac_is_multicast(mac_zero), "00:00:00:00:00:00: want not multicast");
}

Test(mac_rules, zero_only_when_every_byte_is)
{
	cr_assert(xb_mac_is_zero(mac_zero), "00:00:00:00:00:00: want zero");
	for (int i = 0; i < 6; i++) {
		__u8 mac[6] = { 0 };

		mac[i] = 0x01;
		cr_assert(!xb_mac_is_zero(mac), "byte %d set to 01: want not zero", i);
		mac[i] = 0x80;
		cr_assert(!xb_mac_is_zero(mac), "byte %d set to 80: want not zero", i);
	}
}

Test(mac_rules, link_local_is_01_80_c2_00_00_00_to_0f)
{
	__u8 mac[6] = { 0x01, 0x80, 0xc2, 0x00, 0x00, 0x00 };

	for (int last = 0; last <= 0xff; last++) {
		mac[5] = (__u8)last;
		if (last <= 0x0f)
			cr_assert(xb_mac_is_link_local(mac), "01:80:c2:00:00:%02x: want link-local", last);
		else
			cr_assert(!xb_mac_is_link_local(mac),
				  "01:80:c2:00:00:%02x: want not link-local (only :00 to :0f are)", last);
	}
}

Test(mac_rules, link_local_needs_every_prefix_byte)
{
	static const __u8 near[][6] = {
		{ 0x03, 0x80, 0xc2, 0x00, 0x00, 0x00 },
		{ 0x01, 0x81, 0xc2, 0x00, 0x00, 0x00 },
		{ 0x01, 0x80, 0xc3, 0x00, 0x00, 0x00 },
		{ 0x01, 0x80, 0xc2, 0x01, 0x00, 0x00 },
		{ 0x01, 0x80, 0xc2, 0x00, 0x01, 0x00 },
		{ 0x00, 0x80, 0xc2, 0x00, 0x00, 0x00 },
	};

	for (size_t i = 0; i < sizeof(near) / sizeof(near[0]); i++)
		cr_assert(!xb_mac_is_link_local(near[i]),
			  "%02x:%02x:%02x:%02x:%02x:%02x: want not link-local (one prefix byte off)",
			  near[i][0], near[i][1], near[i][2], near[i][3], near[i][4], near[i][5]);
	cr_assert(!xb_mac_is_link_local(mac_bcast), "broadcast: want not link-local");
	cr_assert(!xb_mac_is_link_local(mac_zero), "00:00:00:00:00:00: want not link-local");
}
