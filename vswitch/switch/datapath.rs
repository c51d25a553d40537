// SPDX-License-Identifier: GPL-2.0
//! Switching one frame: read it once ([`View`]), admit it at the source port (port
//! protections, VLAN ingress), apply the source port's "in" policy, learn, look up, and
//! deliver to one port or flood; each delivery applies the destination's "out" policy,
//! DHCP snooping and VLAN egress.

use super::{PortTable, Slot, SwitchCore};
use crate::fdb::{self, Dest};
use crate::fdbtable::Learned;
use crate::frame::{self, Dhcp4, Ip};
use crate::guard;
use crate::mac::Mac;
use crate::net::skb::{DropReason, Skb};
use crate::net::steer::Steer;
use crate::time::now_ns;
use crate::net::NetDevice;
use crate::portpolicy::{self, Verdict};
use crate::stats::Counter;
use crate::sync::rcu;
use crate::time::{hz, jiffies64};
use crate::view::{Frame, View};
use crate::vlan::Egress;
use crate::vmq::NO_CPU;
use core::sync::atomic::Ordering;

impl Slot {
    /// Drops a frame that entered through this port, counting why (`counter`, and the
    /// port's receive drops).
    fn drop_in(&self, skb: Skb, counter: Counter, reason: DropReason) {
        self.stats.count2(counter, Counter::RxDropped);
        skb.drop_with(reason);
    }

    /// Whether another port's frames may take over an FDB entry of this port: not while the
    /// port's MAC spoofing guard is on (its own MAC is pinned to it).
    fn may_lose_entries(&self) -> bool {
        self.policy.as_ref().map_or(true, |p| !p.guard.pins())
    }

    /// Counts a policy drop; true if the frame may go on.
    fn pass(&self, v: Verdict, dropped: Counter) -> bool {
        match v {
            Verdict::Pass => true,
            Verdict::DenyAcl => {
                self.stats.count2(Counter::DropAcl, dropped);
                false
            }
            Verdict::DropRate => {
                self.stats.count2(Counter::DropRate, dropped);
                false
            }
        }
    }
}


impl SwitchCore {

    fn learn(&self, table: &PortTable, src: &Slot, mac: &Mac, vid: u16, now: u64, g: &rcu::ReadGuard) {
        let mac_max = src.policy.as_ref().map_or(0, |p| p.guard.mac_max.load(Ordering::Relaxed));
        let may_move = |owner: u32| table.slot(owner).map_or(true, Slot::may_lose_entries);
        match self.fdb.learn(g, (*mac, vid), src.id, now, mac_max, may_move) {
            Learned::Nothing => {}
            Learned::Inserted => {
                // A dynamic entry to age: make sure the ager runs (no-op if it is scheduled).
                let ageing = u64::from(self.fdb.ageing.load(Ordering::Relaxed)) * hz();
                if ageing != 0 {
                    self.ager.schedule(ageing);
                }
            }
            Learned::Refused => {
                self.stats.add(Counter::LearnRefused, 1);
                src.stats.add(Counter::LearnRefused, 1);
            }
            Learned::RefusedMacMax => src.stats.add(Counter::LearnRefusedMacMax, 1),
        }
    }

    /// The port protections a frame meets at ingress: its source MAC, its VLAN tags (read
    /// from the frame), link-local control groups, and the DHCP, router and IP source guards
    /// of the port it came from. The frame's VLAN if it may go on; otherwise the counter and
    /// drop reason to account it with.
    fn admit(&self, src: &Slot, view: &mut View, skb: &Skb, g: &rcu::ReadGuard) -> Result<u16, (Counter, DropReason)> {
        let pg = src.policy.as_ref().map(|p| &p.guard);
        let flags = pg.map_or(0, |p| p.flags());
        let own = pg.map(|p| p.mac());
        if !guard::source_ok(&view.l2.src, own.as_ref(), flags & guard::MAC_SPOOF_OK != 0) {
            return Err((Counter::DropSpoof, DropReason::MacInvalidSource));
        }
        let vid = match src.vlan.ingress(view.l2.tag.map(|t| (t.tpid, t.vid)), view.l2.more_tags) {
            Ok(v) => v,
            Err(crate::vlan::Drop::VlanNotAllowed) => return Err((Counter::DropVlan, DropReason::NotSpecified)),
            Err(crate::vlan::Drop::BadTag) => return Err((Counter::DropVlanTag, DropReason::NotSpecified)),
            Err(crate::vlan::Drop::Malformed) => return Err((Counter::DropMalformed, DropReason::PktTooSmall)),
        };
        if !guard::group_forwarded(&view.l2.dst, self.group_fwd.load(Ordering::Relaxed) as u16) {
            return Err((Counter::DropLinkLocal, DropReason::NotSpecified));
        }
        if let Some(pg) = pg {
            if guard::needs_l3(flags) {
                let l3 = *view.l3(skb);
                let why = pg.check_sent(g, &Frame(skb), &view.l2, &l3).err();
                match why {
                    None => {}
                    Some(guard::Drop::DhcpGuard) => return Err((Counter::DropDhcpGuard, DropReason::NotSpecified)),
                    Some(guard::Drop::RouterGuard) => return Err((Counter::DropRouterGuard, DropReason::NotSpecified)),
                    Some(_) => return Err((Counter::DropIpGuard, DropReason::NotSpecified)),
                }
            }
        }
        Ok(vid)
    }

    /// Switches one frame that entered through port `src_id`.
    pub(super) fn forward(&self, src_id: u32, skb: Skb) {
        let g = rcu::read_lock();
        let Some(table) = self.ports.get(&g) else { return };
        let Some(src) = table.slot(src_id) else { return };
        if !src.ready() {
            // The port's link is down (`port set P link down`): it sends nothing either.
            return src.drop_in(skb, Counter::DropDown, DropReason::DevReady);
        }
        // The frame is read once: its addresses and tags now, L3/L4 when something needs them.
        let Some(mut view) = View::new(&skb) else {
            return src.drop_in(skb, Counter::DropMalformed, DropReason::PktTooSmall);
        };
        let vid = match self.admit(src, &mut view, &skb, &g) {
            Ok(v) => v,
            Err((counter, reason)) => return src.drop_in(skb, counter, reason),
        };
        // The source port's "in" policy, before the frame can teach the FDB anything.
        if let Some(pol) = &src.policy {
            if !src.pass(pol.check(portpolicy::IN, &g, &mut view, &skb, vid), Counter::RxDropped) {
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
                        d.stats.add(Counter::VmqPackets, 1);
                        d.stats.add(Counter::VmqNs, now_ns().wrapping_sub(t0));
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
                return src.drop_in(skb, Counter::DropStorm, DropReason::NotSpecified);
            }
        }
        self.stats.add(Counter::Flooded, 1);
        let mut last: Option<&Slot> = None;
        for s in table.slots.iter().flatten() {
            if s.id == src.id || !s.vlan.allows(ctx.vid) || !s.ready() {
                continue;
            }
            if let Some(prev) = last {
                match skb.try_clone() {
                    Some(c) => ctx.deliver(prev, c, None),
                    None => prev.stats.add(Counter::RxDropped, 1),
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
        if !d.ready() {
            d.stats.count2(Counter::DropDown, Counter::TxDropped);
            return skb.drop_with(DropReason::DevReady);
        }
        // The destination port's "out" policy (toward the port).
        if let Some(pol) = &d.policy {
            if !d.pass(pol.check(portpolicy::OUT, self.g, &mut self.view, &skb, self.vid), Counter::TxDropped) {
                return;
            }
        }
        self.snoop(d, &skb);
        match d.vlan.egress(self.vid) {
            Egress::Untagged => skb.set_vlan(None),
            Egress::Tagged(v) => skb.set_vlan(Some(v)),
            Egress::Drop => {
                d.stats.add(Counter::DropVlan, 1);
                return;
            }
        }
        let len = u64::from(skb.len());
        let src = self.src;
        if d.xmit && !skb.fits(dev) {
            // Larger than the device's MTU and not GSO (a guest's tap takes anything).
            d.stats.count2(Counter::DropMalformed, if d.is_uplink { Counter::TxDropped } else { Counter::RxDropped });
            return skb.drop_with(DropReason::PktTooBig);
        }
        if d.is_uplink {
            // Leaving through the uplink: the uplink "transmits" it, tagged with its source
            // vPort and weight for the uplink's `vswitch` qdisc (bandwidth weights).
            let weight = src.policy.as_ref().map_or(0, |p| p.weight.load(Ordering::Relaxed));
            skb.set_wfq_class(src.id, weight);
            if skb.deliver_xmit(dev) {
                d.stats.frame(Counter::TxPackets, Counter::TxBytes, len);
            } else {
                d.stats.add(Counter::TxDropped, 1);
            }
        } else if d.xmit {
            // To a dev port: its device (a VM's tap) transmits it to the VM, which receives
            // it (counted as the VM sees it, as for a vPort).
            if skb.deliver_xmit(dev) {
                d.stats.frame(Counter::RxPackets, Counter::RxBytes, len);
            } else {
                d.stats.add(Counter::RxDropped, 1);
            }
        } else if match (steer, &d.steer) {
            (Some(st), Some(cell)) => match cell.load(Ordering::Relaxed) {
                NO_CPU => skb.deliver_rx(dev),
                cpu => skb.deliver_rx_on(dev, st, cpu),
            },
            _ => skb.deliver_rx(dev),
        } {
            // Arriving at a vPort: the vPort device "receives" it.
            d.stats.frame(Counter::RxPackets, Counter::RxBytes, len);
        } else {
            d.stats.add(Counter::RxDropped, 1);
        }
    }
}

