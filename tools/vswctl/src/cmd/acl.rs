// SPDX-License-Identifier: GPL-2.0
//! `vswctl acl add|del|default|show`: the per-port, per-direction ACL of a vPort.
//!
//! A rule is `prio N`, match words and `allow|deny`; rules are tried by ascending prio, the
//! first that matches decides, and a frame no rule matches gets the direction's default
//! action. `acl show` prints the rules with the same words as `acl add`, so a rule line
//! can be pasted back after `acl add PORT DIR`.

use std::net::IpAddr;

use serde::Serialize;

use super::Request;
use crate::args::{self, set_once, Words};
use crate::netlink::{Attr, Client};
use crate::output::{self, Output};
use crate::uapi::{attr, cmd};
use crate::value::{AclAction, AclDir, EtherType, IpProto, MacAddr, Name, PortRange, Prefix, Vid};
use crate::view::{bad_reply, AttrView};
use crate::Error;

/// Syntax lines (clap help).
pub const ADD_USAGE: &str = "PORT in|out [prio N] [src-mac MAC] [dst-mac MAC] [vlan VID] \
     [proto ipv4|ipv6|arp|ETHERTYPE] [src IP[/LEN]] [dst IP[/LEN]] \
     [ip-proto tcp|udp|icmp|icmpv6|sctp|udplite|N] [sport P[-P]] [dport P[-P]] allow|deny\n\
     (without prio: after the last rule; allow|deny ends the rule)";
pub const DEL_USAGE: &str = "PORT in|out prio N";
pub const DEFAULT_USAGE: &str = "PORT in|out allow|deny";
pub const SHOW_USAGE: &str = "[PORT] [in|out] (without PORT: every port)";

/// Keywords of a rule (error messages).
const MATCH_KEYWORDS: &str =
    "prio, src-mac, dst-mac, vlan, proto, src, dst, ip-proto, sport, dport, or allow|deny";

/// `PORT in|out`, the start of every ACL command.
fn port_dir_attrs(what: &str, w: &mut Words<'_>) -> Result<Vec<Attr>, String> {
    let port: Name = args::parse("port name", w.positional(what, "port name (PORT)")?)?;
    let dir: AclDir = args::parse("direction", w.positional(what, "direction (in or out)")?)?;
    Ok(vec![
        Attr::str(attr::PORT, &port),
        Attr::u8(attr::DIR, dir.0),
    ])
}

/// The match part of a rule, as given.
#[derive(Debug, Default)]
struct Match {
    src_mac: Option<MacAddr>,
    dst_mac: Option<MacAddr>,
    vlan: Option<Vid>,
    ethertype: Option<EtherType>,
    src: Option<Prefix>,
    dst: Option<Prefix>,
    ip_proto: Option<IpProto>,
    sport: Option<PortRange>,
    dport: Option<PortRange>,
}

impl Match {
    fn push_attrs(self, attrs: &mut Vec<Attr>) {
        if let Some(m) = self.src_mac {
            attrs.push(Attr::bytes(attr::SRC_MAC, m.octets()));
        }
        if let Some(m) = self.dst_mac {
            attrs.push(Attr::bytes(attr::DST_MAC, m.octets()));
        }
        if let Some(v) = self.vlan {
            attrs.push(Attr::u16(attr::VLAN, v.0));
        }
        if let Some(v) = self.ethertype {
            attrs.push(Attr::u16(attr::ETHERTYPE, v.0));
        }
        if let Some(p) = self.src {
            attrs.push(Attr::bytes(attr::SRC_IP, p.octets()));
            attrs.push(Attr::u8(attr::SRC_PLEN, p.prefix_len()));
        }
        if let Some(p) = self.dst {
            attrs.push(Attr::bytes(attr::DST_IP, p.octets()));
            attrs.push(Attr::u8(attr::DST_PLEN, p.prefix_len()));
        }
        if let Some(v) = self.ip_proto {
            attrs.push(Attr::u8(attr::IP_PROTO, v.0));
        }
        if let Some(r) = self.sport {
            attrs.push(Attr::u16(attr::SPORT_MIN, r.lo));
            attrs.push(Attr::u16(attr::SPORT_MAX, r.hi));
        }
        if let Some(r) = self.dport {
            attrs.push(Attr::u16(attr::DPORT_MIN, r.lo));
            attrs.push(Attr::u16(attr::DPORT_MAX, r.hi));
        }
    }
}

/// `acl add PORT in|out [prio N] [match words...] allow|deny` -> `ACL_NEW`.
///
/// Each word is checked here (addresses, prefix lengths, ports, names); whether the
/// combination makes sense (ports need tcp/udp/sctp, no host bits beyond the prefix
/// length, one address family, ...) is the
/// module's call, and its extended ACK message is what the user sees.
pub fn add_request(words: &[String]) -> Result<Request, String> {
    const WHAT: &str = "acl add";
    let mut w = Words::new(words);
    let mut attrs = port_dir_attrs(WHAT, &mut w)?;
    let mut prio = None;
    let mut m = Match::default();
    let mut action = None;
    while let Some(kw) = w.next() {
        if let Ok(a) = kw.parse::<AclAction>() {
            action = Some(a);
            if let Some(extra) = w.next() {
                return Err(format!(
                    "{WHAT}: unexpected \"{extra}\" after \"{kw}\" (the action ends the rule)"
                ));
            }
            break;
        }
        match kw {
            "prio" | "priority" => {
                set_once(&mut prio, "prio", args::parse_u32("prio", w.value(kw)?)?)?
            }
            "src-mac" => set_once(&mut m.src_mac, kw, w.parse(kw)?)?,
            "dst-mac" => set_once(&mut m.dst_mac, kw, w.parse(kw)?)?,
            "vlan" => set_once(&mut m.vlan, kw, w.parse(kw)?)?,
            "proto" => set_once(&mut m.ethertype, kw, w.parse(kw)?)?,
            "src" => set_once(&mut m.src, kw, w.parse(kw)?)?,
            "dst" => set_once(&mut m.dst, kw, w.parse(kw)?)?,
            "ip-proto" => set_once(&mut m.ip_proto, kw, w.parse(kw)?)?,
            "sport" => set_once(&mut m.sport, kw, w.parse(kw)?)?,
            "dport" => set_once(&mut m.dport, kw, w.parse(kw)?)?,
            _ => return Err(args::unknown_keyword(WHAT, kw, MATCH_KEYWORDS)),
        }
    }
    let action = action
        .ok_or_else(|| format!("{WHAT}: missing action (end the rule with allow or deny)"))?;
    if let Some(p) = prio {
        attrs.push(Attr::u32(attr::PRIO, p));
    }
    m.push_attrs(&mut attrs);
    attrs.push(Attr::u8(attr::ACTION, action.0));
    Ok(Request::doit(cmd::ACL_NEW, attrs))
}

/// `acl del PORT in|out prio N` -> `ACL_DEL`.
pub fn del_request(words: &[String]) -> Result<Request, String> {
    const WHAT: &str = "acl del";
    let mut w = Words::new(words);
    let mut attrs = port_dir_attrs(WHAT, &mut w)?;
    let mut prio = None;
    while let Some(kw) = w.next() {
        match kw {
            "prio" | "priority" => {
                set_once(&mut prio, "prio", args::parse_u32("prio", w.value(kw)?)?)?
            }
            _ => return Err(args::unknown_keyword(WHAT, kw, "prio")),
        }
    }
    let prio = prio.ok_or_else(|| format!("{WHAT}: missing \"prio N\" (the rule to delete)"))?;
    attrs.push(Attr::u32(attr::PRIO, prio));
    Ok(Request::doit(cmd::ACL_DEL, attrs))
}

/// `acl default PORT in|out allow|deny` -> `ACL_DEFAULT`.
pub fn default_request(words: &[String]) -> Result<Request, String> {
    const WHAT: &str = "acl default";
    let mut w = Words::new(words);
    let mut attrs = port_dir_attrs(WHAT, &mut w)?;
    let word = w.positional(WHAT, "action (allow or deny)")?;
    let action: AclAction = word
        .parse()
        .map_err(|_| format!("{WHAT}: invalid action \"{word}\" (expected allow or deny)"))?;
    if let Some(extra) = w.next() {
        return Err(format!("{WHAT}: unexpected argument \"{extra}\""));
    }
    attrs.push(Attr::u8(attr::ACTION, action.0));
    Ok(Request::doit(cmd::ACL_DEFAULT, attrs))
}

/// What `acl show` asked for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ShowArgs {
    /// None: the ACLs of every port.
    pub port: Option<String>,
    /// Only this direction (`acl_dir::*`).
    pub dir: Option<u8>,
}

impl ShowArgs {
    pub fn parse(words: &[String]) -> Result<Self, String> {
        let mut a = ShowArgs::default();
        let mut w = Words::new(words);
        if let Some(first) = w.peek() {
            if first != "in" && first != "out" {
                w.next();
                a.port = Some(args::parse::<Name>("port name", first)?.into());
            }
        }
        if let Some(d) = w.next() {
            a.dir = Some(args::parse::<AclDir>("direction", d)?.0);
        }
        if let Some(extra) = w.next() {
            return Err(format!("acl show: unexpected argument \"{extra}\""));
        }
        Ok(a)
    }

    /// The `ACL_GET` dump of one port.
    pub fn request(port: &str) -> Request {
        Request::dump(cmd::ACL_GET, vec![Attr::str(attr::PORT, port)])
    }
}

/// One ACL entry: a rule, or a direction's default (`ACL_GET` dump, ACL events).
/// Field order = JSON key order; match keys only when the rule has them; `prio` is `null`
/// for a default.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AclEntry {
    pub port: String,
    /// `in`, `out` (or the number if unknown).
    pub dir: String,
    pub prio: Option<u32>,
    pub default: bool,
    /// `allow`, `deny` (or the number); absent only in events that do not carry it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hits: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub src_mac: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dst_mac: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vlan: Option<u16>,
    /// EtherType: `ipv4`, `ipv6`, `arp` or `0x88cc`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proto: Option<String>,
    /// `10.0.0.0/24`, `2001:db8::/32`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub src: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dst: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ip_proto: Option<IpProto>,
    /// `80` or `1000-2000`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sport: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dport: Option<String>,
    /// `acl_dir` number (ordering).
    #[serde(skip)]
    pub dir_num: u8,
}

impl AclEntry {
    /// Decode dump/event attributes. `PORT` is required unless `port` is given (the port
    /// the dump was asked for); `DIR` is required; other missing values are left out.
    pub fn from_attrs(attrs: &[Attr], port: Option<&str>) -> Result<Self, Error> {
        let v = AttrView::new(attrs);
        // The address and its length are one value to the user: both named after the address.
        let prefix = |k, kl, what| -> Result<Option<String>, Error> {
            if !v.has(k) {
                return Ok(None);
            }
            let len = v.get(kl, what)?;
            Prefix::new(v.req::<IpAddr>(k, what)?, len)
                .map(|p| Some(p.to_string()))
                .map_err(|e| bad_reply(what, e))
        };
        // A lone bound is a single port.
        let range = |kmin, kmax, what| -> Result<Option<String>, Error> {
            Ok(match (v.get(kmin, what)?, v.get(kmax, what)?) {
                (None, None) => None,
                (lo, hi) => {
                    let lo = lo.or(hi).unwrap_or_default();
                    let hi = hi.unwrap_or(lo);
                    Some(PortRange { lo, hi }.to_string())
                }
            })
        };
        let port = match (v.get(attr::PORT, "PORT")?, port) {
            (Some(p), _) => p,
            (None, Some(p)) => p.to_string(),
            (None, None) => v.req(attr::PORT, "PORT")?,
        };
        let dir_num = v.req(attr::DIR, "DIR")?;
        let default = v.has(attr::DEFAULT);
        let mac = |k, what| -> Result<Option<String>, Error> {
            Ok(v.get::<MacAddr>(k, what)?.map(|m| m.to_string()))
        };
        Ok(AclEntry {
            port,
            dir: AclDir(dir_num).to_string(),
            prio: if default {
                None
            } else {
                v.get(attr::PRIO, "PRIO")?
            },
            default,
            action: v
                .get(attr::ACTION, "ACTION")?
                .map(|a| AclAction(a).to_string()),
            hits: v.get(attr::HITS, "HITS")?,
            src_mac: mac(attr::SRC_MAC, "SRC_MAC")?,
            dst_mac: mac(attr::DST_MAC, "DST_MAC")?,
            vlan: v.get(attr::VLAN, "VLAN")?,
            proto: v
                .get(attr::ETHERTYPE, "ETHERTYPE")?
                .map(|t| EtherType(t).to_string()),
            src: prefix(attr::SRC_IP, attr::SRC_PLEN, "SRC_IP")?,
            dst: prefix(attr::DST_IP, attr::DST_PLEN, "DST_IP")?,
            ip_proto: v.get(attr::IP_PROTO, "IP_PROTO")?.map(IpProto),
            sport: range(attr::SPORT_MIN, attr::SPORT_MAX, "SPORT")?,
            dport: range(attr::DPORT_MIN, attr::DPORT_MAX, "DPORT")?,
            dir_num,
        })
    }

    /// The match words, as `acl add` takes them: `proto ipv4 src 10.0.0.0/24 ip-proto tcp
    /// dport 80` (empty for a rule that matches everything).
    pub fn match_text(&self) -> String {
        let mut p = Vec::new();
        let mut push = |kw: &str, v: Option<String>| {
            if let Some(v) = v {
                p.push(format!("{kw} {v}"));
            }
        };
        push("src-mac", self.src_mac.clone());
        push("dst-mac", self.dst_mac.clone());
        push("vlan", self.vlan.map(|v| v.to_string()));
        push("proto", self.proto.clone());
        push("src", self.src.clone());
        push("dst", self.dst.clone());
        push("ip-proto", self.ip_proto.map(|p| p.to_string()));
        push("sport", self.sport.clone());
        push("dport", self.dport.clone());
        p.join(" ")
    }

    /// The columns of a rule line: `prio 10`, the match words, the action, `hits 7`.
    fn rule_cells(&self) -> [String; 4] {
        [
            self.prio.map_or_else(String::new, |p| format!("prio {p}")),
            self.match_text(),
            self.action.clone().unwrap_or_default(),
            self.hits.map_or_else(String::new, |h| format!("hits {h}")),
        ]
    }

    /// The header line of a direction: `p1 in: default allow (hits 12)`.
    fn default_line(&self) -> String {
        let mut s = format!("{} {}: default", self.port, self.dir);
        if let Some(a) = &self.action {
            s.push_str(&format!(" {a}"));
        }
        if let Some(h) = self.hits {
            s.push_str(&format!(" (hits {h})"));
        }
        s
    }

    /// The event form (after `acl add|del|default PORT`): `in prio 10 proto ipv4 ... deny`,
    /// `in allow` for a default. Parts the kernel did not send are left out.
    pub fn event_body(&self) -> String {
        let mut p = vec![self.dir.clone()];
        if let Some(v) = self.prio {
            p.push(format!("prio {v}"));
        }
        let m = self.match_text();
        if !m.is_empty() {
            p.push(m);
        }
        if let Some(a) = &self.action {
            p.push(a.clone());
        }
        p.join(" ")
    }
}

/// Decode `ACL_GET` dumps (of `port` if given) into display order: by port in the order
/// first seen, then `in` before `out`, each direction's default before its rules, rules by
/// prio. Keeps only direction `dir` if given.
pub fn decode_all<'a>(
    msgs: impl IntoIterator<Item = (&'a [Attr], Option<&'a str>)>,
    dir: Option<u8>,
) -> Result<Vec<AclEntry>, Error> {
    let mut list: Vec<(usize, AclEntry)> = Vec::new();
    let mut ports: Vec<String> = Vec::new();
    for (attrs, port) in msgs {
        let e = AclEntry::from_attrs(attrs, port)?;
        if dir.is_some_and(|d| d != e.dir_num) {
            continue;
        }
        let idx = match ports.iter().position(|p| *p == e.port) {
            Some(i) => i,
            None => {
                ports.push(e.port.clone());
                ports.len() - 1
            }
        };
        list.push((idx, e));
    }
    // Stable: entries the kernel sent in the same place keep their order.
    list.sort_by_key(|(idx, e)| (*idx, e.dir_num, !e.default, e.prio));
    Ok(list.into_iter().map(|(_, e)| e).collect())
}

/// The `acl show` lines: per port and direction the default line, then the rules
/// indented, their columns aligned within the direction.
pub fn text_lines(list: &[AclEntry]) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = list;
    while let Some(first) = rest.first() {
        let n = rest
            .iter()
            .take_while(|e| e.port == first.port && e.dir_num == first.dir_num)
            .count();
        let (group, tail) = rest.split_at(n);
        rest = tail;
        let rules: Vec<&AclEntry> = group.iter().filter(|e| !e.default).collect();
        match group.iter().find(|e| e.default) {
            Some(d) => out.push(d.default_line()),
            // Rules without a default entry (none sent): still name the direction.
            None => out.push(format!("{} {}:", first.port, first.dir)),
        }
        let no_match = rules.iter().all(|e| e.match_text().is_empty());
        let rows: Vec<Vec<String>> = rules
            .iter()
            .map(|e| {
                let mut c = e.rule_cells().to_vec();
                if no_match {
                    c.remove(1);
                }
                c
            })
            .collect();
        out.extend(output::columns(&rows).into_iter().map(|l| format!("  {l}")));
    }
    out
}

/// `acl show [PORT] [in|out]`; without PORT the ACLs of every port.
pub fn show(out: &Output, words: &[String]) -> Result<(), Error> {
    let a = ShowArgs::parse(words).map_err(Error::Usage)?;
    let client = Client::connect()?;
    let ports = match &a.port {
        Some(p) => vec![p.clone()],
        None => {
            let msgs = Request::dump(cmd::PORT_GET, Vec::new()).send(&client)?;
            super::port::decode_all(msgs.iter().map(|m| m.attrs.as_slice()), None, false)?
                .into_iter()
                .map(|p| p.name)
                .collect()
        }
    };
    let mut replies = Vec::new();
    for p in &ports {
        match ShowArgs::request(p).send(&client) {
            Ok(msgs) => replies.extend(msgs.into_iter().map(|m| (m.attrs, p.as_str()))),
            // Listing every port: one deleted since the port dump, or one without an ACL
            // (a VF port), is skipped.
            Err(Error::Netlink(crate::netlink::Error::Kernel { errno, .. }))
                if a.port.is_none()
                    && [libc::ENODEV, libc::ENOENT, libc::EOPNOTSUPP].contains(&errno) =>
            {
                continue
            }
            // The dump fails without a message for an unknown port: name it.
            Err(Error::Netlink(crate::netlink::Error::Kernel { errno, msg: None }))
                if errno == libc::ENOENT =>
            {
                return Err(Error::Netlink(crate::netlink::Error::Kernel {
                    errno,
                    msg: Some(format!("no such port \"{p}\"")),
                }))
            }
            Err(e) => return Err(e),
        }
    }
    let list = decode_all(
        replies
            .iter()
            .map(|(attrs, p)| (attrs.as_slice(), Some(*p))),
        a.dir,
    )?;
    if out.json {
        out.json(&list)?;
    } else {
        for l in text_lines(&list) {
            out.line(l)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::uapi::{acl_action, acl_dir};

    fn w(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn add_minimal() {
        let r = add_request(&w("p1 in deny")).unwrap();
        assert_eq!(
            r,
            Request::doit(
                cmd::ACL_NEW,
                vec![
                    Attr::str(attr::PORT, "p1"),
                    Attr::u8(attr::DIR, acl_dir::IN),
                    Attr::u8(attr::ACTION, acl_action::DENY),
                ]
            )
        );
        let r = add_request(&w("p1 out prio 5 allow")).unwrap();
        assert_eq!(
            r.attrs[1..],
            [
                Attr::u8(attr::DIR, acl_dir::OUT),
                Attr::u32(attr::PRIO, 5),
                Attr::u8(attr::ACTION, acl_action::ALLOW),
            ]
        );
    }

    #[test]
    fn add_full() {
        let full = vec![
            Attr::str(attr::PORT, "p1"),
            Attr::u8(attr::DIR, acl_dir::IN),
            Attr::u32(attr::PRIO, 10),
            Attr::bytes(attr::SRC_MAC, vec![2, 0, 0, 0, 0, 1]),
            Attr::bytes(attr::DST_MAC, vec![2, 0, 0, 0, 0, 2]),
            Attr::u16(attr::VLAN, 10),
            Attr::u16(attr::ETHERTYPE, 0x0800),
            Attr::bytes(attr::SRC_IP, vec![10, 0, 0, 0]),
            Attr::u8(attr::SRC_PLEN, 24),
            Attr::bytes(attr::DST_IP, vec![192, 168, 1, 1]),
            Attr::u8(attr::DST_PLEN, 32),
            Attr::u8(attr::IP_PROTO, 6),
            Attr::u16(attr::SPORT_MIN, 1024),
            Attr::u16(attr::SPORT_MAX, 65535),
            Attr::u16(attr::DPORT_MIN, 80),
            Attr::u16(attr::DPORT_MAX, 80),
            Attr::u8(attr::ACTION, acl_action::DENY),
        ];
        let r = add_request(&w("p1 in prio 10 src-mac 02:00:00:00:00:01 \
             dst-mac 02:00:00:00:00:02 vlan 10 proto ipv4 src 10.0.0.0/24 dst 192.168.1.1 \
             ip-proto tcp sport 1024-65535 dport 80 deny"))
        .unwrap();
        assert_eq!(r.attrs, full);
        // Any order before the action; the attributes come out the same.
        let r = add_request(&w("p1 in dport 80 sport 1024-65535 ip-proto 6 \
             dst 192.168.1.1/32 src 10.0.0.0/24 proto 0x800 vlan 10 \
             dst-mac 02:00:00:00:00:02 src-mac 02:00:00:00:00:01 prio 10 deny"))
        .unwrap();
        assert_eq!(r.attrs, full);
    }

    #[test]
    fn add_ipv6_and_numbers() {
        let r = add_request(&w(
            "p1 out proto ipv6 src 2001:db8::/32 dst ::1 ip-proto icmpv6 allow",
        ))
        .unwrap();
        let mut src = vec![0x20, 0x01, 0x0d, 0xb8];
        src.resize(16, 0);
        let mut lo = vec![0u8; 16];
        lo[15] = 1;
        assert_eq!(
            r.attrs[2..],
            [
                Attr::u16(attr::ETHERTYPE, 0x86dd),
                Attr::bytes(attr::SRC_IP, src),
                Attr::u8(attr::SRC_PLEN, 32),
                Attr::bytes(attr::DST_IP, lo),
                Attr::u8(attr::DST_PLEN, 128),
                Attr::u8(attr::IP_PROTO, 58),
                Attr::u8(attr::ACTION, acl_action::ALLOW),
            ]
        );
        let r = add_request(&w("p1 in proto 0x88cc deny")).unwrap();
        assert_eq!(r.attrs[2], Attr::u16(attr::ETHERTYPE, 0x88cc));
        let r = add_request(&w("p1 in proto arp ip-proto 47 deny")).unwrap();
        assert_eq!(
            r.attrs[2..4],
            [
                Attr::u16(attr::ETHERTYPE, 0x0806),
                Attr::u8(attr::IP_PROTO, 47)
            ]
        );
        // Combinations are the module's call (its extack message is printed), not ours:
        // ports without tcp/udp, host bits beyond the prefix, mixed families.
        assert!(add_request(&w("p1 in proto ipv4 dport 80 deny")).is_ok());
        let r = add_request(&w("p1 in src 10.0.0.1/24 deny")).unwrap();
        assert_eq!(r.attrs[2], Attr::bytes(attr::SRC_IP, vec![10, 0, 0, 1]));
        assert!(add_request(&w("p1 in proto ipv6 src 10.0.0.0/8 deny")).is_ok());
        assert!(add_request(&w("p1 in src 10.0.0.0/8 dst ::/0 deny")).is_ok());
    }

    #[test]
    fn add_errors() {
        let err = |s: &str| add_request(&w(s)).unwrap_err();
        assert_eq!(err(""), "acl add: missing port name (PORT)");
        assert_eq!(err("p1"), "acl add: missing direction (in or out)");
        assert_eq!(
            err("p1 both deny"),
            "invalid direction \"both\" (expected in or out)"
        );
        assert_eq!(
            err("p1 in"),
            "acl add: missing action (end the rule with allow or deny)"
        );
        assert_eq!(
            err("p1 in proto ipv4"),
            "acl add: missing action (end the rule with allow or deny)"
        );
        assert_eq!(
            err("p1 in deny proto ipv4"),
            "acl add: unexpected \"proto\" after \"deny\" (the action ends the rule)"
        );
        assert_eq!(
            err("p1 in allow deny"),
            "acl add: unexpected \"deny\" after \"allow\" (the action ends the rule)"
        );
        assert_eq!(
            err("p1 in colour red deny"),
            format!("acl add: unknown keyword \"colour\" (expected {MATCH_KEYWORDS})")
        );
        assert_eq!(err("p1 in prio"), "missing value for \"prio\"");
        assert_eq!(err("p1 in prio x deny"), "invalid prio \"x\": not a number");
        assert_eq!(
            err("p1 in prio 1 prio 2 deny"),
            "\"prio\" given more than once"
        );
        assert_eq!(
            err("p1 in dport 1 dport 2 deny"),
            "\"dport\" given more than once"
        );
        assert!(err("p1 in src-mac 02:00 deny").starts_with("invalid MAC address \"02:00\""));
        assert!(err("p1 in vlan 65536 deny").starts_with("invalid vlan \"65536\""));
        // In range of a u16 but not a VLAN id: the module's policy refuses it.
        assert_eq!(
            add_request(&w("p1 in vlan 4095 deny")).unwrap().attrs[2],
            Attr::u16(attr::VLAN, 4095)
        );
        assert_eq!(
            err("p1 in src 10.0.0.256 deny"),
            "invalid src \"10.0.0.256\": \"10.0.0.256\" is not an IPv4 or IPv6 address"
        );
        assert_eq!(
            err("p1 in dst 10.0.0.0/33 deny"),
            "invalid dst \"10.0.0.0/33\": prefix length must be 0..32"
        );
        assert_eq!(
            err("p1 in src ::/129 deny"),
            "invalid src \"::/129\": prefix length must be 0..128"
        );
        assert_eq!(
            err("p1 in ip-proto tpc deny"),
            "invalid ip-proto \"tpc\": unknown protocol (expected tcp, udp, icmp, icmpv6, sctp, udplite or a number 0..255)"
        );
        assert_eq!(
            err("p1 in ip-proto 256 deny"),
            "invalid ip-proto \"256\": out of range (max 255)"
        );
        assert_eq!(
            err("p1 in proto ip deny"),
            "invalid proto \"ip\" (expected ipv4, ipv6, arp or an EtherType such as 0x88cc)"
        );
        assert_eq!(
            err("p1 in dport 2000-1000 deny"),
            "invalid dport \"2000-1000\": low end 2000 is above high end 1000"
        );
        assert_eq!(
            err("p1 in sport 70000 deny"),
            "invalid sport \"70000\": port out of range (max 65535)"
        );
        assert_eq!(
            err("p1 in sport http deny"),
            "invalid sport \"http\": expected a port 0..65535 or a range LOW-HIGH"
        );
    }

    #[test]
    fn del_and_default_requests() {
        assert_eq!(
            del_request(&w("p1 out prio 20")).unwrap(),
            Request::doit(
                cmd::ACL_DEL,
                vec![
                    Attr::str(attr::PORT, "p1"),
                    Attr::u8(attr::DIR, acl_dir::OUT),
                    Attr::u32(attr::PRIO, 20),
                ]
            )
        );
        let err = |s: &str| del_request(&w(s)).unwrap_err();
        assert_eq!(
            err("p1 in"),
            "acl del: missing \"prio N\" (the rule to delete)"
        );
        assert_eq!(err("p1"), "acl del: missing direction (in or out)");
        assert_eq!(
            err("p1 in 20"),
            "acl del: unknown keyword \"20\" (expected prio)"
        );
        assert_eq!(err("p1 in prio -1"), "invalid prio \"-1\": not a number");
        assert_eq!(
            default_request(&w("p1 in deny")).unwrap(),
            Request::doit(
                cmd::ACL_DEFAULT,
                vec![
                    Attr::str(attr::PORT, "p1"),
                    Attr::u8(attr::DIR, acl_dir::IN),
                    Attr::u8(attr::ACTION, acl_action::DENY),
                ]
            )
        );
        let err = |s: &str| default_request(&w(s)).unwrap_err();
        assert_eq!(err("p1 in"), "acl default: missing action (allow or deny)");
        assert_eq!(
            err("p1 in drop"),
            "acl default: invalid action \"drop\" (expected allow or deny)"
        );
        assert_eq!(
            err("p1 in allow now"),
            "acl default: unexpected argument \"now\""
        );
        assert!(err("p1 sideways allow").starts_with("invalid direction"));
    }

    #[test]
    fn show_args() {
        assert_eq!(ShowArgs::parse(&[]).unwrap(), ShowArgs::default());
        assert_eq!(
            ShowArgs::parse(&w("p1")).unwrap(),
            ShowArgs {
                port: Some("p1".into()),
                dir: None
            }
        );
        assert_eq!(
            ShowArgs::parse(&w("p1 out")).unwrap(),
            ShowArgs {
                port: Some("p1".into()),
                dir: Some(acl_dir::OUT)
            }
        );
        assert_eq!(ShowArgs::parse(&w("in")).unwrap().dir, Some(acl_dir::IN));
        assert!(ShowArgs::parse(&w("p1 sideways")).is_err());
        assert!(ShowArgs::parse(&w("p1 in out")).is_err());
        assert_eq!(
            ShowArgs::request("p1"),
            Request::dump(cmd::ACL_GET, vec![Attr::str(attr::PORT, "p1")])
        );
    }

    fn default_entry(dir: u8, action: u8, hits: u64) -> Vec<Attr> {
        vec![
            Attr::str(attr::PORT, "p1"),
            Attr::u8(attr::DIR, dir),
            Attr::bytes(attr::DEFAULT, vec![]),
            Attr::u8(attr::ACTION, action),
            Attr::u64(attr::HITS, hits),
        ]
    }

    fn rule(dir: u8, prio: u32, matches: Vec<Attr>, action: u8, hits: u64) -> Vec<Attr> {
        let mut v = vec![
            Attr::str(attr::PORT, "p1"),
            Attr::u8(attr::DIR, dir),
            Attr::u32(attr::PRIO, prio),
        ];
        v.extend(matches);
        v.push(Attr::u8(attr::ACTION, action));
        v.push(Attr::u64(attr::HITS, hits));
        v
    }

    /// A synthetic `ACL_GET` dump of p1, in an order the module might send it (rules
    /// before the defaults, `out` first).
    fn sample_dump() -> Vec<Vec<Attr>> {
        let (i, o) = (acl_dir::IN, acl_dir::OUT);
        let (allow, deny) = (acl_action::ALLOW, acl_action::DENY);
        vec![
            rule(
                o,
                10,
                vec![
                    Attr::u16(attr::ETHERTYPE, 0x88cc),
                    Attr::u8(attr::IP_PROTO, 47),
                ],
                deny,
                1,
            ),
            default_entry(o, allow, 3),
            rule(
                i,
                20,
                vec![
                    Attr::bytes(attr::SRC_MAC, vec![2, 0, 0, 0, 0, 1]),
                    Attr::u16(attr::VLAN, 10),
                    Attr::u16(attr::ETHERTYPE, 0x86dd),
                    Attr::bytes(attr::DST_IP, {
                        let mut v = vec![0x20, 0x01, 0x0d, 0xb8];
                        v.resize(16, 0);
                        v
                    }),
                    Attr::u8(attr::DST_PLEN, 32),
                    Attr::u8(attr::IP_PROTO, 17),
                    Attr::u16(attr::SPORT_MIN, 1000),
                    Attr::u16(attr::SPORT_MAX, 2000),
                ],
                allow,
                0,
            ),
            rule(
                i,
                10,
                vec![
                    Attr::u16(attr::ETHERTYPE, 0x0800),
                    Attr::bytes(attr::SRC_IP, vec![10, 0, 0, 0]),
                    Attr::u8(attr::SRC_PLEN, 24),
                    Attr::u8(attr::IP_PROTO, 6),
                    Attr::u16(attr::DPORT_MIN, 80),
                    Attr::u16(attr::DPORT_MAX, 80),
                ],
                deny,
                7,
            ),
            default_entry(i, allow, 12),
        ]
    }

    fn decode(dump: &[Vec<Attr>], dir: Option<u8>) -> Vec<AclEntry> {
        decode_all(dump.iter().map(|a| (a.as_slice(), Some("p1"))), dir).unwrap()
    }

    #[test]
    fn text_format() {
        let list = decode(&sample_dump(), None);
        assert_eq!(
            text_lines(&list),
            [
                "p1 in: default allow (hits 12)",
                "  prio 10  proto ipv4 src 10.0.0.0/24 ip-proto tcp dport 80                                             deny   hits 7",
                "  prio 20  src-mac 02:00:00:00:00:01 vlan 10 proto ipv6 dst 2001:db8::/32 ip-proto udp sport 1000-2000  allow  hits 0",
                "p1 out: default allow (hits 3)",
                "  prio 10  proto 0x88cc ip-proto 47  deny  hits 1",
            ]
        );
        // A rule line pastes back into `acl add p1 in`.
        let line = &text_lines(&list)[1];
        let mut words = w("p1 in");
        words.extend(w(line).into_iter().take_while(|x| x != "hits"));
        let r = add_request(&words).unwrap();
        assert_eq!(
            r.attrs[2..],
            [
                Attr::u32(attr::PRIO, 10),
                Attr::u16(attr::ETHERTYPE, 0x0800),
                Attr::bytes(attr::SRC_IP, vec![10, 0, 0, 0]),
                Attr::u8(attr::SRC_PLEN, 24),
                Attr::u8(attr::IP_PROTO, 6),
                Attr::u16(attr::DPORT_MIN, 80),
                Attr::u16(attr::DPORT_MAX, 80),
                Attr::u8(attr::ACTION, acl_action::DENY),
            ]
        );
        // Only the defaults (no rules): one line per direction.
        let d = [
            default_entry(acl_dir::IN, acl_action::DENY, 0),
            default_entry(acl_dir::OUT, acl_action::ALLOW, 5),
        ];
        assert_eq!(
            text_lines(&decode(&d, None)),
            [
                "p1 in: default deny (hits 0)",
                "p1 out: default allow (hits 5)"
            ]
        );
        // Rules that match everything: no empty match column.
        let d = [
            default_entry(acl_dir::IN, acl_action::ALLOW, 0),
            rule(acl_dir::IN, 100, vec![], acl_action::DENY, 2),
        ];
        assert_eq!(
            text_lines(&decode(&d, None)),
            ["p1 in: default allow (hits 0)", "  prio 100  deny  hits 2"]
        );
        // Direction filter.
        assert_eq!(
            text_lines(&decode(&sample_dump(), Some(acl_dir::OUT))),
            [
                "p1 out: default allow (hits 3)",
                "  prio 10  proto 0x88cc ip-proto 47  deny  hits 1",
            ]
        );
        assert!(text_lines(&[]).is_empty());
    }

    #[test]
    fn json_format() {
        let list = decode(&sample_dump(), None);
        assert_eq!(
            crate::output::to_json(&list).unwrap(),
            concat!(
                r#"[{"port":"p1","dir":"in","prio":null,"default":true,"action":"allow","hits":12},"#,
                r#"{"port":"p1","dir":"in","prio":10,"default":false,"action":"deny","hits":7,"#,
                r#""proto":"ipv4","src":"10.0.0.0/24","ip_proto":"tcp","dport":"80"},"#,
                r#"{"port":"p1","dir":"in","prio":20,"default":false,"action":"allow","hits":0,"#,
                r#""src_mac":"02:00:00:00:00:01","vlan":10,"proto":"ipv6","dst":"2001:db8::/32","ip_proto":"udp","sport":"1000-2000"},"#,
                r#"{"port":"p1","dir":"out","prio":null,"default":true,"action":"allow","hits":3},"#,
                r#"{"port":"p1","dir":"out","prio":10,"default":false,"action":"deny","hits":1,"proto":"0x88cc","ip_proto":47}]"#
            )
        );
        assert_eq!(crate::output::to_json(&decode(&[], None)).unwrap(), "[]");
    }

    #[test]
    fn several_ports_and_fallback_port() {
        // Entries without PORT take the port the dump was for; ports keep the order seen.
        let a = vec![
            Attr::u8(attr::DIR, acl_dir::IN),
            Attr::bytes(attr::DEFAULT, vec![]),
            Attr::u8(attr::ACTION, acl_action::DENY),
            Attr::u64(attr::HITS, 0),
        ];
        let b = default_entry(acl_dir::IN, acl_action::ALLOW, 1);
        let list = decode_all(
            [(a.as_slice(), Some("p2")), (b.as_slice(), Some("p1"))],
            None,
        )
        .unwrap();
        assert_eq!(
            text_lines(&list),
            [
                "p2 in: default deny (hits 0)",
                "p1 in: default allow (hits 1)"
            ]
        );
        assert!(AclEntry::from_attrs(&a, None).is_err());
    }

    #[test]
    fn bad_entries() {
        let mut no_dir = default_entry(acl_dir::IN, acl_action::ALLOW, 0);
        no_dir.retain(|a| a.kind() != attr::DIR);
        assert!(AclEntry::from_attrs(&no_dir, Some("p1")).is_err());
        for bad in [
            Attr::bytes(attr::SRC_IP, vec![10, 0, 0]),
            Attr::bytes(attr::SRC_MAC, vec![2; 5]),
            Attr::u32(attr::ETHERTYPE, 0x800),
            Attr::u32(attr::HITS, 1),
            Attr::u16(attr::PRIO, 1),
        ] {
            let mut r = rule(acl_dir::IN, 1, vec![], acl_action::DENY, 0);
            r.retain(|a| a.kind() != bad.kind());
            r.push(bad.clone());
            assert!(AclEntry::from_attrs(&r, None).is_err(), "{bad:?}");
        }
        // Unknown direction/action numbers of a newer module: shown as numbers.
        let e = AclEntry::from_attrs(&rule(9, 1, vec![], 7, 0), None).unwrap();
        assert_eq!((e.dir.as_str(), e.action.as_deref()), ("9", Some("7")));
        // A lone SPORT_MIN is a single port; an address without PLEN a host.
        let e = AclEntry::from_attrs(
            &rule(
                acl_dir::IN,
                1,
                vec![
                    Attr::u16(attr::SPORT_MIN, 53),
                    Attr::bytes(attr::SRC_IP, vec![10, 0, 0, 1]),
                ],
                acl_action::DENY,
                0,
            ),
            None,
        )
        .unwrap();
        assert_eq!(e.match_text(), "src 10.0.0.1/32 sport 53");
        // A prefix length beyond the address family's is a bad reply, not a prefix.
        let long = rule(
            acl_dir::IN,
            1,
            vec![
                Attr::bytes(attr::DST_IP, vec![10, 0, 0, 0]),
                Attr::u8(attr::DST_PLEN, 33),
            ],
            acl_action::DENY,
            0,
        );
        assert_eq!(
            AclEntry::from_attrs(&long, None).unwrap_err().to_string(),
            "kernel reply has a bad DST_IP attribute: prefix length 33 is more than 32"
        );
    }

    #[test]
    fn event_body() {
        let e = AclEntry::from_attrs(&sample_dump()[3], None).unwrap();
        assert_eq!(
            e.event_body(),
            "in prio 10 proto ipv4 src 10.0.0.0/24 ip-proto tcp dport 80 deny"
        );
        let e =
            AclEntry::from_attrs(&default_entry(acl_dir::OUT, acl_action::DENY, 0), None).unwrap();
        assert_eq!(e.event_body(), "out deny");
    }
}
