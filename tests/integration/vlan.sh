# shellcheck shell=bash
# shellcheck disable=SC2317,SC2046  # tests are called indirectly; port lists split on purpose
# VLAN filtering (issue 11): the scenarios of the kernel selftest
# net/forwarding/bridge_vlan_aware.sh with frames crafted and captured by
# xbpkt (this kernel has no 8021q: no VLAN devices, and the Linux bridge cannot
# filter VLANs, so XB_BACKEND=linux skips), in each mode the ports can run:
# tc (the veth default: tags in skb metadata) and native (tags in the frame,
# floods through the devmap egress programs). Sourced by run.sh.

# vlan_modes: the modes each test runs in.
vlan_modes() {
	[ "$XB_BACKEND" = linux ] && skip "the Linux bridge cannot filter VLANs on this kernel (no 8021q)"
	echo "${XB_MODE:-tc native}"
}

# vlan_load MODE HOST...: $BR with VLAN filtering, the hosts' ports in MODE.
vlan_load() {
	local mode=$1
	shift
	must "$XDPBRIDGE" load "$BR" $(ports "$@") --mode "$mode" --vlan-filtering --detach
}

vlan_do() {   # xdpbridge vlan ARGS... on $BR
	local cmd=$1
	shift
	must "$XDPBRIDGE" vlan "$cmd" "$BR" "$@"
}

# A counter of host n's port, from `stats -j`.
vlan_stat() {   # HOST FIELD
	"$XDPBRIDGE" -j stats "$BR" | jq -r --arg p "$(hv "$1")" --arg f "$2" '.[] | select(.ifname == $p) | .[$f]'
}

# Ping and learning per VLAN: hosts on access ports of VLAN 10 reach each
# other, a host of VLAN 20 is out of reach, and the FDB learns per VLAN.
vlan_access_in_mode() {
	local mode=$1
	vlan_load "$mode" 1 2 3
	vlan_do add "$(hv 1)" 10 pvid untagged
	vlan_do add "$(hv 2)" 10 pvid untagged
	vlan_do add "$(hv 3)" 20 pvid untagged
	assert_ping 1 2
	local n
	n=$(ping_count 1 3 4 -c 2 -i 0.2 -W 1)
	assert_eq 0 "${n:-0}" "ping h1 (VLAN 10) -> h3 (VLAN 20), replies"
	br_fdb_show | grep -Eiq "^$(mac 1) dev $(hv 1) vlan 10 " ||
		fail "fdb show: want '$(mac 1) dev $(hv 1) vlan 10 ...', got: $(br_fdb_show | tr '\n' ';')"
	must "$XDPBRIDGE" -j fdb show "$BR"
	jq -e --arg m "$(mac 2)" 'map(select(.mac == $m and .vlan == 10)) | length == 1' <<<"$OUT" >/dev/null ||
		fail "fdb show -j: want $(mac 2) with vlan 10, got $OUT"
}

test_vlan_ping_and_learning_per_vlan() {
	topo_up 3
	each_mode "$(vlan_modes)" vlan_access_in_mode
}

# Flooding per VLAN, tags on and off: h1 access VLAN 10, h2 trunk (10, 20
# tagged), h3 access VLAN 20.
vlan_trunk_in_mode() {
	local mode=$1
	vlan_load "$mode" 1 2 3
	vlan_do add "$(hv 1)" 10 pvid untagged
	vlan_do add "$(hv 2)" 10-20
	vlan_do add "$(hv 3)" 20 pvid untagged
	# An untagged broadcast from h1: VLAN 10, tagged to the trunk only.
	recv_start t2 2 --src "$(mac 1)" --vlan 10 --tpid 0x8100
	recv_start a2 2 --src "$(mac 1)"
	recv_start a3 3 --src "$(mac 1)"
	send_from 1 --dst ff:ff:ff:ff:ff:ff --count 3
	assert_recv t2 3 "h1's broadcast at the trunk h2 with tag 10"
	assert_recv a2 3 "h1's broadcast at h2, any tag"
	assert_recv a3 0 "h1's broadcast (VLAN 10) at h3 (VLAN 20)"
	# A VLAN 20 broadcast from the trunk: untagged to h3 only.
	recv_start u3 3 --src "$(mac 2)" --untagged
	recv_start a1 1 --src "$(mac 2)"
	send_from 2 --dst ff:ff:ff:ff:ff:ff --count 3 --vlan 20
	assert_recv u3 3 "h2's VLAN 20 broadcast at h3, untagged"
	assert_recv a1 0 "h2's VLAN 20 broadcast at h1 (VLAN 10)"
	# Known unicast both ways across the trunk: popped, pushed.
	recv_start u1 1 --src "$(mac 2)" --untagged
	send_from 2 --dst "$(mac 1)" --count 3 --vlan 10
	assert_recv u1 3 "h2 -> h1 in VLAN 10: untagged at h1"
	recv_start t2b 2 --src "$(mac 1)" --vlan 10
	send_from 1 --dst "$(mac 2)" --count 3
	assert_recv t2b 3 "h1 -> h2 (learned in VLAN 10): tagged 10 at h2"
	# A VID the trunk is not in: dropped and counted.
	send_from 2 --dst ff:ff:ff:ff:ff:ff --count 2 --vlan 30
	assert_eq 2 "$(vlan_stat 2 dropped_vlan_ingress)" "stats: h2's frames of VLAN 30 (vlan_ingress)"
}

test_vlan_flooding_and_tags() {
	TOPO_V6=0 topo_up 3
	each_mode "$(vlan_modes)" vlan_trunk_in_mode
}

# VLAN deletion: a VLAN added and deleted again leaves the PVID working.
vlan_deletion_in_mode() {
	local mode=$1
	vlan_load "$mode" 1 2
	vlan_do add "$(hv 1)" 10
	vlan_do add "$(hv 2)" 10
	assert_ping 1 2
	vlan_do del "$(hv 1)" 10
	vlan_do del "$(hv 2)" 10
	assert_ping 1 2
	recv_start t2 2 --src "$(mac 1)" --vlan 10
	send_from 1 --dst ff:ff:ff:ff:ff:ff --count 2 --vlan 10
	assert_recv t2 0 "VLAN 10 after its deletion"
	assert_eq 2 "$(vlan_stat 1 dropped_vlan_ingress)" "stats: VLAN 10 frames after deletion (vlan_ingress)"
}

test_vlan_deletion_keeps_pvid() {
	topo_up 2
	each_mode "$(vlan_modes)" vlan_deletion_in_mode
}

# Another TPID is untagged: an 802.1ad frame on an 802.1Q bridge lands in the
# PVID and reaches a trunk with an 802.1Q tag in front of its own.
vlan_tpid_in_mode() {
	local mode=$1
	vlan_load "$mode" 1 2
	vlan_do add "$(hv 2)" 1
	recv_start q2 2 --src "$(mac 1)" --tpid 0x8100 --vlan 1 --ethertype 0x88a8
	send_from 1 --dst ff:ff:ff:ff:ff:ff --count 3 --vlan 20 --tpid 0x88a8
	assert_recv q2 3 "an S-tagged frame at the trunk: C-tag VID 1 (the PVID) outside the S-tag"
	# On an 802.1ad bridge the same frame is tagged and of VLAN 20.
	must "$XDPBRIDGE" set "$BR" vlan-protocol 802.1ad
	vlan_do add "$(hv 1)" 20
	vlan_do add "$(hv 2)" 20
	recv_start s2 2 --src "$(mac 1)" --tpid 0x88a8 --vlan 20
	send_from 1 --dst ff:ff:ff:ff:ff:ff --count 3 --vlan 20 --tpid 0x88a8
	assert_recv s2 3 "an S-tagged frame on an 802.1ad bridge, VLAN 20 trunk to trunk"
}

test_vlan_other_tpid() {
	TOPO_V6=0 topo_up 2
	each_mode "$(vlan_modes)" vlan_tpid_in_mode
}

# 802.1p: a priority-tagged frame gets the PVID and keeps its PCP.
vlan_prio_in_mode() {
	local mode=$1
	vlan_load "$mode" 1 2 3
	vlan_do add "$(hv 1)" 10 pvid untagged
	vlan_do add "$(hv 2)" 10
	vlan_do add "$(hv 3)" 10 pvid untagged
	recv_start t2 2 --src "$(mac 1)" --vlan 10 --pcp 5
	recv_start u3 3 --src "$(mac 1)" --untagged
	send_from 1 --dst ff:ff:ff:ff:ff:ff --count 3 --vlan 0 --pcp 5
	assert_recv t2 3 "priority-tagged (VID 0, PCP 5) at the trunk: VID 10, PCP 5"
	assert_recv u3 3 "priority-tagged at an access port: untagged"
}

test_vlan_priority_tagged() {
	TOPO_V6=0 topo_up 3
	each_mode "$(vlan_modes)" vlan_prio_in_mode
}

# No PVID: untagged frames are dropped and counted, tagged ones pass.
vlan_nopvid_in_mode() {
	local mode=$1
	vlan_load "$mode" 1 2
	vlan_do add "$(hv 1)" 10
	vlan_do add "$(hv 2)" 10
	vlan_do del "$(hv 1)" 1
	recv_start a2 2 --src "$(mac 1)"
	send_from 1 --dst ff:ff:ff:ff:ff:ff --count 3
	assert_recv a2 0 "untagged from a port without PVID"
	assert_eq 3 "$(vlan_stat 1 dropped_vlan_no_pvid)" "stats: untagged frames without PVID (vlan_no_pvid)"
	recv_start t2 2 --src "$(mac 1)" --vlan 10
	send_from 1 --dst ff:ff:ff:ff:ff:ff --count 3 --vlan 10
	assert_recv t2 3 "tagged VLAN 10 from the same port"
}

test_vlan_untagged_dropped_without_pvid() {
	TOPO_V6=0 topo_up 2
	each_mode "$(vlan_modes)" vlan_nopvid_in_mode
}

# Two tenants, VLANs 10 and 20, with the same MAC: the trunk reaches each in
# its own VLAN, and neither's traffic moves the other's FDB entry.
vlan_tenants_in_mode() {
	local mode=$1 shared=02:00:00:00:0a:aa
	vlan_load "$mode" 1 2 3
	vlan_do add "$(hv 1)" 10 pvid untagged
	vlan_do add "$(hv 2)" 20 pvid untagged
	vlan_do add "$(hv 3)" 10
	vlan_do add "$(hv 3)" 20
	send_from 1 --src "$shared" --dst ff:ff:ff:ff:ff:ff --count 1
	send_from 2 --src "$shared" --dst ff:ff:ff:ff:ff:ff --count 1
	br_fdb_show | grep -Eiq "^$shared dev $(hv 1) vlan 10 " || fail "fdb: $shared in VLAN 10 on $(hv 1)"
	br_fdb_show | grep -Eiq "^$shared dev $(hv 2) vlan 20 " || fail "fdb: $shared in VLAN 20 on $(hv 2)"
	recv_start r1 1 --src "$(mac 3)" --dst "$shared"
	recv_start r2 2 --src "$(mac 3)" --dst "$shared"
	send_from 3 --dst "$shared" --count 3 --vlan 10
	assert_recv r1 3 "h3 -> $shared in VLAN 10: tenant 10 (h1)"
	assert_recv r2 0 "h3 -> $shared in VLAN 10: never tenant 20 (h2)"
	recv_start r1 1 --src "$(mac 3)" --dst "$shared"
	recv_start r2 2 --src "$(mac 3)" --dst "$shared"
	send_from 3 --dst "$shared" --count 3 --vlan 20
	assert_recv r1 0 "h3 -> $shared in VLAN 20: never tenant 10 (h1)"
	assert_recv r2 3 "h3 -> $shared in VLAN 20: tenant 20 (h2)"
	assert_eq 0 "$(vlan_stat 3 flooded)" "the trunk's unicast to $shared: never flooded"
	assert_eq 6 "$(vlan_stat 3 forwarded)" "the trunk's unicast to $shared: forwarded"
}

test_vlan_tenants_share_a_mac() {
	TOPO_V6=0 topo_up 3
	each_mode "$(vlan_modes)" vlan_tenants_in_mode
}

# The CLI: iproute2's words and JSON, usage errors, default PVID, fdb vlan.
test_vlan_cli() {
	[ "$XB_BACKEND" = linux ] && skip "xdpbridge's CLI only"
	TOPO_V6=0 topo_up 2
	br_load $(ports 1 2)
	must "$XDPBRIDGE" set "$BR" vlan-filtering on
	vlan_do add "$(hv 1)" 10 pvid untagged
	vlan_do add "$(hv 1)" 20-22
	must "$XDPBRIDGE" vlan show "$BR" "$(hv 1)"
	local want
	want=$(printf '%-16s %s\n' port vlan-id "$(hv 1)" "1 Egress Untagged" "" "10 PVID Egress Untagged" \
		"" 20 "" 21)
	[[ $OUT == "$want"* ]] || fail "vlan show: want
$want
 ..., got
$OUT"
	must "$XDPBRIDGE" vlan show "$BR" -j
	jq -e --arg p "$(hv 1)" 'map(select(.ifname == $p))[0].vlans[1] == {"vlan": 10, "flags": ["PVID", "Egress Untagged"]}' \
		<<<"$OUT" >/dev/null || fail "vlan show -j: want {vlan: 10, flags: [PVID, Egress Untagged]} for $(hv 1), got $OUT"
	jq -e '.[] | select(.ifname | endswith("-p")) | .vlans[0].vlan == 1' <<<"$OUT" >/dev/null ||
		fail "vlan show -j: the host port is in VLAN 1, as the Linux bridge's self: $OUT"
	local bad
	for bad in 0 4095 abc 10-5 1-4095; do
		xrun "$XDPBRIDGE" vlan add "$BR" "$(hv 1)" "$bad"
		assert_rc 2 "vlan add VID '$bad'"
	done
	xrun "$XDPBRIDGE" vlan add "$BR" "$(hv 1)" 30-31 pvid
	assert_rc 2 "vlan add of a range with pvid"
	xrun "$XDPBRIDGE" set "$BR" vlan-protocol 802.1x
	assert_rc 2 "set vlan-protocol 802.1x"
	xrun "$XDPBRIDGE" set "$BR" default-pvid 4095
	assert_rc 2 "set default-pvid 4095"
	xrun "$XDPBRIDGE" fdb add "$BR" 02:00:00:00:0b:01 "$(hv 2)" vlan 0
	assert_rc 2 "fdb add ... vlan 0"
	# fdb add without vlan: one entry without VLAN and one per VLAN of the port
	must "$XDPBRIDGE" fdb add "$BR" 02:00:00:00:0b:01 "$(hv 1)"
	assert_eq 6 "$(br_fdb_show | grep -ic '^02:00:00:00:0b:01 ')" "static entries of fdb add without vlan (none, 1, 10, 20-22)"
	must "$XDPBRIDGE" fdb add "$BR" 02:00:00:00:0b:02 "$(hv 2)" vlan 7
	br_fdb_show | grep -Eiq "^02:00:00:00:0b:02 dev $(hv 2) vlan 7 master $BR static$" ||
		fail "fdb show: want '02:00:00:00:0b:02 dev $(hv 2) vlan 7 master $BR static'"
	must "$XDPBRIDGE" fdb del "$BR" 02:00:00:00:0b:01
	assert_eq 0 "$(br_fdb_show | grep -ic '^02:00:00:00:0b:01 ')" "entries left after fdb del without vlan"
	# default-pvid: a port joining later gets it, pvid untagged
	must "$XDPBRIDGE" set "$BR" default-pvid 5
	must "$XDPBRIDGE" -j vlan show "$BR" "$(hv 2)"
	jq -e '.[0].vlans == [{"vlan": 5, "flags": ["PVID", "Egress Untagged"]}]' <<<"$OUT" >/dev/null ||
		fail "default-pvid 5 moves a port still on the old default: $OUT"
	must "$XDPBRIDGE" -j vlan show "$BR" "$(hv 1)"
	jq -e '.[0].vlans[0] == {"vlan": 1, "flags": ["Egress Untagged"]}' <<<"$OUT" >/dev/null ||
		fail "default-pvid leaves a port whose PVID was changed: $OUT"
}
