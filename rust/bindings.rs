// SPDX-License-Identifier: GPL-2.0
//! Raw bindings: bindgen over `rust/bindings_helper.h` with the kernel's own bindgen flags
//! (`scripts/bindgen`), including the C helpers of `rust/helpers/`.
#![allow(
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

use kernel::ffi;
// Blocklisted by the kernel's bindgen command; defined as `rust/bindings/lib.rs` does.
type __kernel_size_t = usize;
type __kernel_ssize_t = isize;
type __kernel_ptrdiff_t = isize;
include!("bindings_generated.rs");
