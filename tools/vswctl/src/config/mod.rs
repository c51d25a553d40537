// SPDX-License-Identifier: GPL-2.0
//! Desired state: the configuration document (`vswctl dump`, `apply`, `diff`).
//!
//! [`doc`] is the schema and its checks, [`running`] reads the running state into a
//! document, [`plan`] computes the steps from one to the other; `cmd::apply` runs them.

pub mod doc;
pub mod plan;
pub mod running;

#[cfg(test)]
mod tests;
