# shellcheck shell=bash
# shellcheck disable=SC2317,SC2046  # tests are called indirectly; port lists split on purpose
# Issue 13, fitting into real hosts: `make install` into a DESTDIR, the man
# page (renders cleanly, covers every command and option of the CLI's help),
# bash completion, the systemd unit (systemd-analyze verify), the ifupdown
# hook (driven with ifupdown's environment, and by real ifup/ifdown), the
# libvirt qemu hook, Prometheus metrics (checked by prometheus_client's
# parser), the --textfile of the control loop, `top`, and SIGHUP reload.
# Sourced by run.sh. Besides what run.sh needs: make, scdoc, man-db, systemd
# (systemd-analyze), python3-prometheus-client, ifupdown; a test skips when its
# tool is missing.

HI_HOOK=$XB_TOP/dist/ifupdown/xdpbridge
HI_QEMU_HOOK=$XB_TOP/dist/libvirt/qemu-hook
HI_COMPLETION=$XB_TOP/completion/xdpbridge
HI_MAN=$XB_TOP/build/xdpbridge.8
# Debian's python, where python3-prometheus-client installs (not a pyenv's).
HI_PYTHON=${HI_PYTHON:-/usr/bin/python3}

# A copy of a dist/ script with the binary's path filled in, as make install does.
hi_script() {   # SRC DEST
	sed "s|@SBINDIR@|$(dirname "$XDPBRIDGE")|g" "$1" >"$2" && chmod 755 "$2"
}

# The usage lines of the CLI without "xdpbridge ": "fdb show BRIDGE [--port PORT]".
hi_usage_lines() {
	"$XDPBRIDGE" help | sed -n 's/^  xdpbridge //p' | grep -v '^help$'
}

# ---------------------------------------------------------------- install

test_install_tree() {
	need_cmd make scdoc man systemd-analyze
	local d=$XB_TMP/destdir f
	must make -s -C "$XB_TOP" install DESTDIR="$d" PREFIX=/usr
	# shellcheck disable=SC2086  # each entry splits into mode and path
	for f in "755 usr/sbin/xdpbridge" "644 usr/share/man/man8/xdpbridge.8" \
		 "644 usr/share/bash-completion/completions/xdpbridge" \
		 "644 usr/lib/systemd/system/xdpbridge@.service" \
		 "755 etc/network/if-pre-up.d/xdpbridge" "755 etc/network/if-post-down.d/xdpbridge" \
		 "755 etc/libvirt/hooks/qemu.d/xdpbridge" "644 etc/xdpbridge/BRIDGE.conf.example" \
		 "644 etc/default/xdpbridge"; do
		set -- $f	# "MODE PATH"
		[ -f "$d/$2" ] || fail "make install: $2 missing; installed: $(cd "$d" && find . -type f | tr '\n' ' ')"
		assert_eq "$1" "$(stat -c %a "$d/$2")" "mode of $2"
	done
	# Nothing else: the BPF object is inside the binary.
	assert_eq 9 "$(find "$d" -type f | wc -l)" "files installed"
	must "$d/usr/sbin/xdpbridge" help
	grep -q 'Usage: xdpbridge' <<<"$OUT" || fail "installed binary: no usage"
	# Scripts name the installed binary.
	! grep -rl '@SBINDIR@' "$d" || fail "an installed file still says @SBINDIR@"
	grep -q '^ExecStart=/usr/sbin/xdpbridge load %i --config /etc/xdpbridge/%i.conf' \
		"$d/usr/lib/systemd/system/xdpbridge@.service" || fail "unit: ExecStart not the installed binary"
	grep -q 'XDPBRIDGE:-/usr/sbin/xdpbridge' "$d/etc/network/if-pre-up.d/xdpbridge" ||
		fail "ifupdown hook: not the installed binary"
	# Every sample line of the bridge file is a `# key ... # see xdpbridge(8)` placeholder.
	grep -Eq '^# (ports|ageing|fdb-size|max-ports|mode|host-port|auto-port|fdb) .*# see xdpbridge\(8\)' \
		"$d/etc/xdpbridge/BRIDGE.conf.example" || fail "BRIDGE.conf.example: no placeholder lines"
	! grep -Ev '^(#|$)' "$d/etc/xdpbridge/BRIDGE.conf.example" || fail "BRIDGE.conf.example sets something"

	# The installed man page renders without a warning.
	xrun env MANWIDTH=80 man --warnings -l "$d/usr/share/man/man8/xdpbridge.8"
	assert_rc 0 "man -l of the installed page"
	[ -z "$ERR" ] || fail "man --warnings: $ERR"
	grep -q 'xdpbridge - a learning Ethernet bridge' "$XB_TMP/out" || fail "man -l: no NAME line"

	# systemd-analyze verify on an instance, inside the tree (it checks that
	# the commands exist there: kill is the system's).
	mkdir -p "$d/bin" && cp /bin/kill "$d/bin/kill"
	xrun systemd-analyze verify --man=no --root="$d" xdpbridge@br0.service
	assert_rc 0 "systemd-analyze verify xdpbridge@br0.service"
	[ -z "$ERR$OUT" ] || fail "systemd-analyze verify says: $ERR$OUT"
	rm -f "$d/bin/kill"

	# uninstall removes every file; an edited /etc/default/xdpbridge stays.
	echo 'XDPBRIDGE_OPTS="--textfile /srv"' >>"$d/etc/default/xdpbridge"
	must make -s -C "$XB_TOP" uninstall DESTDIR="$d" PREFIX=/usr
	assert_eq "$d/etc/default/xdpbridge" "$(find "$d" -type f)" "files left after uninstall"
	must make -s -C "$XB_TOP" install DESTDIR="$d" PREFIX=/usr
	grep -q srv "$d/etc/default/xdpbridge" || fail "install overwrote the admin's /etc/default/xdpbridge"
	rm "$d/etc/default/xdpbridge"
	must make -s -C "$XB_TOP" uninstall DESTDIR="$d" PREFIX=/usr
	must make -s -C "$XB_TOP" install DESTDIR="$d" PREFIX=/usr
	must make -s -C "$XB_TOP" uninstall DESTDIR="$d" PREFIX=/usr
	assert_eq "" "$(find "$d" -type f)" "files left after uninstall of an unchanged tree"
	rm -rf "$d"
}

# ---------------------------------------------------------------- man page

# Every command, option and option value of the CLI's help is in the man page:
# a sub-section per command ("   fdb show BRIDGE ..."), a definition per
# option ("       --format text|json|prometheus"), so the page cannot drift.
test_man_covers_cli() {
	need_cmd man
	[ -f "$HI_MAN" ] || fail "$HI_MAN not built (make)"
	local page=$XB_TMP/man.txt line path opt meta w n=0
	local -a toks
	# man needs groff to render anything (the VM of make vmtest has none).
	printf '.TH PROBE 1\n.SH NAME\nprobe\n' >"$XB_TMP/probe.1"
	[ -n "$(man -l "$XB_TMP/probe.1" 2>/dev/null)" ] || skip "man renders no page here (groff missing?)"
	MANWIDTH=2000 man -l "$HI_MAN" 2>/dev/null | col -b >"$page"
	[ -s "$page" ] || fail "man -l rendered nothing"
	for opt in -j --json -p --pretty -v --verbose; do
		grep -Eq "^ {7}(-[a-z], )?$opt(,| |$)" "$page" || fail "global option $opt not defined in the man page"
	done
	while read -r line; do
		read -ra toks <<<"$line"
		path=
		for w in "${toks[@]}"; do
			[[ $w =~ ^[a-z][a-z-]*$ ]] || break
			path+="${path:+ }$w"
		done
		grep -Eq "^ {3}$path( |$)" "$page" || fail "command '$path' has no section in the man page"
		# Options: "[--name META]", "[--flag]" or "[-j]".
		for ((i = 0; i < ${#toks[@]}; i++)); do
			[[ ${toks[i]} == "[-"* ]] || continue
			opt=${toks[i]#[}
			meta=
			if [[ $opt == *"]" ]]; then
				opt=${opt%]}
			else
				meta=${toks[i + 1]%]}
			fi
			grep -Eq "^ {7}$opt( |$)" "$page" || fail "option $opt of '$path' is not defined in the man page"
			if [[ $meta == *"|"* ]]; then
				for w in ${meta//|/ }; do
					grep -E "^ {7}$opt " "$page" | grep -Eq "(^| |\\|)$w(\\||$| )" ||
						fail "value '$w' of $opt ('$path') not in the man page"
				done
			fi
			n=$((n + 1))
		done
	done < <(hi_usage_lines)
	log "ok: every command of the help and its $n options are in the man page"
	grep -q '^EXIT STATUS' "$page" || fail "no EXIT STATUS section"
	grep -q '/sys/fs/bpf/xdpbridge/BRIDGE/' "$page" || fail "FILES: the pin directory"
	grep -q '/etc/xdpbridge/BRIDGE.conf' "$page" || fail "FILES: the bridge file"
}

# ---------------------------------------------------------------- completion

# hi_complete WORD...: the candidates bash completion offers for the last
# word (COMP_WORDS, COMP_CWORD as bash sets them), one per line.
hi_complete() {
	bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _xdpbridge
		 printf "%s\n" "${COMPREPLY[@]}"' _ "$HI_COMPLETION" "$XDPBRIDGE" "$@"
}

assert_completes() {   # "WORDS" EXPECTED...: every EXPECTED is a candidate
	local words=$1 got w
	shift
	# shellcheck disable=SC2086  # WORDS splits; a trailing "" is the empty word
	got=$(eval hi_complete $words)
	for w in "$@"; do
		grep -qxF -- "$w" <<<"$got" ||
			fail "completing 'xdpbridge $words': '$w' not offered (got: $(tr '\n' ' ' <<<"$got"))"
	done
	log "ok: xdpbridge $words<TAB> offers $*"
}

test_completion() {
	need_xdpbridge
	local line path w got opt meta
	local -a toks
	topo_up 2
	br_load $(ports 1 2)
	send_from 1 --dst "$(mac 2)" --count 1
	wait_for 3 fdb_has "$(mac 1)" "$(hv 1)" || fail "h1 not learned"
	# Commands at every level, global options, enum values, keywords.
	assert_completes '""' load unload show set stats top port fdb stp help
	assert_completes 'f' fdb
	assert_completes 'fdb ""' show add del flush help
	assert_completes 'port ""' add del help
	assert_completes '-j ""' load fdb
	assert_completes '-' -j --json -p --pretty -v
	assert_completes 'set x ""' ageing stp priority hello forward-delay max-age
	assert_completes 'load x --mode ""' native generic
	assert_completes 'stats x --format ""' text json prometheus
	assert_completes 'load x --' --ageing --fdb-size --max-ports --mode --no-host-port --detach --textfile
	got=$(hi_complete stats x --format p)
	assert_eq prometheus "$got" "completing 'stats x --format p'"
	# Bridges, interfaces, a bridge's ports, its MACs.
	assert_completes 'show ""' "$BR"
	assert_completes 'fdb show ""' "$BR"
	assert_completes 'load x ""' "$(hv 1)" "$(hv 2)" lo
	assert_completes "port del $BR \"\"" "$(hv 1)" "$(hv 2)" "$BR-p"
	got=$(hi_complete port del "$BR" "")
	grep -qx lo <<<"$got" && fail "port del offers lo, which is no port"
	assert_completes "fdb show $BR --port \"\"" "$(hv 1)"
	assert_completes "fdb del $BR \"\"" "$(mac 1)"
	got=$(hi_complete load x "$(hv 1)" "")
	grep -qx "$(hv 1)" <<<"$got" && fail "load offers $(hv 1) twice"
	# Every command path and option of the help, so completion cannot drift.
	while read -r line; do
		read -ra toks <<<"$line"
		path=()
		for w in "${toks[@]}"; do
			[[ $w =~ ^[a-z][a-z-]*$ ]] || break
			assert_completes "${path[*]} \"\"" "$w" >/dev/null
			path+=("$w")
		done
		for w in "${toks[@]}"; do
			[[ $w == "[-"* ]] || continue
			opt=${w#[}
			opt=${opt%]}
			assert_completes "${path[*]} $BR -" "$opt" >/dev/null
		done
	done < <(hi_usage_lines)
	log "ok: every command and option of the help completes"
}

# ---------------------------------------------------------------- metrics

# hi_prom_check FILE: parse with prometheus_client; print "name{labels} value" lines.
hi_prom_check() {
	"$HI_PYTHON" - "$1" <<'EOF'
import sys
from prometheus_client.parser import text_string_to_metric_families
text = open(sys.argv[1]).read()
for fam in text_string_to_metric_families(text):
    if not fam.documentation:
        sys.exit(f"family {fam.name}: no HELP")
    if fam.type not in ("counter", "gauge"):
        sys.exit(f"family {fam.name}: type {fam.type}")
    for s in fam.samples:
        labels = ",".join(f"{k}={v}" for k, v in sorted(s.labels.items()))
        print(f"{s.name}{{{labels}}} {s.value:g}")
EOF
}

test_prometheus_metrics() {
	need_xdpbridge
	"$HI_PYTHON" -c 'import prometheus_client.parser' 2>/dev/null ||
		skip "python3-prometheus-client not installed (for $HI_PYTHON)"
	local tf=$XB_TMP/textfile prom=$XB_TMP/prom.txt parsed=$XB_TMP/parsed.txt p rx before after
	mkdir -p "$tf"
	topo_up 2
	bad_input 1 "load --textfile of a missing directory" \
		"$XDPBRIDGE" load "$BR" $(ports 1 2) --textfile "$XB_TMP/missing" --detach
	assert_nothing_left "$BR" "load --textfile of a missing directory" $(ports 1 2)
	must "$XDPBRIDGE" load "$BR" $(ports 1 2) --ageing 10 --textfile "$tf" --detach
	assert_ping 1 2
	must "$XDPBRIDGE" stats "$BR" --format prometheus
	cp "$XB_TMP/out" "$prom"
	xrun hi_prom_check "$prom"
	assert_rc 0 "prometheus_client parses stats --format prometheus"
	cp "$XB_TMP/out" "$parsed"
	for p in $(ports 1 2) "$BR-p"; do
		for m in rx_packets rx_bytes forwarded_packets flooded_packets to_host_packets to_skb_packets \
			 kernel_dropped_packets forwarded_bytes flooded_bytes to_host_bytes dropped_bytes; do
			grep -q "^xdpbridge_port_${m}_total{bridge=$BR,port=$p} " "$parsed" ||
				fail "no xdpbridge_port_${m}_total for port $p"
		done
		for r in runt bad_src reflect; do
			grep -q "^xdpbridge_port_dropped_packets_total{bridge=$BR,port=$p,reason=$r} " "$parsed" ||
				fail "no dropped{reason=$r} for port $p"
		done
		# The same counts as `stats -j`.
		rx=$("$XDPBRIDGE" -j stats "$BR" | jq -r ".[] | select(.ifname == \"$p\") | .forwarded")
		after=$(sed -n "s/^xdpbridge_port_forwarded_packets_total{bridge=$BR,port=$p} //p" "$parsed")
		[ "$rx" -le "$after" ] || fail "port $p: forwarded $after in Prometheus, $rx later in stats -j"
	done
	grep -q "^xdpbridge_port_forwarded_packets_total{bridge=$BR,port=$(hv 1)} [1-9]" "$parsed" ||
		fail "pings h1 -> h2 not counted as forwarded on $(hv 1)"
	for m in "fdb_capacity_entries{bridge=$BR} 65536" "fdb_learned_entries{bridge=$BR} [1-9]" \
		 "fdb_unindexed_total{bridge=$BR} 0" "control_loop_up{bridge=$BR} 1" \
		 "ageing_time_seconds{bridge=$BR} 10" "ageing_sweeps_total{bridge=$BR} [1-9]" \
		 "ageing_sweep_seconds_total{bridge=$BR} " "ageing_last_sweep_duration_seconds{bridge=$BR} " \
		 "ports{bridge=$BR} 3"; do
		grep -q "^xdpbridge_$m" "$parsed" || fail "no 'xdpbridge_$m' in $(tr '\n' ' ' <"$parsed")"
	done
	log "ok: every family parses, per-port counters, FDB size and fill, sweep metrics"

	# The textfile: there, parses, and follows the counters.
	wait_for 5 test -s "$tf/xdpbridge_$BR.prom" || fail "no $tf/xdpbridge_$BR.prom"
	xrun hi_prom_check "$tf/xdpbridge_$BR.prom"
	assert_rc 0 "prometheus_client parses the textfile"
	before=$(sed -n "s/^xdpbridge_port_rx_packets_total{bridge=$BR,port=$(hv 1)} //p" "$XB_TMP/out")
	assert_ping 1 2
	wait_for 10 hi_textfile_rx_above "$tf/xdpbridge_$BR.prom" "$before" ||
		fail "textfile not rewritten with the new counters (rx was $before)"
	assert_eq "xdpbridge_$BR.prom" "$(find "$tf" -mindepth 1 -printf '%f\n')" \
		"files in the textfile directory (no temporary file left)"
	must "$XDPBRIDGE" unload "$BR"
	[ ! -e "$tf/xdpbridge_$BR.prom" ] || fail "unload left the textfile"
	[ ! -e "/run/xdpbridge/$BR.status" ] || fail "unload left the status file"
	# Without a control loop: no sweep metrics, loop down.
	must "$XDPBRIDGE" load "$BR" $(ports 1 2) --detach
	for p in $(loader_pids "$BR"); do kill -KILL "$p"; done
	wait_for 3 bash -c "! '$XDPBRIDGE' show '$BR' | grep -q 'control_pid [0-9]'"
	must "$XDPBRIDGE" stats "$BR" --format prometheus
	grep -q "^xdpbridge_control_loop_up{bridge=\"$BR\"} 0$" "$XB_TMP/out" || fail "loop killed: control_loop_up not 0"
	grep -q sweep "$XB_TMP/out" && fail "sweep metrics of a dead loop"
	bad_input 2 "-j with --format prometheus" "$XDPBRIDGE" -j stats "$BR" --format prometheus
	bad_input 2 "--format yaml" "$XDPBRIDGE" stats "$BR" --format yaml
	return 0
}

hi_textfile_rx_above() {   # FILE N
	local n
	n=$(sed -n "s/^xdpbridge_port_rx_packets_total{bridge=\"$BR\",port=\"$(hv 1)\"} //p" "$1")
	[ -n "$n" ] && [ "$n" -gt "$2" ]
}

# ---------------------------------------------------------------- top

test_top_rates() {
	need_xdpbridge
	local out=$XB_TMP/top.json n
	TOPO_V6=0 topo_up 2
	br_load $(ports 1 2)
	send_from 2 --dst "$(mac 1)" --count 1	# h2 learned: h1 -> h2 is known unicast
	# Frames all through the three intervals.
	bg send nsx 1 "$XBPKT" send eth0 --src "$(mac 1)" --dst "$(mac 2)" --ethertype "$ETYPE" \
		--count 100000 --interval 2000
	must "$XDPBRIDGE" -j top "$BR" --count 3
	cp "$XB_TMP/out" "$out"
	assert_eq 3 "$(nlines "$out")" "top -j --count 3: one JSON object per interval"
	jq -e . "$out" >/dev/null || fail "top -j: not JSON"
	jq -e --arg p "$(hv 1)" 'select(.bridge != null and .interval_ms > 0) | .ports[] | select(.ifname == $p) |
		has("rx_pps") and has("rx_bps") and has("forwarded_pps") and has("flooded_pps")
		and has("to_host_pps") and has("dropped_pps") and has("forwarded_bps") and has("flooded_bps")
		and has("to_host_bps") and has("dropped_bps")' "$out" >/dev/null || fail "top -j: fields missing"
	n=$(jq -s --arg p "$(hv 1)" '[.[].ports[] | select(.ifname == $p) | .forwarded_pps] | max' "$out")
	[ "$n" -gt 0 ] || fail "top: no forwarded frames/s on $(hv 1) while h1 sends to h2: $(cat "$out")"
	n=$(jq -s --arg p "$(hv 1)" '[.[].ports[] | select(.ifname == $p) | .rx_bps] | max' "$out")
	[ "$n" -gt 0 ] || fail "top: no bits/s on $(hv 1)"
	n=$(jq -s --arg p "$(hv 1)" '[.[].ports[] | select(.ifname == $p) | .forwarded_bps] | max' "$out")
	[ "$n" -gt 0 ] || fail "top: no forwarded bits/s on $(hv 1) while h1 sends to h2"
	log "ok: top shows the traffic (forwarded frames/s and bits/s) on $(hv 1)"
	must "$XDPBRIDGE" top "$BR" --count 1
	grep -q "^$(hv 1) " <<<"$OUT" || fail "top text: no row for $(hv 1)"
	bad_input 2 "top --count 0" "$XDPBRIDGE" top "$BR" --count 0
}

# ---------------------------------------------------------------- reload

test_sighup_reload_keeps_forwarding() {
	need_xdpbridge
	local pid n
	topo_up 2
	bg loop "$XDPBRIDGE" load "$BR" $(ports 1 2)
	pid=$BG_LAST
	wait_for 10 bash -c "'$XDPBRIDGE' show '$BR' 2>/dev/null | grep -q 'control_pid $pid'" ||
		fail "control loop did not start: $(cat "$XB_TMP/bg.loop")"
	# Connected first (in make vmtest's TCG guest the first ARP exchange
	# after the loop starts can take over a second); then no ping may be
	# lost across the reload.
	wait_for 5 eval '[ "$(ping_count 1 2 4 -c 1 -W 1 2>/dev/null)" = 1 ]' ||
		fail "h1 cannot ping h2 before the reload"
	assert_ping 1 2
	bg pings ping_count 1 2 4 -c 30 -i 0.05 -W 2
	local pings=$BG_LAST
	sleep 0.3
	must kill -HUP "$pid"
	wait "$pings"
	n=$(tail -n1 "$XB_TMP/bg.pings")
	assert_eq 30 "$n" "pings answered across a reload"
	wait_for 5 bash -c "'$XDPBRIDGE' show '$BR' | grep -q 'control_pid $pid'" ||
		fail "after SIGHUP: control loop is not pid $pid: $("$XDPBRIDGE" show "$BR")"
	kill -0 "$pid" || fail "the control loop exited on SIGHUP"
	grep -q "reloading" "$XB_TMP/bg.loop" || fail "the loop did not say it reloads: $(cat "$XB_TMP/bg.loop")"
	fdb_has "$(mac 1)" "$(hv 1)" || fail "FDB lost across the reload"
	must "$XDPBRIDGE" show "$BR"
	grep -c '^    port' <<<"$OUT" | grep -qx 3 || fail "ports after reload: $OUT"
}

# ---------------------------------------------------------------- ifupdown

# hi_ifupdown MODE PHASE PORTS [VAR=VALUE...]: run the hook as ifupdown does.
hi_ifupdown() {
	local mode=$1 phase=$2 ports=$3
	shift 3
	xrun env IFACE="$BR" LOGICAL="$BR" ADDRFAM=inet METHOD=static MODE="$mode" PHASE="$phase" \
		VERBOSITY=0 IF_ADDRESS=203.0.113.1/24 IF_XDPBRIDGE_PORTS="$ports" \
		XDPBRIDGE_CONFIG_DIR="$XB_TMP/no-config" "$@" "$XB_TMP/hook"
}

test_ifupdown_hook() {
	need_xdpbridge
	hi_script "$HI_HOOK" "$XB_TMP/hook"
	topo_up 2
	ip link set "$(hv 2)" down
	# A stanza without xdpbridge-ports is none of the hook's business.
	hi_ifupdown start pre-up ""
	assert_rc 0 "pre-up without xdpbridge-ports"
	[ ! -e "$PIN_ROOT/$BR" ] || fail "pre-up without xdpbridge-ports loaded a bridge"
	hi_ifupdown start pre-up "$(ports 1 2)" IF_XDPBRIDGE_AGEING=20 IF_XDPBRIDGE_MODE=native
	assert_rc 0 "pre-up with xdpbridge-ports"
	must "$XDPBRIDGE" show "$BR"
	grep -q "ageing 20 .* control_pid [0-9]" <<<"$OUT" || fail "bridge not loaded with ageing 20 and a control loop: $OUT"
	for p in $(ports 1 2); do
		grep -q "^    port $p .*mode native" <<<"$OUT" || fail "port $p missing: $OUT"
	done
	[ "$(cat "/sys/class/net/$(hv 2)/operstate")" != down ] || fail "the hook did not set $(hv 2) up"
	assert_ping 1 2
	# ifup again (the bridge and its loop exist): nothing breaks.
	hi_ifupdown start pre-up "$(ports 1 2)"
	assert_rc 0 "pre-up of a loaded bridge"
	# Other phases: nothing.
	hi_ifupdown start post-up "$(ports 1 2)"
	assert_rc 0 "post-up"
	hi_ifupdown stop pre-down "$(ports 1 2)"
	assert_rc 0 "pre-down"
	[ -e "$PIN_ROOT/$BR" ] || fail "pre-down unloaded the bridge"
	hi_ifupdown stop post-down "$(ports 1 2)"
	assert_rc 0 "post-down"
	assert_nothing_left "$BR" "post-down" $(ports 1 2)
	hi_ifupdown stop post-down "$(ports 1 2)"
	assert_rc 0 "post-down of a bridge not loaded"
	# A port that does not exist: ifup fails, nothing stays.
	hi_ifupdown start pre-up "$(hv 1) ${PFX}h9"
	[ "$RC" != 0 ] || fail "pre-up with a missing port succeeded"
	assert_nothing_left "$BR" "pre-up with a missing port" "$(hv 1)"
}

# Real ifup/ifdown with an interfaces(5) file. They run the hooks from
# /etc/network/if-*.d, so a private mount namespace shows them a directory
# holding only this hook.
test_ifup_ifdown() {
	need_xdpbridge
	need_cmd ifup ifdown unshare
	# The test mounts its own hook directories over /etc/network.
	[ -d /etc/network ] || skip "/etc/network missing (ifupdown not installed)"
	local etc=$XB_TMP/etc-network d
	for d in if-pre-up.d if-up.d if-down.d if-post-down.d; do mkdir -p "$etc/$d"; done
	hi_script "$HI_HOOK" "$etc/if-pre-up.d/xdpbridge"
	cp "$etc/if-pre-up.d/xdpbridge" "$etc/if-post-down.d/xdpbridge"
	mkdir -p "$XB_TMP/ifstate"
	cat >"$etc/interfaces" <<-EOF
		auto $BR
		iface $BR inet static
		    address 203.0.113.1/24
		    xdpbridge-ports $(hv 1) $(hv 2)
		    xdpbridge-ageing 30
	EOF
	TOPO_V6=0 topo_up 2
	hi_ifup() {
		xrun unshare -m sh -c "mount --make-rprivate / && mount --bind '$etc' /etc/network &&
			XDPBRIDGE_CONFIG_DIR='$XB_TMP/no-config' $1 -v -i /etc/network/interfaces --state-dir '$XB_TMP/ifstate' '$BR'"
	}
	hi_ifup ifup
	assert_rc 0 "ifup $BR"
	must "$XDPBRIDGE" show "$BR"
	grep -q "ageing 30 .* control_pid [0-9]" <<<"$OUT" || fail "ifup: bridge not loaded with ageing 30: $OUT"
	ip -4 addr show dev "$BR" | grep -q '203.0.113.1/24' || fail "ifup did not give $BR its address"
	assert_ping 1 2
	xrun nsx 1 ping -c 3 -i 0.2 -W 1 -q 203.0.113.1
	assert_rc 0 "h1 pings the host interface $BR configured by ifup"
	hi_ifup ifdown
	assert_rc 0 "ifdown $BR"
	assert_nothing_left "$BR" "ifdown" $(ports 1 2)
}

# ---------------------------------------------------------------- libvirt

hi_domain_xml() {   # TAP_A TAP_B: taps of a guest, A marked for $BR, B not
	cat <<-EOF
		<domain type='qemu' id='7'>
		  <name>${PFX}g</name>
		  <devices>
		    <interface type='ethernet'>
		      <mac address='52:54:00:00:00:01'/>
		      <target dev='$1' managed='yes'/>
		      <model type='virtio'/>
		      <alias name='ua-xdpbridge-$BR'/>
		    </interface>
		    <interface type='ethernet'>
		      <mac address='52:54:00:00:00:02'/>
		      <target dev='$2' managed='yes'/>
		      <alias name='net1'/>
		    </interface>
		  </devices>
		</domain>
	EOF
}

test_libvirt_qemu_hook() {
	need_xdpbridge
	local hook=$XB_TMP/qemu-hook
	hi_script "$HI_QEMU_HOOK" "$hook"
	ip tuntap add dev "$TAP_A" mode tap || fail "cannot create tap $TAP_A"
	ip tuntap add dev "$TAP_B" mode tap || fail "cannot create tap $TAP_B"
	br_load
	hi_domain_xml "$TAP_A" "$TAP_B" >"$XB_TMP/dom.xml"
	xrun env XDPBRIDGE_DEFAULTS=/dev/null "$hook" "${PFX}g" prepare begin - <"$XB_TMP/dom.xml"
	assert_rc 0 "hook prepare"
	"$XDPBRIDGE" show "$BR" | grep -q "port $TAP_A" && fail "prepare added the tap"
	xrun env XDPBRIDGE_DEFAULTS=/dev/null "$hook" "${PFX}g" started begin - <"$XB_TMP/dom.xml"
	assert_rc 0 "hook started"
	must "$XDPBRIDGE" show "$BR"
	grep -q "^    port $TAP_A " <<<"$OUT" || fail "started: $TAP_A (alias ua-xdpbridge-$BR) not a port: $OUT"
	grep -q "^    port $TAP_B " <<<"$OUT" && fail "started: $TAP_B (no alias) became a port"
	# libvirtd reconnecting to the running guest: no error, no change.
	xrun env XDPBRIDGE_DEFAULTS=/dev/null "$hook" "${PFX}g" reconnect begin - <"$XB_TMP/dom.xml"
	assert_rc 0 "hook reconnect"
	[ -z "$ERR" ] || fail "reconnect complained: $ERR"
	xrun env XDPBRIDGE_DEFAULTS=/dev/null "$hook" "${PFX}g" stopped end - <"$XB_TMP/dom.xml"
	assert_rc 0 "hook stopped"
	must "$XDPBRIDGE" show "$BR"
	grep -q "port $TAP_A" <<<"$OUT" && fail "stopped: $TAP_A still a port"
	return 0
}
