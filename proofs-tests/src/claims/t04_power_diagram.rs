//! **T4 — zero-temperature attention is a power diagram** (Su & Liu, arXiv:2604.14727, main
//! equivalence; SPEC §3 T4; proved in `coq/T4_PowerDiagram.v`).
//!
//! *Inputs.* A Setting-A head (`W_Q, b_Q, W_K, b_K`, score scale `σ > 0`) and a fixed context
//! `c_1..c_N` (repeated tokens, low-rank weights, `d_k ≠ d`, zero bias all generated), giving
//! `s_j(x) = ⟨a_j, x⟩ + β_j`, `a_j = σ W_Qᵀ k_j`, `β_j = σ⟨b_Q, k_j⟩`, `k_j = W_K c_j + b_K`.
//! *Conclusion.* With sites `z_j = a_j/2` and weights `w_j = ‖z_j‖² + β_j`,
//! `pow_j(x) = ‖x − z_j‖² − w_j = ‖x‖² − s_j(x)` for every `x`, hence
//! `argmax_j s_j(x) = argmin_j pow_j(x)` **as sets** (ties included). No general position needed.
//!
//! *Checks (exact).* (a) `tropical_attention`'s `score_function` equals an independent computation of
//! `(a_j, β_j)` from the weights; (b) `power_diagram_sites` equals `(a_j/2, ‖a_j/2‖² + β_j)`;
//! (c) at query points — random ones and points projected onto a bisector `{s_i = s_j}` (forced
//! ties) — the identity holds and the argmax set of the scores equals the argmin set of the power
//! distances, computed by independent code; (d) the power diagram computed by
//! `tropical_geometry::power_diagram` from these sites/weights has, at each cell's interior point,
//! `argmin pow = argmax s` = the cell's site class (identical pieces), and its visible sites are
//! exactly the labels of the cells of the max-affine function `max_j s_j` (`refinement_cells`).

use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use tropical_algebra::{Rat, Scalar};

use crate::exact::{argmax_set, argmin_set, dot};
use tropical_geometry::cells::{refinement_cells, Domain, MaxAffine, WalkOptions};

/// SPEC id.
pub const ID: &str = "T4";
/// One-line statement.
pub const STATEMENT: &str = "argmax_j s_j(x) = argmin_j pow_j(x) (sites a_j/2, weights ‖a_j/2‖²+β_j), as sets, ties included";

/// A head, its context, the scale, query points and bisector requests `(x, i, j)`.
#[derive(Debug, Clone)]
pub struct Instance {
    /// The head.
    pub head: tropical_attention::Head<Rat>,
    /// Context `N × d`.
    pub context: tropical_attention::Mat<Rat>,
    /// Score scale σ.
    pub sigma: Rat,
    /// Query points, each with a pair `(i, j)` of keys to tie by projection (if `a_i ≠ a_j`).
    pub queries: Vec<(Vec<Rat>, usize, usize)>,
}

/// Random instances (`d ≤ 3`, `N ≤ 6`), 4 queries each.
pub fn strategy() -> impl Strategy<Value = Instance> {
    crate::strategies::head_with_context(3, 6).prop_flat_map(|(head, context, sigma)| {
        let d = context.cols();
        let n = context.rows();
        let q = (
            prop::collection::vec(crate::strategies::small_rat(5), d),
            0..n,
            0..n,
        );
        (
            Just(head),
            Just(context),
            Just(sigma),
            prop::collection::vec(q, 4),
        )
            .prop_map(|(head, context, sigma, queries)| Instance {
                head,
                context,
                sigma,
                queries,
            })
    })
}

fn fail(m: String) -> TestCaseError {
    TestCaseError::fail(m)
}

/// Exact check of (a)–(c).
pub fn check(inst: &Instance) -> Result<(), TestCaseError> {
    let h = &inst.head;
    let ctx = &inst.context;
    let sigma = &inst.sigma;
    let sf = h
        .score_function(ctx, sigma)
        .map_err(|e| fail(format!("score_function: {e}")))?;
    let (n, d, dk) = (ctx.rows(), ctx.cols(), h.d_k());
    // (a) independent (a_j, β_j).
    let mut a = Vec::with_capacity(n);
    let mut beta = Vec::with_capacity(n);
    for j in 0..n {
        let kj: Vec<Rat> = (0..dk)
            .map(|r| dot(h.w_k.row(r), ctx.row(j)) + &h.b_k[r])
            .collect();
        let aj: Vec<Rat> = (0..d)
            .map(|c| {
                (0..dk)
                    .map(|r| h.w_q.get(r, c).clone() * &kj[r])
                    .sum::<Rat>()
                    * sigma
            })
            .collect();
        beta.push(dot(&h.b_q, &kj) * sigma);
        a.push(aj);
    }
    for j in 0..n {
        if sf.slopes.row(j) != a[j].as_slice() || sf.offsets[j] != beta[j] {
            return Err(fail(format!(
                "score_function row {j} differs from W_Qᵀk_j, ⟨b_Q,k_j⟩"
            )));
        }
    }
    // (b) sites and weights.
    let (sites, weights) = sf.power_diagram_sites();
    let two = Rat::from_i64(2);
    for j in 0..n {
        let z: Vec<Rat> = a[j].iter().map(|x| x.clone() / &two).collect();
        if sites[j] != z || weights[j] != dot(&z, &z) + &beta[j] {
            return Err(fail(format!("power_diagram_sites row {j} wrong")));
        }
    }
    // (c) queries (and their bisector projections).
    for (x0, i, j) in &inst.queries {
        let mut pts = vec![x0.clone()];
        let diff: Vec<Rat> = (0..d).map(|c| a[*i][c].clone() - &a[*j][c]).collect();
        let nn = dot(&diff, &diff);
        if !nn.is_zero() {
            let si = dot(&a[*i], x0) + &beta[*i];
            let sj = dot(&a[*j], x0) + &beta[*j];
            let t = (si - sj) / &nn;
            let x: Vec<Rat> = (0..d)
                .map(|c| x0[c].clone() - t.clone() * &diff[c])
                .collect();
            pts.push(x);
        }
        for x in &pts {
            let s: Vec<Rat> = (0..n).map(|k| dot(&a[k], x) + &beta[k]).collect();
            let xx = dot(x, x);
            let pow: Vec<Rat> = (0..n)
                .map(|k| {
                    let dz: Vec<Rat> = (0..d).map(|c| x[c].clone() - &sites[k][c]).collect();
                    dot(&dz, &dz) - &weights[k]
                })
                .collect();
            for k in 0..n {
                if pow[k] != xx.clone() - &s[k] {
                    return Err(fail(format!("pow_{k}(x) ≠ ‖x‖² − s_{k}(x) at {x:?}")));
                }
            }
            let am = sf.argmax(x).map_err(|e| fail(e.to_string()))?;
            if am != argmax_set(&s) || am != argmin_set(&pow) {
                return Err(fail(format!(
                    "at {x:?}: argmax s = {am:?}, own {:?}, argmin pow = {:?}",
                    argmax_set(&s),
                    argmin_set(&pow)
                )));
            }
        }
    }
    // (d) the power diagram vs the arrangement of the scores.
    let pd = tropical_geometry::power_diagram::power_diagram(&sites, &weights, &Domain::Whole(d))
        .map_err(|e| fail(format!("power_diagram: {e}")))?;
    let f = MaxAffine::new(a.clone(), beta.clone()).map_err(|e| fail(e.to_string()))?;
    let cells = refinement_cells(
        std::slice::from_ref(&f),
        &Domain::Whole(d),
        &WalkOptions::default(),
    )
    .map_err(|e| fail(e.to_string()))?;
    let visible: Vec<usize> = pd.cells.iter().map(|c| c.site).collect();
    let labels: Vec<usize> = cells.cells.iter().map(|c| c.labels[0]).collect();
    if visible != labels {
        return Err(fail(format!(
            "power-diagram sites {visible:?} ≠ score-cell labels {labels:?}"
        )));
    }
    for c in &pd.cells {
        let x = &c.interior_point;
        let pow: Vec<Rat> = (0..n)
            .map(|k| tropical_geometry::power_diagram::power(x, &sites[k], &weights[k]))
            .collect();
        let am = sf.argmax(x).map_err(|e| fail(e.to_string()))?;
        let class: Vec<usize> = (0..n)
            .filter(|&k| a[k] == a[c.site] && beta[k] == beta[c.site])
            .collect();
        if am != argmin_set(&pow) || am != class {
            return Err(fail(format!(
                "power cell of site {} at {x:?}: argmax s {am:?}, argmin pow {:?}, class {class:?}",
                c.site,
                argmin_set(&pow)
            )));
        }
    }
    Ok(())
}

/// Run on `cases` instances.
pub fn run(cases: u32) -> Result<(), crate::config::Failure<Instance>> {
    crate::config::run_property(&strategy(), cases, check)
}
