# shellcheck shell=bash
# shellcheck disable=SC2317,SC2046  # tests are called indirectly; port lists split on purpose
# Issue 10, items 1-2: nobody on a port can take the host interface's MAC
# (a local entry, never moved) or blind the bridge with a MAC flood (learning
# limits). Sourced by run.sh.

# The host interface's MAC.
host_mac() { tr 'A-F' 'a-f' <"/sys/class/net/$BR/address"; }

# A /30 of 198.51.100.0/24 nobody routes in the root netns: host $BR gets
# .1 (SEC_HOST4), h1 .2 (SEC_H4), as test_host_connectivity does.
host_addr_up() {
	local k
	for ((k = RUN_ID % 64; ; k = (k + 1) % 64)); do
		SEC_HOST4=198.51.100.$((k * 4 + 1))
		ip -4 route show to match "$SEC_HOST4" | grep -vq "^default" || break
		[ "$k" = $(((RUN_ID + 63) % 64)) ] && skip "no free /30 in 198.51.100.0/24 in the root netns"
	done
	SEC_H4=198.51.100.$((k * 4 + 2))
	must ip link set "$BR" up
	must ip addr add "$SEC_HOST4/30" dev "$BR"
	must ip -n "$(ns 1)" addr add "$SEC_H4/30" dev eth0
}

host_pings() {   # how many of 3 pings h1 -> host $BR are answered
	nsx 1 ping -4 -n -q -c 3 -i 0.2 -W 1 "$SEC_HOST4" 2>&1 | sed -n 's/.* \([0-9]\+\) received.*/\1/p'
}

# stats KEY of port PORT (JSON stats).
port_stat() {   # PORT KEY
	"$XDPBRIDGE" -j stats "$BR" | jq -r --arg p "$1" --arg k "$2" '.[] | select(.ifname == $p) | .[$k]'
}

test_security_host_mac_cannot_be_hijacked() {
	local old new
	need_xdpbridge
	need_cmd jq
	TOPO_V6=0 topo_up 3
	br_load $(ports 1 2 3)
	host_addr_up
	old=$(host_mac)
	assert_eq 3 "$(host_pings)" "h1 -> host $BR before any spoofing, replies"

	# fdb show: the host MAC is the bridge's own, on its host port.
	must "$XDPBRIDGE" fdb show "$BR"
	grep -Eq "^$old dev $BR-p master $BR permanent$" <<<"$OUT" ||
		fail "fdb show: want '$old dev $BR-p master $BR permanent', got: $(tr '\n' '|' <<<"$OUT")"

	# h3 claims the host's MAC: dropped and counted, the host stays where it is.
	send_from 3 --src "$old" --dst ff:ff:ff:ff:ff:ff --count 20
	send_from 3 --src "$old" --dst "$(mac 1)" --count 5
	assert_eq 25 "$(port_stat "$(hv 3)" dropped_mac_hijack)" "mac_hijack drops on $(hv 3)"
	must "$XDPBRIDGE" fdb show "$BR"
	grep -Eq "^$old dev $BR-p master $BR permanent$" <<<"$OUT" ||
		fail "the host MAC moved: $(grep -i "^$old " <<<"$OUT")"
	assert_eq 3 "$(host_pings)" "h1 -> host $BR after h3 spoofed its MAC, replies"

	# fdb add / del cannot take it either (one line naming the fix).
	bad_input 1 "fdb add of the host MAC" "$XDPBRIDGE" fdb add "$BR" "$old" "$(hv 3)"
	bad_input 1 "fdb del of the host MAC" "$XDPBRIDGE" fdb del "$BR" "$old"

	# A new host MAC: the control loop moves the local entry with it.
	new=02:5e:c0:00:00:01
	must ip link set dev "$BR" address "$new"
	wait_for 5 eval '"$XDPBRIDGE" fdb show "$BR" | grep -Eq "^$new dev $BR-p master $BR permanent$"' ||
		fail "local entry did not follow the new host MAC: $("$XDPBRIDGE" fdb show "$BR" | tr '\n' '|')"
	"$XDPBRIDGE" fdb show "$BR" | grep -qi "^$old .*permanent" && fail "the old host MAC is still a local entry"
	must ip -n "$(ns 1)" neigh flush all
	send_from 3 --src "$new" --dst ff:ff:ff:ff:ff:ff --count 5
	assert_eq 30 "$(port_stat "$(hv 3)" dropped_mac_hijack)" "mac_hijack drops on $(hv 3) (new MAC)"
	assert_eq 3 "$(host_pings)" "h1 -> host $BR (new MAC) after h3 spoofed it, replies"
}

# h3 sends from N new source MACs (02:f1:00:00:HH:LL), one frame each.
mac_flood() {   # N
	must nsx 3 bash -c 'for ((i = 0; i < $1; i++)); do
		"$2" send eth0 --src "$(printf "02:f1:00:00:%02x:%02x" $((i >> 8)) $((i & 255)))" \
			--dst ff:ff:ff:ff:ff:ff --ethertype "$3" --count 1 || exit 1
	done' flood "$1" "$XBPKT" "$ETYPE"
}

learned_on() {   # PORT: learned entries on it
	"$XDPBRIDGE" fdb show "$BR" | grep -c " dev $1 .*learned"
}

test_security_mac_flood_keeps_known_stations() {
	local n
	need_xdpbridge
	need_cmd jq
	TOPO_V6=0 topo_up 3
	# h3 may learn 16 of 150 sources. The FDB is far from full: before
	# 6.16 an LRU map as small as 64 entries evicts before it is full (each
	# CPU's free list takes a quarter), which would let h3 learn more.
	# (The default limit, a quarter of the FDB, is test_learn_limit.c's.)
	must "$XDPBRIDGE" load "$BR" $(ports 1 2 3) --fdb-size 1024 ${XB_MODE:+--mode "$XB_MODE"} --detach
	must "$XDPBRIDGE" port set "$BR" "$(hv 3)" max-learned 16
	send_from 1 --dst "$UNUSED_MAC"
	send_from 2 --dst "$UNUSED_MAC"
	wait_for 2 fdb_has "$(mac 2)" "$(hv 2)" || fail "h2 not learned"
	mac_flood 150
	n=$(learned_on "$(hv 3)")
	[ "$n" -le 16 ] || fail "$(hv 3) holds $n learned stations, its limit is 16"
	log "ok: $(hv 3) holds $n learned stations (limit 16)"
	n=$(port_stat "$(hv 3)" learn_limit)
	[ "$n" -ge 134 ] || fail "learn_limit on $(hv 3): $n, want >= 134 (150 sources, 16 learned)"
	log "ok: learn_limit on $(hv 3) = $n"
	fdb_has "$(mac 1)" "$(hv 1)" || fail "h1 evicted by the flood"
	fdb_has "$(mac 2)" "$(hv 2)" || fail "h2 evicted by the flood"

	# Known unicast stays unicast: nothing for the attacker.
	recv_start r2 2 --dst "$(mac 2)"
	recv_start r3 3 --dst "$(mac 2)"
	send_from 1 --dst "$(mac 2)" --count 10
	assert_recv r2 10 "h1 -> h2 after the flood, at h2"
	assert_recv r3 0 "h1 -> h2 after the flood, at the attacker h3"

	# The bridge-wide limit: at the current count, a new station is not
	# learned, but its frames still go out.
	n=$(("$(learned_on "$(hv 1)")" + "$(learned_on "$(hv 2)")" + "$(learned_on "$(hv 3)")"))
	must "$XDPBRIDGE" set "$BR" max-learned "$n"
	recv_start r2b 2 --src 02:00:00:00:01:77
	send_from 1 --src 02:00:00:00:01:77 --dst ff:ff:ff:ff:ff:ff --count 2
	assert_recv r2b 2 "broadcast from a station over the bridge's limit, at h2"
	fdb_has 02:00:00:00:01:77 "$(hv 1)" && fail "a station over the bridge-wide limit ($n) was learned"
	assert_eq 2 "$(port_stat "$(hv 1)" learn_limit)" "learn_limit on $(hv 1) (bridge-wide limit $n)"
	must "$XDPBRIDGE" set "$BR" max-learned 0
	send_from 1 --src 02:00:00:00:01:77 --dst ff:ff:ff:ff:ff:ff --count 1
	wait_for 2 fdb_has 02:00:00:00:01:77 "$(hv 1)" || fail "not learned after set max-learned 0"
	bad_input 2 "set max-learned with a bad number" "$XDPBRIDGE" set "$BR" max-learned lots
}
