// SPDX-License-Identifier: GPL-2.0
//! The configuration document of `vswctl dump` / `apply` / `diff` (schema in
//! `docs/config.md`): its types, loading it from YAML or JSON, and the checks that need no
//! kernel.
//!
//! Keys are the `vswctl` keywords (`fdb-max`, `rate-in`, `mac-spoof`); values are what those
//! keywords take, so a value is checked by the same parser as on the command line. Unknown
//! keys are refused (a typo must not silently mean "leave as it is").
//!
//! [`Doc::normalize`] checks every value and rewrites it in the one form `vswctl dump`
//! prints (`100mbit` for `100000000`, lower-case MACs, sorted `ip-allow`), so that comparing
//! a file with the running state is plain equality.

use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize};

use crate::value::{
    AclAction, EtherType, GroupFwdMask, Invalid, IpProto, Limit, MacAddr, Name, PortRange, Prefix,
    Rate, Size, Vid, VlanList, VlanMode, VmqMode,
};

/// A value written as the command word would be: a YAML/JSON string or a number
/// (`rate-in: 100mbit`, `dport: 80`, `vlans: 10`), kept as its text.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Word(pub String);

/// A plain decimal is written as a number (`burst: 65536`, not `burst: '65536'`), anything
/// else as a string; either reads back as the same word.
impl Serialize for Word {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let s0 = &self.0;
        let plain = !s0.is_empty()
            && s0.bytes().all(|b| b.is_ascii_digit())
            && (s0 == "0" || !s0.starts_with('0'));
        match s0.parse::<u64>() {
            Ok(n) if plain => s.serialize_u64(n),
            _ => s.serialize_str(s0),
        }
    }
}

impl Word {
    pub fn new(s: impl fmt::Display) -> Self {
        Word(s.to_string())
    }
}

impl fmt::Display for Word {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Word {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Word;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string or a number")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Word, E> {
                Ok(Word(v.to_string()))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Word, E> {
                Ok(Word(v.to_string()))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Word, E> {
                Ok(Word(v.to_string()))
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Word, E> {
                Ok(Word(v.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

/// The whole document: the switches it describes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Doc {
    #[serde(default)]
    pub switches: Vec<Switch>,
}

/// One switch. `uplink` left out means no uplink; any other setting left out is left as it
/// is (a new switch gets the module's default). `ports` and `fdb` list all of the switch's
/// ports and static FDB entries: the others are deleted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Switch {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uplink: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ageing: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fdb_max: Option<u32>,
    /// VFs enabled on the uplink (an SR-IOV PF only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sriov: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_fwd_mask: Option<Word>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vmq: Option<Vmq>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ports: Vec<Port>,
    /// Static FDB entries (learned ones are never touched).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fdb: Vec<Fdb>,
}

/// A switch's VMQ settings (`switch set SW vmq MODE low ...`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Vmq {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub low: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub high: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_cpu: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_cpus: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_queues: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skip_smt: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub software: Option<bool>,
}

/// One port: a vPort netdev, with `vf` a VF of the uplink, or with `dev` an existing device
/// (a VM's tap). Settings left out are left as they are.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Port {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vf: Option<u32>,
    /// The device attached as the port (`port add ... dev IFNAME`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dev: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mac: Option<Word>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mtu: Option<u32>,
    /// `access` (with `pvid`) or `trunk` (with `vlans`, `native`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pvid: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vlans: Option<Word>,
    /// A VID or `none`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub native: Option<Word>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_in: Option<Word>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_out: Option<Word>,
    /// 0: the module's default for the rate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub burst: Option<Word>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight: Option<u32>,
    /// `up` or `down` (`port set P link down`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mac_spoof: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dhcp_guard: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub router_guard: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip_guard: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trusted: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip_allow: Option<Vec<Word>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mac_max: Option<Word>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storm_limit: Option<Word>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acl: Option<Acl>,
}

/// A vPort's ACL; a direction left out is left as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Acl {
    #[serde(default, rename = "in", skip_serializing_if = "Option::is_none")]
    pub in_: Option<AclDirection>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub out: Option<AclDirection>,
}

/// One direction: the action of frames no rule matches, and all the rules.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AclDirection {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<Rule>,
}

/// One ACL rule, as `acl add PORT DIR prio N ... ACTION` takes it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Rule {
    pub prio: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub src_mac: Option<Word>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dst_mac: Option<Word>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vlan: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proto: Option<Word>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub src: Option<Word>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dst: Option<Word>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip_proto: Option<Word>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sport: Option<Word>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dport: Option<Word>,
    pub action: String,
}

/// A static FDB entry (`fdb add SW MAC vlan VID port PORT`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fdb {
    pub mac: Word,
    /// Default 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vlan: Option<u16>,
    pub port: String,
}

/// How `load` tells the formats apart: a JSON document is an object.
fn is_json(text: &str) -> bool {
    text.trim_start().starts_with('{')
}

impl Doc {
    /// Parse a document (YAML, or JSON when it starts with `{`); the error names the key and
    /// the line (`switches[0].ports[1]: unknown field "rate", expected one of ... at line 9
    /// column 7`). Only the syntax and the types: [`Doc::normalize`] checks the values.
    pub fn parse(text: &str) -> Result<Doc, String> {
        if is_json(text) {
            serde_json::from_str(text).map_err(|e| e.to_string())
        } else if text.trim().is_empty() {
            // An empty YAML file: no switches.
            Ok(Doc::default())
        } else {
            serde_yaml::from_str(text).map_err(|e| e.to_string())
        }
    }

    /// The document as YAML (what `vswctl dump` prints).
    pub fn to_yaml(&self) -> String {
        serde_yaml::to_string(self).expect("a document always serializes")
    }

    /// Check every value and the rules between them (no kernel needed), and rewrite the
    /// values in their canonical form. The error names the object and key:
    /// `switch sw0, port vp1: invalid mac "zz": ...`.
    pub fn normalize(&mut self) -> Result<(), String> {
        let mut switch_names: Vec<&str> = Vec::new();
        let mut port_names: Vec<String> = Vec::new();
        for sw in &mut self.switches {
            let at = format!("switch {}", sw.name);
            check_name(&at, "name", &sw.name)?;
            if switch_names.contains(&sw.name.as_str()) {
                return Err(format!("{at}: switch listed more than once"));
            }
            sw.normalize(&at)?;
            for p in &sw.ports {
                if port_names.contains(&p.name) {
                    return Err(format!("port {}: listed more than once", p.name));
                }
                port_names.push(p.name.clone());
            }
            switch_names.push(&sw.name);
        }
        Ok(())
    }

    pub fn switch(&self, name: &str) -> Option<&Switch> {
        self.switches.iter().find(|s| s.name == name)
    }
}

fn check_name(at: &str, key: &str, v: &str) -> Result<(), String> {
    Name::from_str(v)
        .map(|_| ())
        .map_err(|e| format!("{at}: {}", e.line(key, v)))
}

/// `w` parsed as `T` and shown again (its canonical form); the error names `at` and `key`.
fn canon<T: FromStr<Err = Invalid> + fmt::Display>(
    at: &str,
    key: &str,
    w: &mut Option<Word>,
) -> Result<(), String> {
    if let Some(v) = w {
        let t: T =
            v.0.parse()
                .map_err(|e: Invalid| invalid(at, key, &v.0, &e))?;
        *v = Word::new(t);
    }
    Ok(())
}

/// The error line of value `v` of `key`, which names the key even where the value type
/// names itself (`invalid MAC address "zz"`).
fn invalid(at: &str, key: &str, v: &str, e: &Invalid) -> String {
    let line = e.line(key, v);
    if line.contains(key) {
        format!("{at}: {line}")
    } else {
        format!("{at}: {key}: {line}")
    }
}

/// A word among `choices` (`mode`, `vmq mode`, ACL actions).
fn one_of<T: FromStr<Err = Invalid>>(
    at: &str,
    key: &str,
    v: &Option<String>,
) -> Result<(), String> {
    if let Some(s) = v {
        s.parse::<T>().map_err(|e| invalid(at, key, s, &e))?;
    }
    Ok(())
}

fn check_vid(at: &str, key: &str, v: Option<u16>) -> Result<(), String> {
    if let Some(v) = v {
        Vid(v)
            .checked()
            .map_err(|e| format!("{at}: {}", e.line(key, &v.to_string())))?;
    }
    Ok(())
}

impl Switch {
    fn normalize(&mut self, at: &str) -> Result<(), String> {
        if let Some(u) = &self.uplink {
            check_name(at, "uplink", u)?;
        }
        canon::<GroupFwdMask>(at, "group-fwd-mask", &mut self.group_fwd_mask)?;
        if let Some(v) = &self.vmq {
            one_of::<VmqMode>(at, "vmq mode", &v.mode)?;
            if let (Some(l), Some(h)) = (v.low, v.high) {
                if l >= h {
                    return Err(format!("{at}: vmq low ({l}) must be below vmq high ({h})"));
                }
            }
        }
        let mut vfs = Vec::new();
        for p in &mut self.ports {
            let pat = format!("{at}, port {}", p.name);
            p.normalize(&pat)?;
            if let Some(vf) = p.vf {
                if vfs.contains(&vf) {
                    return Err(format!("{pat}: vf {vf} is used by another port"));
                }
                vfs.push(vf);
            }
        }
        let mut keys = Vec::new();
        for (i, e) in self.fdb.iter_mut().enumerate() {
            let fat = format!("{at}, fdb[{i}]");
            let mut mac = Some(e.mac.clone());
            canon::<MacAddr>(&fat, "mac", &mut mac)?;
            e.mac = mac.unwrap_or_default();
            let vlan = e.vlan.unwrap_or(crate::cmd::fdb::DEFAULT_VLAN);
            check_vid(&fat, "vlan", Some(vlan))?;
            e.vlan = Some(vlan);
            // Checked here as a kernel refusal would come only after the steps before it.
            if !self.ports.iter().any(|p| p.name == e.port) {
                return Err(format!(
                    "{fat}: port \"{}\" is not one of the switch's ports",
                    e.port
                ));
            }
            if keys.contains(&(e.mac.clone(), vlan)) {
                return Err(format!(
                    "{fat}: {} vlan {vlan} listed more than once",
                    e.mac
                ));
            }
            keys.push((e.mac.clone(), vlan));
        }
        Ok(())
    }
}

impl Port {
    pub fn is_vf(&self) -> bool {
        self.vf.is_some()
    }

    fn normalize(&mut self, at: &str) -> Result<(), String> {
        check_name(at, "name", &self.name)?;
        if let Some(d) = &self.dev {
            check_name(at, "dev", d)?;
            if self.vf.is_some() {
                return Err(format!("{at}: a port is either a VF (vf) or a device (dev), not both"));
            }
            if self.mtu.is_some() {
                return Err(format!("{at}: \"mtu\" is not valid for a device port (its MTU is the device's)"));
            }
            if self.mac.is_none() {
                return Err(format!("{at}: a device port needs \"mac\" (the MAC of the NIC behind the device)"));
            }
        }
        if let Some(l) = &self.link {
            if l != "up" && l != "down" {
                return Err(format!("{at}: invalid link \"{l}\": up or down"));
            }
        }
        canon::<MacAddr>(at, "mac", &mut self.mac)?;
        one_of::<VlanMode>(at, "mode", &self.mode)?;
        check_vid(at, "pvid", self.pvid)?;
        canon::<VlanList>(at, "vlans", &mut self.vlans)?;
        if let Some(n) = &mut self.native {
            if n.0 != "none" && n.0 != "0" {
                let v: Vid =
                    n.0.parse()
                        .map_err(|e: Invalid| format!("{at}: {}", e.line("native", &n.0)))?;
                check_vid(at, "native", Some(v.0))?;
                *n = Word::new(v.0);
            } else {
                *n = Word::new("none");
            }
        }
        match self.mode.as_deref() {
            Some("access") => {
                if self.pvid.is_none() {
                    return Err(format!("{at}: mode access needs \"pvid\""));
                }
                if self.vlans.is_some() || self.native.is_some() {
                    return Err(format!(
                        "{at}: \"vlans\" and \"native\" are only valid with mode trunk"
                    ));
                }
            }
            Some(_) => {
                if self.vlans.is_none() {
                    return Err(format!("{at}: mode trunk needs \"vlans\""));
                }
                if self.pvid.is_some() {
                    return Err(format!("{at}: \"pvid\" is only valid with mode access"));
                }
            }
            None => {
                if self.pvid.is_some() || self.vlans.is_some() || self.native.is_some() {
                    return Err(format!(
                        "{at}: \"pvid\", \"vlans\" and \"native\" need \"mode\""
                    ));
                }
            }
        }
        canon::<Rate>(at, "rate-in", &mut self.rate_in)?;
        canon::<Rate>(at, "rate-out", &mut self.rate_out)?;
        canon::<Size>(at, "burst", &mut self.burst)?;
        canon::<Limit>(at, "mac-max", &mut self.mac_max)?;
        canon::<Limit>(at, "storm-limit", &mut self.storm_limit)?;
        if let Some(list) = &mut self.ip_allow {
            let mut ips: Vec<IpAddr> = Vec::new();
            for w in list.iter() {
                let ip: IpAddr = w.0.parse().map_err(|_| {
                    format!("{at}: invalid ip-allow \"{w}\": not an IPv4 or IPv6 address")
                })?;
                if ips.contains(&ip) {
                    return Err(format!("{at}: ip-allow: {ip} given more than once"));
                }
                ips.push(ip);
            }
            *list = canonical_ips(ips);
        }
        if self.is_vf() {
            // What `port add ... vf N` takes (see `cmd::port::check_vf_opts`).
            let bad = [
                ("mtu", self.mtu.is_some()),
                ("mode trunk", self.mode.as_deref() == Some("trunk")),
                ("rate-in", self.rate_in.is_some()),
                ("rate-out", self.rate_out.is_some()),
                ("burst", self.burst.is_some()),
                ("weight", self.weight.is_some()),
                ("link", self.link.is_some()),
                ("dhcp-guard", self.dhcp_guard.is_some()),
                ("router-guard", self.router_guard.is_some()),
                ("ip-guard", self.ip_guard.is_some()),
                ("trusted", self.trusted.is_some()),
                ("ip-allow", self.ip_allow.is_some()),
                ("mac-max", self.mac_max.is_some()),
                ("storm-limit", self.storm_limit.is_some()),
                ("acl", self.acl.is_some()),
            ];
            if let Some((kw, _)) = bad.iter().find(|(_, given)| *given) {
                return Err(format!(
                    "{at}: \"{kw}\" is not valid for a VF port (it takes mac, mode access, pvid \
                     and mac-spoof)"
                ));
            }
        }
        if let Some(acl) = &mut self.acl {
            for (dir, d) in [("in", &mut acl.in_), ("out", &mut acl.out)] {
                if let Some(d) = d {
                    d.normalize(&format!("{at}, acl {dir}"))?;
                }
            }
        }
        Ok(())
    }
}

/// `ip-allow` in its one order (the kernel's order is that of the `IP_ALLOW` nest).
pub fn canonical_ips(mut ips: Vec<IpAddr>) -> Vec<Word> {
    ips.sort();
    ips.into_iter().map(Word::new).collect()
}

impl AclDirection {
    fn normalize(&mut self, at: &str) -> Result<(), String> {
        one_of::<AclAction>(at, "default", &self.default)?;
        let mut prios = Vec::new();
        for r in &mut self.rules {
            let rat = format!("{at}, rule prio {}", r.prio);
            if prios.contains(&r.prio) {
                return Err(format!("{rat}: prio listed more than once"));
            }
            prios.push(r.prio);
            canon::<MacAddr>(&rat, "src-mac", &mut r.src_mac)?;
            canon::<MacAddr>(&rat, "dst-mac", &mut r.dst_mac)?;
            check_vid(&rat, "vlan", r.vlan)?;
            canon::<EtherType>(&rat, "proto", &mut r.proto)?;
            canon::<Prefix>(&rat, "src", &mut r.src)?;
            canon::<Prefix>(&rat, "dst", &mut r.dst)?;
            canon::<IpProto>(&rat, "ip-proto", &mut r.ip_proto)?;
            canon::<PortRange>(&rat, "sport", &mut r.sport)?;
            canon::<PortRange>(&rat, "dport", &mut r.dport)?;
            one_of::<AclAction>(&rat, "action", &Some(r.action.clone()))?;
        }
        // The order rules are evaluated in (and the dump lists them in).
        self.rules.sort_by_key(|r| r.prio);
        Ok(())
    }
}
