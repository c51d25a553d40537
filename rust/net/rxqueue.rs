// SPDX-License-Identifier: GPL-2.0
//! Receive queues of a NIC: the queue a frame arrived on, and the irq of a queue (from the
//! queue's NAPI, as drivers publish it with `netif_queue_set_napi`/`netif_napi_set_irq`).

use crate::net::skb::Skb;
use crate::net::NetDevice;
use crate::sync::rtnl::Held;

/// The Linux irq of RX queue `q` of `dev`, if the driver published it.
pub fn irq(_rtnl: Held<'_>, dev: &NetDevice, q: u32) -> Option<u32> {
    let d = dev.as_ptr();
    // SAFETY: valid device (NetDevice invariant). The RX queue array, its queues' NAPI
    // pointers and the NAPIs' irqs change only under RTNL (queue count changes,
    // `netif_queue_set_napi`), which is held; `q` is checked against the count first.
    let irq = unsafe {
        if q >= (*d).real_num_rx_queues {
            return None;
        }
        let napi = (*(*d)._rx.add(q as usize)).napi;
        if napi.is_null() {
            return None;
        }
        (*napi).irq
    };
    u32::try_from(irq).ok().filter(|i| *i > 0)
}

impl Skb {
    /// The uplink RX queue the frame arrived on, if the driver recorded it
    /// (`skb_get_rx_queue`: `queue_mapping` holds the queue + 1, 0 for none).
    pub fn rx_queue(&self) -> Option<u32> {
        // SAFETY: the skb is valid and ours (Skb invariant).
        let m = unsafe { (*self.as_ptr()).queue_mapping };
        m.checked_sub(1).map(u32::from)
    }
}
