//! T7 — dimension caps, explicit N^H constructions, H > d; statement in
//! `proofs_tests::claims::t07_dimension_caps`.

use proofs_tests::claims::t06_multihead::count_cells;
use proofs_tests::claims::t07_dimension_caps::*;
use proofs_tests::config::{config_with_cases, scaled_cases};
use proptest::prelude::*;
use tropical_algebra::Rat;
use tropical_geometry::cells::MaxAffine;

proptest! {
    #![proptest_config(config_with_cases(scaled_cases(1, 2)))]
    /// cells ≤ cells of the bisector arrangement ≤ Σ_{i≤d} C(H·C(N,2), i).
    #[test]
    fn t07_cells_below_zaslavsky_cap(fns in strategy()) {
        check_cap(&fns)?;
    }
}

/// Asserts that `construction(n, h, d)` has exactly `N^H` cells at every `(N, H, d)` of `cases`.
fn assert_attains_n_pow_h(
    cases: &[(usize, usize, usize)],
    construction: fn(usize, usize, usize) -> Vec<MaxAffine<Rat>>,
) {
    for &(n, h, d) in cases {
        let fns = construction(n, h, d);
        assert_eq!(
            count_cells(&fns),
            Ok(n.pow(h as u32)),
            "(N, H, d) = ({n}, {h}, {d})"
        );
    }
}

/// N^H attained with bias when d ≥ H (walk and brute force agree, count = N^H exactly).
#[test]
fn t07_construction_with_bias_attains_n_pow_h() {
    assert_attains_n_pow_h(
        &[
            (2, 1, 1),
            (4, 1, 1),
            (2, 2, 2),
            (3, 2, 2),
            (4, 2, 2),
            (3, 2, 3),
            (2, 3, 3),
        ],
        construction_with_bias,
    );
}

/// N^H attained without bias when d ≥ 2H.
#[test]
fn t07_construction_without_bias_attains_n_pow_h() {
    assert_attains_n_pow_h(
        &[(3, 1, 2), (5, 1, 2), (2, 2, 4), (3, 2, 4)],
        construction_without_bias,
    );
}

/// H > d: the proved bounds are < N^H, and a random search finds no instance reaching N^H.
#[test]
fn t07_n_pow_h_unreachable_when_h_exceeds_d() {
    let budget = scaled_cases(1, 4);
    for (n, h, d) in [
        (2usize, 2usize, 1usize),
        (3, 2, 1),
        (2, 3, 1),
        (2, 3, 2),
        (3, 3, 2),
    ] {
        let target = n.pow(h as u32);
        if let Some(b) = proved_bound_h_gt_d(n, h, d) {
            assert!(
                b < target as u128,
                "proved bound {b} ≥ N^H for ({n},{h},{d})"
            );
        }
        let best = search_h_gt_d(n, h, d, budget).expect("cell count");
        assert!(
            best < target,
            "(N,H,d)=({n},{h},{d}): found {best} = N^H cells"
        );
    }
}

/// Hypothesis: (N, H, d) = (3, 3, 2). Conclusion: hill climbing with the exact walk as objective
/// stays under the planar cap 1 + 3·2 + 3·4 = 19 (derived in the module docs).
#[test]
fn t07_planar_cap_under_hill_climbing() {
    assert_eq!(planar_cap(&[3, 3, 3]), 19);
    assert_eq!(planar_cap(&[2, 2, 2]), 7); // = Zaslavsky's Σ_{i≤2} C(3, i) for N = 2
    assert_eq!(planar_cap(&[3, 3]), 9); // = N^H when H ≤ d
    let (best, fns) = hill_climb(3, 3, 2, 64, 1).expect("walk");
    assert!(best <= 19, "{best} cells: {fns:?}");
    assert_eq!(count_cells(&fns), Ok(best));
}
