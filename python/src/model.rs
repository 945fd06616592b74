//! Models and region counts: `load`, `load_state_dict`, `Model`, `max_affine_regions`,
//! `relu_regions`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use pyo3::prelude::*;
use tropical_algebra::Rat;
use tropical_attention::load::{self as loader, LoadOptions, Naming, TensorNames};
use tropical_attention::regions::{Region, Slice};
use tropical_attention::{Model, ScoreFunction};

use crate::convert::array;
use crate::count::{self, LayerRequest};
use crate::errors;
use crate::run::interruptible;

/// An attention model with exact weights (Setting A), as loaded.
#[pyclass(name = "Model", module = "tropical_attention._native", frozen)]
pub struct PyModel {
    pub(crate) model: Arc<Model<Rat>>,
    naming: String,
    scale_note: String,
}

fn options(
    n_heads: Option<usize>,
    tensors: Option<HashMap<String, String>>,
) -> PyResult<LoadOptions> {
    let naming = match tensors {
        None => None,
        Some(t) => {
            let mut names = TensorNames::default();
            for (role, name) in &t {
                names
                    .set(role.trim(), name.trim())
                    .map_err(errors::attention)?;
            }
            if names.q_weight.is_empty() || names.k_weight.is_empty() || names.v_weight.is_empty() {
                return Err(errors::value(
                    "tensors: q.weight, k.weight and v.weight are required",
                ));
            }
            Some(Naming::Explicit(names))
        }
    };
    Ok(LoadOptions {
        n_heads,
        naming,
        layers: None,
    })
}

impl PyModel {
    fn new(lm: loader::LoadedModel<Rat>) -> Self {
        PyModel {
            model: Arc::new(lm.model),
            naming: lm.naming.as_str().to_string(),
            scale_note: lm.scale_note,
        }
    }
}

/// Load a model: a JSON model (`.json`), a safetensors checkpoint, or a Hugging Face folder
/// (`config.json` + `model.safetensors`).
#[pyfunction]
#[pyo3(signature = (path, n_heads=None, tensors=None))]
pub fn load(
    py: Python<'_>,
    path: PathBuf,
    n_heads: Option<usize>,
    tensors: Option<HashMap<String, String>>,
) -> PyResult<PyModel> {
    let opts = options(n_heads, tensors)?;
    let lm = crate::run::guarded(py, || {
        loader::load_model::<Rat>(&path, &opts).map_err(errors::attention)
    })?;
    Ok(PyModel::new(lm))
}

/// A model from the bytes of a safetensors file built from a state_dict (`name` stands for the
/// source in messages).
#[pyfunction]
#[pyo3(signature = (data, name, n_heads=None, tensors=None))]
pub fn load_state_dict(
    py: Python<'_>,
    data: &[u8],
    name: &str,
    n_heads: Option<usize>,
    tensors: Option<HashMap<String, String>>,
) -> PyResult<PyModel> {
    let opts = options(n_heads, tensors)?;
    let bytes = data.to_vec();
    let lm = crate::run::guarded(py, || {
        loader::safetensors_from_bytes::<Rat>(&bytes, Path::new(name), &opts)
            .map_err(errors::attention)
    })?;
    Ok(PyModel::new(lm))
}

#[pymethods]
impl PyModel {
    /// Number of layers.
    #[getter]
    fn layers(&self) -> usize {
        self.model.layers()
    }
    /// Heads of each layer.
    #[getter]
    fn heads(&self) -> Vec<usize> {
        self.model
            .blocks
            .iter()
            .map(|b| b.attention.heads.len())
            .collect()
    }
    /// Width of the residual stream.
    #[getter]
    fn d_model(&self) -> usize {
        self.model.d_model()
    }
    /// The naming detected ("bert", "gpt2", "explicit", "json").
    #[getter]
    fn naming(&self) -> &str {
        &self.naming
    }
    /// How the score scale was chosen.
    #[getter]
    fn scale_note(&self) -> &str {
        &self.scale_note
    }

    /// Cells and linear regions of layers `layer..layer + depth` with the given context: the
    /// report as JSON text.
    #[pyo3(signature = (context, layer=0, heads=None, slice=None, bbox=None, depth=1, max_regions=None, progress=None, methods=None, time_limit=None))]
    #[allow(clippy::too_many_arguments)]
    fn regions(
        &self,
        py: Python<'_>,
        context: &Bound<'_, PyAny>,
        layer: usize,
        heads: Option<Vec<usize>>,
        slice: Option<Vec<Bound<'_, PyAny>>>,
        bbox: Option<(String, String)>,
        depth: usize,
        max_regions: Option<usize>,
        progress: Option<Bound<'_, PyAny>>,
        methods: Option<Vec<String>>,
        time_limit: Option<f64>,
    ) -> PyResult<(String, bool)> {
        let ctx = array(context, "context")?.matrix("context")?;
        let (region, methods) = (region(slice, bbox)?, methods.unwrap_or_default());
        let req = LayerRequest::new(layer, heads, region, depth, methods, time_limit);
        let model = &self.model;
        let (res, interrupted) = interruptible(py, max_regions, progress, |opts| {
            count::count_layer(model, &ctx, &req, opts)
        })?;
        Ok((res.map_err(errors::attention)?.to_string(), interrupted))
    }
}

/// The counting region from the Python arguments: `slice = (O, U, V[, W])` and `bbox = (LO, HI)`.
pub(crate) fn region(
    slice: Option<Vec<Bound<'_, PyAny>>>,
    bbox: Option<(String, String)>,
) -> PyResult<Region<Rat>> {
    let slice = match slice {
        None => None,
        Some(vs) => {
            if !(3..=4).contains(&vs.len()) {
                return Err(errors::value(format!(
                    "slice takes (O, U, V) for 2D or (O, U, V, W) for 3D: got {} vectors",
                    vs.len()
                )));
            }
            let names = ["slice origin", "slice U", "slice V", "slice W"];
            let vs: Vec<Vec<Rat>> = vs
                .iter()
                .zip(names)
                .map(|(v, w)| array(v, w)?.vector(w))
                .collect::<PyResult<_>>()?;
            Some(Slice {
                origin: vs[0].clone(),
                dirs: vs[1..].to_vec(),
            })
        }
    };
    Ok(Region {
        slice,
        cube: crate::convert::bbox(bbox)?,
    })
}

/// Cells of the common refinement of max-affine functions: `families` is a list of
/// `(slopes, offsets)` arrays (`N_h × d` and `N_h`). The report as JSON text.
#[pyfunction]
#[pyo3(signature = (families, bbox=None, max_regions=None, progress=None))]
pub fn max_affine_regions(
    py: Python<'_>,
    families: Vec<(Bound<'_, PyAny>, Bound<'_, PyAny>)>,
    bbox: Option<(String, String)>,
    max_regions: Option<usize>,
    progress: Option<Bound<'_, PyAny>>,
) -> PyResult<(String, bool)> {
    if families.is_empty() {
        return Err(errors::value("max_affine_regions: no functions given"));
    }
    let fns: Vec<ScoreFunction<Rat>> = families
        .iter()
        .enumerate()
        .map(|(h, (a, b))| {
            let slopes = array(a, &format!("slopes[{h}]"))?.matrix(&format!("slopes[{h}]"))?;
            let offsets = array(b, &format!("offsets[{h}]"))?.vector(&format!("offsets[{h}]"))?;
            if offsets.len() != slopes.rows() || slopes.rows() == 0 {
                return Err(errors::value(format!(
                    "function {h}: {} slopes but {} offsets (need the same number, at least one)",
                    slopes.rows(),
                    offsets.len()
                )));
            }
            Ok(ScoreFunction { slopes, offsets })
        })
        .collect::<PyResult<_>>()?;
    let cube = crate::convert::bbox(bbox)?;
    let (res, interrupted) = interruptible(py, max_regions, progress, |opts| {
        count::count_max_affine(&fns, cube, opts)
    })?;
    Ok((res.map_err(errors::attention)?.to_string(), interrupted))
}

/// Cells and linear regions of a ReLU network `x ↦ W_L(…ReLU(W_1 x + b_1)…) + b_L`. The report
/// as JSON text.
#[pyfunction]
#[pyo3(signature = (weights, biases, bbox=None, max_regions=None, progress=None))]
pub fn relu_regions(
    py: Python<'_>,
    weights: Vec<Bound<'_, PyAny>>,
    biases: Vec<Bound<'_, PyAny>>,
    bbox: Option<(String, String)>,
    max_regions: Option<usize>,
    progress: Option<Bound<'_, PyAny>>,
) -> PyResult<(String, bool)> {
    if weights.len() != biases.len() {
        return Err(errors::value(format!(
            "relu_regions: {} weight matrices but {} bias vectors",
            weights.len(),
            biases.len()
        )));
    }
    let layers = weights
        .iter()
        .zip(&biases)
        .enumerate()
        .map(|(l, (w, b))| {
            let (wn, bn) = (format!("weights[{l}]"), format!("biases[{l}]"));
            Ok((array(w, &wn)?.matrix(&wn)?, array(b, &bn)?.vector(&bn)?))
        })
        .collect::<PyResult<Vec<_>>>()?;
    let cube = crate::convert::bbox(bbox)?;
    let (res, interrupted) = interruptible(py, max_regions, progress, |opts| {
        count::count_relu(layers, cube, opts)
    })?;
    Ok((res.map_err(errors::attention)?.to_string(), interrupted))
}
