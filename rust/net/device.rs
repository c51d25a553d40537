// SPDX-License-Identifier: GPL-2.0
//! Network devices (`struct net_device`) and network namespaces (`struct net`), as the module
//! sees devices it does not own: borrowed (`&NetDevice`) or counted (`ARef<NetDevice>`).

use crate::bindings;
use crate::net::skb::EthAddr;
use crate::sync::rtnl::Held;
use core::marker::PhantomData;
use core::ptr::NonNull;
use kernel::error::{code::*, Result};
use kernel::types::{AlwaysRefCounted, Opaque};

/// A network namespace, borrowed from a request or a device.
///
/// # Invariants
/// `0` is a valid `struct net` for `'a`.
#[derive(Clone, Copy)]
pub struct Net<'a>(*mut bindings::net, PhantomData<&'a ()>);

impl<'a> Net<'a> {
    /// # Safety
    /// `net` must be valid for `'a`.
    pub(crate) unsafe fn from_raw(net: *mut bindings::net) -> Self {
        // INVARIANT: by the function contract.
        Net(net, PhantomData)
    }

    pub(crate) fn as_ptr(&self) -> *mut bindings::net {
        self.0
    }

    /// An identity of the namespace, for comparing (never dereferenced).
    pub fn key(&self) -> NetKey {
        NetKey(self.0 as usize)
    }

    /// Whether the namespace is still alive (not being dismantled).
    pub fn alive(&self) -> bool {
        // SAFETY: valid `net` (invariant).
        unsafe { bindings::vsw_net_alive(self.0) != 0 }
    }

    /// The namespace as a pointer that its owner keeps valid by other means.
    ///
    /// # Safety
    /// The caller must stop using the returned value before the namespace is freed (e.g.
    /// drop it from a pernet exit hook of this namespace).
    pub unsafe fn to_ptr(self) -> NetPtr {
        // INVARIANT: the caller keeps it valid (function contract).
        NetPtr(self.0)
    }
}

/// The identity of a network namespace (its address), for comparisons only.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct NetKey(usize);

/// A network namespace kept by an owner that is told when it goes away (pernet exit).
///
/// # Invariants
/// `0` is a valid `struct net` for as long as this value exists.
pub struct NetPtr(*mut bindings::net);

// SAFETY: a `struct net` may be used from any thread; validity is the owner's invariant.
unsafe impl Send for NetPtr {}
// SAFETY: as above; only read.
unsafe impl Sync for NetPtr {}

impl NetPtr {
    /// The namespace.
    pub fn get(&self) -> Net<'_> {
        // INVARIANT: valid for as long as `self` (type invariant).
        Net(self.0, PhantomData)
    }
}

/// A network device.
///
/// Only ever seen through a reference: `&NetDevice` borrowed from the kernel (a callback's
/// argument, a lookup under RTNL) or `ARef<NetDevice>`, which holds a device reference
/// (`dev_hold`) so the memory stays valid even after the device is unregistered (a frame sent
/// to an unregistered device is dropped by the stack).
///
/// # Invariants
/// The wrapped `net_device` is valid (allocated) for as long as the reference to it lives.
#[repr(transparent)]
pub struct NetDevice(Opaque<bindings::net_device>);

// SAFETY: a `net_device` may be used from any thread; the methods only read fields the kernel
// allows to be read racily (or under the RTNL proof they ask for) or call functions that
// synchronise themselves.
unsafe impl Send for NetDevice {}
// SAFETY: as above.
unsafe impl Sync for NetDevice {}

// SAFETY: `dev_hold` keeps the device's memory allocated until the matching `dev_put`
// (unregistration waits for the count to drop before the device is freed).
unsafe impl AlwaysRefCounted for NetDevice {
    fn inc_ref(&self) {
        // SAFETY: a valid device (type invariant).
        unsafe { bindings::vsw_dev_hold(self.as_ptr()) };
    }

    unsafe fn dec_ref(obj: NonNull<Self>) {
        // SAFETY: the caller gives up a reference it holds (trait contract).
        unsafe { bindings::vsw_dev_put(obj.as_ptr().cast()) };
    }
}

impl NetDevice {
    /// # Safety
    /// `ptr` must be a valid device for `'a`.
    pub(crate) unsafe fn from_raw<'a>(ptr: *mut bindings::net_device) -> &'a NetDevice {
        // SAFETY: `NetDevice` is a transparent wrapper of `net_device`; valid for `'a` by the
        // function contract.
        unsafe { &*ptr.cast::<NetDevice>() }
    }

    pub(crate) fn as_ptr(&self) -> *mut bindings::net_device {
        self.0.get()
    }

    /// Interface name. Renames happen under RTNL, so the name is stable while it is held.
    pub fn name<'a>(&'a self, _rtnl: Held<'a>) -> &'a str {
        // SAFETY: a valid device (invariant); `name` is not written while RTNL is held.
        let name = unsafe { &(*self.as_ptr()).name };
        // SAFETY: `c_char` and `u8` have the same layout.
        let b = unsafe { &*(name as *const [kernel::ffi::c_char; 16]).cast::<[u8; 16]>() };
        let n = b.iter().position(|&c| c == 0).unwrap_or(b.len());
        core::str::from_utf8(&b[..n]).unwrap_or("?")
    }
    /// Interface index.
    pub fn ifindex(&self) -> u32 {
        // SAFETY: a valid device (invariant); the index is set at registration and only
        // changes when the device moves between namespaces (under RTNL), an aligned `int`.
        unsafe { core::ptr::read_volatile(core::ptr::addr_of!((*self.as_ptr()).ifindex)) as u32 }
    }
    /// MTU (`READ_ONCE`: it changes under RTNL while the data path reads it).
    pub fn mtu(&self) -> u32 {
        // SAFETY: a valid device (invariant); an aligned `unsigned int` read once.
        unsafe { core::ptr::read_volatile(core::ptr::addr_of!((*self.as_ptr()).mtu)) }
    }
    /// Hardware address.
    pub fn addr(&self) -> EthAddr {
        let mut a = [0u8; 6];
        // SAFETY: a valid device; `dev_addr` points to its address, 6 bytes for an Ethernet
        // device (the module only keeps references to Ethernet devices: vPorts and uplinks
        // checked by `is_ether`).
        unsafe { core::ptr::copy_nonoverlapping((*self.as_ptr()).dev_addr, a.as_mut_ptr(), 6) };
        a
    }
    /// Administratively up (`IFF_UP`, running).
    pub fn running(&self) -> bool {
        self.state_bit(bindings::netdev_state_t___LINK_STATE_START)
    }
    /// Carrier up.
    pub fn carrier(&self) -> bool {
        !self.state_bit(bindings::netdev_state_t___LINK_STATE_NOCARRIER)
    }
    /// `test_bit(bit, &dev->state)`: the link state bits, changed atomically by the core.
    fn state_bit(&self, bit: bindings::netdev_state_t) -> bool {
        // SAFETY: valid device (invariant); `state` is an aligned `unsigned long` that the
        // core only changes with atomic bit operations, so an atomic load sees a whole value.
        let state = unsafe { core::sync::atomic::AtomicUsize::from_ptr(core::ptr::addr_of_mut!((*self.as_ptr()).state).cast()) };
        state.load(core::sync::atomic::Ordering::Relaxed) & (1 << bit) != 0
    }
    /// Same device?
    pub fn same(&self, other: &NetDevice) -> bool {
        core::ptr::eq(self, other)
    }
    /// An Ethernet device (6-byte addresses, not loopback): what may be an uplink.
    pub fn is_ether(&self) -> bool {
        // SAFETY: a valid device (invariant); type, address length and flags are plain fields.
        let (ty, len, flags) = unsafe {
            let d = &*self.as_ptr();
            (u32::from(d.type_), u32::from(d.addr_len), d.flags)
        };
        ty == bindings::ARPHRD_ETHER && len == 6 && flags & bindings::net_device_flags_IFF_LOOPBACK == 0
    }
    /// Whether some rx_handler (a bridge's, a bond's, an uplink's...) is attached.
    pub fn has_rx_handler(&self, _rtnl: Held<'_>) -> bool {
        // SAFETY: reading a pointer field of a valid device (invariant), which changes only
        // under RTNL.
        unsafe { (*self.as_ptr()).rx_handler.is_some() }
    }
    /// The network namespace the device is in now.
    pub fn net(&self) -> Net<'_> {
        // SAFETY: valid device (invariant); a device's namespace outlives the device's
        // presence in it, and callers use it under RTNL or within the borrow.
        unsafe { Net::from_raw(core::ptr::read_volatile(core::ptr::addr_of!((*self.as_ptr()).nd_net.net))) }
    }
    /// Whether `f` holds for any device this one is stacked on, at any depth (a macvlan's
    /// or VLAN's lower device, a bond's members: `netdev_walk_all_lower_dev`).
    pub fn any_lower(&self, _rtnl: Held<'_>, mut f: impl FnMut(&NetDevice) -> bool) -> bool {
        /// # Safety
        /// Called by the walk under RTNL with a valid lower device and our `priv_`.
        unsafe extern "C" fn visit(lower: *mut bindings::net_device, priv_: *mut bindings::netdev_nested_priv) -> kernel::ffi::c_int {
            // SAFETY: `data` is the `&mut dyn FnMut` below, alive for the walk; `lower` is a
            // valid device while RTNL is held.
            unsafe {
                let f = &mut *(*priv_).data.cast::<&mut dyn FnMut(&NetDevice) -> bool>();
                i32::from(f(NetDevice::from_raw(lower)))
            }
        }
        let mut f: &mut dyn FnMut(&NetDevice) -> bool = &mut f;
        let mut p = bindings::netdev_nested_priv { flags: 0, data: (&mut f as *mut &mut dyn FnMut(&NetDevice) -> bool).cast() };
        // SAFETY: RTNL held (as the walk requires); `p` and the closure outlive the call; a
        // non-zero return stops the walk and is returned.
        unsafe { bindings::netdev_walk_all_lower_dev(self.as_ptr(), Some(visit), &mut p) != 0 }
    }

    /// The other end of a pair device (a veth's peer: `ndo_get_peer_dev`), if it has one.
    pub fn peer<'a>(&'a self, _rtnl: Held<'a>) -> Option<&'a NetDevice> {
        // SAFETY: a valid device (invariant) whose `netdev_ops` is set for its lifetime; the
        // peer pointer is valid under RTNL (held for `'a`): a pair goes away together, under RTNL.
        unsafe {
            let ops = (*self.as_ptr()).netdev_ops;
            let f = ops.as_ref().and_then(|o| o.ndo_get_peer_dev)?;
            let peer = f(self.as_ptr());
            (!peer.is_null()).then(|| NetDevice::from_raw(peer))
        }
    }

    /// The device's link kind (`rtnl_link_ops->kind`: "tun", "veth", ...), if it has one.
    pub fn kind(&self) -> Option<&str> {
        // SAFETY: a valid device (invariant); `rtnl_link_ops` is set before registration and
        // points to the driver's static ops, whose `kind` is a static C string.
        let kind = unsafe {
            let ops = (*self.as_ptr()).rtnl_link_ops;
            if ops.is_null() || (*ops).kind.is_null() {
                return None;
            }
            kernel::str::CStr::from_char_ptr((*ops).kind)
        };
        kind.to_str().ok()
    }

    /// Asks the device's driver to turn its carrier on or off, as `ip link set DEV carrier
    /// on|off` does (`dev_change_carrier`, not exported to modules): `EOPNOTSUPP` if the
    /// driver has no such control, or the driver's refusal (a tap with no queue attached
    /// cannot be turned on).
    pub fn change_carrier(&self, _rtnl: Held<'_>, on: bool) -> Result {
        if !self.state_bit(bindings::netdev_state_t___LINK_STATE_PRESENT) {
            return Err(ENODEV);
        }
        // SAFETY: a valid device (invariant) whose `netdev_ops` is set for its lifetime;
        // `ndo_change_carrier` runs under RTNL (held), as the core calls it.
        let ret = unsafe {
            let ops = (*self.as_ptr()).netdev_ops;
            match ops.as_ref().and_then(|o| o.ndo_change_carrier) {
                Some(f) => f(self.as_ptr(), on),
                None => return Err(crate::errno::eopnotsupp()),
            }
        };
        if ret < 0 {
            return Err(kernel::error::Error::from_errno(ret));
        }
        Ok(())
    }
    /// Registered and not being unregistered (`NETREG_REGISTERED`).
    pub fn registered(&self, _rtnl: Held<'_>) -> bool {
        // SAFETY: RTNL is held.
        unsafe { registered(self.as_ptr()) }
    }
}

/// Looks up a device by name in `net` (under RTNL).
pub fn dev_by_name<'a>(_rtnl: Held<'a>, net: Net<'_>, name: &str) -> Result<&'a NetDevice> {
    let mut buf = [0u8; 16];
    if name.is_empty() || name.len() >= buf.len() {
        return Err(ENODEV);
    }
    buf[..name.len()].copy_from_slice(name.as_bytes());
    // SAFETY: `net` is valid (Net invariant), `buf` is NUL-terminated, RTNL is held.
    let dev = unsafe { bindings::__dev_get_by_name(net.as_ptr(), buf.as_ptr()) };
    if dev.is_null() {
        return Err(ENODEV);
    }
    // SAFETY: devices cannot be unregistered (let alone freed) while we hold RTNL (`'a`
    // borrows it).
    Ok(unsafe { NetDevice::from_raw(dev) })
}

/// Whether `dev` is registered and not being unregistered (`NETREG_REGISTERED`).
///
/// # Safety
/// `dev` must be a valid device and RTNL held (the state changes under RTNL).
pub(crate) unsafe fn registered(dev: *mut bindings::net_device) -> bool {
    // SAFETY: by the function contract.
    let state = unsafe { core::ptr::read_volatile(core::ptr::addr_of!((*dev).reg_state)) };
    u32::from(state) == bindings::netdev_reg_state_NETREG_REGISTERED
}
