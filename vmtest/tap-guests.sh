#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# The hypervisor use case: two qemu guests whose NICs are tap devices on this
# host, bridged first by xdpbridge, then by the Linux bridge for comparison.
# Each guest (busybox init, Debian 6.1 kernel unless KERNEL= says otherwise)
# pings the other guest and the bridge's host address; the host pings both.
# Then the guests run TCP both ways with the virtio-net defaults: TSO and TX
# checksum offload on, so a guest hands its tap 64 KB GSO frames with a
# partial checksum (virtio_net_hdr NEEDS_CSUM, GSO_TCPV4). iperf3 (the host's,
# carried into the initramfs) prints the rates, never judged; busybox nc then
# sends TAPTEST_TCP_BYTES random bytes each way, and the round passes only if
# the receiver got exactly those bytes (same size and md5sum).
#
#   host root netns:  tap vmt<PID>a  tap vmt<PID>b    (qemu -netdev tap)
#                     xdpbridge vmt<PID>x  (host interface vmt<PID>x, 198.51.100.1/24)
#                     Linux bridge vmt<PID>l (198.51.100.1/24, second round)
#   guest A 198.51.100.11/24, guest B 198.51.100.12/24 (eth0 = virtio-net)
#
# The subnet is TEST-NET-2, not TEST-NET-1: this host's own uplink is
# 192.0.2.2/24 with gateway 192.0.2.1, so 192.0.2.0/24 in the root netns would
# steal the gateway's address. The script refuses a subnet already in use.
#
# The loader runs in the root netns (its pins under /sys/fs/bpf must be
# visible to the later commands). Native XDP on the taps is tried first,
# generic mode if native fails to load or to carry traffic.
#
# Usage: vmtest/tap-guests.sh          (root; exits non-zero on any failure)
# Environment: KERNEL, VMTEST_MODDIR as for run.sh; XDPBRIDGE=path;
#              TAPTEST_MODES="native generic": when set, every mode listed
#              must pass (default: native, generic only if native fails);
#              TAPTEST_TIMEOUT=SEC per guest reply (default 60);
#              TAPTEST_NET=A.B.C (the /24 to use, default 198.51.100);
#              TAPTEST_TCP_BYTES=N per nc transfer (default 16777216, 16 MiB);
#              TAPTEST_TCP_SECS=SEC limit per nc transfer (default 30);
#              TAPTEST_IPERF_SECS=SEC per iperf3 run (default 3)
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=$ROOT/build/vmtest
XDPBRIDGE=${XDPBRIDGE:-$ROOT/build/xdpbridge}
MODES=${TAPTEST_MODES:-native generic}
WAIT=${TAPTEST_TIMEOUT:-60}
PFX=vmt$$
TAPA=${PFX}a TAPB=${PFX}b XBR=${PFX}x LBR=${PFX}l
NET=${TAPTEST_NET:-198.51.100}
TCP_BYTES=${TAPTEST_TCP_BYTES:-16777216}
TCP_SECS=${TAPTEST_TCP_SECS:-30}
IPERF_SECS=${TAPTEST_IPERF_SECS:-3}
((WAIT > TCP_SECS + 10)) || WAIT=$((TCP_SECS + 10))
((WAIT > IPERF_SECS + 30)) || WAIT=$((IPERF_SECS + 30))
HOST_IP=$NET.1 IPA=$NET.11 IPB=$NET.12
MACA=52:54:00:c0:02:0b MACB=52:54:00:c0:02:0c
T0=$SECONDS

pf()   { (($1)) && echo PASS || echo FAIL; }
log()  { printf '[%3ds] %s\n' $((SECONDS - T0)) "$*"; }
die()  { log "FAIL: $*"; exit 1; }

[[ $(id -u) == 0 ]] || die "must run as root"
command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 not found (apt-get install qemu-system-x86)"
[[ -c /dev/net/tun ]] || die "/dev/net/tun missing"
for c in iperf3 ethtool jq; do
	command -v $c >/dev/null || die "$c not found: the guests' TCP test carries the host's (apt-get install $c)"
done
if [[ -n $(ip -4 addr show to "$NET.0/24") ]] || ip -4 route show to match "$NET.1" | grep -qv '^default'; then
	die "$NET.0/24 is already used in this netns: pick another with TAPTEST_NET"
fi

mkdir -p "$OUT"
D=$(mktemp -d "$OUT/tap.$$.XXXXXX")
declare -A QPID=() RDPID=() QFD=()
XB_LOADED=0

cleanup() {
	local g i
	trap - EXIT INT TERM
	for g in "${!QPID[@]}"; do
		kill -TERM "${QPID[$g]}" 2>/dev/null
	done
	for g in "${!QPID[@]}"; do
		for ((i = 0; i < 30; i++)); do kill -0 "${QPID[$g]}" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "${QPID[$g]}" 2>/dev/null
		wait "${QPID[$g]}" 2>/dev/null
	done
	for g in "${!RDPID[@]}"; do kill -TERM "${RDPID[$g]}" 2>/dev/null; wait "${RDPID[$g]}" 2>/dev/null; done
	((XB_LOADED)) && "$XDPBRIDGE" unload "$XBR" >/dev/null 2>&1
	[[ -e /sys/fs/bpf/xdpbridge/$XBR ]] && "$XDPBRIDGE" unload "$XBR" >/dev/null 2>&1
	for i in "$LBR" "$XBR" "$TAPA" "$TAPB"; do
		ip link show dev "$i" >/dev/null 2>&1 && ip link del dev "$i" 2>/dev/null
	done
	# Keep the guests' consoles for a post-mortem, drop the rest.
	for g in A B; do [[ -f $D/$g.log ]] && tr -d '\r' <"$D/$g.log" >"$OUT/tap-guest-$g.log"; done
	rm -rf "$D"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ------------------------------------------------------------- kernel, initramfs
if [[ -n ${KERNEL:-} ]]; then
	kernel=$KERNEL
	moddir=${VMTEST_MODDIR:-}
else
	kdir=$("$ROOT/vmtest/get-kernel.sh") || die "could not get the 6.1 kernel"
	kernel=$kdir/bzImage
	kver=$(basename "$kdir"); kver=${kver#kernel-}
	moddir=$kdir/lib/modules/$kver
fi
initrd=$D/initramfs.cpio
VMTEST_BINS="iperf3 ethtool jq" "$ROOT/vmtest/mkinitramfs.sh" -s ${moddir:+-m "$moddir"} -o "$initrd" 2>/dev/null ||
	die "mkinitramfs failed"

accel=(-accel tcg -cpu max)
if [[ -r /dev/kvm && -w /dev/kvm ]] && grep -qE 'vmx|svm' /proc/cpuinfo; then
	accel=(-accel kvm -cpu host)
fi

# ------------------------------------------------------------- taps and guests
for t in "$TAPA" "$TAPB"; do
	ip tuntap add dev "$t" mode tap || die "cannot create tap $t"
	sysctl -qw "net.ipv6.conf.$t.disable_ipv6=1" >/dev/null 2>&1
	ip link set "$t" up
done

# start_guest NAME TAP IP MAC: console on FIFOs $D/NAME.in / $D/NAME.out
# The NIC is what a default KVM host gives a guest, minus vhost (TCG here):
# virtio-net on a tap that qemu opens with IFF_VNET_HDR (vnet_hdr=on makes its
# absence an error), so the guest negotiates TSO and checksum offload and
# qemu passes its virtio_net_hdr (GSO, NEEDS_CSUM) to the tap unchanged.
start_guest() {
	local g=$1 tap=$2 addr=$3 mac=$4 fd
	mkfifo "$D/$g.in" "$D/$g.out"
	qemu-system-x86_64 "${accel[@]}" -m 192M -smp 1 \
		-display none -nodefaults -no-reboot \
		-kernel "$kernel" -initrd "$initrd" \
		-append "console=ttyS0 quiet panic=-1 vmtest.mode=guest vmtest.name=guest$g vmtest.ip=$addr/24" \
		-chardev pipe,id=con0,path="$D/$g" -serial chardev:con0 \
		-netdev tap,id=n0,ifname="$tap",script=no,downscript=no,vhost=off,vnet_hdr=on \
		-device virtio-net-pci,netdev=n0,mac="$mac",romfile= \
		>"$D/$g.qemu" 2>&1 </dev/null &
	QPID[$g]=$!
	# O_RDWR opens of a FIFO never block, whoever comes first.
	# cat, not tr: a pipe filter would buffer the few lines a quiet guest prints.
	cat <>"$D/$g.out" >"$D/$g.log" &
	RDPID[$g]=$!
	exec {fd}<>"$D/$g.in"
	QFD[$g]=$fd
}

# wait_line GUEST REGEX: wait until the guest's console shows a line matching
wait_line() {
	local g=$1 re=$2 i
	for ((i = 0; i < WAIT * 10; i++)); do
		grep -qaE "$re" "$D/$g.log" 2>/dev/null && return 0
		kill -0 "${QPID[$g]}" 2>/dev/null || { log "guest $g died: $(tail -n3 "$D/$g.qemu" "$D/$g.log")"; return 1; }
		sleep 0.1
	done
	log "guest $g: no '$re' within ${WAIT}s; console tail:"
	tail -n 5 "$D/$g.log" | tr -d '\r' | sed 's/^/    /'
	return 1
}

CMDID=0
# guest_cmd GUEST CMD ARGS...: run a console command, show its output, return its status
guest_cmd() {
	local g=$1 cmd=$2 id rc start
	shift 2
	CMDID=$((CMDID + 1)); id=$CMDID
	start=$(wc -l <"$D/$g.log")
	echo "$cmd $id $*" >&"${QFD[$g]}"
	wait_line "$g" "^VMTEST-RESULT $id " || return 1
	tail -n +"$((start + 1))" "$D/$g.log" | tr -d '\r' | grep -aE '^VMTEST-(PING|TCP|NC|OFFLOAD|SNMP|RESULT)' | sed "s/^/    guest $g| /"
	rc=$(sed -n "s/^VMTEST-RESULT $id \([0-9]*\).*/\1/p" "$D/$g.log" | tail -n1)
	return "${rc:-1}"
}

host_ping() {	# host_ping DEV IP
	local out
	if out=$(ping -n -q -c 3 -i 0.2 -W 2 -I "$1" "$2" 2>&1); then
		log "  host -> $2 ok: $(echo "$out" | grep -E 'packets' )"
	else
		log "  host -> $2 FAILED: $(echo "$out" | tail -n2 | tr '\n' ' ')"
		return 1
	fi
}

tap_counters() {	# one line per tap: what went in and out, and the drops
	local t
	for t in "$TAPA" "$TAPB"; do
		ip -s -s link show dev "$t" | awk -v t="$t" '
			/RX:/ { getline; rx = "rx " $2 " pkts " $1 " B dropped " $4 }
			/TX:/ { getline; tx = "tx " $2 " pkts " $1 " B dropped " $4 }
			END { print "    " t ": " rx "; " tx }'
	done
}

# round NAME DEV: both guests ping each other and the host, the host pings
# both; then TCP between the guests both ways. Sets PING_OK and TCP_OK.
round() {
	local name=$1 dev=$2 g
	PING_OK=1 TCP_OK=1
	log "round '$name': guests ping each other and $HOST_IP"
	guest_cmd A neigh-flush >/dev/null; guest_cmd B neigh-flush >/dev/null
	ip neigh flush dev "$dev" 2>/dev/null
	guest_cmd A ping "$IPB" "$HOST_IP" || PING_OK=0
	guest_cmd B ping "$IPA" "$HOST_IP" || PING_OK=0
	host_ping "$dev" "$IPA" || PING_OK=0
	host_ping "$dev" "$IPB" || PING_OK=0
	log "round '$name': TCP between the guests: iperf3 ${IPERF_SECS}s each way (rates only)"
	log "  taps before:"; tap_counters
	guest_cmd B tcp-server >/dev/null
	guest_cmd A tcp "$IPB" "$IPERF_SECS"
	guest_cmd A tcp "$IPB" "$IPERF_SECS" -R
	log "round '$name': TCP between the guests: $TCP_BYTES random bytes each way (nc, limit ${TCP_SECS}s), checked"
	nc_transfer A B "$IPB" || TCP_OK=0
	nc_transfer B A "$IPA" || TCP_OK=0
	log "  taps after:"; tap_counters
	# A receiver that drops what arrives with a bad checksum says so here
	# (counters since the guest booted).
	guest_cmd A snmp >/dev/null; guest_cmd B snmp >/dev/null
	for g in A B; do grep -a '^VMTEST-SNMP' "$D/$g.log" | tail -n 1 | tr -d '\r' | sed 's/^/    /'; done
	((PING_OK && TCP_OK))
}

# nc_transfer FROM TO TO_IP: FROM sends TCP_BYTES to TO; same size and md5 at TO?
nc_transfer() {
	local from=$1 to=$2 ip=$3 sent got
	guest_cmd "$to" nc-recv 5202 >/dev/null || return 1
	guest_cmd "$from" nc-send "$ip" 5202 "$TCP_BYTES" "$TCP_SECS"
	guest_cmd "$to" nc-result 5
	sent=$(grep -a "^VMTEST-NC guest$from sent" "$D/$from.log" | tail -n1 | grep -oE 'bytes=[0-9]+ md5=[0-9a-f]+')
	got=$(grep -a "^VMTEST-NC guest$to received" "$D/$to.log" | tail -n1 | grep -oE 'bytes=[0-9]+ md5=[0-9a-f]+')
	if [[ -n $sent && $sent == "$got" && $sent == "bytes=$TCP_BYTES "* ]]; then
		log "  TCP $from -> $to ok: $TCP_BYTES bytes arrived intact"
		return 0
	fi
	log "  TCP $from -> $to FAILED: sent '${sent:-nothing}', received '${got:-nothing}'"
	return 1
}

log "kernel $kernel, accel ${accel[*]}, taps $TAPA $TAPB"
start_guest A "$TAPA" "$IPA" "$MACA"
start_guest B "$TAPB" "$IPB" "$MACB"
if ! wait_line A '^VMTEST-READY' || ! wait_line B '^VMTEST-READY'; then
	die "guests did not boot"
fi
log "guests up: $(grep -ah '^VMTEST-BOOTED' "$D/A.log" "$D/B.log" | tr -d '\r' | sed 's/VMTEST-BOOTED //' | tr '\n' ';')"
guest_cmd A offloads; guest_cmd B offloads

# ------------------------------------------------------------- xdpbridge
results=()
xdp_ok=0 xdp_fail=0
if [[ ! -x $XDPBRIDGE ]]; then
	log "no $XDPBRIDGE: xdpbridge rounds skipped (make first)"
	results+=("xdpbridge: not built")
else
	for mode in $MODES; do
		log "xdpbridge load $XBR $TAPA $TAPB --mode $mode --detach"
		if ! out=$("$XDPBRIDGE" load "$XBR" "$TAPA" "$TAPB" --mode "$mode" --detach 2>&1); then
			log "  load in $mode mode failed: $out"
			results+=("xdpbridge $mode: load failed")
			"$XDPBRIDGE" unload "$XBR" >/dev/null 2>&1
			continue
		fi
		XB_LOADED=1
		if ! ip addr add "$HOST_IP/24" dev "$XBR" || ! ip link set "$XBR" up; then
			die "cannot configure $XBR"
		fi
		if round "xdpbridge, $mode XDP on the taps" "$XBR"; then
			results+=("xdpbridge $mode: PASS (ping and TCP)")
			xdp_ok=1
		else
			results+=("xdpbridge $mode: FAIL (ping $(pf $PING_OK), TCP $(pf $TCP_OK))")
			[[ -n ${TAPTEST_MODES:-} ]] && xdp_fail=1
		fi
		log "  xdpbridge fdb show $XBR:"
		"$XDPBRIDGE" fdb show "$XBR" 2>&1 | sed 's/^/    /'
		log "  xdpbridge stats $XBR:"
		"$XDPBRIDGE" stats "$XBR" 2>&1 | sed 's/^/    /'
		ip -d link show dev "$TAPA" | grep -oE 'xdp[a-z]*|prog/xdp id [0-9]+' | sort -u | tr '\n' ' ' |
			sed "s/^/    $TAPA: /"; echo
		"$XDPBRIDGE" unload "$XBR" || log "  unload failed"
		XB_LOADED=0
		[[ -z ${TAPTEST_MODES:-} ]] && ((xdp_ok)) && break
	done
fi

# ------------------------------------------------------------- Linux bridge
log "Linux bridge $LBR with $TAPA $TAPB"
lb_ok=0
if ip link add "$LBR" type bridge && ip link set "$TAPA" master "$LBR" &&
   ip link set "$TAPB" master "$LBR" && ip addr add "$HOST_IP/24" dev "$LBR" &&
   ip link set "$LBR" up; then
	sysctl -qw "net.ipv6.conf.$LBR.disable_ipv6=1" >/dev/null 2>&1
	round "Linux bridge" "$LBR" && lb_ok=1
	lb_res="ping $(pf $PING_OK), TCP $(pf $TCP_OK)"
	log "  bridge fdb show br $LBR (dynamic):"
	bridge fdb show br "$LBR" 2>/dev/null | grep -v permanent | sed 's/^/    /'
fi
results+=("Linux bridge: $( ((lb_ok)) && echo PASS || echo FAIL) (${lb_res:-not set up})")

for g in A B; do echo "exit 0" >&"${QFD[$g]}"; done
for g in A B; do wait_line "$g" '^VMTEST-EXIT=' >/dev/null 2>&1; done

log "summary:"
for r in "${results[@]}"; do log "  $r"; done
log "total ${SECONDS}s"
[[ -x $XDPBRIDGE ]] && ((xdp_ok && !xdp_fail && lb_ok))
