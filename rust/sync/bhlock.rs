// SPDX-License-Identifier: GPL-2.0
//! A spinlock taken with bottom halves disabled (`spin_lock_bh`), owning the data it
//! protects: for state that both process context and the packet path (softirq) change, such
//! as FDB insertions or DHCP-snooped bindings. The 6.12 `kernel` crate's `SpinLock` does not
//! disable bottom halves.

use crate::bindings;
use core::cell::UnsafeCell;
use core::marker::PhantomData;
use core::ops::{Deref, DerefMut};
use kernel::alloc::{flags::GFP_KERNEL_ACCOUNT, KBox};
use kernel::error::Result;
use kernel::types::Opaque;

/// `T` behind a BH-safe spinlock.
///
/// # Invariants
/// `lock` was initialised with `spin_lock_init` and lives in its own allocation (it never
/// moves); `data` is only accessed through a [`BhGuard`], i.e. with the lock held.
pub struct BhLock<T> {
    lock: KBox<Opaque<bindings::spinlock_t>>,
    data: UnsafeCell<T>,
}

// SAFETY: the lock serialises every access to `data`, from any CPU and context.
unsafe impl<T: Send> Sync for BhLock<T> {}
// SAFETY: moving the owner moves `T` (`Send`) and the box pointer, not the lock itself.
unsafe impl<T: Send> Send for BhLock<T> {}

/// The data of a [`BhLock`], with the lock held; unlocked on drop. Not `Send`: it must be
/// unlocked where it was locked.
pub struct BhGuard<'a, T> {
    l: &'a BhLock<T>,
    _not_send: PhantomData<*mut ()>,
}

impl<T> BhLock<T> {
    /// A new lock holding `v` (the lock is charged to the requester: what it protects
    /// belongs to what a request made).
    pub fn new(v: T) -> Result<Self> {
        let lock = KBox::new(Opaque::uninit(), GFP_KERNEL_ACCOUNT)?;
        // SAFETY: the lock is in its final heap place and not yet shared.
        unsafe { bindings::vsw_spin_lock_init(lock.get()) };
        // INVARIANT: initialised above.
        Ok(BhLock { lock, data: UnsafeCell::new(v) })
    }

    /// Takes the lock (disabling bottom halves on this CPU).
    pub fn lock(&self) -> BhGuard<'_, T> {
        // SAFETY: initialised (invariant); released by the guard's drop.
        unsafe { bindings::vsw_spin_lock_bh(self.lock.get()) };
        BhGuard { l: self, _not_send: PhantomData }
    }
}

impl<T> Deref for BhGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: the lock is held for the guard's lifetime (invariant of `BhLock`).
        unsafe { &*self.l.data.get() }
    }
}

impl<T> DerefMut for BhGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: as above, and `&mut self` makes this the only borrow through the guard.
        unsafe { &mut *self.l.data.get() }
    }
}

impl<T> Drop for BhGuard<'_, T> {
    fn drop(&mut self) {
        // SAFETY: taken in `lock`, on this CPU (the guard is not `Send`).
        unsafe { bindings::vsw_spin_unlock_bh(self.l.lock.get()) };
    }
}
