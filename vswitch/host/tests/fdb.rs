//! `vswitch/fdb.rs`: FDB hashing, learning, ageing and forwarding decisions.
use vswitch_host::fdb::{age, expired, forward, keyed_hash, learn, Dest, Entry, HashKey, Learn};
use vswitch_host::mac::Mac;

const A: Mac = Mac([0x00, 0x15, 0x5d, 0x00, 0x00, 0x01]);

fn dynamic(port: u32, updated: u64) -> Entry {
    Entry {
        port,
        is_static: false,
        updated,
    }
}

fn fixed(port: u32) -> Entry {
    Entry {
        port,
        is_static: true,
        updated: 0,
    }
}

fn seq_mac(i: u32) -> Mac {
    let b = i.to_be_bytes();
    Mac([0x00, 0x15, b[0], b[1], b[2], b[3]])
}

const K: HashKey = HashKey(0x0123_4567_89ab_cdef, 0xfedc_ba98_7654_3210);

/// The bucket of a table with `1 << log2` buckets (the table takes the low bits).
fn bucket(mac: &Mac, vid: u16, log2: u32) -> usize {
    (keyed_hash(mac, vid, K) as usize) & ((1usize << log2) - 1)
}

#[test]
fn hash_is_deterministic_for_a_key() {
    for i in 0..1000 {
        assert_eq!(keyed_hash(&seq_mac(i), 1, K), keyed_hash(&seq_mac(i), 1, K));
    }
}

#[test]
fn hash_depends_on_the_key() {
    // Another key puts the same MACs in other buckets: a set chosen to collide under one key
    // spreads under another.
    let other = HashKey(1, 2);
    let same = (0..1000)
        .filter(|&i| keyed_hash(&seq_mac(i), 1, K) & 0xffff == keyed_hash(&seq_mac(i), 1, other) & 0xffff)
        .count();
    assert!(same < 5, "{same} of 1000 kept their bucket");
    let collide: Vec<Mac> = (0..200_000).map(seq_mac).filter(|m| bucket(m, 1, 10) == 0).collect();
    assert!(collide.len() > 100);
    let mut counts = vec![0u32; 1 << 10];
    for m in &collide {
        counts[(keyed_hash(m, 1, other) as usize) & 1023] += 1;
    }
    assert!(counts.iter().all(|&c| c < 8), "max {:?}", counts.iter().max());
}

#[test]
fn hash_depends_on_vid_and_every_byte() {
    let n = 1000;
    let differ = (1..=n)
        .filter(|&v| bucket(&A, v, 16) != bucket(&A, 1, 16))
        .count();
    assert!(differ > 990, "vid barely changes the bucket: {differ}");
    for byte in 0..6 {
        let mut m = A;
        m.0[byte] ^= 0x80;
        assert_ne!(bucket(&m, 1, 20), bucket(&A, 1, 20), "byte {byte}");
    }
}

fn chi_square(counts: &[u32], n: u32) -> f64 {
    let expect = f64::from(n) / counts.len() as f64;
    counts
        .iter()
        .map(|&c| (f64::from(c) - expect).powi(2) / expect)
        .sum()
}

#[test]
fn hash_distribution_sequential_macs() {
    // 256 buckets, 64 keys per bucket on average; chi-square with 255 degrees of freedom has
    // mean 255 and standard deviation ~22.6, so 400 is a >6 sigma bound.
    let log2 = 8;
    let n = 256 * 64;
    for vid in [1u16, 100, 4094] {
        let mut counts = vec![0u32; 1 << log2];
        for i in 0..n {
            counts[bucket(&seq_mac(i), vid, log2)] += 1;
        }
        let chi = chi_square(&counts, n);
        assert!(chi < 400.0, "vid {vid}: chi-square {chi}");
        assert!(counts.iter().all(|&c| c > 20 && c < 120), "{counts:?}");
    }
    // Same MAC, sequential VLANs.
    let mut counts = vec![0u32; 1 << log2];
    for vid in 1..=4094u16 {
        counts[bucket(&A, vid, log2)] += 1;
    }
    let chi = chi_square(&counts, 4094);
    assert!(chi < 400.0, "vids: chi-square {chi}");
    // Sequential in the vendor bytes (high bytes) too.
    let mut counts = vec![0u32; 1 << log2];
    for i in 0..n {
        let b = i.to_be_bytes();
        counts[bucket(&Mac([b[2] << 2, b[3], 0, 0, 0, 1]), 1, log2)] += 1;
    }
    assert!(chi_square(&counts, n) < 400.0);
}

#[test]
fn learn_ignores_group_and_zero_sources() {
    for src in [
        Mac::BROADCAST,
        Mac::ZERO,
        Mac([0x01, 0x00, 0x5e, 0, 0, 1]),
        Mac([0x33, 0x33, 0, 0, 0, 1]),
    ] {
        assert_eq!(learn(&src, None, 1, 0, 100), Learn::Ignore);
        assert_eq!(learn(&src, Some(&dynamic(2, 0)), 1, 0, 100), Learn::Ignore);
    }
}

#[test]
fn learn_insert_and_full() {
    assert_eq!(learn(&A, None, 1, 0, 8192), Learn::Insert);
    assert_eq!(learn(&A, None, 1, 8191, 8192), Learn::Insert);
    assert_eq!(learn(&A, None, 1, 8192, 8192), Learn::Refuse);
    assert_eq!(learn(&A, None, 1, 9000, 8192), Learn::Refuse);
    assert_eq!(learn(&A, None, 1, 0, 0), Learn::Refuse);
    // A full table still refreshes and moves existing entries.
    assert_eq!(
        learn(&A, Some(&dynamic(1, 0)), 1, 8192, 8192),
        Learn::Refresh
    );
    assert_eq!(
        learn(&A, Some(&dynamic(2, 0)), 1, 8192, 8192),
        Learn::Move { to: 1 }
    );
}

#[test]
fn learn_existing() {
    assert_eq!(learn(&A, Some(&dynamic(3, 50)), 3, 10, 100), Learn::Refresh);
    assert_eq!(
        learn(&A, Some(&dynamic(3, 50)), 4, 10, 100),
        Learn::Move { to: 4 }
    );
    assert_eq!(
        learn(&A, Some(&dynamic(0, 50)), u32::MAX, 10, 100),
        Learn::Move { to: u32::MAX }
    );
    // Static entries are never refreshed nor moved by learning.
    assert_eq!(learn(&A, Some(&fixed(3)), 3, 10, 100), Learn::Ignore);
    assert_eq!(learn(&A, Some(&fixed(3)), 4, 10, 100), Learn::Ignore);
}

#[test]
fn ageing() {
    let e = dynamic(1, 1000);
    assert_eq!(age(&e, 1000), 0);
    assert_eq!(age(&e, 1299), 299);
    assert!(!expired(&e, 1000, 300));
    assert!(!expired(&e, 1299, 300));
    assert!(expired(&e, 1300, 300));
    assert!(expired(&e, 100_000, 300));
    // ageing 0 disables ageing.
    assert!(!expired(&e, u64::MAX / 4, 0));
    // Static entries never age.
    let s = Entry {
        port: 1,
        is_static: true,
        updated: 1000,
    };
    assert!(!expired(&s, 1_000_000, 300));
    assert!(!expired(&s, 1_000_000, 1));
}

#[test]
fn ageing_wraps() {
    // updated just before the counter wraps, now just after.
    let e = dynamic(1, u64::MAX - 5);
    assert_eq!(age(&e, u64::MAX), 5);
    assert_eq!(age(&e, 0), 6);
    assert_eq!(age(&e, 10), 16);
    assert!(!expired(&e, 10, 17));
    assert!(expired(&e, 10, 16));
    assert!(expired(&e, 10, 1));
    // An entry refreshed "after" now (another CPU) is age 0, not ancient.
    let e = dynamic(1, 1005);
    assert_eq!(age(&e, 1000), 0);
    assert!(!expired(&e, 1000, 300));
    let e = dynamic(1, 3);
    assert_eq!(age(&e, u64::MAX - 2), 0);
    assert!(!expired(&e, u64::MAX - 2, 1));
}

#[test]
fn forwarding() {
    let e = dynamic(7, 0);
    assert_eq!(forward(&A, Some(&e)), Dest::Port(7));
    assert_eq!(forward(&A, Some(&fixed(9))), Dest::Port(9));
    assert_eq!(forward(&A, None), Dest::Flood);
    assert_eq!(forward(&Mac::BROADCAST, None), Dest::Flood);
    assert_eq!(forward(&Mac::BROADCAST, Some(&e)), Dest::Flood);
    let mc = Mac([0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb]);
    assert_eq!(forward(&mc, Some(&e)), Dest::Flood);
    assert_eq!(forward(&mc, None), Dest::Flood);
}
