// SPDX-License-Identifier: GPL-2.0
//! vswitch: a Hyper-V style virtual switch for Linux (crate root of `vswitch.ko`).
//!
//! Modules: `sys` (the `rust/` foundation: bindings and safe abstractions, all `unsafe`
//! code), `uapi` (the netlink UAPI shared with `vswctl`), `netlink` (the generic netlink
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

mod netlink;
mod uapi;

module! {
    type: VswitchModule,
    name: "vswitch",
    author: "vswitch developers",
    description: "Hyper-V style virtual switch with VMQ, Dynamic VMQ and SR-IOV vPorts",
    license: "GPL",
    alias: ["net-pf-16-proto-16-family-vswitch"],
}

struct VswitchModule {
    _genl: sys::genl::Registration<netlink::VswitchFamily>,
}

impl kernel::Module for VswitchModule {
    fn init(module: &'static ThisModule) -> Result<Self> {
        let genl = sys::genl::Registration::register(module)?;
        pr_info!("vswitch {} loaded (genl family {})\n", uapi::VERSION, uapi::FAMILY_NAME);
        Ok(VswitchModule { _genl: genl })
    }
}

impl Drop for VswitchModule {
    fn drop(&mut self) {
        pr_info!("vswitch unloading\n");
    }
}
