//! # Limits and interruption of long commands
//!
//! The command-line side of the library's limits (`tropical_attention::count::Limits`): turning
//! Ctrl-C into the cancellation flag that a long count polls, so that it stops with its partial
//! result (`complete: false`). Memory budgets (`--max-memory 2GiB`) are parsed by
//! `values::parse_bytes`.
//!
//! ## Main declarations
//!
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
//! - The shell's convention for a process ended by a signal: exit status 128 + signal number.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

/// Exit code after a second Ctrl-C: 128 + SIGINT, as a shell reports a process killed by it.
pub const EXIT_INTERRUPTED: i32 = 130;

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
