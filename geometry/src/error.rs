//! The shared error type of the geometry crate.

use tropical_algebra::ScalarError;

/// Errors of the exact geometry algorithms and of the polytope file formats.
///
/// Every variant carries enough context to print a one-line diagnosis; file errors name the
/// line (1-based) and the problem.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GeometryError {
    /// Vectors or matrices whose sizes do not fit together.
    #[error("dimension mismatch: {0}")]
    DimensionMismatch(String),
    /// An input that must be non-empty was empty.
    #[error("empty input: {0}")]
    EmptyInput(String),
    /// An input that is well-formed but not allowed (e.g. a V-representation with rays where a
    /// polytope is required).
    #[error("invalid input: {0}")]
    InvalidInput(String),
    /// A malformed polytope file (`.ine`, `.ext`, JSON): the 1-based line and the problem.
    #[error("line {line}: {problem}")]
    Parse {
        /// 1-based line number (0 when the position is unknown, e.g. a JSON structure error).
        line: usize,
        /// What is wrong.
        problem: String,
    },
    /// An exact scalar operation failed (division by zero, non-finite value, bad number).
    #[error(transparent)]
    Scalar(#[from] ScalarError),
    /// A size limit (rows, dimension, cells, ...) was exceeded.
    #[error("limit exceeded: {0}")]
    LimitExceeded(String),
    /// The computation was cancelled by the caller.
    #[error("cancelled")]
    Cancelled,
}
