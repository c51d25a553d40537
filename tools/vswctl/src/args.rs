// SPDX-License-Identifier: GPL-2.0
//! iproute2-style keyword arguments: `KEYWORD VALUE` pairs and bare flag words after the
//! object names, e.g. `uplink eth0 ageing 300`.
//!
//! Clap only collects the words; everything here returns the error line (without the
//! `vswctl: ` prefix) as a `String`, which the commands turn into [`crate::Error::Usage`].

use std::net::IpAddr;

use crate::mac::Mac;
use crate::uapi;
use crate::vlan::{self, VlanSet};

/// A cursor over the words of a command line.
#[derive(Debug, Clone)]
pub struct Words<'a> {
    words: &'a [String],
    pos: usize,
}

impl<'a> Words<'a> {
    pub fn new(words: &'a [String]) -> Self {
        Words { words, pos: 0 }
    }

    /// The next word, consumed.
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> Option<&'a str> {
        let w = self.words.get(self.pos)?;
        self.pos += 1;
        Some(w.as_str())
    }

    /// The next word without consuming it.
    pub fn peek(&self) -> Option<&'a str> {
        self.words.get(self.pos).map(String::as_str)
    }

    /// The value of keyword `kw` (the next word); an error if there is none.
    pub fn value(&mut self, kw: &str) -> Result<&'a str, String> {
        self.next()
            .ok_or_else(|| format!("missing value for \"{kw}\""))
    }

    /// A required positional word (`what` names it in the error, e.g. `switch name (SW)`).
    pub fn positional(&mut self, cmd: &str, what: &str) -> Result<&'a str, String> {
        self.next().ok_or_else(|| format!("{cmd}: missing {what}"))
    }
}

/// Error for a keyword this command does not know.
pub fn unknown_keyword(cmd: &str, kw: &str, expected: &str) -> String {
    format!("{cmd}: unknown keyword \"{kw}\" (expected {expected})")
}

/// Error for a keyword given twice.
pub fn duplicate(kw: &str) -> String {
    format!("\"{kw}\" given more than once")
}

/// Set `slot` once; a second time is an error.
pub fn set_once<T>(slot: &mut Option<T>, kw: &str, v: T) -> Result<(), String> {
    if slot.is_some() {
        return Err(duplicate(kw));
    }
    *slot = Some(v);
    Ok(())
}

/// Decimal unsigned integer up to `max`.
fn parse_uint(kw: &str, s: &str, max: u64) -> Result<u64, String> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("invalid {kw} \"{s}\": not a number"));
    }
    match s.parse::<u64>() {
        Ok(v) if v <= max => Ok(v),
        _ => Err(format!("invalid {kw} \"{s}\": out of range (max {max})")),
    }
}

/// Decimal u32 (ageing, fdb-max, mtu).
pub fn parse_u32(kw: &str, s: &str) -> Result<u32, String> {
    Ok(parse_uint(kw, s, u32::MAX.into())? as u32)
}

/// A VLAN id, 1..=4094 (checked by [`vlan::check_vid`]).
pub fn parse_vid(kw: &str, s: &str) -> Result<u16, String> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("invalid {kw} \"{s}\": not a number"));
    }
    // Out of u16 range is still "out of range" to the VLAN check, so saturate.
    let v = s.parse::<u64>().unwrap_or(u64::MAX);
    let v = u16::try_from(v).unwrap_or(u16::MAX);
    vlan::check_vid(v).map_err(|e| format!("invalid {kw} \"{s}\": {}", e.message()))
}

/// An Ethernet address.
pub fn parse_mac(s: &str) -> Result<[u8; 6], String> {
    Mac::parse(s)
        .map(|m| m.0)
        .map_err(|e| format!("invalid MAC address \"{s}\": {}", e.message()))
}

/// A VLAN list (`10,20,30-40`) as the 512-byte `attr::VLANS` bitmap.
pub fn parse_vlans(s: &str) -> Result<Vec<u8>, String> {
    VlanSet::parse(s)
        .map(|v| v.to_bitmap().to_vec())
        .map_err(|e| format!("invalid VLAN list \"{s}\": {}", e.message()))
}

/// A netdev or switch name: 1..=`uapi::NAME_MAX` bytes.
pub fn parse_name(what: &str, s: &str) -> Result<String, String> {
    if s.is_empty() {
        return Err(format!("invalid {what}: empty"));
    }
    if s.len() > uapi::NAME_MAX {
        return Err(format!(
            "invalid {what} \"{s}\": too long (max {} bytes)",
            uapi::NAME_MAX
        ));
    }
    if s.bytes().any(|b| b == 0) {
        return Err(format!("invalid {what}: contains NUL"));
    }
    Ok(s.to_string())
}

/// `vlan_mode` value of a `mode` word.
pub fn parse_mode(s: &str) -> Result<u8, String> {
    match s {
        "access" => Ok(uapi::vlan_mode::ACCESS),
        "trunk" => Ok(uapi::vlan_mode::TRUNK),
        _ => Err(format!("invalid mode \"{s}\" (expected access or trunk)")),
    }
}

/// `vmq_mode` value of a `vmq` word.
pub fn parse_vmq_mode(s: &str) -> Result<u8, String> {
    match s {
        "off" => Ok(uapi::vmq_mode::OFF),
        "static" => Ok(uapi::vmq_mode::STATIC),
        "dynamic" => Ok(uapi::vmq_mode::DYNAMIC),
        _ => Err(format!(
            "invalid vmq mode \"{s}\" (expected off, static or dynamic)"
        )),
    }
}

/// Decimal u32 in `min..=max`; `unit` ends the range error (`percent of one CPU`).
pub fn parse_u32_in(kw: &str, s: &str, min: u32, max: u32, unit: &str) -> Result<u32, String> {
    let v = parse_uint(kw, s, u64::MAX).map_err(|e| {
        if e.ends_with("not a number") {
            e
        } else {
            // Too big even for a u64: still just "out of range".
            format!("invalid {kw} \"{s}\": must be {min}..{max}{unit}")
        }
    })?;
    if v < u64::from(min) || v > u64::from(max) {
        return Err(format!("invalid {kw} \"{s}\": must be {min}..{max}{unit}"));
    }
    Ok(v as u32)
}

/// A Dynamic VMQ threshold: percent of one CPU, 1..=100.
pub fn parse_pct(kw: &str, s: &str) -> Result<u32, String> {
    parse_u32_in(kw, s, 1, 100, " (percent of one CPU)")
}

/// Shortest and longest Dynamic VMQ sampling interval (ms); the module checks the same.
pub const VMQ_INTERVAL_MIN_MS: u32 = 100;
pub const VMQ_INTERVAL_MAX_MS: u32 = 60_000;

/// A Dynamic VMQ sampling interval in milliseconds (`VMQ_INTERVAL_MIN_MS..=MAX`).
pub fn parse_interval_ms(kw: &str, s: &str) -> Result<u32, String> {
    parse_u32_in(kw, s, VMQ_INTERVAL_MIN_MS, VMQ_INTERVAL_MAX_MS, " ms")
}

/// `on` / `off`.
pub fn parse_on_off(kw: &str, s: &str) -> Result<bool, String> {
    match s {
        "on" => Ok(true),
        "off" => Ok(false),
        _ => Err(format!("invalid {kw} \"{s}\" (expected on or off)")),
    }
}

/// Text of a `vmq_mode` value: `off`, `static`, `dynamic` (a newer module's value: its number).
pub fn vmq_mode_text(v: u8) -> String {
    match v {
        uapi::vmq_mode::OFF => "off".into(),
        uapi::vmq_mode::STATIC => "static".into(),
        uapi::vmq_mode::DYNAMIC => "dynamic".into(),
        n => n.to_string(),
    }
}

/// Text of a `vmq_backend` value: `none`, `hardware`, `software` (else its number).
pub fn vmq_backend_text(v: u8) -> String {
    match v {
        uapi::vmq_backend::NONE => "none".into(),
        uapi::vmq_backend::HARDWARE => "hardware".into(),
        uapi::vmq_backend::SOFTWARE => "software".into(),
        n => n.to_string(),
    }
}

/// Text of a load in hundredths of a percent of one CPU: `12.34%`.
pub fn load_text(hundredths: u32) -> String {
    format!("{}.{:02}%", hundredths / 100, hundredths % 100)
}

/// Text of the `attr::VLANS` bitmap (`10,20,30-40`).
pub fn vlans_text(bitmap: &[u8]) -> Result<String, String> {
    let set = VlanSet::from_bitmap(bitmap).map_err(|e| e.message().to_string())?;
    let mut s = String::new();
    set.write_list(&mut s).map_err(|e| e.to_string())?;
    Ok(s)
}

/// Text of an Ethernet address (`02:00:00:00:00:01`).
pub fn mac_text(bytes: [u8; 6]) -> String {
    Mac(bytes).to_string()
}

/// `acl_dir` value of an `in` / `out` word.
pub fn parse_dir(s: &str) -> Result<u8, String> {
    match s {
        "in" => Ok(uapi::acl_dir::IN),
        "out" => Ok(uapi::acl_dir::OUT),
        _ => Err(format!("invalid direction \"{s}\" (expected in or out)")),
    }
}

/// Text of an `acl_dir` value: `in`, `out` (a newer module's value: its number).
pub fn dir_text(v: u8) -> String {
    match v {
        uapi::acl_dir::IN => "in".into(),
        uapi::acl_dir::OUT => "out".into(),
        n => n.to_string(),
    }
}

/// `acl_action` value of an `allow` / `deny` word; `None` for any other word.
pub fn action_of(s: &str) -> Option<u8> {
    match s {
        "allow" => Some(uapi::acl_action::ALLOW),
        "deny" => Some(uapi::acl_action::DENY),
        _ => None,
    }
}

/// Text of an `acl_action` value: `allow`, `deny` (else its number).
pub fn action_text(v: u8) -> String {
    match v {
        uapi::acl_action::ALLOW => "allow".into(),
        uapi::acl_action::DENY => "deny".into(),
        n => n.to_string(),
    }
}

/// EtherTypes known by name (`proto` words).
const ETHERTYPES: [(&str, u16); 3] = [("ipv4", 0x0800), ("ipv6", 0x86dd), ("arp", 0x0806)];

/// An EtherType: `ipv4`, `ipv6`, `arp`, or a number (`0x88cc` or decimal), at least
/// 0x0600 (smaller values are 802.3 lengths, not types).
pub fn parse_ethertype(kw: &str, s: &str) -> Result<u16, String> {
    if let Some(&(_, v)) = ETHERTYPES.iter().find(|(n, _)| *n == s) {
        return Ok(v);
    }
    let hex = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X"));
    let (digits, radix) = match hex {
        Some(h) => (h, 16),
        None => (s, 10),
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return Err(format!(
            "invalid {kw} \"{s}\" (expected ipv4, ipv6, arp or an EtherType such as 0x88cc)"
        ));
    }
    match u64::from_str_radix(digits, radix) {
        Ok(v) if (0x0600..=0xffff).contains(&v) => Ok(v as u16),
        _ => Err(format!(
            "invalid {kw} \"{s}\": EtherType must be 0x0600..0xffff"
        )),
    }
}

/// Text of an EtherType: its name if known (`ipv4`), else `0x88cc`.
pub fn ethertype_text(v: u16) -> String {
    match ETHERTYPES.iter().find(|(_, t)| *t == v) {
        Some((n, _)) => (*n).into(),
        None => format!("0x{v:04x}"),
    }
}

/// IP protocols known by name (`ip-proto` words).
const IP_PROTOS: [(&str, u8); 6] = [
    ("tcp", 6),
    ("udp", 17),
    ("icmp", 1),
    ("icmpv6", 58),
    ("sctp", 132),
    ("udplite", 136),
];

/// An IP protocol: `tcp`, `udp`, `icmp`, `icmpv6`, `sctp`, `udplite` or a number 0..255.
pub fn parse_ip_proto(kw: &str, s: &str) -> Result<u8, String> {
    if let Some(&(_, v)) = IP_PROTOS.iter().find(|(n, _)| *n == s) {
        return Ok(v);
    }
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "invalid {kw} \"{s}\": unknown protocol (expected tcp, udp, icmp, icmpv6, sctp, udplite or a number 0..255)"
        ));
    }
    Ok(parse_uint(kw, s, u8::MAX.into())? as u8)
}

/// Name of an IP protocol number, if it has one (`tcp`).
pub fn ip_proto_name(v: u8) -> Option<&'static str> {
    IP_PROTOS.iter().find(|(_, p)| *p == v).map(|(n, _)| *n)
}

/// An IPv4 or IPv6 prefix `ADDR[/LEN]` (default /32 or /128): the address bytes (4 or 16)
/// and the prefix length. Bits set beyond the prefix length are sent as given: the module
/// refuses them with its own message.
pub fn parse_prefix(kw: &str, s: &str) -> Result<(Vec<u8>, u8), String> {
    let (addr, len) = match s.split_once('/') {
        Some((a, l)) => (a, Some(l)),
        None => (s, None),
    };
    let ip: IpAddr = addr
        .parse()
        .map_err(|_| format!("invalid {kw} \"{s}\": \"{addr}\" is not an IPv4 or IPv6 address"))?;
    let bytes = match ip {
        IpAddr::V4(a) => a.octets().to_vec(),
        IpAddr::V6(a) => a.octets().to_vec(),
    };
    let max = (bytes.len() * 8) as u64;
    let plen = match len {
        None => max,
        Some(l) => match parse_uint("prefix length", l, max) {
            Ok(v) => v,
            Err(_) => {
                return Err(format!(
                    "invalid {kw} \"{s}\": prefix length must be 0..{max}"
                ))
            }
        },
    };
    Ok((bytes, plen as u8))
}

/// Text of an address (4 or 16 bytes) and prefix length: `10.0.0.0/24`, `2001:db8::/32`.
pub fn prefix_text(bytes: &[u8], plen: u8) -> Result<String, String> {
    let ip = match bytes.len() {
        4 => IpAddr::from(<[u8; 4]>::try_from(bytes).unwrap_or_default()),
        16 => IpAddr::from(<[u8; 16]>::try_from(bytes).unwrap_or_default()),
        n => return Err(format!("{n} bytes (expected 4 or 16)")),
    };
    Ok(format!("{ip}/{plen}"))
}

/// An L4 port or range: `80` (80..80) or `1000-2000`.
pub fn parse_port_range(kw: &str, s: &str) -> Result<(u16, u16), String> {
    let port = |p: &str| {
        parse_uint(kw, p, u16::MAX.into())
            .map(|v| v as u16)
            .map_err(|e| {
                if e.ends_with("not a number") {
                    format!("invalid {kw} \"{s}\": expected a port 0..65535 or a range LOW-HIGH")
                } else {
                    format!("invalid {kw} \"{s}\": port out of range (max 65535)")
                }
            })
    };
    let (lo, hi) = match s.split_once('-') {
        Some((a, b)) => (port(a)?, port(b)?),
        None => {
            let p = port(s)?;
            (p, p)
        }
    };
    if lo > hi {
        return Err(format!(
            "invalid {kw} \"{s}\": low end {lo} is above high end {hi}"
        ));
    }
    Ok((lo, hi))
}

/// Text of a port range: `80` or `1000-2000`.
pub fn port_range_text(lo: u16, hi: u16) -> String {
    if lo == hi {
        lo.to_string()
    } else {
        format!("{lo}-{hi}")
    }
}

/// A decimal number with optional fraction and a unit suffix from `units` (lowercase name,
/// multiplier; matched case-insensitively), as an integer: `1.5gbit` -> 1500000000.
/// `what` names the quantity in the "not a whole number" error (`bits/s`).
fn parse_scaled(
    kw: &str,
    s: &str,
    units: &[(&str, u64)],
    max: u64,
    what: &str,
) -> Result<u64, String> {
    let split = s
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let unit = unit.to_ascii_lowercase();
    let names = || {
        units
            .iter()
            .map(|(n, _)| *n)
            .filter(|n| !n.is_empty())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let (int, frac) = num.split_once('.').unwrap_or((num, ""));
    if int.is_empty() && frac.is_empty() || frac.contains('.') {
        return Err(format!("invalid {kw} \"{s}\": not a number"));
    }
    let Some(&(_, mult)) = units.iter().find(|(n, _)| *n == unit) else {
        return Err(format!(
            "invalid {kw} \"{s}\": unknown unit \"{unit}\" (expected {})",
            names()
        ));
    };
    let out_of_range = || format!("invalid {kw} \"{s}\": out of range (max {max} {what})");
    // Exact: (int.frac digits as one integer) * mult / 10^frac_len, in u128.
    if int.len() + frac.len() > 30 {
        return Err(out_of_range());
    }
    let digits: u128 = format!("{int}{frac}").parse().map_err(|_| out_of_range())?;
    let scale = 10u128.pow(frac.len() as u32);
    let v = digits * u128::from(mult);
    if !v.is_multiple_of(scale) {
        return Err(format!(
            "invalid {kw} \"{s}\": not a whole number of {what}"
        ));
    }
    u64::try_from(v / scale)
        .ok()
        .filter(|&v| v <= max)
        .ok_or_else(out_of_range)
}

/// Rate units, tc style: bits/s in steps of 1000, `*bps` bytes/s.
const RATE_UNITS: [(&str, u64); 11] = [
    ("", 1),
    ("bit", 1),
    ("kbit", 1_000),
    ("mbit", 1_000_000),
    ("gbit", 1_000_000_000),
    ("tbit", 1_000_000_000_000),
    ("bps", 8),
    ("kbps", 8_000),
    ("mbps", 8_000_000),
    ("gbps", 8_000_000_000),
    ("tbps", 8_000_000_000_000),
];

/// A rate in bits/s: `100mbit`, `1.5gbit`, `125kbps` (bytes/s), a bare number (bit/s);
/// `0` or `none`: no limit (0).
pub fn parse_rate(kw: &str, s: &str) -> Result<u64, String> {
    if s == "none" {
        return Ok(0);
    }
    parse_scaled(kw, s, &RATE_UNITS, u64::MAX, "bits/s")
}

/// Text of a rate in bits/s with the largest unit that divides it: `100mbit`, `1500mbit`,
/// `12345bit`; 0 (no limit): `none`.
pub fn rate_text(bits: u64) -> String {
    if bits == 0 {
        return "none".into();
    }
    for (unit, m) in [
        ("tbit", 1_000_000_000_000u64),
        ("gbit", 1_000_000_000),
        ("mbit", 1_000_000),
        ("kbit", 1_000),
    ] {
        if bits.is_multiple_of(m) {
            return format!("{}{unit}", bits / m);
        }
    }
    format!("{bits}bit")
}

/// A size in bytes (u32): a bare number, or with `k`/`kb`/`m`/`mb` (x1024); `b` is bytes.
pub fn parse_size(kw: &str, s: &str) -> Result<u32, String> {
    const UNITS: [(&str, u64); 6] = [
        ("", 1),
        ("b", 1),
        ("k", 1 << 10),
        ("kb", 1 << 10),
        ("m", 1 << 20),
        ("mb", 1 << 20),
    ];
    Ok(parse_scaled(kw, s, &UNITS, u32::MAX.into(), "bytes")? as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn words_cursor() {
        let v = w("a b");
        let mut it = Words::new(&v);
        assert_eq!(it.peek(), Some("a"));
        assert_eq!(it.next(), Some("a"));
        assert_eq!(it.value("kw"), Ok("b"));
        assert_eq!(it.value("kw"), Err("missing value for \"kw\"".to_string()));
        assert!(it.positional("x", "y").is_err());
    }

    #[test]
    fn numbers() {
        assert_eq!(parse_u32("mtu", "1500"), Ok(1500));
        assert_eq!(parse_u32("mtu", "4294967295"), Ok(u32::MAX));
        assert_eq!(
            parse_u32("mtu", "4294967296").unwrap_err(),
            "invalid mtu \"4294967296\": out of range (max 4294967295)"
        );
        assert_eq!(
            parse_u32("ageing", "abc").unwrap_err(),
            "invalid ageing \"abc\": not a number"
        );
        for bad in ["", "-1", "+1", "1.5", "0x10", " 1"] {
            assert!(parse_u32("x", bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn vids() {
        assert_eq!(parse_vid("pvid", "1"), Ok(1));
        assert_eq!(parse_vid("pvid", "4094"), Ok(4094));
        for bad in [
            "0",
            "4095",
            "65535",
            "65536",
            "99999999999999999999999",
            "x",
            "",
        ] {
            let e = parse_vid("pvid", bad).unwrap_err();
            assert!(e.starts_with(&format!("invalid pvid \"{bad}\": ")), "{e}");
        }
        assert!(parse_vid("vlan", "abc")
            .unwrap_err()
            .contains("not a number"));
    }

    #[test]
    fn macs() {
        assert_eq!(parse_mac("02:00:00:00:00:0a"), Ok([2, 0, 0, 0, 0, 0x0a]));
        let e = parse_mac("zz").unwrap_err();
        assert!(e.starts_with("invalid MAC address \"zz\": "), "{e}");
        assert!(parse_mac("02:00:00:00:00").is_err());
        assert_eq!(mac_text([2, 0, 0, 0, 0, 0xab]), "02:00:00:00:00:ab");
    }

    #[test]
    fn vlan_lists() {
        let b = parse_vlans("10,20,30-40").unwrap();
        assert_eq!(b.len(), uapi::VLAN_BITMAP_LEN);
        assert_eq!(b[10 / 8] & (1 << (10 % 8)), 1 << (10 % 8));
        assert_eq!(vlans_text(&b).unwrap(), "10,20,30-40");
        let e = parse_vlans("10,5000").unwrap_err();
        assert!(e.starts_with("invalid VLAN list \"10,5000\": "), "{e}");
        assert!(parse_vlans("x").is_err());
        assert!(vlans_text(&[0u8; 3]).is_err());
    }

    #[test]
    fn vmq_words() {
        assert_eq!(parse_vmq_mode("off"), Ok(uapi::vmq_mode::OFF));
        assert_eq!(parse_vmq_mode("static"), Ok(uapi::vmq_mode::STATIC));
        assert_eq!(parse_vmq_mode("dynamic"), Ok(uapi::vmq_mode::DYNAMIC));
        assert_eq!(
            parse_vmq_mode("on").unwrap_err(),
            "invalid vmq mode \"on\" (expected off, static or dynamic)"
        );
        for m in [
            uapi::vmq_mode::OFF,
            uapi::vmq_mode::STATIC,
            uapi::vmq_mode::DYNAMIC,
        ] {
            assert_eq!(parse_vmq_mode(&vmq_mode_text(m)), Ok(m));
        }
        assert_eq!(vmq_mode_text(9), "9");
        assert_eq!(vmq_backend_text(uapi::vmq_backend::NONE), "none");
        assert_eq!(vmq_backend_text(uapi::vmq_backend::HARDWARE), "hardware");
        assert_eq!(vmq_backend_text(uapi::vmq_backend::SOFTWARE), "software");
        assert_eq!(vmq_backend_text(7), "7");
        assert_eq!(parse_on_off("skip-smt", "on"), Ok(true));
        assert_eq!(parse_on_off("skip-smt", "off"), Ok(false));
        assert_eq!(
            parse_on_off("skip-smt", "yes").unwrap_err(),
            "invalid skip-smt \"yes\" (expected on or off)"
        );
    }

    #[test]
    fn vmq_numbers() {
        assert_eq!(parse_pct("low", "1"), Ok(1));
        assert_eq!(parse_pct("high", "100"), Ok(100));
        assert_eq!(
            parse_pct("low", "0").unwrap_err(),
            "invalid low \"0\": must be 1..100 (percent of one CPU)"
        );
        assert_eq!(
            parse_pct("vmq-high", "101").unwrap_err(),
            "invalid vmq-high \"101\": must be 1..100 (percent of one CPU)"
        );
        assert_eq!(
            parse_pct("low", "99999999999999999999999").unwrap_err(),
            "invalid low \"99999999999999999999999\": must be 1..100 (percent of one CPU)"
        );
        assert_eq!(
            parse_pct("low", "5%").unwrap_err(),
            "invalid low \"5%\": not a number"
        );
        assert_eq!(parse_interval_ms("interval", "100"), Ok(100));
        assert_eq!(parse_interval_ms("interval", "60000"), Ok(60_000));
        assert_eq!(
            parse_interval_ms("interval", "99").unwrap_err(),
            "invalid interval \"99\": must be 100..60000 ms"
        );
        assert!(parse_interval_ms("interval", "60001").is_err());
        assert!(parse_interval_ms("interval", "1s").is_err());
        assert_eq!(load_text(1234), "12.34%");
        assert_eq!(load_text(5), "0.05%");
        assert_eq!(load_text(0), "0.00%");
        assert_eq!(load_text(10000), "100.00%");
    }

    #[test]
    fn acl_words() {
        assert_eq!(parse_dir("in"), Ok(uapi::acl_dir::IN));
        assert_eq!(parse_dir("out"), Ok(uapi::acl_dir::OUT));
        assert_eq!(
            parse_dir("both").unwrap_err(),
            "invalid direction \"both\" (expected in or out)"
        );
        assert_eq!(
            (dir_text(1), dir_text(2), dir_text(3)),
            ("in".into(), "out".into(), "3".into())
        );
        assert_eq!(action_of("allow"), Some(uapi::acl_action::ALLOW));
        assert_eq!(action_of("deny"), Some(uapi::acl_action::DENY));
        assert_eq!(action_of("drop"), None);
        assert_eq!(action_text(uapi::acl_action::DENY), "deny");
        assert_eq!(action_text(9), "9");
    }

    #[test]
    fn ethertypes() {
        assert_eq!(parse_ethertype("proto", "ipv4"), Ok(0x0800));
        assert_eq!(parse_ethertype("proto", "ipv6"), Ok(0x86dd));
        assert_eq!(parse_ethertype("proto", "arp"), Ok(0x0806));
        assert_eq!(parse_ethertype("proto", "0x88cc"), Ok(0x88cc));
        assert_eq!(parse_ethertype("proto", "0X88CC"), Ok(0x88cc));
        assert_eq!(parse_ethertype("proto", "2048"), Ok(0x0800));
        assert_eq!(parse_ethertype("proto", "0xffff"), Ok(0xffff));
        for bad in [
            "0x5ff",
            "1500",
            "0x10000",
            "65536",
            "99999999999999999999999",
        ] {
            assert_eq!(
                parse_ethertype("proto", bad).unwrap_err(),
                format!("invalid proto \"{bad}\": EtherType must be 0x0600..0xffff")
            );
        }
        for bad in ["", "0x", "ip", "IPv4", "0x88zz", "-1", "0x-1"] {
            assert_eq!(
                parse_ethertype("proto", bad).unwrap_err(),
                format!("invalid proto \"{bad}\" (expected ipv4, ipv6, arp or an EtherType such as 0x88cc)")
            );
        }
        assert_eq!(ethertype_text(0x0800), "ipv4");
        assert_eq!(ethertype_text(0x86dd), "ipv6");
        assert_eq!(ethertype_text(0x0806), "arp");
        assert_eq!(ethertype_text(0x88cc), "0x88cc");
        assert_eq!(ethertype_text(0x0600), "0x0600");
    }

    #[test]
    fn ip_protos() {
        for (n, v) in [
            ("tcp", 6),
            ("udp", 17),
            ("icmp", 1),
            ("icmpv6", 58),
            ("sctp", 132),
            ("udplite", 136),
        ] {
            assert_eq!(parse_ip_proto("ip-proto", n), Ok(v));
            assert_eq!(ip_proto_name(v), Some(n));
        }
        assert_eq!(parse_ip_proto("ip-proto", "0"), Ok(0));
        assert_eq!(parse_ip_proto("ip-proto", "255"), Ok(255));
        assert_eq!(ip_proto_name(47), None);
        assert_eq!(
            parse_ip_proto("ip-proto", "256").unwrap_err(),
            "invalid ip-proto \"256\": out of range (max 255)"
        );
        for bad in ["", "TCP", "gre", "-6", "0x6"] {
            assert!(
                parse_ip_proto("ip-proto", bad).unwrap_err().contains(
                    "unknown protocol (expected tcp, udp, icmp, icmpv6, sctp, udplite or a number 0..255)"
                ),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn prefixes() {
        assert_eq!(parse_prefix("src", "10.0.0.1"), Ok((vec![10, 0, 0, 1], 32)));
        assert_eq!(
            parse_prefix("src", "10.0.0.0/24"),
            Ok((vec![10, 0, 0, 0], 24))
        );
        assert_eq!(parse_prefix("src", "0.0.0.0/0"), Ok((vec![0, 0, 0, 0], 0)));
        // Host bits are the module's to refuse ("bits set beyond the prefix length").
        assert_eq!(
            parse_prefix("src", "10.1.2.3/12"),
            Ok((vec![10, 1, 2, 3], 12))
        );
        let (b, l) = parse_prefix("dst", "2001:db8::/32").unwrap();
        assert_eq!(l, 32);
        assert_eq!(b[..4], [0x20, 0x01, 0x0d, 0xb8]);
        assert_eq!(b[4..], [0; 12]);
        let (b, l) = parse_prefix("dst", "fe80::abcd").unwrap();
        assert_eq!((b.len(), l, b[14], b[15]), (16, 128, 0xab, 0xcd));
        assert_eq!(prefix_text(&b, l).unwrap(), "fe80::abcd/128");
        assert_eq!(prefix_text(&[10, 0, 0, 0], 24).unwrap(), "10.0.0.0/24");
        assert!(prefix_text(&[10, 0, 0], 24).is_err());
        assert_eq!(
            parse_prefix("src", "10.0.0.0/33").unwrap_err(),
            "invalid src \"10.0.0.0/33\": prefix length must be 0..32"
        );
        assert_eq!(
            parse_prefix("src", "::/200").unwrap_err(),
            "invalid src \"::/200\": prefix length must be 0..128"
        );
        for bad in ["10.0.0.0/", "10.0.0.0/x", "10.0.0.0/-1", "10.0.0.0/24/1"] {
            assert!(
                parse_prefix("src", bad)
                    .unwrap_err()
                    .contains("prefix length must be 0..32"),
                "{bad}"
            );
        }
        for bad in [
            "",
            "10.0.0",
            "10.0.0.256",
            "host",
            "/24",
            "fe80::1%eth0",
            "10.0.0.1 ",
        ] {
            assert!(
                parse_prefix("src", bad)
                    .unwrap_err()
                    .contains("is not an IPv4 or IPv6 address"),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn port_ranges() {
        assert_eq!(parse_port_range("dport", "80"), Ok((80, 80)));
        assert_eq!(parse_port_range("dport", "0"), Ok((0, 0)));
        assert_eq!(parse_port_range("dport", "1000-2000"), Ok((1000, 2000)));
        assert_eq!(parse_port_range("dport", "0-65535"), Ok((0, 65535)));
        assert_eq!(parse_port_range("dport", "7-7"), Ok((7, 7)));
        assert_eq!(
            parse_port_range("sport", "2000-1000").unwrap_err(),
            "invalid sport \"2000-1000\": low end 2000 is above high end 1000"
        );
        assert_eq!(
            parse_port_range("sport", "65536").unwrap_err(),
            "invalid sport \"65536\": port out of range (max 65535)"
        );
        for bad in ["", "-", "80-", "-80", "1-2-3", "http", "8o", "+80"] {
            assert_eq!(
                parse_port_range("dport", bad).unwrap_err(),
                format!("invalid dport \"{bad}\": expected a port 0..65535 or a range LOW-HIGH")
            );
        }
        assert_eq!(port_range_text(80, 80), "80");
        assert_eq!(port_range_text(1000, 2000), "1000-2000");
    }

    #[test]
    fn rates() {
        for (s, v) in [
            ("0", 0),
            ("none", 0),
            ("0mbit", 0),
            ("1000", 1000),
            ("1000bit", 1000),
            ("100kbit", 100_000),
            ("100mbit", 100_000_000),
            ("100Mbit", 100_000_000),
            ("1gbit", 1_000_000_000),
            ("1.5gbit", 1_500_000_000),
            ("1.5GBIT", 1_500_000_000),
            ("0.001gbit", 1_000_000),
            (".5mbit", 500_000),
            ("2.tbit", 2_000_000_000_000),
            ("1bps", 8),
            ("125kbps", 1_000_000),
            ("12.5MBps", 100_000_000),
            ("1gbps", 8_000_000_000),
            ("1tbps", 8_000_000_000_000),
            ("18446744073709551615", u64::MAX),
        ] {
            assert_eq!(parse_rate("rate-in", s), Ok(v), "{s}");
        }
        assert_eq!(
            parse_rate("rate-in", "fast").unwrap_err(),
            "invalid rate-in \"fast\": not a number"
        );
        for bad in ["", ".", "-1mbit", "1..5mbit", "1.2.3mbit", "mbit"] {
            assert_eq!(
                parse_rate("rate-in", bad).unwrap_err(),
                format!("invalid rate-in \"{bad}\": not a number")
            );
        }
        assert_eq!(
            parse_rate("rate-out", "10mb").unwrap_err(),
            "invalid rate-out \"10mb\": unknown unit \"mb\" (expected bit, kbit, mbit, gbit, tbit, bps, kbps, mbps, gbps, tbps)"
        );
        assert!(parse_rate("rate-in", "1 mbit")
            .unwrap_err()
            .contains("unknown unit \" mbit\""));
        assert_eq!(
            parse_rate("rate-in", "1.5bit").unwrap_err(),
            "invalid rate-in \"1.5bit\": not a whole number of bits/s"
        );
        assert_eq!(
            parse_rate("rate-in", "0.0001kbit").unwrap_err(),
            "invalid rate-in \"0.0001kbit\": not a whole number of bits/s"
        );
        for big in [
            "18446744073709551616",
            "20000000tbit",
            "99999999999999999999999999999999999",
        ] {
            assert_eq!(
                parse_rate("rate-in", big).unwrap_err(),
                format!(
                    "invalid rate-in \"{big}\": out of range (max 18446744073709551615 bits/s)"
                )
            );
        }
        for (v, s) in [
            (0, "none"),
            (1, "1bit"),
            (12_345, "12345bit"),
            (1000, "1kbit"),
            (100_000_000, "100mbit"),
            (1_000_000_000, "1gbit"),
            (1_500_000_000, "1500mbit"),
            (8_000_000_000_000, "8tbit"),
            (u64::MAX, "18446744073709551615bit"),
        ] {
            assert_eq!(rate_text(v), s);
            assert_eq!(parse_rate("rate-in", s), Ok(v), "{s}");
        }
    }

    #[test]
    fn sizes() {
        for (s, v) in [
            ("0", 0),
            ("65536", 65536),
            ("1500b", 1500),
            ("64k", 65536),
            ("64K", 65536),
            ("64kb", 65536),
            ("64KB", 65536),
            ("1m", 1 << 20),
            ("1.5mb", 3 << 19),
            ("0.5k", 512),
            ("4294967295", u32::MAX),
        ] {
            assert_eq!(parse_size("burst", s), Ok(v), "{s}");
        }
        assert_eq!(
            parse_size("burst", "4g").unwrap_err(),
            "invalid burst \"4g\": unknown unit \"g\" (expected b, k, kb, m, mb)"
        );
        assert_eq!(
            parse_size("burst", "4096m").unwrap_err(),
            "invalid burst \"4096m\": out of range (max 4294967295 bytes)"
        );
        assert_eq!(
            parse_size("burst", "0.1k").unwrap_err(),
            "invalid burst \"0.1k\": not a whole number of bytes"
        );
        assert_eq!(
            parse_size("burst", "big").unwrap_err(),
            "invalid burst \"big\": not a number"
        );
    }

    #[test]
    fn names_and_modes() {
        assert_eq!(parse_name("switch name", "sw0"), Ok("sw0".into()));
        assert!(parse_name("switch name", "").is_err());
        assert!(parse_name("switch name", "0123456789abcdef")
            .unwrap_err()
            .contains("too long"));
        assert_eq!(parse_mode("access"), Ok(uapi::vlan_mode::ACCESS));
        assert_eq!(parse_mode("trunk"), Ok(uapi::vlan_mode::TRUNK));
        assert_eq!(
            parse_mode("hybrid").unwrap_err(),
            "invalid mode \"hybrid\" (expected access or trunk)"
        );
    }
}
