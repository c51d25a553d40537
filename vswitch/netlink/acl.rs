// SPDX-License-Identifier: GPL-2.0
//! ACL commands: add and delete rules, set the default action, dump.

use super::attrs::*;
use crate::control::{CfgResult, Fail};
use crate::mac::Mac;
use crate::registry::{self, Registry};
use crate::net::genl::{Dump, Request, Writer};
use crate::net::Net;
use crate::uapi::{self, attr, cmd};
use crate::{acl, portpolicy};
use super::events::notify;
use kernel::str::CStr;
use kernel::{c_str, prelude::*};

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


pub(super) fn new(req: &Request<'_>) -> CfgResult {
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
    // The rule's own message (a `'static` C string of `acl.rs`) as the extack.
    acl::validate(&m).map_err(|e| Fail(EINVAL, CStr::from_bytes_with_nul(e.to_bytes_with_nul()).unwrap_or(c_str!("vswitch: invalid ACL rule"))))?;
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

pub(super) fn del(req: &Request<'_>) -> CfgResult {
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

pub(super) fn set_default(req: &Request<'_>) -> CfgResult {
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

pub(super) fn dump(dump: &mut Dump<'_>) -> Result {
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
