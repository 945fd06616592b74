//! Fast CPU float max-plus matrix product with argmax tracking — the CPU twin of the GPU kernels.
//!
//! `C[i,j] = max_l A[i,l] + B[l,j]` on row-major `f32`/`f64` matrices, `-∞` being the tropical
//! zero. [`maxplus_matmul`] is parallel over row blocks with `rayon`. On x86-64 CPUs with AVX2
//! it runs the packed kernel of `maxplus_float/avx2.rs` for `f32` and `f64` (BLIS-style `A`/`B`
//! panels, a `4 × 8` (`f32`) or `4 × 4` (`f64`) tile of values and argmax in registers, chosen
//! at run time). Elsewhere it runs a portable cache-blocked loop (row blocks × column tiles ×
//! inner-dimension panels) around a `4 × 16` register tile whose branch-free compare-and-select
//! loop the compiler vectorizes.
//! [`maxplus_matmul_naive`] is the triple-loop reference. Both return the same values and the
//! same argmax (the smallest `l` attaining the maximum), bit for bit: each entry is the maximum
//! of the same floating-point sums `A[i,l] + B[l,j]`, and a maximum involves no rounding.
//!
//! ```
//! use tropical_algebra::maxplus_float::maxplus_matmul;
//! let a = [0.0f32, 1.0, f32::NEG_INFINITY, 2.0]; // 2×2
//! let b = [1.0f32, 0.0, 3.0, -1.0]; // 2×2
//! let c = maxplus_matmul(&a, &b, 2, 2, 2).unwrap();
//! assert_eq!(c.values, vec![4.0, 0.0, 5.0, 1.0]);
//! assert_eq!(c.argmax, vec![1, 0, 1, 1]);
//! ```

use std::fmt::Debug;
use std::ops::Add;

use rayon::prelude::*;

#[cfg(target_arch = "x86_64")]
mod avx2;

/// Argmax recorded when the inner dimension `k` is 0 (the empty maximum, `C = -∞`, has no index).
pub const NO_ARGMAX: u32 = u32::MAX;

/// Rows of `C` per parallel task.
const ROW_BLOCK: usize = 16;
/// Columns of `C` per tile (a tile row of values and argmax stays in L1).
const COL_BLOCK: usize = 256;
/// Inner-dimension panel (a `K_BLOCK × COL_BLOCK` panel of `B` stays in L2).
const K_BLOCK: usize = 128;

/// A float type usable in [`maxplus_matmul`] (implemented for `f32` and `f64`).
pub trait MaxPlusFloat:
    Copy + Send + Sync + PartialOrd + Add<Output = Self> + Debug + 'static
{
    /// Tropical zero.
    const NEG_INFINITY: Self;
    /// IEEE NaN test.
    fn is_nan(self) -> bool;
    /// `self == +∞`.
    fn is_pos_infinity(self) -> bool;
}

macro_rules! impl_max_plus_float {
    ($($t:ident),*) => {$(
        impl MaxPlusFloat for $t {
            const NEG_INFINITY: Self = $t::NEG_INFINITY;
            fn is_nan(self) -> bool {
                $t::is_nan(self)
            }
            fn is_pos_infinity(self) -> bool {
                self == $t::INFINITY
            }
        }
    )*};
}
impl_max_plus_float!(f32, f64);

/// Bad input to [`maxplus_matmul`]: wrong lengths, too large, or a value outside `ℝ ∪ {-∞}`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShapeError {
    /// A buffer's length is not the product of its dimensions.
    #[error("matrix {matrix} has {got} entries, expected {rows}×{cols} = {expected}")]
    Length {
        /// "A" or "B".
        matrix: &'static str,
        /// Declared rows.
        rows: usize,
        /// Declared columns.
        cols: usize,
        /// `rows × cols`.
        expected: usize,
        /// Actual length.
        got: usize,
    },
    /// Dimensions whose product overflows, or an inner dimension beyond `u32` argmax indices.
    #[error("dimensions too large: {0}")]
    TooLarge(String),
    /// NaN is not an element of the max-plus semiring.
    #[error("matrix {matrix} has NaN at ({row}, {col})")]
    NaN {
        /// "A" or "B".
        matrix: &'static str,
        /// Row index.
        row: usize,
        /// Column index.
        col: usize,
    },
    /// `+∞` is not an element of the max-plus semiring (and `-∞ + ∞` would be NaN).
    #[error("matrix {matrix} has +inf at ({row}, {col}); only -inf (tropical zero) is allowed")]
    PositiveInfinity {
        /// "A" or "B".
        matrix: &'static str,
        /// Row index.
        row: usize,
        /// Column index.
        col: usize,
    },
}

/// The product `C = A ⊙ B` (row-major, `m × n`) and, per entry, the smallest maximising `l`.
#[derive(Debug, Clone, PartialEq)]
pub struct MaxPlusProduct<T> {
    /// `C[i,j]` at `values[i*n + j]`.
    pub values: Vec<T>,
    /// The smallest `l` with `A[i,l] + B[l,j] = C[i,j]` ([`NO_ARGMAX`] when `k = 0`).
    pub argmax: Vec<u32>,
    /// Rows of `C`.
    pub m: usize,
    /// Columns of `C`.
    pub n: usize,
}

impl<T: MaxPlusFloat> MaxPlusProduct<T> {
    /// `(C[i,j], argmax[i,j])`.
    pub fn get(&self, i: usize, j: usize) -> (T, u32) {
        (self.values[i * self.n + j], self.argmax[i * self.n + j])
    }
}

fn check<T: MaxPlusFloat>(
    a: &[T],
    b: &[T],
    m: usize,
    k: usize,
    n: usize,
) -> Result<(), ShapeError> {
    if k >= NO_ARGMAX as usize {
        return Err(ShapeError::TooLarge(format!(
            "inner dimension {k} ≥ 2^32 - 1"
        )));
    }
    for (name, buf, rows, cols) in [("A", a, m, k), ("B", b, k, n)] {
        let expected = rows
            .checked_mul(cols)
            .ok_or_else(|| ShapeError::TooLarge(format!("{name} is {rows}×{cols}")))?;
        if buf.len() != expected {
            return Err(ShapeError::Length {
                matrix: name,
                rows,
                cols,
                expected,
                got: buf.len(),
            });
        }
        if let Some(p) = first_outside(buf) {
            let (row, col) = (p / cols, p % cols);
            return Err(if buf[p].is_nan() {
                ShapeError::NaN {
                    matrix: name,
                    row,
                    col,
                }
            } else {
                ShapeError::PositiveInfinity {
                    matrix: name,
                    row,
                    col,
                }
            });
        }
    }
    m.checked_mul(n)
        .ok_or_else(|| ShapeError::TooLarge(format!("C is {m}×{n}")))?;
    Ok(())
}

/// The index of the first NaN or `+∞` in `buf`. Chunks are tested branch-free (so the common,
/// valid case vectorizes) and only a chunk that fails is searched.
fn first_outside<T: MaxPlusFloat>(buf: &[T]) -> Option<usize> {
    const CHUNK: usize = 256;
    let outside = |x: T| x.is_nan() | x.is_pos_infinity();
    buf.chunks(CHUNK).enumerate().find_map(|(c, xs)| {
        xs.iter()
            .fold(false, |any, &x| any | outside(x))
            .then(|| c * CHUNK + xs.iter().position(|&x| outside(x)).unwrap_or(0))
    })
}

/// Max-plus product `C[i,j] = max_l A[i,l] + B[l,j]` of row-major `A` (`m × k`) and `B`
/// (`k × n`), with argmax (smallest maximising `l`). Cache-blocked, vectorized, parallel.
///
/// `-∞` entries are the tropical zero; `k = 0` gives `C = -∞` with argmax [`NO_ARGMAX`].
/// Errors: buffer lengths ≠ dimensions, NaN or `+∞` in an input. Finite sums may overflow to
/// `+∞` like any float addition.
pub fn maxplus_matmul<T: MaxPlusFloat>(
    a: &[T],
    b: &[T],
    m: usize,
    k: usize,
    n: usize,
) -> Result<MaxPlusProduct<T>, ShapeError> {
    check(a, b, m, k, n)?;
    let init_idx = if k == 0 { NO_ARGMAX } else { 0 };
    let mut values = vec![T::NEG_INFINITY; m * n];
    let mut argmax = vec![init_idx; m * n];
    if n > 0 && k > 0 {
        #[cfg(target_arch = "x86_64")]
        let done = std::is_x86_feature_detected!("avx2")
            && (avx2_product::<T, f32>(a, b, (m, k, n), &mut values, &mut argmax)
                || avx2_product::<T, f64>(a, b, (m, k, n), &mut values, &mut argmax));
        #[cfg(not(target_arch = "x86_64"))]
        let done = false;
        if !done {
            portable(a, b, (k, n), &mut values, &mut argmax);
        }
    }
    Ok(MaxPlusProduct {
        values,
        argmax,
        m,
        n,
    })
}

/// The portable blocked product into `values`/`argmax` (filled with `-∞` and `0`), parallel
/// over blocks of [`ROW_BLOCK`] rows; shapes as validated by `check`, `k > 0`, `n > 0`.
fn portable<T: MaxPlusFloat>(
    a: &[T],
    b: &[T],
    (k, n): (usize, usize),
    values: &mut [T],
    argmax: &mut [u32],
) {
    values
        .par_chunks_mut(ROW_BLOCK * n)
        .zip(argmax.par_chunks_mut(ROW_BLOCK * n))
        .enumerate()
        .for_each(|(blk, (cv, ca))| {
            row_block(a, b, k, n, blk * ROW_BLOCK, cv, ca);
        });
}

/// Rows of the register tile.
const MR: usize = 4;
/// Columns of the register tile.
const NR: usize = 16;

/// The packed AVX2 kernel when `T` is the lane type `L` (same `TypeId`): runs it and returns
/// `true`; otherwise `false`, touching nothing. The caller has checked for AVX2 and validated
/// the shapes (`check`, `0 < k`, `n > 0`).
#[cfg(target_arch = "x86_64")]
fn avx2_product<T: MaxPlusFloat, L: avx2::Lane>(
    a: &[T],
    b: &[T],
    (m, k, n): (usize, usize, usize),
    values: &mut [T],
    argmax: &mut [u32],
) -> bool {
    if std::any::TypeId::of::<T>() != std::any::TypeId::of::<L>() {
        return false;
    }
    // SAFETY: `T` and `L` are the same type (same `TypeId`), so these are the same buffers
    // viewed at their own type; the caller detected AVX2 and `check` established the lengths
    // and `0 < k < u32::MAX`.
    unsafe {
        let a = std::slice::from_raw_parts(a.as_ptr().cast::<L>(), a.len());
        let b = std::slice::from_raw_parts(b.as_ptr().cast::<L>(), b.len());
        let out = std::slice::from_raw_parts_mut(values.as_mut_ptr().cast::<L>(), values.len());
        avx2::product((a, b), (m, k, n), (out, argmax));
    }
    true
}

/// One block of rows starting at row `i0`; `cv`/`ca` are those rows of `C` and argmax.
///
/// Loop nest: column tiles (`COL_BLOCK`) × inner panels (`K_BLOCK`, increasing `l`) × register
/// tiles of `MR × NR` entries kept in registers across the panel; leftover rows/columns use the
/// row-wise [`update`]. Within each entry the candidates are visited in increasing `l` and
/// replaced only on a strict `>`, so the recorded argmax is the smallest maximiser.
fn row_block<T: MaxPlusFloat>(
    a: &[T],
    b: &[T],
    k: usize,
    n: usize,
    i0: usize,
    cv: &mut [T],
    ca: &mut [u32],
) {
    let rows = cv.len() / n;
    for jb in (0..n).step_by(COL_BLOCK) {
        let jend = (jb + COL_BLOCK).min(n);
        for kb in (0..k).step_by(K_BLOCK) {
            let kend = (kb + K_BLOCK).min(k);
            let mut r = 0;
            while r + MR <= rows {
                let mut j = jb;
                while j + NR <= jend {
                    micro_kernel(
                        a,
                        b,
                        k,
                        n,
                        i0 + r,
                        j,
                        kb,
                        kend,
                        &mut cv[r * n..],
                        &mut ca[r * n..],
                    );
                    j += NR;
                }
                if j < jend {
                    for rr in r..r + MR {
                        row_update(
                            a,
                            b,
                            k,
                            n,
                            i0 + rr,
                            j,
                            jend,
                            kb,
                            kend,
                            &mut cv[rr * n..],
                            &mut ca[rr * n..],
                        );
                    }
                }
                r += MR;
            }
            for rr in r..rows {
                row_update(
                    a,
                    b,
                    k,
                    n,
                    i0 + rr,
                    jb,
                    jend,
                    kb,
                    kend,
                    &mut cv[rr * n..],
                    &mut ca[rr * n..],
                );
            }
        }
    }
}

/// Columns `j0..j1` of one row `i` of `C` (`c`, `idx` start at that row) over panel `kb..kend`.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn row_update<T: MaxPlusFloat>(
    a: &[T],
    b: &[T],
    k: usize,
    n: usize,
    i: usize,
    j0: usize,
    j1: usize,
    kb: usize,
    kend: usize,
    c: &mut [T],
    idx: &mut [u32],
) {
    let a_row = &a[i * k..(i + 1) * k];
    for (l, &ail) in a_row.iter().enumerate().take(kend).skip(kb) {
        if ail == T::NEG_INFINITY {
            continue; // -∞ + b = -∞ never beats the running maximum
        }
        update(
            &mut c[j0..j1],
            &mut idx[j0..j1],
            &b[l * n + j0..l * n + j1],
            ail,
            l as u32,
        );
    }
}

/// The `MR × NR` register tile of `C` at rows `i..i+MR`, columns `j..j+NR` over panel
/// `kb..kend` (`c`, `idx` start at row `i` of the block).
#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn micro_kernel<T: MaxPlusFloat>(
    a: &[T],
    b: &[T],
    k: usize,
    n: usize,
    i: usize,
    j: usize,
    kb: usize,
    kend: usize,
    c: &mut [T],
    idx: &mut [u32],
) {
    let mut acc = [[T::NEG_INFINITY; NR]; MR];
    let mut arg = [[0u32; NR]; MR];
    for r in 0..MR {
        acc[r].copy_from_slice(&c[r * n + j..r * n + j + NR]);
        arg[r].copy_from_slice(&idx[r * n + j..r * n + j + NR]);
    }
    for l in kb..kend {
        let brow: &[T; NR] = b[l * n + j..l * n + j + NR].try_into().expect("NR columns");
        let lu = l as u32;
        for r in 0..MR {
            let ail = a[(i + r) * k + l];
            for q in 0..NR {
                let v = ail + brow[q];
                let better = v > acc[r][q];
                acc[r][q] = if better { v } else { acc[r][q] };
                arg[r][q] = if better { lu } else { arg[r][q] };
            }
        }
    }
    for r in 0..MR {
        c[r * n + j..r * n + j + NR].copy_from_slice(&acc[r]);
        idx[r * n + j..r * n + j + NR].copy_from_slice(&arg[r]);
    }
}

/// `c[j], idx[j] ← (ail + b[j], l)` where that is strictly larger: branch-free, vectorizable.
#[inline(always)]
fn update<T: MaxPlusFloat>(c: &mut [T], idx: &mut [u32], b: &[T], ail: T, l: u32) {
    for ((cj, ij), &bj) in c.iter_mut().zip(idx.iter_mut()).zip(b) {
        let v = ail + bj;
        let better = v > *cj;
        *cj = if better { v } else { *cj };
        *ij = if better { l } else { *ij };
    }
}

/// Triple-loop reference for [`maxplus_matmul`] (same contract, same errors, same output).
pub fn maxplus_matmul_naive<T: MaxPlusFloat>(
    a: &[T],
    b: &[T],
    m: usize,
    k: usize,
    n: usize,
) -> Result<MaxPlusProduct<T>, ShapeError> {
    check(a, b, m, k, n)?;
    let mut values = Vec::with_capacity(m * n);
    let mut argmax = Vec::with_capacity(m * n);
    for i in 0..m {
        for j in 0..n {
            let mut best = T::NEG_INFINITY;
            let mut arg = if k == 0 { NO_ARGMAX } else { 0 };
            for l in 0..k {
                let v = a[i * k + l] + b[l * n + j];
                if v > best {
                    best = v;
                    arg = l as u32;
                }
            }
            values.push(best);
            argmax.push(arg);
        }
    }
    Ok(MaxPlusProduct {
        values,
        argmax,
        m,
        n,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Deterministic tie-heavy entries: quarters in [-10, 10] and about one `-∞` in seven.
    fn entries(len: usize, seed: u64) -> Vec<f32> {
        let mut s = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (0..len)
            .map(|_| {
                s = s
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let r = (s >> 33) % 574;
                if r >= 492 {
                    f32::NEG_INFINITY
                } else {
                    (r as f32 - 40.0) / 4.0 % 10.0
                }
            })
            .collect()
    }

    fn bits(c: &MaxPlusProduct<f32>) -> (Vec<u32>, Vec<u32>) {
        (
            c.values.iter().map(|x| x.to_bits()).collect(),
            c.argmax.clone(),
        )
    }

    /// Hypothesis: shapes straddling the packed kernels' tiles (4 × 8 and 4 × 4), parallel
    /// blocks and inner slice (256), and the portable loop's blocks, many ties and `-∞`.
    /// Conclusion: `maxplus_matmul` (f32 and f64) and the portable loop equal the triple loop
    /// bit for bit, argmax (smallest maximiser) included.
    #[test]
    fn blocked_equals_naive_across_block_edges() {
        let mut seed = 0;
        for (m, k, n) in [
            (1, 1, 1),
            (4, 3, 8),
            (5, 7, 9),
            (33, 257, 17),
            (31, 513, 7),
            (65, 256, 16),
            (3, 255, 23),
            (40, 600, 41),
        ] {
            seed += 1;
            let (a, b) = (entries(m * k, seed), entries(k * n, seed + 100));
            let fast = maxplus_matmul(&a, &b, m, k, n).unwrap();
            let naive = maxplus_matmul_naive(&a, &b, m, k, n).unwrap();
            assert_eq!(bits(&fast), bits(&naive), "shape {m}×{k}×{n}");
            let mut slow = naive.clone();
            slow.values.fill(f32::NEG_INFINITY);
            slow.argmax.fill(0);
            portable(&a, &b, (k, n), &mut slow.values, &mut slow.argmax);
            assert_eq!(bits(&slow), bits(&naive), "portable, shape {m}×{k}×{n}");
            let wide = |x: &[f32]| x.iter().map(|&v| f64::from(v)).collect::<Vec<_>>();
            let fast64 = maxplus_matmul(&wide(&a), &wide(&b), m, k, n).unwrap();
            assert_eq!(fast64.argmax, naive.argmax, "f64, shape {m}×{k}×{n}");
            assert!(fast64
                .values
                .iter()
                .zip(&naive.values)
                .all(|(x, y)| { x.to_bits() == f64::from(*y).to_bits() }));
        }
    }

    /// Hypothesis: candidates `-0 + -0 = -0` (at l = 0) and `+0 + +0 = +0` (at l = 1) tie, in
    /// full and partial tiles. Conclusion: the first one is kept, value `-0` and argmax 0, as in
    /// the triple loop (f32 and f64).
    #[test]
    fn signed_zero_tie_keeps_first() {
        fn case<T: MaxPlusFloat + From<i8> + std::ops::Neg<Output = T>>(m: usize, n: usize) {
            let k = 2;
            let (neg, pos) = (-T::from(0), T::from(0));
            let a: Vec<T> = (0..m * k)
                .map(|p| if p % 2 == 0 { neg } else { pos })
                .collect();
            let b: Vec<T> = (0..k * n).map(|p| if p < n { neg } else { pos }).collect();
            let fast = maxplus_matmul(&a, &b, m, k, n).unwrap();
            let naive = maxplus_matmul_naive(&a, &b, m, k, n).unwrap();
            // -0 is the only zero whose reciprocal is negative: compare through `Debug`.
            assert!(fast.values.iter().all(|x| format!("{x:?}") == "-0.0"));
            assert!(fast.argmax.iter().all(|&l| l == 0));
            assert_eq!(format!("{fast:?}"), format!("{naive:?}"));
        }
        for (m, n) in [(4, 8), (5, 11), (1, 3)] {
            case::<f32>(m, n);
            case::<f64>(m, n);
        }
    }
}
