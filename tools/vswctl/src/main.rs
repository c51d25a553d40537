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

fn run(cli: Cli) -> Result<(), Error> {
    let out = Output {
        json: cli.json,
        stats: cli.stats,
    };
    match cli.command {
        Command::Version => cmd::version::run(&out),
        Command::Raw { dump, cmd, attrs } => cmd::raw::run(&out, cmd, &attrs, dump),
    }
}

fn main() -> ExitCode {
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

    #[test]
    fn raw_hidden_from_main_help() {
        let help = Cli::command().render_help().to_string();
        assert!(help.contains("version"));
        assert!(!help.contains("raw"), "{help}");
    }
}
