//! Tropical polytopes (Develin–Sturmfels, "Tropical convexity", Doc. Math. 9 (2004); SPEC T13).
//!
//! For points `v_1..v_r ∈ TP^{n−1} = ℝ^n/ℝ·1`, the tropical convex hull
//! `tconv(V) = {⊕_i λ_i ⊙ v_i}` (max-plus: `max_i (λ_i + v_i)` coordinatewise; min-plus, the
//! paper's convention, is the mirror `x ↦ −x`).
//!
//! - **Projection** (max-plus): `λ_i = min_j (x_j − v_ij)`, `π(x) = max_i (λ_i + v_i)`; `π(x) ≤ x`
//!   and `π(x) = x ⇔ x ∈ tconv(V)` (DS Prop. 9 mirrored).
//! - **Type** (covector) of `x`: `S_j(x) = {i : x_j − v_ij = min_k (x_k − v_ik)}`; `x ∈ tconv(V)`
//!   iff every `S_j(x) ≠ ∅` (DS Lemma 10/Thm. 15).
//! - **Cells**: for a type `S`, `X_S = {x : S ⊆ type(x)}` is the alcoved polytope
//!   `{x : x_j − x_k ≤ v_ij − v_ik  for all j, k and i ∈ S_j}`. The `X_S` form the tropical complex
//!   (a polyhedral decomposition of `TP^{n−1}`); the bounded ones make up `tconv(V)` (DS Thm. 15).
//!
//! Everything is exact and LP-free: a system of difference constraints is closed under shortest
//! paths (Floyd–Warshall on the constraint graph). The closure `c_jk = max_{x ∈ X} (x_j − x_k)` is
//! attained; the system is empty iff there is a negative cycle; the cell is bounded iff every
//! `c_jk` is finite; its dimension in `TP^{n−1}` is the number of classes of `j ~ k ⇔ c_jk + c_kj
//! = 0` minus one; and `i ∈ S_j` on the relative interior iff `c_jk ≤ v_ij − v_ik` for every `k`.
//! The cells are enumerated by refining the complex one point at a time, deduplicating by exact
//! type (no enumeration of all type tuples).
//!
//! ```
//! use tropical_algebra::{Rat, Scalar};
//! use tropical_geometry::tropical_polytope::{Convention, TropicalPolytope};
//! let p = |v: [i64; 3]| v.iter().map(|&x| Rat::from_i64(x)).collect::<Vec<_>>();
//! let t = TropicalPolytope::new(vec![p([0, 0, 0]), p([0, 2, 1]), p([0, 1, 3])], Convention::Max).unwrap();
//! let cx = t.cell_complex().unwrap();
//! let f = cx.bounded_f_vector();
//! assert_eq!(f.iter().enumerate().map(|(i, &c)| if i % 2 == 0 { c as i64 } else { -(c as i64) }).sum::<i64>(), 1);
//! assert!(t.contains(&p([0, 1, 1])).unwrap());
//! ```

use std::collections::{BTreeSet, HashMap};

use serde::Serialize;
use tropical_algebra::Scalar;

/// Which tropical semiring the hull is taken in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Convention {
    /// `⊕ = max` (the workspace default, SPEC §1).
    Max,
    /// `⊕ = min` (Develin–Sturmfels' convention; the mirror image of `Max`).
    Min,
}

/// Errors of the tropical polytope constructions.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TropicalPolytopeError {
    /// No points were given.
    #[error("a tropical polytope needs at least one point")]
    Empty,
    /// Points of dimension 0 (TP^{-1} is empty).
    #[error("points must have at least one coordinate")]
    ZeroDimension,
    /// Points (or a query) of different lengths.
    #[error("dimension mismatch: point {index} has {got} coordinates, expected {expected}")]
    DimensionMismatch {
        /// Index of the offending point (`usize::MAX` for a query point).
        index: usize,
        /// Its number of coordinates.
        got: usize,
        /// The ambient number of coordinates `n`.
        expected: usize,
    },
    /// The cell enumeration would be too large (`n` bounds the `2^n` candidate sectors).
    #[error("too large: {0}")]
    TooLarge(String),
}

/// Largest ambient number of coordinates `n` accepted by [`TropicalPolytope::cell_complex`].
pub const MAX_COORDINATES: usize = 12;

/// The type (covector) of a point: `sets[j] = S_j ⊆ {0..r}` for each coordinate `j`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct CellType {
    /// `S_j` for `j = 0..n`, point indices in increasing order.
    pub sets: Vec<BTreeSet<usize>>,
}

impl CellType {
    /// `self ⊇ other` coordinatewise (then `X_self` is a face of `X_other`).
    pub fn contains(&self, other: &CellType) -> bool {
        self.sets
            .iter()
            .zip(&other.sets)
            .all(|(a, b)| b.is_subset(a))
    }
    /// Whether every `S_j` is nonempty (DS: the cell is bounded, part of `tconv(V)`).
    pub fn is_full(&self) -> bool {
        self.sets.iter().all(|s| !s.is_empty())
    }
}

/// One cell `X_S` of the tropical complex.
#[derive(Clone, Debug)]
pub struct TypeCell<S> {
    /// The type of the cell's relative interior.
    pub cell_type: CellType,
    /// Dimension in `TP^{n−1}`.
    pub dim: usize,
    /// Whether the cell is bounded (in `TP^{n−1}`).
    pub bounded: bool,
    /// `bounds[j][k] = max_{x ∈ X_S} (x_j − x_k)` (`None` = unbounded), in the caller's
    /// coordinates; the cell is `{x : x_j − x_k ≤ bounds[j][k]}`.
    pub bounds: Vec<Vec<Option<S>>>,
}

/// The tropical complex of `V`: all cells `X_S` (bounded and unbounded).
#[derive(Clone, Debug)]
pub struct CellComplex<S> {
    /// Every cell, sorted by (dimension, type).
    pub cells: Vec<TypeCell<S>>,
    convention: Convention,
    n: usize,
}

/// Points `v_1..v_r ∈ TP^{n−1}` and the semiring convention.
#[derive(Clone, Debug)]
pub struct TropicalPolytope<S> {
    /// The generating points as given.
    points: Vec<Vec<S>>,
    /// The points in max-plus form (negated for `Min`).
    maxplus: Vec<Vec<S>>,
    convention: Convention,
    n: usize,
}

/// Closed difference-constraint system: `c[j][k]` bounds `x_j − x_k` from above.
type Bounds<S> = Vec<Vec<Option<S>>>;

/// Floyd–Warshall closure; `false` when a negative cycle makes the system infeasible.
#[allow(clippy::needless_range_loop)] // rows j and m of the same matrix are read and written
fn close<S: Scalar>(c: &mut Bounds<S>) -> bool {
    let n = c.len();
    for m in 0..n {
        for j in 0..n {
            let Some(cjm) = c[j][m].clone() else { continue };
            for k in 0..n {
                if let Some(cmk) = c[m][k].clone() {
                    let via = cmk + &cjm;
                    if c[j][k].as_ref().is_none_or(|cur| via < *cur) {
                        c[j][k] = Some(via);
                    }
                }
            }
        }
        if (0..n).any(|j| c[j][j].as_ref().is_some_and(|d| d.is_negative())) {
            return false;
        }
    }
    true
}

fn tighten<S: Scalar>(c: &mut Bounds<S>, j: usize, k: usize, v: S) {
    if c[j][k].as_ref().is_none_or(|cur| v < *cur) {
        c[j][k] = Some(v);
    }
}

/// Dimension in `TP^{n−1}` of a nonempty closed system: classes of `c_jk + c_kj = 0`, minus one.
fn dimension<S: Scalar>(c: &Bounds<S>) -> usize {
    let n = c.len();
    let mut class = vec![usize::MAX; n];
    let mut classes = 0;
    for j in 0..n {
        if class[j] != usize::MAX {
            continue;
        }
        for k in j..n {
            let tied = k == j
                || matches!((&c[j][k], &c[k][j]), (Some(a), Some(b)) if (a.clone() + b).is_zero());
            if tied {
                class[k] = classes;
            }
        }
        classes += 1;
    }
    classes - 1
}

impl<S: Scalar> TropicalPolytope<S> {
    /// The tropical polytope of `points` (each of the same length `n ≥ 1`).
    pub fn new(points: Vec<Vec<S>>, convention: Convention) -> Result<Self, TropicalPolytopeError> {
        let n = points.first().ok_or(TropicalPolytopeError::Empty)?.len();
        if n == 0 {
            return Err(TropicalPolytopeError::ZeroDimension);
        }
        for (index, p) in points.iter().enumerate() {
            if p.len() != n {
                return Err(TropicalPolytopeError::DimensionMismatch {
                    index,
                    got: p.len(),
                    expected: n,
                });
            }
        }
        let maxplus = points.iter().map(|p| Self::mirror(convention, p)).collect();
        Ok(TropicalPolytope {
            points,
            maxplus,
            convention,
            n,
        })
    }

    fn mirror(convention: Convention, x: &[S]) -> Vec<S> {
        match convention {
            Convention::Max => x.to_vec(),
            Convention::Min => x.iter().map(|v| -v.clone()).collect(),
        }
    }

    fn check(&self, x: &[S]) -> Result<Vec<S>, TropicalPolytopeError> {
        if x.len() != self.n {
            return Err(TropicalPolytopeError::DimensionMismatch {
                index: usize::MAX,
                got: x.len(),
                expected: self.n,
            });
        }
        Ok(Self::mirror(self.convention, x))
    }

    /// The generating points.
    pub fn points(&self) -> &[Vec<S>] {
        &self.points
    }
    /// The number of coordinates `n` (the points live in `TP^{n−1}`).
    pub fn num_coordinates(&self) -> usize {
        self.n
    }
    /// The semiring convention.
    pub fn convention(&self) -> Convention {
        self.convention
    }

    /// The coefficients `λ_i` of the projection: `min_j (x_j − v_ij)` (max-plus) or
    /// `max_j (x_j − v_ij)` (min-plus).
    pub fn coefficients(&self, x: &[S]) -> Result<Vec<S>, TropicalPolytopeError> {
        let y = self.check(x)?;
        let lam = self.lambda(&y);
        Ok(match self.convention {
            Convention::Max => lam,
            Convention::Min => lam.into_iter().map(|l| -l).collect(),
        })
    }

    fn lambda(&self, y: &[S]) -> Vec<S> {
        self.maxplus
            .iter()
            .map(|v| {
                y.iter()
                    .zip(v)
                    .map(|(a, b)| a.clone() - b)
                    .min()
                    .expect("n ≥ 1")
            })
            .collect()
    }

    /// The projection `π(x) = ⊕_i λ_i ⊙ v_i` onto `tconv(V)` (DS §2): the largest (max-plus; the
    /// smallest for min-plus) point of the hull below (above) `x`. Idempotent; `π(x) = x` iff
    /// `x ∈ tconv(V)`.
    pub fn project(&self, x: &[S]) -> Result<Vec<S>, TropicalPolytopeError> {
        let y = self.check(x)?;
        let lam = self.lambda(&y);
        let p: Vec<S> = (0..self.n)
            .map(|j| {
                self.maxplus
                    .iter()
                    .zip(&lam)
                    .map(|(v, l)| l.clone() + &v[j])
                    .max()
                    .expect("r ≥ 1")
            })
            .collect();
        Ok(Self::mirror(self.convention, &p))
    }

    /// Membership in `tconv(V)`, decided by the projection (`π(x) = x`).
    pub fn contains(&self, x: &[S]) -> Result<bool, TropicalPolytopeError> {
        Ok(self.project(x)? == x)
    }

    /// The type (covector) of `x`: `S_j = {i : coordinate j attains the extremum of x − v_i}`.
    pub fn type_of(&self, x: &[S]) -> Result<CellType, TropicalPolytopeError> {
        let y = self.check(x)?;
        let lam = self.lambda(&y);
        let mut sets = vec![BTreeSet::new(); self.n];
        for (i, (v, l)) in self.maxplus.iter().zip(&lam).enumerate() {
            for j in 0..self.n {
                if y[j].clone() - &v[j] == *l {
                    sets[j].insert(i);
                }
            }
        }
        Ok(CellType { sets })
    }

    /// The exact type of the relative interior of a closed (nonempty) system.
    fn exact_type(&self, c: &Bounds<S>) -> Vec<u64> {
        self.maxplus
            .iter()
            .map(|v| {
                let mut mask = 0u64;
                for j in 0..self.n {
                    let forced = (0..self.n)
                        .all(|k| matches!(&c[j][k], Some(cjk) if *cjk <= v[j].clone() - &v[k]));
                    if forced {
                        mask |= 1 << j;
                    }
                }
                mask
            })
            .collect()
    }

    /// Add the constraints "every j in `mask` attains `min_k (x_k − v_k)`" to `c`.
    fn add_sector(&self, c: &mut Bounds<S>, v: &[S], mask: u64) {
        for j in 0..self.n {
            if mask >> j & 1 == 1 {
                for k in 0..self.n {
                    if k != j {
                        tighten(c, j, k, v[j].clone() - &v[k]);
                    }
                }
            }
        }
    }

    /// All cells of the tropical complex (DS §3–4), bounded and unbounded, each once.
    ///
    /// Errors when `n > MAX_COORDINATES`.
    pub fn cell_complex(&self) -> Result<CellComplex<S>, TropicalPolytopeError> {
        let n = self.n;
        if n > MAX_COORDINATES {
            return Err(TropicalPolytopeError::TooLarge(format!(
                "{n} coordinates (at most {MAX_COORDINATES})"
            )));
        }
        let mut whole: Bounds<S> = vec![vec![None; n]; n];
        for (j, row) in whole.iter_mut().enumerate() {
            row[j] = Some(S::zero());
        }
        // Level i: cells of the complex of the first i points, keyed by their exact partial type.
        let mut level: Vec<(Vec<u64>, Bounds<S>)> = vec![(Vec::new(), whole)];
        let full = (1u64 << n) - 1;
        for i in 0..self.maxplus.len() {
            let v = &self.maxplus[i];
            let mut next: HashMap<Vec<u64>, Bounds<S>> = HashMap::new();
            for (_, c) in &level {
                for mask in 1..=full {
                    let mut d = c.clone();
                    self.add_sector(&mut d, v, mask);
                    if !close(&mut d) {
                        continue;
                    }
                    let mut t = self.exact_type(&d);
                    t.truncate(i + 1);
                    next.entry(t).or_insert(d);
                }
            }
            level = next.into_iter().collect();
        }
        let mut cells: Vec<TypeCell<S>> = level
            .into_iter()
            .map(|(t, c)| {
                let mut sets = vec![BTreeSet::new(); n];
                for (i, mask) in t.iter().enumerate() {
                    for (j, set) in sets.iter_mut().enumerate() {
                        if mask >> j & 1 == 1 {
                            set.insert(i);
                        }
                    }
                }
                let bounded = c.iter().flatten().all(Option::is_some);
                let dim = dimension(&c);
                let bounds = match self.convention {
                    Convention::Max => c,
                    Convention::Min => (0..n)
                        .map(|j| (0..n).map(|k| c[k][j].clone()).collect())
                        .collect(),
                };
                TypeCell {
                    cell_type: CellType { sets },
                    dim,
                    bounded,
                    bounds,
                }
            })
            .collect();
        cells.sort_by(|a, b| (a.dim, &a.cell_type).cmp(&(b.dim, &b.cell_type)));
        Ok(CellComplex {
            cells,
            convention: self.convention,
            n,
        })
    }
}

impl<S: Scalar> CellComplex<S> {
    /// Indices (into `cells`) of the bounded cells: the cell decomposition of `tconv(V)`.
    pub fn bounded_cells(&self) -> Vec<usize> {
        (0..self.cells.len())
            .filter(|&i| self.cells[i].bounded)
            .collect()
    }

    /// The f-vector of the bounded complex: `f[d]` = number of bounded cells of dimension `d`.
    pub fn bounded_f_vector(&self) -> Vec<usize> {
        let mut f = Vec::new();
        for c in self.cells.iter().filter(|c| c.bounded) {
            if f.len() <= c.dim {
                f.resize(c.dim + 1, 0);
            }
            f[c.dim] += 1;
        }
        f
    }

    /// The pseudovertices (0-dimensional cells), normalised to first coordinate 0.
    pub fn pseudovertices(&self) -> Vec<Vec<S>> {
        self.cells
            .iter()
            .filter(|c| c.dim == 0)
            .map(|c| self.vertex_coordinates(c))
            .collect()
    }

    /// Coordinates of a 0-dimensional cell, first coordinate 0.
    fn vertex_coordinates(&self, c: &TypeCell<S>) -> Vec<S> {
        (0..self.n)
            .map(|j| c.bounds[j][0].clone().expect("a point is bounded"))
            .collect()
    }

    /// Indices of the maximal bounded cells (not a proper face of another bounded cell).
    pub fn maximal_cells(&self) -> Vec<usize> {
        let b = self.bounded_cells();
        b.iter()
            .copied()
            .filter(|&i| {
                !b.iter()
                    .any(|&k| k != i && self.cells[i].cell_type.contains(&self.cells[k].cell_type))
            })
            .collect()
    }

    /// Indices of the pseudovertices that are vertices of cell `i` (type ⊇ the cell's type).
    pub fn cell_vertices(&self, i: usize) -> Vec<usize> {
        (0..self.cells.len())
            .filter(|&k| {
                self.cells[k].dim == 0 && self.cells[k].cell_type.contains(&self.cells[i].cell_type)
            })
            .collect()
    }

    /// Barycenter of the vertices of bounded cell `i` (a point of its relative interior),
    /// normalised to first coordinate 0; `None` for an unbounded cell.
    pub fn relative_interior_point(&self, i: usize) -> Option<Vec<S>> {
        if !self.cells[i].bounded {
            return None;
        }
        let vs = self.cell_vertices(i);
        let count = S::from_i64(vs.len() as i64);
        let mut acc = vec![S::zero(); self.n];
        for &k in &vs {
            for (a, x) in acc.iter_mut().zip(self.vertex_coordinates(&self.cells[k])) {
                *a += x;
            }
        }
        Some(acc.into_iter().map(|a| a / &count).collect())
    }

    /// The convention the complex was computed in.
    pub fn convention(&self) -> Convention {
        self.convention
    }

    /// Euler characteristic `Σ (−1)^d f_d` of the bounded complex (1: it is contractible).
    pub fn bounded_euler_characteristic(&self) -> i64 {
        self.bounded_f_vector()
            .iter()
            .enumerate()
            .map(|(d, &f)| if d % 2 == 0 { f as i64 } else { -(f as i64) })
            .sum()
    }
}
