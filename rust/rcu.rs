// SPDX-License-Identifier: GPL-2.0
//! RCU: read-side guards and an RCU-published pointer.
//!
//! The fast path reads configuration (port tables) through [`RcuPtr`] under an RCU read
//! guard, without locks; writers publish a new value and free the old one after a grace
//! period ([`RcuPtr::replace`]).

use super::bindings;
use core::marker::PhantomData;
use core::sync::atomic::{AtomicPtr, Ordering};
use kernel::alloc::KBox;

/// An RCU read-side critical section; ends when dropped.
pub struct ReadGuard {
    _not_send: PhantomData<*mut ()>,
}

/// Enters an RCU read-side critical section.
pub fn read_lock() -> ReadGuard {
    // SAFETY: `rcu_read_lock` has no preconditions; the guard calls the matching unlock.
    unsafe { bindings::vsw_rcu_read_lock() };
    ReadGuard { _not_send: PhantomData }
}

impl Drop for ReadGuard {
    fn drop(&mut self) {
        // SAFETY: paired with the `rcu_read_lock` in `read_lock`.
        unsafe { bindings::vsw_rcu_read_unlock() };
    }
}

/// Waits for all pre-existing RCU readers (may sleep).
pub fn synchronize() {
    // SAFETY: called from process context by configuration code.
    unsafe { bindings::synchronize_rcu() };
}

/// A pointer to a boxed `T` published with RCU: readers see either the old or the new value,
/// and an old value is freed only after all readers that could see it are gone.
///
/// # Invariants
/// `ptr` is null or comes from `KBox::into_raw` and is owned by this `RcuPtr`.
pub struct RcuPtr<T> {
    ptr: AtomicPtr<T>,
}

// SAFETY: readers get `&T` (needs `T: Sync`), writers move boxes between threads (`T: Send`).
unsafe impl<T: Send + Sync> Sync for RcuPtr<T> {}
// SAFETY: as above.
unsafe impl<T: Send + Sync> Send for RcuPtr<T> {}

impl<T> RcuPtr<T> {
    /// An empty pointer.
    pub const fn null() -> Self {
        RcuPtr { ptr: AtomicPtr::new(core::ptr::null_mut()) }
    }

    /// Reads the current value inside an RCU read-side critical section.
    pub fn get<'a>(&self, _g: &'a ReadGuard) -> Option<&'a T> {
        // Acquire pairs with the Release in `replace` (rcu_dereference/rcu_assign_pointer).
        let p = self.ptr.load(Ordering::Acquire);
        // SAFETY: a non-null `p` is a live box (invariant) that `replace` frees only after a
        // grace period, which cannot end while the guard `_g` is alive.
        unsafe { p.as_ref() }
    }

    /// Publishes `new` and frees the previous value after a grace period (sleeps).
    /// Writers must be serialised by the caller (RTNL).
    pub fn replace(&self, new: Option<KBox<T>>) {
        let newp = new.map_or(core::ptr::null_mut(), KBox::into_raw);
        let old = self.ptr.swap(newp, Ordering::AcqRel);
        if !old.is_null() {
            synchronize();
            // SAFETY: `old` came from `KBox::into_raw` (invariant); after the grace period no
            // reader holds a reference to it.
            drop(unsafe { KBox::from_raw(old) });
        }
    }

    /// Like [`RcuPtr::replace`], but waits with an expedited grace period: for configuration
    /// that changes often (ACL rules), at the cost of an IPI to every CPU.
    pub fn replace_expedited(&self, new: Option<KBox<T>>) {
        let newp = new.map_or(core::ptr::null_mut(), KBox::into_raw);
        let old = self.ptr.swap(newp, Ordering::AcqRel);
        if !old.is_null() {
            // SAFETY: called from process context by configuration code.
            unsafe { bindings::vsw_synchronize_rcu_expedited() };
            // SAFETY: `old` came from `KBox::into_raw` (invariant); after the grace period no
            // reader holds a reference to it.
            drop(unsafe { KBox::from_raw(old) });
        }
    }

    /// Writer-side access (the caller serialises writers).
    pub fn get_locked(&self) -> Option<&T> {
        let p = self.ptr.load(Ordering::Acquire);
        // SAFETY: only `replace` frees values and writers are serialised by the caller, so the
        // value stays alive while the caller (a writer) holds the lock.
        unsafe { p.as_ref() }
    }
}

impl<T> Drop for RcuPtr<T> {
    fn drop(&mut self) {
        self.replace(None);
    }
}
