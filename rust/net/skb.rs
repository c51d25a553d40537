// SPDX-License-Identifier: GPL-2.0
//! Owned socket buffers on the switch's fast path.

use crate::bindings;
use crate::net::NetDevice;

/// The VID bits of a TCI.
const VLAN_VID_MASK: u16 = bindings::VLAN_VID_MASK as u16;

/// An Ethernet address.
pub type EthAddr = [u8; 6];

/// An owned `sk_buff` whose `data` points just after the Ethernet header (as on receive),
/// with the MAC header set and any 802.1Q tag in `vlan_tci` once normalised.
///
/// # Invariants
/// `0` is a valid, non-null skb owned by this value (freed on drop unless consumed).
pub struct Skb(*mut bindings::sk_buff);

// SAFETY: an skb may be handed between contexts/CPUs; we own it exclusively.
unsafe impl Send for Skb {}

impl Skb {
    /// Takes ownership of a transmitted skb and presents it as received.
    ///
    /// # Safety
    /// `skb` must be a valid skb owned by the caller (given up by this call), as passed to
    /// `ndo_start_xmit`.
    pub(crate) unsafe fn from_xmit(skb: *mut bindings::sk_buff) -> Option<Self> {
        // SAFETY: by the function contract; the helper frees `skb` on failure.
        let skb = unsafe { bindings::vsw_skb_from_xmit(skb) };
        // SAFETY: the helper returned a valid skb we own, or null.
        unsafe { Self::from_raw(skb) }.and_then(Skb::normalize)
    }

    /// Takes ownership of a received skb (data after the Ethernet header).
    ///
    /// # Safety
    /// `skb` must be null or a valid skb owned by the caller and given up by this call.
    pub(crate) unsafe fn from_raw(skb: *mut bindings::sk_buff) -> Option<Self> {
        if skb.is_null() {
            None
        } else {
            // INVARIANT: non-null and owned, by the function contract.
            Some(Skb(skb))
        }
    }

    /// Moves an in-band 802.1Q tag into the skb's VLAN field; `None` if the frame is bad
    /// (already freed).
    pub fn normalize(self) -> Option<Self> {
        let raw = self.into_raw();
        // SAFETY: we own `raw`; the helper returns it (possibly reallocated) or frees it.
        let skb = unsafe { bindings::vsw_skb_vlan_normalize(raw) };
        // SAFETY: the helper returned an skb we own, or null.
        unsafe { Self::from_raw(skb) }
    }

    pub(crate) fn as_ptr(&self) -> *mut bindings::sk_buff {
        self.0
    }

    pub(crate) fn into_raw(self) -> *mut bindings::sk_buff {
        let p = self.0;
        core::mem::forget(self);
        p
    }

    /// Tags the frame with `vid`, or untags it with `None`.
    pub fn set_vlan(&mut self, vid: Option<u16>) {
        // SAFETY: `self.0` is valid and owned by us (invariant).
        unsafe {
            match vid {
                Some(v) => bindings::vsw_skb_vlan_set(self.0, v),
                None => bindings::vsw_skb_vlan_clear(self.0),
            }
        }
    }

    /// Frame length including the Ethernet header.
    pub fn len(&self) -> u32 {
        // SAFETY: `self.0` is valid (invariant); we own the skb, so nobody changes it meanwhile.
        // `data` is past the Ethernet header (`mac_len` bytes) the switch pulled.
        unsafe { (*self.0).len + u32::from((*self.0).mac_len) }
    }

    /// Makes the skb exclusively ours (unshares a shared skb, e.g. from pktgen).
    pub fn unshare(self) -> Option<Self> {
        let raw = self.into_raw();
        // SAFETY: we own a reference to `raw`; the helper returns an unshared skb or frees it.
        let skb = unsafe { bindings::vsw_skb_share_check(raw) };
        // SAFETY: as above.
        unsafe { Self::from_raw(skb) }
    }

    /// A clone for one more destination (shares the data).
    pub fn try_clone(&self) -> Option<Self> {
        // SAFETY: `self.0` is valid (invariant); `skb_clone` returns a new skb or null.
        let c = unsafe { bindings::vsw_skb_clone(self.0) };
        // SAFETY: a new skb that we own, or null.
        unsafe { Self::from_raw(c) }
    }

    /// Hands the frame to `dev`'s receive path (a vPort). `false` if it was dropped.
    pub fn deliver_rx(self, dev: &NetDevice) -> bool {
        let raw = self.into_raw();
        // SAFETY: we give up `raw`; `dev` is a valid device (NetDevice invariant).
        unsafe { bindings::vsw_skb_deliver_rx(raw, dev.as_ptr()) == 0 }
    }

    /// Tags the frame for the `vswitch` qdisc: source port `id` (0: none) and its bandwidth
    /// `weight` (see `qdisc/packet.rs`); kept in the qdisc's part of the control buffer.
    pub fn set_wfq_class(&mut self, id: u32, weight: u32) {
        crate::net::qdisc::ClassTag { id, weight }.write(self);
    }

    /// Whether `dev` can take the frame: up, and no longer than its MTU (with a VLAN tag)
    /// unless GSO segments it (the bridge's check before it transmits). A tap does not
    /// hold a guest to its MTU, and some NICs hang on oversized frames.
    pub fn fits(&self, dev: &NetDevice) -> bool {
        // SAFETY: both valid (invariants); the check only reads them.
        unsafe { bindings::is_skb_forwardable(dev.as_ptr(), self.0) }
    }

    /// Transmits the frame on `dev` (the uplink, a dev port's device). `false` if it was
    /// dropped (congestion, `NET_XMIT_CN`, is not a drop of this frame).
    pub fn deliver_xmit(self, dev: &NetDevice) -> bool {
        let raw = self.into_raw();
        // SAFETY: we give up `raw`; `dev` is a valid device (NetDevice invariant).
        let ret = unsafe { bindings::vsw_skb_deliver_xmit(raw, dev.as_ptr()) };
        ret == 0 || ret == bindings::NET_XMIT_CN as i32
    }
}

/// Why the switch drops a frame, as the kernel's drop monitor and `perf` see it
/// (`enum skb_drop_reason`: the reasons that fit; the rest is "not specified", with the
/// switch's own counter telling which).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum DropReason {
    NotSpecified,
    /// A source MAC the port may not use (spoofing, group or zero address).
    MacInvalidSource,
    /// Too short for its headers.
    PktTooSmall,
    /// The destination device is down.
    DevReady,
    /// Longer than the destination device's MTU (and not GSO).
    PktTooBig,
}

impl DropReason {
    fn to_c(self) -> bindings::skb_drop_reason {
        match self {
            DropReason::NotSpecified => bindings::skb_drop_reason_SKB_DROP_REASON_NOT_SPECIFIED,
            DropReason::MacInvalidSource => bindings::skb_drop_reason_SKB_DROP_REASON_MAC_INVALID_SOURCE,
            DropReason::PktTooSmall => bindings::skb_drop_reason_SKB_DROP_REASON_PKT_TOO_SMALL,
            DropReason::DevReady => bindings::skb_drop_reason_SKB_DROP_REASON_DEV_READY,
            DropReason::PktTooBig => bindings::skb_drop_reason_SKB_DROP_REASON_PKT_TOO_BIG,
        }
    }
}

impl Skb {
    /// Copies `out.len()` bytes at offset `off` from the first byte of the Ethernet header
    /// into `out` (through `skb_header_pointer`: paged data too); false if the frame is
    /// shorter.
    pub fn read(&self, off: usize, out: &mut [u8]) -> bool {
        let (Ok(off), Ok(len)) = (i32::try_from(off), i32::try_from(out.len())) else { return false };
        // SAFETY: the skb is valid (invariant); `out` has room for `len` bytes; the helper
        // returns a pointer to `len` readable bytes (in the skb or in `out`) or null.
        unsafe {
            let p = bindings::vsw_skb_mac_read(self.0, off, len, out.as_mut_ptr().cast());
            if p.is_null() {
                return false;
            }
            if p.cast::<u8>() != out.as_mut_ptr() {
                core::ptr::copy_nonoverlapping(p.cast::<u8>(), out.as_mut_ptr(), out.len());
            }
        }
        true
    }

    /// The VLAN tag the sender's stack or the NIC moved out of the frame: (TPID, VID).
    pub fn offloaded_tag(&self) -> Option<(u16, u16)> {
        // SAFETY: the skb is valid (invariant).
        let all = unsafe { bindings::vsw_skb_vlan_all(self.0) };
        // `vlan_all` overlays { __be16 vlan_proto; u16 vlan_tci }; 0: no tag (skb_vlan_tag_present).
        let b = all.to_ne_bytes();
        (all != 0).then(|| (u16::from_be_bytes([b[0], b[1]]), u16::from_ne_bytes([b[2], b[3]]) & VLAN_VID_MASK))
    }

    /// Frees the frame, telling the drop monitor why.
    pub fn drop_with(self, reason: DropReason) {
        let raw = self.into_raw();
        // SAFETY: we give up our skb; a null socket is allowed.
        unsafe { bindings::sk_skb_reason_drop(core::ptr::null_mut(), raw, reason.to_c()) };
    }
}

impl Drop for Skb {
    fn drop(&mut self) {
        // SAFETY: we own `self.0` (invariant).
        unsafe { bindings::vsw_skb_free(self.0) }
    }
}
