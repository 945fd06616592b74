//! Performance figures and tables: `tropical hull` against lrs per family (read from
//! `bench/RESULTS.md`, which `bench/peers.sh` writes), and the cell walk against brute force on
//! small random layers (computed here).
//!
//! ## Main items
//!
//! - [`entries`]: the performance entries of the registry.
//! - [`peer_rows`]: the rows of the peer table of `bench/RESULTS.md` (family, input, ratio).
//! - [`family_summary`]: per family, the cases with a ratio, the median and the largest ratio.
//!
//! ## Implementation notes
//!
//! The peer table is parsed by its header: the first column named `family`, the second `input`,
//! the last column named `ratio` (ours / lrs); rows without a numeric ratio (a timeout) are
//! counted apart. The walk-vs-brute-force figure counts the same random heads
//! (`regions::max_affine` of each head's score function) with `refinement_cells` and with
//! `refinement_cells_brute_force` and requires the same labels; at `--quick` size it draws the
//! counts and the brute force's label tuples (deterministic, snapshot-tested), at full size the
//! measured cells per second (a timed figure: wall clock on the machine that builds it).
//!
//! ## References
//!
//! - `bench/RESULTS.md`, `bench/peers.sh`; SPEC T6 (`Π_h n_h` label tuples).

use std::fmt::Write as _;
use std::time::Instant;

use tropical_attention::regions::max_affine;
use tropical_geometry::cells::{
    refinement_cells, refinement_cells_brute_force, Domain, MaxAffine, WalkOptions,
};

use crate::chart::{Axis, LineChart, Style};
use crate::figures::check_err;
use crate::latex::escape;
use crate::models::{random_context, random_layer};
use crate::{Artifact, Entry, Figure, PaperError, Result, Size, Table};

/// The performance entries.
pub fn entries() -> Vec<Entry> {
    vec![
        Entry {
            name: "hull_vs_lrs",
            about: "tropical hull time / lrs time per input, by family (bench/RESULTS.md)",
            build: build_hull_vs_lrs,
        },
        Entry {
            name: "walk_vs_brute",
            about: "the cell walk vs brute force on random layers: cells, LPs, cells/s (full size)",
            build: build_walk_vs_brute,
        },
        Entry {
            name: "hull_families",
            about: "table: median and largest time ratio ours / lrs per family (bench/RESULTS.md)",
            build: build_hull_families,
        },
    ]
}

/// One row of the peer table.
#[derive(Clone, Debug, PartialEq)]
pub struct PeerRow {
    /// Family (`cddlib`, `sphere`, …).
    pub family: String,
    /// The input.
    pub input: String,
    /// Ours / lrs, or `None` when there is no ratio (a timeout).
    pub ratio: Option<f64>,
}

fn results_path() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../bench/RESULTS.md")
}

/// The rows of the first Markdown table of `text` whose header has `family`, `input` and
/// `ratio` (ours / lrs; other columns may follow it). Errors when there is no such table.
pub fn peer_rows(text: &str) -> std::result::Result<Vec<PeerRow>, String> {
    let cells = |line: &str| -> Vec<String> {
        line.trim()
            .trim_matches('|')
            .split('|')
            .map(|c| c.trim().to_string())
            .collect()
    };
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        if !line.trim_start().starts_with('|') {
            continue;
        }
        let head = cells(line);
        let fam = head.iter().position(|c| c == "family");
        let inp = head.iter().position(|c| c == "input");
        // the ratio ours / lrs: the column named exactly "ratio" (others follow it: the ratio
        // to howzat, memory)
        let ratio = head.iter().position(|c| c == "ratio");
        let (Some(fam), Some(inp), Some(ratio_col)) = (fam, inp, ratio) else {
            continue;
        };
        lines.next(); // the |---| line
        let mut rows = Vec::new();
        while let Some(l) = lines.next_if(|l| l.trim_start().starts_with('|')) {
            let c = cells(l);
            if c.len() != head.len() {
                return Err(format!(
                    "a row with {} columns under a header of {}: {l}",
                    c.len(),
                    head.len()
                ));
            }
            rows.push(PeerRow {
                family: c[fam].clone(),
                input: c[inp].clone(),
                ratio: c[ratio_col].parse::<f64>().ok().filter(|r| r.is_finite()),
            });
        }
        return Ok(rows);
    }
    Err("no table with the columns family, input, …, ratio".into())
}

/// Per family, in order of first appearance: `(family, cases with a ratio, cases without,
/// median ratio, largest ratio)`. The median of an even count is the mean of the middle two.
pub fn family_summary(rows: &[PeerRow]) -> Vec<(String, usize, usize, f64, f64)> {
    let mut fams: Vec<String> = Vec::new();
    for r in rows {
        if !fams.contains(&r.family) {
            fams.push(r.family.clone());
        }
    }
    fams.into_iter()
        .map(|f| {
            let mut rs: Vec<f64> = rows
                .iter()
                .filter(|r| r.family == f)
                .filter_map(|r| r.ratio)
                .collect();
            let none = rows.iter().filter(|r| r.family == f).count() - rs.len();
            rs.sort_by(f64::total_cmp);
            let n = rs.len();
            let median = match n {
                0 => f64::NAN,
                _ if n % 2 == 1 => rs[n / 2],
                _ => (rs[n / 2 - 1] + rs[n / 2]) / 2.0,
            };
            let max = rs.last().copied().unwrap_or(f64::NAN);
            (f, n, none, median, max)
        })
        .collect()
}

fn read_peers(name: &str) -> std::result::Result<Vec<PeerRow>, Artifact> {
    let path = results_path();
    let skip = |reason: String| Artifact::Skipped {
        name: name.into(),
        reason,
    };
    let text =
        std::fs::read_to_string(&path).map_err(|e| skip(format!("{}: {e}", path.display())))?;
    peer_rows(&text).map_err(|e| skip(format!("bench/RESULTS.md: {e}")))
}

fn build_hull_vs_lrs(_size: Size) -> Result<Vec<Artifact>> {
    let name = "hull_vs_lrs";
    let rows = match read_peers(name) {
        Ok(r) => r,
        Err(skipped) => return Ok(vec![skipped]),
    };
    let summary = family_summary(&rows);
    let mut csv = String::from("family,input,ratio_ours_over_lrs\n");
    for r in &rows {
        let ratio = r.ratio.map_or("".to_string(), |v| format!("{v}"));
        let _ = writeln!(
            csv,
            "{},\"{}\",{ratio}",
            r.family,
            r.input.replace('"', "'")
        );
    }
    let mut chart = LineChart::new(
        "fraction of the family's inputs",
        "time ours / time lrs",
        Axis::Linear,
        Axis::Log,
    );
    for (i, (fam, n, _, _, _)) in summary.iter().enumerate() {
        let mut rs: Vec<f64> = rows
            .iter()
            .filter(|r| &r.family == fam)
            .filter_map(|r| r.ratio)
            // A ratio printed as 0.00 is below 0.005: drawn at 0.005.
            .map(|r| r.max(0.005))
            .collect();
        rs.sort_by(f64::total_cmp);
        let pts = rs
            .iter()
            .enumerate()
            .map(|(j, r)| ((j as f64 + 0.5) / *n as f64, *r))
            .collect();
        let style = if *n > 1 {
            Style::Measured
        } else {
            Style::Points
        };
        chart = chart.curve_in(&format!("{fam} ({n})"), pts, style, i);
    }
    chart = chart.curve_in(
        "as fast as lrs",
        vec![(0.0, 1.0), (1.0, 1.0)],
        Style::Bound,
        7,
    );
    let per = summary
        .iter()
        .map(|(f, n, none, med, max)| {
            let extra = if *none > 0 {
                format!(", {none} without a ratio")
            } else {
                String::new()
            };
            format!("{} {med:.2} (worst {max:.2}, {n} inputs{extra})", escape(f))
        })
        .collect::<Vec<_>>()
        .join("; ");
    let caption = format!(
        "Exact polytope conversion: wall time of \\texttt{{tropical hull}} over that of lrs for \
         every input of \\texttt{{bench/RESULTS.md}} (written by \\texttt{{bench/peers.sh}}, \
         median of 3 runs, measured on a shared 2-core machine), sorted within each family; \
         below 1 we are faster. Median ratio per family: {per}. Ratios printed as 0.00 are \
         drawn at 0.005."
    );
    Ok(vec![Artifact::Figure(Figure {
        name: name.into(),
        caption,
        svg: chart.svg()?,
        csv,
        timed: false,
    })])
}

fn build_hull_families(_size: Size) -> Result<Vec<Artifact>> {
    let name = "hull_families";
    let rows = match read_peers(name) {
        Ok(r) => r,
        Err(skipped) => return Ok(vec![skipped]),
    };
    let mut md = String::from(
        "| family | cases | median time ratio ours / lrs | max ratio |\n|---|---|---|---|\n",
    );
    let mut tex = String::from(
        "\\begin{tabular}{@{}lrrr@{}}\n\\toprule\nfamily & cases & median ours/lrs & max \\\\\n\\midrule\n",
    );
    for (f, n, _, med, max) in family_summary(&rows) {
        let _ = writeln!(md, "| {f} | {n} | {med:.2} | {max:.2} |");
        let _ = writeln!(tex, "{} & {n} & {med:.2} & {max:.2} \\\\", escape(&f));
    }
    tex.push_str("\\bottomrule\n\\end{tabular}\n");
    Ok(vec![Artifact::Table(Table {
        name: name.into(),
        caption: "Time ratio \\texttt{tropical hull} / lrs per input family (cases: inputs with \
                  a ratio; from \\texttt{bench/RESULTS.md}, measured on a shared 2-core machine)."
            .into(),
        markdown: md,
        latex: tex,
        timed: false,
    })])
}

/// The heads of a random layer as max-affine functions on `R^d`.
fn random_heads(
    d: usize,
    heads: usize,
    n: usize,
    seed: u64,
) -> Result<Vec<MaxAffine<tropical_algebra::Rat>>> {
    let model = random_layer(d, heads, 2, 3000 + seed)?;
    let ctx = random_context(n, d, 4000 + seed)?;
    let layer = &model.blocks[0].attention;
    layer
        .score_functions(&ctx)?
        .iter()
        .map(|sf| Ok(max_affine(sf)?))
        .collect()
}

fn build_walk_vs_brute(size: Size) -> Result<Vec<Artifact>> {
    let name = "walk_vs_brute";
    let (d, n, top, seeds) = if size.quick {
        (3, 4, 3, 2)
    } else {
        (3, 5, 5, 3)
    };
    let timed = !size.quick;
    let mut csv = String::from("d,N,H,seed,cells,label_tuples");
    if timed {
        csv.push_str(",walk_s,brute_s,walk_cells_per_s,brute_cells_per_s");
    }
    csv.push('\n');
    let (mut cells_pts, mut tuples_pts, mut walk_rate, mut brute_rate) =
        (vec![], vec![], vec![], vec![]);
    for h in 1..=top {
        let (mut cs, mut ts, mut wr, mut br) = (0.0, 0.0, 0.0, 0.0);
        for seed in 0..seeds {
            let fns = random_heads(d, h, n, 100 * h as u64 + seed)?;
            let dom = Domain::Whole(d);
            let t0 = Instant::now();
            let walk = refinement_cells(&fns, &dom, &WalkOptions::default())
                .map_err(|e| PaperError::Other(e.to_string()))?;
            let walk_s = t0.elapsed().as_secs_f64();
            let t0 = Instant::now();
            let brute = refinement_cells_brute_force(&fns, &dom)
                .map_err(|e| PaperError::Other(e.to_string()))?;
            let brute_s = t0.elapsed().as_secs_f64();
            let lw: Vec<_> = walk.cells.iter().map(|c| &c.labels).collect();
            let lb: Vec<_> = brute.cells.iter().map(|c| &c.labels).collect();
            if !walk.complete || lw != lb {
                return Err(check_err(
                    name,
                    format!("H={h} seed {seed}: the walk and brute force list different cells"),
                ));
            }
            // Brute force tries one LP per tuple of distinct pieces.
            let tuples: usize = fns
                .iter()
                .map(|f| {
                    let c = f.canonical();
                    (0..c.len()).filter(|&j| c[j] == j).count()
                })
                .product();
            let cells = walk.cells.len();
            let _ = write!(csv, "{d},{n},{h},{seed},{cells},{tuples}");
            if timed {
                let _ = write!(
                    csv,
                    ",{walk_s:.6e},{brute_s:.6e},{:.6e},{:.6e}",
                    cells as f64 / walk_s,
                    cells as f64 / brute_s
                );
            }
            csv.push('\n');
            cs += cells as f64;
            ts += tuples as f64;
            wr += cells as f64 / walk_s;
            br += cells as f64 / brute_s;
        }
        let x = h as f64;
        let k = seeds as f64;
        cells_pts.push((x, cs / k));
        tuples_pts.push((x, ts / k));
        walk_rate.push((x, wr / k));
        brute_rate.push((x, br / k));
    }
    let setting = format!(
        "random layers on $\\mathbb{{Q}}^{d}$ ($d_k = 2$, $N = {n}$ keys, integer weights, \
         {seeds} seeds per point, whole space)"
    );
    let (chart, caption) = if timed {
        (
            LineChart::new("heads H", "cells per second", Axis::Integer, Axis::Log)
                .curve_in("walk", walk_rate, Style::Measured, 0)
                .curve_in("brute force", brute_rate, Style::Measured, 1),
            format!(
                "Cells enumerated per second by the output-sensitive walk and by brute force \
                 (one exact LP per label tuple) on {setting}; both list the same cells. Mean \
                 over seeds, single thread, measured on a shared 2-core machine."
            ),
        )
    } else {
        (
            LineChart::new("heads H", "count", Axis::Integer, Axis::Log)
                .curve_in("cells (walk = brute force)", cells_pts, Style::Measured, 0)
                .curve_in(
                    "label tuples (brute-force LPs)",
                    tuples_pts,
                    Style::Bound,
                    1,
                ),
            format!(
                "The output-sensitive walk and brute force on {setting}: both list the same \
                 cells (mean count, solid); brute force solves one exact LP per label tuple \
                 $\\prod_h n_h$ (dashed). The full-size build draws the measured cells per \
                 second instead."
            ),
        )
    };
    Ok(vec![Artifact::Figure(Figure {
        name: name.into(),
        caption,
        svg: chart.svg()?,
        csv,
        timed,
    })])
}
