//! The JSON shape of a count: big integers and exact scalars as the `serialize_with` helpers of
//! [`super::CellCount`] and its parts write them.
//!
//! ## Main declarations
//!
//! - `ser_count`: a count as a JSON number up to `2^53`, as a decimal string beyond.
//! - `ser_opt_big`: an optional bound, always a decimal string.
//! - `ser_scalars`, `ser_opt_rows`, `ser_opt_polygon`: exact scalars as strings (`"-3/2"`).
//!
//! ## Implementation notes
//!
//! `2^53` is the largest integer every JSON reader holds exactly (readers that keep numbers
//! as IEEE 754 doubles, JavaScript's among them); beyond it a count is a string, so no reader rounds it. Scalars are
//! always strings: a rational has no JSON number form.
//!
//! ## References
//!
//! - RFC 8259 §6 (numbers and interoperability).
//! - `docs/json/` (every `--json` field of every command).

use num_bigint::BigUint;
use num_traits::ToPrimitive;
use serde::{Serialize, Serializer};
use tropical_algebra::Scalar;

/// Largest integer every JSON reader holds exactly (`2^53`).
const JSON_EXACT: u64 = 1 << 53;

/// A count as a JSON number up to `2^53`, as a decimal string beyond.
pub(super) fn ser_count<Se: Serializer>(
    n: &BigUint,
    s: Se,
) -> std::result::Result<Se::Ok, Se::Error> {
    match n.to_u64() {
        Some(v) if v <= JSON_EXACT => s.serialize_u64(v),
        _ => s.serialize_str(&n.to_string()),
    }
}

pub(super) fn ser_opt_big<Se: Serializer>(
    n: &Option<BigUint>,
    s: Se,
) -> std::result::Result<Se::Ok, Se::Error> {
    match n {
        Some(v) => s.serialize_str(&v.to_string()),
        None => s.serialize_none(),
    }
}

fn strings<S: Scalar>(v: &[S]) -> Vec<String> {
    v.iter().map(ToString::to_string).collect()
}

pub(super) fn ser_scalars<S: Scalar, Se: Serializer>(
    v: &[S],
    s: Se,
) -> std::result::Result<Se::Ok, Se::Error> {
    strings(v).serialize(s)
}

pub(super) fn ser_opt_rows<S: Scalar, Se: Serializer>(
    v: &Option<Vec<Vec<S>>>,
    s: Se,
) -> std::result::Result<Se::Ok, Se::Error> {
    v.as_ref()
        .map(|rows| rows.iter().map(|r| strings(r)).collect::<Vec<_>>())
        .serialize(s)
}

pub(super) fn ser_opt_polygon<S: Scalar, Se: Serializer>(
    v: &Option<Vec<[S; 2]>>,
    s: Se,
) -> std::result::Result<Se::Ok, Se::Error> {
    v.as_ref()
        .map(|p| p.iter().map(|q| strings(q)).collect::<Vec<_>>())
        .serialize(s)
}
