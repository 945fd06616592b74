//! T8 — depth upper bound; statement in `proofs_tests::claims::t08_depth`.

use proofs_tests::claims::t08_depth::{check, strategy};
use proofs_tests::config::{config_with_cases, scaled_cases};
use proptest::prelude::*;

proptest! {
    #![proptest_config(config_with_cases(scaled_cases(1, 4)))]
    /// 2-layer residual stacks: walk = brute force over per-layer cell pairs ≤ Π per-layer cells.
    #[test]
    fn t08_stack_cells_below_product_of_layer_cells(inst in strategy()) {
        check(&inst)?;
    }
}
