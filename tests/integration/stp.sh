# shellcheck shell=bash
# shellcheck disable=SC2317,SC2046  # tests are called indirectly; port lists split on purpose
# Issue 12: spanning tree. Several bridges on this host, joined in a ring by
# veth pairs (each end a port of one bridge), each with one test host:
#   S1 <r12a--r12b> S2 <r23a--r23b> S3 <r31a--r31b> S1,  host hN on bridge SN.
# S1, S2, S3 are xdpbridges or Linux bridges with the kernel's STP.
# Short timers everywhere (hello 1, forward-delay 4, max-age 6): a ring
# converges in about 2 x forward-delay. Sourced by run.sh. Besides what run.sh

STP_HELLO=1
STP_FWD=4
STP_MAXAGE=6
STP_B3=${PFX}c          # the third xdpbridge (BR, BR2 are the first two)
STP_L1=${PFX}l          # Linux bridges
STP_L2=${PFX}m

rv() { echo "${PFX}r$1"; }   # ring veth end: rv 12a, rv 12b ...

# Everything stp tests create beyond what xb_teardown knows.
stp_teardown() {
	local b e
	for b in "$STP_B3"; do
		[ -e "$PIN_ROOT/$b" ] && "$XDPBRIDGE" unload "$b" >/dev/null 2>&1
		for p in $(loader_pids "$b"); do kill -KILL "$p" 2>/dev/null; done
		rm -rf "${PIN_ROOT:?}/$b" 2>/dev/null
	done
	for e in 12a 23a 31a; do ip link del "$(rv "$e")" 2>/dev/null; done
	for b in "$STP_L1" "$STP_L2"; do ip link del "$b" 2>/dev/null; done
	xb_teardown
}

# The ring's veth pairs (12: S1-S2, 23: S2-S3, 31: S3-S1), up, quiet.
stp_ring_links() {
	local e
	for e in 12 23 31; do
		ip link add "$(rv "${e}a")" type veth peer name "$(rv "${e}b")" || fail "cannot create ring veth $e"
		for p in "$(rv "${e}a")" "$(rv "${e}b")"; do
			sysctl -qw "net.ipv6.conf.$p.disable_ipv6=1" >/dev/null 2>&1
			ip link set "$p" up
		done
	done
}

# Ports of ring member n (1..3): its host's veth and its two ring ends.
stp_ports_of() {
	case $1 in
	1) echo "$(hv 1) $(rv 12a) $(rv 31b)" ;;
	2) echo "$(hv 2) $(rv 12b) $(rv 23a)" ;;
	3) echo "$(hv 3) $(rv 23b) $(rv 31a)" ;;
	esac
}

# stp_xb_load NAME N PRIORITY: xdpbridge NAME as ring member N, STP on with
# the short timers and PRIORITY.
stp_xb_load() {
	must "$XDPBRIDGE" load "$1" $(stp_ports_of "$2") --no-host-port --detach
	must "$XDPBRIDGE" set "$1" hello "$STP_HELLO" forward-delay "$STP_FWD" max-age "$STP_MAXAGE" \
		priority "$3" stp on
}

# stp_linux_load NAME N PRIORITY STP(0|1): a Linux bridge as ring member N.
stp_linux_load() {
	local p
	must ip link add "$1" type bridge stp_state "$4" priority "$3" hello_time $((STP_HELLO * 100)) \
		forward_delay $((STP_FWD * 100)) max_age $((STP_MAXAGE * 100))
	sysctl -qw "net.ipv6.conf.$1.disable_ipv6=1" >/dev/null 2>&1
	for p in $(stp_ports_of "$2"); do must ip link set "$p" master "$1"; done
	must ip link set "$1" up
}

# Port states, one "PORT STATE" line per port of every bridge given
# (xdpbridge or Linux), sorted.
stp_states() {
	local b p
	for b in "$@"; do
		if [ -d "/sys/class/net/$b/bridge" ]; then
			for p in /sys/class/net/"$b"/brif/*; do
				case $(cat "$p/state") in
				0) echo "${p##*/} disabled" ;; 1) echo "${p##*/} listening" ;;
				2) echo "${p##*/} learning" ;; 3) echo "${p##*/} forwarding" ;;
				4) echo "${p##*/} blocking" ;;
				esac
			done
		else
			"$XDPBRIDGE" -j stp show "$b" 2>/dev/null | jq -r '.ports[] | "\(.ifname) \(.state)"'
		fi
	done | sort
}

# Converged: every port forwarding but exactly N_BLOCKED blocking ones (and
# those whose link is down: disabled).
stp_converged() {   # N_BLOCKED BRIDGE...
	local want=$1 s
	shift
	s=$(stp_states "$@")
	[ "$(grep -c ' blocking$' <<<"$s")" = "$want" ] &&
		[ "$(grep -vc -e ' blocking$' -e ' forwarding$' -e ' disabled$' <<<"$s")" = 0 ]
}

# wait_secs SECONDS CMD...: wait_for by the clock (each stp_states call
# runs the CLI once per bridge: far slower than wait_for's 0.1 s step).
wait_secs() {
	local t=$1 t0=$SECONDS
	shift
	while [ $((SECONDS - t0)) -lt "$t" ]; do
		"$@" && return 0
		sleep 0.2
	done
	"$@"
}

# stp_wait_converged WHAT TIMEOUT N_BLOCKED BRIDGE...: wait, log how long it took.
stp_wait_converged() {
	local what=$1 t=$2 n=$3 t0=$SECONDS
	shift 3
	wait_secs "$t" stp_converged "$n" "$@" ||
		fail "$what: not converged within $t s: $(stp_states "$@" | tr '\n' ',')"
	log "ok: $what: converged in $((SECONDS - t0)) s, blocking: $(stp_states "$@" | grep ' blocking$' | cut -d' ' -f1 | tr '\n' ' ')"
}

# A bridge id as one lowercase hex string: 8000.aa:bb:... and 8000.aabb... alike.
id_norm() { tr -d '.:' <<<"$1" | tr 'A-F' 'a-f'; }

stp_root_of() {   # BRIDGE: its designated root, normalised
	if [ -d "/sys/class/net/$1/bridge" ]; then
		id_norm "$(cat "/sys/class/net/$1/bridge/root_id")"
	else
		id_norm "$("$XDPBRIDGE" -j stp show "$1" | jq -r .designated_root)"
	fi
}

stp_id_of() {   # BRIDGE: its own bridge id, normalised
	if [ -d "/sys/class/net/$1/bridge" ]; then
		id_norm "$(cat "/sys/class/net/$1/bridge/bridge_id")"
	else
		id_norm "$("$XDPBRIDGE" -j stp show "$1" | jq -r .bridge_id)"
	fi
}

# Broadcasts from host FROM reach every other host exactly once each (a
# loop would multiply them, for as long as we count).
stp_assert_no_storm() {   # FROM OTHER...
	local from=$1 h
	shift
	for h in "$@"; do recv_start "s$h" "$h" --src "$(mac "$from")"; done
	send_from "$from" --dst ff:ff:ff:ff:ff:ff --count 5 --interval 100000
	sleep 2
	for h in "$@"; do assert_recv "s$h" 5 "broadcasts from h$from at h$h (5 sent, a loop would repeat them)"; done
}

stp_need() {
	need_xdpbridge
	need_cmd jq
	trap stp_teardown EXIT
}

# ---------------------------------------------------------------- tests

# Three xdpbridges in a ring: one port blocks (S3's towards S2: S1 is root,
# S2 the better of the other two), broadcasts arrive once; pulling S1-S2
# re-converges within max-age + 2 x forward-delay and traffic flows again.
test_stp_ring_of_three() {
	local t0
	stp_need
	TOPO_V6=0 topo_up 3
	stp_ring_links
	t0=$SECONDS
	stp_xb_load "$BR" 1 4096
	stp_xb_load "$BR2" 2 8192
	stp_xb_load "$STP_B3" 3 12288
	stp_wait_converged "ring of three" 30 1 "$BR" "$BR2" "$STP_B3"
	log "measured: ring of three converged $((SECONDS - t0)) s after the first 'stp on'"
	assert_eq "$(rv 23b) blocking" "$(stp_states "$STP_B3" | grep blocking)" "the one blocking port"
	assert_eq "$(stp_id_of "$BR")" "$(stp_root_of "$BR2")" "S2's root is S1"
	assert_eq "$(stp_id_of "$BR")" "$(stp_root_of "$STP_B3")" "S3's root is S1"
	stp_assert_no_storm 1 2 3
	assert_ping 1 2
	assert_ping 2 3

	t0=$SECONDS
	must ip link set "$(rv 12a)" down
	# 802.1D: S3 keeps S2's old information until it ages out (max-age),
	# then its port listens and learns (2 x forward-delay). Slack: 3 s.
	wait_secs $((STP_MAXAGE + 2 * STP_FWD + 3)) stp_converged 0 "$BR2" "$STP_B3" ||
		fail "link S1-S2 down: S3 did not open within max-age + 2 x forward-delay (+3 s): $(stp_states "$BR" "$BR2" "$STP_B3" | tr '\n' ',')"
	log "measured: link S1-S2 pulled, re-converged in $((SECONDS - t0)) s (limit $((STP_MAXAGE + 2 * STP_FWD)) s)"
	assert_ping 1 2
	stp_assert_no_storm 2 1 3
}

# A ring of two xdpbridges and one Linux bridge (kernel STP): all agree on
# the root, whichever implementation holds it, and on the one blocking port.
stp_interop() {   # LINUX_MEMBER PRIO1 PRIO2 PRIO3 BLOCKED_PORT
	local lm=$1 blocked=$5 names=() n b p root
	local prio=("" "$2" "$3" "$4")
	stp_need
	TOPO_V6=0 topo_up 3
	stp_ring_links
	for n in 1 2 3; do
		if [ "$n" = "$lm" ]; then
			b=$STP_L1
			stp_linux_load "$b" "$n" "${prio[$n]}" 1
		else
			b=$([ ${#names[@]} = 0 ] && echo "$BR" || echo "$BR2")
			stp_xb_load "$b" "$n" "${prio[$n]}"
		fi
		names+=("$b")
	done
	stp_wait_converged "interop ring (Linux bridge is S$lm)" 40 1 "${names[@]}"
	assert_eq "$blocked blocking" "$(stp_states "${names[@]}" | grep blocking)" "the one blocking port"
	root=$(stp_root_of "${names[0]}")
	for b in "${names[@]}"; do
		assert_eq "$root" "$(stp_root_of "$b")" "designated root seen by $b"
	done
	# The root is the bridge with the lowest priority.
	for n in 1 2 3; do
		[ "${prio[$n]}" = "$(printf '%s\n' "${prio[@]:1}" | sort -n | head -n1)" ] && p=$n
	done
	assert_eq "$(stp_id_of "${names[$((p - 1))]}")" "$root" "the root is S$p, lowest priority"
	stp_assert_no_storm 1 2 3
	assert_ping 1 3
}

# The Linux bridge is the root; the xdpbridges S1, S2 block between them.
test_stp_interop_linux_root() {
	stp_interop 3 8192 12288 4096 "$(rv 12b)"
}

# An xdpbridge is the root; the Linux bridge S2 is second best, so the
# xdpbridge S3 blocks its port towards it.
test_stp_interop_xdp_root() {
	stp_interop 2 4096 8192 12288 "$(rv 23b)"
}

# STP off: xdpbridge S1 forwards BPDUs like any multicast (as the Linux bridge
# with STP off does), so the Linux bridges S2, S3 see the loop through it
# and block one of their ports.
test_stp_off_forwards_bpdus() {
	stp_need
	TOPO_V6=0 topo_up 3
	stp_ring_links
	must "$XDPBRIDGE" load "$BR" $(stp_ports_of 1) --no-host-port --detach
	stp_linux_load "$STP_L1" 2 4096 1
	stp_linux_load "$STP_L2" 3 8192 1
	stp_wait_converged "Linux bridges around an xdpbridge without STP" 40 1 "$STP_L1" "$STP_L2"
	assert_eq "$(stp_id_of "$STP_L1")" "$(stp_root_of "$STP_L2")" "S3 hears S2's BPDUs (through S1 too)"
	stp_assert_no_storm 1 2 3
	must "$XDPBRIDGE" -j stp show "$BR"
	assert_eq false "$(jq -r .stp <<<"$OUT")" "S1: stp off"
}

# A BPDU on a port with bpdu-guard disables it, with the reason shown, until
# `port set ... bpdu-guard off`.
test_stp_bpdu_guard() {
	local s
	stp_need
	TOPO_V6=0 topo_up 2
	must "$XDPBRIDGE" load "$BR" $(ports 1 2) --no-host-port --detach
	must "$XDPBRIDGE" set "$BR" hello 1 forward-delay 4 max-age 6 stp on
	must "$XDPBRIDGE" port set "$BR" "$(hv 1)" bpdu-guard on
	wait_secs 5 eval '"$XDPBRIDGE" -j stp show "$BR" | jq -e --arg p "$(hv 1)" ".ports[] | select(.ifname == \$p and .state == \"listening\")" >/dev/null' ||
		fail "port $(hv 1) never got to listening: $(stp_states "$BR" | tr '\n' ,)"
	# A Config BPDU from h1 claiming to be a root: 802.3 length 38, LLC
	# 42 42 03, protocol 0 version 0 type 0 flags 0, root and bridge
	# 0000.020000000101, cost 0, port 8001, ages 0/20/2/15 s (in 1/256 s).
	must nsx 1 "$XBPKT" send eth0 --src 02:00:00:00:01:01 --dst 01:80:c2:00:00:00 \
		--payload 00264242030000000000000002000000010100000000000002000000010180010000140002000f00
	wait_secs 3 eval '[ "$(stp_states "$BR" | grep "^$(hv 1) ")" = "$(hv 1) disabled" ]' ||
		fail "a BPDU on a bpdu-guard port: $(stp_states "$BR" | tr '\n' ,)"
	must "$XDPBRIDGE" -j stp show "$BR"
	s=$(jq -c --arg p "$(hv 1)" '.ports[] | select(.ifname == $p)' <<<"$OUT")
	assert_eq bpdu-guard "$(jq -r .disabled_reason <<<"$s")" "stp show: why $(hv 1) is disabled"
	assert_eq listening "$(stp_states "$BR" | grep "^$(hv 2) " | cut -d' ' -f2)" "the other port goes on"
	must "$XDPBRIDGE" port set "$BR" "$(hv 1)" bpdu-guard off
	wait_secs 3 eval '[ "$(stp_states "$BR" | grep "^$(hv 1) ")" != "$(hv 1) disabled" ]' ||
		fail "bpdu-guard off: $(hv 1) still disabled"
	log "ok: bpdu-guard off: $(stp_states "$BR" | grep "^$(hv 1) ")"
}

# root-block: S1's port towards a better bridge S2 never becomes its root
# port: S1 stays its own root and the port blocks. Off again, S2 is root.
test_stp_root_block() {
	stp_need
	TOPO_V6=0 topo_up 2
	ip link add "$(rv 12a)" type veth peer name "$(rv 12b)" || fail "cannot create veth"
	ip link set "$(rv 12a)" up
	ip link set "$(rv 12b)" up
	must "$XDPBRIDGE" load "$BR" "$(hv 1)" "$(rv 12a)" --no-host-port --detach
	must "$XDPBRIDGE" port set "$BR" "$(rv 12a)" root-block on
	must "$XDPBRIDGE" set "$BR" hello 1 forward-delay 4 max-age 6 priority 8192 stp on
	must "$XDPBRIDGE" load "$BR2" "$(hv 2)" "$(rv 12b)" --no-host-port --detach
	must "$XDPBRIDGE" set "$BR2" hello 1 forward-delay 4 max-age 6 priority 4096 stp on
	# As the Linux bridge (br_root_port_block): the port is held listening.
	wait_secs 30 eval '[ "$(stp_states "$BR" "$BR2" | grep -vc " forwarding$")" = 1 ] &&
		[ "$(stp_states "$BR" | grep "^$(rv 12a) ")" = "$(rv 12a) listening" ]' ||
		fail "root-block: $(stp_states "$BR" "$BR2" | tr '\n' ,)"
	must "$XDPBRIDGE" -j stp show "$BR"
	assert_eq true "$(jq --arg p "$(rv 12a)" '.ports[] | select(.ifname == $p) | .root_blocked' <<<"$OUT")" \
		"stp show: root-block holds $(rv 12a) back"
	assert_eq "$(stp_id_of "$BR")" "$(stp_root_of "$BR")" "root-block: S1 stays its own root"
	must "$XDPBRIDGE" port set "$BR" "$(rv 12a)" root-block off
	wait_secs 5 eval '[ "$(stp_root_of "$BR")" = "$(stp_id_of "$BR2")" ]' ||
		fail "root-block off: S1's root is $(stp_root_of "$BR"), not S2"
	log "ok: root-block off: S1 takes S2 as root"
}

# Priority and path cost changes re-elect: S3 made best becomes the root;
# a costly port of S1 towards it then blocks.
test_stp_priority_and_cost() {
	need_slow
	stp_need
	TOPO_V6=0 topo_up 3
	stp_ring_links
	stp_xb_load "$BR" 1 4096
	stp_xb_load "$BR2" 2 8192
	stp_xb_load "$STP_B3" 3 12288
	stp_wait_converged "ring" 30 1 "$BR" "$BR2" "$STP_B3"
	must "$XDPBRIDGE" set "$STP_B3" priority 0
	stp_wait_converged "S3 priority 0" 30 1 "$BR" "$BR2" "$STP_B3"
	assert_eq "$(stp_id_of "$STP_B3")" "$(stp_root_of "$BR")" "S1's root after S3's priority 0"
	assert_eq "$(rv 12b) blocking" "$(stp_states "$BR" "$BR2" "$STP_B3" | grep blocking)" \
		"S2 blocks towards S1 (S1 the better of the two)"
	must "$XDPBRIDGE" port set "$BR" "$(rv 31b)" cost 100
	wait_secs 30 eval '[ "$(stp_states "$BR" "$BR2" "$STP_B3" | grep blocking)" = "$(rv 31b) blocking" ] && stp_converged 1 "$BR" "$BR2" "$STP_B3"' ||
		fail "cost 100 on S1's port to the root: $(stp_states "$BR" "$BR2" "$STP_B3" | tr '\n' ,)"
	log "ok: cost 100: S1 reaches the root through S2, $(rv 31b) blocks"
	stp_assert_no_storm 1 2 3
}

# A topology change (a port of S2 starts forwarding, its TCN reaches the root
# S1) shortens the FDB ageing to 2 x forward-delay on both, as the Linux
# bridge does, then restores the configured time.
test_stp_tcn_shortens_ageing() {
	local b
	need_slow
	stp_need
	TOPO_V6=0 topo_up 3
	ip link add "$(rv 12a)" type veth peer name "$(rv 12b)" || fail "cannot create veth"
	ip link set "$(rv 12a)" up
	ip link set "$(rv 12b)" up
	must ip link set "$(hv 3)" down		# joins later
	must "$XDPBRIDGE" load "$BR" "$(hv 1)" "$(rv 12a)" --no-host-port --ageing 300 --detach
	must "$XDPBRIDGE" set "$BR" hello 1 forward-delay 4 max-age 6 priority 4096 stp on
	must "$XDPBRIDGE" load "$BR2" "$(hv 2)" "$(hv 3)" "$(rv 12b)" --no-host-port --ageing 300 --detach
	must "$XDPBRIDGE" set "$BR2" hello 1 forward-delay 4 max-age 6 priority 8192 stp on
	stp_wait_converged "line of two" 30 0 "$BR" "$BR2"
	# The topology change of the ports coming up ends after max-age +
	# forward-delay: then the configured ageing is back.
	for b in "$BR" "$BR2"; do
		wait_secs 20 eval '[ "$("$XDPBRIDGE" -j show "$b" | jq .[0].ageing)" = 300 ]' ||
			fail "$b: ageing not back to 300 after the start-up topology change"
	done
	must ip link set "$(hv 3)" up		# forwarding 2 x forward-delay later: a TC
	for b in "$BR" "$BR2"; do
		wait_secs $((2 * STP_FWD + 5)) eval '[ "$("$XDPBRIDGE" -j show "$b" | jq .[0].ageing)" = $((2 * STP_FWD)) ]' ||
			fail "$b: ageing not $((2 * STP_FWD)) after S2's new port started forwarding"
		log "ok: $b: ageing $((2 * STP_FWD)) s during the topology change"
	done
	must "$XDPBRIDGE" -j stp show "$BR"
	[ "$(jq '[.ports[].rx_tcn] | add' <<<"$OUT")" -ge 1 ] || fail "S1 (root) received no TCN: $OUT"
	assert_eq true "$(jq .topology_change <<<"$OUT")" "S1: topology change flag"
	wait_secs 15 eval '[ "$("$XDPBRIDGE" -j show "$BR2" | jq .[0].ageing)" = 300 ]' ||
		fail "S2: ageing not restored after the topology change"
	log "ok: ageing back to 300 s"
}

# The control loop restarts: blocked ports stay blocked throughout and the
# new loop resumes the saved state. A loop gone past max-age: its bridge stops
# forwarding (no loop can form through it), and a new loop starts afresh.
test_stp_loop_restart() {
	local pid i s
	need_slow
	stp_need
	TOPO_V6=0 topo_up 3
	stp_ring_links
	stp_xb_load "$BR" 1 4096
	stp_xb_load "$BR2" 2 8192
	stp_xb_load "$STP_B3" 3 12288
	stp_wait_converged "ring" 30 1 "$BR" "$BR2" "$STP_B3"
	pid=$(cat "/run/xdpbridge/$STP_B3.pid")
	must kill -KILL "$pid"
	wait_for 3 eval '! kill -0 '"$pid"' 2>/dev/null'
	must "$XDPBRIDGE" load "$STP_B3" --detach
	for ((i = 0; i < 30; i++)); do	# 3 s after the restart: never open
		s=$(stp_states "$STP_B3" | grep "^$(rv 23b) ")
		[ "$s" = "$(rv 23b) blocking" ] || fail "after the loop's restart: $s"
		sleep 0.1
	done
	stp_converged 1 "$BR" "$BR2" "$STP_B3" || fail "after the restart: $(stp_states "$BR" "$BR2" "$STP_B3" | tr '\n' ,)"
	log "ok: loop restarted, $(rv 23b) stayed blocking, ring unchanged"
	stp_assert_no_storm 1 2 3

	pid=$(cat "/run/xdpbridge/$STP_B3.pid")
	must kill -KILL "$pid"
	sleep $((STP_MAXAGE + 1))
	assert_eq 0 "$(ping_count 3 1 4 -c 2 -i 0.2 -W 1)" "h3 -> h1 with S3's loop gone past max-age"
	must "$XDPBRIDGE" load "$STP_B3" --detach
	stp_wait_converged "a new loop, started afresh" 30 1 "$BR" "$BR2" "$STP_B3"
	assert_ping 3 1
}
