//! # safetensors checkpoints
//!
//! The attention layers of a safetensors checkpoint (tensors by name, as exported from PyTorch),
//! read exactly: BERT naming (`encoder.layer.{l}.attention.self.query.weight`, …), GPT-2 naming
//! (`h.{l}.attn.c_attn.weight`, fused Q/K/V in Conv1D layout) or explicit names, with the
//! prefixes `""`, `"bert."`, `"transformer."` detected. Tensors of dtype F16, BF16, F32 and F64
//! convert to rationals exactly.
//!
//! ## Main declarations
//!
//! - [`load_safetensors`], [`safetensors_from_bytes`]: one file.
//! - `Ckpt` (crate-internal): tensors by name over one or several shards (files read lazily,
//!   or bytes in memory), used by [`super::hf`] for sharded folders.
//!
//! ## Implementation notes
//!
//! The header is validated before any tensor is touched: the 8-byte header length against the
//! file (and the format's 100 MB limit), every tensor's offsets against the data section
//! (contiguous, ending exactly at the end of the file) and every shape's byte size against its
//! range (the `safetensors` crate's `Metadata` checks; on bytes in memory its `deserialize`).
//! A file is not read whole: after its header only the tensors the requested layers need are
//! read, each from its own byte range (MiniLM's layer 0 is 2.4 MB of a 90 MB file, most of it
//! the embeddings). Shapes are then
//! checked against what each role needs (rows, columns, head divisibility) before conversion.
//! The head count comes from [`LoadOptions::n_heads`], else the file's metadata
//! (`num_attention_heads`, `n_head`, `num_heads`), else a `config.json` beside the file.
//!
//! ## References
//!
//! - Hugging Face, *safetensors* format (8-byte little-endian header length, JSON header,
//!   data offsets).
//! - Devlin et al., *BERT* (2019), and Radford et al., *GPT-2* (2019), for the tensor layouts.

use std::collections::HashMap;
use std::path::Path;

use std::borrow::Cow;

use safetensors::tensor::Metadata;
use safetensors::{Dtype, SafeTensors};
use tropical_algebra::Scalar;

use super::default_scale;
use super::npy::{decode, to_scalar, NpyDtype};
use super::{check_layers, fmt_err, Array, LoadOptions, LoadedModel, Naming, TensorNames};
use crate::error::{shape_err, AttentionError, Result};
use crate::linalg::Mat;
use crate::model::{AttentionLayer, Block, Head, Model};

/// `(W_Q, b_Q, W_K, b_K, W_V, b_V)` of one layer before head splitting.
type QkvParts<S> = (Mat<S>, Vec<S>, Mat<S>, Vec<S>, Mat<S>, Vec<S>);

const PREFIXES: [&str; 3] = ["", "bert.", "transformer."];

/// The format's limit on the header (the `safetensors` crate's `MAX_HEADER_SIZE`).
const MAX_HEADER_BYTES: u64 = 100_000_000;

/// Tensors by name over one or several safetensors shards (the files of a checkpoint).
pub(crate) struct Ckpt<'a> {
    shards: Vec<Shard<'a>>,
    /// Names the checkpoint in errors (the file, or the folder of a sharded checkpoint).
    path: String,
}

/// A tensor's dtype, shape and bytes (borrowed from a buffer, or read from a file).
type RawTensor<'a> = (Dtype, Vec<usize>, Cow<'a, [u8]>);

/// One shard: bytes in memory, or a file whose header was read and validated and whose tensors
/// are read when asked for (a layer of a checkpoint is a few MB of a file of hundreds).
enum Shard<'a> {
    Bytes(SafeTensors<'a>),
    File(LazyFile),
}

/// A safetensors file read lazily: the header once (validated as `SafeTensors::deserialize`
/// validates it: offsets contiguous, byte sizes matching shapes, the data section ending at the
/// end of the file), then each tensor's own byte range.
struct LazyFile {
    file: std::sync::Mutex<std::fs::File>,
    meta: Metadata,
    /// The tensor names, in file order.
    names: Vec<String>,
    /// Where the data section starts (8 + header length).
    data_start: u64,
    /// Names the file in errors.
    path: String,
}

fn not_safetensors(path: &str, m: String) -> AttentionError {
    fmt_err(path, format!("not a valid safetensors file: {m}"))
}

/// The header length `n` from the first 8 bytes of a file of `len` bytes, checked against the
/// file and the format's 100 MB limit before anything is allocated from it.
fn header_len(first: [u8; 8], len: u64, path: &str) -> Result<u64> {
    let n = u64::from_le_bytes(first);
    if n > MAX_HEADER_BYTES || n > len.saturating_sub(8) {
        return Err(not_safetensors(
            path,
            format!("header length {n} exceeds the file ({len} bytes) or the 100 MB limit"),
        ));
    }
    Ok(n)
}

/// The header (`n` bytes) of a file of `len` bytes, parsed and validated by the `safetensors`
/// crate's `Metadata` (offsets contiguous, byte sizes matching shapes), and its data section
/// checked to end exactly at the end of the file, in checked arithmetic: a hostile header can
/// claim offsets that add up to nearly `2^64`.
fn header_metadata(header: &[u8], n: u64, len: u64, path: &str) -> Result<Metadata> {
    let text =
        std::str::from_utf8(header).map_err(|e| not_safetensors(path, format!("header: {e}")))?;
    let meta: Metadata =
        serde_json::from_str(text).map_err(|e| not_safetensors(path, format!("header: {e}")))?;
    let end = u64::try_from(meta.data_len())
        .ok()
        .and_then(|d| d.checked_add(8 + n));
    if end != Some(len) {
        return Err(not_safetensors(
            path,
            format!(
                "the header describes {} data bytes, the file holds {}",
                meta.data_len(),
                len - 8 - n
            ),
        ));
    }
    Ok(meta)
}

/// Check the header of safetensors bytes in memory (see [`bytes_metadata`]) before handing them
/// to the `safetensors` crate, whose `SafeTensors::deserialize` adds the claimed data length to
/// the header length without overflow checks: offsets near `2^64` would overflow there.
///
/// # Errors
/// [`AttentionError::Format`] naming `path`: a header length past the bytes or the 100 MB limit,
/// a malformed header, or a data section that does not end exactly at the end of the bytes.
pub fn check_header(bytes: &[u8], path: &str) -> Result<()> {
    bytes_metadata(bytes, path).map(drop)
}

/// The validated header of safetensors bytes in memory, checked as [`LazyFile::open`] checks a
/// file's; run before the crate's `SafeTensors::deserialize`, whose own end-of-data sum is not
/// overflow-checked.
fn bytes_metadata(bytes: &[u8], path: &str) -> Result<Metadata> {
    let first: [u8; 8] = bytes
        .get(..8)
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| not_safetensors(path, "shorter than its 8-byte header length".into()))?;
    let len = bytes.len() as u64;
    let n = header_len(first, len, path)?;
    header_metadata(&bytes[8..8 + n as usize], n, len, path)
}

impl LazyFile {
    /// Open `path` and read its header. The header length is checked against the file (and
    /// the format's 100 MB limit) before anything is allocated from it.
    fn open(path: &Path) -> Result<Self> {
        use std::io::Read;
        let p = path.display().to_string();
        let io = |err| AttentionError::Io {
            path: p.clone(),
            err,
        };
        let mut file = std::fs::File::open(path).map_err(io)?;
        let len = file.metadata().map_err(io)?.len();
        let mut first = [0u8; 8];
        file.read_exact(&mut first)
            .map_err(|_| not_safetensors(&p, "shorter than its 8-byte header length".into()))?;
        let n = header_len(first, len, &p)?;
        let mut header = vec![0u8; n as usize];
        file.read_exact(&mut header).map_err(io)?;
        let meta = header_metadata(&header, n, len, &p)?;
        let data_start = 8 + n;
        Ok(LazyFile {
            file: std::sync::Mutex::new(file),
            names: meta.offset_keys(),
            meta,
            data_start,
            path: p,
        })
    }

    /// The dtype, shape and bytes of tensor `name`, read from the file; `None` if absent.
    fn tensor(&self, name: &str) -> Option<Result<RawTensor<'static>>> {
        use std::io::{Read, Seek, SeekFrom};
        let info = self.meta.info(name)?;
        let (start, end) = info.data_offsets;
        let read = || -> std::io::Result<Vec<u8>> {
            let mut file = self
                .file
                .lock()
                .map_err(|_| std::io::Error::other("a reader of this file panicked"))?;
            file.seek(SeekFrom::Start(self.data_start + start as u64))?;
            let mut bytes = vec![0u8; end - start];
            file.read_exact(&mut bytes)?;
            Ok(bytes)
        };
        Some(
            read()
                .map(|b| (info.dtype, info.shape.clone(), Cow::Owned(b)))
                .map_err(|err| AttentionError::Io {
                    path: self.path.clone(),
                    err,
                }),
        )
    }
}

impl Shard<'_> {
    fn names(&self) -> Vec<&str> {
        match self {
            Shard::Bytes(s) => s.names(),
            Shard::File(f) => f.names.iter().map(String::as_str).collect(),
        }
    }
    fn has(&self, name: &str) -> bool {
        match self {
            Shard::Bytes(s) => s.tensor(name).is_ok(),
            Shard::File(f) => f.meta.info(name).is_some(),
        }
    }
    fn tensor(&self, name: &str) -> Option<Result<RawTensor<'_>>> {
        match self {
            Shard::Bytes(s) => s
                .tensor(name)
                .ok()
                .map(|t| Ok((t.dtype(), t.shape().to_vec(), Cow::Borrowed(t.data())))),
            Shard::File(f) => f.tensor(name),
        }
    }
}

impl Ckpt<'_> {
    /// Open files and read their headers only (tensors are read when asked for).
    pub(crate) fn open(files: &[std::path::PathBuf], path: String) -> Result<Ckpt<'static>> {
        let shards = files
            .iter()
            .map(|f| LazyFile::open(f).map(Shard::File))
            .collect::<Result<_>>()?;
        Ok(Ckpt { shards, path })
    }
    /// The `__metadata__` of the first shard read from a file, if it has one.
    fn file_metadata(&self) -> Option<&HashMap<String, String>> {
        self.shards.iter().find_map(|s| match s {
            Shard::File(f) => f.meta.metadata().as_ref(),
            Shard::Bytes(_) => None,
        })
    }
    fn names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.shards.iter().flat_map(Shard::names).collect();
        names.sort_unstable();
        names
    }
    fn missing(&self, name: &str) -> AttentionError {
        let names = self.names();
        AttentionError::MissingTensor {
            name: name.to_string(),
            file: self.path.clone(),
            available: names.len(),
            example: names[..names.len().min(3)].join(", "),
        }
    }
    fn has(&self, name: &str) -> bool {
        self.shards.iter().any(|s| s.has(name))
    }
    fn tensor<S: Scalar>(&self, name: &str) -> Result<Array<S>> {
        let (dtype, shape, bytes) = self
            .shards
            .iter()
            .find_map(|s| s.tensor(name))
            .ok_or_else(|| self.missing(name))??;
        let what = format!("{}: tensor {name:?}", self.path);
        let dtype = match dtype {
            Dtype::F16 => NpyDtype::F16,
            Dtype::BF16 => NpyDtype::Bf16,
            Dtype::F32 => NpyDtype::F32,
            Dtype::F64 => NpyDtype::F64,
            d => {
                return Err(AttentionError::BadDtype {
                    name: name.to_string(),
                    dtype: format!("{d:?}"),
                })
            }
        };
        let data = bytes
            .chunks_exact(dtype.width())
            .enumerate()
            .map(|(i, c)| to_scalar(decode(c, dtype, false), &what, i))
            .collect::<Result<_>>()?;
        Ok(Array { shape, data })
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

/// The head count in a metadata map or a parsed `config.json`.
pub(crate) fn head_count_from(meta: &HashMap<String, String>) -> Option<usize> {
    ["num_attention_heads", "n_head", "num_heads"]
        .iter()
        .find_map(|k| meta.get(*k)?.trim().parse().ok())
}

/// The head count of a `config.json` value (`num_attention_heads`, `n_head` or `num_heads`).
pub(crate) fn head_count_in_config(v: &serde_json::Value) -> Option<usize> {
    ["num_attention_heads", "n_head", "num_heads"]
        .iter()
        .find_map(|k| v.get(*k)?.as_u64())
        .and_then(|n| usize::try_from(n).ok())
}

fn head_count_from_config(path: &Path) -> Option<usize> {
    let cfg = path.parent()?.join("config.json");
    let text = std::fs::read_to_string(cfg).ok()?;
    head_count_in_config(&serde_json::from_str(&text).ok()?)
}

/// Load the attention layers of a safetensors checkpoint, exactly.
///
/// The file's header is read and validated first; then only the tensors the requested layers
/// need are read (a layer of a real checkpoint is a few MB of a file of hundreds).
pub fn load_safetensors<S: Scalar>(path: &Path, opts: &LoadOptions) -> Result<LoadedModel<S>> {
    let ck = Ckpt::open(&[path.to_path_buf()], path.display().to_string())?;
    let n_heads = opts
        .n_heads
        .or_else(|| ck.file_metadata().and_then(head_count_from))
        .or_else(|| head_count_from_config(path));
    load_from_ckpt(&ck, opts, n_heads)
}

/// [`load_safetensors`] on bytes already read (`path` names the file in errors and locates a
/// `config.json` beside it).
pub fn safetensors_from_bytes<S: Scalar>(
    bytes: &[u8],
    path: &Path,
    opts: &LoadOptions,
) -> Result<LoadedModel<S>> {
    let p = path.display().to_string();
    let meta = bytes_metadata(bytes, &p)?;
    let st = SafeTensors::deserialize(bytes)
        .map_err(|e| fmt_err(&p, format!("not a valid safetensors file: {e}")))?;
    let ck = Ckpt {
        shards: vec![Shard::Bytes(st)],
        path: p.clone(),
    };
    let n_heads = opts
        .n_heads
        .or_else(|| meta.metadata().as_ref().and_then(head_count_from))
        .or_else(|| head_count_from_config(path));
    load_from_ckpt(&ck, opts, n_heads)
}

/// The attention layers of a checkpoint, honouring `opts`; `n_heads` is the head count found
/// (None: unknown, an error).
pub(crate) fn load_from_ckpt<S: Scalar>(
    ck: &Ckpt<'_>,
    opts: &LoadOptions,
    n_heads: Option<usize>,
) -> Result<LoadedModel<S>> {
    let p = ck.path.clone();
    if opts.naming == Some(Naming::Json) {
        return Err(fmt_err(
            &p,
            "JSON naming asked for a safetensors checkpoint",
        ));
    }
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
                .ok_or_else(|| ck.missing(&probe("")))?;
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
                let names = ck.names();
                fmt_err(&p, format!(
                    "no BERT (encoder.layer.0.attention.self.query.weight) or GPT-2 (h.0.attn.c_attn.weight) tensors, with prefixes \"\", \"bert.\", \"transformer.\"; name the tensors explicitly. The file has: {}",
                    names.iter().take(8).map(|s| s.to_string()).collect::<Vec<_>>().join(", ")
                ))
            })?
        }
    };
    let n_heads = n_heads.ok_or_else(|| fmt_err(&p, "head count unknown: no num_attention_heads/n_head in the metadata or a config.json beside the file; pass the head count (--n-heads)"))?;
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
        Naming::Json => {
            return Err(fmt_err(
                &p,
                "JSON naming asked for a safetensors checkpoint",
            ))
        }
    };
    let mut blocks = Vec::new();
    let mut scale_note = String::new();
    if opts.layers.is_some() {
        let total = (0..)
            .take_while(|&i| ck.has(&name(&names.q_weight, i)))
            .count();
        check_layers(opts.layers, total)?;
    }
    // (`start + count` cannot overflow: checked just above.)
    let (mut l, end) = match opts.layers {
        Some((start, count)) => (start, start + count),
        None => (0, usize::MAX),
    };
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
        if dq < n_heads || dq % n_heads != 0 || dv % n_heads != 0 {
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
        return Err(ck.missing(&name(&names.q_weight, 0)));
    }
    Ok(LoadedModel {
        model: Model::new(blocks)?,
        naming,
        prefix,
        n_heads,
        scale_note,
    })
}

/// The tensor `tensor` of a safetensors buffer (default: its only tensor), exactly.
pub(crate) fn single_tensor<S: Scalar>(
    bytes: &[u8],
    p: &str,
    tensor: Option<&str>,
) -> Result<Array<S>> {
    bytes_metadata(bytes, p).map_err(|e| match e {
        AttentionError::Format { path, msg } => AttentionError::Format {
            path,
            msg: msg.replacen(
                "not a valid safetensors file",
                "not a .json, .npy or valid safetensors file",
                1,
            ),
        },
        e => e,
    })?;
    let st = SafeTensors::deserialize(bytes).map_err(|e| {
        fmt_err(
            p,
            format!("not a .json, .npy or valid safetensors file: {e}"),
        )
    })?;
    let ck = Ckpt {
        shards: vec![Shard::Bytes(st)],
        path: p.to_string(),
    };
    let name = match tensor {
        Some(t) => t.to_string(),
        None => {
            let names = ck.names();
            if names.len() != 1 {
                return Err(fmt_err(
                    p,
                    format!("{} tensors in the file: name the one to use", names.len()),
                ));
            }
            names[0].to_string()
        }
    };
    ck.tensor(&name)
}
