// SPDX-License-Identifier: GPL-2.0
//! Errno names and texts for the error line `vswctl: <text> (<NAME>)`.

/// Kernel-internal "operation not supported" (`include/linux/errno.h`); not in libc.
pub const ENOTSUPP: i32 = 524;

/// The errnos a vswitch operation is expected to return, by name.
const NAMES: &[(i32, &str)] = &[
    (libc::EPERM, "EPERM"),
    (libc::ENOENT, "ENOENT"),
    (libc::ESRCH, "ESRCH"),
    (libc::EINTR, "EINTR"),
    (libc::EIO, "EIO"),
    (libc::ENXIO, "ENXIO"),
    (libc::E2BIG, "E2BIG"),
    (libc::EAGAIN, "EAGAIN"),
    (libc::ENOMEM, "ENOMEM"),
    (libc::EACCES, "EACCES"),
    (libc::EFAULT, "EFAULT"),
    (libc::EBUSY, "EBUSY"),
    (libc::EEXIST, "EEXIST"),
    (libc::ENODEV, "ENODEV"),
    (libc::EINVAL, "EINVAL"),
    (libc::ENOSPC, "ENOSPC"),
    (libc::ERANGE, "ERANGE"),
    (libc::ENOTEMPTY, "ENOTEMPTY"),
    (libc::ELOOP, "ELOOP"),
    (libc::EMSGSIZE, "EMSGSIZE"),
    (libc::EPROTONOSUPPORT, "EPROTONOSUPPORT"),
    (libc::EOPNOTSUPP, "EOPNOTSUPP"),
    (libc::EAFNOSUPPORT, "EAFNOSUPPORT"),
    (libc::EADDRINUSE, "EADDRINUSE"),
    (libc::EADDRNOTAVAIL, "EADDRNOTAVAIL"),
    (libc::ENETDOWN, "ENETDOWN"),
    (libc::ENOBUFS, "ENOBUFS"),
    (libc::ETIMEDOUT, "ETIMEDOUT"),
    (ENOTSUPP, "ENOTSUPP"),
];

/// The symbolic name of a (positive) errno, e.g. `EPERM`, or `errno N` if unknown.
pub fn name(errno: i32) -> String {
    NAMES
        .iter()
        .find(|(n, _)| *n == errno)
        .map(|(_, s)| (*s).to_string())
        .unwrap_or_else(|| format!("errno {errno}"))
}

/// The strerror text of a (positive) errno, e.g. "Operation not permitted".
pub fn text(errno: i32) -> String {
    if errno == ENOTSUPP {
        // libc has no text for the kernel-internal value.
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

    #[test]
    fn texts() {
        assert_eq!(text(libc::EPERM), "Operation not permitted");
        assert_eq!(text(libc::ENOENT), "No such file or directory");
        assert_eq!(text(ENOTSUPP), "Operation not supported");
        assert!(!text(libc::EINVAL).contains("os error"));
    }
}
