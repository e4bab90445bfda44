# shellcheck shell=bash
# shellcheck disable=SC2317,SC2046  # tests are called indirectly; port lists split on purpose
# Issue 13: the bridge file (load --config), auto-ports (interfaces that join
# as they appear, taps opened the way libvirt opens a guest's), and `monitor`.
# Sourced by run.sh. Besides what run.sh needs: python3
# (tests/tools/tapguest.py: a tap with a tiny ARP/ICMP "guest" behind it).

TAPGUEST=${TAPGUEST:-$XB_TOP/tests/tools/tapguest.py}
VNET=vnet-$RUN_ID-	# auto-port names, as libvirt's <target dev='vnet-...'/>
GUEST_IP=203.0.113.150
GUEST_MAC=02:00:00:00:03:01

# guest_start NAME TAP: a "guest" on tap TAP (gone when its process is killed).
guest_start() {
	local name=$1 tap=$2 i
	rm -f "$XB_TMP/guest.$name.ready"
	bg "guest.$name" python3 "$TAPGUEST" "$tap" "$GUEST_MAC" "$GUEST_IP" --ready-file "$XB_TMP/guest.$name.ready"
	GUEST_PID=$BG_LAST
	for ((i = 0; i < 50; i++)); do
		[ -e "$XB_TMP/guest.$name.ready" ] && return 0
		kill -0 "$GUEST_PID" 2>/dev/null || break
		sleep 0.1
	done
	fail "guest on $tap did not start: $(cat "$XB_TMP/bg.guest.$name")"
}

is_port() {   # IFNAME: is it a port of $BR now?
	"$XDPBRIDGE" -j show "$BR" 2>/dev/null | jq -e --arg p "$1" '.[0].ports | map(.ifname) | index($p)' >/dev/null
}

not_port() { ! is_port "$1"; }
not_running() { ! kill -0 "$1" 2>/dev/null; }

# The control loop's pid (from its pid file).
loop_pid() { cat "/run/xdpbridge/$BR.pid" 2>/dev/null; }

# Does the monitor's JSON log hold an event matching the jq filter?
has_event() {   # FILE JQ_FILTER
	jq -e -s "map(select($2)) | length > 0" "$1" >/dev/null 2>&1
}

assert_event() {   # FILE JQ_FILTER WHAT
	wait_for 8 has_event "$1" "$2" || fail "monitor: no event $2 ($3); got: $(tr '\n' ' ' <"$1")"
	log "ok: monitor: $3: $(jq -c -s "map(select($2))[0]" "$1")"
}

test_config_load() {
	local conf=$XB_TMP/$BR.conf j
	need_xdpbridge
	need_cmd jq
	TOPO_V6=0 topo_up 3
	cat >"$conf" <<-CONF
	# a bridge file as /etc/xdpbridge/$BR.conf would hold it
	ports $(hv 1) $(hv 2)
	ageing 77          # seconds
	fdb-size 1024
	max-ports 16
	mode native
	port $(hv 2) mode generic
	fdb 02:00:00:00:01:99 $(hv 1)
	CONF
	# The command line adds a port and overrides the ageing.
	must "$XDPBRIDGE" load "$BR" --config "$conf" "$(hv 3)" --ageing 33 --detach
	assert_ping 1 2
	assert_ping 3 1
	must "$XDPBRIDGE" -j show "$BR"
	j=$OUT
	assert_eq 33 "$(jq -r '.[0].ageing' <<<"$j")" "ageing: the command line's over the file's"
	assert_eq 1024 "$(jq -r '.[0].fdb_size' <<<"$j")" "fdb-size from the file"
	assert_eq 16 "$(jq -r '.[0].max_ports' <<<"$j")" "max-ports from the file"
	assert_eq "$(printf '%s\n' "$(hv 1)" "$(hv 2)" "$(hv 3)" "$BR-p" | sort | tr '\n' ' ')" \
		"$(jq -r '.[0].ports[].ifname' <<<"$j" | sort | tr '\n' ' ')" "ports: the file's and the command line's"
	ip -d link show dev "$(hv 2)" | grep -q xdpgeneric || fail "port $(hv 2): 'port ... mode generic' not applied: $(ip -d link show dev "$(hv 2)" | grep -i xdp)"
	ip -d link show dev "$(hv 1)" | grep -q 'xdp ' || ip -d link show dev "$(hv 1)" | grep -q xdpdrv ||
		fail "port $(hv 1): not in native mode: $(ip -d link show dev "$(hv 1)" | grep -i xdp)"
	log "ok: per-port modes"
	must "$XDPBRIDGE" fdb show "$BR"
	grep -q "^02:00:00:00:01:99 dev $(hv 1) master $BR static" <<<"$OUT" ||
		fail "static entry from the file missing: $OUT"
	log "ok: static entry installed"
}

test_config_bad_changes_nothing() {
	local conf=$XB_TMP/$BR.conf
	need_xdpbridge
	TOPO_V6=0 topo_up 2
	printf 'ports %s %s\n# fine so far\nageing 3x\n' "$(hv 1)" "$(hv 2)" >"$conf"
	bad_input 2 "syntax error in the file" "$XDPBRIDGE" load "$BR" --config "$conf" --detach
	[[ $ERR == *"$conf:3: ageing takes seconds between 1 and 1000000, not '3x'"* ]] ||
		fail "message should name $conf:3 and the reason: $ERR"
	assert_nothing_left "$BR" "syntax error" "$(hv 1)" "$(hv 2)"
	printf 'ports %s\nfdb 02:00:00:00:01:99 %s\n' "$(hv 1)" "$(hv 2)" >"$conf"
	bad_input 2 "fdb line naming a non-port" "$XDPBRIDGE" load "$BR" --config "$conf" --detach
	[[ $ERR == *"$conf:2: fdb: $(hv 2) is not a port"* ]] || fail "message should name line 2: $ERR"
	assert_nothing_left "$BR" "fdb on a non-port" "$(hv 1)"
	# Well-formed, but the system says no: a port that does not exist (exit 1).
	printf 'ports %s %s\nauto-port %s*\n' "$(hv 1)" "${PFX}h9" "$VNET" >"$conf"
	bad_input 1 "missing interface" "$XDPBRIDGE" load "$BR" --config "$conf" --detach
	assert_nothing_left "$BR" "missing interface" "$(hv 1)"
	bad_input 1 "unreadable file" "$XDPBRIDGE" load "$BR" --config "$XB_TMP/nonexistent.conf"
	assert_nothing_left "$BR" "unreadable file" "$(hv 1)"
}

# A tap opened as libvirt opens a guest's joins by its name, traffic flows,
# and it leaves when its process (qemu) goes; the pattern survives a restart
# of the control loop; a matching interface that cannot be a port is skipped
# and the loop keeps going. `monitor -j` sees it all.
test_auto_port_taps() {
	local mon=$XB_TMP/monitor.json pid n lbr=${VNET}b
	need_xdpbridge
	need_cmd jq python3
	[ -c /dev/net/tun ] || skip "no /dev/net/tun"
	TOPO_V6=0 topo_up 1
	# Native: a default (per-type) mode would attach the Linux bridge below in tc.
	must "$XDPBRIDGE" load "$BR" "$(hv 1)" --auto-port "${VNET}*" --mode native --ageing 2 --detach
	bg monitor "$XDPBRIDGE" monitor "$BR" -j
	mon=$XB_TMP/bg.monitor
	sleep 0.5
	guest_start g0 "${VNET}0"
	wait_for 5 is_port "${VNET}0" || fail "tap ${VNET}0 did not join bridge $BR"
	log "ok: ${VNET}0 joined"
	n=$(nsx 1 ping -4 -n -q -c 3 -i 0.2 -W 1 "$GUEST_IP" | sed -n 's/.* \([0-9]\+\) received.*/\1/p')
	assert_eq 3 "${n:-0}" "ping h1 -> guest on ${VNET}0, replies"
	assert_event "$mon" ".event == \"port_added\" and .ifname == \"${VNET}0\" and .master == \"$BR\"" "auto-port added"
	assert_event "$mon" ".event == \"learned\" and .mac == \"$GUEST_MAC\" and .ifname == \"${VNET}0\"" "guest MAC learned"
	assert_event "$mon" ".event == \"aged\" and .mac == \"$GUEST_MAC\"" "guest MAC aged (--ageing 2)"
	kill "$GUEST_PID"
	wait_for 5 not_port "${VNET}0" || fail "tap ${VNET}0 went, but is still a port"
	assert_event "$mon" ".event == \"port_removed\" and .ifname == \"${VNET}0\"" "port removed"

	# A matching Linux bridge cannot take native XDP (the bridge's mode): skipped, loop goes on.
	must ip link add "$lbr" type bridge
	assert_event "$mon" ".event == \"port_skipped\" and .ifname == \"$lbr\"" "unusable match skipped"
	must ip link del "$lbr"
	kill -0 "$(loop_pid)" 2>/dev/null || fail "control loop died after the skipped interface"

	# Restart the loop: the pattern lives in the pinned state.
	pid=$(loop_pid)
	must kill -TERM "$pid"
	wait_for 5 not_running "$pid" || fail "control loop $pid did not stop"
	must "$XDPBRIDGE" load "$BR" --detach
	guest_start g1 "${VNET}1"
	wait_for 5 is_port "${VNET}1" || fail "after a control-loop restart, tap ${VNET}1 did not join"
	# g1 reuses g0's address and MAC on another port: resolve it afresh (1 run in 4
	# lost the first ping without this; cause not pinned down, see the stop note).
	nsx 1 ip neigh flush all
	n=$(nsx 1 ping -4 -n -q -c 3 -i 0.2 -W 1 "$GUEST_IP" | sed -n 's/.* \([0-9]\+\) received.*/\1/p')
	assert_eq 3 "${n:-0}" "ping h1 -> guest on ${VNET}1 after the restart, replies"
	# fdb flush reaches monitors through the loop.
	must "$XDPBRIDGE" fdb flush "$BR"
	assert_event "$mon" ".event == \"flushed\" and .master == \"$BR\"" "flush"
	kill "$GUEST_PID"
	wait_for 5 not_port "${VNET}1" || fail "tap ${VNET}1 went, but is still a port"
}

# MAC flapping: a station seen on one port, then on another.
test_monitor_moved() {
	local mon
	need_xdpbridge
	need_cmd jq
	TOPO_V6=0 topo_up 2
	br_load $(ports 1 2)
	bg monitor "$XDPBRIDGE" -j monitor "$BR"
	mon=$XB_TMP/bg.monitor
	sleep 0.5
	send_from 1 --dst "$UNUSED_MAC" --src 02:00:00:00:01:77
	assert_event "$mon" '.event == "learned" and .mac == "02:00:00:00:01:77"' "learned on h1"
	send_from 2 --dst "$UNUSED_MAC" --src 02:00:00:00:01:77
	assert_event "$mon" ".event == \"moved\" and .mac == \"02:00:00:00:01:77\" and .ifname == \"$(hv 2)\" and .old_ifname == \"$(hv 1)\"" "moved h1 -> h2"
	# Carrier: h1's end goes down, then up again.
	must ip -n "$(ns 1)" link set eth0 down
	assert_event "$mon" ".event == \"port_down\" and .ifname == \"$(hv 1)\"" "carrier lost on $(hv 1)"
	must ip -n "$(ns 1)" link set eth0 up
	assert_event "$mon" ".event == \"port_up\" and .ifname == \"$(hv 1)\"" "carrier back on $(hv 1)"
	# Text like `bridge monitor fdb`.
	bg monitor-text "$XDPBRIDGE" monitor "$BR"
	sleep 0.5
	send_from 1 --dst "$UNUSED_MAC" --src 02:00:00:00:01:78
	must "$XDPBRIDGE" port del "$BR" "$(hv 2)"
	wait_for 5 grep -q "^02:00:00:00:01:78 dev $(hv 1) master $BR learned$" "$XB_TMP/bg.monitor-text" ||
		fail "text monitor: no 'MAC dev PORT master BR learned' line: $(tr '\n' '|' <"$XB_TMP/bg.monitor-text")"
	wait_for 5 grep -q "^port $(hv 2) master $BR removed$" "$XB_TMP/bg.monitor-text" ||
		fail "text monitor: no 'port PORT master BR removed' line: $(tr '\n' '|' <"$XB_TMP/bg.monitor-text")"
	log "ok: text monitor: $(tr '\n' '|' <"$XB_TMP/bg.monitor-text")"
}

# Milliseconds since t0 (date +%s%N) until FILE has an event matching JQ_FILTER.
event_latency_ms() {   # T0_NS FILE JQ_FILTER WHAT
	wait_for 8 has_event "$2" "$3" || fail "monitor: no event $3 ($4); got: $(tr '\n' ' ' <"$2")"
	echo $(( ($(date +%s%N) - $1) / 1000000 ))
}

# The data path's own learned/moved events (the ring buffer "events"), relayed
# by the control loop to two monitors at once, then read directly by a monitor
# when no loop runs. Latencies are logged, not asserted (noisy machine).
test_monitor_data_path_events() {
	local m1 m2 m3 p1 p2 t0 l1 l2 pid src=02:00:00:00:01:7a
	need_xdpbridge
	need_cmd jq
	TOPO_V6=0 topo_up 2
	br_load $(ports 1 2)
	bg monitor1 "$XDPBRIDGE" -j monitor "$BR"
	m1=$XB_TMP/bg.monitor1 p1=$BG_LAST
	bg monitor2 "$XDPBRIDGE" -j monitor "$BR"
	m2=$XB_TMP/bg.monitor2 p2=$BG_LAST
	sleep 0.5
	t0=$(date +%s%N)
	send_from 1 --dst "$UNUSED_MAC" --src "$src"
	l1=$(event_latency_ms "$t0" "$m1" ".event == \"learned\" and .mac == \"$src\" and .ifname == \"$(hv 1)\"" "learned, monitor 1") || return 1
	l2=$(event_latency_ms "$t0" "$m2" ".event == \"learned\" and .mac == \"$src\" and .ifname == \"$(hv 1)\"" "learned, monitor 2") || return 1
	log "ok: both monitors saw learned after ${l1} ms / ${l2} ms"
	t0=$(date +%s%N)
	send_from 2 --dst "$UNUSED_MAC" --src "$src"
	local moved=".event == \"moved\" and .mac == \"$src\" and .ifname == \"$(hv 2)\" and .old_ifname == \"$(hv 1)\" and .master == \"$BR\""
	l1=$(event_latency_ms "$t0" "$m1" "$moved" "moved, monitor 1") || return 1
	l2=$(event_latency_ms "$t0" "$m2" "$moved" "moved, monitor 2") || return 1
	log "ok: both monitors saw moved h1 -> h2 after ${l1} ms / ${l2} ms"
	# Each event once: the FDB diff no longer reports learned or moved.
	[ "$(jq -s "map(select(.mac == \"$src\")) | length" "$m1")" = 2 ] ||
		fail "monitor 1: want exactly learned + moved for $src, got: $(tr '\n' ' ' <"$m1")"
	"$XDPBRIDGE" -j stats "$BR" | jq -e 'all(.[]; has("events_dropped"))' >/dev/null ||
		fail "stats -j: no events_dropped per port"
	# No control loop: a monitor reads the ring buffer itself, and says so.
	kill "$p1" "$p2" 2>/dev/null	# else they too would read the ring, stealing its events
	pid=$(loop_pid)
	kill "$pid"
	wait_for 5 not_running "$pid" || fail "control loop $pid did not stop"
	bg monitor3 bash -c 'exec "$1" -j monitor "$2" 2>"$3"' - "$XDPBRIDGE" "$BR" "$XB_TMP/monitor3.err"
	m3=$XB_TMP/bg.monitor3
	wait_for 5 grep -q "reading the data path's events directly" "$XB_TMP/monitor3.err" ||
		fail "monitor without a loop does not say it reads the ring itself: $(tr '\n' ' ' <"$XB_TMP/monitor3.err")"
	send_from 2 --dst "$UNUSED_MAC" --src 02:00:00:00:01:7b
	assert_event "$m3" '.event == "learned" and .mac == "02:00:00:00:01:7b"' "learned, read from the ring directly"
	send_from 1 --dst "$UNUSED_MAC" --src 02:00:00:00:01:7b
	assert_event "$m3" ".event == \"moved\" and .old_ifname == \"$(hv 2)\" and .ifname == \"$(hv 1)\"" "moved, read from the ring directly"
}
