//! `hull` and `minkowski` give their objects as data: `--json` carries vertices, rays, lines,
//! facets, equations, incidences and edges as exact strings, every field is documented in
//! `docs/json/`, and `--output` writes `.ine`, `.ext` or `.json` by extension.

mod common;
use common::{tropical, Run};

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::Value;

fn tmpdir(test: &str) -> PathBuf {
    common::tmpdir("objects_json", test)
}

fn json_ok(r: &Run) -> Value {
    assert_eq!(r.code, Some(0), "stderr: {}", r.stderr);
    serde_json::from_str(&r.stdout).unwrap()
}

/// An exact string "p/q" or "p" as (p, q) with q > 0 (small test values only).
fn ratio(v: &Value) -> (i128, i128) {
    let t = v.as_str().unwrap_or_else(|| panic!("not a string: {v}"));
    match t.split_once('/') {
        Some((p, q)) => (p.parse().unwrap(), q.parse().unwrap()),
        None => (t.parse().unwrap(), 1),
    }
}

/// The field names documented in the tables of `docs/json/NAME.md` (first column, in backticks).
fn documented(name: &str) -> BTreeSet<String> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../docs/json/{name}.md"));
    std::fs::read_to_string(p)
        .unwrap()
        .lines()
        .filter_map(|l| l.strip_prefix("| `"))
        .filter_map(|l| l.split('`').next())
        .map(String::from)
        .collect()
}

fn keys(v: &Value) -> BTreeSet<String> {
    v.as_object().unwrap().keys().cloned().collect()
}

const CUBE: &str = "V-representation\nbegin\n9 4 rational\n1 0 0 0\n1 1 0 0\n1 0 1 0\n1 1 1 0\n1 0 0 1\n1 1 0 1\n1 0 1 1\n1 1 1 1\n1 1/2 1/2 1/2\nend\n";

/// Hypothesis: the unit cube given by its 8 vertices and an interior point. Conclusion: the
/// JSON lists the 8 vertices and 6 facets exactly; each facet row `[b, -a]` is satisfied with
/// equality by exactly the 4 vertices its incidence lists and strictly by the others; there
/// are 12 edges; the documented fields are exactly the fields printed.
#[test]
fn hull_json_carries_the_objects() {
    let dir = tmpdir("hull");
    let f = dir.join("cube.ext");
    std::fs::write(&f, CUBE).unwrap();
    let j = json_ok(&tropical(&["hull", f.to_str().unwrap(), "--json"]));
    let o = &j["objects"];
    let doc = documented("hull");
    let mut printed = keys(&j);
    printed.extend(keys(o));
    assert_eq!(printed, doc, "printed fields vs docs/json/hull.md");
    let verts = o["vertices"].as_array().unwrap();
    let facets = o["facets"].as_array().unwrap();
    assert_eq!(
        (verts.len(), facets.len(), j["vertices"].as_u64()),
        (8, 6, Some(8))
    );
    assert_eq!(o["edges"].as_array().unwrap().len(), 12);
    // --no-faces skips the face lattice and the vertex graph, and nothing else
    let nf = json_ok(&tropical(&[
        "hull",
        f.to_str().unwrap(),
        "--json",
        "--no-faces",
    ]));
    assert!(
        nf["f_vector"].is_null() && nf["objects"]["edges"].is_null(),
        "{nf}"
    );
    assert!(!j["f_vector"].is_null());
    for key in ["vertices", "facets", "facet_incidence"] {
        assert_eq!(nf["objects"][key], o[key], "{key}");
    }
    let inc = o["facet_incidence"].as_array().unwrap();
    for (fi, row) in facets.iter().enumerate() {
        let on: BTreeSet<u64> = inc[fi]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_u64().unwrap())
            .collect();
        assert_eq!(on.len(), 4);
        for (k, v) in verts.iter().enumerate() {
            let sign = row_sign(row, v);
            assert!(sign >= 0, "vertex {k} violates facet {fi}");
            assert_eq!(
                sign == 0,
                on.contains(&(k as u64)),
                "incidence of facet {fi}, vertex {k}"
            );
        }
    }
}

/// `--output` by extension: `.json` is the `objects` of `--json`, `.ine`/`.ext` are cdd text
/// that reads back to the same polyhedron, anything else is a one-line error with exit 2.
#[test]
fn hull_output_by_extension() {
    let dir = tmpdir("output");
    let f = dir.join("cube.ext");
    std::fs::write(&f, CUBE).unwrap();
    let fs = f.to_str().unwrap();
    let j = json_ok(&tropical(&["hull", fs, "--json"]));
    for ext in ["json", "ine", "ext"] {
        let out = dir.join(format!("out.{ext}"));
        let os = out.to_str().unwrap();
        json_ok(&tropical(&["hull", fs, "--json", "--output", os]));
        let text = std::fs::read_to_string(&out).unwrap();
        if ext == "json" {
            assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), j["objects"]);
        } else {
            let want = if ext == "ine" {
                "H-representation"
            } else {
                "V-representation"
            };
            assert!(text.starts_with(want), "{text}");
            let back = json_ok(&tropical(&["hull", os, "--json"]));
            assert_eq!(back["objects"]["vertices"].as_array().unwrap().len(), 8);
            assert_eq!(back["objects"]["facets"].as_array().unwrap().len(), 6);
        }
    }
    let bad = dir.join("out.svg");
    let r = tropical(&["hull", fs, "--output", bad.to_str().unwrap()]);
    assert_eq!(r.code, Some(2));
    assert!(
        r.stderr.starts_with("error:") && r.stderr.contains("out.svg"),
        "{}",
        r.stderr
    );
}

/// Hypothesis: two squares [0,1]² and [0,2]×[0,1]. Conclusion: the sum has 4 vertices, each the
/// sum of the summand vertices its decomposition names; the fields match docs/json/minkowski.md
/// and hull.md; `--output sum.ext` writes the sum.
#[test]
fn minkowski_json_carries_the_decomposition() {
    let dir = tmpdir("minkowski");
    let a = dir.join("a.ext");
    let b = dir.join("b.ext");
    std::fs::write(
        &a,
        "V-representation\nbegin\n4 3 integer\n1 0 0\n1 1 0\n1 0 1\n1 1 1\nend\n",
    )
    .unwrap();
    std::fs::write(
        &b,
        "V-representation\nbegin\n4 3 integer\n1 0 0\n1 2 0\n1 0 1\n1 2 1\nend\n",
    )
    .unwrap();
    let (sa, sb) = (a.to_str().unwrap(), b.to_str().unwrap());
    let out = dir.join("sum.ext");
    let j = json_ok(&tropical(&[
        "minkowski",
        sa,
        sb,
        "--json",
        "--output",
        out.to_str().unwrap(),
    ]));
    let mut doc = documented("hull");
    doc.extend(documented("minkowski"));
    let mut printed = keys(&j);
    printed.extend(keys(&j["objects"]));
    assert_eq!(printed, doc);
    let va = json_ok(&tropical(&["hull", sa, "--json"]))["objects"]["vertices"].clone();
    let vb = json_ok(&tropical(&["hull", sb, "--json"]))["objects"]["vertices"].clone();
    let verts = j["objects"]["vertices"].as_array().unwrap();
    let dec = j["objects"]["decomposition"].as_array().unwrap();
    assert_eq!((verts.len(), dec.len()), (4, 4));
    for (v, d) in verts.iter().zip(dec) {
        let (ia, ib) = (
            d[0].as_u64().unwrap() as usize,
            d[1].as_u64().unwrap() as usize,
        );
        for c in 0..2 {
            assert_eq!(ratio(&v[c]).0, ratio(&va[ia][c]).0 + ratio(&vb[ib][c]).0);
        }
    }
    let back = json_ok(&tropical(&["hull", out.to_str().unwrap(), "--json"]));
    let set = |v: &Value| -> BTreeSet<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|r| r.to_string())
            .collect()
    };
    assert_eq!(
        set(&back["objects"]["vertices"]),
        set(&j["objects"]["vertices"])
    );
}

/// `b + Σ c_i x_i` of a cdd row `[b, c_1, ..]` at `x`, as a sign (small test values only).
fn row_sign(row: &Value, x: &Value) -> i128 {
    let r: Vec<(i128, i128)> = row.as_array().unwrap().iter().map(ratio).collect();
    let x: Vec<(i128, i128)> = x.as_array().unwrap().iter().map(ratio).collect();
    let (mut num, mut den) = r[0];
    for (c, xi) in r[1..].iter().zip(&x) {
        let (tn, td) = (c.0 * xi.0, c.1 * xi.1);
        num = num * td + tn * den;
        den *= td;
    }
    num.signum() * den.signum()
}

/// Hypothesis: three weighted sites in the plane, one of them hidden, clipped to a box.
/// Conclusion: one cell object per nonempty cell; each interior point satisfies its cell's
/// facets strictly, each polygon vertex satisfies them (≥ 0) and lies on at least two; the
/// printed fields are those documented; `--output x.json` writes the printed report, and
/// `--output x.ine` is a one-line error.
#[test]
fn power_diagram_json_carries_the_cells() {
    let dir = tmpdir("power");
    let f = dir.join("sites.json");
    std::fs::write(
        &f,
        r#"{"sites": [[0, 0], [4, 0], [2, 0], [0, 4]], "weights": [0, 0, -10, 0]}"#,
    )
    .unwrap();
    let fs = f.to_str().unwrap();
    let out = dir.join("pd.json");
    let r = tropical(&[
        "power-diagram",
        fs,
        "--box=-5,5",
        "--json",
        "--output",
        out.to_str().unwrap(),
    ]);
    let j = json_ok(&r);
    assert_eq!(
        serde_json::from_str::<Value>(&std::fs::read_to_string(&out).unwrap()).unwrap(),
        j
    );
    let cells = j["cell_objects"].as_array().unwrap();
    assert_eq!(cells.len() as u64, j["cells"].as_u64().unwrap());
    assert_eq!(j["hidden"], serde_json::json!([2]));
    let mut printed = keys(&j);
    printed.extend(keys(&cells[0]));
    assert_eq!(printed, documented("power-diagram"));
    for c in cells {
        let facets = c["facets"].as_array().unwrap();
        for fct in facets {
            assert_eq!(
                row_sign(fct, &c["interior_point"]),
                1,
                "interior point of {c}"
            );
        }
        let poly = c["polygon"].as_array().unwrap();
        assert!(poly.len() >= 3);
        for v in poly {
            assert!(
                facets.iter().all(|fct| row_sign(fct, v) >= 0),
                "{v} outside {c}"
            );
            assert!(facets.iter().filter(|fct| row_sign(fct, v) == 0).count() >= 2);
        }
    }
    // `.ine` is the lifted polyhedron of the diagram; `tropical hull` reads it back.
    let ine = dir.join("pd.ine");
    let r = tropical(&["power-diagram", fs, "--output", ine.to_str().unwrap()]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let r = tropical(&["hull", ine.to_str().unwrap(), "--json"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
}

/// Hypothesis: three points in tropical 3-space. Conclusion: every maximal cell's vertex indices
/// point into `pseudovertices` and its type has one set per coordinate; the printed fields are
/// those documented; `--output x.json` writes the printed report.
#[test]
fn tconv_json_is_documented_and_written() {
    let dir = tmpdir("tconv");
    let f = dir.join("pts.json");
    std::fs::write(&f, "[[0, 0, 0], [0, 2, 1], [0, 1, 3]]").unwrap();
    let out = dir.join("t.json");
    let j = json_ok(&tropical(&[
        "tconv",
        f.to_str().unwrap(),
        "--json",
        "--output",
        out.to_str().unwrap(),
    ]));
    assert_eq!(
        serde_json::from_str::<Value>(&std::fs::read_to_string(&out).unwrap()).unwrap(),
        j
    );
    let cells = j["maximal_cells"].as_array().unwrap();
    assert!(!cells.is_empty());
    let mut printed = keys(&j);
    printed.extend(keys(&cells[0]));
    assert_eq!(printed, documented("tconv"));
    let pv = j["pseudovertices"].as_array().unwrap().len() as u64;
    for c in cells {
        assert!(c["vertices"]
            .as_array()
            .unwrap()
            .iter()
            .all(|v| v.as_u64().unwrap() < pv));
        assert_eq!(c["cell_type"].as_array().unwrap().len(), 3);
    }
}
