//! Tropical-convex-hull points (JSON rows or `.ext`-like text), the `tropical tconv` reader.
#![no_main]

tropical_fuzz::text_target!(|text| {
    let _ = tropical_fuzz::tconv::points_from_str(std::path::Path::new("points.json"), text);
});
