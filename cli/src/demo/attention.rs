//! Demo part: attention (placeholder until its issue lands).

/// Print this part of the tour.
pub fn run(_args: &super::Args) -> anyhow::Result<()> {
    Ok(())
}
