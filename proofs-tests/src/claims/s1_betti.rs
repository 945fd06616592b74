//! **S1 — seed claim "the tropical limit preserves Betti numbers of the thresholded attention
//! graph"** (seed `001`, Theorems 1 and 4; SPEC §3 S1). **False**; the test finds a counterexample.
//!
//! *The claim as stated in the seed.* Attention matrix `A` (rows = queries, `n` tokens); graph with
//! an edge between tokens `i ≠ j` when `A[i,j] > ε` (undirected: `A[i,j] > ε` or `A[j,i] > ε`;
//! self-attention `A[i,i]` gives no edge). Claim: `b_k(G_ε(softmax_τ(S))) = b_k(G_ε(lim_{τ→0}
//! softmax_τ(S)))` for `k = 0, 1`.
//!
//! *Exact form.* Row `i` of `softmax_τ(S)` is `z_i/Σz_i` with `z_ij = exp(S_ij/τ) > 0`; every positive
//! rational row arises (`S = τ log z`). The tropical limit (T3) of row `i` is the uniform
//! distribution on `argmax_j z_ij`. So the instance is a positive rational matrix `z` and a
//! threshold `ε ∈ (0,1)`; every comparison is exact. Betti numbers are computed two ways
//! ([`crate::graph::betti_numbers`]).
//!
//! *Why it fails.* At finite temperature every entry is positive, so for small `ε` the graph is
//! dense; in the limit each row keeps only its argmax. E.g. `S = [[1,0],[0,1]]`, `τ = 1`: off-diagonal
//! weight `1/(1+e) ≈ 0.27 > ε = 0.1` gives an edge (`b0 = 1`), the limit attends only to itself
//! (`b0 = 2`).

use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use tropical_algebra::{Rat, Scalar};

use crate::graph::{betti_numbers, SimpleGraph};

/// SPEC id.
pub const ID: &str = "S1";
/// One-line statement.
pub const STATEMENT: &str =
    "Seed: the tropical limit preserves Betti numbers of the thresholded attention graph";

/// Instance: weights `z_ij = exp(S_ij/τ)` (positive) and threshold `ε`.
#[derive(Debug, Clone)]
pub struct Instance {
    /// Positive weights, `n × n`.
    pub z: Vec<Vec<Rat>>,
    /// Threshold `ε ∈ (0,1)`.
    pub eps: Rat,
}

/// `n ∈ 2..=5`, integer weights `1..=6` (ties frequent), `ε = k/10`.
pub fn strategy() -> impl Strategy<Value = Instance> {
    (2usize..=5, 1i64..=9)
        .prop_flat_map(|(n, k)| {
            (
                prop::collection::vec(prop::collection::vec(1i64..=6, n), n),
                Just(k),
            )
        })
        .prop_map(|(z, k)| Instance {
            z: z.into_iter()
                .map(|r| r.into_iter().map(Rat::from_i64).collect())
                .collect(),
            eps: Rat::from_ratio(k, 10).expect("ok"),
        })
}

/// Row-normalised `z` (= `softmax_τ(S)`).
pub fn smooth(z: &[Vec<Rat>]) -> Vec<Vec<Rat>> {
    z.iter()
        .map(|r| {
            let t: Rat = r.iter().cloned().sum();
            r.iter().map(|x| x.clone() / &t).collect()
        })
        .collect()
}

/// Uniform on each row's argmax (= `lim_{τ→0} softmax_τ(S)`).
pub fn tropical(z: &[Vec<Rat>]) -> Vec<Vec<Rat>> {
    z.iter()
        .map(|r| {
            let a = crate::exact::argmax_set(r);
            let w = Rat::from_ratio(1, a.len() as i64).expect("non-empty");
            (0..r.len())
                .map(|j| {
                    if a.contains(&j) {
                        w.clone()
                    } else {
                        Rat::zero()
                    }
                })
                .collect()
        })
        .collect()
}

/// Thresholded graph `G_ε(A)`.
pub fn threshold_graph(a: &[Vec<Rat>], eps: &Rat) -> SimpleGraph {
    let n = a.len();
    let mut edges = Vec::new();
    for i in 0..n {
        for j in 0..n {
            if i != j && (a[i][j] > *eps || a[j][i] > *eps) {
                edges.push((i, j));
            }
        }
    }
    SimpleGraph::new(n, edges)
}

/// The seed's claim on one instance: equal `(b0, b1)`.
pub fn claim(inst: &Instance) -> Result<(), TestCaseError> {
    let bs = betti_numbers(&threshold_graph(&smooth(&inst.z), &inst.eps));
    let bt = betti_numbers(&threshold_graph(&tropical(&inst.z), &inst.eps));
    if bs == bt {
        Ok(())
    } else {
        Err(TestCaseError::fail(format!(
            "Betti numbers (b0, b1): finite temperature {bs:?}, tropical limit {bt:?}"
        )))
    }
}

/// A stable, human-readable description of a counterexample (for the snapshot and the report).
pub fn describe(inst: &Instance) -> String {
    let s = smooth(&inst.z);
    let t = tropical(&inst.z);
    let gs = threshold_graph(&s, &inst.eps);
    let gt = threshold_graph(&t, &inst.eps);
    format!(
        "weights z = exp(S/τ) (e.g. S = log z at τ = 1): {:?}\nthreshold ε = {}\nsoftmax_τ(S) = {:?}\nlimit τ→0 = {:?}\nfinite-τ graph edges {:?}: (b0, b1) = {:?}\nlimit graph edges {:?}: (b0, b1) = {:?}",
        inst.z,
        inst.eps,
        s,
        t,
        gs.edges,
        betti_numbers(&gs),
        gt.edges,
        betti_numbers(&gt)
    )
}

/// Search (deterministic) and shrink.
pub fn search(cases: u32) -> Option<crate::config::Failure<Instance>> {
    crate::config::find_counterexample(&strategy(), cases, claim)
}
