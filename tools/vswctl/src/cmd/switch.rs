// SPDX-License-Identifier: GPL-2.0
//! `vswctl switch add|set|del|show`.

use serde::Serialize;

use super::stats::Stats;
use super::{bad_reply, flag, Request};
use crate::args::{self, set_once, Words};
use crate::netlink::{find, require, Attr, Client};
use crate::output::Output;
use crate::uapi::{attr, cmd};
use crate::Error;

/// Syntax lines (clap help).
pub const ADD_USAGE: &str = "SW [uplink DEV] [ageing SECS] [fdb-max N]";
pub const SET_USAGE: &str = "SW [uplink DEV | nouplink] [ageing SECS] [fdb-max N]";
pub const DEL_USAGE: &str = "SW [-f | force]";
pub const SHOW_USAGE: &str = "[SW]";

/// The keyword part of `switch add` / `switch set`.
#[derive(Debug, Default)]
struct Opts {
    /// `Some(None)`: `nouplink`.
    uplink: Option<Option<String>>,
    ageing: Option<u32>,
    fdb_max: Option<u32>,
}

fn parse_opts(what: &str, w: &mut Words<'_>, set: bool) -> Result<Opts, String> {
    let mut o = Opts::default();
    while let Some(kw) = w.next() {
        match kw {
            "uplink" => {
                let dev = args::parse_name("uplink name", w.value(kw)?)?;
                set_once(&mut o.uplink, kw, Some(dev))
                    .map_err(|_| "\"uplink\"/\"nouplink\" given more than once".to_string())?;
            }
            "nouplink" if set => set_once(&mut o.uplink, kw, None)
                .map_err(|_| "\"uplink\"/\"nouplink\" given more than once".to_string())?,
            "ageing" | "ageing_time" => set_once(
                &mut o.ageing,
                "ageing",
                args::parse_u32("ageing", w.value(kw)?)?,
            )?,
            "fdb-max" | "fdb_max" => set_once(
                &mut o.fdb_max,
                "fdb-max",
                args::parse_u32("fdb-max", w.value(kw)?)?,
            )?,
            _ => {
                let expected = if set {
                    "uplink, nouplink, ageing or fdb-max"
                } else {
                    "uplink, ageing or fdb-max"
                };
                return Err(args::unknown_keyword(what, kw, expected));
            }
        }
    }
    Ok(o)
}

fn name_attr(what: &str, w: &mut Words<'_>) -> Result<Attr, String> {
    let name = w.positional(what, "switch name (SW)")?;
    Ok(Attr::str(
        attr::SWITCH,
        &args::parse_name("switch name", name)?,
    ))
}

fn opts_attrs(o: Opts, attrs: &mut Vec<Attr>) {
    match o.uplink {
        Some(Some(dev)) => attrs.push(Attr::str(attr::UPLINK, &dev)),
        Some(None) => attrs.push(flag(attr::NO_UPLINK)),
        None => {}
    }
    if let Some(v) = o.ageing {
        attrs.push(Attr::u32(attr::AGEING, v));
    }
    if let Some(v) = o.fdb_max {
        attrs.push(Attr::u32(attr::FDB_MAX, v));
    }
}

/// `switch add SW [uplink DEV] [ageing SECS] [fdb-max N]` -> `SWITCH_NEW`.
pub fn add_request(words: &[String]) -> Result<Request, String> {
    let mut w = Words::new(words);
    let mut attrs = vec![name_attr("switch add", &mut w)?];
    opts_attrs(parse_opts("switch add", &mut w, false)?, &mut attrs);
    Ok(Request::doit(cmd::SWITCH_NEW, attrs))
}

/// `switch set SW [uplink DEV | nouplink] [ageing SECS] [fdb-max N]` -> `SWITCH_SET`.
pub fn set_request(words: &[String]) -> Result<Request, String> {
    let mut w = Words::new(words);
    let mut attrs = vec![name_attr("switch set", &mut w)?];
    let o = parse_opts("switch set", &mut w, true)?;
    if o.uplink.is_none() && o.ageing.is_none() && o.fdb_max.is_none() {
        return Err(
            "switch set: nothing to change (give uplink, nouplink, ageing or fdb-max)".into(),
        );
    }
    opts_attrs(o, &mut attrs);
    Ok(Request::doit(cmd::SWITCH_SET, attrs))
}

/// `switch del SW [-f | force]` -> `SWITCH_DEL` (+ `FORCE`).
pub fn del_request(words: &[String], mut force: bool) -> Result<Request, String> {
    let mut w = Words::new(words);
    let mut attrs = vec![name_attr("switch del", &mut w)?];
    while let Some(kw) = w.next() {
        match kw {
            "force" | "-f" | "--force" => force = true,
            _ => return Err(args::unknown_keyword("switch del", kw, "force")),
        }
    }
    if force {
        attrs.push(flag(attr::FORCE));
    }
    Ok(Request::doit(cmd::SWITCH_DEL, attrs))
}

/// `switch show [SW]` -> `SWITCH_GET` doit with `SWITCH`, or a dump.
pub fn show_request(words: &[String]) -> Result<Request, String> {
    let mut w = Words::new(words);
    let Some(name) = w.next() else {
        return Ok(Request::dump(cmd::SWITCH_GET, Vec::new()));
    };
    if let Some(extra) = w.next() {
        return Err(format!("switch show: unexpected argument \"{extra}\""));
    }
    Ok(Request::doit(
        cmd::SWITCH_GET,
        vec![Attr::str(
            attr::SWITCH,
            &args::parse_name("switch name", name)?,
        )],
    ))
}

/// One switch as the kernel describes it (`SWITCH_GET` reply, switch events).
/// Field order = JSON key order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SwitchInfo {
    pub name: String,
    /// `null` when the switch has no uplink.
    pub uplink: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ageing: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fdb_max: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fdb_count: Option<u32>,
    /// Only with `-s` (and if the kernel sent `STATS`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stats: Option<Stats>,
}

fn opt_u32(attrs: &[Attr], kind: u16, what: &str) -> Result<Option<u32>, Error> {
    find(attrs, kind)
        .map(|a| a.as_u32().map_err(|e| bad_reply(what, e)))
        .transpose()
}

impl SwitchInfo {
    /// Decode reply/event attributes. `SWITCH` is required; missing values are left out.
    pub fn from_attrs(attrs: &[Attr]) -> Result<Self, Error> {
        Ok(SwitchInfo {
            name: require(attrs, attr::SWITCH, "SWITCH")?.as_string(),
            uplink: find(attrs, attr::UPLINK)
                .map(Attr::as_string)
                .filter(|s| !s.is_empty()),
            ageing: opt_u32(attrs, attr::AGEING, "AGEING")?,
            fdb_max: opt_u32(attrs, attr::FDB_MAX, "FDB_MAX")?,
            fdb_count: opt_u32(attrs, attr::FDB_COUNT, "FDB_COUNT")?,
            stats: Stats::from_reply(attrs)?,
        })
    }

    /// `uplink eth0 ageing 300 fdb-max 8192 fdb 3` (parts the kernel did not send are
    /// left out; no uplink: no `uplink` part).
    pub fn text_body(&self) -> String {
        let mut parts = Vec::new();
        if let Some(u) = &self.uplink {
            parts.push(format!("uplink {u}"));
        }
        if let Some(v) = self.ageing {
            parts.push(format!("ageing {v}"));
        }
        if let Some(v) = self.fdb_max {
            parts.push(format!("fdb-max {v}"));
        }
        if let Some(v) = self.fdb_count {
            parts.push(format!("fdb {v}"));
        }
        parts.join(" ")
    }

    /// The `show` lines: `sw0: uplink eth0 ageing 300 fdb-max 8192 fdb 3`, then with `-s`
    /// the stats lines.
    pub fn text_lines(&self, stats: bool) -> Vec<String> {
        super::stats::object_lines(&self.name, &self.text_body(), self.stats.as_ref(), stats)
    }
}

/// Decode the reply messages of a `SWITCH_GET`; drops the stats unless `-s`.
pub fn decode_all<'a>(
    msgs: impl IntoIterator<Item = &'a [Attr]>,
    stats: bool,
) -> Result<Vec<SwitchInfo>, Error> {
    msgs.into_iter()
        .map(|attrs| {
            let mut s = SwitchInfo::from_attrs(attrs)?;
            if !stats {
                s.stats = None;
            }
            Ok(s)
        })
        .collect()
}

/// Print switches: a JSON array with `-j`, else text lines.
pub fn print(out: &Output, list: &[SwitchInfo]) -> Result<(), Error> {
    if out.json {
        out.json(&list)?;
    } else {
        for s in list {
            for l in s.text_lines(out.stats) {
                out.line(l)?;
            }
        }
    }
    Ok(())
}

/// All switches (a `SWITCH_GET` dump), used by `fdb show` without SW too.
pub fn dump_all(client: &Client, stats: bool) -> Result<Vec<SwitchInfo>, Error> {
    let msgs = Request::dump(cmd::SWITCH_GET, Vec::new()).send(client)?;
    decode_all(msgs.iter().map(|m| m.attrs.as_slice()), stats)
}

pub fn show(out: &Output, words: &[String]) -> Result<(), Error> {
    let req = show_request(words).map_err(Error::Usage)?;
    let client = Client::connect()?;
    let msgs = req.send(&client)?;
    if !req.dump && msgs.is_empty() {
        return Err(bad_reply("SWITCH_GET", "no reply message"));
    }
    let list = decode_all(msgs.iter().map(|m| m.attrs.as_slice()), out.stats)?;
    print(out, &list)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cmd::stats::tests::sample_stats;

    fn w(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn add_attrs() {
        let r = add_request(&w("sw0")).unwrap();
        assert_eq!(
            r,
            Request::doit(cmd::SWITCH_NEW, vec![Attr::str(attr::SWITCH, "sw0")])
        );
        let r = add_request(&w("sw0 uplink eth0 ageing 30 fdb-max 100")).unwrap();
        assert_eq!(r.cmd, cmd::SWITCH_NEW);
        assert!(!r.dump);
        assert_eq!(
            r.attrs,
            vec![
                Attr::str(attr::SWITCH, "sw0"),
                Attr::str(attr::UPLINK, "eth0"),
                Attr::u32(attr::AGEING, 30),
                Attr::u32(attr::FDB_MAX, 100),
            ]
        );
        // Any order.
        let r = add_request(&w("sw0 fdb-max 5 uplink eth1")).unwrap();
        assert_eq!(r.attrs.len(), 3);
    }

    #[test]
    fn add_errors() {
        let err = |s: &str| add_request(&w(s)).unwrap_err();
        assert_eq!(err(""), "switch add: missing switch name (SW)");
        assert_eq!(
            err("sw0 bogus 1"),
            "switch add: unknown keyword \"bogus\" (expected uplink, ageing or fdb-max)"
        );
        assert_eq!(err("sw0 ageing"), "missing value for \"ageing\"");
        assert_eq!(err("sw0 uplink"), "missing value for \"uplink\"");
        assert_eq!(err("sw0 ageing x"), "invalid ageing \"x\": not a number");
        assert_eq!(
            err("sw0 fdb-max -1"),
            "invalid fdb-max \"-1\": not a number"
        );
        assert!(err("sw0 ageing 1 ageing 2").contains("more than once"));
        assert!(err("sw0 nouplink").contains("unknown keyword \"nouplink\""));
        assert!(err("0123456789abcdefg").contains("too long"));
    }

    #[test]
    fn set_attrs() {
        let r = set_request(&w("sw0 nouplink ageing 0")).unwrap();
        assert_eq!(r.cmd, cmd::SWITCH_SET);
        assert_eq!(
            r.attrs,
            vec![
                Attr::str(attr::SWITCH, "sw0"),
                Attr::bytes(attr::NO_UPLINK, vec![]),
                Attr::u32(attr::AGEING, 0),
            ]
        );
        let r = set_request(&w("sw0 uplink eth2")).unwrap();
        assert_eq!(r.attrs[1], Attr::str(attr::UPLINK, "eth2"));
        assert!(set_request(&w("sw0"))
            .unwrap_err()
            .contains("nothing to change"));
        assert!(set_request(&w("sw0 uplink eth0 nouplink"))
            .unwrap_err()
            .contains("more than once"));
    }

    #[test]
    fn del_attrs() {
        let r = del_request(&w("sw0"), false).unwrap();
        assert_eq!(
            r,
            Request::doit(cmd::SWITCH_DEL, vec![Attr::str(attr::SWITCH, "sw0")])
        );
        for (words, f) in [("sw0", true), ("sw0 force", false), ("sw0 -f", false)] {
            let r = del_request(&w(words), f).unwrap();
            assert_eq!(r.attrs[1], Attr::bytes(attr::FORCE, vec![]), "{words}");
            assert_eq!(r.attrs.len(), 2);
        }
        assert!(del_request(&w("sw0 now"), false)
            .unwrap_err()
            .contains("unknown keyword \"now\""));
        assert!(del_request(&w(""), false).is_err());
    }

    #[test]
    fn show_requests() {
        assert_eq!(
            show_request(&[]).unwrap(),
            Request::dump(cmd::SWITCH_GET, vec![])
        );
        assert_eq!(
            show_request(&w("sw0")).unwrap(),
            Request::doit(cmd::SWITCH_GET, vec![Attr::str(attr::SWITCH, "sw0")])
        );
        assert!(show_request(&w("sw0 sw1")).is_err());
    }

    fn reply(uplink: bool, stats: bool) -> Vec<Attr> {
        let mut v = vec![Attr::str(attr::SWITCH, "sw0")];
        if uplink {
            v.push(Attr::str(attr::UPLINK, "eth0"));
        }
        v.extend([
            Attr::u32(attr::AGEING, 300),
            Attr::u32(attr::FDB_MAX, 8192),
            Attr::u32(attr::FDB_COUNT, 3),
        ]);
        if stats {
            v.push(sample_stats(0, false));
        }
        v
    }

    #[test]
    fn text_format() {
        let s = SwitchInfo::from_attrs(&reply(true, true)).unwrap();
        assert_eq!(
            s.text_lines(false),
            ["sw0: uplink eth0 ageing 300 fdb-max 8192 fdb 3"]
        );
        assert_eq!(
            s.text_lines(true),
            [
                "sw0: uplink eth0 ageing 300 fdb-max 8192 fdb 3",
                "    RX: packets 1 bytes 2 dropped 5",
                "    TX: packets 3 bytes 4 dropped 6"
            ]
        );
        let s = SwitchInfo::from_attrs(&reply(false, false)).unwrap();
        assert_eq!(s.text_lines(true), ["sw0: ageing 300 fdb-max 8192 fdb 3"]);
    }

    #[test]
    fn json_format() {
        let r1 = reply(true, true);
        let r2 = reply(false, true);
        let list = decode_all([r1.as_slice(), r2.as_slice()], false).unwrap();
        assert_eq!(
            crate::output::to_json(&list).unwrap(),
            concat!(
                r#"[{"name":"sw0","uplink":"eth0","ageing":300,"fdb_max":8192,"fdb_count":3},"#,
                r#"{"name":"sw0","uplink":null,"ageing":300,"fdb_max":8192,"fdb_count":3}]"#
            )
        );
        let list = decode_all([r1.as_slice()], true).unwrap();
        let v: serde_json::Value =
            serde_json::from_str(&crate::output::to_json(&list).unwrap()).unwrap();
        assert_eq!(v[0]["stats"]["rx_packets"], 1);
        assert_eq!(v[0]["stats"]["tx_dropped"], 6);
    }

    #[test]
    fn bad_replies() {
        assert!(SwitchInfo::from_attrs(&[Attr::u32(attr::AGEING, 1)]).is_err());
        let bad = [Attr::str(attr::SWITCH, "sw0"), Attr::u8(attr::AGEING, 1)];
        assert!(SwitchInfo::from_attrs(&bad).is_err());
    }
}
