//! Small exact helpers for the claim checks: linear algebra on matrices given by rows (a thin
//! layer over [`tropical_algebra::dense`]), a second determinant by cofactor expansion, arg-max
//! sets and binomial coefficients.
//!
//! ## Main declarations
//! - [`rank`], [`determinant`]: plain exact elimination ([`dense::rank_by_elimination`],
//!   [`dense::determinant`]), never the library's modular rank, so a claim that checks
//!   `pivot_columns` against them compares two methods.
//! - [`determinant_laplace`]: cofactor expansion, an independent second method.
//! - [`dot`], [`mat_vec`], [`transpose`], [`mat_mul`]: products over [`dense::Mat`].
//! - [`argmax_set`], [`argmin_set`], [`binomial`].
//!
//! ## Implementation notes
//! Matrices are `&[Vec<S>]` (rows) because the claims' strategies generate them so; a matrix
//! without rows has no columns. Exact: no tolerances. S1's cycle ranks are over GF(2) in
//! [`crate::graph`].

use tropical_algebra::dense::{self, Mat};
use tropical_algebra::Scalar;

/// Rank of a matrix given by rows, by plain exact elimination.
pub fn rank<S: Scalar>(m: &[Vec<S>]) -> usize {
    dense::rank_by_elimination(m)
}

/// Determinant of a square matrix by elimination (`None` if not square).
pub fn determinant<S: Scalar>(m: &[Vec<S>]) -> Option<S> {
    dense::determinant(m)
}

/// `m` as a [`Mat`]; panics on ragged rows (the claims' strategies never make them).
fn mat<S: Scalar>(m: &[Vec<S>]) -> Mat<S> {
    let cols = m.first().map_or(0, Vec::len);
    Mat::from_rows(m.to_vec(), cols).expect("rows of equal length")
}

/// Determinant by cofactor (Laplace) expansion: an independent second method for small matrices.
pub fn determinant_laplace<S: Scalar>(m: &[Vec<S>]) -> S {
    let n = m.len();
    if n == 0 {
        return S::one();
    }
    if n == 1 {
        return m[0][0].clone();
    }
    let mut acc = S::zero();
    for j in 0..n {
        let minor: Vec<Vec<S>> = m[1..]
            .iter()
            .map(|r| {
                r.iter()
                    .enumerate()
                    .filter(|&(k, _)| k != j)
                    .map(|(_, x)| x.clone())
                    .collect()
            })
            .collect();
        let term = m[0][j].clone() * determinant_laplace(&minor);
        if j % 2 == 0 {
            acc += term;
        } else {
            acc -= term;
        }
    }
    acc
}

/// Inner product (the shorter length wins).
pub fn dot<S: Scalar>(a: &[S], b: &[S]) -> S {
    dense::dot(a, b)
}

/// Matrix–vector product (`m` by rows; panics when `x` does not fit).
pub fn mat_vec<S: Scalar>(m: &[Vec<S>], x: &[S]) -> Vec<S> {
    m.iter().map(|r| dense::dot(r, x)).collect()
}

/// Transpose.
pub fn transpose<S: Scalar>(m: &[Vec<S>]) -> Vec<Vec<S>> {
    mat(m).transpose().to_rows()
}

/// Matrix product `a·b` (panics on an inner-dimension mismatch).
pub fn mat_mul<S: Scalar>(a: &[Vec<S>], b: &[Vec<S>]) -> Vec<Vec<S>> {
    let b = if b.is_empty() {
        Mat::zeros(0, 0)
    } else {
        mat(b)
    };
    let a = Mat::from_rows(a.to_vec(), b.rows()).expect("inner dimensions agree");
    a.mul(&b).expect("inner dimensions agree").to_rows()
}

/// The set of indices attaining the maximum (empty for an empty slice).
pub fn argmax_set<S: Scalar>(v: &[S]) -> Vec<usize> {
    let Some(m) = v.iter().max() else {
        return Vec::new();
    };
    (0..v.len()).filter(|&i| &v[i] == m).collect()
}

/// The set of indices attaining the minimum.
pub fn argmin_set<S: Scalar>(v: &[S]) -> Vec<usize> {
    let Some(m) = v.iter().min() else {
        return Vec::new();
    };
    (0..v.len()).filter(|&i| &v[i] == m).collect()
}

/// Binomial coefficient `C(n, k)` as `u128` (saturating).
pub fn binomial(n: u64, k: u64) -> u128 {
    if k > n {
        return 0;
    }
    let k = k.min(n - k);
    let mut acc: u128 = 1;
    for i in 0..k {
        acc = acc.saturating_mul(u128::from(n - i)) / u128::from(i + 1);
    }
    acc
}

#[cfg(test)]
mod tests {
    use super::*;
    use tropical_algebra::Rat;

    fn r(n: i64) -> Rat {
        Rat::from_i64(n)
    }

    #[test]
    fn determinant_two_ways_on_fixed_matrices() {
        let m = vec![
            vec![r(2), r(-1), r(0)],
            vec![r(1), r(3), r(4)],
            vec![r(0), r(5), r(-2)],
        ];
        assert_eq!(determinant(&m), Some(determinant_laplace(&m)));
        let singular = vec![vec![r(1), r(2)], vec![r(2), r(4)]];
        assert_eq!(determinant(&singular), Some(Rat::zero()));
        assert_eq!(rank(&singular), 1);
        assert_eq!(binomial(6, 2), 15);
    }
}
