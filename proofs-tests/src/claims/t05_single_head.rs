//! **T5 — single head: ≤ N cells; cell j nonempty ⇔ (a_j, β_j) is an upper-hull vertex; without bias
//! the cells are the normal fan of conv{a_j}** (Su & Liu, arXiv:2604.14727; standard regular
//! subdivision duality; SPEC §3 T5).
//!
//! *Inputs.* `f(x) = max_j ⟨a_j, x⟩ + β_j` on `Q^d`, `N` pieces; identical pieces (repeated keys) count
//! once (canonical representative = smallest index), hidden keys and zero bias are generated.
//! *Conclusion.* (i) `#cells ≤ N` (distinct pieces); (ii) the cell of `j` is nonempty iff `p_j =
//! (a_j, β_j)` is a vertex of the *upper* hull of `{p_i}`; (iii) if all `β_j = 0`, iff `a_j` is a vertex
//! of `conv{a_i}` (normal fan).
//!
//! *Three ways.* Cells by the output-sensitive walk (`refinement_cells`); upper vertices by
//! `tropical_geometry::polyhedron::upper_hull` (double description) and by a different
//! LP (primal, derived): `p_j` is **not** an upper vertex iff `∃ λ ≥ 0, Σλ = 1` over the other distinct
//! points with `Σ λ_i a_i = a_j` and `Σ λ_i β_i ≥ β_j` (`p_j` lies in `conv(others) − R_{≥0}e_{d+1}`); the
//! cell LP is its Farkas dual, so agreement is a real cross-check of the walk and of the LP solver.

use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use tropical_algebra::{Rat, Scalar};
use tropical_geometry::cells::{refinement_cells, Domain, MaxAffine, WalkOptions};
use tropical_geometry::lp::{solve, LinearProgram, LpOutcome, Relation, Sense};

/// SPEC id.
pub const ID: &str = "T5";
/// One-line statement.
pub const STATEMENT: &str = "Single head: ≤ N cells; cell j nonempty ⇔ (a_j, β_j) upper-hull vertex; no bias ⇒ normal fan of conv{a_j}";

/// Random single heads, `d ≤ 3`, `N ≤ 7`.
pub fn strategy() -> impl Strategy<Value = MaxAffine<Rat>> {
    crate::strategies::heads(3, 1, 7).prop_map(|mut v| v.remove(0))
}

/// Is point `j` a vertex of the upper hull of `points` (last coordinate = height)? If `upper` is
/// false, the plain convex-hull vertex test (height ignored). Points equal to `points[j]` are ignored.
pub fn is_upper_vertex(points: &[Vec<Rat>], j: usize, upper: bool) -> Result<bool, String> {
    let others: Vec<&Vec<Rat>> = points.iter().filter(|p| **p != points[j]).collect();
    if others.is_empty() {
        return Ok(true);
    }
    let m = others.len();
    let dd = points[j].len() - 1;
    let mut lp = LinearProgram::new(m, Sense::Minimize, vec![Rat::zero(); m]);
    for i in 0..m {
        let mut e = vec![Rat::zero(); m];
        e[i] = Rat::one();
        lp.add(e, Relation::Ge, Rat::zero());
    }
    lp.add(vec![Rat::one(); m], Relation::Eq, Rat::one());
    for c in 0..dd {
        lp.add(
            others.iter().map(|p| p[c].clone()).collect(),
            Relation::Eq,
            points[j][c].clone(),
        );
    }
    if upper {
        lp.add(
            others.iter().map(|p| p[dd].clone()).collect(),
            Relation::Ge,
            points[j][dd].clone(),
        );
    }
    match solve(&lp).map_err(|e| e.to_string())? {
        LpOutcome::Infeasible { .. } => Ok(true),
        LpOutcome::Optimal { .. } => Ok(false),
        LpOutcome::Unbounded { .. } => Err("feasibility LP unbounded (impossible)".into()),
    }
}

/// The check.
pub fn check(f: &MaxAffine<Rat>) -> Result<(), TestCaseError> {
    let fail = TestCaseError::fail;
    let cells = refinement_cells(
        std::slice::from_ref(f),
        &Domain::Whole(f.dim()),
        &WalkOptions::default(),
    )
    .map_err(|e| fail(e.to_string()))?;
    let canon = f.canonical();
    let reps: Vec<usize> = (0..f.len()).filter(|&j| canon[j] == j).collect();
    if cells.cells.len() > reps.len() {
        return Err(fail(format!(
            "{} cells > {} distinct pieces",
            cells.cells.len(),
            reps.len()
        )));
    }
    let labels: std::collections::BTreeSet<usize> =
        cells.cells.iter().map(|c| c.labels[0]).collect();
    let lifted: Vec<Vec<Rat>> = (0..f.len())
        .map(|j| {
            let mut p = f.slopes[j].clone();
            p.push(f.offsets[j].clone());
            p
        })
        .collect();
    let no_bias = f.offsets.iter().all(Scalar::is_zero);
    let hull =
        tropical_geometry::polyhedron::upper_hull(&lifted).map_err(|e| fail(e.to_string()))?;
    for &j in &reps {
        let up = is_upper_vertex(&lifted, j, true).map_err(fail)?;
        if up != hull.contains(&j) {
            return Err(fail(format!(
                "piece {j}: primal LP says upper vertex = {up}, upper_hull says {}",
                hull.contains(&j)
            )));
        }
        if up != labels.contains(&j) {
            return Err(fail(format!(
                "piece {j}: upper-hull vertex = {up}, but nonempty cell = {}",
                labels.contains(&j)
            )));
        }
        if no_bias {
            let slopes_lifted: Vec<Vec<Rat>> = f
                .slopes
                .iter()
                .map(|a| {
                    let mut p = a.clone();
                    p.push(Rat::zero());
                    p
                })
                .collect();
            let v = is_upper_vertex(&slopes_lifted, j, false).map_err(fail)?;
            if v != labels.contains(&j) {
                return Err(fail(format!(
                    "no bias: a_{j} vertex of conv = {v}, cell nonempty = {}",
                    labels.contains(&j)
                )));
            }
        }
    }
    Ok(())
}

/// Run.
pub fn run(cases: u32) -> Result<(), crate::config::Failure<MaxAffine<Rat>>> {
    crate::config::run_property(&strategy(), cases, check)
}
