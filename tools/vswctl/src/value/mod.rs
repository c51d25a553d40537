// SPDX-License-Identifier: GPL-2.0
//! The values the command words take and the output shows: one type per kind of value, which
//! parses it (`FromStr`, for `KEYWORD VALUE` words) and formats it (`Display`, for the text
//! output) in one place, so that `port set p1 rate-in X` and `port show` agree on `X`.
//!
//! Parse errors are [`Invalid`]: the reason only, worded into the error line by
//! [`crate::args::parse`] with the keyword the value was given for.

use std::fmt::Write as _;

mod amount;
mod ethernet;
mod ip;
mod name;
mod word;

pub use amount::{Limit, Rate, Size};
pub use ethernet::{EtherType, GroupFwdMask, MacAddr, Vid, VlanList};
pub use ip::{octets, IpAllow, IpProto, PortRange, Prefix};
pub use name::Name;
pub use word::{AclAction, AclDir, BindingSource, OnOff, VlanMode, VmqBackend, VmqMode};

/// Why a word is not a valid value. The error line is `invalid KEYWORD "WORD": REASON`, or
/// `invalid KEYWORD "WORD" (expected CHOICES)` for a word that is none of a few choices; a
/// value type may name itself instead of the keyword (`invalid MAC address "zz": ...`),
/// quote a part of the word instead of all of it (one address of a list), or none of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    noun: Option<&'static str>,
    quote: Quote,
    reason: String,
    expected: bool,
}

/// What [`Invalid::line`] quotes after the keyword.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Quote {
    Word,
    Part(String),
    Nothing,
}

impl Invalid {
    /// `invalid KEYWORD "WORD": REASON`.
    pub fn new(reason: impl Into<String>) -> Self {
        Invalid {
            noun: None,
            quote: Quote::Word,
            reason: reason.into(),
            expected: false,
        }
    }

    /// `invalid KEYWORD "WORD" (expected CHOICES)`.
    pub fn expected(choices: impl Into<String>) -> Self {
        Invalid {
            expected: true,
            ..Invalid::new(choices)
        }
    }

    /// Name the value `noun` whatever keyword it was given for.
    pub fn named(self, noun: &'static str) -> Self {
        Invalid {
            noun: Some(noun),
            ..self
        }
    }

    /// Quote `part` (the bad item of a list) instead of the whole word.
    pub fn quoting(self, part: &str) -> Self {
        Invalid {
            quote: Quote::Part(part.to_string()),
            ..self
        }
    }

    /// Quote nothing: the reason says what is wrong (`empty`, `... given more than once`).
    pub fn unquoted(self) -> Self {
        Invalid {
            quote: Quote::Nothing,
            ..self
        }
    }

    /// The error line (without the `vswctl: ` prefix) for `word` given to keyword `kw`.
    pub fn line(&self, kw: &str, word: &str) -> String {
        let mut s = format!("invalid {}", self.noun.unwrap_or(kw));
        match &self.quote {
            Quote::Word => {
                let _ = write!(s, " \"{word}\"");
            }
            Quote::Part(p) => {
                let _ = write!(s, " \"{p}\"");
            }
            Quote::Nothing => {}
        }
        if self.expected {
            let _ = write!(s, " (expected {})", self.reason);
        } else {
            let _ = write!(s, ": {}", self.reason);
        }
        s
    }
}

/// ASCII digits only: no sign, no blanks, not empty.
pub(crate) fn is_decimal(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// A decimal unsigned integer up to `max`: `not a number`, `out of range (max MAX)`.
pub(crate) fn uint(s: &str, max: u64) -> Result<u64, Invalid> {
    if !is_decimal(s) {
        return Err(Invalid::new("not a number"));
    }
    s.parse::<u64>()
        .ok()
        .filter(|&v| v <= max)
        .ok_or_else(|| Invalid::new(format!("out of range (max {max})")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_lines() {
        assert_eq!(
            Invalid::new("not a number").line("mtu", "x"),
            "invalid mtu \"x\": not a number"
        );
        assert_eq!(
            Invalid::expected("on or off").line("trusted", "yes"),
            "invalid trusted \"yes\" (expected on or off)"
        );
        assert_eq!(
            Invalid::new("bad")
                .named("MAC address")
                .line("src-mac", "zz"),
            "invalid MAC address \"zz\": bad"
        );
        assert_eq!(
            Invalid::new("bad").quoting("b").line("ip-allow", "a,b"),
            "invalid ip-allow \"b\": bad"
        );
        assert_eq!(
            Invalid::new("empty").unquoted().line("port name", ""),
            "invalid port name: empty"
        );
    }

    #[test]
    fn numbers() {
        assert_eq!(uint("0", 0), Ok(0));
        assert_eq!(uint("00042", 42), Ok(42));
        assert_eq!(uint("43", 42), Err(Invalid::new("out of range (max 42)")));
        assert_eq!(
            uint("99999999999999999999999", u64::MAX),
            Err(Invalid::new("out of range (max 18446744073709551615)"))
        );
        for bad in ["", "-1", "+1", "1.5", "0x10", " 1", "1 "] {
            assert_eq!(uint(bad, 9), Err(Invalid::new("not a number")), "{bad:?}");
            assert!(!is_decimal(bad));
        }
    }
}
