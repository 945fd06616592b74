//! The performance tables of the README, read from the benchmark records they summarise, so the
//! README, the paper and the record hold the same numbers (one source: the record).
//!
//! ## Main items
//!
//! - [`entries`]: one table entry per record ([`RECORDS`]).
//! - [`record_table`]: the Markdown table under a heading of a record file, as a [`Table`].
//!
//! ## Implementation notes
//!
//! A record is a Markdown file written when a benchmark is run (`algebra/BENCHMARKS.md`, …);
//! the table is the first one after the named heading, copied as it stands (Markdown) and set as
//! a `tabular` (LaTeX, cells through [`crate::latex::escape`]). A record without the heading or
//! the table is an error naming both, so a renamed section fails the build instead of leaving a
//! stale copy. The hull table is computed, not copied ([`crate::perf`]).
//!
//! ## References
//!
//! - The records themselves; `README.md` ("Performance"), `paper/tex/main.tex`.

use std::path::Path;

use crate::latex::escape;
use crate::{Artifact, Entry, PaperError, Result, Table};

/// A table copied from a benchmark record.
pub struct Record {
    /// The table's name (registry entry and README block).
    pub name: &'static str,
    /// The record file, relative to the repository root.
    pub file: &'static str,
    /// The start of the heading line the table follows.
    pub heading: &'static str,
    /// LaTeX caption.
    pub caption: &'static str,
}

/// The records the README and the paper show.
pub const RECORDS: &[Record] = &[
    Record {
        name: "scalar_backends",
        file: "algebra/BENCHMARKS.md",
        heading: "# Exact scalar backends",
        caption: "Exact scalar backends: criterion median times on small-rational workloads, \
                  ratio to \\texttt{Rat} in parentheses (\\texttt{algebra/BENCHMARKS.md}; \
                  measured on a shared 2-core machine).",
    },
    Record {
        name: "maxplus_product",
        file: "algebra/BENCHMARKS-maxplus.md",
        heading: "## Compare-and-blend tile",
        caption: "The f32 max-plus product with argmax against the \\texttt{tropical-gemm} crate \
                  before and after it in one criterion run (\\texttt{algebra/BENCHMARKS-maxplus.md}; measured on a \
                  shared 2-core machine).",
    },
    Record {
        name: "walk_lp_free",
        file: "geometry/BENCHMARKS-cells.md",
        heading: "## Cell walk after the LP-free facet search",
        caption: "The cell walk before and after the LP-free facet search, and brute force \\
                  (criterion, release; \\texttt{geometry/BENCHMARKS-cells.md}; measured on a \\
                  shared 2-core machine; \\textdagger: one timed run of the old walk, \\
                  \\textdaggerdbl: a rerun at lower load).",
    },
    Record {
        name: "walk_filter",
        file: "geometry/BENCHMARKS-cells.md",
        heading: "## Filtered exact predicates",
        caption: "The cell walk with filtered predicates, with every sign exact, and brute force \
                  (criterion, release; \\texttt{geometry/BENCHMARKS-cells.md}; measured on a \
                  shared 2-core machine).",
    },
];

/// The record table entries, in the order of [`RECORDS`].
pub fn entries() -> Vec<Entry> {
    vec![
        Entry {
            name: "scalar_backends",
            about: "table: exact scalar backends, criterion (algebra/BENCHMARKS.md)",
            build: |_| build(0),
        },
        Entry {
            name: "maxplus_product",
            about: "table: max-plus product vs tropical-gemm (algebra/BENCHMARKS-maxplus.md)",
            build: |_| build(1),
        },
        Entry {
            name: "walk_lp_free",
            about:
                "table: cell walk before/after the LP-free facets (geometry/BENCHMARKS-cells.md)",
            build: |_| build(2),
        },
        Entry {
            name: "walk_filter",
            about: "table: cell walk filtered / exact / brute force (geometry/BENCHMARKS-cells.md)",
            build: |_| build(3),
        },
    ]
}

fn build(i: usize) -> Result<Vec<Artifact>> {
    let r = &RECORDS[i];
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(r.file);
    let text = std::fs::read_to_string(&path).map_err(|e| PaperError::Io {
        path: path.display().to_string(),
        reason: e.to_string(),
    })?;
    Ok(vec![Artifact::Table(record_table(r, &text)?)])
}

/// The first Markdown table after the line starting with `record.heading` in `text`. Errors name
/// the record and what is missing (the heading, the table, a row whose cells do not match the
/// header's).
pub fn record_table(record: &Record, text: &str) -> Result<Table> {
    let missing = |what: &str| {
        PaperError::Other(format!(
            "{} ({}): {what} after the heading {:?}",
            record.name, record.file, record.heading
        ))
    };
    let mut lines = text.lines();
    lines
        .by_ref()
        .find(|l| l.starts_with(record.heading))
        .ok_or_else(|| missing("no such heading"))?;
    let rows: Vec<&str> = lines
        .skip_while(|l| !l.trim_start().starts_with('|'))
        .take_while(|l| l.trim_start().starts_with('|'))
        .collect();
    if rows.len() < 3 {
        return Err(missing("no table with a header and a row"));
    }
    let cells = |l: &str| -> Vec<String> {
        let t = l.trim().trim_start_matches('|').trim_end_matches('|');
        t.split('|').map(|c| c.trim().to_string()).collect()
    };
    let header = cells(rows[0]);
    let mut tex = format!(
        "\\begin{{tabular}}{{@{{}}l{}@{{}}}}\n\\toprule\n",
        "r".repeat(header.len().saturating_sub(1))
    );
    let line = |cs: &[String]| -> String {
        let escaped: Vec<String> = cs.iter().map(|c| escape(c)).collect();
        format!("{} \\\\\n", escaped.join(" & "))
    };
    tex.push_str(&line(&header));
    tex.push_str("\\midrule\n");
    for row in &rows[2..] {
        let cs = cells(row);
        if cs.len() != header.len() {
            return Err(missing(&format!(
                "a row with {} cells for {} columns: {row}",
                cs.len(),
                header.len()
            )));
        }
        tex.push_str(&line(&cs));
    }
    tex.push_str("\\bottomrule\n\\end{tabular}\n");
    let mut markdown = rows.join("\n");
    markdown.push('\n');
    Ok(Table {
        name: record.name.into(),
        caption: record.caption.into(),
        markdown,
        latex: tex,
        timed: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const R: Record = Record {
        name: "t",
        file: "x.md",
        heading: "## Run",
        caption: "",
    };

    #[test]
    fn the_table_after_the_heading_is_copied() {
        let text = "| a | b |\n|---|---|\n| 0 | 0 |\n## Run 2\n\nsome words\n\n| n | t |\n|---|---:|\n| 1 | 2 ms |\n| 3 | 4 ms |\n\n| x |\n";
        let t = record_table(&R, text).unwrap();
        assert_eq!(
            t.markdown,
            "| n | t |\n|---|---:|\n| 1 | 2 ms |\n| 3 | 4 ms |\n"
        );
        assert_eq!(t.latex.matches("\\\\\n").count(), 3, "{}", t.latex);
        assert!(t.latex.contains("{@{}lr@{}}"), "{}", t.latex);
    }

    /// Every record of the repository has its table, and every character of it has a LaTeX
    /// form (an unmapped one is written `U+XXXX?`).
    #[test]
    fn every_record_table_is_found_and_set_in_latex() {
        for (i, r) in RECORDS.iter().enumerate() {
            let Artifact::Table(t) = build(i).unwrap().remove(0) else {
                panic!("{}: not a table", r.name);
            };
            assert!(t.markdown.lines().count() >= 3, "{}", r.name);
            assert!(!t.latex.contains("U+"), "{}: {}", r.name, t.latex);
        }
    }

    #[test]
    fn a_missing_heading_table_or_cell_is_an_error_naming_it() {
        let e = record_table(&R, "## Other\n| a |\n|---|\n| 1 |\n").unwrap_err();
        assert!(e.to_string().contains("no such heading"), "{e}");
        let e = record_table(&R, "## Run\nno table\n").unwrap_err();
        assert!(e.to_string().contains("no table"), "{e}");
        let e = record_table(&R, "## Run\n| a | b |\n|---|---|\n| 1 |\n").unwrap_err();
        assert!(e.to_string().contains("1 cells for 2 columns"), "{e}");
    }
}
