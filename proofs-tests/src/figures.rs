//! Which figures of the paper illustrate which claim: the one table `claims-report` lists under
//! each claim and the paper's tests check against the figure registry (so a renamed figure fails
//! a test instead of leaving a dead link).
//!
//! ## Main items
//!
//! - [`FIGURES`]: claim id → names of `tropical-paper` registry entries.
//! - [`figures_of`]: the entries of one claim.
//!
//! ## Implementation notes
//!
//! Names, not paths: the paper writes `paper/out/NAME.svg` (entries with panels write
//! `NAME_…`), built by `cargo run --release -p tropical-paper -- fig NAME`. The paper crate
//! depends on this one, not the other way round, so the table lives here and the check there.
//!
//! ## References
//!
//! - SPEC §3 (`../shared/SPEC.md`); `paper/src/figures.rs`.

/// Claim id → the paper's registry entries that draw it.
pub const FIGURES: &[(&str, &[&str])] = &[
    ("T4", &["power_diagram", "minilm_power_diagram"]),
    ("T5", &["power_diagram", "minilm_power_diagram"]),
    (
        "T6",
        &[
            "refinement",
            "minilm_refinement",
            "cells_vs_n",
            "cells_vs_h",
            "minilm_cells_vs_n",
            "minilm_cells_vs_h",
        ],
    ),
    (
        "T7",
        &[
            "cells_vs_n",
            "cells_vs_h",
            "cells_vs_d",
            "minilm_cells_vs_d",
        ],
    ),
    ("T8", &["t8_depth"]),
    ("T9", &["t9_temperature"]),
    ("T15", &["cells_vs_n", "cells_vs_h", "cells_vs_d"]),
    ("T16", &["t16_topk"]),
    ("T17", &["s2_t17_bound"]),
    ("S2", &["s2_topk_error", "s2_t17_bound"]),
    ("S3", &["s3_speedup"]),
];

/// The registry entries that draw claim `id` (empty when none does).
///
/// ```
/// assert_eq!(proofs_tests::figures::figures_of("T8"), &["t8_depth"]);
/// assert!(proofs_tests::figures::figures_of("T1").is_empty());
/// ```
pub fn figures_of(id: &str) -> &'static [&'static str] {
    FIGURES
        .iter()
        .find(|(i, _)| *i == id)
        .map_or(&[], |(_, f)| f)
}
