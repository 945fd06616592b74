//! Dense vectors and matrices over an exact [`Scalar`]: storage, views, products and exact
//! Gaussian elimination.
//!
//! This is the one home of ordinary (field) linear algebra in the workspace: attention models and
//! PL maps store their weights as [`Mat`], and the claim checks take their ranks and determinants
//! from here. The tropical (semiring) matrix is [`crate::matrix::Matrix`]; its `⊕`/`⊙` algebra is
//! a different one and keeps its own type.
//!
//! ## Main declarations
//! - [`Mat`]: a dense row-major `rows × cols` matrix; rows are borrowed slices ([`Mat::row`]),
//!   columns borrowed iterators ([`Mat::col`]); products [`Mat::mul`] and [`Mat::mul_vec`].
//! - [`dot`], [`add`], [`expect_len`]: vectors are plain slices.
//! - [`pivot_columns`] / [`rank`]: rank with a modular filter and an exact fallback.
//! - [`RowEchelon`] ([`row_echelon`]): plain exact Gauss–Jordan elimination, from which
//!   [`rank_by_elimination`], [`determinant`], [`solve`], [`nullspace`] and [`row_space`] follow.
//! - [`ShapeError`]: every shape mismatch names what was being built and both shapes.
//!
//! ## Implementation notes
//! - Exact throughout: no tolerance, no float decides anything. [`pivot_columns`] first works
//!   modulo the prime `2^61 − 1`; a full row rank modulo the prime certifies the rank over `Q`
//!   (a nonzero minor modulo `p` is nonzero), anything less is decided by exact elimination.
//!   [`rank_by_elimination`] never uses the prime, so the two are independent methods.
//! - [`Mat::mul`] puts each row of the left factor and each column of the right one over a common
//!   denominator once and multiplies integers, one normalisation per output entry (fast for the
//!   dyadic entries of float checkpoints).
//! - Why not `nalgebra`'s `DMatrix`: its decompositions (LU, QR, SVD, rank) need a
//!   `ComplexField`, which an exact rational is not, so the elimination would be ours anyway; and
//!   its product is the textbook sum of normalised rational products. Measured on a shared 2-core
//!   machine (release, one-off timing, dyadic entries `k/2^20` with `0 ≤ k < 2^20`): the product
//!   of a `64 × 384` and a `384 × 64` matrix took 26–30 s as `DMatrix<BigRational>` and
//!   0.22–0.24 s as [`Mat::mul`]; the rank of a full-rank `64 × 384` matrix took 197 s by
//!   elimination on `DMatrix<BigRational>` storage and 0.07 s by [`rank`] (certified modulo the
//!   prime), and of a rank-63 one 166 s and 102 s (exact fallback on [`Scalar`]). Storage alone
//!   would gain nothing over a `Vec`.
//!
//! ## References
//! - G. H. Golub, C. F. Van Loan, *Matrix Computations*, 4th ed., 2013, §3.2 (Gaussian
//!   elimination), §5.4 (rank).
//! - C.-P. Jeannerod, C. Pernet, A. Storjohann, "Rank-profile revealing Gaussian elimination",
//!   *J. Symbolic Comput.* 55 (2013) (pivot columns, modular rank).

use num_bigint::BigInt;
use num_integer::Integer;
use num_rational::BigRational;
use num_traits::{One, Zero};

use crate::Scalar;

/// A matrix or vector has the wrong shape.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("shape mismatch for {what}: expected {expected}, found {found}")]
pub struct ShapeError {
    /// What was being built or multiplied.
    pub what: String,
    /// The expected shape, in words.
    pub expected: String,
    /// The shape found.
    pub found: String,
}

impl ShapeError {
    /// A shape error naming `what`, the `expected` shape and the one `found`.
    pub fn new(
        what: impl Into<String>,
        expected: impl Into<String>,
        found: impl Into<String>,
    ) -> Self {
        ShapeError {
            what: what.into(),
            expected: expected.into(),
            found: found.into(),
        }
    }
}

/// Dense row-major `rows × cols` matrix over the exact scalar `S`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Mat<S> {
    rows: usize,
    cols: usize,
    data: Vec<S>,
}

impl<S: Scalar> Mat<S> {
    /// A matrix from row-major data; errors when `data.len() != rows·cols`.
    pub fn new(rows: usize, cols: usize, data: Vec<S>) -> Result<Self, ShapeError> {
        if rows.checked_mul(cols) != Some(data.len()) {
            return Err(ShapeError::new(
                "matrix data",
                format!("{rows}×{cols} = {} entries", rows.saturating_mul(cols)),
                format!("{} entries", data.len()),
            ));
        }
        Ok(Mat { rows, cols, data })
    }
    /// A matrix from rows; all rows must have length `cols` (which also fixes the width of a
    /// matrix without rows).
    pub fn from_rows(rows: Vec<Vec<S>>, cols: usize) -> Result<Self, ShapeError> {
        let r = rows.len();
        let mut data = Vec::with_capacity(r.saturating_mul(cols));
        for (i, row) in rows.into_iter().enumerate() {
            if row.len() != cols {
                return Err(ShapeError::new(
                    format!("matrix row {i}"),
                    format!("{cols} columns"),
                    format!("{}", row.len()),
                ));
            }
            data.extend(row);
        }
        Ok(Mat {
            rows: r,
            cols,
            data,
        })
    }
    /// The zero matrix.
    pub fn zeros(rows: usize, cols: usize) -> Self {
        Mat {
            rows,
            cols,
            data: vec![S::zero(); rows * cols],
        }
    }
    /// The identity matrix.
    pub fn identity(n: usize) -> Self {
        let mut m = Self::zeros(n, n);
        for i in 0..n {
            m.data[i * n + i] = S::one();
        }
        m
    }
    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.rows
    }
    /// Number of columns.
    pub fn cols(&self) -> usize {
        self.cols
    }
    /// Row-major entries.
    pub fn data(&self) -> &[S] {
        &self.data
    }
    /// Row `i`, borrowed (panics when `i ≥ rows`, like slice indexing).
    pub fn row(&self, i: usize) -> &[S] {
        &self.data[i * self.cols..(i + 1) * self.cols]
    }
    /// Column `j`, borrowed, top to bottom (panics when `j ≥ cols`).
    pub fn col(&self, j: usize) -> impl ExactSizeIterator<Item = &S> + '_ {
        assert!(j < self.cols, "column {j} out of range");
        (0..self.rows).map(move |i| &self.data[i * self.cols + j])
    }
    /// The rows, borrowed.
    pub fn row_slices(&self) -> impl ExactSizeIterator<Item = &[S]> + '_ {
        (0..self.rows).map(|i| self.row(i))
    }
    /// Entry `(i, j)`.
    pub fn get(&self, i: usize, j: usize) -> &S {
        &self.data[i * self.cols + j]
    }
    /// Mutable entry `(i, j)`.
    pub fn get_mut(&mut self, i: usize, j: usize) -> &mut S {
        &mut self.data[i * self.cols + j]
    }
    /// The rows as vectors.
    pub fn to_rows(&self) -> Vec<Vec<S>> {
        self.row_slices().map(<[S]>::to_vec).collect()
    }
    /// `self · x`; errors when `x.len() != cols`.
    pub fn mul_vec(&self, x: &[S]) -> Result<Vec<S>, ShapeError> {
        if x.len() != self.cols {
            return Err(ShapeError::new(
                "matrix-vector product",
                format!("vector of length {}", self.cols),
                format!("length {}", x.len()),
            ));
        }
        Ok(self.row_slices().map(|r| dot(r, x)).collect())
    }
    /// `self · other`; errors on an inner-dimension mismatch.
    ///
    /// Exact, computed over the integers: each row of `self` and each column of `other` is put
    /// over a common denominator once, so the inner products need no gcd; one normalisation per
    /// output entry.
    pub fn mul(&self, other: &Mat<S>) -> Result<Mat<S>, ShapeError> {
        if self.cols != other.rows {
            return Err(ShapeError::new(
                "matrix product",
                format!("{} rows on the right", self.cols),
                format!(
                    "{}×{} times {}×{}",
                    self.rows, self.cols, other.rows, other.cols
                ),
            ));
        }
        let a: Vec<(Vec<BigInt>, BigInt)> = self
            .row_slices()
            .map(|r| common_denominator(r.iter()))
            .collect();
        let b: Vec<(Vec<BigInt>, BigInt)> = (0..other.cols)
            .map(|j| common_denominator(other.col(j)))
            .collect();
        let mut data = Vec::with_capacity(self.rows * other.cols);
        for (an, ad) in &a {
            for (bn, bd) in &b {
                let mut acc = BigInt::zero();
                for (x, y) in an.iter().zip(bn) {
                    if !x.is_zero() && !y.is_zero() {
                        acc += x * y;
                    }
                }
                data.push(S::from_big_rational_owned(BigRational::new(acc, ad * bd)));
            }
        }
        Ok(Mat {
            rows: self.rows,
            cols: other.cols,
            data,
        })
    }
    /// The transpose.
    pub fn transpose(&self) -> Mat<S> {
        let data = (0..self.cols).flat_map(|j| self.col(j).cloned()).collect();
        Mat {
            rows: self.cols,
            cols: self.rows,
            data,
        }
    }
    /// Rows `start..end` as a new matrix (panics when out of range).
    pub fn row_block(&self, start: usize, end: usize) -> Mat<S> {
        Mat {
            rows: end - start,
            cols: self.cols,
            data: self.data[start * self.cols..end * self.cols].to_vec(),
        }
    }
    /// Columns `start..end` as a new matrix (panics when out of range).
    pub fn col_block(&self, start: usize, end: usize) -> Mat<S> {
        let mut data = Vec::with_capacity(self.rows * (end - start));
        for r in self.row_slices() {
            data.extend_from_slice(&r[start..end]);
        }
        Mat {
            rows: self.rows,
            cols: end - start,
            data,
        }
    }
    /// Every entry multiplied by `c`.
    pub fn scaled(&self, c: &S) -> Mat<S> {
        Mat {
            rows: self.rows,
            cols: self.cols,
            data: self.data.iter().map(|x| x.clone() * c).collect(),
        }
    }
    /// Check the shape, naming `what` in the error.
    pub fn expect_shape(&self, what: &str, rows: usize, cols: usize) -> Result<(), ShapeError> {
        if self.rows != rows || self.cols != cols {
            return Err(ShapeError::new(
                what,
                format!("{rows}×{cols}"),
                format!("{}×{}", self.rows, self.cols),
            ));
        }
        Ok(())
    }
    /// The rank (see [`pivot_columns`]).
    pub fn rank(&self) -> usize {
        rank(&self.to_rows(), self.cols)
    }
    /// The determinant by exact elimination; `None` unless the matrix is square.
    pub fn determinant(&self) -> Option<S> {
        if self.rows != self.cols {
            return None;
        }
        determinant(&self.to_rows())
    }
}

/// Numerators over the least common denominator of `v`, and that denominator.
fn common_denominator<'a, S: Scalar>(v: impl Iterator<Item = &'a S>) -> (Vec<BigInt>, BigInt) {
    let q: Vec<BigRational> = v.map(|x| x.to_big_rational()).collect();
    let mut den = BigInt::one();
    for x in &q {
        if !x.denom().is_one() {
            den = den.lcm(x.denom());
        }
    }
    let nums = q.iter().map(|x| x.numer() * (&den / x.denom())).collect();
    (nums, den)
}

/// `⟨a, b⟩` (the shorter length wins; callers check lengths with [`expect_len`]).
pub fn dot<S: Scalar>(a: &[S], b: &[S]) -> S {
    let mut acc = S::zero();
    for (x, y) in a.iter().zip(b) {
        if !x.is_zero() {
            acc += x.clone() * y;
        }
    }
    acc
}

/// `a + b` entrywise (the shorter length wins).
pub fn add<S: Scalar>(a: &[S], b: &[S]) -> Vec<S> {
    a.iter().zip(b).map(|(x, y)| x.clone() + y).collect()
}

/// Check a vector length, naming `what` in the error.
pub fn expect_len<T>(what: &str, v: &[T], n: usize) -> Result<(), ShapeError> {
    if v.len() != n {
        return Err(ShapeError::new(
            what,
            format!("length {n}"),
            format!("length {}", v.len()),
        ));
    }
    Ok(())
}

/// The Mersenne prime `2^61 − 1`, the modulus of the fast rank test.
const P61: u64 = (1 << 61) - 1;

fn mul_mod(a: u64, b: u64) -> u64 {
    ((a as u128 * b as u128) % P61 as u128) as u64
}

fn pow_mod(mut a: u64, mut e: u64) -> u64 {
    let mut r = 1;
    while e > 0 {
        if e & 1 == 1 {
            r = mul_mod(r, a);
        }
        a = mul_mod(a, a);
        e >>= 1;
    }
    r
}

/// `x` reduced modulo `2^61 − 1`, or `None` when its denominator is divisible by the prime.
fn residue<S: Scalar>(x: &S) -> Option<u64> {
    let q = x.to_big_rational();
    let p = BigInt::from(P61);
    let to_u64 = |n: &BigInt| -> u64 {
        let r = n.mod_floor(&p);
        u64::try_from(r).expect("a residue modulo 2^61 − 1 fits in u64")
    };
    let d = to_u64(q.denom());
    if d == 0 {
        return None;
    }
    Some(mul_mod(to_u64(q.numer()), pow_mod(d, P61 - 2)))
}

/// Pivot columns of the reduced row echelon form of the matrix whose rows are `rows` (each of
/// length `cols`): a set of linearly independent columns spanning the column space, so its size
/// is the rank. The columns chosen are the lexicographically first such set.
///
/// Computed first modulo the prime `2^61 − 1`: when that rank equals the number of rows (the most
/// possible) the answer is certified; otherwise exact elimination over `S` decides.
///
/// ```
/// use tropical_algebra::{Rat, Scalar};
/// use tropical_algebra::dense::pivot_columns;
/// let r = |n: i64| Rat::from_i64(n);
/// // second column = 2 × first: rank 2, columns 0 and 2
/// let rows = vec![vec![r(1), r(2), r(0)], vec![r(3), r(6), r(1)], vec![r(4), r(8), r(1)]];
/// assert_eq!(pivot_columns(&rows, 3), vec![0, 2]);
/// ```
pub fn pivot_columns<S: Scalar>(rows: &[Vec<S>], cols: usize) -> Vec<usize> {
    if let Some(p) = pivot_columns_mod_p(rows, cols) {
        if p.len() == rows.len() {
            return p;
        }
    }
    eliminate(rows, cols, false).pivots
}

/// Rank of the matrix whose rows are `rows` (see [`pivot_columns`]).
pub fn rank<S: Scalar>(rows: &[Vec<S>], cols: usize) -> usize {
    pivot_columns(rows, cols).len()
}

/// Pivot columns modulo `2^61 − 1` (`None` when a denominator vanishes modulo the prime).
fn pivot_columns_mod_p<S: Scalar>(rows: &[Vec<S>], cols: usize) -> Option<Vec<usize>> {
    let mut m: Vec<Vec<u64>> = rows
        .iter()
        .map(|r| r.iter().map(residue).collect::<Option<Vec<u64>>>())
        .collect::<Option<_>>()?;
    let mut pivots = Vec::new();
    let mut top = 0;
    for c in 0..cols {
        if top == m.len() {
            break;
        }
        let Some(p) = (top..m.len()).find(|&i| m[i][c] != 0) else {
            continue;
        };
        m.swap(top, p);
        let inv = pow_mod(m[top][c], P61 - 2);
        let pivot_row: Vec<u64> = m[top].iter().map(|&v| mul_mod(v, inv)).collect();
        for row in m.iter_mut().skip(top + 1) {
            let f = row[c];
            if f != 0 {
                for (x, &y) in row.iter_mut().zip(&pivot_row).skip(c) {
                    *x = (*x + P61 - mul_mod(f, y)) % P61;
                }
            }
        }
        m[top] = pivot_row;
        pivots.push(c);
        top += 1;
    }
    Some(pivots)
}

/// The reduced row echelon form of a matrix, by exact Gauss–Jordan elimination.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowEchelon<S> {
    /// The nonzero rows of the reduced form: row `i` has a `1` in column `pivots[i]`, and every
    /// other row a `0` there.
    pub rows: Vec<Vec<S>>,
    /// The pivot columns, increasing (the lexicographically first independent columns).
    pub pivots: Vec<usize>,
    /// Number of columns.
    pub cols: usize,
    /// For a square input, its determinant; `None` for a non-square one.
    pub determinant: Option<S>,
}

/// The reduced row echelon form of the matrix whose rows are `rows`, each of length `cols`
/// (panics when a row is shorter). Plain exact elimination, no modular filter.
pub fn row_echelon<S: Scalar>(rows: &[Vec<S>], cols: usize) -> RowEchelon<S> {
    eliminate(rows, cols, true)
}

/// Exact elimination: Gauss–Jordan to the reduced form when `reduced`, else forward elimination
/// only (the same pivots and determinant, about half the work; `rows` then in echelon form).
fn eliminate<S: Scalar>(rows: &[Vec<S>], cols: usize, reduced: bool) -> RowEchelon<S> {
    let mut m: Vec<Vec<S>> = rows.iter().map(|r| r[..cols].to_vec()).collect();
    let mut pivots = Vec::new();
    let mut det = S::one();
    let mut top = 0;
    for c in 0..cols {
        if top == m.len() {
            break;
        }
        let Some(p) = (top..m.len()).find(|&i| !m[i][c].is_zero()) else {
            continue;
        };
        if p != top {
            m.swap(top, p);
            det = -det;
        }
        let piv = m[top][c].clone();
        det *= &piv;
        if reduced {
            for x in m[top].iter_mut().skip(c) {
                *x /= &piv;
            }
        }
        let pivot_row = m[top].clone();
        for (i, row) in m.iter_mut().enumerate() {
            if i == top || (!reduced && i < top) || row[c].is_zero() {
                continue;
            }
            let f = if reduced {
                row[c].clone()
            } else {
                row[c].clone() / &pivot_row[c]
            };
            for (x, y) in row.iter_mut().zip(&pivot_row).skip(c) {
                if !y.is_zero() {
                    *x -= f.clone() * y;
                }
            }
        }
        pivots.push(c);
        top += 1;
    }
    let n = rows.len();
    let determinant = (n == cols).then(|| if top < n { S::zero() } else { det });
    m.truncate(top);
    RowEchelon {
        rows: m,
        pivots,
        cols,
        determinant,
    }
}

/// Width of a matrix given by rows (`0` without rows).
fn width<S>(rows: &[Vec<S>]) -> usize {
    rows.first().map_or(0, Vec::len)
}

/// Rank by plain exact elimination ([`row_echelon`]), never modulo a prime: a method independent
/// of [`rank`]'s modular filter.
pub fn rank_by_elimination<S: Scalar>(rows: &[Vec<S>]) -> usize {
    eliminate(rows, width(rows), false).pivots.len()
}

/// Determinant of a square matrix given by rows (`1` for the empty matrix), or `None` when it is
/// not square.
pub fn determinant<S: Scalar>(rows: &[Vec<S>]) -> Option<S> {
    if rows.iter().any(|r| r.len() != rows.len()) {
        return None;
    }
    if rows.is_empty() {
        return Some(S::one());
    }
    eliminate(rows, rows.len(), false).determinant
}

/// A solution `x` of `A x = b` (`A` given by rows of length `cols`), the free variables set to
/// zero; `None` when the system has no solution. Errors when `b.len()` is not the number of rows.
pub fn solve<S: Scalar>(a: &[Vec<S>], cols: usize, b: &[S]) -> Result<Option<Vec<S>>, ShapeError> {
    expect_len("right-hand side", b, a.len())?;
    let augmented: Vec<Vec<S>> = a
        .iter()
        .zip(b)
        .map(|(r, bi)| {
            let mut r = r[..cols].to_vec();
            r.push(bi.clone());
            r
        })
        .collect();
    let e = row_echelon(&augmented, cols + 1);
    if e.pivots.last() == Some(&cols) {
        return Ok(None);
    }
    let mut x = vec![S::zero(); cols];
    for (row, &p) in e.rows.iter().zip(&e.pivots) {
        x[p] = row[cols].clone();
    }
    Ok(Some(x))
}

/// A basis of the right nullspace `{x : A x = 0}` (`A` given by rows of length `cols`): one vector
/// per free column, with a `1` there and `0` in the other free columns.
pub fn nullspace<S: Scalar>(a: &[Vec<S>], cols: usize) -> Vec<Vec<S>> {
    let e = row_echelon(a, cols);
    let mut is_pivot = vec![false; cols];
    for &p in &e.pivots {
        is_pivot[p] = true;
    }
    (0..cols)
        .filter(|&f| !is_pivot[f])
        .map(|f| {
            let mut x = vec![S::zero(); cols];
            x[f] = S::one();
            for (row, &p) in e.rows.iter().zip(&e.pivots) {
                x[p] = -row[f].clone();
            }
            x
        })
        .collect()
}

/// A basis of the row space: the nonzero rows of the reduced row echelon form.
pub fn row_space<S: Scalar>(a: &[Vec<S>], cols: usize) -> Vec<Vec<S>> {
    row_echelon(a, cols).rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Rat;
    use proptest::prelude::*;

    fn r(n: i64) -> Rat {
        Rat::from_i64(n)
    }

    fn rows_strategy() -> impl Strategy<Value = (Vec<Vec<Rat>>, usize)> {
        (0usize..5, 0usize..5).prop_flat_map(|(n, c)| {
            (
                prop::collection::vec(prop::collection::vec((-3i64..=3).prop_map(r), c), n),
                Just(c),
            )
        })
    }

    /// Determinant by cofactor expansion: an independent method for small matrices.
    fn laplace(m: &[Vec<Rat>]) -> Rat {
        if m.is_empty() {
            return Rat::one();
        }
        (0..m.len())
            .map(|j| {
                let minor: Vec<Vec<Rat>> = m[1..]
                    .iter()
                    .map(|row| [&row[..j], &row[j + 1..]].concat())
                    .collect();
                let t = m[0][j].clone() * laplace(&minor);
                if j % 2 == 0 {
                    t
                } else {
                    -t
                }
            })
            .sum()
    }

    proptest! {
        #[test]
        fn modular_and_plain_rank_agree((m, c) in rows_strategy()) {
            let e = row_echelon(&m, c);
            prop_assert_eq!(pivot_columns(&m, c), e.pivots.clone());
            prop_assert_eq!(row_space(&m, c).len(), e.pivots.len());
        }

        #[test]
        fn nullspace_is_killed_and_has_the_right_dimension((m, c) in rows_strategy()) {
            let ns = nullspace(&m, c);
            prop_assert_eq!(ns.len() + rank(&m, c), c);
            for x in &ns {
                for row in &m {
                    prop_assert!(dot(row, x).is_zero());
                }
            }
        }

        #[test]
        fn solve_solves_or_proves_inconsistency((m, c) in rows_strategy(), seed in 0i64..7) {
            let b: Vec<Rat> = (0..m.len() as i64).map(|i| r((i * seed) % 5 - 2)).collect();
            let a = Mat::from_rows(m.clone(), c).unwrap();
            match solve(&m, c, &b).unwrap() {
                Some(x) => prop_assert_eq!(a.mul_vec(&x).unwrap(), b),
                None => {
                    // inconsistent: appending b raises the rank
                    let aug: Vec<Vec<Rat>> = m.iter().zip(&b).map(|(row, bi)| {
                        let mut row = row.clone(); row.push(bi.clone()); row
                    }).collect();
                    prop_assert_eq!(rank(&aug, c + 1), rank(&m, c) + 1);
                }
            }
        }

        #[test]
        fn determinant_matches_cofactor_expansion(
            m in (0usize..5).prop_flat_map(|n| prop::collection::vec(
                prop::collection::vec((-3i64..=3).prop_map(r), n), n)),
        ) {
            prop_assert_eq!(determinant(&m), Some(laplace(&m)));
            let n = m.len();
            let mat = Mat::from_rows(m.clone(), n).unwrap();
            prop_assert_eq!(mat.determinant(), Some(laplace(&m)));
            prop_assert_eq!(mat.transpose().determinant(), Some(laplace(&m)));
        }

        #[test]
        fn product_matches_the_definition(
            (a, k) in rows_strategy(),
            cols in 0usize..4,
            seed in -3i64..=3,
        ) {
            let b: Vec<Vec<Rat>> = (0..k)
                .map(|i| (0..cols).map(|j| Rat::from_ratio(seed * (i as i64 - j as i64), 4).unwrap()).collect())
                .collect();
            let am = Mat::from_rows(a.clone(), k).unwrap();
            let bm = Mat::from_rows(b.clone(), cols).unwrap();
            let p = am.mul(&bm).unwrap();
            #[allow(clippy::needless_range_loop)] // j indexes the columns of b and of p alike
            for (i, row) in a.iter().enumerate() {
                for j in 0..cols {
                    let want: Rat = (0..k).map(|t| row[t].clone() * &b[t][j]).sum();
                    prop_assert_eq!(p.get(i, j), &want);
                }
            }
            prop_assert_eq!(p.transpose(), bm.transpose().mul(&am.transpose()).unwrap());
        }
    }

    #[test]
    fn shape_errors_name_both_shapes() {
        let e = Mat::<Rat>::new(2, 3, vec![r(1); 5]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "shape mismatch for matrix data: expected 2×3 = 6 entries, found 5 entries"
        );
        let m = Mat::from_rows(vec![vec![r(1), r(2)]], 2).unwrap();
        let e = m.mul_vec(&[r(1)]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "shape mismatch for matrix-vector product: expected vector of length 2, found length 1"
        );
        assert!(m.mul(&m).is_err());
        assert!(solve(&[vec![r(1)]], 1, &[]).is_err());
    }
}
