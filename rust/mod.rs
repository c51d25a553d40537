// SPDX-License-Identifier: GPL-2.0
//! The kernel-side foundation of vswitch: bindings and safe abstractions for the kernel APIs
//! that the 6.12 `kernel` crate does not cover (generic netlink today; netdev, skb,
//! rx_handler, ethtool, irq and PCI as the switch grows).
//!
//! All `unsafe` code of the module lives under this directory. Every `unsafe` block carries a
//! `// SAFETY:` comment and every type that wraps a raw pointer documents its `# Invariants`.
//! Code outside (the switch itself) uses only the safe API exported here.

pub mod bhlock;
pub mod errno;
pub mod genl;
pub mod netdev;
pub mod pci;
pub mod percpu;
pub mod pernet;
pub mod qdisc;
pub mod rcu;
pub mod rcuhash;
pub mod rtnl;
pub mod skb;
pub mod vmq;
pub mod workqueue;

/// Raw bindings: bindgen over `rust/bindings_helper.h` with the kernel's own bindgen flags
/// (`scripts/bindgen`), plus the C helpers of `rust/helpers.c`.
#[allow(
    dead_code,
    clippy::all,
    missing_docs,
    non_camel_case_types,
    non_upper_case_globals,
    non_snake_case,
    improper_ctypes,
    unreachable_pub,
    unsafe_op_in_unsafe_fn,
    unnecessary_transmutes,
    unknown_lints,
    clippy::undocumented_unsafe_blocks
)]
pub(crate) mod bindings {
    use kernel::ffi;
    // Blocklisted by the kernel's bindgen command; defined as `rust/bindings/lib.rs` does.
    type __kernel_size_t = usize;
    type __kernel_ssize_t = isize;
    type __kernel_ptrdiff_t = isize;
    include!("bindings_generated.rs");
}

/// Removes and returns element `i` of `v`, shifting the rest down (the 6.12 `KVec` has no
/// `remove`). `None` if out of range.
pub fn vec_remove<T>(v: &mut kernel::alloc::KVec<T>, i: usize) -> Option<T> {
    let len = v.len();
    if i >= len {
        return None;
    }
    // SAFETY: `i < len`: read element `i` out, move the tail down by one, and shrink the
    // length so the moved-out slot is not dropped twice.
    unsafe {
        let p = v.as_mut_ptr().add(i);
        let item = core::ptr::read(p);
        core::ptr::copy(p.add(1), p, len - i - 1);
        v.set_len(len - 1);
        Some(item)
    }
}

/// Removes and returns the last element of `v` (the 6.12 `KVec` has no `pop`).
pub fn vec_pop<T>(v: &mut kernel::alloc::KVec<T>) -> Option<T> {
    let n = v.len();
    if n == 0 {
        return None;
    }
    vec_remove(v, n - 1)
}

/// Keeps only the elements for which `keep` is true (the 6.12 `KVec` has no `retain`).
/// Quadratic in the worst case: for the short lists of configuration.
pub fn vec_retain<T>(v: &mut kernel::alloc::KVec<T>, mut keep: impl FnMut(&T) -> bool) {
    let mut i = 0;
    while i < v.len() {
        if keep(&v[i]) {
            i += 1;
        } else {
            drop(vec_remove(v, i));
        }
    }
}
