//! Power-diagram sites JSON (`{"sites": .., "weights": ..}`), the `tropical power-diagram` reader.
#![no_main]

tropical_fuzz::text_target!(|text| {
    let _ = tropical_fuzz::power_diagram::sites_from_str("sites.json", text);
});
