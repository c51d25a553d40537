// SPDX-License-Identifier: GPL-2.0
//! Where VMQ puts a new ntuple rule (rust/ethtool/loc.rs).

use vswitch_host::ethtool_loc::{free_location, table_ok, MAX_TABLE};

#[test]
fn lowest_free_location() {
    assert_eq!(free_location(8, &mut []), Some(0));
    assert_eq!(free_location(8, &mut [0, 1, 3]), Some(2));
    assert_eq!(free_location(8, &mut [3, 0, 1, 2]), Some(4));
    // Locations outside the table (a driver's own rules) do not matter.
    assert_eq!(free_location(2, &mut [100, 0]), Some(1));
    // Duplicates in the driver's list do not matter either.
    assert_eq!(free_location(3, &mut [0, 0, 1]), Some(2));
}

#[test]
fn full_table() {
    assert_eq!(free_location(1, &mut [0]), None);
    assert_eq!(free_location(4, &mut [3, 2, 1, 0]), None);
}

#[test]
fn tables_not_searched() {
    assert!(!table_ok(0));
    assert!(table_ok(1));
    assert!(table_ok(MAX_TABLE));
    assert!(!table_ok(MAX_TABLE + 1));
    assert_eq!(free_location(0, &mut []), None);
    assert_eq!(free_location(MAX_TABLE + 1, &mut []), None);
    assert_eq!(free_location(MAX_TABLE, &mut []), Some(0));
}

#[test]
fn last_location_of_a_large_table() {
    let mut used: Vec<u32> = (0..MAX_TABLE - 1).rev().collect();
    assert_eq!(free_location(MAX_TABLE, &mut used), Some(MAX_TABLE - 1));
}

#[test]
fn same_as_the_linear_search() {
    // Seeded LCG: random small tables and rule lists, checked against the obvious search.
    let mut x: u64 = 0x5eed;
    let mut next = |m: u32| {
        x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((x >> 33) as u32) % m
    };
    for _ in 0..20_000 {
        let size = next(20);
        let n = next(24) as usize;
        let used: Vec<u32> = (0..n).map(|_| next(24)).collect();
        let want = if table_ok(size) { (0..size).find(|i| !used.contains(i)) } else { None };
        assert_eq!(free_location(size, &mut used.clone()), want, "size {size} used {used:?}");
    }
}
