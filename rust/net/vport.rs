// SPDX-License-Identifier: GPL-2.0
//! vPort netdevs: Ethernet devices the module registers, whose transmit path feeds the switch
//! ([`VportOps`]), with a pacer that can pause the device's own transmit queues (rate-in
//! shaping) from that transmit path only.
//!
//! vPorts are first-class links: their link kind ([`VPORT_LINK`], `vswitch`) makes
//! `ip -d link show` name the kind and the vPort's attributes and lets `ip link del` delete
//! one (the owner sees it go through the netdevice notifier, as when its namespace exits);
//! their ethtool operations (`vport_ethtool.rs`) report the driver and the owner's counters.

use crate::bindings;
use crate::net::device::{Net, NetDevice};
use crate::net::rtnl_link::{self, InfoMsg};
use crate::net::skb::{EthAddr, Skb};
use crate::sync::rtnl::Held;
use core::marker::PhantomData;
use kernel::error::{code::*, Error, Result};
use kernel::ffi::{c_int, c_void};
use kernel::sync::Arc;
use kernel::types::{ARef, ForeignOwnable, Opaque};
use kernel::{c_str, str::CStr};

fn check(ret: c_int) -> Result {
    if ret < 0 {
        Err(Error::from_errno(ret))
    } else {
        Ok(())
    }
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

/// The transmit context of a vPort: given to [`VportOps::xmit`] for the duration of one
/// `ndo_start_xmit` call, so the pacer it reaches can only pause the device that is
/// transmitting.
///
/// # Invariants
/// `dev` is a registered vPort inside its `ndo_start_xmit`; `p` is its private area.
pub struct Tx<'a> {
    dev: &'a NetDevice,
    p: &'a VportPriv,
}

impl Tx<'_> {
    /// The transmitting device.
    pub fn dev(&self) -> &NetDevice {
        self.dev
    }

    /// Stops the device's transmit queues for `ns` nanoseconds (the stack holds frames in the
    /// device's qdisc meanwhile), waking them from the device's hrtimer.
    pub fn pause(&self, ns: u64) {
        let ns = i64::try_from(ns).unwrap_or(i64::MAX);
        // SAFETY: the device is a registered vPort in its transmit path (invariant); the timer
        // lives in its private area, initialised at registration and cancelled before the
        // device is freed (`vport_stop`, `vport_destructor`).
        unsafe {
            bindings::vsw_netif_tx_stop_all(self.dev.as_ptr());
            bindings::hrtimer_start_range_ns(self.p.pacer.get(), ns, 0, bindings::hrtimer_mode_HRTIMER_MODE_REL_SOFT);
        }
    }
}

/// The behaviour of a vPort netdev, implemented by the switch.
pub trait VportOps: Send + Sync + 'static {
    /// A frame the host (or VM) sent through the vPort; the switch takes it.
    fn xmit(&self, tx: &Tx<'_>, skb: Skb);
    /// The device went administratively up (`true`) or down.
    fn set_up(&self, dev: &NetDevice, up: bool);
    /// Counters.
    fn stats(&self, st: &mut Stats64);

    /// The driver name and version `ethtool -i` reports (each at most 31 bytes).
    const DRIVER: &'static str;
    /// See [`VportOps::DRIVER`].
    const VERSION: &'static str;
    /// Names of the counters `ethtool -S` shows (each at most 31 bytes), in the order
    /// [`VportOps::counters`] fills them.
    const COUNTERS: &'static [&'static str];
    /// The current values of [`VportOps::COUNTERS`] (`out` has one slot per name).
    fn counters(&self, out: &mut [u64]);

    /// The room the attributes [`VportOps::fill_info`] puts need
    /// ([`rtnl_link::str_attr_size`]...).
    fn info_size(&self) -> usize;
    /// The vPort's attributes in `ip -d link show` (`IFLA_INFO_DATA` of kind `vswitch`).
    fn fill_info(&self, msg: &mut InfoMsg<'_>) -> Result;
}

/// How the vPort callbacks reach the `T: VportOps` of a device: one table per `T`.
pub(super) struct VportVtable {
    xmit: unsafe fn(*const c_void, &Tx<'_>, Skb),
    set_up: unsafe fn(*const c_void, &NetDevice, bool),
    stats: unsafe fn(*const c_void, &mut Stats64),
    release: unsafe fn(*const c_void),
    pub(super) counters: unsafe fn(*const c_void, &mut [u64]),
    info_size: unsafe fn(*const c_void) -> usize,
    fill_info: unsafe fn(*const c_void, &mut InfoMsg<'_>) -> Result,
    pub(super) driver: &'static str,
    pub(super) version: &'static str,
    pub(super) counter_names: &'static [&'static str],
}

/// Private area of a vPort netdev: the foreign-owned `Arc<T>`, `T`'s table, and the pacer's
/// hrtimer (which wakes `dev`).
#[repr(C)]
pub(super) struct VportPriv {
    pub(super) ops: *const c_void,
    pub(super) vt: &'static VportVtable,
    dev: *mut bindings::net_device,
    pacer: Opaque<bindings::hrtimer>,
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
/// `dev` must be a vPort (`netdev_ops` is `VPORT_OPS`, private area set by `Vport::register`)
/// that is not freed during `'a`.
pub(super) unsafe fn vport_priv<'a>(dev: *mut bindings::net_device) -> &'a VportPriv {
    // SAFETY: by the function contract.
    unsafe { &*netdev_priv(dev).cast::<VportPriv>() }
}

/// `netdev_priv`: the private area follows the `net_device`, aligned to `NETDEV_ALIGN`.
fn netdev_priv(dev: *mut bindings::net_device) -> *mut u8 {
    const OFFSET: usize = core::mem::size_of::<bindings::net_device>().next_multiple_of(bindings::NETDEV_ALIGN as usize);
    dev.cast::<u8>().wrapping_add(OFFSET)
}

/// # Safety
/// Called by the hrtimer core with the `pacer` timer of a vPort's private area.
unsafe extern "C" fn pacer_fire(t: *mut bindings::hrtimer) -> bindings::hrtimer_restart {
    // SAFETY: `t` is the `pacer` field of a `VportPriv` (only those timers use this
    // function); the device is alive (its destructor cancels the timer before the free).
    unsafe {
        let p = t.cast::<u8>().sub(core::mem::offset_of!(VportPriv, pacer)).cast::<VportPriv>();
        bindings::vsw_netif_tx_wake_all((*p).dev);
    }
    bindings::hrtimer_restart_HRTIMER_NORESTART
}

const fn bit(b: u32) -> bindings::netdev_features_t {
    1 << b
}

/// Segmentation the stack can do in software (`NETIF_F_GSO_SOFTWARE`).
const GSO_SOFTWARE: bindings::netdev_features_t = bit(bindings::NETIF_F_TSO_BIT)
    | bit(bindings::NETIF_F_TSO6_BIT)
    | bit(bindings::NETIF_F_TSO_ECN_BIT)
    | bit(bindings::NETIF_F_TSO_MANGLEID_BIT)
    | bit(bindings::NETIF_F_GSO_SCTP_BIT)
    | bit(bindings::NETIF_F_GSO_UDP_L4_BIT)
    | bit(bindings::NETIF_F_GSO_FRAGLIST_BIT);

/// What a vPort advertises: the offloads the switch passes through (frames keep their
/// checksum state and GSO size from one port to the other, as through a veth). No S-tag
/// offload: the switch does not carry 802.1ad (frames with S-tags are dropped).
const VPORT_FEATURES: bindings::netdev_features_t = bit(bindings::NETIF_F_SG_BIT)
    | bit(bindings::NETIF_F_HW_CSUM_BIT)
    | bit(bindings::NETIF_F_HIGHDMA_BIT)
    | bit(bindings::NETIF_F_FRAGLIST_BIT)
    | GSO_SOFTWARE
    | bit(bindings::NETIF_F_RXCSUM_BIT)
    | bit(bindings::NETIF_F_HW_VLAN_CTAG_TX_BIT);

/// The setup callback of `alloc_netdev_mqs`: an Ethernet device with a queue (the default
/// qdisc, `tx_queue_len` 1000 from `ether_setup`), like a VM's NIC: rate-in shaping pauses
/// the transmit queues and the qdisc holds frames meanwhile.
///
/// # Safety
/// Called by `alloc_netdev_mqs` with the fresh device it allocated.
unsafe extern "C" fn vport_setup(dev: *mut bindings::net_device) {
    // SAFETY: the core calls this once on a fresh device that nobody else sees yet.
    unsafe {
        bindings::ether_setup(dev);
        let d = &mut *dev;
        let fast = &mut d.__bindgen_anon_1.__bindgen_anon_1;
        let pf = fast.priv_flags() as u32;
        let pf = (pf | bindings::netdev_priv_flags_IFF_LIVE_ADDR_CHANGE) & !bindings::netdev_priv_flags_IFF_TX_SKB_SHARING;
        fast.set_priv_flags(pf as _);
        // Lockless transmit: the switch's path needs no queue lock.
        fast.set_lltx(1);
        d.min_mtu = bindings::ETH_MIN_MTU;
        d.max_mtu = bindings::ETH_MAX_MTU;
        d.features = VPORT_FEATURES;
        d.hw_features = VPORT_FEATURES;
        d.vlan_features = VPORT_FEATURES & !bit(bindings::NETIF_F_HW_VLAN_CTAG_TX_BIT);
        d.needs_free_netdev = true;
        // A link of kind `vswitch` (`ip -d link`, `ip link del`) with its ethtool
        // operations; both are statics of this module, as `netdev_ops` are.
        d.rtnl_link_ops = VPORT_LINK.as_ptr();
        d.ethtool_ops = super::vport_ethtool::ops();
    }
}

/// The link kind of vPorts (`ip -d link show` says `vswitch`); registered by the module
/// before it creates vPorts, unregistered after its teardown removed them.
pub static VPORT_LINK: rtnl_link::Vtable<VportKind> = rtnl_link::create_link_ops();

/// The `vswitch` link kind: every device of it is a vPort (only `vport_setup` gives a device
/// these ops, and `Vport::register` sets up the private area before registering it).
pub struct VportKind;

#[kernel::prelude::vtable]
impl rtnl_link::Operations for VportKind {
    const KIND: &'static CStr = c_str!("vswitch");
    const CREATE_REFUSED: &'static CStr = c_str!("vswitch: vPorts are created and changed with 'vswctl port add/set', not 'ip link add'");

    fn info_size(dev: &NetDevice) -> usize {
        // SAFETY: a device of this kind is a registered vPort (see `VportKind`), alive for
        // the call; its private area's `Arc` lives until its destructor.
        unsafe {
            let p = vport_priv(dev.as_ptr());
            (p.vt.info_size)(p.ops)
        }
    }

    fn fill_info(dev: &NetDevice, msg: &mut InfoMsg<'_>) -> Result {
        // SAFETY: as in `info_size`.
        unsafe {
            let p = vport_priv(dev.as_ptr());
            (p.vt.fill_info)(p.ops, msg)
        }
    }
}

/// # Safety
/// Called by the core (`ndo_open`, RTNL held) for a vPort registered by [`Vport::register`].
unsafe extern "C" fn vport_open(dev: *mut bindings::net_device) -> c_int {
    // SAFETY: called by the core for a registered vPort (these ops are only vPorts'), under
    // RTNL, before its destructor.
    unsafe {
        bindings::vsw_netif_tx_start_all(dev);
        let p = vport_priv(dev);
        (p.vt.set_up)(p.ops, NetDevice::from_raw(dev), true);
    }
    0
}

/// # Safety
/// Called by the core (`ndo_stop`, RTNL held) for a registered vPort.
unsafe extern "C" fn vport_stop(dev: *mut bindings::net_device) -> c_int {
    // SAFETY: as in `vport_open`. The pacer is cancelled (waiting for a running callback) so
    // it cannot wake the queues of a stopped device.
    unsafe {
        bindings::vsw_netif_tx_stop_all(dev);
        let p = vport_priv(dev);
        bindings::hrtimer_cancel(p.pacer.get());
        (p.vt.set_up)(p.ops, NetDevice::from_raw(dev), false);
    }
    0
}

/// # Safety
/// Called by the core (`ndo_start_xmit`) with an skb it gives us and a registered vPort.
unsafe extern "C" fn vport_start_xmit(skb: *mut bindings::sk_buff, dev: *mut bindings::net_device) -> bindings::netdev_tx_t {
    // SAFETY: the core gives us ownership of `skb` for a registered vPort `dev`; as in
    // `vport_open` for the private area.
    unsafe {
        if let Some(skb) = Skb::from_xmit(skb) {
            let p = vport_priv(dev);
            // INVARIANT: inside this vPort's `ndo_start_xmit`.
            let tx = Tx { dev: NetDevice::from_raw(dev), p };
            (p.vt.xmit)(p.ops, &tx, skb);
        }
    }
    bindings::netdev_tx_NETDEV_TX_OK
}

/// # Safety
/// Called by the core (`ndo_get_stats64`) for a registered vPort with a zeroed buffer.
unsafe extern "C" fn vport_get_stats64(dev: *mut bindings::net_device, st: *mut bindings::rtnl_link_stats64) {
    let mut s = Stats64::default();
    // `st` is only 4-byte aligned when it is an IFLA_STATS64 payload (x86 does not pad
    // netlink attributes to 8), so the fields are written unaligned.
    // SAFETY: a registered vPort (as in `vport_open`); `st` is a valid, zeroed stats buffer.
    unsafe {
        let p = vport_priv(dev);
        (p.vt.stats)(p.ops, &mut s);
        use core::ptr::{addr_of_mut, write_unaligned};
        write_unaligned(addr_of_mut!((*st).rx_packets), s.rx_packets);
        write_unaligned(addr_of_mut!((*st).rx_bytes), s.rx_bytes);
        write_unaligned(addr_of_mut!((*st).tx_packets), s.tx_packets);
        write_unaligned(addr_of_mut!((*st).tx_bytes), s.tx_bytes);
        write_unaligned(addr_of_mut!((*st).rx_dropped), s.rx_dropped);
        write_unaligned(addr_of_mut!((*st).tx_dropped), s.tx_dropped);
    }
}

/// # Safety
/// Called once by the core (`priv_destructor`) for an unregistered vPort no callback
/// uses any more, before the device is freed.
unsafe extern "C" fn vport_destructor(dev: *mut bindings::net_device) {
    // SAFETY: called once, after unregistration, when no callback can run any more and
    // before the device is freed; the timer is cancelled (waiting for a running callback)
    // and the private area's `Arc` (handed over in `register`) released through its table.
    unsafe {
        let p = vport_priv(dev);
        bindings::hrtimer_cancel(p.pacer.get());
        (p.vt.release)(p.ops);
    }
}

/// Whether `dev` is a vPort (never attach one as an uplink: it would loop).
pub fn is_vport(dev: &NetDevice) -> bool {
    // SAFETY: reading `netdev_ops` of a valid device.
    let ops = unsafe { (*dev.as_ptr()).netdev_ops };
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
    dev: ARef<NetDevice>,
    _t: PhantomData<T>,
}

impl<T: VportOps> Vport<T> {
    const VTABLE: VportVtable = VportVtable {
        xmit: Self::xmit,
        set_up: Self::set_up,
        stats: Self::stats,
        release: Self::release,
        counters: Self::counters,
        info_size: Self::info_size,
        fill_info: Self::fill_info,
        driver: T::DRIVER,
        version: T::VERSION,
        counter_names: T::COUNTERS,
    };

    /// # Safety
    /// `ops` is the foreign pointer of an `Arc<T>` alive for `'a`.
    unsafe fn borrow<'a>(ops: *const c_void) -> kernel::sync::ArcBorrow<'a, T> {
        // SAFETY: by the function contract.
        unsafe { <Arc<T> as ForeignOwnable>::borrow(ops) }
    }
/// # Safety
/// `ops` is the private area's `Arc<T>` (alive until the destructor).
    unsafe fn xmit(ops: *const c_void, tx: &Tx<'_>, skb: Skb) {
        // SAFETY: the callers pass the private area's `Arc<T>`, alive until the destructor.
        unsafe { Self::borrow(ops) }.xmit(tx, skb)
    }
/// # Safety
/// `ops` is the private area's `Arc<T>` (alive until the destructor).
    unsafe fn set_up(ops: *const c_void, dev: &NetDevice, up: bool) {
        // SAFETY: as in `xmit`.
        unsafe { Self::borrow(ops) }.set_up(dev, up)
    }
/// # Safety
/// `ops` is the private area's `Arc<T>` (alive until the destructor).
    unsafe fn stats(ops: *const c_void, st: &mut Stats64) {
        // SAFETY: as in `xmit`.
        unsafe { Self::borrow(ops) }.stats(st)
    }
/// # Safety
/// `ops` is the private area's `Arc<T>` (alive until the destructor).
    unsafe fn counters(ops: *const c_void, out: &mut [u64]) {
        // SAFETY: as in `xmit`.
        unsafe { Self::borrow(ops) }.counters(out)
    }
/// # Safety
/// `ops` is the private area's `Arc<T>` (alive until the destructor).
    unsafe fn info_size(ops: *const c_void) -> usize {
        // SAFETY: as in `xmit`.
        unsafe { Self::borrow(ops) }.info_size()
    }
/// # Safety
/// `ops` is the private area's `Arc<T>` (alive until the destructor).
    unsafe fn fill_info(ops: *const c_void, msg: &mut InfoMsg<'_>) -> Result {
        // SAFETY: as in `xmit`.
        unsafe { Self::borrow(ops) }.fill_info(msg)
    }
/// # Safety
/// `ops` is the private area's `Arc<T>`, given up once, when no callback can run.
    unsafe fn release(ops: *const c_void) {
        // SAFETY: the destructor passes the private area's `Arc<T>` once, when no callback
        // can run any more.
        drop(unsafe { <Arc<T> as ForeignOwnable>::from_foreign(ops) });
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
        // SAFETY: `buf` is NUL-terminated; `vport_setup` initialises a fresh device.
        let dev = unsafe {
            bindings::alloc_netdev_mqs(
                core::mem::size_of::<VportPriv>() as c_int,
                buf.as_ptr(),
                bindings::NET_NAME_USER as u8,
                Some(vport_setup),
                1,
                1,
            )
        };
        if dev.is_null() {
            return Err(ENOMEM);
        }
        let foreign = ops.into_foreign();
        // SAFETY: `dev` is a fresh, unregistered device that we own, with a private area of
        // `VportPriv`'s size (zeroed, suitably aligned: NETDEV_ALIGN); RTNL is held.
        let ret = unsafe {
            let p = netdev_priv(dev).cast::<VportPriv>();
            (*p).ops = foreign;
            core::ptr::addr_of_mut!((*p).vt).write(&Self::VTABLE);
            (*p).dev = dev;
            let timer = (*p).pacer.get();
            bindings::hrtimer_init(timer, bindings::CLOCK_MONOTONIC as _, bindings::hrtimer_mode_HRTIMER_MODE_REL_SOFT);
            (*timer).function = Some(pacer_fire);
            (*dev).netdev_ops = &VPORT_OPS.0;
            bindings::vsw_dev_net_set(dev, net.as_ptr());
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
            // `Arc` a second time), so release the `Arc` and the device here. The timer was
            // never started.
            unsafe {
                drop(<Arc<T> as ForeignOwnable>::from_foreign(foreign));
                bindings::free_netdev(dev);
            }
            return Err(Error::from_errno(ret));
        }
        // SAFETY: registered, RTNL held (nobody can unregister it before this store); from now
        // on the destructor releases the `Arc` once the device is unregistered and unused.
        unsafe { (*dev).priv_destructor = Some(vport_destructor) };
        // SAFETY: registered above, and not freed before we drop this reference.
        let dev = ARef::from(unsafe { NetDevice::from_raw(dev) });
        // INVARIANT: registered above.
        Ok(Vport { dev, _t: PhantomData })
    }

    /// The device.
    pub fn dev(&self) -> &NetDevice {
        &self.dev
    }

    /// A counted reference to the device, for the fast path's tables.
    pub fn handle(&self) -> ARef<NetDevice> {
        self.dev.clone()
    }

    /// Sets the carrier (the switch decides: admin up and member of a switch).
    pub fn set_carrier(&self, on: bool) {
        set_carrier(&self.dev, on)
    }

    /// Changes the hardware address (notifies the stack like `ip link set address`).
    pub fn set_mac(&self, _rtnl: Held<'_>, mac: EthAddr) -> Result {
        // `struct sockaddr` with an Ethernet address (its `sa_data` is a flexible union).
        #[repr(C)]
        struct SockaddrEth {
            family: bindings::sa_family_t,
            data: [u8; 14],
        }
        let mut sa = SockaddrEth { family: bindings::ARPHRD_ETHER as _, data: [0; 14] };
        sa.data[..6].copy_from_slice(&mac);
        // SAFETY: our registered device, RTNL held; `sa` has the layout of a `sockaddr`
        // holding the device type and a 6-byte address, and lives across the call.
        check(unsafe { bindings::dev_set_mac_address(self.dev.as_ptr(), (&mut sa as *mut SockaddrEth).cast(), core::ptr::null_mut()) })
    }

    /// Changes the MTU (validated by the core against min/max).
    pub fn set_mtu(&self, _rtnl: Held<'_>, mtu: u32) -> Result {
        let mtu = c_int::try_from(mtu).map_err(|_| EINVAL)?;
        // SAFETY: our registered device, RTNL held.
        check(unsafe { bindings::dev_set_mtu(self.dev.as_ptr(), mtu) })
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
        check(unsafe { bindings::vsw_dev_change_net_namespace(self.dev.as_ptr(), net.as_ptr(), pattern.as_char_ptr()) })
    }
}

/// Sets the carrier of a vPort (the switch decides: admin up and member of a switch).
pub fn set_carrier(dev: &NetDevice, on: bool) {
    // SAFETY: valid device; carrier changes are allowed from any context.
    unsafe {
        if on {
            bindings::netif_carrier_on(dev.as_ptr())
        } else {
            bindings::netif_carrier_off(dev.as_ptr())
        }
    }
}

impl<T: VportOps> Drop for Vport<T> {
    fn drop(&mut self) {
        // SAFETY: asserting RTNL has no preconditions (it warns when RTNL is not locked).
        unsafe { bindings::vsw_assert_rtnl() };
        // A device the stack already unregisters (its namespace exits, `ip link del`) must
        // not be unregistered twice: only a registered one is.
        // SAFETY: our device (invariant), RTNL held (asserted above).
        unsafe {
            if crate::net::device::registered(self.dev.as_ptr()) {
                bindings::unregister_netdevice_queue(self.dev.as_ptr(), core::ptr::null_mut());
            }
        }
    }
}
