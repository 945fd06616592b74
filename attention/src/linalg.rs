//! Dense linear algebra for models and PL maps: the exact matrix of [`tropical_algebra::dense`],
//! re-exported under the names the attention crate has always used.
//!
//! ## Main declarations
//! - [`Mat`]: dense row-major matrix over an exact scalar (weights, contexts, PL-map slopes).
//! - [`dot`], [`add`], [`expect_len`]: vectors are slices.
//! - [`pivot_columns`], [`rank`]: exact rank with a modular filter.
//!
//! ## Implementation notes
//! All of it lives in `tropical_algebra::dense` (one home for dense vectors and matrices); a
//! [`ShapeError`] from there becomes [`AttentionError::Shape`] with the same fields, so `?` works
//! in every function of this crate and messages read as before.

pub use tropical_algebra::dense::{add, dot, expect_len, pivot_columns, rank, Mat, ShapeError};

use crate::error::AttentionError;

impl From<ShapeError> for AttentionError {
    fn from(e: ShapeError) -> Self {
        AttentionError::Shape {
            what: e.what,
            expected: e.expected,
            found: e.found,
        }
    }
}
