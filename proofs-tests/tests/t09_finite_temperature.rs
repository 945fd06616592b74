//! T9 — finite-temperature bounds; statement in `proofs_tests::claims::t09_finite_temperature`.

use proofs_tests::claims::t09_finite_temperature::{check, strategy};
use proofs_tests::config::proptest_config;
use proptest::prelude::*;

proptest! {
    #![proptest_config(proptest_config())]
    /// Hypothesis: N ≥ 2, unique maximiser (z_{i*} > z_j), τ > 0. Conclusion: bounds (1)–(4), exact.
    #[test]
    fn t09_finite_temperature_bounds_rational_form(inst in strategy()) {
        check(&inst)?;
    }
}
