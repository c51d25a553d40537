// SPDX-License-Identifier: GPL-2.0
//! `vswctl`: userspace control tool of the vswitch kernel module.
//!
//! iproute2-style: `vswctl [-j] [-p] [-s [-s]] [-t] OBJECT COMMAND [ARGS]`, or
//! `vswctl [OPTIONS] -batch FILE [-force]`. This file is only the clap tree and the
//! dispatch; the command-line habits (abbreviations, `help`, single-dash options) are in
//! `argv.rs`, the batch loop in `batch.rs`, the commands, the netlink client and the output
//! in the library (`src/lib.rs`).
#![forbid(unsafe_code)]

use std::io;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{ArgAction, CommandFactory, Parser, Subcommand};

use vswctl::{argv, batch, cmd, generate, netlink, output::Output, Error, EXIT_USAGE};

/// The end of `vswctl --help` and of the man page.
const AFTER_HELP: &str = "\
Object and command words may be abbreviated to any unambiguous prefix: \
\"vswctl s sh\" is \"vswctl switch show\", \"vswctl p a\" is \"vswctl port add\". \
The word \"help\" anywhere prints the usage of that command and runs nothing. \
Options may also be written as iproute2 does: -json, -pretty, -stats, -timestamp, -batch, -force.

Exit status: 0 success; 1 usage or syntax error, or the command could not be run (module not \
loaded, unreadable batch file); 2 the kernel refused the request.";

#[derive(Debug, Parser)]
#[command(
    name = "vswctl",
    version,
    about = "Control the vswitch kernel module",
    after_help = AFTER_HELP,
    propagate_version = true
)]
struct Cli {
    /// Output JSON
    #[arg(short = 'j', long = "json", global = true)]
    json: bool,
    /// Output JSON indented over several lines (with -j)
    #[arg(short = 'p', long = "pretty", global = true)]
    pretty: bool,
    /// Show statistics; twice (-s -s) for every counter, zeros included
    #[arg(short = 's', long = "stats", global = true, action = ArgAction::Count)]
    stats: u8,
    /// monitor: print the time each event was received
    #[arg(short = 't', long = "timestamp", global = true)]
    timestamp: bool,
    /// Run the commands of FILE (- for stdin), one per line; words are quoted as in a
    /// shell, # starts a comment
    #[arg(short = 'b', long = "batch", value_name = "FILE")]
    batch: Option<String>,
    /// With -batch: run every line even after a failure (the exit status still says so)
    #[arg(long = "force", requires = "batch")]
    force: bool,
    #[command(subcommand)]
    command: Option<Command>,
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
    /// Forwarding database: add, del, show, flush (default: show)
    Fdb {
        #[command(subcommand)]
        action: Option<FdbAction>,
    },
    /// VMQ receive queues: show (default: show)
    Vmq {
        #[command(subcommand)]
        action: Option<VmqAction>,
    },
    /// Port ACLs (per direction, rules by prio): add, del, default, show, flush (default: show)
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
    /// Write the man pages and shell completions under DIR (run by `make tool`)
    #[command(hide = true)]
    Generate {
        #[arg(value_name = "DIR")]
        dir: PathBuf,
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
    /// Delete every rule of a port's ACL (one direction or both); defaults stay
    Flush {
        #[arg(value_name = "ARGS", help = cmd::acl_flush::FLUSH_USAGE)]
        args: Vec<String>,
    },
}

fn run(cli: Cli) -> Result<(), Error> {
    let out = Output {
        json: cli.json,
        stats: cli.stats > 0,
        details: cli.stats > 1,
        pretty: cli.pretty,
        timestamp: cli.timestamp,
    };
    let Some(command) = cli.command else {
        return Err(Error::Usage(
            "missing object (version, switch, port, fdb, vmq, acl or monitor); try \"vswctl help\""
                .into(),
        ));
    };
    match command {
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
            AclAction::Flush { args } => cmd::acl_flush::run(&args),
        },
        Command::Monitor { args } => cmd::monitor::run(&out, &args),
        Command::Dump => cmd::apply::dump(&out),
        Command::Apply { check, prune, file } => cmd::apply::apply(&file, check, prune),
        Command::Diff { prune, file } => cmd::apply::diff(&out, &file, prune),
        Command::Raw { dump, cmd, attrs } => cmd::raw::run(&out, cmd, &attrs, dump),
        Command::Generate { dir } => {
            for f in generate::write_all(&Cli::command(), &dir)? {
                out.line(f.display().to_string())?;
            }
            Ok(())
        }
    }
}

/// Parse and run one command line (`argv[0]` the program name); returns its exit status,
/// having printed any error. `line`: the batch line it came from (errors name it; a
/// nested `-batch` is refused).
fn run_argv(argv: &[String], line: Option<usize>) -> u8 {
    let prefix = match line {
        Some(n) => format!("vswctl: line {n}: "),
        None => "vswctl: ".to_string(),
    };
    let cli = match parse(argv) {
        Ok(Some(cli)) => cli,
        Ok(None) => return 0,
        Err(e) => {
            eprintln!("{prefix}{e}");
            return EXIT_USAGE;
        }
    };
    if let Some(path) = &cli.batch {
        if line.is_some() {
            eprintln!("{prefix}-batch cannot be used inside a batch");
            return EXIT_USAGE;
        }
        if cli.command.is_some() {
            eprintln!("{prefix}-batch takes no command (the commands are in the file)");
            return EXIT_USAGE;
        }
        return run_batch(&argv[0], path, &cli);
    }
    match run(cli) {
        Ok(()) => 0,
        // Reader went away (`vswctl ... | head`): not an error worth a message.
        Err(Error::Io(e)) if e.kind() == io::ErrorKind::BrokenPipe => 0,
        Err(e) => {
            eprintln!("{prefix}{e}");
            e.exit_code()
        }
    }
}

/// `argv` as clap sees it after the iproute2 habits; `None` when help or the version was
/// asked for (and printed). A syntax error is returned as clap's text without its
/// `error: ` prefix and usage footer (one line, as every other error of the tool).
fn parse(argv: &[String]) -> Result<Option<Cli>, String> {
    use clap::error::ErrorKind;
    let argv = argv::normalize(&Cli::command(), argv)?;
    match Cli::try_parse_from(&argv) {
        Ok(cli) => Ok(Some(cli)),
        Err(e) if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) => {
            // stdout gone is no reason to fail a help request.
            let _ = e.print();
            Ok(None)
        }
        Err(e) => Err(clap_error_line(&e)),
    }
}

/// A clap error as one line: its first paragraph without `error: `, plus clap's tip if
/// it has one (`tip: a similar subcommand exists: 'show'`), without the usage footer.
fn clap_error_line(e: &clap::Error) -> String {
    let text = e.render().to_string();
    let first: Vec<&str> = text
        .lines()
        .map(str::trim)
        .take_while(|l| !l.is_empty() && !l.starts_with("Usage:"))
        .collect();
    let mut msg = first.join(" ");
    if let Some(rest) = msg.strip_prefix("error: ") {
        msg = rest.to_string();
    }
    if msg.is_empty() {
        msg = "invalid command line".to_string();
    }
    if let Some(tip) = text.lines().find_map(|l| l.trim().strip_prefix("tip: ")) {
        msg.push_str(&format!(" ({tip})"));
    }
    msg.push_str("; try \"help\"");
    msg
}

/// `-batch FILE`: every line run as `vswctl [GLOBAL OPTIONS] LINE`.
fn run_batch(prog: &str, path: &str, cli: &Cli) -> u8 {
    let input = match batch::open(path) {
        Ok(i) => i,
        Err(e) => {
            eprintln!("vswctl: {e}");
            return e.exit_code();
        }
    };
    let mut head = vec![prog.to_string()];
    head.extend(cli.json.then(|| "-j".to_string()));
    head.extend(cli.pretty.then(|| "-p".to_string()));
    head.extend((0..cli.stats).map(|_| "-s".to_string()));
    head.extend(cli.timestamp.then(|| "-t".to_string()));
    let outcome = batch::run(input, cli.force, |n, words| {
        let mut argv = head.clone();
        argv.extend(words.iter().cloned());
        run_argv(&argv, Some(n))
    });
    if outcome.failed > 0 && cli.force {
        eprintln!("vswctl: batch: {} line(s) failed", outcome.failed);
    }
    outcome.status
}

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().collect();
    ExitCode::from(run_argv(&argv, None))
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
        assert!(c.json && c.stats == 0);
        let c = Cli::try_parse_from(["vswctl", "version", "--json", "-s"]).unwrap();
        assert!(c.json && c.stats == 1);
    }

    #[test]
    fn raw_args() {
        let c = Cli::try_parse_from(["vswctl", "raw", "1", "1:u32:5", "2:hex:"]).unwrap();
        match c.command.unwrap() {
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
        match c.command.unwrap() {
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
                Some(AclAction::Flush { args }) => ("acl flush".into(), args),
                None => ("acl".into(), vec![]),
            },
            Command::Monitor { args } => ("monitor".into(), args),
            _ => ("other".into(), vec![]),
        }
    }

    fn parse(argv: &str) -> (bool, bool, String, Vec<String>) {
        let c = Cli::try_parse_from(std::iter::once("vswctl").chain(argv.split_whitespace()))
            .unwrap_or_else(|e| panic!("{argv}: {e}"));
        let (j, s) = (c.json, c.stats > 0);
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
        assert!(Cli::try_parse_from(["vswctl", "acl", "move"]).is_err());
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

    fn argv(s: &str) -> Vec<String> {
        std::iter::once("vswctl")
            .chain(s.split_whitespace())
            .map(String::from)
            .collect()
    }

    /// Exit status 1 for every usage or syntax error, clap's and the tool's own alike; 0
    /// for help. (No module is loaded where unit tests run: a command that went as far as
    /// the kernel would exit 1 with "module not loaded", so 0 also proves `help` acted not.)
    #[test]
    fn exit_codes() {
        for bad in [
            "switch frob",
            "bogus",
            "switch add",
            "port add vp1 switch sw0 mode access",
            "v",
            "switch s",
            "-b",
            "--force switch show",
            "-b x switch show",
            "-b /nonexistent/batch/file",
            "raw 256",
            "",
        ] {
            assert_eq!(run_argv(&argv(bad), None), 1, "{bad}");
        }
        for help in [
            "help",
            "switch add help",
            "sw a sw0 uplink help",
            "p help",
            "acl flush help",
            "monitor help",
            "switch help",
            "--help",
            "-help",
            "port add --help",
            "-V",
            "-Version",
        ] {
            assert_eq!(run_argv(&argv(help), None), 0, "{help}");
        }
        let refused = Error::Netlink(netlink::Error::Kernel {
            errno: libc::EEXIST,
            msg: None,
        });
        assert_eq!(refused.exit_code(), 2);
        assert_eq!(Error::Netlink(netlink::Error::NotLoaded).exit_code(), 1);
        assert_eq!(Error::Usage(String::new()).exit_code(), 1);
    }

    #[test]
    fn clap_errors_in_one_line() {
        let line = |s: &str| clap_error_line(&Cli::try_parse_from(argv(s)).unwrap_err());
        let l = line("switch frob");
        assert!(l.starts_with("unrecognized subcommand 'frob'"), "{l}");
        assert!(!l.contains('\n') && !l.contains("Usage"), "{l}");
        let l = line("--force switch show");
        assert!(l.contains("--batch <FILE>"), "{l}");
        assert!(l.ends_with("; try \"help\""), "{l}");
    }

    /// The iproute2 spellings reach the same flags.
    #[test]
    fn iproute2_options() {
        let cli = |s: &str| {
            let a = argv::normalize(&Cli::command(), &argv(s)).unwrap();
            Cli::try_parse_from(a).unwrap()
        };
        let c = cli("-json -pretty -stats -s monitor -timestamp");
        assert!(c.json && c.pretty && c.timestamp);
        assert_eq!(c.stats, 2);
        let c = cli("-j -p -s -s -t mon");
        assert!(c.json && c.pretty && c.timestamp && c.stats == 2);
        let c = cli("-batch - -force");
        assert_eq!((c.batch.as_deref(), c.force), (Some("-"), true));
        let c = cli("-b /tmp/x -j");
        assert_eq!(c.batch.as_deref(), Some("/tmp/x"));
        assert!(c.command.is_none() && c.json);
        // Abbreviations reach the right command.
        let (_, _, what, args) = {
            let c = cli("p a vp1 switch sw0");
            let j = c.json;
            let (w, a) = words(c);
            (j, false, w, a)
        };
        assert_eq!((what.as_str(), args.len()), ("port add", 3));
        assert_eq!(words(cli("sw sh sw0")).0, "switch show");
        assert_eq!(words(cli("ac fl p1")).0, "acl flush");
        assert_eq!(words(cli("f fl sw0")).0, "fdb flush");
        assert_eq!(words(cli("ac def p1 in deny")).0, "acl default");
        assert_eq!(words(cli("vm")).0, "vmq");
        assert_eq!(words(cli("m -t")).0, "monitor");
    }

    /// The shortest forms the documentation lists are what the tool accepts.
    #[test]
    fn documented_shortest_forms() {
        let forms = argv::shortest_forms(&Cli::command());
        let doc = include_str!("../../../docs/cli.md");
        let missing: Vec<String> = forms
            .iter()
            .map(|(full, short)| format!("| `{full}` | `{short}` |"))
            .filter(|row| !doc.contains(row.as_str()))
            .collect();
        assert!(
            missing.is_empty(),
            "docs/cli.md lacks the rows:\n{}",
            missing.join("\n")
        );
    }

    /// Help is wrapped to the terminal's width (clap's `wrap_help`: the width of the
    /// terminal, or `COLUMNS`), the long syntax lines included.
    #[test]
    fn help_wraps() {
        let mut root = Cli::command().term_width(50);
        root.build();
        let add = root
            .find_subcommand_mut("switch")
            .and_then(|s| s.find_subcommand_mut("add"))
            .unwrap();
        let help = add.render_help().to_string();
        assert!(help.contains("uplink"));
        for l in help.lines() {
            assert!(l.chars().count() <= 50, "{l:?}");
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
