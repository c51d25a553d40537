// SPDX-License-Identifier: GPL-2.0
//! A request being handled and its attributes.

#[allow(unused_imports)]
use super::*;

/// Size of a netlink attribute header (`NLA_HDRLEN`).
pub(super) const NLA_HDRLEN: usize = core::mem::size_of::<bindings::nlattr>();

/// Attribute `ty` of a request (null if absent or beyond the family's `maxattr`).
///
/// # Safety
/// `info` must be a valid `genl_info` of a request being handled.
pub(super) unsafe fn attr_of(info: *mut bindings::genl_info, ty: u16) -> *mut bindings::nlattr {
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
pub(super) unsafe fn set_extack(info: *mut bindings::genl_info, msg: &'static CStr, bad: *const bindings::nlattr) {
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
pub(super) unsafe fn dumpit_info(cb: *mut bindings::netlink_callback) -> *const bindings::genl_dumpit_info {
    // SAFETY: by the function contract.
    unsafe { (*cb).data.cast_const().cast() }
}

/// An attribute of a request, valid while the request is.
///
/// # Invariants
/// `ptr` points to a valid `nlattr` in the request's skb, already validated against the
/// family's policy, for the lifetime `'a`.
pub struct Attr<'a> {
    pub(super) ptr: *const bindings::nlattr,
    pub(super) _p: PhantomData<&'a ()>,
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
    pub(super) info: *mut bindings::genl_info,
    pub(super) family: *const bindings::genl_family,
    pub(super) _p: PhantomData<&'a ()>,
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
