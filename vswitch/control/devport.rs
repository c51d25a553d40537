// SPDX-License-Identifier: GPL-2.0
//! What stands behind a port: a vPort netdev the switch created, or an existing Ethernet
//! device attached with `port add NAME switch SW dev IFNAME` (a VM's tap, a veth end, a
//! second NIC). An attached device keeps its own lifecycle: the switch takes its received
//! frames through an rx_handler (as for the uplink) and transmits through it; `port del`
//! gives it back as it was; when its owner deletes it (the hypervisor closes the tap) or
//! moves it to another namespace, the port goes (see `SwitchCtl::settle`).

use super::*;
use crate::net::{dev_by_name, is_vport, Net, NetDevice, Uplink, Vport};
use crate::switch::{PortCore, PortRx};
use crate::sync::rtnl::Held;
use kernel::c_str;
use kernel::sync::Arc;
use kernel::types::ARef;

/// The device of a port.
pub(crate) enum PortDev {
    /// A vPort netdev created by the switch (unregistered when the port goes).
    Vport(Vport<PortCore>),
    /// An existing device attached as the port (detached, not deleted, when the port goes).
    Attached(Uplink<PortRx>),
}

impl PortDev {
    /// Attaches device `ifname` of `net` as a port with rx data `rx` (fallible; dropping
    /// the result detaches it).
    pub(super) fn attach(rtnl: Held<'_>, net: Net<'_>, ifname: &str, rx: Arc<PortRx>) -> CfgResult<Self> {
        let Ok(dev) = dev_by_name(rtnl, net, ifname) else {
            return fail(ENODEV, c_str!("vswitch: dev: no such device in this namespace"));
        };
        if is_vport(dev) {
            return fail(EINVAL, c_str!("vswitch: dev: a vPort is already a port (of its own switch)"));
        }
        match Uplink::attach(rtnl, dev, rx) {
            Ok(link) => Ok(PortDev::Attached(link)),
            Err(e) if e == EBUSY => fail(EBUSY, c_str!("vswitch: dev: device already has an rx handler (an uplink, a bridge, bond or switch port?)")),
            Err(e) => fail(e, c_str!("vswitch: dev: cannot attach the device (not an Ethernet device?)")),
        }
    }

    /// The port's device.
    pub(crate) fn dev(&self) -> &NetDevice {
        match self {
            PortDev::Vport(v) => v.dev(),
            PortDev::Attached(a) => a.dev(),
        }
    }

    /// A counted reference to the device, for the fast path's tables.
    pub(crate) fn handle(&self) -> ARef<NetDevice> {
        match self {
            PortDev::Vport(v) => v.handle(),
            PortDev::Attached(a) => a.handle(),
        }
    }

    /// The vPort netdev, if the switch created the device.
    pub(crate) fn vport(&self) -> Option<&Vport<PortCore>> {
        match self {
            PortDev::Vport(v) => Some(v),
            PortDev::Attached(_) => None,
        }
    }

    /// Whether the device is an attached one (`dev IFNAME`).
    pub(crate) fn attached(&self) -> bool {
        matches!(self, PortDev::Attached(_))
    }

    /// Applies the port's link setting to the device: a vPort's carrier follows it (and its
    /// admin state). A tap's carrier is taken down as `ip link set TAP carrier off` does
    /// (`taken` records that it was this port that did), and given back when the link comes
    /// up, unless the tap lost it meanwhile (its VM gone). Other devices' carrier is their
    /// driver's (a team, a NIC's PHY: the control has side effects there) and is left
    /// alone. The switch forwards nothing while the link is down either way.
    pub(crate) fn apply_link(&self, rtnl: Held<'_>, up: bool, taken: &mut bool) {
        match self {
            PortDev::Vport(v) => v.set_carrier(up && v.dev().running()),
            PortDev::Attached(a) => {
                let d = a.dev();
                if !up && !*taken && d.kind() == Some("tun") && d.carrier() {
                    *taken = d.change_carrier(rtnl, false).is_ok();
                } else if up && *taken {
                    // A tap without its VM refuses (EPERM): it has no carrier to give back.
                    let _ = d.change_carrier(rtnl, true);
                    *taken = false;
                }
            }
        }
    }

    /// Lets the device go: a vPort is unregistered; an attached device is detached with its
    /// carrier given back if the port had taken it (`taken`, see [`Self::apply_link`]).
    pub(crate) fn release(self, rtnl: Held<'_>, taken: bool) {
        match self {
            PortDev::Vport(v) => v.unregister(rtnl),
            PortDev::Attached(a) => {
                if taken && a.dev().registered(rtnl) {
                    let _ = a.dev().change_carrier(rtnl, true);
                }
                a.detach(rtnl)
            }
        }
    }

    /// Whether the device is gone from the switch's reach: unregistered, or (an attached
    /// one) leaving for, or in, another namespace than `net`, the switch's, as an uplink
    /// would be. `leaving`: the device of a `NETDEV_UNREGISTER` event, which a move to
    /// another namespace sends while the device is still registered in the old one. A
    /// vPort may live in any namespace (a container's).
    pub(crate) fn left(&self, rtnl: Held<'_>, net: Net<'_>, leaving: Option<&NetDevice>) -> bool {
        let d = self.dev();
        !d.registered(rtnl) || (self.attached() && (d.net().key() != net.key() || leaving.is_some_and(|l| l.same(d))))
    }
}

impl SwitchCtl {
    /// Whether `dev` is this switch's uplink or one of its ports' devices.
    fn holds(&self, dev: &NetDevice) -> bool {
        self.uplink.as_ref().is_some_and(|u| u.link.dev().same(dev)) || self.ports.iter().any(|p| p.dev.dev().same(dev))
    }

    /// Refuses a device whose frames would come back into this switch by themselves: one
    /// stacked on a vPort or on a device of this switch (a macvlan or VLAN on a vPort, a bond
    /// of the uplink), or a veth whose peer is on this switch. Loops through other switches
    /// or the wire cannot be seen from here (as for the bridge); storm-limit bounds them.
    pub(super) fn check_loop(&self, rtnl: Held<'_>, dev: &NetDevice) -> CfgResult {
        if dev.any_lower(rtnl, |l| is_vport(l) || self.holds(l)) {
            return fail(crate::errno::eloop(), c_str!("vswitch: dev: the device is stacked on a vPort or on this switch's devices (a loop)"));
        }
        if dev.peer(rtnl).is_some_and(|p| self.holds(p) || is_vport(p)) {
            return fail(crate::errno::eloop(), c_str!("vswitch: dev: its peer is already on this switch (a loop)"));
        }
        Ok(())
    }
}
