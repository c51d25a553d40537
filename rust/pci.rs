// SPDX-License-Identifier: GPL-2.0
//! What SR-IOV vPorts and the interrupt report need of the kernel: PCI devices behind
//! netdevs, enabling VFs (the same driver callback `sriov_numvfs` uses), VF settings through
//! the PF's `ndo_set_vf_*`, MSI-X irqs, and the irq_data hierarchy of an irq.

use crate::bindings;
use crate::net::NetDevice;
use kernel::types::ARef;
use crate::sync::rtnl::Held;
use kernel::error::{Error, Result};

fn check(ret: i32) -> Result<i32> {
    if ret < 0 {
        Err(Error::from_errno(ret))
    } else {
        Ok(ret)
    }
}

fn c_str_of<'a>(p: *const u8) -> Option<&'a str> {
    if p.is_null() {
        return None;
    }
    // SAFETY: the callers pass NUL-terminated strings that live as long as their device.
    let s = unsafe { kernel::str::CStr::from_char_ptr(p) };
    core::str::from_utf8(s.as_bytes()).ok()
}

/// A counted reference to a PCI device (`pci_dev_get`/`pci_dev_put`). It keeps the
/// structure, not the device: a removed device's reference stays valid to read.
///
/// # Invariants
/// `0` is a `pci_dev` on which this value holds one reference.
pub struct PciDev(*mut bindings::pci_dev);

// SAFETY: a PCI device reference may be used and dropped from any process context.
unsafe impl Send for PciDev {}
// SAFETY: the methods only read the device or call kernel APIs that do their own locking.
unsafe impl Sync for PciDev {}

impl PciDev {
    fn from_raw(p: *mut bindings::pci_dev) -> Option<Self> {
        // INVARIANT: the helpers return a new reference, or null.
        (!p.is_null()).then_some(PciDev(p))
    }

    /// The PCI device behind `dev`, if it is one.
    pub fn of_netdev(dev: &NetDevice) -> Option<Self> {
        // SAFETY: `dev` is valid (NetDevice invariant); the helper takes a reference.
        Self::from_raw(unsafe { bindings::vsw_netdev_pci(dev.as_ptr()) })
    }

    /// `sriov_totalvfs` (0: not an SR-IOV PF).
    pub fn total_vfs(&self) -> u32 {
        // SAFETY: valid device (invariant).
        unsafe { bindings::vsw_pci_totalvfs(self.0) }.max(0) as u32
    }

    /// VFs enabled now.
    pub fn num_vfs(&self) -> u32 {
        // SAFETY: valid device (invariant).
        unsafe { bindings::vsw_pci_num_vfs(self.0) }.max(0) as u32
    }

    /// PCI address, e.g. `0000:00:0a.0`.
    pub fn name(&self) -> &str {
        // SAFETY: valid device (invariant); its name lives as long as it.
        c_str_of(unsafe { bindings::vsw_pci_name(self.0) }).unwrap_or("?")
    }

    /// Name of the bound driver.
    pub fn driver(&self) -> Option<&str> {
        // SAFETY: valid device (invariant); driver names are static strings.
        c_str_of(unsafe { bindings::vsw_pci_driver(self.0) })
    }

    /// Enables `n` VFs (0 disables), as writing `sriov_numvfs` does; returns the number
    /// enabled. The caller must NOT hold RTNL: PF drivers take it while (de)configuring and
    /// VF drivers register netdevs.
    pub fn sriov_configure(&self, n: u32) -> Result<u32> {
        let n = i32::try_from(n).map_err(|_| kernel::error::code::ERANGE)?;
        // SAFETY: valid device (invariant); the helper takes the device lock itself.
        let r = check(unsafe { bindings::vsw_pci_sriov_configure(self.0, n) })?;
        Ok(r as u32)
    }

    /// VF number `i` of this PF.
    pub fn vf(&self, i: u32) -> Option<PciDev> {
        let i = i32::try_from(i).ok()?;
        // SAFETY: valid device (invariant); the helper returns a new reference or null.
        Self::from_raw(unsafe { bindings::vsw_pci_vf(self.0, i) })
    }

    /// The device's netdev, in any netns (a held reference; keep it only briefly: a VF
    /// cannot be disabled while its netdev is held).
    pub fn netdev(&self, _rtnl: Held<'_>) -> Option<ARef<NetDevice>> {
        // SAFETY: valid device (invariant); the helper holds the netdev it returns.
        let d = core::ptr::NonNull::new(unsafe { bindings::vsw_pci_netdev(self.0) })?;
        // SAFETY: the helper took a reference on `d`, which we hand over to the `ARef`.
        Some(unsafe { ARef::from_raw(d.cast()) })
    }

    /// Whether MSI-X is enabled (by whichever driver is bound).
    pub fn msix_enabled(&self) -> bool {
        // SAFETY: valid device (invariant).
        unsafe { bindings::vsw_pci_msix_enabled(self.0) != 0 }
    }

    /// Linux irqs of the MSI-X vectors (as many as fit in `out`); how many.
    pub fn msix_irqs(&self, out: &mut [u32]) -> usize {
        let max = i32::try_from(out.len()).unwrap_or(i32::MAX);
        // SAFETY: valid device; `out` has room for `max` entries.
        let n = unsafe { bindings::vsw_pci_msix_irqs(self.0, out.as_mut_ptr(), max) };
        n.max(0) as usize
    }

    /// Same device?
    pub fn same(&self, other: &PciDev) -> bool {
        self.0 == other.0
    }
}

impl Clone for PciDev {
    fn clone(&self) -> Self {
        // SAFETY: valid device (invariant); `pci_dev_get` takes one more reference.
        PciDev(unsafe { bindings::pci_dev_get(self.0) })
    }
}

impl Drop for PciDev {
    fn drop(&mut self) {
        // SAFETY: releases our reference (invariant).
        unsafe { bindings::vsw_pci_put(self.0) };
    }
}

/// VF settings through the PF netdev (`ndo_set_vf_*`, under RTNL as rtnetlink calls them).
/// `EOPNOTSUPP` when the PF driver lacks the operation.
pub mod vf {
    use super::*;

    /// MAC address of VF `vf`.
    pub fn set_mac(_rtnl: Held<'_>, pf: &NetDevice, vf: u32, mac: &[u8; 6]) -> Result {
        let mut m = *mac;
        // SAFETY: valid device under RTNL; `m` holds 6 bytes.
        check(unsafe { bindings::vsw_vf_set_mac(pf.as_ptr(), vf as i32, m.as_mut_ptr()) })?;
        Ok(())
    }
    /// Port VLAN (0: none).
    pub fn set_vlan(_rtnl: Held<'_>, pf: &NetDevice, vf: u32, vid: u16) -> Result {
        // SAFETY: valid device under RTNL.
        check(unsafe { bindings::vsw_vf_set_vlan(pf.as_ptr(), vf as i32, vid) })?;
        Ok(())
    }
    /// MAC spoof checking.
    pub fn set_spoofchk(_rtnl: Held<'_>, pf: &NetDevice, vf: u32, on: bool) -> Result {
        // SAFETY: valid device under RTNL.
        check(unsafe { bindings::vsw_vf_set_spoofchk(pf.as_ptr(), vf as i32, on as i32) })?;
        Ok(())
    }
    /// Trusted VF.
    pub fn set_trust(_rtnl: Held<'_>, pf: &NetDevice, vf: u32, on: bool) -> Result {
        // SAFETY: valid device under RTNL.
        check(unsafe { bindings::vsw_vf_set_trust(pf.as_ptr(), vf as i32, on as i32) })?;
        Ok(())
    }
    /// Link state: 0 auto, 1 enable, 2 disable.
    pub fn set_link_state(_rtnl: Held<'_>, pf: &NetDevice, vf: u32, state: u32) -> Result {
        // SAFETY: valid device under RTNL.
        check(unsafe { bindings::vsw_vf_set_link_state(pf.as_ptr(), vf as i32, state as i32) })?;
        Ok(())
    }
}

/// A short text buffer filled by a helper.
#[derive(Clone, Copy)]
pub struct Text {
    buf: [u8; 64],
}

impl Text {
    /// An empty text.
    pub const fn empty() -> Text {
        Text { buf: [0; 64] }
    }
    /// The text (up to the first NUL).
    pub fn as_str(&self) -> &str {
        let n = self.buf.iter().position(|b| *b == 0).unwrap_or(self.buf.len());
        core::str::from_utf8(&self.buf[..n]).unwrap_or("?")
    }
}

/// Level `level` of `irq`'s irq_data hierarchy (0: the irq's own domain, then each parent):
/// the domain's name and the hwirq there; `None` past the root.
pub fn irq_level(irq: u32, level: u32) -> Option<(Text, u64)> {
    let mut t = Text { buf: [0; 64] };
    let mut hw = 0u64;
    // SAFETY: the buffer holds 64 bytes; the helper checks that the irq exists.
    let r = unsafe { bindings::vsw_irq_level(irq, level as i32, t.buf.as_mut_ptr().cast(), 64, &mut hw) };
    (r == 0).then_some((t, hw))
}

/// The irq's chip name, as `/proc/interrupts` shows it.
pub fn irq_chip_name(irq: u32) -> Text {
    let mut t = Text { buf: [0; 64] };
    // SAFETY: the buffer holds 64 bytes; the helper checks that the irq exists.
    unsafe { bindings::vsw_irq_chip_name(irq, t.buf.as_mut_ptr().cast(), 64) };
    t
}

/// Affinity (`effective` false) or effective affinity of `irq` as a mask of CPUs 0..63.
pub fn irq_mask(irq: u32, effective: bool) -> u64 {
    // SAFETY: the helper checks that the irq exists.
    unsafe { bindings::vsw_irq_mask(irq, effective as i32) }
}

/// Whether `irq` has a handler (it is listed in `/proc/interrupts`).
pub fn irq_has_action(irq: u32) -> bool {
    // SAFETY: no preconditions.
    unsafe { bindings::vsw_irq_has_action(irq) != 0 }
}

/// A random locally administered unicast MAC address.
pub fn random_mac() -> [u8; 6] {
    let mut m = [0u8; 6];
    // SAFETY: `m` holds 6 writable bytes.
    unsafe { bindings::get_random_bytes(m.as_mut_ptr().cast(), 6) };
    m[0] = (m[0] & 0xfe) | 0x02;
    m
}
