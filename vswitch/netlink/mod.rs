// SPDX-License-Identifier: GPL-2.0
//! The `vswitch` generic netlink family: policy and command handlers.
//!
//! Every handler validates its attributes with a clear extack message, and works on the
//! switches of the requester's network namespace only (`registry.rs`), under RTNL. Events are
//! sent only after a change succeeded, and only to listeners in that namespace (`events.rs`).

pub(crate) mod events;

use crate::control::{CfgResult, Fail, PortCfg, PortCtl, SwitchCfg, SwitchCtl, Switches, VfPort, GFP_REQ};
use crate::frame::Ip;
use crate::guard;
use crate::portguard::PortGuard;
use crate::mac::Mac;
use crate::registry::{self, Registry};
use crate::switch::{cnt, Stats};
use crate::errno::eopnotsupp;
use crate::net::genl::{Dump, Family, Op, Policy, Request, Writer};
use crate::net::Net;
use crate::sync::rcuhash::{hz, jiffies64, Cursor};
use crate::sync::rtnl::Held;
use crate::uapi::{self, attr, binding_attr, binding_source, cmd, irq_attr, stats, vlan_mode};
use crate::vlan::{check_vid, VlanMode, VlanSet};
use crate::{acl, fdb, irq_remap, portpolicy, vmq, wfq};
use core::sync::atomic::Ordering;
use events::notify;
use kernel::alloc::KVec;
use kernel::str::CStr;
use kernel::{c_str, prelude::*};

/// Longest version string we accept in a request (the attribute is reply-only).
const VERSION_MAX: u16 = 32;
const IFNAME_MAX: u16 = 15;

/// Attribute policy, indexed by attribute number (`uapi::attr`).
static POLICY: [Policy; attr::MAX as usize + 1] = [
    Policy::unused(),                   // UNSPEC
    Policy::nul_string(VERSION_MAX),    // VERSION
    Policy::u32(),                      // FAMILY_VERSION
    Policy::nul_string(IFNAME_MAX),     // SWITCH
    Policy::nul_string(IFNAME_MAX),     // UPLINK
    Policy::flag(),                     // NO_UPLINK
    Policy::u32(),                      // AGEING
    Policy::u32(),                      // FDB_MAX
    Policy::nul_string(IFNAME_MAX),     // PORT
    Policy::exact(6),                   // MAC
    Policy::u32(),                      // MTU
    Policy::u8(),                       // VLAN_MODE
    Policy::u16(),                      // PVID
    Policy::exact(uapi::VLAN_BITMAP_LEN as u16), // VLANS
    Policy::u16(),                      // NATIVE
    Policy::u16(),                      // VLAN
    Policy::flag(),                     // STATIC
    Policy::flag(),                     // FORCE
    Policy::nested(),                   // STATS
    Policy::u32(),                      // IFINDEX
    Policy::u32(),                      // AGE
    Policy::u32(),                      // FDB_COUNT
    Policy::u8(),                       // CARRIER
    Policy::u8(),                       // VMQ_MODE
    Policy::u32(),                      // VMQ_LOW
    Policy::u32(),                      // VMQ_HIGH
    Policy::u32(),                      // VMQ_INTERVAL
    Policy::u32(),                      // VMQ_BASE_CPU
    Policy::u32(),                      // VMQ_MAX_CPUS
    Policy::u32(),                      // VMQ_MAX_QUEUES
    Policy::u8(),                       // VMQ_SKIP_SMT
    Policy::u8(),                       // VMQ_BACKEND
    Policy::u32(),                      // QUEUE
    Policy::u32(),                      // IRQ
    Policy::u32(),                      // CPU
    Policy::u32(),                      // HOME_CPU
    Policy::u64(),                      // PPS
    Policy::u32(),                      // LOAD
    Policy::u64(),                      // MOVES
    Policy::u32(),                      // FROM_CPU
    Policy::u32(),                      // VMQ_RINGS
    Policy::u8(),                       // VMQ_SOFTWARE
    Policy::u32(),                      // SRIOV
    Policy::u32(),                      // SRIOV_TOTAL
    Policy::u32(),                      // VF
    Policy::nul_string(IFNAME_MAX * 4), // PCI
    Policy::nul_string(IFNAME_MAX),     // VF_DEV
    Policy::nested(),                   // IRQ_ENTRY
    Policy::u8(),                       // REMAPPED
    Policy::nul_string(IFNAME_MAX * 4), // DRIVER
    Policy::u8(),                       // MSIX
    Policy::u8(),                       // SPOOFCHK
    Policy::u8(),                       // TRUST
    Policy::u8(),                       // DIR
    Policy::u32(),                      // PRIO
    Policy::u8(),                       // ACTION
    Policy::exact(6),                   // SRC_MAC
    Policy::exact(6),                   // DST_MAC
    Policy::u16(),                      // ETHERTYPE
    Policy::binary(16),                 // SRC_IP
    Policy::u8(),                       // SRC_PLEN
    Policy::binary(16),                 // DST_IP
    Policy::u8(),                       // DST_PLEN
    Policy::u8(),                       // IP_PROTO
    Policy::u16(),                      // SPORT_MIN
    Policy::u16(),                      // SPORT_MAX
    Policy::u16(),                      // DPORT_MIN
    Policy::u16(),                      // DPORT_MAX
    Policy::u64(),                      // HITS
    Policy::flag(),                     // DEFAULT
    Policy::u64(),                      // RATE_IN
    Policy::u64(),                      // RATE_OUT
    Policy::u32(),                      // BURST
    Policy::u32(),                      // WEIGHT
    Policy::u8(),                       // UPLINK_QDISC
    Policy::nul_string(IFNAME_MAX),     // IFNAME
    Policy::u8(),                       // MAC_SPOOF
    Policy::u8(),                       // DHCP_GUARD
    Policy::u8(),                       // ROUTER_GUARD
    Policy::u8(),                       // IP_GUARD
    Policy::u8(),                       // TRUSTED
    Policy::nested(),                   // IP_ALLOW
    Policy::u32(),                      // MAC_MAX
    Policy::u32(),                      // STORM_LIMIT
    Policy::u16(),                      // GROUP_FWD_MASK
    Policy::nested(),                   // BINDING
];

/// The family (see `uapi.rs` for the protocol).
pub(crate) struct VswitchFamily;

impl Family for VswitchFamily {
    const NAME: &'static str = uapi::FAMILY_NAME;
    const VERSION: u8 = uapi::FAMILY_VERSION;
    const POLICY: &'static [Policy] = &POLICY;
    const OPS: &'static [Op] = &[
        Op { cmd: cmd::GET_VERSION, dump: false },
        Op { cmd: cmd::SWITCH_NEW, dump: false },
        Op { cmd: cmd::SWITCH_DEL, dump: false },
        Op { cmd: cmd::SWITCH_SET, dump: false },
        Op { cmd: cmd::SWITCH_GET, dump: true },
        Op { cmd: cmd::PORT_NEW, dump: false },
        Op { cmd: cmd::PORT_DEL, dump: false },
        Op { cmd: cmd::PORT_SET, dump: false },
        Op { cmd: cmd::PORT_GET, dump: true },
        Op { cmd: cmd::FDB_NEW, dump: false },
        Op { cmd: cmd::FDB_DEL, dump: false },
        Op { cmd: cmd::FDB_GET, dump: true },
        Op { cmd: cmd::VMQ_GET, dump: true },
        Op { cmd: cmd::PORT_IRQS, dump: false },
        Op { cmd: cmd::ACL_NEW, dump: false },
        Op { cmd: cmd::ACL_DEL, dump: false },
        Op { cmd: cmd::ACL_DEFAULT, dump: false },
        Op { cmd: cmd::ACL_GET, dump: true },
        Op { cmd: cmd::FDB_FLUSH, dump: false },
        Op { cmd: cmd::BINDING_GET, dump: false },
    ];
    const MCGRPS: &'static [&'static str] = &[uapi::MCGRP_EVENTS];

    fn doit(req: &Request<'_>) -> Result {
        let r = match req.cmd() {
            cmd::GET_VERSION => return get_version(req),
            cmd::SWITCH_GET => return switch_get(req),
            cmd::PORT_GET => return port_get(req),
            cmd::PORT_IRQS => return port_irqs(req),
            cmd::BINDING_GET => return binding_get(req),
            cmd::SWITCH_NEW => switch_new(req),
            cmd::SWITCH_DEL => switch_del(req),
            cmd::SWITCH_SET => switch_set(req),
            cmd::PORT_NEW => port_new(req),
            cmd::PORT_DEL => port_del(req),
            cmd::PORT_SET => port_set(req),
            cmd::FDB_NEW => fdb_new(req),
            cmd::FDB_DEL => fdb_del(req),
            cmd::FDB_GET => Err(Fail(EINVAL, c_str!("vswitch: fdb show is a dump (NLM_F_DUMP)"))),
            cmd::VMQ_GET => Err(Fail(EINVAL, c_str!("vswitch: vmq show is a dump (NLM_F_DUMP)"))),
            cmd::ACL_NEW => acl_new(req),
            cmd::ACL_DEL => acl_del(req),
            cmd::ACL_DEFAULT => acl_default(req),
            cmd::ACL_GET => Err(Fail(EINVAL, c_str!("vswitch: acl show is a dump (NLM_F_DUMP)"))),
            cmd::FDB_FLUSH => fdb_flush(req),
            _ => Err(Fail(eopnotsupp(), c_str!("vswitch: unknown command"))),
        };
        r.map_err(|Fail(e, m)| req.fail(e, m))
    }

    fn dumpit(dump: &mut Dump<'_>) -> Result {
        match dump.cmd() {
            cmd::SWITCH_GET => switch_dump(dump),
            cmd::PORT_GET => port_dump(dump),
            cmd::FDB_GET => fdb_dump(dump),
            cmd::VMQ_GET => vmq_dump(dump),
            cmd::ACL_GET => acl_dump(dump),
            _ => Err(eopnotsupp()),
        }
    }
}

fn get_version(req: &Request<'_>) -> Result {
    let msg = req.reply(cmd::GET_VERSION)?;
    msg.put_str(attr::VERSION, uapi::VERSION)?;
    msg.put_u32(attr::FAMILY_VERSION, uapi::FAMILY_VERSION.into())?;
    req.send(msg)
}

// ---- attribute helpers ----

fn need_str<'a>(req: &Request<'a>, ty: u16, missing: &'static CStr) -> CfgResult<&'a str> {
    match req.attr(ty) {
        Some(a) => a.str().map_err(|_| Fail(EINVAL, c_str!("vswitch: name is not valid UTF-8"))),
        None => Err(Fail(EINVAL, missing)),
    }
}

fn opt_u32(req: &Request<'_>, ty: u16) -> CfgResult<Option<u32>> {
    req.attr(ty).map(|a| a.u32()).transpose().map_err(Fail::from)
}

fn opt_u16(req: &Request<'_>, ty: u16) -> CfgResult<Option<u16>> {
    req.attr(ty).map(|a| a.u16()).transpose().map_err(Fail::from)
}

fn opt_mac(req: &Request<'_>) -> CfgResult<Option<Mac>> {
    match req.attr(attr::MAC) {
        None => Ok(None),
        Some(a) => match Mac::from_slice(a.bytes()) {
            Some(m) => Ok(Some(m)),
            None => Err(Fail(EINVAL, c_str!("vswitch: MAC address must be 6 bytes"))),
        },
    }
}

fn vid(req: &Request<'_>) -> CfgResult<u16> {
    let v = opt_u16(req, attr::VLAN)?.unwrap_or(1);
    check_vid(v).map_err(|_| Fail(ERANGE, c_str!("vswitch: VLAN id must be in 1..4094")))
}

/// The VLAN mode requested by `VLAN_MODE`/`PVID`/`VLANS`/`NATIVE`, if any. A `PVID` alone
/// means access mode.
fn vlan_mode_of(req: &Request<'_>) -> CfgResult<Option<VlanMode>> {
    let mode = req.attr(attr::VLAN_MODE).map(|a| a.u8()).transpose()?;
    let pvid = opt_u16(req, attr::PVID)?;
    let native = opt_u16(req, attr::NATIVE)?;
    let vlans = req.attr(attr::VLANS);
    let range = |v: u16| check_vid(v).map_err(|_| Fail(ERANGE, c_str!("vswitch: VLAN id must be in 1..4094")));
    match mode {
        None if pvid.is_none() && vlans.is_none() && native.is_none() => Ok(None),
        None | Some(vlan_mode::ACCESS) if vlans.is_none() && native.is_none() => {
            let Some(p) = pvid else {
                return Err(Fail(EINVAL, c_str!("vswitch: access mode needs a pvid")));
            };
            Ok(Some(VlanMode::Access { pvid: range(p)? }))
        }
        Some(vlan_mode::TRUNK) if pvid.is_none() => {
            let Some(v) = vlans else {
                return Err(Fail(EINVAL, c_str!("vswitch: trunk mode needs a VLAN list")));
            };
            let allowed = VlanSet::from_bitmap(v.bytes())
                .map_err(|_| Fail(ERANGE, c_str!("vswitch: VLAN list has ids outside 1..4094")))?;
            let native = match native {
                None | Some(0) => None,
                Some(n) => Some(range(n)?),
            };
            Ok(Some(VlanMode::Trunk { allowed, native }))
        }
        Some(vlan_mode::ACCESS) | None => {
            Err(Fail(EINVAL, c_str!("vswitch: access mode takes only a pvid (no VLAN list or native)")))
        }
        Some(vlan_mode::TRUNK) => Err(Fail(EINVAL, c_str!("vswitch: trunk mode takes vlans and native, not pvid"))),
        Some(_) => Err(Fail(EINVAL, c_str!("vswitch: unknown VLAN mode"))),
    }
}

// ---- switches ----

fn switch_cfg<'a>(req: &Request<'a>) -> CfgResult<SwitchCfg<'a>> {
    let uplink = match req.attr(attr::UPLINK) {
        Some(a) => Some(a.str().map_err(|_| Fail(EINVAL, c_str!("vswitch: bad uplink name")))?),
        None => None,
    };
    let no_uplink = req.attr(attr::NO_UPLINK).is_some();
    if uplink.is_some() && no_uplink {
        return Err(Fail(EINVAL, c_str!("vswitch: uplink and nouplink are exclusive")));
    }
    let ageing = opt_u32(req, attr::AGEING)?;
    if ageing.is_some_and(|a| a > 1_000_000) {
        return Err(Fail(ERANGE, c_str!("vswitch: ageing must be at most 1000000 seconds")));
    }
    let fdb_max = opt_u32(req, attr::FDB_MAX)?;
    if fdb_max.is_some_and(|m| m > 1 << 20) {
        return Err(Fail(ERANGE, c_str!("vswitch: fdb-max must be at most 1048576")));
    }
    let group_fwd_mask = opt_u16(req, attr::GROUP_FWD_MASK)?;
    if group_fwd_mask.is_some_and(|m| m & guard::GROUP_FWD_RESTRICTED != 0) {
        return Err(Fail(EINVAL, c_str!("vswitch: group-fwd-mask: PAUSE and slow protocols (bits 1, 2) are never forwarded")));
    }
    let mode = match req.attr(attr::VMQ_MODE).map(|a| a.u8()).transpose()? {
        None => None,
        Some(v) => match vmq::Mode::from_uapi(v) {
            Some(m) => Some(m),
            None => return Err(Fail(EINVAL, c_str!("vswitch: unknown vmq mode (off, static or dynamic)"))),
        },
    };
    let skip_smt = req.attr(attr::VMQ_SKIP_SMT).map(|a| a.u8()).transpose()?.map(|v| v != 0);
    let software = req.attr(attr::VMQ_SOFTWARE).map(|a| a.u8()).transpose()?.map(|v| v != 0);
    let vmq = vmq::Request {
        mode,
        low: opt_u32(req, attr::VMQ_LOW)?,
        high: opt_u32(req, attr::VMQ_HIGH)?,
        interval_ms: opt_u32(req, attr::VMQ_INTERVAL)?,
        base_cpu: opt_u32(req, attr::VMQ_BASE_CPU)?,
        max_cpus: opt_u32(req, attr::VMQ_MAX_CPUS)?,
        max_queues: opt_u32(req, attr::VMQ_MAX_QUEUES)?,
        skip_smt,
        software,
    };
    Ok(SwitchCfg { uplink, no_uplink, ageing, fdb_max, vmq, group_fwd_mask })
}

/// The switches of the requester's namespace (none yet: "no such switch").
fn sws<'a>(reg: &'a mut Registry, net: Net<'_>) -> CfgResult<&'a mut Switches> {
    reg.net_mut(net).ok_or(Fail(ENOENT, c_str!("vswitch: no such switch")))
}

/// `sriov N` of `switch add/set`: checked under RTNL, applied without it (the PF driver
/// takes RTNL and VF drivers register netdevs), then recorded.
fn apply_sriov(net: Net<'_>, name: &str, n: u32) -> CfgResult {
    let pf = registry::with(|reg, _| sws(reg, net)?.sriov_check(name, n))?;
    match pf.sriov_configure(n) {
        Ok(got) => {
            registry::with(|reg, h| -> CfgResult {
                let s = sws(reg, net)?;
                s.sriov_done(name, &pf, got);
                if let Some(sw) = s.switch(name) {
                    events::switch_event(h, net, cmd::SWITCH_SET, sw);
                }
                Ok(())
            })?;
            if got != n {
                return Err(Fail(EIO, c_str!("vswitch: the PF driver enabled a different number of VFs")));
            }
            Ok(())
        }
        Err(e) => Err(Fail(e, c_str!("vswitch: the PF driver refused to change the number of VFs"))),
    }
}

fn switch_new(req: &Request<'_>) -> CfgResult {
    let name = need_str(req, attr::SWITCH, c_str!("vswitch: missing switch name"))?;
    let cfg = switch_cfg(req)?;
    if cfg.no_uplink {
        return Err(Fail(EINVAL, c_str!("vswitch: nouplink is for switch set")));
    }
    let sriov = opt_u32(req, attr::SRIOV)?;
    let net = req.net();
    registry::with(|reg, h| -> CfgResult {
        let s = reg.net_or_new(net)?;
        s.switch_add(h, net, name, &cfg)?;
        // With `sriov`, the event waits until the VFs are there (the switch may go again).
        if sriov.is_none() {
            if let Some(sw) = s.switch(name) {
                events::switch_event(h, net, cmd::SWITCH_NEW, sw);
            }
        }
        Ok(())
    })?;
    let Some(n) = sriov else { return Ok(()) };
    match apply_sriov(net, name, n) {
        Ok(()) => {
            registry::with(|reg, h| {
                if let Some(sw) = reg.net(net).and_then(|s| s.switch(name)) {
                    events::switch_event(h, net, cmd::SWITCH_NEW, sw);
                }
            });
            Ok(())
        }
        Err(e) => {
            // The command failed: the switch it made goes again.
            registry::with(|reg, h| {
                if let Some(s) = reg.net_mut(net) {
                    let _ = s.switch_del(h, name, true);
                }
            });
            Err(e)
        }
    }
}

fn switch_set(req: &Request<'_>) -> CfgResult {
    let name = need_str(req, attr::SWITCH, c_str!("vswitch: missing switch name"))?;
    let cfg = switch_cfg(req)?;
    let sriov = opt_u32(req, attr::SRIOV)?;
    let net = req.net();
    if cfg.uplink.is_some() || cfg.no_uplink || cfg.ageing.is_some() || cfg.fdb_max.is_some() || !cfg.vmq.is_empty() || sriov.is_none() {
        registry::with(|reg, h| -> CfgResult {
            let s = sws(reg, net)?;
            s.switch_set(h, net, name, &cfg)?;
            if let Some(sw) = s.switch(name) {
                events::switch_event(h, net, cmd::SWITCH_SET, sw);
            }
            Ok(())
        })?;
    }
    match sriov {
        Some(n) => apply_sriov(net, name, n),
        None => Ok(()),
    }
}

fn switch_del(req: &Request<'_>) -> CfgResult {
    let name = need_str(req, attr::SWITCH, c_str!("vswitch: missing switch name"))?;
    let force = req.attr(attr::FORCE).is_some();
    let net = req.net();
    registry::with(|reg, h| {
        let s = sws(reg, net)?;
        let ports = s.port_names(name);
        s.switch_del(h, name, force)?;
        for p in ports.iter() {
            events::port_gone(h, net, p.as_str(), name);
        }
        events::switch_gone(h, net, name);
        Ok(())
    })
}

fn put_stats(msg: &Writer, s: &Stats) -> Result {
    let n = msg.nest_start(attr::STATS)?;
    let map = [
        (stats::RX_PACKETS, cnt::RX_PACKETS),
        (stats::RX_BYTES, cnt::RX_BYTES),
        (stats::TX_PACKETS, cnt::TX_PACKETS),
        (stats::TX_BYTES, cnt::TX_BYTES),
        (stats::RX_DROPPED, cnt::RX_DROPPED),
        (stats::TX_DROPPED, cnt::TX_DROPPED),
        (stats::DROP_VLAN, cnt::DROP_VLAN),
        (stats::LEARN_REFUSED, cnt::LEARN_REFUSED),
        (stats::DROP_DOWN, cnt::DROP_DOWN),
        (stats::DROP_MALFORMED, cnt::DROP_MALFORMED),
        (stats::FLOODED, cnt::FLOODED),
        (stats::DROP_ACL, cnt::DROP_ACL),
        (stats::DROP_RATE, cnt::DROP_RATE),
        (stats::DROP_SPOOF, cnt::DROP_SPOOF),
        (stats::DROP_VLAN_TAG, cnt::DROP_VLAN_TAG),
        (stats::DROP_LINK_LOCAL, cnt::DROP_LINK_LOCAL),
        (stats::DROP_DHCP_GUARD, cnt::DROP_DHCP_GUARD),
        (stats::DROP_ROUTER_GUARD, cnt::DROP_ROUTER_GUARD),
        (stats::DROP_IP_GUARD, cnt::DROP_IP_GUARD),
        (stats::DROP_STORM, cnt::DROP_STORM),
        (stats::LEARN_REFUSED_MAC_MAX, cnt::LEARN_REFUSED_MAC_MAX),
    ];
    for (a, c) in map {
        msg.put_u64(a, s.sum(c))?;
    }
    msg.nest_end(n);
    Ok(())
}

pub(crate) fn fill_switch(msg: &Writer, sw: &SwitchCtl, h: Held<'_>) -> Result {
    msg.put_str(attr::SWITCH, sw.name.as_str())?;
    if let Some(u) = &sw.uplink {
        msg.put_str(attr::UPLINK, u.link.dev().name(h))?;
        msg.put_u8(attr::UPLINK_QDISC, crate::net::qdisc::is_root(u.link.dev(), h) as u8)?;
    }
    msg.put_u32(attr::AGEING, sw.core.fdb.ageing.load(Ordering::Relaxed))?;
    msg.put_u32(attr::FDB_MAX, sw.core.fdb.max.load(Ordering::Relaxed))?;
    msg.put_u32(attr::FDB_COUNT, sw.core.fdb.len() as u32)?;
    let v = &sw.vmq;
    let st = &v.settings;
    msg.put_u8(attr::VMQ_MODE, st.mode.to_uapi())?;
    msg.put_u32(attr::VMQ_LOW, st.low)?;
    msg.put_u32(attr::VMQ_HIGH, st.high)?;
    msg.put_u32(attr::VMQ_INTERVAL, st.interval_ms)?;
    msg.put_u32(attr::VMQ_BASE_CPU, st.base_cpu)?;
    msg.put_u32(attr::VMQ_MAX_CPUS, st.max_cpus)?;
    msg.put_u32(attr::VMQ_MAX_QUEUES, st.max_queues)?;
    msg.put_u8(attr::VMQ_SKIP_SMT, st.skip_smt as u8)?;
    msg.put_u8(attr::VMQ_SOFTWARE, st.software as u8)?;
    msg.put_u8(attr::VMQ_BACKEND, v.backend.to_uapi())?;
    if v.backend == vmq::Backend::Hardware {
        msg.put_u32(attr::VMQ_RINGS, v.rings)?;
    }
    msg.put_u64(attr::MOVES, v.moves)?;
    msg.put_u16(attr::GROUP_FWD_MASK, sw.core.group_fwd.load(Ordering::Relaxed) as u16)?;
    if let Some(pf) = sw.pf() {
        msg.put_u32(attr::SRIOV, pf.num_vfs())?;
        msg.put_u32(attr::SRIOV_TOTAL, pf.total_vfs())?;
    }
    put_stats(msg, &sw.core.stats)
}

fn switch_get(req: &Request<'_>) -> Result {
    let Some(name) = req.attr(attr::SWITCH).map(|a| a.str()).transpose()? else {
        return Err(req.fail(EINVAL, c_str!("vswitch: give a switch name or use a dump")));
    };
    let net = req.net();
    registry::with(|reg, h| {
        let Some(sw) = reg.net(net).and_then(|s| s.switch(name)) else {
            return Err(req.fail(ENOENT, c_str!("vswitch: no such switch")));
        };
        let msg = req.reply(cmd::SWITCH_GET)?;
        fill_switch(&msg, sw, h)?;
        req.send(msg)
    })
}

fn switch_dump(dump: &mut Dump<'_>) -> Result {
    let net = dump.net();
    registry::with(|reg, h| {
        let Some(s) = reg.net(net) else { return Ok(()) };
        let mut i = dump.cursor();
        while let Some(sw) = s.list.get(i) {
            if !dump.entry(cmd::SWITCH_GET, |m| fill_switch(m, sw, h))? {
                break;
            }
            i += 1;
        }
        dump.set_cursor(i);
        Ok(())
    })
}

// ---- ports ----

fn port_cfg(req: &Request<'_>) -> CfgResult<PortCfg> {
    let mac = opt_mac(req)?;
    if let Some(m) = &mac {
        if !m.is_valid_unicast() {
            return Err(Fail(EINVAL, c_str!("vswitch: port MAC must be a unicast, non-zero address")));
        }
    }
    let mtu = opt_u32(req, attr::MTU)?;
    if mtu.is_some_and(|m| !(68..=65535).contains(&m)) {
        return Err(Fail(ERANGE, c_str!("vswitch: MTU must be in 68..65535")));
    }
    let weight = opt_u32(req, attr::WEIGHT)?;
    if weight.is_some_and(|w| !(1..=wfq::MAX_WEIGHT).contains(&w)) {
        return Err(Fail(ERANGE, c_str!("vswitch: weight must be in 1..100")));
    }
    let burst = opt_u32(req, attr::BURST)?;
    if burst.is_some_and(|b| b > 16 << 20) {
        return Err(Fail(ERANGE, c_str!("vswitch: burst must be at most 16 MiB")));
    }
    let rate = |ty| -> CfgResult<Option<u64>> {
        let r = req.attr(ty).map(|a| a.u64()).transpose()?;
        if r.is_some_and(|r| r != 0 && !(1_000_000..=400_000_000_000).contains(&r)) {
            return Err(Fail(ERANGE, c_str!("vswitch: rate must be 0 (none) or 1mbit..400gbit")));
        }
        Ok(r)
    };
    let mut guards = KVec::new();
    for (a, bit) in [
        (attr::MAC_SPOOF, guard::MAC_SPOOF_OK),
        (attr::DHCP_GUARD, guard::DHCP_GUARD),
        (attr::ROUTER_GUARD, guard::ROUTER_GUARD),
        (attr::IP_GUARD, guard::IP_GUARD),
        (attr::TRUSTED, guard::TRUSTED),
    ] {
        if let Some(v) = req.attr(a).map(|x| x.u8()).transpose()? {
            if v > 1 {
                return Err(Fail(EINVAL, c_str!("vswitch: guard settings are 0 (off) or 1 (on)")));
            }
            guards.push((bit, v == 1), GFP_REQ)?;
        }
    }
    let ip_allow = match req.attr(attr::IP_ALLOW) {
        None => None,
        Some(nest) => {
            let mut ips = KVec::new();
            for (ty, a) in nest.nested() {
                let ip = match (ty, a.len()) {
                    (binding_attr::ADDR, 4) => Ip::v4([a[0], a[1], a[2], a[3]]),
                    (binding_attr::ADDR, 16) => {
                        let mut b = [0u8; 16];
                        b.copy_from_slice(a);
                        Ip::v6(b)
                    }
                    _ => return Err(Fail(EINVAL, c_str!("vswitch: ip-allow holds IPv4 (4 bytes) or IPv6 (16 bytes) addresses"))),
                };
                if ip.is_unspecified() {
                    return Err(Fail(EINVAL, c_str!("vswitch: ip-allow: the unspecified address cannot be bound")));
                }
                if ips.len() >= guard::MAX_BINDINGS {
                    return Err(Fail(ERANGE, c_str!("vswitch: ip-allow: at most 32 addresses")));
                }
                ips.push(ip, GFP_REQ)?;
            }
            Some(ips)
        }
    };
    Ok(PortCfg {
        mac: mac.map(|m| m.0),
        mtu,
        vlan: vlan_mode_of(req)?,
        vf: opt_u32(req, attr::VF)?,
        rate_in: rate(attr::RATE_IN)?,
        rate_out: rate(attr::RATE_OUT)?,
        burst,
        weight,
        guards,
        ip_allow,
        mac_max: opt_u32(req, attr::MAC_MAX)?,
        storm_limit: opt_u32(req, attr::STORM_LIMIT)?,
    })
}

fn put_ip(m: &Writer, ty: u16, ip: &Ip) -> Result {
    m.put_bytes(ty, if ip.v6 { &ip.b[..] } else { &ip.b[..4] })
}

/// The guard settings of a vPort (always, so a dump shows the whole configuration).
fn put_guards(msg: &Writer, g: &PortGuard) -> Result {
    let f = g.flags();
    for (a, bit) in [
        (attr::MAC_SPOOF, guard::MAC_SPOOF_OK),
        (attr::DHCP_GUARD, guard::DHCP_GUARD),
        (attr::ROUTER_GUARD, guard::ROUTER_GUARD),
        (attr::IP_GUARD, guard::IP_GUARD),
        (attr::TRUSTED, guard::TRUSTED),
    ] {
        msg.put_u8(a, (f & bit != 0) as u8)?;
    }
    msg.put_u32(attr::MAC_MAX, g.mac_max.load(Ordering::Relaxed))?;
    msg.put_u32(attr::STORM_LIMIT, g.storm_pps.load(Ordering::Relaxed))?;
    let b = g.bindings();
    let mut statics = b.live(0).filter(|x| x.source == guard::Source::Static).peekable();
    if statics.peek().is_some() {
        let n = msg.nest_start(attr::IP_ALLOW)?;
        for x in statics {
            put_ip(msg, binding_attr::ADDR, &x.ip)?;
        }
        msg.nest_end(n);
    }
    Ok(())
}

/// `BINDING_GET`: the IP source guard bindings of a vPort, static ones first.
fn binding_get(req: &Request<'_>) -> Result {
    let Some(name) = req.attr(attr::PORT).map(|a| a.str()).transpose()? else {
        return Err(req.fail(EINVAL, c_str!("vswitch: missing port name")));
    };
    let net = req.net();
    registry::with(|reg, _| {
        let Some((_, p)) = reg.net(net).and_then(|s| s.find_port(name)) else {
            if reg.net(net).is_some_and(|s| s.find_vf_port(name).is_some()) {
                return Err(req.fail(eopnotsupp(), c_str!("vswitch: VF ports have no IP bindings (their traffic does not cross the switch)")));
            }
            return Err(req.fail(ENOENT, c_str!("vswitch: no such port")));
        };
        let b = p.policy.guard.bindings();
        let now = jiffies64();
        // Room for every binding (the default message size holds fewer IPv6 ones).
        let msg = req.reply_sized(cmd::BINDING_GET, 128 + guard::MAX_BINDINGS * 48)?;
        msg.put_str(attr::PORT, p.name.as_str())?;
        for x in b.live(now) {
            let n = msg.nest_start(attr::BINDING)?;
            put_ip(&msg, binding_attr::ADDR, &x.ip)?;
            msg.put_u8(
                binding_attr::SOURCE,
                match x.source {
                    guard::Source::Static => binding_source::STATIC,
                    guard::Source::Dhcp => binding_source::DHCP,
                    guard::Source::Dhcp6 => binding_source::DHCPV6,
                },
            )?;
            if let Some(e) = x.expires {
                msg.put_u32(binding_attr::EXPIRES, (e.saturating_sub(now) / hz()) as u32)?;
            }
            msg.nest_end(n);
        }
        req.send(msg)
    })
}

fn port_new(req: &Request<'_>) -> CfgResult {
    let name = need_str(req, attr::PORT, c_str!("vswitch: missing port name"))?;
    let sw = need_str(req, attr::SWITCH, c_str!("vswitch: missing switch name"))?;
    let cfg = port_cfg(req)?;
    let net = req.net();
    registry::with(|reg, h| {
        let s = sws(reg, net)?;
        s.port_add(h, net, name, sw, cfg)?;
        events::port_event(h, net, s, cmd::PORT_NEW, name);
        Ok(())
    })
}

fn port_set(req: &Request<'_>) -> CfgResult {
    let name = need_str(req, attr::PORT, c_str!("vswitch: missing port name"))?;
    if req.attr(attr::SWITCH).is_some() {
        return Err(Fail(EINVAL, c_str!("vswitch: a port cannot move to another switch (delete and add it)")));
    }
    let cfg = port_cfg(req)?;
    let net = req.net();
    registry::with(|reg, h| {
        let s = reg.net_mut(net).ok_or(Fail(ENOENT, c_str!("vswitch: no such port")))?;
        s.port_set(h, name, cfg)?;
        events::port_event(h, net, s, cmd::PORT_SET, name);
        Ok(())
    })
}

fn port_del(req: &Request<'_>) -> CfgResult {
    let name = need_str(req, attr::PORT, c_str!("vswitch: missing port name"))?;
    let net = req.net();
    registry::with(|reg, h| {
        let s = reg.net_mut(net).ok_or(Fail(ENOENT, c_str!("vswitch: no such port")))?;
        let sw = s
            .find_port(name)
            .map(|(sw, _)| sw.name)
            .or_else(|| s.find_vf_port(name).map(|(sw, _)| sw.name));
        s.port_del(h, name)?;
        events::port_gone(h, net, name, sw.as_ref().map_or("", |n| n.as_str()));
        Ok(())
    })
}

pub(crate) fn fill_port(msg: &Writer, h: Held<'_>, sw: &SwitchCtl, p: &PortCtl) -> Result {
    let dev = p.vport.dev();
    msg.put_str(attr::PORT, p.name.as_str())?;
    msg.put_str(attr::IFNAME, dev.name(h))?;
    msg.put_str(attr::SWITCH, sw.name.as_str())?;
    msg.put_u32(attr::IFINDEX, dev.ifindex())?;
    // The port's MAC (given at port add or port set mac), the one the spoofing guard allows;
    // the guest may have given its netdev another address.
    msg.put_bytes(attr::MAC, &p.policy.guard.mac().0)?;
    msg.put_u32(attr::MTU, dev.mtu())?;
    match &p.vlan {
        VlanMode::Access { pvid } => {
            msg.put_u8(attr::VLAN_MODE, vlan_mode::ACCESS)?;
            msg.put_u16(attr::PVID, *pvid)?;
        }
        VlanMode::Trunk { allowed, native } => {
            msg.put_u8(attr::VLAN_MODE, vlan_mode::TRUNK)?;
            msg.put_bytes(attr::VLANS, &allowed.to_bitmap())?;
            msg.put_u16(attr::NATIVE, native.unwrap_or(0))?;
        }
    }
    msg.put_u8(attr::CARRIER, dev.carrier() as u8)?;
    let (ri, ro) = (&p.policy.rate[portpolicy::IN], &p.policy.rate[portpolicy::OUT]);
    let (bi, bo) = (ri.bps.load(Ordering::Relaxed), ro.bps.load(Ordering::Relaxed));
    if bi != 0 {
        msg.put_u64(attr::RATE_IN, bi)?;
    }
    if bo != 0 {
        msg.put_u64(attr::RATE_OUT, bo)?;
    }
    if bi != 0 || bo != 0 {
        let b = if bi != 0 { ri.burst.load(Ordering::Relaxed) } else { ro.burst.load(Ordering::Relaxed) };
        msg.put_u32(attr::BURST, b)?;
    }
    let w = p.policy.weight.load(Ordering::Relaxed);
    if w != 0 {
        msg.put_u32(attr::WEIGHT, w)?;
    }
    put_guards(msg, &p.policy.guard)?;
    put_stats(msg, &p.stats)
}

pub(crate) fn fill_vf_port(msg: &Writer, held: Held<'_>, sw: &SwitchCtl, p: &VfPort) -> Result {
    msg.put_str(attr::PORT, p.name.as_str())?;
    msg.put_str(attr::SWITCH, sw.name.as_str())?;
    msg.put_u32(attr::VF, p.index)?;
    msg.put_str(attr::PCI, p.pci.name())?;
    if let Some(d) = p.pci.driver() {
        msg.put_str(attr::DRIVER, d)?;
    }
    if let Some(dev) = p.pci.netdev(held) {
        msg.put_str(attr::VF_DEV, dev.name(held))?;
    }
    msg.put_bytes(attr::MAC, &p.cfg.mac)?;
    if let Some(v) = p.cfg.pvid {
        msg.put_u8(attr::VLAN_MODE, vlan_mode::ACCESS)?;
        msg.put_u16(attr::PVID, v)?;
    }
    msg.put_u8(attr::SPOOFCHK, p.cfg.spoofchk as u8)?;
    msg.put_u8(attr::MAC_SPOOF, !p.cfg.spoofchk as u8)?;
    msg.put_u8(attr::TRUST, 0)
}

fn port_irqs(req: &Request<'_>) -> Result {
    let Some(name) = req.attr(attr::PORT).map(|a| a.str()).transpose()? else {
        return Err(req.fail(EINVAL, c_str!("vswitch: missing port name")));
    };
    let net = req.net();
    registry::with(|reg, _| port_irqs_of(req, reg, net, name))
}

/// Room for one vector's attributes in a `PORT_IRQS` reply (names, chain, numbers).
const IRQ_ENTRY_SIZE: usize = 512;

fn port_irqs_of(req: &Request<'_>, reg: &mut Registry, net: Net<'_>, name: &str) -> Result {
    let Some(s) = reg.net(net) else { return Err(req.fail(ENOENT, c_str!("vswitch: no such port"))) };
    let Some((_, p)) = s.find_vf_port(name) else {
        if s.find_port(name).is_some() {
            return Err(req.fail(EINVAL, c_str!("vswitch: not a VF port: a vPort netdev has no MSI-X vectors of its own")));
        }
        return Err(req.fail(ENOENT, c_str!("vswitch: no such port")));
    };
    let mut irqs = [0u32; irq_remap::MAX_VECTORS];
    let n = irq_remap::vectors(&p.pci, &mut irqs);
    // Sized for the vectors there are (the default size holds only a few).
    let msg = req.reply_sized(cmd::PORT_IRQS, 256 + n * IRQ_ENTRY_SIZE)?;
    msg.put_str(attr::PORT, p.name.as_str())?;
    msg.put_str(attr::PCI, p.pci.name())?;
    if let Some(d) = p.pci.driver() {
        msg.put_str(attr::DRIVER, d)?;
    }
    msg.put_u8(attr::MSIX, p.pci.msix_enabled() as u8)?;
    let mut any_remapped = false;
    for irq in irqs[..n].iter() {
        let info = irq_remap::irq_info(*irq);
        any_remapped |= info.remapped;
        let nest = msg.nest_start(attr::IRQ_ENTRY)?;
        msg.put_u32(irq_attr::IRQ, info.irq)?;
        msg.put_u64(irq_attr::HWIRQ, info.hwirq)?;
        msg.put_str(irq_attr::CHIP, info.chip.as_str())?;
        let mut chain = [0u8; 256];
        let mut len = 0;
        for (k, d) in info.domains[..info.ndomains].iter().enumerate() {
            let part = d.as_str().as_bytes();
            let sep: &[u8] = if k == 0 { b"" } else { b" -> " };
            if len + sep.len() + part.len() >= chain.len() {
                break;
            }
            chain[len..len + sep.len()].copy_from_slice(sep);
            len += sep.len();
            chain[len..len + part.len()].copy_from_slice(part);
            len += part.len();
        }
        msg.put_str(irq_attr::DOMAINS, core::str::from_utf8(&chain[..len]).unwrap_or("?"))?;
        msg.put_u8(irq_attr::REMAPPED, info.remapped as u8)?;
        msg.put_u64(irq_attr::AFFINITY, info.affinity)?;
        if let Some(c) = info.cpu {
            msg.put_u32(irq_attr::EFFECTIVE_CPU, c)?;
        }
        if let Some(i) = info.irte {
            msg.put_u32(irq_attr::IRTE, i)?;
        }
        msg.put_u8(irq_attr::ACTIVE, info.active as u8)?;
        msg.nest_end(nest);
    }
    msg.put_u8(attr::REMAPPED, any_remapped as u8)?;
    if n > 0 && !any_remapped {
        irq_remap::warn_not_remapped(&p.pci);
    }
    req.send(msg)
}

fn port_get(req: &Request<'_>) -> Result {
    let Some(name) = req.attr(attr::PORT).map(|a| a.str()).transpose()? else {
        return Err(req.fail(EINVAL, c_str!("vswitch: give a port name or use a dump")));
    };
    let net = req.net();
    registry::with(|reg, held| {
        let Some(s) = reg.net(net) else { return Err(req.fail(ENOENT, c_str!("vswitch: no such port"))) };
        if let Some((sw, p)) = s.find_vf_port(name) {
            let msg = req.reply(cmd::PORT_GET)?;
            fill_vf_port(&msg, held, sw, p)?;
            return req.send(msg);
        }
        let Some((sw, p)) = s.find_port(name) else {
            return Err(req.fail(ENOENT, c_str!("vswitch: no such port")));
        };
        let msg = req.reply(cmd::PORT_GET)?;
        fill_port(&msg, held, sw, p)?;
        req.send(msg)
    })
}

fn port_dump(dump: &mut Dump<'_>) -> Result {
    let filter = dump.attr(attr::SWITCH).map(|a| a.str()).transpose()?;
    let net = dump.net();
    registry::with(|reg, held| {
        let Some(s) = reg.net(net) else { return Ok(()) };
        let start = dump.cursor();
        let mut n = 0usize;
        'outer: for sw in s.list.iter() {
            if filter.is_some_and(|f| f != sw.name.as_str()) {
                continue;
            }
            for p in sw.ports.iter() {
                if n >= start && !dump.entry(cmd::PORT_GET, |m| fill_port(m, held, sw, p))? {
                    break 'outer;
                }
                n += 1;
            }
            for p in sw.vf_ports.iter() {
                if n >= start && !dump.entry(cmd::PORT_GET, |m| fill_vf_port(m, held, sw, p))? {
                    break 'outer;
                }
                n += 1;
            }
        }
        dump.set_cursor(n);
        Ok(())
    })
}

// ---- VMQ ----

fn fill_vmq(m: &Writer, h: Held<'_>, sw: &SwitchCtl, a: &vmq::Assign) -> Result {
    m.put_str(attr::SWITCH, sw.name.as_str())?;
    m.put_str(attr::PORT, sw.port_name(h, a.port).unwrap_or("?"))?;
    m.put_u8(attr::VMQ_BACKEND, sw.vmq.backend.to_uapi())?;
    if let Some(q) = a.queue {
        m.put_u32(attr::QUEUE, q)?;
    }
    if let Some(p) = sw.vf_port_by_id(a.port) {
        m.put_u32(attr::VF, p.index)?;
    }
    m.put_bytes(attr::MAC, &a.mac)?;
    if let Some(v) = a.vid {
        m.put_u16(attr::VLAN, v)?;
    }
    if let Some(irq) = a.irq {
        m.put_u32(attr::IRQ, irq)?;
    }
    if a.cpu != vmq::NO_CPU {
        m.put_u32(attr::CPU, a.cpu)?;
    }
    if a.home != vmq::NO_CPU {
        m.put_u32(attr::HOME_CPU, a.home)?;
    }
    m.put_u64(attr::PPS, a.pps)?;
    m.put_u32(attr::LOAD, a.load)?;
    m.put_u64(attr::MOVES, u64::from(a.moves))
}

fn vmq_dump(dump: &mut Dump<'_>) -> Result {
    let filter = dump.attr(attr::SWITCH).map(|a| a.str()).transpose()?;
    let net = dump.net();
    registry::with(|reg, h| {
        let s = reg.net(net);
        if let Some(f) = filter {
            if s.and_then(|s| s.switch(f)).is_none() {
                return Err(ENOENT);
            }
        }
        let Some(s) = s else { return Ok(()) };
        let start = dump.cursor();
        let mut n = 0usize;
        'outer: for sw in s.list.iter() {
            if filter.is_some_and(|f| f != sw.name.as_str()) {
                continue;
            }
            for a in sw.vmq.assigns.iter() {
                if n >= start && !dump.entry(cmd::VMQ_GET, |m| fill_vmq(m, h, sw, a))? {
                    break 'outer;
                }
                n += 1;
            }
        }
        dump.set_cursor(n);
        Ok(())
    })
}

// ---- ACL ----

fn acl_dir(req: &Request<'_>) -> CfgResult<usize> {
    match req.attr(attr::DIR).map(|a| a.u8()).transpose()? {
        Some(uapi::acl_dir::IN) => Ok(portpolicy::IN),
        Some(uapi::acl_dir::OUT) => Ok(portpolicy::OUT),
        Some(_) => Err(Fail(EINVAL, c_str!("vswitch: ACL direction must be in or out"))),
        None => Err(Fail(EINVAL, c_str!("vswitch: missing ACL direction (in or out)"))),
    }
}

fn acl_action(req: &Request<'_>) -> CfgResult<acl::Action> {
    match req.attr(attr::ACTION).map(|a| a.u8()).transpose()? {
        Some(uapi::acl_action::ALLOW) => Ok(acl::Action::Allow),
        Some(uapi::acl_action::DENY) => Ok(acl::Action::Deny),
        Some(_) => Err(Fail(EINVAL, c_str!("vswitch: ACL action must be allow or deny"))),
        None => Err(Fail(EINVAL, c_str!("vswitch: missing ACL action (allow or deny)"))),
    }
}

fn acl_mac(req: &Request<'_>, ty: u16) -> CfgResult<Option<Mac>> {
    req.attr(ty)
        .map(|a| Mac::from_slice(a.bytes()).ok_or(Fail(EINVAL, c_str!("vswitch: MAC address must be 6 bytes"))))
        .transpose()
}

fn acl_prefix(req: &Request<'_>, ip: u16, plen: u16) -> CfgResult<Option<acl::Prefix>> {
    let Some(a) = req.attr(ip) else {
        if req.attr(plen).is_some() {
            return Err(Fail(EINVAL, c_str!("vswitch: a prefix length needs an address")));
        }
        return Ok(None);
    };
    let len = req.attr(plen).map(|a| a.u8()).transpose()?;
    let b = a.bytes();
    match b.len() {
        4 => {
            let mut addr = [0u8; 4];
            addr.copy_from_slice(b);
            Ok(Some(acl::Prefix::V4 { addr, len: len.unwrap_or(32) }))
        }
        16 => {
            let mut addr = [0u8; 16];
            addr.copy_from_slice(b);
            Ok(Some(acl::Prefix::V6 { addr, len: len.unwrap_or(128) }))
        }
        _ => Err(Fail(EINVAL, c_str!("vswitch: an IP address is 4 (IPv4) or 16 (IPv6) bytes"))),
    }
}

fn acl_range(req: &Request<'_>, lo: u16, hi: u16) -> CfgResult<Option<(u16, u16)>> {
    match (opt_u16(req, lo)?, opt_u16(req, hi)?) {
        (None, None) => Ok(None),
        (Some(a), None) => Ok(Some((a, a))),
        (Some(a), Some(b)) => Ok(Some((a, b))),
        (None, Some(_)) => Err(Fail(EINVAL, c_str!("vswitch: a port range needs its low end"))),
    }
}

/// The extack text for a validation message of `acl.rs` (extack messages must be static C
/// strings).
fn acl_msg(m: &str) -> &'static CStr {
    const MSGS: &[(&str, &CStr)] = &[
        ("IPv4 prefix length must be 0..32", c_str!("vswitch: IPv4 prefix length must be 0..32")),
        ("IPv6 prefix length must be 0..128", c_str!("vswitch: IPv6 prefix length must be 0..128")),
        ("address has bits set beyond the prefix length", c_str!("vswitch: address has bits set beyond the prefix length")),
        ("source and destination prefixes must be the same family", c_str!("vswitch: source and destination prefixes must be the same family")),
        ("prefix family does not match the ethertype", c_str!("vswitch: prefix family does not match the ethertype")),
        ("port range low end is above its high end", c_str!("vswitch: port range low end is above its high end")),
        ("ports need ip-proto tcp, udp, sctp or udplite", c_str!("vswitch: ports need ip-proto tcp, udp, sctp or udplite")),
        ("ip-proto needs an IPv4 or IPv6 match (ethertype or prefix)", c_str!("vswitch: ip-proto needs an IPv4 or IPv6 match (ethertype or prefix)")),
        ("VLAN must be in 1..4094", c_str!("vswitch: VLAN must be in 1..4094")),
    ];
    MSGS.iter().find(|(k, _)| *k == m).map_or(c_str!("vswitch: invalid ACL rule"), |(_, v)| *v)
}

fn acl_new(req: &Request<'_>) -> CfgResult {
    let port = need_str(req, attr::PORT, c_str!("vswitch: missing port name"))?;
    let dir = acl_dir(req)?;
    let action = acl_action(req)?;
    let m = acl::Match {
        src_mac: acl_mac(req, attr::SRC_MAC)?,
        dst_mac: acl_mac(req, attr::DST_MAC)?,
        vlan: opt_u16(req, attr::VLAN)?,
        ethertype: opt_u16(req, attr::ETHERTYPE)?,
        src: acl_prefix(req, attr::SRC_IP, attr::SRC_PLEN)?,
        dst: acl_prefix(req, attr::DST_IP, attr::DST_PLEN)?,
        ip_proto: req.attr(attr::IP_PROTO).map(|a| a.u8()).transpose()?,
        sport: acl_range(req, attr::SPORT_MIN, attr::SPORT_MAX)?,
        dport: acl_range(req, attr::DPORT_MIN, attr::DPORT_MAX)?,
    };
    acl::validate(&m).map_err(|e| Fail(EINVAL, acl_msg(e)))?;
    let prio = opt_u32(req, attr::PRIO)?;
    let net = req.net();
    registry::with(|reg, h| {
        let p = reg.net_mut(net).ok_or(Fail(ENOENT, c_str!("vswitch: no such port")))?.port_mut(port)?;
        let prio = prio.unwrap_or_else(|| p.acl.next_prio(dir));
        p.acl.add(dir, acl::Rule { prio, m, action }).map_err(|e| Fail(EEXIST, e))?;
        // A rule that cannot be published is not kept.
        if let Err(e) = p.acl.publish(&p.policy, dir) {
            p.acl.del(dir, prio);
            return Err(Fail::from(e));
        }
        notify(h, net, cmd::ACL_NEW, |msg| {
            msg.put_str(attr::PORT, port)?;
            msg.put_u8(attr::DIR, dir_uapi(dir))?;
            msg.put_u32(attr::PRIO, prio)
        });
        Ok(())
    })
}

fn dir_uapi(dir: usize) -> u8 {
    if dir == portpolicy::IN {
        uapi::acl_dir::IN
    } else {
        uapi::acl_dir::OUT
    }
}

fn action_uapi(a: acl::Action) -> u8 {
    match a {
        acl::Action::Allow => uapi::acl_action::ALLOW,
        acl::Action::Deny => uapi::acl_action::DENY,
    }
}

fn acl_del(req: &Request<'_>) -> CfgResult {
    let port = need_str(req, attr::PORT, c_str!("vswitch: missing port name"))?;
    let dir = acl_dir(req)?;
    let Some(prio) = opt_u32(req, attr::PRIO)? else {
        return Err(Fail(EINVAL, c_str!("vswitch: missing rule prio")));
    };
    let net = req.net();
    registry::with(|reg, h| {
        let p = reg.net_mut(net).ok_or(Fail(ENOENT, c_str!("vswitch: no such port")))?.port_mut(port)?;
        let Some(rule) = p.acl.take(dir, prio) else {
            return Err(Fail(ENOENT, c_str!("vswitch: no ACL rule with this prio")));
        };
        if let Err(e) = p.acl.publish(&p.policy, dir) {
            p.acl.put_back(dir, rule);
            return Err(Fail::from(e));
        }
        notify(h, net, cmd::ACL_DEL, |msg| {
            msg.put_str(attr::PORT, port)?;
            msg.put_u8(attr::DIR, dir_uapi(dir))?;
            msg.put_u32(attr::PRIO, prio)
        });
        Ok(())
    })
}

fn acl_default(req: &Request<'_>) -> CfgResult {
    let port = need_str(req, attr::PORT, c_str!("vswitch: missing port name"))?;
    let dir = acl_dir(req)?;
    let action = acl_action(req)?;
    let net = req.net();
    registry::with(|reg, h| {
        let p = reg.net_mut(net).ok_or(Fail(ENOENT, c_str!("vswitch: no such port")))?.port_mut(port)?;
        let old = core::mem::replace(&mut p.acl.default[dir], action);
        if let Err(e) = p.acl.publish(&p.policy, dir) {
            p.acl.default[dir] = old;
            return Err(Fail::from(e));
        }
        notify(h, net, cmd::ACL_DEFAULT, |msg| {
            msg.put_str(attr::PORT, port)?;
            msg.put_u8(attr::DIR, dir_uapi(dir))?;
            msg.put_u8(attr::ACTION, action_uapi(action))
        });
        Ok(())
    })
}

fn put_prefix(m: &Writer, ip: u16, plen: u16, p: &acl::Prefix) -> Result {
    match p {
        acl::Prefix::V4 { addr, len } => {
            m.put_bytes(ip, addr)?;
            m.put_u8(plen, *len)
        }
        acl::Prefix::V6 { addr, len } => {
            m.put_bytes(ip, addr)?;
            m.put_u8(plen, *len)
        }
    }
}

fn fill_rule(m: &Writer, port: &str, dir: usize, r: &portpolicy::AclRule) -> Result {
    m.put_str(attr::PORT, port)?;
    m.put_u8(attr::DIR, dir_uapi(dir))?;
    m.put_u32(attr::PRIO, r.rule.prio)?;
    let x = &r.rule.m;
    if let Some(v) = &x.src_mac {
        m.put_bytes(attr::SRC_MAC, &v.0)?;
    }
    if let Some(v) = &x.dst_mac {
        m.put_bytes(attr::DST_MAC, &v.0)?;
    }
    if let Some(v) = x.vlan {
        m.put_u16(attr::VLAN, v)?;
    }
    if let Some(v) = x.ethertype {
        m.put_u16(attr::ETHERTYPE, v)?;
    }
    if let Some(p) = &x.src {
        put_prefix(m, attr::SRC_IP, attr::SRC_PLEN, p)?;
    }
    if let Some(p) = &x.dst {
        put_prefix(m, attr::DST_IP, attr::DST_PLEN, p)?;
    }
    if let Some(v) = x.ip_proto {
        m.put_u8(attr::IP_PROTO, v)?;
    }
    if let Some((a, b)) = x.sport {
        m.put_u16(attr::SPORT_MIN, a)?;
        m.put_u16(attr::SPORT_MAX, b)?;
    }
    if let Some((a, b)) = x.dport {
        m.put_u16(attr::DPORT_MIN, a)?;
        m.put_u16(attr::DPORT_MAX, b)?;
    }
    m.put_u8(attr::ACTION, action_uapi(r.rule.action))?;
    m.put_u64(attr::HITS, r.hits.sum(0))
}

fn acl_dump(dump: &mut Dump<'_>) -> Result {
    let Some(name) = dump.attr(attr::PORT).map(|a| a.str()).transpose()? else {
        return Err(EINVAL);
    };
    let net = dump.net();
    registry::with(|reg, _| acl_dump_of(dump, reg, net, name))
}

fn acl_dump_of(dump: &mut Dump<'_>, reg: &mut Registry, net: Net<'_>, name: &str) -> Result {
    let Some((_, p)) = reg.net(net).and_then(|s| s.find_port(name)) else { return Err(ENOENT) };
    let start = dump.cursor();
    let mut n = 0usize;
    'outer: for dir in [portpolicy::IN, portpolicy::OUT] {
        if n >= start
            && !dump.entry(cmd::ACL_GET, |m| {
                m.put_str(attr::PORT, name)?;
                m.put_u8(attr::DIR, dir_uapi(dir))?;
                m.put_flag(attr::DEFAULT)?;
                m.put_u8(attr::ACTION, action_uapi(p.acl.default[dir]))?;
                m.put_u64(attr::HITS, p.acl.default_hits[dir].sum(0))
            })?
        {
            break;
        }
        n += 1;
        for r in p.acl.rules[dir].iter() {
            if n >= start && !dump.entry(cmd::ACL_GET, |m| fill_rule(m, name, dir, r))? {
                break 'outer;
            }
            n += 1;
        }
    }
    dump.set_cursor(n);
    Ok(())
}

// ---- FDB ----

fn fdb_new(req: &Request<'_>) -> CfgResult {
    let sw = need_str(req, attr::SWITCH, c_str!("vswitch: missing switch name"))?;
    let port = need_str(req, attr::PORT, c_str!("vswitch: missing port name"))?;
    let Some(mac) = opt_mac(req)? else {
        return Err(Fail(EINVAL, c_str!("vswitch: missing MAC address")));
    };
    let vid = vid(req)?;
    let net = req.net();
    registry::with(|reg, h| {
        sws(reg, net)?.fdb_add(h, sw, mac, vid, port)?;
        events::fdb_event(h, net, cmd::FDB_NEW, sw, &mac, vid, Some(port));
        Ok(())
    })
}

fn fdb_del(req: &Request<'_>) -> CfgResult {
    let sw = need_str(req, attr::SWITCH, c_str!("vswitch: missing switch name"))?;
    let Some(mac) = opt_mac(req)? else {
        return Err(Fail(EINVAL, c_str!("vswitch: missing MAC address")));
    };
    let vid = vid(req)?;
    let net = req.net();
    registry::with(|reg, h| {
        sws(reg, net)?.fdb_del(sw, mac, vid)?;
        events::fdb_event(h, net, cmd::FDB_DEL, sw, &mac, vid, None);
        Ok(())
    })
}

fn fdb_flush(req: &Request<'_>) -> CfgResult {
    let sw = need_str(req, attr::SWITCH, c_str!("vswitch: missing switch name"))?;
    let port = req.attr(attr::PORT).map(|a| a.str()).transpose().map_err(|_| Fail(EINVAL, c_str!("vswitch: bad port name")))?;
    let vid = opt_u16(req, attr::VLAN)?
        .map(|v| check_vid(v).map_err(|_| Fail(ERANGE, c_str!("vswitch: VLAN id must be in 1..4094"))))
        .transpose()?;
    let statics = req.attr(attr::STATIC).is_some();
    let net = req.net();
    registry::with(|reg, h| {
        let n = sws(reg, net)?.fdb_flush(h, sw, port, vid, statics)?;
        if n > 0 {
            events::fdb_flushed(h, net, sw, port, vid);
        }
        Ok(())
    })
}

fn fill_fdb(m: &Writer, h: Held<'_>, sw: &SwitchCtl, k: &crate::fdbtable::FdbKey, e: &fdb::Entry, now: u64) -> Result {
    m.put_str(attr::SWITCH, sw.name.as_str())?;
    m.put_bytes(attr::MAC, &k.0 .0)?;
    m.put_u16(attr::VLAN, k.1)?;
    m.put_str(attr::PORT, sw.port_name(h, e.port).unwrap_or("?"))?;
    if e.is_static {
        m.put_flag(attr::STATIC)?;
    }
    m.put_u32(attr::AGE, (fdb::age(e, now) / hz()) as u32)
}

/// The FDB of a switch: resumes where the last message stopped (bucket and position, in
/// `cb->args[0..2]`), so a dump of N entries costs O(N) in all.
fn fdb_dump(dump: &mut Dump<'_>) -> Result {
    let Some(name) = dump.attr(attr::SWITCH).map(|a| a.str()).transpose()? else {
        return Err(EINVAL);
    };
    let net = dump.net();
    registry::with(|reg, h| {
        let Some(sw) = reg.net(net).and_then(|s| s.switch(name)) else { return Err(ENOENT) };
        let (bucket, skip) = dump.cursor2();
        if bucket == usize::MAX {
            return Ok(());
        }
        let now = jiffies64();
        let mut err = Ok(());
        let next = sw.core.fdb.walk(Cursor { bucket, skip }, |k, e| match dump.entry(cmd::FDB_GET, |m| fill_fdb(m, h, sw, k, e, now)) {
            Ok(true) => true,
            Ok(false) => false,
            Err(x) => {
                err = Err(x);
                false
            }
        });
        err?;
        match next {
            Some(c) => dump.set_cursor2(c.bucket, c.skip),
            None => dump.set_cursor2(usize::MAX, 0),
        }
        Ok(())
    })
}
