// SPDX-License-Identifier: GPL-2.0
//! Ethernet values: MAC addresses, VLAN ids and lists, EtherTypes, the link-local group mask.
//!
//! MAC addresses and VLAN lists wrap the module's own `mac::Mac` and `vlan::VlanSet` (the
//! same parsing as the kernel) in types of this tool: impls on the shared types themselves
//! would clash with any the module's files add.

use std::fmt;
use std::str::FromStr;

use super::{uint, Invalid};
use crate::mac::Mac;
use crate::netlink::Attr;
use crate::view::FromAttr;
use crate::vlan::{self, VlanSet};

/// An Ethernet address, `02:00:00:00:00:01`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MacAddr(pub Mac);

impl MacAddr {
    /// The payload of a `MAC` attribute.
    pub fn octets(self) -> Vec<u8> {
        self.0 .0.to_vec()
    }
}

impl FromStr for MacAddr {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<Self, Invalid> {
        Mac::parse(s)
            .map(MacAddr)
            .map_err(|e| Invalid::new(e.message()).named("MAC address"))
    }
}

impl fmt::Display for MacAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl FromAttr for MacAddr {
    fn from_attr(a: &Attr) -> Result<Self, String> {
        Mac::from_slice(&a.data)
            .map(MacAddr)
            .ok_or_else(|| format!("{} bytes", a.data.len()))
    }
}

/// A VLAN id given for an attribute (`pvid`, `native`, `vlan`): any u16, as the attribute
/// holds; the module's netlink policy refuses ids outside `vlan::VID_MIN..=VID_MAX` and names
/// the range. [`Vid::checked`] checks the range here, for a VLAN the module never sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Vid(pub u16);

impl Vid {
    /// The id if it is a valid VLAN id ([`vlan::check_vid`]), e.g. for a filter applied here.
    pub fn checked(self) -> Result<Self, Invalid> {
        vlan::check_vid(self.0)
            .map(Vid)
            .map_err(|e| Invalid::new(e.message()))
    }
}

impl FromStr for Vid {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<Self, Invalid> {
        Ok(Vid(uint(s, u16::MAX.into())? as u16))
    }
}

impl fmt::Display for Vid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A set of VLANs, `10,20,30-40`; on the wire the 512-byte `attr::VLANS` bitmap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VlanList(pub VlanSet);

impl VlanList {
    /// The payload of a `VLANS` attribute.
    pub fn bitmap(&self) -> Vec<u8> {
        self.0.to_bitmap().to_vec()
    }
}

impl FromStr for VlanList {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<Self, Invalid> {
        VlanSet::parse(s)
            .map(VlanList)
            .map_err(|e| Invalid::new(e.message()).named("VLAN list"))
    }
}

impl fmt::Display for VlanList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.write_list(f)
    }
}

/// JSON: the VLAN IDs as an array of numbers, ranges expanded (`[10,20,30,31,32]`), so
/// that `jq 'index(20)'` works without parsing `30-40`.
impl serde::Serialize for VlanList {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter())
    }
}

impl FromAttr for VlanList {
    fn from_attr(a: &Attr) -> Result<Self, String> {
        VlanSet::from_bitmap(&a.data)
            .map(VlanList)
            .map_err(|e| e.message().to_string())
    }
}

/// An EtherType: `ipv4`, `ipv6`, `arp`, or a number (`0x88cc` or decimal), at least
/// 0x0600 (smaller values are 802.3 lengths, not types).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EtherType(pub u16);

impl EtherType {
    /// EtherTypes known by name.
    const NAMES: [(&'static str, u16); 3] = [("ipv4", 0x0800), ("ipv6", 0x86dd), ("arp", 0x0806)];
}

impl FromStr for EtherType {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<Self, Invalid> {
        if let Some(&(_, v)) = Self::NAMES.iter().find(|(n, _)| *n == s) {
            return Ok(EtherType(v));
        }
        let (digits, radix) = match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
            Some(h) => (h, 16),
            None => (s, 10),
        };
        if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
            return Err(Invalid::expected(
                "ipv4, ipv6, arp or an EtherType such as 0x88cc",
            ));
        }
        match u64::from_str_radix(digits, radix) {
            Ok(v) if (0x0600..=0xffff).contains(&v) => Ok(EtherType(v as u16)),
            _ => Err(Invalid::new("EtherType must be 0x0600..0xffff")),
        }
    }
}

/// Its name if known (`ipv4`), else `0x88cc`.
impl fmt::Display for EtherType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match Self::NAMES.iter().find(|(_, t)| *t == self.0) {
            Some((n, _)) => f.write_str(n),
            None => write!(f, "0x{:04x}", self.0),
        }
    }
}

/// Link-local groups 01:80:c2:00:00:0X a switch forwards, bit X: decimal or `0x` hex, shown
/// as hex (`0x4000`) as iproute2 shows a bridge's. Any u16: the bits the switch never
/// forwards (PAUSE, slow protocols) are outside the mask of the module's netlink policy,
/// which refuses them (the error names the bits allowed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GroupFwdMask(pub u16);

impl FromStr for GroupFwdMask {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<Self, Invalid> {
        let (digits, radix) = match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
            Some(h) => (h, 16),
            None => (s, 10),
        };
        if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
            return Err(Invalid::new("not a number (decimal or 0x hex)"));
        }
        u64::from_str_radix(digits, radix)
            .ok()
            .and_then(|v| u16::try_from(v).ok())
            .map(GroupFwdMask)
            .ok_or_else(|| Invalid::new("out of range (max 0xffff)"))
    }
}

impl fmt::Display for GroupFwdMask {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:#x}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::args::parse;
    use crate::uapi;

    #[test]
    fn vids() {
        // Whatever the attribute holds; the range is the module's.
        for (s, v) in [
            ("1", 1),
            ("4094", 4094),
            ("0", 0),
            ("4095", 4095),
            ("65535", 65535),
        ] {
            assert_eq!(parse("pvid", s), Ok(Vid(v)), "{s}");
        }
        for big in ["65536", "99999999999999999999999"] {
            assert_eq!(
                parse::<Vid>("pvid", big).unwrap_err(),
                format!("invalid pvid \"{big}\": out of range (max 65535)")
            );
        }
        for bad in ["x", "", "-1", "+1", "0x10"] {
            assert_eq!(
                parse::<Vid>("vlan", bad).unwrap_err(),
                format!("invalid vlan \"{bad}\": not a number")
            );
        }
        // Checked here: the range of the shared vlan.rs.
        assert_eq!(Vid(vlan::VID_MIN).checked(), Ok(Vid(vlan::VID_MIN)));
        assert_eq!(Vid(vlan::VID_MAX).checked(), Ok(Vid(vlan::VID_MAX)));
        assert_eq!(
            Vid(vlan::VID_MAX + 1)
                .checked()
                .unwrap_err()
                .line("vlan", "4095"),
            format!(
                "invalid vlan \"4095\": VLAN id must be in {}..{}",
                vlan::VID_MIN,
                vlan::VID_MAX
            )
        );
        assert!(Vid(0).checked().is_err());
        assert_eq!(Vid(10).to_string(), "10");
    }

    #[test]
    fn macs() {
        let m = |s: &str| parse::<MacAddr>("mac", s);
        assert_eq!(
            m("02:00:00:00:00:0a").map(|m| m.0 .0),
            Ok([2, 0, 0, 0, 0, 0x0a])
        );
        let e = m("zz").unwrap_err();
        assert!(e.starts_with("invalid MAC address \"zz\": "), "{e}");
        // The noun is the value's, whatever the keyword.
        assert_eq!(parse::<MacAddr>("src-mac", "zz").unwrap_err(), e);
        assert!(m("02:00:00:00:00").is_err());
        assert_eq!(
            MacAddr(Mac([2, 0, 0, 0, 0, 0xab])).to_string(),
            "02:00:00:00:00:ab"
        );
        assert_eq!(
            m("02:00:00:00:00:AB").unwrap().octets(),
            [2, 0, 0, 0, 0, 0xab]
        );
        let a = |b: Vec<u8>| MacAddr::from_attr(&Attr::bytes(uapi::attr::MAC, b));
        assert_eq!(
            a(vec![2, 0, 0, 0, 0, 1]).unwrap().to_string(),
            "02:00:00:00:00:01"
        );
        assert_eq!(a(vec![2; 5]).unwrap_err(), "5 bytes");
    }

    #[test]
    fn vlan_lists() {
        let b = parse::<VlanList>("vlans", "10,20,30-40").unwrap().bitmap();
        assert_eq!(b.len(), uapi::VLAN_BITMAP_LEN);
        assert_eq!(b[10 / 8] & (1 << (10 % 8)), 1 << (10 % 8));
        let attr = |b: Vec<u8>| VlanList::from_attr(&Attr::bytes(uapi::attr::VLANS, b));
        assert_eq!(attr(b).unwrap().to_string(), "10,20,30-40");
        let e = parse::<VlanList>("vlans", "10,5000").unwrap_err();
        assert!(e.starts_with("invalid VLAN list \"10,5000\": "), "{e}");
        assert!(parse::<VlanList>("vlans", "x").is_err());
        assert_eq!(
            attr(vec![0u8; 3]).unwrap_err(),
            "VLAN bitmap must be exactly 512 bytes"
        );
        assert_eq!(
            attr(vec![0u8; uapi::VLAN_BITMAP_LEN]).unwrap().to_string(),
            ""
        );
    }

    #[test]
    fn ethertypes() {
        let p = |s: &str| parse::<EtherType>("proto", s).map(|t| t.0);
        assert_eq!(p("ipv4"), Ok(0x0800));
        assert_eq!(p("ipv6"), Ok(0x86dd));
        assert_eq!(p("arp"), Ok(0x0806));
        assert_eq!(p("0x88cc"), Ok(0x88cc));
        assert_eq!(p("0X88CC"), Ok(0x88cc));
        assert_eq!(p("2048"), Ok(0x0800));
        assert_eq!(p("0xffff"), Ok(0xffff));
        for bad in [
            "0x5ff",
            "1500",
            "0x10000",
            "65536",
            "99999999999999999999999",
        ] {
            assert_eq!(
                p(bad).unwrap_err(),
                format!("invalid proto \"{bad}\": EtherType must be 0x0600..0xffff")
            );
        }
        for bad in ["", "0x", "ip", "IPv4", "0x88zz", "-1", "0x-1"] {
            assert_eq!(
                p(bad).unwrap_err(),
                format!("invalid proto \"{bad}\" (expected ipv4, ipv6, arp or an EtherType such as 0x88cc)")
            );
        }
        assert_eq!(EtherType(0x0800).to_string(), "ipv4");
        assert_eq!(EtherType(0x86dd).to_string(), "ipv6");
        assert_eq!(EtherType(0x0806).to_string(), "arp");
        assert_eq!(EtherType(0x88cc).to_string(), "0x88cc");
        assert_eq!(EtherType(0x0600).to_string(), "0x0600");
    }

    #[test]
    fn group_fwd_masks() {
        let p = |s: &str| parse::<GroupFwdMask>("group-fwd-mask", s).map(|m| m.0);
        // Any u16: the bits the switch never forwards are the module's to refuse.
        for (s, v) in [
            ("0", 0),
            ("0x0", 0),
            ("0x4000", 0x4000),
            ("0X4000", 0x4000),
            ("16384", 0x4000),
            ("0xfff9", 0xfff9),
            ("65529", 0xfff9),
            ("0x0001", 1),
            ("8", 8),
            ("0x2", 2),
            ("0xffff", 0xffff),
            ("65535", 0xffff),
        ] {
            assert_eq!(p(s), Ok(v), "{s}");
        }
        for big in [
            "0x10000",
            "65536",
            "99999999999999999999999",
            "0x10000000000000000",
        ] {
            assert_eq!(
                p(big).unwrap_err(),
                format!("invalid group-fwd-mask \"{big}\": out of range (max 0xffff)")
            );
        }
        for bad in ["", "0x", "x", "-1", "+1", "0xg", "1e3", "0b1", " 1"] {
            assert_eq!(
                p(bad).unwrap_err(),
                format!("invalid group-fwd-mask \"{bad}\": not a number (decimal or 0x hex)")
            );
        }
        assert_eq!(GroupFwdMask(0x4000).to_string(), "0x4000");
        assert_eq!(GroupFwdMask(0x8).to_string(), "0x8");
        assert_eq!(GroupFwdMask(0xfff9).to_string(), "0xfff9");
    }
}
