//! Halfspaces `normal·x ≤ offset` and hyperplanes `normal·x = offset`: the shared H-representation
//! vocabulary of the crate (LP rows, polyhedron facets, cell walls).

use serde::{Deserialize, Serialize};
use tropical_algebra::Scalar;

/// The closed halfspace `{x : normal·x ≤ offset}`.
///
/// ```
/// use tropical_algebra::{Rat, Scalar};
/// use tropical_geometry::halfspace::Halfspace;
/// let h = Halfspace::new(vec![Rat::from_i64(1), Rat::from_i64(1)], Rat::from_i64(1));
/// assert!(h.contains(&[Rat::from_i64(0), Rat::from_i64(1)]));
/// assert!(!h.contains_strictly(&[Rat::from_i64(0), Rat::from_i64(1)]));
/// assert_eq!(h.slack(&[Rat::zero(), Rat::zero()]), Rat::one());
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Halfspace<S> {
    /// The outer normal `a` of `a·x ≤ b`.
    pub normal: Vec<S>,
    /// The right-hand side `b` of `a·x ≤ b`.
    pub offset: S,
}

/// The hyperplane `{x : normal·x = offset}`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Hyperplane<S> {
    /// The normal `a` of `a·x = b`.
    pub normal: Vec<S>,
    /// The right-hand side `b` of `a·x = b`.
    pub offset: S,
}

/// `⟨a, x⟩` over the common prefix of the two slices (callers ensure equal lengths).
pub fn dot<S: Scalar>(a: &[S], x: &[S]) -> S {
    let mut acc = S::zero();
    for (ai, xi) in a.iter().zip(x) {
        if !ai.is_zero() && !xi.is_zero() {
            acc += ai.clone() * xi;
        }
    }
    acc
}

impl<S: Scalar> Halfspace<S> {
    /// The halfspace `normal·x ≤ offset`.
    pub fn new(normal: Vec<S>, offset: S) -> Self {
        Self { normal, offset }
    }
    /// Ambient dimension (length of the normal).
    pub fn dim(&self) -> usize {
        self.normal.len()
    }
    /// `normal·x`.
    pub fn evaluate(&self, x: &[S]) -> S {
        dot(&self.normal, x)
    }
    /// `offset − normal·x` (≥ 0 inside, 0 on the boundary, < 0 outside).
    pub fn slack(&self, x: &[S]) -> S {
        self.offset.clone() - self.evaluate(x)
    }
    /// `normal·x ≤ offset`.
    pub fn contains(&self, x: &[S]) -> bool {
        !self.slack(x).is_negative()
    }
    /// `normal·x < offset`.
    pub fn contains_strictly(&self, x: &[S]) -> bool {
        self.slack(x).is_positive()
    }
    /// The complementary closed halfspace `−normal·x ≤ −offset`.
    pub fn flipped(&self) -> Self {
        Self {
            normal: self.normal.iter().map(|a| -a.clone()).collect(),
            offset: -self.offset.clone(),
        }
    }
    /// The bounding hyperplane `normal·x = offset`.
    pub fn boundary(&self) -> Hyperplane<S> {
        Hyperplane {
            normal: self.normal.clone(),
            offset: self.offset.clone(),
        }
    }
}

impl<S: Scalar> Hyperplane<S> {
    /// The hyperplane `normal·x = offset`.
    pub fn new(normal: Vec<S>, offset: S) -> Self {
        Self { normal, offset }
    }
    /// Ambient dimension (length of the normal).
    pub fn dim(&self) -> usize {
        self.normal.len()
    }
    /// `normal·x`.
    pub fn evaluate(&self, x: &[S]) -> S {
        dot(&self.normal, x)
    }
    /// `offset − normal·x` (zero exactly on the hyperplane).
    pub fn residual(&self, x: &[S]) -> S {
        self.offset.clone() - self.evaluate(x)
    }
    /// `normal·x = offset`.
    pub fn contains(&self, x: &[S]) -> bool {
        self.residual(x).is_zero()
    }
}
