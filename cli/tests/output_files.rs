//! `--output FILE` of `power-diagram` and `tconv` by extension, checked by reading the written
//! file back with another command: the lifted polyhedron of a power diagram (`.ext`, `.ine`)
//! has the diagram's vertices as the projections of its vertices, and the pseudovertices of a
//! tropical polytope (`.ext`) read back as its generators keep every pseudovertex.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use common::{tmpdir, tropical, Run};
use serde_json::Value;

fn json_ok(r: &Run) -> Value {
    assert_eq!(r.code, Some(0), "{r:?}");
    serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}: {r:?}"))
}

fn s(p: &Path) -> String {
    p.display().to_string()
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn power_diagram_writes_its_lifted_polyhedron() {
    let dir = tmpdir("output_files", "power_diagram");
    let sites = dir.join("sites.json");
    std::fs::write(
        &sites,
        r#"{"sites": [[0, 0], [2, 0], [1, 2], [1, "1/2"]], "weights": [0, 1, "1/2", -4]}"#,
    )
    .unwrap();
    let report = json_ok(&tropical(&[
        "power-diagram",
        &s(&sites),
        "--box=-3,3",
        "--json",
    ]));
    let diagram: BTreeSet<Vec<String>> = report["vertices"]
        .as_array()
        .unwrap()
        .iter()
        .map(strings)
        .collect();
    assert!(diagram.len() >= 4, "{report}");
    for ext in ["ext", "ine"] {
        let out = dir.join(format!("lift.{ext}"));
        let r = tropical(&[
            "power-diagram",
            &s(&sites),
            "--box=-3,3",
            "--output",
            &s(&out),
        ]);
        assert_eq!(r.code, Some(0), "{r:?}");
        let hull = json_ok(&tropical(&["hull", &s(&out), "--json"]));
        assert_eq!(hull["ambient_dim"], 3, "{hull}");
        // the vertices of the lifted polyhedron project onto the diagram's vertices
        let lifted: BTreeSet<Vec<String>> = hull["objects"]["vertices"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| strings(v)[..2].to_vec())
            .collect();
        assert_eq!(lifted, diagram, "{ext}: {hull}");
        // one upward ray, no lines
        assert_eq!(
            (hull["rays"].as_u64(), hull["lines"].as_u64()),
            (Some(1), Some(0))
        );
    }
    let r = tropical(&[
        "power-diagram",
        &s(&sites),
        "--output",
        &s(&dir.join("x.svg")),
    ]);
    assert_eq!(r.code, Some(2), "{r:?}");
    assert!(
        r.stderr.contains("x.svg") && r.stderr.contains(".ine"),
        "{r:?}"
    );
}

#[test]
fn tconv_writes_its_pseudovertices() {
    let dir = tmpdir("output_files", "tconv");
    let pts = dir.join("points.json");
    std::fs::write(&pts, r#"[[0, 0, 0], [0, 2, 1], [0, "1/2", 3]]"#).unwrap();
    let first = json_ok(&tropical(&["tconv", &s(&pts), "--json"]));
    let out = dir.join("pv.ext");
    let r = tropical(&["tconv", &s(&pts), "--output", &s(&out)]);
    assert_eq!(r.code, Some(0), "{r:?}");
    // Read back, the file holds the pseudovertices as points; they generate the same tropical
    // polytope, whose complex with respect to the larger generating set refines the first one,
    // so every first pseudovertex is again one.
    let again = json_ok(&tropical(&["tconv", &s(&out), "--json"]));
    let set = |j: &Value| -> BTreeSet<Vec<String>> {
        j["pseudovertices"]
            .as_array()
            .unwrap()
            .iter()
            .map(strings)
            .collect()
    };
    let n = first["pseudovertices"].as_array().unwrap().len();
    assert_eq!(again["points"].as_u64(), Some(n as u64), "{again}");
    assert!(set(&first).is_subset(&set(&again)), "{first} {again}");
    for (name, needle) in [
        ("pv.ine", "no H-representation"),
        ("pv.svg", "unknown output"),
    ] {
        let r = tropical(&["tconv", &s(&pts), "--output", &s(&dir.join(name))]);
        assert_eq!(r.code, Some(2), "{r:?}");
        assert!(
            r.stderr.contains(name) && r.stderr.contains(needle),
            "{r:?}"
        );
    }
}
