// SPDX-License-Identifier: GPL-2.0
//! The `vswitch` generic netlink family: policy and command handlers.

use crate::sys::genl::{Family, Op, Policy, Request};
use crate::uapi::{attr, cmd};
use crate::sys::errno::eopnotsupp;
use kernel::{c_str, prelude::*};

/// Longest version string we accept in a request (the attribute is reply-only).
const VERSION_MAX: u16 = 32;

/// Attribute policy, indexed by attribute number (`uapi::attr`).
static POLICY: [Policy; attr::MAX as usize + 1] = [
    Policy::unused(),             // UNSPEC
    Policy::nul_string(VERSION_MAX), // VERSION
    Policy::u32(),                // FAMILY_VERSION
];

/// The family (see `uapi.rs` for the protocol).
pub(crate) struct VswitchFamily;

impl Family for VswitchFamily {
    const NAME: &'static str = crate::uapi::FAMILY_NAME;
    const VERSION: u8 = crate::uapi::FAMILY_VERSION;
    const POLICY: &'static [Policy] = &POLICY;
    const OPS: &'static [Op] = &[Op { cmd: cmd::GET_VERSION }];

    fn doit(req: &Request<'_>) -> Result {
        match req.cmd() {
            cmd::GET_VERSION => get_version(req),
            _ => Err(req.fail(eopnotsupp(), c_str!("vswitch: unknown command"))),
        }
    }
}

fn get_version(req: &Request<'_>) -> Result {
    let mut msg = req.reply(cmd::GET_VERSION)?;
    msg.put_str(attr::VERSION, crate::uapi::VERSION)?;
    msg.put_u32(attr::FAMILY_VERSION, crate::uapi::FAMILY_VERSION.into())?;
    req.send(msg)
}
