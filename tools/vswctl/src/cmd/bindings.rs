// SPDX-License-Identifier: GPL-2.0
//! `vswctl port show PORT bindings`: the IP source guard bindings of a port (`BINDING_GET`):
//! the static ones (`ip-allow`) first, then those learned from DHCP and DHCPv6 replies, with
//! the seconds left on their lease.

use std::net::IpAddr;

use serde::Serialize;

use super::Request;
use crate::args::{self, Words};
use crate::netlink::{Attr, Client};
use crate::output::Output;
use crate::uapi::{attr, binding_attr, cmd};
use crate::value::{BindingSource, Name};
use crate::view::{bad_reply, AttrView};
use crate::Error;

/// `port show PORT bindings` -> `BINDING_GET` doit with `PORT`.
pub fn request(words: &[String]) -> Result<Request, String> {
    let mut w = Words::new(words);
    let name = w.positional("port show", "port name (PORT)")?;
    if name == "bindings" {
        return Err("port show bindings: missing port name (port show PORT bindings)".into());
    }
    let name: Name = args::parse("port name", name)?;
    match w.next() {
        Some("bindings") => {}
        Some(kw) => return Err(args::unknown_keyword("port show", kw, "bindings")),
        None => return Err("port show: missing \"bindings\"".into()),
    }
    if let Some(extra) = w.next() {
        return Err(format!(
            "port show: unexpected argument \"{extra}\" after \"bindings\""
        ));
    }
    Ok(Request::doit(
        cmd::BINDING_GET,
        vec![Attr::str(attr::PORT, &name)],
    ))
}

/// One binding (a nested `BINDING`). Field order = JSON key order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Binding {
    pub addr: IpAddr,
    pub source: String,
    /// Seconds until the lease ends; the kernel sends none for a static binding.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires: Option<u32>,
}

impl Binding {
    /// Decode the attributes nested in one `BINDING`; `ADDR` and `SOURCE` are required.
    pub fn from_attrs(attrs: &[Attr]) -> Result<Self, Error> {
        let v = AttrView::new(attrs);
        Ok(Binding {
            addr: v.req(binding_attr::ADDR, "BINDING/ADDR")?,
            source: BindingSource(v.req(binding_attr::SOURCE, "BINDING/SOURCE")?).to_string(),
            expires: v.get(binding_attr::EXPIRES, "BINDING/EXPIRES")?,
        })
    }

    /// `10.0.0.5 static`, `10.0.0.7 dhcp expires 3591`.
    pub fn text_line(&self) -> String {
        match self.expires {
            Some(n) => format!("{} {} expires {n}", self.addr, self.source),
            None => format!("{} {}", self.addr, self.source),
        }
    }
}

/// The bindings of a `BINDING_GET` reply, in the kernel's order.
pub fn decode(attrs: &[Attr]) -> Result<Vec<Binding>, Error> {
    AttrView::new(attrs)
        .all::<Vec<Attr>>(attr::BINDING, "BINDING")?
        .iter()
        .map(|kids| Binding::from_attrs(kids))
        .collect()
}

pub fn show(out: &Output, words: &[String]) -> Result<(), Error> {
    let req = request(words).map_err(Error::Usage)?;
    let client = Client::connect()?;
    let msgs = req.send(&client)?;
    let Some(msg) = msgs.first() else {
        return Err(bad_reply("BINDING_GET", "no reply message"));
    };
    let list = decode(&msg.attrs)?;
    if out.json {
        out.json(&list)?;
    } else {
        for b in &list {
            out.line(b.text_line())?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::uapi::binding_source;

    fn w(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn requests() {
        let r = request(&w("vp1 bindings")).unwrap();
        assert_eq!(
            r,
            Request::doit(cmd::BINDING_GET, vec![Attr::str(attr::PORT, "vp1")])
        );
        assert!(!r.dump);
        let err = |s: &str| request(&w(s)).unwrap_err();
        assert_eq!(
            err("bindings"),
            "port show bindings: missing port name (port show PORT bindings)"
        );
        assert_eq!(
            err("bindings vp1"),
            "port show bindings: missing port name (port show PORT bindings)"
        );
        assert_eq!(
            err("vp1 bindings now"),
            "port show: unexpected argument \"now\" after \"bindings\""
        );
        assert_eq!(
            err("vp1 binding"),
            "port show: unknown keyword \"binding\" (expected bindings)"
        );
        assert_eq!(err("vp1"), "port show: missing \"bindings\"");
        assert_eq!(err(""), "port show: missing port name (PORT)");
        assert!(err("0123456789abcdef bindings").contains("too long"));
    }

    /// One `BINDING` as the kernel nests it.
    fn binding(addr: &[u8], source: u8, expires: Option<u32>) -> Attr {
        let mut kids = vec![
            Attr::bytes(binding_attr::ADDR, addr.to_vec()),
            Attr::u8(binding_attr::SOURCE, source),
        ];
        kids.extend(expires.map(|n| Attr::u32(binding_attr::EXPIRES, n)));
        Attr::nested(attr::BINDING, &kids).unwrap()
    }

    const V6: [u8; 16] = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5];

    fn reply() -> Vec<Attr> {
        vec![
            Attr::str(attr::PORT, "vp1"),
            binding(&[10, 0, 0, 5], binding_source::STATIC, None),
            binding(&[10, 0, 0, 7], binding_source::DHCP, Some(3591)),
            binding(&V6, binding_source::DHCPV6, Some(120)),
        ]
    }

    #[test]
    fn text_and_json() {
        let list = decode(&reply()).unwrap();
        let lines: Vec<String> = list.iter().map(Binding::text_line).collect();
        assert_eq!(
            lines,
            [
                "10.0.0.5 static",
                "10.0.0.7 dhcp expires 3591",
                "2001:db8::5 dhcpv6 expires 120",
            ]
        );
        assert_eq!(
            crate::output::to_json(&list).unwrap(),
            concat!(
                r#"[{"addr":"10.0.0.5","source":"static"},"#,
                r#"{"addr":"10.0.0.7","source":"dhcp","expires":3591},"#,
                r#"{"addr":"2001:db8::5","source":"dhcpv6","expires":120}]"#
            )
        );
        // No bindings: no lines, [].
        let none = decode(&[Attr::str(attr::PORT, "vp1")]).unwrap();
        assert!(none.is_empty());
        assert_eq!(crate::output::to_json(&none).unwrap(), "[]");
        // A source this tool does not know: its number; an expiry of 0 is still shown.
        let b = decode(&[binding(&[10, 0, 0, 9], 9, Some(0))]).unwrap();
        assert_eq!(b[0].text_line(), "10.0.0.9 9 expires 0");
    }

    #[test]
    fn bad_replies() {
        let bad = |kids: &[Attr]| decode(&[Attr::nested(attr::BINDING, kids).unwrap()]).is_err();
        let addr = Attr::bytes(binding_attr::ADDR, vec![10, 0, 0, 1]);
        let source = Attr::u8(binding_attr::SOURCE, binding_source::DHCP);
        assert!(!bad(&[addr.clone(), source.clone()]));
        assert!(bad(std::slice::from_ref(&source)));
        assert!(bad(std::slice::from_ref(&addr)));
        assert!(bad(&[
            Attr::bytes(binding_attr::ADDR, vec![10, 0, 0]),
            source.clone()
        ]));
        assert!(bad(&[addr.clone(), Attr::u32(binding_attr::SOURCE, 2)]));
        assert!(bad(&[addr, source, Attr::u64(binding_attr::EXPIRES, 2)]));
        assert!(decode(&[Attr::bytes(attr::BINDING, vec![8, 0, 1])]).is_err());
    }
}
