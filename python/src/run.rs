//! Long calls: a worker thread counts while the calling thread waits with the GIL released,
//! forwards progress to a Python callback and turns Ctrl-C into cancellation.
//!
//! Python runs signal handlers only on the main thread and only while it holds the GIL, so the
//! waiting thread wakes every 50 ms, takes the GIL, runs `check_signals` and the progress
//! callback, and releases it again. A `KeyboardInterrupt` sets the walk's cancel flag; the walk
//! stops at its next cell and returns what it found (`complete: false`), which is returned with
//! `interrupted = true`. Any other exception from the callback cancels the walk and is re-raised
//! once the worker has stopped. A panic on the worker is caught and becomes a `TropicalError`;
//! [`guarded`] does the same for the short calls.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use pyo3::exceptions::PyKeyboardInterrupt;
use pyo3::prelude::*;
use tropical_geometry::cells::{WalkOptions, WalkProgress};

use crate::errors::{raise, Kind};

/// Run `job` with walk options that carry `max_cells`, a cancel flag and a progress hook.
/// Returns the job's result and whether Ctrl-C stopped it.
pub fn interruptible<T: Send>(
    py: Python<'_>,
    max_cells: Option<usize>,
    progress: Option<Bound<'_, PyAny>>,
    job: impl FnOnce(&WalkOptions) -> T + Send,
) -> PyResult<(T, bool)> {
    let cancel = Arc::new(AtomicBool::new(false));
    let counters: Arc<[AtomicUsize; 3]> = Arc::new(Default::default());
    let c = counters.clone();
    let opts = WalkOptions {
        max_cells,
        cancel: Some(cancel.clone()),
        progress: Some(Arc::new(move |p: &WalkProgress| {
            c[0].store(p.cells_found, Ordering::Relaxed);
            c[1].store(p.cells_explored, Ordering::Relaxed);
            c[2].store(p.lps_solved, Ordering::Relaxed);
        })),
    };
    let report = |cb: &Bound<'_, PyAny>| -> PyResult<()> {
        let v = |i: usize| counters[i].load(Ordering::Relaxed);
        cb.call1((v(0), v(1), v(2))).map(drop)
    };
    let tick = progress.as_ref().map(|cb| move || report(cb));
    let tick = tick.as_ref().map(|f| f as &dyn Fn() -> PyResult<()>);
    let (outcome, interrupted) = wait_answering_signals(py, &cancel, tick, || job(&opts))?;
    if let Some(cb) = &progress {
        report(cb)?;
    }
    match outcome {
        Ok(v) => Ok((v, interrupted)),
        Err(panic) => Err(panic_error(&*panic)),
    }
}

/// Run `job` on a worker thread while this thread waits with the GIL released, waking every
/// 50 ms to run Python's signal handlers and then `tick` (the progress report, when given). A
/// `KeyboardInterrupt` sets `cancel` and lets the job finish (returned with `true`); any other
/// exception sets `cancel` and is re-raised once the worker has stopped. Returns the job's
/// result, or its panic, and whether Ctrl-C stopped it.
pub fn wait_answering_signals<T: Send>(
    py: Python<'_>,
    cancel: &AtomicBool,
    tick: Option<&dyn Fn() -> PyResult<()>>,
    job: impl FnOnce() -> T + Send,
) -> PyResult<(std::thread::Result<T>, bool)> {
    let mut interrupted = false;
    let mut deferred: Option<PyErr> = None;
    let outcome = std::thread::scope(|s| {
        let worker = s.spawn(|| catch_unwind(AssertUnwindSafe(job)));
        while !worker.is_finished() {
            py.detach(|| std::thread::sleep(Duration::from_millis(50)));
            if worker.is_finished() {
                break;
            }
            let step = py
                .check_signals()
                .and_then(|()| tick.map_or(Ok(()), |f| f()));
            if let Err(e) = step {
                cancel.store(true, Ordering::SeqCst);
                if e.is_instance_of::<PyKeyboardInterrupt>(py) {
                    interrupted = true;
                } else {
                    deferred = Some(e);
                }
                break;
            }
        }
        py.detach(|| worker.join())
    });
    if let Some(e) = deferred {
        return Err(e);
    }
    // `join` fails only when the worker panicked outside `catch_unwind`
    Ok((outcome.unwrap_or_else(Err), interrupted))
}

/// A caught panic as a `TropicalError` ("internal error: ...").
fn panic_error(panic: &(dyn std::any::Any + Send)) -> PyErr {
    let msg = panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "unknown panic".into());
    raise(Kind::Other, format!("internal error: {msg}"))
}

/// Run `f` with the GIL released; a panic becomes a `TropicalError` instead of crossing into
/// Python.
pub fn guarded<T: Send>(py: Python<'_>, f: impl FnOnce() -> PyResult<T> + Send) -> PyResult<T> {
    py.detach(|| catch_unwind(AssertUnwindSafe(f)))
        .unwrap_or_else(|panic| Err(panic_error(&*panic)))
}
