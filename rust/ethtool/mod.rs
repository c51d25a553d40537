// SPDX-License-Identifier: GPL-2.0
//! ethtool ntuple (rxnfc) rules as VMQ uses them: `ETHER_FLOW` rules `dst MAC [vlan VID]
//! action Q`, through the driver ops the `ethtool -N` ioctl calls, and the number of RX
//! rings. Nothing here knows a particular driver.

pub mod loc;

use crate::bindings;
use crate::errno::eopnotsupp;
use crate::net::{driver, NetDevice};
use crate::sync::rtnl::Held;
use kernel::alloc::{flags::GFP_KERNEL, KVec};
use kernel::error::{code::*, to_result, Result};

type GetRxnfc = unsafe extern "C" fn(*mut bindings::net_device, *mut bindings::ethtool_rxnfc, *mut u32) -> i32;
type SetRxnfc = unsafe extern "C" fn(*mut bindings::net_device, *mut bindings::ethtool_rxnfc) -> i32;

/// The rxnfc ops of `dev`, each if the driver has it.
fn ops(rtnl: Held<'_>, dev: &NetDevice) -> Result<(Option<GetRxnfc>, Option<SetRxnfc>)> {
    let o = driver::ethtool_ops(rtnl, dev)?;
    Ok((o.get_rxnfc, o.set_rxnfc))
}

/// Both rxnfc ops, which rule insertion needs.
fn both(rtnl: Held<'_>, dev: &NetDevice) -> Result<(GetRxnfc, SetRxnfc)> {
    match ops(rtnl, dev)? {
        (Some(g), Some(s)) => Ok((g, s)),
        _ => Err(eopnotsupp()),
    }
}

/// A request for `cmd`, the rest zeroed.
fn request(cmd: u32) -> bindings::ethtool_rxnfc {
    bindings::ethtool_rxnfc { cmd, ..Default::default() }
}

/// RX rings of `dev` when it filters by ntuple rules (`NETIF_F_NTUPLE` on and the rxnfc ops
/// present); an error (`EOPNOTSUPP` usually) otherwise.
pub fn rx_rings(rtnl: Held<'_>, dev: &NetDevice) -> Result<u32> {
    let (get, _) = both(rtnl, dev)?;
    // SAFETY: valid device; its features change only under RTNL.
    if unsafe { (*dev.as_ptr()).features } & (1u64 << bindings::NETIF_F_NTUPLE_BIT) == 0 {
        return Err(eopnotsupp());
    }
    let mut info = request(bindings::ETHTOOL_GRXRINGS);
    // SAFETY: the driver's op on its device (attached: `driver::ethtool_ops`), under RTNL as
    // ethtool calls it; no rule locations are asked for.
    to_result(unsafe { get(dev.as_ptr(), &mut info, core::ptr::null_mut()) })?;
    Ok(info.data.min(i32::MAX as u64) as u32)
}

/// A free rule location of `dev` (`RX_CLS_LOC_ANY` when the driver chooses).
fn free_location(dev: &NetDevice, get: GetRxnfc) -> Result<u32> {
    let mut info = request(bindings::ETHTOOL_GRXCLSRLCNT);
    // SAFETY: as in `rx_rings`.
    to_result(unsafe { get(dev.as_ptr(), &mut info, core::ptr::null_mut()) })?;
    if info.data & u64::from(bindings::RX_CLS_LOC_SPECIAL) != 0 {
        return Ok(bindings::RX_CLS_LOC_ANY);
    }
    let size = u32::try_from(info.data).unwrap_or(u32::MAX);
    if !loc::table_ok(size) {
        return Err(ENOSPC);
    }
    // SAFETY: `GRXCLSRLCNT` answers in `rule_cnt` (a plain integer either way).
    let cnt = unsafe { info.__bindgen_anon_1.rule_cnt };
    let mut locs = KVec::from_elem(0u32, cnt.max(1) as usize, GFP_KERNEL)?;
    info.cmd = bindings::ETHTOOL_GRXCLSRLALL;
    // SAFETY: as in `rx_rings`; `locs` has room for the `rule_cnt` locations the request
    // says it has.
    to_result(unsafe { get(dev.as_ptr(), &mut info, locs.as_mut_ptr()) })?;
    // SAFETY: as above; the driver sets the count it wrote.
    let cnt = (unsafe { info.__bindgen_anon_1.rule_cnt } as usize).min(locs.len());
    loc::free_location(size, &mut locs[..cnt]).ok_or(ENOSPC)
}

/// Inserts a rule sending frames to `mac` (in VLAN `vid`, when given and not 0) to RX queue
/// `queue`; returns the rule's location.
pub fn insert(rtnl: Held<'_>, dev: &NetDevice, mac: &[u8; 6], vid: Option<u16>, queue: u32) -> Result<u32> {
    let (get, set) = both(rtnl, dev)?;
    let mut info = request(bindings::ETHTOOL_SRXCLSRLINS);
    let fs = &mut info.fs;
    fs.location = free_location(dev, get)?;
    fs.flow_type = bindings::ETHER_FLOW;
    fs.h_u.ether_spec.h_dest = *mac;
    fs.m_u.ether_spec.h_dest = [0xff; 6];
    if let Some(vid) = vid.filter(|v| *v > 0) {
        let mask = bindings::VLAN_VID_MASK as u16;
        fs.flow_type |= bindings::FLOW_EXT;
        fs.h_ext.vlan_tci = (vid & mask).to_be();
        fs.m_ext.vlan_tci = mask.to_be();
    }
    fs.ring_cookie = u64::from(queue);
    // SAFETY: the driver's op on its attached device, under RTNL as ethtool calls it.
    to_result(unsafe { set(dev.as_ptr(), &mut info) })?;
    Ok(info.fs.location)
}

/// Deletes the rule at `loc`.
pub fn delete(rtnl: Held<'_>, dev: &NetDevice, loc: u32) -> Result {
    let (_, set) = ops(rtnl, dev)?;
    let set = set.ok_or_else(eopnotsupp)?;
    let mut info = request(bindings::ETHTOOL_SRXCLSRLDEL);
    info.fs.location = loc;
    // SAFETY: as in `insert`.
    to_result(unsafe { set(dev.as_ptr(), &mut info) })
}
