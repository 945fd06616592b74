//! Rendering of `REPORT.md` (rows, Coq cross-references) — used by the `claims-report` binary and
//! by the test that checks the committed report covers every SPEC §3 id.

use std::path::Path;

use crate::claims::{ClaimRow, Status};

/// Every id of SPEC §3, in order.
pub const SPEC_IDS: [&str; 20] = [
    "T1", "T2", "T3", "T4", "T5", "T6", "T7", "T8", "T9", "T10", "T11", "T12", "T13", "T14", "T15",
    "T16", "T17", "S1", "S2", "S3",
];

/// Coq theorems named `T<n>_...` in `coq/*.v` for claim `id` (e.g. `T2_lse_sandwich`), as
/// `file: name` strings. Reads the files at run time, so the report reflects what is on disk.
pub fn coq_theorems(repo_root: &Path, id: &str) -> Vec<String> {
    let mut out = Vec::new();
    let Ok(dir) = std::fs::read_dir(repo_root.join("coq")) else {
        return out;
    };
    let mut files: Vec<_> = dir
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "v"))
        .collect();
    files.sort();
    let prefix = format!("{id}_");
    for f in files {
        let Ok(text) = std::fs::read_to_string(&f) else {
            continue;
        };
        for line in text.lines() {
            let l = line.trim_start();
            if let Some(rest) = l.strip_prefix("Theorem ") {
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '\'')
                    .collect();
                if name.starts_with(&prefix) {
                    let fname = f
                        .file_name()
                        .map(|s| s.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    out.push(format!("coq/{fname}: {name}"));
                }
            }
        }
    }
    out
}

/// The status column text.
pub fn status_text(s: &Status) -> String {
    match s {
        Status::Holds => "holds on all random cases (exact)".into(),
        Status::Established(c) => {
            format!("established by explicit instance (exact certificate): {c}")
        }
        Status::HoldsWithHypothesis(h) => format!("holds with hypothesis: {h}"),
        Status::False(c) => format!("**false**: counterexample — {c}"),
        Status::Violated(c) => format!("**VIOLATED (bug?)** — {c}"),
        Status::Measured(m) => format!("measured: {m}"),
        Status::NotCovered(r) => format!("not covered: {r}"),
    }
}

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', "<br>")
}

/// The claims table in markdown (one row per SPEC id, in SPEC order; missing rows are listed as
/// not covered so the table is always complete).
pub fn claims_table(rows: &[ClaimRow], repo_root: &Path) -> String {
    let mut out = String::from(
        "| id | claim | status | cases | time (s) | evidence |\n|---|---|---|---|---|---|\n",
    );
    for id in SPEC_IDS {
        let coq = coq_theorems(repo_root, id);
        let coq_txt = if coq.is_empty() {
            String::new()
        } else {
            format!("; proved in Coq: {}", coq.join(", "))
        };
        match rows.iter().find(|r| r.id == id) {
            Some(r) => out.push_str(&format!(
                "| {} | {} | {} | {} | {:.2} | {}{} |\n",
                r.id,
                cell(r.statement),
                cell(&status_text(&r.status)),
                r.cases,
                r.seconds,
                cell(&r.evidence),
                cell(&coq_txt)
            )),
            None => out.push_str(&format!(
                "| {id} | (see SPEC §3) | not covered: no check implemented | 0 | 0 | {} |\n",
                cell(coq_txt.trim_start_matches("; "))
            )),
        }
    }
    out
}
