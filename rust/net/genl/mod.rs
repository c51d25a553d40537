// SPDX-License-Identifier: GPL-2.0
//! Generic netlink: register a family, read request attributes, build and send replies.
//!
//! A family is a type implementing [`Family`]: its name, version, attribute policy and
//! command table (each command with its request and dump handlers, [`Op`]) are constants.
//! [`Registration`] registers it with the kernel and unregisters it when dropped.
//!
//! Every operation requires `CAP_NET_ADMIN` in the user namespace owning the request's
//! network namespace (`GENL_UNS_ADMIN_PERM`), and every request is validated strictly against
//! the policy by the generic netlink core before a handler runs, so handlers see only
//! attributes of the declared types and lengths.

use crate::bindings;
use crate::errno::emsgsize;
use crate::net::Net;
use crate::sync::rtnl::Held;
use core::marker::PhantomData;
use core::ptr::NonNull;
use kernel::alloc::{flags::GFP_KERNEL, KBox, KVec};
use kernel::error::{code::*, Error, Result};
use kernel::ffi::{c_int, c_void};
use kernel::str::CStr;
use kernel::types::Opaque;
use kernel::ThisModule;

mod msg;
mod policy;
mod request;

pub use msg::{Dump, Msg, Writer};
pub use policy::{Policy, Range};
pub use request::{Attr, Request};
use request::dumpit_info;

/// A request handler: the reply (if any) is sent by the handler; an error goes back to the
/// sender as a netlink error with the extack message set on the request, if any.
pub type DoFn = fn(&Request<'_>) -> Result;
/// A dump handler: fills one message with as many entries as fit (see [`Dump`]).
pub type DumpFn = fn(&mut Dump<'_>) -> Result;

/// One command of a family and its handlers: the whole command table in one place.
pub struct Op {
    /// The command number (`genlmsghdr.cmd`).
    pub cmd: u8,
    /// Handles a request without `NLM_F_DUMP` (`None`: the command is a dump only).
    pub doit: Option<DoFn>,
    /// Handles `NLM_F_DUMP` requests.
    pub dumpit: Option<DumpFn>,
}

impl Op {
    /// A command with a request handler only.
    pub const fn doit(cmd: u8, f: DoFn) -> Self {
        Op { cmd, doit: Some(f), dumpit: None }
    }
    /// A command that gets one object (`doit`) or dumps them all (`dumpit`).
    pub const fn get(cmd: u8, doit: DoFn, dumpit: DumpFn) -> Self {
        Op { cmd, doit: Some(doit), dumpit: Some(dumpit) }
    }
    /// A command that is only a dump.
    pub const fn dump(cmd: u8, f: DumpFn) -> Self {
        Op { cmd, doit: None, dumpit: Some(f) }
    }
}

/// A generic netlink family implemented in Rust.
pub trait Family: 'static {
    /// Family name (at most 15 bytes).
    const NAME: &'static str;
    /// Family version.
    const VERSION: u8;
    /// The policy, indexed by attribute type; its length is `maxattr + 1`.
    const POLICY: &'static [Policy];
    /// The commands and their handlers (each command once).
    const OPS: &'static [Op];
    /// Multicast group names (at most 15 bytes each); [`multicast`] sends to the first.
    const MCGRPS: &'static [&'static str] = &[];
}

/// The entry of command `cmd` in `F`'s table (the core only calls us for registered ones).
fn op_of<F: Family>(cmd: u8) -> Option<&'static Op> {
    F::OPS.iter().find(|o| o.cmd == cmd)
}

/// Trampoline for `genl_small_ops.dumpit`.
///
/// # Safety
/// Called by the generic netlink core with valid `skb` and `cb` of a dump of family `F`.
unsafe extern "C" fn dumpit_tramp<F: Family>(
    skb: *mut bindings::sk_buff,
    cb: *mut bindings::netlink_callback,
) -> c_int {
    // INVARIANT: valid pointers for the callback's duration (function contract).
    let mut dump = Dump { skb, cb, _p: PhantomData };
    let Some(f) = op_of::<F>(dump.cmd()).and_then(|o| o.dumpit) else {
        return crate::errno::eopnotsupp().to_errno();
    };
    match f(&mut dump) {
        // SAFETY: `skb` is valid. A non-zero length asks the core to call again; an empty
        // message ends the dump.
        Ok(()) => unsafe { (*skb).len as c_int },
        Err(e) => e.to_errno(),
    }
}

/// Trampoline for `genl_small_ops.doit`.
///
/// # Safety
/// Called by the generic netlink core with valid `skb` and `info` of a request to family `F`.
unsafe extern "C" fn doit_tramp<F: Family>(
    _skb: *mut bindings::sk_buff,
    info: *mut bindings::genl_info,
) -> c_int {
    // SAFETY: `info` is valid during the callback (function contract).
    let family = unsafe { (*info).family };
    // INVARIANT: the pointers come from the core and are valid for the callback's duration.
    let req = Request { info, family, _p: PhantomData };
    let r = match op_of::<F>(req.cmd()) {
        Some(Op { doit: Some(f), .. }) => f(&req),
        Some(_) => Err(req.fail(EINVAL, kernel::c_str!("this command is a dump: set NLM_F_DUMP"))),
        None => Err(crate::errno::eopnotsupp()),
    };
    match r {
        Ok(()) => 0,
        Err(e) => e.to_errno(),
    }
}

struct Inner {
    family: Opaque<bindings::genl_family>,
    ops: KVec<bindings::genl_small_ops>,
    mcgrps: KVec<bindings::genl_multicast_group>,
}

/// The registered family that [`event`] and [`multicast`] use (one family per module). Set
/// and cleared under RTNL, and only read under RTNL (events are sent only from RTNL sections),
/// so no event is built with a family that is being unregistered.
static EVENT_FAMILY: core::sync::atomic::AtomicPtr<bindings::genl_family> =
    core::sync::atomic::AtomicPtr::new(core::ptr::null_mut());

/// Starts an event message (command `cmd`) for the family's first multicast group.
pub fn event(_rtnl: Held<'_>, cmd: u8) -> Result<Msg> {
    let family = EVENT_FAMILY.load(core::sync::atomic::Ordering::Acquire);
    if family.is_null() {
        return Err(ENODEV);
    }
    // SAFETY: `family` is registered: it is cleared under RTNL (held) before unregistering.
    Msg::new(0, |skb| unsafe { bindings::genlmsg_put(skb, 0, 0, family, 0, cmd) })
}

/// Sends an event built with [`event`] to listeners of the first multicast group in network
/// namespace `net` only. Having no listener is not an error.
pub fn multicast(_rtnl: Held<'_>, net: Net<'_>, msg: Msg) -> Result {
    let family = EVENT_FAMILY.load(core::sync::atomic::Ordering::Acquire);
    if family.is_null() {
        return Err(ENODEV);
    }
    let skb = msg.finish();
    // SAFETY: consumes `skb` (given up by `finish`); `family` is registered (RTNL held, see `EVENT_FAMILY`); `net`
    // is valid (Net invariant).
    let ret = unsafe { bindings::vsw_genlmsg_multicast_netns(family, net.as_ptr(), skb) };
    if ret < 0 && ret != -(bindings::ESRCH as i32) {
        return Err(Error::from_errno(ret));
    }
    Ok(())
}

/// A registered generic netlink family; unregistered on drop.
///
/// # Invariants
/// `inner.family` is registered with the generic netlink core, and `inner` (with the ops
/// array the family points to) stays at the same address until drop unregisters it.
pub struct Registration<F: Family> {
    inner: KBox<Inner>,
    _f: PhantomData<F>,
}

// SAFETY: after registration the family is only accessed by the generic netlink core, which
// does its own locking; `Registration` itself only unregisters on drop.
unsafe impl<F: Family> Send for Registration<F> {}
// SAFETY: `Registration` exposes no methods that touch the family through `&self`.
unsafe impl<F: Family> Sync for Registration<F> {}

impl<F: Family> Registration<F> {
    /// Registers family `F`, owned by `module`.
    pub fn register(module: &'static ThisModule) -> Result<Self> {
        let name = F::NAME.as_bytes();
        if name.is_empty() || name.len() >= bindings::GENL_NAMSIZ as usize {
            return Err(EINVAL);
        }
        if F::POLICY.is_empty() || F::OPS.is_empty() {
            return Err(EINVAL);
        }
        let mut ops = KVec::with_capacity(F::OPS.len(), GFP_KERNEL)?;
        for op in F::OPS {
            ops.push(
                bindings::genl_small_ops {
                    // Every command answers a request: a dump-only one with a message
                    // saying so.
                    doit: Some(doit_tramp::<F>),
                    dumpit: if op.dumpit.is_some() { Some(dumpit_tramp::<F>) } else { None },
                    cmd: op.cmd,
                    internal_flags: 0,
                    flags: bindings::GENL_UNS_ADMIN_PERM as u8,
                    validate: 0,
                },
                GFP_KERNEL,
            )?;
        }
        let mut mcgrps = KVec::with_capacity(F::MCGRPS.len(), GFP_KERNEL)?;
        for g in F::MCGRPS {
            if g.is_empty() || g.len() >= bindings::GENL_NAMSIZ as usize {
                return Err(EINVAL);
            }
            // SAFETY: all-zero is a valid `genl_multicast_group`.
            let mut grp: bindings::genl_multicast_group = unsafe { core::mem::zeroed() };
            for (i, b) in g.bytes().enumerate() {
                grp.name[i] = b;
            }
            grp.flags = 1; // GENL_MCAST_CAP_NET_ADMIN: listeners need CAP_NET_ADMIN
            mcgrps.push(grp, GFP_KERNEL)?;
        }
        // SAFETY: all-zero is the documented initial state of a `genl_family` (C users
        // declare it static, zero-initialised, and fill in the public fields).
        let family: bindings::genl_family = unsafe { core::mem::zeroed() };
        let inner = KBox::new(Inner { family: Opaque::new(family), ops, mcgrps }, GFP_KERNEL)?;
        let f = inner.family.get();
        // SAFETY: `f` points to our boxed, not yet registered family; nobody else sees it.
        unsafe {
            for (i, b) in name.iter().enumerate() {
                (*f).name[i] = *b;
            }
            (*f).version = F::VERSION.into();
            (*f).maxattr = (F::POLICY.len() - 1) as u32;
            (*f).set_netnsok(1);
            (*f).set_parallel_ops(0);
            (*f).resv_start_op = 0;
            (*f).policy = F::POLICY.as_ptr().cast();
            (*f).small_ops = inner.ops.as_ptr();
            (*f).n_small_ops = inner.ops.len() as u8;
            if !inner.mcgrps.is_empty() {
                (*f).mcgrps = inner.mcgrps.as_ptr();
                (*f).n_mcgrps = inner.mcgrps.len() as u8;
            }
            (*f).module = module.as_ptr().cast();
        }
        // SAFETY: the family is fully initialised and lives in `inner`, which outlives the
        // registration (dropped only after `genl_unregister_family` in `Drop`).
        let ret = unsafe { bindings::genl_register_family(f) };
        if ret < 0 {
            return Err(Error::from_errno(ret));
        }
        if !F::MCGRPS.is_empty() {
            let _rtnl = crate::sync::rtnl::Rtnl::lock();
            EVENT_FAMILY.store(f, core::sync::atomic::Ordering::Release);
        }
        // INVARIANT: registered above; `inner` is boxed and never moved out.
        Ok(Self { inner, _f: PhantomData })
    }
}

impl<F: Family> Drop for Registration<F> {
    fn drop(&mut self) {
        let f = self.inner.family.get();
        {
            // No event is being built or sent while RTNL is ours (see `EVENT_FAMILY`).
            let _rtnl = crate::sync::rtnl::Rtnl::lock();
            let _ = EVENT_FAMILY.compare_exchange(
                f,
                core::ptr::null_mut(),
                core::sync::atomic::Ordering::AcqRel,
                core::sync::atomic::Ordering::Relaxed,
            );
        }
        // SAFETY: the family is registered (type invariant). Unregistering waits for running
        // operations, after which the core no longer touches `inner`.
        unsafe { bindings::genl_unregister_family(f) };
    }
}
