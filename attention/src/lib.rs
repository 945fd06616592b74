//! Attention as a tropical map (SPEC §2): models with exact weights, loading real checkpoints,
//! exact and float evaluation, and counting cells and linear regions.
//!
//! - [`model`]: heads, layers, residual stacks, ReLU nets; [`plmap`]: the piecewise-linear form
//!   every model compiles to.
//! - [`load`]: JSON models, safetensors checkpoints (BERT / GPT-2 naming), `.npy` contexts.
#![warn(missing_docs)]

pub mod count;
pub mod decomposition;
pub mod error;
pub mod eval;
pub mod linalg;
pub mod load;
pub mod model;
pub mod plmap;
pub mod reference;
pub mod region_counts;
pub mod regions;
pub mod restrict_int;
pub mod tiling;
pub mod topk_regions;

pub use error::{AttentionError, Result};
pub use linalg::Mat;
pub use model::{AttentionLayer, Block, Head, Mlp, Model, ReluNet, ScoreFunction};
pub use plmap::{LocalPiece, Pattern, PlEvaluation, PlMap, PlNode, Selection};
