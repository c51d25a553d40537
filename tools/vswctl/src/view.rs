// SPDX-License-Identifier: GPL-2.0
//! Reading a reply or event: [`AttrView`] over a message's attributes, with typed getters
//! that turn a missing or malformed attribute into the tool's one "bad reply" error naming
//! it, so that no command decodes bytes or words these errors itself.

use crate::netlink::{self, find, Attr};
use crate::Error;

/// A value read from one attribute's payload; the error is only the reason
/// (`expected 4 bytes, got 1`), [`AttrView`] names the attribute.
pub trait FromAttr: Sized {
    fn from_attr(a: &Attr) -> Result<Self, String>;
}

impl FromAttr for u8 {
    fn from_attr(a: &Attr) -> Result<Self, String> {
        a.as_u8().map_err(|e| e.to_string())
    }
}

impl FromAttr for u16 {
    fn from_attr(a: &Attr) -> Result<Self, String> {
        a.as_u16().map_err(|e| e.to_string())
    }
}

impl FromAttr for u32 {
    fn from_attr(a: &Attr) -> Result<Self, String> {
        a.as_u32().map_err(|e| e.to_string())
    }
}

impl FromAttr for u64 {
    fn from_attr(a: &Attr) -> Result<Self, String> {
        a.as_u64().map_err(|e| e.to_string())
    }
}

/// A u8 flag: anything but 0 is true.
impl FromAttr for bool {
    fn from_attr(a: &Attr) -> Result<Self, String> {
        Ok(u8::from_attr(a)? != 0)
    }
}

/// A string, up to the first NUL.
impl FromAttr for String {
    fn from_attr(a: &Attr) -> Result<Self, String> {
        Ok(a.as_string())
    }
}

/// A nested set: its attributes.
impl FromAttr for Vec<Attr> {
    fn from_attr(a: &Attr) -> Result<Self, String> {
        a.as_nested().map_err(|e| e.to_string())
    }
}

/// The error of a reply the tool cannot use: `kernel reply has a bad WHAT attribute: WHY`
/// (also for a reply that is missing altogether).
pub fn bad_reply(what: &str, why: impl std::fmt::Display) -> Error {
    Error::Netlink(netlink::Error::Other(format!(
        "kernel reply has a bad {what} attribute: {why}"
    )))
}

/// The attributes of one message (or of one nested set). `what` names an attribute in the
/// errors as the UAPI does (`VLAN_MODE`, `IRQ_ENTRY/IRQ` inside a nest).
#[derive(Debug, Clone, Copy)]
pub struct AttrView<'a> {
    attrs: &'a [Attr],
}

impl<'a> AttrView<'a> {
    pub fn new(attrs: &'a [Attr]) -> Self {
        AttrView { attrs }
    }

    /// Whether a (flag) attribute is present.
    pub fn has(&self, kind: u16) -> bool {
        find(self.attrs, kind).is_some()
    }

    /// The value of the first attribute `kind`, `None` if absent.
    pub fn get<T: FromAttr>(&self, kind: u16, what: &str) -> Result<Option<T>, Error> {
        find(self.attrs, kind)
            .map(|a| T::from_attr(a).map_err(|e| bad_reply(what, e)))
            .transpose()
    }

    /// The value of the first attribute `kind`, which must be present.
    pub fn req<T: FromAttr>(&self, kind: u16, what: &str) -> Result<T, Error> {
        self.get(kind, what)?.ok_or_else(|| {
            Error::Netlink(netlink::Error::Other(format!(
                "kernel reply lacks attribute {what} ({kind})"
            )))
        })
    }

    /// The values of every attribute `kind` (repeated ones: `IRQ_ENTRY`, `BINDING`), in
    /// order.
    pub fn all<T: FromAttr>(&self, kind: u16, what: &str) -> Result<Vec<T>, Error> {
        self.attrs
            .iter()
            .filter(|a| a.kind() == kind)
            .map(|a| T::from_attr(a).map_err(|e| bad_reply(what, e)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Vec<Attr> {
        vec![
            Attr::u8(1, 7),
            Attr::u16(2, 0x1234),
            Attr::u32(3, 5),
            Attr::u64(4, u64::MAX),
            Attr::str(5, "sw0"),
            Attr::nested(6, &[Attr::u32(1, 8), Attr::str(2, "x")]).unwrap(),
            Attr::u8(1, 0),
            Attr::bytes(7, vec![]),
        ]
    }

    #[test]
    fn typed_getters() {
        let a = sample();
        let v = AttrView::new(&a);
        assert_eq!(v.get::<u8>(1, "A").unwrap(), Some(7));
        assert_eq!(v.get::<bool>(1, "A").unwrap(), Some(true));
        assert_eq!(v.get::<u16>(2, "B").unwrap(), Some(0x1234));
        assert_eq!(v.get::<u32>(3, "C").unwrap(), Some(5));
        assert_eq!(v.req::<u64>(4, "D").unwrap(), u64::MAX);
        assert_eq!(v.req::<String>(5, "E").unwrap(), "sw0");
        // Flag bits of the type are ignored, as by the UAPI constants.
        let kids = v.req::<Vec<Attr>>(6, "F").unwrap();
        assert_eq!(AttrView::new(&kids).req::<u32>(1, "F/G").unwrap(), 8);
        assert_eq!(v.get::<u32>(9, "Z").unwrap(), None);
        assert!(v.has(7) && !v.has(9));
        // Repeated attributes, in order.
        assert_eq!(v.all::<u8>(1, "A").unwrap(), [7, 0]);
        assert_eq!(v.all::<bool>(1, "A").unwrap(), [true, false]);
        assert!(v.all::<u8>(9, "Z").unwrap().is_empty());
    }

    #[test]
    fn errors_name_the_attribute() {
        let a = sample();
        let v = AttrView::new(&a);
        let err = |e: Error| e.to_string();
        assert_eq!(
            err(v.req::<u32>(9, "VLAN_MODE").unwrap_err()),
            "kernel reply lacks attribute VLAN_MODE (9)"
        );
        assert_eq!(
            err(v.get::<u32>(1, "AGEING").unwrap_err()),
            "kernel reply has a bad AGEING attribute: attribute 1: expected 4 bytes, got 1"
        );
        assert_eq!(
            err(v.req::<u16>(3, "VLAN").unwrap_err()),
            "kernel reply has a bad VLAN attribute: attribute 3: expected 2 bytes, got 4"
        );
        assert_eq!(
            err(v.all::<u32>(1, "A").unwrap_err()),
            "kernel reply has a bad A attribute: attribute 1: expected 4 bytes, got 1"
        );
        let bad = [Attr::bytes(6, vec![8, 0, 1])];
        assert!(err(AttrView::new(&bad)
            .req::<Vec<Attr>>(6, "STATS")
            .unwrap_err())
        .starts_with("kernel reply has a bad STATS attribute: malformed nested attributes"));
        assert!(matches!(
            v.req::<u8>(9, "X").unwrap_err(),
            Error::Netlink(netlink::Error::Other(_))
        ));
        assert_eq!(
            err(bad_reply("PORT_GET", "no reply message")),
            "kernel reply has a bad PORT_GET attribute: no reply message"
        );
    }
}
