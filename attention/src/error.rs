//! Errors of the attention crate: every bad input is a variant with the offending name and shape.

use tropical_algebra::ScalarError;

/// Everything that can go wrong when building, loading, evaluating or counting a model.
#[derive(Debug, thiserror::Error)]
pub enum AttentionError {
    /// A matrix or vector has the wrong shape.
    #[error("shape mismatch for {what}: expected {expected}, found {found}")]
    Shape {
        /// What was being built or read (a tensor name, a field, an argument).
        what: String,
        /// The expected shape, in words.
        expected: String,
        /// The shape found.
        found: String,
    },
    /// A tensor named in the loading scheme is not in the checkpoint.
    #[error("tensor {name:?} not found in {file} (it has {available} tensors; e.g. {example})")]
    MissingTensor {
        /// The missing tensor's name.
        name: String,
        /// The checkpoint file.
        file: String,
        /// How many tensors the file has.
        available: usize,
        /// Some names that do exist, to help spot a prefix problem.
        example: String,
    },
    /// A NaN or infinite value in an input.
    #[error("{what}: non-finite value {value} at flat index {index} (NaN/inf are not rational)")]
    NonFinite {
        /// Which tensor/field.
        what: String,
        /// Flat (row-major) index of the first bad entry.
        index: usize,
        /// The value as printed.
        value: String,
    },
    /// A tensor dtype that cannot be converted exactly (only f16, bf16, f32, f64 are supported).
    #[error("tensor {name:?} has unsupported dtype {dtype} (supported: F16, BF16, F32, F64)")]
    BadDtype {
        /// Tensor name.
        name: String,
        /// Its dtype as printed.
        dtype: String,
    },
    /// A file could not be read or written.
    #[error("{path}: {err}")]
    Io {
        /// The file.
        path: String,
        /// The I/O error (shown in the message, not chained, so it prints once).
        err: std::io::Error,
    },
    /// A malformed input file (JSON, safetensors, npy), with the reason.
    #[error("{path}: {msg}")]
    Format {
        /// The file (or "<string>").
        path: String,
        /// What is wrong, with line/column where known.
        msg: String,
    },
    /// A malformed or non-finite exact number.
    #[error("{what}: {source}")]
    Scalar {
        /// Where the number came from.
        what: String,
        /// The scalar error.
        source: ScalarError,
    },
    /// An empty input where at least one element is needed (no keys, no heads, no layers).
    #[error("empty input: {0}")]
    Empty(String),
    /// An argument out of range (a layer index, a head index, a non-positive scale, ...).
    #[error("invalid argument: {0}")]
    Invalid(String),
    /// The point lies on a wall (a tie between different affine scores, or a ReLU input that
    /// vanishes there but not identically), so it is not inside a cell.
    #[error("point is not generic: {0}")]
    NotGeneric(String),
    /// An error from the geometry crate (LP, polyhedra, cell walk).
    #[error("geometry: {0}")]
    Geometry(String),
}

/// Shorthand result type.
pub type Result<T> = std::result::Result<T, AttentionError>;

pub(crate) fn shape_err(
    what: impl Into<String>,
    expected: impl Into<String>,
    found: impl Into<String>,
) -> AttentionError {
    AttentionError::Shape {
        what: what.into(),
        expected: expected.into(),
        found: found.into(),
    }
}
