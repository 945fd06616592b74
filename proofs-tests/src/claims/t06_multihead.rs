//! **T6 — multi-head cells = common refinement; count ≤ Π n_h ≤ N^H** (Su & Liu, arXiv:2604.14727,
//! multi-head section; SPEC §3 T6; the counting bound is proved in `coq/T6_Counting.v`).
//!
//! *Inputs.* `H` heads `f_h(x) = max_j ⟨a^h_j, x⟩ + β^h_j` on `Q^d` (repeated keys, hidden keys,
//! zero bias, coincident bisectors all generated). `n_h` = number of *distinct* pieces of head `h`.
//! *Conclusion.* The cells (nonempty open sets with constant argmax tuple) are in bijection with the
//! label tuples realised; their number is `≤ Π_h n_h ≤ N^H` (`N = max n_h`). The cells are the cells of
//! the tropical product `⊙_h f_h` (= upper vertices of the Minkowski sum of the lifted Newton
//! polytopes).
//!
//! *Checks.* Count by the output-sensitive walk (`refinement_cells`) and by brute force (one LP per
//! label tuple, `refinement_cells_brute_force`): same label sets. Each cell's interior point is
//! re-labelled by direct exact evaluation of every head (third, independent computation), and the
//! bound `≤ Π n_h ≤ N^H` is asserted. The Minkowski side is counted twice more: by
//! `tropical_attention::regions::minkowski_cell_count` (upper hulls summand by summand) and naively
//! here (all `Π n_h` point sums, one `upper_hull`). All four counts must agree.

use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use tropical_algebra::{Rat, Scalar};
use tropical_geometry::cells::{
    refinement_cells, refinement_cells_brute_force, Domain, MaxAffine, WalkOptions,
};

/// SPEC id.
pub const ID: &str = "T6";
/// One-line statement.
pub const STATEMENT: &str =
    "Multi-head cells = common refinement (tropical product of the heads); count ≤ Π_h n_h ≤ N^H";

/// Random heads: `d ≤ 2`, `H ≤ 3`, `n_h ≤ 4`.
pub fn strategy() -> impl Strategy<Value = Vec<MaxAffine<Rat>>> {
    crate::strategies::heads(2, 3, 4)
}

/// Number of distinct pieces of a head.
pub fn distinct_pieces(f: &MaxAffine<Rat>) -> usize {
    let c = f.canonical();
    (0..c.len()).filter(|&j| c[j] == j).count()
}

/// Cell count two ways (walk and brute force must agree; each interior point re-labelled).
pub fn count_cells(fns: &[MaxAffine<Rat>]) -> Result<usize, String> {
    let d = fns[0].dim();
    let dom = Domain::Whole(d);
    let walk = refinement_cells(fns, &dom, &WalkOptions::default()).map_err(|e| e.to_string())?;
    let brute = refinement_cells_brute_force(fns, &dom).map_err(|e| e.to_string())?;
    if !walk.complete {
        return Err("walk incomplete".into());
    }
    let lw: Vec<_> = walk.cells.iter().map(|c| c.labels.clone()).collect();
    let lb: Vec<_> = brute.cells.iter().map(|c| c.labels.clone()).collect();
    if lw != lb {
        return Err(format!("walk labels {lw:?} ≠ brute-force labels {lb:?}"));
    }
    for c in &walk.cells {
        for (h, f) in fns.iter().enumerate() {
            let am = f.argmax(&c.interior_point);
            let canon = f.canonical();
            // Inside an open cell only one class of identical pieces may attain the max.
            if am.iter().any(|&j| canon[j] != c.labels[h]) {
                return Err(format!(
                    "interior point {:?} of cell {:?}: head {h} argmax {am:?}",
                    c.interior_point, c.labels
                ));
            }
        }
    }
    // Minkowski sums: attention's summand-by-summand upper hulls, and the naive sum of all
    // Π n_h point combinations followed by one upper hull (distinct points).
    let sfs: Vec<tropical_attention::ScoreFunction<Rat>> = fns
        .iter()
        .map(|f| tropical_attention::ScoreFunction {
            slopes: tropical_attention::Mat::from_rows(f.slopes.clone(), d).expect("shape"),
            offsets: f.offsets.clone(),
        })
        .collect();
    let mink =
        tropical_attention::regions::minkowski_cell_count(&sfs).map_err(|e| e.to_string())?;
    let mut sums: Vec<Vec<Rat>> = vec![vec![Rat::zero(); d + 1]];
    for f in fns {
        let mut next = std::collections::BTreeSet::new();
        for p in &sums {
            for j in 0..f.len() {
                let mut q = p.clone();
                for c in 0..d {
                    q[c] += &f.slopes[j][c];
                }
                q[d] += &f.offsets[j];
                next.insert(q);
            }
        }
        sums = next.into_iter().collect();
    }
    let naive = tropical_geometry::polyhedron::upper_hull(&sums)
        .map_err(|e| e.to_string())?
        .len();
    if mink != lw.len() || naive != lw.len() {
        return Err(format!(
            "cells {} but Minkowski upper vertices: summand-wise {mink}, naive {naive}",
            lw.len()
        ));
    }
    Ok(lw.len())
}

/// The check.
pub fn check(fns: &[MaxAffine<Rat>]) -> Result<(), TestCaseError> {
    let count = count_cells(fns).map_err(TestCaseError::fail)?;
    let prod: usize = fns.iter().map(distinct_pieces).product();
    let n = fns.iter().map(MaxAffine::len).max().unwrap_or(0);
    let pow = n.pow(fns.len() as u32);
    if count == 0 || count > prod || prod > pow {
        return Err(TestCaseError::fail(format!(
            "count {count}, Π n_h = {prod}, N^H = {pow}"
        )));
    }
    Ok(())
}

/// Run.
pub fn run(cases: u32) -> Result<(), crate::config::Failure<Vec<MaxAffine<Rat>>>> {
    crate::config::run_property(&strategy(), cases, |f: &Vec<MaxAffine<Rat>>| check(f))
}
