// SPDX-License-Identifier: GPL-2.0
//! Error codes that the 6.12 `kernel::error::code` module does not declare.

use crate::bindings;
use kernel::error::Error;

macro_rules! errno_fns {
    ($($(#[$m:meta])* $f:ident = $e:ident;)*) => {$(
        $(#[$m])*
        pub fn $f() -> Error {
            Error::from_errno(-(bindings::$e as i32))
        }
    )*};
}

errno_fns! {
    /// Message too long (a reply did not fit).
    emsgsize = EMSGSIZE;
    /// Operation not supported (`EOPNOTSUPP`, as netlink uses it; not the NFS `ENOTSUPP`).
    eopnotsupp = EOPNOTSUPP;
    /// Too many levels of links: here, a port whose frames would loop back into its switch.
    eloop = ELOOP;
}
