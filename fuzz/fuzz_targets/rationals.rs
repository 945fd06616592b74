//! Rationals in text (`Scalar::parse_exact`: integers, `p/q`, decimals with exponents).
#![no_main]

use tropical_algebra::{Rat, Scalar};

tropical_fuzz::text_target!(|text| {
    let _ = Rat::parse_exact(text);
});
