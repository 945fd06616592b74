//! T16 — top-k routing regions; statement in `proofs_tests::claims::t16_topk_routing`.

use proofs_tests::claims::t16_topk_routing::*;
use proofs_tests::config::{config_with_cases, scaled_cases};
use proofs_tests::exact::binomial;
use proptest::prelude::*;

proptest! {
    #![proptest_config(config_with_cases(scaled_cases(1, 2)))]
    /// Hypothesis: H ≤ 2 heads on Q^d (d ≤ 3), N_h ≤ 5 keys (repeats, ties, zero bias), 1 ≤ k ≤ min N_h.
    /// Conclusion: regions of constant top-k sets by definition (LP per subset tuple) = cells of the
    /// tropical e_k's (walk, interior points re-labelled) = upper vertices of the Minkowski sum of
    /// the lifted k-sums (two ways), and ≤ Π_h C(N_h, k).
    #[test]
    fn t16_topk_regions_three_ways(inst in strategy()) {
        check(&inst)?;
    }
}

/// Hypothesis: the construction of the module docs, d = N − 2 (with bias N ≥ 3, without N ≥ 4).
/// Conclusion: exactly C(N, k) top-k regions, every k-subset occurs.
#[test]
fn t16_construction_attains_binomial() {
    let built = check_constructions().expect("all constructions attain C(N, k)");
    // with bias: N = 3..=6, k = 1..N−1 (14 cases); without: N = 4..=6, k = 1..N−1 (12)
    assert_eq!(built.iter().filter(|b| b.2).count(), 14);
    assert_eq!(built.iter().filter(|b| !b.2).count(), 12);
    for (n, k, _, c) in built {
        assert_eq!(c as u128, binomial(n as u64, k as u64));
    }
}

/// Hypothesis: d = 1, random heads. Conclusion: at most k(N − k) + 1 regions (derived cap), and
/// the cap is below C(N, k) for 2 ≤ k ≤ N − 2, so such (N, k) need d ≥ 2.
#[test]
fn t16_line_cap() {
    for (n, k) in [(4, 2), (5, 2), (5, 3), (6, 3)] {
        let best = search(n, k, 1, true, 64).expect("search runs");
        assert!(best <= line_bound(n, k), "(N, k) = ({n}, {k}): {best}");
        assert!((line_bound(n, k) as u128) < binomial(n as u64, k as u64));
    }
    // k = 1: the line already has N regions (SPEC T7's construction, j·x − j²/2).
    assert_eq!(line_bound(5, 1), 5);
}

/// Hypothesis: planar sites in general position, a_j = 2 z_j, β_j = −‖z_j‖² (order-k Voronoi).
/// Conclusion: the walk's count equals Lee's F_k = 2kN − k² − N + 1 − Σ_{i<k} u_i for every k,
/// with u_i (the i-sets) counted by one LP per subset.
#[test]
fn t16_order_k_voronoi_matches_lee() {
    // convex position (no four cocircular): u_i = N, so F_k = k(N − k) + 1
    let convex = [(0, 0), (5, 0), (7, 3), (4, 7), (-1, 4)];
    let counts = check_lee(&convex).expect("Lee's formula");
    for (k, c) in counts {
        assert_eq!(c, k * (5 - k) + 1, "k = {k}");
    }
    // one site inside a triangle: order-2 regions 3N − 3 − h = 6 = C(4, 2)
    let inner = [(0, 0), (9, 1), (2, 8), (3, 3)];
    let counts = check_lee(&inner).expect("Lee's formula");
    assert_eq!(counts, vec![(1, 4), (2, 6), (3, 3)]);
    for (n, seed) in [(5usize, 11u64), (6, 12), (7, 13)] {
        check_lee(&random_sites(n, seed)).expect("Lee's formula on random sites");
    }
}

/// Degenerate inputs: k = N (one region), repeated keys (tied sets named canonically), k out of
/// range is an error, not a panic.
#[test]
fn t16_degenerate() {
    use tropical_algebra::{Rat, Scalar};
    use tropical_geometry::cells::MaxAffine;
    let r = Rat::from_i64;
    let f = MaxAffine::new(
        vec![vec![r(0)], vec![r(1)], vec![r(1)], vec![r(2)]],
        vec![r(0), r(0), r(0), r(-1)],
    )
    .unwrap();
    let one = Instance {
        heads: vec![f.clone()],
        k: 4,
    };
    assert_eq!(count_regions(&one), Ok(1));
    // keys 1 and 2 are identical: top-1 regions are {0}, {1 ≡ 2}, {3}
    let dup = Instance {
        heads: vec![f.clone()],
        k: 1,
    };
    assert_eq!(count_regions(&dup), Ok(3));
    let two = Instance {
        heads: vec![f],
        k: 2,
    };
    assert!(count_regions(&two).unwrap() <= 6);
    let sf = score_function(&MaxAffine::new(vec![vec![r(0)]], vec![r(0)]).unwrap());
    let err = tropical_attention::topk_regions::topk_hull_count(&[sf], 2).unwrap_err();
    assert!(err.to_string().contains("1 ≤ k ≤ N"), "{err}");
}
