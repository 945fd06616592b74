//! Brute-force cell enumeration of a max-affine arrangement: one interior-point LP for every
//! tuple of canonical labels, the independent check of the walk.
//!
//! ## Main declarations
//! - [`refinement_cells_brute_force`], [`BRUTE_FORCE_LIMIT`].
//!
//! ## Implementation notes
//! `Π_h n_h` exact LPs ([`crate::lp::interior_point`]); refused beyond [`BRUTE_FORCE_LIMIT`]
//! tuples. Shares nothing with the walk but the label halfspaces of [`MaxAffineOracle`].
//!
//! ## References
//! - SPEC T6 (count ≤ `Π_h n_h`).

use tropical_algebra::Scalar;

use super::{Cell, CellEnumeration, MaxAffineOracle};
use crate::error::GeometryError;
use crate::halfspace::Hyperplane;
use crate::lp::interior_point;
use crate::max_affine::{Domain, MaxAffine};

/// Largest number of label tuples [`refinement_cells_brute_force`] will try.
pub const BRUTE_FORCE_LIMIT: u128 = 50_000_000;

/// The same cells as [`refinement_cells`] by brute force: one interior-point LP for every tuple
/// of canonical labels (`Π_h n_h` LPs). The independent check of the walk.
pub fn refinement_cells_brute_force<S: Scalar>(
    fns: &[MaxAffine<S>],
    domain: &Domain<S>,
) -> Result<CellEnumeration<S>, GeometryError> {
    let oracle = MaxAffineOracle::new(fns)?;
    let d = oracle.dim;
    if domain.dim()? != d {
        return Err(GeometryError::DimensionMismatch(format!(
            "domain of dimension {} for functions of dimension {d}",
            domain.dim()?
        )));
    }
    domain.interior_point()?; // rejects domains with empty interior, like the walk
    let reps: Vec<Vec<usize>> = oracle
        .canon
        .iter()
        .map(|c| (0..c.len()).filter(|&j| c[j] == j).collect())
        .collect();
    let total = reps
        .iter()
        .try_fold(1u128, |acc, r| acc.checked_mul(r.len() as u128))
        .filter(|&t| t <= BRUTE_FORCE_LIMIT)
        .ok_or_else(|| {
            GeometryError::LimitExceeded(format!(
                "more than {BRUTE_FORCE_LIMIT} label tuples for brute force"
            ))
        })?;
    let dom_hs = domain.halfspaces();
    let mut cells = Vec::new();
    let mut idx = vec![0usize; fns.len()];
    for _ in 0..total {
        let label: Vec<usize> = idx.iter().zip(&reps).map(|(&i, r)| r[i]).collect();
        let mut hs = oracle.label_halfspaces(&label);
        hs.extend(dom_hs.iter().cloned());
        let p = if hs.is_empty() {
            Some(vec![S::zero(); d])
        } else {
            interior_point(&hs, &[] as &[Hyperplane<S>])?
        };
        if let Some(p) = p {
            cells.push(Cell {
                labels: label,
                interior_point: p,
            });
        }
        // next tuple
        for h in (0..idx.len()).rev() {
            idx[h] += 1;
            if idx[h] < reps[h].len() {
                break;
            }
            idx[h] = 0;
        }
    }
    cells.sort_by(|a, b| a.labels.cmp(&b.labels));
    Ok(CellEnumeration {
        cells,
        complete: true,
        dimension: d,
    })
}
