// SPDX-License-Identifier: GPL-2.0
//! VF-backed ports (their traffic does not cross the switch: they are programmed through
//! the PF) and enabling VFs on a switch's uplink.

use super::*;
use crate::errno::eopnotsupp;
use crate::irq_remap::{self, VfCfg};
use crate::kvec::vec_remove;
use crate::name::Name;
use crate::pci::PciDev;
use kernel::types::ARef;
use crate::pci::random_mac;
use crate::stats::Stats;
use crate::sync::rtnl::Held;
use crate::vlan::VlanMode;
use crate::vmq::NO_CPU;
use core::sync::atomic::AtomicU32;
use kernel::alloc::KVec;
use kernel::sync::Arc;
use kernel::{c_str, prelude::*};

/// A VF-backed vPort: VF `index` of the uplink (the PF), programmed through the PF.
pub(crate) struct VfPort {
    pub(crate) id: u32,
    pub(crate) name: Name,
    pub(crate) index: u32,
    pub(crate) pci: ARef<PciDev>,
    pub(crate) cfg: VfCfg,
    pub(crate) steer: Arc<AtomicU32>,
    pub(crate) stats: Arc<Stats>,
}

impl SwitchCtl {
    /// Resets and forgets the VF ports (their PF is going).
    pub(super) fn drop_vf_ports(&mut self, rtnl: Held<'_>) {
        let vfs = core::mem::replace(&mut self.vf_ports, KVec::new());
        if let Some(u) = &self.uplink {
            for p in vfs.iter() {
                irq_remap::reset(rtnl, u.link.dev(), p.index);
            }
        }
        for p in vfs.iter() {
            self.ids.free(p.id);
        }
    }

    /// The uplink's PCI device, if it is an SR-IOV PF.
    pub(crate) fn pf(&self, rtnl: Held<'_>) -> Option<ARef<PciDev>> {
        let u = self.uplink.as_ref()?;
        PciDev::of_netdev(rtnl, u.link.dev()).filter(|p| p.total_vfs() > 0)
    }

    pub(crate) fn vf_port_by_id(&self, id: u32) -> Option<&VfPort> {
        self.vf_ports.iter().find(|p| p.id == id)
    }
}

impl Switches {
    pub(super) fn vf_port_add(&mut self, rtnl: Held<'_>, i: usize, n: Name, index: u32, cfg: PortCfg) -> CfgResult {
        let vcfg = vf_cfg(&cfg, None)?;
        let sw = &mut self.list[i];
        let Some(pf) = sw.pf(rtnl) else {
            return fail(eopnotsupp(), c_str!("vswitch: VF ports need an uplink that is an SR-IOV PF"));
        };
        if index >= pf.num_vfs() {
            return fail(ERANGE, c_str!("vswitch: no such VF: the index must be below the VFs enabled (switch set SW sriov N)"));
        }
        if sw.vf_ports.iter().any(|p| p.index == index) {
            return fail(EBUSY, c_str!("vswitch: this VF already backs a port"));
        }
        let Some(vf) = pf.vf(index) else { return fail(ENODEV, c_str!("vswitch: VF device not found")) };
        let steer = Arc::new(AtomicU32::new(NO_CPU), GFP_REQ)?;
        let stats = Arc::new(Stats::new()?, GFP_REQ)?;
        sw.vf_ports.reserve(1, GFP_REQ)?;
        let id = sw.ids.alloc()?;
        let Some(u) = &sw.uplink else {
            sw.ids.free(id);
            return fail(ENODEV, c_str!("vswitch: no uplink"));
        };
        if let Err((e, m)) = irq_remap::apply(rtnl, u.link.dev(), index, &vcfg) {
            // The VF may be half programmed: put it back to its defaults.
            irq_remap::reset(rtnl, u.link.dev(), index);
            sw.ids.free(id);
            return fail(e, m);
        }
        let _ = sw.vf_ports.push(VfPort { id, name: n, index, pci: vf, cfg: vcfg, steer, stats }, GFP_REQ);
        sw.vmq_sync(rtnl);
        Ok(())
    }

    pub(super) fn vf_port_set(&mut self, rtnl: Held<'_>, i: usize, j: usize, cfg: PortCfg) -> CfgResult {
        let sw = &mut self.list[i];
        let old = sw.vf_ports[j].cfg;
        let vcfg = vf_cfg(&cfg, Some(old))?;
        let Some(u) = &sw.uplink else { return fail(ENODEV, c_str!("vswitch: no uplink")) };
        let index = sw.vf_ports[j].index;
        if let Err((e, m)) = irq_remap::apply(rtnl, u.link.dev(), index, &vcfg) {
            // Back to what it was.
            let _ = irq_remap::apply(rtnl, u.link.dev(), index, &old);
            return fail(e, m);
        }
        sw.vf_ports[j].cfg = vcfg;
        sw.vmq_sync(rtnl);
        Ok(())
    }

    pub(super) fn vf_port_del(&mut self, rtnl: Held<'_>, i: usize, j: usize) -> CfgResult {
        let sw = &mut self.list[i];
        let Some(p) = vec_remove(&mut sw.vf_ports, j) else { return fail(ENOENT, c_str!("vswitch: no such port")) };
        if let Some(u) = &sw.uplink {
            irq_remap::reset(rtnl, u.link.dev(), p.index);
        }
        sw.ids.free(p.id);
        sw.vmq_sync(rtnl);
        Ok(())
    }

    /// Checks a `switch set SW sriov N` before RTNL is dropped to apply it; returns the PF.
    pub(crate) fn sriov_check(&self, rtnl: Held<'_>, name: &str, n: u32) -> CfgResult<ARef<PciDev>> {
        let sw = &self.list[self.switch_idx(name)?];
        let Some(u) = &sw.uplink else { return fail(EINVAL, c_str!("vswitch: sriov needs an uplink")) };
        let Some(pf) = PciDev::of_netdev(rtnl, u.link.dev()) else {
            return fail(eopnotsupp(), c_str!("vswitch: the uplink is not a PCI device (no SR-IOV)"));
        };
        let total = pf.total_vfs();
        if total == 0 {
            return fail(eopnotsupp(), c_str!("vswitch: the uplink is not an SR-IOV PF (sriov_totalvfs is 0)"));
        }
        if n > total {
            return fail(ERANGE, c_str!("vswitch: more VFs than the uplink's sriov_totalvfs"));
        }
        if !sw.vf_ports.is_empty() && n != pf.num_vfs() {
            return fail(EBUSY, c_str!("vswitch: delete the switch's VF ports before changing the number of VFs"));
        }
        Ok(pf)
    }

    /// Records that switch `name` enabled VFs on `pf` (or disabled them: `n` 0).
    pub(crate) fn sriov_done(&mut self, rtnl: Held<'_>, name: &str, pf: &PciDev, n: u32) {
        if let Ok(i) = self.switch_idx(name) {
            let sw = &mut self.list[i];
            if sw.pf(rtnl).is_some_and(|p| p.same(pf)) {
                sw.sriov_owned = (n > 0).then(|| ARef::from(pf));
            }
        }
    }
}

pub(super) fn vf_cfg(cfg: &PortCfg, base: Option<VfCfg>) -> CfgResult<VfCfg> {
    if cfg.has_switch_only_guards() {
        return fail(
            eopnotsupp(),
            c_str!("vswitch: VF traffic does not cross the switch: only mac-spoof (the VF's spoof checking) applies to VF ports"),
        );
    }
    if cfg.rate_in.is_some() || cfg.rate_out.is_some() || cfg.burst.is_some() {
        return fail(eopnotsupp(), c_str!("vswitch: rate limits on VF ports are not supported"));
    }
    if cfg.weight.is_some() {
        return fail(eopnotsupp(), c_str!("vswitch: VF traffic bypasses the switch: no bandwidth weight on VF ports"));
    }
    if cfg.mtu.is_some() {
        return fail(EINVAL, c_str!("vswitch: the MTU of a VF port is set on the VF's netdev"));
    }
    let pvid = match &cfg.vlan {
        None => base.and_then(|b| b.pvid),
        Some(VlanMode::Access { pvid }) => Some(*pvid),
        Some(VlanMode::Trunk { .. }) => {
            return fail(EINVAL, c_str!("vswitch: a VF port supports access mode only (one port VLAN)"))
        }
    };
    let mac = match (cfg.mac, base) {
        (Some(m), _) => m,
        (None, Some(b)) => b.mac,
        (None, None) => random_mac(),
    };
    let spoof_ok = cfg.guards.iter().rev().find(|(b, _)| *b == crate::guard::MAC_SPOOF_OK).map(|(_, on)| *on);
    let spoofchk = match (spoof_ok, base) {
        (Some(ok), _) => !ok,
        (None, Some(b)) => b.spoofchk,
        (None, None) => true,
    };
    Ok(VfCfg { mac, pvid, spoofchk })
}