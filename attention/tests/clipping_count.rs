//! Counting on a 2D or 3D slice with a box (the clipping paths of the walk, with the score
//! functions restricted to the slice first) against the general walk and brute force on the
//! functions restricted the plain way (full score functions, then the slice).

mod common;

use std::collections::BTreeSet;

use common::*;
use num_bigint::BigUint;
use proptest::prelude::*;
use tropical_algebra::{Rat, Scalar};
use tropical_attention::count::{count_cells, CountRequest};
use tropical_attention::regions::{max_affine, Region, Slice};
use tropical_attention::Model;
use tropical_geometry::cells::{
    refinement_cells_brute_force, walk_cells_general, Domain, MaxAffine, MaxAffineOracle,
    WalkOptions,
};

/// `k` slice directions in R^3: random, or degenerate (the second a multiple of the first, or
/// zero).
fn arb_dirs(k: usize) -> impl Strategy<Value = Vec<Vec<i64>>> {
    prop_oneof![
        ints(3 * k, 2).prop_map(|v| v.chunks(3).map(<[i64]>::to_vec).collect()),
        (ints(3 * k, 2), -2i64..=2).prop_map(|(v, m)| {
            let mut d: Vec<Vec<i64>> = v.chunks(3).map(<[i64]>::to_vec).collect();
            d[1] = d[0].iter().map(|x| x * m).collect();
            d
        }),
    ]
}

/// A slice dimension (2 or 3) with its directions.
fn arb_slice() -> impl Strategy<Value = (usize, Vec<Vec<i64>>)> {
    (2usize..=3).prop_flat_map(|k| (Just(k), arb_dirs(k)))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    /// Hypothesis: a random 2- or 3-head layer in R^3 with entries in [-2, 2] (zero rows of W_Q,
    /// repeated and hidden keys, ties frequent), a 2D or 3D slice (possibly degenerate) and the
    /// box [-3, 3]^k. Conclusion: `count_cells` finds exactly the labels that brute force (one LP
    /// per label tuple) and the general walk find on the plainly restricted score functions; 2D
    /// cells have polygons; a slice of full dimension is counted without LPs.
    #[test]
    fn clipping_count_equals_general_walk_and_brute_force(
        w in ints(60, 2), heads in 2usize..=3, o in ints(3, 2), (k, dirs) in arb_slice(), dup in any::<bool>()
    ) {
        let m = Model::new(vec![tropical_attention::Block { attention: layer(3, heads, &w), mlp: None }]).unwrap();
        let mut rows = w[7..19].to_vec();
        if dup {
            rows[3..6].copy_from_slice(&w[7..10]); // a repeated context token
        }
        let ctx = mat(4, 3, &rows);
        let slice = Slice { origin: vecr(&o), dirs: dirs.iter().map(|d| vecr(d)).collect() };
        let region = Region { slice: Some(slice), cube: Some((r(-3), r(3))) };
        let c = count_cells(&m, &ctx, &CountRequest { region: region.clone(), ..CountRequest::default() }).unwrap();
        prop_assert!(c.complete && c.agreed);
        if c.walk_dimension == Some(k) {
            prop_assert_eq!(c.lps_solved, 0); // a full slice: the clipping path ran
        }
        let fns: Vec<MaxAffine<Rat>> = m.blocks[0].attention.score_functions(&ctx).unwrap()
            .iter()
            .map(|f| max_affine(&region.restrict(f).unwrap()).unwrap())
            .collect();
        let domain = Domain::cube(k, r(-3), r(3));
        let brute = refinement_cells_brute_force(&fns, &domain).unwrap();
        prop_assert_eq!(c.cells.clone(), BigUint::from(brute.cells.len()));
        let general = walk_cells_general(&MaxAffineOracle::new(&fns).unwrap(), &domain, &WalkOptions::default()).unwrap();
        prop_assert_eq!(general.cells.len(), brute.cells.len());
        // labels: canonical representatives of the plain functions = the smallest index of each set
        let want: BTreeSet<Vec<usize>> = brute.cells.iter().map(|x| x.labels.clone()).collect();
        let got: BTreeSet<Vec<usize>> = c.cell_list.iter()
            .map(|x| x.label[0].iter().map(|s| s[0]).collect())
            .collect();
        prop_assert_eq!(got, want);
        for cell in &c.cell_list {
            if k == 2 {
                let poly = cell.polygon.as_ref().expect("2D with a box has polygons");
                prop_assert!(poly.len() >= 3);
            }
            prop_assert!(cell.interior_point.iter().all(|t| *t > r(-3) && *t < r(3)));
        }
    }
}

/// The checked-in tiny model is unchanged by the fast paths: 20 cells, 20 linear regions on the
/// whole space, and on a 2D slice with a box the count equals the
/// general walk's on the plainly restricted functions.
#[test]
fn tiny_model_slice_matches_general_walk() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata");
    let m = tropical_attention::load::load_model::<Rat>(
        &dir.join("tiny-bert.safetensors"),
        &tropical_attention::load::LoadOptions::default(),
    )
    .unwrap()
    .model;
    let ctx =
        tropical_attention::load::load_matrix::<Rat>(&dir.join("tiny-context.json"), None).unwrap();
    let whole = count_cells(&m, &ctx, &CountRequest::default()).unwrap();
    assert_eq!(whole.cells, BigUint::from(20u32));
    assert_eq!(whole.linear_regions, Some(20));
    let d = m.d_model();
    let unit = |i: usize| {
        (0..d)
            .map(|k| Rat::from_i64(i64::from(k == i)))
            .collect::<Vec<_>>()
    };
    let region = Region {
        slice: Some(Slice {
            origin: vec![Rat::zero(); d],
            dirs: vec![unit(0), unit(1)],
        }),
        cube: Some((r(-4), r(4))),
    };
    let c = count_cells(
        &m,
        &ctx,
        &CountRequest {
            region: region.clone(),
            ..CountRequest::default()
        },
    )
    .unwrap();
    let fns: Vec<MaxAffine<Rat>> = m.blocks[0]
        .attention
        .score_functions(&ctx)
        .unwrap()
        .iter()
        .map(|f| max_affine(&region.restrict(f).unwrap()).unwrap())
        .collect();
    let general = walk_cells_general(
        &MaxAffineOracle::new(&fns).unwrap(),
        &Domain::cube(2, r(-4), r(4)),
        &WalkOptions::default(),
    )
    .unwrap();
    assert_eq!(c.cells, BigUint::from(general.cells.len()));
}
