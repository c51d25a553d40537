// SPDX-License-Identifier: GPL-2.0
//! Library part of `vswctl`: netlink client, output, commands. `main.rs` holds the clap tree.
//!
//! The netlink UAPI comes from the one shared definition, `vswitch/uapi.rs`.
#![forbid(unsafe_code)]

use std::fmt;
use std::io;

pub mod args;
pub mod argv;
pub mod batch;
pub mod cmd;
pub mod config;
pub mod errno;
pub mod generate;
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
    /// Input the command reads (a batch file) cannot be read, already worded.
    Input(String),
}

/// Exit status of a command line whose syntax is wrong (as clap's own errors) or that
/// could not be run at all (no module, unreadable batch file): `ip`'s 1.
pub const EXIT_USAGE: u8 = 1;
/// Exit status of a request the kernel refused: `ip`'s 2.
pub const EXIT_KERNEL: u8 = 2;

impl Error {
    /// The exit status this error ends `vswctl` with: [`EXIT_KERNEL`] for an error the
    /// kernel answered, [`EXIT_USAGE`] for everything else.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Netlink(netlink::Error::Kernel { .. }) => EXIT_KERNEL,
            _ => EXIT_USAGE,
        }
    }
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
            Error::Input(s) => f.write_str(s),
        }
    }
}
