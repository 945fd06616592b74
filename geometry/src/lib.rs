//! Exact polyhedral geometry (SPEC §2, T4–T7, T10, T12, T13): LP, hulls, Minkowski sums, power
//! diagrams, cells of max-affine arrangements, tropical polytopes.
//!
//! ## Main declarations
//! - [`halfspace`]: halfspaces, hyperplanes and the filtered side-of-wall predicate.
//! - [`max_affine`]: max-affine functions and domains (the shared vocabulary).
//! - [`cells`]: the cell walk, its max-affine oracle and brute force.
//! - [`polyhedron`]: V/H conversion by double description, redundancy removal, face lattices.
//! - [`lp`], [`minkowski`], [`power_diagram`], [`tropical_polytope`], [`formats`].
//!
//! ## Implementation notes
//! Every algorithm is exact and generic over [`tropical_algebra::Scalar`]; floats appear only in
//! filters whose error is certified, with an exact fallback.
//!
//! ## References
//! - G. M. Ziegler, *Lectures on Polytopes*, Springer 1995.

#![warn(missing_docs)]

pub mod error;

pub use error::GeometryError;

pub mod halfspace;
pub use halfspace::{Halfspace, Hyperplane};
pub mod cells;
pub mod formats;
pub mod lp;
pub mod max_affine;
pub mod minkowski;
pub mod polyhedron;
pub mod power_diagram;
pub mod tropical_polytope;
pub use polyhedron::{lower_hull, upper_hull, HRep, Polyhedron, VRep};
