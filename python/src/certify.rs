//! `certify_attention`: any attention kernel's output against the exact reference
//! (`tropical_gpu::certify`).
//!
//! Tensors arrive as `(shape, payload, format)`: little-endian `f64` bytes holding each stored
//! value exactly (f16 and bf16 widened exactly by the Python half) and the storage format name
//! (`f64`, `f32`, `f16`, `bf16`), which sets the ulps and the rounding of the bound. NaN/inf in the
//! kernel's output are findings of the certificate, not errors.
//!
//! The rows are certified on a worker thread while the calling thread waits with the GIL
//! released, waking every 50 ms to run Python's signal handlers and the progress callback
//! `(rows_done, rows_total)`: a `KeyboardInterrupt` sets the certifier's cancel flag, the rows
//! already started finish, and the partial certificate (verdict `interrupted`) is returned with
//! `interrupted = true`; any other exception from the callback stops the run and is re-raised.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::types::PyBytes;
use tropical_algebra::{Rat, Scalar};
use tropical_gpu::certify::{
    certify, CertifyError, CertifyOptions, Format, Kind, Mask, Problem, Tensor,
};

use crate::errors::{self, raise};

fn tensor(ob: &Bound<'_, PyAny>, name: &str) -> PyResult<Tensor> {
    let (shape, payload, format): (Vec<usize>, Bound<'_, PyBytes>, String) = ob.extract()?;
    let bytes = payload.as_bytes();
    let n: usize = shape.iter().product();
    if bytes.len() != 8 * n {
        return Err(errors::value(format!(
            "{name}: {} bytes for shape {shape:?} (expected {})",
            bytes.len(),
            8 * n
        )));
    }
    let data = bytes
        .chunks_exact(8)
        .map(|c| f64::from_le_bytes(c.try_into().expect("chunks of 8")))
        .collect();
    let format = match format.as_str() {
        "f64" => Format::F64,
        "f32" => Format::F32,
        "f16" => Format::F16,
        "bf16" => Format::Bf16,
        f => return Err(errors::value(format!("{name}: unsupported format {f:?}"))),
    };
    Ok(Tensor::new(name, shape, data, format))
}

fn rat(s: &str, what: &str) -> PyResult<Rat> {
    Rat::parse_exact(s).map_err(|e| errors::value(format!("{what} {s:?}: {e}")))
}

/// Certify `out` against the exact attention of `q, k, v`: the certificate as JSON text (the
/// fields of `tropical certify --json`) and whether Ctrl-C stopped it (module docs).
#[pyfunction]
#[pyo3(signature = (q, k, v, out, tau, kind, k_top=None, scale=None, mask=None, causal=false, heads=None, tolerance=None, rows=None, progress=None))]
#[allow(clippy::too_many_arguments)]
pub fn certify_attention(
    py: Python<'_>,
    q: &Bound<'_, PyAny>,
    k: &Bound<'_, PyAny>,
    v: &Bound<'_, PyAny>,
    out: &Bound<'_, PyAny>,
    tau: &str,
    kind: &str,
    k_top: Option<usize>,
    scale: Option<String>,
    mask: Option<Bound<'_, PyAny>>,
    causal: bool,
    heads: Option<usize>,
    tolerance: Option<(f64, f64)>,
    rows: Option<usize>,
    progress: Option<Bound<'_, PyAny>>,
) -> PyResult<(String, bool)> {
    let kind = match (kind, k_top) {
        ("softmax", None) => Kind::Softmax,
        ("hardmax", None) => Kind::Hardmax,
        ("topk", Some(k)) => Kind::Topk { k },
        ("topk", None) => return Err(errors::value("kind=\"topk\" needs k_top")),
        ("softmax" | "hardmax", Some(_)) => {
            return Err(errors::value("k_top applies to kind=\"topk\" only"))
        }
        (other, _) => {
            return Err(errors::value(format!(
                "kind {other:?}: expected \"softmax\", \"hardmax\" or \"topk\""
            )))
        }
    };
    let mask = match (mask, causal) {
        (Some(_), true) => return Err(errors::value("give a mask or causal=True, not both")),
        (Some(m), false) => Mask::Keep(tensor(&m, "mask")?),
        (None, true) => Mask::Causal,
        (None, false) => Mask::None,
    };
    let opts = CertifyOptions {
        kind,
        sigma: scale.as_deref().map(|s| rat(s, "scale")).transpose()?,
        tau: rat(tau, "tau")?,
        mask,
        heads,
        tolerance,
        rows,
        cancel: Some(Arc::new(AtomicBool::new(false))),
        ..CertifyOptions::default()
    };
    let problem = Problem {
        q: tensor(q, "Q")?,
        k: tensor(k, "K")?,
        v: tensor(v, "V")?,
        out: tensor(out, "O")?,
    };
    let cancel = opts.cancel.clone().expect("set above");
    let counts: [AtomicUsize; 2] = Default::default();
    let report = |cb: &Bound<'_, PyAny>| -> PyResult<()> {
        let v = |i: usize| counts[i].load(Ordering::Relaxed);
        cb.call1((v(0), v(1))).map(drop)
    };
    let job = || {
        certify(&problem, &opts, &|done, total| {
            counts[0].fetch_max(done, Ordering::Relaxed);
            counts[1].store(total, Ordering::Relaxed);
        })
    };
    let tick = progress.as_ref().map(|cb| move || report(cb));
    let tick = tick.as_ref().map(|f| f as &dyn Fn() -> PyResult<()>);
    let (outcome, interrupted) = crate::run::wait_answering_signals(py, &cancel, tick, job)?;
    let cert = match outcome {
        Ok(r) => r.map_err(|e| match e {
            CertifyError::Exact(_) => raise(errors::Kind::Other, e.to_string()),
            _ => errors::value(e.to_string()),
        })?,
        Err(_) => {
            return Err(raise(
                errors::Kind::Other,
                "internal error: the certifier panicked".to_string(),
            ))
        }
    };
    if let Some(cb) = &progress {
        report(cb)?;
    }
    let text =
        serde_json::to_string(&cert).map_err(|e| raise(errors::Kind::Other, e.to_string()))?;
    Ok((text, interrupted))
}
