// SPDX-License-Identifier: GPL-2.0
//! Periodic work in process context (may sleep and take RTNL), e.g. FDB garbage collection.

use super::bindings;
use core::marker::PhantomData;
use kernel::error::{code::ENOMEM, Result};

/// What runs periodically.
pub trait PeriodicOps: 'static {
    /// Called every interval from a workqueue (process context).
    fn run();
}

/// A running periodic work item; stopped (and waited for) on drop.
///
/// # Invariants
/// `p` is a started `vsw_periodic` owned by us.
pub struct Periodic<T: PeriodicOps> {
    p: *mut bindings::vsw_periodic,
    _t: PhantomData<T>,
}

// SAFETY: only stopped on drop; the C side is safe to stop from any process context.
unsafe impl<T: PeriodicOps> Send for Periodic<T> {}
// SAFETY: no methods through `&self`.
unsafe impl<T: PeriodicOps> Sync for Periodic<T> {}

impl<T: PeriodicOps> Periodic<T> {
    extern "C" fn tramp() {
        T::run();
    }

    /// Starts running `T::run` every `ms` milliseconds.
    pub fn start(ms: u32) -> Result<Self> {
        // SAFETY: `tramp` is valid for as long as the module (stopped before unload).
        let p = unsafe { bindings::vsw_periodic_start(Some(Self::tramp), ms) };
        if p.is_null() {
            return Err(ENOMEM);
        }
        Ok(Periodic { p, _t: PhantomData })
    }
}

impl<T: PeriodicOps> Drop for Periodic<T> {
    fn drop(&mut self) {
        // SAFETY: started (invariant); stop waits for a running instance and frees it.
        unsafe { bindings::vsw_periodic_stop(self.p) };
    }
}
