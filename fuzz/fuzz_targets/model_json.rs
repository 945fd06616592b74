//! JSON models and contexts (`tropical_attention::load::json`): the first byte picks the reader.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tropical_algebra::Rat;
use tropical_attention::load;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    match pick % 3 {
        0 => {
            let _ = load::model_from_json_str::<Rat>(text, "model.json");
        }
        1 => {
            let _ = load::context_from_json_str::<Rat>(text, "context.json");
        }
        _ => {
            let _ = load::vector_from_json_str::<Rat>(text, "vector.json");
        }
    }
});
