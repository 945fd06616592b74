//! T10 — Newton polytope calculus; statement in `proofs_tests::claims::t10_newton`.

use proofs_tests::claims::t10_newton::{check, strategy};
use proofs_tests::config::proptest_config;
use proptest::prelude::*;

proptest! {
    #![proptest_config(proptest_config())]
    /// P(f⊙g) = P(f)+P(g); P(f⊕g) = conv(P(f)∪P(g)); cells of f = upper vertices of lifted points.
    #[test]
    fn t10_newton_polytope_calculus(inst in strategy()) {
        check(&inst)?;
    }
}
