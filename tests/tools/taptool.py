#!/usr/bin/env python3
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""taptool: open taps the way qemu does and pass guest-style offloaded TCP
frames through a bridge between two of them (Python 3 standard library only).

  taptool.py create TAP...
      Create persistent taps (IFF_TAP | IFF_NO_PI | IFF_VNET_HDR), link down
      (set sysctls, then `ip link set TAP up`). Delete with `ip link del TAP`.
  taptool.py xfer --from TAP_A --to TAP_B --kind tso4|tso6|csum [--timeout SEC]
      Attach to both taps as qemu does (TUNSETOFFLOAD CSUM|TSO4|TSO6,
      TUNSETVNETHDRSZ 12, TUNSETSNDBUF INT_MAX, O_NONBLOCK), wait until a
      plain frame written into TAP_A comes out of TAP_B (the bridge has
      learned both guests and forwards), then write ONE guest frame into
      TAP_A and read TAP_B:
        tso4  virtio_net_hdr GSO_TCPV4, gso_size 1448, 41 x 1448 bytes of TCP
              payload, NEEDS_CSUM with the partial (pseudo-header) checksum
        tso6  the same over IPv6 (GSO_TCPV6)
        csum  a 1000-byte TCP/IPv4 frame, no GSO, NEEDS_CSUM + partial checksum
      Passes if what leaves TAP_B is either the GSO frame (gso_type set) or
      segments, each with a correct TCP checksum or still flagged NEEDS_CSUM
      with a seed that completes to a correct one, and the TCP payload is byte
      for byte the one written.

Prints one line per received frame and a last line "PASS ..." or "FAIL ...".
Exit codes: 0 pass, 1 fail, 2 usage, 77 a needed kernel feature is missing.
"""
import argparse
import fcntl
import os
import random
import select
import socket
import struct
import sys
import time

TUNSETIFF = 0x400454CA
TUNSETPERSIST = 0x400454CB
TUNSETOFFLOAD = 0x400454D0
TUNSETSNDBUF = 0x400454D4
TUNSETVNETHDRSZ = 0x400454D8
IFF_TAP = 0x0002
IFF_NO_PI = 0x1000
IFF_VNET_HDR = 0x4000
IFF_UP = 0x1
SIOCGIFFLAGS = 0x8913
SIOCSIFFLAGS = 0x8914
TUN_F_CSUM, TUN_F_TSO4, TUN_F_TSO6 = 0x01, 0x02, 0x04
INT_MAX = 0x7FFFFFFF

F_NEEDS_CSUM, F_DATA_VALID = 1, 2
GSO_NONE, GSO_TCPV4, GSO_TCPV6 = 0, 1, 4
GSO_NAMES = {0: "none", 1: "tcpv4", 3: "udp", 4: "tcpv6", 5: "udp_l4"}
VNET_HDR = struct.Struct("<BBHHHHH")  # virtio_net_hdr_mrg_rxbuf, 12 bytes (qemu, virtio 1.0)

MAC_A = bytes.fromhex("020000000201")
MAC_B = bytes.fromhex("020000000202")
PROBE_ETYPE = 0x88B5
IP4_A, IP4_B = "203.0.113.201", "203.0.113.202"
IP6_A, IP6_B = "2001:db8::201", "2001:db8::202"
SPORT, DPORT = 40001, 5201
SEQ0 = 0x10000000
MSS = 1448


class Skip(Exception):
    pass


# ---------------------------------------------------------------- taps


def tap_open(name, persist=False, offload=TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6):
    """Open (creating if needed) tap NAME as qemu's tap_open() does."""
    try:
        fd = os.open("/dev/net/tun", os.O_RDWR | os.O_CLOEXEC)
    except OSError as e:
        raise Skip(f"cannot open /dev/net/tun: {e.strerror} (CONFIG_TUN)")
    ifr = struct.pack("16sH22x", name.encode(), IFF_TAP | IFF_NO_PI | IFF_VNET_HDR)
    try:
        fcntl.ioctl(fd, TUNSETIFF, ifr)
        if persist:
            fcntl.ioctl(fd, TUNSETPERSIST, 1)
            return fd
        # What qemu's virtio-net with the default guest features asks for.
        fcntl.ioctl(fd, TUNSETSNDBUF, struct.pack("i", INT_MAX))
        fcntl.ioctl(fd, TUNSETVNETHDRSZ, struct.pack("i", VNET_HDR.size))
        fcntl.ioctl(fd, TUNSETOFFLOAD, offload)
    except OSError as e:
        os.close(fd)
        raise OSError(e.errno, f"tap {name}: {e.strerror}")
    # Non-blocking, as qemu: tun then builds small frames with its native XDP path.
    fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) | os.O_NONBLOCK)
    return fd


def link_up(name):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        ifr = fcntl.ioctl(s, SIOCGIFFLAGS, struct.pack("16sH22x", name.encode(), 0))
        flags = struct.unpack("16sH22x", ifr)[1]
        fcntl.ioctl(s, SIOCSIFFLAGS, struct.pack("16sH22x", name.encode(), flags | IFF_UP))
    finally:
        s.close()


def vnet_hdr(flags=0, gso_type=GSO_NONE, hdr_len=0, gso_size=0, csum_start=0, csum_offset=0):
    return VNET_HDR.pack(flags, gso_type, hdr_len, gso_size, csum_start, csum_offset, 0)


def tap_write(fd, hdr, frame):
    n = os.write(fd, hdr + frame)
    if n != len(hdr) + len(frame):
        raise OSError(0, f"short write to tap: {n} of {len(hdr) + len(frame)} bytes")


def tap_read(fd, timeout):
    """One (vnet header tuple, frame) or None after TIMEOUT seconds."""
    r, _, _ = select.select([fd], [], [], max(timeout, 0))
    if not r:
        return None
    try:
        buf = os.read(fd, 65536 + 256)
    except BlockingIOError:
        return None
    return VNET_HDR.unpack_from(buf), buf[VNET_HDR.size:]


# ---------------------------------------------------------------- checksums


def csum_add(data, acc=0):
    if len(data) % 2:
        data += b"\0"
    acc += sum(struct.unpack(f"!{len(data) // 2}H", data))
    while acc >> 16:
        acc = (acc & 0xFFFF) + (acc >> 16)
    return acc


def pseudo_sum(fam, src, dst, l4len):
    if fam == 4:
        return csum_add(src + dst + struct.pack("!BBH", 0, socket.IPPROTO_TCP, l4len))
    return csum_add(src + dst + struct.pack("!IxxxB", l4len, socket.IPPROTO_TCP))


# ---------------------------------------------------------------- frames


def build_frame(kind, payload):
    """The guest's frame and its virtio_net_hdr, as a Linux guest sends it."""
    fam = 6 if kind == "tso6" else 4
    eth = MAC_B + MAC_A + struct.pack("!H", 0x0800 if fam == 4 else 0x86DD)
    tcplen = 20 + len(payload)
    # ACK|PSH, window 502, checksum = the pseudo-header sum (what the guest
    # leaves for the device to complete: ~tcp_v4_check(len, s, d, 0)).
    if fam == 4:
        src, dst = socket.inet_pton(socket.AF_INET, IP4_A), socket.inet_pton(socket.AF_INET, IP4_B)
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + tcplen, 0x1234, 0x4000, 64,
                         socket.IPPROTO_TCP, 0, src, dst)
        ip = ip[:10] + struct.pack("!H", ~csum_add(ip) & 0xFFFF) + ip[12:]
    else:
        src, dst = socket.inet_pton(socket.AF_INET6, IP6_A), socket.inet_pton(socket.AF_INET6, IP6_B)
        ip = struct.pack("!IHBB16s16s", 0x60000000, tcplen, socket.IPPROTO_TCP, 64, src, dst)
    seed = pseudo_sum(fam, src, dst, tcplen)
    tcp = struct.pack("!HHIIBBHHH", SPORT, DPORT, SEQ0, 1, 5 << 4, 0x18, 502, seed, 0)
    l4off = len(eth) + len(ip)
    frame = eth + ip + tcp + payload
    gso = {"tso4": GSO_TCPV4, "tso6": GSO_TCPV6}.get(kind, GSO_NONE)
    hdr = vnet_hdr(F_NEEDS_CSUM, gso, l4off + 20, MSS if gso else 0, l4off, 16)
    return hdr, frame


def parse_tcp(frame):
    """(fam, src, dst, l4off, tcp bytes) of one of our flow's frames, or None."""
    if len(frame) < 14:
        return None
    etype = struct.unpack_from("!H", frame, 12)[0]
    if etype == 0x0800 and len(frame) >= 34:
        ihl = (frame[14] & 0x0F) * 4
        totlen = struct.unpack_from("!H", frame, 16)[0]
        if frame[23] != socket.IPPROTO_TCP:
            return None
        fam, src, dst, l4off = 4, frame[26:30], frame[30:34], 14 + ihl
        end = 14 + totlen
        if csum_add(frame[14:14 + ihl]) != 0xFFFF:
            return (fam, src, dst, l4off, frame[l4off:end], "bad IPv4 header checksum")
    elif etype == 0x86DD and len(frame) >= 54:
        if frame[20] != socket.IPPROTO_TCP:
            return None
        fam, src, dst, l4off = 6, frame[22:38], frame[38:54], 54
        end = 54 + struct.unpack_from("!H", frame, 18)[0]
    else:
        return None
    tcp = frame[l4off:end]
    if len(tcp) < 20 or struct.unpack_from("!HH", tcp) != (SPORT, DPORT):
        return None
    return (fam, src, dst, l4off, tcp, None)


def check_frame(hdr, frame):
    """Describe one received frame of our flow: (seq, payload, problem or None, text)."""
    flags, gso_type, _, gso_size, csum_start, csum_offset, _ = hdr
    p = parse_tcp(frame)
    if p is None:
        return None
    fam, src, dst, l4off, tcp, problem = p
    seq = struct.unpack_from("!I", tcp, 4)[0]
    doff = (tcp[12] >> 4) * 4
    payload = tcp[doff:]
    what = (f"frame {len(frame)} bytes, vnet flags {flags:#x} gso {GSO_NAMES.get(gso_type, gso_type)}"
            f" gso_size {gso_size}, seq +{seq - SEQ0}, payload {len(payload)}")
    if problem:
        return seq, payload, problem, what
    if gso_type != GSO_NONE:
        want = GSO_TCPV4 if fam == 4 else GSO_TCPV6
        if gso_type & 0x7F != want:
            return seq, payload, f"gso_type {gso_type} for an IPv{fam} frame", what
        if not gso_size or not flags & F_NEEDS_CSUM:
            return seq, payload, "GSO frame without gso_size or NEEDS_CSUM", what
    if flags & F_NEEDS_CSUM:
        if csum_start != l4off or csum_offset != 16:
            return seq, payload, (f"NEEDS_CSUM with csum_start {csum_start} csum_offset "
                                  f"{csum_offset}, TCP checksum at {l4off}+16"), what
        # Complete it as the device would, then check it as the receiver would.
        done = ~csum_add(tcp) & 0xFFFF
        tcp = tcp[:16] + struct.pack("!H", done) + tcp[18:]
        how = "NEEDS_CSUM (seed completes)"
    else:
        how = "checksum"
    if (csum_add(tcp, pseudo_sum(fam, src, dst, len(tcp))) != 0xFFFF):
        return seq, payload, (f"bad TCP checksum {struct.unpack_from('!H', tcp, 16)[0]:#06x}"
                              f" ({'NEEDS_CSUM, but the seed does not complete to a correct checksum' if flags & F_NEEDS_CSUM else 'not flagged NEEDS_CSUM'})"), what
    return seq, payload, None, what + f", {how} ok"


# ---------------------------------------------------------------- commands


def cmd_create(args):
    for name in args.taps:
        fd = tap_open(name, persist=True)
        os.close(fd)
    return 0


def warm_up(fa, fb, timeout):
    """Make the bridge learn both guests; return once A -> B forwards."""
    probe = lambda src, dst: dst + src + struct.pack("!H", PROBE_ETYPE) + b"taptool probe".ljust(46, b"\0")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        tap_write(fb, vnet_hdr(), probe(MAC_B, b"\xff" * 6))
        tap_write(fa, vnet_hdr(), probe(MAC_A, MAC_B))
        end = time.monotonic() + 0.2
        while time.monotonic() < end:
            got = tap_read(fb, end - time.monotonic())
            if got and got[1][:12] == MAC_B + MAC_A and got[1][12:14] == struct.pack("!H", PROBE_ETYPE):
                # Drain what is still queued on B (more probes).
                while tap_read(fb, 0.1):
                    pass
                return True
    return False


def cmd_xfer(args):
    rnd = random.Random(9)
    size = 1000 - 54 if args.kind == "csum" else 41 * MSS
    payload = bytes(rnd.getrandbits(8) for _ in range(size))
    hdr, frame = build_frame(args.kind, payload)
    fa = tap_open(args.from_tap)
    fb = tap_open(args.to_tap, offload=args.to_offload)
    try:
        link_up(args.from_tap)
        link_up(args.to_tap)
        if not warm_up(fa, fb, args.settle):
            print(f"FAIL no plain frame written into {args.from_tap} came out of "
                  f"{args.to_tap} within {args.settle} s: the bridge does not forward at all")
            return 1
        f, g, hl, gs, cs, co, _ = VNET_HDR.unpack(hdr)
        print(f"sent into {args.from_tap}: {args.kind} frame {len(frame)} bytes, vnet flags {f:#x} "
              f"gso {GSO_NAMES[g]} gso_size {gs} hdr_len {hl} csum_start {cs} csum_offset {co}, "
              f"TCP payload {len(payload)}")
        tap_write(fa, hdr, frame)
        got, problems, nframes, ngso = {}, [], 0, 0
        deadline = time.monotonic() + args.timeout
        while time.monotonic() < deadline:
            r = tap_read(fb, deadline - time.monotonic())
            if r is None:
                break
            c = check_frame(*r)
            if c is None:
                continue
            seq, data, problem, what = c
            nframes += 1
            ngso += r[0][1] != GSO_NONE
            print(f"received on {args.to_tap}: {what}" + (f": {problem}" if problem else ""))
            if problem:
                problems.append(problem)
            got[seq] = data
            if sum(len(d) for d in got.values()) >= len(payload) and not problem:
                deadline = min(deadline, time.monotonic() + 0.2)  # duplicates?
        # Reassemble by sequence number.
        data, seq = b"", SEQ0
        while seq in got and got[seq]:
            data += got[seq]
            seq += len(got[seq])
        if not nframes:
            print(f"FAIL {args.kind}: nothing of the {len(frame)}-byte frame written into "
                  f"{args.from_tap} came out of {args.to_tap} within {args.timeout} s")
            return 1
        if problems:
            print(f"FAIL {args.kind}: {nframes} frames on {args.to_tap}, {len(problems)} bad: {problems[0]}")
            return 1
        if data != payload:
            print(f"FAIL {args.kind}: TCP payload differs: {len(data)} contiguous bytes of "
                  f"{len(payload)} received in {nframes} frames"
                  + ("" if len(data) < len(payload) else " (content differs)"))
            return 1
        print(f"PASS {args.kind}: {len(payload)} payload bytes intact in {nframes} frames "
              f"({ngso} GSO), every checksum correct or still NEEDS_CSUM")
        return 0
    finally:
        os.close(fa)
        os.close(fb)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("create", help="create persistent vnet-hdr taps")
    c.add_argument("taps", nargs="+")
    x = sub.add_parser("xfer", help="one guest frame from tap A through the bridge to tap B")
    x.add_argument("--from", dest="from_tap", required=True)
    x.add_argument("--to", dest="to_tap", required=True)
    x.add_argument("--kind", choices=["tso4", "tso6", "csum"], required=True)
    x.add_argument("--timeout", type=float, default=3.0, help="seconds to wait for the frame")
    x.add_argument("--to-offload", type=lambda v: int(v, 0), default=TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6,
                   help="TUNSETOFFLOAD flags of TAP_B (default 0x7: CSUM|TSO4|TSO6; 0: the "
                        "kernel must segment and checksum for it)")
    x.add_argument("--settle", type=float, default=10.0, help="seconds to wait for forwarding")
    args = ap.parse_args()
    try:
        return cmd_create(args) if args.cmd == "create" else cmd_xfer(args)
    except Skip as e:
        print(f"SKIP {e}")
        return 77
    except OSError as e:
        print(f"FAIL {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
