// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * libFuzzer target: the pure parsers of user/parse.c (MAC, numbers, interface
 * and bridge names, kernel release). Input: one selector byte, two bytes of
 * range for parse_u32, then the string. Beyond "no crash, no sanitizer
 * report", what each parser accepts must satisfy its contract:
 * a MAC formats back to the same six bytes, a number lies in its range and
 * is the decimal it was written as, a valid name keeps the kernel's rules.
 */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"

#define CHECK(cond) do { if (!(cond)) { fprintf(stderr, "contract broken: %s\n", #cond); abort(); } } while (0)

static void check_mac(const char *s)
{
	__u8 mac[6], again[6];
	char buf[XB_MAC_STR_LEN];

	if (parse_mac(s, mac))
		return;
	CHECK(strlen(s) == 17);
	format_mac(mac, buf);
	CHECK(!parse_mac(buf, again) && !memcmp(mac, again, 6));
	for (int i = 0; i < 17; i++)
		CHECK(i % 3 == 2 ? (s[i] == ':' || s[i] == '-') && s[i] == s[2] :
		      tolower((unsigned char)s[i]) == buf[i]);
}

static void check_u32(const char *s, uint32_t min, uint32_t max)
{
	uint32_t v = 0xdeadbeef;
	char buf[16];
	const char *digits = s;
	int err = parse_u32(s, min, max, &v);

	if (err) {
		CHECK(err == -EINVAL || err == -ERANGE);
		return;
	}
	CHECK(v >= min && v <= max);
	while (*digits == '0' && digits[1])
		digits++;	/* leading zeros are accepted */
	snprintf(buf, sizeof(buf), "%u", v);
	CHECK(!strcmp(buf, digits));
}

static void check_name(const char *s)
{
	size_t n = strlen(s);
	char host[32];

	if (!validate_ifname(s)) {
		CHECK(n >= 1 && n <= 15 && strcmp(s, ".") && strcmp(s, ".."));
		for (size_t i = 0; i < n; i++)
			CHECK(s[i] != '/' && s[i] != ':' && !isspace((unsigned char)s[i]));
	}
	if (!validate_bridge_name(s)) {
		CHECK(!validate_ifname(s) && n <= XB_BRIDGE_NAME_MAX);
		snprintf(host, sizeof(host), "%s-p", s);	/* its host port's name */
		CHECK(!validate_ifname(host));
	}
}

/* Accepted: "MAJOR.MINOR..." whose two numbers are the ones written. */
static void check_release(const char *s)
{
	int major = -1, minor = -1;
	char *end;
	long long m;

	if (parse_kernel_release(s, &major, &minor))
		return;
	CHECK(major >= 0 && minor >= 0);
	m = strtoll(s, &end, 10);
	CHECK(m == major && *end == '.');
	CHECK(strtoll(end + 1, NULL, 10) == minor);
	(void)kernel_version_supported(major, minor);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t min, max;
	char *s;

	if (size < 3)
		return 0;
	s = malloc(size - 3 + 1);
	if (!s)
		return 0;
	memcpy(s, data + 3, size - 3);
	s[size - 3] = '\0';
	min = data[1] < 128 ? data[1] : (uint32_t)data[1] << 24;
	max = data[2] == 255 ? UINT32_MAX : min + (uint32_t)data[2] * 1000;
	switch (data[0] % 5) {
	case 0: check_mac(s); break;
	case 1: check_u32(s, min, max < min ? UINT32_MAX : max); break;
	case 2: check_name(s); break;
	case 3: check_release(s); break;
	default:
		check_mac(s);
		check_u32(s, 0, UINT32_MAX);
		check_name(s);
		check_release(s);
	}
	free(s);
	return 0;
}
