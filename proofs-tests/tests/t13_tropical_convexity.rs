//! T13 — tropical convexity; statement in `proofs_tests::claims::t13_tropical_convexity`.

use proofs_tests::claims::t13_tropical_convexity::*;
use proofs_tests::config::{proptest_config, scaled_cases};
use proptest::prelude::*;

proptest! {
    #![proptest_config(proptest_config())]
    /// π ≥ id, idempotent; π(x) = x ⇔ type criterion; combinations are members.
    #[test]
    fn t13_projection_and_membership(inst in strategy()) {
        check(&inst)?;
    }
}

/// Generic region count C(r+n−1, n−1): never exceeded, attained on random integer configurations.
#[test]
fn t13_generic_region_count_formula_checked_by_brute_force() {
    for (r, n) in [(1usize, 3usize), (2, 3), (3, 3), (3, 2)] {
        let best = max_regions(r, n, scaled_cases(1, 8).max(8)).unwrap();
        assert_eq!(best as u128, region_formula(r, n), "(r, n) = ({r}, {n})");
    }
}
