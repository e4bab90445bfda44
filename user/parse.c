// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"

static int hex_val(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int parse_mac(const char *s, __u8 mac[6])
{
	char sep = 0;

	if (!s || strlen(s) != 17)
		return -EINVAL;
	for (int i = 0; i < 6; i++) {
		const char *p = s + i * 3;
		int hi = hex_val(p[0]), lo = hex_val(p[1]);

		if (hi < 0 || lo < 0)
			return -EINVAL;
		if (i < 5) {
			if (p[2] != ':' && p[2] != '-')
				return -EINVAL;
			if (sep && p[2] != sep)
				return -EINVAL;
			sep = p[2];
		}
		mac[i] = hi << 4 | lo;
	}
	return 0;
}

void format_mac(const __u8 mac[6], char buf[XB_MAC_STR_LEN])
{
	snprintf(buf, XB_MAC_STR_LEN, "%02x:%02x:%02x:%02x:%02x:%02x",
		 mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
}

int parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out)
{
	unsigned long long v;
	char *end;

	if (!s || !*s || !isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (*end)
		return -EINVAL;
	if (errno == ERANGE || v < min || v > max)
		return -ERANGE;
	*out = (uint32_t)v;
	return 0;
}

int validate_ifname(const char *name)
{
	size_t len = name ? strlen(name) : 0;

	if (len == 0 || len >= 16 || !strcmp(name, ".") || !strcmp(name, ".."))
		return -EINVAL;
	for (size_t i = 0; i < len; i++)
		if (name[i] == '/' || name[i] == ':' || isspace((unsigned char)name[i]))
			return -EINVAL;
	return 0;
}

int validate_bridge_name(const char *name)
{
	/* The name is a directory in bpffs, which refuses any name with a '.'. */
	if (validate_ifname(name) || strchr(name, '.'))
		return -EINVAL;
	return strlen(name) > XB_BRIDGE_NAME_MAX ? -ENAMETOOLONG : 0;
}

/* A decimal in [0, INT_MAX] at s, digits only (sscanf's %d also took a sign
 * and wrapped what int cannot hold); *end: the first byte after it. */
static int parse_release_number(const char *s, const char **end, int *out)
{
	unsigned long v;
	char *e;

	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &e, 10);
	if (errno || v > INT_MAX)
		return -EINVAL;
	*out = (int)v;
	*end = e;
	return 0;
}

int parse_kernel_release(const char *release, int *major, int *minor)
{
	const char *p;

	if (!release || parse_release_number(release, &p, major) || *p != '.' ||
	    parse_release_number(p + 1, &p, minor))
		return -EINVAL;
	return 0;
}

bool kernel_redirects_xdp_frags(int major, int minor)
{
	return major > 6 || (major == 6 && minor >= 12);
}

bool kernel_version_supported(int major, int minor)
{
	return major > XB_MIN_KERNEL_MAJOR ||
	       (major == XB_MIN_KERNEL_MAJOR && minor >= XB_MIN_KERNEL_MINOR);
}
