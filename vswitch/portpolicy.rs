// SPDX-License-Identifier: GPL-2.0
//! Per-port policy on the fast path: ACLs (per direction, an ordered rule list swapped in
//! with RCU, per-CPU hit counters per rule) and rate limits (a lockless token bucket per
//! direction). The decisions are the pure `acl.rs` and `tb.rs`; this file holds the state.

use crate::acl::{self, Action, Rule};
use crate::mac::Mac;
use crate::portguard::PortGuard;
use crate::percpu::Counters;
use crate::sync::rcu::{self, RcuBox, RcuPtr};
use crate::net::skb::Skb;
use crate::view::View;
use kernel::str::CStr;
use crate::time::now_ns;
use crate::tb;
use core::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use kernel::alloc::{flags::GFP_KERNEL_ACCOUNT, KBox, KVec};
use kernel::prelude::*;
use kernel::sync::Arc;

/// Direction index: from the port into the switch.
pub(crate) const IN: usize = 0;
/// Direction index: from the switch toward the port.
pub(crate) const OUT: usize = 1;

/// A per-CPU hit counter.
pub(crate) type Hits = Counters<1>;

/// One rule and its hit counter (kept across rule-set swaps).
pub(crate) struct AclRule {
    pub(crate) rule: Rule,
    pub(crate) hits: Arc<Hits>,
}

impl acl::Prio for AclRule {
    fn prio(&self) -> u32 {
        self.rule.prio
    }
}

/// The rules of one port and direction, as the fast path sees them (immutable snapshot).
pub(crate) struct AclSet {
    /// Sorted by prio; `hits[i]` counts `rules[i]`.
    pub(crate) rules: KVec<Rule>,
    pub(crate) hits: KVec<Arc<Hits>>,
    /// Index (see `acl::evaluate_indexed`): rules tried for every frame, in prio order...
    wild: KVec<u32>,
    /// ...and rules keyed by their exact destination port, sorted by (port, prio order).
    keyed: KVec<(u16, u32)>,
    pub(crate) default: Action,
    pub(crate) default_hits: Arc<Hits>,
    /// How deep frames must be parsed: 0 L2 only, 1 IP header, 2 also L4 ports.
    depth: u32,
}

/// A rate limit (policer): bits/s (0: none), bucket size, and the packed bucket state.
pub(crate) struct Rate {
    pub(crate) bps: AtomicU64,
    pub(crate) burst: AtomicU32,
    state: AtomicU64,
}

impl Rate {
    pub(crate) const fn new() -> Self {
        Rate { bps: AtomicU64::new(0), burst: AtomicU32::new(0), state: AtomicU64::new(0) }
    }

    /// Sets the limit (0: none) and refills the bucket.
    pub(crate) fn set(&self, bps: u64, burst: Option<u32>) {
        let b = match burst {
            Some(b) if b > 0 => b,
            _ => tb::default_burst(bps),
        };
        self.bps.store(0, Ordering::Relaxed);
        self.burst.store(b, Ordering::Relaxed);
        self.state.store(tb::init(now_ns(), b), Ordering::Relaxed);
        self.bps.store(bps, Ordering::Release);
    }

    /// Shaping (the port's own transmit, `in`): whether the frame may go, and for how long
    /// the sender must then pause (0: not at all) because the bucket is empty or in debt.
    pub(crate) fn shape(&self, len: u32) -> (bool, u64) {
        let bps = self.bps.load(Ordering::Acquire);
        if bps == 0 {
            return (true, 0);
        }
        let burst = self.burst.load(Ordering::Relaxed);
        let now = now_ns();
        let mut cur = self.state.load(Ordering::Relaxed);
        loop {
            let (next, ok) = tb::take_borrow(cur, now, bps, burst, len);
            if !ok {
                return (false, tb::wait_ns(cur, now, bps, burst));
            }
            match self.state.compare_exchange_weak(cur, next, Ordering::Relaxed, Ordering::Relaxed) {
                Ok(_) => return (true, tb::wait_ns(next, now, bps, burst)),
                Err(x) => cur = x,
            }
        }
    }

    /// Policing (toward the port, `out`): whether a frame of `len` bytes conforms (takes its
    /// tokens if so). Lockless: one compare-and-swap loop on the packed state.
    pub(crate) fn allow(&self, len: u32) -> bool {
        let bps = self.bps.load(Ordering::Acquire);
        if bps == 0 {
            return true;
        }
        let burst = self.burst.load(Ordering::Relaxed);
        let now = now_ns();
        let mut cur = self.state.load(Ordering::Relaxed);
        loop {
            let (next, ok) = tb::take_borrow(cur, now, bps, burst, len);
            if !ok {
                // A denied frame leaves the state as it was: no write to the shared line.
                return false;
            }
            match self.state.compare_exchange_weak(cur, next, Ordering::Relaxed, Ordering::Relaxed) {
                Ok(_) => return ok,
                Err(x) => cur = x,
            }
        }
    }
}

/// The policy of one vPort, shared by its configuration and the fast path.
pub(crate) struct PortPolicy {
    acl: [RcuPtr<AclSet>; 2],
    pub(crate) rate: [Rate; 2],
    /// Bandwidth weight on the uplink under contention (0: not set, counts as 1).
    pub(crate) weight: AtomicU32,
    /// Port protections (MAC spoofing, DHCP/router/IP guards, learning and storm limits).
    pub(crate) guard: PortGuard,
    /// Administrative link (`port set P link down|up`): while down the switch forwards
    /// nothing to or from the port (Hyper-V's "disconnected" NIC).
    pub(crate) link: AtomicBool,
}

/// Why a frame was dropped by policy.
pub(crate) enum Verdict {
    Pass,
    DenyAcl,
    DropRate,
}

impl PortPolicy {
    /// The policy of a port whose MAC is `mac`.
    pub(crate) fn new(mac: Mac) -> Result<Self> {
        Ok(PortPolicy {
            acl: [RcuPtr::null(), RcuPtr::null()],
            rate: [Rate::new(), Rate::new()],
            weight: AtomicU32::new(0),
            guard: PortGuard::new(mac)?,
            link: AtomicBool::new(true),
        })
    }

    /// Checks one frame in direction `dir` (switched in VLAN `vid`), read through `view`
    /// (only as deep as a rule set needs).
    pub(crate) fn check(&self, dir: usize, g: &rcu::ReadGuard, view: &mut View, skb: &Skb, vid: u16) -> Verdict {
        if let Some(set) = self.acl[dir].get(g) {
            let p = view.packet(skb, vid, set.depth);
            let (action, idx) = acl::evaluate_indexed(&set.rules, &set.wild, &set.keyed, set.default, &p);
            match idx.and_then(|i| set.hits.get(i)) {
                Some(h) => h.add(0, 1),
                None => set.default_hits.add(0, 1),
            }
            if action == Action::Deny {
                return Verdict::DenyAcl;
            }
        }
        // `in` is shaped where the port transmits (see `Rate::shape`), `out` is policed here.
        if dir == OUT && !self.rate[dir].allow(skb.len()) {
            return Verdict::DropRate;
        }
        Verdict::Pass
    }

    /// Publishes a new rule set for `dir` (None: no rules and default allow); the old one is
    /// freed after a grace period, without waiting here.
    pub(crate) fn set_acl(&self, dir: usize, set: Option<KBox<RcuBox<AclSet>>>) {
        self.acl[dir].replace(set);
    }
}

impl AclSet {
    /// A set with `rules` (sorted by prio) and a default; None when it would do nothing
    /// (no rules, default allow) but keeps `default_hits` for when it comes back.
    pub(crate) fn build(list: &[AclRule], default: Action, default_hits: Arc<Hits>) -> Result<Option<KBox<RcuBox<AclSet>>>> {
        if list.is_empty() && default == Action::Allow {
            return Ok(None);
        }
        let mut rules = KVec::with_capacity(list.len(), GFP_KERNEL_ACCOUNT)?;
        let mut hits = KVec::with_capacity(list.len(), GFP_KERNEL_ACCOUNT)?;
        let mut wild = KVec::new();
        let mut keyed = KVec::new();
        let mut depth = 0;
        for (i, r) in list.iter().enumerate() {
            rules.push(r.rule, GFP_KERNEL_ACCOUNT)?;
            hits.push(r.hits.clone(), GFP_KERNEL_ACCOUNT)?;
            match acl::index_key(&r.rule.m) {
                Some(k) => {
                    // Keep `keyed` sorted by (port, index): rules come in index order, so the
                    // new entry goes after every entry with a port <= k.
                    let at = keyed.partition_point(|e: &(u16, u32)| e.0 <= k);
                    keyed.push((k, i as u32), GFP_KERNEL_ACCOUNT)?;
                    let n = keyed.len();
                    keyed[at..n].rotate_right(1);
                }
                None => wild.push(i as u32, GFP_KERNEL_ACCOUNT)?,
            }
            let d = if acl::needs_l4(&r.rule.m) {
                2
            } else if acl::needs_l3(&r.rule.m) {
                1
            } else {
                0
            };
            depth = depth.max(d);
        }
        Ok(Some(RcuBox::new(AclSet { rules, hits, wild, keyed, default, default_hits, depth }, GFP_KERNEL_ACCOUNT)?))
    }
}

/// ACL configuration of a port (under RTNL): the rules per direction, sorted by prio, and
/// the default actions; their hit counters are shared with the published sets.
pub(crate) struct AclCfg {
    pub(crate) rules: [KVec<AclRule>; 2],
    pub(crate) default: [Action; 2],
    pub(crate) default_hits: [Arc<Hits>; 2],
}

/// Most rules per port and direction.
pub(crate) const MAX_RULES: usize = 4096;

impl AclCfg {
    pub(crate) fn new() -> Result<Self> {
        Ok(AclCfg {
            rules: [KVec::new(), KVec::new()],
            default: [Action::Allow, Action::Allow],
            default_hits: [Arc::new(Hits::new()?, GFP_KERNEL_ACCOUNT)?, Arc::new(Hits::new()?, GFP_KERNEL_ACCOUNT)?],
        })
    }

    /// Publishes direction `dir` to the fast path of `policy`.
    pub(crate) fn publish(&self, policy: &PortPolicy, dir: usize) -> Result {
        let set = AclSet::build(&self.rules[dir], self.default[dir], self.default_hits[dir].clone())?;
        policy.set_acl(dir, set);
        Ok(())
    }

    /// Adds `rule` (its prio must be free); the caller publishes.
    pub(crate) fn add(&mut self, dir: usize, rule: Rule) -> core::result::Result<(), &'static CStr> {
        if self.rules[dir].len() >= MAX_RULES {
            return Err(kernel::c_str!("vswitch: too many ACL rules on this port and direction (4096)"));
        }
        let Ok(pos) = acl::insert_pos(&self.rules[dir], rule.prio) else {
            return Err(kernel::c_str!("vswitch: a rule with this prio exists"));
        };
        let hits = match Hits::new().ok().and_then(|h| Arc::new(h, GFP_KERNEL_ACCOUNT).ok()) {
            Some(h) => h,
            None => return Err(kernel::c_str!("vswitch: out of memory")),
        };
        if self.rules[dir].push(AclRule { rule, hits }, GFP_KERNEL_ACCOUNT).is_err() {
            return Err(kernel::c_str!("vswitch: out of memory"));
        }
        // Move it from the end to its place.
        let n = self.rules[dir].len();
        self.rules[dir][pos..n].rotate_right(1);
        Ok(())
    }

    /// The prio a rule added without one gets.
    pub(crate) fn next_prio(&self, dir: usize) -> u32 {
        acl::next_prio(&self.rules[dir])
    }

    /// Removes the rule with `prio`; false if there is none.
    pub(crate) fn del(&mut self, dir: usize, prio: u32) -> bool {
        self.take(dir, prio).is_some()
    }

    /// Removes and returns the rule with `prio`.
    pub(crate) fn take(&mut self, dir: usize, prio: u32) -> Option<AclRule> {
        let i = self.rules[dir].iter().position(|r| r.rule.prio == prio)?;
        crate::kvec::vec_remove(&mut self.rules[dir], i)
    }

    /// Puts a rule [`AclCfg::take`] removed back in its place (its room is still reserved,
    /// so this cannot fail).
    pub(crate) fn put_back(&mut self, dir: usize, r: AclRule) {
        let Ok(pos) = acl::insert_pos(&self.rules[dir], r.rule.prio) else { return };
        if self.rules[dir].push(r, GFP_KERNEL_ACCOUNT).is_ok() {
            let n = self.rules[dir].len();
            self.rules[dir][pos..n].rotate_right(1);
        }
    }
}
