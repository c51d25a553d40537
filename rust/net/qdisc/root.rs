// SPDX-License-Identifier: GPL-2.0
//! The module's qdisc as a device's root: attached by the switch ([`Attachment`]), detached
//! when the switch lets the uplink go or the module unloads, recognised by [`is_root`].
//!
//! Grafting a root is what the core's `qdisc_graft` does for `tc qdisc add/del dev X root`,
//! which is static in `sch_api.c`: so it is done here with the exported pieces, under RTNL.

use crate::bindings;
use crate::net::NetDevice;
use crate::sync::rtnl::Held;
use core::ptr::null_mut;
use core::sync::atomic::{AtomicPtr, Ordering};
use kernel::error::{code::*, Result};
use kernel::types::ARef;

/// The ops of the module's root kind (null if none is registered): what [`Attachment::attach`]
/// creates and [`is_root`] looks for. The switch's configuration asks for "the vswitch
/// qdisc" without naming the kind, so the one [`super::Registration`] of the module claims
/// it; released (under RTNL) as soon as the kind is unregistered.
static KIND: AtomicPtr<bindings::Qdisc_ops> = AtomicPtr::new(null_mut());

/// Makes `ops` the root kind; `EBUSY` if there is one.
pub(super) fn claim(ops: *mut bindings::Qdisc_ops) -> Result {
    KIND.compare_exchange(null_mut(), ops, Ordering::AcqRel, Ordering::Relaxed).map(|_| ()).map_err(|_| EBUSY)
}

/// Forgets `ops` as the root kind.
pub(super) fn release(ops: *mut bindings::Qdisc_ops) {
    let _ = KIND.compare_exchange(ops, null_mut(), Ordering::AcqRel, Ordering::Relaxed);
}

/// The root qdisc of `dev` (`dev->qdisc`; null before the device is first opened).
pub(super) fn root_of(dev: &NetDevice, _rtnl: Held<'_>) -> *mut bindings::Qdisc {
    // SAFETY: a valid device; RTNL held.
    unsafe { root_raw(dev.as_ptr()) }
}

/// As [`root_of`].
///
/// # Safety
/// `d` must be a valid device and RTNL held.
unsafe fn root_raw(d: *mut bindings::net_device) -> *mut bindings::Qdisc {
    // SAFETY: a valid device; `dev->qdisc` changes only under RTNL, which is held, so a
    // plain read is what `rtnl_dereference` does.
    unsafe { (*d).qdisc }
}

/// Makes `new` the root of `dev`, or with null gives the device its default root back
/// (`dev_activate` attaches the default qdiscs to a device whose root is `noop_qdisc`).
///
/// # Safety
/// RTNL must be held; `new` must be null or a qdisc created for `dev`'s first transmit
/// queue, whose one reference the caller gives up.
unsafe fn graft(dev: &NetDevice, new: *mut bindings::Qdisc) {
    let d = dev.as_ptr();
    // SAFETY: a valid device and RTNL held, as the core functions below require; `new` is
    // null or ours to graft (function contract). The references: each transmit queue and
    // `dev->qdisc` hold one on the root; the first queue takes the caller's, the others and
    // `dev->qdisc` new ones; the old roots' are put.
    unsafe {
        let up = (*d).flags & bindings::net_device_flags_IFF_UP != 0;
        if up {
            bindings::dev_deactivate(d);
        }
        for i in 0..(*d).num_tx_queues {
            let old = bindings::dev_graft_qdisc((*d)._tx.add(i as usize), new);
            if !new.is_null() && i > 0 {
                bindings::vsw_qdisc_refcount_inc(new);
            }
            bindings::qdisc_put(old);
        }
        let old = root_raw(d);
        if !new.is_null() {
            bindings::vsw_qdisc_refcount_inc(new);
        }
        let root = if new.is_null() { core::ptr::addr_of_mut!(bindings::noop_qdisc) } else { new };
        bindings::vsw_dev_qdisc_set(d, root);
        // `qdisc_put` takes null (a device never opened).
        bindings::qdisc_put(old);
        if up {
            bindings::dev_activate(d);
        }
    }
}

/// Gives `dev` its default root qdisc back.
pub(super) fn detach(dev: &NetDevice, _rtnl: Held<'_>) {
    // SAFETY: RTNL held; null: nothing to give up.
    unsafe { graft(dev, null_mut()) };
}

/// True if the module's qdisc is the root of `dev`.
pub fn is_root(dev: &NetDevice, rtnl: Held<'_>) -> bool {
    let q = root_of(dev, rtnl);
    // SAFETY: the root of a device is a valid qdisc while RTNL is held (replacing it needs
    // RTNL).
    !q.is_null() && unsafe { (*q).ops } == KIND.load(Ordering::Relaxed).cast_const()
}

/// The module's qdisc made the root of a device by the switch. Dropping it gives the device
/// its default root qdisc back, if that qdisc is still the root (`tc qdisc del` may have
/// removed it; under RTNL, which the drop asserts).
///
/// # Invariants
/// `dev` is the device the qdisc was attached to, held; `q` is the qdisc as attached, only
/// ever compared with the device's root (it may be freed once `tc` removed it).
pub struct Attachment {
    dev: ARef<NetDevice>,
    q: *mut bindings::Qdisc,
}

// SAFETY: `q` is never dereferenced (only compared under RTNL); the device handle is `Send`.
unsafe impl Send for Attachment {}
// SAFETY: as above; no method reads through `q`.
unsafe impl Sync for Attachment {}

impl Attachment {
    /// Makes the module's qdisc the root of `dev`: `Some` if attached now, `None` if it
    /// already was (then it is not ours to detach).
    pub fn attach(dev: &NetDevice, rtnl: Held<'_>) -> Result<Option<Self>> {
        if is_root(dev, rtnl) {
            return Ok(None);
        }
        let d = dev.as_ptr();
        // SAFETY: a valid device.
        if unsafe { bindings::vsw_dev_no_queue(d) } {
            return Err(crate::errno::eopnotsupp());
        }
        // Only released under RTNL (held), after unregistering: registered while non-null.
        let ops = KIND.load(Ordering::Relaxed);
        if ops.is_null() {
            return Err(ENOENT);
        }
        // SAFETY: a registered kind; the first transmit queue of a valid device (it has at
        // least one); RTNL held; no extack.
        let q = unsafe { bindings::qdisc_create_dflt((*d)._tx, ops, bindings::TC_H_ROOT, null_mut()) };
        if q.is_null() {
            return Err(ENOMEM);
        }
        // A handle (7ffe:), so that `tc qdisc del dev X root` can remove it (tc refuses
        // handle 0). After the graft it is the device's only egress qdisc: no clash.
        // SAFETY: our new qdisc, not yet grafted.
        unsafe { (*q).handle = 0x7ffe_0000 };
        // SAFETY: RTNL held; created for the device's first transmit queue; its reference
        // is given up.
        unsafe { graft(dev, q) };
        // INVARIANT: `q` attached to `dev`, which we hold.
        Ok(Some(Attachment { dev: ARef::from(dev), q }))
    }

    /// Whether the qdisc is still the device's root (not removed with `tc` meanwhile).
    pub fn is_current(&self, rtnl: Held<'_>) -> bool {
        root_of(&self.dev, rtnl) == self.q
    }
}

impl Drop for Attachment {
    fn drop(&mut self) {
        // SAFETY: asserting RTNL has no preconditions (it warns when RTNL is not locked).
        unsafe { bindings::vsw_assert_rtnl() };
        // SAFETY: the switch drops its attachments under RTNL (asserted above); a held,
        // valid device (invariant); `q` is only compared, and not ours to give up.
        unsafe {
            if root_raw(self.dev.as_ptr()) == self.q {
                graft(&self.dev, null_mut());
            }
        }
    }
}
