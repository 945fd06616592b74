//! `tropical`: the command-line tool of the tropical-attention toolkit.
//!
//! Every subcommand lives in its own module under `cmd/`; each prints a readable table by default
//! and stable JSON with `--json`. Errors are printed as one line on stderr with exit code 2; a
//! panic (a bug) is printed as `error: internal error (please report): …` with exit code 70
//! (`EX_SOFTWARE` of sysexits.h).

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod cmd;
mod demo;
mod limits;
#[allow(dead_code)] // used by the subcommands as they land
mod output;
mod progress;
mod values;

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
    /// Merge the tile parts of a tiled count (`regions --tiles … --tile I --out FILE`).
    Merge(cmd::merge::Args),
    /// Evaluate an attention model at a point, exactly and at given temperatures.
    Eval(cmd::eval::Args),
    /// Cross-check float attention kernels (CPU or CUDA) against the exact reference.
    GpuCheck(cmd::gpu_check::Args),
    /// Certify any attention kernel's dumped output against the exact reference.
    Certify(cmd::certify::Args),
    /// Panic on purpose (hidden): checks that a panic is reported as an internal error, exit 70.
    #[command(hide = true)]
    InternalPanicForTest,
}

/// Exit code of an internal error (a panic), as `EX_SOFTWARE` in sysexits.h.
const EXIT_INTERNAL: u8 = 70;

/// The message of the latest panic, recorded by the hook for `main` to print.
static LAST_PANIC: std::sync::Mutex<Option<String>> = std::sync::Mutex::new(None);

/// Record each panic's message and place instead of printing it: a panic caught on purpose
/// (the CUDA loader guards its probes with `catch_unwind`) stays silent, and one that reaches
/// `main` is printed there as one line.
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let payload = info.payload();
        let msg = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".into());
        let at = info
            .location()
            .map(|l| format!(" (at {}:{})", l.file(), l.line()))
            .unwrap_or_default();
        if let Ok(mut last) = LAST_PANIC.lock() {
            *last = Some(format!("{msg}{at}").replace('\n', " "));
        }
    }));
}

fn main() -> ExitCode {
    install_panic_hook();
    let cli = Cli::parse();
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || dispatch(cli))) {
        Ok(code) => code,
        Err(_) => {
            let msg = LAST_PANIC
                .lock()
                .ok()
                .and_then(|m| m.clone())
                .unwrap_or_else(|| "unknown panic".into());
            eprintln!("error: internal error (please report): {msg}");
            ExitCode::from(EXIT_INTERNAL)
        }
    }
}

/// Run the subcommand; errors become one line and exit 2.
fn dispatch(cli: Cli) -> ExitCode {
    let result = match cli.command {
        Command::Demo(a) => demo::run(a),
        Command::Poly(a) => cmd::poly::run(a),
        Command::Hull(a) => cmd::hull::run(a),
        Command::Minkowski(a) => cmd::minkowski::run(a),
        Command::PowerDiagram(a) => cmd::power_diagram::run(a),
        Command::Tconv(a) => cmd::tconv::run(a),
        Command::Regions(a) => cmd::regions::run(a),
        Command::Merge(a) => cmd::merge::run(a),
        Command::Eval(a) => cmd::eval::run(a),
        Command::GpuCheck(a) => cmd::gpu_check::run(a),
        Command::Certify(a) => cmd::certify::run(a),
        Command::InternalPanicForTest => panic!("deliberate panic (internal-panic-for-test)"),
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
