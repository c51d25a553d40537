// SPDX-License-Identifier: GPL-2.0
//! Switch, port and uplink names.

use std::fmt;
use std::ops::Deref;
use std::str::FromStr;

use super::Invalid;
use crate::uapi;

/// A netdev or switch name: 1..=`uapi::NAME_MAX` bytes, no NUL (the module would cut the
/// string attribute there).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Name(String);

impl FromStr for Name {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<Self, Invalid> {
        if s.is_empty() {
            return Err(Invalid::new("empty").unquoted());
        }
        if s.len() > uapi::NAME_MAX {
            return Err(Invalid::new(format!(
                "too long (max {} bytes)",
                uapi::NAME_MAX
            )));
        }
        if s.bytes().any(|b| b == 0) {
            return Err(Invalid::new("contains NUL").unquoted());
        }
        Ok(Name(s.to_string()))
    }
}

/// A name is used where a `&str` is: string attributes, filters.
impl Deref for Name {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl From<Name> for String {
    fn from(n: Name) -> String {
        n.0
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::args::parse;

    #[test]
    fn names() {
        let n: Name = parse("switch name", "sw0").unwrap();
        assert_eq!(
            (&*n, n.to_string(), String::from(n.clone())),
            ("sw0", "sw0".into(), "sw0".into())
        );
        assert_eq!(
            parse::<Name>("switch name", "").unwrap_err(),
            "invalid switch name: empty"
        );
        assert_eq!(
            parse::<Name>("port name", "0123456789abcdef").unwrap_err(),
            "invalid port name \"0123456789abcdef\": too long (max 15 bytes)"
        );
        assert!(parse::<Name>("port name", "0123456789abcde").is_ok());
        assert_eq!(
            parse::<Name>("port name", "a\0b").unwrap_err(),
            "invalid port name: contains NUL"
        );
    }
}
