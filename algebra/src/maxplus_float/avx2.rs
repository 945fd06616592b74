//! Packed AVX2 kernel for the `f32` max-plus product with argmax (x86-64 only).
//!
//! BLIS-style: `B` is packed into `k × NR` column panels and `A` into `MR × k` row panels
//! (both padded with `-∞`, the tropical zero, which never wins a strict comparison), the inner
//! dimension is cut into `KC`-deep slices so that one `B` panel slice and one `A` panel slice sit
//! in L1, and an `MR × NR` tile of values and argmax stays in registers over a slice. Row blocks
//! of `MC` rows run in parallel with rayon.
//!
//! Exactness: for each entry the candidates `A[i,l] + B[l,j]` are visited in increasing `l`
//! (slices in order, `l` in order within a slice) and the index is replaced only where the
//! candidate is strictly greater (`_CMP_GT_OQ`), so the recorded argmax is the smallest
//! maximiser. The value is updated with `_mm256_max_ps(candidate, running)`, which returns its
//! second operand on equality (including `+0 = -0`), i.e. exactly "replace only on `>`"; NaN
//! cannot occur because inputs contain no NaN and no `+∞`.

use std::arch::x86_64::*;

use rayon::prelude::*;

/// Rows of the register tile.
const MR: usize = 4;
/// Columns of the register tile (one 256-bit vector of f32).
const NR: usize = 8;
/// Depth of an inner-dimension slice (a `KC × NR` slice of `B` is 8 KiB).
const KC: usize = 256;
/// Rows of `C` per parallel task (a multiple of `MR`).
const MC: usize = 32;

/// `C = A ⊙ B` into `values`/`argmax` (row-major `m × n`), which the caller has filled with
/// `-∞` and `0`.
///
/// # Safety
/// The CPU must support AVX2. Also required (checked by `debug_assert!`): `a.len() = m k`,
/// `b.len() = k n`, `values.len() = argmax.len() = m n`, `0 < k < u32::MAX`.
pub(super) unsafe fn maxplus_float(
    a: &[f32],
    b: &[f32],
    m: usize,
    k: usize,
    n: usize,
    values: &mut [f32],
    argmax: &mut [u32],
) {
    debug_assert!(a.len() == m * k && b.len() == k * n);
    debug_assert!(values.len() == m * n && argmax.len() == m * n);
    debug_assert!(k > 0 && k < u32::MAX as usize);
    if m == 0 || n == 0 {
        return;
    }
    // B panels: panel p holds columns p*NR..p*NR+NR, entry (l, q) at l*NR + q.
    let n_panels = n.div_ceil(NR);
    let mut bp = vec![f32::NEG_INFINITY; n_panels * k * NR];
    bp.par_chunks_mut(k * NR)
        .enumerate()
        .for_each(|(p, panel)| {
            let j0 = p * NR;
            let w = NR.min(n - j0);
            for (l, dst) in panel.chunks_exact_mut(NR).enumerate() {
                dst[..w].copy_from_slice(&b[l * n + j0..l * n + j0 + w]);
            }
        });
    // A panels: panel p holds rows p*MR..p*MR+MR, entry (l, r) at l*MR + r.
    let m_panels = m.div_ceil(MR);
    let mut ap = vec![f32::NEG_INFINITY; m_panels * k * MR];
    ap.par_chunks_mut(k * MR)
        .enumerate()
        .for_each(|(p, panel)| {
            let i0 = p * MR;
            for r in 0..MR.min(m - i0) {
                let row = &a[(i0 + r) * k..(i0 + r + 1) * k];
                for (l, &x) in row.iter().enumerate() {
                    panel[l * MR + r] = x;
                }
            }
        });
    let (bp, ap) = (&bp[..], &ap[..]);
    values
        .par_chunks_mut(MC * n)
        .zip(argmax.par_chunks_mut(MC * n))
        .enumerate()
        .for_each(|(blk, (cv, ca))| {
            let rows = cv.len() / n;
            let i0 = blk * MC;
            for kb in (0..k).step_by(KC) {
                let kc = KC.min(k - kb);
                for jp in 0..n_panels {
                    let j0 = jp * NR;
                    let nr = NR.min(n - j0);
                    let bpan = &bp[jp * k * NR + kb * NR..jp * k * NR + (kb + kc) * NR];
                    for r0 in (0..rows).step_by(MR) {
                        let mr = MR.min(rows - r0);
                        let p = (i0 + r0) / MR;
                        let apan = &ap[p * k * MR + kb * MR..p * k * MR + (kb + kc) * MR];
                        // SAFETY: AVX2 is available (this function's contract); `apan` and
                        // `bpan` hold exactly `kc` packed steps; the tile rows `r0..r0+mr` and
                        // columns `j0..j0+nr` lie inside this block's `cv`/`ca` (`rows × n`).
                        unsafe {
                            tile(
                                kc,
                                kb as u32,
                                apan,
                                bpan,
                                &mut cv[r0 * n + j0..],
                                &mut ca[r0 * n + j0..],
                                n,
                                mr,
                                nr,
                            )
                        };
                    }
                }
            }
        });
}

/// Update the `mr × nr` tile whose top-left entry is `c[0]`/`idx[0]` (row stride `ldc`) with
/// the `kc` packed steps `l = l0, …, l0 + kc - 1`.
///
/// # Safety
/// AVX2 available; `ap.len() = kc·MR`, `bp.len() = kc·NR`; `mr ≤ MR`, `nr ≤ NR`, and
/// `(mr - 1)·ldc + nr ≤ c.len(), idx.len()`.
#[allow(clippy::too_many_arguments)]
#[target_feature(enable = "avx2")]
unsafe fn tile(
    kc: usize,
    l0: u32,
    ap: &[f32],
    bp: &[f32],
    c: &mut [f32],
    idx: &mut [u32],
    ldc: usize,
    mr: usize,
    nr: usize,
) {
    debug_assert!(ap.len() == kc * MR && bp.len() == kc * NR);
    debug_assert!(mr <= MR && nr <= NR && (mr - 1) * ldc + nr <= c.len().min(idx.len()));
    let full = mr == MR && nr == NR;
    let mut acc = [_mm256_set1_ps(f32::NEG_INFINITY); MR];
    let mut arg = [_mm256_setzero_ps(); MR];
    if full {
        for r in 0..MR {
            // SAFETY: row r, columns 0..NR are in bounds (contract, nr = NR).
            acc[r] = _mm256_loadu_ps(c.as_ptr().add(r * ldc));
            // The index vector is carried as raw bits in a float register (only blended).
            arg[r] = _mm256_loadu_ps(idx.as_ptr().add(r * ldc).cast::<f32>());
        }
    } else {
        let mut cv = [[f32::NEG_INFINITY; NR]; MR];
        let mut iv = [[0u32; NR]; MR];
        for r in 0..mr {
            cv[r][..nr].copy_from_slice(&c[r * ldc..r * ldc + nr]);
            iv[r][..nr].copy_from_slice(&idx[r * ldc..r * ldc + nr]);
        }
        for r in 0..MR {
            acc[r] = _mm256_loadu_ps(cv[r].as_ptr());
            arg[r] = _mm256_loadu_ps(iv[r].as_ptr().cast::<f32>());
        }
    }
    let one = _mm256_set1_epi32(1);
    let mut cur = _mm256_set1_epi32(l0 as i32);
    let (a_ptr, b_ptr) = (ap.as_ptr(), bp.as_ptr());
    for s in 0..kc {
        // SAFETY: s < kc, so s*NR + 7 < bp.len() and s*MR + r < ap.len().
        let bv = _mm256_loadu_ps(b_ptr.add(s * NR));
        let curf = _mm256_castsi256_ps(cur);
        for r in 0..MR {
            let av = _mm256_broadcast_ss(&*a_ptr.add(s * MR + r));
            let cand = _mm256_add_ps(av, bv);
            let gt = _mm256_cmp_ps::<_CMP_GT_OQ>(cand, acc[r]);
            acc[r] = _mm256_max_ps(cand, acc[r]);
            arg[r] = _mm256_blendv_ps(arg[r], curf, gt);
        }
        cur = _mm256_add_epi32(cur, one);
    }
    if full {
        for r in 0..MR {
            // SAFETY: as for the loads above.
            _mm256_storeu_ps(c.as_mut_ptr().add(r * ldc), acc[r]);
            _mm256_storeu_ps(idx.as_mut_ptr().add(r * ldc).cast::<f32>(), arg[r]);
        }
    } else {
        for r in 0..mr {
            let mut cv = [0f32; NR];
            let mut iv = [0u32; NR];
            _mm256_storeu_ps(cv.as_mut_ptr(), acc[r]);
            _mm256_storeu_ps(iv.as_mut_ptr().cast::<f32>(), arg[r]);
            c[r * ldc..r * ldc + nr].copy_from_slice(&cv[..nr]);
            idx[r * ldc..r * ldc + nr].copy_from_slice(&iv[..nr]);
        }
    }
}
