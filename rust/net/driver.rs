// SPDX-License-Identifier: GPL-2.0
//! A network device's driver operations (`net_device_ops`, `ethtool_ops`), for calling them
//! from outside the stack as rtnetlink and ethtool do: only while the driver is attached.

use crate::bindings;
use crate::errno::eopnotsupp;
use crate::net::NetDevice;
use crate::sync::rtnl::Held;
use kernel::error::{code::ENODEV, Result};

/// Whether `dev`'s driver is attached: registered, or being unregistered but not done. RTNL
/// is held, and a device being unregistered that can still be borrowed is either held by a
/// reference (the end of unregistration waits for it) or the subject of the notifier we run
/// in: either way its driver is still inside `unregister_netdev`, loaded.
fn attached(_rtnl: Held<'_>, dev: &NetDevice) -> bool {
    // SAFETY: valid device (NetDevice invariant); `reg_state` is written with `WRITE_ONCE`.
    let s = u32::from(unsafe { core::ptr::read_volatile(&raw const (*dev.as_ptr()).reg_state) });
    s == bindings::netdev_reg_state_NETREG_REGISTERED || s == bindings::netdev_reg_state_NETREG_UNREGISTERING
}

/// The device's `net_device_ops` (`ENODEV` once its driver may be gone).
pub fn netdev_ops<'a>(rtnl: Held<'a>, dev: &'a NetDevice) -> Result<&'a bindings::net_device_ops> {
    if !attached(rtnl, dev) {
        return Err(ENODEV);
    }
    // SAFETY: set before registration to the driver's static ops, which stay loaded while the
    // driver is attached (above); RTNL is held for `'a`.
    unsafe { (*dev.as_ptr()).netdev_ops.as_ref() }.ok_or_else(eopnotsupp)
}

/// The device's `ethtool_ops` (`EOPNOTSUPP` if it has none, `ENODEV` once its driver may be
/// gone).
pub fn ethtool_ops<'a>(rtnl: Held<'a>, dev: &'a NetDevice) -> Result<&'a bindings::ethtool_ops> {
    if !attached(rtnl, dev) {
        return Err(ENODEV);
    }
    // SAFETY: as for `netdev_ops`.
    unsafe { (*dev.as_ptr()).ethtool_ops.as_ref() }.ok_or_else(eopnotsupp)
}
