# results.json -> markdown table on stdout
def r($d): . * pow(10; $d) | round / pow(10; $d) | tostring;
def fmt($u): if . == null then "n/a"
	elif $u == "fps" then (. / 1e6 | r(2)) + " M"
	elif $u == "bps" then (. / 1e9 | r(2)) + " G"
	else r(1) end;
def cell($u): if . == null then "n/a"
	elif .valid == 0 then (if .worst_delivery != null then
		"LOSS (" + (.worst_delivery * 100 | r(2)) + "% delivered)" else "failed" end)
	elif .valid == 1 then (.median | fmt($u))
	else (.median | fmt($u)) + " (" + (.min | fmt($u)) + "-" + (.max | fmt($u)) + ")" end
	+ (if . != null and .valid > 0 and .valid < .runs then " [\(.runs - .valid) run(s) lost]" else "" end);
def rat: if . == null then "-" else tostring + "x" end;
def tgt: if length == 0 then "" else map(.text + ": " +
	(if .met == null then "n/a" elif .met then "MET" else "NOT MET" end)) | join("; ") end;

"xdpbridge benchmark \(.machine.date): kernel \(.machine.kernel), \(.machine.nproc) CPUs (\(.machine.cpu)), "
+ "\(.machine.rounds) round(s), \(.machine.frames_per_run) frames per rate run"
+ (if .machine.quick then " [BENCH_QUICK]" else "" end)
+ ", load average at end \(.machine.loadavg_at_end)"
+ "; xdpbridge from commit \(.machine.git_commit // "?")"
+ (if (.machine.uncommitted_files_in_bpf_include_user // 0) > 0 then " + uncommitted changes" else "" end)
+ ", built \(.machine.xdpbridge_built // "?")",
"Median (min-max) over rounds. fps = frames/s, bps = bit/s, us/ms = lower is better.",
"",
"| scenario | unit | xdpbridge | Linux br nf=1 | Linux br nf=0 | floor | xdp/Linux nf=0 | xdp/Linux nf=1 | xdp/floor | target |",
"| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
(.scenarios[] | select(.modes.filter == null) | .unit as $u |
 "| \(.name) | \($u) | \(.modes.xdpbridge | cell($u)) | \(.modes.linux_nf1 | cell($u)) | \(.modes.linux_nf0 | cell($u)) | \(.modes.floor | cell($u)) | \(.ratios.xdpbridge_vs_linux_nf0 | rat) | \(.ratios.xdpbridge_vs_linux_nf1 | rat) | \(.ratios.xdpbridge_vs_floor | rat) | \(.targets | tgt) |"),
"",
(.scenarios[] | "- \(.name): \(.description)"),
# issue 11's VLAN flood designs (scripts/bench.sh vflood), when measured
([ .scenarios[] | select(.modes.filter != null) ] as $vf
 | if ($vf | length) == 0 then empty else
	"",
	"VLAN flood designs (prototype bench/xbvflood.bpf.c; fps, median (min-max)): A = filter (one devmap of all ports, egress programs drop non-members: xdpbridge's design), B = pervlan (a devmap per VLAN from an ARRAY_OF_MAPS), B' = fixed (a devmap per VLAN chosen by a switch), floor = broadcast to the members, no program",
	"",
	"B/A, B'/A: ratio of the medians; paired: median over rounds of the ratio within each round (A and B run back to back).",
	"",
	"| row | A filter | B pervlan | B' fixed | floor | B/A | B/A paired | B'/A | B'/A paired | A/floor | B/floor |",
	"| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
	($vf[] | "| \(.name) | \(.modes.filter | cell("fps")) | \(.modes.pervlan | cell("fps")) | \(.modes.fixed | cell("fps")) | \(.modes.floor | cell("fps")) | \(.ratios.pervlan_vs_filter | rat) | \(.paired.pervlan_vs_filter | rat) | \(.ratios.fixed_vs_filter | rat) | \(.paired.fixed_vs_filter | rat) | \(.ratios.filter_vs_floor | rat) | \(.ratios.pervlan_vs_floor | rat) |")
 end)
