// SPDX-License-Identifier: GPL-2.0
//! Values that are one of a few words: `on`/`off`, and the UAPI enumerations (a `u8` per
//! word: VLAN mode, VMQ mode and backend, ACL direction and action, binding source).

use std::fmt;
use std::str::FromStr;

use super::Invalid;
use crate::uapi::{acl_action, acl_dir, binding_source, vlan_mode, vmq_backend, vmq_mode};

/// `on` or `off`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OnOff(pub bool);

impl FromStr for OnOff {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<Self, Invalid> {
        match s {
            "on" => Ok(OnOff(true)),
            "off" => Ok(OnOff(false)),
            _ => Err(Invalid::expected("on or off")),
        }
    }
}

impl fmt::Display for OnOff {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0 { "on" } else { "off" })
    }
}

/// The choices of an error: `a or b`, `a, b or c`.
fn choices(words: &[&str]) -> String {
    match words.split_last() {
        Some((last, [])) => (*last).to_string(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// A `u8` UAPI enumeration with a word per value. A value a newer module added is shown as
/// its number, so the output never fails on it.
macro_rules! uapi_words {
    ($(#[$doc:meta])* $name:ident { $($value:path => $word:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub struct $name(pub u8);

        impl $name {
            const WORDS: &'static [(u8, &'static str)] = &[$(($value, $word)),+];
        }

        impl FromStr for $name {
            type Err = Invalid;
            fn from_str(s: &str) -> Result<Self, Invalid> {
                Self::WORDS
                    .iter()
                    .find(|(_, w)| *w == s)
                    .map(|&(v, _)| $name(v))
                    .ok_or_else(|| {
                        let words: Vec<&str> = Self::WORDS.iter().map(|(_, w)| *w).collect();
                        Invalid::expected(choices(&words))
                    })
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match Self::WORDS.iter().find(|(v, _)| *v == self.0) {
                    Some((_, w)) => f.write_str(w),
                    None => write!(f, "{}", self.0),
                }
            }
        }
    };
}

uapi_words!(
    /// A port's VLAN mode (`mode access|trunk`).
    VlanMode { vlan_mode::ACCESS => "access", vlan_mode::TRUNK => "trunk" }
);

uapi_words!(
    /// A switch's VMQ mode (`vmq off|static|dynamic`).
    VmqMode { vmq_mode::OFF => "off", vmq_mode::STATIC => "static", vmq_mode::DYNAMIC => "dynamic" }
);

uapi_words!(
    /// What serves a switch's VMQ queues (shown only).
    VmqBackend {
        vmq_backend::NONE => "none",
        vmq_backend::HARDWARE => "hardware",
        vmq_backend::SOFTWARE => "software",
    }
);

uapi_words!(
    /// An ACL direction: `in` (from the port), `out` (toward it).
    AclDir { acl_dir::IN => "in", acl_dir::OUT => "out" }
);

uapi_words!(
    /// What an ACL rule or default does with a frame.
    AclAction { acl_action::ALLOW => "allow", acl_action::DENY => "deny" }
);

uapi_words!(
    /// Where an IP source guard binding comes from (shown only).
    BindingSource {
        binding_source::STATIC => "static",
        binding_source::DHCP => "dhcp",
        binding_source::DHCPV6 => "dhcpv6",
    }
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::args::parse;

    #[test]
    fn on_off() {
        assert_eq!(parse("skip-smt", "on"), Ok(OnOff(true)));
        assert_eq!(parse("skip-smt", "off"), Ok(OnOff(false)));
        assert_eq!(
            parse::<OnOff>("skip-smt", "yes").unwrap_err(),
            "invalid skip-smt \"yes\" (expected on or off)"
        );
        assert_eq!(
            (OnOff(true).to_string(), OnOff(false).to_string()),
            ("on".into(), "off".into())
        );
    }

    #[test]
    fn vlan_and_vmq_modes() {
        assert_eq!(parse("mode", "access"), Ok(VlanMode(vlan_mode::ACCESS)));
        assert_eq!(parse("mode", "trunk"), Ok(VlanMode(vlan_mode::TRUNK)));
        assert_eq!(
            parse::<VlanMode>("mode", "hybrid").unwrap_err(),
            "invalid mode \"hybrid\" (expected access or trunk)"
        );
        assert_eq!(VlanMode(vlan_mode::TRUNK).to_string(), "trunk");
        assert_eq!(VlanMode(3).to_string(), "3");
        assert_eq!(parse("vmq mode", "off"), Ok(VmqMode(vmq_mode::OFF)));
        assert_eq!(parse("vmq mode", "static"), Ok(VmqMode(vmq_mode::STATIC)));
        assert_eq!(parse("vmq mode", "dynamic"), Ok(VmqMode(vmq_mode::DYNAMIC)));
        assert_eq!(
            parse::<VmqMode>("vmq mode", "on").unwrap_err(),
            "invalid vmq mode \"on\" (expected off, static or dynamic)"
        );
        for m in [vmq_mode::OFF, vmq_mode::STATIC, vmq_mode::DYNAMIC] {
            assert_eq!(parse("vmq mode", &VmqMode(m).to_string()), Ok(VmqMode(m)));
        }
        assert_eq!(VmqMode(9).to_string(), "9");
        assert_eq!(VmqBackend(vmq_backend::NONE).to_string(), "none");
        assert_eq!(VmqBackend(vmq_backend::HARDWARE).to_string(), "hardware");
        assert_eq!(VmqBackend(vmq_backend::SOFTWARE).to_string(), "software");
        assert_eq!(VmqBackend(7).to_string(), "7");
    }

    #[test]
    fn acl_words() {
        assert_eq!(parse("direction", "in"), Ok(AclDir(acl_dir::IN)));
        assert_eq!(parse("direction", "out"), Ok(AclDir(acl_dir::OUT)));
        assert_eq!(
            parse::<AclDir>("direction", "both").unwrap_err(),
            "invalid direction \"both\" (expected in or out)"
        );
        assert_eq!(
            (
                AclDir(1).to_string(),
                AclDir(2).to_string(),
                AclDir(3).to_string()
            ),
            ("in".into(), "out".into(), "3".into())
        );
        assert_eq!("allow".parse(), Ok(AclAction(acl_action::ALLOW)));
        assert_eq!("deny".parse(), Ok(AclAction(acl_action::DENY)));
        assert!("drop".parse::<AclAction>().is_err());
        assert_eq!(AclAction(acl_action::DENY).to_string(), "deny");
        assert_eq!(AclAction(9).to_string(), "9");
    }

    #[test]
    fn binding_sources() {
        assert_eq!(BindingSource(binding_source::STATIC).to_string(), "static");
        assert_eq!(BindingSource(binding_source::DHCP).to_string(), "dhcp");
        assert_eq!(BindingSource(binding_source::DHCPV6).to_string(), "dhcpv6");
        assert_eq!(BindingSource(9).to_string(), "9");
        assert_eq!(choices(&["a", "b", "c"]), "a, b or c");
        assert_eq!(choices(&["a"]), "a");
    }
}
