// SPDX-License-Identifier: GPL-2.0
//! The switch's data path: the lock-free forwarding of frames between ports.
//!
//! The fast path sees only [`SwitchCore`]: an RCU-published [`PortTable`] indexed by port id,
//! the RCU FDB ([`Fdb`]) and per-CPU counters. Configuration (`control/`, under RTNL) builds
//! new tables and publishes them. `datapath` switches frames; `netdev` holds the vPort and
//! uplink callbacks that feed it.

mod datapath;
mod netdev;
mod table;

pub(crate) use netdev::{PortCore, PortRx, UplinkRx};
pub(crate) use table::{PortTable, Slot, UPLINK_ID};

use crate::fdbtable::Fdb;
use crate::net::steer::Steer;
use crate::stats::Stats;
use crate::sync::rcu::{RcuBox, RcuPtr};
use crate::time::hz;
use crate::sync::workqueue::DelayedWork;
use core::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use kernel::alloc::Flags;
use kernel::prelude::*;
use kernel::sync::Arc;

/// What the fast path needs of a switch.
pub(crate) struct SwitchCore {
    ports: RcuPtr<PortTable>,
    pub(crate) fdb: Arc<Fdb>,
    /// Removes aged-out FDB entries; runs only while there are dynamic entries.
    ager: DelayedWork<Fdb>,
    pub(crate) stats: Stats,
    /// Per-CPU delivery for the VMQ software backend.
    steer: Steer,
    /// VMQ samples vPort load: time uplink frames in `forward` (else no clock reads).
    pub(crate) vmq_timing: AtomicBool,
    /// Link-local groups 01:80:C2:00:00:0X forwarded (bit X).
    pub(crate) group_fwd: AtomicU32,
}


impl SwitchCore {
    /// A switch with no ports and an empty FDB of `fdb_max` entries.
    pub(crate) fn new(fdb_max: u32, ageing: u32, gfp: Flags) -> Result<Self> {
        let fdb = Arc::new(Fdb::new(fdb_max, ageing, gfp)?, gfp)?;
        Ok(SwitchCore {
            ports: RcuPtr::null(),
            ager: DelayedWork::new(fdb.clone())?,
            fdb,
            stats: Stats::new()?,
            steer: Steer::new()?,
            vmq_timing: AtomicBool::new(false),
            group_fwd: AtomicU32::new(0),
        })
    }

    /// Publishes a new port table (`None`: the switch forwards nothing any more).
    pub(crate) fn publish(&self, table: Option<KBox<RcuBox<PortTable>>>) {
        self.ports.replace(table);
    }

    /// Sets the ageing time (seconds; 0: off), and lets the ager look again soon.
    pub(crate) fn set_ageing(&self, secs: u32) {
        self.fdb.ageing.store(secs, Ordering::Relaxed);
        if secs != 0 {
            self.ager.reschedule(hz());
        }
    }

    /// Stops the ager (before the switch goes; it does not come back).
    pub(crate) fn stop_ager(&self) {
        self.fdb.ageing.store(0, Ordering::Relaxed);
        self.ager.cancel();
    }
}
