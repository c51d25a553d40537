// SPDX-License-Identifier: GPL-2.0
//! Port security: the `port add|set` words `mac-spoof`, `dhcp-guard`, `router-guard`,
//! `ip-guard`, `trusted`, `ip-allow`, `mac-max`, `storm-limit` and the `switch add|set`
//! word `group-fwd-mask`, and how `port show` renders a port's settings.

use std::net::IpAddr;

use serde::Serialize;

use super::bad_reply;
use crate::args::{self, set_once, Words};
use crate::netlink::{find, Attr};
use crate::uapi::{attr, binding_attr};
use crate::Error;

/// Most addresses one `ip-allow` takes: the module keeps at most 32 bindings per port.
pub const IP_ALLOW_MAX: usize = 32;

/// `group-fwd-mask` bits the switch never forwards: 01:80:c2:00:00:01 (PAUSE) and
/// 01:80:c2:00:00:02 (slow protocols: LACP, OAM). The module refuses them too.
pub const GROUP_FWD_NEVER: u16 = 0x0006;

/// The security words of `port add` / `port set`.
#[derive(Debug, Default)]
pub struct SecurityOpts {
    mac_spoof: Option<bool>,
    dhcp_guard: Option<bool>,
    router_guard: Option<bool>,
    ip_guard: Option<bool>,
    trusted: Option<bool>,
    /// The `IP_ALLOW` nest, built while parsing (no `ADDR` in it: `ip-allow none`).
    ip_allow: Option<Attr>,
    /// 0: no limit.
    mac_max: Option<u32>,
    /// Frames/s, 0: no limit.
    storm_limit: Option<u32>,
}

impl SecurityOpts {
    /// If `kw` is a security word, take its value from `w`; `Ok(false)` if it is not one.
    pub fn parse_word(&mut self, kw: &str, w: &mut Words<'_>) -> Result<bool, String> {
        let slot = match kw {
            "mac-spoof" => &mut self.mac_spoof,
            "dhcp-guard" => &mut self.dhcp_guard,
            "router-guard" => &mut self.router_guard,
            "ip-guard" => &mut self.ip_guard,
            "trusted" => &mut self.trusted,
            "ip-allow" => {
                let addrs = parse_ip_allow(kw, w.value(kw)?)?;
                set_once(&mut self.ip_allow, kw, ip_allow_attr(&addrs)?)?;
                return Ok(true);
            }
            "mac-max" => {
                set_once(&mut self.mac_max, kw, parse_limit(kw, w.value(kw)?)?)?;
                return Ok(true);
            }
            "storm-limit" => {
                set_once(&mut self.storm_limit, kw, parse_limit(kw, w.value(kw)?)?)?;
                return Ok(true);
            }
            _ => return Ok(false),
        };
        set_once(slot, kw, args::parse_on_off(kw, w.value(kw)?)?)?;
        Ok(true)
    }

    /// The first word given that a VF port does not take: only `mac-spoof` reaches a VF
    /// (as its spoofchk, through the PF); its frames never pass the switch's guards.
    pub fn vf_refused(&self) -> Option<&'static str> {
        [
            ("dhcp-guard", self.dhcp_guard.is_some()),
            ("router-guard", self.router_guard.is_some()),
            ("ip-guard", self.ip_guard.is_some()),
            ("trusted", self.trusted.is_some()),
            ("ip-allow", self.ip_allow.is_some()),
            ("mac-max", self.mac_max.is_some()),
            ("storm-limit", self.storm_limit.is_some()),
        ]
        .into_iter()
        .find_map(|(kw, given)| given.then_some(kw))
    }

    /// Append the attributes, in attribute number order.
    pub fn push_attrs(self, attrs: &mut Vec<Attr>) {
        for (ty, v) in [
            (attr::MAC_SPOOF, self.mac_spoof),
            (attr::DHCP_GUARD, self.dhcp_guard),
            (attr::ROUTER_GUARD, self.router_guard),
            (attr::IP_GUARD, self.ip_guard),
            (attr::TRUSTED, self.trusted),
        ] {
            if let Some(b) = v {
                attrs.push(Attr::u8(ty, u8::from(b)));
            }
        }
        attrs.extend(self.ip_allow);
        for (ty, v) in [
            (attr::MAC_MAX, self.mac_max),
            (attr::STORM_LIMIT, self.storm_limit),
        ] {
            if let Some(n) = v {
                attrs.push(Attr::u32(ty, n));
            }
        }
    }
}

/// `ADDR[,ADDR...]` (IPv4 and IPv6, each at most once, at most [`IP_ALLOW_MAX`]) or `none`
/// (no address: the static bindings are cleared).
pub fn parse_ip_allow(kw: &str, s: &str) -> Result<Vec<IpAddr>, String> {
    if s == "none" {
        return Ok(Vec::new());
    }
    let mut addrs: Vec<IpAddr> = Vec::new();
    for part in s.split(',') {
        let ip: IpAddr = part
            .parse()
            .map_err(|_| format!("invalid {kw} \"{part}\": not an IPv4 or IPv6 address"))?;
        if addrs.contains(&ip) {
            return Err(format!("invalid {kw}: {ip} given more than once"));
        }
        addrs.push(ip);
    }
    if addrs.len() > IP_ALLOW_MAX {
        return Err(format!(
            "invalid {kw}: {} addresses (at most {IP_ALLOW_MAX})",
            addrs.len()
        ));
    }
    Ok(addrs)
}

/// The bytes of an address as the module takes them: 4 for IPv4, 16 for IPv6.
fn addr_bytes(ip: &IpAddr) -> Vec<u8> {
    match ip {
        IpAddr::V4(a) => a.octets().to_vec(),
        IpAddr::V6(a) => a.octets().to_vec(),
    }
}

/// The `IP_ALLOW` nest: one `binding_attr::ADDR` per address (none: empty, which clears).
fn ip_allow_attr(addrs: &[IpAddr]) -> Result<Attr, String> {
    let kids: Vec<Attr> = addrs
        .iter()
        .map(|ip| Attr::bytes(binding_attr::ADDR, addr_bytes(ip)))
        .collect();
    Attr::nested(attr::IP_ALLOW, &kids).map_err(|e| e.to_string())
}

/// An address from its 4 or 16 bytes (`binding_attr::ADDR`).
pub fn addr_of(bytes: &[u8]) -> Result<IpAddr, String> {
    if let Ok(b) = <[u8; 4]>::try_from(bytes) {
        Ok(IpAddr::from(b))
    } else if let Ok(b) = <[u8; 16]>::try_from(bytes) {
        Ok(IpAddr::from(b))
    } else {
        Err(format!("{} bytes (expected 4 or 16)", bytes.len()))
    }
}

/// `N` or `none` (0: no limit) for `mac-max` and `storm-limit`.
fn parse_limit(kw: &str, s: &str) -> Result<u32, String> {
    if s == "none" {
        return Ok(0);
    }
    args::parse_u32(kw, s)
}

/// A `group-fwd-mask`: decimal or `0x` hex, 0..=0xffff, without the [`GROUP_FWD_NEVER`]
/// bits.
pub fn parse_group_fwd_mask(kw: &str, s: &str) -> Result<u16, String> {
    let (digits, radix) = match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        Some(h) => (h, 16),
        None => (s, 10),
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return Err(format!(
            "invalid {kw} \"{s}\": not a number (decimal or 0x hex)"
        ));
    }
    let mask = u64::from_str_radix(digits, radix)
        .ok()
        .and_then(|v| u16::try_from(v).ok())
        .ok_or_else(|| format!("invalid {kw} \"{s}\": out of range (max 0xffff)"))?;
    if mask & GROUP_FWD_NEVER != 0 {
        return Err(format!(
            "invalid {kw} \"{s}\": bits 1 and 2 (0x6) cannot be set: PAUSE \
             (01:80:c2:00:00:01) and slow protocols (01:80:c2:00:00:02) are never forwarded"
        ));
    }
    Ok(mask)
}

/// Text of a `group-fwd-mask` (`0x4000`), as iproute2 shows a bridge's.
pub fn group_fwd_mask_text(mask: u16) -> String {
    format!("{mask:#x}")
}

/// A port's security settings (`PORT_GET` replies, port events). JSON: `mac_spoof`
/// always, the rest ([`Guards`]) for vPorts only; each false/0/[] when not sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Security {
    pub mac_spoof: bool,
    /// `None` for a VF port, whose frames do not pass the switch's guards.
    #[serde(flatten)]
    pub guards: Option<Guards>,
}

/// The settings only a vPort has. Field order = JSON key order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Guards {
    pub dhcp_guard: bool,
    pub router_guard: bool,
    pub ip_guard: bool,
    pub trusted: bool,
    /// 0: no limit.
    pub mac_max: u32,
    /// Frames/s, 0: no limit.
    pub storm_limit: u32,
    /// The static bindings (`ip-allow`).
    pub ip_allow: Vec<IpAddr>,
}

impl Security {
    /// Decode from reply/event attributes; `vf`: the port is a VF port.
    pub fn from_attrs(attrs: &[Attr], vf: bool) -> Result<Self, Error> {
        let flag = |k, what| -> Result<bool, Error> {
            Ok(find(attrs, k)
                .map(|a| a.as_u8().map_err(|e| bad_reply(what, e)))
                .transpose()?
                .is_some_and(|v| v != 0))
        };
        let limit = |k, what| -> Result<u32, Error> {
            Ok(find(attrs, k)
                .map(|a| a.as_u32().map_err(|e| bad_reply(what, e)))
                .transpose()?
                .unwrap_or(0))
        };
        let mac_spoof = flag(attr::MAC_SPOOF, "MAC_SPOOF")?;
        if vf {
            return Ok(Security {
                mac_spoof,
                guards: None,
            });
        }
        let ip_allow = match find(attrs, attr::IP_ALLOW) {
            Some(a) => a
                .as_nested()
                .map_err(|e| bad_reply("IP_ALLOW", e))?
                .iter()
                .filter(|k| k.kind() == binding_attr::ADDR)
                .map(|k| addr_of(&k.data).map_err(|e| bad_reply("IP_ALLOW/ADDR", e)))
                .collect::<Result<_, _>>()?,
            None => Vec::new(),
        };
        Ok(Security {
            mac_spoof,
            guards: Some(Guards {
                dhcp_guard: flag(attr::DHCP_GUARD, "DHCP_GUARD")?,
                router_guard: flag(attr::ROUTER_GUARD, "ROUTER_GUARD")?,
                ip_guard: flag(attr::IP_GUARD, "IP_GUARD")?,
                trusted: flag(attr::TRUSTED, "TRUSTED")?,
                mac_max: limit(attr::MAC_MAX, "MAC_MAX")?,
                storm_limit: limit(attr::STORM_LIMIT, "STORM_LIMIT")?,
                ip_allow,
            }),
        })
    }

    /// The `port show` words of the settings that are not the defaults: `mac-spoof on
    /// dhcp-guard on router-guard on ip-guard on trusted on mac-max N storm-limit N
    /// ip-allow A,B`.
    pub fn text_words(&self) -> Vec<String> {
        let mut p = Vec::new();
        if self.mac_spoof {
            p.push("mac-spoof on".to_string());
        }
        let Some(g) = &self.guards else {
            return p;
        };
        for (kw, on) in [
            ("dhcp-guard", g.dhcp_guard),
            ("router-guard", g.router_guard),
            ("ip-guard", g.ip_guard),
            ("trusted", g.trusted),
        ] {
            if on {
                p.push(format!("{kw} on"));
            }
        }
        for (kw, n) in [("mac-max", g.mac_max), ("storm-limit", g.storm_limit)] {
            if n != 0 {
                p.push(format!("{kw} {n}"));
            }
        }
        if !g.ip_allow.is_empty() {
            let list: Vec<String> = g.ip_allow.iter().map(IpAddr::to_string).collect();
            p.push(format!("ip-allow {}", list.join(",")));
        }
        p
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    /// Parse all of `s` as security words.
    fn opts(s: &str) -> Result<SecurityOpts, String> {
        let v = w(s);
        let mut words = Words::new(&v);
        let mut o = SecurityOpts::default();
        while let Some(kw) = words.next() {
            assert!(o.parse_word(kw, &mut words)?, "not a security word: {kw}");
        }
        Ok(o)
    }

    fn attrs(s: &str) -> Vec<Attr> {
        let mut a = Vec::new();
        opts(s).unwrap().push_attrs(&mut a);
        a
    }

    fn nest(addrs: &[&[u8]]) -> Attr {
        let kids: Vec<Attr> = addrs
            .iter()
            .map(|b| Attr::bytes(binding_attr::ADDR, b.to_vec()))
            .collect();
        Attr::nested(attr::IP_ALLOW, &kids).unwrap()
    }

    const V6: [u8; 16] = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5];

    #[test]
    fn words_to_attrs() {
        // Any order in; attribute number order out.
        assert_eq!(
            attrs(
                "storm-limit 1000 mac-max 16 ip-allow 10.0.0.5,2001:db8::5 trusted off \
                 ip-guard on router-guard on dhcp-guard on mac-spoof on"
            ),
            [
                Attr::u8(attr::MAC_SPOOF, 1),
                Attr::u8(attr::DHCP_GUARD, 1),
                Attr::u8(attr::ROUTER_GUARD, 1),
                Attr::u8(attr::IP_GUARD, 1),
                Attr::u8(attr::TRUSTED, 0),
                nest(&[&[10, 0, 0, 5], &V6]),
                Attr::u32(attr::MAC_MAX, 16),
                Attr::u32(attr::STORM_LIMIT, 1000),
            ]
        );
        assert_eq!(attrs("mac-spoof off"), [Attr::u8(attr::MAC_SPOOF, 0)]);
        // `none` clears: an empty nest, limits 0.
        let a = attrs("ip-allow none mac-max none storm-limit none");
        assert_eq!(
            a,
            [
                nest(&[]),
                Attr::u32(attr::MAC_MAX, 0),
                Attr::u32(attr::STORM_LIMIT, 0),
            ]
        );
        assert!(a[0].is_nested() && a[0].data.is_empty());
        assert_eq!(attrs("mac-max 0"), [Attr::u32(attr::MAC_MAX, 0)]);
        assert_eq!(attrs(""), []);
        // Not a security word: left to the caller.
        let v = w("mtu 1500");
        let mut words = Words::new(&v);
        let kw = words.next().unwrap();
        assert_eq!(
            SecurityOpts::default().parse_word(kw, &mut words),
            Ok(false)
        );
        assert_eq!(words.peek(), Some("1500"));
    }

    #[test]
    fn word_errors() {
        let err = |s: &str| opts(s).unwrap_err();
        for kw in [
            "mac-spoof",
            "dhcp-guard",
            "router-guard",
            "ip-guard",
            "trusted",
        ] {
            assert_eq!(
                err(&format!("{kw} yes")),
                format!("invalid {kw} \"yes\" (expected on or off)")
            );
            assert_eq!(err(kw), format!("missing value for \"{kw}\""));
            assert_eq!(
                err(&format!("{kw} on {kw} off")),
                format!("\"{kw}\" given more than once")
            );
        }
        for kw in ["mac-max", "storm-limit", "ip-allow"] {
            assert_eq!(err(kw), format!("missing value for \"{kw}\""));
        }
        assert_eq!(err("mac-max x"), "invalid mac-max \"x\": not a number");
        assert_eq!(
            err("storm-limit -1"),
            "invalid storm-limit \"-1\": not a number"
        );
        assert_eq!(
            err("storm-limit 4294967296"),
            "invalid storm-limit \"4294967296\": out of range (max 4294967295)"
        );
        assert_eq!(
            err("mac-max 1 mac-max none"),
            "\"mac-max\" given more than once"
        );
        assert_eq!(
            err("ip-allow none ip-allow 10.0.0.1"),
            "\"ip-allow\" given more than once"
        );
        assert_eq!(
            err("ip-allow 10.0.0.1,host"),
            "invalid ip-allow \"host\": not an IPv4 or IPv6 address"
        );
    }

    #[test]
    fn ip_allow_lists() {
        let p = |s: &str| parse_ip_allow("ip-allow", s);
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
    }

    #[test]
    fn vf_words() {
        assert_eq!(opts("mac-spoof on").unwrap().vf_refused(), None);
        assert_eq!(opts("").unwrap().vf_refused(), None);
        for kw in [
            "dhcp-guard on",
            "router-guard off",
            "ip-guard on",
            "trusted on",
            "ip-allow none",
            "mac-max 4",
            "storm-limit none",
        ] {
            let o = opts(&format!("mac-spoof on {kw}")).unwrap();
            assert_eq!(o.vf_refused(), kw.split(' ').next(), "{kw}");
        }
    }

    #[test]
    fn group_fwd_masks() {
        let p = |s: &str| parse_group_fwd_mask("group-fwd-mask", s);
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
        ] {
            assert_eq!(p(s), Ok(v), "{s}");
        }
        for bad in ["0x2", "2", "4", "0x6", "0xffff", "65535", "0x4004"] {
            assert_eq!(
                p(bad).unwrap_err(),
                format!(
                    "invalid group-fwd-mask \"{bad}\": bits 1 and 2 (0x6) cannot be set: PAUSE \
                     (01:80:c2:00:00:01) and slow protocols (01:80:c2:00:00:02) are never forwarded"
                )
            );
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
        assert_eq!(group_fwd_mask_text(0x4000), "0x4000");
        assert_eq!(group_fwd_mask_text(0x8), "0x8");
        assert_eq!(group_fwd_mask_text(0xfff9), "0xfff9");
    }

    /// Every setting away from its default, as a vPort's `PORT_GET` reply carries them.
    fn all_set() -> Vec<Attr> {
        vec![
            Attr::str(attr::PORT, "vp1"),
            Attr::u8(attr::MAC_SPOOF, 1),
            Attr::u8(attr::DHCP_GUARD, 1),
            Attr::u8(attr::ROUTER_GUARD, 1),
            Attr::u8(attr::IP_GUARD, 1),
            Attr::u8(attr::TRUSTED, 1),
            nest(&[&[10, 0, 0, 5], &V6]),
            Attr::u32(attr::MAC_MAX, 16),
            Attr::u32(attr::STORM_LIMIT, 1000),
        ]
    }

    #[test]
    fn decode_text_json() {
        let s = Security::from_attrs(&all_set(), false).unwrap();
        assert_eq!(
            s.text_words().join(" "),
            "mac-spoof on dhcp-guard on router-guard on ip-guard on trusted on mac-max 16 \
             storm-limit 1000 ip-allow 10.0.0.5,2001:db8::5"
        );
        assert_eq!(
            crate::output::to_json(&s).unwrap(),
            concat!(
                r#"{"mac_spoof":true,"dhcp_guard":true,"router_guard":true,"ip_guard":true,"#,
                r#""trusted":true,"mac_max":16,"storm_limit":1000,"ip_allow":["10.0.0.5","2001:db8::5"]}"#
            )
        );
        // The defaults as sent (no IP_ALLOW nest without static bindings), and nothing sent
        // (an older module): no words, every JSON key.
        let defaults = [
            Attr::u8(attr::MAC_SPOOF, 0),
            Attr::u8(attr::DHCP_GUARD, 0),
            Attr::u8(attr::ROUTER_GUARD, 0),
            Attr::u8(attr::IP_GUARD, 0),
            Attr::u8(attr::TRUSTED, 0),
            Attr::u32(attr::MAC_MAX, 0),
            Attr::u32(attr::STORM_LIMIT, 0),
        ];
        for a in [&defaults[..], &[]] {
            let s = Security::from_attrs(a, false).unwrap();
            assert_eq!(s.text_words(), Vec::<String>::new());
            assert_eq!(
                crate::output::to_json(&s).unwrap(),
                concat!(
                    r#"{"mac_spoof":false,"dhcp_guard":false,"router_guard":false,"ip_guard":false,"#,
                    r#""trusted":false,"mac_max":0,"storm_limit":0,"ip_allow":[]}"#
                )
            );
        }
        // An empty nest is no address.
        let s = Security::from_attrs(&[nest(&[])], false).unwrap();
        assert!(s.guards.unwrap().ip_allow.is_empty());
        // One word alone.
        let s = Security::from_attrs(&[Attr::u32(attr::STORM_LIMIT, 50)], false).unwrap();
        assert_eq!(s.text_words(), ["storm-limit 50"]);
    }

    #[test]
    fn decode_vf() {
        // A VF port: mac-spoof only, whatever else came.
        let s = Security::from_attrs(&all_set(), true).unwrap();
        assert_eq!(
            s,
            Security {
                mac_spoof: true,
                guards: None
            }
        );
        assert_eq!(s.text_words(), ["mac-spoof on"]);
        assert_eq!(crate::output::to_json(&s).unwrap(), r#"{"mac_spoof":true}"#);
        let s = Security::from_attrs(&[], true).unwrap();
        assert_eq!(s.text_words(), Vec::<String>::new());
        assert_eq!(
            crate::output::to_json(&s).unwrap(),
            r#"{"mac_spoof":false}"#
        );
    }

    #[test]
    fn bad_replies() {
        let bad = |a: Attr| Security::from_attrs(&[a], false).is_err();
        assert!(bad(Attr::u32(attr::MAC_SPOOF, 1)));
        assert!(bad(Attr::u32(attr::TRUSTED, 1)));
        assert!(bad(Attr::u8(attr::MAC_MAX, 1)));
        assert!(bad(Attr::u64(attr::STORM_LIMIT, 1)));
        assert!(bad(nest(&[&[10, 0, 0]])));
        assert!(bad(Attr::bytes(attr::IP_ALLOW, vec![8, 0, 1])));
        assert!(Security::from_attrs(&[Attr::u32(attr::MAC_SPOOF, 1)], true).is_err());
        assert_eq!(addr_of(&[10, 0, 0, 1]), Ok("10.0.0.1".parse().unwrap()));
        assert_eq!(addr_of(&V6), Ok("2001:db8::5".parse().unwrap()));
        assert_eq!(addr_of(&[0; 5]).unwrap_err(), "5 bytes (expected 4 or 16)");
    }
}
