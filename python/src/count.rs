//! The one adapter between the bindings and the library's region counting.
//!
//! Every region count of the package (`Model.regions`, `max_affine_regions`, `relu_regions`)
//! goes through [`count_layer`], [`count_max_affine`] or [`count_map`], so moving to another
//! library entry point is a change in this file only.

use serde_json::{json, Value};
use tropical_algebra::{Rat, Scalar};
use tropical_attention::regions::{self, Region, Regions};
use tropical_attention::{AttentionError, Mat, Model, PlMap, ScoreFunction};
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
}

fn invalid(msg: String) -> AttentionError {
    AttentionError::Invalid(msg)
}

/// Cells and linear regions of `model` (layers `layer..layer + depth`, σ = 1) with the context
/// the first of them receives; the report has the CLI's `regions --json` fields plus the cells.
pub fn count_layer(
    model: &Model<Rat>,
    context: &Mat<Rat>,
    req: &LayerRequest,
    opts: &WalkOptions,
) -> Result<Value> {
    if req.depth == 0 {
        return Err(invalid("depth must be at least 1".into()));
    }
    let mut sub = model.slice_layers(req.layer, req.depth)?;
    for b in &mut sub.blocks {
        b.attention.scale = Rat::one();
    }
    if context.cols() != sub.d_model() {
        return Err(invalid(format!(
            "context rows have length {}, the model's d_model is {}",
            context.cols(),
            sub.d_model()
        )));
    }
    let n = context.rows();
    let region = &req.region;
    if req.depth == 1 {
        let layer = &sub.blocks[0].attention;
        let heads = req
            .heads
            .clone()
            .unwrap_or_else(|| (0..layer.heads.len()).collect());
        if heads.is_empty() {
            return Err(invalid("heads: no heads given".into()));
        }
        let res = regions::layer_regions(layer, &heads, context, region, opts)?;
        let fns: Vec<ScoreFunction<Rat>> = heads
            .iter()
            .map(|&h| layer.heads[h].score_function(context, &layer.scale))
            .collect::<Result<_>>()?;
        // The cross-check runs on complete whole-space counts only (it is not cancellable).
        let mink = if region.cube.is_none() && res.complete {
            let fns: Vec<_> = fns
                .iter()
                .map(|f| region.restrict(f))
                .collect::<Result<_>>()?;
            Some(regions::minkowski_cell_count(&fns)?)
        } else {
            None
        };
        check(&res, mink)?;
        let bp = regions::bound_product(&vec![n; heads.len()]);
        let bz = regions::bound_zaslavsky(heads.len(), n, res.dimension);
        Ok(report(
            &res,
            heads,
            n,
            bp.to_string(),
            Some(bz.to_string()),
            mink,
            req,
        ))
    } else {
        if req.heads.is_some() {
            return Err(invalid(
                "heads applies to one layer: drop it or use depth=1".into(),
            ));
        }
        let map = sub.compile(context)?;
        let res = regions::map_regions(&map, region, opts)?;
        let keys: Vec<usize> = sub
            .blocks
            .iter()
            .flat_map(|b| vec![n; b.attention.heads.len()])
            .collect();
        let bp = if sub.blocks.iter().any(|b| b.mlp.is_some()) {
            "none (ReLU MLPs present)".to_string()
        } else {
            regions::bound_product(&keys).to_string()
        };
        let heads = (0..sub.blocks[0].attention.heads.len()).collect();
        Ok(report(&res, heads, n, bp, None, None, req))
    }
}

/// The walk and the Minkowski count (SPEC T6) must agree on a complete whole-space count.
fn check(res: &Regions<Rat>, mink: Option<usize>) -> Result<()> {
    match mink {
        Some(m) if res.complete && m != res.cells.len() => Err(AttentionError::Geometry(format!(
            "internal check failed: the walk found {} cells, the Minkowski sum has {m} upper vertices",
            res.cells.len()
        ))),
        _ => Ok(()),
    }
}

fn report(
    res: &Regions<Rat>,
    heads: Vec<usize>,
    keys: usize,
    bound_product: String,
    bound_zaslavsky: Option<String>,
    mink: Option<usize>,
    req: &LayerRequest,
) -> Value {
    let mut v = cells_json(res, mink);
    let extra = json!({
        "heads": heads,
        "keys": keys,
        "bound_product": bound_product,
        "bound_zaslavsky": bound_zaslavsky,
        "layer": req.layer,
        "depth": req.depth,
        "scale": "σ = 1 for counting (cells do not depend on a positive score scale)",
    });
    merge(&mut v, extra);
    v
}

fn merge(v: &mut Value, extra: Value) {
    if let (Value::Object(a), Value::Object(b)) = (v, extra) {
        a.extend(b);
    }
}

/// The common fields of every count: counts, completeness, method and the cells with their
/// labels, interior points and (for bounded 2D cells) exact polygons.
fn cells_json(res: &Regions<Rat>, mink: Option<usize>) -> Value {
    let cells: Vec<Value> = res
        .cells
        .iter()
        .map(|c| {
            let polygon = (res.dimension == 2)
                .then(|| regions::cell_polygon(&c.facets, &c.interior_point).ok())
                .flatten()
                .map(|p| {
                    p.iter()
                        .map(|(x, y)| vec![x.to_string(), y.to_string()])
                        .collect::<Vec<_>>()
                });
            json!({
                "label": c.label,
                "interior_point": crate::convert::strings(&c.interior_point),
                "linear_region": c.linear_region,
                "polygon": polygon,
            })
        })
        .collect();
    let mut methods = vec!["walk"];
    if mink.is_some() {
        methods.push("minkowski");
    }
    json!({
        "cells": res.cells.len(),
        "linear_regions": res.linear_regions,
        "dimension": res.dimension,
        "complete": res.complete,
        "cells_minkowski": mink,
        "method": "walk",
        "methods_agreed": methods,
        "lps_solved": res.lps_solved,
        "cell_list": cells,
    })
}

/// Cells of the common refinement of max-affine functions `max_j ⟨a_j, x⟩ + β_j` (one per
/// family), in `R^d` or the cube.
pub fn count_max_affine(
    fns: &[ScoreFunction<Rat>],
    cube: Option<(Rat, Rat)>,
    opts: &WalkOptions,
) -> Result<Value> {
    if let Some(f) = fns.iter().find(|f| f.dim() != fns[0].dim()) {
        return Err(invalid(format!(
            "all families need the same dimension: {} and {}",
            fns[0].dim(),
            f.dim()
        )));
    }
    let region = Region { slice: None, cube };
    let res = regions::score_regions(fns, &region, opts)?;
    let mink = if region.cube.is_none() && res.complete {
        Some(regions::minkowski_cell_count(fns)?)
    } else {
        None
    };
    check(&res, mink)?;
    let keys: Vec<usize> = fns.iter().map(ScoreFunction::keys).collect();
    let mut v = cells_json(&res, mink);
    merge(
        &mut v,
        json!({"keys": keys, "bound_product": regions::bound_product(&keys).to_string()}),
    );
    Ok(v)
}

/// Cells (constant selection pattern) and linear regions of a piecewise-linear map.
pub fn count_map(map: &PlMap<Rat>, cube: Option<(Rat, Rat)>, opts: &WalkOptions) -> Result<Value> {
    let region = Region { slice: None, cube };
    let res = regions::map_regions(map, &region, opts)?;
    let mut v = cells_json(&res, None);
    let patterns: Vec<Value> = res
        .cells
        .iter()
        .map(|c| serde_json::to_value(&c.pattern).unwrap_or(Value::Null))
        .collect();
    merge(&mut v, json!({ "patterns": patterns }));
    Ok(v)
}
