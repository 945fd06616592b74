//! # tropical-paper
//!
//! Figures for the paper and the CLI: SVG drawings of 2D cell decompositions (power diagrams,
//! slices of attention partitions) and line charts for measured claims (SPEC S2, S3, T8).
//! Coordinates here are `f64` — figures are for looking at; every count they illustrate is
//! computed exactly elsewhere.
//!
//! ```
//! use tropical_paper::svg::{polygons, LabelledPolygon};
//! let dir = std::env::temp_dir().join("tropical-paper-doctest");
//! std::fs::create_dir_all(&dir).unwrap();
//! let square = LabelledPolygon {
//!     vertices: vec![(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0)],
//!     label: "cell 0".into(),
//!     color_key: 0,
//! };
//! polygons(&dir.join("square.svg"), &[square], "one cell").unwrap();
//! ```

pub mod svg;

pub use svg::{
    line_chart, line_chart_svg, polygons, polygons_svg, FigureError, LabelledPolygon, Series,
};
