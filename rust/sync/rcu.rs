// SPDX-License-Identifier: GPL-2.0
//! RCU: read-side guards, an RCU-published pointer, and freeing after a grace period.
//!
//! The fast path reads configuration (port tables, ACL sets) through [`RcuPtr`] under an RCU
//! read guard, without locks. Writers publish a new value and hand the old one to
//! [`defer_drop`]: it is dropped, in process context, by a worker that waits for one grace
//! period per batch. So configuration code (which runs under RTNL) never waits for a grace
//! period itself, however many values it replaces.

use crate::bindings;
use crate::sync::workqueue::StaticWork;
use core::marker::PhantomData;
use core::sync::atomic::{AtomicPtr, AtomicUsize, Ordering};
use kernel::alloc::{flags::GFP_KERNEL, AllocError, KBox};

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

/// Header of a value waiting for a grace period in the deferred-drop list.
#[repr(C)]
struct Deferred {
    next: *mut Deferred,
    /// Drops and frees the whole allocation this header starts.
    drop_fn: unsafe fn(*mut Deferred),
}

/// A heap value with the header [`defer_drop`] needs (no allocation when it is deferred).
///
/// # Invariants
/// `hdr` is the first field (`repr(C)`), so a pointer to an `RcuBox<T>` is a pointer to its
/// header; `hdr.drop_fn` is `drop_box::<T>`.
#[repr(C)]
pub struct RcuBox<T: Send + 'static> {
    hdr: Deferred,
    val: T,
}

/// Frees a deferred `RcuBox<T>`.
///
/// # Safety
/// `p` is the header of an `RcuBox<T>` made by `RcuBox::new` and leaked with `KBox::into_raw`,
/// and no reader can reach it any more.
unsafe fn drop_box<T: Send + 'static>(p: *mut Deferred) {
    // SAFETY: by the function contract (the header is the first field of the box).
    drop(unsafe { KBox::from_raw(p.cast::<RcuBox<T>>()) });
}

impl<T: Send + 'static> RcuBox<T> {
    /// Boxes `val`.
    pub fn new(val: T, flags: kernel::alloc::Flags) -> Result<KBox<Self>, AllocError> {
        KBox::new(RcuBox { hdr: Deferred { next: core::ptr::null_mut(), drop_fn: drop_box::<T> }, val }, flags)
    }
}

impl<T: Send + 'static> core::ops::Deref for RcuBox<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.val
    }
}

/// Values waiting for a grace period (a lock-free stack), and how many are not freed yet.
static PENDING: AtomicPtr<Deferred> = AtomicPtr::new(core::ptr::null_mut());
static OUTSTANDING: AtomicUsize = AtomicUsize::new(0);
/// The worker that waits for a grace period and frees a batch.
static REAPER: StaticWork = StaticWork::new();

fn reap() {
    loop {
        let mut p = PENDING.swap(core::ptr::null_mut(), Ordering::Acquire);
        if p.is_null() {
            return;
        }
        // Every value taken was unpublished before it was pushed, so after this grace period
        // no reader can still see any of them.
        synchronize();
        while !p.is_null() {
            // SAFETY: `p` came from `defer_drop` (a leaked `RcuBox` header) and was taken off
            // the list by the swap above, so only this worker sees it.
            let next = unsafe { (*p).next };
            // SAFETY: as above; the grace period has ended.
            unsafe { ((*p).drop_fn)(p) };
            OUTSTANDING.fetch_sub(1, Ordering::Release);
            p = next;
        }
    }
}

/// Starts the deferred-drop worker (module init, before anything is published).
pub fn init() {
    REAPER.init(reap);
}

/// Drops `b` after a grace period, in process context, without waiting for it here. Usable
/// from any context (it only pushes to a list and queues a work item).
pub fn defer_drop<T: Send + 'static>(b: KBox<RcuBox<T>>) {
    let p = KBox::into_raw(b).cast::<Deferred>();
    OUTSTANDING.fetch_add(1, Ordering::Relaxed);
    let mut head = PENDING.load(Ordering::Relaxed);
    loop {
        // SAFETY: `p` is ours (just leaked) until the exchange publishes it.
        unsafe { (*p).next = head };
        match PENDING.compare_exchange_weak(head, p, Ordering::Release, Ordering::Relaxed) {
            Ok(_) => break,
            Err(h) => head = h,
        }
    }
    REAPER.queue();
}

/// Waits until every value handed to [`defer_drop`] so far (and those their drops defer in
/// turn) is freed, and every `call_rcu` callback has run. Module exit calls it last.
pub fn drain() {
    loop {
        REAPER.flush();
        // SAFETY: waits for pending `call_rcu` callbacks; process context.
        unsafe { bindings::rcu_barrier() };
        if OUTSTANDING.load(Ordering::Acquire) == 0 && PENDING.load(Ordering::Acquire).is_null() {
            return;
        }
    }
}

/// Waits for all pre-existing RCU readers (may sleep). Only for code that holds no lock that
/// configuration paths take (the deferred-drop worker, module exit).
pub fn synchronize() {
    // SAFETY: process context (the callers above).
    unsafe { bindings::synchronize_rcu() };
}

/// A point in time of RCU: [`GpCookie::passed`] tells whether a full grace period has elapsed
/// since (`get_state_synchronize_rcu` / `poll_state_synchronize_rcu`).
pub struct GpCookie(kernel::ffi::c_ulong);

impl GpCookie {
    /// Now.
    pub fn now() -> Self {
        // SAFETY: no preconditions.
        GpCookie(unsafe { bindings::get_state_synchronize_rcu() })
    }

    /// Whether a grace period has passed since the cookie was taken.
    pub fn passed(&self) -> bool {
        // SAFETY: any value from `get_state_synchronize_rcu` is valid here.
        unsafe { bindings::poll_state_synchronize_rcu(self.0) }
    }
}

/// A pointer to an [`RcuBox<T>`] published with RCU: readers see either the old or the new
/// value, and an old value is dropped only after all readers that could see it are gone.
///
/// # Invariants
/// `ptr` is null or comes from `KBox::into_raw` of an `RcuBox<T>` and is owned by this
/// `RcuPtr`.
pub struct RcuPtr<T: Send + 'static> {
    ptr: AtomicPtr<RcuBox<T>>,
}

// SAFETY: readers get `&T` (needs `T: Sync`), writers move boxes between threads (`T: Send`).
unsafe impl<T: Send + Sync + 'static> Sync for RcuPtr<T> {}
// SAFETY: as above.
unsafe impl<T: Send + Sync + 'static> Send for RcuPtr<T> {}

impl<T: Send + 'static> RcuPtr<T> {
    /// An empty pointer.
    pub const fn null() -> Self {
        RcuPtr { ptr: AtomicPtr::new(core::ptr::null_mut()) }
    }

    /// A pointer holding `v` (allocated here).
    pub fn new(v: T) -> Result<Self, AllocError> {
        Ok(RcuPtr { ptr: AtomicPtr::new(KBox::into_raw(RcuBox::new(v, GFP_KERNEL)?)) })
    }

    /// Reads the current value inside an RCU read-side critical section.
    pub fn get<'a>(&self, _g: &'a ReadGuard) -> Option<&'a T> {
        // Acquire pairs with the Release in `replace` (rcu_dereference/rcu_assign_pointer).
        let p = self.ptr.load(Ordering::Acquire);
        // SAFETY: a non-null `p` is a live box (invariant) that `replace` hands to
        // `defer_drop`, which frees it only after a grace period; that cannot end while the
        // guard `_g` is alive.
        unsafe { p.as_ref() }.map(|b| &b.val)
    }

    /// Publishes `new` and drops the previous value after a grace period (never sleeps).
    /// Writers must be serialised by the caller (RTNL).
    pub fn replace(&self, new: Option<KBox<RcuBox<T>>>) {
        let newp = new.map_or(core::ptr::null_mut(), KBox::into_raw);
        let old = self.ptr.swap(newp, Ordering::AcqRel);
        if !old.is_null() {
            // SAFETY: `old` came from `KBox::into_raw` (invariant) and is unpublished now.
            defer_drop(unsafe { KBox::from_raw(old) });
        }
    }
}

impl<T: Send + 'static> Drop for RcuPtr<T> {
    fn drop(&mut self) {
        // Readers may still hold the value through an older snapshot of whatever owned this
        // pointer, so it too waits for a grace period.
        self.replace(None);
    }
}
