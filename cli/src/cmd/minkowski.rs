//! `tropical minkowski FILE FILE...`: the Minkowski sum of polytopes (each file a V- or bounded
//! H-representation), by `tropical_geometry::minkowski::minkowski_sum`.

use std::path::PathBuf;

use anyhow::anyhow;
use tropical_geometry::minkowski::minkowski_sum;

use super::hull::{read_polyhedron, write_output, Summary};

/// Arguments.
#[derive(clap::Args)]
#[command(after_help = r#"Examples:
  tropical minkowski a.ext b.ext --output sum.ext
  tropical minkowski a.ine b.ext --json        # the sum's objects and each vertex's summands
JSON fields: docs/json/minkowski.md."#)]
pub struct Args {
    /// Two or more polytope files (`.ext`, `.ine` or JSON).
    #[arg(required = true, num_args = 1..)]
    pub files: Vec<PathBuf>,
    /// Print JSON (the fields of `tropical hull --json`, and `decomposition`: for each vertex of
    /// the sum, the index of the summand vertex it comes from, per summand; docs/json/minkowski.md).
    #[arg(long)]
    pub json: bool,
    /// Skip the face lattice (`f_vector` is then null).
    #[arg(long)]
    pub no_faces: bool,
    /// Write the sum to this file: `.ine`, `.ext` or `.json` (by extension).
    #[arg(long)]
    pub output: Option<PathBuf>,
}

/// Run the subcommand.
pub fn run(args: Args) -> anyhow::Result<()> {
    let mut summands = Vec::with_capacity(args.files.len());
    let mut first: Option<(&std::path::Path, usize)> = None;
    for f in &args.files {
        let (p, _) = read_polyhedron(f)?;
        match first {
            None => first = Some((f.as_path(), p.ambient_dim())),
            Some((f0, d0)) if d0 != p.ambient_dim() => {
                return Err(anyhow!(
                    "{}: ambient dimension {} differs from {}'s {d0} (summands must live in the same space)",
                    f.display(),
                    p.ambient_dim(),
                    f0.display()
                ));
            }
            Some(_) => {}
        }
        if p.is_empty() {
            return Err(anyhow!("{}: the polytope is empty", f.display()));
        }
        if !p.is_bounded() {
            return Err(anyhow!(
                "{}: unbounded polyhedron (Minkowski sums are of polytopes)",
                f.display()
            ));
        }
        summands.push(p.vertices().to_vec());
    }
    let sum = minkowski_sum(&summands).map_err(|e| anyhow!("minkowski sum: {e}"))?;
    if let Some(out) = &args.output {
        write_output(&sum.polyhedron, out)?;
    }
    let mut summary = Summary::of(&sum.polyhedron, !args.no_faces);
    if let serde_json::Value::Object(o) = &mut summary.objects {
        // The decomposition is indexed like `sum.vertices`, which is `polyhedron.vertices()`.
        o.insert(
            "decomposition".into(),
            serde_json::to_value(&sum.decomposition)?,
        );
    }
    summary.print(args.json)
}
