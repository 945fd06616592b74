//! The `tropical` command's flag values: `--max-memory` (`values::parse_bytes`), `--box`
//! (`values::parse_box`), `--method` (`values::parse_methods`) and `--tiles`
//! (`tiling::Tiling::parse`, then the last tile's bounds); the first byte picks the flag, and
//! for `--tiles` the slice dimension (1–4).
#![no_main]

use tropical_algebra::Rat;
use tropical_attention::tiling::Tiling;
use tropical_fuzz::values;

tropical_fuzz::pick_text_target!(|pick, text| {
    match pick % 4 {
        0 => {
            let _ = values::parse_bytes(text);
        }
        1 => {
            let _ = values::parse_box(text);
        }
        2 => {
            let names: Vec<String> = text.split(',').map(String::from).collect();
            let _ = values::parse_methods(&names);
        }
        _ => {
            let d = 1 + usize::from(pick >> 2) % 4;
            if let Ok(t) = Tiling::parse(text, Rat::from(-1), Rat::from(1), d) {
                let _ = t.bounds(t.len() - 1);
                let _ = t.bounds(t.len());
            }
        }
    }
});
