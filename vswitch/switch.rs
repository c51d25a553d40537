// SPDX-License-Identifier: GPL-2.0
//! The switch: vSwitch / vPort / uplink objects, configuration under RTNL, and the
//! lock-free forwarding path (VLAN ingress/egress, learning, lookup, flooding).
//!
//! Configuration lives in [`Registry`] (RTNL-protected). The fast path sees only
//! [`SwitchCore`]: an RCU-published [`PortTable`] snapshot, the RCU FDB and per-CPU counters.

use crate::fdb::{self, Dest, Entry, Learn};
use crate::mac::Mac;
use crate::sys::netdev::{
    dev_by_name, DevHandle, Net, NetDevRef, NotifierOps, Pacer, Stats64, Uplink, UplinkOps, Vport, VportOps,
};
use crate::sys::percpu::Counters;
use crate::sys::rcu::{self, RcuPtr};
use crate::sys::rcuhash::{hz, jiffies64, RcuHash};
use crate::sys::rtnl::{Held, RtnlCallback, RtnlCell};
use crate::sys::qdisc;
use crate::sys::skb::Skb;
use crate::sys::vec_remove;
use crate::sys::vmq::{now_ns, Steer};
use crate::irq_remap::{self, VfCfg};
use crate::sys::errno::eopnotsupp;
use crate::sys::pci::{random_mac, PciDev};
use crate::portpolicy::{self, AclCfg, PortPolicy, Verdict};
use crate::vmq::{self, PortInfo, Settings as VmqSettings, Vmq, NO_CPU};
use crate::uapi;
use crate::vlan::{Egress, VlanMode};
use core::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use kernel::alloc::{flags::GFP_KERNEL, KBox, KVec};
use kernel::{c_str, prelude::*};
use kernel::sync::Arc;

/// Counter indices (per port, from the port device's point of view, and per switch).
pub(crate) mod cnt {
    pub(crate) const RX_PACKETS: usize = 0;
    pub(crate) const RX_BYTES: usize = 1;
    pub(crate) const TX_PACKETS: usize = 2;
    pub(crate) const TX_BYTES: usize = 3;
    pub(crate) const RX_DROPPED: usize = 4;
    pub(crate) const TX_DROPPED: usize = 5;
    pub(crate) const DROP_VLAN: usize = 6;
    pub(crate) const LEARN_REFUSED: usize = 7;
    pub(crate) const DROP_DOWN: usize = 8;
    pub(crate) const DROP_MALFORMED: usize = 9;
    pub(crate) const FLOODED: usize = 10;
    /// Unicast frames from the uplink delivered to this vPort (VMQ load sampling).
    pub(crate) const VMQ_PACKETS: usize = 11;
    /// Nanoseconds those frames spent in the switch's receive path.
    pub(crate) const VMQ_NS: usize = 12;
    /// Frames denied by an ACL.
    pub(crate) const DROP_ACL: usize = 13;
    /// Frames dropped by a rate limit.
    pub(crate) const DROP_RATE: usize = 14;
    pub(crate) const N: usize = 15;
}

/// Per-CPU counters of a port or switch.
pub(crate) type Stats = Counters<{ cnt::N }>;

/// A short name (switch or port), at most 15 bytes.
#[derive(Clone, Copy)]
pub(crate) struct Name {
    buf: [u8; 16],
    len: usize,
}

impl Name {
    pub(crate) fn new(s: &str) -> Option<Self> {
        if s.is_empty() || s.len() > uapi::NAME_MAX || s.bytes().any(|b| b == b'/' || b <= b' ') {
            return None;
        }
        let mut buf = [0u8; 16];
        buf[..s.len()].copy_from_slice(s.as_bytes());
        Some(Name { buf, len: s.len() })
    }
    pub(crate) fn as_str(&self) -> &str {
        core::str::from_utf8(&self.buf[..self.len]).unwrap_or("?")
    }
}

/// FDB key: (MAC, VLAN).
pub(crate) type FdbKey = (Mac, u16);

/// FDB value; port and timestamps are atomics so the fast path refreshes and moves entries
/// without the table lock.
pub(crate) struct FdbVal {
    pub(crate) port: AtomicU32,
    pub(crate) updated: AtomicU64,
    pub(crate) is_static: AtomicBool,
}

impl FdbVal {
    fn entry(&self) -> Entry {
        Entry {
            port: self.port.load(Ordering::Relaxed),
            is_static: self.is_static.load(Ordering::Relaxed),
            updated: self.updated.load(Ordering::Relaxed),
        }
    }
}

const FDB_BUCKETS_LOG2: u32 = 10;
/// Slot id of the uplink; vPorts get ids from 1.
pub(crate) const UPLINK_ID: u32 = 0;

/// One port as the fast path sees it (immutable snapshot).
struct Slot {
    id: u32,
    dev: DevHandle,
    vlan: VlanMode,
    stats: Arc<Stats>,
    is_uplink: bool,
    /// vPort's steering CPU (VMQ software backend), `NO_CPU` for none.
    steer: Option<Arc<AtomicU32>>,
    /// vPort's ACLs and rate limits.
    policy: Option<Arc<PortPolicy>>,
}

impl Slot {
    /// Counts a policy drop; true if the frame may go on.
    fn pass(&self, v: Verdict, dropped: usize) -> bool {
        match v {
            Verdict::Pass => true,
            Verdict::DenyAcl => {
                self.stats.add(cnt::DROP_ACL, 1);
                self.stats.add(dropped, 1);
                false
            }
            Verdict::DropRate => {
                self.stats.add(cnt::DROP_RATE, 1);
                self.stats.add(dropped, 1);
                false
            }
        }
    }
}

/// The set of ports of a switch, replaced as a whole on change (RCU).
pub(crate) struct PortTable {
    slots: KVec<Slot>,
}

impl PortTable {
    fn slot(&self, id: u32) -> Option<&Slot> {
        self.slots.iter().find(|s| s.id == id)
    }
}

/// What the fast path needs of a switch.
pub(crate) struct SwitchCore {
    ports: RcuPtr<PortTable>,
    pub(crate) fdb: RcuHash<FdbKey, FdbVal>,
    pub(crate) fdb_max: AtomicU32,
    pub(crate) ageing: AtomicU32,
    pub(crate) stats: Stats,
    /// Per-CPU delivery for the VMQ software backend.
    steer: Steer,
    /// VMQ samples vPort load: time uplink frames in `forward` (else no clock reads).
    vmq_timing: AtomicBool,
}

impl SwitchCore {
    fn ageing_jiffies(&self) -> u64 {
        u64::from(self.ageing.load(Ordering::Relaxed)) * hz()
    }

    /// Whether an FDB entry is live (not aged out).
    pub(crate) fn fdb_live(&self, v: &FdbVal, now: u64) -> bool {
        !fdb::expired(&v.entry(), now, self.ageing_jiffies())
    }

    fn learn(&self, src: &Mac, vid: u16, port: u32, now: u64, g: &rcu::ReadGuard, port_stats: &Stats) {
        let key = (*src, vid);
        let hash = fdb::bucket(src, vid, FDB_BUCKETS_LOG2);
        let existing = self.fdb.get(g, &key, hash);
        // An aged-out entry that was not collected yet is re-learned like a new one.
        let e = existing
            .map(FdbVal::entry)
            .filter(|en| !fdb::expired(en, now, self.ageing_jiffies()));
        let count = self.fdb.len() as u32;
        let max = self.fdb_max.load(Ordering::Relaxed);
        match fdb::learn(src, e.as_ref(), port, count, max) {
            Learn::Ignore => {}
            Learn::Refresh => {
                if let Some(v) = existing {
                    v.updated.store(now, Ordering::Relaxed);
                }
            }
            Learn::Move { to } => {
                if let Some(v) = existing {
                    v.port.store(to, Ordering::Relaxed);
                    v.updated.store(now, Ordering::Relaxed);
                }
            }
            Learn::Insert => match existing {
                // An expired entry on another port: take it over.
                Some(v) => {
                    v.port.store(port, Ordering::Relaxed);
                    v.updated.store(now, Ordering::Relaxed);
                }
                None => {
                    let mut refused = false;
                    self.fdb.insert_with(key, hash, |len| {
                        if len as u32 >= max {
                            refused = true;
                            return None;
                        }
                        Some(FdbVal {
                            port: AtomicU32::new(port),
                            updated: AtomicU64::new(now),
                            is_static: AtomicBool::new(false),
                        })
                    });
                    if refused {
                        self.stats.add(cnt::LEARN_REFUSED, 1);
                        port_stats.add(cnt::LEARN_REFUSED, 1);
                    }
                }
            },
            Learn::Refuse => {
                self.stats.add(cnt::LEARN_REFUSED, 1);
                port_stats.add(cnt::LEARN_REFUSED, 1);
            }
        }
    }

    /// Switches one frame that entered through port `src_id`.
    fn forward(&self, src_id: u32, skb: Skb) {
        let g = rcu::read_lock();
        let Some(table) = self.ports.get(&g) else { return };
        let Some(src) = table.slot(src_id) else { return };
        let Some((dst, smac)) = skb.eth_addrs() else {
            src.stats.add(cnt::DROP_MALFORMED, 1);
            src.stats.add(cnt::RX_DROPPED, 1);
            return;
        };
        let (dst, smac) = (Mac(dst), Mac(smac));
        let vid = match src.vlan.ingress(skb.vlan()) {
            Ok(v) => v,
            Err(crate::vlan::Drop::VlanNotAllowed) => {
                src.stats.add(cnt::DROP_VLAN, 1);
                src.stats.add(cnt::RX_DROPPED, 1);
                return;
            }
            Err(crate::vlan::Drop::Malformed) => {
                src.stats.add(cnt::DROP_MALFORMED, 1);
                src.stats.add(cnt::RX_DROPPED, 1);
                return;
            }
        };
        // The source port's "in" policy, before the frame can teach the FDB anything.
        if let Some(pol) = &src.policy {
            if !src.pass(pol.check(portpolicy::IN, &g, &skb, Some((dst, smac)), vid), cnt::RX_DROPPED) {
                return;
            }
        }
        let now = jiffies64();
        // Frames from the uplink are timed for VMQ load sampling, when VMQ has vPort queues.
        let timed = src.is_uplink && self.vmq_timing.load(Ordering::Relaxed);
        let t0 = if timed { now_ns() } else { 0 };
        self.learn(&smac, vid, src_id, now, &g, &src.stats);

        let hash = fdb::bucket(&dst, vid, FDB_BUCKETS_LOG2);
        let found = self
            .fdb
            .get(&g, &(dst, vid), hash)
            .filter(|v| self.fdb_live(v, now))
            .map(FdbVal::entry);
        match fdb::forward(&dst, found.as_ref()) {
            Dest::Port(p) if p == src_id => {
                // Destination is on the port it came from: filtered, like the bridge.
            }
            Dest::Port(p) => match table.slot(p) {
                Some(d) if src.is_uplink => {
                    deliver(src, d, skb, vid, Some(&self.steer), &g);
                    if timed {
                        d.stats.add(cnt::VMQ_PACKETS, 1);
                        d.stats.add(cnt::VMQ_NS, now_ns().wrapping_sub(t0));
                    }
                }
                Some(d) => deliver(src, d, skb, vid, None, &g),
                None => self.flood(table, src, skb, vid, &g),
            },
            Dest::Flood => self.flood(table, src, skb, vid, &g),
        }
    }

    fn flood(&self, table: &PortTable, src: &Slot, skb: Skb, vid: u16, g: &rcu::ReadGuard) {
        let src_id = src.id;
        self.stats.add(cnt::FLOODED, 1);
        let mut last: Option<&Slot> = None;
        for s in table.slots.iter() {
            if s.id == src_id || !s.vlan.allows(vid) || !s.dev.get().running() {
                continue;
            }
            if let Some(prev) = last {
                match skb.try_clone() {
                    Some(c) => deliver(src, prev, c, vid, None, g),
                    None => prev.stats.add(cnt::RX_DROPPED, 1),
                }
            }
            last = Some(s);
        }
        if let Some(s) = last {
            deliver(src, s, skb, vid, None, g);
        }
    }
}

/// Egress of one frame from port `src` through port `d` in VLAN `vid`. With `steer`, a vPort
/// that has a steering CPU (VMQ software backend) receives it on that CPU.
fn deliver(src: &Slot, d: &Slot, mut skb: Skb, vid: u16, steer: Option<&Steer>, g: &rcu::ReadGuard) {
    let dev = d.dev.get();
    if !dev.running() {
        d.stats.add(cnt::DROP_DOWN, 1);
        d.stats.add(cnt::TX_DROPPED, 1);
        return;
    }
    // The destination port's "out" policy (toward the port).
    if let Some(pol) = &d.policy {
        if !d.pass(pol.check(portpolicy::OUT, g, &skb, None, vid), cnt::TX_DROPPED) {
            return;
        }
    }
    match d.vlan.egress(vid) {
        Egress::Untagged => skb.set_vlan(None),
        Egress::Tagged(v) => skb.set_vlan(Some(v)),
        Egress::Drop => {
            d.stats.add(cnt::DROP_VLAN, 1);
            return;
        }
    }
    let len = u64::from(skb.len());
    if d.is_uplink {
        // Leaving through the uplink: the uplink "transmits" it, tagged with its source vPort
        // and weight for the uplink's `vswitch` qdisc (bandwidth weights).
        let weight = src.policy.as_ref().map_or(0, |p| p.weight.load(Ordering::Relaxed));
        skb.set_wfq_class(src.id, weight);
        if skb.deliver_xmit(&dev) {
            d.stats.add(cnt::TX_PACKETS, 1);
            d.stats.add(cnt::TX_BYTES, len);
        } else {
            d.stats.add(cnt::TX_DROPPED, 1);
        }
    } else if match (steer, &d.steer) {
        (Some(st), Some(cell)) => match cell.load(Ordering::Relaxed) {
            NO_CPU => skb.deliver_rx(&dev),
            cpu => skb.deliver_rx_on(&dev, st, cpu),
        },
        _ => skb.deliver_rx(&dev),
    } {
        // Arriving at a vPort: the vPort device "receives" it.
        d.stats.add(cnt::RX_PACKETS, 1);
        d.stats.add(cnt::RX_BYTES, len);
    } else {
        d.stats.add(cnt::RX_DROPPED, 1);
    }
}

/// The object behind a vPort netdev (its private data).
pub(crate) struct PortCore {
    id: u32,
    switch: Arc<SwitchCore>,
    stats: Arc<Stats>,
    policy: Arc<PortPolicy>,
    /// Pauses the port's transmit queues when its `rate-in` bucket runs dry.
    pacer: Pacer,
}

impl VportOps for PortCore {
    fn xmit(&self, dev: NetDevRef<'_>, skb: Skb) {
        // The host or VM sent it: the vPort device "transmits". A rate-in limit shapes it
        // like a slower NIC: the frame goes, and the queues pause until the bucket refills.
        let len = skb.len();
        let (ok, wait) = self.policy.rate[portpolicy::IN].shape(len);
        if !ok {
            self.stats.add(cnt::DROP_RATE, 1);
            self.stats.add(cnt::TX_DROPPED, 1);
            self.pacer.pause(&dev, wait.max(1));
            return;
        }
        self.stats.add(cnt::TX_PACKETS, 1);
        self.stats.add(cnt::TX_BYTES, u64::from(len));
        self.switch.forward(self.id, skb);
        if wait > 0 {
            self.pacer.pause(&dev, wait);
        }
    }

    fn set_up(&self, dev: NetDevRef<'_>, up: bool) {
        // Carrier follows admin state (a vPort always belongs to a switch).
        dev.set_carrier(up);
    }

    fn stats(&self, st: &mut Stats64) {
        fill_stats64(&self.stats, st);
    }
}

fn fill_stats64(s: &Stats, st: &mut Stats64) {
    st.rx_packets = s.sum(cnt::RX_PACKETS);
    st.rx_bytes = s.sum(cnt::RX_BYTES);
    st.tx_packets = s.sum(cnt::TX_PACKETS);
    st.tx_bytes = s.sum(cnt::TX_BYTES);
    st.rx_dropped = s.sum(cnt::RX_DROPPED);
    st.tx_dropped = s.sum(cnt::TX_DROPPED);
}

/// rx_handler data of an uplink.
pub(crate) struct UplinkRx {
    switch: Arc<SwitchCore>,
    stats: Arc<Stats>,
}

impl UplinkOps for UplinkRx {
    fn rx(&self, _dev: NetDevRef<'_>, skb: Skb) {
        self.stats.add(cnt::RX_PACKETS, 1);
        self.stats.add(cnt::RX_BYTES, u64::from(skb.len()));
        self.switch.forward(UPLINK_ID, skb);
    }
}

/// Configuration of a vPort.
pub(crate) struct PortCtl {
    pub(crate) id: u32,
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

/// Configuration of an uplink.
pub(crate) struct UplinkCtl {
    pub(crate) link: Uplink<UplinkRx>,
    pub(crate) stats: Arc<Stats>,
}

/// Configuration of a switch.
pub(crate) struct SwitchCtl {
    pub(crate) name: Name,
    pub(crate) core: Arc<SwitchCore>,
    pub(crate) uplink: Option<UplinkCtl>,
    pub(crate) ports: KVec<PortCtl>,
    next_id: u32,
    pub(crate) vmq: Vmq,
    /// VF-backed vPorts.
    pub(crate) vf_ports: KVec<VfPort>,
    /// VFs this switch enabled on its uplink (disabled again when it lets the uplink go).
    pub(crate) sriov_owned: Option<PciDev>,
    /// This switch made the `vswitch` qdisc its uplink's root (undone when it lets go).
    pub(crate) qdisc_owned: bool,
}

impl SwitchCtl {
    /// Publishes the current port set to the fast path (waits for a grace period).
    fn publish(&self) -> Result {
        let mut slots = KVec::with_capacity(self.ports.len() + 1, GFP_KERNEL)?;
        if let Some(u) = &self.uplink {
            slots.push(
                Slot {
                    id: UPLINK_ID,
                    dev: u.link.handle(),
                    vlan: VlanMode::uplink_default(),
                    stats: u.stats.clone(),
                    is_uplink: true,
                    steer: None,
                    policy: None,
                },
                GFP_KERNEL,
            )?;
        }
        for p in self.ports.iter() {
            slots.push(
                Slot {
                    id: p.id,
                    dev: p.vport.handle(),
                    vlan: p.vlan.clone(),
                    stats: p.stats.clone(),
                    is_uplink: false,
                    steer: Some(p.steer.clone()),
                    policy: Some(p.policy.clone()),
                },
                GFP_KERNEL,
            )?;
        }
        self.core.ports.replace(Some(KBox::new(PortTable { slots }, GFP_KERNEL)?));
        Ok(())
    }

    /// Forgets FDB entries pointing at port `id`.
    fn flush_port(&self, id: u32) {
        let _ = self.core.fdb.retain(|_, v| v.port.load(Ordering::Relaxed) != id);
    }

    /// What VMQ needs of the vPorts, in the order they were added.
    fn vmq_ports(&self) -> Result<KVec<PortInfo>> {
        let mut v = KVec::with_capacity(self.ports.len(), GFP_KERNEL)?;
        for p in self.ports.iter() {
            // Frames of an access port travel the uplink tagged with its PVID, except the
            // uplink's native VLAN 1 (untagged); a trunk port's in any VLAN.
            let vid = match &p.vlan {
                VlanMode::Access { pvid } if *pvid != 1 => Some(*pvid),
                _ => None,
            };
            v.push(
                PortInfo {
                    id: p.id,
                    mac: p.vport.dev().addr(),
                    vid,
                    steer: p.steer.clone(),
                    stats: p.stats.clone(),
                    vf: None,
                },
                GFP_KERNEL,
            )?;
        }
        for p in self.vf_ports.iter() {
            v.push(
                PortInfo {
                    id: p.id,
                    mac: p.cfg.mac,
                    vid: p.cfg.pvid,
                    steer: p.steer.clone(),
                    stats: p.stats.clone(),
                    vf: Some(p.pci.clone()),
                },
                GFP_KERNEL,
            )?;
        }
        Ok(v)
    }

    /// Brings VMQ queues and filters in line with the uplink and vPorts.
    pub(crate) fn vmq_sync(&mut self, rtnl: Held<'_>) {
        let Ok(ports) = self.vmq_ports() else { return };
        let dev = self.uplink.as_ref().map(|u| u.link.dev());
        self.vmq.sync(rtnl, dev.as_ref(), &ports);
        self.core.vmq_timing.store(self.vmq.samples_vports(), Ordering::Relaxed);
    }

    /// Bandwidth weights: once a vPort has a weight, the uplink gets the `vswitch` qdisc,
    /// which shares the uplink by the vPorts' weights when it is saturated.
    pub(crate) fn qdisc_sync(&mut self, rtnl: Held<'_>) -> CfgResult {
        let Some(u) = &self.uplink else { return Ok(()) };
        if !self.ports.iter().any(|p| p.policy.weight.load(Ordering::Relaxed) != 0) {
            return Ok(());
        }
        match qdisc::attach(&u.link.dev(), rtnl) {
            Ok(now) => {
                self.qdisc_owned |= now;
                Ok(())
            }
            Err(e) => fail(e, c_str!("vswitch: cannot attach the vswitch qdisc to the uplink (weights need a queueing uplink)")),
        }
    }

    /// Applies new VMQ settings.
    pub(crate) fn vmq_set(&mut self, rtnl: Held<'_>, s: VmqSettings) -> Result {
        let ports = self.vmq_ports()?;
        let dev = self.uplink.as_ref().map(|u| u.link.dev());
        self.vmq.set(rtnl, dev.as_ref(), &ports, s);
        self.core.vmq_timing.store(self.vmq.samples_vports(), Ordering::Relaxed);
        Ok(())
    }

    /// Resets and forgets the VF ports (their PF is going).
    fn drop_vf_ports(&mut self, rtnl: Held<'_>) {
        let vfs = core::mem::replace(&mut self.vf_ports, KVec::new());
        if let Some(u) = &self.uplink {
            for p in vfs.iter() {
                irq_remap::reset(rtnl, &u.link.dev(), p.index);
            }
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

    fn detach_uplink(&mut self, rtnl: Held<'_>) -> Result {
        self.drop_vf_ports(rtnl);
        if let Some(u) = self.uplink.take() {
            // Filters and steering go first, while the uplink is still ours.
            self.vmq.clear(rtnl, Some(&u.link.dev()));
            self.core.vmq_timing.store(false, Ordering::Relaxed);
            if core::mem::take(&mut self.qdisc_owned) {
                qdisc::detach(&u.link.dev(), rtnl);
            }
            self.publish()?;
            u.link.detach(rtnl);
            self.flush_port(UPLINK_ID);
        }
        Ok(())
    }

    pub(crate) fn port(&self, name: &str) -> Option<&PortCtl> {
        self.ports.iter().find(|p| p.vport.dev().name() == name)
    }

    pub(crate) fn port_name(&self, id: u32) -> Option<&str> {
        if id == UPLINK_ID {
            return self.uplink.as_ref().map(|u| u.link.dev().name());
        }
        if let Some(p) = self.vf_ports.iter().find(|p| p.id == id) {
            return Some(p.name.as_str());
        }
        self.ports.iter().find(|p| p.id == id).map(|p| p.vport.dev().name())
    }
}

/// All switches (RTNL).
pub(crate) struct Registry {
    pub(crate) switches: KVec<SwitchCtl>,
    /// PFs whose VFs a switch enabled and no longer owns: disabled by [`sriov_off`] once
    /// RTNL is released (PF drivers take RTNL while changing VFs).
    pub(crate) sriov_off: KVec<PciDev>,
}

pub(crate) static REGISTRY: RtnlCell<Registry> =
    RtnlCell::new(Registry { switches: KVec::new(), sriov_off: KVec::new() });

/// Disables the VFs of `pfs` (the switches that enabled them are gone or let their uplink
/// go). Called without RTNL.
pub(crate) fn sriov_off(pfs: KVec<PciDev>) {
    for pf in pfs.iter() {
        if let Err(e) = pf.sriov_configure(0) {
            pr_warn!("vswitch: {}: disabling VFs failed ({:?})\n", pf.name(), e);
        }
    }
}

/// Errors with a user-facing message (sent as netlink extack).
pub(crate) struct Fail(pub(crate) Error, pub(crate) &'static CStr);

pub(crate) type CfgResult<T = ()> = core::result::Result<T, Fail>;

fn fail<T>(e: Error, m: &'static CStr) -> CfgResult<T> {
    Err(Fail(e, m))
}

impl From<kernel::alloc::AllocError> for Fail {
    fn from(_: kernel::alloc::AllocError) -> Self {
        Fail(ENOMEM, c_str!("vswitch: out of memory"))
    }
}

impl From<Error> for Fail {
    fn from(e: Error) -> Self {
        Fail(e, c_str!("vswitch: operation failed"))
    }
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
}

impl Registry {
    pub(crate) fn switch(&self, name: &str) -> Option<&SwitchCtl> {
        self.switches.iter().find(|s| s.name.as_str() == name)
    }
    fn switch_idx(&self, name: &str) -> CfgResult<usize> {
        match self.switches.iter().position(|s| s.name.as_str() == name) {
            Some(i) => Ok(i),
            None => fail(ENOENT, c_str!("vswitch: no such switch")),
        }
    }
    /// (switch index, port index) of vPort `name`.
    fn port_idx(&self, name: &str) -> CfgResult<(usize, usize)> {
        for (i, s) in self.switches.iter().enumerate() {
            if let Some(j) = s.ports.iter().position(|p| p.vport.dev().name() == name) {
                return Ok((i, j));
            }
        }
        fail(ENOENT, c_str!("vswitch: no such port"))
    }
    /// vPort `name` for changing its ACLs.
    pub(crate) fn port_mut(&mut self, name: &str) -> CfgResult<&mut PortCtl> {
        if self.vf_port_idx(name).is_ok() {
            return fail(eopnotsupp(), c_str!("vswitch: ACLs on VF ports are not supported (their traffic does not cross the switch)"));
        }
        let (i, j) = self.port_idx(name)?;
        Ok(&mut self.switches[i].ports[j])
    }

    pub(crate) fn find_port(&self, name: &str) -> Option<(&SwitchCtl, &PortCtl)> {
        let (i, j) = self.port_idx(name).ok()?;
        Some((&self.switches[i], &self.switches[i].ports[j]))
    }

    fn check_uplink(&self, rtnl: Held<'_>, net: Net<'_>, name: &str) -> CfgResult<()> {
        let dev = match dev_by_name(rtnl, net, name) {
            Ok(d) => d,
            Err(_) => return fail(ENODEV, c_str!("vswitch: uplink device not found")),
        };
        if Vport::<PortCore>::is_vport(&dev) {
            return fail(EINVAL, c_str!("vswitch: a vPort cannot be an uplink"));
        }
        for s in self.switches.iter() {
            if let Some(u) = &s.uplink {
                if u.link.dev().same(&dev) {
                    return fail(EBUSY, c_str!("vswitch: device is already the uplink of a switch"));
                }
            }
        }
        Ok(())
    }

    fn attach_uplink(rtnl: Held<'_>, net: Net<'_>, sw: &mut SwitchCtl, name: &str) -> CfgResult<()> {
        let stats = Arc::new(Stats::new()?, GFP_KERNEL)?;
        let rx = Arc::new(UplinkRx { switch: sw.core.clone(), stats: stats.clone() }, GFP_KERNEL)?;
        let link = {
            let dev = match dev_by_name(rtnl, net, name) {
                Ok(d) => d,
                Err(_) => return fail(ENODEV, c_str!("vswitch: uplink device not found")),
            };
            match Uplink::attach(rtnl, dev, rx) {
                Ok(l) => l,
                Err(e) if e == EBUSY => {
                    return fail(EBUSY, c_str!("vswitch: device already has an rx handler (bridge or bond port?)"))
                }
                Err(e) => return fail(e, c_str!("vswitch: cannot attach uplink (not an Ethernet device?)")),
            }
        };
        sw.uplink = Some(UplinkCtl { link, stats });
        sw.publish()?;
        sw.vmq_sync(rtnl);
        sw.qdisc_sync(rtnl)
    }

    pub(crate) fn switch_add(&mut self, rtnl: Held<'_>, net: Net<'_>, name: &str, cfg: &SwitchCfg<'_>) -> CfgResult {
        let Some(n) = Name::new(name) else {
            return fail(EINVAL, c_str!("vswitch: switch name must be 1-15 characters, no '/' or spaces"));
        };
        if self.switch(name).is_some() {
            return fail(EEXIST, c_str!("vswitch: a switch with this name exists"));
        }
        if let Some(u) = cfg.uplink {
            self.check_uplink(rtnl, net, u)?;
        }
        let core = Arc::new(
            SwitchCore {
                ports: RcuPtr::null(),
                fdb: RcuHash::new(1 << FDB_BUCKETS_LOG2)?,
                fdb_max: AtomicU32::new(cfg.fdb_max.unwrap_or(uapi::DEFAULT_FDB_MAX)),
                ageing: AtomicU32::new(cfg.ageing.unwrap_or(uapi::DEFAULT_AGEING)),
                stats: Stats::new()?,
                steer: Steer::new()?,
                vmq_timing: AtomicBool::new(false),
            },
            GFP_KERNEL,
        )?;
        let mut sw = SwitchCtl {
            name: n,
            core,
            uplink: None,
            ports: KVec::new(),
            next_id: 1,
            vmq: Vmq::new(),
            vf_ports: KVec::new(),
            sriov_owned: None,
            qdisc_owned: false,
        };
        if !cfg.vmq.is_empty() {
            sw.vmq.settings = sw.vmq.settings.merged(&cfg.vmq).map_err(|m| Fail(EINVAL, m))?;
        }
        if let Some(u) = cfg.uplink {
            Self::attach_uplink(rtnl, net, &mut sw, u)?;
        } else {
            sw.publish()?;
        }
        self.switches.push(sw, GFP_KERNEL)?;
        Ok(())
    }

    pub(crate) fn switch_set(&mut self, rtnl: Held<'_>, net: Net<'_>, name: &str, cfg: &SwitchCfg<'_>) -> CfgResult {
        let i = self.switch_idx(name)?;
        if !cfg.vmq.is_empty() {
            // Refuse bad VMQ settings before changing anything.
            self.switches[i].vmq.settings.merged(&cfg.vmq).map_err(|m| Fail(EINVAL, m))?;
        }
        if let Some(u) = cfg.uplink {
            let same = self.switches[i].uplink.as_ref().is_some_and(|x| x.link.dev().name() == u);
            if !same {
                self.check_uplink(rtnl, net, u)?;
                self.detach(rtnl, i)?;
                Self::attach_uplink(rtnl, net, &mut self.switches[i], u)?;
            }
        } else if cfg.no_uplink {
            self.detach(rtnl, i)?;
        }
        let sw = &self.switches[i];
        if let Some(a) = cfg.ageing {
            sw.core.ageing.store(a, Ordering::Relaxed);
        }
        if let Some(m) = cfg.fdb_max {
            sw.core.fdb_max.store(m, Ordering::Relaxed);
        }
        if !cfg.vmq.is_empty() {
            let v = self.switches[i].vmq.settings.merged(&cfg.vmq).map_err(|m| Fail(EINVAL, m))?;
            self.switches[i].vmq_set(rtnl, v)?;
        }
        Ok(())
    }

    pub(crate) fn switch_del(&mut self, rtnl: Held<'_>, name: &str, force: bool) -> CfgResult {
        let i = self.switch_idx(name)?;
        if (!self.switches[i].ports.is_empty() || !self.switches[i].vf_ports.is_empty()) && !force {
            return fail(EBUSY, c_str!("vswitch: switch still has ports (delete them or use switch del -f)"));
        }
        let mut sw = vec_remove(&mut self.switches, i).ok_or(Fail(EINVAL, c_str!("vswitch: internal error")))?;
        Self::destroy(rtnl, &mut sw, &mut self.sriov_off);
        Ok(())
    }

    /// Tears a switch down: ports, uplink, tables. VFs it enabled go on the `sriov_off` list.
    fn destroy(rtnl: Held<'_>, sw: &mut SwitchCtl, sriov_off: &mut KVec<PciDev>) {
        let ports = core::mem::replace(&mut sw.ports, KVec::new());
        let _ = sw.detach_uplink(rtnl);
        if let Some(pf) = sw.sriov_owned.take() {
            let _ = sriov_off.push(pf, GFP_KERNEL);
        }
        // Nobody forwards any more once the empty table is published.
        sw.core.ports.replace(None);
        for p in ports {
            p.vport.unregister(rtnl);
        }
        let _ = sw.core.fdb.retain(|_, _| false);
    }

    /// Deletes everything (module unload).
    pub(crate) fn clear(&mut self, rtnl: Held<'_>) {
        while let Some(mut sw) = vec_remove(&mut self.switches, 0) {
            Self::destroy(rtnl, &mut sw, &mut self.sriov_off);
        }
        // Release the vector's buffer too: the registry is a static that outlives this call.
        self.switches = KVec::new();
    }

    pub(crate) fn port_add(
        &mut self,
        rtnl: Held<'_>,
        net: Net<'_>,
        name: &str,
        switch: &str,
        cfg: PortCfg,
    ) -> CfgResult {
        if name.is_empty() || name.len() > 15 {
            return fail(EINVAL, c_str!("vswitch: port name must be 1-15 characters"));
        }
        if self.port_idx(name).is_ok() || self.vf_port_idx(name).is_ok() {
            return fail(EEXIST, c_str!("vswitch: a port with this name exists"));
        }
        if let Some(index) = cfg.vf {
            let i = self.switch_idx(switch)?;
            return self.vf_port_add(rtnl, i, name, index, cfg);
        }
        if dev_by_name(rtnl, net, name).is_ok() {
            return fail(EEXIST, c_str!("vswitch: a network device with this name exists"));
        }
        let i = self.switch_idx(switch)?;
        let policy = Arc::new(PortPolicy::new(), GFP_KERNEL)?;
        Self::apply_rates(&policy, &cfg);
        policy.weight.store(cfg.weight.unwrap_or(0), Ordering::Relaxed);
        let vlan = cfg.vlan.unwrap_or_else(VlanMode::default_access);
        let steer = Arc::new(AtomicU32::new(NO_CPU), GFP_KERNEL)?;
        let acl = AclCfg::new()?;
        let sw = &mut self.switches[i];
        let id = sw.next_id;
        let stats = Arc::new(Stats::new()?, GFP_KERNEL)?;
        let core = Arc::new(
            PortCore { id, switch: sw.core.clone(), stats: stats.clone(), policy: policy.clone(), pacer: Pacer::new()? },
            GFP_KERNEL,
        )?;
        let vport = match Vport::register(rtnl, net, name, cfg.mac, cfg.mtu, core) {
            Ok(v) => v,
            Err(e) => return fail(e, c_str!("vswitch: cannot register the port device (bad name, MAC or MTU?)")),
        };
        sw.next_id += 1;
        if let Err(e) = sw.ports.push(PortCtl { id, vport, stats, vlan, steer, policy, acl }, GFP_KERNEL) {
            return Err(Fail(e.into(), c_str!("vswitch: out of memory")));
        }
        sw.publish()?;
        sw.vmq_sync(rtnl);
        sw.qdisc_sync(rtnl)
    }

    /// (switch index, VF port index) of VF port `name`.
    fn vf_port_idx(&self, name: &str) -> CfgResult<(usize, usize)> {
        for (i, s) in self.switches.iter().enumerate() {
            if let Some(j) = s.vf_ports.iter().position(|p| p.name.as_str() == name) {
                return Ok((i, j));
            }
        }
        fail(ENOENT, c_str!("vswitch: no such port"))
    }

    pub(crate) fn find_vf_port(&self, name: &str) -> Option<(&SwitchCtl, &VfPort)> {
        let (i, j) = self.vf_port_idx(name).ok()?;
        Some((&self.switches[i], &self.switches[i].vf_ports[j]))
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
        Ok(VfCfg { mac, pvid })
    }

    fn vf_port_add(&mut self, rtnl: Held<'_>, i: usize, name: &str, index: u32, cfg: PortCfg) -> CfgResult {
        let Some(n) = Name::new(name) else {
            return fail(EINVAL, c_str!("vswitch: port name must be 1-15 characters, no '/' or spaces"));
        };
        let vcfg = Self::vf_cfg(&cfg, None)?;
        let sw = &mut self.switches[i];
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
        let Some(u) = &sw.uplink else { return fail(ENODEV, c_str!("vswitch: no uplink")) };
        irq_remap::apply(rtnl, &u.link.dev(), index, &vcfg).map_err(|(e, m)| Fail(e, m))?;
        let steer = Arc::new(AtomicU32::new(NO_CPU), GFP_KERNEL)?;
        let stats = Arc::new(Stats::new()?, GFP_KERNEL)?;
        let id = sw.next_id;
        sw.next_id += 1;
        sw.vf_ports.push(VfPort { id, name: n, index, pci: vf, cfg: vcfg, steer, stats }, GFP_KERNEL)?;
        sw.vmq_sync(rtnl);
        Ok(())
    }

    fn vf_port_set(&mut self, rtnl: Held<'_>, i: usize, j: usize, cfg: PortCfg) -> CfgResult {
        let sw = &mut self.switches[i];
        let vcfg = Self::vf_cfg(&cfg, Some(sw.vf_ports[j].cfg))?;
        let Some(u) = &sw.uplink else { return fail(ENODEV, c_str!("vswitch: no uplink")) };
        irq_remap::apply(rtnl, &u.link.dev(), sw.vf_ports[j].index, &vcfg).map_err(|(e, m)| Fail(e, m))?;
        sw.vf_ports[j].cfg = vcfg;
        sw.vmq_sync(rtnl);
        Ok(())
    }

    fn vf_port_del(&mut self, rtnl: Held<'_>, i: usize, j: usize) -> CfgResult {
        let sw = &mut self.switches[i];
        let Some(p) = vec_remove(&mut sw.vf_ports, j) else { return fail(ENOENT, c_str!("vswitch: no such port")) };
        if let Some(u) = &sw.uplink {
            irq_remap::reset(rtnl, &u.link.dev(), p.index);
        }
        sw.vmq_sync(rtnl);
        Ok(())
    }

    /// Checks a `switch set SW sriov N` before RTNL is dropped to apply it; returns the PF.
    pub(crate) fn sriov_check(&self, name: &str, n: u32) -> CfgResult<PciDev> {
        let i = self.switch_idx(name)?;
        let sw = &self.switches[i];
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
            let sw = &mut self.switches[i];
            let same = sw.pf().is_some_and(|p| p.same(pf));
            if same {
                sw.sriov_owned = (n > 0).then(|| pf.clone());
            }
        }
    }

    /// Detaches switch `i`'s uplink; VFs it enabled there are to be disabled.
    fn detach(&mut self, rtnl: Held<'_>, i: usize) -> Result {
        self.switches[i].detach_uplink(rtnl)?;
        if let Some(pf) = self.switches[i].sriov_owned.take() {
            self.sriov_off.push(pf, GFP_KERNEL)?;
        }
        Ok(())
    }

    pub(crate) fn take_sriov_off(&mut self) -> KVec<PciDev> {
        core::mem::replace(&mut self.sriov_off, KVec::new())
    }

    pub(crate) fn port_set(&mut self, rtnl: Held<'_>, name: &str, cfg: PortCfg) -> CfgResult {
        if let Ok((i, j)) = self.vf_port_idx(name) {
            return self.vf_port_set(rtnl, i, j, cfg);
        }
        let (i, j) = self.port_idx(name)?;
        let sw = &mut self.switches[i];
        let p = &mut sw.ports[j];
        if let Some(m) = cfg.mtu {
            if p.vport.set_mtu(rtnl, m).is_err() {
                return fail(EINVAL, c_str!("vswitch: MTU out of range (68..65535)"));
            }
        }
        if let Some(a) = cfg.mac {
            if p.vport.set_mac(rtnl, a).is_err() {
                return fail(EINVAL, c_str!("vswitch: cannot set this MAC address"));
            }
        }
        Self::apply_rates(&p.policy, &cfg);
        if let Some(w) = cfg.weight {
            p.policy.weight.store(w, Ordering::Relaxed);
        }
        let resync = cfg.mac.is_some() || cfg.vlan.is_some();
        if let Some(v) = cfg.vlan {
            p.vlan = v;
            let id = p.id;
            sw.publish()?;
            sw.flush_port(id);
        }
        if resync {
            sw.vmq_sync(rtnl);
        }
        if cfg.weight.is_some() {
            sw.qdisc_sync(rtnl)?;
        }
        Ok(())
    }

    pub(crate) fn port_del(&mut self, rtnl: Held<'_>, name: &str) -> CfgResult {
        if let Ok((i, j)) = self.vf_port_idx(name) {
            return self.vf_port_del(rtnl, i, j);
        }
        let (i, j) = self.port_idx(name)?;
        let sw = &mut self.switches[i];
        let Some(p) = vec_remove(&mut sw.ports, j) else { return fail(ENOENT, c_str!("vswitch: no such port")) };
        let _ = sw.publish();
        sw.flush_port(p.id);
        // Its queue and filter are freed (and may go to a port waiting on the default queue).
        sw.vmq_sync(rtnl);
        p.vport.unregister(rtnl);
        Ok(())
    }

    pub(crate) fn fdb_add(&mut self, switch: &str, mac: Mac, vid: u16, port: &str) -> CfgResult {
        let i = self.switch_idx(switch)?;
        let sw = &self.switches[i];
        let id = if let Some(p) = sw.port(port) {
            p.id
        } else if sw.uplink.as_ref().is_some_and(|u| u.link.dev().name() == port) {
            UPLINK_ID
        } else {
            return fail(ENOENT, c_str!("vswitch: no such port on this switch"));
        };
        if !mac.is_valid_unicast() {
            return fail(EINVAL, c_str!("vswitch: static entries need a unicast MAC address"));
        }
        let key = (mac, vid);
        let hash = fdb::bucket(&mac, vid, FDB_BUCKETS_LOG2);
        let now = jiffies64();
        let g = rcu::read_lock();
        if let Some(v) = sw.core.fdb.get(&g, &key, hash) {
            v.port.store(id, Ordering::Relaxed);
            v.is_static.store(true, Ordering::Relaxed);
            v.updated.store(now, Ordering::Relaxed);
            return Ok(());
        }
        drop(g);
        let inserted = sw.core.fdb.insert_with(key, hash, |_| {
            Some(FdbVal { port: AtomicU32::new(id), updated: AtomicU64::new(now), is_static: AtomicBool::new(true) })
        });
        if !inserted {
            return fail(ENOMEM, c_str!("vswitch: cannot add the FDB entry"));
        }
        Ok(())
    }

    pub(crate) fn fdb_del(&mut self, switch: &str, mac: Mac, vid: u16) -> CfgResult {
        let i = self.switch_idx(switch)?;
        let n = self.switches[i].core.fdb.retain(|k, _| *k != (mac, vid))?;
        if n == 0 {
            return fail(ENOENT, c_str!("vswitch: no such FDB entry"));
        }
        Ok(())
    }

    /// Removes aged-out entries of every switch.
    pub(crate) fn age(&mut self) {
        let now = jiffies64();
        for sw in self.switches.iter() {
            let core = &sw.core;
            let _ = core.fdb.retain(|_, v| core.fdb_live(v, now));
        }
    }
}

/// netdevice events: an uplink going away is detached (local switching goes on).
pub(crate) struct Events;

impl NotifierOps for Events {
    fn unregister(rtnl: &mut RtnlCallback, dev: NetDevRef<'_>) {
        // Busy: our own code is unregistering one of its vPorts (never an uplink: vPorts
        // cannot be uplinks, and VFs go away only after the registry is let go).
        let Some((mut reg, held)) = REGISTRY.try_get(rtnl) else { return };
        for sw in reg.switches.iter_mut() {
            if sw.uplink.as_ref().is_some_and(|u| u.link.dev().same(&dev)) {
                // The PF is going: so are its VFs.
                sw.sriov_owned = None;
                let _ = sw.detach_uplink(held);
            }
        }
    }

    /// A vPort's MAC changed under the switch (`ip link set dev P address M`): its VMQ
    /// filter follows. (`port set P mac M` changes it from inside the registry: try_get
    /// says busy, and `port_set` resyncs itself.)
    fn change_addr(rtnl: &mut RtnlCallback, dev: NetDevRef<'_>) {
        let Some((mut reg, held)) = REGISTRY.try_get(rtnl) else { return };
        for sw in reg.switches.iter_mut() {
            if sw.ports.iter().any(|p| p.vport.dev().same(&dev)) {
                sw.vmq_sync(held);
                return;
            }
        }
    }
}

/// The uplink scheduler of the `vswitch` qdisc is the pure `wfq.rs`.
impl qdisc::Scheduler for crate::wfq::Wfq {
    const CLASSES: usize = crate::wfq::CLASSES;
    fn new(quantum: u32) -> Self {
        crate::wfq::Wfq::new(quantum)
    }
    fn classify(&mut self, id: u32, weight: u32) -> usize {
        crate::wfq::Wfq::classify(self, id, weight)
    }
    fn enqueued(&mut self, cls: usize, len: u32) {
        crate::wfq::Wfq::enqueued(self, cls, len)
    }
    fn pick(&mut self) -> Option<usize> {
        crate::wfq::Wfq::pick(self)
    }
    fn dequeued(&mut self, cls: usize, len: u32) {
        crate::wfq::Wfq::dequeued(self, cls, len)
    }
    fn dropped(&mut self, cls: usize, len: u32) {
        crate::wfq::Wfq::dropped(self, cls, len)
    }
    fn victim(&self) -> Option<usize> {
        crate::wfq::Wfq::victim(self)
    }
    fn reset(&mut self) {
        crate::wfq::Wfq::reset(self)
    }
}
