// SPDX-License-Identifier: GPL-2.0
//! Port commands: add, set, delete, get and dump; a port's settings and guards.

use super::events;
use super::attrs::*;
use super::switch::{put_stats, sws};
use crate::control::{CfgResult, Fail, PortCfg, PortCtl, SwitchCtl, VfPort, GFP_REQ};
use crate::frame::Ip;
use crate::guard;
use crate::portguard::PortGuard;
use crate::registry;
use crate::net::genl::{Dump, Request, Writer};
use crate::sync::rtnl::Held;
use crate::uapi::{attr, binding_attr, cmd, limit, vlan_mode};
use crate::vlan::VlanMode;
use crate::portpolicy;
use core::sync::atomic::Ordering;
use kernel::alloc::KVec;
use kernel::{c_str, prelude::*};

fn port_cfg(req: &Request<'_>) -> CfgResult<PortCfg> {
    let mac = opt_mac(req)?;
    let dev = match req.attr(attr::DEV).map(|a| a.str()).transpose()? {
        Some(d) => Some(crate::name::Name::new(d).map_err(|_| Fail(EINVAL, c_str!("vswitch: dev: not a device name")))?),
        None => None,
    };
    if let Some(m) = &mac {
        if !m.is_valid_unicast() {
            return Err(Fail(EINVAL, c_str!("vswitch: port MAC must be a unicast, non-zero address")));
        }
    }
    // The policy keeps MTU, weight, burst and rates in range.
    let mtu = opt_u32(req, attr::MTU)?;
    let weight = opt_u32(req, attr::WEIGHT)?;
    let burst = opt_u32(req, attr::BURST)?;
    let rate = |ty| -> CfgResult<Option<u64>> {
        let r = req.attr(ty).map(|a| a.u64()).transpose()?;
        // 0 removes the limit; below 1mbit is not (the policy caps the top).
        if r.is_some_and(|r| r != 0 && r < limit::RATE_MIN) {
            return Err(Fail(ERANGE, c_str!("vswitch: rate must be 0 (none) or at least 1mbit")));
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
        // 0 (off) or 1 (on), by the policy.
        if let Some(v) = req.attr(a).map(|x| x.u8()).transpose()? {
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
        dev,
        link: req.attr(attr::LINK).map(|a| a.u8()).transpose()?.map(|v| v == 1),
    })
}

pub(super) fn put_ip(m: &Writer, ty: u16, ip: &Ip) -> Result {
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
pub(super) fn new(req: &Request<'_>) -> CfgResult {
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

pub(super) fn set(req: &Request<'_>) -> CfgResult {
    let name = need_str(req, attr::PORT, c_str!("vswitch: missing port name"))?;
    if req.attr(attr::SWITCH).is_some() {
        return Err(Fail(EINVAL, c_str!("vswitch: a port cannot move to another switch (delete and add it)")));
    }
    if req.attr(attr::DEV).is_some() {
        return Err(Fail(EINVAL, c_str!("vswitch: a port's device cannot change (delete and add it)")));
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

pub(super) fn del(req: &Request<'_>) -> CfgResult {
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
    let dev = p.dev.dev();
    msg.put_str(attr::PORT, p.name.as_str())?;
    msg.put_str(attr::IFNAME, dev.name(h))?;
    if p.dev.attached() {
        msg.put_str(attr::DEV, dev.name(h))?;
    }
    msg.put_u8(attr::LINK, p.link_up() as u8)?;
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
        msg.put_str(attr::DRIVER, d.as_str())?;
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

pub(super) fn get(req: &Request<'_>) -> Result {
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

pub(super) fn dump(dump: &mut Dump<'_>) -> Result {
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
