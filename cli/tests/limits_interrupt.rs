//! The limits of a long count, end to end: `tropical regions` stopped by `--max-memory`,
//! `--time-limit` and Ctrl-C (SIGINT) prints a partial JSON report (`complete: false`, `stopped`
//! naming the limit, the cells found so far) and exits 0; bad limit values exit 2 naming the flag.
//!
//! The slow case is a JSON model the test writes: three heads on `R^3`, 24 keys, a depth-2
//! residual stack, counted by the walk (thousands of cells, many seconds on one core).

mod common;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{tmpdir, tropical, Run};
use serde_json::Value;

/// Deterministic small integers in `-r..=r` (a linear congruential generator).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, r: i64) -> i64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) % (2 * r as u64 + 1)) as i64 - r
    }
    fn matrix(&mut self, rows: usize, cols: usize, r: i64) -> Vec<Vec<i64>> {
        (0..rows)
            .map(|_| (0..cols).map(|_| self.next(r)).collect())
            .collect()
    }
}

/// A two-layer, three-head model on `R^3` and a 24-row context, written to `dir`.
fn slow_case(dir: &Path) -> (PathBuf, PathBuf) {
    let mut g = Lcg(0x5eed);
    let d = 3;
    let layer = |g: &mut Lcg| {
        let heads: Vec<Value> = (0..3)
            .map(|_| {
                serde_json::json!({
                    "w_q": g.matrix(d, d, 3),
                    "w_k": g.matrix(d, d, 3),
                    "w_v": g.matrix(1, d, 2),
                })
            })
            .collect();
        serde_json::json!({ "heads": heads })
    };
    let model = serde_json::json!({ "layers": [layer(&mut g), layer(&mut g)] });
    let context = serde_json::json!({ "context": g.matrix(24, d, 5) });
    let (m, c) = (dir.join("model.json"), dir.join("context.json"));
    std::fs::write(&m, model.to_string()).unwrap();
    std::fs::write(&c, context.to_string()).unwrap();
    (m, c)
}

fn s(p: &Path) -> String {
    p.display().to_string()
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
    let base = [
        "regions",
        "--model",
        &s(&m),
        "--context",
        &s(&c),
        "--depth",
        "2",
        "--json",
    ]
    .map(String::from);
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
    let r = tropical(&[
        "regions",
        "--model",
        &s(&m),
        "--context",
        &s(&c),
        "--depth",
        "2",
        "--time-limit",
        "0.5",
        "--json",
    ]);
    partial(&r, "time_limit");
}

/// SIGINT one second into a slow count: the command stops within two seconds of the signal and
/// prints the partial report.
#[test]
#[cfg(unix)]
fn ctrl_c_gives_a_partial_count_promptly() {
    let dir = tmpdir("limits", "ctrl_c");
    let (m, c) = slow_case(&dir);
    let mut child = Command::new(env!("CARGO_BIN_EXE_tropical"))
        .args(["regions", "--model", &s(&m), "--context", &s(&c)])
        .args(["--depth", "2", "--json"])
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the tropical binary runs");
    std::thread::sleep(Duration::from_secs(1));
    assert!(
        child.try_wait().unwrap().is_none(),
        "the slow case finished within a second: it no longer tests the interrupt"
    );
    // Drain both pipes while waiting: a report larger than a pipe's buffer would otherwise
    // block the command's final write.
    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut text = String::new();
            pipe.read_to_string(&mut text).unwrap();
            text
        })
    };
    let out = drain(Box::new(child.stdout.take().unwrap()));
    let err = drain(Box::new(child.stderr.take().unwrap()));
    let sent = Instant::now();
    let kill = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(kill.success());
    let status = loop {
        if let Some(st) = child.try_wait().unwrap() {
            break st;
        }
        if sent.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            panic!("no exit 30 s after SIGINT");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let waited = sent.elapsed();
    let r = Run {
        code: status.code(),
        stdout: out.join().unwrap(),
        stderr: err.join().unwrap(),
    };
    assert!(
        waited < Duration::from_secs(2),
        "exit {waited:?} after SIGINT: {r:?}"
    );
    assert!(r.stderr.contains("interrupted"), "{r:?}");
    partial(&r, "cancelled");
}
