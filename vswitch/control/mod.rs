// SPDX-License-Identifier: GPL-2.0
//! Switches and ports as configured (under RTNL): the objects behind `vswctl`, and each
//! change to them as a transaction.
//!
//! Every operation first does the steps that can fail (allocations, registrations, device
//! changes), each owned by a value whose `Drop` undoes it (a vPort netdev, an uplink's
//! rx_handler, the uplink qdisc) or undone explicitly, and only then commits with steps that
//! cannot fail (pointer swaps, stores, pushes into reserved room). So a command that fails at
//! any step leaves no trace, and the caller sends its event only after success.
//!
//! The objects of one network namespace are a [`Switches`]; `registry.rs` keeps one per
//! namespace. By object: `switch`, `uplink`, `port` (vPorts and dev ports), `devport` (what
//! stands behind a port: a vPort netdev or an attached device), `vf` (VF-backed ports and
//! SR-IOV), `fdb` (static entries and flushes).

mod devport;
mod fdb;
mod port;
mod switch;
mod uplink;
mod vf;

pub(crate) use devport::PortDev;
pub(crate) use port::{PortCfg, PortCtl};
pub(crate) use switch::{SwitchCfg, SwitchCtl};
pub(crate) use uplink::UplinkCtl;
pub(crate) use vf::VfPort;

use super::*;
use crate::errno::eopnotsupp;
use crate::name::Name;
use crate::pci::PciDev;
use kernel::types::ARef;
use kernel::alloc::{flags::GFP_KERNEL_ACCOUNT, Flags, KVec};
use kernel::c_str;

/// Allocation flags for what a request creates: charged to the requester's memory cgroup.
pub(crate) const GFP_REQ: Flags = GFP_KERNEL_ACCOUNT;

/// Errors with a user-facing message (sent as netlink extack).
pub(crate) struct Fail(pub(crate) Error, pub(crate) &'static CStr);

pub(crate) type CfgResult<T = ()> = core::result::Result<T, Fail>;

pub(crate) fn fail<T>(e: Error, m: &'static CStr) -> CfgResult<T> {
    Err(Fail(e, m))
}

impl From<kernel::alloc::AllocError> for Fail {
    fn from(_: kernel::alloc::AllocError) -> Self {
        Fail(ENOMEM, c_str!("vswitch: out of memory"))
    }
}

impl From<Error> for Fail {
    fn from(e: Error) -> Self {
        if e == ENOMEM {
            return Fail(e, c_str!("vswitch: out of memory"));
        }
        Fail(e, c_str!("vswitch: operation failed"))
    }
}

/// A name given in a request, checked.
pub(crate) fn name_of(s: &str, what: &'static CStr) -> CfgResult<Name> {
    Name::new(s).map_err(|_| Fail(EINVAL, what))
}

/// The switches of one network namespace.
pub(crate) struct Switches {
    pub(crate) list: KVec<SwitchCtl>,
    /// PFs whose VFs a switch enabled and no longer owns: disabled once RTNL is released (PF
    /// drivers take RTNL while changing VFs).
    pub(crate) sriov_off: KVec<ARef<PciDev>>,
}

impl Switches {
    pub(crate) fn new() -> Self {
        Switches { list: KVec::new(), sriov_off: KVec::new() }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    pub(crate) fn switch(&self, name: &str) -> Option<&SwitchCtl> {
        self.list.iter().find(|s| s.name == *name)
    }

    pub(crate) fn switch_idx(&self, name: &str) -> CfgResult<usize> {
        match self.list.iter().position(|s| s.name == *name) {
            Some(i) => Ok(i),
            None => fail(ENOENT, c_str!("vswitch: no such switch")),
        }
    }

    /// (switch index, port index) of vPort `name`.
    pub(crate) fn port_idx(&self, name: &str) -> CfgResult<(usize, usize)> {
        for (i, s) in self.list.iter().enumerate() {
            if let Some(j) = s.ports.iter().position(|p| p.name == *name) {
                return Ok((i, j));
            }
        }
        fail(ENOENT, c_str!("vswitch: no such port"))
    }

    /// (switch index, VF port index) of VF port `name`.
    pub(crate) fn vf_port_idx(&self, name: &str) -> CfgResult<(usize, usize)> {
        for (i, s) in self.list.iter().enumerate() {
            if let Some(j) = s.vf_ports.iter().position(|p| p.name == *name) {
                return Ok((i, j));
            }
        }
        fail(ENOENT, c_str!("vswitch: no such port"))
    }

    pub(crate) fn find_port(&self, name: &str) -> Option<(&SwitchCtl, &PortCtl)> {
        let (i, j) = self.port_idx(name).ok()?;
        Some((&self.list[i], &self.list[i].ports[j]))
    }

    pub(crate) fn find_vf_port(&self, name: &str) -> Option<(&SwitchCtl, &VfPort)> {
        let (i, j) = self.vf_port_idx(name).ok()?;
        Some((&self.list[i], &self.list[i].vf_ports[j]))
    }

    /// vPort `name` for changing its ACLs.
    pub(crate) fn port_mut(&mut self, name: &str) -> CfgResult<&mut PortCtl> {
        if self.vf_port_idx(name).is_ok() {
            return fail(eopnotsupp(), c_str!("vswitch: ACLs on VF ports are not supported (their traffic does not cross the switch)"));
        }
        let (i, j) = self.port_idx(name)?;
        Ok(&mut self.list[i].ports[j])
    }
}
