//! T11 — ReLU nets as tropical rational maps; statement in `proofs_tests::claims::t11_relu_tropical`.

use proofs_tests::claims::t11_relu_tropical::{check, strategy};
use proofs_tests::config::{config_with_cases, scaled_cases};
use proptest::prelude::*;

proptest! {
    #![proptest_config(config_with_cases(scaled_cases(1, 2)))]
    /// F − G = direct = compiled PlMap evaluation (exact); walk = brute-force cells ≤ ZNL bound.
    #[test]
    fn t11_relu_net_is_f_minus_g_and_region_bound(inst in strategy()) {
        check(&inst)?;
    }
}
