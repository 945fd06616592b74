//! Power diagrams (in progress).
