#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# Build an initramfs (uncompressed newc cpio) from this machine's files:
# busybox-static for the basics, host binaries the tests call (with the
# shared libraries ldd reports), the project's build/ and tests/ at the same
# absolute path as on the host, the kernel modules the guest needs (resolved
# with their dependencies from each module's .modinfo), and vmtest/init.
#
# Usage: vmtest/mkinitramfs.sh [-s] [-m MODDIR] [-c CMDFILE] -o OUT.cpio
#   -s          small: busybox, modules, init and VMTEST_BINS only (the tap guests)
#   -m MODDIR   lib/modules/<kver> of the guest kernel; omitted or missing:
#               no modules (a kernel with everything built in)
#   -c CMDFILE  shell script the guest runs (installed as /etc/vmtest/run)
# Environment:
#   VMTEST_MODULES  extra module names to load (space separated)
#   VMTEST_BINS     extra host commands to include
#   VMTEST_FILES    extra host files (e.g. a debug build), copied to the same path
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
MODDIR='' CMDFILE='' OUT='' SMALL=0
while getopts "sm:c:o:" opt; do
	case $opt in
	s) SMALL=1 ;;
	m) MODDIR=$OPTARG ;;
	c) CMDFILE=$OPTARG ;;
	o) OUT=$OPTARG ;;
	*) echo "usage: $0 [-m MODDIR] [-c CMDFILE] -o OUT.cpio" >&2; exit 2 ;;
	esac
done
[[ -n $OUT ]] || { echo "usage: $0 [-m MODDIR] [-c CMDFILE] -o OUT.cpio" >&2; exit 2; }

log() { printf 'mkinitramfs: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

BUSYBOX=$(command -v busybox || true)
if [[ -z $BUSYBOX ]] || ldd "$BUSYBOX" >/dev/null 2>&1; then
	die "need a static busybox (apt-get install busybox-static)"
fi
command -v cpio >/dev/null || die "need cpio (apt-get install cpio)"

# Modules (and their dependencies) the guests need: veth/bridge for the
# namespace tests, tun for tap, virtio_net/virtio_pci for the tap guests' NIC,
# sch_ingress/cls_bpf for the skb path's TC filters (no modprobe in the guest).
MODULES="veth tun bridge virtio_pci virtio_net sch_ingress cls_bpf ${VMTEST_MODULES:-}"
# Host commands: the tests' tools, plus whatever the test scripts mention.
BINS="bash dash ip bridge tc ethtool ping bpftool timeout env sleep seq stat
      mount umount grep sed awk cat tr cut sort uniq wc head tail mktemp
      ${VMTEST_BINS:-}"

mkdir -p "$(dirname "$OUT")"
R=$(mktemp -d "$(dirname "$OUT")/rootfs.XXXXXX")
trap 'rm -rf "$R"' EXIT

# Debian's merged-/usr layout, so host paths from ldd resolve unchanged.
mkdir -p "$R"/usr/{bin,sbin,lib,lib64} "$R"/usr/local/busybox \
	 "$R"/{dev,proc,sys,tmp,run,root,etc/vmtest,mnt}
ln -s usr/bin "$R/bin"; ln -s usr/sbin "$R/sbin"
ln -s usr/lib "$R/lib"; ln -s usr/lib64 "$R/lib64"
mkdir -p "$R/var/tmp" "$R/var/lib"; ln -s ../run "$R/var/run"
mknod -m 600 "$R/dev/console" c 5 1
mknod -m 666 "$R/dev/null" c 1 3
chmod 1777 "$R/tmp"

# busybox applets live in their own directory, last in PATH: a host binary
# of the same name (ip, ping, grep ...) wins.
cp "$BUSYBOX" "$R/usr/local/busybox/busybox"
for a in $("$BUSYBOX" --list); do
	[[ $a == busybox ]] || ln -s busybox "$R/usr/local/busybox/$a"
done

# Copy a host file to the same path, with the libraries it links against.
declare -A copied
copy_file() {
	local f=$1 lib
	[[ -n ${copied[$f]:-} ]] && return 0
	copied[$f]=1
	mkdir -p "$R$(dirname "$f")"
	cp -L "$f" "$R$f"
	# ldd prints "name => /path (addr)" or "/path (addr)" for the loader.
	for lib in $(ldd "$f" 2>/dev/null | awk '/=> \//{print $3} /^\t\//{print $1}'); do
		copy_file "$lib"
	done
}

# Commands the integration tests call, found by scanning their words (not
# scripts/: the demo and benchmark pull in compilers and plotting tools).
scan_words() {
	local f
	for f in "$ROOT"/tests/integration/*; do
		[[ -f $f ]] || continue
		grep -ohE '(^|[^[:alnum:]_./-])[a-z][a-z0-9_+-]*' "$f" | tr -d ' \t(|;&`$"'\''{}[]!=<>' || true
	done | sort -u
}
# Small: only what VMTEST_BINS names (the tap guests' iperf3, ethtool, jq).
((SMALL)) && BINS=${VMTEST_BINS:-} && scan_words() { :; }
closure_size() {	# bytes of a program plus the libraries not yet copied
	local f total
	total=$(stat -Lc %s "$1")
	for f in $(ldd "$1" 2>/dev/null | awk '/=> \//{print $3}'); do
		[[ -n ${copied[$f]:-} ]] || total=$((total + $(stat -Lc %s "$f")))
	done
	echo "$total"
}
skip_scan=" python3 python perl sudo apt-get apt dpkg systemctl qemu-system-x86_64 shellcheck top clang gcc cc make "
for w in $BINS $(scan_words); do
	[[ $skip_scan == *" $w "* ]] && continue
	p=$(PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin type -P "$w" 2>/dev/null) || continue
	[[ $p == /usr/* ]] || continue
	# A shell script or ELF; skip anything that is not a regular executable,
	# and big programs a comment happened to name (shellcheck is 19 MB).
	[[ -x $p && -f $p ]] || continue
	[[ " $BINS " == *" $w "* ]] || (( $(closure_size "$p") < 8000000 )) || {
		log "skipping $p (with its libraries over 8 MB; add it to VMTEST_BINS if a test needs it)"
		continue
	}
	copy_file "$(realpath -s "$p")"
done

# The project: binaries, BPF objects and tests at their host paths.
((SMALL)) || for f in "$ROOT"/build/*; do
	[[ -f $f ]] || continue
	copy_file "$f"
done
for f in ${VMTEST_FILES:-}; do
	[[ -f $f ]] || die "VMTEST_FILES: no file $f"
	copy_file "$(realpath "$f")"
done
((SMALL)) || for d in tests scripts include dist completion man; do
	[[ -d $ROOT/$d ]] || continue
	mkdir -p "$R$ROOT"
	cp -a "$ROOT/$d" "$R$ROOT/"
done
((SMALL)) || [[ ! -f $ROOT/Makefile ]] || cp "$ROOT/Makefile" "$R$ROOT/"
# /bin/sh is dash as on the host (busybox sh would run its own applets
# instead of the host's ip, ping ...).
if [[ -e $R/usr/bin/dash ]]; then ln -sf dash "$R/usr/bin/sh"; else ln -s ../local/busybox/busybox "$R/usr/bin/sh"; fi
echo "VMTEST_ROOT=$ROOT" >"$R/etc/vmtest/env"

# Kernel modules, dependencies first; /etc/vmtest/modules lists the load order.
: >"$R/etc/vmtest/modules"
if [[ -n $MODDIR && -d $MODDIR ]]; then
	declare -A modfile loaded
	while IFS= read -r f; do
		n=$(basename "$f"); n=${n%%.ko*}; n=${n//-/_}
		modfile[$n]=$f
	done < <(find "$MODDIR" -name '*.ko' -o -name '*.ko.xz' -o -name '*.ko.zst' -o -name '*.ko.gz')
	kmod_unpack() {	# module file -> uncompressed .ko on stdout
		case $1 in
		*.xz) xz -dc "$1" ;; *.zst) zstd -qdc "$1" ;; *.gz) gzip -dc "$1" ;; *) cat "$1" ;;
		esac
	}
	add_module() {
		local n=${1//-/_} f dep tmp
		[[ -n ${loaded[$n]:-} ]] && return 0
		loaded[$n]=1
		f=${modfile[$n]:-}
		if [[ -z $f ]]; then
			# Built in, or not in this kernel: the guest's tests will tell.
			grep -qE "/$n\.ko" "$MODDIR/modules.builtin" 2>/dev/null ||
				log "module $n not found in $MODDIR (assuming built in)"
			return 0
		fi
		tmp=$R/lib/modules/$n.ko
		kmod_unpack "$f" >"$tmp"
		for dep in $(tr '\0' '\n' <"$tmp" | sed -n 's/^depends=//p' | tr ',' ' '); do
			add_module "$dep"
		done
		echo "/lib/modules/$n.ko" >>"$R/etc/vmtest/modules"
	}
	mkdir -p "$R/lib/modules"
	# Link types and qdiscs the integration tests create ("ip link add ...
	# type ifb", "tc qdisc add ... clsact"), when this kernel has them as modules.
	for w in $(cat "$ROOT"/tests/integration/* 2>/dev/null |
		   grep -ohE 'type (ifb|dummy|macvlan|ipvlan|vxlan|vlan|bond|veth|bridge)|clsact|netem' |
		   sed 's/^type //' | sort -u); do
		case $w in
		vlan) w=8021q ;; bond) w=bonding ;; clsact) w=sch_ingress ;; netem) w=sch_netem ;;
		esac
		[[ -n ${modfile[${w//-/_}]:-} ]] && MODULES+=" $w"
	done
	for m in $MODULES; do add_module "$m"; done
	log "modules: $(xargs -n1 basename <"$R/etc/vmtest/modules" | tr '\n' ' ')"
elif [[ -n $MODDIR ]]; then
	log "no module directory $MODDIR: expecting a kernel with everything built in"
fi

install -m 755 "$ROOT/vmtest/init" "$R/init"
if [[ -n $CMDFILE ]]; then
	install -m 755 "$CMDFILE" "$R/etc/vmtest/run"
fi
cat >"$R/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
printf 'root:x:0:\nnogroup:x:65534:\n' >"$R/etc/group"
printf '127.0.0.1 localhost\n::1 localhost\n' >"$R/etc/hosts"
[[ -d /etc/iproute2 ]] && cp -a /etc/iproute2 "$R/etc/"
[[ -d /usr/share/iproute2 ]] && mkdir -p "$R/usr/share" && cp -a /usr/share/iproute2 "$R/usr/share/"

(cd "$R" && find . -mindepth 1 | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0) >"$OUT.tmp"
mv "$OUT.tmp" "$OUT"
log "wrote $OUT ($(du -h "$OUT" | cut -f1))"
