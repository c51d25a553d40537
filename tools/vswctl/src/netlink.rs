// SPDX-License-Identifier: GPL-2.0
//! Generic netlink client for the vswitch family, built on neli's `NlSocketHandle`.
//!
//! Commands talk to the kernel only through [`Client`]: [`Client::request`] for a doit
//! (`NLM_F_REQUEST|NLM_F_ACK`, zero or one reply), [`Client::dump`] for a dumpit
//! (`NLM_F_DUMP`, one [`Message`] per object). Attributes are plain owned [`Attr`]s
//! (type + payload bytes), with helpers to build and read integers, strings and nested sets,
//! so commands never see neli types (they read replies through [`crate::view::AttrView`]).
//! Extended ACK is enabled on the socket, so a kernel error carries its `NL_SET_ERR_MSG`
//! text in [`Error::Kernel`].

use std::cell::Cell;
use std::fmt;
use std::io::Cursor;

use neli::{
    attr::Attribute,
    consts::{
        genl::{CtrlAttr, CtrlAttrMcastGrp, CtrlCmd},
        nl::{GenlId, NlmF, Nlmsg, NlmsgerrAttr},
        socket::NlFamily,
    },
    genl::{AttrType, Genlmsghdr, GenlmsghdrBuilder, Nlattr, NlattrBuilder, NoUserHeader},
    nl::{NlPayload, NlmsghdrBuilder},
    socket::synchronous::NlSocketHandle,
    types::{Buffer, GenlBuffer},
    utils::Groups,
    FromBytesWithInput, ToBytes,
};

use crate::errno;
use crate::uapi;

/// `NLA_F_NESTED`: set in the type of an attribute whose payload is attributes.
pub const NLA_F_NESTED: u16 = 1 << 15;
/// `NLA_F_NET_BYTEORDER`.
pub const NLA_F_NET_BYTEORDER: u16 = 1 << 14;
/// `NLA_TYPE_MASK`: the attribute type without the two flag bits.
pub const NLA_TYPE_MASK: u16 = !(NLA_F_NESTED | NLA_F_NET_BYTEORDER);
/// Largest attribute payload (`nla_len` is a u16 and includes the 4-byte header).
pub const MAX_ATTR_PAYLOAD: usize = u16::MAX as usize - 4;

/// The genl message type as neli sees it: u8 command, u16 attribute types, no user header.
type GenlMsg = Genlmsghdr<u8, u16, NoUserHeader>;
/// Version of the nlctrl protocol we speak (`genl ctrl` uses 2).
const CTRL_VERSION: u8 = 2;

/// Everything that can go wrong talking to the module.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// The generic netlink family `vswitch` does not exist (module not loaded).
    NotLoaded,
    /// The kernel answered with an error message: positive errno plus the extended-ACK
    /// text if the kernel set one.
    Kernel { errno: i32, msg: Option<String> },
    /// Anything else (socket, encoding, decoding, unexpected reply), already worded.
    Other(String),
}

impl Error {
    fn other(what: &str, e: impl fmt::Display) -> Self {
        Error::Other(format!("{what}: {e}"))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::NotLoaded => write!(
                f,
                "vswitch module not loaded (generic netlink family \"{}\" not found)",
                uapi::FAMILY_NAME
            ),
            Error::Kernel { errno: e, msg } => {
                let text = msg.clone().unwrap_or_else(|| errno::text(*e));
                write!(f, "{} ({})", text, errno::name(*e))
            }
            Error::Other(s) => f.write_str(s),
        }
    }
}

impl std::error::Error for Error {}

/// Bytes of a NUL-terminated (or not) string attribute as text.
fn c_string(bytes: &[u8]) -> String {
    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    String::from_utf8_lossy(&bytes[..end]).into_owned()
}

/// One netlink attribute, owned. `ty` is the full 16-bit type as on the wire, so it may
/// carry [`NLA_F_NESTED`]; `data` is the payload without header or padding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attr {
    pub ty: u16,
    pub data: Vec<u8>,
}

impl Attr {
    /// Attribute with raw payload bytes.
    pub fn bytes(ty: u16, data: impl Into<Vec<u8>>) -> Self {
        Attr {
            ty,
            data: data.into(),
        }
    }
    pub fn u8(ty: u16, v: u8) -> Self {
        Self::bytes(ty, vec![v])
    }
    /// Integers are in host byte order, as `nla_put_u16/u32/u64` expect.
    pub fn u16(ty: u16, v: u16) -> Self {
        Self::bytes(ty, v.to_ne_bytes())
    }
    pub fn u32(ty: u16, v: u32) -> Self {
        Self::bytes(ty, v.to_ne_bytes())
    }
    pub fn u64(ty: u16, v: u64) -> Self {
        Self::bytes(ty, v.to_ne_bytes())
    }
    /// NUL-terminated string (`NLA_NUL_STRING` / `NLA_STRING`).
    pub fn str(ty: u16, s: &str) -> Self {
        let mut data = s.as_bytes().to_vec();
        data.push(0);
        Self::bytes(ty, data)
    }
    /// Nested attribute set; sets [`NLA_F_NESTED`] (required by strict validation).
    pub fn nested(ty: u16, children: &[Attr]) -> Result<Self, Error> {
        let mut cur = Cursor::new(Vec::new());
        for c in children {
            c.to_nlattr()?
                .to_bytes(&mut cur)
                .map_err(|e| Error::other("cannot encode nested attribute", e))?;
        }
        Ok(Self::bytes(ty | NLA_F_NESTED, cur.into_inner()))
    }

    /// The type without flag bits (what the UAPI constants name).
    pub fn kind(&self) -> u16 {
        self.ty & NLA_TYPE_MASK
    }
    pub fn is_nested(&self) -> bool {
        self.ty & NLA_F_NESTED != 0
    }

    fn fixed<const N: usize>(&self) -> Result<[u8; N], Error> {
        self.data.as_slice().try_into().map_err(|_| {
            Error::Other(format!(
                "attribute {}: expected {} bytes, got {}",
                self.kind(),
                N,
                self.data.len()
            ))
        })
    }
    pub fn as_u8(&self) -> Result<u8, Error> {
        Ok(self.fixed::<1>()?[0])
    }
    pub fn as_u16(&self) -> Result<u16, Error> {
        Ok(u16::from_ne_bytes(self.fixed()?))
    }
    pub fn as_u32(&self) -> Result<u32, Error> {
        Ok(u32::from_ne_bytes(self.fixed()?))
    }
    pub fn as_u64(&self) -> Result<u64, Error> {
        Ok(u64::from_ne_bytes(self.fixed()?))
    }
    /// String payload up to the first NUL (lossy UTF-8).
    pub fn as_string(&self) -> String {
        c_string(&self.data)
    }
    /// Parse the payload as a nested attribute set.
    pub fn as_nested(&self) -> Result<Vec<Attr>, Error> {
        parse_attrs(&self.data)
    }

    fn to_nlattr(&self) -> Result<Nlattr<u16, Buffer>, Error> {
        if self.data.len() > MAX_ATTR_PAYLOAD {
            return Err(Error::Other(format!(
                "attribute {}: payload of {} bytes is too long (max {})",
                self.kind(),
                self.data.len(),
                MAX_ATTR_PAYLOAD
            )));
        }
        NlattrBuilder::default()
            // AttrType::from splits off the NESTED/BYTEORDER bits and puts them back on encode.
            .nla_type(AttrType::<u16>::from(self.ty))
            .nla_payload(Buffer::from(self.data.clone()))
            .build()
            .map_err(|e| Error::other("cannot encode attribute", e))
    }

    fn from_nlattr(a: &Nlattr<u16, Buffer>) -> Self {
        Attr {
            ty: u16::from(a.nla_type()),
            data: a.payload().as_ref().to_vec(),
        }
    }
}

/// First attribute of type `kind` (flag bits ignored).
pub fn find(attrs: &[Attr], kind: u16) -> Option<&Attr> {
    attrs.iter().find(|a| a.kind() == kind)
}

/// Parse a buffer of attributes (a nested payload) with neli.
pub fn parse_attrs(bytes: &[u8]) -> Result<Vec<Attr>, Error> {
    let buf =
        GenlBuffer::<u16, Buffer>::from_bytes_with_input(&mut Cursor::new(bytes), bytes.len())
            .map_err(|e| Error::other("malformed nested attributes", e))?;
    Ok(buf.iter().map(Attr::from_nlattr).collect())
}

/// One received generic netlink message of the family.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub cmd: u8,
    pub version: u8,
    pub attrs: Vec<Attr>,
}

impl Message {
    /// Decode a genl header + attributes from a netlink payload.
    fn decode(bytes: &[u8]) -> Result<Self, Error> {
        let g = GenlMsg::from_bytes_with_input(&mut Cursor::new(bytes), bytes.len())
            .map_err(|e| Error::other("malformed generic netlink message", e))?;
        Ok(Message {
            cmd: *g.cmd(),
            version: *g.version(),
            attrs: g.attrs().iter().map(Attr::from_nlattr).collect(),
        })
    }
}

/// A connected generic netlink socket (neli's synchronous `NlSocketHandle`, blocking, no
/// helper thread) with extended ACK enabled and the family resolved.
pub struct Client {
    sock: NlSocketHandle,
    seq: Cell<u32>,
    family_id: u16,
    /// Multicast groups of the family: (name, id).
    mcast_groups: Vec<(String, u32)>,
}

impl Client {
    /// Open a generic netlink socket, enable extended ACK and resolve the vswitch family.
    /// Returns [`Error::NotLoaded`] if the family does not exist.
    pub fn connect() -> Result<Self, Error> {
        Self::connect_family(uapi::FAMILY_NAME)
    }

    /// Same as [`Client::connect`] for any generic netlink family (tests use "nlctrl").
    /// A missing family is reported as [`Error::NotLoaded`].
    pub fn connect_family(name: &str) -> Result<Self, Error> {
        let sock = NlSocketHandle::connect(NlFamily::Generic, None, Groups::empty())
            .map_err(|e| Error::other("cannot open generic netlink socket", e))?;
        sock.enable_ext_ack(true)
            .map_err(|e| Error::other("cannot enable netlink extended ACK", e))?;
        let mut client = Client {
            sock,
            seq: Cell::new(0),
            family_id: GenlId::Ctrl.into(),
            mcast_groups: Vec::new(),
        };
        // CTRL_CMD_GETFAMILY by name (what neli's NlRouter::resolve_genl_family sends).
        let reply = match client.exchange(
            GenlId::Ctrl.into(),
            CTRL_VERSION,
            CtrlCmd::Getfamily.into(),
            NlmF::ACK,
            &[Attr::str(CtrlAttr::FamilyName.into(), name)],
        ) {
            Ok(msgs) => msgs.into_iter().flat_map(|m| m.attrs).collect::<Vec<_>>(),
            Err(Error::Kernel { errno, .. }) if errno == libc::ENOENT => {
                return Err(Error::NotLoaded)
            }
            Err(e) => return Err(e),
        };
        client.family_id = match find(&reply, CtrlAttr::FamilyId.into()) {
            Some(a) => a.as_u16()?,
            None => return Err(Error::NotLoaded),
        };
        if let Some(groups) = find(&reply, CtrlAttr::McastGroups.into()) {
            for g in groups.as_nested()? {
                let g = g.as_nested()?;
                if let (Some(n), Some(id)) = (
                    find(&g, CtrlAttrMcastGrp::Name.into()),
                    find(&g, CtrlAttrMcastGrp::Id.into()),
                ) {
                    client.mcast_groups.push((n.as_string(), id.as_u32()?));
                }
            }
        }
        Ok(client)
    }

    /// The numeric generic netlink family id (the `nlmsg_type` of our messages).
    pub fn family_id(&self) -> u16 {
        self.family_id
    }

    fn next_seq(&self) -> u32 {
        let s = self.seq.get().wrapping_add(1);
        self.seq.set(s);
        s
    }

    /// Send one genl message (`NLM_F_REQUEST` | `flags`) to `nl_type` and collect the answer:
    /// - with `NLM_F_DUMP`: every message up to `NLMSG_DONE` (an error there is returned);
    /// - otherwise: the reply messages (if any) up to the ACK (`NLM_F_ACK` is expected).
    ///
    /// A netlink error message becomes [`Error::Kernel`] with its extack text.
    fn exchange(
        &self,
        nl_type: u16,
        version: u8,
        cmd: u8,
        flags: NlmF,
        attrs: &[Attr],
    ) -> Result<Vec<Message>, Error> {
        let mut buf = GenlBuffer::<u16, Buffer>::new();
        for a in attrs {
            buf.push(a.to_nlattr()?);
        }
        let genl = GenlmsghdrBuilder::<u8, u16, NoUserHeader>::default()
            .cmd(cmd)
            .version(version)
            .attrs(buf)
            .build()
            .map_err(|e| Error::other("cannot encode generic netlink message", e))?;
        let seq = self.next_seq();
        let msg = NlmsghdrBuilder::default()
            .nl_type(nl_type)
            .nl_flags(NlmF::REQUEST | flags)
            .nl_seq(seq)
            .nl_pid(self.sock.pid())
            .nl_payload(NlPayload::Payload(genl))
            .build()
            .map_err(|e| Error::other("cannot encode netlink message", e))?;
        self.sock
            .send(&msg)
            .map_err(|e| Error::other("cannot send netlink request", e))?;

        let dump = flags.contains(NlmF::DUMP);
        let mut out = Vec::new();
        loop {
            // Payloads are received as raw Buffer and decoded below, so that an error
            // message (which echoes our request) never fails to parse.
            let (msgs, _groups) = self
                .sock
                .recv::<u16, Buffer>()
                .map_err(|e| Error::other("netlink receive failed", e))?;
            for m in msgs {
                let m = m.map_err(|e| Error::other("cannot decode netlink message", e))?;
                if *m.nl_seq() != seq {
                    continue; // stale answer to an earlier request
                }
                match m.nl_payload() {
                    NlPayload::Err(e) => {
                        return Err(Error::Kernel {
                            errno: e.error().unsigned_abs() as i32,
                            msg: extack_msg(e.ext_ack()),
                        })
                    }
                    // A success ACK ends a doit. (It may carry TLVs neli does not decode;
                    // we stop reading this datagram here, so they are simply dropped.)
                    NlPayload::Ack(_) => return Ok(out),
                    NlPayload::DumpExtAck(done) => {
                        if *done.error() != 0 {
                            return Err(Error::Kernel {
                                errno: done.error().unsigned_abs() as i32,
                                msg: extack_msg(done.ext_ack()),
                            });
                        }
                        return Ok(out);
                    }
                    NlPayload::Empty => {
                        if *m.nl_type() == u16::from(Nlmsg::Done) {
                            return Ok(out);
                        }
                    }
                    NlPayload::Payload(p) => {
                        if *m.nl_type() == u16::from(Nlmsg::Done) {
                            return Ok(out);
                        }
                        out.push(Message::decode(p.as_ref())?);
                        if !dump && !flags.contains(NlmF::ACK) {
                            return Ok(out);
                        }
                    }
                }
            }
        }
    }

    /// A doit request: `NLM_F_REQUEST|NLM_F_ACK`, waits for the reply (if the command sends
    /// one) and the ACK. Returns all reply messages (usually zero or one).
    pub fn transact(&self, cmd: u8, attrs: &[Attr]) -> Result<Vec<Message>, Error> {
        self.exchange(self.family_id, uapi::FAMILY_VERSION, cmd, NlmF::ACK, attrs)
    }

    /// A doit request returning the reply's attributes (empty if the kernel only ACKed).
    pub fn request(&self, cmd: u8, attrs: &[Attr]) -> Result<Vec<Attr>, Error> {
        Ok(self
            .transact(cmd, attrs)?
            .into_iter()
            .flat_map(|m| m.attrs)
            .collect())
    }

    /// A dumpit request: `NLM_F_REQUEST|NLM_F_DUMP`; collects every message up to
    /// `NLMSG_DONE`. An error before the first message or in `NLMSG_DONE` (dump failed
    /// midway) is returned as [`Error::Kernel`]; `attrs` may carry a dump filter.
    pub fn dump(&self, cmd: u8, attrs: &[Attr]) -> Result<Vec<Message>, Error> {
        self.exchange(self.family_id, uapi::FAMILY_VERSION, cmd, NlmF::DUMP, attrs)
    }

    /// Id of one of the family's multicast groups, by name.
    pub fn mcast_group_id(&self, group: &str) -> Option<u32> {
        self.mcast_groups
            .iter()
            .find(|(n, _)| n == group)
            .map(|(_, id)| *id)
    }

    /// Join a multicast group of the family (for a monitor). Use a Client dedicated to
    /// the monitor: requests and events on one socket are not demultiplexed.
    pub fn subscribe(&self, group: &str) -> Result<(), Error> {
        let id = self
            .mcast_group_id(group)
            .ok_or_else(|| Error::Other(format!("multicast group \"{group}\" not found")))?;
        self.sock
            .add_mcast_membership(Groups::new_groups(&[id]))
            .map_err(|e| Error::other("cannot join multicast group", e))
    }

    /// Block until the next datagram arrives and return its messages of this family
    /// (multicast notifications after [`Client::subscribe`]).
    pub fn next_events(&self) -> Result<Vec<Message>, Error> {
        let (msgs, _groups) = self
            .sock
            .recv::<u16, Buffer>()
            .map_err(|e| Error::other("netlink receive failed", e))?;
        let mut out = Vec::new();
        for m in msgs {
            let m = m.map_err(|e| Error::other("cannot decode netlink message", e))?;
            if *m.nl_type() != self.family_id {
                continue;
            }
            if let NlPayload::Payload(p) = m.nl_payload() {
                out.push(Message::decode(p.as_ref())?);
            }
        }
        Ok(out)
    }
}

/// `NLMSGERR_ATTR_MSG` of an error/done message, if the kernel set one.
fn extack_msg(ext_ack: &GenlBuffer<NlmsgerrAttr, Buffer>) -> Option<String> {
    ext_ack
        .iter()
        .find(|a| *a.nla_type().nla_type() == NlmsgerrAttr::Msg)
        .map(|a| c_string(a.payload().as_ref()))
        .filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attr_builders_and_readers() {
        assert_eq!(Attr::u8(1, 7).as_u8(), Ok(7));
        assert_eq!(Attr::u16(1, 0x1234).as_u16(), Ok(0x1234));
        assert_eq!(Attr::u32(1, 0xdead_beef).as_u32(), Ok(0xdead_beef));
        assert_eq!(Attr::u64(1, u64::MAX - 1).as_u64(), Ok(u64::MAX - 1));
        assert_eq!(Attr::str(1, "br0").data, b"br0\0");
        assert_eq!(Attr::str(1, "br0").as_string(), "br0");
        assert!(Attr::u8(1, 7).as_u32().is_err());
    }

    #[test]
    fn nested_roundtrip() {
        let kids = [
            Attr::u32(1, 5),
            Attr::str(2, "port0"),
            Attr::bytes(3, vec![]),
        ];
        let n = Attr::nested(9, &kids).unwrap();
        assert!(n.is_nested());
        assert_eq!(n.kind(), 9);
        // 8 (u32) + 12 (6-byte string padded) + 4 (empty)
        assert_eq!(n.data.len(), 24);
        assert_eq!(n.as_nested().unwrap(), kids.to_vec());
        assert_eq!(find(&kids, 2).unwrap().as_string(), "port0");
        assert!(find(&kids, 4).is_none());
    }

    #[test]
    fn error_lines() {
        let e = Error::Kernel {
            errno: libc::EPERM,
            msg: None,
        };
        assert_eq!(e.to_string(), "Operation not permitted (EPERM)");
        let e = Error::Kernel {
            errno: libc::EINVAL,
            msg: Some("bad port name".into()),
        };
        assert_eq!(e.to_string(), "bad port name (EINVAL)");
        assert_eq!(
            Error::NotLoaded.to_string(),
            "vswitch module not loaded (generic netlink family \"vswitch\" not found)"
        );
    }

    #[test]
    fn too_long_attr_rejected() {
        let a = Attr::bytes(1, vec![0u8; MAX_ATTR_PAYLOAD + 1]);
        assert!(a.to_nlattr().is_err());
        assert!(Attr::bytes(1, vec![0u8; MAX_ATTR_PAYLOAD])
            .to_nlattr()
            .is_ok());
    }

    /// Live tests against the always-present "nlctrl" family; skipped if the machine has
    /// no generic netlink (e.g. a restricted sandbox).
    fn nlctrl() -> Option<Client> {
        match Client::connect_family("nlctrl") {
            Ok(c) => Some(c),
            Err(e) => {
                eprintln!("skipping live netlink test: {e}");
                None
            }
        }
    }

    // CTRL_CMD_GETFAMILY = 3, CTRL_ATTR_FAMILY_ID = 1, CTRL_ATTR_FAMILY_NAME = 2.
    #[test]
    fn live_request_and_dump() {
        let Some(c) = nlctrl() else { return };
        assert_eq!(c.family_id(), 0x10);
        let reply = c.request(3, &[Attr::str(2, "nlctrl")]).unwrap();
        assert_eq!(find(&reply, 1).unwrap().as_u16(), Ok(0x10));
        let all = c.dump(3, &[]).unwrap();
        assert!(all
            .iter()
            .any(|m| find(&m.attrs, 2).map(|a| a.as_string()) == Some("nlctrl".into())));
    }

    #[test]
    fn live_kernel_errors() {
        let Some(c) = nlctrl() else { return };
        let e = c.request(3, &[Attr::str(2, "nosuchfamily")]).unwrap_err();
        assert!(
            matches!(e, Error::Kernel { errno, .. } if errno == libc::ENOENT),
            "{e:?}"
        );
        // A u16 attribute with one byte fails policy validation; the kernel explains why in
        // the extended ACK, which must reach the error line.
        let e = c.request(3, &[Attr::u8(1, 1)]).unwrap_err();
        assert!(matches!(&e, Error::Kernel { msg: Some(_), .. }), "{e:?}");
        eprintln!("policy error line: {e}");
    }

    #[test]
    fn live_missing_family_is_not_loaded() {
        if nlctrl().is_none() {
            return;
        }
        assert_eq!(
            Client::connect_family("nosuchfamily").err(),
            Some(Error::NotLoaded)
        );
    }
}
