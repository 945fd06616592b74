//! `tropical hull FILE`: convex hull / representation conversion of a `.ine`, `.ext` or JSON
//! polyhedron (formats in `tropical_geometry::formats`).

use std::path::{Path, PathBuf};

use anyhow::{anyhow, Context};
use serde::Serialize;
use tropical_algebra::Rat;
use tropical_geometry::formats::{
    parse_any, polyhedron_to_json, write_by_extension, Representation,
};
use tropical_geometry::polyhedron::Polyhedron;

use crate::output::{print_json, print_rows};

/// Arguments.
#[derive(clap::Args)]
pub struct Args {
    /// Input file: cdd/lrs `.ine` (H) or `.ext` (V), or JSON (`{"points": ..}` / `{"inequalities": ..}`).
    pub file: PathBuf,
    /// Print JSON: the counts (`dim`, `ambient_dim`, `vertices`, `rays`, `lines`, `facets`,
    /// `equations`, `f_vector`) and the objects themselves under `objects` (exact "p/q"
    /// strings; fields in docs/json/hull.md).
    #[arg(long)]
    pub json: bool,
    /// Skip the face lattice (`f_vector` is then null): for large inputs.
    #[arg(long)]
    pub no_faces: bool,
    /// Write the polyhedron to this file, in the format its extension names: `.ine`
    /// (H-representation), `.ext` (V-representation) or `.json` (all objects, as under `objects`).
    #[arg(long)]
    pub output: Option<PathBuf>,
}

/// Input representation kind and the polyhedron read from a file.
pub(crate) fn read_polyhedron(path: &Path) -> anyhow::Result<(Polyhedron<Rat>, bool)> {
    let name = path.display();
    let text = std::fs::read_to_string(path).with_context(|| format!("{name}: cannot read"))?;
    let rep = parse_any::<Rat>(&text).map_err(|e| anyhow!("{name}: {e}"))?;
    let is_h = matches!(rep, Representation::H(_));
    let p = match rep {
        Representation::H(h) => Polyhedron::from_hrep(h),
        Representation::V(v) => Polyhedron::from_vrep(v),
    }
    .map_err(|e| anyhow!("{name}: {e}"))?;
    Ok((p, is_h))
}

/// The printed summary of a polyhedron (stable JSON field names; docs/json/hull.md).
#[derive(Serialize)]
pub(crate) struct Summary {
    pub dim: isize,
    pub ambient_dim: usize,
    pub vertices: usize,
    pub rays: usize,
    pub lines: usize,
    pub facets: usize,
    pub equations: usize,
    pub f_vector: Option<Vec<usize>>,
    /// The objects (`tropical_geometry::formats::polyhedron_to_json`), in `--json` only.
    pub objects: serde_json::Value,
}

impl Summary {
    pub(crate) fn of(p: &Polyhedron<Rat>, faces: bool) -> Self {
        Summary {
            dim: p.dim(),
            ambient_dim: p.ambient_dim(),
            vertices: p.vertices().len(),
            rays: p.rays().len(),
            lines: p.lines().len(),
            facets: p.facets().len(),
            equations: p.equations().len(),
            f_vector: faces.then(|| p.f_vector()),
            objects: polyhedron_to_json(p),
        }
    }

    pub(crate) fn print(&self, json: bool) -> anyhow::Result<()> {
        if json {
            return print_json(self);
        }
        let mut rows = vec![
            ("dim", self.dim.to_string()),
            ("ambient_dim", self.ambient_dim.to_string()),
            ("vertices", self.vertices.to_string()),
            ("facets", self.facets.to_string()),
        ];
        if self.rays + self.lines > 0 {
            rows.push(("rays", self.rays.to_string()));
            rows.push(("lines", self.lines.to_string()));
        }
        if self.equations > 0 {
            rows.push(("equations", self.equations.to_string()));
        }
        if let Some(f) = &self.f_vector {
            let s: Vec<String> = f.iter().map(|x| x.to_string()).collect();
            rows.push(("f_vector", format!("({})", s.join(", "))));
        }
        print_rows(&rows);
        Ok(())
    }
}

/// Run the subcommand.
pub fn run(args: Args) -> anyhow::Result<()> {
    let (p, _) = read_polyhedron(&args.file)?;
    if let Some(out) = &args.output {
        write_output(&p, out)?;
    }
    Summary::of(&p, !args.no_faces).print(args.json)
}

/// Write `p` to `out` in the format of its extension (`.ine`, `.ext`, `.json`).
pub(crate) fn write_output(p: &Polyhedron<Rat>, out: &Path) -> anyhow::Result<()> {
    let text = write_by_extension(p, out).map_err(|e| anyhow!("--output {e}"))?;
    std::fs::write(out, text).with_context(|| format!("{}: cannot write", out.display()))
}
