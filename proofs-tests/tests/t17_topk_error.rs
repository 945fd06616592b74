//! T17 — top-k attention at finite temperature; statement in
//! `proofs_tests::claims::t17_topk_error`.

use proofs_tests::claims::t17_topk_error::{check, check_set, strategy, topk_set};
use proofs_tests::config::proptest_config;
use proptest::prelude::*;
use tropical_algebra::{Rat, Scalar};

proptest! {
    #![proptest_config(proptest_config())]
    /// Hypothesis: z ∈ Q_{>0}^N (z_j = exp(s_j/τ)), kept set S ≠ ∅ (the kernel's top-k set, and a
    /// second arbitrary non-empty set). Conclusion: o_topk − o = m·o_topk − D = m·(o_topk − ō_dropped),
    /// ‖o_topk − o‖ ≤ m·max‖v_i − v_j‖ ≤ 2m·max‖v_j‖ (∞, 1, 2 norms), exact.
    #[test]
    fn t17_topk_error_identity_and_bounds(inst in strategy()) {
        check(&inst)?;
    }
}

/// Hypothesis: N = 2, S = {0}. Conclusion: equality in the m·diameter bound, with the values
/// computed by hand: p = (3/4, 1/4), o = (3/4)·2 + (1/4)·(−2) = 1, o_topk = 2, m = 1/4,
/// diameter 4, so ‖o_topk − o‖ = 1 = m·diameter.
#[test]
fn t17_two_keys_equality_case() {
    let r = Rat::from_i64;
    let z = vec![r(3), r(1)];
    let v = vec![vec![r(2)], vec![r(-2)]];
    assert_eq!(topk_set(&z, 1), vec![true, false]);
    check_set(&z, &v, &[true, false]).expect("bound holds with equality");
    // The bound with the wrong constant (m/2 instead of m) is violated here: 1 > (1/4)(4)/2.
    let m = Rat::from_ratio(1, 4).unwrap();
    let lhs = r(1);
    assert!(lhs > m * r(4) / r(2));
}

/// Ties at the k-th score: the kernel keeps the smaller index, and the bounds hold either way.
#[test]
fn t17_tie_at_kth_position() {
    let r = Rat::from_i64;
    let z = vec![r(2), r(1), r(2), r(2)];
    assert_eq!(topk_set(&z, 2), vec![true, false, true, false]);
    let v = vec![
        vec![r(1), r(0)],
        vec![r(0), r(5)],
        vec![r(-1), r(2)],
        vec![r(3), r(3)],
    ];
    check_set(&z, &v, &topk_set(&z, 2)).expect("tie at the k-th weight");
    check_set(&z, &v, &[true, false, false, true]).expect("the other tied choice");
    check_set(&z, &v, &topk_set(&z, 4)).expect("k = N: m = 0, no error");
}
