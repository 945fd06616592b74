//! The SPEC §3 claim catalogue as executable tests; see `tests/`.
