//! # Loading models, contexts and arrays
//!
//! Reads attention models and their inputs from the files other tools write: hand-written JSON
//! models ([`json`]), safetensors checkpoints with BERT or GPT-2 naming or explicit tensor names
//! ([`safetensors`]), Hugging Face checkpoint folders (`config.json` beside one or several
//! `*.safetensors`, [`hf`]) and `.npy` arrays ([`npy`]). Every float converts to a rational
//! exactly (every finite f16/bf16/f32/f64 is dyadic, SPEC §4); NaN/inf, missing tensors, wrong
//! shapes and unsupported dtypes are errors that name the file and tensor.
//!
//! ## Main declarations
//!
//! - [`load_model`]: one entry point for a model path (JSON file, safetensors file or folder),
//!   honouring every [`LoadOptions`] field for every format.
//! - [`load_matrix`], [`load_vector`]: contexts and vectors from `.json`, `.npy`, `.safetensors`.
//! - [`npy::load_npy`], [`npy::load_npy_floats`]: arrays of any supported dtype and shape.
//! - [`Naming`], [`TensorNames`], [`LoadOptions`], [`LoadedModel`].
//!
//! ## Implementation notes
//!
//! No reader trusts a count, shape or offset of its input: each is checked against the bytes
//! actually present (with overflow-checked arithmetic) and against the limits below before any
//! allocation, so memory grows with the data read, never with a number claimed in a header.
//!
//! - `.npy`: the header is at most [`npy::MAX_HEADER_BYTES`] bytes, at most [`npy::MAX_DIMS`]
//!   dimensions, and the shape's element count times the element width must equal the data bytes.
//! - safetensors: the `safetensors` crate checks the header length (≤ 100 MB), that offsets are
//!   in the buffer and contiguous, and that each shape matches its byte range.
//! - JSON: `serde_json` reads only what is present (recursion depth ≤ 128).
//! - A Hugging Face index (`model.safetensors.index.json`) lists at most [`hf::MAX_SHARDS`] shard
//!   files, each a plain file name inside the folder.
//!
//! ## References
//!
//! - NumPy Enhancement Proposal 1, *A simple file format for NumPy arrays* (the `.npy` format).
//! - Hugging Face, *safetensors* format specification and the `transformers` sharded checkpoint
//!   layout (`model.safetensors.index.json`).

use std::path::Path;

use tropical_algebra::Scalar;

use crate::error::{shape_err, AttentionError, Result};
use crate::linalg::Mat;
use crate::model::Model;

pub mod hf;
pub mod json;
pub mod npy;
pub mod safetensors;

pub use self::hf::load_hf_folder;
pub use self::json::{context_from_json_str, model_from_json_str, vector_from_json_str};
pub use self::npy::{npy_from_bytes, Array};
pub use self::safetensors::{load_safetensors, safetensors_from_bytes};

pub(crate) fn read_file(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|err| AttentionError::Io {
        path: path.display().to_string(),
        err,
    })
}

pub(crate) fn fmt_err(path: &str, msg: impl Into<String>) -> AttentionError {
    AttentionError::Format {
        path: path.to_string(),
        msg: msg.into(),
    }
}

/// How attention tensors are named in a checkpoint. `{l}` in a name stands for the layer index.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Naming {
    /// `encoder.layer.{l}.attention.self.{query,key,value}.{weight,bias}`,
    /// `encoder.layer.{l}.attention.output.dense.{weight,bias}` (weights `[out, in]`).
    Bert,
    /// `h.{l}.attn.c_attn.{weight,bias}` (fused Q,K,V, Conv1D weight `[in, 3·out]`) and
    /// `h.{l}.attn.c_proj.{weight,bias}` (`[in, out]`).
    Gpt2,
    /// Explicit names.
    Explicit(TensorNames),
    /// A hand-written JSON model (schema in [`json`]); no tensor names.
    Json,
}

impl Naming {
    /// A short name: `"bert"`, `"gpt2"`, `"explicit"` or `"json"`.
    ///
    /// ```
    /// use tropical_attention::load::Naming;
    /// assert_eq!(Naming::Gpt2.as_str(), "gpt2");
    /// ```
    pub fn as_str(&self) -> &'static str {
        match self {
            Naming::Bert => "bert",
            Naming::Gpt2 => "gpt2",
            Naming::Explicit(_) => "explicit",
            Naming::Json => "json",
        }
    }
}

impl std::fmt::Display for Naming {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Explicit tensor names (with `{l}` for the layer index) for checkpoints with other conventions.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TensorNames {
    /// Query weight (required).
    pub q_weight: String,
    /// Query bias.
    pub q_bias: Option<String>,
    /// Key weight (required).
    pub k_weight: String,
    /// Key bias.
    pub k_bias: Option<String>,
    /// Value weight (required).
    pub v_weight: String,
    /// Value bias.
    pub v_bias: Option<String>,
    /// Output projection weight (default: identity).
    pub o_weight: Option<String>,
    /// Output projection bias.
    pub o_bias: Option<String>,
    /// Weights are stored `[in, out]` (Conv1D) rather than `[out, in]`.
    pub in_out: bool,
}

impl TensorNames {
    /// Set a name by role: `q.weight`, `q.bias`, `k.weight`, `k.bias`, `v.weight`, `v.bias`,
    /// `o.weight`, `o.bias`.
    pub fn set(&mut self, role: &str, name: &str) -> Result<()> {
        let n = name.to_string();
        match role {
            "q.weight" => self.q_weight = n,
            "q.bias" => self.q_bias = Some(n),
            "k.weight" => self.k_weight = n,
            "k.bias" => self.k_bias = Some(n),
            "v.weight" => self.v_weight = n,
            "v.bias" => self.v_bias = Some(n),
            "o.weight" => self.o_weight = Some(n),
            "o.bias" => self.o_bias = Some(n),
            r => {
                return Err(AttentionError::Invalid(format!(
                    "unknown tensor role {r:?} (roles: q.weight q.bias k.weight k.bias v.weight v.bias o.weight o.bias)"
                )))
            }
        }
        Ok(())
    }
}

/// Options for [`load_model`] (every field is honoured for every format).
#[derive(Clone, Debug, Default)]
pub struct LoadOptions {
    /// Head count (default: `num_attention_heads` / `n_head` from the file's metadata or a
    /// `config.json` beside it). For a JSON model, which lists its heads, a given count must
    /// match every layer's.
    pub n_heads: Option<usize>,
    /// Load only the layers `start..start + count` (default: all), so that a large checkpoint is
    /// not converted to rationals entirely. Block 0 of the result is layer `start`. Asking for
    /// layers the model does not have is [`AttentionError::LayerRange`].
    pub layers: Option<(usize, usize)>,
    /// Naming (default: detected, BERT then GPT-2, with prefixes "", "bert.", "transformer.").
    /// [`Naming::Json`] requires a JSON model; a tensor naming requires a checkpoint.
    pub naming: Option<Naming>,
}

/// A model loaded from a checkpoint, with what was detected.
#[derive(Clone, Debug)]
pub struct LoadedModel<S> {
    /// The model (attention blocks only: LayerNorm and GELU MLPs are not piecewise linear).
    pub model: Model<S>,
    /// The naming used ([`Naming::Json`] for a JSON model).
    pub naming: Naming,
    /// The name prefix found ("", "bert.", "transformer.").
    pub prefix: String,
    /// Heads per layer (of the first loaded layer for a JSON model).
    pub n_heads: usize,
    /// How σ was chosen (1/√d_k when d_k is a perfect square, else 1).
    pub scale_note: String,
}

/// The exact score scale for head width `d_k`: `1/√d_k` when it is rational, else `1` (cells do not
/// depend on a positive scale), with a note saying which.
///
/// ```
/// use tropical_algebra::{Rat, Scalar};
/// let (s, _) = tropical_attention::load::default_scale::<Rat>(16);
/// assert_eq!(s, Rat::from_ratio(1, 4).unwrap());
/// ```
pub fn default_scale<S: Scalar>(d_k: usize) -> (S, String) {
    let r = (d_k as f64).sqrt().round() as usize;
    if r > 0 && r.checked_mul(r) == Some(d_k) {
        (
            S::from_ratio(1, r as i64).expect("r > 0"),
            format!("σ = 1/√d_k = 1/{r}"),
        )
    } else {
        (
            S::one(),
            format!("σ = 1 (1/√{d_k} is irrational; cells do not depend on a positive scale)"),
        )
    }
}

/// Load a model: a Hugging Face folder (`config.json` and `*.safetensors`), a JSON model
/// (`.json`) or a safetensors file (anything else). Every [`LoadOptions`] field is honoured.
///
/// ```
/// use tropical_algebra::Rat;
/// use tropical_attention::load::{load_model, LoadOptions, Naming};
/// let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/tiny-bert.safetensors");
/// let lm = load_model::<Rat>(&p, &LoadOptions { layers: Some((1, 1)), ..Default::default() })
///     .unwrap();
/// assert_eq!((lm.naming, lm.n_heads, lm.model.layers()), (Naming::Bert, 2, 1));
/// ```
pub fn load_model<S: Scalar>(path: &Path, opts: &LoadOptions) -> Result<LoadedModel<S>> {
    let is_json = path.extension().is_some_and(|e| e == "json");
    if path.is_dir() {
        hf::load_hf_folder(path, opts)
    } else if is_json {
        json::load_json_model(path, opts)
    } else {
        if opts.naming == Some(Naming::Json) {
            return Err(AttentionError::Invalid(format!(
                "{}: JSON naming asked for a file without the .json extension",
                path.display()
            )));
        }
        load_safetensors(path, opts)
    }
}

/// Load an `N × d` matrix from `.json`, `.npy` or `.safetensors` (`tensor` names it; default: the
/// only tensor). A leading batch dimension of size 1 is dropped.
pub fn load_matrix<S: Scalar>(path: &Path, tensor: Option<&str>) -> Result<Mat<S>> {
    let p = path.display().to_string();
    let bytes = read_file(path)?;
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    let arr: Array<S> = match ext {
        "json" => {
            let text = String::from_utf8(bytes).map_err(|_| fmt_err(&p, "not UTF-8 text"))?;
            return context_from_json_str(&text, &p);
        }
        "npy" => npy_from_bytes(&bytes, &p)?,
        _ => safetensors::single_tensor(&bytes, &p, tensor)?,
    };
    let shape: Vec<usize> = if arr.shape.len() == 3 && arr.shape[0] == 1 {
        arr.shape[1..].to_vec()
    } else {
        arr.shape.clone()
    };
    if shape.len() != 2 {
        return Err(shape_err(
            format!("{p}: matrix"),
            "N × d (or 1 × N × d)",
            format!("{:?}", arr.shape),
        ));
    }
    if shape[0] == 0 {
        return Err(fmt_err(&p, "matrix has no rows"));
    }
    Ok(Mat::new(shape[0], shape[1], arr.data)?)
}

/// Load a vector from `.json` (an array) or `.npy` (1-D, or 2-D with one row).
pub fn load_vector<S: Scalar>(path: &Path) -> Result<Vec<S>> {
    let p = path.display().to_string();
    let bytes = read_file(path)?;
    if path.extension().is_some_and(|e| e == "npy") {
        let a: Array<S> = npy_from_bytes(&bytes, &p)?;
        if a.shape.len() == 1 || (a.shape.len() == 2 && a.shape[0] == 1) {
            return Ok(a.data);
        }
        return Err(shape_err(
            format!("{p}: vector"),
            "1-D",
            format!("{:?}", a.shape),
        ));
    }
    let text = String::from_utf8(bytes).map_err(|_| fmt_err(&p, "not UTF-8 text"))?;
    vector_from_json_str(&text, &p)
}

/// Check `layers = (start, count)` against a model with `total` layers.
pub(crate) fn check_layers(layers: Option<(usize, usize)>, total: usize) -> Result<()> {
    if let Some((start, depth)) = layers {
        if start.checked_add(depth).is_none() {
            return Err(AttentionError::Invalid(format!(
                "layers {start} + {depth}: out of range (the model has {total} layers)"
            )));
        }
        if depth == 0 || start + depth > total {
            return Err(AttentionError::LayerRange {
                start,
                depth,
                layers: total,
            });
        }
    }
    Ok(())
}
