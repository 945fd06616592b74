//! Cell enumeration (in progress).
