#!/usr/bin/env python3
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
"""tapguest: a tap opened the way libvirt opens a guest's (IFF_TAP | IFF_NO_PI |
IFF_VNET_HDR, vnet header of 12 bytes, then brought up), with a minimal
"guest" behind it that answers ARP and ICMP echo for one IPv4 address.

  tapguest.py TAP MAC IPV4 [--ready-file FILE]

Runs until killed; the tap (not persistent) disappears with the process, as a
guest's does when libvirt's qemu exits. Python 3 standard library only.
"""
import argparse
import fcntl
import os
import select
import socket
import struct
import sys

TUNSETIFF = 0x400454CA
TUNSETVNETHDRSZ = 0x400454D8
IFF_TAP, IFF_NO_PI, IFF_VNET_HDR = 0x0002, 0x1000, 0x4000
SIOCGIFFLAGS, SIOCSIFFLAGS, IFF_UP = 0x8913, 0x8914, 0x1
VNET_HDR_LEN = 12


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def reply(frame, mac, ip):
    dst, src, etype = frame[0:6], frame[6:12], struct.unpack("!H", frame[12:14])[0]
    if etype == 0x0806 and len(frame) >= 42:
        op = struct.unpack("!H", frame[20:22])[0]
        sha, spa, tpa = frame[22:28], frame[28:32], frame[38:42]
        if op == 1 and tpa == ip:
            arp = struct.pack("!HHBBH", 1, 0x0800, 6, 4, 2) + mac + ip + sha + spa
            return src + mac + b"\x08\x06" + arp
    if etype == 0x0800 and len(frame) >= 34 and dst == mac:
        ihl = (frame[14] & 0x0F) * 4
        iph = frame[14:14 + ihl]
        if iph[9] != 1 or iph[16:20] != ip:
            return None
        total = struct.unpack("!H", iph[2:4])[0]
        icmp = bytearray(frame[14 + ihl:14 + total])
        if not icmp or icmp[0] != 8:
            return None
        icmp[0] = 0
        icmp[2:4] = b"\0\0"
        icmp[2:4] = struct.pack("!H", csum(bytes(icmp)))
        nh = bytearray(iph)
        nh[12:16], nh[16:20] = iph[16:20], iph[12:16]
        nh[8] = 64
        nh[10:12] = b"\0\0"
        nh[10:12] = struct.pack("!H", csum(bytes(nh)))
        return src + mac + b"\x08\x00" + bytes(nh) + bytes(icmp)
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("tap")
    ap.add_argument("mac")
    ap.add_argument("ip")
    ap.add_argument("--ready-file")
    a = ap.parse_args()
    mac = bytes.fromhex(a.mac.replace(":", ""))
    ip = socket.inet_aton(a.ip)
    fd = os.open("/dev/net/tun", os.O_RDWR)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", a.tap.encode(), IFF_TAP | IFF_NO_PI | IFF_VNET_HDR))
    fcntl.ioctl(fd, TUNSETVNETHDRSZ, struct.pack("i", VNET_HDR_LEN))
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    flags = struct.unpack("16sH", fcntl.ioctl(s, SIOCGIFFLAGS, struct.pack("16sH", a.tap.encode(), 0)))[1]
    fcntl.ioctl(s, SIOCSIFFLAGS, struct.pack("16sH", a.tap.encode(), flags | IFF_UP))
    if a.ready_file:
        open(a.ready_file, "w").close()
    while True:
        select.select([fd], [], [])
        data = os.read(fd, 65536)
        out = reply(data[VNET_HDR_LEN:], mac, ip)
        if out:
            os.write(fd, bytes(VNET_HDR_LEN) + out)


if __name__ == "__main__":
    sys.exit(main())
