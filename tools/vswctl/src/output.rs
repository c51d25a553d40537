// SPDX-License-Identifier: GPL-2.0
//! Output: text lines or JSON (`-j`), chosen once by the global flags.

use std::io::{self, Write};

use serde::Serialize;

/// How to print; built from the global flags and passed to every command.
#[derive(Debug, Clone, Copy, Default)]
pub struct Output {
    /// `-j/--json`: print one JSON value (object, or array for lists) instead of text.
    pub json: bool,
    /// `-s/--stats`: also print statistics (used by `show` commands).
    pub stats: bool,
}

impl Output {
    /// Print one text line to stdout.
    pub fn line(&self, s: impl AsRef<str>) -> io::Result<()> {
        let mut out = io::stdout().lock();
        writeln!(out, "{}", s.as_ref())
    }

    /// Flush stdout (a monitor line must reach a pipe reader at once).
    pub fn flush(&self) -> io::Result<()> {
        io::stdout().lock().flush()
    }

    /// Print a value as one line of compact JSON.
    pub fn json<T: Serialize>(&self, v: &T) -> io::Result<()> {
        let s = to_json(v)?;
        self.line(s)
    }
}

/// Compact JSON text of a value.
pub fn to_json<T: Serialize>(v: &T) -> io::Result<String> {
    serde_json::to_string(v).map_err(io::Error::other)
}
