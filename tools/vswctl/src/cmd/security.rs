// SPDX-License-Identifier: GPL-2.0
//! Port security: the `port add|set` words `mac-spoof`, `dhcp-guard`, `router-guard`,
//! `ip-guard`, `trusted`, `ip-allow`, `mac-max`, `storm-limit`, and how `port show` renders a
//! port's settings. (The switch's `group-fwd-mask` is [`crate::value::GroupFwdMask`].)

use serde::Serialize;

use crate::args::{set_once, Words};
use crate::netlink::Attr;
use crate::uapi::{attr, binding_attr};
use crate::value::{self, IpAllow, Limit, OnOff};
use crate::view::AttrView;
use crate::Error;

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
                let addrs = w.parse(kw)?;
                set_once(&mut self.ip_allow, kw, ip_allow_attr(&addrs)?)?;
                return Ok(true);
            }
            "mac-max" => {
                set_once(&mut self.mac_max, kw, w.parse::<Limit>(kw)?.0)?;
                return Ok(true);
            }
            "storm-limit" => {
                set_once(&mut self.storm_limit, kw, w.parse::<Limit>(kw)?.0)?;
                return Ok(true);
            }
            _ => return Ok(false),
        };
        set_once(slot, kw, w.parse::<OnOff>(kw)?.0)?;
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

/// The `IP_ALLOW` nest: one `binding_attr::ADDR` per address (none: empty, which clears).
fn ip_allow_attr(addrs: &IpAllow) -> Result<Attr, String> {
    let kids: Vec<Attr> = addrs
        .0
        .iter()
        .map(|&ip| Attr::bytes(binding_attr::ADDR, value::octets(ip)))
        .collect();
    Attr::nested(attr::IP_ALLOW, &kids).map_err(|e| e.to_string())
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
    pub ip_allow: IpAllow,
}

impl Security {
    /// Decode from reply/event attributes; `vf`: the port is a VF port.
    pub fn from_attrs(attrs: &[Attr], vf: bool) -> Result<Self, Error> {
        let v = AttrView::new(attrs);
        let flag = |k, what| -> Result<bool, Error> { Ok(v.get(k, what)?.unwrap_or(false)) };
        let limit = |k, what| -> Result<u32, Error> { Ok(v.get(k, what)?.unwrap_or(0)) };
        let mac_spoof = flag(attr::MAC_SPOOF, "MAC_SPOOF")?;
        if vf {
            return Ok(Security {
                mac_spoof,
                guards: None,
            });
        }
        let ip_allow = match v.get::<Vec<Attr>>(attr::IP_ALLOW, "IP_ALLOW")? {
            Some(kids) => AttrView::new(&kids).all(binding_attr::ADDR, "IP_ALLOW/ADDR")?,
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
                ip_allow: IpAllow(ip_allow),
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
                p.push(format!("{kw} {}", Limit(n)));
            }
        }
        if !g.ip_allow.0.is_empty() {
            p.push(format!("ip-allow {}", g.ip_allow));
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
        assert!(s.guards.unwrap().ip_allow.0.is_empty());
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
        let line = |a: Attr| Security::from_attrs(&[a], false).unwrap_err().to_string();
        assert_eq!(
            line(nest(&[&[10, 0, 0]])),
            "kernel reply has a bad IP_ALLOW/ADDR attribute: 3 bytes (expected 4 or 16)"
        );
        assert_eq!(
            line(Attr::u32(attr::TRUSTED, 1)),
            format!(
                "kernel reply has a bad TRUSTED attribute: attribute {}: expected 1 bytes, got 4",
                attr::TRUSTED
            )
        );
    }
}
