//! # JSON models, contexts and vectors
//!
//! Hand-written models and contexts as JSON, read exactly: numbers are JSON integers, JSON
//! decimals (read exactly from their text: `0.1` is `1/10`) or strings `"p/q"` / `"0.125"`.
//! Matrices are arrays of rows, `out × in` (PyTorch `nn.Linear`).
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
//!
//! ## Main declarations
//!
//! - [`model_from_json_str`], [`model_from_json_str_with`] (honouring [`LoadOptions`]),
//!   [`context_from_json_str`], [`vector_from_json_str`].
//!
//! ## Implementation notes
//!
//! Numbers are kept as raw JSON text ([`RawValue`]) until they are parsed exactly, so no number
//! passes through an `f64`. With [`LoadOptions::layers`] only the requested layers are converted.
//! `serde_json` allocates only for what the text holds and limits nesting to 128 levels.
//!
//! ## References
//!
//! - RFC 8259, *The JavaScript Object Notation (JSON) Data Interchange Format*.

use std::path::Path;

use serde::Deserialize;
use serde_json::value::RawValue;
use tropical_algebra::Scalar;

use super::{check_layers, fmt_err, read_file, LoadOptions, LoadedModel, Naming};
use crate::error::{shape_err, AttentionError, Result};
use crate::linalg::Mat;
use crate::model::{AttentionLayer, Block, Head, Mlp, Model};

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
    Ok(Mat::from_rows(out, cols)?)
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
///
/// ```
/// use tropical_algebra::Rat;
/// let m = tropical_attention::load::model_from_json_str::<Rat>(
///     r#"{"layers": [{"heads": [{"w_q": [[1, 0]], "w_k": [["1/2", 0]]}]}]}"#, "m.json").unwrap();
/// assert_eq!((m.layers(), m.d_model()), (1, 2));
/// ```
pub fn model_from_json_str<S: Scalar>(text: &str, path: &str) -> Result<Model<S>> {
    model_from_json_str_with(text, path, &LoadOptions::default())
}

/// [`model_from_json_str`] honouring `opts`: only layers `opts.layers` are converted (block 0 is
/// the first requested layer), and a given `opts.n_heads` must match every loaded layer's head
/// count. A tensor naming in `opts.naming` is an error (a JSON model has no tensor names).
pub fn model_from_json_str_with<S: Scalar>(
    text: &str,
    path: &str,
    opts: &LoadOptions,
) -> Result<Model<S>> {
    if let Some(n) = opts.naming.as_ref().filter(|n| **n != Naming::Json) {
        return Err(fmt_err(
            path,
            format!(
                "{} tensor naming given for a JSON model (it has no tensor names)",
                n
            ),
        ));
    }
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
    check_layers(opts.layers, m.layers.len())?;
    let (first, count) = opts.layers.unwrap_or((0, m.layers.len()));
    let mut blocks = Vec::with_capacity(count);
    for (l, layer) in m.layers.iter().enumerate().skip(first).take(count) {
        let build = || -> Result<Block<S>> {
            if layer.heads.is_empty() {
                return Err(AttentionError::Empty(format!("layer {l} has no heads")));
            }
            if let Some(n) = opts.n_heads.filter(|&n| n != layer.heads.len()) {
                return Err(AttentionError::Invalid(format!(
                    "layers[{l}] has {} heads, {n} were asked for",
                    layer.heads.len()
                )));
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

/// Read a JSON model file honouring `opts` ([`model_from_json_str_with`]).
pub(crate) fn load_json_model<S: Scalar>(
    path: &Path,
    opts: &LoadOptions,
) -> Result<LoadedModel<S>> {
    let p = path.display().to_string();
    let text = String::from_utf8(read_file(path)?).map_err(|_| fmt_err(&p, "not UTF-8 text"))?;
    let model = model_from_json_str_with(&text, &p, opts)?;
    let n_heads = model.blocks[0].attention.heads.len();
    Ok(LoadedModel {
        model,
        naming: Naming::Json,
        prefix: String::new(),
        n_heads,
        scale_note: "σ from the JSON model (default 1)".into(),
    })
}
