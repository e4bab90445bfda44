#!/usr/bin/env bash
# shellcheck disable=SC2317,SC2046,SC2016,SC2015  # indirect calls, split port lists, eval'd strings
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
fault_loop_pid() {
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
	apid=$(fault_loop_pid "$BR")
	bpid=$(fault_loop_pid "$BR2")
	[ "$apid" -gt 0 ] && [ "$bpid" -gt 0 ] || fail "no control loops: $apid $bpid"
	log "kill -KILL $apid (loop of $BR); its pid file now names $bpid, the loop of $BR2"
	kill -KILL "$apid"
	wait_for 3 eval '! kill -0 "$apid" 2>/dev/null' || fail "loop $apid survived SIGKILL"
	echo "$bpid" >"/run/xdpbridge/$BR.pid"
	assert_eq 0 "$(fault_loop_pid "$BR")" "control loop show names for $BR, whose loop was killed"
	must "$XDPBRIDGE" unload "$BR"
	sleep 0.3
	kill -0 "$bpid" 2>/dev/null || fail "unload $BR stopped the loop of $BR2 (pid $bpid)"
	assert_eq "$bpid" "$(fault_loop_pid "$BR2")" "control loop of $BR2 after unload $BR"
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

# ---------------------------------------------------------------- item 12 and Faults: a killed load

# Wait until no xdpbridge process holds the command lock (a janitor
# rolling back a killed load holds it while it works).
command_lock_free() {
	flock -w 10 /run/xdpbridge/lock true
}

# load_killed_at STEP: SIGKILL a fresh load at STEP (the test hook
# XB_FAULT_STEP); it leaves nothing: no pins, XDP or TC program, host
# interface or loop, without any other command cleaning up.
load_killed_at() {
	local step=$1
	xrun env XB_FAULT_STEP="$step" "$XDPBRIDGE" load "$BR" $(ports 1 2) --mode native --detach
	assert_rc 137 "load killed at step $step"
	command_lock_free || fail "the command lock is still held 10 s after the kill at $step"
	assert_nothing_left "$BR" "load SIGKILLed at step $step" $(ports 1 2)
	# And the next load builds it whole.
	must "$XDPBRIDGE" load "$BR" $(ports 1 2) --detach
	assert_ping 1 2
	must "$XDPBRIDGE" unload "$BR"
	assert_nothing_left "$BR" "unload after the load that followed the kill at $step" $(ports 1 2)
}

test_fault_load_killed_at_pin()    { need_xdpbridge; TOPO_V6=0 topo_up 2; load_killed_at pin; }
test_fault_load_killed_at_tc()     { need_xdpbridge; TOPO_V6=0 topo_up 2; load_killed_at tc; }
test_fault_load_killed_at_attach() { need_xdpbridge; TOPO_V6=0 topo_up 2; load_killed_at attach; }
test_fault_load_killed_at_host()   { need_xdpbridge; TOPO_V6=0 topo_up 2; load_killed_at host; }

# Killed once the bridge is whole but before its loop runs: a whole bridge
# stays, forwarding, and the next load adopts it.
test_fault_load_killed_at_loop() {
	need_xdpbridge
	TOPO_V6=0 topo_up 2
	xrun env XB_FAULT_STEP=loop "$XDPBRIDGE" load "$BR" $(ports 1 2) --detach
	assert_rc 137 "load killed at step loop"
	assert_ping 1 2
	must "$XDPBRIDGE" load "$BR" --detach
	grep -q "adopted bridge $BR" <<<"$ERR" || fail "the next load did not adopt: $ERR"
	[ "$(fault_loop_pid "$BR")" -gt 0 ] || fail "no control loop after the adopting load"
	assert_ping 1 2
	must "$XDPBRIDGE" unload "$BR"
	assert_nothing_left "$BR" "unload of the adopted bridge" $(ports 1 2)
}

# Ctrl-C (SIGINT) or SIGTERM in the middle of a load: held back until the
# bridge is whole, then it is rolled back; one line, exit 1, nothing left
# (by the load itself, not by the janitor).
test_fault_load_interrupted() {
	local sig step
	need_xdpbridge
	TOPO_V6=0 topo_up 2
	for sig in INT TERM; do
		for step in pin attach host; do
			xrun env XB_FAULT_STEP=$step XB_FAULT_SIGNAL=$sig "$XDPBRIDGE" load "$BR" $(ports 1 2) --detach
			assert_rc 1 "load with SIG$sig at step $step"
			grep -q "interrupted" <<<"$ERR" || fail "no 'interrupted' line: $ERR"
			[ "$(grep -vc 'forwarding; control loop' "$XB_TMP/err")" = 1 ] ||
				fail "SIG$sig at $step: want one line, got: $ERR"
			assert_nothing_left "$BR" "load with SIG$sig at step $step" $(ports 1 2)
		done
	done
}

# Two loads of one bridge at once: the first (stopped in the middle) wins,
# the second fails with one line once it can see the bridge.
test_fault_two_loads_at_once() {
	local first second
	need_xdpbridge
	need_cmd jq
	TOPO_V6=0 topo_up 2
	XB_FAULT_STEP=attach XB_FAULT_SIGNAL=STOP "$XDPBRIDGE" load "$BR" $(ports 1 2) --detach \
		>"$XB_TMP/first.out" 2>"$XB_TMP/first.err" &
	first=$!
	BG_PIDS+=("$first")
	wait_for 5 eval '[ "$(ps -o stat= -p "$first" | cut -c1)" = T ]' || fail "the first load did not stop at attach"
	"$XDPBRIDGE" load "$BR" $(ports 1 2) --detach >"$XB_TMP/second.out" 2>"$XB_TMP/second.err" &
	second=$!
	BG_PIDS+=("$second")
	sleep 0.5
	kill -CONT "$first"
	wait "$first" || fail "the first load failed: $(cat "$XB_TMP/first.err")"
	wait "$second" && fail "the second load succeeded: $(cat "$XB_TMP/second.err")"
	cat "$XB_TMP/second.err"
	assert_eq 1 "$(nlines "$XB_TMP/second.err")" "lines the second load printed"
	grep -q "already loaded and its control loop runs" "$XB_TMP/second.err" ||
		fail "the second load does not say why: $(cat "$XB_TMP/second.err")"
	assert_ping 1 2
	[ "$(fault_loop_pid "$BR")" -gt 0 ] || fail "no control loop"
}

# ---------------------------------------------------------------- item 13

# A port whose link goes down loses what was learned on it (as the Linux
# bridge does), counted per port in show and stats; static entries stay.
test_fault_carrier_loss_flushes() {
	need_xdpbridge
	need_cmd jq
	TOPO_V6=0 topo_up 2
	br_load $(ports 1 2)
	send_from 2 --dst "$UNUSED_MAC"
	wait_for 2 fdb_has "$(mac 2)" "$(hv 2)" || fail "h2 not learned: $(br_fdb_show)"
	must "$XDPBRIDGE" fdb add "$BR" 02:00:00:00:01:77 "$(hv 2)"
	must ip -n "$(ns 2)" link set eth0 down
	wait_for 5 eval '! fdb_has "$(mac 2)" "$(hv 2)"' ||
		fail "h2 still learned on $(hv 2) 5 s after its link went down: $(br_fdb_show)"
	fdb_has 02:00:00:00:01:77 "$(hv 2)" || fail "the static entry went with the carrier"
	must "$XDPBRIDGE" -j stats "$BR"
	assert_eq 1 "$(jq -r --arg p "$(hv 2)" '.[] | select(.ifname == $p) | .carrier_flushes' <<<"$OUT")" \
		"stats -j: carrier_flushes of $(hv 2)"
	must "$XDPBRIDGE" show "$BR"
	grep -q "port $(hv 2) .*carrier_flushes 1" <<<"$OUT" || fail "show does not count the flush: $OUT"
	must ip -n "$(ns 2)" link set eth0 up
	assert_ping 1 2
}

# A native port whose driver cannot take XDP redirects (no ndo_xdp_xmit; a
# veth whose peer runs neither XDP nor GRO, as the netdev family says on
# kernels >= 6.3): frames to it take the skb path instead of being dropped by
# the kernel, and load says so once, with the fix. Before: every unicast and
# flood for h2 vanished.
test_fault_native_port_without_xdp_xmit() {
	need_xdpbridge
	need_cmd genl
	genl ctrl list 2>/dev/null | grep -q 'Name: netdev$' ||
		skip "no netdev generic-netlink family (kernel < 6.3): XDP features unknown"
	TOPO_V6=0 topo_up 2
	must nsx 2 ethtool -K eth0 gro off
	must "$XDPBRIDGE" load "$BR" $(ports 1 2) --mode native --detach
	assert_eq 1 "$(grep -c "$(hv 2)" "$XB_TMP/err")" "warning lines about $(hv 2)"
	grep -q "fix: .*ethtool -K eth0 gro on" "$XB_TMP/err" || fail "the warning names no fix: $ERR"
	send_from 2 --dst "$UNUSED_MAC"
	wait_for 2 fdb_has "$(mac 2)" "$(hv 2)" || fail "h2 not learned: $(br_fdb_show)"
	recv_start r2 2 --src "$(mac 1)" --dst "$(mac 2)"
	send_from 1 --dst "$(mac 2)" --count 10
	assert_recv r2 10 "unicast h1 -> h2 (native port without XDP transmit), at h2"
	recv_start r2b 2 --src "$(mac 1)" --dst ff:ff:ff:ff:ff:ff
	send_from 1 --dst ff:ff:ff:ff:ff:ff --count 5
	assert_recv r2b 5 "broadcast from h1, at h2"
	assert_ping 1 2
}

# ---------------------------------------------------------------- Faults: the system changes under a bridge

# bpffs unmounted under a running bridge (in a private mount namespace with
# its own bpffs, so the pins really go): the control loop notices, removes
# what holds no pin (TC filters, host interface), says so in one line and
# exits; nothing is left.
test_fault_bpffs_unmounted_under_loop() {
	local script
	need_xdpbridge
	need_cmd unshare mountpoint
	TOPO_V6=0 topo_up 2
	# shellcheck disable=SC2016
	script='
		while mountpoint -q /sys/fs/bpf; do umount /sys/fs/bpf || exit 3; done
		"$0" load "$1" "$2" "$3" 2>"$4" & lpid=$!
		for i in $(seq 50); do [ -e "/sys/fs/bpf/xdpbridge/$1/fdb" ] && grep -q forwarding "$4" && break; sleep 0.1; done
		[ -e "/sys/fs/bpf/xdpbridge/$1/fdb" ] || { echo "no pins"; exit 4; }
		umount /sys/fs/bpf || exit 5
		for i in $(seq 50); do kill -0 $lpid 2>/dev/null || break; sleep 0.1; done
		kill -0 $lpid 2>/dev/null && { echo "loop still runs"; kill -KILL $lpid; exit 6; }
		wait $lpid; echo "loop_rc=$?"
		exit 0'
	xrun unshare -m --propagation private bash -c "$script" "$XDPBRIDGE" "$BR" "$(hv 1)" "$(hv 2)" "$XB_TMP/loop.err"
	[ "$RC" -eq 0 ] || fail "bpffs unmount under a loop: rc $RC ($OUT)"
	cat "$XB_TMP/loop.err"
	grep -q "^loop_rc=0$" <<<"$OUT" || fail "the loop did not exit cleanly: $OUT"
	assert_eq 1 "$(grep -c 'bpffs was unmounted' "$XB_TMP/loop.err")" "lines saying bpffs was unmounted"
	assert_nothing_left "$BR" "bpffs unmounted under the loop" $(ports 1 2)
}

# `port del` of a port whose interface is being deleted (gone by the time
# the command runs, the loop not yet past it): one line or success, and
# the port is gone either way.
test_fault_port_del_of_vanishing_iface() {
	need_xdpbridge
	TOPO_V6=0 topo_up 3
	br_load $(ports 1 2 3)
	ip link del dev "$(hv 3)" &
	xrun "$XDPBRIDGE" port del "$BR" "$(hv 3)"
	wait
	if [ "$RC" != 0 ]; then
		assert_rc 1 "port del of a vanishing interface"
		assert_one_stderr_line "port del of a vanishing interface"
	fi
	wait_for 5 eval '! "$XDPBRIDGE" show "$BR" | grep -q "port $(hv 3) "' ||
		fail "show still lists $(hv 3): $("$XDPBRIDGE" show "$BR")"
	assert_ping 1 2
}

# ---------------------------------------------------------------- Faults: the FDB full

# h3 sends from N new source MACs (02:f2:00:00:HH:LL), one broadcast each.
fdb_fill_from_h3() {   # N: broadcasts from N new source MACs 02:f2:00:HH:HH:HH
	must nsx 3 "$XBPKT" send eth0 --src 02:f2:00:00:00:00 --src-count "$1" --count "$1" \
		--dst ff:ff:ff:ff:ff:ff --ethertype "$ETYPE"
}

# An LRU FDB never refuses a station: full means it evicts learned stations
# to learn new ones, or the learned count is at the bridge's max-learned.
# Either way the control loop says so in one line, `show` says
# "fdb_full evicting|max_learned", `monitor` gets a limit_hit event, and
# the stations that keep talking keep forwarding. Before: nothing said it.
test_fault_fdb_full() {
	local loop n
	need_xdpbridge
	need_cmd jq
	TOPO_V6=0 topo_up 3
	# Sweeps every 6 s (a tenth of the ageing time): the loop checks after each.
	# 4096 entries: before 6.16 a full LRU map evicts min(128, size / (2 x
	# CPUs)) entries at a time; in a map of 64 that is a quarter of it, and
	# "full" would come and go with each eviction.
	bg loop "$XDPBRIDGE" load "$BR" $(ports 1 2 3) --fdb-size 4096 --ageing 60 ${XB_MODE:+--mode "$XB_MODE"}
	loop=$BG_LAST
	wait_for 10 eval '"$XDPBRIDGE" show "$BR" 2>/dev/null | grep -q "control_pid $loop"' ||
		fail "no control loop: $(cat "$XB_TMP/bg.loop")"
	# Without a port limit, one port can fill the FDB (its default: a quarter).
	must "$XDPBRIDGE" port set "$BR" "$(hv 3)" max-learned 0
	bg mon "$XDPBRIDGE" monitor "$BR"
	sleep 0.5
	send_from 1 --dst "$UNUSED_MAC"
	send_from 2 --dst "$UNUSED_MAC"
	wait_for 2 fdb_has "$(mac 2)" "$(hv 2)" || fail "h2 not learned: $(br_fdb_show)"
	fdb_fill_from_h3 6000
	wait_for 20 grep -q "FDB full" "$XB_TMP/bg.loop" ||
		fail "the loop did not say the FDB is full: $(cat "$XB_TMP/bg.loop")"
	cat "$XB_TMP/bg.loop"
	assert_eq 1 "$(grep -c "FDB full" "$XB_TMP/bg.loop")" "lines saying the FDB is full"
	grep -q "fix: .*--fdb-size" "$XB_TMP/bg.loop" || fail "the line names no fix"
	must "$XDPBRIDGE" show "$BR"
	grep -q " fdb_full evicting " <<<"$OUT" || fail "show does not say the FDB is full: $OUT"
	must "$XDPBRIDGE" -j show "$BR"
	assert_eq evicting "$(jq -r '.[0].fdb_full' <<<"$OUT")" "show -j: fdb_full"
	wait_for 2 grep -q "entries learned, full master $BR" "$XB_TMP/bg.mon" ||
		fail "monitor got no limit_hit event: $(grep -v learned "$XB_TMP/bg.mon" | tail -n 5)"
	# Stations that talk are learned back (an evicted one floods until then).
	# A full LRU evicts a batch at a time, so learning h1 back may evict h2
	# and the reverse: talk until both are in (the LRU passes over entries
	# looked up lately).
	for n in 1 2 3 4 5; do
		assert_ping 1 2
		fdb_has "$(mac 1)" "$(hv 1)" && fdb_has "$(mac 2)" "$(hv 2)" && break
	done
	fdb_has "$(mac 1)" "$(hv 1)" && fdb_has "$(mac 2)" "$(hv 2)" ||
		fail "h1 and h2 not both learned back after 5 pings: $(br_fdb_show)"
	recv_start r2 2 --src "$(mac 1)" --dst "$(mac 2)"
	recv_start r3 3 --src "$(mac 1)" --dst "$(mac 2)"
	send_from 1 --dst "$(mac 2)" --count 10
	assert_recv r2 10 "h1 -> h2 with the FDB full, at h2"
	assert_recv r3 0 "h1 -> h2 with the FDB full, at h3"

	# The bridge's max-learned: said first while at it; once lifted, the
	# LRU is still full; a flush ends it.
	n=$("$XDPBRIDGE" show "$BR" | sed -n 's/.* learned \([0-9]*\) .*/\1/p')
	must "$XDPBRIDGE" set "$BR" max-learned "$((n / 2))"
	wait_for 20 grep -q "FDB full: .*max-learned" "$XB_TMP/bg.loop" ||
		fail "the loop did not say the FDB is at max-learned: $(cat "$XB_TMP/bg.loop")"
	must "$XDPBRIDGE" show "$BR"
	grep -q " fdb_full max_learned " <<<"$OUT" || fail "show does not say the FDB is at max-learned: $OUT"
	must "$XDPBRIDGE" set "$BR" max-learned 0
	wait_for 20 eval '"$XDPBRIDGE" show "$BR" | grep -q " fdb_full evicting "' ||
		fail "show does not say the LRU is full again after max-learned 0: $("$XDPBRIDGE" show "$BR")"
	must "$XDPBRIDGE" fdb flush "$BR"
	wait_for 20 grep -q "FDB no longer full" "$XB_TMP/bg.loop" ||
		fail "the loop did not say the FDB has room again: $(cat "$XB_TMP/bg.loop")"
	must "$XDPBRIDGE" show "$BR"
	grep -q "fdb_full" <<<"$OUT" && fail "show still says full after a flush: $OUT"
	kill -0 "$loop" 2>/dev/null || fail "the control loop died: $(cat "$XB_TMP/bg.loop")"
	assert_ping 1 2
}
