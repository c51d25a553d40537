// SPDX-License-Identifier: GPL-2.0
//! The RTNL lock and data it protects.
//!
//! Switch configuration (switches, ports, uplinks) changes only under RTNL, like the bridge:
//! netdev registration needs it anyway and netdev notifiers run under it, so one lock orders
//! netlink requests, notifier events and module unload.

use crate::bindings;
use core::cell::UnsafeCell;
use core::marker::PhantomData;
use core::ops::{Deref, DerefMut};
use core::sync::atomic::{AtomicBool, Ordering};

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

/// Proof that RTNL is held by whoever called a kernel callback (a netdevice notifier), which
/// may be one of our own RTNL sections: the notifier runs inside `dev_set_mac_address` or
/// `unregister_netdevice` called from switch code that has the registry borrowed. So it
/// gives only [`RtnlCell::try_get`].
///
/// # Invariants
/// RTNL is held by the current thread for the lifetime of the value.
pub struct RtnlCallback {
    _not_send: PhantomData<*mut ()>,
}

impl RtnlCallback {
    /// # Safety
    /// The caller must be a kernel callback that runs with RTNL held, and must not let the
    /// value outlive the callback.
    pub(crate) unsafe fn new() -> Self {
        // INVARIANT: the caller guarantees RTNL is held.
        RtnlCallback { _not_send: PhantomData }
    }

    /// A proof token for calls that need RTNL held, valid while the callback token is.
    pub fn held(&self) -> Held<'_> {
        Held(PhantomData)
    }

}

/// Data protected by RTNL.
///
/// `busy` is set while a borrow from [`RtnlCell::get`] lives, so a callback that the borrower
/// triggers (a netdevice notifier) gets `None` from [`RtnlCell::try_get`] instead of a second,
/// aliasing `&mut T`. Only RTNL holders touch it, so `Relaxed` suffices.
pub struct RtnlCell<T> {
    v: UnsafeCell<T>,
    busy: AtomicBool,
    /// A callback found the value busy and left work for the borrower's epilogue.
    pending: AtomicBool,
}

// SAFETY: access to the inner value requires holding RTNL (a `Rtnl` or `RtnlCallback`), which
// serialises all accesses across threads, and `busy` excludes nested access on one thread.
unsafe impl<T: Send> Sync for RtnlCell<T> {}
// SAFETY: as above; the value itself is `Send`.
unsafe impl<T: Send> Send for RtnlCell<T> {}

/// The value of an [`RtnlCell`], borrowed under RTNL; clears `busy` on drop.
pub struct RtnlMut<'a, T> {
    v: &'a mut T,
    busy: &'a AtomicBool,
}

impl<T> Deref for RtnlMut<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        self.v
    }
}

impl<T> DerefMut for RtnlMut<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        self.v
    }
}

impl<T> Drop for RtnlMut<'_, T> {
    fn drop(&mut self) {
        self.busy.store(false, Ordering::Relaxed);
    }
}

impl<T> RtnlCell<T> {
    /// Wraps `v`.
    pub const fn new(v: T) -> Self {
        RtnlCell { v: UnsafeCell::new(v), busy: AtomicBool::new(false), pending: AtomicBool::new(false) }
    }

    /// The value, for as long as the caller holds RTNL exclusively through `_rtnl`, plus a
    /// proof token for calls that need RTNL held meanwhile.
    pub fn get<'a>(&'a self, _rtnl: &'a mut Rtnl) -> (RtnlMut<'a, T>, Held<'a>) {
        // A `Rtnl` comes only from `Rtnl::lock`, which cannot nest on one thread (it would
        // deadlock), and callbacks get a `RtnlCallback`, not a `Rtnl`: nobody else holds a
        // borrow. The `&mut Rtnl` borrow prevents a second one through the same guard.
        self.busy.store(true, Ordering::Relaxed);
        // SAFETY: RTNL is held (the `Rtnl` invariant), exclusively borrowed for `'a`, and no
        // other borrow of the value exists (above).
        let v = unsafe { &mut *self.v.get() };
        (RtnlMut { v, busy: &self.busy }, Held(PhantomData))
    }

    /// Notes that a callback found the value busy ([`RtnlCell::try_get`] gave `None`) and
    /// that whoever holds the borrow must look again once it ends.
    pub fn set_pending(&self, _rtnl: &RtnlCallback) {
        self.pending.store(true, Ordering::Relaxed);
    }

    /// Takes the flag [`RtnlCell::set_pending`] sets (RTNL held through `_rtnl`).
    pub fn take_pending(&self, _rtnl: Held<'_>) -> bool {
        self.pending.swap(false, Ordering::Relaxed)
    }

    /// The value for a callback running under RTNL, or `None` if the callback was triggered
    /// from inside a [`RtnlCell::get`] borrow (the callback then calls [`RtnlCell::set_pending`]
    /// and the borrower looks again when its borrow ends).
    pub fn try_get<'a>(&'a self, _rtnl: &'a mut RtnlCallback) -> Option<(RtnlMut<'a, T>, Held<'a>)> {
        if self.busy.load(Ordering::Relaxed) {
            return None;
        }
        self.busy.store(true, Ordering::Relaxed);
        // SAFETY: RTNL is held (the `RtnlCallback` invariant), so no other thread borrows the
        // value, and `busy` was clear, so no borrow on this thread either.
        let v = unsafe { &mut *self.v.get() };
        Some((RtnlMut { v, busy: &self.busy }, Held(PhantomData)))
    }
}
