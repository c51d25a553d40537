// SPDX-License-Identifier: GPL-2.0
//! Where the switches live: one [`Switches`] per network namespace, like bridges and Open
//! vSwitch datapaths. A request sees and changes only its own namespace's switches (the
//! generic netlink family checks CAP_NET_ADMIN over that namespace's user namespace), events
//! go only to listeners there, and when the namespace is dismantled its switches go with it
//! (pernet exit), while vPorts of other namespaces' switches that were moved into it are
//! moved home.
//!
//! Everything here runs under RTNL. Every borrow of the registry goes through [`with`] (or
//! `with_callback` for kernel callbacks) and ends with an epilogue: netdevice events that
//! arrived while the registry was borrowed (our own operations unregister devices and change
//! addresses, and devices stacked on ours go with them) were only noted; the epilogue looks
//! at every switch again, so no event is dropped and no device reference outlives the
//! device's unregistration.

use crate::control::{Switches, GFP_REQ};
use crate::name::Name;
use crate::netlink::events;
use crate::net::{is_vport, Net, NetDevice, NetKey, NetPtr, NetdevEvent, NotifierOps};
use crate::pci::PciDev;
use kernel::types::ARef;
use crate::net::pernet::PernetOps;
use crate::sync::rtnl::{Held, Rtnl, RtnlCallback, RtnlCell};
use crate::kvec::{vec_pop, vec_remove, vec_retain};
use crate::sync::workqueue::StaticWork;
use crate::vmq::balancer;
use kernel::alloc::KVec;
use kernel::c_str;
use kernel::prelude::*;

/// The switches of one namespace.
pub(crate) struct NetEntry {
    /// Valid while the entry exists: the namespace's pernet exit removes the entry first.
    net: NetPtr,
    pub(crate) sw: Switches,
}

impl NetEntry {
    pub(crate) fn net(&self) -> Net<'_> {
        self.net.get()
    }
}

/// All namespaces that have switches.
pub(crate) struct Registry {
    nets: KVec<NetEntry>,
    /// PFs whose VFs are to be disabled once RTNL is released (PF drivers take RTNL).
    sriov_off: KVec<ARef<PciDev>>,
}

static REGISTRY: RtnlCell<Registry> = RtnlCell::new(Registry { nets: KVec::new(), sriov_off: KVec::new() });

impl Registry {
    fn idx(&self, key: NetKey) -> Option<usize> {
        self.nets.iter().position(|e| e.net.get().key() == key)
    }

    /// The switches of `net`, if it has any.
    pub(crate) fn net(&self, net: Net<'_>) -> Option<&Switches> {
        self.idx(net.key()).map(|i| &self.nets[i].sw)
    }

    /// The switches of `net`, if it has any, to change.
    pub(crate) fn net_mut(&mut self, net: Net<'_>) -> Option<&mut Switches> {
        self.idx(net.key()).map(move |i| &mut self.nets[i].sw)
    }

    /// The switches of `net`, made empty if it has none yet (for `switch add`; the epilogue
    /// drops it again if it stays empty).
    pub(crate) fn net_or_new(&mut self, net: Net<'_>) -> Result<&mut Switches> {
        let i = match self.idx(net.key()) {
            Some(i) => i,
            None => {
                // SAFETY: the entry is removed by this namespace's pernet exit
                // (`Namespaces::exit`) or by `tidy` when empty, both before it is freed.
                let ptr = unsafe { net.to_ptr() };
                self.nets.push(NetEntry { net: ptr, sw: Switches::new() }, GFP_REQ)?;
                self.nets.len() - 1
            }
        };
        Ok(&mut self.nets[i].sw)
    }

    /// Every namespace's switches.
    pub(crate) fn entries(&mut self) -> &mut [NetEntry] {
        &mut self.nets
    }

    /// Drops namespaces without switches and collects the PFs to disable.
    fn tidy(&mut self) {
        for e in self.nets.iter_mut() {
            while let Some(pf) = vec_pop(&mut e.sw.sriov_off) {
                if self.sriov_off.push(pf, GFP_REQ).is_err() {
                    pr_warn!("vswitch: out of memory: VFs left enabled\n");
                }
            }
        }
        vec_retain(&mut self.nets, |e| !e.sw.is_empty());
        if self.nets.is_empty() {
            // Free the buffer too: the registry is a static that outlives the module's
            // objects (module unload ends with an empty borrow, see `finish`).
            self.nets = KVec::new();
        }
    }

    /// Looks at every switch after devices changed under them (see the module docs);
    /// `leaving`: the device of a `NETDEV_UNREGISTER` event (it may still be registered,
    /// on its way to another namespace).
    fn settle(&mut self, rtnl: Held<'_>, leaving: Option<&NetDevice>) {
        for e in self.nets.iter_mut() {
            let net = e.net.get();
            let sws = &mut e.sw;
            for sw in sws.list.iter_mut() {
                let mut gone: KVec<Name> = KVec::new();
                let uplink_gone = sw.settle(rtnl, net, leaving, &mut sws.sriov_off, |n| {
                    // An event is best effort: without memory for the name, none is sent.
                    let _ = gone.push(*n, GFP_REQ);
                });
                for n in gone.iter() {
                    events::port_gone(rtnl, net, n.as_str(), sw.name.as_str());
                }
                if uplink_gone {
                    events::switch_changed(rtnl, net, sw);
                }
            }
        }
    }

    /// A `port set` event for each dev port whose device's carrier changed since the last
    /// one announced (`NETDEV_CHANGE` also comes for other state changes; settling looks
    /// too, for events that came while the registry was borrowed).
    fn announce_carriers(&mut self, rtnl: Held<'_>) {
        for e in self.nets.iter_mut() {
            let net = e.net.get();
            let mut changed: KVec<Name> = KVec::new();
            for sw in e.sw.list.iter_mut() {
                for p in sw.ports.iter_mut().filter(|p| p.dev.attached()) {
                    let c = p.dev.dev().carrier();
                    if c != p.carrier {
                        p.carrier = c;
                        let _ = changed.push(p.name, GFP_REQ);
                    }
                }
            }
            for n in changed.iter() {
                events::port_event(rtnl, net, &e.sw, crate::uapi::cmd::PORT_SET, n.as_str());
            }
        }
    }

    /// The end of every borrow: settle what callbacks noted meanwhile (settling can note
    /// more: look until nothing is pending), then tidy up.
    fn epilogue(&mut self, rtnl: Held<'_>) {
        while REGISTRY.take_pending(rtnl) {
            self.settle(rtnl, None);
            self.announce_carriers(rtnl);
        }
        self.tidy();
    }
}

/// Runs `f` on the registry under RTNL, then the epilogue; VFs let go are disabled after
/// RTNL is released.
pub(crate) fn with<T>(f: impl FnOnce(&mut Registry, Held<'_>) -> T) -> T {
    let mut g = Rtnl::lock();
    let (r, off) = {
        let (mut reg, h) = REGISTRY.get(&mut g);
        let r = f(&mut reg, h);
        reg.epilogue(h);
        (r, core::mem::replace(&mut reg.sriov_off, KVec::new()))
    };
    drop(g);
    sriov_off(off);
    r
}

/// Like [`with`], for a kernel callback running under RTNL. If the registry is borrowed by
/// the code that triggered the callback, the work is noted for that code's epilogue instead
/// (`f` does not run: settling covers everything a callback does).
fn with_callback(rtnl: &mut RtnlCallback, f: impl FnOnce(&mut Registry, Held<'_>)) {
    let ran = REGISTRY.try_get(rtnl).map(|(mut reg, h)| {
        f(&mut reg, h);
        reg.epilogue(h);
        !reg.sriov_off.is_empty()
    });
    let Some(pending_pfs) = ran else {
        REGISTRY.set_pending(rtnl);
        return;
    };
    if pending_pfs {
        // RTNL is our caller's: the VFs are disabled from a work item.
        SRIOV_WORK.queue();
    }
}

/// Disables the VFs of `pfs` (the switches that enabled them are gone or let their uplink
/// go). Called without RTNL.
fn sriov_off(pfs: KVec<ARef<PciDev>>) {
    for pf in pfs.iter() {
        if let Err(e) = pf.sriov_configure(0) {
            pr_warn!("vswitch: {}: disabling VFs failed ({:?})\n", pf.name(), e);
        }
    }
}

/// Disables VFs left by callbacks (an empty borrow: its epilogue hands them over).
static SRIOV_WORK: StaticWork = StaticWork::new();

fn sriov_work() {
    with(|_, _| ());
}

/// netdevice events: uplinks that leave (unregistered or moved to another namespace) are
/// detached, vPorts whose netdev is unregistered by others are removed, VMQ follows MAC
/// changes. Only devices that can be ours matter (a vPort; an uplink has an rx_handler);
/// the settling itself is in [`Registry`].
pub(crate) struct Events;

impl NotifierOps for Events {
    fn event(rtnl: &mut RtnlCallback, ev: NetdevEvent, dev: &NetDevice) {
        if ev == NetdevEvent::Change {
            // A dev port's device changed state (a tap's carrier: its VM attached or gone):
            // listeners see the port's new carrier (if the registry is borrowed, by the
            // epilogue).
            if dev.has_rx_handler(rtnl.held()) {
                with_callback(rtnl, |reg, h| reg.announce_carriers(h));
            }
            return;
        }
        let ours = is_vport(dev) || (ev == NetdevEvent::Unregister && dev.has_rx_handler(rtnl.held()));
        if ours {
            let leaving = (ev == NetdevEvent::Unregister).then_some(dev);
            with_callback(rtnl, |reg, h| reg.settle(h, leaving));
        }
    }
}

/// Network namespaces going away.
pub(crate) struct Namespaces;

impl PernetOps for Namespaces {
    fn exit(rtnl: &mut RtnlCallback, net: Net<'_>) {
        let key = net.key();
        with_callback(rtnl, |reg, h| {
            // Its switches go, with their ports wherever those are; their VFs are disabled
            // once RTNL is released.
            if let Some(i) = reg.idx(key) {
                if let Some(mut e) = vec_remove(&mut reg.nets, i) {
                    e.sw.clear(h);
                    while let Some(pf) = vec_pop(&mut e.sw.sriov_off) {
                        let _ = reg.sriov_off.push(pf, GFP_REQ);
                    }
                }
            }
            // vPorts of other namespaces' switches that live here go home, keeping their
            // port name (the netdev is renamed only if its name is taken there). Not while
            // the module unloads: every switch goes anyway.
            if balancer::closing() {
                return;
            }
            for e in reg.entries() {
                let home = e.net();
                if !home.alive() {
                    continue;
                }
                for sw in e.sw.list.iter() {
                    for (p, v) in sw.ports.iter().filter_map(|p| p.dev.vport().map(|v| (p, v))) {
                        if v.dev().net().key() == key && v.move_to(h, home, c_str!("vport%d")).is_err() {
                            pr_warn!("vswitch: port {}: cannot move its device home\n", p.name.as_str());
                        }
                    }
                }
            }
        });
    }
}

// ---- the Dynamic VMQ balancer's work (its clock is `vmq::balancer`) ----

/// Every `vmq::balancer::TICK_MS` while needed: samples the load of every switch's queues
/// and (when dynamic) moves them; each move is announced as a `VMQ_MOVE` event.
fn balance() {
    let again = with(|reg, h| {
        let mut any = false;
        for e in reg.entries() {
            let net = e.net.get();
            for sw in e.sw.list.iter_mut() {
                let mut moved: KVec<crate::vmq::Moved> = KVec::new();
                sw.vmq.tick(balancer::TICK_MS, |m| {
                    let _ = moved.push(*m, GFP_REQ);
                });
                for m in moved.iter() {
                    events::vmq_moved(h, net, sw, m);
                }
                any |= sw.vmq.needs_balancer();
            }
        }
        any
    });
    balancer::rearm(again);
}

/// Module init: the work items.
pub(crate) fn init() {
    balancer::init(balance);
    SRIOV_WORK.init(sriov_work);
}

/// Module exit, before the pernet operations go (they delete every switch): the balancer
/// stops for good.
pub(crate) fn close() {
    balancer::close();
}

/// Module exit, after every switch is gone: VFs still to disable.
pub(crate) fn finish() {
    SRIOV_WORK.flush();
    with(|_, _| ());
}
