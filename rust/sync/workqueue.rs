// SPDX-License-Identifier: GPL-2.0
//! Work items run by the kernel's system workqueue (process context, may sleep).
//!
//! - [`StaticWork`]: one module-wide work item (the deferred-drop reaper, the VMQ balancer).
//! - [`DelayedWork`]: a delayed work item owning its context (`Arc<T>`); the owner reschedules
//!   it from [`DelayedWorkFn::run`], and dropping it cancels it and waits for a running
//!   instance (as `cancel_delayed_work_sync` does), so the context outlives every run.
//!
//! The 6.12 `kernel` crate has `Work` but no delayed work and no static work items.

use crate::bindings;
use core::sync::atomic::{AtomicUsize, Ordering};
use kernel::alloc::{flags::GFP_KERNEL_ACCOUNT, KBox};
use kernel::error::Result;
use kernel::sync::Arc;
use kernel::types::Opaque;

/// Jiffies for `ms` milliseconds, rounded up (at least 1 for a non-zero `ms`).
pub fn ms_to_jiffies(ms: u64) -> u64 {
    let hz = crate::time::hz();
    (ms.saturating_mul(hz)).div_ceil(1000)
}

/// A module-wide work item in a `static`. [`StaticWork::init`] gives it its function; it must
/// be flushed (or cancelled) before the module's code goes away.
///
/// # Invariants
/// `work` is initialised (`INIT_WORK`) once `func` is non-zero, and `func` is then a valid
/// `fn()`.
#[repr(C)]
pub struct StaticWork {
    work: Opaque<bindings::work_struct>,
    func: AtomicUsize,
}

// SAFETY: the work item is only touched through the workqueue API, which does its own
// locking; `func` is an atomic.
unsafe impl Sync for StaticWork {}

impl StaticWork {
    /// A work item with no function yet (queueing it does nothing until `init`).
    pub const fn new() -> Self {
        StaticWork { work: Opaque::uninit(), func: AtomicUsize::new(0) }
    }

    /// # Safety
    /// Called by the workqueue with the `work_struct` embedded in our work item.
    unsafe extern "C" fn tramp(w: *mut bindings::work_struct) {
        // SAFETY: `w` is the `work` field, the first of a `repr(C)` `StaticWork` in a static.
        let this = unsafe { &*w.cast::<StaticWork>() };
        let f = this.func.load(Ordering::Acquire);
        if f != 0 {
            // SAFETY: a non-zero `func` is a `fn()` stored by `init` (invariant).
            let f: fn() = unsafe { core::mem::transmute::<usize, fn()>(f) };
            f();
        }
    }

    /// Initialises the work item to run `f` (module init; not while it may be queued).
    pub fn init(&'static self, f: fn()) {
        // SAFETY: `work` lives in a static; it is not queued (module init).
        unsafe { bindings::vsw_init_work(self.work.get(), Some(Self::tramp)) };
        // INVARIANT: initialised above, before `func` becomes non-zero.
        self.func.store(f as usize, Ordering::Release);
    }

    /// Queues it on the system workqueue unless it is already queued. No-op before `init`.
    pub fn queue(&'static self) {
        if self.func.load(Ordering::Acquire) == 0 {
            return;
        }
        // SAFETY: initialised (invariant); queueing is allowed from any context.
        unsafe { bindings::vsw_queue_work(self.work.get()) };
    }

    /// Waits until the last queued instance has run.
    pub fn flush(&'static self) {
        if self.func.load(Ordering::Acquire) != 0 {
            // SAFETY: initialised (invariant); process context.
            unsafe { bindings::flush_work(self.work.get()) };
        }
    }
}

/// A module-wide delayed work item in a `static`, like [`StaticWork`].
///
/// # Invariants
/// `dw` is initialised (`INIT_DELAYED_WORK`) once `func` is non-zero, and `func` is then a
/// valid `fn()`.
#[repr(C)]
pub struct StaticDelayedWork {
    dw: Opaque<bindings::delayed_work>,
    func: AtomicUsize,
}

// SAFETY: as for `StaticWork`.
unsafe impl Sync for StaticDelayedWork {}

impl StaticDelayedWork {
    /// A work item with no function yet (scheduling it does nothing until `init`).
    pub const fn new() -> Self {
        StaticDelayedWork { dw: Opaque::uninit(), func: AtomicUsize::new(0) }
    }

    /// # Safety
    /// Called by the workqueue with the `work_struct` embedded in our work item.
    unsafe extern "C" fn tramp(w: *mut bindings::work_struct) {
        // SAFETY: `w` is the work member at the start of the `delayed_work` at the start of a
        // `repr(C)` `StaticDelayedWork` in a static.
        let this = unsafe { &*w.cast::<StaticDelayedWork>() };
        let f = this.func.load(Ordering::Acquire);
        if f != 0 {
            // SAFETY: a non-zero `func` is a `fn()` stored by `init` (invariant).
            let f: fn() = unsafe { core::mem::transmute::<usize, fn()>(f) };
            f();
        }
    }

    /// Initialises the work item to run `f` (module init; not while it may be queued).
    pub fn init(&'static self, f: fn()) {
        // SAFETY: `dw` lives in a static; it is not queued (module init).
        unsafe { bindings::vsw_init_delayed_work(self.dw.get(), Some(Self::tramp)) };
        // INVARIANT: initialised above, before `func` becomes non-zero.
        self.func.store(f as usize, Ordering::Release);
    }

    /// Runs it after `jiffies` unless it is already scheduled. No-op before `init`.
    pub fn schedule(&'static self, jiffies: u64) {
        if self.func.load(Ordering::Acquire) != 0 {
            schedule_dw(self.dw.get(), jiffies, false);
        }
    }

    /// Cancels a scheduled run and waits for a running one (even one that reschedules
    /// itself).
    pub fn cancel(&'static self) {
        if self.func.load(Ordering::Acquire) != 0 {
            // SAFETY: initialised (invariant); process context.
            unsafe { bindings::cancel_delayed_work_sync(self.dw.get()) };
        }
    }
}

/// What a [`DelayedWork`] does when it runs.
pub trait DelayedWorkFn: Send + Sync + Sized + 'static {
    /// Runs in process context; `w` can reschedule the work.
    fn run(&self, w: &DelayedWorkRef<'_, Self>);
}

#[repr(C)]
struct DwInner<T: DelayedWorkFn> {
    dw: Opaque<bindings::delayed_work>,
    ctx: Arc<T>,
}

/// A delayed work item with its context; cancelled (and waited for) on drop.
///
/// # Invariants
/// `inner.dw` was initialised with `INIT_DELAYED_WORK` to run `tramp::<T>`, and `inner` does
/// not move until drop has cancelled the work.
pub struct DelayedWork<T: DelayedWorkFn> {
    inner: KBox<DwInner<T>>,
}

// SAFETY: the work item is used only through the workqueue API; the context is `Send + Sync`.
unsafe impl<T: DelayedWorkFn> Send for DelayedWork<T> {}
// SAFETY: as above.
unsafe impl<T: DelayedWorkFn> Sync for DelayedWork<T> {}

/// A work item as seen from its own run (to reschedule itself).
pub struct DelayedWorkRef<'a, T: DelayedWorkFn>(&'a DwInner<T>);

fn schedule_dw(dw: *mut bindings::delayed_work, jiffies: u64, modify: bool) {
    let j = jiffies.min(i32::MAX as u64) as kernel::ffi::c_ulong;
    // SAFETY: callers pass an initialised delayed work that stays alive until cancelled.
    unsafe {
        if modify {
            bindings::vsw_mod_delayed_work(dw, j);
        } else {
            bindings::vsw_queue_delayed_work(dw, j);
        }
    }
}

impl<T: DelayedWorkFn> DelayedWorkRef<'_, T> {
    /// Runs the work again after `jiffies`.
    pub fn schedule(&self, jiffies: u64) {
        schedule_dw(self.0.dw.get(), jiffies, false);
    }
}

impl<T: DelayedWorkFn> DelayedWork<T> {
    /// # Safety
    /// Called by the workqueue with the `work_struct` embedded in our work item.
    unsafe extern "C" fn tramp(w: *mut bindings::work_struct) {
        // SAFETY: `w` is the `work` member at the start of the `delayed_work` at the start
        // of a `repr(C)` `DwInner<T>` (invariant: initialised by `new` with this function),
        // which stays alive until drop has cancelled the work and waited for this run.
        let inner = unsafe { &*w.cast::<DwInner<T>>() };
        inner.ctx.run(&DelayedWorkRef(inner));
    }

    /// A work item running `ctx.run()`, not scheduled yet.
    pub fn new(ctx: Arc<T>) -> Result<Self> {
        let inner = KBox::new(DwInner { dw: Opaque::uninit(), ctx }, GFP_KERNEL_ACCOUNT)?;
        // SAFETY: `dw` is in its final heap place and not queued.
        unsafe { bindings::vsw_init_delayed_work(inner.dw.get(), Some(Self::tramp)) };
        // INVARIANT: initialised above; the box is never moved out of.
        Ok(DelayedWork { inner })
    }

    /// Runs the work after `jiffies` unless it is already scheduled (any context).
    pub fn schedule(&self, jiffies: u64) {
        schedule_dw(self.inner.dw.get(), jiffies, false);
    }

    /// Runs the work after `jiffies`, moving an already scheduled run (any context).
    pub fn reschedule(&self, jiffies: u64) {
        schedule_dw(self.inner.dw.get(), jiffies, true);
    }

    /// Cancels a scheduled run and waits for a running one (process context; the work must
    /// not wait for a lock the caller holds).
    pub fn cancel(&self) {
        // SAFETY: initialised (invariant).
        unsafe { bindings::cancel_delayed_work_sync(self.inner.dw.get()) };
    }

    /// The context.
    pub fn ctx(&self) -> &Arc<T> {
        &self.inner.ctx
    }
}

impl<T: DelayedWorkFn> Drop for DelayedWork<T> {
    fn drop(&mut self) {
        // Also stops a work that reschedules itself; after this nothing uses `inner`.
        self.cancel();
    }
}
