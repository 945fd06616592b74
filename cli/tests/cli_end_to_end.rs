//! End-to-end tests of the `tropical` binary: every subcommand is run as a process on small inputs
//! written to a per-test temporary folder.
//!
//! Two kinds of test:
//! - **valid input** → exit code 0, and the `--json` report's documented fields checked against
//!   an independent derivation (done by hand in the doc comment of each test);
//! - **bad input** (malformed numbers, garbled files, wrong JSON shapes, missing or empty files,
//!   NaN/inf, dimension mismatches) → exit code exactly 2 and stderr exactly one non-empty line
//!   starting with `error:` that names the file (and the line, for line-oriented formats), never
//!   a panic (exit 101) or a silent answer (issues 2, 3, 4 and 7).

use std::path::{Path, PathBuf};

use serde_json::{json, Value};

// ------------------------------------------------------------------------------------ helpers

mod common;
use common::{assert_error, assert_missing_file_error, expect_fields, json_ok, on_model};
use common::{square, tropical, tropical_words, Run, SQUARE_CONTEXT, SQUARE_MODEL};

/// A fresh, empty temporary folder for one test.
fn tmpdir(test: &str) -> PathBuf {
    common::tmpdir("cli_end_to_end", test)
}

/// Write `contents` to `dir/name` and return the path.
fn write(dir: &Path, name: &str, contents: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, contents).expect("write test input");
    p
}

/// Write `contents` to `TEST/NAME` (given as one path) in this file's temporary folder (created
/// if need be, not emptied) and return the path.
fn input(test_and_name: &str, contents: &str) -> PathBuf {
    let p = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("cli_end_to_end")
        .join(test_and_name);
    std::fs::create_dir_all(p.parent().unwrap()).expect("create temp dir");
    std::fs::write(&p, contents).expect("write test input");
    p
}

fn s(p: &Path) -> String {
    p.display().to_string()
}

/// The checked-in tiny model and context of the attention crate.
fn testdata(name: &str) -> String {
    s(&common::testdata(name))
}

/// Owned copies of the `(file name, contents, …)` rows of a table of bad inputs.
fn owned<R: Row>(rows: &[R]) -> Vec<(String, String)> {
    rows.iter()
        .map(|r| (r.name().to_string(), r.body().to_string()))
        .collect()
}

/// A row of a table of bad inputs: a file name and its contents first.
trait Row {
    fn name(&self) -> &str;
    fn body(&self) -> &str;
}

impl Row for (&str, &str) {
    fn name(&self) -> &str {
        self.0
    }
    fn body(&self) -> &str {
        self.1
    }
}

impl Row for (&str, &str, Option<usize>) {
    fn name(&self) -> &str {
        self.0
    }
    fn body(&self) -> &str {
        self.1
    }
}

/// A JSON value that must be an exact rational written as a string (or number): its text.
fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        other => panic!("expected a number or string, got {other}"),
    }
}

/// The vertices of a report, each coordinate as its exact text.
fn vertex_texts(j: &Value) -> Vec<Vec<String>> {
    j["vertices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_array().unwrap().iter().map(text).collect())
        .collect()
}

/// The field `key` of `j`, an array of unsigned integers.
fn u64s(j: &Value, key: &str) -> Vec<u64> {
    j[key]
        .as_array()
        .unwrap_or_else(|| panic!("no {key} in {j}"))
        .iter()
        .map(|x| x.as_u64().unwrap())
        .collect()
}

/// Parse an exact decimal or `p/q` string to f64 (display-level checks only).
fn approx(v: &Value) -> f64 {
    let t = text(v);
    match t.split_once('/') {
        Some((p, q)) => p.parse::<f64>().unwrap() / q.parse::<f64>().unwrap(),
        None => t.parse::<f64>().unwrap(),
    }
}

/// Malformed rationals that every number parser must reject.
const BAD_NUMBERS: &[&str] = &["1/0", "abc", "NaN", "inf", "-inf", "1.2.3", "", "1e999999"];

// ------------------------------------------------------------------------------------ top level

#[test]
fn help_and_version_work() {
    let r = tropical(&["--help"]);
    assert_eq!(r.code, Some(0));
    for sub in [
        "demo",
        "poly",
        "hull",
        "minkowski",
        "power-diagram",
        "tconv",
        "regions",
        "eval",
        "gpu-check",
    ] {
        assert!(r.stdout.contains(sub), "--help lacks {sub}: {}", r.stdout);
        let h = tropical(&[sub, "--help"]);
        assert_eq!(h.code, Some(0), "{sub} --help: {h:#?}");
    }
    let v = tropical(&["--version"]);
    assert_eq!(v.code, Some(0));
    assert!(v.stdout.starts_with("tropical "), "{}", v.stdout);
}

/// `tropical demo --out DIR` runs end to end and writes its figures into DIR.
#[test]
fn demo_runs() {
    let dir = tmpdir("demo_runs");
    let out = dir.join("figs");
    let r = tropical(&["demo", "--out", &s(&out)]);
    assert_eq!(r.code, Some(0), "{r:#?}");
    assert!(!r.stdout.is_empty());
    assert!(out.is_dir());
}

/// `--out` under a regular file cannot be created: one-line error naming the folder.
#[test]
fn demo_bad_out_folder() {
    let dir = tmpdir("demo_bad_out_folder");
    let file = write(&dir, "file", "x");
    let r = tropical(&["demo", "--out", &s(&file.join("sub"))]);
    assert_error(&r, &["file"]);
}

// ------------------------------------------------------------------------------------ poly

/// `max(0, x)` (terms `0:0` and `0:1`): at x = 3 the value is 3 attained by the `x` monomial
/// only; at x = −2 it is 0 by the constant only; at x = 0 both tie. At τ the dequantization is
/// softplus `τ·log(1 + e^{x/τ})`, computed here in f64: the certified enclosure must contain it
/// (up to f64 rounding) and lie above `max(0, x)`.
#[test]
fn poly_max_zero_x() {
    for (x, value, winners) in [
        ("3", 3.0, vec![1i64]),
        ("-2", 0.0, vec![0]),
        ("0", 0.0, vec![0, 1]),
    ] {
        let r = tropical(&[
            "poly", "--term", "0:0", "--term", "0:1", "--at", x, "--tau", "1,1/10", "--json",
        ]);
        let j = json_ok(&r);
        assert_eq!(approx(&j["value"]), value, "{j}");
        assert_eq!(text(&j["value"]), text(&Value::from(value as i64)));
        let terms = j["terms"].as_array().unwrap();
        assert_eq!(terms.len(), 2);
        let mut exps: Vec<i64> = j["argmax"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| {
                terms[i.as_u64().unwrap() as usize]["exp"][0]
                    .as_i64()
                    .unwrap()
            })
            .collect();
        exps.sort();
        assert_eq!(exps, winners, "{j}");
        let temps = j["temperatures"].as_array().unwrap();
        assert_eq!(temps.len(), 2);
        for t in temps {
            let tau = approx(&t["tau"]);
            let xf: f64 = x.parse().unwrap();
            let softplus = tau * (1.0 + (xf / tau).exp()).ln();
            let (lo, hi) = (approx(&t["lo"]), approx(&t["hi"]));
            assert!(lo <= hi);
            assert!(lo <= softplus + 1e-12 && softplus <= hi + 1e-12, "{t}");
            assert!(hi >= value);
            // sandwich (SPEC T2): f ≤ f_τ ≤ f + τ log N
            assert!(lo <= value + tau * 2f64.ln() + 1e-12);
        }
    }
}

/// The same polynomial from a JSON file gives the same report as `--term`.
#[test]
fn poly_file_matches_terms() {
    let f = input(
        "poly_file_matches_terms/p.json",
        r#"{"terms": [{"coeff": "1/2", "exp": [1, 0]}, {"coeff": -1, "exp": [0, 2]}]}"#,
    );
    let a = json_ok(&tropical(&[
        "poly",
        "--file",
        &s(&f),
        "--at",
        "1,1",
        "--json",
    ]));
    let b = json_ok(&tropical(&[
        "poly", "--term", "1/2:1,0", "--term", "-1:0,2", "--at", "1,1", "--json",
    ]));
    assert_eq!(a, b);
    // max(1/2 + x, -1 + 2y) at (1,1) = 3/2
    assert_eq!(text(&a["value"]), "3/2");
}

#[test]
fn poly_bad_numbers() {
    for bad in BAD_NUMBERS {
        let at = tropical(&["poly", "--term", "0:1", &format!("--at={bad}")]);
        assert_error(&at, &["--at"]);
        let coeff = format!("{bad}:1");
        let term = tropical(&["poly", "--term", &coeff, "--at", "1"]);
        assert_error(&term, &["--term"]);
        let tau = tropical(&[
            "poly",
            "--term",
            "0:1",
            "--at",
            "1",
            &format!("--tau={bad}"),
        ]);
        if !bad.is_empty() {
            // (an empty --tau list just means "no temperatures")
            assert_error(&tau, &["--tau"]);
        }
    }
}

#[test]
fn poly_bad_shapes() {
    // point dimension ≠ number of variables
    assert_error(
        &tropical(&["poly", "--term", "0:1,1", "--at", "1"]),
        &["--at"],
    );
    // monomials with different numbers of exponents
    assert_error(
        &tropical(&["poly", "--term", "0:1", "--term", "0:1,1", "--at", "1"]),
        &["--term"],
    );
    // non-integer exponent, missing colon
    assert_error(
        &tropical(&["poly", "--term", "0:1/2", "--at", "1"]),
        &["--term"],
    );
    assert_error(
        &tropical(&["poly", "--term", "5", "--at", "1"]),
        &["--term"],
    );
    // non-positive temperatures
    for t in ["0", "-1"] {
        assert_error(
            &tropical(&["poly", "--term", "0:1", "--at", "1", &format!("--tau={t}")]),
            &["--tau"],
        );
    }
}

#[test]
fn poly_bad_files() {
    let dir = tmpdir("poly_bad_files");
    let cases = [
        ("empty.json", ""),
        ("garbled.json", "{\"terms\": [ {\"coeff\": 1, \n"),
        ("wrong_shape.json", r#"{"terms": {"coeff": 1}}"#),
        ("no_terms.json", r#"{"terms": []}"#),
        (
            "bad_coeff.json",
            r#"{"terms": [{"coeff": "1/0", "exp": [1]}]}"#,
        ),
        (
            "nan_coeff.json",
            r#"{"terms": [{"coeff": "NaN", "exp": [1]}]}"#,
        ),
        (
            "list_coeff.json",
            r#"{"terms": [{"coeff": [1], "exp": [1]}]}"#,
        ),
        (
            "ragged.json",
            r#"{"terms": [{"coeff": 0, "exp": [1]}, {"coeff": 0, "exp": [1, 2]}]}"#,
        ),
    ];
    for (name, body) in cases {
        let f = write(&dir, name, body);
        let r = tropical(&["poly", "--file", &s(&f), "--at", "1"]);
        assert_error(&r, &[name]);
    }
    let missing = dir.join("missing.json");
    assert_error(
        &tropical(&["poly", "--file", &s(&missing), "--at", "1"]),
        &["missing.json"],
    );
}

// ------------------------------------------------------------------------------------ hull

/// The unit cube in cdd `.ext` format (V-representation, 8 vertices).
const CUBE_EXT: &str = "\
V-representation
begin
8 4 rational
1 0 0 0
1 1 0 0
1 0 1 0
1 1 1 0
1 0 0 1
1 1 0 1
1 0 1 1
1 1 1 1
end
";

/// The unit cube in cdd `.ine` format: rows `b −A` meaning `b − A·x ≥ 0`.
const CUBE_INE: &str = "\
H-representation
begin
6 4 rational
0 1 0 0
0 0 1 0
0 0 0 1
1 -1 0 0
1 0 -1 0
1 0 0 -1
end
";

/// The f-vector `[vertices, edges, …, facets]` of a report (allowing an implementation that also
/// lists the empty face and the polytope itself, which are stripped here).
fn proper_f_vector(j: &Value, dim: usize) -> Vec<u64> {
    let f = u64s(j, "f_vector");
    if f.len() == dim + 2 {
        f[1..=dim].to_vec()
    } else {
        f
    }
}

/// The 3-cube: dim 3, 8 vertices, 6 facets, f-vector (8, 12, 6) — from the `.ext` (V→H) and
/// from the `.ine` (H→V) alike.
#[test]
fn hull_unit_cube_both_representations() {
    let dir = tmpdir("hull_unit_cube");
    for (name, body) in [("cube.ext", CUBE_EXT), ("cube.ine", CUBE_INE)] {
        let f = write(&dir, name, body);
        let j = json_ok(&tropical(&["hull".to_string(), s(&f), "--json".into()]));
        assert_eq!(j["dim"], 3, "{name}: {j}");
        assert_eq!(j["vertices"], 8, "{name}: {j}");
        assert_eq!(j["facets"], 6, "{name}: {j}");
        assert_eq!(proper_f_vector(&j, 3), vec![8, 12, 6], "{name}: {j}");
    }
}

/// `--timings` leaves standard output as it was and adds exactly one stderr line with the three
/// stages, each a finite non-negative number of milliseconds (the values are not checked).
#[test]
fn hull_timings_line() {
    let dir = tmpdir("hull_timings");
    let f = write(&dir, "cube.ine", CUBE_INE);
    let plain = tropical(&["hull".to_string(), s(&f), "--json".into()]);
    let timed = tropical(&[
        "hull".to_string(),
        s(&f),
        "--json".into(),
        "--timings".into(),
    ]);
    assert_eq!(timed.code, Some(0), "{timed:?}");
    assert_eq!(plain.stdout, timed.stdout);
    let lines: Vec<&str> = timed.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{timed:?}");
    let words: Vec<&str> = lines[0].split_whitespace().collect();
    assert_eq!(words.len(), 10, "{}", lines[0]);
    assert_eq!(words[0], "timings");
    for (i, stage) in ["read", "convert", "output"].iter().enumerate() {
        assert_eq!(words[1 + 3 * i], *stage, "{}", lines[0]);
        assert_eq!(words[3 + 3 * i], "ms", "{}", lines[0]);
        let v: f64 = words[2 + 3 * i].parse().expect("a number");
        assert!(v.is_finite() && v >= 0.0, "{}", lines[0]);
    }
    assert!(plain.stderr.is_empty(), "{plain:?}");
}

/// A square with a repeated vertex and an interior point, in R^2: dim 2, 4 vertices, 4 facets.
/// A flat square in R^3 (z = 0): dim 2, 4 vertices, f-vector (4, 4).
#[test]
fn hull_degenerate_inputs() {
    let sq = input(
        "hull_degenerate/square.ext",
        "V-representation\nbegin\n6 3 rational\n1 0 0\n1 2 0\n1 0 2\n1 2 2\n1 2 2\n1 1 1\nend\n",
    );
    let j = json_ok(&tropical(&["hull".to_string(), s(&sq), "--json".into()]));
    expect_fields(&j, json!({"dim": 2, "vertices": 4, "facets": 4}));
    let flat = input(
        "hull_degenerate/flat.ext",
        "V-representation\nbegin\n4 4 rational\n1 0 0 0\n1 1 0 0\n1 0 1 0\n1 1 1 0\nend\n",
    );
    let j = json_ok(&tropical(&["hull".to_string(), s(&flat), "--json".into()]));
    expect_fields(&j, json!({"dim": 2, "vertices": 4}));
    assert_eq!(proper_f_vector(&j, 2), vec![4, 4], "{j}");
}

/// Unbounded and empty inputs: the positive orthant `x ≥ 0` of R³ has one vertex (the origin),
/// three rays and three facets; `x ≥ 1, x ≤ 0` is empty (dimension −1, no vertex); a single
/// point is 0-dimensional with one vertex; `x + y = 1, x, y ≥ 0` (linearity) is a segment.
#[test]
fn hull_unbounded_empty_and_lower_dimensional() {
    let dir = tmpdir("hull_unbounded");
    let run = |name: &str, body: &str| {
        let f = write(&dir, name, body);
        json_ok(&tropical(&["hull".to_string(), s(&f), "--json".into()]))
    };
    let j = run(
        "orthant.ine",
        "H-representation\nbegin\n3 4 rational\n0 1 0 0\n0 0 1 0\n0 0 0 1\nend\n",
    );
    expect_fields(&j, json!({"dim": 3, "vertices": 1, "rays": 3, "facets": 3}));
    let j = run(
        "empty.ine",
        "H-representation\nbegin\n2 2 rational\n-1 1\n0 -1\nend\n",
    );
    expect_fields(&j, json!({"dim": -1, "vertices": 0}));
    let j = run(
        "point.ext",
        "V-representation\nbegin\n1 3 rational\n1 5 5\nend\n",
    );
    expect_fields(&j, json!({"dim": 0, "vertices": 1}));
    let j = run(
        "segment.ine",
        "H-representation\nlinearity 1 1\nbegin\n3 3 rational\n1 -1 -1\n0 1 0\n0 0 1\nend\n",
    );
    expect_fields(&j, json!({"dim": 1, "vertices": 2, "equations": 1}));
    assert_eq!(proper_f_vector(&j, 1), vec![2], "{j}");
}

/// Bad `.ext`/`.ine` files: one-line error naming the file and, where a specific line is at
/// fault, that line's number.
#[test]
fn hull_bad_files() {
    let dir = tmpdir("hull_bad_files");
    // (file name, contents, the line numbers of which the error must name one; none: any)
    let mut cases: Vec<(String, String, Vec<usize>)> = Vec::new();
    for (k, bad) in ["1/0", "abc", "NaN", "inf", "1.2.3"].iter().enumerate() {
        cases.push((
            format!("badnum{k}.ext"),
            format!("V-representation\nbegin\n2 3 rational\n1 0 0\n1 {bad} 1\nend\n"),
            vec![5],
        ));
    }
    cases.push((
        "short_row.ext".into(),
        "V-representation\nbegin\n2 3 rational\n1 0 0\n1 1\nend\n".into(),
        // the short row is on line 5; a token-based reader may notice at `end` (line 6)
        vec![5, 6],
    ));
    cases.push((
        "long_row.ine".into(),
        "H-representation\nbegin\n2 3 rational\n0 1 0\n1 -1 0 7\nend\n".into(),
        vec![5],
    ));
    cases.push((
        "bad_header.ext".into(),
        "V-representation\nbegin\n2 x rational\n1 0 0\n1 1 1\nend\n".into(),
        vec![3],
    ));
    cases.push((
        "bad_type.ext".into(),
        "V-representation\nbegin\n2 3 complex\n1 0 0\n1 1 1\nend\n".into(),
        vec![3],
    ));
    cases.push((
        "truncated.ext".into(),
        "V-representation\nbegin\n3 3 rational\n1 0 0\n1 1 1\n".into(),
        vec![],
    ));
    cases.push((
        "too_few_rows.ext".into(),
        "V-representation\nbegin\n3 3 rational\n1 0 0\n1 1 1\nend\n".into(),
        vec![],
    ));
    cases.push((
        "no_begin.ext".into(),
        "V-representation\n2 3 rational\n1 0 0\n1 1 1\nend\n".into(),
        vec![],
    ));
    cases.push(("empty.ext".into(), String::new(), vec![]));
    cases.push((
        "garbled.json".into(),
        "{\"points\": [[1, 2], \n".into(),
        vec![],
    ));
    for (name, body, line) in &cases {
        let f = write(&dir, name, body);
        let r = tropical(&["hull".to_string(), s(&f), "--json".into()]);
        assert_error(&r, &[name.as_str()]);
        if !line.is_empty() {
            assert!(
                line.iter().any(|l| r.stderr.contains(&format!("line {l}"))),
                "{name}: the error names none of the lines {line:?}: {}",
                r.stderr
            );
        }
    }
    assert_missing_file_error(&dir, "hull", "missing.ext");
}

// ------------------------------------------------------------------------------------ minkowski

/// Segments along the three axes sum to the unit cube (8 vertices, 6 facets, f (8,12,6));
/// two axis segments in R^2 sum to the unit square (4, 4).
#[test]
fn minkowski_segments_make_a_cube() {
    let dir = tmpdir("minkowski_cube");
    let seg = |name: &str, e: [u8; 3]| {
        write(
            &dir,
            name,
            &format!(
                "V-representation\nbegin\n2 4 rational\n1 0 0 0\n1 {} {} {}\nend\n",
                e[0], e[1], e[2]
            ),
        )
    };
    let a = seg("a.ext", [1, 0, 0]);
    let b = seg("b.ext", [0, 1, 0]);
    let c = seg("c.ext", [0, 0, 1]);
    let j = json_ok(&tropical(&[
        "minkowski".to_string(),
        s(&a),
        s(&b),
        s(&c),
        "--json".into(),
    ]));
    expect_fields(&j, json!({"dim": 3, "vertices": 8, "facets": 6}));
    assert_eq!(proper_f_vector(&j, 3), vec![8, 12, 6], "{j}");
    // two of them: a unit square in the plane z = 0 of R^3
    let j = json_ok(&tropical(&[
        "minkowski".to_string(),
        s(&a),
        s(&b),
        "--json".into(),
    ]));
    expect_fields(&j, json!({"dim": 2, "vertices": 4}));
    assert_eq!(proper_f_vector(&j, 2), vec![4, 4], "{j}");
}

/// A square in the plane z-less R^2 (a summand of the wrong ambient dimension beside the cube).
const PLANE_EXT: &str = "V-representation\nbegin\n2 3 rational\n1 0 0\n1 1 1\nend\n";

/// Each bad summand beside the cube: exit 2 with one line naming the file (and the line).
/// Ambient dimensions 3 and 2 do not match (the file name: see
/// `minkowski_dimension_mismatch_names_file`); a malformed number, an empty file, an unbounded
/// summand, an empty one, a missing file.
#[test]
fn minkowski_bad_inputs() {
    let dir = tmpdir("minkowski_bad");
    let good = write(&dir, "good.ext", CUBE_EXT);
    #[rustfmt::skip]
    let cases: [(&str, Option<&str>, &[&str]); 6] = [
        ("plane.ext", Some(PLANE_EXT), &[]),
        ("bad.ext", Some("V-representation\nbegin\n2 4 rational\n1 0 0 0\n1 1/0 0 0\nend\n"), &["bad.ext", "line 5"]),
        ("empty.ext", Some(""), &["empty.ext"]),
        ("ray.ext", Some("V-representation\nbegin\n2 4 rational\n1 0 0 0\n0 1 0 0\nend\n"), &["ray.ext"]),
        ("none.ine", Some("H-representation\nbegin\n2 4 rational\n-1 1 0 0\n0 -1 0 0\nend\n"), &["none.ine"]),
        ("missing.ext", None, &["missing.ext"]),
    ];
    for (name, body, mentions) in cases {
        let f = body.map_or_else(|| dir.join(name), |b| write(&dir, name, b));
        assert_error(
            &tropical(&["minkowski".to_string(), s(&good), s(&f)]),
            mentions,
        );
    }
}

/// Summands of different ambient dimensions: the error names the offending file.
#[test]
fn minkowski_dimension_mismatch_names_file() {
    let dir = tmpdir("minkowski_dim_mismatch");
    let (good, plane) = (
        write(&dir, "good.ext", CUBE_EXT),
        write(&dir, "plane.ext", PLANE_EXT),
    );
    assert_error(
        &tropical(&["minkowski".to_string(), s(&good), s(&plane)]),
        &["plane.ext"],
    );
}

// ------------------------------------------------------------------------------------ power-diagram

fn pd_json(f: PathBuf) -> Value {
    json_ok(&tropical(&[
        "power-diagram".to_string(),
        s(&f),
        "--json".into(),
    ]))
}

/// Three collinear sites a = (0,0), b = (4,0), m = (2,0) in R^2, m with weight −100: its power
/// at x is |x − m|² + 100, while |x − a|² + |x − b|² = 2|x − m|² + 8 (parallelogram law) gives
/// min(|x − a|², |x − b|²) ≤ |x − m|² + 4 < |x − m|² + 100, so m is hidden. The others are
/// separated by the line x₁ = 2: two cells, no vertex, one edge (0, 1).
#[test]
fn power_diagram_hidden_site() {
    let j = pd_json(input(
        "pd_hidden/hidden.json",
        r#"{"sites": [[0, 0], [4, 0], [2, 0]], "weights": [0, 0, "-100"]}"#,
    ));
    expect_fields(
        &j,
        json!({"dim": 2, "cells": 2, "hidden": [2], "vertices": [], "edges": [[0, 1]]}),
    );
    // with weight 0 the middle site is visible: three cells in a row (bisectors x₁ = 1 and
    // x₁ = 3 are parallel), no vertex, edges (0,2), (1,2).
    let j = pd_json(input(
        "pd_hidden/visible.json",
        r#"{"sites": [[0, 0], [4, 0], [2, 0]], "weights": [0, 0, 0]}"#,
    ));
    expect_fields(&j, json!({"cells": 3, "hidden": []}));
    let mut edges: Vec<(u64, u64)> = j["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let (a, b) = (e[0].as_u64().unwrap(), e[1].as_u64().unwrap());
            (a.min(b), a.max(b))
        })
        .collect();
    edges.sort();
    assert_eq!(edges, vec![(0, 2), (1, 2)], "{j}");
}

/// Voronoi diagram (weights 0) of (0,0), (2,0), (0,2): one vertex at the circumcentre (1,1),
/// three cells, every pair adjacent. With rational weights `"1/2"` as strings the vertex moves
/// exactly: the power bisector of p, q is 2⟨x, q − p⟩ = |q|² − |p|² − w_q + w_p; with
/// w = (1/2, 0, 0) the bisector of sites 0, 1 is 4x₁ = 4 + 1/2 and of sites 0, 2 is
/// 4x₂ = 4 + 1/2, so the vertex is (9/8, 9/8).
#[test]
fn power_diagram_voronoi_triangle() {
    let j = pd_json(input(
        "pd_voronoi/tri.json",
        r#"{"sites": [[0, 0], [2, 0], [0, 2]], "weights": [0, 0, 0]}"#,
    ));
    expect_fields(&j, json!({"cells": 3, "hidden": []}));
    let v: Vec<Vec<String>> = vertex_texts(&j);
    assert_eq!(v, vec![vec!["1".to_string(), "1".to_string()]], "{j}");
    assert_eq!(j["edges"].as_array().unwrap().len(), 3, "{j}");
    let j = pd_json(input(
        "pd_voronoi/tri_w.json",
        r#"{"sites": [[0, 0], [2, 0], [0, 2]], "weights": ["1/2", 0, 0]}"#,
    ));
    let v: Vec<Vec<String>> = vertex_texts(&j);
    assert_eq!(v, vec![vec!["9/8".to_string(), "9/8".to_string()]], "{j}");
}

/// In R¹ the Voronoi diagram of 0, 1, 2 has the vertices 1/2 and 3/2 and the path 0–1–2.
#[test]
fn power_diagram_one_dimensional() {
    let j = pd_json(input(
        "pd_1d/line.json",
        r#"{"sites": [[0], [1], [2]], "weights": [0, 0, 0]}"#,
    ));
    expect_fields(
        &j,
        json!({"cells": 3, "vertices": [["1/2"], ["3/2"]], "edges": [[0, 1], [1, 2]]}),
    );
}

/// Every site is either the site of a nonempty cell or hidden. Sites (0,0), (0,0), (1,0):
/// with weights 0, 1, 0 the first copy is dominated (hidden); with weights 0, 0, 0 the two
/// copies have the same cell — whichever convention, both must be accounted for.
#[test]
fn power_diagram_accounts_for_every_site() {
    let dir = tmpdir("pd_every_site");
    for (name, body, shared) in [
        (
            "dominated.json",
            r#"{"sites": [[0, 0], [0, 0], [1, 0]], "weights": [0, 1, 0]}"#,
            false,
        ),
        (
            "equal.json",
            r#"{"sites": [[0, 0], [0, 0], [1, 0]], "weights": [0, 0, 0]}"#,
            true,
        ),
    ] {
        let j = pd_json(write(&dir, name, body));
        let cell_sites: Vec<u64> = u64s(&j, "cell_sites");
        let hidden: Vec<u64> = u64s(&j, "hidden");
        let site_cell = j["site_cell"].as_array().unwrap();
        assert_eq!(site_cell.len(), 3, "{name}: {j}");
        for (i, c) in site_cell.iter().enumerate() {
            // exactly one of: hidden, or in a cell
            assert_eq!(
                c.is_null(),
                hidden.contains(&(i as u64)),
                "{name}: site {i}: {j}"
            );
            if let Some(c) = c.as_u64() {
                let owner = cell_sites[c as usize];
                assert!(
                    owner == i as u64 || shared,
                    "{name}: site {i} in cell of {owner}: {j}"
                );
            }
        }
        if shared {
            // the duplicate shares site 0's cell
            assert_eq!(site_cell[0], site_cell[1], "{name}: {j}");
        } else {
            // (0,0) with weight 1 dominates its copy with weight 0: site 0 hidden
            assert_eq!(hidden, vec![0], "{name}: {j}");
        }
    }
}

#[test]
fn power_diagram_bad_files() {
    let dir = tmpdir("pd_bad");
    #[rustfmt::skip]
    let fixed: [(&str, &str, Option<usize>); 11] = [
        ("empty.json", "", None),
        ("syntax.json", "{\n\"sites\": [[0, 0],\n [1, 1]]\n\"weights\": [0, 0]}\n", Some(4)),
        ("sites_not_array.json", r#"{"sites": 5, "weights": []}"#, None),
        ("no_weights.json", r#"{"sites": [[0, 0]]}"#, None),
        ("no_sites.json", r#"{"sites": [], "weights": []}"#, None),
        ("count_mismatch.json", r#"{"sites": [[0, 0], [1, 1]], "weights": [0]}"#, None),
        ("ragged.json", r#"{"sites": [[0, 0], [1, 1, 1]], "weights": [0, 0]}"#, None),
        ("row_not_array.json", r#"{"sites": [[0, 0], 1], "weights": [0, 0]}"#, None),
        ("zero_dim.json", r#"{"sites": [[], []], "weights": [0, 0]}"#, None),
        ("bool.json", r#"{"sites": [[0, true]], "weights": [0]}"#, None),
        ("top_level_array.json", "[[0, 0]]", None),
    ];
    let mut cases: Vec<(String, String, Option<usize>)> = owned(&fixed)
        .into_iter()
        .zip(fixed.iter().map(|f| f.2))
        .map(|((n, b), l)| (n, b, l))
        .collect();
    for (k, bad) in BAD_NUMBERS.iter().enumerate() {
        cases.push((
            format!("badsite{k}.json"),
            format!(r#"{{"sites": [[0, 0], [1, "{bad}"]], "weights": [0, 0]}}"#),
            None,
        ));
        cases.push((
            format!("badweight{k}.json"),
            format!(r#"{{"sites": [[0, 0], [1, 1]], "weights": [0, "{bad}"]}}"#),
            None,
        ));
    }
    for (name, body, line) in &cases {
        let f = write(&dir, name, body);
        let r = tropical(&["power-diagram".to_string(), s(&f), "--json".into()]);
        let line_text = line.map(|l| format!("line {l}"));
        let mut m = vec![name.as_str()];
        if let Some(l) = &line_text {
            m.push(l);
        }
        assert_error(&r, &m);
    }
    assert_missing_file_error(&dir, "power-diagram", "missing.json");
}

#[test]
fn power_diagram_bad_box() {
    let f = input(
        "pd_bad_box/ok.json",
        r#"{"sites": [[0, 0], [2, 0]], "weights": [0, 0]}"#,
    );
    for b in ["1,0", "abc,1", "0,1/0", "5", "NaN,1"] {
        let arg = format!("--box={b}");
        assert_error(
            &tropical(&["power-diagram".to_string(), s(&f), arg]),
            &["--box"],
        );
    }
    // a valid box clips: the two cells of the bisector x₁ = 1 in [−4, 4]² have the vertices
    // (1, −4), (1, 4) and the four corners.
    let j = json_ok(&tropical(&[
        "power-diagram".to_string(),
        s(&f),
        "--box=-4,4".into(),
        "--json".into(),
    ]));
    assert_eq!(j["cells"], 2, "{j}");
    let mut v: Vec<Vec<String>> = vertex_texts(&j);
    v.sort();
    let mut want: Vec<Vec<String>> = [
        ["-4", "-4"],
        ["-4", "4"],
        ["1", "-4"],
        ["1", "4"],
        ["4", "-4"],
        ["4", "4"],
    ]
    .iter()
    .map(|p| p.iter().map(|x| x.to_string()).collect())
    .collect();
    want.sort();
    assert_eq!(v, want, "{j}");
}

// ------------------------------------------------------------------------------------ tconv

/// Tropical segment between a = (0,0,0) and b = (0,1,2) in TP²: `b − a` has 3 distinct
/// coordinates, so the segment is a concatenation of 2 ordinary segments (Develin–Sturmfels
/// 2004, Prop. 3): 3 pseudovertices, bounded f-vector (3, 2).
#[test]
fn tconv_tropical_segment() {
    let dir = tmpdir("tconv_segment");
    let f = write(&dir, "seg.json", "[[0, 0, 0], [0, 1, 2]]");
    let j = json_ok(&tropical(&["tconv".to_string(), s(&f), "--json".into()]));
    let pv = &j["pseudovertices"];
    let n = pv
        .as_array()
        .map(Vec::len)
        .or_else(|| pv.as_u64().map(|n| n as usize))
        .unwrap_or_else(|| panic!("pseudovertices: {j}"));
    assert_eq!(n, 3, "{j}");
    let f = u64s(&j, "bounded_f_vector");
    assert_eq!(f, vec![3, 2], "{j}");
}

#[test]
fn tconv_bad_files() {
    let cases = [
        ("empty.json", ""),
        ("no_points.json", "[]"),
        ("ragged.json", "[[0, 0, 0], [0, 1]]"),
        ("badnum.json", r#"[[0, 0, 0], [0, "1/0", 2]]"#),
        ("nan.json", r#"[[0, 0, 0], [0, "NaN", 2]]"#),
        ("garbled.json", "[[0, 0, 0], [0, 1"),
        ("not_rows.json", r#"{"x": 1}"#),
    ];
    let dir = tmpdir("tconv_bad");
    for (name, body) in cases {
        let f = write(&dir, name, body);
        let r = tropical(&["tconv".to_string(), s(&f), "--json".into()]);
        assert_error(&r, &[name]);
    }
    assert_missing_file_error(&dir, "tconv", "missing.json");
}

// ------------------------------------------------------------------------------------ regions

#[test]
fn regions_square_keys() {
    let dir = tmpdir("regions_square");
    let (m, c) = square(&dir);
    let j = json_ok(&run_on("regions", &m, &c, &["--json"]));
    expect_fields(
        &j,
        json!({"cells": 4, "linear_regions": 4, "dimension": 2, "keys": 5, "heads": [0]}),
    );
    assert_eq!(text(&j["bound_product"]), "5", "{j}");
    expect_fields(&j, json!({"complete": true, "cells_minkowski": 4}));
    // --max-regions 2 stops early: partial count, complete false
    let j = json_ok(&run_on(
        "regions",
        &m,
        &c,
        &["--max-regions", "2", "--json"],
    ));
    assert_eq!(j["complete"], false, "{j}");
    assert!(j["cells"].as_u64().unwrap() <= 2, "{j}");
    // a box [−1, 1]² still meets all four cones (they all contain the origin in their closure)
    let j = json_ok(&run_on("regions", &m, &c, &["--box=-1,1", "--json"]));
    assert_eq!(j["cells"], 4, "{j}");
    // the box [1, 2]² lies in the cone of key (1, 1) only
    let j = json_ok(&run_on("regions", &m, &c, &["--box=1,2", "--json"]));
    assert_eq!(j["cells"], 1, "{j}");
}

/// The checked-in tiny BERT checkpoint with its context: a complete count with
/// `cells ≤ bound_product = N^H` and the Minkowski count (SPEC T6) equal to the walk's.
#[test]
fn regions_tiny_checkpoint() {
    let j = json_ok(&tropical(&[
        "regions",
        "--model",
        &testdata("tiny-bert.safetensors"),
        "--context",
        &testdata("tiny-context.json"),
        "--json",
    ]));
    expect_fields(&j, json!({"complete": true, "keys": 6}));
    let cells = j["cells"].as_u64().unwrap();
    let heads = j["heads"].as_array().unwrap().len() as u32;
    assert!(heads >= 1);
    let bound: u64 = text(&j["bound_product"]).parse().unwrap();
    assert_eq!(bound, 6u64.pow(heads), "{j}");
    assert!(cells >= 1 && cells <= bound, "{j}");
    assert!(j["linear_regions"].as_u64().unwrap() <= cells, "{j}");
    if !j["cells_minkowski"].is_null() {
        assert_eq!(j["cells_minkowski"].as_u64().unwrap(), cells, "{j}");
    }
    let z: u64 = text(&j["bound_zaslavsky"]).parse().unwrap();
    assert!(cells <= z, "{j}");
}

/// `tropical SUB --model MODEL --context CONTEXT EXTRA…` (`regions` or `eval`).
fn run_on(sub: &str, model: &Path, context: &Path, extra: &[&str]) -> Run {
    tropical(&on_model(sub, model, context, extra))
}

#[test]
fn regions_bad_models() {
    let dir = tmpdir("regions_bad_models");
    let c = write(&dir, "context.json", SQUARE_CONTEXT);
    #[rustfmt::skip]
    let fixed: [(&str, &str); 9] = [
        ("empty.json", ""),
        ("garbled.json", "{\"layers\": [ {\"heads\": [\n"),
        ("no_layers.json", r#"{"layers": []}"#),
        ("no_heads.json", r#"{"layers": [{"heads": []}]}"#),
        ("wq_not_matrix.json", r#"{"layers": [{"heads": [{"w_q": 1, "w_k": [[1, 0], [0, 1]]}]}]}"#),
        ("ragged_wq.json", r#"{"layers": [{"heads": [{"w_q": [[1, 0], [0]], "w_k": [[1, 0], [0, 1]]}]}]}"#),
        ("wq_wk_mismatch.json", r#"{"layers": [{"heads": [{"w_q": [[1, 0]], "w_k": [[1, 0], [0, 1]]}]}]}"#),
        ("bias_len.json", r#"{"layers": [{"heads": [{"w_q": [[1, 0], [0, 1]], "b_q": [0], "w_k": [[1, 0], [0, 1]]}]}]}"#),
        ("bad_scale.json", r#"{"scale": "-1", "layers": [{"heads": [{"w_q": [[1, 0], [0, 1]], "w_k": [[1, 0], [0, 1]]}]}]}"#),
    ];
    let mut cases: Vec<(String, String)> = owned(&fixed);
    for (k, bad) in BAD_NUMBERS.iter().enumerate() {
        cases.push((
            format!("badnum{k}.json"),
            format!(
                r#"{{"layers": [{{"heads": [{{"w_q": [[1, "{bad}"], [0, 1]], "w_k": [[1, 0], [0, 1]]}}]}}]}}"#
            ),
        ));
    }
    for (name, body) in &cases {
        let m = write(&dir, name, body);
        assert_error(&run_on("regions", &m, &c, &[]), &[name]);
    }
    let missing = dir.join("missing.json");
    assert_error(&run_on("regions", &missing, &c, &[]), &["missing.json"]);
    // a truncated checkpoint
    let bytes = std::fs::read(testdata("tiny-bert.safetensors")).unwrap();
    let trunc = dir.join("trunc.safetensors");
    std::fs::write(&trunc, &bytes[..bytes.len() / 2]).unwrap();
    assert_error(&run_on("regions", &trunc, &c, &[]), &["trunc.safetensors"]);
    let junk = write(&dir, "junk.safetensors", "this is not a checkpoint");
    assert_error(&run_on("regions", &junk, &c, &[]), &["junk.safetensors"]);
}

#[test]
fn regions_bad_contexts() {
    #[rustfmt::skip]
    let fixed: [(&str, &str); 6] = [
        ("empty.json", ""),
        ("no_rows.json", "[]"),
        ("garbled.json", "[[1, 1],\n [1, "),
        ("ragged.json", "[[1, 1], [1]]"),
        ("wrong_width.json", "[[1, 1, 1], [1, 0, 0]]"),
        ("not_rows.json", r#"{"x": 1}"#),
    ];
    let mut cases: Vec<(String, String)> = owned(&fixed);
    for (k, bad) in BAD_NUMBERS.iter().enumerate() {
        cases.push((
            format!("badnum{k}.json"),
            format!(r#"[[1, 1], [1, "{bad}"]]"#),
        ));
    }
    let dir = tmpdir("regions_bad_contexts");
    let m = write(&dir, "model.json", SQUARE_MODEL);
    for (name, body) in &cases {
        let c = write(&dir, name, body);
        assert_error(&run_on("regions", &m, &c, &[]), &[name]);
    }
    let missing = dir.join("missing.json");
    assert_error(&run_on("regions", &m, &missing, &[]), &["missing.json"]);
}

#[test]
fn regions_bad_flags() {
    let dir = tmpdir("regions_bad_flags");
    let (m, c) = square(&dir);
    for b in [
        "--box=1,0",
        "--box=abc,1",
        "--box=0,1/0",
        "--box=5",
        "--box=NaN,1",
    ] {
        assert_error(&run_on("regions", &m, &c, &[b]), &["--box"]);
    }
    assert_error(&run_on("regions", &m, &c, &["--heads", "3"]), &["--heads"]);
    // slices: wrong length vector, malformed vector file, missing file, wrong count
    let o = write(&dir, "o.json", "[0, 0]");
    let u = write(&dir, "u.json", "[1, 0]");
    let v3 = write(&dir, "v3.json", "[0, 1, 0]");
    let bad = write(&dir, "vbad.json", r#"[0, "1/0"]"#);
    let missing = dir.join("vmissing.json");
    let sl = |files: &[&Path]| {
        format!(
            "--slice={}",
            files.iter().map(|p| s(p)).collect::<Vec<_>>().join(",")
        )
    };
    assert_error(
        &run_on("regions", &m, &c, &[&sl(&[&o, &u, &v3])]),
        &["v3.json"],
    );
    assert_error(
        &run_on("regions", &m, &c, &[&sl(&[&o, &u, &bad])]),
        &["vbad.json"],
    );
    assert_error(
        &run_on("regions", &m, &c, &[&sl(&[&o, &u, &missing])]),
        &["vmissing.json"],
    );
    assert_error(&run_on("regions", &m, &c, &[&sl(&[&o, &u])]), &["--slice"]);
    // --plot without a box
    let svg = dir.join("out.svg");
    assert_error(
        &run_on("regions", &m, &c, &["--plot", &s(&svg)]),
        &["--plot"],
    );
}

/// `--depth 0` is rejected with a message naming the flag.
#[test]
fn regions_depth_zero() {
    let dir = tmpdir("regions_depth_zero");
    let (m, c) = square(&dir);
    assert_error(&run_on("regions", &m, &c, &["--depth", "0"]), &["--depth"]);
}

/// `--layer` past the last layer is rejected with a message naming the flag.
#[test]
fn regions_layer_out_of_range() {
    let dir = tmpdir("regions_layer_range");
    let (m, c) = square(&dir);
    let r = run_on("regions", &m, &c, &["--layer", "4"]);
    assert_error(&r, &["--layer"]);
}

/// `--plot` on a 2D count with a box writes an SVG file.
#[test]
fn regions_plot_writes_svg() {
    let dir = tmpdir("regions_plot");
    let (m, c) = square(&dir);
    let svg = dir.join("cells.svg");
    let r = run_on("regions", &m, &c, &["--box=-2,2", "--plot", &s(&svg)]);
    assert_eq!(r.code, Some(0), "{r:#?}");
    let body = std::fs::read_to_string(&svg).unwrap();
    assert!(body.contains("<svg"), "{body}");
}

// ------------------------------------------------------------------------------------ eval

/// SQUARE_MODEL at x = (2, 1): scores ⟨x, k_i⟩ = 3, 1, −1, −3, 0, so key (1,1) wins alone and
/// the residual output is x + (1,1) = (3, 2). At x = (1, 0) keys (1,1) and (1,−1) tie (score 1):
/// mean value (1, 0), output (2, 0), argmax {0, 1}. At τ the softmax output
/// x + Σ_i softmax(s/τ)_i k_i, computed here in f64, lies in the certified enclosure.
#[test]
fn eval_square_keys() {
    let dir = tmpdir("eval_square");
    let (m, c) = square(&dir);
    let keys = [
        [1.0, 1.0],
        [1.0, -1.0],
        [-1.0, 1.0],
        [-1.0, -1.0],
        [0.0, 0.0],
    ];
    for (x, xf, out, argmax) in [
        ("2,1", [2.0, 1.0], ["3", "2"], vec![0u64]),
        ("1,0", [1.0, 0.0], ["2", "0"], vec![0, 1]),
    ] {
        let at = format!("--at={x}");
        let j = json_ok(&run_on("eval", &m, &c, &[&at, "--tau", "1,1/4", "--json"]));
        let o: Vec<String> = j["output"].as_array().unwrap().iter().map(text).collect();
        assert_eq!(o, out, "{j}");
        let am: Vec<u64> = j["argmax"][0]
            .as_array()
            .unwrap_or_else(|| panic!("argmax: {j}"))
            .iter()
            .map(|v| v.as_u64().unwrap())
            .collect();
        assert_eq!(am, argmax, "{j}");
        let temps = j["temperatures"].as_array().unwrap();
        assert_eq!(temps.len(), 2);
        for t in temps {
            let tau = approx(&t["tau"]);
            let sc: Vec<f64> = keys.iter().map(|k| k[0] * xf[0] + k[1] * xf[1]).collect();
            let mx = sc.iter().cloned().fold(f64::MIN, f64::max);
            let w: Vec<f64> = sc.iter().map(|s| ((s - mx) / tau).exp()).collect();
            let z: f64 = w.iter().sum();
            for dim in 0..2 {
                let want = xf[dim] + keys.iter().zip(&w).map(|(k, w)| k[dim] * w).sum::<f64>() / z;
                let lo = approx(&t["enclosure"][dim][0]);
                let hi = approx(&t["enclosure"][dim][1]);
                assert!(lo <= want + 1e-12 && want <= hi + 1e-12, "{t} vs {want}");
                let fl = t["float64"][dim].as_f64().unwrap();
                assert!((fl - want).abs() < 1e-9, "{t} vs {want}");
            }
        }
    }
}

/// The tiny checkpoint evaluates at a point (exit 0, d_model = 4 outputs).
#[test]
fn eval_tiny_checkpoint() {
    let r = tropical(&[
        "eval",
        "--model",
        &testdata("tiny-bert.safetensors"),
        "--context",
        &testdata("tiny-context.json"),
        "--at=1/3,-1,0.5,2",
        "--tau",
        "1/2",
        "--json",
    ]);
    let j = json_ok(&r);
    assert_eq!(j["output"].as_array().unwrap().len(), 4, "{j}");
    assert_eq!(j["at"], serde_json::json!(["1/3", "-1", "1/2", "2"]), "{j}");
}

#[test]
fn eval_bad_inputs() {
    let dir = tmpdir("eval_bad");
    let (m, c) = square(&dir);
    for bad in BAD_NUMBERS {
        let at = format!("--at=1,{bad}");
        assert_error(&run_on("eval", &m, &c, &[&at]), &["--at"]);
        let tau = format!("--tau={bad}");
        assert_error(&run_on("eval", &m, &c, &["--at=1,1", &tau]), &["--tau"]);
        let sc = format!("--scale={bad}");
        assert_error(&run_on("eval", &m, &c, &["--at=1,1", &sc]), &["--scale"]);
    }
    // wrong dimension, non-positive τ and σ
    assert_error(&run_on("eval", &m, &c, &["--at=1,1,1"]), &["--at"]);
    assert_error(&run_on("eval", &m, &c, &["--at=1,1", "--tau=0"]), &["τ"]);
    assert_error(&run_on("eval", &m, &c, &["--at=1,1", "--tau=-1"]), &["τ"]);
    assert_error(
        &run_on("eval", &m, &c, &["--at=1,1", "--scale=0"]),
        &["--scale"],
    );
    // no point at all
    assert_error(&run_on("eval", &m, &c, &[]), &["--at"]);
    // bad files
    let empty = write(&dir, "empty.json", "");
    assert_error(&run_on("eval", &empty, &c, &["--at=1,1"]), &["empty.json"]);
    assert_error(&run_on("eval", &m, &empty, &["--at=1,1"]), &["empty.json"]);
    let missing = dir.join("missing.json");
    assert_error(
        &run_on("eval", &missing, &c, &["--at=1,1"]),
        &["missing.json"],
    );
    let wide = write(&dir, "wide.json", "[[1, 1, 1]]");
    assert_error(&run_on("eval", &m, &wide, &["--at=1,1"]), &["wide.json"]);
}

// ------------------------------------------------------------------------------------ gpu-check

/// A small CPU run passes and reports per-kernel errors within their bounds.
#[test]
fn gpu_check_cpu_small() {
    let r = tropical_words(
        "gpu-check --backend cpu --n 12 --d 4 --heads 1 --check 2 --maxplus 5 --json",
    );
    let j = json_ok(&r);
    let kernels = j["kernels"].as_array().unwrap_or_else(|| panic!("{j}"));
    assert!(!kernels.is_empty());
    for k in kernels {
        assert_eq!(k["failed"], 0, "{k}");
        assert!(
            k["max_error"].as_f64().unwrap() <= k["max_bound"].as_f64().unwrap(),
            "{k}"
        );
    }
}

/// Planting an error of 4× the bound must be caught: exit 2 with one line.
#[test]
fn gpu_check_planted_error_fails() {
    let r =
        tropical_words("gpu-check --n 12 --d 4 --heads 1 --check 2 --maxplus 5 --plant-error 4");
    assert_error(&r, &["bound"]);
}

#[test]
fn gpu_check_bad_flags() {
    for (flag, val) in [
        ("--n", "0"),
        ("--d", "0"),
        ("--heads", "0"),
        ("--maxplus", "0"),
        ("--tau", "0"),
        ("--tau", "-1"),
        ("--tau", "NaN"),
        ("--tau", "inf"),
        ("--sigma", "NaN"),
        ("--sigma", "0"),
        ("--sigma", "-1"),
        ("--k", "0"),
    ] {
        let mut args = vec!["gpu-check".to_string(), format!("{flag}={val}")];
        for (f, v) in [
            ("--n", "8"),
            ("--d", "4"),
            ("--heads", "1"),
            ("--maxplus", "4"),
        ] {
            if f != flag {
                args.push(format!("{f}={v}"));
            }
        }
        let r = tropical(&args);
        assert_error(&r, &[]);
    }
}

/// `--compile-only` compiles the kernels with NVRTC and audits the PTX. Without libnvrtc it is
/// one clear error line (exit 2); with it, every variant (max-plus, k = 1 and k = 3, fp32 and
/// fp16) defines the four kernels and passes the audit, and `--ptx-dir` receives one file per
/// variant. `--arch` without `--compile-only` is refused.
#[test]
fn gpu_check_compile_only() {
    let dir = tmpdir("gpu_compile_only");
    let ptx_dir = dir.join("ptx");
    let r = tropical(&[
        "gpu-check",
        "--compile-only",
        "--d=5",
        "--d-v=3",
        "--k=3",
        "--inputs=f16",
        "--json",
        &format!("--ptx-dir={}", ptx_dir.display()),
    ]);
    if !tropical_gpu::cuda::nvrtc_present() {
        assert_error(&r, &["NVRTC"]);
    } else {
        let j = json_ok(&r);
        let rows = j.as_array().unwrap_or_else(|| panic!("{j}"));
        assert_eq!(rows.len(), 5, "{j}");
        for row in rows {
            assert_eq!(row["audit"], serde_json::json!([]), "{row}");
            assert_eq!(row["entries"].as_array().unwrap().len(), 4, "{row}");
        }
        assert_eq!(std::fs::read_dir(&ptx_dir).unwrap().count(), 5);
    }
    let r = tropical(&["gpu-check", "--arch=compute_80"]);
    assert_eq!(r.code, Some(2), "{r:#?}");
    assert!(r.stderr.contains("--compile-only"), "{r:#?}");
}

/// `--check 0` checks no query at all: a vacuous pass must be refused, not reported as success.
#[test]
fn gpu_check_zero_checks_rejected() {
    let r = tropical_words("gpu-check --n=8 --d=4 --heads=1 --maxplus=4 --check=0");
    assert_error(&r, &["--check"]);
}

/// A NaN planted-error factor is an invalid argument, not a failed check.
#[test]
fn gpu_check_nan_plant_error_rejected() {
    let r = tropical_words("gpu-check --n=8 --d=4 --heads=1 --maxplus=4 --plant-error=NaN");
    assert_error(&r, &["--plant-error"]);
    assert!(r.stdout.is_empty(), "{r:#?}");
}

/// Exact ties. Context keys (1,1), (1,1), (−1,−1) with W_q = W_k = I: the two half-planes
/// ⟨x, (1,1)⟩ ≷ 0 are the cells (2 cells; the duplicate key changes nothing); at x = (1, 2) both
/// copies tie, argmax {0, 1}, residual output x + (1,1) = (2, 3). With W_q = 0 every score is 0:
/// a single cell.
#[test]
fn regions_and_eval_with_ties() {
    let dir = tmpdir("regions_ties");
    let m = write(&dir, "model.json", SQUARE_MODEL);
    let zq = write(
        &dir,
        "zero_q.json",
        r#"{"layers": [{"heads": [{"w_q": [[0, 0], [0, 0]], "w_k": [[1, 0], [0, 1]]}]}]}"#,
    );
    let c = write(&dir, "dup.json", "[[1, 1], [1, 1], [-1, -1]]");
    let j = json_ok(&run_on("regions", &m, &c, &["--json"]));
    expect_fields(
        &j,
        json!({"cells": 2, "cells_minkowski": 2, "complete": true}),
    );
    let j = json_ok(&run_on("regions", &zq, &c, &["--json"]));
    assert_eq!(j["cells"], 1, "{j}");
    let j = json_ok(&run_on("eval", &m, &c, &["--at=1,2", "--json"]));
    expect_fields(&j, json!({"argmax": [[0, 1]], "output": ["2", "3"]}));
}

/// Text rows (`.ext`-like): the same tropical segment, and with `--min` the mirrored bend: in
/// min-plus the segment from (0,0,0) to (0,1,2) bends at (0,1,1), in max-plus at (0,0,1).
/// Points equal in TP^{n−1} (differing by a multiple of (1,…,1)) give one pseudovertex.
#[test]
fn tconv_text_rows_and_degenerate_points() {
    let dir = tmpdir("tconv_text");
    let f = write(&dir, "seg.txt", "0 0 0\n0 1 2\n");
    let pvs = |j: &Value| -> Vec<Vec<String>> {
        j["pseudovertices"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p.as_array().unwrap().iter().map(text).collect())
            .collect()
    };
    let j = json_ok(&tropical(&["tconv".to_string(), s(&f), "--json".into()]));
    assert!(
        pvs(&j).contains(&vec!["0".into(), "0".into(), "1".into()]),
        "{j}"
    );
    let j = json_ok(&tropical(&[
        "tconv".to_string(),
        s(&f),
        "--min".into(),
        "--json".into(),
    ]));
    assert!(
        pvs(&j).contains(&vec!["0".into(), "1".into(), "1".into()]),
        "{j}"
    );
    assert_eq!(j["bounded_f_vector"], serde_json::json!([3, 2]), "{j}");
    let same = write(&dir, "same.json", "[[0, 0], [1, 1]]");
    let j = json_ok(&tropical(&["tconv".to_string(), s(&same), "--json".into()]));
    assert_eq!(pvs(&j).len(), 1, "{j}");
    assert_eq!(j["bounded_f_vector"], serde_json::json!([1]), "{j}");
    // a bad number on line 2 of a text file: the error names the file and line 2
    for (name, body) in [("bad.txt", "0 0 0\n0 1/0 2\n"), ("rag.txt", "0 0 0\n0 1\n")] {
        let f = write(&dir, name, body);
        let r = tropical(&["tconv".to_string(), s(&f)]);
        assert_error(&r, &[name]);
        assert!(
            r.stderr.contains("line 2") || r.stderr.contains(&format!("{name}:2:")),
            "{}",
            r.stderr
        );
    }
}
