//! Library errors as Python exceptions, with the library's one-line messages.
//!
//! The classes live in `tropical_attention._errors` (Python, so they can inherit from both
//! `TropicalError` and the built-in class a Python user expects): `InvalidInputError`
//! (`ValueError`: shapes, NaN/inf, malformed numbers or files, bad arguments),
//! `TropicalFileNotFoundError` (`FileNotFoundError`) and `TropicalError` for the rest.

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyType;
use tropical_attention::AttentionError;
use tropical_geometry::GeometryError;

/// Which exception class an error maps to.
#[derive(Clone, Copy, Debug)]
pub enum Kind {
    /// `InvalidInputError` (a `ValueError`).
    Value,
    /// `TropicalFileNotFoundError` (a `FileNotFoundError`).
    NotFound,
    /// `TropicalError`.
    Other,
}

/// A Python exception of class `kind` with message `msg`.
pub fn raise(kind: Kind, msg: impl Into<String>) -> PyErr {
    let msg = msg.into();
    let name = match kind {
        Kind::Value => "InvalidInputError",
        Kind::NotFound => "TropicalFileNotFoundError",
        Kind::Other => "TropicalError",
    };
    Python::attach(|py| {
        let class = py
            .import("tropical_attention._errors")
            .and_then(|m| m.getattr(name))
            .and_then(|c| c.cast_into::<PyType>().map_err(PyErr::from));
        match class {
            Ok(c) => PyErr::from_type(c, msg),
            Err(_) => PyValueError::new_err(msg),
        }
    })
}

/// An `InvalidInputError`.
pub fn value(msg: impl Into<String>) -> PyErr {
    raise(Kind::Value, msg)
}

/// The exception for an attention-crate error.
pub fn attention(e: AttentionError) -> PyErr {
    let kind = match &e {
        AttentionError::Io { err, .. } if err.kind() == std::io::ErrorKind::NotFound => {
            Kind::NotFound
        }
        AttentionError::Io { .. } | AttentionError::Geometry(_) => Kind::Other,
        _ => Kind::Value,
    };
    raise(kind, e.to_string())
}

/// The exception for a geometry-crate error.
pub fn geometry(e: GeometryError) -> PyErr {
    let kind = match &e {
        GeometryError::Parse { .. }
        | GeometryError::InvalidInput(_)
        | GeometryError::DimensionMismatch(_)
        | GeometryError::EmptyInput(_)
        | GeometryError::Scalar(_) => Kind::Value,
        _ => Kind::Other,
    };
    raise(kind, e.to_string())
}
