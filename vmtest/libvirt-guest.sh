#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#
# A libvirt guest joins xdpbridge through --auto-port, the way a Debian KVM
# host would run it: a real libvirtd (started as `libvirtd -d` when none runs:
# no systemd here), a domain of type qemu (TCG) booting the vmtest kernel and
# a small initramfs, and an <interface type='ethernet'> whose tap libvirt
# creates itself (managed='yes') under a name the bridge's pattern matches.
#
#   xdpbridge load xv<PID> --auto-port 'xbv<PID>-*'   (host interface 198.51.100.1/24)
#   virsh start   -> the tap xbv<PID>-0 appears, the control loop adds it,
#                    the guest (198.51.100.21) pings the host through the bridge
#   virsh destroy -> the tap goes, the port goes
#
# Why not 'vnet-...': libvirt treats a target dev beginning with "vnet" (also
# "vif", "macvtap", "macvlan") as one it generated and replaces it with its
# own vnetN when the domain is defined; this script checks that too
# (LIBVIRT_VNET_CHECK=0 skips it), so the README's advice stays true.
#
# Usage: vmtest/libvirt-guest.sh   (root; exit 0 pass, 1 fail, 77 skipped)
# Environment: KERNEL, VMTEST_MODDIR as for run.sh; XDPBRIDGE=path;
#              LIBVIRT_TIMEOUT=SEC per guest step (default 120);
#              LIBVIRT_NET=A.B.C (default 198.51.100)
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
XDPBRIDGE=${XDPBRIDGE:-$ROOT/build/xdpbridge}
WAIT=${LIBVIRT_TIMEOUT:-120}
NET=${LIBVIRT_NET:-198.51.100}
HOST_IP=$NET.1 GUEST_IP=$NET.21 GUEST_MAC=52:54:00:c0:02:15
BR=xv$$
TAP=xbv$$-0
GLOB="xbv$$-*"
DOM=xdpbridge-test-$$
VIRSH=(virsh -q -c qemu:///system)
T0=$SECONDS

log()  { printf '[%3ds] %s\n' $((SECONDS - T0)) "$*"; }
die()  { log "FAIL: $*"; exit 1; }
skip() { log "SKIP: $*"; exit 77; }

[[ $(id -u) == 0 ]] || die "must run as root"
for c in virsh libvirtd qemu-system-x86_64 jq; do
	command -v "$c" >/dev/null || skip "$c not found (scripts/install-deps.sh libvirt)"
done
[[ -x $XDPBRIDGE ]] || die "no $XDPBRIDGE: run make first"
if [[ -n $(ip -4 addr show to "$NET.0/24") ]]; then
	die "$NET.0/24 is already used in this netns: pick another with LIBVIRT_NET"
fi

D=$(mktemp -d /tmp/xbvirt.XXXXXX)
chmod 755 "$D"	# qemu runs as libvirt-qemu: it reads the kernel and opens the console FIFOs
STARTED=() RDPID='' QFD='' MONPID=''

cleanup() {
	trap - EXIT INT TERM
	"${VIRSH[@]}" destroy "$DOM" >/dev/null 2>&1
	"${VIRSH[@]}" undefine "$DOM" >/dev/null 2>&1
	"${VIRSH[@]}" undefine "$DOM-vnet" >/dev/null 2>&1
	[[ -n $RDPID ]] && kill "$RDPID" 2>/dev/null
	[[ -n $MONPID ]] && kill "$MONPID" 2>/dev/null
	[[ -e /sys/fs/bpf/xdpbridge/$BR ]] && "$XDPBRIDGE" unload "$BR" >/dev/null 2>&1
	ip link show dev "$TAP" >/dev/null 2>&1 && ip link del dev "$TAP" 2>/dev/null
	# Daemons this script started (by pid), not one that ran before.
	for p in "${STARTED[@]}"; do kill "$p" 2>/dev/null; done
	[[ -f $D/guest.log ]] && tr -d '\r' <"$D/guest.log" >"$ROOT/build/vmtest/libvirt-guest.log" 2>/dev/null
	rm -rf "$D"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ------------------------------------------------------------- libvirtd
start_daemon() {	# NAME: start NAME -d unless it runs; remember its pid
	local pid
	pgrep -x "$1" >/dev/null && return 0
	"$1" -d || die "'$1 -d' failed"
	sleep 1
	pid=$(pgrep -nx "$1") || die "$1 exited right after starting (see its log in /var/log/libvirt)"
	STARTED+=("$pid")
	log "started $1 (pid $pid)"
}
start_daemon virtlogd	# libvirt's qemu driver logs each guest's stdio through it
start_daemon libvirtd
out=$("${VIRSH[@]}" version 2>&1) || die "virsh cannot reach libvirtd: $out"
log "libvirt: $(tr '\n' ' ' <<<"$out")"

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
cp "$kernel" "$D/bzImage" || die "cannot copy $kernel"
"$ROOT/vmtest/mkinitramfs.sh" -s ${moddir:+-m "$moddir"} -o "$D/initramfs.cpio" 2>/dev/null ||
	die "mkinitramfs failed"
chmod 644 "$D/bzImage" "$D/initramfs.cpio"

# The domain: TCG, the vmtest guest, a console on FIFOs $D/con.in/.out,
# and the NIC libvirt's way: type ethernet, a tap libvirt creates and names.
domain_xml() {	# NAME TARGET_DEV
	cat <<-XML
	<domain type='qemu'>
	  <name>$1</name>
	  <memory unit='MiB'>192</memory>
	  <vcpu>1</vcpu>
	  <os>
	    <type arch='x86_64' machine='pc'>hvm</type>
	    <kernel>$D/bzImage</kernel>
	    <initrd>$D/initramfs.cpio</initrd>
	    <cmdline>console=ttyS0 quiet panic=-1 vmtest.mode=guest vmtest.name=libvirtguest vmtest.ip=$GUEST_IP/24</cmdline>
	  </os>
	  <on_poweroff>destroy</on_poweroff>
	  <on_reboot>destroy</on_reboot>
	  <on_crash>destroy</on_crash>
	  <devices>
	    <interface type='ethernet'>
	      <target dev='$2' managed='yes'/>
	      <mac address='$GUEST_MAC'/>
	      <model type='virtio'/>
	      <rom enabled='no'/>
	    </interface>
	    <serial type='pipe'>
	      <source path='$D/con'/>
	      <target port='0'/>
	    </serial>
	    <memballoon model='none'/>
	  </devices>
	</domain>
	XML
}

# ------------------------------------------------------------- the reserved prefix
if [[ ${LIBVIRT_VNET_CHECK:-1} = 1 ]]; then
	domain_xml "$DOM-vnet" "vnet-$BR-0" >"$D/vnet.xml"
	"${VIRSH[@]}" define "$D/vnet.xml" >/dev/null || die "virsh define failed"
	kept=$("${VIRSH[@]}" dumpxml "$DOM-vnet" | grep -o "target dev='[^']*'" || true)
	"${VIRSH[@]}" undefine "$DOM-vnet" >/dev/null
	log "target dev='vnet-$BR-0' once defined: ${kept:-dropped (libvirt names the tap vnetN)}"
fi

# ------------------------------------------------------------- bridge, guest
"$XDPBRIDGE" load "$BR" --auto-port "$GLOB" --detach || die "xdpbridge load failed"
if ! ip addr add "$HOST_IP/24" dev "$BR" || ! ip link set "$BR" up; then
	die "cannot configure $BR"
fi
"$XDPBRIDGE" monitor "$BR" >"$D/monitor.log" 2>&1 &
MONPID=$!
log "bridge $BR up ($HOST_IP/24), auto-port '$GLOB'"

mkfifo -m 666 "$D/con.in" "$D/con.out"
cat <>"$D/con.out" >"$D/guest.log" &
RDPID=$!
exec {QFD}<>"$D/con.in"

domain_xml "$DOM" "$TAP" >"$D/dom.xml"
"${VIRSH[@]}" define "$D/dom.xml" >/dev/null || die "virsh define failed"
out=$("${VIRSH[@]}" start "$DOM" 2>&1) || die "virsh start failed: $out"
log "virsh start $DOM: interfaces: $("${VIRSH[@]}" domiflist "$DOM" | tr -s ' ' | tr '\n' ';')"

not_port() { ! is_port "$1"; }
is_port() { "$XDPBRIDGE" -j show "$BR" 2>/dev/null | jq -e --arg p "$1" '.[0].ports | map(.ifname) | index($p)' >/dev/null; }
wait_until() {	# SEC CMD...
	local i
	for ((i = 0; i < $1 * 10; i++)); do "${@:2}" && return 0; sleep 0.1; done
	return 1
}
wait_until 30 is_port "$TAP" || die "the guest's tap $TAP did not join $BR: $("$XDPBRIDGE" show "$BR")"
log "tap $TAP joined $BR: $(ip -d link show dev "$TAP" | grep -oE 'xdp[a-z]*' | head -n1)"

wait_until "$WAIT" grep -qa '^VMTEST-READY' "$D/guest.log" || die "guest did not boot: $(tail -n3 "$D/guest.log")"
log "guest booted: $(grep -a '^VMTEST-READY' "$D/guest.log" | tr -d '\r')"
echo "ping 1 $HOST_IP" >&"$QFD"
wait_until "$WAIT" grep -qa '^VMTEST-RESULT 1 ' "$D/guest.log" || die "guest ping did not finish"
grep -a '^VMTEST-PING' "$D/guest.log" | tr -d '\r' | sed 's/^/    /'
grep -qa '^VMTEST-RESULT 1 0' "$D/guest.log" || die "the guest cannot ping the host $HOST_IP through $BR"
log "guest -> host $HOST_IP through $BR: ok"
"$XDPBRIDGE" fdb show "$BR" | sed 's/^/    /'

"${VIRSH[@]}" destroy "$DOM" >/dev/null || die "virsh destroy failed"
wait_until 10 not_port "$TAP" || die "virsh destroy: $TAP is still a port of $BR"
log "virsh destroy: $TAP left $BR"
sleep 1.5
log "monitor $BR saw:"
sed 's/^/    /' "$D/monitor.log"
grep -q "^port $TAP master $BR added" "$D/monitor.log" || die "monitor: no 'port $TAP added'"
grep -q "^port $TAP master $BR removed" "$D/monitor.log" || die "monitor: no 'port $TAP removed'"
log "PASS"
