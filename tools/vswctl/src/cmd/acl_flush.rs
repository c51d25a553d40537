// SPDX-License-Identifier: GPL-2.0
//! `vswctl acl flush PORT [in|out]`: delete every rule of a port's ACL (one direction or
//! both); the defaults stay as they are.
//!
//! The module has no flush command: rules are deleted one by one, from an `ACL_GET` dump,
//! as `tc filter del` of every filter would. A rule deleted meanwhile by someone else is
//! not an error; any other refusal stops the flush and is reported with the rule it hit
//! (the rules before it are gone, the rest stay: each delete is whole on its own).

use super::acl::{decode_all, AclEntry, ShowArgs};
use super::Request;
use crate::netlink::{self, Attr, Client};
use crate::uapi::{attr, cmd};
use crate::Error;

/// Syntax line (clap help).
pub const FLUSH_USAGE: &str = "PORT [in|out] (delete every rule; the defaults stay)";

/// The port and direction(s) to flush: as `acl show`, but the port is required (a flush
/// of every port's ACL is one `-batch` away and too much for a typo).
pub fn parse(words: &[String]) -> Result<ShowArgs, String> {
    let a = ShowArgs::parse(words).map_err(|e| e.replace("acl show", "acl flush"))?;
    if a.port.is_none() {
        return Err("acl flush: missing port name (PORT)".to_string());
    }
    Ok(a)
}

/// The `ACL_DEL` of every rule (not default) of `entries`, in the order listed.
pub fn del_requests(entries: &[AclEntry]) -> Vec<Request> {
    entries
        .iter()
        .filter(|e| !e.default)
        .filter_map(|e| {
            let prio = e.prio?;
            Some(Request::doit(
                cmd::ACL_DEL,
                vec![
                    Attr::str(attr::PORT, &e.port),
                    Attr::u8(attr::DIR, e.dir_num),
                    Attr::u32(attr::PRIO, prio),
                ],
            ))
        })
        .collect()
}

/// Dump the port's ACL, delete its rules.
pub fn run(words: &[String]) -> Result<(), Error> {
    let a = parse(words).map_err(Error::Usage)?;
    let port = a.port.as_deref().unwrap_or_default();
    let client = Client::connect()?;
    let msgs = match ShowArgs::request(port).send(&client) {
        // The dump fails without a message for an unknown port: name it.
        Err(Error::Netlink(netlink::Error::Kernel { errno, msg: None }))
            if errno == libc::ENOENT =>
        {
            return Err(Error::Netlink(netlink::Error::Kernel {
                errno,
                msg: Some(format!("no such port \"{port}\"")),
            }))
        }
        r => r?,
    };
    let list = decode_all(msgs.iter().map(|m| (m.attrs.as_slice(), Some(port))), a.dir)?;
    for (req, e) in del_requests(&list)
        .iter()
        .zip(list.iter().filter(|e| !e.default && e.prio.is_some()))
    {
        match req.send(&client) {
            Ok(_) => {}
            // Gone already (another vswctl, a port being deleted): what we wanted.
            Err(Error::Netlink(netlink::Error::Kernel { errno, .. })) if errno == libc::ENOENT => {}
            Err(Error::Netlink(netlink::Error::Kernel { errno, msg })) => {
                let what = msg.unwrap_or_else(|| crate::errno::text(errno));
                return Err(Error::Netlink(netlink::Error::Kernel {
                    errno,
                    msg: Some(format!(
                        "acl flush: {} {} prio {}: {what}",
                        e.port,
                        e.dir,
                        e.prio.unwrap_or_default()
                    )),
                }));
            }
            Err(other) => return Err(other),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::uapi::{acl_action, acl_dir};

    fn w(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn arguments() {
        let a = parse(&w("p1")).unwrap();
        assert_eq!((a.port.as_deref(), a.dir), (Some("p1"), None));
        assert_eq!(parse(&w("p1 out")).unwrap().dir, Some(acl_dir::OUT));
        assert_eq!(
            parse(&w("")).unwrap_err(),
            "acl flush: missing port name (PORT)"
        );
        assert_eq!(
            parse(&w("in")).unwrap_err(),
            "acl flush: missing port name (PORT)"
        );
        assert_eq!(
            parse(&w("p1 in extra")).unwrap_err(),
            "acl flush: unexpected argument \"extra\""
        );
        assert!(parse(&w("p1 up")).is_err());
    }

    #[test]
    fn deletes_rules_not_defaults() {
        let entry = |dir: u8, prio: Option<u32>| {
            let mut attrs = vec![
                Attr::str(attr::PORT, "p1"),
                Attr::u8(attr::DIR, dir),
                Attr::u8(attr::ACTION, acl_action::DENY),
            ];
            match prio {
                Some(p) => attrs.push(Attr::u32(attr::PRIO, p)),
                None => attrs.push(super::super::flag(attr::DEFAULT)),
            }
            attrs
        };
        let msgs = [
            entry(acl_dir::IN, None),
            entry(acl_dir::IN, Some(10)),
            entry(acl_dir::IN, Some(20)),
            entry(acl_dir::OUT, None),
            entry(acl_dir::OUT, Some(5)),
        ];
        let list = decode_all(msgs.iter().map(|m| (m.as_slice(), None)), None).unwrap();
        let reqs = del_requests(&list);
        assert_eq!(reqs.len(), 3);
        assert!(reqs.iter().all(|r| r.cmd == cmd::ACL_DEL && !r.dump));
        assert_eq!(
            reqs[2].attrs,
            [
                Attr::str(attr::PORT, "p1"),
                Attr::u8(attr::DIR, acl_dir::OUT),
                Attr::u32(attr::PRIO, 5)
            ]
        );
        // One direction only.
        let list =
            decode_all(msgs.iter().map(|m| (m.as_slice(), None)), Some(acl_dir::IN)).unwrap();
        assert_eq!(del_requests(&list).len(), 2);
    }
}
