// SPDX-License-Identifier: GPL-2.0
//! Synchronisation: RTNL, RCU (guards, published pointers, deferred freeing, an RCU hash
//! table), a BH-safe spinlock, and work items.

pub mod bhlock;
pub mod rcu;
pub mod rcuhash;
pub mod rtnl;
pub mod workqueue;
