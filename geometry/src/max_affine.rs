//! Max-affine functions and the domains their cells are counted in: the shared vocabulary of the
//! cell walk, the power diagrams and the attention crate (SPEC §2 "Regions", T4–T7).
//!
//! A [`MaxAffine`] is `f(x) = max_j ⟨a_j, x⟩ + b_j`, a tropical polynomial in `x`; a [`Domain`] is
//! the whole space, a box or an H-polyhedron in which cells are enumerated.
//!
//! ## Main declarations
//! - [`MaxAffine`]: checked constructor, evaluation, argmax sets (filtered), canonical piece
//!   representatives.
//! - [`Domain`]: dimension, halfspaces, an interior point, strict containment.
//!
//! ## Implementation notes
//! Pieces with identical `(a_j, b_j)` tie everywhere; [`MaxAffine::canonical`] maps each to the
//! smallest index of its class, and cells are labelled by these representatives. All answers
//! are exact over any [`Scalar`]; [`MaxAffine::argmax`] compares pieces in `f64` first with a
//! certified error bound (the filter of [`crate::halfspace`]) and exactly only where the floats
//! cannot separate them ([`MaxAffine::argmax_exact`] is the unfiltered reference).
//!
//! ## References
//! - D. Maclagan, B. Sturmfels, *Introduction to Tropical Geometry*, AMS 2015, §1.1–1.2.
//! - H. Brönnimann, C. Burnikel, S. Pion, *Interval arithmetic yields efficient dynamic filters
//!   for computational geometry*, Discrete Appl. Math. 109 (2001).
//!
//! ```
//! use tropical_algebra::{Rat, Scalar};
//! use tropical_geometry::max_affine::{Domain, MaxAffine};
//! let r = |n: i64| Rat::from_i64(n);
//! let f = MaxAffine::new(vec![vec![r(0)], vec![r(1)]], vec![r(0), r(-1)]).unwrap();
//! assert_eq!(f.eval(&[r(3)]), r(2));
//! assert_eq!(f.argmax(&[r(1)]), vec![0, 1]);
//! assert!(Domain::cube(1, r(-1), r(1)).contains_strictly(&[r(0)]));
//! ```

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use tropical_algebra::Scalar;

use crate::error::GeometryError;
use crate::halfspace::{approx_affine, dot, record, Halfspace};
use crate::lp::interior_point;

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
    pub(crate) fn validate(&self) -> Result<(), GeometryError> {
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
    /// The argmax set at `x` (all maximising indices, increasing), exact.
    ///
    /// The pieces are compared in `f64` first (`compare_pieces`: each value with a certified error
    /// bound, see [`crate::halfspace`]); a piece is dropped only when its upper bound is below the
    /// lower bound of the float leader, and the remaining candidates (all of them when some
    /// value is out of the approximable range) are compared exactly.
    pub fn argmax(&self, x: &[S]) -> Vec<usize> {
        let cands = self.argmax_candidates(x);
        let single = cands.as_ref().is_some_and(|c| c.len() == 1);
        record(single);
        match cands {
            Some(c) if c.len() == 1 => c,
            Some(c) => self.argmax_among(x, c),
            None => self.argmax_exact(x),
        }
    }
    /// The argmax set at `x` by exact arithmetic only (the reference of [`MaxAffine::argmax`]).
    pub fn argmax_exact(&self, x: &[S]) -> Vec<usize> {
        self.argmax_among(x, (0..self.len()).collect())
    }
    /// The maximisers, exactly, among the pieces `among` (increasing, non-empty).
    fn argmax_among(&self, x: &[S], among: Vec<usize>) -> Vec<usize> {
        let vals: Vec<S> = among.iter().map(|&j| self.piece(j, x)).collect();
        let m = vals.iter().max().expect("non-empty").clone();
        among
            .into_iter()
            .zip(&vals)
            .filter(|(_, v)| **v == m)
            .map(|(j, _)| j)
            .collect()
    }
    /// The pieces that may be maximal at `x` (increasing): every piece whose certified upper
    /// bound is not below the certified lower bound of the float leader; `None` when some value
    /// cannot be approximated.
    fn argmax_candidates(&self, x: &[S]) -> Option<Vec<usize>> {
        let approx: Vec<(f64, f64)> = (0..self.len())
            .map(|j| approx_affine(&self.slopes[j], x, &self.offsets[j], true))
            .collect::<Option<_>>()?;
        let lead = (0..approx.len())
            .max_by(|&a, &b| approx[a].0.total_cmp(&approx[b].0))
            .expect("non-empty");
        let (vl, el) = approx[lead];
        // `vl − v > (el + e)(1 + 2^-30)` in floats certifies the exact piece values are ordered
        // (the margin covers the roundings of the subtraction and the sum)
        let margin = 1.0 + 1.0 / f64::from(1u32 << 30);
        Some(
            (0..approx.len())
                .filter(|&j| j == lead || vl - approx[j].0 <= (el + approx[j].1) * margin)
                .collect(),
        )
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
