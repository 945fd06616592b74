//! # Progress of phases that report no counts
//!
//! A long phase that has no progress callback of its own (loading a checkpoint, evaluating
//! enclosures) is shown on stderr while it runs: a spinner with the phase and the elapsed time on
//! a terminal, and plain lines otherwise (one when the phase has run a second or is renamed, then
//! one every [`PLAIN_EVERY_S`] seconds), so that a run with stderr sent to a file or a pipe is not silent.
//!
//! ## Main declarations
//!
//! - [`Phase`]: started with [`Phase::start`], renamed with [`Phase::set`], ended by
//!   [`Phase::finish`] or by being dropped.
//!
//! ## Implementation notes
//!
//! On a terminal the spinner is indicatif's steady tick. Otherwise one thread per phase sleeps in
//! steps of 100 ms; after the first [`QUIET_MS`] it prints a line when the phase is renamed or the
//! period has passed, and it stops within 100 ms of the phase's end. Lines read `COMMAND: WHAT …` and `COMMAND: WHAT, N s`.
//!
//! ## References
//!
//! - indicatif's `ProgressBar::enable_steady_tick`.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Seconds between two plain progress lines of one phase (stderr not a terminal).
pub const PLAIN_EVERY_S: u64 = 5;

/// Milliseconds of a phase without plain lines: a short run (or a bad input, answered with one
/// error line) prints none.
pub const QUIET_MS: u64 = 1000;

/// A phase shown on stderr while it runs (see the module documentation).
pub struct Phase {
    done: Arc<AtomicBool>,
    what: Arc<Mutex<String>>,
    last: Arc<Mutex<Instant>>,
    ticker: Option<JoinHandle<()>>,
    bar: Option<indicatif::ProgressBar>,
}

impl Phase {
    /// Start showing phase `what` of command `command` (e.g. `"eval"`, `"loading the model"`).
    pub fn start(command: &str, what: &str) -> Phase {
        let done = Arc::new(AtomicBool::new(false));
        let last = Arc::new(Mutex::new(Instant::now()));
        let msg = Arc::new(Mutex::new(what.to_string()));
        if std::io::stderr().is_terminal() {
            let bar = indicatif::ProgressBar::new_spinner();
            bar.set_style(
                indicatif::ProgressStyle::with_template("{spinner} {prefix}: {msg} [{elapsed}]")
                    .expect("template"),
            );
            bar.set_prefix(command.to_string());
            bar.set_message(what.to_string());
            bar.enable_steady_tick(Duration::from_millis(100));
            return Phase {
                done,
                what: msg,
                last,
                ticker: None,
                bar: Some(bar),
            };
        }
        let (d, m, cmd, seen) = (done.clone(), msg.clone(), command.to_string(), last.clone());
        let ticker = std::thread::spawn(move || {
            let start = Instant::now();
            let mut shown = String::new();
            while !d.load(Ordering::SeqCst) {
                std::thread::sleep(Duration::from_millis(100));
                if start.elapsed() < Duration::from_millis(QUIET_MS) {
                    continue;
                }
                let now = m.lock().map(|w| w.clone()).unwrap_or_default();
                let Ok(mut last) = seen.lock() else { return };
                if now != shown {
                    eprintln!("{cmd}: {now} …");
                    shown = now;
                    *last = Instant::now();
                } else if last.elapsed() >= Duration::from_secs(PLAIN_EVERY_S) {
                    eprintln!("{cmd}: {now}, {:.0} s", start.elapsed().as_secs_f64());
                    *last = Instant::now();
                }
            }
        });
        Phase {
            done,
            what: msg,
            last,
            ticker: Some(ticker),
            bar: None,
        }
    }

    /// Rename the running phase (a new plain line, or the spinner's message).
    pub fn set(&self, what: &str) {
        if let Ok(mut w) = self.what.lock() {
            *w = what.to_string();
        }
        if let Some(b) = &self.bar {
            b.set_message(what.to_string());
        }
    }

    /// A function that marks the phase as reported by someone else (a count's own progress
    /// lines): the periodic line waits [`PLAIN_EVERY_S`] seconds from the latest call.
    pub fn toucher(&self) -> impl Fn() + Send + Sync + 'static {
        let last = self.last.clone();
        move || {
            if let Ok(mut l) = last.lock() {
                *l = Instant::now();
            }
        }
    }

    /// End the phase: the spinner is cleared, the plain-line thread stops.
    pub fn finish(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        self.done.store(true, Ordering::SeqCst);
        if let Some(b) = self.bar.take() {
            b.finish_and_clear();
        }
        if let Some(t) = self.ticker.take() {
            let _ = t.join();
        }
    }
}

impl Drop for Phase {
    fn drop(&mut self) {
        self.stop();
    }
}
