// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* MAC, number, name and kernel-version parsing. */
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
	cr_assert_str_eq(buf, "02:00:00:00:00:0a", "lower case, colons, leading zeros");
	cr_assert_eq(parse_mac(buf, back), 0, "formatted MAC parses");
	cr_assert_arr_eq(mac, back, 6, "and round-trips");
}

Test(parse_u32, range_and_garbage)
{
	uint32_t v = 7;

	cr_assert_eq(parse_u32("300", 1, 1000, &v), 0, "in range");
	cr_assert_eq(v, 300, "value");
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
	cr_assert_eq(validate_ifname("eth0"), 0, "plain name");
	cr_assert_eq(validate_ifname("a-very-long-ifn"), 0, "15 characters fit");
	cr_assert_eq(validate_ifname("a-very-long-ifna"), -EINVAL, "16 do not");
	cr_assert_eq(validate_ifname(""), -EINVAL, "empty");
	cr_assert_eq(validate_ifname("a/b"), -EINVAL, "slash");
	cr_assert_eq(validate_ifname("a b"), -EINVAL, "space");
	cr_assert_eq(validate_ifname(".."), -EINVAL, "dot-dot");
	cr_assert_eq(validate_bridge_name("br0"), 0, "plain bridge name");
	cr_assert_eq(validate_bridge_name("thirteen-char"), 0, "13 characters leave room for -p");
	cr_assert_eq(validate_bridge_name("fourteen-chars"), -ENAMETOOLONG, "14 leave no room for -p");
}

Test(kernel, version_gate)
{
	int major, minor;

	cr_assert_eq(parse_kernel_release("6.1.0-47-cloud-amd64", &major, &minor), 0, "Debian release parses");
	cr_assert_eq(major, 6, "major");
	cr_assert_eq(minor, 1, "minor");
	cr_assert_eq(parse_kernel_release("garbage", &major, &minor), -EINVAL, "garbage refused");
	cr_assert(kernel_version_supported(6, 18), "this machine's kernel");
	cr_assert(kernel_version_supported(5, 14), "5.14 is the minimum");
	cr_assert_not(kernel_version_supported(5, 13), "just below the minimum");
	cr_assert_not(kernel_version_supported(4, 19), "old LTS");
	cr_assert(kernel_redirects_xdp_frags(6, 12), "6.12 redirects jumbo XDP frames (vmtest)");
	cr_assert(kernel_redirects_xdp_frags(7, 0), "later majors too");
	cr_assert_not(kernel_redirects_xdp_frags(6, 1), "6.1 loses them (vmtest)");
	cr_assert_not(kernel_redirects_xdp_frags(5, 19), "older");
}

/* Found by tests/fuzz/fuzz_parse.c: sscanf's %d took a sign ("-1.2", the
 * fuzzer's input) and wrapped numbers beyond int, so "4294967302.0" read as
 * 6.0 and passed the version gate. */
Test(kernel, release_numbers_are_what_is_written)
{
	int major, minor;

	cr_assert_eq(parse_kernel_release("-1.2", &major, &minor), -EINVAL, "a negative major");
	cr_assert_eq(parse_kernel_release("6.-1", &major, &minor), -EINVAL, "a negative minor");
	cr_assert_eq(parse_kernel_release("4294967302.0", &major, &minor), -EINVAL,
		     "a major beyond int (it wrapped to 6)");
	cr_assert_eq(parse_kernel_release("6.4294967297", &major, &minor), -EINVAL,
		     "a minor beyond int");
	cr_assert_eq(parse_kernel_release(" 6.1", &major, &minor), -EINVAL, "a leading blank");
	cr_assert_eq(parse_kernel_release("6.18.0", &major, &minor), 0, "a plain release");
	cr_assert(major == 6 && minor == 18, "6.18.0 is 6, 18 (got %d, %d)", major, minor);
	cr_assert_eq(parse_kernel_release("2147483647.0", &major, &minor), 0, "INT_MAX fits");
}
