//! Shared output helpers: `--json` printing and readable tables.

use std::io::Write;

use serde::Serialize;

/// Print `value` as pretty JSON on stdout (stable field names are the struct's serde names).
pub fn print_json<T: Serialize>(value: &T) -> anyhow::Result<()> {
    // buffered: stdout is line-buffered, and a count's report runs to hundreds of thousands
    // of lines
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    serde_json::to_writer_pretty(&mut out, value)?;
    writeln!(out)?;
    out.flush()?;
    Ok(())
}

/// Write `value` as pretty JSON to `out`, which must end in `.json` (`what` says in the error
/// why no other format is offered).
pub fn write_json_file<T: Serialize>(
    value: &T,
    out: &std::path::Path,
    what: &str,
) -> anyhow::Result<()> {
    use anyhow::Context;
    if out.extension().is_none_or(|e| e != "json") {
        anyhow::bail!("--output {}: {what} is written as .json", out.display());
    }
    let text = serde_json::to_string_pretty(value)? + "\n";
    std::fs::write(out, text).with_context(|| format!("{}: cannot write", out.display()))
}

/// A simple left-aligned two-column table of `key: value` rows.
pub fn print_rows(rows: &[(&str, String)]) {
    let w = rows
        .iter()
        .map(|(k, _)| k.chars().count())
        .max()
        .unwrap_or(0);
    for (k, v) in rows {
        println!("{k:<w$}  {v}");
    }
}
