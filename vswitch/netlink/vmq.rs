// SPDX-License-Identifier: GPL-2.0
//! VMQ queue assignments (`VMQ_GET` dump).

use crate::control::SwitchCtl;
use crate::registry;
use crate::net::genl::{Dump, Writer};
use crate::sync::rtnl::Held;
use crate::uapi::{attr, cmd};
use crate::vmq;
use kernel::prelude::*;

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

pub(super) fn dump(dump: &mut Dump<'_>) -> Result {
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
