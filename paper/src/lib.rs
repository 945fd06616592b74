//! Figures and tables (SVG).
