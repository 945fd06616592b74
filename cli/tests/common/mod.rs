//! Shared scaffolding of the CLI's process-level tests: run the built `tropical` binary, fresh
//! temporary folders, the checked-in test data. Each test file uses only some of it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// What one run of the binary produced.
#[derive(Debug)]
pub struct Run {
    /// The exit code (`None` when killed by a signal).
    pub code: Option<i32>,
    /// Standard output, lossily decoded.
    pub stdout: String,
    /// Standard error, lossily decoded.
    pub stderr: String,
}

/// Run `tropical ARGS…` (no stdin, no terminal, no colour).
pub fn tropical<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_tropical"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("the tropical binary runs");
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A fresh, empty temporary folder `group/test` for one test.
pub fn tmpdir(group: &str, test: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(group)
        .join(test);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("create temp dir");
    d
}

/// A file of the attention crate's checked-in test data.
pub fn testdata(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../attention/testdata")
        .join(name)
}

/// The field names documented in the tables of `docs/json/NAME.md` (first column, in
/// backticks) before the first line starting with `stop`.
pub fn documented(name: &str, stop: &str) -> std::collections::BTreeSet<String> {
    documented_lines(name)
        .into_iter()
        .take_while(|l| !l.starts_with(stop))
        .filter_map(|l| field_of(&l))
        .collect()
}

/// The field names documented in the table under the heading `heading` of `docs/json/NAME.md`
/// (up to the next `## ` heading).
pub fn documented_section(name: &str, heading: &str) -> std::collections::BTreeSet<String> {
    documented_lines(name)
        .into_iter()
        .skip_while(|l| l.trim_end() != heading)
        .skip(1)
        .take_while(|l| !l.starts_with("## "))
        .filter_map(|l| field_of(&l))
        .collect()
}

fn documented_lines(name: &str) -> Vec<String> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../docs/json/{name}.md"));
    std::fs::read_to_string(&p)
        .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
        .lines()
        .map(String::from)
        .collect()
}

fn field_of(line: &str) -> Option<String> {
    line.strip_prefix("| `")
        .and_then(|l| l.split('`').next())
        .map(String::from)
}
