//! Cell walk vs brute force over all label tuples on small random max-affine arrangements.

use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use proptest::prelude::*;
use tropical_algebra::{Rat, Scalar};
use tropical_geometry::cells::{
    refinement_cells, refinement_cells_brute_force, walk_cells, Domain, MaxAffine, MaxAffineOracle,
    WalkOptions,
};
use tropical_geometry::Halfspace;

fn r(n: i64) -> Rat {
    Rat::from_i64(n)
}

/// A function whose pieces are drawn from a small pool, so identical pieces (duplicate keys),
/// pieces with equal slopes and hidden pieces all occur.
fn arb_fn(d: usize) -> impl Strategy<Value = MaxAffine<Rat>> {
    proptest::collection::vec((proptest::collection::vec(-2i64..=2, d), -2i64..=2), 1..=5).prop_map(
        |pieces| {
            MaxAffine::new(
                pieces
                    .iter()
                    .map(|(a, _)| a.iter().map(|&v| r(v)).collect())
                    .collect(),
                pieces.iter().map(|&(_, b)| r(b)).collect(),
            )
            .unwrap()
        },
    )
}

fn arb_domain(d: usize) -> impl Strategy<Value = Domain<Rat>> {
    prop_oneof![
        Just(Domain::Whole(d)),
        (-3i64..=0, 1i64..=3).prop_map(move |(lo, hi)| Domain::cube(d, r(lo), r(hi))),
        // a simplex-like polyhedron: x_i ≥ -2, Σ x_i ≤ s
        (1i64..=4).prop_map(move |s| {
            let mut hs: Vec<Halfspace<Rat>> = (0..d)
                .map(|i| {
                    let mut e = vec![r(0); d];
                    e[i] = r(-1);
                    Halfspace::new(e, r(2))
                })
                .collect();
            hs.push(Halfspace::new(vec![r(1); d], r(s)));
            Domain::Polyhedron(hs)
        }),
    ]
}

fn arb_case() -> impl Strategy<Value = (Vec<MaxAffine<Rat>>, Domain<Rat>)> {
    (1usize..=3, 1usize..=3)
        .prop_flat_map(|(d, h)| (proptest::collection::vec(arb_fn(d), h), arb_domain(d)))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(120))]

    /// Hypothesis: H ≤ 3 max-affine functions in d ≤ 3 with small integer data (duplicates,
    /// equal slopes, hidden pieces, d < H), in the whole space, a box or a polyhedron.
    /// Conclusion: the walk finds exactly the label tuples that brute force (one LP per tuple)
    /// finds; the count is ≤ Π_h n_h; every reported interior point lies strictly inside the
    /// domain and has exactly the reported labels, with no ties.
    #[test]
    fn walk_equals_brute_force((fns, domain) in arb_case()) {
        let walk = refinement_cells(&fns, &domain, &WalkOptions::default()).unwrap();
        let brute = refinement_cells_brute_force(&fns, &domain).unwrap();
        prop_assert!(walk.complete);
        let wl: Vec<_> = walk.cells.iter().map(|c| c.labels.clone()).collect();
        let bl: Vec<_> = brute.cells.iter().map(|c| c.labels.clone()).collect();
        prop_assert_eq!(wl, bl);
        let oracle = MaxAffineOracle::new(&fns).unwrap();
        let bound: usize = oracle.canonical_counts().iter().product();
        prop_assert!(walk.cells.len() <= bound);
        for c in walk.cells.iter().chain(&brute.cells) {
            prop_assert!(domain.contains_strictly(&c.interior_point));
            prop_assert_eq!(oracle.label(&c.interior_point), Some(c.labels.clone()));
        }
    }

    /// Hypothesis: as above. Conclusion: the generic walk's adjacency is symmetric, each facet is
    /// satisfied by the cell's interior point strictly, and a neighbour's interior point lies on
    /// the other side of the shared facet.
    #[test]
    fn walk_adjacency_is_consistent((fns, domain) in arb_case()) {
        let oracle = MaxAffineOracle::new(&fns).unwrap();
        let walk = walk_cells(&oracle, &domain, &WalkOptions::default()).unwrap();
        for (i, c) in walk.cells.iter().enumerate() {
            prop_assert!(c.explored);
            prop_assert_eq!(c.facets.len(), c.neighbors.len());
            for (h, nb) in c.facets.iter().zip(&c.neighbors) {
                prop_assert!(h.contains_strictly(&c.interior_point));
                if let Some(j) = nb {
                    prop_assert!(!h.contains(&walk.cells[*j].interior_point));
                    prop_assert!(walk.cells[*j].neighbors.contains(&Some(i)));
                }
            }
        }
    }
}

/// `max_cells` and cancellation stop the walk with `complete: false` and genuine cells.
#[test]
fn limits_and_cancellation() {
    // T7 construction: head h reads coordinate h, a_j = j, β_j = −j²/2 → N^H cells (N = 4, H = 2)
    let f = |h: usize| {
        let slopes = (0..4)
            .map(|j| {
                let mut a = vec![r(0); 2];
                a[h] = r(j);
                a
            })
            .collect();
        let offsets = (0..4)
            .map(|j| Rat::from_ratio(-j * j, 2).unwrap())
            .collect();
        MaxAffine::new(slopes, offsets).unwrap()
    };
    let fns = vec![f(0), f(1)];
    let full = refinement_cells(&fns, &Domain::Whole(2), &WalkOptions::default()).unwrap();
    assert_eq!(full.cells.len(), 16);
    let opts = WalkOptions {
        max_cells: Some(5),
        ..Default::default()
    };
    let part = refinement_cells(&fns, &Domain::Whole(2), &opts).unwrap();
    assert!(!part.complete);
    assert_eq!(part.cells.len(), 5);
    for c in &part.cells {
        assert!(full.cells.iter().any(|g| g.labels == c.labels));
    }
    let opts = WalkOptions {
        cancel: Some(Arc::new(AtomicBool::new(true))),
        ..Default::default()
    };
    let cancelled = refinement_cells(&fns, &Domain::Whole(2), &opts).unwrap();
    assert!(!cancelled.complete);
}

#[test]
fn bad_inputs_are_errors() {
    let f = MaxAffine::new(vec![vec![r(1)]], vec![r(0)]).unwrap();
    assert!(MaxAffine::new(vec![vec![r(1)], vec![r(1), r(2)]], vec![r(0), r(0)]).is_err());
    assert!(MaxAffine::<Rat>::new(vec![], vec![]).is_err());
    let opts = WalkOptions::default();
    assert!(refinement_cells(std::slice::from_ref(&f), &Domain::Whole(2), &opts).is_err());
    assert!(refinement_cells::<Rat>(&[], &Domain::Whole(2), &opts).is_err());
    // degenerate box
    assert!(refinement_cells(
        std::slice::from_ref(&f),
        &Domain::cube(1, r(1), r(1)),
        &opts
    )
    .is_err());
    assert!(refinement_cells_brute_force(&[f], &Domain::cube(1, r(1), r(1))).is_err());
}
