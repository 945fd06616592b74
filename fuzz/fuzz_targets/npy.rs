//! `.npy` arrays (`tropical_attention::load::npy`), exact and float, with and without the
//! options.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tropical_algebra::Rat;
use tropical_attention::load::npy::{self, NpyOptions};

fuzz_target!(|data: &[u8]| {
    let Some((&pick, file)) = data.split_first() else {
        return;
    };
    let opts = NpyOptions {
        uint16_as_bf16: pick & 1 == 1,
        allow_non_finite: pick & 2 == 2,
    };
    let _ = npy::npy_from_bytes_with::<Rat>(file, "array.npy", &opts);
    let _ = npy::npy_floats_from_bytes(file, "array.npy", &opts);
});
