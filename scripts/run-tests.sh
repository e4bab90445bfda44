#!/usr/bin/env bash
# Run every test suite (unit, BPF, integration) and close with one line:
# "N passed, N failed, N skipped". Exit status non-zero if anything failed.
# Expects `make all build/test_unit build/test_bpf` to have run (make test does).
set -uo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}

total_pass=0 total_fail=0 total_skip=0
logdir=$(mktemp -d /tmp/xdpbridge-tests.XXXXXX)
trap 'rm -rf "$logdir"' EXIT

# Criterion's closing line: "Synthesis: Tested: T | Passing: P | Failing: F | Crashing: C"
# leaves skipped tests out; --verbose prints a "[SKIP] suite::test: reason" line each.
run_criterion() {
	local name=$1 bin=$2 log="$logdir/$1.log" line t p f c s
	echo "=== $name: $bin"
	"$bin" --jobs 1 --verbose 2>&1 | tee "$log" | grep -v '^\[RUN \]\|^\[PASS\]'
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
}

run_criterion unit "$BUILD/test_unit"
run_criterion bpf "$BUILD/test_bpf"

if [ -x tests/integration/run.sh ]; then
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
