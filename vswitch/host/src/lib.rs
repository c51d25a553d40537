// SPDX-License-Identifier: GPL-2.0
//! Host build of the module's pure files. The very same source files that `vswitch.ko`
//! compiles (they depend only on `core`) are included here with `#[path]`, so their logic is
//! tested by `cargo test` in seconds, without a kernel.
#![no_std]

#[path = "../../uapi.rs"]
pub mod uapi;

#[path = "../../name.rs"]
pub mod name;

#[path = "../../mac.rs"]
pub mod mac;

#[path = "../../vlan.rs"]
pub mod vlan;

#[path = "../../frame.rs"]
pub mod frame;

#[path = "../../guard.rs"]
pub mod guard;

#[path = "../../fdb.rs"]
pub mod fdb;

#[path = "../../../vmq/policy.rs"]
pub mod dvmq;

#[path = "../../acl.rs"]
pub mod acl;

#[path = "../../tb.rs"]
pub mod tb;

#[path = "../../wfq.rs"]
pub mod wfq;

#[path = "../../../rust/ethtool/loc.rs"]
pub mod ethtool_loc;
