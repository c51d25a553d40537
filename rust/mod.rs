// SPDX-License-Identifier: GPL-2.0
//! The kernel-side foundation of vswitch: bindings and safe abstractions for the kernel APIs
//! that the 6.12 `kernel` crate does not cover (generic netlink today; netdev, skb,
//! rx_handler, ethtool, irq and PCI as the switch grows).
//!
//! All `unsafe` code of the module lives under this directory. Every `unsafe` block carries a
//! `// SAFETY:` comment and every type that wraps a raw pointer documents its `# Invariants`.
//! Code outside (the switch itself) uses only the safe API exported here.

pub mod errno;
pub mod netdev;
pub mod pci;
pub mod percpu;
pub mod qdisc;
pub mod rcuhash;
pub mod rcu;
pub mod rtnl;
pub mod skb;
pub mod timer;
pub mod vmq;
pub mod genl;

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
