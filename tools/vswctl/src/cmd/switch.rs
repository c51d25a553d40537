// SPDX-License-Identifier: GPL-2.0
//! `vswctl switch add|set|del|show`.

use serde::Serialize;

use super::stats::Stats;
use super::{flag, Request};
use crate::args::{self, set_once, Words};
use crate::netlink::{Attr, Client};
use crate::output::Output;
use crate::uapi::{attr, cmd};
use crate::value::{GroupFwdMask, Name, OnOff, VmqBackend, VmqMode};
use crate::view::{bad_reply, AttrView};
use crate::Error;

/// The VMQ part of the `switch add` / `switch set` syntax line.
macro_rules! vmq_usage {
    () => {
        "[VMQ]\n\
         VMQ: [vmq off|static|dynamic] [vmq-low PCT] [vmq-high PCT] [vmq-interval MS] \
         [vmq-base-cpu N] [vmq-max-cpus N] [vmq-max-queues N] [vmq-skip-smt on|off] \
         [vmq-software on|off]; \
         after \"vmq MODE\" also without \"vmq-\": low, high, interval, base-cpu, max-cpus, \
         max-queues, skip-smt, software"
    };
}

/// What `group-fwd-mask` takes (end of the `switch add` / `switch set` syntax lines).
macro_rules! group_fwd_usage {
    () => {
        "\n\
         MASK: link-local groups 01:80:c2:00:00:0X to forward, bit X (decimal or 0x hex, e.g. \
         0x4000 for LLDP); bits 1 and 2 (PAUSE, slow protocols) cannot be set"
    };
}

/// Syntax lines (clap help).
pub const ADD_USAGE: &str = concat!(
    "SW [uplink DEV] [ageing SECS] [fdb-max N] [sriov N] [group-fwd-mask MASK] ",
    vmq_usage!(),
    group_fwd_usage!()
);
pub const SET_USAGE: &str = concat!(
    "SW [uplink DEV | nouplink] [ageing SECS] [fdb-max N] [sriov N] [group-fwd-mask MASK] ",
    vmq_usage!(),
    group_fwd_usage!()
);
pub const DEL_USAGE: &str = "SW [-f | force]";
pub const SHOW_USAGE: &str = "[SW]";

/// The VMQ keywords of `switch add` / `switch set`.
#[derive(Debug, Default, PartialEq, Eq)]
struct VmqOpts {
    mode: Option<VmqMode>,
    low: Option<u32>,
    high: Option<u32>,
    interval: Option<u32>,
    base_cpu: Option<u32>,
    max_cpus: Option<u32>,
    max_queues: Option<u32>,
    skip_smt: Option<bool>,
    software: Option<bool>,
}

impl VmqOpts {
    fn is_empty(&self) -> bool {
        *self == VmqOpts::default()
    }
}

/// The keyword part of `switch add` / `switch set`.
#[derive(Debug, Default)]
struct Opts {
    /// `Some(None)`: `nouplink`.
    uplink: Option<Option<Name>>,
    ageing: Option<u32>,
    fdb_max: Option<u32>,
    /// Number of VFs to enable on the uplink (0 disables SR-IOV); the module checks the
    /// range against the uplink's `sriov_totalvfs`.
    sriov: Option<u32>,
    /// Link-local groups to forward (bit X: 01:80:c2:00:00:0X).
    group_fwd_mask: Option<GroupFwdMask>,
    vmq: VmqOpts,
}

/// The VMQ setting named by `kw`: `vmq-low` etc., or after `vmq` (`after_vmq`) also the bare
/// `low` etc. Returns the canonical name (`low`, ...), or `None` if `kw` is not one.
fn vmq_setting(kw: &str, after_vmq: bool) -> Option<&'static str> {
    const SETTINGS: [&str; 8] = [
        "low",
        "high",
        "interval",
        "base-cpu",
        "max-cpus",
        "max-queues",
        "skip-smt",
        "software",
    ];
    let bare = match kw.strip_prefix("vmq-").or_else(|| kw.strip_prefix("vmq_")) {
        Some(b) => b,
        None if after_vmq => kw,
        None => return None,
    };
    let bare = bare.replace('_', "-");
    SETTINGS.into_iter().find(|s| *s == bare)
}

/// Parse the value of VMQ setting `name` (canonical, from [`vmq_setting`]) given as `kw`.
fn parse_vmq_setting(o: &mut VmqOpts, name: &str, kw: &str, v: &str) -> Result<(), String> {
    let dup = format!("vmq-{name}");
    match name {
        // The ranges are the module's (its netlink policy refuses a value out of range and
        // names the range); here only what fits the attribute.
        "low" => set_once(&mut o.low, &dup, args::parse_u32(kw, v)?),
        "high" => set_once(&mut o.high, &dup, args::parse_u32(kw, v)?),
        "interval" => set_once(&mut o.interval, &dup, args::parse_u32(kw, v)?),
        "base-cpu" => set_once(&mut o.base_cpu, &dup, args::parse_u32(kw, v)?),
        "max-cpus" => set_once(&mut o.max_cpus, &dup, args::parse_u32(kw, v)?),
        "max-queues" => set_once(&mut o.max_queues, &dup, args::parse_u32(kw, v)?),
        "skip-smt" => set_once(&mut o.skip_smt, &dup, args::parse::<OnOff>(kw, v)?.0),
        "software" => set_once(&mut o.software, &dup, args::parse::<OnOff>(kw, v)?.0),
        _ => unreachable!("not a vmq setting: {name}"),
    }
}

/// Bare VMQ words that are only valid after `vmq`.
fn is_bare_vmq_word(kw: &str) -> bool {
    vmq_setting(kw, true).is_some() && vmq_setting(kw, false).is_none()
}

fn parse_opts(what: &str, w: &mut Words<'_>, set: bool) -> Result<Opts, String> {
    let mut o = Opts::default();
    let mut after_vmq = false;
    while let Some(kw) = w.next() {
        if let Some(name) = vmq_setting(kw, after_vmq) {
            parse_vmq_setting(&mut o.vmq, name, kw, w.value(kw)?)?;
            continue;
        }
        match kw {
            "vmq" => {
                after_vmq = true;
                // `vmq MODE`; `vmq low 5 ...` (no MODE) keeps the mode.
                if w.peek().is_some_and(|n| vmq_setting(n, true).is_none()) {
                    let mode = args::parse("vmq mode", w.value(kw)?)?;
                    set_once(&mut o.vmq.mode, "vmq", mode)?;
                } else if w.peek().is_none() {
                    return Err("missing value for \"vmq\" (off, static or dynamic)".into());
                }
            }
            _ if is_bare_vmq_word(kw) => {
                return Err(format!(
                    "{what}: \"{kw}\" is a vmq setting: write \"vmq-{kw}\" or put it after \"vmq MODE\""
                ));
            }
            "uplink" => {
                let dev = args::parse("uplink name", w.value(kw)?)?;
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
            "sriov" => set_once(&mut o.sriov, kw, args::parse_u32(kw, w.value(kw)?)?)?,
            "group-fwd-mask" | "group_fwd_mask" => set_once(
                &mut o.group_fwd_mask,
                "group-fwd-mask",
                args::parse("group-fwd-mask", w.value(kw)?)?,
            )?,
            _ => {
                let expected = if set {
                    "uplink, nouplink, ageing, fdb-max, sriov, group-fwd-mask, vmq or vmq-SETTING"
                } else {
                    "uplink, ageing, fdb-max, sriov, group-fwd-mask, vmq or vmq-SETTING"
                };
                return Err(args::unknown_keyword(what, kw, expected));
            }
        }
    }
    if let (Some(low), Some(high)) = (o.vmq.low, o.vmq.high) {
        if low >= high {
            return Err(format!(
                "{what}: vmq low ({low}) must be below vmq high ({high})"
            ));
        }
    }
    Ok(o)
}

fn name_attr(what: &str, w: &mut Words<'_>) -> Result<Attr, String> {
    let name = w.positional(what, "switch name (SW)")?;
    Ok(Attr::str(
        attr::SWITCH,
        &args::parse::<Name>("switch name", name)?,
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
    if let Some(v) = o.sriov {
        attrs.push(Attr::u32(attr::SRIOV, v));
    }
    if let Some(v) = o.group_fwd_mask {
        attrs.push(Attr::u16(attr::GROUP_FWD_MASK, v.0));
    }
    let v = o.vmq;
    if let Some(m) = v.mode {
        attrs.push(Attr::u8(attr::VMQ_MODE, m.0));
    }
    for (ty, val) in [
        (attr::VMQ_LOW, v.low),
        (attr::VMQ_HIGH, v.high),
        (attr::VMQ_INTERVAL, v.interval),
        (attr::VMQ_BASE_CPU, v.base_cpu),
        (attr::VMQ_MAX_CPUS, v.max_cpus),
        (attr::VMQ_MAX_QUEUES, v.max_queues),
    ] {
        if let Some(x) = val {
            attrs.push(Attr::u32(ty, x));
        }
    }
    if let Some(b) = v.skip_smt {
        attrs.push(Attr::u8(attr::VMQ_SKIP_SMT, u8::from(b)));
    }
    if let Some(b) = v.software {
        attrs.push(Attr::u8(attr::VMQ_SOFTWARE, u8::from(b)));
    }
}

/// `switch add SW [uplink DEV] [ageing SECS] [fdb-max N] [sriov N] [group-fwd-mask MASK]
/// [vmq ...]` -> `SWITCH_NEW`.
pub fn add_request(words: &[String]) -> Result<Request, String> {
    let mut w = Words::new(words);
    let mut attrs = vec![name_attr("switch add", &mut w)?];
    opts_attrs(parse_opts("switch add", &mut w, false)?, &mut attrs);
    Ok(Request::doit(cmd::SWITCH_NEW, attrs))
}

/// `switch set SW [uplink DEV | nouplink] [ageing SECS] [fdb-max N] [sriov N]
/// [group-fwd-mask MASK] [vmq ...]` -> `SWITCH_SET`.
pub fn set_request(words: &[String]) -> Result<Request, String> {
    let mut w = Words::new(words);
    let mut attrs = vec![name_attr("switch set", &mut w)?];
    let o = parse_opts("switch set", &mut w, true)?;
    if o.uplink.is_none()
        && o.ageing.is_none()
        && o.fdb_max.is_none()
        && o.sriov.is_none()
        && o.group_fwd_mask.is_none()
        && o.vmq.is_empty()
    {
        return Err(
            "switch set: nothing to change (give uplink, nouplink, ageing, fdb-max, sriov, \
             group-fwd-mask or vmq settings)"
                .into(),
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
            &args::parse::<Name>("switch name", name)?,
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
    /// VFs enabled now on the uplink (only sent for an SR-IOV capable uplink).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sriov: Option<u32>,
    /// `sriov_totalvfs` of the uplink (absent when it is no SR-IOV PF).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sriov_total: Option<u32>,
    /// True when the uplink's root qdisc is `vswitch` (vPort bandwidth weights enforced).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uplink_qdisc: Option<bool>,
    /// Link-local groups 01:80:c2:00:00:0X forwarded (bit X), 0 when the kernel did not send
    /// it; `None` only in `switch del` events, which carry no settings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group_fwd_mask: Option<u16>,
    /// VMQ mode: `off`, `static` or `dynamic`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vmq: Option<String>,
    /// Percent of one CPU.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vmq_low: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vmq_high: Option<u32>,
    /// Milliseconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vmq_interval: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vmq_base_cpu: Option<u32>,
    /// 0 = all.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vmq_max_cpus: Option<u32>,
    /// 0 = all.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vmq_max_queues: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vmq_skip_smt: Option<bool>,
    /// Software backend allowed on uplinks without filters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vmq_software: Option<bool>,
    /// `none`, `hardware` or `software`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vmq_backend: Option<String>,
    /// Receive rings of the uplink (hardware backend only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vmq_rings: Option<u32>,
    /// Balancer moves of the switch's queues.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vmq_moves: Option<u64>,
    /// Only with `-s` (and if the kernel sent `STATS`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stats: Option<Stats>,
}

impl SwitchInfo {
    /// Decode reply/event attributes. `SWITCH` is required; missing values are left out.
    pub fn from_attrs(attrs: &[Attr]) -> Result<Self, Error> {
        let v = AttrView::new(attrs);
        Ok(SwitchInfo {
            name: v.req(attr::SWITCH, "SWITCH")?,
            uplink: v
                .get::<String>(attr::UPLINK, "UPLINK")?
                .filter(|s| !s.is_empty()),
            ageing: v.get(attr::AGEING, "AGEING")?,
            fdb_max: v.get(attr::FDB_MAX, "FDB_MAX")?,
            fdb_count: v.get(attr::FDB_COUNT, "FDB_COUNT")?,
            sriov: v.get(attr::SRIOV, "SRIOV")?,
            sriov_total: v.get(attr::SRIOV_TOTAL, "SRIOV_TOTAL")?,
            uplink_qdisc: v.get(attr::UPLINK_QDISC, "UPLINK_QDISC")?,
            group_fwd_mask: Some(v.get(attr::GROUP_FWD_MASK, "GROUP_FWD_MASK")?.unwrap_or(0)),
            vmq: v
                .get(attr::VMQ_MODE, "VMQ_MODE")?
                .map(|m| VmqMode(m).to_string()),
            vmq_low: v.get(attr::VMQ_LOW, "VMQ_LOW")?,
            vmq_high: v.get(attr::VMQ_HIGH, "VMQ_HIGH")?,
            vmq_interval: v.get(attr::VMQ_INTERVAL, "VMQ_INTERVAL")?,
            vmq_base_cpu: v.get(attr::VMQ_BASE_CPU, "VMQ_BASE_CPU")?,
            vmq_max_cpus: v.get(attr::VMQ_MAX_CPUS, "VMQ_MAX_CPUS")?,
            vmq_max_queues: v.get(attr::VMQ_MAX_QUEUES, "VMQ_MAX_QUEUES")?,
            vmq_skip_smt: v.get(attr::VMQ_SKIP_SMT, "VMQ_SKIP_SMT")?,
            vmq_software: v.get(attr::VMQ_SOFTWARE, "VMQ_SOFTWARE")?,
            vmq_backend: v
                .get(attr::VMQ_BACKEND, "VMQ_BACKEND")?
                .map(|b| VmqBackend(b).to_string()),
            vmq_rings: v.get(attr::VMQ_RINGS, "VMQ_RINGS")?,
            vmq_moves: v.get(attr::MOVES, "MOVES")?,
            stats: Stats::from_reply(attrs)?,
        })
    }

    /// `vmq dynamic low 10 high 70 interval 1000ms backend hardware rings 4 moves 3`, with
    /// `base-cpu N`, `max-cpus N`, `max-queues N`, `skip-smt on` after the interval when not
    /// the defaults; `None` if the kernel sent no VMQ mode (older module, delete events).
    pub fn vmq_text(&self) -> Option<String> {
        let mode = self.vmq.as_ref()?;
        let mut p = vec![format!("vmq {mode}")];
        if let Some(v) = self.vmq_low {
            p.push(format!("low {v}"));
        }
        if let Some(v) = self.vmq_high {
            p.push(format!("high {v}"));
        }
        if let Some(v) = self.vmq_interval {
            p.push(format!("interval {v}ms"));
        }
        for (k, v) in [
            ("base-cpu", self.vmq_base_cpu),
            ("max-cpus", self.vmq_max_cpus),
            ("max-queues", self.vmq_max_queues),
        ] {
            if let Some(v) = v.filter(|&v| v != 0) {
                p.push(format!("{k} {v}"));
            }
        }
        if self.vmq_skip_smt == Some(true) {
            p.push("skip-smt on".into());
        }
        if self.vmq_software == Some(true) {
            p.push("software on".into());
        }
        if let Some(v) = &self.vmq_backend {
            p.push(format!("backend {v}"));
        }
        if let Some(v) = self.vmq_rings {
            p.push(format!("rings {v}"));
        }
        if let Some(v) = self.vmq_moves {
            p.push(format!("moves {v}"));
        }
        Some(p.join(" "))
    }

    /// `uplink eth0 ageing 300 fdb-max 8192 fdb 3 sriov 2/7 group-fwd-mask 0x4000` (parts the
    /// kernel did not send are left out; no uplink: no `uplink` part; `sriov ENABLED/TOTAL`
    /// only for an SR-IOV PF uplink, i.e. when the kernel sent `SRIOV_TOTAL`;
    /// `group-fwd-mask` only when not 0).
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
        if let Some(total) = self.sriov_total {
            parts.push(format!("sriov {}/{total}", self.sriov.unwrap_or(0)));
        }
        if self.uplink_qdisc == Some(true) {
            parts.push("weights on".to_string());
        }
        if let Some(m) = self.group_fwd_mask.filter(|&m| m != 0) {
            parts.push(format!("group-fwd-mask {}", GroupFwdMask(m)));
        }
        parts.join(" ")
    }

    /// The `show` lines: `sw0: uplink eth0 ageing 300 fdb-max 8192 fdb 3`, then
    /// `    vmq ...` ([`Self::vmq_text`]), then at stats level 1 (`-s`) or 2 (`-s -s`) the stats lines.
    pub fn text_lines(&self, stats: u8) -> Vec<String> {
        let mut lines =
            super::stats::object_lines(&self.name, &self.text_body(), self.stats.as_ref(), stats);
        if let Some(v) = self.vmq_text() {
            lines.insert(1, format!("    {v}"));
        }
        lines
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
            for l in s.text_lines(out.stats_level()) {
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
            "switch add: unknown keyword \"bogus\" (expected uplink, ageing, fdb-max, sriov, group-fwd-mask, vmq or vmq-SETTING)"
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
    fn sriov_attrs() {
        let r = add_request(&w("sw0 uplink eth0 sriov 4")).unwrap();
        assert_eq!(r.cmd, cmd::SWITCH_NEW);
        assert_eq!(
            r.attrs,
            vec![
                Attr::str(attr::SWITCH, "sw0"),
                Attr::str(attr::UPLINK, "eth0"),
                Attr::u32(attr::SRIOV, 4),
            ]
        );
        // `sriov` alone is something to change; 0 disables the VFs.
        let r = set_request(&w("sw0 sriov 0")).unwrap();
        assert_eq!(
            r,
            Request::doit(
                cmd::SWITCH_SET,
                vec![Attr::str(attr::SWITCH, "sw0"), Attr::u32(attr::SRIOV, 0)]
            )
        );
        // With the others, any order: SRIOV after FDB_MAX, before the VMQ settings.
        let r = set_request(&w("sw0 vmq static sriov 7 ageing 10")).unwrap();
        assert_eq!(
            r.attrs[1..],
            [
                Attr::u32(attr::AGEING, 10),
                Attr::u32(attr::SRIOV, 7),
                Attr::u8(attr::VMQ_MODE, vmq_mode::STATIC),
            ]
        );
        // The range is the module's business (sriov_totalvfs of the uplink).
        assert!(set_request(&w("sw0 sriov 4294967295")).is_ok());
        let err = |s: &str| set_request(&w(s)).unwrap_err();
        assert_eq!(err("sw0 sriov"), "missing value for \"sriov\"");
        assert_eq!(err("sw0 sriov x"), "invalid sriov \"x\": not a number");
        assert_eq!(err("sw0 sriov -1"), "invalid sriov \"-1\": not a number");
        assert_eq!(
            err("sw0 sriov 4294967296"),
            "invalid sriov \"4294967296\": out of range (max 4294967295)"
        );
        assert_eq!(err("sw0 sriov 1 sriov 2"), "\"sriov\" given more than once");
        assert!(add_request(&w("sw0 sriov 2x"))
            .unwrap_err()
            .contains("not a number"));
    }

    #[test]
    fn sriov_text_and_json() {
        // An SR-IOV PF uplink: 2 of 7 VFs enabled.
        let mut a = reply(true, false);
        a.extend([Attr::u32(attr::SRIOV, 2), Attr::u32(attr::SRIOV_TOTAL, 7)]);
        let s = SwitchInfo::from_attrs(&a).unwrap();
        assert_eq!(
            s.text_lines(0),
            ["sw0: uplink eth0 ageing 300 fdb-max 8192 fdb 3 sriov 2/7"]
        );
        assert_eq!(
            crate::output::to_json(&decode_all([a.as_slice()], false).unwrap()).unwrap(),
            concat!(
                r#"[{"name":"sw0","uplink":"eth0","ageing":300,"fdb_max":8192,"fdb_count":3,"#,
                r#""sriov":2,"sriov_total":7,"group_fwd_mask":0}]"#
            )
        );
        // TOTAL without SRIOV: none enabled.
        let mut a = reply(true, false);
        a.push(Attr::u32(attr::SRIOV_TOTAL, 7));
        let s = SwitchInfo::from_attrs(&a).unwrap();
        assert!(s.text_body().ends_with(" fdb 3 sriov 0/7"));
        assert_eq!(s.sriov, None);
        // SRIOV without TOTAL (not a PF): no text part, JSON key only for what was sent.
        let mut a = reply(true, false);
        a.push(Attr::u32(attr::SRIOV, 0));
        let s = SwitchInfo::from_attrs(&a).unwrap();
        assert_eq!(s.text_body(), "uplink eth0 ageing 300 fdb-max 8192 fdb 3");
        let j = crate::output::to_json(&s).unwrap();
        assert!(
            j.ends_with(r#""fdb_count":3,"sriov":0,"group_fwd_mask":0}"#),
            "{j}"
        );
        let bad = [
            Attr::str(attr::SWITCH, "sw0"),
            Attr::u8(attr::SRIOV_TOTAL, 1),
        ];
        assert!(SwitchInfo::from_attrs(&bad).is_err());
    }

    use crate::uapi::vmq_mode;

    #[test]
    fn group_fwd_mask_attrs() {
        let r = add_request(&w("sw0 uplink eth0 group-fwd-mask 0x4000")).unwrap();
        assert_eq!(
            r.attrs,
            vec![
                Attr::str(attr::SWITCH, "sw0"),
                Attr::str(attr::UPLINK, "eth0"),
                Attr::u16(attr::GROUP_FWD_MASK, 0x4000),
            ]
        );
        // Alone is something to change; after SRIOV, before the VMQ settings.
        let r = set_request(&w("sw0 group-fwd-mask 0")).unwrap();
        assert_eq!(r.attrs[1..], [Attr::u16(attr::GROUP_FWD_MASK, 0)]);
        let r = set_request(&w("sw0 vmq static group_fwd_mask 16384 sriov 1")).unwrap();
        assert_eq!(
            r.attrs[1..],
            [
                Attr::u32(attr::SRIOV, 1),
                Attr::u16(attr::GROUP_FWD_MASK, 0x4000),
                Attr::u8(attr::VMQ_MODE, vmq_mode::STATIC),
            ]
        );
        // Bits the switch never forwards are the module's to refuse (its policy mask).
        let r = set_request(&w("sw0 group-fwd-mask 0x4")).unwrap();
        assert_eq!(r.attrs[1..], [Attr::u16(attr::GROUP_FWD_MASK, 4)]);
        let err = |s: &str| set_request(&w(s)).unwrap_err();
        assert_eq!(
            err("sw0 group-fwd-mask 0x10000"),
            "invalid group-fwd-mask \"0x10000\": out of range (max 0xffff)"
        );
        assert_eq!(
            err("sw0 group_fwd_mask lldp"),
            "invalid group-fwd-mask \"lldp\": not a number (decimal or 0x hex)"
        );
        assert_eq!(
            err("sw0 group-fwd-mask"),
            "missing value for \"group-fwd-mask\""
        );
        assert_eq!(
            err("sw0 group-fwd-mask 1 group_fwd_mask 8"),
            "\"group-fwd-mask\" given more than once"
        );
        assert!(err("sw0").contains("sriov, group-fwd-mask or vmq settings"));
    }

    #[test]
    fn group_fwd_mask_text_and_json() {
        let mut a = reply(true, false);
        a.push(Attr::u16(attr::GROUP_FWD_MASK, 0x4000));
        let s = SwitchInfo::from_attrs(&a).unwrap();
        assert_eq!(
            s.text_lines(0),
            ["sw0: uplink eth0 ageing 300 fdb-max 8192 fdb 3 group-fwd-mask 0x4000"]
        );
        assert_eq!(
            crate::output::to_json(&s).unwrap(),
            r#"{"name":"sw0","uplink":"eth0","ageing":300,"fdb_max":8192,"fdb_count":3,"group_fwd_mask":16384}"#
        );
        // 0 as sent: no text part, JSON 0 (as when not sent at all).
        let mut a = reply(true, false);
        a.push(Attr::u16(attr::GROUP_FWD_MASK, 0));
        let s = SwitchInfo::from_attrs(&a).unwrap();
        assert_eq!(s.text_body(), "uplink eth0 ageing 300 fdb-max 8192 fdb 3");
        assert_eq!(s.group_fwd_mask, Some(0));
        let bad = [
            Attr::str(attr::SWITCH, "sw0"),
            Attr::u32(attr::GROUP_FWD_MASK, 8),
        ];
        assert!(SwitchInfo::from_attrs(&bad).is_err());
    }

    #[test]
    fn vmq_attrs() {
        // The issue's form: bare words after `vmq MODE`.
        let r = set_request(&w("sw0 vmq dynamic low 5 high 40 interval 500")).unwrap();
        assert_eq!(r.cmd, cmd::SWITCH_SET);
        assert_eq!(
            r.attrs,
            vec![
                Attr::str(attr::SWITCH, "sw0"),
                Attr::u8(attr::VMQ_MODE, vmq_mode::DYNAMIC),
                Attr::u32(attr::VMQ_LOW, 5),
                Attr::u32(attr::VMQ_HIGH, 40),
                Attr::u32(attr::VMQ_INTERVAL, 500),
            ]
        );
        // `vmq-*` keywords anywhere, alone.
        let r = set_request(&w("sw0 vmq-max-queues 2")).unwrap();
        assert_eq!(
            r.attrs,
            vec![
                Attr::str(attr::SWITCH, "sw0"),
                Attr::u32(attr::VMQ_MAX_QUEUES, 2)
            ]
        );
        let r = set_request(&w("sw0 vmq static")).unwrap();
        assert_eq!(r.attrs[1], Attr::u8(attr::VMQ_MODE, vmq_mode::STATIC));
        assert_eq!(r.attrs.len(), 2);
        let r = set_request(&w("sw0 vmq off")).unwrap();
        assert_eq!(r.attrs[1], Attr::u8(attr::VMQ_MODE, vmq_mode::OFF));
        // Everything, mixed with the other keywords, both spellings.
        let r = add_request(&w(
            "sw0 uplink eth0 vmq dynamic base-cpu 2 max-cpus 4 ageing 30 skip-smt on \
             vmq-low 10 vmq-high 70 vmq-interval 1000 max-queues 8",
        ))
        .unwrap();
        assert_eq!(r.cmd, cmd::SWITCH_NEW);
        assert_eq!(
            r.attrs,
            vec![
                Attr::str(attr::SWITCH, "sw0"),
                Attr::str(attr::UPLINK, "eth0"),
                Attr::u32(attr::AGEING, 30),
                Attr::u8(attr::VMQ_MODE, vmq_mode::DYNAMIC),
                Attr::u32(attr::VMQ_LOW, 10),
                Attr::u32(attr::VMQ_HIGH, 70),
                Attr::u32(attr::VMQ_INTERVAL, 1000),
                Attr::u32(attr::VMQ_BASE_CPU, 2),
                Attr::u32(attr::VMQ_MAX_CPUS, 4),
                Attr::u32(attr::VMQ_MAX_QUEUES, 8),
                Attr::u8(attr::VMQ_SKIP_SMT, 1),
            ]
        );
        let r = add_request(&w(
            "sw0 vmq-base-cpu 0 vmq-max-cpus 0 vmq-max-queues 0 vmq-skip-smt off",
        ))
        .unwrap();
        assert_eq!(
            r.attrs[1..],
            [
                Attr::u32(attr::VMQ_BASE_CPU, 0),
                Attr::u32(attr::VMQ_MAX_CPUS, 0),
                Attr::u32(attr::VMQ_MAX_QUEUES, 0),
                Attr::u8(attr::VMQ_SKIP_SMT, 0),
            ]
        );
        // `vmq` without a mode, then settings: the mode is left alone.
        let r = set_request(&w("sw0 vmq low 20 high 80")).unwrap();
        assert_eq!(
            r.attrs[1..],
            [Attr::u32(attr::VMQ_LOW, 20), Attr::u32(attr::VMQ_HIGH, 80)]
        );
        // Underscore spellings, like fdb_max.
        let r = set_request(&w("sw0 vmq_max_cpus 3")).unwrap();
        assert_eq!(r.attrs[1], Attr::u32(attr::VMQ_MAX_CPUS, 3));
        // One threshold alone: the module checks it against the other one.
        assert!(set_request(&w("sw0 vmq-high 5")).is_ok());
    }

    #[test]
    fn vmq_errors() {
        let err = |s: &str| set_request(&w(s)).unwrap_err();
        assert_eq!(
            err("sw0 vmq on"),
            "invalid vmq mode \"on\" (expected off, static or dynamic)"
        );
        assert_eq!(
            err("sw0 vmq"),
            "missing value for \"vmq\" (off, static or dynamic)"
        );
        assert_eq!(err("sw0 vmq dynamic low"), "missing value for \"low\"");
        assert_eq!(
            err("sw0 vmq dynamic low 5%"),
            "invalid low \"5%\": not a number"
        );
        assert_eq!(
            err("sw0 vmq-high 4294967296"),
            "invalid vmq-high \"4294967296\": out of range (max 4294967295)"
        );
        assert_eq!(
            err("sw0 vmq dynamic low 50 high 40"),
            "switch set: vmq low (50) must be below vmq high (40)"
        );
        assert!(err("sw0 vmq-low 40 vmq-high 40").contains("must be below"));
        assert_eq!(
            err("sw0 vmq dynamic interval 1s"),
            "invalid interval \"1s\": not a number"
        );
        assert_eq!(
            err("sw0 vmq-base-cpu x"),
            "invalid vmq-base-cpu \"x\": not a number"
        );
        assert_eq!(
            err("sw0 vmq dynamic skip-smt yes"),
            "invalid skip-smt \"yes\" (expected on or off)"
        );
        // Bare words need `vmq` before them.
        assert_eq!(
            err("sw0 low 5"),
            "switch set: \"low\" is a vmq setting: write \"vmq-low\" or put it after \"vmq MODE\""
        );
        assert!(add_request(&w("sw0 max-queues 2 vmq static"))
            .unwrap_err()
            .starts_with("switch add: \"max-queues\" is a vmq setting"));
        // Once only, whatever the spelling.
        assert_eq!(
            err("sw0 vmq dynamic low 5 vmq-low 6"),
            "\"vmq-low\" given more than once"
        );
        assert_eq!(
            err("sw0 vmq dynamic vmq static"),
            "\"vmq\" given more than once"
        );
        assert!(err("sw0 vmq-lowest 5").contains("unknown keyword \"vmq-lowest\""));
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

    /// What `fill_switch` sends after `FDB_COUNT`.
    fn vmq_reply(backend: u8, base_cpu: u32, skip_smt: bool) -> Vec<Attr> {
        let mut v = vec![
            Attr::u8(attr::VMQ_MODE, vmq_mode::DYNAMIC),
            Attr::u32(attr::VMQ_LOW, 10),
            Attr::u32(attr::VMQ_HIGH, 70),
            Attr::u32(attr::VMQ_INTERVAL, 1000),
            Attr::u32(attr::VMQ_BASE_CPU, base_cpu),
            Attr::u32(attr::VMQ_MAX_CPUS, 0),
            Attr::u32(attr::VMQ_MAX_QUEUES, 0),
            Attr::u8(attr::VMQ_SKIP_SMT, u8::from(skip_smt)),
            Attr::u8(attr::VMQ_BACKEND, backend),
        ];
        if backend == crate::uapi::vmq_backend::HARDWARE {
            v.push(Attr::u32(attr::VMQ_RINGS, 4));
        }
        v.push(Attr::u64(attr::MOVES, 3));
        v
    }

    #[test]
    fn vmq_text_and_json() {
        use crate::uapi::vmq_backend;
        let mut a = reply(true, true);
        a.extend(vmq_reply(vmq_backend::HARDWARE, 0, false));
        let s = SwitchInfo::from_attrs(&a).unwrap();
        assert_eq!(
            s.text_lines(2),
            [
                "sw0: uplink eth0 ageing 300 fdb-max 8192 fdb 3",
                "    vmq dynamic low 10 high 70 interval 1000ms backend hardware rings 4 moves 3",
                "    RX: packets 1 bytes 2 dropped 5",
                "    TX: packets 3 bytes 4 dropped 6"
            ]
        );
        let mut a = reply(false, false);
        a.extend(vmq_reply(vmq_backend::SOFTWARE, 2, true));
        let s = SwitchInfo::from_attrs(&a).unwrap();
        assert_eq!(
            s.text_lines(0),
            [
                "sw0: ageing 300 fdb-max 8192 fdb 3",
                "    vmq dynamic low 10 high 70 interval 1000ms base-cpu 2 skip-smt on backend software moves 3"
            ]
        );
        let mut a = reply(false, false);
        a.extend(vmq_reply(vmq_backend::NONE, 0, false));
        a.retain(|x| x.kind() != attr::VMQ_MODE);
        a.push(Attr::u8(attr::VMQ_MODE, vmq_mode::OFF));
        a.retain(|x| x.kind() != attr::VMQ_MAX_QUEUES);
        a.push(Attr::u32(attr::VMQ_MAX_QUEUES, 2));
        let s = SwitchInfo::from_attrs(&a).unwrap();
        assert_eq!(
            s.vmq_text().unwrap(),
            "vmq off low 10 high 70 interval 1000ms max-queues 2 backend none moves 3"
        );
        let list = decode_all([a.as_slice()], false).unwrap();
        assert_eq!(
            crate::output::to_json(&list).unwrap(),
            concat!(
                r#"[{"name":"sw0","uplink":null,"ageing":300,"fdb_max":8192,"fdb_count":3,"#,
                r#""group_fwd_mask":0,"vmq":"off","vmq_low":10,"vmq_high":70,"vmq_interval":1000,"vmq_base_cpu":0,"#,
                r#""vmq_max_cpus":0,"vmq_max_queues":2,"vmq_skip_smt":false,"vmq_backend":"none","#,
                r#""vmq_moves":3}]"#
            )
        );
        let bad = [Attr::str(attr::SWITCH, "sw0"), Attr::u32(attr::VMQ_MODE, 1)];
        assert!(SwitchInfo::from_attrs(&bad).is_err());
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
            s.text_lines(0),
            ["sw0: uplink eth0 ageing 300 fdb-max 8192 fdb 3"]
        );
        assert_eq!(
            s.text_lines(2),
            [
                "sw0: uplink eth0 ageing 300 fdb-max 8192 fdb 3",
                "    RX: packets 1 bytes 2 dropped 5",
                "    TX: packets 3 bytes 4 dropped 6"
            ]
        );
        let s = SwitchInfo::from_attrs(&reply(false, false)).unwrap();
        assert_eq!(s.text_lines(2), ["sw0: ageing 300 fdb-max 8192 fdb 3"]);
    }

    #[test]
    fn json_format() {
        let r1 = reply(true, true);
        let r2 = reply(false, true);
        let list = decode_all([r1.as_slice(), r2.as_slice()], false).unwrap();
        assert_eq!(
            crate::output::to_json(&list).unwrap(),
            concat!(
                r#"[{"name":"sw0","uplink":"eth0","ageing":300,"fdb_max":8192,"fdb_count":3,"group_fwd_mask":0},"#,
                r#"{"name":"sw0","uplink":null,"ageing":300,"fdb_max":8192,"fdb_count":3,"group_fwd_mask":0}]"#
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
