// SPDX-License-Identifier: GPL-2.0
//! A frame as the switch reads it: its Ethernet header and VLAN tags once, at ingress, and
//! its L3/L4 fields on the first decision that needs them (port guards, an ACL that matches
//! on IP or ports, DHCP snooping); every later decision reuses what was read. The parsing
//! is the pure `frame.rs`; the bytes come from the skb, so clones of it read the same.

use crate::acl::{Addrs, Packet};
use crate::frame::{self, Bytes, Tag, L2, L3};
use crate::net::skb::Skb;

/// An skb's bytes for `frame.rs`.
pub(crate) struct Frame<'a>(pub(crate) &'a Skb);

impl Bytes for Frame<'_> {
    fn read(&self, off: usize, out: &mut [u8]) -> bool {
        self.0.read(off, out)
    }
}

/// What has been read of one frame.
pub(crate) struct View {
    pub(crate) l2: L2,
    l3: Option<L3>,
}

impl View {
    /// Reads the Ethernet header and tags of `skb`; `None` if it is too short for them.
    pub(crate) fn new(skb: &Skb) -> Option<View> {
        let off = skb.offloaded_tag().map(|(tpid, vid)| Tag { tpid, vid });
        let l2 = frame::parse_l2(&Frame(skb), off)?;
        Some(View { l2, l3: None })
    }

    /// The L3/L4 fields, read from `skb` (the frame or a clone of it) the first time.
    pub(crate) fn l3(&mut self, skb: &Skb) -> &L3 {
        let l2 = &self.l2;
        self.l3.get_or_insert_with(|| frame::parse_l3(&Frame(skb), l2))
    }

    /// The fields ACL rules match, as deep as `depth` needs (0: L2 only, 1: IP, 2: ports).
    pub(crate) fn packet(&mut self, skb: &Skb, vlan: u16, depth: u32) -> Packet {
        let mut p = Packet {
            src_mac: self.l2.src,
            dst_mac: self.l2.dst,
            vlan,
            ethertype: self.l2.ethertype,
            ip: None,
            ip_proto: None,
            sport: None,
            dport: None,
        };
        if depth == 0 {
            return p;
        }
        let l3 = *self.l3(skb);
        let four = |a: &frame::Ip| {
            let mut x = [0u8; 4];
            x.copy_from_slice(&a.b[..4]);
            x
        };
        p.ip = match l3.ip_ver {
            4 => Some(Addrs::V4 { src: four(&l3.src), dst: four(&l3.dst) }),
            6 => Some(Addrs::V6 { src: l3.src.b, dst: l3.dst.b }),
            _ => None,
        };
        p.ip_proto = (l3.ip_ver != 0).then_some(l3.proto);
        if depth >= 2 {
            p.sport = l3.ports.map(|x| x.0);
            p.dport = l3.ports.map(|x| x.1);
        }
        p
    }
}
