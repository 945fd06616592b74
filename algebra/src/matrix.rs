//! Tropical matrices: product, powers, Kleene star, max cycle mean (Karp), eigenvector, and the
//! tropical determinant with all optimal permutations.
//!
//! A [`Matrix<K>`] is a dense row-major matrix over any [`Semiring`]; [`TropicalMatrix<S>`] is the
//! max-plus case, which carries the spectral and assignment algorithms. The graph of an `n × n`
//! max-plus matrix has an arc `i → j` of weight `A[i,j]` for every finite entry (Baccelli–Cohen–
//! Olsder–Quadrat, *Synchronization and Linearity*, ch. 3; Butkovič, *Max-linear Systems*, 2010).
//!
//! ```
//! use tropical_algebra::matrix::TropicalMatrix;
//! use tropical_algebra::{Rat, Scalar};
//! let a = TropicalMatrix::<Rat>::from_i64_rows(&[&[Some(0), Some(3)], &[Some(-1), None]]).unwrap();
//! let mcm = a.max_cycle_mean().unwrap().expect("the graph has a cycle");
//! assert_eq!(mcm.value, Rat::from_ratio(1, 1).unwrap()); // cycle 0→1→0 has mean (3-1)/2
//! ```

mod assignment;
mod spectral;

use std::fmt;

use crate::semiring::{MaxPlus, Semiring};
use crate::Scalar;

pub use assignment::{Determinant, DEFAULT_PERMUTATION_LIMIT};
pub use spectral::{CycleMean, Eigenpair};

/// Errors of the matrix algorithms.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MatrixError {
    /// The data length does not match `rows × cols`, or rows have different lengths.
    #[error("shape mismatch: {0}")]
    Shape(String),
    /// An operation needs a square matrix.
    #[error("matrix is {rows}×{cols}, expected a square matrix")]
    NotSquare {
        /// Rows.
        rows: usize,
        /// Columns.
        cols: usize,
    },
    /// An operation needs a non-empty matrix.
    #[error("empty (0×0) matrix")]
    Empty,
    /// The eigenvector is defined here for irreducible matrices only.
    #[error("matrix is not irreducible: its graph has {components} strongly connected components")]
    NotIrreducible {
        /// Number of strongly connected components of the graph.
        components: usize,
    },
    /// Too many optimal permutations to list.
    #[error("more than {limit} optimal permutations; raise the limit to list them")]
    TooManyPermutations {
        /// The limit that was exceeded.
        limit: usize,
    },
}

/// The Kleene star `A* = I ⊕ A ⊕ A² ⊕ …` diverges: the graph has a cycle of positive weight.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Kleene star diverges: cycle {cycle:?} has positive weight {weight}")]
pub struct PositiveCycle<S: Scalar> {
    /// The cycle as a vertex sequence `v0 → v1 → … → v0` (the first vertex is not repeated).
    pub cycle: Vec<usize>,
    /// Its total weight (> 0).
    pub weight: S,
}

/// A dense row-major `rows × cols` matrix over the semiring `K`.
#[derive(Clone, PartialEq, Eq)]
pub struct Matrix<K> {
    rows: usize,
    cols: usize,
    data: Vec<K>,
}

/// A max-plus matrix over the exact scalar `S`.
pub type TropicalMatrix<S> = Matrix<MaxPlus<S>>;

impl<K: Semiring> Matrix<K> {
    /// A matrix from row-major data; errors unless `data.len() == rows * cols`.
    pub fn new(rows: usize, cols: usize, data: Vec<K>) -> Result<Self, MatrixError> {
        if rows.checked_mul(cols) != Some(data.len()) {
            return Err(MatrixError::Shape(format!(
                "{} entries for a {rows}×{cols} matrix",
                data.len()
            )));
        }
        Ok(Matrix { rows, cols, data })
    }
    /// A matrix from its rows; errors when rows have different lengths.
    pub fn from_rows(rows: Vec<Vec<K>>) -> Result<Self, MatrixError> {
        let r = rows.len();
        let c = rows.first().map_or(0, Vec::len);
        if let Some(bad) = rows.iter().position(|row| row.len() != c) {
            return Err(MatrixError::Shape(format!(
                "row {bad} has {} entries, row 0 has {c}",
                rows[bad].len()
            )));
        }
        Ok(Matrix {
            rows: r,
            cols: c,
            data: rows.into_iter().flatten().collect(),
        })
    }
    /// The all-zero (`⊕`-identity) matrix.
    pub fn zeros(rows: usize, cols: usize) -> Self {
        Matrix {
            rows,
            cols,
            data: vec![K::zero(); rows * cols],
        }
    }
    /// The identity: `one` on the diagonal, `zero` elsewhere.
    pub fn identity(n: usize) -> Self {
        let mut m = Self::zeros(n, n);
        for i in 0..n {
            m.data[i * n + i] = K::one();
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
    /// Entry `(i, j)` (panics when out of range, like slice indexing).
    pub fn get(&self, i: usize, j: usize) -> &K {
        assert!(
            i < self.rows && j < self.cols,
            "index ({i},{j}) out of range"
        );
        &self.data[i * self.cols + j]
    }
    /// Set entry `(i, j)` (panics when out of range).
    pub fn set(&mut self, i: usize, j: usize, v: K) {
        assert!(
            i < self.rows && j < self.cols,
            "index ({i},{j}) out of range"
        );
        self.data[i * self.cols + j] = v;
    }
    /// Row `i` as a slice.
    pub fn row(&self, i: usize) -> &[K] {
        &self.data[i * self.cols..(i + 1) * self.cols]
    }
    /// The row-major entries.
    pub fn as_slice(&self) -> &[K] {
        &self.data
    }
    fn require_square(&self) -> Result<usize, MatrixError> {
        if self.rows != self.cols {
            return Err(MatrixError::NotSquare {
                rows: self.rows,
                cols: self.cols,
            });
        }
        Ok(self.rows)
    }
    /// Entrywise `⊕`; errors on a shape mismatch.
    pub fn add(&self, rhs: &Self) -> Result<Self, MatrixError> {
        if (self.rows, self.cols) != (rhs.rows, rhs.cols) {
            return Err(MatrixError::Shape(format!(
                "{}×{} ⊕ {}×{}",
                self.rows, self.cols, rhs.rows, rhs.cols
            )));
        }
        Ok(Matrix {
            rows: self.rows,
            cols: self.cols,
            data: self
                .data
                .iter()
                .zip(&rhs.data)
                .map(|(a, b)| a.add(b))
                .collect(),
        })
    }
    /// The semiring product `(A ⊙ B)[i,j] = ⊕_l A[i,l] ⊙ B[l,j]`; errors unless
    /// `self.cols() == rhs.rows()`.
    pub fn mul(&self, rhs: &Self) -> Result<Self, MatrixError> {
        if self.cols != rhs.rows {
            return Err(MatrixError::Shape(format!(
                "{}×{} ⊙ {}×{}: inner dimensions differ",
                self.rows, self.cols, rhs.rows, rhs.cols
            )));
        }
        let (m, k, n) = (self.rows, self.cols, rhs.cols);
        let mut data = vec![K::zero(); m * n];
        for i in 0..m {
            for l in 0..k {
                let a = &self.data[i * k + l];
                if a.is_zero() {
                    continue;
                }
                for j in 0..n {
                    let t = a.mul(&rhs.data[l * n + j]);
                    let c = &mut data[i * n + j];
                    *c = c.add(&t);
                }
            }
        }
        Ok(Matrix {
            rows: m,
            cols: n,
            data,
        })
    }
    /// Matrix-vector product `A ⊙ x`; errors unless `x.len() == self.cols()`.
    pub fn mul_vec(&self, x: &[K]) -> Result<Vec<K>, MatrixError> {
        if x.len() != self.cols {
            return Err(MatrixError::Shape(format!(
                "{}×{} ⊙ vector of length {}",
                self.rows,
                self.cols,
                x.len()
            )));
        }
        Ok((0..self.rows)
            .map(|i| {
                self.row(i)
                    .iter()
                    .zip(x)
                    .fold(K::zero(), |acc, (a, b)| acc.add(&a.mul(b)))
            })
            .collect())
    }
    /// The power `A^{⊙k}` (`I` for `k = 0`) by repeated squaring; errors unless square.
    pub fn pow(&self, k: u64) -> Result<Self, MatrixError> {
        let n = self.require_square()?;
        crate::semiring::power_by_squaring(self, Self::identity(n), k, Self::mul)
    }
    /// The matrix with `f` applied to every entry.
    pub fn map<L: Semiring>(&self, f: impl Fn(&K) -> L) -> Matrix<L> {
        Matrix {
            rows: self.rows,
            cols: self.cols,
            data: self.data.iter().map(f).collect(),
        }
    }
}

impl<S: Scalar> TropicalMatrix<S> {
    /// Convenience constructor from integer rows, `None` meaning `-∞`.
    pub fn from_i64_rows(rows: &[&[Option<i64>]]) -> Result<Self, MatrixError> {
        Self::from_rows(
            rows.iter()
                .map(|r| {
                    r.iter()
                        .map(|e| e.map_or(MaxPlus::NegInf, MaxPlus::from_i64))
                        .collect()
                })
                .collect(),
        )
    }
    /// `λ ⊙ A`: every finite entry plus the finite scalar `lambda`.
    pub fn shift(&self, lambda: &S) -> Self {
        self.map(|x| match x {
            MaxPlus::Finite(v) => MaxPlus::Finite(v.clone() + lambda),
            MaxPlus::NegInf => MaxPlus::NegInf,
        })
    }

    /// The Kleene star `A* = I ⊕ A ⊕ A² ⊕ …` (max-weight walks of every length ≥ 0).
    ///
    /// The series converges (and equals `I ⊕ A ⊕ … ⊕ A^{n-1}`) iff the graph of `A` has no
    /// cycle of positive weight (Baccelli et al., Thm 3.20). Otherwise the error names such a cycle
    /// (a critical cycle: its mean is the max cycle mean). Computed by Floyd–Warshall in `O(n³)`
    /// exact operations after a Karp check.
    pub fn kleene_star(&self) -> Result<Self, KleeneError<S>> {
        let n = self.require_square().map_err(KleeneError::Matrix)?;
        if let Some(mcm) = self.max_cycle_mean().map_err(KleeneError::Matrix)? {
            if mcm.value.is_positive() {
                let weight = self.cycle_weight(&mcm.cycle);
                return Err(KleeneError::PositiveCycle(PositiveCycle {
                    cycle: mcm.cycle,
                    weight,
                }));
            }
        }
        Ok(self.floyd_warshall_star(n))
    }

    /// Floyd–Warshall closure; only valid when no cycle has positive weight.
    pub(crate) fn floyd_warshall_star(&self, n: usize) -> Self {
        let mut d = self.add(&Self::identity(n)).expect("same shape");
        for p in 0..n {
            for i in 0..n {
                let dip = d.data[i * n + p].clone();
                if dip.is_zero() {
                    continue;
                }
                for j in 0..n {
                    let t = dip.mul(&d.data[p * n + j]);
                    if t > d.data[i * n + j] {
                        d.data[i * n + j] = t;
                    }
                }
            }
        }
        d
    }

    /// Total weight of the closed walk `cycle[0] → cycle[1] → … → cycle[0]` (all arcs finite).
    pub fn cycle_weight(&self, cycle: &[usize]) -> S {
        let mut w = S::zero();
        for (t, &u) in cycle.iter().enumerate() {
            let v = cycle[(t + 1) % cycle.len()];
            w += self
                .get(u, v)
                .finite()
                .expect("cycle uses only finite arcs");
        }
        w
    }
}

/// Errors of [`TropicalMatrix::kleene_star`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KleeneError<S: Scalar> {
    /// Bad shape.
    #[error(transparent)]
    Matrix(MatrixError),
    /// The series diverges.
    #[error(transparent)]
    PositiveCycle(PositiveCycle<S>),
}

impl<K: Semiring + fmt::Display> fmt::Display for Matrix<K> {
    /// Rows on separate lines, entries right-aligned in columns.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let cells: Vec<String> = self.data.iter().map(ToString::to_string).collect();
        let w = cells.iter().map(|s| s.chars().count()).max().unwrap_or(0);
        for i in 0..self.rows {
            let row: Vec<String> = (0..self.cols)
                .map(|j| format!("{:>w$}", cells[i * self.cols + j]))
                .collect();
            writeln!(f, "[ {} ]", row.join("  "))?;
        }
        Ok(())
    }
}

impl<K: Semiring + fmt::Display> fmt::Debug for Matrix<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Matrix {}×{}\n{}", self.rows, self.cols, self)
    }
}
