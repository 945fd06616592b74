//! # Fuzz targets of the readers
//!
//! The `tropical` command's own readers (the power-diagram sites and the tropical-convex-hull
//! points live in the binary crate), compiled here from their source files so that the fuzz
//! targets call exactly the code the command runs. The library readers (polytope formats, model,
//! safetensors, `.npy`, rationals) are called through their crates.
//!
//! ## Main declarations
//!
//! - [`power_diagram::sites_from_str`], [`tconv::points_from_str`]: the command's readers.
//! - [`small_enough`]: the size bound a target applies before building a polyhedron.
//!
//! ## Implementation notes
//!
//! Each target in `fuzz_targets/` is one reader: bytes in, `Ok` or a typed error out; a panic,
//! an abort (allocation failure), an overflow or a timeout is a crash. `fuzz/run.sh` builds the
//! targets with the sanitizer-coverage flags `cargo fuzz` uses and runs them.
//!
//! ## References
//!
//! - LLVM, *libFuzzer – a library for coverage-guided fuzz testing*.

#[allow(dead_code)]
#[path = "../../cli/src/output.rs"]
mod output;

/// The `tropical power-diagram` reader.
#[allow(dead_code)]
#[path = "../../cli/src/cmd/power_diagram.rs"]
pub mod power_diagram;

/// The `tropical tconv` reader.
#[allow(dead_code)]
#[path = "../../cli/src/cmd/tconv.rs"]
pub mod tconv;

/// Whether a parsed polytope is small enough to build its polyhedron inside a fuzz iteration
/// (at most 64 rows in dimension at most 8): the readers are the target, not the hull's
/// worst-case running time.
pub fn small_enough(rows: usize, dim: usize) -> bool {
    rows <= 64 && dim <= 8
}
