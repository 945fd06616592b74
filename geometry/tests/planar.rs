//! The planar path of the walk (max-affine functions of two variables in a box, by exact polygon
//! clipping) against the general walk and brute force, with and without the float filter.

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

/// Pieces from a small pool (so identical pieces, equal slopes, hidden pieces and walls through
/// common points all occur), with a denominator so that scaling to integers is exercised.
fn arb_fn() -> impl Strategy<Value = MaxAffine<Rat>> {
    (
        proptest::collection::vec(((-3i64..=3, -3i64..=3), -4i64..=4), 1..=6),
        1i64..=3,
    )
        .prop_map(|(pieces, den)| {
            MaxAffine::new(
                pieces
                    .iter()
                    .map(|((a, b), _)| vec![q(*a, den), q(*b, den)])
                    .collect(),
                pieces.iter().map(|&(_, c)| q(c, den)).collect(),
            )
            .unwrap()
        })
}

fn arb_box() -> impl Strategy<Value = Domain<Rat>> {
    (-4i64..=0, 1i64..=4, -4i64..=0, 1i64..=4).prop_map(|(a, b, c, d)| Domain::Box {
        lo: vec![r(a), r(c)],
        hi: vec![r(b), r(d)],
    })
}

fn arb_case() -> impl Strategy<Value = (Vec<MaxAffine<Rat>>, Domain<Rat>)> {
    (proptest::collection::vec(arb_fn(), 1..=4), arb_box())
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

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Hypothesis: up to 4 max-affine functions of two variables with small rational data
    /// (duplicate pieces, equal slopes, hidden pieces, concurrent walls), in a box.
    /// Conclusion: the planar path finds the same cells as the general walk, with the same
    /// facets and the same neighbours across them, and the same labels as brute force; every
    /// interior point lies strictly inside the box and the cell (no ties); the result does not
    /// depend on the float filter.
    #[test]
    fn planar_equals_general_walk_and_brute_force((fns, domain) in arb_case()) {
        let oracle = MaxAffineOracle::new(&fns).unwrap();
        let opts = WalkOptions::default();
        let fast = walk_cells(&oracle, &domain, &opts).unwrap();
        prop_assert_eq!(fast.lps_solved, 0); // the planar path ran
        let general = walk_cells_general(&oracle, &domain, &opts).unwrap();
        prop_assert!(fast.complete && general.complete);
        prop_assert_eq!(shape(&fast), shape(&general));
        let brute = refinement_cells_brute_force(&fns, &domain).unwrap();
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
        let exact = without_filter(|| walk_cells(&oracle, &domain, &opts).unwrap());
        prop_assert_eq!(exact, fast);
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

/// Walls whose integer coefficients have hundreds of bits (as from f32 checkpoints): nearly
/// parallel walls that cross inside the box, where the float values cancel.
#[test]
fn huge_nearly_parallel_walls() {
    let big = Rat::from_f64(2f64.powi(200)).unwrap();
    let tiny = Rat::from_f64(2f64.powi(-200)).unwrap();
    let one = r(1);
    let f = MaxAffine::new(
        vec![
            vec![r(0), r(0)],
            vec![big.clone(), one.clone()],
            vec![big.clone(), one.clone() + tiny.clone()],
            vec![big.clone() + tiny.clone(), one.clone()],
        ],
        vec![r(0), r(0), tiny.clone(), -tiny.clone()],
    )
    .unwrap();
    let fns = vec![f];
    let domain = Domain::cube(2, r(-1), r(1));
    let oracle = MaxAffineOracle::new(&fns).unwrap();
    let fast = walk_cells(&oracle, &domain, &WalkOptions::default()).unwrap();
    let general = walk_cells_general(&oracle, &domain, &WalkOptions::default()).unwrap();
    assert_eq!(shape(&fast), shape(&general));
    let exact = without_filter(|| walk_cells(&oracle, &domain, &WalkOptions::default()).unwrap());
    assert_eq!(exact, fast);
}

/// `max_cells` stops the planar path with `complete: false` and genuine, distinct cells.
#[test]
fn planar_limits() {
    let f = |h: usize| {
        let slopes = (0..5)
            .map(|j| {
                let mut a = vec![r(0); 2];
                a[h] = r(j);
                a
            })
            .collect();
        let offsets = (0..5).map(|j| q(-j * j, 2)).collect();
        MaxAffine::new(slopes, offsets).unwrap()
    };
    let fns = vec![f(0), f(1)];
    let domain = Domain::cube(2, r(-1), r(6));
    let oracle = MaxAffineOracle::new(&fns).unwrap();
    let full = walk_cells(&oracle, &domain, &WalkOptions::default()).unwrap();
    assert_eq!(full.cells.len(), 25);
    let opts = WalkOptions {
        max_cells: Some(7),
        ..Default::default()
    };
    let part = walk_cells(&oracle, &domain, &opts).unwrap();
    assert!(!part.complete);
    assert_eq!(part.cells.len(), 7);
    for c in &part.cells {
        assert_eq!(oracle.label(&c.interior_point), Some(c.label.clone()));
    }
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
    let (fast, before, after) = walk_counting_filter(&fns, &domain);
    assert!(
        after.exact > before.exact,
        "no exact fallback at the common vertex"
    );
    let brute = refinement_cells_brute_force(&fns, &domain).unwrap();
    let fl: BTreeSet<_> = fast.cells.iter().map(|c| c.label.clone()).collect();
    let bl: BTreeSet<_> = brute.cells.iter().map(|c| c.labels.clone()).collect();
    assert_eq!(fl, bl);
}
