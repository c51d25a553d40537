// SPDX-License-Identifier: GPL-2.0
//! The `vswitch` qdisc: bandwidth weights on the uplink.
//!
//! The qdisc itself (skb queues, qdisc stats, grafting) is C in `helpers.c`; which class sends
//! next is decided by a [`Scheduler`] written in safe Rust, called through a table of
//! trampolines. The switch tags frames it sends to the uplink with their source vPort and
//! weight ([`crate::sys::skb::Skb::set_wfq_class`]), attaches the qdisc as the uplink's root
//! ([`attach`]) and gives the uplink its default qdisc back ([`detach`]). `tc qdisc add dev X
//! root vswitch` works too; the [`Registration`] detaches every instance before the module goes.

use crate::bindings;
use crate::net::NetDevice;
use kernel::types::ARef;
use crate::sync::rtnl::Held;
use core::ffi::c_void;
use core::marker::PhantomData;
use kernel::alloc::{flags::GFP_KERNEL, KBox};
use kernel::error::{to_result, Result};

/// The scheduling decisions of one qdisc instance; called under the qdisc's lock.
pub trait Scheduler: Sized + 'static {
    /// Classes (must equal the C side's `VSW_WFQ_CLASSES`).
    const CLASSES: usize;
    /// A new scheduler; `quantum` is the device's MTU plus link header.
    fn new(quantum: u32) -> Self;
    /// Class of a frame from port `id` (0: none) with `weight`.
    fn classify(&mut self, id: u32, weight: u32) -> usize;
    /// A frame of `len` bytes was queued on `cls`.
    fn enqueued(&mut self, cls: usize, len: u32);
    /// Class whose head frame is sent next.
    fn pick(&mut self) -> Option<usize>;
    /// The head frame of `cls` (`len` bytes) was sent.
    fn dequeued(&mut self, cls: usize, len: u32);
    /// The head frame of `cls` (`len` bytes) was dropped (qdisc full).
    fn dropped(&mut self, cls: usize, len: u32);
    /// Class to drop from when full.
    fn victim(&self) -> Option<usize>;
    /// Every queued frame was dropped.
    fn reset(&mut self);
}

fn to_c(c: Option<usize>) -> i32 {
    c.map_or(-1, |c| c as i32)
}

struct Tramp<S: Scheduler>(PhantomData<S>);

impl<S: Scheduler> Tramp<S> {
    /// # Safety
    /// `s` comes from `alloc` and is not freed; the caller (the qdisc lock) excludes others.
    unsafe fn get<'a>(s: *mut c_void) -> &'a mut S {
        // SAFETY: per the function's contract.
        unsafe { &mut *s.cast::<S>() }
    }
    unsafe extern "C" fn alloc(quantum: u32) -> *mut c_void {
        match KBox::new(S::new(quantum), GFP_KERNEL) {
            Ok(b) => KBox::into_raw(b).cast(),
            Err(_) => core::ptr::null_mut(),
        }
    }
    unsafe extern "C" fn free(s: *mut c_void) {
        // SAFETY: `s` came from `alloc` (KBox::into_raw) and the qdisc is being destroyed.
        drop(unsafe { KBox::from_raw(s.cast::<S>()) });
    }
    unsafe extern "C" fn classify(s: *mut c_void, id: u32, weight: u32) -> i32 {
        // SAFETY: called by the qdisc under its lock with its own state.
        unsafe { Self::get(s) }.classify(id, weight) as i32
    }
    unsafe extern "C" fn enqueued(s: *mut c_void, cls: i32, len: u32) {
        // SAFETY: as in `classify`.
        unsafe { Self::get(s) }.enqueued(cls as usize, len)
    }
    unsafe extern "C" fn pick(s: *mut c_void) -> i32 {
        // SAFETY: as in `classify`.
        to_c(unsafe { Self::get(s) }.pick())
    }
    unsafe extern "C" fn dequeued(s: *mut c_void, cls: i32, len: u32) {
        // SAFETY: as in `classify`.
        unsafe { Self::get(s) }.dequeued(cls as usize, len)
    }
    unsafe extern "C" fn dropped(s: *mut c_void, cls: i32, len: u32) {
        // SAFETY: as in `classify`.
        unsafe { Self::get(s) }.dropped(cls as usize, len)
    }
    unsafe extern "C" fn victim(s: *mut c_void) -> i32 {
        // SAFETY: as in `classify`.
        to_c(unsafe { Self::get(s) }.victim())
    }
    unsafe extern "C" fn reset(s: *mut c_void) {
        // SAFETY: as in `classify`.
        unsafe { Self::get(s) }.reset()
    }
}

/// The registered qdisc kind; unregistered, with every instance detached, on drop.
///
/// # Invariants
/// `ops` is the table the C side calls through until `vsw_wfq_unregister` returns.
pub struct Registration<S: Scheduler> {
    ops: KBox<bindings::vsw_wfq_sched>,
    _s: PhantomData<S>,
}

// SAFETY: the table is only read (by the C side); dropping is fine from any process context.
unsafe impl<S: Scheduler> Send for Registration<S> {}
// SAFETY: no methods through `&self`.
unsafe impl<S: Scheduler> Sync for Registration<S> {}

impl<S: Scheduler> Registration<S> {
    /// Registers the `vswitch` qdisc kind.
    pub fn register() -> Result<Self> {
        if S::CLASSES != bindings::VSW_WFQ_CLASSES as usize {
            return Err(kernel::error::code::EINVAL);
        }
        let ops = KBox::new(
            bindings::vsw_wfq_sched {
                alloc: Some(Tramp::<S>::alloc),
                free: Some(Tramp::<S>::free),
                classify: Some(Tramp::<S>::classify),
                enqueued: Some(Tramp::<S>::enqueued),
                pick: Some(Tramp::<S>::pick),
                dequeued: Some(Tramp::<S>::dequeued),
                dropped: Some(Tramp::<S>::dropped),
                victim: Some(Tramp::<S>::victim),
                reset: Some(Tramp::<S>::reset),
            },
            GFP_KERNEL,
        )?;
        // SAFETY: `ops` lives in the box until after `vsw_wfq_unregister` (our drop).
        to_result(unsafe { bindings::vsw_wfq_register(&*ops) })?;
        Ok(Registration { ops, _s: PhantomData })
    }
}

impl<S: Scheduler> Drop for Registration<S> {
    fn drop(&mut self) {
        // SAFETY: registered (invariant); takes RTNL itself, so the caller must not hold it.
        // (`ops` is freed after this, when the fields drop.)
        unsafe { bindings::vsw_wfq_unregister() };
    }
}

/// The `vswitch` qdisc made the root of a device by the switch. Dropping it gives the device
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
    /// Makes the `vswitch` qdisc the root of `dev`: `Some` if attached now, `None` if it
    /// already was (then it is not ours to detach).
    pub fn attach(dev: &NetDevice, _rtnl: Held<'_>) -> Result<Option<Self>> {
        let mut q = core::ptr::null_mut();
        // SAFETY: valid device, RTNL held; `q` is a valid out pointer.
        let r = unsafe { bindings::vsw_wfq_attach(dev.as_ptr(), &mut q) };
        to_result(r.min(0))?;
        // INVARIANT: `q` attached to `dev`, which we hold.
        Ok((r == 1).then(|| Attachment { dev: ARef::from(dev), q }))
    }

    /// Whether the qdisc is still the device's root (not removed with `tc` meanwhile).
    pub fn is_current(&self, _rtnl: Held<'_>) -> bool {
        // SAFETY: valid device, RTNL held; `q` is only compared.
        unsafe { bindings::vsw_qdisc_is_root(self.dev.as_ptr(), self.q) != 0 }
    }
}

impl Drop for Attachment {
    fn drop(&mut self) {
        // SAFETY: asserting RTNL has no preconditions (it warns when RTNL is not locked).
        unsafe { bindings::vsw_assert_rtnl() };
        // SAFETY: a held, valid device (invariant), RTNL held; `q` is only compared.
        unsafe { bindings::vsw_wfq_detach(self.dev.as_ptr(), self.q) };
    }
}

/// True if the `vswitch` qdisc is the root of `dev`.
pub fn is_root(dev: &NetDevice, _rtnl: Held<'_>) -> bool {
    // SAFETY: valid device, RTNL held.
    unsafe { bindings::vsw_wfq_is_root(dev.as_ptr()) != 0 }
}
