// SPDX-License-Identifier: GPL-2.0
//! The switch's data path: the lock-free forwarding of frames between ports (VLAN ingress
//! and egress, policy, learning, lookup, flooding) and the netdev callbacks of vPorts and
//! uplinks that feed it.
//!
//! The fast path sees only [`SwitchCore`]: an RCU-published [`PortTable`] indexed by port id,
//! the RCU FDB ([`Fdb`]) and per-CPU counters. Configuration (`control.rs`, under RTNL) builds
//! new tables and publishes them.

use crate::fdb::{self, Dest};
use crate::fdbtable::{Fdb, Learned};
use crate::mac::Mac;
use crate::portpolicy::{self, PortPolicy, Verdict};
use crate::sys::netdev::{DevHandle, NetDevRef, Pacer, Stats64, UplinkOps, VportOps};
use crate::sys::percpu::Counters;
use crate::sys::qdisc;
use crate::sys::rcu::{self, RcuBox, RcuPtr};
use crate::sys::rcuhash::{hz, jiffies64};
use crate::sys::skb::Skb;
use crate::sys::vmq::{now_ns, Steer};
use crate::sys::vec_pop;
use crate::sys::workqueue::DelayedWork;
use crate::vlan::{Egress, VlanMode};
use crate::vmq::NO_CPU;
use core::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use kernel::alloc::{Flags, KVec};
use kernel::prelude::*;
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

/// Slot id of the uplink; vPorts get ids from 1.
pub(crate) const UPLINK_ID: u32 = 0;

/// One port as the fast path sees it (immutable snapshot).
pub(crate) struct Slot {
    pub(crate) id: u32,
    pub(crate) dev: DevHandle,
    pub(crate) vlan: VlanMode,
    pub(crate) stats: Arc<Stats>,
    pub(crate) is_uplink: bool,
    /// vPort's steering CPU (VMQ software backend), `NO_CPU` for none.
    pub(crate) steer: Option<Arc<AtomicU32>>,
    /// vPort's ACLs and rate limits.
    pub(crate) policy: Option<Arc<PortPolicy>>,
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

/// The set of ports of a switch, indexed by port id, replaced as a whole on change (RCU).
pub(crate) struct PortTable {
    slots: KVec<Option<Slot>>,
}

impl PortTable {
    /// A table of `slots` (each at the index of its id).
    pub(crate) fn build(mut list: KVec<Slot>, gfp: Flags) -> Result<KBox<RcuBox<PortTable>>> {
        let n = list.iter().map(|s| s.id as usize + 1).max().unwrap_or(0);
        let mut slots = KVec::with_capacity(n, gfp)?;
        for _ in 0..n {
            slots.push(None, gfp)?;
        }
        while let Some(s) = vec_pop(&mut list) {
            let i = s.id as usize;
            slots[i] = Some(s);
        }
        Ok(RcuBox::new(PortTable { slots }, gfp)?)
    }

    fn slot(&self, id: u32) -> Option<&Slot> {
        self.slots.get(id as usize).and_then(Option::as_ref)
    }
}

/// What the fast path needs of a switch.
pub(crate) struct SwitchCore {
    ports: RcuPtr<PortTable>,
    pub(crate) fdb: Arc<Fdb>,
    /// Removes aged-out FDB entries; runs only while there are dynamic entries.
    ager: DelayedWork<Fdb>,
    pub(crate) stats: Stats,
    /// Per-CPU delivery for the VMQ software backend.
    steer: Steer,
    /// VMQ samples vPort load: time uplink frames in `forward` (else no clock reads).
    pub(crate) vmq_timing: AtomicBool,
}

impl SwitchCore {
    /// A switch with no ports and an empty FDB of `fdb_max` entries.
    pub(crate) fn new(fdb_max: u32, ageing: u32, gfp: Flags) -> Result<Self> {
        let fdb = Arc::new(Fdb::new(fdb_max, ageing, gfp)?, gfp)?;
        Ok(SwitchCore {
            ports: RcuPtr::null(),
            ager: DelayedWork::new(fdb.clone())?,
            fdb,
            stats: Stats::new()?,
            steer: Steer::new()?,
            vmq_timing: AtomicBool::new(false),
        })
    }

    /// Publishes a new port table (`None`: the switch forwards nothing any more).
    pub(crate) fn publish(&self, table: Option<KBox<RcuBox<PortTable>>>) {
        self.ports.replace(table);
    }

    /// Sets the ageing time (seconds; 0: off), and lets the ager look again soon.
    pub(crate) fn set_ageing(&self, secs: u32) {
        self.fdb.ageing.store(secs, Ordering::Relaxed);
        if secs != 0 {
            self.ager.reschedule(hz());
        }
    }

    /// Stops the ager (before the switch goes; it does not come back).
    pub(crate) fn stop_ager(&self) {
        self.fdb.ageing.store(0, Ordering::Relaxed);
        self.ager.cancel();
    }

    fn learn(&self, src: &Mac, vid: u16, port: u32, now: u64, g: &rcu::ReadGuard, port_stats: &Stats) {
        match self.fdb.learn(g, src, vid, port, now) {
            Learned::Nothing => {}
            Learned::Inserted => {
                // A dynamic entry to age: make sure the ager runs (no-op if it is scheduled).
                let ageing = u64::from(self.fdb.ageing.load(Ordering::Relaxed)) * hz();
                if ageing != 0 {
                    self.ager.schedule(ageing);
                }
            }
            Learned::Refused => {
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

        let found = self.fdb.lookup(&g, &dst, vid, now);
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
        for s in table.slots.iter().flatten() {
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
    pub(crate) id: u32,
    pub(crate) switch: Arc<SwitchCore>,
    pub(crate) stats: Arc<Stats>,
    pub(crate) policy: Arc<PortPolicy>,
    /// Pauses the port's transmit queues when its `rate-in` bucket runs dry.
    pub(crate) pacer: Pacer,
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
    pub(crate) switch: Arc<SwitchCore>,
    pub(crate) stats: Arc<Stats>,
}

impl UplinkOps for UplinkRx {
    fn rx(&self, _dev: NetDevRef<'_>, skb: Skb) {
        self.stats.add(cnt::RX_PACKETS, 1);
        self.stats.add(cnt::RX_BYTES, u64::from(skb.len()));
        self.switch.forward(UPLINK_ID, skb);
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
