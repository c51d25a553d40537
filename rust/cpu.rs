// SPDX-License-Identifier: GPL-2.0
//! CPUs: cpumasks, the online and possible CPUs, their topology, and the current CPU.

use crate::bindings;
use kernel::types::Opaque;

/// Number of CPU ids (`nr_cpu_ids`): every possible CPU's id is below it.
pub fn nr_cpu_ids() -> u32 {
    // SAFETY: set once during boot, before modules load; only read afterwards.
    unsafe { bindings::nr_cpu_ids }
}

/// A set of CPUs (`struct cpumask`), borrowed from the kernel.
///
/// # Invariants
/// The wrapped mask is valid for as long as the reference to it lives.
#[repr(transparent)]
pub struct CpuMask(Opaque<bindings::cpumask>);

impl CpuMask {
    /// # Safety
    /// `m` must be a valid cpumask for `'a`.
    pub(crate) unsafe fn from_raw<'a>(m: *const bindings::cpumask) -> &'a CpuMask {
        // SAFETY: `CpuMask` is a transparent wrapper of `cpumask`; valid for `'a` by the
        // function contract.
        unsafe { &*m.cast::<CpuMask>() }
    }

    pub(crate) fn as_ptr(&self) -> *const bindings::cpumask {
        self.0.get()
    }

    /// The online CPUs (`cpu_online_mask`; changes with CPU hotplug).
    pub fn online() -> &'static CpuMask {
        // SAFETY: a static mask of the kernel; only the address is taken here.
        unsafe { CpuMask::from_raw(&raw const bindings::__cpu_online_mask) }
    }

    /// The possible CPUs (`cpu_possible_mask`; fixed after boot).
    pub fn possible() -> &'static CpuMask {
        // SAFETY: as for `online`.
        unsafe { CpuMask::from_raw(&raw const bindings::__cpu_possible_mask) }
    }

    /// The mask of only `cpu` (`cpumask_of`); `None` if `cpu` is not a CPU id.
    pub fn of(cpu: u32) -> Option<&'static CpuMask> {
        if cpu >= nr_cpu_ids() {
            return None;
        }
        // SAFETY: `cpu` is in range; `cpumask_of` points into a static table.
        Some(unsafe { CpuMask::from_raw(bindings::vsw_cpumask_of(cpu)) })
    }

    /// Whether `cpu` is in the set.
    pub fn contains(&self, cpu: u32) -> bool {
        // SAFETY: valid mask (invariant); `cpu` is checked to be in range first.
        cpu < nr_cpu_ids() && unsafe { bindings::vsw_cpumask_test_cpu(cpu, self.as_ptr()) }
    }

    /// The CPUs of the set in ascending order.
    pub fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        let mut prev: i32 = -1;
        core::iter::from_fn(move || {
            // SAFETY: valid mask (invariant); `prev` is -1 or a CPU id below `nr_cpu_ids`.
            let cpu = unsafe { bindings::vsw_cpumask_next(prev, self.as_ptr()) };
            if cpu >= nr_cpu_ids() {
                return None;
            }
            prev = cpu as i32;
            Some(cpu)
        })
    }

    /// The lowest CPU of the set.
    pub fn first(&self) -> Option<u32> {
        self.iter().next()
    }
}

/// Whether `cpu` is online.
pub fn online(cpu: u32) -> bool {
    CpuMask::online().contains(cpu)
}

/// The CPU this runs on (a hint where the caller can migrate).
pub fn this_cpu() -> u32 {
    // SAFETY: no preconditions (`raw_smp_processor_id` does not check preemption).
    unsafe { bindings::vsw_smp_processor_id() }
}

/// An online CPU with its topology.
#[derive(Clone, Copy)]
pub struct CpuInfo {
    /// CPU number.
    pub id: u32,
    /// NUMA node.
    pub node: u32,
    /// Shared by SMT siblings (first CPU of the sibling set).
    pub core: u32,
}

/// Calls `f` for each online CPU in ascending order.
pub fn for_each_online(mut f: impl FnMut(CpuInfo)) {
    for id in CpuMask::online().iter() {
        // SAFETY: `id` is a CPU id (below `nr_cpu_ids`, from the online mask).
        let node = unsafe { bindings::vsw_cpu_to_node(id) };
        // SAFETY: as above; the sibling mask is per-CPU data that lives as long as the kernel.
        let siblings = unsafe { CpuMask::from_raw(bindings::vsw_cpu_sibling_mask(id)) };
        f(CpuInfo { id, node: node.max(0) as u32, core: siblings.first().unwrap_or(nr_cpu_ids()) });
    }
}
