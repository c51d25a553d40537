// SPDX-License-Identifier: GPL-2.0
//! The netdevice notifier: device events from all namespaces, under RTNL.

use crate::bindings;
use crate::net::device::NetDevice;
use crate::sync::rtnl::RtnlCallback;
use core::marker::PhantomData;
use kernel::alloc::{flags::GFP_KERNEL, KBox};
use kernel::error::{Error, Result};
use kernel::ffi::{c_int, c_ulong, c_void};
use kernel::types::Opaque;

/// A netdevice event the switch acts on.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum NetdevEvent {
    /// The device is being unregistered, or is leaving its namespace (it stays registered).
    Unregister,
    /// Its hardware address changed.
    ChangeAddr,
    /// Its state changed (`NETDEV_CHANGE`: carrier, operational state).
    Change,
}

/// Receives netdevice events (all namespaces), under RTNL. The events may come from inside
/// our own RTNL sections (see [`RtnlCallback`]).
pub trait NotifierOps: Sync + 'static {
    /// `ev` happened to `dev`.
    fn event(rtnl: &mut RtnlCallback, ev: NetdevEvent, dev: &NetDevice);
}

/// A registered netdevice notifier; dropping it unregisters.
///
/// # Invariants
/// `nb` is registered and stays at the same address until drop.
pub struct Notifier<T: NotifierOps> {
    nb: KBox<Opaque<bindings::notifier_block>>,
    _t: PhantomData<T>,
}

// SAFETY: only used to unregister on drop.
unsafe impl<T: NotifierOps> Send for Notifier<T> {}
// SAFETY: no methods through `&self`.
unsafe impl<T: NotifierOps> Sync for Notifier<T> {}

impl<T: NotifierOps> Notifier<T> {
/// # Safety
/// Called by the notifier chain under RTNL with a `netdev_notifier_info` for `event`.
    unsafe extern "C" fn call(_nb: *mut bindings::notifier_block, event: c_ulong, ptr: *mut c_void) -> c_int {
        let ev = match event as u32 {
            bindings::netdev_cmd_NETDEV_UNREGISTER => NetdevEvent::Unregister,
            bindings::netdev_cmd_NETDEV_CHANGEADDR => NetdevEvent::ChangeAddr,
            bindings::netdev_cmd_NETDEV_CHANGE => NetdevEvent::Change,
            _ => return bindings::NOTIFY_DONE as c_int,
        };
        // SAFETY: netdevice notifiers run under RTNL with a valid info pointer whose device
        // is valid for the call; the token and the reference do not outlive this call.
        let (mut rtnl, dev) = unsafe { (RtnlCallback::new(), NetDevice::from_raw(bindings::vsw_netdev_notifier_dev(ptr))) };
        T::event(&mut rtnl, ev, dev);
        bindings::NOTIFY_DONE as c_int
    }

    /// Registers the notifier.
    pub fn register() -> Result<Self> {
        // SAFETY: an all-zero notifier_block is valid before we set the callback.
        let nb: bindings::notifier_block = unsafe { core::mem::zeroed() };
        let nb = KBox::new(Opaque::new(nb), GFP_KERNEL)?;
        // SAFETY: `nb` is ours, boxed (stable address), not yet registered.
        let ret = unsafe {
            (*nb.get()).notifier_call = Some(Self::call);
            bindings::register_netdevice_notifier(nb.get())
        };
        if ret < 0 {
            return Err(Error::from_errno(ret));
        }
        // INVARIANT: registered above; the box keeps its address.
        Ok(Notifier { nb, _t: PhantomData })
    }
}

impl<T: NotifierOps> Drop for Notifier<T> {
    fn drop(&mut self) {
        // SAFETY: registered (invariant).
        unsafe { bindings::unregister_netdevice_notifier(self.nb.get()) };
    }
}
