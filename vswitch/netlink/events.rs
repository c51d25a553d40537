// SPDX-License-Identifier: GPL-2.0
//! Events (`vswctl monitor`): switch, port, FDB and VMQ changes, multicast to the listeners
//! of the switch's own network namespace only. Sent under RTNL, after the change succeeded;
//! best effort: failing to build or send one never fails what caused it.

use super::{fill_port, fill_switch, fill_vf_port};
use crate::control::{SwitchCtl, Switches};
use crate::mac::Mac;
use crate::net::genl::{self, Writer};
use crate::net::Net;
use crate::sync::rtnl::Held;
use crate::uapi::{attr, cmd};
use crate::vmq::Moved;
use kernel::prelude::*;

/// Sends event `cmd` filled by `fill` to `net`'s listeners.
pub(crate) fn notify(h: Held<'_>, net: Net<'_>, cmd: u8, fill: impl FnOnce(&Writer) -> Result) {
    if let Ok(m) = genl::event(h, cmd) {
        if fill(&m).is_ok() {
            let _ = genl::multicast(h, net, m);
        }
    }
}

/// Switch `sw` was created (`SWITCH_NEW`) or changed (`SWITCH_SET`).
pub(crate) fn switch_event(h: Held<'_>, net: Net<'_>, cmd: u8, sw: &SwitchCtl) {
    notify(h, net, cmd, |m| fill_switch(m, sw, h));
}

/// Switch `sw` changed without a request (its uplink went away).
pub(crate) fn switch_changed(h: Held<'_>, net: Net<'_>, sw: &SwitchCtl) {
    switch_event(h, net, cmd::SWITCH_SET, sw);
}

/// Switch `name` was deleted.
pub(crate) fn switch_gone(h: Held<'_>, net: Net<'_>, name: &str) {
    notify(h, net, cmd::SWITCH_DEL, |m| m.put_str(attr::SWITCH, name));
}

/// Port `name` of `sws` was created (`PORT_NEW`) or changed (`PORT_SET`).
pub(crate) fn port_event(h: Held<'_>, net: Net<'_>, sws: &Switches, cmd: u8, name: &str) {
    if let Some((sw, p)) = sws.find_port(name) {
        notify(h, net, cmd, |m| fill_port(m, h, sw, p));
    } else if let Some((sw, p)) = sws.find_vf_port(name) {
        notify(h, net, cmd, |m| fill_vf_port(m, h, sw, p));
    }
}

/// Port `name` of switch `switch` is gone (deleted, or its netdev was unregistered).
pub(crate) fn port_gone(h: Held<'_>, net: Net<'_>, name: &str, switch: &str) {
    notify(h, net, cmd::PORT_DEL, |m| {
        m.put_str(attr::PORT, name)?;
        if !switch.is_empty() {
            m.put_str(attr::SWITCH, switch)?;
        }
        Ok(())
    });
}

/// A static FDB entry was added (`port` given) or an entry deleted.
pub(crate) fn fdb_event(h: Held<'_>, net: Net<'_>, cmd: u8, sw: &str, mac: &Mac, vid: u16, port: Option<&str>) {
    notify(h, net, cmd, |m| {
        m.put_str(attr::SWITCH, sw)?;
        m.put_bytes(attr::MAC, &mac.0)?;
        m.put_u16(attr::VLAN, vid)?;
        if let Some(p) = port {
            m.put_str(attr::PORT, p)?;
            m.put_flag(attr::STATIC)?;
        }
        Ok(())
    });
}

/// Entries of switch `sw` (of `port`, in `vid`, when given) were flushed.
pub(crate) fn fdb_flushed(h: Held<'_>, net: Net<'_>, sw: &str, port: Option<&str>, vid: Option<u16>) {
    notify(h, net, cmd::FDB_FLUSH, |m| {
        m.put_str(attr::SWITCH, sw)?;
        if let Some(p) = port {
            m.put_str(attr::PORT, p)?;
        }
        if let Some(v) = vid {
            m.put_u16(attr::VLAN, v)?;
        }
        Ok(())
    });
}

/// The balancer moved a queue of switch `sw`.
pub(crate) fn vmq_moved(h: Held<'_>, net: Net<'_>, sw: &SwitchCtl, mv: &Moved) {
    notify(h, net, cmd::VMQ_MOVE, |msg| {
        msg.put_str(attr::SWITCH, sw.name.as_str())?;
        msg.put_str(attr::PORT, sw.port_name(h, mv.port).unwrap_or("?"))?;
        if let Some(q) = mv.queue {
            msg.put_u32(attr::QUEUE, q)?;
        }
        if let Some(irq) = mv.irq {
            msg.put_u32(attr::IRQ, irq)?;
        }
        msg.put_u32(attr::FROM_CPU, mv.from)?;
        msg.put_u32(attr::CPU, mv.to)?;
        msg.put_u32(attr::LOAD, mv.load)
    });
}
