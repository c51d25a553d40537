// SPDX-License-Identifier: GPL-2.0
//! iproute2-style keyword arguments: `KEYWORD VALUE` pairs and bare flag words after the
//! object names, e.g. `uplink eth0 ageing 300`.
//!
//! Clap only collects the words; everything here returns the error line (without the
//! `vswctl: ` prefix) as a `String`, which the commands turn into [`crate::Error::Usage`].
//! The values themselves are the types of [`crate::value`]; plain numbers are parsed here.

use std::str::FromStr;

use crate::value::{uint, Invalid};

/// A cursor over the words of a command line.
#[derive(Debug, Clone)]
pub struct Words<'a> {
    words: &'a [String],
    pos: usize,
}

impl<'a> Words<'a> {
    pub fn new(words: &'a [String]) -> Self {
        Words { words, pos: 0 }
    }

    /// The next word, consumed.
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> Option<&'a str> {
        let w = self.words.get(self.pos)?;
        self.pos += 1;
        Some(w.as_str())
    }

    /// The next word without consuming it.
    pub fn peek(&self) -> Option<&'a str> {
        self.words.get(self.pos).map(String::as_str)
    }

    /// The value of keyword `kw` (the next word); an error if there is none.
    pub fn value(&mut self, kw: &str) -> Result<&'a str, String> {
        self.next()
            .ok_or_else(|| format!("missing value for \"{kw}\""))
    }

    /// The value of keyword `kw`, parsed: `w.parse::<Rate>("rate-in")`.
    pub fn parse<T: FromStr<Err = Invalid>>(&mut self, kw: &str) -> Result<T, String> {
        parse(kw, self.value(kw)?)
    }

    /// A required positional word (`what` names it in the error, e.g. `switch name (SW)`).
    pub fn positional(&mut self, cmd: &str, what: &str) -> Result<&'a str, String> {
        self.next().ok_or_else(|| format!("{cmd}: missing {what}"))
    }
}

/// Error for a keyword this command does not know.
pub fn unknown_keyword(cmd: &str, kw: &str, expected: &str) -> String {
    format!("{cmd}: unknown keyword \"{kw}\" (expected {expected})")
}

/// Error for a keyword given twice.
pub fn duplicate(kw: &str) -> String {
    format!("\"{kw}\" given more than once")
}

/// Set `slot` once; a second time is an error.
pub fn set_once<T>(slot: &mut Option<T>, kw: &str, v: T) -> Result<(), String> {
    if slot.is_some() {
        return Err(duplicate(kw));
    }
    *slot = Some(v);
    Ok(())
}

/// `word` as a value of type `T`, given for keyword `kw` (or positional value `kw`, e.g.
/// `port name`): the error line names both, `invalid rate-in "fast": not a number`.
pub fn parse<T: FromStr<Err = Invalid>>(kw: &str, word: &str) -> Result<T, String> {
    word.parse().map_err(|e: Invalid| e.line(kw, word))
}

/// Decimal u32 (ageing, fdb-max, mtu, weight, ...). Only what fits the attribute is checked
/// here: the module's netlink policy owns the ranges, and its error names the allowed one.
pub fn parse_u32(kw: &str, s: &str) -> Result<u32, String> {
    uint(s, u32::MAX.into())
        .map(|v| v as u32)
        .map_err(|e| e.line(kw, s))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::Rate;

    fn w(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn words_cursor() {
        let v = w("a b");
        let mut it = Words::new(&v);
        assert_eq!(it.peek(), Some("a"));
        assert_eq!(it.next(), Some("a"));
        assert_eq!(it.value("kw"), Ok("b"));
        assert_eq!(it.value("kw"), Err("missing value for \"kw\"".to_string()));
        assert!(it.positional("x", "y").is_err());
    }

    #[test]
    fn parsed_values() {
        let v = w("1mbit fast");
        let mut it = Words::new(&v);
        assert_eq!(it.parse("rate-in"), Ok(Rate(1_000_000)));
        assert_eq!(
            it.parse::<Rate>("rate-out"),
            Err("invalid rate-out \"fast\": not a number".to_string())
        );
        assert_eq!(
            it.parse::<Rate>("burst"),
            Err("missing value for \"burst\"".to_string())
        );
        assert_eq!(parse("rate-in", "none"), Ok(Rate(0)));
    }

    #[test]
    fn numbers() {
        assert_eq!(parse_u32("mtu", "1500"), Ok(1500));
        assert_eq!(parse_u32("mtu", "4294967295"), Ok(u32::MAX));
        assert_eq!(
            parse_u32("mtu", "4294967296").unwrap_err(),
            "invalid mtu \"4294967296\": out of range (max 4294967295)"
        );
        assert_eq!(
            parse_u32("ageing", "abc").unwrap_err(),
            "invalid ageing \"abc\": not a number"
        );
        for bad in ["", "-1", "+1", "1.5", "0x10", " 1"] {
            assert!(parse_u32("x", bad).is_err(), "{bad:?}");
        }
    }
}
