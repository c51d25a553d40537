// SPDX-License-Identifier: GPL-2.0
//! `vswctl -batch FILE` (`-b FILE`, `-` for stdin): one command per line, as `ip -batch`.
//!
//! Lines are split into words as a shell would (`'...'`, `"..."` and `\` quote; a word
//! starting with `#` starts a comment to the end of the line); empty lines are skipped.
//! The first failing line stops the batch unless `-force` is given, which runs every line
//! and still exits non-zero if any failed: with the worst status of the failed lines
//! (2 if the kernel refused one, else 1).

use std::io::BufRead;

use crate::Error;

/// How a batch ended: the exit status and how many lines failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    pub status: u8,
    pub failed: usize,
}

/// Open the batch input: `-` is stdin. A missing file is said as such (exit status 1).
pub fn open(path: &str) -> Result<Box<dyn BufRead>, Error> {
    if path == "-" {
        return Ok(Box::new(std::io::BufReader::new(std::io::stdin())));
    }
    std::fs::File::open(path)
        .map(|f| Box::new(std::io::BufReader::new(f)) as Box<dyn BufRead>)
        .map_err(|e| {
            let why = e.raw_os_error().map_or(e.to_string(), crate::errno::text);
            Error::Input(format!("cannot open batch file \"{path}\": {why}"))
        })
}

/// The words of one line; `None` for an unterminated quote.
pub fn split(line: &str) -> Option<Vec<String>> {
    shlex::split(line)
}

/// Run every line of `input` through `run` (which gets the line's words and returns the
/// line's exit status, 0 for success, having printed its own error). Errors of the batch
/// itself (unreadable input, bad quoting) are printed here, prefixed by the line number.
pub fn run(
    input: impl BufRead,
    force: bool,
    mut run: impl FnMut(usize, &[String]) -> u8,
) -> Outcome {
    let mut out = Outcome {
        status: 0,
        failed: 0,
    };
    for (i, line) in input.lines().enumerate() {
        let n = i + 1;
        let status = match line {
            Err(e) => {
                eprintln!("vswctl: line {n}: cannot read batch input: {e}");
                // Nothing after an unreadable line can be trusted.
                out.status = out.status.max(1);
                out.failed += 1;
                return out;
            }
            Ok(line) => match split(&line) {
                None => {
                    eprintln!("vswctl: line {n}: unterminated quote");
                    1
                }
                Some(words) if words.is_empty() => 0,
                Some(words) => run(n, &words),
            },
        };
        if status != 0 {
            out.status = out.status.max(status);
            out.failed += 1;
            if !force {
                break;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str, force: bool, fail: &[&str]) -> (Outcome, Vec<(usize, Vec<String>)>) {
        let mut seen = Vec::new();
        let o = run(text.as_bytes(), force, |n, w| {
            seen.push((n, w.to_vec()));
            match fail.iter().position(|f| *f == w[0]) {
                Some(i) => (i + 1) as u8,
                None => 0,
            }
        });
        (o, seen)
    }

    #[test]
    fn quoting_and_comments() {
        let (o, seen) = lines(
            "# a comment line\n\
             \n\
             switch add 'sw 0' # trailing comment\n\
             port add \"vp 1\" switch sw0\n\
             \t  \n\
             fdb show a\\ b #\n",
            false,
            &[],
        );
        assert_eq!(
            o,
            Outcome {
                status: 0,
                failed: 0
            }
        );
        assert_eq!(
            seen,
            [
                (3, vec!["switch".into(), "add".into(), "sw 0".into()]),
                (
                    4,
                    vec![
                        "port".into(),
                        "add".into(),
                        "vp 1".into(),
                        "switch".into(),
                        "sw0".into()
                    ]
                ),
                (6, vec!["fdb".into(), "show".into(), "a b".into()]),
            ]
        );
        // `#` inside a word is not a comment.
        assert_eq!(split("acl add a#b").unwrap(), ["acl", "add", "a#b"]);
        assert_eq!(split("x 'unterminated"), None);
    }

    #[test]
    fn stops_at_first_failure() {
        let (o, seen) = lines("ok\nbad1\nok\n", false, &["bad1"]);
        assert_eq!(
            o,
            Outcome {
                status: 1,
                failed: 1
            }
        );
        assert_eq!(seen.len(), 2);
        let (o, seen) = lines("ok\n'open\nok\n", false, &[]);
        assert_eq!(
            o,
            Outcome {
                status: 1,
                failed: 1
            }
        );
        assert_eq!(seen.len(), 1);
    }

    #[test]
    fn force_runs_every_line() {
        let (o, seen) = lines("bad2\nok\nbad1\n'open\nok\n", true, &["bad1", "bad2"]);
        assert_eq!(
            o,
            Outcome {
                status: 2,
                failed: 3
            }
        );
        assert_eq!(seen.iter().map(|s| s.0).collect::<Vec<_>>(), [1, 2, 3, 5]);
        let (o, _) = lines("ok\nok\n", true, &[]);
        assert_eq!(
            o,
            Outcome {
                status: 0,
                failed: 0
            }
        );
    }

    #[test]
    fn missing_file() {
        let e = open("/nonexistent/batch").err().unwrap();
        assert_eq!(
            e.to_string(),
            "cannot open batch file \"/nonexistent/batch\": No such file or directory"
        );
        assert_eq!(e.exit_code(), 1);
    }
}
