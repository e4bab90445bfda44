// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The loader's readers on an empty bridge: no FDB entry, no port. Found by the
 * integration suite run with the ASan + UBSan build (`monitor` aborted in
 * fdb_dump): qsort() was handed the NULL of an empty list, which C leaves
 * undefined. The sanitized BPF suite (make test) runs these again.
 * The bridge under test: fixture.h.
 */
#include <stdlib.h>
#include <unistd.h>

#include "fixture.h"
#include "port.h"

XB_SUITE(empty);

Test(empty, fdb_dump_of_an_empty_fdb)
{
	struct fdb_row *rows = (struct fdb_row *)1;
	size_t n = 99;
	int err;

	err = fdb_dump(&test_br, &rows, &n);
	cr_assert_eq(err, 0, "fdb_dump of an empty FDB must succeed: %s", strerror(-err));
	cr_assert_eq(n, 0, "no rows, got %zu", n);
	free(rows);
}

Test(empty, port_rows_of_a_bridge_without_ports)
{
	struct port_row *rows = NULL;
	char spare[IF_NAMESIZE];
	size_t n = 99;
	int err;

	for (int i = 0; i < NPORTS; i++)
		cr_assert_eq(port_remove(&test_br, (__u32)port[i]), 0, "port_remove(%s)", port_name[i]);
	snprintf(spare, sizeof(spare), "xbt%dz0", (int)getpid());	/* fixture.c's spare port */
	cr_assert_eq(port_remove(&test_br, if_nametoindex(spare)), 0, "port_remove(%s)", spare);
	err = port_rows_read(&test_br, &rows, &n);
	cr_assert_eq(err, 0, "port_rows_read without ports must succeed: %s", strerror(-err));
	cr_assert_eq(n, 0, "no rows, got %zu", n);
	free(rows);
}
