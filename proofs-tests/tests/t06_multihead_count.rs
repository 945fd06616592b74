//! T6 — multi-head cells; statement in `proofs_tests::claims::t06_multihead`.

use proofs_tests::claims::t06_multihead::{check, strategy};
use proofs_tests::config::{config_with_cases, scaled_cases};
use proptest::prelude::*;

proptest! {
    #![proptest_config(config_with_cases(scaled_cases(1, 2)))]
    /// Walk = brute force = direct relabelling; count ≤ Π n_h ≤ N^H.
    #[test]
    fn t06_refinement_cells_two_ways_and_bound(fns in strategy()) {
        check(&fns)?;
    }
}
