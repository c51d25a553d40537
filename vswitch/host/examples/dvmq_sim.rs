//! Dynamic VMQ simulator: replays load traces over 8 CPUs and 16 queues, one balancing
//! interval per step, with three policies, and prints a markdown table of the metrics.
//!
//! `cargo run -p vswitch-host --example dvmq_sim`
//!
//! - **static**: every queue stays on its home CPU.
//! - **irqbalance**: every 10 intervals all queues are reassigned greedily, heaviest first, to
//!   the least loaded CPU (tie: fewer queues, then lower id), from the last interval's loads,
//!   with no hysteresis.
//! - **dvmq**: `vmq/policy.rs` [`rebalance`] every interval ([`Config::DEFAULT`]: low 30 %,
//!   high 80 %, dwell 2).
//!
//! Each step first runs the interval on the current placement (the metrics are measured
//! there), then the policy sees the interval's loads and may move queues for the next one.
//!
//! `DVMQ_SIM_SHOW=<trace name>` also prints every interval's placement to stderr.
//!
//! The tests (`tests/dvmq.rs`) include this file with `#[path]` and check the goals on it.
use vswitch_host::dvmq::{self, rebalance, Config, Cpu, Move, Queue};

/// CPUs of the simulated machine (2 NUMA nodes of 4, no SMT).
pub const NCPUS: usize = 8;
/// Queues (vPorts); homes round robin, so every CPU is home of two.
pub const NQUEUES: usize = 16;
/// A queue returning to a CPU it left at most this many intervals ago is an oscillation.
pub const OSC_WINDOW: usize = 10;
/// The irqbalance-like policy reassigns every this many intervals.
pub const IRQBALANCE_PERIOD: usize = 10;

/// A load trace: `loads[step][queue]` in `dvmq::FULL` units.
pub struct Trace {
    pub name: &'static str,
    pub loads: Vec<[u32; NQUEUES]>,
}

/// SplitMix64: a tiny deterministic PRNG (no crates).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: u32, hi: u32) -> u32 {
        lo + (self.next_u64() % u64::from(hi - lo + 1)) as u32
    }

    /// True with probability `pct` percent.
    pub fn chance(&mut self, pct: u32) -> bool {
        self.range(0, 99) < pct
    }
}

/// (a) Idle for 10 intervals, a linear ramp over 60 intervals to uneven peaks (1500..4500
/// per queue, 60 % of the machine in total; the two queues homed on every fourth CPU add up
/// to 9000, above the high threshold), then 50 intervals at the peak.
pub fn ramp() -> Trace {
    let mut loads = Vec::new();
    for t in 0..120u32 {
        let mut l = [0; NQUEUES];
        for (q, v) in l.iter_mut().enumerate() {
            let peak = 1500 + (q as u32 % 4) * 1000;
            *v = match t {
                0..=9 => 0,
                10..=69 => peak * (t - 9) / 60,
                _ => peak,
            };
        }
        loads.push(l);
    }
    Trace {
        name: "ramp",
        loads,
    }
}

/// (b) Light base load (100..300) with short spikes: every interval each queue starts a
/// 1..3 interval spike of 5000..7000 with probability 4 %.
pub fn burst() -> Trace {
    let mut rng = Rng::new(0xb0b5);
    let mut left = [0u32; NQUEUES];
    let mut level = [0u32; NQUEUES];
    let mut loads = Vec::new();
    for _ in 0..150 {
        let mut l = [0; NQUEUES];
        for q in 0..NQUEUES {
            if left[q] == 0 && rng.chance(4) {
                left[q] = rng.range(1, 3);
                level[q] = rng.range(5000, 7000);
            }
            l[q] = if left[q] > 0 {
                left[q] -= 1;
                level[q]
            } else {
                rng.range(100, 300)
            };
        }
        loads.push(l);
    }
    Trace {
        name: "burst",
        loads,
    }
}

/// (c) Idle: background traffic only (half the queues 50..250, the others silent).
pub fn idle() -> Trace {
    let mut rng = Rng::new(0x1d1e);
    let loads = (0..100)
        .map(|_| {
            let mut l = [0; NQUEUES];
            for (q, v) in l.iter_mut().enumerate() {
                *v = if q % 2 == 0 { rng.range(50, 250) } else { 0 };
            }
            l
        })
        .collect();
    Trace {
        name: "idle",
        loads,
    }
}

/// (d) One hot vPort (queue 0, 9000..9800: one queue alone above the high threshold) among
/// 15 light ones (100..400).
pub fn hot_vport() -> Trace {
    let mut rng = Rng::new(0x4070);
    let loads = (0..120)
        .map(|_| {
            let mut l = [0; NQUEUES];
            for (q, v) in l.iter_mut().enumerate() {
                *v = if q == 0 {
                    rng.range(9000, 9800)
                } else {
                    rng.range(100, 400)
                };
            }
            l
        })
        .collect();
    Trace {
        name: "hot vPort",
        loads,
    }
}

/// (e) Random walk: every queue starts at 1000 and moves by -400..=400 each interval,
/// clamped to 0..=6000.
pub fn random_walk() -> Trace {
    let mut rng = Rng::new(0x5eed);
    let mut cur = [1000u32; NQUEUES];
    let mut loads = Vec::new();
    for _ in 0..200 {
        for v in cur.iter_mut() {
            let step = rng.range(0, 800) as i64 - 400;
            *v = (*v as i64 + step).clamp(0, 6000) as u32;
        }
        loads.push(cur);
    }
    Trace {
        name: "random walk",
        loads,
    }
}

pub fn traces() -> Vec<Trace> {
    vec![ramp(), burst(), idle(), hot_vport(), random_walk()]
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Policy {
    Static,
    Irqbalance,
    Dvmq,
}

impl Policy {
    pub const ALL: [Policy; 3] = [Policy::Static, Policy::Irqbalance, Policy::Dvmq];

    pub fn name(self) -> &'static str {
        match self {
            Policy::Static => "static",
            Policy::Irqbalance => "irqbalance",
            Policy::Dvmq => "dvmq",
        }
    }
}

#[derive(Clone, Debug, Default)]
pub struct Metrics {
    /// Average number of CPUs hosting at least one queue with a nonzero load.
    pub avg_cpus: f64,
    /// Intervals in which some CPU was above the high threshold.
    pub over_high: usize,
    /// Intervals in which some CPU was above the high threshold while another CPU could have
    /// taken one of its queues (its lightest loaded queue, not its only loaded one) and
    /// stayed at or under the high threshold.
    pub hot_spare: usize,
    /// Longest run of consecutive such intervals of one CPU.
    pub longest: usize,
    /// Rounds after which, with the loads the policy had just seen, some CPU was still above
    /// the high threshold while another CPU could have taken one of its queues (what the
    /// policy left undone, as opposed to new load it could not foresee).
    pub left_hot: usize,
    /// Queue moves.
    pub moves: usize,
    /// Moves of a queue back to a CPU it left at most `OSC_WINDOW` intervals before.
    pub oscillations: usize,
}

pub fn cpus() -> Vec<Cpu> {
    (0..NCPUS as u32)
        .map(|id| Cpu {
            id,
            node: id / 4,
            core: id,
        })
        .collect()
}

fn cpu_loads(queues: &[Queue]) -> [u64; NCPUS] {
    let mut l = [0u64; NCPUS];
    for q in queues {
        l[q.cpu as usize] += u64::from(q.load);
    }
    l
}

/// Whether CPU `c` is above `high` while another CPU could take one of its queues.
fn hot_with_spare(queues: &[Queue], loads: &[u64; NCPUS], c: usize, high: u64) -> bool {
    if loads[c] <= high {
        return false;
    }
    let on: Vec<u64> = queues
        .iter()
        .filter(|q| q.cpu as usize == c && q.load > 0)
        .map(|q| u64::from(q.load))
        .collect();
    if on.len() < 2 {
        return false;
    }
    let lightest = *on.iter().min().unwrap();
    (0..NCPUS).any(|t| t != c && loads[t] + lightest <= high)
}

/// One line per interval for `DVMQ_SIM_SHOW=<trace name>`: per CPU its load (`!` above
/// high) and its queues as `queue=load` (`*`: moved in the last round).
fn placement(
    t: usize,
    policy: Policy,
    queues: &[Queue],
    loads: &[u64; NCPUS],
    high: u64,
) -> String {
    let mut line = format!("{:10} t={t:3}", policy.name());
    for (c, &l) in loads.iter().enumerate() {
        let mark = if l > high { '!' } else { ' ' };
        line += &format!(" |{l:5}{mark}:");
        for (i, q) in queues
            .iter()
            .enumerate()
            .filter(|(_, q)| q.cpu as usize == c)
        {
            let moved = if q.since_move == 0 { "*" } else { "" };
            line += &format!(" {i}={}{moved}", q.load);
        }
    }
    line
}

fn irqbalance(queues: &mut [Queue]) {
    let mut order: Vec<usize> = (0..queues.len()).collect();
    order.sort_by_key(|&i| (std::cmp::Reverse(queues[i].load), i));
    let mut load = [0u64; NCPUS];
    let mut count = [0usize; NCPUS];
    for i in order {
        let c = (0..NCPUS).min_by_key(|&c| (load[c], count[c], c)).unwrap();
        load[c] += u64::from(queues[i].load);
        count[c] += 1;
        queues[i].cpu = c as u32;
    }
}

/// Replays `trace` with `policy`; `cfg`'s thresholds are used for the metrics too.
pub fn simulate(trace: &Trace, policy: Policy, cfg: &Config) -> Metrics {
    let cpus = cpus();
    let mut allowed = [0u32; dvmq::MAX_CPUS];
    let na = dvmq::allowed_cpus(&cpus, 0, 0, false, &mut allowed);
    let mut queues: Vec<Queue> = (0..NQUEUES)
        .map(|n| {
            let home = dvmq::home_cpu(&allowed[..na], n);
            Queue {
                home,
                cpu: home,
                load: 0,
                since_move: u32::MAX,
            }
        })
        .collect();
    let high = cfg.high_load();
    let show = std::env::var("DVMQ_SIM_SHOW").ok();
    let mut m = Metrics::default();
    let mut in_use_sum = 0usize;
    let mut streak = [0usize; NCPUS];
    // left[q][c]: interval in which queue q last left CPU c.
    let mut left = vec![[None::<usize>; NCPUS]; NQUEUES];
    let mut moves = [Move {
        queue: 0,
        from: 0,
        to: 0,
    }; NQUEUES];
    for (t, step) in trace.loads.iter().enumerate() {
        for (q, &l) in queues.iter_mut().zip(step) {
            q.load = l;
        }
        // The interval runs on the current placement.
        let loads = cpu_loads(&queues);
        in_use_sum += (0..NCPUS)
            .filter(|&c| queues.iter().any(|q| q.cpu as usize == c && q.load > 0))
            .count();
        if loads.iter().any(|&l| l > high) {
            m.over_high += 1;
        }
        let mut any = false;
        for (c, s) in streak.iter_mut().enumerate() {
            if hot_with_spare(&queues, &loads, c, high) {
                any = true;
                *s += 1;
                m.longest = m.longest.max(*s);
            } else {
                *s = 0;
            }
        }
        if any {
            m.hot_spare += 1;
        }
        if show.as_deref() == Some(trace.name) {
            eprintln!("{}", placement(t, policy, &queues, &loads, high));
        }
        // Then the policy reacts to the sampled loads.
        let before: Vec<u32> = queues.iter().map(|q| q.cpu).collect();
        match policy {
            Policy::Static => {}
            Policy::Irqbalance => {
                if t % IRQBALANCE_PERIOD == IRQBALANCE_PERIOD - 1 {
                    irqbalance(&mut queues);
                }
            }
            Policy::Dvmq => {
                let n = rebalance(cfg, &cpus, &mut queues, &mut moves);
                for mv in &moves[..n] {
                    assert_eq!(before[mv.queue], mv.from);
                    assert_eq!(queues[mv.queue].cpu, mv.to);
                }
            }
        }
        let after = cpu_loads(&queues);
        if (0..NCPUS).any(|c| hot_with_spare(&queues, &after, c, high)) {
            m.left_hot += 1;
        }
        for (i, q) in queues.iter().enumerate() {
            let (from, to) = (before[i] as usize, q.cpu as usize);
            if from == to {
                continue;
            }
            m.moves += 1;
            if left[i][to].is_some_and(|l| t - l <= OSC_WINDOW) {
                m.oscillations += 1;
            }
            left[i][from] = Some(t);
        }
    }
    m.avg_cpus = in_use_sum as f64 / trace.loads.len() as f64;
    m
}

/// Metrics of every trace with every policy, in [`traces`] x [`Policy::ALL`] order.
pub fn run_all(cfg: &Config) -> Vec<(&'static str, Policy, Metrics)> {
    let mut out = Vec::new();
    for tr in traces() {
        for p in Policy::ALL {
            out.push((tr.name, p, simulate(&tr, p, cfg)));
        }
    }
    out
}

fn main() {
    let cfg = Config::DEFAULT;
    println!(
        "{NCPUS} CPUs (2 nodes), {NQUEUES} queues, low {} %, high {} %, dwell {}; \
         oscillation = back to a CPU left <= {OSC_WINDOW} intervals before\n",
        cfg.low_pct, cfg.high_pct, cfg.dwell
    );
    println!(
        "| trace | policy | avg CPUs in use | intervals over high | over high with spare CPU \
         | longest streak (one CPU) | rounds leaving one | moves | oscillations |"
    );
    println!("|---|---|---:|---:|---:|---:|---:|---:|---:|");
    for (trace, p, m) in run_all(&cfg) {
        println!(
            "| {trace} | {} | {:.2} | {} | {} | {} | {} | {} | {} |",
            p.name(),
            m.avg_cpus,
            m.over_high,
            m.hot_spare,
            m.longest,
            m.left_hot,
            m.moves,
            m.oscillations
        );
    }
}
