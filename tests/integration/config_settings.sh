# shellcheck shell=bash
# shellcheck disable=SC2317,SC2046  # tests are called indirectly; port lists split on purpose
# The bridge file carries the run-time settings: VLANs (issue 11), STP
# (issue 12) and port policy (issue 10), applied at load by the commands' own
# functions; a bad line loads nothing. Sourced by run.sh.

# Wait until every port of $BR forwards (STP): `stp show -j`.
cs_all_forwarding() {
	"$XDPBRIDGE" -j stp show "$BR" 2>/dev/null |
		jq -e '[.ports[].state] | length > 0 and all(. == "forwarding")' >/dev/null
}

test_config_settings() {
	local conf=$XB_TMP/$BR.conf j n h1 h2 h3
	need_xdpbridge
	need_cmd jq
	[ "$XB_BACKEND" = linux ] && skip "the Linux bridge cannot filter VLANs on this kernel (no 8021q)"
	TOPO_V6=0 topo_up 3
	h1=$(hv 1) h2=$(hv 2) h3=$(hv 3)
	cat >"$conf" <<-CONF
	ports $h1 $h2 $h3
	mode tc
	vlan-filtering on
	vlan-protocol 802.1Q
	default-pvid 0                 # ports join without a VLAN: the vlan lines say which
	stp on
	priority 8192
	hello 1
	forward-delay 2
	max-age 6
	port $h1 cost 19 priority 10
	port $h2 max-learned 100 bpdu-guard on
	port $h3 isolated on learning off storm-bcast 1000 root_block on
	vlan $h1 10 pvid untagged      # access ports of VLAN 10
	vlan $h2 10 pvid untagged
	vlan $h3 20 pvid untagged      # another VLAN, and a trunk range
	vlan $h3 30-31
	fdb 02:00:00:00:01:99 $h1 vlan 10
	CONF
	must "$XDPBRIDGE" load "$BR" --config "$conf" --detach
	! grep -Eqi 'warning|error' <<<"$ERR" || fail "load warned: $ERR"

	must "$XDPBRIDGE" -j show "$BR"
	assert_eq "true 802.1Q 0" "$(jq -r '.[0] | "\(.vlan_filtering) \(.vlan_protocol) \(.default_pvid)"' <<<"$OUT")" \
		"show -j: vlan_filtering, vlan_protocol, default_pvid"
	must "$XDPBRIDGE" -j vlan show "$BR"
	j=$OUT
	vlans_of() { jq -c --arg p "$1" '.[] | select(.ifname == $p) | .vlans' <<<"$j"; }
	assert_eq '[{"vlan":10,"flags":["PVID","Egress Untagged"]}]' "$(vlans_of "$h1")" "vlan show -j: $h1"
	assert_eq '[{"vlan":10,"flags":["PVID","Egress Untagged"]}]' "$(vlans_of "$h2")" "vlan show -j: $h2"
	assert_eq '[{"vlan":20,"flags":["PVID","Egress Untagged"]},{"vlan":30,"flags":[]},{"vlan":31,"flags":[]}]' \
		"$(vlans_of "$h3")" "vlan show -j: $h3"
	assert_eq '[]' "$(vlans_of "$BR-p")" "vlan show -j: host port (default-pvid 0)"

	must "$XDPBRIDGE" -j stp show "$BR"
	j=$OUT
	assert_eq "true 2000 1000 2000 6000" \
		"$(jq -r '"\(.stp) \(.bridge_id | split(".")[0]) \(.bridge_hello_time) \(.bridge_forward_delay) \(.bridge_max_age)"' <<<"$j")" \
		"stp show -j: stp, priority (8192 = 0x2000), hello, forward-delay, max-age (ms)"
	port_stp() { jq -r --arg p "$1" --arg f "$2" '.ports[] | select(.ifname == $p) | .[$f]' <<<"$j"; }
	assert_eq 19 "$(port_stp "$h1" path_cost)" "stp show -j: $h1 cost"
	assert_eq 10 "$(port_stp "$h1" priority)" "stp show -j: $h1 priority"

	must "$XDPBRIDGE" -j port show "$BR"
	j=$OUT
	port_conf() { jq -c --arg p "$1" '.[] | select(.ifname == $p) | {isolated, learning, max_learned, storm_bcast, bpdu_guard, root_block}' <<<"$j"; }
	assert_eq '{"isolated":false,"learning":true,"max_learned":100,"storm_bcast":0,"bpdu_guard":true,"root_block":false}' \
		"$(port_conf "$h2")" "port show -j: $h2"
	assert_eq '{"isolated":true,"learning":false,"max_learned":16384,"storm_bcast":1000,"bpdu_guard":false,"root_block":true}' \
		"$(port_conf "$h3")" "port show -j: $h3"

	must "$XDPBRIDGE" fdb show "$BR"
	grep -q "^02:00:00:00:01:99 dev $h1 vlan 10 master $BR static" <<<"$OUT" ||
		fail "fdb show: the file's static entry in VLAN 10 missing: $OUT"
	log "ok: static entry in VLAN 10"

	# One frame of VLAN behaviour, once STP lets the ports forward.
	wait_for 15 cs_all_forwarding || fail "STP: ports not forwarding: $("$XDPBRIDGE" stp show "$BR")"
	assert_ping 1 2
	recv_start b2 2 --src "$(mac 1)"
	recv_start b3 3 --src "$(mac 1)"
	send_from 1 --dst ff:ff:ff:ff:ff:ff --count 3
	assert_recv b2 3 "h1's broadcast (VLAN 10) at h2 (VLAN 10)"
	assert_recv b3 0 "h1's broadcast (VLAN 10) at h3 (VLAN 20)"
	n=$(ping_count 1 3 4 -c 2 -i 0.2 -W 1)
	assert_eq 0 "${n:-0}" "ping h1 (VLAN 10) -> h3 (VLAN 20), replies"

	# SIGHUP re-runs the loop's load: the file applies again to the
	# adopted bridge (a line added meanwhile too; nothing doubled, the loop
	# stays).
	local pid vlans ports_before
	pid=$("$XDPBRIDGE" -j show "$BR" | jq -r '.[0].control_pid')
	vlans=$("$XDPBRIDGE" -j vlan show "$BR" | jq -c --arg p "$h3" 'map(if .ifname == $p then .vlans += [{"vlan":40,"flags":[]}] else . end)')
	ports_before=$("$XDPBRIDGE" -j port show "$BR")
	echo "vlan $h3 40" >>"$conf"
	must kill -HUP "$pid"
	wait_for 5 bash -c "'$XDPBRIDGE' -j show '$BR' | jq -e '.[0].control_pid == $pid' >/dev/null" ||
		fail "after SIGHUP: the control loop is not pid $pid: $("$XDPBRIDGE" show "$BR")"
	sleep 0.5
	kill -0 "$pid" || fail "the control loop exited on SIGHUP"
	assert_eq "$vlans" "$("$XDPBRIDGE" -j vlan show "$BR" | jq -c .)" "vlan show -j after a reload (VLAN 40 added to $h3)"
	assert_eq "$ports_before" "$("$XDPBRIDGE" -j port show "$BR")" "port show -j after a reload"
	must "$XDPBRIDGE" fdb show "$BR"
	assert_eq 1 "$(grep -c "^02:00:00:00:01:99 " <<<"$OUT")" "the file's static entry, once, after a reload"
	wait_for 15 cs_all_forwarding || fail "STP after a reload: ports not forwarding: $("$XDPBRIDGE" stp show "$BR")"
	assert_ping 1 2

	# `config show` prints the running bridge as a file that, loaded
	# after an unload, makes the same bridge.
	local shown=$XB_TMP/shown.conf before after
	cs_state() {
		echo "show: $("$XDPBRIDGE" -j show "$BR" | jq -c '.[0] | del(.control_pid, .learned, .ports, .host_iface, .ageing)')"	# a TC shortens ageing
		echo "ports: $("$XDPBRIDGE" -j show "$BR" | jq -c '[.[0].ports[] | {ifname, mode, host}]')"
		echo "vlan: $("$XDPBRIDGE" -j vlan show "$BR" | jq -c .)"
		echo "port: $("$XDPBRIDGE" -j port show "$BR" | jq -c 'map(del(.slot, .state))')"
		echo "stp: $("$XDPBRIDGE" -j stp show "$BR" | jq -c '{stp, id: (.bridge_id | split(".")[0]), bridge_hello_time, bridge_forward_delay, bridge_max_age,
			ports: [.ports[] | {ifname, path_cost, priority, bpdu_guard, root_block}]}')"
		echo "fdb: $("$XDPBRIDGE" fdb show "$BR" | grep ' static' | grep -v "dev $BR-p" | sort | tr '\n' ';')"
	}
	must "$XDPBRIDGE" config show "$BR"
	printf '%s\n' "$OUT" >"$shown"
	before=$(cs_state)
	must "$XDPBRIDGE" unload "$BR"
	must "$XDPBRIDGE" load "$BR" --config "$shown" --detach
	after=$(cs_state)
	[ "$before" = "$after" ] || fail "the bridge loaded from 'config show' differs: $(diff <(echo "$before") <(echo "$after") | tr '\n' ' ')"
	log "ok: the bridge loaded from 'config show' has the same settings, ports, VLANs, STP and static entries"
	must "$XDPBRIDGE" config show "$BR"
	assert_eq "$(cat "$shown")" "$OUT" "config show of the bridge loaded from config show"
}

# A bad line, or a setting the file cannot keep, loads nothing: one line on
# stderr naming FILE:LINE, exit 2, no pins, no program on any port.
test_config_settings_bad_line_loads_nothing() {
	local conf=$XB_TMP/$BR.conf h1 h2
	need_xdpbridge
	TOPO_V6=0 topo_up 2
	h1=$(hv 1) h2=$(hv 2)
	try_bad() {   # WHAT EXPECTED_MESSAGE (the file in $conf)
		bad_input 2 "$1" "$XDPBRIDGE" load "$BR" --config "$conf" --detach
		[[ $ERR == *"$2"* ]] || fail "$1: message should say '$2': $ERR"
		assert_nothing_left "$BR" "$1" "$h1" "$h2"
	}
	printf 'ports %s %s\nvlan-filtering on\nstp on\nport %s isolated on\nvlan %s 10 pvid untagged\nvlan %s 10-20 pvid\n' \
		"$h1" "$h2" "$h1" "$h1" "$h2" >"$conf"
	try_bad "pvid on a range" "$conf:6: pvid takes one VID, not the range 10-20"
	printf 'ports %s %s\npriority 5000\n' "$h1" "$h2" >"$conf"
	try_bad "bridge priority off 802.1D's steps" "$conf:2: priority takes a multiple of 4096"
	printf 'ports %s %s\nport %s isolated on flood maybe\n' "$h1" "$h2" "$h2" >"$conf"
	try_bad "port setting value" "$conf:2: flood is on or off, not 'maybe'"
	printf 'ports %s %s\nauto-port %s*\nport %sx isolated on\n' "$h1" "$h2" "$PFX" "$PFX" >"$conf"
	try_bad "a setting for an auto-port" "$conf:3: port ${PFX}x: only 'mode' applies to a port an auto-port pattern adds"
	printf 'ports %s\nvlan %s 10\n' "$h1" "$h2" >"$conf"
	try_bad "vlan on a non-port" "$conf:2: vlan: $h2 is not a port of the bridge"
}
