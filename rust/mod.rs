// SPDX-License-Identifier: GPL-2.0
//! The kernel-side foundation of vswitch: bindings and safe abstractions for the kernel APIs
//! that the 6.12 `kernel` crate does not cover (generic netlink today; netdev, skb,
//! rx_handler, ethtool, irq and PCI as the switch grows).
//!
//! All `unsafe` code of the module lives under this directory. Every `unsafe` block carries a
//! `// SAFETY:` comment and every type that wraps a raw pointer documents its `# Invariants`.
//! Code outside (the switch itself) uses only the safe API exported here.

pub mod errno;
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
