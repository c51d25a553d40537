// SPDX-License-Identifier: GPL-2.0
//! Link kinds (`struct rtnl_link_ops`): what makes devices the module registers first-class
//! links for iproute2 and network managers. `ip -d link show` names the kind and prints its
//! attributes (`IFLA_INFO_KIND`, `IFLA_INFO_DATA`), and `ip link del` deletes such a device
//! (the core unregisters it; its owner sees it go through the netdevice notifier).
//!
//! Shaped like the qdisc kinds (`qdisc/mod.rs`, after the kernel crate's `net::phy`): a kind
//! implements the `#[vtable]` trait [`Operations`]; [`create_link_ops`] builds its
//! `struct rtnl_link_ops` in a const fn, kept in a `static` [`Vtable`]; a [`Registration`]
//! registers it.
//!
//! Devices of these kinds are made by the module only (the switch decides their place),
//! never by `ip link add ... type KIND`: the ops have no `setup`/`alloc`, so the core cannot
//! create one, and `validate` refuses such a request first with the kind's own message
//! ([`Operations::CREATE_REFUSED`]) instead of a bare `EOPNOTSUPP`.
//!
//! Unregistering a kind deletes every device of it in every namespace (the core calls
//! `dellink` on each): the module unregisters it after its own teardown removed them.

use crate::bindings;
use crate::errno::{emsgsize, eopnotsupp};
use crate::net::device::NetDevice;
use core::marker::PhantomData;
use kernel::error::{code::*, Error, Result, VTABLE_DEFAULT_ERROR};
use kernel::ffi::c_int;
use kernel::prelude::*;
use kernel::types::Opaque;

/// A link kind: its name, why `ip link add` cannot make one, and its attributes.
///
/// The operations are only called for devices of the kind, i.e. devices the module set up
/// with [`Vtable::as_ptr`] as their `rtnl_link_ops`.
#[vtable]
pub trait Operations: 'static {
    /// The kind's name (`IFLA_INFO_KIND`, `ip link ... type KIND`; at most 15 bytes).
    const KIND: &'static CStr;

    /// The extack message refusing `ip link add ... type KIND` (and changes of the kind's
    /// attributes): how such devices are made instead.
    const CREATE_REFUSED: &'static CStr;

    /// The room the attributes [`Operations::fill_info`] puts need (sum of [`attr_size`]).
    fn info_size(_dev: &NetDevice) -> usize {
        kernel::build_error(VTABLE_DEFAULT_ERROR)
    }

    /// Puts the kind's attributes of `dev` (nested in `IFLA_INFO_DATA` by the core).
    fn fill_info(_dev: &NetDevice, _msg: &mut InfoMsg<'_>) -> Result {
        kernel::build_error(VTABLE_DEFAULT_ERROR)
    }
}

/// The room an attribute with `payload` bytes takes in a message (`nla_total_size`).
pub const fn attr_size(payload: usize) -> usize {
    let hdr = core::mem::size_of::<bindings::nlattr>();
    (hdr + payload + 3) & !3
}

/// The room a string attribute takes (`nla_total_size(len + 1)`: with its NUL).
pub const fn str_attr_size(s: &str) -> usize {
    attr_size(s.len() + 1)
}

/// The message `fill_info` writes into (an `RTM_NEWLINK` reply or notification being built).
///
/// # Invariants
/// `0` is a message skb being filled, owned by the caller of `fill_info` for `'a`.
pub struct InfoMsg<'a>(*mut bindings::sk_buff, PhantomData<&'a mut ()>);

impl InfoMsg<'_> {
    /// Puts a NUL-terminated string attribute (`nla_put_string`); `EMSGSIZE` without room.
    pub fn put_str(&mut self, ty: u16, s: &str) -> Result {
        let len = c_int::try_from(s.len() + 1).map_err(|_| EINVAL)?;
        // SAFETY: a message being filled (invariant); `nla_reserve` checks the room.
        let nla = unsafe { bindings::nla_reserve(self.0, c_int::from(ty), len) };
        if nla.is_null() {
            return Err(emsgsize());
        }
        // SAFETY: `nla_reserve` gave `len` bytes of payload right after the header (`nla_data`);
        // they are ours to write and `s` does not overlap them.
        unsafe {
            let data = nla.cast::<u8>().add(core::mem::size_of::<bindings::nlattr>());
            core::ptr::copy_nonoverlapping(s.as_ptr(), data, s.len());
            data.add(s.len()).write(0);
        }
        Ok(())
    }
}

/// The `struct rtnl_link_ops` of kind `T`, in a `static` (the core links registered ops
/// through their `list` field, hence the [`Opaque`]).
///
/// # Invariants
/// `0` is a complete `rtnl_link_ops` whose operations are `Adapter::<T>`'s, built by
/// [`create_link_ops`] (the only constructor).
#[repr(transparent)]
pub struct Vtable<T: Operations>(Opaque<bindings::rtnl_link_ops>, PhantomData<T>);

// SAFETY: the ops are read by Rust only through `as_ptr`; the core writes `list` under RTNL
// (register, unregister). Nothing else is shared.
unsafe impl<T: Operations> Sync for Vtable<T> {}

/// Builds the `rtnl_link_ops` of kind `T`, for a `static`.
pub const fn create_link_ops<T: Operations>() -> Vtable<T> {
    const {
        assert!(T::KIND.as_bytes_with_nul().len() <= bindings::IFNAMSIZ as usize, "link kind name too long");
    };
    // INVARIANT: every operation is `Adapter::<T>`'s or the core's own unregister.
    Vtable(
        Opaque::new(bindings::rtnl_link_ops {
            kind: T::KIND.as_char_ptr(),
            validate: Some(Adapter::<T>::validate),
            // `ip link del` (and the kind's unregistration): the core unregisters the device
            // (what `rtnl_link_register` makes the default for kinds the core can create).
            dellink: Some(bindings::unregister_netdevice_queue),
            get_size: if T::HAS_INFO_SIZE { Some(Adapter::<T>::get_size) } else { None },
            fill_info: if T::HAS_FILL_INFO { Some(Adapter::<T>::fill_info) } else { None },
            // SAFETY: all-zero is a valid `rtnl_link_ops`: an empty `list` (the core
            // initialises it on registration), no `setup`/`alloc`/`newlink` (so the core
            // cannot create devices of the kind), no attribute policy (`maxtype` 0: nothing
            // is parsed, `validate` refuses), `None` for the other operations.
            ..unsafe { core::mem::MaybeUninit::<bindings::rtnl_link_ops>::zeroed().assume_init() }
        }),
        PhantomData,
    )
}

impl<T: Operations> Vtable<T> {
    /// The ops, for `net_device::rtnl_link_ops` of a device of the kind.
    pub fn as_ptr(&self) -> *const bindings::rtnl_link_ops {
        self.0.get()
    }
}

struct Adapter<T: Operations>(PhantomData<T>);

impl<T: Operations> Adapter<T> {
    /// # Safety
    /// Called by the core (RTNL held) for an `RTM_NEWLINK` request naming the kind, with a
    /// valid or null `extack`.
    unsafe extern "C" fn validate(
        _tb: *mut *mut bindings::nlattr,
        _data: *mut *mut bindings::nlattr,
        extack: *mut bindings::netlink_ext_ack,
    ) -> c_int {
        let msg = T::CREATE_REFUSED;
        // SAFETY: a NUL-terminated static string.
        unsafe { bindings::do_trace_netlink_extack(msg.as_char_ptr()) };
        if !extack.is_null() {
            // SAFETY: the core's extack of this request (function contract); the message is
            // static, so it outlives the reply built from it (`NL_SET_ERR_MSG`).
            unsafe { (*extack)._msg = msg.as_char_ptr() };
        }
        eopnotsupp().to_errno()
    }

    /// # Safety
    /// Called by the core for a device of the kind (its `rtnl_link_ops` are these).
    unsafe extern "C" fn get_size(dev: *const bindings::net_device) -> usize {
        // SAFETY: a valid device for the call (function contract).
        T::info_size(unsafe { NetDevice::from_raw(dev.cast_mut()) })
    }

    /// # Safety
    /// Called by the core for a device of the kind, with a message skb it is filling (inside
    /// the `IFLA_INFO_DATA` nest it opened).
    unsafe extern "C" fn fill_info(skb: *mut bindings::sk_buff, dev: *const bindings::net_device) -> c_int {
        // INVARIANT: the caller's message, being filled for the duration of the call.
        let mut msg = InfoMsg(skb, PhantomData);
        // SAFETY: a valid device for the call (function contract).
        match T::fill_info(unsafe { NetDevice::from_raw(dev.cast_mut()) }, &mut msg) {
            Ok(()) => 0,
            Err(e) => e.to_errno(),
        }
    }
}

/// A registered link kind; dropping it unregisters the kind, which deletes the devices of
/// the kind still registered (takes RTNL: the caller must not hold it).
///
/// # Invariants
/// `ops` is registered.
pub struct Registration<T: Operations> {
    ops: &'static Vtable<T>,
}

impl<T: Operations> Registration<T> {
    /// Registers the kind (`EEXIST` if another module has a kind of that name).
    pub fn register(ops: &'static Vtable<T>) -> Result<Self> {
        // SAFETY: a complete `rtnl_link_ops` (Vtable invariant) in a `static`, so it outlives
        // the registration, which drop undoes.
        let ret = unsafe { bindings::rtnl_link_register(ops.0.get()) };
        if ret < 0 {
            return Err(Error::from_errno(ret));
        }
        // INVARIANT: registered above.
        Ok(Registration { ops })
    }
}

impl<T: Operations> Drop for Registration<T> {
    fn drop(&mut self) {
        // SAFETY: registered (invariant); the core deletes the kind's remaining devices.
        unsafe { bindings::rtnl_link_unregister(self.ops.0.get()) };
    }
}
