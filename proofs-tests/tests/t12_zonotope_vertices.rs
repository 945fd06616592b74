//! T12 — Gritzmann–Sturmfels for zonotopes; statement in `proofs_tests::claims::t12_zonotope`.

use proofs_tests::claims::t12_zonotope::{check, strategy};
use proofs_tests::config::proptest_config;
use proptest::prelude::*;

proptest! {
    #![proptest_config(proptest_config())]
    /// vertices (double description) = central-arrangement regions (walk) ≤ 2Σ_{j<D}C(m−1,j), = if generic.
    #[test]
    fn t12_zonotope_vertices_bound_and_generic_equality(gens in strategy()) {
        check(&gens)?;
    }
}
