//! Python bindings of the tropical-attention toolkit (the native half of the `tropical_attention`
//! Python package).
//!
//! The Rust library does the work; this crate converts Python inputs to exact rationals, calls one
//! library entry point per function, and hands the result back as JSON text that the Python half
//! (`python/tropical_attention/`) turns into `Fraction`s, `int`s and small result objects.
//!
//! ## Main declarations
//!
//! - [`model::PyModel`] (`Model`) and [`model::load`], [`model::load_state_dict`]: models from a
//!   JSON file, a safetensors file, a Hugging Face folder or a state_dict.
//! - `Model.regions`, [`model::max_affine_regions`], [`model::relu_regions`]: exact cells and
//!   linear regions, through the one adapter [`count`].
//! - [`certify::certify_attention`]: any attention kernel's output against the exact reference.
//! - [`tiling`]: one tile of a tiled count and the merge of the parts (the Ray / Dask driver
//!   `tropical_attention.distributed` submits the tiles).
//! - [`geometry`]: hulls, Minkowski sums, power diagrams, tropical convex hulls, cdd/lrs text.
//!
//! ## Implementation notes
//!
//! - Arrays arrive as `(shape, payload)` where the payload is little-endian `f64` bytes (every
//!   f16/f32/f64 value is exactly an `f64`, hence an exact dyadic rational) or a list of exact
//!   strings (`"p/q"`, integers of any size) — see [`convert`].
//! - Long counts run on a worker thread while the calling thread waits with the GIL released,
//!   checks for Ctrl-C and reports progress ([`run`]); a panic on the worker becomes a
//!   `TropicalError`, never a Rust panic in Python.
//! - Errors keep the library's one-line messages and map to the exception classes of
//!   `tropical_attention._errors` ([`errors`]).
//!
//! ## References
//!
//! - PyO3 user guide, "Parallelism" and "Exceptions" chapters.
//! - SPEC §2 (settings and regions) and §4 (data formats) of this project.

use pyo3::prelude::*;

mod certify;
mod convert;
mod count;
mod errors;
mod geometry;
mod model;
mod run;
mod tiling;

/// The native module `tropical_attention._native`.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<model::PyModel>()?;
    m.add_function(wrap_pyfunction!(model::load, m)?)?;
    m.add_function(wrap_pyfunction!(model::load_state_dict, m)?)?;
    m.add_function(wrap_pyfunction!(model::max_affine_regions, m)?)?;
    m.add_function(wrap_pyfunction!(model::relu_regions, m)?)?;
    m.add_function(wrap_pyfunction!(geometry::polytope, m)?)?;
    m.add_function(wrap_pyfunction!(geometry::minkowski_sum, m)?)?;
    m.add_function(wrap_pyfunction!(geometry::power_diagram, m)?)?;
    m.add_function(wrap_pyfunction!(geometry::tconv, m)?)?;
    m.add_function(wrap_pyfunction!(geometry::parse_cdd, m)?)?;
    m.add_function(wrap_pyfunction!(geometry::write_cdd, m)?)?;
    m.add_function(wrap_pyfunction!(certify::certify_attention, m)?)?;
    m.add_function(wrap_pyfunction!(tiling::count_tile, m)?)?;
    m.add_function(wrap_pyfunction!(tiling::merge_parts, m)?)?;
    m.add_function(wrap_pyfunction!(tiling::tile_count, m)?)?;
    Ok(())
}
