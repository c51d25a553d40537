// SPDX-License-Identifier: GPL-2.0
//! Ethernet (MAC) addresses: parsing, formatting and classification.
//!
//! Pure logic: depends only on `core`, so the same file is compiled into `vswitch.ko` and into
//! the host test crate (`vswitch/host`).
#![allow(dead_code, unreachable_pub)]

use core::fmt;

/// A 48-bit Ethernet address, in wire (network) byte order.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct Mac(pub [u8; 6]);

/// Why a MAC address was rejected.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum MacError {
    /// The text is not six two-digit hex bytes separated by `:`.
    Format,
}

impl MacError {
    /// A user-facing description of the error.
    pub fn message(&self) -> &'static str {
        match self {
            MacError::Format => {
                "MAC address must be six hex bytes separated by ':' (e.g. 00:15:5d:01:02:03)"
            }
        }
    }
}

impl fmt::Display for MacError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

/// The value of one ASCII hex digit, or `None`.
fn hex_digit(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

impl Mac {
    /// The all-zero address `00:00:00:00:00:00`.
    pub const ZERO: Mac = Mac([0; 6]);
    /// The broadcast address `ff:ff:ff:ff:ff:ff`.
    pub const BROADCAST: Mac = Mac([0xff; 6]);

    /// Parses `aa:bb:cc:dd:ee:ff`: exactly six groups of exactly two hex digits (either case)
    /// separated by `:`. Any other text (other separators, short groups, surrounding
    /// whitespace) is rejected.
    pub fn parse(s: &str) -> Result<Mac, MacError> {
        let b = s.as_bytes();
        if b.len() != 17 {
            return Err(MacError::Format);
        }
        let mut out = [0u8; 6];
        for (i, byte) in out.iter_mut().enumerate() {
            let at = i * 3;
            let hi = b.get(at).copied().and_then(hex_digit);
            let lo = b.get(at + 1).copied().and_then(hex_digit);
            match (hi, lo) {
                (Some(hi), Some(lo)) => *byte = (hi << 4) | lo,
                _ => return Err(MacError::Format),
            }
            if i < 5 && b.get(at + 2) != Some(&b':') {
                return Err(MacError::Format);
            }
        }
        Ok(Mac(out))
    }

    /// The address in `bytes`, which must be exactly 6 bytes long (e.g. a netlink `MAC`
    /// attribute). For a frame header use `Mac::from_slice(frame.get(0..6)?)`.
    pub fn from_slice(bytes: &[u8]) -> Option<Mac> {
        let arr: [u8; 6] = bytes.try_into().ok()?;
        Some(Mac(arr))
    }

    /// True for group addresses (I/G bit, bit 0 of byte 0, set), including broadcast.
    pub fn is_multicast(&self) -> bool {
        self.0[0] & 0x01 != 0
    }

    /// True for `ff:ff:ff:ff:ff:ff`.
    pub fn is_broadcast(&self) -> bool {
        *self == Mac::BROADCAST
    }

    /// True for `00:00:00:00:00:00`.
    pub fn is_zero(&self) -> bool {
        *self == Mac::ZERO
    }

    /// True for an address a port may use as its own or as a learned source: neither
    /// multicast (nor broadcast) nor all-zero.
    pub fn is_valid_unicast(&self) -> bool {
        !self.is_multicast() && !self.is_zero()
    }
}

impl fmt::Display for Mac {
    /// Lowercase colon form, `aa:bb:cc:dd:ee:ff`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [a, b, c, d, e, g] = self.0;
        write!(f, "{a:02x}:{b:02x}:{c:02x}:{d:02x}:{e:02x}:{g:02x}")
    }
}
