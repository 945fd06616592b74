//! # The diff harness
//!
//! Diff harness: a [`Backend`]'s float kernels against the exact reference.
//!
//! Inputs are f32 values, i.e. exact dyadic rationals ([`crate::dyadic`]). Exact scores are
//! rationals; exact softmax weights are certified enclosures
//! (`tropical_algebra::enclosure::softmax_enclosure`), so the exact output of each query lies in
//! a certified interval `[lo_c, hi_c]`. The **error** of a float output `ô_c` is its exact
//! distance to that interval, and it must not exceed the forward error bound of [`bound`]
//! (derived from the kernels' operation order). Per kernel:
//!
//! * **softmax**: `dist(ô_c, [lo_c, hi_c]) ≤ bound_c` for every checked output.
//! * **hard** (zero temperature): if the exact gap between the argmax set `E` and the next key
//!   exceeds `2γ_d·A` (certified score error), the float argmax must lie in `E` (else FAIL);
//!   if the float tie count equals `|E|` the output is checked against the exact mean
//!   (`γ_{|E|+1}·V_c`); a smaller float tie count is a *tie split* (an exact tie the float
//!   scores did not reproduce), reported. If the gap is within the score error: *near tie*,
//!   reported, neither pass nor fail.
//! * **top-k**: if the float selected set equals the exact one (rank `(score desc, index asc)`),
//!   the output is checked like softmax over the selected keys; otherwise a boundary gap within
//!   `2γ_d·A` is a near tie, else FAIL.
//! * **max-plus**: `|ĉ_ij − C_ij| ≤ u|C_ij|` exactly and the float argmax is the smallest exact
//!   maximiser unless the runner-up is within `u(|C|+|x_l|)` (near tie).
//!
//! Non-vacuity: [`PlantedError`] wraps a backend and moves its outputs by `factor × bound`; with
//! `factor > 1` the harness must report failures (tested in `tests/harness.rs`).
//!
//! ## Main declarations
//!
//! * [`run_harness`], [`HarnessConfig`], [`HarnessReport`], [`KernelReport`].
//! * [`check_softmax`], [`check_hard`], [`check_topk`], [`check_maxplus`], [`PlantedError`].
//!
//! ## Implementation notes
//!
//! The exact softmax outputs come from [`crate::dyadic::softmax_output_enclosure`], shared with
//! [`crate::certify`].
//!
//! ## References
//!
//! * N. J. Higham, *Accuracy and Stability of Numerical Algorithms*, 2nd ed., SIAM 2002.

use num_bigint::BigInt;
use num_traits::Signed;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;
use tropical_algebra::{Rat, Scalar};
use tropical_attention::reference::{AttentionShape, HardAttention, TopkAttention};

use crate::bound::{self, U};
use crate::dyadic::{dot298, fixed149, rat_f32, softmax_output_enclosure, to_rat, Dyadic};
use crate::{
    AttentionInputs, Backend, GpuError, InputFormat, MaxPlusInputs, MaxPlusOutput, Softmax,
    TopkResult,
};

/// What to run.
#[derive(Clone, Debug, Serialize)]
pub struct HarnessConfig {
    /// Attention shape (`n_q` queries per head are computed; [`Self::check_queries`] of them are
    /// checked exactly).
    pub shape: AttentionShape,
    /// Score scale σ.
    pub sigma: f32,
    /// Temperature τ.
    pub tau: f32,
    /// k of top-k attention.
    pub top_k: usize,
    /// RNG seed.
    pub seed: u64,
    /// Plant exact ties: coarse grid values (multiples of 1/4) and duplicated keys.
    pub plant_ties: bool,
    /// Queries per head checked against the exact reference (evenly spaced, last included).
    pub check_queries: usize,
    /// Precision (bits) of the certified softmax enclosures.
    pub prec_bits: u32,
    /// Max-plus product sizes `(m, k, n)`.
    pub maxplus: (usize, usize, usize),
    /// Round the attention inputs to this format (for the narrow-input kernels,
    /// [`crate::cuda::CudaInputs`]); max-plus inputs stay fp32.
    pub inputs: InputFormat,
}

impl Default for HarnessConfig {
    fn default() -> Self {
        HarnessConfig {
            shape: AttentionShape {
                heads: 2,
                n_q: 40,
                n_k: 77,
                d: 16,
                d_v: 8,
            },
            sigma: 0.25,
            tau: 1.0,
            top_k: 8,
            seed: 1,
            plant_ties: false,
            check_queries: 6,
            prec_bits: 64,
            maxplus: (24, 37, 19),
            inputs: InputFormat::F32,
        }
    }
}

/// Results for one kernel.
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct KernelReport {
    /// `softmax`, `hard`, `topk`, `maxplus`.
    pub kernel: String,
    /// Queries (entries for max-plus) checked.
    pub checked: usize,
    /// Checked and within the bound.
    pub passed: usize,
    /// Checked and outside the bound (or a certified-wrong argmax/selection).
    pub failed: usize,
    /// Exact gap within the certified score error: reported, neither pass nor fail.
    pub near_ties: usize,
    /// Queries with exact ties (argmax set of size > 1; top-k: tie at the k-th score).
    pub exact_ties: usize,
    /// Zero temperature: exact ties the float scores split (float tie count < |E|).
    pub tie_splits: usize,
    /// Largest error seen (exact distance to the certified exact enclosure).
    pub max_error: f64,
    /// Largest bound seen.
    pub max_bound: f64,
    /// Largest error/bound ratio (≤ 1 for a pass).
    pub max_ratio: f64,
    /// First failure, described.
    pub first_failure: Option<String>,
}

impl KernelReport {
    fn new(kernel: &str) -> Self {
        KernelReport {
            kernel: kernel.into(),
            ..Default::default()
        }
    }

    /// Record one checked output coordinate: exact error `err` against `bound`.
    fn record(&mut self, err: &Rat, bound_f: f64, what: impl FnOnce() -> String) -> bool {
        let e = err.to_f64();
        self.max_error = self.max_error.max(e);
        self.max_bound = self.max_bound.max(bound_f);
        if bound_f > 0.0 {
            self.max_ratio = self.max_ratio.max(e / bound_f);
        } else if e > 0.0 {
            self.max_ratio = f64::INFINITY;
        }
        let ok = bound_f.is_finite()
            && match Rat::from_f64(bound_f) {
                Ok(b) => *err <= b,
                Err(_) => false,
            };
        if !ok && self.first_failure.is_none() {
            self.first_failure = Some(what());
        }
        ok
    }

    /// Record one output coordinate `y` against the exact enclosure `[lo, hi]` and its bound;
    /// a failure is described as `at` (head, query, coordinate) followed by the numbers.
    fn record_enclosure(
        &mut self,
        y: f32,
        (lo, hi): (&Rat, &Rat),
        bound_f: f64,
        at: impl FnOnce() -> String,
    ) -> bool {
        let err = dist(y, lo, hi);
        self.record(&err, bound_f, || {
            format!(
                "{}: float {y} vs exact [{:.9e}, {:.9e}], bound {bound_f:.3e}",
                at(),
                lo.to_f64(),
                hi.to_f64()
            )
        })
    }

    /// Count one checked query as passed (`ok`) or failed.
    fn tally(&mut self, ok: bool) {
        if ok {
            self.passed += 1;
        } else {
            self.failed += 1;
        }
    }

    fn fail(&mut self, what: String) {
        self.failed += 1;
        if self.first_failure.is_none() {
            self.first_failure = Some(what);
        }
    }
}

/// The harness result for one backend.
#[derive(Clone, Debug, Serialize)]
pub struct HarnessReport {
    /// Backend name.
    pub backend: String,
    /// Configuration.
    pub config: HarnessConfig,
    /// One report per kernel.
    pub kernels: Vec<KernelReport>,
}

impl HarnessReport {
    /// No kernel failed.
    pub fn all_passed(&self) -> bool {
        self.kernels.iter().all(|k| k.failed == 0)
    }
}

/// A random attention problem and max-plus operands.
#[derive(Clone, Debug)]
pub struct RandomProblem {
    /// Queries.
    pub q: Vec<f32>,
    /// Keys.
    pub k: Vec<f32>,
    /// Values.
    pub v: Vec<f32>,
    /// Max-plus left operand `m × k`.
    pub a: Vec<f32>,
    /// Max-plus right operand `k × n`.
    pub b: Vec<f32>,
}

/// Draw the inputs of [`HarnessConfig`] (in `(-1, 1)`, random 24-bit mantissas, exponents
/// spread over 6 binades; with `plant_ties`, multiples of
/// 1/4, key 0 duplicated as the last key, key 1 as key 2, every third query equal to key 0, and
/// some `-inf` max-plus entries).
pub fn random_problem(cfg: &HarnessConfig) -> RandomProblem {
    let mut rng = ChaCha8Rng::seed_from_u64(cfg.seed);
    let s = cfg.shape;
    let draw = |n: usize, rng: &mut ChaCha8Rng| -> Vec<f32> {
        (0..n)
            .map(|_| {
                if cfg.plant_ties {
                    rng.random_range(-4i32..=4) as f32 * 0.25
                } else {
                    // full 24-bit mantissas and mixed exponents (rand's uniform f32 would sit on a
                    // 2^-22 grid, where sums are exact and rounding is never exercised)
                    let m = rng.random_range(0u32..1 << 24) as f32;
                    let e = rng.random_range(24i32..30);
                    let sign = if rng.random_bool(0.5) { -1.0 } else { 1.0 };
                    sign * m * 2f32.powi(-e)
                }
            })
            .collect()
    };
    let round = |mut xs: Vec<f32>| {
        xs.iter_mut().for_each(|x| *x = cfg.inputs.round(*x));
        xs
    };
    let mut q = round(draw(s.q_len(), &mut rng));
    let mut k = round(draw(s.k_len(), &mut rng));
    let v = round(draw(s.v_len(), &mut rng));
    let (m, kk, n) = cfg.maxplus;
    let mut a = draw(m * kk, &mut rng);
    let mut b = draw(kk * n, &mut rng);
    if cfg.plant_ties {
        for h in 0..s.heads {
            let kh = &mut k[h * s.n_k * s.d..(h + 1) * s.n_k * s.d];
            let k0: Vec<f32> = kh[..s.d].to_vec();
            if s.n_k >= 2 {
                kh[(s.n_k - 1) * s.d..].copy_from_slice(&k0);
            }
            if s.n_k >= 4 {
                let k1: Vec<f32> = kh[s.d..2 * s.d].to_vec();
                kh[2 * s.d..3 * s.d].copy_from_slice(&k1);
            }
            for i in (0..s.n_q).step_by(3) {
                q[(h * s.n_q + i) * s.d..][..s.d].copy_from_slice(&k0);
            }
        }
        for (t, x) in a.iter_mut().enumerate() {
            if t % 7 == 3 {
                *x = f32::NEG_INFINITY;
            }
        }
        for (t, x) in b.iter_mut().enumerate() {
            if t % 11 == 5 {
                *x = f32::NEG_INFINITY;
            }
        }
    }
    RandomProblem { q, k, v, a, b }
}

/// Every head `h < heads` with each of its [`checked_queries`], head by head.
fn checked_pairs(heads: usize, n_q: usize, count: usize) -> impl Iterator<Item = (usize, usize)> {
    let queries = checked_queries(n_q, count);
    (0..heads).flat_map(move |h| queries.clone().into_iter().map(move |i| (h, i)))
}

/// Indices of the queries checked: evenly spaced, first and last included.
pub fn checked_queries(n_q: usize, count: usize) -> Vec<usize> {
    if count == 0 || n_q == 0 {
        return vec![];
    }
    if count >= n_q {
        return (0..n_q).collect();
    }
    if count == 1 {
        return vec![n_q - 1];
    }
    let mut v: Vec<usize> = (0..count).map(|t| t * (n_q - 1) / (count - 1)).collect();
    v.dedup();
    v
}

/// Exact raw scores `⟨q_i, k_j⟩·2^298` of one query.
fn exact_dots(x: &AttentionInputs<'_>, h: usize, i: usize) -> Vec<BigInt> {
    let s = x.shape;
    let q = &x.q[(h * s.n_q + i) * s.d..][..s.d];
    (0..s.n_k)
        .map(|j| dot298(q, &x.k[(h * s.n_k + j) * s.d..][..s.d]))
        .collect()
}

/// Certified enclosure `[lo_c, hi_c]` of the exact softmax output over `keys`
/// ([`softmax_output_enclosure`]).
fn exact_softmax_output(
    x: &AttentionInputs<'_>,
    h: usize,
    dots: &[BigInt],
    keys: &[usize],
    sigma: f32,
    tau: f32,
    prec: u32,
) -> Result<Vec<(Rat, Rat)>, GpuError> {
    let s = x.shape;
    let sig = rat_f32(sigma);
    let scores: Vec<Rat> = keys
        .iter()
        .map(|&j| sig.clone() * to_rat(&dots[j], 298))
        .collect();
    let rows: Vec<Vec<Dyadic>> = keys
        .iter()
        .map(|&j| {
            x.v[(h * s.n_k + j) * s.d_v..][..s.d_v]
                .iter()
                .map(|&v| Dyadic::of(f64::from(v)).unwrap_or(Dyadic { m: 0, e: 0 }))
                .collect()
        })
        .collect();
    let rows: Vec<&[Dyadic]> = rows.iter().map(Vec::as_slice).collect();
    softmax_output_enclosure(&scores, &rat_f32(tau), prec, &rows, s.d_v).map_err(GpuError::Exact)
}

/// Exact distance from `y` to `[lo, hi]`.
fn dist(y: f32, lo: &Rat, hi: &Rat) -> Rat {
    let y = rat_f32(y);
    if y < *lo {
        lo.clone() - y
    } else if y > *hi {
        y - hi.clone()
    } else {
        Rat::zero()
    }
}

/// Certified raw-score error `2·γ_d·A` (twice: two scores are compared).
fn gap_threshold(x: &AttentionInputs<'_>, h: usize, i: usize) -> Rat {
    let t = 2.0 * bound::dot_error(x.shape.d, bound::abs_dot_max(x, h, i));
    Rat::from_f64(t).unwrap_or_else(|_| Rat::from_i64(i64::MAX))
}

/// Check a softmax output against the exact reference.
pub fn check_softmax(
    x: &AttentionInputs<'_>,
    cfg: &HarnessConfig,
    out: &[f32],
) -> Result<KernelReport, GpuError> {
    let s = x.shape;
    let mut rep = KernelReport::new("softmax");
    let bounds = bound::softmax_bounds(x, cfg.sigma, cfg.tau);
    let all: Vec<usize> = (0..s.n_k).collect();
    for (h, i) in checked_pairs(s.heads, s.n_q, cfg.check_queries) {
        let dots = exact_dots(x, h, i);
        let enc = exact_softmax_output(x, h, &dots, &all, cfg.sigma, cfg.tau, cfg.prec_bits)?;
        let mut ok = true;
        for (c, (lo, hi)) in enc.iter().enumerate() {
            let idx = (h * s.n_q + i) * s.d_v + c;
            ok &= rep.record_enclosure(out[idx], (lo, hi), bounds[idx], || {
                format!("head {h} query {i} coord {c}")
            });
        }
        rep.checked += 1;
        rep.tally(ok);
    }
    Ok(rep)
}

/// Check a zero-temperature output against the exact argmax sets.
pub fn check_hard(
    x: &AttentionInputs<'_>,
    cfg: &HarnessConfig,
    hard: &HardAttention<f32>,
) -> Result<KernelReport, GpuError> {
    let s = x.shape;
    let mut rep = KernelReport::new("hard");
    for (h, i) in checked_pairs(s.heads, s.n_q, cfg.check_queries) {
        rep.checked += 1;
        let dots = exact_dots(x, h, i);
        let best = dots.iter().max().cloned().unwrap_or_default();
        let set: Vec<usize> = (0..s.n_k).filter(|&j| dots[j] == best).collect();
        if set.len() > 1 {
            rep.exact_ties += 1;
        }
        let runner = dots.iter().filter(|d| **d < best).max();
        let certified = match runner {
            None => true,
            Some(r) => to_rat(&(&best - r), 298) > gap_threshold(x, h, i),
        };
        let qi = h * s.n_q + i;
        let (first, count) = (hard.argmax[qi] as usize, hard.tie_count[qi] as usize);
        if !certified {
            rep.near_ties += 1;
            continue;
        }
        if set.binary_search(&first).is_err() || count > set.len() {
            rep.fail(format!(
                "head {h} query {i}: float argmax {first} (ties {count}) not in exact argmax set {set:?} although the gap is certified"
            ));
            continue;
        }
        if count < set.len() {
            rep.tie_splits += 1;
            continue;
        }
        let vm = bound::value_max(x, h, set.iter().copied());
        let nset = Rat::from_i64(set.len() as i64);
        let mut ok = true;
        for (c, &vmax) in vm.iter().enumerate() {
            let mean = set
                .iter()
                .map(|&j| rat_f32(x.v[(h * s.n_k + j) * s.d_v + c]))
                .fold(Rat::zero(), |a, b| a + b)
                .checked_div(&nset)
                .map_err(|e| GpuError::Exact(e.to_string()))?;
            let y = hard.output[qi * s.d_v + c];
            let err = dist(y, &mean, &mean);
            let b = bound::hard_factor(set.len()) * vmax;
            ok &= rep.record(&err, b, || {
                format!(
                    "head {h} query {i} coord {c}: float {y} vs exact mean {:.9e}, bound {b:.3e}",
                    mean.to_f64()
                )
            });
        }
        rep.tally(ok);
    }
    Ok(rep)
}

/// Check a top-k output: exact selection (rank by exact score desc, index asc), then softmax
/// over the selected keys.
pub fn check_topk(
    x: &AttentionInputs<'_>,
    cfg: &HarnessConfig,
    top: &TopkAttention<f32>,
) -> Result<KernelReport, GpuError> {
    let s = x.shape;
    let kk = top.k;
    let mut rep = KernelReport::new("topk");
    for (h, i) in checked_pairs(s.heads, s.n_q, cfg.check_queries) {
        rep.checked += 1;
        let qi = h * s.n_q + i;
        let dots = exact_dots(x, h, i);
        let mut order: Vec<usize> = (0..s.n_k).collect();
        order.sort_by(|&a, &b| dots[b].cmp(&dots[a]).then(a.cmp(&b)));
        let mut exact_set: Vec<usize> = order[..kk].to_vec();
        exact_set.sort_unstable();
        let mut float_set: Vec<usize> = top.selected[qi * kk..(qi + 1) * kk]
            .iter()
            .map(|&j| j as usize)
            .collect();
        float_set.sort_unstable();
        let boundary_tie = kk < s.n_k && dots[order[kk - 1]] == dots[order[kk]];
        if boundary_tie {
            rep.exact_ties += 1;
        }
        if float_set != exact_set {
            let certified = kk < s.n_k
                && to_rat(&(&dots[order[kk - 1]] - &dots[order[kk]]), 298) > gap_threshold(x, h, i);
            if certified || float_set.windows(2).any(|w| w[0] == w[1]) {
                rep.fail(format!(
                    "head {h} query {i}: float top-{kk} set {float_set:?} differs from exact {exact_set:?} although the boundary gap is certified"
                ));
            } else {
                rep.near_ties += 1;
            }
            continue;
        }
        let enc = exact_softmax_output(x, h, &dots, &exact_set, cfg.sigma, cfg.tau, cfg.prec_bits)?;
        let bounds = bound::topk_bound(x, h, i, &exact_set, cfg.sigma, cfg.tau);
        let mut ok = true;
        for (c, (lo, hi)) in enc.iter().enumerate() {
            let y = top.output[qi * s.d_v + c];
            ok &= rep.record_enclosure(y, (lo, hi), bounds[c], || {
                format!("head {h} query {i} coord {c}")
            });
        }
        rep.tally(ok);
    }
    Ok(rep)
}

/// Check a max-plus product entrywise (all entries).
pub fn check_maxplus(
    a: &[f32],
    b: &[f32],
    (m, k, n): (usize, usize, usize),
    got: &MaxPlusOutput,
) -> KernelReport {
    let mut rep = KernelReport::new("maxplus");
    if got.values.len() != m * n || got.argmax.len() != m * n {
        rep.fail(format!(
            "output has {} values / {} argmax entries, need {}",
            got.values.len(),
            got.argmax.len(),
            m * n
        ));
        return rep;
    }
    let fa: Vec<Option<BigInt>> = a
        .iter()
        .map(|&x| x.is_finite().then(|| fixed149(x)))
        .collect();
    let fb: Vec<Option<BigInt>> = b
        .iter()
        .map(|&x| x.is_finite().then(|| fixed149(x)))
        .collect();
    for i in 0..m {
        for j in 0..n {
            rep.checked += 1;
            let xs: Vec<Option<BigInt>> = (0..k)
                .map(|l| match (&fa[i * k + l], &fb[l * n + j]) {
                    (Some(x), Some(y)) => Some(x + y),
                    _ => None,
                })
                .collect();
            // None = -inf; Option's order puts None below every Some.
            let best = xs.iter().max().cloned().flatten();
            let first = xs.iter().position(|x| *x == best).unwrap_or(0);
            let (y, l_hat) = (got.values[i * n + j], got.argmax[i * n + j] as usize);
            let what = |msg: &str| format!("entry ({i},{j}): {msg}");
            let Some(c) = best else {
                if y == f32::NEG_INFINITY && l_hat == 0 {
                    rep.passed += 1;
                } else {
                    rep.fail(what(&format!(
                        "exact value is -inf, float gave {y} at argmax {l_hat}"
                    )));
                }
                continue;
            };
            if !y.is_finite() {
                rep.fail(what(&format!("exact value is finite, float gave {y}")));
                continue;
            }
            // |ŷ − C| ≤ u|C|  ⇔  |ŷ − C|·2^24 ≤ |C| (scale 2^149, exact)
            let err = (fixed149(y) - &c).abs();
            let cabs = c.abs();
            let errf = to_rat(&err, 149).to_f64();
            let bnd = to_rat(&cabs, 149).to_f64() * U;
            rep.max_error = rep.max_error.max(errf);
            rep.max_bound = rep.max_bound.max(bnd);
            if bnd > 0.0 {
                rep.max_ratio = rep.max_ratio.max(errf / bnd);
            }
            let value_ok = (&err << 24usize) <= cabs;
            if !value_ok {
                rep.fail(what(&format!(
                    "float {y} vs exact {:.9e}, bound u|C| = {bnd:.3e}",
                    to_rat(&c, 149).to_f64()
                )));
                continue;
            }
            if l_hat == first {
                rep.passed += 1;
                continue;
            }
            // near tie: x_l̂ within u(|C| + |x_l̂|) of C
            let near = match xs.get(l_hat).cloned().flatten() {
                Some(xl) => ((&c - &xl) << 24usize) <= &cabs + xl.abs(),
                None => false,
            };
            if near {
                rep.near_ties += 1;
            } else {
                rep.fail(what(&format!(
                    "float argmax {l_hat}, exact smallest maximiser {first}"
                )));
            }
        }
    }
    rep
}

/// Run all four kernels of `backend` on random inputs and check them.
pub fn run_harness(backend: &dyn Backend, cfg: &HarnessConfig) -> Result<HarnessReport, GpuError> {
    let p = random_problem(cfg);
    let x = AttentionInputs::new(&p.q, &p.k, &p.v, cfg.shape)?;
    let t = Softmax {
        sigma: cfg.sigma,
        tau: cfg.tau,
    };
    let soft = backend.softmax_attention(&x, t)?;
    let hard = backend.hard_attention(&x)?;
    let top = backend.topk_attention(&x, t, cfg.top_k)?;
    let (m, k, n) = cfg.maxplus;
    let mp = backend.maxplus_matmul(MaxPlusInputs::new(&p.a, &p.b, m, k, n)?)?;
    let kernels = vec![
        check_softmax(&x, cfg, &soft)?,
        check_hard(&x, cfg, &hard)?,
        check_topk(&x, cfg, &top)?,
        check_maxplus(&p.a, &p.b, cfg.maxplus, &mp),
    ];
    Ok(HarnessReport {
        backend: backend.name(),
        config: cfg.clone(),
        kernels,
    })
}

/// Smallest f32 `≥ x + delta` (`delta ≥ 0`), computed without rounding it away.
fn shift_up(x: f32, delta: f64) -> f32 {
    let target = f64::from(x) + delta;
    let mut y = target as f32;
    while f64::from(y) < target && y.is_finite() {
        y = next_up(y);
    }
    y
}

fn next_up(x: f32) -> f32 {
    if x.is_nan() || x == f32::INFINITY {
        return x;
    }
    if x == 0.0 {
        return f32::from_bits(1);
    }
    let b = x.to_bits();
    f32::from_bits(if x > 0.0 { b + 1 } else { b - 1 })
}

/// A backend wrapper with a planted error: every softmax / top-k output is moved up by
/// `factor × bound`, every zero-temperature output by `factor × γ_{ties+1}·V_c`, and every
/// max-plus value by `factor × u|ĉ|` (each rounded up to the next f32). With `factor > 1`
/// the harness must fail — the test that the bounds are not vacuous.
pub struct PlantedError<B> {
    /// The wrapped backend.
    pub inner: B,
    /// Multiple of the bound added.
    pub factor: f64,
}

impl<B: Backend> Backend for PlantedError<B> {
    fn name(&self) -> String {
        format!(
            "{} + planted error {}×bound",
            self.inner.name(),
            self.factor
        )
    }
    fn softmax_attention(&self, x: &AttentionInputs<'_>, t: Softmax) -> Result<Vec<f32>, GpuError> {
        let out = self.inner.softmax_attention(x, t)?;
        let b = bound::softmax_bounds(x, t.sigma, t.tau);
        Ok(out
            .iter()
            .zip(&b)
            .map(|(&y, &bb)| shift_up(y, self.factor * bb))
            .collect())
    }
    fn hard_attention(&self, x: &AttentionInputs<'_>) -> Result<HardAttention<f32>, GpuError> {
        let mut hard = self.inner.hard_attention(x)?;
        let s = x.shape;
        for qi in 0..s.heads * s.n_q {
            let h = qi / s.n_q;
            let ties = hard.tie_count[qi] as usize;
            let vm = bound::value_max(x, h, 0..s.n_k);
            let row = &mut hard.output[qi * s.d_v..(qi + 1) * s.d_v];
            for (o, &v) in row.iter_mut().zip(&vm) {
                *o = shift_up(*o, self.factor * bound::hard_factor(ties) * v);
            }
        }
        Ok(hard)
    }
    fn topk_attention(&self, x: &AttentionInputs<'_>, t: Softmax, k: usize) -> TopkResult {
        let mut top = self.inner.topk_attention(x, t, k)?;
        let s = x.shape;
        for qi in 0..s.heads * s.n_q {
            let sel: Vec<usize> = top.selected[qi * top.k..(qi + 1) * top.k]
                .iter()
                .map(|&j| j as usize)
                .collect();
            let b = bound::topk_bound(x, qi / s.n_q, qi % s.n_q, &sel, t.sigma, t.tau);
            let row = &mut top.output[qi * s.d_v..(qi + 1) * s.d_v];
            for (o, &bb) in row.iter_mut().zip(&b) {
                *o = shift_up(*o, self.factor * bb);
            }
        }
        Ok(top)
    }
    fn maxplus_matmul(&self, p: MaxPlusInputs<'_>) -> Result<MaxPlusOutput, GpuError> {
        let mut p = self.inner.maxplus_matmul(p)?;
        for y in p.values.iter_mut().filter(|y| y.is_finite()) {
            *y = shift_up(*y, self.factor * U * f64::from(*y).abs());
        }
        Ok(p)
    }
}
