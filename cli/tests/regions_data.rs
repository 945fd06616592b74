//! `tropical regions` and `tropical eval` as data: cells with witnesses in `--json` and
//! `--cells-out`, the method report, layer/head errors naming the valid range, `eval` by layer
//! and head with decimals and certified errors. Run as a process on the checked-in tiny model and
//! on small models written here.

mod common;

use std::path::{Path, PathBuf};

use common::{assert_error, json_ok, tropical, SQUARE_CONTEXT};
use serde_json::Value;
use tropical_algebra::{Rat, Scalar};

fn json(args: &[&str]) -> Value {
    json_ok(&tropical(args))
}

/// Exit 2 with one `error:` line mentioning every string of `mentions`.
#[track_caller]
fn error(args: &[&str], mentions: &[&str]) {
    assert_error(&tropical(args), mentions);
}

/// `(SUB, MODEL, CONTEXT, EXTRA, MENTIONS)`: a command line and what its error must name.
type ErrorCase<'a> = (&'a str, &'a str, &'a str, &'a [&'a str], &'a [&'a str]);

/// `SUB --model M --context C EXTRA…`.
fn cmd<'a>(sub: &'a str, m: &'a str, c: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut a = vec![sub, "--model", m, "--context", c];
    a.extend_from_slice(extra);
    a
}

/// The checked-in tiny model and its context.
fn tiny() -> (String, String) {
    (
        testdata("tiny-bert.safetensors"),
        testdata("tiny-context.json"),
    )
}

fn testdata(name: &str) -> String {
    common::s(&common::testdata(name))
}

fn tmp(test: &str) -> PathBuf {
    common::tmpdir("regions_data", test)
}

fn write(dir: &Path, name: &str, body: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, body).unwrap();
    p.display().to_string()
}

fn rat(v: &Value) -> Rat {
    Rat::parse_exact(v.as_str().expect("exact string")).unwrap()
}

/// SQUARE: one head, W_Q = W_K = I in R^2, keys the corners of the square [-1, 1]^2 and its
/// centre. Scores ⟨x, k_j⟩: the cells are the 4 open cones where one corner wins strictly; the
/// centre (key 4) never wins.
const SQUARE_LAYER: &str = r#"{"heads": [{"w_q": [[1, 0], [0, 1]], "w_k": [[1, 0], [0, 1]]}]}"#;

/// Hypothesis: the SQUARE model in the box [-2, 2]^2. Conclusion: 4 cells, each listed with a
/// label `[[ [j] ]]` (one layer, one head), an interior point where key j's score is strictly
/// the largest (checked exactly here), a polygon whose vertices lie in the closed cell, and the
/// piece offset k_j (the residual output x + k_j has offset k_j); the polygon count is the cell
/// count; `--cells-out` has the same cells, one per line.
#[test]
fn cells_with_witnesses_in_json_and_jsonl() {
    let dir = tmp("cells");
    let (m, c) = common::square(&dir);
    let (m, c) = (common::s(&m), common::s(&c));
    let out = dir.join("cells.jsonl").display().to_string();
    let j = json(&cmd(
        "regions",
        &m,
        &c,
        &["--box=-2,2", "--json", "--cells-out", &out],
    ));
    assert_eq!(j["cells"], 4, "{j}");
    assert_eq!(j["cells_listed"], true);
    let keys = [[1, 1], [1, -1], [-1, 1], [-1, -1], [0, 0]];
    let cells = j["cell_list"].as_array().unwrap();
    assert_eq!(cells.len(), 4);
    let mut polygons = 0;
    for cell in cells {
        let label = &cell["label"];
        assert_eq!(label.as_array().unwrap().len(), 1, "one layer");
        let set = label[0][0].as_array().unwrap();
        assert_eq!(set.len(), 1);
        let w = set[0].as_u64().unwrap() as usize;
        let x: Vec<Rat> = cell["interior_point"]
            .as_array()
            .unwrap()
            .iter()
            .map(rat)
            .collect();
        let score =
            |k: &[i64; 2], p: &[Rat]| Rat::from_i64(k[0]) * &p[0] + Rat::from_i64(k[1]) * &p[1];
        for (i, k) in keys.iter().enumerate() {
            if i != w {
                assert!(
                    score(k, &x) < score(&keys[w], &x),
                    "witness strictly in cell {w}"
                );
            }
        }
        let offset: Vec<Rat> = cell["piece"]["offset"]
            .as_array()
            .unwrap()
            .iter()
            .map(rat)
            .collect();
        assert_eq!(
            offset,
            vec![Rat::from_i64(keys[w][0]), Rat::from_i64(keys[w][1])]
        );
        assert!(cell["piece"]["linear"].is_null());
        let poly = cell["polygon"].as_array().unwrap();
        assert!(poly.len() >= 3);
        for v in poly {
            let p: Vec<Rat> = v.as_array().unwrap().iter().map(rat).collect();
            for k in &keys {
                assert!(
                    score(k, &p) <= score(&keys[w], &p),
                    "vertex in the closed cell"
                );
            }
            assert!(p.iter().all(|t| t.abs() <= Rat::from_i64(2)));
        }
        assert_eq!(cell["polygon_f64"].as_array().unwrap().len(), poly.len());
        polygons += 1;
    }
    assert_eq!(polygons, 4);
    let lines: Vec<Value> = std::fs::read_to_string(&out)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 4);
    assert_eq!(&lines[..], &cells[..]);
}

/// The checked-in tiny model: 20 cells and 20 linear regions on the whole space of layer 0; the
/// walk, the Minkowski count and the T15 product agree; the report names them.
#[test]
fn tiny_model_methods() {
    let (m, c) = tiny();
    let j = json(&cmd("regions", &m, &c, &["--json"]));
    assert_eq!(j["cells"], 20, "{j}");
    assert_eq!(j["linear_regions"], 20, "{j}");
    assert_eq!(j["cells_minkowski"], 20, "{j}");
    assert_eq!(j["agreed"], true, "{j}");
    let methods: Vec<&str> = j["runs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["method"].as_str().unwrap())
        .collect();
    assert!(
        methods.contains(&"walk") && methods.contains(&"minkowski"),
        "{j}"
    );
    if j["decomposition"]["applies"] == true {
        assert_eq!(j["method"], "product");
        let per: u64 = j["decomposition"]["per_head"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_u64().unwrap())
            .product();
        assert_eq!(per, 20);
    }
    assert_eq!(j["scale"], "1");
    assert!(j["notes"][1].as_str().unwrap().contains("LayerNorm"));
    // only the walk
    let j = json(&cmd("regions", &m, &c, &["--method", "walk", "--json"]));
    assert_eq!(j["cells"], 20, "{j}");
    assert_eq!(j["method"], "walk");
    assert_eq!(j["cell_list"].as_array().unwrap().len(), 20);
}

/// Layer and head errors name the valid range; a time limit must be positive; an unknown
/// method is named.
#[test]
fn range_errors() {
    let dir = tmp("range");
    let two = write(
        &dir,
        "two.json",
        &format!(r#"{{"layers": [{0}, {0}]}}"#, SQUARE_LAYER),
    );
    let sc = write(&dir, "c.json", SQUARE_CONTEXT);
    let (m, c) = tiny();
    #[rustfmt::skip]
    let cases: [ErrorCase; 7] = [
        ("regions", &two, &sc, &["--layer", "2"], &["--layer 2", "layers are 0..1"]),
        ("regions", &two, &sc, &["--layer", "1", "--depth", "3"], &["--layers 1..3", "layers are 0..1"]),
        ("eval", &two, &sc, &["--at=0,0", "--layer", "3"], &["--layer 3", "layers are 0..1"]),
        ("regions", &m, &c, &["--heads", "5"], &["--heads", "head 5", "0..1"]),
        ("regions", &m, &c, &["--time-limit", "0"], &["--time-limit", "positive"]),
        ("regions", &m, &c, &["--method", "magic"], &["--method", "magic"]),
        ("regions", &m, &c, &["--box=-1,1", "--method", "product"], &["product", "box"]),
    ];
    for (sub, model, context, extra, mentions) in cases {
        error(&cmd(sub, model, context, extra), mentions);
    }
}

/// A depth-2 count on a slice with a box: labels per layer (2 lists of 2 heads' sets), pieces
/// with their linear part, `complete`; a zero time limit cannot be asked, a tiny one stops.
#[test]
fn depth_two_labels() {
    let (m, c) = tiny();
    let dir = tmp("depth");
    let o = write(&dir, "o.json", "[0, 0, 0, 0]");
    let u = write(&dir, "u.json", "[1, 0, 0, 0]");
    let v = write(&dir, "v.json", "[0, 1, 0, 0]");
    let slice = format!("--slice={o},{u},{v}");
    let j = json(&cmd(
        "regions",
        &m,
        &c,
        &["--depth", "2", &slice, "--box=-2,2", "--json"],
    ));
    assert_eq!(j["complete"], true, "{j}");
    let cells = j["cell_list"].as_array().unwrap();
    assert_eq!(j["cells"].as_u64().unwrap() as usize, cells.len());
    for cell in cells {
        assert_eq!(cell["label"].as_array().unwrap().len(), 2);
        assert_eq!(cell["label"][1].as_array().unwrap().len(), 2);
        assert_eq!(cell["piece"]["linear"].as_array().unwrap().len(), 4);
        assert!(cell["polygon"].is_array());
    }
}

/// `eval --layer 0 --heads 1`: argmax sets labelled by layer and head; decimals carry a bound
/// that holds (each decimal is within its error of the exact value or interval); at τ = 1 the
/// checkpoint's real scale σ = 1/√d_k = 1/√2 (irrational) is enclosed, and the enclosure's width
/// is reported and small.
#[test]
fn eval_by_layer_and_head() {
    let (m, c) = tiny();
    let j = json(&cmd(
        "eval",
        &m,
        &c,
        &[
            "--at=1/3,-1,0.5,2",
            "--layer",
            "0",
            "--heads",
            "1",
            "--tau",
            "1",
            "--json",
        ],
    ));
    let by = j["argmax_by_head"].as_array().unwrap();
    assert_eq!(by.len(), 1);
    assert_eq!(by[0]["layer"], 0);
    assert_eq!(by[0]["head"], 1);
    for (exact, dec) in j["output"]
        .as_array()
        .unwrap()
        .iter()
        .zip(j["output_decimal"].as_array().unwrap())
    {
        let e = rat(exact);
        let d = Rat::parse_exact(dec["value"].as_str().unwrap()).unwrap();
        let err = Rat::parse_exact(dec["error"].as_str().unwrap()).unwrap();
        assert!((e - d).abs() <= err, "{dec}");
    }
    let s = &j["scales"][0];
    assert_ne!(s[0], s[1], "1/√2 is enclosed, not exact: {j}");
    let t = &j["temperatures"][0];
    for (iv, dec) in t["enclosure"]
        .as_array()
        .unwrap()
        .iter()
        .zip(t["decimal"].as_array().unwrap())
    {
        let (lo, hi) = (rat(&iv[0]), rat(&iv[1]));
        let d = Rat::parse_exact(dec["value"].as_str().unwrap()).unwrap();
        let err = Rat::parse_exact(dec["error"].as_str().unwrap()).unwrap();
        assert!(
            (d.clone() - lo).abs() <= err && (hi - d).abs() <= err,
            "{dec}"
        );
    }
    assert!(t["max_width"].as_f64().unwrap() < 1e-10, "{t}");
}
