//! Tiled counting (`tiling::{count_tile, merge_parts, count_tiled}`) against the untiled
//! `count_cells`: the same cells by label, the same linear-region partition, the same pieces,
//! bounds and polygons; witnesses inside their cells; errors that name the tile.

mod common;

use std::collections::BTreeMap;

use common::*;
use proptest::prelude::*;
use tropical_algebra::{Rat, Scalar};
use tropical_attention::count::{count_cells, CellCount, CountRequest, Limits};
use tropical_attention::regions::{Region, Slice};
use tropical_attention::tiling::{count_tile, count_tiled, merge_parts, Label, TilePart, Tiling};
use tropical_attention::{Block, Head, Mat, Model};

fn boxed(slice: Option<Slice<Rat>>, lo: i64, hi: i64, depth: usize) -> CountRequest<Rat> {
    CountRequest {
        region: Region {
            slice,
            cube: Some((r(lo), r(hi))),
        },
        depth,
        ..CountRequest::default()
    }
}

fn parts(
    m: &Model<Rat>,
    ctx: &Mat<Rat>,
    req: &CountRequest<Rat>,
    t: &Tiling<Rat>,
) -> Vec<TilePart<Rat>> {
    (0..t.len())
        .map(|i| count_tile(m, ctx, req, t, i).unwrap())
        .collect()
}

/// The linear-region partition as a map label → least label of its region.
fn partition(c: &CellCount<Rat>) -> BTreeMap<Label, Label> {
    let mut least: BTreeMap<usize, Label> = BTreeMap::new();
    for x in &c.cell_list {
        let e = least
            .entry(x.linear_region)
            .or_insert_with(|| x.label.clone());
        if x.label < *e {
            *e = x.label.clone();
        }
    }
    c.cell_list
        .iter()
        .map(|x| (x.label.clone(), least[&x.linear_region].clone()))
        .collect()
}

/// A polygon rotated to start at its lexicographically least vertex.
fn canonical(p: &[[Rat; 2]]) -> Vec<[Rat; 2]> {
    let i = (0..p.len()).min_by(|&a, &b| p[a].cmp(&p[b])).unwrap_or(0);
    p[i..].iter().chain(&p[..i]).cloned().collect()
}

/// Tiled and untiled agree exactly; each tiled witness lies strictly inside the box and (one
/// layer) in its cell.
fn check_same(m: &Model<Rat>, ctx: &Mat<Rat>, req: &CountRequest<Rat>, tiled: &CellCount<Rat>) {
    let whole = count_cells(m, ctx, req).unwrap();
    assert!(whole.complete && tiled.complete);
    assert_eq!(tiled.cells, whole.cells);
    assert_eq!(tiled.linear_regions, whole.linear_regions);
    assert_eq!(tiled.dimension, whole.dimension);
    assert_eq!(tiled.bound_product, whole.bound_product);
    assert_eq!(tiled.bound_zaslavsky, whole.bound_zaslavsky);
    assert_eq!(tiled.heads, whole.heads);
    assert_eq!(partition(tiled), partition(&whole));
    let by_label: BTreeMap<&Label, _> = whole.cell_list.iter().map(|c| (&c.label, c)).collect();
    let (lo, hi) = req.region.cube.clone().unwrap();
    for c in &tiled.cell_list {
        let w = by_label[&c.label];
        assert_eq!(c.piece, w.piece, "piece of {:?}", c.label);
        match (&c.polygon, &w.polygon) {
            (Some(a), Some(b)) => {
                assert_eq!(canonical(a), canonical(b), "polygon of {:?}", c.label)
            }
            (a, b) => assert_eq!(a.is_none(), b.is_none()),
        }
        assert!(c.interior_point.iter().all(|t| *t > lo && *t < hi));
        if req.depth == 1 {
            let x = match &req.region.slice {
                Some(s) => s.point(&c.interior_point).unwrap(),
                None => c.interior_point.clone(),
            };
            let layer = &m.blocks[0].attention;
            for (i, &h) in tiled.heads.iter().enumerate() {
                let f = layer.heads[h].score_function(ctx, &Rat::one()).unwrap();
                assert_eq!(
                    f.argmax(&x).unwrap(),
                    c.label[0][i],
                    "witness of {:?}",
                    c.label
                );
            }
        }
    }
}

fn one_layer(d: usize, h: usize, w: &[i64]) -> Model<Rat> {
    Model::new(vec![Block {
        attention: layer(d, h, w),
        mlp: None,
    }])
    .unwrap()
}

fn factors() -> impl Strategy<Value = Vec<usize>> {
    proptest::collection::vec(1usize..=4, 1..=2)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Hypothesis: a random 1- or 2-head layer in R^2 with entries in -1..=1 (walls through the
    /// integer grid, ties, equal values so that linear regions join cells), the box [-3, 3]^2,
    /// a random tiling up to 4x4 (tile walls at integers and half-integers: through vertices and
    /// along walls; many tiles hold one cell).
    /// Conclusion: merged tiles = untiled count, exactly (cells, linear regions, pieces,
    /// polygons, bounds); in-process `count_tiled` gives the same merge.
    #[test]
    fn tiled_equals_untiled_2d(w in ints(60, 1), c in ints(8, 2), h in 1usize..=2, f in factors()) {
        let m = one_layer(2, h, &w);
        let ctx = mat(4, 2, &c);
        let req = boxed(None, -3, 3, 1);
        let t = Tiling::new(r(-3), r(3), 2, &f).unwrap();
        let merged = merge_parts(parts(&m, &ctx, &req, &t)).unwrap();
        check_same(&m, &ctx, &req, &merged);
        let par = count_tiled(&m, &ctx, &req, &t).unwrap();
        prop_assert_eq!(par.cell_list, merged.cell_list);
    }

    /// Hypothesis: a 2-head layer in R^3 on a random 2D slice, box [-2, 2]^2, random tiling.
    /// Conclusion: as above (slice coordinates, pieces with the slice origin).
    #[test]
    fn tiled_equals_untiled_slice(w in ints(60, 1), c in ints(12, 2), o in ints(3, 2), uv in ints(6, 2), f in factors()) {
        prop_assume!(uv[..3].iter().any(|&x| x != 0) && uv[3..].iter().any(|&x| x != 0));
        let m = one_layer(3, 2, &w);
        let ctx = mat(4, 3, &c);
        let slice = Slice { origin: vecr(&o), dirs: vec![vecr(&uv[..3]), vecr(&uv[3..])] };
        let req = boxed(Some(slice), -2, 2, 1);
        let t = Tiling::new(r(-2), r(2), 2, &f).unwrap();
        check_same(&m, &ctx, &req, &merge_parts(parts(&m, &ctx, &req, &t)).unwrap());
    }

    /// Hypothesis: two residual layers (no MLP) in R^2, box [-2, 2]^2, random tiling.
    /// Conclusion: the composed map's cells, linear regions and affine pieces (linear part and
    /// offset, mapped back from tile coordinates) equal the untiled count's.
    #[test]
    fn tiled_equals_untiled_depth_two(w in ints(60, 1), c in ints(6, 2), f in factors()) {
        let m = model(2, 1, 2, false, &w);
        let ctx = mat(3, 2, &c);
        let req = boxed(None, -2, 2, 2);
        let t = Tiling::new(r(-2), r(2), 2, &f).unwrap();
        check_same(&m, &ctx, &req, &merge_parts(parts(&m, &ctx, &req, &t)).unwrap());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(6))]

    /// Hypothesis: a 1-head layer in R^3, box [-2, 2]^3, tilings up to 2x2x2.
    /// Conclusion: merged = untiled (3D: walls of tiles are planes, joins across them).
    #[test]
    fn tiled_equals_untiled_3d(w in ints(40, 1), c in ints(12, 2), f in proptest::collection::vec(1usize..=2, 1..=3)) {
        let m = one_layer(3, 1, &w);
        let ctx = mat(4, 3, &c);
        let req = boxed(None, -2, 2, 1);
        let t = Tiling::new(r(-2), r(2), 3, &f).unwrap();
        check_same(&m, &ctx, &req, &merge_parts(parts(&m, &ctx, &req, &t)).unwrap());
    }
}

/// One head in R^2, `W_Q = W_K = I`, keys `(1, 0)` and `(−1, 0)`: one wall, `x = 0`. With
/// `W_V = 0` both cells have the same piece: one linear region.
fn wall_on_axis() -> (Model<Rat>, Mat<Rat>) {
    let i2 = mat(2, 2, &[1, 0, 0, 1]);
    let z = mat(2, 2, &[0, 0, 0, 0]);
    let head = Head::new(
        i2.clone(),
        vecr(&[0, 0]),
        i2.clone(),
        vecr(&[0, 0]),
        z,
        vecr(&[0, 0]),
    )
    .unwrap();
    let layer =
        tropical_attention::AttentionLayer::new(vec![head], i2, vecr(&[0, 0]), r(1)).unwrap();
    let m = Model::new(vec![Block {
        attention: layer,
        mlp: None,
    }])
    .unwrap();
    (m, mat(2, 2, &[1, 0, -1, 0]))
}

/// The wall `x = 0` lies in the wall between the two tiles of `2`: neither tile sees both cells,
/// the slab across tile 0's upper face joins them, and the merge has one linear region like the
/// untiled count.
#[test]
fn cells_adjacent_across_a_tile_wall_join() {
    let (m, ctx) = wall_on_axis();
    let req = boxed(None, -2, 2, 1);
    let t = Tiling::parse("2", r(-2), r(2), 2).unwrap();
    let ps = parts(&m, &ctx, &req, &t);
    assert_eq!(ps[0].cells.len(), 1);
    assert_eq!(ps[1].cells.len(), 1);
    assert_eq!(
        ps[0].joins.len(),
        1,
        "the slab sees both cells in one region"
    );
    assert!(
        ps[1].joins.is_empty(),
        "tile 1 has no upper face inside the box"
    );
    let merged = merge_parts(ps).unwrap();
    assert_eq!(merged.linear_regions, Some(1));
    check_same(&m, &ctx, &req, &merged);
}

/// Parts survive JSON exactly; the merge of parsed parts is the merge of the originals.
#[test]
fn parts_round_trip_through_json() {
    let m = one_layer(2, 2, &[1, -1, 0, 1, 1, 1, -1, 0, 1, 0, 0, -1, 1, 1, 0]);
    let ctx = mat(4, 2, &[1, 2, -1, 0, 2, -2, 0, 1]);
    let req = boxed(None, -3, 3, 1);
    let t = Tiling::parse("3x2", r(-3), r(3), 2).unwrap();
    let ps = parts(&m, &ctx, &req, &t);
    let back: Vec<TilePart<Rat>> = ps
        .iter()
        .map(|p| serde_json::from_str(&serde_json::to_string(p).unwrap()).unwrap())
        .collect();
    for (a, b) in ps.iter().zip(&back) {
        assert_eq!(a.cells, b.cells);
        assert_eq!(a.joins, b.joins);
        assert_eq!(a.tiling, b.tiling);
    }
    assert_eq!(
        merge_parts(back).unwrap().cell_list,
        merge_parts(ps).unwrap().cell_list
    );
}

/// Missing, duplicated, out-of-range and foreign parts are errors naming the tile; tiling
/// needs a box and refuses ReLU MLPs; bad tilings say what is wrong.
#[test]
fn errors_name_the_tile() {
    let (m, ctx) = wall_on_axis();
    let req = boxed(None, -2, 2, 1);
    let t = Tiling::parse("2x2", r(-2), r(2), 2).unwrap();
    let ps = parts(&m, &ctx, &req, &t);
    let e = merge_parts(vec![ps[0].clone(), ps[2].clone()]).unwrap_err();
    assert!(e.to_string().contains("tiles missing: 1, 3"), "{e}");
    let mut dup = ps.clone();
    dup.push(ps[2].clone());
    let e = merge_parts(dup).unwrap_err();
    assert!(e.to_string().contains("tile 2 given twice"), "{e}");
    let mut far = ps.clone();
    far[3].index = 7;
    let e = merge_parts(far).unwrap_err();
    assert!(
        e.to_string()
            .contains("tile 7: the tiling 2x2 has tiles 0..3"),
        "{e}"
    );
    let other = boxed(None, -2, 2, 1);
    let ctx2 = mat(2, 2, &[1, 1, -1, 0]);
    let mut mixed = ps.clone();
    mixed[1] = count_tile(&m, &ctx2, &other, &t, 1).unwrap();
    let e = merge_parts(mixed).unwrap_err();
    assert!(e.to_string().contains("tile 1: from another count"), "{e}");
    assert!(merge_parts::<Rat>(vec![])
        .unwrap_err()
        .to_string()
        .contains("no tile parts"));
    let e = count_tile(&m, &ctx, &req, &t, 4).unwrap_err();
    assert!(
        e.to_string()
            .contains("tile 4: the tiling 2x2 has tiles 0..3"),
        "{e}"
    );
    let e = count_tile(&m, &ctx, &CountRequest::default(), &t, 0).unwrap_err();
    assert!(e.to_string().contains("needs a box"), "{e}");
    let t3 = Tiling::parse("2x1x1", r(-2), r(2), 3).unwrap();
    let e = count_tile(&m, &ctx, &req, &t3, 0).unwrap_err();
    assert!(
        e.to_string()
            .contains("3-dimensional tiling for a 2-dimensional count"),
        "{e}"
    );
    let deep = model(2, 1, 2, true, &[1, -1, 0, 1, 1, 1, -1, 0, 1, 0, 0, -1, 1]);
    let e = count_tile(&deep, &ctx, &boxed(None, -2, 2, 2), &t, 0).unwrap_err();
    assert!(e.to_string().contains("ReLU MLPs"), "{e}");
    for (spec, msg) in [
        ("0x2", "factor 1 is 0"),
        ("2x2x2", "3 factors for a 2-dimensional count"),
        ("4y", "expected K or KxK"),
        ("", "expected K or KxK"),
        ("2048x2048", "at most"),
    ] {
        let e = Tiling::parse(spec, r(-2), r(2), 2).unwrap_err();
        assert!(e.to_string().contains(msg), "{spec}: {e}");
    }
}

/// A cell cap stops a tile: its part and the merge say `complete: false` and why.
#[test]
fn limits_make_the_merge_incomplete() {
    let m = one_layer(2, 2, &[1, -1, 0, 1, 1, 1, -1, 0, 1, 0, 0, -1, 1, 1, 0]);
    let ctx = mat(4, 2, &[1, 2, -1, 0, 2, -2, 0, 1]);
    let mut req = boxed(None, -3, 3, 1);
    let whole = count_cells(&m, &ctx, &req).unwrap();
    assert!(whole.cell_list.len() > 1);
    req.limits = Limits {
        max_cells: Some(1),
        ..Limits::default()
    };
    let t = Tiling::parse("1", r(-3), r(3), 2).unwrap();
    let ps = parts(&m, &ctx, &req, &t);
    assert!(!ps[0].complete);
    let merged = merge_parts(ps).unwrap();
    assert!(!merged.complete && !merged.agreed);
    assert_eq!(
        merged.stopped,
        Some(tropical_attention::count::Stop::MaxCells)
    );
}

/// Tile indices run with the last axis fastest; bounds are exact fractions of the box.
#[test]
fn tile_positions_and_bounds() {
    let t = Tiling::parse("3x2", r(0), r(1), 2).unwrap();
    assert_eq!(t.len(), 6);
    assert_eq!(t.position(3).unwrap(), vec![1, 1]);
    let (l, h) = t.bounds(3).unwrap();
    let third = Rat::from_ratio(1, 3).unwrap();
    let half = Rat::from_ratio(1, 2).unwrap();
    assert_eq!(l, vec![third.clone(), half.clone()]);
    assert_eq!(h, vec![third.clone() + &third, r(1)]);
    let t = Tiling::parse("2", r(0), r(1), 3).unwrap();
    assert_eq!(t.counts, vec![2, 1, 1]);
    assert_eq!(t.spec(), "2x1x1");
}
