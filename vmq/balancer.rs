// SPDX-License-Identifier: GPL-2.0
//! The Dynamic VMQ balancer's clock: while any switch has VMQ queues to sample, a work item
//! runs every [`TICK_MS`]. With no switch needing it, nothing is scheduled (no timer, no
//! RTNL).
//!
//! The work itself is given by the owner of the switches (`registry.rs`: it visits each
//! switch's [`super::Vmq::tick`]), so `vmq` needs nothing of the switch or its registry.

use super::Vmq;
use crate::sync::workqueue::{ms_to_jiffies, StaticDelayedWork};
use core::sync::atomic::{AtomicBool, Ordering};

/// Period of the sampling/balancing work; each switch acts on its own interval.
pub(crate) const TICK_MS: u32 = 100;

static WORK: StaticDelayedWork = StaticDelayedWork::new();
/// Set while the module is being unloaded: the balancer does not start again.
static CLOSING: AtomicBool = AtomicBool::new(false);

/// Module init: `tick` is the work: it visits every switch (`Vmq::tick`) and ends with
/// [`rearm`].
pub(crate) fn init(tick: fn()) {
    WORK.init(tick);
}

/// Ends a tick: runs again after the period if any switch still needs the balancer.
pub(crate) fn rearm(needed: bool) {
    if needed {
        schedule();
    }
}

fn schedule() {
    if !CLOSING.load(Ordering::Relaxed) {
        WORK.schedule(ms_to_jiffies(u64::from(TICK_MS)));
    }
}

/// Starts the balancer if `vmq` needs it (it stays scheduled while any switch does).
pub(crate) fn kick(vmq: &Vmq) {
    if vmq.needs_balancer() {
        schedule();
    }
}

/// Module exit, before the switches go: the balancer stops for good.
pub(crate) fn close() {
    CLOSING.store(true, Ordering::Relaxed);
    WORK.cancel();
}

/// Whether the module is being unloaded (set by [`close`]).
pub(crate) fn closing() -> bool {
    CLOSING.load(Ordering::Relaxed)
}
