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

# ---------------------------------------------------------------- item 10

# Renaming a port's interface keeps the port (same ifindex, same programs):
# the control loop follows the new name instead of removing the port.
test_fault_port_renamed() {
	local new=${PFX}u
	need_xdpbridge
	TOPO_V6=0 topo_up 2
	br_load $(ports 1 2)
	assert_ping 1 2
	must ip link set dev "$(hv 2)" down
	must ip link set dev "$(hv 2)" name "$new"
	must ip link set dev "$new" up
	wait_for 5 eval '"$XDPBRIDGE" show "$BR" | grep -q "port $new "' ||
		fail "show does not list the renamed port $new after 5 s: $("$XDPBRIDGE" show "$BR")"
	must "$XDPBRIDGE" show "$BR"
	! grep -q "port $(hv 2) " <<<"$OUT" || fail "show still lists the old name $(hv 2): $OUT"
	must "$XDPBRIDGE" stats "$BR"
	grep -q "$new" <<<"$OUT" || fail "stats does not print the new name $new: $OUT"
	is_attached "$new" || fail "the renamed port lost its program"
	assert_ping 1 2
	# And a deleted port still goes.
	must ip link del dev "$new"
	wait_for 5 eval '! "$XDPBRIDGE" show "$BR" | grep -q "port $new "' ||
		fail "show still lists deleted port $new after 5 s"
}
