//! Python arrays in, exact rationals out (and back as exact strings).
//!
//! The Python half sends every array as `(shape, payload)`: `payload` is either `bytes` holding
//! little-endian `f64` values (floats of any width widen to `f64` exactly) or a list of exact
//! strings (`Fraction`s and integers of any size, as `"p/q"` / `"n"`). Every finite float becomes
//! its exact dyadic value; NaN and ±∞ are `ValueError`s naming the array and the flat index.

use pyo3::prelude::*;
use pyo3::types::PyBytes;
use tropical_algebra::{Rat, Scalar};
use tropical_attention::Mat;

use crate::errors;

/// A dense array of exact rationals, row-major.
pub struct Array {
    /// The shape.
    pub shape: Vec<usize>,
    /// The entries, row-major.
    pub data: Vec<Rat>,
}

/// Read the `(shape, payload)` pair `ob`; `what` names it in errors.
pub fn array(ob: &Bound<'_, PyAny>, what: &str) -> PyResult<Array> {
    let (shape, payload): (Vec<usize>, Bound<'_, PyAny>) = ob.extract()?;
    let n: usize = shape.iter().product();
    let data: Vec<Rat> = if let Ok(b) = payload.cast::<PyBytes>() {
        let bytes = b.as_bytes();
        if bytes.len() != 8 * n {
            return Err(errors::value(format!(
                "{what}: {} bytes for shape {shape:?} (expected {})",
                bytes.len(),
                8 * n
            )));
        }
        bytes
            .chunks_exact(8)
            .enumerate()
            .map(|(i, c)| {
                let x = f64::from_le_bytes(c.try_into().expect("chunks of 8"));
                Rat::from_f64(x).map_err(|_| {
                    errors::value(format!(
                        "{what}: non-finite value {x} at flat index {i} (NaN/inf are not rational)"
                    ))
                })
            })
            .collect::<PyResult<_>>()?
    } else {
        let strs: Vec<String> = payload.extract()?;
        if strs.len() != n {
            return Err(errors::value(format!(
                "{what}: {} entries for shape {shape:?} (expected {n})",
                strs.len()
            )));
        }
        strs.iter()
            .enumerate()
            .map(|(i, s)| {
                Rat::parse_exact(s)
                    .map_err(|e| errors::value(format!("{what}: flat index {i}: {e}")))
            })
            .collect::<PyResult<_>>()?
    };
    Ok(Array { shape, data })
}

impl Array {
    /// As a vector (1-D, or 2-D with one row).
    pub fn vector(self, what: &str) -> PyResult<Vec<Rat>> {
        match self.shape.as_slice() {
            [_] | [1, _] => Ok(self.data),
            s => Err(errors::value(format!(
                "{what}: expected a vector, got shape {s:?}"
            ))),
        }
    }
    /// As a matrix (2-D, or 3-D with a leading batch dimension of 1).
    pub fn matrix(self, what: &str) -> PyResult<Mat<Rat>> {
        let (r, c) = match self.shape.as_slice() {
            [r, c] | [1, r, c] => (*r, *c),
            s => {
                return Err(errors::value(format!(
                    "{what}: expected a matrix (2 dimensions), got shape {s:?}"
                )))
            }
        };
        Mat::new(r, c, self.data).map_err(|e| errors::attention(e.into()))
    }
    /// As a list of rows (2-D).
    pub fn rows(self, what: &str) -> PyResult<Vec<Vec<Rat>>> {
        Ok(self.matrix(what)?.to_rows())
    }
}

/// An optional box `(lo, hi)` given as two exact strings.
pub fn bbox(b: Option<(String, String)>) -> PyResult<Option<(Rat, Rat)>> {
    b.map(|(lo, hi)| {
        let p = |s: &str, w: &str| {
            Rat::parse_exact(s).map_err(|e| errors::value(format!("box {w} {s:?}: {e}")))
        };
        let (lo, hi) = (p(&lo, "LO")?, p(&hi, "HI")?);
        if lo >= hi {
            return Err(errors::value(format!("box {lo},{hi}: need LO < HI")));
        }
        Ok((lo, hi))
    })
    .transpose()
}

/// Exact strings of a vector.
pub fn strings(v: &[Rat]) -> Vec<String> {
    v.iter().map(ToString::to_string).collect()
}
