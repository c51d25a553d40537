// SPDX-License-Identifier: GPL-2.0
//! Uplinks and dev ports: existing Ethernet devices whose received frames go to the switch
//! (an rx_handler, as a bridge port's do), in promiscuous mode and without LRO while
//! attached.

use crate::bindings;
use crate::net::device::NetDevice;
use crate::net::skb::Skb;
use crate::sync::rtnl::Held;
use core::marker::PhantomData;
use kernel::error::{code::*, Error, Result};
use kernel::ffi::c_void;
use kernel::sync::Arc;
use kernel::types::{ARef, ForeignOwnable};

/// What the switch does with frames received on an uplink.
pub trait UplinkOps: Send + Sync + 'static {
    /// A frame received on the uplink `dev`; the switch takes it.
    fn rx(&self, dev: &NetDevice, skb: Skb);
}

/// An attached uplink. Dropping it detaches (under RTNL, like [`crate::net::Vport`]).
///
/// # Invariants
/// The rx_handler of `dev` is ours with an `Arc<T>` foreign pointer as its data, and we hold
/// one promiscuity count on it.
pub struct Uplink<T: UplinkOps> {
    dev: ARef<NetDevice>,
    _t: PhantomData<T>,
}

impl<T: UplinkOps> Uplink<T> {
/// # Safety
/// Called by the core (softirq, RCU read side) with a received skb of a device whose
/// rx_handler data is our `Arc<T>`.
    unsafe extern "C" fn rx_handler(pskb: *mut *mut bindings::sk_buff) -> bindings::rx_handler_result_t {
        // SAFETY: the core passes a valid skb pointer in softirq context under RCU; the
        // handler data is our `Arc<T>` until `netdev_rx_handler_unregister` + a grace period.
        unsafe {
            let skb = *pskb;
            if bindings::vsw_skb_is_loopback(skb) != 0 {
                return bindings::rx_handler_result_RX_HANDLER_PASS;
            }
            let raw = bindings::vsw_skb_dev(skb);
            let dev = NetDevice::from_raw(raw);
            // rcu_dereference(dev->rx_handler_data): set before the handler, under RCU here.
            let data = core::ptr::read_volatile(core::ptr::addr_of!((*raw).rx_handler_data));
            let ops = <Arc<T> as ForeignOwnable>::borrow(data);
            if let Some(skb) = Skb::from_raw(skb).and_then(Skb::unshare).and_then(Skb::normalize) {
                ops.rx(dev, skb);
            }
        }
        bindings::rx_handler_result_RX_HANDLER_CONSUMED
    }

    /// Attaches `dev` as an uplink. Fails with `EBUSY` if it already has an rx_handler
    /// (bridge port, another switch's uplink, bond member...).
    pub fn attach(_rtnl: Held<'_>, dev: &NetDevice, ops: Arc<T>) -> Result<Self> {
        if !dev.is_ether() {
            return Err(EINVAL);
        }
        let foreign = ops.into_foreign();
        // SAFETY: RTNL held; on success the core owns our handler/data until unregister.
        let ret = unsafe {
            bindings::vsw_rx_handler_register(dev.as_ptr(), Some(Self::rx_handler), foreign as *mut c_void)
        };
        if ret < 0 {
            // SAFETY: not registered, so the foreign pointer is still ours.
            drop(unsafe { <Arc<T> as ForeignOwnable>::from_foreign(foreign) });
            return Err(Error::from_errno(ret));
        }
        // SAFETY: RTNL held, valid device.
        let ret = unsafe { bindings::dev_set_promiscuity(dev.as_ptr(), 1) };
        if ret < 0 {
            // SAFETY: undo the registration above (it waits for a grace period), then free
            // the data: no handler runs any more.
            unsafe {
                bindings::netdev_rx_handler_unregister(dev.as_ptr());
                drop(<Arc<T> as ForeignOwnable>::from_foreign(foreign));
            }
            return Err(Error::from_errno(ret));
        }
        // Frames merged by LRO must not be forwarded (their headers no longer describe the
        // wire's frames): off while switched, as the bridge does for its ports (and, as there,
        // not turned back on when the device leaves).
        // SAFETY: RTNL held, valid device.
        unsafe { bindings::dev_disable_lro(dev.as_ptr()) };
        // INVARIANT: handler registered and promiscuity taken above.
        Ok(Uplink { dev: ARef::from(dev), _t: PhantomData })
    }

    /// The device.
    pub fn dev(&self) -> &NetDevice {
        &self.dev
    }

    /// A counted reference to the device, for the fast path's tables.
    pub fn handle(&self) -> ARef<NetDevice> {
        self.dev.clone()
    }

    /// Detaches (the same as dropping it, with the RTNL proof in hand).
    pub fn detach(self, _rtnl: Held<'_>) {
        drop(self);
    }
}

impl<T: UplinkOps> Drop for Uplink<T> {
    /// Removes the rx_handler and drops promiscuity; returns after in-flight frames are done
    /// (`netdev_rx_handler_unregister` waits for a grace period itself).
    fn drop(&mut self) {
        let dev = self.dev.as_ptr();
        // SAFETY: asserting RTNL has no preconditions (it warns when RTNL is not locked).
        unsafe { bindings::vsw_assert_rtnl() };
        // SAFETY: our handler is registered (invariant) and RTNL is held. The data pointer is
        // read before unregistering; `netdev_rx_handler_unregister` clears the handler and
        // waits for a grace period, after which no handler runs, so we own the data.
        unsafe {
            let data = (*dev).rx_handler_data;
            bindings::dev_set_promiscuity(dev, -1);
            bindings::netdev_rx_handler_unregister(dev);
            drop(<Arc<T> as ForeignOwnable>::from_foreign(data as *const c_void));
        }
    }
}
