// SPDX-License-Identifier: GPL-2.0
//! Named per-CPU counters of ports and switches (from the port device's point of view: a
//! frame the switch sends to a vPort is that vPort's "rx").

use crate::percpu::Counters;
use crate::uapi::stats as attr;
use kernel::error::Result;

/// One counter.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[repr(usize)]
pub(crate) enum Counter {
    RxPackets,
    RxBytes,
    TxPackets,
    TxBytes,
    RxDropped,
    TxDropped,
    /// Frames not allowed in (or out of) a VLAN of the port.
    DropVlan,
    /// Learning refused (FDB full).
    LearnRefused,
    /// Frames for a port that is down.
    DropDown,
    /// Frames too short or badly formed.
    DropMalformed,
    /// Frames flooded (unknown unicast, broadcast, multicast).
    Flooded,
    /// Unicast frames from the uplink delivered to this vPort (VMQ load sampling).
    VmqPackets,
    /// Nanoseconds those frames spent in the switch's receive path.
    VmqNs,
    /// Frames denied by an ACL.
    DropAcl,
    /// Frames dropped by a rate limit.
    DropRate,
    /// Port protections (see `uapi::stats`).
    DropSpoof,
    DropVlanTag,
    DropLinkLocal,
    DropDhcpGuard,
    DropRouterGuard,
    DropIpGuard,
    DropStorm,
    LearnRefusedMacMax,
}

/// How many counters there are.
const N: usize = Counter::LearnRefusedMacMax as usize + 1;

impl Counter {
    /// Every counter with its `VSWITCH_STATS_*` attribute (`None`: internal, not reported).
    pub(crate) const REPORTED: [(Counter, Option<u16>); N] = [
        (Counter::RxPackets, Some(attr::RX_PACKETS)),
        (Counter::RxBytes, Some(attr::RX_BYTES)),
        (Counter::TxPackets, Some(attr::TX_PACKETS)),
        (Counter::TxBytes, Some(attr::TX_BYTES)),
        (Counter::RxDropped, Some(attr::RX_DROPPED)),
        (Counter::TxDropped, Some(attr::TX_DROPPED)),
        (Counter::DropVlan, Some(attr::DROP_VLAN)),
        (Counter::LearnRefused, Some(attr::LEARN_REFUSED)),
        (Counter::DropDown, Some(attr::DROP_DOWN)),
        (Counter::DropMalformed, Some(attr::DROP_MALFORMED)),
        (Counter::Flooded, Some(attr::FLOODED)),
        (Counter::VmqPackets, None),
        (Counter::VmqNs, None),
        (Counter::DropAcl, Some(attr::DROP_ACL)),
        (Counter::DropRate, Some(attr::DROP_RATE)),
        (Counter::DropSpoof, Some(attr::DROP_SPOOF)),
        (Counter::DropVlanTag, Some(attr::DROP_VLAN_TAG)),
        (Counter::DropLinkLocal, Some(attr::DROP_LINK_LOCAL)),
        (Counter::DropDhcpGuard, Some(attr::DROP_DHCP_GUARD)),
        (Counter::DropRouterGuard, Some(attr::DROP_ROUTER_GUARD)),
        (Counter::DropIpGuard, Some(attr::DROP_IP_GUARD)),
        (Counter::DropStorm, Some(attr::DROP_STORM)),
        (Counter::LearnRefusedMacMax, Some(attr::LEARN_REFUSED_MAC_MAX)),
    ];
}

impl Counter {
    /// The counter's name in `ethtool -S` (the key `vswctl -j -s` prints it under).
    pub(crate) const fn name(self) -> &'static str {
        match self {
            Counter::RxPackets => "rx_packets",
            Counter::RxBytes => "rx_bytes",
            Counter::TxPackets => "tx_packets",
            Counter::TxBytes => "tx_bytes",
            Counter::RxDropped => "rx_dropped",
            Counter::TxDropped => "tx_dropped",
            Counter::DropVlan => "drop_vlan",
            Counter::LearnRefused => "learn_refused",
            Counter::DropDown => "drop_down",
            Counter::DropMalformed => "drop_malformed",
            Counter::Flooded => "flooded",
            Counter::VmqPackets => "vmq_packets",
            Counter::VmqNs => "vmq_ns",
            Counter::DropAcl => "drop_acl",
            Counter::DropRate => "drop_rate",
            Counter::DropSpoof => "drop_spoof",
            Counter::DropVlanTag => "drop_vlan_tag",
            Counter::DropLinkLocal => "drop_link_local",
            Counter::DropDhcpGuard => "drop_dhcp_guard",
            Counter::DropRouterGuard => "drop_router_guard",
            Counter::DropIpGuard => "drop_ip_guard",
            Counter::DropStorm => "drop_storm",
            Counter::LearnRefusedMacMax => "learn_refused_mac_max",
        }
    }
}

/// How many counters are reported.
const N_REPORTED: usize = {
    let (mut i, mut n) = (0, 0);
    while i < N {
        if Counter::REPORTED[i].1.is_some() {
            n += 1;
        }
        i += 1;
    }
    n
};

/// The reported counters in `REPORTED` order: what `ethtool -S` shows of a port.
const REPORTED_ONLY: [Counter; N_REPORTED] = {
    let mut out = [Counter::RxPackets; N_REPORTED];
    let (mut i, mut j) = (0, 0);
    while i < N {
        if Counter::REPORTED[i].1.is_some() {
            out[j] = Counter::REPORTED[i].0;
            j += 1;
        }
        i += 1;
    }
    out
};

/// The names of [`REPORTED_ONLY`], in the same order.
pub(crate) const REPORTED_NAMES: [&str; N_REPORTED] = {
    let mut out = [""; N_REPORTED];
    let mut i = 0;
    while i < N_REPORTED {
        out[i] = REPORTED_ONLY[i].name();
        i += 1;
    }
    out
};

// Every counter is listed once, in order (the table above is indexed by the enum).
const _: () = {
    let mut i = 0;
    while i < N {
        assert!(Counter::REPORTED[i].0 as usize == i);
        i += 1;
    }
};

/// The per-CPU counters of a port or a switch.
pub(crate) struct Stats(Counters<N>);

impl Stats {
    /// Zeroed counters.
    pub(crate) fn new() -> Result<Self> {
        Ok(Stats(Counters::new()?))
    }

    /// Adds `v` to `c` on this CPU (packet paths: softirq or BH disabled).
    #[inline]
    pub(crate) fn add(&self, c: Counter, v: u64) {
        self.0.add(c as usize, v)
    }

    /// Counts one frame of `len` bytes in `packets`/`bytes`.
    #[inline]
    pub(crate) fn frame(&self, packets: Counter, bytes: Counter, len: u64) {
        self.0.add_each(&[(packets as usize, 1), (bytes as usize, len)]);
    }

    /// Counts one event in `a` and one in `b` (a drop and its reason), finding this CPU's slots once.
    #[inline]
    pub(crate) fn count2(&self, a: Counter, b: Counter) {
        self.0.add_each(&[(a as usize, 1), (b as usize, 1)]);
    }

    /// The sum of `c` over all CPUs.
    pub(crate) fn sum(&self, c: Counter) -> u64 {
        self.0.sum(c as usize)
    }

    /// The sums of the counters named by [`REPORTED_NAMES`], in that order (as many as fit
    /// in `out`).
    pub(crate) fn reported(&self, out: &mut [u64]) {
        for (v, c) in out.iter_mut().zip(REPORTED_ONLY) {
            *v = self.sum(c);
        }
    }
}
