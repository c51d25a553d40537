// SPDX-License-Identifier: GPL-2.0
//! `vswctl monitor [switch] [port] [fdb] [vmq] [acl]`: print the events of the `events` multicast group,
//! one line each, until killed.

use serde::Serialize;

use super::acl::AclEntry;
use super::fdb::FdbEntry;
use super::port::PortInfo;
use super::switch::SwitchInfo;
use super::vmq::VmqMove;
use crate::netlink::{Attr, Client, Message};
use crate::output::Output;
use crate::uapi::{self, attr, cmd};
use crate::view::AttrView;
use crate::Error;

/// Syntax line (clap help).
pub const USAGE: &str = "[switch] [port] [fdb] [vmq] [acl] (default: all)";

/// Which objects to print.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Filter {
    pub switch: bool,
    pub port: bool,
    pub fdb: bool,
    /// VMQ balancer moves.
    pub vmq: bool,
    /// ACL rules and defaults.
    pub acl: bool,
}

impl Filter {
    pub fn parse(words: &[String]) -> Result<Self, String> {
        const ALL: Filter = Filter {
            switch: true,
            port: true,
            fdb: true,
            vmq: true,
            acl: true,
        };
        if words.is_empty() {
            return Ok(ALL);
        }
        let mut f = Filter {
            switch: false,
            port: false,
            fdb: false,
            vmq: false,
            acl: false,
        };
        for w in words {
            match w.as_str() {
                "switch" => f.switch = true,
                "port" => f.port = true,
                "fdb" => f.fdb = true,
                "vmq" => f.vmq = true,
                "acl" => f.acl = true,
                "all" => f = ALL,
                _ => {
                    return Err(crate::args::unknown_keyword(
                        "monitor",
                        w,
                        "switch, port, fdb, vmq, acl or all",
                    ))
                }
            }
        }
        Ok(f)
    }

    fn keeps(&self, ev: &Event) -> bool {
        match ev.object {
            Object::Switch(_) => self.switch,
            Object::Port(_) => self.port,
            Object::Fdb(_) | Object::FdbFlush(_) => self.fdb,
            Object::VmqMove(_) => self.vmq,
            Object::Acl(_) => self.acl,
        }
    }
}

/// The object an event is about, with the attributes the kernel sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Object {
    Switch(SwitchInfo),
    Port(PortInfo),
    Fdb(FdbEntry),
    FdbFlush(FdbFlush),
    VmqMove(VmqMove),
    Acl(AclEntry),
}

/// An `fdb flush` event: which entries went (all dynamic ones of the switch when neither
/// `port` nor `vlan` is given).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FdbFlush {
    pub switch: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vlan: Option<u16>,
}

impl FdbFlush {
    fn from_attrs(a: &[Attr]) -> Result<Self, Error> {
        let v = AttrView::new(a);
        Ok(FdbFlush {
            switch: v.req(attr::SWITCH, "SWITCH")?,
            port: v.get(attr::PORT, "PORT")?,
            vlan: v.get(attr::VLAN, "VLAN")?,
        })
    }

    fn text_body(&self) -> String {
        let mut p = Vec::new();
        if let Some(v) = &self.port {
            p.push(format!("port {v}"));
        }
        if let Some(v) = self.vlan {
            p.push(format!("vlan {v}"));
        }
        p.join(" ")
    }
}

/// One decoded event: `verb` is `switch add`, `port del`, `fdb add`, `vmq move`,
/// `acl add`, ...
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Event {
    #[serde(rename = "event")]
    pub verb: &'static str,
    #[serde(flatten)]
    pub object: Object,
}

impl Event {
    /// Decode a multicast message; `None` for commands that are not events.
    /// Stats are dropped unless `stats`.
    pub fn from_message(m: &Message, stats: bool) -> Result<Option<Self>, Error> {
        let a = m.attrs.as_slice();
        let sw = |verb| -> Result<Option<Event>, Error> {
            let mut s = SwitchInfo::from_attrs(a)?;
            if !stats {
                s.stats = None;
            }
            // A deleted switch's event only names it: it has no settings to show.
            if verb == "switch del" {
                s.group_fwd_mask = None;
            }
            Ok(Some(Event {
                verb,
                object: Object::Switch(s),
            }))
        };
        let port = |verb| -> Result<Option<Event>, Error> {
            let mut p = PortInfo::from_attrs(a)?;
            if !stats {
                p.stats = None;
            }
            // A deleted port's event only names it (and its switch): no settings to show.
            if verb == "port del" {
                p.security = None;
            }
            Ok(Some(Event {
                verb,
                object: Object::Port(p),
            }))
        };
        let fdb = |verb| -> Result<Option<Event>, Error> {
            Ok(Some(Event {
                verb,
                object: Object::Fdb(FdbEntry::from_attrs(a)?),
            }))
        };
        let acl = |verb, default| -> Result<Option<Event>, Error> {
            let mut e = AclEntry::from_attrs(a, None)?;
            if default {
                e.default = true;
                e.prio = None;
            }
            Ok(Some(Event {
                verb,
                object: Object::Acl(e),
            }))
        };
        match m.cmd {
            cmd::SWITCH_NEW => sw("switch add"),
            cmd::SWITCH_SET => sw("switch set"),
            cmd::SWITCH_DEL => sw("switch del"),
            cmd::PORT_NEW => port("port add"),
            cmd::PORT_SET => port("port set"),
            cmd::PORT_DEL => port("port del"),
            cmd::FDB_NEW => fdb("fdb add"),
            cmd::FDB_DEL => fdb("fdb del"),
            cmd::FDB_FLUSH => Ok(Some(Event {
                verb: "fdb flush",
                object: Object::FdbFlush(FdbFlush::from_attrs(a)?),
            })),
            cmd::VMQ_MOVE => Ok(Some(Event {
                verb: "vmq move",
                object: Object::VmqMove(VmqMove::from_attrs(a)?),
            })),
            cmd::ACL_NEW => acl("acl add", false),
            cmd::ACL_DEL => acl("acl del", false),
            cmd::ACL_DEFAULT => acl("acl default", true),
            _ => Ok(None),
        }
    }

    /// The text line:
    /// - `switch add sw0 uplink eth0 ageing 300 fdb-max 8192 fdb 0 vmq dynamic low 10 ...`
    ///   (also `switch set`), `switch del sw0`;
    /// - `port add|set|del vp1 switch sw0 mac ... mtu ... mode ... carrier ... ifindex ...`;
    /// - `fdb add|del sw0 02:00:00:00:00:01 vlan 10 port vp1`, `fdb flush sw0 [port vp1]
    ///   [vlan 10]`;
    /// - `vmq move sw0 port p1 queue 2 irq 53 cpu 0 -> 2 load 12.34%`;
    /// - `acl add|del p1 in prio 10 proto ipv4 ... deny`, `acl default p1 in allow`.
    ///
    /// Parts the kernel did not send are left out.
    pub fn text_line(&self) -> String {
        let (name, body) = match &self.object {
            Object::Switch(s) if self.verb == "switch del" => (s.name.as_str(), String::new()),
            Object::Switch(s) => {
                let mut body = s.text_body();
                if let Some(v) = s.vmq_text() {
                    if !body.is_empty() {
                        body.push(' ');
                    }
                    body.push_str(&v);
                }
                (s.name.as_str(), body)
            }
            Object::Port(p) => (p.name.as_str(), p.text_body()),
            Object::Fdb(f) => (f.switch.as_deref().unwrap_or("?"), f.text_body()),
            Object::FdbFlush(f) => (f.switch.as_str(), f.text_body()),
            Object::VmqMove(m) => (m.switch.as_str(), m.text_body()),
            Object::Acl(e) => (e.port.as_str(), e.event_body()),
        };
        let mut s = format!("{} {}", self.verb, name);
        if !body.is_empty() {
            s.push(' ');
            s.push_str(&body);
        }
        s
    }
}

/// An event's text line, after `[TIME] ` with `-t` (as `ip -ts monitor`).
pub fn stamped_line(ev: &Event, stamp: Option<String>) -> String {
    match stamp {
        Some(t) => format!("[{t}] {}", ev.text_line()),
        None => ev.text_line(),
    }
}

/// An event's JSON object, with a `timestamp` key (last) with `-t`.
pub fn stamped_json(ev: &Event, stamp: Option<String>) -> std::io::Result<serde_json::Value> {
    let mut v = serde_json::to_value(ev).map_err(std::io::Error::other)?;
    if let (Some(t), Some(obj)) = (stamp, v.as_object_mut()) {
        obj.insert("timestamp".into(), t.into());
    }
    Ok(v)
}

/// Print the events until killed (or stdout goes away).
pub fn run(out: &Output, words: &[String]) -> Result<(), Error> {
    let filter = Filter::parse(words).map_err(Error::Usage)?;
    // A dedicated socket: requests and events on one socket are not demultiplexed.
    let client = Client::connect()?;
    client.subscribe(uapi::MCGRP_EVENTS)?;
    let mut failures = 0;
    loop {
        let msgs = match client.next_events() {
            Ok(m) => {
                failures = 0;
                m
            }
            // E.g. ENOBUFS after an event burst: say so and keep listening.
            Err(e) => {
                failures += 1;
                if failures >= 10 {
                    return Err(e.into());
                }
                eprintln!("vswctl: monitor: {e}");
                continue;
            }
        };
        for m in &msgs {
            let ev = match Event::from_message(m, out.stats) {
                Ok(Some(ev)) => ev,
                Ok(None) => continue,
                Err(e) => {
                    eprintln!("vswctl: monitor: event cmd {}: {e}", m.cmd);
                    continue;
                }
            };
            if !filter.keeps(&ev) {
                continue;
            }
            // Stamped when read: the event carries no time of its own.
            let stamp = out
                .timestamp
                .then(|| crate::output::utc_timestamp(std::time::SystemTime::now()));
            if out.json {
                out.json(&stamped_json(&ev, stamp)?)?;
            } else {
                out.line(stamped_line(&ev, stamp))?;
            }
            out.flush()?;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::netlink::Attr;
    use crate::uapi::{attr, vlan_mode};

    fn msg(cmd: u8, attrs: Vec<Attr>) -> Message {
        Message {
            cmd,
            version: uapi::FAMILY_VERSION,
            attrs,
        }
    }

    fn switch_attrs() -> Vec<Attr> {
        vec![
            Attr::str(attr::SWITCH, "sw0"),
            Attr::str(attr::UPLINK, "eth0"),
            Attr::u32(attr::AGEING, 300),
            Attr::u32(attr::FDB_MAX, 8192),
            Attr::u32(attr::FDB_COUNT, 0),
        ]
    }

    fn port_attrs() -> Vec<Attr> {
        vec![
            Attr::str(attr::PORT, "vp1"),
            Attr::str(attr::SWITCH, "sw0"),
            Attr::u32(attr::IFINDEX, 7),
            Attr::bytes(attr::MAC, vec![2, 0, 0, 0, 0, 1]),
            Attr::u32(attr::MTU, 1500),
            Attr::u8(attr::VLAN_MODE, vlan_mode::ACCESS),
            Attr::u16(attr::PVID, 10),
            Attr::u8(attr::CARRIER, 0),
        ]
    }

    fn fdb_attrs() -> Vec<Attr> {
        vec![
            Attr::str(attr::SWITCH, "sw0"),
            Attr::bytes(attr::MAC, vec![2, 0, 0, 0, 0, 1]),
            Attr::u16(attr::VLAN, 10),
            Attr::str(attr::PORT, "vp1"),
            Attr::bytes(attr::STATIC, vec![]),
            Attr::u32(attr::AGE, 0),
        ]
    }

    /// The VMQ attributes `fill_switch` adds (hardware backend).
    fn switch_vmq_attrs() -> Vec<Attr> {
        let mut v = switch_attrs();
        v.extend([
            Attr::u8(attr::VMQ_MODE, uapi::vmq_mode::DYNAMIC),
            Attr::u32(attr::VMQ_LOW, 10),
            Attr::u32(attr::VMQ_HIGH, 70),
            Attr::u32(attr::VMQ_INTERVAL, 1000),
            Attr::u32(attr::VMQ_BASE_CPU, 0),
            Attr::u32(attr::VMQ_MAX_CPUS, 0),
            Attr::u32(attr::VMQ_MAX_QUEUES, 0),
            Attr::u8(attr::VMQ_SKIP_SMT, 0),
            Attr::u8(attr::VMQ_BACKEND, uapi::vmq_backend::HARDWARE),
            Attr::u32(attr::VMQ_RINGS, 4),
            Attr::u64(attr::MOVES, 3),
        ]);
        v
    }

    fn move_attrs() -> Vec<Attr> {
        vec![
            Attr::str(attr::SWITCH, "sw0"),
            Attr::str(attr::PORT, "p1"),
            Attr::u32(attr::QUEUE, 2),
            Attr::u32(attr::IRQ, 53),
            Attr::u32(attr::FROM_CPU, 0),
            Attr::u32(attr::CPU, 2),
            Attr::u32(attr::LOAD, 1234),
        ]
    }

    fn acl_attrs() -> Vec<Attr> {
        vec![
            Attr::str(attr::PORT, "p1"),
            Attr::u8(attr::DIR, uapi::acl_dir::IN),
            Attr::u32(attr::PRIO, 10),
            Attr::u16(attr::ETHERTYPE, 0x0800),
            Attr::u8(attr::IP_PROTO, 6),
            Attr::u16(attr::DPORT_MIN, 80),
            Attr::u16(attr::DPORT_MAX, 80),
            Attr::u8(attr::ACTION, uapi::acl_action::DENY),
        ]
    }

    #[test]
    fn acl_events() {
        assert_eq!(
            line(cmd::ACL_NEW, acl_attrs()),
            "acl add p1 in prio 10 proto ipv4 ip-proto tcp dport 80 deny"
        );
        assert_eq!(
            line(cmd::ACL_DEL, acl_attrs()[..3].to_vec()),
            "acl del p1 in prio 10"
        );
        let d = vec![
            Attr::str(attr::PORT, "p1"),
            Attr::u8(attr::DIR, uapi::acl_dir::OUT),
            Attr::u8(attr::ACTION, uapi::acl_action::ALLOW),
        ];
        assert_eq!(
            line(cmd::ACL_DEFAULT, d.clone()),
            "acl default p1 out allow"
        );
        assert_eq!(
            json(cmd::ACL_DEFAULT, d),
            r#"{"event":"acl default","port":"p1","dir":"out","prio":null,"default":true,"action":"allow"}"#
        );
        assert_eq!(
            json(cmd::ACL_NEW, acl_attrs()),
            r#"{"event":"acl add","port":"p1","dir":"in","prio":10,"default":false,"action":"deny","proto":"ipv4","ip_proto":"tcp","dport":"80"}"#
        );
        let f = Filter::parse(&["acl".to_string()]).unwrap();
        let ev = Event::from_message(&msg(cmd::ACL_NEW, acl_attrs()), false)
            .unwrap()
            .unwrap();
        assert!(f.keeps(&ev) && Filter::parse(&[]).unwrap().keeps(&ev));
        assert!(!Filter::parse(&["fdb".to_string()]).unwrap().keeps(&ev));
        // ACL_GET is a dump reply, never an event; an ACL event without DIR is bad.
        assert_eq!(
            Event::from_message(&msg(cmd::ACL_GET, vec![]), false).unwrap(),
            None
        );
        assert!(
            Event::from_message(&msg(cmd::ACL_NEW, vec![Attr::str(attr::PORT, "p1")]), false)
                .is_err()
        );
    }

    fn line(cmd: u8, attrs: Vec<Attr>) -> String {
        Event::from_message(&msg(cmd, attrs), false)
            .unwrap()
            .unwrap()
            .text_line()
    }

    fn json(cmd: u8, attrs: Vec<Attr>) -> String {
        crate::output::to_json(
            &Event::from_message(&msg(cmd, attrs), false)
                .unwrap()
                .unwrap(),
        )
        .unwrap()
    }

    #[test]
    fn timestamps() {
        let ev = Event::from_message(&msg(cmd::SWITCH_NEW, switch_attrs()), false)
            .unwrap()
            .unwrap();
        let t = Some("2026-11-27T22:20:45.000001Z".to_string());
        let l = stamped_line(&ev, t.clone());
        assert_eq!(
            l,
            format!("[2026-11-27T22:20:45.000001Z] {}", ev.text_line())
        );
        assert_eq!(stamped_line(&ev, None), ev.text_line());
        let j = stamped_json(&ev, t).unwrap();
        assert_eq!(j["timestamp"], "2026-11-27T22:20:45.000001Z");
        assert_eq!(j["switch"], serde_json::to_value(&ev).unwrap()["switch"]);
        assert!(stamped_json(&ev, None).unwrap().get("timestamp").is_none());
    }

    #[test]
    fn text_lines() {
        assert_eq!(
            line(cmd::SWITCH_NEW, switch_attrs()),
            "switch add sw0 uplink eth0 ageing 300 fdb-max 8192 fdb 0"
        );
        assert_eq!(
            line(cmd::SWITCH_SET, switch_attrs()),
            "switch set sw0 uplink eth0 ageing 300 fdb-max 8192 fdb 0"
        );
        assert_eq!(line(cmd::SWITCH_DEL, switch_attrs()), "switch del sw0");
        assert_eq!(
            line(cmd::SWITCH_DEL, vec![Attr::str(attr::SWITCH, "sw0")]),
            "switch del sw0"
        );
        assert_eq!(
            line(cmd::PORT_NEW, port_attrs()),
            "port add vp1 switch sw0 mac 02:00:00:00:00:01 mtu 1500 mode access pvid 10 carrier down ifindex 7"
        );
        assert!(line(cmd::PORT_SET, port_attrs()).starts_with("port set vp1 switch sw0 "));
        assert_eq!(
            line(
                cmd::PORT_DEL,
                vec![Attr::str(attr::PORT, "vp1"), Attr::str(attr::SWITCH, "sw0")]
            ),
            "port del vp1 switch sw0"
        );
        assert_eq!(
            line(cmd::FDB_NEW, fdb_attrs()),
            "fdb add sw0 02:00:00:00:00:01 vlan 10 port vp1"
        );
        assert_eq!(
            line(cmd::FDB_DEL, fdb_attrs()),
            "fdb del sw0 02:00:00:00:00:01 vlan 10 port vp1"
        );
        assert_eq!(
            line(cmd::SWITCH_SET, switch_vmq_attrs()),
            "switch set sw0 uplink eth0 ageing 300 fdb-max 8192 fdb 0 \
             vmq dynamic low 10 high 70 interval 1000ms backend hardware rings 4 moves 3"
        );
        assert_eq!(
            line(cmd::VMQ_MOVE, move_attrs()),
            "vmq move sw0 port p1 queue 2 irq 53 cpu 0 -> 2 load 12.34%"
        );
    }

    #[test]
    fn json_lines() {
        assert_eq!(
            json(cmd::SWITCH_NEW, switch_attrs()),
            r#"{"event":"switch add","name":"sw0","uplink":"eth0","ageing":300,"fdb_max":8192,"fdb_count":0,"group_fwd_mask":0}"#
        );
        assert_eq!(
            json(cmd::SWITCH_DEL, vec![Attr::str(attr::SWITCH, "sw0")]),
            r#"{"event":"switch del","name":"sw0","uplink":null}"#
        );
        assert_eq!(
            json(
                cmd::PORT_DEL,
                vec![Attr::str(attr::PORT, "vp1"), Attr::str(attr::SWITCH, "sw0")]
            ),
            r#"{"event":"port del","name":"vp1","switch":"sw0"}"#
        );
        assert_eq!(
            json(cmd::FDB_NEW, fdb_attrs()),
            r#"{"event":"fdb add","switch":"sw0","mac":"02:00:00:00:00:01","vlan":10,"port":"vp1","static":true,"age":0}"#
        );
        assert_eq!(
            json(cmd::VMQ_MOVE, move_attrs()),
            r#"{"event":"vmq move","switch":"sw0","port":"p1","queue":2,"irq":53,"from_cpu":0,"cpu":2,"load":12.34}"#
        );
        assert_eq!(
            json(cmd::SWITCH_SET, switch_vmq_attrs()),
            concat!(
                r#"{"event":"switch set","name":"sw0","uplink":"eth0","ageing":300,"fdb_max":8192,"fdb_count":0,"#,
                r#""group_fwd_mask":0,"vmq":"dynamic","vmq_low":10,"vmq_high":70,"vmq_interval":1000,"vmq_base_cpu":0,"#,
                r#""vmq_max_cpus":0,"vmq_max_queues":0,"vmq_skip_smt":false,"vmq_backend":"hardware","#,
                r#""vmq_rings":4,"vmq_moves":3}"#
            )
        );
    }

    #[test]
    fn security_events() {
        let mut p = port_attrs();
        p.extend([
            Attr::u8(attr::MAC_SPOOF, 1),
            Attr::u32(attr::STORM_LIMIT, 100),
        ]);
        assert_eq!(
            line(cmd::PORT_SET, p.clone()),
            "port set vp1 switch sw0 mac 02:00:00:00:00:01 mtu 1500 mode access pvid 10 carrier down \
             ifindex 7 mac-spoof on storm-limit 100"
        );
        assert!(json(cmd::PORT_SET, p).ends_with(concat!(
            r#""ifindex":7,"mac_spoof":true,"dhcp_guard":false,"router_guard":false,"#,
            r#""ip_guard":false,"trusted":false,"mac_max":0,"storm_limit":100,"ip_allow":[]}"#
        )));
        let mut s = switch_attrs();
        s.push(Attr::u16(attr::GROUP_FWD_MASK, 0x4001));
        assert_eq!(
            line(cmd::SWITCH_SET, s.clone()),
            "switch set sw0 uplink eth0 ageing 300 fdb-max 8192 fdb 0 group-fwd-mask 0x4001"
        );
        assert!(json(cmd::SWITCH_SET, s).ends_with(r#""fdb_count":0,"group_fwd_mask":16385}"#));
        // Delete events name the object only (the json_lines test has their exact form).
        assert!(!json(cmd::PORT_DEL, port_attrs()).contains("mac_spoof"));
        assert!(!json(cmd::SWITCH_DEL, switch_attrs()).contains("group_fwd_mask"));
    }

    #[test]
    fn non_events_and_bad_events() {
        assert_eq!(
            Event::from_message(&msg(cmd::GET_VERSION, vec![]), false).unwrap(),
            None
        );
        assert_eq!(Event::from_message(&msg(200, vec![]), false).unwrap(), None);
        assert!(Event::from_message(&msg(cmd::PORT_NEW, vec![]), false).is_err());
        assert!(Event::from_message(&msg(cmd::VMQ_MOVE, vec![]), false).is_err());
        // A malformed attribute: the bad-reply error naming it, as in every reply.
        let flush = |vlan: Attr| {
            Event::from_message(
                &msg(cmd::FDB_FLUSH, vec![Attr::str(attr::SWITCH, "sw0"), vlan]),
                false,
            )
        };
        assert_eq!(
            flush(Attr::u32(attr::VLAN, 10)).unwrap_err().to_string(),
            format!(
                "kernel reply has a bad VLAN attribute: attribute {}: expected 2 bytes, got 4",
                attr::VLAN
            )
        );
        assert_eq!(
            flush(Attr::u16(attr::VLAN, 10))
                .unwrap()
                .unwrap()
                .text_line(),
            "fdb flush sw0 vlan 10"
        );
        // VMQ_GET is a dump reply, never an event.
        assert_eq!(
            Event::from_message(&msg(cmd::VMQ_GET, vec![]), false).unwrap(),
            None
        );
    }

    #[test]
    fn filters() {
        let all = Filter::parse(&[]).unwrap();
        assert!(all.switch && all.port && all.fdb && all.vmq && all.acl);
        assert_eq!(Filter::parse(&["all".to_string()]).unwrap(), all);
        let f = Filter::parse(&["fdb".to_string()]).unwrap();
        assert!(!f.switch && !f.port && f.fdb && !f.vmq);
        let v = Filter::parse(&["vmq".to_string()]).unwrap();
        assert!(!v.switch && !v.port && !v.fdb && v.vmq);
        let ev = Event::from_message(&msg(cmd::VMQ_MOVE, move_attrs()), false)
            .unwrap()
            .unwrap();
        assert!(v.keeps(&ev) && !f.keeps(&ev));
        let ev = Event::from_message(&msg(cmd::FDB_NEW, fdb_attrs()), false)
            .unwrap()
            .unwrap();
        assert!(f.keeps(&ev));
        let ev = Event::from_message(&msg(cmd::SWITCH_DEL, switch_attrs()), false)
            .unwrap()
            .unwrap();
        assert!(!f.keeps(&ev));
        assert!(Filter::parse(&["links".to_string()])
            .unwrap_err()
            .contains("unknown keyword \"links\""));
    }
}
