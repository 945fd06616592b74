//! SPEC T4: zero-temperature equivalence `argmax_j s_j(x) = argmin_j pow_j(x)` for the power diagram
//! with sites `z_j = a_j/2` and weights `w_j = ‖z_j‖² + β_j`, as sets, ties included.

mod common;

use common::*;
use proptest::prelude::*;
use std::collections::BTreeSet;
use tropical_algebra::{Rat, Scalar};

use tropical_attention::regions;
use tropical_attention::{Head, Mat};
use tropical_geometry::cells::Domain;
use tropical_geometry::polyhedron::upper_hull;

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
    #![proptest_config(ProptestConfig::with_cases(32))]
    /// Hypothesis: a random head over 5 context tokens in R^2 (duplicates and degenerate positions
    /// common).
    /// Conclusion (T5): the keys with a nonempty power-diagram cell (geometry crate's walk) are
    /// exactly the keys whose lifted point (a_j, β_j) is a vertex of the upper hull (geometry
    /// crate's double description), up to duplicate keys; their number is the Minkowski count
    /// for one summand.
    #[test]
    fn nonempty_cells_are_upper_hull_vertices(w in ints(40, 2)) {
        let l = layer(2, 1, &w);
        let sf = l.heads[0].score_function(&mat(5, 2, &w[3..]), &r(1)).unwrap();
        let pd = regions::head_power_diagram(&sf, &Domain::Whole(2)).unwrap();
        let pts = sf.lifted_points();
        let rep = |j: usize| pts.iter().position(|p| *p == pts[j]).unwrap();
        let a: BTreeSet<usize> = (0..pts.len()).filter(|&j| pd.cell_of_site[j].is_some()).map(rep).collect();
        let b: BTreeSet<usize> = upper_hull(&pts).unwrap().into_iter().map(rep).collect();
        prop_assert_eq!(&a, &b);
        prop_assert_eq!(pd.cells.len(), b.len());
        prop_assert_eq!(regions::minkowski_cell_count(std::slice::from_ref(&sf)).unwrap(), b.len());
    }
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
