//! Exact polyhedral geometry (SPEC §2, T4–T7, T10, T12, T13).
//!
//! Every algorithm is exact and generic over [`tropical_algebra::Scalar`].

pub mod error;

pub use error::GeometryError;

pub mod halfspace;
pub use halfspace::{Halfspace, Hyperplane};
pub mod cells;
pub mod formats;
pub mod lp;
pub mod minkowski;
pub mod polyhedron;
pub mod power_diagram;
pub mod tropical_polytope;
pub use polyhedron::{lower_hull, upper_hull, HRep, Polyhedron, VRep};
