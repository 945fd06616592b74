//! JSON models and contexts (`tropical_attention::load::json`): the first byte picks the reader.
#![no_main]

use tropical_algebra::Rat;
use tropical_attention::load;

tropical_fuzz::pick_text_target!(|pick, text| match pick % 3 {
    0 => {
        let _ = load::model_from_json_str::<Rat>(text, "model.json");
    }
    1 => {
        let _ = load::context_from_json_str::<Rat>(text, "context.json");
    }
    _ => {
        let _ = load::vector_from_json_str::<Rat>(text, "vector.json");
    }
});
