//! # Hugging Face checkpoint folders
//!
//! A folder as `transformers` and `sentence-transformers` save it: `config.json` (the head count
//! `num_attention_heads` / `n_head`) beside the weights, either one `model.safetensors` (or a
//! single `*.safetensors`), or shards listed in `model.safetensors.index.json`
//! (`{"weight_map": {tensor name: shard file}}`).
//!
//! ## Main declarations
//!
//! - [`load_hf_folder`]: the attention layers of such a folder, honouring [`LoadOptions`].
//! - [`shard_files`]: which files of a folder hold the weights.
//!
//! ## Implementation notes
//!
//! An index names at most [`MAX_SHARDS`] distinct shards; each must be a plain file name inside
//! the folder (no separators, not `..`), so an index cannot make the loader read elsewhere. A
//! head count given in [`LoadOptions::n_heads`] overrides `config.json`.
//!
//! ## References
//!
//! - Hugging Face `transformers`, `PreTrainedModel.save_pretrained` (sharded checkpoints and
//!   `model.safetensors.index.json`).

use std::path::{Path, PathBuf};

use tropical_algebra::Scalar;

use super::safetensors::{head_count_in_config, load_from_ckpt, Ckpt};
use super::{fmt_err, read_file, LoadOptions, LoadedModel};
use crate::error::Result;

/// Most shard files an index may name.
pub const MAX_SHARDS: usize = 4096;

const INDEX: &str = "model.safetensors.index.json";

/// The weight files of a checkpoint folder, in a fixed order: the shards named by
/// `model.safetensors.index.json` (sorted), else `model.safetensors`, else the only
/// `*.safetensors` file. Errors name the folder and what is missing.
pub fn shard_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let d = dir.display().to_string();
    let index = dir.join(INDEX);
    if index.is_file() {
        let ip = index.display().to_string();
        let v: serde_json::Value = serde_json::from_slice(&read_file(&index)?)
            .map_err(|e| fmt_err(&ip, format!("invalid JSON: {e}")))?;
        let map = v
            .get("weight_map")
            .and_then(|m| m.as_object())
            .ok_or_else(|| fmt_err(&ip, "no \"weight_map\" object"))?;
        let mut files: Vec<&str> = Vec::new();
        for (tensor, f) in map {
            let f = f
                .as_str()
                .ok_or_else(|| fmt_err(&ip, format!("weight_map[{tensor:?}]: not a file name")))?;
            let plain = !f.is_empty()
                && f != "."
                && f != ".."
                && !f.contains(['/', '\\'])
                && Path::new(f).file_name().is_some_and(|n| n == f);
            if !plain {
                return Err(fmt_err(
                    &ip,
                    format!("weight_map[{tensor:?}] = {f:?}: not a plain file name in the folder"),
                ));
            }
            if !files.contains(&f) {
                if files.len() == MAX_SHARDS {
                    return Err(fmt_err(&ip, format!("more than {MAX_SHARDS} shard files")));
                }
                files.push(f);
            }
        }
        if files.is_empty() {
            return Err(fmt_err(&ip, "weight_map is empty"));
        }
        files.sort_unstable();
        return Ok(files.into_iter().map(|f| dir.join(f)).collect());
    }
    let single = dir.join("model.safetensors");
    if single.is_file() {
        return Ok(vec![single]);
    }
    let entries = std::fs::read_dir(dir).map_err(|err| crate::AttentionError::Io {
        path: d.clone(),
        err,
    })?;
    let mut found: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "safetensors"))
        .collect();
    found.sort();
    match found.len() {
        1 => Ok(found),
        0 => Err(fmt_err(
            &d,
            "no model.safetensors, *.safetensors or model.safetensors.index.json in the folder",
        )),
        n => Err(fmt_err(
            &d,
            format!("{n} *.safetensors files and no model.safetensors.index.json saying how they go together"),
        )),
    }
}

/// Load the attention layers of a Hugging Face folder (module docs), exactly.
///
/// ```no_run
/// use tropical_algebra::Rat;
/// use tropical_attention::load::{load_hf_folder, LoadOptions};
/// let lm = load_hf_folder::<Rat>(
///     std::path::Path::new("all-MiniLM-L6-v2"),
///     &LoadOptions { layers: Some((0, 1)), ..Default::default() },
/// )
/// .unwrap();
/// println!("{} heads", lm.n_heads);
/// ```
pub fn load_hf_folder<S: Scalar>(dir: &Path, opts: &LoadOptions) -> Result<LoadedModel<S>> {
    let d = dir.display().to_string();
    let config = dir.join("config.json");
    let from_config = if config.is_file() {
        let cp = config.display().to_string();
        let v: serde_json::Value = serde_json::from_slice(&read_file(&config)?)
            .map_err(|e| fmt_err(&cp, format!("invalid JSON: {e}")))?;
        head_count_in_config(&v)
    } else if opts.n_heads.is_none() {
        return Err(fmt_err(
            &d,
            "a checkpoint folder needs a config.json (or pass the head count, --n-heads)",
        ));
    } else {
        None
    };
    // every shard's header is validated; only the tensors the layers need are read
    let ck = Ckpt::open(&shard_files(dir)?, d)?;
    load_from_ckpt(&ck, opts, opts.n_heads.or(from_config))
}
