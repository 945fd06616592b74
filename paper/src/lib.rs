//! # tropical-paper
//!
//! Every figure and table of the paper, regenerated from the library: `tropical-paper all`
//! writes, per figure, an SVG, a PDF (the font embedded) and the CSV of the data it plots, and
//! per table a Markdown file and a LaTeX `tabular`. Each figure computes its numbers by calling
//! the library (`tropical_attention::count::count_cells`, the enclosures of
//! `tropical_algebra::enclosure`, the measurements and claim checks of `proofs_tests`); nothing
//! is typed in.
//!
//! ## Main items
//!
//! - [`registry`]: every figure and table, by name; [`Entry::build`] builds one.
//! - [`Artifact`], [`Figure`], [`Table`]; [`write_artifact`] writes the files.
//! - [`Size`]: `quick` (CI size) or full.
//! - [`check_cells`]: the drawn polygons of a cell figure must equal the exact count.
//! - [`checkpoint`]: the pretrained checkpoint of the real-model figures; [`real_counts`]: its
//!   counting charts (cells vs N, H, d); [`records`]: the README's benchmark tables, read from
//!   their records; [`perf`]: the
//!   performance figures and the peer table.
//! - [`pdf::svg_to_pdf`], [`latex::escape`]; [`svg`] and [`chart`] re-export `tropical-plot`.
//!
//! ## Implementation notes
//!
//! Random models and contexts come from fixed seeds (ChaCha8), integer entries, so every
//! output is the same bytes on every run, except the figures marked [`Figure::timed`] (wall
//! clock measurements, S3). A front end: the mathematics lives in the library crates.
//!
//! ## References
//!
//! - SPEC §1–3 (`../shared/SPEC.md`); `paper/tex/main.tex` includes the outputs.

#![warn(missing_docs)]

pub mod checkpoint;
pub mod figures;
pub mod latex;
pub mod models;
pub mod pdf;
pub mod perf;
pub mod real_counts;
pub mod records;
pub mod tables;

pub use tropical_plot::{chart, svg};

use std::path::{Path, PathBuf};

/// Errors of the generator.
#[derive(Debug, thiserror::Error)]
pub enum PaperError {
    /// The library refused an input or failed.
    #[error("{0}")]
    Attention(#[from] tropical_attention::AttentionError),
    /// A figure could not be drawn.
    #[error("{0}")]
    Figure(#[from] tropical_plot::FigureError),
    /// A figure's numbers disagree with the exact count it illustrates, or a count is incomplete.
    #[error("check failed for {name}: {reason}")]
    Check {
        /// The figure.
        name: String,
        /// What disagreed.
        reason: String,
    },
    /// Anything else (a measurement, the PDF converter), with its message.
    #[error("{0}")]
    Other(String),
    /// A file could not be written.
    #[error("writing {path} failed: {reason}")]
    Io {
        /// Path.
        path: String,
        /// The OS message.
        reason: String,
    },
}

/// Result of the generator.
pub type Result<T> = std::result::Result<T, PaperError>;

/// How large to build: `quick` is the size CI builds (seconds per figure).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Size {
    /// CI size.
    pub quick: bool,
}

/// A figure: the SVG, the CSV of the data it draws, and a LaTeX caption.
#[derive(Clone, Debug, PartialEq)]
pub struct Figure {
    /// File stem.
    pub name: String,
    /// LaTeX caption text (numbers included).
    pub caption: String,
    /// The SVG text.
    pub svg: String,
    /// The CSV text (header line first).
    pub csv: String,
    /// True when the data are wall-clock timings (these differ between runs).
    pub timed: bool,
}

/// A table: Markdown and a LaTeX `tabular`.
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    /// File stem.
    pub name: String,
    /// LaTeX caption text.
    pub caption: String,
    /// Markdown table.
    pub markdown: String,
    /// LaTeX `tabular` environment.
    pub latex: String,
    /// True when some cells are wall-clock timings.
    pub timed: bool,
}

/// What an entry builds.
#[derive(Clone, Debug, PartialEq)]
pub enum Artifact {
    /// A figure.
    Figure(Figure),
    /// A table.
    Table(Table),
    /// Not built here, with the reason (e.g. a checkpoint that is not on disk).
    Skipped {
        /// File stem.
        name: String,
        /// Why.
        reason: String,
    },
}

/// One named figure or table of the paper.
pub struct Entry {
    /// The name used by `tropical-paper fig NAME`.
    pub name: &'static str,
    /// One line: what it shows.
    pub about: &'static str,
    /// Build it (one entry may build several panels).
    pub build: fn(Size) -> Result<Vec<Artifact>>,
}

/// Every figure and table, in the order of the paper.
pub fn registry() -> Vec<Entry> {
    let mut v = figures::entries();
    v.extend(perf::entries());
    v.extend(records::entries());
    v.extend(tables::entries());
    v
}

/// Check that a cell figure draws exactly `reported` cells (`<polygon class="cell"` elements).
/// Errors name the figure and both numbers.
pub fn check_cells(name: &str, svg: &str, reported: &num_bigint::BigUint) -> Result<()> {
    let drawn = svg.matches(r#"<polygon class="cell""#).count();
    if num_bigint::BigUint::from(drawn) != *reported {
        return Err(PaperError::Check {
            name: name.into(),
            reason: format!("{drawn} polygons drawn, the exact count is {reported}"),
        });
    }
    Ok(())
}

fn write(path: &Path, bytes: &[u8]) -> Result<PathBuf> {
    std::fs::write(path, bytes).map_err(|e| PaperError::Io {
        path: path.display().to_string(),
        reason: e.to_string(),
    })?;
    Ok(path.to_path_buf())
}

/// Write an artifact under `out`: `NAME.svg`, `NAME.pdf`, `NAME.csv`, `NAME.caption.tex` for a
/// figure; `NAME.md`, `NAME.tex`, `NAME.caption.tex` for a table. A skipped entry removes the
/// stale `NAME.{svg,pdf,csv,md,tex}` of an earlier build and writes only `NAME.caption.tex`
/// ("not built: REASON"), which `paper/tex/main.tex` prints in place of the figure. Returns the
/// paths written.
pub fn write_artifact(a: &Artifact, out: &Path) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(out).map_err(|e| PaperError::Io {
        path: out.display().to_string(),
        reason: e.to_string(),
    })?;
    match a {
        Artifact::Figure(f) => {
            let pdf = pdf::svg_to_pdf(&f.svg)
                .map_err(|e| PaperError::Other(format!("{}: {e}", f.name)))?;
            Ok(vec![
                write(&out.join(format!("{}.svg", f.name)), f.svg.as_bytes())?,
                write(&out.join(format!("{}.pdf", f.name)), &pdf)?,
                write(&out.join(format!("{}.csv", f.name)), f.csv.as_bytes())?,
                write(
                    &out.join(format!("{}.caption.tex", f.name)),
                    f.caption.as_bytes(),
                )?,
            ])
        }
        Artifact::Table(t) => Ok(vec![
            write(&out.join(format!("{}.md", t.name)), t.markdown.as_bytes())?,
            write(&out.join(format!("{}.tex", t.name)), t.latex.as_bytes())?,
            write(
                &out.join(format!("{}.caption.tex", t.name)),
                t.caption.as_bytes(),
            )?,
        ]),
        Artifact::Skipped { name, reason } => {
            for ext in ["svg", "pdf", "csv", "md", "tex"] {
                let stale = out.join(format!("{name}.{ext}"));
                if stale.is_file() {
                    std::fs::remove_file(&stale).map_err(|e| PaperError::Io {
                        path: stale.display().to_string(),
                        reason: e.to_string(),
                    })?;
                }
            }
            let text = format!("Not built: {}.", latex::escape(reason));
            Ok(vec![write(
                &out.join(format!("{name}.caption.tex")),
                text.as_bytes(),
            )?])
        }
    }
}

/// The tables the README shows, by name (each one a [`Table`] entry of the registry): the
/// README's copy is generated, never typed ([`sync_readme`]).
pub const README_TABLES: &[&str] = &[
    "scalar_backends",
    "maxplus_product",
    "hull_families",
    "walk_lp_free",
    "walk_filter",
];

/// The README text with every generated block replaced by the current table: a block is the
/// lines between `<!-- paper:NAME -->` and `<!-- /paper:NAME -->`, for `NAME` in
/// [`README_TABLES`]. Errors name a table the README lacks a block for, a block without its
/// end marker, or a table that could not be built.
pub fn sync_readme(readme: &str) -> Result<String> {
    let mut text = readme.to_string();
    for &name in README_TABLES {
        let entry = registry()
            .into_iter()
            .find(|e| e.name == name)
            .ok_or_else(|| PaperError::Other(format!("README table {name}: no such entry")))?;
        let markdown = (entry.build)(Size { quick: false })?
            .into_iter()
            .find_map(|a| match a {
                Artifact::Table(t) => Some(t.markdown),
                _ => None,
            })
            .ok_or_else(|| PaperError::Other(format!("README table {name}: not built")))?;
        let (open, close) = (
            format!("<!-- paper:{name} -->"),
            format!("<!-- /paper:{name} -->"),
        );
        let start = text.find(&open).ok_or_else(|| {
            PaperError::Other(format!("README has no `{open}` block for table {name}"))
        })? + open.len();
        let end = text[start..]
            .find(&close)
            .map(|i| start + i)
            .ok_or_else(|| PaperError::Other(format!("README: `{open}` without `{close}`")))?;
        let body = format!("\n{}\n", markdown.trim_end());
        text.replace_range(start..end, &body);
    }
    Ok(text)
}
