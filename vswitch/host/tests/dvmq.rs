//! `vmq/policy.rs`: the Dynamic VMQ balancing policy (allowed CPUs, homes, spread, coalesce,
//! dwell time), plus the simulator's goals (`examples/dvmq_sim.rs`).
use vswitch_host::dvmq::{
    allowed_cpus, home_cpu, rebalance, Config, Cpu, Move, Queue, MAX_CPUS, NO_CPU,
};

#[allow(dead_code)]
#[path = "../examples/dvmq_sim.rs"]
mod sim;

const CFG: Config = Config {
    low_pct: 30,
    high_pct: 80,
    dwell: 2,
};

/// `n` CPUs, `per_node` to a NUMA node, no SMT.
fn cpus(n: u32, per_node: u32) -> Vec<Cpu> {
    (0..n)
        .map(|id| Cpu {
            id,
            node: id / per_node,
            core: id,
        })
        .collect()
}

/// A queue free to move (long past the dwell time).
fn q(home: u32, cpu: u32, load: u32) -> Queue {
    Queue {
        home,
        cpu,
        load,
        since_move: 100,
    }
}

/// Runs one round and returns the moves.
fn round(cfg: &Config, cpus: &[Cpu], queues: &mut [Queue]) -> Vec<Move> {
    let mut moves = vec![
        Move {
            queue: usize::MAX,
            from: 0,
            to: 0
        };
        queues.len()
    ];
    let n = rebalance(cfg, cpus, queues, &mut moves);
    moves.truncate(n);
    moves
}

fn mv(queue: usize, from: u32, to: u32) -> Move {
    Move { queue, from, to }
}

fn cpu_load(queues: &[Queue], cpu: u32) -> u64 {
    queues
        .iter()
        .filter(|q| q.cpu == cpu)
        .map(|q| u64::from(q.load))
        .sum()
}

#[test]
fn validate() {
    assert_eq!(CFG.validate(), Ok(()));
    assert_eq!(Config::DEFAULT.validate(), Ok(()));
    assert_eq!(Config::default(), Config::DEFAULT);
    let ok = |low_pct, high_pct, dwell| Config {
        low_pct,
        high_pct,
        dwell,
    };
    assert_eq!(ok(1, 100, 0).validate(), Ok(()));
    assert_eq!(ok(99, 100, 1000).validate(), Ok(()));
    let errs = [
        ok(0, 80, 2).validate().unwrap_err(),
        ok(30, 101, 2).validate().unwrap_err(),
        ok(80, 80, 2).validate().unwrap_err(),
        ok(90, 80, 2).validate().unwrap_err(),
        ok(30, 80, 1001).validate().unwrap_err(),
    ];
    assert!(errs[0].contains("low"), "{}", errs[0]);
    assert!(errs[1].contains("high"), "{}", errs[1]);
    assert_eq!(errs[2], errs[3]);
    assert!(errs[4].contains("dwell"), "{}", errs[4]);
    // Distinct, short, printable: fit for an extack message.
    for (i, e) in errs.iter().enumerate() {
        assert!(!e.is_empty() && e.len() < 80 && e.is_ascii(), "{e}");
        assert!(errs[..i].iter().filter(|x| *x == e).count() <= 1);
    }
    assert_ne!(errs[0], errs[1]);
    assert_ne!(errs[1], errs[2]);
    assert_ne!(errs[2], errs[4]);
    // Units.
    assert_eq!(CFG.low_load(), 3000);
    assert_eq!(CFG.high_load(), 8000);
    assert_eq!(CFG.mid_load(), 5500);
}

#[test]
fn invalid_config_moves_nothing() {
    let cpus = cpus(4, 4);
    let mut queues = [q(0, 9, 9000), q(0, 0, 5000), q(0, 0, 5000)];
    let bad = Config {
        low_pct: 80,
        high_pct: 30,
        dwell: 2,
    };
    assert!(round(&bad, &cpus, &mut queues).is_empty());
    assert_eq!(queues[0].cpu, 9);
    // But the round still counts for the dwell time.
    assert_eq!(queues[0].since_move, 101);
}

/// 8 CPUs, SMT pairs (0,1), (2,3), ... on two nodes.
fn smt8() -> Vec<Cpu> {
    (0..8)
        .map(|id| Cpu {
            id,
            node: id / 4,
            core: id / 2,
        })
        .collect()
}

fn allowed(online: &[Cpu], base: u32, max: u32, skip_smt: bool) -> Vec<u32> {
    let mut out = [0u32; MAX_CPUS];
    let n = allowed_cpus(online, base, max, skip_smt, &mut out);
    out[..n].to_vec()
}

#[test]
fn allowed_cpus_base_max_smt() {
    let c = smt8();
    assert_eq!(allowed(&c, 0, 0, false), [0, 1, 2, 3, 4, 5, 6, 7]);
    assert_eq!(allowed(&c, 3, 0, false), [3, 4, 5, 6, 7]);
    assert_eq!(allowed(&c, 3, 2, false), [3, 4]);
    assert_eq!(allowed(&c, 0, 100, false), [0, 1, 2, 3, 4, 5, 6, 7]);
    assert_eq!(allowed(&c, 0, 0, true), [0, 2, 4, 6]);
    // From an odd base the first sibling of each core is the one taken.
    assert_eq!(allowed(&c, 1, 0, true), [1, 2, 4, 6]);
    assert_eq!(allowed(&c, 1, 2, true), [1, 2]);
    assert_eq!(allowed(&c, 8, 0, false), [] as [u32; 0]);
    assert_eq!(allowed(&[], 0, 0, false), [] as [u32; 0]);

    // Offline CPUs (holes), any order, duplicates and ids >= MAX_CPUS.
    let mut odd: Vec<Cpu> = smt8()
        .into_iter()
        .filter(|c| c.id != 2 && c.id != 5)
        .collect();
    odd.reverse();
    odd.push(Cpu {
        id: 3,
        node: 0,
        core: 1,
    });
    odd.push(Cpu {
        id: 200,
        node: 0,
        core: 100,
    });
    assert_eq!(allowed(&odd, 0, 0, false), [0, 1, 3, 4, 6, 7]);
    assert_eq!(allowed(&odd, 2, 0, false), [3, 4, 6, 7]);
    assert_eq!(allowed(&odd, 0, 0, true), [0, 3, 4, 6]);

    // `out` limits the count.
    let mut out = [0u32; 3];
    assert_eq!(allowed_cpus(&c, 0, 0, false, &mut out), 3);
    assert_eq!(out, [0, 1, 2]);
    assert_eq!(allowed_cpus(&c, 0, 0, false, &mut []), 0);
}

#[test]
fn home_cpu_round_robin() {
    let a = [2, 4, 6];
    let homes: Vec<u32> = (0..7).map(|n| home_cpu(&a, n)).collect();
    assert_eq!(homes, [2, 4, 6, 2, 4, 6, 2]);
    assert_eq!(home_cpu(&[5], 1000), 5);
    assert_eq!(home_cpu(&[], 0), NO_CPU);
}

#[test]
fn since_move_is_counted_by_rebalance() {
    let cpus = cpus(2, 2);
    // CPU 0 (100) is light, but CPU 1 (5000) has no room within the low threshold.
    let mut queues = [q(0, 0, 100), q(1, 1, 5000), q(0, 0, 0)];
    queues[0].since_move = 0;
    queues[1].since_move = u32::MAX;
    queues[2].since_move = 7;
    assert!(round(&CFG, &cpus, &mut queues).is_empty());
    assert_eq!(queues[0].since_move, 1);
    assert_eq!(queues[1].since_move, u32::MAX);
    assert_eq!(queues[2].since_move, 8);
}

#[test]
fn spread_lightest_sufficient_queue_to_nearest_cpu() {
    let cpus = cpus(5, 8);
    // CPU 2 at 9500: needs 4000 off to reach the middle (5500); the 4000 queue is the
    // lightest that is enough (not the 500 one, not the 5000 one).
    let mut queues = [q(2, 2, 5000), q(2, 2, 4000), q(2, 2, 500), q(0, 0, 1000)];
    let moves = round(&CFG, &cpus, &mut queues);
    // Nearest: 1 and 3 are at distance 1, the lower id wins.
    assert_eq!(moves, [mv(1, 2, 1)]);
    assert_eq!(queues[1].cpu, 1);
    assert_eq!(queues[1].since_move, 0);
    assert_eq!(cpu_load(&queues, 2), 5500);

    // CPU 1 would end above the middle (3000 + 4000), CPU 3 would not: 3 wins.
    let mut queues = [q(2, 2, 5000), q(2, 2, 4000), q(2, 2, 500), q(1, 1, 3000)];
    assert_eq!(round(&CFG, &cpus, &mut queues), [mv(1, 2, 3)]);

    // Nobody stays under the middle: the nearest that stays under high (1, then 3).
    let mut queues = [
        q(2, 2, 5000),
        q(2, 2, 4000),
        q(2, 2, 500),
        q(0, 0, 4000),
        q(1, 1, 4000),
        q(3, 3, 4000),
        q(4, 4, 4000),
    ];
    assert_eq!(round(&CFG, &cpus, &mut queues), [mv(1, 2, 1)]);
    // If 1 would go above high, 3.
    queues[1] = q(2, 2, 4000);
    queues[4].load = 4100;
    assert_eq!(round(&CFG, &cpus, &mut queues), [mv(1, 2, 3)]);
}

#[test]
fn spread_nearest_is_by_position_in_allowed_list() {
    // Allowed 0, 4, 5, 9: from 9, the nearest in the list is 5 (then 4, then 0).
    let cpus: Vec<Cpu> = [0, 4, 5, 9]
        .iter()
        .map(|&id| Cpu {
            id,
            node: 0,
            core: id,
        })
        .collect();
    let mut queues = [q(9, 9, 5000), q(9, 9, 4000), q(5, 5, 5000)];
    // 4000 is enough (9000 - 5500); 5 would end at 9000: next in the list is 4.
    assert_eq!(round(&CFG, &cpus, &mut queues), [mv(1, 9, 4)]);
}

#[test]
fn spread_without_a_sufficient_queue_moves_the_heaviest() {
    let cpus = cpus(4, 4);
    let mut queues = [q(0, 0, 2500), q(0, 0, 2600), q(0, 0, 2500), q(0, 0, 2400)];
    // 10000, 4500 to go: none is enough, the heaviest (2600) goes first; then 7400, 1900 to
    // go: the lightest enough is 2400, onto the same nearest CPU (5000 <= middle).
    let moves = round(&CFG, &cpus, &mut queues);
    assert_eq!(moves, [mv(1, 0, 1), mv(3, 0, 1)]);
    assert_eq!(cpu_load(&queues, 0), 5000);
    assert_eq!(cpu_load(&queues, 1), 5000);
}

#[test]
fn single_hot_queue_is_not_moved() {
    let cpus = cpus(4, 4);
    let mut queues = [q(0, 0, 9500), q(0, 0, 0), q(1, 1, 100)];
    assert!(round(&CFG, &cpus, &mut queues).is_empty());
    assert_eq!(queues[0].cpu, 0);

    // Light queues leave the hot one's CPU; the hot queue stays.
    let mut queues = [q(0, 0, 9500), q(0, 0, 300), q(0, 0, 200), q(1, 1, 100)];
    let moves = round(&CFG, &cpus, &mut queues);
    assert_eq!(moves, [mv(1, 0, 1), mv(2, 0, 1)]);
    assert_eq!(queues[0].cpu, 0);
    // And then it stays quiet: the CPU is above high, but nothing can help it.
    for _ in 0..10 {
        assert!(round(&CFG, &cpus, &mut queues).is_empty());
    }
}

#[test]
fn spread_needs_a_target() {
    // Two CPUs, both busy: nothing fits anywhere, nothing moves.
    let cpus = cpus(2, 2);
    let mut queues = [q(0, 0, 5000), q(0, 0, 5000), q(1, 1, 7000)];
    assert!(round(&CFG, &cpus, &mut queues).is_empty());
}

#[test]
fn dwell_respected() {
    let cpus = cpus(4, 4);
    let cfg = Config { dwell: 3, ..CFG };
    // Hot CPU 0: both queues just moved there.
    let mut queues = [q(0, 0, 5000), q(0, 0, 4000)];
    queues[0].since_move = 0;
    queues[1].since_move = 0;
    // Rounds 1 and 2: since_move 1, 2 < 3.
    assert!(round(&cfg, &cpus, &mut queues).is_empty());
    assert!(round(&cfg, &cpus, &mut queues).is_empty());
    // Round 3: both may move; the 4000 one (lightest enough for 9000 - 5500) goes.
    assert_eq!(round(&cfg, &cpus, &mut queues), [mv(1, 0, 1)]);

    // Coalescing waits too: two light CPUs whose queues both just moved.
    let mut queues = [q(0, 0, 100), q(1, 1, 2000)];
    queues[0].since_move = 0;
    queues[1].since_move = 0;
    assert!(round(&cfg, &cpus, &mut queues).is_empty());
    assert!(round(&cfg, &cpus, &mut queues).is_empty());
    assert_eq!(round(&cfg, &cpus, &mut queues), [mv(0, 0, 1)]);

    // dwell 0 behaves like 1: at most one move per queue per round.
    let cfg0 = Config { dwell: 0, ..CFG };
    let mut queues = [q(0, 0, 5000), q(0, 0, 4000)];
    queues[1].since_move = 0;
    assert_eq!(round(&cfg0, &cpus, &mut queues), [mv(1, 0, 1)]);
}

#[test]
fn spread_waiting_for_dwell_blocks_coalescing() {
    let cpus = cpus(4, 4);
    // CPU 0 is hot with a queue that cannot move yet (and the other is too heavy to fit
    // anywhere); CPUs 2 and 3 are light and could be coalesced, but not in this round.
    let mut queues = [
        q(0, 0, 8500),
        q(0, 0, 500),
        q(1, 1, 7600),
        q(2, 2, 200),
        q(3, 3, 200),
    ];
    queues[1].since_move = 0;
    assert!(round(&CFG, &cpus, &mut queues).is_empty());
    // Next round the light queue leaves CPU 0 (to 2: 1 is too busy).
    assert_eq!(round(&CFG, &cpus, &mut queues), [mv(1, 0, 2)]);
}

#[test]
fn coalesce_prefers_home() {
    let cpus = cpus(8, 4);
    // Queue 0 (home 2) sits alone on CPU 5. CPU 6 (same node as 5, busier) would do, but
    // its home 2 is in use and has room.
    let mut queues = [q(2, 5, 500), q(2, 2, 1000), q(6, 6, 2000)];
    assert_eq!(round(&CFG, &cpus, &mut queues), [mv(0, 5, 2)]);
    // Settled.
    for _ in 0..5 {
        assert!(round(&CFG, &cpus, &mut queues).is_empty());
    }
}

#[test]
fn coalesce_prefers_home_node_then_busiest() {
    let cpus = cpus(8, 4);
    // Home 1 is idle (not in use): the next best is a CPU on the home's node (0..=3), even
    // though CPU 6 is busier; of 2 and 3, the busier 3. Then CPU 2 fits nowhere.
    let mut queues = [q(1, 5, 500), q(2, 2, 1600), q(3, 3, 1700), q(6, 6, 2500)];
    assert_eq!(round(&CFG, &cpus, &mut queues), [mv(0, 5, 3)]);

    // Nothing on the home's node fits: any node, busiest first.
    let mut queues = [q(1, 5, 500), q(2, 2, 2800), q(6, 6, 1500), q(7, 7, 2000)];
    // Then 6 and 2 fit nowhere.
    assert_eq!(round(&CFG, &cpus, &mut queues), [mv(0, 5, 7)]);
}

#[test]
fn coalesce_packs_least_loaded_onto_busier() {
    let cpus = cpus(4, 4);
    // Sources least loaded first: 3 (100) goes to the busiest that fits (0: 2000 + 100),
    // then 2 (400) to 0 as well (2100 + 400); 1 (900) would make 0 3400 > low: it stays.
    let mut queues = [q(0, 0, 2000), q(1, 1, 900), q(2, 2, 400), q(3, 3, 100)];
    let moves = round(&CFG, &cpus, &mut queues);
    assert_eq!(moves, [mv(3, 3, 0), mv(2, 2, 0)]);
    assert_eq!(cpu_load(&queues, 0), 2500);
    // No move fills a CPU above the low threshold, and it stays that way.
    for _ in 0..10 {
        assert!(round(&CFG, &cpus, &mut queues).is_empty());
    }
}

#[test]
fn coalesce_never_onto_idle_cpu_nor_back_and_forth() {
    let cpus = cpus(2, 2);
    // Two light CPUs: the lighter one (tie: lower id) empties into the other, once.
    let mut queues = [q(0, 0, 700), q(1, 1, 700)];
    assert_eq!(round(&CFG, &cpus, &mut queues), [mv(0, 0, 1)]);
    for _ in 0..10 {
        assert!(round(&CFG, &cpus, &mut queues).is_empty());
    }
    // A queue alone on its CPU never moves to an idle one.
    let mut queues = [q(1, 0, 700)];
    for _ in 0..5 {
        assert!(round(&CFG, &cpus, &mut queues).is_empty());
    }
}

#[test]
fn coalesce_moves_toward_home_when_source_cannot_be_freed() {
    let cpus = cpus(2, 2);
    // CPU 1 (1500) cannot be freed (CPU 0 has no room for it) and its queue is home.
    // CPU 0 (2500) cannot be freed either (its 1500 queue fits on 1, the 1000 one does
    // not after that), but queue 0 can go home to 1 (1500 + 1000 <= 3000).
    let mut queues = [q(1, 0, 1000), q(0, 0, 1500), q(1, 1, 1500)];
    assert_eq!(round(&CFG, &cpus, &mut queues), [mv(0, 0, 1)]);
    for _ in 0..10 {
        assert!(round(&CFG, &cpus, &mut queues).is_empty());
    }
}

#[test]
fn coalesce_needs_all_queues_past_dwell() {
    let cpus = cpus(2, 2);
    let mut queues = [q(0, 0, 300), q(0, 0, 300), q(1, 1, 1000)];
    queues[1].since_move = 0;
    // CPU 0 (the lighter) cannot be freed while one of its queues is dwelling (and moving
    // only the other would not free it), so CPU 1 is packed onto it instead.
    assert_eq!(round(&CFG, &cpus, &mut queues), [mv(2, 1, 0)]);
    for _ in 0..5 {
        assert!(round(&CFG, &cpus, &mut queues).is_empty());
    }
}

#[test]
fn zero_load_queues_are_not_coalesced() {
    let cpus = cpus(4, 4);
    let mut queues = [q(0, 1, 0), q(2, 3, 0), q(1, 1, 500)];
    for _ in 0..5 {
        assert!(round(&CFG, &cpus, &mut queues).is_empty());
    }
}

#[test]
fn relocates_queues_off_disallowed_cpus() {
    let cpus = cpus(4, 4);
    // Queue 0 on CPU 9 (not allowed), home 2: back home at once, dwell or not.
    // Queue 1's home 6 is not allowed either: the nearest allowed id (3).
    // Queue 2 is on an id beyond MAX_CPUS.
    let mut queues = [q(2, 9, 100), q(6, 7, 100), q(0, 1000, 100)];
    queues[0].since_move = 0;
    let moves = round(&CFG, &cpus, &mut queues);
    assert_eq!(moves, [mv(0, 9, 2), mv(1, 7, 3), mv(2, 1000, 0)]);
    assert!(queues.iter().all(|q| q.cpu < 4 && q.since_move == 0));

    // No allowed CPU at all: nothing can be done.
    let mut queues = [q(2, 9, 100)];
    assert!(round(&CFG, &[], &mut queues).is_empty());
}

#[test]
fn moves_buffer_limits_the_round() {
    let cpus = cpus(4, 4);
    let mut queues = [q(0, 5, 100), q(1, 6, 100), q(2, 7, 100)];
    let mut moves = [mv(0, 0, 0); 2];
    assert_eq!(rebalance(&CFG, &cpus, &mut queues, &mut moves), 2);
    assert_eq!(moves, [mv(0, 5, 0), mv(1, 6, 1)]);
    // Only reported moves are applied.
    assert_eq!(queues[2].cpu, 7);
    assert_eq!(rebalance(&CFG, &cpus, &mut queues, &mut []), 0);
    assert_eq!(queues[2].cpu, 7);
}

/// SplitMix64, as in the simulator.
fn rng(seed: u64) -> sim::Rng {
    sim::Rng::new(seed)
}

/// Random machines and constant loads: every round keeps the invariants, and the rounds
/// stop moving queues (no oscillation).
#[test]
fn settles_with_constant_loads() {
    let mut r = rng(42);
    for case in 0..500 {
        let ncpus = r.range(1, 16);
        let cpus = cpus(ncpus, r.range(1, 8));
        let cfg = Config {
            low_pct: r.range(5, 45),
            high_pct: r.range(50, 100),
            dwell: r.range(0, 4),
        };
        let high = cfg.high_load();
        let nq = r.range(1, 40) as usize;
        let mut allowed = [0u32; MAX_CPUS];
        let na = allowed_cpus(&cpus, 0, 0, false, &mut allowed);
        let mut queues: Vec<Queue> = (0..nq)
            .map(|n| {
                let home = home_cpu(&allowed[..na], n);
                let load = match r.range(0, 9) {
                    0 => 0,
                    1 => r.range(8000, 12000),
                    2..=4 => r.range(1000, 5000),
                    _ => r.range(1, 800),
                };
                Queue {
                    home,
                    cpu: r.range(0, ncpus - 1),
                    load,
                    since_move: r.range(0, 3),
                }
            })
            .collect();
        let mut total = 0;
        let mut last_move = 0;
        for rnd in 1..=300 {
            let before = queues.clone();
            let moves = round(&cfg, &cpus, &mut queues);
            total += moves.len();
            if !moves.is_empty() {
                last_move = rnd;
            }
            let mut seen = vec![false; nq];
            for m in &moves {
                assert!(!seen[m.queue], "case {case}: queue moved twice in a round");
                seen[m.queue] = true;
                assert_eq!(before[m.queue].cpu, m.from);
                assert_ne!(m.from, m.to);
                assert!(
                    before[m.queue].since_move + 1 >= cfg.dwell.max(1),
                    "case {case}: dwell"
                );
                assert!(
                    !moves.iter().any(|o| o.from == m.to && o.to == m.from),
                    "case {case}: A->B and B->A in one round"
                );
            }
            for (i, q) in queues.iter().enumerate() {
                if !seen[i] {
                    assert_eq!(q.cpu, before[i].cpu);
                }
            }
            // A CPU that received a queue ends at or under high.
            for m in &moves {
                assert!(
                    cpu_load(&queues, m.to) <= high,
                    "case {case}: filled above high"
                );
            }
        }
        assert!(
            last_move <= 100,
            "case {case}: still moving in round {last_move} ({total} moves)"
        );
        assert!(
            total <= 4 * nq,
            "case {case}: {total} moves for {nq} queues"
        );
    }
}

// The simulator's goals for the policy (see `examples/dvmq_sim.rs` for the traces and the
// metrics).

fn metrics() -> Vec<(&'static str, sim::Policy, sim::Metrics)> {
    sim::run_all(&Config::DEFAULT)
}

fn get<'a>(
    all: &'a [(&'static str, sim::Policy, sim::Metrics)],
    trace: &str,
    p: sim::Policy,
) -> &'a sim::Metrics {
    &all.iter()
        .find(|(t, q, _)| *t == trace && *q == p)
        .unwrap_or_else(|| panic!("no {trace}"))
        .2
}

/// Traces whose loads change gradually (not the random 1..3 interval spikes of "burst").
const GRADUAL: [&str; 4] = ["ramp", "idle", "hot vPort", "random walk"];

#[test]
fn sim_never_hot_for_more_than_one_interval_with_spare_cpus() {
    let all = metrics();
    for t in GRADUAL {
        let m = get(&all, t, sim::Policy::Dvmq);
        assert!(m.longest <= 1, "{t}: {m:?}");
        assert_eq!(m.left_hot, 0, "{t}: {m:?}");
    }
    // With random spikes a CPU can be hot in consecutive intervals (a new spike each time),
    // and a queue that just moved may have to wait its dwell time; but the rounds that end
    // with a CPU still hot are no more than with static placement.
    let dvmq = get(&all, "burst", sim::Policy::Dvmq);
    let fixed = get(&all, "burst", sim::Policy::Static);
    assert!(dvmq.left_hot <= fixed.left_hot, "{dvmq:?} {fixed:?}");
}

#[test]
fn sim_fewer_cpus_than_static_at_low_load() {
    let all = metrics();
    for t in ["idle", "hot vPort", "ramp", "burst"] {
        let dvmq = get(&all, t, sim::Policy::Dvmq);
        let fixed = get(&all, t, sim::Policy::Static);
        assert!(dvmq.avg_cpus < fixed.avg_cpus, "{t}: {dvmq:?} {fixed:?}");
    }
    let idle = get(&all, "idle", sim::Policy::Dvmq);
    assert!(idle.avg_cpus < 1.5, "{idle:?}");
}

#[test]
fn sim_no_oscillation() {
    let all = metrics();
    for t in GRADUAL {
        let m = get(&all, t, sim::Policy::Dvmq);
        assert_eq!(m.oscillations, 0, "{t}: {m:?}");
    }
}
