// SPDX-License-Identifier: GPL-2.0
//! `.modinfo` entries the 6.12 `module!` macro has no field for: `version` (C's
//! `MODULE_VERSION`), so `modinfo vswitch` and `/sys/module/vswitch/version` show the release
//! version `vswctl version` reports (`uapi::VERSION`, one source for both).
//!
//! The entry has the shape the macro gives its own fields for a loadable module: a
//! NUL-terminated `key=value` string in the `.modinfo` section, which modpost, `modinfo` and
//! the module loader read. (Built-in, the key would need the `vswitch.` prefix; the module is
//! only ever built out of tree, hence `cfg(MODULE)`.)

use crate::uapi::VERSION;

/// `key` + `value` + NUL as a byte array of exactly `N` bytes, at compile time (the `.modinfo`
/// static needs an array, and `VERSION` is a `&str` constant). `N` other than the entry's
/// length stops the build.
const fn entry<const N: usize>(key: &[u8], value: &[u8]) -> [u8; N] {
    assert!(N == key.len() + value.len() + 1, "modinfo entry length");
    let mut out = [0u8; N];
    let mut i = 0;
    while i < key.len() {
        out[i] = key[i];
        i += 1;
    }
    let mut j = 0;
    while j < value.len() {
        out[i + j] = value[j];
        j += 1;
    }
    out
}

const VERSION_KEY: &[u8] = b"version=";
const VERSION_LEN: usize = VERSION_KEY.len() + VERSION.len() + 1;

/// `version=<VERSION>\0` (what `MODULE_VERSION(VERSION)` emits in C).
#[cfg(MODULE)]
#[doc(hidden)]
#[link_section = ".modinfo"]
#[used]
static VSWITCH_MODINFO_VERSION: [u8; VERSION_LEN] = entry(VERSION_KEY, VERSION.as_bytes());
