// SPDX-License-Identifier: GPL-2.0
//! The nested `attr::STATS` counters of a switch or port: JSON object and `-s` text lines.

use serde::Serialize;

use crate::netlink::Attr;
use crate::uapi::{attr, stats};
use crate::view::{bad_reply, AttrView};
use crate::Error;

/// Counters; the six basic ones are always printed (0 if the kernel left one out), the
/// drop-reason ones only when the kernel sent them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Stats {
    pub rx_packets: u64,
    pub rx_bytes: u64,
    pub tx_packets: u64,
    pub tx_bytes: u64,
    pub rx_dropped: u64,
    pub tx_dropped: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub drop_vlan: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub learn_refused: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub drop_down: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub drop_malformed: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flooded: Option<u64>,
    /// Frames denied by an ACL rule or default.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub drop_acl: Option<u64>,
    /// Frames dropped by a rate limit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub drop_rate: Option<u64>,
    /// Port security: a source MAC not the port's, or a group/zero one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub drop_spoof: Option<u64>,
    /// VLAN tags the port does not take (S-tag, second tag, tag on an access port).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub drop_vlan_tag: Option<u64>,
    /// Link-local groups not in the switch's `group-fwd-mask`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub drop_link_local: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub drop_dhcp_guard: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub drop_router_guard: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub drop_ip_guard: Option<u64>,
    /// Flooded frames beyond the port's `storm-limit`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub drop_storm: Option<u64>,
    /// Source MACs not learned: the port has `mac-max` entries already.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub learn_refused_mac_max: Option<u64>,
}

impl Stats {
    /// `attr::STATS` of a reply, if present.
    pub fn from_reply(attrs: &[Attr]) -> Result<Option<Self>, Error> {
        AttrView::new(attrs)
            .get::<Vec<Attr>>(attr::STATS, "STATS")?
            .map(|kids| Self::from_counters(&kids))
            .transpose()
    }

    /// Decode the counters nested in `attr::STATS`. Unknown counters are ignored.
    fn from_counters(kids: &[Attr]) -> Result<Self, Error> {
        let mut s = Stats::default();
        for k in kids {
            let v = k.as_u64().map_err(|e| bad_reply("STATS counter", e))?;
            match k.kind() {
                stats::RX_PACKETS => s.rx_packets = v,
                stats::RX_BYTES => s.rx_bytes = v,
                stats::TX_PACKETS => s.tx_packets = v,
                stats::TX_BYTES => s.tx_bytes = v,
                stats::RX_DROPPED => s.rx_dropped = v,
                stats::TX_DROPPED => s.tx_dropped = v,
                stats::DROP_VLAN => s.drop_vlan = Some(v),
                stats::LEARN_REFUSED => s.learn_refused = Some(v),
                stats::DROP_DOWN => s.drop_down = Some(v),
                stats::DROP_MALFORMED => s.drop_malformed = Some(v),
                stats::FLOODED => s.flooded = Some(v),
                stats::DROP_ACL => s.drop_acl = Some(v),
                stats::DROP_RATE => s.drop_rate = Some(v),
                stats::DROP_SPOOF => s.drop_spoof = Some(v),
                stats::DROP_VLAN_TAG => s.drop_vlan_tag = Some(v),
                stats::DROP_LINK_LOCAL => s.drop_link_local = Some(v),
                stats::DROP_DHCP_GUARD => s.drop_dhcp_guard = Some(v),
                stats::DROP_ROUTER_GUARD => s.drop_router_guard = Some(v),
                stats::DROP_IP_GUARD => s.drop_ip_guard = Some(v),
                stats::DROP_STORM => s.drop_storm = Some(v),
                stats::LEARN_REFUSED_MAC_MAX => s.learn_refused_mac_max = Some(v),
                _ => {}
            }
        }
        Ok(s)
    }

    /// The `-s` lines, indented by four spaces:
    /// `    RX: packets N bytes N dropped N`, `    TX: ...`, then (if the kernel sent any)
    /// `    drop-vlan N learn-refused N drop-down N drop-malformed N flooded N drop-acl N
    /// drop-rate N` and the port security ones on a line of their own (too many for one):
    /// `    drop-spoof N drop-vlan-tag N drop-link-local N drop-dhcp-guard N
    /// drop-router-guard N drop-ip-guard N drop-storm N learn-refused-mac-max N` (each part
    /// only if sent).
    ///
    /// With `all` false (`-s`) a drop-reason counter at zero is left out; `-s -s` shows
    /// every counter the kernel sent.
    pub fn text_lines(&self, all: bool) -> Vec<String> {
        let mut lines = vec![
            format!(
                "    RX: packets {} bytes {} dropped {}",
                self.rx_packets, self.rx_bytes, self.rx_dropped
            ),
            format!(
                "    TX: packets {} bytes {} dropped {}",
                self.tx_packets, self.tx_bytes, self.tx_dropped
            ),
        ];
        let groups = [
            vec![
                ("drop-vlan", self.drop_vlan),
                ("learn-refused", self.learn_refused),
                ("drop-down", self.drop_down),
                ("drop-malformed", self.drop_malformed),
                ("flooded", self.flooded),
                ("drop-acl", self.drop_acl),
                ("drop-rate", self.drop_rate),
            ],
            vec![
                ("drop-spoof", self.drop_spoof),
                ("drop-vlan-tag", self.drop_vlan_tag),
                ("drop-link-local", self.drop_link_local),
                ("drop-dhcp-guard", self.drop_dhcp_guard),
                ("drop-router-guard", self.drop_router_guard),
                ("drop-ip-guard", self.drop_ip_guard),
                ("drop-storm", self.drop_storm),
                ("learn-refused-mac-max", self.learn_refused_mac_max),
            ],
        ];
        for group in groups {
            let parts: Vec<String> = group
                .iter()
                .filter_map(|(k, v)| v.filter(|&v| all || v != 0).map(|v| format!("{k} {v}")))
                .collect();
            if !parts.is_empty() {
                lines.push(format!("    {}", parts.join(" ")));
            }
        }
        lines
    }
}

/// The `show` lines of one object: `NAME: BODY` (or `NAME:`), then at stats `level` 1
/// (`-s`) or 2 (`-s -s`, every counter) its stats lines.
pub fn object_lines(name: &str, body: &str, stats: Option<&Stats>, level: u8) -> Vec<String> {
    let mut lines = vec![if body.is_empty() {
        format!("{name}:")
    } else {
        format!("{name}: {body}")
    }];
    if level > 0 {
        if let Some(s) = stats {
            lines.extend(s.text_lines(level > 1));
        }
    }
    lines
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Decode one `attr::STATS` attribute.
    fn from_nested(a: &Attr) -> Result<Stats, Error> {
        Ok(Stats::from_reply(std::slice::from_ref(a))?.expect("a STATS attribute"))
    }

    /// A STATS attribute with every counter `i` set to `base + i` (with `extras`: up to
    /// `FLOODED`, the counters of a module without ACL/QoS).
    pub(crate) fn sample_stats(base: u64, extras: bool) -> Attr {
        let last = if extras {
            stats::FLOODED
        } else {
            stats::TX_DROPPED
        };
        let kids: Vec<Attr> = (1..=last)
            .map(|i| Attr::u64(i, base + u64::from(i)))
            .collect();
        Attr::nested(attr::STATS, &kids).unwrap()
    }

    #[test]
    fn decode_and_text() {
        let s = from_nested(&sample_stats(0, false)).unwrap();
        assert_eq!(
            s.text_lines(true),
            [
                "    RX: packets 1 bytes 2 dropped 5",
                "    TX: packets 3 bytes 4 dropped 6"
            ]
        );
        assert_eq!(
            crate::output::to_json(&s).unwrap(),
            r#"{"rx_packets":1,"rx_bytes":2,"tx_packets":3,"tx_bytes":4,"rx_dropped":5,"tx_dropped":6}"#
        );
        let s = from_nested(&sample_stats(100, true)).unwrap();
        assert_eq!(
            s.text_lines(true)[2],
            "    drop-vlan 107 learn-refused 108 drop-down 109 drop-malformed 110 flooded 111"
        );
        let j = crate::output::to_json(&s).unwrap();
        assert!(j.ends_with(r#""drop_vlan":107,"learn_refused":108,"drop_down":109,"drop_malformed":110,"flooded":111}"#), "{j}");
    }

    #[test]
    fn acl_and_rate_drops() {
        let kids: Vec<Attr> = (1..=stats::DROP_RATE)
            .map(|i| Attr::u64(i, 100 + u64::from(i)))
            .collect();
        let s = from_nested(&Attr::nested(attr::STATS, &kids).unwrap()).unwrap();
        assert_eq!((s.drop_acl, s.drop_rate), (Some(112), Some(113)));
        assert_eq!(
            s.text_lines(true)[2],
            "    drop-vlan 107 learn-refused 108 drop-down 109 drop-malformed 110 flooded 111 drop-acl 112 drop-rate 113"
        );
        let j = crate::output::to_json(&s).unwrap();
        assert!(
            j.ends_with(r#""flooded":111,"drop_acl":112,"drop_rate":113}"#),
            "{j}"
        );
        // Only one of them sent: only that one shown.
        let kids = [
            Attr::u64(stats::RX_PACKETS, 1),
            Attr::u64(stats::DROP_RATE, 4),
        ];
        let s = from_nested(&Attr::nested(attr::STATS, &kids).unwrap()).unwrap();
        assert_eq!(s.text_lines(true)[2], "    drop-rate 4");
        let j = crate::output::to_json(&s).unwrap();
        assert!(j.ends_with(r#""tx_dropped":0,"drop_rate":4}"#), "{j}");
    }

    #[test]
    fn security_drops() {
        let kids: Vec<Attr> = (1..=stats::MAX)
            .map(|i| Attr::u64(i, 100 + u64::from(i)))
            .collect();
        let s = from_nested(&Attr::nested(attr::STATS, &kids).unwrap()).unwrap();
        assert_eq!(
            s.text_lines(true)[2..],
            [
                "    drop-vlan 107 learn-refused 108 drop-down 109 drop-malformed 110 flooded 111 drop-acl 112 drop-rate 113",
                "    drop-spoof 114 drop-vlan-tag 115 drop-link-local 116 drop-dhcp-guard 117 drop-router-guard 118 drop-ip-guard 119 drop-storm 120 learn-refused-mac-max 121"
            ]
        );
        let j = crate::output::to_json(&s).unwrap();
        assert!(
            j.ends_with(concat!(
                r#""drop_rate":113,"drop_spoof":114,"drop_vlan_tag":115,"drop_link_local":116,"#,
                r#""drop_dhcp_guard":117,"drop_router_guard":118,"drop_ip_guard":119,"drop_storm":120,"#,
                r#""learn_refused_mac_max":121}"#
            )),
            "{j}"
        );
        // Only security ones sent: only their line, only those parts.
        let kids = [
            Attr::u64(stats::RX_PACKETS, 1),
            Attr::u64(stats::DROP_SPOOF, 4),
            Attr::u64(stats::LEARN_REFUSED_MAC_MAX, 0),
        ];
        let s = from_nested(&Attr::nested(attr::STATS, &kids).unwrap()).unwrap();
        assert_eq!(
            s.text_lines(true)[2..],
            ["    drop-spoof 4 learn-refused-mac-max 0"]
        );
        let j = crate::output::to_json(&s).unwrap();
        assert!(
            j.ends_with(r#""tx_dropped":0,"drop_spoof":4,"learn_refused_mac_max":0}"#),
            "{j}"
        );
    }

    /// `-s` leaves the drop reasons at zero out (a group with none left: no line);
    /// `-s -s` shows them all.
    #[test]
    fn detail_levels() {
        let kids = [
            Attr::u64(stats::RX_PACKETS, 1),
            Attr::u64(stats::DROP_VLAN, 0),
            Attr::u64(stats::DROP_ACL, 3),
            Attr::u64(stats::DROP_SPOOF, 0),
        ];
        let s = from_nested(&Attr::nested(attr::STATS, &kids).unwrap()).unwrap();
        assert_eq!(s.text_lines(false)[2..], ["    drop-acl 3"]);
        assert_eq!(
            s.text_lines(true)[2..],
            ["    drop-vlan 0 drop-acl 3", "    drop-spoof 0"]
        );
        // The RX/TX lines always, zeros or not.
        assert_eq!(Stats::default().text_lines(false).len(), 2);
        assert_eq!(object_lines("p", "", Some(&s), 0), ["p:"]);
        assert_eq!(object_lines("p", "x", Some(&s), 1).len(), 4);
        assert_eq!(object_lines("p", "x", Some(&s), 2).len(), 5);
    }

    #[test]
    fn bad_counter_and_unknown_kind() {
        let a = Attr::nested(attr::STATS, &[Attr::u32(stats::RX_PACKETS, 1)]).unwrap();
        assert!(from_nested(&a).is_err());
        let a = Attr::nested(attr::STATS, &[Attr::u64(99, 1)]).unwrap();
        assert_eq!(from_nested(&a).unwrap(), Stats::default());
        assert_eq!(Stats::from_reply(&[]).unwrap(), None);
        // A malformed nest or counter: the bad-reply error naming it.
        let bad = |a: Attr| from_nested(&a).unwrap_err().to_string();
        assert!(bad(Attr::bytes(attr::STATS, vec![8, 0, 1]))
            .starts_with("kernel reply has a bad STATS attribute: malformed nested attributes"));
        assert_eq!(
            bad(Attr::nested(attr::STATS, &[Attr::u32(stats::RX_PACKETS, 1)]).unwrap()),
            "kernel reply has a bad STATS counter attribute: attribute 1: expected 8 bytes, got 4"
        );
    }
}
