//! The certifier's results: located elements, row summaries, percentiles and the certificate.

use serde::Serialize;

use super::{Dims, Format, Kind};

/// One output element, located, with its certified exact value and error.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Element {
    /// Batch index.
    pub batch: usize,
    /// Head index.
    pub head: usize,
    /// Query (row) index.
    pub query: usize,
    /// Output coordinate.
    pub coord: usize,
    /// The kernel's value (`NaN`/`inf` printed as `null` in JSON).
    pub output: f64,
    /// Lower end of the certified enclosure of the exact value (rounded to f64 for display).
    pub exact_lo: f64,
    /// Upper end (rounded to f64 for display).
    pub exact_hi: f64,
    /// Exact distance from the output to the enclosure (rounded to f64; `inf` if non-finite).
    pub error: f64,
    /// The error in ulps of the output format at the exact value.
    pub error_ulps: f64,
    /// The any-order bound for this element.
    pub bound: f64,
    /// The bound in ulps.
    pub bound_ulps: f64,
    /// `error / bound`.
    pub ratio: f64,
    /// Within the bound (decided exactly).
    pub within_bound: bool,
    /// Within the user tolerance (when one is given).
    pub within_tolerance: Option<bool>,
    /// The row is a near-tie (hardmax / top-k): not counted as a failure.
    pub near_tie: bool,
}

/// Per checked row: the largest error and the smallest bound, in ulps (the figure's data).
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct RowSummary {
    /// Flat row index `(batch·heads + head)·n_q + query`.
    pub row: usize,
    /// Largest error of the row in ulps (`inf` for a non-finite output).
    pub max_error_ulps: f64,
    /// Bound of that element in ulps.
    pub bound_ulps: f64,
    /// Largest error/bound ratio of the row.
    pub max_ratio: f64,
    /// `pass`, `fail`, `near-tie` or `masked`.
    pub status: &'static str,
}

/// Percentiles of a distribution.
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct Percentiles {
    /// Median.
    pub p50: f64,
    /// 90th percentile.
    pub p90: f64,
    /// 99th percentile.
    pub p99: f64,
    /// Maximum.
    pub max: f64,
}

/// The result of [`certify`].
#[derive(Clone, Debug, Serialize)]
pub struct Certificate {
    /// `certified` (no element outside the bound, no finding), `failed`, or `interrupted`
    /// (cancelled before every row was checked: the counts cover the checked rows).
    pub verdict: &'static str,
    /// Every selected row was checked (false only when cancelled).
    pub complete: bool,
    /// The operation.
    pub kind: Kind,
    /// Dimensions.
    pub dims: Dims,
    /// σ (exact, as text).
    pub sigma: String,
    /// τ (exact, as text).
    pub tau: String,
    /// `none`, `causal` or `array`.
    pub mask: String,
    /// Storage formats of Q, K, V and the output.
    pub formats: [Format; 4],
    /// Rows in the problem.
    pub rows_total: usize,
    /// Rows checked (fewer when sampled).
    pub rows_checked: usize,
    /// Whether rows were sampled.
    pub sampled: bool,
    /// Rows with every key masked (skipped).
    pub masked_rows: usize,
    /// Output elements checked.
    pub elements_checked: usize,
    /// Within the bound.
    pub passed: usize,
    /// Outside the bound (or non-finite) in certified rows.
    pub failed: usize,
    /// Elements of near-tie rows (not counted as failures).
    pub near_tie_elements: usize,
    /// Near-tie rows.
    pub near_tie_rows: usize,
    /// `passed / (elements_checked − near_tie_elements)` (1 when nothing is certified).
    pub fraction_within_bound: f64,
    /// The user tolerance `(atol, rtol)`, if any.
    pub tolerance: Option<(f64, f64)>,
    /// Elements within the user tolerance (when one is given).
    pub within_tolerance: Option<usize>,
    /// Errors in ulps over the checked elements of certified rows.
    pub error_ulps: Percentiles,
    /// Error/bound ratios over the same elements.
    pub ratio: Percentiles,
    /// Largest absolute error.
    pub max_error: f64,
    /// Non-finite output elements.
    pub non_finite: usize,
    /// Findings about the output as a whole (a wrong shape).
    pub findings: Vec<String>,
    /// The worst elements (failed first, then by ratio).
    pub worst: Vec<Element>,
    /// The first near-tie rows, as `(batch, head, query)`.
    pub near_ties: Vec<(usize, usize, usize)>,
    /// One summary per checked row.
    pub rows: Vec<RowSummary>,
}

impl Certificate {
    /// The verdict is `certified`.
    pub fn certified(&self) -> bool {
        self.verdict == "certified"
    }
}
