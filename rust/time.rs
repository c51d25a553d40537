// SPDX-License-Identifier: GPL-2.0
//! Time: jiffies, ticks per second and the monotonic clock.

use crate::bindings;

/// Current time in jiffies (64-bit, never wraps in practice).
pub fn jiffies64() -> u64 {
    // `get_jiffies_64` on a 64-bit kernel: one volatile read of the counter the timer
    // interrupt advances (a 64-bit load cannot tear there; 32-bit needs the seqlock).
    const _: () = assert!(usize::BITS == 64, "jiffies64: 64-bit kernels only");
    // SAFETY: `jiffies_64` is a valid, aligned kernel variable for the kernel's lifetime.
    unsafe { core::ptr::read_volatile(&raw const bindings::jiffies_64) }
}

/// Ticks per second (`HZ`).
pub fn hz() -> u64 {
    // The kernel's `HZ` is `CONFIG_HZ` (asm-generic/param.h); the `HZ` bindgen sees is the
    // uapi header's user-visible 100.
    u64::from(bindings::CONFIG_HZ)
}

/// Whole seconds in `j` jiffies.
pub fn jiffies_to_secs(j: u64) -> u64 {
    j / hz().max(1)
}

/// Monotonic time in nanoseconds (`ktime_get_ns`).
pub fn now_ns() -> u64 {
    // The monotonic clock starts at 0 at boot and never goes negative.
    kernel::time::Ktime::ktime_get().to_ns() as u64
}
