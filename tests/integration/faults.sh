#!/usr/bin/env bash
# shellcheck disable=SC2317,SC2046  # tests are called indirectly; port lists split on purpose
# Faults and operational hardening (issue 10, items 10-14 and "Faults"): a
# killed or interrupted load, two loads at once, interfaces renamed or
# deleted under the bridge, bpffs unmounted under it, a full FDB, and the
# per-bridge lock. Every test leaves a clear state and prints one line.
# Sourced by run.sh; run these alone with
#   flock /tmp/xb-integration.lock ./tests/integration/run.sh test_fault

# ---------------------------------------------------------------- item 14

# Another bridge's registry with values larger than ours (an xdpbridge of
# another version): the ownership check reads keys only, and still finds
# the port there. Before: its values were read into our struct, past it.
test_fault_owner_check_other_layout() {
	need_xdpbridge
	need_cmd bpftool
	topo_up 1
	must mkdir -p "$PIN_ROOT/$BR2"
	must bpftool map create "$PIN_ROOT/$BR2/port_info" type hash key 4 value 65536 entries 4 name port_info
	# shellcheck disable=SC2046
	must bpftool map update pinned "$PIN_ROOT/$BR2/port_info" \
		key $(printf '%d %d %d %d' $(( $(ifx "$(hv 1)") & 255 )) $(( $(ifx "$(hv 1)") >> 8 & 255 )) 0 0) \
		value $(printf '0xff %.0s' $(seq 65536))
	bad_input 1 "load with a port in a registry of another layout" \
		"$XDPBRIDGE" load "$BR" "$(hv 1)" --detach
	grep -q "already a port of xdpbridge $BR2" <<<"$ERR" || fail "the error does not name $BR2: $ERR"
	assert_nothing_left "$BR" "load refused for a port of $BR2" "$(hv 1)"
	rm -rf "${PIN_ROOT:?}/$BR2"
}

# A '.' passes the interface-name rules but bpffs refuses it: refused at
# parse time, with the rule, before anything is created.
test_fault_bridge_name_with_dot() {
	need_xdpbridge
	topo_up 1
	bad_input 2 "load of a bridge named with a '.'" "$XDPBRIDGE" load "x.$RUN_ID" "$(hv 1)" --detach
	grep -q "none of '.'" <<<"$ERR" || fail "the error does not give the rule: $ERR"
	! is_attached "$(hv 1)" || fail "a refused load attached $(hv 1)"
	bad_input 2 "load --fdb-size 2^26" "$XDPBRIDGE" load "$BR" "$(hv 1)" --fdb-size 67108864 --detach
	grep -q "bytes of kernel memory" <<<"$ERR" || fail "the error does not say what an entry costs: $ERR"
}
