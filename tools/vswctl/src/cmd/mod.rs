// SPDX-License-Identifier: GPL-2.0
//! One module per object/command of the CLI (`version`, `raw`, later `switch`, `port`, ...).

pub mod raw;
pub mod version;
