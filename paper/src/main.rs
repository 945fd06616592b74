//! `tropical-paper`: regenerate the paper's figures and tables.
//!
//! ```text
//! tropical-paper all [--out DIR] [--quick]    every figure and table (default DIR: paper/out)
//! tropical-paper fig NAME [--out DIR] [--quick]
//! tropical-paper list
//! tropical-paper readme [--check]   the README's generated tables: rewrite (or check) them
//! ```

#![warn(missing_docs)]

use std::path::PathBuf;
use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};
use tropical_paper::{registry, write_artifact, Artifact, Size};

const USAGE: &str =
    "usage: tropical-paper all [--out DIR] [--quick] | fig NAME [--out DIR] [--quick] | list | \
     readme [--check]";

fn main() {
    if let Err(e) = run() {
        eprintln!("tropical-paper: {e}");
        std::process::exit(2);
    }
}

/// Rewrite the README's generated tables, or with `check` fail when they are stale.
fn readme(check: bool) -> Result<(), String> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../README.md");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let synced = tropical_paper::sync_readme(&text).map_err(|e| e.to_string())?;
    if synced == text {
        println!("README.md: generated tables are current");
    } else if check {
        return Err("README.md: generated tables are stale (run `tropical-paper readme`)".into());
    } else {
        std::fs::write(&path, synced).map_err(|e| format!("{}: {e}", path.display()))?;
        println!("README.md: generated tables rewritten");
    }
    Ok(())
}

fn run() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let cmd = args.next().ok_or(USAGE)?;
    let mut name: Option<String> = None;
    let mut out = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("out");
    let mut quick = false;
    let mut check = false;
    while let Some(a) = args.next() {
        match a.as_str() {
            "--quick" => quick = true,
            "--check" if cmd == "readme" => check = true,
            "--out" => out = args.next().ok_or("--out needs a directory")?.into(),
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(());
            }
            s if cmd == "fig" && name.is_none() && !s.starts_with('-') => name = Some(s.into()),
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    let entries = registry();
    let chosen: Vec<_> = match cmd.as_str() {
        "list" => {
            for e in &entries {
                println!("{:<16} {}", e.name, e.about);
            }
            return Ok(());
        }
        "all" => entries.iter().collect(),
        "readme" => return readme(check),
        "fig" => {
            let n = name.ok_or("fig needs a NAME (see `tropical-paper list`)")?;
            let e = entries.iter().find(|e| e.name == n).ok_or_else(|| {
                let names: Vec<_> = entries.iter().map(|e| e.name).collect();
                format!("no figure or table {n:?}; names: {}", names.join(", "))
            })?;
            vec![e]
        }
        "-h" | "--help" => {
            println!("{USAGE}");
            return Ok(());
        }
        other => return Err(format!("unknown command {other:?}\n{USAGE}")),
    };
    let size = Size { quick };
    let bar = ProgressBar::new(chosen.len() as u64);
    bar.set_style(
        ProgressStyle::with_template("{bar:30} {pos}/{len} {msg} [{elapsed}]")
            .map_err(|e| e.to_string())?,
    );
    let say = |line: String| {
        if bar.is_hidden() {
            eprintln!("{line}");
        } else {
            bar.println(line);
        }
    };
    let t_all = Instant::now();
    for e in chosen {
        bar.set_message(e.name);
        let t = Instant::now();
        let arts = (e.build)(size).map_err(|err| format!("{}: {err}", e.name))?;
        for a in &arts {
            if let Artifact::Skipped { name, reason } = a {
                say(format!("skipped {name}: {reason}"));
            }
            let files = write_artifact(a, &out).map_err(|err| err.to_string())?;
            for f in files {
                say(format!("wrote {}", f.display()));
            }
        }
        say(format!("{}: {:.1} s", e.name, t.elapsed().as_secs_f64()));
        bar.inc(1);
    }
    bar.finish_and_clear();
    println!(
        "done in {:.1} s ({} size), output in {}",
        t_all.elapsed().as_secs_f64(),
        if quick { "quick" } else { "full" },
        out.display()
    );
    Ok(())
}
