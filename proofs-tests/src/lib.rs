//! # proofs-tests — the SPEC §3 claim catalogue as executable theorem checking
//!
//! Every claim `T1`–`T17`, `S1`–`S3` of `shared/SPEC.md` §3 has (T15: the Coq proof and the test `tests/t15_decomposition.rs`)
//! - a module in [`claims`] with the precise statement (inputs, hypotheses, conclusion, source),
//!   a proptest strategy that includes degenerate inputs, and an exact `check` that computes every
//!   count or identity two independent ways;
//! - a test file `tests/tNN_<name>.rs` / `tests/sNN_<name>.rs` that runs the property with
//!   [`config::proptest_config`] (case count from the `PROOFS_CASES` environment variable);
//! - a row in `REPORT.md`, written by the `claims-report` binary from the same code.
//!
//! False claims are checked by a *search*: [`config::find_counterexample`] runs the property with a
//! deterministic RNG, lets proptest shrink the first failure, and returns the minimal instance, which
//! the test asserts exists and snapshots with insta.

#![warn(missing_docs)]
#![allow(clippy::needless_range_loop)] // index loops mirror the formulas

pub mod architecture;
pub mod claims;
pub mod config;
pub mod exact;
pub mod figures;
pub mod graph;
pub mod measure;
pub mod relu;
pub mod report;
pub mod strategies;
