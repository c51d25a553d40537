// SPDX-License-Identifier: GPL-2.0
//! What SR-IOV vPorts need of PCI: the PCI device behind a netdev, enabling VFs (the same
//! driver callback `sriov_numvfs` uses), finding a VF and its netdev, the MSI-X vectors of a
//! device, and VF settings through the PF's `ndo_set_vf_*`.

use crate::bindings;
use crate::irq::IrqData;
use crate::net::NetDevice;
use crate::sync::rcu;
use crate::sync::rtnl::Held;
use crate::text::Text;
use core::marker::PhantomData;
use core::ptr::NonNull;
use kernel::error::{code::*, Error, Result};
use kernel::types::{ARef, AlwaysRefCounted, Opaque};

/// A PCI device, seen through a reference: borrowed (`&PciDev`) or counted (`ARef<PciDev>`,
/// `pci_dev_get`/`pci_dev_put`), which keeps the structure, not the device: a removed
/// device's reference stays valid to read.
///
/// # Invariants
/// The wrapped `pci_dev` is valid (allocated) for as long as the reference to it lives.
#[repr(transparent)]
pub struct PciDev(Opaque<bindings::pci_dev>);

// SAFETY: a PCI device may be used from any thread; the methods only read fields that are
// set before the device is added, read under the locks that protect them, or call
// functions that do their own locking.
unsafe impl Send for PciDev {}
// SAFETY: as above.
unsafe impl Sync for PciDev {}

// SAFETY: `pci_dev_get` keeps the structure allocated until the matching `pci_dev_put`.
unsafe impl AlwaysRefCounted for PciDev {
    fn inc_ref(&self) {
        // SAFETY: a valid device (type invariant).
        unsafe { bindings::pci_dev_get(self.as_ptr()) };
    }

    unsafe fn dec_ref(obj: NonNull<Self>) {
        // SAFETY: the caller gives up a reference it holds (trait contract).
        unsafe { bindings::pci_dev_put(obj.as_ptr().cast()) };
    }
}

/// Takes over a reference the kernel took for us (`pci_get_device`), or `None` for null.
///
/// # Safety
/// `p` must be null or a `pci_dev` on which the caller owns a reference, given up here.
unsafe fn owned(p: *mut bindings::pci_dev) -> Option<ARef<PciDev>> {
    // SAFETY: by the function contract; `PciDev` is a transparent wrapper of `pci_dev`.
    NonNull::new(p).map(|p| unsafe { ARef::from_raw(p.cast()) })
}

/// The device lock (`device_lock`) of a PCI device, held while the value lives: no driver
/// is bound or unbound meanwhile.
struct DeviceLock<'a> {
    dev: &'a PciDev,
    _not_send: PhantomData<*mut ()>,
}

impl Drop for DeviceLock<'_> {
    fn drop(&mut self) {
        // SAFETY: we hold the lock (it was taken when the value was made).
        unsafe { bindings::vsw_device_unlock(self.dev.device()) };
    }
}

impl PciDev {
    fn as_ptr(&self) -> *mut bindings::pci_dev {
        self.0.get()
    }

    /// The embedded `struct device`.
    fn device(&self) -> *mut bindings::device {
        // SAFETY: a field of a valid device (invariant); only its address is taken.
        unsafe { &raw mut (*self.as_ptr()).dev }
    }

    /// Waits for the device lock. Not under RTNL: drivers take RTNL while they (un)bind.
    fn lock(&self) -> DeviceLock<'_> {
        // SAFETY: valid device (invariant); may sleep, as every caller in process context can.
        unsafe { bindings::vsw_device_lock(self.device()) };
        DeviceLock { dev: self, _not_send: PhantomData }
    }

    /// Takes the device lock if it is free. Callers hold RTNL, which a driver being bound or
    /// unbound (under the device lock) may be waiting for: waiting here could deadlock.
    fn try_lock(&self) -> Option<DeviceLock<'_>> {
        // SAFETY: valid device (invariant).
        (unsafe { bindings::vsw_device_trylock(self.device()) } != 0)
            .then(|| DeviceLock { dev: self, _not_send: PhantomData })
    }

    /// The PCI device behind `dev`, if it is one (registered: a netdev's parent device is
    /// dropped only when it is unregistered, which RTNL excludes).
    pub fn of_netdev(rtnl: Held<'_>, dev: &NetDevice) -> Option<ARef<PciDev>> {
        if !dev.registered(rtnl) {
            return None;
        }
        // SAFETY: valid device (NetDevice invariant); its parent pointer is set before
        // registration, and the parent is held while the netdev is registered (above).
        let parent = unsafe { (*dev.as_ptr()).dev.parent };
        // SAFETY: as above; `dev_is_pci`: a device on the PCI bus is embedded in a `pci_dev`.
        if parent.is_null() || unsafe { (*parent).bus } != &raw const bindings::pci_bus_type {
            return None;
        }
        // SAFETY: `to_pci_dev`: the parent is the `dev` field of a `pci_dev` (above), valid
        // while borrowed, and `from` takes our own reference on it.
        Some(ARef::from(unsafe { &*kernel::container_of!(parent, bindings::pci_dev, dev).cast::<PciDev>() }))
    }

    /// `sriov_totalvfs` (0: not an SR-IOV PF).
    pub fn total_vfs(&self) -> u32 {
        // SAFETY: valid device (invariant).
        unsafe { bindings::pci_sriov_get_totalvfs(self.as_ptr()) }.max(0) as u32
    }

    /// VFs enabled now.
    pub fn num_vfs(&self) -> u32 {
        // SAFETY: valid device (invariant).
        unsafe { bindings::pci_num_vf(self.as_ptr()) }.max(0) as u32
    }

    /// PCI address, e.g. `0000:00:0a.0`.
    pub fn name(&self) -> &str {
        // SAFETY: valid device (invariant); a PCI device's name is set when it is added, never
        // renamed, and freed with the structure.
        let s = unsafe { kernel::str::CStr::from_char_ptr(bindings::vsw_pci_name(self.as_ptr())) };
        core::str::from_utf8(s.as_bytes()).unwrap_or("?")
    }

    /// Name of the bound driver (a copy: the driver may go once the device lock is dropped).
    /// `None` also while a driver is being bound or unbound.
    pub fn driver(&self) -> Option<Text> {
        let _lock = self.try_lock()?;
        // SAFETY: valid device (invariant); under the device lock the bound driver stays
        // bound, so its module (and the name in it) stays loaded.
        unsafe {
            let drv = (*self.as_ptr()).driver;
            let name = if drv.is_null() { core::ptr::null() } else { (*drv).name };
            (!name.is_null()).then(|| Text::copy(kernel::str::CStr::from_char_ptr(name)))
        }
    }

    /// Enables `n` VFs (0 disables), as writing `sriov_numvfs` does; returns the number
    /// enabled. The caller must NOT hold RTNL: PF drivers take it while (de)configuring and
    /// VF drivers register netdevs.
    pub fn sriov_configure(&self, n: u32) -> Result<u32> {
        if n > self.total_vfs() {
            return Err(ERANGE);
        }
        let n = n as i32;
        let p = self.as_ptr();
        let ret = {
            let _lock = self.lock();
            // SAFETY: valid device; under the device lock the driver (and its ops) stays bound.
            let op = unsafe { (*p).driver.as_ref().and_then(|d| d.sriov_configure) };
            // SAFETY: valid device.
            let now = unsafe { bindings::pci_num_vf(p) };
            match op {
                _ if n == now => 0,
                None => -(bindings::EOPNOTSUPP as i32),
                // SAFETY: the bound driver's callback, called as `sriov_numvfs_store` does:
                // under the device lock and the rescan/remove lock, changing a non-zero count
                // through 0.
                Some(f) => unsafe {
                    bindings::pci_lock_rescan_remove();
                    let mut r = if now != 0 && n != 0 { f(p, 0) } else { 0 };
                    if r >= 0 {
                        r = f(p, n);
                    }
                    bindings::pci_unlock_rescan_remove();
                    r
                },
            }
        };
        if ret < 0 {
            return Err(Error::from_errno(ret));
        }
        Ok(self.num_vfs())
    }

    /// VF number `i` of this PF.
    pub fn vf(&self, i: u32) -> Option<ARef<PciDev>> {
        if i >= self.num_vfs() {
            return None;
        }
        let mut p: *mut bindings::pci_dev = core::ptr::null_mut();
        loop {
            // SAFETY: `p` is null or a device we hold a reference on, which the call drops;
            // it returns the next PCI device with a reference taken, or null at the end.
            p = unsafe { bindings::pci_get_device(!0, !0, p) };
            if p.is_null() {
                return None;
            }
            // SAFETY: `p` is a valid device (we hold a reference); a VF's PF is set before
            // the VF is added and outlives it.
            let found = unsafe {
                bindings::pci_dev::is_virtfn_raw(p) != 0
                    && bindings::vsw_pci_physfn(p) == self.as_ptr()
                    && bindings::pci_iov_vf_id(p) == i as i32
            };
            if found {
                // SAFETY: the reference `pci_get_device` took is handed over.
                return unsafe { owned(p) };
            }
        }
    }

    /// The device's netdev, in any netns (a held reference; keep it only briefly: a VF
    /// cannot be disabled while its netdev is held).
    pub fn netdev(&self, _rtnl: Held<'_>) -> Option<ARef<NetDevice>> {
        let parent = self.device();
        let _rcu = rcu::read_lock();
        let mut found = None;
        // SAFETY: the namespace list is RCU-protected (`for_each_net_rcu`); each net's device
        // list does not change while RTNL is held.
        unsafe {
            for_each_rcu(&raw mut bindings::net_namespace_list, |n| {
                let net = kernel::container_of!(n, bindings::net, list).cast_mut();
                for_each_rcu(&raw mut (*net).dev_base_head, |d| {
                    let dev = kernel::container_of!(d, bindings::net_device, dev_list).cast_mut();
                    if (*dev).dev.parent == parent {
                        // `dev_hold` on a listed device: it is freed only after a grace period.
                        found = Some(ARef::from(NetDevice::from_raw(dev)));
                    }
                    found.is_some()
                })
            });
        }
        found
    }

    /// Whether MSI-X is enabled (by whichever driver is bound; a snapshot).
    pub fn msix_enabled(&self) -> bool {
        // SAFETY: valid device (invariant); a flag read without the lock, as a snapshot.
        unsafe { bindings::pci_dev::msix_enabled_raw(self.as_ptr()) != 0 }
    }

    /// The MSI-X vectors, locked against being freed; `None` while a driver is being bound or
    /// unbound.
    pub fn msix(&self) -> Option<Msix<'_>> {
        let lock = self.try_lock()?;
        // SAFETY: valid device. The MSI data exists from the bound driver's first MSI(-X)
        // enable until the driver is unbound (a devres), which the device lock excludes.
        let data = unsafe { (*self.device()).msi.data };
        if !data.is_null() {
            // SAFETY: the MSI data exists (above); it is unlocked when `Msix` drops.
            unsafe { bindings::msi_lock_descs(self.device()) };
        }
        Some(Msix { dev: self, descs: !data.is_null(), _lock: lock })
    }

    /// Linux irqs of the MSI-X vectors (as many as fit in `out`); how many.
    pub fn msix_irqs(&self, out: &mut [u32]) -> usize {
        self.msix().map_or(0, |mut m| m.irqs(out))
    }

    /// Same device?
    pub fn same(&self, other: &PciDev) -> bool {
        core::ptr::eq(self, other)
    }
}

/// Walks an RCU list (`list_for_each_rcu`) until `f` returns true; whether it did.
///
/// # Safety
/// `head` must be a list head whose nodes stay valid for the walk (the caller is in an RCU
/// read section for an RCU list, or holds the list's lock).
unsafe fn for_each_rcu(head: *mut bindings::list_head, mut f: impl FnMut(*mut bindings::list_head) -> bool) -> bool {
    // SAFETY: `head` and its nodes are valid (function contract); `next` is read once per
    // node, as `rcu_dereference` does.
    unsafe {
        let mut pos = core::ptr::read_volatile(&raw const (*head).next);
        while pos != head {
            if f(pos) {
                return true;
            }
            pos = core::ptr::read_volatile(&raw const (*pos).next);
        }
    }
    false
}

/// The MSI-X vectors of a device while its device lock and MSI descriptor lock are held:
/// the vectors, their irq hierarchies and the device's MSI domain cannot be freed meanwhile
/// (drivers free them under the descriptor lock, and unbinding frees the rest).
pub struct Msix<'a> {
    dev: &'a PciDev,
    /// The device has MSI data and its descriptor lock is held.
    descs: bool,
    _lock: DeviceLock<'a>,
}

impl Msix<'_> {
    /// Whether MSI-X is enabled.
    pub fn enabled(&self) -> bool {
        // SAFETY: valid device; the flag changes under the descriptor lock we hold.
        self.descs && unsafe { bindings::pci_dev::msix_enabled_raw(self.dev.as_ptr()) != 0 }
    }

    /// Calls `f` with each vector's irq_data, in vector order (the walk keeps its position in
    /// the device's MSI data: one walk at a time, hence `&mut`).
    pub fn for_each(&mut self, mut f: impl FnMut(&IrqData)) {
        if !self.enabled() {
            return;
        }
        let dev = self.dev.device();
        let dom = bindings::msi_domain_ids_MSI_DEFAULT_DOMAIN;
        let filter = bindings::msi_desc_filter_MSI_DESC_ASSOCIATED;
        // SAFETY: the descriptor lock is held (`enabled`), as the walk requires.
        let mut desc = unsafe { bindings::msi_domain_first_desc(dev, dom, filter) };
        while !desc.is_null() {
            // SAFETY: a descriptor of the device, valid under the lock.
            let irq = unsafe { (*desc).irq };
            // SAFETY: a vector of the device: freed only under the descriptor lock, which we
            // hold for as long as `f` borrows it.
            if let Some(d) = unsafe { IrqData::from_irq(irq) } {
                f(d);
            }
            // SAFETY: as for the first descriptor.
            desc = unsafe { bindings::msi_next_desc(dev, dom, filter) };
        }
    }

    /// The vectors' Linux irqs (as many as fit in `out`); how many.
    pub fn irqs(&mut self, out: &mut [u32]) -> usize {
        let mut n = 0;
        self.for_each(|d| {
            if let Some(slot) = out.get_mut(n) {
                *slot = d.irq();
                n += 1;
            }
        });
        n
    }
}

impl Drop for Msix<'_> {
    fn drop(&mut self) {
        if self.descs {
            // SAFETY: locked in `PciDev::msix`; the device lock (dropped after this) kept the
            // MSI data.
            unsafe { bindings::msi_unlock_descs(self.dev.device()) };
        }
    }
}

/// VF settings through the PF netdev (`ndo_set_vf_*`, under RTNL as rtnetlink calls them).
/// `EOPNOTSUPP` when the PF driver lacks the operation, `ENODEV` when it may be gone.
pub mod vf {
    use super::*;

    /// Calls the PF's `ndo_set_vf_*` operation chosen by `op`.
    fn call<F: Copy>(
        rtnl: Held<'_>,
        pf: &NetDevice,
        op: impl FnOnce(&bindings::net_device_ops) -> Option<F>,
        call: impl FnOnce(F, *mut bindings::net_device) -> i32,
    ) -> Result {
        let f = op(crate::net::driver::netdev_ops(rtnl, pf)?).ok_or_else(crate::errno::eopnotsupp)?;
        kernel::error::to_result(call(f, pf.as_ptr()))
    }

    /// MAC address of VF `vf`.
    pub fn set_mac(rtnl: Held<'_>, pf: &NetDevice, vf: u32, mac: &[u8; 6]) -> Result {
        let mut m = *mac;
        // SAFETY: the driver's op on its attached device (`netdev_ops`) under RTNL; `m` holds 6 bytes.
        call(rtnl, pf, |o| o.ndo_set_vf_mac, |f, d| unsafe { f(d, vf as i32, m.as_mut_ptr()) })
    }
    /// Port VLAN (0: none).
    pub fn set_vlan(rtnl: Held<'_>, pf: &NetDevice, vf: u32, vid: u16) -> Result {
        let proto = (bindings::ETH_P_8021Q as u16).to_be();
        // SAFETY: the driver's op on its attached device (`netdev_ops`) under RTNL.
        call(rtnl, pf, |o| o.ndo_set_vf_vlan, |f, d| unsafe { f(d, vf as i32, vid, 0, proto) })
    }
    /// MAC spoof checking.
    pub fn set_spoofchk(rtnl: Held<'_>, pf: &NetDevice, vf: u32, on: bool) -> Result {
        // SAFETY: the driver's op on its attached device (`netdev_ops`) under RTNL.
        call(rtnl, pf, |o| o.ndo_set_vf_spoofchk, |f, d| unsafe { f(d, vf as i32, on) })
    }
    /// Trusted VF.
    pub fn set_trust(rtnl: Held<'_>, pf: &NetDevice, vf: u32, on: bool) -> Result {
        // SAFETY: the driver's op on its attached device (`netdev_ops`) under RTNL.
        call(rtnl, pf, |o| o.ndo_set_vf_trust, |f, d| unsafe { f(d, vf as i32, on) })
    }
    /// Link state: 0 auto, 1 enable, 2 disable.
    pub fn set_link_state(rtnl: Held<'_>, pf: &NetDevice, vf: u32, state: u32) -> Result {
        // SAFETY: the driver's op on its attached device (`netdev_ops`) under RTNL.
        call(rtnl, pf, |o| o.ndo_set_vf_link_state, |f, d| unsafe { f(d, vf as i32, state as i32) })
    }
}

/// A random locally administered unicast MAC address.
pub fn random_mac() -> [u8; 6] {
    let mut m = [0u8; 6];
    // SAFETY: `m` holds 6 writable bytes.
    unsafe { bindings::get_random_bytes(m.as_mut_ptr().cast(), 6) };
    m[0] = (m[0] & 0xfe) | 0x02;
    m
}
