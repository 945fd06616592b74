//! Attention as a tropical map (SPEC §2): models, evaluation, region counting.
pub mod float;
