// SPDX-License-Identifier: GPL-2.0
//! Generic netlink: register a family, read request attributes, build and send replies.
//!
//! A family is a type implementing [`Family`]: its name, version, attribute policy and
//! command table (each command with its request and dump handlers, [`Op`]) are constants.
//! [`Registration`] registers it with the kernel and unregisters it when dropped.
//!
//! Every operation requires `CAP_NET_ADMIN` in the user namespace owning the request's
//! network namespace (`GENL_UNS_ADMIN_PERM`), and every request is validated strictly against
//! the policy by the generic netlink core before a handler runs, so handlers see only
//! attributes of the declared types and lengths.

use crate::bindings;
use crate::errno::emsgsize;
use crate::net::Net;
use crate::sync::rtnl::Held;
use core::marker::PhantomData;
use core::ptr::NonNull;
use kernel::alloc::{flags::GFP_KERNEL, KBox, KVec};
use kernel::error::{code::*, Error, Result};
use kernel::ffi::{c_int, c_void};
use kernel::str::CStr;
use kernel::types::Opaque;
use kernel::ThisModule;

/// The validation of one attribute, checked by the generic netlink core before a handler
/// runs (a request with a value out of range fails with the core's extack message, pointing
/// at the attribute and reporting the allowed range).
#[derive(Clone, Copy)]
#[repr(transparent)]
pub struct Policy(bindings::nla_policy);

// SAFETY: a `Policy` is immutable plain data after construction; its only pointer (a range
// of `Policy::u32_range`/`u64_range`) points to a `'static` `Range`, which is immutable.
unsafe impl Sync for Policy {}

/// An inclusive range of an integer attribute wider than 16 bits (`NLA_POLICY_FULL_RANGE`).
#[repr(transparent)]
pub struct Range(bindings::netlink_range_validation);

// SAFETY: immutable plain data.
unsafe impl Sync for Range {}

impl Range {
    /// `min..=max`.
    pub const fn new(min: u64, max: u64) -> Self {
        Range(bindings::netlink_range_validation { min, max })
    }
}

impl Policy {
    const fn of(ty: u32, len: u16) -> Self {
        // SAFETY: `nla_policy` is a C struct of integers, a union of integers, pointers and
        // an optional function pointer; all-zero is a valid value for each of them.
        let mut p: bindings::nla_policy = unsafe { core::mem::zeroed() };
        p.type_ = ty as u8;
        p.len = len;
        Policy(p)
    }
    const fn with_min_max(mut self, min: i16, max: i16) -> Self {
        self.0.validation_type = bindings::nla_policy_validation_NLA_VALIDATE_RANGE as u8;
        self.0.__bindgen_anon_1.__bindgen_anon_1 = bindings::nla_policy__bindgen_ty_1__bindgen_ty_1 { min, max };
        self
    }
    /// The attribute number is not used (slot 0 and gaps).
    pub const fn unused() -> Self {
        Self::of(bindings::NLA_UNSPEC, 0)
    }
    /// A `u8` attribute.
    pub const fn u8() -> Self {
        Self::of(bindings::NLA_U8, 0)
    }
    /// A `u8` attribute in `min..=max` (`NLA_POLICY_RANGE(NLA_U8, ...)`).
    pub const fn u8_range(min: u8, max: u8) -> Self {
        Self::u8().with_min_max(min as i16, max as i16)
    }
    /// A `u16` attribute.
    pub const fn u16() -> Self {
        Self::of(bindings::NLA_U16, 0)
    }
    /// A `u16` attribute in `min..=max`; both at most `i16::MAX` (a wider range needs a
    /// [`Range`]).
    pub const fn u16_range(min: u16, max: u16) -> Self {
        assert!(max <= i16::MAX as u16 && min <= max);
        Self::u16().with_min_max(min as i16, max as i16)
    }
    /// A `u16` attribute with no bit outside `mask` (`NLA_POLICY_MASK`).
    pub const fn u16_mask(mask: u16) -> Self {
        let mut p = Self::u16();
        p.0.validation_type = bindings::nla_policy_validation_NLA_VALIDATE_MASK as u8;
        p.0.__bindgen_anon_1.mask = mask as u32;
        p
    }
    /// A `u32` attribute.
    pub const fn u32() -> Self {
        Self::of(bindings::NLA_U32, 0)
    }
    /// A `u32` attribute in `range` (`NLA_POLICY_FULL_RANGE(NLA_U32, ...)`).
    pub const fn u32_range(range: &'static Range) -> Self {
        let mut p = Self::u32();
        p.0.validation_type = bindings::nla_policy_validation_NLA_VALIDATE_RANGE_PTR as u8;
        p.0.__bindgen_anon_1.range = &range.0;
        p
    }
    /// A `u64` attribute.
    pub const fn u64() -> Self {
        Self::of(bindings::NLA_U64, 0)
    }
    /// A `u64` attribute in `range`.
    pub const fn u64_range(range: &'static Range) -> Self {
        let mut p = Self::u64();
        p.0.validation_type = bindings::nla_policy_validation_NLA_VALIDATE_RANGE_PTR as u8;
        p.0.__bindgen_anon_1.range = &range.0;
        p
    }
    /// A flag (no payload).
    pub const fn flag() -> Self {
        Self::of(bindings::NLA_FLAG, 0)
    }
    /// A NUL-terminated string of at most `max` bytes before the NUL.
    pub const fn nul_string(max: u16) -> Self {
        Self::of(bindings::NLA_NUL_STRING, max)
    }
    /// Opaque bytes of exactly `len` bytes (e.g. a MAC address), as `NLA_POLICY_EXACT_LEN`.
    pub const fn exact(len: u16) -> Self {
        let mut p = Self::of(bindings::NLA_BINARY, len);
        p.0.validation_type = bindings::nla_policy_validation_NLA_VALIDATE_MIN as u8;
        p.0.__bindgen_anon_1.__bindgen_anon_1 =
            bindings::nla_policy__bindgen_ty_1__bindgen_ty_1 { min: len as i16, max: 0 };
        p
    }
    /// Opaque bytes, at most `max` bytes (the handler checks the exact sizes it accepts).
    pub const fn binary(max: u16) -> Self {
        Self::of(bindings::NLA_BINARY, max)
    }
    /// A nested attribute (its contents are checked by the handler).
    pub const fn nested() -> Self {
        Self::of(bindings::NLA_NESTED, 0)
    }

    /// The policy table of attributes `0..N` from `(attribute, policy)` pairs, every other
    /// number unused. Each attribute is named once, and the table is checked when it is
    /// built (at compile time in a `static`): a number out of range or given twice fails.
    pub const fn table<const N: usize>(entries: &[(u16, Policy)]) -> [Policy; N] {
        let mut t = [Policy::unused(); N];
        let mut seen = [false; N];
        let mut i = 0;
        while i < entries.len() {
            let (ty, p) = entries[i];
            let ty = ty as usize;
            assert!(ty > 0 && ty < N, "attribute number out of the table");
            assert!(!seen[ty], "attribute given twice");
            seen[ty] = true;
            t[ty] = p;
            i += 1;
        }
        t
    }
}

/// A request handler: the reply (if any) is sent by the handler; an error goes back to the
/// sender as a netlink error with the extack message set on the request, if any.
pub type DoFn = fn(&Request<'_>) -> Result;
/// A dump handler: fills one message with as many entries as fit (see [`Dump`]).
pub type DumpFn = fn(&mut Dump<'_>) -> Result;

/// One command of a family and its handlers: the whole command table in one place.
pub struct Op {
    /// The command number (`genlmsghdr.cmd`).
    pub cmd: u8,
    /// Handles a request without `NLM_F_DUMP` (`None`: the command is a dump only).
    pub doit: Option<DoFn>,
    /// Handles `NLM_F_DUMP` requests.
    pub dumpit: Option<DumpFn>,
}

impl Op {
    /// A command with a request handler only.
    pub const fn doit(cmd: u8, f: DoFn) -> Self {
        Op { cmd, doit: Some(f), dumpit: None }
    }
    /// A command that gets one object (`doit`) or dumps them all (`dumpit`).
    pub const fn get(cmd: u8, doit: DoFn, dumpit: DumpFn) -> Self {
        Op { cmd, doit: Some(doit), dumpit: Some(dumpit) }
    }
    /// A command that is only a dump.
    pub const fn dump(cmd: u8, f: DumpFn) -> Self {
        Op { cmd, doit: None, dumpit: Some(f) }
    }
}

/// A generic netlink family implemented in Rust.
pub trait Family: 'static {
    /// Family name (at most 15 bytes).
    const NAME: &'static str;
    /// Family version.
    const VERSION: u8;
    /// The policy, indexed by attribute type; its length is `maxattr + 1`.
    const POLICY: &'static [Policy];
    /// The commands and their handlers (each command once).
    const OPS: &'static [Op];
    /// Multicast group names (at most 15 bytes each); [`multicast`] sends to the first.
    const MCGRPS: &'static [&'static str] = &[];
}

/// The entry of command `cmd` in `F`'s table (the core only calls us for registered ones).
fn op_of<F: Family>(cmd: u8) -> Option<&'static Op> {
    F::OPS.iter().find(|o| o.cmd == cmd)
}

/// Size of a netlink attribute header (`NLA_HDRLEN`).
const NLA_HDRLEN: usize = core::mem::size_of::<bindings::nlattr>();

/// Attribute `ty` of a request (null if absent or beyond the family's `maxattr`).
///
/// # Safety
/// `info` must be a valid `genl_info` of a request being handled.
unsafe fn attr_of(info: *mut bindings::genl_info, ty: u16) -> *mut bindings::nlattr {
    // SAFETY: by the function contract; `attrs` has `family->maxattr + 1` entries.
    unsafe {
        let attrs = (*info).attrs;
        if attrs.is_null() || u32::from(ty) > (*(*info).family).maxattr {
            return core::ptr::null_mut();
        }
        *attrs.add(usize::from(ty))
    }
}

/// Sets the extended ack message (and the offending attribute) of a request: what
/// `NL_SET_ERR_MSG_ATTR` does (the macro wants a literal; this is its effect for a static
/// string).
///
/// # Safety
/// `info` must be a valid `genl_info` of a request being handled; `bad` null or one of its
/// attributes.
unsafe fn set_extack(info: *mut bindings::genl_info, msg: &'static CStr, bad: *const bindings::nlattr) {
    // SAFETY: by the function contract; the extack outlives the request and `msg` is static.
    unsafe {
        let ext = (*info).extack;
        if !ext.is_null() {
            (*ext)._msg = msg.as_char_ptr();
            (*ext).bad_attr = bad;
        }
    }
}

/// The dump's request (`genl_dumpit_info(cb)`: the core keeps it in `cb->data`).
///
/// # Safety
/// `cb` must be the valid callback of a generic netlink dump in progress.
unsafe fn dumpit_info(cb: *mut bindings::netlink_callback) -> *const bindings::genl_dumpit_info {
    // SAFETY: by the function contract.
    unsafe { (*cb).data.cast_const().cast() }
}

/// An attribute of a request, valid while the request is.
///
/// # Invariants
/// `ptr` points to a valid `nlattr` in the request's skb, already validated against the
/// family's policy, for the lifetime `'a`.
pub struct Attr<'a> {
    ptr: *const bindings::nlattr,
    _p: PhantomData<&'a ()>,
}

impl<'a> Attr<'a> {
    /// The payload bytes.
    pub fn bytes(&self) -> &'a [u8] {
        // SAFETY: by the type invariant `ptr` is a valid attribute; `nla_data`/`nla_len`
        // describe its payload, which lives as long as the request (`'a`).
        unsafe {
            // `nla_len` and `nla_data`: the payload follows the 4-byte header.
            let len = usize::from((*self.ptr).nla_len).saturating_sub(NLA_HDRLEN);
            let data = self.ptr.cast::<u8>().add(NLA_HDRLEN);
            core::slice::from_raw_parts(data, len)
        }
    }
    /// The payload as a `u8` (the policy guarantees the length for `u8` attributes).
    pub fn u8(&self) -> Result<u8> {
        self.bytes().first().copied().ok_or(EINVAL)
    }
    /// The payload as a `u16` in host order.
    pub fn u16(&self) -> Result<u16> {
        let b = self.bytes().get(..2).ok_or(EINVAL)?;
        Ok(u16::from_ne_bytes([b[0], b[1]]))
    }
    /// The payload as a `u32` in host order.
    pub fn u32(&self) -> Result<u32> {
        let b = self.bytes().get(..4).ok_or(EINVAL)?;
        Ok(u32::from_ne_bytes([b[0], b[1], b[2], b[3]]))
    }
    /// The payload as a `u64` in host order.
    pub fn u64(&self) -> Result<u64> {
        let b = self.bytes().get(..8).ok_or(EINVAL)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        Ok(u64::from_ne_bytes(a))
    }
    /// The attributes nested in this one, as (type, payload) pairs; a header that lies about
    /// its length ends the walk (the policy of nested attributes is the handler's to check).
    pub fn nested(&self) -> Nested<'a> {
        Nested { rest: self.bytes() }
    }

    /// The payload as a string (a NUL-terminated string attribute, without the NUL).
    pub fn str(&self) -> Result<&'a str> {
        let b = self.bytes();
        let b = match b.iter().position(|&c| c == 0) {
            Some(n) => &b[..n],
            None => b,
        };
        core::str::from_utf8(b).map_err(|_| EINVAL)
    }
}

/// The attributes inside a nested attribute (see [`Attr::nested`]).
pub struct Nested<'a> {
    rest: &'a [u8],
}

impl<'a> Iterator for Nested<'a> {
    type Item = (u16, &'a [u8]);

    fn next(&mut self) -> Option<Self::Item> {
        // `struct nlattr { u16 nla_len; u16 nla_type; }` in host order, then the payload,
        // padded to 4 bytes (NLA_ALIGNTO).
        let hdr = self.rest.get(..4)?;
        let len = usize::from(u16::from_ne_bytes([hdr[0], hdr[1]]));
        let ty = u16::from_ne_bytes([hdr[2], hdr[3]]) & 0x3fff; // NLA_TYPE_MASK
        let payload = self.rest.get(4..len)?;
        self.rest = self.rest.get(len.next_multiple_of(4)..).unwrap_or(&[]);
        Some((ty, payload))
    }
}

/// A request being handled by a [`DoFn`].
///
/// # Invariants
/// `skb` and `info` are the valid pointers the generic netlink core passed to the `doit`
/// callback, valid for `'a`, and `family` is the registered family of that request.
pub struct Request<'a> {
    info: *mut bindings::genl_info,
    family: *const bindings::genl_family,
    _p: PhantomData<&'a ()>,
}

impl<'a> Request<'a> {
    /// The command number.
    pub fn cmd(&self) -> u8 {
        // SAFETY: `info` is valid (type invariant) and its `genlhdr` points into the request.
        unsafe { (*(*self.info).genlhdr).cmd }
    }

    /// The attribute of type `ty`, if the request carries it.
    pub fn attr(&self, ty: u16) -> Option<Attr<'a>> {
        // SAFETY: `info` is valid (type invariant).
        let ptr = unsafe { attr_of(self.info, ty) };
        if ptr.is_null() {
            None
        } else {
            // INVARIANT: non-null entries of `info->attrs` are validated attributes of the
            // request, alive as long as the request.
            Some(Attr { ptr, _p: PhantomData })
        }
    }

    /// Sets the extended ack message returned with the result.
    pub fn set_err_msg(&self, msg: &'static CStr) {
        // SAFETY: `info` is valid; `msg` is a static NUL-terminated string, so it outlives the
        // reply built from it.
        unsafe { set_extack(self.info, msg, core::ptr::null()) }
    }

    /// Sets the extended ack message and points it at the offending attribute `ty`.
    pub fn set_err_attr(&self, ty: u16, msg: &'static CStr) {
        // SAFETY: as in `set_err_msg`; `attr_of` looks the attribute up with bounds checks.
        unsafe { set_extack(self.info, msg, attr_of(self.info, ty)) }
    }

    /// Returns `err` after setting `msg` as the extended ack message.
    pub fn fail(&self, err: Error, msg: &'static CStr) -> Error {
        self.set_err_msg(msg);
        err
    }

    /// The network namespace of the requesting socket.
    pub fn net(&self) -> crate::net::Net<'a> {
        // SAFETY: `info` is valid (invariant); `genl_info_net`: its `_net`, set by the core
        // before the handler runs; the namespace outlives the request.
        unsafe { crate::net::Net::from_raw((*self.info)._net.net) }
    }

    /// Starts a reply to this request with command `cmd` (room for a default-size message).
    pub fn reply(&self, cmd: u8) -> Result<Msg> {
        self.reply_sized(cmd, 0)
    }

    /// Starts a reply with room for `size` bytes of attributes (0: the default size,
    /// `NLMSG_DEFAULT_SIZE`), for replies that can be larger.
    pub fn reply_sized(&self, cmd: u8, size: usize) -> Result<Msg> {
        // SAFETY: `info` and `family` are valid (invariant); `skb` is the fresh message.
        Msg::new(size, |skb| unsafe { bindings::vsw_genlmsg_put_reply(skb, self.info, self.family, cmd) })
    }

    /// Sends a reply built with [`Request::reply`].
    pub fn send(&self, msg: Msg) -> Result {
        let skb = msg.finish();
        // SAFETY: `genlmsg_reply` consumes `skb` (given up by `finish`, so not freed twice);
        // `info` is valid.
        let ret = unsafe { bindings::vsw_genlmsg_reply(skb, self.info) };
        if ret < 0 {
            Err(Error::from_errno(ret))
        } else {
            Ok(())
        }
    }
}

/// The attribute writer of a netlink message: what fills a reply, an event or a dump entry.
/// Only ever borrowed (`&Writer`) from an owned [`Msg`] or from the dump in progress, so a
/// fill function can neither free nor swap the message it writes.
///
/// # Invariants
/// The wrapped `sk_buff` is a netlink message buffer that stays valid while borrowed.
#[repr(transparent)]
pub struct Writer(Opaque<bindings::sk_buff>);

/// A nested attribute being built on a [`Writer`]; close it with [`Writer::nest_end`].
///
/// # Invariants
/// `attr` was opened on the skb `skb` and lies within its data.
pub struct Nest<'a> {
    attr: *mut bindings::nlattr,
    skb: *mut bindings::sk_buff,
    _w: PhantomData<&'a Writer>,
}

impl Writer {
    /// # Safety
    /// `skb` must be a valid netlink message buffer for `'a`, written only through the
    /// returned writer meanwhile.
    unsafe fn from_raw<'a>(skb: *mut bindings::sk_buff) -> &'a Writer {
        // SAFETY: `Writer` is a transparent wrapper of `sk_buff`; by the function contract.
        unsafe { &*skb.cast::<Writer>() }
    }

    fn skb(&self) -> *mut bindings::sk_buff {
        self.0.get()
    }

    fn put(&self, ty: u16, data: &[u8]) -> Result {
        let len = c_int::try_from(data.len()).map_err(|_| emsgsize())?;
        // SAFETY: a valid message buffer (invariant); `data` is valid for `len` bytes.
        let ret = unsafe { bindings::nla_put(self.skb(), ty.into(), len, data.as_ptr().cast()) };
        if ret < 0 {
            Err(emsgsize())
        } else {
            Ok(())
        }
    }
    /// Appends a `u8` attribute.
    pub fn put_u8(&self, ty: u16, v: u8) -> Result {
        self.put(ty, &[v])
    }
    /// Appends a `u16` attribute (host order).
    pub fn put_u16(&self, ty: u16, v: u16) -> Result {
        self.put(ty, &v.to_ne_bytes())
    }
    /// Appends a `u32` attribute (host order).
    pub fn put_u32(&self, ty: u16, v: u32) -> Result {
        self.put(ty, &v.to_ne_bytes())
    }
    /// Appends a `u64` attribute (host order, padded for alignment like the kernel's own).
    pub fn put_u64(&self, ty: u16, v: u64) -> Result {
        // SAFETY: a valid message buffer (invariant); the value is copied from a valid local.
        let ret = unsafe { bindings::nla_put_64bit(self.skb(), ty.into(), 8, (&v as *const u64).cast(), 0) };
        if ret < 0 {
            Err(emsgsize())
        } else {
            Ok(())
        }
    }
    /// Appends a flag attribute.
    pub fn put_flag(&self, ty: u16) -> Result {
        self.put(ty, &[])
    }
    /// Appends raw bytes.
    pub fn put_bytes(&self, ty: u16, v: &[u8]) -> Result {
        self.put(ty, v)
    }
    /// Appends a NUL-terminated string attribute.
    pub fn put_str(&self, ty: u16, s: &str) -> Result {
        let len = c_int::try_from(s.len() + 1).map_err(|_| emsgsize())?;
        // SAFETY: a valid message buffer (invariant); `nla_reserve` returns room for `len`
        // payload bytes or null.
        let nla = unsafe { bindings::nla_reserve(self.skb(), ty.into(), len) };
        if nla.is_null() {
            return Err(emsgsize());
        }
        // SAFETY: the reserved payload has `s.len() + 1` writable bytes.
        unsafe {
            let data = nla.cast::<u8>().add(NLA_HDRLEN);
            core::ptr::copy_nonoverlapping(s.as_ptr(), data, s.len());
            *data.add(s.len()) = 0;
        }
        Ok(())
    }
    /// Opens a nested attribute.
    pub fn nest_start(&self, ty: u16) -> Result<Nest<'_>> {
        // SAFETY: a valid message buffer (invariant).
        let attr = unsafe { bindings::vsw_nla_nest_start(self.skb(), ty.into()) };
        if attr.is_null() {
            return Err(emsgsize());
        }
        // INVARIANT: opened on our skb just now.
        Ok(Nest { attr, skb: self.skb(), _w: PhantomData })
    }
    /// Closes a nested attribute opened on this writer (one opened on another is ignored).
    pub fn nest_end(&self, nest: Nest<'_>) {
        if nest.skb != self.skb() {
            return;
        }
        // SAFETY: `nest` was opened on this skb (checked), which is valid (invariant); what
        // was written since stays in the buffer (the writer only appends).
        unsafe { bindings::vsw_nla_nest_end(self.skb(), nest.attr) }
    }
}

/// A netlink message the module owns (a reply or an event): freed on drop unless sent. Fill
/// it through its [`Writer`] (`Deref`).
///
/// # Invariants
/// `skb` is a netlink skb owned by this value; `hdr` is its generic netlink header.
pub struct Msg {
    skb: NonNull<bindings::sk_buff>,
    hdr: NonNull<c_void>,
}

impl Msg {
    /// Allocates a message with room for `size` bytes of payload (0: the default size) and
    /// writes its header with `put_hdr` (null if it did not fit).
    fn new(size: usize, put_hdr: impl FnOnce(*mut bindings::sk_buff) -> *mut c_void) -> Result<Msg> {
        // SAFETY: allocating a new skb has no preconditions.
        let skb = NonNull::new(unsafe { bindings::vsw_genlmsg_new(size) }).ok_or(ENOMEM)?;
        let Some(hdr) = NonNull::new(put_hdr(skb.as_ptr())) else {
            // SAFETY: the new skb is ours and unused.
            unsafe { bindings::vsw_nlmsg_free(skb.as_ptr()) };
            return Err(emsgsize());
        };
        // INVARIANT: the new message owns `skb`, whose header is `hdr`.
        Ok(Msg { skb, hdr })
    }

    /// Ends the message and gives its skb up (to a send function that consumes it).
    fn finish(self) -> *mut bindings::sk_buff {
        let skb = self.skb.as_ptr();
        // SAFETY: `skb` holds a complete message whose header is `hdr` (invariant).
        unsafe { bindings::vsw_genlmsg_end(skb, self.hdr.as_ptr()) };
        core::mem::forget(self);
        skb
    }
}

impl core::ops::Deref for Msg {
    type Target = Writer;
    fn deref(&self) -> &Writer {
        // SAFETY: our skb (invariant), written only through this borrow.
        unsafe { Writer::from_raw(self.skb.as_ptr()) }
    }
}

impl Drop for Msg {
    fn drop(&mut self) {
        // SAFETY: we own `skb` (invariant) and nobody else frees it.
        unsafe { bindings::vsw_nlmsg_free(self.skb.as_ptr()) }
    }
}

/// A dump in progress: [`Family::dumpit`] adds entries with [`Dump::entry`] until one does not
/// fit, remembering where it stopped in [`Dump::cursor`]; it is called again for the rest.
///
/// # Invariants
/// `skb` and `cb` are the valid pointers of the current `dumpit` callback.
pub struct Dump<'a> {
    skb: *mut bindings::sk_buff,
    cb: *mut bindings::netlink_callback,
    _p: PhantomData<&'a ()>,
}

impl<'a> Dump<'a> {
    /// The command being dumped.
    pub fn cmd(&self) -> u8 {
        // SAFETY: `cb` is valid (invariant).
        unsafe { (*dumpit_info(self.cb)).op.cmd }
    }
    /// A request attribute (validated against the policy).
    pub fn attr(&self, ty: u16) -> Option<Attr<'a>> {
        // SAFETY: `cb` is valid (invariant); the attribute array has `op.maxattr + 1` entries
        // (checked bound), or is null.
        let ptr = unsafe {
            let info = &*dumpit_info(self.cb);
            let attrs = info.info.attrs;
            if attrs.is_null() || u32::from(ty) > info.op.maxattr {
                core::ptr::null_mut()
            } else {
                *attrs.add(usize::from(ty))
            }
        };
        // INVARIANT: a validated attribute of the dump request, alive for the dump.
        (!ptr.is_null()).then_some(Attr { ptr, _p: PhantomData })
    }
    /// The requester's network namespace.
    pub fn net(&self) -> crate::net::Net<'a> {
        // SAFETY: `cb` is valid; the socket's namespace outlives the dump.
        unsafe { crate::net::Net::from_raw(bindings::vsw_dump_net(self.cb)) }
    }
    /// Position saved between calls (0 on the first call).
    pub fn cursor(&self) -> usize {
        // SAFETY: `cb->args` has 6 longs (invariant: valid `cb`).
        unsafe { *(*self.cb).__bindgen_anon_1.args.as_mut_ptr() as usize }
    }
    /// Saves the position for the next call.
    pub fn set_cursor(&mut self, v: usize) {
        // SAFETY: as in `cursor`.
        unsafe { *(*self.cb).__bindgen_anon_1.args.as_mut_ptr() = v as _ };
    }
    /// A two-part position saved between calls ((0, 0) on the first call).
    pub fn cursor2(&self) -> (usize, usize) {
        // SAFETY: `cb->args` has 6 longs (invariant: valid `cb`).
        unsafe {
            let a = (*self.cb).__bindgen_anon_1.args.as_mut_ptr();
            (*a as usize, *a.add(1) as usize)
        }
    }
    /// Saves a two-part position for the next call.
    pub fn set_cursor2(&mut self, a: usize, b: usize) {
        // SAFETY: as in `cursor2`.
        unsafe {
            let p = (*self.cb).__bindgen_anon_1.args.as_mut_ptr();
            *p = a as _;
            *p.add(1) = b as _;
        }
    }
    /// Adds one entry (message `cmd`) filled by `fill`. `Ok(false)` if it did not fit (the
    /// partial entry is removed): stop and let the next call continue from the cursor.
    pub fn entry(&mut self, cmd: u8, fill: impl FnOnce(&Writer) -> Result) -> Result<bool> {
        // SAFETY: `skb`/`cb` are valid (invariant); the family is the dump's.
        let hdr = unsafe {
            // `NETLINK_CB(cb->skb).portid`: the requester, from the request skb's control block.
            let parms = (*(*self.cb).skb).cb.as_ptr().cast::<bindings::netlink_skb_parms>();
            let seq = (*(*self.cb).nlh).nlmsg_seq;
            let family = (*dumpit_info(self.cb)).info.family;
            bindings::genlmsg_put(self.skb, (*parms).portid, seq, family, bindings::NLM_F_MULTI as _, cmd)
        };
        if hdr.is_null() {
            return Ok(false);
        }
        // SAFETY: the dump's skb, valid for the callback and written only through `w` now.
        let w = unsafe { Writer::from_raw(self.skb) };
        match fill(w) {
            Ok(()) => {
                // SAFETY: `hdr` starts the message just filled in our skb.
                unsafe { bindings::vsw_genlmsg_end(self.skb, hdr) };
                Ok(true)
            }
            Err(e) => {
                // SAFETY: removes the partial message starting at `hdr`.
                unsafe { bindings::vsw_genlmsg_cancel(self.skb, hdr) };
                if e == emsgsize() {
                    Ok(false)
                } else {
                    Err(e)
                }
            }
        }
    }
}

/// Trampoline for `genl_small_ops.dumpit`.
///
/// # Safety
/// Called by the generic netlink core with valid `skb` and `cb` of a dump of family `F`.
unsafe extern "C" fn dumpit_tramp<F: Family>(
    skb: *mut bindings::sk_buff,
    cb: *mut bindings::netlink_callback,
) -> c_int {
    // INVARIANT: valid pointers for the callback's duration (function contract).
    let mut dump = Dump { skb, cb, _p: PhantomData };
    let Some(f) = op_of::<F>(dump.cmd()).and_then(|o| o.dumpit) else {
        return crate::errno::eopnotsupp().to_errno();
    };
    match f(&mut dump) {
        // SAFETY: `skb` is valid. A non-zero length asks the core to call again; an empty
        // message ends the dump.
        Ok(()) => unsafe { (*skb).len as c_int },
        Err(e) => e.to_errno(),
    }
}

/// Trampoline for `genl_small_ops.doit`.
///
/// # Safety
/// Called by the generic netlink core with valid `skb` and `info` of a request to family `F`.
unsafe extern "C" fn doit_tramp<F: Family>(
    _skb: *mut bindings::sk_buff,
    info: *mut bindings::genl_info,
) -> c_int {
    // SAFETY: `info` is valid during the callback (function contract).
    let family = unsafe { (*info).family };
    // INVARIANT: the pointers come from the core and are valid for the callback's duration.
    let req = Request { info, family, _p: PhantomData };
    let r = match op_of::<F>(req.cmd()) {
        Some(Op { doit: Some(f), .. }) => f(&req),
        Some(_) => Err(req.fail(EINVAL, kernel::c_str!("this command is a dump: set NLM_F_DUMP"))),
        None => Err(crate::errno::eopnotsupp()),
    };
    match r {
        Ok(()) => 0,
        Err(e) => e.to_errno(),
    }
}

struct Inner {
    family: Opaque<bindings::genl_family>,
    ops: KVec<bindings::genl_small_ops>,
    mcgrps: KVec<bindings::genl_multicast_group>,
}

/// The registered family that [`event`] and [`multicast`] use (one family per module). Set
/// and cleared under RTNL, and only read under RTNL (events are sent only from RTNL sections),
/// so no event is built with a family that is being unregistered.
static EVENT_FAMILY: core::sync::atomic::AtomicPtr<bindings::genl_family> =
    core::sync::atomic::AtomicPtr::new(core::ptr::null_mut());

/// Starts an event message (command `cmd`) for the family's first multicast group.
pub fn event(_rtnl: Held<'_>, cmd: u8) -> Result<Msg> {
    let family = EVENT_FAMILY.load(core::sync::atomic::Ordering::Acquire);
    if family.is_null() {
        return Err(ENODEV);
    }
    // SAFETY: `family` is registered: it is cleared under RTNL (held) before unregistering.
    Msg::new(0, |skb| unsafe { bindings::genlmsg_put(skb, 0, 0, family, 0, cmd) })
}

/// Sends an event built with [`event`] to listeners of the first multicast group in network
/// namespace `net` only. Having no listener is not an error.
pub fn multicast(_rtnl: Held<'_>, net: Net<'_>, msg: Msg) -> Result {
    let family = EVENT_FAMILY.load(core::sync::atomic::Ordering::Acquire);
    if family.is_null() {
        return Err(ENODEV);
    }
    let skb = msg.finish();
    // SAFETY: consumes `skb` (given up by `finish`); `family` is registered (RTNL held, see `EVENT_FAMILY`); `net`
    // is valid (Net invariant).
    let ret = unsafe { bindings::vsw_genlmsg_multicast_netns(family, net.as_ptr(), skb) };
    if ret < 0 && ret != -(bindings::ESRCH as i32) {
        return Err(Error::from_errno(ret));
    }
    Ok(())
}

/// A registered generic netlink family; unregistered on drop.
///
/// # Invariants
/// `inner.family` is registered with the generic netlink core, and `inner` (with the ops
/// array the family points to) stays at the same address until drop unregisters it.
pub struct Registration<F: Family> {
    inner: KBox<Inner>,
    _f: PhantomData<F>,
}

// SAFETY: after registration the family is only accessed by the generic netlink core, which
// does its own locking; `Registration` itself only unregisters on drop.
unsafe impl<F: Family> Send for Registration<F> {}
// SAFETY: `Registration` exposes no methods that touch the family through `&self`.
unsafe impl<F: Family> Sync for Registration<F> {}

impl<F: Family> Registration<F> {
    /// Registers family `F`, owned by `module`.
    pub fn register(module: &'static ThisModule) -> Result<Self> {
        let name = F::NAME.as_bytes();
        if name.is_empty() || name.len() >= bindings::GENL_NAMSIZ as usize {
            return Err(EINVAL);
        }
        if F::POLICY.is_empty() || F::OPS.is_empty() {
            return Err(EINVAL);
        }
        let mut ops = KVec::with_capacity(F::OPS.len(), GFP_KERNEL)?;
        for op in F::OPS {
            ops.push(
                bindings::genl_small_ops {
                    // Every command answers a request: a dump-only one with a message
                    // saying so.
                    doit: Some(doit_tramp::<F>),
                    dumpit: if op.dumpit.is_some() { Some(dumpit_tramp::<F>) } else { None },
                    cmd: op.cmd,
                    internal_flags: 0,
                    flags: bindings::GENL_UNS_ADMIN_PERM as u8,
                    validate: 0,
                },
                GFP_KERNEL,
            )?;
        }
        let mut mcgrps = KVec::with_capacity(F::MCGRPS.len(), GFP_KERNEL)?;
        for g in F::MCGRPS {
            if g.is_empty() || g.len() >= bindings::GENL_NAMSIZ as usize {
                return Err(EINVAL);
            }
            // SAFETY: all-zero is a valid `genl_multicast_group`.
            let mut grp: bindings::genl_multicast_group = unsafe { core::mem::zeroed() };
            for (i, b) in g.bytes().enumerate() {
                grp.name[i] = b;
            }
            grp.flags = 1; // GENL_MCAST_CAP_NET_ADMIN: listeners need CAP_NET_ADMIN
            mcgrps.push(grp, GFP_KERNEL)?;
        }
        // SAFETY: all-zero is the documented initial state of a `genl_family` (C users
        // declare it static, zero-initialised, and fill in the public fields).
        let family: bindings::genl_family = unsafe { core::mem::zeroed() };
        let inner = KBox::new(Inner { family: Opaque::new(family), ops, mcgrps }, GFP_KERNEL)?;
        let f = inner.family.get();
        // SAFETY: `f` points to our boxed, not yet registered family; nobody else sees it.
        unsafe {
            for (i, b) in name.iter().enumerate() {
                (*f).name[i] = *b;
            }
            (*f).version = F::VERSION.into();
            (*f).maxattr = (F::POLICY.len() - 1) as u32;
            (*f).set_netnsok(1);
            (*f).set_parallel_ops(0);
            (*f).resv_start_op = 0;
            (*f).policy = F::POLICY.as_ptr().cast();
            (*f).small_ops = inner.ops.as_ptr();
            (*f).n_small_ops = inner.ops.len() as u8;
            if !inner.mcgrps.is_empty() {
                (*f).mcgrps = inner.mcgrps.as_ptr();
                (*f).n_mcgrps = inner.mcgrps.len() as u8;
            }
            (*f).module = module.as_ptr().cast();
        }
        // SAFETY: the family is fully initialised and lives in `inner`, which outlives the
        // registration (dropped only after `genl_unregister_family` in `Drop`).
        let ret = unsafe { bindings::genl_register_family(f) };
        if ret < 0 {
            return Err(Error::from_errno(ret));
        }
        if !F::MCGRPS.is_empty() {
            let _rtnl = crate::sync::rtnl::Rtnl::lock();
            EVENT_FAMILY.store(f, core::sync::atomic::Ordering::Release);
        }
        // INVARIANT: registered above; `inner` is boxed and never moved out.
        Ok(Self { inner, _f: PhantomData })
    }
}

impl<F: Family> Drop for Registration<F> {
    fn drop(&mut self) {
        let f = self.inner.family.get();
        {
            // No event is being built or sent while RTNL is ours (see `EVENT_FAMILY`).
            let _rtnl = crate::sync::rtnl::Rtnl::lock();
            let _ = EVENT_FAMILY.compare_exchange(
                f,
                core::ptr::null_mut(),
                core::sync::atomic::Ordering::AcqRel,
                core::sync::atomic::Ordering::Relaxed,
            );
        }
        // SAFETY: the family is registered (type invariant). Unregistering waits for running
        // operations, after which the core no longer touches `inner`.
        unsafe { bindings::genl_unregister_family(f) };
    }
}
