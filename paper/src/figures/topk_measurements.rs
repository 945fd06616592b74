//! The float measurements of top-k attention: S2 (quantile functions of the relative error and
//! of error / T17 bound, per score distribution) and S3 (measured speedup against `n/k`).
//!
//! The S2 setup and score distributions are those of the claims report
//! ([`proofs_tests::measure::S2`], [`proofs_tests::measure::s2_dists`]), with the same seeds.

use std::fmt::Write as _;

use proofs_tests::measure::{self, Distribution, S2Setup, ScoreDist, S2};

use crate::chart::{Axis, LineChart, Style};
use crate::{Artifact, Figure, Result, Size};

use super::figure;

/// The 5%, 10%, …, 95% quantiles of `q` (values below `1e-18` drawn at `1e-18`), each also
/// written to `csv` as `label,quantile,value`.
fn quantile_curve(q: &Distribution, label: &str, csv: &mut String) -> Vec<(f64, f64)> {
    let pts: Vec<(f64, f64)> = (1..=19)
        .map(|i| {
            let qq = f64::from(i) / 20.0;
            (qq, q.quantile(qq).max(1e-18))
        })
        .collect();
    for (qq, v) in &pts {
        let _ = writeln!(csv, "{label},{qq:.2},{v:.6e}");
    }
    pts
}

fn s2_rows(size: Size) -> usize {
    if size.quick {
        200
    } else {
        2000
    }
}

/// An S2 chart: the quantile curve of `sample` for each score distribution (seed `1000 + i`;
/// a distribution whose sample is empty draws no curve), its CSV under the column name
/// `column`, and the number of rows a distribution.
fn s2_quantile_chart(
    size: Size,
    y_label: &str,
    column: &str,
    sample: impl Fn(ScoreDist, S2Setup, usize, u64) -> Distribution,
) -> (LineChart, String, usize) {
    let rows = s2_rows(size);
    let mut csv = format!("scores,quantile,{column}\n");
    let mut chart = LineChart::new(
        "quantile q (fraction of query rows)",
        y_label,
        Axis::Linear,
        Axis::Log,
    );
    for (i, dist) in measure::s2_dists().into_iter().enumerate() {
        let q = sample(dist, S2, rows, 1000 + i as u64);
        if q.sorted.is_empty() {
            continue;
        }
        let pts = quantile_curve(&q, &dist.label(), &mut csv);
        chart = chart.curve(&dist.label(), pts, Style::Measured);
    }
    chart.height = 200.0;
    (chart, csv, rows)
}

pub(super) fn build_s2_error(size: Size) -> Result<Vec<Artifact>> {
    let S2Setup { n, k, tau, dv } = S2;
    let (chart, csv, rows) = s2_quantile_chart(
        size,
        "relative output error ‖o_topk − o‖₂/‖o‖₂",
        "relative_error",
        |dist, s, rows, seed| measure::s2_distribution(dist, s, rows, seed).1,
    );
    let caption = format!(
        "SPEC S2: quantile function of the relative error of renormalised top-$k$ attention \
         ($\\tau = {tau}$, $k = {k}$, $n = {n}$, values $v_j \\sim N(0, I_{{{dv}}})$, {rows} \
         query rows per score distribution; errors below $10^{{-18}}$ drawn at $10^{{-18}}$). \
         Whether the error is below 1\\% depends entirely on the score scale."
    );
    Ok(vec![figure("s2_topk_error", caption, chart.svg()?, csv)])
}

pub(super) fn build_s2_bound(size: Size) -> Result<Vec<Artifact>> {
    let (chart, csv, rows) = s2_quantile_chart(
        size,
        "error / T17 bound",
        "error_over_bound",
        |dist, s, rows, seed| measure::s2_bound_ratios(dist, s, rows, seed).0,
    );
    let chart = chart.curve_in(
        "T17 bound (ratio 1)",
        vec![(0.05, 1.0), (0.95, 1.0)],
        Style::Bound,
        7,
    );
    let caption = format!(
        "S2 under SPEC T17: quantile function of $\\|o_{{\\mathrm{{topk}}}} - o\\|_2 / \
         (m \\max_{{i,j}} \\|v_i - v_j\\|_2)$ with $m$ the softmax mass outside the top $k$ \
         (same rows as the previous figure, {rows} per distribution); every row lies under the \
         bound (ratio 1, dashed)."
    );
    Ok(vec![figure("s2_t17_bound", caption, chart.svg()?, csv)])
}

pub(super) fn build_s3_speedup(size: Size) -> Result<Vec<Artifact>> {
    let (d, kk) = (64, 10);
    let ns: &[usize] = if size.quick {
        &[128, 256, 512]
    } else {
        &[128, 256, 512, 1024, 2048, 4096]
    };
    let reps = if size.quick { 3 } else { 7 };
    let mut csv = String::from("n,dense_s,topk_s,speedup,claimed\n");
    let (mut measured, mut claimed) = (vec![], vec![]);
    for (i, &n) in ns.iter().enumerate() {
        let (td, tk) = proofs_tests::measure::s3_timing(n, d, kk, reps, 7 + i as u64);
        let _ = writeln!(csv, "{n},{td:.6e},{tk:.6e},{:.4},{}", td / tk, n / kk);
        measured.push((n as f64, td / tk));
        claimed.push((n as f64, n as f64 / kk as f64));
    }
    let chart = LineChart::new(
        "context length n (tokens)",
        "speedup (dense time / top-k time)",
        Axis::Log,
        Axis::Log,
    )
    .curve("measured", measured, Style::Measured)
    .curve("claimed n/k", claimed, Style::Bound);
    let caption = format!(
        "SPEC S3: measured speedup of top-$k$ attention over dense attention (single-threaded \
         f32 CPU loops, one head, $d = {d}$, $k = {kk}$, median of {reps} runs, measured on a \
         shared 2-core machine) against the claimed $n/k$. Both kernels compute the $n^2$ \
         scores, so only the $A V$ part shrinks."
    );
    Ok(vec![Artifact::Figure(Figure {
        name: "s3_speedup".into(),
        caption,
        svg: chart.svg()?,
        csv,
        timed: true,
    })])
}
