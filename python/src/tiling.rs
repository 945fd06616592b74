//! Tiled counting from Python: one tile's part, and the merge of all parts.
//!
//! The library does the work (`tropical_attention::tiling`); this file converts the arguments,
//! calls [`count_tile`] or [`merge_parts`] once and hands back JSON text: a tile part
//! (`docs/json/tiles.md`) or the merged count as the report of `Model.regions`. The Python half
//! (`tropical_attention/distributed.py`) submits the tiles to Ray, Dask or local threads.
//!
//! ## Main declarations
//!
//! - [`count_tile`] (`_native.count_tile`), [`merge_parts`] (`_native.merge_parts`),
//!   [`tile_count`] (`_native.tile_count`, the number of tiles of a grid).
//!
//! ## Implementation notes
//!
//! A tile runs on a worker thread with the GIL released ([`interruptible`]), so several tiles
//! counted from threads of one process use several cores.
//!
//! ## References
//!
//! - `tropical_attention::tiling` (module docs: which cells a part holds, joins across tiles).

use pyo3::prelude::*;
use tropical_algebra::Rat;
use tropical_attention::tiling::{self, TilePart, Tiling};
use tropical_attention::AttentionError;

use crate::convert::array;
use crate::count::{self, LayerRequest};
use crate::errors;
use crate::model::{region, PyModel};
use crate::run::{guarded, interruptible};

/// Count tile `index` of the grid `tiles` (`"4x4"`) of the box `bbox` (slice coordinates with a
/// `slice`): the tile part as JSON text, and whether Ctrl-C stopped it.
#[pyfunction]
#[pyo3(signature = (model, context, tiles, index, bbox, layer=0, heads=None, slice=None, depth=1, max_regions=None, time_limit=None))]
#[allow(clippy::too_many_arguments)]
pub fn count_tile(
    py: Python<'_>,
    model: &PyModel,
    context: &Bound<'_, PyAny>,
    tiles: &str,
    index: usize,
    bbox: (String, String),
    layer: usize,
    heads: Option<Vec<usize>>,
    slice: Option<Vec<Bound<'_, PyAny>>>,
    depth: usize,
    max_regions: Option<usize>,
    time_limit: Option<f64>,
) -> PyResult<(String, bool)> {
    let ctx = array(context, "context")?.matrix("context")?;
    let region = region(slice, Some(bbox))?;
    let req = LayerRequest::new(layer, heads, region, depth, Vec::new(), time_limit);
    let (lo, hi) = req
        .region
        .cube
        .clone()
        .expect("region has the box it was given");
    let tiling = Tiling::parse(tiles, lo, hi, req.region.dim(model.model.d_model()))
        .map_err(errors::attention)?;
    let m = &model.model;
    let (res, interrupted) = interruptible(py, max_regions, None, |opts| {
        let request = count::request(&req, opts)?;
        let part = tiling::count_tile(m, &ctx, &request, &tiling, index)?;
        serde_json::to_string(&part).map_err(|e| AttentionError::Invalid(e.to_string()))
    })?;
    Ok((res.map_err(errors::attention)?, interrupted))
}

/// Merge tile parts (JSON texts, one per tile) into the count of the whole box: the report of
/// `Model.regions` as JSON text. Errors name the missing, duplicated or foreign tile.
#[pyfunction]
pub fn merge_parts(py: Python<'_>, parts: Vec<String>) -> PyResult<String> {
    guarded(py, || {
        let parsed = parts
            .iter()
            .enumerate()
            .map(|(i, t)| {
                TilePart::<Rat>::from_json(t).map_err(|e| {
                    errors::value(format!(
                        "part {i}: not a tile part (docs/json/tiles.md): {e}"
                    ))
                })
            })
            .collect::<PyResult<Vec<_>>>()?;
        let res = tiling::merge_parts(parsed).map_err(errors::attention)?;
        Ok(count::report(&res).map_err(errors::attention)?.to_string())
    })
}

/// The number of tiles of the grid `tiles` (`"2x2x2"`) in a `dimension`-dimensional count.
#[pyfunction]
pub fn tile_count(tiles: &str, dimension: usize) -> PyResult<usize> {
    Tiling::parse(tiles, Rat::from(0), Rat::from(1), dimension)
        .map(|t| t.len())
        .map_err(errors::attention)
}
