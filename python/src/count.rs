//! The one adapter between the bindings and the library's region counting.
//!
//! `Model.regions` calls the library's counting entry point
//! [`tropical_attention::count::count_cells`], which owns σ = 1, validation, the method choice
//! and cross-checks (walk, Minkowski, SPEC T15 product) and the bounds; this file only maps the
//! package's limits into [`Limits`] and writes the result as the CLI's `regions --json` report.
//! `max_affine_regions` and `relu_regions` call the library's entry points
//! [`tropical_attention::region_counts::count_max_affine_regions`] (walk, checked against the
//! Minkowski count there) and [`tropical_attention::region_counts::count_relu_regions`], and
//! write the same shape of report (one "layer" of labels, `runs`, `agreed`, `stopped`).

use std::sync::atomic::Ordering;

use serde_json::{json, Value};
use tropical_algebra::{Rat, Scalar};
use tropical_attention::count::{
    count_cells, CellCount, CountRequest, Limits, Method, Stop, MAP_NOTE, SCALE_NOTE,
};
use tropical_attention::region_counts::{count_max_affine_regions, count_relu_regions};
use tropical_attention::regions::{self, Region, Regions};
use tropical_attention::{AttentionError, Mat, Model, ScoreFunction};
use tropical_geometry::cells::WalkOptions;

type Result<T> = std::result::Result<T, AttentionError>;

/// What to count in a model.
pub struct LayerRequest {
    /// First layer (0-based).
    pub layer: usize,
    /// Heads of that layer (default: all). Only with `depth == 1`.
    pub heads: Option<Vec<usize>>,
    /// Slice and box.
    pub region: Region<Rat>,
    /// Layers composed from `layer`.
    pub depth: usize,
    /// Method names (`walk`, `minkowski`, `product`); empty: automatic.
    pub methods: Vec<String>,
    /// Stop the walk after this many seconds.
    pub time_limit_s: Option<f64>,
}

impl LayerRequest {
    /// The request with these fields, in their order (`time_limit_s` last).
    pub fn new(
        layer: usize,
        heads: Option<Vec<usize>>,
        region: Region<Rat>,
        depth: usize,
        methods: Vec<String>,
        time_limit_s: Option<f64>,
    ) -> Self {
        LayerRequest {
            layer,
            heads,
            region,
            depth,
            methods,
            time_limit_s,
        }
    }
}

fn invalid(msg: String) -> AttentionError {
    AttentionError::Invalid(msg)
}

fn methods(names: &[String]) -> Result<Vec<Method>> {
    names.iter().map(|m| m.parse()).collect()
}

/// Cells and linear regions of `model` (layers `layer..layer + depth`) with the context the
/// first of them receives, by [`count_cells`]; the report has the fields of `tropical regions
/// --json` (every cell listed).
pub fn count_layer(
    model: &Model<Rat>,
    context: &Mat<Rat>,
    req: &LayerRequest,
    opts: &WalkOptions,
) -> Result<Value> {
    let res = count_cells(model, context, &request(req, opts)?)?;
    report(&res)
}

/// The library's request for `req` with the walk options' limits.
pub fn request(req: &LayerRequest, opts: &WalkOptions) -> Result<CountRequest<Rat>> {
    Ok(CountRequest {
        layer: req.layer,
        first_layer: 0,
        heads: req.heads.clone(),
        region: req.region.clone(),
        depth: req.depth,
        methods: methods(&req.methods)?,
        limits: Limits {
            max_cells: opts.max_cells,
            time_limit_s: req.time_limit_s,
            max_memory_bytes: None,
            cancel: opts.cancel.clone(),
            progress: opts.progress.clone(),
        },
    })
}

/// A count as the report of `tropical regions --json` (every cell listed).
pub fn report(res: &CellCount<Rat>) -> Result<Value> {
    let mut v = serde_json::to_value(res).map_err(|e| invalid(e.to_string()))?;
    merge(
        &mut v,
        json!({
            "cells_minkowski": res.minkowski().and_then(|m| u64::try_from(m).ok()),
            "cells_listed": true,
            "scale": "1",
            "notes": [SCALE_NOTE, MAP_NOTE],
        }),
    );
    Ok(v)
}

fn merge(v: &mut Value, extra: Value) {
    if let (Value::Object(a), Value::Object(b)) = (v, extra) {
        a.extend(b);
    }
}

/// The report of a walk in the shape of the library's `CellCount` JSON: counts, `method`,
/// `runs`, `agreed`, `stopped` and the cells (label as one layer of per-function argmax sets,
/// exact interior point, linear region, exact and float polygon of a bounded 2D cell).
fn cells_json(res: &Regions<Rat>, opts: &WalkOptions, mink: Option<usize>) -> Result<Value> {
    let mut cells = Vec::with_capacity(res.cells.len());
    for c in &res.cells {
        let poly = if res.dimension == 2 {
            regions::cell_polygon(&c.facets, &c.interior_point).ok()
        } else {
            None
        };
        let exact = poly.as_ref().map(|p| {
            p.iter()
                .map(|(x, y)| vec![x.to_string(), y.to_string()])
                .collect::<Vec<_>>()
        });
        let float = poly.as_ref().map(|p| {
            p.iter()
                .map(|(x, y)| [x.to_f64(), y.to_f64()])
                .collect::<Vec<_>>()
        });
        cells.push(json!({
            "label": [c.label],
            "interior_point": crate::convert::strings(&c.interior_point),
            "linear_region": c.linear_region,
            "polygon": exact,
            "polygon_f64": float,
        }));
    }
    let stopped = (!res.complete).then(|| {
        let cancelled = opts
            .cancel
            .as_ref()
            .is_some_and(|c| c.load(Ordering::SeqCst));
        if cancelled {
            Stop::Cancelled
        } else {
            Stop::MaxCells
        }
    });
    let mut runs =
        vec![json!({"method": "walk", "cells": res.cells.len(), "complete": res.complete})];
    if let Some(m) = mink {
        runs.push(json!({"method": "minkowski", "cells": m, "complete": true}));
    }
    let agreed = res.complete && mink.is_none_or(|m| m == res.cells.len());
    Ok(json!({
        "cells": res.cells.len(),
        "linear_regions": res.linear_regions,
        "dimension": res.dimension,
        "complete": res.complete,
        "stopped": stopped,
        "cells_minkowski": mink,
        "method": "walk",
        "runs": runs,
        "agreed": agreed,
        "lps_solved": res.lps_solved,
        "cell_list": cells,
    }))
}

/// Cells of the common refinement of max-affine functions `max_j ⟨a_j, x⟩ + β_j` (one per
/// family), in `R^d` or the cube, by [`count_max_affine_regions`] (which checks a complete
/// whole-space count against the Minkowski count, SPEC T6).
pub fn count_max_affine(
    fns: &[ScoreFunction<Rat>],
    cube: Option<(Rat, Rat)>,
    opts: &WalkOptions,
) -> Result<Value> {
    let res = count_max_affine_regions(fns, cube, opts)?;
    let mut v = cells_json(&res.regions, opts, res.minkowski)?;
    merge(
        &mut v,
        json!({"keys": res.keys, "bound_product": res.bound_product.to_string()}),
    );
    Ok(v)
}

/// Cells (constant selection pattern) and linear regions of the ReLU network with affine
/// layers `layers`, by [`count_relu_regions`].
pub fn count_relu(
    layers: Vec<(Mat<Rat>, Vec<Rat>)>,
    cube: Option<(Rat, Rat)>,
    opts: &WalkOptions,
) -> Result<Value> {
    let res = count_relu_regions(layers, cube, opts)?;
    let mut v = cells_json(&res, opts, None)?;
    let patterns: Vec<Value> = res
        .cells
        .iter()
        .map(|c| serde_json::to_value(&c.pattern).unwrap_or(Value::Null))
        .collect();
    merge(&mut v, json!({ "patterns": patterns }));
    Ok(v)
}
