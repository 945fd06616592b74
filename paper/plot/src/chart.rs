//! Publication charts: line charts with integer, linear or decade axes, heat maps with a colour
//! bar, and labelled cell maps, all in the Okabe–Ito palette.
//!
//! ## Main items
//!
//! - [`LineChart`], [`Curve`], [`Axis`], [`Style`]: a line chart ([`LineChart::svg`]).
//! - [`HeatMap`]: values on a grid, decade colour scale, polygon walls drawn on top.
//! - [`CellMap`], [`Cell`]: convex cells filled by class, labelled at their centroids.
//! - [`OKABE_ITO`]: the palette; [`FONT_FAMILY`]: the one font named in every figure.
//!
//! ## Implementation notes
//!
//! Sizes are in points (1 SVG user unit = 1 pt once converted to PDF at 72 dpi): the default
//! width 252 pt is one column of a two-column page (3.5 in). Integer axes get integer ticks only;
//! log axes span whole decades and get a labelled tick at each decade (every second one past ten
//! decades) plus unlabelled minor ticks at 2..9. Numbers are written with a fixed number of
//! decimals, so the same data give the same bytes.
//!
//! ## References
//!
//! - M. Okabe, K. Ito, *Color Universal Design* (2008): the eight-colour palette.

use std::fmt::Write as _;

use crate::svg::{escape, FigureError};

/// The font family named by every figure (the paper embeds DejaVu Sans when converting to PDF).
pub const FONT_FAMILY: &str = "DejaVu Sans";

/// Okabe–Ito colour-blind-safe palette, black last.
pub const OKABE_ITO: [&str; 8] = [
    "#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000",
];

/// How an axis maps data to the page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Axis {
    /// Linear with "nice" ticks (1, 2, 5 × 10^k).
    Linear,
    /// Linear with integer ticks only (for counts such as N, H, d, L).
    Integer,
    /// Base-10 logarithmic with decade ticks; every value must be > 0.
    Log,
}

/// How a curve is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// Solid line with markers (measured data).
    Measured,
    /// Dashed line without markers (a formula or bound).
    Bound,
    /// Markers only.
    Points,
}

/// One curve of a line chart.
#[derive(Clone, Debug, PartialEq)]
pub struct Curve {
    /// Legend entry.
    pub name: String,
    /// Points `(x, y)`, drawn in the given order.
    pub points: Vec<(f64, f64)>,
    /// Drawing style.
    pub style: Style,
    /// Index into [`OKABE_ITO`] (`None`: the curve's own index), so that a formula can share
    /// the colour of the data it describes.
    pub colour: Option<usize>,
}

/// A line chart. Build it with [`LineChart::new`], draw it with [`LineChart::svg`].
#[derive(Clone, Debug, PartialEq)]
pub struct LineChart {
    /// Optional title drawn above the plot (figures for the paper leave it empty: the caption
    /// says it).
    pub title: String,
    /// x label, with units.
    pub x_label: String,
    /// y label, with units.
    pub y_label: String,
    /// x axis kind.
    pub x_axis: Axis,
    /// y axis kind.
    pub y_axis: Axis,
    /// Curves; colour `i` of [`OKABE_ITO`] goes to curve `i`.
    pub curves: Vec<Curve>,
    /// Width in pt.
    pub width: f64,
    /// Height in pt, without the legend (which adds 11 pt per row above the plot).
    pub height: f64,
}

impl LineChart {
    /// A one-column (252 × 180 pt) chart with no title and no curves.
    pub fn new(x_label: &str, y_label: &str, x_axis: Axis, y_axis: Axis) -> Self {
        LineChart {
            title: String::new(),
            x_label: x_label.into(),
            y_label: y_label.into(),
            x_axis,
            y_axis,
            curves: Vec::new(),
            width: 252.0,
            height: 180.0,
        }
    }

    /// Add a curve (builder style).
    pub fn curve(mut self, name: &str, points: Vec<(f64, f64)>, style: Style) -> Self {
        self.curves.push(Curve {
            name: name.into(),
            points,
            style,
            colour: None,
        });
        self
    }

    /// Add a curve drawn in colour `colour` of [`OKABE_ITO`] (builder style).
    pub fn curve_in(
        mut self,
        name: &str,
        points: Vec<(f64, f64)>,
        style: Style,
        colour: usize,
    ) -> Self {
        self.curves.push(Curve {
            name: name.into(),
            points,
            style,
            colour: Some(colour % OKABE_ITO.len()),
        });
        self
    }

    /// The SVG text. Errors: no point, a non-finite coordinate, a value ≤ 0 on a log axis, more
    /// curves than colours.
    pub fn svg(&self) -> Result<String, FigureError> {
        let bad = |reason: String| FigureError::BadInput {
            what: format!("line chart {:?}", self.y_label),
            reason,
        };
        let all: Vec<(f64, f64)> = self
            .curves
            .iter()
            .flat_map(|c| c.points.iter().copied())
            .collect();
        if all.is_empty() {
            return Err(bad("no points".into()));
        }
        if self.curves.len() > 12 {
            return Err(bad(format!(
                "{} curves, at most 12 fit a legend",
                self.curves.len()
            )));
        }
        if all.iter().any(|(x, y)| !x.is_finite() || !y.is_finite()) {
            return Err(bad("a coordinate is not finite".into()));
        }
        if self.x_axis == Axis::Log && all.iter().any(|&(x, _)| x <= 0.0) {
            return Err(bad("log x axis needs x > 0".into()));
        }
        if self.y_axis == Axis::Log && all.iter().any(|&(_, y)| y <= 0.0) {
            return Err(bad("log y axis needs y > 0".into()));
        }
        let xs = Scale::fit(self.x_axis, all.iter().map(|p| p.0));
        let ys = Scale::fit(self.y_axis, all.iter().map(|p| p.1));
        let cols = if self.curves.len() > 4 { 2 } else { 1 };
        let legend_rows = self.curves.len().div_ceil(cols);
        let legend_h = 11.0 * legend_rows as f64 + 4.0;
        let top = if self.title.is_empty() { 8.0 } else { 22.0 } + legend_h;
        let total_h = self.height + legend_h;
        let plot = Plot {
            left: 46.0,
            right: self.width - 8.0,
            top,
            bottom: total_h - 30.0,
        };
        let col_w = (plot.right - plot.left) / cols as f64;
        let mut out = open_svg(self.width, total_h);
        if !self.title.is_empty() {
            let _ = writeln!(
                out,
                r#"<text x="{:.2}" y="14" font-size="10" text-anchor="middle">{}</text>"#,
                self.width / 2.0,
                escape(&self.title)
            );
        }
        axes(&mut out, &plot, &xs, &ys, &self.x_label, &self.y_label);
        let clip_id = "plot-area";
        let _ = writeln!(
            out,
            r#"<clipPath id="{clip_id}"><rect x="{:.2}" y="{:.2}" width="{:.2}" height="{:.2}"/></clipPath>"#,
            plot.left,
            plot.top,
            plot.right - plot.left,
            plot.bottom - plot.top
        );
        let _ = writeln!(out, r#"<g clip-path="url(#{clip_id})">"#);
        for (i, c) in self.curves.iter().enumerate() {
            let colour = OKABE_ITO[c.colour.unwrap_or(i) % OKABE_ITO.len()];
            let pts: Vec<(f64, f64)> = c
                .points
                .iter()
                .map(|&(x, y)| (plot.px(&xs, x), plot.py(&ys, y)))
                .collect();
            if c.style != Style::Points && pts.len() > 1 {
                let d: Vec<String> = pts.iter().map(|(x, y)| format!("{x:.2},{y:.2}")).collect();
                let dash = if c.style == Style::Bound {
                    r#" stroke-dasharray="4,2""#
                } else {
                    ""
                };
                let _ = writeln!(
                    out,
                    r#"<polyline points="{}" fill="none" stroke="{colour}" stroke-width="1.2"{dash}/>"#,
                    d.join(" ")
                );
            }
            if c.style != Style::Bound {
                for (x, y) in &pts {
                    let _ = writeln!(out, "{}", marker(i, *x, *y, colour));
                }
            }
        }
        out.push_str("</g>\n");
        // Legend: one row per curve above the plot.
        for (i, c) in self.curves.iter().enumerate() {
            let y = top - legend_h + 4.0 + 11.0 * (i / cols) as f64;
            let x = plot.left + 4.0 + col_w * (i % cols) as f64;
            let colour = OKABE_ITO[c.colour.unwrap_or(i) % OKABE_ITO.len()];
            let dash = if c.style == Style::Bound {
                r#" stroke-dasharray="4,2""#
            } else {
                ""
            };
            if c.style != Style::Points {
                let _ = writeln!(
                    out,
                    r#"<line x1="{x:.2}" y1="{y:.2}" x2="{:.2}" y2="{y:.2}" stroke="{colour}" stroke-width="1.2"{dash}/>"#,
                    x + 16.0
                );
            }
            if c.style != Style::Bound {
                let _ = writeln!(out, "{}", marker(i, x + 8.0, y, colour));
            }
            let _ = writeln!(
                out,
                r#"<text x="{:.2}" y="{:.2}" font-size="8">{}</text>"#,
                x + 20.0,
                y + 3.0,
                escape(&c.name)
            );
        }
        out.push_str("</svg>\n");
        Ok(out)
    }
}

/// A marker shape per curve index (circle, square, triangle, diamond, …), so curves differ
/// without colour too.
fn marker(i: usize, x: f64, y: f64, colour: &str) -> String {
    let r = 2.2;
    match i % 4 {
        0 => format!(r#"<circle cx="{x:.2}" cy="{y:.2}" r="{r}" fill="{colour}"/>"#),
        1 => format!(
            r#"<rect x="{:.2}" y="{:.2}" width="{:.2}" height="{:.2}" fill="{colour}"/>"#,
            x - r,
            y - r,
            2.0 * r,
            2.0 * r
        ),
        2 => format!(
            r#"<polygon points="{:.2},{:.2} {:.2},{:.2} {:.2},{:.2}" fill="{colour}"/>"#,
            x,
            y - r * 1.2,
            x + r * 1.1,
            y + r * 0.8,
            x - r * 1.1,
            y + r * 0.8
        ),
        _ => format!(
            r#"<polygon points="{:.2},{:.2} {:.2},{:.2} {:.2},{:.2} {:.2},{:.2}" fill="{colour}"/>"#,
            x,
            y - r * 1.3,
            x + r * 1.3,
            y,
            x,
            y + r * 1.3,
            x - r * 1.3,
            y
        ),
    }
}

/// An axis fitted to data: the range in axis coordinates (log10 for [`Axis::Log`]) and ticks.
#[derive(Clone, Debug, PartialEq)]
pub struct Scale {
    kind: Axis,
    lo: f64,
    hi: f64,
    /// Labelled ticks: position in axis coordinates and label.
    pub major: Vec<(f64, String)>,
    /// Unlabelled ticks in axis coordinates.
    pub minor: Vec<f64>,
}

impl Scale {
    /// A linear scale on exactly `[lo, hi]` (no padding), with the labelled ticks of
    /// [`Scale::fit`] that fall inside it.
    fn exact((lo, hi): (f64, f64)) -> Scale {
        let fit = Scale::fit(Axis::Linear, [lo, hi].into_iter());
        Scale {
            lo,
            hi,
            major: fit
                .major
                .into_iter()
                .filter(|(t, _)| *t >= lo - 1e-12 && *t <= hi + 1e-12)
                .collect(),
            ..fit
        }
    }
    /// Fit an axis of kind `kind` to the values (finite, and > 0 for a log axis).
    pub fn fit(kind: Axis, values: impl Iterator<Item = f64>) -> Scale {
        let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
        for v in values {
            let v = if kind == Axis::Log { v.log10() } else { v };
            lo = lo.min(v);
            hi = hi.max(v);
        }
        if !lo.is_finite() {
            (lo, hi) = (0.0, 1.0);
        }
        match kind {
            Axis::Log => {
                let (a, b) = (lo.floor() as i32, hi.ceil() as i32);
                let b = if a == b { a + 1 } else { b };
                let every = if b - a > 10 { 2 } else { 1 };
                let major = (a..=b)
                    .filter(|e| (e - a) % every == 0)
                    .map(|e| (f64::from(e), decade_label(e)))
                    .collect();
                let minor = if b - a <= 6 {
                    (a..b)
                        .flat_map(|e| (2..10).map(move |m| f64::from(e) + f64::from(m).log10()))
                        .collect()
                } else {
                    Vec::new()
                };
                Scale {
                    kind,
                    lo: f64::from(a),
                    hi: f64::from(b),
                    major,
                    minor,
                }
            }
            Axis::Integer => {
                let (a, b) = (lo.floor(), hi.ceil());
                let span = (b - a).max(1.0);
                let step = nice_step(span / 6.0).max(1.0).round();
                let first = (a / step).ceil() * step;
                let mut major = Vec::new();
                let mut t = first;
                while t <= b + 1e-9 {
                    major.push((t, format!("{}", t as i64)));
                    t += step;
                }
                let pad = 0.5_f64.min(span * 0.05).max(0.25);
                Scale {
                    kind,
                    lo: a - pad,
                    hi: b + pad,
                    major,
                    minor: Vec::new(),
                }
            }
            Axis::Linear => {
                let span = if hi > lo { hi - lo } else { 1.0 };
                let (lo, hi) = (lo - 0.04 * span, hi + 0.04 * span);
                let step = nice_step((hi - lo) / 5.0);
                let decimals = (-step.log10().floor()).max(0.0) as usize;
                let mut major = Vec::new();
                let mut k = (lo / step).ceil() as i64;
                while (k as f64) * step <= hi + 1e-12 {
                    let t = k as f64 * step;
                    major.push((t, format!("{t:.decimals$}")));
                    k += 1;
                }
                Scale {
                    kind,
                    lo,
                    hi,
                    major,
                    minor: Vec::new(),
                }
            }
        }
    }

    /// Map a data value to `[0, 1]` along the axis.
    pub fn unit(&self, v: f64) -> f64 {
        let v = if self.kind == Axis::Log { v.log10() } else { v };
        (v - self.lo) / (self.hi - self.lo)
    }
}

/// `10^e` with a superscript exponent (`10⁻³`).
pub fn decade_label(e: i32) -> String {
    const SUP: [char; 10] = ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];
    let mut s = String::from("10");
    if e < 0 {
        s.push('⁻');
    }
    for c in e.unsigned_abs().to_string().chars() {
        s.push(SUP[c.to_digit(10).unwrap_or(0) as usize]);
    }
    s
}

/// The smallest of 1, 2, 5 × 10^k that is ≥ `raw`.
fn nice_step(raw: f64) -> f64 {
    let raw = if raw > 0.0 && raw.is_finite() {
        raw
    } else {
        1.0
    };
    let mag = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw * (1.0 - 1e-12))
        .unwrap_or(10.0 * mag)
}

/// The plot rectangle in page coordinates.
struct Plot {
    left: f64,
    right: f64,
    top: f64,
    bottom: f64,
}

impl Plot {
    fn px(&self, s: &Scale, x: f64) -> f64 {
        self.left + s.unit(x) * (self.right - self.left)
    }
    fn py(&self, s: &Scale, y: f64) -> f64 {
        self.bottom - s.unit(y) * (self.bottom - self.top)
    }
    fn px_axis(&self, s: &Scale, t: f64) -> f64 {
        self.left + (t - s.lo) / (s.hi - s.lo) * (self.right - self.left)
    }
    fn py_axis(&self, s: &Scale, t: f64) -> f64 {
        self.bottom - (t - s.lo) / (s.hi - s.lo) * (self.bottom - self.top)
    }
}

fn open_svg(w: f64, h: f64) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}pt" height="{h}pt" viewBox="0 0 {w} {h}" font-family="{FONT_FAMILY}">"#
    );
    let _ = writeln!(out, r#"<rect width="{w}" height="{h}" fill="white"/>"#);
    out
}

/// Frame, ticks and labels of a plot.
fn axes(out: &mut String, p: &Plot, xs: &Scale, ys: &Scale, xl: &str, yl: &str) {
    let _ = writeln!(
        out,
        r#"<rect x="{:.2}" y="{:.2}" width="{:.2}" height="{:.2}" fill="none" stroke="black" stroke-width="0.6"/>"#,
        p.left,
        p.top,
        p.right - p.left,
        p.bottom - p.top
    );
    for (t, label) in &xs.major {
        let x = p.px_axis(xs, *t);
        let _ = writeln!(
            out,
            r#"<line x1="{x:.2}" y1="{:.2}" x2="{x:.2}" y2="{:.2}" stroke="black" stroke-width="0.6"/><text x="{x:.2}" y="{:.2}" font-size="8" text-anchor="middle">{}</text>"#,
            p.bottom,
            p.bottom + 3.0,
            p.bottom + 11.0,
            escape(label)
        );
    }
    for t in &xs.minor {
        let x = p.px_axis(xs, *t);
        let _ = writeln!(
            out,
            r#"<line x1="{x:.2}" y1="{:.2}" x2="{x:.2}" y2="{:.2}" stroke="black" stroke-width="0.4"/>"#,
            p.bottom,
            p.bottom + 1.8
        );
    }
    for (t, label) in &ys.major {
        let y = p.py_axis(ys, *t);
        let _ = writeln!(
            out,
            r#"<line x1="{:.2}" y1="{y:.2}" x2="{:.2}" y2="{y:.2}" stroke="black" stroke-width="0.6"/><text x="{:.2}" y="{:.2}" font-size="8" text-anchor="end">{}</text>"#,
            p.left - 3.0,
            p.left,
            p.left - 4.5,
            y + 2.8,
            escape(label)
        );
    }
    for t in &ys.minor {
        let y = p.py_axis(ys, *t);
        let _ = writeln!(
            out,
            r#"<line x1="{:.2}" y1="{y:.2}" x2="{:.2}" y2="{y:.2}" stroke="black" stroke-width="0.4"/>"#,
            p.left - 1.8,
            p.left
        );
    }
    let _ = writeln!(
        out,
        r#"<text x="{:.2}" y="{:.2}" font-size="8.5" text-anchor="middle">{}</text>"#,
        (p.left + p.right) / 2.0,
        p.bottom + 23.0,
        escape(xl)
    );
    let (yx, yy) = (11.0, (p.top + p.bottom) / 2.0);
    let _ = writeln!(
        out,
        r#"<text x="{yx:.2}" y="{yy:.2}" font-size="8.5" text-anchor="middle" transform="rotate(-90 {yx:.2} {yy:.2})">{}</text>"#,
        escape(yl)
    );
}

/// One convex cell of a [`CellMap`].
#[derive(Clone, Debug, PartialEq)]
pub struct Cell {
    /// Vertices in cyclic order (data coordinates).
    pub vertices: Vec<(f64, f64)>,
    /// Text at the centroid (empty for none).
    pub label: String,
    /// Colour class: index into [`OKABE_ITO`] modulo its length.
    pub class: usize,
}

/// A map of convex cells with equal scales on both axes (a power diagram, a refinement).
#[derive(Clone, Debug, PartialEq)]
pub struct CellMap {
    /// The cells.
    pub cells: Vec<Cell>,
    /// x label (with units).
    pub x_label: String,
    /// y label (with units).
    pub y_label: String,
    /// Lines of text listed under the map (e.g. the keys that own no cell).
    pub notes: Vec<String>,
    /// Side of the square plot in pt.
    pub size: f64,
    /// Whether to write the labels.
    pub show_labels: bool,
}

impl CellMap {
    /// The SVG text: exactly one `<polygon class="cell">` per cell. Errors: no cell, a cell with
    /// fewer than 3 vertices, a non-finite coordinate.
    pub fn svg(&self) -> Result<String, FigureError> {
        let bad = |reason: String| FigureError::BadInput {
            what: "cell map".into(),
            reason,
        };
        if self.cells.is_empty() {
            return Err(bad("no cells".into()));
        }
        for (i, c) in self.cells.iter().enumerate() {
            if c.vertices.len() < 3 {
                return Err(bad(format!("cell {i} has {} vertices", c.vertices.len())));
            }
            if c.vertices
                .iter()
                .any(|(x, y)| !x.is_finite() || !y.is_finite())
            {
                return Err(bad(format!("cell {i} has a non-finite coordinate")));
            }
        }
        let xs = Scale::fit(
            Axis::Linear,
            self.cells
                .iter()
                .flat_map(|c| c.vertices.iter().map(|v| v.0)),
        );
        let ys = Scale::fit(
            Axis::Linear,
            self.cells
                .iter()
                .flat_map(|c| c.vertices.iter().map(|v| v.1)),
        );
        let side = self.size;
        let notes_h = 10.0 * self.notes.len() as f64;
        let (w, h) = (side + 54.0, side + 40.0 + notes_h);
        let p = Plot {
            left: 46.0,
            right: 46.0 + side,
            top: 8.0,
            bottom: 8.0 + side,
        };
        let mut out = open_svg(w, h);
        for c in &self.cells {
            let pts: Vec<String> = c
                .vertices
                .iter()
                .map(|&(x, y)| format!("{:.2},{:.2}", p.px(&xs, x), p.py(&ys, y)))
                .collect();
            let _ = writeln!(
                out,
                r#"<polygon class="cell" points="{}" fill="{}" stroke="black" stroke-width="0.5"/>"#,
                pts.join(" "),
                tint(OKABE_ITO[c.class % OKABE_ITO.len()], 0.55)
            );
        }
        if self.show_labels {
            for c in self.cells.iter().filter(|c| !c.label.is_empty()) {
                let (cx, cy) = centroid(&c.vertices);
                let _ = writeln!(
                    out,
                    r#"<text x="{:.2}" y="{:.2}" font-size="7" text-anchor="middle">{}</text>"#,
                    p.px(&xs, cx),
                    p.py(&ys, cy) + 2.5,
                    escape(&c.label)
                );
            }
        }
        axes(&mut out, &p, &xs, &ys, &self.x_label, &self.y_label);
        for (i, n) in self.notes.iter().enumerate() {
            let _ = writeln!(
                out,
                r#"<text x="4" y="{:.2}" font-size="7.5">{}</text>"#,
                side + 44.0 + 10.0 * i as f64,
                escape(n)
            );
        }
        out.push_str("</svg>\n");
        Ok(out)
    }
}

/// `colour` (`#rrggbb`) mixed with white: `alpha · colour + (1 − alpha) · white`, opaque (no
/// transparency groups in the PDF, whose resource order would not be deterministic).
pub fn tint(colour: &str, alpha: f64) -> String {
    let ch = |i: usize| u8::from_str_radix(colour.get(i..i + 2).unwrap_or("00"), 16).unwrap_or(0);
    let mix = |c: u8| (alpha * f64::from(c) + (1.0 - alpha) * 255.0).round() as u8;
    format!("#{:02x}{:02x}{:02x}", mix(ch(1)), mix(ch(3)), mix(ch(5)))
}

/// Area centroid of a simple polygon (vertex mean when the area is ~0).
pub fn centroid(v: &[(f64, f64)]) -> (f64, f64) {
    let (mut a, mut cx, mut cy) = (0.0, 0.0, 0.0);
    for i in 0..v.len() {
        let (x0, y0) = v[i];
        let (x1, y1) = v[(i + 1) % v.len()];
        let c = x0 * y1 - x1 * y0;
        a += c;
        cx += (x0 + x1) * c;
        cy += (y0 + y1) * c;
    }
    if a.abs() < 1e-12 {
        let n = v.len() as f64;
        return (
            v.iter().map(|p| p.0).sum::<f64>() / n,
            v.iter().map(|p| p.1).sum::<f64>() / n,
        );
    }
    (cx / (3.0 * a), cy / (3.0 * a))
}

/// Values on a regular grid drawn as a heat map on a decade colour scale, with walls (polygon
/// outlines) on top.
#[derive(Clone, Debug, PartialEq)]
pub struct HeatMap {
    /// `values[row][col]`, row 0 at the bottom (y = `y_range.0`); each > 0.
    pub values: Vec<Vec<f64>>,
    /// Data range of x.
    pub x_range: (f64, f64),
    /// Data range of y.
    pub y_range: (f64, f64),
    /// Colour scale range as decades `(lo, hi)`: values are clamped to `[10^lo, 10^hi]`.
    pub decades: (i32, i32),
    /// Outlines drawn on top (data coordinates, closed).
    pub walls: Vec<Vec<(f64, f64)>>,
    /// Title of the panel (e.g. `τ = 0.1`).
    pub title: String,
    /// Colour bar label.
    pub bar_label: String,
    /// x label.
    pub x_label: String,
    /// y label.
    pub y_label: String,
    /// Side of the square plot in pt.
    pub size: f64,
}

/// A colour-blind-safe sequential scale (cividis, sampled at 9 points), `t ∈ [0, 1]`.
pub fn cividis(t: f64) -> String {
    const C: [(f64, f64, f64); 9] = [
        (0.0, 34.0, 78.0),
        (35.0, 51.0, 108.0),
        (61.0, 77.0, 110.0),
        (87.0, 99.0, 110.0),
        (112.0, 121.0, 115.0),
        (139.0, 142.0, 120.0),
        (170.0, 165.0, 115.0),
        (205.0, 190.0, 98.0),
        (253.0, 231.0, 55.0),
    ];
    let t = t.clamp(0.0, 1.0) * 8.0;
    let i = (t.floor() as usize).min(7);
    let f = t - i as f64;
    let mix = |a: f64, b: f64| (a + (b - a) * f).round() as u8;
    let (a, b) = (C[i], C[i + 1]);
    format!(
        "#{:02x}{:02x}{:02x}",
        mix(a.0, b.0),
        mix(a.1, b.1),
        mix(a.2, b.2)
    )
}

impl HeatMap {
    /// The SVG text. Errors: an empty or ragged grid, a value that is not finite and > 0, an
    /// empty range.
    pub fn svg(&self) -> Result<String, FigureError> {
        let bad = |reason: String| FigureError::BadInput {
            what: format!("heat map {:?}", self.title),
            reason,
        };
        let rows = self.values.len();
        let cols = self.values.first().map_or(0, Vec::len);
        if rows == 0 || cols == 0 || self.values.iter().any(|r| r.len() != cols) {
            return Err(bad("empty or ragged grid".into()));
        }
        if self
            .values
            .iter()
            .flatten()
            .any(|v| !v.is_finite() || *v <= 0.0)
        {
            return Err(bad("values must be finite and > 0".into()));
        }
        let (lo, hi) = self.decades;
        if lo >= hi || self.x_range.0 >= self.x_range.1 || self.y_range.0 >= self.y_range.1 {
            return Err(bad("empty range".into()));
        }
        let side = self.size;
        let p = Plot {
            left: 40.0,
            right: 40.0 + side,
            top: 18.0,
            bottom: 18.0 + side,
        };
        // Exact ranges (no padding): the grid fills the plot.
        let xs = Scale::exact(self.x_range);
        let ys = Scale::exact(self.y_range);
        let (w, h) = (side + 100.0, side + 46.0);
        let mut out = open_svg(w, h);
        let _ = writeln!(
            out,
            r#"<text x="{:.2}" y="12" font-size="9" text-anchor="middle">{}</text>"#,
            (p.left + p.right) / 2.0,
            escape(&self.title)
        );
        let (cw, ch) = (side / cols as f64, side / rows as f64);
        for (r, row) in self.values.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                let t = (v.log10() - f64::from(lo)) / f64::from(hi - lo);
                let _ = writeln!(
                    out,
                    r#"<rect x="{:.2}" y="{:.2}" width="{:.2}" height="{:.2}" fill="{}"/>"#,
                    p.left + c as f64 * cw,
                    p.bottom - (r + 1) as f64 * ch,
                    cw + 0.05,
                    ch + 0.05,
                    cividis(t)
                );
            }
        }
        for wall in &self.walls {
            let pts: Vec<String> = wall
                .iter()
                .map(|&(x, y)| format!("{:.2},{:.2}", p.px(&xs, x), p.py(&ys, y)))
                .collect();
            let _ = writeln!(
                out,
                r#"<polygon class="wall" points="{}" fill="none" stroke="white" stroke-width="0.8"/>"#,
                pts.join(" ")
            );
        }
        axes(&mut out, &p, &xs, &ys, &self.x_label, &self.y_label);
        // Colour bar.
        let (bx, bw) = (p.right + 12.0, 8.0);
        let steps = 32;
        for i in 0..steps {
            let t0 = i as f64 / steps as f64;
            let _ = writeln!(
                out,
                r#"<rect x="{bx:.2}" y="{:.2}" width="{bw}" height="{:.2}" fill="{}"/>"#,
                p.bottom - (i + 1) as f64 * side / steps as f64,
                side / steps as f64 + 0.05,
                cividis(t0 + 0.5 / steps as f64)
            );
        }
        let every = if hi - lo > 8 { 2 } else { 1 };
        for e in (lo..=hi).filter(|e| (e - lo) % every == 0) {
            let y = p.bottom - f64::from(e - lo) / f64::from(hi - lo) * side;
            let _ = writeln!(
                out,
                r#"<line x1="{:.2}" y1="{y:.2}" x2="{:.2}" y2="{y:.2}" stroke="black" stroke-width="0.6"/><text x="{:.2}" y="{:.2}" font-size="7.5">{}</text>"#,
                bx + bw,
                bx + bw + 2.5,
                bx + bw + 4.0,
                y + 2.6,
                decade_label(e)
            );
        }
        let (lx, ly) = (w - 6.0, (p.top + p.bottom) / 2.0);
        let _ = writeln!(
            out,
            r#"<text x="{lx:.2}" y="{ly:.2}" font-size="8" text-anchor="middle" transform="rotate(-90 {lx:.2} {ly:.2})">{}</text>"#,
            escape(&self.bar_label)
        );
        out.push_str("</svg>\n");
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integer_axis_has_integer_ticks_only() {
        let s = Scale::fit(Axis::Integer, [1.0, 3.0].into_iter());
        let labels: Vec<&str> = s.major.iter().map(|(_, l)| l.as_str()).collect();
        assert_eq!(labels, ["1", "2", "3"]);
        let s = Scale::fit(Axis::Integer, [1.0, 40.0].into_iter());
        assert!(s.major.iter().all(|(t, _)| t.fract() == 0.0));
        assert!(s.major.len() >= 4, "{:?}", s.major);
    }

    #[test]
    fn log_axis_has_decade_ticks() {
        let s = Scale::fit(Axis::Log, [3.0, 2000.0].into_iter());
        let labels: Vec<&str> = s.major.iter().map(|(_, l)| l.as_str()).collect();
        assert_eq!(labels, ["10⁰", "10¹", "10²", "10³", "10⁴"]);
        assert_eq!(decade_label(-12), "10⁻¹²");
    }

    #[test]
    fn chart_errors_on_bad_input() {
        let c = LineChart::new("x", "y", Axis::Integer, Axis::Log);
        assert!(c.svg().is_err());
        let c = c.curve("a", vec![(1.0, 0.0)], Style::Measured);
        assert!(c.svg().unwrap_err().to_string().contains("y > 0"));
    }

    #[test]
    fn cell_map_draws_one_polygon_per_cell() {
        let sq = |x: f64| Cell {
            vertices: vec![(x, 0.0), (x + 1.0, 0.0), (x + 1.0, 1.0), (x, 1.0)],
            label: format!("{x}"),
            class: x as usize,
        };
        let m = CellMap {
            cells: vec![sq(0.0), sq(1.0), sq(2.0)],
            x_label: "t1".into(),
            y_label: "t2".into(),
            notes: vec![],
            size: 100.0,
            show_labels: true,
        };
        assert_eq!(m.svg().unwrap().matches(r#"class="cell""#).count(), 3);
        assert_eq!(centroid(&sq(0.0).vertices), (0.5, 0.5));
    }
}
