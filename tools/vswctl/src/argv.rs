// SPDX-License-Identifier: GPL-2.0
//! The iproute2 habits of the command line, applied to `argv` before clap sees it:
//!
//! - single-dash long options (`-json`, `-pretty`, `-stats`, `-timestamp`, `-batch`,
//!   `-force`, `-help`, `-Version`) become clap's double-dash ones;
//! - object and command words may be abbreviated to any unambiguous prefix (`sw sh` is
//!   `switch show`, `p a` is `port add`), as `ip` accepts `ip l s`; an exact name or alias
//!   always wins (`del` is not ambiguous with `default`);
//! - the word `help` anywhere prints the usage of the level it is given at
//!   (`switch add help` is `switch add --help`) and never runs the command.
//!
//! Working on the clap [`Command`] tree keeps the words in one place (the derive in
//! `main.rs`); clap itself only accepts exact subcommand names.

use clap::Command;

/// iproute2's single-dash long options and clap's spelling of them.
const SINGLE_DASH: &[(&str, &str)] = &[
    ("-json", "--json"),
    ("-pretty", "--pretty"),
    ("-stats", "--stats"),
    ("-statistics", "--stats"),
    ("-timestamp", "--timestamp"),
    ("-batch", "--batch"),
    ("-force", "--force"),
    ("-help", "--help"),
    ("-Version", "--version"),
];

/// `argv` (program name first) rewritten for clap: options respelled, abbreviations
/// expanded, or `PROG PATH... --help` if a `help` word was given. An ambiguous abbreviation
/// is an error line (without the `vswctl: ` prefix).
pub fn normalize(cmd: &Command, argv: &[String]) -> Result<Vec<String>, String> {
    let mut out: Vec<String> = Vec::with_capacity(argv.len());
    let mut path: Vec<String> = Vec::new();
    let mut cur = cmd;
    // Still at a level whose next plain word names a subcommand.
    let mut in_tree = true;
    let mut words = argv.iter().map(|w| respell(w));
    if let Some(prog) = words.next() {
        out.push(prog);
    }
    while let Some(w) = words.next() {
        if w == "--" {
            // Everything after is a plain argument; `help` included.
            out.push(w);
            out.extend(words);
            break;
        }
        if w.starts_with('-') && w.len() > 1 {
            let takes_value = option_takes_value(cur, &w);
            out.push(w);
            if takes_value {
                if let Some(v) = words.next() {
                    out.push(v);
                }
            }
            continue;
        }
        if w == "help" {
            let mut help = Vec::with_capacity(path.len() + 2);
            help.push(out[0].clone());
            help.extend(path);
            help.push("--help".to_string());
            return Ok(help);
        }
        if in_tree && cur.has_subcommands() {
            match resolve(cur, &w)? {
                Some(sub) => {
                    path.push(sub.get_name().to_string());
                    out.push(sub.get_name().to_string());
                    cur = sub;
                    continue;
                }
                // Not a subcommand: left for clap to report, or a leaf's argument.
                None => in_tree = false,
            }
        } else {
            in_tree = false;
        }
        out.push(w);
    }
    Ok(out)
}

/// `w` in clap's spelling if it is one of iproute2's single-dash long options.
fn respell(w: &str) -> String {
    SINGLE_DASH
        .iter()
        .find(|(ip, _)| *ip == w)
        .map_or(w, |(_, clap)| *clap)
        .to_string()
}

/// Whether option word `w` (`--batch`, `-b`, `-jb`) of command `cmd` (or a global one) is
/// followed by its value as the next word.
fn option_takes_value(cmd: &Command, w: &str) -> bool {
    let takes = |a: &clap::Arg| a.get_action().takes_values();
    if let Some(long) = w.strip_prefix("--") {
        if long.contains('=') {
            return false;
        }
        return cmd
            .get_arguments()
            .any(|a| a.get_long() == Some(long) && takes(a));
    }
    // A cluster of short flags: only its last letter may take the next word as value,
    // unless the value is attached (`-bFILE`).
    let shorts: Vec<char> = w[1..].chars().collect();
    for (i, c) in shorts.iter().enumerate() {
        if let Some(a) = cmd.get_arguments().find(|a| a.get_short() == Some(*c)) {
            if takes(a) {
                return i + 1 == shorts.len();
            }
        }
    }
    false
}

/// The subcommand of `cmd` that word `w` names: its name or an alias exactly, else the
/// one subcommand with a name or alias starting with `w` (hidden subcommands only by
/// their exact name). `None` if no subcommand fits; an error if several do.
fn resolve<'a>(cmd: &'a Command, w: &str) -> Result<Option<&'a Command>, String> {
    let words = |c: &'a Command| std::iter::once(c.get_name()).chain(c.get_all_aliases());
    if let Some(exact) = cmd.get_subcommands().find(|c| words(c).any(|n| n == w)) {
        return Ok(Some(exact));
    }
    let fits: Vec<&Command> = cmd
        .get_subcommands()
        .filter(|c| !c.is_hide_set() && words(c).any(|n| n.starts_with(w)))
        .collect();
    match fits.as_slice() {
        [] => Ok(None),
        [one] => Ok(Some(one)),
        many => {
            let names: Vec<&str> = many.iter().map(|c| c.get_name()).collect();
            let at = if cmd.get_name() == "vswctl" {
                String::new()
            } else {
                format!("{} ", cmd.get_name())
            };
            Err(format!(
                "\"{at}{w}\" is ambiguous: {} (give more letters)",
                names.join(", ")
            ))
        }
    }
}

/// The shortest unambiguous abbreviation of every subcommand under `cmd`, as the words
/// one types: `("switch show", "s sh")`. For the documentation and its test.
pub fn shortest_forms(cmd: &Command) -> Vec<(String, String)> {
    let mut out = Vec::new();
    walk(cmd, &mut Vec::new(), &mut Vec::new(), &mut out);
    out
}

fn walk(
    cmd: &Command,
    full: &mut Vec<String>,
    short: &mut Vec<String>,
    out: &mut Vec<(String, String)>,
) {
    for sub in cmd.get_subcommands().filter(|c| !c.is_hide_set()) {
        let name = sub.get_name();
        let abbrev = (1..=name.len())
            .map(|n| &name[..n])
            .find(|p| matches!(resolve(cmd, p), Ok(Some(c)) if c.get_name() == name))
            .unwrap_or(name);
        full.push(name.to_string());
        short.push(abbrev.to_string());
        out.push((full.join(" "), short.join(" ")));
        walk(sub, full, short, out);
        full.pop();
        short.pop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::{Arg, ArgAction};

    /// A tree shaped like vswctl's: aliases, a hidden subcommand, a valued global option.
    fn tree() -> Command {
        let leaf = |n: &'static str| Command::new(n).arg(Arg::new("args").num_args(0..));
        let obj = |n: &'static str| {
            Command::new(n)
                .subcommand(leaf("add"))
                .subcommand(leaf("set").alias("change"))
                .subcommand(leaf("del").alias("delete"))
                .subcommand(leaf("show").visible_alias("list").alias("ls"))
        };
        Command::new("vswctl")
            .arg(
                Arg::new("json")
                    .short('j')
                    .long("json")
                    .action(ArgAction::SetTrue),
            )
            .arg(Arg::new("batch").short('b').long("batch"))
            .subcommand(leaf("version"))
            .subcommand(obj("switch"))
            .subcommand(obj("port"))
            .subcommand(obj("acl").subcommand(leaf("default")))
            .subcommand(leaf("vmq"))
            .subcommand(leaf("raw").hide(true))
    }

    fn n(s: &str) -> Result<String, String> {
        let argv: Vec<String> = std::iter::once("vswctl")
            .chain(s.split_whitespace())
            .map(String::from)
            .collect();
        normalize(&tree(), &argv).map(|v| v[1..].join(" "))
    }

    #[test]
    fn abbreviations() {
        assert_eq!(n("sw sh").unwrap(), "switch show");
        assert_eq!(n("p a vp1 switch sw0").unwrap(), "port add vp1 switch sw0");
        assert_eq!(n("s a sw0").unwrap(), "switch add sw0");
        // Aliases resolve to their command; an exact word always wins.
        assert_eq!(n("port l").unwrap(), "port show");
        assert_eq!(n("port d vp1").unwrap(), "port del vp1");
        assert_eq!(n("acl del p1").unwrap(), "acl del p1");
        assert_eq!(n("acl def p1 in deny").unwrap(), "acl default p1 in deny");
        // Only object/command words: arguments stay as given.
        assert_eq!(n("port add s").unwrap(), "port add s");
        assert_eq!(n("switch sw0").unwrap(), "switch sw0");
        // Unknown words are left for clap to refuse.
        assert_eq!(n("frob").unwrap(), "frob");
        // Hidden commands only by their exact name.
        assert_eq!(n("r").unwrap(), "r");
        assert_eq!(n("raw 1").unwrap(), "raw 1");
    }

    #[test]
    fn ambiguous_prefixes() {
        assert_eq!(
            n("v").unwrap_err(),
            "\"v\" is ambiguous: version, vmq (give more letters)"
        );
        assert_eq!(
            n("switch s").unwrap_err(),
            "\"switch s\" is ambiguous: set, show (give more letters)"
        );
        assert!(n("acl de p1").unwrap_err().contains("del, default"));
    }

    #[test]
    fn options() {
        assert_eq!(n("-json sw sh").unwrap(), "--json switch show");
        assert_eq!(n("-j p sh -pretty").unwrap(), "-j port show --pretty");
        // The value of -b is not a command word (nor a help request).
        assert_eq!(n("-b sw").unwrap(), "-b sw");
        assert_eq!(n("-batch help").unwrap(), "--batch help");
        assert_eq!(n("-jb help -force").unwrap(), "-jb help --force");
        assert_eq!(n("--batch=x").unwrap(), "--batch=x");
        assert_eq!(n("-Version").unwrap(), "--version");
    }

    #[test]
    fn help_word() {
        assert_eq!(n("switch add help").unwrap(), "switch add --help");
        assert_eq!(n("sw a sw0 uplink help").unwrap(), "switch add --help");
        assert_eq!(n("help").unwrap(), "--help");
        assert_eq!(n("-j port help").unwrap(), "port --help");
        assert_eq!(n("vmq help").unwrap(), "vmq --help");
        assert_eq!(n("-help").unwrap(), "--help");
        // After `--` it is a plain word.
        assert_eq!(n("port add -- help").unwrap(), "port add -- help");
    }

    #[test]
    fn shortest() {
        let f = shortest_forms(&tree());
        let get = |k: &str| f.iter().find(|(a, _)| a == k).unwrap().1.clone();
        assert_eq!(get("switch show"), "s sh");
        assert_eq!(get("port add"), "p a");
        assert_eq!(get("acl default"), "a def");
        assert_eq!(get("version"), "ve");
        assert_eq!(get("vmq"), "vm");
        assert!(f.iter().all(|(a, _)| !a.starts_with("raw")));
        // Every shortest form expands back to its command.
        for (full, short) in &f {
            assert_eq!(&n(short).unwrap(), full);
        }
    }
}
