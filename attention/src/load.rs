//! Loading models and contexts: JSON (hand-written models), safetensors checkpoints (BERT and
//! GPT-2 naming, or explicit tensor names), `.npy` matrices. Floats convert to rationals exactly
//! (every finite f16/bf16/f32/f64 is dyadic, SPEC §4); NaN/inf, missing tensors, wrong shapes and
//! unsupported dtypes are errors that name the file and tensor.
//!
//! # JSON model schema
//!
//! Numbers are JSON integers, JSON decimals (read exactly from their text: `0.1` is `1/10`) or
//! strings `"p/q"` / `"0.125"`. Matrices are arrays of rows, `out × in` (PyTorch `nn.Linear`).
//!
//! ```json
//! {
//!   "scale": "1",                         // optional score scale σ > 0 (default 1)
//!   "layers": [                            // at least one
//!     {
//!       "heads": [                         // at least one
//!         { "w_q": [[1,0],[0,1]], "b_q": [0,0],   // d_k × d_model; bias optional (0)
//!           "w_k": [[1,0],[0,1]], "b_k": [0,0],   // d_k × d_model; bias optional (0)
//!           "w_v": [[1,0],[0,1]], "b_v": [0,0] }  // optional: identity, d_v = d_model
//!       ],
//!       "w_o": [[1,0],[0,1]],             // optional when Σ d_v = d_model: identity
//!       "b_o": [0,0],                     // optional (0)
//!       "scale": "1/2",                   // optional per-layer σ (overrides the top level)
//!       "mlp": { "w1": [[..]], "b1": [..], "w2": [[..]], "b2": [..] }  // optional ReLU MLP
//!     }
//!   ]
//! }
//! ```
//!
//! A JSON context is an array of `N` rows of length `d_model`, or `{"context": [[..], ..]}`.

use std::collections::HashMap;
use std::path::Path;

use safetensors::{Dtype, SafeTensors};
use serde::Deserialize;
use serde_json::value::RawValue;
use tropical_algebra::Scalar;

use crate::error::{shape_err, AttentionError, Result};
use crate::linalg::Mat;
use crate::model::{AttentionLayer, Block, Head, Mlp, Model};

fn read_file(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|err| AttentionError::Io {
        path: path.display().to_string(),
        err,
    })
}

fn fmt_err(path: &str, msg: impl Into<String>) -> AttentionError {
    AttentionError::Format {
        path: path.to_string(),
        msg: msg.into(),
    }
}

// ---------------------------------------------------------------- JSON

type Num = Box<RawValue>;

/// A number of a JSON file, read exactly from its text.
fn parse_num<S: Scalar>(raw: &RawValue, what: &str) -> Result<S> {
    let t = raw.get().trim();
    let text: String = if t.starts_with('"') {
        serde_json::from_str::<String>(t)
            .map_err(|e| AttentionError::Invalid(format!("{what}: {e}")))?
    } else {
        t.to_string()
    };
    S::parse_exact(&text).map_err(|source| AttentionError::Scalar {
        what: what.to_string(),
        source,
    })
}

fn parse_vec<S: Scalar>(v: &[Num], what: &str) -> Result<Vec<S>> {
    v.iter()
        .enumerate()
        .map(|(i, x)| parse_num(x, &format!("{what}[{i}]")))
        .collect()
}

fn parse_mat<S: Scalar>(rows: &[Vec<Num>], what: &str) -> Result<Mat<S>> {
    let cols = rows.first().map_or(0, |r| r.len());
    let mut out = Vec::with_capacity(rows.len());
    for (i, r) in rows.iter().enumerate() {
        if r.len() != cols {
            return Err(shape_err(
                format!("{what} row {i}"),
                format!("{cols} entries (as row 0)"),
                format!("{}", r.len()),
            ));
        }
        out.push(parse_vec(r, &format!("{what}[{i}]"))?);
    }
    Mat::from_rows(out, cols)
}

fn parse_opt_vec<S: Scalar>(v: &Option<Vec<Num>>, n: usize, what: &str) -> Result<Vec<S>> {
    match v {
        Some(v) => parse_vec(v, what),
        None => Ok(vec![S::zero(); n]),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonHead {
    w_q: Vec<Vec<Num>>,
    b_q: Option<Vec<Num>>,
    w_k: Vec<Vec<Num>>,
    b_k: Option<Vec<Num>>,
    w_v: Option<Vec<Vec<Num>>>,
    b_v: Option<Vec<Num>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonMlp {
    w1: Vec<Vec<Num>>,
    b1: Option<Vec<Num>>,
    w2: Vec<Vec<Num>>,
    b2: Option<Vec<Num>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonLayer {
    heads: Vec<JsonHead>,
    w_o: Option<Vec<Vec<Num>>>,
    b_o: Option<Vec<Num>>,
    scale: Option<Num>,
    mlp: Option<JsonMlp>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonModel {
    scale: Option<Num>,
    layers: Vec<JsonLayer>,
}

/// Parse a JSON model (schema in the [module docs](self)); `path` names the source in errors.
pub fn model_from_json_str<S: Scalar>(text: &str, path: &str) -> Result<Model<S>> {
    let m: JsonModel =
        serde_json::from_str(text).map_err(|e| fmt_err(path, format!("JSON model: {e}")))?;
    let wrap = |e: AttentionError| fmt_err(path, e.to_string());
    let top_scale: S = match &m.scale {
        Some(s) => parse_num(s, "scale").map_err(wrap)?,
        None => S::one(),
    };
    if m.layers.is_empty() {
        return Err(fmt_err(path, "model has no layers"));
    }
    let mut blocks = Vec::with_capacity(m.layers.len());
    for (l, layer) in m.layers.iter().enumerate() {
        let build = || -> Result<Block<S>> {
            if layer.heads.is_empty() {
                return Err(AttentionError::Empty(format!("layer {l} has no heads")));
            }
            let mut heads = Vec::with_capacity(layer.heads.len());
            for (h, jh) in layer.heads.iter().enumerate() {
                let p = format!("layers[{l}].heads[{h}]");
                let w_q: Mat<S> = parse_mat(&jh.w_q, &format!("{p}.w_q"))?;
                let w_k: Mat<S> = parse_mat(&jh.w_k, &format!("{p}.w_k"))?;
                let d = w_q.cols();
                let w_v = match &jh.w_v {
                    Some(w) => parse_mat(w, &format!("{p}.w_v"))?,
                    None => Mat::identity(d),
                };
                let b_q = parse_opt_vec(&jh.b_q, w_q.rows(), &format!("{p}.b_q"))?;
                let b_k = parse_opt_vec(&jh.b_k, w_k.rows(), &format!("{p}.b_k"))?;
                let b_v = parse_opt_vec(&jh.b_v, w_v.rows(), &format!("{p}.b_v"))?;
                heads.push(
                    Head::new(w_q, b_q, w_k, b_k, w_v, b_v)
                        .map_err(|e| AttentionError::Invalid(format!("{p}: {e}")))?,
                );
            }
            let d = heads[0].d_model();
            let dv: usize = heads.iter().map(|h| h.d_v()).sum();
            let w_o = match &layer.w_o {
                Some(w) => parse_mat(w, &format!("layers[{l}].w_o"))?,
                None if dv == d => Mat::identity(d),
                None => {
                    return Err(AttentionError::Invalid(format!(
                        "layers[{l}].w_o is required: the heads' value widths sum to {dv} ≠ d_model {d}"
                    )))
                }
            };
            let b_o = parse_opt_vec(&layer.b_o, d, &format!("layers[{l}].b_o"))?;
            let scale = match &layer.scale {
                Some(s) => parse_num(s, &format!("layers[{l}].scale"))?,
                None => top_scale.clone(),
            };
            let attention = AttentionLayer::new(heads, w_o, b_o, scale)
                .map_err(|e| AttentionError::Invalid(format!("layers[{l}]: {e}")))?;
            let mlp =
                match &layer.mlp {
                    None => None,
                    Some(j) => {
                        let w1: Mat<S> = parse_mat(&j.w1, &format!("layers[{l}].mlp.w1"))?;
                        let w2: Mat<S> = parse_mat(&j.w2, &format!("layers[{l}].mlp.w2"))?;
                        let b1 = parse_opt_vec(&j.b1, w1.rows(), &format!("layers[{l}].mlp.b1"))?;
                        let b2 = parse_opt_vec(&j.b2, w2.rows(), &format!("layers[{l}].mlp.b2"))?;
                        if w1.cols() != d {
                            return Err(shape_err(
                                format!("layers[{l}].mlp.w1"),
                                format!("{d} columns (d_model)"),
                                format!("{}", w1.cols()),
                            ));
                        }
                        Some(Mlp::new(w1, b1, w2, b2).map_err(|e| {
                            AttentionError::Invalid(format!("layers[{l}].mlp: {e}"))
                        })?)
                    }
                };
            Ok(Block { attention, mlp })
        };
        blocks.push(build().map_err(wrap)?);
    }
    Model::new(blocks).map_err(wrap)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonWrappedContext {
    context: Vec<Vec<Num>>,
}

/// Parse a JSON context (`[[..],..]` or `{"context": [[..],..]}`), exactly.
pub fn context_from_json_str<S: Scalar>(text: &str, path: &str) -> Result<Mat<S>> {
    // (RawValue does not work inside untagged enums: try both forms in turn.)
    let rows: Vec<Vec<Num>> = if text.trim_start().starts_with('{') {
        serde_json::from_str::<JsonWrappedContext>(text)
            .map_err(|e| fmt_err(path, format!("JSON context {{\"context\": rows}}: {e}")))?
            .context
    } else {
        serde_json::from_str(text)
            .map_err(|e| fmt_err(path, format!("JSON context (an array of rows): {e}")))?
    };
    let rows = &rows;
    if rows.is_empty() {
        return Err(fmt_err(path, "context has no rows"));
    }
    parse_mat(rows, "context").map_err(|e| fmt_err(path, e.to_string()))
}

/// Parse a JSON vector of exact numbers.
pub fn vector_from_json_str<S: Scalar>(text: &str, path: &str) -> Result<Vec<S>> {
    let v: Vec<Num> =
        serde_json::from_str(text).map_err(|e| fmt_err(path, format!("JSON vector: {e}")))?;
    parse_vec(&v, "vector").map_err(|e| fmt_err(path, e.to_string()))
}

// ---------------------------------------------------------------- npy

/// A dense array read from a `.npy` file: its shape and row-major exact entries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Array<S> {
    /// Shape (C order).
    pub shape: Vec<usize>,
    /// Entries, row-major.
    pub data: Vec<S>,
}

/// Read a `.npy` array (versions 1–3, little-endian `<f2`, `<f4`, `<f8`, C order) exactly.
pub fn npy_from_bytes<S: Scalar>(bytes: &[u8], path: &str) -> Result<Array<S>> {
    let e = |m: String| fmt_err(path, format!("npy: {m}"));
    if bytes.len() < 10 || &bytes[..6] != b"\x93NUMPY" {
        return Err(e("missing the \\x93NUMPY magic (not a .npy file)".into()));
    }
    let major = bytes[6];
    let (hlen, start) = match major {
        1 => (u16::from_le_bytes([bytes[8], bytes[9]]) as usize, 10),
        2 | 3 => {
            if bytes.len() < 12 {
                return Err(e("truncated header".into()));
            }
            (
                u32::from_le_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]) as usize,
                12,
            )
        }
        v => return Err(e(format!("unsupported format version {v}"))),
    };
    let header = bytes
        .get(start..start + hlen)
        .ok_or_else(|| e("truncated header".into()))?;
    let header = std::str::from_utf8(header).map_err(|_| e("header is not UTF-8".into()))?;
    let field = |key: &str| -> Result<&str> {
        let k = format!("'{key}'");
        let i = header
            .find(&k)
            .ok_or_else(|| e(format!("header has no {k}: {header:?}")))?;
        let rest = header[i + k.len()..].trim_start();
        Ok(rest
            .strip_prefix(':')
            .ok_or_else(|| e(format!("malformed header {header:?}")))?
            .trim_start())
    };
    let descr_rest = field("descr")?;
    let descr = descr_rest
        .strip_prefix('\'')
        .and_then(|r| r.split('\'').next())
        .ok_or_else(|| e(format!("malformed descr in {header:?}")))?;
    let width = match descr {
        "<f2" => 2,
        "<f4" => 4,
        "<f8" => 8,
        d => {
            return Err(e(format!(
                "unsupported dtype {d:?} (supported: '<f2', '<f4', '<f8' little-endian floats)"
            )))
        }
    };
    if field("fortran_order")?.starts_with("True") {
        return Err(e(
            "Fortran-order arrays are not supported (save with C order)".into(),
        ));
    }
    let shape_text = field("shape")?;
    let inner = shape_text
        .strip_prefix('(')
        .and_then(|r| r.split(')').next())
        .ok_or_else(|| e(format!("malformed shape in {header:?}")))?;
    let mut shape = Vec::new();
    for part in inner.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        shape.push(
            part.parse::<usize>()
                .map_err(|_| e(format!("bad shape entry {part:?}")))?,
        );
    }
    let n: usize = shape.iter().product();
    let body = &bytes[start + hlen..];
    if body.len() != n * width {
        return Err(e(format!(
            "shape {shape:?} needs {} data bytes, file has {}",
            n * width,
            body.len()
        )));
    }
    let data = convert_le(body, width, &format!("{path} (npy)"))?;
    Ok(Array { shape, data })
}

/// Convert little-endian float bytes (width 2 = f16, 4 = f32, 8 = f64) to exact scalars.
fn convert_le<S: Scalar>(body: &[u8], width: usize, what: &str) -> Result<Vec<S>> {
    convert_floats(body, width, false, what)
}

fn convert_floats<S: Scalar>(body: &[u8], width: usize, bf16: bool, what: &str) -> Result<Vec<S>> {
    let mut out = Vec::with_capacity(body.len() / width);
    for (i, c) in body.chunks_exact(width).enumerate() {
        let x: f64 = match (width, bf16) {
            (2, false) => f64::from(half::f16::from_le_bytes([c[0], c[1]]).to_f32()),
            (2, true) => f64::from(half::bf16::from_le_bytes([c[0], c[1]]).to_f32()),
            (4, _) => f64::from(f32::from_le_bytes([c[0], c[1], c[2], c[3]])),
            _ => f64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]),
        };
        if !x.is_finite() {
            return Err(AttentionError::NonFinite {
                what: what.to_string(),
                index: i,
                value: format!("{x}"),
            });
        }
        out.push(S::from_f64(x).map_err(|source| AttentionError::Scalar {
            what: what.to_string(),
            source,
        })?);
    }
    Ok(out)
}

// ---------------------------------------------------------------- safetensors

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

/// Options for [`load_safetensors`].
#[derive(Clone, Debug, Default)]
pub struct LoadOptions {
    /// Head count (default: `num_attention_heads` / `n_head` from the file's metadata or a
    /// `config.json` beside it).
    pub n_heads: Option<usize>,
    /// Load only the layers `start..start + count` (default: all), so that a large checkpoint is
    /// not converted to rationals entirely. Block 0 of the result is layer `start`.
    pub layers: Option<(usize, usize)>,
    /// Naming (default: detected, BERT then GPT-2, with prefixes "", "bert.", "transformer.").
    pub naming: Option<Naming>,
}

/// A model loaded from a checkpoint, with what was detected.
#[derive(Clone, Debug)]
pub struct LoadedModel<S> {
    /// The model (attention blocks only: LayerNorm and GELU MLPs are not piecewise linear).
    pub model: Model<S>,
    /// "bert", "gpt2" or "explicit".
    pub naming: String,
    /// The name prefix found ("", "bert.", "transformer.").
    pub prefix: String,
    /// Heads per layer.
    pub n_heads: usize,
    /// How σ was chosen (1/√d_k when d_k is a perfect square, else 1).
    pub scale_note: String,
}

/// `(W_Q, b_Q, W_K, b_K, W_V, b_V)` of one layer before head splitting.
type QkvParts<S> = (Mat<S>, Vec<S>, Mat<S>, Vec<S>, Mat<S>, Vec<S>);

const PREFIXES: [&str; 3] = ["", "bert.", "transformer."];

struct Ckpt<'a> {
    st: SafeTensors<'a>,
    path: String,
}

impl<'a> Ckpt<'a> {
    fn has(&self, name: &str) -> bool {
        self.st.tensor(name).is_ok()
    }
    fn tensor<S: Scalar>(&self, name: &str) -> Result<Array<S>> {
        let t = self.st.tensor(name).map_err(|_| {
            let mut names = self.st.names();
            names.sort();
            AttentionError::MissingTensor {
                name: name.to_string(),
                file: self.path.clone(),
                available: names.len(),
                example: names
                    .iter()
                    .take(3)
                    .map(|s| s.to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
            }
        })?;
        let what = format!("{}: tensor {name:?}", self.path);
        let data = match t.dtype() {
            Dtype::F16 => convert_floats(t.data(), 2, false, &what)?,
            Dtype::BF16 => convert_floats(t.data(), 2, true, &what)?,
            Dtype::F32 => convert_floats(t.data(), 4, false, &what)?,
            Dtype::F64 => convert_floats(t.data(), 8, false, &what)?,
            d => {
                return Err(AttentionError::BadDtype {
                    name: name.to_string(),
                    dtype: format!("{d:?}"),
                })
            }
        };
        Ok(Array {
            shape: t.shape().to_vec(),
            data,
        })
    }
    fn matrix<S: Scalar>(
        &self,
        name: &str,
        rows: Option<usize>,
        cols: Option<usize>,
        in_out: bool,
    ) -> Result<Mat<S>> {
        let a = self.tensor::<S>(name)?;
        if a.shape.len() != 2 {
            return Err(shape_err(
                format!("{}: tensor {name:?}", self.path),
                "a matrix (2 dimensions)",
                format!("{:?}", a.shape),
            ));
        }
        let m = Mat::new(a.shape[0], a.shape[1], a.data)?;
        let m = if in_out { m.transpose() } else { m };
        if rows.is_some_and(|r| r != m.rows()) || cols.is_some_and(|c| c != m.cols()) {
            let show = |x: Option<usize>| x.map_or("?".to_string(), |v| v.to_string());
            return Err(shape_err(
                format!(
                    "{}: tensor {name:?}{}",
                    self.path,
                    if in_out { " (stored [in, out])" } else { "" }
                ),
                format!("{}×{} (out × in)", show(rows), show(cols)),
                format!("{}×{}", m.rows(), m.cols()),
            ));
        }
        Ok(m)
    }
    fn vector<S: Scalar>(&self, name: &str, len: usize) -> Result<Vec<S>> {
        let a = self.tensor::<S>(name)?;
        if a.shape != [len] {
            return Err(shape_err(
                format!("{}: tensor {name:?}", self.path),
                format!("[{len}]"),
                format!("{:?}", a.shape),
            ));
        }
        Ok(a.data)
    }
    fn opt_vector<S: Scalar>(&self, name: Option<&str>, len: usize) -> Result<Vec<S>> {
        match name {
            Some(n) => self.vector(n, len),
            None => Ok(vec![S::zero(); len]),
        }
    }
}

fn head_count_from(meta: &HashMap<String, String>) -> Option<usize> {
    ["num_attention_heads", "n_head", "num_heads"]
        .iter()
        .find_map(|k| meta.get(*k)?.trim().parse().ok())
}

fn head_count_from_config(path: &Path) -> Option<usize> {
    let cfg = path.parent()?.join("config.json");
    let text = std::fs::read_to_string(cfg).ok()?;
    let v: serde_json::Value = serde_json::from_str(&text).ok()?;
    ["num_attention_heads", "n_head", "num_heads"]
        .iter()
        .find_map(|k| v.get(*k)?.as_u64())
        .map(|n| n as usize)
}

/// The exact score scale for head width `d_k`: `1/√d_k` when it is rational, else `1` (cells do not
/// depend on a positive scale), with a note saying which.
pub fn default_scale<S: Scalar>(d_k: usize) -> (S, String) {
    let r = (d_k as f64).sqrt().round() as usize;
    if r * r == d_k && r > 0 {
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

/// Load the attention layers of a safetensors checkpoint, exactly.
pub fn load_safetensors<S: Scalar>(path: &Path, opts: &LoadOptions) -> Result<LoadedModel<S>> {
    let bytes = read_file(path)?;
    safetensors_from_bytes(&bytes, path, opts)
}

/// [`load_safetensors`] on bytes already read (`path` names the file in errors and locates a
/// `config.json` beside it).
pub fn safetensors_from_bytes<S: Scalar>(
    bytes: &[u8],
    path: &Path,
    opts: &LoadOptions,
) -> Result<LoadedModel<S>> {
    let p = path.display().to_string();
    let st = SafeTensors::deserialize(bytes)
        .map_err(|e| fmt_err(&p, format!("not a valid safetensors file: {e}")))?;
    let (_, meta) = SafeTensors::read_metadata(bytes)
        .map_err(|e| fmt_err(&p, format!("safetensors header: {e}")))?;
    let ck = Ckpt {
        st,
        path: p.clone(),
    };
    // Detect naming and prefix.
    let (naming, prefix) = match &opts.naming {
        Some(n @ Naming::Explicit(_)) => (n.clone(), String::new()),
        Some(n) => {
            let probe = |pre: &str| match n {
                Naming::Bert => format!("{pre}encoder.layer.0.attention.self.query.weight"),
                _ => format!("{pre}h.0.attn.c_attn.weight"),
            };
            let pre = PREFIXES
                .iter()
                .find(|pre| ck.has(&probe(pre)))
                .ok_or_else(|| {
                    let mut names = ck.st.names();
                    names.sort();
                    AttentionError::MissingTensor {
                        name: probe(""),
                        file: p.clone(),
                        available: names.len(),
                        example: names
                            .iter()
                            .take(3)
                            .map(|s| s.to_string())
                            .collect::<Vec<_>>()
                            .join(", "),
                    }
                })?;
            (n.clone(), pre.to_string())
        }
        None => {
            let mut found = None;
            for pre in PREFIXES {
                if ck.has(&format!("{pre}encoder.layer.0.attention.self.query.weight")) {
                    found = Some((Naming::Bert, pre.to_string()));
                    break;
                }
                if ck.has(&format!("{pre}h.0.attn.c_attn.weight")) {
                    found = Some((Naming::Gpt2, pre.to_string()));
                    break;
                }
            }
            found.ok_or_else(|| {
                let mut names = ck.st.names();
                names.sort();
                fmt_err(&p, format!(
                    "no BERT (encoder.layer.0.attention.self.query.weight) or GPT-2 (h.0.attn.c_attn.weight) tensors, with prefixes \"\", \"bert.\", \"transformer.\"; name the tensors explicitly. The file has: {}",
                    names.iter().take(8).map(|s| s.to_string()).collect::<Vec<_>>().join(", ")
                ))
            })?
        }
    };
    let n_heads = opts
        .n_heads
        .or_else(|| meta.metadata().as_ref().and_then(head_count_from))
        .or_else(|| head_count_from_config(path))
        .ok_or_else(|| fmt_err(&p, "head count unknown: no num_attention_heads/n_head in the metadata or a config.json beside the file; pass the head count (--n-heads)"))?;
    if n_heads == 0 {
        return Err(AttentionError::Invalid(
            "head count must be positive".into(),
        ));
    }
    let name = |t: &str, l: usize| format!("{prefix}{}", t.replace("{l}", &l.to_string()));
    let names = match &naming {
        Naming::Bert => TensorNames {
            q_weight: "encoder.layer.{l}.attention.self.query.weight".into(),
            q_bias: Some("encoder.layer.{l}.attention.self.query.bias".into()),
            k_weight: "encoder.layer.{l}.attention.self.key.weight".into(),
            k_bias: Some("encoder.layer.{l}.attention.self.key.bias".into()),
            v_weight: "encoder.layer.{l}.attention.self.value.weight".into(),
            v_bias: Some("encoder.layer.{l}.attention.self.value.bias".into()),
            o_weight: Some("encoder.layer.{l}.attention.output.dense.weight".into()),
            o_bias: Some("encoder.layer.{l}.attention.output.dense.bias".into()),
            in_out: false,
        },
        Naming::Gpt2 => TensorNames {
            q_weight: "h.{l}.attn.c_attn.weight".into(),
            q_bias: Some("h.{l}.attn.c_attn.bias".into()),
            o_weight: Some("h.{l}.attn.c_proj.weight".into()),
            o_bias: Some("h.{l}.attn.c_proj.bias".into()),
            in_out: true,
            ..Default::default()
        },
        Naming::Explicit(t) => t.clone(),
    };
    let mut blocks = Vec::new();
    let mut scale_note = String::new();
    let (mut l, end) = match opts.layers {
        Some((start, count)) => (start, start + count),
        None => (0, usize::MAX),
    };
    if let Some((start, count)) = opts.layers {
        if count == 0 {
            return Err(AttentionError::Invalid("no layers requested".into()));
        }
        for k in start..start + count {
            if !ck.has(&name(&names.q_weight, k)) {
                let total = (0..)
                    .take_while(|&i| ck.has(&name(&names.q_weight, i)))
                    .count();
                return Err(AttentionError::Invalid(format!(
                    "{p}: layer {k} requested but the checkpoint has {total} layers"
                )));
            }
        }
    }
    while l < end && ck.has(&name(&names.q_weight, l)) {
        let (w_q, b_q, w_k, b_k, w_v, b_v): QkvParts<S> = if naming == Naming::Gpt2 {
            let w = ck.matrix::<S>(&name(&names.q_weight, l), None, None, true)?;
            let d = w.cols();
            if w.rows() != 3 * d {
                return Err(shape_err(
                    format!("{p}: tensor {:?}", name(&names.q_weight, l)),
                    format!("[{d}, {}] (in, 3·d_model)", 3 * d),
                    format!("[{}, {}]", w.cols(), w.rows()),
                ));
            }
            let b = ck.vector::<S>(&name(names.q_bias.as_deref().expect("set"), l), 3 * d)?;
            (
                w.row_block(0, d),
                b[..d].to_vec(),
                w.row_block(d, 2 * d),
                b[d..2 * d].to_vec(),
                w.row_block(2 * d, 3 * d),
                b[2 * d..].to_vec(),
            )
        } else {
            let w_q = ck.matrix::<S>(&name(&names.q_weight, l), None, None, names.in_out)?;
            let (dq, d) = (w_q.rows(), w_q.cols());
            let w_k = ck.matrix::<S>(&name(&names.k_weight, l), Some(dq), Some(d), names.in_out)?;
            let w_v = ck.matrix::<S>(&name(&names.v_weight, l), None, Some(d), names.in_out)?;
            let dv = w_v.rows();
            let nm = |o: &Option<String>| o.as_ref().map(|s| name(s, l));
            (
                w_q,
                ck.opt_vector(nm(&names.q_bias).as_deref(), dq)?,
                w_k,
                ck.opt_vector(nm(&names.k_bias).as_deref(), dq)?,
                w_v,
                ck.opt_vector(nm(&names.v_bias).as_deref(), dv)?,
            )
        };
        let d = w_q.cols();
        let (dq, dv) = (w_q.rows(), w_v.rows());
        if dq % n_heads != 0 || dv % n_heads != 0 {
            return Err(AttentionError::Invalid(format!(
                "{p}: layer {l}: query width {dq} / value width {dv} not divisible by the head count {n_heads}"
            )));
        }
        let (dk, dvh) = (dq / n_heads, dv / n_heads);
        let mut heads = Vec::with_capacity(n_heads);
        for h in 0..n_heads {
            let (a, b) = (h * dk, (h + 1) * dk);
            let (c, e) = (h * dvh, (h + 1) * dvh);
            heads.push(Head::new(
                w_q.row_block(a, b),
                b_q[a..b].to_vec(),
                w_k.row_block(a, b),
                b_k[a..b].to_vec(),
                w_v.row_block(c, e),
                b_v[c..e].to_vec(),
            )?);
        }
        let w_o = match &names.o_weight {
            Some(n) => ck.matrix::<S>(&name(n, l), Some(d), Some(dv), names.in_out)?,
            None if dv == d => Mat::identity(d),
            None => {
                return Err(AttentionError::Invalid(format!(
                "{p}: layer {l}: an output projection is required (value width {dv} ≠ d_model {d})"
            )))
            }
        };
        let b_o = ck.opt_vector(names.o_bias.as_ref().map(|s| name(s, l)).as_deref(), d)?;
        let (scale, note) = default_scale::<S>(dk);
        scale_note = note;
        blocks.push(Block {
            attention: AttentionLayer::new(heads, w_o, b_o, scale)?,
            mlp: None,
        });
        l += 1;
    }
    if blocks.is_empty() {
        return Err(AttentionError::MissingTensor {
            name: name(&names.q_weight, 0),
            file: p.clone(),
            available: ck.st.names().len(),
            example: String::new(),
        });
    }
    let naming_name = match naming {
        Naming::Bert => "bert",
        Naming::Gpt2 => "gpt2",
        Naming::Explicit(_) => "explicit",
    };
    Ok(LoadedModel {
        model: Model::new(blocks)?,
        naming: naming_name.into(),
        prefix,
        n_heads,
        scale_note,
    })
}

/// Load a model from JSON (`.json`) or safetensors (anything else).
pub fn load_model<S: Scalar>(path: &Path, opts: &LoadOptions) -> Result<LoadedModel<S>> {
    if path.extension().is_some_and(|e| e == "json") {
        let bytes = read_file(path)?;
        let text = String::from_utf8(bytes)
            .map_err(|_| fmt_err(&path.display().to_string(), "not UTF-8 text"))?;
        let model = model_from_json_str(&text, &path.display().to_string())?;
        let n_heads = model.blocks[0].attention.heads.len();
        Ok(LoadedModel {
            model,
            naming: "json".into(),
            prefix: String::new(),
            n_heads,
            scale_note: "σ from the JSON model (default 1)".into(),
        })
    } else {
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
        _ => {
            let st = SafeTensors::deserialize(&bytes).map_err(|e| {
                fmt_err(
                    &p,
                    format!("not a .json, .npy or valid safetensors file: {e}"),
                )
            })?;
            let name = match tensor {
                Some(t) => t.to_string(),
                None => {
                    let names = st.names();
                    if names.len() != 1 {
                        return Err(fmt_err(
                            &p,
                            format!("{} tensors in the file: name the one to use", names.len()),
                        ));
                    }
                    names[0].to_string()
                }
            };
            Ckpt {
                st,
                path: p.clone(),
            }
            .tensor(&name)?
        }
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
    Mat::new(shape[0], shape[1], arr.data)
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
