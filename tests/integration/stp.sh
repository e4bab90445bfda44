# shellcheck shell=bash
# shellcheck disable=SC2317,SC2046  # tests are called indirectly; port lists split on purpose
# Issue 12: spanning tree. Several bridges on this host, joined in a ring by
# veth pairs (each end a port of one bridge), each with one test host:
#   S1 <r12a--r12b> S2 <r23a--r23b> S3 <r31a--r31b> S1,  host hN on bridge SN.
# S1, S2, S3 are xdpbridges or Linux bridges with the kernel's STP.
# Short timers everywhere (hello 1, forward-delay 4, max-age 6): a ring
# converges in about 2 x forward-delay. Sourced by run.sh. Besides what run.sh
# needs: python3 (a crafted BPDU for the BPDU guard test).

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

# stp_wait_converged WHAT TIMEOUT N_BLOCKED BRIDGE...: wait, log how long it took.
stp_wait_converged() {
	local what=$1 t=$2 n=$3 t0=$SECONDS
	shift 3
	wait_for "$t" stp_converged "$n" "$@" ||
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
	wait_for $((STP_MAXAGE + 2 * STP_FWD + 2)) stp_converged 0 "$BR2" "$STP_B3" ||
		fail "link S1-S2 down: S3 did not open within max-age + 2 x forward-delay: $(stp_states "$BR" "$BR2" "$STP_B3" | tr '\n' ',')"
	log "measured: link S1-S2 pulled, re-converged in $((SECONDS - t0)) s (limit $((STP_MAXAGE + 2 * STP_FWD)) s)"
	assert_ping 1 2
	stp_assert_no_storm 2 1 3
}
