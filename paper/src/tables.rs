//! The tables of the paper: the claim catalogue with its statuses (run by the same code as
//! `claims-report`) and the peer comparison of `bench/RESULTS.md`.
//!
//! ## Main items
//!
//! - [`entries`]: the table entries of the registry.
//! - [`claims_rows`]: the catalogue's rows at a case budget.
//!
//! ## Implementation notes
//!
//! The LaTeX claim table is a `longtable` (caption and label inside, header repeated on every
//! page) so that it breaks across pages. Times are left out of the claim table so that it is the same bytes on every run; the claim
//! statuses are `proofs_tests::report::status_text`, the words of `REPORT.md`.
//!
//! ## References
//!
//! - SPEC §3; `proofs-tests/REPORT.md`; `bench/RESULTS.md`.

use std::fmt::Write as _;

use proofs_tests::claims::{registry, ClaimRow};
use proofs_tests::report::{status_text, SPEC_IDS};

use crate::latex::escape;
use crate::{Artifact, Entry, Result, Size, Table};

/// The table entries.
pub fn entries() -> Vec<Entry> {
    vec![Entry {
        name: "claims",
        about: "the claim catalogue (SPEC §3) with the status of every claim",
        build: build_claims,
    }]
}

/// Every claim of the registry run with `cases` cases.
pub fn claims_rows(cases: u32) -> Vec<ClaimRow> {
    registry().iter().map(|s| s.execute(cases)).collect()
}

fn md_cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

fn build_claims(size: Size) -> Result<Vec<Artifact>> {
    let cases = if size.quick { 16 } else { 256 };
    let rows = claims_rows(cases);
    let mut md = String::from("| id | claim | status | cases |\n|---|---|---|---|\n");
    let caption = format!(
        "The claim catalogue (SPEC \\S 3) and what the executable checks of \
         \\texttt{{proofs-tests}} found, at {cases} random cases per property (the status words \
         of \\texttt{{proofs-tests/REPORT.md}})."
    );
    // A longtable, so that the catalogue breaks across pages; the header repeats on each page.
    let header = "\\toprule\nid & claim & status & cases \\\\\n\\midrule\n";
    let mut tex = format!(
        "\\begin{{longtable}}{{@{{}}lp{{0.36\\linewidth}}p{{0.44\\linewidth}}r@{{}}}}\n\\caption{{{caption}}}\\label{{tab:claims}}\\\\\n{header}\\endfirsthead\n{header}\\endhead\n\\bottomrule\n\\endfoot\n"
    );
    for id in SPEC_IDS {
        let (statement, status, n) = match rows.iter().find(|r| r.id == id) {
            Some(r) => (r.statement.to_string(), status_text(&r.status), r.cases),
            None => (
                "(see SPEC §3)".to_string(),
                "measured: see the figures".to_string(),
                0,
            ),
        };
        let _ = writeln!(
            md,
            "| {id} | {} | {} | {n} |",
            md_cell(&statement),
            md_cell(&status)
        );
        let _ = writeln!(
            tex,
            "{id} & {} & {} & {n} \\\\",
            escape(&statement),
            escape(&status)
        );
    }
    tex.push_str("\\end{longtable}\n");
    Ok(vec![Artifact::Table(Table {
        name: "claims".into(),
        caption,
        markdown: md,
        latex: tex,
        timed: false,
    })])
}
