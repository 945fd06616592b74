//! Exact polyhedral geometry (SPEC §2, T4–T7, T10, T12, T13).
