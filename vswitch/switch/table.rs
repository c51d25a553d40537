// SPDX-License-Identifier: GPL-2.0
//! The ports of a switch as the fast path sees them: immutable slots in a table indexed by
//! port id, replaced as a whole (RCU) when configuration changes.

use crate::kvec::vec_pop;
use crate::net::NetDevice;
use crate::portpolicy::PortPolicy;
use crate::stats::Stats;
use crate::sync::rcu::RcuBox;
use crate::vlan::VlanMode;
use core::sync::atomic::{AtomicU32, Ordering};
use kernel::alloc::{Flags, KVec};
use kernel::prelude::*;
use kernel::sync::Arc;
use kernel::types::ARef;

/// Slot id of the uplink; vPorts get ids from 1.
pub(crate) const UPLINK_ID: u32 = 0;

/// One port as the fast path sees it (immutable snapshot).
pub(crate) struct Slot {
    pub(crate) id: u32,
    pub(crate) dev: ARef<NetDevice>,
    pub(crate) vlan: VlanMode,
    pub(crate) stats: Arc<Stats>,
    pub(crate) is_uplink: bool,
    /// Frames to the port are transmitted through its device (the uplink, a dev port's
    /// tap); a vPort's device receives them instead.
    pub(crate) xmit: bool,
    /// vPort's steering CPU (VMQ software backend), `NO_CPU` for none.
    pub(crate) steer: Option<Arc<AtomicU32>>,
    /// vPort's ACLs and rate limits.
    pub(crate) policy: Option<Arc<PortPolicy>>,
}


/// The set of ports of a switch, indexed by port id, replaced as a whole on change (RCU).
pub(crate) struct PortTable {
    pub(super) slots: KVec<Option<Slot>>,
}

impl Slot {
    /// Whether frames may go to or come from the port: its device is up, its link setting
    /// is up, and a dev port's device has carrier (a tap: its VM is attached). The uplink's
    /// carrier is its queue's business, as for any transmit.
    pub(crate) fn ready(&self) -> bool {
        self.dev.running()
            && self.policy.as_ref().map_or(true, |p| p.link.load(Ordering::Relaxed))
            && (self.is_uplink || self.dev.carrier())
    }
}

impl PortTable {
    /// A table of `slots` (each at the index of its id).
    pub(crate) fn build(mut list: KVec<Slot>, gfp: Flags) -> Result<KBox<RcuBox<PortTable>>> {
        let n = list.iter().map(|s| s.id as usize + 1).max().unwrap_or(0);
        let mut slots = KVec::with_capacity(n, gfp)?;
        for _ in 0..n {
            slots.push(None, gfp)?;
        }
        while let Some(s) = vec_pop(&mut list) {
            let i = s.id as usize;
            slots[i] = Some(s);
        }
        Ok(RcuBox::new(PortTable { slots }, gfp)?)
    }

    pub(super) fn slot(&self, id: u32) -> Option<&Slot> {
        self.slots.get(id as usize).and_then(Option::as_ref)
    }
}

