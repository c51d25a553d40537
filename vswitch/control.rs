// SPDX-License-Identifier: GPL-2.0
//! Switches and ports as configured (under RTNL): the objects behind `vswctl`, and each
//! change to them as a transaction.
//!
//! Every operation first does the steps that can fail (allocations, registrations, device
//! changes), each owned by a value whose `Drop` undoes it (a vPort netdev, an uplink's
//! rx_handler, the uplink qdisc) or undone explicitly, and only then commits with steps that
//! cannot fail (pointer swaps, stores, pushes into reserved room). So a command that fails at
//! any step leaves no trace, and the caller sends its event only after success.
//!
//! The objects of one network namespace are a [`Switches`]; `registry.rs` keeps one per
//! namespace.

use crate::fdbtable::StaticError;
use crate::irq_remap::{self, VfCfg};
use crate::mac::Mac;
use crate::name::Name;
use crate::portpolicy::{AclCfg, PortPolicy};
use crate::switch::{PortCore, PortTable, Slot, Stats, SwitchCore, UplinkRx, UPLINK_ID};
use crate::errno::eopnotsupp;
use crate::net::{dev_by_name, Net, NetDevice, Uplink, Vport};
use crate::pci::PciDev;
use crate::net::qdisc;
use crate::sync::rcu::RcuBox;
use crate::sync::rtnl::Held;
use crate::kvec::{vec_pop, vec_remove, vec_retain};
use crate::uapi;
use crate::vlan::VlanMode;
use crate::vmq::{self, PortInfo, Vmq};
use core::sync::atomic::{AtomicU32, Ordering};
use kernel::alloc::{flags::GFP_KERNEL_ACCOUNT, Flags, KBox, KVec};
use kernel::sync::Arc;
use kernel::{c_str, prelude::*};

/// Allocation flags for what a request creates: charged to the requester's memory cgroup.
pub(crate) const GFP_REQ: Flags = GFP_KERNEL_ACCOUNT;

/// Errors with a user-facing message (sent as netlink extack).
pub(crate) struct Fail(pub(crate) Error, pub(crate) &'static CStr);

pub(crate) type CfgResult<T = ()> = core::result::Result<T, Fail>;

pub(crate) fn fail<T>(e: Error, m: &'static CStr) -> CfgResult<T> {
    Err(Fail(e, m))
}

impl From<kernel::alloc::AllocError> for Fail {
    fn from(_: kernel::alloc::AllocError) -> Self {
        Fail(ENOMEM, c_str!("vswitch: out of memory"))
    }
}

impl From<Error> for Fail {
    fn from(e: Error) -> Self {
        if e == ENOMEM {
            return Fail(e, c_str!("vswitch: out of memory"));
        }
        Fail(e, c_str!("vswitch: operation failed"))
    }
}

/// A name given in a request, checked.
pub(crate) fn name_of(s: &str, what: &'static CStr) -> CfgResult<Name> {
    Name::new(s).map_err(|_| Fail(EINVAL, what))
}

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

/// Settings of `port add` / `port set`.
#[derive(Default)]
pub(crate) struct PortCfg {
    pub(crate) mac: Option<[u8; 6]>,
    pub(crate) mtu: Option<u32>,
    pub(crate) vlan: Option<VlanMode>,
    /// VF index: a VF-backed port.
    pub(crate) vf: Option<u32>,
    /// Rate limits: bits/s (0 removes), and the bucket size.
    pub(crate) rate_in: Option<u64>,
    pub(crate) rate_out: Option<u64>,
    pub(crate) burst: Option<u32>,
    /// Bandwidth weight on the uplink, 1..=100.
    pub(crate) weight: Option<u32>,
    /// Port protections: `(guard::* flag bit, on)` pairs to change.
    pub(crate) guards: KVec<(u32, bool)>,
    /// Static IP source guard bindings (replace the current ones).
    pub(crate) ip_allow: Option<KVec<crate::frame::Ip>>,
    /// Most learned FDB entries (0: no limit).
    pub(crate) mac_max: Option<u32>,
    /// Most flooded frames per second (0: no limit).
    pub(crate) storm_limit: Option<u32>,
}

impl PortCfg {
    /// Whether it sets anything a VF port cannot have (VF traffic does not cross the switch;
    /// its MAC spoof checking is the VF's own, through the PF).
    pub(crate) fn has_switch_only_guards(&self) -> bool {
        self.guards.iter().any(|(b, _)| *b != crate::guard::MAC_SPOOF_OK)
            || self.ip_allow.is_some()
            || self.mac_max.is_some()
            || self.storm_limit.is_some()
    }

    /// Applies the guard settings that cannot fail to `g` (the static bindings are applied
    /// by the caller, which can fail).
    pub(crate) fn apply_guards(&self, g: &crate::portguard::PortGuard) {
        for (bit, on) in self.guards.iter() {
            g.set_flag(*bit, *on);
        }
        if let Some(m) = self.mac_max {
            g.mac_max.store(m, Ordering::Relaxed);
        }
        if let Some(pps) = self.storm_limit {
            g.set_storm(pps);
        }
    }
}

/// Port ids of one switch: the uplink is 0, ports get the lowest free id from 1 (the port
/// table is indexed by id). A freed id is given out again only after an RCU grace period, so
/// a frame still being switched with the old port's id cannot teach the FDB an entry that
/// would then point at the new port.
pub(crate) struct Ids {
    /// Ids in use (not sorted).
    used: KVec<u32>,
    /// Freed ids with the grace-period cookie of their release.
    freed: KVec<(u32, crate::sync::rcu::GpCookie)>,
}

impl Ids {
    fn new() -> Self {
        Ids { used: KVec::new(), freed: KVec::new() }
    }

    /// Takes an id (room for it is reserved here, so `commit` cannot fail).
    pub(crate) fn alloc(&mut self) -> CfgResult<u32> {
        self.used.reserve(1, GFP_REQ)?;
        let mut id = 1;
        while self.used.contains(&id) || self.freed.iter().any(|(f, c)| *f == id && !c.passed()) {
            id += 1;
        }
        if id as usize >= crate::fdbtable::MAX_PORT_IDS {
            return fail(ENOSPC, c_str!("vswitch: too many ports on this switch (4095)"));
        }
        let _ = self.used.push(id, GFP_REQ);
        if let Some(i) = self.freed.iter().position(|(f, _)| *f == id) {
            let _ = vec_remove(&mut self.freed, i);
        }
        Ok(id)
    }

    /// Gives `id` back (it is reused after a grace period).
    pub(crate) fn free(&mut self, id: u32) {
        if let Some(i) = self.used.iter().position(|u| *u == id) {
            let _ = vec_remove(&mut self.used, i);
        }
        // Without room to remember it, the id is simply not reused.
        // Ids whose grace period passed are as good as never used: forget them.
        vec_retain(&mut self.freed, |(_, c)| !c.passed());
        let _ = self.freed.push((id, crate::sync::rcu::GpCookie::now()), GFP_REQ);
    }
}

/// Configuration of a vPort.
pub(crate) struct PortCtl {
    pub(crate) id: u32,
    /// The port's name in the switch (kept when the netdev is renamed or moved).
    pub(crate) name: Name,
    pub(crate) vport: Vport<PortCore>,
    pub(crate) stats: Arc<Stats>,
    pub(crate) vlan: VlanMode,
    /// Steering CPU (VMQ software backend).
    pub(crate) steer: Arc<AtomicU32>,
    /// ACLs and rate limits (shared with the fast path).
    pub(crate) policy: Arc<PortPolicy>,
    /// ACL configuration.
    pub(crate) acl: AclCfg,
}

impl PortCtl {
    pub(crate) fn slot(&self) -> Slot {
        Slot {
            id: self.id,
            dev: self.vport.handle(),
            vlan: self.vlan.clone(),
            stats: self.stats.clone(),
            is_uplink: false,
            steer: Some(self.steer.clone()),
            policy: Some(self.policy.clone()),
        }
    }
}

/// A VF-backed vPort: VF `index` of the uplink (the PF), programmed through the PF.
pub(crate) struct VfPort {
    pub(crate) id: u32,
    pub(crate) name: Name,
    pub(crate) index: u32,
    pub(crate) pci: PciDev,
    pub(crate) cfg: VfCfg,
    pub(crate) steer: Arc<AtomicU32>,
    pub(crate) stats: Arc<Stats>,
}

/// Configuration of an uplink; dropping it detaches the device.
pub(crate) struct UplinkCtl {
    pub(crate) link: Uplink<UplinkRx>,
    pub(crate) stats: Arc<Stats>,
}

impl UplinkCtl {
    /// Attaches device `name` of `net` to `core` (fallible; dropping the result detaches).
    fn attach(rtnl: Held<'_>, net: Net<'_>, core: &Arc<SwitchCore>, name: &str) -> CfgResult<Self> {
        let stats = Arc::new(Stats::new()?, GFP_REQ)?;
        let rx = Arc::new(UplinkRx { switch: core.clone(), stats: stats.clone() }, GFP_REQ)?;
        let Ok(dev) = dev_by_name(rtnl, net, name) else {
            return fail(ENODEV, c_str!("vswitch: uplink device not found"));
        };
        match Uplink::attach(rtnl, dev, rx) {
            Ok(link) => Ok(UplinkCtl { link, stats }),
            Err(e) if e == EBUSY => fail(EBUSY, c_str!("vswitch: device already has an rx handler (bridge or bond port?)")),
            Err(e) => fail(e, c_str!("vswitch: cannot attach uplink (not an Ethernet device?)")),
        }
    }

    pub(crate) fn slot(&self) -> Slot {
        Slot {
            id: UPLINK_ID,
            dev: self.link.handle(),
            vlan: VlanMode::uplink_default(),
            stats: self.stats.clone(),
            is_uplink: true,
            steer: None,
            policy: None,
        }
    }
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
    pub(crate) sriov_owned: Option<PciDev>,
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
    fn republish(&mut self) {
        match self.table() {
            Ok(t) => self.commit(t),
            Err(_) => {
                self.core.publish(None);
                self.stale = true;
            }
        }
    }

    /// What VMQ needs of the vPorts, in the order they were added.
    fn vmq_ports(&self) -> Result<KVec<PortInfo>> {
        let mut v = KVec::with_capacity(self.ports.len() + self.vf_ports.len(), GFP_REQ)?;
        for p in self.ports.iter() {
            // Frames of an access port travel the uplink tagged with its PVID, except the
            // uplink's native VLAN 1 (untagged); a trunk port's in any VLAN.
            let vid = match &p.vlan {
                VlanMode::Access { pvid } if *pvid != 1 => Some(*pvid),
                _ => None,
            };
            v.push(
                PortInfo { id: p.id, mac: p.vport.dev().addr(), vid, steer: p.steer.clone(), stats: p.stats.clone(), vf: None },
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
        crate::registry::balancer_kick(&self.vmq);
    }

    fn wants_qdisc(&self, extra_weight: bool) -> bool {
        extra_weight || self.ports.iter().any(|p| p.policy.weight.load(Ordering::Relaxed) != 0)
    }

    /// The `vswitch` qdisc on `uplink` if weights need it and this switch has none there yet
    /// (fallible; dropping the result detaches it again).
    pub(crate) fn qdisc_for(&self, rtnl: Held<'_>, uplink: Option<&UplinkCtl>, extra_weight: bool) -> CfgResult<Option<qdisc::Attachment>> {
        let Some(u) = uplink else { return Ok(None) };
        if !self.wants_qdisc(extra_weight) {
            return Ok(None);
        }
        match qdisc::Attachment::attach(&u.link.dev(), rtnl) {
            Ok(a) => Ok(a),
            Err(e) => fail(e, c_str!("vswitch: cannot attach the vswitch qdisc to the uplink (weights need a queueing uplink)")),
        }
    }

    /// Resets and forgets the VF ports (their PF is going).
    fn drop_vf_ports(&mut self, rtnl: Held<'_>) {
        let vfs = core::mem::replace(&mut self.vf_ports, KVec::new());
        if let Some(u) = &self.uplink {
            for p in vfs.iter() {
                irq_remap::reset(rtnl, &u.link.dev(), p.index);
            }
        }
        for p in vfs.iter() {
            self.ids.free(p.id);
        }
    }

    /// The uplink's PCI device, if it is an SR-IOV PF.
    pub(crate) fn pf(&self) -> Option<PciDev> {
        let u = self.uplink.as_ref()?;
        PciDev::of_netdev(&u.link.dev()).filter(|p| p.total_vfs() > 0)
    }

    pub(crate) fn vf_port_by_id(&self, id: u32) -> Option<&VfPort> {
        self.vf_ports.iter().find(|p| p.id == id)
    }

    /// Before the uplink changes: VF ports (of its PF) go, and VMQ filters and steering are
    /// removed while the device is still ours.
    fn unhook_uplink(&mut self, rtnl: Held<'_>) {
        self.drop_vf_ports(rtnl);
        if let Some(u) = &self.uplink {
            self.vmq.clear(rtnl, Some(&u.link.dev()));
        }
        self.core.vmq_timing.store(false, Ordering::Relaxed);
    }

    /// After a table without `old` is published: lets it (and its qdisc) go; VFs this switch
    /// enabled on it go to `sriov_off`.
    fn release_uplink(&mut self, old: Option<UplinkCtl>, old_q: Option<qdisc::Attachment>, sriov_off: &mut KVec<PciDev>) {
        drop(old_q);
        drop(old);
        self.core.fdb.flush_port(UPLINK_ID);
        if let Some(pf) = self.sriov_owned.take() {
            // Without room to remember it, the VFs stay enabled (as after a failed disable).
            let _ = sriov_off.push(pf, GFP_REQ);
        }
    }

    /// Replaces the uplink by `new` with the table `t` and qdisc `q` prepared for it (cannot
    /// fail; `t` None: build one, or publish none without memory): the new table is
    /// published before the old uplink is let go.
    fn swap_uplink(
        &mut self,
        rtnl: Held<'_>,
        new: Option<UplinkCtl>,
        t: Option<KBox<RcuBox<PortTable>>>,
        q: Option<qdisc::Attachment>,
        sriov_off: &mut KVec<PciDev>,
    ) {
        self.unhook_uplink(rtnl);
        let old_q = core::mem::replace(&mut self.qdisc, q);
        let old = core::mem::replace(&mut self.uplink, new);
        match t {
            Some(t) => self.commit(t),
            None => self.republish(),
        }
        self.release_uplink(old, old_q, sriov_off);
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
    fn teardown(&mut self, rtnl: Held<'_>, sriov_off: &mut KVec<PciDev>) {
        self.unhook_uplink(rtnl);
        // Nobody forwards any more once the empty table is published.
        self.core.publish(None);
        let (old, old_q) = (self.uplink.take(), self.qdisc.take());
        self.release_uplink(old, old_q, sriov_off);
        self.core.stop_ager();
        while let Some(p) = vec_pop(&mut self.ports) {
            p.vport.unregister(rtnl);
        }
        self.core.fdb.retain(|_, _| false);
    }

    /// Settles the switch after devices changed under it (a notifier event): an uplink that
    /// left (unregistered, or moved to another namespace) is detached, ports whose netdev is
    /// being unregistered are removed, and VMQ follows MAC changes. Reports what it did.
    pub(crate) fn settle(&mut self, rtnl: Held<'_>, net: Net<'_>, sriov_off: &mut KVec<PciDev>, mut removed: impl FnMut(&Name)) -> bool {
        let mut uplink_gone = false;
        if let Some(u) = &self.uplink {
            let d = u.link.dev();
            if !d.registered(rtnl) || d.net().key() != net.key() {
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
            if self.ports[i].vport.dev().registered(rtnl) {
                i += 1;
                continue;
            }
            if let Some(p) = vec_remove(&mut self.ports, i) {
                removed(&p.name);
                self.core.fdb.flush_port(p.id);
                self.ids.free(p.id);
                any = true;
            }
        }
        if any || self.stale {
            self.republish();
        }
        self.vmq_sync(rtnl);
        uplink_gone
    }
}

/// The switches of one network namespace.
pub(crate) struct Switches {
    pub(crate) list: KVec<SwitchCtl>,
    /// PFs whose VFs a switch enabled and no longer owns: disabled once RTNL is released (PF
    /// drivers take RTNL while changing VFs).
    pub(crate) sriov_off: KVec<PciDev>,
}

impl Switches {
    pub(crate) fn new() -> Self {
        Switches { list: KVec::new(), sriov_off: KVec::new() }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    pub(crate) fn switch(&self, name: &str) -> Option<&SwitchCtl> {
        self.list.iter().find(|s| s.name == *name)
    }

    pub(crate) fn switch_idx(&self, name: &str) -> CfgResult<usize> {
        match self.list.iter().position(|s| s.name == *name) {
            Some(i) => Ok(i),
            None => fail(ENOENT, c_str!("vswitch: no such switch")),
        }
    }

    /// (switch index, port index) of vPort `name`.
    pub(crate) fn port_idx(&self, name: &str) -> CfgResult<(usize, usize)> {
        for (i, s) in self.list.iter().enumerate() {
            if let Some(j) = s.ports.iter().position(|p| p.name == *name) {
                return Ok((i, j));
            }
        }
        fail(ENOENT, c_str!("vswitch: no such port"))
    }

    /// (switch index, VF port index) of VF port `name`.
    pub(crate) fn vf_port_idx(&self, name: &str) -> CfgResult<(usize, usize)> {
        for (i, s) in self.list.iter().enumerate() {
            if let Some(j) = s.vf_ports.iter().position(|p| p.name == *name) {
                return Ok((i, j));
            }
        }
        fail(ENOENT, c_str!("vswitch: no such port"))
    }

    pub(crate) fn find_port(&self, name: &str) -> Option<(&SwitchCtl, &PortCtl)> {
        let (i, j) = self.port_idx(name).ok()?;
        Some((&self.list[i], &self.list[i].ports[j]))
    }

    pub(crate) fn find_vf_port(&self, name: &str) -> Option<(&SwitchCtl, &VfPort)> {
        let (i, j) = self.vf_port_idx(name).ok()?;
        Some((&self.list[i], &self.list[i].vf_ports[j]))
    }

    /// vPort `name` for changing its ACLs.
    pub(crate) fn port_mut(&mut self, name: &str) -> CfgResult<&mut PortCtl> {
        if self.vf_port_idx(name).is_ok() {
            return fail(eopnotsupp(), c_str!("vswitch: ACLs on VF ports are not supported (their traffic does not cross the switch)"));
        }
        let (i, j) = self.port_idx(name)?;
        Ok(&mut self.list[i].ports[j])
    }

    /// Whether `dev` is in use by a switch of this namespace as its uplink.
    fn is_uplink(&self, dev: &NetDevice) -> bool {
        self.list.iter().any(|s| s.uplink.as_ref().is_some_and(|u| u.link.dev().same(dev)))
    }

    fn check_uplink(&self, rtnl: Held<'_>, net: Net<'_>, name: &str) -> CfgResult {
        let Ok(dev) = dev_by_name(rtnl, net, name) else {
            return fail(ENODEV, c_str!("vswitch: uplink device not found"));
        };
        if crate::net::is_vport(dev) {
            return fail(EINVAL, c_str!("vswitch: a vPort cannot be an uplink"));
        }
        if self.is_uplink(&dev) {
            return fail(EBUSY, c_str!("vswitch: device is already the uplink of a switch"));
        }
        Ok(())
    }

    // ---- switches ----

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
                crate::registry::balancer_kick(&sw.vmq);
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

    /// Which port of switch `sw` `port` names: a vPort by its name, the uplink by its device
    /// name.
    fn port_id(rtnl: Held<'_>, sw: &SwitchCtl, port: &str) -> CfgResult<u32> {
        if let Some(p) = sw.port(port) {
            Ok(p.id)
        } else if sw.uplink.as_ref().is_some_and(|u| u.link.dev().name(rtnl) == port) {
            Ok(UPLINK_ID)
        } else {
            fail(ENOENT, c_str!("vswitch: no such port on this switch"))
        }
    }

    // ---- FDB ----

    pub(crate) fn fdb_add(&mut self, rtnl: Held<'_>, switch: &str, mac: Mac, vid: u16, port: &str) -> CfgResult {
        let sw = &self.list[self.switch_idx(switch)?];
        let id = Self::port_id(rtnl, sw, port)?;
        if !mac.is_valid_unicast() {
            return fail(EINVAL, c_str!("vswitch: static entries need a unicast MAC address"));
        }
        match sw.core.fdb.add_static(&mac, vid, id, GFP_REQ) {
            Ok(()) => Ok(()),
            Err(StaticError::Full) => fail(ENOSPC, c_str!("vswitch: the FDB is full (fdb-max counts static entries too)")),
            Err(StaticError::NoMem) => fail(ENOMEM, c_str!("vswitch: out of memory")),
        }
    }

    pub(crate) fn fdb_del(&mut self, switch: &str, mac: Mac, vid: u16) -> CfgResult {
        let sw = &self.list[self.switch_idx(switch)?];
        if sw.core.fdb.retain(|k, _| *k != (mac, vid)) == 0 {
            return fail(ENOENT, c_str!("vswitch: no such FDB entry"));
        }
        Ok(())
    }

    /// Removes dynamic entries (and static ones with `statics`), optionally only those of
    /// `port` and/or `vid`. Returns how many.
    pub(crate) fn fdb_flush(&mut self, rtnl: Held<'_>, switch: &str, port: Option<&str>, vid: Option<u16>, statics: bool) -> CfgResult<usize> {
        let sw = &self.list[self.switch_idx(switch)?];
        let id = port.map(|p| Self::port_id(rtnl, sw, p)).transpose()?;
        Ok(sw.core.fdb.retain(|k, e| {
            let hit = (statics || !e.is_static) && id.is_none_or(|i| e.port == i) && vid.is_none_or(|v| k.1 == v);
            !hit
        }))
    }

    // ---- SR-IOV ----

    /// Checks a `switch set SW sriov N` before RTNL is dropped to apply it; returns the PF.
    pub(crate) fn sriov_check(&self, name: &str, n: u32) -> CfgResult<PciDev> {
        let sw = &self.list[self.switch_idx(name)?];
        let Some(u) = &sw.uplink else { return fail(EINVAL, c_str!("vswitch: sriov needs an uplink")) };
        let Some(pf) = PciDev::of_netdev(&u.link.dev()) else {
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
    pub(crate) fn sriov_done(&mut self, name: &str, pf: &PciDev, n: u32) {
        if let Ok(i) = self.switch_idx(name) {
            let sw = &mut self.list[i];
            if sw.pf().is_some_and(|p| p.same(pf)) {
                sw.sriov_owned = (n > 0).then(|| pf.clone());
            }
        }
    }
}
