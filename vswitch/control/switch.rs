// SPDX-License-Identifier: GPL-2.0
//! A switch: its configuration, its published port table, and adding, changing and
//! deleting switches.

use super::port::Ids;
use super::*;
use crate::kvec::vec_pop;
use crate::kvec::vec_remove;
use crate::name::Name;
use crate::net::{Net, NetDevice};
use crate::net::qdisc;
use crate::pci::PciDev;
use kernel::types::ARef;
use crate::switch::{PortTable, Slot, SwitchCore, UPLINK_ID};
use crate::sync::rcu::RcuBox;
use crate::sync::rtnl::Held;
use crate::uapi;
use crate::vlan::VlanMode;
use crate::vmq::{self, PortInfo, Vmq};
use core::sync::atomic::Ordering;
use kernel::alloc::{KBox, KVec};
use kernel::sync::Arc;
use kernel::{c_str, prelude::*};

/// Settings of `switch add` / `switch set`.
#[derive(Default)]
pub(crate) struct SwitchCfg<'a> {
    pub(crate) uplink: Option<&'a str>,
    pub(crate) no_uplink: bool,
    pub(crate) ageing: Option<u32>,
    pub(crate) fdb_max: Option<u32>,
    /// VMQ settings to change.
    pub(crate) vmq: vmq::Request,
    /// Link-local groups forwarded (bit X for 01:80:C2:00:00:0X).
    pub(crate) group_fwd_mask: Option<u16>,
}

/// Configuration of a switch. Dropping it tears it down (under RTNL).
pub(crate) struct SwitchCtl {
    pub(crate) name: Name,
    pub(crate) core: Arc<SwitchCore>,
    pub(crate) uplink: Option<UplinkCtl>,
    pub(crate) ports: KVec<PortCtl>,
    pub(crate) vmq: Vmq,
    /// VF-backed vPorts.
    pub(crate) vf_ports: KVec<VfPort>,
    /// VFs this switch enabled on its uplink (disabled again when it lets the uplink go).
    pub(crate) sriov_owned: Option<ARef<PciDev>>,
    /// The `vswitch` qdisc this switch made its uplink's root (detached when dropped).
    pub(crate) qdisc: Option<qdisc::Attachment>,
    pub(crate) ids: Ids,
    /// The published port table is stale (a rebuild failed for lack of memory and the switch
    /// forwards nothing); the next change rebuilds it.
    stale: bool,
}

impl SwitchCtl {
    /// The port table for the current ports and `uplink` (fallible; publish with `commit`).
    pub(crate) fn table_with(&self, uplink: Option<&UplinkCtl>, skip: Option<u32>, extra: Option<Slot>) -> CfgResult<KBox<RcuBox<PortTable>>> {
        let mut slots = KVec::with_capacity(self.ports.len() + 2, GFP_REQ)?;
        if let Some(u) = uplink {
            let _ = slots.push(u.slot(), GFP_REQ);
        }
        for p in self.ports.iter().filter(|p| Some(p.id) != skip) {
            let _ = slots.push(p.slot(), GFP_REQ);
        }
        if let Some(s) = extra {
            let _ = slots.push(s, GFP_REQ);
        }
        Ok(PortTable::build(slots, GFP_REQ)?)
    }

    /// The table of the switch as it is.
    pub(crate) fn table(&self) -> CfgResult<KBox<RcuBox<PortTable>>> {
        self.table_with(self.uplink.as_ref(), None, None)
    }

    /// Publishes `t` (cannot fail).
    pub(crate) fn commit(&mut self, t: KBox<RcuBox<PortTable>>) {
        self.core.publish(Some(t));
        self.stale = false;
    }

    /// Rebuilds and publishes the table where no transaction is possible (a device went
    /// away): without memory for a new table the switch stops forwarding until the next
    /// change, but never keeps a reference to a device that is going.
    pub(super) fn republish(&mut self) {
        match self.table() {
            Ok(t) => self.commit(t),
            Err(_) => {
                self.core.publish(None);
                self.stale = true;
            }
        }
    }

    /// What VMQ needs of the vPorts, in the order they were added.
    pub(super) fn vmq_ports(&self) -> Result<KVec<PortInfo>> {
        let mut v = KVec::with_capacity(self.ports.len() + self.vf_ports.len(), GFP_REQ)?;
        for p in self.ports.iter() {
            // Frames of an access port travel the uplink tagged with its PVID, except the
            // uplink's native VLAN 1 (untagged); a trunk port's in any VLAN.
            let vid = match &p.vlan {
                VlanMode::Access { pvid } if *pvid != 1 => Some(*pvid),
                _ => None,
            };
            v.push(
                PortInfo { id: p.id, mac: p.mac(), vid, steer: p.steer.clone(), stats: p.stats.clone(), vf: None },
                GFP_REQ,
            )?;
        }
        for p in self.vf_ports.iter() {
            v.push(
                PortInfo { id: p.id, mac: p.cfg.mac, vid: p.cfg.pvid, steer: p.steer.clone(), stats: p.stats.clone(), vf: Some(p.pci.clone()) },
                GFP_REQ,
            )?;
        }
        Ok(v)
    }

    /// Brings VMQ queues and filters in line with the uplink and vPorts (best effort: a port
    /// without a queue shares the default one).
    pub(crate) fn vmq_sync(&mut self, rtnl: Held<'_>) {
        let Ok(ports) = self.vmq_ports() else { return };
        let dev = self.uplink.as_ref().map(|u| u.link.dev());
        self.vmq.sync(rtnl, dev, &ports);
        self.core.vmq_timing.store(self.vmq.samples_vports(), Ordering::Relaxed);
        crate::vmq::balancer::kick(&self.vmq);
    }

    pub(super) fn wants_qdisc(&self, extra_weight: bool) -> bool {
        extra_weight || self.ports.iter().any(|p| p.policy.weight.load(Ordering::Relaxed) != 0)
    }

    /// The `vswitch` qdisc on `uplink` if weights need it and this switch has none there yet
    /// (fallible; dropping the result detaches it again).
    pub(crate) fn qdisc_for(&self, rtnl: Held<'_>, uplink: Option<&UplinkCtl>, extra_weight: bool) -> CfgResult<Option<qdisc::Attachment>> {
        let Some(u) = uplink else { return Ok(None) };
        if !self.wants_qdisc(extra_weight) {
            return Ok(None);
        }
        match qdisc::Attachment::attach(u.link.dev(), rtnl) {
            Ok(a) => Ok(a),
            Err(e) => fail(e, c_str!("vswitch: cannot attach the vswitch qdisc to the uplink (weights need a queueing uplink)")),
        }
    }

    pub(crate) fn port(&self, name: &str) -> Option<&PortCtl> {
        self.ports.iter().find(|p| p.name == *name)
    }

    /// The switch's name for port `id` (the uplink by its device name).
    pub(crate) fn port_name<'a>(&'a self, rtnl: Held<'a>, id: u32) -> Option<&'a str> {
        if id == UPLINK_ID {
            return self.uplink.as_ref().map(|u| u.link.dev().name(rtnl));
        }
        if let Some(p) = self.vf_ports.iter().find(|p| p.id == id) {
            return Some(p.name.as_str());
        }
        self.ports.iter().find(|p| p.id == id).map(|p| p.name.as_str())
    }

    /// Takes the switch apart (cannot fail): VF ports, VMQ, qdisc, uplink, ports, ager.
    pub(super) fn teardown(&mut self, rtnl: Held<'_>, sriov_off: &mut KVec<ARef<PciDev>>) {
        self.unhook_uplink(rtnl);
        // Nobody forwards any more once the empty table is published.
        self.core.publish(None);
        let (old, old_q) = (self.uplink.take(), self.qdisc.take());
        self.release_uplink(old, old_q, sriov_off);
        self.core.stop_ager();
        while let Some(p) = vec_pop(&mut self.ports) {
            p.release(rtnl);
        }
        self.core.fdb.retain(|_, _| false);
    }

    /// Settles the switch after devices changed under it (a notifier event): an uplink that
    /// left (unregistered, or moved to another namespace) is detached, ports whose netdev is
    /// being unregistered (or an attached device that moved away) are removed, and VMQ
    /// follows MAC changes. Reports what it did.
    pub(crate) fn settle(
        &mut self,
        rtnl: Held<'_>,
        net: Net<'_>,
        leaving: Option<&NetDevice>,
        sriov_off: &mut KVec<ARef<PciDev>>,
        mut removed: impl FnMut(&Name),
    ) -> bool {
        let mut uplink_gone = false;
        if let Some(u) = &self.uplink {
            let d = u.link.dev();
            if !d.registered(rtnl) || d.net().key() != net.key() || leaving.is_some_and(|l| l.same(d)) {
                uplink_gone = true;
            }
        }
        if uplink_gone {
            // The PF is going: so are its VFs. A table without the uplink is published (or,
            // without memory for one, none: the switch must not keep the device).
            self.sriov_owned = None;
            self.swap_uplink(rtnl, None, None, None, sriov_off);
        }
        let mut any = false;
        let mut i = 0;
        while i < self.ports.len() {
            if !self.ports[i].dev.left(rtnl, net, leaving) {
                i += 1;
                continue;
            }
            if let Some(p) = vec_remove(&mut self.ports, i) {
                removed(&p.name);
                self.core.fdb.flush_port(p.id);
                self.ids.free(p.id);
                any = true;
                // Frames may still reach the device through the old table until the new one
                // is published: harmless, the table holds a reference to it.
                p.release(rtnl);
            }
        }
        if any || self.stale {
            self.republish();
        }
        self.vmq_sync(rtnl);
        uplink_gone
    }
}

impl Switches {
    pub(crate) fn switch_add(&mut self, rtnl: Held<'_>, net: Net<'_>, name: &str, cfg: &SwitchCfg<'_>) -> CfgResult {
        let n = name_of(name, c_str!("vswitch: switch name must be 1-15 printable characters, no '/', ':', '%' or spaces"))?;
        if self.switch(name).is_some() {
            return fail(EEXIST, c_str!("vswitch: a switch with this name exists"));
        }
        let mut vmq = Vmq::new();
        if !cfg.vmq.is_empty() {
            vmq.settings = vmq.settings.merged(&cfg.vmq).map_err(|m| Fail(EINVAL, m))?;
        }
        if let Some(u) = cfg.uplink {
            self.check_uplink(rtnl, net, u)?;
        }
        let core = SwitchCore::new(
            cfg.fdb_max.unwrap_or(uapi::DEFAULT_FDB_MAX),
            cfg.ageing.unwrap_or(uapi::DEFAULT_AGEING),
            GFP_REQ,
        )?;
        if let Some(m) = cfg.group_fwd_mask {
            core.group_fwd.store(m.into(), Ordering::Relaxed);
        }
        let core = Arc::new(core, GFP_REQ)?;
        let mut sw = SwitchCtl {
            name: n,
            core,
            uplink: None,
            ports: KVec::new(),
            vmq,
            vf_ports: KVec::new(),
            sriov_owned: None,
            qdisc: None,
            ids: Ids::new(),
            stale: false,
        };
        // Fallible steps. On failure `sw` is dropped: what it holds so far (the uplink's
        // rx_handler) undoes itself, and nothing was published.
        if let Some(u) = cfg.uplink {
            sw.uplink = Some(UplinkCtl::attach(rtnl, net, &sw.core, u)?);
        }
        let t = sw.table()?;
        self.list.reserve(1, GFP_REQ)?;
        // Commit.
        sw.commit(t);
        sw.vmq_sync(rtnl);
        let _ = self.list.push(sw, GFP_REQ);
        Ok(())
    }

    pub(crate) fn switch_set(&mut self, rtnl: Held<'_>, net: Net<'_>, name: &str, cfg: &SwitchCfg<'_>) -> CfgResult {
        let i = self.switch_idx(name)?;
        let vmq_new = if cfg.vmq.is_empty() {
            None
        } else {
            Some(self.list[i].vmq.settings.merged(&cfg.vmq).map_err(|m| Fail(EINVAL, m))?)
        };
        // A new uplink is attached before the old one is let go.
        let change = match cfg.uplink {
            Some(u) if !self.list[i].uplink.as_ref().is_some_and(|x| x.link.dev().name(rtnl) == u) => {
                self.check_uplink(rtnl, net, u)?;
                Some(Some(UplinkCtl::attach(rtnl, net, &self.list[i].core, u)?))
            }
            Some(_) => None,
            None if cfg.no_uplink && self.list[i].uplink.is_some() => Some(None),
            None => None,
        };
        let sw = &mut self.list[i];
        let prepared = match &change {
            Some(new) => {
                let t = sw.table_with(new.as_ref(), None, None)?;
                let q = sw.qdisc_for(rtnl, new.as_ref(), false)?;
                Some((t, q))
            }
            None => None,
        };
        if let Some(m) = cfg.fdb_max {
            // Resizing allocates the new table first; nothing else changed yet (the new
            // uplink, if any, is detached again when `change` drops).
            sw.core.fdb.set_max(m, GFP_REQ).map_err(|e| {
                if e == ENOSPC {
                    Fail(e, c_str!("vswitch: fdb-max is below the number of static entries"))
                } else {
                    Fail(ENOMEM, c_str!("vswitch: out of memory for an FDB of this size"))
                }
            })?;
        }
        // Commit.
        if let (Some(new), Some((t, q))) = (change, prepared) {
            sw.swap_uplink(rtnl, new, Some(t), q, &mut self.sriov_off);
        }
        let sw = &mut self.list[i];
        if let Some(a) = cfg.ageing {
            sw.core.set_ageing(a);
        }
        if let Some(m) = cfg.group_fwd_mask {
            sw.core.group_fwd.store(m.into(), Ordering::Relaxed);
        }
        match vmq_new {
            Some(v) => {
                if let Ok(ports) = sw.vmq_ports() {
                    let dev = sw.uplink.as_ref().map(|u| u.link.dev());
                    sw.vmq.set(rtnl, dev, &ports, v);
                    sw.core.vmq_timing.store(sw.vmq.samples_vports(), Ordering::Relaxed);
                }
                crate::vmq::balancer::kick(&sw.vmq);
            }
            None => sw.vmq_sync(rtnl),
        }
        Ok(())
    }

    /// Names of the ports of switch `name` (for events after it is deleted).
    pub(crate) fn port_names(&self, name: &str) -> KVec<Name> {
        let mut v = KVec::new();
        if let Some(sw) = self.switch(name) {
            for p in sw.ports.iter() {
                if v.push(p.name, GFP_REQ).is_err() {
                    break;
                }
            }
        }
        v
    }

    pub(crate) fn switch_del(&mut self, rtnl: Held<'_>, name: &str, force: bool) -> CfgResult {
        let i = self.switch_idx(name)?;
        if (!self.list[i].ports.is_empty() || !self.list[i].vf_ports.is_empty()) && !force {
            return fail(EBUSY, c_str!("vswitch: switch still has ports (delete them or use switch del -f)"));
        }
        if let Some(mut sw) = vec_remove(&mut self.list, i) {
            sw.teardown(rtnl, &mut self.sriov_off);
        }
        Ok(())
    }

    /// Deletes every switch (the namespace goes, or the module).
    pub(crate) fn clear(&mut self, rtnl: Held<'_>) {
        while let Some(mut sw) = vec_pop(&mut self.list) {
            sw.teardown(rtnl, &mut self.sriov_off);
        }
        self.list = KVec::new();
    }
}
