// SPDX-License-Identifier: GPL-2.0
//! vswitch: a Hyper-V style virtual switch for Linux (crate root of `vswitch.ko`).
//!
//! Modules: `sys` (the `rust/` foundation: bindings and safe abstractions; the only place
//! with code the compiler cannot check), `uapi` (the netlink UAPI shared with `vswctl`), `netlink` (the generic netlink
//! family), `vmq` and `irq_remap` (receive scaling and SR-IOV; filled by later work).

use kernel::prelude::*;

// The foundation exports a general API; not every item is used by every build.
#[allow(dead_code, unreachable_pub)]
#[path = "../rust/mod.rs"]
mod sys;

#[path = "../vmq/mod.rs"]
mod vmq;

#[path = "../irq-remap/mod.rs"]
mod irq_remap;

mod acl;
mod fdb;
mod mac;
mod netlink;
mod portpolicy;
mod switch;
mod tb;
mod uapi;
mod vlan;
mod wfq;

module! {
    type: VswitchModule,
    name: "vswitch",
    author: "vswitch developers",
    description: "Hyper-V style virtual switch with VMQ, Dynamic VMQ and SR-IOV vPorts",
    license: "GPL",
    alias: ["net-pf-16-proto-16-family-vswitch"],
}

struct VswitchModule {
    genl: Option<sys::genl::Registration<netlink::VswitchFamily>>,
    notifier: Option<sys::netdev::Notifier<switch::Events>>,
    ager: Option<sys::timer::Periodic<Ager>>,
    balancer: Option<sys::timer::Periodic<Balancer>>,
    qdisc: Option<sys::qdisc::Registration<wfq::Wfq>>,
}

/// Period of the VMQ sampling/balancing work; each switch acts on its own interval.
const VMQ_TICK_MS: u32 = 100;

/// Samples VMQ queue loads and runs the Dynamic VMQ balancer.
struct Balancer;

impl sys::timer::PeriodicOps for Balancer {
    fn run() {
        netlink::vmq_tick(VMQ_TICK_MS);
    }
}

/// Collects aged-out FDB entries every second (lookups already ignore them).
struct Ager;

impl sys::timer::PeriodicOps for Ager {
    fn run() {
        let mut g = sys::rtnl::Rtnl::lock();
        let (mut reg, _) = switch::REGISTRY.get(&mut g);
        reg.age();
    }
}

impl kernel::Module for VswitchModule {
    fn init(module: &'static ThisModule) -> Result<Self> {
        let notifier = sys::netdev::Notifier::register()?;
        let ager = sys::timer::Periodic::start(1000)?;
        let balancer = sys::timer::Periodic::start(VMQ_TICK_MS)?;
        let qdisc = sys::qdisc::Registration::register()?;
        let genl = sys::genl::Registration::register(module)?;
        pr_info!("vswitch {} loaded (genl family {})\n", uapi::VERSION, uapi::FAMILY_NAME);
        Ok(VswitchModule { genl: Some(genl), notifier: Some(notifier), ager: Some(ager), balancer: Some(balancer), qdisc: Some(qdisc) })
    }
}

impl Drop for VswitchModule {
    fn drop(&mut self) {
        // No new requests, then no more ageing, then tear every switch down (under RTNL),
        // and only then stop watching netdev events.
        drop(self.genl.take());
        drop(self.ager.take());
        drop(self.balancer.take());
        let off = {
            let mut g = sys::rtnl::Rtnl::lock();
            let (mut reg, held) = switch::REGISTRY.get(&mut g);
            reg.clear(held);
            reg.take_sriov_off()
        };
        // VFs the switches enabled, disabled without RTNL (PF drivers take it).
        switch::sriov_off(off);
        // The qdisc kind goes, with any instance `tc` put on a device (takes RTNL).
        drop(self.qdisc.take());
        drop(self.notifier.take());
        pr_info!("vswitch unloaded\n");
    }
}
