// SPDX-License-Identifier: GPL-2.0
//! Port protections (Hyper-V's MacAddressSpoofing, DhcpGuard, RouterGuard and IP source
//! guard): what a port may send, decided from a frame read once (`frame.rs`), and the IP
//! bindings the IP source guard allows (static ones and DHCP leases snooped from replies
//! that came from a trusted port).
//!
//! Pure logic: depends only on `core`; compiled into the module and the host test crate.
//! Times are in any monotonic unit (the kernel uses 64-bit jiffies).
#![allow(dead_code, unreachable_pub)]

use crate::frame::{Ip, L2, L3, IPPROTO_ICMP, IPPROTO_ICMPV6, IPPROTO_UDP};
use crate::mac::Mac;

/// Guard flags of a port (bits).
pub const MAC_SPOOF_OK: u32 = 1 << 0;
pub const DHCP_GUARD: u32 = 1 << 1;
pub const ROUTER_GUARD: u32 = 1 << 2;
pub const IP_GUARD: u32 = 1 << 3;
pub const TRUSTED: u32 = 1 << 4;

/// Why a frame a port sent was dropped.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Drop {
    /// Source MAC not the port's, or a group/zero source.
    Spoof,
    /// A link-local control group the switch does not forward.
    LinkLocal,
    /// A DHCP server message from a port with the DHCP guard on.
    DhcpGuard,
    /// A router advertisement or redirect from a port with the router guard on.
    RouterGuard,
    /// An address not bound to the port (IP source guard).
    IpGuard,
}

/// Whether a port may send with source `src`: never a group or zero address; the uplink
/// (`port_mac` None) anything else; a vPort only its own MAC unless spoofing is allowed.
pub fn source_ok(src: &Mac, port_mac: Option<&Mac>, spoof_ok: bool) -> bool {
    if !src.is_valid_unicast() {
        return false;
    }
    match port_mac {
        None => true,
        Some(m) => spoof_ok || src == m,
    }
}

/// For a link-local control group 01:80:C2:00:00:0X, `X`.
pub fn link_local_group(dst: &Mac) -> Option<u8> {
    let d = dst.0;
    (d[..5] == [0x01, 0x80, 0xc2, 0x00, 0x00] && d[5] < 16).then_some(d[5])
}

/// Groups the switch never forwards: PAUSE (1) and slow protocols such as LACP (2).
pub const GROUP_FWD_RESTRICTED: u16 = 0x0006;

/// Whether a frame to `dst` may be forwarded with the switch's group forward mask.
pub fn group_forwarded(dst: &Mac, mask: u16) -> bool {
    match link_local_group(dst) {
        Some(x) => mask & !GROUP_FWD_RESTRICTED & (1 << x) != 0,
        None => true,
    }
}

/// Whether the L3 guards need the frame's L3/L4 fields.
pub fn needs_l3(flags: u32) -> bool {
    flags & (DHCP_GUARD | ROUTER_GUARD | IP_GUARD) != 0
}

const DHCP4_SERVER: (u16, u16) = (67, 68);
const DHCP4_CLIENT: (u16, u16) = (68, 67);
const DHCP6_SERVER: (u16, u16) = (547, 546);

/// ICMP types the router guard drops.
const ICMP4_REDIRECT: u8 = 5;
const ICMP6_RA: u8 = 134;
const ICMP6_REDIRECT: u8 = 137;

/// Checks what a port with guard `flags` sends (after its source MAC passed): `l3` as read
/// from the frame, `na_target` the target of a neighbour advertisement, `bound` whether an
/// address is bound to the port now.
pub fn check_sent(flags: u32, l2: &L2, l3: &L3, na_target: Option<Ip>, bound: impl Fn(&Ip) -> bool) -> Result<(), Drop> {
    let udp = l3.proto == IPPROTO_UDP;
    if flags & DHCP_GUARD != 0 && udp {
        match (l3.ip_ver, l3.ports) {
            (4, Some(p)) if p == DHCP4_SERVER => return Err(Drop::DhcpGuard),
            (6, Some(p)) if p == DHCP6_SERVER => return Err(Drop::DhcpGuard),
            _ => {}
        }
    }
    if flags & ROUTER_GUARD != 0 {
        match (l3.ip_ver, l3.proto, l3.icmp_type) {
            (4, IPPROTO_ICMP, Some(ICMP4_REDIRECT)) => return Err(Drop::RouterGuard),
            (6, IPPROTO_ICMPV6, Some(ICMP6_RA | ICMP6_REDIRECT)) => return Err(Drop::RouterGuard),
            _ => {}
        }
    }
    if flags & IP_GUARD == 0 {
        return Ok(());
    }
    if let Some((_, spa)) = l3.arp {
        let a = Ip::v4(spa);
        // ARP probes (sender 0.0.0.0) claim nothing.
        return if a.is_unspecified() || bound(&a) { Ok(()) } else { Err(Drop::IpGuard) };
    }
    match (l2.ethertype, l3.ip_ver) {
        (crate::frame::ETH_P_IP, 4) => {
            if l3.src.is_unspecified() {
                // Only a DHCP client asking for an address may send from 0.0.0.0.
                return if udp && l3.ports == Some(DHCP4_CLIENT) { Ok(()) } else { Err(Drop::IpGuard) };
            }
            if bound(&l3.src) {
                Ok(())
            } else {
                Err(Drop::IpGuard)
            }
        }
        (crate::frame::ETH_P_IPV6, 6) => {
            // Link-local and unspecified sources (neighbour discovery, DAD, MLD, DHCPv6)
            // cannot reach beyond the link.
            if !(l3.src.is_unspecified() || l3.src.is_link_local_v6() || bound(&l3.src)) {
                return Err(Drop::IpGuard);
            }
            match na_target {
                Some(t) if !(t.is_link_local_v6() || bound(&t)) => Err(Drop::IpGuard),
                _ => Ok(()),
            }
        }
        // An IP or ARP EtherType whose header could not be read.
        (crate::frame::ETH_P_IP | crate::frame::ETH_P_IPV6 | crate::frame::ETH_P_ARP, _) => Err(Drop::IpGuard),
        _ => Ok(()),
    }
}

/// Where a binding came from (`uapi::binding_source`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Source {
    Static,
    Dhcp,
    Dhcp6,
}

/// One address bound to a port.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Binding {
    pub ip: Ip,
    pub source: Source,
    /// When it ends; `None` for static bindings.
    pub expires: Option<u64>,
}

/// Most bindings per port.
pub const MAX_BINDINGS: usize = 32;

/// The bindings of a port.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Bindings {
    list: [Option<Binding>; MAX_BINDINGS],
}

impl Default for Bindings {
    fn default() -> Self {
        Bindings { list: [None; MAX_BINDINGS] }
    }
}

fn live(b: &Binding, now: u64) -> bool {
    // Wrap-safe like time_before(): expired once `now` reaches `expires`.
    b.expires.map_or(true, |e| (e.wrapping_sub(now) as i64) > 0)
}

impl Bindings {
    /// Whether `ip` is bound (a live binding) at `now`.
    pub fn contains(&self, ip: &Ip, now: u64) -> bool {
        self.list.iter().flatten().any(|b| b.ip == *ip && live(b, now))
    }

    /// The live bindings at `now`, static ones first.
    pub fn live(&self, now: u64) -> impl Iterator<Item = &Binding> + '_ {
        let statics = self.list.iter().flatten().filter(|b| b.source == Source::Static);
        let leases = self.list.iter().flatten().filter(move |b| b.source != Source::Static && live(b, now));
        statics.chain(leases)
    }

    pub fn is_empty(&self) -> bool {
        self.list.iter().all(Option::is_none)
    }

    /// Replaces the static bindings by `ips` (leases stay unless `ips` needs their room).
    /// `Err` if there are more than [`MAX_BINDINGS`] of them.
    pub fn set_static(&mut self, ips: &[Ip]) -> Result<(), ()> {
        if ips.len() > MAX_BINDINGS {
            return Err(());
        }
        for s in self.list.iter_mut() {
            if s.is_some_and(|b| b.source == Source::Static) {
                *s = None;
            }
        }
        for ip in ips {
            self.remove(ip);
            self.put(Binding { ip: *ip, source: Source::Static, expires: None });
        }
        Ok(())
    }

    /// Binds `ip` from a lease ending at `expires` (renewals move the end); a lease never
    /// replaces a static binding of the same address.
    pub fn lease(&mut self, ip: Ip, source: Source, expires: u64, now: u64) {
        if ip.is_unspecified() {
            return;
        }
        for b in self.list.iter_mut().flatten() {
            if b.ip == ip {
                if b.source != Source::Static {
                    b.source = source;
                    b.expires = Some(expires);
                }
                return;
            }
        }
        // Expired leases make room first.
        for s in self.list.iter_mut() {
            if s.is_some_and(|b| !live(&b, now)) {
                *s = None;
            }
        }
        self.put(Binding { ip, source, expires: Some(expires) });
    }

    /// Forgets a lease of `ip` (the client released it).
    pub fn release(&mut self, ip: &Ip) {
        for s in self.list.iter_mut() {
            if s.is_some_and(|b| b.ip == *ip && b.source != Source::Static) {
                *s = None;
            }
        }
    }

    fn remove(&mut self, ip: &Ip) {
        for s in self.list.iter_mut() {
            if s.is_some_and(|b| b.ip == *ip) {
                *s = None;
            }
        }
    }

    /// Puts `b` in a free slot, or in place of the lease ending first (static bindings are
    /// never displaced: `set_static` bounds them).
    fn put(&mut self, b: Binding) {
        if let Some(s) = self.list.iter_mut().find(|s| s.is_none()) {
            *s = Some(b);
            return;
        }
        let victim = self
            .list
            .iter_mut()
            .filter(|s| s.is_some_and(|x| x.source != Source::Static))
            .min_by_key(|s| s.and_then(|x| x.expires).unwrap_or(u64::MAX));
        if let Some(s) = victim {
            *s = Some(b);
        }
    }
}
