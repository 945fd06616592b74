//! **T14 — Setting B (full self-attention) is not polyhedral** (SPEC §2 Setting B, §3 T14).
//!
//! *Instance* (explicit, derived). `d = 2`, `W_Q = W_K = I`, no biases, score scale `σ = 1`, one
//! fixed context token `c_1 = (2, 0)`; the varying token `x` is itself a key. Scores:
//! `score_self(x) = σ·⟨W_Q x, W_K x⟩ = ‖x‖²`, `score_1(x) = σ·⟨W_Q x, W_K c_1⟩ = 2x₁`.
//! The cell wall `{score_self = score_1}` is the zero set of `Q(x) = x₁² + x₂² − 2x₁`, the circle of
//! radius 1 about `(1, 0)`.
//!
//! *Conclusion (proved exactly by the test).*
//! 1. Non-degenerate quadric: the extended symmetric matrix `[[A, b/2], [b/2ᵀ, c]]` of `Q` has
//!    determinant `≠ 0` (computed by elimination and by Laplace expansion).
//! 2. Infinitely many wall points: `x(t) = (2/(1+t²), 2t/(1+t²))`, `t ∈ ℚ`, satisfy `Q = 0` exactly.
//! 3. Not a finite union of hyperplanes (lines): a union of `m` lines that contained `2m+1` points
//!    would contain 3 collinear ones (pigeonhole); the test exhibits `2m+1` wall points (m = 6), no
//!    three collinear (every 3×3 determinant `det[[x, y, 1]…] ≠ 0`). Independently, a non-degenerate
//!    conic contains no line: for every pair of wall points the midpoint is off the wall.
//! 4. The wall really separates cells: at `x(t)·(1 ± 1/8)` the argmax of the two scores differs
//!    (self wins outside the circle, `c_1` inside).
//!
//! A second, random part checks the identity `score_self(x) − score_1(x) = xᵀMx − ℓᵀx` with
//! `M = σ W_QᵀW_K`, `ℓ = σ W_QᵀW_K c_1` (two evaluations) for random `W_Q, W_K, c_1, x`, including
//! low-rank weights.

use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use tropical_algebra::{Rat, Scalar};

use crate::exact::{determinant, determinant_laplace, dot, mat_mul, mat_vec, transpose};

/// SPEC id.
pub const ID: &str = "T14";
/// One-line statement.
pub const STATEMENT: &str =
    "Setting B is not polyhedral: explicit instance whose cell wall is a non-degenerate quadric";

fn q(n: i64) -> Rat {
    Rat::from_i64(n)
}

/// A matrix by rows.
pub type Matrix = Vec<Vec<Rat>>;
/// Random Setting-B data `(W_Q, W_K, c_1, σ, x)`.
pub type SettingB = (Matrix, Matrix, Vec<Rat>, Rat, Vec<Rat>);

/// The wall quadric `Q(x) = xᵀ A x + bᵀ x + c` of a Setting-B pair (self vs one context key).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quadric {
    /// Symmetric quadratic part.
    pub a: Vec<Vec<Rat>>,
    /// Linear part.
    pub b: Vec<Rat>,
    /// Constant.
    pub c: Rat,
}

impl Quadric {
    /// Evaluate `Q(x)`.
    pub fn eval(&self, x: &[Rat]) -> Rat {
        dot(x, &mat_vec(&self.a, x)) + dot(&self.b, x) + &self.c
    }
    /// The extended symmetric matrix `[[A, b/2], [b/2ᵀ, c]]`.
    pub fn extended(&self) -> Vec<Vec<Rat>> {
        let d = self.b.len();
        let half = Rat::from_ratio(1, 2).expect("ok");
        let mut m: Vec<Vec<Rat>> = (0..d)
            .map(|i| {
                let mut r = self.a[i].clone();
                r.push(self.b[i].clone() * &half);
                r
            })
            .collect();
        let mut last: Vec<Rat> = self.b.iter().map(|x| x.clone() * &half).collect();
        last.push(self.c.clone());
        m.push(last);
        m
    }
}

/// Wall quadric `score_self − score_1` for `W_Q`, `W_K` (rows), context `c1`, scale `sigma`, no bias.
pub fn wall_quadric(wq: &[Vec<Rat>], wk: &[Vec<Rat>], c1: &[Rat], sigma: &Rat) -> Quadric {
    let m = mat_mul(&transpose(wq), wk); // W_Qᵀ W_K
    let d = m.len();
    let half = Rat::from_ratio(1, 2).expect("ok");
    let a = (0..d)
        .map(|i| {
            (0..d)
                .map(|j| (m[i][j].clone() + &m[j][i]) * &half * sigma)
                .collect()
        })
        .collect();
    let b = mat_vec(&m, c1).into_iter().map(|x| -(x * sigma)).collect();
    Quadric {
        a,
        b,
        c: Rat::zero(),
    }
}

/// The scores `(score_self, score_1)` evaluated directly from `q = W_Q x`, keys `W_K x`, `W_K c1`.
pub fn scores_direct(
    wq: &[Vec<Rat>],
    wk: &[Vec<Rat>],
    c1: &[Rat],
    sigma: &Rat,
    x: &[Rat],
) -> (Rat, Rat) {
    let qv = mat_vec(wq, x);
    (
        dot(&qv, &mat_vec(wk, x)) * sigma,
        dot(&qv, &mat_vec(wk, c1)) * sigma,
    )
}

/// The explicit instance: `(W_Q, W_K, c_1, σ)`.
pub fn explicit_instance() -> (Matrix, Matrix, Vec<Rat>, Rat) {
    let id = vec![vec![q(1), q(0)], vec![q(0), q(1)]];
    (id.clone(), id, vec![q(2), q(0)], q(1))
}

/// Rational wall points of the explicit instance, `t ∈ {0, ±1/2, ±1, ±2, ±3, …}` (`count` of them).
pub fn wall_points(count: usize) -> Vec<Vec<Rat>> {
    let ts: Vec<Rat> = (0..count as i64)
        .map(|i| {
            let k = (i + 1) / 2;
            let sgn = if i % 2 == 0 { 1 } else { -1 };
            Rat::from_ratio(sgn * k, 2).expect("ok")
        })
        .collect();
    ts.iter()
        .map(|t| {
            let den = Rat::one() + t.clone() * t;
            vec![q(2) / &den, q(2) * t / &den]
        })
        .collect()
}

/// Everything the explicit instance must satisfy; returns a human-readable certificate.
pub fn certify_explicit() -> Result<String, String> {
    let (wq, wk, c1, sigma) = explicit_instance();
    let quad = wall_quadric(&wq, &wk, &c1, &sigma);
    let ext = quad.extended();
    let det = determinant(&ext).ok_or("not square")?;
    if det != determinant_laplace(&ext) {
        return Err("determinant: elimination and Laplace disagree".into());
    }
    if det.is_zero() {
        return Err("extended matrix singular: degenerate quadric".into());
    }
    let m = 6;
    let pts = wall_points(2 * m + 1);
    for p in &pts {
        if !quad.eval(p).is_zero() {
            return Err(format!("point {p:?} not on the wall"));
        }
        let (s_self, s_1) = scores_direct(&wq, &wk, &c1, &sigma, p);
        if s_self != s_1 {
            return Err(format!("scores differ on wall point {p:?}"));
        }
        // Separation: scale by 9/8 (outside) and 7/8 (inside).
        for (f, self_wins) in [
            (Rat::from_ratio(9, 8).expect("ok"), true),
            (Rat::from_ratio(7, 8).expect("ok"), false),
        ] {
            let y: Vec<Rat> = p.iter().map(|c| c.clone() * &f).collect();
            let (a, b) = scores_direct(&wq, &wk, &c1, &sigma, &y);
            if (a > b) != self_wins || a == b {
                return Err(format!("no separation at {y:?}: self {a}, context {b}"));
            }
        }
    }
    for i in 0..pts.len() {
        for j in i + 1..pts.len() {
            let mid: Vec<Rat> = (0..2)
                .map(|c| (pts[i][c].clone() + &pts[j][c]) / q(2))
                .collect();
            if quad.eval(&mid).is_zero() {
                return Err(format!(
                    "midpoint {mid:?} on the wall: a line segment in the wall"
                ));
            }
            for k in j + 1..pts.len() {
                let rows: Vec<Vec<Rat>> = [i, j, k]
                    .iter()
                    .map(|&l| vec![pts[l][0].clone(), pts[l][1].clone(), q(1)])
                    .collect();
                if determinant(&rows).is_some_and(|d| d.is_zero()) {
                    return Err(format!("three collinear wall points {i},{j},{k}"));
                }
            }
        }
    }
    Ok(format!(
        "Q(x) = x1² + x2² − 2·x1 (A = {:?}, b = {:?}, c = {}); det extended = {det}; {} wall points, no 3 collinear, no midpoint on wall ⇒ not a union of ≤ {m} lines, and not a finite union of lines (non-degenerate conic)",
        quad.a,
        quad.b,
        quad.c,
        pts.len()
    ))
}

/// Random Setting-B data `(W_Q, W_K, c_1, σ, x)` in `d ∈ 1..=3`, low rank included.
pub fn strategy() -> impl Strategy<Value = SettingB> {
    (1usize..=3, 1usize..=3).prop_flat_map(|(d, dk)| {
        (
            crate::strategies::matrix(dk, d, 4),
            crate::strategies::matrix(dk, d, 4),
            prop::collection::vec(crate::strategies::small_rat(5), d),
            crate::strategies::positive_rat(4),
            prop::collection::vec(crate::strategies::small_rat(5), d),
        )
    })
}

/// The identity `score_self − score_1 = Q(x)` (direct evaluation vs quadric form).
pub fn check_identity(inst: &SettingB) -> Result<(), TestCaseError> {
    let (wq, wk, c1, sigma, x) = inst;
    let quad = wall_quadric(wq, wk, c1, sigma);
    let (a, b) = scores_direct(wq, wk, c1, sigma, x);
    if a.clone() - &b == quad.eval(x) {
        Ok(())
    } else {
        Err(TestCaseError::fail(format!(
            "score difference {} ≠ Q(x) {}",
            a - b,
            quad.eval(x)
        )))
    }
}
