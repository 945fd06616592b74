//! `.npy` arrays (`tropical_attention::load::npy`), exact and float, with and without the
//! options (the first byte picks them).
#![no_main]

use tropical_algebra::Rat;
use tropical_attention::load::npy::{self, NpyOptions};

tropical_fuzz::pick_target!(|pick, file| {
    let opts = NpyOptions {
        uint16_as_bf16: pick & 1 == 1,
        allow_non_finite: pick & 2 == 2,
    };
    let _ = npy::npy_from_bytes_with::<Rat>(file, "array.npy", &opts);
    let _ = npy::npy_floats_from_bytes(file, "array.npy", &opts);
});
