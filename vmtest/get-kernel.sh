#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# Fetch Debian 12's 6.1 LTS kernel (cloud flavour: few drivers, boots fast)
# and unpack it under build/vmtest/kernel-<version>/ without installing it:
#   apt-get download linux-image-6.1.0-N-cloud-amd64-unsigned; dpkg-deb -x
# Prints the unpacked directory on stdout. A kernel already unpacked there is
# reused without asking apt (instant second run); VMTEST_REFRESH=1 looks for a
# newer one, VMTEST_KPKG=<package> picks a specific package.
#
# Usage: vmtest/get-kernel.sh            -> build/vmtest/kernel-6.1.0-N-cloud-amd64
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${VMTEST_DIR:-$ROOT/build/vmtest}
# Options the bridge and its tests need; "m" is fine, mkinitramfs loads modules.
REQUIRED=(BPF_SYSCALL DEBUG_INFO_BTF XDP_SOCKETS VETH TUN BRIDGE NET_NS
	  VIRTIO_NET VIRTIO_PCI BLK_DEV_INITRD DEVTMPFS TMPFS SERIAL_8250_CONSOLE)

log() { printf 'get-kernel: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

newest_cached() {
	local d
	d=$(ls -d "$OUT"/kernel-6.1.0-*-cloud-amd64 2>/dev/null | sort -V | tail -n1)
	[[ -n $d && -f $d/.complete ]] && echo "$d"
}

check_config() {
	local cfg=$1 opt val missing=0
	for opt in "${REQUIRED[@]}"; do
		val=$(grep -E "^CONFIG_${opt}=" "$cfg" | cut -d= -f2 || true)
		case $val in
		y|m) log "CONFIG_$opt=$val" ;;
		*) log "CONFIG_$opt is not set"; missing=1 ;;
		esac
	done
	return $missing
}

if [[ -z ${VMTEST_REFRESH:-} && -z ${VMTEST_KPKG:-} ]] && d=$(newest_cached); then
	echo "$d"
	exit 0
fi

command -v dpkg-deb >/dev/null || die "dpkg-deb not found"
pkg=${VMTEST_KPKG:-}
if [[ -z $pkg ]]; then
	pkg=$(apt-cache search --names-only '^linux-image-6\.1\.0-[0-9]+-cloud-amd64-unsigned$' |
	      awk '{print $1}' | sort -V | tail -n1)
	[[ -n $pkg ]] || die "no linux-image-6.1.0-*-cloud-amd64-unsigned in apt's lists (run apt-get update)"
fi
kver=${pkg#linux-image-}
kver=${kver%-unsigned}
dir=$OUT/kernel-$kver
if [[ -f $dir/.complete ]]; then
	echo "$dir"
	exit 0
fi

log "downloading $pkg"
mkdir -p "$OUT"
tmp=$(mktemp -d "$OUT/dl.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
# apt's sandbox user cannot write into root-owned build dirs; that only warns.
(cd "$tmp" && apt-get download -q "$pkg" 2>&1 | grep -v 'unsandboxed' >&2) || true
deb=$(ls "$tmp"/*.deb 2>/dev/null | head -n1)
[[ -n $deb ]] || die "apt-get download $pkg failed"
rm -rf "$dir"
mkdir -p "$dir"
dpkg-deb -x "$deb" "$dir"
[[ -f $dir/boot/vmlinuz-$kver ]] || die "no boot/vmlinuz-$kver in $pkg"
check_config "$dir/boot/config-$kver" || die "kernel $kver lacks required options"
ln -sf "boot/vmlinuz-$kver" "$dir/bzImage"
touch "$dir/.complete"
log "unpacked $kver into $dir"
echo "$dir"
