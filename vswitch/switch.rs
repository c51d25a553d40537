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
use crate::net::{NetDevice, Stats64, Tx, UplinkOps, VportOps};
use kernel::types::ARef;
use crate::percpu::Counters;
use crate::net::qdisc;
use crate::sync::rcu::{self, RcuBox, RcuPtr};
use crate::sync::rcuhash::{hz, jiffies64};
use crate::net::skb::Skb;
use crate::net::vmq::{now_ns, Steer};
use crate::kvec::vec_pop;
use crate::sync::workqueue::DelayedWork;
use crate::frame::{self, Dhcp4, Ip};
use crate::guard;
use crate::net::skb::DropReason;
use crate::view::{Frame, View};
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
    /// Port protections (see `uapi::stats`).
    pub(crate) const DROP_SPOOF: usize = 15;
    pub(crate) const DROP_VLAN_TAG: usize = 16;
    pub(crate) const DROP_LINK_LOCAL: usize = 17;
    pub(crate) const DROP_DHCP_GUARD: usize = 18;
    pub(crate) const DROP_ROUTER_GUARD: usize = 19;
    pub(crate) const DROP_IP_GUARD: usize = 20;
    pub(crate) const DROP_STORM: usize = 21;
    pub(crate) const LEARN_REFUSED_MAC_MAX: usize = 22;
    pub(crate) const N: usize = 23;
}

/// Per-CPU counters of a port or switch.
pub(crate) type Stats = Counters<{ cnt::N }>;

/// Slot id of the uplink; vPorts get ids from 1.
pub(crate) const UPLINK_ID: u32 = 0;

/// One port as the fast path sees it (immutable snapshot).
pub(crate) struct Slot {
    pub(crate) id: u32,
    pub(crate) dev: ARef<NetDevice>,
    pub(crate) vlan: VlanMode,
    pub(crate) stats: Arc<Stats>,
    pub(crate) is_uplink: bool,
    /// vPort's steering CPU (VMQ software backend), `NO_CPU` for none.
    pub(crate) steer: Option<Arc<AtomicU32>>,
    /// vPort's ACLs and rate limits.
    pub(crate) policy: Option<Arc<PortPolicy>>,
}

impl Slot {
    /// Drops a frame that entered through this port, counting why (`counter`, and the
    /// port's receive drops).
    fn drop_in(&self, skb: Skb, counter: usize, reason: DropReason) {
        self.stats.add(counter, 1);
        self.stats.add(cnt::RX_DROPPED, 1);
        skb.drop_with(reason);
    }

    /// Whether another port's frames may take over an FDB entry of this port: not while the
    /// port's MAC spoofing guard is on (its own MAC is pinned to it).
    fn may_lose_entries(&self) -> bool {
        self.policy.as_ref().is_none_or(|p| !p.guard.pins())
    }

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
    /// Link-local groups 01:80:C2:00:00:0X forwarded (bit X).
    pub(crate) group_fwd: AtomicU32,
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
            group_fwd: AtomicU32::new(0),
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

    fn learn(&self, table: &PortTable, src: &Slot, mac: &Mac, vid: u16, now: u64, g: &rcu::ReadGuard) {
        let mac_max = src.policy.as_ref().map_or(0, |p| p.guard.mac_max.load(Ordering::Relaxed));
        let may_move = |owner: u32| table.slot(owner).is_none_or(Slot::may_lose_entries);
        match self.fdb.learn(g, mac, vid, src.id, now, mac_max, may_move) {
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
                src.stats.add(cnt::LEARN_REFUSED, 1);
            }
            Learned::RefusedMacMax => src.stats.add(cnt::LEARN_REFUSED_MAC_MAX, 1),
        }
    }

    /// The port protections a frame meets at ingress: its source MAC, its VLAN tags (read
    /// from the frame), link-local control groups, and the DHCP, router and IP source guards
    /// of the port it came from. The frame's VLAN if it may go on; otherwise the counter and
    /// drop reason to account it with.
    fn admit(&self, src: &Slot, view: &mut View, skb: &Skb, g: &rcu::ReadGuard) -> Result<u16, (usize, DropReason)> {
        let pg = src.policy.as_ref().map(|p| &p.guard);
        let flags = pg.map_or(0, |p| p.flags());
        let own = pg.map(|p| p.mac());
        if !guard::source_ok(&view.l2.src, own.as_ref(), flags & guard::MAC_SPOOF_OK != 0) {
            return Err((cnt::DROP_SPOOF, DropReason::MacInvalidSource));
        }
        let vid = match src.vlan.ingress(view.l2.tag.map(|t| (t.tpid, t.vid)), view.l2.more_tags) {
            Ok(v) => v,
            Err(crate::vlan::Drop::VlanNotAllowed) => return Err((cnt::DROP_VLAN, DropReason::NotSpecified)),
            Err(crate::vlan::Drop::BadTag) => return Err((cnt::DROP_VLAN_TAG, DropReason::NotSpecified)),
            Err(crate::vlan::Drop::Malformed) => return Err((cnt::DROP_MALFORMED, DropReason::PktTooSmall)),
        };
        if !guard::group_forwarded(&view.l2.dst, self.group_fwd.load(Ordering::Relaxed) as u16) {
            return Err((cnt::DROP_LINK_LOCAL, DropReason::NotSpecified));
        }
        if let Some(pg) = pg {
            if guard::needs_l3(flags) {
                let l3 = *view.l3(skb);
                let why = pg.check_sent(g, &Frame(skb), &view.l2, &l3).err();
                match why {
                    None => {}
                    Some(guard::Drop::DhcpGuard) => return Err((cnt::DROP_DHCP_GUARD, DropReason::NotSpecified)),
                    Some(guard::Drop::RouterGuard) => return Err((cnt::DROP_ROUTER_GUARD, DropReason::NotSpecified)),
                    Some(_) => return Err((cnt::DROP_IP_GUARD, DropReason::NotSpecified)),
                }
            }
        }
        Ok(vid)
    }

    /// Switches one frame that entered through port `src_id`.
    fn forward(&self, src_id: u32, skb: Skb) {
        let g = rcu::read_lock();
        let Some(table) = self.ports.get(&g) else { return };
        let Some(src) = table.slot(src_id) else { return };
        // The frame is read once: its addresses and tags now, L3/L4 when something needs them.
        let Some(mut view) = View::new(&skb) else {
            return src.drop_in(skb, cnt::DROP_MALFORMED, DropReason::PktTooSmall);
        };
        let vid = match self.admit(src, &mut view, &skb, &g) {
            Ok(v) => v,
            Err((counter, reason)) => return src.drop_in(skb, counter, reason),
        };
        // The source port's "in" policy, before the frame can teach the FDB anything.
        if let Some(pol) = &src.policy {
            if !src.pass(pol.check(portpolicy::IN, &g, &mut view, &skb, vid), cnt::RX_DROPPED) {
                return;
            }
        }
        let now = jiffies64();
        // Frames from the uplink are timed for VMQ load sampling, when VMQ has vPort queues.
        let timed = src.is_uplink && self.vmq_timing.load(Ordering::Relaxed);
        let t0 = if timed { now_ns() } else { 0 };
        let dst = view.l2.dst;
        self.learn(table, src, &view.l2.src, vid, now, &g);

        let found = self.fdb.lookup(&g, &dst, vid, now);
        let mut ctx = Outgoing { src, vid, view, snoop: None, g: &g };
        match fdb::forward(&dst, found.as_ref()) {
            Dest::Port(p) if p == src_id => {
                // Destination is on the port it came from: filtered, like the bridge.
            }
            Dest::Port(p) => match table.slot(p) {
                Some(d) if src.is_uplink => {
                    ctx.deliver(d, skb, Some(&self.steer));
                    if timed {
                        d.stats.add(cnt::VMQ_PACKETS, 1);
                        d.stats.add(cnt::VMQ_NS, now_ns().wrapping_sub(t0));
                    }
                }
                Some(d) => ctx.deliver(d, skb, None),
                None => self.flood(table, &mut ctx, skb),
            },
            Dest::Flood => self.flood(table, &mut ctx, skb),
        }
    }

    fn flood(&self, table: &PortTable, ctx: &mut Outgoing<'_>, skb: Skb) {
        let src = ctx.src;
        if let Some(p) = &src.policy {
            if !p.guard.storm_allows() {
                return src.drop_in(skb, cnt::DROP_STORM, DropReason::NotSpecified);
            }
        }
        self.stats.add(cnt::FLOODED, 1);
        let mut last: Option<&Slot> = None;
        for s in table.slots.iter().flatten() {
            if s.id == src.id || !s.vlan.allows(ctx.vid) || !s.dev.running() {
                continue;
            }
            if let Some(prev) = last {
                match skb.try_clone() {
                    Some(c) => ctx.deliver(prev, c, None),
                    None => prev.stats.add(cnt::RX_DROPPED, 1),
                }
            }
            last = Some(s);
        }
        if let Some(s) = last {
            ctx.deliver(s, skb, None);
        }
    }
}

/// A DHCP reply from a trusted port, read once for every port it reaches (snooping for the
/// IP source guard).
enum Snoop {
    /// Not a DHCP reply from a trusted port.
    Nothing,
    V4(Dhcp4),
    /// The addresses (and valid lifetimes) of a DHCPv6 Reply; at most four are kept.
    V6([(Ip, u32); 4], usize),
}

/// One frame on its way out: where it came from, its VLAN, what was read of it.
struct Outgoing<'a> {
    src: &'a Slot,
    vid: u16,
    view: View,
    /// `None` until the first port with the IP source guard needs it.
    snoop: Option<Snoop>,
    g: &'a rcu::ReadGuard,
}

impl Outgoing<'_> {
    /// DHCP snooping: a reply from a trusted port (the uplink, or a vPort marked trusted)
    /// makes bindings on the ports with the IP source guard that it reaches.
    fn snoop(&mut self, d: &Slot, skb: &Skb) {
        let Some(pg) = d.policy.as_ref().map(|p| &p.guard) else { return };
        if pg.flags() & guard::IP_GUARD == 0 {
            return;
        }
        if self.snoop.is_none() {
            let trusted = self.src.is_uplink || self.src.policy.as_ref().is_some_and(|p| p.guard.flags() & guard::TRUSTED != 0);
            let l3 = *self.view.l3(skb);
            let b = Frame(skb);
            self.snoop = Some(match (trusted, l3.ip_ver, l3.ports, l3.l4) {
                (true, 4, Some((67, 68)), Some(l4)) => frame::parse_dhcp4(&b, l4).map_or(Snoop::Nothing, Snoop::V4),
                (true, 6, Some((547, 546)), Some(l4)) => {
                    let mut a = [(Ip::default(), 0u32); 4];
                    let mut n = 0;
                    let t = frame::parse_dhcp6(&b, l4, |ip, valid| {
                        if n < a.len() {
                            a[n] = (ip, valid);
                            n += 1;
                        }
                    });
                    if t == Some(frame::DHCPV6_REPLY) {
                        Snoop::V6(a, n)
                    } else {
                        Snoop::Nothing
                    }
                }
                _ => Snoop::Nothing,
            });
        }
        match &self.snoop {
            Some(Snoop::V4(m)) => pg.snoop_dhcp4(m),
            Some(Snoop::V6(a, n)) => pg.snoop_dhcp6(&a[..*n]),
            _ => {}
        }
    }

    /// Egress of the frame through port `d`. With `steer`, a vPort that has a steering CPU
    /// (VMQ software backend) receives it on that CPU.
    fn deliver(&mut self, d: &Slot, mut skb: Skb, steer: Option<&Steer>) {
        let dev: &NetDevice = &d.dev;
        if !dev.running() {
            d.stats.add(cnt::DROP_DOWN, 1);
            d.stats.add(cnt::TX_DROPPED, 1);
            return skb.drop_with(DropReason::DevReady);
        }
        // The destination port's "out" policy (toward the port).
        if let Some(pol) = &d.policy {
            if !d.pass(pol.check(portpolicy::OUT, self.g, &mut self.view, &skb, self.vid), cnt::TX_DROPPED) {
                return;
            }
        }
        self.snoop(d, &skb);
        match d.vlan.egress(self.vid) {
            Egress::Untagged => skb.set_vlan(None),
            Egress::Tagged(v) => skb.set_vlan(Some(v)),
            Egress::Drop => {
                d.stats.add(cnt::DROP_VLAN, 1);
                return;
            }
        }
        let len = u64::from(skb.len());
        let src = self.src;
        if d.is_uplink {
            // Leaving through the uplink: the uplink "transmits" it, tagged with its source
            // vPort and weight for the uplink's `vswitch` qdisc (bandwidth weights).
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
}

/// The object behind a vPort netdev (its private data).
pub(crate) struct PortCore {
    pub(crate) id: u32,
    pub(crate) switch: Arc<SwitchCore>,
    pub(crate) stats: Arc<Stats>,
    pub(crate) policy: Arc<PortPolicy>,
}

impl VportOps for PortCore {
    fn xmit(&self, tx: &Tx<'_>, skb: Skb) {
        // The host or VM sent it: the vPort device "transmits". A rate-in limit shapes it
        // like a slower NIC: the frame goes, and the queues pause until the bucket refills.
        let len = skb.len();
        let (ok, wait) = self.policy.rate[portpolicy::IN].shape(len);
        if !ok {
            self.stats.add(cnt::DROP_RATE, 1);
            self.stats.add(cnt::TX_DROPPED, 1);
            tx.pause(wait.max(1));
            return;
        }
        self.stats.add(cnt::TX_PACKETS, 1);
        self.stats.add(cnt::TX_BYTES, u64::from(len));
        self.switch.forward(self.id, skb);
        if wait > 0 {
            tx.pause(wait);
        }
    }

    fn set_up(&self, dev: &NetDevice, up: bool) {
        // Carrier follows admin state (a vPort always belongs to a switch).
        crate::net::vport::set_carrier(dev, up);
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
    fn rx(&self, _dev: &NetDevice, skb: Skb) {
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
