#!/usr/bin/env bash
# Install, with apt, every Debian 12 package xdpbridge needs to build, test,
# demo and benchmark -- only those missing, so a second run costs a second.
# Usage: scripts/install-deps.sh [extra-group...]   (groups: vmtest, libvirt)
set -euo pipefail

packages=(
	# build (scdoc: the man page)
	make gcc clang llvm pkg-config libbpf-dev bpftool libelf-dev zlib1g-dev libmnl-dev scdoc
	# tests (libclang-rt-14-dev: libFuzzer and the sanitizers for clang, make fuzz)
	libclang-rt-14-dev libcriterion-dev iproute2 iputils-ping ethtool iperf3 util-linux procps kmod jq python3
	# tests of host integration: man -l, systemd-analyze verify, the Prometheus
	# format's parser, real ifup/ifdown
	man-db systemd python3-prometheus-client ifupdown
	# benchmark charts
	gnuplot-nox
)
for group in "$@"; do
	case "$group" in
	vmtest) packages+=(qemu-system-x86 busybox-static cpio xz-utils zstd) ;;
	# make vmtest-libvirt: a real libvirtd (run as `libvirtd -d` without systemd)
	libvirt) packages+=(libvirt-daemon-system libvirt-clients qemu-system-x86) ;;
	*) echo "install-deps: unknown group '$group' (known: vmtest, libvirt)" >&2; exit 2 ;;
	esac
done

missing=()
for p in "${packages[@]}"; do
	status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	[[ "$status" == "install ok installed" ]] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: missing packages: ${missing[*]}; run as root (sudo $0)" >&2
	exit 1
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
