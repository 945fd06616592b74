//! One module per subcommand; each has `Args` (clap) and `run`.

pub mod certify;
pub mod eval;
pub mod gpu_check;
pub mod hull;
pub mod merge;
pub mod minkowski;
pub mod poly;
pub mod power_diagram;
pub mod regions;
pub mod tconv;
