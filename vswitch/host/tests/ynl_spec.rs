//! `Documentation/netlink/specs/vswitch.yaml` (the family's YNL spec, for the kernel's
//! `tools/net/ynl`) must say what `vswitch/uapi.rs` (the source of truth) and the kernel's
//! policy table (`static POLICY` in vswitch/netlink) say:
//!
//! - every command of `uapi::cmd` is an operation of the same number, and every operation is
//!   a command, or an event (`NAME-ntf`) numbered like its command NAME;
//! - the operations with `do`/`dump` are the ones the family's ops table (`const OPS`) has,
//!   `dump` where it says `dump: true`, `do` unless the handler refuses anything but a dump;
//!   the commands sent as events (vswitch/netlink) are the spec's events;
//! - every attribute of `uapi::attr`, `stats`, `irq_attr` and `binding_attr` is in the spec's
//!   attribute set of the same C prefix (`vswitch-attr-`, ...), same name and number, and
//!   nothing more; every value enum (`vlan_mode`, ...) and constant likewise;
//! - each top-level attribute's type and length is the POLICY table's (string max length,
//!   binary exact or max length); nested attributes have the type their uapi.rs doc states;
//!   every `put_*` of a reply in vswitch/netlink matches the spec's type;
//! - the ranges that come from shared constants (VLAN ids, weights, VMQ CPUs and queues)
//!   are the spec's `checks`.
//!
//! Names map SCREAMING_SNAKE (uapi.rs) <-> kebab-case (spec): `FDB_MAX` <-> `fdb-max`.
//! Each test collects every mismatch and fails with the whole list.
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use yaml_rust2::{Yaml, YamlLoader};

const SPEC: &str = "Documentation/netlink/specs/vswitch.yaml";

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(repo().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn spec() -> Yaml {
    let mut docs = YamlLoader::load_from_str(&read(SPEC)).unwrap_or_else(|e| panic!("{SPEC}: bad YAML: {e}"));
    assert_eq!(docs.len(), 1, "{SPEC}: one YAML document expected");
    docs.remove(0)
}

fn kebab(s: &str) -> String {
    s.to_ascii_lowercase().replace('_', "-")
}

/// An optional number for a message.
fn opt(v: Option<i64>) -> String {
    v.map_or("none".into(), |v| v.to_string())
}

/// Fails with every message of `errs`, if any.
fn report(what: &str, errs: Vec<String>) {
    if !errs.is_empty() {
        panic!("{SPEC} disagrees with {what}:\n  - {}\n", errs.join("\n  - "));
    }
}

// ---------------------------------------------------------------------------------------------
// uapi.rs

/// One `pub const` of uapi.rs: name, value (as written), the doc comment above it.
#[derive(Clone, Debug)]
struct Const {
    name: String,
    ty: String,
    value: String,
    doc: String,
}

/// `pub mod NAME { ... }` of uapi.rs: its doc comment and constants (without `MAX`).
struct RsMod {
    doc: String,
    consts: Vec<Const>,
    max: Option<String>,
}

fn uapi_src() -> String {
    read("vswitch/uapi.rs")
}

/// The `pub const` lines of `body` (one nesting level), with the `///` lines above each.
fn consts_of(body: &str) -> Vec<Const> {
    let mut out = Vec::new();
    let mut doc = String::new();
    let mut depth = 0i32;
    for line in body.lines() {
        let t = line.trim();
        if depth == 0 {
            if let Some(d) = t.strip_prefix("///") {
                doc.push_str(d.trim());
                doc.push(' ');
                continue;
            }
            if let Some(rest) = t.strip_prefix("pub const ") {
                let (name, rest) = rest.split_once(':').expect("pub const NAME: T = V;");
                let (ty, val) = rest.split_once('=').expect("pub const NAME: T = V;");
                out.push(Const {
                    name: name.trim().to_string(),
                    ty: ty.trim().to_string(),
                    value: val.trim().trim_end_matches(';').trim().to_string(),
                    doc: doc.trim().to_string(),
                });
            }
        }
        depth += t.matches('{').count() as i32 - t.matches('}').count() as i32;
        doc.clear();
    }
    out
}

fn rs_mod(name: &str) -> RsMod {
    let src = uapi_src();
    let head = format!("pub mod {name} {{");
    let start = src.find(&head).unwrap_or_else(|| panic!("uapi.rs: no `{head}`"));
    let body = &src[start + head.len()..];
    let body = &body[..body.find("\n}").unwrap()];
    // The module's own doc: the `///` lines just above `pub mod`.
    let doc: Vec<&str> = src[..start]
        .lines()
        .rev()
        .map(str::trim)
        .take_while(|l| l.starts_with("///"))
        .map(|l| l.trim_start_matches('/').trim())
        .collect();
    let doc = doc.into_iter().rev().collect::<Vec<_>>().join(" ");
    let all = consts_of(body);
    let max = all.iter().find(|c| c.name == "MAX").map(|c| c.value.clone());
    RsMod { doc, consts: all.into_iter().filter(|c| c.name != "MAX").collect(), max }
}

/// Names of the `pub mod`s of uapi.rs, in order.
fn rs_mod_names() -> Vec<String> {
    uapi_src()
        .lines()
        .filter_map(|l| l.strip_prefix("pub mod "))
        .map(|l| l.trim_end_matches('{').trim().to_string())
        .collect()
}

fn int(v: &str) -> i64 {
    let v = v.replace('_', "");
    if let Some(h) = v.strip_prefix("0x") {
        return i64::from_str_radix(h, 16).unwrap_or_else(|_| panic!("uapi.rs: {v}: literal expected"));
    }
    v.parse().unwrap_or_else(|_| panic!("uapi.rs: {v}: integer literal expected"))
}

/// `(name, number)` of a uapi.rs module, in order.
fn numbered(m: &RsMod) -> Vec<(String, i64)> {
    m.consts.iter().map(|c| (c.name.clone(), int(&c.value))).collect()
}

// ---------------------------------------------------------------------------------------------
// The spec

fn list(y: &Yaml) -> &[Yaml] {
    y.as_vec().map(Vec::as_slice).unwrap_or(&[])
}

fn s<'a>(y: &'a Yaml, key: &str) -> Option<&'a str> {
    y[key].as_str()
}

fn i(y: &Yaml, key: &str) -> Option<i64> {
    y[key].as_i64()
}

fn has(y: &Yaml, key: &str) -> bool {
    !y[key].is_badvalue()
}

/// The spec's attribute sets by name.
fn attr_sets(spec: &Yaml) -> BTreeMap<String, &Yaml> {
    list(&spec["attribute-sets"]).iter().map(|a| (s(a, "name").unwrap_or("?").to_string(), a)).collect()
}

/// `(name, number, yaml)` of a (non-subset) attribute set's attributes, numbered as YNL does:
/// from 1, or from an explicit `value`, each next one plus one.
fn attrs_of(set: &Yaml) -> Vec<(String, i64, &Yaml)> {
    let mut val = 1;
    let mut out = Vec::new();
    for a in list(&set["attributes"]) {
        if let Some(v) = i(a, "value") {
            val = v;
        }
        out.push((s(a, "name").unwrap_or("?").to_string(), val, a));
        val += 1;
    }
    out
}

/// `(name, number, yaml)` of the operations (unified model: numbered like attributes).
fn ops_of(spec: &Yaml) -> Vec<(String, i64, &Yaml)> {
    let mut val = 1;
    let mut out = Vec::new();
    for o in list(&spec["operations"]["list"]) {
        if let Some(v) = i(o, "value") {
            val = v;
        }
        out.push((s(o, "name").unwrap_or("?").to_string(), val, o));
        val += 1;
    }
    out
}

fn definitions(spec: &Yaml) -> BTreeMap<String, &Yaml> {
    list(&spec["definitions"]).iter().map(|d| (s(d, "name").unwrap_or("?").to_string(), d)).collect()
}

/// Entries of an enum definition: `(name, value)`.
fn enum_entries(d: &Yaml) -> Vec<(String, i64)> {
    let mut val = i(d, "value-start").unwrap_or(0);
    let mut out = Vec::new();
    for e in list(&d["entries"]) {
        let (name, v) = match e {
            Yaml::String(n) => (n.clone(), None),
            _ => (s(e, "name").unwrap_or("?").to_string(), i(e, "value")),
        };
        if let Some(v) = v {
            val = v;
        }
        out.push((name, val));
        val += 1;
    }
    out
}

/// Compares `(name, number)` lists: uapi.rs (SCREAMING_SNAKE) against the spec (kebab-case).
fn compare(errs: &mut Vec<String>, what: &str, rs: &[(String, i64)], spec: &[(String, i64)]) {
    let rs: BTreeMap<String, (String, i64)> = rs.iter().map(|(n, v)| (kebab(n), (n.clone(), *v))).collect();
    let sp: BTreeMap<&str, i64> = spec.iter().map(|(n, v)| (n.as_str(), *v)).collect();
    if sp.len() != spec.len() {
        errs.push(format!("{what}: a name appears twice in the spec"));
    }
    for (k, (n, v)) in &rs {
        match sp.get(k.as_str()) {
            None => errs.push(format!("{what}: uapi.rs has {n} = {v}, the spec has no `{k}`")),
            Some(sv) if sv != v => errs.push(format!("{what}: {n} is {v} in uapi.rs, `{k}` is {sv} in the spec")),
            _ => {}
        }
    }
    for (k, v) in &sp {
        if !rs.contains_key(*k) {
            errs.push(format!(
                "{what}: the spec has `{k}` = {v}, uapi.rs has no {}",
                k.to_ascii_uppercase().replace('-', "_")
            ));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// vswitch/netlink: the policy table, the ops table, events and replies

/// The family's source files (vswitch/netlink/*.rs), as (path, text).
fn netlink_sources() -> Vec<(String, String)> {
    let dir = repo().join("vswitch/netlink");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "rs"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let rel = format!("vswitch/netlink/{}", p.file_name().unwrap().to_string_lossy());
            (rel.clone(), read(&rel))
        })
        .collect()
}

/// The text between the brackets that open at `src[open]`.
fn bracketed(src: &str, open: usize, o: char, c: char) -> &str {
    let mut depth = 0;
    for (k, ch) in src[open..].char_indices() {
        if ch == o {
            depth += 1;
        } else if ch == c {
            depth -= 1;
            if depth == 0 {
                return &src[open + 1..open + k];
            }
        }
    }
    panic!("unbalanced {o}{c}");
}

/// Where a constant of the policy table may be defined: `const NAME: T = EXPR;` and
/// `static NAME: Range = Range::new(MIN, MAX);` of the policy's own file first, then of the
/// other kernel sources (vswitch/, vmq/); uapi.rs's module constants also as `module::NAME`.
struct Env {
    consts: BTreeMap<String, String>,
    ranges: BTreeMap<String, (String, String)>,
}

fn rs_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let p = e.unwrap().path();
        if p.is_dir() {
            if p.file_name().is_some_and(|n| n != "host") {
                rs_files(&p, out);
            }
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

fn env_for(policy_file: &str) -> Env {
    let mut env = Env { consts: BTreeMap::new(), ranges: BTreeMap::new() };
    // uapi.rs: top-level constants by name, module ones as `module::NAME`.
    for c in consts_of(&uapi_src()) {
        env.consts.insert(c.name, c.value);
    }
    for m in rs_mod_names() {
        for c in rs_mod(&m).consts {
            env.consts.insert(format!("{m}::{}", c.name), c.value);
        }
    }
    let mut files = Vec::new();
    for d in ["vswitch", "vmq"] {
        rs_files(&repo().join(d), &mut files);
    }
    let mut texts = vec![policy_file.to_string()];
    texts.extend(files.iter().map(|p| std::fs::read_to_string(p).unwrap()));
    for text in texts {
        for l in text.lines() {
            let t = l.trim();
            let t = t.strip_prefix("pub(crate) ").or_else(|| t.strip_prefix("pub ")).unwrap_or(t);
            let (is_static, rest) = match (t.strip_prefix("const "), t.strip_prefix("static ")) {
                (Some(r), _) => (false, r),
                (_, Some(r)) => (true, r),
                _ => continue,
            };
            let Some((name, rest)) = rest.split_once(':') else { continue };
            let Some((_, v)) = rest.split_once('=') else { continue };
            let (name, v) = (name.trim().to_string(), v.trim().trim_end_matches(';').trim());
            if is_static {
                if let Some(args) = v.strip_prefix("Range::new(").and_then(|a| a.strip_suffix(')')) {
                    let a = split_args(args);
                    if a.len() == 2 {
                        env.ranges.entry(name).or_insert((a[0].clone(), a[1].clone()));
                    }
                }
            } else if !name.contains(' ') {
                env.consts.entry(name).or_insert_with(|| v.to_string());
            }
        }
    }
    env
}

/// The arguments of a call, split at the top-level commas.
fn split_args(s: &str) -> Vec<String> {
    let (mut out, mut cur, mut depth) = (Vec::new(), String::new(), 0);
    for ch in s.chars() {
        match ch {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth -= 1,
            ',' if depth == 0 => {
                out.push(cur.trim().to_string());
                cur.clear();
                continue;
            }
            _ => {}
        }
        cur.push(ch);
    }
    if !cur.trim().is_empty() {
        out.push(cur.trim().to_string());
    }
    out
}

/// Evaluates a constant expression of the kernel sources: integer literals, constants
/// (`NAME`, `module::NAME`, `uapi::NAME`), `+ - * <<`, parentheses and `as` casts.
fn eval(expr: &str, env: &Env) -> Result<i128, String> {
    struct P<'a> {
        t: Vec<String>,
        i: usize,
        env: &'a Env,
        depth: u32,
    }
    impl P<'_> {
        fn peek(&self) -> Option<&str> {
            self.t.get(self.i).map(String::as_str)
        }
        fn next(&mut self) -> Option<String> {
            self.i += 1;
            self.t.get(self.i - 1).cloned()
        }
        fn shift(&mut self) -> Result<i128, String> {
            let mut v = self.add()?;
            while self.peek() == Some("<<") {
                self.next();
                v <<= self.add()?;
            }
            Ok(v)
        }
        fn add(&mut self) -> Result<i128, String> {
            let mut v = self.mul()?;
            while let Some(op @ ("+" | "-")) = self.peek() {
                let plus = op == "+";
                self.next();
                let r = self.mul()?;
                v = if plus { v + r } else { v - r };
            }
            Ok(v)
        }
        fn mul(&mut self) -> Result<i128, String> {
            let mut v = self.atom()?;
            while self.peek() == Some("*") {
                self.next();
                v *= self.atom()?;
            }
            Ok(v)
        }
        fn atom(&mut self) -> Result<i128, String> {
            let tok = self.next().ok_or("unexpected end")?;
            let v = if tok == "(" {
                let v = self.shift()?;
                if self.next().as_deref() != Some(")") {
                    return Err("missing )".into());
                }
                v
            } else if tok.starts_with(|c: char| c.is_ascii_digit()) {
                let t = tok.replace('_', "");
                // A type suffix (`1u64`, `5i32`): u and i are no hex digits.
                let t = t.split(['u', 'i']).next().unwrap();
                match t.strip_prefix("0x") {
                    Some(h) => i128::from_str_radix(h, 16),
                    None => t.parse(),
                }
                .map_err(|_| format!("bad literal {tok}"))?
            } else {
                let path = tok.trim_start_matches("crate::").trim_start_matches("uapi::");
                let segs: Vec<&str> = path.split("::").collect();
                let last = segs[segs.len() - 1];
                let qualified = (segs.len() >= 2).then(|| format!("{}::{last}", segs[segs.len() - 2]));
                let v = qualified
                    .and_then(|q| self.env.consts.get(&q))
                    .or_else(|| self.env.consts.get(last))
                    .ok_or(format!("unknown constant {tok}"))?;
                if self.depth > 8 {
                    return Err(format!("{tok}: constants nest too deep"));
                }
                let mut sub = P { t: tokens(v), i: 0, env: self.env, depth: self.depth + 1 };
                sub.shift()?
            };
            if self.peek() == Some("as") {
                self.next();
                self.next();
            }
            Ok(v)
        }
    }
    fn tokens(s: &str) -> Vec<String> {
        let mut out = Vec::new();
        let cs: Vec<char> = s.chars().collect();
        let mut k = 0;
        while k < cs.len() {
            let c = cs[k];
            if c.is_whitespace() {
                k += 1;
            } else if c == '<' && cs.get(k + 1) == Some(&'<') {
                out.push("<<".into());
                k += 2;
            } else if c.is_ascii_alphanumeric() || c == '_' {
                let start = k;
                while k < cs.len()
                    && (cs[k].is_ascii_alphanumeric() || cs[k] == '_' || (cs[k] == ':' && cs.get(k + 1) == Some(&':')))
                {
                    k += if cs[k] == ':' { 2 } else { 1 };
                }
                out.push(cs[start..k].iter().collect());
            } else {
                out.push(c.to_string());
                k += 1;
            }
        }
        out
    }
    let mut p = P { t: tokens(expr), i: 0, env, depth: 0 };
    let v = p.shift()?;
    if p.i != p.t.len() {
        return Err(format!("cannot evaluate `{expr}`"));
    }
    Ok(v)
}

/// One entry of the POLICY table: the attribute (by name where the table names it, else by
/// position), the spec's type, its length check and its value range.
#[derive(Debug)]
struct Pol {
    num: usize,
    ctor: String,
    ty: &'static str,
    len: Option<(&'static str, i64)>,
    range: Option<(i128, i128)>,
}

/// `static POLICY` of the family, wherever in vswitch/netlink it is: the positional form
/// (`[Policy::u32(), // NAME ...]`) or the named one (`Policy::table(&[(attr::NAME, ...)])`).
fn policy() -> (String, Vec<Result<Pol, String>>) {
    let files = netlink_sources();
    let (path, src) = files
        .iter()
        .find(|(_, s)| s.contains("static POLICY"))
        .expect("vswitch/netlink/*.rs: no `static POLICY` table");
    let env = env_for(src);
    let attr_num: BTreeMap<String, i64> = numbered(&rs_mod("attr")).into_iter().collect();
    let at = src.find("static POLICY").unwrap();
    let eq = at + src[at..].find('=').unwrap();
    let open = eq + src[eq..].find('[').unwrap();
    let body = bracketed(src, open, '[', ']');
    let mut out = Vec::new();
    let mut rest = body;
    let mut pos = 0usize;
    while let Some(k) = rest.find("Policy::") {
        // The entry's text before the constructor names the attribute in the table form.
        let before = &rest[..k];
        let named = before.rfind("attr::").map(|a| {
            before[a + 6..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect::<String>()
        });
        rest = &rest[k + "Policy::".len()..];
        let p = rest.find('(').unwrap();
        let ctor = rest[..p].to_string();
        let raw = bracketed(rest, p, '(', ')');
        rest = &rest[p + raw.len() + 2..];
        let line_end = rest.find('\n').unwrap_or(rest.len());
        let comment = rest[..line_end].split_once("//").map(|(_, c)| c.trim().to_string());
        let num = match (&named, &comment) {
            (Some(n), _) => match attr_num.get(n) {
                Some(v) => *v as usize,
                None => {
                    out.push(Err(format!("POLICY names attr::{n}, not an attribute of uapi.rs")));
                    continue;
                }
            },
            (None, Some(c)) if attr_num.get(c).is_some_and(|v| *v as usize != pos) => {
                out.push(Err(format!("POLICY entry {pos} is commented `{c}`, which is attribute {}", attr_num[c])));
                pos += 1;
                continue;
            }
            _ => pos,
        };
        pos += 1;
        out.push(pol_of(num, &ctor, raw, &env));
    }
    (path.clone(), out)
}

fn pol_of(num: usize, ctor: &str, args: &str, env: &Env) -> Result<Pol, String> {
    let a = split_args(args);
    let val = |k: usize| -> Result<i64, String> {
        let s = a.get(k).ok_or(format!("Policy::{ctor}: argument {k} missing"))?;
        eval(s, env).map(|v| v as i64)
    };
    let range_arg = || -> Result<(i128, i128), String> {
        let name = a.first().ok_or(format!("Policy::{ctor}: no range"))?.trim_start_matches('&');
        let name = name.rsplit("::").next().unwrap();
        let (lo, hi) =
            env.ranges.get(name).ok_or(format!("Policy::{ctor}: no `static {name}: Range = Range::new(..)`"))?;
        Ok((eval(lo, env)?, eval(hi, env)?))
    };
    let pair = || -> Result<(i128, i128), String> { Ok((eval(&a[0], env)?, eval(a.get(1).ok_or("one bound")?, env)?)) };
    let (ty, len, range) = match ctor {
        "unused" => ("unused", None, None),
        "u8" | "u16" | "u32" | "u64" | "flag" => (
            match ctor {
                "u8" => "u8",
                "u16" => "u16",
                "u32" => "u32",
                "u64" => "u64",
                _ => "flag",
            },
            None,
            None,
        ),
        "nested" => ("nest", None, None),
        "nul_string" => ("string", Some(("max-len", val(0)?)), None),
        "exact" => ("binary", Some(("exact-len", val(0)?)), None),
        "binary" => ("binary", Some(("max-len", val(0)?)), None),
        "u8_range" => ("u8", None, Some(pair()?)),
        "u16_range" => ("u16", None, Some(pair()?)),
        "u32_range" => ("u32", None, Some(range_arg()?)),
        "u64_range" => ("u64", None, Some(range_arg()?)),
        // A mask of allowed bits is no min/max; the spec documents it.
        "u16_mask" => ("u16", None, None),
        "u32_mask" => ("u32", None, None),
        c => return Err(format!("Policy::{c}: a constructor this test does not know (add it to pol_of)")),
    };
    Ok(Pol { num, ctor: ctor.to_string(), ty, len, range })
}

/// The operations of the family's `const OPS`: command name -> (has do, has dump). Forms:
/// `Op { cmd: cmd::X, dump: B }` (a doit always, refusing where it says "is a dump"), or
/// `Op::doit(cmd::X, ..)`, `Op::get(cmd::X, doit, dumpit)`, `Op::dump(cmd::X, ..)`.
fn ops_table() -> BTreeMap<String, (bool, bool)> {
    let files = netlink_sources();
    let (_, src) = files.iter().find(|(_, s)| s.contains("const OPS")).expect("vswitch/netlink/*.rs: no `const OPS`");
    let at = src.find("const OPS").unwrap();
    let eq = at + src[at..].find('=').unwrap();
    let open = eq + src[eq..].find('[').unwrap();
    let body = bracketed(src, open, '[', ']');
    let refuses = dump_only();
    let mut out = BTreeMap::new();
    let mut rest = body;
    while let Some(k) = rest.find("Op") {
        rest = &rest[k + 2..];
        let kind = if rest.trim_start().starts_with('{') {
            "struct"
        } else if let Some(r) = rest.strip_prefix("::") {
            if r.starts_with("doit(") {
                "doit"
            } else if r.starts_with("get(") {
                "get"
            } else if r.starts_with("dump(") {
                "dump"
            } else {
                continue;
            }
        } else {
            continue;
        };
        let Some(c) = rest.find("cmd::") else { break };
        let name: String = rest[c + 5..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
        let v = match kind {
            "struct" => {
                let dump = rest.split("dump:").nth(1).expect("Op { .., dump: B }").trim_start().starts_with("true");
                (!refuses.contains(&name), dump)
            }
            "doit" => (true, false),
            "get" => (true, true),
            _ => (false, true),
        };
        out.insert(name, v);
    }
    out
}

/// Commands whose `doit` only refuses: "... is a dump (NLM_F_DUMP)".
fn dump_only() -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (_, src) in netlink_sources() {
        for l in src.lines() {
            if l.contains("is a dump") {
                if let Some(rest) = l.trim().strip_prefix("cmd::") {
                    out.insert(rest.split_whitespace().next().unwrap().to_string());
                }
            }
        }
    }
    out
}

/// `cmd::X` tokens of `line`.
fn cmd_tokens(line: &str) -> Vec<String> {
    line.split("cmd::")
        .skip(1)
        .map(|r| {
            r.chars().take_while(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == '_').collect::<String>()
        })
        .filter(|n| !n.is_empty())
        .collect()
}

/// Commands sent as events: every `cmd::X` in events.rs, and those passed to an event or
/// `notify(` call elsewhere in vswitch/netlink.
fn event_cmds() -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (path, src) in netlink_sources() {
        for l in src.lines() {
            let code = l.split("//").next().unwrap();
            if path.ends_with("/events.rs") || code.contains("event(") || code.contains("notify(") {
                out.extend(cmd_tokens(code));
            }
        }
    }
    out
}

/// `.put_T(set::NAME` and `.nest_start(set::NAME` calls of vswitch/netlink: (set, NAME, type).
fn puts() -> Vec<(String, String, &'static str, String)> {
    let kinds = [
        ("put_u8(", "u8"),
        ("put_u16(", "u16"),
        ("put_u32(", "u32"),
        ("put_u64(", "u64"),
        ("put_str(", "string"),
        ("put_bytes(", "binary"),
        ("put_flag(", "flag"),
        ("nest_start(", "nest"),
    ];
    let mut out = Vec::new();
    for (path, src) in netlink_sources() {
        for (n, l) in src.lines().enumerate() {
            for (call, ty) in kinds {
                for part in l.split(&format!(".{call}")).skip(1) {
                    let arg = part.trim_start();
                    let Some((m, rest)) = arg.split_once("::") else { continue };
                    if !m.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
                        continue;
                    }
                    let name: String = rest
                        .chars()
                        .take_while(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == '_')
                        .collect();
                    if !name.is_empty() {
                        out.push((m.to_string(), name, ty, format!("{path}:{}", n + 1)));
                    }
                }
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Mapping uapi.rs modules to spec sets

/// The uapi.rs modules that are attribute spaces (u16 constants), besides `cmd`.
fn attr_mods() -> Vec<String> {
    rs_mod_names().into_iter().filter(|m| m != "cmd" && rs_mod(m).consts.iter().all(|c| c.ty == "u16")).collect()
}

/// The uapi.rs modules that are value enums (u8 constants), besides `cmd`.
fn enum_mods() -> Vec<String> {
    rs_mod_names().into_iter().filter(|m| m != "cmd" && rs_mod(m).consts.iter().all(|c| c.ty == "u8")).collect()
}

/// The spec's (non-subset) attribute set whose C prefix is `vswitch-<module>-`.
fn set_for_mod<'a>(spec: &'a Yaml, m: &str) -> Option<&'a Yaml> {
    let prefix = format!("vswitch-{}-", kebab(m));
    list(&spec["attribute-sets"]).iter().find(|a| !has(a, "subset-of") && s(a, "name-prefix") == Some(prefix.as_str()))
}

/// The type a uapi.rs doc comment starts with (`u32: ...`, `6 bytes: ...`, `nested ...`).
fn doc_type(doc: &str) -> Option<(&'static str, Option<i64>)> {
    let d = doc.trim();
    for t in ["u8", "u16", "u32", "u64", "flag"] {
        if d.starts_with(&format!("{t}:")) {
            return Some((if t == "flag" { "flag" } else { t }, None));
        }
    }
    if d.starts_with("string") || d.starts_with("NUL-terminated string") {
        return Some(("string", None));
    }
    if d.starts_with("nested") {
        return Some(("nest", None));
    }
    let head = d.split(':').next().unwrap_or("");
    if let Some(n) = head.strip_suffix(" bytes") {
        let exact = n.trim().parse().ok();
        if exact.is_some() || n.contains(" or ") {
            return Some(("binary", exact));
        }
    }
    None
}

// ---------------------------------------------------------------------------------------------
// Tests

#[test]
fn family_name_version_group_and_constants() {
    let spec = spec();
    let mut errs = Vec::new();
    let top = consts_of(&uapi_src());
    let get = |n: &str| {
        top.iter()
            .find(|c| c.name == n)
            .unwrap_or_else(|| panic!("uapi.rs: no {n}"))
            .value
            .trim_matches('"')
            .to_string()
    };
    if s(&spec, "name") != Some(get("FAMILY_NAME").as_str()) {
        errs.push(format!(
            "family name: uapi.rs FAMILY_NAME is {:?}, the spec's name is {:?}",
            get("FAMILY_NAME"),
            s(&spec, "name")
        ));
    }
    if i(&spec, "version") != Some(int(&get("FAMILY_VERSION"))) {
        errs.push(format!(
            "family version: uapi.rs FAMILY_VERSION is {}, the spec's version is {:?}",
            get("FAMILY_VERSION"),
            i(&spec, "version")
        ));
    }
    if s(&spec, "protocol") != Some("genetlink-legacy") {
        errs.push("protocol: genetlink-legacy expected (global policy, uns-admin-perm, version)".into());
    }
    if s(&spec, "kernel-policy") != Some("global") {
        errs.push("kernel-policy: the family has one global policy table (`kernel-policy: global`)".into());
    }
    let groups: Vec<&str> = list(&spec["mcast-groups"]["list"]).iter().filter_map(|g| s(g, "name")).collect();
    if groups != [get("MCGRP_EVENTS").as_str()] {
        errs.push(format!("multicast groups: uapi.rs has only {:?}, the spec has {groups:?}", get("MCGRP_EVENTS")));
    }
    // The other top-level constants are `const` definitions of the same name.
    let defs = definitions(&spec);
    let mut seen = BTreeSet::new();
    for c in &top {
        if ["FAMILY_NAME", "FAMILY_VERSION", "MCGRP_EVENTS"].contains(&c.name.as_str()) {
            continue;
        }
        let k = kebab(&c.name);
        seen.insert(k.clone());
        match defs.get(&k) {
            Some(d) if s(d, "type") == Some("const") => {
                let spec_val = match &d["value"] {
                    Yaml::Integer(v) => v.to_string(),
                    Yaml::String(v) => v.clone(),
                    Yaml::Real(v) => v.clone(),
                    v => format!("{v:?}"),
                };
                let rs_val = if c.value.starts_with('"') {
                    c.value.trim_matches('"').to_string()
                } else {
                    int(&c.value).to_string()
                };
                if spec_val != rs_val {
                    errs.push(format!("constant {}: uapi.rs says {rs_val}, the spec's `{k}` says {spec_val}", c.name));
                }
            }
            _ => errs.push(format!("constant {}: the spec has no `const` definition `{k}`", c.name)),
        }
    }
    for (k, d) in &defs {
        if s(d, "type") == Some("const") && !seen.contains(k) {
            errs.push(format!("the spec's constant `{k}` is not in uapi.rs"));
        }
    }
    report("vswitch/uapi.rs (family, constants)", errs);
}

#[test]
fn commands_match() {
    let spec = spec();
    let mut errs = Vec::new();
    let cmds = rs_mod("cmd");
    let rs = numbered(&cmds);
    if let Some(max) = &cmds.max {
        let top = rs.iter().map(|(_, v)| *v).max().unwrap();
        let named = rs.iter().find(|(n, _)| n == max).map(|(_, v)| *v);
        if named != Some(top) {
            errs.push(format!("uapi.rs cmd::MAX = {max} is not the highest command ({top})"));
        }
    }
    let ops = ops_of(&spec);
    let commands: Vec<(String, i64)> =
        ops.iter().filter(|(n, _, _)| !n.ends_with("-ntf")).map(|(n, v, _)| (n.clone(), *v)).collect();
    compare(&mut errs, "commands", &rs, &commands);
    // Events named NAME-ntf carry the number of command NAME.
    let by_name: BTreeMap<&str, i64> = commands.iter().map(|(n, v)| (n.as_str(), *v)).collect();
    for (n, v, o) in &ops {
        let Some(base) = n.strip_suffix("-ntf") else { continue };
        match by_name.get(base) {
            None => errs.push(format!("event `{n}`: there is no command `{base}`")),
            Some(b) if b != v => {
                errs.push(format!("event `{n}` is {v}, its command `{base}` is {b}: events use the command's number"))
            }
            _ => {}
        }
        if !(has(o, "notify") || has(o, "event")) || has(o, "do") || has(o, "dump") {
            errs.push(format!("event `{n}`: needs `notify` or `event`, and no do/dump"));
        }
    }
    report("vswitch/uapi.rs (cmd)", errs);
}

#[test]
fn operations_match_the_ops_table_and_events() {
    let spec = spec();
    let mut errs = Vec::new();
    let table = ops_table();
    let events = event_cmds();
    let ops = ops_of(&spec);
    let groups: BTreeSet<&str> = list(&spec["mcast-groups"]["list"]).iter().filter_map(|g| s(g, "name")).collect();
    let has_not = |b: bool| if b { "has" } else { "has no" };
    for (name, _) in numbered(&rs_mod("cmd")) {
        if name == "UNSPEC" {
            continue;
        }
        let k = kebab(&name);
        let Some((_, _, o)) = ops.iter().find(|(n, _, _)| *n == k) else { continue }; // commands_match
        let (do_, dump) = (has(o, "do"), has(o, "dump"));
        match table.get(&name) {
            Some(&(kdo, kdump)) => {
                if kdump != dump {
                    errs.push(format!(
                        "`{k}`: the kernel's OPS table {} a dump, the spec {} `dump`",
                        has_not(kdump),
                        has_not(dump)
                    ));
                }
                if kdo != do_ {
                    errs.push(format!(
                        "`{k}`: the kernel {} it as a do, the spec {} `do`",
                        if kdo { "handles" } else { "refuses" },
                        has_not(do_)
                    ));
                }
            }
            None => {
                if do_ || dump {
                    errs.push(format!("`{k}`: not in the kernel's OPS table, but the spec has do/dump"));
                }
                if !has(o, "event") {
                    errs.push(format!("`{k}`: not in the OPS table, so an event only: it needs `event`"));
                }
            }
        }
    }
    // Events: the spec's are the ones the kernel sends.
    let spec_events: BTreeMap<i64, &str> =
        ops.iter().filter(|(_, _, o)| has(o, "notify") || has(o, "event")).map(|(n, v, _)| (*v, n.as_str())).collect();
    let cmd_num: BTreeMap<String, i64> = numbered(&rs_mod("cmd")).into_iter().collect();
    for e in &events {
        let Some(v) = cmd_num.get(e) else {
            errs.push(format!("vswitch/netlink sends cmd::{e} as an event: not a command of uapi.rs"));
            continue;
        };
        if !spec_events.contains_key(v) {
            errs.push(format!(
                "vswitch/netlink sends cmd::{e} ({v}) as an event: the spec has no event ({}-ntf)",
                kebab(e)
            ));
        }
    }
    for (v, n) in &spec_events {
        if !events.iter().any(|e| cmd_num.get(e) == Some(v)) {
            errs.push(format!("the spec's event `{n}` ({v}): vswitch/netlink sends no such event"));
        }
    }
    // Every event goes to a group of the spec; every operation names an attribute set (or
    // the operation it notifies like), and only attributes of that set.
    let sets = attr_sets(&spec);
    for (n, _, o) in &ops {
        if n == "unspec" {
            continue;
        }
        if (has(o, "notify") || has(o, "event")) && !s(o, "mcgrp").is_some_and(|g| groups.contains(g)) {
            errs.push(format!("event `{n}`: `mcgrp` must name a multicast group of the spec"));
        }
        let set_name = match s(o, "notify") {
            Some(t) => match ops.iter().find(|(m, _, _)| m == t) {
                Some((_, _, target)) if has(&target["do"], "reply") => s(target, "attribute-set"),
                _ => {
                    errs.push(format!("`{n}`: notify: `{t}` must be an operation with a do reply"));
                    continue;
                }
            },
            None => s(o, "attribute-set"),
        };
        let Some(set) = set_name.and_then(|x| sets.get(x)) else {
            errs.push(format!("`{n}`: no attribute-set (or an unknown one)"));
            continue;
        };
        let names: BTreeSet<String> =
            list(&set["attributes"]).iter().filter_map(|a| s(a, "name")).map(String::from).collect();
        let mut lists = vec![("event", &o["event"]["attributes"])];
        for mode in ["do", "dump"] {
            for part in ["request", "reply"] {
                lists.push((part, &o[mode][part]["attributes"]));
            }
        }
        for (part, l) in lists {
            for a in list(l) {
                let a = a.as_str().unwrap_or("?");
                if !names.contains(a) {
                    errs.push(format!("`{n}` {part}: `{a}` is not an attribute of its set"));
                }
            }
        }
    }
    report("the kernel's ops table and events (vswitch/netlink)", errs);
}

#[test]
fn attributes_match() {
    let spec = spec();
    let mut errs = Vec::new();
    let mods = attr_mods();
    assert!(mods.contains(&"attr".to_string()), "uapi.rs: no `attr` module found");
    for m in &mods {
        let rm = rs_mod(m);
        let rs = numbered(&rm);
        if let Some(max) = &rm.max {
            let top = rs.iter().map(|(_, v)| *v).max().unwrap();
            if rs.iter().find(|(n, _)| n == max).map(|(_, v)| *v) != Some(top) {
                errs.push(format!("uapi.rs {m}::MAX = {max} is not the highest attribute ({top})"));
            }
        }
        let Some(set) = set_for_mod(&spec, m) else {
            errs.push(format!("uapi.rs `{m}`: the spec has no attribute set with name-prefix `vswitch-{}-`", kebab(m)));
            continue;
        };
        let attrs: Vec<(String, i64)> = attrs_of(set).into_iter().map(|(n, v, _)| (n, v)).collect();
        compare(&mut errs, &format!("attribute set `{}` ({m})", s(set, "name").unwrap_or("?")), &rs, &attrs);
    }
    // Every attribute set of the spec is one of uapi.rs's (subsets: of one of the spec's).
    let sets = attr_sets(&spec);
    for (name, set) in &sets {
        if let Some(parent) = s(set, "subset-of") {
            match sets.get(parent) {
                None => errs.push(format!("attribute set `{name}`: subset of unknown set `{parent}`")),
                Some(p) => {
                    let pn: BTreeSet<&str> = list(&p["attributes"]).iter().filter_map(|a| s(a, "name")).collect();
                    for a in list(&set["attributes"]).iter().filter_map(|a| s(a, "name")) {
                        if !pn.contains(a) {
                            errs.push(format!("attribute set `{name}`: `{a}` is not in `{parent}`"));
                        }
                    }
                }
            }
            continue;
        }
        let prefix = s(set, "name-prefix").unwrap_or("");
        if !mods.iter().any(|m| prefix == format!("vswitch-{}-", kebab(m))) {
            errs.push(format!(
                "attribute set `{name}` (name-prefix `{prefix}`) matches no attribute module of uapi.rs"
            ));
        }
    }
    report("vswitch/uapi.rs (attributes)", errs);
}

#[test]
fn value_enums_match() {
    let spec = spec();
    let mut errs = Vec::new();
    let defs = definitions(&spec);
    let mods = enum_mods();
    for m in &mods {
        let k = kebab(m);
        match defs.get(&k) {
            Some(d) if s(d, "type") == Some("enum") => {
                compare(&mut errs, &format!("enum `{k}`"), &numbered(&rs_mod(m)), &enum_entries(d))
            }
            _ => errs.push(format!("uapi.rs `{m}`: the spec has no enum definition `{k}`")),
        }
    }
    for (k, d) in &defs {
        if s(d, "type") == Some("enum") && !mods.iter().any(|m| kebab(m) == *k) {
            errs.push(format!("the spec's enum `{k}` is not a value module of uapi.rs"));
        }
    }
    // Attributes naming an enum name one of these, and every value fits the attribute.
    for (set, y) in attr_sets(&spec) {
        for a in list(&y["attributes"]) {
            let Some(e) = s(a, "enum") else { continue };
            let an = s(a, "name").unwrap_or("?");
            match defs.get(e) {
                Some(d) => {
                    let max = match s(a, "type") {
                        Some("u8") => 0xff,
                        Some("u16") => 0xffff,
                        _ => i64::MAX,
                    };
                    if enum_entries(d).iter().any(|(_, v)| *v > max) {
                        errs.push(format!("`{set}.{an}`: enum `{e}` has values beyond its type"));
                    }
                }
                None => errs.push(format!("`{set}.{an}`: enum `{e}` is not defined")),
            }
        }
    }
    report("vswitch/uapi.rs (value enums)", errs);
}

/// The integer range of a scalar type.
fn type_range(ty: &str) -> Option<(i128, i128)> {
    Some(match ty {
        "u8" => (0, u8::MAX.into()),
        "u16" => (0, u16::MAX.into()),
        "u32" => (0, u32::MAX.into()),
        "u64" => (0, u64::MAX.into()),
        _ => return None,
    })
}

/// The lowest and highest value of the enum an attribute names, if it names one.
fn enum_bounds(spec: &Yaml, a: &Yaml) -> (Option<i128>, Option<i128>) {
    let Some(d) = s(a, "enum").and_then(|e| definitions(spec).get(e).copied()) else { return (None, None) };
    let v: Vec<i128> = enum_entries(d).into_iter().map(|(_, v)| v.into()).collect();
    (v.iter().min().copied(), v.iter().max().copied())
}

#[test]
fn top_level_types_match_the_kernel_policy() {
    let spec = spec();
    let mut errs = Vec::new();
    let (path, entries) = policy();
    let mut pol: BTreeMap<usize, Pol> = BTreeMap::new();
    for e in entries {
        match e {
            Ok(p) => {
                let n = p.num;
                if pol.insert(n, p).is_some() {
                    errs.push(format!("{path}: POLICY has two entries for attribute {n}"));
                }
            }
            Err(e) => errs.push(format!("{path}: {e}")),
        }
    }
    let rs = numbered(&rs_mod("attr"));
    let set = set_for_mod(&spec, "attr").expect("the spec's top-level attribute set (name-prefix vswitch-attr-)");
    let attrs = attrs_of(set);
    if let Some(n) = pol.keys().find(|n| !rs.iter().any(|(_, v)| *v as usize == **n)) {
        errs.push(format!("{path}: POLICY has an entry {n}, beyond uapi.rs's attributes"));
    }
    for (rs_name, num) in &rs {
        let k = kebab(rs_name);
        let Some((_, _, a)) = attrs.iter().find(|(an, _, _)| *an == k) else { continue }; // attributes_match
        let p = pol.get(&(*num as usize));
        if p.is_none() && *num != 0 {
            errs.push(format!("{path}: {rs_name} has no entry in the kernel policy (nothing validates it)"));
            continue;
        }
        let (want, len, range, ctor) =
            p.map_or(("unused", None, None, "unused"), |p| (p.ty, p.len, p.range, p.ctor.as_str()));
        let got = s(a, "type").unwrap_or("?");
        if got != want {
            errs.push(format!("`{k}`: type `{got}` in the spec, the kernel policy has Policy::{ctor} (`{want}`)"));
            continue;
        }
        let checks = &a["checks"];
        if let Some((key, n)) = len {
            if i(checks, key) != Some(n) {
                errs.push(format!(
                    "`{k}`: the kernel policy has {key} {n} (Policy::{ctor}), the spec has {}",
                    opt(i(checks, key))
                ));
            }
            if key == "max-len" && i(checks, "min-len").is_some_and(|m| m > n) {
                errs.push(format!("`{k}`: min-len above the policy's max-len {n}"));
            }
            if key == "max-len" && has(checks, "exact-len") || key == "exact-len" && has(checks, "max-len") {
                errs.push(format!("`{k}`: both exact-len and max-len; the policy has {key}"));
            }
        } else if ["max-len", "min-len", "exact-len"].iter().any(|x| has(checks, x)) {
            errs.push(format!("`{k}`: length checks on a `{want}` attribute"));
        }
        if want == "nest" && !s(a, "nested-attributes").is_some_and(|x| attr_sets(&spec).contains_key(x)) {
            errs.push(format!("`{k}`: a nest needs nested-attributes naming a set of the spec"));
        }
        // Integer checks lie within the type, and are the policy's range where it has one.
        if let Some((lo, hi)) = type_range(want) {
            let (min, max) = (i(checks, "min").map(i128::from), i(checks, "max").map(i128::from));
            if min.is_some_and(|m| m < lo || m > hi) || max.is_some_and(|m| m < lo || m > hi) {
                errs.push(format!("`{k}`: checks min/max outside the range of {want}"));
            }
            if let (Some(a), Some(b)) = (min, max) {
                if a > b {
                    errs.push(format!("`{k}`: checks min {a} above max {b}"));
                }
            }
            if let Some((plo, phi)) = range {
                let (elo, ehi) = enum_bounds(&spec, a);
                let (slo, shi) = (min.or(elo).unwrap_or(lo), max.or(ehi).unwrap_or(hi));
                if (slo, shi) != (plo, phi) {
                    errs.push(format!(
                        "`{k}`: the kernel policy allows {plo}..{phi} (Policy::{ctor}), the spec {slo}..{shi} (its checks min/max, or its enum)"
                    ));
                }
            }
        } else if has(checks, "min") || has(checks, "max") {
            errs.push(format!("`{k}`: min/max checks on a `{want}` attribute"));
        }
    }
    report(&format!("the kernel policy table ({path})"), errs);
}

#[test]
fn types_match_the_uapi_docs_and_the_replies() {
    let spec = spec();
    let mut errs = Vec::new();
    let mut types: BTreeMap<(String, String), String> = BTreeMap::new();
    let mods = attr_mods();
    for m in mods.clone() {
        let rm = rs_mod(&m);
        let all_u64 = rm.doc.contains("(all u64)");
        let Some(set) = set_for_mod(&spec, &m) else { continue }; // attributes_match
        let attrs = attrs_of(set);
        for c in &rm.consts {
            let k = kebab(&c.name);
            let Some((_, _, a)) = attrs.iter().find(|(n, _, _)| *n == k) else { continue };
            let got = s(a, "type").unwrap_or("?").to_string();
            types.insert((m.clone(), c.name.clone()), got.clone());
            if c.name == "UNSPEC" {
                if got != "unused" {
                    errs.push(format!("`{}.{k}`: UNSPEC must be `type: unused`", s(set, "name").unwrap_or("?")));
                }
                continue;
            }
            let want = doc_type(&c.doc).or(all_u64.then_some(("u64", None)));
            match want {
                Some((t, exact)) => {
                    if got != t {
                        let why = if doc_type(&c.doc).is_some() { format!("{:?}", c.doc) } else { format!("module doc {:?}", rm.doc) };
                        errs.push(format!("`{}.{k}`: type `{got}` in the spec, uapi.rs documents {m}::{} as `{t}` ({why})", s(set, "name").unwrap_or("?"), c.name));
                    }
                    if let Some(n) = exact {
                        if i(&a["checks"], "exact-len") != Some(n) {
                            errs.push(format!("`{k}`: uapi.rs documents {n} bytes, the spec's exact-len is {}", opt(i(&a["checks"], "exact-len"))));
                        }
                    }
                }
                // Top-level attributes have the policy; nested ones need the doc.
                None if m != "attr" => errs.push(format!(
                    "uapi.rs {m}::{}: its doc comment states no type (start it with `u32:`, `string:`, `N bytes:`, ...)",
                    c.name
                )),
                None => {}
            }
        }
    }
    for (m, name, ty, at) in puts() {
        match types.get(&(m.clone(), name.clone())) {
            Some(t) if t != ty => {
                errs.push(format!("{at}: the kernel sends {m}::{name} as `{ty}`, the spec says `{t}`"))
            }
            None if mods.contains(&m) => errs.push(format!("{at}: {m}::{name} is not in the spec")),
            _ => {}
        }
    }
    report("vswitch/uapi.rs's documented types or vswitch/netlink's replies", errs);
}

#[test]
fn ranges_from_shared_constants_match() {
    use vswitch_host::{dvmq, uapi, vlan, wfq};
    let spec = spec();
    let mut errs = Vec::new();
    let set = set_for_mod(&spec, "attr").expect("top-level set");
    let attrs = attrs_of(set);
    let check = |errs: &mut Vec<String>, name: &str, key: &str, want: i64| {
        let Some((_, _, a)) = attrs.iter().find(|(n, _, _)| n == name) else {
            errs.push(format!("`{name}`: not in the spec"));
            return;
        };
        if i(&a["checks"], key) != Some(want) {
            errs.push(format!(
                "`{name}`: checks {key} should be {want} (the kernel's), the spec has {}",
                opt(i(&a["checks"], key))
            ));
        }
    };
    for a in ["pvid", "vlan"] {
        check(&mut errs, a, "min", vlan::VID_MIN.into());
        check(&mut errs, a, "max", vlan::VID_MAX.into());
    }
    check(&mut errs, "native", "max", vlan::VID_MAX.into());
    check(&mut errs, "weight", "min", 1);
    check(&mut errs, "weight", "max", wfq::MAX_WEIGHT.into());
    check(&mut errs, "vmq-base-cpu", "max", dvmq::MAX_CPUS as i64 - 1);
    check(&mut errs, "vmq-max-cpus", "max", dvmq::MAX_CPUS as i64);
    check(&mut errs, "vmq-max-queues", "max", dvmq::MAX_QUEUES as i64);
    check(&mut errs, "vlans", "exact-len", uapi::VLAN_BITMAP_LEN as i64);
    // The VMQ interval bounds live in the kernel-only vmq/mod.rs.
    let env = env_for("");
    for (key, c) in [("min", "INTERVAL_MIN_MS"), ("max", "INTERVAL_MAX_MS")] {
        match env.consts.get(c).map(|v| eval(v, &env)) {
            Some(Ok(v)) => check(&mut errs, "vmq-interval", key, v as i64),
            _ => errs.push(format!("vmq/: no constant {c}")),
        }
    }
    report("the kernel's range constants", errs);
}
