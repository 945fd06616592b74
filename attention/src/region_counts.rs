//! # Region counts of max-affine families and ReLU networks (SPEC T6, T11)
//!
//! The counting entry points for piecewise-linear functions that are not attention layers: the
//! common refinement of a family of max-affine functions `x ↦ max_j ⟨a_j, x⟩ + β_j`, and the
//! cells and linear regions of a ReLU network `x ↦ W_L(…ReLU(W_1 x + b_1)…) + b_L`. Front ends
//! (the Python package) parse arrays, call one of these and print the result.
//!
//! ## Main declarations
//!
//! - [`count_max_affine_regions`]: cells of the common refinement by the walk, cross-checked on
//!   the whole space against the Minkowski count (SPEC T6); the result is [`MaxAffineCount`].
//! - [`count_relu_regions`]: cells (constant ReLU sign pattern) and linear regions of a ReLU
//!   network by the walk over its compiled piecewise-linear map (SPEC T11).
//!
//! ## Implementation notes
//!
//! Both count by [`crate::regions::score_regions`] / [`crate::regions::map_regions`] in exact
//! arithmetic. The Minkowski cross-check runs only for a complete count of the whole space (it
//! counts the whole space, so a box or a stopped walk has nothing to compare); a disagreement is
//! an error ([`AttentionError::Geometry`]), never a silently chosen answer. Limits
//! (`WalkOptions::max_cells`, cancellation) stop the walk with `complete: false` and the cells
//! found so far.
//!
//! ## References
//!
//! - L. Zhang, G. Naitzat, L.-H. Lim, *Tropical geometry of deep neural networks*, ICML 2018
//!   (ReLU networks as tropical rational maps, SPEC T11).
//! - SPEC §3 T5/T6: cells of max-affine functions ↔ upper vertices of (Minkowski sums of) lifted
//!   points.

use num_bigint::BigUint;
use tropical_algebra::Scalar;
use tropical_geometry::cells::WalkOptions;

use crate::error::{AttentionError, Result};
use crate::linalg::Mat;
use crate::model::{ReluNet, ScoreFunction};
use crate::regions::{self, Region, Regions};

/// A count of the common refinement of max-affine functions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MaxAffineCount<S> {
    /// The cells found by the walk (all of them when `regions.complete`).
    pub regions: Regions<S>,
    /// The Minkowski count (SPEC T6): present exactly when the walk was complete on the whole
    /// space, and then equal to `regions.cells.len()`.
    pub minkowski: Option<usize>,
    /// Pieces per function.
    pub keys: Vec<usize>,
    /// `Π_h N_h`, the product bound.
    pub bound_product: BigUint,
}

/// Cells of the common refinement of the max-affine functions `fns` (one `ScoreFunction` per
/// function: slopes `N_h × d`, offsets `N_h`), in `Q^d` (`cube: None`) or in the cube
/// `[lo, hi]^d`. Errors when `fns` is empty, a function has no pieces, the dimensions differ, or
/// the walk and the Minkowski count disagree on a complete whole-space count.
///
/// ```
/// use tropical_algebra::{Rat, Scalar};
/// use tropical_attention::{Mat, ScoreFunction};
/// use tropical_attention::region_counts::count_max_affine_regions;
/// use tropical_geometry::cells::WalkOptions;
/// let r = |n: i64| Rat::from_i64(n);
/// // max(x, −x) and max(x − 1, 0): the walls x = 0 and x = 1 cut the line into 3 cells
/// let f = ScoreFunction {
///     slopes: Mat::from_rows(vec![vec![r(1)], vec![r(-1)]], 1).unwrap(),
///     offsets: vec![r(0), r(0)],
/// };
/// let g = ScoreFunction {
///     slopes: Mat::from_rows(vec![vec![r(1)], vec![r(0)]], 1).unwrap(),
///     offsets: vec![r(-1), r(0)],
/// };
/// let c = count_max_affine_regions(&[f, g], None, &WalkOptions::default()).unwrap();
/// assert_eq!(c.regions.cells.len(), 3);
/// assert_eq!(c.minkowski, Some(3));
/// ```
pub fn count_max_affine_regions<S: Scalar>(
    fns: &[ScoreFunction<S>],
    cube: Option<(S, S)>,
    opts: &WalkOptions,
) -> Result<MaxAffineCount<S>> {
    let Some(first) = fns.first() else {
        return Err(AttentionError::Empty(
            "no max-affine functions given".into(),
        ));
    };
    for (h, f) in fns.iter().enumerate() {
        if f.keys() == 0 {
            return Err(AttentionError::Empty(format!("function {h} has no pieces")));
        }
        if f.dim() != first.dim() {
            return Err(AttentionError::Invalid(format!(
                "all functions need the same dimension: function 0 has {}, function {h} has {}",
                first.dim(),
                f.dim()
            )));
        }
    }
    let region = Region { slice: None, cube };
    let res = regions::score_regions(fns, &region, opts)?;
    let minkowski = if region.cube.is_none() && res.complete {
        let m = regions::minkowski_cell_count(fns)?;
        if m != res.cells.len() {
            return Err(AttentionError::Geometry(format!(
                "internal check failed: the walk found {} cells, the Minkowski sum has {m} upper vertices",
                res.cells.len()
            )));
        }
        Some(m)
    } else {
        None
    };
    let keys: Vec<usize> = fns.iter().map(ScoreFunction::keys).collect();
    Ok(MaxAffineCount {
        bound_product: regions::bound_product(&keys),
        regions: res,
        minkowski,
        keys,
    })
}

/// Cells (constant ReLU sign pattern) and linear regions of the ReLU network with affine layers
/// `layers` (`(W_l, b_l)`, ReLU between consecutive layers, none after the last), in `Q^d`
/// (`cube: None`) or in the cube `[lo, hi]^d`. Errors on inconsistent shapes (from
/// [`ReluNet::new`]).
///
/// ```
/// use tropical_algebra::{Rat, Scalar};
/// use tropical_attention::Mat;
/// use tropical_attention::region_counts::count_relu_regions;
/// use tropical_geometry::cells::WalkOptions;
/// let r = |n: i64| Rat::from_i64(n);
/// // x ↦ ReLU(x) + ReLU(−x) = |x|: two cells, two linear regions
/// let w1 = Mat::from_rows(vec![vec![r(1)], vec![r(-1)]], 1).unwrap();
/// let w2 = Mat::from_rows(vec![vec![r(1), r(1)]], 2).unwrap();
/// let layers = vec![(w1, vec![r(0), r(0)]), (w2, vec![r(0)])];
/// let res = count_relu_regions(layers, None, &WalkOptions::default()).unwrap();
/// assert_eq!((res.cells.len(), res.linear_regions), (2, 2));
/// ```
pub fn count_relu_regions<S: Scalar>(
    layers: Vec<(Mat<S>, Vec<S>)>,
    cube: Option<(S, S)>,
    opts: &WalkOptions,
) -> Result<Regions<S>> {
    let map = ReluNet::new(layers)?.compile()?;
    regions::map_regions(&map, &Region { slice: None, cube }, opts)
}
