//! # The SPEC-id map of `docs/ARCHITECTURE.md`
//!
//! Reads the table "SPEC id → code → test → proof" of `docs/ARCHITECTURE.md` and checks it against
//! [`SPEC_IDS`](crate::report::SPEC_IDS) and the tree, so the map cannot go stale.
//!
//! ## Main items
//!
//! * [`MapRow`], [`read_map`]: the table's rows.
//! * [`check_map`]: the problems of a map (a missing or repeated id, a path that does not exist,
//!   a Coq file that does not name its claim).
//!
//! ## Implementation notes
//!
//! A row is a Markdown table line `| id | `code` | `test` | `proof` |` whose first cell is a SPEC
//! id; `—` stands for "no Coq proof".
//!
//! ## References
//!
//! * `shared/SPEC.md` §3 (the ids).

use std::path::Path;

use crate::report::SPEC_IDS;

/// One row of the map: a SPEC id and three repository-relative paths (`proof` is `None` for `—`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MapRow {
    /// The SPEC id (`T1` … `S3`).
    pub id: String,
    /// The module that computes the claim.
    pub code: String,
    /// The test that checks it.
    pub test: String,
    /// The Coq file that proves it.
    pub proof: Option<String>,
}

/// The rows of the map in `text` (the contents of `docs/ARCHITECTURE.md`): every table line whose
/// first cell is one of [`SPEC_IDS`], in order.
pub fn read_map(text: &str) -> Vec<MapRow> {
    let path = |cell: &str| cell.trim().trim_matches('`').to_string();
    text.lines()
        .filter_map(|line| {
            let cells: Vec<&str> = line.trim().strip_prefix('|')?.split('|').collect();
            let id = cells.first()?.trim();
            if cells.len() < 4 || !SPEC_IDS.contains(&id) {
                return None;
            }
            let proof = path(cells[3]);
            Some(MapRow {
                id: id.to_string(),
                code: path(cells[1]),
                test: path(cells[2]),
                proof: (proof != "—").then_some(proof),
            })
        })
        .collect()
}

/// Every problem of `rows` against the tree at `repo_root`, as readable lines (empty: the map is
/// sound): each SPEC id exactly once, every path an existing file, every Coq file naming its id.
pub fn check_map(repo_root: &Path, rows: &[MapRow]) -> Vec<String> {
    let mut problems = Vec::new();
    for id in SPEC_IDS {
        let n = rows.iter().filter(|r| r.id == id).count();
        if n != 1 {
            problems.push(format!("{id} has {n} rows (want 1)"));
        }
    }
    for r in rows {
        for p in [Some(&r.code), Some(&r.test), r.proof.as_ref()]
            .into_iter()
            .flatten()
        {
            if !repo_root.join(p).is_file() {
                problems.push(format!("{}: {p} is not a file", r.id));
            }
        }
        if let Some(p) = &r.proof {
            let text = std::fs::read_to_string(repo_root.join(p)).unwrap_or_default();
            if !text.contains(&format!("{} ", r.id)) && !text.contains(&format!("{}_", r.id)) {
                problems.push(format!("{}: {p} does not name {}", r.id, r.id));
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repo_root() -> &'static Path {
        Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
    }

    /// The committed map has a sound row for every SPEC id.
    #[test]
    fn architecture_map_matches_spec_and_tree() {
        let path = repo_root().join("docs/ARCHITECTURE.md");
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{} missing ({e})", path.display()));
        let rows = read_map(&text);
        assert_eq!(rows.len(), SPEC_IDS.len(), "rows: {rows:#?}");
        let problems = check_map(repo_root(), &rows);
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }

    /// The check fails on a stale map: a missing id, a wrong path, a proof of another claim.
    #[test]
    fn stale_maps_are_caught() {
        let text = "| T1 | `algebra/src/semiring.rs` | `proofs-tests/tests/t01_semiring_laws.rs` | `coq/T2_LSE.v` |\n\
                    | T2 | `algebra/src/nowhere.rs` | `proofs-tests/tests/t02_lse_sandwich.rs` | — |\n";
        let rows = read_map(text);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].proof, None);
        let problems = check_map(repo_root(), &rows);
        assert!(problems.iter().any(|p| p.starts_with("T3 has 0 rows")));
        assert!(problems
            .iter()
            .any(|p| p.contains("nowhere.rs is not a file")));
        assert!(problems.iter().any(|p| p.contains("does not name T1")));
    }
}
