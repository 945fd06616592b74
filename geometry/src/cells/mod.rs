//! Output-sensitive enumeration of the open cells of polyhedral subdivisions, and the
//! arrangement (common refinement) of max-affine functions (SPEC §2 "Regions", T5–T7).
//!
//! **The walk** ([`walk_cells`]): from a point strictly inside one cell, a [`CellOracle`] returns
//! the cell's label and defining halfspaces. The walk intersects them with the [`Domain`], finds
//! the irredundant ones (facets; [`facets`]), takes a point in the relative interior of each wall,
//! steps across it by an exact `ε`, and continues breadth-first, deduplicating cells by label.
//! Lower-dimensional pieces are never cells.
//!
//! **Max-affine arrangements** ([`refinement_cells`]): `f_h(x) = max_j ⟨a^h_j, x⟩ + b^h_j`; a cell is
//! a nonempty open set on which every argmax is constant, labelled by the tuple of argmax
//! indices. Ties: pieces with identical `(a_j, b_j)` tie everywhere; each such class is labelled
//! by its *canonical representative*, the smallest index in the class. Any other tie happens only
//! on a hyperplane, never on an open cell. [`refinement_cells_brute_force`] is the independent
//! check: one LP per tuple of canonical labels.
//!
//! ## Main declarations
//! - [`CellOracle`], [`OracleCell`]: point location in a subdivision (the walk's one input).
//! - [`walk_cells`] (in `walk.rs`; the oracle's special walk when it has one, e.g. the clipping
//!   paths of `clipping.rs` for max-affine functions in a 2D or 3D box: polygons in `planar.rs`,
//!   polytopes in `spatial.rs`), [`walk_cells_general`] (always the general walk: the
//!   cross-check), [`WalkOptions`], [`WalkProgress`], [`Walk`], [`WalkedCell`].
//! - [`MaxAffineOracle`] (in `oracle.rs`): the oracle of the common refinement of max-affine
//!   functions.
//! - [`refinement_cells`], [`Cell`], [`CellEnumeration`]: the cells of such an arrangement.
//! - [`refinement_cells_brute_force`] (in `brute_force.rs`): one LP per label tuple.
//! - Re-exported for existing paths: [`MaxAffine`], [`Domain`] (from [`crate::max_affine`]) and
//!   [`facets`] (from [`crate::polyhedron::redundancy`]).
//!
//! ## Implementation notes
//! Completeness assumes the cells form a face-to-face polyhedral complex (two cells meet in a
//! common face of both), so each facet is shared with exactly one neighbour. This holds for
//! the common refinement of max-affine functions (intersections of faces of regular subdivisions)
//! and their restriction to a convex domain. Steps across a wall use a power of two `ε`, shrunk
//! until the oracle reports a cell without ties whose closure contains the wall point — which by
//! convexity proves the new cell is the neighbour across that wall. A wall by which a cell was
//! entered is reused as a known facet of it, with the known neighbour, once its crossing point is
//! checked to lie in the relative interior of that facet.
//!
//! The sign tests of the walk (which side of a wall a point lies on, which piece is larger, the
//! signs of generators against a candidate row) are filtered: decided in `f64` with a certified
//! error bound and recomputed exactly only when the bound does not separate the value from zero
//! ([`crate::halfspace::side_of_wall`], [`MaxAffine::argmax`]). The result of a walk does not
//! depend on the filter ([`crate::halfspace::without_filter`] runs it with exact signs only).
//!
//! ## References
//! - D. Avis, K. Fukuda, *Reverse search for enumeration*, Discrete Appl. Math. 65 (1996) (cell
//!   enumeration of arrangements by adjacency).
//! - N. Sleumer, *Output-sensitive cell enumeration in hyperplane arrangements*, Nordic J.
//!   Computing 6 (1999).
//!
//! ```
//! use tropical_algebra::{Rat, Scalar};
//! use tropical_geometry::cells::{refinement_cells, Domain, MaxAffine, WalkOptions};
//! let r = |n: i64| Rat::from_i64(n);
//! // f(x) = max(0, x, 2x − 1) on the line: cells x < 0, 0 < x < 1, x > 1
//! let f = MaxAffine::new(vec![vec![r(0)], vec![r(1)], vec![r(2)]], vec![r(0), r(0), r(-1)]).unwrap();
//! let cells = refinement_cells(&[f], &Domain::Whole(1), &WalkOptions::default()).unwrap();
//! assert_eq!(cells.cells.len(), 3);
//! assert!(cells.complete);
//! ```

mod brute_force;
mod clipping;
mod oracle;
mod planar;
mod spatial;
mod walk;

use std::fmt;
use std::hash::Hash;
use std::sync::atomic::{AtomicBool, Ordering as AtomicOrdering};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use tropical_algebra::Scalar;

use crate::error::GeometryError;
use crate::halfspace::Halfspace;

pub use crate::max_affine::{Domain, MaxAffine};
pub use crate::polyhedron::redundancy::facets;
pub use brute_force::{refinement_cells_brute_force, BRUTE_FORCE_LIMIT};
pub use oracle::MaxAffineOracle;
pub use walk::{walk_cells, walk_cells_general};

/// What a [`CellOracle`] reports at a point that lies strictly inside a cell.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OracleCell<S, L> {
    /// The cell's label (cells are identified by it).
    pub label: L,
    /// Halfspaces whose intersection is the closure of the cell (in the whole space; redundant
    /// ones allowed); the query point satisfies all of them strictly.
    pub halfspaces: Vec<Halfspace<S>>,
}

/// A point-location oracle for a subdivision of `R^d` into convex open cells.
pub trait CellOracle<S: Scalar> {
    /// The label identifying a cell.
    type Label: Clone + Eq + Hash + fmt::Debug;
    /// Ambient dimension.
    fn dim(&self) -> usize;
    /// The cell containing `x` in its interior, or `None` when `x` lies on a wall (a tie).
    fn locate(&self, x: &[S]) -> Result<Option<OracleCell<S, Self::Label>>, GeometryError>;
    /// A specialised walk of this subdivision inside `domain`, when the oracle has one for it
    /// (default: `None`, the general walk runs). [`MaxAffineOracle`] walks 2D and 3D boxes by
    /// exact polygon and polytope clipping (`clipping.rs`). Its result must equal the general
    /// walk's up to the order of cells and of facets.
    fn special_walk(
        &self,
        domain: &Domain<S>,
        opts: &WalkOptions,
    ) -> Result<Option<Walk<S, Self::Label>>, GeometryError> {
        let _ = (domain, opts);
        Ok(None)
    }
}

/// Progress of a walk, passed to [`WalkOptions::progress`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WalkProgress {
    /// Cells found so far.
    pub cells_found: usize,
    /// Cells whose walls have been crossed.
    pub cells_explored: usize,
    /// LPs solved so far.
    pub lps_solved: usize,
}

/// Progress callback type.
pub type ProgressFn = Arc<dyn Fn(&WalkProgress) + Send + Sync>;

/// Limits and hooks of a walk. `Default` = no limit, no cancellation, no progress.
#[derive(Clone, Default)]
pub struct WalkOptions {
    /// Stop (with `complete: false`) once this many cells are found.
    pub max_cells: Option<usize>,
    /// Stop (with `complete: false`) as soon as this flag is set.
    pub cancel: Option<Arc<AtomicBool>>,
    /// Called after each explored cell.
    pub progress: Option<ProgressFn>,
}

impl fmt::Debug for WalkOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WalkOptions")
            .field("max_cells", &self.max_cells)
            .field("cancel", &self.cancel)
            .field("progress", &self.progress.as_ref().map(|_| "callback"))
            .finish()
    }
}

impl WalkOptions {
    pub(crate) fn cancelled(&self) -> bool {
        self.cancel
            .as_ref()
            .is_some_and(|c| c.load(AtomicOrdering::Relaxed))
    }
}

/// One cell found by [`walk_cells`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WalkedCell<S, L> {
    /// The oracle's label.
    pub label: L,
    /// A point strictly inside the cell (and the domain), with no ties.
    pub interior_point: Vec<S>,
    /// Irredundant halfspaces of `closure(cell) ∩ domain`, normalised (first nonzero normal
    /// entry ±1). Empty when `explored` is false.
    pub facets: Vec<Halfspace<S>>,
    /// For each facet, the index (in [`Walk::cells`]) of the neighbour across it, or `None` for
    /// a facet on the domain boundary (or when the walk stopped before crossing it).
    pub neighbors: Vec<Option<usize>>,
    /// Whether the walls of this cell were crossed (false only in an incomplete walk).
    pub explored: bool,
}

/// Result of [`walk_cells`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Walk<S, L> {
    /// The cells, in discovery (breadth-first) order.
    pub cells: Vec<WalkedCell<S, L>>,
    /// `false` when stopped by `max_cells` or cancellation.
    pub complete: bool,
    /// Dimension of the space walked in.
    pub dimension: usize,
    /// Number of LPs solved.
    pub lps_solved: usize,
}

impl<S, L> Walk<S, L> {
    /// Record cell `ci` as explored with its `facets` and `neighbors`, count it in `explored`
    /// and report the progress to `opts`.
    pub(crate) fn close_cell(
        &mut self,
        ci: usize,
        facets: Vec<Halfspace<S>>,
        neighbors: Vec<Option<usize>>,
        explored: &mut usize,
        opts: &WalkOptions,
    ) {
        let c = &mut self.cells[ci];
        c.facets = facets;
        c.neighbors = neighbors;
        c.explored = true;
        *explored += 1;
        if let Some(p) = &opts.progress {
            p(&WalkProgress {
                cells_found: self.cells.len(),
                cells_explored: *explored,
                lps_solved: self.lps_solved,
            });
        }
    }
}

/// One open cell of a max-affine arrangement.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Cell<S> {
    /// Canonical argmax index of each function on the cell.
    pub labels: Vec<usize>,
    /// A point strictly inside the cell (no ties there).
    pub interior_point: Vec<S>,
}

/// The open cells of a max-affine arrangement, sorted by label.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CellEnumeration<S> {
    /// The cells found.
    pub cells: Vec<Cell<S>>,
    /// `false` when the enumeration stopped early (max cells, cancellation).
    pub complete: bool,
    /// Dimension of the space in which cells are counted.
    pub dimension: usize,
}

/// The nonempty open cells of the common refinement of `fns` inside `domain`, by the
/// output-sensitive walk (see the module docs; ties by canonical representative).
pub fn refinement_cells<S: Scalar>(
    fns: &[MaxAffine<S>],
    domain: &Domain<S>,
    opts: &WalkOptions,
) -> Result<CellEnumeration<S>, GeometryError> {
    let oracle = MaxAffineOracle::with_domain(fns, domain)?;
    let walk = walk_cells(&oracle, domain, opts)?;
    let mut cells: Vec<Cell<S>> = walk
        .cells
        .into_iter()
        .map(|c| Cell {
            labels: c.label,
            interior_point: c.interior_point,
        })
        .collect();
    cells.sort_by(|a, b| a.labels.cmp(&b.labels));
    Ok(CellEnumeration {
        cells,
        complete: walk.complete,
        dimension: walk.dimension,
    })
}
