// SPDX-License-Identifier: GPL-2.0
//! FDB commands: add and delete static entries, flush, dump.

use super::events;
use super::attrs::*;
use super::switch::sws;
use crate::control::{CfgResult, Fail, SwitchCtl};
use crate::registry;
use crate::net::genl::{Dump, Request, Writer};
use crate::sync::rcuhash::Cursor;
use crate::time::{jiffies64, jiffies_to_secs};
use crate::sync::rtnl::Held;
use crate::uapi::{attr, cmd};
use crate::fdb;
use kernel::{c_str, prelude::*};

pub(super) fn new(req: &Request<'_>) -> CfgResult {
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

pub(super) fn del(req: &Request<'_>) -> CfgResult {
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

pub(super) fn flush(req: &Request<'_>) -> CfgResult {
    let sw = need_str(req, attr::SWITCH, c_str!("vswitch: missing switch name"))?;
    let port = req.attr(attr::PORT).map(|a| a.str()).transpose().map_err(|_| Fail(EINVAL, c_str!("vswitch: bad port name")))?;
    let vid = opt_u16(req, attr::VLAN)?;
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
    m.put_u32(attr::AGE, jiffies_to_secs(fdb::age(e, now)) as u32)
}

/// The FDB of a switch: resumes where the last message stopped (bucket and position, in
/// `cb->args[0..2]`), so a dump of N entries costs O(N) in all.
pub(super) fn dump(dump: &mut Dump<'_>) -> Result {
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
