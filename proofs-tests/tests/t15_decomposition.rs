//! T15 — decomposition; statement in `proofs_tests::claims::t15_decomposition`.

use proofs_tests::claims::t15_decomposition::{check, strategy};
use proofs_tests::config::{config_with_cases, scaled_cases};
use proptest::prelude::*;

proptest! {
    #![proptest_config(config_with_cases(scaled_cases(1, 2)))]
    /// Onto stacked query maps: product = Π of per-head walks = walk = brute force; otherwise the
    /// failure is detected and the walk (= brute force) is used.
    #[test]
    fn t15_product_formula_when_onto_walk_otherwise(inst in strategy()) {
        check(&inst)?;
    }
}
