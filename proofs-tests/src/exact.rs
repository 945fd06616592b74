//! Small exact linear-algebra helpers (Gaussian elimination over any [`Scalar`]).
//!
//! Used by the claim checks that need a determinant or a rank (T14 quadric non-degeneracy, S1
//! cycle ranks are over GF(2) in [`crate::graph`]). Exact: no tolerances.

use tropical_algebra::Scalar;

/// Row-echelon form by exact Gaussian elimination; returns (rank, determinant sign-adjusted
/// product of pivots when the matrix is square — `None` otherwise).
fn eliminate<S: Scalar>(m: &[Vec<S>]) -> (usize, Option<S>) {
    let rows = m.len();
    let cols = m.first().map_or(0, Vec::len);
    let mut a: Vec<Vec<S>> = m.to_vec();
    let mut rank = 0;
    let mut det = S::one();
    for c in 0..cols {
        if rank == rows {
            break;
        }
        let Some(p) = (rank..rows).find(|&r| !a[r][c].is_zero()) else {
            det = S::zero();
            continue;
        };
        if p != rank {
            a.swap(p, rank);
            det = -det;
        }
        let piv = a[rank][c].clone();
        det *= &piv;
        for r in rank + 1..rows {
            if a[r][c].is_zero() {
                continue;
            }
            let f = a[r][c].clone() / &piv;
            let pivot_row = a[rank].clone();
            for (x, y) in a[r].iter_mut().zip(&pivot_row).skip(c) {
                *x -= f.clone() * y;
            }
        }
        rank += 1;
    }
    let det = (rows == cols).then(|| if rank < rows { S::zero() } else { det });
    (rank, det)
}

/// Rank of a matrix given by rows.
pub fn rank<S: Scalar>(m: &[Vec<S>]) -> usize {
    eliminate(m).0
}

/// Determinant of a square matrix by elimination (`None` if not square).
pub fn determinant<S: Scalar>(m: &[Vec<S>]) -> Option<S> {
    if m.iter().any(|r| r.len() != m.len()) {
        return None;
    }
    if m.is_empty() {
        return Some(S::one());
    }
    eliminate(m).1
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

/// Inner product.
pub fn dot<S: Scalar>(a: &[S], b: &[S]) -> S {
    a.iter().zip(b).map(|(x, y)| x.clone() * y).sum()
}

/// Matrix–vector product (`m` by rows).
pub fn mat_vec<S: Scalar>(m: &[Vec<S>], x: &[S]) -> Vec<S> {
    m.iter().map(|r| dot(r, x)).collect()
}

/// Transpose.
pub fn transpose<S: Scalar>(m: &[Vec<S>]) -> Vec<Vec<S>> {
    let cols = m.first().map_or(0, Vec::len);
    (0..cols)
        .map(|j| m.iter().map(|r| r[j].clone()).collect())
        .collect()
}

/// Matrix product `a·b`.
pub fn mat_mul<S: Scalar>(a: &[Vec<S>], b: &[Vec<S>]) -> Vec<Vec<S>> {
    let bt = transpose(b);
    a.iter()
        .map(|r| bt.iter().map(|c| dot(r, c)).collect())
        .collect()
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
