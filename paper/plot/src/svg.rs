//! SVG figures, written directly as SVG text.
//!
//! We write the SVG ourselves instead of going through `plotters`: plotters renders text only
//! with a font backend (system fontconfig or a bundled TTF), and without one it silently drops
//! every label. Hand-written SVG needs no fonts (the viewer renders the text), is deterministic
//! (snapshot-testable), and stays small.

use std::fmt::Write as _;
use std::path::Path;

use crate::chart::{Axis, LineChart, Style};

/// Errors from drawing a figure.
#[derive(Debug, thiserror::Error)]
pub enum FigureError {
    /// Nothing to draw, or coordinates that are not finite.
    #[error("cannot draw {what}: {reason}")]
    BadInput {
        /// Which figure.
        what: String,
        /// Why.
        reason: String,
    },
    /// The file could not be written.
    #[error("writing {path} failed: {reason}")]
    Io {
        /// Output path.
        path: String,
        /// The OS message.
        reason: String,
    },
}

/// A polygon with a label; polygons with the same `color_key` get the same colour.
#[derive(Debug, Clone, PartialEq)]
pub struct LabelledPolygon {
    /// Vertices in cyclic order (display coordinates).
    pub vertices: Vec<(f64, f64)>,
    /// Text drawn at the centroid (empty for none).
    pub label: String,
    /// Colour class (e.g. a hash of the cell's label tuple).
    pub color_key: u64,
}

/// One named series of a line chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// Legend entry.
    pub name: String,
    /// Points `(x, y)`, drawn in the given order.
    pub points: Vec<(f64, f64)>,
}

/// A colour `#rrggbb` for a class key: golden-ratio hue walk, so neighbouring keys differ clearly.
pub fn color_for(key: u64) -> String {
    let h = ((key % 1_000_003) as f64 * 0.618_033_988_75).fract();
    let (s, v) = (0.55, 0.92);
    let i = (h * 6.0).floor();
    let f = h * 6.0 - i;
    let (p, q, t) = (v * (1.0 - s), v * (1.0 - f * s), v * (1.0 - (1.0 - f) * s));
    let (r, g, b) = match i as u32 % 6 {
        0 => (v, t, p),
        1 => (q, v, p),
        2 => (p, v, t),
        3 => (p, q, v),
        4 => (t, p, v),
        _ => (v, p, q),
    };
    format!(
        "#{:02x}{:02x}{:02x}",
        (r * 255.0) as u8,
        (g * 255.0) as u8,
        (b * 255.0) as u8
    )
}

/// Escape text for SVG.
pub(crate) fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Data bounds, padded by 4% (a zero-width range is widened).
fn bounds(pts: &[(f64, f64)]) -> (f64, f64, f64, f64) {
    let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    for &(x, y) in pts {
        x0 = x0.min(x);
        x1 = x1.max(x);
        y0 = y0.min(y);
        y1 = y1.max(y);
    }
    let pad = |a: f64, b: f64| {
        let w = ((b - a).abs() * 0.04).max(1e-9);
        (a - w, b + w)
    };
    let (x0, x1) = pad(x0, x1);
    let (y0, y1) = pad(y0, y1);
    (x0, x1, y0, y1)
}

/// "Nice" tick positions covering `[lo, hi]` (about `n` of them).
fn ticks(lo: f64, hi: f64, n: usize) -> Vec<f64> {
    let raw = (hi - lo) / n.max(1) as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag);
    let mut t = (lo / step).ceil() * step;
    let mut out = Vec::new();
    while t <= hi + step * 1e-9 && out.len() < 50 {
        out.push(if t.abs() < step * 1e-9 { 0.0 } else { t });
        t += step;
    }
    out
}

fn fmt_tick(v: f64) -> String {
    if v != 0.0 && (v.abs() >= 1e5 || v.abs() < 1e-3) {
        format!("{v:.0e}")
    } else {
        let s = format!("{v:.3}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// Plot frame: maps data coordinates into a `w × h` canvas with margins.
struct Frame {
    w: f64,
    h: f64,
    left: f64,
    right: f64,
    top: f64,
    bottom: f64,
    x: (f64, f64),
    y: (f64, f64),
}

impl Frame {
    fn px(&self, x: f64) -> f64 {
        self.left + (x - self.x.0) / (self.x.1 - self.x.0) * (self.w - self.left - self.right)
    }
    fn py(&self, y: f64) -> f64 {
        self.h
            - self.bottom
            - (y - self.y.0) / (self.y.1 - self.y.0) * (self.h - self.top - self.bottom)
    }
    /// Header, title, axes box and tick labels (`ylab` formats a y tick).
    fn open(
        &self,
        out: &mut String,
        title: &str,
        xt: &[f64],
        yt: &[f64],
        ylab: &dyn Fn(f64) -> String,
    ) {
        let _ = writeln!(
            out,
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="sans-serif">"#,
            w = self.w,
            h = self.h
        );
        let _ = writeln!(out, r#"<rect width="100%" height="100%" fill="white"/>"#);
        let _ = writeln!(
            out,
            r#"<text x="{:.1}" y="22" font-size="18" text-anchor="middle">{}</text>"#,
            self.w / 2.0,
            escape(title)
        );
        let (l, r, t, b) = (
            self.left,
            self.w - self.right,
            self.top,
            self.h - self.bottom,
        );
        let _ = writeln!(
            out,
            r#"<rect x="{l:.1}" y="{t:.1}" width="{:.1}" height="{:.1}" fill="none" stroke="black"/>"#,
            r - l,
            b - t
        );
        for &v in xt {
            let x = self.px(v);
            let _ = writeln!(
                out,
                r#"<line x1="{x:.1}" y1="{b:.1}" x2="{x:.1}" y2="{:.1}" stroke="black"/><text x="{x:.1}" y="{:.1}" font-size="11" text-anchor="middle">{}</text>"#,
                b + 4.0,
                b + 17.0,
                fmt_tick(v)
            );
        }
        for &v in yt {
            let y = self.py(v);
            let _ = writeln!(
                out,
                r#"<line x1="{:.1}" y1="{y:.1}" x2="{l:.1}" y2="{y:.1}" stroke="black"/><text x="{:.1}" y="{:.1}" font-size="11" text-anchor="end">{}</text>"#,
                l - 4.0,
                l - 6.0,
                y + 4.0,
                ylab(v)
            );
        }
    }
}

fn write_file(path: &Path, svg: &str) -> Result<(), FigureError> {
    std::fs::write(path, svg).map_err(|e| FigureError::Io {
        path: path.display().to_string(),
        reason: e.to_string(),
    })
}

/// The SVG text of [`polygons`] (exposed for snapshot tests).
pub fn polygons_svg(polys: &[LabelledPolygon], title: &str) -> Result<String, FigureError> {
    let bad = |reason: String| FigureError::BadInput {
        what: format!("polygons {title:?}"),
        reason,
    };
    if polys.is_empty() {
        return Err(bad("no polygons".into()));
    }
    for (i, p) in polys.iter().enumerate() {
        if p.vertices.len() < 3 {
            return Err(bad(format!(
                "polygon {i} has {} vertices",
                p.vertices.len()
            )));
        }
        if p.vertices
            .iter()
            .any(|(x, y)| !x.is_finite() || !y.is_finite())
        {
            return Err(bad(format!("polygon {i} has a non-finite coordinate")));
        }
    }
    let all: Vec<(f64, f64)> = polys
        .iter()
        .flat_map(|p| p.vertices.iter().copied())
        .collect();
    let (x0, x1, y0, y1) = bounds(&all);
    // Equal scale on both axes: widen the shorter range.
    let (cx, cy, half) = (
        (x0 + x1) / 2.0,
        (y0 + y1) / 2.0,
        (x1 - x0).max(y1 - y0) / 2.0,
    );
    let f = Frame {
        w: 720.0,
        h: 720.0,
        left: 50.0,
        right: 20.0,
        top: 40.0,
        bottom: 30.0,
        x: (cx - half, cx + half),
        y: (cy - half, cy + half),
    };
    let mut out = String::new();
    f.open(
        &mut out,
        title,
        &ticks(f.x.0, f.x.1, 6),
        &ticks(f.y.0, f.y.1, 6),
        &fmt_tick,
    );
    for p in polys {
        let pts: Vec<String> = p
            .vertices
            .iter()
            .map(|&(x, y)| format!("{:.2},{:.2}", f.px(x), f.py(y)))
            .collect();
        let _ = writeln!(
            out,
            r#"<polygon points="{}" fill="{}" fill-opacity="0.8" stroke="black" stroke-width="1"/>"#,
            pts.join(" "),
            color_for(p.color_key)
        );
    }
    for p in polys.iter().filter(|p| !p.label.is_empty()) {
        let n = p.vertices.len() as f64;
        let cx = p.vertices.iter().map(|v| v.0).sum::<f64>() / n;
        let cy = p.vertices.iter().map(|v| v.1).sum::<f64>() / n;
        let _ = writeln!(
            out,
            r#"<text x="{:.2}" y="{:.2}" font-size="12" text-anchor="middle">{}</text>"#,
            f.px(cx),
            f.py(cy) + 4.0,
            escape(&p.label)
        );
    }
    out.push_str("</svg>\n");
    Ok(out)
}

/// Draw filled, outlined, labelled polygons (a 2D cell decomposition) to an SVG file, with equal
/// scales on both axes.
///
/// Errors when there is no polygon, a polygon has fewer than 3 vertices, or a coordinate is not
/// finite.
pub fn polygons(path: &Path, polys: &[LabelledPolygon], title: &str) -> Result<(), FigureError> {
    write_file(path, &polygons_svg(polys, title)?)
}

/// The SVG text of [`line_chart`] (exposed for snapshot tests): a [`crate::chart::LineChart`]
/// with a title, a linear x axis and a linear or decade y axis, every series drawn as measured.
pub fn line_chart_svg(
    title: &str,
    x_label: &str,
    y_label: &str,
    series: &[Series],
    log_y: bool,
) -> Result<String, FigureError> {
    let y_axis = if log_y { Axis::Log } else { Axis::Linear };
    let mut chart = LineChart::new(x_label, y_label, Axis::Linear, y_axis);
    chart.title = title.to_string();
    chart.width = 360.0;
    chart.height = 240.0;
    for s in series {
        chart = chart.curve(&s.name, s.points.clone(), Style::Measured);
    }
    chart.svg()
}

/// Draw a line chart with markers and a legend, one polyline per series, optionally with a
/// log-scale y axis.
///
/// Errors when there is no point, a coordinate is not finite, or (with `log_y`) a `y ≤ 0`.
pub fn line_chart(
    path: &Path,
    title: &str,
    x_label: &str,
    y_label: &str,
    series: &[Series],
    log_y: bool,
) -> Result<(), FigureError> {
    write_file(
        path,
        &line_chart_svg(title, x_label, y_label, series, log_y)?,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tmp(name: &str) -> std::path::PathBuf {
        let d = std::env::temp_dir().join(format!("tropical-paper-{}", std::process::id()));
        std::fs::create_dir_all(&d).unwrap();
        d.join(name)
    }

    #[test]
    fn polygons_draw_one_path_per_polygon_with_labels() {
        let p = tmp("two.svg");
        let tri = |dx: f64, key| LabelledPolygon {
            vertices: vec![(dx, 0.0), (dx + 1.0, 0.0), (dx, 1.0)],
            label: format!("c{key}"),
            color_key: key,
        };
        polygons(&p, &[tri(0.0, 0), tri(2.0, 1)], "two cells").unwrap();
        let s = std::fs::read_to_string(&p).unwrap();
        assert!(
            s.starts_with("<svg"),
            "not an SVG: {}",
            &s[..40.min(s.len())]
        );
        assert!(s.contains(">c0<") && s.contains(">c1<"), "labels missing");
        assert_eq!(
            s.matches("<polygon").count(),
            2,
            "one filled polygon per cell"
        );
        assert!(s.trim_end().ends_with("</svg>"));
    }

    #[test]
    fn bad_inputs_are_errors() {
        let p = tmp("bad.svg");
        assert!(polygons(&p, &[], "x").is_err());
        let degenerate = LabelledPolygon {
            vertices: vec![(0.0, 0.0), (1.0, 1.0)],
            label: String::new(),
            color_key: 0,
        };
        assert!(polygons(&p, &[degenerate], "x").is_err());
        let nan = Series {
            name: "s".into(),
            points: vec![(0.0, f64::NAN)],
        };
        assert!(line_chart(&p, "t", "x", "y", &[nan], false).is_err());
        let neg = Series {
            name: "s".into(),
            points: vec![(0.0, -1.0), (1.0, 2.0)],
        };
        assert!(line_chart(&p, "t", "x", "y", &[neg], true).is_err());
    }

    #[test]
    fn line_chart_has_legend_and_series() {
        let p = tmp("chart.svg");
        let s = |name: &str, k: f64| Series {
            name: name.into(),
            points: (1..6).map(|i| (i as f64, k * (i as f64).powi(2))).collect(),
        };
        line_chart(
            &p,
            "growth",
            "L",
            "regions",
            &[s("a", 1.0), s("b", 3.0)],
            true,
        )
        .unwrap();
        let svg = std::fs::read_to_string(&p).unwrap();
        assert!(
            svg.contains(">a<") && svg.contains(">b<"),
            "legend entries missing"
        );
        // Series 0 has circle markers: 5 points and its legend entry.
        assert_eq!(
            svg.matches("<circle").count(),
            6,
            "markers of the first series"
        );
    }
}
