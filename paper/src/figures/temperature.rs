//! The T9 panels: a certified upper bound of `1 − p_max` at three temperatures over a grid of
//! the random slice, with the hardmax walls drawn (SPEC T9).

use std::fmt::Write as _;

use tropical_algebra::enclosure::softmax_enclosure;
use tropical_algebra::{Rat, Scalar};

use crate::chart::HeatMap;
use crate::{Artifact, PaperError, Result, Size};

use super::{figure, polygon, ratio, slice_setup};

pub(super) fn build_t9_temperature(size: Size) -> Result<Vec<Artifact>> {
    let s = slice_setup(size)?;
    let walls_count = s.scene().count(vec![0], "t9_temperature")?;
    let walls: Vec<Vec<(f64, f64)>> = walls_count
        .cell_list
        .iter()
        .map(|c| polygon(c, "t9_temperature"))
        .collect::<Result<_>>()?;
    let layer = &s.model.blocks[0].attention;
    let sf = s.region.restrict(&layer.score_functions(&s.context)?[0])?;
    let grid = if size.quick { 16 } else { 48 };
    let half = s.half;
    let prec = 40;
    let mut out = Vec::new();
    for (tau_txt, tau) in [
        ("1", Rat::from_i64(1)),
        ("0.1", ratio(1, 10)?),
        ("0.01", ratio(1, 100)?),
    ] {
        let name = format!("t9_tau_{}", tau_txt.replace('.', "_"));
        let mut csv = String::from("t1,t2,one_minus_pmax_upper\n");
        let mut values = Vec::with_capacity(grid);
        for r in 0..grid {
            let mut row = Vec::with_capacity(grid);
            for c in 0..grid {
                // Cell centres of a grid x grid partition of [-half, half]^2, exact rationals.
                let coord = |i: usize| -> Result<Rat> {
                    ratio((2 * i as i64 + 1) * half - grid as i64 * half, grid as i64)
                };
                let t = [coord(c)?, coord(r)?];
                let scores = sf.eval(&t)?;
                let p = softmax_enclosure(&scores, &tau, prec)
                    .map_err(|e| PaperError::Other(e.to_string()))?;
                // Certified upper bound of 1 − max_j p_j: 1 − max_j (lower end of p_j).
                let lo_max = p
                    .iter()
                    .map(|iv| iv.lo().clone())
                    .max()
                    .unwrap_or_else(Rat::zero);
                let v = (Rat::one() - lo_max).to_f64().max(1e-300);
                let _ = writeln!(csv, "{:.6},{:.6},{v:.6e}", t[0].to_f64(), t[1].to_f64());
                row.push(v);
            }
            values.push(row);
        }
        let hm = HeatMap {
            values,
            x_range: (-half as f64, half as f64),
            y_range: (-half as f64, half as f64),
            decades: (-12, 0),
            walls: walls.clone(),
            title: format!("τ = {tau_txt}"),
            bar_label: "certified upper bound of 1 − p_max".into(),
            x_label: "slice coordinate t₁".into(),
            y_label: "slice coordinate t₂".into(),
            size: 150.0,
        };
        let svg = hm.svg()?;
        let caption = format!(
            "SPEC T9, finite temperature, head 0 of {} ({} cells, walls in white): a certified \
             upper bound of $1 - p_{{\\max}}$ at $\\tau = {tau_txt}$ (softmax enclosures of \
             {prec} bits at the centres of a ${grid}\\times{grid}$ grid; scores with $\\sigma = 1$; \
             colour clamped to $[10^{{-12}}, 1]$). Away from the walls the softmax is the \
             hardmax up to $e^{{-\\Delta/\\tau}}$.",
            s.words(),
            walls_count.cells
        );
        out.push(figure(&name, caption, svg, csv));
    }
    Ok(out)
}
