//! Rationals in text (`Scalar::parse_exact`: integers, `p/q`, decimals with exponents).
#![no_main]

use libfuzzer_sys::fuzz_target;
use tropical_algebra::{Rat, Scalar};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = Rat::parse_exact(text);
});
