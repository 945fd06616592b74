//! `tropical`: the command-line tool of the tropical-attention toolkit.
//!
//! Every subcommand lives in its own module under `cmd/`; each prints a readable table by default
//! and stable JSON with `--json`. Errors are printed as one line on stderr with exit code 2.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod cmd;
mod demo;
#[allow(dead_code)] // used by the subcommands as they land
mod output;

/// Tropical geometry of attention: exact arithmetic, polyhedral geometry, region counting.
#[derive(Parser)]
#[command(name = "tropical", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// The main job: a tour of the toolkit (algebra, geometry, attention), end to end.
    Demo(demo::Args),
    /// Evaluate a tropical polynomial exactly and at finite temperatures.
    Poly(cmd::poly::Args),
    /// Convex hull / representation conversion of a `.ine`/`.ext`/JSON polytope.
    Hull(cmd::hull::Args),
    /// Minkowski sum of polytopes.
    Minkowski(cmd::minkowski::Args),
    /// Power diagram of weighted sites (JSON `{"sites": .., "weights": ..}`).
    PowerDiagram(cmd::power_diagram::Args),
    /// Tropical convex hull of points (Develin–Sturmfels).
    Tconv(cmd::tconv::Args),
    /// Count cells and linear regions of an attention model.
    Regions(cmd::regions::Args),
    /// Evaluate an attention model at a point, exactly and at given temperatures.
    Eval(cmd::eval::Args),
    /// Cross-check float attention kernels (CPU or CUDA) against the exact reference.
    GpuCheck(cmd::gpu_check::Args),
    /// Certify any attention kernel's dumped output against the exact reference.
    Certify(cmd::certify::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Demo(a) => demo::run(a),
        Command::Poly(a) => cmd::poly::run(a),
        Command::Hull(a) => cmd::hull::run(a),
        Command::Minkowski(a) => cmd::minkowski::run(a),
        Command::PowerDiagram(a) => cmd::power_diagram::run(a),
        Command::Tconv(a) => cmd::tconv::run(a),
        Command::Regions(a) => cmd::regions::run(a),
        Command::Eval(a) => cmd::eval::run(a),
        Command::GpuCheck(a) => cmd::gpu_check::run(a),
        Command::Certify(a) => cmd::certify::run(a),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // One line: the whole context chain joined by ": ".
            let msg = format!("{e:#}").replace('\n', " ");
            eprintln!("error: {msg}");
            ExitCode::from(2)
        }
    }
}
