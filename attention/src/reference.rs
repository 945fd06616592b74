//! Kernel-level CPU float reference of attention, the twin of the GPU kernels (`tropical-gpu`).
//!
//! All functions are batched over heads and work on row-major tensors
//! `q [h][n_q][d]`, `k [h][n_k][d]`, `v [h][n_k][d_v]`, producing `out [h][n_q][d_v]`.
//! They are generic over [`AttnFloat`] (`f32`, `f64`).
//!
//! # Operation order (shared with the CUDA kernels, so one error bound covers both)
//!
//! For one query `q` of one head, with `c = fl(σ/τ)`:
//!
//! 1. raw score `r_j = fl(⟨q, k_j⟩)` (any summation order: the bound `γ_d·Σ_i |q_i k_{j,i}|`
//!    holds for every order and for fused multiply–add);
//! 2. scaled score `ŝ_j = fl(r_j · c)`;
//! 3. **softmax** ([`softmax_attention`]): keys are visited in tiles of [`KEY_TILE`]; per tile
//!    `m' = max(m, max_{j∈tile} ŝ_j)`, `f = exp(m − m')`, `l ← l·f`, `acc ← acc·f`, then for each
//!    key of the tile in index order `p = exp(ŝ_j − m')`, `l ← l + p`, `acc ← acc + p·v_j`;
//!    finally `out = acc / l`. One pass over K/V, online max and sum, no `n_q × n_k` matrix.
//! 4. **zero temperature** ([`hard_attention`]): `argmax_j r_j` as the set of indices whose raw
//!    score EQUALS the float maximum (exact float ties, SPEC §1); output = mean of those value rows
//!    (summed in index order, divided by the count). σ and τ do not matter (argmax is invariant
//!    under a positive scale), so the raw score is compared.
//! 5. **top-k** ([`topk_attention`]): select the `k` largest raw scores `r_j`; **tie rule:** keys
//!    are ranked by `(r_j descending, j ascending)` and the first `k` are kept, so among keys tied at
//!    the k-th score the smallest indices win. The selected keys are processed in that rank order:
//!    `m = ŝ_{first}`, `l = Σ exp(ŝ_j − m)`, `acc = Σ exp(ŝ_j − m)·v_j` (sequential), `out = acc/l`.
//!    If `k ≥ n_k` all keys are kept.
//!
//! Errors (never panics): shape mismatches, empty dimensions, non-finite inputs, `σ ≤ 0`,
//! `τ ≤ 0`, `k = 0`, and scores that overflow to ±∞.
//!
//! ```
//! use tropical_attention::reference::{softmax_attention, AttentionShape};
//! let shape = AttentionShape { heads: 1, n_q: 1, n_k: 2, d: 1, d_v: 1 };
//! // two keys with equal scores: the output is the mean of the values
//! let out = softmax_attention(&[1.0f64], &[2.0, 2.0], &[0.0, 4.0], &shape, 1.0, 1.0).unwrap();
//! assert!((out[0] - 2.0).abs() < 1e-12);
//! ```

use std::fmt::Debug;

/// Number of keys per tile of the online softmax (the CUDA kernel uses the same tile).
pub const KEY_TILE: usize = 32;

/// A float type the reference kernels run in (`f32`, `f64`).
pub trait AttnFloat: num_traits::Float + Debug + Default + Send + Sync + 'static {
    /// Unit roundoff `u = 2^-p` (`2^-24` for f32, `2^-53` for f64).
    const UNIT_ROUNDOFF: f64;
    /// Widen to f64 (exact for f32 and f64).
    fn as_f64(self) -> f64;
    /// Round an f64 to this type.
    fn from_f64_round(x: f64) -> Self;
}

impl AttnFloat for f32 {
    const UNIT_ROUNDOFF: f64 = 5.960_464_477_539_063e-8; // 2^-24
    fn as_f64(self) -> f64 {
        f64::from(self)
    }
    fn from_f64_round(x: f64) -> Self {
        x as f32
    }
}

impl AttnFloat for f64 {
    const UNIT_ROUNDOFF: f64 = 1.110_223_024_625_156_5e-16; // 2^-53
    fn as_f64(self) -> f64 {
        self
    }
    fn from_f64_round(x: f64) -> Self {
        x
    }
}

/// Shapes of a batched attention problem: `q [heads][n_q][d]`, `k [heads][n_k][d]`,
/// `v [heads][n_k][d_v]`, output `[heads][n_q][d_v]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AttentionShape {
    /// Number of heads.
    pub heads: usize,
    /// Queries per head.
    pub n_q: usize,
    /// Keys (and values) per head.
    pub n_k: usize,
    /// Query/key dimension.
    pub d: usize,
    /// Value dimension.
    pub d_v: usize,
}

impl AttentionShape {
    /// `(heads, n_q, n_k, d, d_v)`.
    pub fn dims(&self) -> (usize, usize, usize, usize, usize) {
        (self.heads, self.n_q, self.n_k, self.d, self.d_v)
    }
    /// Length of `q`.
    pub fn q_len(&self) -> usize {
        self.heads * self.n_q * self.d
    }
    /// Length of `k`.
    pub fn k_len(&self) -> usize {
        self.heads * self.n_k * self.d
    }
    /// Length of `v`.
    pub fn v_len(&self) -> usize {
        self.heads * self.n_k * self.d_v
    }
    /// Length of the output.
    pub fn out_len(&self) -> usize {
        self.heads * self.n_q * self.d_v
    }
    /// The keys and values of head `h` (`n_k × d` and `n_k × d_v`, row-major) in buffers of
    /// this shape ([`validate`](Self::validate) first; panics past the buffers otherwise).
    pub fn head_keys_values<'a, T>(&self, k: &'a [T], v: &'a [T], h: usize) -> (&'a [T], &'a [T]) {
        let (kd, vd) = (self.n_k * self.d, self.n_k * self.d_v);
        (&k[h * kd..][..kd], &v[h * vd..][..vd])
    }
    /// Query `i` of head `h` (length `d`) in a buffer of this shape.
    pub fn query<'a, T>(&self, q: &'a [T], h: usize, i: usize) -> &'a [T] {
        &q[(h * self.n_q + i) * self.d..][..self.d]
    }
    /// Where the output row of query `i` of head `h` (length `d_v`) sits in the output.
    pub fn out_row(&self, h: usize, i: usize) -> std::ops::Range<usize> {
        let start = (h * self.n_q + i) * self.d_v;
        start..start + self.d_v
    }

    /// Check that no dimension is zero, lengths do not overflow, and the slices have the
    /// right lengths and finite entries.
    pub fn validate<T: AttnFloat>(
        &self,
        q: &[T],
        k: &[T],
        v: &[T],
    ) -> Result<(), FloatAttentionError> {
        for (name, x) in [
            ("heads", self.heads),
            ("n_q", self.n_q),
            ("n_k", self.n_k),
            ("d", self.d),
            ("d_v", self.d_v),
        ] {
            if x == 0 {
                return Err(FloatAttentionError::Empty(name));
            }
        }
        let checked =
            |a: usize, b: usize, c: usize| a.checked_mul(b).and_then(|x| x.checked_mul(c));
        let lens = [
            ("q", checked(self.heads, self.n_q, self.d), q.len()),
            ("k", checked(self.heads, self.n_k, self.d), k.len()),
            ("v", checked(self.heads, self.n_k, self.d_v), v.len()),
            ("out", checked(self.heads, self.n_q, self.d_v), 0),
        ];
        for (name, expected, got) in lens {
            let expected = expected.ok_or(FloatAttentionError::TooLarge)?;
            if name != "out" && expected != got {
                return Err(FloatAttentionError::Shape {
                    tensor: name,
                    expected,
                    got,
                });
            }
        }
        for (name, xs) in [("q", q), ("k", k), ("v", v)] {
            if let Some(i) = xs.iter().position(|x| !x.is_finite()) {
                return Err(FloatAttentionError::NonFinite {
                    tensor: name,
                    index: i,
                });
            }
        }
        Ok(())
    }
}

/// Errors of the float reference kernels.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FloatAttentionError {
    /// A slice length does not match the shape.
    #[error("tensor `{tensor}` has {got} entries, the shape needs {expected}")]
    Shape {
        /// Which tensor.
        tensor: &'static str,
        /// Length the shape implies.
        expected: usize,
        /// Length given.
        got: usize,
    },
    /// A dimension is zero.
    #[error("dimension `{0}` is zero")]
    Empty(&'static str),
    /// The tensor sizes overflow `usize`.
    #[error("tensor sizes overflow usize")]
    TooLarge,
    /// NaN or ±∞ in an input.
    #[error("tensor `{tensor}` has a non-finite entry (NaN or inf) at flat index {index}")]
    NonFinite {
        /// Which tensor.
        tensor: &'static str,
        /// Flat index of the first bad entry.
        index: usize,
    },
    /// σ, τ or k out of range.
    #[error("bad parameter: {0}")]
    Parameter(String),
    /// A score (or the output) overflowed to ±∞ / NaN.
    #[error("overflow: score or output of head {head}, query {query} is not finite")]
    Overflow {
        /// Head index.
        head: usize,
        /// Query index.
        query: usize,
    },
}

/// Zero-temperature attention output: the mean over the float argmax set, plus that set's
/// smallest index and size for each `(head, query)` (row-major `[h][n_q]`).
#[derive(Clone, Debug, PartialEq)]
pub struct HardAttention<T> {
    /// Output `[h][n_q][d_v]`.
    pub output: Vec<T>,
    /// Smallest index of the float argmax set, `[h][n_q]`.
    pub argmax: Vec<u32>,
    /// Size of the float argmax set (number of exactly tied maxima), `[h][n_q]`.
    pub tie_count: Vec<u32>,
}

/// Top-k attention output: the output and the selected keys per `(head, query)`.
#[derive(Clone, Debug, PartialEq)]
pub struct TopkAttention<T> {
    /// Output `[h][n_q][d_v]`.
    pub output: Vec<T>,
    /// Number of selected keys per query, `min(k, n_k)`.
    pub k: usize,
    /// Selected key indices `[h][n_q][k]` in rank order (score descending, index ascending).
    pub selected: Vec<u32>,
}

fn check_params<T: AttnFloat>(sigma: T, tau: T) -> Result<T, FloatAttentionError> {
    if !(sigma.is_finite() && sigma > T::zero()) {
        return Err(FloatAttentionError::Parameter(format!(
            "score scale σ must be finite and > 0, got {sigma:?}"
        )));
    }
    if !(tau.is_finite() && tau > T::zero()) {
        return Err(FloatAttentionError::Parameter(format!(
            "temperature τ must be finite and > 0, got {tau:?}"
        )));
    }
    let c = sigma / tau;
    if !c.is_finite() || c == T::zero() {
        return Err(FloatAttentionError::Parameter(format!(
            "σ/τ = {c:?} is not a finite positive float"
        )));
    }
    Ok(c)
}

/// `fl(⟨a, b⟩)`, sequential (the reference order; the error bound is order-independent).
#[inline]
pub fn dot<T: AttnFloat>(a: &[T], b: &[T]) -> T {
    a.iter().zip(b).fold(T::zero(), |acc, (&x, &y)| acc + x * y)
}

/// Softmax attention `softmax(σ·QKᵀ/τ)·V` per head, in the tiled online order described in
/// the module docs (one pass over K/V per query, no `n_q × n_k` matrix).
///
/// Errors: see [`FloatAttentionError`].
pub fn softmax_attention<T: AttnFloat>(
    q: &[T],
    k: &[T],
    v: &[T],
    shape: &AttentionShape,
    sigma: T,
    tau: T,
) -> Result<Vec<T>, FloatAttentionError> {
    shape.validate(q, k, v)?;
    let c = check_params(sigma, tau)?;
    let (heads, n_q, n_k, d, d_v) = shape.dims();
    let mut out = vec![T::zero(); shape.out_len()];
    let mut scores = [T::zero(); KEY_TILE];
    let mut acc = vec![T::zero(); d_v];
    for h in 0..heads {
        let (kh, vh) = shape.head_keys_values(k, v, h);
        for i in 0..n_q {
            let qi = shape.query(q, h, i);
            let mut m = T::neg_infinity();
            let mut l = T::zero();
            acc.iter_mut().for_each(|a| *a = T::zero());
            let mut start = 0;
            while start < n_k {
                let end = (start + KEY_TILE).min(n_k);
                let mut m_new = m;
                for j in start..end {
                    let s = dot(qi, &kh[j * d..(j + 1) * d]) * c;
                    if !s.is_finite() {
                        return Err(FloatAttentionError::Overflow { head: h, query: i });
                    }
                    scores[j - start] = s;
                    if s > m_new {
                        m_new = s;
                    }
                }
                // m = -inf on the first tile: exp(-inf) = 0 and l = acc = 0 anyway.
                let f = (m - m_new).exp();
                l = l * f;
                acc.iter_mut().for_each(|a| *a = *a * f);
                for j in start..end {
                    let p = (scores[j - start] - m_new).exp();
                    l = l + p;
                    let vj = &vh[j * d_v..(j + 1) * d_v];
                    for (a, &x) in acc.iter_mut().zip(vj) {
                        *a = *a + p * x;
                    }
                }
                m = m_new;
                start = end;
            }
            let o = &mut out[shape.out_row(h, i)];
            for (oc, &a) in o.iter_mut().zip(&acc) {
                *oc = a / l;
                if !oc.is_finite() {
                    return Err(FloatAttentionError::Overflow { head: h, query: i });
                }
            }
        }
    }
    Ok(out)
}

/// Zero-temperature attention (the `τ → 0⁺` limit, SPEC §1 and T3): per query the mean of the
/// value rows over the set of keys whose float score `fl(⟨q,k_j⟩)` equals the float maximum
/// (exact float ties). σ is irrelevant (argmax is invariant under a positive scale).
pub fn hard_attention<T: AttnFloat>(
    q: &[T],
    k: &[T],
    v: &[T],
    shape: &AttentionShape,
) -> Result<HardAttention<T>, FloatAttentionError> {
    shape.validate(q, k, v)?;
    if shape.n_k > u32::MAX as usize {
        return Err(FloatAttentionError::TooLarge);
    }
    let (heads, n_q, n_k, d, d_v) = shape.dims();
    let mut output = vec![T::zero(); shape.out_len()];
    let mut argmax = vec![0u32; heads * n_q];
    let mut tie_count = vec![0u32; heads * n_q];
    for h in 0..heads {
        let (kh, vh) = shape.head_keys_values(k, v, h);
        for i in 0..n_q {
            let qi = shape.query(q, h, i);
            let o = &mut output[shape.out_row(h, i)];
            let mut best = T::neg_infinity();
            let mut first = 0usize;
            let mut count = 0u32;
            for j in 0..n_k {
                let s = dot(qi, &kh[j * d..(j + 1) * d]);
                if !s.is_finite() {
                    return Err(FloatAttentionError::Overflow { head: h, query: i });
                }
                if s > best {
                    best = s;
                    first = j;
                    count = 1;
                    o.copy_from_slice(&vh[j * d_v..(j + 1) * d_v]);
                } else if s == best {
                    count += 1;
                    for (a, &x) in o.iter_mut().zip(&vh[j * d_v..(j + 1) * d_v]) {
                        *a = *a + x;
                    }
                }
            }
            let cnt = T::from_f64_round(f64::from(count));
            for a in o.iter_mut() {
                *a = *a / cnt;
                if !a.is_finite() {
                    return Err(FloatAttentionError::Overflow { head: h, query: i });
                }
            }
            argmax[h * n_q + i] = first as u32;
            tie_count[h * n_q + i] = count;
        }
    }
    Ok(HardAttention {
        output,
        argmax,
        tie_count,
    })
}

/// Top-k attention: softmax at temperature τ over the `k` largest scores of each query
/// (ties at the k-th score: smallest key indices win; see the module docs), `k ≥ 1`.
/// If `k ≥ n_k` every key is kept.
pub fn topk_attention<T: AttnFloat>(
    q: &[T],
    k: &[T],
    v: &[T],
    shape: &AttentionShape,
    sigma: T,
    tau: T,
    top_k: usize,
) -> Result<TopkAttention<T>, FloatAttentionError> {
    shape.validate(q, k, v)?;
    let c = check_params(sigma, tau)?;
    if top_k == 0 {
        return Err(FloatAttentionError::Parameter("top-k needs k ≥ 1".into()));
    }
    if shape.n_k > u32::MAX as usize {
        return Err(FloatAttentionError::TooLarge);
    }
    let (heads, n_q, n_k, d, d_v) = shape.dims();
    let kk = top_k.min(n_k);
    let mut output = vec![T::zero(); shape.out_len()];
    let mut selected = vec![0u32; heads * n_q * kk];
    let mut raw: Vec<(T, u32)> = Vec::with_capacity(n_k);
    let mut acc = vec![T::zero(); d_v];
    for h in 0..heads {
        let (kh, vh) = shape.head_keys_values(k, v, h);
        for i in 0..n_q {
            let qi = shape.query(q, h, i);
            raw.clear();
            for j in 0..n_k {
                let s = dot(qi, &kh[j * d..(j + 1) * d]);
                if !s.is_finite() {
                    return Err(FloatAttentionError::Overflow { head: h, query: i });
                }
                raw.push((s, j as u32));
            }
            // rank: score descending, index ascending (scores are finite, so the order is total)
            raw.sort_by(|a, b| {
                b.0.partial_cmp(&a.0)
                    .unwrap_or(std::cmp::Ordering::Equal)
                    .then(a.1.cmp(&b.1))
            });
            let sel = &mut selected[(h * n_q + i) * kk..(h * n_q + i + 1) * kk];
            for (slot, &(_, j)) in sel.iter_mut().zip(&raw[..kk]) {
                *slot = j;
            }
            let m = raw[0].0 * c;
            if !m.is_finite() {
                return Err(FloatAttentionError::Overflow { head: h, query: i });
            }
            let mut l = T::zero();
            acc.iter_mut().for_each(|a| *a = T::zero());
            for &(r, j) in &raw[..kk] {
                let p = (r * c - m).exp();
                l = l + p;
                let j = j as usize;
                for (a, &x) in acc.iter_mut().zip(&vh[j * d_v..(j + 1) * d_v]) {
                    *a = *a + p * x;
                }
            }
            let o = &mut output[shape.out_row(h, i)];
            for (oc, &a) in o.iter_mut().zip(&acc) {
                *oc = a / l;
                if !oc.is_finite() {
                    return Err(FloatAttentionError::Overflow { head: h, query: i });
                }
            }
        }
    }
    Ok(TopkAttention {
        output,
        k: kk,
        selected,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Two-pass textbook softmax attention in f64 (independent of the online order).
    fn naive_softmax(q: &[f64], k: &[f64], v: &[f64], s: &AttentionShape, c: f64) -> Vec<f64> {
        let mut out = vec![0.0; s.out_len()];
        for h in 0..s.heads {
            for i in 0..s.n_q {
                let qi = &q[(h * s.n_q + i) * s.d..][..s.d];
                let sc: Vec<f64> = (0..s.n_k)
                    .map(|j| c * dot(qi, &k[(h * s.n_k + j) * s.d..][..s.d]))
                    .collect();
                let m = sc.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
                let w: Vec<f64> = sc.iter().map(|x| (x - m).exp()).collect();
                let z: f64 = w.iter().sum();
                for c_ in 0..s.d_v {
                    out[(h * s.n_q + i) * s.d_v + c_] = (0..s.n_k)
                        .map(|j| w[j] * v[(h * s.n_k + j) * s.d_v + c_])
                        .sum::<f64>()
                        / z;
                }
            }
        }
        out
    }

    fn problem() -> impl Strategy<Value = (AttentionShape, Vec<f64>, Vec<f64>, Vec<f64>)> {
        (1usize..3, 1usize..4, 1usize..80, 1usize..5, 1usize..4).prop_flat_map(
            |(heads, n_q, n_k, d, d_v)| {
                let s = AttentionShape {
                    heads,
                    n_q,
                    n_k,
                    d,
                    d_v,
                };
                // small integers: many exact ties
                let g = || (-3i32..=3).prop_map(f64::from);
                (
                    Just(s),
                    proptest::collection::vec(g(), s.q_len()),
                    proptest::collection::vec(g(), s.k_len()),
                    proptest::collection::vec(g(), s.v_len()),
                )
            },
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        /// Hypothesis: any small-integer problem (so dot products are exact in f64).
        /// Conclusion: the tiled online softmax agrees with the two-pass textbook softmax to 1e-12.
        #[test]
        fn online_softmax_matches_two_pass((s, q, k, v) in problem(), tau in 0.05f64..4.0) {
            let got = softmax_attention(&q, &k, &v, &s, 1.0, tau).unwrap();
            let want = naive_softmax(&q, &k, &v, &s, 1.0 / tau);
            for (a, b) in got.iter().zip(&want) {
                prop_assert!((a - b).abs() <= 1e-12 * (1.0 + b.abs()), "{a} vs {b}");
            }
        }

        /// Hypothesis: integer scores (exact in f64), so exact ties are float ties.
        /// Conclusion: hard attention = mean over the brute-force argmax set; the top-k selection
        /// equals the brute-force rank order's first k (score desc, index asc); top-k with k ≥ n_k
        /// equals full softmax.
        #[test]
        fn hard_and_topk_match_brute_force((s, q, k, v) in problem(), kk in 1usize..6) {
            let hard = hard_attention(&q, &k, &v, &s).unwrap();
            let top = topk_attention(&q, &k, &v, &s, 1.0, 0.5, kk).unwrap();
            for h in 0..s.heads {
                for i in 0..s.n_q {
                    let qi = &q[(h * s.n_q + i) * s.d..][..s.d];
                    let sc: Vec<f64> = (0..s.n_k).map(|j| dot(qi, &k[(h * s.n_k + j) * s.d..][..s.d])).collect();
                    let m = sc.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
                    let set: Vec<usize> = (0..s.n_k).filter(|&j| sc[j] == m).collect();
                    prop_assert_eq!(hard.argmax[h * s.n_q + i] as usize, set[0]);
                    prop_assert_eq!(hard.tie_count[h * s.n_q + i] as usize, set.len());
                    for c in 0..s.d_v {
                        let mean = set.iter().map(|&j| v[(h * s.n_k + j) * s.d_v + c]).sum::<f64>() / set.len() as f64;
                        prop_assert!((hard.output[(h * s.n_q + i) * s.d_v + c] - mean).abs() < 1e-12);
                    }
                    let mut order: Vec<usize> = (0..s.n_k).collect();
                    order.sort_by(|&a, &b| sc[b].partial_cmp(&sc[a]).unwrap().then(a.cmp(&b)));
                    let got: Vec<usize> = top.selected[(h * s.n_q + i) * top.k..][..top.k].iter().map(|&j| j as usize).collect();
                    prop_assert_eq!(&got[..], &order[..kk.min(s.n_k)]);
                }
            }
            let top_all = topk_attention(&q, &k, &v, &s, 1.0, 0.5, s.n_k).unwrap();
            let full = softmax_attention(&q, &k, &v, &s, 1.0, 0.5).unwrap();
            for (a, b) in top_all.output.iter().zip(&full) {
                prop_assert!((a - b).abs() <= 1e-12 * (1.0 + b.abs()));
            }
        }
    }

    #[test]
    fn errors_not_panics() {
        let s = AttentionShape {
            heads: 1,
            n_q: 1,
            n_k: 2,
            d: 1,
            d_v: 1,
        };
        let e = softmax_attention(&[1.0f32], &[1.0], &[1.0, 2.0], &s, 1.0, 1.0).unwrap_err();
        assert!(matches!(e, FloatAttentionError::Shape { tensor: "k", .. }));
        let e = softmax_attention(&[f32::NAN], &[1.0, 1.0], &[1.0, 2.0], &s, 1.0, 1.0).unwrap_err();
        assert!(matches!(
            e,
            FloatAttentionError::NonFinite { tensor: "q", .. }
        ));
        let e = softmax_attention(&[1.0f32], &[1.0, 1.0], &[1.0, 2.0], &s, 1.0, 0.0).unwrap_err();
        assert!(matches!(e, FloatAttentionError::Parameter(_)));
        let e = topk_attention(&[1.0f32], &[1.0, 1.0], &[1.0, 2.0], &s, 1.0, 1.0, 0).unwrap_err();
        assert!(matches!(e, FloatAttentionError::Parameter(_)));
        let e = hard_attention(&[1e30f32], &[1e30, 1.0], &[1.0, 2.0], &s).unwrap_err();
        assert!(matches!(e, FloatAttentionError::Overflow { .. }));
        let z = AttentionShape { n_k: 0, ..s };
        let e = hard_attention::<f32>(&[1.0], &[], &[], &z).unwrap_err();
        assert_eq!(e, FloatAttentionError::Empty("n_k"));
    }

    #[test]
    fn tiny_temperature_is_stable() {
        // scores 1000 apart at τ = 1e-3: the naive exp overflows, the online one must not.
        let s = AttentionShape {
            heads: 1,
            n_q: 1,
            n_k: 3,
            d: 1,
            d_v: 1,
        };
        let out = softmax_attention(&[1.0f32], &[1.0, 3.0, 2.0], &[5.0, 7.0, 9.0], &s, 1.0, 1e-3)
            .unwrap();
        assert_eq!(out[0], 7.0);
    }
}
