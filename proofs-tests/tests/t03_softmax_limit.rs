//! T3 — zero-temperature limit of softmax; statement in `proofs_tests::claims::t03_softmax_limit`.

use proofs_tests::claims::t03_softmax_limit::{check, strategy};
use proofs_tests::config::proptest_config;
use proptest::prelude::*;

proptest! {
    #![proptest_config(proptest_config())]
    /// Along τ = 1/m: equal argmax weights, outside mass ≤ (N−k)ρ̄^m/k and non-increasing, < 1/1000 at m₀.
    #[test]
    fn t03_softmax_converges_to_uniform_on_argmax(inst in strategy()) {
        check(&inst)?;
    }
}

proptest! {
    #![proptest_config(proofs_tests::config::config_with_cases(proofs_tests::config::scaled_cases(1, 2)))]
    /// Certified softmax enclosures along τ = 2^-m are consistent with the limit and its rate.
    #[test]
    fn t03_softmax_limit_certified_enclosures(s in proofs_tests::claims::t03_softmax_limit::strategy_enclosure()) {
        proofs_tests::claims::t03_softmax_limit::check_enclosure(&s)?;
    }
}
