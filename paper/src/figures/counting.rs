//! Counting charts: cells of random layers vs N / H / d against `Π n_h`, `N^H` and the
//! Zaslavsky cap (SPEC T5–T7, T15), and the T8 growth of residual stacks with depth.
//!
//! `count_point` and `counting_svg` also serve the checkpoint's counting charts
//! ([`crate::real_counts`]).

use std::fmt::Write as _;

use num_bigint::BigUint;
use num_traits::ToPrimitive;
use tropical_algebra::Rat;
use tropical_attention::count::CountRequest;
use tropical_attention::{Mat, Model};

use crate::chart::{Axis, LineChart, Style};
use crate::models::{random_context, random_layer};
use crate::{Artifact, PaperError, Result, Size};

use super::{check_err, exact_count, figure};

fn big_f64(b: &BigUint) -> f64 {
    b.to_f64().unwrap_or(f64::MAX)
}

/// One measured point of a counting chart: the exact count, `Π n_h` (one count per head) and the
/// two bounds the count carries, at abscissa `x`.
pub(crate) struct CountPoint {
    /// Abscissa (the varied parameter).
    pub x: usize,
    /// Cells, exact.
    pub cells: BigUint,
    /// `Π n_h` over the counted heads.
    pub prod: BigUint,
    /// `N^H`.
    pub n_pow_h: BigUint,
    /// The Zaslavsky cap in the counting dimension.
    pub zaslavsky: BigUint,
    /// The method whose count is `cells`.
    pub method: &'static str,
}

/// The exact count of `req` (complete, methods agreeing) and `Π n_h` from one count per head
/// of `heads` on the same region, at abscissa `x`.
pub(crate) fn count_point(
    model: &Model<Rat>,
    context: &Mat<Rat>,
    req: CountRequest<Rat>,
    heads: usize,
    x: usize,
    name: &str,
) -> Result<CountPoint> {
    let mut prod = BigUint::from(1u32);
    for h in 0..heads {
        let one = CountRequest {
            heads: Some(vec![h]),
            region: req.region.clone(),
            ..CountRequest::default()
        };
        prod *= exact_count(model, context, &one, name)?.cells;
    }
    let c = exact_count(model, context, &req, name)?;
    Ok(CountPoint {
        x,
        cells: c.cells,
        prod,
        n_pow_h: c.bound_product.unwrap_or_default(),
        zaslavsky: c.bound_zaslavsky.unwrap_or_default(),
        method: c.method.name(),
    })
}

/// The log-scale chart of counting points (several per abscissa are averaged: seeds), the
/// abscissae where some point has fewer cells than `Π n_h`, and the number of abscissae.
pub(crate) fn counting_svg(
    x_label: &str,
    points: &[CountPoint],
) -> Result<(String, Vec<usize>, usize)> {
    let (mut mean, mut prod, mut np, mut zas) = (vec![], vec![], vec![], vec![]);
    let mut below = Vec::new();
    let mut i = 0;
    while i < points.len() {
        let x = points[i].x;
        let group: Vec<&CountPoint> = points[i..].iter().take_while(|p| p.x == x).collect();
        i += group.len();
        let k = group.len() as f64;
        let xf = x as f64;
        mean.push((xf, group.iter().map(|p| big_f64(&p.cells)).sum::<f64>() / k));
        prod.push((xf, group.iter().map(|p| big_f64(&p.prod)).sum::<f64>() / k));
        np.push((xf, big_f64(&group[0].n_pow_h)));
        zas.push((xf, big_f64(&group[0].zaslavsky)));
        if group.iter().any(|p| p.cells != p.prod) {
            below.push(x);
        }
    }
    let mean_label = if points.len() > mean.len() {
        "cells (mean)"
    } else {
        "cells"
    };
    let prod_label = if points.len() > mean.len() {
        "Π n_h (mean)"
    } else {
        "Π n_h"
    };
    let xs = mean.len();
    let chart = LineChart::new(x_label, "cells (exact count)", Axis::Integer, Axis::Log)
        .curve_in(mean_label, mean, Style::Measured, 0)
        .curve_in(prod_label, prod, Style::Points, 1)
        .curve_in("N^H", np, Style::Bound, 2)
        .curve_in("Zaslavsky cap", zas, Style::Bound, 3);
    Ok((chart.svg()?, below, xs))
}

/// The caption sentence on `Π n_h`: where the count equals it and where it does not (`xs`
/// abscissae in all).
pub(crate) fn product_sentence(x_label: &str, below: &[usize], xs: usize, why: &str) -> String {
    if below.len() == xs && xs > 1 {
        format!("cells $< \\prod_h n_h$ at every point, {why}")
    } else if below.is_empty() {
        "cells $= \\prod_h n_h$ at every point (SPEC T15 applies or its conclusion holds)"
            .to_string()
    } else {
        format!(
            "cells $< \\prod_h n_h$ at {x_label} $\\in \\{{{}\\}}$, {why}",
            below
                .iter()
                .map(|v| v.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )
    }
}

/// A counting chart of random layers over one varied parameter `x`.
pub(super) struct Sweep {
    /// The figure's name.
    name: &'static str,
    /// The abscissa's label.
    x_label: &'static str,
    /// The parameters held fixed, for the caption.
    fixed: &'static str,
    /// The abscissae: `from..=top.0` (quick) or `from..=top.1`.
    from: usize,
    top: (usize, usize),
    /// The layer shape `(d, H, d_k, N)` at `x`.
    shape: fn(usize) -> (usize, usize, usize, usize),
}

/// The counting charts of random layers: cells vs N, vs H, vs d.
#[rustfmt::skip]
pub(super) const SWEEPS: [Sweep; 3] = [
    Sweep { name: "cells_vs_n", x_label: "context length N (tokens)", fixed: "$d = 4$, $H = 2$, $d_k = 2$", from: 2, top: (6, 10), shape: |n| (4, 2, 2, n) },
    Sweep { name: "cells_vs_h", x_label: "heads H", fixed: "$d = 4$, $d_k = 2$, $N = 4$", from: 1, top: (3, 4), shape: |h| (4, h, 2, 4) },
    Sweep { name: "cells_vs_d", x_label: "model dimension d", fixed: "$H = 2$, $d_k = 2$, $N = 4$", from: 1, top: (4, 5), shape: |d| (d, 2, 2, 4) },
];

/// The counting chart of `sweep` (2 seeds a point when quick, else 6).
pub(super) fn sweep_chart(sweep: &Sweep, size: Size) -> Result<Vec<Artifact>> {
    let Sweep {
        name,
        x_label,
        fixed,
        from,
        top,
        shape,
    } = *sweep;
    let seeds = if size.quick { 2 } else { 6 };
    let top = if size.quick { top.0 } else { top.1 };
    let mut csv = String::from("x,d,H,d_k,N,seed,cells,method,prod_n_h,N_pow_H,zaslavsky\n");
    let mut measured = Vec::new();
    for x in from..=top {
        let (d, h, dk, n) = shape(x);
        for seed in 0..seeds {
            let model = random_layer(d, h, dk, 1000 + seed)?;
            let ctx = random_context(n, d, 2000 + seed)?;
            let what = format!("cells chart at d={d} H={h} N={n}");
            let c = count_point(&model, &ctx, CountRequest::default(), h, x, &what)?;
            let _ = writeln!(
                csv,
                "{},{d},{h},{dk},{n},{seed},{},{},{},{},{}",
                c.x, c.cells, c.method, c.prod, c.n_pow_h, c.zaslavsky
            );
            measured.push(c);
        }
    }
    let (svg, below, xs) = counting_svg(x_label, &measured)?;
    let broken = product_sentence(
        x_label,
        &below,
        xs,
        "for some seeds, where the stacked query maps are not onto",
    );
    let caption = format!(
        "Cells of one random attention layer on the whole query space ({fixed}; {seeds} seeds \
         per point, integer weights), exact counts, against $\\prod_h n_h$ (one count per head), \
         $N^H$ and the Zaslavsky cap $\\sum_{{i \\le d}} \\binom{{H\\binom{{N}}{{2}}}}{{i}}$ \
         (SPEC T6, T7, T15); log scale. Here {broken}."
    );
    Ok(vec![figure(name, caption, svg, csv)])
}

pub(super) fn build_t8_depth(size: Size) -> Result<Vec<Artifact>> {
    use proofs_tests::claims::t08_depth::{max_cells, separable_construction, stack_cells};
    let name = "t8_depth";
    let mut csv = String::from("series,H,d,N,L,cells,N_pow_HL\n");
    let mut chart = LineChart::new(
        "layers L",
        "cells of the stack (exact walk)",
        Axis::Integer,
        Axis::Log,
    );
    let constructions: &[(usize, usize, usize)] = if size.quick {
        &[(2, 1, 3), (3, 1, 3), (2, 2, 2)]
    } else {
        &[(2, 1, 4), (3, 1, 3), (2, 2, 3)]
    };
    for (i, &(n, m, top)) in constructions.iter().enumerate() {
        let (mut got, mut formula) = (vec![], vec![]);
        for l in 1..=top {
            let cells = stack_cells(&separable_construction(n, m, l)).map_err(PaperError::Other)?;
            let f = (n as f64).powi((m * l) as i32);
            let _ = writeln!(
                csv,
                "construction,{m},{},{n},{l},{cells},{}",
                m + 2,
                n.pow((m * l) as u32)
            );
            if cells != n.pow((m * l) as u32) {
                return Err(check_err(
                    name,
                    format!("construction N={n} H={m} L={l}: {cells} cells, not N^(H·L)"),
                ));
            }
            got.push((l as f64, cells as f64));
            formula.push((l as f64, f));
        }
        chart = chart
            .curve_in(&format!("constr. H={m}, N={n}"), got, Style::Points, i)
            .curve_in(&format!("{n}^({m}L)"), formula, Style::Bound, i);
    }
    let cases = if size.quick { 4 } else { 32 };
    for (i, &(d, n)) in [(1usize, 3usize), (2, 2)].iter().enumerate() {
        let mut pts = vec![];
        for l in 1..=3usize {
            let m = max_cells(d, n, l, cases).map_err(PaperError::Other)?;
            let _ = writeln!(
                csv,
                "random max,1,{d},{n},{l},{m},{}",
                n.pow((d * l) as u32)
            );
            pts.push((l as f64, m as f64));
        }
        chart = chart.curve_in(&format!("random d={d}, N={n}"), pts, Style::Measured, 4 + i);
    }
    let svg = chart.svg()?;
    let caption = format!(
        "SPEC T8, depth: cells of residual hard-attention stacks vs the number of layers $L$. \
         Markers: the separable construction ($H$ heads per layer on $\\mathbb{{Q}}^{{H+2}}$), \
         whose exact walk count equals $N^{{H L}}$ (dashed) at every point; solid: the largest \
         count over {cases} random one-head stacks (lower bounds on the maximum only; $d = 1$ \
         stays far below $N^{{L}}$). Log scale."
    );
    Ok(vec![figure(name, caption, svg, csv)])
}
