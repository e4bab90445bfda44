# raw.tsv (scenario, mode, round, value, sent, received, ok, unit) -> results.json
def median: sort | if length == 0 then null
	elif length % 2 == 1 then .[length / 2 | floor]
	else (.[length / 2 - 1] + .[length / 2]) / 2 end;
def ratio($a; $b): if $a == null or $b == null or $b == 0 then null
	else ($a / $b * 1000 | round) / 1000 end;
def order: ["uc64", "fdb1m", "stations", "churn", "flood8", "uc512", "uc1500", "tcp", "tcp_best",
	    "lat_p50", "lat_p99", "load16"];
def about: {
	uc64: "known unicast, 64 B, h1 -> h2",
	fdb1m: "known unicast, 64 B, \($machine.fdb_entries) other MACs in the FDB (xdpbridge: bpf_map_update_batch, --fdb-size the smallest power of two above it; Linux bridge: learned from frames)",
	stations: "known unicast, 64 B, \($machine.stations) learned source MACs on h1's port in rotation (many flows, no learning writes)",
	churn: "64 B, \($machine.churn_macs) rotating source MACs moving between 2 ports on every pass (a learning write per frame)",
	flood8: "broadcast 64 B from h1 flooded to 8 ports, \($machine.flood_frames_per_run) frames per run (frames injected/s; every port must receive all)",
	uc512: "known unicast, 512 B",
	uc1500: "known unicast, 1500 B",
	tcp: "iperf3 TCP MTU 1500, offloads an XDP bridge needs (tx csum off; GSO/TSO off)",
	tcp_best: "iperf3 TCP MTU 1500, Linux bridge with veth default offloads (xdpbridge column: the tcp row)",
	lat_p50: "UDP ping-pong 64 B, round trip p50",
	lat_p99: "UDP ping-pong 64 B, round trip p99",
	load16: "`xdpbridge load` of 16 ports (Linux column: ip -batch creating a bridge with 16 ports)"
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
	better: (if ($s[0].unit == "us" or $s[0].unit == "ms") then "lower" else "higher" end),
	description: (about[$n] // (if ($n | startswith("sweep_expire_")) then
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
			worst_delivery: ([ $r[] | select(.sent > 0 and .unit == "fps")
					   | .received / .sent ] | min) } })
		| from_entries) } ]
| (map({ key: .name, value: .modes }) | from_entries) as $by
| map(. as $sc
	| ($sc.modes.xdpbridge.median // (if $sc.name == "tcp_best" then $by.tcp.xdpbridge.median else null end)) as $x
	| .ratios = {
		xdpbridge_vs_linux_nf0: ratio($x; $sc.modes.linux_nf0.median),
		xdpbridge_vs_linux_nf1: ratio($x; $sc.modes.linux_nf1.median),
		xdpbridge_vs_floor: ratio($x; $sc.modes.floor.median) }
	| .targets = (
		if .name == "uc64" then [
			{ text: ">= 3.5x Linux bridge (nf=0)", met: (if .ratios.xdpbridge_vs_linux_nf0 == null then null else .ratios.xdpbridge_vs_linux_nf0 >= 3.5 end) },
			{ text: ">= 80% of the floor", met: (if .ratios.xdpbridge_vs_floor == null then null else .ratios.xdpbridge_vs_floor >= 0.8 end) } ]
		elif .name == "fdb1m" then [
			{ text: ">= 65% of the floor", met: (if .ratios.xdpbridge_vs_floor == null then null else .ratios.xdpbridge_vs_floor >= 0.65 end) } ]
		elif .name == "flood8" then [
			{ text: ">= 3x Linux bridge (nf=0), every port receives every frame",
			  met: (if .ratios.xdpbridge_vs_linux_nf0 == null then null
				else .ratios.xdpbridge_vs_linux_nf0 >= 3 and .modes.xdpbridge.valid == .modes.xdpbridge.runs end) } ]
		elif .name == "tcp" then [
			{ text: ">= Linux bridge at the same offloads",
			  met: (([ .modes.linux_nf0.median, .modes.linux_nf1.median ] | map(select(. != null)) | max) as $l
				| if $x == null or $l == null then null else $x >= $l end) } ]
		elif .name == "sweep_1000000" then [
			{ text: "<= 100 ms", met: (if $x == null then null else $x <= 100 end) } ]
		elif .name == "load16" then [
			{ text: "<= 500 ms", met: (if $x == null then null else $x <= 500 end) } ]
		else [] end))
| { machine: $machine, scenarios: . }
