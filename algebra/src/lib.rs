//! # tropical-algebra
//!
//! Exact scalars and tropical (max-plus / min-plus / Boolean) algebra: the foundation of the
//! toolkit. Every exact algorithm in the workspace is generic over [`Scalar`], an ordered field
//! with exact conversions (SPEC §1: "everything combinatorial is computed in exact rationals").
//!
//! ```
//! use tropical_algebra::{Rat, Scalar};
//! let x: Rat = "3/4".parse().unwrap();
//! let y = Rat::from_f64(0.25).unwrap(); // every finite f64 is a dyadic rational
//! assert_eq!(x + y, Rat::one());
//! ```

#![warn(missing_docs)]

pub mod enclosure;
pub mod int;
pub mod scalar;

pub use enclosure::Interval;
#[cfg(feature = "gmp")]
pub use scalar::GmpRat;
pub use scalar::{Rat, Scalar, ScalarError};

pub mod semiring;
pub use semiring::{Boolean, MaxPlus, MinPlus, Semiring};
pub mod dense;
pub use dense::Mat;
pub mod matrix;
pub use matrix::{Matrix, TropicalMatrix};
pub mod maxplus_float;
pub mod polynomial;
pub use polynomial::{Monomial, TropicalPolynomial, TropicalRational};
