//! `tropical minkowski FILE FILE...`: the Minkowski sum of polytopes (each file a V- or bounded
//! H-representation), by `tropical_geometry::minkowski::minkowski_sum`.

use std::path::PathBuf;

use anyhow::anyhow;
use tropical_geometry::minkowski::minkowski_sum;

use super::hull::{read_polyhedron, Summary};

/// Arguments.
#[derive(clap::Args)]
pub struct Args {
    /// Two or more polytope files (`.ext`, `.ine` or JSON).
    #[arg(required = true, num_args = 1..)]
    pub files: Vec<PathBuf>,
    /// Print JSON (the fields of `tropical hull --json`).
    #[arg(long)]
    pub json: bool,
    /// Skip the face lattice (`f_vector` is then null).
    #[arg(long)]
    pub no_faces: bool,
}

/// Run the subcommand.
pub fn run(args: Args) -> anyhow::Result<()> {
    let mut summands = Vec::with_capacity(args.files.len());
    for f in &args.files {
        let (p, _) = read_polyhedron(f)?;
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
    Summary::of(&sum.polyhedron, !args.no_faces).print(args.json)
}
