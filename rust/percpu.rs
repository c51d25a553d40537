// SPDX-License-Identifier: GPL-2.0
//! Per-CPU memory: one `T` per possible CPU ([`PerCpu`]), and per-CPU counters for the fast
//! path built on it ([`Counters`]): each CPU adds to its own slot without atomics or locks;
//! readers sum all slots.

use crate::bindings;
use crate::cpu::CpuMask;
use core::marker::PhantomData;
use core::ptr::NonNull;
use core::sync::atomic::{AtomicU64, Ordering};
use kernel::error::{code::ENOMEM, Result};
use kernel::init::Zeroable;

/// One zero-initialised `T` per possible CPU (`alloc_percpu`), charged to the requester's
/// memory cgroup (what a request makes belongs to it).
///
/// Every CPU may reach every slot (`T: Sync`); [`PerCpu::this_cpu`] only picks the slot of the
/// CPU the caller runs on.
///
/// # Invariants
/// `ptr` is a per-CPU allocation of a zeroed (so valid, `T: Zeroable`) `T` per possible CPU,
/// owned by this value.
pub struct PerCpu<T: Zeroable + Sync> {
    ptr: NonNull<core::ffi::c_void>,
    _t: PhantomData<T>,
}

// SAFETY: the slots are shared by all CPUs (`T: Sync`); moving the owner to another thread
// moves ownership of the `T`s (`T: Send`), which are dropped wherever the owner is.
unsafe impl<T: Zeroable + Sync + Send> Send for PerCpu<T> {}
// SAFETY: `&PerCpu<T>` only gives `&T`, and `T: Sync`.
unsafe impl<T: Zeroable + Sync> Sync for PerCpu<T> {}

impl<T: Zeroable + Sync> PerCpu<T> {
    /// Allocates the slots, zeroed.
    pub fn new() -> Result<Self> {
        const { assert!(core::mem::align_of::<T>() <= 4096, "per-CPU alignment beyond a page") };
        // SAFETY: plain allocation (size and alignment of a Rust type: the alignment is a power
        // of two, at most a page); per-CPU memory comes zeroed, or the call fails.
        let p = unsafe { bindings::vsw_alloc_percpu(core::mem::size_of::<T>(), core::mem::align_of::<T>()) };
        // INVARIANT: a zeroed `T` per possible CPU, which is a valid `T` (`T: Zeroable`).
        Ok(PerCpu { ptr: NonNull::new(p).ok_or(ENOMEM)?, _t: PhantomData })
    }

    /// The slot of `cpu`; `None` if it is not a possible CPU.
    pub fn get(&self, cpu: u32) -> Option<&T> {
        if !CpuMask::possible().contains(cpu) {
            return None;
        }
        // SAFETY: `cpu` is a possible CPU, so its slot of our allocation (invariant) is a valid
        // `T`, alive as long as `self`.
        Some(unsafe { &*bindings::vsw_per_cpu_ptr(self.ptr.as_ptr(), cpu).cast::<T>() })
    }

    /// The slot of the CPU this runs on (any slot is valid to use: `T: Sync`, so migrating
    /// after the call is harmless, only less local).
    pub fn this_cpu(&self) -> &T {
        // SAFETY: the current CPU is a possible CPU: its slot is a valid `T` (invariant).
        unsafe { &*bindings::vsw_this_cpu_ptr(self.ptr.as_ptr()).cast::<T>() }
    }

    /// Every slot, in CPU order.
    pub fn iter(&self) -> impl Iterator<Item = &T> + '_ {
        CpuMask::possible().iter().filter_map(|cpu| self.get(cpu))
    }
}

impl<T: Zeroable + Sync> Drop for PerCpu<T> {
    fn drop(&mut self) {
        for cpu in CpuMask::possible().iter() {
            // SAFETY: each possible CPU's slot holds a valid `T` (invariant), dropped once here;
            // nothing can use it any more (`&mut self`).
            unsafe { core::ptr::drop_in_place(bindings::vsw_per_cpu_ptr(self.ptr.as_ptr(), cpu).cast::<T>()) };
        }
        // SAFETY: allocated by `vsw_alloc_percpu` (invariant) and freed once.
        unsafe { bindings::free_percpu(self.ptr.as_ptr()) };
    }
}

/// One CPU's `N` counters.
struct Slots<const N: usize>([AtomicU64; N]);

// SAFETY: an all-zero `AtomicU64` is a valid 0.
unsafe impl<const N: usize> Zeroable for Slots<N> {}

/// `N` per-CPU `u64` counters.
pub struct Counters<const N: usize> {
    slots: PerCpu<Slots<N>>,
}

impl<const N: usize> Counters<N> {
    /// Allocates zeroed counters.
    pub fn new() -> Result<Self> {
        Ok(Counters { slots: PerCpu::new()? })
    }

    /// Adds `v` to counter `i` on this CPU. Called with BH disabled or in softirq (the packet
    /// paths), so the task cannot migrate mid-update and no other context on this CPU
    /// updates the same slot concurrently (otherwise an update could be lost, nothing worse).
    pub fn add(&self, i: usize, v: u64) {
        if let Some(c) = self.slots.this_cpu().0.get(i) {
            c.store(c.load(Ordering::Relaxed).wrapping_add(v), Ordering::Relaxed);
        }
    }

    /// Adds each `(i, v)` of `adds` on this CPU, finding this CPU's slots once (as `add`).
    #[inline]
    pub fn add_each(&self, adds: &[(usize, u64)]) {
        let slots = &self.slots.this_cpu().0;
        for &(i, v) in adds {
            if let Some(c) = slots.get(i) {
                c.store(c.load(Ordering::Relaxed).wrapping_add(v), Ordering::Relaxed);
            }
        }
    }

    /// The sum of counter `i` over all CPUs.
    pub fn sum(&self, i: usize) -> u64 {
        if i >= N {
            return 0;
        }
        self.slots.iter().fold(0u64, |t, s| t.wrapping_add(s.0[i].load(Ordering::Relaxed)))
    }
}
