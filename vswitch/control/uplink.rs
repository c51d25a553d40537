// SPDX-License-Identifier: GPL-2.0
//! A switch's uplink: attaching a device, checking it may be one, and swapping it with the
//! port table published before the old one is let go.

use super::*;
use crate::net::qdisc;
use crate::net::{dev_by_name, Net, NetDevice, Uplink};
use crate::pci::PciDev;
use kernel::types::ARef;
use crate::stats::Stats;
use crate::switch::{PortTable, Slot, SwitchCore, UplinkRx, UPLINK_ID};
use crate::sync::rcu::RcuBox;
use crate::sync::rtnl::Held;
use crate::vlan::VlanMode;
use core::sync::atomic::Ordering;
use kernel::alloc::{KBox, KVec};
use kernel::sync::Arc;
use kernel::{c_str, prelude::*};

/// Configuration of an uplink; dropping it detaches the device.
pub(crate) struct UplinkCtl {
    pub(crate) link: Uplink<UplinkRx>,
    pub(crate) stats: Arc<Stats>,
}

impl UplinkCtl {
    /// Attaches device `name` of `net` to `core` (fallible; dropping the result detaches).
    pub(super) fn attach(rtnl: Held<'_>, net: Net<'_>, core: &Arc<SwitchCore>, name: &str) -> CfgResult<Self> {
        let stats = Arc::new(Stats::new()?, GFP_REQ)?;
        let rx = Arc::new(UplinkRx { switch: core.clone(), stats: stats.clone() }, GFP_REQ)?;
        let Ok(dev) = dev_by_name(rtnl, net, name) else {
            return fail(ENODEV, c_str!("vswitch: uplink device not found"));
        };
        match Uplink::attach(rtnl, dev, rx) {
            Ok(link) => Ok(UplinkCtl { link, stats }),
            Err(e) if e == EBUSY => fail(EBUSY, c_str!("vswitch: device already has an rx handler (bridge or bond port?)")),
            Err(e) => fail(e, c_str!("vswitch: cannot attach uplink (not an Ethernet device?)")),
        }
    }

    pub(crate) fn slot(&self) -> Slot {
        Slot {
            id: UPLINK_ID,
            dev: self.link.handle(),
            vlan: VlanMode::uplink_default(),
            stats: self.stats.clone(),
            is_uplink: true,
            xmit: true,
            steer: None,
            policy: None,
        }
    }
}

impl SwitchCtl {
    /// Before the uplink changes: VF ports (of its PF) go, and VMQ filters and steering are
    /// removed while the device is still ours.
    pub(super) fn unhook_uplink(&mut self, rtnl: Held<'_>) {
        self.drop_vf_ports(rtnl);
        if let Some(u) = &self.uplink {
            self.vmq.clear(rtnl, Some(u.link.dev()));
        }
        self.core.vmq_timing.store(false, Ordering::Relaxed);
    }

    /// After a table without `old` is published: lets it (and its qdisc) go; VFs this switch
    /// enabled on it go to `sriov_off`.
    pub(super) fn release_uplink(&mut self, old: Option<UplinkCtl>, old_q: Option<qdisc::Attachment>, sriov_off: &mut KVec<ARef<PciDev>>) {
        drop(old_q);
        drop(old);
        self.core.fdb.flush_port(UPLINK_ID);
        if let Some(pf) = self.sriov_owned.take() {
            // Without room to remember it, the VFs stay enabled (as after a failed disable).
            let _ = sriov_off.push(pf, GFP_REQ);
        }
    }

    /// Replaces the uplink by `new` with the table `t` and qdisc `q` prepared for it (cannot
    /// fail; `t` None: build one, or publish none without memory): the new table is
    /// published before the old uplink is let go.
    pub(super) fn swap_uplink(
        &mut self,
        rtnl: Held<'_>,
        new: Option<UplinkCtl>,
        t: Option<KBox<RcuBox<PortTable>>>,
        q: Option<qdisc::Attachment>,
        sriov_off: &mut KVec<ARef<PciDev>>,
    ) {
        self.unhook_uplink(rtnl);
        let old_q = core::mem::replace(&mut self.qdisc, q);
        let old = core::mem::replace(&mut self.uplink, new);
        match t {
            Some(t) => self.commit(t),
            None => self.republish(),
        }
        self.release_uplink(old, old_q, sriov_off);
    }
}

impl Switches {
    /// Whether `dev` is in use by a switch of this namespace as its uplink.
    pub(super) fn is_uplink(&self, dev: &NetDevice) -> bool {
        self.list.iter().any(|s| s.uplink.as_ref().is_some_and(|u| u.link.dev().same(dev)))
    }

    pub(super) fn check_uplink(&self, rtnl: Held<'_>, net: Net<'_>, name: &str) -> CfgResult {
        let Ok(dev) = dev_by_name(rtnl, net, name) else {
            return fail(ENODEV, c_str!("vswitch: uplink device not found"));
        };
        if crate::net::is_vport(dev) {
            return fail(EINVAL, c_str!("vswitch: a vPort cannot be an uplink"));
        }
        if self.is_uplink(dev) {
            return fail(EBUSY, c_str!("vswitch: device is already the uplink of a switch"));
        }
        Ok(())
    }
}
