// SPDX-License-Identifier: GPL-2.0
//! Generic netlink client for the vswitch family, built on neli's `NlSocketHandle`.
//!
//! Commands talk to the kernel only through [`Client`]: [`Client::request`] for a doit
//! (`NLM_F_REQUEST|NLM_F_ACK`, zero or one reply), [`Client::dump`] for a dumpit
//! (`NLM_F_DUMP`, one [`Message`] per object). Attributes are plain owned [`Attr`]s
//! (type + payload bytes), with helpers to build and read integers, strings and nested sets,
//! so commands never see neli types (they read replies through [`crate::view::AttrView`]).
//! Extended ACK is enabled on the socket, so a kernel error carries its `NL_SET_ERR_MSG`
//! text in [`Error::Kernel`]. When the kernel also points at an attribute of the request
//! (`NLMSGERR_ATTR_OFFS`, e.g. a value its netlink policy refuses), the text names that
//! attribute (by the CLI word of [`crate::words`]) and adds what the policy allows
//! (`NLMSGERR_ATTR_POLICY`): `weight: integer out of range, allowed 1..100`.

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
    nl::{NlPayload, Nlmsghdr, NlmsghdrBuilder},
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

/// The kernel module that registers the family (what `modprobe` loads).
pub const MODULE_NAME: &str = "vswitch";

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
                "vswitch module not loaded (generic netlink family \"{}\" not found); \
                 load it with: modprobe {}",
                uapi::FAMILY_NAME,
                MODULE_NAME
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

/// The request message of [`Client::exchange`]: `nlmsghdr` (`NLM_F_REQUEST` | `flags`),
/// `genlmsghdr`, then `attrs` in order, each padded to 4 bytes (what [`attr_at`] assumes).
fn request_msg(
    nl_type: u16,
    version: u8,
    cmd: u8,
    flags: NlmF,
    seq: u32,
    pid: u32,
    attrs: &[Attr],
) -> Result<Nlmsghdr<u16, GenlMsg>, Error> {
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
    NlmsghdrBuilder::default()
        .nl_type(nl_type)
        .nl_flags(NlmF::REQUEST | flags)
        .nl_seq(seq)
        .nl_pid(pid)
        .nl_payload(NlPayload::Payload(genl))
        .build()
        .map_err(|e| Error::other("cannot encode netlink message", e))
}

/// A connected generic netlink socket (neli's synchronous `NlSocketHandle`, blocking, no
/// helper thread) with extended ACK enabled and the family resolved.
pub struct Client {
    sock: NlSocketHandle,
    seq: Cell<u32>,
    family_id: u16,
    /// Multicast groups of the family: (name, id).
    mcast_groups: Vec<(String, u32)>,
    /// Names an attribute of our requests in an error line.
    attr_name: fn(u16) -> String,
}

impl Client {
    /// Open a generic netlink socket, enable extended ACK and resolve the vswitch family.
    /// Returns [`Error::NotLoaded`] if the family does not exist.
    pub fn connect() -> Result<Self, Error> {
        let mut client = Self::connect_family(uapi::FAMILY_NAME)?;
        client.attr_name = crate::words::attr_name;
        Ok(client)
    }

    /// Same as [`Client::connect`] for any generic netlink family (tests use "nlctrl").
    /// A missing family is reported as [`Error::NotLoaded`]. Attributes an error points at
    /// are named by number (`attribute 3`).
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
            attr_name: numbered,
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
        let seq = self.next_seq();
        let msg = request_msg(nl_type, version, cmd, flags, seq, self.sock.pid(), attrs)?;
        self.sock
            .send(&msg)
            .map_err(|e| Error::other("cannot send netlink request", e))?;

        let dump = flags.contains(NlmF::DUMP);
        let mut out = Vec::new();
        let mut warning = None;
        loop {
            if !dump {
                warning = self.peek_ack_warning(seq).or(warning);
            }
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
                        return Err(self.kernel_error(
                            nl_type,
                            cmd,
                            dump,
                            attrs,
                            e.error().unsigned_abs() as i32,
                            e.ext_ack(),
                        ))
                    }
                    // A success ACK ends a doit. (It may carry TLVs neli does not decode;
                    // we stop reading this datagram here, so they are simply dropped.)
                    NlPayload::Ack(_) => {
                        if let Some(w) = warning {
                            // Done, but the kernel had something to say: as `ip` does.
                            eprintln!("Warning: {w}");
                        }
                        return Ok(out);
                    }
                    NlPayload::DumpExtAck(done) => {
                        if *done.error() != 0 {
                            return Err(self.kernel_error(
                                nl_type,
                                cmd,
                                dump,
                                attrs,
                                done.error().unsigned_abs() as i32,
                                done.ext_ack(),
                            ));
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

    /// The warning of a success ACK to `seq` in the next datagram, read without taking the
    /// datagram off the socket (neli then receives it as usual).
    fn peek_ack_warning(&self, seq: u32) -> Option<String> {
        use nix::sys::socket::{recv, MsgFlags};
        use std::os::fd::AsRawFd;
        let mut buf = vec![0u8; 32 * 1024];
        let n = recv(self.sock.as_raw_fd(), &mut buf, MsgFlags::MSG_PEEK).ok()?;
        ack_warning(&buf[..n.min(buf.len())], seq)
    }

    /// [`Error::Kernel`] for a netlink error answering our request `attrs` (command `cmd` to
    /// `nl_type`): the extack message, prefixed by the attribute it points at and followed
    /// by what that attribute's policy allows. A kernel that points at an attribute without
    /// describing its policy (a value with bits outside a policy mask: "reserved bit set")
    /// is asked for the policy of the command (`CTRL_CMD_GETPOLICY`), for its mask.
    fn kernel_error(
        &self,
        nl_type: u16,
        cmd: u8,
        dump: bool,
        attrs: &[Attr],
        errno: i32,
        ext_ack: &GenlBuffer<NlmsgerrAttr, Buffer>,
    ) -> Error {
        let ack = ExtAck::from_neli(ext_ack);
        let path = ack.offset.map(|o| attr_at(attrs, o)).unwrap_or_default();
        let mut policy = ack.policy.clone();
        if policy.is_none() && path.len() == 1 && nl_type != u16::from(GenlId::Ctrl) {
            policy = self
                .op_attr_policy(cmd, dump, path[0].kind())
                .filter(|p| p.mask.is_some());
        }
        Error::Kernel {
            errno,
            msg: explain(ack.msg, errno, &path, policy.as_ref(), self.attr_name),
        }
    }

    /// The policy of attribute `kind` in command `cmd` of the family (its doit, or its dumpit
    /// with `dump`), from nlctrl's policy dump; `None` if the kernel does not say.
    fn op_attr_policy(&self, cmd: u8, dump: bool, kind: u16) -> Option<AttrPolicy> {
        let msgs = self
            .exchange(
                GenlId::Ctrl.into(),
                CTRL_VERSION,
                CTRL_CMD_GETPOLICY,
                NlmF::DUMP,
                &[
                    Attr::u16(CtrlAttr::FamilyId.into(), self.family_id),
                    Attr::u32(CTRL_ATTR_OP, cmd.into()),
                ],
            )
            .ok()?;
        let attrs: Vec<Attr> = msgs.into_iter().flat_map(|m| m.attrs).collect();
        policy_in_dump(&attrs, cmd, dump, kind)
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

/// Attribute names of a family we have no words for: `attribute 3`.
fn numbered(kind: u16) -> String {
    format!("attribute {kind}")
}

/// `NLMSGERR_ATTR_*` (linux/netlink.h `enum nlmsgerr_attrs`), as neli's `NlmsgerrAttr`.
mod nlmsgerr {
    pub const MSG: u16 = 1;
    pub const OFFS: u16 = 2;
    pub const POLICY: u16 = 4;
}

/// `NL_POLICY_TYPE_ATTR_*` (linux/netlink.h `enum netlink_policy_type_attr`): one attribute's
/// policy, in `NLMSGERR_ATTR_POLICY` and in nlctrl's policy dump.
pub mod policy_attr {
    pub const TYPE: u16 = 1;
    pub const MIN_VALUE_S: u16 = 2;
    pub const MAX_VALUE_S: u16 = 3;
    pub const MIN_VALUE_U: u16 = 4;
    pub const MAX_VALUE_U: u16 = 5;
    pub const MIN_LENGTH: u16 = 6;
    pub const MAX_LENGTH: u16 = 7;
    pub const MASK: u16 = 12;
}

/// `NL_ATTR_TYPE_*` (linux/netlink.h `enum netlink_attribute_type`), the values of
/// [`policy_attr::TYPE`].
pub mod attr_type {
    pub const FLAG: u32 = 1;
    pub const U8: u32 = 2;
    pub const U16: u32 = 3;
    pub const U32: u32 = 4;
    pub const U64: u32 = 5;
    pub const S8: u32 = 6;
    pub const S16: u32 = 7;
    pub const S32: u32 = 8;
    pub const S64: u32 = 9;
}

/// nlctrl's policy dump (linux/genetlink.h): `CTRL_CMD_GETPOLICY` with `CTRL_ATTR_FAMILY_ID`
/// and `CTRL_ATTR_OP` answers `CTRL_ATTR_OP_POLICY` { cmd { `CTRL_ATTR_POLICY_DO`/`_DUMP`:
/// policy index } } and, one attribute per message, `CTRL_ATTR_POLICY` { index { attribute
/// { `NL_POLICY_TYPE_ATTR_*` } } }.
const CTRL_CMD_GETPOLICY: u8 = 10;
const CTRL_ATTR_POLICY: u16 = 8;
const CTRL_ATTR_OP_POLICY: u16 = 9;
const CTRL_ATTR_OP: u16 = 10;
const CTRL_ATTR_POLICY_DO: u16 = 1;
const CTRL_ATTR_POLICY_DUMP: u16 = 2;

/// Bytes before the first attribute of a request: `struct nlmsghdr` and `struct genlmsghdr`.
pub const REQUEST_ATTRS_OFFSET: usize = 16 + 4;
/// `NLA_HDRLEN`.
const NLA_HDRLEN: usize = 4;

/// `NLA_ALIGN`.
fn nla_align(len: usize) -> usize {
    (len + 3) & !3
}

/// What the extended ACK of a netlink error says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExtAck {
    /// `NLMSGERR_ATTR_MSG`.
    pub msg: Option<String>,
    /// `NLMSGERR_ATTR_OFFS`: where the attribute the kernel refused starts in our request,
    /// in bytes from the start of its `nlmsghdr`.
    pub offset: Option<usize>,
    /// `NLMSGERR_ATTR_POLICY`: the policy of that attribute.
    pub policy: Option<AttrPolicy>,
}

impl ExtAck {
    /// From the TLVs after an error (`NLMSGERR_ATTR_*`); unknown ones are ignored.
    pub fn from_attrs(attrs: &[Attr]) -> Self {
        let mut ack = ExtAck::default();
        for a in attrs {
            match a.kind() {
                nlmsgerr::MSG => ack.msg = Some(a.as_string()).filter(|s| !s.is_empty()),
                nlmsgerr::OFFS => ack.offset = a.as_u32().ok().map(|o| o as usize),
                nlmsgerr::POLICY => {
                    ack.policy = a.as_nested().ok().map(|p| AttrPolicy::from_attrs(&p))
                }
                _ => {}
            }
        }
        ack
    }

    fn from_neli(ext_ack: &GenlBuffer<NlmsgerrAttr, Buffer>) -> Self {
        let attrs: Vec<Attr> = ext_ack
            .iter()
            .map(|a| Attr {
                ty: u16::from(*a.nla_type().nla_type()),
                data: a.payload().as_ref().to_vec(),
            })
            .collect();
        Self::from_attrs(&attrs)
    }
}

/// `NLMSG_ERROR`, and the flags of an error/ACK message (linux/netlink.h).
const NLMSG_ERROR: u16 = 2;
const NLM_F_CAPPED: u16 = 0x100;
const NLM_F_ACK_TLVS: u16 = 0x200;
/// `struct nlmsghdr`.
const NLMSG_HDRLEN: usize = 16;

/// The extack message of a *success* ACK to request `seq` in one received datagram: a
/// warning the kernel attached to a request it carried out (`NL_SET_ERR_MSG` on a
/// handler that returned 0), as `ip` prints with "Warning: ". neli decodes only the
/// header of an ACK, so the raw datagram is read here.
pub fn ack_warning(datagram: &[u8], seq: u32) -> Option<String> {
    let u16_at = |b: &[u8], o: usize| b.get(o..o + 2).map(|x| u16::from_ne_bytes([x[0], x[1]]));
    let u32_at = |b: &[u8], o: usize| {
        b.get(o..o + 4)
            .map(|x| u32::from_ne_bytes([x[0], x[1], x[2], x[3]]))
    };
    let mut rest = datagram;
    while rest.len() >= NLMSG_HDRLEN {
        let len = u32_at(rest, 0)? as usize;
        if len < NLMSG_HDRLEN || len > rest.len() {
            return None;
        }
        let (msg, next) = rest.split_at(len);
        rest = next.get(nla_align(len) - len..).unwrap_or(&[]);
        let (ty, flags, mseq) = (u16_at(msg, 4)?, u16_at(msg, 6)?, u32_at(msg, 8)?);
        if ty != NLMSG_ERROR || mseq != seq || flags & NLM_F_ACK_TLVS == 0 {
            continue;
        }
        let payload = &msg[NLMSG_HDRLEN..];
        if u32_at(payload, 0)? != 0 {
            return None; // an error, not a warning: decoded by neli
        }
        // The echoed request: its header only when capped, else the whole message.
        let echoed = if flags & NLM_F_CAPPED != 0 {
            NLMSG_HDRLEN
        } else {
            u32_at(payload, 4)? as usize
        };
        let tlvs = payload.get(4 + nla_align(echoed)..)?;
        let attrs = parse_attrs(tlvs).ok()?;
        return ExtAck::from_attrs(&attrs).msg;
    }
    None
}

/// The policy of one attribute as the kernel describes it (`NL_POLICY_TYPE_ATTR_*`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AttrPolicy {
    /// `NL_ATTR_TYPE_*` ([`attr_type`]).
    pub ty: Option<u32>,
    pub min_u: Option<u64>,
    pub max_u: Option<u64>,
    pub min_s: Option<i64>,
    pub max_s: Option<i64>,
    /// Payload length bounds of strings and binary attributes (bytes; a NUL-terminated
    /// string's without the NUL).
    pub min_len: Option<u32>,
    pub max_len: Option<u32>,
    /// Bits an integer may have set.
    pub mask: Option<u64>,
}

impl AttrPolicy {
    /// From the `NL_POLICY_TYPE_ATTR_*` attributes of the policy nest.
    pub fn from_attrs(attrs: &[Attr]) -> Self {
        let u64_of = |a: &Attr| match a.data.len() {
            4 => a.as_u32().ok().map(u64::from),
            _ => a.as_u64().ok(),
        };
        let mut p = AttrPolicy::default();
        for a in attrs {
            match a.kind() {
                policy_attr::TYPE => p.ty = a.as_u32().ok(),
                policy_attr::MIN_VALUE_U => p.min_u = u64_of(a),
                policy_attr::MAX_VALUE_U => p.max_u = u64_of(a),
                policy_attr::MIN_VALUE_S => p.min_s = u64_of(a).map(|v| v as i64),
                policy_attr::MAX_VALUE_S => p.max_s = u64_of(a).map(|v| v as i64),
                policy_attr::MIN_LENGTH => p.min_len = a.as_u32().ok(),
                policy_attr::MAX_LENGTH => p.max_len = a.as_u32().ok(),
                policy_attr::MASK => p.mask = u64_of(a),
                _ => {}
            }
        }
        p
    }

    /// Payload size and name of a fixed-size type (integers, flags).
    fn fixed_size(&self) -> Option<(usize, &'static str)> {
        Some(match self.ty? {
            attr_type::FLAG => (0, "flag"),
            attr_type::U8 => (1, "u8"),
            attr_type::U16 => (2, "u16"),
            attr_type::U32 => (4, "u32"),
            attr_type::U64 => (8, "u64"),
            attr_type::S8 => (1, "s8"),
            attr_type::S16 => (2, "s16"),
            attr_type::S32 => (4, "s32"),
            attr_type::S64 => (8, "s64"),
            _ => return None,
        })
    }

    /// What the policy allows, for a line `ATTR: MESSAGE, ALLOWED`: `allowed 1..100`,
    /// `allowed bits 0xfff9`, `at most 15 bytes`; for a `sent` payload of the wrong size for
    /// the type, `expected u16 (2 bytes)`. `None` if it allows any value of its type.
    pub fn allowed(&self, sent: Option<&Attr>) -> Option<String> {
        let fixed = self.fixed_size();
        if let (Some((size, name)), Some(a)) = (fixed, sent) {
            if a.data.len() != size {
                let s = if size == 1 { "" } else { "s" };
                return Some(format!("expected {name} ({size} byte{s})"));
            }
        }
        if let Some(m) = self.mask {
            return Some(format!("allowed bits {m:#x}"));
        }
        // The full range of the type says nothing (the kernel dumps one for every integer).
        let bits = fixed.map_or(64, |(size, _)| size as u32 * 8);
        let (umax, smin, smax) = if bits >= 64 {
            (u64::MAX, i64::MIN, i64::MAX)
        } else {
            (
                (1u64 << bits) - 1,
                -(1i64 << (bits - 1)),
                (1i64 << (bits - 1)) - 1,
            )
        };
        match (self.min_u, self.max_u) {
            (Some(lo), Some(hi)) if (lo, hi) != (0, umax) => {
                return Some(format!("allowed {lo}..{hi}"))
            }
            _ => {}
        }
        match (self.min_s, self.max_s) {
            (Some(lo), Some(hi)) if (lo, hi) != (smin, smax) => {
                return Some(format!("allowed {lo}..{hi}"))
            }
            _ => {}
        }
        match (self.min_len, self.max_len) {
            (Some(lo), Some(hi)) if lo == hi => Some(format!("expected {lo} bytes")),
            (Some(lo), Some(hi)) => Some(format!("allowed length {lo}..{hi} bytes")),
            (None, Some(hi)) => Some(format!("at most {hi} bytes")),
            (Some(lo), None) => Some(format!("at least {lo} bytes")),
            (None, None) => None,
        }
    }
}

/// The attribute of a request with attributes `attrs` (encoded as [`Client`] sends them)
/// at byte `offset` of the message: the top-level attribute, then, if that is nested and
/// the offset is inside its payload, the nested ones down to the innermost. Empty if the
/// offset is in no attribute (the headers, or beyond the end).
pub fn attr_at(attrs: &[Attr], offset: usize) -> Vec<Attr> {
    let mut path = Vec::new();
    let mut pos = REQUEST_ATTRS_OFFSET;
    for a in attrs {
        let end = pos + nla_align(NLA_HDRLEN + a.data.len());
        if (pos..end).contains(&offset) {
            path.push(a.clone());
            if a.is_nested() && offset >= pos + NLA_HDRLEN {
                nested_at(&a.data, offset - pos - NLA_HDRLEN, &mut path);
            }
            break;
        }
        pos = end;
    }
    path
}

/// [`attr_at`] inside the payload `bytes` of a nested attribute (`offset` from its start).
fn nested_at(bytes: &[u8], offset: usize, path: &mut Vec<Attr>) {
    let mut pos = 0;
    while pos + NLA_HDRLEN <= bytes.len() {
        let len = usize::from(u16::from_ne_bytes([bytes[pos], bytes[pos + 1]]));
        let ty = u16::from_ne_bytes([bytes[pos + 2], bytes[pos + 3]]);
        if len < NLA_HDRLEN || pos + len > bytes.len() {
            return;
        }
        let end = pos + nla_align(len);
        if (pos..end).contains(&offset) {
            let a = Attr::bytes(ty, &bytes[pos + NLA_HDRLEN..pos + len]);
            let nested = a.is_nested() && offset >= pos + NLA_HDRLEN;
            let data = a.data.clone();
            path.push(a);
            if nested {
                nested_at(&data, offset - pos - NLA_HDRLEN, path);
            }
            return;
        }
        pos = end;
    }
}

/// The policy of attribute `kind` in the doit (or with `dump` the dumpit) of command `cmd`,
/// from the attributes of nlctrl's policy dump of that command.
pub fn policy_in_dump(attrs: &[Attr], cmd: u8, dump: bool, kind: u16) -> Option<AttrPolicy> {
    let nested = |a: &Attr| a.as_nested().unwrap_or_default();
    let which = if dump {
        CTRL_ATTR_POLICY_DUMP
    } else {
        CTRL_ATTR_POLICY_DO
    };
    let idx = attrs
        .iter()
        .filter(|a| a.kind() == CTRL_ATTR_OP_POLICY)
        .flat_map(nested)
        .filter(|op| op.kind() == u16::from(cmd))
        .find_map(|op| find(&nested(&op), which).and_then(|i| i.as_u32().ok()))?;
    attrs
        .iter()
        .filter(|a| a.kind() == CTRL_ATTR_POLICY)
        .flat_map(nested)
        .filter(|p| u32::from(p.kind()) == idx)
        .flat_map(|p| nested(&p))
        .find(|a| a.kind() == kind)
        .map(|a| AttrPolicy::from_attrs(&nested(&a)))
}

/// The text of an error: the kernel's message (or the errno's text), prefixed with the
/// attribute it points at (`path`, named by `name`) and followed by what `policy` allows.
/// Just the message (possibly none) if it points at no attribute.
pub fn explain(
    msg: Option<String>,
    errno: i32,
    path: &[Attr],
    policy: Option<&AttrPolicy>,
    name: fn(u16) -> String,
) -> Option<String> {
    let Some(outer) = path.first() else {
        return msg;
    };
    let mut s = name(outer.kind());
    for inner in &path[1..] {
        s.push_str(&format!(" (nested attribute {})", inner.kind()));
    }
    s.push_str(": ");
    s.push_str(&msg.unwrap_or_else(|| errno::text(errno)));
    if let Some(allowed) = policy.and_then(|p| p.allowed(path.last())) {
        s.push_str(", ");
        s.push_str(&allowed);
    }
    Some(s)
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
            "vswitch module not loaded (generic netlink family \"vswitch\" not found); \
             load it with: modprobe vswitch"
        );
    }

    /// A success ACK as the kernel builds it (`netlink_ack`): header, error 0, the echoed
    /// request (capped: its header only), then `NLMSGERR_ATTR_MSG`.
    fn ack(seq: u32, error: i32, capped: bool, msg: Option<&str>) -> Vec<u8> {
        let request_len: u32 = if capped { 16 } else { 24 };
        let mut body = error.to_ne_bytes().to_vec();
        body.extend(request_len.to_ne_bytes());
        body.extend([0u8; 12]);
        if !capped {
            body.extend([0u8; 8]);
        }
        let mut flags = 0u16;
        if capped {
            flags |= NLM_F_CAPPED;
        }
        if let Some(m) = msg {
            flags |= NLM_F_ACK_TLVS;
            let mut v = m.as_bytes().to_vec();
            v.push(0);
            body.extend(((4 + v.len()) as u16).to_ne_bytes());
            body.extend(nlmsgerr::MSG.to_ne_bytes());
            body.extend(&v);
            body.resize(nla_align(body.len()), 0);
        }
        let mut m = ((16 + body.len()) as u32).to_ne_bytes().to_vec();
        m.extend(NLMSG_ERROR.to_ne_bytes());
        m.extend(flags.to_ne_bytes());
        m.extend(seq.to_ne_bytes());
        m.extend(0u32.to_ne_bytes());
        m.extend(body);
        m
    }

    #[test]
    fn success_ack_warnings() {
        let w = ack(7, 0, true, Some("uplink has no VMQ: software queues"));
        assert_eq!(
            ack_warning(&w, 7).as_deref(),
            Some("uplink has no VMQ: software queues")
        );
        // The whole request echoed (not capped).
        assert_eq!(
            ack_warning(&ack(7, 0, false, Some("x")), 7).as_deref(),
            Some("x")
        );
        // Another request's ACK, a plain ACK, an error: no warning.
        assert_eq!(ack_warning(&w, 8), None);
        assert_eq!(ack_warning(&ack(7, 0, true, None), 7), None);
        assert_eq!(ack_warning(&ack(7, -22, true, Some("bad")), 7), None);
        // After a reply message in the same datagram.
        let mut d = vec![
            20, 0, 0, 0, 0x20, 0, 0, 0, 7, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4,
        ];
        d.extend(&w);
        assert!(ack_warning(&d, 7).is_some());
        // Truncated or garbage: nothing, no panic.
        for n in 0..w.len() {
            let _ = ack_warning(&w[..n], 7);
        }
        assert_eq!(ack_warning(&[0xff; 40], 7), None);
    }

    #[test]
    fn too_long_attr_rejected() {
        let a = Attr::bytes(1, vec![0u8; MAX_ATTR_PAYLOAD + 1]);
        assert!(a.to_nlattr().is_err());
        assert!(Attr::bytes(1, vec![0u8; MAX_ATTR_PAYLOAD])
            .to_nlattr()
            .is_ok());
    }

    use crate::uapi::{attr, binding_attr};

    /// `SWITCH_SET sw0 weight/interval ...` as sent: the attributes start after the 16-byte
    /// `nlmsghdr` and 4-byte `genlmsghdr`.
    fn request() -> Vec<Attr> {
        vec![
            Attr::str(attr::SWITCH, "sw0"),       // 20: 4 + 4
            Attr::u32(attr::VMQ_INTERVAL, 5),     // 28: 4 + 4
            Attr::u16(attr::GROUP_FWD_MASK, 0x2), // 36: 4 + 2 + 2 padding
            Attr::str(attr::PORT, "port0"),       // 44: 4 + 6 + 2 padding
            Attr::nested(
                attr::IP_ALLOW, // 56: 4 + 8 + 12
                &[
                    Attr::bytes(binding_attr::ADDR, [10, 0, 0, 1]), // 60
                    Attr::bytes(binding_attr::ADDR, [0u8; 8]),      // 68
                ],
            )
            .unwrap(),
            Attr::u64(attr::RATE_IN, 1), // 80: 4 + 8
        ] // 92: end
    }

    fn kinds(path: &[Attr]) -> Vec<u16> {
        path.iter().map(Attr::kind).collect()
    }

    #[test]
    fn offset_to_attribute() {
        let r = request();
        assert_eq!(REQUEST_ATTRS_OFFSET, 20);
        for (offset, want) in [
            (20, vec![attr::SWITCH]),
            (27, vec![attr::SWITCH]),
            (28, vec![attr::VMQ_INTERVAL]),
            (36, vec![attr::GROUP_FWD_MASK]),
            (42, vec![attr::GROUP_FWD_MASK]),
            (44, vec![attr::PORT]),
            (56, vec![attr::IP_ALLOW]),
            (60, vec![attr::IP_ALLOW, binding_attr::ADDR]),
            (80, vec![attr::RATE_IN]),
            (91, vec![attr::RATE_IN]),
        ] {
            assert_eq!(kinds(&attr_at(&r, offset)), want, "offset {offset}");
        }
        let inner = attr_at(&r, 68);
        assert_eq!(inner[1].data, [0u8; 8]);
        for nowhere in [0, 16, 19, 92, 1000] {
            assert!(attr_at(&r, nowhere).is_empty(), "offset {nowhere}");
        }
        assert!(attr_at(&[], 20).is_empty());
    }

    /// The offsets [`attr_at`] assumes are where neli puts the attributes.
    #[test]
    fn offsets_match_the_encoding() {
        let r = request();
        let msg = request_msg(0x20, 1, 4, NlmF::ACK, 7, 0, &r).unwrap();
        let mut cur = Cursor::new(Vec::new());
        msg.to_bytes(&mut cur).unwrap();
        let bytes = cur.into_inner();
        assert_eq!(bytes.len(), 92);
        let mut pos = REQUEST_ATTRS_OFFSET;
        for a in &r {
            let len = u16::from_ne_bytes([bytes[pos], bytes[pos + 1]]);
            let ty = u16::from_ne_bytes([bytes[pos + 2], bytes[pos + 3]]);
            assert_eq!((usize::from(len), ty), (4 + a.data.len(), a.ty));
            assert_eq!(attr_at(&r, pos), vec![a.clone()]);
            pos += nla_align(usize::from(len));
        }
        assert_eq!(pos, bytes.len());
    }

    fn policy_nest(fields: &[(u16, u64)], ty: u32) -> Vec<Attr> {
        let mut v = vec![Attr::u32(policy_attr::TYPE, ty)];
        for &(k, x) in fields {
            v.push(match k {
                policy_attr::MIN_LENGTH | policy_attr::MAX_LENGTH => Attr::u32(k, x as u32),
                _ => Attr::u64(k, x),
            });
        }
        v
    }

    fn policy(fields: &[(u16, u64)], ty: u32) -> AttrPolicy {
        AttrPolicy::from_attrs(&policy_nest(fields, ty))
    }

    #[test]
    fn policy_to_text() {
        use policy_attr::*;
        let weight = policy(&[(MIN_VALUE_U, 1), (MAX_VALUE_U, 100)], attr_type::U32);
        assert_eq!(weight.ty, Some(attr_type::U32));
        assert_eq!((weight.min_u, weight.max_u), (Some(1), Some(100)));
        assert_eq!(weight.allowed(None).as_deref(), Some("allowed 1..100"));
        assert_eq!(
            weight.allowed(Some(&Attr::u32(attr::WEIGHT, 0))).as_deref(),
            Some("allowed 1..100")
        );
        // A payload of the wrong size for the type: the size is the problem, not the value.
        assert_eq!(
            weight.allowed(Some(&Attr::u8(attr::WEIGHT, 0))).as_deref(),
            Some("expected u32 (4 bytes)")
        );
        let pvid = policy(&[(MIN_VALUE_U, 1), (MAX_VALUE_U, 4094)], attr_type::U16);
        assert_eq!(pvid.allowed(None).as_deref(), Some("allowed 1..4094"));
        assert_eq!(
            pvid.allowed(Some(&Attr::u8(attr::PVID, 1))).as_deref(),
            Some("expected u16 (2 bytes)")
        );
        let bool8 = policy(&[(MIN_VALUE_U, 0), (MAX_VALUE_U, 1)], attr_type::U8);
        assert_eq!(
            bool8.allowed(Some(&Attr::u16(attr::TRUSTED, 1))).as_deref(),
            Some("expected u8 (1 byte)")
        );
        let rate = policy(
            &[(MIN_VALUE_U, 0), (MAX_VALUE_U, 400_000_000_000)],
            attr_type::U64,
        );
        assert_eq!(
            rate.allowed(None).as_deref(),
            Some("allowed 0..400000000000")
        );
        let mask = policy(&[(MASK, 0xfff9)], attr_type::U16);
        assert_eq!(mask.mask, Some(0xfff9));
        assert_eq!(
            mask.allowed(Some(&Attr::u16(attr::GROUP_FWD_MASK, 2)))
                .as_deref(),
            Some("allowed bits 0xfff9")
        );
        // The whole range of the type is no news.
        for (ty, max) in [
            (attr_type::U8, 0xff),
            (attr_type::U16, 0xffff),
            (attr_type::U32, u32::MAX.into()),
            (attr_type::U64, u64::MAX),
        ] {
            assert_eq!(
                policy(&[(MIN_VALUE_U, 0), (MAX_VALUE_U, max)], ty).allowed(None),
                None
            );
        }
        let s16 = policy(
            &[(MIN_VALUE_S, -5i64 as u64), (MAX_VALUE_S, 5)],
            attr_type::S16,
        );
        assert_eq!(s16.allowed(None).as_deref(), Some("allowed -5..5"));
        let s8 = policy(
            &[(MIN_VALUE_S, -128i64 as u64), (MAX_VALUE_S, 127)],
            attr_type::S8,
        );
        assert_eq!(s8.allowed(None), None);
        // Strings and binary attributes: lengths.
        let name = policy(&[(MAX_LENGTH, 15)], 12);
        assert_eq!(
            name.allowed(Some(&Attr::str(attr::SWITCH, "x"))).as_deref(),
            Some("at most 15 bytes")
        );
        assert_eq!(
            policy(&[(MIN_LENGTH, 6), (MAX_LENGTH, 6)], 10)
                .allowed(None)
                .as_deref(),
            Some("expected 6 bytes")
        );
        assert_eq!(
            policy(&[(MIN_LENGTH, 4), (MAX_LENGTH, 16)], 10)
                .allowed(None)
                .as_deref(),
            Some("allowed length 4..16 bytes")
        );
        assert_eq!(
            policy(&[(MIN_LENGTH, 4)], 10).allowed(None).as_deref(),
            Some("at least 4 bytes")
        );
        assert_eq!(policy(&[], 13).allowed(None), None);
        let flag = policy(&[], attr_type::FLAG);
        assert_eq!(
            flag.allowed(Some(&Attr::u8(attr::FORCE, 1))).as_deref(),
            Some("expected flag (0 bytes)")
        );
        assert_eq!(AttrPolicy::from_attrs(&[]), AttrPolicy::default());
    }

    #[test]
    fn ext_ack_decoding() {
        use policy_attr::*;
        let nest = policy_nest(&[(MIN_VALUE_U, 100), (MAX_VALUE_U, 60_000)], attr_type::U32);
        let ack = ExtAck::from_attrs(&[
            Attr::str(nlmsgerr::MSG, "integer out of range"),
            Attr::u32(nlmsgerr::OFFS, 28),
            Attr::nested(nlmsgerr::POLICY, &nest).unwrap(),
            Attr::u32(5, 1), // NLMSGERR_ATTR_MISS_TYPE: not ours to read
        ]);
        assert_eq!(ack.msg.as_deref(), Some("integer out of range"));
        assert_eq!(ack.offset, Some(28));
        assert_eq!(ack.policy, Some(AttrPolicy::from_attrs(&nest)));
        assert_eq!(ExtAck::from_attrs(&[]), ExtAck::default());
        assert_eq!(
            ExtAck::from_attrs(&[Attr::str(nlmsgerr::MSG, "")]).msg,
            None
        );
    }

    #[test]
    fn error_text_names_the_attribute() {
        use policy_attr::*;
        let r = request();
        let line = |msg: &str, offset: usize, p: Option<AttrPolicy>, errno: i32| {
            let path = attr_at(&r, offset);
            Error::Kernel {
                errno,
                msg: explain(
                    Some(msg.into()),
                    errno,
                    &path,
                    p.as_ref(),
                    crate::words::attr_name,
                ),
            }
            .to_string()
        };
        let interval = policy(&[(MIN_VALUE_U, 100), (MAX_VALUE_U, 60_000)], attr_type::U32);
        assert_eq!(
            line("integer out of range", 28, Some(interval), libc::ERANGE),
            "interval: integer out of range, allowed 100..60000 (ERANGE)"
        );
        let mask = policy(&[(MASK, 0xfff9)], attr_type::U16);
        assert_eq!(
            line("reserved bit set", 36, Some(mask), libc::EINVAL),
            "group-fwd-mask: reserved bit set, allowed bits 0xfff9 (EINVAL)"
        );
        // No policy: just the attribute.
        assert_eq!(
            line("vswitch: rate too low", 80, None, libc::ERANGE),
            "rate-in: vswitch: rate too low (ERANGE)"
        );
        // Inside a nested attribute.
        assert_eq!(
            line("bad address", 68, None, libc::EINVAL),
            "ip-allow (nested attribute 1): bad address (EINVAL)"
        );
        // Not at an attribute: the message as it is.
        assert_eq!(
            line("bad header", 4, None, libc::EINVAL),
            "bad header (EINVAL)"
        );
        // No message: the errno's text.
        let path = attr_at(&r, 28);
        assert_eq!(
            explain(None, libc::ERANGE, &path, None, crate::words::attr_name).as_deref(),
            Some("interval: Numerical result out of range")
        );
        assert_eq!(
            explain(None, libc::ERANGE, &[], None, crate::words::attr_name),
            None
        );
        // `vswctl raw`: the same table (pvid is pvid), else the UAPI name, else the number.
        let raw = [
            Attr::u16(attr::PVID, 5000),
            Attr::u8(attr::VMQ_BACKEND, 9),
            Attr::u8(200, 1),
        ];
        let name = |offset| {
            explain(
                Some("m".into()),
                0,
                &attr_at(&raw, offset),
                None,
                crate::words::attr_name,
            )
        };
        assert_eq!(name(20).as_deref(), Some("pvid: m"));
        assert_eq!(name(28).as_deref(), Some("VMQ_BACKEND: m"));
        assert_eq!(name(36).as_deref(), Some("attribute 200: m"));
        // Another family: numbers.
        assert_eq!(
            explain(Some("m".into()), 0, &attr_at(&raw, 20), None, numbered).as_deref(),
            Some("attribute 12: m")
        );
    }

    #[test]
    fn policy_of_an_op_in_the_dump() {
        use policy_attr::*;
        let mask = policy_nest(&[(MASK, 0xfff9)], attr_type::U16);
        let weight = policy_nest(&[(MIN_VALUE_U, 1), (MAX_VALUE_U, 100)], attr_type::U32);
        let op = |cmd: u16, idx: u32| {
            Attr::nested(
                CTRL_ATTR_OP_POLICY,
                &[Attr::nested(cmd, &[Attr::u32(CTRL_ATTR_POLICY_DO, idx)]).unwrap()],
            )
            .unwrap()
        };
        let pol = |idx: u16, kind: u16, p: &[Attr]| {
            Attr::nested(
                CTRL_ATTR_POLICY,
                &[Attr::nested(idx, &[Attr::nested(kind, p).unwrap()]).unwrap()],
            )
            .unwrap()
        };
        // As the messages of the dump come: family id, the op, then one attribute each.
        let dump = vec![
            Attr::u16(1, 0x20),
            op(4, 1),
            pol(0, attr::GROUP_FWD_MASK, &weight),
            pol(1, attr::WEIGHT, &weight),
            pol(1, attr::GROUP_FWD_MASK, &mask),
        ];
        let p = policy_in_dump(&dump, 4, false, attr::GROUP_FWD_MASK).unwrap();
        assert_eq!(p.mask, Some(0xfff9));
        assert_eq!(
            policy_in_dump(&dump, 4, false, attr::WEIGHT).unwrap().max_u,
            Some(100)
        );
        assert_eq!(policy_in_dump(&dump, 4, false, attr::PVID), None);
        assert_eq!(policy_in_dump(&dump, 5, false, attr::WEIGHT), None);
        assert_eq!(policy_in_dump(&dump, 4, true, attr::WEIGHT), None);
        assert_eq!(policy_in_dump(&[], 4, false, attr::WEIGHT), None);
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
        // It points at the attribute (after a good one) and describes its policy.
        let e = c
            .request(3, &[Attr::str(2, "nlctrl"), Attr::u8(1, 1)])
            .unwrap_err();
        let Error::Kernel { msg: Some(m), .. } = &e else {
            panic!("{e:?}")
        };
        assert!(m.starts_with("attribute 1: "), "{e}");
        assert!(m.ends_with(", expected u16 (2 bytes)"), "{e}");
    }

    /// The policy of one attribute of one command, from nlctrl's policy dump (what names the
    /// bits of a mask the kernel's error does not describe).
    #[test]
    fn live_op_attr_policy() {
        let Some(c) = nlctrl() else { return };
        // CTRL_CMD_GETFAMILY: CTRL_ATTR_FAMILY_NAME is a NUL string of at most 15 bytes,
        // CTRL_ATTR_FAMILY_ID a u16.
        let Some(name) = c.op_attr_policy(3, false, 2) else {
            eprintln!("skipping: no CTRL_CMD_GETPOLICY");
            return;
        };
        assert_eq!((name.ty, name.max_len), (Some(12), Some(15)), "{name:?}");
        assert_eq!(name.allowed(None).as_deref(), Some("at most 15 bytes"));
        let id = c.op_attr_policy(3, false, 1).unwrap();
        assert_eq!(id.ty, Some(attr_type::U16), "{id:?}");
        assert_eq!(c.op_attr_policy(3, false, 200), None);
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
