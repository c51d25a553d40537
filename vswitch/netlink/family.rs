// SPDX-License-Identifier: GPL-2.0
//! The family: its attribute policy (each attribute once, by name, with the range of its
//! value where it has one, so the generic netlink core rejects a bad value before a handler
//! runs) and its command table (each command once, with its handlers).

use super::{acl, binding, fdb, irq, port, switch, vmq};
use crate::control::{CfgResult, Fail};
use crate::guard;
use crate::net::genl::{Family, Op, Policy, Range, Request};
use crate::uapi::{self, acl_action, acl_dir, attr, cmd, limit, vlan_mode};
use crate::vlan::{VID_MAX, VID_MIN};
use crate::vmq::policy::{MAX_CPUS, MAX_QUEUES};
use crate::vmq::{INTERVAL_MAX_MS, INTERVAL_MIN_MS};
use crate::wfq::MAX_WEIGHT;
use kernel::prelude::*;

/// Longest version string we accept in a request (the attribute is reply-only).
const VERSION_MAX: u16 = 32;
const IFNAME_MAX: u16 = uapi::NAME_MAX as u16;

static AGEING: Range = Range::new(0, limit::AGEING_MAX as u64);
static FDB_MAX: Range = Range::new(0, limit::FDB_MAX_MAX as u64);
static MTU: Range = Range::new(limit::MTU_MIN as u64, limit::MTU_MAX as u64);
static PERCENT: Range = Range::new(1, 100);
static VMQ_INTERVAL: Range = Range::new(INTERVAL_MIN_MS as u64, INTERVAL_MAX_MS as u64);
static VMQ_BASE_CPU: Range = Range::new(0, MAX_CPUS as u64 - 1);
static VMQ_MAX_CPUS: Range = Range::new(0, MAX_CPUS as u64);
static VMQ_MAX_QUEUES: Range = Range::new(0, MAX_QUEUES as u64);
static RATE: Range = Range::new(0, limit::RATE_MAX);
static BURST: Range = Range::new(0, limit::BURST_MAX as u64);
static WEIGHT: Range = Range::new(1, MAX_WEIGHT as u64);

/// Attribute policy, indexed by attribute number (`uapi::attr`).
static POLICY: [Policy; attr::MAX as usize + 1] = Policy::table(&[
    (attr::VERSION, Policy::nul_string(VERSION_MAX)),
    (attr::FAMILY_VERSION, Policy::u32()),
    (attr::SWITCH, Policy::nul_string(IFNAME_MAX)),
    (attr::UPLINK, Policy::nul_string(IFNAME_MAX)),
    (attr::NO_UPLINK, Policy::flag()),
    (attr::AGEING, Policy::u32_range(&AGEING)),
    (attr::FDB_MAX, Policy::u32_range(&FDB_MAX)),
    (attr::PORT, Policy::nul_string(IFNAME_MAX)),
    (attr::MAC, Policy::exact(6)),
    (attr::MTU, Policy::u32_range(&MTU)),
    (attr::VLAN_MODE, Policy::u8_range(vlan_mode::ACCESS, vlan_mode::TRUNK)),
    (attr::PVID, Policy::u16_range(VID_MIN, VID_MAX)),
    (attr::VLANS, Policy::exact(uapi::VLAN_BITMAP_LEN as u16)),
    (attr::NATIVE, Policy::u16_range(0, VID_MAX)),
    (attr::VLAN, Policy::u16_range(VID_MIN, VID_MAX)),
    (attr::STATIC, Policy::flag()),
    (attr::FORCE, Policy::flag()),
    (attr::STATS, Policy::nested()),
    (attr::IFINDEX, Policy::u32()),
    (attr::AGE, Policy::u32()),
    (attr::FDB_COUNT, Policy::u32()),
    (attr::CARRIER, Policy::u8()),
    (attr::VMQ_MODE, Policy::u8()),
    (attr::VMQ_LOW, Policy::u32_range(&PERCENT)),
    (attr::VMQ_HIGH, Policy::u32_range(&PERCENT)),
    (attr::VMQ_INTERVAL, Policy::u32_range(&VMQ_INTERVAL)),
    (attr::VMQ_BASE_CPU, Policy::u32_range(&VMQ_BASE_CPU)),
    (attr::VMQ_MAX_CPUS, Policy::u32_range(&VMQ_MAX_CPUS)),
    (attr::VMQ_MAX_QUEUES, Policy::u32_range(&VMQ_MAX_QUEUES)),
    (attr::VMQ_SKIP_SMT, Policy::u8_range(0, 1)),
    (attr::VMQ_BACKEND, Policy::u8()),
    (attr::QUEUE, Policy::u32()),
    (attr::IRQ, Policy::u32()),
    (attr::CPU, Policy::u32()),
    (attr::HOME_CPU, Policy::u32()),
    (attr::PPS, Policy::u64()),
    (attr::LOAD, Policy::u32()),
    (attr::MOVES, Policy::u64()),
    (attr::FROM_CPU, Policy::u32()),
    (attr::VMQ_RINGS, Policy::u32()),
    (attr::VMQ_SOFTWARE, Policy::u8_range(0, 1)),
    (attr::SRIOV, Policy::u32()),
    (attr::SRIOV_TOTAL, Policy::u32()),
    (attr::VF, Policy::u32()),
    (attr::PCI, Policy::nul_string(IFNAME_MAX * 4)),
    (attr::VF_DEV, Policy::nul_string(IFNAME_MAX)),
    (attr::IRQ_ENTRY, Policy::nested()),
    (attr::REMAPPED, Policy::u8()),
    (attr::DRIVER, Policy::nul_string(IFNAME_MAX * 4)),
    (attr::MSIX, Policy::u8()),
    (attr::SPOOFCHK, Policy::u8()),
    (attr::TRUST, Policy::u8()),
    (attr::DIR, Policy::u8_range(acl_dir::IN, acl_dir::OUT)),
    (attr::PRIO, Policy::u32()),
    (attr::ACTION, Policy::u8_range(acl_action::ALLOW, acl_action::DENY)),
    (attr::SRC_MAC, Policy::exact(6)),
    (attr::DST_MAC, Policy::exact(6)),
    (attr::ETHERTYPE, Policy::u16()),
    (attr::SRC_IP, Policy::binary(16)),
    (attr::SRC_PLEN, Policy::u8_range(0, 128)),
    (attr::DST_IP, Policy::binary(16)),
    (attr::DST_PLEN, Policy::u8_range(0, 128)),
    (attr::IP_PROTO, Policy::u8()),
    (attr::SPORT_MIN, Policy::u16()),
    (attr::SPORT_MAX, Policy::u16()),
    (attr::DPORT_MIN, Policy::u16()),
    (attr::DPORT_MAX, Policy::u16()),
    (attr::HITS, Policy::u64()),
    (attr::DEFAULT, Policy::flag()),
    (attr::RATE_IN, Policy::u64_range(&RATE)),
    (attr::RATE_OUT, Policy::u64_range(&RATE)),
    (attr::BURST, Policy::u32_range(&BURST)),
    (attr::WEIGHT, Policy::u32_range(&WEIGHT)),
    (attr::UPLINK_QDISC, Policy::u8()),
    (attr::IFNAME, Policy::nul_string(IFNAME_MAX)),
    (attr::MAC_SPOOF, Policy::u8_range(0, 1)),
    (attr::DHCP_GUARD, Policy::u8_range(0, 1)),
    (attr::ROUTER_GUARD, Policy::u8_range(0, 1)),
    (attr::IP_GUARD, Policy::u8_range(0, 1)),
    (attr::TRUSTED, Policy::u8_range(0, 1)),
    (attr::IP_ALLOW, Policy::nested()),
    (attr::MAC_MAX, Policy::u32()),
    (attr::STORM_LIMIT, Policy::u32()),
    (attr::GROUP_FWD_MASK, Policy::u16_mask(!guard::GROUP_FWD_RESTRICTED)),
    (attr::BINDING, Policy::nested()),
    (attr::DEV, Policy::nul_string(IFNAME_MAX)),
    (attr::LINK, Policy::u8_range(0, 1)),
]);

/// The family (see `uapi.rs` for the protocol).
pub(crate) struct VswitchFamily;

/// A change command's outcome, its message set as the request's extack.
fn done(req: &Request<'_>, r: CfgResult) -> Result {
    r.map_err(|Fail(e, m)| req.fail(e, m))
}

impl Family for VswitchFamily {
    const NAME: &'static str = uapi::FAMILY_NAME;
    const VERSION: u8 = uapi::FAMILY_VERSION;
    const POLICY: &'static [Policy] = &POLICY;
    const OPS: &'static [Op] = &[
        Op::doit(cmd::GET_VERSION, get_version),
        Op::doit(cmd::SWITCH_NEW, |r| done(r, switch::new(r))),
        Op::doit(cmd::SWITCH_SET, |r| done(r, switch::set(r))),
        Op::doit(cmd::SWITCH_DEL, |r| done(r, switch::del(r))),
        Op::get(cmd::SWITCH_GET, switch::get, switch::dump),
        Op::doit(cmd::PORT_NEW, |r| done(r, port::new(r))),
        Op::doit(cmd::PORT_SET, |r| done(r, port::set(r))),
        Op::doit(cmd::PORT_DEL, |r| done(r, port::del(r))),
        Op::get(cmd::PORT_GET, port::get, port::dump),
        Op::doit(cmd::PORT_IRQS, irq::get),
        Op::doit(cmd::BINDING_GET, binding::get),
        Op::doit(cmd::FDB_NEW, |r| done(r, fdb::new(r))),
        Op::doit(cmd::FDB_DEL, |r| done(r, fdb::del(r))),
        Op::doit(cmd::FDB_FLUSH, |r| done(r, fdb::flush(r))),
        Op::dump(cmd::FDB_GET, fdb::dump),
        Op::dump(cmd::VMQ_GET, vmq::dump),
        Op::doit(cmd::ACL_NEW, |r| done(r, acl::new(r))),
        Op::doit(cmd::ACL_DEL, |r| done(r, acl::del(r))),
        Op::doit(cmd::ACL_DEFAULT, |r| done(r, acl::set_default(r))),
        Op::dump(cmd::ACL_GET, acl::dump),
    ];
    const MCGRPS: &'static [&'static str] = &[uapi::MCGRP_EVENTS];
}

fn get_version(req: &Request<'_>) -> Result {
    let msg = req.reply(cmd::GET_VERSION)?;
    msg.put_str(attr::VERSION, uapi::VERSION)?;
    msg.put_u32(attr::FAMILY_VERSION, uapi::FAMILY_VERSION.into())?;
    req.send(msg)
}
