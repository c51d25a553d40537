// SPDX-License-Identifier: GPL-2.0
//! Networking: devices (vPorts the module registers, uplinks it attaches), socket buffers,
//! generic netlink, the netdevice notifier and per-namespace lifecycle, the qdisc, and what
//! VMQ needs of NICs.

pub mod genl;
pub mod netdev;
pub mod pernet;
pub mod qdisc;
pub mod skb;
pub mod vmq;

pub use netdev::*;
