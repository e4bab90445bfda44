// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* MAC, number, name and kernel-version parsing; ageing decisions. */
#include <errno.h>
#include <string.h>
#include <criterion/criterion.h>

#include "parse.h"

Test(parse_mac, accepts_colon_and_dash_forms)
{
	__u8 mac[6], want[6] = { 0x02, 0xab, 0xCD, 0x00, 0x10, 0xff };

	cr_assert_eq(parse_mac("02:ab:cd:00:10:ff", mac), 0, "colon form must parse");
	cr_assert_arr_eq(mac, want, 6, "colon form bytes");
	cr_assert_eq(parse_mac("02-AB-CD-00-10-FF", mac), 0, "dash form, upper case must parse");
	cr_assert_arr_eq(mac, want, 6, "dash form bytes");
}

Test(parse_mac, rejects_malformed)
{
	static const char *const bad[] = {
		"", "02:ab:cd:00:10", "02:ab:cd:00:10:ff:00", "02:ab:cd:00:10:fg", "02ab:cd:00:10:ff:1",
		"02:ab-cd:00:10:ff", "2:ab:cd:00:10:ff", "02:ab:cd:00:10:ff ", "zz:zz:zz:zz:zz:zz",
	};
	__u8 mac[6];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert_eq(parse_mac(bad[i], mac), -EINVAL, "'%s' must be rejected", bad[i]);
	cr_assert_eq(parse_mac(NULL, mac), -EINVAL, "NULL must be rejected");
}

Test(format_mac, round_trips)
{
	__u8 mac[6] = { 0x02, 0, 0, 0, 0, 0x0a }, back[6];
	char buf[XB_MAC_STR_LEN];

	format_mac(mac, buf);
	cr_assert_str_eq(buf, "02:00:00:00:00:0a");
	cr_assert_eq(parse_mac(buf, back), 0);
	cr_assert_arr_eq(mac, back, 6);
}

Test(parse_u32, range_and_garbage)
{
	uint32_t v = 7;

	cr_assert_eq(parse_u32("300", 1, 1000, &v), 0);
	cr_assert_eq(v, 300);
	cr_assert_eq(parse_u32("0", 1, 1000, &v), -ERANGE, "below min");
	cr_assert_eq(parse_u32("1001", 1, 1000, &v), -ERANGE, "above max");
	cr_assert_eq(parse_u32("99999999999999999999", 0, UINT32_MAX, &v), -ERANGE, "overflow");
	cr_assert_eq(parse_u32("-1", 0, 10, &v), -EINVAL, "negative");
	cr_assert_eq(parse_u32("12s", 0, 100, &v), -EINVAL, "trailing text");
	cr_assert_eq(parse_u32("", 0, 100, &v), -EINVAL, "empty");
	cr_assert_eq(parse_u32(" 5", 0, 100, &v), -EINVAL, "leading space");
}

Test(names, interface_and_bridge)
{
	cr_assert_eq(validate_ifname("eth0"), 0);
	cr_assert_eq(validate_ifname("a-very-long-ifn"), 0, "15 characters fit");
	cr_assert_eq(validate_ifname("a-very-long-ifna"), -EINVAL, "16 do not");
	cr_assert_eq(validate_ifname(""), -EINVAL);
	cr_assert_eq(validate_ifname("a/b"), -EINVAL);
	cr_assert_eq(validate_ifname("a b"), -EINVAL);
	cr_assert_eq(validate_ifname(".."), -EINVAL);
	cr_assert_eq(validate_bridge_name("br0"), 0);
	cr_assert_eq(validate_bridge_name("thirteen-char"), 0, "13 characters leave room for -p");
	cr_assert_eq(validate_bridge_name("fourteen-chars"), -ENAMETOOLONG);
}

Test(kernel, version_gate)
{
	int major, minor;

	cr_assert_eq(parse_kernel_release("6.1.0-47-cloud-amd64", &major, &minor), 0);
	cr_assert_eq(major, 6);
	cr_assert_eq(minor, 1);
	cr_assert_eq(parse_kernel_release("garbage", &major, &minor), -EINVAL);
	cr_assert(kernel_version_supported(6, 18));
	cr_assert(kernel_version_supported(5, 14), "5.14 is the minimum");
	cr_assert_not(kernel_version_supported(5, 13));
	cr_assert_not(kernel_version_supported(4, 19));
}

#define SEC 1000000000ULL

Test(ageing, expiry_decision_with_injected_clock)
{
	__u64 ageing = 300 * SEC, seen = 1000 * SEC;

	cr_assert_not(fdb_entry_expired(seen, seen, ageing), "just seen");
	cr_assert_not(fdb_entry_expired(seen + ageing, seen, ageing), "exactly the ageing time is still alive");
	cr_assert(fdb_entry_expired(seen + ageing + 1, seen, ageing), "one ns past expires");
	cr_assert_not(fdb_entry_expired(seen - SEC, seen, ageing), "last_seen in the future (CPU skew) is not expired");
	cr_assert_eq(fdb_entry_age_sec(seen + 42 * SEC + 5, seen), 42);
	cr_assert_eq(fdb_entry_age_sec(seen, seen + SEC), 0, "future last_seen shows age 0");
}

Test(ageing, sweep_interval_bounds)
{
	cr_assert_eq(ageing_sweep_interval_ms(1), 100, "short ageing sweeps at the floor");
	cr_assert_eq(ageing_sweep_interval_ms(2), 200);
	cr_assert_eq(ageing_sweep_interval_ms(30), 3000);
	cr_assert_eq(ageing_sweep_interval_ms(300), 10000, "default ageing sweeps at the ceiling");
	cr_assert_eq(ageing_sweep_interval_ms(1000000), 10000);
}

Test(ageing, one_full_walk_once_untracked_stations_can_have_expired)
{
	const uint64_t s = 1000000000ULL, ageing = 10 * s, interval = 1 * s;
	struct full_walk_state st = { 0 };

	cr_assert(!full_walk_due(&st, 0, 100 * s, ageing, interval), "nothing untracked: index sweeps");
	cr_assert(!full_walk_due(&st, 1, 200 * s, ageing, interval),
		  "an untracked station was just seen: nothing to delete yet");
	cr_assert(!full_walk_due(&st, 1, 210 * s, ageing, interval), "not before ageing + one interval");
	cr_assert(full_walk_due(&st, 1, 211 * s, ageing, interval), "due once it can have expired");
	cr_assert(full_walk_due(&st, 1, 250 * s, ageing, interval), "stays due until a full walk ran");
	full_walk_done(&st, 250 * s);
	cr_assert(!full_walk_due(&st, 1, 251 * s, ageing, interval), "one walk is enough");

	cr_assert(!full_walk_due(&st, 3, 300 * s, ageing, interval), "more untracked: a new deadline");
	cr_assert(!full_walk_due(&st, 4, 305 * s, ageing, interval), "another moves it later");
	cr_assert(!full_walk_due(&st, 4, 315 * s, ageing, interval));
	cr_assert(full_walk_due(&st, 4, 316 * s, ageing, interval), "due after the last one can have expired");
	full_walk_done(&st, 316 * s);
	cr_assert(!full_walk_due(&st, 4, 400 * s, ageing, interval));

	st = (struct full_walk_state){ 0 };
	cr_assert(!full_walk_due(&st, 7, 500 * s, ageing, interval),
		  "a restarted loop seeing a non-zero count starts a deadline");
	cr_assert(full_walk_due(&st, 7, 511 * s, ageing, interval));
}
