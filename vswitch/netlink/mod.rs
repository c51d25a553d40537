// SPDX-License-Identifier: GPL-2.0
//! The `vswitch` generic netlink family: policy and command handlers.
//!
//! Every handler validates its attributes with a clear extack message, and works on the
//! switches of the requester's network namespace only (`registry.rs`), under RTNL. Events are
//! sent only after a change succeeded, and only to listeners in that namespace (`events.rs`).


mod acl;
mod attrs;
mod binding;
pub(crate) mod events;
mod family;
mod fdb;
mod irq;
mod port;
mod switch;
mod vmq;

pub(crate) use family::VswitchFamily;
pub(crate) use port::{fill_port, fill_vf_port};
pub(crate) use switch::fill_switch;
