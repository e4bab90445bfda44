#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# Run the kernel-facing test suites inside a qemu VM on another kernel and
# exit with the guest's status.
#
# Usage: vmtest/run.sh [COMMAND...]
#   With no COMMAND the guest runs build/test_bpf (bpf_prog_test_run suite)
#   and tests/integration/run.sh from the project root; each COMMAND is a shell
#   command line run there instead (all must succeed).
# Environment:
#   KERNEL=/path/to/bzImage  boot this kernel instead of Debian 12's 6.1 LTS
#   VMTEST_MODDIR=DIR        its lib/modules/<kver> (default: guessed; none is
#                            fine for a kernel with everything built in)
#   VMTEST_TIMEOUT=SEC       hard limit for the whole VM run (default 5400:
#                            the full suites take 45-55 min under TCG)
#   VMTEST_TESTS='PAT...'    default run only: the integration tests whose
#                            names contain a PATTERN (tests/integration/run.sh
#                            PATTERN...), e.g. VMTEST_TESTS=vlan_diff
#   VMTEST_NO_BPF=1          default run only: skip build/test_bpf
#   VMTEST_MEM, VMTEST_SMP   guest memory (1G) and CPUs (2)
# The console goes to stdout and build/vmtest/console.log.
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=$ROOT/build/vmtest
TIMEOUT=${VMTEST_TIMEOUT:-5400}
LOG=$OUT/console.log

log() { printf 'vmtest: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

command -v qemu-system-x86_64 >/dev/null ||
	die "qemu-system-x86_64 not found (apt-get install qemu-system-x86)"
mkdir -p "$OUT"

# bzImage header: a pointer at 0x20e (+0x200) to the version string.
bzimage_version() {
	local off
	off=$(od -An -tu2 -j $((0x20e)) -N2 "$1" 2>/dev/null | tr -d ' ') || return 1
	[[ -n $off ]] || return 1
	dd if="$1" bs=1 skip=$((off + 0x200)) count=128 status=none | tr '\0' '\n' |
		head -n1 | cut -d' ' -f1
}

if [[ -n ${KERNEL:-} ]]; then
	[[ -f $KERNEL ]] || die "KERNEL=$KERNEL: no such file"
	kernel=$KERNEL
	kver=$(bzimage_version "$kernel" || true)
	moddir=${VMTEST_MODDIR:-}
	if [[ -z $moddir && -n $kver ]]; then
		for d in "$(dirname "$(realpath "$kernel")")/../lib/modules/$kver" "/lib/modules/$kver"; do
			[[ -d $d ]] && { moddir=$(cd "$d" && pwd); break; }
		done
	fi
	log "kernel $kernel (${kver:-unknown version}), modules: ${moddir:-none (built in?)}"
else
	kdir=$("$ROOT/vmtest/get-kernel.sh") || die "could not get the 6.1 kernel"
	kernel=$kdir/bzImage
	kver=$(basename "$kdir"); kver=${kver#kernel-}
	moddir=$kdir/lib/modules/$kver
	log "kernel $kver from $kdir"
fi

# The guest's script.
cmdfile=$OUT/run-cmd.$$
trap 'rm -f "$cmdfile" "$initrd"' EXIT
{
	echo '#!/bin/bash'
	echo 'rc=0'
	echo 'step() { echo "=== vmtest: $1"; bash -c "$1"; r=$?; echo "=== vmtest: $1 -> exit $r"; [ $r -eq 0 ] || rc=1; }'
	if (($#)); then
		for c in "$@"; do printf 'step %q\n' "$c"; done
	else
		if [[ -z ${VMTEST_NO_BPF:-} ]]; then
			echo 'if [ -x build/test_bpf ]; then step build/test_bpf; else echo "=== vmtest: build/test_bpf missing (make build/test_bpf)"; rc=1; fi'
		fi
		printf 'if [ -x tests/integration/run.sh ]; then step %q; else echo "=== vmtest: no tests/integration/run.sh, skipped"; fi\n' \
			"tests/integration/run.sh${VMTEST_TESTS:+ $VMTEST_TESTS}"
	fi
	echo 'exit $rc'
} >"$cmdfile"

initrd=$OUT/initramfs.$$.cpio
"$ROOT/vmtest/mkinitramfs.sh" ${moddir:+-m "$moddir"} -c "$cmdfile" -o "$initrd" ||
	die "mkinitramfs failed"

# KVM when it is really usable, else TCG (-accel falls back in order).
# (This machine has a /dev/kvm node but no vmx/svm: KVM fails there.)
accel=(-accel tcg -cpu max)
if [[ -r /dev/kvm && -w /dev/kvm ]] && grep -qE 'vmx|svm' /proc/cpuinfo; then
	accel=(-accel kvm -cpu host)
fi

log "booting (${accel[*]}), timeout ${TIMEOUT}s, console in $LOG"
start=$(date +%s.%N)
timeout -k 5 "$TIMEOUT" qemu-system-x86_64 "${accel[@]}" \
	-m "${VMTEST_MEM:-1G}" -smp "${VMTEST_SMP:-2}" \
	-nographic -no-reboot -nodefaults -serial stdio \
	-kernel "$kernel" -initrd "$initrd" \
	-append 'console=ttyS0 quiet panic=-1 oops=panic' \
	</dev/null 2>&1 | tee "$LOG"
qrc=${PIPESTATUS[0]}
elapsed=$(echo "$(date +%s.%N) - $start" | bc 2>/dev/null || echo "?")

status=$(tr -d '\r' <"$LOG" | sed -n 's/^VMTEST-EXIT=\([0-9][0-9]*\).*/\1/p' | tail -n1)
if [[ -z $status ]]; then
	if ((qrc == 124)); then
		log "FAIL: no exit status from the guest within ${TIMEOUT}s"
	else
		log "FAIL: the guest ended without an exit status (qemu exit $qrc)"
	fi
	exit 1
fi
log "summary ($kver):"
tr -d '\r' <"$LOG" | grep -aE '^(=== vmtest: .* -> exit|\[FAIL\]|\[====\]|FAIL |SKIP |[0-9]+ passed)' | sed 's/^/    /' >&2
log "guest exit status $status (VM ran ${elapsed}s)"
exit "$status"
