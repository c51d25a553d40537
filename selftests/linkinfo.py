#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""linkinfo: the link kind of a device and its kind's attributes, read with RTM_GETLINK.

iproute2 prints only the name of a kind it has no module for (`ip -d link show`), not its
`IFLA_INFO_DATA`; this reads both from rtnetlink, in the current network namespace. The
attribute names of kind `vswitch` come from `vswitch/uapi.rs` (`link_attr`, through vswnl).

    linkinfo.py IFNAME     prints {"kind": "vswitch", "data": {"SWITCH": "sw0", "PORT": "vm1"}}
                           as JSON; exit status 1 if the device does not exist.
"""

import json
import socket
import struct
import sys

import vswnl

RTM_NEWLINK, RTM_GETLINK = 16, 18
IFLA_IFNAME, IFLA_LINKINFO = 3, 18
IFLA_INFO_KIND, IFLA_INFO_DATA = 1, 2
IFINFOMSG = struct.Struct('=BxHiII')    # family, type, index, flags, change
NLA_F_NESTED = 0x8000


def getlink(ifname):
    """The RTM_NEWLINK reply's attributes for `ifname`, or None if there is no such device."""
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
    body = IFINFOMSG.pack(socket.AF_UNSPEC, 0, 0, 0, 0) + vswnl.nla(IFLA_IFNAME, ifname.encode() + b'\0')
    s.send(vswnl.NLMSG_HDR.pack(vswnl.NLMSG_HDR.size + len(body), RTM_GETLINK, vswnl.NLM_F_REQUEST, 1, 0) + body)
    buf = s.recv(vswnl.RECV_BUF)
    n, ty = vswnl.NLMSG_HDR.unpack_from(buf)[:2]
    if ty == vswnl.NLMSG_ERROR:
        return None
    if ty != RTM_NEWLINK:
        raise RuntimeError('unexpected reply type %d' % ty)
    return vswnl.parse_attrs(buf[vswnl.NLMSG_HDR.size + IFINFOMSG.size:n])


def main():
    attrs = getlink(sys.argv[1])
    if attrs is None:
        print('no such device', file=sys.stderr)
        return 1
    out = {'kind': None, 'data': None}
    link_attr = vswnl.SPACES['link_attr']
    for ty, payload in attrs:
        if ty & ~NLA_F_NESTED != IFLA_LINKINFO:
            continue
        for ity, ipayload in vswnl.parse_attrs(payload):
            ity &= ~NLA_F_NESTED
            if ity == IFLA_INFO_KIND:
                out['kind'] = ipayload.rstrip(b'\0').decode()
            elif ity == IFLA_INFO_DATA:
                out['data'] = {link_attr.name_of(t & ~NLA_F_NESTED) or str(t): p.rstrip(b'\0').decode()
                               for t, p in vswnl.parse_attrs(ipayload)}
    print(json.dumps(out))
    return 0


if __name__ == '__main__':
    sys.exit(main())
