// SPDX-License-Identifier: GPL-2.0
//! Static FDB entries and flushes, by port name.

use super::*;
use crate::fdbtable::StaticError;
use crate::mac::Mac;
use crate::switch::UPLINK_ID;
use crate::sync::rtnl::Held;
use kernel::{c_str, prelude::*};

impl Switches {
    /// Which port of switch `sw` `port` names: a vPort by its name, the uplink by its device
    /// name.
    pub(super) fn port_id(rtnl: Held<'_>, sw: &SwitchCtl, port: &str) -> CfgResult<u32> {
        if let Some(p) = sw.port(port) {
            Ok(p.id)
        } else if sw.uplink.as_ref().is_some_and(|u| u.link.dev().name(rtnl) == port) {
            Ok(UPLINK_ID)
        } else {
            fail(ENOENT, c_str!("vswitch: no such port on this switch"))
        }
    }

    pub(crate) fn fdb_add(&mut self, rtnl: Held<'_>, switch: &str, mac: Mac, vid: u16, port: &str) -> CfgResult {
        let sw = &self.list[self.switch_idx(switch)?];
        let id = Self::port_id(rtnl, sw, port)?;
        if !mac.is_valid_unicast() {
            return fail(EINVAL, c_str!("vswitch: static entries need a unicast MAC address"));
        }
        match sw.core.fdb.add_static(&mac, vid, id, GFP_REQ) {
            Ok(()) => Ok(()),
            Err(StaticError::Full) => fail(ENOSPC, c_str!("vswitch: the FDB is full (fdb-max counts static entries too)")),
            Err(StaticError::NoMem) => fail(ENOMEM, c_str!("vswitch: out of memory")),
        }
    }

    pub(crate) fn fdb_del(&mut self, switch: &str, mac: Mac, vid: u16) -> CfgResult {
        let sw = &self.list[self.switch_idx(switch)?];
        if sw.core.fdb.retain(|k, _| *k != (mac, vid)) == 0 {
            return fail(ENOENT, c_str!("vswitch: no such FDB entry"));
        }
        Ok(())
    }

    /// Removes dynamic entries (and static ones with `statics`), optionally only those of
    /// `port` and/or `vid`. Returns how many.
    pub(crate) fn fdb_flush(&mut self, rtnl: Held<'_>, switch: &str, port: Option<&str>, vid: Option<u16>, statics: bool) -> CfgResult<usize> {
        let sw = &self.list[self.switch_idx(switch)?];
        let id = port.map(|p| Self::port_id(rtnl, sw, p)).transpose()?;
        Ok(sw.core.fdb.retain(|k, e| {
            let hit = (statics || !e.is_static) && id.map_or(true, |i| e.port == i) && vid.map_or(true, |v| k.1 == v);
            !hit
        }))
    }
}
