//! Tile parts carry what they were counted from (`TilePart::inputs`, `fingerprint`): a part of a
//! count with another score scale, model, context, slice, box, layer, depth, heads or methods is
//! refused by `merge_parts` with an error naming the input that differs; an altered part and a
//! part of another format are refused too.

mod common;

use common::*;
use proptest::prelude::*;
use tropical_algebra::{Rat, Scalar};
use tropical_attention::count::{CountRequest, Method};
use tropical_attention::regions::{Region, Slice};
use tropical_attention::tiling::{count_tile, merge_parts, PartInputs, TilePart, Tiling};
use tropical_attention::{Block, Mat, Model};

fn boxed(slice: Option<Slice<Rat>>, lo: i64, hi: i64) -> CountRequest<Rat> {
    CountRequest {
        region: Region {
            slice,
            cube: Some((r(lo), r(hi))),
        },
        ..CountRequest::default()
    }
}

fn stack(d: usize, h: usize, l: usize, w: &[i64]) -> Model<Rat> {
    Model::new(
        (0..l)
            .map(|i| Block {
                attention: layer(d, h, &w[i..]),
                mlp: None,
            })
            .collect(),
    )
    .unwrap()
}

/// Tile 1 of `2x1` counted from the changed inputs, merged with tile 0 of the original: the
/// error message.
fn refusal(
    (m, ctx, req): (&Model<Rat>, &Mat<Rat>, &CountRequest<Rat>),
    (m2, ctx2, req2): (&Model<Rat>, &Mat<Rat>, &CountRequest<Rat>),
) -> String {
    let (lo, hi) = req.region.cube.clone().unwrap();
    let t = Tiling::parse("2", lo, hi, req.region.dim(m.d_model())).unwrap();
    let a = count_tile(m, ctx, req, &t, 0).unwrap();
    let b = count_tile(m2, ctx2, req2, &t, 1).unwrap();
    assert_ne!(a.fingerprint, b.fingerprint);
    merge_parts(vec![a, b]).unwrap_err().to_string()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(16))]

    /// Hypothesis: a random two-layer model in R^2; changing one input of the count (the score
    /// scale of a counted layer to a random other positive rational, one weight, one context
    /// entry, the slice, the box, the layer, the depth, the heads, the methods) changes the
    /// fingerprint and the merge names exactly that input.
    #[test]
    fn a_part_of_another_count_is_refused_by_name(
        w in ints(80, 2),
        c in ints(8, 2),
        (p, q) in (1i64..50, 1i64..50),
        pick in 0usize..8,
    ) {
        let m = stack(2, 2, 2, &w);
        let ctx = mat(4, 2, &c);
        let req = boxed(None, -2, 2);
        let scale = Rat::from_ratio(p, q).unwrap();
        prop_assume!(scale != r(1));
        let mut m2 = m.clone();
        let mut ctx2 = ctx.clone();
        let mut req2 = req.clone();
        let name = match pick {
            0 => {
                m2.blocks[0].attention.scale = scale;
                "score scale"
            }
            1 => {
                let b = &mut m2.blocks[0].attention.b_o;
                b[0] = b[0].clone() + Rat::from_ratio(1, 3).unwrap();
                "model weights"
            }
            2 => {
                ctx2 = mat(4, 2, &c.iter().enumerate().map(|(i, x)| if i == 5 { x + 1 } else { *x }).collect::<Vec<_>>());
                "context"
            }
            3 => {
                req2.region.slice = Some(Slice { origin: vecr(&[0, 1]), dirs: vec![vecr(&[1, 0]), vecr(&[0, 1])] });
                "slice"
            }
            4 => {
                req2.heads = Some(vec![1]);
                "heads"
            }
            5 => {
                req2.methods = vec![Method::Walk];
                "methods"
            }
            6 => {
                req2.depth = 2;
                "depth"
            }
            _ => {
                req2.layer = 1;
                "layer"
            }
        };
        let e = refusal((&m, &ctx, &req), (&m2, &ctx2, &req2));
        prop_assert!(e.contains("tile 1: from another count than tile 0"), "{}", e);
        prop_assert!(e.contains(name), "{}: {}", name, e);
        // only that input is named, except that another layer window also has other weights
        if pick < 6 {
            prop_assert_eq!(e.matches(" vs ").count(), 1, "{}", e);
        }
    }

    /// Hypothesis: the score scale is in the part even though a one-layer count's cells do not
    /// depend on it: the two parts hold the same cells, the merge still refuses them.
    #[test]
    fn same_cells_other_scale_do_not_merge(w in ints(40, 2), c in ints(8, 2), (p, q) in (1i64..50, 2i64..50)) {
        let m = stack(2, 1, 1, &w);
        let ctx = mat(4, 2, &c);
        let req = boxed(None, -2, 2);
        let mut m2 = m.clone();
        m2.blocks[0].attention.scale = Rat::from_ratio(p, q).unwrap();
        prop_assume!(m2.blocks[0].attention.scale != r(1));
        let t = Tiling::parse("2", r(-2), r(2), 2).unwrap();
        let a = count_tile(&m, &ctx, &req, &t, 1).unwrap();
        let b = count_tile(&m2, &ctx, &req, &t, 1).unwrap();
        prop_assert_eq!(&a.cells, &b.cells);
        let a0 = count_tile(&m, &ctx, &req, &t, 0).unwrap();
        let e = merge_parts(vec![a0, b]).unwrap_err().to_string();
        prop_assert!(e.contains(&format!("score scale ({} vs 1) differs", m2.blocks[0].attention.scale)), "{}", e);
    }
}

/// The box is an input: a part of another box is refused (by the tiling check, which names
/// both boxes), and `PartInputs` names the box.
#[test]
fn another_box_is_named() {
    let m = stack(2, 2, 1, &[1, -1, 0, 1, 1, 1, -1, 0, 1, 0, 0, -1, 1, 1, 0]);
    let ctx = mat(4, 2, &[1, 2, -1, 0, 2, -2, 0, 1]);
    let a = PartInputs::of(&m, &ctx, &boxed(None, -2, 2)).unwrap();
    let b = PartInputs::of(&m, &ctx, &boxed(None, -2, 3)).unwrap();
    assert_eq!(
        a.differences(&b),
        vec!["box ([-2, 2] vs [-2, 3])".to_string()]
    );
    assert_ne!(a.fingerprint(), b.fingerprint());
    assert!(a.differences(&a).is_empty());
}

/// A part whose fingerprint was edited, or whose inputs were edited without the fingerprint, is
/// refused; a part of another format is refused by `TilePart::from_json` naming both formats.
#[test]
fn altered_and_foreign_parts_are_refused() {
    let m = stack(2, 2, 1, &[1, -1, 0, 1, 1, 1, -1, 0, 1, 0, 0, -1, 1, 1, 0]);
    let ctx = mat(4, 2, &[1, 2, -1, 0, 2, -2, 0, 1]);
    let req = boxed(None, -2, 2);
    let t = Tiling::parse("2", r(-2), r(2), 2).unwrap();
    let ps: Vec<TilePart<Rat>> = (0..2)
        .map(|i| count_tile(&m, &ctx, &req, &t, i).unwrap())
        .collect();
    assert!(merge_parts(ps.clone()).is_ok());
    let mut bad = ps.clone();
    bad[1].fingerprint = "0000000000000000".into();
    let e = merge_parts(bad).unwrap_err().to_string();
    assert!(
        e.contains("tile 1: fingerprint 0000000000000000 does not match"),
        "{e}"
    );
    let mut bad = ps.clone();
    bad[0].inputs.scale = vec!["2".into()];
    bad[1].inputs.scale = vec!["2".into()];
    let e = merge_parts(bad).unwrap_err().to_string();
    assert!(e.contains("tile 0: fingerprint"), "{e}");

    let text = serde_json::to_string(&ps[0]).unwrap();
    assert_eq!(TilePart::<Rat>::from_json(&text).unwrap(), ps[0]);
    let old = text.replace("tropical-tile-part/2", "tropical-tile-part/1");
    let e = TilePart::<Rat>::from_json(&old).unwrap_err().to_string();
    assert!(
        e.contains("format \"tropical-tile-part/1\", expected \"tropical-tile-part/2\""),
        "{e}"
    );
    let e = TilePart::<Rat>::from_json("{\"cells\": []}")
        .unwrap_err()
        .to_string();
    assert!(e.contains("no \"format\" field"), "{e}");
    let e = TilePart::<Rat>::from_json("[1,").unwrap_err().to_string();
    assert!(e.contains("not JSON"), "{e}");
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v.as_object_mut().unwrap().remove("inputs");
    let e = TilePart::<Rat>::from_json(&v.to_string())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("malformed tile part") && e.contains("inputs"),
        "{e}"
    );
}
