// SPDX-License-Identifier: GPL-2.0
//! Networking: devices and namespaces, vPorts the module registers, uplinks it attaches, the
//! netdevice notifier, socket buffers, generic netlink, per-namespace lifecycle, the qdisc,
//! and what VMQ needs of NICs.

pub mod device;
pub mod genl;
pub mod notifier;
pub mod pernet;
pub mod qdisc;
pub mod skb;
pub mod uplink;
pub mod vmq;
pub mod vport;

pub use device::{dev_by_name, Net, NetDevice, NetKey, NetPtr};
pub use notifier::{NetdevEvent, Notifier, NotifierOps};
pub use uplink::{Uplink, UplinkOps};
pub use vport::{is_vport, Stats64, Tx, Vport, VportOps};
