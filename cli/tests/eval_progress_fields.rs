//! `tropical eval` as a long run, end to end: progress lines on stderr when it is not a terminal,
//! Ctrl-C (SIGINT) answered within two seconds with the partial JSON (`complete: false`, the
//! zero-temperature output and the temperatures finished), and the JSON fields of `eval` and
//! `regions` checked against `docs/json/eval.md` and `docs/json/regions.md`.
//!
//! The slow cases are JSON models the test writes: two layers of four heads on `R^8`, 512 keys
//! (Ctrl-C) or 2048 (progress lines, where each temperature must last over a second);
//! an enclosure at 1024 bits takes seconds per temperature (2N exponentials per head and layer).

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use common::{assert_row_names, doc, documented, json_model, keys, on_model, tmpdir, tropical};
use common::{ModelShape, Run};
use serde_json::Value;

/// A model of `layers` layers of `heads` heads (value width `d / heads`) on `R^d` and a
/// context of `n` rows, written to a fresh folder for the test `test`.
fn case(test: &str, layers: usize, heads: usize, d: usize, n: usize) -> (PathBuf, PathBuf) {
    let dv = d / heads;
    json_model(
        &tmpdir("eval_progress", test),
        0x5eed + d as u64,
        &ModelShape {
            layers,
            heads,
            d,
            dv,
            n,
        },
    )
}

const TAUS: &str = "1,1/2,1/3,1/4,1/5,1/6,1/7,1/8";

fn slow_eval_args(m: &Path, c: &Path) -> Vec<String> {
    let at = "1,2,3,4,5,6,7,8";
    on_model(
        "eval",
        m,
        c,
        &["--at", at, "--tau", TAUS, "--prec", "1024", "--json"],
    )
}

/// `tropical SUB --model M --context C EXTRA…`, asserted to succeed.
#[track_caller]
fn ok_on(sub: &str, m: &Path, c: &Path, extra: &[&str]) -> Run {
    let r = tropical(&on_model(sub, m, c, extra));
    assert_eq!(r.code, Some(0), "{r:?}");
    r
}

/// SIGINT one second into a slow evaluation: the command exits 0 within two seconds of the
/// signal and prints the partial report: `complete: false`, `stopped: "cancelled"`, the
/// zero-temperature output, and fewer temperatures than requested, each of them whole.
#[test]
#[cfg(unix)]
fn ctrl_c_gives_a_partial_evaluation_promptly() {
    let (m, c) = case("ctrl_c", 2, 4, 8, 512);
    let r = common::ctrl_c_after_one_second(&slow_eval_args(&m, &c));
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
    let (m, c) = case("lines", 2, 4, 8, 2048);
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

/// Hypothesis: `--prec 2000`, so every enclosure is about `2^-2000` wide, far below the smallest
/// `f64`. Conclusion: the evaluation ends (the error bounds are found in exact arithmetic; a
/// search in floats never ended there), the table prints each width as a decimal of the right
/// magnitude, and the JSON `max_width` is the smallest positive `f64` (still an upper bound).
#[test]
fn precision_below_the_f64_range() {
    let (m, c) = case("prec", 1, 2, 2, 3);
    let args = ["--at", "1,1/2", "--tau", "1", "--prec", "2000"];
    let table = ok_on("eval", &m, &c, &args);
    let width = table
        .stdout
        .lines()
        .find_map(|l| l.trim().strip_prefix("max interval width"))
        .unwrap_or_else(|| panic!("{table:?}"))
        .trim()
        .to_string();
    let exp: i32 = width.split_once('e').unwrap().1.parse().unwrap();
    assert!((-620..-590).contains(&exp), "{width}");
    let json = ok_on("eval", &m, &c, &[&args[..], &["--json"]].concat());
    let j: Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(
        j["temperatures"][0]["max_width"].as_f64(),
        Some(f64::from_bits(1)),
        "{j}"
    );
}

/// A fast run or a bad input prints no progress line: a bad input's stderr is one error line.
#[test]
fn a_fast_run_is_quiet() {
    let (m, c) = case("quiet", 1, 2, 2, 3);
    let ok = ok_on("eval", &m, &c, &["--at", "1,1/2", "--json"]);
    assert_eq!(ok.stderr, "", "{ok:?}");
    let bad = tropical(&on_model(
        "eval",
        &m,
        &c,
        &["--at", "1,1/2", "--layer", "1"],
    ));
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
    let (m, c) = case("eval_fields", 1, 2, 2, 3);
    let r = ok_on("eval", &m, &c, &["--at", "1,1/2", "--tau", "1", "--json"]);
    let j: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(keys(&j), documented("eval", "## none"), "docs/json/eval.md");
    let doc = doc("eval");
    let row = doc
        .lines()
        .find(|l| l.starts_with("| `temperatures`"))
        .unwrap();
    assert_row_names(row, &j["temperatures"][0], "temperature");
    assert_eq!(
        keys(&j["output_decimal"][0]),
        ["error", "value"].map(String::from).into(),
    );
    assert_row_names(&doc, &j["argmax_by_head"][0], "argmax_by_head");
}

/// Every field `tropical regions --json --cells` prints on a 2D count with a box (the count's
/// fields and a cell's) is documented in the first two tables of docs/json/regions.md, and
/// every field documented there is printed; a piece's fields are named in the `piece` row.
#[test]
fn regions_fields_are_documented() {
    let (m, c) = case("regions_fields", 1, 2, 2, 3);
    let r = ok_on("regions", &m, &c, &["--box", "-4,4", "--cells", "--json"]);
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
    let doc = doc("regions");
    let row = doc.lines().find(|l| l.starts_with("| `piece`")).unwrap();
    assert_row_names(row, &cells[0]["piece"], "piece");
    for run in j["runs"].as_array().unwrap() {
        let row = doc.lines().find(|l| l.starts_with("| `runs`")).unwrap();
        assert_row_names(row, run, "runs");
    }
}

/// The readable table of `tropical eval` on a small model: decimals with certified errors,
/// argmax sets labelled by layer and head, the interval width per temperature, the scale and
/// the note on what the map leaves out (snapshot).
#[test]
fn eval_table_snapshot() {
    let (m, c) = case("table", 2, 2, 2, 3);
    let taus = ["--tau", "1,1/10", "--digits", "6"];
    let r = ok_on("eval", &m, &c, &[&["--at", "1,1/2"], &taus[..]].concat());
    insta::assert_snapshot!("eval_table", r.stdout);
    let head = ["--layer", "1", "--heads", "1", "--exact"];
    let one = ok_on("eval", &m, &c, &[&["--at", "1,1/2"], &head[..]].concat());
    insta::assert_snapshot!("eval_table_layer_head_exact", one.stdout);
}

/// Flag errors name the flag and the valid range: `--heads` needs `--layer`, a head out of
/// range names the layer's heads, a layer out of range names the layers.
#[test]
fn eval_flag_errors_name_the_valid_range() {
    let (m, c) = case("errors", 2, 2, 2, 3);
    let run = |extra: &[&str]| {
        let mut a = vec!["--at", "1,1/2"];
        a.extend_from_slice(extra);
        let r = tropical(&on_model("eval", &m, &c, &a));
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
    let (m, c) = case("topk_fields", 1, 2, 2, 4);
    let topk = ["--topk", "2", "--cells", "--json"];
    let r = ok_on("regions", &m, &c, &[&["--box", "-4,4"], &topk[..]].concat());
    let j: Value = serde_json::from_str(&r.stdout).unwrap();
    let doc = doc("regions");
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
    assert_row_names(row, &regions[0], "region");
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
    let doc = doc("poly");
    for (field, v) in [
        ("terms", &j["terms"][0]),
        ("temperatures", &j["temperatures"][0]),
    ] {
        let row = doc
            .lines()
            .find(|l| l.starts_with(&format!("| `{field}`")))
            .unwrap();
        assert_row_names(row, v, field);
    }
}
