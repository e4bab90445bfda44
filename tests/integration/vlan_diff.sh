# shellcheck shell=bash
# shellcheck disable=SC2317,SC2046,SC2034  # tests are called indirectly; port lists split on purpose; arrays used through namerefs
# VLAN differential (issue 11): the Linux bridge with vlan_filtering 1 is the
# reference. The same topology and VLAN configuration runs first on a Linux
# bridge, then on xdpbridge in each mode; the same numbered frames (xbpkt send
# --seq) go in at every port, every other port records what arrives with its
# tags (xbpkt recv --print: the auxdata tag and those in the data), and the
# deliveries must match frame for frame. Plus VLAN sub-interfaces (eth0.10) in
# the namespaces pinging across a trunk. Needs 8021q and a VLAN-filtering Linux
# bridge: the host kernel here has neither (SKIP), `make vmtest`'s 6.1 has both
# (VMTEST_TESTS=vlan_diff make vmtest). Sourced by run.sh.

# The configuration, "HOST VID [pvid] [untagged]" per line, after each port
# joined with VID 1 pvid untagged (both bridges' default_pvid). Port 1 is a
# trunk (10, 20 tagged; 1 untagged), 2 and 3 access ports of 10 and 20 (VID 1
# stays, egress untagged, no longer the PVID), 4 has no PVID (10 tagged, 20
# untagged).
VD_VLANS=("1 10" "1 20" "2 10 pvid untagged" "3 20 pvid untagged" "4 10" "4 20 untagged")
VD_DELS=("4 1")
# Frame kinds: "NAME xbpkt-send-options".
VD_KINDS=("untagged" "prio --vlan 0 --pcp 5" "vid1 --vlan 1" "vid10 --vlan 10"
	  "vid20 --vlan 20 --pcp 3" "vid30 --vlan 30" "stag10 --vlan 10 --tpid 0x88a8")
VD_UKINDS=("untagged" "prio --vlan 0 --pcp 5" "vid1 --vlan 1" "vid10 --vlan 10" "vid20 --vlan 20")

# vd_need_vlan: skip unless this kernel creates VLAN devices and a Linux
# bridge with VLAN filtering (after topo_up).
vd_need_vlan() {
	[ "$XB_BACKEND" = linux ] && skip "compares xdpbridge with the Linux bridge itself (not for XB_BACKEND=linux)"
	need_cmd bridge
	ip -n "$(ns 1)" link add link eth0 name eth0.99 type vlan id 99 2>/dev/null ||
		skip "this kernel cannot create VLAN devices (no 8021q): no Linux bridge reference (run it in make vmtest)"
	ip -n "$(ns 1)" link del eth0.99
	ip link add "$LBR" type bridge vlan_filtering 1 2>/dev/null ||
		skip "this kernel's Linux bridge cannot filter VLANs (run it in make vmtest)"
	ip link del "$LBR"
}

# vd_modes: xdpbridge's modes to compare (XB_MODE, else tc and native).
vd_modes() { echo "${XB_MODE:-tc native}"; }

# vd_up BACKEND HOST...: a bridge with VLAN filtering on the hosts' ports,
# configured with VD_VLANS / VD_DELS (or the given arrays' names in
# VD_VLANS_VAR / VD_DELS_VAR). BACKEND: linux or an xdpbridge mode.
vd_up() {
	local backend=$1 line h vid flags
	shift
	local -n vlans=${VD_VLANS_VAR:-VD_VLANS} dels=${VD_DELS_VAR:-VD_DELS}
	if [ "$backend" = linux ]; then
		must ip link add "$LBR" type bridge vlan_filtering 1
		sysctl -qw "net.ipv6.conf.$LBR.disable_ipv6=1" >/dev/null 2>&1
		for h in "$@"; do must ip link set "$(hv "$h")" master "$LBR"; done
		must ip link set "$LBR" up
	else
		must "$XDPBRIDGE" load "$BR" $(ports "$@") --mode "$backend" --vlan-filtering --detach
	fi
	for line in "${vlans[@]}"; do
		read -r h vid flags <<<"$line"
		if [ "$backend" = linux ]; then
			# shellcheck disable=SC2086
			must bridge vlan add vid "$vid" dev "$(hv "$h")" $flags
		else
			# shellcheck disable=SC2086
			must "$XDPBRIDGE" vlan add "$BR" "$(hv "$h")" "$vid" $flags
		fi
	done
	for line in "${dels[@]}"; do
		read -r h vid <<<"$line"
		if [ "$backend" = linux ]; then
			must bridge vlan del vid "$vid" dev "$(hv "$h")"
		else
			must "$XDPBRIDGE" vlan del "$BR" "$(hv "$h")" "$vid"
		fi
	done
	if [ "$backend" = linux ]; then
		xrun bridge vlan show
	else
		xrun "$XDPBRIDGE" vlan show "$BR"
	fi
}

vd_down() {   # BACKEND
	if [ "$1" = linux ]; then
		must ip link del "$LBR"
	else
		must "$XDPBRIDGE" unload "$BR"
	fi
}

# vd_send SEQ HOST DST KIND-OPTIONS...: one numbered frame, its description in
# $XB_TMP/vd.legend.
vd_send() {
	local seq=$1 h=$2 dst=$3 kind=$4
	shift 4
	echo "$seq h$h $kind dst=$dst" >>"$XB_TMP/vd.legend"
	nsx "$h" "$XBPKT" send eth0 --src "$(mac "$h")" --dst "$dst" --ethertype "$ETYPE" --seq "$seq" "$@" \
		>>"$XB_TMP/vd.send.log" 2>&1 || fail "xbpkt send from h$h ($kind, seq $seq) failed: $(tail -n1 "$XB_TMP/vd.send.log")"
}

# vd_round BACKEND NHOSTS OUT: the frames, the deliveries in OUT, one line per
# frame that arrived somewhere: "SEQ hFROM KIND dst=... -> hTO tags=... etype=..."
# (sorted); frames delivered nowhere get "-> nowhere".
vd_round() {
	local backend=$1 n=$2 out=$3 h j seq=0 kind opts i
	local -a rpid=()
	: >"$XB_TMP/vd.legend"
	for ((h = 1; h <= n; h++)); do
		rm -f "$XB_TMP/vd.rx$h" "$XB_TMP/vd.ready$h"
		nsx "$h" "$XBPKT" recv eth0 --print --timeout 600000 --ready-file "$XB_TMP/vd.ready$h" \
			>"$XB_TMP/vd.rx$h" 2>&1 &
		rpid[h]=$!
		BG_PIDS+=($!)
	done
	for ((h = 1; h <= n; h++)); do
		for ((i = 0; i < 100; i++)); do
			[ -e "$XB_TMP/vd.ready$h" ] && break
			sleep 0.05
		done
		[ -e "$XB_TMP/vd.ready$h" ] || fail "receiver on h$h did not start: $(cat "$XB_TMP/vd.rx$h")"
	done
	# 1. Broadcast of every kind from every port (everyone learns).
	for ((h = 1; h <= n; h++)); do
		for kind in "${VD_KINDS[@]}"; do
			read -r kind opts <<<"$kind"
			# shellcheck disable=SC2086
			vd_send $((seq++)) "$h" ff:ff:ff:ff:ff:ff "bcast-$kind" $opts
		done
	done
	# 2. Unknown unicast.
	for ((h = 1; h <= n; h++)); do
		for kind in "${VD_UKINDS[@]}"; do
			read -r kind opts <<<"$kind"
			# shellcheck disable=SC2086
			vd_send $((seq++)) "$h" "$UNUSED_MAC" "unknown-$kind" $opts
		done
	done
	sleep 0.3
	# 3. Unicast to every other host, known where it was learned in that VLAN.
	for ((h = 1; h <= n; h++)); do
		for ((j = 1; j <= n; j++)); do
			[ "$h" = "$j" ] && continue
			for kind in "${VD_UKINDS[@]}"; do
				read -r kind opts <<<"$kind"
				# shellcheck disable=SC2086
				vd_send $((seq++)) "$h" "$(mac "$j")" "to-h$j-$kind" $opts
			done
		done
	done
	sleep 1	# slack for a loaded (TCG) machine; then stop the receivers
	for ((h = 1; h <= n; h++)); do kill -TERM "${rpid[h]}" 2>/dev/null; done
	for ((h = 1; h <= n; h++)); do wait "${rpid[h]}" 2>/dev/null; done
	# Join deliveries with the legend.
	for ((h = 1; h <= n; h++)); do
		sed -n "s/^seq=\([0-9]*\) \(.*\)/\1 h$h \2/p" "$XB_TMP/vd.rx$h"
	done | awk -v legend="$XB_TMP/vd.legend" '
		BEGIN { while ((getline l < legend) > 0) { split(l, f, " "); desc[f[1]] = substr(l, length(f[1]) + 2); n++ } }
		{ seq = $1; to = $2; $1 = ""; $2 = ""; sub(/^  /, ""); got[seq] = 1
		  printf "%04d %s -> %s %s\n", seq, desc[seq], to, $0 }
		END { for (s = 0; s < n; s++) if (!(s in got)) printf "%04d %s -> nowhere\n", s, desc[s] }' |
		sort >"$out"
	log "$backend: $seq frames sent, $(grep -vc ' -> nowhere' "$out") deliveries, $(grep -c ' -> nowhere' "$out") frames delivered nowhere"
}

test_vlan_diff_linux_bridge_frame_for_frame() {
	local m rc=0 ref total
	TOPO_V6=0 topo_up 4
	vd_need_vlan
	ref=$XB_TMP/vd.linux
	vd_up linux 1 2 3 4
	vd_round linux 4 "$ref"
	vd_down linux
	sed 's/^/  linux| /' "$ref"
	# The reference itself: an empty or VLAN-blind capture would compare equal
	# to anything. Spot checks of what the Linux bridge must do:
	total=$(grep -vc ' -> nowhere' "$ref")
	[ "$total" -ge 20 ] || fail "the Linux bridge delivered only $total frames: the harness is broken"
	grep -q '^0003 h1 bcast-vid10 dst=ff:ff:ff:ff:ff:ff -> h2 dst=ff:ff:ff:ff:ff:ff src=02:00:00:00:01:01 tags=- ' "$ref" ||
		fail "reference: h1's VLAN 10 broadcast not untagged at access port h2"
	grep -q '^0003 h1 bcast-vid10 dst=ff:ff:ff:ff:ff:ff -> h4 .* tags=0x8100/10/0 ' "$ref" ||
		fail "reference: h1's VLAN 10 broadcast not tagged at h4"
	! grep -q '^0003 h1 bcast-vid10 .* -> h3 ' "$ref" || fail "reference: h1's VLAN 10 broadcast reached h3 (VLAN 20)"
	grep -q '^0005 h1 bcast-vid30 .* -> nowhere' "$ref" || fail "reference: h1's VLAN 30 broadcast was delivered"
	for m in $(vd_modes); do
		log "==== xdpbridge --mode $m against the Linux bridge"
		vd_up "$m" 1 2 3 4
		vd_round "xdpbridge-$m" 4 "$XB_TMP/vd.$m"
		"$XDPBRIDGE" stats "$BR" 2>&1 | sed "s/^/  [$m] stats| /"
		vd_down "$m"
		if diff -u --label linux-bridge --label "xdpbridge-$m" "$ref" "$XB_TMP/vd.$m" >"$XB_TMP/vd.diff.$m"; then
			log "ok: mode $m: $(wc -l <"$ref") lines ($total deliveries of $(wc -l <"$XB_TMP/vd.legend") frames) identical to the Linux bridge"
		else
			log "mode $m differs from the Linux bridge (- linux, + xdpbridge):"
			sed 's/^/  diff| /' "$XB_TMP/vd.diff.$m"
			rc=1
		fi
	done
	[ "$rc" = 0 ] || fail "xdpbridge's deliveries differ from the Linux bridge's in mode(s) $(for m in $(vd_modes); do [ -s "$XB_TMP/vd.diff.$m" ] && printf '%s ' "$m"; done)(diff above)"
}

# VLAN sub-interfaces: h1 and h2 talk through eth0.10 on trunk ports, h3 is an
# untagged access port of VLAN 10; h1 also has eth0.20 (VLAN 20: nobody else).
VD_SUB_VLANS=("1 10" "1 20" "2 10" "3 10 pvid untagged")
VD_SUB_DELS=()
vd_subif_round() {   # BACKEND
	local b=$1 n nsn
	for nsn in 1 2 3; do ip -n "$(ns "$nsn")" neigh flush all >/dev/null 2>&1; done
	VD_VLANS_VAR=VD_SUB_VLANS VD_DELS_VAR=VD_SUB_DELS vd_up "$b" 1 2 3
	assert_ping 1 2
	assert_ping 2 1
	assert_ping 1 3
	assert_ping 3 2
	n=$(nsx 1 ping -4 -n -q -c 2 -i 0.2 -W 1 -I eth0.20 198.51.100.2 2>/dev/null |
		sed -n 's/.* \([0-9]\+\) received.*/\1/p')
	assert_eq 0 "${n:-0}" "$b: ping out of h1's eth0.20 (VLAN 20, nobody there), replies"
	vd_down "$b"
}

test_vlan_diff_subinterfaces_ping_across_trunk() {
	local h m
	TOPO_V6=0 topo_up 3
	vd_need_vlan
	for h in 1 2; do
		must ip -n "$(ns "$h")" addr flush dev eth0
		must ip -n "$(ns "$h")" link add link eth0 name eth0.10 type vlan id 10
		must ip -n "$(ns "$h")" addr add "$(ip4 "$h")/24" dev eth0.10
		must ip -n "$(ns "$h")" link set eth0.10 up
	done
	must ip -n "$(ns 1)" link add link eth0 name eth0.20 type vlan id 20
	must ip -n "$(ns 1)" addr add 198.51.100.1/24 dev eth0.20
	must ip -n "$(ns 1)" link set eth0.20 up
	for m in linux $(vd_modes); do
		log "==== $m"
		vd_subif_round "$m"
	done
}
