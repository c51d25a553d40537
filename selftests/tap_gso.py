#!/usr/bin/env python3
"""Write one TCP/IPv4 frame into a tap the way a virtio-net guest's backend does: the tap is
opened with IFF_VNET_HDR, offloads are announced with TUNSETOFFLOAD, and the frame is preceded
by a struct virtio_net_hdr asking for GSO (TCPV4, gso_size) and a partial checksum, so the
kernel builds one large skb (as vhost-net does for a guest that uses TSO).

  tap_gso.py TAP SRC_MAC DST_MAC SRC_IP DST_IP [--payload N] [--gso-size N] [--count N]
             [--plain]

--plain sends an ordinary frame instead (no GSO, full checksums, payload <= 1460): the
control that must arrive the same way. The tap must exist (ip tuntap add ... mode tap); it is
opened, written to (count frames, 0.2 s apart) and closed. Only the standard library is used.
"""
import argparse
import os
import socket
import struct
import sys
import time

sys.dont_write_bytecode = True      # the VM's root file system is read-only
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tapgen import csum, mac, open_tap  # noqa: E402

VIRTIO_NET_HDR_F_NEEDS_CSUM = 1
VIRTIO_NET_HDR_GSO_NONE, VIRTIO_NET_HDR_GSO_TCPV4 = 0, 1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("tap")
    ap.add_argument("src_mac")
    ap.add_argument("dst_mac")
    ap.add_argument("src_ip")
    ap.add_argument("dst_ip")
    ap.add_argument("--payload", type=int, default=10000)
    ap.add_argument("--gso-size", type=int, default=1448)
    ap.add_argument("--count", type=int, default=1)
    ap.add_argument("--plain", action="store_true")
    a = ap.parse_args()
    if a.plain:
        a.payload = min(a.payload, 1460)

    fd = open_tap(a.tap, vnet_hdr=True)    # the default 10-byte virtio_net_hdr
    time.sleep(0.5)  # the tap has carrier from now on; let the port see it

    src, dst = socket.inet_aton(a.src_ip), socket.inet_aton(a.dst_ip)
    payload = bytes((i * 7) & 0xFF for i in range(a.payload))
    for n in range(a.count):
        tcp_len = 20 + len(payload)
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + tcp_len, 0x1500 + n, 0x4000, 64, 6, 0, src, dst)
        ip = ip[:10] + struct.pack("!H", 0xFFFF - csum(ip)) + ip[12:]
        tcp = struct.pack("!HHIIBBHHH", 40000, 5001, 1000 + n * len(payload), 1, 5 << 4, 0x18, 65535, 0, 0)
        pseudo = src + dst + struct.pack("!BBH", 0, 6, tcp_len)
        if a.plain:
            c = 0xFFFF - csum(pseudo + tcp + payload)
            hdr = struct.pack("<BBHHHH", 0, VIRTIO_NET_HDR_GSO_NONE, 0, 0, 0, 0)
        else:
            # partial checksum: the field holds the folded pseudo-header sum, not inverted
            c = csum(pseudo)
            hdr = struct.pack("<BBHHHH", VIRTIO_NET_HDR_F_NEEDS_CSUM, VIRTIO_NET_HDR_GSO_TCPV4,
                              14 + 20 + 20, a.gso_size, 14 + 20, 16)
        tcp = tcp[:16] + struct.pack("!H", c) + tcp[18:]
        eth = mac(a.dst_mac) + mac(a.src_mac) + b"\x08\x00"
        frame = eth + ip + tcp + payload
        os.write(fd, hdr + frame)
        print("wrote %d bytes (frame %d, %s)" % (len(frame), n, "plain" if a.plain else
              "gso tcpv4 %d" % a.gso_size))
        time.sleep(0.2)
    time.sleep(0.3)
    os.close(fd)


if __name__ == "__main__":
    main()
