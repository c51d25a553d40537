// SPDX-License-Identifier: GPL-2.0
//! Errno names and texts for the error line `vswctl: <text> (<NAME>)`.
//!
//! Names come from `nix::errno::Errno`. Texts stay the C library's `strerror` (what every
//! other tool prints): nix's own descriptions are the kernel header comments, which differ
//! for common errnos (EOPNOTSUPP "Operation not supported on transport endpoint", EAGAIN
//! "Try again", ERANGE "Math result not representable").

use nix::errno::Errno;

/// Kernel-internal "operation not supported" (`include/linux/errno.h`): not in libc, so
/// neither nix nor `strerror` know it.
pub const ENOTSUPP: i32 = 524;

/// The symbolic name of a (positive) errno, e.g. `EPERM`, or `errno N` if unknown.
pub fn name(errno: i32) -> String {
    if errno == ENOTSUPP {
        return "ENOTSUPP".to_string();
    }
    match Errno::from_raw(errno) {
        Errno::UnknownErrno => format!("errno {errno}"),
        // The variant's name; nix's own Display starts with it the same way.
        e => format!("{e:?}"),
    }
}

/// The strerror text of a (positive) errno, e.g. "Operation not permitted".
pub fn text(errno: i32) -> String {
    if errno == ENOTSUPP {
        return "Operation not supported".to_string();
    }
    let s = std::io::Error::from_raw_os_error(errno).to_string();
    // std appends " (os error N)"; the name is printed by the caller instead.
    match s.rfind(" (os error ") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(name(1), "EPERM");
        assert_eq!(name(2), "ENOENT");
        assert_eq!(name(17), "EEXIST");
        assert_eq!(name(22), "EINVAL");
        assert_eq!(name(95), "EOPNOTSUPP");
        assert_eq!(name(19), "ENODEV");
        assert_eq!(name(16), "EBUSY");
        assert_eq!(name(34), "ERANGE");
        assert_eq!(name(28), "ENOSPC");
        assert_eq!(name(90), "EMSGSIZE");
        assert_eq!(name(97), "EAFNOSUPPORT");
        assert_eq!(name(93), "EPROTONOSUPPORT");
        assert_eq!(name(524), "ENOTSUPP");
        assert_eq!(name(7), "E2BIG");
        assert_eq!(name(12), "ENOMEM");
        assert_eq!(name(13), "EACCES");
        assert_eq!(name(4242), "errno 4242");
    }

    /// The rest of the names the hand-written table had (aliases resolve to the first name
    /// of the kernel headers: EAGAIN, not EWOULDBLOCK), and errnos it did not have.
    #[test]
    fn names_of_the_old_table() {
        for (n, s) in [
            (libc::ESRCH, "ESRCH"),
            (libc::EINTR, "EINTR"),
            (libc::EIO, "EIO"),
            (libc::ENXIO, "ENXIO"),
            (libc::EAGAIN, "EAGAIN"),
            (libc::EFAULT, "EFAULT"),
            (libc::ENOTEMPTY, "ENOTEMPTY"),
            (libc::ELOOP, "ELOOP"),
            (libc::EADDRINUSE, "EADDRINUSE"),
            (libc::EADDRNOTAVAIL, "EADDRNOTAVAIL"),
            (libc::ENETDOWN, "ENETDOWN"),
            (libc::ENOBUFS, "ENOBUFS"),
            (libc::ETIMEDOUT, "ETIMEDOUT"),
            (libc::EDEADLK, "EDEADLK"),
            (libc::ENOTCONN, "ENOTCONN"),
        ] {
            assert_eq!(name(n), s);
        }
        assert_eq!(name(0), "errno 0");
        assert_eq!(name(-1), "errno -1");
    }

    #[test]
    fn texts() {
        assert_eq!(text(libc::EPERM), "Operation not permitted");
        assert_eq!(text(libc::ENOENT), "No such file or directory");
        assert_eq!(text(ENOTSUPP), "Operation not supported");
        assert!(!text(libc::EINVAL).contains("os error"));
        // strerror's, not nix's descriptions.
        assert_eq!(text(libc::EOPNOTSUPP), "Operation not supported");
        assert_eq!(text(libc::EAGAIN), "Resource temporarily unavailable");
    }
}
