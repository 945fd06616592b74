//! The counting entry point `count::count_cells`: methods against each other and against the
//! walk without reduction, witnesses checked exactly, validation messages, limits.

mod common;

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use common::*;
use num_bigint::BigUint;
use proptest::prelude::*;
use tropical_algebra::{Rat, Scalar};
use tropical_attention::count::{count_cells, CellCount, CountRequest, Limits, Method, Stop};
use tropical_attention::load::{self, LoadOptions};
use tropical_attention::regions::{score_regions, Region, Slice};
use tropical_attention::{Mat, Model};
use tropical_geometry::cells::WalkOptions;

fn req(region: Region<Rat>, methods: Vec<Method>) -> CountRequest<Rat> {
    CountRequest {
        region,
        methods,
        ..CountRequest::default()
    }
}

/// Every witness of a one-layer count, checked exactly: at the lifted interior point (mapped
/// into query space through the slice) head `i`'s argmax set is the label's set `i`, the piece's
/// offset is `b_O + Σ_h W_O^h mean(v^h over the set)` (+ the slice origin), and with a box the
/// point lies strictly inside the box and the polygon's vertices lie in the cell's closure.
fn check_witnesses(model: &Model<Rat>, ctx: &Mat<Rat>, region: &Region<Rat>, c: &CellCount<Rat>) {
    let layer = &model.blocks[0].attention;
    assert_eq!(BigUint::from(c.cell_list.len()), c.cells);
    let labels: BTreeSet<_> = c.cell_list.iter().map(|x| x.label.clone()).collect();
    assert_eq!(labels.len(), c.cell_list.len(), "labels distinct");
    for cell in &c.cell_list {
        let x = match &region.slice {
            Some(s) => s.point(&cell.interior_point).unwrap(),
            None => cell.interior_point.clone(),
        };
        let mut offset = layer.b_o.clone();
        let mut col = 0;
        for (i, &h) in c.heads.iter().enumerate() {
            let sf = layer.heads[h].score_function(ctx, &Rat::one()).unwrap();
            assert_eq!(
                sf.argmax(&x).unwrap(),
                cell.label[0][i],
                "witness in its cell"
            );
            let v = layer.heads[h].values(ctx).unwrap();
            let set = &cell.label[0][i];
            col = layer.heads[..h].iter().map(|x| x.d_v()).sum::<usize>();
            for (r, o) in offset.iter_mut().enumerate() {
                for &j in set {
                    for (k, vk) in v.row(j).iter().enumerate() {
                        *o += layer.w_o.get(r, col + k).clone() * vk
                            / Rat::from_i64(set.len() as i64);
                    }
                }
            }
        }
        let _ = col;
        if let Some(s) = &region.slice {
            for (o, a) in offset.iter_mut().zip(&s.origin) {
                *o += a;
            }
        }
        assert_eq!(cell.piece.offset, offset, "affine piece");
        if let Some((lo, hi)) = &region.cube {
            assert!(cell.interior_point.iter().all(|t| lo < t && t < hi));
            let poly = cell.polygon.as_ref().expect("2D with a box has polygons");
            assert!(poly.len() >= 3);
            // each vertex is in the closure: argmax at the vertex contains the label's set
            for v in poly {
                let y = match &region.slice {
                    Some(s) => s.point(v).unwrap(),
                    None => v.to_vec(),
                };
                for (i, &h) in c.heads.iter().enumerate() {
                    let sf = layer.heads[h].score_function(ctx, &Rat::one()).unwrap();
                    let am = sf.argmax(&y).unwrap();
                    assert!(
                        cell.label[0][i].iter().all(|j| am.contains(j)),
                        "vertex in closure"
                    );
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(20))]
    /// Hypothesis: a random 2-head layer in R^3 (ties and duplicate keys frequent), whole space.
    /// Conclusion: walk (in the reduced dimension) = Minkowski = the walk without reduction
    /// (`score_regions` in R^3); every witness lies in its cell; with the decomposition applicable
    /// its count agrees too.
    #[test]
    fn methods_agree_whole_space(w in ints(60, 2)) {
        let m = Model::new(vec![tropical_attention::Block { attention: layer(3, 2, &w), mlp: None }]).unwrap();
        let ctx = mat(4, 3, &w[7..]);
        let c = count_cells(&m, &ctx, &req(Region::default(), vec![Method::Walk, Method::Minkowski])).unwrap();
        prop_assert!(c.complete && c.agreed);
        let fns = m.blocks[0].attention.score_functions(&ctx).unwrap();
        let plain = score_regions(&fns, &Region::default(), &WalkOptions::default()).unwrap();
        prop_assert_eq!(c.cells.clone(), BigUint::from(plain.cells.len()));
        check_witnesses(&m, &ctx, &Region::default(), &c);
        let auto = count_cells(&m, &ctx, &CountRequest::default()).unwrap();
        prop_assert_eq!(&auto.cells, &c.cells);
        prop_assert!(auto.agreed);
    }

    /// Hypothesis: the same layers on a random 2D slice, with and without the box [-3, 3]^2.
    /// Conclusion: the count equals the plain walk's on the restricted functions; witnesses and
    /// polygons check exactly; the polygon count is the cell count.
    #[test]
    fn slice_counts_and_polygons(w in ints(60, 2), o in ints(3, 2), uv in ints(6, 2), boxed in any::<bool>()) {
        let m = Model::new(vec![tropical_attention::Block { attention: layer(3, 2, &w), mlp: None }]).unwrap();
        let ctx = mat(4, 3, &w[7..]);
        let slice = Slice { origin: vecr(&o), dirs: vec![vecr(&uv[..3]), vecr(&uv[3..])] };
        let region = Region { slice: Some(slice), cube: boxed.then(|| (r(-3), r(3))) };
        let c = count_cells(&m, &ctx, &req(region.clone(), vec![])).unwrap();
        prop_assert!(c.complete && c.agreed);
        let fns = m.blocks[0].attention.score_functions(&ctx).unwrap();
        let plain = score_regions(&fns, &region, &WalkOptions::default()).unwrap();
        prop_assert_eq!(c.cells.clone(), BigUint::from(plain.cells.len()));
        check_witnesses(&m, &ctx, &region, &c);
        if boxed {
            prop_assert_eq!(c.cell_list.iter().filter(|x| x.polygon.is_some()).count(), c.cell_list.len());
        }
    }
}

fn tiny() -> (Model<Rat>, Mat<Rat>) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata");
    let m = load::load_model::<Rat>(&dir.join("tiny-bert.safetensors"), &LoadOptions::default())
        .unwrap()
        .model;
    let c = load::load_matrix::<Rat>(&dir.join("tiny-context.json"), None).unwrap();
    (m, c)
}

/// The checked-in tiny BERT model, layer 0, whole space: 20 cells and 20 linear regions, by the
/// walk and the Minkowski count; the bounds Π_h N = 36 and Zaslavsky 31931.
#[test]
fn tiny_model_counts_unchanged() {
    let (m, c) = tiny();
    let r = count_cells(&m, &c, &CountRequest::default()).unwrap();
    assert_eq!(r.cells, BigUint::from(20u32));
    assert_eq!(r.linear_regions, Some(20));
    assert!(r.complete && r.agreed);
    assert!(r.runs.iter().any(|x| x.method == Method::Minkowski));
    assert_eq!(r.bound_product, Some(BigUint::from(36u32)));
    assert_eq!(r.bound_zaslavsky, Some(BigUint::from(31931u32)));
    check_witnesses(&m, &c, &Region::default(), &r);
}

/// Bad requests name the valid range.
#[test]
fn validation_messages() {
    let (m, c) = tiny();
    let e = |r: CountRequest<Rat>| count_cells(&m, &c, &r).unwrap_err().to_string();
    let layers = m.layers();
    let msg = e(CountRequest {
        layer: layers,
        ..CountRequest::default()
    });
    assert!(
        msg.contains(&format!("layer {layers}: layers are 0..{}", layers - 1)),
        "{msg}"
    );
    let msg = e(CountRequest {
        heads: Some(vec![7]),
        ..CountRequest::default()
    });
    assert!(msg.contains("head 7: layer 0 has heads 0..1"), "{msg}");
    let msg = e(CountRequest {
        heads: Some(vec![]),
        ..CountRequest::default()
    });
    assert!(msg.contains("no heads"), "{msg}");
    let msg = e(CountRequest {
        depth: 0,
        ..CountRequest::default()
    });
    assert!(msg.contains("depth must be at least 1"), "{msg}");
    let region = Region {
        slice: None,
        cube: Some((r(1), r(0))),
    };
    let msg = e(req(region, vec![]));
    assert!(msg.contains("need LO < HI"), "{msg}");
    let region = Region {
        slice: None,
        cube: Some((r(-1), r(1))),
    };
    let msg = e(req(region, vec![Method::Product]));
    assert!(msg.contains("not a box"), "{msg}");
    let slice = Slice {
        origin: vecr(&[0, 0]),
        dirs: vec![vecr(&[1, 0, 0, 0])],
    };
    let msg = e(req(
        Region {
            slice: Some(slice),
            cube: None,
        },
        vec![],
    ));
    assert!(
        msg.contains("slice origin has length 2, d_model is 4"),
        "{msg}"
    );
}

/// A cancelled count returns the partial result, `complete: false`, `stopped: cancelled`; a cell
/// cap gives `stopped: max_cells`; a time limit must be positive.
#[test]
fn limits() {
    let (m, c) = tiny();
    let with = |methods: Vec<Method>, limits: Limits| {
        count_cells(
            &m,
            &c,
            &CountRequest {
                methods,
                limits,
                ..CountRequest::default()
            },
        )
    };
    let cancel = Arc::new(AtomicBool::new(true));
    let r = with(
        vec![Method::Walk],
        Limits {
            cancel: Some(cancel),
            ..Limits::default()
        },
    )
    .unwrap();
    assert!(!r.complete);
    assert_eq!(r.stopped, Some(Stop::Cancelled));
    let r = with(
        vec![Method::Walk],
        Limits {
            max_cells: Some(3),
            ..Limits::default()
        },
    )
    .unwrap();
    assert!(!r.complete && r.cells <= BigUint::from(3u32));
    assert_eq!(r.stopped, Some(Stop::MaxCells));
    let e = with(
        CountRequest::<Rat>::default().methods,
        Limits {
            time_limit_s: Some(-1.0),
            ..Limits::default()
        },
    )
    .unwrap_err();
    assert!(e.to_string().contains("time limit"), "{e}");
}

/// The Minkowski cross-check answers a cancellation between summands. Hypothesis: the flag is
/// set before the count. Conclusion: a Minkowski-only count returns at once, incomplete and
/// cancelled, with no cells claimed; the interruptible count with a stop that never fires
/// equals the plain one, and one that fires after the first summand gives up.
#[test]
fn minkowski_cross_check_answers_cancellation() {
    use std::cell::Cell;
    use tropical_attention::regions::{minkowski_cell_count, minkowski_cell_count_until};
    let (m, c) = tiny();
    let r = count_cells(
        &m,
        &c,
        &CountRequest {
            methods: vec![Method::Minkowski],
            limits: Limits {
                cancel: Some(Arc::new(AtomicBool::new(true))),
                ..Limits::default()
            },
            ..CountRequest::default()
        },
    )
    .unwrap();
    assert!(!r.complete);
    assert_eq!(r.stopped, Some(Stop::Cancelled));
    assert_eq!(r.cells, BigUint::from(0u32));
    let fns = m.blocks[0].attention.score_functions(&c).unwrap();
    let full = minkowski_cell_count(&fns).unwrap();
    assert_eq!(full, 20);
    assert_eq!(
        minkowski_cell_count_until(&fns, &|| false).unwrap(),
        Some(full)
    );
    let asked = Cell::new(0);
    let after_one = || {
        asked.set(asked.get() + 1);
        asked.get() > 1
    };
    assert_eq!(minkowski_cell_count_until(&fns, &after_one).unwrap(), None);
}

/// The report of a count stopped in its set-up. Hypothesis: the same requests as a full count.
/// Conclusion: the same shape and bounds as `count_cells` reports, no cells, incomplete and
/// cancelled; a bad request is the same error.
#[test]
fn cancelled_before_counting_reports_the_bounds_and_nothing_counted() {
    use tropical_attention::count::cancelled_before_counting;
    let (m, c) = tiny();
    let mut reqs = vec![
        CountRequest::default(),
        CountRequest {
            heads: Some(vec![1]),
            ..CountRequest::default()
        },
    ];
    if m.layers() >= 2 {
        reqs.push(CountRequest {
            depth: 2,
            ..CountRequest::default()
        });
    }
    for req in &reqs {
        let full = count_cells(&m, &c, req).unwrap();
        let none = cancelled_before_counting(&m, &c, req).unwrap();
        assert_eq!(none.cells, BigUint::from(0u32));
        assert!(!none.complete && none.cell_list.is_empty());
        assert_eq!(none.stopped, Some(Stop::Cancelled));
        assert_eq!(
            (
                none.dimension,
                none.layer,
                none.depth,
                &none.heads,
                none.keys
            ),
            (
                full.dimension,
                full.layer,
                full.depth,
                &full.heads,
                full.keys
            )
        );
        assert_eq!(none.bound_product, full.bound_product);
        assert_eq!(none.bound_zaslavsky, full.bound_zaslavsky);
    }
    let bad = CountRequest {
        heads: Some(vec![99]),
        ..CountRequest::default()
    };
    let a = count_cells(&m, &c, &bad).unwrap_err().to_string();
    let b = cancelled_before_counting(&m, &c, &bad)
        .unwrap_err()
        .to_string();
    assert_eq!(a, b);
}

/// Depth 2 on the tiny model: labels are per layer (one list per layer, one set per head) and
/// each cell's affine piece is the composed map's at its interior point.
#[test]
fn depth_two_labels_and_pieces() {
    let (m, c) = tiny();
    if m.layers() < 2 {
        return;
    }
    let region = Region {
        slice: None,
        cube: Some((r(-2), r(2))),
    };
    let r2 = count_cells(
        &m,
        &c,
        &CountRequest {
            depth: 2,
            region,
            ..CountRequest::default()
        },
    )
    .unwrap();
    assert!(r2.complete);
    let map = m.slice_layers(0, 2).unwrap();
    let mut sub = map.clone();
    for b in &mut sub.blocks {
        b.attention.scale = Rat::one();
    }
    let pl = sub.compile(&c).unwrap();
    for cell in &r2.cell_list {
        assert_eq!(cell.label.len(), 2);
        assert_eq!(cell.label[0].len(), m.blocks[0].attention.heads.len());
        let p = pl.local_piece(&cell.interior_point).unwrap();
        assert_eq!(cell.piece.offset, p.offset);
        assert_eq!(cell.piece.linear.clone().unwrap(), p.linear.to_rows());
    }
}

/// Hypothesis: one head on `R^10` with `W_Q = W_K = I` and 11 integer context tokens (the
/// decomposition applies: rank 10 = d_k; the reduced counting space has 10 > 8 dimensions).
/// Conclusion: automatic mode reports the product alone (no Minkowski run beside it, since
/// `AUTO_MINKOWSKI_DIM` = 8), and asking for both methods runs both, which agree.
#[test]
fn automatic_mode_skips_the_minkowski_check_in_high_dimension() {
    use tropical_attention::count::AUTO_MINKOWSKI_DIM;
    use tropical_attention::model::{AttentionLayer, Block, Head};
    let d = 10;
    assert!(d > AUTO_MINKOWSKI_DIM);
    let id: Vec<i64> = (0..d * d).map(|i| i64::from(i % (d + 1) == 0)).collect();
    let zero = vec![0; d];
    let head = Head::new(
        mat(d, d, &id),
        vecr(&zero),
        mat(d, d, &id),
        vecr(&zero),
        mat(d, d, &id),
        vecr(&zero),
    )
    .unwrap();
    let layer = AttentionLayer::new(vec![head], mat(d, d, &id), vecr(&zero), r(1)).unwrap();
    let m = Model::new(vec![Block {
        attention: layer,
        mlp: None,
    }])
    .unwrap();
    // 11 tokens: 10 spread points and their negated sum, so that all 11 are hull vertices
    let mut rows: Vec<i64> = Vec::new();
    let mut state = 7u64;
    let mut sum = vec![0i64; d];
    for _ in 0..d {
        for s in sum.iter_mut() {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let v = (state >> 59) as i64 - 16;
            rows.push(v);
            *s += v;
        }
    }
    rows.extend(sum.iter().map(|s| -s - 1));
    let c = mat(d + 1, d, &rows);
    let auto = count_cells(&m, &c, &CountRequest::default()).unwrap();
    assert_eq!(auto.method, Method::Product, "{:?}", auto.runs);
    assert!(
        auto.runs.iter().all(|x| x.method != Method::Minkowski),
        "{:?}",
        auto.runs
    );
    let both = count_cells(
        &m,
        &c,
        &CountRequest {
            methods: vec![Method::Product, Method::Minkowski],
            ..CountRequest::default()
        },
    )
    .unwrap();
    assert!(both.agreed && both.runs.len() == 2, "{:?}", both.runs);
    assert_eq!(both.cells, auto.cells);
    assert_eq!(both.minkowski(), Some(&auto.cells));
}

/// Hypothesis: a 2D slice of the tiny model in a box (the planar walk, polygons reported) and
/// the same slice through two layers, each stopped by a cap of 3 cells. Conclusion: the partial
/// count comes back (`complete: false`, `stopped: max_cells`) instead of an error; every
/// explored cell has its polygon, checked against the complete count's polygon of the same
/// label, and cells found but not explored have none.
#[test]
fn a_capped_planar_count_returns_its_polygons() {
    let (m, c) = tiny();
    let d = m.d_model();
    let unit = |i: usize| (0..d).map(|j| r(i64::from(i == j))).collect::<Vec<_>>();
    let region = Region {
        slice: Some(Slice {
            origin: vec![r(0); d],
            dirs: vec![unit(0), unit(1)],
        }),
        cube: Some((r(-3), r(3))),
    };
    for depth in [1, m.layers().min(2)] {
        let count = |max_cells| {
            count_cells(
                &m,
                &c,
                &CountRequest {
                    depth,
                    region: region.clone(),
                    limits: Limits {
                        max_cells,
                        ..Limits::default()
                    },
                    ..CountRequest::default()
                },
            )
            .unwrap()
        };
        let full = count(None);
        assert!(full.complete && full.cell_list.iter().all(|x| x.polygon.is_some()));
        assert!(
            full.cells > BigUint::from(3u32),
            "depth {depth}: {}",
            full.cells
        );
        let part = count(Some(3));
        assert!(!part.complete);
        assert_eq!(part.stopped, Some(Stop::MaxCells));
        let drawn: Vec<_> = part
            .cell_list
            .iter()
            .filter(|x| x.polygon.is_some())
            .collect();
        assert!(!drawn.is_empty(), "depth {depth}: no explored cell");
        for cell in drawn {
            let same = full
                .cell_list
                .iter()
                .find(|f| f.label == cell.label)
                .unwrap();
            assert_eq!(cell.polygon, same.polygon, "depth {depth}");
        }
    }
}
