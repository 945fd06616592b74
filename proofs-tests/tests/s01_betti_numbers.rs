//! S1 — the seed's "Betti numbers are preserved by the tropical limit" is false: search, shrink,
//! snapshot. Statement in `proofs_tests::claims::s1_betti`.

use proofs_tests::claims::s1_betti::{claim, describe, search};
use proofs_tests::config::cases;

#[test]
fn s01_counterexample_found_and_minimal() {
    let found = search(cases().max(64))
        .expect("S1: no counterexample found — the claim held on every case");
    let (inst, msg) = *found;
    // The shrunk instance must itself violate the claim.
    assert!(
        claim(&inst).is_err(),
        "shrunk instance does not violate the claim"
    );
    insta::assert_snapshot!(
        "s01_minimal_counterexample",
        format!("{msg}\n{}", describe(&inst))
    );
}
