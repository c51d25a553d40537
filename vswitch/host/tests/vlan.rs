//! `vswitch/vlan.rs`: VLAN sets, lists, bitmaps and access/trunk ingress/egress rules.
use vswitch_host::uapi::VLAN_BITMAP_LEN;
use vswitch_host::vlan::{check_vid, Drop, Egress, VlanError, VlanMode, VlanSet, TPID_8021Q, VID_MAX, VID_MIN};

/// Ingress of a frame with at most one 802.1Q tag of `vid`.
fn c(vid: Option<u16>) -> (Option<(u16, u16)>, bool) {
    (vid.map(|v| (TPID_8021Q, v)), false)
}

fn set(ids: &[u16]) -> VlanSet {
    let mut s = VlanSet::new();
    for &v in ids {
        s.insert(v).unwrap();
    }
    s
}

fn list(s: &VlanSet) -> String {
    let mut out = String::new();
    s.write_list(&mut out).unwrap();
    out
}

fn trunk(ids: &[u16], native: Option<u16>) -> VlanMode {
    VlanMode::Trunk {
        allowed: set(ids),
        native,
    }
}

#[test]
fn check_vid_bounds() {
    assert_eq!((VID_MIN, VID_MAX), (1, 4094));
    assert_eq!(check_vid(0), Err(VlanError::OutOfRange));
    assert_eq!(check_vid(1), Ok(1));
    assert_eq!(check_vid(4094), Ok(4094));
    assert_eq!(check_vid(4095), Err(VlanError::OutOfRange));
    assert_eq!(check_vid(u16::MAX), Err(VlanError::OutOfRange));
}

#[test]
fn set_basics() {
    let mut s = VlanSet::new();
    assert!(s.is_empty());
    assert_eq!(s.len(), 0);
    assert_eq!(s, VlanSet::default());
    assert_eq!(s.insert(0), Err(VlanError::OutOfRange));
    assert_eq!(s.insert(4095), Err(VlanError::OutOfRange));
    assert_eq!(s.insert(5000), Err(VlanError::OutOfRange));
    assert!(s.is_empty());
    for v in [1, 63, 64, 65, 100, 4094] {
        s.insert(v).unwrap();
    }
    s.insert(64).unwrap(); // idempotent
    assert_eq!(s.len(), 6);
    assert!(!s.is_empty());
    assert!(s.contains(1) && s.contains(63) && s.contains(64) && s.contains(4094));
    assert!(!s.contains(0) && !s.contains(2) && !s.contains(4095) && !s.contains(u16::MAX));
    assert_eq!(s.iter().collect::<Vec<_>>(), [1, 63, 64, 65, 100, 4094]);
    s.remove(64);
    s.remove(64);
    s.remove(0);
    s.remove(4095);
    s.remove(u16::MAX);
    assert_eq!(s.iter().collect::<Vec<_>>(), [1, 63, 65, 100, 4094]);
    assert!(!s.contains(64));
}

#[test]
fn set_all() {
    let a = VlanSet::all();
    assert_eq!(a.len(), 4094);
    assert!(!a.contains(0) && a.contains(1) && a.contains(4094) && !a.contains(4095));
    let v: Vec<u16> = a.iter().collect();
    assert_eq!(v, (1..=4094).collect::<Vec<_>>());
    assert_eq!(list(&a), "1-4094");
    assert_eq!(VlanSet::parse("1-4094"), Ok(a));
}

#[test]
fn bitmap_layout() {
    let s = set(&[1, 7, 8, 9, 4094]);
    let b = s.to_bitmap();
    assert_eq!(b.len(), VLAN_BITMAP_LEN);
    assert_eq!(b[0], 0b1000_0010); // 1 and 7
    assert_eq!(b[1], 0b0000_0011); // 8 and 9
    assert_eq!(b[511], 0b0100_0000); // 4094 = byte 511 bit 6
    assert_eq!(b.iter().map(|x| x.count_ones()).sum::<u32>(), 5);
    assert_eq!(VlanSet::from_bitmap(&b), Ok(s));
}

#[test]
fn bitmap_round_trip() {
    for s in [
        VlanSet::new(),
        VlanSet::all(),
        set(&[1]),
        set(&[4094]),
        VlanSet::parse("2-63,64,127-129,1000,4000-4094").unwrap(),
    ] {
        assert_eq!(VlanSet::from_bitmap(&s.to_bitmap()).as_ref(), Ok(&s));
    }
    // Every single id lands where the UAPI says.
    for v in 1..=4094u16 {
        let b = set(&[v]).to_bitmap();
        for (i, byte) in b.iter().enumerate() {
            let want = if i == usize::from(v / 8) {
                1u8 << (v % 8)
            } else {
                0
            };
            assert_eq!(*byte, want, "vid {v} byte {i}");
        }
        assert_eq!(
            VlanSet::from_bitmap(&b).unwrap().iter().collect::<Vec<_>>(),
            [v]
        );
    }
}

#[test]
fn bitmap_errors() {
    assert_eq!(VlanSet::from_bitmap(&[]), Err(VlanError::BitmapLength));
    assert_eq!(
        VlanSet::from_bitmap(&[0; 511]),
        Err(VlanError::BitmapLength)
    );
    assert_eq!(
        VlanSet::from_bitmap(&[0; 513]),
        Err(VlanError::BitmapLength)
    );
    let mut b = [0u8; 512];
    b[0] = 1; // vid 0
    assert_eq!(VlanSet::from_bitmap(&b), Err(VlanError::BitmapReserved));
    b[0] = 0;
    b[511] = 0x80; // vid 4095
    assert_eq!(VlanSet::from_bitmap(&b), Err(VlanError::BitmapReserved));
    let b = [0xffu8; 512];
    assert_eq!(VlanSet::from_bitmap(&b), Err(VlanError::BitmapReserved));
    let mut b = [0xffu8; 512];
    b[0] = 0xfe;
    b[511] = 0x7f;
    assert_eq!(VlanSet::from_bitmap(&b), Ok(VlanSet::all()));
}

#[test]
fn parse_lists() {
    let ok = |s: &str| VlanSet::parse(s).unwrap_or_else(|e| panic!("{s:?}: {e:?}"));
    assert_eq!(ok("10").iter().collect::<Vec<_>>(), [10]);
    assert_eq!(
        ok("10,20,30-40").iter().collect::<Vec<_>>(),
        [10, 20, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40]
    );
    assert_eq!(ok("1"), set(&[1]));
    assert_eq!(ok("4094"), set(&[4094]));
    assert_eq!(ok("5-5"), set(&[5]));
    assert_eq!(ok("1-10,5-20"), ok("1-20"));
    assert_eq!(ok("1-10,5-20").len(), 20);
    assert_eq!(ok("20,10,10"), set(&[10, 20]));
    assert_eq!(ok("007"), set(&[7]));
    assert_eq!(ok("4090-4094").len(), 5);
}

#[test]
fn parse_errors() {
    use VlanError::*;
    for (s, e) in [
        ("", BadList),
        (",", BadList),
        ("10,", BadList),
        (",10", BadList),
        ("10,,20", BadList),
        ("-", BadList),
        ("-5", BadList),
        ("5-", BadList),
        ("1-2-3", BadList),
        ("a", BadList),
        ("10a", BadList),
        ("+10", BadList),
        (" 10", BadList),
        ("10, 20", BadList),
        ("0x10", BadList),
        ("0", OutOfRange),
        ("4095", OutOfRange),
        ("0-10", OutOfRange),
        ("4000-4095", OutOfRange),
        ("65536", OutOfRange),
        ("99999999999999999999", OutOfRange),
        ("10,0", OutOfRange),
        ("20-10", ReversedRange),
        ("5,3-2", ReversedRange),
    ] {
        assert_eq!(VlanSet::parse(s), Err(e), "{s:?}");
    }
    assert_eq!(OutOfRange.message(), "VLAN id must be in 1..4094");
    assert_eq!(
        BadList.message(),
        "bad VLAN list: expected e.g. 10,20,30-40"
    );
    for e in [
        OutOfRange,
        BadList,
        ReversedRange,
        BitmapLength,
        BitmapReserved,
    ] {
        assert!(!e.message().is_empty());
        assert_eq!(e.to_string(), e.message());
    }
}

#[test]
fn write_list_forms() {
    assert_eq!(list(&VlanSet::new()), "");
    assert_eq!(list(&set(&[1])), "1");
    assert_eq!(list(&set(&[4094])), "4094");
    assert_eq!(list(&set(&[5, 6])), "5-6");
    assert_eq!(list(&set(&[10, 20])), "10,20");
    assert_eq!(list(&VlanSet::parse("10,20,30-40").unwrap()), "10,20,30-40");
    assert_eq!(
        list(&VlanSet::parse("1-10,5-20,22,63-65,4093-4094").unwrap()),
        "1-20,22,63-65,4093-4094"
    );
    assert_eq!(list(&set(&[1, 3, 5])), "1,3,5");
    // Round trip through text for a pseudo-random set.
    let mut s = VlanSet::new();
    let mut x: u32 = 12345;
    for _ in 0..1500 {
        x = x.wrapping_mul(1103515245).wrapping_add(12345);
        s.insert((x >> 16) as u16 % 4094 + 1).unwrap();
    }
    assert_eq!(VlanSet::parse(&list(&s)), Ok(s));
}

#[test]
fn write_list_propagates_errors() {
    struct Full(usize);
    impl core::fmt::Write for Full {
        fn write_str(&mut self, s: &str) -> core::fmt::Result {
            if s.len() > self.0 {
                return Err(core::fmt::Error);
            }
            self.0 -= s.len();
            Ok(())
        }
    }
    let s = VlanSet::parse("10,20,30-40").unwrap();
    assert!(s.write_list(&mut Full(5)).is_err());
    assert!(s.write_list(&mut Full(11)).is_ok());
}

#[test]
fn access_ingress() {
    let p = VlanMode::Access { pvid: 10 };
    assert_eq!(p.ingress(c(None).0, false), Ok(10));
    assert_eq!(p.ingress(c(Some(0)).0, false), Ok(10)); // priority tagged
    // Any real tag on an access port is refused, its own PVID's too.
    assert_eq!(p.ingress(c(Some(10)).0, false), Err(Drop::BadTag));
    assert_eq!(p.ingress(c(Some(1)).0, false), Err(Drop::BadTag));
    assert_eq!(p.ingress(c(Some(11)).0, false), Err(Drop::BadTag));
    assert_eq!(p.ingress(c(Some(4094)).0, false), Err(Drop::BadTag));
    assert_eq!(p.ingress(c(Some(4095)).0, false), Err(Drop::Malformed));
    assert_eq!(p.ingress(c(Some(u16::MAX)).0, false), Err(Drop::Malformed));
    let d = VlanMode::default_access();
    assert_eq!(d, VlanMode::Access { pvid: 1 });
    assert_eq!(d.ingress(c(None).0, false), Ok(1));
    assert_eq!(d.ingress(c(Some(1)).0, false), Err(Drop::BadTag));
    assert_eq!(d.ingress(c(Some(2)).0, false), Err(Drop::BadTag));
}

#[test]
fn s_tags_and_second_tags_are_refused_everywhere() {
    for m in [VlanMode::Access { pvid: 10 }, trunk(&[10, 20], Some(1)), VlanMode::uplink_default()] {
        // 802.1ad S-tag (and the old 0x9100) as the outer tag.
        assert_eq!(m.ingress(Some((0x88a8, 20)), false), Err(Drop::BadTag));
        assert_eq!(m.ingress(Some((0x9100, 20)), false), Err(Drop::BadTag));
        // Double tagging: another tag after the first, whatever the first says.
        assert_eq!(m.ingress(Some((TPID_8021Q, 0)), true), Err(Drop::BadTag));
        assert_eq!(m.ingress(Some((TPID_8021Q, 10)), true), Err(Drop::BadTag));
        assert_eq!(m.ingress(None, true), Err(Drop::BadTag));
    }
}

#[test]
fn access_egress() {
    let p = VlanMode::Access { pvid: 4094 };
    assert_eq!(p.egress(4094), Egress::Untagged);
    assert_eq!(p.egress(1), Egress::Drop);
    assert_eq!(p.egress(0), Egress::Drop);
    assert_eq!(p.egress(4095), Egress::Drop);
    assert!(p.allows(4094) && !p.allows(1) && !p.allows(0) && !p.allows(4095));
}

#[test]
fn trunk_ingress() {
    let t = trunk(&[10, 20, 30], Some(5));
    assert_eq!(t.ingress(c(None).0, false), Ok(5));
    assert_eq!(t.ingress(c(Some(0)).0, false), Ok(5));
    assert_eq!(t.ingress(c(Some(5)).0, false), Ok(5)); // tagged with the native VLAN
    assert_eq!(t.ingress(c(Some(10)).0, false), Ok(10));
    assert_eq!(t.ingress(c(Some(30)).0, false), Ok(30));
    assert_eq!(t.ingress(c(Some(11)).0, false), Err(Drop::VlanNotAllowed));
    assert_eq!(t.ingress(c(Some(1)).0, false), Err(Drop::VlanNotAllowed));
    assert_eq!(t.ingress(c(Some(4095)).0, false), Err(Drop::Malformed));
    assert_eq!(t.ingress(c(Some(4096)).0, false), Err(Drop::Malformed));

    let t = trunk(&[10], None);
    assert_eq!(t.ingress(c(None).0, false), Err(Drop::VlanNotAllowed));
    assert_eq!(t.ingress(c(Some(0)).0, false), Err(Drop::VlanNotAllowed));
    assert_eq!(t.ingress(c(Some(10)).0, false), Ok(10));

    let t = trunk(&[], None);
    for tag in [None, Some(0), Some(1), Some(4094)] {
        assert_eq!(t.ingress(c(tag).0, false), Err(Drop::VlanNotAllowed));
    }
}

#[test]
fn trunk_egress() {
    let t = trunk(&[5, 10, 20], Some(5)); // native also in allowed: still untagged
    assert_eq!(t.egress(5), Egress::Untagged);
    assert_eq!(t.egress(10), Egress::Tagged(10));
    assert_eq!(t.egress(20), Egress::Tagged(20));
    assert_eq!(t.egress(11), Egress::Drop);
    assert_eq!(t.egress(0), Egress::Drop);
    assert_eq!(t.egress(4095), Egress::Drop);

    let t = trunk(&[10], Some(7)); // native not in allowed
    assert_eq!(t.egress(7), Egress::Untagged);
    assert_eq!(t.egress(10), Egress::Tagged(10));
    assert!(t.allows(7) && t.allows(10) && !t.allows(8) && !t.allows(0));

    let t = trunk(&[10], None);
    assert_eq!(t.egress(1), Egress::Drop);
    assert!(!t.allows(1));
}

#[test]
fn uplink_default() {
    let u = VlanMode::uplink_default();
    assert_eq!(
        u,
        VlanMode::Trunk {
            allowed: VlanSet::all(),
            native: Some(1)
        }
    );
    assert_eq!(u.validate(), Ok(()));
    assert_eq!(u.ingress(c(None).0, false), Ok(1));
    assert_eq!(u.ingress(c(Some(1)).0, false), Ok(1));
    assert_eq!(u.ingress(c(Some(4094)).0, false), Ok(4094));
    assert_eq!(u.ingress(c(Some(4095)).0, false), Err(Drop::Malformed));
    assert_eq!(u.egress(1), Egress::Untagged);
    assert_eq!(u.egress(2), Egress::Tagged(2));
    assert_eq!(u.egress(4094), Egress::Tagged(4094));
    assert_eq!(u.egress(4095), Egress::Drop);
    for v in 1..=4094 {
        assert!(u.allows(v));
    }
}

#[test]
fn ingress_egress_agree_with_allows() {
    // A VLAN a port may receive in (tagged, or untagged as its PVID/native) is exactly one
    // it may send in (and vice versa).
    for m in [
        VlanMode::Access { pvid: 7 },
        trunk(&[1, 2, 100], Some(3)),
        trunk(&[1, 2, 100], None),
        VlanMode::uplink_default(),
    ] {
        for v in 0..=4096u16 {
            let tagged = v != 0 && m.ingress(c(Some(v)).0, false) == Ok(v);
            let untagged = m.ingress(None, false) == Ok(v);
            let rx = tagged || untagged;
            let tx = m.egress(v) != Egress::Drop;
            assert_eq!(rx, m.allows(v), "{m:?} vid {v}");
            assert_eq!(tx, m.allows(v), "{m:?} vid {v}");
        }
    }
}

#[test]
fn validate() {
    assert_eq!(VlanMode::Access { pvid: 1 }.validate(), Ok(()));
    assert_eq!(VlanMode::Access { pvid: 4094 }.validate(), Ok(()));
    assert_eq!(
        VlanMode::Access { pvid: 0 }.validate(),
        Err(VlanError::OutOfRange)
    );
    assert_eq!(
        VlanMode::Access { pvid: 4095 }.validate(),
        Err(VlanError::OutOfRange)
    );
    assert_eq!(trunk(&[], None).validate(), Ok(()));
    assert_eq!(trunk(&[10], Some(1)).validate(), Ok(()));
    assert_eq!(trunk(&[10], Some(4094)).validate(), Ok(()));
    assert_eq!(trunk(&[10], Some(0)).validate(), Err(VlanError::OutOfRange));
    assert_eq!(
        trunk(&[10], Some(4095)).validate(),
        Err(VlanError::OutOfRange)
    );
    assert_eq!(VlanMode::default_access().validate(), Ok(()));
}
