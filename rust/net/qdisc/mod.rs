// SPDX-License-Identifier: GPL-2.0
//! Queueing disciplines written in Rust, and the root qdisc the switch puts on its uplink.
//!
//! Shaped like the kernel crate's `net::phy`: a qdisc kind implements the `#[vtable]` trait
//! [`Operations`] on its per-instance state; [`create_qdisc_ops`] builds its
//! `struct Qdisc_ops` in a const fn, kept in a `static` [`Vtable`]; a [`Registration`]
//! registers it. The instance state lives in the qdisc's private area (`qdisc_priv`); the
//! operations see the qdisc itself as a [`Sch`] (queue length, statistics, drops) and hold
//! its frames as [`Packet`]s, queued in [`PacketQueue`]s.
//!
//! The ops have no owner module, so an instance does not pin the module (`rmmod` works while
//! a switch has its qdisc on an uplink): dropping the [`Registration`] detaches every
//! instance before the module, and the code of its operations, goes.
//!
//! The module registers one kind, which the switch makes the root of its uplink
//! ([`Attachment::attach`], [`is_root`]; see `root.rs`) and which `tc qdisc add dev X root
//! <kind>` can attach too.

mod packet;
mod root;

pub use packet::{ClassTag, Packet, PacketQueue};
pub use root::{is_root, Attachment};

use crate::bindings;
use crate::sync::rtnl::Rtnl;
use core::cell::UnsafeCell;
use core::marker::PhantomData;
use core::mem::{align_of, size_of};
use core::ptr::{addr_of_mut, null_mut};
use kernel::error::{to_result, Error, Result, VTABLE_DEFAULT_ERROR};
use kernel::ffi::{c_char, c_int, c_long};
use kernel::init::PinInit;
use kernel::prelude::*;
use kernel::types::Opaque;

/// A qdisc kind: the state of one instance, and its operations.
///
/// The core serialises the operations of an instance: `enqueue`, `dequeue` and `reset` run
/// with the qdisc's lock held, `init` under RTNL before the qdisc carries traffic; the
/// state's `Drop` is the kind's `destroy` (under RTNL, once nothing can reach the qdisc).
/// `peek` is the core's `qdisc_peek_dequeued` (it dequeues and keeps the packet aside).
#[vtable]
pub trait Operations: Sized + Send + 'static {
    /// The kind's name, as `tc` knows it (at most 15 bytes).
    const ID: &'static CStr;

    /// The state of a new instance on `sch`, as an initialiser that writes it in its place
    /// in the qdisc's private area (which never moves: and per-class queues make states too
    /// large to pass on the kernel stack). `options` is the attribute given with `tc qdisc
    /// add ... <kind> <options>` (`TCA_OPTIONS`), if any.
    fn init(
        sch: &mut Sch<'_>,
        options: Option<&Options>,
        extack: &mut ExtAck<'_>,
    ) -> Result<impl PinInit<Self, Error>>;

    /// Queues `pkt`, or drops it (or another packet) through [`Sch::drop_packet`].
    fn enqueue(&mut self, sch: &mut Sch<'_>, pkt: Packet, to_free: &mut ToFree<'_>) -> Enqueued;

    /// The packet to send next, `None` if there is none.
    fn dequeue(&mut self, sch: &mut Sch<'_>) -> Option<Packet>;

    /// Drops every queued packet (the device goes down, or the qdisc is destroyed); the core
    /// then zeroes the qdisc's queue length and backlog.
    fn reset(&mut self, _sch: &mut Sch<'_>) {
        kernel::build_error(VTABLE_DEFAULT_ERROR)
    }
}

/// What `enqueue` did with the packet it was given.
pub enum Enqueued {
    /// Queued (`NET_XMIT_SUCCESS`), possibly after dropping another packet.
    Queued,
    /// Dropped (`NET_XMIT_DROP`) with [`Sch::drop_packet`].
    Dropped,
}

/// The `struct Qdisc_ops` of kind `T`, with the list of its live instances; in a `static`
/// (the kernel links registered ops through their `next` field, hence the [`Opaque`]).
///
/// # Invariants
/// `ops` is a complete `Qdisc_ops` whose operations are `Adapter::<T>`'s, built by
/// [`create_qdisc_ops`] (the only constructor): so a qdisc that runs `Adapter::<T>` has
/// `ops` pointing at the `ops` field, at offset 0 of this `repr(C)` struct. `instances` heads
/// a list of live qdiscs of the kind, linked through `Private::next`, only accessed under
/// RTNL.
#[repr(C)]
pub struct Vtable<T: Operations> {
    ops: Opaque<bindings::Qdisc_ops>,
    instances: UnsafeCell<*mut bindings::Qdisc>,
    _t: PhantomData<T>,
}

// SAFETY: `ops` is only read by Rust and written by the kernel under its own lock
// (`qdisc_mod_lock`); `instances` is only accessed under RTNL. Nothing else is shared.
unsafe impl<T: Operations> Sync for Vtable<T> {}

/// The private area of a qdisc of kind `T` (`qdisc_priv`), which `qdisc_alloc` zeroes: so
/// `ready` starts false and `next` null.
///
/// Only ever accessed field by field through raw pointers: the state belongs to whoever runs
/// an operation of the instance, while `next` (the instance list) is RTNL's.
#[repr(C)]
struct Private<T> {
    /// `state` is initialised (`init` succeeded, `destroy` has not run).
    ready: bool,
    /// The next instance of the kind (`Vtable::instances`).
    next: *mut bindings::Qdisc,
    state: core::mem::MaybeUninit<T>,
}

/// Builds the `Qdisc_ops` of kind `T`, for a `static` (cf. `kernel::net::phy::create_phy_driver`).
pub const fn create_qdisc_ops<T: Operations>() -> Vtable<T> {
    const {
        // `privdata` is an array of `long`: that much alignment is what the area has.
        assert!(align_of::<Private<T>>() <= align_of::<c_long>(), "qdisc state over-aligned");
        assert!(size_of::<Private<T>>() <= c_int::MAX as usize, "qdisc state too large");
    };
    // INVARIANT: every operation is `Adapter::<T>`'s (or the core's peek); the rest is zero.
    Vtable {
        ops: Opaque::new(bindings::Qdisc_ops {
            id: qdisc_id(T::ID),
            priv_size: size_of::<Private<T>>() as c_int,
            enqueue: Some(Adapter::<T>::enqueue),
            dequeue: Some(Adapter::<T>::dequeue),
            // The generic peek of the core (dequeue, keep aside in `gso_skb`).
            peek: Some(bindings::vsw_qdisc_peek_dequeued),
            init: Some(Adapter::<T>::init),
            reset: if T::HAS_RESET { Some(Adapter::<T>::reset) } else { None },
            destroy: Some(Adapter::<T>::destroy),
            // SAFETY: all-zero is a valid `Qdisc_ops`: null pointers (no `next`, no class ops,
            // no owner module: see the module doc), `None` for the other operations.
            ..unsafe { core::mem::MaybeUninit::<bindings::Qdisc_ops>::zeroed().assume_init() }
        }),
        instances: UnsafeCell::new(null_mut()),
        _t: PhantomData,
    }
}

/// `Qdisc_ops::id` from the kind's name.
const fn qdisc_id(name: &CStr) -> [c_char; bindings::IFNAMSIZ as usize] {
    let b = name.as_bytes_with_nul();
    assert!(b.len() <= bindings::IFNAMSIZ as usize, "qdisc kind name too long");
    let mut id = [0 as c_char; bindings::IFNAMSIZ as usize];
    let mut i = 0;
    while i < b.len() {
        id[i] = b[i] as c_char;
        i += 1;
    }
    id
}

impl<T: Operations> Vtable<T> {
    fn ops(&self) -> *mut bindings::Qdisc_ops {
        self.ops.get()
    }

    /// The vtable of a qdisc that runs `Adapter::<T>`.
    ///
    /// # Safety
    /// `sch` must be a valid qdisc whose operations are `Adapter::<T>`'s.
    unsafe fn of<'a>(sch: *mut bindings::Qdisc) -> &'a Self {
        // SAFETY: by the type invariant, such a qdisc's `ops` points at offset 0 of a
        // `Vtable<T>`, which lives in a `static` (a registration takes `&'static`; `tc` and
        // `attach` find only registered ops).
        unsafe { &*(*sch).ops.cast::<Self>() }
    }

    /// Adds `sch` to the instance list.
    ///
    /// # Safety
    /// RTNL must be held; `sch` must be a live qdisc of this kind, not in the list.
    unsafe fn link(&self, sch: *mut bindings::Qdisc) {
        // SAFETY: a live qdisc of this kind, whose private area is a `Private<T>`; the list
        // is RTNL's (held).
        unsafe {
            let p = Private::<T>::of(sch);
            (*p).next = *self.instances.get();
            *self.instances.get() = sch;
        }
    }

    /// Takes `sch` out of the instance list if it is there.
    ///
    /// # Safety
    /// RTNL must be held; `sch` must be a valid qdisc of this kind.
    unsafe fn unlink(&self, sch: *mut bindings::Qdisc) {
        let mut link = self.instances.get();
        // SAFETY: RTNL is held, so the list is ours; its members are live qdiscs of this kind
        // (`destroy` unlinks them under RTNL), so their private areas are valid.
        unsafe {
            while !(*link).is_null() {
                let p = Private::<T>::of(*link);
                if *link == sch {
                    *link = (*p).next;
                    (*p).next = null_mut();
                    return;
                }
                link = addr_of_mut!((*p).next);
            }
        }
    }

    /// The first instance in the list (null if none).
    ///
    /// # Safety
    /// RTNL must be held.
    unsafe fn first(&self) -> *mut bindings::Qdisc {
        // SAFETY: the list is RTNL's (held).
        unsafe { *self.instances.get() }
    }
}

impl<T> Private<T> {
    /// The private area of `sch`.
    ///
    /// # Safety
    /// `sch` must be a valid qdisc created from ops with `priv_size` of `Private<T>`.
    unsafe fn of(sch: *mut bindings::Qdisc) -> *mut Self {
        // SAFETY: the private area is `privdata` (`qdisc_priv`), `priv_size` bytes, aligned
        // enough (checked in `create_qdisc_ops`).
        unsafe { addr_of_mut!((*sch).privdata).cast() }
    }
}

/// The qdisc, as one of its operations sees it.
///
/// # Invariants
/// `q` is a valid qdisc and the holder has exclusive use of its queue state (queue length,
/// statistics, limit) for `'a`: the qdisc's lock is held, or nobody else can reach it yet
/// (`init`) or any more (`destroy`).
pub struct Sch<'a> {
    q: *mut bindings::Qdisc,
    _p: PhantomData<&'a mut bindings::Qdisc>,
}

impl Sch<'_> {
    /// # Safety
    /// `q` must satisfy the type invariant for the returned lifetime.
    unsafe fn new(q: *mut bindings::Qdisc) -> Self {
        // INVARIANT: by the function contract.
        Sch { q, _p: PhantomData }
    }

    fn dev(&self) -> *mut bindings::net_device {
        // SAFETY: a valid qdisc (invariant) has a transmit queue of a device it holds a
        // reference to (`qdisc_alloc`), both set before `init`.
        unsafe { (*(*self.q).dev_queue).dev }
    }

    /// The qdisc is its device's root (`tc qdisc add dev X root`), not a child of another.
    pub fn parent_is_root(&self) -> bool {
        // SAFETY: a valid qdisc (invariant); `parent` is set before `init`.
        unsafe { (*self.q).parent == bindings::TC_H_ROOT }
    }

    /// The device's MTU plus its link header (`psched_mtu`): a quantum for round robins.
    pub fn psched_mtu(&self) -> u32 {
        // SAFETY: a valid device (see `dev`).
        unsafe { bindings::vsw_psched_mtu(self.dev()) }
    }

    /// The device's transmit queue length (`ip link set dev X txqueuelen N`).
    pub fn tx_queue_len(&self) -> u32 {
        // SAFETY: a valid device (see `dev`); RTNL changes the field, so read it once
        // (`READ_ONCE`).
        unsafe { core::ptr::addr_of!((*self.dev()).tx_queue_len).read_volatile() }
    }

    /// Packets queued, by the qdisc's count (`sch->q.qlen`).
    pub fn qlen(&self) -> u32 {
        // SAFETY: a valid qdisc whose queue state is ours (invariant).
        unsafe { (*self.q).q.qlen }
    }

    /// The qdisc's limit, in packets (`sch->limit`).
    pub fn limit(&self) -> u32 {
        // SAFETY: as in `qlen`.
        unsafe { (*self.q).limit }
    }

    /// Sets the limit.
    pub fn set_limit(&mut self, limit: u32) {
        // SAFETY: as in `qlen`.
        unsafe { (*self.q).limit = limit };
    }

    /// Counts `pkt`, which the kind queued, in the queue length and backlog.
    pub fn queued(&mut self, pkt: &Packet) {
        // SAFETY: as in `qlen`; `pkt` is a valid skb. (The count wraps as C's does.)
        unsafe {
            (*self.q).q.qlen = (*self.q).q.qlen.wrapping_add(1);
            bindings::vsw_qdisc_qstats_backlog_inc(self.q, pkt.as_ptr());
        }
    }

    /// Uncounts `pkt`, which the kind took off its queues (to send or drop it).
    pub fn unqueued(&mut self, pkt: &Packet) {
        // SAFETY: as in `queued`.
        unsafe {
            (*self.q).q.qlen = (*self.q).q.qlen.wrapping_sub(1);
            bindings::vsw_qdisc_qstats_backlog_dec(self.q, pkt.as_ptr());
        }
    }

    /// Counts `pkt` as sent (bytes and packets).
    pub fn sent(&mut self, pkt: &Packet) {
        // SAFETY: as in `queued`.
        unsafe { bindings::vsw_qdisc_bstats_update(self.q, pkt.as_ptr()) };
    }

    /// Drops `pkt` (counted as a drop; freed by the core once the qdisc's lock is released).
    pub fn drop_packet(&mut self, pkt: Packet, to_free: &mut ToFree<'_>) -> Enqueued {
        // SAFETY: as in `qlen`; we give up `pkt`, which the helper links into `to_free`, the
        // caller's valid list (invariant of `ToFree`).
        unsafe { bindings::vsw_qdisc_drop(pkt.into_raw(), self.q, to_free.0) };
        Enqueued::Dropped
    }
}

/// The list of packets that `enqueue` dropped, freed by the core after it unlocks the qdisc.
///
/// # Invariants
/// `0` is a valid list head (`struct sk_buff **`) for `'a`.
pub struct ToFree<'a>(*mut *mut bindings::sk_buff, PhantomData<&'a mut ()>);

/// The options attribute of `tc qdisc add` (`TCA_OPTIONS`). No accessors yet: the only
/// kind takes no options.
#[repr(transparent)]
pub struct Options(Opaque<bindings::nlattr>);

/// Where `init` tells `tc` why it failed (`struct netlink_ext_ack`).
///
/// # Invariants
/// `0` is null or a valid extack for `'a`.
pub struct ExtAck<'a>(*mut bindings::netlink_ext_ack, PhantomData<&'a mut ()>);

impl ExtAck<'_> {
    /// Sets the message (what `NL_SET_ERR_MSG` does, for a static string).
    pub fn set_msg(&mut self, msg: &'static CStr) {
        // SAFETY: a NUL-terminated string.
        unsafe { bindings::do_trace_netlink_extack(msg.as_char_ptr()) };
        if !self.0.is_null() {
            // SAFETY: a valid extack (invariant); the message is static.
            unsafe { (*self.0)._msg = msg.as_char_ptr() };
        }
    }
}

/// The C entry points of kind `T` (the functions in its `Qdisc_ops`).
struct Adapter<T: Operations>(PhantomData<T>);

impl<T: Operations> Adapter<T> {
    /// The state of `sch`, `None` if `init` did not succeed.
    ///
    /// # Safety
    /// `sch` must be a valid qdisc of kind `T`, and the caller must have exclusive use of its
    /// state for `'a` (one of its operations, called by the core).
    unsafe fn state<'a>(sch: *mut bindings::Qdisc) -> Option<&'a mut T> {
        // SAFETY: a qdisc of kind `T` has a `Private<T>`; `ready` says `state` is
        // initialised; exclusive by the function contract (and `next` is not part of it).
        unsafe {
            let p = Private::<T>::of(sch);
            (*p).ready.then(|| &mut *addr_of_mut!((*p).state).cast::<T>())
        }
    }

    /// # Safety
    /// Only as `Qdisc_ops::init` of kind `T`, called by the core (as are the others).
    unsafe extern "C" fn init(
        sch: *mut bindings::Qdisc,
        opt: *mut bindings::nlattr,
        extack: *mut bindings::netlink_ext_ack,
    ) -> c_int {
        // SAFETY: no precondition (warns if RTNL is not held, which `link` relies on).
        unsafe { bindings::vsw_assert_rtnl() };
        // SAFETY: the core calls `init` once, under RTNL, on a new qdisc of kind `T` that
        // carries no traffic yet; `opt` is null or the valid options attribute, `extack` null
        // or valid, for the duration of the call.
        let (mut s, opts, mut ext) = unsafe {
            let opts = (!opt.is_null()).then(|| &*opt.cast::<Options>());
            (Sch::new(sch), opts, ExtAck(extack, PhantomData))
        };
        let r = T::init(&mut s, opts, &mut ext).and_then(|init| {
            // SAFETY: the state's place in the private area of a qdisc of kind `T`, not yet
            // initialised (`ready` is false); it stays there, unmoved, until `destroy` drops
            // it. On error the initialiser leaves it uninitialised, as `ready` says.
            unsafe { init.__pinned_init(addr_of_mut!((*Private::<T>::of(sch)).state).cast::<T>()) }
        });
        match r {
            Ok(()) => {
                // SAFETY: as above, now initialised; RTNL held (above) for the list.
                unsafe {
                    (*Private::<T>::of(sch)).ready = true;
                    Vtable::<T>::of(sch).link(sch);
                }
                0
            }
            Err(e) => e.to_errno(),
        }
    }

    /// # Safety
    /// Only as `Qdisc_ops::destroy` of kind `T`.
    unsafe extern "C" fn destroy(sch: *mut bindings::Qdisc) {
        // SAFETY: no precondition (warns if RTNL is not held, which `unlink` relies on).
        unsafe { bindings::vsw_assert_rtnl() };
        // SAFETY: the core calls `destroy` once, under RTNL, on a qdisc of kind `T` that
        // nothing can reach any more (also after a failed `init`, hence `ready`).
        unsafe {
            Vtable::<T>::of(sch).unlink(sch);
            let p = Private::<T>::of(sch);
            if (*p).ready {
                (*p).ready = false;
                core::ptr::drop_in_place(addr_of_mut!((*p).state).cast::<T>());
            }
        }
    }

    /// # Safety
    /// Only as `Qdisc_ops::enqueue` of kind `T`.
    unsafe extern "C" fn enqueue(
        skb: *mut bindings::sk_buff,
        sch: *mut bindings::Qdisc,
        to_free: *mut *mut bindings::sk_buff,
    ) -> c_int {
        // SAFETY: the core gives the qdisc `skb` (valid, non-null) and calls `enqueue` with
        // the qdisc's lock held (its state and counters are ours), `to_free` a valid list.
        let (pkt, mut s, mut tf, state) = unsafe {
            (Packet::from_raw(skb), Sch::new(sch), ToFree(to_free, PhantomData), Self::state(sch))
        };
        let r = match state {
            Some(t) => t.enqueue(&mut s, pkt, &mut tf),
            // Not initialised: never attached, so never given packets; drop to be safe.
            None => s.drop_packet(pkt, &mut tf),
        };
        match r {
            Enqueued::Queued => bindings::NET_XMIT_SUCCESS as c_int,
            Enqueued::Dropped => bindings::NET_XMIT_DROP as c_int,
        }
    }

    /// # Safety
    /// Only as `Qdisc_ops::dequeue` of kind `T`.
    unsafe extern "C" fn dequeue(sch: *mut bindings::Qdisc) -> *mut bindings::sk_buff {
        // SAFETY: the core calls `dequeue` with the qdisc's lock held.
        let (mut s, state) = unsafe { (Sch::new(sch), Self::state(sch)) };
        match state.and_then(|t| t.dequeue(&mut s)) {
            // The core takes the packet over.
            Some(pkt) => pkt.into_raw(),
            None => null_mut(),
        }
    }

    /// # Safety
    /// Only as `Qdisc_ops::reset` of kind `T`.
    unsafe extern "C" fn reset(sch: *mut bindings::Qdisc) {
        // SAFETY: the core calls `reset` with the qdisc's lock held, or from `destroy` when
        // nothing else can reach it (also after a failed `init`: then there is no state).
        let (mut s, state) = unsafe { (Sch::new(sch), Self::state(sch)) };
        if let Some(t) = state {
            t.reset(&mut s);
        }
    }
}

/// A registered qdisc kind. Dropping it unregisters the kind and detaches every instance
/// (gives each device its default qdisc back), under RTNL.
///
/// # Invariants
/// `vtable`'s ops are registered (`register_qdisc`) and are the module's root kind
/// (`root::claim`).
pub struct Registration<T: Operations> {
    vtable: &'static Vtable<T>,
}

impl<T: Operations> Registration<T> {
    /// Registers kind `T`, the module's one root kind (`EBUSY` if it has one already).
    pub fn register(vtable: &'static Vtable<T>) -> Result<Self> {
        root::claim(vtable.ops())?;
        // SAFETY: a complete `Qdisc_ops` (built by `create_qdisc_ops`) in a `static`, which
        // the kernel may link until `unregister_qdisc` (our drop).
        if let Err(e) = to_result(unsafe { bindings::register_qdisc(vtable.ops()) }) {
            root::release(vtable.ops());
            return Err(e);
        }
        // INVARIANT: registered and claimed above.
        Ok(Registration { vtable })
    }
}

impl<T: Operations> Drop for Registration<T> {
    fn drop(&mut self) {
        let rtnl = Rtnl::lock();
        // SAFETY: registered (invariant). From here `tc` cannot create instances; `attach`
        // cannot once the kind is released (both under RTNL, which we hold).
        unsafe { bindings::unregister_qdisc(self.vtable.ops()) };
        root::release(self.vtable.ops());
        loop {
            // SAFETY: RTNL held.
            let q = unsafe { self.vtable.first() };
            if q.is_null() {
                break;
            }
            // SAFETY: RTNL held; `q` is a live qdisc of the kind (destroy unlinks under RTNL).
            // A qdisc holds a reference to its device.
            let dev = unsafe { crate::net::NetDevice::from_raw((*(*q).dev_queue).dev) };
            if root::root_of(dev, rtnl.held()) == q {
                // Destroys `q` (the device held its last references), which unlinks it.
                root::detach(dev, rtnl.held());
            } else {
                // Only roots are allowed (`init`), and only `tc` replaces a root, which
                // destroys it: something else holds a reference. Forget it.
                pr_warn!("vswitch: qdisc on {} is not its root\n", dev.name(rtnl.held()));
                // SAFETY: RTNL held; `q` is a qdisc of the kind.
                unsafe { self.vtable.unlink(q) };
            }
        }
    }
}
