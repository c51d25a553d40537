// SPDX-License-Identifier: GPL-2.0
//! `vswctl raw CMD [ATTR...]`: send an arbitrary (possibly malformed) request to the vswitch
//! family. Hidden from the main help; used by the selftests to exercise the kernel's
//! attribute validation.

use std::fmt::Write as _;

use crate::netlink::{Attr, Client, Message};
use crate::output::Output;
use crate::Error;

/// Short help of `vswctl raw` (main help hides the command).
pub const ABOUT: &str =
    "Send a raw generic netlink request to the vswitch family (debug/selftests)";
/// Long help of `vswctl raw --help`.
pub const LONG_ABOUT: &str = "\
Send a raw generic netlink request to the vswitch family (debug/selftests).

The request carries NLM_F_REQUEST|NLM_F_ACK (NLM_F_DUMP with --dump), the genl
version of this tool, command CMD and the attributes in the order given.
On success it prints `ok`, then one line per attribute of the reply:
  attr TYPE len N hex BYTES
TYPE without the NLA_F_NESTED/NLA_F_NET_BYTEORDER bits, N the payload length,
BYTES the payload in lowercase hex. With --dump each reply message starts with
a line `msg cmd C`. On a kernel error it prints `vswctl: <message> (<ERRNO>)`
to stderr and exits 1.

Each ATTR is TYPE:KIND:VALUE, TYPE the u16 attribute type (decimal or 0x hex), KIND one of
  u8, u16, u32, u64  integer in host byte order (decimal or 0x hex), e.g. 2:u32:1
  str                NUL-terminated string (may contain ':' and be empty), e.g. 1:str:br0
  hex                raw payload bytes, even number of hex digits, may be empty, e.g. 3:hex:0102";

/// Parse `TYPE:KIND:VALUE` into an attribute (clap value parser).
pub fn parse_attr_spec(spec: &str) -> Result<Attr, String> {
    let mut it = spec.splitn(3, ':');
    let (ty, kind, value) = match (it.next(), it.next(), it.next()) {
        (Some(t), Some(k), Some(v)) => (t, k, v),
        _ => return Err(format!("'{spec}': expected TYPE:KIND:VALUE")),
    };
    let ty = parse_uint(ty, u16::MAX.into())
        .map_err(|e| format!("'{spec}': attribute type: {e}"))? as u16;
    let int = |max: u64| parse_uint(value, max).map_err(|e| format!("'{spec}': {kind} value: {e}"));
    Ok(match kind {
        "u8" => Attr::u8(ty, int(u8::MAX.into())? as u8),
        "u16" => Attr::u16(ty, int(u16::MAX.into())? as u16),
        "u32" => Attr::u32(ty, int(u32::MAX.into())? as u32),
        "u64" => Attr::u64(ty, int(u64::MAX)?),
        "str" => Attr::str(ty, value),
        "hex" => Attr::bytes(
            ty,
            parse_hex(value).map_err(|e| format!("'{spec}': hex value: {e}"))?,
        ),
        _ => {
            return Err(format!(
                "'{spec}': unknown kind '{kind}' (expected u8, u16, u32, u64, str or hex)"
            ))
        }
    })
}

/// Decimal or `0x` hex unsigned integer, at most `max`.
fn parse_uint(s: &str, max: u64) -> Result<u64, String> {
    let v = match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        Some(h) if !h.is_empty() && h.bytes().all(|b| b.is_ascii_hexdigit()) => {
            u64::from_str_radix(h, 16)
        }
        Some(_) => return Err(format!("'{s}' is not a number")),
        None if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) => s.parse::<u64>(),
        None => return Err(format!("'{s}' is not a number")),
    }
    .map_err(|_| format!("'{s}' is out of range (max {max})"))?;
    if v > max {
        return Err(format!("'{s}' is out of range (max {max})"));
    }
    Ok(v)
}

fn parse_hex(s: &str) -> Result<Vec<u8>, String> {
    if !s.len().is_multiple_of(2) {
        return Err(format!("'{s}' has an odd number of hex digits"));
    }
    if !s.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(format!("'{s}' is not hex"));
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).map_err(|e| e.to_string()))
        .collect()
}

/// `attr TYPE len N hex BYTES`
pub fn attr_line(a: &Attr) -> String {
    let mut hex = String::with_capacity(a.data.len() * 2);
    for b in &a.data {
        let _ = write!(hex, "{b:02x}");
    }
    format!("attr {} len {} hex {}", a.kind(), a.data.len(), hex)
        .trim_end()
        .to_string()
}

pub fn run(out: &Output, cmd: u8, attrs: &[Attr], dump: bool) -> Result<(), Error> {
    let client = Client::connect()?;
    let msgs: Vec<Message> = if dump {
        client.dump(cmd, attrs)?
    } else {
        client.transact(cmd, attrs)?
    };
    out.line("ok")?;
    for m in &msgs {
        if dump {
            out.line(format!("msg cmd {}", m.cmd))?;
        }
        for a in &m.attrs {
            out.line(attr_line(a))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn good_specs() {
        assert_eq!(
            parse_attr_spec("1:u8:255").unwrap(),
            Attr::bytes(1, vec![255])
        );
        assert_eq!(
            parse_attr_spec("2:u16:0x1234").unwrap(),
            Attr::u16(2, 0x1234)
        );
        assert_eq!(
            parse_attr_spec("3:u32:4294967295").unwrap(),
            Attr::u32(3, u32::MAX)
        );
        assert_eq!(
            parse_attr_spec("65535:u64:18446744073709551615").unwrap(),
            Attr::u64(65535, u64::MAX)
        );
        assert_eq!(
            parse_attr_spec("0x8001:hex:").unwrap(),
            Attr::bytes(0x8001, vec![])
        );
        assert_eq!(
            parse_attr_spec("4:hex:0102aB").unwrap(),
            Attr::bytes(4, vec![1, 2, 0xab])
        );
        assert_eq!(parse_attr_spec("5:str:br0").unwrap().data, b"br0\0");
        assert_eq!(parse_attr_spec("5:str:").unwrap().data, b"\0");
        assert_eq!(parse_attr_spec("5:str:a:b").unwrap().data, b"a:b\0");
    }

    #[test]
    fn bad_specs() {
        for bad in [
            "",
            "1",
            "1:u8",
            "x:u8:1",
            "-1:u8:1",
            "65536:u8:1",
            "1:u9:1",
            "1:U8:1",
            "1:u8:256",
            "1:u8:-1",
            "1:u8:",
            "1:u16:65536",
            "1:u32:4294967296",
            "1:u64:18446744073709551616",
            "1:u32:0x",
            "1:u32:1.5",
            "1:hex:123",
            "1:hex:zz",
            "1:hex:01 02",
            ":u8:1",
        ] {
            assert!(parse_attr_spec(bad).is_err(), "{bad:?} should be rejected");
        }
        let e = parse_attr_spec("1:float:1").unwrap_err();
        assert!(e.contains("unknown kind"), "{e}");
    }

    #[test]
    fn attr_lines() {
        assert_eq!(
            attr_line(&Attr::u32(2, 1)),
            format!(
                "attr 2 len 4 hex {}",
                if cfg!(target_endian = "little") {
                    "01000000"
                } else {
                    "00000001"
                }
            )
        );
        assert_eq!(attr_line(&Attr::bytes(7, vec![])), "attr 7 len 0 hex");
        assert_eq!(
            attr_line(&Attr::bytes(3 | 0x8000, vec![0xab])),
            "attr 3 len 1 hex ab"
        );
    }
}
