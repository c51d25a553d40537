// SPDX-License-Identifier: GPL-2.0
//! The port protections of one vPort as the fast path sees them: guard flags, the port's own
//! MAC, the learning limit, the storm limiter, and the IP bindings (static ones and DHCP
//! leases snooped on the packet path). The decisions are the pure `guard.rs`.

use crate::frame::{self, Bytes, Dhcp4, Ip, L3};
use crate::guard::{self, Bindings, Source, MAC_SPOOF_OK};
use crate::mac::Mac;
use crate::portpolicy::Rate;
use crate::sync::bhlock::BhLock;
use crate::sync::rcu::{self, RcuBox, RcuPtr};
use crate::time::{hz, jiffies64};
use core::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use kernel::alloc::flags::GFP_ATOMIC;
use kernel::prelude::*;

/// The guard state of a vPort.
pub(crate) struct PortGuard {
    /// `guard::*` flag bits.
    flags: AtomicU32,
    /// The port's own MAC (the 48 low bits), the only source allowed while spoofing is not.
    mac: AtomicU64,
    /// Most FDB entries learned on the port (0: no limit).
    pub(crate) mac_max: AtomicU32,
    /// Flooded frames per second (0: no limit).
    pub(crate) storm_pps: AtomicU32,
    storm: Rate,
    /// What the fast path reads; replaced as a whole on change.
    bindings: RcuPtr<Bindings>,
    /// The writers' copy (configuration and DHCP snooping on the packet path).
    writer: BhLock<Bindings>,
}

fn mac_bits(m: &Mac) -> u64 {
    let b = m.0;
    u64::from_be_bytes([0, 0, b[0], b[1], b[2], b[3], b[4], b[5]])
}

impl PortGuard {
    pub(crate) fn new(mac: Mac) -> Result<Self> {
        Ok(PortGuard {
            flags: AtomicU32::new(0),
            mac: AtomicU64::new(mac_bits(&mac)),
            mac_max: AtomicU32::new(0),
            storm_pps: AtomicU32::new(0),
            storm: Rate::new(),
            bindings: RcuPtr::null(),
            writer: BhLock::new(Bindings::default())?,
        })
    }

    pub(crate) fn flags(&self) -> u32 {
        self.flags.load(Ordering::Relaxed)
    }

    /// Sets (`on`) or clears flag `bit`.
    pub(crate) fn set_flag(&self, bit: u32, on: bool) {
        if on {
            self.flags.fetch_or(bit, Ordering::Relaxed);
        } else {
            self.flags.fetch_and(!bit, Ordering::Relaxed);
        }
    }

    pub(crate) fn mac(&self) -> Mac {
        let b = self.mac.load(Ordering::Relaxed).to_be_bytes();
        Mac([b[2], b[3], b[4], b[5], b[6], b[7]])
    }

    pub(crate) fn set_mac(&self, m: &Mac) {
        self.mac.store(mac_bits(m), Ordering::Relaxed);
    }

    /// Whether frames from this port pin the FDB entries they teach (its own MAC cannot be
    /// taken over by another port's frames).
    pub(crate) fn pins(&self) -> bool {
        self.flags() & MAC_SPOOF_OK == 0
    }

    /// Sets the storm limit (frames/s, 0: none); the bucket holds one second's worth.
    pub(crate) fn set_storm(&self, pps: u32) {
        self.storm_pps.store(pps, Ordering::Relaxed);
        // A frame costs one "byte" of a rate of `pps` bytes per second.
        self.storm.set(u64::from(pps) * 8, Some(pps.max(1)));
    }

    /// Whether one more flooded frame is within the storm limit.
    pub(crate) fn storm_allows(&self) -> bool {
        self.storm_pps.load(Ordering::Relaxed) == 0 || self.storm.allow(1)
    }

    /// Whether `ip` is bound to the port now.
    pub(crate) fn bound(&self, g: &rcu::ReadGuard, ip: &Ip) -> bool {
        self.bindings.get(g).is_some_and(|b| b.contains(ip, jiffies64()))
    }

    /// The bindings now (a copy, for reports).
    pub(crate) fn bindings(&self) -> Bindings {
        let g = rcu::read_lock();
        self.bindings.get(&g).copied().unwrap_or_default()
    }

    /// Changes the bindings with `f` and publishes the result (any context). Unchanged if
    /// `f` fails or there is no memory for the new snapshot.
    fn update(&self, f: impl FnOnce(&mut Bindings) -> core::result::Result<(), ()>) -> Result {
        let mut w = self.writer.lock();
        let mut next = *w;
        f(&mut next).map_err(|()| EINVAL)?;
        if next == *w {
            return Ok(());
        }
        let snap = if next.is_empty() { None } else { Some(RcuBox::new(next, GFP_ATOMIC)?) };
        *w = next;
        self.bindings.replace(snap);
        Ok(())
    }

    /// Replaces the static bindings (`ip-allow`).
    pub(crate) fn set_static(&self, ips: &[Ip]) -> Result {
        self.update(|b| b.set_static(ips))
    }

    /// DHCP snooping: a DHCPv4 message `d` from a trusted port reached this port.
    pub(crate) fn snoop_dhcp4(&self, d: &Dhcp4) {
        if d.op != 2 || d.msg_type != frame::DHCPACK || d.chaddr != self.mac() {
            return;
        }
        let lease = u64::from(d.lease.unwrap_or(0));
        if lease == 0 {
            return;
        }
        let now = jiffies64();
        let ip = Ip::v4(d.yiaddr);
        // Infinite leases (0xffffffff) are bound for a year at a time.
        let end = now + lease.min(365 * 24 * 3600) * hz();
        let _ = self.update(|b| {
            b.lease(ip, Source::Dhcp, end, now);
            Ok(())
        });
    }

    /// DHCP snooping: the client on this port released its address.
    pub(crate) fn snoop_release4(&self, d: &Dhcp4) {
        if d.op == 1 && d.msg_type == frame::DHCPRELEASE {
            let ip = Ip::v4(d.ciaddr);
            let _ = self.update(|b| {
                b.release(&ip);
                Ok(())
            });
        }
    }

    /// DHCP snooping: the addresses of a DHCPv6 Reply from a trusted port reached this port.
    pub(crate) fn snoop_dhcp6(&self, addrs: &[(Ip, u32)]) {
        let now = jiffies64();
        let _ = self.update(|b| {
            for (ip, valid) in addrs {
                if *valid == 0 {
                    b.release(ip);
                } else {
                    b.lease(*ip, Source::Dhcp6, now + u64::from(*valid).min(365 * 24 * 3600) * hz(), now);
                }
            }
            Ok(())
        });
    }

    /// Checks what the port sends (DHCP, router and IP source guards). A DHCP release the
    /// port sends ends its lease.
    pub(crate) fn check_sent(&self, g: &rcu::ReadGuard, b: &(impl Bytes + ?Sized), l2: &frame::L2, l3: &L3) -> core::result::Result<(), guard::Drop> {
        let flags = self.flags();
        let na = if flags & guard::IP_GUARD != 0 { frame::na_target(b, l3) } else { None };
        guard::check_sent(flags, l2, l3, na, |ip| self.bound(g, ip))?;
        if flags & guard::IP_GUARD != 0 && l3.ip_ver == 4 && l3.ports == Some((68, 67)) {
            if let Some(d) = l3.l4.and_then(|l4| frame::parse_dhcp4(b, l4)) {
                self.snoop_release4(&d);
            }
        }
        Ok(())
    }
}
