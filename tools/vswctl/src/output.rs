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
    /// `-s -s`: more detail in the statistics (every counter, zeros included).
    pub details: bool,
    /// `-p/--pretty`: JSON indented over several lines.
    pub pretty: bool,
    /// `-t/--timestamp`: `monitor` prefixes each event with the time it was received.
    pub timestamp: bool,
}

impl Output {
    /// Print one text line to stdout.
    pub fn line(&self, s: impl AsRef<str>) -> io::Result<()> {
        let mut out = io::stdout().lock();
        writeln!(out, "{}", s.as_ref())
    }

    /// Print many text lines with one buffered writer: stdout writes each line at once
    /// otherwise, and a switch's FDB can hold a million entries.
    pub fn lines(&self, lines: impl IntoIterator<Item = String>) -> io::Result<()> {
        let mut out = io::BufWriter::with_capacity(64 * 1024, io::stdout().lock());
        for l in lines {
            writeln!(out, "{l}")?;
        }
        out.flush()
    }

    /// Flush stdout (a monitor line must reach a pipe reader at once).
    pub fn flush(&self) -> io::Result<()> {
        io::stdout().lock().flush()
    }

    /// Print a value as JSON: one compact line, or indented with `-p`.
    pub fn json<T: Serialize>(&self, v: &T) -> io::Result<()> {
        let s = if self.pretty {
            serde_json::to_string_pretty(v).map_err(io::Error::other)?
        } else {
            to_json(v)?
        };
        self.line(s)
    }

    /// The statistics level of text output: 0 none, 1 `-s`, 2 `-s -s`.
    pub fn stats_level(&self) -> u8 {
        u8::from(self.stats) + u8::from(self.stats && self.details)
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

/// `time` as UTC `YYYY-MM-DDTHH:MM:SS.uuuuuuZ` (the `monitor -t` stamp; no time zone
/// database needed, and sortable).
pub fn utc_timestamp(time: std::time::SystemTime) -> String {
    let d = time
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let secs = d.as_secs();
    let (days, rem) = (secs / 86_400, secs % 86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's days_from_civil, inverted).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:06}Z",
        rem / 3600,
        rem / 60 % 60,
        rem % 60,
        d.subsec_micros()
    )
}

/// Compact JSON text of a value.
pub fn to_json<T: Serialize>(v: &T) -> io::Result<String> {
    serde_json::to_string(v).map_err(io::Error::other)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps() {
        use std::time::{Duration, UNIX_EPOCH};
        let t = |s: u64, us: u32| {
            utc_timestamp(UNIX_EPOCH + Duration::from_secs(s) + Duration::from_micros(us.into()))
        };
        assert_eq!(t(0, 0), "1970-01-01T00:00:00.000000Z");
        assert_eq!(t(951_782_400, 5), "2000-02-29T00:00:00.000005Z");
        assert_eq!(t(1_700_000_000, 123_456), "2023-11-14T22:13:20.123456Z");
        assert_eq!(t(4_102_444_799, 0), "2099-12-31T23:59:59.000000Z");
    }

    #[test]
    fn levels_and_pretty() {
        let mut o = Output::default();
        assert_eq!(o.stats_level(), 0);
        o.details = true;
        assert_eq!(o.stats_level(), 0);
        o.stats = true;
        assert_eq!(o.stats_level(), 2);
        o.details = false;
        assert_eq!(o.stats_level(), 1);
    }

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
