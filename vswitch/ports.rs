// SPDX-License-Identifier: GPL-2.0
//! Ports of a switch as configured: vPort netdevs and VF-backed ports, added, changed and
//! deleted as transactions (see `control.rs`).

use crate::control::{fail, name_of, CfgResult, Fail, PortCfg, PortCtl, Switches, VfPort, GFP_REQ};
use crate::mac::Mac;
use crate::irq_remap::{self, VfCfg};
use crate::name::Name;
use crate::portpolicy::{self, AclCfg, PortPolicy};
use crate::switch::{PortCore, Stats};
use crate::errno::eopnotsupp;
use crate::net::{dev_by_name, Net, Vport};
use crate::pci::random_mac;
use crate::sync::rtnl::Held;
use crate::kvec::vec_remove;
use crate::vlan::VlanMode;
use crate::vmq::NO_CPU;
use core::sync::atomic::{AtomicU32, Ordering};
use kernel::sync::Arc;
use kernel::{c_str, prelude::*};

impl Switches {
    fn name_taken(&self, name: &str) -> bool {
        self.port_idx(name).is_ok() || self.vf_port_idx(name).is_ok()
    }

    pub(crate) fn port_add(&mut self, rtnl: Held<'_>, net: Net<'_>, name: &str, switch: &str, cfg: PortCfg) -> CfgResult {
        let n = name_of(name, c_str!("vswitch: port name must be 1-15 printable characters, no '/', ':', '%' or spaces"))?;
        if self.name_taken(name) {
            return fail(EEXIST, c_str!("vswitch: a port with this name exists"));
        }
        let i = self.switch_idx(switch)?;
        if let Some(index) = cfg.vf {
            return self.vf_port_add(rtnl, i, n, index, cfg);
        }
        if dev_by_name(rtnl, net, name).is_ok() {
            return fail(EEXIST, c_str!("vswitch: a network device with this name exists"));
        }
        // The port's MAC is chosen here (random unless given): the MAC spoofing guard checks
        // against it, whatever address the netdev is later given by other means.
        let mac = cfg.mac.unwrap_or_else(random_mac);
        let policy = Arc::new(PortPolicy::new(Mac(mac))?, GFP_REQ)?;
        apply_rates(&policy, &cfg);
        policy.weight.store(cfg.weight.unwrap_or(0), Ordering::Relaxed);
        cfg.apply_guards(&policy.guard);
        if let Some(ips) = &cfg.ip_allow {
            policy.guard.set_static(ips).map_err(|_| Fail(ENOMEM, c_str!("vswitch: out of memory")))?;
        }
        let vlan = cfg.vlan.clone().unwrap_or_else(VlanMode::default_access);
        let steer = Arc::new(AtomicU32::new(NO_CPU), GFP_REQ)?;
        let acl = AclCfg::new()?;
        let stats = Arc::new(Stats::new()?, GFP_REQ)?;
        let sw = &mut self.list[i];
        let id = sw.ids.alloc()?;
        let r = (|| {
            let core = Arc::new(
                PortCore { id, switch: sw.core.clone(), stats: stats.clone(), policy: policy.clone() },
                GFP_REQ,
            )?;
            let vport = match Vport::register(rtnl, net, name, Some(mac), cfg.mtu, core) {
                Ok(v) => v,
                Err(e) => return fail(e, c_str!("vswitch: cannot register the port device (bad name, MAC or MTU?)")),
            };
            let p = PortCtl { id, name: n, vport, stats, vlan, steer, policy, acl };
            // Fallible steps with the device registered (dropped, hence unregistered, on
            // failure).
            let t = sw.table_with(sw.uplink.as_ref(), None, Some(p.slot()))?;
            if cfg.weight.is_some() && sw.qdisc.as_ref().is_some_and(|a| !a.is_current(rtnl)) {
                // `tc qdisc del` removed it: the record goes (nothing to detach).
                sw.qdisc = None;
            }
            let q = match sw.qdisc {
                Some(_) => None,
                None => sw.qdisc_for(rtnl, sw.uplink.as_ref(), cfg.weight.is_some())?,
            };
            sw.ports.reserve(1, GFP_REQ)?;
            // Commit. Entries a removed port with this id might have left are gone first.
            sw.core.fdb.flush_port(id);
            let _ = sw.ports.push(p, GFP_REQ);
            sw.commit(t);
            if q.is_some() {
                sw.qdisc = q;
            }
            Ok(())
        })();
        match r {
            Ok(()) => {
                sw.vmq_sync(rtnl);
                Ok(())
            }
            Err(e) => {
                sw.ids.free(id);
                Err(e)
            }
        }
    }

    fn vf_port_add(&mut self, rtnl: Held<'_>, i: usize, n: Name, index: u32, cfg: PortCfg) -> CfgResult {
        let vcfg = vf_cfg(&cfg, None)?;
        let sw = &mut self.list[i];
        let Some(pf) = sw.pf() else {
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
        if let Err((e, m)) = irq_remap::apply(rtnl, &u.link.dev(), index, &vcfg) {
            // The VF may be half programmed: put it back to its defaults.
            irq_remap::reset(rtnl, &u.link.dev(), index);
            sw.ids.free(id);
            return fail(e, m);
        }
        let _ = sw.vf_ports.push(VfPort { id, name: n, index, pci: vf, cfg: vcfg, steer, stats }, GFP_REQ);
        sw.vmq_sync(rtnl);
        Ok(())
    }

    fn vf_port_set(&mut self, rtnl: Held<'_>, i: usize, j: usize, cfg: PortCfg) -> CfgResult {
        let sw = &mut self.list[i];
        let old = sw.vf_ports[j].cfg;
        let vcfg = vf_cfg(&cfg, Some(old))?;
        let Some(u) = &sw.uplink else { return fail(ENODEV, c_str!("vswitch: no uplink")) };
        let index = sw.vf_ports[j].index;
        if let Err((e, m)) = irq_remap::apply(rtnl, &u.link.dev(), index, &vcfg) {
            // Back to what it was.
            let _ = irq_remap::apply(rtnl, &u.link.dev(), index, &old);
            return fail(e, m);
        }
        sw.vf_ports[j].cfg = vcfg;
        sw.vmq_sync(rtnl);
        Ok(())
    }

    fn vf_port_del(&mut self, rtnl: Held<'_>, i: usize, j: usize) -> CfgResult {
        let sw = &mut self.list[i];
        let Some(p) = vec_remove(&mut sw.vf_ports, j) else { return fail(ENOENT, c_str!("vswitch: no such port")) };
        if let Some(u) = &sw.uplink {
            irq_remap::reset(rtnl, &u.link.dev(), p.index);
        }
        sw.ids.free(p.id);
        sw.vmq_sync(rtnl);
        Ok(())
    }

    pub(crate) fn port_set(&mut self, rtnl: Held<'_>, name: &str, cfg: PortCfg) -> CfgResult {
        if let Ok((i, j)) = self.vf_port_idx(name) {
            return self.vf_port_set(rtnl, i, j, cfg);
        }
        let (i, j) = self.port_idx(name)?;
        let sw = &mut self.list[i];
        // Fallible steps without side effects first: the new table, the qdisc.
        let table = match &cfg.vlan {
            Some(v) => {
                let mut s = sw.ports[j].slot();
                s.vlan = v.clone();
                Some(sw.table_with(sw.uplink.as_ref(), Some(sw.ports[j].id), Some(s))?)
            }
            None => None,
        };
        if cfg.weight.is_some() && sw.qdisc.as_ref().is_some_and(|a| !a.is_current(rtnl)) {
            // `tc qdisc del` removed it: the record goes (nothing to detach), a new one comes.
            sw.qdisc = None;
        }
        let q = match (cfg.weight, &sw.qdisc) {
            (Some(_), None) => sw.qdisc_for(rtnl, sw.uplink.as_ref(), true)?,
            _ => None,
        };
        // Device changes, each undone if a later one fails.
        let p = &sw.ports[j];
        let old_mtu = p.vport.dev().mtu();
        let old_mac = p.vport.dev().addr();
        let undo = |mtu: bool, mac: bool| {
            if mac {
                let _ = p.vport.set_mac(rtnl, old_mac);
            }
            if mtu {
                let _ = p.vport.set_mtu(rtnl, old_mtu);
            }
        };
        if let Some(m) = cfg.mtu {
            if p.vport.set_mtu(rtnl, m).is_err() {
                return fail(EINVAL, c_str!("vswitch: MTU out of range (68..65535)"));
            }
        }
        if let Some(a) = cfg.mac {
            if let Err(e) = p.vport.set_mac(rtnl, a) {
                undo(cfg.mtu.is_some(), false);
                return fail(e, c_str!("vswitch: cannot set this MAC address"));
            }
        }
        if let Some(ips) = &cfg.ip_allow {
            if p.policy.guard.set_static(ips).is_err() {
                undo(cfg.mtu.is_some(), cfg.mac.is_some());
                return fail(ENOMEM, c_str!("vswitch: out of memory"));
            }
        }
        // Commit.
        apply_rates(&p.policy, &cfg);
        if let Some(w) = cfg.weight {
            p.policy.weight.store(w, Ordering::Relaxed);
        }
        if let Some(a) = cfg.mac {
            p.policy.guard.set_mac(&Mac(a));
        }
        cfg.apply_guards(&p.policy.guard);
        if q.is_some() {
            sw.qdisc = q;
        }
        if let (Some(v), Some(t)) = (cfg.vlan, table) {
            sw.ports[j].vlan = v;
            let id = sw.ports[j].id;
            sw.commit(t);
            sw.core.fdb.flush_port(id);
        }
        sw.vmq_sync(rtnl);
        Ok(())
    }

    pub(crate) fn port_del(&mut self, rtnl: Held<'_>, name: &str) -> CfgResult {
        if let Ok((i, j)) = self.vf_port_idx(name) {
            return self.vf_port_del(rtnl, i, j);
        }
        let (i, j) = self.port_idx(name)?;
        let sw = &mut self.list[i];
        let t = sw.table_with(sw.uplink.as_ref(), Some(sw.ports[j].id), None)?;
        // Commit.
        let Some(p) = vec_remove(&mut sw.ports, j) else { return fail(ENOENT, c_str!("vswitch: no such port")) };
        sw.commit(t);
        sw.core.fdb.flush_port(p.id);
        sw.ids.free(p.id);
        // Its queue and filter are freed (and may go to a port waiting on the default queue).
        sw.vmq_sync(rtnl);
        p.vport.unregister(rtnl);
        Ok(())
    }
}

/// Sets the rate limits `cfg` asks for (a burst alone applies to both directions).
fn apply_rates(policy: &PortPolicy, cfg: &PortCfg) {
    for (dir, r) in [(portpolicy::IN, cfg.rate_in), (portpolicy::OUT, cfg.rate_out)] {
        let bps = match (r, cfg.burst) {
            (Some(b), _) => b,
            (None, Some(_)) => policy.rate[dir].bps.load(Ordering::Relaxed),
            (None, None) => continue,
        };
        policy.rate[dir].set(bps, cfg.burst);
    }
}

fn vf_cfg(cfg: &PortCfg, base: Option<VfCfg>) -> CfgResult<VfCfg> {
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
