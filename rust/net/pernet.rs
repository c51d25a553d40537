// SPDX-License-Identifier: GPL-2.0
//! Per-network-namespace lifecycle (`pernet_operations`): the module is told, under RTNL,
//! when a namespace is dismantled, so whatever it keeps per namespace goes with it (as the
//! bridge's and Open vSwitch's datapaths do). Unregistering calls the exit hook for every
//! namespace still alive, which is how the module tears everything down on unload.

use crate::bindings;
use crate::net::Net;
use crate::sync::rtnl::RtnlCallback;
use core::marker::PhantomData;
use kernel::alloc::{flags::GFP_KERNEL, KBox};
use kernel::error::{Error, Result};
use kernel::types::Opaque;

/// What happens when a namespace goes away.
pub trait PernetOps: Sync + 'static {
    /// `net` is being dismantled (its devices are still there; called under RTNL, once per
    /// namespace, before the kernel moves or unregisters the namespace's devices).
    fn exit(rtnl: &mut RtnlCallback, net: Net<'_>);
}

/// Registered pernet operations (a "device" subsystem: its exit runs before the kernel's
/// default handling of the namespace's remaining devices). Unregistered on drop, which calls
/// [`PernetOps::exit`] for every namespace (takes RTNL: the caller must not hold it).
///
/// # Invariants
/// `ops` is registered and does not move until drop unregisters it.
pub struct Registration<T: PernetOps> {
    ops: KBox<Opaque<bindings::pernet_operations>>,
    _t: PhantomData<T>,
}

// SAFETY: only used to unregister on drop, which is allowed from any process context.
unsafe impl<T: PernetOps> Send for Registration<T> {}
// SAFETY: no methods through `&self`.
unsafe impl<T: PernetOps> Sync for Registration<T> {}

impl<T: PernetOps> Registration<T> {
/// # Safety
/// Called by the pernet core under RTNL for a namespace being dismantled.
    unsafe extern "C" fn exit_rtnl(net: *mut bindings::net, _kill: *mut bindings::list_head) {
        // SAFETY: the core calls this with RTNL held for a valid, dismantled namespace; the
        // token and the namespace reference do not outlive the call.
        let (mut rtnl, net) = unsafe { (RtnlCallback::new(), Net::from_raw(net)) };
        T::exit(&mut rtnl, net);
    }

    /// Registers the operations.
    pub fn register() -> Result<Self> {
        // SAFETY: all-zero `pernet_operations` is the documented initial state (no hooks, no
        // per-net storage).
        let ops: bindings::pernet_operations = unsafe { core::mem::zeroed() };
        let ops = KBox::new(Opaque::new(ops), GFP_KERNEL)?;
        // SAFETY: `ops` is ours, boxed (stable address), not yet registered.
        let ret = unsafe {
            (*ops.get()).exit_rtnl = Some(Self::exit_rtnl);
            bindings::register_pernet_device(ops.get())
        };
        if ret < 0 {
            return Err(Error::from_errno(ret));
        }
        // INVARIANT: registered above.
        Ok(Registration { ops, _t: PhantomData })
    }
}

impl<T: PernetOps> Drop for Registration<T> {
    fn drop(&mut self) {
        // SAFETY: registered (invariant); runs the exit hook for every namespace.
        unsafe { bindings::unregister_pernet_device(self.ops.get()) };
    }
}
