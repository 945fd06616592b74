//! # tropical-plot
//!
//! SVG figures written as text, with no font or graphics backend: 2D cell decompositions
//! ([`svg::polygons`], used by the `tropical` command), and the publication charts of the paper
//! ([`chart`]: line charts with integer and decade axes, heat maps, labelled cell maps, the
//! Okabe–Ito palette).
//!
//! ## Main items
//!
//! - [`svg::polygons`], [`svg::LabelledPolygon`], [`svg::line_chart_svg`], [`svg::Series`].
//! - [`chart::LineChart`], [`chart::CellMap`], [`chart::HeatMap`].
//!
//! ## Implementation notes
//!
//! Coordinates are `f64`: figures are for looking at; every count they illustrate is computed
//! exactly elsewhere. Output is deterministic (fixed decimals, no timestamps), so it can be
//! snapshot-tested and committed. Text names one font family, [`chart::FONT_FAMILY`]; the paper
//! embeds that font when it converts the SVG to PDF.
//!
//! ## References
//!
//! - W3C, *Scalable Vector Graphics (SVG) 1.1*.
//!
//! ```
//! use tropical_plot::svg::{polygons, LabelledPolygon};
//! let dir = std::env::temp_dir().join("tropical-plot-doctest");
//! std::fs::create_dir_all(&dir).unwrap();
//! let square = LabelledPolygon {
//!     vertices: vec![(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0)],
//!     label: "cell 0".into(),
//!     color_key: 0,
//! };
//! polygons(&dir.join("square.svg"), &[square], "one cell").unwrap();
//! ```

#![warn(missing_docs)]

pub mod chart;
pub mod svg;

pub use svg::{
    line_chart, line_chart_svg, polygons, polygons_svg, FigureError, LabelledPolygon, Series,
};
