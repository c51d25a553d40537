// SPDX-License-Identifier: GPL-2.0
//! Port ACLs: per port and per direction, an ordered list of rules. The first rule (lowest
//! `prio`) whose [`Match`] matches the frame decides its [`Action`]; a frame no rule matches
//! gets the direction's default action. The rule lists themselves (storage, RCU, locking)
//! live in the kernel side; this file only validates, orders and matches.
//!
//! Pure logic: depends only on `core`, so the same file is compiled into `vswitch.ko` and into
//! the host test crate (`vswitch/host`).
//!
//! # Matching
//!
//! Every field of a [`Match`] that is `Some` must match; a `Match` with no field set matches
//! every frame. L2 fields (MACs, VLAN, ethertype) are compared with the frame's values. The IP
//! fields (prefixes, `ip_proto`, ports) never match a frame without IP addresses (ARP, or an
//! IP frame whose header could not be parsed); a prefix only matches a frame of its own
//! family; a port range never matches a frame without ports (non-first fragments, protocols
//! without ports). [`needs_l3`] and [`needs_l4`] tell the fast path whether a rule list needs
//! the IP and L4 headers parsed at all.
#![allow(dead_code, unreachable_pub)]

use core::ffi::CStr;
use crate::mac::Mac;

/// Ethertype of IPv4.
pub const ETH_P_IP: u16 = 0x0800;
/// Ethertype of IPv6.
pub const ETH_P_IPV6: u16 = 0x86dd;
/// Ethertype of ARP.
pub const ETH_P_ARP: u16 = 0x0806;

/// IP protocol number of TCP.
pub const IPPROTO_TCP: u8 = 6;
/// IP protocol number of UDP.
pub const IPPROTO_UDP: u8 = 17;
/// IP protocol number of SCTP.
pub const IPPROTO_SCTP: u8 = 132;
/// IP protocol number of UDP-Lite.
pub const IPPROTO_UDPLITE: u8 = 136;

/// Prio given to the first rule added without one, and the step between such rules.
pub const PRIO_STEP: u32 = 10;

/// What to do with a frame.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Action {
    /// Let the frame through.
    Allow,
    /// Drop the frame.
    Deny,
}

/// An IP prefix: an address and how many of its leading bits must match.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Prefix {
    /// An IPv4 prefix, `len` in 0..=32.
    V4 {
        /// The address, in network byte order.
        addr: [u8; 4],
        /// The prefix length in bits.
        len: u8,
    },
    /// An IPv6 prefix, `len` in 0..=128.
    V6 {
        /// The address, in network byte order.
        addr: [u8; 16],
        /// The prefix length in bits.
        len: u8,
    },
}

impl Prefix {
    /// The ethertype of the prefix's family ([`ETH_P_IP`] or [`ETH_P_IPV6`]).
    pub fn ethertype(&self) -> u16 {
        match self {
            Prefix::V4 { .. } => ETH_P_IP,
            Prefix::V6 { .. } => ETH_P_IPV6,
        }
    }

    /// The address bytes and the prefix length in bits.
    fn parts(&self) -> (&[u8], u8) {
        match self {
            Prefix::V4 { addr, len } => (addr, *len),
            Prefix::V6 { addr, len } => (addr, *len),
        }
    }
}

/// What a rule matches. Every field that is `Some` must match the frame.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct Match {
    /// Source MAC address.
    pub src_mac: Option<Mac>,
    /// Destination MAC address.
    pub dst_mac: Option<Mac>,
    /// VLAN the frame belongs to in the switch, 1..=4094.
    pub vlan: Option<u16>,
    /// Ethertype (after any 802.1Q tag).
    pub ethertype: Option<u16>,
    /// Source IP prefix.
    pub src: Option<Prefix>,
    /// Destination IP prefix.
    pub dst: Option<Prefix>,
    /// IP protocol (IPv4 protocol / IPv6 upper-layer next header).
    pub ip_proto: Option<u8>,
    /// Source port range `(low, high)`, both inclusive.
    pub sport: Option<(u16, u16)>,
    /// Destination port range `(low, high)`, both inclusive.
    pub dport: Option<(u16, u16)>,
}

/// One ACL rule.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Rule {
    /// Order of evaluation, lowest first; unique within a list.
    pub prio: u32,
    /// What the rule matches.
    pub m: Match,
    /// What to do with a matching frame.
    pub action: Action,
}

/// The IP addresses of a frame.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Addrs {
    /// IPv4 source and destination, network byte order.
    V4 {
        /// Source address.
        src: [u8; 4],
        /// Destination address.
        dst: [u8; 4],
    },
    /// IPv6 source and destination, network byte order.
    V6 {
        /// Source address.
        src: [u8; 16],
        /// Destination address.
        dst: [u8; 16],
    },
}

/// What the switch extracted from a frame (ethertype after any 802.1Q tag; ip/ports when
/// present; ports only for the first fragment of TCP/UDP/SCTP/UDPLite).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Packet {
    /// Source MAC address.
    pub src_mac: Mac,
    /// Destination MAC address.
    pub dst_mac: Mac,
    /// VLAN the frame belongs to in the switch.
    pub vlan: u16,
    /// Ethertype after any 802.1Q tag.
    pub ethertype: u16,
    /// IP addresses, `None` for a non-IP frame (or one whose IP header was not parsed).
    pub ip: Option<Addrs>,
    /// IP protocol, `None` for a non-IP frame.
    pub ip_proto: Option<u8>,
    /// Source port, `None` without one.
    pub sport: Option<u16>,
    /// Destination port, `None` without one.
    pub dport: Option<u16>,
}

/// True for the protocols whose ports can be matched (TCP, UDP, SCTP, UDP-Lite).
pub fn proto_has_ports(proto: u8) -> bool {
    matches!(
        proto,
        IPPROTO_TCP | IPPROTO_UDP | IPPROTO_SCTP | IPPROTO_UDPLITE
    )
}

/// Checks one prefix: its length for the family, and no address bits beyond it.
fn validate_prefix(p: &Prefix) -> Result<(), &'static CStr> {
    match p {
        Prefix::V4 { len, .. } if *len > 32 => return Err(c"vswitch: IPv4 prefix length must be 0..32"),
        Prefix::V6 { len, .. } if *len > 128 => return Err(c"vswitch: IPv6 prefix length must be 0..128"),
        _ => {}
    }
    let (addr, len) = p.parts();
    let full = usize::from(len / 8);
    let tail_mask = last_byte_mask(len);
    for (i, b) in addr.iter().enumerate() {
        let host_bits = if i < full {
            0
        } else if i == full {
            *b & !tail_mask
        } else {
            *b
        };
        if host_bits != 0 {
            return Err(c"vswitch: address has bits set beyond the prefix length");
        }
    }
    Ok(())
}

/// Checks a rule's match when it is added. Errors are short messages for a netlink extack:
///
/// - `"VLAN must be in 1..4094"`
/// - `"IPv4 prefix length must be 0..32"`, `"IPv6 prefix length must be 0..128"`
/// - `"address has bits set beyond the prefix length"`
/// - `"source and destination prefixes must be the same family"`
/// - `"prefix family does not match the ethertype"`
/// - `"port range low end is above its high end"`
/// - `"ports need ip-proto tcp, udp, sctp or udplite"`
/// - `"ip-proto needs an IPv4 or IPv6 match (ethertype or prefix)"`: only when the ethertype
///   is set to something other than IPv4/IPv6; `ip_proto` without an ethertype or prefix is
///   fine and matches IPv4 and IPv6 frames.
///
/// The checks run in this order; the first failing one is returned.
pub fn validate(m: &Match) -> Result<(), &'static CStr> {
    if let Some(vid) = m.vlan {
        if !(1..=4094).contains(&vid) {
            return Err(c"vswitch: VLAN must be in 1..4094");
        }
    }
    if let Some(p) = &m.src {
        validate_prefix(p)?;
    }
    if let Some(p) = &m.dst {
        validate_prefix(p)?;
    }
    if let (Some(s), Some(d)) = (&m.src, &m.dst) {
        if s.ethertype() != d.ethertype() {
            return Err(c"vswitch: source and destination prefixes must be the same family");
        }
    }
    if let Some(et) = m.ethertype {
        let family = m.src.or(m.dst).map(|p| p.ethertype());
        if family.is_some_and(|f| f != et) {
            return Err(c"vswitch: prefix family does not match the ethertype");
        }
    }
    for (lo, hi) in [m.sport, m.dport].into_iter().flatten() {
        if lo > hi {
            return Err(c"vswitch: port range low end is above its high end");
        }
    }
    if (m.sport.is_some() || m.dport.is_some()) && !m.ip_proto.is_some_and(proto_has_ports) {
        return Err(c"vswitch: ports need ip-proto tcp, udp, sctp or udplite");
    }
    if m.ip_proto.is_some() {
        if let Some(et) = m.ethertype {
            if et != ETH_P_IP && et != ETH_P_IPV6 {
                return Err(c"vswitch: ip-proto needs an IPv4 or IPv6 match (ethertype or prefix)");
            }
        }
    }
    Ok(())
}

/// The mask of the prefix bits in the byte after the `len / 8` whole bytes (0 when `len` is
/// a multiple of 8).
fn last_byte_mask(len: u8) -> u8 {
    // 0xff00 >> 0 = 0xff00 -> 0x00; 0xff00 >> 3 = 0x1fe0 -> 0xe0.
    (0xff00u16 >> (len & 7)) as u8
}

/// True if the first `len` bits of `addr` and `pfx` are equal: whole bytes, then the last
/// partial byte masked. `len` is clamped to the address length.
fn prefix_match(addr: &[u8], pfx: &[u8], len: u8) -> bool {
    let len = usize::from(len).min(addr.len() * 8);
    let full = len / 8;
    let head = match (addr.get(..full), pfx.get(..full)) {
        (Some(a), Some(p)) => a == p,
        _ => false,
    };
    // Past the end (len == 32 or 128) the mask is 0, so the missing byte does not matter.
    let a = addr.get(full).copied().unwrap_or(0);
    let p = pfx.get(full).copied().unwrap_or(0);
    let mask = last_byte_mask((len & 7) as u8);
    head && (((a ^ p) & mask) == 0)
}

/// Whether prefix `want` (if any) matches the source (`src == true`) or destination address
/// of `ip`. A prefix of the other family never matches.
fn prefix_ok(want: &Option<Prefix>, ip: &Addrs, src: bool) -> bool {
    match (want, ip) {
        (None, _) => true,
        (Some(Prefix::V4 { addr, len }), Addrs::V4 { src: s, dst: d }) => {
            prefix_match(if src { s } else { d }, addr, *len)
        }
        (Some(Prefix::V6 { addr, len }), Addrs::V6 { src: s, dst: d }) => {
            prefix_match(if src { s } else { d }, addr, *len)
        }
        _ => false,
    }
}

/// Whether port range `want` (if any) contains `have`; never when the frame has no port.
fn port_ok(want: Option<(u16, u16)>, have: Option<u16>) -> bool {
    match (want, have) {
        (None, _) => true,
        (Some((lo, hi)), Some(p)) => lo <= p && p <= hi,
        (Some(_), None) => false,
    }
}

/// Whether `want` (if any) equals `have`.
fn eq_ok<T: PartialEq>(want: &Option<T>, have: &T) -> bool {
    match want {
        None => true,
        Some(w) => w == have,
    }
}

/// The IP part of [`matches`]: the frame must have IP addresses, then prefixes, protocol and
/// ports must match.
fn l3_matches(m: &Match, p: &Packet) -> bool {
    let ip = match &p.ip {
        Some(ip) => ip,
        None => return false,
    };
    let proto = match m.ip_proto {
        None => true,
        Some(want) => p.ip_proto == Some(want),
    };
    prefix_ok(&m.src, ip, true)
        & prefix_ok(&m.dst, ip, false)
        & proto
        & port_ok(m.sport, p.sport)
        & port_ok(m.dport, p.dport)
}

/// True if every field set in `m` matches `p`. An IP field (prefix, protocol, ports) never
/// matches a frame without IP addresses, a prefix never matches the other family, and ports
/// never match a frame without them. Does not allocate.
pub fn matches(m: &Match, p: &Packet) -> bool {
    let l2 = eq_ok(&m.src_mac, &p.src_mac)
        & eq_ok(&m.dst_mac, &p.dst_mac)
        & eq_ok(&m.vlan, &p.vlan)
        & eq_ok(&m.ethertype, &p.ethertype);
    l2 && (!needs_l3(m) || l3_matches(m, p))
}

/// First rule (slice sorted by prio ascending) that matches: its action and index; else
/// (`default`, `None`).
pub fn evaluate(rules: &[Rule], default: Action, p: &Packet) -> (Action, Option<usize>) {
    for (i, r) in rules.iter().enumerate() {
        if matches(&r.m, p) {
            return (r.action, Some(i));
        }
    }
    (default, None)
}

/// The index key of a rule: its destination port when it matches exactly one, else `None`
/// (such rules are checked for every frame).
pub fn index_key(m: &Match) -> Option<u16> {
    match m.dport {
        Some((lo, hi)) if lo == hi => Some(lo),
        _ => None,
    }
}

/// [`evaluate`] with an index, for long rule lists: `wild` holds, in prio order, the
/// indexes (into `rules`) of the rules without an [`index_key`]; `keyed` holds
/// `(key, index)` of the others, sorted by key then index. Only the wild rules and the keyed
/// ones whose key is the frame's destination port are tried; the first match in prio order
/// wins, exactly as [`evaluate`] decides.
pub fn evaluate_indexed(
    rules: &[Rule],
    wild: &[u32],
    keyed: &[(u16, u32)],
    default: Action,
    p: &Packet,
) -> (Action, Option<usize>) {
    // First matching wild rule (the lowest index, i.e. prio).
    let mut best: Option<usize> = None;
    for &i in wild {
        let i = i as usize;
        if rules.get(i).is_some_and(|r| matches(&r.m, p)) {
            best = Some(i);
            break;
        }
    }
    if let Some(dport) = p.dport {
        let start = keyed.partition_point(|(k, _)| *k < dport);
        for &(k, i) in &keyed[start..] {
            let i = i as usize;
            if k != dport || best.is_some_and(|b| b < i) {
                break;
            }
            if rules.get(i).is_some_and(|r| matches(&r.m, p)) {
                best = Some(i);
                break;
            }
        }
    }
    match best.and_then(|i| rules.get(i).map(|r| (r.action, i))) {
        Some((a, i)) => (a, Some(i)),
        None => (default, None),
    }
}

/// Something in a list sorted by prio: a [`Rule`], or the kernel's rule with its counters.
pub trait Prio {
    fn prio(&self) -> u32;
}

impl Prio for Rule {
    fn prio(&self) -> u32 {
        self.prio
    }
}

/// Where a rule with `prio` goes in the sorted slice; `Err("a rule with this prio exists")`
/// if taken.
pub fn insert_pos<T: Prio>(rules: &[T], prio: u32) -> Result<usize, &'static str> {
    match rules.binary_search_by_key(&prio, |r| r.prio()) {
        Ok(_) => Err("a rule with this prio exists"),
        Err(pos) => Ok(pos),
    }
}

/// Prio for a rule added without one: last prio + 10 (saturating), or 10 for an empty list.
/// When the last prio is `u32::MAX` the result is taken, so [`insert_pos`] refuses it.
pub fn next_prio<T: Prio>(rules: &[T]) -> u32 {
    match rules.last() {
        Some(r) => r.prio().saturating_add(PRIO_STEP),
        None => PRIO_STEP,
    }
}

/// Whether matching `m` needs the L3 (IP) headers parsed: a prefix, protocol or port is set.
pub fn needs_l3(m: &Match) -> bool {
    m.src.is_some() | m.dst.is_some() | m.ip_proto.is_some() | needs_l4(m)
}

/// Whether matching `m` needs the L4 headers (ports) parsed.
pub fn needs_l4(m: &Match) -> bool {
    m.sport.is_some() | m.dport.is_some()
}
