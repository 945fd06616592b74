//! T5 — single head cells ↔ upper-hull vertices; statement in `proofs_tests::claims::t05_single_head`.

use proofs_tests::claims::t05_single_head::{check, strategy};
use proofs_tests::config::proptest_config;
use proptest::prelude::*;

proptest! {
    #![proptest_config(proptest_config())]
    /// ≤ N cells; walk labels = upper-hull vertices (primal LP); no bias ⇒ vertices of conv{a_j}.
    #[test]
    fn t05_cells_are_upper_hull_vertices(f in strategy()) {
        check(&f)?;
    }
}
