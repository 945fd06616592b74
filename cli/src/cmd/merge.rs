//! `tropical merge`: join the tile parts written by `tropical regions --tiles … --tile I --out
//! part-I.json` into the count of the whole box, printed as `tropical regions` prints it. The
//! merge is `tropical_attention::tiling::merge_parts`; this module reads the files, calls it once
//! and prints.

use std::path::PathBuf;

use anyhow::Context;
use tropical_algebra::Rat;
use tropical_attention::tiling::{merge_parts, TilePart};

use crate::cmd::regions::{print_count, ShowArgs};

const EXAMPLES: &str = "Examples:
  for i in 0 1 2 3; do
    tropical regions --model M --context C --box=-4,4 --tiles 2x2 --tile $i --out part-$i.json
  done
  tropical merge part-*.json --json
Every tile of the tiling must be given once. JSON fields: docs/json/tiles.md.";

/// Arguments.
#[derive(clap::Args)]
#[command(after_help = EXAMPLES)]
pub struct Args {
    /// The tile parts (JSON), one per tile.
    #[arg(required = true)]
    pub parts: Vec<PathBuf>,
    #[command(flatten)]
    pub show: ShowArgs,
}

/// Run the subcommand.
pub fn run(args: Args) -> anyhow::Result<()> {
    let mut parts = Vec::with_capacity(args.parts.len());
    for path in &args.parts {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("{}: cannot read", path.display()))?;
        let part = TilePart::<Rat>::from_json(&text)
            .with_context(|| format!("{}: not a tile part (docs/json/tiles.md)", path.display()))?;
        parts.push(part);
    }
    let res = merge_parts(parts)?;
    let title = format!("cells of layer {} (heads {:?})", res.layer, res.heads);
    print_count(res, &args.show, &title)
}
