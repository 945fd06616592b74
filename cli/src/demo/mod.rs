//! `tropical demo`: the main job. A tour of the toolkit in three parts (algebra, geometry,
//! attention), each in its own module, printed readably; figures go to `--out` (SVG).

use std::path::PathBuf;

mod algebra;
mod attention;
mod geometry;

/// Arguments of `tropical demo`.
#[derive(clap::Args)]
#[command(after_help = r#"Examples:
  tropical demo                                # the tour, figures into demo-out/
  tropical demo --out /tmp/tour"#)]
pub struct Args {
    /// Folder for the demo's figures (created if missing).
    #[arg(long, default_value = "demo-out")]
    pub out: PathBuf,
}

/// Run every part of the demo in order.
pub fn run(args: Args) -> anyhow::Result<()> {
    std::fs::create_dir_all(&args.out)
        .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", args.out.display()))?;
    println!("tropical demo — the tropical geometry of attention, end to end\n");
    algebra::run(&args)?;
    geometry::run(&args)?;
    attention::run(&args)?;
    Ok(())
}
