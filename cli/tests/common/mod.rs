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

/// A path as a command-line argument.
pub fn s(p: &Path) -> String {
    p.display().to_string()
}

/// `SUB --model M --context C EXTRA…`: the arguments of a `regions` or `eval` run.
pub fn on_model(sub: &str, m: &Path, c: &Path, extra: &[&str]) -> Vec<String> {
    let mut a = vec![
        sub.to_string(),
        "--model".into(),
        s(m),
        "--context".into(),
        s(c),
    ];
    a.extend(extra.iter().map(|e| e.to_string()));
    a
}

/// The text of `docs/json/NAME.md`.
pub fn doc(name: &str) -> String {
    documented_lines(name).join("\n")
}

/// The keys of a JSON object.
pub fn keys(v: &serde_json::Value) -> std::collections::BTreeSet<String> {
    v.as_object().unwrap().keys().cloned().collect()
}

/// Assert that the documentation row `row` names every key of the object `v` (in backticks).
#[track_caller]
pub fn assert_row_names(row: &str, v: &serde_json::Value, what: &str) {
    for k in keys(v) {
        assert!(row.contains(&format!("`{k}`")), "{what} field {k}");
    }
}

/// Deterministic small integers in `-r..=r` (a linear congruential generator).
pub struct Lcg(pub u64);

impl Lcg {
    /// The next integer in `-r..=r`.
    pub fn next(&mut self, r: i64) -> i64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) % (2 * r as u64 + 1)) as i64 - r
    }
    /// A `rows × cols` matrix of integers in `-r..=r`.
    pub fn matrix(&mut self, rows: usize, cols: usize, r: i64) -> Vec<Vec<i64>> {
        (0..rows)
            .map(|_| (0..cols).map(|_| self.next(r)).collect())
            .collect()
    }
}

/// The shape of a pseudo-random JSON model: `layers` layers of `heads` heads on `R^d` with
/// value width `dv`, and a context of `n` rows.
pub struct ModelShape {
    pub layers: usize,
    pub heads: usize,
    pub d: usize,
    pub dv: usize,
    pub n: usize,
}

/// A pseudo-random JSON model of `shape` (entries of W_Q, W_K in `-3..=3`, of W_V in `-2..=2`,
/// of the context in `-5..=5`, drawn from `Lcg(seed)`), written to `dir/model.json` and
/// `dir/context.json`.
pub fn json_model(dir: &Path, seed: u64, shape: &ModelShape) -> (PathBuf, PathBuf) {
    use serde_json::{json, Value};
    let ModelShape {
        layers,
        heads,
        d,
        dv,
        n,
    } = *shape;
    let mut g = Lcg(seed);
    let layer = |g: &mut Lcg| {
        let hs: Vec<Value> = (0..heads)
            .map(|_| json!({ "w_q": g.matrix(d, d, 3), "w_k": g.matrix(d, d, 3), "w_v": g.matrix(dv, d, 2) }))
            .collect();
        json!({ "heads": hs })
    };
    let ls: Vec<Value> = (0..layers).map(|_| layer(&mut g)).collect();
    let model = json!({ "layers": ls });
    let context = json!({ "context": g.matrix(n, d, 5) });
    let (m, c) = (dir.join("model.json"), dir.join("context.json"));
    std::fs::write(&m, model.to_string()).unwrap();
    std::fs::write(&c, context.to_string()).unwrap();
    (m, c)
}

/// Start `tropical ARGS…` (stdout and stderr piped), send it SIGINT after one second (asserting
/// that it is still running then) and wait for it. Asserts that it exits within two seconds of
/// the signal and says `interrupted` on stderr; returns what it printed.
#[cfg(unix)]
pub fn ctrl_c_after_one_second<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> Run {
    use std::io::Read;
    use std::process::Stdio;
    use std::time::{Duration, Instant};
    let mut child = Command::new(env!("CARGO_BIN_EXE_tropical"))
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the tropical binary runs");
    std::thread::sleep(Duration::from_secs(1));
    assert!(
        child.try_wait().unwrap().is_none(),
        "the slow case finished within a second: it no longer tests the interrupt"
    );
    // Drain both pipes while waiting: a report larger than a pipe's buffer would otherwise
    // block the command's final write.
    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut text = String::new();
            pipe.read_to_string(&mut text).unwrap();
            text
        })
    };
    let out = drain(Box::new(child.stdout.take().unwrap()));
    let err = drain(Box::new(child.stderr.take().unwrap()));
    let sent = Instant::now();
    let kill = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(kill.success());
    let status = loop {
        if let Some(st) = child.try_wait().unwrap() {
            break st;
        }
        if sent.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            panic!("no exit 30 s after SIGINT");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let waited = sent.elapsed();
    let r = Run {
        code: status.code(),
        stdout: out.join().unwrap(),
        stderr: err.join().unwrap(),
    };
    assert!(
        waited < Duration::from_secs(2),
        "exit {waited:?} after SIGINT: {r:?}"
    );
    assert!(r.stderr.contains("interrupted"), "{r:?}");
    r
}

/// Assert success and parse stdout as JSON.
#[track_caller]
pub fn json_ok(r: &Run) -> serde_json::Value {
    assert_eq!(r.code, Some(0), "expected success, got {r:#?}");
    serde_json::from_str(&r.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {:?}", r.stdout))
}

/// Assert the bad-input contract: exit code 2 (not a panic), stderr one non-empty line
/// `error: …` that contains every string of `mentions`.
#[track_caller]
pub fn assert_error(r: &Run, mentions: &[&str]) {
    assert_ne!(r.code, Some(101), "panicked: {r:#?}");
    assert_eq!(r.code, Some(2), "wrong exit code: {r:#?}");
    let lines: Vec<&str> = r.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "stderr is not exactly one line: {r:#?}");
    let line = lines[0];
    assert!(line.starts_with("error: "), "stderr line: {line:?}");
    assert!(line.len() > "error: ".len(), "empty message: {line:?}");
    for m in mentions {
        assert!(
            line.contains(m),
            "the error {line:?} does not mention {m:?}"
        );
    }
}

/// Assert that the JSON object `j` has every field of the object `want`, with that value.
#[track_caller]
pub fn expect_fields(j: &serde_json::Value, want: serde_json::Value) {
    for (k, v) in want.as_object().expect("an object of expected fields") {
        assert_eq!(&j[k], v, "field {k}: {j}");
    }
}

/// Run `tropical` with the arguments of `line`, split at white space (for arguments without
/// spaces).
pub fn tropical_words(line: &str) -> Run {
    tropical(&line.split_whitespace().collect::<Vec<_>>())
}

/// SQUARE: one head, `d_model = 2`, W_Q = W_K = I; with [`SQUARE_CONTEXT`] the keys are the
/// corners of the square [-1, 1]^2 and its centre, so the cells are the 4 open cones where one
/// corner wins strictly (the centre never wins) and the residual output x + k_j differs on each:
/// 4 cells, 4 linear regions, N = 5 keys, bound Π_h N_h = 5.
pub const SQUARE_MODEL: &str =
    r#"{"layers": [{"heads": [{"w_q": [[1, 0], [0, 1]], "w_k": [[1, 0], [0, 1]]}]}]}"#;
/// The context of [`SQUARE_MODEL`].
pub const SQUARE_CONTEXT: &str = "[[1, 1], [1, -1], [-1, 1], [-1, -1], [0, 0]]";

/// [`SQUARE_MODEL`] and [`SQUARE_CONTEXT`] written to `dir/model.json` and `dir/context.json`.
pub fn square(dir: &Path) -> (PathBuf, PathBuf) {
    let (m, c) = (dir.join("model.json"), dir.join("context.json"));
    std::fs::write(&m, SQUARE_MODEL).expect("write the model");
    std::fs::write(&c, SQUARE_CONTEXT).expect("write the context");
    (m, c)
}

/// A file `name` that `dir` does not hold, given as `tropical SUB FILE`: exit 2 naming it.
#[track_caller]
pub fn assert_missing_file_error(dir: &Path, sub: &str, name: &str) {
    let f = dir.join(name);
    assert_error(&tropical(&[sub.to_string(), s(&f)]), &[name]);
}
