//! T14 — Setting B is not polyhedral; statement in `proofs_tests::claims::t14_setting_b_quadric`.

use proofs_tests::claims::t14_setting_b_quadric::{certify_explicit, check_identity, strategy};
use proofs_tests::config::proptest_config;
use proptest::prelude::*;

/// The explicit instance: non-degenerate conic wall (exact determinant), infinitely many rational wall
/// points, no three collinear, wall separates the two cells.
#[test]
fn t14_explicit_instance_has_nondegenerate_quadric_wall() {
    let cert = certify_explicit().unwrap_or_else(|e| panic!("T14 certificate failed: {e}"));
    insta::assert_snapshot!("t14_certificate", cert);
}

proptest! {
    #![proptest_config(proptest_config())]
    /// score_self(x) − score_1(x) = xᵀ(σW_QᵀW_K)x − (σW_QᵀW_K c_1)ᵀx, for all weights (low rank included).
    #[test]
    fn t14_wall_is_the_quadric_of_the_scores(inst in strategy()) {
        check_identity(&inst)?;
    }
}
