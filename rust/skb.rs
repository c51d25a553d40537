// SPDX-License-Identifier: GPL-2.0
//! Owned socket buffers on the switch's fast path.

use super::bindings;
use super::netdev::NetDevRef;

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

    /// Destination and source Ethernet addresses.
    pub fn eth_addrs(&self) -> Option<(EthAddr, EthAddr)> {
        let mut dst = [0u8; 6];
        let mut src = [0u8; 6];
        // SAFETY: `self.0` is valid (invariant); the buffers hold 6 bytes each.
        let ret = unsafe { bindings::vsw_skb_eth_addrs(self.0, dst.as_mut_ptr(), src.as_mut_ptr()) };
        (ret == 0).then_some((dst, src))
    }

    /// The 802.1Q VLAN id carried by the frame, if tagged.
    pub fn vlan(&self) -> Option<u16> {
        // SAFETY: `self.0` is valid (invariant).
        unsafe {
            if bindings::vsw_skb_vlan_present(self.0) != 0 {
                Some(bindings::vsw_skb_vlan_id(self.0))
            } else {
                None
            }
        }
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
        // SAFETY: `self.0` is valid (invariant).
        unsafe { bindings::vsw_skb_len(self.0) }
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
    pub fn deliver_rx(self, dev: &NetDevRef<'_>) -> bool {
        let raw = self.into_raw();
        // SAFETY: we give up `raw`; `dev` is a valid device (NetDevRef invariant).
        unsafe { bindings::vsw_skb_deliver_rx(raw, dev.as_ptr()) == 0 }
    }

    /// Transmits the frame on `dev` (the uplink). `false` if it was dropped.
    /// Tags the frame for the `vswitch` qdisc: source port `id` (0: none) and its bandwidth
    /// `weight` (see `qdisc.rs`); kept in the qdisc's part of the control buffer.
    pub fn set_wfq_class(&mut self, id: u32, weight: u32) {
        // SAFETY: we own the skb; the helper writes 12 bytes of its control buffer.
        unsafe { bindings::vsw_skb_set_wfq_class(self.as_ptr(), id, weight) }
    }

    pub fn deliver_xmit(self, dev: &NetDevRef<'_>) -> bool {
        let raw = self.into_raw();
        // SAFETY: we give up `raw`; `dev` is a valid device (NetDevRef invariant).
        unsafe { bindings::vsw_skb_deliver_xmit(raw, dev.as_ptr()) == 0 }
    }
}

/// The fields ACL rules match on, read from a frame.
#[derive(Clone, Copy, Default)]
pub struct Flow {
    /// EtherType after any 802.1Q tag.
    pub ethertype: u16,
    /// 0 (not IP), 4 or 6.
    pub ip_ver: u8,
    /// IP protocol (IPv6: after extension headers).
    pub proto: u8,
    /// L4 ports (TCP, UDP, SCTP, UDP-Lite; first fragment only).
    pub ports: Option<(u16, u16)>,
    /// Source address (IPv4 in the first 4 bytes).
    pub src: [u8; 16],
    /// Destination address.
    pub dst: [u8; 16],
}

impl Skb {
    /// Reads the frame's EtherType and, as `depth` asks (1: IP header, 2: also L4 ports), its
    /// IP addresses, protocol and ports (copied out; the frame is not changed).
    pub fn flow(&self, depth: u32) -> Flow {
        // SAFETY: `vsw_flow` is plain data; all-zero is a valid value.
        let mut f: bindings::vsw_flow = unsafe { core::mem::zeroed() };
        // SAFETY: the skb is valid (invariant); `f` is a valid out pointer.
        unsafe { bindings::vsw_skb_flow(self.0, &mut f, depth as i32) };
        Flow {
            ethertype: f.ethertype,
            ip_ver: f.ip_ver,
            proto: f.proto,
            ports: (f.has_ports != 0).then_some((f.sport, f.dport)),
            src: f.src,
            dst: f.dst,
        }
    }
}

impl Drop for Skb {
    fn drop(&mut self) {
        // SAFETY: we own `self.0` (invariant).
        unsafe { bindings::vsw_skb_free(self.0) }
    }
}
