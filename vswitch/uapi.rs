// SPDX-License-Identifier: GPL-2.0
//! The vswitch generic netlink UAPI: family name, versions, commands and attributes.
//!
//! This file is the single source of truth. The kernel module includes it (`vswitch/uapi.rs`),
//! `vswctl` includes the same file (`#[path]`), and `vswitch/uapi.h` is the C view of it for
//! other languages; `cargo test` fails if the two ever disagree. It depends on nothing but
//! `core`, so it compiles both in the kernel and on the host.
//!
//! Rules: numbers are never reused or renumbered; new commands and attributes are appended.
#![allow(dead_code, unreachable_pub)]

/// Generic netlink family name (`genl ctrl list` shows it).
pub const FAMILY_NAME: &str = "vswitch";
/// Generic netlink family version (`genl_family.version`); bumped on incompatible change.
pub const FAMILY_VERSION: u8 = 1;
/// Release version of the module and the tool; both must print the same.
pub const VERSION: &str = "0.1.0";
/// Multicast group carrying switch, port and FDB events (`vswctl monitor`).
pub const MCGRP_EVENTS: &str = "events";
/// Link kind of vPort netdevs (`IFLA_INFO_KIND`: `ip -d link show`, `ip link del`); also the
/// driver name `ethtool -i` reports.
pub const LINK_KIND: &str = "vswitch";
/// Longest switch name (bytes, without NUL).
pub const NAME_MAX: usize = 15;
/// Default FDB ageing time (seconds).
pub const DEFAULT_AGEING: u32 = 300;
/// Default FDB size limit (entries).
pub const DEFAULT_FDB_MAX: u32 = 8192;
/// Size of the `attr::VLANS` bitmap in bytes (4096 bits).
pub const VLAN_BITMAP_LEN: usize = 512;

/// Limits of attribute values that no other module owns (VLAN ids: `vlan.rs`; weights:
/// `wfq.rs`; VMQ settings: `vmq/`). The kernel's netlink policy enforces them, so a value out
/// of range is refused before any handler runs, with the range in the extended ACK.
pub mod limit {
    /// Longest FDB ageing time (seconds; 0 turns ageing off).
    pub const AGEING_MAX: u32 = 1_000_000;
    /// Largest `fdb-max` (entries).
    pub const FDB_MAX_MAX: u32 = 1 << 20;
    /// vPort MTU range (the Ethernet limits).
    pub const MTU_MIN: u32 = 68;
    pub const MTU_MAX: u32 = 65535;
    /// Rate limits: 0 (none) or `RATE_MIN..=RATE_MAX` bits/s.
    pub const RATE_MIN: u64 = 1_000_000;
    pub const RATE_MAX: u64 = 400_000_000_000;
    /// Largest rate-limit bucket (bytes).
    pub const BURST_MAX: u32 = 16 << 20;
}

/// Default Dynamic VMQ thresholds (percent of one CPU) and sampling interval.
pub const DEFAULT_VMQ_LOW: u32 = 10;
pub const DEFAULT_VMQ_HIGH: u32 = 70;
pub const DEFAULT_VMQ_INTERVAL_MS: u32 = 1000;

/// Values of `attr::VMQ_MODE`.
pub mod vmq_mode {
    /// No queues or steering.
    pub const OFF: u8 = 1;
    /// Queues stay on their home CPU.
    pub const STATIC: u8 = 2;
    /// Queues move with load (Dynamic VMQ).
    pub const DYNAMIC: u8 = 3;
}

/// Values of `attr::VMQ_BACKEND`.
pub mod vmq_backend {
    /// VMQ off or no uplink.
    pub const NONE: u8 = 0;
    /// NIC receive queues selected by ethtool ntuple MAC/VLAN filters.
    pub const HARDWARE: u8 = 1;
    /// Per-vPort steering CPU in software (uplinks without filters).
    pub const SOFTWARE: u8 = 2;
}

/// Values of `attr::VLAN_MODE`.
pub mod vlan_mode {
    pub const ACCESS: u8 = 1;
    pub const TRUNK: u8 = 2;
}

/// Attributes nested in `attr::STATS` (all u64).
pub mod stats {
    pub const UNSPEC: u16 = 0;
    pub const RX_PACKETS: u16 = 1;
    pub const RX_BYTES: u16 = 2;
    pub const TX_PACKETS: u16 = 3;
    pub const TX_BYTES: u16 = 4;
    /// All receive drops (sum of the `DROP_*` reasons on the receive side).
    pub const RX_DROPPED: u16 = 5;
    pub const TX_DROPPED: u16 = 6;
    /// Frame in a VLAN the port does not allow.
    pub const DROP_VLAN: u16 = 7;
    /// Source MAC not learned because the FDB is full.
    pub const LEARN_REFUSED: u16 = 8;
    /// Frame dropped because the port or destination was down.
    pub const DROP_DOWN: u16 = 9;
    /// Frame dropped because it was malformed (too short, bad VLAN header).
    pub const DROP_MALFORMED: u16 = 10;
    /// Frames flooded (unknown unicast, broadcast, multicast).
    pub const FLOODED: u16 = 11;
    /// Frames denied by an ACL rule or default.
    pub const DROP_ACL: u16 = 12;
    /// Frames dropped by a rate limit (QoS).
    pub const DROP_RATE: u16 = 13;
    /// Frames from the port whose source MAC is not the port's (MAC spoofing guard), or a
    /// multicast/broadcast/zero source MAC.
    pub const DROP_SPOOF: u16 = 14;
    /// Frames whose VLAN tags the port does not accept (a tag on an access port other than
    /// a priority tag, an S-tag, a second tag).
    pub const DROP_VLAN_TAG: u16 = 15;
    /// Link-local control frames (01:80:C2:00:00:0X) the switch does not forward.
    pub const DROP_LINK_LOCAL: u16 = 16;
    /// DHCP/DHCPv6 server messages from a port with `dhcp-guard on`.
    pub const DROP_DHCP_GUARD: u16 = 17;
    /// Router advertisements and redirects from a port with `router-guard on`.
    pub const DROP_ROUTER_GUARD: u16 = 18;
    /// IP, ARP or neighbour advertisements from an address not bound to the port
    /// (`ip-guard on`).
    pub const DROP_IP_GUARD: u16 = 19;
    /// Broadcast, multicast and unknown-unicast frames beyond the port's `storm-limit`.
    pub const DROP_STORM: u16 = 20;
    /// Source MACs not learned because the port has `mac-max` entries already.
    pub const LEARN_REFUSED_MAC_MAX: u16 = 21;
    pub const MAX: u16 = LEARN_REFUSED_MAC_MAX;
}

/// Attributes nested in `attr::BINDING` (an IP source guard binding) and in `attr::IP_ALLOW`
/// (only `ADDR` there).
pub mod binding_attr {
    pub const UNSPEC: u16 = 0;
    /// 4 or 16 bytes: the IPv4 or IPv6 address.
    pub const ADDR: u16 = 1;
    /// u8: `binding_source::*`.
    pub const SOURCE: u16 = 2;
    /// u32: seconds until a DHCP lease ends (absent for static bindings).
    pub const EXPIRES: u16 = 3;
    pub const MAX: u16 = EXPIRES;
}

/// Values of `binding_attr::SOURCE`.
pub mod binding_source {
    /// Configured with `port set P ip-allow ...`.
    pub const STATIC: u8 = 1;
    /// Learned from a DHCP ACK the port received from a trusted port.
    pub const DHCP: u8 = 2;
    /// Learned from a DHCPv6 Reply the port received from a trusted port.
    pub const DHCPV6: u8 = 3;
}

/// Attributes of a vPort nested in `IFLA_INFO_DATA` of kind `LINK_KIND` (`ip -d link show`
/// prints only the kind; `ip -d -j link show` has it as `info_kind`).
pub mod link_attr {
    pub const UNSPEC: u16 = 0;
    /// NUL-terminated string: the switch the vPort belongs to.
    pub const SWITCH: u16 = 1;
    /// NUL-terminated string: the port's name in the switch (kept when the netdev is renamed).
    pub const PORT: u16 = 2;
    pub const MAX: u16 = PORT;
}

/// Values of `attr::DIR` (ACL and QoS direction, from the port's point of view of the switch).
pub mod acl_dir {
    /// From the port into the switch.
    pub const IN: u8 = 1;
    /// From the switch toward the port.
    pub const OUT: u8 = 2;
}

/// Values of `attr::ACTION`.
pub mod acl_action {
    pub const ALLOW: u8 = 1;
    pub const DENY: u8 = 2;
}

/// Attributes nested in `attr::IRQ_ENTRY`.
pub mod irq_attr {
    pub const UNSPEC: u16 = 0;
    /// u32: Linux irq number.
    pub const IRQ: u16 = 1;
    /// u64: hwirq in the irq's own domain (the MSI-X index for PCI-MSIX).
    pub const HWIRQ: u16 = 2;
    /// string: the irq chip as `/proc/interrupts` shows it (e.g. `IR-PCI-MSIX-0000:01:10.0`).
    pub const CHIP: u16 = 3;
    /// string: the domain chain from the device up, e.g. `PCI-MSIX-... -> INTEL-IR-0 -> VECTOR`.
    pub const DOMAINS: u16 = 4;
    /// u8: 1 when a domain of the chain is an interrupt-remapping domain.
    pub const REMAPPED: u16 = 5;
    /// u64: affinity mask (CPUs 0..63).
    pub const AFFINITY: u16 = 6;
    /// u32: effective CPU (first of the effective affinity).
    pub const EFFECTIVE_CPU: u16 = 7;
    /// u32: interrupt remapping table entry index (Intel IR: hwirq >> 16 at the IR level).
    pub const IRTE: u16 = 8;
    /// u8: 1 when a handler is installed (listed in `/proc/interrupts`).
    pub const ACTIVE: u16 = 9;
    pub const MAX: u16 = ACTIVE;
}

/// Commands (`genlmsghdr.cmd`).
pub mod cmd {
    pub const UNSPEC: u8 = 0;
    /// Request: no attributes. Reply: `attr::VERSION`, `attr::FAMILY_VERSION`.
    pub const GET_VERSION: u8 = 1;
    /// Create a switch. `SWITCH` (name), optional `UPLINK`, `AGEING`, `FDB_MAX`.
    pub const SWITCH_NEW: u8 = 2;
    /// Delete a switch. `SWITCH`, optional `FORCE` (also delete its ports).
    pub const SWITCH_DEL: u8 = 3;
    /// Change a switch. `SWITCH`, any of `UPLINK` | `NO_UPLINK`, `AGEING`, `FDB_MAX`.
    pub const SWITCH_SET: u8 = 4;
    /// Get one switch (`SWITCH`) or dump all. Reply: switch attributes, `STATS` (nested).
    pub const SWITCH_GET: u8 = 5;
    /// Create a vPort netdev. `PORT`, `SWITCH`, optional `MAC`, `MTU`, `VLAN_MODE`, `PVID`,
    /// `VLANS`, `NATIVE`.
    pub const PORT_NEW: u8 = 6;
    /// Delete a vPort. `PORT`.
    pub const PORT_DEL: u8 = 7;
    /// Change a vPort. `PORT`, any of `MAC`, `MTU`, `VLAN_MODE`, `PVID`, `VLANS`, `NATIVE`.
    pub const PORT_SET: u8 = 8;
    /// Get one vPort (`PORT`) or dump all (optionally of `SWITCH`).
    pub const PORT_GET: u8 = 9;
    /// Add a static FDB entry. `SWITCH`, `MAC`, `VLAN` (default 1), `PORT`.
    pub const FDB_NEW: u8 = 10;
    /// Delete an FDB entry. `SWITCH`, `MAC`, `VLAN` (default 1).
    pub const FDB_DEL: u8 = 11;
    /// Dump the FDB of `SWITCH`. Each entry: `SWITCH`, `MAC`, `VLAN`, `PORT`, `STATIC`, `AGE`.
    pub const FDB_GET: u8 = 12;
    /// Dump VMQ queues (optionally of `SWITCH`). Each: `SWITCH`, `PORT`, `VMQ_BACKEND`,
    /// optional `QUEUE`, `MAC`, optional `VLAN`, optional `IRQ`, optional `CPU`, optional
    /// `HOME_CPU`, `PPS`, `LOAD`, `MOVES`.
    pub const VMQ_GET: u8 = 13;
    /// Event only: the balancer moved a queue. `SWITCH`, `PORT`, optional `QUEUE`, optional
    /// `IRQ`, `FROM_CPU`, `CPU`, `LOAD`.
    pub const VMQ_MOVE: u8 = 14;
    /// Interrupts of a VF-backed vPort: `PORT`. Reply: `PORT`, `PCI`, optional `DRIVER`,
    /// `REMAPPED` (u8: any vector remapped), `MSIX` (u8: MSI-X enabled), and one nested
    /// `IRQ_ENTRY` (`irq_attr::*`) per vector.
    pub const PORT_IRQS: u8 = 15;
    /// Add an ACL rule: `PORT`, `DIR`, `PRIO` (optional: after the last rule, in steps of
    /// 10), match attributes (`SRC_MAC`, `DST_MAC`, `VLAN`, `ETHERTYPE`, `SRC_IP`+`SRC_PLEN`,
    /// `DST_IP`+`DST_PLEN`, `IP_PROTO`, `SPORT_MIN`/`SPORT_MAX`, `DPORT_MIN`/`DPORT_MAX`),
    /// `ACTION`. Reply: none (the rule's prio is in the `ACL_NEW` event).
    pub const ACL_NEW: u8 = 16;
    /// Delete an ACL rule: `PORT`, `DIR`, `PRIO`.
    pub const ACL_DEL: u8 = 17;
    /// Set the default action of a port and direction: `PORT`, `DIR`, `ACTION`.
    pub const ACL_DEFAULT: u8 = 18;
    /// Dump the ACL of `PORT`: one entry per rule (`PORT`, `DIR`, `PRIO`, the match
    /// attributes, `ACTION`, `HITS`) and per direction one with `DEFAULT` set (`PORT`, `DIR`,
    /// `ACTION`, `HITS`).
    pub const ACL_GET: u8 = 19;
    /// Flush FDB entries of `SWITCH`: dynamic ones, and static ones too with `STATIC`;
    /// optionally only those of `PORT` and/or `VLAN`.
    pub const FDB_FLUSH: u8 = 20;
    /// The IP source guard bindings of `PORT`. Reply: `PORT` and one nested `BINDING`
    /// (`binding_attr::*`) per binding, static ones first.
    pub const BINDING_GET: u8 = 21;
    /// The highest command number in use.
    pub const MAX: u8 = BINDING_GET;
}

/// Top-level attributes (netlink attribute types).
pub mod attr {
    pub const UNSPEC: u16 = 0;
    /// NUL-terminated string: the module's release version (`VERSION`).
    pub const VERSION: u16 = 1;
    /// u32: the family version the module speaks (`FAMILY_VERSION`).
    pub const FAMILY_VERSION: u16 = 2;
    /// string (max `NAME_MAX` bytes): switch name.
    pub const SWITCH: u16 = 3;
    /// string: interface name of the uplink netdev.
    pub const UPLINK: u16 = 4;
    /// flag: detach the uplink (`switch set SW nouplink`).
    pub const NO_UPLINK: u16 = 5;
    /// u32: FDB ageing time in seconds (default `DEFAULT_AGEING`).
    pub const AGEING: u16 = 6;
    /// u32: FDB size limit (default `DEFAULT_FDB_MAX`).
    pub const FDB_MAX: u16 = 7;
    /// string (max 15 bytes): port name in the switch (a vPort's netdev is created with it).
    pub const PORT: u16 = 8;
    /// 6 bytes: Ethernet address.
    pub const MAC: u16 = 9;
    /// u32: MTU.
    pub const MTU: u16 = 10;
    /// u8: `vlan_mode::ACCESS` or `vlan_mode::TRUNK`.
    pub const VLAN_MODE: u16 = 11;
    /// u16: access port VLAN (1..=4094).
    pub const PVID: u16 = 12;
    /// 512 bytes: bitmap of allowed VLANs of a trunk port (bit `v` = byte `v / 8`, bit `v % 8`).
    pub const VLANS: u16 = 13;
    /// u16: native (untagged) VLAN of a trunk port, 0 = none.
    pub const NATIVE: u16 = 14;
    /// u16: a VLAN id (FDB entries).
    pub const VLAN: u16 = 15;
    /// flag: the FDB entry is static.
    pub const STATIC: u16 = 16;
    /// flag: `switch del -f` also deletes the switch's ports.
    pub const FORCE: u16 = 17;
    /// nested (`stats::*`): counters of a port or switch.
    pub const STATS: u16 = 18;
    /// u32: interface index.
    pub const IFINDEX: u16 = 19;
    /// u32: seconds since the FDB entry was last refreshed.
    pub const AGE: u16 = 20;
    /// u32: number of FDB entries of a switch.
    pub const FDB_COUNT: u16 = 21;
    /// u8: 1 when the port's carrier is up.
    pub const CARRIER: u16 = 22;
    /// u8: `vmq_mode::*` (switch set/get).
    pub const VMQ_MODE: u16 = 23;
    /// u32: Dynamic VMQ low threshold, percent of one CPU.
    pub const VMQ_LOW: u16 = 24;
    /// u32: Dynamic VMQ high threshold, percent of one CPU.
    pub const VMQ_HIGH: u16 = 25;
    /// u32: Dynamic VMQ sampling interval, milliseconds.
    pub const VMQ_INTERVAL: u16 = 26;
    /// u32: first CPU VMQ may use.
    pub const VMQ_BASE_CPU: u16 = 27;
    /// u32: most CPUs VMQ may use (0 = all).
    pub const VMQ_MAX_CPUS: u16 = 28;
    /// u32: most queues the switch takes from the uplink (0 = all).
    pub const VMQ_MAX_QUEUES: u16 = 29;
    /// u8: 1 = use one CPU per core (skip SMT siblings).
    pub const VMQ_SKIP_SMT: u16 = 30;
    /// u8: `vmq_backend::*` in use.
    pub const VMQ_BACKEND: u16 = 31;
    /// u32: uplink receive queue (ring) index.
    pub const QUEUE: u16 = 32;
    /// u32: Linux irq number.
    pub const IRQ: u16 = 33;
    /// u32: CPU (effective CPU of a queue's irq, or steering CPU).
    pub const CPU: u16 = 34;
    /// u32: home CPU of a queue.
    pub const HOME_CPU: u16 = 35;
    /// u64: packets per second over the last interval.
    pub const PPS: u16 = 36;
    /// u32: load over the last interval, hundredths of a percent of one CPU.
    pub const LOAD: u16 = 37;
    /// u64: number of balancer moves (of a queue, or of a switch).
    pub const MOVES: u16 = 38;
    /// u32: CPU a queue moved away from.
    pub const FROM_CPU: u16 = 39;
    /// u32: receive rings of the uplink (hardware backend).
    pub const VMQ_RINGS: u16 = 40;
    /// u8: 1 = steer vPorts in software when the uplink has no filters (default 0: such
    /// uplinks get no VMQ).
    pub const VMQ_SOFTWARE: u16 = 41;
    /// u32: number of VFs to enable on the uplink (`switch set SW sriov N`; 0 disables);
    /// in replies: VFs enabled now on the uplink.
    pub const SRIOV: u16 = 42;
    /// u32: `sriov_totalvfs` of the uplink (replies; absent when it is no SR-IOV PF).
    pub const SRIOV_TOTAL: u16 = 43;
    /// u32: VF index of a VF-backed vPort (`port add PORT switch SW vf INDEX`).
    pub const VF: u16 = 44;
    /// string: PCI address (e.g. `0000:00:0a.0`).
    pub const PCI: u16 = 45;
    /// string: name of the VF's netdev, when a netdev driver is bound.
    pub const VF_DEV: u16 = 46;
    /// nested (`irq_attr::*`): one interrupt vector.
    pub const IRQ_ENTRY: u16 = 47;
    /// u8: 1 when the interrupts go through an interrupt-remapping domain.
    pub const REMAPPED: u16 = 48;
    /// string: name of the driver bound to a PCI device.
    pub const DRIVER: u16 = 49;
    /// u8: 1 when MSI-X is enabled on the device.
    pub const MSIX: u16 = 50;
    /// u8: 1 when VF spoof checking is on (VF ports).
    pub const SPOOFCHK: u16 = 51;
    /// u8: 1 when the VF is trusted (VF ports).
    pub const TRUST: u16 = 52;
    /// u8: `acl_dir::*`.
    pub const DIR: u16 = 53;
    /// u32: ACL rule priority (lower first; unique per port and direction).
    pub const PRIO: u16 = 54;
    /// u8: `acl_action::*`.
    pub const ACTION: u16 = 55;
    /// 6 bytes: source MAC to match.
    pub const SRC_MAC: u16 = 56;
    /// 6 bytes: destination MAC to match.
    pub const DST_MAC: u16 = 57;
    /// u16: EtherType to match (after any 802.1Q tag), e.g. 0x0800.
    pub const ETHERTYPE: u16 = 58;
    /// 4 or 16 bytes: source IPv4/IPv6 address (prefix with `SRC_PLEN`).
    pub const SRC_IP: u16 = 59;
    /// u8: source prefix length.
    pub const SRC_PLEN: u16 = 60;
    /// 4 or 16 bytes: destination IPv4/IPv6 address (prefix with `DST_PLEN`).
    pub const DST_IP: u16 = 61;
    /// u8: destination prefix length.
    pub const DST_PLEN: u16 = 62;
    /// u8: IP protocol (6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6, ...).
    pub const IP_PROTO: u16 = 63;
    /// u16: L4 source port range, low end.
    pub const SPORT_MIN: u16 = 64;
    /// u16: L4 source port range, high end.
    pub const SPORT_MAX: u16 = 65;
    /// u16: L4 destination port range, low end.
    pub const DPORT_MIN: u16 = 66;
    /// u16: L4 destination port range, high end.
    pub const DPORT_MAX: u16 = 67;
    /// u64: frames that hit an ACL rule (or default).
    pub const HITS: u16 = 68;
    /// flag: the entry is a direction's default action.
    pub const DEFAULT: u16 = 69;
    /// u64: maximum rate from the port into the switch, bits/s (0: none).
    pub const RATE_IN: u16 = 70;
    /// u64: maximum rate from the switch toward the port, bits/s (0: none).
    pub const RATE_OUT: u16 = 71;
    /// u32: token bucket size, bytes (0: default, 10 ms of the rate and at least 64 KiB).
    pub const BURST: u16 = 72;
    /// u32: bandwidth weight on the uplink under contention (1..100, default 1).
    pub const WEIGHT: u16 = 73;
    /// u8: 1 if the uplink's root qdisc is `vswitch` (bandwidth weights are enforced).
    pub const UPLINK_QDISC: u16 = 74;
    /// string: the current name of a vPort's netdev (`PORT` is the port's name in the
    /// switch, given at `port add`; they differ once the netdev is renamed).
    pub const IFNAME: u16 = 75;
    /// u8: 1 = the port may send from any source MAC (`mac-spoof on`); 0 (default) = only
    /// from the port's MAC, and MACs learned on other ports cannot move to it.
    pub const MAC_SPOOF: u16 = 76;
    /// u8: 1 = drop DHCP/DHCPv6 server messages the port sends (`dhcp-guard`).
    pub const DHCP_GUARD: u16 = 77;
    /// u8: 1 = drop router advertisements and redirects the port sends (`router-guard`).
    pub const ROUTER_GUARD: u16 = 78;
    /// u8: 1 = the port may send IP only from addresses bound to it (`ip-guard`), ARP and
    /// neighbour advertisements likewise.
    pub const IP_GUARD: u16 = 79;
    /// u8: 1 = DHCP replies from this port make bindings on the ports they reach
    /// (`trusted`; the uplink always is).
    pub const TRUSTED: u16 = 80;
    /// nested: the port's static bindings (`binding_attr::ADDR` each; empty: none).
    pub const IP_ALLOW: u16 = 81;
    /// u32: most FDB entries learned on the port (0: no limit).
    pub const MAC_MAX: u16 = 82;
    /// u32: most broadcast, multicast and unknown-unicast frames per second the port may
    /// flood (0: no limit).
    pub const STORM_LIMIT: u16 = 83;
    /// u16: link-local groups 01:80:C2:00:00:0X the switch forwards (bit X; default 0).
    pub const GROUP_FWD_MASK: u16 = 84;
    /// nested (`binding_attr::*`): one binding (`BINDING_GET` replies).
    pub const BINDING: u16 = 85;
    /// string: an existing Ethernet device (a VM's tap, a veth end, another NIC) attached as
    /// the port (`port add ... dev IFNAME`): the switch takes its received frames (an
    /// rx_handler, as for the uplink) and transmits through it. Replies name it for such ports.
    pub const DEV: u16 = 86;
    /// u8: the port's administrative link (1 up, default; 0 down: the switch forwards
    /// nothing to or from it and the port's device shows no carrier).
    pub const LINK: u16 = 87;
    /// The highest attribute number in use.
    pub const MAX: u16 = LINK;
}
