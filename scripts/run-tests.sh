#!/usr/bin/env bash
# Run every test suite and close with one line: "N passed, N failed, N skipped".
# Exit status non-zero if anything failed. Suites: unit, bpf, fuzz (the short
# frame fuzzer, tests/fuzz), unit-san and bpf-san (the same suites built with
# ASan + UBSan in $SAN_BUILD, when set), integration. XB_SUITES="unit bpf"
# runs only those. Expects make test's builds (build/test_unit, test_bpf,
# test_fuzz; build-san/test_unit, test_bpf).
set -uo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
SAN_BUILD=${SAN_BUILD:-}
# The BPF suite runs once, sanitized (bpf-san): the data path is the same
# object in both builds, only user space differs, and a second plain run
# (~2 min on 2 cores) would push `make test` past its 15 minutes. Without
# SAN_BUILD (make test SANITIZE=1 runs the sanitized build as BUILD) the
# plain one runs. `make test-bpf` runs the plain build's alone.
if [ -n "$SAN_BUILD" ]; then
	XB_SUITES=${XB_SUITES:-unit fuzz unit-san bpf-san integration}
else
	XB_SUITES=${XB_SUITES:-unit bpf fuzz integration}
fi
# A sanitizer finding ends the process (the build has -fno-sanitize-recover);
# leaks are reported only at exit, after Criterion has counted the test as
# passed, so every report in a log counts as a failure below.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:print_summary=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

total_pass=0 total_fail=0 total_skip=0
logdir=$(mktemp -d /tmp/xdpbridge-tests.XXXXXX)
trap 'rm -rf "$logdir"' EXIT

# Criterion's closing line: "Synthesis: Tested: T | Passing: P | Failing: F | Crashing: C"
# leaves skipped tests out; --verbose prints a "[SKIP] suite::test: reason" line each.
# JOBS: Criterion's parallel jobs (pure user-space suites: every CPU; the
# BPF suite: 1, its storm and race tests pin CPUs and count per CPU).
run_criterion() {
	local name=$1 bin=$2 jobs=${3:-1} log="$logdir/$1.log" line t p f c s
	echo "=== $name: $bin"
	"$bin" --jobs "$jobs" --verbose 2>&1 | tee "$log" | grep -v '^\[RUN \]\|^\[PASS\]'
	s=$(grep -c '^\[SKIP\]' "$log")
	line=$(grep -o 'Tested: [0-9]* | Passing: [0-9]* | Failing: [0-9]* | Crashing: [0-9]*' "$log" | tail -1)
	if [ -z "$line" ]; then
		echo "$name: no Criterion summary (the runner crashed?)"
		total_fail=$((total_fail + 1))
		return
	fi
	read -r t p f c < <(echo "$line" | tr -dc '0-9 ' | tr -s ' ')
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + f + c))
	total_skip=$((total_skip + s))
	# ASan/LSan ("==PID==ERROR: ...") and UBSan ("FILE:LINE: runtime error: ")
	san=$(grep -c -E '^==[0-9]+==ERROR: |: runtime error: ' "$log")
	if [ "$san" -gt 0 ]; then
		echo "$name: $san sanitizer report(s) above"
		total_fail=$((total_fail + san))
	fi
}

want() { [[ " $XB_SUITES " == *" $1 "* ]]; }

want unit && run_criterion unit "$BUILD/test_unit" "$(nproc)"
want bpf && run_criterion bpf "$BUILD/test_bpf"
want fuzz && run_criterion fuzz "$BUILD/test_fuzz" "$(nproc)"
if [ -n "$SAN_BUILD" ]; then
	want unit-san && run_criterion unit-san "$SAN_BUILD/test_unit" "$(nproc)"
	want bpf-san && run_criterion bpf-san "$SAN_BUILD/test_bpf"
fi

if want integration && [ -x tests/integration/run.sh ]; then
	echo "=== integration: tests/integration/run.sh"
	log="$logdir/integration.log"
	tests/integration/run.sh 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$' "$log" | tail -1)
	if [ -z "$line" ]; then
		echo "integration: no summary line (exit $rc)"
		total_fail=$((total_fail + 1))
	else
		read -r p f s < <(echo "$line" | tr -dc '0-9 ' | tr -s ' ')
		total_pass=$((total_pass + p)); total_fail=$((total_fail + f)); total_skip=$((total_skip + s))
		[ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && total_fail=$((total_fail + 1))
	fi
fi

echo
echo "${total_pass} passed, ${total_fail} failed, ${total_skip} skipped"
[ "$total_fail" -eq 0 ]
