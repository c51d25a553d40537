// SPDX-License-Identifier: GPL-2.0
//! One module per object/command of the CLI (`version`, `raw`, `switch`, `port`, `fdb`,
//! `vmq`, `acl` (`acl_flush` its flush), `monitor`; `apply` is `dump`, `diff` and `apply`;
//! `irqs` is `port show PORT irqs`, `bindings` is `port show PORT bindings`; `security` holds
//! the port security words of `port`).
//!
//! Object commands are split in two steps so that both can be unit-tested without a kernel:
//! the command line is turned into a [`Request`] (command, attributes, doit or dump) before
//! any socket is opened, and the reply attributes are decoded (through
//! [`crate::view::AttrView`]) into plain structs that know their text and JSON forms.

pub mod acl;
pub mod acl_flush;
pub mod apply;
pub mod bindings;
pub mod fdb;
pub mod irqs;
pub mod monitor;
pub mod port;
pub mod raw;
pub mod security;
pub mod stats;
pub mod switch;
pub mod version;
pub mod vmq;

use crate::netlink::{Attr, Client, Message};
use crate::Error;

/// One generic netlink request of the family, built from the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub cmd: u8,
    pub attrs: Vec<Attr>,
    /// `NLM_F_DUMP` instead of a doit with `NLM_F_ACK`.
    pub dump: bool,
}

impl Request {
    pub fn doit(cmd: u8, attrs: Vec<Attr>) -> Self {
        Request {
            cmd,
            attrs,
            dump: false,
        }
    }
    pub fn dump(cmd: u8, attrs: Vec<Attr>) -> Self {
        Request {
            cmd,
            attrs,
            dump: true,
        }
    }

    /// Send it and collect the reply messages.
    pub fn send(&self, client: &Client) -> Result<Vec<Message>, Error> {
        Ok(if self.dump {
            client.dump(self.cmd, &self.attrs)?
        } else {
            client.transact(self.cmd, &self.attrs)?
        })
    }
}

/// Run a request that only expects an ACK (add/set/del): nothing is printed on success.
pub fn run_change(req: Result<Request, String>) -> Result<(), Error> {
    let req = req.map_err(Error::Usage)?;
    let client = Client::connect()?;
    req.send(&client)?;
    Ok(())
}

/// A flag attribute (zero-length payload).
pub fn flag(ty: u16) -> Attr {
    Attr::bytes(ty, Vec::new())
}
