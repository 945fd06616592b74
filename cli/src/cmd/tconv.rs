//! `tropical tconv` (placeholder until its issue lands).

/// Arguments.
#[derive(clap::Args)]
pub struct Args {}

/// Run the subcommand.
pub fn run(_args: Args) -> anyhow::Result<()> {
    anyhow::bail!("`tropical tconv` is not built yet")
}
