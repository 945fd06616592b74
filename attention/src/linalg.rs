//! A small dense row-major matrix over an exact [`Scalar`], just enough for models and PL maps.

use num_bigint::BigInt;
use num_integer::Integer;
use num_rational::BigRational;
use num_traits::{One, Zero};
use tropical_algebra::Scalar;

use crate::error::{shape_err, Result};

/// Dense row-major `rows × cols` matrix.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Mat<S> {
    rows: usize,
    cols: usize,
    data: Vec<S>,
}

impl<S: Scalar> Mat<S> {
    /// A matrix from row-major data; errors when `data.len() != rows·cols`.
    pub fn new(rows: usize, cols: usize, data: Vec<S>) -> Result<Self> {
        if data.len() != rows * cols {
            return Err(shape_err(
                "matrix data",
                format!("{rows}×{cols} = {} entries", rows * cols),
                format!("{} entries", data.len()),
            ));
        }
        Ok(Mat { rows, cols, data })
    }
    /// A matrix from rows; all rows must have the same length (`cols` is used when there are no rows).
    pub fn from_rows(rows: Vec<Vec<S>>, cols: usize) -> Result<Self> {
        let r = rows.len();
        let mut data = Vec::with_capacity(r * cols);
        for (i, row) in rows.into_iter().enumerate() {
            if row.len() != cols {
                return Err(shape_err(
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
    /// Row `i`.
    pub fn row(&self, i: usize) -> &[S] {
        &self.data[i * self.cols..(i + 1) * self.cols]
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
        (0..self.rows).map(|i| self.row(i).to_vec()).collect()
    }
    /// `self · x`; errors when `x.len() != cols`.
    pub fn mul_vec(&self, x: &[S]) -> Result<Vec<S>> {
        if x.len() != self.cols {
            return Err(shape_err(
                "matrix-vector product",
                format!("vector of length {}", self.cols),
                format!("length {}", x.len()),
            ));
        }
        Ok((0..self.rows).map(|i| dot(self.row(i), x)).collect())
    }
    /// `self · other`; errors on an inner-dimension mismatch.
    ///
    /// Exact, computed over the integers: each row of `self` and each column of `other` is put
    /// over a common denominator once, so the inner products need no gcd (fast for the dyadic
    /// entries of float checkpoints); one normalisation per output entry.
    pub fn mul(&self, other: &Mat<S>) -> Result<Mat<S>> {
        if self.cols != other.rows {
            return Err(shape_err(
                "matrix product",
                format!("{} rows on the right", self.cols),
                format!(
                    "{}×{} times {}×{}",
                    self.rows, self.cols, other.rows, other.cols
                ),
            ));
        }
        let a: Vec<(Vec<BigInt>, BigInt)> = (0..self.rows)
            .map(|i| common_denominator(self.row(i).iter()))
            .collect();
        let b: Vec<(Vec<BigInt>, BigInt)> = (0..other.cols)
            .map(|j| common_denominator((0..other.rows).map(|k| other.get(k, j))))
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
                data.push(S::from_big_rational(&BigRational::new(acc, ad * bd)));
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
        let mut out = Mat::zeros(self.cols, self.rows);
        for i in 0..self.rows {
            for j in 0..self.cols {
                *out.get_mut(j, i) = self.get(i, j).clone();
            }
        }
        out
    }
    /// Rows `start..end` as a new matrix.
    pub fn row_block(&self, start: usize, end: usize) -> Mat<S> {
        Mat {
            rows: end - start,
            cols: self.cols,
            data: self.data[start * self.cols..end * self.cols].to_vec(),
        }
    }
    /// Columns `start..end` as a new matrix.
    pub fn col_block(&self, start: usize, end: usize) -> Mat<S> {
        let mut data = Vec::with_capacity(self.rows * (end - start));
        for i in 0..self.rows {
            data.extend_from_slice(&self.row(i)[start..end]);
        }
        Mat {
            rows: self.rows,
            cols: end - start,
            data,
        }
    }
    /// Multiply every entry by `c`.
    pub fn scaled(&self, c: &S) -> Mat<S> {
        Mat {
            rows: self.rows,
            cols: self.cols,
            data: self.data.iter().map(|x| x.clone() * c).collect(),
        }
    }
    /// Check the shape, naming `what` in the error.
    pub fn expect_shape(&self, what: &str, rows: usize, cols: usize) -> Result<()> {
        if self.rows != rows || self.cols != cols {
            return Err(shape_err(
                what,
                format!("{rows}×{cols}"),
                format!("{}×{}", self.rows, self.cols),
            ));
        }
        Ok(())
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

/// `⟨a, b⟩` (the shorter length wins; callers check lengths).
pub fn dot<S: Scalar>(a: &[S], b: &[S]) -> S {
    let mut acc = S::zero();
    for (x, y) in a.iter().zip(b) {
        if !x.is_zero() {
            acc += x.clone() * y;
        }
    }
    acc
}

/// `a + b` entrywise.
pub fn add<S: Scalar>(a: &[S], b: &[S]) -> Vec<S> {
    a.iter().zip(b).map(|(x, y)| x.clone() + y).collect()
}

/// Check a vector length, naming `what` in the error.
pub fn expect_len<S>(what: &str, v: &[S], n: usize) -> Result<()> {
    if v.len() != n {
        return Err(shape_err(
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
/// Computed first modulo the prime `2^61 − 1`: columns independent modulo the prime are
/// independent over `Q` (a nonzero minor modulo `p` is nonzero), so when that rank equals the
/// number of rows (the most possible) the answer is certified. Otherwise the rank modulo `p` might
/// be smaller than over `Q`, and exact Gaussian elimination over `S` decides.
///
/// ```
/// use tropical_algebra::{Rat, Scalar};
/// use tropical_attention::linalg::pivot_columns;
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
    pivot_columns_exact(rows, cols)
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

/// Pivot columns by exact Gaussian elimination over `S`.
fn pivot_columns_exact<S: Scalar>(rows: &[Vec<S>], cols: usize) -> Vec<usize> {
    let mut m: Vec<Vec<S>> = rows.to_vec();
    let mut pivots = Vec::new();
    let mut top = 0;
    for c in 0..cols {
        if top == m.len() {
            break;
        }
        let Some(p) = (top..m.len()).find(|&i| !m[i][c].is_zero()) else {
            continue;
        };
        m.swap(top, p);
        let pivot_row = m[top].clone();
        for row in m.iter_mut().skip(top + 1) {
            if row[c].is_zero() {
                continue;
            }
            let f = row[c].clone() / &pivot_row[c];
            for (x, y) in row.iter_mut().zip(&pivot_row).skip(c) {
                if !y.is_zero() {
                    *x -= f.clone() * y;
                }
            }
        }
        pivots.push(c);
        top += 1;
    }
    pivots
}
