// SPDX-License-Identifier: GPL-2.0
//! Switch commands: add, set (including SR-IOV), delete, get and dump.

use super::events;
use super::attrs::*;
use crate::control::{CfgResult, Fail, SwitchCfg, SwitchCtl, Switches};
use crate::registry::{self, Registry};
use crate::stats::{Counter, Stats};
use crate::net::genl::{Dump, Request, Writer};
use crate::net::Net;
use crate::sync::rtnl::Held;
use crate::uapi::{attr, cmd};
use crate::vmq;
use core::sync::atomic::Ordering;
use kernel::{c_str, prelude::*};

fn switch_cfg<'a>(req: &Request<'a>) -> CfgResult<SwitchCfg<'a>> {
    let uplink = match req.attr(attr::UPLINK) {
        Some(a) => Some(a.str().map_err(|_| Fail(EINVAL, c_str!("vswitch: bad uplink name")))?),
        None => None,
    };
    let no_uplink = req.attr(attr::NO_UPLINK).is_some();
    if uplink.is_some() && no_uplink {
        return Err(Fail(EINVAL, c_str!("vswitch: uplink and nouplink are exclusive")));
    }
    // The policy keeps ageing and fdb-max in range and PAUSE/slow protocols (never
    // forwarded) out of the group mask.
    let ageing = opt_u32(req, attr::AGEING)?;
    let fdb_max = opt_u32(req, attr::FDB_MAX)?;
    let group_fwd_mask = opt_u16(req, attr::GROUP_FWD_MASK)?;
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
pub(super) fn sws<'a>(reg: &'a mut Registry, net: Net<'_>) -> CfgResult<&'a mut Switches> {
    reg.net_mut(net).ok_or(Fail(ENOENT, c_str!("vswitch: no such switch")))
}

/// `sriov N` of `switch add/set`: checked under RTNL, applied without it (the PF driver
/// takes RTNL and VF drivers register netdevs), then recorded.
fn apply_sriov(net: Net<'_>, name: &str, n: u32) -> CfgResult {
    let pf = registry::with(|reg, h| sws(reg, net)?.sriov_check(h, name, n))?;
    match pf.sriov_configure(n) {
        Ok(got) => {
            registry::with(|reg, h| -> CfgResult {
                let s = sws(reg, net)?;
                s.sriov_done(h, name, &pf, got);
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

pub(super) fn new(req: &Request<'_>) -> CfgResult {
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

pub(super) fn set(req: &Request<'_>) -> CfgResult {
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

pub(super) fn del(req: &Request<'_>) -> CfgResult {
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

pub(super) fn put_stats(msg: &Writer, s: &Stats) -> Result {
    let n = msg.nest_start(attr::STATS)?;
    for (c, ty) in Counter::REPORTED {
        if let Some(ty) = ty {
            msg.put_u64(ty, s.sum(c))?;
        }
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
    if let Some(pf) = sw.pf(h) {
        msg.put_u32(attr::SRIOV, pf.num_vfs())?;
        msg.put_u32(attr::SRIOV_TOTAL, pf.total_vfs())?;
    }
    put_stats(msg, &sw.core.stats)
}

pub(super) fn get(req: &Request<'_>) -> Result {
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

pub(super) fn dump(dump: &mut Dump<'_>) -> Result {
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
