//! safetensors checkpoints (`tropical_attention::load::safetensors_from_bytes`): the first byte
//! picks the head count and the layer window, the rest is the file.
#![no_main]

use std::path::Path;

use tropical_algebra::Rat;
use tropical_attention::load::{self, LoadOptions};

tropical_fuzz::pick_target!(|pick, file| {
    let opts = LoadOptions {
        n_heads: (pick & 1 == 1).then_some(usize::from(pick >> 4).max(1)),
        layers: (pick & 2 == 2).then_some((usize::from((pick >> 2) & 3), 1)),
        naming: None,
    };
    let _ = load::safetensors_from_bytes::<Rat>(file, Path::new("model.safetensors"), &opts);
});
