//! `vswitch/tb.rs`: the one-`u64` token bucket policer.
use vswitch_host::tb::{
    default_burst, init, take, tokens, BYTE_UNITS_AT_1BPS, MAX_BURST, MAX_SKEW_NS,
    MIN_DEFAULT_BURST, UNIT_SHIFT,
};

const MS: u64 = 1_000_000;
const SEC: u64 = 1_000_000_000;
const MBIT: u64 = 1_000_000;
const GBIT: u64 = 1_000_000_000;

/// A tiny deterministic PRNG (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Offers `len`-byte frames every `gap_ns` from `start_ns` for `dur_ns`; returns the allowed
/// bytes and the decision of each frame.
fn offer(
    start_ns: u64,
    dur_ns: u64,
    gap_ns: u64,
    rate: u64,
    burst: u32,
    len: u32,
) -> (u64, Vec<bool>) {
    let mut st = init(start_ns, burst);
    let mut bytes = 0u64;
    let mut decisions = Vec::new();
    let mut t = 0u64;
    while t < dur_ns {
        let (next, ok) = take(st, start_ns.wrapping_add(t), rate, burst, len);
        if ok {
            bytes += u64::from(len);
        } else {
            assert_eq!(next, st, "a denied frame leaves the state alone");
        }
        st = next;
        decisions.push(ok);
        t += gap_ns;
    }
    (bytes, decisions)
}

/// The bytes a perfect token bucket allows over `dur_ns` when always backlogged.
fn ideal(rate: u64, burst: u32, dur_ns: u64) -> f64 {
    rate as f64 / 8.0 * dur_ns as f64 / SEC as f64 + f64::from(burst)
}

fn assert_within(got: u64, want: f64, rel: f64, what: &str) {
    let err = (got as f64 - want).abs() / want;
    assert!(
        err <= rel,
        "{what}: got {got}, want {want:.0} (error {:.4}%)",
        err * 100.0
    );
}

// ---------------------------------------------------------------- default_burst

#[test]
fn default_burst_is_10ms_clamped() {
    assert_eq!(default_burst(0), MIN_DEFAULT_BURST);
    assert_eq!(default_burst(1), 64 << 10);
    assert_eq!(default_burst(10 * MBIT), 64 << 10); // 12 500 bytes -> 64 KiB
    assert_eq!(default_burst(800 * 65536), 65536);
    assert_eq!(default_burst(800 * 65536 + 800), 65537);
    assert_eq!(default_burst(100 * MBIT), 125_000);
    assert_eq!(default_burst(GBIT), 1_250_000);
    assert_eq!(default_burst(10 * GBIT), 12_500_000);
    assert_eq!(default_burst(800 * (16 << 20)), 16 << 20);
    assert_eq!(default_burst(100 * GBIT), MAX_BURST); // 125 MB -> 16 MiB
    assert_eq!(default_burst(u64::MAX), MAX_BURST);
    assert_eq!(MAX_BURST, 16 << 20);
}

// ---------------------------------------------------------------- packing

#[test]
fn state_is_time_in_64ths_of_ns() {
    assert_eq!(UNIT_SHIFT, 6);
    assert_eq!(BYTE_UNITS_AT_1BPS, 8 * SEC * 64);
    assert_eq!(init(0, 1500), 0);
    assert_eq!(init(1, 1500), 64);
    assert_eq!(init(12345, 99), 12345 << 6);
    // The full bucket does not depend on the burst.
    assert_eq!(init(777, 1), init(777, MAX_BURST));
    // 1500 bytes at 1 Gbit/s take 12 us: the state moves 12 us ahead of now.
    let (st, ok) = take(init(SEC, 65536), SEC, GBIT, 65536, 1500);
    assert!(ok);
    assert_eq!(st, (SEC + 12_000) << 6);
}

#[test]
fn packing_round_trips_tokens() {
    let times = [0u64, 1, SEC, (1 << 58) - 3, 1 << 58, u64::MAX - 5, u64::MAX];
    let rates = [MBIT, 10 * MBIT, 333 * MBIT, GBIT, 25 * GBIT, 100 * GBIT];
    let bursts = [1500u32, 65536, 1_000_003, MAX_BURST];
    for &now in &times {
        for &rate in &rates {
            for &burst in &bursts {
                let st = init(now, burst);
                assert_eq!(tokens(st, now, rate, burst), burst);
                // Take a few frames at the same instant: tokens drop by exactly their size.
                let mut st = st;
                let mut left = burst;
                for len in [1u32, 64, 1500, 9000, 0, 777] {
                    let (next, ok) = take(st, now, rate, burst, len);
                    assert_eq!(
                        ok,
                        len <= left,
                        "now {now} rate {rate} burst {burst} len {len}"
                    );
                    if ok {
                        left -= len;
                        st = next;
                    }
                    assert_eq!(tokens(st, now, rate, burst), left);
                }
                // The rest of the bucket can be taken in one frame, then nothing more.
                let (next, ok) = take(st, now, rate, burst, left);
                assert!(ok);
                assert_eq!(tokens(next, now, rate, burst), 0);
                assert!(!take(next, now, rate, burst, 1).1);
                assert!(take(next, now, rate, burst, 0).1);
            }
        }
    }
}

#[test]
fn tokens_refill_with_time() {
    let burst = 100_000;
    let rate = 8 * MBIT; // 1 byte per us
    let st = init(0, burst);
    let (st, ok) = take(st, 0, rate, burst, burst);
    assert!(ok);
    assert_eq!(tokens(st, 0, rate, burst), 0);
    assert_eq!(tokens(st, 1_000, rate, burst), 1);
    // 1.5 bytes show as 1 (tokens() rounds down: every frame up to it passes) ...
    assert_eq!(tokens(st, 1_500, rate, burst), 1);
    assert!(take(st, 1_500, rate, burst, 1).1);
    assert!(!take(st, 1_500, rate, burst, 2).1); // ... and 2 bytes need 2 us
    assert!(take(st, 2_000, rate, burst, 2).1);
    assert_eq!(tokens(st, 50 * MS, rate, burst), 50_000);
    assert_eq!(tokens(st, 100 * MS, rate, burst), burst);
    assert_eq!(tokens(st, 10 * SEC, rate, burst), burst); // capped
}

// ---------------------------------------------------------------- conformance

#[test]
fn long_run_conformance_1500_at_twice_the_rate() {
    for rate in [10 * MBIT, 100 * MBIT, 500 * MBIT] {
        let burst = default_burst(rate);
        let len = 1500u32;
        // Offered at 2x the rate: one frame every len*8/(2*rate) seconds.
        let gap = u64::from(len) * 8 * SEC / (2 * rate);
        let dur = 10 * SEC;
        let (bytes, _) = offer(SEC, dur, gap, rate, burst, len);
        assert_within(
            bytes,
            ideal(rate, burst, dur),
            0.01,
            &format!("{rate} bit/s"),
        );
    }
}

#[test]
fn long_run_conformance_small_frames_and_extremes() {
    // (rate, len, gap): tiny frames hammering a slow bucket, jumbo frames, 100 Gbit/s.
    let cases = [
        (MBIT, 64u32, 1_000u64), // 1 Mpps of 64 B against 1 Mbit/s
        (10 * MBIT, 64, 100),    // 10 Mpps against 10 Mbit/s
        (GBIT, 9000, 36_000),    // jumbo at 2x
        (10 * GBIT, 64, 25),     // 40 Mpps of 64 B against 10 Gbit/s
        (100 * GBIT, 1500, 60),  // 200 Gbit/s offered
        (100 * GBIT, 64, 2),     // 256 Gbit/s of 64 B
    ];
    for (rate, len, gap) in cases {
        let burst = default_burst(rate);
        let dur = if gap < 100 { SEC / 10 } else { 2 * SEC };
        let (bytes, _) = offer(7 * SEC, dur, gap, rate, burst, len);
        assert_within(
            bytes,
            ideal(rate, burst, dur),
            0.01,
            &format!("{rate} bit/s, {len} B every {gap} ns"),
        );
    }
}

#[test]
fn under_the_rate_everything_passes() {
    let rate = 100 * MBIT;
    let burst = 65536;
    // 1500 B every 150 us = 80 Mbit/s.
    let (_, d) = offer(0, 5 * SEC, 150_000, rate, burst, 1500);
    assert!(d.iter().all(|&ok| ok));
}

/// An exact token bucket (no rounding at all) in 128-bit arithmetic, tokens scaled by
/// BYTE_UNITS_AT_1BPS.
struct Reference {
    tokens: u128,
    last_ns: u64,
    rate: u128,
    burst: u128,
}

impl Reference {
    fn take(&mut self, now_ns: u64, len: u32) -> bool {
        let c = u128::from(BYTE_UNITS_AT_1BPS);
        let elapsed = u128::from(now_ns - self.last_ns) << UNIT_SHIFT;
        self.tokens = (self.tokens + elapsed * self.rate).min(self.burst * c);
        self.last_ns = now_ns;
        let need = u128::from(len) * c;
        if len as u128 <= self.burst && self.tokens >= need {
            self.tokens -= need;
            true
        } else {
            false
        }
    }
}

#[test]
fn matches_exact_reference_when_costs_are_exact() {
    // For these rates a byte costs a whole number of 1/64 ns, so take() must agree with an
    // exact token bucket frame by frame.
    for rate in [10 * MBIT, 100 * MBIT, 500 * MBIT, GBIT, 8 * GBIT, 64 * GBIT] {
        assert_eq!(BYTE_UNITS_AT_1BPS % rate, 0);
        let burst = default_burst(rate);
        let mut r = Reference {
            tokens: u128::from(burst) * u128::from(BYTE_UNITS_AT_1BPS),
            last_ns: 5 * SEC,
            rate: u128::from(rate),
            burst: u128::from(burst),
        };
        let mut st = init(5 * SEC, burst);
        let mut rng = Rng(rate);
        let mut now = 5 * SEC;
        // Mean gap: a 1500-byte frame at ~1.5x the rate.
        let mean_gap = 1500 * 8 * SEC / rate * 2 / 3;
        for i in 0..200_000 {
            now += rng.below(2 * mean_gap);
            let len = [64u32, 576, 1500, 9000, 65535][rng.below(5) as usize];
            let want = r.take(now, len);
            let (next, ok) = take(st, now, rate, burst, len);
            assert_eq!(ok, want, "rate {rate} frame {i}");
            st = next;
        }
    }
}

// ---------------------------------------------------------------- burst

#[test]
fn burst_then_rate() {
    let rate = 100 * MBIT;
    let burst = 65536;
    let t0 = 3 * SEC;
    let mut st = init(t0, burst);
    // A full bucket at one instant: exactly floor(burst / len) frames.
    let mut n = 0;
    loop {
        let (next, ok) = take(st, t0, rate, burst, 1500);
        if !ok {
            break;
        }
        st = next;
        n += 1;
    }
    assert_eq!(n, 65536 / 1500);
    // Frames that divide the burst exactly: all of it.
    let mut st = init(t0, burst);
    for i in 0..64 {
        let (next, ok) = take(st, t0, rate, burst, 1024);
        assert!(ok, "frame {i}");
        st = next;
    }
    assert!(!take(st, t0, rate, burst, 1024).1);
    // 1024 bytes at 100 Mbit/s need 81.92 us.
    assert!(!take(st, t0 + 81_919, rate, burst, 1024).1);
    let (st, ok) = take(st, t0 + 81_920, rate, burst, 1024);
    assert!(ok);
    assert_eq!(tokens(st, t0 + 81_920, rate, burst), 0);
}

#[test]
fn refill_caps_at_burst() {
    let rate = 10 * MBIT;
    let burst = 100_000;
    let t0 = SEC;
    let (st, ok) = take(init(t0, burst), t0, rate, burst, 50_000);
    assert!(ok);
    // After an hour idle the bucket holds the burst, not an hour of tokens.
    let later = t0 + 3600 * SEC;
    assert_eq!(tokens(st, later, rate, burst), burst);
    let mut st = st;
    let mut got = 0u64;
    loop {
        let (next, ok) = take(st, later, rate, burst, 1000);
        if !ok {
            break;
        }
        st = next;
        got += 1000;
    }
    assert_eq!(got, u64::from(burst));
}

#[test]
fn burst_sizes_up_to_16mib() {
    for rate in [MBIT, GBIT, 100 * GBIT, 400 * GBIT] {
        let burst = MAX_BURST;
        let st = init(0, burst);
        let (st, ok) = take(st, 0, rate, burst, burst);
        assert!(ok, "rate {rate}");
        assert!(!take(st, 0, rate, burst, 1).1);
        // Half the fill time later, half the burst is back.
        let fill_ns = u64::from(burst) * 8 * SEC / rate;
        let half_ns = fill_ns / 2;
        let want = (u128::from(half_ns) * u128::from(rate) / u128::from(8 * SEC)) as u32;
        let half = tokens(st, half_ns, rate, burst);
        assert!(half.abs_diff(want) <= 1, "rate {rate}: {half} != {want}");
        assert!(half.abs_diff(burst / 2) <= 16, "rate {rate}: {half}");
        assert_eq!(tokens(st, fill_ns + 1, rate, burst), burst);
    }
}

// ---------------------------------------------------------------- oversize

#[test]
fn oversize_frames_never_pass() {
    for rate in [MBIT, GBIT, 100 * GBIT, u64::MAX] {
        for burst in [1u32, 1500, 65536, MAX_BURST] {
            let st = init(SEC, burst);
            assert!(!take(st, SEC, rate, burst, burst + 1).1);
            assert!(!take(st, 100 * SEC, rate, burst, u32::MAX).1);
            assert!(take(st, SEC, rate, burst, burst).1);
        }
    }
    // A burst above 16 MiB is clamped: a frame above 16 MiB still never passes.
    let st = init(0, u32::MAX);
    assert!(!take(st, SEC, GBIT, u32::MAX, MAX_BURST + 1).1);
    assert!(take(st, SEC, GBIT, u32::MAX, MAX_BURST).1);
    assert_eq!(tokens(st, SEC, GBIT, u32::MAX), MAX_BURST);
}

#[test]
fn zero_rate_allows_nothing() {
    let st = init(0, 65536);
    for len in [0u32, 1, 1500] {
        assert_eq!(take(st, 10 * SEC, 0, 65536, len), (st, false));
    }
    assert_eq!(tokens(st, 10 * SEC, 0, 65536), 0);
}

#[test]
fn zero_length_frame() {
    let rate = GBIT;
    let burst = 1500;
    let (st, ok) = take(init(0, burst), 0, rate, burst, burst);
    assert!(ok);
    // An empty bucket still passes an empty frame, without changing the debt.
    let (st2, ok) = take(st, 0, rate, burst, 0);
    assert!(ok);
    assert_eq!(tokens(st2, 0, rate, burst), 0);
    assert_eq!(st2, st);
}

// ---------------------------------------------------------------- time going backwards

#[test]
fn backwards_time_adds_no_tokens() {
    let rate = 100 * MBIT;
    let burst = 65536;
    let t = 10 * SEC;
    // Drain the bucket at t.
    let (st, ok) = take(init(t, burst), t, rate, burst, burst);
    assert!(ok);
    for back in [1u64, 1_000, 81_920, MS, 100 * MS, MAX_SKEW_NS] {
        let old = t - back;
        assert_eq!(tokens(st, old, rate, burst), 0, "back {back}");
        for len in [1u32, 64, 1500] {
            assert_eq!(take(st, old, rate, burst, len), (st, false), "back {back}");
        }
    }
    // Half-full bucket: an older timestamp sees fewer tokens, never more.
    let (st, ok) = take(init(t, burst), t, rate, burst, burst / 2);
    assert!(ok);
    let mut prev = tokens(st, t, rate, burst);
    assert_eq!(prev, burst / 2);
    for back in [1u64, 10, 1_000, 100_000, MS, 10 * MS] {
        let seen = tokens(st, t - back, rate, burst);
        assert!(seen <= prev, "back {back}: {seen} > {prev}");
        prev = seen;
    }
    // An allowed frame at an older time charges from the state's time, not from the older
    // one: the state only moves forward.
    let (st2, ok) = take(st, t - 1_000, rate, burst, 1000);
    assert!(ok);
    assert_eq!(tokens(st2, t, rate, burst), burst / 2 - 1000);
    assert!(st2.wrapping_sub(st) as i64 > 0);
}

#[test]
fn backwards_on_full_bucket() {
    let rate = GBIT;
    let burst = 10_000;
    let t = 10 * SEC;
    // CPU A writes at t; CPU B then takes with an older timestamp: it must not get a second
    // full bucket.
    let mut st = init(t - SEC, burst); // long idle: full
    let mut allowed = 0u64;
    for i in 0..100u64 {
        // Alternate a current and a stale timestamp (up to 50 us old).
        let now = if i % 2 == 0 { t } else { t - 50_000 + i };
        let (next, ok) = take(st, now, rate, burst, 1000);
        if ok {
            allowed += 1000;
        }
        st = next;
    }
    assert_eq!(allowed, u64::from(burst));
}

#[test]
fn jittered_cpus_never_exceed_the_rate() {
    // Four "CPUs" share one state; each frame's timestamp was read up to 20 us before its
    // compare-and-swap succeeded, so the state sees time jump back and forth.
    for rate in [10 * MBIT, GBIT, 40 * GBIT] {
        let burst = default_burst(rate);
        let mut rng = Rng(rate ^ 0x5555);
        let start = 100 * SEC;
        let dur = SEC;
        let mut st = init(start, burst);
        let mut clock = start;
        let mut bytes = 0u64;
        let mut max_tokens_seen = 0u32;
        let gap = 1500 * 8 * SEC / rate / 3; // 3x the rate
        while clock < start + dur {
            clock += rng.below(2 * gap + 1);
            let now = clock - rng.below(20_000).min(clock - start);
            let (next, ok) = take(st, now, rate, burst, 1500);
            if ok {
                bytes += 1500;
            } else {
                assert_eq!(next, st);
            }
            st = next;
            max_tokens_seen = max_tokens_seen.max(tokens(st, clock, rate, burst));
            assert!(max_tokens_seen <= burst);
        }
        // Never above rate * time + burst (the +1500 for the frame in flight at the end).
        let limit = ideal(rate, burst, dur) + 1500.0;
        assert!(bytes as f64 <= limit, "rate {rate}: {bytes} > {limit}");
        // And still close to it: jitter costs at most the 20 us window.
        assert_within(
            bytes,
            ideal(rate, burst, dur),
            0.01,
            &format!("{rate} bit/s jittered"),
        );
    }
}

#[test]
fn far_backwards_or_aliased_state_is_treated_as_full() {
    let rate = 100 * MBIT;
    let burst = 65536;
    let t = 1000 * SEC;
    let (st, ok) = take(init(t, burst), t, rate, burst, burst);
    assert!(ok);
    // Beyond tau + MAX_SKEW behind the state's writer: no monotonic clock does that; it is an
    // aliased (very old) state and counts as a full bucket.
    let tau_ns = u64::from(burst) * 8 * SEC / rate;
    let far = t - tau_ns - MAX_SKEW_NS - 1_000;
    assert_eq!(tokens(st, far, rate, burst), burst);
    assert!(take(st, far, rate, burst, burst).1);
    // Idle for 5 years (more than 2^63 units): the difference aliases, the bucket is full.
    let five_years = 5 * 365 * 24 * 3600 * SEC;
    assert_eq!(tokens(st, t + five_years, rate, burst), burst);
    assert!(take(st, t + five_years, rate, burst, burst).1);
}

// ---------------------------------------------------------------- wrap-around

#[test]
fn u64_time_wrap_is_transparent() {
    // The same traffic offered from different clock origins, including across the wrap of
    // the nanosecond clock (2^64 ns) and of the state (2^58 ns), gets identical decisions.
    let rate = 100 * MBIT;
    let burst = default_burst(rate);
    let gap = 1500 * 8 * SEC / rate / 2;
    let dur = 2 * SEC;
    let (bytes0, d0) = offer(SEC, dur, gap, rate, burst, 1500);
    for origin in [
        u64::MAX - SEC + 1,
        u64::MAX - 12_345,
        u64::MAX,
        (1u64 << 58) - SEC / 3,
        (1u64 << 58) - 1,
        (3u64 << 58) - 777,
    ] {
        let (bytes, d) = offer(origin, dur, gap, rate, burst, 1500);
        assert_eq!(bytes, bytes0, "origin {origin:#x}");
        assert_eq!(d, d0, "origin {origin:#x}");
    }
    assert_within(bytes0, ideal(rate, burst, dur), 0.01, "wrap");
}

#[test]
fn wrap_with_partly_empty_bucket() {
    let rate = 8 * MBIT; // 1 byte per us
    let burst = 10_000;
    let t = u64::MAX - 2_000; // 2 us before the clock wraps
    let (st, ok) = take(init(t, burst), t, rate, burst, burst);
    assert!(ok);
    // 5 us later (across the wrap) 5 bytes are back.
    let later = t.wrapping_add(5_000);
    assert!(later < t);
    assert_eq!(tokens(st, later, rate, burst), 5);
    assert!(take(st, later, rate, burst, 5).1);
    assert!(!take(st, later, rate, burst, 6).1);
    // And 10 ms later, all of it.
    assert_eq!(tokens(st, t.wrapping_add(10 * MS), rate, burst), burst);
}

#[test]
fn borrow_lets_frames_larger_than_the_burst_pass_at_the_rate() {
    use vswitch_host::tb::{init, take_borrow};
    // 64 KiB GSO frames against a 10 Mbit/s limit with a 64 KiB burst, offered at 2x the rate
    // for 10 s: every frame is larger than the burst, yet the allowed bytes follow the rate.
    let rate = 10_000_000u64;
    let burst = 64 * 1024u32;
    let len = 65_536u32 + 100;
    let mut st = init(0, burst);
    let mut allowed = 0u64;
    let gap_ns = (u64::from(len) * 8 * 1_000_000_000 / rate) / 2;
    let mut t = 0u64;
    while t < 10_000_000_000 {
        let (n, ok) = take_borrow(st, t, rate, burst, len);
        st = n;
        if ok {
            allowed += u64::from(len);
        }
        t += gap_ns;
    }
    let ideal = rate / 8 * 10 + u64::from(burst) + u64::from(len);
    assert!(allowed <= ideal, "allowed {allowed} > {ideal}");
    assert!(allowed * 100 >= (rate / 8 * 10) * 97, "allowed {allowed} far below the rate");
}

#[test]
fn borrow_denies_while_in_debt_and_keeps_the_state() {
    use vswitch_host::tb::{init, take_borrow};
    let (rate, burst) = (8_000_000u64, 1000u32); // 1 byte per us
    let st = init(1_000_000, burst);
    let (st, ok) = take_borrow(st, 1_000_000, rate, burst, 5000);
    assert!(ok, "a non-empty bucket lends");
    let (st2, ok) = take_borrow(st, 1_000_000, rate, burst, 1);
    assert!(!ok, "in debt: nothing passes");
    assert_eq!(st2, st);
    // After 4000 us the 4000-byte debt is repaid: the bucket is empty but not in debt...
    let (_, ok) = take_borrow(st, 1_000_000 + 4_000_000, rate, burst, 1);
    assert!(!ok, "empty bucket");
    // ...one more microsecond and a byte is back.
    let (_, ok) = take_borrow(st, 1_000_000 + 4_001_000, rate, burst, 1);
    assert!(ok);
}

#[test]
fn wait_ns_is_the_time_to_repay_the_debt() {
    use vswitch_host::tb::{init, take_borrow, wait_ns};
    let (rate, burst) = (8_000_000u64, 1000u32); // 1 byte per us
    let st = init(0, burst);
    assert_eq!(wait_ns(st, 0, rate, burst), 0);
    let (st, ok) = take_borrow(st, 0, rate, burst, 5000);
    assert!(ok);
    // 4000 bytes of debt beyond the empty bucket: 4000 us, then one token.
    let w = wait_ns(st, 0, rate, burst);
    assert!((4_000_000..=4_001_100).contains(&w), "wait {w}");
    let (_, ok) = take_borrow(st, w, rate, burst, 1);
    assert!(ok, "a token is back after the wait");
}
