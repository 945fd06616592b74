//! Exact polyhedral geometry (SPEC §2, T4–T7, T10, T12, T13).

pub mod halfspace;
pub use halfspace::{Halfspace, Hyperplane};
