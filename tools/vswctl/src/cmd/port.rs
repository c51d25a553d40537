// SPDX-License-Identifier: GPL-2.0
//! `vswctl port add|set|del|show` (`port show PORT irqs`: [`super::irqs`]; `port show PORT
//! bindings`: [`super::bindings`]; the security words: [`super::security`]).

use serde::Serialize;

use super::security::{Security, SecurityOpts};
use super::stats::Stats;
use super::Request;
use crate::args::{self, set_once, Words};
use crate::netlink::{Attr, Client};
use crate::output::Output;
use crate::uapi::{attr, cmd, vlan_mode};
use crate::value::{MacAddr, Name, OnOff, Rate, Size, Vid, VlanList, VlanMode};
use crate::view::{bad_reply, AttrView};
use crate::Error;

/// The security part of the `port add` / `port set` syntax lines.
macro_rules! security_usage {
    () => {
        "SECURITY: [mac-spoof on|off] [dhcp-guard on|off] [router-guard on|off] \
         [ip-guard on|off] [trusted on|off] [ip-allow ADDR[,ADDR...]|none] [mac-max N|none] \
         [storm-limit PPS|none] (a VF port takes only mac-spoof)"
    };
}

/// Syntax lines (clap help).
pub const ADD_USAGE: &str = concat!(
    "PORT switch SW [mac ADDR] [mtu N] \
     [mode access pvid VID | mode trunk vlans LIST [native VID|none]] [link up|down] [SECURITY]\n\
     device port (a VM's tap, a veth end, a NIC): PORT switch SW dev IFNAME mac ADDR \
     [mode ...] [link up|down] [SECURITY] (mac: the VM NIC's)\n\
     VF port: PORT switch SW vf INDEX [mac ADDR] [mode access pvid VID | pvid VID] \
     [mac-spoof on|off]\n",
    security_usage!()
);
pub const SET_USAGE: &str = concat!(
    "PORT [mac ADDR] [mtu N] \
     [mode access pvid VID | mode trunk vlans LIST [native VID|none]] [pvid VID] [vlans LIST] [native VID|none] \
     [rate-in RATE] [rate-out RATE] [burst BYTES] [weight 1..100] [link up|down] [SECURITY]\n\
     RATE: bits/s, e.g. 100mbit, 1.5gbit, 125mbps (bytes/s); units bit kbit mbit gbit tbit \
     bps kbps mbps gbps tbps; 0 or none: no limit. BYTES: e.g. 65536, 64k, 1m (0: default)\n",
    security_usage!()
);
pub const DEL_USAGE: &str = "PORT";
pub const SHOW_USAGE: &str = "[PORT] [switch SW] | PORT irqs (interrupts of a VF port) | \
     PORT bindings (IP source guard bindings)";

/// The keyword part of `port add` / `port set`.
#[derive(Debug, Default)]
struct Opts {
    switch: Option<Name>,
    /// VF index of a VF-backed port (`port add` only).
    vf: Option<u32>,
    /// An existing device attached as the port (`port add` only).
    dev: Option<Name>,
    /// Administrative link: up (default) or down.
    link: Option<bool>,
    mac: Option<MacAddr>,
    mtu: Option<u32>,
    mode: Option<u8>,
    pvid: Option<u16>,
    vlans: Option<VlanList>,
    /// 0 = none.
    native: Option<u16>,
    /// QoS (`port set` only): bits/s, 0 = no limit.
    rate_in: Option<u64>,
    rate_out: Option<u64>,
    /// Token bucket size in bytes, 0 = default.
    burst: Option<u32>,
    /// Uplink bandwidth weight (1..=`wfq::MAX_WEIGHT`, the module's policy checks it).
    weight: Option<u32>,
    security: SecurityOpts,
}

fn parse_opts(what: &str, w: &mut Words<'_>, add: bool) -> Result<Opts, String> {
    let mut o = Opts::default();
    while let Some(kw) = w.next() {
        if o.security.parse_word(kw, w)? {
            continue;
        }
        match kw {
            "switch" if add => {
                set_once(&mut o.switch, kw, args::parse("switch name", w.value(kw)?)?)?
            }
            "vf" if add => set_once(&mut o.vf, kw, args::parse_u32(kw, w.value(kw)?)?)?,
            "dev" if add => set_once(&mut o.dev, kw, args::parse("device name", w.value(kw)?)?)?,
            "link" => {
                let up = match w.value(kw)? {
                    "up" => true,
                    "down" => false,
                    v => return Err(format!("link: \"{v}\" is not up or down")),
                };
                set_once(&mut o.link, kw, up)?
            }
            "mac" | "address" => set_once(&mut o.mac, "mac", w.parse(kw)?)?,
            "mtu" => set_once(&mut o.mtu, kw, args::parse_u32(kw, w.value(kw)?)?)?,
            "mode" => set_once(&mut o.mode, kw, w.parse::<VlanMode>(kw)?.0)?,
            "pvid" => set_once(&mut o.pvid, kw, w.parse::<Vid>(kw)?.0)?,
            "vlans" => set_once(&mut o.vlans, kw, w.parse(kw)?)?,
            "native" => {
                let v = w.value(kw)?;
                let vid = if v == "none" {
                    0
                } else {
                    args::parse::<Vid>(kw, v)?.0
                };
                set_once(&mut o.native, kw, vid)?
            }
            "rate-in" if !add => set_once(&mut o.rate_in, kw, w.parse::<Rate>(kw)?.0)?,
            "rate-out" if !add => set_once(&mut o.rate_out, kw, w.parse::<Rate>(kw)?.0)?,
            "burst" if !add => set_once(&mut o.burst, kw, w.parse::<Size>(kw)?.0)?,
            "weight" if !add => set_once(&mut o.weight, kw, args::parse_u32(kw, w.value(kw)?)?)?,
            _ => {
                let expected = if add {
                    "switch, vf, dev, mac, mtu, mode, pvid, vlans, native, link, mac-spoof, \
                     dhcp-guard, router-guard, ip-guard, trusted, ip-allow, mac-max or storm-limit"
                } else {
                    "mac, mtu, mode, pvid, vlans, native, rate-in, rate-out, burst, weight, \
                     link, mac-spoof, dhcp-guard, router-guard, ip-guard, trusted, ip-allow, \
                     mac-max or storm-limit"
                };
                return Err(args::unknown_keyword(what, kw, expected));
            }
        }
    }
    if o.vf.is_some() {
        if o.dev.is_some() {
            return Err("a port is either a VF (vf INDEX) or a device (dev IFNAME), not both".into());
        }
        check_vf_opts(&mut o)?;
    }
    if o.dev.is_some() {
        if o.mtu.is_some() {
            return Err("\"mtu\" is not valid for a device port (its MTU is the device's: ip link set IFNAME mtu N)".into());
        }
        if o.mac.is_none() {
            return Err("a device port needs \"mac ADDR\": the MAC of the NIC behind the device (the VM's)".into());
        }
    }
    check_vlan_opts(&o, add)?;
    Ok(o)
}

/// A VF port (`vf INDEX`) takes `mac`, an access VLAN and `mac-spoof` only (the VF's MAC,
/// VLAN and spoofchk are set on the PF): no `mtu` (the guest's VF driver owns it), no trunk
/// settings, none of the other security words (its frames do not pass the switch's
/// guards). A bare `pvid VID` means `mode access pvid VID`.
fn check_vf_opts(o: &mut Opts) -> Result<(), String> {
    let bad = if let Some(kw) = o.security.vf_refused() {
        Some(kw)
    } else if o.mtu.is_some() {
        Some("mtu")
    } else if o.link.is_some() {
        Some("link")
    } else if o.mode == Some(vlan_mode::TRUNK) {
        Some("mode trunk")
    } else if o.vlans.is_some() {
        Some("vlans")
    } else if o.native.is_some() {
        Some("native")
    } else {
        None
    };
    if let Some(kw) = bad {
        return Err(format!(
            "\"{kw}\" is not valid for a VF port (vf INDEX takes mac, mode access, pvid and \
             mac-spoof)"
        ));
    }
    if o.pvid.is_some() && o.mode.is_none() {
        o.mode = Some(vlan_mode::ACCESS);
    }
    Ok(())
}

/// `mode access` needs `pvid` and excludes `vlans`/`native`; `mode trunk` needs `vlans`
/// and excludes `pvid`. Without `mode`, `port add` takes none of them; `port set` sends
/// them alone (changing the current mode's settings) but not access and trunk ones mixed.
fn check_vlan_opts(o: &Opts, add: bool) -> Result<(), String> {
    let trunk_kw = if o.vlans.is_some() { "vlans" } else { "native" };
    let has_trunk = o.vlans.is_some() || o.native.is_some();
    match o.mode {
        Some(vlan_mode::ACCESS) => {
            if o.pvid.is_none() {
                return Err("mode access needs \"pvid VID\"".into());
            }
            if has_trunk {
                return Err(format!("\"{trunk_kw}\" is only valid with mode trunk"));
            }
        }
        Some(_) => {
            if o.vlans.is_none() {
                return Err("mode trunk needs \"vlans LIST\"".into());
            }
            if o.pvid.is_some() {
                return Err("\"pvid\" is only valid with mode access".into());
            }
        }
        None => {
            if add && o.pvid.is_some() {
                return Err("\"pvid\" needs \"mode access\"".into());
            }
            if add && has_trunk {
                return Err(format!("\"{trunk_kw}\" needs \"mode trunk\""));
            }
            if o.pvid.is_some() && has_trunk {
                return Err(format!(
                    "\"pvid\" (access) and \"{trunk_kw}\" (trunk) cannot be combined"
                ));
            }
        }
    }
    Ok(())
}

fn opts_attrs(o: Opts, attrs: &mut Vec<Attr>) {
    if let Some(sw) = o.switch {
        attrs.push(Attr::str(attr::SWITCH, &sw));
    }
    if let Some(v) = o.vf {
        attrs.push(Attr::u32(attr::VF, v));
    }
    if let Some(d) = o.dev {
        attrs.push(Attr::str(attr::DEV, &d));
    }
    if let Some(m) = o.mac {
        attrs.push(Attr::bytes(attr::MAC, m.octets()));
    }
    if let Some(v) = o.mtu {
        attrs.push(Attr::u32(attr::MTU, v));
    }
    if let Some(v) = o.mode {
        attrs.push(Attr::u8(attr::VLAN_MODE, v));
    }
    if let Some(v) = o.pvid {
        attrs.push(Attr::u16(attr::PVID, v));
    }
    if let Some(v) = o.vlans {
        attrs.push(Attr::bytes(attr::VLANS, v.bitmap()));
    }
    if let Some(v) = o.native {
        attrs.push(Attr::u16(attr::NATIVE, v));
    }
    if let Some(v) = o.rate_in {
        attrs.push(Attr::u64(attr::RATE_IN, v));
    }
    if let Some(v) = o.rate_out {
        attrs.push(Attr::u64(attr::RATE_OUT, v));
    }
    if let Some(v) = o.burst {
        attrs.push(Attr::u32(attr::BURST, v));
    }
    if let Some(v) = o.weight {
        attrs.push(Attr::u32(attr::WEIGHT, v));
    }
    if let Some(up) = o.link {
        attrs.push(Attr::u8(attr::LINK, up as u8));
    }
    o.security.push_attrs(attrs);
}

fn name_attr(what: &str, w: &mut Words<'_>) -> Result<Attr, String> {
    let name = w.positional(what, "port name (PORT)")?;
    Ok(Attr::str(
        attr::PORT,
        &args::parse::<Name>("port name", name)?,
    ))
}

/// `port add PORT switch SW [mac ADDR] [mtu N] [mode ...] [SECURITY]` -> `PORT_NEW`; with
/// `vf INDEX` a VF-backed port (`VF`), which takes only `mac`, an access VLAN and
/// `mac-spoof`.
pub fn add_request(words: &[String]) -> Result<Request, String> {
    let mut w = Words::new(words);
    let mut attrs = vec![name_attr("port add", &mut w)?];
    let o = parse_opts("port add", &mut w, true)?;
    if o.switch.is_none() {
        return Err("port add: missing \"switch SW\"".into());
    }
    opts_attrs(o, &mut attrs);
    Ok(Request::doit(cmd::PORT_NEW, attrs))
}

/// `port set PORT [mac ADDR] [mtu N] [mode ...] [rate-in RATE] [rate-out RATE]
/// [burst BYTES] [weight N] [SECURITY]` -> `PORT_SET`.
pub fn set_request(words: &[String]) -> Result<Request, String> {
    let mut w = Words::new(words);
    let mut attrs = vec![name_attr("port set", &mut w)?];
    opts_attrs(parse_opts("port set", &mut w, false)?, &mut attrs);
    if attrs.len() == 1 {
        return Err(
            "port set: nothing to change (give mac, mtu, mode, pvid, vlans, native, rate-in, \
             rate-out, burst, weight, link, mac-spoof, dhcp-guard, router-guard, ip-guard, trusted, \
             ip-allow, mac-max or storm-limit)"
                .into(),
        );
    }
    Ok(Request::doit(cmd::PORT_SET, attrs))
}

/// `port del PORT` -> `PORT_DEL`.
pub fn del_request(words: &[String]) -> Result<Request, String> {
    let mut w = Words::new(words);
    let attrs = vec![name_attr("port del", &mut w)?];
    if let Some(extra) = w.next() {
        return Err(format!("port del: unexpected argument \"{extra}\""));
    }
    Ok(Request::doit(cmd::PORT_DEL, attrs))
}

/// `port show [PORT] [switch SW]`: the request (`PORT_GET` doit with `PORT`, else a dump,
/// filtered by `SWITCH` if given) and the switch filter to apply to the replies as well.
pub fn show_request(words: &[String]) -> Result<(Request, Option<String>), String> {
    let mut w = Words::new(words);
    let mut port = None;
    let mut switch = None;
    if let Some(first) = w.peek() {
        if first != "switch" {
            w.next();
            port = Some(args::parse::<Name>("port name", first)?);
        }
    }
    while let Some(kw) = w.next() {
        match kw {
            "switch" => set_once(
                &mut switch,
                kw,
                args::parse::<Name>("switch name", w.value(kw)?)?,
            )?,
            _ => {
                return Err(args::unknown_keyword(
                    "port show",
                    kw,
                    "switch, or \"port show PORT irqs|bindings\"",
                ))
            }
        }
    }
    let req = match &port {
        Some(p) => Request::doit(cmd::PORT_GET, vec![Attr::str(attr::PORT, p)]),
        None => Request::dump(
            cmd::PORT_GET,
            switch.iter().map(|s| Attr::str(attr::SWITCH, s)).collect(),
        ),
    };
    Ok((req, switch.map(String::from)))
}

/// One vPort as the kernel describes it (`PORT_GET` reply, port events).
/// Field order = JSON key order; absent fields are left out of the JSON, except `native`
/// which is `null` on a trunk port without native VLAN. The VF fields (`vf`, `pci`,
/// `vf_dev`, `driver`, `spoofchk`, `trust`) are only sent for a VF-backed port, so a vPort
/// netdev's JSON has none of them; the QoS fields (`rate_in`, `rate_out` in bits/s,
/// `burst`, `weight`) only when the module reports them; the security fields ([`Security`])
/// always (a VF port: `mac_spoof` only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PortInfo {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub switch: Option<String>,
    /// VF index (VF ports).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vf: Option<u32>,
    /// PCI address of the VF (VF ports).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pci: Option<String>,
    /// The VF's netdev, when a netdev driver is bound to it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vf_dev: Option<String>,
    /// Driver bound to the VF (e.g. `igbvf`, `vfio-pci`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub driver: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mac: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mtu: Option<u32>,
    /// "access" or "trunk" (or the number if unknown).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
    /// Access ports.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pvid: Option<u16>,
    /// Trunk ports: text `10,20,30-40`, JSON `[10,20,30,...,40]`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vlans: Option<Box<VlanList>>,
    /// Trunk ports: `Some(None)` = no native VLAN (JSON null).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub native: Option<Option<u16>>,
    /// VF spoof checking (VF ports).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub spoofchk: Option<bool>,
    /// VF trusted (VF ports).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trust: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub carrier: Option<bool>,
    /// The port's link setting, "up" or "down" (`port set P link down`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
    /// A device port's device (`port add ... dev IFNAME`: a VM's tap), its current name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dev: Option<String>,
    /// The vPort netdev's current name (`name` is the port's name in the switch; they
    /// differ once the netdev was renamed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ifname: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ifindex: Option<u32>,
    /// Rate limit from the port into the switch, bits/s (0: none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rate_in: Option<u64>,
    /// Rate limit from the switch toward the port, bits/s (0: none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rate_out: Option<u64>,
    /// Token bucket size, bytes (0: default).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub burst: Option<u32>,
    /// Uplink bandwidth weight.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weight: Option<u32>,
    /// `None` only in `port del` events, which carry no settings.
    #[serde(flatten)]
    pub security: Option<Security>,
    /// Only with `-s` (and if the kernel sent `STATS`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stats: Option<Stats>,
}

impl PortInfo {
    /// Decode reply/event attributes. `PORT` is required; missing values are left out.
    pub fn from_attrs(attrs: &[Attr]) -> Result<Self, Error> {
        let v = AttrView::new(attrs);
        let nonempty = |s: &String| !s.is_empty();
        let mac = v.get::<MacAddr>(attr::MAC, "MAC")?;
        let mode_num = v.get(attr::VLAN_MODE, "VLAN_MODE")?;
        let (access, trunk) = match mode_num {
            Some(vlan_mode::ACCESS) => (true, false),
            Some(vlan_mode::TRUNK) => (false, true),
            // Unknown or missing mode: show whatever the kernel sent.
            _ => (true, true),
        };
        let vlans = if trunk {
            v.get::<VlanList>(attr::VLANS, "VLANS")?
        } else {
            None
        };
        let native_attr = v.get(attr::NATIVE, "NATIVE")?;
        let native = match (mode_num, native_attr) {
            (Some(vlan_mode::TRUNK), n) => Some(n.filter(|&v| v != 0)),
            (Some(_), _) => None,
            (None, n) => n.map(|v| Some(v).filter(|&v| v != 0)),
        };
        let vf = v.get(attr::VF, "VF")?;
        Ok(PortInfo {
            name: v.req(attr::PORT, "PORT")?,
            switch: v.get(attr::SWITCH, "SWITCH")?,
            vf,
            pci: v.get(attr::PCI, "PCI")?,
            vf_dev: v.get(attr::VF_DEV, "VF_DEV")?.filter(nonempty),
            driver: v.get(attr::DRIVER, "DRIVER")?.filter(nonempty),
            mac: mac.map(|m| m.to_string()),
            mtu: v.get(attr::MTU, "MTU")?,
            mode: mode_num.map(|m| VlanMode(m).to_string()),
            pvid: if access {
                v.get(attr::PVID, "PVID")?
            } else {
                None
            },
            vlans: vlans.map(Box::new),
            native,
            spoofchk: v.get(attr::SPOOFCHK, "SPOOFCHK")?,
            trust: v.get(attr::TRUST, "TRUST")?,
            carrier: v.get(attr::CARRIER, "CARRIER")?,
            link: v.get::<u8>(attr::LINK, "LINK")?.map(|l| if l != 0 { "up" } else { "down" }.to_string()),
            dev: v.get(attr::DEV, "DEV")?,
            ifname: v.get(attr::IFNAME, "IFNAME")?,
            ifindex: v.get(attr::IFINDEX, "IFINDEX")?,
            rate_in: v.get(attr::RATE_IN, "RATE_IN")?,
            rate_out: v.get(attr::RATE_OUT, "RATE_OUT")?,
            burst: v.get(attr::BURST, "BURST")?,
            weight: v.get(attr::WEIGHT, "WEIGHT")?,
            security: Some(Security::from_attrs(attrs, vf.is_some())?),
            stats: Stats::from_reply(attrs)?,
        })
    }

    /// `switch sw0 mac 02:00:00:00:00:01 mtu 1500 mode access pvid 10 carrier up
    /// ifindex 7`, trunk: `... mode trunk vlans 10,20,30-40 native 1 ...` (no native VLAN:
    /// no `native` part); a VF port: `switch sw0 vf 0 pci 0000:00:0a.4 dev enp0s10v0
    /// driver igbvf mac 02:00:00:00:00:01 mode access pvid 10 spoofchk on trust off`;
    /// QoS at the end: `... ifindex 7 rate-in 100mbit rate-out 1gbit burst 65536 weight 3`,
    /// then the security settings that are not the defaults: `... mac-spoof on ip-guard on
    /// ip-allow 10.0.0.5`.
    /// A vPort whose netdev was renamed shows it before the ifindex: `... dev eth0 ifindex 7`.
    /// Parts the kernel did not send are left out.
    pub fn text_body(&self) -> String {
        let mut p = Vec::new();
        if let Some(v) = &self.switch {
            p.push(format!("switch {v}"));
        }
        if let Some(v) = self.vf {
            p.push(format!("vf {v}"));
        }
        if let Some(v) = &self.pci {
            p.push(format!("pci {v}"));
        }
        if let Some(v) = &self.vf_dev {
            p.push(format!("dev {v}"));
        }
        if let Some(v) = &self.driver {
            p.push(format!("driver {v}"));
        }
        if let Some(v) = &self.mac {
            p.push(format!("mac {v}"));
        }
        if let Some(v) = self.mtu {
            p.push(format!("mtu {v}"));
        }
        if let Some(v) = &self.mode {
            p.push(format!("mode {v}"));
        }
        if let Some(v) = self.pvid {
            p.push(format!("pvid {v}"));
        }
        if let Some(v) = &self.vlans {
            if v.0.is_empty() {
                p.push("vlans none".to_string());
            } else {
                p.push(format!("vlans {v}"));
            }
        }
        if let Some(Some(v)) = self.native {
            p.push(format!("native {v}"));
        }
        if let Some(v) = self.spoofchk {
            p.push(format!("spoofchk {}", OnOff(v)));
        }
        if let Some(v) = self.trust {
            p.push(format!("trust {}", OnOff(v)));
        }
        if let Some(c) = self.carrier {
            p.push(format!("carrier {}", if c { "up" } else { "down" }));
        }
        if self.link.as_deref() == Some("down") {
            p.push("link down".to_string());
        }
        // A device port's device; a vPort's netdev name only when a rename made it differ
        // from the port's.
        if let Some(v) = self.dev.as_deref() {
            p.push(format!("dev {v}"));
        } else if let Some(v) = self.ifname.as_deref().filter(|v| *v != self.name) {
            p.push(format!("dev {v}"));
        }
        if let Some(v) = self.ifindex {
            p.push(format!("ifindex {v}"));
        }
        if let Some(v) = self.rate_in {
            p.push(format!("rate-in {}", Rate(v)));
        }
        if let Some(v) = self.rate_out {
            p.push(format!("rate-out {}", Rate(v)));
        }
        if let Some(v) = self.burst {
            p.push(format!("burst {}", Size(v)));
        }
        if let Some(v) = self.weight {
            p.push(format!("weight {v}"));
        }
        if let Some(s) = &self.security {
            p.extend(s.text_words());
        }
        p.join(" ")
    }

    /// The `show` lines: `vp1: <body>`, then at stats level 1 (`-s`) or 2 (`-s -s`) the stats lines.
    pub fn text_lines(&self, stats: u8) -> Vec<String> {
        super::stats::object_lines(&self.name, &self.text_body(), self.stats.as_ref(), stats)
    }
}

/// Decode `PORT_GET` replies; keeps only ports of `switch` if given, drops stats unless
/// `-s`.
pub fn decode_all<'a>(
    msgs: impl IntoIterator<Item = &'a [Attr]>,
    switch: Option<&str>,
    stats: bool,
) -> Result<Vec<PortInfo>, Error> {
    let mut out = Vec::new();
    for attrs in msgs {
        let mut p = PortInfo::from_attrs(attrs)?;
        if let Some(sw) = switch {
            if p.switch.as_deref() != Some(sw) {
                continue;
            }
        }
        if !stats {
            p.stats = None;
        }
        out.push(p);
    }
    Ok(out)
}

/// `port show PORT irqs` (a `PORT_IRQS` doit) rather than a `PORT_GET`.
pub fn is_irqs_show(words: &[String]) -> bool {
    words.get(1).is_some_and(|w| w == "irqs")
}

/// `port show PORT bindings` (a `BINDING_GET` doit) rather than a `PORT_GET`; also `port
/// show bindings`, so that the missing port name is reported rather than a port named
/// `bindings` looked up.
pub fn is_bindings_show(words: &[String]) -> bool {
    words.iter().take(2).any(|w| w == "bindings")
}

pub fn show(out: &Output, words: &[String]) -> Result<(), Error> {
    if is_irqs_show(words) {
        return super::irqs::show(out, words);
    }
    if is_bindings_show(words) {
        return super::bindings::show(out, words);
    }
    let (req, switch) = show_request(words).map_err(Error::Usage)?;
    let client = Client::connect()?;
    let msgs = req.send(&client)?;
    if !req.dump && msgs.is_empty() {
        return Err(bad_reply("PORT_GET", "no reply message"));
    }
    let list = decode_all(
        msgs.iter().map(|m| m.attrs.as_slice()),
        switch.as_deref(),
        out.stats,
    )?;
    if out.json {
        out.json(&list)?;
    } else {
        for p in &list {
            for l in p.text_lines(out.stats_level()) {
                out.line(l)?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cmd::stats::tests::sample_stats;

    fn w(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    /// The JSON security keys of a vPort whose reply carries none of them (or the defaults).
    macro_rules! no_security {
        () => {
            r#""mac_spoof":false,"dhcp_guard":false,"router_guard":false,"ip_guard":false,"trusted":false,"mac_max":0,"storm_limit":0,"ip_allow":[]"#
        };
    }

    fn bitmap(vids: &[u16]) -> Vec<u8> {
        let mut b = vec![0u8; crate::uapi::VLAN_BITMAP_LEN];
        for &v in vids {
            b[usize::from(v / 8)] |= 1 << (v % 8);
        }
        b
    }

    #[test]
    fn add_minimal_and_access() {
        let r = add_request(&w("vp1 switch sw0")).unwrap();
        assert_eq!(
            r,
            Request::doit(
                cmd::PORT_NEW,
                vec![Attr::str(attr::PORT, "vp1"), Attr::str(attr::SWITCH, "sw0")]
            )
        );
        let r = add_request(&w(
            "vp1 switch sw0 mac 02:00:00:00:00:01 mtu 9000 mode access pvid 10",
        ))
        .unwrap();
        assert_eq!(
            r.attrs,
            vec![
                Attr::str(attr::PORT, "vp1"),
                Attr::str(attr::SWITCH, "sw0"),
                Attr::bytes(attr::MAC, vec![2, 0, 0, 0, 0, 1]),
                Attr::u32(attr::MTU, 9000),
                Attr::u8(attr::VLAN_MODE, vlan_mode::ACCESS),
                Attr::u16(attr::PVID, 10),
            ]
        );
    }

    /// The help's weight range is the module's (`wfq.rs`, which its policy uses).
    #[test]
    fn weight_range_in_help() {
        assert!(SET_USAGE.contains(&format!("[weight 1..{}]", crate::wfq::MAX_WEIGHT)));
    }

    #[test]
    fn add_trunk() {
        let r = add_request(&w("vp2 switch sw0 mode trunk vlans 10,20,30-32 native 1")).unwrap();
        assert_eq!(r.cmd, cmd::PORT_NEW);
        assert_eq!(
            r.attrs,
            vec![
                Attr::str(attr::PORT, "vp2"),
                Attr::str(attr::SWITCH, "sw0"),
                Attr::u8(attr::VLAN_MODE, vlan_mode::TRUNK),
                Attr::bytes(attr::VLANS, bitmap(&[10, 20, 30, 31, 32])),
                Attr::u16(attr::NATIVE, 1),
            ]
        );
        let r = add_request(&w("vp2 switch sw0 mode trunk vlans 5 native none")).unwrap();
        assert_eq!(r.attrs.last(), Some(&Attr::u16(attr::NATIVE, 0)));
        let r = add_request(&w("vp2 switch sw0 mode trunk vlans 5")).unwrap();
        assert_eq!(r.attrs.len(), 4);
    }

    #[test]
    fn add_errors() {
        let err = |s: &str| add_request(&w(s)).unwrap_err();
        assert_eq!(err(""), "port add: missing port name (PORT)");
        assert_eq!(err("vp1"), "port add: missing \"switch SW\"");
        assert_eq!(err("vp1 switch"), "missing value for \"switch\"");
        assert_eq!(
            err("vp1 switch sw0 mode hybrid"),
            "invalid mode \"hybrid\" (expected access or trunk)"
        );
        assert_eq!(
            err("vp1 switch sw0 mode access"),
            "mode access needs \"pvid VID\""
        );
        assert_eq!(
            err("vp1 switch sw0 mode trunk"),
            "mode trunk needs \"vlans LIST\""
        );
        assert_eq!(
            err("vp1 switch sw0 mode trunk native 3"),
            "mode trunk needs \"vlans LIST\""
        );
        assert!(
            err("vp1 switch sw0 mode access pvid 65536").starts_with("invalid pvid \"65536\": ")
        );
        assert!(err("vp1 switch sw0 mode access pvid x").contains("not a number"));
        assert!(err("vp1 switch sw0 mode trunk vlans 1,4095").starts_with("invalid VLAN list"));
        assert!(err("vp1 switch sw0 mode trunk vlans 1 native x").starts_with("invalid native"));
        // VLAN ids out of 1..4094 are the module's to refuse (its policy names the range).
        let r = add_request(&w("vp1 switch sw0 mode access pvid 4095")).unwrap();
        assert_eq!(r.attrs[3], Attr::u16(attr::PVID, 4095));
        let r = add_request(&w("vp1 switch sw0 mode trunk vlans 1 native 4095")).unwrap();
        assert_eq!(r.attrs[4], Attr::u16(attr::NATIVE, 4095));
        assert!(err("vp1 switch sw0 mac 02:00").starts_with("invalid MAC address \"02:00\": "));
        assert!(err("vp1 switch sw0 mtu big").starts_with("invalid mtu \"big\""));
        assert_eq!(
            err("vp1 switch sw0 colour red"),
            "port add: unknown keyword \"colour\" (expected switch, vf, dev, mac, mtu, mode, pvid, \
             vlans, native, link, mac-spoof, dhcp-guard, router-guard, ip-guard, trusted, ip-allow, mac-max or \
             storm-limit)"
        );
        assert!(
            err("vp1 switch sw0 mode access pvid 1 vlans 2").contains("only valid with mode trunk")
        );
        assert!(
            err("vp1 switch sw0 mode trunk vlans 2 pvid 1").contains("only valid with mode access")
        );
        assert!(err("vp1 switch sw0 pvid 1").contains("needs \"mode access\""));
        assert!(err("vp1 switch sw0 vlans 1").contains("needs \"mode trunk\""));
        assert!(err("vp1 switch sw0 mtu 1 mtu 2").contains("more than once"));
        assert!(err("vp1 switch sw0 switch sw1").contains("more than once"));
    }

    #[test]
    fn add_vf() {
        let r = add_request(&w("vf1 switch sw0 vf 0")).unwrap();
        assert_eq!(
            r,
            Request::doit(
                cmd::PORT_NEW,
                vec![
                    Attr::str(attr::PORT, "vf1"),
                    Attr::str(attr::SWITCH, "sw0"),
                    Attr::u32(attr::VF, 0),
                ]
            )
        );
        let full = vec![
            Attr::str(attr::PORT, "vf1"),
            Attr::str(attr::SWITCH, "sw0"),
            Attr::u32(attr::VF, 3),
            Attr::bytes(attr::MAC, vec![2, 0, 0, 0, 0, 1]),
            Attr::u8(attr::VLAN_MODE, vlan_mode::ACCESS),
            Attr::u16(attr::PVID, 10),
        ];
        let r = add_request(&w(
            "vf1 switch sw0 vf 3 mac 02:00:00:00:00:01 mode access pvid 10",
        ))
        .unwrap();
        assert_eq!(r.attrs, full);
        // Any order; a bare `pvid` on a VF port means mode access.
        let r = add_request(&w("vf1 pvid 10 vf 3 mac 02:00:00:00:00:01 switch sw0")).unwrap();
        assert_eq!(r.attrs, full);
        let err = |s: &str| add_request(&w(s)).unwrap_err();
        assert_eq!(err("vf1 switch sw0 vf"), "missing value for \"vf\"");
        assert_eq!(err("vf1 switch sw0 vf x"), "invalid vf \"x\": not a number");
        assert_eq!(
            err("vf1 switch sw0 vf -1"),
            "invalid vf \"-1\": not a number"
        );
        assert_eq!(
            err("vf1 switch sw0 vf 1 vf 2"),
            "\"vf\" given more than once"
        );
        assert_eq!(err("vf1 vf 1"), "port add: missing \"switch SW\"");
        assert_eq!(
            err("vf1 switch sw0 vf 1 mtu 9000"),
            "\"mtu\" is not valid for a VF port (vf INDEX takes mac, mode access, pvid and mac-spoof)"
        );
        assert!(
            err("vf1 switch sw0 vf 1 mode trunk vlans 10").contains("\"mode trunk\" is not valid")
        );
        assert!(err("vf1 switch sw0 vf 1 vlans 10").contains("\"vlans\" is not valid"));
        assert!(err("vf1 switch sw0 vf 1 native none").contains("\"native\" is not valid"));
        assert_eq!(
            err("vf1 switch sw0 vf 1 mode access"),
            "mode access needs \"pvid VID\""
        );
        assert!(err("vf1 switch sw0 vf 1 pvid x").starts_with("invalid pvid"));
        // Without `vf`, a bare pvid still needs `mode access`; `port set` has no `vf`.
        assert!(err("vp1 switch sw0 pvid 10").contains("needs \"mode access\""));
        assert!(set_request(&w("vf1 vf 1"))
            .unwrap_err()
            .contains("unknown keyword \"vf\""));
    }

    #[test]
    fn set_requests() {
        let r = set_request(&w("vp1 mtu 1400")).unwrap();
        assert_eq!(
            r,
            Request::doit(
                cmd::PORT_SET,
                vec![Attr::str(attr::PORT, "vp1"), Attr::u32(attr::MTU, 1400)]
            )
        );
        let r = set_request(&w("vp1 mode access pvid 20")).unwrap();
        assert_eq!(
            r.attrs[1..],
            [
                Attr::u8(attr::VLAN_MODE, vlan_mode::ACCESS),
                Attr::u16(attr::PVID, 20)
            ]
        );
        // Without mode: change the current mode's settings.
        let r = set_request(&w("vp1 pvid 30")).unwrap();
        assert_eq!(r.attrs[1], Attr::u16(attr::PVID, 30));
        let r = set_request(&w("vp1 native none")).unwrap();
        assert_eq!(r.attrs[1], Attr::u16(attr::NATIVE, 0));
        assert!(set_request(&w("vp1"))
            .unwrap_err()
            .contains("nothing to change"));
        assert!(set_request(&w("vp1 pvid 3 vlans 4"))
            .unwrap_err()
            .contains("cannot be combined"));
        assert!(set_request(&w("vp1 switch sw0"))
            .unwrap_err()
            .contains("unknown keyword \"switch\""));
        assert!(set_request(&w("vp1 mode trunk"))
            .unwrap_err()
            .contains("needs"));
    }

    #[test]
    fn set_qos() {
        let r = set_request(&w("p1 rate-in 100mbit rate-out 1.5gbit burst 64k weight 3")).unwrap();
        assert_eq!(
            r,
            Request::doit(
                cmd::PORT_SET,
                vec![
                    Attr::str(attr::PORT, "p1"),
                    Attr::u64(attr::RATE_IN, 100_000_000),
                    Attr::u64(attr::RATE_OUT, 1_500_000_000),
                    Attr::u32(attr::BURST, 65536),
                    Attr::u32(attr::WEIGHT, 3),
                ]
            )
        );
        // Removing a limit; mixed with the other keywords.
        let r = set_request(&w("p1 mtu 1400 rate-in none rate-out 0 burst 0")).unwrap();
        assert_eq!(
            r.attrs[1..],
            [
                Attr::u32(attr::MTU, 1400),
                Attr::u64(attr::RATE_IN, 0),
                Attr::u64(attr::RATE_OUT, 0),
                Attr::u32(attr::BURST, 0),
            ]
        );
        let r = set_request(&w("p1 rate-out 125kbps")).unwrap();
        assert_eq!(r.attrs[1], Attr::u64(attr::RATE_OUT, 1_000_000));
        let err = |s: &str| set_request(&w(s)).unwrap_err();
        assert_eq!(err("p1 rate-in"), "missing value for \"rate-in\"");
        assert_eq!(
            err("p1 rate-in fast"),
            "invalid rate-in \"fast\": not a number"
        );
        assert!(err("p1 rate-in 1mb").contains("unknown unit \"mb\""));
        assert_eq!(
            err("p1 rate-in 1mbit rate-in 2mbit"),
            "\"rate-in\" given more than once"
        );
        assert_eq!(err("p1 weight x"), "invalid weight \"x\": not a number");
        assert_eq!(err("p1 weight -1"), "invalid weight \"-1\": not a number");
        // Out of the module's range: its policy refuses it (and names the range).
        for v in [0, 101] {
            let r = set_request(&w(&format!("p1 weight {v}"))).unwrap();
            assert_eq!(r.attrs[1], Attr::u32(attr::WEIGHT, v));
        }
        assert!(err("p1 burst 8g").contains("unknown unit \"g\""));
        assert!(err("p1").contains("rate-in, rate-out, burst, weight, link, mac-spoof"));
        assert!(err("p1 colour red").contains(
            "expected mac, mtu, mode, pvid, vlans, native, rate-in, rate-out, burst, weight, \
             link, mac-spoof, dhcp-guard, router-guard, ip-guard, trusted, ip-allow, mac-max or storm-limit"
        ));
        // Not on `port add`.
        assert!(add_request(&w("p1 switch sw0 rate-in 1mbit"))
            .unwrap_err()
            .contains("unknown keyword \"rate-in\""));
    }

    #[test]
    fn show_qos() {
        let mut a = access_reply();
        a.retain(|x| x.kind() != attr::STATS);
        a.extend([
            Attr::u64(attr::RATE_IN, 100_000_000),
            Attr::u64(attr::RATE_OUT, 1_000_000_000),
            Attr::u32(attr::BURST, 65536),
            Attr::u32(attr::WEIGHT, 3),
        ]);
        let p = PortInfo::from_attrs(&a).unwrap();
        assert_eq!(
            p.text_body(),
            "switch sw0 mac 02:00:00:00:00:0a mtu 1500 mode access pvid 10 carrier up ifindex 7 \
             rate-in 100mbit rate-out 1gbit burst 65536 weight 3"
        );
        assert_eq!(
            crate::output::to_json(&p).unwrap(),
            concat!(
                r#"{"name":"vp1","switch":"sw0","mac":"02:00:00:00:00:0a","mtu":1500,"mode":"access","pvid":10,"carrier":true,"ifindex":7,"rate_in":100000000,"rate_out":1000000000,"burst":65536,"weight":3,"#,
                no_security!(),
                "}"
            )
        );
        // No limit: `none` in text, 0 in JSON; parts not sent are left out.
        let mut a = trunk_reply(0);
        a.push(Attr::u64(attr::RATE_IN, 0));
        a.push(Attr::u64(attr::RATE_OUT, 1_500_000));
        let p = PortInfo::from_attrs(&a).unwrap();
        assert!(p
            .text_body()
            .ends_with("ifindex 8 rate-in none rate-out 1500kbit"));
        let j = crate::output::to_json(&p).unwrap();
        assert!(
            j.ends_with(concat!(
                r#""ifindex":8,"rate_in":0,"rate_out":1500000,"#,
                no_security!(),
                "}"
            )),
            "{j}"
        );
        let mut bad = access_reply();
        bad.push(Attr::u32(attr::RATE_IN, 1));
        assert!(PortInfo::from_attrs(&bad).is_err());
        let mut bad = access_reply();
        bad.push(Attr::u64(attr::WEIGHT, 1));
        assert!(PortInfo::from_attrs(&bad).is_err());
    }

    #[test]
    fn security_requests() {
        // After the other attributes, on both add and set; alone is something to change.
        let r = add_request(&w(
            "vp1 switch sw0 ip-guard on ip-allow 10.0.0.5 mode access pvid 10 mac-spoof off",
        ))
        .unwrap();
        assert_eq!(
            r.attrs[3..],
            [
                Attr::u16(attr::PVID, 10),
                Attr::u8(attr::MAC_SPOOF, 0),
                Attr::u8(attr::IP_GUARD, 1),
                Attr::nested(
                    attr::IP_ALLOW,
                    &[Attr::bytes(
                        crate::uapi::binding_attr::ADDR,
                        vec![10, 0, 0, 5]
                    )]
                )
                .unwrap(),
            ]
        );
        let r = set_request(&w("vp1 storm-limit none trusted on")).unwrap();
        assert_eq!(
            r,
            Request::doit(
                cmd::PORT_SET,
                vec![
                    Attr::str(attr::PORT, "vp1"),
                    Attr::u8(attr::TRUSTED, 1),
                    Attr::u32(attr::STORM_LIMIT, 0),
                ]
            )
        );
        let r = set_request(&w("vp1 ip-allow none")).unwrap();
        assert_eq!(r.attrs[1], Attr::nested(attr::IP_ALLOW, &[]).unwrap());
        let err = |s: &str| set_request(&w(s)).unwrap_err();
        assert_eq!(
            err("vp1 dhcp-guard maybe"),
            "invalid dhcp-guard \"maybe\" (expected on or off)"
        );
        assert_eq!(
            err("vp1 mac-max 4 mac-max 5"),
            "\"mac-max\" given more than once"
        );
        assert_eq!(
            err("vp1 ip-allow 10.0.0.1,10.0.0.1"),
            "invalid ip-allow: 10.0.0.1 given more than once"
        );
        // A VF port: mac-spoof only.
        let r = add_request(&w("vf1 switch sw0 vf 2 mac-spoof on")).unwrap();
        assert_eq!(r.attrs[3], Attr::u8(attr::MAC_SPOOF, 1));
        assert_eq!(
            add_request(&w("vf1 switch sw0 vf 2 mac-spoof on storm-limit 10")).unwrap_err(),
            "\"storm-limit\" is not valid for a VF port (vf INDEX takes mac, mode access, pvid and mac-spoof)"
        );
    }

    #[test]
    fn show_security() {
        let mut a = access_reply();
        a.retain(|x| x.kind() != attr::STATS);
        a.extend([
            Attr::u32(attr::WEIGHT, 3),
            Attr::u8(attr::MAC_SPOOF, 0),
            Attr::u8(attr::DHCP_GUARD, 1),
            Attr::u8(attr::ROUTER_GUARD, 0),
            Attr::u8(attr::IP_GUARD, 1),
            Attr::u8(attr::TRUSTED, 0),
            Attr::nested(
                attr::IP_ALLOW,
                &[
                    Attr::bytes(crate::uapi::binding_attr::ADDR, vec![10, 0, 0, 5]),
                    Attr::bytes(crate::uapi::binding_attr::ADDR, vec![10, 0, 0, 6]),
                ],
            )
            .unwrap(),
            Attr::u32(attr::MAC_MAX, 4),
            Attr::u32(attr::STORM_LIMIT, 0),
        ]);
        let p = PortInfo::from_attrs(&a).unwrap();
        assert_eq!(
            p.text_body(),
            "switch sw0 mac 02:00:00:00:00:0a mtu 1500 mode access pvid 10 carrier up ifindex 7 \
             weight 3 dhcp-guard on ip-guard on mac-max 4 ip-allow 10.0.0.5,10.0.0.6"
        );
        assert_eq!(
            crate::output::to_json(&p).unwrap(),
            concat!(
                r#"{"name":"vp1","switch":"sw0","mac":"02:00:00:00:00:0a","mtu":1500,"mode":"access","pvid":10,"carrier":true,"ifindex":7,"weight":3,"#,
                r#""mac_spoof":false,"dhcp_guard":true,"router_guard":false,"ip_guard":true,"trusted":false,"#,
                r#""mac_max":4,"storm_limit":0,"ip_allow":["10.0.0.5","10.0.0.6"]}"#
            )
        );
        // With -s the stats come after the security keys.
        let mut a = access_reply();
        a.push(Attr::u8(attr::MAC_SPOOF, 1));
        let j = crate::output::to_json(&PortInfo::from_attrs(&a).unwrap()).unwrap();
        assert!(j.contains(r#""mac_spoof":true,"#), "{j}");
        assert!(j.contains(r#""ip_allow":[],"stats":{"#), "{j}");
        // A VF port: spoofchk is the VF's state, mac-spoof the port's setting.
        let mut a = vf_reply(false);
        a.push(Attr::u8(attr::MAC_SPOOF, 1));
        let p = PortInfo::from_attrs(&a).unwrap();
        assert!(p
            .text_body()
            .ends_with("spoofchk on trust off mac-spoof on"));
        let j = crate::output::to_json(&p).unwrap();
        assert!(
            j.ends_with(r#""spoofchk":true,"trust":false,"mac_spoof":true}"#),
            "{j}"
        );
        let mut bad = access_reply();
        bad.push(Attr::u32(attr::IP_GUARD, 1));
        assert!(PortInfo::from_attrs(&bad).is_err());
    }

    #[test]
    fn del_and_show_requests() {
        assert_eq!(
            del_request(&w("vp1")).unwrap(),
            Request::doit(cmd::PORT_DEL, vec![Attr::str(attr::PORT, "vp1")])
        );
        assert!(del_request(&w("vp1 now")).is_err());
        assert!(del_request(&[]).is_err());
        assert_eq!(
            show_request(&[]).unwrap(),
            (Request::dump(cmd::PORT_GET, vec![]), None)
        );
        assert_eq!(
            show_request(&w("vp1")).unwrap(),
            (
                Request::doit(cmd::PORT_GET, vec![Attr::str(attr::PORT, "vp1")]),
                None
            )
        );
        assert_eq!(
            show_request(&w("switch sw0")).unwrap(),
            (
                Request::dump(cmd::PORT_GET, vec![Attr::str(attr::SWITCH, "sw0")]),
                Some("sw0".into())
            )
        );
        assert_eq!(
            show_request(&w("vp1 switch sw0")).unwrap().1,
            Some("sw0".into())
        );
        assert!(show_request(&w("vp1 vp2")).is_err());
        assert!(!is_irqs_show(&w("vp1")));
        assert!(!is_irqs_show(&w("irqs")));
        assert!(!is_irqs_show(&w("vp1 switch sw0")));
        assert!(is_irqs_show(&w("vf1 irqs")));
        assert!(is_irqs_show(&w("vf1 irqs extra")));
        assert!(is_bindings_show(&w("vp1 bindings")));
        assert!(is_bindings_show(&w("bindings")));
        assert!(is_bindings_show(&w("bindings switch sw0")));
        assert!(!is_bindings_show(&w("vp1")));
        assert!(!is_bindings_show(&w("vp1 switch bindings")));
        assert_eq!(
            show_request(&w("vp1 switch sw0 bindings")).unwrap_err(),
            "port show: unknown keyword \"bindings\" (expected switch, or \"port show PORT irqs|bindings\")"
        );
        assert!(show_request(&w("switch")).is_err());
    }

    fn access_reply() -> Vec<Attr> {
        vec![
            Attr::str(attr::PORT, "vp1"),
            Attr::str(attr::SWITCH, "sw0"),
            Attr::u32(attr::IFINDEX, 7),
            Attr::bytes(attr::MAC, vec![2, 0, 0, 0, 0, 0x0a]),
            Attr::u32(attr::MTU, 1500),
            Attr::u8(attr::VLAN_MODE, vlan_mode::ACCESS),
            Attr::u16(attr::PVID, 10),
            Attr::u8(attr::CARRIER, 1),
            sample_stats(0, true),
        ]
    }

    fn trunk_reply(native: u16) -> Vec<Attr> {
        vec![
            Attr::str(attr::PORT, "vp2"),
            Attr::str(attr::SWITCH, "sw0"),
            Attr::u32(attr::IFINDEX, 8),
            Attr::bytes(attr::MAC, vec![2, 0, 0, 0, 0, 0x0b]),
            Attr::u32(attr::MTU, 9000),
            Attr::u8(attr::VLAN_MODE, vlan_mode::TRUNK),
            Attr::bytes(
                attr::VLANS,
                bitmap(&[10, 20, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40]),
            ),
            Attr::u16(attr::NATIVE, native),
            Attr::u8(attr::CARRIER, 0),
        ]
    }

    /// A VF-backed port: no IFINDEX/MTU/CARRIER of its own.
    fn vf_reply(dev: bool) -> Vec<Attr> {
        let mut v = vec![
            Attr::str(attr::PORT, "vf1"),
            Attr::str(attr::SWITCH, "sw0"),
            Attr::u32(attr::VF, 0),
            Attr::str(attr::PCI, "0000:00:0a.4"),
        ];
        if dev {
            v.push(Attr::str(attr::VF_DEV, "enp0s10v0"));
            v.push(Attr::str(attr::DRIVER, "igbvf"));
        }
        v.extend([
            Attr::bytes(attr::MAC, vec![2, 0, 0, 0, 0, 1]),
            Attr::u8(attr::VLAN_MODE, vlan_mode::ACCESS),
            Attr::u16(attr::PVID, 10),
            Attr::u8(attr::SPOOFCHK, 1),
            Attr::u8(attr::TRUST, 0),
        ]);
        v
    }

    #[test]
    fn vf_text_and_json() {
        let p = PortInfo::from_attrs(&vf_reply(true)).unwrap();
        assert_eq!(
            p.text_lines(0),
            ["vf1: switch sw0 vf 0 pci 0000:00:0a.4 dev enp0s10v0 driver igbvf mac 02:00:00:00:00:01 mode access pvid 10 spoofchk on trust off"]
        );
        // No driver bound: no dev/driver parts.
        let p = PortInfo::from_attrs(&vf_reply(false)).unwrap();
        assert_eq!(
            p.text_body(),
            "switch sw0 vf 0 pci 0000:00:0a.4 mac 02:00:00:00:00:01 mode access pvid 10 spoofchk on trust off"
        );
        let a = vf_reply(true);
        let b = vf_reply(false);
        let list = decode_all([a.as_slice(), b.as_slice()], Some("sw0"), false).unwrap();
        assert_eq!(
            crate::output::to_json(&list).unwrap(),
            concat!(
                r#"[{"name":"vf1","switch":"sw0","vf":0,"pci":"0000:00:0a.4","vf_dev":"enp0s10v0","driver":"igbvf","#,
                r#""mac":"02:00:00:00:00:01","mode":"access","pvid":10,"spoofchk":true,"trust":false,"mac_spoof":false},"#,
                r#"{"name":"vf1","switch":"sw0","vf":0,"pci":"0000:00:0a.4","#,
                r#""mac":"02:00:00:00:00:01","mode":"access","pvid":10,"spoofchk":true,"trust":false,"mac_spoof":false}]"#
            )
        );
        let mut bad = vf_reply(false);
        bad.push(Attr::u8(attr::VF, 1));
        bad.retain(|x| !(x.kind() == attr::VF && x.data.len() == 4));
        assert!(PortInfo::from_attrs(&bad).is_err());
        let mut bad = vf_reply(false);
        bad.retain(|x| x.kind() != attr::TRUST);
        bad.push(Attr::u32(attr::TRUST, 1));
        assert!(PortInfo::from_attrs(&bad).is_err());
    }

    #[test]
    fn text_format() {
        let p = PortInfo::from_attrs(&access_reply()).unwrap();
        assert_eq!(
            p.text_lines(0),
            ["vp1: switch sw0 mac 02:00:00:00:00:0a mtu 1500 mode access pvid 10 carrier up ifindex 7"]
        );
        let l = p.text_lines(2);
        assert_eq!(l.len(), 4);
        assert_eq!(l[1], "    RX: packets 1 bytes 2 dropped 5");
        let p = PortInfo::from_attrs(&trunk_reply(1)).unwrap();
        assert_eq!(
            p.text_lines(2),
            ["vp2: switch sw0 mac 02:00:00:00:00:0b mtu 9000 mode trunk vlans 10,20,30-40 native 1 carrier down ifindex 8"]
        );
        let p = PortInfo::from_attrs(&trunk_reply(0)).unwrap();
        assert!(p.text_body().contains("vlans 10,20,30-40 carrier down"));
    }

    #[test]
    fn json_format() {
        let a = access_reply();
        let t1 = trunk_reply(1);
        let t0 = trunk_reply(0);
        let list = decode_all([a.as_slice(), t1.as_slice(), t0.as_slice()], None, false).unwrap();
        assert_eq!(
            crate::output::to_json(&list).unwrap(),
            concat!(
                r#"[{"name":"vp1","switch":"sw0","mac":"02:00:00:00:00:0a","mtu":1500,"mode":"access","pvid":10,"carrier":true,"ifindex":7,"#,
                no_security!(),
                r#"},{"name":"vp2","switch":"sw0","mac":"02:00:00:00:00:0b","mtu":9000,"mode":"trunk","vlans":[10,20,30,31,32,33,34,35,36,37,38,39,40],"native":1,"carrier":false,"ifindex":8,"#,
                no_security!(),
                r#"},{"name":"vp2","switch":"sw0","mac":"02:00:00:00:00:0b","mtu":9000,"mode":"trunk","vlans":[10,20,30,31,32,33,34,35,36,37,38,39,40],"native":null,"carrier":false,"ifindex":8,"#,
                no_security!(),
                "}]"
            )
        );
        let list = decode_all([a.as_slice()], None, true).unwrap();
        let v: serde_json::Value =
            serde_json::from_str(&crate::output::to_json(&list).unwrap()).unwrap();
        assert_eq!(v[0]["stats"]["flooded"], 11);
        // Switch filter.
        assert_eq!(
            decode_all([a.as_slice()], Some("sw1"), false)
                .unwrap()
                .len(),
            0
        );
        assert_eq!(
            decode_all([a.as_slice()], Some("sw0"), false)
                .unwrap()
                .len(),
            1
        );
    }

    #[test]
    fn bad_replies() {
        assert!(PortInfo::from_attrs(&[Attr::str(attr::SWITCH, "sw0")]).is_err());
        let bad = [
            Attr::str(attr::PORT, "vp1"),
            Attr::bytes(attr::MAC, vec![1, 2]),
        ];
        assert!(PortInfo::from_attrs(&bad).is_err());
        let bad = [
            Attr::str(attr::PORT, "vp1"),
            Attr::u8(attr::VLAN_MODE, vlan_mode::TRUNK),
            Attr::bytes(attr::VLANS, vec![0; 4]),
        ];
        assert!(PortInfo::from_attrs(&bad).is_err());
    }
}
