// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Operational limits (issue 10, item 14): names bpffs takes, the FDB cap. */
#include <errno.h>
#include <string.h>
#include <criterion/criterion.h>

#include "args.h"
#include "config.h"
#include "parse.h"

Test(ops, bridge_names_bpffs_refuses)
{
	cr_assert_eq(validate_bridge_name("br.0"), -EINVAL, "a '.' passes, then mkdir in bpffs fails");
	cr_assert_eq(validate_bridge_name("."), -EINVAL, "dot");
	cr_assert_eq(validate_bridge_name("br0."), -EINVAL, "trailing dot");
	cr_assert_eq(validate_bridge_name("a/b"), -EINVAL, "slash");
	cr_assert_eq(validate_bridge_name("br-0_x"), 0, "dash and underscore are fine");
}

Test(ops, fdb_size_capped)
{
	struct arg_value v;
	char why[256] = "";

	cr_assert_eq(arg_check(&spec_fdb_size, "4194304", &v, why, sizeof(why)), 0, "2^22 fits: %s", why);
	cr_assert_eq(v.u32, 1U << 22);
	cr_assert_neq(arg_check(&spec_fdb_size, "4194305", &v, why, sizeof(why)), 0,
		      "above 2^22 (~540 MB of maps) is refused");
	cr_assert(strstr(why, "between 1 and 4194304") && strstr(why, "bytes of kernel memory"),
		  "the error says the cap and the memory: %s", why);
	cr_assert_neq(arg_check(&spec_fdb_size, "67108864", &v, why, sizeof(why)), 0,
		      "2^26 (~8.6 GB) is refused");
}
