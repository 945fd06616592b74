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
use tropical_algebra::{Rat, Scalar};
use tropical_attention::load::{npy_from_bytes, Array};

use crate::dyadic::dyadic_parts;

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
    let bytes = std::fs::read(p).map_err(|e| err(e.to_string()))?;
    let a: Array<Rat> =
        npy_from_bytes(&bytes, &p.display().to_string()).map_err(|e| format!("{name}: {e}"))?;
    // every value read is a float of the file, so a dyadic rational: convert it back exactly
    let mut data = Vec::with_capacity(a.data.len());
    for (i, x) in a.data.iter().enumerate() {
        let f = exact_f64(x)
            .filter(|f| f64::from(*f as f32) == *f)
            .ok_or_else(|| {
                err(format!(
                    "element {i} = {x} is not an f32 value (.npy arrays are read as f32)"
                ))
            })?;
        data.push(f);
    }
    Ok(Tensor::new(name, a.shape, data, Format::F32))
}

/// The f64 equal to the dyadic rational `x`, if there is one.
fn exact_f64(x: &Rat) -> Option<f64> {
    let (n, e) = dyadic_parts(x)?;
    let m = i64::try_from(&n)
        .ok()
        .filter(|m| m.unsigned_abs() < 1 << 53)?;
    let e = i32::try_from(e).ok()?;
    // m and 2^-e are exact f64 values, and so is their product unless it underflows
    let f = m as f64 * super::pow2(-e);
    (Rat::from_f64(f).ok()? == *x).then_some(f)
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
