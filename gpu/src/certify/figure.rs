//! # The certificate as a figure
//!
//! Error of the kernel (ulps of its output format) against the any-order bound, per checked
//! row, on a log scale: the picture of a [`Certificate`] for a report or the paper.
//!
//! ## Main declarations
//!
//! * [`svg`]: the SVG text (through `tropical_plot::svg::line_chart_svg`).
//! * [`html`]: a self-contained HTML page: the verdict, the summary, the worst elements and the
//!   figure.
//!
//! ## Implementation notes
//!
//! Rows are binned to at most [`MAX_POINTS`] points (the largest error and the smallest bound of
//! each bin), so large problems give figures of a bounded size. Errors of exactly 0 are drawn at
//! [`FLOOR_ULPS`], and non-finite errors at 10⁶ times the largest bound; the y label says so.
//!
//! ## References
//!
//! * The figure format of [`tropical_plot::svg`].

use std::fmt::Write;

use tropical_plot::svg::{line_chart_svg, Series};

use super::Certificate;

/// Most points per series.
pub const MAX_POINTS: usize = 400;
/// Where an error of 0 ulps is drawn.
pub const FLOOR_ULPS: f64 = 1e-3;

/// `(x, largest error, smallest bound)` per bin of checked, non-masked rows.
fn binned(c: &Certificate) -> Vec<(f64, f64, f64)> {
    let rows: Vec<_> = c.rows.iter().filter(|r| r.status != "masked").collect();
    if rows.is_empty() {
        return vec![];
    }
    let top = rows
        .iter()
        .map(|r| r.bound_ulps)
        .filter(|b| b.is_finite())
        .fold(1.0, f64::max);
    let per = rows.len().div_ceil(MAX_POINTS);
    rows.chunks(per)
        .map(|ch| {
            let err = ch
                .iter()
                .map(|r| {
                    if r.max_error_ulps.is_finite() {
                        r.max_error_ulps
                    } else {
                        top * 1e6
                    }
                })
                .fold(0.0, f64::max)
                .max(FLOOR_ULPS);
            let bound = ch
                .iter()
                .map(|r| r.bound_ulps)
                .filter(|b| b.is_finite())
                .fold(f64::INFINITY, f64::min);
            let bound = if bound.is_finite() { bound } else { top };
            (ch[0].row as f64, err, bound.max(FLOOR_ULPS))
        })
        .collect()
}

/// The SVG figure of a certificate; an error message when no row was checked.
pub fn svg(c: &Certificate, title: &str) -> Result<String, String> {
    let pts = binned(c);
    if pts.is_empty() {
        return Err("no checked row to draw".into());
    }
    let series = [
        Series {
            name: "kernel error".into(),
            points: pts.iter().map(|&(x, e, _)| (x, e)).collect(),
        },
        Series {
            name: "any-order bound".into(),
            points: pts.iter().map(|&(x, _, b)| (x, b)).collect(),
        },
    ];
    line_chart_svg(
        title,
        "row ((batch·heads + head)·n_q + query)",
        "largest error per row, ulps (0 drawn at 1e-3)",
        &series,
        true,
    )
    .map_err(|e| e.to_string())
}

/// Escape text for HTML.
fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A self-contained HTML report: verdict, summary, worst elements, the figure.
pub fn html(c: &Certificate, title: &str) -> Result<String, String> {
    let fig = svg(c, title)?;
    let mut o = String::new();
    let _ = writeln!(
        o,
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{}</title></head><body>",
        esc(title)
    );
    let _ = writeln!(o, "<h1>{}</h1>", esc(title));
    let _ = writeln!(
        o,
        "<p><b>verdict: {}</b> — {} of {} checked elements within the any-order bound \
         ({} failed, {} in {} near-tie rows); rows checked {} of {}{}; max error {:.3e} \
         ({:.2} ulps), ratio to the bound p50 {:.3e}, max {:.3e}.</p>",
        c.verdict,
        c.passed,
        c.elements_checked,
        c.failed,
        c.near_tie_elements,
        c.near_tie_rows,
        c.rows_checked,
        c.rows_total,
        if c.sampled { " (sampled)" } else { "" },
        c.max_error,
        c.error_ulps.max,
        c.ratio.p50,
        c.ratio.max
    );
    for f in &c.findings {
        let _ = writeln!(o, "<p><b>finding:</b> {}</p>", esc(f));
    }
    o.push_str("<table border=\"1\" cellpadding=\"3\"><tr><th>batch</th><th>head</th><th>query</th><th>coord</th><th>output</th><th>exact</th><th>error (ulps)</th><th>bound (ulps)</th><th>within</th></tr>\n");
    for e in &c.worst {
        let _ = writeln!(
            o,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{:e}</td><td>[{:e}, {:e}]</td><td>{:.3}</td><td>{:.3}</td><td>{}</td></tr>",
            e.batch, e.head, e.query, e.coord, e.output, e.exact_lo, e.exact_hi, e.error_ulps,
            e.bound_ulps, e.within_bound
        );
    }
    o.push_str("</table>\n");
    o.push_str(&fig);
    o.push_str("</body></html>\n");
    Ok(o)
}
