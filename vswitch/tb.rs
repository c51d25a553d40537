// SPDX-License-Identifier: GPL-2.0
//! Token bucket policer for per-port rate limits, with its whole state in one `u64` so the
//! kernel can keep it in a single `AtomicU64` updated by a compare-and-swap loop (lockless):
//!
//! ```text
//! let now = ktime_get_ns();
//! let mut old = state.load(Relaxed);
//! loop {
//!     let (new, ok) = tb::take(old, now, rate, burst, len);
//!     if !ok { drop the frame }                       // state unchanged: nothing to write
//!     match state.compare_exchange_weak(old, new, Relaxed, Relaxed) {
//!         Ok(_) => break,                              // frame allowed
//!         Err(cur) => old = cur,
//!     }
//! }
//! ```
//!
//! Pure logic: depends only on `core`, so the same file is compiled into `vswitch.ko` and into
//! the host test crate (`vswitch/host`).
//!
//! # State
//!
//! Instead of packing a timestamp and a token count side by side (which forces a trade-off
//! between the timestamp's range and the tokens' precision), the state is the bucket's
//! *theoretical arrival time* (TAT, as in the GCRA / virtual scheduling form of a token
//! bucket): the time at which the bucket will be full again. Time and tokens are folded into
//! that single number:
//!
//! - state `tat <= now`: the bucket is full (`burst` bytes).
//! - state `tat > now`: the bucket holds `burst - (tat - now) * rate` bytes; `tat - now` (the
//!   *lead*) is the time the bucket needs to refill, at most `tau = burst / rate`.
//!
//! Taking a frame of `len` bytes advances `max(tat, now)` by `len / rate`, and is allowed if
//! the new lead is still at most `tau`. This is exactly "refill by elapsed time * rate,
//! capped at burst, then take `len` if available", with no rounding of the refill.
//!
//! The state is in units of 1/64 ns ([`UNIT_SHIFT`]): `state = now_ns << 6` for a full bucket
//! at `now_ns`. A frame's cost `len * 8e9 * 64 / rate` is rounded down, so each allowed frame
//! is undercharged by less than 1/64 ns: less than `rate / 5.12e11` bytes per frame, i.e.
//! 0.2 byte per frame at 100 Gbit/s (0.3% with 64-byte frames, 0.013% with 1500-byte frames).
//!
//! # Wrap-around
//!
//! All time arithmetic wraps (like `time_after()`): the state wraps every 2^64 units = 2^58 ns
//! (about 9.1 years), and `now_ns` itself may wrap at 2^64 ns. The lead `state - now` is read as
//! a signed 64-bit difference:
//!
//! - `lead <= 0`: full bucket (idle for a while).
//! - `0 < lead <= tau`: partly empty bucket.
//! - `tau < lead <= tau + MAX_SKEW`: `now` is older than the time the state was written
//!   (another CPU stored a newer timestamp first): the bucket is seen as emptier than it is,
//!   never fuller, so time going backwards never adds tokens; the frame is denied and the
//!   state kept.
//! - `lead > tau + MAX_SKEW` cannot happen with a monotonic clock, except when the bucket was
//!   idle for more than 2^63 units (about 4.6 years) and the difference aliased: the bucket is
//!   treated as full (which it is after such an idle time).
//!
//! # Limits
//!
//! - rate: 1 bit/s to `u64::MAX` bit/s (100 Gbit/s and beyond); rate 0 allows nothing.
//! - burst: up to [`MAX_BURST`] (16 MiB); a larger burst is clamped to it. A frame larger than
//!   the burst is never allowed.
//! - `tau` stays below 2^63 units for any rate >= 1 bit/s (16 MiB at 1 bit/s is 8.6e18 units).
//! - time: any `u64` nanosecond clock that is monotonic across CPUs (`ktime_get_ns()`).
#![allow(dead_code, unreachable_pub)]

/// The state counts time in units of 2^-`UNIT_SHIFT` ns (1/64 ns).
pub const UNIT_SHIFT: u32 = 6;

/// Time of one byte at 1 bit/s, in state units: 8 bits * 1e9 ns * 64. The cost of `len` bytes
/// at `rate` bit/s is `len * BYTE_UNITS_AT_1BPS / rate`.
pub const BYTE_UNITS_AT_1BPS: u64 = (8 * 1_000_000_000) << UNIT_SHIFT;

/// Smallest burst [`default_burst`] returns: 64 KiB.
pub const MIN_DEFAULT_BURST: u32 = 64 << 10;

/// Largest burst: 16 MiB. Larger bursts are clamped to it.
pub const MAX_BURST: u32 = 16 << 20;

/// How far `now` may lag behind the timestamp that wrote the state (see "Wrap-around" in the
/// module docs), in ns: 2^30 ns, about 1.07 s.
pub const MAX_SKEW_NS: u64 = 1 << 30;

/// [`MAX_SKEW_NS`] in state units.
const MAX_SKEW_UNITS: u64 = MAX_SKEW_NS << UNIT_SHIFT;

/// Default burst for a rate when the user gives none: 10 ms of the rate, at least 64 KiB, at
/// most 16 MiB.
pub fn default_burst(rate_bps: u64) -> u32 {
    // 10 ms of `rate_bps` bits is rate_bps / 100 / 8 bytes.
    let bytes = rate_bps / 800;
    if bytes < u64::from(MIN_DEFAULT_BURST) {
        MIN_DEFAULT_BURST
    } else if bytes > u64::from(MAX_BURST) {
        MAX_BURST
    } else {
        // In MIN_DEFAULT_BURST..=MAX_BURST, so it fits.
        bytes as u32
    }
}

/// `now_ns` in state units (wrapping: the top bits shifted out do not matter, only wrapping
/// differences of these values are used).
fn units(now_ns: u64) -> u64 {
    now_ns << UNIT_SHIFT
}

/// Initial packed state (full bucket) at `now_ns`. A full bucket does not depend on the burst
/// (see the module docs), so `_burst` is only there for symmetry with [`take`].
pub fn init(now_ns: u64, _burst: u32) -> u64 {
    units(now_ns)
}

/// The lead (time the bucket needs to become full again, in state units) of `state` at `now`
/// for the limit `burst * BYTE_UNITS_AT_1BPS` and `rate_bps`: 0 for a full bucket and for a
/// stale (aliased) state. A lead above `tau` means `now` is behind the state's writer.
fn lead(state: u64, now: u64, rate_bps: u64, limit: u64) -> u64 {
    let lead = state.wrapping_sub(now) as i64;
    if lead <= 0 {
        return 0;
    }
    let lead = lead as u64;
    // Stale if lead - MAX_SKEW > tau = limit / rate, i.e. (lead - MAX_SKEW) * rate > limit.
    let stale = lead > MAX_SKEW_UNITS
        && match (lead - MAX_SKEW_UNITS).checked_mul(rate_bps) {
            Some(x) => x > limit,
            None => true,
        };
    if stale {
        0
    } else {
        lead
    }
}

/// One frame of `len` bytes at `now_ns`: refills by elapsed time * rate (capped at burst) then
/// takes `len` if available. Returns (new packed state, allowed). A frame larger than the
/// burst is never allowed. Time going backwards (another CPU's older timestamp) must not add
/// tokens or break the state: it only makes the bucket look emptier.
///
/// When the frame is not allowed the state is returned unchanged, so the caller need not
/// write it back. `burst` is clamped to [`MAX_BURST`]; `rate_bps == 0` allows nothing.
pub fn take(state: u64, now_ns: u64, rate_bps: u64, burst: u32, len: u32) -> (u64, bool) {
    let burst = burst.min(MAX_BURST);
    if rate_bps == 0 || len > burst {
        return (state, false);
    }
    let now = units(now_ns);
    // burst <= 2^24, so limit <= 2^24 * 5.12e11 < 2^63; the same bound holds for len.
    let limit = u64::from(burst) * BYTE_UNITS_AT_1BPS;
    let cost = u64::from(len) * BYTE_UNITS_AT_1BPS / rate_bps;
    // lead <= tau + MAX_SKEW < 2^63 and cost < 2^63: no overflow.
    let new_lead = lead(state, now, rate_bps, limit) + cost;
    // new_lead <= tau = limit / rate, exactly (no rounding of tau).
    if new_lead.checked_mul(rate_bps).is_some_and(|x| x <= limit) {
        (now.wrapping_add(new_lead), true)
    } else {
        (state, false)
    }
}

/// Like [`take`], but a frame may borrow: it is allowed whenever the bucket is not empty,
/// and leaves the bucket in debt by at most its own size, which is repaid before anything
/// else passes. Over time the allowed bytes still stay within `rate * time + burst + one
/// frame`. This is what a port policer needs for aggregated (GSO/GRO) frames, which can be
/// larger than the burst, and it keeps TCP from collapsing on a small burst. A frame that
/// would take longer than [`MAX_SKEW_NS`] to repay is handled as by [`take`].
pub fn take_borrow(state: u64, now_ns: u64, rate_bps: u64, burst: u32, len: u32) -> (u64, bool) {
    let burst = burst.min(MAX_BURST);
    if rate_bps == 0 {
        return (state, false);
    }
    let cost = u64::from(len) * BYTE_UNITS_AT_1BPS / rate_bps;
    if cost > MAX_SKEW_UNITS {
        return take(state, now_ns, rate_bps, burst, len);
    }
    let now = units(now_ns);
    let limit = u64::from(burst) * BYTE_UNITS_AT_1BPS;
    // lead <= tau + MAX_SKEW (a debt is at most one cost <= MAX_SKEW beyond tau).
    let l = lead(state, now, rate_bps, limit);
    if l.checked_mul(rate_bps).is_some_and(|x| x < limit) {
        (now.wrapping_add(l + cost), true)
    } else {
        (state, false)
    }
}

/// Nanoseconds from `now_ns` until the bucket holds a token again (0 when it has some now):
/// how long a shaper pauses its sender after a frame left the bucket empty or in debt.
pub fn wait_ns(state: u64, now_ns: u64, rate_bps: u64, burst: u32) -> u64 {
    let burst = burst.min(MAX_BURST);
    if rate_bps == 0 {
        return 0;
    }
    let limit = u64::from(burst) * BYTE_UNITS_AT_1BPS;
    let l = lead(state, units(now_ns), rate_bps, limit);
    // Not empty while lead * rate < limit; tau = limit / rate (rounded up: whole units).
    let tau = limit.div_ceil(rate_bps);
    if l < tau {
        0
    } else {
        ((l - tau) >> UNIT_SHIFT) + 1
    }
}

/// Bytes in the bucket at `now_ns` (0 for a state written at a later time than `now_ns`).
/// Every frame of at most this many bytes would be allowed by [`take`]. For statistics and
/// tests; `burst` is clamped to [`MAX_BURST`] and `rate_bps == 0` gives 0.
pub fn tokens(state: u64, now_ns: u64, rate_bps: u64, burst: u32) -> u32 {
    let burst = burst.min(MAX_BURST);
    if rate_bps == 0 {
        return 0;
    }
    let limit = u64::from(burst) * BYTE_UNITS_AT_1BPS;
    let lead = lead(state, units(now_ns), rate_bps, limit);
    match lead.checked_mul(rate_bps) {
        // Missing bytes = ceil(lead * rate / BYTE_UNITS_AT_1BPS).
        Some(x) if x <= limit => {
            let missing = x.div_ceil(BYTE_UNITS_AT_1BPS);
            // missing <= burst.
            burst - missing as u32
        }
        _ => 0,
    }
}
