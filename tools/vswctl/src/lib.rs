// SPDX-License-Identifier: GPL-2.0
//! Library part of `vswctl`: netlink client, output, commands. `main.rs` holds the clap tree.
//!
//! The netlink UAPI comes from the one shared definition, `vswitch/uapi.rs`.
#![forbid(unsafe_code)]

use std::fmt;
use std::io;

pub mod args;
pub mod cmd;
pub mod config;
pub mod errno;
#[path = "../../../vswitch/mac.rs"]
pub mod mac;
pub mod netlink;
pub mod output;
#[path = "../../../vswitch/uapi.rs"]
pub mod uapi;
pub mod value;
pub mod view;
#[path = "../../../vswitch/vlan.rs"]
pub mod vlan;
#[cfg(test)]
#[path = "../../../vswitch/wfq.rs"]
mod wfq;
pub mod words;

/// Error of a command: bad command line, from the kernel/netlink layer or from writing the
/// output.
#[derive(Debug)]
pub enum Error {
    /// Invalid arguments (unknown keyword, missing or bad value), already worded.
    Usage(String),
    Netlink(netlink::Error),
    Io(io::Error),
}

impl From<netlink::Error> for Error {
    fn from(e: netlink::Error) -> Self {
        Error::Netlink(e)
    }
}

impl From<io::Error> for Error {
    fn from(e: io::Error) -> Self {
        Error::Io(e)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Usage(s) => f.write_str(s),
            Error::Netlink(e) => write!(f, "{e}"),
            Error::Io(e) => write!(f, "cannot write output: {e}"),
        }
    }
}
