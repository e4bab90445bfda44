# shellcheck shell=bash
# shellcheck disable=SC2317,SC2046  # tests are called indirectly; port lists split on purpose
# Issue 9: the traffic KVM guests and containers really send, through the
# bridge: a guest's TSO and checksum-offloaded frames on taps opened as qemu
# opens them, jumbo frames, VLAN tags in the frame and in skb metadata, a VXLAN
# port, and counters for frames the kernel drops after the bridge's decision.
# Sourced by run.sh, which runs every test_* function here too. Besides what
# run.sh needs: python3 (tap tests, tests/tools/taptool.py), clang, libbpf-dev
# and tc (VLAN tags in metadata, tests/tools/xb_vlan_push.bpf.c), iperf3, ss
# and numfmt; a test skips when its tool or kernel feature is missing.
#
# Most tests run once per bridge mode (each_mode): the xdpbridge modes listed,
# or once against the Linux bridge with XB_BACKEND=linux. A failing mode does
# not stop the others; the test then fails naming every failing mode.

# Counter names in `xdpbridge -j stats BRIDGE` (per port) these tests expect.
TK_STAT_TO_SKB=${TK_STAT_TO_SKB:-to_skb}		# frames the XDP program handed to the skb path
TK_STAT_KERNEL_DROP=${TK_STAT_KERNEL_DROP:-kernel_dropped}	# dropped by the kernel after the decision

TAPTOOL=${TAPTOOL:-$XB_TOP/tests/tools/taptool.py}
VLAN_PUSH_SRC=$XB_TOP/tests/tools/xb_vlan_push.bpf.c
VLAN_PUSH_OBJ=$(dirname "$XBPKT")/xb_vlan_push.bpf.o
TAP_A=${PFX}ta		# taps (root netns) of two "guests"
TAP_B=${PFX}tb
VXLAN_PORT=${PFX}vx	# VXLAN device (root netns) that is a bridge port
UNDERLAY=${PFX}u	# root-netns end of the VXLAN underlay veth
# "TPID VID PCP" of the tags sent; xb_vlan_push.bpf.c's tc/ctag and tc/stag
# push the same two.
VLAN_TAGS=("0x8100 10 5" "0x88a8 20 3")
VLAN_SECS=(tc/ctag tc/stag)

# ---------------------------------------------------------------- modes

# The modes a test runs: the xdpbridge modes given, or "linux".
tk_modes() {
	if [ "$XB_BACKEND" = linux ]; then echo linux; else echo "$@"; fi
}

# br_load_mode MODE PORT...: bridge $BR with every port in MODE
# ("default" or "linux": no --mode, whatever XB_MODE says).
br_load_mode() {
	local mode=$1
	shift
	case $mode in
	linux | default) XB_MODE='' br_load "$@" ;;
	*) must "$XDPBRIDGE" load "$BR" "$@" --mode "$mode" --detach ;;
	esac
}

br_unload() {
	if [ "$XB_BACKEND" = linux ]; then
		ip link del "$BR" 2>/dev/null
	else
		"$XDPBRIDGE" unload "$BR" >/dev/null 2>&1
	fi
	return 0
}

# Background processes started by this (mode) subshell.
tk_stop_bg() {
	local p i
	for p in "${BG_PIDS[@]}"; do kill -TERM "$p" 2>/dev/null; done
	for p in "${BG_PIDS[@]}"; do
		for ((i = 0; i < 20; i++)); do kill -0 "$p" 2>/dev/null || break; sleep 0.05; done
		kill -KILL "$p" 2>/dev/null
	done
	return 0
}

# each_mode "MODE..." FUNC ARGS...: FUNC ARGS MODE once per mode, each in a
# subshell (a fail ends that mode only), the bridge unloaded after each. Fails
# naming every failing mode; skips if every mode skipped.
each_mode() {
	local modes=$1 m rc reason ns_name passed=0 failed=() skipped=()
	shift
	for m in $modes; do
		log "==== mode $m"
		# Modes must not inherit each other's neighbour entries (a FAILED one).
		for ns_name in $(ip netns list | awk '{ print $1 }' | grep -E "^${PFX}h[0-9]+$"); do
			ip -n "$ns_name" neigh flush all >/dev/null 2>&1
		done
		(
			BG_PIDS=()
			trap tk_stop_bg EXIT
			"$@" "$m"
		) >"$XB_TMP/mode.$m.log" 2>&1
		rc=$?
		sed "s/^/  [$m] /" "$XB_TMP/mode.$m.log"
		if [ "$rc" != 0 ] && [ "$rc" != 77 ] && [ "$XB_BACKEND" = xdpbridge ]; then
			# What the bridge saw, for whoever reads the failure.
			"$XDPBRIDGE" show "$BR" 2>&1 | sed "s/^/  [$m] show| /"
			"$XDPBRIDGE" stats "$BR" 2>&1 | sed "s/^/  [$m] stats| /"
		fi
		br_unload
		case $rc in
		0)
			passed=$((passed + 1))
			log "==== mode $m: PASS"
			;;
		77)
			reason=$(grep -m1 '^SKIP: ' "$XB_TMP/mode.$m.log" | sed 's/^SKIP: //')
			skipped+=("$m: $reason")
			log "==== mode $m: SKIP: $reason"
			;;
		*)
			reason=$(grep -m1 '^FAIL: ' "$XB_TMP/mode.$m.log" | sed 's/^FAIL: //')
			failed+=("mode $m: ${reason:-exit code $rc}")
			log "==== mode $m: FAIL: ${reason:-exit code $rc}"
			;;
		esac
	done
	if [ ${#failed[@]} -gt 0 ]; then
		reason=$(printf '%s | ' "${failed[@]}")
		fail "${#failed[@]} of $(wc -w <<<"$modes") modes failed: ${reason% | }"
	fi
	[ "$passed" -gt 0 ] || skip "every mode skipped: ${skipped[*]}"
	[ ${#skipped[@]} -eq 0 ] || log "skipped: ${skipped[*]}"
	return 0
}

# ---------------------------------------------------------------- helpers

# recv_counts NAME...: stop the receivers, counts in RECV_N[NAME].
declare -A RECV_N=()
recv_counts() {
	local name n
	sleep 0.4	# as assert_recv: slack for a loaded machine
	for name in "$@"; do
		kill -TERM "${RECV_PID[$name]}" 2>/dev/null
		wait "${RECV_PID[$name]}" 2>/dev/null
		n=$(tail -n1 "$XB_TMP/recv.$name.out")
		[[ $n =~ ^[0-9]+$ ]] ||
			fail "receiver $name printed no count: $(cat "$XB_TMP/recv.$name.out" "$XB_TMP/recv.$name.err" | tr '\n' ' ')"
		RECV_N[$name]=$n
	done
}

# iperf_bytes FROM TO [BYTES]: a TCP transfer of BYTES (default 16M) between
# hosts, which must complete (a stalled connection is killed after 30 s).
iperf_bytes() {
	local from=$1 to=$2 bytes=${3:-16M} want sent got bps why
	want=$(numfmt --from=iec "$bytes")
	bg "iperf3-server-$to" nsx "$to" iperf3 -s -1 -B "$(ip4 "$to")"
	wait_for 3 eval 'nsx "$to" ss -Htln "sport = :5201" | grep -q .' || fail "iperf3 server did not start"
	xrun timeout 30 ip netns exec "$(ns "$from")" iperf3 -c "$(ip4 "$to")" -n "$bytes" -J --connect-timeout 3000
	if [ "$RC" -ne 0 ]; then
		why=$(jq -r '.error // empty' <<<"$OUT" 2>/dev/null)
		[ "$RC" = 124 ] && why="TCP stalled: killed after 30 s"
		fail "TCP h$from -> h$to ($bytes): iperf3 client exited $RC${why:+: $why}"
	fi
	# The client ends once it has written BYTES (the server's count may miss
	# the last in flight); a stalled connection never gets there.
	sent=$(jq -r '.end.sum_sent.bytes // 0' <<<"$OUT")
	got=$(jq -r '.end.sum_received.bytes // 0' <<<"$OUT")
	bps=$(jq -r '.end.sum_received.bits_per_second // 0' <<<"$OUT")
	if [ "$sent" -lt "$want" ] || [ "$got" -le 0 ]; then
		fail "TCP h$from -> h$to: $sent of $want bytes sent, $got received"
	fi
	log "ok: TCP h$from -> h$to: $sent bytes sent, $got received ($(awk -v b="$bps" 'BEGIN { printf "%.0f Mbit/s", b / 1e6 }'))"
}

# stat_sum COUNTER [PORT]: COUNTER of `xdpbridge -j stats`, summed over every
# port (or PORT's alone); "" if no port has it.
stat_sum() {
	"$XDPBRIDGE" -j stats "$BR" | jq -r --arg k "$1" --arg p "${2:-}" '
		[.[] | select($p == "" or .ifname == $p)] |
		if any(.[]; has($k)) then [.[][$k] // 0] | add else "" end'
}

# Sum of every dropped_REASON counter of every port (drops at the bridge's decision).
stat_dropped_sum() {
	"$XDPBRIDGE" -j stats "$BR" |
		jq '[.[] | to_entries[] | select((.key | startswith("dropped")) and .key != "dropped_bytes") |
			.value] | add // 0'
}

# ================================================================ taps

# Two persistent taps as qemu opens them, each a bridge port candidate.
tap_topo() {
	local t
	need_cmd python3
	[ -c /dev/net/tun ] || skip "/dev/net/tun missing (CONFIG_TUN)"
	xrun python3 "$TAPTOOL" create "$TAP_A" "$TAP_B"
	[ "$RC" = 77 ] && skip "$(tail -n1 <<<"$OUT")"
	[ "$RC" = 0 ] || fail "taptool create $TAP_A $TAP_B exited $RC: $OUT $ERR"
	for t in "$TAP_A" "$TAP_B"; do
		# A bridge port: keep the root netns's own stack off it.
		sysctl -qw "net.ipv6.conf.$t.disable_ipv6=1" >/dev/null 2>&1
		must ip link set "$t" up
	done
}

# tap_xfer KIND: one guest frame written into $TAP_A must leave $TAP_B intact.
tap_xfer() {
	xrun timeout 60 python3 "$TAPTOOL" xfer --from "$TAP_A" --to "$TAP_B" --kind "$1"
	[ "$RC" = 77 ] && skip "$(tail -n1 <<<"$OUT")"
	[ "$RC" = 0 ] ||
		fail "$(grep -m1 '^FAIL' <<<"$OUT" | sed 's/^FAIL //' || echo "taptool exited $RC: $ERR")"
	log "ok: $(tail -n1 <<<"$OUT")"
}

tap_xfer_in_mode() {   # KIND MODE
	br_load_mode "$2" "$TAP_A" "$TAP_B"
	tap_xfer "$1"
}

# A guest with TSO on (virtio-net's default) sends 60 KB TCP frames with a
# virtio_net_hdr (GSO_TCPV4, gso_size 1448, NEEDS_CSUM): they must leave the
# other tap as that GSO frame or as correctly checksummed segments.
test_tap_guest_tso4() {
	tap_topo
	each_mode "$(tk_modes default native generic tc)" tap_xfer_in_mode tso4
}

test_tap_guest_tso6() {
	tap_topo
	each_mode "$(tk_modes default native generic tc)" tap_xfer_in_mode tso6
}

# A guest with checksum offload (also the default) sends every TCP frame with
# a partial checksum and NEEDS_CSUM: a 1000-byte one, written non-blocking
# (tun's native XDP path), must arrive still flagged or with a correct checksum.
test_tap_guest_csum_offload() {
	tap_topo
	each_mode "$(tk_modes default native generic tc)" tap_xfer_in_mode csum
}

# ================================================================ jumbo

jumbo_in_mode() {   # MODE
	local n mtu
	br_load_mode "$1" $(ports 1 2)
	for n in 1 2; do
		mtu=$(cat "/sys/class/net/$(hv "$n")/mtu")
		[ "$mtu" = 9000 ] || fail "loading changed $(hv "$n")'s MTU to $mtu"
		mtu=$(ip -n "$(ns "$n")" -j link show dev eth0 | jq '.[0].mtu')
		[ "$mtu" = 9000 ] || fail "loading changed h$n's eth0 MTU to $mtu"
	done
	n=$(ping_count 1 2 4 -c 3 -i 0.2 -W 2 -M "do" -s 8972)
	assert_eq 3 "${n:-0}" "9000-byte IPv4 ping (-M do -s 8972) h1 -> h2, replies"
	n=$(ping_count 2 1 4 -c 3 -i 0.2 -W 2 -M "do" -s 8972)
	assert_eq 3 "${n:-0}" "9000-byte IPv4 ping (-M do -s 8972) h2 -> h1, replies"
	iperf_bytes 1 2 32M
}

# MTU 9000 on every port and peer, set before the bridge is loaded, as a user
# configuring jumbo frames would.
test_jumbo_mtu9000() {
	local n
	need_cmd iperf3 jq ss numfmt
	TOPO_V6=0 topo_up 2
	for n in 1 2; do
		must ip -n "$(ns "$n")" link set dev eth0 mtu 9000
		must ip link set dev "$(hv "$n")" mtu 9000
	done
	each_mode "$(tk_modes default native tc)" jumbo_in_mode
}

# ================================================================ VLAN

# vlan_check TPID VID PCP WHERE: h1 sends 3 known-unicast and 3 broadcast test
# frames with that tag (WHERE "frame": in the data, crafted; "metadata": h1's
# tc program pushes it), and h2 must receive all 6 with the same TPID and TCI.
vlan_check() {
	local tpid=$1 vid=$2 pcp=$3 where=$4 tag=() what
	what="TPID $tpid TCI $(printf '%#06x' $((pcp << 13 | vid))) (VID $vid PCP $pcp) in the $where"
	[ "$where" = frame ] && tag=(--vlan "$vid" --pcp "$pcp" --tpid "$tpid")
	recv_start tagged 2 --src "$(mac 1)" --tpid "$tpid" --vlan "$vid" --pcp "$pcp"
	recv_start all 2 --src "$(mac 1)"
	recv_start untagged 2 --src "$(mac 1)" --untagged
	send_from 1 --dst "$(mac 2)" --count 3 "${tag[@]}"
	send_from 1 --dst ff:ff:ff:ff:ff:ff --count 3 "${tag[@]}"
	recv_counts tagged all untagged
	[ "${RECV_N[tagged]}" = 6 ] ||
		fail "$what, h1 -> h2 (3 unicast + 3 broadcast): ${RECV_N[tagged]} of 6 arrived with that tag; h2 got ${RECV_N[all]} test frames, ${RECV_N[untagged]} of them untagged"
	[ "${RECV_N[all]}" = 6 ] || fail "$what: h2 got ${RECV_N[all]} test frames, 6 sent"
	log "ok: $what: 6 of 6 at h2 with the same TPID and TCI"
}

# Replace h1's egress tc program with the one pushing tag number $1 (0, 1).
vlan_push_attach() {
	nsx 1 tc filter del dev eth0 egress 2>/dev/null
	xrun nsx 1 tc filter add dev eth0 egress bpf direct-action obj "$XB_TMP/vlan_push.o" sec "${VLAN_SECS[$1]}"
	[ "$RC" = 0 ] || skip "cannot attach a tc BPF program (CONFIG_NET_CLS_BPF?): $(head -n1 <<<"$ERR")"
}

vlan_in_mode() {   # WHERE MODE
	local i
	# Every mode starts with h1's tag offloads on (a native run turns them off).
	if [ "$1" = metadata ]; then
		must nsx 1 ethtool -K eth0 txvlan on
		nsx 1 ethtool -K eth0 tx-vlan-stag-hw-insert on >/dev/null 2>&1
	fi
	if [ "$1" = metadata ] && [ "$2" = native ]; then
		# XDP on a veth cannot see a tag its peer sends beside the frame
		# (tx-vlan-offload, the default): the product's answer is the
		# load's warning naming the fix. Apply it; then tags must arrive.
		local warning fix
		xrun "$XDPBRIDGE" load "$BR" $(ports 1 2) --mode native --detach
		assert_rc 0 "load --mode native with tx-vlan-offload on at $(hv 1)'s peer"
		warning=$(grep "$(hv 1)" <<<"$ERR" | grep 'txvlan off')
		[ -n "$warning" ] || fail "no warning naming $(hv 1) and 'txvlan off': '$ERR'"
		grep -q -- '--mode tc' <<<"$warning" ||
			fail "the txvlan warning does not name --mode tc: '$warning'"
		# Exactly the fix the warning names, nothing more: 802.1Q tags
		# (txvlan) and 802.1ad tags (tx-vlan-stag-hw-insert) have one
		# switch each, and both must be in it or the S-tag leaves untagged.
		fix=$(sed -nE 's/.*fix: (.*ethtool -K [^,]*), or --mode tc.*/\1/p' <<<"$warning")
		[[ $fix == *"ethtool -K "*" txvlan off"* && $fix == *" tx-vlan-stag-hw-insert off"* ]] ||
			fail "the warning's fix does not turn off txvlan and tx-vlan-stag-hw-insert: '$warning'"
		# shellcheck disable=SC2086  # the command line as the warning prints it
		must $fix
	else
		br_load_mode "$2" $(ports 1 2)
	fi
	send_from 2 --dst "$UNUSED_MAC"          # h2 speaks: unicast to it is known
	wait_for 1 fdb_has "$(mac 2)" "$(hv 2)" || fail "h2 not learned: $(br_fdb_show)"
	log "h1 eth0 after load: $(nsx 1 ethtool -k eth0 | grep -E '^(tx-vlan-offload|tx-vlan-stag-hw-insert):' | tr '\n' ' ')"
	for i in "${!VLAN_TAGS[@]}"; do
		[ "$1" = metadata ] && vlan_push_attach "$i"
		# shellcheck disable=SC2086  # "TPID VID PCP"
		vlan_check ${VLAN_TAGS[$i]} "$1"
	done
}

# Tags in the frame: h1 sends them as a VLAN device with tx-vlan-offload off
# would; crafted with AF_PACKET, so the tag is in the data XDP sees.
test_vlan_tag_in_frame() {
	TOPO_V6=0 topo_up 2
	must nsx 1 ethtool -K eth0 txvlan off
	each_mode "$(tk_modes default native generic tc)" vlan_in_mode frame
}

# Tags in skb metadata: h1's veth keeps tx-vlan-offload on (the default) and
# a tc egress program pushes the tag as a VLAN device or the Linux bridge
# would, so it travels in skb->vlan_tci beside the frame. Default (tc for a
# veth), generic and tc keep it as it is; native warns at load naming the
# fix, and carries the tags once the fix is applied.
test_vlan_tag_in_metadata() {
	local i tpid vid pcp
	need_cmd tc
	# make builds it (make vmtest's guest has no clang); else built here.
	if [ -e "$VLAN_PUSH_OBJ" ]; then
		cp "$VLAN_PUSH_OBJ" "$XB_TMP/vlan_push.o"
	else
		need_cmd clang
		[ -e /usr/include/bpf/bpf_helpers.h ] || skip "libbpf headers missing (libbpf-dev)"
		must "${CLANG:-clang}" -O2 -g -Wall -target bpf -I/usr/include/x86_64-linux-gnu \
			-c "$VLAN_PUSH_SRC" -o "$XB_TMP/vlan_push.o"
	fi
	TOPO_V6=0 topo_up 2
	nsx 1 ethtool -K eth0 txvlan on >/dev/null 2>&1
	nsx 1 ethtool -K eth0 tx-vlan-stag-hw-insert on >/dev/null 2>&1
	xrun nsx 1 tc qdisc add dev eth0 clsact
	[ "$RC" = 0 ] || skip "no clsact qdisc (CONFIG_NET_SCH_INGRESS): $(head -n1 <<<"$ERR")"
	# The harness itself: before any bridge exists, each tag leaves h1 in metadata.
	for i in "${!VLAN_TAGS[@]}"; do
		read -r tpid vid pcp <<<"${VLAN_TAGS[$i]}"
		vlan_push_attach "$i"
		recv_start out 1 --outgoing --tag-in aux --tpid "$tpid" --vlan "$vid" --pcp "$pcp"
		send_from 1 --dst "$(mac 2)"
		assert_recv out 1 "harness: h1 sends TPID $tpid VID $vid PCP $pcp in skb metadata (PACKET_AUXDATA on its eth0)"
	done
	each_mode "$(tk_modes default native generic tc)" vlan_in_mode metadata
}

# ================================================================ VXLAN

# Host 1 (namespace, veth to the bridge) and host 2, a second "host" reached
# over a VXLAN underlay: the bridge's netns (root, so the bridge pins are
# visible) holds VXLAN device $VXLAN_PORT, VNI 42, dstport 4789, over veth
# $UNDERLAY to host 2's ul0 (198.18.K.0/30, RFC 2544 benchmarking space, a
# /30 nobody routes); host 2's own vxlan vx0 carries its 203.0.113.102.
vxlan_topo() {
	local i k a b h2
	TOPO_V6=0 topo_up 1
	for ((i = 0; i < 250; i++)); do
		k=$(((RUN_ID + i) % 250))
		ip -4 addr show | grep -q "inet 198\.18\.$k\." && continue
		ip -4 route show to match "198.18.$k.1" | grep -vq '^default' && continue
		break
	done
	[ "$i" -lt 250 ] || skip "every 198.18.K.0/24 is in use in the root netns"
	a=198.18.$k.1 b=198.18.$k.2 h2=$(ns 2)
	must ip netns add "$h2"
	ip -n "$h2" link set lo up
	nsx 2 sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 >/dev/null
	must ip link add "$UNDERLAY" type veth peer name ul0 netns "$h2"
	sysctl -qw "net.ipv6.conf.$UNDERLAY.disable_ipv6=1" >/dev/null 2>&1
	# 50 bytes of encapsulation on top of the 1500 the hosts send.
	must ip link set dev "$UNDERLAY" mtu 1550
	must ip -n "$h2" link set dev ul0 mtu 1550
	must ip addr add "$a/30" dev "$UNDERLAY"
	must ip -n "$h2" addr add "$b/30" dev ul0
	must ip link set "$UNDERLAY" up
	must ip -n "$h2" link set ul0 up
	xrun ip link add "$VXLAN_PORT" type vxlan id 42 local "$a" remote "$b" dstport 4789 dev "$UNDERLAY"
	if [ "$RC" != 0 ]; then
		[ -d /sys/module/vxlan ] || modprobe vxlan 2>/dev/null ||
			skip "no VXLAN devices (CONFIG_VXLAN): $(head -n1 <<<"$ERR")"
		must ip link add "$VXLAN_PORT" type vxlan id 42 local "$a" remote "$b" dstport 4789 dev "$UNDERLAY"
	fi
	sysctl -qw "net.ipv6.conf.$VXLAN_PORT.disable_ipv6=1" >/dev/null 2>&1
	must ip link set "$VXLAN_PORT" up
	must ip -n "$h2" link add vx0 type vxlan id 42 local "$b" remote "$a" dstport 4789 dev ul0
	must ip -n "$h2" link set vx0 address "$(mac 2)"
	must ip -n "$h2" addr add "$(ip4 2)/24" dev vx0
	# A remote host's frames come off a wire fully checksummed: no partial
	# checksums across the namespaces (as topo_up does for eth0).
	must nsx 2 ethtool -K vx0 tx off
	must nsx 2 ethtool -K ul0 tx off
	must ip -n "$h2" link set vx0 up
	log "underlay $UNDERLAY $a <-> h2 ul0 $b; VXLAN port $VXLAN_PORT (VNI 42, MTU $(cat "/sys/class/net/$VXLAN_PORT/mtu"))"
}

vxlan_in_mode() {   # MODE
	case $1 in
	linux) br_load "$(hv 1)" "$VXLAN_PORT" ;;
	mixed)	# the veth native, the VXLAN port in generic mode
		must "$XDPBRIDGE" load "$BR" "$(hv 1)" --mode native --detach
		must "$XDPBRIDGE" port add "$BR" "$VXLAN_PORT" --mode generic
		;;
	*) br_load_mode "$1" "$(hv 1)" "$VXLAN_PORT" ;;
	esac
	assert_ping 1 2
	assert_ping 2 1
	iperf_bytes 1 2
	iperf_bytes 2 1
}

# A VXLAN device is a port: the bridge extends the segment to another host.
# vxlan has no native XDP (no ndo_bpf, no ndo_xdp_xmit), so with XDP its port
# runs generic: beside a native veth ("mixed") and with every port generic;
# then every port in tc mode; and by default (the veth tc, the VXLAN port
# native tried, tc taken).
test_vxlan_port() {
	need_cmd iperf3 jq ss numfmt
	vxlan_topo
	each_mode "$(tk_modes mixed generic tc default)" vxlan_in_mode
}

# ================================================================ counters

# kernel_drop_check WHAT [xbpkt send options]: 5 frames h1 -> h2 (known) that
# the kernel drops after the bridge's decision; h2 must get none, and
# `stats` must account for every one: as dropped by the kernel, or dropped by
# the bridge itself.
kernel_drop_check() {
	local what=$1 n=5 k0='' b0=0 k1 b1 up
	shift
	if [ "$XB_BACKEND" = xdpbridge ]; then
		k0=$(stat_sum "$TK_STAT_KERNEL_DROP")
		b0=$(stat_dropped_sum)
	fi
	# (A receiver cannot listen on a link that is down.)
	up=$(ip -n "$(ns 2)" -j link show dev eth0 | jq -r '.[0].operstate')
	[ "$up" = UP ] && recv_start r2 2 --src "$(mac 1)"
	send_from 1 --dst "$(mac 2)" --count "$n" "$@"
	[ "$up" = UP ] && assert_recv r2 0 "frames h1 -> h2 $what: received (the kernel drops them)"
	if [ "$XB_BACKEND" != xdpbridge ]; then
		[ "$up" = UP ] && skip "stats counters are xdpbridge-only (h2 got none of the frames: checked)"
		skip "stats counters are xdpbridge-only"
	fi
	xrun "$XDPBRIDGE" stats "$BR"
	[ -n "$k0" ] ||
		fail "stats has no '$TK_STAT_KERNEL_DROP' counter: $n frames h1 -> h2 $what vanished (stats: $(tr '\n' ' ' <<<"$OUT"))"
	k1=$(stat_sum "$TK_STAT_KERNEL_DROP")
	b1=$(stat_dropped_sum)
	[ $((k1 - k0 + b1 - b0)) -ge "$n" ] ||
		fail "$n frames h1 -> h2 $what: $TK_STAT_KERNEL_DROP rose by $((k1 - k0)), dropped_* by $((b1 - b0)) (stats: $(tr '\n' ' ' <<<"$OUT"))"
	log "ok: $what: $TK_STAT_KERNEL_DROP +$((k1 - k0)), dropped_* +$((b1 - b0)) for $n frames"
}

# The kernel drops after an XDP redirect that these tests count: native mode.
counters_topo() {
	need_cmd jq
	TOPO_V6=0 topo_up 2
	if [ "$XB_BACKEND" = linux ]; then
		br_load $(ports 1 2)
	else
		must "$XDPBRIDGE" load "$BR" $(ports 1 2) --mode native --detach
	fi
	send_from 2 --dst "$UNUSED_MAC"          # h2 speaks: unicast to it is known
	wait_for 1 fdb_has "$(mac 2)" "$(hv 2)" || fail "h2 not learned: $(br_fdb_show)"
}

# The bridge forwards to h2's port (MTU 1500), the veth then drops the
# 1400-byte frames: h2's end has MTU 1280.
test_counters_kernel_drop_mtu() {
	counters_topo
	must ip -n "$(ns 2)" link set dev eth0 mtu 1280
	kernel_drop_check "of 1400 bytes, over h2's MTU 1280" --len 1400
}

# h2's link is down: its port has no carrier.
test_counters_kernel_drop_link_down() {
	counters_topo
	must ip -n "$(ns 2)" link set dev eth0 down
	wait_for 2 eval '! grep -qx 1 "/sys/class/net/$(hv 2)/carrier" 2>/dev/null' ||
		fail "$(hv 2) still has carrier with h2's eth0 down"
	kernel_drop_check "to a port without carrier"
}

# A guest TSO frame on a native-mode tap is more than XDP can forward: it is
# handed to the skb path, and counted there on the tap it came in on.
test_counters_to_skb() {
	local t0 t1
	need_xdpbridge
	need_cmd jq
	tap_topo
	must "$XDPBRIDGE" load "$BR" "$TAP_A" "$TAP_B" --mode native --detach
	t0=$(stat_sum "$TK_STAT_TO_SKB" "$TAP_A")
	# Delivery is test_tap_guest_tso4's business; here only the count.
	xrun timeout 60 python3 "$TAPTOOL" xfer --from "$TAP_A" --to "$TAP_B" --kind tso4
	[ "$RC" = 77 ] && skip "$(tail -n1 <<<"$OUT")"
	xrun "$XDPBRIDGE" stats "$BR"
	[ -n "$t0" ] ||
		fail "stats has no '$TK_STAT_TO_SKB' counter (stats: $(tr '\n' ' ' <<<"$OUT"))"
	t1=$(stat_sum "$TK_STAT_TO_SKB" "$TAP_A")
	[ "$t1" -gt "$t0" ] ||
		fail "a 60 KB GSO frame in on $TAP_A (native): $TK_STAT_TO_SKB stayed $t0 (stats: $(tr '\n' ' ' <<<"$OUT"))"
	log "ok: $TK_STAT_TO_SKB on $TAP_A: $t0 -> $t1"
}
