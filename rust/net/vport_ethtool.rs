// SPDX-License-Identifier: GPL-2.0
//! The ethtool operations of vPorts: `ethtool -i` reports the owner's driver name and
//! version, `ethtool -S` its per-port counters ([`VportOps::COUNTERS`]), `ethtool` the link
//! (carrier). One static table for every vPort (as `netdev_ops`); each callback reaches the
//! device's `T: VportOps` through its private area.
//!
//! [`VportOps::COUNTERS`]: super::VportOps::COUNTERS

use super::vport::vport_priv;
use crate::bindings;
use crate::errno::eopnotsupp;
use kernel::ffi::c_int;

/// `ETH_GSTRING_LEN`: the size of one counter name in `ethtool -S` strings.
const GSTRING_LEN: usize = bindings::ETH_GSTRING_LEN as usize;

/// The `ethtool_ops` of every vPort.
#[repr(transparent)]
struct EthtoolOps(bindings::ethtool_ops);

// SAFETY: the table is immutable plain data (function pointers) shared with the kernel.
unsafe impl Sync for EthtoolOps {}

static VPORT_ETHTOOL: EthtoolOps = EthtoolOps({
    // SAFETY: all-zero `ethtool_ops` means "no callback" for every member and no
    // capabilities.
    let mut ops: bindings::ethtool_ops = unsafe { core::mem::zeroed() };
    ops.get_drvinfo = Some(get_drvinfo);
    ops.get_link = Some(bindings::ethtool_op_get_link);
    ops.get_sset_count = Some(get_sset_count);
    ops.get_strings = Some(get_strings);
    ops.get_ethtool_stats = Some(get_ethtool_stats);
    ops
});

/// The table, for `net_device::ethtool_ops` of a vPort.
pub(super) fn ops() -> *const bindings::ethtool_ops {
    &VPORT_ETHTOOL.0
}

/// Copies `s` into the C string field `dst`, truncated and NUL-terminated (`strscpy`).
fn copy_str(dst: &mut [kernel::ffi::c_char], s: &str) {
    let n = s.len().min(dst.len().saturating_sub(1));
    for (d, b) in dst.iter_mut().zip(&s.as_bytes()[..n]) {
        *d = *b as kernel::ffi::c_char;
    }
    if let Some(z) = dst.get_mut(n) {
        *z = 0;
    }
}

/// # Safety
/// Called by the ethtool core (RTNL held) for a vPort (only vPorts have these ops) with a
/// drvinfo buffer to fill.
unsafe extern "C" fn get_drvinfo(dev: *mut bindings::net_device, info: *mut bindings::ethtool_drvinfo) {
    // SAFETY: a registered vPort whose private area is set (only `vport_setup` gives a device
    // these ops); `info` is the core's buffer, ours for the call.
    unsafe {
        let p = vport_priv(dev);
        let info = &mut *info;
        copy_str(&mut info.driver, p.vt.driver);
        copy_str(&mut info.version, p.vt.version);
    }
}

/// # Safety
/// As [`get_drvinfo`].
unsafe extern "C" fn get_sset_count(dev: *mut bindings::net_device, sset: c_int) -> c_int {
    if sset != bindings::ethtool_stringset_ETH_SS_STATS as c_int {
        return eopnotsupp().to_errno();
    }
    // SAFETY: as in `get_drvinfo`.
    let names = unsafe { vport_priv(dev) }.vt.counter_names;
    names.len() as c_int
}

/// # Safety
/// As [`get_drvinfo`]; for `ETH_SS_STATS`, `data` has room for `get_sset_count` names of
/// `ETH_GSTRING_LEN` bytes.
unsafe extern "C" fn get_strings(dev: *mut bindings::net_device, sset: u32, data: *mut u8) {
    if sset != bindings::ethtool_stringset_ETH_SS_STATS {
        return;
    }
    // SAFETY: as in `get_drvinfo`.
    let names = unsafe { vport_priv(dev) }.vt.counter_names;
    // SAFETY: the core sized `data` from `get_sset_count`, which is `names.len()` (the same
    // static table for the device's whole life).
    let out = unsafe { core::slice::from_raw_parts_mut(data, names.len() * GSTRING_LEN) };
    for (slot, name) in out.chunks_exact_mut(GSTRING_LEN).zip(names) {
        let n = name.len().min(GSTRING_LEN - 1);
        slot[..n].copy_from_slice(&name.as_bytes()[..n]);
        slot[n..].fill(0);
    }
}

/// # Safety
/// As [`get_drvinfo`]; `data` has room for `get_sset_count(ETH_SS_STATS)` values.
unsafe extern "C" fn get_ethtool_stats(dev: *mut bindings::net_device, _st: *mut bindings::ethtool_stats, data: *mut u64) {
    // SAFETY: as in `get_drvinfo`; the private area's `Arc` lives until the destructor.
    let p = unsafe { vport_priv(dev) };
    // SAFETY: the core sized `data` from `get_sset_count`, `counter_names.len()` values.
    let out = unsafe { core::slice::from_raw_parts_mut(data, p.vt.counter_names.len()) };
    // SAFETY: the private area's `Arc<T>` with `T`'s table, alive until the destructor.
    unsafe { (p.vt.counters)(p.ops, out) };
}
