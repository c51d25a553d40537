// SPDX-License-Identifier: GPL-2.0
//! The vswitch generic netlink UAPI: family name, versions, commands and attributes.
//!
//! This file is the single source of truth. The kernel module includes it (`vswitch/uapi.rs`),
//! `vswctl` includes the same file (`#[path]`), and `vswitch/uapi.h` is the C view of it for
//! other languages; `cargo test` fails if the two ever disagree. It depends on nothing but
//! `core`, so it compiles both in the kernel and on the host.
//!
//! Rules: numbers are never reused or renumbered; new commands and attributes are appended.
#![allow(dead_code, unreachable_pub)]

/// Generic netlink family name (`genl ctrl list` shows it).
pub const FAMILY_NAME: &str = "vswitch";
/// Generic netlink family version (`genl_family.version`); bumped on incompatible change.
pub const FAMILY_VERSION: u8 = 1;
/// Release version of the module and the tool; both must print the same.
pub const VERSION: &str = "0.1.0";

/// Commands (`genlmsghdr.cmd`).
pub mod cmd {
    pub const UNSPEC: u8 = 0;
    /// Request: no attributes. Reply: `attr::VERSION`, `attr::FAMILY_VERSION`.
    pub const GET_VERSION: u8 = 1;
    /// The highest command number in use.
    pub const MAX: u8 = GET_VERSION;
}

/// Top-level attributes (netlink attribute types).
pub mod attr {
    pub const UNSPEC: u16 = 0;
    /// NUL-terminated string: the module's release version (`VERSION`).
    pub const VERSION: u16 = 1;
    /// u32: the family version the module speaks (`FAMILY_VERSION`).
    pub const FAMILY_VERSION: u16 = 2;
    /// The highest attribute number in use.
    pub const MAX: u16 = FAMILY_VERSION;
}
