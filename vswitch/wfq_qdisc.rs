// SPDX-License-Identifier: GPL-2.0
//! The `vswitch` qdisc: bandwidth weights on the uplink.
//!
//! One FIFO per class; the scheduler of `wfq.rs` (pure, host-tested) assigns classes and
//! picks the class that sends next. The switch tags each frame it sends to the uplink with
//! its source vPort and weight (`Skb::set_wfq_class`); untagged frames (the host's own) go
//! to class 0 at weight 1. Root only, no options: weights are set with vswctl, and the
//! switch attaches the qdisc to its uplink when a port has a weight (`tc qdisc add dev X
//! root vswitch` works too).

use crate::net::qdisc::{self, Enqueued, ExtAck, Options, Packet, PacketQueue, Sch, ToFree};
use crate::wfq::{Wfq, CLASSES, NO_PORT};
use core::sync::atomic::{AtomicBool, Ordering};
use kernel::prelude::*;

/// The state of one instance (in its private area).
pub(crate) struct WfqQdisc {
    queues: [PacketQueue; CLASSES],
    wfq: Wfq,
}

/// The kind, registered by the module.
pub(crate) static VSWITCH_QDISC: qdisc::Vtable<WfqQdisc> = qdisc::create_qdisc_ops::<WfqQdisc>();

/// `dequeue` found a picked class empty (the scheduler's counts and the queues disagree).
static DESYNC_WARNED: AtomicBool = AtomicBool::new(false);

#[vtable]
impl qdisc::Operations for WfqQdisc {
    const ID: &'static CStr = kernel::c_str!("vswitch");

    fn init(
        sch: &mut Sch<'_>,
        options: Option<&Options>,
        extack: &mut ExtAck<'_>,
    ) -> Result<impl PinInit<Self, Error>> {
        if !sch.parent_is_root() {
            extack.set_msg(kernel::c_str!("vswitch qdisc: only as the root qdisc of a device"));
            return Err(crate::errno::eopnotsupp());
        }
        if options.is_some() {
            extack.set_msg(kernel::c_str!("vswitch qdisc: takes no options (weights are set with vswctl)"));
            return Err(EINVAL);
        }
        // As deep as the device's own queue, with room for a few frames of each class.
        sch.set_limit(sch.tx_queue_len().max(64));
        let quantum = sch.psched_mtu();
        // In place: the queues zeroed (empty); the scheduler (pure `wfq.rs`) built and moved in.
        Ok(kernel::try_init!(Self { queues <- kernel::init::zeroed(), wfq: Wfq::new(quantum) }))
    }

    fn enqueue(&mut self, sch: &mut Sch<'_>, mut pkt: Packet, to_free: &mut ToFree<'_>) -> Enqueued {
        let (id, weight) = pkt.take_tag().map_or((NO_PORT, 1), |t| (t.id, t.weight));
        let c = match self.wfq.classify(id, weight) {
            c if c < CLASSES => c,
            _ => 0,
        };
        if sch.qlen() >= sch.limit() {
            // Full: drop the head of the class with the most bytes queued per weight.
            let Some((v, old)) = self.wfq.victim().and_then(|v| Some((v, self.queues.get_mut(v)?.pop()?))) else {
                return sch.drop_packet(pkt, to_free);
            };
            self.wfq.dropped(v, old.len());
            sch.unqueued(&old);
            sch.drop_packet(old, to_free);
        }
        self.wfq.enqueued(c, pkt.len());
        sch.queued(&pkt);
        self.queues[c].push(pkt);
        Enqueued::Queued
    }

    fn dequeue(&mut self, sch: &mut Sch<'_>) -> Option<Packet> {
        let c = self.wfq.pick()?;
        let Some(pkt) = self.queues.get_mut(c)?.pop() else {
            if !DESYNC_WARNED.swap(true, Ordering::Relaxed) {
                pr_warn!("vswitch qdisc: class {} picked with nothing queued\n", c);
            }
            return None;
        };
        self.wfq.dequeued(c, pkt.len());
        sch.unqueued(&pkt);
        sch.sent(&pkt);
        Some(pkt)
    }

    fn reset(&mut self, _sch: &mut Sch<'_>) {
        for q in self.queues.iter_mut() {
            q.clear();
        }
        self.wfq.reset();
    }
}
