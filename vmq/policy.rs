// SPDX-License-Identifier: GPL-2.0
//! Dynamic VMQ balancing policy: which CPU each VMQ receive queue's interrupt should be on.
//! The kernel side samples the queues' loads once per interval, calls [`rebalance`] and
//! applies the returned [`Move`]s (irq affinity); this file only decides.
//!
//! Pure logic: depends only on `core` (no allocation, fixed-size tables), so the same file is
//! compiled into `vswitch.ko` and into the host test crate (`vswitch/host`).
//!
//! # Model
//!
//! Loads are in hundredths of a percent of one CPU ([`FULL`] = one CPU fully busy). A queue's
//! load is what it cost in the last interval; it is assumed to cost the same on another CPU.
//! A CPU's load is the sum of the loads of the queues on it; a CPU is *in use* when its load
//! is not zero. Only the allowed CPUs (see [`allowed_cpus`]) are used; each queue has a home
//! CPU, spread round robin over them ([`home_cpu`]).
//!
//! # One round ([`rebalance`])
//!
//! After the Windows Server 2012 Dynamic VMQ design: spread queues off CPUs above a high
//! threshold, coalesce them off CPUs below a low one, move a queue at most once per dwell
//! time. Two refinements of the spread, both measured with `vswitch/host/examples/dvmq_sim.rs`
//! on ramp and random-walk traces: it goes down to the middle of the thresholds rather than
//! just under high, and it moves the fewest queues rather than the lightest ones first.
//!
//! 0. **Age.** Every queue's `since_move` is incremented (saturating). A queue may move only
//!    when `since_move >= max(dwell, 1)` (the dwell time), so it moves at most once a round
//!    and at most once every `dwell` rounds. A moved queue gets `since_move = 0`.
//! 1. **Relocate.** A queue on a CPU that is not allowed (the allowed set changed) goes to
//!    its home if that is allowed, else to the allowed CPU with the nearest id (tie: lower).
//!    This ignores the dwell time and the thresholds: the old CPU must not be used.
//! 2. **Spread.** A CPU above the high threshold (hottest first, tie: lower id) gives away
//!    queues until it is at or under the *middle* of the two thresholds, so that a load that
//!    keeps rising does not put it above high again in the next interval. Only queues with a
//!    nonzero load that passed the dwell time move, and never while the CPU has a single
//!    queue with a nonzero load left (one hot queue cannot be helped by moving it). Each move
//!    takes the lightest queue whose load alone brings the CPU to the middle, or, if none
//!    does, the heaviest queue (fewest moves; moving the lightest first churns many small
//!    queues for little relief), among the queues that have a target. A queue's target is
//!    the *nearest* other allowed CPU (distance in the id-sorted allowed list, tie: lower id)
//!    whose load plus the queue's stays at or under the middle, else the nearest one where it
//!    stays at or under the high threshold. No spread (or coalesce) fills a CPU above the
//!    high threshold.
//! 3. **Coalesce**, only in a round in which steps 1 and 2 moved nothing and no CPU above
//!    the high threshold is waiting for a queue's dwell time (CPUs above it that no move can
//!    help do not prevent coalescing). Source CPUs are the in-use CPUs below the low
//!    threshold, least loaded first (tie: lower id). A source is *freed* if every queue on it
//!    with a nonzero load (all of them past the dwell time) can go, heaviest first, to another
//!    in-use CPU whose load plus the queue's stays at or under the LOW threshold; each queue
//!    picks its home if that qualifies, else a qualifying CPU on its home's NUMA node (the
//!    source's node if the home is not allowed), else any qualifying CPU, the busiest first
//!    (tie: nearest to the source, then lower id). If the source cannot be freed, its queues
//!    only go home, each when its home is in use and stays at or under the low threshold.
//!    A CPU that received a queue in this round is no source, and one that gave a queue is
//!    no target (no A->B and B->A in one round). Queues with no load are never coalesced.
//!
//! # Why it settles
//!
//! Under constant loads the rounds stop moving queues: every spread of a CPU starts above the
//! high threshold and lowers the total excess over it (the source loses a nonzero load, the
//! targets stay at or under high) and nothing raises it (coalescing fills targets only up to
//! the low threshold, which is below the high one), so there are finitely many spreads.
//! Between them, every coalescing move lowers (CPUs in use, queues away from home) in
//! lexicographic order: freeing a source frees one CPU and only fills CPUs already in use,
//! and a move home fills a CPU already in use. Because coalesced CPUs stay at or under the
//! low threshold, a coalesce never triggers a spread, which is what keeps the two from undoing
//! each other.
#![allow(dead_code, unreachable_pub)]

/// CPU ids are below this; CPUs with larger ids are ignored.
pub const MAX_CPUS: usize = 64;
/// At most this many queues are balanced: [`rebalance`] ignores the rest of the slice.
pub const MAX_QUEUES: usize = 64;
/// Load unit: hundredths of a percent of one CPU (0..=10000 is one CPU fully busy; may exceed).
pub const FULL: u32 = 10000;
/// "No CPU": [`home_cpu`] of an empty allowed list.
pub const NO_CPU: u32 = u32::MAX;
/// Largest accepted [`Config::dwell`] (intervals).
pub const MAX_DWELL: u32 = 1000;

/// Thresholds and dwell time of the balancer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Config {
    /// Coalesce CPUs below this load (percent of one CPU), and never fill one above it by
    /// coalescing.
    pub low_pct: u32,
    /// Spread queues off CPUs above this load (percent of one CPU).
    pub high_pct: u32,
    /// Minimum number of intervals between two moves of one queue (0 behaves like 1).
    pub dwell: u32,
}

impl Config {
    /// Defaults: coalesce below 30 %, spread above 80 %, a queue moves at most every 2
    /// intervals.
    pub const DEFAULT: Config = Config {
        low_pct: 30,
        high_pct: 80,
        dwell: 2,
    };

    /// Checks `0 < low_pct < high_pct <= 100` and `dwell <= MAX_DWELL`. The error is a short
    /// message fit for a netlink extack.
    pub fn validate(&self) -> Result<(), &'static str> {
        if self.low_pct == 0 {
            return Err("DVMQ low threshold must be at least 1 percent");
        }
        if self.high_pct > 100 {
            return Err("DVMQ high threshold must be at most 100 percent");
        }
        if self.low_pct >= self.high_pct {
            return Err("DVMQ low threshold must be below the high threshold");
        }
        if self.dwell > MAX_DWELL {
            return Err("DVMQ dwell time must be at most 1000 intervals");
        }
        Ok(())
    }

    /// The low threshold in [`FULL`] units.
    pub fn low_load(&self) -> u64 {
        u64::from(self.low_pct) * u64::from(FULL) / 100
    }

    /// The high threshold in [`FULL`] units.
    pub fn high_load(&self) -> u64 {
        u64::from(self.high_pct) * u64::from(FULL) / 100
    }

    /// The middle of the two thresholds in [`FULL`] units: where spreading stops.
    pub fn mid_load(&self) -> u64 {
        (self.low_load() + self.high_load()) / 2
    }

    /// The `since_move` a queue needs (after the round's increment) to be moved.
    pub fn min_age(&self) -> u32 {
        if self.dwell == 0 {
            1
        } else {
            self.dwell
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// An online CPU and its topology.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cpu {
    /// CPU id (below [`MAX_CPUS`]).
    pub id: u32,
    /// NUMA node.
    pub node: u32,
    /// Physical core, the same for SMT siblings and unique in the system, e.g. the lowest
    /// CPU id among the siblings (`cpumask_first(topology_sibling_cpumask(cpu))`).
    pub core: u32,
}

/// Which online CPUs the switch may use: starting at `base` (the first online CPU with
/// id >= `base`), in increasing id order, at most `max` CPUs (0 = no limit), skipping SMT
/// siblings (a CPU whose `core` an earlier chosen CPU has) when `skip_smt`. `online` may be in
/// any order; ids >= [`MAX_CPUS`] and duplicates are ignored. Writes the ids into `out` (at
/// most `out.len()`) and returns their number.
pub fn allowed_cpus(online: &[Cpu], base: u32, max: u32, skip_smt: bool, out: &mut [u32]) -> usize {
    let mut cores = [0u32; MAX_CPUS];
    let mut ncores = 0;
    let mut n = 0;
    let mut next = base;
    while n < out.len() && (max == 0 || n < max as usize) {
        // The online CPU with the smallest id >= next.
        let mut best: Option<&Cpu> = None;
        for c in online {
            let better = match best {
                None => true,
                Some(b) => c.id < b.id,
            };
            if c.id >= next && (c.id as usize) < MAX_CPUS && better {
                best = Some(c);
            }
        }
        let Some(c) = best else { break };
        // c.id < MAX_CPUS, so no overflow.
        next = c.id + 1;
        if skip_smt {
            if cores[..ncores].contains(&c.core) {
                continue;
            }
            // At most MAX_CPUS distinct ids are chosen, so there is room.
            cores[ncores] = c.core;
            ncores += 1;
        }
        out[n] = c.id;
        n += 1;
    }
    n
}

/// Home CPU of the `n`-th queue: spread round robin over the `allowed` CPUs
/// (`allowed[n % allowed.len()]`); [`NO_CPU`] if `allowed` is empty.
pub fn home_cpu(allowed: &[u32], n: usize) -> u32 {
    if allowed.is_empty() {
        NO_CPU
    } else {
        allowed[n % allowed.len()]
    }
}

/// A receive queue as the balancer sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Queue {
    /// Home CPU ([`home_cpu`]).
    pub home: u32,
    /// CPU its interrupt is on now.
    pub cpu: u32,
    /// Load in the last interval ([`FULL`] units).
    pub load: u32,
    /// Rounds since it last moved. [`rebalance`] increments it (saturating) at the start of
    /// every round and sets it to 0 when it moves the queue; callers never touch it, except
    /// to set it for a new queue (`u32::MAX`: free to move at once; 0: stay for the dwell time).
    pub since_move: u32,
}

/// One queue move decided by [`rebalance`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Move {
    /// Index into the queues slice.
    pub queue: usize,
    /// CPU it was on.
    pub from: u32,
    /// CPU it goes to.
    pub to: u32,
}

/// The allowed CPUs of one round: a bit mask and tables indexed by CPU id.
struct Topo {
    mask: u64,
    node: [u32; MAX_CPUS],
    /// Position of each allowed CPU in the id-sorted allowed list.
    pos: [u8; MAX_CPUS],
    /// The allowed CPU ids in increasing order, `order[..len]`.
    order: [u8; MAX_CPUS],
    len: usize,
}

fn bit(cpu: usize) -> u64 {
    1u64 << cpu
}

impl Topo {
    fn new(cpus: &[Cpu]) -> Self {
        let mut t = Topo {
            mask: 0,
            node: [0; MAX_CPUS],
            pos: [0; MAX_CPUS],
            order: [0; MAX_CPUS],
            len: 0,
        };
        for c in cpus {
            let id = c.id as usize;
            if id < MAX_CPUS && t.mask & bit(id) == 0 {
                t.mask |= bit(id);
                t.node[id] = c.node;
            }
        }
        for id in 0..MAX_CPUS {
            if t.mask & bit(id) != 0 {
                // Both are below MAX_CPUS = 64, so they fit in a u8.
                t.pos[id] = t.len as u8;
                t.order[t.len] = id as u8;
                t.len += 1;
            }
        }
        t
    }

    /// `cpu` as an index if it is allowed.
    fn get(&self, cpu: u32) -> Option<usize> {
        let id = cpu as usize;
        (id < MAX_CPUS && self.mask & bit(id) != 0).then_some(id)
    }

    /// The allowed CPUs in increasing id order.
    fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.order[..self.len].iter().map(|&c| c as usize)
    }

    /// Distance of two allowed CPUs in the allowed list.
    fn dist(&self, a: usize, b: usize) -> usize {
        (self.pos[a] as usize).abs_diff(self.pos[b] as usize)
    }

    /// The allowed CPU with the id nearest to `cpu` (tie: lower id); `len` must not be 0.
    fn nearest_id(&self, cpu: u32) -> usize {
        let mut best = self.order[0] as usize;
        for c in self.iter() {
            if (c as u32).abs_diff(cpu) < (best as u32).abs_diff(cpu) {
                best = c;
            }
        }
        best
    }

    /// The nearest allowed CPU other than `from` whose load plus `add` stays at or under
    /// `limit` (tie: lower id).
    fn nearest_fit(
        &self,
        loads: &[u64; MAX_CPUS],
        from: usize,
        add: u64,
        limit: u64,
    ) -> Option<usize> {
        let p = self.pos[from] as usize;
        for d in 1..self.len {
            if p >= d {
                let c = self.order[p - d] as usize;
                if loads[c] + add <= limit {
                    return Some(c);
                }
            }
            if p + d < self.len {
                let c = self.order[p + d] as usize;
                if loads[c] + add <= limit {
                    return Some(c);
                }
            }
        }
        None
    }
}

/// Moves queue `i` to `to` and records the move; the caller has checked there is room.
fn record(queues: &mut [Queue], moves: &mut [Move], n: &mut usize, i: usize, to: usize) {
    let q = &mut queues[i];
    // `to` is below MAX_CPUS.
    let to = to as u32;
    moves[*n] = Move {
        queue: i,
        from: q.cpu,
        to,
    };
    *n += 1;
    q.cpu = to;
    q.since_move = 0;
}

/// State of the coalescing step.
struct Coalesce {
    low: u64,
    min_age: u32,
    /// CPUs that gave a queue this round (no targets).
    gave: u64,
    /// CPUs that received a queue this round (no sources).
    got: u64,
}

impl Coalesce {
    /// Whether `t` may receive `load` from `src`.
    fn fits(&self, loads: &[u64; MAX_CPUS], src: usize, t: usize, load: u64) -> bool {
        t != src && loads[t] > 0 && self.gave & bit(t) == 0 && loads[t] + load <= self.low
    }

    /// Where queue `q` (on `src`) goes if `src` is freed.
    fn target(&self, topo: &Topo, loads: &[u64; MAX_CPUS], src: usize, q: &Queue) -> Option<usize> {
        let load = u64::from(q.load);
        let home = topo.get(q.home);
        if let Some(h) = home {
            if self.fits(loads, src, h, load) {
                return Some(h);
            }
        }
        let node = topo.node[home.unwrap_or(src)];
        // Best by (other node, -load, distance); the iteration order breaks ties by lower id.
        let mut best: Option<(bool, u64, usize, usize)> = None;
        for t in topo.iter() {
            if !self.fits(loads, src, t, load) {
                continue;
            }
            let far = topo.node[t] != node;
            let key = (far, u64::MAX - loads[t], topo.dist(src, t), t);
            let better = match best {
                None => true,
                Some(b) => (key.0, key.1, key.2) < (b.0, b.1, b.2),
            };
            if better {
                best = Some(key);
            }
        }
        best.map(|b| b.3)
    }

    /// Tries to move every queue with a nonzero load off `src`; all or nothing.
    fn free(
        &mut self,
        topo: &Topo,
        loads: &mut [u64; MAX_CPUS],
        src: usize,
        queues: &mut [Queue],
        moves: &mut [Move],
        n: &mut usize,
    ) -> bool {
        // (queue, target), both below 64 (queues.len() <= MAX_QUEUES, targets < MAX_CPUS).
        let mut plan = [(0u8, 0u8); MAX_QUEUES];
        let mut k = 0;
        for (i, q) in queues.iter().enumerate() {
            if q.cpu as usize == src && q.load > 0 {
                if q.since_move < self.min_age {
                    return false;
                }
                plan[k].0 = i as u8;
                k += 1;
            }
        }
        if k == 0 || *n + k > moves.len() {
            return false;
        }
        // Heaviest first (tie: lower index); insertion sort, k <= MAX_QUEUES.
        for a in 1..k {
            let mut b = a;
            while b > 0 && queues[plan[b].0 as usize].load > queues[plan[b - 1].0 as usize].load {
                plan.swap(b, b - 1);
                b -= 1;
            }
        }
        let mut placed = 0;
        while placed < k {
            let q = &queues[plan[placed].0 as usize];
            let Some(t) = self.target(topo, loads, src, q) else {
                break;
            };
            loads[t] += u64::from(q.load);
            plan[placed].1 = t as u8;
            placed += 1;
        }
        if placed < k {
            for &(i, t) in &plan[..placed] {
                loads[t as usize] -= u64::from(queues[i as usize].load);
            }
            return false;
        }
        for &(i, t) in &plan[..k] {
            let (i, t) = (i as usize, t as usize);
            loads[src] -= u64::from(queues[i].load);
            self.got |= bit(t);
            record(queues, moves, n, i, t);
        }
        self.gave |= bit(src);
        true
    }

    /// Moves the queues on `src` that can go home (home in use, stays within low).
    fn home(
        &mut self,
        topo: &Topo,
        loads: &mut [u64; MAX_CPUS],
        src: usize,
        queues: &mut [Queue],
        moves: &mut [Move],
        n: &mut usize,
    ) {
        for i in 0..queues.len() {
            if *n >= moves.len() {
                return;
            }
            let q = queues[i];
            if q.cpu as usize != src || q.load == 0 || q.since_move < self.min_age {
                continue;
            }
            let Some(h) = topo.get(q.home) else {
                continue;
            };
            let load = u64::from(q.load);
            if !self.fits(loads, src, h, load) {
                continue;
            }
            loads[src] -= load;
            loads[h] += load;
            self.gave |= bit(src);
            self.got |= bit(h);
            record(queues, moves, n, i, h);
        }
    }
}

/// One balancing round, called once per sampling interval after the queues' loads were
/// sampled (see the file's documentation for the algorithm).
///
/// - `cfg`: thresholds and dwell time; an invalid one (see [`Config::validate`]) moves nothing
///   (the round still counts for `since_move`).
/// - `cpus`: the allowed CPUs ([`allowed_cpus`]) with their topology (NUMA node); any order.
/// - `queues`: the queues; only the first [`MAX_QUEUES`] are looked at. Their `since_move` is
///   incremented here (saturating) every round, so callers do not increment it. Moved queues
///   get their new `cpu` and `since_move = 0`.
/// - `moves`: receives the moves, in the order they were decided; the caller applies them
///   (irq affinity). A queue moves at most once a round, so `moves.len() >= queues.len()`
///   never cuts a round short; with less room the round stops when `moves` is full.
///
/// Returns the number of moves written.
pub fn rebalance(cfg: &Config, cpus: &[Cpu], queues: &mut [Queue], moves: &mut [Move]) -> usize {
    let nq = queues.len().min(MAX_QUEUES);
    let queues = &mut queues[..nq];
    for q in queues.iter_mut() {
        q.since_move = q.since_move.saturating_add(1);
    }
    let topo = Topo::new(cpus);
    if cfg.validate().is_err() || topo.len == 0 {
        return 0;
    }
    let high = cfg.high_load();
    let min_age = cfg.min_age();
    let mut n = 0;

    // 1. Relocate queues off CPUs that are not allowed.
    for i in 0..queues.len() {
        if n >= moves.len() {
            return n;
        }
        let q = queues[i];
        if topo.get(q.cpu).is_some() {
            continue;
        }
        let to = topo.get(q.home).unwrap_or_else(|| topo.nearest_id(q.home));
        record(queues, moves, &mut n, i, to);
    }

    let mut loads = [0u64; MAX_CPUS];
    for q in queues.iter() {
        // Every queue is on an allowed CPU now.
        if let Some(c) = topo.get(q.cpu) {
            loads[c] += u64::from(q.load);
        }
    }

    // 2. Spread: hottest CPU above high first, down to the middle of the thresholds.
    let mid = cfg.mid_load();
    let mut pending = false;
    let mut done = 0u64;
    loop {
        let mut hot = None;
        let mut hot_load = high;
        for c in topo.iter() {
            if done & bit(c) == 0 && loads[c] > hot_load {
                hot = Some(c);
                hot_load = loads[c];
            }
        }
        let Some(c) = hot else { break };
        done |= bit(c);
        while loads[c] > mid && n < moves.len() {
            let need = loads[c] - mid;
            let mut busy = 0;
            let mut blocked = false;
            // (queue, target): the lightest queue that alone is enough, the heaviest one.
            let mut enough: Option<(usize, usize)> = None;
            let mut heaviest: Option<(usize, usize)> = None;
            for (i, q) in queues.iter().enumerate() {
                if q.cpu as usize != c || q.load == 0 {
                    continue;
                }
                busy += 1;
                if q.since_move < min_age {
                    blocked = true;
                    continue;
                }
                let load = u64::from(q.load);
                let Some(t) = topo
                    .nearest_fit(&loads, c, load, mid)
                    .or_else(|| topo.nearest_fit(&loads, c, load, high))
                else {
                    continue;
                };
                let lighter = match enough {
                    None => true,
                    Some((j, _)) => q.load < queues[j].load,
                };
                if load >= need && lighter {
                    enough = Some((i, t));
                }
                let heavier = match heaviest {
                    None => true,
                    Some((j, _)) => q.load > queues[j].load,
                };
                if heavier {
                    heaviest = Some((i, t));
                }
            }
            if busy < 2 {
                break;
            }
            let Some((i, t)) = enough.or(heaviest) else {
                pending |= blocked;
                break;
            };
            let load = u64::from(queues[i].load);
            loads[c] -= load;
            loads[t] += load;
            record(queues, moves, &mut n, i, t);
        }
    }
    if n > 0 || pending {
        return n;
    }

    // 3. Coalesce: least loaded source below low first.
    let mut co = Coalesce {
        low: cfg.low_load(),
        min_age,
        gave: 0,
        got: 0,
    };
    let mut tried = 0u64;
    loop {
        let mut src = None;
        let mut src_load = co.low;
        for c in topo.iter() {
            if (tried | co.got) & bit(c) == 0 && loads[c] > 0 && loads[c] < src_load {
                src = Some(c);
                src_load = loads[c];
            }
        }
        let Some(s) = src else { break };
        tried |= bit(s);
        if !co.free(&topo, &mut loads, s, queues, moves, &mut n) {
            co.home(&topo, &mut loads, s, queues, moves, &mut n);
        }
    }
    n
}
