//! T2 — LSE sandwich; statement in `proofs_tests::claims::t02_lse_sandwich`.

use proofs_tests::claims::t02_lse_sandwich::{check_rational, strategy_rational};
use proofs_tests::config::proptest_config;
use proptest::prelude::*;

proptest! {
    #![proptest_config(proptest_config())]
    /// Rational form: z = exp(s/τ) > 0, k = |argmax|: k ≤ Σz/max z ≤ N (equalities characterised).
    #[test]
    fn t02_lse_sandwich_rational_form(z in strategy_rational()) {
        check_rational(&z)?;
    }
}

proptest! {
    #![proptest_config(proptest_config())]
    /// Certified enclosures (`tropical_algebra::enclosure::lse_enclosure`) meet the sandwich range.
    #[test]
    fn t02_lse_sandwich_certified_enclosures(inst in proofs_tests::claims::t02_lse_sandwich::strategy_enclosure()) {
        proofs_tests::claims::t02_lse_sandwich::check_enclosure(&inst)?;
    }
}
