//! # The any-order forward error bound of an fp32 attention kernel
//!
//! The bound [`super`] certifies against: it holds for every fp32 kernel that computes
//! `softmax(σ·QKᵀ/τ)·V` (or its zero-temperature and top-k forms) with any summation order and
//! any tiling, under the assumptions (A1)–(A5) stated and derived in the module docs of
//! [`crate::certify`].
//!
//! ## Main declarations
//!
//! * [`softmax_factor_any_order`]: the factor `F` with `|ô_c − o_c| ≤ F·V_c`.
//! * [`score_error_any_order`]: the certified error of one raw score.
//! * [`mean_factor_any_order`]: the factor of a mean of tied value rows (zero temperature).
//!
//! ## Implementation notes
//!
//! The bounds are evaluated in f64 and inflated by [`SAFETY`] (`1 + 10⁻⁹`), which covers the
//! relative error of the f64 evaluation (a few dozen roundings of `2^-53` each).
//!
//! ## References
//!
//! * N. J. Higham, *Accuracy and Stability of Numerical Algorithms*, 2nd ed., SIAM 2002, §3.1
//!   (`γ_n`), §4.2 (recursive summation in any order), Lemma 3.1 (products of `1 + δ`).
//!
//! ```
//! use tropical_gpu::certify::bound::softmax_factor_any_order;
//! // d = 64, 512 keys, A = 10, σ/τ = 1, fp32 output: small, and larger than our kernels' bound
//! let f = softmax_factor_any_order(64, 512, 10.0, 1.0, tropical_gpu::bound::U);
//! assert!(f > 0.0 && f < 1e-2);
//! assert!(f > tropical_gpu::bound::softmax_factor(64, 512, 16, 10.0, 1.0, 1.0));
//! ```

pub use crate::bound::{gamma, MIN_NORMAL, MIN_SUBNORMAL, SAFETY, U};

/// Roundings allowed in one score besides the `d` of the dot product (A2): the rounding of q and
/// k to fp32 (2), the scale applied to q, to k or to the score (2), the constant `σ/τ` (or
/// `σ·log₂e/τ` for `exp2`) rounded in up to 2 steps (2), and the subtraction of the shift (not
/// counted here: it is the separate argument term).
pub const SCORE_EXTRA_ROUNDINGS: usize = 6;

/// Relative error allowed for one exponential (A3): 4 ulp (`8u`), which covers CUDA's `expf` and
/// `exp2f` (≤ 2 ulp), `ex2.approx.f32` (relative error below `2^-22`), glibc's `expf` and numpy's
/// SIMD float32 `exp` (below 3 ulp).
pub const EXP_REL_ERR_ANY: f64 = 8.0 * U;

/// Certified bound on the error of one computed raw score `fl(⟨q,k⟩)` against the exact
/// `⟨q,k⟩`, in any order, with or without FMA, including the input and scale roundings of
/// [`SCORE_EXTRA_ROUNDINGS`], relative to the unscaled score: `γ_{d+6}·A + (d+2)·2^-149` with
/// `A = Σ_i |q_i k_i|` (`a_abs`).
pub fn score_error_any_order(d: usize, a_abs: f64) -> f64 {
    (gamma(d + SCORE_EXTRA_ROUNDINGS) * a_abs + (d as f64 + 2.0) * MIN_SUBNORMAL) * SAFETY
}

/// The factor `F` of the any-order softmax bound `|ô_c − o_c| ≤ F·V_c` (derivation in
/// [`crate::certify`]): `d` the head dimension, `n` the keys that enter the softmax,
/// `a_max = max_j Σ_i |q_i k_{j,i}|` over them, `c ≥ σ/τ` (an upper bound of the exact scale),
/// `u_out` the unit roundoff of the output's storage format (`2^-24` for fp32, `2^-8` for bf16).
///
/// `+∞` when the bound is not finite (`n` too large for `γ_{2n+4}`).
pub fn softmax_factor_any_order(d: usize, n: usize, a_max: f64, c: f64, u_out: f64) -> f64 {
    let g = gamma(d + SCORE_EXTRA_ROUNDINGS);
    // (S) score error after scaling, and the bound R on |computed scaled score|
    let score = c * a_max * g + c * (d as f64 + 2.0) * MIN_SUBNORMAL + MIN_SUBNORMAL;
    let r = c * a_max * (1.0 + g);
    // (E) exponent arguments: own argument and the telescoped rescale arguments, each |·| ≤ 2R
    // rounded twice (shift subtraction, scaling); n + 2 exponentials per key
    let eta = -(-EXP_REL_ERR_ANY).ln_1p();
    let alpha = score + 2.0 * gamma(2) * 2.0 * r + (n as f64 + 2.0) * eta;
    // (Σ) each term passes through at most 2n + 4 roundings on its way into l and acc
    let s = gamma(2 * n + 4);
    let sum = 2.0 * s / (1.0 - s);
    // (U) flushed or underflowing weights, relative to l ≥ 1/2 (A4)
    let under = 8.0 * n as f64 * (n as f64 + 3.0) * MIN_NORMAL;
    // (D) the final division (or reciprocal and product), then (O) the rounding to the output
    let f = (2.0 * alpha).exp_m1() + sum + gamma(2) * (1.0 + sum) + under;
    // (I) the rounding of v to fp32 before the products
    let f = f + U * (1.0 + f);
    let f = f + u_out * (1.0 + f);
    if f.is_finite() && s < 1.0 {
        f * SAFETY
    } else {
        f64::INFINITY
    }
}

/// Factor of the zero-temperature output, a mean of `m` tied value rows summed in any order and
/// divided (or multiplied by `fl(1/m)`): `γ_{m+2}`, then the rounding of v to fp32 and to the
/// output format.
pub fn mean_factor_any_order(m: usize, u_out: f64) -> f64 {
    let f = gamma(m + 2);
    let f = f + U * (1.0 + f);
    (f + u_out * (1.0 + f)) * SAFETY
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Hypothesis: τ falls from 1 to 10⁻³ (c = σ/τ grows). Conclusion: the factor grows (the
    /// scores' error enters the exponent scaled by c), and is finite; a bf16 output adds at least
    /// its unit roundoff `2^-8`.
    #[test]
    fn factor_grows_like_one_over_tau_and_with_the_output_format() {
        let f1 = softmax_factor_any_order(64, 512, 16.0, 0.125, U);
        let f3 = softmax_factor_any_order(64, 512, 16.0, 125.0, U);
        assert!(f1 < f3 && f3.is_finite(), "{f1} {f3}");
        let fb = softmax_factor_any_order(64, 512, 16.0, 0.125, 2f64.powi(-8));
        assert!(fb >= 2f64.powi(-8) && fb > f1);
        assert!(mean_factor_any_order(1, U) < mean_factor_any_order(8, U));
        assert_eq!(
            softmax_factor_any_order(4, usize::MAX / 4, 1.0, 1.0, U),
            f64::INFINITY
        );
    }
}
