//! # `.npy` arrays
//!
//! Reads NumPy's `.npy` files (format versions 1–3) of floats — f16 (`f2`), f32 (`f4`), f64
//! (`f8`), and, when [`NpyOptions::uint16_as_bf16`] is set, uint16 (`u2`) read as bfloat16 bit
//! patterns (PyTorch's `bf16_tensor.view(torch.uint16).numpy()`, since NumPy has no bf16) — in
//! either byte order and in C or Fortran order, with 0 or more dimensions (up to [`MAX_DIMS`]).
//! The shape is kept and the entries are returned in C (row-major) order.
//!
//! ## Main declarations
//!
//! - [`Array`]: a shape and row-major entries; [`NpyDtype`], [`NpyOptions`].
//! - [`npy_from_bytes`], [`npy_from_bytes_with`], [`load_npy`]: exact rationals.
//! - [`npy_floats_from_bytes`], [`load_npy_floats`]: the stored floats widened to `f64`
//!   (exact: every f16/bf16/f32 is an f64), NaN/inf kept when asked for (a kernel's output is
//!   checked, not trusted).
//!
//! ## Implementation notes
//!
//! Every number in the header is checked before it is used: the header length against the file
//! and [`MAX_HEADER_BYTES`], the number of dimensions against [`MAX_DIMS`], and the element count
//! (overflow-checked product of the shape) times the element width against the data bytes, which
//! must match exactly. Nothing is allocated from a claimed size: the output vector is sized from
//! the data actually present.
//!
//! Floats convert to rationals with [`Scalar::from_f64`], exact for finite values; NaN/inf are
//! [`AttentionError::NonFinite`] naming the flat (C-order) index.
//!
//! ## References
//!
//! - NumPy Enhancement Proposal 1, *A simple file format for NumPy arrays*, and
//!   `numpy.lib.format` (header dictionary `{'descr', 'fortran_order', 'shape'}`).

use std::path::Path;

use tropical_algebra::Scalar;

use super::{fmt_err, read_file};
use crate::error::{AttentionError, Result};

/// Most dimensions an array may have (NumPy's own limit, `NPY_MAXDIMS`, is 64).
pub const MAX_DIMS: usize = 32;

/// Longest header accepted, in bytes (NumPy writes 64–128 bytes; it reads up to 10 000).
pub const MAX_HEADER_BYTES: usize = 1 << 16;

/// A dense array: its shape and its entries in row-major (C) order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Array<S> {
    /// Shape (C order); empty for a 0-dimensional array, which has one entry.
    pub shape: Vec<usize>,
    /// Entries, row-major.
    pub data: Vec<S>,
}

/// The element type of a `.npy` file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NpyDtype {
    /// IEEE binary16 (`f2`).
    F16,
    /// bfloat16, stored as `u2` bit patterns (read only with [`NpyOptions::uint16_as_bf16`]).
    Bf16,
    /// IEEE binary32 (`f4`).
    F32,
    /// IEEE binary64 (`f8`).
    F64,
}

impl NpyDtype {
    /// Bytes per element.
    pub fn width(self) -> usize {
        match self {
            NpyDtype::F16 | NpyDtype::Bf16 => 2,
            NpyDtype::F32 => 4,
            NpyDtype::F64 => 8,
        }
    }
}

/// How to read a `.npy` file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NpyOptions {
    /// Read `uint16` arrays as bfloat16 bit patterns (otherwise they are rejected: an integer
    /// array is not silently taken for floats).
    pub uint16_as_bf16: bool,
    /// Keep NaN and infinities ([`npy_floats_from_bytes`] only; exact conversion always rejects
    /// them).
    pub allow_non_finite: bool,
}

/// An array of the stored floats, widened exactly to `f64`, with the stored dtype.
#[derive(Clone, Debug, PartialEq)]
pub struct FloatArray {
    /// Shape and C-order entries.
    pub array: Array<f64>,
    /// The dtype in the file.
    pub dtype: NpyDtype,
}

struct Header {
    dtype: NpyDtype,
    big_endian: bool,
    fortran: bool,
    shape: Vec<usize>,
    data_start: usize,
}

/// The value of `'key':` in the header dictionary (the text after the colon).
fn field<'h>(header: &'h str, key: &str, e: &dyn Fn(String) -> AttentionError) -> Result<&'h str> {
    let k = format!("'{key}'");
    let i = header
        .find(&k)
        .ok_or_else(|| e(format!("header has no {k}: {header:?}")))?;
    let rest = header[i + k.len()..].trim_start();
    Ok(rest
        .strip_prefix(':')
        .ok_or_else(|| e(format!("malformed header {header:?}")))?
        .trim_start())
}

fn parse_header(bytes: &[u8], opts: &NpyOptions, path: &str) -> Result<Header> {
    let e = |m: String| fmt_err(path, format!("npy: {m}"));
    if bytes.len() < 10 || &bytes[..6] != b"\x93NUMPY" {
        return Err(e("missing the \\x93NUMPY magic (not a .npy file)".into()));
    }
    let (hlen, start) = match bytes[6] {
        1 => (usize::from(u16::from_le_bytes([bytes[8], bytes[9]])), 10),
        2 | 3 => {
            let b = bytes
                .get(8..12)
                .ok_or_else(|| e("truncated header".into()))?;
            (u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize, 12)
        }
        v => return Err(e(format!("unsupported format version {v}"))),
    };
    if hlen > MAX_HEADER_BYTES {
        return Err(e(format!(
            "header length {hlen} exceeds the limit of {MAX_HEADER_BYTES} bytes"
        )));
    }
    let header = bytes
        .get(start..start + hlen)
        .ok_or_else(|| e(format!("truncated header ({hlen} bytes claimed)")))?;
    let header = std::str::from_utf8(header).map_err(|_| e("header is not UTF-8".into()))?;
    let descr = field(header, "descr", &e)?
        .strip_prefix('\'')
        .and_then(|r| r.split('\'').next())
        .ok_or_else(|| e(format!("malformed descr in {header:?}")))?;
    // The byte-order mark is one character, which need not be one byte in a hostile header.
    let (order, kind) = descr.split_at(descr.chars().next().map_or(0, char::len_utf8));
    let big_endian = match order {
        "<" | "|" => false,
        ">" => true,
        "=" => cfg!(target_endian = "big"),
        _ => return Err(e(format!("malformed descr {descr:?}"))),
    };
    let dtype = match kind {
        "f2" => NpyDtype::F16,
        "f4" => NpyDtype::F32,
        "f8" => NpyDtype::F64,
        "u2" if opts.uint16_as_bf16 => NpyDtype::Bf16,
        "u2" => {
            return Err(e(
                "uint16 array: read it as bf16 bit patterns only when asked (the bf16 option)"
                    .into(),
            ))
        }
        _ => {
            return Err(e(format!(
                "unsupported dtype {descr:?} (supported: f2, f4, f8 in either byte order, and u2 as bf16 bit patterns)"
            )))
        }
    };
    let fo = field(header, "fortran_order", &e)?;
    let fortran = if fo.starts_with("True") {
        true
    } else if fo.starts_with("False") {
        false
    } else {
        return Err(e(format!("malformed fortran_order in {header:?}")));
    };
    let inner = field(header, "shape", &e)?
        .strip_prefix('(')
        .and_then(|r| r.split(')').next())
        .ok_or_else(|| e(format!("malformed shape in {header:?}")))?;
    let mut shape = Vec::new();
    for part in inner.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        if shape.len() == MAX_DIMS {
            return Err(e(format!("more than {MAX_DIMS} dimensions")));
        }
        shape.push(
            part.parse::<usize>()
                .map_err(|_| e(format!("bad shape entry {part:?}")))?,
        );
    }
    let data_start = start + hlen;
    let body = bytes.len() - data_start;
    let needed = shape
        .iter()
        .try_fold(1usize, |n, &k| n.checked_mul(k))
        .and_then(|n| n.checked_mul(dtype.width()));
    if needed != Some(body) {
        return Err(e(format!(
            "shape {shape:?} of {descr:?} needs {} data bytes, the file has {body}",
            needed.map_or("more than 2^64".to_string(), |n| n.to_string())
        )));
    }
    Ok(Header {
        dtype,
        big_endian,
        fortran,
        shape,
        data_start,
    })
}

/// Decode one element.
pub(crate) fn decode(c: &[u8], dtype: NpyDtype, big_endian: bool) -> f64 {
    let mut b = [0u8; 8];
    let w = dtype.width();
    b[..w].copy_from_slice(&c[..w]);
    if big_endian {
        b[..w].reverse();
    }
    match dtype {
        NpyDtype::F16 => f64::from(half::f16::from_le_bytes([b[0], b[1]]).to_f32()),
        NpyDtype::Bf16 => f64::from(half::bf16::from_le_bytes([b[0], b[1]]).to_f32()),
        NpyDtype::F32 => f64::from(f32::from_le_bytes([b[0], b[1], b[2], b[3]])),
        NpyDtype::F64 => f64::from_le_bytes(b),
    }
}

/// The C-order list of floats of a checked header's data.
fn floats(bytes: &[u8], h: &Header) -> Vec<f64> {
    let w = h.dtype.width();
    let body = &bytes[h.data_start..];
    let n = body.len() / w;
    let at = |k: usize| decode(&body[k * w..(k + 1) * w], h.dtype, h.big_endian);
    if !h.fortran || h.shape.len() < 2 {
        return (0..n).map(at).collect();
    }
    // Fortran order: element (i_0, .., i_{k-1}) is at Σ i_j · Π_{m<j} shape_m.
    let mut out = Vec::with_capacity(n);
    let mut idx = vec![0usize; h.shape.len()];
    for _ in 0..n {
        let mut off = 0;
        let mut stride = 1;
        for (i, s) in idx.iter().zip(&h.shape) {
            off += i * stride;
            stride *= s;
        }
        out.push(at(off));
        // Next C-order index: the last axis moves fastest.
        for (i, s) in idx.iter_mut().zip(&h.shape).rev() {
            *i += 1;
            if *i < *s {
                break;
            }
            *i = 0;
        }
    }
    out
}

/// Read a `.npy` file's floats, widened exactly to `f64` (module docs; `path` names the source
/// in errors). NaN/inf are errors unless `opts.allow_non_finite`.
pub fn npy_floats_from_bytes(bytes: &[u8], path: &str, opts: &NpyOptions) -> Result<FloatArray> {
    let h = parse_header(bytes, opts, path)?;
    let data = floats(bytes, &h);
    if !opts.allow_non_finite {
        if let Some((index, x)) = data.iter().enumerate().find(|(_, x)| !x.is_finite()) {
            return Err(AttentionError::NonFinite {
                what: format!("{path} (npy)"),
                index,
                value: format!("{x}"),
            });
        }
    }
    Ok(FloatArray {
        array: Array {
            shape: h.shape,
            data,
        },
        dtype: h.dtype,
    })
}

/// Read a `.npy` file exactly (module docs), with `opts` (`allow_non_finite` is ignored: NaN and
/// infinities are not rational).
pub fn npy_from_bytes_with<S: Scalar>(
    bytes: &[u8],
    path: &str,
    opts: &NpyOptions,
) -> Result<Array<S>> {
    let h = parse_header(bytes, opts, path)?;
    let what = format!("{path} (npy)");
    let data = floats(bytes, &h)
        .into_iter()
        .enumerate()
        .map(|(index, x)| to_scalar(x, &what, index))
        .collect::<Result<_>>()?;
    Ok(Array {
        shape: h.shape,
        data,
    })
}

/// The header dictionary NumPy writes for an array of element type `descr` (e.g. `"<f4"`), order
/// `fortran_order` and `shape`: `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }`,
/// with a 1-D shape written `(n,)` and a 0-D one `()`. [`npy_file_bytes`] turns it into a file.
pub fn npy_header_dict(descr: &str, fortran_order: bool, shape: &[usize]) -> String {
    let dims: Vec<String> = shape.iter().map(ToString::to_string).collect();
    let shape = match dims.len() {
        1 => format!("({},)", dims[0]),
        _ => format!("({})", dims.join(", ")),
    };
    let fo = if fortran_order { "True" } else { "False" };
    format!("{{'descr': '{descr}', 'fortran_order': {fo}, 'shape': {shape}, }}")
}

/// The bytes of a `.npy` file holding the header dictionary `dict` as given and then `body`: the
/// magic, format version 1.0 (2.0 when the header is longer than 1.0's 65 535 bytes), `dict`
/// padded with spaces and a newline so that the data starts at a multiple of 64 bytes (NEP 1).
/// Neither `dict` nor `body` is checked, so this writes malformed files as readily as good ones
/// (the readers' tests use it for both); the inverse of [`npy_from_bytes`] for a dictionary from
/// [`npy_header_dict`] and a body of the right length.
///
/// # Errors
/// [`AttentionError::Invalid`] when the header does not fit in 4 GiB (format 2.0's limit).
///
/// ```
/// use tropical_algebra::Rat;
/// use tropical_attention::load::npy::{npy_file_bytes, npy_from_bytes, npy_header_dict};
/// let body: Vec<u8> = [0.5f32, -2.0].iter().flat_map(|x| x.to_le_bytes()).collect();
/// let bytes = npy_file_bytes(&npy_header_dict("<f4", false, &[2]), &body).unwrap();
/// assert_eq!(bytes.len() % 64, 8); // the header ends on a multiple of 64 bytes
/// let a = npy_from_bytes::<Rat>(&bytes, "x.npy").unwrap();
/// assert_eq!(a.shape, vec![2]);
/// ```
pub fn npy_file_bytes(dict: &str, body: &[u8]) -> Result<Vec<u8>> {
    let padded = |prefix: usize| {
        let mut h = dict.to_string();
        while (prefix + h.len() + 1) % 64 != 0 {
            h.push(' ');
        }
        h.push('\n');
        h
    };
    let mut out = b"\x93NUMPY".to_vec();
    let h = padded(10);
    if let Ok(len) = u16::try_from(h.len()) {
        out.extend([1, 0]);
        out.extend(len.to_le_bytes());
        out.extend(h.as_bytes());
    } else {
        let h = padded(12);
        let len = u32::try_from(h.len()).map_err(|_| {
            AttentionError::Invalid(format!(
                "npy: a header of {} bytes does not fit in format 2.0 (4 GiB)",
                h.len()
            ))
        })?;
        out.extend([2, 0]);
        out.extend(len.to_le_bytes());
        out.extend(h.as_bytes());
    }
    out.extend(body);
    Ok(out)
}

/// Read a `.npy` file of f16/f32/f64 exactly (uint16 is rejected; see [`npy_from_bytes_with`]).
///
/// ```
/// use tropical_algebra::{Rat, Scalar};
/// // A 1-D big-endian f32 array [0.5, -2] written by hand.
/// let mut b = b"\x93NUMPY\x01\x00".to_vec();
/// let h = "{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }";
/// let h = format!("{h:<117}\n");
/// b.extend((h.len() as u16).to_le_bytes());
/// b.extend(h.as_bytes());
/// b.extend(0.5f32.to_be_bytes());
/// b.extend((-2f32).to_be_bytes());
/// let a = tropical_attention::load::npy_from_bytes::<Rat>(&b, "x.npy").unwrap();
/// assert_eq!(a.shape, vec![2]);
/// assert_eq!(a.data, vec![Rat::from_ratio(1, 2).unwrap(), Rat::from_ratio(-2, 1).unwrap()]);
/// ```
pub fn npy_from_bytes<S: Scalar>(bytes: &[u8], path: &str) -> Result<Array<S>> {
    npy_from_bytes_with(bytes, path, &NpyOptions::default())
}

/// Read a `.npy` file from disk exactly ([`npy_from_bytes_with`]).
pub fn load_npy<S: Scalar>(path: &Path, opts: &NpyOptions) -> Result<Array<S>> {
    npy_from_bytes_with(&read_file(path)?, &path.display().to_string(), opts)
}

/// Read a `.npy` file's floats from disk ([`npy_floats_from_bytes`]).
pub fn load_npy_floats(path: &Path, opts: &NpyOptions) -> Result<FloatArray> {
    npy_floats_from_bytes(&read_file(path)?, &path.display().to_string(), opts)
}

/// A finite float as an exact scalar (NaN/inf: [`AttentionError::NonFinite`] at `index`).
pub(crate) fn to_scalar<S: Scalar>(x: f64, what: &str, index: usize) -> Result<S> {
    if !x.is_finite() {
        return Err(AttentionError::NonFinite {
            what: what.to_string(),
            index,
            value: format!("{x}"),
        });
    }
    S::from_f64(x).map_err(|source| AttentionError::Scalar {
        what: what.to_string(),
        source,
    })
}
