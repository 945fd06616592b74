//! `tropical tconv FILE [--min] [--json]`: the tropical convex hull of points (Develin–Sturmfels).
//!
//! Input: points as rows, either JSON (`[[..],..]` or `{"points": [[..],..]}`, entries numbers or
//! rational strings such as `"3/4"`) or text rows (`.ext`-like: whitespace-separated rationals;
//! a cdd `begin … end` block with a `m d rational` header has its leading `1` column dropped).
//! Prints the pseudovertices, the maximal cells of the bounded complex and its f-vector
//! (JSON fields `pseudovertices`, `maximal_cells`, `bounded_f_vector`).

use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context};
use serde::Serialize;
use tropical_algebra::{Rat, Scalar};
use tropical_geometry::formats::write_ext;
use tropical_geometry::tropical_polytope::{Convention, TropicalPolytope};
use tropical_geometry::VRep;

/// Arguments.
#[derive(clap::Args)]
#[command(after_help = r#"Examples:
  tropical tconv points.json                   # pseudovertices, maximal cells, bounded f-vector
  tropical tconv points.json --min --json --output tc.json
JSON fields: docs/json/tconv.md."#)]
pub struct Args {
    /// Points as rows (JSON or `.ext`-like text).
    pub file: PathBuf,
    /// Use the min-plus convention (Develin–Sturmfels) instead of max-plus.
    #[arg(long)]
    pub min: bool,
    /// Print JSON (fields `convention`, `points`, `coordinates`, `pseudovertices`,
    /// `maximal_cells`, `bounded_f_vector`; docs/json/tconv.md).
    #[arg(long)]
    pub json: bool,
    /// Write to this file, in the format its extension names: `.json` (the report, as `--json`
    /// prints it) or `.ext` (the pseudovertices as a cdd V-representation, readable by `tconv`
    /// and `hull`).
    #[arg(long)]
    pub output: Option<PathBuf>,
}

#[derive(Serialize)]
struct MaximalCell {
    dim: usize,
    /// Indices into `pseudovertices`.
    vertices: Vec<usize>,
    /// The type `(S_1, …, S_n)` (point indices per coordinate).
    cell_type: Vec<Vec<usize>>,
}

#[derive(Serialize)]
struct Report {
    convention: &'static str,
    points: usize,
    coordinates: usize,
    pseudovertices: Vec<Vec<String>>,
    maximal_cells: Vec<MaximalCell>,
    bounded_f_vector: Vec<usize>,
}

fn parse_rat(path: &Path, line: usize, text: &str) -> anyhow::Result<Rat> {
    Rat::parse_exact(text).map_err(|e| anyhow!("{}:{line}: {e}", path.display()))
}

/// Line (1-based) of byte offset `pos` in `text`.
fn line_of(text: &str, pos: usize) -> usize {
    text[..pos.min(text.len())].matches('\n').count() + 1
}

fn parse_json(path: &Path, text: &str) -> anyhow::Result<Vec<Vec<Rat>>> {
    let value: serde_json::Value = serde_json::from_str(text)
        .map_err(|e| anyhow!("{}:{}: malformed JSON: {e}", path.display(), e.line()))?;
    let rows = match &value {
        serde_json::Value::Array(a) => a,
        serde_json::Value::Object(o) => match o.get("points") {
            Some(serde_json::Value::Array(a)) => a,
            _ => bail!(
                "{}:1: expected an array of points or an object with a \"points\" array",
                path.display()
            ),
        },
        _ => bail!("{}:1: expected an array of points", path.display()),
    };
    // The line of each row in the text, for error messages (best effort: the i-th '[' at depth
    // 2 after the first), found in one pass.
    let row_lines: Vec<usize> = {
        let outer = text.find('[').unwrap_or(0);
        let mut lines = Vec::new();
        let (mut depth, mut line) = (0usize, line_of(text, outer));
        for ch in text[outer..].chars() {
            match ch {
                '\n' => line += 1,
                '[' => {
                    depth += 1;
                    if depth == 2 {
                        lines.push(line);
                    }
                }
                ']' => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
        lines
    };
    rows.iter()
        .enumerate()
        .map(|(i, row)| {
            let line = row_lines.get(i).copied().unwrap_or(1);
            let serde_json::Value::Array(entries) = row else {
                bail!("{}:{line}: point {i} is not an array", path.display());
            };
            entries
                .iter()
                .map(|e| match e {
                    serde_json::Value::Number(n) => parse_rat(path, line, &n.to_string()),
                    serde_json::Value::String(s) => parse_rat(path, line, s),
                    other => bail!(
                        "{}:{line}: point {i}: expected a number or a rational string, got {other}",
                        path.display()
                    ),
                })
                .collect()
        })
        .collect()
}

fn parse_rows(path: &Path, text: &str) -> anyhow::Result<Vec<Vec<Rat>>> {
    let mut rows = Vec::new();
    let mut in_block = false;
    let cdd = text.lines().any(|l| l.trim().eq_ignore_ascii_case("begin"));
    let mut header_pending = false;
    for (k, raw) in text.lines().enumerate() {
        let line = k + 1;
        let t = raw.split(['#', '*']).next().unwrap_or("").trim();
        if t.is_empty() {
            continue;
        }
        let lower = t.to_ascii_lowercase();
        if lower == "begin" {
            in_block = true;
            header_pending = true;
            continue;
        }
        if lower == "end" {
            in_block = false;
            continue;
        }
        if cdd && !in_block {
            // cdd preamble/postamble (name, "V-representation", options): skip.
            continue;
        }
        if header_pending {
            header_pending = false;
            let parts: Vec<&str> = t.split_whitespace().collect();
            if parts.len() < 2 || parts[0].parse::<usize>().is_err() {
                bail!(
                    "{}:{line}: expected a cdd header `m d rational`, got {t:?}",
                    path.display()
                );
            }
            continue;
        }
        let mut row: Vec<Rat> = t
            .split_whitespace()
            .map(|w| parse_rat(path, line, w))
            .collect::<anyhow::Result<_>>()?;
        if cdd {
            if row.first() != Some(&Rat::one()) {
                bail!(
                    "{}:{line}: a V-representation row must start with 1 (a point); rays are not allowed",
                    path.display()
                );
            }
            row.remove(0);
        }
        rows.push((line, row));
    }
    if let Some((first_line, first)) = rows.first() {
        let n = first.len();
        if n == 0 {
            bail!("{}:{first_line}: a point needs coordinates", path.display());
        }
        for (line, r) in &rows {
            if r.len() != n {
                bail!(
                    "{}:{line}: expected {n} coordinates (as on line {first_line}), found {}",
                    path.display(),
                    r.len()
                );
            }
        }
    }
    Ok(rows.into_iter().map(|(_, r)| r).collect())
}

/// Read points from a JSON or `.ext`-like file.
pub fn read_points(path: &Path) -> anyhow::Result<Vec<Vec<Rat>>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("{}: cannot read file", path.display()))?;
    points_from_str(path, &text)
}

/// Parse points from `text`, JSON or `.ext`-like rows (`path` is the file named in errors): at
/// least one point, every point with the same number (≥ 1) of coordinates.
pub fn points_from_str(path: &Path, text: &str) -> anyhow::Result<Vec<Vec<Rat>>> {
    let trimmed = text.trim_start();
    let points = if trimmed.starts_with('[') || trimmed.starts_with('{') {
        parse_json(path, text)?
    } else {
        parse_rows(path, text)?
    };
    if points.is_empty() {
        bail!("{}:1: no points found", path.display());
    }
    let n = points[0].len();
    if n == 0 {
        bail!("{}:1: a point needs coordinates", path.display());
    }
    if let Some(i) = points.iter().position(|p| p.len() != n) {
        bail!(
            "{}: point {i} has {} coordinates, expected {n}",
            path.display(),
            points[i].len()
        );
    }
    Ok(points)
}

/// Write `--output`: the report as `.json`, the pseudovertices as `.ext`.
fn write_output(report: &Report, pseudovertices: &[Vec<Rat>], out: &Path) -> anyhow::Result<()> {
    let name = out.display();
    match out.extension().and_then(|e| e.to_str()) {
        Some("ext") => {
            let v = VRep {
                ambient_dim: pseudovertices.first().map_or(report.coordinates, Vec::len),
                points: pseudovertices.to_vec(),
                rays: Vec::new(),
                lines: Vec::new(),
            };
            std::fs::write(out, write_ext(&v)).with_context(|| format!("{name}: cannot write"))
        }
        Some("json") => {
            crate::output::write_json_file(report, out, "a tropical polytope's cell complex")
        }
        Some("ine") => bail!(
            "--output {name}: a tropical polytope is not one convex polyhedron, so it has no \
             H-representation; use .ext (its pseudovertices) or .json (the cell complex)"
        ),
        _ => bail!(
            "--output {name}: unknown output format (use .json for the cell complex, .ext for \
             the pseudovertices)"
        ),
    }
}

/// Run the subcommand.
pub fn run(args: Args) -> anyhow::Result<()> {
    let points = read_points(&args.file)?;
    let convention = if args.min {
        Convention::Min
    } else {
        Convention::Max
    };
    let (r, n) = (points.len(), points[0].len());
    let t = TropicalPolytope::new(points, convention)
        .map_err(|e| anyhow!("{}: {e}", args.file.display()))?;
    let cx = t
        .cell_complex()
        .map_err(|e| anyhow!("{}: {e}", args.file.display()))?;
    let vertex_cells: Vec<usize> = (0..cx.cells.len())
        .filter(|&i| cx.cells[i].dim == 0)
        .collect();
    let maximal_cells = cx
        .maximal_cells()
        .into_iter()
        .map(|i| MaximalCell {
            dim: cx.cells[i].dim,
            vertices: cx
                .cell_vertices(i)
                .into_iter()
                .filter_map(|k| vertex_cells.iter().position(|&v| v == k))
                .collect(),
            cell_type: cx.cells[i]
                .cell_type
                .sets
                .iter()
                .map(|s| s.iter().copied().collect())
                .collect(),
        })
        .collect();
    let report = Report {
        convention: if args.min { "min" } else { "max" },
        points: r,
        coordinates: n,
        pseudovertices: cx
            .pseudovertices()
            .iter()
            .map(|p| p.iter().map(|x| x.to_string()).collect())
            .collect(),
        maximal_cells,
        bounded_f_vector: cx.bounded_f_vector(),
    };
    if let Some(out) = &args.output {
        write_output(&report, &cx.pseudovertices(), out)?;
    }
    if args.json {
        return crate::output::print_json(&report);
    }
    let fmt_point = |p: &[String]| format!("({})", p.join(", "));
    crate::output::print_rows(&[
        ("convention", format!("{}-plus", report.convention)),
        ("points", format!("{r} in TP^{}", n - 1)),
        ("pseudovertices", report.pseudovertices.len().to_string()),
        ("maximal cells", report.maximal_cells.len().to_string()),
        ("bounded f-vector", format!("{:?}", report.bounded_f_vector)),
    ]);
    println!("pseudovertices (first coordinate normalised to 0):");
    for (i, p) in report.pseudovertices.iter().enumerate() {
        println!("  {i:>3}  {}", fmt_point(p));
    }
    println!("maximal cells:");
    for c in &report.maximal_cells {
        println!(
            "  dim {}  vertices {:?}  type {:?}",
            c.dim, c.vertices, c.cell_type
        );
    }
    Ok(())
}
