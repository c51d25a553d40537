//! `vswitch/uapi.h` (the C view) must say exactly what `vswitch/uapi.rs` (the source of
//! truth) says: same names, same numbers, nothing missing or extra.
use std::collections::BTreeMap;
use vswitch_host::uapi;

fn header() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../uapi.h")).unwrap()
}

/// `NAME = value,` lines of `enum tag { ... }` (skipping the `__X_MAX` helpers).
fn c_enum(h: &str, tag: &str) -> BTreeMap<String, i64> {
    let start = h.find(&format!("enum {tag} {{")).unwrap_or_else(|| panic!("enum {tag} missing"));
    let body = &h[start..start + h[start..].find("};").unwrap()];
    let mut out = BTreeMap::new();
    for line in body.lines().skip(1) {
        let line = line.split("/*").next().unwrap().trim().trim_end_matches(',');
        if line.is_empty() || line.starts_with("__") || line.contains("= __") {
            continue;
        }
        let (name, val) = line.split_once('=').unwrap_or_else(|| panic!("no explicit value: {line}"));
        out.insert(name.trim().to_string(), val.trim().parse().unwrap());
    }
    out
}

fn c_define(h: &str, name: &str) -> String {
    h.lines()
        .find_map(|l| {
            let mut it = l.split_whitespace();
            (it.next() == Some("#define") && it.next() == Some(name)).then(|| it.collect::<Vec<_>>().join(" "))
        })
        .unwrap_or_else(|| panic!("#define {name} missing"))
}

/// `pub const NAME: T = value;` lines of `pub mod m { ... }` in uapi.rs.
fn rs_mod(m: &str) -> BTreeMap<String, i64> {
    let src = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../uapi.rs")).unwrap();
    let start = src.find(&format!("pub mod {m} {{")).unwrap();
    let body = &src[start..start + src[start..].find("\n}").unwrap()];
    body.lines()
        .filter_map(|l| l.trim().strip_prefix("pub const "))
        .filter(|l| !l.starts_with("MAX"))
        .map(|l| {
            let (name, rest) = l.split_once(':').unwrap();
            let val = rest.split('=').nth(1).unwrap().trim().trim_end_matches(';');
            (name.to_string(), val.parse().unwrap_or_else(|_| panic!("{m}::{name}: literal expected")))
        })
        .collect()
}

fn prefixed(m: BTreeMap<String, i64>, prefix: &str) -> BTreeMap<String, i64> {
    m.into_iter().map(|(k, v)| (format!("{prefix}{k}"), v)).collect()
}

#[test]
fn commands_match() {
    assert_eq!(c_enum(&header(), "vswitch_cmd"), prefixed(rs_mod("cmd"), "VSWITCH_CMD_"));
}

#[test]
fn attributes_match() {
    assert_eq!(c_enum(&header(), "vswitch_attr"), prefixed(rs_mod("attr"), "VSWITCH_ATTR_"));
}

#[test]
fn stats_and_vlan_modes_match() {
    assert_eq!(c_enum(&header(), "vswitch_stats"), prefixed(rs_mod("stats"), "VSWITCH_STATS_"));
    assert_eq!(c_enum(&header(), "vswitch_vlan_mode"), prefixed(rs_mod("vlan_mode"), "VSWITCH_VLAN_MODE_"));
}

#[test]
fn vmq_and_irq_enums_match() {
    assert_eq!(c_enum(&header(), "vswitch_vmq_mode"), prefixed(rs_mod("vmq_mode"), "VSWITCH_VMQ_MODE_"));
    assert_eq!(c_enum(&header(), "vswitch_vmq_backend"), prefixed(rs_mod("vmq_backend"), "VSWITCH_VMQ_BACKEND_"));
    assert_eq!(c_enum(&header(), "vswitch_irq_attr"), prefixed(rs_mod("irq_attr"), "VSWITCH_IRQ_ATTR_"));
}

#[test]
fn binding_enums_match() {
    assert_eq!(c_enum(&header(), "vswitch_binding_attr"), prefixed(rs_mod("binding_attr"), "VSWITCH_BINDING_ATTR_"));
    assert_eq!(c_enum(&header(), "vswitch_binding_source"), prefixed(rs_mod("binding_source"), "VSWITCH_BINDING_SOURCE_"));
}

#[test]
fn link_attrs_match() {
    assert_eq!(c_enum(&header(), "vswitch_link_attr"), prefixed(rs_mod("link_attr"), "VSWITCH_LINK_ATTR_"));
    assert_eq!(c_define(&header(), "VSWITCH_LINK_KIND"), format!("\"{}\"", uapi::LINK_KIND));
}

#[test]
fn max_is_the_highest_number() {
    assert_eq!(rs_mod("cmd").values().max().copied(), Some(uapi::cmd::MAX as i64));
    assert_eq!(rs_mod("attr").values().max().copied(), Some(uapi::attr::MAX as i64));
    assert_eq!(rs_mod("stats").values().max().copied(), Some(uapi::stats::MAX as i64));
    assert_eq!(rs_mod("irq_attr").values().max().copied(), Some(uapi::irq_attr::MAX as i64));
    assert_eq!(rs_mod("binding_attr").values().max().copied(), Some(uapi::binding_attr::MAX as i64));
    assert_eq!(rs_mod("link_attr").values().max().copied(), Some(uapi::link_attr::MAX as i64));
}

#[test]
fn names_and_versions_match() {
    let h = header();
    assert_eq!(c_define(&h, "VSWITCH_FAMILY_NAME"), format!("\"{}\"", uapi::FAMILY_NAME));
    assert_eq!(c_define(&h, "VSWITCH_FAMILY_VERSION"), uapi::FAMILY_VERSION.to_string());
    assert_eq!(c_define(&h, "VSWITCH_VERSION"), format!("\"{}\"", uapi::VERSION));
    assert_eq!(c_define(&h, "VSWITCH_MCGRP_EVENTS"), format!("\"{}\"", uapi::MCGRP_EVENTS));
    assert_eq!(c_define(&h, "VSWITCH_NAME_MAX"), uapi::NAME_MAX.to_string());
    assert_eq!(c_define(&h, "VSWITCH_DEFAULT_AGEING"), uapi::DEFAULT_AGEING.to_string());
    assert_eq!(c_define(&h, "VSWITCH_DEFAULT_FDB_MAX"), uapi::DEFAULT_FDB_MAX.to_string());
    assert_eq!(c_define(&h, "VSWITCH_VLAN_BITMAP_LEN"), uapi::VLAN_BITMAP_LEN.to_string());
    // genl family names are limited to GENL_NAMSIZ - 1 bytes
    assert!(uapi::FAMILY_NAME.len() < 16);
}
