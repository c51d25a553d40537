// SPDX-License-Identifier: GPL-2.0
//! Reading a frame once: what the switch's decisions need (addresses, VLAN tags, and on
//! demand the L3/L4 fields that ACLs and port guards match), read from the frame's bytes,
//! never from metadata a sender chose (an `AF_PACKET` sender sets `skb->protocol`).
//!
//! The bytes come through [`Bytes`]: the kernel reads from the skb (`skb_header_pointer`,
//! copying only what is asked), the host tests from slices. Every read is bounds-checked;
//! a frame too short for a field simply does not have it.
//!
//! Pure logic: depends only on `core`; compiled into the module and the host test crate.
#![allow(dead_code, unreachable_pub)]

use crate::mac::Mac;

pub const ETH_P_IP: u16 = 0x0800;
pub const ETH_P_ARP: u16 = 0x0806;
pub const ETH_P_IPV6: u16 = 0x86dd;
pub const ETH_P_8021Q: u16 = 0x8100;
pub const ETH_P_8021AD: u16 = 0x88a8;
/// Pre-standard S-tag EtherType some equipment still sends.
pub const ETH_P_QINQ1: u16 = 0x9100;

pub const IPPROTO_ICMP: u8 = 1;
pub const IPPROTO_TCP: u8 = 6;
pub const IPPROTO_UDP: u8 = 17;
pub const IPPROTO_SCTP: u8 = 132;
pub const IPPROTO_UDPLITE: u8 = 136;
pub const IPPROTO_ICMPV6: u8 = 58;

/// A frame's bytes, from the first byte of the Ethernet header.
pub trait Bytes {
    /// Copies `out.len()` bytes at offset `off` into `out`; false if the frame is shorter.
    fn read(&self, off: usize, out: &mut [u8]) -> bool;

    fn u8_at(&self, off: usize) -> Option<u8> {
        let mut b = [0u8; 1];
        self.read(off, &mut b).then_some(b[0])
    }
    fn u16_at(&self, off: usize) -> Option<u16> {
        let mut b = [0u8; 2];
        self.read(off, &mut b).then(|| u16::from_be_bytes(b))
    }
    fn u32_at(&self, off: usize) -> Option<u32> {
        let mut b = [0u8; 4];
        self.read(off, &mut b).then(|| u32::from_be_bytes(b))
    }
}

impl Bytes for [u8] {
    fn read(&self, off: usize, out: &mut [u8]) -> bool {
        match off.checked_add(out.len()).and_then(|end| self.get(off..end)) {
            Some(s) => {
                out.copy_from_slice(s);
                true
            }
            None => false,
        }
    }
}

/// A VLAN tag: its EtherType (TPID) and VLAN id (the TCI's low 12 bits).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Tag {
    pub tpid: u16,
    pub vid: u16,
}

fn is_vlan_tpid(t: u16) -> bool {
    matches!(t, ETH_P_8021Q | ETH_P_8021AD | ETH_P_QINQ1)
}

/// The Ethernet header and VLAN tags of a frame.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct L2 {
    pub dst: Mac,
    pub src: Mac,
    /// The outermost tag: the offloaded one (`skb->vlan_tci`) if any, else the first
    /// in-band one.
    pub tag: Option<Tag>,
    /// More than one tag in all (offloaded and in-band).
    pub more_tags: bool,
    /// The EtherType after every tag.
    pub ethertype: u16,
    /// Offset of the L3 header (after every in-band tag).
    pub l3: usize,
}

/// Most in-band tags looked through (a frame with more is treated as carrying "more").
const MAX_TAGS: usize = 4;

/// Reads the Ethernet header and tags; `offloaded` is a tag the NIC or the sender's stack
/// moved out of the frame (it came first on the wire). `None` if the frame is shorter than
/// an Ethernet header or a tag is cut short.
pub fn parse_l2(b: &(impl Bytes + ?Sized), offloaded: Option<Tag>) -> Option<L2> {
    let mut h = [0u8; 14];
    if !b.read(0, &mut h) {
        return None;
    }
    let mut dst = [0u8; 6];
    let mut src = [0u8; 6];
    dst.copy_from_slice(&h[0..6]);
    src.copy_from_slice(&h[6..12]);
    let mut ethertype = u16::from_be_bytes([h[12], h[13]]);
    let mut off = 14;
    let mut tag = offloaded;
    let mut ntags = usize::from(offloaded.is_some());
    while is_vlan_tpid(ethertype) && ntags <= MAX_TAGS {
        let tci = b.u16_at(off)?;
        let inner = b.u16_at(off + 2)?;
        if tag.is_none() {
            tag = Some(Tag { tpid: ethertype, vid: tci & 0x0fff });
        }
        ntags += 1;
        ethertype = inner;
        off += 4;
    }
    Some(L2 { dst: Mac(dst), src: Mac(src), tag, more_tags: ntags > 1, ethertype, l3: off })
}

/// An IPv4 or IPv6 address, IPv4 in the first 4 bytes.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct Ip {
    pub v6: bool,
    pub b: [u8; 16],
}

impl Ip {
    pub fn v4(a: [u8; 4]) -> Self {
        let mut b = [0u8; 16];
        b[..4].copy_from_slice(&a);
        Ip { v6: false, b }
    }
    pub fn v6(b: [u8; 16]) -> Self {
        Ip { v6: true, b }
    }
    pub fn is_unspecified(&self) -> bool {
        let n = if self.v6 { 16 } else { 4 };
        self.b[..n].iter().all(|&x| x == 0)
    }
    /// IPv6 link-local (fe80::/10).
    pub fn is_link_local_v6(&self) -> bool {
        self.v6 && self.b[0] == 0xfe && self.b[1] & 0xc0 == 0x80
    }
}

/// What is above L2, as far as it could be read.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct L3 {
    /// 0 (not IP), 4 or 6.
    pub ip_ver: u8,
    pub src: Ip,
    pub dst: Ip,
    /// IP protocol (IPv6: after extension headers).
    pub proto: u8,
    /// Offset of the L4 header (first fragment only).
    pub l4: Option<usize>,
    /// L4 ports (TCP, UDP, SCTP, UDP-Lite).
    pub ports: Option<(u16, u16)>,
    /// ICMP / ICMPv6 type.
    pub icmp_type: Option<u8>,
    /// ARP: operation and sender IPv4 address.
    pub arp: Option<(u16, [u8; 4])>,
}

/// IPv6 extension headers walked before the upper-layer protocol.
fn is_ipv6_ext(nh: u8) -> bool {
    matches!(nh, 0 | 43 | 44 | 60 | 51 | 135 | 139 | 140)
}

/// Reads IPv4/IPv6 (and L4 ports, ICMP type) or ARP after `l2`.
pub fn parse_l3(b: &(impl Bytes + ?Sized), l2: &L2) -> L3 {
    let mut r = L3::default();
    let off = l2.l3;
    match l2.ethertype {
        ETH_P_IP => {
            let mut h = [0u8; 20];
            if !b.read(off, &mut h) || h[0] >> 4 != 4 || h[0] & 0x0f < 5 {
                return r;
            }
            r.ip_ver = 4;
            r.proto = h[9];
            r.src = Ip::v4([h[12], h[13], h[14], h[15]]);
            r.dst = Ip::v4([h[16], h[17], h[18], h[19]]);
            // Fragment offset 0: the L4 header is here.
            if u16::from_be_bytes([h[6], h[7]]) & 0x1fff == 0 {
                r.l4 = Some(off + usize::from(h[0] & 0x0f) * 4);
            }
        }
        ETH_P_IPV6 => {
            let mut h = [0u8; 40];
            if !b.read(off, &mut h) || h[0] >> 4 != 6 {
                return r;
            }
            r.ip_ver = 6;
            let mut s = [0u8; 16];
            let mut d = [0u8; 16];
            s.copy_from_slice(&h[8..24]);
            d.copy_from_slice(&h[24..40]);
            r.src = Ip::v6(s);
            r.dst = Ip::v6(d);
            let mut nh = h[6];
            let mut p = off + 40;
            let mut first = true;
            for _ in 0..8 {
                if !is_ipv6_ext(nh) {
                    break;
                }
                let (Some(next), Some(len)) = (b.u8_at(p), b.u8_at(p + 1)) else { return r };
                let size = match nh {
                    44 => {
                        // Fragment header: only the first fragment has the L4 header.
                        let Some(fo) = b.u16_at(p + 2) else { return r };
                        first = fo & 0xfff8 == 0;
                        8
                    }
                    51 => (usize::from(len) + 2) * 4,
                    _ => (usize::from(len) + 1) * 8,
                };
                nh = next;
                p += size;
            }
            if is_ipv6_ext(nh) {
                return r;
            }
            r.proto = nh;
            if first {
                r.l4 = Some(p);
            }
        }
        ETH_P_ARP => {
            // Ethernet/IPv4 ARP: htype 1, ptype 0x0800, hlen 6, plen 4.
            let mut h = [0u8; 18];
            if b.read(off, &mut h) && h[0..6] == [0, 1, 8, 0, 6, 4] {
                r.arp = Some((u16::from_be_bytes([h[6], h[7]]), [h[14], h[15], h[16], h[17]]));
            }
            return r;
        }
        _ => return r,
    }
    if let Some(l4) = r.l4 {
        match r.proto {
            IPPROTO_TCP | IPPROTO_UDP | IPPROTO_SCTP | IPPROTO_UDPLITE => {
                if let (Some(s), Some(d)) = (b.u16_at(l4), b.u16_at(l4 + 2)) {
                    r.ports = Some((s, d));
                }
            }
            IPPROTO_ICMP if r.ip_ver == 4 => r.icmp_type = b.u8_at(l4),
            IPPROTO_ICMPV6 if r.ip_ver == 6 => r.icmp_type = b.u8_at(l4),
            _ => {}
        }
    }
    r
}

/// The target address of an ICMPv6 Neighbor Advertisement (type 136), if `l3` is one.
pub fn na_target(b: &(impl Bytes + ?Sized), l3: &L3) -> Option<Ip> {
    if l3.ip_ver != 6 || l3.proto != IPPROTO_ICMPV6 || l3.icmp_type != Some(136) {
        return None;
    }
    let mut t = [0u8; 16];
    b.read(l3.l4? + 8, &mut t).then(|| Ip::v6(t))
}

/// DHCPv4 message types (option 53).
pub const DHCPACK: u8 = 5;
pub const DHCPRELEASE: u8 = 7;

/// What DHCP snooping needs of a DHCPv4 message.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Dhcp4 {
    /// BOOTP op: 1 request (client), 2 reply (server).
    pub op: u8,
    /// Option 53.
    pub msg_type: u8,
    /// "your" address (replies) and the client's current address (`ciaddr`, releases).
    pub yiaddr: [u8; 4],
    pub ciaddr: [u8; 4],
    pub chaddr: Mac,
    /// Option 51, seconds.
    pub lease: Option<u32>,
}

/// Most DHCP option bytes looked through.
const DHCP_OPTIONS_MAX: usize = 1500;

/// Reads a DHCPv4 message from a UDP datagram at `l4` (the caller checked the ports).
pub fn parse_dhcp4(b: &(impl Bytes + ?Sized), l4: usize) -> Option<Dhcp4> {
    let bootp = l4 + 8;
    let op = b.u8_at(bootp)?;
    let mut ciaddr = [0u8; 4];
    let mut yiaddr = [0u8; 4];
    let mut ch = [0u8; 6];
    if !(b.read(bootp + 12, &mut ciaddr) && b.read(bootp + 16, &mut yiaddr) && b.read(bootp + 28, &mut ch)) {
        return None;
    }
    if b.u32_at(bootp + 236)? != 0x6382_5363 {
        return None;
    }
    let mut msg_type = None;
    let mut lease = None;
    let mut p = bootp + 240;
    let end = p + DHCP_OPTIONS_MAX;
    while p < end {
        let code = b.u8_at(p)?;
        match code {
            0 => {
                p += 1;
                continue;
            }
            255 => break,
            _ => {}
        }
        let len = usize::from(b.u8_at(p + 1)?);
        match (code, len) {
            (53, 1) => msg_type = b.u8_at(p + 2),
            (51, 4) => lease = b.u32_at(p + 2),
            _ => {}
        }
        p += 2 + len;
    }
    Some(Dhcp4 { op, msg_type: msg_type?, yiaddr, ciaddr, chaddr: Mac(ch), lease })
}

/// DHCPv6 Reply (the server's answer that assigns addresses).
pub const DHCPV6_REPLY: u8 = 7;
/// DHCPv6 Release (the client gives its addresses back).
pub const DHCPV6_RELEASE: u8 = 8;

/// Calls `f(address, valid lifetime)` for every IA_NA address of a DHCPv6 message at `l4`
/// (a UDP datagram); returns the message type.
pub fn parse_dhcp6(b: &(impl Bytes + ?Sized), l4: usize, mut f: impl FnMut(Ip, u32)) -> Option<u8> {
    let msg = l4 + 8;
    let msg_type = b.u8_at(msg)?;
    let mut p = msg + 4;
    let end = p + DHCP_OPTIONS_MAX;
    while p + 4 <= end {
        let (Some(code), Some(len)) = (b.u16_at(p), b.u16_at(p + 2)) else { break };
        let len = usize::from(len);
        // IA_NA: IAID, T1, T2, then its own options.
        if code == 3 && len >= 12 {
            let mut q = p + 4 + 12;
            let qend = p + 4 + len;
            while q + 4 <= qend {
                let (Some(c), Some(l)) = (b.u16_at(q), b.u16_at(q + 2)) else { break };
                let l = usize::from(l);
                // IAADDR: address, preferred lifetime, valid lifetime.
                if c == 5 && l >= 24 {
                    let mut a = [0u8; 16];
                    if let (true, Some(valid)) = (b.read(q + 4, &mut a), b.u32_at(q + 4 + 20)) {
                        f(Ip::v6(a), valid);
                    }
                }
                q += 4 + l;
            }
        }
        p += 4 + len;
    }
    Some(msg_type)
}
