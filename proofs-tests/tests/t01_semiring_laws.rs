//! T1 — tropical semiring laws; statement in `proofs_tests::claims::t01_semiring`.

use proofs_tests::claims::t01_semiring::{check, check_boolean, element};
use proofs_tests::config::cases;
use proofs_tests::config::config_with_cases;
use proptest::prelude::*;

proptest! {
    #![proptest_config(config_with_cases(cases() * 4))]
    /// Max-plus and min-plus (±∞ frequent, ties frequent): all laws, reference semantics, mirror.
    #[test]
    fn t01_semiring_laws_maxplus_minplus(t in (element(), element(), element())) {
        check(&t)?;
    }
}

/// Boolean semiring, all 8 triples.
#[test]
fn t01_semiring_laws_boolean() {
    check_boolean().unwrap();
}
