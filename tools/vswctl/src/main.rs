// SPDX-License-Identifier: GPL-2.0
//! `vswctl`: userspace control tool of the vswitch kernel module.
//!
//! iproute2-style: `vswctl [-j] [-s] OBJECT COMMAND [ARGS]`. This file is only the clap
//! tree and the dispatch; the commands, the netlink client and the output live in the
//! library (`src/lib.rs`).
#![forbid(unsafe_code)]

use std::io;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use vswctl::{cmd, netlink, output::Output, Error};

#[derive(Debug, Parser)]
#[command(
    name = "vswctl",
    version,
    about = "Control the vswitch kernel module",
    propagate_version = true
)]
struct Cli {
    /// Output JSON
    #[arg(short = 'j', long = "json", global = true)]
    json: bool,
    /// Show statistics
    #[arg(short = 's', long = "stats", global = true)]
    stats: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Show the versions of vswctl and of the loaded vswitch module
    Version,
    /// Virtual switches: add, set, del, show (default: show)
    Switch {
        #[command(subcommand)]
        action: Option<SwitchAction>,
    },
    /// Virtual ports (vPort netdevs): add, set, del, show (default: show)
    Port {
        #[command(subcommand)]
        action: Option<PortAction>,
    },
    /// Forwarding database: add, del, show (default: show)
    Fdb {
        #[command(subcommand)]
        action: Option<FdbAction>,
    },
    /// VMQ receive queues: show (default: show)
    Vmq {
        #[command(subcommand)]
        action: Option<VmqAction>,
    },
    /// Port ACLs (per direction, rules by prio): add, del, default, show (default: show)
    Acl {
        #[command(subcommand)]
        action: Option<AclAction>,
    },
    /// Print the running configuration as a document (YAML; JSON with -j)
    Dump,
    /// Make a configuration document (YAML or JSON) the running configuration
    Apply {
        /// Only check the document (schema and values); touch nothing
        #[arg(long)]
        check: bool,
        /// Also delete the switches the document does not name
        #[arg(long)]
        prune: bool,
        /// The document (`-`: standard input)
        #[arg(value_name = "FILE")]
        file: String,
    },
    /// Show the steps `apply` would run, one command line each
    Diff {
        /// Also delete the switches the document does not name
        #[arg(long)]
        prune: bool,
        /// The document (`-`: standard input)
        #[arg(value_name = "FILE")]
        file: String,
    },
    /// Print switch, port, FDB, VMQ and ACL events until interrupted
    Monitor {
        #[arg(value_name = "OBJECT", help = cmd::monitor::USAGE)]
        args: Vec<String>,
    },
    #[command(hide = true, about = cmd::raw::ABOUT, long_about = cmd::raw::LONG_ABOUT)]
    Raw {
        /// Send with NLM_F_DUMP instead of NLM_F_ACK and print every reply message
        #[arg(long)]
        dump: bool,
        /// Generic netlink command number (decimal u8)
        #[arg(value_name = "CMD")]
        cmd: u8,
        /// Attributes, each TYPE:KIND:VALUE (KIND: u8 u16 u32 u64 str hex)
        #[arg(value_name = "ATTR", value_parser = cmd::raw::parse_attr_spec)]
        attrs: Vec<netlink::Attr>,
    },
}

#[derive(Debug, Subcommand)]
enum SwitchAction {
    /// Create a switch
    Add {
        #[arg(value_name = "ARGS", help = cmd::switch::ADD_USAGE)]
        args: Vec<String>,
    },
    /// Change a switch
    #[command(alias = "change")]
    Set {
        #[arg(value_name = "ARGS", help = cmd::switch::SET_USAGE)]
        args: Vec<String>,
    },
    /// Delete a switch (-f / force: also delete its ports)
    #[command(alias = "delete")]
    Del {
        /// Also delete the switch's ports
        #[arg(short = 'f', long = "force")]
        force: bool,
        #[arg(value_name = "ARGS", help = cmd::switch::DEL_USAGE)]
        args: Vec<String>,
    },
    /// Show one or all switches
    #[command(visible_alias = "list", alias = "ls")]
    Show {
        #[arg(value_name = "ARGS", help = cmd::switch::SHOW_USAGE)]
        args: Vec<String>,
    },
}

#[derive(Debug, Subcommand)]
enum PortAction {
    /// Create a vPort netdev on a switch
    Add {
        #[arg(value_name = "ARGS", help = cmd::port::ADD_USAGE)]
        args: Vec<String>,
    },
    /// Change a vPort
    #[command(alias = "change")]
    Set {
        #[arg(value_name = "ARGS", help = cmd::port::SET_USAGE)]
        args: Vec<String>,
    },
    /// Delete a vPort
    #[command(alias = "delete")]
    Del {
        #[arg(value_name = "ARGS", help = cmd::port::DEL_USAGE)]
        args: Vec<String>,
    },
    /// Show one or all vPorts
    #[command(visible_alias = "list", alias = "ls")]
    Show {
        #[arg(value_name = "ARGS", help = cmd::port::SHOW_USAGE)]
        args: Vec<String>,
    },
}

#[derive(Debug, Subcommand)]
enum FdbAction {
    /// Add a static FDB entry
    Add {
        #[arg(value_name = "ARGS", help = cmd::fdb::ADD_USAGE)]
        args: Vec<String>,
    },
    /// Delete an FDB entry
    #[command(alias = "delete")]
    Del {
        #[arg(value_name = "ARGS", help = cmd::fdb::DEL_USAGE)]
        args: Vec<String>,
    },
    /// Show the FDB of a switch (of all switches without SW)
    #[command(visible_alias = "list", alias = "ls")]
    Show {
        #[arg(value_name = "ARGS", help = cmd::fdb::SHOW_USAGE)]
        args: Vec<String>,
    },
    /// Remove learned entries (and static ones with `static`) of a switch, port or VLAN
    Flush {
        #[arg(value_name = "ARGS", help = cmd::fdb::FLUSH_USAGE)]
        args: Vec<String>,
    },
}

#[derive(Debug, Subcommand)]
enum VmqAction {
    /// Show the VMQ queues of a switch (of all switches without SW)
    #[command(visible_alias = "list", alias = "ls")]
    Show {
        #[arg(value_name = "ARGS", help = cmd::vmq::SHOW_USAGE)]
        args: Vec<String>,
    },
}

#[derive(Debug, Subcommand)]
enum AclAction {
    /// Add a rule to a port's ACL (in: from the port, out: toward it)
    Add {
        #[arg(value_name = "ARGS", help = cmd::acl::ADD_USAGE)]
        args: Vec<String>,
    },
    /// Delete a rule (by prio)
    #[command(alias = "delete")]
    Del {
        #[arg(value_name = "ARGS", help = cmd::acl::DEL_USAGE)]
        args: Vec<String>,
    },
    /// Set the action of frames no rule matches
    Default {
        #[arg(value_name = "ARGS", help = cmd::acl::DEFAULT_USAGE)]
        args: Vec<String>,
    },
    /// Show the ACL of a port (of all ports without PORT), with hit counts
    #[command(visible_alias = "list", alias = "ls")]
    Show {
        #[arg(value_name = "ARGS", help = cmd::acl::SHOW_USAGE)]
        args: Vec<String>,
    },
}

fn run(cli: Cli) -> Result<(), Error> {
    let out = Output {
        json: cli.json,
        stats: cli.stats,
    };
    match cli.command {
        Command::Version => cmd::version::run(&out),
        Command::Switch { action } => match action.unwrap_or(SwitchAction::Show { args: vec![] }) {
            SwitchAction::Add { args } => cmd::run_change(cmd::switch::add_request(&args)),
            SwitchAction::Set { args } => cmd::run_change(cmd::switch::set_request(&args)),
            SwitchAction::Del { force, args } => {
                cmd::run_change(cmd::switch::del_request(&args, force))
            }
            SwitchAction::Show { args } => cmd::switch::show(&out, &args),
        },
        Command::Port { action } => match action.unwrap_or(PortAction::Show { args: vec![] }) {
            PortAction::Add { args } => cmd::run_change(cmd::port::add_request(&args)),
            PortAction::Set { args } => cmd::run_change(cmd::port::set_request(&args)),
            PortAction::Del { args } => cmd::run_change(cmd::port::del_request(&args)),
            PortAction::Show { args } => cmd::port::show(&out, &args),
        },
        Command::Fdb { action } => match action.unwrap_or(FdbAction::Show { args: vec![] }) {
            FdbAction::Add { args } => cmd::run_change(cmd::fdb::add_request(&args)),
            FdbAction::Del { args } => cmd::run_change(cmd::fdb::del_request(&args)),
            FdbAction::Show { args } => cmd::fdb::show(&out, &args),
            FdbAction::Flush { args } => cmd::run_change(cmd::fdb::flush_request(&args)),
        },
        Command::Vmq { action } => match action.unwrap_or(VmqAction::Show { args: vec![] }) {
            VmqAction::Show { args } => cmd::vmq::show(&out, &args),
        },
        Command::Acl { action } => match action.unwrap_or(AclAction::Show { args: vec![] }) {
            AclAction::Add { args } => cmd::run_change(cmd::acl::add_request(&args)),
            AclAction::Del { args } => cmd::run_change(cmd::acl::del_request(&args)),
            AclAction::Default { args } => cmd::run_change(cmd::acl::default_request(&args)),
            AclAction::Show { args } => cmd::acl::show(&out, &args),
        },
        Command::Monitor { args } => cmd::monitor::run(&out, &args),
        Command::Dump => cmd::apply::dump(&out),
        Command::Apply { check, prune, file } => cmd::apply::apply(&file, check, prune),
        Command::Diff { prune, file } => cmd::apply::diff(&out, &file, prune),
        Command::Raw { dump, cmd, attrs } => cmd::raw::run(&out, cmd, &attrs, dump),
    }
}

/// `vswctl -batch FILE` (or `-b FILE`, `-` for stdin): one command per line, as in
/// `ip -batch`; `#` starts a comment. Stops at the first failing line.
fn batch(path: &str) -> Result<(), Error> {
    use std::io::BufRead;
    let input: Box<dyn BufRead> = if path == "-" {
        Box::new(io::BufReader::new(io::stdin()))
    } else {
        Box::new(io::BufReader::new(std::fs::File::open(path)?))
    };
    for (n, line) in input.lines().enumerate() {
        let line = line?;
        let words: Vec<&str> = line.split('#').next().unwrap_or("").split_whitespace().collect();
        if words.is_empty() {
            continue;
        }
        let cli = match Cli::try_parse_from(std::iter::once("vswctl").chain(words.iter().copied())) {
            Ok(c) => c,
            Err(e) => {
                eprintln!("vswctl: line {}: {}", n + 1, e.to_string().lines().next().unwrap_or(""));
                return Err(Error::Usage(format!("batch stopped at line {}", n + 1)));
            }
        };
        if let Err(e) = run(cli) {
            eprintln!("vswctl: line {}: {e}", n + 1);
            return Err(Error::Usage(format!("batch stopped at line {}", n + 1)));
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    if args.len() == 3 && matches!(args[1].as_str(), "-b" | "-batch" | "--batch") {
        return match batch(&args[2]) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("vswctl: {e}");
                ExitCode::FAILURE
            }
        };
    }
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        // Reader went away (`vswctl ... | head`): not an error worth a message.
        Err(Error::Io(e)) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("vswctl: {e}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn global_flags_anywhere() {
        let c = Cli::try_parse_from(["vswctl", "-j", "version"]).unwrap();
        assert!(c.json && !c.stats);
        let c = Cli::try_parse_from(["vswctl", "version", "--json", "-s"]).unwrap();
        assert!(c.json && c.stats);
    }

    #[test]
    fn raw_args() {
        let c = Cli::try_parse_from(["vswctl", "raw", "1", "1:u32:5", "2:hex:"]).unwrap();
        match c.command {
            Command::Raw { dump, cmd, attrs } => {
                assert!(!dump);
                assert_eq!(cmd, 1);
                assert_eq!(attrs.len(), 2);
            }
            _ => panic!(),
        }
        assert!(Cli::try_parse_from(["vswctl", "raw", "256"]).is_err());
        assert!(Cli::try_parse_from(["vswctl", "raw", "1", "1:u32:x"]).is_err());
        assert!(Cli::try_parse_from(["vswctl", "bogus"]).is_err());
    }

    fn words(c: Cli) -> (String, Vec<String>) {
        match c.command {
            Command::Switch { action } => match action {
                Some(SwitchAction::Add { args }) => ("switch add".into(), args),
                Some(SwitchAction::Set { args }) => ("switch set".into(), args),
                Some(SwitchAction::Del { force, args }) => (format!("switch del {force}"), args),
                Some(SwitchAction::Show { args }) => ("switch show".into(), args),
                None => ("switch".into(), vec![]),
            },
            Command::Port { action } => match action {
                Some(PortAction::Add { args }) => ("port add".into(), args),
                Some(PortAction::Set { args }) => ("port set".into(), args),
                Some(PortAction::Del { args }) => ("port del".into(), args),
                Some(PortAction::Show { args }) => ("port show".into(), args),
                None => ("port".into(), vec![]),
            },
            Command::Fdb { action } => match action {
                Some(FdbAction::Add { args }) => ("fdb add".into(), args),
                Some(FdbAction::Del { args }) => ("fdb del".into(), args),
                Some(FdbAction::Show { args }) => ("fdb show".into(), args),
                Some(FdbAction::Flush { args }) => ("fdb flush".into(), args),
                None => ("fdb".into(), vec![]),
            },
            Command::Vmq { action } => match action {
                Some(VmqAction::Show { args }) => ("vmq show".into(), args),
                None => ("vmq".into(), vec![]),
            },
            Command::Acl { action } => match action {
                Some(AclAction::Add { args }) => ("acl add".into(), args),
                Some(AclAction::Del { args }) => ("acl del".into(), args),
                Some(AclAction::Default { args }) => ("acl default".into(), args),
                Some(AclAction::Show { args }) => ("acl show".into(), args),
                None => ("acl".into(), vec![]),
            },
            Command::Monitor { args } => ("monitor".into(), args),
            _ => ("other".into(), vec![]),
        }
    }

    fn parse(argv: &str) -> (bool, bool, String, Vec<String>) {
        let c = Cli::try_parse_from(std::iter::once("vswctl").chain(argv.split_whitespace()))
            .unwrap_or_else(|e| panic!("{argv}: {e}"));
        let (j, s) = (c.json, c.stats);
        let (what, args) = words(c);
        (j, s, what, args)
    }

    #[test]
    fn object_commands() {
        let (_, _, what, args) = parse("switch add sw0 uplink eth0 ageing 10");
        assert_eq!(what, "switch add");
        assert_eq!(args, ["sw0", "uplink", "eth0", "ageing", "10"]);
        assert_eq!(parse("switch del sw0 -f").2, "switch del true");
        assert_eq!(parse("switch del -f sw0").3, ["sw0"]);
        assert_eq!(parse("switch del sw0 force").2, "switch del false");
        assert_eq!(parse("switch delete sw0").2, "switch del false");
        let (j, s, what, args) = parse("-j -s switch show sw0");
        assert!(j && s);
        assert_eq!(
            (what.as_str(), args),
            ("switch show", vec!["sw0".to_string()])
        );
        assert_eq!(parse("switch list").2, "switch show");
        assert_eq!(parse("switch ls").2, "switch show");
        assert_eq!(parse("switch").2, "switch");
        assert_eq!(parse("port list").2, "port show");
        assert_eq!(parse("port").2, "port");
        assert_eq!(parse("fdb list sw0").3, ["sw0"]);
        assert_eq!(parse("fdb").2, "fdb");
        // Global flags after the words.
        let (j, _, what, args) = parse("port show vp1 -j");
        assert!(j);
        assert_eq!(
            (what.as_str(), args),
            ("port show", vec!["vp1".to_string()])
        );
        assert_eq!(
            parse("port add vp1 switch sw0 mode trunk vlans 10,20,30-40 native 1")
                .3
                .len(),
            9
        );
        assert_eq!(
            parse("fdb add sw0 02:00:00:00:00:01 vlan 10 port vp1").2,
            "fdb add"
        );
        assert_eq!(parse("fdb del sw0 02:00:00:00:00:01").2, "fdb del");
        assert_eq!(parse("-j monitor").2, "monitor");
        assert_eq!(parse("monitor vmq").3, ["vmq"]);
        let (j, _, what, args) = parse("-j vmq show sw0");
        assert!(j);
        assert_eq!((what.as_str(), args), ("vmq show", vec!["sw0".to_string()]));
        assert_eq!(parse("vmq").2, "vmq");
        assert_eq!(parse("vmq list").2, "vmq show");
        assert_eq!(parse("vmq ls").3.len(), 0);
        assert_eq!(
            parse("switch set sw0 vmq dynamic low 5 high 40 interval 500").3,
            ["sw0", "vmq", "dynamic", "low", "5", "high", "40", "interval", "500"]
        );
        // SR-IOV: sriov on switches, vf on ports, the irq report of a VF port.
        assert_eq!(
            parse("switch add sw0 uplink eth0 sriov 2").3,
            ["sw0", "uplink", "eth0", "sriov", "2"]
        );
        assert_eq!(parse("switch set sw0 sriov 0").3, ["sw0", "sriov", "0"]);
        assert_eq!(
            parse("port add vf1 switch sw0 vf 0 mac 02:00:00:00:00:01 pvid 10").3,
            [
                "vf1",
                "switch",
                "sw0",
                "vf",
                "0",
                "mac",
                "02:00:00:00:00:01",
                "pvid",
                "10"
            ]
        );
        let (j, _, what, args) = parse("-j port show vf1 irqs");
        assert!(j);
        assert_eq!(what, "port show");
        assert!(cmd::port::is_irqs_show(&args));
        assert_eq!(
            cmd::irqs::request(&args).unwrap().cmd,
            vswctl::uapi::cmd::PORT_IRQS
        );
        // ACL and QoS.
        let (_, _, what, args) = parse(
            "acl add p1 in prio 10 proto ipv4 src 10.0.0.0/24 ip-proto tcp dport 1000-2000 deny",
        );
        assert_eq!(what, "acl add");
        assert_eq!(args.len(), 13);
        assert_eq!(
            cmd::acl::add_request(&args).unwrap().cmd,
            vswctl::uapi::cmd::ACL_NEW
        );
        assert_eq!(parse("acl del p1 in prio 10").2, "acl del");
        assert_eq!(parse("acl delete p1 in prio 10").2, "acl del");
        assert_eq!(parse("acl default p1 out deny").3, ["p1", "out", "deny"]);
        let (j, _, what, args) = parse("-j acl show p1");
        assert!(j);
        assert_eq!((what.as_str(), args), ("acl show", vec!["p1".to_string()]));
        assert_eq!(parse("acl list").2, "acl show");
        assert_eq!(parse("acl").2, "acl");
        assert_eq!(
            parse("port set p1 rate-in 100mbit rate-out 1.5gbit burst 64k weight 3").3,
            ["p1", "rate-in", "100mbit", "rate-out", "1.5gbit", "burst", "64k", "weight", "3"]
        );
        assert_eq!(parse("monitor acl").3, ["acl"]);
        // Port security.
        let (_, _, what, args) = parse(
            "port set p1 mac-spoof on dhcp-guard on router-guard on ip-guard on trusted off \
             ip-allow 10.0.0.5,2001:db8::5 mac-max 16 storm-limit none",
        );
        assert_eq!(what, "port set");
        assert_eq!(cmd::port::set_request(&args).unwrap().attrs.len(), 9);
        let (_, _, what, args) = parse("switch set sw0 group-fwd-mask 0x4000");
        assert_eq!(what, "switch set");
        assert_eq!(
            cmd::switch::set_request(&args).unwrap().attrs[1],
            netlink::Attr::u16(vswctl::uapi::attr::GROUP_FWD_MASK, 0x4000)
        );
        let (j, _, what, args) = parse("-j port show vp1 bindings");
        assert!(j);
        assert_eq!(what, "port show");
        assert!(cmd::port::is_bindings_show(&args));
        assert_eq!(
            cmd::bindings::request(&args).unwrap().cmd,
            vswctl::uapi::cmd::BINDING_GET
        );
        assert!(Cli::try_parse_from(["vswctl", "acl", "flush"]).is_err());
        assert!(Cli::try_parse_from(["vswctl", "vmq", "move"]).is_err());
        assert!(Cli::try_parse_from(["vswctl", "switch", "frob"]).is_err());
    }

    /// Keyword errors are reported before any socket is opened, as `Error::Usage`.
    #[test]
    fn usage_errors_before_netlink() {
        for argv in [
            "switch add",
            "switch add sw0 bogus",
            "switch set sw0",
            "port add vp1",
            "port add vp1 switch sw0 mode access",
            "fdb add sw0 zz port vp1",
            "fdb show sw0 vlan 0",
            "monitor links",
            "switch set sw0 vmq on",
            "switch add sw0 low 5",
            "vmq show sw0 sw1",
            "switch add sw0 sriov x",
            "switch set sw0 sriov",
            "port add vf1 switch sw0 vf x",
            "port add vf1 switch sw0 vf 0 mtu 9000",
            "port show vf1 irqs extra",
            "port show vf1 switch sw0 irqs",
            "acl add",
            "acl add p1 in",
            "acl add p1 up deny",
            "acl add p1 in src 10.0.0.0/40 deny",
            "acl add p1 in deny vlan 10",
            "acl del p1 in",
            "acl default p1 in drop",
            "acl show p1 in extra",
            "port set p1 rate-in fast",
            "port set p1 burst 1x",
            "port add p1 switch sw0 rate-in 1mbit",
            "monitor acls",
            "port set p1 mac-spoof yes",
            "port add p1 switch sw0 ip-guard",
            "port set p1 ip-allow 10.0.0.1,10.0.0.1",
            "port set p1 ip-allow 10.0.0.0/24",
            "port set p1 mac-max 4294967296",
            "port set p1 storm-limit fast",
            "port set p1 trusted on trusted off",
            "port add vf1 switch sw0 vf 0 dhcp-guard on",
            "switch set sw0 vmq dynamic low 5%",
            "port set p1 weight 1.5",
            "switch set sw0 group-fwd-mask 0x",
            "switch add sw0 group-fwd-mask 0x10000",
            "port show bindings",
            "port show p1 bindings extra",
        ] {
            let c = Cli::try_parse_from(std::iter::once("vswctl").chain(argv.split_whitespace()))
                .unwrap();
            match run(c) {
                Err(Error::Usage(m)) => assert!(!m.is_empty()),
                other => panic!("{argv}: {other:?}"),
            }
        }
    }

    #[test]
    fn raw_hidden_from_main_help() {
        let help = Cli::command().render_help().to_string();
        assert!(help.contains("version"));
        assert!(help.contains("acl"), "{help}");
        assert!(!help.contains("raw"), "{help}");
    }
}
