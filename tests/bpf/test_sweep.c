// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The ageing sweep the control loop runs in the kernel (fdb_age over the
 * index, fdb_age_full over the whole FDB): what it removes, what it keeps,
 * and how it repairs the index.
 * The bridge under test: fixture.h.
 */
#include <bpf/bpf.h>

#include "fixture.h"
#include "xdpbridge.skel.h"

XB_SUITE(sweep);

Test(sweep, ageing_sweep_removes_only_expired_learned_entries)
{
	static const xb_mac_t MAC_E = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x03 };
	struct xdpbridge_bpf *ager;
	struct xb_fdb_entry e;
	int removed;

	/* Ageing 10 s: a 300 s one would need a machine up for 300 s (ago()). */
	set_config(10 * NS_PER_SEC, 1);
	fdb_put(MAC_D, port[B], ago(11 * NS_PER_SEC));			/* expired */
	fdb_put(MAC_S, port[A], ago(5 * NS_PER_SEC));			/* 5 s to live */
	fdb_put(MAC_E, port[C], now_coarse() + 20 * NS_PER_MS);	/* stamped "in the future" */
	static_put(MAC_U, port[C]);					/* statics never age */

	ager = ager_open();
	removed = fdb_age(ager);
	cr_assert_eq(removed, 1, "one expired entry removed, got %d", removed);
	cr_assert_eq(fdb_get(MAC_D, &e), -ENOENT, "the expired entry must be gone");
	cr_assert_eq(fdb_get(MAC_S, &e), 0, "the live entry must stay");
	cr_assert_eq(fdb_get(MAC_E, &e), 0, "an entry stamped in the future must stay (just seen, not expired)");
	cr_assert_eq(ager->bss->sweep_seen, 3, "the sweep visits every learned entry's record, seen %u",
		     ager->bss->sweep_seen + 0);
	cr_assert_eq(age_records_used(), 2, "the removed entry's record is free again, %u in use",
		     age_records_used());

	set_config(4 * NS_PER_SEC, 1);					/* `set ageing 4` */
	removed = fdb_age(ager);
	cr_assert_eq(removed, 1, "a shorter ageing time applies at the next sweep, removed %d", removed);
	cr_assert_eq(fdb_get(MAC_S, &e), -ENOENT, "the 5 s old entry is gone with ageing 4 s");
	xdpbridge_bpf__destroy(ager);
}

Test(sweep, sweep_frees_orphan_records_and_resyncs_refreshed_ones)
{
	struct xdpbridge_bpf *ager;
	struct xb_fdb_key key = fdb_key(MAC_D);
	struct xb_fdb_entry e;
	int removed, err;

	set_config(10 * NS_PER_SEC, 0);
	fdb_put(MAC_D, port[B], ago(11 * NS_PER_SEC));
	fdb_put(MAC_S, port[A], ago(11 * NS_PER_SEC));
	/* D's entry goes (as an LRU eviction or flush would), its record stays;
	 * S's entry was refreshed after its record (the record lags). */
	err = bpf_map_delete_elem(test_br.fdb_fd, &key) ? -errno : 0;
	cr_assert_eq(err, 0, "deleting D from fdb must succeed: %s", strerror(-err));
	fdb_put_raw(MAC_S, port[A], ago(1 * NS_PER_SEC));

	ager = ager_open();
	removed = fdb_age(ager);
	cr_assert_eq(removed, 0, "nothing to delete (D is gone, S is live), removed %d", removed);
	cr_assert_eq(fdb_get(MAC_S, &e), 0, "live S must stay");
	assert_record_of(MAC_S, "S's record took the entry's time");
	cr_assert_eq(age_records_used(), 1, "D's orphan record is free, %u in use", age_records_used());
	xdpbridge_bpf__destroy(ager);
}

Test(sweep, full_table_leaves_entries_to_the_full_walk)
{
	struct xdpbridge_bpf *ager;
	struct xb_fdb_entry e;
	__u32 untracked;
	int removed;

	set_config(10 * NS_PER_SEC, 0);
	untracked = get_sync().age_untracked;
	age_records_fill(now_coarse());			/* every record a live station's */
	send_frame(port[A], MAC_BCAST, MAC_S);
	cr_assert_eq(fdb_get(MAC_S, &e), 0, "S must be learned even with the index full");
	cr_assert_eq(e.age_slot, XB_AGE_NONE, "no record left for S, got %u", e.age_slot);
	cr_assert_eq(get_sync().age_untracked, untracked + 1,
		     "age_untracked %u, want %u: the data path reports the untracked entry",
		     get_sync().age_untracked, untracked + 1);

	fdb_put_raw(MAC_S, port[A], ago(11 * NS_PER_SEC));
	ager = ager_open();
	removed = fdb_age(ager);
	cr_assert_eq(removed, 0, "the index sweep cannot see S, removed %d", removed);
	removed = fdb_age_full(ager);
	cr_assert_eq(removed, 1, "the full walk removes expired S, removed %d", removed);
	cr_assert_eq(fdb_get(MAC_S, &e), -ENOENT, "expired S must be gone after the full walk");
	xdpbridge_bpf__destroy(ager);
}
