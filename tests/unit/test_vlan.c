// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* VID ranges as `vlan add|del` takes them: 1-4094, one VID or VID-VID. */
#include <errno.h>
#include <criterion/criterion.h>

#include "vlan.h"

Test(vlan_range, valid)
{
	static const struct { const char *s; __u16 lo, hi; } ok[] = {
		{ "1", 1, 1 }, { "4094", 4094, 4094 }, { "10-20", 10, 20 }, { "7-7", 7, 7 },
		{ "1-4094", 1, 4094 },
	};

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		__u16 lo = 0, hi = 0;

		cr_assert_eq(vlan_range_parse(ok[i].s, &lo, &hi), 0, "'%s' is a VID range", ok[i].s);
		cr_assert(lo == ok[i].lo && hi == ok[i].hi, "'%s': %u-%u, want %u-%u", ok[i].s, lo, hi,
			  ok[i].lo, ok[i].hi);
	}
}

Test(vlan_range, invalid)
{
	static const char *const bad[] = {
		"", "0", "4095", "65546", "-1", "+5", " 5", "5 ", "abc", "10-", "-10", "20-10",
		"1-4095", "0-5", "10--20", "10-20-30", "0x10", "1.5",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		__u16 lo, hi;

		cr_assert_eq(vlan_range_parse(bad[i], &lo, &hi), -EINVAL, "'%s' is not a VID range",
			     bad[i]);
	}
}
