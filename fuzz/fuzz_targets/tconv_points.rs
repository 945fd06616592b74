//! Tropical-convex-hull points (JSON rows or `.ext`-like text), the `tropical tconv` reader.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = tropical_fuzz::tconv::points_from_str(std::path::Path::new("points.json"), text);
});
