//! # Fuzz targets of the readers
//!
//! What every target in `fuzz_targets/` shares: the prologues (the input as text, or a first
//! byte that picks the reader's options and the rest), the bounded polyhedron build, and the
//! `tropical` command's own readers (the power-diagram sites and the tropical-convex-hull points
//! live in the binary crate), compiled here from their source files so that the fuzz targets call
//! exactly the code the command runs. The library readers (polytope formats, model, safetensors,
//! `.npy`, rationals) are called through their crates.
//!
//! ## Main declarations
//!
//! - [`text_target!`], [`pick_target!`], [`pick_text_target!`]: a fuzz target over text, over a
//!   picking byte and bytes, over a picking byte and text.
//! - [`build_bounded`], [`Bound`], [`READER_BOUND`], [`POLYHEDRON_BOUND`]: build the polyhedron
//!   of what a polytope reader parsed, when it is small enough.
//! - [`power_diagram::sites_from_str`], [`tconv::points_from_str`]: the command's readers.
//! - [`values`]: the command's parsers of flag values (`--box`, `--max-memory`, `--method`).
//!
//! ## Implementation notes
//!
//! Each target is one reader: bytes in, `Ok` or a typed error out; a panic, an abort
//! (allocation failure), an overflow or a timeout is a crash. The text readers take `&str` (the
//! command reads files as UTF-8 and reports other bytes itself), so bytes that are not UTF-8 are
//! skipped. The polytope reader targets build the polyhedron only of tiny inputs
//! ([`READER_BOUND`]), which keeps the conversion path covered at the readers' speed; the
//! `polyhedron` target builds up to [`POLYHEDRON_BOUND`]. `fuzz/run.sh` builds the targets with
//! the sanitizer-coverage flags `cargo fuzz` uses and runs them.
//!
//! ## References
//!
//! - LLVM, *libFuzzer – a library for coverage-guided fuzz testing*.

use tropical_algebra::Rat;
use tropical_geometry::formats::Representation;
use tropical_geometry::polyhedron::Polyhedron;

#[doc(hidden)]
pub use libfuzzer_sys;

#[allow(dead_code)]
#[path = "../../cli/src/output.rs"]
mod output;

/// The `tropical` command's flag values (`--box`, `--max-memory`, `--method`).
#[allow(dead_code)]
#[path = "../../cli/src/values.rs"]
pub mod values;

/// The `tropical power-diagram` reader.
#[allow(dead_code)]
#[path = "../../cli/src/cmd/power_diagram.rs"]
pub mod power_diagram;

/// The `tropical tconv` reader.
#[allow(dead_code)]
#[path = "../../cli/src/cmd/tconv.rs"]
pub mod tconv;

/// A fuzz target over UTF-8 text: `text_target!(|text| body)` runs `body` with `text: &str`
/// for every input that is UTF-8 and skips the others.
#[macro_export]
macro_rules! text_target {
    (|$text:ident| $body:expr) => {
        $crate::libfuzzer_sys::fuzz_target!(|data: &[u8]| {
            if let Ok($text) = std::str::from_utf8(data) {
                $body;
            }
        });
    };
}

/// A fuzz target whose first byte picks the reader's options: `pick_target!(|pick, bytes| body)`
/// runs `body` with `pick: u8` and the rest of the input as `bytes: &[u8]` (the empty input is
/// skipped).
#[macro_export]
macro_rules! pick_target {
    (|$pick:ident, $bytes:ident| $body:expr) => {
        $crate::libfuzzer_sys::fuzz_target!(|data: &[u8]| {
            if let Some((&$pick, $bytes)) = data.split_first() {
                $body;
            }
        });
    };
}

/// [`pick_target!`] for a text reader: the rest of the input as `text: &str` (inputs whose
/// rest is not UTF-8 are skipped).
#[macro_export]
macro_rules! pick_text_target {
    (|$pick:ident, $text:ident| $body:expr) => {
        $crate::libfuzzer_sys::fuzz_target!(|data: &[u8]| {
            if let Some((&$pick, rest)) = data.split_first() {
                if let Ok($text) = std::str::from_utf8(rest) {
                    $body;
                }
            }
        });
    };
}

/// The size up to which a fuzz iteration builds a polyhedron: at most `rows` input rows in
/// ambient dimension at most `dim`.
#[derive(Clone, Copy, Debug)]
pub struct Bound {
    /// Most input rows (inequalities + equations, or points + rays + lines).
    pub rows: usize,
    /// Largest ambient dimension.
    pub dim: usize,
}

/// The bound of the reader targets (`cdd`, `polytope_json`): tiny polytopes only, so that an
/// iteration costs what the reader costs and the conversion path stays covered.
pub const READER_BOUND: Bound = Bound { rows: 8, dim: 3 };

/// The bound of the `polyhedron` target: the readers are the target, not the hull's worst-case
/// running time, so the double description runs on at most 64 rows in dimension at most 8.
pub const POLYHEDRON_BOUND: Bound = Bound { rows: 64, dim: 8 };

/// Build the polyhedron of `rep` (`from_hrep` / `from_vrep`) when it is within `bound`; returns
/// whether it was built (`Ok`) — a typed error and a skipped build both return `false`.
pub fn build_bounded(rep: Representation<Rat>, bound: Bound) -> bool {
    let rows = rep.rows();
    let small = |dim: usize| rows <= bound.rows && dim <= bound.dim;
    match rep {
        Representation::H(h) if small(h.ambient_dim) => Polyhedron::from_hrep(h).is_ok(),
        Representation::V(v) if small(v.ambient_dim) => Polyhedron::from_vrep(v).is_ok(),
        _ => false,
    }
}
