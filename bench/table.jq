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
(.scenarios[] | .unit as $u |
 "| \(.name) | \($u) | \(.modes.xdpbridge | cell($u)) | \(.modes.linux_nf1 | cell($u)) | \(.modes.linux_nf0 | cell($u)) | \(.modes.floor | cell($u)) | \(.ratios.xdpbridge_vs_linux_nf0 | rat) | \(.ratios.xdpbridge_vs_linux_nf1 | rat) | \(.ratios.xdpbridge_vs_floor | rat) | \(.targets | tgt) |"),
"",
(.scenarios[] | "- \(.name): \(.description)")
