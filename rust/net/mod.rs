// SPDX-License-Identifier: GPL-2.0
//! Networking: devices and namespaces, vPorts the module registers, uplinks it attaches, the
//! netdevice notifier, socket buffers, generic netlink, per-namespace lifecycle, the qdisc,
//! receive queues, the VMQ software backend's cross-CPU delivery, link kinds (`rtnl_link_ops`)
//! and the vPorts' ethtool operations.

pub mod device;
pub mod driver;
pub mod genl;
pub mod notifier;
pub mod pernet;
pub mod qdisc;
pub mod rtnl_link;
pub mod rxqueue;
pub mod skb;
pub mod steer;
pub mod uplink;
pub mod vport;
mod vport_ethtool;

pub use device::{dev_by_name, Net, NetDevice, NetKey, NetPtr};
pub use notifier::{NetdevEvent, Notifier, NotifierOps};
pub use uplink::{Uplink, UplinkOps};
pub use vport::{is_vport, Stats64, Tx, Vport, VportOps, VPORT_LINK};
