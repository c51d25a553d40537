// SPDX-License-Identifier: GPL-2.0
//! vPorts: their settings, ids, and adding, changing and deleting them as transactions.

use super::*;
use crate::kvec::vec_remove;
use crate::kvec::vec_retain;
use crate::mac::Mac;
use crate::name::Name;
use crate::net::{dev_by_name, Net, Vport};
use crate::pci::random_mac;
use crate::portpolicy::{AclCfg, PortPolicy};
use crate::portpolicy;
use crate::stats::Stats;
use crate::switch::{PortCore, PortRx};
use crate::switch::Slot;
use crate::sync::rtnl::Held;
use crate::vlan::VlanMode;
use crate::vmq::NO_CPU;
use core::sync::atomic::{AtomicU32, Ordering};
use kernel::alloc::KVec;
use kernel::sync::Arc;
use kernel::{c_str, prelude::*};

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
    /// An existing device to attach as the port (`dev IFNAME`) instead of a new vPort.
    pub(crate) dev: Option<Name>,
    /// Administrative link (`link up|down`).
    pub(crate) link: Option<bool>,
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
    pub(super) fn new() -> Self {
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

/// Configuration of a port (a vPort, or a device attached with `dev IFNAME`).
pub(crate) struct PortCtl {
    pub(crate) id: u32,
    /// The port's name in the switch (kept when the netdev is renamed or moved).
    pub(crate) name: Name,
    pub(crate) dev: PortDev,
    /// The device's carrier as last announced (a dev port's changes are events).
    pub(crate) carrier: bool,
    /// The port took its tap's carrier down (`link down`) and gives it back.
    pub(crate) carrier_taken: bool,
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
    /// The port's MAC: a vPort's device address; for an attached device the one given at
    /// `port add` (the VM's NIC behind the tap, not the tap's own address).
    pub(crate) fn mac(&self) -> [u8; 6] {
        match &self.dev {
            PortDev::Vport(v) => v.dev().addr(),
            PortDev::Attached(_) => self.policy.guard.mac().0,
        }
    }

    /// Whether the port's link setting is up.
    pub(crate) fn link_up(&self) -> bool {
        self.policy.link.load(Ordering::Relaxed)
    }

    /// Lets the port's device go (unregistered or detached).
    pub(crate) fn release(self, rtnl: Held<'_>) {
        self.dev.release(rtnl, self.carrier_taken);
    }

    pub(crate) fn slot(&self) -> Slot {
        Slot {
            id: self.id,
            dev: self.dev.handle(),
            vlan: self.vlan.clone(),
            stats: self.stats.clone(),
            is_uplink: false,
            xmit: self.dev.attached(),
            steer: Some(self.steer.clone()),
            policy: Some(self.policy.clone()),
        }
    }
}

impl Switches {
    pub(super) fn name_taken(&self, name: &str) -> bool {
        self.port_idx(name).is_ok() || self.vf_port_idx(name).is_ok()
    }

    /// Whether device `ifname` is attached as a port of a switch of this namespace (the
    /// rx_handler's EBUSY would refuse it too; this says why).
    fn is_dev_port(&self, ifname: &str, rtnl: Held<'_>) -> bool {
        self.list.iter().any(|s| s.ports.iter().any(|p| p.dev.attached() && p.dev.dev().name(rtnl) == ifname))
    }

    pub(crate) fn port_add(&mut self, rtnl: Held<'_>, net: Net<'_>, name: &str, switch: &str, cfg: PortCfg) -> CfgResult {
        let n = name_of(name, c_str!("vswitch: port name must be 1-15 printable characters, no '/', ':', '%' or spaces"))?;
        if self.name_taken(name) {
            return fail(EEXIST, c_str!("vswitch: a port with this name exists"));
        }
        let i = self.switch_idx(switch)?;
        if let Some(index) = cfg.vf {
            if cfg.dev.is_some() {
                return fail(EINVAL, c_str!("vswitch: a port is either a VF (vf) or a device (dev), not both"));
            }
            if cfg.link.is_some() {
                return fail(eopnotsupp(), c_str!("vswitch: link on VF ports is not supported (the VF's link is its driver's)"));
            }
            return self.vf_port_add(rtnl, i, n, index, cfg);
        }
        if let Some(d) = &cfg.dev {
            if cfg.mtu.is_some() {
                return fail(EINVAL, c_str!("vswitch: a dev port's MTU is its device's own (ip link set DEV mtu N)"));
            }
            if cfg.mac.is_none() {
                return fail(EINVAL, c_str!("vswitch: a dev port needs the MAC of the NIC behind the device (mac ADDR: the VM's NIC)"));
            }
            if self.is_dev_port(d.as_str(), rtnl) {
                return fail(EBUSY, c_str!("vswitch: dev: device is already a port"));
            }
            if let Ok(dev) = dev_by_name(rtnl, net, d.as_str()) {
                self.list[i].check_loop(rtnl, dev)?;
            }
        } else if dev_by_name(rtnl, net, name).is_ok() {
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
        let link = cfg.link.unwrap_or(true);
        policy.link.store(link, Ordering::Relaxed);
        let vlan = cfg.vlan.clone().unwrap_or_else(VlanMode::default_access);
        let steer = Arc::new(AtomicU32::new(NO_CPU), GFP_REQ)?;
        let acl = AclCfg::new()?;
        let stats = Arc::new(Stats::new()?, GFP_REQ)?;
        let sw = &mut self.list[i];
        let id = sw.ids.alloc()?;
        let r = (|| {
            let dev = match &cfg.dev {
                Some(d) => {
                    let rx = PortRx { id, switch: sw.core.clone(), stats: stats.clone(), policy: policy.clone() };
                    PortDev::attach(rtnl, net, d.as_str(), Arc::new(rx, GFP_REQ)?)?
                }
                None => {
                    let core = PortCore { id, switch: sw.core.clone(), stats: stats.clone(), policy: policy.clone(), name: n, switch_name: sw.name };
                    match Vport::register(rtnl, net, name, Some(mac), cfg.mtu, Arc::new(core, GFP_REQ)?) {
                        Ok(v) => PortDev::Vport(v),
                        Err(e) => return fail(e, c_str!("vswitch: cannot register the port device (bad name, MAC or MTU?)")),
                    }
                }
            };
            let mut p = PortCtl { id, name: n, dev, carrier: false, carrier_taken: false, stats, vlan, steer, policy, acl };
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
            if !link {
                p.dev.apply_link(rtnl, false, &mut p.carrier_taken);
            }
            // Announced with the port: only later changes are events.
            p.carrier = p.dev.dev().carrier();
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

    pub(crate) fn port_set(&mut self, rtnl: Held<'_>, name: &str, cfg: PortCfg) -> CfgResult {
        if let Ok((i, j)) = self.vf_port_idx(name) {
            if cfg.link.is_some() {
                return fail(eopnotsupp(), c_str!("vswitch: link on VF ports is not supported (the VF's link is its driver's)"));
            }
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
        // Device changes, each undone if a later one fails. An attached device's MAC and
        // MTU are its own: `mac` names the NIC behind it (the guard's and VMQ's MAC).
        let p = &sw.ports[j];
        if let (Some(_), PortDev::Attached(_)) = (cfg.mtu, &p.dev) {
            return fail(EINVAL, c_str!("vswitch: a dev port's MTU is its device's own (ip link set DEV mtu N)"));
        }
        let vport = p.dev.vport();
        let old_mtu = p.dev.dev().mtu();
        let old_mac = p.dev.dev().addr();
        let undo = |mtu: bool, mac: bool| {
            let Some(v) = vport else { return };
            if mac {
                let _ = v.set_mac(rtnl, old_mac);
            }
            if mtu {
                let _ = v.set_mtu(rtnl, old_mtu);
            }
        };
        if let (Some(m), Some(v)) = (cfg.mtu, vport) {
            if v.set_mtu(rtnl, m).is_err() {
                return fail(EINVAL, c_str!("vswitch: MTU out of range (68..65535)"));
            }
        }
        if let (Some(a), Some(v)) = (cfg.mac, vport) {
            if let Err(e) = v.set_mac(rtnl, a) {
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
        if let Some(up) = cfg.link {
            let p = &mut sw.ports[j];
            if p.policy.link.swap(up, Ordering::Relaxed) != up {
                p.dev.apply_link(rtnl, up, &mut p.carrier_taken);
            }
        }
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
        p.release(rtnl);
        Ok(())
    }
}

/// Sets the rate limits `cfg` asks for (a burst alone applies to both directions).
pub(super) fn apply_rates(policy: &PortPolicy, cfg: &PortCfg) {
    for (dir, r) in [(portpolicy::IN, cfg.rate_in), (portpolicy::OUT, cfg.rate_out)] {
        let bps = match (r, cfg.burst) {
            (Some(b), _) => b,
            (None, Some(_)) => policy.rate[dir].bps.load(Ordering::Relaxed),
            (None, None) => continue,
        };
        policy.rate[dir].set(bps, cfg.burst);
    }
}