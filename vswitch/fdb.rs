// SPDX-License-Identifier: GPL-2.0
//! Forwarding database (FDB) decisions: hashing, learning, ageing and forwarding. The table
//! itself (locking, storage, timers) lives in the kernel side; this file only decides.
//!
//! Pure logic: depends only on `core`, so the same file is compiled into `vswitch.ko` and into
//! the host test crate (`vswitch/host`).
//!
//! Times are in any monotonic `u64` unit (in the kernel: 64-bit jiffies, `get_jiffies_64()`)
//! and are compared wrap-safely, like `time_after()`.
#![allow(dead_code, unreachable_pub)]

use crate::mac::Mac;

/// Largest supported `nbuckets_log2` of [`bucket`]; larger values are clamped to it.
pub const BUCKETS_LOG2_MAX: u32 = 31;

/// The hash bucket of the key (`mac`, `vid`) in a table of `1 << nbuckets_log2` buckets
/// (`nbuckets_log2` is clamped to [`BUCKETS_LOG2_MAX`]; 0 means a single bucket).
///
/// The 48-bit address and the 12-bit VID are packed into one `u64`, mixed with the
/// MurmurHash3 64-bit finalizer (every input bit affects every output bit, so sequential
/// MACs spread evenly) and the top `nbuckets_log2` bits are used.
pub fn bucket(mac: &Mac, vid: u16, nbuckets_log2: u32) -> usize {
    let bits = if nbuckets_log2 > BUCKETS_LOG2_MAX {
        BUCKETS_LOG2_MAX
    } else {
        nbuckets_log2
    };
    if bits == 0 {
        return 0;
    }
    let m = mac.0;
    let mut k =
        u64::from_be_bytes([0, 0, m[0], m[1], m[2], m[3], m[4], m[5]]) ^ (u64::from(vid) << 48);
    k ^= k >> 33;
    k = k.wrapping_mul(0xff51_afd7_ed55_8ccd);
    k ^= k >> 33;
    k = k.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    k ^= k >> 33;
    // bits is in 1..=31, so the result fits in a u32 and thus in usize.
    (k >> (64 - bits)) as usize
}

/// An FDB entry as the decisions need it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Entry {
    /// Opaque id of the port the address is behind.
    pub port: u32,
    /// Configured by the user (`FDB_NEW`): never learned over, moved or aged.
    pub is_static: bool,
    /// When the entry was created or last refreshed (monotonic time).
    pub updated: u64,
}

/// What to do with the source address of a received frame.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Learn {
    /// Nothing (group or zero source, or a static entry).
    Ignore,
    /// Set the entry's `updated` to now.
    Refresh,
    /// The address moved: set the entry's port to `to` and `updated` to now.
    Move {
        /// The port the frame was received on.
        to: u32,
    },
    /// Add a dynamic entry on the receiving port.
    Insert,
    /// Not learned because the FDB is full (count as `stats::LEARN_REFUSED`).
    Refuse,
}

/// Learning decision for source address `src` received on `src_port`, given the existing
/// entry for (`src`, VLAN) if any and the table's current size `count` and limit `max`.
///
/// - `src` multicast/broadcast or zero: `Ignore`.
/// - no entry: `Insert` if `count < max`, else `Refuse` (so `max == 0` learns nothing).
/// - entry on `src_port`: dynamic `Refresh`, static `Ignore` (static entries never age).
/// - entry on another port: dynamic `Move { to: src_port }`, static `Ignore` (learning
///   never moves a static entry).
pub fn learn(src: &Mac, existing: Option<&Entry>, src_port: u32, count: u32, max: u32) -> Learn {
    if !src.is_valid_unicast() {
        return Learn::Ignore;
    }
    match existing {
        None if count < max => Learn::Insert,
        None => Learn::Refuse,
        Some(e) if e.is_static => Learn::Ignore,
        Some(e) if e.port == src_port => Learn::Refresh,
        Some(_) => Learn::Move { to: src_port },
    }
}

/// Time since `e` was last refreshed: `now - e.updated`, wrap-safe. An `updated` slightly
/// after `now` (set concurrently on another CPU) counts as age 0.
pub fn age(e: &Entry, now: u64) -> u64 {
    let d = now.wrapping_sub(e.updated);
    // Like time_after(): a difference with the top bit set is "in the future".
    if d > i64::MAX as u64 {
        0
    } else {
        d
    }
}

/// True if the entry should be removed at `now` with ageing time `ageing` (same unit).
/// Static entries never expire; `ageing == 0` disables ageing. Otherwise the entry expires
/// once its [`age`] reaches `ageing`.
pub fn expired(e: &Entry, now: u64, ageing: u64) -> bool {
    !e.is_static && ageing != 0 && age(e, now) >= ageing
}

/// Where to send a frame.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Dest {
    /// Only to this port.
    Port(u32),
    /// To every port of the VLAN except the one it came from.
    Flood,
}

/// Forwarding decision for destination `dst`, given the FDB entry for (`dst`, VLAN) if any:
/// group addresses (multicast, broadcast) and unknown unicast flood; known unicast goes to
/// the entry's port. The caller drops the frame if that port is the one it came from.
pub fn forward(dst: &Mac, lookup: Option<&Entry>) -> Dest {
    if dst.is_multicast() {
        return Dest::Flood;
    }
    match lookup {
        Some(e) => Dest::Port(e.port),
        None => Dest::Flood,
    }
}
