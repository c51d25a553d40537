//! `vswitch/mac.rs`: parsing, formatting and classification of MAC addresses.
use std::collections::HashSet;
use vswitch_host::mac::{Mac, MacError};

#[test]
fn parse_valid() {
    assert_eq!(
        Mac::parse("00:15:5d:01:02:03"),
        Ok(Mac([0x00, 0x15, 0x5d, 0x01, 0x02, 0x03]))
    );
    assert_eq!(
        Mac::parse("AA:bb:Cc:dD:EE:ff"),
        Ok(Mac([0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff]))
    );
    assert_eq!(Mac::parse("00:00:00:00:00:00"), Ok(Mac::ZERO));
    assert_eq!(Mac::parse("ff:ff:ff:ff:ff:ff"), Ok(Mac::BROADCAST));
}

#[test]
fn parse_invalid() {
    for s in [
        "",
        "00:15:5d:01:02",
        "00:15:5d:01:02:03:04",
        "00:15:5d:01:02:3",
        "0:15:5d:01:02:03",
        "00:15:5d:01:02:033",
        "00-15-5d-01-02-03",
        "00:15:5d:01:02:0g",
        "00:15:5d:01:02:03 ",
        " 00:15:5d:01:02:03",
        "00:15:5d:01:02:03:",
        "00155d010203",
        "00:15:5d::01:02:3",
        "+0:15:5d:01:02:03",
        "00:15:5d:01:02:é",
        "00:15:5d:01:0é:03",
    ] {
        assert_eq!(Mac::parse(s), Err(MacError::Format), "{s:?}");
    }
    assert!(MacError::Format
        .message()
        .contains("six hex bytes separated by ':'"));
    assert_eq!(MacError::Format.to_string(), MacError::Format.message());
}

#[test]
fn display_round_trip() {
    let m = Mac([0x00, 0x15, 0x5d, 0xab, 0xcd, 0x0f]);
    assert_eq!(m.to_string(), "00:15:5d:ab:cd:0f");
    assert_eq!(
        Mac::parse("00:15:5D:AB:CD:0F").unwrap().to_string(),
        "00:15:5d:ab:cd:0f"
    );
    for i in 0..=255u8 {
        let m = Mac([i, i.wrapping_mul(7), 0, 255, i ^ 0x5a, i]);
        assert_eq!(Mac::parse(&m.to_string()), Ok(m));
    }
}

#[test]
fn from_slice() {
    assert_eq!(
        Mac::from_slice(&[1, 2, 3, 4, 5, 6]),
        Some(Mac([1, 2, 3, 4, 5, 6]))
    );
    assert_eq!(Mac::from_slice(&[1, 2, 3, 4, 5]), None);
    assert_eq!(Mac::from_slice(&[1, 2, 3, 4, 5, 6, 7]), None);
    assert_eq!(Mac::from_slice(&[]), None);
}

#[test]
fn classification() {
    let bc = Mac::BROADCAST;
    assert!(bc.is_broadcast() && bc.is_multicast() && !bc.is_zero() && !bc.is_valid_unicast());

    let z = Mac::ZERO;
    assert!(z.is_zero() && !z.is_multicast() && !z.is_broadcast() && !z.is_valid_unicast());

    let mc = Mac::parse("01:00:5e:00:00:01").unwrap();
    assert!(mc.is_multicast() && !mc.is_broadcast() && !mc.is_valid_unicast());
    let mc6 = Mac::parse("33:33:00:00:00:01").unwrap();
    assert!(mc6.is_multicast());

    let uc = Mac::parse("00:15:5d:00:00:01").unwrap();
    assert!(!uc.is_multicast() && !uc.is_broadcast() && !uc.is_zero() && uc.is_valid_unicast());
    // Locally administered unicast (bit 1) is still unicast.
    assert!(Mac::parse("02:00:00:00:00:01").unwrap().is_valid_unicast());
    // Multicast bit is bit 0 of the first byte only.
    assert!(!Mac([0, 1, 1, 1, 1, 1]).is_multicast());
    assert!(Mac([0xff, 0xff, 0xff, 0xff, 0xff, 0xfe]).is_multicast());
    assert!(!Mac([0xff, 0xff, 0xff, 0xff, 0xff, 0xfe]).is_broadcast());
}

#[test]
fn hash_and_eq() {
    let set: HashSet<Mac> = [Mac([1; 6]), Mac([1; 6]), Mac([2; 6])]
        .into_iter()
        .collect();
    assert_eq!(set.len(), 2);
}
