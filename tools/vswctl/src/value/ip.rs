// SPDX-License-Identifier: GPL-2.0
//! IP values: prefixes (`ipnet`), addresses, protocols, L4 port ranges, `ip-allow` lists.

use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;

use ipnet::IpNet;
use serde::{Serialize, Serializer};

use super::{is_decimal, uint, Invalid};
use crate::netlink::Attr;
use crate::view::FromAttr;

/// The bytes of an address as the module takes them: 4 for IPv4, 16 for IPv6.
pub fn octets(ip: IpAddr) -> Vec<u8> {
    match ip {
        IpAddr::V4(a) => a.octets().to_vec(),
        IpAddr::V6(a) => a.octets().to_vec(),
    }
}

/// An address from its 4 or 16 bytes (`binding_attr::ADDR`, ACL `SRC_IP`/`DST_IP`).
impl FromAttr for IpAddr {
    fn from_attr(a: &Attr) -> Result<Self, String> {
        let b = a.data.as_slice();
        if let Ok(b) = <[u8; 4]>::try_from(b) {
            Ok(IpAddr::from(b))
        } else if let Ok(b) = <[u8; 16]>::try_from(b) {
            Ok(IpAddr::from(b))
        } else {
            Err(format!("{} bytes (expected 4 or 16)", b.len()))
        }
    }
}

/// An IPv4 or IPv6 prefix `ADDR[/LEN]`, without LEN a host (/32, /128): `10.0.0.0/24`,
/// `2001:db8::/32`. Bits set beyond the prefix length are kept as given: the module refuses
/// them with its own message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Prefix(pub IpNet);

impl Prefix {
    /// From the address and length attributes, without a length a host; a length beyond
    /// the family's is an error.
    pub fn new(addr: IpAddr, len: Option<u8>) -> Result<Self, String> {
        let host = IpNet::from(addr);
        let Some(len) = len else {
            return Ok(Prefix(host));
        };
        IpNet::new(addr, len)
            .map(Prefix)
            .map_err(|_| format!("prefix length {len} is more than {}", host.max_prefix_len()))
    }

    /// The payload of the `SRC_IP` / `DST_IP` attribute.
    pub fn octets(&self) -> Vec<u8> {
        octets(self.0.addr())
    }

    /// The payload of the `SRC_PLEN` / `DST_PLEN` attribute.
    pub fn prefix_len(&self) -> u8 {
        self.0.prefix_len()
    }
}

impl FromStr for Prefix {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<Self, Invalid> {
        let (addr, len) = match s.split_once('/') {
            Some((a, l)) => (a, Some(l)),
            None => (s, None),
        };
        let ip: IpAddr = addr
            .parse()
            .map_err(|_| Invalid::new(format!("\"{addr}\" is not an IPv4 or IPv6 address")))?;
        let host = IpNet::from(ip);
        let Some(len) = len else {
            return Ok(Prefix(host));
        };
        let max = host.max_prefix_len();
        let bad_len = || Invalid::new(format!("prefix length must be 0..{max}"));
        let len = uint(len, max.into()).map_err(|_| bad_len())?;
        IpNet::new(ip, len as u8).map(Prefix).map_err(|_| bad_len())
    }
}

impl fmt::Display for Prefix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// An IP protocol: `tcp`, `udp`, `icmp`, `icmpv6`, `sctp`, `udplite` or a number 0..255.
/// Shown by name if it has one; in JSON the name (`"tcp"`) or the number (`47`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpProto(pub u8);

impl IpProto {
    /// Protocols known by name.
    const NAMES: [(&'static str, u8); 6] = [
        ("tcp", 6),
        ("udp", 17),
        ("icmp", 1),
        ("icmpv6", 58),
        ("sctp", 132),
        ("udplite", 136),
    ];

    pub fn name(self) -> Option<&'static str> {
        Self::NAMES
            .iter()
            .find(|(_, p)| *p == self.0)
            .map(|(n, _)| *n)
    }
}

impl FromStr for IpProto {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<Self, Invalid> {
        if let Some(&(_, v)) = Self::NAMES.iter().find(|(n, _)| *n == s) {
            return Ok(IpProto(v));
        }
        if !is_decimal(s) {
            return Err(Invalid::new(
                "unknown protocol (expected tcp, udp, icmp, icmpv6, sctp, udplite or a number \
                 0..255)",
            ));
        }
        Ok(IpProto(uint(s, u8::MAX.into())? as u8))
    }
}

impl fmt::Display for IpProto {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(n) => f.write_str(n),
            None => write!(f, "{}", self.0),
        }
    }
}

impl Serialize for IpProto {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.name() {
            Some(n) => s.serialize_str(n),
            None => s.serialize_u8(self.0),
        }
    }
}

/// An L4 port or range: `80` (80..80) or `1000-2000`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PortRange {
    pub lo: u16,
    pub hi: u16,
}

impl FromStr for PortRange {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<Self, Invalid> {
        let port = |p: &str| {
            if !is_decimal(p) {
                return Err(Invalid::new("expected a port 0..65535 or a range LOW-HIGH"));
            }
            p.parse::<u16>()
                .map_err(|_| Invalid::new("port out of range (max 65535)"))
        };
        let (lo, hi) = match s.split_once('-') {
            Some((a, b)) => (port(a)?, port(b)?),
            None => {
                let p = port(s)?;
                (p, p)
            }
        };
        if lo > hi {
            return Err(Invalid::new(format!("low end {lo} is above high end {hi}")));
        }
        Ok(PortRange { lo, hi })
    }
}

impl fmt::Display for PortRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.lo == self.hi {
            write!(f, "{}", self.lo)
        } else {
            write!(f, "{}-{}", self.lo, self.hi)
        }
    }
}

/// The addresses of `ip-allow`: `ADDR[,ADDR...]`, IPv4 and IPv6, each at most once, at most
/// [`IpAllow::MAX`]; `none` (no address: the static bindings are cleared). Host addresses,
/// not prefixes: `10.0.0.0/24` is refused. In JSON the list of addresses.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct IpAllow(pub Vec<IpAddr>);

impl IpAllow {
    /// Most addresses one `ip-allow` takes: the module keeps at most 32 bindings per port.
    pub const MAX: usize = 32;
}

impl FromStr for IpAllow {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<Self, Invalid> {
        if s == "none" {
            return Ok(IpAllow::default());
        }
        let mut addrs: Vec<IpAddr> = Vec::new();
        for part in s.split(',') {
            let ip: IpAddr = part
                .parse()
                .map_err(|_| Invalid::new("not an IPv4 or IPv6 address").quoting(part))?;
            if addrs.contains(&ip) {
                return Err(Invalid::new(format!("{ip} given more than once")).unquoted());
            }
            addrs.push(ip);
        }
        if addrs.len() > Self::MAX {
            return Err(
                Invalid::new(format!("{} addresses (at most {})", addrs.len(), Self::MAX))
                    .unquoted(),
            );
        }
        Ok(IpAllow(addrs))
    }
}

/// `10.0.0.5,2001:db8::5`; no address: `none`.
impl fmt::Display for IpAllow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("none");
        }
        for (i, ip) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            write!(f, "{ip}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::args::parse;

    /// The attribute payloads of a prefix: address bytes and length.
    fn prefix(kw: &str, s: &str) -> Result<(Vec<u8>, u8), String> {
        parse::<Prefix>(kw, s).map(|p| (p.octets(), p.prefix_len()))
    }

    fn addr_of(bytes: &[u8]) -> Result<IpAddr, String> {
        IpAddr::from_attr(&Attr::bytes(1, bytes.to_vec()))
    }

    #[test]
    fn prefixes() {
        assert_eq!(prefix("src", "10.0.0.1"), Ok((vec![10, 0, 0, 1], 32)));
        assert_eq!(prefix("src", "10.0.0.0/24"), Ok((vec![10, 0, 0, 0], 24)));
        assert_eq!(prefix("src", "0.0.0.0/0"), Ok((vec![0, 0, 0, 0], 0)));
        // Host bits are the module's to refuse ("bits set beyond the prefix length").
        assert_eq!(prefix("src", "10.1.2.3/12"), Ok((vec![10, 1, 2, 3], 12)));
        let (b, l) = prefix("dst", "2001:db8::/32").unwrap();
        assert_eq!(l, 32);
        assert_eq!(b[..4], [0x20, 0x01, 0x0d, 0xb8]);
        assert_eq!(b[4..], [0; 12]);
        let (b, l) = prefix("dst", "fe80::abcd").unwrap();
        assert_eq!((b.len(), l, b[14], b[15]), (16, 128, 0xab, 0xcd));
        let text = |b: &[u8], l| {
            addr_of(b)
                .and_then(|a| Prefix::new(a, Some(l)))
                .map(|p| p.to_string())
        };
        assert_eq!(text(&b, l).unwrap(), "fe80::abcd/128");
        assert_eq!(text(&[10, 0, 0, 0], 24).unwrap(), "10.0.0.0/24");
        assert_eq!(text(&[10, 1, 2, 3], 12).unwrap(), "10.1.2.3/12");
        assert!(text(&[10, 0, 0], 24).is_err());
        assert_eq!(
            text(&[10, 0, 0, 0], 33).unwrap_err(),
            "prefix length 33 is more than 32"
        );
        let host = Prefix::new("10.0.0.1".parse().unwrap(), None).unwrap();
        assert_eq!(host.to_string(), "10.0.0.1/32");
        assert_eq!(
            prefix("src", "10.0.0.0/33").unwrap_err(),
            "invalid src \"10.0.0.0/33\": prefix length must be 0..32"
        );
        assert_eq!(
            prefix("src", "::/200").unwrap_err(),
            "invalid src \"::/200\": prefix length must be 0..128"
        );
        for bad in ["10.0.0.0/", "10.0.0.0/x", "10.0.0.0/-1", "10.0.0.0/24/1"] {
            assert!(
                prefix("src", bad)
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
                prefix("src", bad)
                    .unwrap_err()
                    .contains("is not an IPv4 or IPv6 address"),
                "{bad:?}"
            );
        }
        assert_eq!(
            prefix("src", "10.0.0.256/8").unwrap_err(),
            "invalid src \"10.0.0.256/8\": \"10.0.0.256\" is not an IPv4 or IPv6 address"
        );
    }

    #[test]
    fn addresses() {
        assert_eq!(addr_of(&[10, 0, 0, 1]), Ok("10.0.0.1".parse().unwrap()));
        let v6 = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5];
        assert_eq!(addr_of(&v6), Ok("2001:db8::5".parse().unwrap()));
        assert_eq!(addr_of(&[0; 5]).unwrap_err(), "5 bytes (expected 4 or 16)");
        assert_eq!(octets("2001:db8::5".parse().unwrap()), v6);
        assert_eq!(octets("10.0.0.1".parse().unwrap()), [10, 0, 0, 1]);
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
            assert_eq!(parse("ip-proto", n), Ok(IpProto(v)));
            assert_eq!(IpProto(v).name(), Some(n));
            assert_eq!(IpProto(v).to_string(), n);
            assert_eq!(
                crate::output::to_json(&IpProto(v)).unwrap(),
                format!("\"{n}\"")
            );
        }
        assert_eq!(parse("ip-proto", "0"), Ok(IpProto(0)));
        assert_eq!(parse("ip-proto", "255"), Ok(IpProto(255)));
        assert_eq!(IpProto(47).name(), None);
        assert_eq!(IpProto(47).to_string(), "47");
        assert_eq!(crate::output::to_json(&IpProto(47)).unwrap(), "47");
        assert_eq!(
            parse::<IpProto>("ip-proto", "256").unwrap_err(),
            "invalid ip-proto \"256\": out of range (max 255)"
        );
        for bad in ["", "TCP", "gre", "-6", "0x6"] {
            assert!(
                parse::<IpProto>("ip-proto", bad).unwrap_err().contains(
                    "unknown protocol (expected tcp, udp, icmp, icmpv6, sctp, udplite or a number 0..255)"
                ),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn port_ranges() {
        let p = |kw: &str, s: &str| parse::<PortRange>(kw, s).map(|r| (r.lo, r.hi));
        assert_eq!(p("dport", "80"), Ok((80, 80)));
        assert_eq!(p("dport", "0"), Ok((0, 0)));
        assert_eq!(p("dport", "1000-2000"), Ok((1000, 2000)));
        assert_eq!(p("dport", "0-65535"), Ok((0, 65535)));
        assert_eq!(p("dport", "7-7"), Ok((7, 7)));
        assert_eq!(
            p("sport", "2000-1000").unwrap_err(),
            "invalid sport \"2000-1000\": low end 2000 is above high end 1000"
        );
        assert_eq!(
            p("sport", "65536").unwrap_err(),
            "invalid sport \"65536\": port out of range (max 65535)"
        );
        for bad in ["", "-", "80-", "-80", "1-2-3", "http", "8o", "+80"] {
            assert_eq!(
                p("dport", bad).unwrap_err(),
                format!("invalid dport \"{bad}\": expected a port 0..65535 or a range LOW-HIGH")
            );
        }
        assert_eq!(PortRange { lo: 80, hi: 80 }.to_string(), "80");
        assert_eq!(PortRange { lo: 1000, hi: 2000 }.to_string(), "1000-2000");
    }

    #[test]
    fn ip_allow_lists() {
        let p = |s: &str| parse::<IpAllow>("ip-allow", s).map(|l| l.0);
        assert_eq!(p("none"), Ok(vec![]));
        assert_eq!(
            p("10.0.0.5,2001:db8::5"),
            Ok(vec![
                "10.0.0.5".parse().unwrap(),
                "2001:db8::5".parse().unwrap()
            ])
        );
        for bad in [
            "",
            "10.0.0",
            "10.0.0.256",
            "10.0.0.0/24",
            "fe80::1%eth0",
            "none,10.0.0.1",
        ] {
            let part = bad.split(',').next().unwrap();
            assert_eq!(
                p(bad).unwrap_err(),
                format!("invalid ip-allow \"{part}\": not an IPv4 or IPv6 address"),
                "{bad:?}"
            );
        }
        assert_eq!(
            p("10.0.0.1,").unwrap_err(),
            "invalid ip-allow \"\": not an IPv4 or IPv6 address"
        );
        // The same address twice, however written.
        assert_eq!(
            p("2001:db8::5,10.0.0.1,2001:0db8:0:0::5").unwrap_err(),
            "invalid ip-allow: 2001:db8::5 given more than once"
        );
        // An IPv4-mapped IPv6 address is another address (16 bytes).
        assert_eq!(p("10.0.0.1,::ffff:10.0.0.1").unwrap().len(), 2);
        let list = |n: usize| {
            (1..=n)
                .map(|i| format!("10.0.0.{i}"))
                .collect::<Vec<_>>()
                .join(",")
        };
        assert_eq!(p(&list(32)).unwrap().len(), 32);
        assert_eq!(
            p(&list(33)).unwrap_err(),
            "invalid ip-allow: 33 addresses (at most 32)"
        );
        for s in ["none", "10.0.0.5", "10.0.0.5,2001:db8::5"] {
            assert_eq!(parse::<IpAllow>("ip-allow", s).unwrap().to_string(), s);
        }
        assert_eq!(
            crate::output::to_json(&parse::<IpAllow>("ip-allow", "10.0.0.5,::1").unwrap()).unwrap(),
            r#"["10.0.0.5","::1"]"#
        );
    }
}
