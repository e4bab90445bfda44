# raw.tsv (scenario, mode, round, value, sent, received, ok, unit) -> results.json
def median: sort | if length == 0 then null
	elif length % 2 == 1 then .[length / 2 | floor]
	else (.[length / 2 - 1] + .[length / 2]) / 2 end;
def ratio($a; $b): if $a == null or $b == null or $b == 0 then null
	else ($a / $b * 1000 | round) / 1000 end;
def order: ["uc64", "uc64_tc", "uc64_vlan", "fdb1m", "stations", "churn", "flood8", "flood8_nohost",
	    "uc512", "uc1500", "uc1500_pkt", "uc9000_pkt", "tcp", "tcp_best", "tcp_tc", "tcp_tap", "tcp_tap_tc",
	    "lat_p50", "lat_p99", "load16", "vlan_tag", "vlan_push", "vlan_pop", "vlan_flood8", "vlan_flood8_sparse",
	    "uc64_restore", "flood8_cpu", "vlan_flood8_cpu", "vlan_flood8_sparse_cpu",
	    "vflood8", "vflood4", "vflood2", "vflood8_cpu", "vflood4_cpu", "vflood2_cpu",
	    "macflood_base", "macflood_neighbor", "macflood", "macflood_leak"];
# Rows measuring one xdpbridge variant: their Linux bridge and floor come from this row.
def ref: { uc64_tc: "uc64", flood8_nohost: "flood8", tcp_tc: "tcp_best", tcp_tap_tc: "tcp_tap",
	    vlan_tag: "uc64", vlan_push: "uc64", vlan_pop: "uc64", vlan_flood8: "flood8",
	    uc64_restore: "uc64" };
# Median over rounds of mode $m's value / mode $b's in the same round (valid runs
# only): the two were measured minutes apart at most, so this ratio moves less
# with the machine's load than the ratio of the medians.
def paired($s; $m; $b): [ $s[] | select(.mode == $b and .ok and .value > 0) | .round as $r | .value as $v
	| ($s[] | select(.mode == $m and .round == $r and .ok) | .value / $v) ]
	| median | if . == null then null else (. * 1000 | round) / 1000 end;
def tc_na: if $machine.xdpbridge_mode_tc then "" else " (n/a: needs --mode tc)" end;
def about: {
	uc64: "known unicast, 64 B, h1 -> h2 (xdpbridge: --mode native, XDP; every xdpbridge row but the *_tc ones loads --mode native)",
	uc64_tc: "known unicast, 64 B, xdpbridge with --mode tc (the skb path on every port; bpf_redirect_peer delivers past h2's XDP sink, so a TC ingress sink on h2 counts); Linux and floor columns: the uc64 row\(tc_na)",
	uc64_vlan: "known unicast, 64 B with an 802.1Q tag (VID 10) in the data, h1 -> h2 (no Linux bridge column: it untags frames in place, which corrupts the generator's recycled live frames)",
	fdb1m: "known unicast, 64 B, \($machine.fdb_entries) other MACs in the FDB (xdpbridge: bpf_map_update_batch, --fdb-size the smallest power of two above it; Linux bridge: learned from frames)",
	stations: "known unicast, 64 B, \($machine.stations) learned source MACs on h1's port in rotation (many flows, no learning writes)",
	churn: "64 B, \($machine.churn_macs) rotating source MACs moving between 2 ports on every pass (a learning write per frame; xdpbridge --fdb-size 4x that, so a port's default learning limit, a quarter, holds them all)",
	flood8: "broadcast 64 B from h1 flooded to 8 ports, \($machine.flood_frames_per_run) frames per run (frames injected/s; every port must receive all); xdpbridge also delivers each frame to its host port (9 copies, the floor 8)",
	flood8_nohost: "flood8 with xdpbridge loaded --no-host-port (8 copies, like the floor); Linux and floor columns: the flood8 row",
	uc512: "known unicast, 512 B",
	uc1500: "known unicast, 1500 B",
	uc1500_pkt: "known unicast, 1500 B, sent as skbs from h1 (AF_PACKET sendmmsg, \($machine.pkt_frames_per_run) frames per run): the reference for uc9000_pkt",
	uc9000_pkt: "known unicast, 9000 B (MTU 9000 on h1, p1, p2, h2), sent as skbs from h1 like uc1500_pkt; floor and sink use xdp.frags programs",
	tcp: "iperf3 TCP MTU 1500, offloads an XDP bridge needs (tx csum off; GSO/TSO off; xdpbridge --mode native)",
	tcp_best: "iperf3 TCP MTU 1500, Linux bridge with veth default offloads (xdpbridge column: the best xdpbridge mode, XDP from the tcp row or tc from tcp_tc)",
	tcp_tap: "guest TSO through taps: 65,000-byte TCP frames with a virtio_net_hdr (GSO_TCPV4, gso_size 1448, NEEDS_CSUM) written non-blocking into tap t1 as qemu does, read from tap t2 (TSO on, like a guest); bit/s of frame bytes out; LOSS when fewer bytes come out than went in (xdpbridge: --mode native, XDP, on the taps)",
	tcp_tap_tc: "tcp_tap with xdpbridge --mode tc; Linux column: the tcp_tap row\(tc_na)",
	tcp_tc: "iperf3 TCP MTU 1500, xdpbridge --mode tc with veth default offloads (GSO/TSO, TX checksum on); Linux columns: the tcp_best row\(tc_na)",
	lat_p50: "UDP ping-pong 64 B, round trip p50",
	lat_p99: "UDP ping-pong 64 B, round trip p99",
	load16: "`xdpbridge load` of 16 ports (Linux column: ip -batch creating a bridge with 16 ports)",
	uc64_restore: "uc64 with the generator restoring each frame's header (--restore), as for vlan_push and vlan_pop: their fair reference; Linux and floor columns: the uc64 row",
	vlan_tag: "VLAN filtering (--vlan-filtering): known unicast 64 B tagged VID 10, trunk to trunk (tag kept); Linux and floor columns: the uc64 row",
	vlan_push: "VLAN filtering: known unicast 64 B untagged from an access port (PVID 10) to a trunk (tag pushed); Linux and floor columns: the uc64 row",
	vlan_pop: "VLAN filtering: known unicast 64 B tagged VID 10 from a trunk to an access port (tag popped, 60 B out); Linux and floor columns: the uc64 row",
	vlan_flood8: "VLAN filtering: broadcast 64 B from an access port (PVID 10) to 8 VLAN 10 ports, 4 trunks (tag pushed per copy in the devmap egress programs) and 4 access ports; the host port is outside VLAN 10 (8 copies); Linux and floor columns: the flood8 row",
	vlan_flood8_sparse: "vlan_flood8 with VLAN 10 on p1, p2 (trunk) and p3 (access) only, p4..p9 untagged in VLAN 20: the flood still clones to all 8 ports and 6 egress programs drop their copy; p2 and p3 must receive every frame, the others none (generator with --reset-meta); no Linux or floor column",
	vflood8: "issue 11's VLAN flood designs (prototype bench/xbvflood.bpf.c, not xdpbridge): broadcast 64 B from access port p1 (PVID 10) to 8 of 8 other ports in VLAN 10 (p2-p5 trunks, p6-p9 access); see the VLAN flood table",
	vflood4: "as vflood8 with 4 of 8 ports in VLAN 10 (p2, p3 trunks; p4, p5 access), p6-p9 in VLAN 20 (must receive nothing)",
	vflood2: "as vflood8 with 2 of 8 ports in VLAN 10 (p2 trunk, p3 access), p4-p9 in VLAN 20 (must receive nothing)",
	macflood_base: "known unicast, 64 B, h1 -> h2, xdpbridge with its default learning limits: the reference of macflood",
	macflood_neighbor: "macflood_base while h4 sends from its own (learned) MAC to itself as fast as it can on the other CPU: what a busy neighbour costs on this machine",
	macflood: "macflood_base while h4 sends 1,000,000 distinct source MACs pass after pass on the other CPU (to its own MAC: reflect-dropped)",
	macflood_leak: "frames of h1 -> h2 that reached the attacker's port during macflood (flooded after an eviction): must be 0"
};

[inputs | select(length > 0) | split("\t")
 | {scen: .[0], mode: .[1], round: (.[2] | tonumber), value: (.[3] | tonumber),
    sent: (.[4] | tonumber), received: (.[5] | tonumber), ok: (.[6] == "1"), unit: .[7]}]
| . as $all
| [ $all[].scen ] | unique as $names
| [ (order[] | select(. as $n | $names | index($n))),
    ([ $names[] | select(. as $n | order | index($n) | not) ]
     | sort_by([ (split("_") | last | tonumber? // 0),
		 (if startswith("sweep_expire_") then 2 elif startswith("sweep_full_") then 1
		  elif startswith("sweep_") then 0 elif startswith("flush_") then 3 else 4 end) ])[]) ] as $names
| [ $names[] as $n
    | [ $all[] | select(.scen == $n) ] as $s
    | { name: $n,
	unit: $s[0].unit,
	paired: (if ([ $s[] | select(.mode == "filter") ] | length) == 0 then null else {
		pervlan_vs_filter: paired($s; "pervlan"; "filter"),
		fixed_vs_filter: paired($s; "fixed"; "filter") } end),
	better: (if ($s[0].unit == "us" or $s[0].unit == "ms" or $s[0].unit == "frames") then "lower" else "higher" end),
	description: (about[$n] // (if ($n | endswith("_cpu")) then
		"\($n | rtrimstr("_cpu")) in frames per second of CPU time (the generator thread's plus its CPU's ksoftirqd), not of wall time"
		elif ($n | startswith("sweep_expire_")) then
		"the loader's ageing sweep (xdpbridge_age: the ageing index, in the kernel) over \($n | ltrimstr("sweep_expire_")) learned entries that all expire (every one deleted)"
		elif ($n | startswith("sweep_full_")) then
		"the loader's full FDB walk (xdpbridge_age_full: bpf_for_each_map_elem over the FDB hash; run only when the data path reports an entry it could not index) over \($n | ltrimstr("sweep_full_")) live learned entries"
		elif ($n | startswith("sweep_")) then
		"the loader's ageing sweep (xdpbridge_age: the ageing index, in the kernel) over \($n | ltrimstr("sweep_")) live learned entries (none expires: the recurring case)"
		elif ($n | startswith("flush_")) then "`xdpbridge fdb flush` of \($n | ltrimstr("flush_")) entries (the loader's own delete path)"
		else $n end)),
	modes: ([ $s[].mode ] | unique | map(. as $m
		| [ $s[] | select(.mode == $m) ] as $r
		| [ $r[] | select(.ok) | .value ] as $v
		| { key: $m, value: {
			median: ($v | median), min: ($v | min), max: ($v | max),
			samples: [ $r[].value ], runs: ($r | length), valid: ($v | length),
			worst_delivery: ([ $r[] | select(.sent > 0 and (.unit == "fps" or .unit == "bps"))
					   | .received / .sent ] | min) } })
		| from_entries) } ]
| (map({ key: .name, value: .modes }) | from_entries) as $by
| def xf($n): ratio($by[$n].xdpbridge.median; $by[$n].floor.median);
  def rel($a; $b): if $a == null or $b == null or $b == 0 then null else ($a / $b * 1000 | round) / 1000 end;
  def within10($a; $b; $what): rel($a; $b) as $r
	| { text: "xdp/floor within 10% of \($what)'s (here \($r // "n/a"))", met: (if $r == null then null else $r >= 0.9 end) };
  def within15($a; $b; $what): rel($a; $b) as $r
	| { text: "xdp/floor within 15% of \($what)'s (here \($r // "n/a"))", met: (if $r == null then null else $r >= 0.85 end) };
  map(. as $sc
	| (if $sc.name == "tcp_best" then
		([ $by.tcp.xdpbridge.median, $by.tcp_tc.xdpbridge.median ] | map(select(. != null)) | max)
	   else $sc.modes.xdpbridge.median end) as $x
	| ($by[ref[$sc.name] // $sc.name]) as $rm
	| .ratios = {
		xdpbridge_vs_linux_nf0: ratio($x; $rm.linux_nf0.median),
		xdpbridge_vs_linux_nf1: ratio($x; $rm.linux_nf1.median),
		xdpbridge_vs_floor: ratio($x; $rm.floor.median) }
	# vflood rows: design B (pervlan, fixed) against design A (filter), and
	# each against the floor broadcasting to the members only
	| if $sc.modes.filter == null then . else .ratios += {
		pervlan_vs_filter: ratio($sc.modes.pervlan.median; $sc.modes.filter.median),
		fixed_vs_filter: ratio($sc.modes.fixed.median; $sc.modes.filter.median),
		filter_vs_floor: ratio($sc.modes.filter.median; $sc.modes.floor.median),
		pervlan_vs_floor: ratio($sc.modes.pervlan.median; $sc.modes.floor.median) } end
	| .targets = (
		if .name == "uc64" then [
			{ text: ">= 3.5x Linux bridge (nf=0)", met: (if .ratios.xdpbridge_vs_linux_nf0 == null then null else .ratios.xdpbridge_vs_linux_nf0 >= 3.5 end) },
			{ text: ">= 90% of the floor", met: (if .ratios.xdpbridge_vs_floor == null then null else .ratios.xdpbridge_vs_floor >= 0.9 end) } ]
		elif .name == "uc64_tc" then [
			{ text: ">= 1.5x Linux bridge (nf=0)\(tc_na)", met: (if .ratios.xdpbridge_vs_linux_nf0 == null then null else .ratios.xdpbridge_vs_linux_nf0 >= 1.5 end) } ]
		elif .name == "uc64_vlan" then [ within10(xf("uc64_vlan"); xf("uc64"); "untagged uc64") ]
		elif .name == "vlan_tag" then [ within15(.ratios.xdpbridge_vs_floor; xf("uc64"); "untagged uc64") ]
		elif (.name == "vlan_push" or .name == "vlan_pop") then
			[ within15(.ratios.xdpbridge_vs_floor; xf("uc64"); "untagged uc64") ]
			+ (if $by.uc64_restore.xdpbridge.median == null then [] else
			   [ within15(.ratios.xdpbridge_vs_floor; ratio($by.uc64_restore.xdpbridge.median; $by.uc64.floor.median);
				      "uc64_restore (the same generator)") ] end)
		elif .name == "vlan_flood8" then [ within15(.ratios.xdpbridge_vs_floor; xf("flood8"); "flood8") ]
		elif .name == "uc9000_pkt" then [ within10(xf("uc9000_pkt"); xf("uc1500_pkt"); "1500-byte uc1500_pkt")
			| if $sc.modes.xdpbridge == null then .text += " (xdpbridge n/a: a port with its XDP program refused MTU 9000; needs xdp.frags)" else . end ]
		elif (.name == "tcp_tc" or .name == "tcp_tap_tc") and ($machine.xdpbridge_mode_tc | not) then [ { text: "needs --mode tc", met: null } ]
		elif .name == "fdb1m" then [
			{ text: ">= 65% of the floor", met: (if .ratios.xdpbridge_vs_floor == null then null else .ratios.xdpbridge_vs_floor >= 0.65 end) } ]
		elif .name == "flood8" then [
			{ text: ">= 80% of the floor with the host port, every port receives every frame",
			  met: (if .ratios.xdpbridge_vs_floor == null then null
				else .ratios.xdpbridge_vs_floor >= 0.8 and .modes.xdpbridge.valid == .modes.xdpbridge.runs end) } ]
		elif .name == "flood8_nohost" then [
			{ text: ">= 90% of the floor without the host port, every port receives every frame",
			  met: (if .ratios.xdpbridge_vs_floor == null then null
				else .ratios.xdpbridge_vs_floor >= 0.9 and .modes.xdpbridge.valid == .modes.xdpbridge.runs end) } ]
		elif .name == "tcp_best" then [
			{ text: ">= 1.0x Linux bridge with its offloads (best xdpbridge mode\(if $machine.xdpbridge_mode_tc then ": XDP or tc" else ": XDP only, tc n/a" end))",
			  met: (([ .modes.linux_nf0.median, .modes.linux_nf1.median ] | map(select(. != null)) | max) as $l
				| if $x == null or $l == null then null else $x >= $l end) } ]
		elif .name == "tcp" then [
			{ text: ">= Linux bridge at the same offloads",
			  met: (([ .modes.linux_nf0.median, .modes.linux_nf1.median ] | map(select(. != null)) | max) as $l
				| if $x == null or $l == null then null else $x >= $l end) } ]
		elif .name == "sweep_1000000" then [
			{ text: "<= 100 ms", met: (if $x == null then null else $x <= 100 end) } ]
		elif .name == "macflood" then [
			(rel($x; $by.macflood_base.xdpbridge.median) as $r
			 | { text: ">= 80% of macflood_base (here \($r // "n/a"))", met: (if $r == null then null else $r >= 0.8 end) }),
			(rel($x; $by.macflood_neighbor.xdpbridge.median) as $r
			 | { text: "(beside a busy neighbour instead: \($r // "n/a"), no target)", met: null }),
			{ text: "no frame of h1 -> h2 at the attacker's port",
			  met: (if $by.macflood_leak.xdpbridge == null then null else $by.macflood_leak.xdpbridge.max == 0 end) } ]
		elif .name == "load16" then [
			{ text: "<= 500 ms", met: (if $x == null then null else $x <= 500 end) } ]
		else [] end))
| { machine: $machine, scenarios: . }
