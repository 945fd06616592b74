//! `tropical eval` as a long run, end to end: progress lines on stderr when it is not a terminal,
//! Ctrl-C (SIGINT) answered within two seconds with the partial JSON (`complete: false`, the
//! zero-temperature output and the temperatures finished), and the JSON fields of `eval` and
//! `regions` checked against `docs/json/eval.md` and `docs/json/regions.md`.
//!
//! The slow case is a JSON model the test writes: two layers of four heads on `R^8`, 64 keys;
//! an enclosure at 256 bits takes seconds per temperature.

mod common;

use std::collections::BTreeSet;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{documented, tmpdir, tropical, Run};
use serde_json::Value;

/// Deterministic small integers in `-r..=r` (a linear congruential generator).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, r: i64) -> i64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) % (2 * r as u64 + 1)) as i64 - r
    }
    fn matrix(&mut self, rows: usize, cols: usize, r: i64) -> Vec<Vec<i64>> {
        (0..rows)
            .map(|_| (0..cols).map(|_| self.next(r)).collect())
            .collect()
    }
}

/// A model of `layers` layers of `heads` heads (value width `d / heads`) on `R^d` and a
/// context of `n` rows, written to `dir`.
fn case(dir: &Path, layers: usize, heads: usize, d: usize, n: usize) -> (PathBuf, PathBuf) {
    let mut g = Lcg(0x5eed + d as u64);
    let layer = |g: &mut Lcg| {
        let hs: Vec<Value> = (0..heads)
            .map(|_| {
                serde_json::json!({
                    "w_q": g.matrix(d, d, 3),
                    "w_k": g.matrix(d, d, 3),
                    "w_v": g.matrix(d / heads, d, 2),
                })
            })
            .collect();
        serde_json::json!({ "heads": hs })
    };
    let ls: Vec<Value> = (0..layers).map(|_| layer(&mut g)).collect();
    let model = serde_json::json!({ "layers": ls });
    let context = serde_json::json!({ "context": g.matrix(n, d, 5) });
    let (m, c) = (dir.join("model.json"), dir.join("context.json"));
    std::fs::write(&m, model.to_string()).unwrap();
    std::fs::write(&c, context.to_string()).unwrap();
    (m, c)
}

fn s(p: &Path) -> String {
    p.display().to_string()
}

const TAUS: &str = "1,1/2,1/3,1/4,1/5,1/6,1/7,1/8";

fn slow_eval_args(m: &Path, c: &Path) -> Vec<String> {
    [
        "eval",
        "--model",
        &s(m),
        "--context",
        &s(c),
        "--at",
        "1,2,3,4,5,6,7,8",
        "--tau",
        TAUS,
        "--prec",
        "256",
        "--json",
    ]
    .map(String::from)
    .to_vec()
}

fn keys(v: &Value) -> BTreeSet<String> {
    v.as_object().unwrap().keys().cloned().collect()
}

/// SIGINT one second into a slow evaluation: the command exits 0 within two seconds of the
/// signal and prints the partial report: `complete: false`, `stopped: "cancelled"`, the
/// zero-temperature output, and fewer temperatures than requested, each of them whole.
#[test]
#[cfg(unix)]
fn ctrl_c_gives_a_partial_evaluation_promptly() {
    let dir = tmpdir("eval_progress", "ctrl_c");
    let (m, c) = case(&dir, 2, 4, 8, 64);
    let mut child = Command::new(env!("CARGO_BIN_EXE_tropical"))
        .args(slow_eval_args(&m, &c))
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
    assert_eq!(r.code, Some(0), "{r:?}");
    let j: Value = serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}: {r:?}"));
    assert_eq!(j["complete"], false, "{j}");
    assert_eq!(j["stopped"], "cancelled", "{j}");
    assert_eq!(j["output"].as_array().unwrap().len(), 8, "{j}");
    let temps = j["temperatures"].as_array().unwrap();
    assert!(temps.len() < TAUS.split(',').count(), "{j}");
    for (t, want) in temps.iter().zip(TAUS.split(',')) {
        assert_eq!(t["tau"], want, "{j}");
        assert_eq!(t["enclosure"].as_array().unwrap().len(), 8, "{j}");
    }
}

/// Hypothesis: stderr is a pipe and the evaluation runs for seconds. Conclusion: stderr carries
/// plain progress lines naming the phase (`eval: enclosure at τ = …`), in the order of the
/// temperatures (a phase shorter than a second may print none); stdout is the complete JSON
/// report.
#[test]
fn progress_lines_when_stderr_is_not_a_terminal() {
    let dir = tmpdir("eval_progress", "lines");
    let (m, c) = case(&dir, 2, 4, 8, 64);
    let mut args = slow_eval_args(&m, &c);
    let t = args.iter().position(|a| a == "--tau").unwrap();
    args[t + 1] = "1,1/2".into();
    let r = tropical(&args);
    assert_eq!(r.code, Some(0), "{r:?}");
    let j: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(j["complete"], true, "{j}");
    assert!(j["stopped"].is_null(), "{j}");
    assert_eq!(j["temperatures"].as_array().unwrap().len(), 2, "{j}");
    // A phase shorter than the quiet second prints no line (how long each takes depends on the
    // machine), so: at least one line, every line a progress line, phases in order.
    let lines: Vec<&str> = r.stderr.lines().collect();
    assert!(!lines.is_empty(), "no progress line: {r:?}");
    let mut phases = Vec::new();
    for l in &lines {
        assert!(l.starts_with("eval: "), "not a progress line: {l:?}");
        if let Some(k) = ["(1 of 2)", "(2 of 2)"].iter().position(|n| l.contains(n)) {
            phases.push(k);
        }
    }
    assert!(phases.windows(2).all(|w| w[0] <= w[1]), "{r:?}");
}

/// A fast run or a bad input prints no progress line: a bad input's stderr is one error line.
#[test]
fn a_fast_run_is_quiet() {
    let dir = tmpdir("eval_progress", "quiet");
    let (m, c) = case(&dir, 1, 2, 2, 3);
    let ok = tropical(&[
        "eval",
        "--model",
        &s(&m),
        "--context",
        &s(&c),
        "--at",
        "1,1/2",
        "--json",
    ]);
    assert_eq!(ok.code, Some(0), "{ok:?}");
    assert_eq!(ok.stderr, "", "{ok:?}");
    let bad = tropical(&[
        "eval",
        "--model",
        &s(&m),
        "--context",
        &s(&c),
        "--at",
        "1,1/2",
        "--layer",
        "1",
    ]);
    assert_eq!(bad.code, Some(2), "{bad:?}");
    assert_eq!(
        bad.stderr.trim_end(),
        "error: --layer 1: layers are 0..0",
        "{bad:?}"
    );
}

/// Every field `tropical eval --json` prints is documented in docs/json/eval.md and every
/// documented field is printed; the same for a temperature's fields, named in the
/// `temperatures` row, and a decimal's `value` and `error`.
#[test]
fn eval_fields_are_documented() {
    let dir = tmpdir("eval_progress", "eval_fields");
    let (m, c) = case(&dir, 1, 2, 2, 3);
    let r = tropical(&[
        "eval",
        "--model",
        &s(&m),
        "--context",
        &s(&c),
        "--at",
        "1,1/2",
        "--tau",
        "1",
        "--json",
    ]);
    assert_eq!(r.code, Some(0), "{r:?}");
    let j: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(keys(&j), documented("eval", "## none"), "docs/json/eval.md");
    let doc =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/json/eval.md"))
            .unwrap();
    let row = doc
        .lines()
        .find(|l| l.starts_with("| `temperatures`"))
        .unwrap();
    for k in keys(&j["temperatures"][0]) {
        assert!(row.contains(&format!("`{k}`")), "temperature field {k}");
    }
    assert_eq!(
        keys(&j["output_decimal"][0]),
        ["error", "value"].map(String::from).into(),
    );
    for k in keys(&j["argmax_by_head"][0]) {
        assert!(doc.contains(&format!("`{k}`")), "argmax_by_head field {k}");
    }
}

/// Every field `tropical regions --json --cells` prints on a 2D count with a box (the count's
/// fields and a cell's) is documented in the first two tables of docs/json/regions.md, and
/// every field documented there is printed; a piece's fields are named in the `piece` row.
#[test]
fn regions_fields_are_documented() {
    let dir = tmpdir("eval_progress", "regions_fields");
    let (m, c) = case(&dir, 1, 2, 2, 3);
    let r = tropical(&[
        "regions",
        "--model",
        &s(&m),
        "--context",
        &s(&c),
        "--box",
        "-4,4",
        "--cells",
        "--json",
    ]);
    assert_eq!(r.code, Some(0), "{r:?}");
    let j: Value = serde_json::from_str(&r.stdout).unwrap();
    let cells = j["cell_list"].as_array().unwrap();
    assert!(!cells.is_empty(), "{j}");
    let mut printed = keys(&j);
    for cell in cells {
        printed.extend(keys(cell));
    }
    assert_eq!(
        printed,
        documented("regions", "## Methods"),
        "docs/json/regions.md"
    );
    let doc = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/json/regions.md"),
    )
    .unwrap();
    let row = doc.lines().find(|l| l.starts_with("| `piece`")).unwrap();
    for k in keys(&cells[0]["piece"]) {
        assert!(row.contains(&format!("`{k}`")), "piece field {k}");
    }
    for run in j["runs"].as_array().unwrap() {
        let row = doc.lines().find(|l| l.starts_with("| `runs`")).unwrap();
        for k in keys(run) {
            assert!(row.contains(&format!("`{k}`")), "runs field {k}");
        }
    }
}

/// The readable table of `tropical eval` on a small model: decimals with certified errors,
/// argmax sets labelled by layer and head, the interval width per temperature, the scale and
/// the note on what the map leaves out (snapshot).
#[test]
fn eval_table_snapshot() {
    let dir = tmpdir("eval_progress", "table");
    let (m, c) = case(&dir, 2, 2, 2, 3);
    let r = tropical(&[
        "eval",
        "--model",
        &s(&m),
        "--context",
        &s(&c),
        "--at",
        "1,1/2",
        "--tau",
        "1,1/10",
        "--digits",
        "6",
    ]);
    assert_eq!(r.code, Some(0), "{r:?}");
    insta::assert_snapshot!("eval_table", r.stdout);
    let one = tropical(&[
        "eval",
        "--model",
        &s(&m),
        "--context",
        &s(&c),
        "--at",
        "1,1/2",
        "--layer",
        "1",
        "--heads",
        "1",
        "--exact",
    ]);
    assert_eq!(one.code, Some(0), "{one:?}");
    insta::assert_snapshot!("eval_table_layer_head_exact", one.stdout);
}

/// Flag errors name the flag and the valid range: `--heads` needs `--layer`, a head out of
/// range names the layer's heads, a layer out of range names the layers.
#[test]
fn eval_flag_errors_name_the_valid_range() {
    let dir = tmpdir("eval_progress", "errors");
    let (m, c) = case(&dir, 2, 2, 2, 3);
    let base = [
        "eval",
        "--model",
        &s(&m),
        "--context",
        &s(&c),
        "--at",
        "1,1/2",
    ];
    let run = |extra: &[&str]| {
        let mut a: Vec<&str> = base.to_vec();
        a.extend_from_slice(extra);
        let r = tropical(&a);
        assert_eq!(r.code, Some(2), "{r:?}");
        r.stderr
    };
    let e = run(&["--heads", "0"]);
    assert!(e.contains("--layer"), "{e}");
    let e = run(&["--layer", "0", "--heads", "2"]);
    assert_eq!(
        e.trim_end(),
        "error: --heads: head 2: layer 0 has heads 0..1"
    );
    let e = run(&["--layer", "2"]);
    assert_eq!(e.trim_end(), "error: --layer 2: layers are 0..1");
    let e = run(&["--tau", "1,0"]);
    assert_eq!(
        e.trim_end(),
        "error: --tau 0: temperatures τ must be positive"
    );
}

/// Every field of `tropical regions --topk K --json` (and of a region) is in the top-k table of
/// docs/json/regions.md, and every field there is printed.
#[test]
fn topk_fields_are_documented() {
    let dir = tmpdir("eval_progress", "topk_fields");
    let (m, c) = case(&dir, 1, 2, 2, 4);
    let r = tropical(&[
        "regions",
        "--model",
        &s(&m),
        "--context",
        &s(&c),
        "--box",
        "-4,4",
        "--topk",
        "2",
        "--cells",
        "--json",
    ]);
    assert_eq!(r.code, Some(0), "{r:?}");
    let j: Value = serde_json::from_str(&r.stdout).unwrap();
    let doc = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/json/regions.md"),
    )
    .unwrap();
    let table: BTreeSet<String> = doc
        .lines()
        .skip_while(|l| !l.starts_with("## Top-k"))
        .filter_map(|l| l.strip_prefix("| `"))
        .filter_map(|l| l.split('`').next())
        .map(String::from)
        .collect();
    assert_eq!(keys(&j), table, "top-k table of docs/json/regions.md");
    let row = doc
        .lines()
        .skip_while(|l| !l.starts_with("## Top-k"))
        .find(|l| l.starts_with("| `cell_list`"))
        .unwrap();
    let regions = j["cell_list"].as_array().unwrap();
    assert!(!regions.is_empty(), "{j}");
    for k in keys(&regions[0]) {
        assert!(row.contains(&format!("`{k}`")), "region field {k}");
    }
}

/// Every field of `tropical poly --json` (and of a term and a temperature) is documented in
/// docs/json/poly.md, and every field there is printed.
#[test]
fn poly_fields_are_documented() {
    let r = tropical(&[
        "poly", "--term", "1/2:1,0", "--term", "0:0,1", "--at", "1,2", "--tau", "1", "--json",
    ]);
    assert_eq!(r.code, Some(0), "{r:?}");
    let j: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(keys(&j), documented("poly", "## none"), "docs/json/poly.md");
    let doc =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/json/poly.md"))
            .unwrap();
    for (field, v) in [
        ("terms", &j["terms"][0]),
        ("temperatures", &j["temperatures"][0]),
    ] {
        let row = doc
            .lines()
            .find(|l| l.starts_with(&format!("| `{field}`")))
            .unwrap();
        for k in keys(v) {
            assert!(row.contains(&format!("`{k}`")), "{field} field {k}");
        }
    }
}
