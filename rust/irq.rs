// SPDX-License-Identifier: GPL-2.0
//! Interrupts: moving an irq to one CPU, where it is delivered, and the irq_data hierarchy
//! of an interrupt (one level per irq domain, e.g. `IR-PCI-MSIX-<bdf>` -> `INTEL-IR-0` ->
//! `VECTOR`).
//!
//! Functions that take a bare irq number work on any number: the irq core looks it up and
//! an irq descriptor is freed only after an RCU grace period. The hierarchy below the
//! descriptor is freed without one, so [`IrqData`] is only lent by whoever keeps the
//! interrupt allocated (e.g. `PciDev::msix`, which locks the device's MSI descriptors).

use crate::bindings;
use crate::cpu::CpuMask;
use crate::sync::rcu;
use kernel::error::{code::EINVAL, to_result, Result};
use kernel::str::CStr;
use kernel::types::Opaque;

/// Sets the affinity of `irq` to the single CPU `cpu` (`EINVAL` if it is not online).
pub fn set_cpu(irq: u32, cpu: u32) -> Result {
    let mask = CpuMask::of(cpu).filter(|_| crate::cpu::online(cpu)).ok_or(EINVAL)?;
    // SAFETY: `irq_set_affinity` looks the irq up itself (an error if there is none); the mask
    // is a static one.
    to_result(unsafe { bindings::irq_set_affinity(irq, mask.as_ptr()) })
}

/// Calls `f` with the affinity mask (`effective` false) or effective affinity mask of `irq`;
/// `None` if there is no such irq.
fn with_mask<R>(irq: u32, effective: bool, f: impl FnOnce(&CpuMask) -> R) -> Option<R> {
    let _rcu = rcu::read_lock();
    // SAFETY: no preconditions; null if the irq does not exist.
    let d = unsafe { bindings::irq_get_irq_data(irq) };
    if d.is_null() {
        return None;
    }
    // SAFETY: `d` is in the irq's descriptor, and so are its masks (or they are freed with
    // it): the descriptor is freed only after a grace period, and we are in a read section
    // until `f` returns.
    let m = unsafe {
        CpuMask::from_raw(if effective {
            bindings::vsw_irq_data_effective_affinity(d)
        } else {
            bindings::vsw_irq_data_affinity(d)
        })
    };
    Some(f(m))
}

/// The CPU `irq` is delivered to: the first of its effective affinity, else of its affinity.
pub fn effective_cpu(irq: u32) -> Option<u32> {
    with_mask(irq, true, |m| m.first())
        .flatten()
        .or_else(|| with_mask(irq, false, |m| m.first()).flatten())
}

/// Affinity (`effective` false) or effective affinity of `irq` as a mask of CPUs 0..63.
pub fn mask(irq: u32, effective: bool) -> u64 {
    with_mask(irq, effective, |m| m.iter().take_while(|c| *c < 64).fold(0u64, |v, c| v | 1 << c)).unwrap_or(0)
}

/// Whether `irq` has a handler (it is listed in `/proc/interrupts`).
pub fn has_action(irq: u32) -> bool {
    // SAFETY: no preconditions (the irq core looks the number up under RCU).
    unsafe { bindings::irq_has_action(irq) }
}

/// One level of an interrupt's irq_data hierarchy.
///
/// # Invariants
/// The wrapped `irq_data`, its parents, and the domains and chips they point to stay
/// allocated for as long as the reference lives (the interrupt's owner keeps it allocated,
/// so its hierarchy is not taken apart meanwhile).
#[repr(transparent)]
pub struct IrqData(Opaque<bindings::irq_data>);

impl IrqData {
    /// The irq_data of `irq`.
    ///
    /// # Safety
    /// The interrupt must stay allocated, with its hierarchy, for `'a`.
    pub(crate) unsafe fn from_irq<'a>(irq: u32) -> Option<&'a IrqData> {
        // SAFETY: no preconditions; null if the irq does not exist.
        let d = unsafe { bindings::irq_get_irq_data(irq) };
        // SAFETY: `IrqData` is a transparent wrapper of `irq_data`; it stays allocated for
        // `'a` by the function contract.
        (!d.is_null()).then(|| unsafe { &*d.cast::<IrqData>() })
    }

    fn ptr(&self) -> *mut bindings::irq_data {
        self.0.get()
    }

    /// The Linux irq number.
    pub fn irq(&self) -> u32 {
        // SAFETY: allocated while borrowed (invariant); set when the irq was allocated.
        unsafe { (*self.ptr()).irq }
    }

    /// The hardware irq number in this level's domain.
    pub fn hwirq(&self) -> u64 {
        // SAFETY: as for `irq`.
        unsafe { (*self.ptr()).hwirq as u64 }
    }

    /// The next level towards the root, if any.
    pub fn parent(&self) -> Option<&IrqData> {
        // SAFETY: allocated while borrowed (invariant); the hierarchy is built when the irq is
        // allocated and taken apart when it is freed.
        let p = unsafe { (*self.ptr()).parent_data };
        // SAFETY: the parents are kept as this level is (invariant).
        (!p.is_null()).then(|| unsafe { &*p.cast::<IrqData>() })
    }

    /// The name of this level's irq domain, if it has a domain and the domain a name.
    pub fn domain_name(&self) -> Option<&CStr> {
        // SAFETY: as for `parent`.
        let dom = unsafe { (*self.ptr()).domain };
        // SAFETY: the domain outlives the interrupts mapped in it (invariant); its name, when
        // set, is a NUL-terminated string that lives as long as the domain.
        unsafe { (!dom.is_null() && !(*dom).name.is_null()).then(|| CStr::from_char_ptr((*dom).name)) }
    }

    /// The name of this level's irq chip (what `/proc/interrupts` shows for the top level).
    pub fn chip_name(&self) -> Option<&CStr> {
        // SAFETY: as for `parent` (the chip is set up with the irq).
        let chip = unsafe { (*self.ptr()).chip };
        // SAFETY: the chip is kept with the interrupt (invariant); its name, when set, is a
        // NUL-terminated string that lives as long as the chip.
        unsafe { (!chip.is_null() && !(*chip).name.is_null()).then(|| CStr::from_char_ptr((*chip).name)) }
    }
}
