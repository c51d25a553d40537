// SPDX-License-Identifier: GPL-2.0
//! Short texts copied out of kernel objects whose own string may go away once a lock is
//! dropped (irq domain and chip names, driver names).

use kernel::str::CStr;

/// Up to 63 bytes of text (longer ones are cut, as `strscpy` into a 64-byte buffer does).
#[derive(Clone, Copy)]
pub struct Text {
    buf: [u8; 64],
    len: u8,
}

impl Text {
    /// An empty text.
    pub const fn empty() -> Text {
        Text { buf: [0; 64], len: 0 }
    }

    /// A copy of `s` (cut to 63 bytes).
    pub fn copy(s: &CStr) -> Text {
        let b = s.as_bytes();
        let n = b.len().min(63);
        let mut t = Text::empty();
        t.buf[..n].copy_from_slice(&b[..n]);
        t.len = n as u8;
        t
    }

    /// The text; `?` if it is not UTF-8.
    pub fn as_str(&self) -> &str {
        core::str::from_utf8(&self.buf[..usize::from(self.len)]).unwrap_or("?")
    }
}
