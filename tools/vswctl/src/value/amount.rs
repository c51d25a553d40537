// SPDX-License-Identifier: GPL-2.0
//! Amounts with units or `none`: rates (tc units), sizes in bytes, count limits.

use std::fmt;
use std::str::FromStr;

use super::{uint, Invalid};

/// A decimal number with optional fraction and a unit suffix from `units` (lowercase name,
/// multiplier; matched case-insensitively), as an integer: `1.5gbit` -> 1500000000.
/// `what` names the quantity in the errors (`bits/s`).
fn scaled(s: &str, units: &[(&str, u64)], max: u64, what: &str) -> Result<u64, Invalid> {
    let split = s
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let unit = unit.to_ascii_lowercase();
    let (int, frac) = num.split_once('.').unwrap_or((num, ""));
    if int.is_empty() && frac.is_empty() || frac.contains('.') {
        return Err(Invalid::new("not a number"));
    }
    let Some(&(_, mult)) = units.iter().find(|(n, _)| *n == unit) else {
        let names: Vec<&str> = units
            .iter()
            .map(|(n, _)| *n)
            .filter(|n| !n.is_empty())
            .collect();
        return Err(Invalid::new(format!(
            "unknown unit \"{unit}\" (expected {})",
            names.join(", ")
        )));
    };
    let out_of_range = || Invalid::new(format!("out of range (max {max} {what})"));
    // Exact: (int.frac digits as one integer) * mult / 10^frac_len, in u128.
    if int.len() + frac.len() > 30 {
        return Err(out_of_range());
    }
    let digits: u128 = format!("{int}{frac}").parse().map_err(|_| out_of_range())?;
    let scale = 10u128.pow(frac.len() as u32);
    let v = digits * u128::from(mult);
    if !v.is_multiple_of(scale) {
        return Err(Invalid::new(format!("not a whole number of {what}")));
    }
    u64::try_from(v / scale)
        .ok()
        .filter(|&v| v <= max)
        .ok_or_else(out_of_range)
}

/// A rate in bits/s, tc style: `100mbit`, `1.5gbit`, `125kbps` (bytes/s), a bare number
/// (bit/s); `0` or `none`: no limit (0). Shown with the largest unit that divides it
/// (`100mbit`, `1500mbit`, `12345bit`), no limit as `none`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate(pub u64);

impl Rate {
    /// Units, bits/s in steps of 1000, `*bps` bytes/s.
    const UNITS: [(&'static str, u64); 11] = [
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
}

impl FromStr for Rate {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<Self, Invalid> {
        if s == "none" {
            return Ok(Rate(0));
        }
        scaled(s, &Self::UNITS, u64::MAX, "bits/s").map(Rate)
    }
}

impl fmt::Display for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let bits = self.0;
        if bits == 0 {
            return f.write_str("none");
        }
        for (unit, m) in [
            ("tbit", 1_000_000_000_000u64),
            ("gbit", 1_000_000_000),
            ("mbit", 1_000_000),
            ("kbit", 1_000),
        ] {
            if bits.is_multiple_of(m) {
                return write!(f, "{}{unit}", bits / m);
            }
        }
        write!(f, "{bits}bit")
    }
}

/// A size in bytes (u32): a bare number, or with `k`/`kb`/`m`/`mb` (x1024); `b` is bytes.
/// Shown in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Size(pub u32);

impl FromStr for Size {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<Self, Invalid> {
        const UNITS: [(&str, u64); 6] = [
            ("", 1),
            ("b", 1),
            ("k", 1 << 10),
            ("kb", 1 << 10),
            ("m", 1 << 20),
            ("mb", 1 << 20),
        ];
        Ok(Size(scaled(s, &UNITS, u32::MAX.into(), "bytes")? as u32))
    }
}

impl fmt::Display for Size {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A count limit (`mac-max`, `storm-limit`): a decimal u32, `none` or 0 for no limit
/// (shown as `none`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit(pub u32);

impl FromStr for Limit {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<Self, Invalid> {
        if s == "none" {
            return Ok(Limit(0));
        }
        Ok(Limit(uint(s, u32::MAX.into())? as u32))
    }
}

impl fmt::Display for Limit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            0 => f.write_str("none"),
            n => write!(f, "{n}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::args::parse;

    #[test]
    fn rates() {
        let p = |kw: &str, s: &str| parse::<Rate>(kw, s).map(|r| r.0);
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
            assert_eq!(p("rate-in", s), Ok(v), "{s}");
        }
        assert_eq!(
            p("rate-in", "fast").unwrap_err(),
            "invalid rate-in \"fast\": not a number"
        );
        for bad in ["", ".", "-1mbit", "1..5mbit", "1.2.3mbit", "mbit"] {
            assert_eq!(
                p("rate-in", bad).unwrap_err(),
                format!("invalid rate-in \"{bad}\": not a number")
            );
        }
        assert_eq!(
            p("rate-out", "10mb").unwrap_err(),
            "invalid rate-out \"10mb\": unknown unit \"mb\" (expected bit, kbit, mbit, gbit, tbit, bps, kbps, mbps, gbps, tbps)"
        );
        assert!(p("rate-in", "1 mbit")
            .unwrap_err()
            .contains("unknown unit \" mbit\""));
        assert_eq!(
            p("rate-in", "1.5bit").unwrap_err(),
            "invalid rate-in \"1.5bit\": not a whole number of bits/s"
        );
        assert_eq!(
            p("rate-in", "0.0001kbit").unwrap_err(),
            "invalid rate-in \"0.0001kbit\": not a whole number of bits/s"
        );
        for big in [
            "18446744073709551616",
            "20000000tbit",
            "99999999999999999999999999999999999",
        ] {
            assert_eq!(
                p("rate-in", big).unwrap_err(),
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
            assert_eq!(Rate(v).to_string(), s);
            assert_eq!(p("rate-in", s), Ok(v), "{s}");
        }
    }

    #[test]
    fn sizes() {
        let p = |s: &str| parse::<Size>("burst", s).map(|b| b.0);
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
            assert_eq!(p(s), Ok(v), "{s}");
        }
        assert_eq!(
            p("4g").unwrap_err(),
            "invalid burst \"4g\": unknown unit \"g\" (expected b, k, kb, m, mb)"
        );
        assert_eq!(
            p("4096m").unwrap_err(),
            "invalid burst \"4096m\": out of range (max 4294967295 bytes)"
        );
        assert_eq!(
            p("0.1k").unwrap_err(),
            "invalid burst \"0.1k\": not a whole number of bytes"
        );
        assert_eq!(p("big").unwrap_err(), "invalid burst \"big\": not a number");
        assert_eq!(Size(65536).to_string(), "65536");
    }

    #[test]
    fn limits() {
        let p = |kw: &str, s: &str| parse::<Limit>(kw, s).map(|l| l.0);
        assert_eq!(p("mac-max", "none"), Ok(0));
        assert_eq!(p("mac-max", "0"), Ok(0));
        assert_eq!(p("storm-limit", "4294967295"), Ok(u32::MAX));
        assert_eq!(
            p("mac-max", "x").unwrap_err(),
            "invalid mac-max \"x\": not a number"
        );
        assert_eq!(
            p("storm-limit", "4294967296").unwrap_err(),
            "invalid storm-limit \"4294967296\": out of range (max 4294967295)"
        );
        assert_eq!(
            (Limit(0).to_string(), Limit(16).to_string()),
            ("none".into(), "16".into())
        );
    }
}
