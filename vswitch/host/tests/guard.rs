// SPDX-License-Identifier: GPL-2.0
//! `vswitch/guard.rs`: what a port may send (MAC spoofing, link-local groups, DHCP and
//! router guards, IP source guard) and the bindings the IP source guard allows.
use vswitch_host::frame::{Ip, L2, L3, ETH_P_ARP, ETH_P_IP, ETH_P_IPV6, IPPROTO_ICMP, IPPROTO_ICMPV6, IPPROTO_UDP};
use vswitch_host::guard::*;
use vswitch_host::mac::Mac;

const M: Mac = Mac([0x02, 0, 0, 0, 0, 1]);
const OTHER: Mac = Mac([0x02, 0, 0, 0, 0, 2]);

fn l2(ethertype: u16) -> L2 {
    L2 { dst: OTHER, src: M, tag: None, more_tags: false, ethertype, l3: 14 }
}

fn v4(src: [u8; 4], proto: u8, ports: Option<(u16, u16)>, icmp: Option<u8>) -> L3 {
    L3 { ip_ver: 4, src: Ip::v4(src), dst: Ip::v4([10, 0, 0, 1]), proto, l4: Some(34), ports, icmp_type: icmp, arp: None }
}

fn v6(src: Ip, proto: u8, ports: Option<(u16, u16)>, icmp: Option<u8>) -> L3 {
    L3 { ip_ver: 6, src, dst: Ip::v6([0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]), proto, l4: Some(54), ports, icmp_type: icmp, arp: None }
}

const BOUND4: [u8; 4] = [10, 0, 0, 5];
const G6: [u8; 16] = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5];
const LL6: [u8; 16] = [0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];

fn bound(ip: &Ip) -> bool {
    *ip == Ip::v4(BOUND4) || *ip == Ip::v6(G6)
}

#[test]
fn source_mac() {
    assert!(source_ok(&M, Some(&M), false));
    assert!(!source_ok(&OTHER, Some(&M), false));
    assert!(source_ok(&OTHER, Some(&M), true));
    // Group and zero sources: never, not even with spoofing allowed or from the uplink.
    for s in [Mac::BROADCAST, Mac::ZERO, Mac([0x01, 0, 0x5e, 0, 0, 1])] {
        assert!(!source_ok(&s, Some(&s), true));
        assert!(!source_ok(&s, None, true));
    }
    assert!(source_ok(&OTHER, None, false));
}

#[test]
fn link_local_groups() {
    let g = |x: u8| Mac([0x01, 0x80, 0xc2, 0, 0, x]);
    assert_eq!(link_local_group(&g(0)), Some(0));
    assert_eq!(link_local_group(&g(0x0e)), Some(14));
    assert_eq!(link_local_group(&g(0x10)), None);
    assert!(!group_forwarded(&g(0), 0));
    assert!(!group_forwarded(&g(0x0e), 0));
    assert!(group_forwarded(&g(0x0e), 1 << 14));
    // PAUSE and slow protocols never, whatever the mask says.
    assert!(!group_forwarded(&g(1), 0xffff));
    assert!(!group_forwarded(&g(2), 0xffff));
    assert!(group_forwarded(&Mac::BROADCAST, 0));
}

#[test]
fn dhcp_guard() {
    let offer = v4(BOUND4, IPPROTO_UDP, Some((67, 68)), None);
    assert_eq!(check_sent(DHCP_GUARD, &l2(ETH_P_IP), &offer, None, bound), Err(Drop::DhcpGuard));
    assert_eq!(check_sent(0, &l2(ETH_P_IP), &offer, None, bound), Ok(()));
    let adv6 = v6(Ip::v6(LL6), IPPROTO_UDP, Some((547, 546)), None);
    assert_eq!(check_sent(DHCP_GUARD, &l2(ETH_P_IPV6), &adv6, None, bound), Err(Drop::DhcpGuard));
    // A client's own messages pass.
    let discover = v4([0; 4], IPPROTO_UDP, Some((68, 67)), None);
    assert_eq!(check_sent(DHCP_GUARD, &l2(ETH_P_IP), &discover, None, bound), Ok(()));
}

#[test]
fn router_guard() {
    let ra = v6(Ip::v6(LL6), IPPROTO_ICMPV6, None, Some(134));
    let redirect6 = v6(Ip::v6(LL6), IPPROTO_ICMPV6, None, Some(137));
    let redirect4 = v4(BOUND4, IPPROTO_ICMP, None, Some(5));
    for (l3, et) in [(ra, ETH_P_IPV6), (redirect6, ETH_P_IPV6), (redirect4, ETH_P_IP)] {
        assert_eq!(check_sent(ROUTER_GUARD, &l2(et), &l3, None, bound), Err(Drop::RouterGuard));
        assert_eq!(check_sent(0, &l2(et), &l3, None, bound), Ok(()));
    }
    let echo = v6(Ip::v6(LL6), IPPROTO_ICMPV6, None, Some(128));
    assert_eq!(check_sent(ROUTER_GUARD, &l2(ETH_P_IPV6), &echo, None, bound), Ok(()));
}

#[test]
fn ip_source_guard_v4() {
    let ok = v4(BOUND4, IPPROTO_UDP, Some((1000, 53)), None);
    let spoof = v4([10, 0, 0, 6], IPPROTO_UDP, Some((1000, 53)), None);
    assert_eq!(check_sent(IP_GUARD, &l2(ETH_P_IP), &ok, None, bound), Ok(()));
    assert_eq!(check_sent(IP_GUARD, &l2(ETH_P_IP), &spoof, None, bound), Err(Drop::IpGuard));
    assert_eq!(check_sent(0, &l2(ETH_P_IP), &spoof, None, bound), Ok(()));
    // 0.0.0.0 only for a DHCP client.
    let discover = v4([0; 4], IPPROTO_UDP, Some((68, 67)), None);
    let zero_other = v4([0; 4], IPPROTO_UDP, Some((1000, 53)), None);
    assert_eq!(check_sent(IP_GUARD, &l2(ETH_P_IP), &discover, None, bound), Ok(()));
    assert_eq!(check_sent(IP_GUARD, &l2(ETH_P_IP), &zero_other, None, bound), Err(Drop::IpGuard));
    // An IPv4 EtherType whose header could not be read.
    assert_eq!(check_sent(IP_GUARD, &l2(ETH_P_IP), &L3::default(), None, bound), Err(Drop::IpGuard));
}

#[test]
fn arp_inspection() {
    let arp = |spa: [u8; 4]| L3 { arp: Some((2, spa)), ..L3::default() };
    assert_eq!(check_sent(IP_GUARD, &l2(ETH_P_ARP), &arp(BOUND4), None, bound), Ok(()));
    assert_eq!(check_sent(IP_GUARD, &l2(ETH_P_ARP), &arp([10, 0, 0, 1]), None, bound), Err(Drop::IpGuard));
    assert_eq!(check_sent(IP_GUARD, &l2(ETH_P_ARP), &arp([0; 4]), None, bound), Ok(()));
    assert_eq!(check_sent(IP_GUARD, &l2(ETH_P_ARP), &L3::default(), None, bound), Err(Drop::IpGuard));
}

#[test]
fn ip_source_guard_v6() {
    let g = v6(Ip::v6(G6), IPPROTO_UDP, Some((1, 2)), None);
    let mut other = G6;
    other[15] = 9;
    let spoof = v6(Ip::v6(other), IPPROTO_UDP, Some((1, 2)), None);
    let ll = v6(Ip::v6(LL6), IPPROTO_UDP, Some((546, 547)), None);
    let unspec = v6(Ip::v6([0; 16]), IPPROTO_ICMPV6, None, Some(135));
    assert_eq!(check_sent(IP_GUARD, &l2(ETH_P_IPV6), &g, None, bound), Ok(()));
    assert_eq!(check_sent(IP_GUARD, &l2(ETH_P_IPV6), &spoof, None, bound), Err(Drop::IpGuard));
    assert_eq!(check_sent(IP_GUARD, &l2(ETH_P_IPV6), &ll, None, bound), Ok(()));
    assert_eq!(check_sent(IP_GUARD, &l2(ETH_P_IPV6), &unspec, None, bound), Ok(()));
    // Neighbour advertisements may claim only bound or link-local targets.
    let na = v6(Ip::v6(LL6), IPPROTO_ICMPV6, None, Some(136));
    assert_eq!(check_sent(IP_GUARD, &l2(ETH_P_IPV6), &na, Some(Ip::v6(G6)), bound), Ok(()));
    assert_eq!(check_sent(IP_GUARD, &l2(ETH_P_IPV6), &na, Some(Ip::v6(other)), bound), Err(Drop::IpGuard));
    assert_eq!(check_sent(IP_GUARD, &l2(ETH_P_IPV6), &na, Some(Ip::v6(LL6)), bound), Ok(()));
}

#[test]
fn other_ethertypes_pass_the_ip_guard() {
    assert_eq!(check_sent(IP_GUARD, &l2(0x88cc), &L3::default(), None, bound), Ok(()));
}

#[test]
fn bindings_static_and_leases() {
    let mut b = Bindings::default();
    let a = Ip::v4([10, 0, 0, 5]);
    let c = Ip::v4([10, 0, 0, 7]);
    b.set_static(&[a]).unwrap();
    assert!(b.contains(&a, 0) && !b.contains(&c, 0));
    b.lease(c, Source::Dhcp, 100, 0);
    assert!(b.contains(&c, 99));
    assert!(!b.contains(&c, 100), "a lease ends at its expiry");
    // A renewal moves the end; a lease never turns a static binding into a lease.
    b.lease(c, Source::Dhcp, 200, 50);
    assert!(b.contains(&c, 150));
    b.lease(a, Source::Dhcp, 10, 0);
    assert!(b.contains(&a, 1000));
    // Statics first in the listing.
    let list: Vec<_> = b.live(0).map(|x| (x.ip, x.source)).collect();
    assert_eq!(list, vec![(a, Source::Static), (c, Source::Dhcp)]);
    // Releasing a lease; releasing a static address does nothing.
    b.release(&c);
    b.release(&a);
    assert!(!b.contains(&c, 0) && b.contains(&a, 0));
    // Replacing the statics.
    b.set_static(&[]).unwrap();
    assert!(b.is_empty());
    assert!(b.set_static(&[a; MAX_BINDINGS + 1]).is_err());
}

#[test]
fn bindings_full_of_leases_evict_the_one_ending_first() {
    let mut b = Bindings::default();
    for i in 0..MAX_BINDINGS as u8 {
        b.lease(Ip::v4([10, 0, 1, i]), Source::Dhcp, 1000 + u64::from(i), 0);
    }
    b.lease(Ip::v4([10, 0, 2, 1]), Source::Dhcp, 5000, 0);
    assert!(!b.contains(&Ip::v4([10, 0, 1, 0]), 0), "the one ending first went");
    assert!(b.contains(&Ip::v4([10, 0, 1, 1]), 0));
    assert!(b.contains(&Ip::v4([10, 0, 2, 1]), 0));
    // Unspecified addresses are never bound.
    b.lease(Ip::v4([0; 4]), Source::Dhcp, 5000, 0);
    assert!(!b.contains(&Ip::v4([0; 4]), 0));
}
