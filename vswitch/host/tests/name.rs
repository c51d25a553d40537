// SPDX-License-Identifier: GPL-2.0
//! Switch and port names (`vswitch/name.rs`).

use vswitch_host::name::{Name, NameError};

#[test]
fn ordinary_names_are_kept_as_given() {
    for s in ["sw0", "vm1", "a", "eth0.10", "tap-vm_1", "abcdefghijklmno"] {
        assert_eq!(Name::new(s).unwrap().as_str(), s);
    }
}

#[test]
fn length_is_1_to_15_bytes() {
    assert_eq!(Name::new(""), Err(NameError::Length));
    assert_eq!(Name::new("abcdefghijklmnop"), Err(NameError::Length));
}

#[test]
fn templates_and_path_characters_are_refused() {
    for s in ["vm%d", "%", "a/b", "a:b", "a b", "a\tb", ".", "..", "a\u{7f}", "é"] {
        assert_eq!(Name::new(s), Err(NameError::Chars), "{s:?}");
    }
}

#[test]
fn dots_inside_a_name_are_fine() {
    assert!(Name::new("...").is_ok());
    assert!(Name::new("a.b").is_ok());
}

#[test]
fn nul_terminated_form_for_the_kernel() {
    assert_eq!(Name::new("vm1").unwrap().as_bytes_with_nul(), b"vm1\0");
}
