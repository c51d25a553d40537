// SPDX-License-Identifier: GPL-2.0
//! `vswctl dump`, `vswctl diff FILE`, `vswctl apply [--check] FILE`: the running
//! configuration as a document, and a document made the running configuration (see
//! [`crate::config`] and `docs/config.md`).
//!
//! `apply` builds every request before sending the first (a step the tool itself would
//! refuse stops it before any change); if the kernel refuses a step, the steps done are
//! undone, last first, and the error says which step failed.

use super::{acl, fdb, port, switch, Request};
use crate::config::doc::Doc;
use crate::config::plan::{self, Line, Step};
use crate::config::running;
use crate::netlink::Client;
use crate::output::Output;
use crate::Error;

/// The request of a step's command line, through the command line's own builders.
pub fn request_of(line: &[String]) -> Result<Request, String> {
    let (obj, verb, rest) = match line {
        [o, v, rest @ ..] => (o.as_str(), v.as_str(), rest),
        _ => return Err(format!("not a command: \"{}\"", plan::text(line))),
    };
    match (obj, verb) {
        ("switch", "add") => switch::add_request(rest),
        ("switch", "set") => switch::set_request(rest),
        ("switch", "del") => switch::del_request(rest, false),
        ("port", "add") => port::add_request(rest),
        ("port", "set") => port::set_request(rest),
        ("port", "del") => port::del_request(rest),
        ("acl", "add") => acl::add_request(rest),
        ("acl", "del") => acl::del_request(rest),
        ("acl", "default") => acl::default_request(rest),
        ("fdb", "add") => fdb::add_request(rest),
        ("fdb", "del") => fdb::del_request(rest),
        _ => Err(format!("not a command: \"{}\"", plan::text(line))),
    }
}

/// Read, parse and check a document; errors are prefixed with the file name.
pub fn load(path: &str) -> Result<Doc, Error> {
    let text = if path == "-" {
        std::io::read_to_string(std::io::stdin())
    } else {
        std::fs::read_to_string(path)
    }
    .map_err(|e| Error::Usage(format!("cannot read {path}: {e}")))?;
    let mut doc = Doc::parse(&text).map_err(|e| Error::Usage(format!("{path}: {e}")))?;
    doc.normalize()
        .map_err(|e| Error::Usage(format!("{path}: {e}")))?;
    // Every command it would take to build it from nothing must be one the tool takes.
    for s in plan::plan(&Doc::default(), &doc, false) {
        request_of(&s.line).map_err(|e| Error::Usage(format!("{path}: {}: {e}", s.text())))?;
    }
    Ok(doc)
}

/// `vswctl dump`: YAML, or JSON with `-j`.
pub fn dump(out: &Output) -> Result<(), Error> {
    let client = Client::connect()?;
    let doc = running::read(&client)?;
    if out.json {
        out.json(&doc)?;
    } else {
        use std::io::Write;
        std::io::stdout()
            .lock()
            .write_all(doc.to_yaml().as_bytes())?;
    }
    Ok(())
}

fn steps_for(path: &str, prune: bool) -> Result<(Client, Vec<Step>), Error> {
    let want = load(path)?;
    let client = Client::connect()?;
    let run = running::read(&client)?;
    Ok((client, plan::plan(&run, &want, prune)))
}

/// `vswctl diff [--prune] FILE`: the steps `apply` would run, one command line each.
pub fn diff(out: &Output, path: &str, prune: bool) -> Result<(), Error> {
    let (_, steps) = steps_for(path, prune)?;
    if out.json {
        let lines: Vec<String> = steps.iter().map(Step::text).collect();
        out.json(&lines)?;
    } else {
        for s in &steps {
            out.line(s.text())?;
        }
    }
    Ok(())
}

/// `vswctl apply [--check] [--prune] FILE`.
pub fn apply(path: &str, check: bool, prune: bool) -> Result<(), Error> {
    if check {
        return load(path).map(|_| ());
    }
    let (client, steps) = steps_for(path, prune)?;
    let reqs = steps
        .iter()
        .map(|s| request_of(&s.line).map_err(|e| Error::Usage(format!("{}: {e}", s.text()))))
        .collect::<Result<Vec<_>, _>>()?;
    for (i, req) in reqs.iter().enumerate() {
        if let Err(e) = req.send(&client) {
            eprintln!(
                "vswctl: apply: step {} of {} failed: {}",
                i + 1,
                steps.len(),
                steps[i].text()
            );
            undo(&client, &plan::rollback(&steps, i), i);
            return Err(e);
        }
    }
    Ok(())
}

/// Run the undo lines of the `done` steps; a failing one is reported and the rest still
/// run (each puts back an independent piece).
fn undo(client: &Client, lines: &[Line], done: usize) {
    let mut failed = 0;
    for l in lines {
        let r = request_of(l)
            .map_err(Error::Usage)
            .and_then(|req| req.send(client).map(|_| ()));
        if let Err(e) = r {
            eprintln!(
                "vswctl: apply: rollback step failed: {}: {e}",
                plan::text(l)
            );
            failed += 1;
        }
    }
    if failed == 0 {
        eprintln!("vswctl: apply: rolled back the {done} step(s) done");
    } else {
        eprintln!("vswctl: apply: rollback incomplete ({failed} undo step(s) failed)");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn steps_go_through_the_command_builders() {
        let r = request_of(&w("switch del sw0 force")).unwrap();
        assert_eq!(r, switch::del_request(&w("sw0"), true).unwrap());
        let r = request_of(&w("acl default p1 in deny")).unwrap();
        assert_eq!(r, acl::default_request(&w("p1 in deny")).unwrap());
        assert!(request_of(&w("vmq show")).is_err());
        assert!(request_of(&w("port")).is_err());
        // The builders' own checks apply.
        assert!(request_of(&w("port add p1"))
            .unwrap_err()
            .contains("switch SW"));
    }

    fn file(name: &str, text: &str) -> String {
        let p = std::env::temp_dir().join(format!("vswctl-apply-{}-{name}", std::process::id()));
        std::fs::write(&p, text).unwrap();
        p.to_string_lossy().into_owned()
    }

    /// `apply --check`: no socket; the error names the file, the key and the line.
    #[test]
    fn check_only_loads() {
        let ok = file(
            "ok.yaml",
            "switches:\n- name: sw0\n  ports:\n  - name: p1\n    mtu: 9000\n",
        );
        assert!(apply(&ok, true, false).is_ok());
        let bad = file(
            "bad.yaml",
            "switches:\n- name: sw0\n  ports:\n  - name: p1\n    mut: 9000\n",
        );
        match apply(&bad, true, false) {
            Err(Error::Usage(m)) => {
                assert!(
                    m.starts_with(&bad) && m.contains("mut") && m.contains("line 5"),
                    "{m}"
                )
            }
            other => panic!("{other:?}"),
        }
        let json = file(
            "bad.json",
            "{\"switches\": [{\"name\": \"sw0\", \"ageing\": \"x\"}]}",
        );
        match apply(&json, true, false) {
            Err(Error::Usage(m)) => assert!(m.contains("line 1"), "{m}"),
            other => panic!("{other:?}"),
        }
        match apply("/nonexistent/vswitch.yaml", true, false) {
            Err(Error::Usage(m)) => assert!(m.starts_with("cannot read /nonexistent"), "{m}"),
            other => panic!("{other:?}"),
        }
        for f in [ok, bad, json] {
            let _ = std::fs::remove_file(f);
        }
    }
}
