// SPDX-License-Identifier: GPL-2.0
//! The uplink scheduler of the `vswitch` qdisc is the pure `wfq.rs`.

use crate::net::qdisc;

impl qdisc::Scheduler for crate::wfq::Wfq {
    const CLASSES: usize = crate::wfq::CLASSES;
    fn new(quantum: u32) -> Self {
        crate::wfq::Wfq::new(quantum)
    }
    fn classify(&mut self, id: u32, weight: u32) -> usize {
        crate::wfq::Wfq::classify(self, id, weight)
    }
    fn enqueued(&mut self, cls: usize, len: u32) {
        crate::wfq::Wfq::enqueued(self, cls, len)
    }
    fn pick(&mut self) -> Option<usize> {
        crate::wfq::Wfq::pick(self)
    }
    fn dequeued(&mut self, cls: usize, len: u32) {
        crate::wfq::Wfq::dequeued(self, cls, len)
    }
    fn dropped(&mut self, cls: usize, len: u32) {
        crate::wfq::Wfq::dropped(self, cls, len)
    }
    fn victim(&self) -> Option<usize> {
        crate::wfq::Wfq::victim(self)
    }
    fn reset(&mut self) {
        crate::wfq::Wfq::reset(self)
    }
}
