//! Shared by the certifier's tests in `gpu/tests/certify.rs` and `cli/tests/certify.rs`: run the
//! numpy attention kernels of `gpu/tests/numpy_attention.py`.

use std::path::{Path, PathBuf};
use std::process::Command;

/// `gpu/tests/numpy_attention.py ARGS --out DIR` into the fresh folder `dir` (`gpu_tests` is the
/// `gpu/tests` folder); `None`, with the reason printed, when `python3 -c 'import numpy'` fails.
pub fn run_numpy_kernel(gpu_tests: &Path, dir: PathBuf, args: &[&str]) -> Option<PathBuf> {
    let ok = Command::new("python3")
        .args(["-c", "import numpy"])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if !ok {
        eprintln!("SKIPPED: python3 with numpy not found (pip install numpy)");
        return None;
    }
    let _ = std::fs::remove_dir_all(&dir);
    let out = Command::new("python3")
        .arg(gpu_tests.join("numpy_attention.py"))
        .arg("--out")
        .arg(&dir)
        .args(args)
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "numpy_attention.py {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(dir)
}
