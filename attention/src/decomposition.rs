//! The decomposition theorem (SPEC T15) as a counting method.
//!
//! Head `h`'s scores depend on the query only through `P_h x` (its query map). When the stacked
//! map `x ↦ (P_1 x, …, P_H x)` is onto on the counted space, the cells of the common refinement
//! are exactly the products of the heads' own cells, so the count is `Π_h n_h`.
//!
//! ## Main declarations
//! - [`decomposition`]: the exact rank test and the per-head counts `n_h`.
//! - [`Decomposition`]: its result, reported by [`crate::count::count_cells`].
//!
//! ## Implementation notes
//! The rank is decided exactly (`linalg::pivot_columns`). `n_h` is the number of vertices of the
//! convex hull of head `h`'s distinct keys, computed in their affine span (SPEC T5 with the
//! query map onto): hidden keys own no cell. A box cuts cells, so the method applies to the whole
//! space or a whole slice only.
//!
//! ## References
//! SPEC §3 T15; proved in `coq/T15_Decomposition.v`; tested in
//! `proofs-tests/tests/t15_decomposition.rs`.

use serde::Serialize;
use tropical_algebra::Scalar;
use tropical_geometry::polyhedron::Polyhedron;

use crate::error::{AttentionError, Result};
use crate::linalg::{pivot_columns, Mat};
use crate::model::AttentionLayer;
use crate::regions::Region;

/// The exact test of SPEC T15 and its per-head counts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Decomposition {
    /// True when the stacked query map is surjective on the counted space (then the count is
    /// `Π_h n_h`).
    pub applies: bool,
    /// Rank of the stacked map `x ↦ (P_1 x, …, P_H x)`.
    pub rank: usize,
    /// `Σ_h d_k` (the rank needed).
    pub needed: usize,
    /// `n_h` per counted head: its cells in its own query space (vertices of the hull of its keys).
    pub per_head: Vec<usize>,
    /// Why the condition fails, in words (`None` when it holds).
    pub reason: Option<String>,
}

/// SPEC T15 for the heads `heads` of `layer` on `region` (no box): the exact rank test and the
/// per-head counts `n_h` (vertices of the convex hull of head `h`'s distinct keys).
pub fn decomposition<S: Scalar>(
    layer: &AttentionLayer<S>,
    heads: &[usize],
    context: &Mat<S>,
    region: &Region<S>,
) -> Result<Decomposition> {
    let d = layer.d_model();
    let k = region.dim(d);
    let needed: usize = heads.iter().map(|&h| layer.heads[h].d_k()).sum();
    let per_head = heads
        .iter()
        .map(|&h| head_vertex_count(&layer.heads[h].keys(context)?))
        .collect::<Result<Vec<_>>>()?;
    if region.cube.is_some() {
        return Ok(Decomposition {
            applies: false,
            rank: 0,
            needed,
            per_head,
            reason: Some("a box cuts the cells: the product formula counts the whole space".into()),
        });
    }
    if needed > k {
        return Ok(Decomposition {
            applies: false,
            rank: k.min(needed),
            needed,
            per_head,
            reason: Some(format!(
                "the stacked query map goes from dimension {k} to Σ d_k = {needed}: not onto"
            )),
        });
    }
    let u = match &region.slice {
        Some(s) => Some(s.matrix()?),
        None => None,
    };
    let mut rows: Vec<Vec<S>> = Vec::with_capacity(needed);
    for &h in heads {
        let p = match &u {
            Some(u) => layer.heads[h].w_q.mul(u)?,
            None => layer.heads[h].w_q.clone(),
        };
        rows.extend(p.to_rows());
    }
    let rank = pivot_columns(&rows, k).len();
    let applies = rank == needed;
    Ok(Decomposition {
        applies,
        rank,
        needed,
        per_head,
        reason: (!applies)
            .then(|| format!("the stacked query map has rank {rank} < Σ d_k = {needed}: not onto")),
    })
}

/// Vertices of the convex hull of the distinct rows of `keys`, computed in their affine span.
fn head_vertex_count<S: Scalar>(keys: &Mat<S>) -> Result<usize> {
    let mut distinct: Vec<Vec<S>> = keys.to_rows();
    distinct.sort();
    distinct.dedup();
    if distinct.len() <= 2 {
        return Ok(distinct.len());
    }
    let base = distinct[0].clone();
    let diffs: Vec<Vec<S>> = distinct[1..]
        .iter()
        .map(|r| r.iter().zip(&base).map(|(a, b)| a.clone() - b).collect())
        .collect();
    let piv = pivot_columns(&diffs, keys.cols());
    if piv.len() == diffs.len() {
        // affinely independent: a simplex, every point a vertex
        return Ok(distinct.len());
    }
    let pts: Vec<Vec<S>> = distinct
        .iter()
        .map(|r| piv.iter().map(|&c| r[c].clone()).collect())
        .collect();
    let p = Polyhedron::from_points(&pts).map_err(|e| AttentionError::Geometry(e.to_string()))?;
    Ok(p.vertices().len())
}
