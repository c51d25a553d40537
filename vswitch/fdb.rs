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

/// A per-table secret for [`keyed_hash`], drawn at random when the table is made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HashKey(pub u64, pub u64);

/// The hash of the key (`mac`, `vid`) under `key`: SipHash-1-3 of the 48-bit address and
/// the 12-bit VID packed into one `u64`. Keyed with a secret, so that a sender choosing
/// source MACs cannot make them share a bucket (the table takes the low bits).
pub fn keyed_hash(mac: &Mac, vid: u16, key: HashKey) -> u64 {
    let m = mac.0;
    let word = u64::from_le_bytes([m[0], m[1], m[2], m[3], m[4], m[5], vid as u8, (vid >> 8) as u8]);
    let mut v0 = key.0 ^ 0x736f_6d65_7073_6575;
    let mut v1 = key.1 ^ 0x646f_7261_6e64_6f6d;
    let mut v2 = key.0 ^ 0x6c79_6765_6e65_7261;
    let mut v3 = key.1 ^ 0x7465_6462_7974_6573;
    fn round(v0: &mut u64, v1: &mut u64, v2: &mut u64, v3: &mut u64) {
        *v0 = v0.wrapping_add(*v1);
        *v1 = v1.rotate_left(13) ^ *v0;
        *v0 = v0.rotate_left(32);
        *v2 = v2.wrapping_add(*v3);
        *v3 = v3.rotate_left(16) ^ *v2;
        *v0 = v0.wrapping_add(*v3);
        *v3 = v3.rotate_left(21) ^ *v0;
        *v2 = v2.wrapping_add(*v1);
        *v1 = v1.rotate_left(17) ^ *v2;
        *v2 = v2.rotate_left(32);
    }
    // One message word, then the length block (8 bytes: length 8 in the top byte).
    for w in [word, 8u64 << 56] {
        v3 ^= w;
        round(&mut v0, &mut v1, &mut v2, &mut v3);
        v0 ^= w;
    }
    v2 ^= 0xff;
    for _ in 0..3 {
        round(&mut v0, &mut v1, &mut v2, &mut v3);
    }
    v0 ^ v1 ^ v2 ^ v3
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
