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

# ---------------------------------------------------------------- item 11

# Pid of the control loop of bridge $1 (the process holding its lock).
loop_pid() {
	"$XDPBRIDGE" -j show "$1" 2>/dev/null | jq -r '.[0].control_pid // 0'
}

# A stale pid file of bridge A naming bridge B's loop (a reused pid whose
# name starts with xdpbridge): unload A must not stop B's loop. Running is
# decided by A's lock, which nobody holds.
test_fault_unload_spares_other_loop() {
	local apid bpid
	need_xdpbridge
	need_cmd jq
	TOPO_V6=0 topo_up 2
	must "$XDPBRIDGE" load "$BR" "$(hv 1)" --no-host-port --detach
	must "$XDPBRIDGE" load "$BR2" "$(hv 2)" --no-host-port --detach
	apid=$(loop_pid "$BR")
	bpid=$(loop_pid "$BR2")
	[ "$apid" -gt 0 ] && [ "$bpid" -gt 0 ] || fail "no control loops: $apid $bpid"
	log "kill -KILL $apid (loop of $BR); its pid file now names $bpid, the loop of $BR2"
	kill -KILL "$apid"
	wait_for 3 eval '! kill -0 "$apid" 2>/dev/null' || fail "loop $apid survived SIGKILL"
	echo "$bpid" >"/run/xdpbridge/$BR.pid"
	assert_eq 0 "$(loop_pid "$BR")" "control loop show names for $BR, whose loop was killed"
	must "$XDPBRIDGE" unload "$BR"
	sleep 0.3
	kill -0 "$bpid" 2>/dev/null || fail "unload $BR stopped the loop of $BR2 (pid $bpid)"
	assert_eq "$bpid" "$(loop_pid "$BR2")" "control loop of $BR2 after unload $BR"
	must "$XDPBRIDGE" unload "$BR2"
	! kill -0 "$bpid" 2>/dev/null || wait_for 2 eval '! kill -0 "$bpid" 2>/dev/null' ||
		fail "unload $BR2 left its loop $bpid"
}

# Run-time files: never written through a symlink, 0644 at most whatever
# the umask.
test_fault_run_files_safe() {
	local target=$XB_TMP/target mode
	need_xdpbridge
	TOPO_V6=0 topo_up 1
	mkdir -p /run/xdpbridge
	echo keep >"$target"
	ln -s "$target" "/run/xdpbridge/$BR.pid"
	bad_input 1 "load with its pid file a symlink" "$XDPBRIDGE" load "$BR" "$(hv 1)" --no-host-port --detach
	rm -f "/run/xdpbridge/$BR.pid"
	assert_eq keep "$(cat "$target")" "the symlink's target after load"
	assert_nothing_left "$BR" "load refused for a symlinked pid file" "$(hv 1)"
	xrun bash -c "umask 0; exec \"$XDPBRIDGE\" load $BR $(hv 1) --no-host-port --detach"
	assert_rc 0 "load with umask 0"
	for f in "$BR.pid" "$BR.lock"; do
		mode=$(stat -c %a "/run/xdpbridge/$f")
		assert_eq 644 "$mode" "mode of /run/xdpbridge/$f under umask 0"
	done
}
