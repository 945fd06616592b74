//! # Forward error bounds of our kernels
//!
//! Forward error bounds of the float kernels, derived from their operation order
//! (the order is fixed in [`tropical_attention::reference`]'s module docs and shared by the CUDA
//! kernels).
//!
//! Notation: `u = 2^-24` (f32 unit roundoff), `γ_n = n·u/(1 − n·u)`, `d` the head dimension,
//! `n` the number of keys that enter the softmax (`n_k`, or `k` for top-k), `B` =
//! [`KEY_TILE`], `T = ⌈n/B⌉` the number of tiles (`T = 1` for top-k), `c = σ/τ` (exact),
//! `ĉ = fl(σ/τ)`, `A = max_j Σ_i |q_i k_{j,i}|`, `V_c = max_j |v_{j,c}|` per output coordinate
//! `c`, `e_exp` = [`EXP_REL_ERR`] the relative error of `expf` (CUDA: ≤ 2 ulp; glibc: < 1 ulp).
//!
//! **Scores.** `r_j = fl(⟨q,k_j⟩)` in any order (with or without FMA): `|r_j − ⟨q,k_j⟩| ≤
//! γ_d·A` (plus `d·2^-149` for underflow, negligible unless the inputs are subnormal). The
//! scaled score `ŝ_j = fl(r_j·ĉ)` satisfies `|ŝ_j − c⟨q,k_j⟩| ≤ c·A·γ_{d+2}` (+ underflow) and
//! `|ŝ_j| ≤ R := ĉ·A·(1+γ_d)(1+u)`.
//!
//! **Weights.** Every key's effective weight is `exp(x_j − M)` (exact `x_j = c⟨q,k_j⟩`, any
//! shift `M`) times a factor `e^{α_j}` common to the numerator and the denominator, with
//! `|α_j| ≤ α := c·A·γ_{d+2} + 4uR + T·η`, `η = −ln(1 − e_exp)`: the score error; the rounding
//! `u·|a − b|` of each exponent argument (within a tile `|ŝ_j − m| ≤ 2R`; the rescale arguments
//! telescope, `Σ u|m_{t−1} − m_t| ≤ 2uR`); one `exp` per key and one per later rescale.
//! Normalised weights `p̃_j` then satisfy `p̃_j/p_j ∈ [e^{−2α}, e^{2α}]`, so the output of the
//! exact softmax with the perturbed weights differs from the exact output `o_c` by at most
//! `(e^{2α} − 1)·V_c`.
//!
//! **Sums.** Each term reaches `l` and `acc` through at most `S = n + T + 1` roundings (its
//! product with `v`, the later additions, the later rescale multiplications), so
//! `l̂ = Σ w̃_j(1+θ'_j)`, `âcc_c = Σ w̃_j v_{j,c}(1+θ_j)` with `|θ|,|θ'| ≤ γ_S`, giving
//! `|âcc_c/l̂ − õ_c| ≤ 2γ_S/(1 − γ_S)·V_c`; the final division adds `u·(1 + 2γ_S/(1−γ_S))·V_c`.
//!
//! **Underflow.** Weights and rescale factors that fall below `2^-126` lose relative accuracy;
//! the key with the running maximum has weight exactly 1, so `l̂ ≥ 1` and the absolute loss
//! adds at most `4·n·(T+1)·2^-126·V_c`.
//!
//! **Total** (per output coordinate, softmax and top-k):
//!
//! ```text
//! |ô_c − o_c| ≤ V_c · [ (e^{2α} − 1) + 2γ_S/(1−γ_S) + u(1 + 2γ_S/(1−γ_S)) + 4n(T+1)2^-126 ]
//! ```
//!
//! evaluated in f64 and inflated by `1 + 10^-9` (covers the f64 evaluation). The bound grows
//! like `1/τ` through `α` (scores enter the exponent scaled by `c = σ/τ`).
//!
//! **Zero temperature.** Raw scores carry error `δ_j ≤ γ_d·A_j`; if the exact gap between the
//! argmax set `E` and the best other key exceeds `2·γ_d·A`, the float argmax set is contained in
//! `E`. The output is the float mean of `|E|` rows: `|ô_c − o_c| ≤ γ_{|E|+1}·V_c`.
//!
//! **Max-plus.** `ĉ_ij = max_l fl(a_il + b_lj) = fl(max_l (a_il + b_lj))` (rounding is monotone),
//! so `|ĉ_ij − C_ij| ≤ u·|C_ij|`; the float argmax is the smallest exact maximiser unless another
//! candidate is within `u(|C_ij| + |x_l|)` (a near tie).
//!
//! ## Main declarations
//!
//! * [`softmax_factor`], [`softmax_bounds`], [`topk_bound`], [`hard_factor`], [`dot_error`].
//! * For kernels of unknown order, see [`crate::certify::bound`].
//!
//! ## Implementation notes
//!
//! The derivation above is for the fixed order of [`tropical_attention::reference`]; evaluated in
//! f64 and inflated by [`SAFETY`].
//!
//! ## References
//!
//! * N. J. Higham, *Accuracy and Stability of Numerical Algorithms*, 2nd ed., SIAM 2002, §3.1.
//!
//! ```
//! use tropical_gpu::bound::softmax_factor;
//! // d = 64, 512 keys, A = 10, σ/τ = 1: the bound factor is small but positive
//! let f = softmax_factor(64, 512, 16, 10.0, 1.0, 1.0);
//! assert!(f > 0.0 && f < 1e-3);
//! ```

pub use tropical_attention::reference::KEY_TILE;

use crate::AttentionInputs;

/// Unit roundoff of f32, `2^-24`.
pub const U: f64 = 5.960_464_477_539_063e-8;
/// Relative error bound of `expf` used in the bound (2 ulp = `4u`: CUDA's `expf` is within
/// 2 ulp, glibc's within 1).
pub const EXP_REL_ERR: f64 = 4.0 * U;
/// Smallest normal f32, `2^-126`.
pub const MIN_NORMAL: f64 = 1.175_494_350_822_287_5e-38;
/// Smallest positive subnormal f32, `2^-149` (absolute rounding error of an underflowing
/// operation is at most half of it).
pub const MIN_SUBNORMAL: f64 = 1.401_298_464_324_817e-45;
/// Inflation for the f64 evaluation of the bounds.
pub const SAFETY: f64 = 1.0 + 1e-9;

/// `γ_n = n·u/(1 − n·u)` (`+∞` when `n·u ≥ 1`).
pub fn gamma(n: usize) -> f64 {
    let nu = n as f64 * U;
    if nu >= 1.0 {
        f64::INFINITY
    } else {
        nu / (1.0 - nu)
    }
}

/// Certified bound `γ_d·A` on the error of a raw float dot product `fl(⟨q,k⟩)` with
/// `A = Σ|q_i k_i|` (`a_abs`).
pub fn dot_error(d: usize, a_abs: f64) -> f64 {
    (gamma(d) * a_abs + d as f64 * MIN_SUBNORMAL) * SAFETY
}

/// The softmax bound factor `F` with `|ô_c − o_c| ≤ F·V_c` (module docs), for head dimension
/// `d`, `n` keys in `tiles` tiles, `a_max = max_j Σ|q_i k_{j,i}|`, exact scale `c = σ/τ` and
/// float scale `c_hat = fl(σ/τ)`.
pub fn softmax_factor(d: usize, n: usize, tiles: usize, a_max: f64, c: f64, c_hat: f64) -> f64 {
    let r = c_hat * a_max * (1.0 + gamma(d)) * (1.0 + U);
    let eta = -(-EXP_REL_ERR).ln_1p();
    // underflow in the dot product / scaling: at most half a subnormal spacing per operation
    let under_scores = c * (d as f64 + 1.0) * MIN_SUBNORMAL + MIN_SUBNORMAL;
    let alpha = c * a_max * gamma(d + 2) + under_scores + 4.0 * U * r + tiles as f64 * eta;
    let s = gamma(n + tiles + 1);
    let sum = 2.0 * s / (1.0 - s);
    let under = 4.0 * n as f64 * (tiles as f64 + 1.0) * MIN_NORMAL;
    let f = (2.0 * alpha).exp_m1() + sum + U * (1.0 + sum) + under;
    if f.is_finite() {
        f * SAFETY
    } else {
        f64::INFINITY
    }
}

/// `Σ_i |q_i k_i|` in f64 (products of f32 are exact in f64; the f64 sum's relative error,
/// below `d·2^-53`, is covered by [`SAFETY`]).
pub fn abs_dot(q: &[f32], k: &[f32]) -> f64 {
    q.iter()
        .zip(k)
        .map(|(&a, &b)| (f64::from(a) * f64::from(b)).abs())
        .sum()
}

/// `max_j Σ_i |q_i k_{j,i}|` for query `i` of head `h`.
pub fn abs_dot_max(x: &AttentionInputs<'_>, h: usize, i: usize) -> f64 {
    let s = x.shape;
    let q = &x.q[(h * s.n_q + i) * s.d..][..s.d];
    (0..s.n_k)
        .map(|j| abs_dot(q, &x.k[(h * s.n_k + j) * s.d..][..s.d]))
        .fold(0.0, f64::max)
}

/// `V_c = max_j |v_{j,c}|` over the keys `keys` of head `h`.
pub fn value_max(x: &AttentionInputs<'_>, h: usize, keys: impl Iterator<Item = usize>) -> Vec<f64> {
    let s = x.shape;
    let mut vm = vec![0.0f64; s.d_v];
    for j in keys {
        for (m, &v) in vm.iter_mut().zip(&x.v[(h * s.n_k + j) * s.d_v..][..s.d_v]) {
            *m = m.max(f64::from(v).abs());
        }
    }
    vm
}

/// Per-output-element softmax bounds `[h][n_q][d_v]` (module docs) for the whole problem.
pub fn softmax_bounds(x: &AttentionInputs<'_>, sigma: f32, tau: f32) -> Vec<f64> {
    let s = x.shape;
    let c = f64::from(sigma) / f64::from(tau) * (1.0 + 1e-15);
    let c_hat = f64::from(sigma / tau);
    let tiles = s.n_k.div_ceil(KEY_TILE);
    let mut out = Vec::with_capacity(s.out_len());
    for h in 0..s.heads {
        let vm = value_max(x, h, 0..s.n_k);
        for i in 0..s.n_q {
            let f = softmax_factor(s.d, s.n_k, tiles, abs_dot_max(x, h, i), c, c_hat);
            out.extend(vm.iter().map(|&v| f * v));
        }
    }
    out
}

/// Bounds `[d_v]` for one top-k query whose selected keys are `selected`.
pub fn topk_bound(
    x: &AttentionInputs<'_>,
    h: usize,
    i: usize,
    selected: &[usize],
    sigma: f32,
    tau: f32,
) -> Vec<f64> {
    let s = x.shape;
    let c = f64::from(sigma) / f64::from(tau) * (1.0 + 1e-15);
    let c_hat = f64::from(sigma / tau);
    let q = &x.q[(h * s.n_q + i) * s.d..][..s.d];
    let a = selected
        .iter()
        .map(|&j| abs_dot(q, &x.k[(h * s.n_k + j) * s.d..][..s.d]))
        .fold(0.0, f64::max);
    let f = softmax_factor(s.d, selected.len(), 1, a, c, c_hat);
    value_max(x, h, selected.iter().copied())
        .into_iter()
        .map(|v| f * v)
        .collect()
}

/// Bound factor for the zero-temperature output over `ties` tied keys: `γ_{ties+1}`.
pub fn hard_factor(ties: usize) -> f64 {
    gamma(ties + 1) * SAFETY
}
