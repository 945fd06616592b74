//! The limits of a long count, end to end: `tropical regions` stopped by `--max-memory`,
//! `--time-limit` and Ctrl-C (SIGINT) prints a partial JSON report (`complete: false`, `stopped`
//! naming the limit, the cells found so far) and exits 0; bad limit values exit 2 naming the flag.
//!
//! The slow case is a JSON model the test writes: three heads on `R^3`, 24 keys, a depth-2
//! residual stack, counted by the walk (thousands of cells, many seconds on one core).

mod common;

use std::path::{Path, PathBuf};

use common::{json_model, on_model, tmpdir, tropical, ModelShape, Run};
use serde_json::Value;

/// A two-layer, three-head model on `R^3` and a 24-row context, written to `dir`.
fn slow_case(dir: &Path) -> (PathBuf, PathBuf) {
    let shape = ModelShape {
        layers: 2,
        heads: 3,
        d: 3,
        dv: 1,
        n: 24,
    };
    json_model(dir, 0x5eed, &shape)
}

/// `tropical regions` on the slow case at depth 2 with `--json --cells` (every cell found is
/// listed, however many a fast machine finds before the limit), then `extra`.
fn slow_regions(m: &Path, c: &Path, extra: &[&str]) -> Vec<String> {
    let mut a = on_model("regions", m, c, &["--depth", "2", "--json", "--cells"]);
    a.extend(extra.iter().map(|e| e.to_string()));
    a
}

/// The partial report of a run stopped by a limit: exit 0, `complete: false`, `stopped`, and a
/// cell count that matches the cells listed.
fn partial(r: &Run, stopped: &str) -> Value {
    assert_eq!(r.code, Some(0), "{r:?}");
    let j: Value = serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}: {r:?}"));
    assert_eq!(j["complete"], false, "{j}");
    assert_eq!(j["stopped"], stopped, "{j}");
    let n = j["cells"].as_u64().unwrap();
    assert_eq!(j["cell_list"].as_array().unwrap().len() as u64, n, "{j}");
    j
}

#[test]
fn memory_limit_gives_a_partial_count() {
    let dir = tmpdir("limits", "memory");
    let (m, c) = slow_case(&dir);
    let base = slow_regions(&m, &c, &[]);
    // 1 MB: the process is over it before the walk starts.
    let mut a = base.to_vec();
    a.extend(["--max-memory".into(), "1MB".into()]);
    let j = partial(&tropical(&a), "memory_limit");
    assert!(j["cells"].as_u64().unwrap() <= 1, "{j}");
    // The same model on one layer with a budget of 1 TiB: complete, not stopped.
    let mut a = base.to_vec();
    a[6] = "1".into();
    a.extend(["--max-memory".into(), "1TiB".into()]);
    let r = tropical(&a);
    assert_eq!(r.code, Some(0), "{r:?}");
    let j: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(j["complete"], true, "{j}");
    assert_eq!(j["stopped"], Value::Null, "{j}");
    // Bad values: exit 2, the flag named.
    for bad in ["0", "12parsecs", "-5", "99999999999TB"] {
        let mut a = base.to_vec();
        a.push(format!("--max-memory={bad}"));
        let r = tropical(&a);
        assert_eq!(r.code, Some(2), "{bad}: {r:?}");
        assert!(r.stderr.contains("--max-memory"), "{bad}: {r:?}");
    }
}

#[test]
fn time_limit_gives_a_partial_count() {
    let dir = tmpdir("limits", "time");
    let (m, c) = slow_case(&dir);
    let r = tropical(&slow_regions(&m, &c, &["--time-limit", "0.5"]));
    partial(&r, "time_limit");
}

/// SIGINT one second into a slow count: the command stops within two seconds of the signal and
/// prints the partial report.
#[test]
#[cfg(unix)]
fn ctrl_c_gives_a_partial_count_promptly() {
    let dir = tmpdir("limits", "ctrl_c");
    let (m, c) = slow_case(&dir);
    let r = common::ctrl_c_after_one_second(&slow_regions(&m, &c, &[]));
    partial(&r, "cancelled");
}
