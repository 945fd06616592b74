//! T8 — depth upper bound; statement in `proofs_tests::claims::t08_depth`.

use proofs_tests::claims::t08_depth::{
    check, check_construction, check_moment_construction, check_one_dimensional,
    one_dimensional_strategy, strategy, CONSTRUCTION_SIZES, MOMENT_SIZES,
};
use proofs_tests::config::{config_with_cases, scaled_cases};
use proptest::prelude::*;

proptest! {
    #![proptest_config(config_with_cases(scaled_cases(1, 4)))]
    /// 2-layer residual stacks: walk = brute force over per-layer cell pairs ≤ Π per-layer cells.
    #[test]
    fn t08_stack_cells_below_product_of_layer_cells(inst in strategy()) {
        check(&inst)?;
    }

    /// d_model = 1, N ≤ 6, H ≤ 2, L ≤ 3: every head's lifted points are collinear, each layer
    /// has ≤ 2^H cells and the stack ≤ 2^(H·L), whatever N (statement in
    /// `proofs_tests::claims::t08_depth::check_one_dimensional`).
    #[test]
    fn t08_one_dimensional_stacks_have_at_most_two_cells_per_head(inst in one_dimensional_strategy()) {
        check_one_dimensional(&inst)?;
    }
}

/// The lower-bound construction (`proofs_tests::claims::t08_depth::separable_construction`).
/// Hypothesis: `m` heads per layer on `Q^{m+2}`, `N` context tokens, `L` layers, as built there.
/// Conclusion: the stack has exactly `N^{m·L}` cells, which is the product bound. The walk
/// counts them at every size of `CONSTRUCTION_SIZES`, and for `L = 2` the brute force over pairs
/// of layer cells agrees.
#[test]
fn t08_separable_construction_attains_n_to_the_m_l() {
    let counts = check_construction().unwrap();
    assert_eq!(counts.len(), CONSTRUCTION_SIZES.len());
}

/// The moment-curve construction (`proofs_tests::claims::t08_depth::moment_curve_construction`).
/// Hypothesis: `d ≥ 2`, `d` heads per layer on `Q^d`, `N` context tokens on a translated moment
/// curve, `L` layers, as built there (the context passes through the layers). Conclusion: every
/// layer has exactly `N^d` cells on its own context and the stack exactly `N^{d·L}`, the product
/// bound: Su–Liu's exponent `d·L` is attained. Counted by the walk at every size of
/// `MOMENT_SIZES` (d = 2 and 3), and for `L = 2` by the brute force over pairs of layer cells.
#[test]
fn t08_moment_curve_construction_attains_n_to_the_d_l() {
    let counts = check_moment_construction(&MOMENT_SIZES).unwrap();
    let got: Vec<usize> = counts.iter().map(|&(_, c)| c).collect();
    let want: Vec<usize> = MOMENT_SIZES
        .iter()
        .map(|&(n, d, l)| n.pow((d * l) as u32))
        .collect();
    assert_eq!(got, want);
}
