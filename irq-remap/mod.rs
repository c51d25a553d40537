// SPDX-License-Identifier: GPL-2.0
//! SR-IOV VF-backed vPorts and their interrupts.
//!
//! A VF-backed vPort is VF `index` of the switch's uplink (the PF). The switch programs the VF
//! through the PF (`ndo_set_vf_mac`, `ndo_set_vf_vlan`, spoof checking on, trust off, link
//! state enabled while the port exists); the VF's own netdev (or a VM it is passed to) is the
//! data path. Deleting the port resets the VF.
//!
//! The interrupt report walks each MSI-X vector of the VF through its irq_data hierarchy
//! (e.g. `IR-PCI-MSIX-<bdf>` -> `INTEL-IR-0` -> `VECTOR`): whether a remapping domain is in
//! the chain, the IRTE index where Intel IR exposes it (hwirq >> 16 at that level), and the
//! affinity and effective CPU. The vectors are steered by VMQ (`vmq/`), the one place that
//! decides a port's CPU.

use crate::irq;
use crate::net::NetDevice;
use crate::pci::{vf, PciDev};
use crate::sync::rtnl::Held;
use crate::text::Text;
use core::sync::atomic::{AtomicBool, Ordering};
use kernel::{c_str, prelude::*};

/// Most MSI-X vectors reported per VF.
pub(crate) const MAX_VECTORS: usize = 32;
/// Deepest irq_data hierarchy walked.
const MAX_LEVELS: usize = 6;

/// IFLA_VF_LINK_STATE_* values.
const LINK_AUTO: u32 = 0;
const LINK_ENABLE: u32 = 1;

/// Settings of a VF-backed port.
#[derive(Clone, Copy)]
pub(crate) struct VfCfg {
    pub(crate) mac: [u8; 6],
    /// Port VLAN (access mode); None: untagged.
    pub(crate) pvid: Option<u16>,
    /// The VF's spoof checking (its MAC spoofing guard; on unless `mac-spoof on`).
    pub(crate) spoofchk: bool,
}

/// Programs VF `index` of PF `pf` for a port. The MAC is required to work; spoof checking,
/// trust and link state are applied where the PF driver supports them.
pub(crate) fn apply(rtnl: Held<'_>, pf: &NetDevice, index: u32, cfg: &VfCfg) -> core::result::Result<(), (Error, &'static CStr)> {
    if let Err(e) = vf::set_mac(rtnl, pf, index, &cfg.mac) {
        return Err((e, c_str!("vswitch: the PF driver refused the VF MAC address")));
    }
    if let Err(e) = vf::set_vlan(rtnl, pf, index, cfg.pvid.unwrap_or(0)) {
        return Err((e, c_str!("vswitch: the PF driver refused the VF VLAN")));
    }
    let _ = vf::set_spoofchk(rtnl, pf, index, cfg.spoofchk);
    let _ = vf::set_trust(rtnl, pf, index, false);
    let _ = vf::set_link_state(rtnl, pf, index, LINK_ENABLE);
    Ok(())
}

/// Puts VF `index` back to its defaults (no MAC, no VLAN, spoof checking on, not trusted,
/// link state auto).
pub(crate) fn reset(rtnl: Held<'_>, pf: &NetDevice, index: u32) {
    let _ = vf::set_mac(rtnl, pf, index, &[0u8; 6]);
    let _ = vf::set_vlan(rtnl, pf, index, 0);
    let _ = vf::set_spoofchk(rtnl, pf, index, true);
    let _ = vf::set_trust(rtnl, pf, index, false);
    let _ = vf::set_link_state(rtnl, pf, index, LINK_AUTO);
}

/// One interrupt vector as the report shows it.
pub(crate) struct IrqInfo {
    pub(crate) irq: u32,
    pub(crate) hwirq: u64,
    pub(crate) chip: Text,
    pub(crate) domains: [Text; MAX_LEVELS],
    pub(crate) ndomains: usize,
    pub(crate) remapped: bool,
    pub(crate) irte: Option<u32>,
    pub(crate) affinity: u64,
    pub(crate) cpu: Option<u32>,
    pub(crate) active: bool,
}

/// Whether a domain (or chip) name is an interrupt-remapping one (Intel VT-d, AMD-Vi, and the
/// `IR-` prefix their MSI domains carry).
fn is_ir(name: &str) -> bool {
    name.starts_with("INTEL-IR") || name.starts_with("AMD-IR") || name.starts_with("IR-")
}

/// Walks the hierarchy of `irq`, a vector of `dev` (its vectors are locked meanwhile; one
/// gone since it was listed is reported without its chain).
pub(crate) fn irq_info(dev: &PciDev, irq: u32) -> IrqInfo {
    let mut chip = Text::empty();
    let mut domains = [Text::empty(); MAX_LEVELS];
    let mut n = 0;
    let mut hwirq = 0;
    let mut remapped = false;
    let mut irte = None;
    if let Some(mut msix) = dev.msix() {
        msix.for_each(|d| {
            if d.irq() != irq {
                return;
            }
            chip = d.chip_name().map_or(Text::empty(), Text::copy);
            let mut level = Some(d);
            while let Some(l) = level.filter(|_| n < MAX_LEVELS) {
                let name = Text::copy(l.domain_name().unwrap_or(c_str!("?")));
                if n == 0 {
                    hwirq = l.hwirq();
                }
                if name.as_str().starts_with("INTEL-IR") {
                    remapped = true;
                    irte = u32::try_from(l.hwirq() >> 16).ok();
                } else if is_ir(name.as_str()) {
                    remapped = true;
                }
                domains[n] = name;
                n += 1;
                level = l.parent();
            }
        });
    }
    let eff = irq::mask(irq, true);
    IrqInfo {
        irq,
        hwirq,
        chip,
        domains,
        ndomains: n,
        remapped,
        irte,
        affinity: irq::mask(irq, false),
        cpu: (eff != 0).then(|| eff.trailing_zeros()),
        active: irq::has_action(irq),
    }
}

/// The MSI-X irqs of `dev` (as many as fit).
pub(crate) fn vectors(dev: &PciDev, out: &mut [u32; MAX_VECTORS]) -> usize {
    dev.msix_irqs(out)
}

static WARNED: AtomicBool = AtomicBool::new(false);

/// Says once, in the kernel log, that a VF's vectors are not remapped.
pub(crate) fn warn_not_remapped(dev: &PciDev) {
    if !WARNED.swap(true, Ordering::Relaxed) {
        pr_warn!(
            "vswitch: {}: interrupt remapping is off: VF vectors are identity-mapped, a VF given to a guest could target any interrupt vector\n",
            dev.name()
        );
    }
}

/// Steers every MSI-X vector of `dev` to `cpu`; how many were moved.
pub(crate) fn steer(dev: &PciDev, cpu: u32) -> usize {
    let mut irqs = [0u32; MAX_VECTORS];
    let n = vectors(dev, &mut irqs);
    irqs[..n].iter().filter(|i| irq::set_cpu(**i, cpu).is_ok()).count()
}

/// Whether every MSI-X vector of `dev` is effectively on `cpu`.
pub(crate) fn all_on(dev: &PciDev, cpu: u32) -> bool {
    let mut irqs = [0u32; MAX_VECTORS];
    let n = vectors(dev, &mut irqs);
    irqs[..n].iter().all(|i| irq::mask(*i, true) == 1u64 << cpu.min(63))
}
