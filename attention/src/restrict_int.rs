//! Exact integer matrices over one common denominator, for the products that restrict a layer
//! to the counted space and give each cell's attention output.
//!
//! Every f32/f16/bf16 weight is a dyadic rational, so a whole weight matrix is an integer matrix
//! over one power of two; products of such matrices are integer products, with no gcd per entry.
//!
//! ## Main declarations
//! - [`IntMat`]: `data / den` with integer `data` (row-major) and a positive integer `den`.
//! - [`IntMat::from_mat`], [`IntMat::mul`], [`IntMat::add_row`], [`IntMat::to_mat`].
//! - [`PreparedLeft`] ([`IntMat::prepare`]): a fixed left operand split into limbs once.
//! - [`scalar`]: `n / d` as a reduced scalar (`tropical_algebra::int::reduced`: by shifts when
//!   `d` is a power of two).
//!
//! ## Implementation notes
//! **Limb-split products in `i128`.** Each operand is split into signed limbs of `L` bits
//! (`x = Σ_k x_k 2^{Lk}`, `|x_k| < 2^L`, every limb carrying the sign of `x`), with `L` chosen
//! so that `2L + ⌈log₂ n⌉ ≤ 126` for an inner dimension `n`: a dot product of limbs then never
//! leaves `i128` (`n · 2^{2L} ≤ 2^126`). The product of an `a`-limb and a `b`-limb operand is `a·b`
//! such dot products, recombined exactly in big integers once per entry. Weights of a real
//! checkpoint (exponents within about 2^±24 of each other) have one or two limbs.
//!
//! **Denominators.** The common denominator of a matrix is the lcm of its entries'
//! denominators (their maximum when all are powers of two); a product's is the product of the
//! factors' (not reduced: only the final values are reduced, by [`reduced`]).
//!
//! ## References
//! - D. E. Knuth, *The Art of Computer Programming* II, §4.3.1 (multiple-precision arithmetic).

use num_bigint::{BigInt, Sign};
use num_integer::Integer;
use num_rational::BigRational;
use num_traits::{One, Signed, ToPrimitive, Zero};
use tropical_algebra::int::reduced;
use tropical_algebra::Scalar;

use crate::error::Result;
use crate::linalg::Mat;

/// An exact rational matrix `data / den`: integer entries (row-major) over one positive integer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IntMat {
    /// Rows.
    pub rows: usize,
    /// Columns.
    pub cols: usize,
    /// The numerators, row-major.
    pub data: Vec<BigInt>,
    /// The common denominator (positive).
    pub den: BigInt,
}

/// The common denominator of `qs` and each entry's numerator over it.
fn over_common(qs: &[BigRational]) -> (Vec<BigInt>, BigInt) {
    // powers of two: the largest exponent; otherwise the lcm
    let mut pow2 = 0u64;
    let mut other = BigInt::one();
    for q in qs {
        let d = q.denom();
        if d.is_one() {
            continue;
        }
        let tz = d.trailing_zeros().unwrap_or(0);
        if d.bits() == tz + 1 {
            pow2 = pow2.max(tz);
        } else {
            other = other.lcm(d);
        }
    }
    let den = other << pow2;
    let data = qs
        .iter()
        .map(|q| {
            if q.numer().is_zero() {
                BigInt::zero()
            } else if q.denom() == &den {
                q.numer().clone()
            } else {
                q.numer() * (&den / q.denom())
            }
        })
        .collect();
    (data, den)
}

/// [`over_common`] read from the entries' `f64` bits when every entry is exactly an `f64` (every
/// f32/f16/bf16 weight is): `m·2^k` with odd `m` per entry, the denominator `2^e` with `e` the
/// largest `−k`, no rational per entry. `None` when some entry is not exactly its `f64` (checked
/// exactly: `S::from_f64(x.to_f64()) == x`); the result is then that of [`over_common`].
fn dyadic_over_common<S: Scalar>(v: &[S]) -> Option<(Vec<BigInt>, BigInt)> {
    let mut parts: Vec<(i64, i32)> = Vec::with_capacity(v.len());
    let mut e = 0i32;
    for x in v {
        let f = x.to_f64();
        if !f.is_finite() || !S::from_f64(f).is_ok_and(|y| y == *x) {
            return None;
        }
        if f == 0.0 {
            parts.push((0, 0));
            continue;
        }
        let bits = f.to_bits();
        let exp = ((bits >> 52) & 0x7ff) as i32;
        let frac = (bits & ((1u64 << 52) - 1)) as i64;
        let (mut m, mut k) = if exp == 0 {
            (frac, -1074)
        } else {
            (frac | (1i64 << 52), exp - 1075)
        };
        let tz = m.trailing_zeros();
        m >>= tz;
        k += tz as i32;
        if bits >> 63 == 1 {
            m = -m;
        }
        e = e.max(-k);
        parts.push((m, k));
    }
    let data = parts
        .into_iter()
        .map(|(m, k)| {
            if m == 0 {
                BigInt::zero()
            } else {
                BigInt::from(m) << (k + e) as usize
            }
        })
        .collect();
    Some((data, BigInt::one() << e as usize))
}

/// `n / d` (`d > 0`) as a reduced scalar.
pub fn scalar<S: Scalar>(n: BigInt, d: &BigInt) -> S {
    S::from_big_rational_owned(reduced(n, d.clone()))
}

/// Bits of the largest magnitude in `v` (0 for all zeros).
fn max_bits(v: &[BigInt]) -> u64 {
    v.iter().map(BigInt::bits).max().unwrap_or(0)
}

/// The signed `l`-bit limbs of every entry of `v`: `limbs[k][i]` with `v[i] = Σ_k limbs[k][i]·2^{lk}`.
fn split(v: &[BigInt], l: u64, count: usize) -> Vec<Vec<i64>> {
    let mask = (1u64 << l) - 1;
    let mut out = vec![vec![0i64; v.len()]; count];
    for (i, x) in v.iter().enumerate() {
        if x.is_zero() {
            continue;
        }
        let neg = x.sign() == Sign::Minus;
        if let Some(m) = x.magnitude().to_u64().filter(|&m| m <= mask) {
            out[0][i] = if neg { -(m as i64) } else { m as i64 };
            continue;
        }
        let mag = x.magnitude();
        for (k, limbs) in out.iter_mut().enumerate() {
            let part = ((mag >> (l * k as u64)) & num_bigint::BigUint::from(mask))
                .to_u64()
                .unwrap_or(0) as i64;
            limbs[i] = if neg { -part } else { part };
        }
    }
    out
}

impl IntMat {
    /// The exact matrix `m` over its entries' common denominator.
    pub fn from_mat<S: Scalar>(m: &Mat<S>) -> IntMat {
        Self::from_entries(m.rows(), m.cols(), m.data())
    }

    /// A `rows × cols` matrix from row-major scalars.
    pub fn from_entries<S: Scalar>(rows: usize, cols: usize, v: &[S]) -> IntMat {
        let (data, den) = dyadic_over_common(v).unwrap_or_else(|| {
            let qs: Vec<BigRational> = v.iter().map(Scalar::to_big_rational).collect();
            over_common(&qs)
        });
        IntMat {
            rows,
            cols,
            data,
            den,
        }
    }

    /// Entry `(i, j)`'s numerator.
    pub fn at(&self, i: usize, j: usize) -> &BigInt {
        &self.data[i * self.cols + j]
    }

    /// The transpose.
    pub fn transpose(&self) -> IntMat {
        let mut data = Vec::with_capacity(self.data.len());
        for j in 0..self.cols {
            for i in 0..self.rows {
                data.push(self.at(i, j).clone());
            }
        }
        IntMat {
            rows: self.cols,
            cols: self.rows,
            data,
            den: self.den.clone(),
        }
    }

    /// Columns `c0..c1` as a matrix.
    pub fn col_block(&self, c0: usize, c1: usize) -> IntMat {
        let mut data = Vec::with_capacity(self.rows * (c1 - c0));
        for i in 0..self.rows {
            data.extend_from_slice(&self.data[i * self.cols + c0..i * self.cols + c1]);
        }
        IntMat {
            rows: self.rows,
            cols: c1 - c0,
            data,
            den: self.den.clone(),
        }
    }

    /// `self · other` exactly (limb-split `i128` dot products; see the module docs). The inner
    /// dimensions must agree (callers check shapes).
    pub fn mul(&self, other: &IntMat) -> IntMat {
        assert_eq!(self.cols, other.rows, "IntMat::mul: inner dimensions");
        self.mul_bt(&other.transpose())
    }

    /// `self · btᵀ` exactly: entry `(i, j)` is the dot product of row `i` of `self` and row `j`
    /// of `bt` (the column counts must agree; callers check shapes).
    pub fn mul_bt(&self, bt: &IntMat) -> IntMat {
        self.prepare().mul_bt(bt)
    }

    /// `self` split into `i64` limbs once, as the left operand of many products
    /// ([`PreparedLeft::mul_bt`]): a fixed weight matrix times many small matrices.
    pub fn prepare(&self) -> PreparedLeft {
        let l = limb_bits(self.cols);
        let la = max_bits(&self.data).div_ceil(l).max(1) as usize;
        PreparedLeft {
            rows: self.rows,
            cols: self.cols,
            l,
            limbs: split(&self.data, l, la),
            den: self.den.clone(),
        }
    }

    /// The `1 × n` row `v`.
    pub fn from_row<S: Scalar>(v: &[S]) -> IntMat {
        Self::from_entries(1, v.len(), v)
    }

    /// `self + other` (equal shapes), over the lcm of the denominators.
    pub fn plus(mut self, mut other: IntMat) -> IntMat {
        assert_eq!(
            (self.rows, self.cols),
            (other.rows, other.cols),
            "IntMat::plus: shapes"
        );
        self.common_with(&mut other);
        for (x, y) in self.data.iter_mut().zip(other.data) {
            if !y.is_zero() {
                *x += y;
            }
        }
        self
    }

    /// The rows of `parts` side by side (equal row counts), over the lcm of their denominators.
    pub fn hcat(mut parts: Vec<IntMat>) -> IntMat {
        let rows = parts.first().map_or(0, |p| p.rows);
        let mut den = BigInt::one();
        for p in &parts {
            assert_eq!(p.rows, rows, "IntMat::hcat: row counts");
            den = den.lcm(&p.den);
        }
        for p in &mut parts {
            p.over(&den);
        }
        let cols = parts.iter().map(|p| p.cols).sum();
        let mut data = Vec::with_capacity(rows * cols);
        for i in 0..rows {
            for p in &parts {
                data.extend_from_slice(&p.data[i * p.cols..(i + 1) * p.cols]);
            }
        }
        IntMat {
            rows,
            cols,
            data,
            den,
        }
    }

    /// The positive and the negative part `(max(m, 0), min(m, 0))`, both over `den`.
    pub fn sign_parts(&self) -> (IntMat, IntMat) {
        let part = |keep: Sign| IntMat {
            rows: self.rows,
            cols: self.cols,
            data: self
                .data
                .iter()
                .map(|x| {
                    if x.sign() == keep {
                        x.clone()
                    } else {
                        BigInt::zero()
                    }
                })
                .collect(),
            den: self.den.clone(),
        };
        (part(Sign::Plus), part(Sign::Minus))
    }

    /// Every entry as a reduced scalar, row-major.
    pub fn to_scalars<S: Scalar>(&self) -> Vec<S> {
        self.data
            .iter()
            .map(|x| scalar(x.clone(), &self.den))
            .collect()
    }

    /// Multiply every numerator by `f` (the value is unchanged when `den` is multiplied too).
    fn scale_numerators(&mut self, f: &BigInt) {
        if !f.is_one() {
            for x in &mut self.data {
                if !x.is_zero() {
                    *x *= f;
                }
            }
        }
    }

    /// Bring `self` and `other` (any shapes) over the lcm of their denominators.
    pub fn common_with(&mut self, other: &mut IntMat) {
        if self.den == other.den {
            return;
        }
        let l = self.den.lcm(&other.den);
        let (fa, fb) = (&l / &self.den, &l / &other.den);
        self.scale_numerators(&fa);
        other.scale_numerators(&fb);
        self.den = l.clone();
        other.den = l;
    }

    /// Put `self` over the denominator `den`, a multiple of its own.
    pub fn over(&mut self, den: &BigInt) {
        let f = den / &self.den;
        debug_assert!((&f * &self.den) == *den);
        self.scale_numerators(&f);
        self.den = den.clone();
    }

    /// Add the row `b` (a `1 × cols` matrix) to every row.
    pub fn add_row(mut self, mut b: IntMat) -> IntMat {
        assert_eq!(b.cols, self.cols, "IntMat::add_row: lengths");
        self.common_with(&mut b);
        for i in 0..self.rows {
            for j in 0..self.cols {
                let v = &b.data[j];
                if !v.is_zero() {
                    self.data[i * self.cols + j] += v;
                }
            }
        }
        self
    }

    /// The exact matrix as scalars (each entry reduced).
    pub fn to_mat<S: Scalar>(&self) -> Result<Mat<S>> {
        let rows = (0..self.rows)
            .map(|i| {
                (0..self.cols)
                    .map(|j| scalar(self.at(i, j).clone(), &self.den))
                    .collect()
            })
            .collect();
        Ok(Mat::from_rows(rows, self.cols)?)
    }

    /// The largest entry magnitude in bits (for diagnostics and tests).
    pub fn bits(&self) -> u64 {
        max_bits(&self.data)
    }

    /// True when every numerator is zero.
    pub fn is_zero(&self) -> bool {
        self.data.iter().all(|x| x.abs().is_zero())
    }
}

/// Limb width for dot products of length `n`: a product of two limbs, summed `n` times, fits
/// an `i128` (`2l + ⌈log₂ n⌉ ≤ 126`).
fn limb_bits(n: usize) -> u64 {
    let n = n.max(1);
    let log_n = usize::BITS as u64 - (n - 1).leading_zeros() as u64; // ⌈log₂ n⌉
    ((126 - log_n.min(124)) / 2).min(62)
}

/// An [`IntMat`] split into signed `l`-bit limbs ([`IntMat::prepare`]): the left operand of
/// products, split once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PreparedLeft {
    rows: usize,
    cols: usize,
    l: u64,
    limbs: Vec<Vec<i64>>,
    den: BigInt,
}

impl PreparedLeft {
    /// Rows of the matrix.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// `self · btᵀ` exactly (see [`IntMat::mul_bt`]); `bt.cols` must equal `self`'s columns.
    pub fn mul_bt(&self, bt: &IntMat) -> IntMat {
        assert_eq!(self.cols, bt.cols, "IntMat::mul_bt: inner dimensions");
        let l = self.l;
        let lb = max_bits(&bt.data).div_ceil(l).max(1) as usize;
        let a = &self.limbs;
        let b = split(&bt.data, l, lb);
        let (r, c, inner) = (self.rows, bt.rows, self.cols);
        let mut data = Vec::with_capacity(r * c);
        for i in 0..r {
            for j in 0..c {
                let mut total = BigInt::zero();
                for (ka, ak) in a.iter().enumerate() {
                    let row = &ak[i * inner..(i + 1) * inner];
                    for (kb, bk) in b.iter().enumerate() {
                        let col = &bk[j * inner..(j + 1) * inner];
                        let mut acc: i128 = 0;
                        for (x, y) in row.iter().zip(col) {
                            acc += *x as i128 * *y as i128;
                        }
                        if acc != 0 {
                            let s = l * (ka + kb) as u64;
                            if s == 0 {
                                total += acc;
                            } else {
                                total += BigInt::from(acc) << s;
                            }
                        }
                    }
                }
                data.push(total);
            }
        }
        IntMat {
            rows: r,
            cols: c,
            data,
            den: &self.den * &bt.den,
        }
    }
}

/// The affine rows `W c_j + b` for every row `c_j` of `ctx` (already integer), exactly.
pub fn affine_rows_int<S: Scalar>(ctx: &IntMat, w: &Mat<S>, b: &[S]) -> IntMat {
    let wt = IntMat::from_mat(w).transpose();
    let prod = ctx.mul(&wt);
    prod.add_row(IntMat::from_entries(1, b.len(), b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use tropical_algebra::Rat;

    fn rat_mat(rows: usize, cols: usize, v: &[(i64, u32)]) -> Mat<Rat> {
        let data: Vec<Vec<Rat>> = (0..rows)
            .map(|i| {
                (0..cols)
                    .map(|j| {
                        let (n, e) = v[(i * cols + j) % v.len()];
                        Rat::from_i64(n) / &Rat::from_i64(1i64 << (e % 62))
                    })
                    .collect()
            })
            .collect();
        Mat::from_rows(data, cols).unwrap()
    }

    proptest! {
        // the limb-split product equals the rational product, for entries of up to ~120 bits
        #[test]
        fn product_matches_rationals(
            r in 1usize..4, n in 1usize..6, c in 1usize..4,
            a in proptest::collection::vec((any::<i64>(), 0u32..62), 1..20),
            b in proptest::collection::vec((any::<i64>(), 0u32..62), 1..20),
            big in any::<bool>(),
        ) {
            let mut ma = rat_mat(r, n, &a);
            if big {
                // push some entries past one limb
                let f = Rat::from_i64(i64::MAX) * &Rat::from_i64(i64::MAX - 7);
                *ma.get_mut(0, 0) = ma.get(0, 0).clone() * &f;
            }
            let mb = rat_mat(n, c, &b);
            let want = ma.mul(&mb).unwrap();
            let got = IntMat::from_mat(&ma).mul(&IntMat::from_mat(&mb)).to_mat::<Rat>().unwrap();
            prop_assert_eq!(got, want);
        }

        // the f64-bits path gives exactly the rational path's matrix (mixed magnitudes, zeros,
        // integers, and a non-f64 entry that forces the rational path)
        #[test]
        fn dyadic_path_is_the_rational_one(
            v in proptest::collection::vec((any::<i32>(), 0u32..62, -3i32..3), 1..20),
            third in any::<bool>(),
        ) {
            let mut row: Vec<Rat> = v
                .iter()
                .map(|&(n, e, s)| {
                    let q = Rat::from_i64(n as i64) / &Rat::from_i64(1i64 << e);
                    if s >= 0 { q * &Rat::from_i64(1 << s) } else { q }
                })
                .collect();
            if third {
                row.push(Rat::from_ratio(1, 3).unwrap());
            }
            prop_assert_eq!(dyadic_over_common(&row).is_some(), !third);
            let qs: Vec<BigRational> = row.iter().map(Scalar::to_big_rational).collect();
            let (data, den) = over_common(&qs);
            let m = IntMat::from_entries(1, row.len(), &row);
            prop_assert_eq!(&m.data, &data);
            prop_assert_eq!(&m.den, &den);
        }

        #[test]
        fn non_dyadic_denominators(
            v in proptest::collection::vec((-50i64..50, 1i64..12), 1..12),
        ) {
            let row: Vec<Rat> = v.iter().map(|&(n, d)| Rat::from_ratio(n, d).unwrap()).collect();
            let m = IntMat::from_entries(1, row.len(), &row);
            prop_assert_eq!(m.to_mat::<Rat>().unwrap().row(0).to_vec(), row);
        }
    }
}
