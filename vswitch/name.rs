// SPDX-License-Identifier: GPL-2.0
//! Names of switches and ports: what the switch calls them, independent of any netdev's
//! current name (a guest may rename its vPort; the port keeps the name it was added with,
//! as Open vSwitch port names do).
//!
//! The rules are the kernel's for interface names (`dev_valid_name`) made stricter: 1..=15
//! printable ASCII bytes, no `/`, `:` or whitespace, not `.` or `..`, and no `%` (a netdev
//! name template such as `vm%d` would name the device something else than the port).
//!
//! Pure logic: depends only on `core`; compiled into the module and the host test crate.
#![allow(dead_code, unreachable_pub)]

/// Longest name in bytes (`IFNAMSIZ - 1`).
pub const NAME_MAX: usize = 15;

/// Why a name was refused.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum NameError {
    /// Empty, or longer than [`NAME_MAX`] bytes.
    Length,
    /// `.`, `..`, or a byte that is not printable ASCII or is `/`, `:`, `%` or a space.
    Chars,
}

impl NameError {
    /// A user-facing description.
    pub fn message(&self) -> &'static str {
        match self {
            NameError::Length => "name must be 1-15 characters",
            NameError::Chars => "name must be printable ASCII without '/', ':', '%' or spaces, and not '.' or '..'",
        }
    }
}

/// A valid switch or port name, stored inline.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Name {
    buf: [u8; NAME_MAX + 1],
    len: u8,
}

impl Name {
    /// Checks `s` against the rules above.
    pub fn new(s: &str) -> Result<Self, NameError> {
        let b = s.as_bytes();
        if b.is_empty() || b.len() > NAME_MAX {
            return Err(NameError::Length);
        }
        if s == "." || s == ".." || b.iter().any(|&c| !(0x21..0x7f).contains(&c) || matches!(c, b'/' | b':' | b'%')) {
            return Err(NameError::Chars);
        }
        let mut buf = [0u8; NAME_MAX + 1];
        buf[..b.len()].copy_from_slice(b);
        Ok(Name { buf, len: b.len() as u8 })
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        // Only valid ASCII is ever stored (see `new`).
        core::str::from_utf8(&self.buf[..usize::from(self.len)]).unwrap_or("?")
    }

    /// The name as a NUL-terminated byte string (for kernel APIs).
    pub fn as_bytes_with_nul(&self) -> &[u8] {
        &self.buf[..usize::from(self.len) + 1]
    }
}

impl PartialEq<str> for Name {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl core::fmt::Debug for Name {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}
