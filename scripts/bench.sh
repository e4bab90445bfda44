#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# `make bench`: xdpbridge against the Linux bridge (bridge-nf-call-iptables 1
# and 0) and against the floor (an XDP program that only redirects), on the
# same veth ports, in one run, interleaved, several rounds; medians and
# min-max. Needs root. Everything lives in private network namespaces named
# xbn<PID>*, removed on exit.
#
# Environment:
#   BENCH_QUICK=1        short smoke run (1 round, small counts)
#   BENCH_ROUNDS=N       rounds (default 3)
#   BENCH_FRAMES=N       frames per rate measurement (default 5000000)
#   BENCH_SCENARIOS="…"  subset of: uc64 uc64_tc uc64_vlan fdb1m stations churn flood8
#                        flood8_nohost uc512 uc1500 uc1500_pkt uc9000_pkt tcp tcp_tap latency sweep
#                        load16 vlan_tag vlan_push vlan_pop vlan_flood8 uc64_restore macflood
#                        (tcp and tcp_tap include their tc rows when the CLI has --mode tc)
#                        Opt-in, not in the default set:
#                        vflood: issue 11's two VLAN flood designs, prototyped in
#                          bench/xbvflood.bpf.c (not xdpbridge): rows vflood8, vflood4,
#                          vflood2 = broadcast 64 B from access port p1 (PVID 10) to 8, 4
#                          or 2 of p2..p9 in VLAN 10 (half of them trunks: a tag pushed
#                          per copy), the other ports in VLAN 20; modes (columns)
#                          filter (A: one devmap of all ports, egress programs drop
#                          non-members: xdpbridge's design), pervlan (B: a devmap per
#                          VLAN of its members, from an ARRAY_OF_MAPS), fixed (B with
#                          devmaps chosen by a switch), floor (broadcast to the members,
#                          no program); ratios B/A printed in a second table. About
#                          20 s per round with BENCH_QUICK=1. With vflood, every flood
#                          row also gets a <row>_cpu twin: frames per second of CPU
#                          time (generator thread + its CPU's ksoftirqd) instead of
#                          wall time, which the machine's other tenants move less.
#                        vlan_flood8_sparse: vlan_flood8 with VLAN 10 on p1, p2 (trunk),
#                          p3 (access) only, p4..p9 in VLAN 20: xdpbridge's filter at 2/8
#                        uc64_restore (see below)
#   XDPBRIDGE=PATH       the CLI (default build/xdpbridge); missing -> xdpbridge rows are n/a
#   BENCH_OUT=DIR        results directory (default results/<UTC timestamp>)
#   BENCH_CPU=N          CPU the generator is pinned to (default: the last one)
#
# A rate counts only if every receiver saw >= 99.9% of the frames sent; the
# others are reported as loss. Rates are frames injected per second of
# generator time. The generator is pinned to one CPU: bpf_prog_test_run_opts
# with BPF_F_TEST_XDP_LIVE_FRAMES then runs the whole path (bridge port NAPI,
# bridge, receiver NAPI) in softirq on that CPU, so a rate is "per CPU" and
# the generator cannot outrun the bridge (unpinned, the softirq work moves to
# other CPUs and the veth rings overflow).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
XB=${XDPBRIDGE:-$ROOT/build/xdpbridge}
X=$ROOT/build/bench/xbbench
BENCH_CPU=${BENCH_CPU:-$(($(nproc) - 1))}

QUICK=${BENCH_QUICK:-0}
if [[ $QUICK == 1 ]]; then
	ROUNDS=${BENCH_ROUNDS:-1}; FRAMES=${BENCH_FRAMES:-300000}; FDB_BIG=100000
	TCP_SECS=2; LAT_COUNT=2000; SWEEP_SIZES="10000 100000"
else
	ROUNDS=${BENCH_ROUNDS:-3}; FRAMES=${BENCH_FRAMES:-5000000}; FDB_BIG=1000000
	TCP_SECS=5; LAT_COUNT=20000; SWEEP_SIZES="100000 1000000"
fi
FLOOD_FRAMES=$((FRAMES / 5))	# each one is delivered 8 times
PKT_FRAMES=$((FRAMES / 10))	# AF_PACKET frames per run (slower than live XDP frames)
TAP_FRAMES=$((FRAMES / 250))	# 65,000-byte GSO frames per tap run (20,000: 1.3 GB)
TAP_SIZE=65000
SCENARIOS=${BENCH_SCENARIOS:-"uc64 uc64_tc uc64_vlan fdb1m stations churn flood8 flood8_nohost uc512 uc1500 uc1500_pkt uc9000_pkt tcp tcp_tap latency sweep load16 vlan_tag vlan_push vlan_pop vlan_flood8 macflood"}
VLAN_ID=10		# uc64_vlan: 802.1Q tag in the data
CHURN_SET=32768		# rotating source MACs, moved between p1 and p3 on every pass
STATIONS=4096		# rotating source MACs, all staying on p1 (many flows, no moves)
NPORTS=9		# h1 sends, h2 receives unicast, h2..h9 receive the flood
ATTACK_MACS=1000000	# macflood: distinct source MACs h4 sends, round after round
ATTACKER=4		# macflood: the attacking host (port p4)
RATE_MODES=(xdpbridge linux_nf1 linux_nf0 floor)
# Rows that measure one xdpbridge variant only; their Linux bridge and floor
# references come from the row they vary (uc64, flood8), measured in the same round.
# The vlan_* rows: xdpbridge loaded --vlan-filtering (issue 11), h1 and h2 in
# VLAN 10 (vlan_setup); references from uc64 and flood8.
# uc64_restore: uc64 with the generator's --restore, the reference cost of
# the vlan_push and vlan_pop rows' generator (not in the default set).
XB_ONLY_SCENARIOS=" uc64_tc flood8_nohost vlan_tag vlan_push vlan_pop vlan_flood8 vlan_flood8_sparse uc64_restore "
# vflood rows (issue 11's VLAN flood designs, bench/xbvflood.bpf.c): their modes,
# and per row the VLAN 10 members among p2..p9 and the trunks among those.
VFLOOD_MODES=(filter pervlan fixed floor)
declare -A VFLOOD_MEMBERS=([vflood8]="p2 p3 p4 p5 p6 p7 p8 p9" [vflood4]="p2 p3 p4 p5" [vflood2]="p2 p3")
declare -A VFLOOD_TRUNKS=([vflood8]="p2 p3 p4 p5" [vflood4]="p2 p3" [vflood2]="p2")
TCP_MODES=(xdpbridge floor linux_nf1 linux_nf0 linux_nf1_best linux_nf0_best)
LAT_MODES=(xdpbridge floor linux_nf1 linux_nf0)

STAMP=$(date -u +%Y%m%dT%H%M%SZ)
OUT=${BENCH_OUT:-$ROOT/results/$STAMP}
P=xbn$$			# prefix of every namespace we create
NSB=${P}b		# the bridge's namespace (ports p1..p9)
NSL=${P}l		# 16 spare ports for the load test
BR=xbb$$		# xdpbridge name (pins /sys/fs/bpf/xdpbridge/$BR)
BR16=xbl$$
BGPIDS=()

log() { printf '[bench %s] %s\n' "$(date -u +%T)" "$*" >&2; }
die() { log "error: $*"; exit 1; }
mac() { printf '02:b0:00:00:00:%02x' "$1"; }
has() { [[ " $SCENARIOS " == *" $1 "* ]] || { [[ $1 == vflood[0-9] ]] && [[ " $SCENARIOS " == *" vflood "* ]]; }; }
hns() { echo "${P}h$1"; }
xbr() { nsenter --net="/run/netns/$NSB" -- "$XB" "$@" 2>>"$OUT/xdpbridge.log"; }

[[ $(id -u) == 0 ]] || die "run as root"
for c in ip ethtool nsenter jq; do command -v $c >/dev/null || die "missing $c"; done
make -s bench-tools >&2
mkdir -p "$OUT"
HAVE_XB=0
XB_BUILT=none
if [[ -x $XB ]]; then
	# A private copy (the BPF object is embedded): a rebuild during the run
	# cannot change what is measured.
	HAVE_XB=1
	XB_BUILT=$(date -u -r "$XB" +%FT%TZ)
	cp "$XB" "$OUT/xdpbridge.bin"
	XB=$OUT/xdpbridge.bin
else
	log "no $XB: xdpbridge figures will be n/a"
fi
# Per-port mode tc (the skb path, issue 9): rows that need it are n/a without it.
HAVE_TC=0
if [[ $HAVE_XB == 1 ]]; then
	load_help=$("$XB" load --help 2>&1 || true)	# (usage may exit 2; pipefail would hide a match)
	[[ $load_help =~ --mode\ [a-z\|]*tc ]] && HAVE_TC=1
	log "xdpbridge --mode tc: $([[ $HAVE_TC == 1 ]] && echo yes || echo 'no (rows that need it are n/a)')"
fi
RAW=$OUT/raw.tsv
: > "$RAW"

cleanup() {
	trap - ERR
	local pid n
	set +e
	for pid in "${BGPIDS[@]}"; do kill "$pid" 2>/dev/null; done
	if [[ $HAVE_XB == 1 ]]; then
		[[ -e /run/netns/$NSB ]] && xbr unload "$BR" >/dev/null 2>&1
		[[ -e /run/netns/$NSL ]] && nsenter --net="/run/netns/$NSL" -- "$XB" unload "$BR16" >/dev/null 2>&1
	fi
	for n in $(ip netns list | awk '{print $1}' | grep "^$P"); do ip netns del "$n"; done
	rm -rf "/sys/fs/bpf/xdpbridge/$BR" "/sys/fs/bpf/xdpbridge/$BR16" 2>/dev/null
	for pid in "${BGPIDS[@]}"; do wait "$pid" 2>/dev/null; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM
set -E
trap 'log "failed: line $LINENO: $BASH_COMMAND"' ERR

# --- topology -----------------------------------------------------------------
# Port pN's peer is eth0 in namespace hN, except p3: its peer is eth3 in h1,
# so the generator in h1 can move stations between p1 and p3 in one test run.
peer() { if [[ $1 == 3 ]]; then echo "${P}h1/eth3"; else echo "${P}h$1/eth0"; fi; }

topo_up() {
	local i h dev
	ip netns add "$NSB"
	ip netns exec "$NSB" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
	ip -n "$NSB" link set lo up
	for ((i = 1; i <= NPORTS; i++)); do
		h=$(peer $i); dev=${h#*/}; h=${h%/*}
		if [[ ! -e /run/netns/$h ]]; then
			ip netns add "$h"
			ip netns exec "$h" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
			ip -n "$h" link set lo up
		fi
		ip -n "$NSB" link add "p$i" type veth peer name "$dev" netns "$h"
		ip -n "$h" link set "$dev" address "$(mac $i)"
		[[ $dev == eth0 ]] && ip -n "$h" addr add "10.77.0.$i/24" dev eth0
		ip -n "$h" link set "$dev" up
		ip -n "$NSB" link set "p$i" up
		# NAPI on the bridge side, so frames XDP_TX'd into it are not dropped
		# when no XDP program runs there (Linux bridge rounds).
		ip netns exec "$NSB" ethtool -K "p$i" gro on >/dev/null
	done
	sinks_attach
}

all_h_devs() { local i; for ((i = 1; i <= NPORTS; i++)); do peer $i; done; }
sinks_attach() { local d; mapfile -t d < <(all_h_devs); "$X" sink attach "${d[@]}"; }
sinks_detach() { local d; mapfile -t d < <(all_h_devs); "$X" sink detach "${d[@]}" 2>/dev/null || true; }
# The *_tc rows: xdpbridge --mode tc forwards with bpf_redirect_peer, which hands
# the skb to h2's ingress and skips h2's XDP sink; a TC ingress sink beside it
# (same counters) counts and drops those skbs. XDP rows keep the XDP sink alone.
tc_sinks_attach() { local d; mapfile -t d < <(all_h_devs); "$X" sink attach-tc "${d[@]}"; }
tc_sinks_detach() { local d; mapfile -t d < <(all_h_devs); "$X" sink detach-tc "${d[@]}" 2>/dev/null || true; }

# Offloads of h1, h2 (and their ports p1, p2) for TCP and latency:
#   xdp  - what an XDP-redirecting bridge needs: no TX checksum offload (nobody
#          finishes a partial checksum after a redirect), GRO on the receiving
#          veth (NAPI); attaching XDP to p1/p2 turns GSO/TSO off on h1/h2 itself;
#   same - the Linux bridge with those offloads: TX csum, GSO, TSO off on h1/h2,
#          and no GRO on the bridge ports (which an XDP port cannot use either);
#   best - veth defaults on h1/h2 (TX csum, GSO, TSO on) and GRO on the ports:
#          the fastest Linux bridge set-up found.
h_offloads() {
	local i h
	for i in 1 2; do
		h=$(hns $i)
		case $1 in
		xdp)
			ip netns exec "$h" ethtool -K eth0 tx off gro on >/dev/null
			ip netns exec "$NSB" ethtool -K "p$i" gro on >/dev/null
			;;
		same)
			ip netns exec "$h" ethtool -K eth0 tx off gso off tso off gro on >/dev/null
			ip netns exec "$NSB" ethtool -K "p$i" gro off >/dev/null
			;;
		best)
			ip netns exec "$h" ethtool -K eth0 tx on gso on tso on gro off >/dev/null
			ip netns exec "$NSB" ethtool -K "p$i" gro on >/dev/null
			;;
		esac
	done
}

# --- bridges --------------------------------------------------------------------
linux_nf_orig=""
mode_on() {	# MODE SCENARIO
	local mode=$1 scen=$2 i ports=() outs=() all m t
	for ((i = 1; i <= NPORTS; i++)); do ports+=("p$i"); done
	case $mode in
	xdpbridge)
		local extra=()
		# Sized for them: the smallest power of two that holds FDB_BIG (the
		# hash has that many buckets either way, and a full walk visits them all).
		[[ $scen == fdb1m || $scen == sweep ]] && extra=(--fdb-size "$(pow2_at_least $((FDB_BIG + 2048)))")
		# Every rotating MAC learned (a write per frame): a port's default
		# learning limit, a quarter of the FDB, must hold CHURN_SET and h1.
		[[ $scen == churn ]] && extra=(--fdb-size "$(pow2_at_least $((CHURN_SET * 4 + 4)))")
		# Every xdpbridge row names its mode (a veth's default is tc): the
		# *_tc rows the skb path, all others XDP (native).
		if [[ $scen == *_tc ]]; then extra+=(--mode tc); else extra+=(--mode native); fi
		[[ $scen == flood8_nohost ]] && extra+=(--no-host-port)
		[[ $scen == vlan_* ]] && extra+=(--vlan-filtering)
		xbr load "$BR" "${ports[@]}" --detach "${extra[@]}" >/dev/null
		vlan_setup "$scen"
		;;
	linux_nf*)
		local nf=${mode#linux_nf}; nf=${nf%_best}
		ip -n "$NSB" link add br0 type bridge
		if [[ -z $linux_nf_orig ]]; then
			linux_nf_orig=$(ip netns exec "$NSB" cat /proc/sys/net/bridge/bridge-nf-call-iptables)
		fi
		ip netns exec "$NSB" sysctl -qw "net.bridge.bridge-nf-call-iptables=$nf"
		for i in "${ports[@]}"; do ip -n "$NSB" link set "$i" master br0; done
		ip -n "$NSB" link set br0 up
		;;
	filter | pervlan | fixed)	# the vflood prototype on p1
		all=$(for ((i = 1; i <= NPORTS; i++)); do printf 'p%d,' $i; done)
		m=${VFLOOD_MEMBERS[$scen]}; t=${VFLOOD_TRUNKS[$scen]}
		"$X" vflood "$NSB/p1" --design "$mode" --ports "${all%,}" --members "${m// /,}" \
			${t:+--trunks "${t// /,}"} >/dev/null
		;;
	floor)
		if [[ $scen == vflood* ]]; then	# broadcast to the members only
			m=${VFLOOD_MEMBERS[$scen]}
			"$X" floor "$NSB/p1" "${m// /,}"
		elif [[ $scen == flood8* ]]; then
			for ((i = 2; i <= NPORTS; i++)); do outs+=("p$i"); done
			"$X" floor "$NSB/p1" "$(IFS=,; echo "${outs[*]}")"
		else
			for ((i = 1; i <= NPORTS; i++)); do
				((i == 2)) && continue
				"$X" floor "$NSB/p$i" p2
			done
			"$X" floor "$NSB/p2" p1
		fi
		;;
	esac
}

mode_off() {
	local i
	case $1 in
	xdpbridge) xbr unload "$BR" >/dev/null ;;
	linux_nf*)
		ip -n "$NSB" link del br0
		ip netns exec "$NSB" sysctl -qw "net.bridge.bridge-nf-call-iptables=$linux_nf_orig"
		;;
	floor | filter | pervlan | fixed) for ((i = 1; i <= NPORTS; i++)); do "$X" detach "$NSB/p$i"; done ;;
	esac
}

# VLAN 10 for the vlan_* rows: tagged on a trunk, `pvid untagged` on an access port.
vlan_setup() {
	local scen=$1 i
	case $scen in
	vlan_tag) xbr vlan add "$BR" p1 "$VLAN_ID"; xbr vlan add "$BR" p2 "$VLAN_ID" ;;
	vlan_push) xbr vlan add "$BR" p1 "$VLAN_ID" pvid untagged; xbr vlan add "$BR" p2 "$VLAN_ID" ;;
	vlan_pop) xbr vlan add "$BR" p1 "$VLAN_ID"; xbr vlan add "$BR" p2 "$VLAN_ID" pvid untagged ;;
	vlan_flood8)	# p2-p5 trunks (a tag pushed per copy), p6-p9 access ports
		xbr vlan add "$BR" p1 "$VLAN_ID" pvid untagged
		for ((i = 2; i <= NPORTS; i++)); do
			if ((i <= 5)); then xbr vlan add "$BR" "p$i" "$VLAN_ID"
			else xbr vlan add "$BR" "p$i" "$VLAN_ID" pvid untagged; fi
		done
		;;
	vlan_flood8_sparse)	# VLAN 10: p1, p2 (trunk), p3; the others in VLAN 20
		xbr vlan add "$BR" p1 "$VLAN_ID" pvid untagged
		xbr vlan add "$BR" p2 "$VLAN_ID"
		xbr vlan add "$BR" p3 "$VLAN_ID" pvid untagged
		for ((i = 4; i <= NPORTS; i++)); do xbr vlan add "$BR" "p$i" 20 pvid untagged; done
		;;
	esac
}

# Is host n's side of scenario scen a VLAN trunk (frames sent tagged)?
vlan_tagged() {	# SCEN HOST
	case $1 in
	uc64_vlan | vlan_tag) return 0 ;;
	vlan_push) [[ $2 == 2 ]] ;;
	vlan_pop) [[ $2 == 1 ]] ;;
	*) return 1 ;;
	esac
}

# Teach the bridge where h2 (and h1) live, and check that it did (a bridge that
# floods unknown unicast looks slower than it is).
learn() {
	local mode=$1 scen=${2:-} tag1=() tag2=()
	[[ $mode == floor || $scen == vflood* ]] && return 0
	# the tagged frames' own FDB, if it has one
	vlan_tagged "$scen" 1 && tag1=(--vlan "$VLAN_ID")
	vlan_tagged "$scen" 2 && tag2=(--vlan "$VLAN_ID")
	"$X" gen --dev "$(peer 2)" --count 4 --src "$(mac 2)" --dst "$(mac 1)" "${tag2[@]}" --restore >/dev/null
	"$X" gen --dev "$(peer 1)" --count 4 --src "$(mac 1)" --dst "$(mac 2)" "${tag1[@]}" --restore >/dev/null
	if [[ $mode == xdpbridge ]]; then
		# grep -c reads all input: grep -q would SIGPIPE the writer (pipefail)
		xbr fdb show "$BR" --port p2 | grep -ci "$(mac 2)" >/dev/null ||
			log "warning: xdpbridge did not learn $(mac 2)"
	else
		bridge -n "$NSB" fdb show dev p2 | grep -ci "$(mac 2)" >/dev/null ||
			log "warning: Linux bridge did not learn $(mac 2)"
	fi
}

# Scenario set-up that needs the bridge loaded: 1 M learned MACs.
prefill() {
	local mode=$1 scen=$2 p3
	[[ $scen == fdb1m ]] || return 0
	case $mode in
	xdpbridge)
		p3=$(ip -n "$NSB" -o link show p3 | cut -d: -f1)
		log "xdpbridge FDB: $("$X" fdbfill "$BR" "$FDB_BIG" "$p3")"
		;;
	linux_nf*)	# the Linux bridge learns them from frames sent by h3
		taskset -c "$BENCH_CPU" "$X" gen --dev "$(peer 3)" --count "$FDB_BIG" --churn "$FDB_BIG" \
			--src 02:fd:00:00:00:00 --dst "$(mac 2)" >/dev/null
		# (a filtered `bridge fdb show` of 1 M entries takes a minute: probe the ends)
		local last
		last=$(printf '02:fd:%02x:%02x:%02x:%02x' $(((FDB_BIG - 1) >> 24 & 255)) \
			$(((FDB_BIG - 1) >> 16 & 255)) $(((FDB_BIG - 1) >> 8 & 255)) $(((FDB_BIG - 1) & 255)))
		if bridge -n "$NSB" fdb get 02:fd:00:00:00:00 br br0 >/dev/null 2>&1 &&
		   bridge -n "$NSB" fdb get "$last" br br0 >/dev/null 2>&1; then
			log "Linux bridge learned 02:fd:00:00:00:00 .. $last"
		else
			log "warning: Linux bridge did not learn all $FDB_BIG MACs"
		fi
		;;
	esac
}

record() { printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >> "$RAW"; }

# One rate measurement: scen mode round.
measure_rate() {
	local scen=$1 mode=$2 round=$3 size=64 dst recv=() gen_args out sent pps counts min ok
	local quiet=() leaked=0
	local warm=$((FRAMES / 10))
	dst=$(mac 2); recv=("$(peer 2)")
	gen_args=(--dev "$(peer 1)" --count "$FRAMES" --src "$(mac 1)")
	case $scen in
	uc512) size=512 ;;
	uc1500) size=1500 ;;
	uc64_vlan | vlan_tag) gen_args+=(--vlan "$VLAN_ID") ;;
	# the bridge rewrites the frame in place: the generator restores its header
	vlan_pop) gen_args+=(--vlan "$VLAN_ID" --restore) ;;
	vlan_push | uc64_restore) gen_args+=(--restore) ;;
	stations)	# learned by the warm-up run; then lookups only, no writes
		gen_args=(--dev "$(peer 1)" --count "$FRAMES" --churn "$STATIONS" --src 02:cd:00:00:00:00)
		;;
	churn)
		gen_args=(--dev "$(peer 1)" --alt-dev eth3 --count "$FRAMES" --churn "$CHURN_SET"
			  --src 02:cc:00:00:00:00)
		;;
	flood8|flood8_nohost|vlan_flood8)
		dst=ff:ff:ff:ff:ff:ff; recv=()
		gen_args=(--dev "$(peer 1)" --count "$FLOOD_FRAMES" --src "$(mac 1)")
		warm=$((FLOOD_FRAMES / 10))
		for ((i = 2; i <= NPORTS; i++)); do recv+=("$(peer $i)"); done
		;;
	# VLAN 10 floods: the members receive every frame, the other ports none.
	# --reset-meta: the last copy of a flood is the generator's own frame, and
	# where it is dropped or sent without removing the flood's XDP metadata,
	# the recycled frame would carry it into the next pass (more each time,
	# until bpf_xdp_adjust_meta refuses at 32 bytes: seen, 1,728 of 100,000
	# frames delivered).
	vflood? | vlan_flood8_sparse)
		local m=${VFLOOD_MEMBERS[vflood2]}	# vlan_flood8_sparse: as vflood2
		[[ $scen == vflood? ]] && m=${VFLOOD_MEMBERS[$scen]}
		dst=ff:ff:ff:ff:ff:ff; recv=()
		gen_args=(--dev "$(peer 1)" --count "$FLOOD_FRAMES" --src "$(mac 1)" --reset-meta)
		warm=$((FLOOD_FRAMES / 10))
		for ((i = 2; i <= NPORTS; i++)); do
			if [[ " $m " == *" p$i "* ]]; then recv+=("$(peer $i)"); else quiet+=("$(peer $i)"); fi
		done
		;;
	esac
	# Warm-up run, not counted: the first frames after a load are slower.
	taskset -c "$BENCH_CPU" "$X" gen "${gen_args[@]}" --count "$warm" --size "$size" --dst "$dst" >/dev/null || true
	"$X" sink reset "${recv[@]}" "${quiet[@]}"
	if ! out=$(taskset -c "$BENCH_CPU" "$X" gen "${gen_args[@]}" --size "$size" --dst "$dst"); then
		record "$scen" "$mode" "$round" 0 0 0 0 fps
		return 0
	fi
	sleep 0.2
	sent=$(sed -E 's/.*sent=([0-9]+).*/\1/' <<<"$out")
	pps=$(sed -E 's/.*pps=([0-9]+).*/\1/' <<<"$out")
	counts=$("$X" sink read "${recv[@]}")
	min=$(awk 'NR == 1 || $2 < m { m = $2 } END { print m + 0 }' <<<"$counts")
	ok=$(awk -v s="$sent" -v r="$min" 'BEGIN { print (r * 1000 >= s * 999) ? 1 : 0 }')
	if ((${#quiet[@]})); then	# ports outside the VLAN: nothing may leak
		leaked=$("$X" sink read "${quiet[@]}" | awk '{ s += $2 } END { print s + 0 }')
		((leaked == 0)) || { ok=0; log "$scen $mode: $leaked frames left ports outside VLAN $VLAN_ID"; }
	fi
	record "$scen" "$mode" "$round" "$pps" "$sent" "$min" "$ok" fps
	# With vflood asked for, every flood row also gets a <row>_cpu twin: frames
	# per second of CPU time (generator thread + its CPU's ksoftirqd), which
	# other tenants taking the CPU away do not change.
	if has vflood && [[ $scen == *flood* ]]; then
		record "${scen}_cpu" "$mode" "$round" "$(sed -E 's/.*cpu_fps=([0-9]+).*/\1/' <<<"$out")" \
			"$sent" "$min" "$ok" fps
	fi
	if [[ $mode == xdpbridge && $scen != *flood8* ]]; then	# known unicast must not flood
		local flooded
		flooded=$(xbr -j stats "$BR" | jq '[.. | objects | select(.ifname? == "p1") | .flooded // 0] | add // 0')
		((flooded * 100 <= sent)) || log "warning: xdpbridge flooded $flooded frames from p1: destination not known?"
	fi
	log "$(printf '%-7s %-10s round %d: %6.2f Mpps%s, delivered %s/%s%s' "$scen" "$mode" "$round" \
		"$(awk -v p="$pps" 'BEGIN { print p / 1e6 }')" \
		"$(sed -nE 's/.*cpu_fps=([0-9]+).*/ (\1 per CPU second)/p' <<<"$out")" "$min" "$sent" \
		"$([[ $ok == 1 ]] || echo ' (LOSS: not counted)')")"
}

# --- frames sent as skbs (AF_PACKET), 1500 and 9000 bytes ------------------------------
# Live XDP frames cannot exceed a page, so these rows use `xbbench pgen` from
# h1 (sendmmsg, qdisc bypassed) for both sizes; the ratio that matters is each
# size's xdpbridge/floor. MTU 9000 on h1-p1-p2-h2 needs frags-aware XDP
# programs on those veths: the floor and sink have xdp.frags variants; an
# xdpbridge without them makes the MTU change fail, and its row reads n/a.
jumbo_mtu() {	# MTU: set it on h1/eth0, p1, p2, h2/eth0; 1 if the kernel refuses
	local mtu=$1 ns dev nd
	for nd in "$(hns 1) eth0" "$NSB p1" "$NSB p2" "$(hns 2) eth0"; do
		ns=${nd% *}; dev=${nd#* }
		if ! ip -n "$ns" link set dev "$dev" mtu "$mtu" 2>>"$OUT/xdpbridge.log"; then
			log "MTU $mtu on $ns/$dev refused (see $OUT/xdpbridge.log)"
			return 1
		fi
	done
}

measure_pkt() {	# SCEN MODE ROUND SIZE
	local scen=$1 mode=$2 round=$3 size=$4 out sent pps min ok
	local n=$PKT_FRAMES args=(--dev "$(peer 1)" --src "$(mac 1)" --dst "$(mac 2)" --size "$size")
	taskset -c "$BENCH_CPU" "$X" pgen "${args[@]}" --count $((n / 10)) >/dev/null || true
	"$X" sink reset "$(peer 2)"
	if ! out=$(taskset -c "$BENCH_CPU" "$X" pgen "${args[@]}" --count "$n"); then
		record "$scen" "$mode" "$round" 0 0 0 0 fps
		return 0
	fi
	sleep 0.2
	sent=$(sed -E 's/.*sent=([0-9]+).*/\1/' <<<"$out")
	pps=$(sed -E 's/.*pps=([0-9]+).*/\1/' <<<"$out")
	min=$("$X" sink read "$(peer 2)" | awk '{ print $2 + 0 }')
	ok=$(awk -v s="$sent" -v r="$min" 'BEGIN { print (r * 1000 >= s * 999) ? 1 : 0 }')
	record "$scen" "$mode" "$round" "$pps" "$sent" "$min" "$ok" fps
	log "$(printf '%-10s %-10s round %d: %6.3f Mpps, delivered %s/%s%s' "$scen" "$mode" "$round" \
		"$(awk -v p="$pps" 'BEGIN { print p / 1e6 }')" "$min" "$sent" \
		"$([[ $ok == 1 ]] || echo ' (LOSS: not counted)')")"
}

measure_jumbo() {	# ROUND
	local round=$1 size scen mode i
	# h1 sends only (its sink's non-frags program would cap p1's MTU); h2's sink takes frags
	# (detach first: a veth lifts its peer's MTU cap only when XDP goes from
	# none to a frags program, not when a program is replaced)
	"$X" sink detach "$(peer 1)" "$(peer 2)"
	"$X" sink attach-frags "$(peer 2)"
	for size in 1500 9000; do
		scen=uc${size}_pkt
		has $scen || continue
		for mode in $(rotate $round xdpbridge linux_nf0 floor); do
			run_mode $mode || continue
			if [[ $mode == floor ]]; then
				"$X" floor "$NSB/p1" p2 --frags
				"$X" floor "$NSB/p2" p1 --frags
			else
				mode_on $mode "$scen"
			fi
			if ((size > 1500)) && ! jumbo_mtu "$size"; then
				((round == 1)) && record "$scen" none 0 0 0 0 0 fps
				[[ $mode == xdpbridge ]] && log "$scen: xdpbridge row n/a (a port with XDP refuses MTU $size: needs xdp.frags)"
			else
				learn $mode
				measure_pkt "$scen" $mode $round "$size"
			fi
			jumbo_mtu 1500 || true
			mode_off $mode
		done
	done
	sinks_detach
	sinks_attach
}

# --- guest TSO through taps ---------------------------------------------------------
# Two taps t1, t2 in the bridge's namespace, opened by `xbbench tapgen` as qemu
# opens them (IFF_VNET_HDR, non-blocking); it writes 65,000-byte TCP frames
# with a virtio_net_hdr (GSO_TCPV4, gso_size 1448, NEEDS_CSUM) into t1, as a
# guest with TSO hands them to qemu, and reads t2 (TSO accepted, like a
# guest's). bps = frame bytes read from t2 per second of writing.
tap_mode_on() {	# MODE: xdpbridge | xdpbridge_tc | linux_nf0
	case $1 in
	xdpbridge) xbr load "$BR" t1 t2 --detach --mode native >/dev/null ;;	# a tap's default is tc
	xdpbridge_tc) xbr load "$BR" t1 t2 --detach --mode tc >/dev/null ;;
	linux_nf0)
		ip -n "$NSB" link add br0 type bridge
		[[ -n $linux_nf_orig ]] || linux_nf_orig=$(ip netns exec "$NSB" cat /proc/sys/net/bridge/bridge-nf-call-iptables)
		ip netns exec "$NSB" sysctl -qw net.bridge.bridge-nf-call-iptables=0
		ip -n "$NSB" link set t1 master br0
		ip -n "$NSB" link set t2 master br0
		ip -n "$NSB" link set br0 up
		;;
	esac
}

measure_tap() {	# MODE ROUND
	local mode=$1 round=$2 scen=tcp_tap out sent bps bytes ok=1
	[[ $mode == xdpbridge_tc ]] && scen=tcp_tap_tc
	if ! out=$(taskset -c "$BENCH_CPU" "$X" tapgen --in "$NSB/t1" --out "$NSB/t2" \
			--count "$TAP_FRAMES" --size "$TAP_SIZE"); then
		record "$scen" "${mode%_tc}" "$round" 0 0 0 0 bps
		return 0
	fi
	sent=$(sed -E 's/.*sent=([0-9]+).*/\1/' <<<"$out")
	bytes=$(sed -E 's/.*bytes_out=([0-9]+).*/\1/' <<<"$out")
	bps=$(awk -v g="$(sed -E 's/.*gbps=([0-9.]+).*/\1/' <<<"$out")" 'BEGIN { printf "%.0f", g * 1e9 }')
	# every byte written must come out (as one GSO frame or as segments, which add headers)
	ok=$(awk -v s="$sent" -v z="$TAP_SIZE" -v b="$bytes" 'BEGIN { print (b * 1000 >= s * z * 999) ? 1 : 0 }')
	record "$scen" "${mode%_tc}" "$round" "$bps" "$((sent * TAP_SIZE))" "$bytes" "$ok" bps
	log "$(printf 'tcp_tap %-14s round %d: %s%s' "$mode" "$round" "$out" \
		"$([[ $ok == 1 ]] || echo ' (LOSS: not counted)')")"
}

measure_tcp() {
	local mode=$1 round=$2 out bps ok=1
	if out=$(ip netns exec "$(hns 1)" timeout $((TCP_SECS + 15)) \
		 iperf3 -c 10.77.0.2 -p 5201 -t "$TCP_SECS" -J 2>/dev/null); then
		bps=$(jq -r '.end.sum_received.bits_per_second // 0' <<<"$out")
	else
		bps=0
	fi
	[[ ${bps%.*} -gt 0 ]] || ok=0
	if [[ $mode == *_best ]]; then
		record tcp_best "${mode%_best}" "$round" "${bps%.*}" 0 0 "$ok" bps
	elif [[ $mode == xdpbridge_tc ]]; then
		record tcp_tc xdpbridge "$round" "${bps%.*}" 0 0 "$ok" bps
	else
		record tcp "$mode" "$round" "${bps%.*}" 0 0 "$ok" bps
	fi
	log "$(printf 'tcp     %-14s round %d: %.2f Gbit/s' "$mode" "$round" "$(awk -v b="$bps" 'BEGIN { print b / 1e9 }')")"
}

measure_latency() {
	local mode=$1 round=$2 out p50 p99 ok=1
	out=$(ip netns exec "$(hns 1)" taskset -c "$BENCH_CPU" "$X" ping 10.77.0.2 7000 "$LAT_COUNT" 500 64) || ok=0
	p50=$(sed -nE 's/.*p50_us=([0-9.]+).*/\1/p' <<<"$out"); p99=$(sed -nE 's/.*p99_us=([0-9.]+).*/\1/p' <<<"$out")
	record lat_p50 "$mode" "$round" "${p50:-0}" "$LAT_COUNT" 0 "$ok" us
	record lat_p99 "$mode" "$round" "${p99:-0}" "$LAT_COUNT" 0 "$ok" us
	log "latency $mode round $round: $out"
}

# Modes in a different order every round, so no mode always runs first.
rotate() {	# ROUND MODE...
	local r=$1; shift
	local a=("$@") n=$# i
	for ((i = 0; i < n; i++)); do echo "${a[$(((i + r) % n))]}"; done
}

pow2_at_least() {	# N: the smallest power of two >= N
	local p=1
	while ((p < $1)); do p=$((p * 2)); done
	echo "$p"
}

run_mode() {	# MODE: skip xdpbridge when the CLI is missing
	[[ $1 != xdpbridge || $HAVE_XB == 1 ]]
}

# --- control plane ------------------------------------------------------------------
stop_control_loop() {	# BRIDGE
	local pid i
	pid=$(cat "/run/xdpbridge/$1.pid" 2>/dev/null) || return 0
	[[ $(cat "/proc/$pid/comm" 2>/dev/null) == xdpbridge* ]] || return 0	# stale
	kill "$pid" 2>/dev/null || return 0
	for ((i = 0; i < 50; i++)); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.1
	done
	die "the control loop of $1 (pid $pid) did not stop"
}

measure_sweep() {
	local round=$1 n out p3
	for n in $SWEEP_SIZES; do
		mode_on xdpbridge sweep
		# Time the sweep alone: stop the bridge's control loop (the bridge keeps
		# forwarding), or its own sweeps every few seconds would race with the
		# fills and the timed runs.
		stop_control_loop "$BR"
		p3=$(ip -n "$NSB" -o link show p3 | cut -d: -f1)
		# The loader's own sweep (fdb_age, over the ageing index): over n live
		# entries (none expires, the sweep that runs every few seconds), then
		# the full FDB walk (fdb_age_full, run only when the data path reports
		# an entry without a record), then the sweep over n that all expire.
		log "fill $n live round $round: $("$X" fdbfill "$BR" "$n" "$p3")"
		out=$("$X" sweep "$BR")
		record "sweep_$n" xdpbridge "$round" "$(sed -E 's/.* ms=([0-9.]+).*/\1/' <<<"$out")" "$n" \
			"$(sed -E 's/.*expired=([0-9]+).*/\1/' <<<"$out")" 1 ms
		log "sweep $n live round $round: $out"
		out=$("$X" sweep "$BR" --full)
		record "sweep_full_$n" xdpbridge "$round" "$(sed -E 's/.* ms=([0-9.]+).*/\1/' <<<"$out")" "$n" \
			"$(sed -E 's/.*expired=([0-9]+).*/\1/' <<<"$out")" 1 ms
		log "full walk $n live round $round: $out"
		"$X" fdbfill "$BR" "$n" "$p3" 3600 >/dev/null
		out=$("$X" sweep "$BR")
		record "sweep_expire_$n" xdpbridge "$round" "$(sed -E 's/.* ms=([0-9.]+).*/\1/' <<<"$out")" "$n" \
			"$(sed -E 's/.*expired=([0-9]+).*/\1/' <<<"$out")" 1 ms
		log "sweep $n expiring round $round: $out"
		if xbr fdb flush "$BR" >/dev/null 2>&1; then
			"$X" fdbfill "$BR" "$n" "$p3" >/dev/null
			local t0 t1
			t0=$(date +%s%N)
			if xbr fdb flush "$BR" >/dev/null 2>&1; then
				t1=$(date +%s%N)
				record "flush_$n" xdpbridge "$round" "$(awk -v d=$((t1 - t0)) 'BEGIN { printf "%.1f", d / 1e6 }')" "$n" 0 1 ms
			fi
		fi
		mode_off xdpbridge
	done
}

measure_load16() {
	local round=$1 i ports=() t0 t1 ms
	for ((i = 1; i <= 16; i++)); do ports+=("q$i"); done
	t0=$(date +%s%N)
	# native, as this row always measured (XDP and TC program per port)
	nsenter --net="/run/netns/$NSL" -- "$XB" load "$BR16" "${ports[@]}" --mode native --detach >/dev/null 2>>"$OUT/xdpbridge.log"
	t1=$(date +%s%N)
	nsenter --net="/run/netns/$NSL" -- "$XB" unload "$BR16" >/dev/null 2>>"$OUT/xdpbridge.log"
	ms=$(awk -v d=$((t1 - t0)) 'BEGIN { printf "%.1f", d / 1e6 }')
	record load16 xdpbridge "$round" "$ms" 16 0 1 ms
	# Reference: a Linux bridge with the same 16 ports, in one `ip -batch`.
	{
		echo "link add lbr16 type bridge"
		for i in "${ports[@]}"; do echo "link set $i master lbr16"; done
		echo "link set lbr16 up"
	} > "$OUT/lbr16.batch"
	t0=$(date +%s%N)
	ip -n "$NSL" -batch "$OUT/lbr16.batch"
	t1=$(date +%s%N)
	ip -n "$NSL" link del lbr16
	record load16 linux_nf1 "$round" "$(awk -v d=$((t1 - t0)) 'BEGIN { printf "%.1f", d / 1e6 }')" 16 0 1 ms
	log "load of 16 ports round $round: xdpbridge $ms ms"
}

# --- MAC flood (issue 10) -------------------------------------------------------------
# h1 -> h2 known unicast (the uc64 path) three ways in one load, each with a
# BENCH_CPU generator while a second generator runs on the other CPU or not:
#   macflood_base      alone;
#   macflood_neighbor  while h4 sends from its one (learned) MAC as fast as it
#                      can: the share of the machine a busy neighbour takes;
#   macflood           while h4 sends ATTACK_MACS distinct source MACs, each
#                      twice, pass after pass: the attack; h1 and h2 idle for
#                      its first 3 s.
# h4 sends to its own MAC (learned on p4): its frames are reflect-dropped, so
# only h1's frames can reach a sink. macflood_leak: h1's frames that reached
# the attacker's port (flooded after the flood evicted h2): must be 0. The
# bridge has its default learning limits (a quarter of --fdb-size per port).
# macflood / macflood_base is the issue's figure; macflood / macflood_neighbor
# leaves out what any busy neighbour costs on a machine of few CPUs.
h4_busy() {	# STOPFILE LOG GEN_ARGS...: h4 sends until STOPFILE exists
	local stop=$1 glog=$2 acpu
	shift 2
	acpu=$(((BENCH_CPU + 1) % $(nproc)))
	rm -f "$stop"
	(
		while [[ ! -e $stop ]]; do
			taskset -c "$acpu" "$X" gen --dev "$(peer $ATTACKER)" --dst "$(mac $ATTACKER)" "$@" || break
		done
	) >"$glog" 2>&1 &
	BUSY_PID=$!
	BGPIDS+=("$BUSY_PID")
	sleep 1	# well under way: the attacker's port at its limit, or (unlimited) the FDB churning
}

h4_rate() {	# LOG: "N runs, X Mpps"
	awk -F'pps=' '/pps=/ { n++; s += $2 } END { if (n) printf "%d runs, %.2f Mpps", n, s / n / 1e6; else print "no complete run" }' "$1"
}

raw_value() {	# SCEN ROUND
	awk -F'\t' -v s="$1" -v r="$2" '$1 == s && $3 == r { v = $4 } END { print v + 0 }' "$RAW"
}

pct() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f%%", a * 100 / b; else print "n/a" }'; }

measure_macflood() {	# ROUND
	local round=$1 stop=$OUT/h4.stop nlog=$OUT/neighbor.$1.log alog=$OUT/attack.$1.log leak base nb att
	mode_on xdpbridge macflood
	learn xdpbridge
	"$X" gen --dev "$(peer $ATTACKER)" --count 4 --src "$(mac $ATTACKER)" --dst "$(mac 1)" >/dev/null
	measure_rate macflood_base xdpbridge "$round"

	h4_busy "$stop" "$nlog" --count "$ATTACK_MACS" --src "$(mac $ATTACKER)"
	measure_rate macflood_neighbor xdpbridge "$round"
	touch "$stop"
	wait "$BUSY_PID" 2>/dev/null || true

	# Each MAC twice in a row: the second frame hits the entry the first made,
	# which makes it "recently used" for the kernel's LRU (one-shot sources
	# alone are evicted first and spare the active stations).
	h4_busy "$stop" "$alog" --count $((2 * ATTACK_MACS)) --churn "$ATTACK_MACS" --churn-repeat 2 \
		--src 02:ac:00:00:00:00
	sleep 2	# h1 and h2 idle meanwhile, as stations between conversations
	"$X" sink reset "$(peer $ATTACKER)"
	measure_rate macflood xdpbridge "$round"
	leak=$("$X" sink read "$(peer $ATTACKER)" | awk '{ s += $2 } END { print s + 0 }')
	touch "$stop"
	wait "$BUSY_PID" 2>/dev/null || true
	record macflood_leak xdpbridge "$round" "$leak" 0 0 1 frames

	base=$(raw_value macflood_base "$round"); nb=$(raw_value macflood_neighbor "$round")
	att=$(raw_value macflood "$round")
	log "$(printf 'macflood round %d: known hosts %.2f Mpps under a %d-MAC flood (h4: %s), %.2f Mpps beside a busy neighbour (h4: %s), %.2f Mpps alone: %s of alone, %s of beside the neighbour; h1 frames at the attacker port: %s' \
		"$round" "$(awk -v p="$att" 'BEGIN { print p / 1e6 }')" "$ATTACK_MACS" "$(h4_rate "$alog")" \
		"$(awk -v p="$nb" 'BEGIN { print p / 1e6 }')" "$(h4_rate "$nlog")" \
		"$(awk -v p="$base" 'BEGIN { print p / 1e6 }')" "$(pct "$att" "$base")" "$(pct "$att" "$nb")" "$leak")"
	xbr stats "$BR" | grep -E "^port p$ATTACKER:" | grep -oE "learn_limit [0-9]+" | sed "s/^/[bench] attacker port p$ATTACKER: /" >&2 || true
	mode_off xdpbridge
}

# --- main -----------------------------------------------------------------------
log "results in $OUT; rounds=$ROUNDS frames=$FRAMES quick=$QUICK"
topo_up
if has load16; then
	ip netns add "$NSL"
	for ((i = 1; i <= 16; i++)); do
		ip -n "$NSL" link add "q$i" type veth peer name "r$i"
		ip -n "$NSL" link set "q$i" up
		ip -n "$NSL" link set "r$i" up
	done
fi
if has tcp_tap; then
	for t in t1 t2; do
		ip -n "$NSB" tuntap add dev "$t" mode tap
		ip -n "$NSB" link set "$t" up
	done
fi
if has latency; then
	# client and server on the generator's CPU: no cross-CPU wake-ups in a round trip
	ip netns exec "$(hns 2)" taskset -c "$BENCH_CPU" "$X" echo 7000 3600 & BGPIDS+=($!)
fi
if has tcp; then
	ip netns exec "$(hns 2)" iperf3 -s -p 5201 >/dev/null 2>&1 & BGPIDS+=($!)
fi
sleep 0.3

for ((round = 1; round <= ROUNDS; round++)); do
	for scen in uc64 uc64_tc uc64_vlan fdb1m stations churn flood8 flood8_nohost uc512 uc1500 \
		    vlan_tag vlan_push vlan_pop vlan_flood8 vlan_flood8_sparse uc64_restore vflood8 vflood4 vflood2; do
		has $scen || continue
		modes=("${RATE_MODES[@]}")
		[[ $scen == vflood? ]] && modes=("${VFLOOD_MODES[@]}")
		# Tagged frames: no Linux bridge column. It untags each frame in place
		# (skb_vlan_untag moves the MACs inside the page), and live XDP frames
		# reuse their pages without rewriting them: after the first batch the
		# generator sends garbage. The target compares xdpbridge with the floor.
		[[ $scen == uc64_vlan ]] && modes=(xdpbridge floor)
		if [[ $XB_ONLY_SCENARIOS == *" $scen "* ]]; then
			modes=(xdpbridge)
			if [[ $scen == *_tc && $HAVE_TC == 0 ]]; then
				((round == 1)) && record "$scen" none 0 0 0 0 0 fps	# row shown as n/a
				continue
			fi
		fi
		for mode in $(rotate $round "${modes[@]}"); do
			run_mode $mode || continue
			if [[ $scen == *_tc ]]; then tc_sinks_attach; fi
			mode_on $mode $scen
			prefill $mode $scen
			learn $mode $scen
			measure_rate $scen $mode $round
			mode_off $mode
			if [[ $scen == *_tc ]]; then tc_sinks_detach; fi
		done
	done
	if has uc1500_pkt || has uc9000_pkt; then
		measure_jumbo $round
	fi
	if has tcp; then
		sinks_detach
		tcp_modes=("${TCP_MODES[@]}")
		if [[ $HAVE_TC == 1 ]]; then
			tcp_modes+=(xdpbridge_tc)
		elif ((round == 1)) && [[ $HAVE_XB == 1 ]]; then
			record tcp_tc none 0 0 0 0 0 bps	# row shown as n/a
		fi
		for mode in $(rotate $round "${tcp_modes[@]}"); do
			run_mode ${mode%_tc} || continue
			case $mode in
			xdpbridge|floor) h_offloads xdp ;;
			# the skb path keeps GSO/TSO and finishes partial checksums: veth defaults
			*_best|*_tc) h_offloads best ;;
			*) h_offloads same ;;
			esac
			if [[ $mode == xdpbridge_tc ]]; then
				mode_on xdpbridge tcp_tc
			else
				mode_on "${mode%_best}" tcp
			fi
			measure_tcp $mode $round
			mode=${mode%_best}
			mode_off "${mode%_tc}"
		done
		h_offloads best
		sinks_attach
	fi
	if has tcp_tap; then
		tap_modes=(xdpbridge linux_nf0)
		if [[ $HAVE_TC == 1 ]]; then
			tap_modes+=(xdpbridge_tc)
		elif ((round == 1)) && [[ $HAVE_XB == 1 ]]; then
			record tcp_tap_tc none 0 0 0 0 0 bps	# row shown as n/a
		fi
		for mode in $(rotate $round "${tap_modes[@]}"); do
			run_mode ${mode%_tc} || continue
			tap_mode_on $mode
			measure_tap $mode $round
			mode_off ${mode%_tc}
		done
	fi
	if has latency; then
		h_offloads xdp	# full UDP checksums: an XDP-redirected frame has nobody to finish them
		for mode in $(rotate $round "${LAT_MODES[@]}"); do
			run_mode $mode || continue
			mode_on $mode latency
			measure_latency $mode $round
			mode_off $mode
		done
		h_offloads best
	fi
	if [[ $HAVE_XB == 1 ]]; then
		has sweep && measure_sweep $round
		has load16 && measure_load16 $round
		has macflood && measure_macflood $round
	fi
done

# --- report -------------------------------------------------------------------------
MACHINE=$(jq -n --arg kernel "$(uname -r)" --arg cpu "$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)" \
	--argjson nproc "$(nproc)" --arg load "$(cut -d' ' -f1-3 /proc/loadavg)" \
	--arg date "$STAMP" --argjson rounds "$ROUNDS" --argjson frames "$FRAMES" --argjson quick "$QUICK" \
	--argjson flood "$FLOOD_FRAMES" --argjson fdb "$FDB_BIG" --argjson churn "$CHURN_SET" \
	--argjson stations "$STATIONS" \
	--argjson cpu_pin "$BENCH_CPU" --argjson tcp_secs "$TCP_SECS" --argjson lat "$LAT_COUNT" \
	--arg commit "$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)" \
	--argjson dirty "$(git -C "$ROOT" status --porcelain -- bpf include user 2>/dev/null | wc -l)" \
	--arg xb_built "$XB_BUILT" --argjson have_tc "$HAVE_TC" --argjson pkt "$PKT_FRAMES" \
	'{kernel: $kernel, cpu: $cpu, nproc: $nproc, loadavg_at_end: $load, date: $date,
	  git_commit: $commit, uncommitted_files_in_bpf_include_user: $dirty, xdpbridge_built: $xb_built,
	  xdpbridge_mode_tc: ($have_tc == 1), pkt_frames_per_run: $pkt,
	  rounds: $rounds, frames_per_run: $frames, flood_frames_per_run: $flood, fdb_entries: $fdb,
	  churn_macs: $churn, stations: $stations, generator_cpu: $cpu_pin, tcp_seconds: $tcp_secs, latency_round_trips: $lat,
	  quick: ($quick == 1)}')
jq -Rn --argjson machine "$MACHINE" -f bench/report.jq "$RAW" > "$OUT/results.json"
jq -r -f bench/table.jq "$OUT/results.json" | tee "$OUT/table.md"

if command -v gnuplot >/dev/null; then
	jq -r '.scenarios[] | select(.unit == "fps" and .modes.filter == null) |
	       [.name] + ([ "xdpbridge", "linux_nf1", "linux_nf0", "floor" ] as $m
	                  | [ $m[] as $k | (.modes[$k].median // 0) / 1e6 ]) | @tsv' \
		"$OUT/results.json" > "$OUT/chart.tsv"
	gnuplot -e "datafile='$OUT/chart.tsv'; outfile='$OUT/chart.png'" bench/chart.gp 2>/dev/null &&
		log "chart: $OUT/chart.png" || log "gnuplot failed: no chart"
else
	log "gnuplot not installed: no chart"
fi
log "results: $OUT/results.json"
