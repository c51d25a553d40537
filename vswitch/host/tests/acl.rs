//! `vswitch/acl.rs`: ACL rule validation, matching, evaluation order and rule placement.
use vswitch_host::acl::{
    evaluate, insert_pos, matches, needs_l3, needs_l4, next_prio, validate, Action, Addrs, Match,
    Packet, Prefix, Rule, ETH_P_ARP, ETH_P_IP, ETH_P_IPV6, IPPROTO_SCTP, IPPROTO_TCP, IPPROTO_UDP,
    IPPROTO_UDPLITE,
};
use vswitch_host::mac::Mac;

/// `validate`'s message without the "vswitch: " every kernel message starts with.
fn check(m: &Match) -> Result<(), &'static str> {
    validate(m).map_err(|e| e.to_str().unwrap().strip_prefix("vswitch: ").expect("vswitch: prefix"))
}

const A: Mac = Mac([0x00, 0x15, 0x5d, 0x00, 0x00, 0x01]);
const B: Mac = Mac([0x00, 0x15, 0x5d, 0x00, 0x00, 0x02]);
const ICMP: u8 = 1;
const ICMPV6: u8 = 58;

fn v4(a: u8, b: u8, c: u8, d: u8) -> [u8; 4] {
    [a, b, c, d]
}

fn v6(groups: [u16; 8]) -> [u8; 16] {
    let mut out = [0u8; 16];
    for (i, g) in groups.iter().enumerate() {
        out[2 * i..2 * i + 2].copy_from_slice(&g.to_be_bytes());
    }
    out
}

fn p4(addr: [u8; 4], len: u8) -> Prefix {
    Prefix::V4 { addr, len }
}

fn p6(addr: [u8; 16], len: u8) -> Prefix {
    Prefix::V6 { addr, len }
}

/// A TCP/IPv4 frame 10.0.0.1:40000 -> 192.168.1.77:443 on VLAN 10, A -> B.
fn tcp4() -> Packet {
    Packet {
        src_mac: A,
        dst_mac: B,
        vlan: 10,
        ethertype: ETH_P_IP,
        ip: Some(Addrs::V4 {
            src: v4(10, 0, 0, 1),
            dst: v4(192, 168, 1, 77),
        }),
        ip_proto: Some(IPPROTO_TCP),
        sport: Some(40000),
        dport: Some(443),
    }
}

/// A UDP/IPv6 frame 2001:db8::1:53 -> 2001:db8:0:ff00::99:5353 on VLAN 20, B -> A.
fn udp6() -> Packet {
    Packet {
        src_mac: B,
        dst_mac: A,
        vlan: 20,
        ethertype: ETH_P_IPV6,
        ip: Some(Addrs::V6 {
            src: v6([0x2001, 0xdb8, 0, 0, 0, 0, 0, 1]),
            dst: v6([0x2001, 0xdb8, 0, 0xff00, 0, 0, 0, 0x99]),
        }),
        ip_proto: Some(IPPROTO_UDP),
        sport: Some(53),
        dport: Some(5353),
    }
}

/// An ARP frame A -> broadcast on VLAN 10.
fn arp() -> Packet {
    Packet {
        src_mac: A,
        dst_mac: Mac::BROADCAST,
        vlan: 10,
        ethertype: ETH_P_ARP,
        ip: None,
        ip_proto: None,
        sport: None,
        dport: None,
    }
}

/// An ICMP/IPv4 frame (IP, no ports).
fn icmp4() -> Packet {
    Packet {
        ip_proto: Some(ICMP),
        sport: None,
        dport: None,
        ..tcp4()
    }
}

fn rule(prio: u32, m: Match, action: Action) -> Rule {
    Rule { prio, m, action }
}

fn prios(ps: &[u32]) -> Vec<Rule> {
    ps.iter()
        .map(|&p| rule(p, Match::default(), Action::Allow))
        .collect()
}

// ---------------------------------------------------------------- validate

#[test]
fn validate_accepts_good_matches() {
    let good = [
        Match::default(),
        Match {
            src_mac: Some(A),
            dst_mac: Some(Mac::BROADCAST),
            vlan: Some(1),
            ethertype: Some(ETH_P_ARP),
            ..Match::default()
        },
        Match {
            vlan: Some(4094),
            ..Match::default()
        },
        Match {
            ethertype: Some(ETH_P_IP),
            src: Some(p4(v4(10, 0, 0, 0), 8)),
            dst: Some(p4(v4(192, 168, 1, 64), 27)),
            ip_proto: Some(IPPROTO_TCP),
            sport: Some((1024, 65535)),
            dport: Some((443, 443)),
            ..Match::default()
        },
        Match {
            ethertype: Some(ETH_P_IPV6),
            src: Some(p6(v6([0x2001, 0xdb8, 0, 0, 0, 0, 0, 0]), 32)),
            ip_proto: Some(IPPROTO_UDP),
            dport: Some((0, 0)),
            ..Match::default()
        },
        // ip-proto alone: IPv4 or IPv6.
        Match {
            ip_proto: Some(ICMP),
            ..Match::default()
        },
        // A prefix without an ethertype implies its family.
        Match {
            dst: Some(p6([0; 16], 0)),
            ..Match::default()
        },
        Match {
            src: Some(p4(v4(255, 255, 255, 255), 32)),
            ..Match::default()
        },
        Match {
            src: Some(p6([0xff; 16], 128)),
            ..Match::default()
        },
        Match {
            src: Some(p6(v6([0x2001, 0xdb8, 0x1234, 0x5678, 0, 0, 0, 0]), 61)),
            ..Match::default()
        },
        Match {
            ip_proto: Some(IPPROTO_SCTP),
            sport: Some((5, 6)),
            ..Match::default()
        },
        Match {
            ip_proto: Some(IPPROTO_UDPLITE),
            dport: Some((7, 7)),
            ..Match::default()
        },
        Match {
            ethertype: Some(ETH_P_IPV6),
            ip_proto: Some(ICMPV6),
            ..Match::default()
        },
    ];
    for m in &good {
        assert_eq!(check(m), Ok(()), "{m:?}");
    }
}

#[test]
fn validate_vlan_range() {
    for vid in [0u16, 4095, 4096, u16::MAX] {
        let m = Match {
            vlan: Some(vid),
            ..Match::default()
        };
        assert_eq!(check(&m), Err("VLAN must be in 1..4094"), "vid {vid}");
    }
}

#[test]
fn validate_prefix_lengths() {
    for len in [33u8, 64, 255] {
        for m in [
            Match {
                src: Some(p4([0; 4], len)),
                ..Match::default()
            },
            Match {
                dst: Some(p4([0; 4], len)),
                ..Match::default()
            },
        ] {
            assert_eq!(check(&m), Err("IPv4 prefix length must be 0..32"));
        }
    }
    for len in [129u8, 200, 255] {
        for m in [
            Match {
                src: Some(p6([0; 16], len)),
                ..Match::default()
            },
            Match {
                dst: Some(p6([0; 16], len)),
                ..Match::default()
            },
        ] {
            assert_eq!(check(&m), Err("IPv6 prefix length must be 0..128"));
        }
    }
}

#[test]
fn validate_host_bits() {
    let err = Err("address has bits set beyond the prefix length");
    let bad = [
        p4(v4(10, 0, 0, 1), 24),
        p4(v4(10, 0, 0, 0), 0),
        p4(v4(0, 0, 0, 1), 0),
        p4(v4(192, 168, 1, 65), 27), // .64/27 has host bits 0..31
        p4(v4(192, 168, 1, 80), 27),
        p4(v4(10, 128, 0, 0), 8),
        p6(v6([0x2001, 0xdb8, 0, 0, 0, 0, 0, 1]), 64),
        p6(v6([0x2001, 0xdb8, 0x1234, 0x567c, 0, 0, 0, 0]), 61), // bit 61 set
        p6(v6([0, 0, 0, 0, 0, 0, 0, 1]), 0),
    ];
    for p in bad {
        let m = Match {
            src: Some(p),
            ..Match::default()
        };
        assert_eq!(check(&m), err, "src {p:?}");
        let m = Match {
            dst: Some(p),
            ..Match::default()
        };
        assert_eq!(check(&m), err, "dst {p:?}");
    }
    // The same addresses with a long enough prefix are fine.
    let good = [
        p4(v4(10, 0, 0, 1), 32),
        p4(v4(192, 168, 1, 64), 27),
        p4(v4(192, 168, 1, 96), 27),
        p4(v4(10, 128, 0, 0), 9),
        p6(v6([0x2001, 0xdb8, 0x1234, 0x5678, 0, 0, 0, 0]), 61),
        p6(v6([0x2001, 0xdb8, 0, 0, 0, 0, 0, 1]), 128),
    ];
    for p in good {
        let m = Match {
            src: Some(p),
            ..Match::default()
        };
        assert_eq!(check(&m), Ok(()), "{p:?}");
    }
}

#[test]
fn validate_family_mismatch() {
    let m = Match {
        src: Some(p4(v4(10, 0, 0, 0), 8)),
        dst: Some(p6([0; 16], 0)),
        ..Match::default()
    };
    assert_eq!(
        check(&m),
        Err("source and destination prefixes must be the same family")
    );
    let m = Match {
        src: Some(p6([0; 16], 0)),
        dst: Some(p4([0; 4], 0)),
        ..Match::default()
    };
    assert_eq!(
        check(&m),
        Err("source and destination prefixes must be the same family")
    );
}

#[test]
fn validate_prefix_vs_ethertype() {
    let err = Err("prefix family does not match the ethertype");
    let cases = [
        (ETH_P_IPV6, Some(p4([0; 4], 0)), None),
        (ETH_P_IP, None, Some(p6([0; 16], 0))),
        (ETH_P_ARP, Some(p4(v4(10, 0, 0, 0), 8)), None),
        (ETH_P_ARP, None, Some(p6([0; 16], 0))),
        (0x88cc, Some(p4([0; 4], 0)), Some(p4([0; 4], 0))),
    ];
    for (et, src, dst) in cases {
        let m = Match {
            ethertype: Some(et),
            src,
            dst,
            ..Match::default()
        };
        assert_eq!(check(&m), err, "{m:?}");
    }
}

#[test]
fn validate_port_ranges() {
    let err = Err("port range low end is above its high end");
    let m = Match {
        ip_proto: Some(IPPROTO_TCP),
        sport: Some((2, 1)),
        ..Match::default()
    };
    assert_eq!(check(&m), err);
    let m = Match {
        ip_proto: Some(IPPROTO_UDP),
        dport: Some((65535, 0)),
        ..Match::default()
    };
    assert_eq!(check(&m), err);
    // A one-port range and the full range are fine.
    let m = Match {
        ip_proto: Some(IPPROTO_UDP),
        sport: Some((0, 65535)),
        dport: Some((53, 53)),
        ..Match::default()
    };
    assert_eq!(check(&m), Ok(()));
}

#[test]
fn validate_ports_need_proto() {
    let err = Err("ports need ip-proto tcp, udp, sctp or udplite");
    for proto in [None, Some(ICMP), Some(ICMPV6), Some(0), Some(47), Some(255)] {
        for (sport, dport) in [(Some((1, 2)), None), (None, Some((80, 80)))] {
            let m = Match {
                ip_proto: proto,
                sport,
                dport,
                ..Match::default()
            };
            assert_eq!(check(&m), err, "{m:?}");
        }
    }
    for proto in [IPPROTO_TCP, IPPROTO_UDP, IPPROTO_SCTP, IPPROTO_UDPLITE] {
        let m = Match {
            ip_proto: Some(proto),
            dport: Some((80, 80)),
            ..Match::default()
        };
        assert_eq!(check(&m), Ok(()), "proto {proto}");
    }
}

#[test]
fn validate_proto_needs_ip() {
    let err = Err("ip-proto needs an IPv4 or IPv6 match (ethertype or prefix)");
    for et in [ETH_P_ARP, 0x88cc, 0x8100, 0] {
        let m = Match {
            ethertype: Some(et),
            ip_proto: Some(IPPROTO_TCP),
            ..Match::default()
        };
        assert_eq!(check(&m), err, "ethertype {et:#x}");
        // Also with ports (the proto check comes after the ports check, which passes).
        let m = Match {
            ethertype: Some(et),
            ip_proto: Some(IPPROTO_UDP),
            dport: Some((53, 53)),
            ..Match::default()
        };
        assert_eq!(check(&m), err, "ethertype {et:#x}");
    }
    for et in [ETH_P_IP, ETH_P_IPV6] {
        let m = Match {
            ethertype: Some(et),
            ip_proto: Some(IPPROTO_TCP),
            ..Match::default()
        };
        assert_eq!(check(&m), Ok(()));
    }
}

#[test]
fn validate_reports_first_error() {
    // Bad VLAN and bad prefix: the VLAN is checked first.
    let m = Match {
        vlan: Some(0),
        src: Some(p4([0; 4], 40)),
        ..Match::default()
    };
    assert_eq!(check(&m), Err("VLAN must be in 1..4094"));
    // Bad length beats family mismatch.
    let m = Match {
        src: Some(p4([0; 4], 40)),
        dst: Some(p6([0; 16], 0)),
        ..Match::default()
    };
    assert_eq!(check(&m), Err("IPv4 prefix length must be 0..32"));
}

// ---------------------------------------------------------------- matches: L2

#[test]
fn empty_match_matches_everything() {
    let m = Match::default();
    for p in [tcp4(), udp6(), arp(), icmp4()] {
        assert!(matches(&m, &p));
    }
}

#[test]
fn match_macs() {
    let m = Match {
        src_mac: Some(A),
        ..Match::default()
    };
    assert!(matches(&m, &tcp4()));
    assert!(!matches(&m, &udp6()));
    let m = Match {
        dst_mac: Some(A),
        ..Match::default()
    };
    assert!(!matches(&m, &tcp4()));
    assert!(matches(&m, &udp6()));
    let m = Match {
        dst_mac: Some(Mac::BROADCAST),
        ..Match::default()
    };
    assert!(matches(&m, &arp()));
    assert!(!matches(&m, &tcp4()));
    let m = Match {
        src_mac: Some(A),
        dst_mac: Some(A),
        ..Match::default()
    };
    assert!(!matches(&m, &tcp4()));
}

#[test]
fn match_vlan() {
    let m = Match {
        vlan: Some(10),
        ..Match::default()
    };
    assert!(matches(&m, &tcp4()));
    assert!(matches(&m, &arp()));
    assert!(!matches(&m, &udp6()));
}

#[test]
fn match_ethertype_and_arp() {
    let m = Match {
        ethertype: Some(ETH_P_ARP),
        ..Match::default()
    };
    assert!(matches(&m, &arp()));
    assert!(!matches(&m, &tcp4()));
    assert!(!matches(&m, &udp6()));
    let m = Match {
        ethertype: Some(ETH_P_IP),
        ..Match::default()
    };
    assert!(matches(&m, &tcp4()));
    assert!(matches(&m, &icmp4()));
    assert!(!matches(&m, &udp6()));
    assert!(!matches(&m, &arp()));
    let m = Match {
        ethertype: Some(ETH_P_IPV6),
        ..Match::default()
    };
    assert!(matches(&m, &udp6()));
    assert!(!matches(&m, &tcp4()));
    // A typical "allow ARP" rule.
    let m = Match {
        ethertype: Some(ETH_P_ARP),
        src_mac: Some(A),
        vlan: Some(10),
        ..Match::default()
    };
    assert!(matches(&m, &arp()));
    assert!(!matches(
        &m,
        &Packet {
            src_mac: B,
            ..arp()
        }
    ));
}

// ---------------------------------------------------------------- matches: prefixes

fn with_v4(src: [u8; 4], dst: [u8; 4]) -> Packet {
    Packet {
        ip: Some(Addrs::V4 { src, dst }),
        ..tcp4()
    }
}

fn with_v6(src: [u8; 16], dst: [u8; 16]) -> Packet {
    Packet {
        ip: Some(Addrs::V6 { src, dst }),
        ..udp6()
    }
}

fn src_rule(p: Prefix) -> Match {
    Match {
        src: Some(p),
        ..Match::default()
    }
}

fn dst_rule(p: Prefix) -> Match {
    Match {
        dst: Some(p),
        ..Match::default()
    }
}

#[test]
fn v4_prefix_slash0_matches_any_v4() {
    let m = src_rule(p4([0; 4], 0));
    assert!(matches(&m, &tcp4()));
    assert!(matches(&m, &with_v4([255; 4], [0; 4])));
    assert!(!matches(&m, &udp6()));
    assert!(!matches(&m, &arp()));
}

#[test]
fn v4_prefix_slash32() {
    let m = src_rule(p4(v4(10, 0, 0, 1), 32));
    assert!(matches(&m, &tcp4()));
    assert!(!matches(&m, &with_v4(v4(10, 0, 0, 2), v4(10, 0, 0, 1))));
    assert!(!matches(&m, &with_v4(v4(11, 0, 0, 1), v4(10, 0, 0, 1))));
    let m = dst_rule(p4(v4(192, 168, 1, 77), 32));
    assert!(matches(&m, &tcp4()));
    assert!(!matches(
        &m,
        &with_v4(v4(192, 168, 1, 77), v4(192, 168, 1, 78))
    ));
}

#[test]
fn v4_prefix_byte_aligned() {
    let m = src_rule(p4(v4(10, 0, 0, 0), 8));
    assert!(matches(&m, &with_v4(v4(10, 255, 3, 4), [0; 4])));
    assert!(!matches(&m, &with_v4(v4(11, 0, 0, 0), [0; 4])));
    let m = dst_rule(p4(v4(192, 168, 0, 0), 16));
    assert!(matches(&m, &tcp4()));
    assert!(!matches(&m, &with_v4([0; 4], v4(192, 169, 1, 77))));
    let m = dst_rule(p4(v4(192, 168, 1, 0), 24));
    assert!(matches(&m, &tcp4()));
    assert!(!matches(&m, &with_v4([0; 4], v4(192, 168, 2, 77))));
}

#[test]
fn v4_prefix_slash27() {
    // 192.168.1.64/27 = .64 .. .95
    let m = dst_rule(p4(v4(192, 168, 1, 64), 27));
    for last in 0..=255u8 {
        let hit = matches(&m, &with_v4([0; 4], v4(192, 168, 1, last)));
        assert_eq!(hit, (64..=95).contains(&last), ".{last}");
    }
    assert!(!matches(&m, &with_v4([0; 4], v4(192, 168, 0, 64))));
    assert!(!matches(&m, &with_v4([0; 4], v4(193, 168, 1, 64))));
    // Source prefix is checked against the source address only.
    assert!(!matches(&m, &with_v4(v4(192, 168, 1, 70), [0; 4])));
}

#[test]
fn v4_prefix_odd_lengths_exhaustive_boundaries() {
    // For every length, the network address matches and flipping the last prefix bit does
    // not; flipping the first host bit still matches.
    let base = v4(0xa5, 0x5a, 0xc3, 0x3c);
    for len in 0..=32u8 {
        let mut net = base;
        for (i, b) in net.iter_mut().enumerate() {
            let bits = (len as i32 - 8 * i as i32).clamp(0, 8);
            *b &= (0xff00u16 >> bits) as u8;
        }
        let m = src_rule(p4(net, len));
        assert_eq!(check(&m), Ok(()));
        assert!(matches(&m, &with_v4(base, [0; 4])), "/{len}");
        if len > 0 {
            let bit = len - 1;
            let mut a = base;
            a[usize::from(bit / 8)] ^= 0x80 >> (bit % 8);
            assert!(!matches(&m, &with_v4(a, [0; 4])), "/{len} last bit");
        }
        if len < 32 {
            let bit = len;
            let mut a = base;
            a[usize::from(bit / 8)] ^= 0x80 >> (bit % 8);
            assert!(matches(&m, &with_v4(a, [0; 4])), "/{len} host bit");
        }
    }
}

#[test]
fn v6_prefix_slash0_and_slash128() {
    let m = src_rule(p6([0; 16], 0));
    assert!(matches(&m, &udp6()));
    assert!(!matches(&m, &tcp4()));
    assert!(!matches(&m, &arp()));
    let one = v6([0x2001, 0xdb8, 0, 0, 0, 0, 0, 1]);
    let m = src_rule(p6(one, 128));
    assert!(matches(&m, &udp6()));
    assert!(!matches(
        &m,
        &with_v6(v6([0x2001, 0xdb8, 0, 0, 0, 0, 0, 2]), [0; 16])
    ));
    assert!(!matches(
        &m,
        &with_v6(v6([0x2001, 0xdb9, 0, 0, 0, 0, 0, 1]), [0; 16])
    ));
    assert!(!matches(&m, &with_v6([0; 16], one)));
}

#[test]
fn v6_prefix_slash32_and_slash64() {
    let m = dst_rule(p6(v6([0x2001, 0xdb8, 0, 0, 0, 0, 0, 0]), 32));
    assert!(matches(&m, &udp6()));
    assert!(!matches(
        &m,
        &with_v6([0; 16], v6([0x2001, 0xdb9, 0, 0, 0, 0, 0, 0]))
    ));
    let m = dst_rule(p6(v6([0x2001, 0xdb8, 0, 0xff00, 0, 0, 0, 0]), 64));
    assert!(matches(&m, &udp6()));
    assert!(!matches(
        &m,
        &with_v6([0; 16], v6([0x2001, 0xdb8, 0, 0xff01, 0, 0, 0, 0x99]))
    ));
}

#[test]
fn v6_prefix_slash61() {
    // 2001:db8:1234:5678::/61 covers ...:5678 .. ...:567f in the 4th group.
    let m = src_rule(p6(v6([0x2001, 0xdb8, 0x1234, 0x5678, 0, 0, 0, 0]), 61));
    for g in 0x5670u16..=0x5687 {
        let a = v6([0x2001, 0xdb8, 0x1234, g, 0xffff, 0, 0, 1]);
        assert_eq!(
            matches(&m, &with_v6(a, [0; 16])),
            (0x5678..=0x567f).contains(&g),
            "{g:#x}"
        );
    }
}

#[test]
fn v6_prefix_odd_lengths_exhaustive_boundaries() {
    let base = v6([
        0xa55a, 0xc33c, 0x0ff0, 0x1234, 0x5678, 0x9abc, 0xdef0, 0x0f1e,
    ]);
    for len in 0..=128u8 {
        let mut net = base;
        for (i, b) in net.iter_mut().enumerate() {
            let bits = (len as i32 - 8 * i as i32).clamp(0, 8);
            *b &= (0xff00u16 >> bits) as u8;
        }
        let m = dst_rule(p6(net, len));
        assert_eq!(check(&m), Ok(()));
        assert!(matches(&m, &with_v6([0; 16], base)), "/{len}");
        if len > 0 {
            let bit = len - 1;
            let mut a = base;
            a[usize::from(bit / 8)] ^= 0x80 >> (bit % 8);
            assert!(!matches(&m, &with_v6([0; 16], a)), "/{len} last bit");
        }
        if len < 128 {
            let bit = len;
            let mut a = base;
            a[usize::from(bit / 8)] ^= 0x80 >> (bit % 8);
            assert!(matches(&m, &with_v6([0; 16], a)), "/{len} host bit");
        }
    }
}

#[test]
fn prefix_family_must_match_frame() {
    // An IPv4 /0 never matches IPv6 and vice versa; neither matches ARP.
    assert!(!matches(&src_rule(p4([0; 4], 0)), &udp6()));
    assert!(!matches(&dst_rule(p4([0; 4], 0)), &udp6()));
    assert!(!matches(&src_rule(p6([0; 16], 0)), &tcp4()));
    assert!(!matches(&dst_rule(p6([0; 16], 0)), &tcp4()));
    assert!(!matches(&src_rule(p4([0; 4], 0)), &arp()));
    assert!(!matches(&dst_rule(p6([0; 16], 0)), &arp()));
}

#[test]
fn src_and_dst_prefixes_together() {
    let m = Match {
        src: Some(p4(v4(10, 0, 0, 0), 8)),
        dst: Some(p4(v4(192, 168, 1, 0), 24)),
        ..Match::default()
    };
    assert!(matches(&m, &tcp4()));
    assert!(!matches(&m, &with_v4(v4(10, 0, 0, 1), v4(192, 168, 2, 1))));
    assert!(!matches(&m, &with_v4(v4(11, 0, 0, 1), v4(192, 168, 1, 1))));
    // Swapped direction does not match.
    assert!(!matches(&m, &with_v4(v4(192, 168, 1, 77), v4(10, 0, 0, 1))));
}

// ---------------------------------------------------------------- matches: proto and ports

#[test]
fn proto_without_ports() {
    let m = Match {
        ip_proto: Some(IPPROTO_TCP),
        ..Match::default()
    };
    assert!(matches(&m, &tcp4()));
    assert!(!matches(&m, &udp6()));
    assert!(!matches(&m, &icmp4()));
    assert!(!matches(&m, &arp()));
    // A non-first fragment of TCP (no ports) still matches the protocol.
    let frag = Packet {
        sport: None,
        dport: None,
        ..tcp4()
    };
    assert!(matches(&m, &frag));
    // ip-proto alone matches both families.
    let m = Match {
        ip_proto: Some(IPPROTO_UDP),
        ..Match::default()
    };
    assert!(matches(&m, &udp6()));
    assert!(matches(
        &m,
        &Packet {
            ip_proto: Some(IPPROTO_UDP),
            ..tcp4()
        }
    ));
    let m = Match {
        ip_proto: Some(ICMP),
        ..Match::default()
    };
    assert!(matches(&m, &icmp4()));
    assert!(!matches(&m, &tcp4()));
}

#[test]
fn proto_never_matches_non_ip_even_if_set() {
    // A malformed packet description (proto without addresses) is still not IP.
    let p = Packet {
        ip_proto: Some(IPPROTO_TCP),
        sport: Some(1),
        dport: Some(2),
        ..arp()
    };
    let m = Match {
        ip_proto: Some(IPPROTO_TCP),
        ..Match::default()
    };
    assert!(!matches(&m, &p));
    let m = Match {
        ip_proto: Some(IPPROTO_TCP),
        dport: Some((0, 65535)),
        ..Match::default()
    };
    assert!(!matches(&m, &p));
}

#[test]
fn port_ranges() {
    let m = Match {
        ip_proto: Some(IPPROTO_TCP),
        dport: Some((440, 445)),
        ..Match::default()
    };
    for port in 430..460u16 {
        let p = Packet {
            dport: Some(port),
            ..tcp4()
        };
        assert_eq!(matches(&m, &p), (440..=445).contains(&port), "{port}");
    }
    let m = Match {
        ip_proto: Some(IPPROTO_TCP),
        sport: Some((40000, 40000)),
        ..Match::default()
    };
    assert!(matches(&m, &tcp4()));
    assert!(!matches(
        &m,
        &Packet {
            sport: Some(40001),
            ..tcp4()
        }
    ));
    assert!(!matches(
        &m,
        &Packet {
            sport: Some(39999),
            ..tcp4()
        }
    ));
    // Full range and edges.
    let m = Match {
        ip_proto: Some(IPPROTO_UDP),
        sport: Some((0, 65535)),
        dport: Some((5353, 65535)),
        ..Match::default()
    };
    assert!(matches(&m, &udp6()));
    for edge in [0u16, 65535] {
        let p = Packet {
            sport: Some(edge),
            dport: Some(65535),
            ..udp6()
        };
        assert!(matches(&m, &p));
    }
    assert!(!matches(
        &m,
        &Packet {
            dport: Some(5352),
            ..udp6()
        }
    ));
}

#[test]
fn ports_never_match_without_ports() {
    let m = Match {
        ip_proto: Some(IPPROTO_TCP),
        dport: Some((0, 65535)),
        ..Match::default()
    };
    let frag = Packet {
        sport: None,
        dport: None,
        ..tcp4()
    };
    assert!(!matches(&m, &frag));
    let m = Match {
        ip_proto: Some(IPPROTO_TCP),
        sport: Some((0, 65535)),
        ..Match::default()
    };
    assert!(!matches(&m, &frag));
    assert!(matches(&m, &tcp4()));
    // Ports of another protocol do not match (the protocol differs).
    let m = Match {
        ip_proto: Some(IPPROTO_TCP),
        dport: Some((5353, 5353)),
        ..Match::default()
    };
    assert!(!matches(&m, &udp6()));
}

#[test]
fn full_five_tuple() {
    let m = Match {
        src_mac: Some(A),
        dst_mac: Some(B),
        vlan: Some(10),
        ethertype: Some(ETH_P_IP),
        src: Some(p4(v4(10, 0, 0, 0), 24)),
        dst: Some(p4(v4(192, 168, 1, 77), 32)),
        ip_proto: Some(IPPROTO_TCP),
        sport: Some((32768, 60999)),
        dport: Some((443, 443)),
    };
    assert_eq!(check(&m), Ok(()));
    assert!(matches(&m, &tcp4()));
    // Each field alone failing makes the whole match fail.
    let misses = [
        Packet {
            src_mac: B,
            ..tcp4()
        },
        Packet {
            dst_mac: A,
            ..tcp4()
        },
        Packet { vlan: 11, ..tcp4() },
        Packet {
            ethertype: ETH_P_IPV6,
            ..tcp4()
        },
        with_v4(v4(10, 0, 1, 1), v4(192, 168, 1, 77)),
        with_v4(v4(10, 0, 0, 1), v4(192, 168, 1, 76)),
        Packet {
            ip_proto: Some(IPPROTO_UDP),
            ..tcp4()
        },
        Packet {
            sport: Some(61000),
            ..tcp4()
        },
        Packet {
            dport: Some(80),
            ..tcp4()
        },
        Packet {
            sport: None,
            dport: None,
            ..tcp4()
        },
        Packet { ip: None, ..tcp4() },
    ];
    for p in &misses {
        assert!(!matches(&m, p), "{p:?}");
    }
}

// ---------------------------------------------------------------- needs_l3 / needs_l4

#[test]
fn needs_layers() {
    let l2 = Match {
        src_mac: Some(A),
        dst_mac: Some(B),
        vlan: Some(1),
        ethertype: Some(ETH_P_IP),
        ..Match::default()
    };
    assert!(!needs_l3(&l2));
    assert!(!needs_l4(&l2));
    assert!(!needs_l3(&Match::default()));
    for m in [
        src_rule(p4([0; 4], 0)),
        dst_rule(p6([0; 16], 0)),
        Match {
            ip_proto: Some(ICMP),
            ..Match::default()
        },
    ] {
        assert!(needs_l3(&m));
        assert!(!needs_l4(&m));
    }
    for m in [
        Match {
            ip_proto: Some(IPPROTO_TCP),
            sport: Some((1, 1)),
            ..Match::default()
        },
        Match {
            ip_proto: Some(IPPROTO_TCP),
            dport: Some((1, 1)),
            ..Match::default()
        },
    ] {
        assert!(needs_l3(&m));
        assert!(needs_l4(&m));
    }
}

// ---------------------------------------------------------------- evaluate

#[test]
fn evaluate_default_when_nothing_matches() {
    assert_eq!(evaluate(&[], Action::Allow, &tcp4()), (Action::Allow, None));
    assert_eq!(evaluate(&[], Action::Deny, &tcp4()), (Action::Deny, None));
    let rules = [rule(
        10,
        Match {
            ethertype: Some(ETH_P_ARP),
            ..Match::default()
        },
        Action::Allow,
    )];
    assert_eq!(
        evaluate(&rules, Action::Deny, &tcp4()),
        (Action::Deny, None)
    );
    assert_eq!(
        evaluate(&rules, Action::Deny, &arp()),
        (Action::Allow, Some(0))
    );
}

#[test]
fn evaluate_first_match_wins() {
    // Typical: allow ARP, allow TCP 443 to 192.168.1.0/24, deny the rest of IPv4, default allow.
    let rules = [
        rule(
            10,
            Match {
                ethertype: Some(ETH_P_ARP),
                ..Match::default()
            },
            Action::Allow,
        ),
        rule(
            20,
            Match {
                dst: Some(p4(v4(192, 168, 1, 0), 24)),
                ip_proto: Some(IPPROTO_TCP),
                dport: Some((443, 443)),
                ..Match::default()
            },
            Action::Allow,
        ),
        rule(
            30,
            Match {
                ethertype: Some(ETH_P_IP),
                ..Match::default()
            },
            Action::Deny,
        ),
        rule(40, Match::default(), Action::Deny),
    ];
    for r in &rules {
        assert_eq!(validate(&r.m), Ok(()));
    }
    assert_eq!(
        evaluate(&rules, Action::Allow, &arp()),
        (Action::Allow, Some(0))
    );
    assert_eq!(
        evaluate(&rules, Action::Allow, &tcp4()),
        (Action::Allow, Some(1))
    );
    let http = Packet {
        dport: Some(80),
        ..tcp4()
    };
    assert_eq!(
        evaluate(&rules, Action::Allow, &http),
        (Action::Deny, Some(2))
    );
    assert_eq!(
        evaluate(&rules, Action::Allow, &icmp4()),
        (Action::Deny, Some(2))
    );
    assert_eq!(
        evaluate(&rules, Action::Allow, &udp6()),
        (Action::Deny, Some(3))
    );
    // Without the catch-all, IPv6 falls to the default.
    assert_eq!(
        evaluate(&rules[..3], Action::Allow, &udp6()),
        (Action::Allow, None)
    );
}

#[test]
fn evaluate_uses_slice_order() {
    // Two rules matching the same frame: the earlier one decides.
    let allow = rule(1, Match::default(), Action::Allow);
    let deny = rule(
        2,
        Match {
            vlan: Some(10),
            ..Match::default()
        },
        Action::Deny,
    );
    assert_eq!(
        evaluate(&[allow, deny], Action::Deny, &tcp4()),
        (Action::Allow, Some(0))
    );
    assert_eq!(
        evaluate(&[deny, allow], Action::Allow, &tcp4()),
        (Action::Deny, Some(0))
    );
    assert_eq!(
        evaluate(&[deny, allow], Action::Deny, &udp6()),
        (Action::Allow, Some(1))
    );
}

// ---------------------------------------------------------------- insert_pos / next_prio

#[test]
fn insert_pos_sorted() {
    assert_eq!(insert_pos::<Rule>(&[], 0), Ok(0));
    assert_eq!(insert_pos::<Rule>(&[], u32::MAX), Ok(0));
    let rules = prios(&[10, 20, 30]);
    assert_eq!(insert_pos(&rules, 0), Ok(0));
    assert_eq!(insert_pos(&rules, 9), Ok(0));
    assert_eq!(insert_pos(&rules, 11), Ok(1));
    assert_eq!(insert_pos(&rules, 25), Ok(2));
    assert_eq!(insert_pos(&rules, 31), Ok(3));
    assert_eq!(insert_pos(&rules, u32::MAX), Ok(3));
    for taken in [10, 20, 30] {
        assert_eq!(
            insert_pos(&rules, taken),
            Err("a rule with this prio exists")
        );
    }
}

#[test]
fn insert_pos_builds_sorted_list() {
    let mut rules: Vec<Rule> = Vec::new();
    for prio in [50u32, 10, 40, 20, 30, 0, u32::MAX, 45] {
        let at = insert_pos(&rules, prio).unwrap();
        rules.insert(at, rule(prio, Match::default(), Action::Allow));
    }
    let got: Vec<u32> = rules.iter().map(|r| r.prio).collect();
    assert_eq!(got, [0, 10, 20, 30, 40, 45, 50, u32::MAX]);
    assert!(insert_pos(&rules, 45).is_err());
}

#[test]
fn next_prio_steps() {
    assert_eq!(next_prio::<Rule>(&[]), 10);
    assert_eq!(next_prio(&prios(&[10])), 20);
    assert_eq!(next_prio(&prios(&[5, 17])), 27);
    assert_eq!(next_prio(&prios(&[u32::MAX - 3])), u32::MAX);
    assert_eq!(next_prio(&prios(&[u32::MAX])), u32::MAX);
    // Saturated: the next prio is taken, insert_pos refuses it.
    let full = prios(&[u32::MAX]);
    assert!(insert_pos(&full, next_prio(&full)).is_err());
    // Appending with next_prio keeps the list sorted.
    let mut rules = Vec::new();
    for _ in 0..5 {
        let p = next_prio(&rules);
        let at = insert_pos(&rules, p).unwrap();
        assert_eq!(at, rules.len());
        rules.insert(at, rule(p, Match::default(), Action::Deny));
    }
    let got: Vec<u32> = rules.iter().map(|r| r.prio).collect();
    assert_eq!(got, [10, 20, 30, 40, 50]);
}

/// The indexed evaluation decides exactly as the plain one, on random rule lists and frames.
#[test]
fn indexed_evaluation_agrees_with_the_linear_one() {
    use vswitch_host::acl::{evaluate, evaluate_indexed, index_key, Action, Addrs, Match, Packet, Rule};
    use vswitch_host::mac::Mac;
    let mut seed = 0x1234_5678_9abc_def0u64;
    let mut rnd = move |n: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % n
    };
    for _round in 0..200 {
        let n = rnd(60) as usize;
        let mut rules = Vec::new();
        for k in 0..n {
            let mut m = Match::default();
            if rnd(2) == 0 {
                m.ip_proto = Some(if rnd(2) == 0 { 6 } else { 17 });
                let lo = 1000 + rnd(8) as u16;
                m.dport = Some(if rnd(3) == 0 { (lo, lo + rnd(4) as u16) } else { (lo, lo) });
            }
            if rnd(4) == 0 {
                m.sport = Some((5000, 5000 + rnd(3) as u16));
                m.ip_proto.get_or_insert(17);
            }
            let action = if rnd(2) == 0 { Action::Allow } else { Action::Deny };
            rules.push(Rule { prio: (k as u32 + 1) * 10, m, action });
        }
        let mut wild = Vec::new();
        let mut keyed = Vec::new();
        for (i, r) in rules.iter().enumerate() {
            match index_key(&r.m) {
                Some(k) => keyed.push((k, i as u32)),
                None => wild.push(i as u32),
            }
        }
        keyed.sort();
        for _ in 0..50 {
            let p = Packet {
                src_mac: Mac([2, 0, 0, 0, 0, 1]),
                dst_mac: Mac([2, 0, 0, 0, 0, 2]),
                vlan: 1,
                ethertype: 0x0800,
                ip: Some(Addrs::V4 { src: [10, 0, 0, 1], dst: [10, 0, 0, 2] }),
                ip_proto: Some(if rnd(2) == 0 { 6 } else { 17 }),
                sport: Some(5000 + rnd(4) as u16),
                dport: if rnd(8) == 0 { None } else { Some(1000 + rnd(12) as u16) },
            };
            let p = Packet { sport: if p.dport.is_none() { None } else { p.sport }, ..p };
            assert_eq!(
                evaluate_indexed(&rules, &wild, &keyed, Action::Allow, &p),
                evaluate(&rules, Action::Allow, &p),
                "rules {rules:?} packet {p:?}"
            );
        }
    }
}
