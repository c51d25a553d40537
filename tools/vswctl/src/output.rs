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

/// Text table: `header` then `rows`, columns left-aligned and padded to the widest cell,
/// separated by two spaces (no trailing blanks). No rows: no lines (not even the header).
pub fn table(header: &[&str], rows: &[Vec<String>]) -> Vec<String> {
    if rows.is_empty() {
        return Vec::new();
    }
    let mut all = vec![header.iter().map(|h| h.to_string()).collect::<Vec<_>>()];
    all.extend(rows.iter().cloned());
    columns(&all)
}

/// `rows` as lines with their columns left-aligned and padded to the widest cell,
/// separated by two spaces (no trailing blanks); a table without header.
pub fn columns(rows: &[Vec<String>]) -> Vec<String> {
    let mut widths: Vec<usize> = Vec::new();
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            let n = c.chars().count();
            match widths.get_mut(i) {
                Some(w) => *w = (*w).max(n),
                None => widths.push(n),
            }
        }
    }
    let line = |cells: &mut dyn Iterator<Item = &str>| {
        let mut s = String::new();
        for (i, c) in cells.enumerate() {
            if i > 0 {
                s.push_str("  ");
            }
            s.push_str(c);
            let pad = widths[i].saturating_sub(c.chars().count());
            s.extend(std::iter::repeat_n(' ', pad));
        }
        s.truncate(s.trim_end().len());
        s
    };
    rows.iter()
        .map(|r| line(&mut r.iter().map(String::as_str)))
        .collect()
}

/// Compact JSON text of a value.
pub fn to_json<T: Serialize>(v: &T) -> io::Result<String> {
    serde_json::to_string(v).map_err(io::Error::other)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables() {
        let rows = vec![
            vec!["sw0".to_string(), "1".to_string(), "x".to_string()],
            vec!["switch1".to_string(), "22".to_string(), "".to_string()],
        ];
        assert_eq!(
            table(&["sw", "n", "last"], &rows),
            ["sw       n   last", "sw0      1   x", "switch1  22"]
        );
        assert!(table(&["a"], &[]).is_empty());
        let rows = vec![
            vec![
                "prio 10".to_string(),
                "deny".to_string(),
                "hits 7".to_string(),
            ],
            vec![
                "prio 200".to_string(),
                "allow".to_string(),
                "hits 0".to_string(),
            ],
        ];
        assert_eq!(
            columns(&rows),
            ["prio 10   deny   hits 7", "prio 200  allow  hits 0"]
        );
        assert!(columns(&[]).is_empty());
    }
}
