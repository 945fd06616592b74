//! `tropical regions --tile I --out FILE` refuses a file name that is not `.json` before
//! counting, naming `--out`; `tropical merge` refuses a part counted with another box or model
//! (a score scale or weight changed in the model file), naming the input that differs.

mod common;

use common::{tmpdir, tropical};

const MODEL: &str = r#"{"layers": [{"heads": [
  {"w_q": [[1, 0], [0, 1]], "w_k": [[1, 0], [0, 1]], "w_v": [[0, 0], [0, 1]]}
], "w_o": [[1, 0], [0, 1]]SCALE}]}"#;
const CONTEXT: &str = "[[1, 0], [-1, 0], [0, 1], [0, -1], [1, 1]]";

fn part(dir: &std::path::Path, model: &str, tile: usize, bx: &str) -> String {
    let m = dir.join(format!("model-{tile}.json"));
    let c = dir.join("context.json");
    std::fs::write(&m, model).unwrap();
    std::fs::write(&c, CONTEXT).unwrap();
    let out = dir.join(format!("part-{tile}.json"));
    let args = [
        "regions",
        "--model",
        &m.display().to_string(),
        "--context",
        &c.display().to_string(),
        bx,
        "--tiles",
        "2",
        "--tile",
        &tile.to_string(),
        "--out",
        &out.display().to_string(),
    ]
    .map(String::from);
    let r = tropical(&args);
    assert_eq!(r.code, Some(0), "{args:?}: {}", r.stderr);
    out.display().to_string()
}

#[test]
fn out_is_named_and_checked_before_the_count() {
    let dir = tmpdir("tiles_inputs", "out");
    let m = dir.join("model.json");
    let c = dir.join("context.json");
    std::fs::write(&m, MODEL.replace("SCALE", "")).unwrap();
    std::fs::write(&c, CONTEXT).unwrap();
    let bad = dir.join("part-0.txt");
    let r = tropical(&[
        "regions",
        "--model",
        &m.display().to_string(),
        "--context",
        &c.display().to_string(),
        "--box=-2,2",
        "--tiles",
        "2",
        "--tile",
        "0",
        "--out",
        &bad.display().to_string(),
    ]);
    assert_ne!(r.code, Some(0));
    assert!(r.stderr.contains("--out "), "{}", r.stderr);
    assert!(
        r.stderr.contains("a tile part is written as .json"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("--output"), "{}", r.stderr);
    assert!(!bad.exists());
}

#[test]
fn merge_names_the_input_that_differs() {
    let dir = tmpdir("tiles_inputs", "merge");
    let plain = MODEL.replace("SCALE", "");
    let a = part(&dir, &plain, 0, "--box=-2,2");
    let b = part(&dir, &plain, 1, "--box=-2,2");
    let r = tropical(&["merge", &a, &b, "--json"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);

    let scaled = MODEL.replace("SCALE", r#", "scale": "1/8""#);
    let s = part(&dir, &scaled, 1, "--box=-2,2");
    let r = tropical(&["merge", &a, &s]);
    assert_eq!(r.code, Some(2), "{}", r.stdout);
    assert!(
        r.stderr.contains("tile 1: from another count than tile 0"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("score scale (1/8 vs 1) differs"),
        "{}",
        r.stderr
    );

    let weights = plain.replace("[[1, 0], [0, 1]]}]}", "[[2, 0], [0, 1]]}]}");
    assert_ne!(weights, plain);
    let w = part(&dir, &weights, 1, "--box=-2,2");
    let r = tropical(&["merge", &a, &w]);
    assert_eq!(r.code, Some(2), "{}", r.stdout);
    assert!(r.stderr.contains("model weights (hash)"), "{}", r.stderr);
}
