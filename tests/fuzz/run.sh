#!/usr/bin/env bash
# make fuzz: every libFuzzer target (tests/fuzz/fuzz_*.c) for FUZZ_TIME
# seconds from its seed corpus (tests/fuzz/corpus/TARGET; what it finds new
# goes to $BUILD/fuzz-corpus/TARGET, crashes to $BUILD/fuzz-artifacts/), then
# the frame fuzzer (build/test_fuzz) for each of FUZZ_SEEDS random seeds,
# FUZZ_FRAMES frames in frames_native and a share of that in the others.
# Closes with "N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build}
FUZZ_TIME=${FUZZ_TIME:-60}
FUZZ_FRAMES=${FUZZ_FRAMES:-1000000}
FUZZ_SEEDS=${FUZZ_SEEDS:-2}
FUZZ_TARGETS=${FUZZ_TARGETS:-parse args config}

pass=0 fail=0 skip=0
logdir=$(mktemp -d /tmp/xdpbridge-fuzz.XXXXXX)
trap 'rm -rf "$logdir"' EXIT
mkdir -p "$BUILD/fuzz-artifacts"

for t in $FUZZ_TARGETS; do
	echo "=== fuzz_$t: ${FUZZ_TIME}s"
	mkdir -p "$BUILD/fuzz-corpus/$t"
	# -close_fd_mask=3: the parsers' error messages would drown the output;
	# libFuzzer keeps its own and the sanitizers' reports.
	if "$BUILD/fuzz_$t" -max_total_time="$FUZZ_TIME" -close_fd_mask=3 -print_final_stats=1 \
		-artifact_prefix="$BUILD/fuzz-artifacts/$t-" \
		"$BUILD/fuzz-corpus/$t" "tests/fuzz/corpus/$t" >"$logdir/$t.log" 2>&1; then
		grep -E '^(Done|stat::number_of_executed_units)' "$logdir/$t.log"
		echo "fuzz_$t: PASS"
		pass=$((pass + 1))
	else
		tail -40 "$logdir/$t.log"
		echo "fuzz_$t: FAIL (the input is in $BUILD/fuzz-artifacts/)"
		fail=$((fail + 1))
	fi
done

for i in $(seq 1 "$FUZZ_SEEDS"); do
	seed=$(printf '0x%016x' "$(od -An -N8 -tu8 /dev/urandom | tr -d ' ')")
	echo "=== frames: XB_FUZZ_SEED=$seed XB_FUZZ_FRAMES=$FUZZ_FRAMES"
	log="$logdir/frames-$i.log"
	XB_FUZZ_SEED=$seed XB_FUZZ_FRAMES=$FUZZ_FRAMES "$BUILD/test_fuzz" --jobs 1 --verbose 2>&1 |
		tee "$log" | grep -v '^\[RUN \]'
	line=$(grep -o 'Tested: [0-9]* | Passing: [0-9]* | Failing: [0-9]* | Crashing: [0-9]*' "$log" | tail -1)
	if [ -z "$line" ]; then
		echo "frames: no Criterion summary (the runner crashed?)"
		fail=$((fail + 1))
		continue
	fi
	read -r _t p f c < <(echo "$line" | tr -dc '0-9 ' | tr -s ' ')
	pass=$((pass + p)); fail=$((fail + f + c))
	skip=$((skip + $(grep -c '^\[SKIP\]' "$log")))
done

echo
echo "${pass} passed, ${fail} failed, ${skip} skipped"
[ "$fail" -eq 0 ]
