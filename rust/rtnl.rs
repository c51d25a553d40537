// SPDX-License-Identifier: GPL-2.0
//! The RTNL lock and data it protects.
//!
//! Switch configuration (switches, ports, uplinks) changes only under RTNL, like the bridge:
//! netdev registration needs it anyway and netdev notifiers run under it, so one lock orders
//! netlink requests, notifier events and module unload.

use super::bindings;
use core::cell::UnsafeCell;
use core::marker::PhantomData;

/// Proof that the caller holds RTNL.
///
/// # Invariants
/// RTNL is held by the current thread for the lifetime of the value.
pub struct Rtnl {
    _not_send: PhantomData<*mut ()>,
}

impl Rtnl {
    /// Takes RTNL; released when the guard drops.
    pub fn lock() -> Self {
        // SAFETY: `rtnl_lock` may sleep; every caller of this API is in process context.
        unsafe { bindings::rtnl_lock() };
        // INVARIANT: just locked.
        Rtnl { _not_send: PhantomData }
    }

    /// A borrowed proof for callbacks the kernel runs with RTNL held.
    ///
    /// # Safety
    /// The caller must hold RTNL for the duration of the returned value's use, and must not
    /// let the value drop (it is wrapped in `ManuallyDrop` by callers).
    pub(crate) unsafe fn assume_held() -> core::mem::ManuallyDrop<Self> {
        core::mem::ManuallyDrop::new(Rtnl { _not_send: PhantomData })
    }
}

impl Drop for Rtnl {
    fn drop(&mut self) {
        // SAFETY: by the type invariant we hold RTNL.
        unsafe { bindings::rtnl_unlock() };
    }
}

/// A copyable proof that RTNL is held, for APIs that need the lock but not the data.
#[derive(Clone, Copy)]
pub struct Held<'a>(PhantomData<&'a Rtnl>);

impl Rtnl {
    /// A proof token, valid while the guard is borrowed.
    pub fn held(&self) -> Held<'_> {
        Held(PhantomData)
    }
}

/// Data protected by RTNL.
pub struct RtnlCell<T>(UnsafeCell<T>);

// SAFETY: access to the inner value requires `&mut Rtnl`, i.e. holding RTNL, which serialises
// all accesses across threads.
unsafe impl<T: Send> Sync for RtnlCell<T> {}
// SAFETY: as above; the value itself is `Send`.
unsafe impl<T: Send> Send for RtnlCell<T> {}

impl<T> RtnlCell<T> {
    /// Wraps `v`.
    pub const fn new(v: T) -> Self {
        RtnlCell(UnsafeCell::new(v))
    }
    /// The value, for as long as the caller holds RTNL exclusively through `_rtnl`, plus a
    /// proof token for calls that need RTNL held meanwhile.
    pub fn get<'a>(&'a self, _rtnl: &'a mut Rtnl) -> (&'a mut T, Held<'a>) {
        // The `&mut Rtnl` borrow prevents a second `&mut T` through the same guard while this
        // one lives, and a `Held` token cannot be used to get the value.
        // SAFETY: RTNL is held (the `Rtnl` invariant) and exclusively borrowed for `'a`.
        let v = unsafe { &mut *self.0.get() };
        (v, Held(PhantomData))
    }
}
