//! **T12 — Gritzmann–Sturmfels vertex bound; generic zonotopes; Zaslavsky's central count**
//! (Gritzmann & Sturmfels, "Minkowski addition of polytopes", SIAM J. Discrete Math. 1993,
//! Thm 2.1.10 / Cor. for zonotopes; Zaslavsky 1975; SPEC §3 T12).
//!
//! *Inputs.* Generators `g_1..g_m ∈ ℤ^D` (`D ∈ {2, 3}`, `m ≤ 5`; zero and parallel generators
//! generated). Parallel generators span the same edge direction, so the claim is about the
//! `m'` pairwise non-parallel classes of nonzero generators.
//! *Conclusion.* The zonotope `Z = Σ_i [0, g_i]` (a Minkowski sum of `m'` segments with pairwise
//! non-parallel edges) has `#vert(Z) ≤ 2 Σ_{j<D} C(m'−1, j)`, with equality when the classes are in
//! general position (every `min(m', D)` of them linearly independent); and `#vert(Z)` equals the number
//! of regions of the central arrangement `{g_i^⊥}` (Zaslavsky's count for a central arrangement in
//! general position is the same formula).
//!
//! *Two ways.* Vertices by `Polyhedron::from_points` of all `2^m` subset sums; regions of the central
//! arrangement by the cell walk over `max(⟨g_i, x⟩, 0)`; the formula; genericity by exact ranks.

use itertools::Itertools;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use tropical_algebra::{Rat, Scalar};
use tropical_geometry::cells::{refinement_cells, Domain, MaxAffine, WalkOptions};
use tropical_geometry::polyhedron::Polyhedron;

use crate::exact::{binomial, rank};

/// SPEC id.
pub const ID: &str = "T12";
/// One-line statement.
pub const STATEMENT: &str = "Minkowski sum with m pairwise non-parallel edges in R^D: #vertices ≤ 2Σ_{j<D} C(m−1, j), equality for generic zonotopes = Zaslavsky's central count";

/// Generators.
pub fn strategy() -> impl Strategy<Value = Vec<Vec<i64>>> {
    (2usize..=3)
        .prop_flat_map(|d| prop::collection::vec(prop::collection::vec(-3i64..=3, d), 1..=5))
}

fn parallel(a: &[i64], b: &[i64]) -> bool {
    // a ∥ b iff all 2×2 minors vanish.
    (0..a.len()).all(|i| (0..a.len()).all(|j| a[i] * b[j] == a[j] * b[i]))
}

/// Representatives of the non-parallel classes of nonzero generators.
pub fn classes(gens: &[Vec<i64>]) -> Vec<Vec<i64>> {
    let mut out: Vec<Vec<i64>> = Vec::new();
    for g in gens {
        if g.iter().all(|&x| x == 0) || out.iter().any(|h| parallel(g, h)) {
            continue;
        }
        out.push(g.clone());
    }
    out
}

/// The bound `2 Σ_{j<D} C(m−1, j)` (`1` for `m = 0`).
pub fn gs_bound(m: usize, d: usize) -> u128 {
    if m == 0 {
        return 1;
    }
    2 * (0..d as u64)
        .map(|j| binomial(m as u64 - 1, j))
        .sum::<u128>()
}

fn subsets_independent(reps: &[Vec<i64>], d: usize) -> bool {
    let k = reps.len().min(d);
    let m = reps.len();
    (0..m).combinations(k).all(|idx| {
        let rows: Vec<Vec<Rat>> = idx
            .iter()
            .map(|&i| reps[i].iter().map(|&x| Rat::from_i64(x)).collect())
            .collect();
        rank(&rows) == k
    })
}

/// The check.
pub fn check(gens: &Vec<Vec<i64>>) -> Result<(), TestCaseError> {
    let fail = TestCaseError::fail;
    let d = gens[0].len();
    let mut sums: Vec<Vec<Rat>> = vec![vec![Rat::zero(); d]];
    for g in gens {
        let more: Vec<Vec<Rat>> = sums
            .iter()
            .map(|s| {
                s.iter()
                    .zip(g)
                    .map(|(a, &b)| a.clone() + Rat::from_i64(b))
                    .collect()
            })
            .collect();
        sums.extend(more);
        sums.sort();
        sums.dedup();
    }
    let verts = Polyhedron::from_points(&sums)
        .map_err(|e| fail(e.to_string()))?
        .vertices()
        .len();
    let reps = classes(gens);
    let regions = if reps.is_empty() {
        1
    } else {
        let fns: Vec<MaxAffine<Rat>> = reps
            .iter()
            .map(|g| {
                MaxAffine::new(
                    vec![
                        g.iter().map(|&x| Rat::from_i64(x)).collect(),
                        vec![Rat::zero(); d],
                    ],
                    vec![Rat::zero(), Rat::zero()],
                )
                .expect("shapes")
            })
            .collect();
        refinement_cells(&fns, &Domain::Whole(d), &WalkOptions::default())
            .map_err(|e| fail(e.to_string()))?
            .cells
            .len()
    };
    let bound = gs_bound(reps.len(), d);
    let generic = subsets_independent(&reps, d);
    if verts != regions || verts as u128 > bound || (generic && verts as u128 != bound) {
        return Err(fail(format!(
            "vertices {verts}, central-arrangement regions {regions}, bound {bound}, generic {generic}"
        )));
    }
    Ok(())
}

/// Run.
pub fn run(cases: u32) -> Result<(), crate::config::Failure<Vec<Vec<i64>>>> {
    crate::config::run_property(&strategy(), cases, check)
}
