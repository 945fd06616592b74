//! One module per SPEC §3 claim: statement, strategy, exact check, and a `run` used by the report.

pub mod s1_betti;
pub mod t02_lse_sandwich;
pub mod t03_softmax_limit;
pub mod t09_finite_temperature;
pub mod t14_setting_b_quadric;

use std::time::Instant;

/// Outcome of running a claim's checks (what the report prints in the status column).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// The property held on every generated case (exact checks).
    Holds,
    /// Holds, but only under the stated extra hypothesis.
    HoldsWithHypothesis(String),
    /// A (shrunk) counterexample was found; the string describes it.
    False(String),
    /// A property that should hold FAILED: a bug somewhere (the minimal instance is included).
    Violated(String),
    /// A measurement claim: see the report's tables.
    Measured(String),
    /// Not covered yet (the reason says what is missing).
    NotCovered(String),
}

/// One row of the report.
#[derive(Debug, Clone)]
pub struct ClaimRow {
    /// SPEC id (`T1` … `S3`).
    pub id: &'static str,
    /// The claim, one line.
    pub statement: &'static str,
    /// Status established by the run.
    pub status: Status,
    /// Number of random cases checked (0 for explicit constructions only).
    pub cases: u64,
    /// Wall time in seconds.
    pub seconds: f64,
    /// Tests that establish it (file names) and Coq proof if any.
    pub evidence: String,
}

/// Time a closure producing `(status, cases)`.
pub fn timed(
    id: &'static str,
    statement: &'static str,
    evidence: &str,
    f: impl FnOnce() -> (Status, u64),
) -> ClaimRow {
    let t = Instant::now();
    let (status, cases) = f();
    ClaimRow {
        id,
        statement,
        status,
        cases,
        seconds: t.elapsed().as_secs_f64(),
        evidence: evidence.to_string(),
    }
}

/// Convert a property run into a status.
pub fn status_of<V: std::fmt::Debug>(r: Result<(), crate::config::Failure<V>>) -> Status {
    match r {
        Ok(()) => Status::Holds,
        Err(b) => {
            let (v, msg) = *b;
            Status::Violated(format!("{msg}; minimal instance {v:?}"))
        }
    }
}
