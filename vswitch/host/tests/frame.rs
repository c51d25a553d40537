// SPDX-License-Identifier: GPL-2.0
//! `vswitch/frame.rs`: reading addresses, VLAN tags, L3/L4 fields and DHCP messages from a
//! frame's bytes.
use vswitch_host::frame::*;
use vswitch_host::mac::Mac;

const DST: [u8; 6] = [0x02, 0, 0, 0, 0, 0x0b];
const SRC: [u8; 6] = [0x02, 0, 0, 0, 0, 0x0a];

/// Ethernet header with in-band tags `tags` (TPID, VID), then `ethertype` and `payload`.
fn eth(tags: &[(u16, u16)], ethertype: u16, payload: &[u8]) -> Vec<u8> {
    let mut f = Vec::new();
    f.extend_from_slice(&DST);
    f.extend_from_slice(&SRC);
    for (tpid, vid) in tags {
        f.extend_from_slice(&tpid.to_be_bytes());
        f.extend_from_slice(&vid.to_be_bytes());
    }
    f.extend_from_slice(&ethertype.to_be_bytes());
    f.extend_from_slice(payload);
    f
}

fn ipv4(proto: u8, src: [u8; 4], dst: [u8; 4], frag: u16, l4: &[u8]) -> Vec<u8> {
    let mut h = vec![0x45, 0, 0, 0, 0, 0];
    h.extend_from_slice(&frag.to_be_bytes());
    h.extend_from_slice(&[64, proto, 0, 0]);
    h.extend_from_slice(&src);
    h.extend_from_slice(&dst);
    h.extend_from_slice(l4);
    h
}

fn ipv6(next: u8, src: [u8; 16], dst: [u8; 16], rest: &[u8]) -> Vec<u8> {
    let mut h = vec![0x60, 0, 0, 0, 0, 0, next, 64];
    h.extend_from_slice(&src);
    h.extend_from_slice(&dst);
    h.extend_from_slice(rest);
    h
}

fn udp(sport: u16, dport: u16, payload: &[u8]) -> Vec<u8> {
    let mut u = Vec::new();
    u.extend_from_slice(&sport.to_be_bytes());
    u.extend_from_slice(&dport.to_be_bytes());
    u.extend_from_slice(&[0, 0, 0, 0]);
    u.extend_from_slice(payload);
    u
}

const LL6: [u8; 16] = [0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
const G6: [u8; 16] = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5];

#[test]
fn untagged_frame() {
    let f = eth(&[], ETH_P_IP, &[0; 20]);
    let l2 = parse_l2(f.as_slice(), None).unwrap();
    assert_eq!((l2.dst, l2.src), (Mac(DST), Mac(SRC)));
    assert_eq!((l2.tag, l2.more_tags, l2.ethertype, l2.l3), (None, false, ETH_P_IP, 14));
}

#[test]
fn tags_are_read_from_the_bytes() {
    let f = eth(&[(ETH_P_8021Q, 20)], ETH_P_IP, &[]);
    let l2 = parse_l2(f.as_slice(), None).unwrap();
    assert_eq!(l2.tag, Some(Tag { tpid: ETH_P_8021Q, vid: 20 }));
    assert_eq!((l2.more_tags, l2.ethertype, l2.l3), (false, ETH_P_IP, 18));
    // PCP and DEI bits do not leak into the VID.
    let f = eth(&[(ETH_P_8021Q, 0xf00a)], ETH_P_IP, &[]);
    assert_eq!(parse_l2(f.as_slice(), None).unwrap().tag.unwrap().vid, 10);
}

#[test]
fn double_and_s_tags() {
    let f = eth(&[(ETH_P_8021AD, 100), (ETH_P_8021Q, 20)], ETH_P_IP, &[]);
    let l2 = parse_l2(f.as_slice(), None).unwrap();
    assert_eq!(l2.tag, Some(Tag { tpid: ETH_P_8021AD, vid: 100 }));
    assert!(l2.more_tags);
    assert_eq!((l2.ethertype, l2.l3), (ETH_P_IP, 22));
    // An offloaded tag comes first; an in-band one after it makes two.
    let off = Some(Tag { tpid: ETH_P_8021Q, vid: 10 });
    let f = eth(&[(ETH_P_8021Q, 20)], ETH_P_IP, &[]);
    let l2 = parse_l2(f.as_slice(), off).unwrap();
    assert_eq!((l2.tag, l2.more_tags), (off, true));
    let f = eth(&[], ETH_P_IP, &[]);
    assert_eq!(parse_l2(f.as_slice(), off).unwrap().more_tags, false);
    // Many tags: still answered, as "more".
    let f = eth(&[(ETH_P_8021Q, 1); 9], ETH_P_IP, &[]);
    assert!(parse_l2(f.as_slice(), None).unwrap().more_tags);
}

#[test]
fn short_frames() {
    assert_eq!(parse_l2(&[0u8; 13][..], None), None);
    // A tag cut short.
    let f = eth(&[], ETH_P_8021Q, &[0, 5]);
    assert_eq!(parse_l2(f.as_slice(), None), None);
}

#[test]
fn ipv4_tcp_and_fragments() {
    let f = eth(&[], ETH_P_IP, &ipv4(IPPROTO_TCP, [10, 0, 0, 1], [10, 0, 0, 2], 0, &[0, 80, 1, 187]));
    let l2 = parse_l2(f.as_slice(), None).unwrap();
    let l3 = parse_l3(f.as_slice(), &l2);
    assert_eq!((l3.ip_ver, l3.proto, l3.ports), (4, IPPROTO_TCP, Some((80, 443))));
    assert_eq!((l3.src, l3.dst), (Ip::v4([10, 0, 0, 1]), Ip::v4([10, 0, 0, 2])));
    // A later fragment has no L4 header.
    let f = eth(&[], ETH_P_IP, &ipv4(IPPROTO_TCP, [10, 0, 0, 1], [10, 0, 0, 2], 0x0010, &[0, 80, 1, 187]));
    let l3 = parse_l3(f.as_slice(), &parse_l2(f.as_slice(), None).unwrap());
    assert_eq!((l3.l4, l3.ports), (None, None));
    // Not IPv4 in the version nibble.
    let mut bad = ipv4(IPPROTO_TCP, [1; 4], [2; 4], 0, &[]);
    bad[0] = 0x65;
    let f = eth(&[], ETH_P_IP, &bad);
    assert_eq!(parse_l3(f.as_slice(), &parse_l2(f.as_slice(), None).unwrap()).ip_ver, 0);
}

#[test]
fn ipv6_through_extension_headers() {
    // Hop-by-hop (8 bytes) then UDP.
    let mut rest = vec![IPPROTO_UDP, 0, 0, 0, 0, 0, 0, 0];
    rest.extend(udp(547, 546, &[]));
    let f = eth(&[(ETH_P_8021Q, 5)], ETH_P_IPV6, &ipv6(0, LL6, G6, &rest));
    let l2 = parse_l2(f.as_slice(), None).unwrap();
    let l3 = parse_l3(f.as_slice(), &l2);
    assert_eq!((l3.ip_ver, l3.proto, l3.ports), (6, IPPROTO_UDP, Some((547, 546))));
    assert!(l3.src.is_link_local_v6() && !l3.dst.is_link_local_v6());
    // A non-first fragment: no L4.
    let frag = [IPPROTO_UDP, 0, 0, 0x10, 0, 0, 0, 1];
    let f = eth(&[], ETH_P_IPV6, &ipv6(44, LL6, G6, &frag));
    let l3 = parse_l3(f.as_slice(), &parse_l2(f.as_slice(), None).unwrap());
    assert_eq!((l3.proto, l3.l4), (IPPROTO_UDP, None));
}

#[test]
fn icmpv6_and_neighbor_advertisement_target() {
    let mut na = vec![136, 0, 0, 0, 0x20, 0, 0, 0];
    na.extend_from_slice(&G6);
    let f = eth(&[], ETH_P_IPV6, &ipv6(IPPROTO_ICMPV6, LL6, LL6, &na));
    let l2 = parse_l2(f.as_slice(), None).unwrap();
    let l3 = parse_l3(f.as_slice(), &l2);
    assert_eq!(l3.icmp_type, Some(136));
    assert_eq!(na_target(f.as_slice(), &l3), Some(Ip::v6(G6)));
    let ra = [134u8, 0, 0, 0];
    let f = eth(&[], ETH_P_IPV6, &ipv6(IPPROTO_ICMPV6, LL6, LL6, &ra));
    let l3 = parse_l3(f.as_slice(), &parse_l2(f.as_slice(), None).unwrap());
    assert_eq!((l3.icmp_type, na_target(f.as_slice(), &l3)), (Some(134), None));
}

#[test]
fn arp_sender() {
    let mut arp = vec![0, 1, 8, 0, 6, 4, 0, 2];
    arp.extend_from_slice(&SRC);
    arp.extend_from_slice(&[10, 0, 0, 9]);
    arp.extend_from_slice(&[0; 6]);
    arp.extend_from_slice(&[10, 0, 0, 1]);
    let f = eth(&[], ETH_P_ARP, &arp);
    let l3 = parse_l3(f.as_slice(), &parse_l2(f.as_slice(), None).unwrap());
    assert_eq!(l3.arp, Some((2, [10, 0, 0, 9])));
}

/// A BOOTP/DHCP message: op, ciaddr, yiaddr, chaddr, then the options bytes.
fn bootp(op: u8, ci: [u8; 4], yi: [u8; 4], ch: [u8; 6], options: &[u8]) -> Vec<u8> {
    let mut b = vec![0u8; 236];
    b[0] = op;
    b[12..16].copy_from_slice(&ci);
    b[16..20].copy_from_slice(&yi);
    b[28..34].copy_from_slice(&ch);
    b.extend_from_slice(&[0x63, 0x82, 0x53, 0x63]);
    b.extend_from_slice(options);
    b
}

#[test]
fn dhcp_ack() {
    let opts = [53, 1, DHCPACK, 0, 51, 4, 0, 0, 0x0e, 0x10, 54, 4, 10, 0, 0, 1, 255];
    let f = eth(&[], ETH_P_IP, &ipv4(IPPROTO_UDP, [10, 0, 0, 1], [255; 4], 0, &udp(67, 68, &bootp(2, [0; 4], [10, 0, 0, 50], SRC, &opts))));
    let l3 = parse_l3(f.as_slice(), &parse_l2(f.as_slice(), None).unwrap());
    let d = parse_dhcp4(f.as_slice(), l3.l4.unwrap()).unwrap();
    assert_eq!((d.op, d.msg_type, d.yiaddr, d.chaddr, d.lease), (2, DHCPACK, [10, 0, 0, 50], Mac(SRC), Some(3600)));
    // No magic cookie: not DHCP; no message type: not a DHCP message either.
    let mut b = bootp(2, [0; 4], [10, 0, 0, 50], SRC, &opts);
    b[236] = 0;
    let f = eth(&[], ETH_P_IP, &ipv4(IPPROTO_UDP, [1; 4], [2; 4], 0, &udp(67, 68, &b)));
    assert_eq!(parse_dhcp4(f.as_slice(), 34), None);
    let f = eth(&[], ETH_P_IP, &ipv4(IPPROTO_UDP, [1; 4], [2; 4], 0, &udp(67, 68, &bootp(2, [0; 4], [1; 4], SRC, &[255]))));
    assert_eq!(parse_dhcp4(f.as_slice(), 34), None);
}

#[test]
fn dhcp6_reply_addresses() {
    // Reply, transaction id, then IA_NA { IAID, T1, T2, IAADDR { addr, pref, valid } }.
    let mut iaaddr = vec![0, 5, 0, 24];
    iaaddr.extend_from_slice(&G6);
    iaaddr.extend_from_slice(&[0, 0, 0, 60, 0, 0, 0, 120]);
    let mut ia_na = vec![0, 3];
    ia_na.extend_from_slice(&((12 + iaaddr.len()) as u16).to_be_bytes());
    ia_na.extend_from_slice(&[0; 12]);
    ia_na.extend(iaaddr);
    let mut msg = vec![DHCPV6_REPLY, 1, 2, 3];
    msg.extend_from_slice(&[0, 1, 0, 2, 0xaa, 0xbb]); // client id, skipped
    msg.extend(ia_na);
    let f = eth(&[], ETH_P_IPV6, &ipv6(IPPROTO_UDP, LL6, LL6, &udp(547, 546, &msg)));
    let l3 = parse_l3(f.as_slice(), &parse_l2(f.as_slice(), None).unwrap());
    let mut got = Vec::new();
    let t = parse_dhcp6(f.as_slice(), l3.l4.unwrap(), |a, v| got.push((a, v)));
    assert_eq!(t, Some(DHCPV6_REPLY));
    assert_eq!(got, vec![(Ip::v6(G6), 120)]);
}

/// A small deterministic generator for the robustness test.
struct XorShift(u64);
impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn random_bytes_never_panic() {
    let mut r = XorShift(0x9e37_79b9_7f4a_7c15);
    for _ in 0..20_000 {
        let n = (r.next() % 400) as usize;
        let mut f: Vec<u8> = (0..n).map(|_| r.next() as u8).collect();
        // Make the interesting EtherTypes and protocols likely.
        if n > 14 {
            let et = [ETH_P_IP, ETH_P_IPV6, ETH_P_ARP, ETH_P_8021Q, ETH_P_8021AD][(r.next() % 5) as usize];
            f[12..14].copy_from_slice(&et.to_be_bytes());
        }
        let off = (r.next() % 3 == 0).then(|| Tag { tpid: ETH_P_8021Q, vid: 7 });
        if let Some(l2) = parse_l2(f.as_slice(), off) {
            let l3 = parse_l3(f.as_slice(), &l2);
            let _ = na_target(f.as_slice(), &l3);
            if let Some(l4) = l3.l4 {
                let _ = parse_dhcp4(f.as_slice(), l4);
                let _ = parse_dhcp6(f.as_slice(), l4, |_, _| {});
            }
        }
    }
}
