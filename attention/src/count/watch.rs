//! How a count is stopped: the watchdog that turns [`Limits`] (a user's cancel flag, a time
//! limit, a memory budget) into the walk's one cancel flag, and says afterwards which limit fired
//! ([`Stop`]).
//!
//! Main items: [`resident_bytes`] (the process's resident memory), `Watch` (started by each
//! count; dropping it stops the watchdog thread).
//!
//! Implementation notes: one thread per count polls every 20 ms, so a memory spike shorter than
//! that can pass the budget; the walk polls the cancel flag between cells and before each wall it
//! crosses.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tropical_geometry::cells::WalkOptions;

use super::{Limits, Stop};
use crate::error::{AttentionError, Result};

/// The resident memory of this process in bytes (Linux: `/proc/self/statm`, resident pages
/// times the page size), or `None` where it cannot be read.
pub fn resident_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    // The page size of every Linux target this crate builds for but a few (aarch64 with 16/64
    // KiB pages), read from the kernel's auxiliary vector when available.
    let page = std::fs::read("/proc/self/auxv")
        .ok()
        .and_then(|aux| page_size_from_auxv(&aux))
        .unwrap_or(4096);
    pages.checked_mul(page)
}

/// `AT_PAGESZ` (6) from a native-endian 64-bit auxiliary vector.
fn page_size_from_auxv(aux: &[u8]) -> Option<u64> {
    const AT_PAGESZ: u64 = 6;
    aux.chunks_exact(16).find_map(|kv| {
        let k = u64::from_ne_bytes(kv[..8].try_into().ok()?);
        let v = u64::from_ne_bytes(kv[8..].try_into().ok()?);
        (k == AT_PAGESZ).then_some(v)
    })
}

/// The walk's options from the limits, with a watchdog for the time limit. The returned guard
/// stops the watchdog when dropped; `timed_out` tells whether it fired.
pub(super) struct Watch {
    cancel: Arc<AtomicBool>,
    user: Option<Arc<AtomicBool>>,
    timed_out: Arc<AtomicBool>,
    over_memory: Arc<AtomicBool>,
    done: Arc<AtomicBool>,
}

impl Watch {
    pub(super) fn start(limits: &Limits) -> Result<(Watch, WalkOptions)> {
        let user = limits.cancel.clone();
        let already = user.as_ref().is_some_and(|f| f.load(Ordering::SeqCst));
        let cancel = Arc::new(AtomicBool::new(already));
        let timed_out = Arc::new(AtomicBool::new(false));
        let over_memory = Arc::new(AtomicBool::new(false));
        let done = Arc::new(AtomicBool::new(false));
        if let Some(t) = limits.time_limit_s {
            if !(t.is_finite() && t > 0.0) {
                return Err(AttentionError::Invalid(format!(
                    "time limit {t} s: must be a positive number of seconds"
                )));
            }
        }
        let budget = limits.max_memory_bytes;
        if let Some(b) = budget {
            if b == 0 {
                return Err(AttentionError::Invalid(
                    "memory limit 0 bytes: must be a positive number of bytes".into(),
                ));
            }
            if resident_bytes().is_none() {
                return Err(AttentionError::Invalid(format!(
                    "memory limit {b} bytes: the resident memory cannot be read on this system \
                     (/proc/self/statm)"
                )));
            }
        }
        let over = |b: u64| resident_bytes().is_some_and(|r| r > b);
        if budget.is_some_and(over) {
            over_memory.store(true, Ordering::SeqCst);
            cancel.store(true, Ordering::SeqCst);
        }
        // One flag for the walk, set by the user's flag, the deadline or the memory budget.
        let deadline = limits
            .time_limit_s
            .map(|t| Instant::now() + Duration::from_secs_f64(t));
        if deadline.is_some() || user.is_some() || budget.is_some() {
            let (c, to, om, dn, u) = (
                cancel.clone(),
                timed_out.clone(),
                over_memory.clone(),
                done.clone(),
                user.clone(),
            );
            std::thread::spawn(move || {
                while !dn.load(Ordering::SeqCst) {
                    if u.as_ref().is_some_and(|f| f.load(Ordering::SeqCst)) {
                        c.store(true, Ordering::SeqCst);
                        return;
                    }
                    if deadline.is_some_and(|t| Instant::now() >= t) {
                        to.store(true, Ordering::SeqCst);
                        c.store(true, Ordering::SeqCst);
                        return;
                    }
                    if budget.is_some_and(over) {
                        om.store(true, Ordering::SeqCst);
                        c.store(true, Ordering::SeqCst);
                        return;
                    }
                    std::thread::sleep(Duration::from_millis(20));
                }
            });
        }
        let opts = WalkOptions {
            max_cells: limits.max_cells,
            cancel: Some(cancel.clone()),
            progress: limits.progress.clone(),
        };
        Ok((
            Watch {
                cancel,
                user,
                timed_out,
                over_memory,
                done,
            },
            opts,
        ))
    }
    /// Why an incomplete walk stopped.
    pub(super) fn reason(&self) -> Stop {
        if self.timed_out.load(Ordering::SeqCst) {
            Stop::TimeLimit
        } else if self.over_memory.load(Ordering::SeqCst) {
            Stop::MemoryLimit
        } else if self.cancel.load(Ordering::SeqCst)
            || self.user.as_ref().is_some_and(|f| f.load(Ordering::SeqCst))
        {
            Stop::Cancelled
        } else {
            Stop::MaxCells
        }
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        self.done.store(true, Ordering::SeqCst);
    }
}
