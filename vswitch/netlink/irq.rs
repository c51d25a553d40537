// SPDX-License-Identifier: GPL-2.0
//! A port's interrupts (`PORT_IRQS`): its queues' or VF's MSI-X vectors, their
//! interrupt-remapping path and CPUs.

use crate::registry::{self, Registry};
use crate::net::genl::Request;
use crate::net::Net;
use crate::uapi::{attr, cmd, irq_attr};
use crate::irq_remap;
use kernel::{c_str, prelude::*};

pub(super) fn get(req: &Request<'_>) -> Result {
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
        msg.put_str(attr::DRIVER, d.as_str())?;
    }
    msg.put_u8(attr::MSIX, p.pci.msix_enabled() as u8)?;
    let mut any_remapped = false;
    for irq in irqs[..n].iter() {
        let info = irq_remap::irq_info(&p.pci, *irq);
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
