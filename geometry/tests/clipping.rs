//! The clipping paths of the walk (max-affine functions of two or three variables in a box, by
//! exact polygon and polytope clipping) against the general walk and brute force, with and
//! without the float filter.

use std::collections::{BTreeMap, BTreeSet};

use proptest::prelude::*;
use tropical_algebra::{Rat, Scalar};
use tropical_geometry::cells::{
    refinement_cells_brute_force, walk_cells, walk_cells_general, Domain, MaxAffine,
    MaxAffineOracle, Walk, WalkOptions,
};
use tropical_geometry::halfspace::{filter_stats, without_filter, FilterStats};

fn r(n: i64) -> Rat {
    Rat::from_i64(n)
}

fn q(n: i64, d: i64) -> Rat {
    Rat::from_ratio(n, d).unwrap()
}

/// Functions of `d` variables with pieces from a small pool (so identical pieces, equal slopes,
/// hidden pieces and walls through common points all occur), with a denominator so that scaling
/// to integers is exercised.
fn arb_fn(d: usize) -> impl Strategy<Value = MaxAffine<Rat>> {
    (
        proptest::collection::vec((proptest::collection::vec(-3i64..=3, d), -4i64..=4), 1..=6),
        1i64..=3,
    )
        .prop_map(|(pieces, den)| {
            MaxAffine::new(
                pieces
                    .iter()
                    .map(|(a, _)| a.iter().map(|&v| q(v, den)).collect())
                    .collect(),
                pieces.iter().map(|&(_, c)| q(c, den)).collect(),
            )
            .unwrap()
        })
}

fn arb_box(d: usize) -> impl Strategy<Value = Domain<Rat>> {
    proptest::collection::vec((-4i64..=0, 1i64..=4), d).prop_map(|sides| Domain::Box {
        lo: sides.iter().map(|&(a, _)| r(a)).collect(),
        hi: sides.iter().map(|&(_, b)| r(b)).collect(),
    })
}

fn arb_case(d: usize, max_fns: usize) -> impl Strategy<Value = (Vec<MaxAffine<Rat>>, Domain<Rat>)> {
    (
        proptest::collection::vec(arb_fn(d), 1..=max_fns),
        arb_box(d),
    )
}

/// A walk as a map label → (facets, labels of the neighbours across them), order-free.
type Shape = BTreeMap<Vec<usize>, BTreeSet<(String, Option<Vec<usize>>)>>;

fn shape(w: &Walk<Rat, Vec<usize>>) -> Shape {
    w.cells
        .iter()
        .map(|c| {
            let f = c
                .facets
                .iter()
                .zip(&c.neighbors)
                .map(|(h, nb)| {
                    (
                        format!(
                            "{:?}·x ≤ {}",
                            h.normal.iter().map(|v| v.to_string()).collect::<Vec<_>>(),
                            h.offset
                        ),
                        nb.map(|j| w.cells[j].label.clone()),
                    )
                })
                .collect();
            (c.label.clone(), f)
        })
        .collect()
}

/// The planar walk of `fns` on `domain` with the filter counts before and after it, checked
/// equal (same cells, same facets) to the general walk.
fn walk_counting_filter(
    fns: &[MaxAffine<Rat>],
    domain: &Domain<Rat>,
) -> (Walk<Rat, Vec<usize>>, FilterStats, FilterStats) {
    let oracle = MaxAffineOracle::new(fns).unwrap();
    let before = filter_stats();
    let fast = walk_cells(&oracle, domain, &WalkOptions::default()).unwrap();
    let after = filter_stats();
    let general = walk_cells_general(&oracle, domain, &WalkOptions::default()).unwrap();
    assert_eq!(shape(&fast), shape(&general));
    (fast, before, after)
}

/// The walk of `fns` on `domain` equals the general walk (as [`walk_counting_filter`]), took the
/// exact fallback at least once, and has the labels of brute force.
fn check_exact_fallback_and_brute_force(fns: &[MaxAffine<Rat>], domain: &Domain<Rat>) {
    let (fast, before, after) = walk_counting_filter(fns, domain);
    assert!(
        after.exact > before.exact,
        "no exact fallback at the common vertex"
    );
    let brute = refinement_cells_brute_force(fns, domain).unwrap();
    let fl: BTreeSet<_> = fast.cells.iter().map(|c| c.label.clone()).collect();
    let bl: BTreeSet<_> = brute.cells.iter().map(|c| c.labels.clone()).collect();
    assert_eq!(fl, bl);
}

/// The clipping path on `(fns, domain)` against the general walk, brute force and itself without
/// the float filter (the conclusion of the properties below).
fn check_against_general_walk(
    fns: &[MaxAffine<Rat>],
    domain: &Domain<Rat>,
) -> Result<(), TestCaseError> {
    let oracle = MaxAffineOracle::new(fns).unwrap();
    let opts = WalkOptions::default();
    let fast = walk_cells(&oracle, domain, &opts).unwrap();
    prop_assert_eq!(fast.lps_solved, 0); // the clipping path ran
    let general = walk_cells_general(&oracle, domain, &opts).unwrap();
    prop_assert!(fast.complete && general.complete);
    prop_assert_eq!(shape(&fast), shape(&general));
    let brute = refinement_cells_brute_force(fns, domain).unwrap();
    let fl: BTreeSet<_> = fast.cells.iter().map(|c| c.label.clone()).collect();
    let bl: BTreeSet<_> = brute.cells.iter().map(|c| c.labels.clone()).collect();
    prop_assert_eq!(&fl, &bl);
    for c in &fast.cells {
        prop_assert!(domain.contains_strictly(&c.interior_point));
        prop_assert_eq!(oracle.label(&c.interior_point), Some(c.label.clone()));
        for h in &c.facets {
            prop_assert!(h.contains_strictly(&c.interior_point));
        }
    }
    let exact = without_filter(|| walk_cells(&oracle, domain, &opts).unwrap());
    prop_assert_eq!(exact, fast);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Hypothesis: up to 4 max-affine functions of two variables with small rational data
    /// (duplicate pieces, equal slopes, hidden pieces, concurrent walls), in a box.
    /// Conclusion: the planar path finds the same cells as the general walk, with the same
    /// facets and the same neighbours across them, and the same labels as brute force; every
    /// interior point lies strictly inside the box and the cell (no ties); the result does not
    /// depend on the float filter.
    #[test]
    fn planar_equals_general_walk_and_brute_force((fns, domain) in arb_case(2, 4)) {
        check_against_general_walk(&fns, &domain)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Hypothesis: up to 3 max-affine functions of three variables with small rational data
    /// (duplicate pieces, equal slopes, hidden pieces, walls through common points and lines),
    /// in a box. Conclusion: the spatial path finds the same cells, facets and neighbours as the
    /// general walk and the same labels as brute force, with interior points strictly inside;
    /// the result does not depend on the float filter.
    #[test]
    fn spatial_equals_general_walk_and_brute_force((fns, domain) in arb_case(3, 3)) {
        check_against_general_walk(&fns, &domain)?;
    }
}

/// Three walls through one point and a wall along the box side: the vertex predicates are
/// exactly zero there, which the float filter never certifies, so the exact fallback decides
/// them; the counts match the general walk.
#[test]
fn degenerate_predicates_fall_back_to_exact() {
    // max(0, x, y, −x − y, x − 1) : walls x = 0, y = 0, x + y = 0 … all through the origin
    let f = MaxAffine::new(
        vec![
            vec![r(0), r(0)],
            vec![r(1), r(0)],
            vec![r(0), r(1)],
            vec![r(-1), r(-1)],
        ],
        vec![r(0), r(0), r(0), r(0)],
    )
    .unwrap();
    // a second function whose wall y = 1 is the box's top side, and one tied with the first
    let g = MaxAffine::new(
        vec![vec![r(0), r(1)], vec![r(0), r(0)], vec![r(1), r(0)]],
        vec![r(0), r(1), r(0)],
    )
    .unwrap();
    let fns = vec![f, g];
    let domain = Domain::Box {
        lo: vec![r(-2), r(-2)],
        hi: vec![r(2), r(1)],
    };
    let (_, before, after) = walk_counting_filter(&fns, &domain);
    assert!(
        after.exact > before.exact,
        "no exact fallback on concurrent walls"
    );
    assert!(after.certified > before.certified);
}

/// Walls in `R^d` (d = 2, 3) whose integer coefficients have hundreds of bits (as from f32
/// checkpoints): nearly parallel walls that cross inside the box, where the float values cancel.
/// Conclusion: the clipping path runs and equals the general walk, with and without the filter.
fn check_huge_nearly_parallel_walls(d: usize) {
    let big = Rat::from_f64(2f64.powi(200)).unwrap();
    let tiny = Rat::from_f64(2f64.powi(-200)).unwrap();
    let one = r(1);
    // slopes (big, 1, 0), (big, 1 + tiny, tiny), (big + tiny, 1, −tiny), cut to d entries
    let piece = |v: [Rat; 3]| v[..d].to_vec();
    let f = MaxAffine::new(
        vec![
            vec![r(0); d],
            piece([big.clone(), one.clone(), r(0)]),
            piece([big.clone(), one.clone() + tiny.clone(), tiny.clone()]),
            piece([big.clone() + tiny.clone(), one.clone(), -tiny.clone()]),
        ],
        vec![r(0), r(0), tiny.clone(), -tiny.clone()],
    )
    .unwrap();
    let fns = vec![f];
    let domain = Domain::cube(d, r(-1), r(1));
    let oracle = MaxAffineOracle::new(&fns).unwrap();
    let fast = walk_cells(&oracle, &domain, &WalkOptions::default()).unwrap();
    assert_eq!(fast.lps_solved, 0);
    let general = walk_cells_general(&oracle, &domain, &WalkOptions::default()).unwrap();
    assert_eq!(shape(&fast), shape(&general));
    let exact = without_filter(|| walk_cells(&oracle, &domain, &WalkOptions::default()).unwrap());
    assert_eq!(exact, fast);
}

#[test]
fn huge_nearly_parallel_walls() {
    check_huge_nearly_parallel_walls(2);
}

#[test]
fn spatial_huge_nearly_parallel_walls() {
    check_huge_nearly_parallel_walls(3);
}

/// Hypothesis: `d` functions of one coordinate each, `n` pieces (a grid of `n^d` cells).
/// Conclusion: without a limit all `n^d` cells are found; `max_cells = cap` stops the clipping
/// path with `complete: false` and `cap` genuine, distinct cells.
fn check_grid_limits(d: usize, n: i64, cap: usize) {
    let f = |h: usize| {
        let slopes = (0..n)
            .map(|j| {
                let mut a = vec![r(0); d];
                a[h] = r(j);
                a
            })
            .collect();
        let offsets = (0..n).map(|j| q(-j * j, 2)).collect();
        MaxAffine::new(slopes, offsets).unwrap()
    };
    let fns: Vec<_> = (0..d).map(f).collect();
    let domain = Domain::cube(d, r(-1), r(n + 1));
    let oracle = MaxAffineOracle::new(&fns).unwrap();
    let full = walk_cells(&oracle, &domain, &WalkOptions::default()).unwrap();
    assert!(full.complete);
    assert_eq!(full.lps_solved, 0);
    assert_eq!(full.cells.len(), (n as usize).pow(d as u32));
    let opts = WalkOptions {
        max_cells: Some(cap),
        ..Default::default()
    };
    let part = walk_cells(&oracle, &domain, &opts).unwrap();
    assert!(!part.complete);
    assert_eq!(part.cells.len(), cap);
    let labels: BTreeSet<_> = part.cells.iter().map(|c| c.label.clone()).collect();
    assert_eq!(labels.len(), cap);
    for c in &part.cells {
        assert_eq!(oracle.label(&c.interior_point), Some(c.label.clone()));
    }
}

#[test]
fn planar_limits() {
    check_grid_limits(2, 5, 7);
}

#[test]
fn spatial_limits() {
    check_grid_limits(3, 4, 9);
}

/// Walls through the point (1, 1) whose integer coefficients (62 bits, not powers of two) are
/// not representable in f64: the float values of the vertex determinants are rounding noise
/// around an exact zero. Conclusion: the filter does not certify them (its error bound covers
/// the noise), the exact fallback decides, and the cells are those of the general walk and of
/// brute force. A filter that trusts the float sign here finds phantom vertices.
#[test]
fn concurrent_walls_with_unrepresentable_coefficients() {
    let big = |b: i64, e: u32, add: i64| r(b.pow(e) + add);
    let (p, q) = (big(3, 39, 0), big(3, 38, 1));
    let (s, t) = (big(5, 27, -2), big(7, 22, 2));
    let (u, v) = (big(11, 18, 0), big(13, 17, -4));
    let (w, z) = (big(3, 39, -10), big(5, 27, 7));
    // the piece a(x − 1) + b(y − 1) = a x + b y − (a + b)
    let piece = |a: &Rat, b: &Rat| (vec![a.clone(), b.clone()], -(a.clone() + b.clone()));
    let family = |ps: Vec<(Vec<Rat>, Rat)>| {
        let (slopes, offsets): (Vec<_>, Vec<_>) = ps.into_iter().unzip();
        MaxAffine::new(slopes, offsets).unwrap()
    };
    let zero = (vec![r(0), r(0)], r(0));
    let fns = vec![
        family(vec![zero.clone(), piece(&p, &q), piece(&-s.clone(), &t)]),
        family(vec![zero.clone(), piece(&u, &-v.clone())]),
        family(vec![zero, piece(&-w.clone(), &-z.clone())]),
    ];
    let domain = Domain::cube(2, r(0), r(2));
    check_exact_fallback_and_brute_force(&fns, &domain);
}

/// Hypothesis: in 3D, walls through one point (the planes x = 0, y = 0, z = 0, x + y + z = 0 of
/// `max(0, x, y, z, −x − y − z)`, so the origin is a vertex on six planes) and a function whose
/// wall `z = 1` is the top side of the box. Conclusion: the side predicates that are exactly
/// zero there go to the exact fallback, and the cells are those of the general walk.
#[test]
fn spatial_degenerate_predicates_fall_back_to_exact() {
    let e = |i: usize| {
        let mut v = vec![r(0); 3];
        v[i] = r(1);
        v
    };
    let f = MaxAffine::new(
        vec![vec![r(0); 3], e(0), e(1), e(2), vec![r(-1); 3]],
        vec![r(0); 5],
    )
    .unwrap();
    let g = MaxAffine::new(vec![e(2), vec![r(0); 3], e(0)], vec![r(0), r(1), r(0)]).unwrap();
    let fns = vec![f, g];
    let domain = Domain::Box {
        lo: vec![r(-2), r(-2), r(-2)],
        hi: vec![r(2), r(2), r(1)],
    };
    let (fast, before, after) = walk_counting_filter(&fns, &domain);
    assert_eq!(fast.lps_solved, 0, "the spatial path did not run");
    assert!(
        after.exact > before.exact,
        "no exact fallback at the origin"
    );
    assert!(after.certified > before.certified);
}

/// Hypothesis: four 3D walls through the point (1, 1, 1) whose integer coefficients (up to 62 bits,
/// not powers of two) are not representable in f64, so the side values at that vertex are
/// rounding noise around an exact zero. Conclusion: the filter does not certify them, the exact
/// fallback decides, and the cells are those of the general walk and of brute force.
#[test]
fn spatial_concurrent_walls_with_unrepresentable_coefficients() {
    let big = |b: i64, e: u32, add: i64| r(b.pow(e) + add);
    let coef = [
        [big(3, 39, 0), big(3, 38, 1), -big(5, 27, -2)],
        [big(7, 22, 2), -big(11, 18, 0), big(13, 17, -4)],
        [-big(3, 39, -10), -big(5, 27, 7), big(7, 22, -1)],
        [big(13, 17, 3), big(11, 18, -5), big(3, 38, 2)],
    ];
    // the piece a·(x − (1, 1, 1)) = a·x − (a₀ + a₁ + a₂)
    let piece = |a: &[Rat; 3]| (a.to_vec(), -(a[0].clone() + a[1].clone() + a[2].clone()));
    let zero = (vec![r(0); 3], r(0));
    let fns: Vec<MaxAffine<Rat>> = coef
        .iter()
        .map(|a| {
            let (slopes, offsets): (Vec<_>, Vec<_>) = [zero.clone(), piece(a)].into_iter().unzip();
            MaxAffine::new(slopes, offsets).unwrap()
        })
        .collect();
    let domain = Domain::cube(3, r(0), r(2));
    check_exact_fallback_and_brute_force(&fns, &domain);
}
