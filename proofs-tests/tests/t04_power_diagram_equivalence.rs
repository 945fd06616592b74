//! T4 — zero-temperature attention = power diagram; statement in
//! `proofs_tests::claims::t04_power_diagram`.

use proofs_tests::claims::t04_power_diagram::{check, strategy};
use proofs_tests::config::proptest_config;
use proptest::prelude::*;

proptest! {
    #![proptest_config(proptest_config())]
    /// For every head/context (ties, repeated keys, low rank, d_k ≠ d) and query x (incl. bisector
    /// points): pow_j(x) = ‖x‖² − s_j(x) and argmax s = argmin pow as sets.
    #[test]
    fn t04_argmax_scores_equals_argmin_power(inst in strategy()) {
        check(&inst)?;
    }
}
