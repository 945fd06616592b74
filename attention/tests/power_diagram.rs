//! SPEC T4: zero-temperature equivalence `argmax_j s_j(x) = argmin_j pow_j(x)` for the power diagram
//! with sites `z_j = a_j/2` and weights `w_j = ‖z_j‖² + β_j`, as sets, ties included.

mod common;

use common::*;
use proptest::prelude::*;
use tropical_algebra::{Rat, Scalar};
use tropical_attention::{Head, Mat};

/// `argmin_j ‖x − z_j‖² − w_j` computed directly from the sites and weights (independent of the
/// score evaluation).
fn argmin_power(sites: &[Vec<Rat>], weights: &[Rat], x: &[Rat]) -> Vec<usize> {
    let pow: Vec<Rat> = sites
        .iter()
        .zip(weights)
        .map(|(z, w)| {
            z.iter()
                .zip(x)
                .map(|(a, b)| (b.clone() - a) * &(b.clone() - a))
                .sum::<Rat>()
                - w
        })
        .collect();
    let min = pow.iter().min().unwrap().clone();
    (0..pow.len()).filter(|&j| pow[j] == min).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]
    /// Hypothesis: a random head (integer weights in [-2, 2], so duplicate keys and ties are
    /// common), a context of 5 tokens, score scale σ ∈ {1, 1/2, 3}, a query with half-integer
    /// coordinates in [-3, 3] (ties between scores happen often at such points).
    /// Conclusion: the argmax set of the scores equals the argmin set of the power functions.
    #[test]
    fn argmax_scores_is_argmin_power(w in ints(40, 2), x in ints(3, 6), s in 0usize..3) {
        let sigma = [Rat::one(), Rat::from_ratio(1, 2).unwrap(), r(3)][s].clone();
        let l = layer(3, 1, &w);
        let ctx = mat(5, 3, &w[3..]);
        let sf = l.heads[0].score_function(&ctx, &sigma).unwrap();
        let x: Vec<Rat> = x.iter().map(|&v| Rat::from_ratio(v, 2).unwrap()).collect();
        let (sites, weights) = sf.power_diagram_sites();
        prop_assert_eq!(sf.argmax(&x).unwrap(), argmin_power(&sites, &weights, &x));
    }
}

/// With `W_Q = W_K = W_V = I` and no biases, `s_j(x) = ⟨x, c_j⟩`, so at the origin every score is 0:
/// the full set ties on both sides.
#[test]
fn full_tie_at_origin() {
    let id = || Mat::<Rat>::identity(2);
    let z = || vec![r(0), r(0)];
    let head = Head::new(id(), z(), id(), z(), id(), z()).unwrap();
    let ctx = mat(3, 2, &[1, 0, 0, 1, -1, -1]);
    let sf = head.score_function(&ctx, &r(1)).unwrap();
    let x = z();
    let (sites, weights) = sf.power_diagram_sites();
    assert_eq!(sf.argmax(&x).unwrap(), vec![0, 1, 2]);
    assert_eq!(argmin_power(&sites, &weights, &x), vec![0, 1, 2]);
}
