// SPDX-License-Identifier: GPL-2.0
//! Per-CPU counters for the fast path: each CPU adds to its own slot without atomics or
//! locks; readers sum all slots.

use crate::bindings;
use core::sync::atomic::{AtomicU64, Ordering};
use kernel::error::{code::ENOMEM, Result};

/// `N` per-CPU `u64` counters.
///
/// # Invariants
/// `ptr` is a per-CPU allocation of `[AtomicU64; N]` from `__alloc_percpu_gfp`, owned by us.
pub struct Counters<const N: usize> {
    ptr: *mut core::ffi::c_void,
}

// SAFETY: each CPU writes only its own slot; reads are atomic loads. The allocation is
// freed only on drop.
unsafe impl<const N: usize> Send for Counters<N> {}
// SAFETY: as above.
unsafe impl<const N: usize> Sync for Counters<N> {}

impl<const N: usize> Counters<N> {
    /// Allocates zeroed counters.
    pub fn new() -> Result<Self> {
        let size = core::mem::size_of::<[AtomicU64; N]>();
        // SAFETY: plain allocation (charged to the requester: counters belong to what a request makes); `__alloc_percpu_gfp` returns zeroed memory or null.
        let ptr = unsafe { bindings::vsw_alloc_percpu(size, core::mem::align_of::<AtomicU64>()) };
        if ptr.is_null() {
            return Err(ENOMEM);
        }
        Ok(Counters { ptr })
    }

    /// Adds `v` to counter `i` on this CPU. Called with BH disabled or in softirq (the packet
    /// paths), so the task cannot migrate mid-update and no other context on this CPU
    /// updates the same slot concurrently.
    pub fn add(&self, i: usize, v: u64) {
        if i >= N {
            return;
        }
        // SAFETY: `ptr` is a valid per-CPU allocation (invariant); `this_cpu_ptr` gives this
        // CPU's `[AtomicU64; N]`.
        let slots = unsafe { &*(bindings::vsw_this_cpu_ptr(self.ptr) as *const [AtomicU64; N]) };
        let c = &slots[i];
        c.store(c.load(Ordering::Relaxed).wrapping_add(v), Ordering::Relaxed);
    }

    /// The sum of counter `i` over all CPUs.
    pub fn sum(&self, i: usize) -> u64 {
        let mut total = 0u64;
        if i >= N {
            return 0;
        }
        let mut cpu = -1;
        loop {
            // SAFETY: iterating possible CPUs has no preconditions.
            cpu = unsafe { bindings::vsw_next_possible_cpu(cpu) };
            if cpu < 0 {
                break;
            }
            // SAFETY: `cpu` is a possible CPU, so its slot of our allocation is valid.
            let slots = unsafe { &*(bindings::vsw_per_cpu_ptr(self.ptr, cpu) as *const [AtomicU64; N]) };
            total = total.wrapping_add(slots[i].load(Ordering::Relaxed));
        }
        total
    }
}

impl<const N: usize> Drop for Counters<N> {
    fn drop(&mut self) {
        // SAFETY: `ptr` came from `__alloc_percpu_gfp` and is freed once.
        unsafe { bindings::free_percpu(self.ptr) };
    }
}
