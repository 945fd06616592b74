//! `tropical regions --tiles … --tile I --out FILE` and `tropical merge`: the merged parts print
//! the untiled count (table and `--json`); in-process `--tiles` gives the same; bad merges name
//! the tile.

mod common;

use std::path::{Path, PathBuf};

use common::{tmpdir, tropical};
use serde_json::Value;

/// Two heads in R^2 with equal value rows for some keys (so linear regions join cells), keys on
/// the integer grid so that walls run along the tile walls of the `--box=-2,2` grids used here.
const MODEL: &str = r#"{"layers": [{"heads": [
  {"w_q": [[1, 0], [0, 1]], "w_k": [[1, 0], [0, 1]], "w_v": [[0, 0], [0, 1]]},
  {"w_q": [[1, 1], [0, 1]], "w_k": [[1, 0], [0, 1]], "w_v": [[1, 0], [0, 0]]}
], "w_o": [[1, 0, 1, 0], [0, 1, 0, 1]]}]}"#;
const CONTEXT: &str = "[[1, 0], [-1, 0], [0, 1], [0, -1], [1, 1]]";

fn inputs(dir: &Path) -> (String, String) {
    let m = dir.join("model.json");
    let c = dir.join("context.json");
    std::fs::write(&m, MODEL).unwrap();
    std::fs::write(&c, CONTEXT).unwrap();
    (m.display().to_string(), c.display().to_string())
}

fn ok(args: &[&str]) -> String {
    let r = tropical(args);
    assert_eq!(r.code, Some(0), "{args:?}: {}", r.stderr);
    r.stdout
}

/// The fields a tiled count must reproduce, and the cells by label (piece, polygon, linear
/// region as the set of labels sharing it).
fn key(v: &Value) -> Value {
    let cells = v["cell_list"].as_array().unwrap();
    let mut cl: Vec<Value> = cells
        .iter()
        .map(|c| {
            let mut mates: Vec<String> = cells
                .iter()
                .filter(|d| d["linear_region"] == c["linear_region"])
                .map(|d| d["label"].to_string())
                .collect();
            mates.sort();
            let mut poly: Vec<String> = c["polygon"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p.to_string())
                .collect();
            poly.sort();
            serde_json::json!({"label": c["label"], "piece": c["piece"], "mates": mates, "poly": poly})
        })
        .collect();
    cl.sort_by_key(|c| c["label"].to_string());
    let mut out = serde_json::Map::new();
    for f in [
        "cells",
        "linear_regions",
        "dimension",
        "walk_dimension",
        "layer",
        "depth",
        "heads",
        "keys",
        "bound_product",
        "bound_zaslavsky",
        "method",
        "agreed",
        "complete",
        "stopped",
        "decomposition",
        "cells_minkowski",
        "cells_listed",
        "scale",
        "notes",
    ] {
        out.insert(f.into(), v[f].clone());
    }
    out.insert("cells_by_label".into(), Value::Array(cl));
    Value::Object(out)
}

fn parts(dir: &Path, m: &str, c: &str, tiles: &str, n: usize) -> Vec<PathBuf> {
    (0..n)
        .map(|i| {
            let out = dir.join(format!("part-{i}.json"));
            let o = out.display().to_string();
            let i = i.to_string();
            ok(&[
                "regions",
                "--model",
                m,
                "--context",
                c,
                "--box=-2,2",
                "--tiles",
                tiles,
                "--tile",
                &i,
                "--out",
                &o,
            ]);
            out
        })
        .collect()
}

fn merge(files: &[PathBuf], extra: &[&str]) -> String {
    let mut args: Vec<String> = vec!["merge".into()];
    args.extend(files.iter().map(|p| p.display().to_string()));
    args.extend(extra.iter().map(|s| s.to_string()));
    let r = tropical(&args);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    r.stdout
}

/// Table lines without the wall time of the walk.
fn untimed(table: &str) -> Vec<String> {
    table
        .lines()
        .map(|l| match l.find(" in ") {
            Some(i) if l.contains("counted by") => l[..i].to_string(),
            _ => l.to_string(),
        })
        .collect()
}

#[test]
fn merged_parts_print_the_untiled_count() {
    let dir = tmpdir("tiles", "merged");
    let (m, c) = inputs(&dir);
    let base = ["regions", "--model", &m, "--context", &c, "--box=-2,2"];
    let whole: Value =
        serde_json::from_str(&ok(&[&base[..], &["--json", "--cells"]].concat())).unwrap();
    assert!(whole["cells"].as_u64().unwrap() > 2, "{whole}");
    assert!(
        whole["linear_regions"].as_u64() < whole["cells"].as_u64(),
        "the model joins cells into linear regions: {whole}"
    );
    for (tiles, n) in [("2x2", 4), ("4", 4), ("3x2", 6), ("1", 1)] {
        let files = parts(&dir, &m, &c, tiles, n);
        let merged: Value = serde_json::from_str(&merge(&files, &["--json", "--cells"])).unwrap();
        assert_eq!(key(&merged), key(&whole), "tiles {tiles}");
        // the readable table is the untiled one, up to the wall time
        assert_eq!(
            untimed(&merge(&files, &[])),
            untimed(&ok(&base)),
            "tiles {tiles}"
        );
        // in-process tiles: the same count
        let inproc: Value =
            serde_json::from_str(&ok(
                &[&base[..], &["--tiles", tiles, "--json", "--cells"]].concat()
            ))
            .unwrap();
        assert_eq!(key(&inproc), key(&whole), "in-process tiles {tiles}");
    }
}

#[test]
fn bad_merges_name_the_tile() {
    let dir = tmpdir("tiles", "bad");
    let (m, c) = inputs(&dir);
    let files = parts(&dir, &m, &c, "2x2", 4);
    let err = |args: Vec<String>, want: &str| {
        let r = tropical(&args);
        assert_eq!(r.code, Some(2), "{args:?}: {}", r.stdout);
        assert!(r.stderr.contains(want), "{args:?}: {}", r.stderr);
    };
    let merge = |ps: &[&PathBuf]| -> Vec<String> {
        let mut a = vec!["merge".to_string()];
        a.extend(ps.iter().map(|p| p.display().to_string()));
        a
    };
    err(
        merge(&[&files[0], &files[3]]),
        "tiles missing: 1, 2 (the tiling 2x2 has tiles 0..3)",
    );
    err(
        merge(&[&files[0], &files[1], &files[1], &files[2], &files[3]]),
        "tile 1 given twice",
    );
    err(
        vec!["merge".into(), c.clone()],
        "not a tile part (docs/json/tiles.md)",
    );
    let sub = dir.join("other");
    std::fs::create_dir_all(&sub).unwrap();
    let c2 = sub.join("context.json");
    std::fs::write(&c2, "[[2, 0], [-1, 0], [0, 1]]").unwrap();
    let other = parts(&sub, &m, &c2.display().to_string(), "2x2", 2);
    err(
        merge(&[&files[0], &other[1], &files[2], &files[3]]),
        "tile 1: from another count",
    );
    let tile = |extra: &[&str]| -> Vec<String> {
        ["regions", "--model", &m, "--context", &c]
            .iter()
            .chain(extra)
            .map(|x| x.to_string())
            .collect()
    };
    err(
        tile(&[
            "--box=-2,2",
            "--tiles",
            "2x2",
            "--tile",
            "4",
            "--out",
            "x.json",
        ]),
        "--tile 4: the tiling 2x2 has tiles 0..3",
    );
    err(
        tile(&["--box=-2,2", "--tiles", "2x0"]),
        "--tiles 2x0: factor 2 is 0",
    );
    err(
        tile(&["--box=-2,2", "--tiles", "2x2x2"]),
        "3 factors for a 2-dimensional count",
    );
    err(tile(&["--tiles", "2"]), "--box");
    err(
        tile(&["--box=-2,2", "--tiles", "2", "--tile", "0"]),
        "--out",
    );
}
