// SPDX-License-Identifier: GPL-2.0
//! vswitch: a Hyper-V style virtual switch for Linux (crate root of `vswitch.ko`).
//!
//! Modules: the `rust/` foundation (`bindings`, and safe abstractions by subsystem: `net`,
//! `sync`, `pci`, `irq`, `cpu`, `percpu`, `ethtool`, `time`, `text`, `errno`, `kvec`; the
//! only place with code the compiler cannot check), `uapi` (the netlink UAPI shared with `vswctl`),
//! `switch` (the data path), `control` (switches and ports as configured, transactional
//! changes), `registry` (per-namespace switches, netdevice and namespace events), `netlink`
//! (the generic netlink family), `vmq` and `irq_remap` (receive scaling and SR-IOV).

use kernel::prelude::*;

// The foundation in rust/ (bindings and the safe abstractions over them, by kernel
// subsystem; the only code the compiler cannot check). It exports a general API: not every
// item is used by every build.
#[path = "../rust/bindings.rs"]
mod bindings;
#[allow(dead_code, unreachable_pub)]
#[path = "../rust/cpu.rs"]
mod cpu;
#[allow(dead_code, unreachable_pub)]
#[path = "../rust/errno.rs"]
mod errno;
#[allow(dead_code, unreachable_pub)]
#[path = "../rust/ethtool/mod.rs"]
mod ethtool;
#[allow(dead_code, unreachable_pub)]
#[path = "../rust/irq.rs"]
mod irq;
#[allow(dead_code, unreachable_pub)]
#[path = "../rust/kvec.rs"]
mod kvec;
#[allow(dead_code, unreachable_pub)]
#[path = "../rust/net/mod.rs"]
mod net;
#[allow(dead_code, unreachable_pub)]
#[path = "../rust/pci.rs"]
mod pci;
#[allow(dead_code, unreachable_pub)]
#[path = "../rust/percpu.rs"]
mod percpu;
#[allow(dead_code, unreachable_pub)]
#[path = "../rust/sync/mod.rs"]
mod sync;
#[allow(dead_code, unreachable_pub)]
#[path = "../rust/text.rs"]
mod text;
#[allow(dead_code, unreachable_pub)]
#[path = "../rust/time.rs"]
mod time;

#[path = "../vmq/mod.rs"]
mod vmq;

#[path = "../irq-remap/mod.rs"]
mod irq_remap;

mod acl;
mod control;
mod fdb;
mod fdbtable;
mod frame;
mod guard;
mod mac;
mod modinfo;
mod name;
mod netlink;
mod portguard;
mod portpolicy;
mod registry;
mod stats;
mod switch;
mod tb;
mod uapi;
mod view;
mod vlan;
mod wfq;
mod wfq_qdisc;

module! {
    type: VswitchModule,
    name: "vswitch",
    author: "vswitch developers",
    description: "Hyper-V style virtual switch with VMQ, Dynamic VMQ and SR-IOV vPorts",
    license: "GPL",
    // The generic netlink family (`vswctl` autoloads the module) and the qdisc (`tc qdisc add
    // ... vswitch` requests "net-sch-vswitch", as MODULE_ALIAS_NET_SCH does in C). The module's
    // version entry is in `modinfo` (the macro has no field for it).
    alias: ["net-pf-16-proto-16-family-vswitch", "net-sch-vswitch"],
}

/// The module's registrations, in the order they are made; `Drop` undoes them in the order
/// that keeps every user before what it uses.
struct VswitchModule {
    genl: Option<crate::net::genl::Registration<netlink::VswitchFamily>>,
    pernet: Option<crate::net::pernet::Registration<registry::Namespaces>>,
    notifier: Option<crate::net::Notifier<registry::Events>>,
    link: Option<crate::net::rtnl_link::Registration<crate::net::vport::VportKind>>,
    qdisc: Option<crate::net::qdisc::Registration<wfq_qdisc::WfqQdisc>>,
}

impl kernel::Module for VswitchModule {
    fn init(module: &'static ThisModule) -> Result<Self> {
        crate::sync::rcu::init();
        registry::init();
        let mut m = VswitchModule { genl: None, pernet: None, notifier: None, link: None, qdisc: None };
        // On failure `m` drops, undoing what was registered so far.
        m.notifier = Some(crate::net::Notifier::register()?);
        m.pernet = Some(crate::net::pernet::Registration::register()?);
        // The vPort link kind before anything can create a vPort.
        m.link = Some(crate::net::rtnl_link::Registration::register(&crate::net::VPORT_LINK)?);
        m.qdisc = Some(crate::net::qdisc::Registration::register(&wfq_qdisc::VSWITCH_QDISC)?);
        m.genl = Some(crate::net::genl::Registration::register(module)?);
        pr_info!("vswitch {} loaded (genl family {})\n", uapi::VERSION, uapi::FAMILY_NAME);
        Ok(m)
    }
}

impl Drop for VswitchModule {
    fn drop(&mut self) {
        // No new requests (and no events: the family is gone), then no balancer, then every
        // switch of every namespace torn down by the pernet exit, VFs they enabled disabled,
        // the vPort link kind gone (unregistering it deletes devices of the kind: there are
        // none left, every vPort went with its switch; one that were left would go through
        // the notifier like any deleted vPort), the qdisc kind and its instances gone, no
        // more netdevice events, and last every value still waiting for a grace period
        // freed (their drop code is ours).
        drop(self.genl.take());
        registry::close();
        drop(self.pernet.take());
        registry::finish();
        drop(self.link.take());
        drop(self.qdisc.take());
        drop(self.notifier.take());
        crate::sync::rcu::drain();
        pr_info!("vswitch unloaded\n");
    }
}
