//! `tropical power-diagram FILE [--box LO,HI] [--json] [--output OUT] [--svg OUT]`: the power
//! diagram of weighted sites (SPEC T4/T5) — nonempty cells, hidden sites, vertices and the
//! adjacency edges; `--output` writes the report (`.json`) or the lifted polyhedron (`.ine`,
//! `.ext`).
//!
//! Input JSON: `{"sites": [[..], ..], "weights": [..]}`; numbers are rationals given as strings
//! (`"3/4"`, `"0.125"`) or JSON numbers (read from their decimal text, exactly).

use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context};
use serde::Serialize;
use serde_json::Value;
use tropical_algebra::{Rat, Scalar};
use tropical_geometry::cells::Domain;
use tropical_geometry::formats::{power_cells_to_json, power_lifting, write_by_extension};
use tropical_geometry::polyhedron::Polyhedron;
use tropical_geometry::power_diagram::{power_diagram, PowerDiagram};

/// Arguments.
#[derive(clap::Args)]
#[command(after_help = r#"Examples:
  tropical power-diagram sites.json --box=-5,5 --svg pd.svg   # {"sites": [[..]], "weights": [..]}
  tropical power-diagram sites.json --box=-5,5 --json --output pd.ine
JSON fields: docs/json/power-diagram.md."#)]
pub struct Args {
    /// JSON file `{"sites": [[..], ..], "weights": [..]}`.
    pub file: PathBuf,
    /// Clip to the cube `[LO, HI]^d` (rationals), e.g. `--box -4,4`.
    #[arg(long = "box", value_name = "LO,HI", allow_hyphen_values = true)]
    pub bbox: Option<String>,
    /// Print JSON (fields `dim`, `cells`, `hidden`, `vertices`, `edges`, `cell_sites`,
    /// `site_cell`, and `cell_objects`: per cell its site, interior point, facets, neighbours,
    /// vertices and 2D polygon, exact; docs/json/power-diagram.md).
    #[arg(long)]
    pub json: bool,
    /// Write the diagram to this file, in the format its extension names: `.json` (the report,
    /// as `--json` prints it), `.ine` / `.ext` (the H- / V-representation of the lifted
    /// polyhedron `{(x, t) : x in the box, t ≥ 2⟨z_j, x⟩ − ‖z_j‖² + w_j}`, whose facets project
    /// onto the cells and whose vertices are the diagram's vertices lifted).
    #[arg(long)]
    pub output: Option<PathBuf>,
    /// In 2D, draw the (clipped) diagram to this SVG file.
    #[arg(long, value_name = "OUT")]
    pub svg: Option<PathBuf>,
}

/// JSON output of the subcommand.
#[derive(Serialize)]
struct Report {
    dim: usize,
    /// Number of nonempty cells.
    cells: usize,
    /// Hidden sites (cells with empty interior in the domain).
    hidden: Vec<usize>,
    /// Vertices of the diagram (exact rationals as strings; box corners included when clipped).
    vertices: Vec<Vec<String>>,
    /// Adjacency edges between sites whose cells share a (d−1)-face.
    edges: Vec<(usize, usize)>,
    /// The site of each nonempty cell (the smallest index among identical sites).
    cell_sites: Vec<usize>,
    /// For each site, the index (into `cell_sites`) of its cell, or `null` when hidden. A site
    /// identical to another (same point, same weight) shares that site's cell.
    site_cell: Vec<Option<usize>>,
    /// The cells themselves (`tropical_geometry::formats::power_cells_to_json`).
    cell_objects: Value,
}

fn parse_rat(v: &Value, what: &str) -> anyhow::Result<Rat> {
    let text = match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        other => bail!("{what}: expected a number or a string, found {other}"),
    };
    Rat::parse_exact(&text).map_err(|e| anyhow!("{what}: {e}"))
}

/// Read `{"sites": .., "weights": ..}` from `path`.
pub fn read_sites(path: &Path) -> anyhow::Result<(Vec<Vec<Rat>>, Vec<Rat>)> {
    let name = path.display();
    let text = std::fs::read_to_string(path).with_context(|| format!("{name}: cannot read"))?;
    sites_from_str(&name.to_string(), &text)
}

/// Parse `{"sites": .., "weights": ..}` from `text` (`name` is the file named in errors): at
/// least one site, as many weights as sites, every site with the same number (≥ 1) of
/// coordinates. Memory grows with the text (`serde_json` reads only what is present).
pub fn sites_from_str(name: &str, text: &str) -> anyhow::Result<(Vec<Vec<Rat>>, Vec<Rat>)> {
    let v: Value =
        serde_json::from_str(text).map_err(|e| anyhow!("{name}: line {}: {e}", e.line()))?;
    let sites_v = v
        .get("sites")
        .and_then(Value::as_array)
        .ok_or_else(|| anyhow!("{name}: missing array field \"sites\""))?;
    let weights_v = v
        .get("weights")
        .and_then(Value::as_array)
        .ok_or_else(|| anyhow!("{name}: missing array field \"weights\""))?;
    let mut sites = Vec::with_capacity(sites_v.len());
    for (i, s) in sites_v.iter().enumerate() {
        let row = s
            .as_array()
            .ok_or_else(|| anyhow!("{name}: sites[{i}] is not an array"))?;
        let mut p = Vec::with_capacity(row.len());
        for (c, x) in row.iter().enumerate() {
            p.push(parse_rat(x, &format!("{name}: sites[{i}][{c}]"))?);
        }
        sites.push(p);
    }
    let mut weights = Vec::with_capacity(weights_v.len());
    for (i, w) in weights_v.iter().enumerate() {
        weights.push(parse_rat(w, &format!("{name}: weights[{i}]"))?);
    }
    if sites.is_empty() {
        bail!("{name}: no sites");
    }
    if sites.len() != weights.len() {
        bail!(
            "{name}: {} sites but {} weights",
            sites.len(),
            weights.len()
        );
    }
    let d = sites[0].len();
    if let Some(i) = sites.iter().position(|s| s.len() != d) {
        bail!(
            "{name}: sites[{i}] has {} coordinates, sites[0] has {d}",
            sites[i].len()
        );
    }
    if d == 0 {
        bail!("{name}: sites have no coordinates");
    }
    Ok((sites, weights))
}

/// Draw a 2D diagram clipped to a box as SVG (`tropical_paper::svg::polygons`).
pub fn draw_svg(pd: &PowerDiagram<Rat>, path: &Path, title: &str) -> anyhow::Result<()> {
    let polys = pd.polygons_2d()?;
    let labelled: Vec<tropical_paper::svg::LabelledPolygon> = polys
        .into_iter()
        .map(|p| tropical_paper::svg::LabelledPolygon {
            vertices: p.display,
            label: format!("{}", p.site),
            color_key: p.site as u64,
        })
        .collect();
    tropical_paper::svg::polygons(path, &labelled, title)
        .map_err(|e| anyhow!("{}: {e}", path.display()))
}

/// Run the subcommand.
pub fn run(args: Args) -> anyhow::Result<()> {
    let (sites, weights) = read_sites(&args.file)?;
    let d = sites[0].len();
    let domain = match &args.bbox {
        Some(b) => {
            let (lo, hi) = crate::values::parse_box(b)?;
            Domain::cube(d, lo, hi)
        }
        None => Domain::Whole(d),
    };
    let name = args.file.display();
    let pd = power_diagram(&sites, &weights, &domain).map_err(|e| anyhow!("{name}: {e}"))?;
    if let Some(svg) = &args.svg {
        if d != 2 {
            bail!("--svg needs 2D sites, these are {d}-dimensional");
        }
        let clipped = if matches!(domain, Domain::Box { .. }) {
            pd.clone()
        } else {
            // a box around the sites and the vertices, with a margin of 1
            let coords = sites.iter().chain(&pd.vertices).flatten();
            let lo = coords.clone().min().expect("sites").clone() - Rat::one();
            let hi = coords.max().expect("sites").clone() + Rat::one();
            power_diagram(&sites, &weights, &Domain::cube(2, lo, hi))
                .map_err(|e| anyhow!("{name}: {e}"))?
        };
        draw_svg(&clipped, svg, &format!("power diagram of {name}"))?;
    }
    let report = Report {
        dim: d,
        cells: pd.cells.len(),
        hidden: pd.hidden.clone(),
        vertices: pd
            .vertices
            .iter()
            .map(|v| v.iter().map(ToString::to_string).collect())
            .collect(),
        edges: pd.edges.clone(),
        cell_sites: pd.cells.iter().map(|c| c.site).collect(),
        site_cell: pd.cell_of_site.clone(),
        cell_objects: power_cells_to_json(&pd),
    };
    if let Some(out) = &args.output {
        write_output(&report, &sites, &weights, &domain, out)?;
    }
    if args.json {
        return crate::output::print_json(&report);
    }
    let fmt_point = |v: &Vec<String>| format!("({})", v.join(", "));
    crate::output::print_rows(&[
        ("dimension", d.to_string()),
        ("cells", report.cells.to_string()),
        ("hidden", format!("{:?}", report.hidden)),
        (
            "shared cells",
            shared_cells(&report.site_cell, &report.cell_sites),
        ),
        ("vertices", report.vertices.len().to_string()),
        ("edges", format!("{:?}", report.edges)),
    ]);
    for v in &report.vertices {
        println!("  vertex {}", fmt_point(v));
    }
    Ok(())
}

/// Write `--output`: the report as `.json`, the lifted polyhedron as `.ine` or `.ext`.
fn write_output(
    report: &Report,
    sites: &[Vec<Rat>],
    weights: &[Rat],
    domain: &Domain<Rat>,
    out: &Path,
) -> anyhow::Result<()> {
    let name = out.display();
    match out.extension().and_then(|e| e.to_str()) {
        Some("ine" | "ext") => {
            let lift = power_lifting(sites, weights, domain)
                .and_then(Polyhedron::from_hrep)
                .map_err(|e| anyhow!("--output {name}: {e}"))?;
            let text = write_by_extension(&lift, out).map_err(|e| anyhow!("--output {e}"))?;
            std::fs::write(out, text).with_context(|| format!("{name}: cannot write"))
        }
        Some("json") => crate::output::write_json_file(report, out, "a power diagram"),
        _ => bail!(
            "--output {name}: unknown output format (use .json for the report, .ine or .ext for \
             the lifted polyhedron)"
        ),
    }
}

/// "site i shares the cell of site j" for every duplicate site, or "none".
fn shared_cells(site_cell: &[Option<usize>], cell_sites: &[usize]) -> String {
    let shared: Vec<String> = site_cell
        .iter()
        .enumerate()
        .filter_map(|(i, c)| c.map(|c| (i, cell_sites[c])))
        .filter(|&(i, owner)| i != owner)
        .map(|(i, owner)| format!("site {i} = site {owner}"))
        .collect();
    if shared.is_empty() {
        "none".into()
    } else {
        shared.join(", ")
    }
}
