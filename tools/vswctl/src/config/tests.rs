// SPDX-License-Identifier: GPL-2.0
//! The document (parsing, checks), the running state as a document and the plan, without a
//! kernel.

use super::doc::{Doc, Word};
use super::plan::{plan, rollback, text, Step};
use super::running;
use crate::cmd::acl::AclEntry;
use crate::cmd::fdb::FdbEntry;
use crate::cmd::port::PortInfo;
use crate::cmd::security::{Guards, Security};
use crate::cmd::switch::SwitchInfo;
use crate::value::IpAllow;

const YAML: &str = "\
switches:
- name: sw0
  uplink: eth0
  ageing: 300
  group-fwd-mask: 0x4000
  vmq:
    mode: dynamic
    low: 10
    high: 70
  ports:
  - name: vp1
    mac: 02:00:00:00:00:0A
    mtu: 1500
    mode: access
    pvid: 10
    rate-in: 100000000
    ip-allow: [2001:db8::5, 10.0.0.5]
    acl:
      in:
        default: deny
        rules:
        - prio: 20
          dst-mac: 02:00:00:00:00:09
          action: allow
        - prio: 10
          proto: ipv4
          src: 10.0.0.0/24
          ip-proto: tcp
          dport: 80
          action: deny
  - name: vp2
    mode: trunk
    vlans: 10,20,30-40
    native: none
  - name: vf0
    vf: 0
    mac: 02:00:00:00:00:0b
    mode: access
    pvid: 5
    mac-spoof: true
  fdb:
  - mac: 02:00:00:00:01:01
    vlan: 10
    port: vp1
- name: sw1
";

fn doc(text: &str) -> Doc {
    let mut d = Doc::parse(text).unwrap_or_else(|e| panic!("{e}"));
    d.normalize().unwrap_or_else(|e| panic!("{e}"));
    d
}

fn lines(steps: &[Step]) -> Vec<String> {
    steps.iter().map(Step::text).collect()
}

#[test]
fn yaml_and_json_are_one_schema() {
    let y = doc(YAML);
    let json = serde_json::to_string_pretty(&y).unwrap();
    assert!(json.starts_with('{'));
    assert_eq!(doc(&json), y);
    // And YAML out, YAML in.
    assert_eq!(doc(&y.to_yaml()), y);
    assert_eq!(doc(""), Doc::default());
}

#[test]
fn values_are_checked_and_canonical() {
    let d = doc(YAML);
    let p = &d.switches[0].ports[0];
    assert_eq!(p.mac, Some(Word("02:00:00:00:00:0a".into())));
    assert_eq!(p.rate_in, Some(Word("100mbit".into())));
    assert_eq!(
        p.ip_allow,
        Some(vec![Word("10.0.0.5".into()), Word("2001:db8::5".into())])
    );
    let rules = &p.acl.as_ref().unwrap().in_.as_ref().unwrap().rules;
    assert_eq!(rules.iter().map(|r| r.prio).collect::<Vec<_>>(), [10, 20]);
    assert_eq!(rules[0].ip_proto, Some(Word("tcp".into())));
    assert_eq!(rules[0].dport, Some(Word("80".into())));
    assert_eq!(d.switches[0].group_fwd_mask, Some(Word("0x4000".into())));
    assert_eq!(d.switches[0].ports[1].native, Some(Word("none".into())));
}

#[test]
fn unknown_keys_name_key_and_line() {
    let e = Doc::parse("switches:\n- name: sw0\n  ageing-time: 5\n").unwrap_err();
    assert!(e.contains("ageing-time") && e.contains("line 3"), "{e}");
    assert!(e.contains("switches[0]"), "{e}");
    let e = Doc::parse("{\"switches\": [\n {\"name\": \"sw0\",\n  \"speed\": 1}]}").unwrap_err();
    assert!(e.contains("speed") && e.contains("line 3"), "{e}");
    let e =
        Doc::parse("switches:\n- name: sw0\n  ports:\n  - name: p\n    mtu: big\n").unwrap_err();
    assert!(e.contains("line 5") && e.contains("mtu"), "{e}");
    let e = Doc::parse("switchs: []\n").unwrap_err();
    assert!(e.contains("switchs"), "{e}");
}

fn bad(text: &str) -> String {
    let mut d = Doc::parse(text).unwrap_or_else(|e| panic!("{e}"));
    d.normalize().unwrap_err()
}

#[test]
fn checks_name_object_and_key() {
    let sw = "switches:\n- name: sw0\n  ports:\n  - name: p1\n";
    let e = bad(&format!("{sw}    mac: zz\n"));
    assert!(
        e.starts_with("switch sw0, port p1: mac: invalid MAC address \"zz\""),
        "{e}"
    );
    let e = bad(&format!("{sw}    rate-in: fast\n"));
    assert!(
        e.contains("port p1") && e.contains("rate-in \"fast\""),
        "{e}"
    );
    let e = bad(&format!("{sw}    mode: access\n"));
    assert!(e.contains("needs \"pvid\""), "{e}");
    let e = bad(&format!("{sw}    pvid: 5\n"));
    assert!(e.contains("need \"mode\""), "{e}");
    let e = bad(&format!("{sw}    vf: 1\n    weight: 3\n"));
    assert!(e.contains("\"weight\" is not valid for a VF port"), "{e}");
    let e = bad(&format!(
        "{sw}  fdb:\n  - mac: 02:00:00:00:00:01\n    port: p9\n"
    ));
    assert!(e.contains("fdb[0]") && e.contains("p9"), "{e}");
    let e = bad(&format!("{sw}  - name: p1\n"));
    assert!(e.contains("port p1: listed more than once"), "{e}");
    let e = bad(&format!(
        "{sw}    acl:\n      in:\n        rules:\n        - prio: 1\n          action: drop\n"
    ));
    assert!(
        e.contains("acl in, rule prio 1") && e.contains("action"),
        "{e}"
    );
    let e = bad("switches:\n- name: sw0\n  vmq:\n    low: 50\n    high: 40\n");
    assert!(
        e.contains("vmq low (50) must be below vmq high (40)"),
        "{e}"
    );
    let e = bad("switches:\n- name: sw0\n- name: sw0\n");
    assert!(e.contains("more than once"), "{e}");
}

#[test]
fn plan_from_nothing_in_order() {
    let d = doc(YAML);
    let steps = plan(&Doc::default(), &d, false);
    assert_eq!(
        lines(&steps),
        [
            "switch add sw0 uplink eth0 ageing 300 group-fwd-mask 0x4000 vmq dynamic vmq-low 10 vmq-high 70",
            "switch add sw1",
            "port add vp1 switch sw0 mac 02:00:00:00:00:0a mtu 1500 ip-allow 10.0.0.5,2001:db8::5 mode access pvid 10",
            "port set vp1 rate-in 100mbit",
            "port add vp2 switch sw0 mode trunk vlans 10,20,30-40 native none",
            "port add vf0 switch sw0 vf 0 mac 02:00:00:00:00:0b mac-spoof on mode access pvid 5",
            "acl add vp1 in prio 10 proto ipv4 src 10.0.0.0/24 ip-proto tcp dport 80 deny",
            "acl add vp1 in prio 20 dst-mac 02:00:00:00:00:09 allow",
            "acl default vp1 in deny",
            "fdb add sw0 02:00:00:00:01:01 vlan 10 port vp1",
        ]
    );
    // Each step is a command the tool takes.
    for s in &steps {
        crate::cmd::apply::request_of(&s.line).unwrap_or_else(|e| panic!("{}: {e}", s.text()));
    }
    assert_eq!(text(&steps[0].undo[0]), "switch del sw0 force");
    assert_eq!(text(&steps[2].undo[0]), "port del vp1");
    assert_eq!(
        text(&steps[9].undo[0]),
        "fdb del sw0 02:00:00:00:01:01 vlan 10"
    );
}

#[test]
fn plan_of_the_same_state_is_empty() {
    let d = doc(YAML);
    assert!(plan(&d, &d, false).is_empty());
    assert!(plan(&d, &d, true).is_empty());
}

#[test]
fn plan_is_the_delta_with_its_undo() {
    let run = doc(YAML);
    let want = doc(&YAML
        .replace("  ageing: 300\n", "  ageing: 100\n")
        .replace("    mtu: 1500\n", "    mtu: 9000\n    weight: 5\n")
        .replace("    pvid: 10\n", "    pvid: 11\n")
        .replace("          dport: 80\n", "          dport: 81\n")
        .replace("        default: deny\n", "        default: allow\n"));
    let steps = plan(&run, &want, false);
    assert_eq!(
        lines(&steps),
        [
            "switch set sw0 ageing 100",
            "port set vp1 mtu 9000 mode access pvid 11 weight 5",
            "acl del vp1 in prio 10",
            "acl add vp1 in prio 10 proto ipv4 src 10.0.0.0/24 ip-proto tcp dport 81 deny",
            "acl default vp1 in allow",
        ]
    );
    let undo: Vec<String> = rollback(&steps, steps.len())
        .iter()
        .map(|l| text(l))
        .collect();
    assert_eq!(
        undo,
        [
            "acl default vp1 in deny",
            "acl del vp1 in prio 10",
            "acl add vp1 in prio 10 proto ipv4 src 10.0.0.0/24 ip-proto tcp dport 80 deny",
            // No weight before: nothing to put back for it.
            "port set vp1 mtu 1500 mode access pvid 10",
            "switch set sw0 ageing 300",
        ]
    );
    // Only what was done is undone.
    let undo: Vec<String> = rollback(&steps, 2).iter().map(|l| text(l)).collect();
    assert_eq!(
        undo,
        [
            "port set vp1 mtu 1500 mode access pvid 10",
            "switch set sw0 ageing 300"
        ]
    );
}

#[test]
fn settings_left_out_are_left_alone() {
    let run = doc(YAML);
    let want = doc(
        "switches:\n- name: sw0\n  uplink: eth0\n  ports:\n  - name: vp1\n  - name: vp2\n  - name: vf0\n    vf: 0\n  fdb:\n  - mac: 02:00:00:00:01:01\n    vlan: 10\n    port: vp1\n",
    );
    // sw1 is not named: untouched; nothing else differs where the file says something.
    assert!(plan(&run, &want, false).is_empty());
    // Uplink is never "left out": no uplink is a value.
    let want = doc("switches:\n- name: sw1\n  uplink: eth1\n");
    assert_eq!(
        lines(&plan(&run, &want, false)),
        ["switch set sw1 uplink eth1"]
    );
    assert_eq!(
        text(&plan(&run, &want, false)[0].undo[0]),
        "switch set sw1 nouplink"
    );
}

#[test]
fn objects_the_file_lacks_are_deleted_and_restorable() {
    let run = doc(YAML);
    // vp1 (with its ACL and FDB entry) and vf0 gone from sw0; sw1 not named.
    let want = doc("switches:\n- name: sw0\n  uplink: eth0\n  ports:\n  - name: vp2\n");
    let steps = plan(&run, &want, false);
    // The FDB entry goes with its port: no separate step.
    assert_eq!(lines(&steps), ["port del vp1", "port del vf0"]);
    let undo: Vec<String> = steps[0].undo.iter().map(|l| text(l)).collect();
    assert_eq!(
        undo,
        [
            "port add vp1 switch sw0 mac 02:00:00:00:00:0a mtu 1500 ip-allow 10.0.0.5,2001:db8::5 mode access pvid 10",
            "port set vp1 rate-in 100mbit",
            "acl add vp1 in prio 10 proto ipv4 src 10.0.0.0/24 ip-proto tcp dport 80 deny",
            "acl add vp1 in prio 20 dst-mac 02:00:00:00:00:09 allow",
            "acl default vp1 in deny",
            "fdb add sw0 02:00:00:00:01:01 vlan 10 port vp1",
        ]
    );
    // A static entry dropped from a port that stays: deleted alone.
    let want = doc(&YAML.replace(
        "  fdb:\n  - mac: 02:00:00:00:01:01\n    vlan: 10\n    port: vp1\n",
        "",
    ));
    let steps = plan(&run, &want, false);
    assert_eq!(lines(&steps), ["fdb del sw0 02:00:00:00:01:01 vlan 10"]);
    assert_eq!(
        text(&steps[0].undo[0]),
        "fdb add sw0 02:00:00:00:01:01 vlan 10 port vp1"
    );
}

#[test]
fn prune_and_moves() {
    let run = doc(YAML);
    let want = doc("switches:\n- name: sw1\n");
    assert!(plan(&run, &want, false).is_empty());
    let steps = plan(&run, &want, true);
    assert_eq!(lines(&steps), ["switch del sw0 force"]);
    // Its undo rebuilds it whole: the switch first, the FDB entry last.
    let undo = &steps[0].undo;
    assert_eq!(text(&undo[0]), "switch add sw0 uplink eth0 ageing 300 group-fwd-mask 0x4000 vmq dynamic vmq-low 10 vmq-high 70");
    assert_eq!(
        text(undo.last().unwrap()),
        "fdb add sw0 02:00:00:00:01:01 vlan 10 port vp1"
    );
    // A port put on another switch: deleted, then added there (after that switch exists).
    let want = doc("switches:\n- name: sw2\n  ports:\n  - name: vp2\n");
    assert_eq!(
        lines(&plan(&run, &want, false)),
        ["port del vp2", "switch add sw2", "port add vp2 switch sw2"]
    );
    // A port turned into a VF port: recreated.
    let want = doc(&YAML.replace(
        "  - name: vp2\n    mode: trunk\n    vlans: 10,20,30-40\n    native: none\n",
        "  - name: vp2\n    vf: 1\n",
    ));
    assert_eq!(
        lines(&plan(&run, &want, false)),
        ["port del vp2", "port add vp2 switch sw0 vf 1"]
    );
}

fn sample_switch(name: &str) -> SwitchInfo {
    SwitchInfo {
        name: name.into(),
        uplink: Some("eth0".into()),
        ageing: Some(300),
        fdb_max: Some(8192),
        fdb_count: Some(3),
        sriov: None,
        sriov_total: None,
        uplink_qdisc: Some(false),
        group_fwd_mask: Some(0),
        vmq: Some("off".into()),
        vmq_low: Some(10),
        vmq_high: Some(70),
        vmq_interval: Some(1000),
        vmq_base_cpu: Some(0),
        vmq_max_cpus: Some(0),
        vmq_max_queues: Some(0),
        vmq_skip_smt: Some(false),
        vmq_software: Some(false),
        vmq_backend: Some("none".into()),
        vmq_rings: None,
        vmq_moves: Some(7),
        stats: None,
    }
}

fn sample_port(name: &str, sw: &str) -> PortInfo {
    PortInfo {
        name: name.into(),
        switch: Some(sw.into()),
        vf: None,
        pci: None,
        vf_dev: None,
        driver: None,
        mac: Some("02:00:00:00:00:01".into()),
        mtu: Some(1500),
        mode: Some("trunk".into()),
        pvid: None,
        vlans: Some(Box::new("10,20".parse().unwrap())),
        native: Some(None),
        spoofchk: None,
        trust: None,
        carrier: Some(false),
        link: Some("up".into()),
        dev: None,
        ifname: Some(name.into()),
        ifindex: Some(7),
        rate_in: Some(100_000_000),
        rate_out: None,
        burst: Some(65536),
        weight: None,
        security: Some(Security {
            mac_spoof: false,
            guards: Some(Guards {
                dhcp_guard: true,
                router_guard: false,
                ip_guard: false,
                trusted: false,
                mac_max: 0,
                storm_limit: 100,
                ip_allow: IpAllow(vec![
                    "2001:db8::1".parse().unwrap(),
                    "10.0.0.1".parse().unwrap(),
                ]),
            }),
        }),
        stats: None,
    }
}

fn acl_entry(port: &str, dir: &str, prio: Option<u32>, action: &str) -> AclEntry {
    AclEntry {
        port: port.into(),
        dir: dir.into(),
        prio,
        default: prio.is_none(),
        action: Some(action.into()),
        hits: Some(4),
        src_mac: None,
        dst_mac: None,
        vlan: prio.map(|_| 10),
        proto: None,
        src: None,
        dst: None,
        ip_proto: None,
        sport: None,
        dport: None,
        dir_num: u8::from(dir == "out"),
    }
}

#[test]
fn running_state_as_a_document() {
    let switches = [sample_switch("sw1"), sample_switch("sw0")];
    let ports = [
        sample_port("vp2", "sw0"),
        sample_port("vp1", "sw0"),
        sample_port("x", "sw1"),
    ];
    let acls = [
        acl_entry("vp1", "in", Some(20), "deny"),
        acl_entry("vp1", "in", None, "allow"),
        acl_entry("vp1", "in", Some(10), "allow"),
        acl_entry("vp1", "out", None, "deny"),
    ];
    let fdb = [
        FdbEntry {
            switch: Some("sw0".into()),
            mac: "02:00:00:00:00:09".into(),
            vlan: Some(1),
            port: Some("vp1".into()),
            is_static: true,
            age: None,
        },
        FdbEntry {
            switch: Some("sw0".into()),
            mac: "02:00:00:00:00:08".into(),
            vlan: Some(1),
            port: Some("vp2".into()),
            is_static: false,
            age: Some(3),
        },
    ];
    let d = running::build(&switches, &ports, &acls, &fdb);
    let yaml = d.to_yaml();
    // Sorted; counters, learned entries and read-only values left out.
    assert_eq!(d.switches[0].name, "sw0");
    assert_eq!(d.switches[0].ports[0].name, "vp1");
    assert!(
        !yaml.contains("hits") && !yaml.contains("moves") && !yaml.contains("02:00:00:00:00:08"),
        "{yaml}"
    );
    assert!(yaml.contains("rate-in: 100mbit\n"), "{yaml}");
    assert!(yaml.contains("rate-out: none\n"), "{yaml}");
    assert!(
        yaml.contains("burst: 65536\n") && yaml.contains("storm-limit: 100\n"),
        "{yaml}"
    );
    let acl = d.switches[0].ports[0].acl.as_ref().unwrap();
    let i = acl.in_.as_ref().unwrap();
    assert_eq!(i.default.as_deref(), Some("allow"));
    assert_eq!(i.rules.iter().map(|r| r.prio).collect::<Vec<_>>(), [10, 20]);
    assert_eq!(acl.out.as_ref().unwrap().default.as_deref(), Some("deny"));
    assert!(acl.out.as_ref().unwrap().rules.is_empty());
    // The dump is already canonical: read back it is the same document, and applying it
    // to the state it came from does nothing.
    let back = doc(&yaml);
    assert_eq!(back, d);
    assert!(plan(&d, &back, false).is_empty());
    // Built from nothing, every step is a command the tool takes.
    for s in plan(&Doc::default(), &back, false) {
        crate::cmd::apply::request_of(&s.line).unwrap_or_else(|e| panic!("{}: {e}", s.text()));
    }
}
