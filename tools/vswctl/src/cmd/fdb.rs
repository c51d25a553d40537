// SPDX-License-Identifier: GPL-2.0
//! `vswctl fdb add|del|show`.

use serde::Serialize;

use super::Request;
use crate::args::{self, set_once, Words};
use crate::netlink::{Attr, Client};
use crate::output::Output;
use crate::uapi::{attr, cmd};
use crate::value::{MacAddr, Name, Vid};
use crate::view::AttrView;
use crate::Error;

/// Syntax lines (clap help).
pub const ADD_USAGE: &str = "SW MAC [vlan VID] port PORT";
pub const DEL_USAGE: &str = "SW MAC [vlan VID]";
pub const SHOW_USAGE: &str = "[SW] [vlan VID] [port PORT]";
pub const FLUSH_USAGE: &str = "SW [port PORT] [vlan VID] [static]";

/// VLAN of an FDB entry when `vlan` is not given.
pub const DEFAULT_VLAN: u16 = 1;

fn sw_mac_attrs(what: &str, w: &mut Words<'_>) -> Result<Vec<Attr>, String> {
    let sw: Name = args::parse("switch name", w.positional(what, "switch name (SW)")?)?;
    let mac: MacAddr = args::parse("MAC address", w.positional(what, "MAC address")?)?;
    Ok(vec![
        Attr::str(attr::SWITCH, &sw),
        Attr::bytes(attr::MAC, mac.octets()),
    ])
}

/// `fdb add SW MAC [vlan VID] port PORT` -> `FDB_NEW` (`VLAN` always sent, default 1).
pub fn add_request(words: &[String]) -> Result<Request, String> {
    let mut w = Words::new(words);
    let mut attrs = sw_mac_attrs("fdb add", &mut w)?;
    let (mut vlan, mut port) = (None, None);
    while let Some(kw) = w.next() {
        match kw {
            "vlan" => set_once(&mut vlan, kw, w.parse::<Vid>(kw)?.0)?,
            "port" | "dev" => set_once(
                &mut port,
                "port",
                args::parse::<Name>("port name", w.value(kw)?)?,
            )?,
            _ => return Err(args::unknown_keyword("fdb add", kw, "vlan or port")),
        }
    }
    let port = port.ok_or("fdb add: missing \"port PORT\"")?;
    attrs.push(Attr::u16(attr::VLAN, vlan.unwrap_or(DEFAULT_VLAN)));
    attrs.push(Attr::str(attr::PORT, &port));
    Ok(Request::doit(cmd::FDB_NEW, attrs))
}

/// `fdb del SW MAC [vlan VID]` -> `FDB_DEL` (`VLAN` always sent, default 1).
pub fn del_request(words: &[String]) -> Result<Request, String> {
    let mut w = Words::new(words);
    let mut attrs = sw_mac_attrs("fdb del", &mut w)?;
    let mut vlan = None;
    while let Some(kw) = w.next() {
        match kw {
            "vlan" => set_once(&mut vlan, kw, w.parse::<Vid>(kw)?.0)?,
            _ => return Err(args::unknown_keyword("fdb del", kw, "vlan")),
        }
    }
    attrs.push(Attr::u16(attr::VLAN, vlan.unwrap_or(DEFAULT_VLAN)));
    Ok(Request::doit(cmd::FDB_DEL, attrs))
}

/// `fdb flush SW [port PORT] [vlan VID] [static]` -> `FDB_FLUSH`: the learned entries (and
/// the static ones too with `static`), of one port and/or VLAN if given.
pub fn flush_request(words: &[String]) -> Result<Request, String> {
    let mut w = Words::new(words);
    let sw: Name = args::parse(
        "switch name",
        w.positional("fdb flush", "switch name (SW)")?,
    )?;
    let mut attrs = vec![Attr::str(attr::SWITCH, &sw)];
    let (mut vlan, mut port, mut statics) = (None, None, None);
    while let Some(kw) = w.next() {
        match kw {
            "vlan" => set_once(&mut vlan, kw, w.parse::<Vid>(kw)?.0)?,
            "port" | "dev" => set_once(
                &mut port,
                "port",
                args::parse::<Name>("port name", w.value(kw)?)?,
            )?,
            "static" => set_once(&mut statics, kw, ())?,
            _ => {
                return Err(args::unknown_keyword(
                    "fdb flush",
                    kw,
                    "port, vlan or static",
                ))
            }
        }
    }
    if let Some(p) = port {
        attrs.push(Attr::str(attr::PORT, &p));
    }
    if let Some(v) = vlan {
        attrs.push(Attr::u16(attr::VLAN, v));
    }
    if statics.is_some() {
        attrs.push(Attr::bytes(attr::STATIC, Vec::new()));
    }
    Ok(Request::doit(cmd::FDB_FLUSH, attrs))
}

/// What `fdb show` asked for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ShowArgs {
    /// None: the FDBs of every switch.
    pub switch: Option<String>,
    pub vlan: Option<u16>,
    pub port: Option<String>,
}

impl ShowArgs {
    pub fn parse(words: &[String]) -> Result<Self, String> {
        let mut w = Words::new(words);
        let mut a = ShowArgs::default();
        if let Some(first) = w.peek() {
            if first != "vlan" && first != "port" {
                w.next();
                a.switch = Some(args::parse::<Name>("switch name", first)?.into());
            }
        }
        while let Some(kw) = w.next() {
            match kw {
                // A filter applied here (the module never sees it), so checked here.
                "vlan" => {
                    let v = w.value(kw)?;
                    let vid = args::parse::<Vid>(kw, v)?
                        .checked()
                        .map_err(|e| e.line(kw, v))?;
                    set_once(&mut a.vlan, kw, vid.0)?
                }
                "port" | "dev" => set_once(
                    &mut a.port,
                    "port",
                    args::parse::<Name>("port name", w.value(kw)?)?.into(),
                )?,
                _ => return Err(args::unknown_keyword("fdb show", kw, "vlan or port")),
            }
        }
        Ok(a)
    }

    /// The `FDB_GET` dump of one switch.
    pub fn request(switch: &str) -> Request {
        Request::dump(cmd::FDB_GET, vec![Attr::str(attr::SWITCH, switch)])
    }

    fn keeps(&self, e: &FdbEntry) -> bool {
        self.vlan.is_none_or(|v| e.vlan == Some(v))
            && self
                .port
                .as_deref()
                .is_none_or(|p| e.port.as_deref() == Some(p))
    }
}

/// One FDB entry (`FDB_GET` dump, FDB events). Field order = JSON key order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FdbEntry {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub switch: Option<String>,
    pub mac: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vlan: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port: Option<String>,
    #[serde(rename = "static")]
    pub is_static: bool,
    /// Seconds since last refreshed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub age: Option<u32>,
}

impl FdbEntry {
    /// Decode reply/event attributes. `MAC` is required; missing values are left out.
    pub fn from_attrs(attrs: &[Attr]) -> Result<Self, Error> {
        let v = AttrView::new(attrs);
        Ok(FdbEntry {
            mac: v.req::<MacAddr>(attr::MAC, "MAC")?.to_string(),
            switch: v.get(attr::SWITCH, "SWITCH")?,
            vlan: v.get(attr::VLAN, "VLAN")?,
            port: v.get(attr::PORT, "PORT")?,
            is_static: v.has(attr::STATIC),
            age: v.get(attr::AGE, "AGE")?,
        })
    }

    /// `02:00:00:00:00:01 vlan 10 port vp1` (the event form, without static/age).
    pub fn text_body(&self) -> String {
        let mut p = vec![self.mac.clone()];
        if let Some(v) = self.vlan {
            p.push(format!("vlan {v}"));
        }
        if let Some(v) = &self.port {
            p.push(format!("port {v}"));
        }
        p.join(" ")
    }

    /// The `show` line: `02:00:00:00:00:01 vlan 10 port vp1 static` or
    /// `... port vp1 age 12`; with `with_switch` (fdb show of all switches) prefixed by
    /// `switch SW `.
    pub fn text_line(&self, with_switch: bool) -> String {
        let mut s = String::new();
        if with_switch {
            if let Some(sw) = &self.switch {
                s.push_str(&format!("switch {sw} "));
            }
        }
        s.push_str(&self.text_body());
        if self.is_static {
            s.push_str(" static");
        } else if let Some(a) = self.age {
            s.push_str(&format!(" age {a}"));
        }
        s
    }
}

/// Decode one `FDB_GET` dump, applying the vlan/port filters.
pub fn decode_all<'a>(
    msgs: impl IntoIterator<Item = &'a [Attr]>,
    filter: &ShowArgs,
) -> Result<Vec<FdbEntry>, Error> {
    let mut out = Vec::new();
    for attrs in msgs {
        let e = FdbEntry::from_attrs(attrs)?;
        if filter.keeps(&e) {
            out.push(e);
        }
    }
    Ok(out)
}

/// `fdb show [SW] [vlan VID] [port PORT]`; without SW the FDBs of all switches.
pub fn show(out: &Output, words: &[String]) -> Result<(), Error> {
    let a = ShowArgs::parse(words).map_err(Error::Usage)?;
    let client = Client::connect()?;
    let switches = match &a.switch {
        Some(sw) => vec![sw.clone()],
        None => super::switch::dump_all(&client, false)?
            .into_iter()
            .map(|s| s.name)
            .collect(),
    };
    let mut list = Vec::new();
    for sw in &switches {
        let msgs = match ShowArgs::request(sw).send(&client) {
            Ok(m) => m,
            // Listing every switch: one deleted since the switch dump is simply gone.
            Err(Error::Netlink(crate::netlink::Error::Kernel { errno, .. }))
                if a.switch.is_none() && (errno == libc::ENODEV || errno == libc::ENOENT) =>
            {
                continue
            }
            Err(e) => return Err(e),
        };
        let mut entries = decode_all(msgs.iter().map(|m| m.attrs.as_slice()), &a)?;
        for e in &mut entries {
            e.switch.get_or_insert_with(|| sw.clone());
        }
        list.extend(entries);
    }
    if out.json {
        out.json(&list)?;
    } else {
        out.lines(list.iter().map(|e| e.text_line(a.switch.is_none())))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    const MAC1: [u8; 6] = [2, 0, 0, 0, 0, 1];

    #[test]
    fn add_requests() {
        let r = add_request(&w("sw0 02:00:00:00:00:01 port vp1")).unwrap();
        assert_eq!(
            r,
            Request::doit(
                cmd::FDB_NEW,
                vec![
                    Attr::str(attr::SWITCH, "sw0"),
                    Attr::bytes(attr::MAC, MAC1.to_vec()),
                    Attr::u16(attr::VLAN, 1),
                    Attr::str(attr::PORT, "vp1"),
                ]
            )
        );
        let r = add_request(&w("sw0 02:00:00:00:00:01 vlan 10 port vp1")).unwrap();
        assert_eq!(r.attrs[2], Attr::u16(attr::VLAN, 10));
        let r = add_request(&w("sw0 02:00:00:00:00:01 port vp1 vlan 4094")).unwrap();
        assert_eq!(r.attrs[2], Attr::u16(attr::VLAN, 4094));
    }

    #[test]
    fn add_errors() {
        let err = |s: &str| add_request(&w(s)).unwrap_err();
        assert_eq!(err(""), "fdb add: missing switch name (SW)");
        assert_eq!(err("sw0"), "fdb add: missing MAC address");
        assert_eq!(
            err("sw0 02:00:00:00:00:01"),
            "fdb add: missing \"port PORT\""
        );
        assert_eq!(
            err("sw0 02:00:00:00:00:01 port"),
            "missing value for \"port\""
        );
        assert!(err("sw0 nomac port vp1").starts_with("invalid MAC address \"nomac\": "));
        assert!(err("sw0 02:00:00:00:00:01 vlan x port vp1").starts_with("invalid vlan \"x\": "));
        assert!(
            err("sw0 02:00:00:00:00:01 vlan 65536 port vp1").starts_with("invalid vlan \"65536\"")
        );
        // Out of 1..4094: the module's policy refuses it (and names the range).
        let r = add_request(&w("sw0 02:00:00:00:00:01 vlan 4095 port vp1")).unwrap();
        assert_eq!(r.attrs[2], Attr::u16(attr::VLAN, 4095));
        assert_eq!(
            err("sw0 02:00:00:00:00:01 port vp1 static"),
            "fdb add: unknown keyword \"static\" (expected vlan or port)"
        );
    }

    #[test]
    fn flush_requests() {
        let r = flush_request(&w("sw0")).unwrap();
        assert_eq!(r.cmd, cmd::FDB_FLUSH);
        assert_eq!(r.attrs, vec![Attr::str(attr::SWITCH, "sw0")]);
        let r = flush_request(&w("sw0 port vp1 vlan 10 static")).unwrap();
        assert_eq!(
            r.attrs,
            vec![
                Attr::str(attr::SWITCH, "sw0"),
                Attr::str(attr::PORT, "vp1"),
                Attr::u16(attr::VLAN, 10),
                Attr::bytes(attr::STATIC, Vec::new()),
            ]
        );
        assert!(flush_request(&w("")).is_err());
        assert_eq!(
            flush_request(&w("sw0 vlan 0")).unwrap().attrs[1],
            Attr::u16(attr::VLAN, 0)
        );
        assert!(flush_request(&w("sw0 vlan x")).is_err());
        assert!(flush_request(&w("sw0 static static")).is_err());
        assert!(flush_request(&w("sw0 bogus")).is_err());
    }

    #[test]
    fn del_requests() {
        let r = del_request(&w("sw0 02:00:00:00:00:01")).unwrap();
        assert_eq!(
            r,
            Request::doit(
                cmd::FDB_DEL,
                vec![
                    Attr::str(attr::SWITCH, "sw0"),
                    Attr::bytes(attr::MAC, MAC1.to_vec()),
                    Attr::u16(attr::VLAN, 1),
                ]
            )
        );
        let r = del_request(&w("sw0 02:00:00:00:00:01 vlan 7")).unwrap();
        assert_eq!(r.attrs[2], Attr::u16(attr::VLAN, 7));
        assert!(del_request(&w("sw0 02:00:00:00:00:01 port vp1"))
            .unwrap_err()
            .contains("unknown keyword \"port\""));
        assert!(del_request(&w("sw0 02:00:00:00:00:01 vlan")).is_err());
    }

    #[test]
    fn show_args() {
        assert_eq!(ShowArgs::parse(&[]).unwrap(), ShowArgs::default());
        let a = ShowArgs::parse(&w("sw0 vlan 10 port vp1")).unwrap();
        assert_eq!(
            a,
            ShowArgs {
                switch: Some("sw0".into()),
                vlan: Some(10),
                port: Some("vp1".into())
            }
        );
        assert_eq!(ShowArgs::parse(&w("port vp1")).unwrap().switch, None);
        assert!(ShowArgs::parse(&w("sw0 sw1")).is_err());
        // The vlan filter is applied here, so its range is checked here.
        assert_eq!(
            ShowArgs::parse(&w("sw0 vlan 5000")).unwrap_err(),
            "invalid vlan \"5000\": VLAN id must be in 1..4094"
        );
        assert!(ShowArgs::parse(&w("sw0 vlan 0")).is_err());
        assert!(ShowArgs::parse(&w("sw0 vlan x")).is_err());
        assert_eq!(
            ShowArgs::request("sw0"),
            Request::dump(cmd::FDB_GET, vec![Attr::str(attr::SWITCH, "sw0")])
        );
    }

    fn entry(mac_last: u8, vlan: u16, port: &str, stat: bool, age: u32) -> Vec<Attr> {
        let mut v = vec![
            Attr::str(attr::SWITCH, "sw0"),
            Attr::bytes(attr::MAC, vec![2, 0, 0, 0, 0, mac_last]),
            Attr::u16(attr::VLAN, vlan),
            Attr::str(attr::PORT, port),
        ];
        if stat {
            v.push(Attr::bytes(attr::STATIC, vec![]));
        }
        v.push(Attr::u32(attr::AGE, age));
        v
    }

    #[test]
    fn text_and_json() {
        let e1 = entry(1, 10, "vp1", true, 0);
        let e2 = entry(2, 1, "vp2", false, 12);
        let all = ShowArgs::default();
        let list = decode_all([e1.as_slice(), e2.as_slice()], &all).unwrap();
        assert_eq!(
            list[0].text_line(false),
            "02:00:00:00:00:01 vlan 10 port vp1 static"
        );
        assert_eq!(
            list[1].text_line(false),
            "02:00:00:00:00:02 vlan 1 port vp2 age 12"
        );
        assert_eq!(
            list[1].text_line(true),
            "switch sw0 02:00:00:00:00:02 vlan 1 port vp2 age 12"
        );
        assert_eq!(
            crate::output::to_json(&list).unwrap(),
            concat!(
                r#"[{"switch":"sw0","mac":"02:00:00:00:00:01","vlan":10,"port":"vp1","static":true,"age":0},"#,
                r#"{"switch":"sw0","mac":"02:00:00:00:00:02","vlan":1,"port":"vp2","static":false,"age":12}]"#
            )
        );
        let f = ShowArgs {
            vlan: Some(10),
            ..Default::default()
        };
        assert_eq!(
            decode_all([e1.as_slice(), e2.as_slice()], &f)
                .unwrap()
                .len(),
            1
        );
        let f = ShowArgs {
            port: Some("vp2".into()),
            ..Default::default()
        };
        let l = decode_all([e1.as_slice(), e2.as_slice()], &f).unwrap();
        assert_eq!(l.len(), 1);
        assert_eq!(l[0].mac, "02:00:00:00:00:02");
    }

    #[test]
    fn bad_entries() {
        assert!(FdbEntry::from_attrs(&[Attr::str(attr::SWITCH, "sw0")]).is_err());
        assert!(FdbEntry::from_attrs(&[Attr::bytes(attr::MAC, vec![1; 5])]).is_err());
        let bad = [Attr::bytes(attr::MAC, vec![1; 6]), Attr::u32(attr::VLAN, 1)];
        assert!(FdbEntry::from_attrs(&bad).is_err());
    }
}
