# shellcheck shell=bash
# shellcheck disable=SC2034  # variables used by run.sh
# xdpbridge integration test library: runner, topology and assertion helpers.
# Sourced by run.sh. Everything created is named after this run's PID
# (xbt<PID>...), and torn down by a trap after each test, on failure and on
# Ctrl-C alike.
#
# Topology for test host n (1..9):
#   network namespace  xbt<PID>h<n>, holding veth "eth0" (MAC 02:00:00:00:01:0<n>,
#                      203.0.113.10<n>/24, 2001:db8::10<n>/64 nodad, GRO on, TX csum off)
#   root netns side    veth xbt<PID>h<n>  -- the bridge port
# The bridge (xbt<PID>) runs in the root netns so its pins under
# /sys/fs/bpf/xdpbridge/ are visible: never run the loader under `ip netns exec`.
#
# XB_BACKEND=linux runs the same traffic tests against a Linux bridge (checks
# the harness itself); tests that need the xdpbridge CLI then SKIP.
# XB_MODE=native|generic|tc loads every br_load bridge in that mode (default:
# none given, each port in its type's default mode: tc for these veths).

XB_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
XDPBRIDGE=${XDPBRIDGE:-$XB_TOP/build/xdpbridge}
XBPKT=${XBPKT:-$XB_TOP/build/xbpkt}
XB_BACKEND=${XB_BACKEND:-xdpbridge}
XB_VERBOSE=${XB_VERBOSE:-0}
XB_MODE=${XB_MODE:-}
BPFFS=/sys/fs/bpf
PIN_ROOT=$BPFFS/xdpbridge

RUN_ID=$$
PFX=xbt$RUN_ID
BR=$PFX              # the bridge under test (<= 13 chars)
BR2=${PFX}b          # a second xdpbridge
LBR=${PFX}l          # a Linux bridge
ETYPE=0x88b5         # ethertype of every test frame
UNUSED_MAC=02:00:00:00:01:ee
TOPO_V6=${TOPO_V6:-1}
XB_TMP=$(mktemp -d "/tmp/$PFX.XXXXXX")

declare -a BG_PIDS=()
declare -A RECV_PID=()
NHOSTS=0

# ---------------------------------------------------------------- names

ns()   { echo "${PFX}h$1"; }                 # namespace of host n
hv()   { echo "${PFX}h$1"; }                 # root-netns veth (bridge port) of host n
mac()  { printf '02:00:00:00:01:%02x\n' "$1"; }
# 203.0.113.10<n> (TEST-NET-3): the root netns of the CI machines uses
# 192.0.2.0/24 for its own uplink, and a root-netns host interface on the
# bridge would answer ARP for its addresses (topo_up checks none collide).
ip4()  { echo "203.0.113.$((100 + $1))"; }
ip6()  { echo "2001:db8::$((100 + $1))"; }
ifx()  { cat "/sys/class/net/$1/ifindex" 2>/dev/null; }
nsx()  { local n=$1; shift; ip netns exec "$(ns "$n")" "$@"; }

# "02:00:00:00:01:0a" -> "[2,0,0,0,1,10]" (bpftool's JSON for a __u8 array)
mac_json_array() {
	local IFS=: b out=
	for b in $1; do out+="${out:+,}$((16#$b))"; done
	echo "[$out]"
}

# ---------------------------------------------------------------- logging and assertions

# Seconds since the test started, for the log: "[  1.23]".
ts()   { local us=$((${EPOCHREALTIME//[.,]/} - ${XB_T0:-${EPOCHREALTIME//[.,]/}})); printf '[%3d.%02d]' $((us / 1000000)) $((us % 1000000 / 10000)); }
log()  { echo "$(ts) # $*"; }
fail() { echo "FAIL: $*"; exit 1; }
skip() { echo "SKIP: $*"; exit 77; }

# A test of minutes (several STP convergences) runs only with XB_SLOW=1
# (`make test-slow`), so `make test` stays within its 15 minutes on 2 cores.
need_slow() {
	[ "${XB_SLOW:-0}" = 1 ] || skip "slow test: 'make test-slow' runs it"
}

need_cmd() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || skip "'$c' not installed"
	done
}

need_xdpbridge() {
	[ "$XB_BACKEND" = xdpbridge ] || skip "needs the xdpbridge CLI (backend is $XB_BACKEND)"
}

# xrun CMD...: run, log the command, its exit code, stdout and stderr.
# Sets RC, OUT, ERR (files $XB_TMP/out, $XB_TMP/err hold the same).
xrun() {
	echo "$(ts) + $*"
	"$@" >"$XB_TMP/out" 2>"$XB_TMP/err"
	RC=$?
	OUT=$(cat "$XB_TMP/out")
	ERR=$(cat "$XB_TMP/err")
	[ -n "$OUT" ] && sed 's/^/  out| /' "$XB_TMP/out"
	[ -n "$ERR" ] && sed 's/^/  err| /' "$XB_TMP/err"
	echo "  rc=$RC"
	return 0
}

# Run and require exit 0.
must() {
	xrun "$@"
	[ "$RC" -eq 0 ] || fail "'$*' exited $RC: $(head -n1 "$XB_TMP/err")"
}

assert_eq() {   # EXPECTED ACTUAL WHAT
	[ "$1" = "$2" ] || fail "$3: expected '$1', got '$2'"
	log "ok: $3 = '$2'"
}

assert_rc() {   # EXPECTED WHAT  (after xrun)
	[ "$RC" = "$1" ] || fail "$2: expected exit code $1, got $RC (stderr: $ERR)"
	log "ok: $2 exited $RC"
}

# Number of lines in a file, counting a last line without newline.
nlines() { awk 'END { print NR }' "$1"; }

assert_one_stderr_line() {   # WHAT (after xrun)
	local n
	n=$(nlines "$XB_TMP/err")
	[ "$n" -eq 1 ] || fail "$1: expected exactly one line on stderr, got $n: $(tr '\n' '|' <"$XB_TMP/err")"
	log "ok: $1: one stderr line"
}

# bad_input EXPECTED_RC WHAT CMD...: must fail with EXPECTED_RC and one stderr line.
bad_input() {
	local want=$1 what=$2
	shift 2
	xrun "$@"
	assert_rc "$want" "$what"
	assert_one_stderr_line "$what"
}

# Does interface $1 carry an XDP program?
has_xdp() {
	ip -d link show dev "$1" 2>/dev/null | grep -Eq '(^| )xdp(generic|drv|offload)?( |$)|prog/xdp'
}

# Does interface $1 carry the bridge's skb path (TC ingress program)?
has_tc_prog() {
	tc filter show dev "$1" ingress 2>/dev/null | grep -q 'xdpbridge_tc'
}

# Is interface $1 a bridge port in some mode (XDP, or the TC program alone)?
is_attached() {
	has_xdp "$1" || has_tc_prog "$1"
}

# Wait until CMD succeeds, up to TIMEOUT seconds (polling every 0.1 s).
wait_for() {   # TIMEOUT CMD...
	local t=$1 i
	shift
	for ((i = 0; i < t * 10; i++)); do
		"$@" && return 0
		sleep 0.1
	done
	"$@"
}

# ---------------------------------------------------------------- topology

# topo_up N: hosts 1..N as described at the top. TOPO_V6=0 disables IPv6 in
# the namespaces (no MLD/ND chatter refreshing FDB entries in ageing tests).
topo_up() {
	local n nsn h
	NHOSTS=$1
	for ((n = 1; n <= NHOSTS; n++)); do
		nsn=$(ns "$n")
		h=$(hv "$n")
		if ip -4 addr show | grep -q "inet $(ip4 "$n")/" ||
		   ip -6 addr show | grep -q "inet6 $(ip6 "$n")/"; then
			skip "the root netns owns $(ip4 "$n") or $(ip6 "$n"), which the test hosts use"
		fi
		ip netns add "$nsn" || fail "cannot create netns $nsn"
		ip -n "$nsn" link set lo up
		if [ "$TOPO_V6" = 1 ]; then
			nsx "$n" sysctl -qw net.ipv6.conf.all.accept_dad=0 \
				net.ipv6.conf.default.accept_dad=0 \
				net.ipv6.conf.all.router_solicitations=0 \
				net.ipv6.conf.default.router_solicitations=0 >/dev/null
		else
			nsx "$n" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
				net.ipv6.conf.default.disable_ipv6=1 >/dev/null
		fi
		ip link add "$h" type veth peer name eth0 netns "$nsn" ||
			fail "cannot create veth $h"
		# The root-netns end is a bridge port: keep its own stack quiet.
		sysctl -qw "net.ipv6.conf.$h.disable_ipv6=1" >/dev/null 2>&1
		ip -n "$nsn" link set eth0 address "$(mac "$n")"
		ip -n "$nsn" addr add "$(ip4 "$n")/24" dev eth0
		if [ "$TOPO_V6" = 1 ]; then
			ip -n "$nsn" addr add "$(ip6 "$n")/64" dev eth0 nodad
		fi
		# GRO on: frames XDP-redirected into the port reach eth0.
		# TX checksum offload off: TCP through an XDP redirect works.
		# tx-vlan-offload (802.1Q) and S-tag insert (802.1ad) off: a tag goes
		# in the frame, where XDP keeps it (what load warns about otherwise).
		nsx "$n" ethtool -K eth0 gro on tx off txvlan off tx-vlan-stag-hw-insert off >/dev/null 2>&1 ||
			fail "ethtool -K eth0 gro on tx off txvlan off tx-vlan-stag-hw-insert off failed in $nsn"
		ip -n "$nsn" link set eth0 up
		ip link set "$h" up || fail "cannot set $h up"
	done
	log "topology: $NHOSTS hosts ($(for ((n = 1; n <= NHOSTS; n++)); do printf '%s ' "$(hv "$n")"; done))"
}

# The ports (root-netns veths) of hosts given by number: "ports 1 2" -> "xbt..h1 xbt..h2"
ports() { local n; for n in "$@"; do hv "$n"; done; }

# ---------------------------------------------------------------- bridge backends

# br_load [--ageing SEC] PORT...: a running, detached bridge $BR with the ports,
# in XB_MODE when set (XB_MODE=native ./run.sh: the traffic tests in that mode),
# else each port in its type's default mode.
br_load() {
	local ageing='' p args=()
	while [ $# -gt 0 ]; do
		case $1 in
		--ageing) ageing=$2; shift 2 ;;
		*) args+=("$1"); shift ;;
		esac
	done
	if [ "$XB_BACKEND" = linux ]; then
		must ip link add "$BR" type bridge ${ageing:+ageing_time $((ageing * 100))}
		sysctl -qw "net.ipv6.conf.$BR.disable_ipv6=1" >/dev/null 2>&1
		for p in "${args[@]}"; do must ip link set "$p" master "$BR"; done
		must ip link set "$BR" up
	else
		must "$XDPBRIDGE" load "$BR" "${args[@]}" ${ageing:+--ageing "$ageing"} \
			${XB_MODE:+--mode "$XB_MODE"} --detach
	fi
}

br_port_add() {
	if [ "$XB_BACKEND" = linux ]; then
		must ip link set "$1" master "$BR"
	else
		must "$XDPBRIDGE" port add "$BR" "$1" ${XB_MODE:+--mode "$XB_MODE"}
	fi
}

br_port_del() {
	if [ "$XB_BACKEND" = linux ]; then
		must ip link set "$1" nomaster
	else
		must "$XDPBRIDGE" port del "$BR" "$1"
	fi
}

# Text FDB of $BR (both backends print "MAC dev PORT ... master BR ...").
br_fdb_show() {
	if [ "$XB_BACKEND" = linux ]; then
		bridge fdb show br "$BR" 2>/dev/null
	else
		"$XDPBRIDGE" fdb show "$BR"
	fi
}

# Is MAC learned (any state) on PORT?
fdb_has() {   # MAC PORT
	br_fdb_show | grep -Eiq "^$1 dev $2( |$)"
}

# ---------------------------------------------------------------- traffic

# recv_start NAME HOST|-IFACE [xbpkt recv options]: count frames on host n's
# eth0 (or, with -IFACE, on a root-netns interface) in the background; returns
# once the receiver is bound. Defaults: --ethertype $ETYPE --timeout 1000.
recv_start() {
	local name=$1 where=$2 i
	shift 2
	local cmd=("$XBPKT" recv)
	if [[ $where == -* ]]; then
		cmd+=("${where#-}")
	else
		cmd=(ip netns exec "$(ns "$where")" "${cmd[@]}" eth0)
	fi
	rm -f "$XB_TMP/recv.$name".*
	# A long timeout: assert_recv stops the receiver once the frames had time
	# to arrive, so a slow machine cannot end the count before the send.
	echo "$(ts) + ${cmd[*]} --ethertype $ETYPE --timeout 20000 $* &"
	"${cmd[@]}" --ethertype "$ETYPE" --timeout 20000 --ready-file "$XB_TMP/recv.$name.ready" \
		"$@" >"$XB_TMP/recv.$name.out" 2>"$XB_TMP/recv.$name.err" &
	RECV_PID[$name]=$!
	BG_PIDS+=($!)
	for ((i = 0; i < 50; i++)); do
		[ -e "$XB_TMP/recv.$name.ready" ] && return 0
		kill -0 "${RECV_PID[$name]}" 2>/dev/null || break
		sleep 0.05
	done
	fail "receiver $name did not start: $(cat "$XB_TMP/recv.$name.err")"
}

# assert_recv NAME EXPECTED WHAT: wait for receiver NAME, compare its count.
# (Not in a $(...) subshell: only this shell can wait for the receiver.)
assert_recv() {
	local name=$1 n
	# Frames redirected by XDP arrive within microseconds; 0.4 s is slack
	# for a loaded machine. Then stop the count (xbpkt prints it on SIGTERM).
	sleep 0.4
	kill -TERM "${RECV_PID[$name]}" 2>/dev/null
	wait "${RECV_PID[$name]}" 2>/dev/null
	n=$(tail -n1 "$XB_TMP/recv.$name.out")
	[[ $n =~ ^[0-9]+$ ]] ||
		fail "receiver $name printed no count: $(cat "$XB_TMP/recv.$name.out" "$XB_TMP/recv.$name.err" | tr '\n' ' ')"
	assert_eq "$2" "$n" "$3"
}

# send_from HOST [xbpkt send options]: frames from host n's eth0, source MAC
# its own unless --src is given later.
send_from() {
	local n=$1
	shift
	must nsx "$n" "$XBPKT" send eth0 --src "$(mac "$n")" --ethertype "$ETYPE" "$@"
}

# ping_from FROM TO [4|6] [ping options]: prints the number of replies.
ping_count() {
	local from=$1 to=$2 fam=${3:-4} addr out
	shift 3
	if [ "$fam" = 6 ]; then addr=$(ip6 "$to"); else addr=$(ip4 "$to"); fi
	echo "$(ts) + nsx $from ping -$fam -n -q $* $addr" >&2
	out=$(nsx "$from" ping "-$fam" -n -q "$@" "$addr" 2>&1)
	sed 's/^/  | /' <<<"$out" >&2
	sed -n 's/.* \([0-9]\+\) received.*/\1/p' <<<"$out"
}

# assert_ping FROM TO [4|6]: 3 pings, all answered.
assert_ping() {
	local n
	n=$(ping_count "$1" "$2" "${3:-4}" -c 3 -i 0.2 -W 1)
	assert_eq 3 "${n:-0}" "IPv${3:-4} ping h$1 -> h$2, replies"
}

# bg NAME CMD...: background command with output in $XB_TMP/bg.NAME; sets BG_LAST.
bg() {
	local name=$1
	shift
	echo "$(ts) + $* &"
	"$@" >"$XB_TMP/bg.$name" 2>&1 &
	BG_LAST=$!
	BG_PIDS+=($!)
}

# ---------------------------------------------------------------- leftovers

# Everything a failed command must not leave behind for bridge $1.
assert_nothing_left() {   # BRIDGE WHAT [PORT...]
	local br=$1 what=$2 p
	shift 2
	[ ! -e "$PIN_ROOT/$br" ] || fail "$what: $PIN_ROOT/$br left behind: $(ls "$PIN_ROOT/$br" | tr '\n' ' ')"
	! ip link show dev "$br" >/dev/null 2>&1 || fail "$what: host interface $br left behind"
	! ip link show dev "$br-p" >/dev/null 2>&1 || fail "$what: host port $br-p left behind"
	for p in "$@"; do
		! has_xdp "$p" || fail "$what: XDP program left on $p: $(ip -d link show dev "$p" | grep -i xdp)"
		! has_tc_prog "$p" || fail "$what: TC program left on $p: $(tc filter show dev "$p" ingress)"
	done
	! loader_pids "$br" | grep -q . || fail "$what: control loop for $br still running (pid $(loader_pids "$br" | tr '\n' ' '))"
	log "ok: $what: nothing left for $br"
}

# PIDs of xdpbridge processes whose command line has the words "load" and BRIDGE.
loader_pids() {
	local f
	for f in $(grep -lzxF -- "$1" /proc/[0-9]*/cmdline 2>/dev/null); do
		grep -qzx load "$f" 2>/dev/null || continue
		head -zn1 "$f" 2>/dev/null | grep -qz 'xdpbridge$' || continue
		f=${f#/proc/}
		echo "${f%/cmdline}"
	done
}

# ---------------------------------------------------------------- teardown

# Remove everything this run may have created. Names are matched exactly
# (xbt<PID> plus a known suffix) so other runs are never touched.
xb_teardown() {
	local p br name i
	trap - EXIT INT TERM
	for p in "${BG_PIDS[@]}"; do kill -TERM "$p" 2>/dev/null; done
	for p in "${BG_PIDS[@]}"; do
		for ((i = 0; i < 20; i++)); do kill -0 "$p" 2>/dev/null || break; sleep 0.05; done
		kill -KILL "$p" 2>/dev/null
	done
	BG_PIDS=()
	for br in "$BR" "$BR2"; do
		if [ -x "$XDPBRIDGE" ] &&
		   { [ -e "$PIN_ROOT/$br" ] || ip link show dev "$br" >/dev/null 2>&1 ||
		     loader_pids "$br" | grep -q .; }; then
			"$XDPBRIDGE" unload "$br" >/dev/null 2>&1
		fi
		# Detached control loops we started (only when unload failed).
		for p in $(loader_pids "$br"); do kill -KILL "$p" 2>/dev/null; done
		rm -rf "${PIN_ROOT:?}/$br" 2>/dev/null
		rmdir "/run/xdpbridge/$br.pid" 2>/dev/null	# test_bad_loop_cannot_start
	done
	for name in $(ip -o link show 2>/dev/null | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }' |
		      grep -E "^($PFX(h[0-9]+|b|l|i|t[ab]|vx|u)?(-p)?|vnet-$RUN_ID-.*)$"); do
		ip link del dev "$name" 2>/dev/null
	done
	for name in $(ip netns list 2>/dev/null | awk '{ print $1 }' | grep -E "^${PFX}h[0-9]+$"); do
		ip netns pids "$name" 2>/dev/null | xargs -r kill -KILL 2>/dev/null
		ip netns del "$name" 2>/dev/null
	done
	return 0
}

# ---------------------------------------------------------------- runner

# xb_run_tests TEST...: each test runs in its own subshell with a teardown trap;
# prints PASS / FAIL / SKIP per test and the summary line; returns 1 if any failed.
xb_run_tests() {
	local t rc pass=0 failn=0 skipn=0 t0 reason
	for t in "$@"; do
		t0=$SECONDS
		XB_T0=${EPOCHREALTIME//[.,]/}
		(
			trap xb_teardown EXIT
			trap 'echo "interrupted"; exit 130' INT TERM
			"$t"
		) >"$XB_TMP/$t.log" 2>&1
		rc=$?
		case $rc in
		0)
			pass=$((pass + 1))
			printf 'PASS %s (%ds)\n' "$t" $((SECONDS - t0))
			[ "$XB_VERBOSE" = 1 ] && sed 's/^/    /' "$XB_TMP/$t.log"
			;;
		77)
			skipn=$((skipn + 1))
			reason=$(grep -m1 '^SKIP: ' "$XB_TMP/$t.log" | sed 's/^SKIP: //')
			printf 'SKIP %s: %s\n' "$t" "$reason"
			;;
		*)
			failn=$((failn + 1))
			reason=$(grep -m1 '^FAIL: ' "$XB_TMP/$t.log" | sed 's/^FAIL: //')
			printf 'FAIL %s (%ds): %s\n' "$t" $((SECONDS - t0)) "${reason:-exit code $rc}"
			sed 's/^/    /' "$XB_TMP/$t.log"
			[ "$rc" = 130 ] && break
			;;
		esac
	done
	echo "$pass passed, $failn failed, $skipn skipped"
	[ "$failn" -eq 0 ]
}
