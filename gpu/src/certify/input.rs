//! # Reading a kernel's dumped arrays
//!
//! `Q, K, V`, the output and a mask from `.npy` files (f16, f32, f64, and bf16 stored as
//! `uint16` bit patterns) or from a safetensors file by tensor name (F16, BF16, F32, F64), as
//! [`Tensor`]s that keep the stored format.
//!
//! ## Main declarations
//!
//! * [`ArraySource`]: a path, optionally `file.safetensors:tensor_name`.
//! * [`read_tensor`]: one array, through [`tropical_attention::load`] (npy) or the `safetensors`
//!   crate, NaN and infinities kept (the output may hold them; [`super::certify`] rejects them
//!   in the inputs, naming the index).
//! * [`read_problem`]: the four arrays of a [`Problem`].
//!
//! ## Implementation notes
//!
//! Every stored float widens exactly to `f64`, so the exact value of each element is kept.
//! Integer and boolean npy arrays are rejected by the npy reader (save masks as floats,
//! `mask.astype(np.float32)`, non-zero = attend).
//!
//! ## References
//!
//! * The NumPy `.npy` format (NEP 1); the safetensors format (Hugging Face).

use std::path::{Path, PathBuf};

use safetensors::{Dtype, SafeTensors};
use tropical_attention::load::npy::{load_npy_floats, NpyDtype, NpyOptions};

use super::{Format, Problem, Tensor};

/// Where an array is: a `.npy` file, or a tensor of a safetensors file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArraySource {
    /// The file.
    pub path: PathBuf,
    /// The tensor's name in a safetensors file (`None` for `.npy`, or for a safetensors file
    /// with a single tensor).
    pub tensor: Option<String>,
}

impl ArraySource {
    /// Parse `file.npy`, `file.safetensors` or `file.safetensors:name`.
    pub fn parse(s: &str) -> ArraySource {
        if let Some((p, t)) = s.rsplit_once(':') {
            if p.ends_with(".safetensors") && !t.is_empty() {
                return ArraySource {
                    path: p.into(),
                    tensor: Some(t.into()),
                };
            }
        }
        ArraySource {
            path: s.into(),
            tensor: None,
        }
    }
}

fn is_safetensors(p: &Path) -> bool {
    p.extension().is_some_and(|e| e == "safetensors")
}

/// Read one array as a [`Tensor`] named `name` (NaN and infinities kept). Errors are one line
/// naming the array and the file.
pub fn read_tensor(name: &str, src: &ArraySource) -> Result<Tensor, String> {
    let p = &src.path;
    let err = |m: String| format!("{name} ({}): {m}", p.display());
    if is_safetensors(p) {
        let bytes = std::fs::read(p).map_err(|e| err(e.to_string()))?;
        // the header in checked arithmetic first (the crate's own sum can overflow)
        tropical_attention::load::safetensors::check_header(&bytes, &p.display().to_string())
            .map_err(|e| match e {
                tropical_attention::AttentionError::Format { msg, .. } => err(msg),
                e => err(e.to_string()),
            })?;
        let st = SafeTensors::deserialize(&bytes)
            .map_err(|e| err(format!("not a valid safetensors file: {e}")))?;
        let tname = match &src.tensor {
            Some(t) => t.clone(),
            None => {
                let names = st.names();
                if names.len() != 1 {
                    return Err(err(format!(
                        "{} tensors in the file: name one as FILE.safetensors:NAME",
                        names.len()
                    )));
                }
                names[0].to_string()
            }
        };
        let t = st
            .tensor(&tname)
            .map_err(|e| err(format!("tensor {tname:?}: {e}")))?;
        let b = t.data();
        let (format, data): (Format, Vec<f64>) = match t.dtype() {
            Dtype::F16 => (
                Format::F16,
                b.chunks_exact(2)
                    .map(|c| f64::from(half::f16::from_le_bytes([c[0], c[1]]).to_f32()))
                    .collect(),
            ),
            Dtype::BF16 => (
                Format::Bf16,
                b.chunks_exact(2)
                    .map(|c| f64::from(half::bf16::from_le_bytes([c[0], c[1]]).to_f32()))
                    .collect(),
            ),
            Dtype::F32 => (
                Format::F32,
                b.chunks_exact(4)
                    .map(|c| f64::from(f32::from_le_bytes([c[0], c[1], c[2], c[3]])))
                    .collect(),
            ),
            Dtype::F64 => (
                Format::F64,
                b.chunks_exact(8)
                    .map(|c| f64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]))
                    .collect(),
            ),
            d => {
                return Err(err(format!(
                    "tensor {tname:?} has dtype {d:?}; supported: F16, BF16, F32, F64"
                )))
            }
        };
        return Ok(Tensor::new(name, t.shape().to_vec(), data, format));
    }
    if src.tensor.is_some() {
        return Err(err("a tensor name needs a .safetensors file".into()));
    }
    let opts = NpyOptions {
        uint16_as_bf16: true,
        allow_non_finite: true,
    };
    let a = load_npy_floats(p, &opts).map_err(|e| format!("{name}: {e}"))?;
    let format = match a.dtype {
        NpyDtype::F16 => Format::F16,
        NpyDtype::Bf16 => Format::Bf16,
        NpyDtype::F32 => Format::F32,
        NpyDtype::F64 => Format::F64,
    };
    Ok(Tensor::new(name, a.array.shape, a.array.data, format))
}

/// Read `Q, K, V` and the output `O`.
pub fn read_problem(
    q: &ArraySource,
    k: &ArraySource,
    v: &ArraySource,
    out: &ArraySource,
) -> Result<Problem, String> {
    Ok(Problem {
        q: read_tensor("Q", q)?,
        k: read_tensor("K", k)?,
        v: read_tensor("V", v)?,
        out: read_tensor("O", out)?,
    })
}
