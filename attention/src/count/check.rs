//! Validation of a count request: the layers exist, the context has the model's width and at
//! least one token, the slice and the box have the counting space's dimensions, and heads are in
//! range, distinct, and given only for one layer.
//!
//! ## Main declarations
//!
//! - [`check_layers`]: layers `layer..layer + depth` in a checkpoint or a window of it (public:
//!   the command line checks its flags with it before loading).
//! - `check_request`, `check_heads`: the checks [`super::count_cells`] makes before it starts.
//!
//! ## Implementation notes
//!
//! Every error names the valid range (`layer 6: layers are 0..5`, `head 3: layer 0 has heads
//! 0..1`); arithmetic on user-given indices is overflow-checked, so hostile values are errors,
//! never panics.
//!
//! ## References
//!
//! - SPEC §2 "Regions" (`../shared/SPEC.md`).

use tropical_algebra::Scalar;

use super::CountRequest;
use crate::error::{AttentionError, Result};
use crate::linalg::Mat;
use crate::model::{AttentionLayer, Model};
use crate::regions::Region;

/// The checks every count makes before it starts: layers, context shape, region, heads only
/// at depth 1. Returns the index in `model.blocks` of the first layer counted.
pub(super) fn check_request<S: Scalar>(
    model: &Model<S>,
    context: &Mat<S>,
    request: &CountRequest<S>,
) -> Result<usize> {
    check_layers(
        request.layer,
        request.depth,
        request.first_layer,
        model.layers(),
    )?;
    let d = model.d_model();
    if context.cols() != d {
        return Err(AttentionError::Invalid(format!(
            "context rows have length {}, the model's d_model is {d}",
            context.cols()
        )));
    }
    if context.rows() == 0 {
        return Err(AttentionError::Empty(
            "context has no tokens (N = 0)".into(),
        ));
    }
    check_region(&request.region, d)?;
    if request.depth > 1 && request.heads.is_some() {
        return Err(AttentionError::Invalid(
            "heads apply to one layer: leave them out or use depth 1".into(),
        ));
    }
    Ok(request.layer - request.first_layer)
}

/// Check that layers `layer..layer + depth` exist in a checkpoint of `layers` layers (or in a
/// window of `loaded` layers from `first`): errors read `layer 6: layers are 0..5`.
pub fn check_layers(layer: usize, depth: usize, first: usize, loaded: usize) -> Result<()> {
    if depth == 0 {
        return Err(AttentionError::Invalid("depth must be at least 1".into()));
    }
    let last = first.saturating_add(loaded);
    // `layer + depth` may overflow for hostile values: then the window certainly ends too late.
    let end = layer.checked_add(depth);
    if layer < first || end.is_none_or(|e| e > last) {
        let range = if last == 0 {
            "there are none".to_string()
        } else {
            format!("layers are {first}..{}", last - 1)
        };
        return Err(AttentionError::Invalid(if depth == 1 {
            format!("layer {layer}: {range}")
        } else {
            format!(
                "layers {layer}..{} (depth {depth}): {range}",
                layer.saturating_add(depth - 1)
            )
        }));
    }
    Ok(())
}

fn check_region<S: Scalar>(region: &Region<S>, d: usize) -> Result<()> {
    if let Some(s) = &region.slice {
        if s.origin.len() != d {
            return Err(AttentionError::Invalid(format!(
                "slice origin has length {}, d_model is {d}",
                s.origin.len()
            )));
        }
        if s.dirs.is_empty() {
            return Err(AttentionError::Invalid("slice with no directions".into()));
        }
        for (i, u) in s.dirs.iter().enumerate() {
            if u.len() != d {
                return Err(AttentionError::Invalid(format!(
                    "slice direction {} has length {}, d_model is {d}",
                    i + 1,
                    u.len()
                )));
            }
        }
    }
    region.domain(d).map(|_| ())
}

pub(crate) fn check_heads<S: Scalar>(
    layer: &AttentionLayer<S>,
    heads: &[usize],
    index: usize,
) -> Result<()> {
    let n = layer.heads.len();
    if heads.is_empty() {
        return Err(AttentionError::Invalid("no heads given".into()));
    }
    for (i, &h) in heads.iter().enumerate() {
        if h >= n {
            return Err(AttentionError::Invalid(format!(
                "head {h}: layer {index} has heads 0..{}",
                n - 1
            )));
        }
        if heads[..i].contains(&h) {
            return Err(AttentionError::Invalid(format!("head {h} given twice")));
        }
    }
    Ok(())
}
