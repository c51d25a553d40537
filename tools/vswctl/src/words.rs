// SPDX-License-Identifier: GPL-2.0
//! The command-line word of each request attribute, to name the attribute a kernel error
//! points at (`vswctl: weight: integer out of range, allowed 1..100 (ERANGE)`).
//!
//! One table over every attribute of `uapi::attr`: its UAPI name and, if the user gives it
//! with a keyword, that keyword. Attributes without one (reply-only ones, or any sent with
//! `vswctl raw`) are named by their UAPI name. A VMQ setting is named by its word after
//! `vmq MODE` (`interval`; `vmq-interval` is the same setting).

use crate::uapi::attr;

/// `(attribute, UAPI name, word)`, by attribute number.
macro_rules! table {
    ($($name:ident $(=> $word:literal)?,)*) => {
        const ATTRS: &[(u16, &str, Option<&str>)] = &[
            $((attr::$name, stringify!($name), table!(@word $($word)?)),)*
        ];
    };
    (@word) => { None };
    (@word $word:literal) => { Some($word) };
}

table! {
    VERSION,
    FAMILY_VERSION,
    SWITCH => "switch",
    UPLINK => "uplink",
    NO_UPLINK => "nouplink",
    AGEING => "ageing",
    FDB_MAX => "fdb-max",
    PORT => "port",
    MAC => "mac",
    MTU => "mtu",
    VLAN_MODE => "mode",
    PVID => "pvid",
    VLANS => "vlans",
    NATIVE => "native",
    VLAN => "vlan",
    STATIC => "static",
    FORCE => "force",
    STATS,
    IFINDEX,
    AGE,
    FDB_COUNT,
    CARRIER,
    VMQ_MODE => "vmq",
    VMQ_LOW => "low",
    VMQ_HIGH => "high",
    VMQ_INTERVAL => "interval",
    VMQ_BASE_CPU => "base-cpu",
    VMQ_MAX_CPUS => "max-cpus",
    VMQ_MAX_QUEUES => "max-queues",
    VMQ_SKIP_SMT => "skip-smt",
    VMQ_BACKEND,
    QUEUE,
    IRQ,
    CPU,
    HOME_CPU,
    PPS,
    LOAD,
    MOVES,
    FROM_CPU,
    VMQ_RINGS,
    VMQ_SOFTWARE => "software",
    SRIOV => "sriov",
    SRIOV_TOTAL,
    VF => "vf",
    PCI,
    VF_DEV,
    IRQ_ENTRY,
    REMAPPED,
    DRIVER,
    MSIX,
    SPOOFCHK,
    TRUST,
    DIR => "in|out",
    PRIO => "prio",
    ACTION => "allow|deny",
    SRC_MAC => "src-mac",
    DST_MAC => "dst-mac",
    ETHERTYPE => "proto",
    SRC_IP => "src",
    SRC_PLEN => "src",
    DST_IP => "dst",
    DST_PLEN => "dst",
    IP_PROTO => "ip-proto",
    SPORT_MIN => "sport",
    SPORT_MAX => "sport",
    DPORT_MIN => "dport",
    DPORT_MAX => "dport",
    HITS,
    DEFAULT,
    RATE_IN => "rate-in",
    RATE_OUT => "rate-out",
    BURST => "burst",
    WEIGHT => "weight",
    UPLINK_QDISC,
    IFNAME,
    MAC_SPOOF => "mac-spoof",
    DHCP_GUARD => "dhcp-guard",
    ROUTER_GUARD => "router-guard",
    IP_GUARD => "ip-guard",
    TRUSTED => "trusted",
    IP_ALLOW => "ip-allow",
    MAC_MAX => "mac-max",
    STORM_LIMIT => "storm-limit",
    GROUP_FWD_MASK => "group-fwd-mask",
    BINDING,
    DEV => "dev",
    LINK => "link",
}

/// The keyword that gives attribute `kind`, if the command line has one.
pub fn attr_word(kind: u16) -> Option<&'static str> {
    ATTRS.iter().find(|(k, _, _)| *k == kind).and_then(|e| e.2)
}

/// How an error names attribute `kind`: its keyword (`weight`), else its UAPI name
/// (`VMQ_BACKEND`), else `attribute N`.
pub fn attr_name(kind: u16) -> String {
    match ATTRS.iter().find(|(k, _, _)| *k == kind) {
        Some((_, _, Some(word))) => (*word).to_string(),
        Some((_, name, None)) => (*name).to_string(),
        None => format!("attribute {kind}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cmd;

    /// Every attribute of the UAPI is in the table, once, in order (a new attribute fails
    /// here until it is named).
    #[test]
    fn table_covers_the_uapi() {
        let kinds: Vec<u16> = ATTRS.iter().map(|e| e.0).collect();
        assert_eq!(kinds, (1..=attr::MAX).collect::<Vec<_>>());
    }

    #[test]
    fn names() {
        assert_eq!(attr_name(attr::WEIGHT), "weight");
        assert_eq!(attr_name(attr::VMQ_INTERVAL), "interval");
        assert_eq!(attr_name(attr::PVID), "pvid");
        assert_eq!(attr_name(attr::GROUP_FWD_MASK), "group-fwd-mask");
        assert_eq!(attr_name(attr::VMQ_BACKEND), "VMQ_BACKEND");
        assert_eq!(attr_name(attr::UNSPEC), "attribute 0");
        assert_eq!(
            attr_name(attr::MAX + 1),
            format!("attribute {}", attr::MAX + 1)
        );
        assert_eq!(attr_word(attr::AGEING), Some("ageing"));
        assert_eq!(attr_word(attr::STATS), None);
    }

    /// Each word is one the syntax lines teach (the `|` ones are alternatives, the VMQ
    /// settings are given after `vmq MODE`).
    #[test]
    fn words_are_keywords() {
        let usage = [
            cmd::switch::ADD_USAGE,
            cmd::switch::SET_USAGE,
            cmd::switch::DEL_USAGE,
            cmd::port::ADD_USAGE,
            cmd::port::SET_USAGE,
            cmd::fdb::ADD_USAGE,
            cmd::fdb::FLUSH_USAGE,
            cmd::acl::ADD_USAGE,
        ]
        .join(" ");
        let tokens: Vec<&str> = usage
            .split(|c: char| c.is_whitespace() || "[]():;,\"".contains(c))
            .collect();
        for (_, name, word) in ATTRS {
            let Some(word) = word else { continue };
            let found = tokens.iter().any(|t| t == word)
                || word
                    .split('|')
                    .all(|w| tokens.iter().any(|t| t.split('|').any(|x| x == w)));
            assert!(found, "{name}: \"{word}\" is not in the syntax lines");
        }
    }
}
