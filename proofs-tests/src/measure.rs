//! Float measurements for the measurement claims S2 (top-k error distribution) and S3 (top-k
//! speedup). Floats are legitimate here: these are measurements of float kernels, not exact
//! decisions. Random numbers come from a seeded ChaCha RNG so the report is reproducible.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::time::Instant;

/// A standard normal sample (Box–Muller).
pub fn normal(rng: &mut impl Rng) -> f64 {
    let u1: f64 = rng.random::<f64>().max(f64::MIN_POSITIVE);
    let u2: f64 = rng.random::<f64>();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// Score distributions for S2.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ScoreDist {
    /// `s_j = ⟨q, k_j⟩/√d` with `q, k_j ~ N(0, I_d)` scaled by `scale` (so `s_j ≈ N(0, scale²)`).
    Dot {
        /// Dimension of queries and keys.
        d: usize,
        /// Factor applied to every score.
        scale: f64,
    },
    /// `s_j ~ U[0, width]`.
    Uniform {
        /// Upper end of the interval.
        width: f64,
    },
    /// One spike of height `h` above `N(0,1)` noise.
    Spike {
        /// Height of the spike.
        h: f64,
    },
}

impl ScoreDist {
    /// Short label for tables.
    pub fn label(&self) -> String {
        match self {
            ScoreDist::Dot { d, scale } => format!("q·k/√d, d={d}, ×{scale}"),
            ScoreDist::Uniform { width } => format!("U[0,{width}]"),
            ScoreDist::Spike { h } => format!("N(0,1) + spike {h}"),
        }
    }
    /// Sample `n` scores.
    pub fn sample(&self, n: usize, rng: &mut impl Rng) -> Vec<f64> {
        match *self {
            ScoreDist::Dot { d, scale } => {
                let q: Vec<f64> = (0..d).map(|_| normal(rng)).collect();
                (0..n)
                    .map(|_| {
                        let dot: f64 = q.iter().map(|qi| qi * normal(rng)).sum();
                        scale * dot / (d as f64).sqrt()
                    })
                    .collect()
            }
            ScoreDist::Uniform { width } => (0..n).map(|_| width * rng.random::<f64>()).collect(),
            ScoreDist::Spike { h } => {
                let mut s: Vec<f64> = (0..n).map(|_| normal(rng)).collect();
                let i = rng.random_range(0..n);
                s[i] += h;
                s
            }
        }
    }
}

/// `softmax(s/τ)` (stable).
pub fn softmax(s: &[f64], tau: f64) -> Vec<f64> {
    let m = s.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    let e: Vec<f64> = s.iter().map(|x| ((x - m) / tau).exp()).collect();
    let t: f64 = e.iter().sum();
    e.into_iter().map(|x| x / t).collect()
}

/// Indices of the `k` largest scores (ties broken by lower index).
pub fn topk_indices(s: &[f64], k: usize) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..s.len()).collect();
    let k = k.min(s.len());
    idx.select_nth_unstable_by(
        k.saturating_sub(1).min(s.len().saturating_sub(1)),
        |&a, &b| s[b].total_cmp(&s[a]).then(a.cmp(&b)),
    );
    idx.truncate(k);
    idx
}

/// One row of the seed's kernel: the softmax `p`, the top-k indices, the kept mass `Σ_topk p`,
/// the full output `o = Σ p_j v_j` and `o_k`, softmax renormalised over the top-k.
struct TopkRow {
    p: Vec<f64>,
    top: Vec<usize>,
    kept: f64,
    o: Vec<f64>,
    ok: Vec<f64>,
}

fn topk_row(s: &[f64], v: &[Vec<f64>], tau: f64, k: usize) -> TopkRow {
    let p = softmax(s, tau);
    let top = topk_indices(s, k);
    let kept: f64 = top.iter().map(|&j| p[j]).sum();
    let dv = v[0].len();
    let mut o = vec![0.0; dv];
    for (j, pj) in p.iter().enumerate() {
        for c in 0..dv {
            o[c] += pj * v[j][c];
        }
    }
    let mut ok = vec![0.0; dv];
    for &j in &top {
        for c in 0..dv {
            ok[c] += p[j] / kept * v[j][c];
        }
    }
    TopkRow {
        p,
        top,
        kept,
        o,
        ok,
    }
}

/// One row's errors: `(dropped mass 1 − Σ_topk p, relative output error ‖o_k − o‖₂/‖o‖₂)`, where
/// `o = Σ p_j v_j` (full softmax) and `o_k` renormalises softmax over the top-k (the seed's kernel).
pub fn topk_errors(s: &[f64], v: &[Vec<f64>], tau: f64, k: usize) -> (f64, f64) {
    let TopkRow { kept, o, ok, .. } = topk_row(s, v, tau, k);
    let num: f64 = o
        .iter()
        .zip(&ok)
        .map(|(a, b)| (a - b) * (a - b))
        .sum::<f64>()
        .sqrt();
    let den: f64 = o.iter().map(|a| a * a).sum::<f64>().sqrt();
    (1.0 - kept, if den > 0.0 { num / den } else { num })
}

/// One row measured against SPEC T17: `(‖o_topk − o‖₂, m·max_{i,j}‖v_i − v_j‖₂, 2m·max_j‖v_j‖₂)`
/// with `m` the dropped softmax mass (same kernel as [`topk_errors`]).
pub fn topk_error_vs_bound(s: &[f64], v: &[Vec<f64>], tau: f64, k: usize) -> (f64, f64, f64) {
    let TopkRow { p, top, o, ok, .. } = topk_row(s, v, tau, k);
    let norm = |x: &mut dyn Iterator<Item = f64>| x.map(|a| a * a).sum::<f64>().sqrt();
    let err = norm(&mut o.iter().zip(&ok).map(|(a, b)| a - b));
    let mut diam = 0.0f64;
    for a in v {
        for b in v {
            diam = diam.max(norm(&mut a.iter().zip(b).map(|(x, y)| x - y)));
        }
    }
    let vmax = v
        .iter()
        .map(|a| norm(&mut a.iter().copied()))
        .fold(0.0, f64::max);
    // the dropped mass summed directly (1 − kept loses all digits when m < 1e-16)
    let mut dropped = vec![true; p.len()];
    for &j in &top {
        dropped[j] = false;
    }
    let m: f64 = p
        .iter()
        .zip(&dropped)
        .filter(|(_, &d)| d)
        .map(|(pj, _)| pj)
        .sum();
    (err, m * diam, 2.0 * m * vmax)
}

/// The S2 setup of the claims report and the paper: `n` scores a row, top `k`, temperature
/// `tau`, values in dimension `dv`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct S2Setup {
    /// Scores (keys) a row.
    pub n: usize,
    /// Size of the top-k set.
    pub k: usize,
    /// Softmax temperature.
    pub tau: f64,
    /// Dimension of the value rows.
    pub dv: usize,
}

/// The setup both the claims report and the paper measure: `n = 100`, `k = 10`, `τ = 0.1`,
/// `dv = 16`.
pub const S2: S2Setup = S2Setup {
    n: 100,
    k: 10,
    tau: 0.1,
    dv: 16,
};

/// The S2 score distributions, in the order of the claims report and the paper.
pub fn s2_dists() -> [ScoreDist; 6] {
    [
        ScoreDist::Dot { d: 64, scale: 0.1 },
        ScoreDist::Dot { d: 64, scale: 0.3 },
        ScoreDist::Dot { d: 64, scale: 1.0 },
        ScoreDist::Dot { d: 64, scale: 3.0 },
        ScoreDist::Uniform { width: 1.0 },
        ScoreDist::Spike { h: 3.0 },
    ]
}

/// `rows` independent S2 rows from `seed`: `n` scores from `dist` and `n` value rows
/// `N(0,1)^{dv}`, drawn in this order row by row.
fn s2_rows(
    dist: ScoreDist,
    s: S2Setup,
    rows: usize,
    seed: u64,
) -> impl Iterator<Item = (Vec<f64>, Vec<Vec<f64>>)> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    (0..rows).map(move |_| {
        let scores = dist.sample(s.n, &mut rng);
        let v: Vec<Vec<f64>> = (0..s.n)
            .map(|_| (0..s.dv).map(|_| normal(&mut rng)).collect())
            .collect();
        (scores, v)
    })
}

/// S2 rows against the T17 bound. Rows whose bound `m·max‖v_i − v_j‖₂` exceeds [`FLOAT_NOISE`]
/// give a ratio `‖o_topk − o‖₂ / (m·max‖v_i − v_j‖₂)`; below it the f64 rounding of `o` (about
/// 1e-16·‖v‖) exceeds the mathematical error and no ratio is formed. Returns the ratios, the
/// number of rows with a ratio under both bounds (`err ≤ m·diam ≤ 2m·max‖v‖`, relative slack
/// 1e-12), and the number of rows below the noise level whose error is itself `≤ FLOAT_NOISE`.
/// Same seeds and rows as [`s2_distribution`].
pub fn s2_bound_ratios(
    dist: ScoreDist,
    s: S2Setup,
    rows: usize,
    seed: u64,
) -> (Distribution, usize, usize) {
    let mut ratios = Vec::with_capacity(rows);
    let (mut under, mut noise) = (0, 0);
    for (scores, v) in s2_rows(dist, s, rows, seed) {
        let (err, b_diam, b_max) = topk_error_vs_bound(&scores, &v, s.tau, s.k);
        let slack = 1.0 + 1e-12;
        if b_diam > FLOAT_NOISE {
            if err <= b_diam * slack && b_diam <= b_max * slack {
                under += 1;
            }
            ratios.push(err / b_diam);
        } else if err <= FLOAT_NOISE {
            noise += 1;
        }
    }
    (Distribution::new(ratios), under, noise)
}

/// Below this size an f64 attention output error is rounding, not top-k truncation.
pub const FLOAT_NOISE: f64 = 1e-12;

/// Summary of a sample: quantiles and the fraction below a threshold.
#[derive(Debug, Clone)]
pub struct Distribution {
    /// Sorted samples.
    pub sorted: Vec<f64>,
}

impl Distribution {
    /// From samples.
    pub fn new(mut xs: Vec<f64>) -> Self {
        xs.sort_by(f64::total_cmp);
        Distribution { sorted: xs }
    }
    /// The `q`-quantile (nearest rank).
    pub fn quantile(&self, q: f64) -> f64 {
        if self.sorted.is_empty() {
            return f64::NAN;
        }
        let i = ((q * self.sorted.len() as f64).ceil() as usize).clamp(1, self.sorted.len()) - 1;
        self.sorted[i]
    }
    /// Fraction of samples `< t`.
    pub fn fraction_below(&self, t: f64) -> f64 {
        self.sorted.partition_point(|&x| x < t) as f64 / self.sorted.len().max(1) as f64
    }
}

/// S2 for one score distribution: `rows` independent rows of `n` scores and `N(0,1)^{dv}` values;
/// the distributions of the dropped mass and of the relative output error.
pub fn s2_distribution(
    dist: ScoreDist,
    s: S2Setup,
    rows: usize,
    seed: u64,
) -> (Distribution, Distribution) {
    let mut dropped = Vec::with_capacity(rows);
    let mut rel = Vec::with_capacity(rows);
    for (scores, v) in s2_rows(dist, s, rows, seed) {
        let (m, e) = topk_errors(&scores, &v, s.tau, s.k);
        dropped.push(m);
        rel.push(e);
    }
    (Distribution::new(dropped), Distribution::new(rel))
}

/// `s[j] = ⟨q_i, k_j⟩ / τ` for every key row `k_j` of `k [n][d]`, in f32.
#[inline]
fn scaled_scores(s: &mut [f32], qi: &[f32], k: &[f32], d: usize, tau: f32) {
    for (j, sj) in s.iter_mut().enumerate() {
        *sj = qi
            .iter()
            .zip(&k[j * d..(j + 1) * d])
            .map(|(a, b)| a * b)
            .sum::<f32>()
            / tau;
    }
}

/// Dense softmax attention, f32, one head, single thread: `q [n][d]`, `k [n][d]`, `v [n][d]`.
pub fn dense_attention(q: &[f32], k: &[f32], v: &[f32], n: usize, d: usize, tau: f32) -> Vec<f32> {
    let mut out = vec![0f32; n * d];
    let mut s = vec![0f32; n];
    for i in 0..n {
        scaled_scores(&mut s, &q[i * d..(i + 1) * d], k, d, tau);
        let m = s.iter().cloned().fold(f32::NEG_INFINITY, f32::max);
        let mut t = 0f32;
        for x in s.iter_mut() {
            *x = (*x - m).exp();
            t += *x;
        }
        let o = &mut out[i * d..(i + 1) * d];
        for j in 0..n {
            let w = s[j] / t;
            for (oc, vc) in o.iter_mut().zip(&v[j * d..(j + 1) * d]) {
                *oc += w * vc;
            }
        }
    }
    out
}

/// Top-k softmax attention (the seed's algorithm): all `n²` scores, top-k selection, softmax and
/// value aggregation over the `k` selected keys only.
pub fn topk_attention(
    q: &[f32],
    k: &[f32],
    v: &[f32],
    n: usize,
    d: usize,
    tau: f32,
    kk: usize,
) -> Vec<f32> {
    let mut out = vec![0f32; n * d];
    let mut s = vec![0f32; n];
    let mut idx: Vec<usize> = (0..n).collect();
    let kk = kk.clamp(1, n);
    for i in 0..n {
        scaled_scores(&mut s, &q[i * d..(i + 1) * d], k, d, tau);
        for (t, x) in idx.iter_mut().enumerate() {
            *x = t;
        }
        idx.select_nth_unstable_by(kk - 1, |&a, &b| s[b].total_cmp(&s[a]));
        let top = &idx[..kk];
        let m = top.iter().map(|&j| s[j]).fold(f32::NEG_INFINITY, f32::max);
        let t: f32 = top.iter().map(|&j| (s[j] - m).exp()).sum();
        let o = &mut out[i * d..(i + 1) * d];
        for &j in top {
            let w = (s[j] - m).exp() / t;
            for (oc, vc) in o.iter_mut().zip(&v[j * d..(j + 1) * d]) {
                *oc += w * vc;
            }
        }
    }
    out
}

/// Median wall time (seconds) of `reps` runs of `f`.
pub fn median_time(reps: usize, mut f: impl FnMut()) -> f64 {
    let mut ts: Vec<f64> = (0..reps.max(1))
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64()
        })
        .collect();
    ts.sort_by(f64::total_cmp);
    ts[ts.len() / 2]
}

/// One S3 measurement: `(t_dense, t_topk)` seconds for sequence length `n`, head dim `d`.
pub fn s3_timing(n: usize, d: usize, kk: usize, reps: usize, seed: u64) -> (f64, f64) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut gen = |len: usize| -> Vec<f32> { (0..len).map(|_| normal(&mut rng) as f32).collect() };
    let (q, k, v) = (gen(n * d), gen(n * d), gen(n * d));
    let td = median_time(reps, || {
        std::hint::black_box(dense_attention(&q, &k, &v, n, d, 1.0));
    });
    let tk = median_time(reps, || {
        std::hint::black_box(topk_attention(&q, &k, &v, n, d, 1.0, kk));
    });
    (td, tk)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// With k = n the top-k kernel equals the dense one (up to float rounding of summation order).
    #[test]
    fn topk_with_k_equal_n_matches_dense() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let (n, d) = (17, 5);
        let mut gen =
            |len: usize| -> Vec<f32> { (0..len).map(|_| normal(&mut rng) as f32).collect() };
        let (q, k, v) = (gen(n * d), gen(n * d), gen(n * d));
        let a = dense_attention(&q, &k, &v, n, d, 0.5);
        let b = topk_attention(&q, &k, &v, n, d, 0.5, n);
        for (x, y) in a.iter().zip(&b) {
            assert!((x - y).abs() <= 1e-4 * (1.0 + x.abs()), "{x} vs {y}");
        }
        let (m, e) = topk_errors(
            &[1.0, 0.0, -1.0],
            &[vec![1.0], vec![2.0], vec![3.0]],
            0.1,
            3,
        );
        assert!(m.abs() < 1e-12 && e < 1e-12);
    }
}
