#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The hypervisor's side of a tap (the descriptor QEMU holds for a VM's NIC), for `make
bench` and the selftests, where no guest is needed to load a tap port:

  tapgen.py write TAP SRC_MAC DST_MAC SECS  write 60-byte IPv4/UDP frames into TAP as fast as
                                            possible (the VM sending); prints the count
  tapgen.py pwrite DEV SRC_MAC DST_MAC SECS the same frames through an AF_PACKET socket on DEV
                                            that bypasses the qdisc (straight into the device's
                                            transmit): the "no tap in between" reference
  tapgen.py hold TAP SECS                   hold TAP open without reading (a VM that is
                                            attached but slow: the tap has carrier, what it is
                                            sent fills its queue and is dropped there, counted
                                            in its tx_dropped)
  tapgen.py relay TAP_A TAP_B               copy frames both ways between two taps with their
                                            virtio net headers, checksum and TSO offloads on,
                                            until killed: with TAP_B in a namespace, that
                                            namespace's stack is "the VM" behind TAP_A
  (selftests/tap_gso.py writes one TSO segment with a virtio net header, as virtio-net does)
"""
import fcntl, os, socket, struct, sys, threading, time

IFF_TAP, IFF_NO_PI, IFF_VNET_HDR = 0x0002, 0x1000, 0x4000
TUNSETIFF, TUNSETOFFLOAD = 0x400454CA, 0x400454D0
TUN_F_CSUM, TUN_F_TSO4, TUN_F_TSO6 = 0x01, 0x02, 0x04
SOL_PACKET, PACKET_QDISC_BYPASS = 263, 20


def open_tap(name, vnet_hdr=False):
    """Attaches to the existing tap NAME (ip tuntap add mode tap)."""
    fd = os.open("/dev/net/tun", os.O_RDWR)
    flags = IFF_TAP | IFF_NO_PI | (IFF_VNET_HDR if vnet_hdr else 0)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH22x", name.encode(), flags))
    if vnet_hdr:
        fcntl.ioctl(fd, TUNSETOFFLOAD, TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6)
    return fd


def mac(s):
    b = bytes(int(x, 16) for x in s.split(":"))
    if len(b) != 6:
        raise ValueError("bad MAC " + s)
    return b


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return s


def ipv4(src, dst, proto, payload_len):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + payload_len, 0, 0x4000, 64, proto, 0,
                    socket.inet_aton(src), socket.inet_aton(dst))
    return h[:10] + struct.pack("!H", 0xFFFF - csum(h)) + h[12:]


def udp_frame(smac, dmac):
    udp = struct.pack("!HHHH", 1024, 1025, 26, 0) + bytes(18)
    return dmac + smac + b"\x08\x00" + ipv4("198.18.0.1", "198.18.0.2", 17, len(udp)) + udp


def write(tap, smac, dmac, secs):
    fd = open_tap(tap)
    print(flood(lambda f: os.write(fd, f), udp_frame(mac(smac), mac(dmac)), secs))


def flood(send, frame, secs):
    n, end = 0, time.monotonic() + float(secs)
    while time.monotonic() < end:
        for _ in range(256):
            try:
                send(frame)
                n += 1
            except OSError:
                pass
    return n


def pwrite(dev, smac, dmac, secs):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.setsockopt(SOL_PACKET, PACKET_QDISC_BYPASS, 1)
    s.bind((dev, 0))
    print(flood(s.send, udp_frame(mac(smac), mac(dmac)), secs))


def hold(tap, secs):
    fd = open_tap(tap)
    time.sleep(float(secs))
    os.close(fd)


def relay(a, b):
    fa, fb = open_tap(a, True), open_tap(b, True)

    def pump(src, dst):
        while True:
            buf = os.read(src, 65600)
            try:
                os.write(dst, buf)
            except OSError:
                pass    # the other side's link is down: dropped, as a NIC would

    threading.Thread(target=pump, args=(fa, fb), daemon=True).start()
    pump(fb, fa)


if __name__ == "__main__":
    cmds = {"write": (write, 4), "hold": (hold, 2), "pwrite": (pwrite, 4), "relay": (relay, 2)}
    if len(sys.argv) < 2 or sys.argv[1] not in cmds or len(sys.argv) - 2 != cmds[sys.argv[1]][1]:
        sys.exit(__doc__)
    cmds[sys.argv[1]][0](*sys.argv[2:])
