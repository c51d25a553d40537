// SPDX-License-Identifier: GPL-2.0
//! What VMQ needs of the kernel: ethtool ntuple `ETHER_FLOW` rules (the same driver ops the
//! `ethtool -N` ioctl calls), the irq of an RX queue (from the queue's NAPI, as drivers
//! publish it with `netif_queue_set_napi`/`netif_napi_set_irq`), irq affinity, CPU topology,
//! and the software backend's per-CPU delivery of vPort frames (the RPS way).
//!
//! Nothing here knows a particular driver: it works with any NIC that implements the ops.

use crate::bindings;
use crate::net::NetDevice;
use crate::sync::rtnl::Held;
use crate::net::skb::Skb;
use kernel::error::{code::ENOMEM, Error, Result};

fn check(ret: i32) -> Result<i32> {
    if ret < 0 {
        Err(Error::from_errno(ret))
    } else {
        Ok(ret)
    }
}

/// RX rings of `dev` when it filters by ntuple rules (`NETIF_F_NTUPLE` on and the rxnfc
/// ops present); an error (`EOPNOTSUPP` usually) otherwise.
pub fn rx_rings(_rtnl: Held<'_>, dev: &NetDevice) -> Result<u32> {
    // SAFETY: `dev` is a valid device (NetDevice invariant) and RTNL is held (`Held`).
    let n = check(unsafe { bindings::vsw_rxnfc_rings(dev.as_ptr()) })?;
    Ok(n as u32)
}

/// Inserts a rule sending frames to `mac` (in VLAN `vid`, when given) to RX queue `queue`;
/// returns the rule's location.
pub fn filter_insert(_rtnl: Held<'_>, dev: &NetDevice, mac: &[u8; 6], vid: Option<u16>, queue: u32) -> Result<u32> {
    let mut loc = 0u32;
    let vid = vid.map_or(0, i32::from);
    // SAFETY: valid device under RTNL; `mac` holds 6 bytes and `loc` is a valid out pointer.
    check(unsafe { bindings::vsw_rxnfc_insert(dev.as_ptr(), mac.as_ptr(), vid, queue, &mut loc) })?;
    Ok(loc)
}

/// Deletes the rule at `loc`.
pub fn filter_delete(_rtnl: Held<'_>, dev: &NetDevice, loc: u32) -> Result {
    // SAFETY: valid device under RTNL.
    check(unsafe { bindings::vsw_rxnfc_delete(dev.as_ptr(), loc) })?;
    Ok(())
}

/// The Linux irq of RX queue `q` of `dev`, if the driver published it.
pub fn rxq_irq(_rtnl: Held<'_>, dev: &NetDevice, q: u32) -> Option<u32> {
    // SAFETY: valid device under RTNL.
    let irq = unsafe { bindings::vsw_rxq_irq(dev.as_ptr(), q) };
    (irq > 0).then_some(irq as u32)
}

/// Sets the affinity of `irq` to the single CPU `cpu`.
pub fn irq_set_cpu(irq: u32, cpu: u32) -> Result {
    // SAFETY: the helper checks `cpu`; `irq_set_affinity` checks the irq number.
    check(unsafe { bindings::vsw_irq_set_cpu(irq, cpu) })?;
    Ok(())
}

/// The CPU `irq` is delivered to (first of its effective affinity).
pub fn irq_effective_cpu(irq: u32) -> Option<u32> {
    // SAFETY: the helper checks that the irq exists.
    let c = unsafe { bindings::vsw_irq_effective_cpu(irq) };
    (c >= 0).then_some(c as u32)
}

/// An online CPU with its topology.
#[derive(Clone, Copy)]
pub struct CpuInfo {
    /// CPU number.
    pub id: u32,
    /// NUMA node.
    pub node: u32,
    /// Shared by SMT siblings (first CPU of the sibling set).
    pub core: u32,
}

/// Calls `f` for each online CPU in ascending order.
pub fn for_each_online_cpu(mut f: impl FnMut(CpuInfo)) {
    let mut cpu = -1;
    loop {
        // SAFETY: iterating the online mask has no preconditions.
        cpu = unsafe { bindings::vsw_next_online_cpu(cpu) };
        if cpu < 0 {
            break;
        }
        // SAFETY: `cpu` is a valid CPU number.
        let (node, core) = unsafe { (bindings::vsw_cpu_node(cpu), bindings::vsw_cpu_core(cpu)) };
        f(CpuInfo { id: cpu as u32, node: node.max(0) as u32, core: core.max(0) as u32 });
    }
}

/// Whether `cpu` is online.
pub fn cpu_online(cpu: u32) -> bool {
    // SAFETY: the helper range-checks.
    unsafe { bindings::vsw_cpu_online(cpu as i32) != 0 }
}

/// The CPU this runs on (a hint in preemptible context).
pub fn this_cpu() -> u32 {
    // SAFETY: no preconditions.
    unsafe { bindings::vsw_smp_processor_id() as u32 }
}

/// Monotonic time in nanoseconds.
pub fn now_ns() -> u64 {
    // SAFETY: no preconditions.
    unsafe { bindings::vsw_ktime_ns() }
}

/// Software-backend delivery state: per-CPU lists of frames waiting for their vPort's
/// steering CPU, each with the IPI that drains it.
///
/// # Invariants
/// `0` came from `vsw_steer_new` and is freed only on drop.
pub struct Steer(*mut bindings::vsw_steer);

// SAFETY: the C side is built for concurrent use from any CPU (lock-free lists, atomics).
unsafe impl Send for Steer {}
// SAFETY: as above.
unsafe impl Sync for Steer {}

impl Steer {
    /// Allocates the per-CPU lists.
    pub fn new() -> Result<Self> {
        // SAFETY: plain allocation.
        let p = unsafe { bindings::vsw_steer_new() };
        if p.is_null() {
            return Err(ENOMEM);
        }
        Ok(Steer(p))
    }
}

impl Drop for Steer {
    fn drop(&mut self) {
        // Dropped only after the last user of the switch is gone (port table emptied, RCU
        // grace period passed): no frame is queued after this; the helper waits for those in
        // flight.
        // SAFETY: valid (invariant) and no longer used by the fast path (see above).
        unsafe { bindings::vsw_steer_free(self.0) }
    }
}

impl Skb {
    /// The uplink RX queue the frame arrived on, if the driver recorded it.
    pub fn rx_queue(&self) -> Option<u32> {
        // SAFETY: the skb is valid (Skb invariant).
        let q = unsafe { bindings::vsw_skb_rx_queue(self.as_ptr()) };
        (q >= 0).then_some(q as u32)
    }

    /// Like [`Skb::deliver_rx`], but the vPort's receive processing runs on `cpu` (when it is
    /// another online CPU). `false` if the frame was dropped.
    pub fn deliver_rx_on(self, dev: &NetDevice, steer: &Steer, cpu: u32) -> bool {
        let raw = self.into_raw();
        // SAFETY: we give up `raw`; `dev` is valid (NetDevice invariant) and is held by the
        // helper while the frame waits; `steer` is valid (invariant).
        unsafe { bindings::vsw_skb_deliver_rx_on(raw, dev.as_ptr(), steer.0, cpu as i32) == 0 }
    }
}
