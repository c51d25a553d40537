// SPDX-License-Identifier: GPL-2.0
//! The IP source guard bindings of a port (`BINDING_GET`).

use super::port::put_ip;
use crate::guard;
use crate::registry;
use crate::errno::eopnotsupp;
use crate::net::genl::Request;
use crate::time::{jiffies64, jiffies_to_secs};
use crate::uapi::{attr, binding_attr, binding_source, cmd};
use kernel::{c_str, prelude::*};

pub(super) fn get(req: &Request<'_>) -> Result {
    let Some(name) = req.attr(attr::PORT).map(|a| a.str()).transpose()? else {
        return Err(req.fail(EINVAL, c_str!("vswitch: missing port name")));
    };
    let net = req.net();
    registry::with(|reg, _| {
        let Some((_, p)) = reg.net(net).and_then(|s| s.find_port(name)) else {
            if reg.net(net).is_some_and(|s| s.find_vf_port(name).is_some()) {
                return Err(req.fail(eopnotsupp(), c_str!("vswitch: VF ports have no IP bindings (their traffic does not cross the switch)")));
            }
            return Err(req.fail(ENOENT, c_str!("vswitch: no such port")));
        };
        let b = p.policy.guard.bindings();
        let now = jiffies64();
        // Room for every binding (the default message size holds fewer IPv6 ones).
        let msg = req.reply_sized(cmd::BINDING_GET, 128 + guard::MAX_BINDINGS * 48)?;
        msg.put_str(attr::PORT, p.name.as_str())?;
        for x in b.live(now) {
            let n = msg.nest_start(attr::BINDING)?;
            put_ip(&msg, binding_attr::ADDR, &x.ip)?;
            msg.put_u8(
                binding_attr::SOURCE,
                match x.source {
                    guard::Source::Static => binding_source::STATIC,
                    guard::Source::Dhcp => binding_source::DHCP,
                    guard::Source::Dhcp6 => binding_source::DHCPV6,
                },
            )?;
            if let Some(e) = x.expires {
                msg.put_u32(binding_attr::EXPIRES, jiffies_to_secs(e.saturating_sub(now)) as u32)?;
            }
            msg.nest_end(n);
        }
        req.send(msg)
    })
}
