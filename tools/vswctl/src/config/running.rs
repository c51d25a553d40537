// SPDX-License-Identifier: GPL-2.0
//! The running configuration as a [`Doc`]: what `vswctl dump` prints and what `apply`
//! compares a file with. Read with the same dumps as `switch show`, `port show`, `acl show`
//! and `fdb show`; only what `vswctl` can set is kept (no counters, no learned entries).
//!
//! Every setting the kernel reports is written out, so the dump is the whole state and
//! applying it back changes nothing.

use super::doc::{canonical_ips, Acl, AclDirection, Doc, Fdb, Port, Rule, Switch, Vmq, Word};
use crate::cmd::acl::{self, AclEntry};
use crate::cmd::fdb::{self, FdbEntry};
use crate::cmd::port::{self, PortInfo};
use crate::cmd::switch::{self, SwitchInfo};
use crate::cmd::Request;
use crate::netlink::{self, Client};
use crate::uapi::cmd;
use crate::value::{GroupFwdMask, Limit, Rate, Size};
use crate::Error;

/// The document of the running state, from the decoded replies: `acls` are the entries of
/// every vPort (any order), `fdb` the entries of every switch (learned ones are dropped).
/// Switches, ports and FDB entries are sorted by name / (VLAN, MAC), rules by prio.
pub fn build(
    switches: &[SwitchInfo],
    ports: &[PortInfo],
    acls: &[AclEntry],
    fdb: &[FdbEntry],
) -> Doc {
    let mut out: Vec<Switch> = switches
        .iter()
        .map(|s| {
            let mut ports: Vec<Port> = ports
                .iter()
                .filter(|p| p.switch.as_deref() == Some(s.name.as_str()))
                .map(|p| port_doc(p, acls))
                .collect();
            ports.sort_by(|a, b| a.name.cmp(&b.name));
            let mut entries: Vec<Fdb> = fdb
                .iter()
                .filter(|e| e.is_static && e.switch.as_deref() == Some(s.name.as_str()))
                .filter_map(|e| {
                    Some(Fdb {
                        mac: Word(e.mac.clone()),
                        vlan: Some(e.vlan.unwrap_or(fdb::DEFAULT_VLAN)),
                        port: e.port.clone()?,
                    })
                })
                .collect();
            entries.sort_by(|a, b| (a.vlan, &a.mac).cmp(&(b.vlan, &b.mac)));
            switch_doc(s, ports, entries)
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Doc { switches: out }
}

fn switch_doc(s: &SwitchInfo, ports: Vec<Port>, fdb: Vec<Fdb>) -> Switch {
    Switch {
        name: s.name.clone(),
        uplink: s.uplink.clone(),
        ageing: s.ageing,
        fdb_max: s.fdb_max,
        // Only an SR-IOV PF uplink has a VF count to set.
        sriov: s.sriov_total.map(|_| s.sriov.unwrap_or(0)),
        group_fwd_mask: s.group_fwd_mask.map(|m| Word::new(GroupFwdMask(m))),
        vmq: s.vmq.as_ref().map(|mode| Vmq {
            mode: Some(mode.clone()),
            low: s.vmq_low,
            high: s.vmq_high,
            interval: s.vmq_interval,
            base_cpu: s.vmq_base_cpu,
            max_cpus: s.vmq_max_cpus,
            max_queues: s.vmq_max_queues,
            skip_smt: s.vmq_skip_smt,
            software: s.vmq_software,
        }),
        ports,
        fdb,
    }
}

fn port_doc(p: &PortInfo, acls: &[AclEntry]) -> Port {
    let mac_spoof = p.security.as_ref().map(|s| s.mac_spoof);
    let mut d = Port {
        name: p.name.clone(),
        vf: p.vf,
        dev: p.dev.clone(),
        mac: p.mac.clone().map(Word),
        mode: p.mode.clone(),
        pvid: p.pvid,
        vlans: p.vlans.as_ref().map(|v| Word(v.to_string())),
        native: p
            .native
            .map(|n| n.map_or_else(|| Word::new("none"), Word::new)),
        mac_spoof,
        ..Port::default()
    };
    if p.vf.is_some() {
        return d;
    }
    // A device port's MTU is its device's, not a port setting.
    d.mtu = if p.dev.is_some() { None } else { p.mtu };
    d.link = p.link.clone();
    // The kernel leaves out a rate of 0 (none) and the burst without a rate; the document
    // always has the rates, so that a file states "no limit" too.
    d.rate_in = Some(Word::new(Rate(p.rate_in.unwrap_or(0))));
    d.rate_out = Some(Word::new(Rate(p.rate_out.unwrap_or(0))));
    d.burst = p.burst.map(|b| Word::new(Size(b)));
    d.weight = p.weight;
    if let Some(g) = p.security.as_ref().and_then(|s| s.guards.as_ref()) {
        d.dhcp_guard = Some(g.dhcp_guard);
        d.router_guard = Some(g.router_guard);
        d.ip_guard = Some(g.ip_guard);
        d.trusted = Some(g.trusted);
        d.ip_allow = Some(canonical_ips(g.ip_allow.0.clone()));
        d.mac_max = Some(Word::new(Limit(g.mac_max)));
        d.storm_limit = Some(Word::new(Limit(g.storm_limit)));
    }
    let dir = |name: &str| -> AclDirection {
        let mut entries: Vec<&AclEntry> = acls
            .iter()
            .filter(|e| e.port == p.name && e.dir == name)
            .collect();
        entries.sort_by_key(|e| e.prio);
        AclDirection {
            default: entries
                .iter()
                .find(|e| e.default)
                .and_then(|e| e.action.clone()),
            rules: entries
                .iter()
                .filter(|e| !e.default)
                .map(|e| rule_doc(e))
                .collect(),
        }
    };
    d.acl = Some(Acl {
        in_: Some(dir("in")),
        out: Some(dir("out")),
    });
    d
}

fn rule_doc(e: &AclEntry) -> Rule {
    Rule {
        prio: e.prio.unwrap_or(0),
        src_mac: e.src_mac.clone().map(Word),
        dst_mac: e.dst_mac.clone().map(Word),
        vlan: e.vlan,
        proto: e.proto.clone().map(Word),
        src: e.src.clone().map(Word),
        dst: e.dst.clone().map(Word),
        ip_proto: e.ip_proto.map(Word::new),
        sport: e.sport.clone().map(Word),
        dport: e.dport.clone().map(Word),
        action: e.action.clone().unwrap_or_default(),
    }
}

/// A kernel refusal that only means "this object has none" (a VF port has no ACL) or
/// "it went away meanwhile".
fn is_absent(e: &Error) -> bool {
    matches!(e, Error::Netlink(netlink::Error::Kernel { errno, .. })
        if [libc::ENODEV, libc::ENOENT, libc::EOPNOTSUPP].contains(errno))
}

/// Read the running state from the module.
pub fn read(client: &Client) -> Result<Doc, Error> {
    let switches = switch::dump_all(client, false)?;
    let msgs = Request::dump(cmd::PORT_GET, Vec::new()).send(client)?;
    let ports = port::decode_all(msgs.iter().map(|m| m.attrs.as_slice()), None, false)?;
    let mut acl_msgs = Vec::new();
    for p in ports.iter().filter(|p| p.vf.is_none()) {
        match acl::ShowArgs::request(&p.name).send(client) {
            Ok(m) => acl_msgs.extend(m.into_iter().map(|m| (m.attrs, p.name.as_str()))),
            Err(e) if is_absent(&e) => continue,
            Err(e) => return Err(e),
        }
    }
    let acls = acl::decode_all(acl_msgs.iter().map(|(a, p)| (a.as_slice(), Some(*p))), None)?;
    let mut entries = Vec::new();
    for s in &switches {
        let msgs = match fdb::ShowArgs::request(&s.name).send(client) {
            Ok(m) => m,
            Err(e) if is_absent(&e) => continue,
            Err(e) => return Err(e),
        };
        for m in &msgs {
            let mut e = FdbEntry::from_attrs(&m.attrs)?;
            e.switch.get_or_insert_with(|| s.name.clone());
            entries.push(e);
        }
    }
    Ok(build(&switches, &ports, &acls, &entries))
}
