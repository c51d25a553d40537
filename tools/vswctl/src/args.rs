// SPDX-License-Identifier: GPL-2.0
//! iproute2-style keyword arguments: `KEYWORD VALUE` pairs and bare flag words after the
//! object names, e.g. `uplink eth0 ageing 300`.
//!
//! Clap only collects the words; everything here returns the error line (without the
//! `vswctl: ` prefix) as a `String`, which the commands turn into [`crate::Error::Usage`].

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
