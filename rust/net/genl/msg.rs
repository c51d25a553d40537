// SPDX-License-Identifier: GPL-2.0
//! Building messages: the attribute writer, owned messages (replies, events), dumps.

#[allow(unused_imports)]
use super::*;
use super::request::NLA_HDRLEN;

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
    pub(super) fn new(size: usize, put_hdr: impl FnOnce(*mut bindings::sk_buff) -> *mut c_void) -> Result<Msg> {
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
    pub(super) fn finish(self) -> *mut bindings::sk_buff {
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
    pub(super) skb: *mut bindings::sk_buff,
    pub(super) cb: *mut bindings::netlink_callback,
    pub(super) _p: PhantomData<&'a ()>,
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
