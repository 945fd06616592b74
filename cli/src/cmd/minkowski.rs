//! `tropical minkowski FILE FILE...`: the Minkowski sum of polytopes (each file a V- or bounded
//! H-representation), by `tropical_geometry::minkowski::minkowski_sum`.

use std::path::PathBuf;

use anyhow::anyhow;
use tropical_geometry::minkowski::minkowski_sum;

use super::hull::{read_polyhedron, OutputArgs};

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
    #[command(flatten)]
    pub out: OutputArgs,
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
    // The decomposition is indexed like `sum.vertices`, which is `polyhedron.vertices()`.
    let decomposition = serde_json::to_value(&sum.decomposition)?;
    args.out
        .emit(&sum.polyhedron, Some(("decomposition", decomposition)))
}
