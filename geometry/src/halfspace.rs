//! Halfspaces `normal·x ≤ offset` and hyperplanes `normal·x = offset`: the shared H-representation
//! vocabulary of the crate (LP rows, polyhedron facets, cell walls), and the filtered exact sign
//! test behind every side-of-wall question.
//!
//! ## Main declarations
//! - [`Halfspace`], [`Hyperplane`], [`dot`].
//! - [`side_of_wall`]: the sign of `b − a·x`, filtered; [`side_of_wall_exact`] is the unfiltered
//!   reference. [`Halfspace::side`], [`Halfspace::contains`] and [`Halfspace::contains_strictly`]
//!   go through it.
//! - [`FilterStats`], [`filter_stats`]: how many signs the float filter certified and how many
//!   fell back to exact arithmetic (per thread).
//!
//! ## Implementation notes
//! The filter evaluates `b − Σ a_i x_i` in `f64` from [`Scalar::approx_f64`] approximations
//! (relative error `δ = 2^-50` each) and bounds the error by
//! `(3δ + (2k + 2)·u)·(|b̃| + Σ |ã_i x̃_i|)` for `k` nonzero terms (`u = 2^-53`; the analysis of
//! recursive summation, Higham, *Accuracy and Stability of Numerical Algorithms*, §4.2, plus the
//! input and product roundings). The sign is returned only when the computed value lies outside
//! that bound, or when every term is exactly zero; otherwise (and whenever a value is out of the
//! approximable range) the sign is recomputed exactly. A float never decides a sign it cannot
//! certify. No underflow can occur: approximations are `0` or of magnitude in `[2^-400, 2^400]`.
//!
//! ## References
//! - H. Brönnimann, C. Burnikel, S. Pion, *Interval arithmetic yields efficient dynamic filters
//!   for computational geometry*, Discrete Appl. Math. 109 (2001) (CGAL's filtered kernels).
//! - N. J. Higham, *Accuracy and Stability of Numerical Algorithms*, 2nd ed., SIAM 2002.

use std::cell::Cell;
use std::cmp::Ordering;

use serde::{Deserialize, Serialize};
use tropical_algebra::scalar::APPROX_REL_ERR;
use tropical_algebra::Scalar;

/// Counts of the filtered sign tests made by this thread (see [`filter_stats`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FilterStats {
    /// Signs certified by the `f64` filter.
    pub certified: u64,
    /// Signs that fell back to exact arithmetic.
    pub exact: u64,
}

thread_local! {
    static STATS: Cell<FilterStats> = const { Cell::new(FilterStats { certified: 0, exact: 0 }) };
    static ENABLED: Cell<bool> = const { Cell::new(true) };
}

/// Run `f` with the float filter switched off on this thread (every sign exact): the
/// unfiltered reference path for cross-checks. Results are identical either way.
///
/// ```
/// use tropical_algebra::{Rat, Scalar};
/// use tropical_geometry::halfspace::{filter_stats, side_of_wall, without_filter};
/// let r = |n: i64| Rat::from_i64(n);
/// let before = filter_stats();
/// let s = without_filter(|| side_of_wall(&[r(1)], &[r(2)], &r(5)));
/// assert_eq!(s, std::cmp::Ordering::Greater);
/// assert_eq!(filter_stats().certified, before.certified);
/// ```
pub fn without_filter<R>(f: impl FnOnce() -> R) -> R {
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            ENABLED.with(|e| e.set(self.0));
        }
    }
    let _restore = Restore(ENABLED.with(|e| e.replace(false)));
    f()
}

/// The filter counts of the calling thread since it started (monotone; compare two readings).
///
/// ```
/// use tropical_algebra::{Rat, Scalar};
/// use tropical_geometry::halfspace::{filter_stats, side_of_wall};
/// let before = filter_stats();
/// let r = |n: i64| Rat::from_i64(n);
/// // 1 − (1·1) = 0 exactly: the float value 0 is not certified unless every term is zero
/// assert_eq!(side_of_wall(&[r(1)], &[r(1)], &r(1)), std::cmp::Ordering::Equal);
/// assert_eq!(filter_stats().exact, before.exact + 1);
/// ```
pub fn filter_stats() -> FilterStats {
    STATS.with(Cell::get)
}

/// Whether the float filter is on for this thread (off inside [`without_filter`]).
pub(crate) fn filter_enabled() -> bool {
    ENABLED.with(Cell::get)
}

/// Count one filtered decision (`certified`) or one exact fallback.
pub(crate) fn record(certified: bool) {
    STATS.with(|c| {
        let mut s = c.get();
        if certified {
            s.certified += 1;
        } else {
            s.exact += 1;
        }
        c.set(s);
    });
}

/// Unit roundoff of `f64`.
const UNIT: f64 = f64::EPSILON / 2.0;

/// `f64` value and certified error bound of `b − a·x` (or `b + a·x` when `plus`): `(v, e)` with
/// `|v − exact| ≤ e`, `e = 0` only when every term is exactly zero; `None` when a value is out of
/// the approximable range.
pub(crate) fn approx_affine<S: Scalar>(a: &[S], x: &[S], b: &S, plus: bool) -> Option<(f64, f64)> {
    if !ENABLED.with(Cell::get) {
        return None;
    }
    let mut s = b.approx_f64()?;
    let mut m = s.abs();
    let mut k = 1;
    for (ai, xi) in a.iter().zip(x) {
        if ai.is_zero() || xi.is_zero() {
            continue;
        }
        let p = ai.approx_f64()? * xi.approx_f64()?;
        if plus {
            s += p;
        } else {
            s -= p;
        }
        m += p.abs();
        k += 1;
    }
    if k > 1 << 20 {
        return None;
    }
    let e = m * (3.0 * APPROX_REL_ERR + (2 * k + 2) as f64 * UNIT);
    e.is_finite().then_some((s, e))
}

/// The sign of a value known as `v ± e` (from [`approx_affine`]), when `e` certifies it.
pub(crate) fn certify(v: f64, e: f64) -> Option<Ordering> {
    if e == 0.0 {
        Some(Ordering::Equal) // every term is exactly zero (approximations are zero iff exact)
    } else if v > e {
        Some(Ordering::Greater)
    } else if v < -e {
        Some(Ordering::Less)
    } else {
        None
    }
}

/// The `f64` filter of [`side_of_wall`]: `Some(sign of b − a·x)` when certified, else `None`.
pub(crate) fn side_of_wall_filter<S: Scalar>(a: &[S], x: &[S], b: &S) -> Option<Ordering> {
    let (v, e) = approx_affine(a, x, b, false)?;
    certify(v, e)
}

/// The sign of `b − a·x` (`Greater`: strictly inside the halfspace `a·x ≤ b`; `Equal`: on its
/// wall), exact; decided in `f64` when the filter certifies it (see the module docs), else by
/// exact arithmetic. Lengths: the common prefix of `a` and `x`, as in [`dot`].
///
/// ```
/// use std::cmp::Ordering;
/// use tropical_algebra::{Rat, Scalar};
/// use tropical_geometry::halfspace::side_of_wall;
/// let q = |n: i64, d: i64| Rat::from_ratio(n, d).unwrap();
/// // 1/3 − 3·(1/9) = 0 exactly, although 1/3 and 1/9 are not floats
/// assert_eq!(side_of_wall(&[q(3, 1)], &[q(1, 9)], &q(1, 3)), Ordering::Equal);
/// assert_eq!(side_of_wall(&[q(3, 1)], &[q(1, 9)], &q(1, 2)), Ordering::Greater);
/// ```
pub fn side_of_wall<S: Scalar>(a: &[S], x: &[S], b: &S) -> Ordering {
    if let Some(s) = side_of_wall_filter(a, x, b) {
        record(true);
        return s;
    }
    record(false);
    side_of_wall_exact(a, x, b)
}

/// The sign of `a·x` ([`side_of_wall`] with `b = 0`, mirrored), filtered, exact.
pub fn dot_sign<S: Scalar>(a: &[S], x: &[S]) -> Ordering {
    side_of_wall(a, x, &S::zero()).reverse()
}

/// The sign of `b − a·x` by exact arithmetic only (the reference of [`side_of_wall`]).
pub fn side_of_wall_exact<S: Scalar>(a: &[S], x: &[S], b: &S) -> Ordering {
    (b.clone() - dot(a, x)).sign()
}

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

/// The constructor, dimension and `normal·x` of a type with fields `normal` and `offset`.
macro_rules! normal_offset_form {
    ($ty:ident, $what:literal) => {
        impl<S: Scalar> $ty<S> {
            #[doc = concat!("The ", $what, ".")]
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
        }
    };
}

normal_offset_form!(Halfspace, "halfspace `normal·x ≤ offset`");
normal_offset_form!(Hyperplane, "hyperplane `normal·x = offset`");

impl<S: Scalar> Halfspace<S> {
    /// `offset − normal·x` (≥ 0 inside, 0 on the boundary, < 0 outside).
    pub fn slack(&self, x: &[S]) -> S {
        self.offset.clone() - self.evaluate(x)
    }
    /// The sign of the slack `offset − normal·x` ([`side_of_wall`], filtered, exact).
    pub fn side(&self, x: &[S]) -> Ordering {
        side_of_wall(&self.normal, x, &self.offset)
    }
    /// `normal·x ≤ offset`.
    pub fn contains(&self, x: &[S]) -> bool {
        self.side(x) != Ordering::Less
    }
    /// `normal·x < offset`.
    pub fn contains_strictly(&self, x: &[S]) -> bool {
        self.side(x) == Ordering::Greater
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
    /// `offset − normal·x` (zero exactly on the hyperplane).
    pub fn residual(&self, x: &[S]) -> S {
        self.offset.clone() - self.evaluate(x)
    }
    /// `normal·x = offset`.
    pub fn contains(&self, x: &[S]) -> bool {
        self.residual(x).is_zero()
    }
}
