//! Output-sensitive enumeration of the open cells of polyhedral subdivisions, and the
//! arrangement (common refinement) of max-affine functions (SPEC §2 "Regions", T5–T7).
//!
//! **The walk** ([`walk_cells`]): from a point strictly inside one cell, a [`CellOracle`] returns
//! the cell's label and defining halfspaces. The walk intersects them with the [`Domain`], finds
//! the irredundant ones (facets; [`facets`]: exact, and LP-free except in degenerate ties — the
//! facets found so far are kept as a double description, a candidate row satisfied by all its
//! generators is redundant, and a ray from the interior point towards a violating generator hits
//! a new facet), takes a point in the relative interior of each wall, steps across it by an
//! exact `ε` (a power of two, shrunk until the oracle reports a cell without ties whose closure
//! contains the wall point — which by convexity proves the new cell is the neighbour across that
//! wall), and continues breadth-first, deduplicating cells by label. A wall by which a cell was
//! entered is reused as a known facet of it, with the known neighbour, once its crossing point is
//! checked to lie in the relative interior of that facet. Lower-dimensional pieces are never
//! cells.
//!
//! Completeness assumes the cells form a face-to-face polyhedral complex (two cells meet in a
//! common face of both), so each facet is shared with exactly one neighbour. This holds for
//! the common refinement of max-affine functions (intersections of faces of regular subdivisions)
//! and their restriction to a convex domain.
//!
//! **Max-affine arrangements** ([`refinement_cells`]): `f_h(x) = max_j ⟨a^h_j, x⟩ + b^h_j`; a cell is
//! a nonempty open set on which every argmax is constant, labelled by the tuple of argmax
//! indices. Ties: pieces with identical `(a_j, b_j)` tie everywhere; each such class is labelled
//! by its *canonical representative*, the smallest index in the class. Any other tie happens only
//! on a hyperplane, never on an open cell. [`refinement_cells_brute_force`] is the independent
//! check: one LP per tuple of canonical labels.
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

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::hash::Hash;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering as AtomicOrdering};
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};
use tropical_algebra::Scalar;

use crate::error::GeometryError;
use crate::halfspace::{dot, Halfspace, Hyperplane};
use crate::lp::{
    chebyshev, interior_point, solve_from_feasible, LinearProgram, LpOutcome, Relation, Sense,
};

/// A max-affine function `f(x) = max_j ⟨slopes[j], x⟩ + offsets[j]` (a tropical polynomial).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct MaxAffine<S> {
    /// The slopes `a_j` (all of the same length `d`).
    pub slopes: Vec<Vec<S>>,
    /// The offsets `b_j`.
    pub offsets: Vec<S>,
}

impl<S: Scalar> MaxAffine<S> {
    /// Checked constructor: at least one piece, equal slope lengths, one offset per slope.
    pub fn new(slopes: Vec<Vec<S>>, offsets: Vec<S>) -> Result<Self, GeometryError> {
        let f = Self { slopes, offsets };
        f.validate()?;
        Ok(f)
    }
    fn validate(&self) -> Result<(), GeometryError> {
        if self.slopes.is_empty() {
            return Err(GeometryError::EmptyInput(
                "max-affine function with no pieces".into(),
            ));
        }
        if self.slopes.len() != self.offsets.len() {
            return Err(GeometryError::DimensionMismatch(format!(
                "{} slopes but {} offsets",
                self.slopes.len(),
                self.offsets.len()
            )));
        }
        let d = self.slopes[0].len();
        if let Some((j, a)) = self.slopes.iter().enumerate().find(|(_, a)| a.len() != d) {
            return Err(GeometryError::DimensionMismatch(format!(
                "slope {j} has length {}, slope 0 has length {d}",
                a.len()
            )));
        }
        Ok(())
    }
    /// Dimension `d` of the argument.
    pub fn dim(&self) -> usize {
        self.slopes.first().map_or(0, Vec::len)
    }
    /// Number of pieces.
    pub fn len(&self) -> usize {
        self.slopes.len()
    }
    /// `true` when there are no pieces (never for a validated function).
    pub fn is_empty(&self) -> bool {
        self.slopes.is_empty()
    }
    /// The value of piece `j` at `x`.
    pub fn piece(&self, j: usize, x: &[S]) -> S {
        dot(&self.slopes[j], x) + &self.offsets[j]
    }
    /// `f(x)`.
    pub fn eval(&self, x: &[S]) -> S {
        (0..self.len())
            .map(|j| self.piece(j, x))
            .max()
            .expect("non-empty")
    }
    /// The argmax set at `x` (all maximising indices, increasing).
    pub fn argmax(&self, x: &[S]) -> Vec<usize> {
        let vals: Vec<S> = (0..self.len()).map(|j| self.piece(j, x)).collect();
        let m = vals.iter().max().expect("non-empty").clone();
        (0..self.len()).filter(|&j| vals[j] == m).collect()
    }
    /// For each piece, its canonical representative: the smallest index with the identical
    /// `(slope, offset)`.
    pub fn canonical(&self) -> Vec<usize> {
        let mut first: HashMap<(&[S], &S), usize> = HashMap::new();
        (0..self.len())
            .map(|j| {
                *first
                    .entry((&self.slopes[j], &self.offsets[j]))
                    .or_insert(j)
            })
            .collect()
    }
}

/// The region in which cells are enumerated (cells are intersected with it).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Domain<S> {
    /// All of `R^d`.
    Whole(usize),
    /// The box `lo ≤ x ≤ hi` (needs `lo < hi` in every coordinate).
    Box {
        /// Lower corner.
        lo: Vec<S>,
        /// Upper corner.
        hi: Vec<S>,
    },
    /// An H-polyhedron `{x : h.normal·x ≤ h.offset}` with nonempty interior.
    Polyhedron(Vec<Halfspace<S>>),
}

impl<S: Scalar> Domain<S> {
    /// The cube `[lo, hi]^d`.
    pub fn cube(d: usize, lo: S, hi: S) -> Self {
        Domain::Box {
            lo: vec![lo; d],
            hi: vec![hi; d],
        }
    }
    /// Ambient dimension; errors on inconsistent shapes or an empty polyhedron list.
    pub fn dim(&self) -> Result<usize, GeometryError> {
        match self {
            Domain::Whole(d) => Ok(*d),
            Domain::Box { lo, hi } => {
                if lo.len() != hi.len() {
                    return Err(GeometryError::DimensionMismatch(format!(
                        "box corners of lengths {} and {}",
                        lo.len(),
                        hi.len()
                    )));
                }
                Ok(lo.len())
            }
            Domain::Polyhedron(hs) => {
                let d = hs
                    .first()
                    .ok_or_else(|| {
                        GeometryError::EmptyInput(
                            "polyhedral domain without halfspaces (use Domain::Whole)".into(),
                        )
                    })?
                    .dim();
                if hs.iter().any(|h| h.dim() != d) {
                    return Err(GeometryError::DimensionMismatch(
                        "domain halfspaces of different dimensions".into(),
                    ));
                }
                Ok(d)
            }
        }
    }
    /// The domain as halfspaces (empty for the whole space).
    pub fn halfspaces(&self) -> Vec<Halfspace<S>> {
        match self {
            Domain::Whole(_) => Vec::new(),
            Domain::Box { lo, hi } => {
                let d = lo.len();
                let mut out = Vec::with_capacity(2 * d);
                for i in 0..d {
                    let mut e = vec![S::zero(); d];
                    e[i] = S::one();
                    out.push(Halfspace::new(e.clone(), hi[i].clone()));
                    e[i] = -S::one();
                    out.push(Halfspace::new(e, -lo[i].clone()));
                }
                out
            }
            Domain::Polyhedron(hs) => hs.clone(),
        }
    }
    /// A point strictly inside the domain, or an error when its interior is empty.
    pub fn interior_point(&self) -> Result<Vec<S>, GeometryError> {
        let d = self.dim()?;
        match self {
            Domain::Whole(_) => Ok(vec![S::zero(); d]),
            Domain::Box { lo, hi } => {
                if let Some(i) = (0..d).find(|&i| lo[i] >= hi[i]) {
                    return Err(GeometryError::InvalidInput(format!(
                        "box has empty interior: lo[{i}] = {} ≥ hi[{i}] = {}",
                        lo[i], hi[i]
                    )));
                }
                let two = S::from_i64(2);
                Ok((0..d).map(|i| (lo[i].clone() + &hi[i]) / &two).collect())
            }
            Domain::Polyhedron(hs) => interior_point(hs, &[])?.ok_or_else(|| {
                GeometryError::InvalidInput(
                    "polyhedral domain has empty interior (no full-dimensional cells)".into(),
                )
            }),
        }
    }
    /// `x` strictly inside the domain.
    pub fn contains_strictly(&self, x: &[S]) -> bool {
        match self {
            Domain::Whole(_) => true,
            Domain::Box { lo, hi } => (0..lo.len()).all(|i| lo[i] < x[i] && x[i] < hi[i]),
            Domain::Polyhedron(hs) => hs.iter().all(|h| h.contains_strictly(x)),
        }
    }
}

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
    fn cancelled(&self) -> bool {
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

/// Normalise `a·x ≤ b` so the first nonzero normal entry is ±1; `None` for a zero normal.
fn normalize<S: Scalar>(h: &Halfspace<S>) -> Option<Halfspace<S>> {
    let p = h.normal.iter().find(|v| !v.is_zero())?.abs();
    if p == S::one() {
        return Some(h.clone());
    }
    Some(Halfspace {
        normal: h.normal.iter().map(|v| v.clone() / &p).collect(),
        offset: h.offset.clone() / &p,
    })
}

/// Candidate rows of a cell: normalised, one per normal (the tightest), flag = on the domain.
fn candidate_rows<S: Scalar>(
    walls: &[Halfspace<S>],
    domain: &[Halfspace<S>],
) -> Result<Vec<(Halfspace<S>, bool)>, GeometryError> {
    let mut by_normal: HashMap<Vec<S>, (S, bool)> = HashMap::new();
    let mut order: Vec<Vec<S>> = Vec::new();
    for (h, is_domain) in domain
        .iter()
        .map(|h| (h, true))
        .chain(walls.iter().map(|h| (h, false)))
    {
        let Some(n) = normalize(h) else {
            if h.offset.is_negative() {
                return Err(GeometryError::InvalidInput(
                    "cell oracle returned an infeasible halfspace 0·x ≤ negative".into(),
                ));
            }
            continue;
        };
        match by_normal.get_mut(&n.normal) {
            Some((off, flag)) => {
                if n.offset < *off {
                    *off = n.offset;
                    *flag = is_domain;
                } else if n.offset == *off {
                    *flag |= is_domain;
                }
            }
            None => {
                order.push(n.normal.clone());
                by_normal.insert(n.normal, (n.offset, is_domain));
            }
        }
    }
    Ok(order
        .into_iter()
        .map(|normal| {
            let (offset, flag) = by_normal.remove(&normal).expect("present");
            (Halfspace { normal, offset }, flag)
        })
        .collect())
}

/// The unique row hit first by the ray `x0 + s·dir` (s > 0) and the hit point, if unique.
fn first_hit<S: Scalar>(
    rows: &[Halfspace<S>],
    slack0: &[S],
    x0: &[S],
    dir: &[S],
) -> Option<(usize, Vec<S>)> {
    let mut best: Option<(S, usize)> = None;
    let mut unique = false;
    for (k, h) in rows.iter().enumerate() {
        let den = dot(&h.normal, dir);
        if !den.is_positive() {
            continue;
        }
        let s = slack0[k].clone() / den;
        match &best {
            Some((b, _)) if s > *b => {}
            Some((b, _)) if s == *b => unique = false,
            _ => {
                best = Some((s, k));
                unique = true;
            }
        }
    }
    let (s, k) = best?;
    if !unique {
        return None;
    }
    let y = x0
        .iter()
        .zip(dir)
        .map(|(a, b)| a.clone() + s.clone() * b)
        .collect();
    Some((k, y))
}

/// A set of constraint indices (bitset); index 0 is `t ≥ 0`, row `k` is `k + 1`.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Tight(Vec<u64>);

impl Tight {
    fn empty(words: usize) -> Self {
        Tight(vec![0; words])
    }
    fn insert(&mut self, i: usize) {
        self.0[i / 64] |= 1 << (i % 64);
    }
    fn and(&self, o: &Tight) -> Tight {
        Tight(self.0.iter().zip(&o.0).map(|(a, b)| a & b).collect())
    }
    fn subset_of(&self, o: &Tight) -> bool {
        self.0.iter().zip(&o.0).all(|(a, b)| a & !b == 0)
    }
}

/// The homogenised cone `K = {(z, t) : t ≥ 0, a_k·z ≤ s_k·t for k ∈ R}` of the polyhedron
/// `Q = {x0 + z : a_k·z ≤ s_k}` (rows shifted to an interior point `x0`, so `s_k > 0`), kept as
/// generators by the double description method (exact; incremental, one row at a time).
///
/// Invariant: `K = cone(rays) + span(lines)`, `rays` minimal (extreme modulo the lines), each
/// ray with the set of constraints it satisfies with equality. A row `a·x ≤ b` is implied by the
/// rows of `R` iff `(a, −(b − a·x0))·g ≤ 0` for every ray `g` and `= 0` for every line.
struct Cone<S> {
    lines: Vec<Vec<S>>,
    rays: Vec<(Vec<S>, Tight)>,
    /// The constraints intersected so far.
    added: Tight,
}

impl<S: Scalar> Cone<S> {
    /// `K = {t ≥ 0}` in `R^{d+1}` (no rows yet); `rows` bounds the row indices to come.
    fn new(d: usize, rows: usize) -> Self {
        let words = (rows + 1).div_ceil(64);
        let lines = (0..d)
            .map(|i| {
                let mut e = vec![S::zero(); d + 1];
                e[i] = S::one();
                e
            })
            .collect();
        let mut up = vec![S::zero(); d + 1];
        up[d] = S::one();
        let mut added = Tight::empty(words);
        added.insert(0);
        Cone {
            lines,
            rays: vec![(up, Tight::empty(words))],
            added,
        }
    }

    /// The homogenised constraint `c·(z, t) ≤ 0` of the row `a·x ≤ b` whose slack at `x0` is
    /// `slack0`.
    fn constraint(h: &Halfspace<S>, slack0: &S) -> Vec<S> {
        let mut c = h.normal.clone();
        c.push(-slack0.clone());
        c
    }

    /// Scale a generator: last entry 1 when positive, else first nonzero entry ±1.
    fn normalise(mut g: Vec<S>) -> Vec<S> {
        let last = g.last().expect("d + 1 ≥ 1 entries").clone();
        let p = if last.is_positive() {
            last
        } else {
            match g.iter().find(|v| !v.is_zero()) {
                Some(v) => v.abs(),
                None => return g,
            }
        };
        if p != S::one() {
            for v in g.iter_mut() {
                *v /= &p;
            }
        }
        g
    }

    /// Intersect `K` with `c·w ≤ 0`, the constraint of row `k`.
    fn add(&mut self, k: usize, c: &[S]) {
        let id = k + 1;
        if let Some(li) = self.lines.iter().position(|l| !dot(c, l).is_zero()) {
            let mut l = self.lines.swap_remove(li);
            let cl = dot(c, &l);
            if cl.is_positive() {
                l.iter_mut().for_each(|v| *v = -v.clone());
            }
            let cl = dot(c, &l); // < 0
            let project = |g: &[S]| -> Vec<S> {
                let f = dot(c, g) / &cl;
                g.iter()
                    .zip(&l)
                    .map(|(a, b)| a.clone() - f.clone() * b)
                    .collect()
            };
            self.lines = self
                .lines
                .iter()
                .map(|g| Self::normalise(project(g)))
                .collect();
            for (g, z) in self.rays.iter_mut() {
                *g = Self::normalise(project(g));
                z.insert(id);
            }
            // the new ray is tight on every earlier constraint (as lines are)
            self.rays.push((Self::normalise(l), self.added.clone()));
            self.added.insert(id);
            return;
        }
        let vals: Vec<S> = self.rays.iter().map(|(g, _)| dot(c, g)).collect();
        let mut next: Vec<(Vec<S>, Tight)> = Vec::with_capacity(self.rays.len() + 4);
        for ((g, z), v) in self.rays.iter().zip(&vals) {
            if v.is_zero() {
                let mut z = z.clone();
                z.insert(id);
                next.push((g.clone(), z));
            } else if v.is_negative() {
                next.push((g.clone(), z.clone()));
            }
        }
        for (p, vp) in self.rays.iter().zip(&vals).filter(|(_, v)| v.is_positive()) {
            for (n, vn) in self.rays.iter().zip(&vals).filter(|(_, v)| v.is_negative()) {
                let common = p.1.and(&n.1);
                let adjacent = self
                    .rays
                    .iter()
                    .all(|r| std::ptr::eq(r, p) || std::ptr::eq(r, n) || !common.subset_of(&r.1));
                if !adjacent {
                    continue;
                }
                // vp·n − vn·p is on the hyperplane c·w = 0
                let g: Vec<S> =
                    p.0.iter()
                        .zip(&n.0)
                        .map(|(a, b)| vp.clone() * b - vn.clone() * a)
                        .collect();
                let mut z = common;
                z.insert(id);
                next.push((Self::normalise(g), z));
            }
        }
        self.rays = next;
        self.added.insert(id);
    }

    /// The bounding box `(lo, hi)` of `Q − x0` when `Q` is bounded (no lines, every ray a vertex).
    fn bounding_box(&self) -> Option<(Vec<S>, Vec<S>)> {
        if !self.lines.is_empty() {
            return None;
        }
        let d = self.rays.first()?.0.len() - 1;
        let mut lo: Vec<S> = Vec::new();
        let mut hi: Vec<S> = Vec::new();
        for (g, _) in &self.rays {
            if g[d] != S::one() {
                return None; // a recession direction (t = 0); vertices are scaled to t = 1
            }
            if lo.is_empty() {
                lo = g[..d].to_vec();
                hi = g[..d].to_vec();
                continue;
            }
            for j in 0..d {
                if g[j] < lo[j] {
                    lo[j] = g[j].clone();
                } else if g[j] > hi[j] {
                    hi[j] = g[j].clone();
                }
            }
        }
        Some((lo, hi))
    }

    /// The generators violating `c·w ≤ 0`, lazily, each as a direction `z` from `x0` (a vertex of
    /// `Q` minus `x0`, or a recession direction of `Q`); none when `c` is implied.
    fn violators<'a>(&'a self, c: &'a [S]) -> impl Iterator<Item = Vec<S>> + 'a {
        let d = c.len() - 1;
        let lines = self.lines.iter().filter_map(move |l| {
            let v = dot(c, l);
            if v.is_zero() {
                return None;
            }
            let sign = if v.is_positive() { S::one() } else { -S::one() };
            Some(l[..d].iter().map(|a| a.clone() * &sign).collect())
        });
        let rays = self
            .rays
            .iter()
            .filter(move |(g, _)| dot(c, g).is_positive())
            .map(move |(g, _)| g[..d].to_vec());
        lines.chain(rays)
    }
}

/// Most generators [`irredundant`] keeps in its double description before it switches to LPs.
const DD_LIMIT: usize = 4096;

/// Irredundant rows of `{x : rows}` (method: see [`facets`]); `x0` is strictly inside all rows,
/// and no two rows define the same halfspace. `known` lists rows already proved to be facets, each
/// with a point in the relative interior of its facet. Returns, for each irredundant row index, a
/// point in the relative interior of its facet.
fn irredundant<S: Scalar>(
    d: usize,
    rows: &[Halfspace<S>],
    x0: &[S],
    known: Vec<(usize, Vec<S>)>,
    lps: &mut usize,
) -> Result<Vec<(usize, Vec<S>)>, GeometryError> {
    let m = rows.len();
    let slack0: Vec<S> = rows.iter().map(|h| h.slack(x0)).collect();
    let mut in_r = vec![false; m];
    let mut decided = vec![false; m];
    for (k, _) in &known {
        in_r[*k] = true;
        decided[*k] = true;
    }
    let mut facets: Vec<(usize, Vec<S>)> = known;
    // Nearest hyperplanes first (exact squared distances from x0): they are the likeliest
    // facets, and once the facets are known every redundant row is decided without a ray.
    let dist2: Vec<S> = rows
        .iter()
        .zip(&slack0)
        .map(|(h, s)| {
            let nn = dot(&h.normal, &h.normal);
            if nn.is_zero() {
                S::zero() // a zero row 0 ≤ b (b > 0) is implied by anything; decided at once
            } else {
                s.clone() * s / nn
            }
        })
        .collect();
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&a, &b| dist2[a].cmp(&dist2[b]));
    // The known facets as a double description; a candidate implied by them is redundant, and
    // the ray towards a generator violating it first hits a new facet (LP-free, exact).
    // (In high dimension the generators may become numerous: past DD_LIMIT of them, the rest is
    // decided by LPs alone.)
    let mut cone = Cone::new(d, m);
    let mut use_dd = true;
    let mut synced = 0;
    let mut bbox: Option<(Vec<S>, Vec<S>)> = None;
    for i in order {
        while !decided[i] {
            if use_dd && synced < facets.len() {
                for (k, _) in &facets[synced..] {
                    cone.add(*k, &Cone::constraint(&rows[*k], &slack0[*k]));
                }
                synced = facets.len();
                bbox = cone.bounding_box();
                use_dd = cone.rays.len() + cone.lines.len() <= DD_LIMIT;
            }
            if !use_dd {
                bbox = None;
            }
            // cheap test first: a bounded Q lies in its box; the box inside row i implies it
            if let Some((lo, hi)) = &bbox {
                let top = rows[i].normal.iter().zip(lo.iter().zip(hi)).fold(
                    S::zero(),
                    |acc, (a, (l, h))| {
                        if a.is_positive() {
                            acc + a.clone() * h
                        } else if a.is_negative() {
                            acc + a.clone() * l
                        } else {
                            acc
                        }
                    },
                );
                if top <= slack0[i] {
                    decided[i] = true; // redundant
                    break;
                }
            }
            if use_dd {
                let c = Cone::constraint(&rows[i], &slack0[i]);
                let mut dirs = cone.violators(&c).peekable();
                if dirs.peek().is_none() {
                    decided[i] = true; // implied by facets, i.e. by other rows: redundant
                    break;
                }
                let hit = dirs
                    .filter_map(|dir| first_hit(rows, &slack0, x0, &dir))
                    .find(|(k, _)| !in_r[*k]);
                if let Some((k, y)) = hit {
                    in_r[k] = true;
                    decided[k] = true;
                    facets.push((k, simplify_on_wall(rows, k, y)));
                    continue;
                }
            }
            // every such ray hits several rows at once: fall back to an LP
            // maximise a_i·x over the known facets and a_i·x ≤ b_i + 1
            let mut lp = LinearProgram::new(d, Sense::Maximize, rows[i].normal.clone());
            for &(k, _) in &facets {
                lp.add_halfspace(&rows[k]);
            }
            lp.add(
                rows[i].normal.clone(),
                Relation::Le,
                rows[i].offset.clone() + S::one(),
            );
            *lps += 1;
            let xs = match solve_from_feasible(&lp, x0)? {
                LpOutcome::Optimal { x, value, .. } => {
                    if value <= rows[i].offset {
                        decided[i] = true; // redundant
                        break;
                    }
                    x
                }
                other => {
                    return Err(GeometryError::InvalidInput(format!(
                        "redundancy LP is not optimal: {other:?}"
                    )))
                }
            };
            // ray shooting from x0 towards xs: first rows hit
            let dir: Vec<S> = xs.iter().zip(x0).map(|(a, b)| a.clone() - b).collect();
            let mut best: Option<S> = None;
            let mut tied: Vec<usize> = Vec::new();
            for (k, h) in rows.iter().enumerate() {
                let den = dot(&h.normal, &dir);
                if !den.is_positive() {
                    continue;
                }
                let s = slack0[k].clone() / den;
                match &best {
                    Some(b) if s > *b => {}
                    Some(b) if s == *b => tied.push(k),
                    _ => {
                        best = Some(s);
                        tied.clear();
                        tied.push(k);
                    }
                }
            }
            let s = best.expect("row i blocks the ray");
            if tied.len() == 1 {
                let k = tied[0];
                let y: Vec<S> = x0
                    .iter()
                    .zip(&dir)
                    .map(|(a, b)| a.clone() + s.clone() * b)
                    .collect();
                debug_assert!(!in_r[k]);
                in_r[k] = true;
                decided[k] = true;
                facets.push((k, y));
            } else {
                // several rows hit at once: decide each exactly (a Chebyshev LP on the wall)
                let before = facets.len();
                for &k in &tied {
                    let others: Vec<&Halfspace<S>> = rows
                        .iter()
                        .enumerate()
                        .filter(|&(l, _)| l != k)
                        .map(|(_, h)| h)
                        .collect();
                    let wall = rows[k].boundary();
                    *lps += 1;
                    decided[k] = true;
                    if let Some((y, t)) = chebyshev(d, &others, &[&wall], &S::one())? {
                        if t.is_positive() {
                            in_r[k] = true;
                            facets.push((k, y));
                        }
                    }
                }
                if facets.len() == before && !decided[i] {
                    return Err(GeometryError::InvalidInput(
                        "redundancy removal made no progress (inconsistent rows)".into(),
                    ));
                }
            }
        }
    }
    Ok(facets)
}

/// The facets (irredundant rows) of the polyhedron `{x : rows}`, given a point `x0` strictly
/// inside every row — the exact, mostly LP-free redundancy removal of the walk.
///
/// Returns `(row index, witness)` for each facet, by increasing index, where the witness lies on
/// the row's hyperplane and strictly inside every row defining a different halfspace (so in the
/// relative interior of the facet). Row `i` is reported iff its normal is nonzero, it is the
/// first of the rows defining the same halfspace (equal after scaling by a positive factor), and
/// dropping all rows defining that halfspace enlarges the polyhedron.
///
/// Method: rows in order of exact distance from `x0`; the facets found so far are kept as a
/// double description (vertices, rays, lines of the polyhedron they bound). A row satisfied by
/// all generators is redundant; otherwise the ray from `x0` towards a violating generator hits a
/// new facet first (when it hits a single row). Only when every such ray hits several rows at
/// once, or the description outgrows a fixed size (high dimension), is an LP solved (Clarkson's
/// step, exact, from `x0`).
///
/// Errors: [`GeometryError::DimensionMismatch`] on inconsistent lengths,
/// [`GeometryError::InvalidInput`] when `x0` is not strictly inside every row.
///
/// ```
/// use tropical_algebra::{Rat, Scalar};
/// use tropical_geometry::{cells::facets, Halfspace};
/// let r = |n: i64| Rat::from_i64(n);
/// // the square |x|, |y| ≤ 1 plus the redundant x + y ≤ 3 and a duplicate of x ≤ 1
/// let rows = [
///     Halfspace::new(vec![r(1), r(0)], r(1)),
///     Halfspace::new(vec![r(-1), r(0)], r(1)),
///     Halfspace::new(vec![r(0), r(1)], r(1)),
///     Halfspace::new(vec![r(0), r(-1)], r(1)),
///     Halfspace::new(vec![r(1), r(1)], r(3)),
///     Halfspace::new(vec![r(2), r(0)], r(2)),
/// ];
/// let f = facets(&rows, &[r(0), r(0)]).unwrap();
/// assert_eq!(f.iter().map(|(k, _)| *k).collect::<Vec<_>>(), vec![0, 1, 2, 3]);
/// ```
pub fn facets<S: Scalar>(
    rows: &[Halfspace<S>],
    x0: &[S],
) -> Result<Vec<(usize, Vec<S>)>, GeometryError> {
    let d = x0.len();
    if let Some(k) = rows.iter().position(|h| h.normal.len() != d) {
        return Err(GeometryError::DimensionMismatch(format!(
            "row {k} has dimension {}, the point has {d}",
            rows[k].normal.len()
        )));
    }
    if let Some(k) = rows.iter().position(|h| !h.contains_strictly(x0)) {
        return Err(GeometryError::InvalidInput(format!(
            "the point is not strictly inside row {k}"
        )));
    }
    // one row per halfspace (the first), zero rows dropped
    let mut first: HashMap<Halfspace<S>, usize> = HashMap::new();
    let mut kept: Vec<usize> = Vec::new();
    let mut plain: Vec<Halfspace<S>> = Vec::new();
    for (k, h) in rows.iter().enumerate() {
        let Some(n) = normalize(h) else { continue };
        if let std::collections::hash_map::Entry::Vacant(e) = first.entry(n.clone()) {
            e.insert(k);
            kept.push(k);
            plain.push(n);
        }
    }
    let mut lps = 0;
    let mut out: Vec<(usize, Vec<S>)> = irredundant(d, &plain, x0, Vec::new(), &mut lps)?
        .into_iter()
        .map(|(i, y)| (kept[i], y))
        .collect();
    out.sort_by_key(|(k, _)| *k);
    Ok(out)
}

/// Walk the cells of `oracle` inside `domain`, breadth-first from a cell containing a point
/// near the domain's interior point. See the module docs for the method and its assumptions.
///
/// Errors: shape mismatches, a domain with empty interior, an oracle violating its contract
/// (a halfspace the query point does not satisfy strictly), or failure to step off a wall.
pub fn walk_cells<S: Scalar, O: CellOracle<S>>(
    oracle: &O,
    domain: &Domain<S>,
    opts: &WalkOptions,
) -> Result<Walk<S, O::Label>, GeometryError> {
    let d = oracle.dim();
    if domain.dim()? != d {
        return Err(GeometryError::DimensionMismatch(format!(
            "domain of dimension {} for cells in dimension {d}",
            domain.dim()?
        )));
    }
    let dom_hs = domain.halfspaces();
    let x0 = domain.interior_point()?;
    let (start, start_cell) = start_point(oracle, domain, &x0)?;
    let mut walk = Walk {
        cells: Vec::new(),
        complete: true,
        dimension: d,
        lps_solved: 0,
    };
    let mut index: HashMap<O::Label, usize> = HashMap::new();
    let mut queue: VecDeque<(usize, Vec<Halfspace<S>>)> = VecDeque::new();
    // entries[j]: walls by which cell j was entered, as (wall seen from j, crossing point, cell
    // it was entered from).
    let mut entries: Vec<Vec<Entry<S>>> = vec![Vec::new()];
    if opts.max_cells == Some(0) {
        walk.complete = false;
        return Ok(walk);
    }
    index.insert(start_cell.label.clone(), 0);
    walk.cells.push(WalkedCell {
        label: start_cell.label,
        interior_point: start,
        facets: Vec::new(),
        neighbors: Vec::new(),
        explored: false,
    });
    queue.push_back((0, start_cell.halfspaces));
    let mut explored = 0usize;
    'outer: while let Some((ci, hs)) = queue.pop_front() {
        if opts.cancelled() {
            walk.complete = false;
            break;
        }
        let x = walk.cells[ci].interior_point.clone();
        let rows = candidate_rows(&hs, &dom_hs)?;
        let plain: Vec<Halfspace<S>> = rows.iter().map(|(h, _)| h.clone()).collect();
        if let Some(k) = plain.iter().position(|h| !h.contains_strictly(&x)) {
            return Err(GeometryError::InvalidInput(format!(
                "cell oracle contract violated: the interior point is not strictly inside wall {k}"
            )));
        }
        let (known, known_nb) = entered_facets(&plain, std::mem::take(&mut entries[ci]));
        let mut facets = irredundant(d, &plain, &x, known, &mut walk.lps_solved)?;
        facets.sort_by_key(|(k, _)| *k);
        let mut cell_facets = Vec::with_capacity(facets.len());
        let mut neighbors = Vec::with_capacity(facets.len());
        for (k, y) in facets {
            let (h, on_domain) = &rows[k];
            cell_facets.push(h.clone());
            if *on_domain {
                neighbors.push(None);
                continue;
            }
            if let Some(&(_, from)) = known_nb.iter().find(|(kk, _)| *kk == k) {
                neighbors.push(Some(from));
                continue;
            }
            if opts.cancelled() {
                walk.complete = false;
                neighbors.push(None);
                continue;
            }
            let (q, cell) = step_across(oracle, domain, &y, h)?;
            let back = Halfspace {
                normal: h.normal.iter().map(|v| -v.clone()).collect(),
                offset: -h.offset.clone(),
            };
            let nb = match index.get(&cell.label) {
                Some(&j) => {
                    if !walk.cells[j].explored {
                        entries[j].push((back, y, ci));
                    }
                    Some(j)
                }
                None => {
                    if opts.max_cells.is_some_and(|mx| walk.cells.len() >= mx) {
                        walk.complete = false;
                        None
                    } else {
                        let j = walk.cells.len();
                        index.insert(cell.label.clone(), j);
                        walk.cells.push(WalkedCell {
                            label: cell.label,
                            interior_point: q,
                            facets: Vec::new(),
                            neighbors: Vec::new(),
                            explored: false,
                        });
                        queue.push_back((j, cell.halfspaces));
                        entries.push(vec![(back, y, ci)]);
                        Some(j)
                    }
                }
            };
            neighbors.push(nb);
        }
        let c = &mut walk.cells[ci];
        c.facets = cell_facets;
        c.neighbors = neighbors;
        c.explored = true;
        explored += 1;
        if let Some(p) = &opts.progress {
            p(&WalkProgress {
                cells_found: walk.cells.len(),
                cells_explored: explored,
                lps_solved: walk.lps_solved,
            });
        }
        if !walk.complete {
            break 'outer;
        }
    }
    Ok(walk)
}

/// A wall by which a cell was entered: the wall's halfspace as seen from the entered cell, the
/// point where it was crossed, and the cell it was crossed from.
type Entry<S> = (Halfspace<S>, Vec<S>, usize);

/// The facets of a cell known from the walls it was entered by: `(row index, crossing point)`
/// for the walk's [`irredundant`], and `(row index, neighbour)`.
///
/// An entry `(g, y, from)` counts when `g` is one of the cell's candidate `rows` and `y` satisfies
/// every other row strictly: then `y` lies in the relative interior of the facet on `g` (exact
/// check, no assumption on the subdivision). The neighbour across it is `from`: `y` lies in the
/// relative interior of a facet of `from` too, so near `y` the far side of `g` is in `from`, and a
/// convex open cell containing a point there with `y` in its closure contains the whole segment
/// to `y`, which meets `from` — so stepping back across `g` at `y` would find exactly `from`.
#[allow(clippy::type_complexity)]
fn entered_facets<S: Scalar>(
    rows: &[Halfspace<S>],
    entries: Vec<Entry<S>>,
) -> (Vec<(usize, Vec<S>)>, Vec<(usize, usize)>) {
    let mut known: Vec<(usize, Vec<S>)> = Vec::new();
    let mut nbs = Vec::new();
    for (g, y, from) in entries {
        let Some(k) = rows.iter().position(|r| *r == g) else {
            continue;
        };
        if known.iter().any(|(kk, _)| *kk == k) {
            continue;
        }
        let on_facet = rows.iter().enumerate().all(|(l, r)| {
            if l == k {
                r.slack(&y).is_zero()
            } else {
                r.slack(&y).is_positive()
            }
        });
        if on_facet {
            known.push((k, y));
            nbs.push((k, from));
        }
    }
    (known, nbs)
}

/// A point and the oracle's answer there.
type Located<S, L> = (Vec<S>, OracleCell<S, L>);

/// Maximum number of halvings of a step before giving up (each halving is one oracle call).
const MAX_HALVINGS: u32 = 512;

/// A point near `x0` strictly inside the domain and a cell (no ties): try `x0` itself, then
/// `x0 + ε·(1, k, k², …)` for growing `k` and shrinking `ε` (a hyperplane through `x0` contains
/// at most `d − 1` of these directions, so this succeeds).
fn start_point<S: Scalar, O: CellOracle<S>>(
    oracle: &O,
    domain: &Domain<S>,
    x0: &[S],
) -> Result<Located<S, O::Label>, GeometryError> {
    if let Some(c) = oracle.locate(x0)? {
        return Ok((x0.to_vec(), c));
    }
    let d = x0.len();
    let half = S::from_ratio(1, 2)?;
    let mut eps = S::one();
    for round in 1..=MAX_HALVINGS as i64 {
        for k in 1..=round.min(4 * d as i64 + 4) {
            let kk = S::from_i64(k);
            let mut pw = S::one();
            let mut q = Vec::with_capacity(d);
            for xi in x0 {
                q.push(xi.clone() + eps.clone() * &pw);
                pw *= &kk;
            }
            if domain.contains_strictly(&q) {
                if let Some(c) = oracle.locate(&q)? {
                    return Ok((q, c));
                }
            }
        }
        eps *= &half;
    }
    Err(GeometryError::LimitExceeded(
        "could not find a starting point off all walls".into(),
    ))
}

/// A point with small denominators in the relative interior of the facet of `rows[k]`, given one
/// (`y`: on row `k`, strictly inside every other row): all coordinates of `y` but the first one
/// where the normal is nonzero are rounded to the grid `2^-j ℤ` and that coordinate is solved
/// from the row's equation, for the smallest `j ≤ 64` that keeps the point strictly inside the
/// other rows; `y` itself when none does. Small wall points keep the denominators of the walk's
/// steps and interior points small (so `Rat` arithmetic stays in its fast path).
fn simplify_on_wall<S: Scalar>(rows: &[Halfspace<S>], k: usize, y: Vec<S>) -> Vec<S> {
    let h = &rows[k];
    let Some(p) = h.normal.iter().position(|v| !v.is_zero()) else {
        return y;
    };
    let half = S::from_ratio(1, 2).expect("2 ≠ 0");
    let two = S::from_i64(2);
    let mut scale = S::one();
    let mut last_bad = usize::MAX; // the row that failed last is checked first
    let violated = |c: &[S], l: usize| l != k && !rows[l].contains_strictly(c);
    for _ in 0..=64 {
        let mut c: Vec<S> = y
            .iter()
            .map(|v| S::from_bigint(&(v.clone() * &scale + &half).floor()) / &scale)
            .collect();
        c[p] = S::zero();
        c[p] = (h.offset.clone() - dot(&h.normal, &c)) / &h.normal[p];
        if c == y {
            break;
        }
        let bad = if last_bad < rows.len() && violated(&c, last_bad) {
            Some(last_bad)
        } else {
            (0..rows.len()).find(|&l| violated(&c, l))
        };
        match bad {
            None => return c,
            Some(l) => last_bad = l,
        }
        scale *= &two;
    }
    y
}

/// Step from `y` (relative interior of the facet `h`) across it: `q = y + ε·v`, shrinking `ε` (see [`step_along`]) until
/// `q` is strictly inside the domain and a cell whose closure contains `y`.
///
/// The direction is `v = normal` first. In a deep piecewise-linear map a wall of the cell on the
/// far side may pass through `y` and contain `normal` (a Chebyshev centre is not a generic point),
/// and then every point of that ray is a tie. So when the straight ray never reaches a cell, the
/// step is retried along tilted directions `v_k = normal + δ·(1, k, k², …)` with `δ` small enough
/// that `v_k` still points across `h`: a hyperplane through `y` contains at most `d − 1` of the
/// `v_k`, so finitely many tries leave every such wall.
fn step_across<S: Scalar, O: CellOracle<S>>(
    oracle: &O,
    domain: &Domain<S>,
    y: &[S],
    h: &Halfspace<S>,
) -> Result<Located<S, O::Label>, GeometryError> {
    let d = y.len();
    let nn = dot(&h.normal, &h.normal);
    if let Some(found) = step_along(oracle, domain, y, &h.normal, &nn)? {
        return Ok(found);
    }
    // δ·|normal·(1,k,..,k^{d-1})| ≤ nn/2 keeps normal·v_k ≥ nn/2 > 0.
    let tries = 4 * d as i64 + 4;
    for k in 1..=tries {
        let kk = S::from_i64(k);
        let mut m = Vec::with_capacity(d);
        let mut pw = S::one();
        for _ in 0..d {
            m.push(pw.clone());
            pw *= &kk;
        }
        let nm = dot(&h.normal, &m).abs();
        let scale = nm.clone() + dot(&m, &m);
        let delta = nn.clone() / (S::from_i64(2) * scale);
        let v: Vec<S> = h
            .normal
            .iter()
            .zip(&m)
            .map(|(a, b)| a.clone() + delta.clone() * b)
            .collect();
        let vv = dot(&h.normal, &v);
        if let Some(found) = step_along(oracle, domain, y, &v, &vv)? {
            return Ok(found);
        }
    }
    Err(GeometryError::LimitExceeded(
        "could not step across a wall into a neighbouring cell".into(),
    ))
}

/// One direction of [`step_across`]: `q = y + ε·v`, starting at `ε = 1/scale` and shrinking at
/// most [`MAX_HALVINGS`] times; `None` when no `q` on the ray is in a cell whose closure holds `y`.
///
/// When `q` lies in a cell `c` whose closure misses `y`, the segment `(y, q]` meets `c` in an
/// interval `(ε_c, ε]` (convexity), with `ε_c` the largest crossing parameter of the walls of `c`
/// that `y` violates; the next try is the largest `ε/2^k < ε_c` (`k ≥ 1`), beyond `c`. Powers of
/// two keep the denominators of `q` small.
fn step_along<S: Scalar, O: CellOracle<S>>(
    oracle: &O,
    domain: &Domain<S>,
    y: &[S],
    v: &[S],
    scale: &S,
) -> Result<Option<Located<S, O::Label>>, GeometryError> {
    let half = S::from_ratio(1, 2)?;
    let mut eps = pow2_at_most(&(S::one() / scale));
    for _ in 0..MAX_HALVINGS {
        let q: Vec<S> = y
            .iter()
            .zip(v)
            .map(|(a, b)| a.clone() + eps.clone() * b)
            .collect();
        let mut next = eps.clone() * &half;
        if domain.contains_strictly(&q) {
            if let Some(c) = oracle.locate(&q)? {
                // the largest ε' at which the ray from y enters c, over the walls y violates
                let mut enter: Option<S> = None;
                for g in &c.halfspaces {
                    let sy = g.slack(y);
                    if sy.is_negative() {
                        let gv = dot(&g.normal, v); // < 0: q satisfies g, y does not
                        let e = sy / gv;
                        if enter.as_ref().is_none_or(|b| e > *b) {
                            enter = Some(e);
                        }
                    }
                }
                let Some(e) = enter else {
                    // y ∈ closure(c); a simpler point of the same open cell (it satisfies every
                    // halfspace of c strictly, so it lies in the interior of c's closure, i.e. c)
                    return Ok(Some((q, c)));
                };
                while next >= e {
                    next *= &half;
                }
            }
        }
        eps = next;
    }
    Ok(None)
}

/// The largest power of two (`2^k`, `k ∈ ℤ`) that is `≤ x`; `x > 0`.
fn pow2_at_most<S: Scalar>(x: &S) -> S {
    let two = S::from_i64(2);
    let mut p = S::one();
    while p > *x {
        p /= &two;
    }
    while p.clone() * &two <= *x {
        p *= &two;
    }
    p
}

/// Cached facets of each function's piece cells, by `(function, piece)`.
type FacetCache<S> = HashMap<(usize, usize), Vec<Halfspace<S>>>;

/// The [`CellOracle`] of the common refinement of max-affine functions: label = the canonical
/// argmax index of each function.
///
/// The halfspaces it reports for a cell are the facets of each function's own cell
/// `{x : piece j_h is maximal} ∩ domain`, computed once per `(h, j_h)` and cached (one
/// redundancy removal per piece instead of one over all `Σ_h N_h` rows per refinement cell).
#[derive(Debug)]
pub struct MaxAffineOracle<'a, S> {
    fns: &'a [MaxAffine<S>],
    canon: Vec<Vec<usize>>,
    dim: usize,
    domain_hs: Vec<Halfspace<S>>,
    cache: Mutex<FacetCache<S>>,
    lps: AtomicUsize,
}

impl<'a, S: Scalar> MaxAffineOracle<'a, S> {
    /// Validate `fns` (non-empty, same dimension) and build the oracle.
    pub fn new(fns: &'a [MaxAffine<S>]) -> Result<Self, GeometryError> {
        let first = fns
            .first()
            .ok_or_else(|| GeometryError::EmptyInput("no max-affine functions".into()))?;
        for f in fns {
            f.validate()?;
        }
        let dim = first.dim();
        if let Some(h) = fns.iter().position(|f| f.dim() != dim) {
            return Err(GeometryError::DimensionMismatch(format!(
                "function {h} has dimension {}, function 0 has {dim}",
                fns[h].dim()
            )));
        }
        Ok(Self {
            fns,
            canon: fns.iter().map(MaxAffine::canonical).collect(),
            dim,
            domain_hs: Vec::new(),
            cache: Mutex::new(HashMap::new()),
            lps: AtomicUsize::new(0),
        })
    }
    /// As [`MaxAffineOracle::new`], with the cached per-function cells intersected with `domain`
    /// (fewer candidate walls near the domain boundary).
    pub fn with_domain(fns: &'a [MaxAffine<S>], domain: &Domain<S>) -> Result<Self, GeometryError> {
        let mut o = Self::new(fns)?;
        if domain.dim()? != o.dim {
            return Err(GeometryError::DimensionMismatch(format!(
                "domain of dimension {} for functions of dimension {}",
                domain.dim()?,
                o.dim
            )));
        }
        o.domain_hs = domain.halfspaces();
        Ok(o)
    }
    /// LPs solved by the oracle's cache so far.
    pub fn lps_solved(&self) -> usize {
        self.lps.load(AtomicOrdering::Relaxed)
    }
    /// Facets of `{piece j of function h maximal} ∩ domain`; `x` is strictly inside it.
    fn piece_facets(
        &self,
        h: usize,
        j: usize,
        x: &[S],
    ) -> Result<Vec<Halfspace<S>>, GeometryError> {
        // the cache (and the domain rows) are used only for points strictly inside the domain
        let in_domain = self.domain_hs.iter().all(|g| g.contains_strictly(x));
        if in_domain {
            if let Some(f) = self.cache.lock().expect("cache lock").get(&(h, j)) {
                return Ok(f.clone());
            }
        }
        let f = &self.fns[h];
        let mut walls = Vec::with_capacity(f.len());
        for k in 0..f.len() {
            if self.canon[h][k] != k || k == j {
                continue;
            }
            let normal: Vec<S> = f.slopes[k]
                .iter()
                .zip(&f.slopes[j])
                .map(|(a, b)| a.clone() - b)
                .collect();
            walls.push(Halfspace {
                normal,
                offset: f.offsets[j].clone() - &f.offsets[k],
            });
        }
        let dom: &[Halfspace<S>] = if in_domain { &self.domain_hs } else { &[] };
        let rows = candidate_rows(&walls, dom)?;
        let plain: Vec<Halfspace<S>> = rows.into_iter().map(|(h, _)| h).collect();
        let mut lps = 0;
        let facets = irredundant(self.dim, &plain, x, Vec::new(), &mut lps)?;
        self.lps.fetch_add(lps, AtomicOrdering::Relaxed);
        let out: Vec<Halfspace<S>> = facets.into_iter().map(|(k, _)| plain[k].clone()).collect();
        if in_domain {
            self.cache
                .lock()
                .expect("cache lock")
                .insert((h, j), out.clone());
        }
        Ok(out)
    }
    /// The canonical argmax label at `x`, or `None` on a tie between non-identical pieces.
    pub fn label(&self, x: &[S]) -> Option<Vec<usize>> {
        let mut out = Vec::with_capacity(self.fns.len());
        for (f, canon) in self.fns.iter().zip(&self.canon) {
            let am = f.argmax(x);
            let j = canon[am[0]];
            if am.iter().any(|&k| canon[k] != j) {
                return None;
            }
            out.push(j);
        }
        Some(out)
    }
    /// Halfspaces of the closed region where `label` is an argmax tuple (piece `j_h` of function
    /// `h` is ≥ every other piece); trivial rows `0 ≤ c` are omitted.
    pub fn label_halfspaces(&self, label: &[usize]) -> Vec<Halfspace<S>> {
        let mut out = Vec::new();
        for (f, &j) in self.fns.iter().zip(label) {
            for k in 0..f.len() {
                let normal: Vec<S> = f.slopes[k]
                    .iter()
                    .zip(&f.slopes[j])
                    .map(|(a, b)| a.clone() - b)
                    .collect();
                let offset = f.offsets[j].clone() - &f.offsets[k];
                if normal.iter().all(S::is_zero) && !offset.is_negative() {
                    continue;
                }
                out.push(Halfspace { normal, offset });
            }
        }
        out
    }
    /// Number of canonical pieces of each function.
    pub fn canonical_counts(&self) -> Vec<usize> {
        self.canon
            .iter()
            .map(|c| c.iter().enumerate().filter(|&(j, &r)| j == r).count())
            .collect()
    }
}

impl<S: Scalar> CellOracle<S> for MaxAffineOracle<'_, S> {
    type Label = Vec<usize>;
    fn dim(&self) -> usize {
        self.dim
    }
    fn locate(&self, x: &[S]) -> Result<Option<OracleCell<S, Vec<usize>>>, GeometryError> {
        if x.len() != self.dim {
            return Err(GeometryError::DimensionMismatch(format!(
                "point of length {} for functions of dimension {}",
                x.len(),
                self.dim
            )));
        }
        let Some(label) = self.label(x) else {
            return Ok(None);
        };
        let mut halfspaces = Vec::new();
        for (h, &j) in label.iter().enumerate() {
            halfspaces.extend(self.piece_facets(h, j, x)?);
        }
        Ok(Some(OracleCell { label, halfspaces }))
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
