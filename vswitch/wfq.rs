// SPDX-License-Identifier: GPL-2.0
//! Bandwidth weights on the uplink: the scheduling decisions of the `vswitch` qdisc (pure,
//! `core` only, host-tested).
//!
//! When the uplink is saturated its qdisc backs up, and whoever dequeues decides who gets
//! the wire. The `vswitch` qdisc (see `rust/qdisc.rs`) keeps one FIFO per source vPort
//! ("class") and asks this scheduler which class sends next: deficit round robin in the
//! credit form (as `sch_fq` does it): the class at the head of the active ring sends while
//! its credit is positive, each send costs its length, and a class out of credit gets
//! `quantum * weight` more and goes to the back of the ring. Over any backlogged period a
//! class gets bytes in proportion to its weight; a class with nothing queued takes no part,
//! so the others share its bandwidth (work conserving).
//!
//! Classes are looked up by the source port's id (open addressing over a fixed table, no
//! allocation on the fast path). Class 0 takes frames with no vPort (the host's own traffic
//! on the uplink) and, should the table be full of backlogged classes, the overflow.

// Shared with the host build (`pub` for its tests); the module uses part of it.
#![allow(dead_code, unreachable_pub)]

/// Classes per qdisc (class 0 included).
pub const CLASSES: usize = 64;
/// Weights are clamped to `1..=MAX_WEIGHT`.
pub const MAX_WEIGHT: u32 = 100;
/// Id of class 0's traffic (no vPort).
pub const NO_PORT: u32 = 0;

#[derive(Clone, Copy, Default)]
struct Class {
    /// Source port id (`NO_PORT` for class 0 or a never-used class).
    id: u32,
    weight: u32,
    /// Bytes the class may still send in this round (may go negative by one frame).
    credit: i64,
    /// Frames and bytes queued.
    qlen: u32,
    backlog: u64,
    /// In the active ring.
    active: bool,
    /// Ever assigned to a port (class 0 counts as used).
    used: bool,
}

/// The scheduler state of one qdisc.
pub struct Wfq {
    cls: [Class; CLASSES],
    /// Active ring: slot numbers, `len` of them from `head`.
    ring: [u8; CLASSES],
    head: usize,
    len: usize,
    /// Bytes per round at weight 1 (the device's MTU plus link header).
    quantum: u32,
}

fn clamp_weight(w: u32) -> u32 {
    w.clamp(1, MAX_WEIGHT)
}

impl Wfq {
    /// An empty scheduler; `quantum` is the bytes per round at weight 1 (at least 256).
    pub fn new(quantum: u32) -> Self {
        let mut w = Wfq { cls: [Class::default(); CLASSES], ring: [0; CLASSES], head: 0, len: 0, quantum: quantum.max(256) };
        w.cls[0] = Class { weight: 1, used: true, ..Class::default() };
        w
    }

    /// The class for frames of port `id` with `weight` (updated on every frame, so a new
    /// weight applies at once). Reuses an idle class of another port when the table is full;
    /// class 0 when every class is busy, and for `NO_PORT`.
    pub fn classify(&mut self, id: u32, weight: u32) -> usize {
        if id == NO_PORT {
            return 0;
        }
        let n = CLASSES - 1;
        let start = (id as usize) % n;
        let mut free = None;
        let mut idle = None;
        for k in 0..n {
            let s = 1 + (start + k) % n;
            let c = &self.cls[s];
            if c.used && c.id == id {
                self.cls[s].weight = clamp_weight(weight);
                return s;
            }
            if !c.used {
                // Never used: the probe sequence of `id` ends here.
                free = Some(s);
                break;
            }
            if idle.is_none() && c.qlen == 0 && !c.active {
                idle = Some(s);
            }
        }
        match free.or(idle) {
            Some(s) => {
                self.cls[s] = Class { id, weight: clamp_weight(weight), used: true, ..Class::default() };
                s
            }
            None => 0,
        }
    }

    /// A frame of `len` bytes was queued on class `s`.
    pub fn enqueued(&mut self, s: usize, len: u32) {
        let q = self.quantum;
        let c = &mut self.cls[s];
        c.qlen += 1;
        c.backlog += u64::from(len);
        if !c.active {
            c.active = true;
            c.credit = i64::from(q) * i64::from(c.weight);
            let tail = (self.head + self.len) % CLASSES;
            self.ring[tail] = s as u8;
            self.len += 1;
        }
    }

    /// The class whose head frame goes next, `None` if nothing is queued.
    pub fn pick(&mut self) -> Option<usize> {
        // Every turn without a pick adds credit to one class; a class with frames gets
        // positive credit within `MAX` turns of its own (a frame is at most 64 KiB plus
        // headers, a quantum at least 256 bytes).
        while self.len > 0 {
            let s = self.ring[self.head] as usize;
            let q = i64::from(self.quantum);
            let c = &mut self.cls[s];
            if c.qlen == 0 {
                // Emptied by a drop: leave the ring.
                c.active = false;
                self.pop_head();
                continue;
            }
            if c.credit > 0 {
                return Some(s);
            }
            c.credit += q * i64::from(c.weight);
            self.pop_head();
            let tail = (self.head + self.len) % CLASSES;
            self.ring[tail] = s as u8;
            self.len += 1;
        }
        None
    }

    fn pop_head(&mut self) {
        self.head = (self.head + 1) % CLASSES;
        self.len -= 1;
    }

    /// The head frame (`len` bytes) of class `s` was dropped (qdisc full): no credit spent,
    /// or a class that is dropped from would lose its share as well as the frame.
    pub fn dropped(&mut self, s: usize, len: u32) {
        let c = &mut self.cls[s];
        c.qlen = c.qlen.saturating_sub(1);
        c.backlog = c.backlog.saturating_sub(u64::from(len));
    }

    /// The head frame (`len` bytes) of class `s` was sent (after `pick`).
    pub fn dequeued(&mut self, s: usize, len: u32) {
        let c = &mut self.cls[s];
        c.qlen = c.qlen.saturating_sub(1);
        c.backlog = c.backlog.saturating_sub(u64::from(len));
        c.credit -= i64::from(len);
        // An emptied class leaves the ring at its next turn in `pick` (it may be
        // anywhere in the ring after a drop); it gets fresh credit when it comes back.
    }

    /// The class to drop from when the qdisc is full: the one with the most bytes queued
    /// per unit of weight (so a heavy sender cannot push a light one out, and each class
    /// keeps buffer in proportion to its share of the link: equal queueing delay, so a
    /// heavy class whose sender pauses does not run dry before the others). `None` if
    /// nothing is queued.
    pub fn victim(&self) -> Option<usize> {
        let mut best: Option<usize> = None;
        for (s, c) in self.cls.iter().enumerate() {
            if c.qlen == 0 {
                continue;
            }
            // c.backlog / c.weight > b.backlog / b.weight, without division.
            let more = match best {
                None => true,
                Some(b) => {
                    let b = &self.cls[b];
                    c.backlog.saturating_mul(u64::from(b.weight.max(1)))
                        > b.backlog.saturating_mul(u64::from(c.weight.max(1)))
                }
            };
            if more {
                best = Some(s);
            }
        }
        best
    }

    /// Frames and bytes queued on class `s`.
    pub fn queued(&self, s: usize) -> (u32, u64) {
        (self.cls[s].qlen, self.cls[s].backlog)
    }

    /// Port id and weight of class `s` (`None` if never used).
    pub fn class(&self, s: usize) -> Option<(u32, u32)> {
        let c = self.cls.get(s)?;
        c.used.then_some((c.id, c.weight))
    }

    /// Forgets every queued frame (the qdisc was reset); classes stay assigned.
    pub fn reset(&mut self) {
        for c in self.cls.iter_mut() {
            c.qlen = 0;
            c.backlog = 0;
            c.credit = 0;
            c.active = false;
        }
        self.head = 0;
        self.len = 0;
    }
}
