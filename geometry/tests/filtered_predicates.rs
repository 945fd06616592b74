//! The filtered exact predicates (`halfspace::side_of_wall`, `MaxAffine::argmax`, the walk that
//! uses them) against the unfiltered exact path.
//!
//! Hypothesis: any rational inputs, including exact ties, near-ties far below the `f64`
//! resolution, and magnitudes outside the approximable range. Conclusion: the filtered answer
//! equals the exact one, and on the inputs built so the float cannot decide, the exact fallback
//! is taken (observed through `filter_stats`).

use std::cmp::Ordering;
use std::slice::from_ref;

use proptest::prelude::*;
use tropical_algebra::{Rat, Scalar};
use tropical_geometry::cells::{refinement_cells, Domain, MaxAffine, WalkOptions};
use tropical_geometry::halfspace::{
    filter_stats, side_of_wall, side_of_wall_exact, without_filter, Halfspace,
};

fn r(n: i64) -> Rat {
    Rat::from_i64(n)
}
fn q(n: i64, d: i64) -> Rat {
    Rat::from_ratio(n, d).unwrap()
}
fn pow2(k: i32) -> Rat {
    r(2).powi(k).unwrap()
}

/// `side_of_wall` on `(a, x, b)`, with the number of exact fallbacks it took.
fn side_counted(a: &[Rat], x: &[Rat], b: &Rat) -> (Ordering, u64) {
    let before = filter_stats().exact;
    let s = side_of_wall(a, x, b);
    (s, filter_stats().exact - before)
}

/// Near-degenerate: `b − a·x = 1` with every term near `2^60`; in `f64` the terms round to the
/// same value and the computed slack is 0. The filter must not decide; the exact answer is `>`.
#[test]
fn near_degenerate_slack_falls_back_to_exact() {
    let big = pow2(60);
    let b = big.clone() + r(1);
    let (s, fallbacks) = side_counted(&[r(1)], from_ref(&big), &b);
    assert_eq!(s, Ordering::Greater);
    assert_eq!(fallbacks, 1);
    // the same, mirrored: slack −1
    let (s, fallbacks) = side_counted(&[r(1)], &[b], &big);
    assert_eq!(s, Ordering::Less);
    assert_eq!(fallbacks, 1);
    // a cancellation in two dimensions: (2^55 + 1)·3 − 3·2^55 − 2 = 1
    let a = [r(3), r(-3)];
    let x = [pow2(55) + r(1), pow2(55)];
    let (s, fallbacks) = side_counted(&a, &x, &r(2));
    assert_eq!(s, Ordering::Less); // 2 − (3(2^55 + 1) − 3·2^55) = 2 − 3 = −1
    assert_eq!(fallbacks, 1);
}

/// Exact ties with non-dyadic values: the float value is (near) zero but not certified; the
/// exact fallback answers `Equal`.
#[test]
fn exact_ties_are_equal() {
    for k in 1..40 {
        let a = [q(1, 3), q(k, 7)];
        let x = [q(3, k), q(-7, 3)];
        let b = q(1, k) - q(k, 3); // 1/k − k/3 = a·x exactly
        let (s, fallbacks) = side_counted(&a, &x, &b);
        assert_eq!(s, Ordering::Equal, "k = {k}");
        assert_eq!(fallbacks, 1);
    }
    // all terms exactly zero: certified without arithmetic
    let (s, fallbacks) = side_counted(&[r(0), r(5)], &[r(3), r(0)], &r(0));
    assert_eq!((s, fallbacks), (Ordering::Equal, 0));
}

/// Magnitudes outside `[2^-400, 2^400]` have no certified approximation: exact fallback.
#[test]
fn huge_and_tiny_magnitudes() {
    let huge = pow2(700);
    let tiny = pow2(-700);
    let (s, fallbacks) = side_counted(from_ref(&huge), from_ref(&tiny), &(r(1) + &tiny));
    assert_eq!(s, Ordering::Greater);
    assert_eq!(fallbacks, 1);
    let (s, fallbacks) = side_counted(&[r(1)], from_ref(&tiny), &r(0));
    assert_eq!(s, Ordering::Less);
    assert_eq!(fallbacks, 1);
    let (s, _) = side_counted(from_ref(&huge), &[r(1)], &(huge.clone() - &tiny));
    assert_eq!(s, Ordering::Less);
}

/// Clear-cut signs are certified by the float filter (no exact arithmetic).
#[test]
fn clear_signs_are_certified() {
    let before = filter_stats();
    let h = Halfspace::new(vec![q(1, 3), q(2, 7)], q(5, 11));
    assert!(h.contains_strictly(&[r(0), r(0)]));
    assert!(!h.contains(&[r(10), r(10)]));
    let after = filter_stats();
    assert_eq!(after.exact, before.exact);
    assert_eq!(after.certified, before.certified + 2);
}

/// Argmax with pieces tied exactly at `x` and pieces closer than the float resolution.
#[test]
fn argmax_near_ties() {
    let big = pow2(58);
    // pieces: x, x + 1 (slopes 1, offsets 0 and 1) at x = 2^58, and 2x − 2^58 + 1 (ties piece 1)
    let f = MaxAffine::new(
        vec![vec![r(1)], vec![r(1)], vec![r(2)], vec![r(0)]],
        vec![r(0), r(1), r(1) - &big, r(0)],
    )
    .unwrap();
    let before = filter_stats().exact;
    assert_eq!(f.argmax(from_ref(&big)), vec![1, 2]);
    assert_eq!(filter_stats().exact, before + 1);
    assert_eq!(f.argmax(from_ref(&big)), f.argmax_exact(&[big]));
    assert_eq!(f.argmax(&[r(-5)]), vec![3]);
}

fn arb_rat() -> impl Strategy<Value = Rat> {
    prop_oneof![
        (-50i64..=50, 1i64..=12).prop_map(|(n, d)| q(n, d)),
        (-3i64..=3, -80i32..=80).prop_map(|(n, k)| r(n) * pow2(k)),
        (any::<i64>(), 1i64..=i64::MAX).prop_map(|(n, d)| q(n, d)),
        (-9i64..=9, 390i32..=420, any::<bool>()).prop_map(|(n, k, inv)| {
            let p = pow2(k);
            if inv {
                r(n) / p
            } else {
                r(n) * p
            }
        }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(600))]

    /// For any `a, x` and any `b` (random, or `a·x` plus a perturbation down to `2^-300`),
    /// the filtered sign equals the exact sign.
    #[test]
    fn side_of_wall_is_exact(
        a in prop::collection::vec(arb_rat(), 1..5),
        x in prop::collection::vec(arb_rat(), 5),
        b in arb_rat(),
        mode in 0u8..3,
        k in 0i32..300,
    ) {
        let x = &x[..a.len()];
        let ax = tropical_geometry::halfspace::dot(&a, x);
        let b = match mode {
            0 => b,
            1 => ax.clone(),
            _ => ax.clone() + pow2(-k) * if k % 2 == 0 { r(1) } else { r(-1) },
        };
        prop_assert_eq!(side_of_wall(&a, x, &b), side_of_wall_exact(&a, x, &b));
    }

    /// Argmax sets with planted exact ties and near-ties agree with the exact argmax.
    #[test]
    fn argmax_is_exact(
        slopes in prop::collection::vec(prop::collection::vec(arb_rat(), 2), 1..6),
        offsets in prop::collection::vec(arb_rat(), 6),
        x in prop::collection::vec(arb_rat(), 2),
        tie in 0usize..6,
        k in 0i32..200,
    ) {
        let n = slopes.len();
        let mut offsets = offsets[..n].to_vec();
        if n > 1 {
            // make piece `tie % n` equal to piece 0 at x, or below it by 2^-k
            let j = tie % n;
            let v0 = tropical_geometry::halfspace::dot(&slopes[0], &x) + &offsets[0];
            let vj = tropical_geometry::halfspace::dot(&slopes[j], &x);
            offsets[j] = v0 - vj - if k % 3 == 0 { r(0) } else { pow2(-k) };
        }
        let f = MaxAffine::new(slopes, offsets).unwrap();
        prop_assert_eq!(f.argmax(&x), f.argmax_exact(&x));
    }
}

/// A small arrangement with duplicate pieces and ties through the start point.
fn tied_arrangement() -> Vec<MaxAffine<Rat>> {
    vec![
        MaxAffine::new(
            vec![
                vec![r(0), r(0)],
                vec![r(1), r(0)],
                vec![r(0), r(1)],
                vec![r(1), r(0)],
            ],
            vec![r(0), r(0), r(0), r(0)],
        )
        .unwrap(),
        MaxAffine::new(
            vec![
                vec![q(1, 3), q(1, 7)],
                vec![q(-1, 3), q(1, 7)],
                vec![r(0), q(-2, 7)],
            ],
            vec![q(1, 5), q(1, 5), q(1, 5)],
        )
        .unwrap(),
    ]
}

/// The walk with the filter on and off: the same cells, the same interior points, the same order.
#[test]
fn walk_with_and_without_filter_agree() {
    let fns = tied_arrangement();
    for domain in [
        Domain::Whole(2),
        Domain::cube(2, r(-1), r(1)),
        Domain::cube(2, q(-1, 3), q(1, 7)),
    ] {
        let opts = WalkOptions::default();
        let filtered = refinement_cells(&fns, &domain, &opts).unwrap();
        let exact = without_filter(|| refinement_cells(&fns, &domain, &opts).unwrap());
        assert_eq!(filtered, exact);
        assert!(filtered.complete);
    }
}
