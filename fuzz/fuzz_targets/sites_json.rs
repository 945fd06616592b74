//! Power-diagram sites JSON (`{"sites": .., "weights": ..}`), the `tropical power-diagram` reader.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = tropical_fuzz::power_diagram::sites_from_str("sites.json", text);
});
