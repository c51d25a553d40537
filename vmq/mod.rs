// SPDX-License-Identifier: GPL-2.0
//! VMQ: one uplink receive queue per vPort, chosen by a MAC+VLAN filter, and the Dynamic VMQ
//! balancer that moves the queues' interrupts between CPUs as their load changes.
//!
//! Two backends, chosen per switch from what the uplink can do:
//! - **hardware**: the uplink has ethtool ntuple filtering (`NETIF_F_NTUPLE`, rxnfc ops) and
//!   more than one RX ring. Each vPort (first come first served, up to the switch's queue
//!   limit) gets a ring `1..rings` and an `ETHER_FLOW` rule `dst MAC [vlan VID] action Q`;
//!   the rest share ring 0. The ring's irq (published by the driver on the queue's NAPI) is
//!   moved with irq affinity, so the vPort's frames are switched and delivered on that CPU.
//! - **software** (opt-in, `vmq-software on`): any other uplink. Each vPort gets a steering
//!   CPU and frames from the uplink to it are handed to that CPU's receive path (as RPS does
//!   for a device's queue). Off by default: like RPS, the extra cross-CPU hop only pays when
//!   one CPU cannot keep up with the uplink's receive work.
//!
//! Load of a queue = time its frames spent in the switch's receive path (uplink rx_handler to
//! vPort delivery) per interval, in hundredths of a percent of one CPU, plus packets/s for
//! display. [`policy`] decides the moves; this file samples and applies them.
//!
//! Everything here runs under RTNL (configuration and the balancer work).

#[path = "balancer.rs"]
pub(crate) mod balancer;
#[path = "policy.rs"]
pub(crate) mod policy;

use crate::irq_remap;
use crate::stats::{Counter, Stats};
use crate::pci::PciDev;
use crate::net::{rxqueue, NetDevice};
use crate::sync::rtnl::Held;
use crate::{cpu, ethtool, irq, time};
use crate::uapi;
use core::sync::atomic::{AtomicU32, Ordering};
use kernel::alloc::{flags::GFP_KERNEL_ACCOUNT, KVec};
use kernel::{c_str, prelude::*};
use kernel::sync::Arc;
use kernel::types::ARef;
use policy::{Config, Cpu, Move, Queue, MAX_CPUS, MAX_QUEUES};

/// "No steering CPU" in a vPort's steering cell.
pub(crate) const NO_CPU: u32 = u32::MAX;

/// Balancer mode of a switch.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// No queues, no steering.
    Off,
    /// Queues stay on their home CPU.
    Static,
    /// Queues move with load (Dynamic VMQ).
    Dynamic,
}

impl Mode {
    pub(crate) fn to_uapi(self) -> u8 {
        match self {
            Mode::Off => uapi::vmq_mode::OFF,
            Mode::Static => uapi::vmq_mode::STATIC,
            Mode::Dynamic => uapi::vmq_mode::DYNAMIC,
        }
    }
    pub(crate) fn from_uapi(v: u8) -> Option<Self> {
        match v {
            uapi::vmq_mode::OFF => Some(Mode::Off),
            uapi::vmq_mode::STATIC => Some(Mode::Static),
            uapi::vmq_mode::DYNAMIC => Some(Mode::Dynamic),
            _ => None,
        }
    }
}

/// Per-switch VMQ settings (`vswctl switch set SW vmq ...`).
#[derive(Clone, Copy)]
pub(crate) struct Settings {
    pub(crate) mode: Mode,
    pub(crate) low: u32,
    pub(crate) high: u32,
    pub(crate) interval_ms: u32,
    pub(crate) base_cpu: u32,
    /// 0 = all allowed CPUs.
    pub(crate) max_cpus: u32,
    /// 0 = as many as the uplink has.
    pub(crate) max_queues: u32,
    pub(crate) skip_smt: bool,
    /// Use the software backend on uplinks without filters.
    pub(crate) software: bool,
}

/// Dwell time of a moved queue, in intervals.
const DWELL: u32 = 2;
pub(crate) const INTERVAL_MIN_MS: u32 = 100;
pub(crate) const INTERVAL_MAX_MS: u32 = 60_000;

impl Default for Settings {
    fn default() -> Self {
        Settings {
            mode: Mode::Dynamic,
            low: uapi::DEFAULT_VMQ_LOW,
            high: uapi::DEFAULT_VMQ_HIGH,
            interval_ms: uapi::DEFAULT_VMQ_INTERVAL_MS,
            base_cpu: 0,
            max_cpus: 0,
            max_queues: 0,
            skip_smt: false,
            software: false,
        }
    }
}

impl Settings {
    pub(crate) fn config(&self) -> Config {
        Config { low_pct: self.low, high_pct: self.high, dwell: DWELL }
    }

    /// These settings changed by `r`, validated (the error is an extack message).
    pub(crate) fn merged(&self, r: &Request) -> Result<Settings, &'static CStr> {
        let mut s = *self;
        if let Some(m) = r.mode {
            s.mode = m;
        }
        s.low = r.low.unwrap_or(s.low);
        s.high = r.high.unwrap_or(s.high);
        s.interval_ms = r.interval_ms.unwrap_or(s.interval_ms);
        s.base_cpu = r.base_cpu.unwrap_or(s.base_cpu);
        s.max_cpus = r.max_cpus.unwrap_or(s.max_cpus);
        s.max_queues = r.max_queues.unwrap_or(s.max_queues);
        s.skip_smt = r.skip_smt.unwrap_or(s.skip_smt);
        s.software = r.software.unwrap_or(s.software);
        // Each value's range is the netlink policy's (`netlink/family.rs`, from the limits
        // here and in `policy.rs`); what is left is how they combine.
        if s.low >= s.high || s.config().validate().is_err() {
            return Err(c_str!("vswitch: vmq thresholds need low below high"));
        }
        Ok(s)
    }
}

/// A `switch add/set ... vmq ...` request: the fields given.
#[derive(Clone, Copy, Default)]
pub(crate) struct Request {
    pub(crate) mode: Option<Mode>,
    pub(crate) low: Option<u32>,
    pub(crate) high: Option<u32>,
    pub(crate) interval_ms: Option<u32>,
    pub(crate) base_cpu: Option<u32>,
    pub(crate) max_cpus: Option<u32>,
    pub(crate) max_queues: Option<u32>,
    pub(crate) skip_smt: Option<bool>,
    pub(crate) software: Option<bool>,
}

impl Request {
    pub(crate) fn is_empty(&self) -> bool {
        self.mode.is_none()
            && self.low.is_none()
            && self.high.is_none()
            && self.interval_ms.is_none()
            && self.base_cpu.is_none()
            && self.max_cpus.is_none()
            && self.max_queues.is_none()
            && self.skip_smt.is_none()
            && self.software.is_none()
    }
}

/// Which backend a switch uses now.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Backend {
    None,
    Hardware,
    Software,
}

impl Backend {
    pub(crate) fn to_uapi(self) -> u8 {
        match self {
            Backend::None => uapi::vmq_backend::NONE,
            Backend::Hardware => uapi::vmq_backend::HARDWARE,
            Backend::Software => uapi::vmq_backend::SOFTWARE,
        }
    }
}

/// What VMQ needs to know of a vPort.
pub(crate) struct PortInfo {
    pub(crate) id: u32,
    pub(crate) mac: [u8; 6],
    /// VLAN its frames carry on the uplink (None: untagged or any VLAN).
    pub(crate) vid: Option<u16>,
    /// Steering CPU read by the fast path (software backend).
    pub(crate) steer: Arc<AtomicU32>,
    pub(crate) stats: Arc<Stats>,
    /// VF-backed port: its VF, whose MSI-X vectors VMQ steers.
    pub(crate) vf: Option<ARef<PciDev>>,
}

/// A vPort's queue.
pub(crate) struct Assign {
    pub(crate) port: u32,
    pub(crate) mac: [u8; 6],
    pub(crate) vid: Option<u16>,
    /// Hardware ring (None: shares the default ring 0, or software backend).
    pub(crate) queue: Option<u32>,
    loc: Option<u32>,
    pub(crate) irq: Option<u32>,
    pub(crate) home: u32,
    pub(crate) cpu: u32,
    since_move: u32,
    pub(crate) moves: u32,
    last_pkts: u64,
    last_ns: u64,
    pub(crate) pps: u64,
    pub(crate) load: u32,
    steer: Arc<AtomicU32>,
    stats: Arc<Stats>,
    pub(crate) vf: Option<ARef<PciDev>>,
}

impl Assign {
    /// Whether the balancer may move it (it has its own queue, steering CPU or VF).
    fn movable(&self, backend: Backend) -> bool {
        if self.vf.is_some() {
            return self.cpu != NO_CPU;
        }
        match backend {
            Backend::Hardware => self.queue.is_some() && self.irq.is_some(),
            Backend::Software => self.cpu != NO_CPU,
            Backend::None => false,
        }
    }
}

/// A move the balancer made, for events.
#[derive(Clone, Copy)]
pub(crate) struct Moved {
    pub(crate) port: u32,
    pub(crate) queue: Option<u32>,
    pub(crate) irq: Option<u32>,
    pub(crate) from: u32,
    pub(crate) to: u32,
    pub(crate) load: u32,
}

/// VMQ state of one switch.
pub(crate) struct Vmq {
    /// VMQ on and the switch has an uplink.
    active: bool,
    pub(crate) settings: Settings,
    pub(crate) backend: Backend,
    pub(crate) rings: u32,
    pub(crate) assigns: KVec<Assign>,
    pub(crate) moves: u64,
    elapsed_ms: u32,
    last_sample: u64,
}

/// The allowed CPUs of `s`, with topology.
fn allowed(s: &Settings, out: &mut [Cpu; MAX_CPUS]) -> usize {
    let mut online = [Cpu { id: 0, node: 0, core: 0 }; MAX_CPUS];
    let mut n = 0;
    cpu::for_each_online(|c| {
        if n < MAX_CPUS && (c.id as usize) < MAX_CPUS {
            online[n] = Cpu { id: c.id, node: c.node, core: c.core };
            n += 1;
        }
    });
    let mut ids = [0u32; MAX_CPUS];
    let k = policy::allowed_cpus(&online[..n], s.base_cpu, s.max_cpus, s.skip_smt, &mut ids);
    for (i, id) in ids[..k].iter().enumerate() {
        out[i] = online[..n].iter().copied().find(|c| c.id == *id).unwrap_or(Cpu { id: *id, node: 0, core: *id });
    }
    k
}

fn allowed_ids(cpus: &[Cpu]) -> ([u32; MAX_CPUS], usize) {
    let mut ids = [0u32; MAX_CPUS];
    for (i, c) in cpus.iter().enumerate() {
        ids[i] = c.id;
    }
    (ids, cpus.len())
}

impl Vmq {
    pub(crate) fn new() -> Self {
        Vmq {
            active: false,
            settings: Settings::default(),
            backend: Backend::None,
            rings: 0,
            assigns: KVec::new(),
            moves: 0,
            elapsed_ms: 0,
            last_sample: 0,
        }
    }

    /// Whether the balancer must run for this switch: VMQ is on and has queues (or VF
    /// vectors) to sample and, when dynamic, move.
    pub(crate) fn needs_balancer(&self) -> bool {
        self.active && !self.assigns.is_empty()
    }

    /// Whether vPort queues (hardware or software) are in use, i.e. their load is sampled
    /// from the fast path's timing.
    pub(crate) fn samples_vports(&self) -> bool {
        self.active && self.backend != Backend::None
    }

    /// Number of hardware queues the switch may use.
    fn queue_limit(&self) -> u32 {
        let hw = self.rings.saturating_sub(1);
        match self.settings.max_queues {
            0 => hw,
            m => m.min(hw),
        }
    }

    /// Drops assignment `i`: deletes its filter and steering.
    fn release(&mut self, rtnl: Held<'_>, uplink: Option<&NetDevice>, i: usize) {
        if let Some(a) = crate::kvec::vec_remove(&mut self.assigns, i) {
            a.steer.store(NO_CPU, Ordering::Relaxed);
            if let (Some(loc), Some(dev)) = (a.loc, uplink) {
                let _ = ethtool::delete(rtnl, dev, loc);
            }
        }
    }

    /// Removes every filter and steering (before the uplink is detached, on mode off).
    pub(crate) fn clear(&mut self, rtnl: Held<'_>, uplink: Option<&NetDevice>) {
        while !self.assigns.is_empty() {
            let last = self.assigns.len() - 1;
            self.release(rtnl, uplink, last);
        }
        self.assigns = KVec::new();
        self.backend = Backend::None;
        self.rings = 0;
        self.active = false;
    }

    /// Reconciles queues and filters with the switch's uplink and vPorts (in the order given,
    /// which is the order they were added: first come first served).
    pub(crate) fn sync(&mut self, rtnl: Held<'_>, uplink: Option<&NetDevice>, ports: &[PortInfo]) {
        let backend = match (self.settings.mode, uplink) {
            (Mode::Off, _) | (_, None) => Backend::None,
            (_, Some(dev)) => match ethtool::rx_rings(rtnl, dev) {
                Ok(n) if n >= 2 => {
                    self.rings = n;
                    Backend::Hardware
                }
                _ if self.settings.software => Backend::Software,
                _ => Backend::None,
            },
        };
        let active = self.settings.mode != Mode::Off && uplink.is_some();
        if backend != self.backend || active != self.active {
            let rings = self.rings;
            self.clear(rtnl, uplink);
            self.rings = rings;
            self.backend = backend;
            self.active = active;
        }
        if !active {
            return;
        }
        // Gone or changed ports lose their queue.
        let mut i = 0;
        while i < self.assigns.len() {
            let a = &self.assigns[i];
            let keep = ports.iter().any(|p| {
                p.id == a.port && p.mac == a.mac && p.vid == a.vid && (p.vf.is_some() || backend != Backend::None)
            });
            if keep {
                i += 1;
            } else {
                self.release(rtnl, uplink, i);
            }
        }
        // New ports, in order.
        for p in ports {
            // Without a backend only VF ports are steered.
            if self.assigns.iter().any(|a| a.port == p.id) || (p.vf.is_none() && backend == Backend::None) {
                continue;
            }
            let a = Assign {
                port: p.id,
                mac: p.mac,
                vid: p.vid,
                queue: None,
                loc: None,
                irq: None,
                home: NO_CPU,
                cpu: NO_CPU,
                since_move: 0,
                moves: 0,
                last_pkts: p.stats.sum(Counter::VmqPackets),
                last_ns: p.stats.sum(Counter::VmqNs),
                pps: 0,
                load: 0,
                steer: p.steer.clone(),
                stats: p.stats.clone(),
                vf: p.vf.clone(),
            };
            if self.assigns.push(a, GFP_KERNEL_ACCOUNT).is_err() {
                break;
            }
        }
        // Keep the assignments in port order (first come first served).
        self.assigns.sort_unstable_by_key(|a| a.port);
        self.fill(rtnl, uplink);
    }

    /// Gives queues (hardware) or steering CPUs (software) to the assignments without one.
    fn fill(&mut self, rtnl: Held<'_>, uplink: Option<&NetDevice>) {
        let mut cpus = [Cpu { id: 0, node: 0, core: 0 }; MAX_CPUS];
        let n = allowed(&self.settings, &mut cpus);
        let (ids, nids) = allowed_ids(&cpus[..n]);
        let ids = &ids[..nids];
        // VF ports: a home CPU each (after the queues' homes), their vectors steered there.
        let mut k = self.queue_limit() as usize;
        for a in self.assigns.iter_mut() {
            let Some(vf) = &a.vf else { continue };
            if a.cpu == NO_CPU || !ids.contains(&a.cpu) {
                a.home = policy::home_cpu(ids, k);
                a.cpu = a.home;
                a.since_move = 0;
            }
            k += 1;
            if a.cpu != NO_CPU {
                irq_remap::steer(vf, a.cpu);
            }
        }
        match self.backend {
            Backend::Hardware => {
                let Some(dev) = uplink else { return };
                let limit = self.queue_limit();
                let default_irq = rxqueue::irq(rtnl, dev, 0);
                for i in 0..self.assigns.len() {
                    if self.assigns[i].vf.is_some() {
                        continue;
                    }
                    if self.assigns[i].queue.is_none() {
                        let used = self.assigns.iter().filter(|a| a.queue.is_some()).count() as u32;
                        let free = (1..self.rings).find(|q| !self.assigns.iter().any(|a| a.queue == Some(*q)));
                        if let (true, Some(q)) = (used < limit, free) {
                            let a = &self.assigns[i];
                            if let Ok(loc) = ethtool::insert(rtnl, dev, &a.mac, a.vid, q) {
                                let irq = rxqueue::irq(rtnl, dev, q);
                                let home = policy::home_cpu(ids, (q - 1) as usize);
                                let a = &mut self.assigns[i];
                                a.queue = Some(q);
                                a.loc = Some(loc);
                                a.irq = irq;
                                a.home = home;
                                a.since_move = 0;
                                if let Some(irq) = irq {
                                    if home != policy::NO_CPU {
                                        let _ = irq::set_cpu(irq, home);
                                    }
                                }
                            }
                        }
                    }
                    let a = &mut self.assigns[i];
                    if a.queue.is_none() {
                        a.irq = default_irq;
                    }
                    a.cpu = a.irq.and_then(irq::effective_cpu).unwrap_or(NO_CPU);
                }
            }
            Backend::Software => {
                let limit = match self.settings.max_queues {
                    0 => MAX_QUEUES as u32,
                    m => m.min(MAX_QUEUES as u32),
                };
                for (k, a) in self.assigns.iter_mut().filter(|a| a.vf.is_none()).enumerate() {
                    let k = k as u32;
                    if k < limit && !ids.is_empty() {
                        if a.cpu == NO_CPU || !ids.contains(&a.cpu) {
                            a.home = policy::home_cpu(ids, k as usize);
                            a.cpu = a.home;
                            a.since_move = 0;
                        }
                        a.steer.store(a.cpu, Ordering::Relaxed);
                    } else {
                        a.cpu = NO_CPU;
                        a.home = NO_CPU;
                        a.steer.store(NO_CPU, Ordering::Relaxed);
                    }
                }
            }
            Backend::None => {}
        }
    }

    /// New settings. Queues are given out again when the queue limit changes or VMQ is
    /// switched on or off; they go back to their home CPUs when the CPU set changes or the
    /// mode becomes static. Going dynamic keeps them where they are.
    pub(crate) fn set(&mut self, rtnl: Held<'_>, uplink: Option<&NetDevice>, ports: &[PortInfo], s: Settings) {
        let old = self.settings;
        self.settings = s;
        let topo = old.base_cpu != s.base_cpu || old.max_cpus != s.max_cpus || old.skip_smt != s.skip_smt;
        let requeue = old.max_queues != s.max_queues || (old.mode == Mode::Off) != (s.mode == Mode::Off);
        if requeue {
            self.clear(rtnl, uplink);
        } else if topo || (s.mode == Mode::Static && old.mode != Mode::Static) {
            self.rehome();
        }
        self.sync(rtnl, uplink, ports);
    }

    /// Puts every queue back on its home CPU (homes recomputed from the allowed CPUs).
    fn rehome(&mut self) {
        let mut cpus = [Cpu { id: 0, node: 0, core: 0 }; MAX_CPUS];
        let n = allowed(&self.settings, &mut cpus);
        let (ids, nids) = allowed_ids(&cpus[..n]);
        let ids = &ids[..nids];
        let backend = self.backend;
        let mut k = 0usize;
        for a in self.assigns.iter_mut() {
            if !a.movable(backend) {
                continue;
            }
            let nth = match (backend, a.queue) {
                (Backend::Hardware, Some(q)) if a.vf.is_none() => q.saturating_sub(1) as usize,
                _ => k,
            };
            k += 1;
            a.home = policy::home_cpu(ids, nth);
            a.since_move = 0;
            if a.home == policy::NO_CPU {
                continue;
            }
            if let Some(vf) = &a.vf {
                a.cpu = a.home;
                irq_remap::steer(vf, a.home);
                continue;
            }
            match backend {
                Backend::Hardware => {
                    if let Some(irq) = a.irq {
                        let _ = irq::set_cpu(irq, a.home);
                        a.cpu = irq::effective_cpu(irq).unwrap_or(a.home);
                    }
                }
                Backend::Software => {
                    a.cpu = a.home;
                    a.steer.store(a.home, Ordering::Relaxed);
                }
                Backend::None => {}
            }
        }
    }

    /// Called every `ms` by the balancer work: samples loads once per interval and, in
    /// dynamic mode, applies the policy's moves. Each move is reported through `moved`.
    pub(crate) fn tick(&mut self, ms: u32, mut moved: impl FnMut(&Moved)) {
        if !self.active {
            return;
        }
        self.elapsed_ms += ms;
        if self.elapsed_ms < self.settings.interval_ms {
            return;
        }
        self.elapsed_ms = 0;
        let now = time::now_ns();
        let dt = now.saturating_sub(self.last_sample).max(1);
        let first = self.last_sample == 0;
        self.last_sample = now;
        for a in self.assigns.iter_mut() {
            let pk = a.stats.sum(Counter::VmqPackets);
            let ns = a.stats.sum(Counter::VmqNs);
            if !first {
                a.pps = pk.wrapping_sub(a.last_pkts).saturating_mul(1_000_000_000) / dt;
                let l = ns.wrapping_sub(a.last_ns).saturating_mul(u64::from(policy::FULL)) / dt;
                a.load = l.min(u64::from(u32::MAX)) as u32;
            }
            a.last_pkts = pk;
            a.last_ns = ns;
            if let Some(vf) = &a.vf {
                // VF vectors stay where VMQ put them (the VF driver may have re-requested
                // its irqs since).
                if a.cpu != NO_CPU && !irq_remap::all_on(vf, a.cpu) {
                    irq_remap::steer(vf, a.cpu);
                }
            } else if self.backend == Backend::Hardware {
                // Someone (irqbalance, /proc/irq) may have moved it.
                if let Some(c) = a.irq.and_then(irq::effective_cpu) {
                    a.cpu = c;
                }
            }
        }
        if first || self.settings.mode != Mode::Dynamic {
            return;
        }
        let mut cpus = [Cpu { id: 0, node: 0, core: 0 }; MAX_CPUS];
        let n = allowed(&self.settings, &mut cpus);
        if n == 0 {
            return;
        }
        // The movable queues, in the policy's terms.
        let mut qs = [Queue { home: 0, cpu: 0, load: 0, since_move: 0 }; MAX_QUEUES];
        let mut idx = [0usize; MAX_QUEUES];
        let mut nq = 0;
        for (i, a) in self.assigns.iter().enumerate() {
            if nq < MAX_QUEUES && a.movable(self.backend) && a.cpu != NO_CPU {
                qs[nq] = Queue { home: a.home, cpu: a.cpu, load: a.load, since_move: a.since_move };
                idx[nq] = i;
                nq += 1;
            }
        }
        let mut moves = [Move { queue: 0, from: 0, to: 0 }; MAX_QUEUES];
        let m = policy::rebalance(&self.settings.config(), &cpus[..n], &mut qs[..nq], &mut moves);
        for k in 0..nq {
            self.assigns[idx[k]].since_move = qs[k].since_move;
        }
        for mv in moves[..m].iter() {
            let a = &mut self.assigns[idx[mv.queue]];
            let ok = match (&a.vf, self.backend) {
                (Some(vf), _) => irq_remap::steer(vf, mv.to) > 0,
                (None, b) => match b {
                Backend::Hardware => a.irq.is_some_and(|irq| irq::set_cpu(irq, mv.to).is_ok()),
                Backend::Software => {
                    a.steer.store(mv.to, Ordering::Relaxed);
                    true
                }
                Backend::None => false,
                },
            };
            if !ok {
                continue;
            }
            a.cpu = match self.backend {
                Backend::Hardware if a.vf.is_none() => a.irq.and_then(irq::effective_cpu).unwrap_or(mv.to),
                _ => mv.to,
            };
            a.moves += 1;
            self.moves += 1;
            moved(&Moved { port: a.port, queue: a.queue, irq: a.irq, from: mv.from, to: a.cpu, load: a.load });
        }
    }
}
