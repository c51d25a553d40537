// SPDX-License-Identifier: GPL-2.0
//! The netdev callbacks that feed the switch: a vPort's transmit path (with rate-in
//! shaping), an uplink's rx_handler, and a dev port's (an attached tap's) rx_handler.

use super::{SwitchCore, UPLINK_ID};
use crate::net::skb::Skb;
use crate::name::Name;
use crate::net::rtnl_link::{str_attr_size, InfoMsg};
use crate::net::{NetDevice, Stats64, Tx, UplinkOps, VportOps};
use crate::portpolicy::{self, PortPolicy};
use crate::stats::{Counter, Stats, REPORTED_NAMES};
use crate::uapi::{self, link_attr};
use core::sync::atomic::Ordering;
use kernel::prelude::*;
use kernel::sync::Arc;

/// The object behind a vPort netdev (its private data).
pub(crate) struct PortCore {
    pub(crate) id: u32,
    pub(crate) switch: Arc<SwitchCore>,
    pub(crate) stats: Arc<Stats>,
    pub(crate) policy: Arc<PortPolicy>,
    /// The port's name in the switch and the switch's (neither changes; `ip -d link show`).
    pub(crate) name: Name,
    pub(crate) switch_name: Name,
}

impl VportOps for PortCore {
    fn xmit(&self, tx: &Tx<'_>, skb: Skb) {
        // The host or VM sent it: the vPort device "transmits". A rate-in limit shapes it
        // like a slower NIC: the frame goes, and the queues pause until the bucket refills.
        let len = skb.len();
        let (ok, wait) = self.policy.rate[portpolicy::IN].shape(len);
        if !ok {
            self.stats.count2(Counter::DropRate, Counter::TxDropped);
            tx.pause(wait.max(1));
            return;
        }
        self.stats.frame(Counter::TxPackets, Counter::TxBytes, u64::from(len));
        self.switch.forward(self.id, skb);
        if wait > 0 {
            tx.pause(wait);
        }
    }

    fn set_up(&self, dev: &NetDevice, up: bool) {
        // Carrier follows admin state (a vPort always belongs to a switch) and the port's
        // link setting (`port set P link down`).
        crate::net::vport::set_carrier(dev, up && self.policy.link.load(Ordering::Relaxed));
    }

    fn stats(&self, st: &mut Stats64) {
        fill_stats64(&self.stats, st);
    }

    const DRIVER: &'static str = uapi::LINK_KIND;
    const VERSION: &'static str = uapi::VERSION;
    const COUNTERS: &'static [&'static str] = &REPORTED_NAMES;

    fn counters(&self, out: &mut [u64]) {
        self.stats.reported(out);
    }

    fn info_size(&self) -> usize {
        str_attr_size(self.switch_name.as_str()) + str_attr_size(self.name.as_str())
    }

    fn fill_info(&self, msg: &mut InfoMsg<'_>) -> Result {
        msg.put_str(link_attr::SWITCH, self.switch_name.as_str())?;
        msg.put_str(link_attr::PORT, self.name.as_str())
    }
}

fn fill_stats64(s: &Stats, st: &mut Stats64) {
    st.rx_packets = s.sum(Counter::RxPackets);
    st.rx_bytes = s.sum(Counter::RxBytes);
    st.tx_packets = s.sum(Counter::TxPackets);
    st.tx_bytes = s.sum(Counter::TxBytes);
    st.rx_dropped = s.sum(Counter::RxDropped);
    st.tx_dropped = s.sum(Counter::TxDropped);
}

/// rx_handler data of an uplink.
pub(crate) struct UplinkRx {
    pub(crate) switch: Arc<SwitchCore>,
    pub(crate) stats: Arc<Stats>,
}

impl UplinkOps for UplinkRx {
    fn rx(&self, _dev: &NetDevice, skb: Skb) {
        self.stats.frame(Counter::RxPackets, Counter::RxBytes, u64::from(skb.len()));
        self.switch.forward(UPLINK_ID, skb);
    }
}


/// rx_handler data of a dev port: an existing device (a VM's tap) attached as a port. What
/// the device receives is what the VM sent: the port "transmits" it into the switch.
pub(crate) struct PortRx {
    pub(crate) id: u32,
    pub(crate) switch: Arc<SwitchCore>,
    pub(crate) stats: Arc<Stats>,
    pub(crate) policy: Arc<PortPolicy>,
}

impl UplinkOps for PortRx {
    fn rx(&self, _dev: &NetDevice, skb: Skb) {
        // A rate-in limit polices here: a tap's sender cannot be paused as a vPort's queue
        // can (as OVS's ingress policing on a tap).
        let len = skb.len();
        if !self.policy.rate[portpolicy::IN].shape(len).0 {
            self.stats.count2(Counter::DropRate, Counter::TxDropped);
            return;
        }
        self.stats.frame(Counter::TxPackets, Counter::TxBytes, u64::from(len));
        self.switch.forward(self.id, skb);
    }
}
