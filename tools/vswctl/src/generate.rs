// SPDX-License-Identifier: GPL-2.0
//! Man pages and shell completions, generated from the clap tree (`vswctl generate DIR`,
//! run by `make tool`), so they never drift from the tool.
//!
//! Layout under DIR, as under `/usr/share` (an install copies the tree as is):
//! - `man/man8/vswctl.8`, `man/man8/vswctl-switch.8`, `man/man8/vswctl-switch-add.8`, ...
//!   (one page per command; section 8: it administers the kernel);
//! - `bash-completion/completions/vswctl`;
//! - `zsh/site-functions/_vswctl`.
//!
//! The keyword arguments (`uplink DEV ageing SECS`) are free words to clap; for the
//! completions each command's keywords are taken from its syntax line (the help of its
//! `ARGS`) and offered as the values of `ARGS`.

use std::io;
use std::path::{Path, PathBuf};

use clap::builder::PossibleValuesParser;
use clap::Command;
use clap_complete::Shell;

/// The man page directory under DIR.
pub const MAN_DIR: &str = "man/man8";
/// The bash completion file under DIR.
pub const BASH_FILE: &str = "bash-completion/completions/vswctl";
/// The zsh completion file under DIR.
pub const ZSH_FILE: &str = "zsh/site-functions/_vswctl";

/// Write every man page and both completion files under `dir`; returns the files written.
pub fn write_all(cmd: &Command, dir: &Path) -> io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let man = dir.join(MAN_DIR);
    std::fs::create_dir_all(&man)?;
    let mut root = cmd.clone().disable_help_subcommand(true);
    root.build();
    man_pages(&root, &man, &mut files)?;

    let mut comp = with_keywords(without_hidden(cmd));
    for (shell, rel) in [(Shell::Bash, BASH_FILE), (Shell::Zsh, ZSH_FILE)] {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let mut f = std::fs::File::create(&path)?;
        clap_complete::generate(shell, &mut comp, "vswctl", &mut f);
        files.push(path);
    }
    Ok(files)
}

/// The pages of `cmd` (built: subcommands carry their `vswctl-switch-add` display names)
/// and of its visible subcommands.
fn man_pages(cmd: &Command, dir: &Path, files: &mut Vec<PathBuf>) -> io::Result<()> {
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        man_pages(sub, dir, files)?;
    }
    let page = clap_mangen::Man::new(cmd.clone())
        .section("8")
        .manual("vswitch");
    files.push(page.generate_to(dir)?);
    Ok(())
}

/// `cmd` without its hidden subcommands (`raw`, `generate`): the completion generators
/// offer hidden ones too, and clap cannot remove a subcommand, so the top level is rebuilt.
fn without_hidden(cmd: &Command) -> Command {
    let mut c = Command::new(cmd.get_name().to_string())
        .args(cmd.get_arguments().cloned())
        .subcommands(cmd.get_subcommands().filter(|s| !s.is_hide_set()).cloned());
    if let Some(v) = cmd.get_version() {
        c = c.version(v.to_string());
    }
    c
}

/// `cmd` with the keywords of each command's syntax line as the possible values of its
/// free-word argument, for the completion generators only (parsing stays free).
pub fn with_keywords(mut cmd: Command) -> Command {
    let subs: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for name in subs {
        cmd = cmd.mut_subcommand(name, with_keywords);
    }
    // The free words are the `args` positional of each command (see `main.rs`).
    let free: Vec<(String, Vec<String>)> = cmd
        .get_positionals()
        .filter(|a| a.get_id() == "args")
        .filter_map(|a| {
            let help = a.get_help()?.to_string();
            Some((a.get_id().to_string(), keywords(&help)))
        })
        .filter(|(_, k)| !k.is_empty())
        .collect();
    for (id, kws) in free {
        cmd = cmd.mut_arg(id, |a| a.value_parser(PossibleValuesParser::new(kws)));
    }
    cmd
}

/// The keywords of a syntax line: its lowercase words outside parentheses (which hold
/// prose), skipping explanation lines (`RATE: bits/s, ...`), the label of a syntax
/// line (`SECURITY: [...]`, `VF port: PORT ...`) and prose after a `;`.
pub fn keywords(help: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for line in help.lines() {
        let line = strip_parens(line);
        let line = line.split(';').next().unwrap_or("");
        let syntax = match line.split_once(": ") {
            Some((label, rest)) if !label.contains('[') => {
                let rest = rest.trim_start();
                // A syntax line after its label starts with `[` or a placeholder.
                if rest.starts_with('[') || rest.starts_with(|c: char| c.is_ascii_uppercase()) {
                    rest
                } else {
                    continue;
                }
            }
            _ => line,
        };
        for t in syntax.split(|c: char| c.is_whitespace() || "[]|,".contains(c)) {
            let ok = t.starts_with(|c: char| c.is_ascii_lowercase())
                && t.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
            if ok && !out.iter().any(|k| k == t) {
                out.push(t.to_string());
            }
        }
    }
    out
}

/// `s` without its `( ... )` parts (nested ones included).
fn strip_parens(s: &str) -> String {
    let mut depth = 0u32;
    s.chars()
        .filter(|&c| {
            match c {
                '(' => depth += 1,
                ')' => {
                    depth = depth.saturating_sub(1);
                    return false;
                }
                _ => {}
            }
            depth == 0
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cmd;

    #[test]
    fn keywords_of_syntax_lines() {
        let k = keywords(cmd::switch::ADD_USAGE);
        for w in [
            "uplink",
            "ageing",
            "fdb-max",
            "sriov",
            "group-fwd-mask",
            "vmq",
            "off",
            "dynamic",
            "vmq-low",
            "vmq-software",
        ] {
            assert!(k.iter().any(|x| x == w), "{w} not in {k:?}");
        }
        // Prose is not offered.
        for w in ["after", "also", "link-local", "bits", "cannot", "decimal"] {
            assert!(!k.iter().any(|x| x == w), "{w} in {k:?}");
        }
        let k = keywords(cmd::port::SET_USAGE);
        for w in [
            "mac",
            "mtu",
            "mode",
            "access",
            "trunk",
            "vlans",
            "native",
            "rate-in",
            "weight",
            "mac-spoof",
            "storm-limit",
            "none",
        ] {
            assert!(k.iter().any(|x| x == w), "{w} not in {k:?}");
        }
        for w in [
            "bits", "units", "bit", "kbit", "no", "limit", "e", "default",
        ] {
            assert!(!k.iter().any(|x| x == w), "{w} in {k:?}");
        }
        let k = keywords(cmd::port::ADD_USAGE);
        assert!(k.iter().any(|x| x == "vf"), "{k:?}");
        assert!(!k.iter().any(|x| x == "takes"), "{k:?}");
        assert_eq!(
            keywords(cmd::monitor::USAGE),
            ["switch", "port", "fdb", "vmq", "acl"]
        );
        assert_eq!(keywords(cmd::acl::DEL_USAGE), ["in", "out", "prio"]);
        assert_eq!(keywords(cmd::fdb::FLUSH_USAGE), ["port", "vlan", "static"]);
        assert!(keywords("SW").is_empty());
    }

    /// Every file is written; pages and completions carry the commands and keywords, not
    /// the hidden commands.
    #[test]
    fn files() {
        let cmd = Command::new("vswctl")
            .version("1.0")
            .arg(
                clap::Arg::new("json")
                    .short('j')
                    .long("json")
                    .action(clap::ArgAction::SetTrue),
            )
            .subcommand(
                Command::new("switch").subcommand(
                    Command::new("add").arg(
                        clap::Arg::new("args")
                            .num_args(0..)
                            .help(cmd::switch::ADD_USAGE),
                    ),
                ),
            )
            .subcommand(Command::new("raw").hide(true));
        let dir = std::env::temp_dir().join(format!("vswctl-gen-{}", std::process::id()));
        let files = write_all(&cmd, &dir).unwrap();
        let read = |rel: &str| std::fs::read_to_string(dir.join(rel)).unwrap();
        let names: Vec<String> = files
            .iter()
            .map(|f| f.strip_prefix(&dir).unwrap().display().to_string())
            .collect();
        assert_eq!(
            names,
            [
                "man/man8/vswctl-switch-add.8",
                "man/man8/vswctl-switch.8",
                "man/man8/vswctl.8",
                BASH_FILE,
                ZSH_FILE
            ]
        );
        assert!(read("man/man8/vswctl-switch-add.8").contains("uplink"));
        assert!(read("man/man8/vswctl.8").contains(".TH vswctl 8"));
        for f in [BASH_FILE, ZSH_FILE] {
            let t = read(f);
            assert!(
                t.contains("switch") && t.contains("ageing") && t.contains("--json"),
                "{f}"
            );
            assert!(!t.contains("raw"), "{f}");
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn parens() {
        assert_eq!(strip_parens("a (b (c) d) e"), "a  e");
        assert_eq!(strip_parens("a) b"), "a b");
    }
}
