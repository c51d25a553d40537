// SPDX-License-Identifier: GPL-2.0
//! 802.1Q VLAN sets and per-port VLAN modes (access / trunk): the pure decisions of which
//! VLAN a frame belongs to when it enters the switch and how it leaves it.
//!
//! Pure logic: depends only on `core`, so the same file is compiled into `vswitch.ko` and into
//! the host test crate (`vswitch/host`).
//!
//! # Semantics
//!
//! VLAN ids 1..=4094 are usable. VID 0 on the wire means "priority tagged" and is treated
//! as untagged; VID 4095 is reserved and a frame carrying it is malformed.
//!
//! Ingress ([`VlanMode::ingress`], a frame entering the switch from the port; `tag` is the
//! VID of its 802.1Q header, `None` if it has none):
//!
//! | mode   | untagged / VID 0           | VID == pvid / native | VID in allowed | other VID      | VID >= 4095 |
//! |--------|----------------------------|----------------------|----------------|----------------|-------------|
//! | access | `Ok(pvid)`                 | `Ok(pvid)`           | -              | VlanNotAllowed | Malformed   |
//! | trunk  | `Ok(native)` or NotAllowed | `Ok(native)`         | `Ok(vid)`      | VlanNotAllowed | Malformed   |
//!
//! Egress ([`VlanMode::egress`], a frame of VLAN `vid` leaving the switch through the port):
//!
//! | mode   | vid == pvid / native | vid in allowed | other  |
//! |--------|----------------------|----------------|--------|
//! | access | `Untagged`           | -              | `Drop` |
//! | trunk  | `Untagged`           | `Tagged(vid)`  | `Drop` |
//!
//! On a trunk the native VLAN is always sent untagged, even if it is also in `allowed`.
#![allow(dead_code, unreachable_pub)]

use crate::uapi::VLAN_BITMAP_LEN;
use core::fmt;

/// Lowest usable VLAN id.
pub const VID_MIN: u16 = 1;
/// Highest usable VLAN id (4095 is reserved).
pub const VID_MAX: u16 = 4094;

/// Why a VLAN id, list, bitmap or mode was rejected.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum VlanError {
    /// A VLAN id outside 1..=4094.
    OutOfRange,
    /// A VLAN list that is not of the form `10,20,30-40`.
    BadList,
    /// A range `a-b` with `a > b`.
    ReversedRange,
    /// A VLAN bitmap that is not exactly `uapi::VLAN_BITMAP_LEN` bytes long.
    BitmapLength,
    /// A VLAN bitmap with bit 0 or bit 4095 set.
    BitmapReserved,
}

impl VlanError {
    /// A user-facing description of the error.
    pub fn message(&self) -> &'static str {
        match self {
            VlanError::OutOfRange => "VLAN id must be in 1..4094",
            VlanError::BadList => "bad VLAN list: expected e.g. 10,20,30-40",
            VlanError::ReversedRange => "bad VLAN range: the first id must not exceed the last",
            VlanError::BitmapLength => "VLAN bitmap must be exactly 512 bytes",
            VlanError::BitmapReserved => "VLAN bitmap must not contain VLAN 0 or 4095",
        }
    }
}

impl fmt::Display for VlanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

/// Returns `vid` if it is a usable VLAN id (1..=4094).
pub fn check_vid(vid: u16) -> Result<u16, VlanError> {
    if (VID_MIN..=VID_MAX).contains(&vid) {
        Ok(vid)
    } else {
        Err(VlanError::OutOfRange)
    }
}

/// Number of `u64` words of a [`VlanSet`] (4096 bits).
const WORDS: usize = 64;

/// A set of VLAN ids; only 1..=4094 can be members.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct VlanSet {
    /// Bit `v % 64` of word `v / 64` is set when VLAN `v` is a member.
    bits: [u64; WORDS],
}

impl Default for VlanSet {
    fn default() -> Self {
        Self::new()
    }
}

/// Parses a decimal VLAN id: ASCII digits only (no sign, no whitespace), 1..=4094.
fn parse_vid(s: &str) -> Result<u16, VlanError> {
    if s.is_empty() {
        return Err(VlanError::BadList);
    }
    let mut v: u32 = 0;
    for c in s.bytes() {
        if !c.is_ascii_digit() {
            return Err(VlanError::BadList);
        }
        v = v.saturating_mul(10).saturating_add(u32::from(c - b'0'));
    }
    check_vid(u16::try_from(v).unwrap_or(u16::MAX))
}

impl VlanSet {
    /// The empty set.
    pub const fn new() -> Self {
        VlanSet { bits: [0; WORDS] }
    }

    /// The set of all usable VLANs, 1..=4094.
    pub fn all() -> Self {
        let mut s = VlanSet {
            bits: [u64::MAX; WORDS],
        };
        s.remove(0);
        s.remove(4095);
        s
    }

    /// True if `vid` is a member (always false outside 1..=4094).
    pub fn contains(&self, vid: u16) -> bool {
        let vid = usize::from(vid);
        match self.bits.get(vid / 64) {
            Some(w) => w & (1u64 << (vid % 64)) != 0,
            None => false,
        }
    }

    /// Adds `vid`; fails (set unchanged) if it is outside 1..=4094.
    pub fn insert(&mut self, vid: u16) -> Result<(), VlanError> {
        let vid = usize::from(check_vid(vid)?);
        if let Some(w) = self.bits.get_mut(vid / 64) {
            *w |= 1u64 << (vid % 64);
        }
        Ok(())
    }

    /// Removes `vid` (no-op if it is not a member or out of range).
    pub fn remove(&mut self, vid: u16) {
        let vid = usize::from(vid);
        if let Some(w) = self.bits.get_mut(vid / 64) {
            *w &= !(1u64 << (vid % 64));
        }
    }

    /// Number of members.
    pub fn len(&self) -> usize {
        self.bits.iter().map(|w| w.count_ones() as usize).sum()
    }

    /// True if the set has no members.
    pub fn is_empty(&self) -> bool {
        self.bits.iter().all(|w| *w == 0)
    }

    /// The members in ascending order.
    pub fn iter(&self) -> impl Iterator<Item = u16> + '_ {
        self.bits.iter().enumerate().flat_map(|(i, &w)| {
            let mut rest = w;
            core::iter::from_fn(move || {
                if rest == 0 {
                    return None;
                }
                let bit = rest.trailing_zeros();
                rest &= rest - 1;
                // i < 64 and bit < 64, so the id is < 4096 and fits.
                Some((i as u16) * 64 + bit as u16)
            })
        })
    }

    /// The set described by a `uapi::attr::VLANS` bitmap: exactly `VLAN_BITMAP_LEN` (512)
    /// bytes, VLAN `v` is bit `v % 8` (LSB first) of byte `v / 8`. Bits 0 and 4095 must be
    /// clear.
    pub fn from_bitmap(bitmap: &[u8]) -> Result<Self, VlanError> {
        if bitmap.len() != VLAN_BITMAP_LEN {
            return Err(VlanError::BitmapLength);
        }
        let mut s = VlanSet::new();
        for (i, &byte) in bitmap.iter().enumerate() {
            if let Some(w) = s.bits.get_mut(i / 8) {
                *w |= u64::from(byte) << ((i % 8) * 8);
            }
        }
        if s.contains_raw(0) || s.contains_raw(4095) {
            return Err(VlanError::BitmapReserved);
        }
        Ok(s)
    }

    /// The set as a `uapi::attr::VLANS` bitmap (see [`VlanSet::from_bitmap`]).
    pub fn to_bitmap(&self) -> [u8; VLAN_BITMAP_LEN] {
        let mut out = [0u8; VLAN_BITMAP_LEN];
        for (i, byte) in out.iter_mut().enumerate() {
            if let Some(w) = self.bits.get(i / 8) {
                *byte = (w >> ((i % 8) * 8)) as u8;
            }
        }
        out
    }

    /// Bit `v` of the raw bitmap, including the reserved ids 0 and 4095.
    fn contains_raw(&self, vid: usize) -> bool {
        self.bits
            .get(vid / 64)
            .is_some_and(|w| w & (1u64 << (vid % 64)) != 0)
    }

    /// Parses a VLAN list such as `10,20,30-40`: comma-separated ids or inclusive ranges
    /// `a-b` (`a <= b`), no whitespace, every id in 1..=4094. Overlaps and repeats are
    /// allowed (`1-10,5-20` is 1..=20). The empty string and empty items are rejected.
    pub fn parse(s: &str) -> Result<Self, VlanError> {
        if s.is_empty() {
            return Err(VlanError::BadList);
        }
        let mut set = VlanSet::new();
        for item in s.split(',') {
            let (lo, hi) = match item.split_once('-') {
                Some((a, b)) => (parse_vid(a)?, parse_vid(b)?),
                None => {
                    let v = parse_vid(item)?;
                    (v, v)
                }
            };
            if lo > hi {
                return Err(VlanError::ReversedRange);
            }
            for v in lo..=hi {
                set.insert(v)?;
            }
        }
        Ok(set)
    }

    /// Writes the set in the compact list form accepted by [`VlanSet::parse`], e.g.
    /// `10,20,30-40`: ascending, runs of two or more consecutive ids as `a-b`. The empty set
    /// writes nothing.
    pub fn write_list<W: fmt::Write>(&self, w: &mut W) -> fmt::Result {
        let mut run: Option<(u16, u16)> = None;
        let mut first = true;
        let mut emit = |w: &mut W, (a, b): (u16, u16)| -> fmt::Result {
            if !first {
                w.write_char(',')?;
            }
            first = false;
            if a == b {
                write!(w, "{a}")
            } else {
                write!(w, "{a}-{b}")
            }
        };
        for v in self.iter() {
            run = match run {
                Some((a, b)) if b + 1 == v => Some((a, v)),
                Some(r) => {
                    emit(w, r)?;
                    Some((v, v))
                }
                None => Some((v, v)),
            };
        }
        if let Some(r) = run {
            emit(w, r)?;
        }
        Ok(())
    }
}

/// Why a frame is dropped at ingress.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Drop {
    /// The frame's VLAN is not allowed on the port (count as `stats::DROP_VLAN`).
    VlanNotAllowed,
    /// The frame's VLAN header is invalid, e.g. VID 4095 (count as `stats::DROP_MALFORMED`).
    Malformed,
    /// The frame carries tags the port may not send: a tag on an access port (other than a
    /// priority tag), an S-tag, or a second tag (VLAN hopping; `stats::DROP_VLAN_TAG`).
    BadTag,
}

/// The 802.1Q (C-tag) TPID; every other TPID (802.1ad S-tags) is refused at ingress.
pub const TPID_8021Q: u16 = 0x8100;

/// What to do with a frame of some VLAN leaving the switch through a port.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Egress {
    /// Send it without an 802.1Q header.
    Untagged,
    /// Send it with an 802.1Q header carrying this VID.
    Tagged(u16),
    /// Do not send it on this port.
    Drop,
}

/// The VLAN configuration of a port (see the module documentation for the exact rules).
// `Trunk` is ~520 bytes (the 4096-bit set) and `Access` 2; boxing would need `alloc`, and one
// VlanMode per port is cheap enough, so the size difference is accepted.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum VlanMode {
    /// Member of exactly one VLAN, `pvid`; frames are sent untagged.
    Access {
        /// The port VLAN, 1..=4094.
        pvid: u16,
    },
    /// Member of the VLANs in `allowed` (sent tagged) and of `native` (sent untagged).
    Trunk {
        /// VLANs carried tagged.
        allowed: VlanSet,
        /// VLAN of untagged frames, `None` = untagged frames are dropped. The UAPI value 0
        /// (`attr::NATIVE`) maps to `None`; `Some(0)` is invalid.
        native: Option<u16>,
    },
}

impl VlanMode {
    /// The default of a vPort: access port in VLAN 1.
    pub fn default_access() -> Self {
        VlanMode::Access { pvid: 1 }
    }

    /// The uplink's fixed semantics: a trunk carrying every VLAN tagged, VLAN 1 untagged.
    pub fn uplink_default() -> Self {
        VlanMode::Trunk {
            allowed: VlanSet::all(),
            native: Some(1),
        }
    }

    /// Checks that the mode is consistent: `pvid` and `native` (if set) in 1..=4094.
    /// (`allowed` can never contain 0 or 4095.)
    pub fn validate(&self) -> Result<(), VlanError> {
        match self {
            VlanMode::Access { pvid } => check_vid(*pvid).map(|_| ()),
            VlanMode::Trunk { native, .. } => match native {
                Some(n) => check_vid(*n).map(|_| ()),
                None => Ok(()),
            },
        }
    }

    /// True if the port is a member of VLAN `vid` (access: the pvid; trunk: allowed or
    /// native).
    pub fn allows(&self, vid: u16) -> bool {
        if check_vid(vid).is_err() {
            return false;
        }
        match self {
            VlanMode::Access { pvid } => *pvid == vid,
            VlanMode::Trunk { allowed, native } => allowed.contains(vid) || *native == Some(vid),
        }
    }

    /// The VLAN a frame entering through this port belongs to, from what is really in the
    /// frame: `tag` is its outermost tag (TPID, VID), `more` whether another tag follows.
    /// A frame may carry at most one tag, an 802.1Q one: an access port accepts untagged and
    /// priority-tagged (VID 0) frames, a trunk port its allowed VIDs tagged and its native
    /// VLAN untagged (or priority-tagged).
    pub fn ingress(&self, tag: Option<(u16, u16)>, more: bool) -> Result<u16, Drop> {
        if more {
            return Err(Drop::BadTag);
        }
        let vid = match tag {
            None => None,
            Some((TPID_8021Q, v)) => Some(v),
            Some(_) => return Err(Drop::BadTag),
        };
        let vid = match vid {
            Some(0) | None => None,
            Some(v) if v > VID_MAX => return Err(Drop::Malformed),
            Some(v) => Some(v),
        };
        match (self, vid) {
            (VlanMode::Access { pvid }, None) => Ok(*pvid),
            (VlanMode::Access { .. }, Some(_)) => Err(Drop::BadTag),
            (VlanMode::Trunk { native, .. }, None) => native.ok_or(Drop::VlanNotAllowed),
            (VlanMode::Trunk { allowed, native }, Some(v)) => {
                if allowed.contains(v) || *native == Some(v) {
                    Ok(v)
                } else {
                    Err(Drop::VlanNotAllowed)
                }
            }
        }
    }

    /// How a frame of VLAN `vid` leaves the switch through this port.
    pub fn egress(&self, vid: u16) -> Egress {
        if check_vid(vid).is_err() {
            return Egress::Drop;
        }
        match self {
            VlanMode::Access { pvid } if *pvid == vid => Egress::Untagged,
            VlanMode::Access { .. } => Egress::Drop,
            VlanMode::Trunk { native, .. } if *native == Some(vid) => Egress::Untagged,
            VlanMode::Trunk { allowed, .. } if allowed.contains(vid) => Egress::Tagged(vid),
            VlanMode::Trunk { .. } => Egress::Drop,
        }
    }
}
