// SPDX-License-Identifier: GPL-2.0
//! The difference between the running state and a document, as the `vswctl` commands that
//! turn one into the other ([`plan`]), each with the commands that undo it.
//!
//! A step is a command line (`port set vp1 rate-in 100mbit`): `diff` prints it as it is,
//! `apply` sends it through the same request builders as the command line, so a step means
//! exactly what the user would type. Its undo is computed from the running state before
//! the change, so that a failed apply can put back what it changed.
//!
//! Scope: a switch the document names is its whole description at the object level: its
//! ports, the rules of each ACL direction given, its static FDB entries; the others are
//! deleted. A setting left out is left as it is. Switches the document does not name are
//! left alone, unless `prune` (then deleted). A port the document puts on another switch
//! than the one it is on is deleted and added again.
//!
//! Order: removals first (static FDB entries, ports, with `prune` switches), then switches
//! (added or changed, SR-IOV before the VF ports), ports (added or changed), ACLs (rules
//! removed or changed, then added, by prio; then the default), static FDB entries last (they
//! name ports).

use super::doc::{Acl, AclDirection, Doc, Fdb, Port, Rule, Switch, Vmq, Word};

/// A `vswctl` command line, without `vswctl`.
pub type Line = Vec<String>;

/// One change and how to undo it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub line: Line,
    /// Run in this order to undo the step (empty: nothing to undo, or not possible, as for
    /// a port's first `weight`).
    pub undo: Vec<Line>,
}

impl Step {
    fn new(line: Line, undo: Vec<Line>) -> Self {
        Step { line, undo }
    }

    /// The command line as `diff` prints it.
    pub fn text(&self) -> String {
        text(&self.line)
    }
}

pub fn text(line: &[String]) -> String {
    line.join(" ")
}

fn line(parts: &[&str]) -> Line {
    parts.iter().map(|s| s.to_string()).collect()
}

fn on_off(b: bool) -> String {
    if b { "on" } else { "off" }.to_string()
}

/// A setting: its keyword(s), the wanted value (`None`: not managed) and the running one
/// (`None`: not known, or a new object).
struct Setting {
    words: fn(&str) -> Vec<String>,
    want: Option<String>,
    run: Option<String>,
}

/// The forward and undo words of the settings that differ.
fn changed(settings: &[Setting]) -> (Vec<String>, Vec<String>) {
    let (mut fwd, mut back) = (Vec::new(), Vec::new());
    for s in settings {
        let Some(want) = &s.want else { continue };
        if s.run.as_ref() == Some(want) {
            continue;
        }
        fwd.extend((s.words)(want));
        if let Some(run) = &s.run {
            back.extend((s.words)(run));
        }
    }
    (fwd, back)
}

macro_rules! setting {
    ($kw:literal, $want:expr, $run:expr) => {
        Setting {
            words: |v| vec![$kw.to_string(), v.to_string()],
            want: $want,
            run: $run,
        }
    };
}

fn s<T: ToString>(v: Option<T>) -> Option<String> {
    v.map(|v| v.to_string())
}

fn b(v: Option<bool>) -> Option<String> {
    v.map(on_off)
}

// ---------------------------------------------------------------------------------------
// Switches

fn vmq_settings(want: Option<&Vmq>, run: Option<&Vmq>) -> Vec<Setting> {
    let w = want.cloned().unwrap_or_default();
    let r = run.cloned().unwrap_or_default();
    vec![
        setting!("vmq", w.mode, r.mode),
        setting!("vmq-low", s(w.low), s(r.low)),
        setting!("vmq-high", s(w.high), s(r.high)),
        setting!("vmq-interval", s(w.interval), s(r.interval)),
        setting!("vmq-base-cpu", s(w.base_cpu), s(r.base_cpu)),
        setting!("vmq-max-cpus", s(w.max_cpus), s(r.max_cpus)),
        setting!("vmq-max-queues", s(w.max_queues), s(r.max_queues)),
        setting!("vmq-skip-smt", b(w.skip_smt), b(r.skip_smt)),
        setting!("vmq-software", b(w.software), b(r.software)),
    ]
}

fn switch_settings(want: &Switch, run: Option<&Switch>) -> Vec<Setting> {
    let r = run.cloned().unwrap_or_default();
    let mut v = vec![
        setting!("ageing", s(want.ageing), s(r.ageing)),
        setting!("fdb-max", s(want.fdb_max), s(r.fdb_max)),
        setting!("sriov", s(want.sriov), s(r.sriov)),
        setting!(
            "group-fwd-mask",
            s(want.group_fwd_mask.clone()),
            s(r.group_fwd_mask)
        ),
    ];
    v.extend(vmq_settings(want.vmq.as_ref(), r.vmq.as_ref()));
    v
}

fn uplink_words(u: &Option<String>) -> Vec<String> {
    match u {
        Some(dev) => vec!["uplink".into(), dev.clone()],
        None => vec!["nouplink".into()],
    }
}

/// `switch add` (with every setting given) or `switch set` (the changed ones).
fn switch_steps(run: Option<&Switch>, want: &Switch) -> Vec<Step> {
    let name = &want.name;
    let (fwd, back) = changed(&switch_settings(want, run));
    match run {
        None => {
            let mut l = line(&["switch", "add", name]);
            if let Some(u) = &want.uplink {
                l.extend(["uplink".to_string(), u.clone()]);
            }
            l.extend(fwd);
            vec![Step::new(l, vec![line(&["switch", "del", name, "force"])])]
        }
        Some(r) => {
            let (mut fwd, mut back) = (fwd, back);
            if r.uplink != want.uplink {
                fwd.splice(0..0, uplink_words(&want.uplink));
                back.splice(0..0, uplink_words(&r.uplink));
            }
            if fwd.is_empty() {
                return Vec::new();
            }
            let mut l = line(&["switch", "set", name]);
            l.extend(fwd);
            let undo = if back.is_empty() {
                Vec::new()
            } else {
                let mut u = line(&["switch", "set", name]);
                u.extend(back);
                vec![u]
            };
            vec![Step::new(l, undo)]
        }
    }
}

/// Everything that creates `sw` as the document describes it (the undo of deleting it).
fn create_switch_lines(sw: &Switch) -> Vec<Line> {
    let mut out: Vec<Line> = switch_steps(None, sw).into_iter().map(|s| s.line).collect();
    for p in &sw.ports {
        out.extend(create_port_lines(&sw.name, p));
    }
    for e in &sw.fdb {
        out.push(fdb_add_line(&sw.name, e));
    }
    out
}

// ---------------------------------------------------------------------------------------
// Ports

/// The VLAN words of a port: `mode access pvid V` or `mode trunk vlans L native N`.
fn vlan_words(p: &Port) -> Option<Vec<String>> {
    let mode = p.mode.as_ref()?;
    let mut w = vec!["mode".to_string(), mode.clone()];
    if let Some(v) = p.pvid {
        w.extend(["pvid".to_string(), v.to_string()]);
    }
    if let Some(v) = &p.vlans {
        w.extend([
            "vlans".to_string(),
            if v.0.is_empty() {
                "none".into()
            } else {
                v.0.clone()
            },
        ]);
    }
    if let Some(v) = &p.native {
        w.extend(["native".to_string(), v.0.clone()]);
    }
    Some(w)
}

fn ip_allow_word(l: &Option<Vec<Word>>) -> Option<String> {
    l.as_ref().map(|l| {
        if l.is_empty() {
            "none".to_string()
        } else {
            l.iter().map(|w| w.0.as_str()).collect::<Vec<_>>().join(",")
        }
    })
}

/// The settings `port add` and `port set` share; `run` None: a new port, whose values are
/// the module's defaults (only the others are given).
fn port_settings(want: &Port, run: Option<&Port>) -> Vec<Setting> {
    let new = run.is_none();
    let r = run.cloned().unwrap_or_default();
    // A new port: a default value is not worth a word.
    let nd = |v: Option<String>, default: &str| v.filter(|v| !(new && v == default));
    vec![
        setting!("mac", s(want.mac.clone()), s(r.mac.clone())),
        setting!("mtu", s(want.mtu), s(r.mtu)),
        setting!("link", nd(s(want.link.clone()), "up"), s(r.link.clone())),
        setting!(
            "mac-spoof",
            b(want.mac_spoof).filter(|v| !(new && v == "off" && !want.is_vf())),
            b(r.mac_spoof)
        ),
        setting!("dhcp-guard", nd(b(want.dhcp_guard), "off"), b(r.dhcp_guard)),
        setting!(
            "router-guard",
            nd(b(want.router_guard), "off"),
            b(r.router_guard)
        ),
        setting!("ip-guard", nd(b(want.ip_guard), "off"), b(r.ip_guard)),
        setting!("trusted", nd(b(want.trusted), "off"), b(r.trusted)),
        setting!(
            "ip-allow",
            nd(ip_allow_word(&want.ip_allow), "none"),
            ip_allow_word(&r.ip_allow)
        ),
        setting!(
            "mac-max",
            nd(s(want.mac_max.clone()), "none"),
            s(r.mac_max.clone())
        ),
        setting!(
            "storm-limit",
            nd(s(want.storm_limit.clone()), "none"),
            s(r.storm_limit.clone())
        ),
    ]
}

fn is_rate(v: &Option<Word>) -> bool {
    v.as_ref().is_some_and(|v| v.0 != "none")
}

/// The QoS settings (`port set` only). `burst` only matters with a rate, and 0 asks for the
/// module's default, which it then reports: neither is compared.
fn qos_settings(want: &Port, run: Option<&Port>) -> Vec<Setting> {
    let new = run.is_none();
    let r = run.cloned().unwrap_or_default();
    let rate_in = want.rate_in.clone().or(r.rate_in.clone());
    let rate_out = want.rate_out.clone().or(r.rate_out.clone());
    let limited = is_rate(&rate_in) || is_rate(&rate_out);
    let burst = want.burst.clone().filter(|b| limited && b.0 != "0");
    let run_rate = |v: &Option<Word>| {
        if new {
            None
        } else {
            Some(v.clone().map_or_else(|| "none".into(), |w| w.0))
        }
    };
    vec![
        setting!(
            "rate-in",
            s(want.rate_in.clone()).filter(|v| !(new && v == "none")),
            run_rate(&r.rate_in)
        ),
        setting!(
            "rate-out",
            s(want.rate_out.clone()).filter(|v| !(new && v == "none")),
            run_rate(&r.rate_out)
        ),
        setting!(
            "burst",
            s(burst),
            if new {
                None
            } else {
                Some(s(r.burst.clone()).unwrap_or_else(|| "0".into()))
            }
        ),
        setting!("weight", s(want.weight), s(r.weight)),
    ]
}

/// `port add` (+ `port set` for the QoS settings `port add` does not take) or `port set`.
fn port_steps(sw: &str, run: Option<&Port>, want: &Port) -> Vec<Step> {
    let name = &want.name;
    let (mut fwd, mut back) = changed(&port_settings(want, run));
    let vlan_want = vlan_words(want);
    let vlan_run = run.and_then(vlan_words);
    if vlan_want.is_some() && vlan_want != vlan_run {
        fwd.extend(vlan_want.unwrap_or_default());
        back.extend(vlan_run.unwrap_or_default());
    }
    let (qos, qos_back) = changed(&qos_settings(want, run));
    let mut steps = Vec::new();
    match run {
        None => {
            let mut l = line(&["port", "add", name, "switch", sw]);
            if let Some(vf) = want.vf {
                l.extend(["vf".to_string(), vf.to_string()]);
            }
            if let Some(d) = &want.dev {
                l.extend(["dev".to_string(), d.clone()]);
            }
            l.extend(fwd);
            steps.push(Step::new(l, vec![line(&["port", "del", name])]));
            if !qos.is_empty() {
                // Undone with the port itself.
                let mut l = line(&["port", "set", name]);
                l.extend(qos);
                steps.push(Step::new(l, Vec::new()));
            }
        }
        Some(_) => {
            fwd.extend(qos);
            back.extend(qos_back);
            if !fwd.is_empty() {
                let mut l = line(&["port", "set", name]);
                l.extend(fwd);
                let undo = if back.is_empty() {
                    Vec::new()
                } else {
                    let mut u = line(&["port", "set", name]);
                    u.extend(back);
                    vec![u]
                };
                steps.push(Step::new(l, undo));
            }
        }
    }
    steps
}

/// Everything that creates port `p` of `sw` with its ACL (not its FDB entries).
fn create_port_lines(sw: &str, p: &Port) -> Vec<Line> {
    let mut out: Vec<Line> = port_steps(sw, None, p)
        .into_iter()
        .map(|s| s.line)
        .collect();
    if let Some(acl) = &p.acl {
        out.extend(acl_steps(&p.name, None, acl).into_iter().map(|s| s.line));
    }
    out
}

// ---------------------------------------------------------------------------------------
// ACLs

/// The ACL of a new port: everything allowed, no rule.
const NEW_DEFAULT: &str = "allow";

fn rule_words(port: &str, dir: &str, r: &Rule) -> Line {
    let mut l = line(&["acl", "add", port, dir, "prio", &r.prio.to_string()]);
    let mut push = |kw: &str, v: Option<String>| {
        if let Some(v) = v {
            l.extend([kw.to_string(), v]);
        }
    };
    push("src-mac", s(r.src_mac.clone()));
    push("dst-mac", s(r.dst_mac.clone()));
    push("vlan", s(r.vlan));
    push("proto", s(r.proto.clone()));
    push("src", s(r.src.clone()));
    push("dst", s(r.dst.clone()));
    push("ip-proto", s(r.ip_proto.clone()));
    push("sport", s(r.sport.clone()));
    push("dport", s(r.dport.clone()));
    l.push(r.action.clone());
    l
}

fn rule_del(port: &str, dir: &str, prio: u32) -> Line {
    line(&["acl", "del", port, dir, "prio", &prio.to_string()])
}

fn dir_steps(port: &str, dir: &str, run: Option<&AclDirection>, want: &AclDirection) -> Vec<Step> {
    let fresh = AclDirection {
        default: Some(NEW_DEFAULT.into()),
        rules: Vec::new(),
    };
    let run = run.unwrap_or(&fresh);
    let mut steps = Vec::new();
    // Removed or changed rules out first: a changed rule is deleted and added again (a
    // prio holds one rule).
    for r in &run.rules {
        if !want.rules.contains(r) {
            steps.push(Step::new(
                rule_del(port, dir, r.prio),
                vec![rule_words(port, dir, r)],
            ));
        }
    }
    for r in &want.rules {
        if !run.rules.contains(r) {
            steps.push(Step::new(
                rule_words(port, dir, r),
                vec![rule_del(port, dir, r.prio)],
            ));
        }
    }
    if let Some(d) = &want.default {
        if run.default.as_ref() != Some(d) {
            let undo = run
                .default
                .as_ref()
                .map(|old| line(&["acl", "default", port, dir, old]))
                .into_iter()
                .collect();
            steps.push(Step::new(line(&["acl", "default", port, dir, d]), undo));
        }
    }
    steps
}

fn acl_steps(port: &str, run: Option<&Acl>, want: &Acl) -> Vec<Step> {
    let mut steps = Vec::new();
    for (dir, w, r) in [
        ("in", &want.in_, run.and_then(|a| a.in_.as_ref())),
        ("out", &want.out, run.and_then(|a| a.out.as_ref())),
    ] {
        if let Some(w) = w {
            steps.extend(dir_steps(port, dir, r, w));
        }
    }
    steps
}

// ---------------------------------------------------------------------------------------
// FDB

fn fdb_vlan(e: &Fdb) -> String {
    e.vlan.unwrap_or(crate::cmd::fdb::DEFAULT_VLAN).to_string()
}

fn fdb_add_line(sw: &str, e: &Fdb) -> Line {
    line(&[
        "fdb",
        "add",
        sw,
        &e.mac.0,
        "vlan",
        &fdb_vlan(e),
        "port",
        &e.port,
    ])
}

fn fdb_del_line(sw: &str, e: &Fdb) -> Line {
    line(&["fdb", "del", sw, &e.mac.0, "vlan", &fdb_vlan(e)])
}

// ---------------------------------------------------------------------------------------
// The plan

/// Where a port is running: its switch and its description.
fn find_port<'a>(doc: &'a Doc, name: &str) -> Option<(&'a Switch, &'a Port)> {
    doc.switches
        .iter()
        .find_map(|s| s.ports.iter().find(|p| p.name == name).map(|p| (s, p)))
}

/// The steps from `running` to `desired` (both normalized), in the order they must run.
pub fn plan(running: &Doc, desired: &Doc, prune: bool) -> Vec<Step> {
    let wanted_port = |name: &str| find_port(desired, name);
    // Switches that go away (with their ports, ACLs and FDB entries).
    let pruned: Vec<&Switch> = if prune {
        running
            .switches
            .iter()
            .filter(|s| desired.switch(&s.name).is_none())
            .collect()
    } else {
        Vec::new()
    };
    // Ports that go away or are added again (moved to another switch, VF index changed);
    // not those of pruned switches, which go with their switch.
    let mut gone: Vec<(&Switch, &Port)> = Vec::new();
    for sw in &running.switches {
        if pruned.iter().any(|p| p.name == sw.name) {
            continue;
        }
        let named = desired.switch(&sw.name).is_some();
        for p in &sw.ports {
            let keep = match wanted_port(&p.name) {
                Some((wsw, wp)) => wsw.name == sw.name && wp.vf == p.vf && wp.dev == p.dev,
                // Not in the document: deleted only if its switch is named.
                None => !named,
            };
            if !keep {
                gone.push((sw, p));
            }
        }
    }
    let is_gone = |port: &str| gone.iter().any(|(_, p)| p.name == port);

    let mut steps = Vec::new();
    // 1. Static FDB entries the document drops or changes (not those of ports that go).
    for sw in &desired.switches {
        let Some(rsw) = running.switch(&sw.name) else {
            continue;
        };
        for e in &rsw.fdb {
            if !is_gone(&e.port) && !sw.fdb.contains(e) {
                steps.push(Step::new(
                    fdb_del_line(&sw.name, e),
                    vec![fdb_add_line(&sw.name, e)],
                ));
            }
        }
    }
    // 2. Ports that go, with what recreates them (their ACL and static FDB entries).
    for (sw, p) in &gone {
        let mut undo = create_port_lines(&sw.name, p);
        undo.extend(
            sw.fdb
                .iter()
                .filter(|e| e.port == p.name)
                .map(|e| fdb_add_line(&sw.name, e)),
        );
        steps.push(Step::new(line(&["port", "del", &p.name]), undo));
    }
    // 3. Switches that go.
    for sw in &pruned {
        steps.push(Step::new(
            line(&["switch", "del", &sw.name, "force"]),
            create_switch_lines(sw),
        ));
    }
    // 4. Switches added or changed.
    for sw in &desired.switches {
        steps.extend(switch_steps(running.switch(&sw.name), sw));
    }
    // The running port as the rest compares with: none if it is (re)created.
    let run_port = |sw: &str, name: &str| -> Option<&Port> {
        let (rsw, p) = find_port(running, name)?;
        (rsw.name == sw && !is_gone(name)).then_some(p)
    };
    // 5. Ports added or changed.
    for sw in &desired.switches {
        for p in &sw.ports {
            steps.extend(port_steps(&sw.name, run_port(&sw.name, &p.name), p));
        }
    }
    // 6. ACLs.
    for sw in &desired.switches {
        for p in &sw.ports {
            if let Some(acl) = &p.acl {
                let run = run_port(&sw.name, &p.name).and_then(|r| r.acl.as_ref());
                steps.extend(acl_steps(&p.name, run, acl));
            }
        }
    }
    // 7. Static FDB entries added or changed (their ports exist now).
    for sw in &desired.switches {
        let run: Vec<&Fdb> = running
            .switch(&sw.name)
            .map(|r| r.fdb.iter().filter(|e| !is_gone(&e.port)).collect())
            .unwrap_or_default();
        for e in &sw.fdb {
            if !run.contains(&e) {
                steps.push(Step::new(
                    fdb_add_line(&sw.name, e),
                    vec![fdb_del_line(&sw.name, e)],
                ));
            }
        }
    }
    steps
}

/// The undo of the first `done` steps: each step's undo lines, the last step's first.
pub fn rollback(steps: &[Step], done: usize) -> Vec<Line> {
    steps[..done]
        .iter()
        .rev()
        .flat_map(|s| s.undo.iter().cloned())
        .collect()
}
