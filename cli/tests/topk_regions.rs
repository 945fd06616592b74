//! `tropical regions --topk K` (SPEC T16) on the checked-in tiny checkpoint, cross-checked against
//! an independent method: the upper vertices of the Minkowski sum of the heads' lifted k-sums
//! (`tropical_attention::topk_regions::topk_hull_count`), and, region by region, the top-k sets
//! recomputed from the scores at the reported interior point. Bad input: exit code 2 and one
//! `error:` line.

mod common;

use common::{assert_error, json_ok, testdata, tropical, Run};
use serde_json::Value;
use tropical_algebra::{Rat, Scalar};
use tropical_attention::load::{load_matrix, load_model, LoadOptions};
use tropical_attention::topk_regions::{topk_hull_count, topk_set};
use tropical_attention::ScoreFunction;

fn topk(extra: &[&str]) -> Run {
    let model = testdata("tiny-bert.safetensors");
    let ctx = testdata("tiny-context.json");
    let mut a = vec![
        "regions".to_string(),
        "--model".into(),
        model.display().to_string(),
        "--context".into(),
        ctx.display().to_string(),
    ];
    a.extend(extra.iter().map(|s| s.to_string()));
    tropical(&a)
}

/// The score functions of layer 0's heads on the tiny context, loaded by the library directly.
fn score_functions() -> Vec<ScoreFunction<Rat>> {
    let lm = load_model::<Rat>(
        &testdata("tiny-bert.safetensors"),
        &LoadOptions {
            layers: Some((0, 1)),
            ..LoadOptions::default()
        },
    )
    .unwrap();
    let ctx = load_matrix::<Rat>(&testdata("tiny-context.json"), None).unwrap();
    let layer = &lm.model.blocks[0].attention;
    layer
        .heads
        .iter()
        .map(|h| h.score_function(&ctx, &layer.scale).unwrap())
        .collect()
}

fn rat(v: &Value) -> Rat {
    Rat::parse_exact(v.as_str().expect("exact string")).expect("exact rational")
}

/// Every listed region: its per-head sets are the top-k sets of the scores at its interior
/// point (recomputed here, unique there), and no two regions have the same sets.
fn check_regions(j: &Value, fns: &[ScoreFunction<Rat>], k: usize) {
    let cells = j["cell_list"].as_array().unwrap();
    assert_eq!(cells.len() as u64, j["cells"].as_u64().unwrap(), "{j}");
    let mut seen = std::collections::BTreeSet::new();
    for c in cells {
        let x: Vec<Rat> = c["interior_point"]
            .as_array()
            .unwrap()
            .iter()
            .map(rat)
            .collect();
        let sets: Vec<Vec<usize>> = serde_json::from_value(c["sets"].clone()).unwrap();
        assert_eq!(sets.len(), fns.len());
        for (f, set) in fns.iter().zip(&sets) {
            let want = topk_set(&f.eval(&x).unwrap(), k);
            assert_eq!(want.as_ref(), Some(set), "region at {x:?}");
        }
        assert!(
            seen.insert(sets),
            "two regions with the same top-k sets: {j}"
        );
    }
}

/// Hypothesis: the tiny checkpoint's layer 0 (N = 6 context tokens, every head), whole space.
/// Conclusion (SPEC T16): for k = 1, 2, 3 the walk's number of top-k regions equals the number
/// of upper vertices of the Minkowski sum of the heads' lifted k-sums, is ≤ Π_h C(6, k), and
/// every region's sets are the top-k sets at its interior point. For k = 1 it is also the
/// ordinary cell count of `tropical regions` (the top-1 set is the argmax).
#[test]
fn topk_tiny_checkpoint_matches_hull_count() {
    let fns = score_functions();
    let plain = json_ok(&topk(&["--json"]));
    for k in 1..=3usize {
        let j = json_ok(&topk(&["--topk", &k.to_string(), "--json"]));
        assert_eq!(j["complete"], true, "{j}");
        assert_eq!(j["k"], k as u64);
        assert_eq!(j["keys"], 6);
        let cells = j["cells"].as_u64().unwrap() as usize;
        assert_eq!(cells, topk_hull_count(&fns, k).unwrap(), "k = {k}: {j}");
        let c6k = [6u64, 15, 20][k - 1];
        let bound: u64 = j["bound_product"].as_str().unwrap().parse().unwrap();
        assert_eq!(bound, c6k.pow(fns.len() as u32));
        assert!(cells as u64 <= bound);
        check_regions(&j, &fns, k);
        if k == 1 {
            assert_eq!(j["cells"], plain["cells"], "{j}\n{plain}");
        }
    }
}

/// Hypothesis: head 0 only, k = 2, then `--max-regions 2`. Conclusion: the full count equals the
/// hull count of head 0 alone (≤ C(6, 2) = 15); the limited count stops with `complete: false`,
/// `stopped: "max_cells"` and the regions found so far (≤ 2, each checked as above).
#[test]
fn topk_one_head_and_limit() {
    let fns = score_functions();
    let j = json_ok(&topk(&["--topk", "2", "--heads", "0", "--json"]));
    assert_eq!(j["heads"], serde_json::json!([0]));
    let cells = j["cells"].as_u64().unwrap() as usize;
    assert_eq!(cells, topk_hull_count(&fns[..1], 2).unwrap(), "{j}");
    assert!(cells <= 15);
    check_regions(&j, &fns[..1], 2);
    if cells > 2 {
        let p = json_ok(&topk(&[
            "--topk",
            "2",
            "--heads",
            "0",
            "--max-regions",
            "2",
            "--json",
        ]));
        assert_eq!(p["complete"], false, "{p}");
        assert_eq!(p["stopped"], "max_cells", "{p}");
        assert!(p["cells"].as_u64().unwrap() <= 2);
        check_regions(&p, &fns[..1], 2);
    }
}

/// The table names the count, k and the bound.
#[test]
fn topk_table() {
    let r = topk(&["--topk", "2"]);
    assert_eq!(r.code, Some(0), "{r:#?}");
    assert!(r.stdout.contains("top-k regions"), "{}", r.stdout);
    assert!(r.stdout.contains("bound Π_h C(N,k)"), "{}", r.stdout);
}

/// Bad input: k = 0, k > N, a deeper stack, a method, a head that does not exist.
#[test]
fn topk_bad_input() {
    assert_error(&topk(&["--topk", "0"]), &["top-k", "k = 0"]);
    assert_error(&topk(&["--topk", "7"]), &["top-k", "N = 6"]);
    assert_error(
        &topk(&["--topk", "2", "--depth", "2"]),
        &["--topk", "--depth"],
    );
    assert_error(&topk(&["--topk", "2", "--method", "walk"]), &["--method"]);
    assert_error(&topk(&["--topk", "2", "--heads", "9"]), &["--heads", "9"]);
    assert_error(
        &topk(&["--topk", "2", "--heads", "0,0"]),
        &["--heads", "twice"],
    );
}
