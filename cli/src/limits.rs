//! # Limits and interruption of long commands
//!
//! The command-line side of the library's limits (`tropical_attention::count::Limits`): parsing
//! a memory budget (`--max-memory 2GiB`) and turning Ctrl-C into the cancellation flag that a
//! long count polls, so that it stops with its partial result (`complete: false`).
//!
//! ## Main declarations
//!
//! - [`parse_bytes`]: `--max-memory` values (bytes, or with a `KB`/`MB`/`GB`/`TB` or
//!   `KiB`/`MiB`/`GiB`/`TiB` suffix).
//! - [`interrupt_flag`]: the flag set by the first Ctrl-C; a second Ctrl-C quits at once.
//!
//! ## Implementation notes
//!
//! The handler is registered once per process (`ctrlc` allows one); every later call returns the
//! same flag. The first Ctrl-C only sets the flag and says so on stderr: the count stops at its
//! next poll (between cells, before each wall crossed) and the command prints what it has. A
//! second Ctrl-C exits with code 130 (128 + SIGINT) without output, for a phase that does not
//! poll.
//!
//! ## References
//!
//! - IEC 80000-13 (binary prefixes KiB, MiB, GiB, TiB).

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

/// Exit code after a second Ctrl-C: 128 + SIGINT, as a shell reports a process killed by it.
pub const EXIT_INTERRUPTED: i32 = 130;

/// Parse a byte count: a positive integer, optionally followed by a unit (`KB`, `MB`, `GB`,
/// `TB`: powers of 1000; `KiB`, `MiB`, `GiB`, `TiB`: powers of 1024; `B`; case-insensitive,
/// spaces allowed before the unit). Errors name the value and the accepted forms.
pub fn parse_bytes(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (digits, unit) = t.split_at(split);
    let form = "a positive number of bytes, e.g. 500000000, 500MB or 2GiB";
    if digits.is_empty() {
        return Err(format!("{s:?}: expected {form}"));
    }
    let n: u64 = digits
        .parse()
        .map_err(|_| format!("{s:?}: more than {} bytes", u64::MAX))?;
    let mult: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "kb" | "k" => 1_000,
        "mb" | "m" => 1_000_000,
        "gb" | "g" => 1_000_000_000,
        "tb" | "t" => 1_000_000_000_000,
        "kib" => 1 << 10,
        "mib" => 1 << 20,
        "gib" => 1 << 30,
        "tib" => 1 << 40,
        _ => return Err(format!("{s:?}: unknown unit {unit:?}; expected {form}")),
    };
    let bytes = n
        .checked_mul(mult)
        .ok_or_else(|| format!("{s:?}: more than {} bytes", u64::MAX))?;
    if bytes == 0 {
        return Err(format!("{s:?}: expected {form}"));
    }
    Ok(bytes)
}

/// The cancellation flag set by Ctrl-C (registered on the first call; later calls return the
/// same flag). The first Ctrl-C sets it and prints a line on stderr; the second exits with
/// [`EXIT_INTERRUPTED`]. If the handler cannot be registered the flag is never set and Ctrl-C
/// keeps its default effect (the process ends).
pub fn interrupt_flag() -> Arc<AtomicBool> {
    static FLAG: OnceLock<Arc<AtomicBool>> = OnceLock::new();
    FLAG.get_or_init(|| {
        let flag = Arc::new(AtomicBool::new(false));
        let presses = AtomicUsize::new(0);
        let f = flag.clone();
        let _ = ctrlc::set_handler(move || {
            if presses.fetch_add(1, Ordering::SeqCst) == 0 {
                f.store(true, Ordering::SeqCst);
                eprintln!("interrupted: stopping with the partial result (Ctrl-C again to quit)");
            } else {
                std::process::exit(EXIT_INTERRUPTED);
            }
        });
        flag
    })
    .clone()
}

#[cfg(test)]
mod tests {
    use super::parse_bytes;

    #[test]
    fn byte_counts() {
        assert_eq!(parse_bytes("500000000"), Ok(500_000_000));
        assert_eq!(parse_bytes("500MB"), Ok(500_000_000));
        assert_eq!(parse_bytes("2GiB"), Ok(2 << 30));
        assert_eq!(parse_bytes(" 3 kib "), Ok(3072));
        assert_eq!(parse_bytes("1B"), Ok(1));
        for bad in [
            "",
            "0",
            "0GB",
            "-1",
            "1.5GB",
            "GB",
            "12 parsecs",
            "99999999999TB",
        ] {
            let e = parse_bytes(bad).unwrap_err();
            assert!(e.contains(&format!("{bad:?}")), "{bad}: {e}");
        }
    }
}
