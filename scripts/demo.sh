#!/usr/bin/env bash
# Demo: three hosts in network namespaces bridged by xdpbridge, pings across,
# the FDB, then everything removed. Run as root after `make` (or `make demo`).
set -euo pipefail
cd "$(dirname "$0")/.."
XB=./build/xdpbridge
tag=xd$$			# unique per run: namespaces, veths and the bridge
br=${tag}br
ns=() hostveths=()

cleanup() {
	$XB unload "$br" 2>/dev/null || true
	for n in "${ns[@]}"; do ip netns del "$n" 2>/dev/null || true; done
	for v in "${hostveths[@]}"; do ip link del "$v" 2>/dev/null || true; done
}
trap cleanup EXIT

[ "$(id -u)" -eq 0 ] || { echo "demo: run as root (sudo make demo)" >&2; exit 1; }
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "three hosts h1 h2 h3, each in its own network namespace"
for i in 1 2 3; do
	n=${tag}h$i v=${tag}v$i
	ip netns add "$n"; ns+=("$n")
	ip link add "$v" type veth peer name eth0 netns "$n"; hostveths+=("$v")
	ip -n "$n" link set lo up
	ip -n "$n" addr add "198.51.100.1$i/24" dev eth0
	ip -n "$n" link set eth0 up
	# The hosts' side of each veth: GRO on so frames the bridge redirects are
	# received, TX checksum offload off so TCP works (see README: veth caveats).
	ip netns exec "$n" ethtool -K eth0 gro on tx off >/dev/null
	ip link set "$v" up
	echo "h$i: 198.51.100.1$i on eth0, bridge port $v"
done

step "xdpbridge load $br ${hostveths[*]} --detach"
$XB load "$br" "${hostveths[@]}" --detach
ip addr add 198.51.100.1/24 dev "$br"
echo "host interface $br: 198.51.100.1/24"
$XB show "$br"

step "pings across the bridge"
for pair in "1 12" "1 13" "2 13" "3 1"; do
	set -- $pair
	printf 'h%s -> 198.51.100.%s: ' "$1" "$2"
	ip netns exec "${tag}h$1" ping -c 3 -i 0.2 -W 1 -q "198.51.100.$2" | grep -o '[0-9]* received.*loss'
done

step "xdpbridge fdb show $br"
$XB fdb show "$br"

step "xdpbridge stats $br"
$XB stats "$br"

step "bpftool map dump pinned /sys/fs/bpf/xdpbridge/$br/fdb (first entry)"
bpftool map dump pinned "/sys/fs/bpf/xdpbridge/$br/fdb" | sed -n 1,12p	# sed reads all: no SIGPIPE

step "xdpbridge unload $br, then remove the namespaces"
$XB unload "$br"
cleanup
trap - EXIT
echo "done: no bridge, pin, namespace or veth left"
