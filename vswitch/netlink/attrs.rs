// SPDX-License-Identifier: GPL-2.0
//! Reading request attributes: names, integers, MACs, VLAN settings (the policy checked
//! types and lengths; these read them and check what the policy cannot).

use crate::control::{CfgResult, Fail};
use crate::mac::Mac;
use crate::net::genl::Request;
use crate::uapi::{attr, vlan_mode};
use crate::vlan::{VlanMode, VlanSet};
use kernel::str::CStr;
use kernel::{c_str, prelude::*};

pub(super) fn need_str<'a>(req: &Request<'a>, ty: u16, missing: &'static CStr) -> CfgResult<&'a str> {
    match req.attr(ty) {
        Some(a) => a.str().map_err(|_| Fail(EINVAL, c_str!("vswitch: name is not valid UTF-8"))),
        None => Err(Fail(EINVAL, missing)),
    }
}

pub(super) fn opt_u32(req: &Request<'_>, ty: u16) -> CfgResult<Option<u32>> {
    req.attr(ty).map(|a| a.u32()).transpose().map_err(Fail::from)
}

pub(super) fn opt_u16(req: &Request<'_>, ty: u16) -> CfgResult<Option<u16>> {
    req.attr(ty).map(|a| a.u16()).transpose().map_err(Fail::from)
}

pub(super) fn opt_mac(req: &Request<'_>) -> CfgResult<Option<Mac>> {
    match req.attr(attr::MAC) {
        None => Ok(None),
        Some(a) => match Mac::from_slice(a.bytes()) {
            Some(m) => Ok(Some(m)),
            None => Err(Fail(EINVAL, c_str!("vswitch: MAC address must be 6 bytes"))),
        },
    }
}

/// `VLAN` of an FDB entry (1 when not given; the policy keeps it in 1..4094).
pub(super) fn vid(req: &Request<'_>) -> CfgResult<u16> {
    Ok(opt_u16(req, attr::VLAN)?.unwrap_or(1))
}

/// The VLAN mode requested by `VLAN_MODE`/`PVID`/`VLANS`/`NATIVE`, if any. A `PVID` alone
/// means access mode.
pub(super) fn vlan_mode_of(req: &Request<'_>) -> CfgResult<Option<VlanMode>> {
    let mode = req.attr(attr::VLAN_MODE).map(|a| a.u8()).transpose()?;
    let pvid = opt_u16(req, attr::PVID)?;
    let native = opt_u16(req, attr::NATIVE)?;
    let vlans = req.attr(attr::VLANS);
    match mode {
        None if pvid.is_none() && vlans.is_none() && native.is_none() => Ok(None),
        None | Some(vlan_mode::ACCESS) if vlans.is_none() && native.is_none() => {
            let Some(p) = pvid else {
                return Err(Fail(EINVAL, c_str!("vswitch: access mode needs a pvid")));
            };
            Ok(Some(VlanMode::Access { pvid: p }))
        }
        Some(vlan_mode::TRUNK) if pvid.is_none() => {
            let Some(v) = vlans else {
                return Err(Fail(EINVAL, c_str!("vswitch: trunk mode needs a VLAN list")));
            };
            let allowed = VlanSet::from_bitmap(v.bytes())
                .map_err(|_| Fail(ERANGE, c_str!("vswitch: VLAN list has ids outside 1..4094")))?;
            // The policy keeps PVID in 1..4094 and NATIVE in 0..4094 (0: none).
            let native = native.filter(|n| *n != 0);
            Ok(Some(VlanMode::Trunk { allowed, native }))
        }
        Some(vlan_mode::ACCESS) | None => {
            Err(Fail(EINVAL, c_str!("vswitch: access mode takes only a pvid (no VLAN list or native)")))
        }
        Some(vlan_mode::TRUNK) => Err(Fail(EINVAL, c_str!("vswitch: trunk mode takes vlans and native, not pvid"))),
        Some(_) => unreachable!("the policy allows only access and trunk"),
    }
}
