//! # Certifying any attention kernel's output
//!
//! Given the inputs `Q, K, V` of an attention call and the output `O` that some kernel produced
//! (PyTorch's `scaled_dot_product_attention`, FlashAttention, a Triton or CUDA kernel, numpy),
//! [`certify`] encloses the exact result of every output element, measures the kernel's error
//! exactly, in ulps of the output's format, and checks it against a forward error bound that
//! holds for **every** fp32 kernel whatever its summation order and tiling
//! ([`bound::softmax_factor_any_order`]). Near-ties of the zero-temperature and top-k kinds are
//! reported separately, never counted as failures.
//!
//! Every input float is an exact dyadic rational ([`crate::dyadic`]); the scores
//! `σ·⟨q_i, k_j⟩` are exact; the softmax weights are certified enclosures
//! ([`tropical_algebra::enclosure::softmax_enclosure`]) and the exact output lies in the
//! certified interval of [`crate::fixed::softmax_output_enclosure_fixed`] (machine integers,
//! outward rounded at every step, about `2^-57` relative to `max|v|`) or, where the exponent
//! range of a row does not fit `i128` or that interval is wider than 1/16 ulp of the output, of
//! [`crate::dyadic::softmax_output_enclosure`] (big rationals, the code the diff harness of our
//! own kernels uses). The **error** of an output `ô` is its exact distance to that
//! interval; the verdict compares it with the bound exactly (the bound, a float, converted to a
//! rational).
//!
//! ## Main declarations
//!
//! * [`certify`]: the entry point (in-memory [`Problem`] and [`CertifyOptions`] → [`Certificate`]).
//! * [`input`]: reading `.npy` / safetensors arrays through [`tropical_attention::load`].
//! * [`bound`]: the any-order fp32 bound (derived below).
//! * [`figure`]: error (ulps) against the bound, per row, as SVG or HTML.
//!
//! ## The any-order forward error bound (derivation)
//!
//! Notation: `u = 2^-24`, `γ_m = m·u/(1 − m·u)`; one row (query `i`) with the `n` keys `j` that
//! enter the softmax (after the mask; the `k` selected keys for top-k); exact scale `c = σ/τ`;
//! `A = max_j Σ_t |q_{i,t} k_{j,t}|`; `V_c = max_j |v_{j,c}|`; `u_out` the unit roundoff of the
//! output's storage format. Assumptions on the kernel, which every stable fp32 attention kernel
//! we know of satisfies:
//!
//! * **(A1)** fp32 arithmetic (`fl(a∘b) = (a∘b)(1+δ)`, `|δ| ≤ u`, plus an absolute `2^-150` for
//!   underflow), any order of every sum, any tree, with or without FMA.
//! * **(A2)** each score is `fl(⟨q̃,k̃⟩)` times the scale, where `q̃, k̃` may be `q, k` rounded
//!   to fp32 and scaled (by `σ`, `√σ`, `1/τ`), and the constant may be rounded in up to two
//!   steps (`σ/τ`, or `σ·log₂e/τ` for an `exp2` kernel): at most `d + 6` roundings in all
//!   ([`bound::SCORE_EXTRA_ROUNDINGS`]).
//! * **(A3)** every exponential has relative error at most `e = 8u` (4 ulp;
//!   [`bound::EXP_REL_ERR_ANY`]).
//! * **(A4)** the shift of the row (the `m` in `exp(ŝ_j − m)`) is a running maximum of computed
//!   scores (non-decreasing), or a fixed value in `[−R, R]`; the largest weight is at least 1/2.
//! * **(A5)** each key's weight reaches the final result through at most `n + 2`
//!   exponentials (its own, and one per later rescale of a running maximum or a split-K combine)
//!   and at most `2n + 4` other roundings (a product with `v`, the additions of any summation
//!   tree, the rescale multiplications, a normalisation of the weight).
//!
//! **Scores.** By (A1)–(A2) and the standard dot-product bound in any order (Higham §3.1),
//! `|ŝ_j − c⟨q,k_j⟩| ≤ c·A·γ_{d+6}` (plus `(d+2)·2^-149·c` for underflow), and
//! `|ŝ_j| ≤ R := c·A·(1 + γ_{d+6})`.
//!
//! **Weights.** The computed weight of key `j` is `exp(x_j − M)·e^{α_j}` for the exact
//! `x_j = c⟨q,k_j⟩`, the final shift `M`, and a perturbation `α_j` made of: the score error; the
//! rounding of its exponent argument (a difference of two values of size `≤ R`, then possibly
//! scaled: `≤ γ_2·2R`); the rounding of the rescale arguments, which telescope for a running
//! maximum (`Σ |m_{t−1} − m_t| ≤ 2R`, so `≤ γ_2·2R` together); and `n + 2` exponentials
//! (`|ln(1+δ)| ≤ η := −ln(1 − e)` each). So `|α_j| ≤ α := cAγ_{d+6} + 4γ_2·R + (n+2)·η`.
//! Normalised, `p̃_j/p_j ∈ [e^{−2α}, e^{2α}]`, and `|Σ p̃_j v_{j,c} − o_c| ≤ (e^{2α} − 1)·V_c`.
//!
//! **Sums.** With `S = 2n + 4` (A5), `l̂ = Σ w̃_j(1+θ'_j)` and `âcc_c = Σ w̃_j v_{j,c}(1+θ_j)`
//! with `|θ|, |θ'| ≤ γ_S` (Higham Lemma 3.1: a product of `S` factors `1+δ` is `1+θ`), so
//! `|âcc_c/l̂ − Σ p̃_j v_{j,c}| ≤ 2γ_S/(1−γ_S)·V_c`; the division (or `fl(1/l̂)` and a product)
//! adds `γ_2·(1 + 2γ_S/(1−γ_S))·V_c`.
//!
//! **Underflow.** Weights and rescale factors below `2^-126` may be flushed: each loses at most
//! `2^-126` absolutely, in at most `n + 3` places per key, relative to `l ≥ 1/2` (A4):
//! `8n(n+3)·2^-126·V_c`.
//!
//! **Inputs and output.** `v` may be rounded to fp32 before use (`u`), and the fp32 result is
//! rounded to the output format (`u_out`): with `F` the factor so far, `F ← F + u(1+F)`, then
//! `F ← F + u_out(1+F)`. In total:
//!
//! ```text
//! |ô_c − o_c| ≤ V_c·F,  F = (e^{2α} − 1) + 2γ_S/(1−γ_S) + γ_2(1 + 2γ_S/(1−γ_S)) + 8n(n+3)2^-126,
//!                        then the rounding of v (u) and of the output (u_out).
//! ```
//!
//! evaluated in f64 and inflated by `1 + 10⁻⁹`. It grows like `1/τ` (through `c` in `α`) and like
//! `n` (the exponentials and the summation). It is larger than the bound of our own kernels
//! ([`crate::bound`], derived from their fixed order): the price of knowing nothing about the
//! order. A kernel that rounds the probabilities to bf16 before the product with `V` (common in
//! bf16 FlashAttention) is outside (A1) and is expected to fail it; `--atol/--rtol` then say
//! whether it meets a user tolerance.
//!
//! **Zero temperature and top-k.** A raw score has error at most
//! `δ_j = γ_{d+6}·A_j + (d+2)·2^-149` ([`bound::score_error_any_order`]). A row is
//! *certified* when the exact gap between the best key and every other (hardmax), or between
//! the k-th and the (k+1)-th key (top-k), exceeds `2δ` with `δ` the largest `δ_j` of the row:
//! then every kernel must select the exact argmax / top-k set, and the output is checked against
//! the mean of the argmax values (`γ_{m+2}`, [`bound::mean_factor_any_order`]) or against the
//! softmax over the top-k set (the bound above with `n = k`). Other rows are *near-ties*:
//! listed, not counted as failures (an exact tie among several argmax keys is one: the computed
//! scores may split it).
//!
//! ## Implementation notes
//!
//! * Rows (one query of one batch element and head) are independent and run in parallel
//!   (rayon; the result does not depend on the schedule); `rows` samples evenly spaced rows
//!   ([`crate::harness::checked_queries`]) and the certificate says so; `cancel` stops between
//!   rows with a partial certificate.
//! * The softmax kinds take the fixed-point path (`fixed_point`, on by default); the exact dots
//!   as big rationals are formed only for the zero-temperature and top-k orderings and the
//!   big-rational path.
//! * Masks: `causal` keeps key `j ≤ i` (PyTorch's `is_causal`, top-left aligned); a boolean mask
//!   array (non-zero = attend) of shape `[n_q, n_k]` or `[b, h, n_q, n_k]` (size-1 dimensions
//!   broadcast). Fully masked rows have no exact value and are skipped, counted.
//! * A non-finite output element, or an output of the wrong shape, is a finding (failed
//!   elements, located), not an error; non-finite inputs are errors naming the array and index.
//! * The default scale is `σ = 1/√d`: exact when `d` is a perfect square, else the f64 value of
//!   `1.0 / sqrt(d)` (an exact rational; a kernel's own rounding of the constant is covered by
//!   (A2)).
//!
//! ## References
//!
//! * N. J. Higham, *Accuracy and Stability of Numerical Algorithms*, 2nd ed., SIAM 2002, §3.1, §4.2.
//! * M. Milakov, N. Gimelshein, *Online normalizer calculation for softmax*, arXiv:1805.02867
//!   (the running-maximum order of (A4)).
//! * T. Dao et al., *FlashAttention*, NeurIPS 2022 (tiling, rescaling, the `exp2` form).
//!
//! ```
//! use tropical_gpu::certify::{certify, CertifyOptions, Format, Problem, Tensor};
//! let t = |name: &str, shape: Vec<usize>, data: Vec<f64>| Tensor::new(name, shape, data, Format::F32);
//! let q = t("Q", vec![1, 2], vec![1.0, 0.0]);
//! let k = t("K", vec![2, 2], vec![1.0, 0.0, 0.0, 1.0]);
//! let v = t("V", vec![2, 1], vec![2.0, 4.0]);
//! // the exact output is (2e + 4)/(e + 1) = 2.5378828…; a kernel printed 2.5378828
//! let out = t("O", vec![1, 1], vec![2.5378828f32 as f64]);
//! let opts = CertifyOptions { sigma: Some(tropical_algebra::Scalar::one()), ..CertifyOptions::default() };
//! let c = certify(&Problem { q, k, v, out }, &opts, &|_, _| {}).unwrap();
//! assert!(c.certified() && c.elements_checked == 1);
//! ```

pub mod bound;
pub mod figure;
mod format;
pub mod input;
mod problem;
mod report;

pub use format::Format;
use problem::{bhnd, flat, multi_index};
pub use problem::{CertifyError, CertifyOptions, Dims, Kind, Mask, Problem, Tensor};
pub use report::{Certificate, Element, Percentiles, RowSummary};

use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;
use tropical_algebra::{Rat, Scalar};

use crate::dyadic::{exact_dot, scaled_rat, softmax_output_enclosure, Dyadic};
use crate::fixed;
use crate::harness::checked_queries;

/// An input tensor rearranged to `[b][h][n][d]` exact dyadics.
struct Exact {
    dims: [usize; 4],
    data: Vec<Dyadic>,
    abs: Vec<f64>,
}

impl Exact {
    fn new(t: &Tensor, heads: Option<usize>) -> Result<Self, CertifyError> {
        let dims = bhnd(t, heads)?;
        let [nb, nh, n, d] = dims;
        let mut data = Vec::with_capacity(t.data.len());
        for b in 0..nb {
            for h in 0..nh {
                for i in 0..n {
                    for c in 0..d {
                        let f = flat(t, dims, b, h, i, c);
                        let x = t.data[f];
                        data.push(Dyadic::of(x).ok_or_else(|| CertifyError::NonFinite {
                            array: t.name.clone(),
                            index: multi_index(&t.shape, f),
                            value: format!("{x}"),
                        })?);
                    }
                }
            }
        }
        let abs = t.data.iter().map(|x| x.abs()).collect::<Vec<_>>();
        let abs = if t.shape.len() == 2 && nh > 1 {
            // re-order |x| like `data`
            let mut a = Vec::with_capacity(abs.len());
            for h in 0..nh {
                for i in 0..n {
                    for c in 0..d {
                        a.push(abs[flat(t, dims, 0, h, i, c)]);
                    }
                }
            }
            a
        } else {
            abs
        };
        Ok(Exact { dims, data, abs })
    }
    fn row(&self, b: usize, h: usize, i: usize) -> std::ops::Range<usize> {
        let [_, nh, n, d] = self.dims;
        let s = ((b * nh + h) * n + i) * d;
        s..s + d
    }
}

/// The certified reference of one row: per coordinate the enclosure and the bound.
struct RowRef {
    enclosure: Vec<(Rat, Rat)>,
    bounds: Vec<f64>,
    near_tie: bool,
}

/// Shared, validated state of one [`certify`] call.
struct Ctx<'a> {
    q: Exact,
    k: Exact,
    v: Exact,
    dims: Dims,
    out: &'a Tensor,
    out_dims: [usize; 4],
    sigma: Rat,
    c_up: f64,
    /// `σ/τ` bracketed for the fixed-point path.
    scale: Option<fixed::Scale>,
    opts: &'a CertifyOptions,
    keep: Option<(&'a Tensor, [usize; 4])>,
}

impl Ctx<'_> {
    fn visible(&self, b: usize, h: usize, i: usize) -> Vec<usize> {
        let n_k = self.dims.n_k;
        match (&self.opts.mask, &self.keep) {
            (Mask::Causal, _) => (0..n_k.min(i + 1)).collect(),
            (Mask::Keep(_), Some((m, [mb, mh, _, _]))) => {
                let (bb, hh) = (if *mb == 1 { 0 } else { b }, if *mh == 1 { 0 } else { h });
                let base = ((bb * mh + hh) * self.dims.n_q + i) * n_k;
                (0..n_k).filter(|&j| m.data[base + j] != 0.0).collect()
            }
            _ => (0..n_k).collect(),
        }
    }

    /// The exact reference of row `(b, h, i)` over the visible keys `keys` (non-empty).
    fn reference(
        &self,
        b: usize,
        h: usize,
        i: usize,
        keys: &[usize],
    ) -> Result<RowRef, CertifyError> {
        let d = self.dims.d;
        let q = &self.q.data[self.q.row(b, h, i)];
        let qa = &self.q.abs[self.q.row(b, h, i)];
        let k_rows: Vec<&[Dyadic]> = keys
            .iter()
            .map(|&j| &self.k.data[self.k.row(b, h, j)])
            .collect();
        // the exact dots as rationals: only the zero-temperature kinds and the big-rational
        // path need them
        let dots = std::cell::OnceCell::<Vec<Rat>>::new();
        let dot_rat = |t: usize| -> Rat {
            dots.get_or_init(|| {
                k_rows
                    .iter()
                    .map(|k| {
                        let (n, e) = exact_dot(q, k);
                        scaled_rat(n, e)
                    })
                    .collect()
            })[t]
                .clone()
        };
        let a_abs: Vec<f64> = keys
            .iter()
            .map(|&j| {
                let ka = &self.k.abs[self.k.row(b, h, j)];
                qa.iter().zip(ka).map(|(x, y)| x * y).sum::<f64>()
            })
            .collect();
        let u_out = self.out.format.unit_roundoff();
        let v_rows = |sel: &[usize]| -> Vec<&[Dyadic]> {
            sel.iter()
                .map(|&t| &self.v.data[self.v.row(b, h, keys[t])])
                .collect()
        };
        let v_max = |sel: &[usize]| -> Vec<f64> {
            let mut m = vec![0.0f64; self.dims.d_v];
            for &t in sel {
                for (mc, x) in m.iter_mut().zip(&self.v.abs[self.v.row(b, h, keys[t])]) {
                    *mc = mc.max(*x);
                }
            }
            m
        };
        // the big-rational enclosure at `prec` bits
        let big = |sel: &[usize], prec: u32| -> Result<Vec<(Rat, Rat)>, CertifyError> {
            let scores: Vec<Rat> = sel
                .iter()
                .map(|&t| self.sigma.clone() * dot_rat(t))
                .collect();
            softmax_output_enclosure(&scores, &self.opts.tau, prec, &v_rows(sel), self.dims.d_v)
                .map_err(CertifyError::Exact)
        };
        let softmax = |sel: &[usize]| -> Result<RowRef, CertifyError> {
            let sel_k: Vec<&[Dyadic]> = sel.iter().map(|&t| k_rows[t]).collect();
            let scale = self.scale.as_ref().filter(|_| self.opts.fixed_point);
            let fast = scale.and_then(|scale| {
                let (dots, e) = fixed::row_dots(q, &sel_k)?;
                fixed::softmax_output_enclosure_fixed(&dots, e, scale, &v_rows(sel), self.dims.d_v)
            });
            let enclosure = match fast {
                Some(enc) => match refine_bits(&enc, self.out.format) {
                    Some(prec) => big(sel, prec.max(self.opts.prec_bits))?,
                    None => enc,
                },
                None => big(sel, self.opts.prec_bits)?,
            };
            let a = sel.iter().map(|&t| a_abs[t]).fold(0.0, f64::max);
            let f = bound::softmax_factor_any_order(d, sel.len(), a, self.c_up, u_out);
            Ok(RowRef {
                enclosure,
                bounds: v_max(sel).iter().map(|v| f * v).collect(),
                near_tie: false,
            })
        };
        let all: Vec<usize> = (0..keys.len()).collect();
        match self.opts.kind {
            Kind::Softmax => softmax(&all),
            Kind::Hardmax | Kind::Topk { .. } => {
                let exact: Vec<Rat> = all.iter().map(|&t| dot_rat(t)).collect();
                let mut order = all.clone();
                order.sort_by(|&x, &y| exact[y].cmp(&exact[x]).then(x.cmp(&y)));
                let delta = a_abs
                    .iter()
                    .map(|&a| bound::score_error_any_order(d, a))
                    .fold(0.0, f64::max);
                let two_delta = Rat::from_f64(2.0 * delta)
                    .map_err(|e| CertifyError::Exact(format!("score error bound: {e}")))?;
                let gap_ok =
                    |hi: usize, lo: usize| exact[order[hi]].clone() - &exact[order[lo]] > two_delta;
                if let Kind::Topk { k } = self.opts.kind {
                    let kk = k.min(order.len());
                    let mut sel = order[..kk].to_vec();
                    sel.sort_unstable();
                    let mut r = softmax(&sel)?;
                    r.near_tie = kk < order.len() && !gap_ok(kk - 1, kk);
                    return Ok(r);
                }
                let best = &exact[order[0]];
                let set: Vec<usize> = order
                    .iter()
                    .copied()
                    .take_while(|&t| exact[t] == *best)
                    .collect();
                let near_tie = set.len() > 1 || (order.len() > 1 && !gap_ok(0, 1));
                let m = Rat::from_i64(set.len() as i64);
                let mut enclosure = Vec::with_capacity(self.dims.d_v);
                for c in 0..self.dims.d_v {
                    let sum = set
                        .iter()
                        .map(|&t| self.v.data[self.v.row(b, h, keys[t])][c].to_rat())
                        .fold(Rat::zero(), |a, x| a + x);
                    let mean = sum
                        .checked_div(&m)
                        .map_err(|e| CertifyError::Exact(e.to_string()))?;
                    enclosure.push((mean.clone(), mean));
                }
                let f = bound::mean_factor_any_order(set.len(), u_out);
                Ok(RowRef {
                    enclosure,
                    bounds: v_max(&set).iter().map(|v| f * v).collect(),
                    near_tie,
                })
            }
        }
    }
}

/// Precision for redoing a row with the big-rational path when its fixed-point enclosure is
/// wider than 1/16 ulp of the output's format at some coordinate (outputs near zero); `None`
/// when every coordinate is resolved. One refinement, at most 200 bits: the enclosure is sound
/// either way, this only decides how finely errors are resolved.
fn refine_bits(enc: &[(Rat, Rat)], fmt: Format) -> Option<u32> {
    let mut extra = 0f64;
    for (lo, hi) in enc {
        let width = (hi.clone() - lo).to_f64();
        if width <= 0.0 {
            continue;
        }
        let (l, h) = (lo.to_f64().abs(), hi.to_f64().abs());
        let straddles = !lo.is_positive() && !hi.is_negative();
        let mag = if straddles { l.max(h) } else { l.min(h) };
        let target = fmt.ulp(mag) / 16.0;
        if width > target {
            extra = extra.max((width / target).log2().ceil());
        }
    }
    (extra > 0.0).then(|| (64.0 + extra + 4.0).min(200.0) as u32)
}

/// What one row contributes.
struct RowResult {
    summary: RowSummary,
    elements: Vec<Element>,
}

/// The exact distance from `y` to `[lo, hi]`.
fn dist(y: &Rat, lo: &Rat, hi: &Rat) -> Rat {
    if y < lo {
        lo.clone() - y
    } else if y > hi {
        y.clone() - hi
    } else {
        Rat::zero()
    }
}

fn check_row(ctx: &Ctx<'_>, row: usize) -> Result<RowResult, CertifyError> {
    let Dims {
        heads, n_q, d_v, ..
    } = ctx.dims;
    let (b, h, i) = (row / (heads * n_q), (row / n_q) % heads, row % n_q);
    let keys = ctx.visible(b, h, i);
    if keys.is_empty() {
        return Ok(RowResult {
            summary: RowSummary {
                row,
                max_error_ulps: 0.0,
                bound_ulps: 0.0,
                max_ratio: 0.0,
                status: "masked",
            },
            elements: vec![],
        });
    }
    let r = ctx.reference(b, h, i, &keys)?;
    let fmt = ctx.out.format;
    let mut elements = Vec::with_capacity(d_v);
    for (c, ((lo, hi), &bnd)) in r.enclosure.iter().zip(&r.bounds).enumerate() {
        let y = ctx.out.data[flat(ctx.out, ctx.out_dims, b, h, i, c)];
        let (lo_f, hi_f) = (lo.to_f64(), hi.to_f64());
        let mag = if lo_f <= 0.0 && hi_f >= 0.0 {
            0.0
        } else {
            lo_f.abs().min(hi_f.abs())
        };
        let ulp = fmt.ulp(mag);
        let (error, within, within_tol) = match Rat::from_f64(y) {
            Err(_) => (f64::INFINITY, false, ctx.opts.tolerance.map(|_| false)),
            Ok(yr) => {
                let err = dist(&yr, lo, hi);
                let within = bnd.is_finite() && Rat::from_f64(bnd).is_ok_and(|b| err <= b);
                let tol = ctx.opts.tolerance.map(|(atol, rtol)| {
                    let mag = if lo.abs() > hi.abs() {
                        lo.abs()
                    } else {
                        hi.abs()
                    };
                    match (Rat::from_f64(atol), Rat::from_f64(rtol)) {
                        (Ok(a), Ok(r)) => err <= a + r * mag,
                        _ => false,
                    }
                });
                (err.to_f64(), within, tol)
            }
        };
        let ratio = if bnd > 0.0 {
            error / bnd
        } else if error > 0.0 {
            f64::INFINITY
        } else {
            0.0
        };
        elements.push(Element {
            batch: b,
            head: h,
            query: i,
            coord: c,
            output: y,
            exact_lo: lo_f,
            exact_hi: hi_f,
            error,
            error_ulps: error / ulp,
            bound: bnd,
            bound_ulps: bnd / ulp,
            ratio,
            within_bound: within,
            within_tolerance: within_tol,
            near_tie: r.near_tie,
        });
    }
    let worst = elements
        .iter()
        .max_by(|a, b| a.ratio.total_cmp(&b.ratio))
        .cloned();
    let status = if r.near_tie {
        "near-tie"
    } else if elements.iter().all(|e| e.within_bound) {
        "pass"
    } else {
        "fail"
    };
    let max_error_ulps = elements.iter().map(|e| e.error_ulps).fold(0.0, f64::max);
    Ok(RowResult {
        summary: RowSummary {
            row,
            max_error_ulps,
            bound_ulps: elements
                .iter()
                .map(|e| e.bound_ulps)
                .fold(f64::INFINITY, f64::min),
            max_ratio: worst.map_or(0.0, |w| w.ratio),
            status,
        },
        elements,
    })
}

fn percentiles(mut xs: Vec<f64>) -> Percentiles {
    if xs.is_empty() {
        return Percentiles::default();
    }
    xs.sort_by(f64::total_cmp);
    let at = |p: f64| xs[((xs.len() - 1) as f64 * p).round() as usize];
    Percentiles {
        p50: at(0.5),
        p90: at(0.9),
        p99: at(0.99),
        max: xs[xs.len() - 1],
    }
}

/// The default score scale `1/√d`: exact when `d` is a perfect square, else the f64 value of
/// `1.0 / sqrt(d)` (the constant PyTorch computes in double precision).
pub fn default_sigma(d: usize) -> Rat {
    let r = (d as f64).sqrt().round() as i64;
    if (r * r) as usize == d {
        Rat::from_ratio(1, r).unwrap_or_else(|_| Rat::one())
    } else {
        Rat::from_f64(1.0 / (d as f64).sqrt()).unwrap_or_else(|_| Rat::one())
    }
}

/// Certify the kernel's output `p.out` against the exact attention of `p.q, p.k, p.v`.
///
/// `progress(done, total)` is called after each checked row (from worker threads).
///
/// Errors ([`CertifyError`], one line, naming the array and index): shapes that do not fit,
/// non-finite Q/K/V, σ or τ not positive, top-k with `k = 0`, a mask of the wrong shape. A
/// non-finite or mis-shaped **output** is a finding in the certificate, not an error.
pub fn certify(
    p: &Problem,
    opts: &CertifyOptions,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Certificate, CertifyError> {
    if !opts.tau.is_positive() {
        return Err(CertifyError::Option(format!(
            "τ = {} must be positive",
            opts.tau
        )));
    }
    if let Kind::Topk { k: 0 } = opts.kind {
        return Err(CertifyError::Option("top-k needs k ≥ 1".into()));
    }
    if opts.rows == Some(0) {
        return Err(CertifyError::Option("--rows must be at least 1".into()));
    }
    if let Some((a, r)) = opts.tolerance {
        if !(a.is_finite() && r.is_finite() && a >= 0.0 && r >= 0.0) {
            return Err(CertifyError::Option(format!(
                "tolerances must be finite and non-negative, got atol {a}, rtol {r}"
            )));
        }
    }
    let q = Exact::new(&p.q, opts.heads)?;
    let k = Exact::new(&p.k, opts.heads)?;
    let v = Exact::new(&p.v, opts.heads)?;
    let [nb, nh, n_q, d] = q.dims;
    let [kb, kh, n_k, kd] = k.dims;
    let [vb, vh, vn, d_v] = v.dims;
    if (kb, kh, kd) != (nb, nh, d) {
        return Err(CertifyError::Shape(format!(
            "K has shape {:?} but Q has {:?}: batch, heads and d must agree",
            p.k.shape, p.q.shape
        )));
    }
    if (vb, vh, vn) != (nb, nh, n_k) {
        return Err(CertifyError::Shape(format!(
            "V has shape {:?} but K has {:?}: batch, heads and n_k must agree",
            p.v.shape, p.k.shape
        )));
    }
    let dims = Dims {
        batch: nb,
        heads: nh,
        n_q,
        n_k,
        d,
        d_v,
    };
    let sigma = opts.sigma.clone().unwrap_or_else(|| default_sigma(d));
    if !sigma.is_positive() {
        return Err(CertifyError::Option(format!(
            "σ = {sigma} must be positive"
        )));
    }
    let c_up = (sigma.clone() / &opts.tau).to_f64() * (1.0 + 1e-12);
    let keep = match &opts.mask {
        Mask::Keep(m) => {
            let s = &m.shape;
            let md = match s.len() {
                2 => [1, 1, s[0], s[1]],
                4 => [s[0], s[1], s[2], s[3]],
                _ => [0; 4],
            };
            let fits = md[2] == n_q
                && md[3] == n_k
                && (md[0] == 1 || md[0] == nb)
                && (md[1] == 1 || md[1] == nh)
                && m.data.len() == md.iter().product::<usize>();
            if !fits {
                return Err(CertifyError::Shape(format!(
                    "mask has shape {s:?}; expected [{n_q}, {n_k}] or [{nb}|1, {nh}|1, {n_q}, {n_k}]"
                )));
            }
            if let Some(f) = m.data.iter().position(|x| x.is_nan()) {
                return Err(CertifyError::NonFinite {
                    array: m.name.clone(),
                    index: multi_index(s, f),
                    value: "NaN".into(),
                });
            }
            Some((m, md))
        }
        _ => None,
    };
    let rows_total = nb * nh * n_q;
    let rows: Vec<usize> = match opts.rows {
        Some(r) if r < rows_total => checked_queries(rows_total, r),
        _ => (0..rows_total).collect(),
    };
    let formats = [p.q.format, p.k.format, p.v.format, p.out.format];
    let mask = match opts.mask {
        Mask::None => "none",
        Mask::Causal => "causal",
        Mask::Keep(_) => "array",
    }
    .to_string();
    let mut cert = Certificate {
        verdict: "failed",
        complete: true,
        kind: opts.kind,
        dims,
        sigma: sigma.to_string(),
        tau: opts.tau.to_string(),
        mask,
        formats,
        rows_total,
        rows_checked: rows.len(),
        sampled: rows.len() < rows_total,
        masked_rows: 0,
        elements_checked: 0,
        passed: 0,
        failed: 0,
        near_tie_elements: 0,
        near_tie_rows: 0,
        fraction_within_bound: 0.0,
        tolerance: opts.tolerance,
        within_tolerance: opts.tolerance.map(|_| 0),
        error_ulps: Percentiles::default(),
        ratio: Percentiles::default(),
        max_error: 0.0,
        non_finite: 0,
        findings: vec![],
        worst: vec![],
        near_ties: vec![],
        rows: vec![],
    };
    // the output's shape: the layout of Q with d_v columns
    let mut want = p.q.shape.clone();
    if let Some(last) = want.last_mut() {
        *last = if p.q.shape.len() == 2 && nh > 1 {
            nh * d_v
        } else {
            d_v
        };
    }
    if p.out.shape != want || p.out.data.len() != want.iter().product::<usize>() {
        cert.findings.push(format!(
            "output {} has shape {:?}, expected {want:?}: no element can be matched",
            p.out.name, p.out.shape
        ));
        cert.failed = rows_total * d_v;
        return Ok(cert);
    }
    let mut out_t = p.out.clone();
    out_t.shape = want;
    let out_dims = [nb, nh, n_q, d_v];
    let ctx_sigma_over_tau = sigma.clone() / &opts.tau;
    let ctx = Ctx {
        q,
        k,
        v,
        dims,
        out: &out_t,
        out_dims,
        sigma,
        c_up,
        scale: fixed::Scale::of(&ctx_sigma_over_tau),
        opts,
        keep,
    };
    let done = AtomicUsize::new(0);
    let total = rows.len();
    let cancelled = || {
        opts.cancel
            .as_ref()
            .is_some_and(|c| c.load(Ordering::Relaxed))
    };
    let results: Vec<Option<RowResult>> = rows
        .par_iter()
        .map(|&r| {
            if cancelled() {
                return Ok(None);
            }
            let res = check_row(&ctx, r)?;
            progress(done.fetch_add(1, Ordering::Relaxed) + 1, total);
            Ok(Some(res))
        })
        .collect::<Result<_, _>>()?;
    let skipped = results.iter().filter(|r| r.is_none()).count();
    if skipped > 0 {
        cert.complete = false;
        cert.rows_checked -= skipped;
        cert.findings.push(format!(
            "interrupted: {} of {} rows checked; the counts cover those rows only",
            cert.rows_checked, total
        ));
    }
    let results = results.into_iter().flatten();
    let mut ulps = Vec::new();
    let mut ratios = Vec::new();
    let mut worst: Vec<Element> = Vec::new();
    for r in results {
        match r.summary.status {
            "masked" => cert.masked_rows += 1,
            "near-tie" => {
                cert.near_tie_rows += 1;
                if cert.near_ties.len() < opts.worst {
                    if let Some(e) = r.elements.first() {
                        cert.near_ties.push((e.batch, e.head, e.query));
                    }
                }
            }
            _ => {}
        }
        for e in r.elements {
            cert.elements_checked += 1;
            if !e.output.is_finite() {
                cert.non_finite += 1;
            }
            if let (Some(n), Some(true)) = (cert.within_tolerance.as_mut(), e.within_tolerance) {
                *n += 1;
            }
            if e.near_tie {
                cert.near_tie_elements += 1;
                continue;
            }
            if e.within_bound {
                cert.passed += 1;
            } else {
                cert.failed += 1;
            }
            cert.max_error = cert.max_error.max(e.error);
            ulps.push(e.error_ulps);
            ratios.push(e.ratio);
            worst.push(e);
            if worst.len() > opts.worst.max(1).saturating_mul(4) {
                sort_worst(&mut worst);
                worst.truncate(opts.worst);
            }
        }
        cert.rows.push(r.summary);
    }
    sort_worst(&mut worst);
    worst.truncate(opts.worst);
    cert.worst = worst;
    let certified_elements = cert.elements_checked - cert.near_tie_elements;
    cert.fraction_within_bound = if certified_elements == 0 {
        1.0
    } else {
        cert.passed as f64 / certified_elements as f64
    };
    cert.error_ulps = percentiles(ulps);
    cert.ratio = percentiles(ratios);
    if !cert.complete {
        cert.verdict = "interrupted";
    } else if cert.failed == 0 && cert.findings.is_empty() {
        cert.verdict = "certified";
    }
    Ok(cert)
}

/// Failed elements first, then by decreasing ratio, then by position.
fn sort_worst(w: &mut [Element]) {
    w.sort_by(|a, b| {
        a.within_bound
            .cmp(&b.within_bound)
            .then(b.ratio.total_cmp(&a.ratio))
            .then((a.batch, a.head, a.query, a.coord).cmp(&(b.batch, b.head, b.query, b.coord)))
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use format::floor_log2;

    #[test]
    fn ulps_of_the_formats() {
        assert_eq!(Format::F32.ulp(1.0), 2f64.powi(-23));
        assert_eq!(Format::F32.ulp(1.5), 2f64.powi(-23));
        assert_eq!(Format::F32.ulp(0.0), 2f64.powi(-149));
        assert_eq!(Format::Bf16.ulp(3.0), 2f64.powi(-6));
        assert_eq!(Format::F16.ulp(1e-7), 2f64.powi(-24));
        assert_eq!(Format::F64.ulp(1.0), f64::EPSILON);
        assert_eq!(Format::F64.ulp(0.0), f64::from_bits(1));
        assert_eq!(floor_log2(f64::from_bits(1)), Some(-1074));
    }

    #[test]
    fn default_sigma_is_exact_for_squares() {
        assert_eq!(default_sigma(64), Rat::from_ratio(1, 8).unwrap());
        assert_eq!(default_sigma(2), Rat::from_f64(1.0 / 2f64.sqrt()).unwrap());
    }
}
