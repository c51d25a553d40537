// SPDX-License-Identifier: GPL-2.0
//! Network devices: references, vPort netdevs the module registers, uplinks attached with an
//! rx_handler, and the netdevice notifier.

use crate::bindings;
use crate::sync::rtnl::{Held, RtnlCallback};
use crate::net::skb::{EthAddr, Skb};
use core::marker::PhantomData;
use kernel::error::{code::*, Error, Result};
use kernel::ffi::{c_int, c_void};
use kernel::sync::Arc;
use kernel::types::ForeignOwnable;

fn check(ret: c_int) -> Result {
    if ret < 0 {
        Err(Error::from_errno(ret))
    } else {
        Ok(())
    }
}

/// A network namespace, borrowed from a request.
///
/// # Invariants
/// `0` is a valid `struct net` for `'a`.
#[derive(Clone, Copy)]
pub struct Net<'a>(*mut bindings::net, PhantomData<&'a ()>);

impl<'a> Net<'a> {
    /// # Safety
    /// `net` must be valid for `'a`.
    pub(crate) unsafe fn from_raw(net: *mut bindings::net) -> Self {
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
    pub unsafe fn to_ptr(&self) -> NetPtr {
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

/// A borrowed network device, valid for `'a`.
///
/// # Invariants
/// `0` points to a valid `net_device` (its memory stays allocated) for `'a`.
#[derive(Clone, Copy)]
pub struct NetDevRef<'a>(*mut bindings::net_device, PhantomData<&'a ()>);

impl<'a> NetDevRef<'a> {
    pub(crate) fn as_ptr(&self) -> *mut bindings::net_device {
        self.0
    }
    /// Interface name.
    pub fn name(&self) -> &'a str {
        // SAFETY: `dev->name` is a NUL-terminated array inside the valid device.
        let s = unsafe { kernel::str::CStr::from_char_ptr(bindings::vsw_dev_name(self.0)) };
        core::str::from_utf8(s.as_bytes()).unwrap_or("?")
    }
    /// Interface index.
    pub fn ifindex(&self) -> u32 {
        // SAFETY: valid device (invariant).
        unsafe { bindings::vsw_dev_ifindex(self.0) as u32 }
    }
    /// MTU.
    pub fn mtu(&self) -> u32 {
        // SAFETY: valid device (invariant).
        unsafe { bindings::vsw_dev_mtu(self.0) }
    }
    /// Hardware address.
    pub fn addr(&self) -> EthAddr {
        let mut a = [0u8; 6];
        // SAFETY: an Ethernet device's `dev_addr` has 6 bytes.
        unsafe { core::ptr::copy_nonoverlapping(bindings::vsw_dev_addr(self.0), a.as_mut_ptr(), 6) };
        a
    }
    /// Administratively up (`IFF_UP`, running).
    pub fn running(&self) -> bool {
        // SAFETY: valid device (invariant).
        unsafe { bindings::vsw_netif_running(self.0) != 0 }
    }
    /// Carrier up.
    pub fn carrier(&self) -> bool {
        // SAFETY: valid device (invariant).
        unsafe { bindings::vsw_netif_carrier_ok(self.0) != 0 }
    }
    /// Sets the carrier state.
    pub fn set_carrier(&self, on: bool) {
        // SAFETY: valid device (invariant); carrier changes are allowed from any context.
        unsafe {
            if on {
                bindings::netif_carrier_on(self.0)
            } else {
                bindings::netif_carrier_off(self.0)
            }
        }
    }
    /// Same device?
    pub fn same(&self, other: &NetDevRef<'_>) -> bool {
        self.0 == other.0
    }
    /// Whether some rx_handler (a bridge's, a bond's, an uplink's...) is attached (RTNL).
    pub fn has_rx_handler(&self) -> bool {
        // SAFETY: reading a pointer field of a valid device (invariant).
        unsafe { !(*self.0).rx_handler.is_none() }
    }
    /// The network namespace the device is in now.
    pub fn net(&self) -> Net<'a> {
        // SAFETY: valid device (invariant); a device's namespace outlives the device's
        // presence in it, and callers use it under RTNL or within the borrow.
        unsafe { Net::from_raw(bindings::vsw_dev_net(self.0)) }
    }
    /// Registered and not being unregistered (`NETREG_REGISTERED`; read under RTNL).
    pub fn registered(&self) -> bool {
        // SAFETY: valid device (invariant).
        unsafe { bindings::vsw_dev_registered(self.0) != 0 }
    }
}

/// A counted reference to a network device (`dev_hold`/`dev_put`): the device's memory stays
/// valid while the handle lives, even after it is unregistered (a frame sent to an
/// unregistered device is dropped by the stack).
///
/// # Invariants
/// `0` is a device on which this handle holds one reference.
pub struct DevHandle(*mut bindings::net_device);

// SAFETY: a held device reference may be used and released from any context.
unsafe impl Send for DevHandle {}
// SAFETY: the methods only read the device.
unsafe impl Sync for DevHandle {}

impl DevHandle {
    /// Takes a new reference on `dev`.
    pub fn new(dev: &NetDevRef<'_>) -> Self {
        // SAFETY: `dev` is valid (NetDevRef invariant); we take our own reference.
        unsafe { bindings::vsw_dev_hold(dev.0) };
        DevHandle(dev.0)
    }
    /// Wraps a reference the caller already holds on `dev`.
    ///
    /// # Safety
    /// `dev` must be a valid device on which the caller holds a reference, given up here.
    pub(crate) unsafe fn from_held(dev: *mut bindings::net_device) -> Self {
        // INVARIANT: the reference is handed over by the caller.
        DevHandle(dev)
    }
    /// The device, valid as long as the handle.
    pub fn get(&self) -> NetDevRef<'_> {
        // INVARIANT: our reference keeps the device's memory alive for the borrow.
        NetDevRef(self.0, PhantomData)
    }
}

impl Clone for DevHandle {
    fn clone(&self) -> Self {
        DevHandle::new(&self.get())
    }
}

impl Drop for DevHandle {
    fn drop(&mut self) {
        // SAFETY: releases the reference this handle holds (invariant).
        unsafe { bindings::vsw_dev_put(self.0) };
    }
}

/// Looks up a device by name in `net` (under RTNL).
pub fn dev_by_name<'a>(_rtnl: Held<'a>, net: Net<'_>, name: &str) -> Result<NetDevRef<'a>> {
    let mut buf = [0u8; 16];
    if name.is_empty() || name.len() >= buf.len() {
        return Err(ENODEV);
    }
    buf[..name.len()].copy_from_slice(name.as_bytes());
    // SAFETY: `net` is valid (Net invariant), `buf` is NUL-terminated, RTNL is held.
    let dev = unsafe { bindings::__dev_get_by_name(net.0, buf.as_ptr()) };
    if dev.is_null() {
        return Err(ENODEV);
    }
    // INVARIANT: devices cannot be unregistered while we hold RTNL (`'a` borrows it).
    Ok(NetDevRef(dev, PhantomData))
}

/// vPort counters reported through `ndo_get_stats64`.
#[derive(Default)]
pub struct Stats64 {
    pub rx_packets: u64,
    pub rx_bytes: u64,
    pub tx_packets: u64,
    pub tx_bytes: u64,
    pub rx_dropped: u64,
    pub tx_dropped: u64,
}

/// The behaviour of a vPort netdev, implemented by the switch.
pub trait VportOps: Send + Sync + 'static {
    /// A frame the host (or VM) sent through the vPort; the switch takes it.
    fn xmit(&self, dev: NetDevRef<'_>, skb: Skb);
    /// The device went administratively up (`true`) or down.
    fn set_up(&self, dev: NetDevRef<'_>, up: bool);
    /// Counters.
    fn stats(&self, st: &mut Stats64);
}

/// How the vPort callbacks reach the `T: VportOps` of a device: one table per `T`.
struct VportVtable {
    xmit: unsafe fn(*const c_void, NetDevRef<'_>, Skb),
    set_up: unsafe fn(*const c_void, NetDevRef<'_>, bool),
    stats: unsafe fn(*const c_void, &mut Stats64),
    release: unsafe fn(*const c_void),
}

/// Private area of a vPort netdev: the foreign-owned `Arc<T>` and `T`'s table.
#[repr(C)]
struct VportPriv {
    ops: *const c_void,
    vt: *const VportVtable,
}

/// The `net_device_ops` of every vPort: a `static`, so its address identifies vPorts.
#[repr(transparent)]
struct NetdevOps(bindings::net_device_ops);

// SAFETY: the table is immutable plain data (function pointers) shared with the kernel.
unsafe impl Sync for NetdevOps {}

static VPORT_OPS: NetdevOps = NetdevOps({
    // SAFETY: all-zero `net_device_ops` means "no callback" for every member.
    let mut ops: bindings::net_device_ops = unsafe { core::mem::zeroed() };
    ops.ndo_open = Some(vport_open);
    ops.ndo_stop = Some(vport_stop);
    ops.ndo_start_xmit = Some(vport_start_xmit);
    ops.ndo_get_stats64 = Some(vport_get_stats64);
    ops.ndo_set_mac_address = Some(bindings::eth_mac_addr);
    ops.ndo_validate_addr = Some(bindings::eth_validate_addr);
    ops
});

/// The private area of a vPort.
///
/// # Safety
/// `dev` must be a registered vPort (`netdev_ops` is `VPORT_OPS`, private area set by
/// `Vport::register`), and its private area is read before `vport_destructor`.
unsafe fn vport_priv<'a>(dev: *mut bindings::net_device) -> &'a VportPriv {
    // SAFETY: by the function contract.
    unsafe { &*(bindings::vsw_netdev_priv(dev) as *const VportPriv) }
}

unsafe extern "C" fn vport_open(dev: *mut bindings::net_device) -> c_int {
    // SAFETY: called by the core for a registered vPort (these ops are only vPorts'), under
    // RTNL, before its destructor; `vt` is the table of the `ops` type.
    unsafe {
        bindings::vsw_netif_tx_start_all(dev);
        let p = vport_priv(dev);
        ((*p.vt).set_up)(p.ops, NetDevRef(dev, PhantomData), true);
    }
    0
}

unsafe extern "C" fn vport_stop(dev: *mut bindings::net_device) -> c_int {
    // SAFETY: as in `vport_open`.
    unsafe {
        bindings::vsw_netif_tx_stop_all(dev);
        let p = vport_priv(dev);
        ((*p.vt).set_up)(p.ops, NetDevRef(dev, PhantomData), false);
    }
    0
}

unsafe extern "C" fn vport_start_xmit(skb: *mut bindings::sk_buff, dev: *mut bindings::net_device) -> bindings::netdev_tx_t {
    // SAFETY: the core gives us ownership of `skb` for a registered vPort `dev`; as in
    // `vport_open` for the private area.
    unsafe {
        if let Some(skb) = Skb::from_xmit(skb) {
            let p = vport_priv(dev);
            ((*p.vt).xmit)(p.ops, NetDevRef(dev, PhantomData), skb);
        }
    }
    bindings::netdev_tx_NETDEV_TX_OK
}

unsafe extern "C" fn vport_get_stats64(dev: *mut bindings::net_device, st: *mut bindings::rtnl_link_stats64) {
    let mut s = Stats64::default();
    // `st` is only 4-byte aligned when it is an IFLA_STATS64 payload (x86 does not pad
    // netlink attributes to 8), so the fields are written unaligned.
    // SAFETY: a registered vPort (as in `vport_open`); `st` is a valid, zeroed stats buffer.
    unsafe {
        let p = vport_priv(dev);
        ((*p.vt).stats)(p.ops, &mut s);
        use core::ptr::{addr_of_mut, write_unaligned};
        write_unaligned(addr_of_mut!((*st).rx_packets), s.rx_packets);
        write_unaligned(addr_of_mut!((*st).rx_bytes), s.rx_bytes);
        write_unaligned(addr_of_mut!((*st).tx_packets), s.tx_packets);
        write_unaligned(addr_of_mut!((*st).tx_bytes), s.tx_bytes);
        write_unaligned(addr_of_mut!((*st).rx_dropped), s.rx_dropped);
        write_unaligned(addr_of_mut!((*st).tx_dropped), s.tx_dropped);
    }
}

unsafe extern "C" fn vport_destructor(dev: *mut bindings::net_device) {
    // SAFETY: called once, after unregistration, when no callback can run any more; the
    // private area holds the `Arc` handed over in `register`, released through its table.
    unsafe {
        let p = vport_priv(dev);
        ((*p.vt).release)(p.ops);
    }
}

/// Whether `dev` is a vPort (never attach one as an uplink: it would loop).
pub fn is_vport(dev: &NetDevRef<'_>) -> bool {
    // SAFETY: reading `netdev_ops` of a valid device.
    let ops = unsafe { (*dev.0).netdev_ops };
    core::ptr::eq(ops, &VPORT_OPS.0)
}

/// The registration of a vPort netdev; dropping it unregisters the device (if the stack has
/// not already started to), so no early return can leave one behind.
///
/// Created and dropped under RTNL: a `Vport` lives in RTNL-protected configuration (the
/// drop asserts RTNL, as the kernel's own unregister does).
///
/// # Invariants
/// `dev` is a vPort netdev we registered, whose private area owns an `Arc<T>` and points at
/// `T`'s table.
pub struct Vport<T: VportOps> {
    dev: DevHandle,
    _t: PhantomData<T>,
}

impl<T: VportOps> Vport<T> {
    const VTABLE: VportVtable = VportVtable {
        xmit: Self::xmit,
        set_up: Self::set_up,
        stats: Self::stats,
        release: Self::release,
    };

    /// # Safety
    /// `ops` is the foreign pointer of an `Arc<T>` alive for `'a`.
    unsafe fn borrow<'a>(ops: *const c_void) -> kernel::sync::ArcBorrow<'a, T> {
        // SAFETY: by the function contract.
        unsafe { <Arc<T> as ForeignOwnable>::borrow(ops) }
    }
    unsafe fn xmit(ops: *const c_void, dev: NetDevRef<'_>, skb: Skb) {
        // SAFETY: the callers pass the private area's `Arc<T>`, alive until the destructor.
        unsafe { Self::borrow(ops) }.xmit(dev, skb)
    }
    unsafe fn set_up(ops: *const c_void, dev: NetDevRef<'_>, up: bool) {
        // SAFETY: as in `xmit`.
        unsafe { Self::borrow(ops) }.set_up(dev, up)
    }
    unsafe fn stats(ops: *const c_void, st: &mut Stats64) {
        // SAFETY: as in `xmit`.
        unsafe { Self::borrow(ops) }.stats(st)
    }
    unsafe fn release(ops: *const c_void) {
        // SAFETY: the destructor passes the private area's `Arc<T>` once, when no callback
        // can run any more.
        drop(unsafe { <Arc<T> as ForeignOwnable>::from_foreign(ops) });
    }

    /// Whether `dev` is a vPort (see [`is_vport`]).
    pub fn is_vport(dev: &NetDevRef<'_>) -> bool {
        is_vport(dev)
    }

    /// Creates and registers a vPort netdev named `name` in `net`.
    pub fn register(
        _rtnl: Held<'_>,
        net: Net<'_>,
        name: &str,
        mac: Option<EthAddr>,
        mtu: Option<u32>,
        ops: Arc<T>,
    ) -> Result<Self> {
        let mut buf = [0u8; 16];
        if name.is_empty() || name.len() >= buf.len() {
            return Err(EINVAL);
        }
        buf[..name.len()].copy_from_slice(name.as_bytes());
        // SAFETY: `buf` is NUL-terminated; the setup callback is our C setup function.
        let dev = unsafe {
            bindings::alloc_netdev_mqs(
                core::mem::size_of::<VportPriv>() as c_int,
                buf.as_ptr(),
                bindings::NET_NAME_USER as u8,
                Some(bindings::vsw_vport_setup_common),
                1,
                1,
            )
        };
        if dev.is_null() {
            return Err(ENOMEM);
        }
        let foreign = ops.into_foreign();
        // SAFETY: `dev` is a fresh, unregistered device that we own; RTNL is held.
        let ret = unsafe {
            let p = bindings::vsw_netdev_priv(dev) as *mut VportPriv;
            (*p).ops = foreign;
            (*p).vt = &Self::VTABLE;
            (*dev).netdev_ops = &VPORT_OPS.0;
            bindings::vsw_dev_net_set(dev, net.0);
            match mac {
                Some(a) => bindings::vsw_eth_hw_addr_set(dev, a.as_ptr()),
                None => bindings::vsw_eth_hw_addr_random(dev),
            }
            if let Some(m) = mtu {
                (*dev).mtu = m;
            }
            bindings::netif_carrier_off(dev);
            bindings::vsw_register_netdevice(dev)
        };
        if ret < 0 {
            // SAFETY: registration failed: the device is still ours. The destructor is not
            // set yet (a failing `register_netdevice` calls it, and it would release the
            // `Arc` a second time), so release the `Arc` and the device here.
            unsafe {
                drop(<Arc<T> as ForeignOwnable>::from_foreign(foreign));
                bindings::free_netdev(dev);
            }
            return Err(Error::from_errno(ret));
        }
        // SAFETY: registered, RTNL held (nobody can unregister it before this store); from now
        // on the destructor releases the `Arc` once the device is unregistered and unused.
        unsafe { (*dev).priv_destructor = Some(vport_destructor) };
        // INVARIANT: registered above.
        Ok(Vport { dev: DevHandle::new(&NetDevRef(dev, PhantomData)), _t: PhantomData })
    }

    /// The device.
    pub fn dev(&self) -> NetDevRef<'_> {
        self.dev.get()
    }

    /// A counted handle to the device, for the fast path's tables.
    pub fn handle(&self) -> DevHandle {
        self.dev.clone()
    }

    /// Sets the carrier (the switch decides: admin up and member of a switch).
    pub fn set_carrier(&self, on: bool) {
        // SAFETY: our registered device.
        unsafe {
            if on {
                bindings::netif_carrier_on(self.dev.0)
            } else {
                bindings::netif_carrier_off(self.dev.0)
            }
        }
    }

    /// Changes the hardware address (notifies the stack like `ip link set address`).
    pub fn set_mac(&self, _rtnl: Held<'_>, mac: EthAddr) -> Result {
        // SAFETY: our registered device, RTNL held.
        check(unsafe { bindings::vsw_dev_set_mac(self.dev.0, mac.as_ptr()) })
    }

    /// Changes the MTU (validated by the core against min/max).
    pub fn set_mtu(&self, _rtnl: Held<'_>, mtu: u32) -> Result {
        let mtu = c_int::try_from(mtu).map_err(|_| EINVAL)?;
        // SAFETY: our registered device, RTNL held.
        check(unsafe { bindings::dev_set_mtu(self.dev.0, mtu) })
    }

    /// Unregisters the device (the same as dropping it, with the RTNL proof in hand); it is
    /// freed (and the `Arc<T>` dropped) when RTNL is released and all handles are gone.
    pub fn unregister(self, _rtnl: Held<'_>) {
        drop(self);
    }

    /// Moves the device to `net`, renaming it after `pattern` (e.g. `"vport%d"`) if its name
    /// is taken there.
    pub fn move_to(&self, _rtnl: Held<'_>, net: Net<'_>, pattern: &'static kernel::str::CStr) -> Result {
        // SAFETY: our device, RTNL held; `net` is valid (Net invariant); `pattern` is a
        // static C string.
        check(unsafe { bindings::vsw_dev_change_net_namespace(self.dev.0, net.0, pattern.as_char_ptr()) })
    }
}

impl<T: VportOps> Drop for Vport<T> {
    fn drop(&mut self) {
        // SAFETY: asserting RTNL has no preconditions (it warns when RTNL is not locked).
        unsafe { bindings::vsw_assert_rtnl() };
        // A device the stack already unregisters (its namespace exits, `ip link del`) must
        // not be unregistered twice: only a registered one is.
        if self.dev().registered() {
            // SAFETY: registered (checked under RTNL), ours (invariant).
            unsafe { bindings::unregister_netdevice_queue(self.dev.0, core::ptr::null_mut()) };
        }
    }
}

/// What the switch does with frames received on an uplink.
pub trait UplinkOps: Send + Sync + 'static {
    /// A frame received on the uplink `dev`; the switch takes it.
    fn rx(&self, dev: NetDevRef<'_>, skb: Skb);
}

/// An uplink: an existing netdev whose received frames go to the switch (rx_handler), in
/// promiscuous mode while attached. Dropping it detaches (under RTNL, like [`Vport`]).
///
/// # Invariants
/// The rx_handler of `dev` is ours with an `Arc<T>` foreign pointer as its data, and we hold
/// one promiscuity count on it.
pub struct Uplink<T: UplinkOps> {
    dev: DevHandle,
    _t: PhantomData<T>,
}

impl<T: UplinkOps> Uplink<T> {
    unsafe extern "C" fn rx_handler(pskb: *mut *mut bindings::sk_buff) -> bindings::rx_handler_result_t {
        // SAFETY: the core passes a valid skb pointer in softirq context under RCU; the
        // handler data is our `Arc<T>` until `netdev_rx_handler_unregister` + a grace period.
        unsafe {
            let skb = *pskb;
            if bindings::vsw_skb_is_loopback(skb) != 0 {
                return bindings::rx_handler_result_RX_HANDLER_PASS;
            }
            let dev = NetDevRef(bindings::vsw_skb_dev(skb), PhantomData);
            let data = bindings::vsw_rx_handler_data(skb);
            let ops = <Arc<T> as ForeignOwnable>::borrow(data);
            if let Some(skb) = Skb::from_raw(skb).and_then(Skb::unshare).and_then(Skb::normalize) {
                ops.rx(dev, skb);
            }
        }
        bindings::rx_handler_result_RX_HANDLER_CONSUMED
    }

    /// Attaches `dev` as an uplink. Fails with `EBUSY` if it already has an rx_handler
    /// (bridge port, another switch's uplink, bond member...).
    pub fn attach(_rtnl: Held<'_>, dev: NetDevRef<'_>, ops: Arc<T>) -> Result<Self> {
        // SAFETY: `dev` is valid (RTNL held by the caller through `_rtnl`).
        if unsafe { bindings::vsw_dev_is_ether(dev.0) } == 0 {
            return Err(EINVAL);
        }
        let foreign = ops.into_foreign();
        // SAFETY: RTNL held; on success the core owns our handler/data until unregister.
        let ret = unsafe {
            bindings::vsw_rx_handler_register(dev.0, Some(Self::rx_handler), foreign as *mut c_void)
        };
        if ret < 0 {
            // SAFETY: not registered, so the foreign pointer is still ours.
            drop(unsafe { <Arc<T> as ForeignOwnable>::from_foreign(foreign) });
            return Err(Error::from_errno(ret));
        }
        // SAFETY: RTNL held, valid device.
        let ret = unsafe { bindings::dev_set_promiscuity(dev.0, 1) };
        if ret < 0 {
            // SAFETY: undo the registration above, then free the data after readers are gone.
            unsafe {
                bindings::netdev_rx_handler_unregister(dev.0);
                drop(<Arc<T> as ForeignOwnable>::from_foreign(foreign));
            }
            return Err(Error::from_errno(ret));
        }
        // INVARIANT: handler registered and promiscuity taken above.
        Ok(Uplink { dev: DevHandle::new(&dev), _t: PhantomData })
    }

    /// The device.
    pub fn dev(&self) -> NetDevRef<'_> {
        self.dev.get()
    }

    /// A counted handle to the device, for the fast path's tables.
    pub fn handle(&self) -> DevHandle {
        self.dev.clone()
    }

    /// Detaches (the same as dropping it, with the RTNL proof in hand).
    pub fn detach(self, _rtnl: Held<'_>) {
        drop(self);
    }
}

impl<T: UplinkOps> Drop for Uplink<T> {
    /// Removes the rx_handler and drops promiscuity; returns after in-flight frames are done
    /// (`netdev_rx_handler_unregister` waits for a grace period itself).
    fn drop(&mut self) {
        let dev = self.dev.0;
        // SAFETY: asserting RTNL has no preconditions (it warns when RTNL is not locked).
        unsafe { bindings::vsw_assert_rtnl() };
        // SAFETY: our handler is registered (invariant) and RTNL is held. The data pointer is
        // read before unregistering; `netdev_rx_handler_unregister` clears the handler and
        // waits for a grace period, after which no handler runs, so we own the data.
        unsafe {
            let data = (*dev).rx_handler_data;
            bindings::dev_set_promiscuity(dev, -1);
            bindings::netdev_rx_handler_unregister(dev);
            drop(<Arc<T> as ForeignOwnable>::from_foreign(data as *const c_void));
        }
    }
}

/// A netdevice event the switch acts on.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum NetdevEvent {
    /// The device is being unregistered, or is leaving its namespace (it stays registered).
    Unregister,
    /// Its hardware address changed.
    ChangeAddr,
}

/// Receives netdevice events (all namespaces), under RTNL. The events may come from inside
/// our own RTNL sections (see [`RtnlCallback`]).
pub trait NotifierOps: Sync + 'static {
    /// `ev` happened to `dev`.
    fn event(rtnl: &mut RtnlCallback, ev: NetdevEvent, dev: NetDevRef<'_>);
}

/// A registered netdevice notifier.
///
/// # Invariants
/// `nb` is registered and stays at the same address until drop.
pub struct Notifier<T: NotifierOps> {
    nb: kernel::alloc::KBox<kernel::types::Opaque<bindings::notifier_block>>,
    _t: PhantomData<T>,
}

// SAFETY: only used to unregister on drop.
unsafe impl<T: NotifierOps> Send for Notifier<T> {}
// SAFETY: no methods through `&self`.
unsafe impl<T: NotifierOps> Sync for Notifier<T> {}

impl<T: NotifierOps> Notifier<T> {
    unsafe extern "C" fn call(_nb: *mut bindings::notifier_block, event: kernel::ffi::c_ulong, ptr: *mut c_void) -> c_int {
        let event = event as u32;
        if event != bindings::netdev_cmd_NETDEV_UNREGISTER && event != bindings::netdev_cmd_NETDEV_CHANGEADDR {
            return 0; // NOTIFY_DONE
        }
        // SAFETY: netdevice notifiers run under RTNL with a valid info pointer; the token
        // and the device reference do not outlive this call.
        let (mut rtnl, dev) = unsafe { (RtnlCallback::new(), bindings::vsw_netdev_notifier_dev(ptr)) };
        let dev = NetDevRef(dev, PhantomData);
        let ev = if event == bindings::netdev_cmd_NETDEV_UNREGISTER {
            NetdevEvent::Unregister
        } else {
            NetdevEvent::ChangeAddr
        };
        T::event(&mut rtnl, ev, dev);
        0 // NOTIFY_DONE
    }

    /// Registers the notifier.
    pub fn register() -> Result<Self> {
        // SAFETY: an all-zero notifier_block is valid before we set the callback.
        let nb: bindings::notifier_block = unsafe { core::mem::zeroed() };
        let nb = kernel::alloc::KBox::new(kernel::types::Opaque::new(nb), kernel::alloc::flags::GFP_KERNEL)?;
        // SAFETY: `nb` is ours, boxed (stable address), not yet registered.
        let ret = unsafe {
            (*nb.get()).notifier_call = Some(Self::call);
            bindings::register_netdevice_notifier(nb.get())
        };
        check(ret)?;
        Ok(Notifier { nb, _t: PhantomData })
    }
}

impl<T: NotifierOps> Drop for Notifier<T> {
    fn drop(&mut self) {
        // SAFETY: registered (invariant).
        unsafe { bindings::unregister_netdevice_notifier(self.nb.get()) };
    }
}

/// Paces a vPort's transmit path: stops its queues for a while (rate-in shaping), waking
/// them from an hrtimer. Freed (the timer cancelled) on drop; must be dropped before the
/// device it paused is freed (keep it in the device's private data).
///
/// # Invariants
/// `0` came from `vsw_pacer_new` and is freed only on drop.
pub struct Pacer(*mut bindings::vsw_pacer);

// SAFETY: the C side serialises through the hrtimer API; it may be used from any CPU.
unsafe impl Send for Pacer {}
// SAFETY: as above.
unsafe impl Sync for Pacer {}

impl Pacer {
    /// A pacer with its timer idle.
    pub fn new() -> Result<Self> {
        // SAFETY: plain allocation.
        let p = unsafe { bindings::vsw_pacer_new() };
        if p.is_null() {
            return Err(kernel::error::code::ENOMEM);
        }
        Ok(Pacer(p))
    }

    /// Stops `dev`'s transmit queues for `ns` nanoseconds. Only from `dev`'s own transmit
    /// path (`VportOps::xmit`), with this pacer owned by `dev`'s private data.
    pub fn pause(&self, dev: &NetDevRef<'_>, ns: u64) {
        // SAFETY: valid pacer (invariant) and device; the device outlives the pacer (it owns
        // it), so the timer never sees a freed device.
        unsafe { bindings::vsw_pacer_pause(self.0, dev.as_ptr(), ns) };
    }
}

impl Drop for Pacer {
    fn drop(&mut self) {
        // SAFETY: valid (invariant); cancels the timer (waiting for a running callback).
        unsafe { bindings::vsw_pacer_free(self.0) };
    }
}
